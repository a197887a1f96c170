//! BPMN 2.0 export and import: our own round trip keeps the ranking, and
//! real-world files from the BPMN MIWG test suite import with the pools,
//! lanes, tasks and flow their reference pictures show. The MIWG files are
//! third-party data, read from `../shared/bpmn-miwg/` beside the repository;
//! without that folder their tests say so and skip.

use std::collections::BTreeSet;
use std::path::PathBuf;

use assert_cmd::Command;
use frictionmap::domain::model::Map;
use frictionmap::formats::bpmn::import::read_bpmn_file;
use frictionmap::formats::bpmn::{from_bpmn, to_bpmn};
use frictionmap::formats::samples::sample_maps;
use frictionmap::scoring::rank;
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

/// The MIWG reference files, when they are there.
fn miwg_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bpmn-miwg");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!("skipped: no MIWG reference files at {}", dir.display());
        None
    }
}

fn miwg(name: &str) -> Option<PathBuf> {
    miwg_dir().map(|dir| dir.join(format!("{name}.bpmn")))
}

fn lane_names(map: &Map) -> Vec<String> {
    map.lanes.iter().map(|l| l.name.clone()).collect()
}

/// Edges as "from → to" by step name.
fn edges(map: &Map) -> BTreeSet<String> {
    let name = |id: &str| map.step(id).map(|s| s.name.clone()).unwrap_or_default();
    map.edges
        .iter()
        .map(|e| format!("{} → {}", name(&e.from), name(&e.to)))
        .collect()
}

fn step_lane(map: &Map, step: &str) -> String {
    let s = map
        .steps
        .iter()
        .find(|s| s.name == step)
        .unwrap_or_else(|| panic!("no step {step}"));
    map.lane(&s.lane).unwrap().name.clone()
}

#[test]
fn own_export_round_trip_keeps_ranking_figures_flow_and_places() {
    for original in sample_maps().unwrap() {
        let xml = to_bpmn(&original);
        let (back, summary) = from_bpmn(&xml, "export.bpmn", "fallback").unwrap();
        assert_eq!(back.name, original.name);
        assert_eq!(back.currency, original.currency);
        assert_eq!(back.rates, original.rates);
        assert_eq!(lane_names(&back), lane_names(&original));
        assert_eq!(
            back.lanes, original.lanes,
            "lane ids, owners, notes and effort travel in fm:lane"
        );
        assert_eq!(back.steps.len(), original.steps.len());
        for (a, b) in original.steps.iter().zip(&back.steps) {
            let mut b_without_place = b.clone();
            b_without_place.x = a.x;
            b_without_place.y = a.y;
            assert_eq!(
                &b_without_place, a,
                "step {} keeps its id, figures, estimates and notes",
                a.name
            );
            assert!(
                (a.x - b.x).abs() < 0.01 && (a.y - b.y).abs() < 0.01,
                "{} moved: {a:?} {b:?}",
                a.name
            );
        }
        assert_eq!(
            edges(&back),
            edges(&original),
            "start/end events are bridged away, flow is kept"
        );
        assert_eq!(rank(&back), rank(&original), "{}: the ranking survives", original.name);
        assert_eq!(summary.needs_estimates, 0);
        assert_eq!(summary.placed_automatically, 0);
        assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    }
}

#[test]
fn export_has_a_pool_lanes_tasks_events_and_full_diagram() {
    let map = sample_maps().unwrap().remove(0);
    let xml = to_bpmn(&map);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let bpmn = Some("http://www.omg.org/spec/BPMN/20100524/MODEL");
    let count = |name: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == bpmn)
            .count()
    };
    assert_eq!(count("participant"), 1);
    assert_eq!(count("lane"), map.lanes.len());
    assert_eq!(count("task"), map.steps.len());
    assert!(count("startEvent") >= 1 && count("endEvent") >= 1);
    let flows = count("sequenceFlow");
    assert!(flows > map.edges.len(), "edges plus the flows from starts and to ends");
    // Every flow node and flow has its diagram element.
    let shapes: BTreeSet<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "BPMNShape")
        .filter_map(|n| n.attribute("bpmnElement"))
        .collect();
    for n in doc.descendants().filter(|n| {
        n.tag_name().namespace() == bpmn
            && matches!(
                n.tag_name().name(),
                "task" | "startEvent" | "endEvent" | "lane" | "participant"
            )
    }) {
        assert!(
            shapes.contains(n.attribute("id").unwrap()),
            "{:?} has no shape",
            n.attribute("id")
        );
    }
    let di_count = |name: &str| doc.descendants().filter(|n| n.tag_name().name() == name).count();
    assert_eq!(di_count("BPMNEdge"), flows);
    assert!(di_count("waypoint") >= 2 * flows);
    // Every task sits inside its lane's shape.
    let bounds = |id: &str| {
        let shape = doc
            .descendants()
            .find(|n| n.tag_name().name() == "BPMNShape" && n.attribute("bpmnElement") == Some(id))
            .unwrap();
        let b = shape.children().find(|c| c.tag_name().name() == "Bounds").unwrap();
        let f = |k| b.attribute(k).unwrap().parse::<f32>().unwrap();
        (f("x"), f("y"), f("x") + f("width"), f("y") + f("height"))
    };
    for lane in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "lane" && n.tag_name().namespace() == bpmn)
    {
        let (lx0, ly0, lx1, ly1) = bounds(lane.attribute("id").unwrap());
        for r in lane.children().filter(|c| c.tag_name().name() == "flowNodeRef") {
            let (x0, y0, x1, y1) = bounds(r.text().unwrap());
            assert!(
                x0 >= lx0 && y0 >= ly0 && x1 <= lx1 && y1 <= ly1,
                "{:?} outside its lane",
                r.text()
            );
        }
    }
}

#[test]
fn export_escapes_text_and_makes_valid_ids() {
    let mut map = sample_maps().unwrap().remove(0);
    map.name = "A & B <\"quoted\"> 'map'".into();
    map.steps.get_mut(0).unwrap().id = "1 weird id/ü".into();
    for e in &mut map.edges {
        if e.from == "pm-1" {
            e.from = map.steps[0].id.clone();
        }
        if e.to == "pm-1" {
            e.to = map.steps[0].id.clone();
        }
    }
    let xml = to_bpmn(&map);
    assert!(roxmltree::Document::parse(&xml).is_ok());
    let (back, _) = from_bpmn(&xml, "x", "x").unwrap();
    assert_eq!(back.name, map.name);
    assert_eq!(back.steps[0].id, map.steps[0].id);
    assert_eq!(rank(&back), rank(&map));
}

#[test]
fn miwg_a_1_0_one_pool_without_lanes_becomes_one_lane() {
    let Some(file) = miwg("A.1.0") else { return };
    let (map, summary) = read_bpmn_file(&file).unwrap();
    assert_eq!(map.lanes.len(), 1);
    assert_eq!(
        map.steps.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["Task 1", "Task 2", "Task 3"]
    );
    assert_eq!(
        edges(&map),
        BTreeSet::from(["Task 1 → Task 2".into(), "Task 2 → Task 3".into()])
    );
    assert_eq!(summary.needs_estimates, 3);
    assert!(map.steps.iter().all(|s| s.needs_estimates()));
    assert_eq!(summary.placed_from_diagram, 3);
    // Left to right as drawn.
    assert!(map.steps[0].x < map.steps[1].x && map.steps[1].x < map.steps[2].x);
}

#[test]
fn miwg_a_2_0_gateways_are_bridged() {
    let Some(file) = miwg("A.2.0") else { return };
    let (map, summary) = read_bpmn_file(&file).unwrap();
    // From the reference picture: task 1 splits to 2, 3 and 4; 3 and 4 merge to the end.
    assert_eq!(
        edges(&map),
        BTreeSet::from([
            "Task 1 → Task 2".into(),
            "Task 1 → Task 3".into(),
            "Task 1 → Task 4".into()
        ])
    );
    assert_eq!(summary.bridged.get("exclusiveGateway"), Some(&2));
}

#[test]
fn miwg_a_4_0_two_pools_lanes_and_subprocesses() {
    let Some(file) = miwg("A.4.0") else { return };
    let (map, summary) = read_bpmn_file(&file).unwrap();
    assert_eq!(summary.pools, 2);
    assert_eq!(map.lanes.len(), 3, "{:?}", lane_names(&map));
    assert_eq!(map.steps.len(), 6);
    // Tasks inside a subprocess take the subprocess's lane.
    assert_eq!(step_lane(&map, "Task 3"), step_lane(&map, "Task 4"));
    assert_eq!(step_lane(&map, "Task 3"), step_lane(&map, "Task 5"));
    assert_ne!(step_lane(&map, "Task 3"), step_lane(&map, "Task 6"));
    assert_ne!(step_lane(&map, "Task 1"), step_lane(&map, "Task 3"));
    assert_eq!(
        edges(&map),
        BTreeSet::from([
            "Task 1 → Task 2".into(),
            "Task 3 → Task 4".into(),
            "Task 4 → Task 5".into(),
            "Task 3 → Task 6".into(),
        ]),
        "flow enters and leaves subprocesses; message flows are not sequence flow"
    );
    assert_eq!(summary.skipped.get("messageFlow"), Some(&2));
}

#[test]
fn miwg_b_2_0_four_pools_everything_else_skipped_and_counted() {
    let Some(file) = miwg("B.2.0") else { return };
    let (map, summary) = read_bpmn_file(&file).unwrap();
    assert_eq!(summary.pools, 4);
    assert_eq!(map.lanes.len(), 5);
    assert_eq!(map.steps.len(), 36);
    assert!(summary.edges >= 30);
    for kind in ["dataObject", "textAnnotation", "group", "association", "messageFlow"] {
        assert!(
            summary.skipped.contains_key(kind),
            "{kind} should be counted as skipped: {:?}",
            summary.skipped
        );
    }
    for kind in [
        "boundaryEvent",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
        "subProcess",
    ] {
        assert!(summary.bridged.contains_key(kind), "{kind}: {:?}", summary.bridged);
    }
    let text = summary.lines().join("\n");
    assert!(
        text.contains("Skipped (not supported)") && text.contains("textAnnotation"),
        "{text}"
    );
    // Every lane of a several-pool file names its pool.
    assert!(
        map.lanes.iter().filter(|l| l.name.contains(" / ")).count() >= 2,
        "{:?}",
        lane_names(&map)
    );
}

#[test]
fn miwg_c_files_import_with_lanes_and_positions() {
    let Some(dir) = miwg_dir() else { return };
    let (c1, s1) = read_bpmn_file(&dir.join("C.1.0.bpmn")).unwrap();
    assert_eq!((s1.pools, c1.lanes.len(), c1.steps.len()), (2, 4, 9));
    let (c5, s5) = read_bpmn_file(&dir.join("C.5.0.bpmn")).unwrap();
    assert_eq!(c5.steps.len(), 19);
    assert_eq!(s5.placed_from_diagram, 19);
    assert_eq!(
        step_lane(&c5, "Interview customer"),
        step_lane(&c5, "Prove/Provide identity")
    );
    assert!(edges(&c5).contains("Interview customer → Prove/Provide identity"));
    let (c9, _) = read_bpmn_file(&dir.join("C.9.2.bpmn")).unwrap();
    assert_eq!(c9.steps.len(), 5);
    assert_eq!(
        edges(&c9),
        BTreeSet::from(["Notify customer about delay → Accelerate decision making".into()])
    );
}

/// Every kind of task the import turns into a step, counted straight from
/// the XML, apart from the import's own code.
fn tasks_in(text: &str) -> usize {
    const KINDS: &[&str] = &[
        "task",
        "userTask",
        "serviceTask",
        "manualTask",
        "scriptTask",
        "businessRuleTask",
        "sendTask",
        "receiveTask",
        "callActivity",
    ];
    let doc = roxmltree::Document::parse(text).unwrap();
    doc.descendants()
        .filter(|n| {
            n.tag_name().namespace() == Some("http://www.omg.org/spec/BPMN/20100524/MODEL")
                && KINDS.contains(&n.tag_name().name())
        })
        .count()
}

#[test]
fn every_miwg_file_imports_with_a_step_per_task() {
    let Some(dir) = miwg_dir() else { return };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "bpmn"))
        .collect();
    files.sort();
    assert!(files.len() >= 20, "{} MIWG files", files.len());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let (map, summary) = read_bpmn_file(&file).unwrap_or_else(|e| panic!("{e}"));
        let name = file.display();
        assert!(frictionmap::domain::validate::validate(&map).is_ok(), "{name}");
        assert_eq!(map.steps.len(), tasks_in(&text), "{name}: a step per task");
        assert_eq!(summary.steps, map.steps.len(), "{name}");
        assert!(rank(&map).total_friction == 0.0, "{name}: no figures, no friction");
    }
}

#[test]
fn missing_diagram_gets_a_left_to_right_layout_without_overlaps() {
    let Some(file) = miwg("A.2.0") else { return };
    let text = std::fs::read_to_string(file).unwrap();
    let start = text.find("<bpmndi:BPMNDiagram").expect("A.2.0 has a diagram");
    let end = text.rfind("</bpmndi:BPMNDiagram>").unwrap() + "</bpmndi:BPMNDiagram>".len();
    let without = format!("{}{}", &text[..start], &text[end..]);
    let (map, summary) = from_bpmn(&without, "A.2.0 without DI", "x").unwrap();
    assert_eq!(summary.placed_automatically, 4);
    assert_eq!(summary.placed_from_diagram, 0);
    let at = |name: &str| map.steps.iter().find(|s| s.name == name).map(|s| (s.x, s.y)).unwrap();
    assert!(at("Task 1").0 < at("Task 2").0, "flow runs left to right");
    assert_eq!(
        at("Task 2").0,
        at("Task 3").0,
        "tasks after the same split share a column"
    );
    let cards: Vec<(f32, f32)> = map.steps.iter().map(|s| (s.x, s.y)).collect();
    for (i, a) in cards.iter().enumerate() {
        for b in &cards[i + 1..] {
            let apart = (a.0 - b.0).abs() >= frictionmap::layout::tokens::CARD_W
                || (a.1 - b.1).abs() >= frictionmap::layout::tokens::CARD_H;
            assert!(apart, "cards overlap: {a:?} {b:?}");
        }
    }
}

#[test]
fn bad_files_are_refused_with_the_line_and_the_reason() {
    let err = |text: &str| from_bpmn(text, "in.bpmn", "x").unwrap_err().to_string();
    let e = err("<definitions><process>");
    assert!(
        e.contains("in.bpmn") && e.contains("not well-formed XML") && e.contains("line 1"),
        "{e}"
    );
    let e = err("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    assert!(
        e.contains("line 2") && e.contains("<svg>") && e.contains("not a BPMN 2.0"),
        "{e}"
    );
    let ns = r#"xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fm="urn:frictionmap:bpmn:1""#;
    let e = err(&format!(
        "<definitions {ns}><process id=\"p\"><startEvent id=\"s\"/></process></definitions>"
    ));
    assert!(e.contains("no tasks"), "{e}");
    let e = err(&format!("<definitions {ns}/>"));
    assert!(e.contains("no <process>"), "{e}");
    let bad = format!(
        "<definitions {ns}>\n<process id=\"p\">\n<task id=\"t1\" name=\"A\"><extensionElements>\n<fm:step rework_rate=\"1.2\"/></extensionElements></task>\n</process></definitions>"
    );
    let e = err(&bad);
    assert!(
        e.contains("line 4") && e.contains("\"t1\"") && e.contains("rework_rate") && e.contains("0.95"),
        "{e}"
    );
    let e = err(&bad.replace("1.2", "lots"));
    assert!(e.contains("line 4") && e.contains("not a number"), "{e}");
}

#[test]
fn cli_export_import_and_error_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let out = dir.path().join("ap.bpmn");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_maps/accounts-payable.json");
    let cmd = || {
        let mut c = Command::cargo_bin("frictionmap").unwrap_or_else(|_| Command::new(BIN));
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db);
        c
    };
    cmd()
        .args(["bpmn", "export"])
        .arg(&sample)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    // By stored name too.
    let out2 = dir.path().join("by-name.bpmn");
    cmd()
        .args(["bpmn", "export", "Accounts payable: invoice to payment", "--out"])
        .arg(&out2)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&out2).unwrap());
    if let Some(file) = miwg("A.4.0") {
        cmd()
            .args(["bpmn", "import"])
            .arg(file)
            .assert()
            .success()
            .stdout(predicate::str::contains("Imported map \"A.4.0\"").and(predicate::str::contains("2 messageFlow")));
    }
    let bad = dir.path().join("bad.bpmn");
    std::fs::write(&bad, "<definitions>\n<process>").unwrap();
    cmd()
        .args(["bpmn", "import"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.bpmn").and(predicate::str::contains("not well-formed")));
    cmd()
        .args(["bpmn", "export", "no such map", "--out"])
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn latin1_files_that_say_so_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.bpmn");
    let mut bytes = br#"<?xml version="1.0" encoding="ISO-8859-1"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p"><task id="t" name="Pr"#
        .to_vec();
    bytes.push(0xFC); // u-umlaut in Latin-1
    bytes.extend_from_slice(br#"fen"/></process></definitions>"#);
    std::fs::write(&path, &bytes).unwrap();
    let (map, _) = read_bpmn_file(&path).unwrap();
    assert_eq!(map.steps[0].name, "Pr\u{fc}fen");
    // Without the declaration the same bytes are refused, with the offset.
    std::fs::write(&path, &bytes[bytes.iter().position(|&b| b == b'\n').unwrap() + 1..]).unwrap();
    let e = read_bpmn_file(&path).unwrap_err().to_string();
    assert!(e.contains("not UTF-8"), "{e}");
}

const NS: &str = r#"xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:fm="urn:frictionmap:bpmn:1""#;

fn fm_step(id: &str) -> String {
    format!(r#"<extensionElements><fm:step id="{id}" volume_per_month="10" handle_minutes="1"/></extensionElements>"#)
}

#[test]
fn ids_that_collide_or_cannot_be_ids_are_replaced_and_every_task_is_kept() {
    // Task "a" carries the step id "b", which is also the next task's own id
    // (this was refused); two tasks share the id "t"; one id is 300
    // characters long and one holds a control character; two lanes say
    // they are the lane "same".
    let long = "x".repeat(300);
    let text = format!(
        r#"<definitions {NS}><process id="p">
<laneSet><lane id="L1" name="One"><extensionElements><fm:lane id="same"/></extensionElements><flowNodeRef>a</flowNodeRef><flowNodeRef>b</flowNodeRef><flowNodeRef>t</flowNodeRef></lane>
<lane id="L2" name="Two"><extensionElements><fm:lane id="same"/></extensionElements><flowNodeRef>{long}</flowNodeRef><flowNodeRef>c&#x9B;</flowNodeRef></lane></laneSet>
<task id="a" name="A">{}</task><task id="b" name="B"/><task id="t" name="T1"/><task id="t" name="T2"/>
<task id="{long}" name="Long"/><task id="c&#x9B;" name="C">{}</task>
<sequenceFlow id="f1" sourceRef="a" targetRef="b"/><sequenceFlow id="f2" sourceRef="b" targetRef="t"/>
</process></definitions>"#,
        fm_step("b"),
        fm_step("c&#x9B;")
    );
    let (map, summary) = from_bpmn(&text, "ids.bpmn", "ids").unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = map.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "T1", "T2", "Long", "C"], "every task is a step");
    assert_eq!(summary.steps, 6);
    assert_eq!(map.steps[0].id, "b", "the step id from fm:step is kept");
    let ids: BTreeSet<&str> = map.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), 6, "ids are unique: {ids:?}");
    let lanes: BTreeSet<&str> = map.lanes.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(lanes.len(), 2, "lane ids are unique: {lanes:?}");
    assert!(map.lanes.iter().any(|l| l.id == "same"));
    assert!(
        frictionmap::domain::validate::validate(&map).is_ok(),
        "{:?}",
        frictionmap::domain::validate::validate(&map)
    );
    // Flows follow the BPMN ids: to the first task that has the id.
    assert_eq!(edges(&map), BTreeSet::from(["A → B".to_owned(), "B → T1".to_owned()]));
}

#[test]
fn characters_a_map_cannot_hold_are_left_out_and_the_summary_says_so() {
    // XML allows C1 control characters and most noncharacters; a map does
    // not (these made the whole import fail at validation).
    let text = format!(
        r#"<definitions {NS} name="Map&#x80;"><collaboration><participant id="P" name="Pool&#x9B;" processRef="p"/></collaboration>
<process id="p"><documentation>Notes&#xFDD0;</documentation>
<laneSet><lane id="L" name="Lane&#x1FFFE;"><extensionElements><fm:lane owner="Own&#x9F;er"/></extensionElements><flowNodeRef>t</flowNodeRef></lane></laneSet>
<task id="t" name="Task&#x90;&#xFFFD;&#x10FFFF;"><documentation>Step &#x8D;notes</documentation></task></process></definitions>"#
    );
    let (map, summary) = from_bpmn(&text, "chars.bpmn", "x").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        frictionmap::domain::validate::validate(&map).is_ok(),
        "{:?}",
        frictionmap::domain::validate::validate(&map)
    );
    assert_eq!(map.name, "Map");
    assert_eq!(map.notes, "Notes");
    assert_eq!(map.lanes[0].name, "Lane");
    assert_eq!(map.lanes[0].owner, "Owner");
    assert_eq!(
        map.steps[0].name, "Task\u{fffd}",
        "U+FFFD itself is a character like any other"
    );
    assert_eq!(map.steps[0].notes, "Step notes");
    let said = summary.to_string();
    assert!(
        said.contains("7 name(s) or note(s) held characters a map cannot hold") && said.contains("left out"),
        "{said}"
    );
}

#[test]
fn a_file_name_with_control_characters_names_the_map_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad\u{1b}[31mname.bpmn");
    std::fs::write(
        &path,
        format!(r#"<definitions {NS}><process id="p"><task id="t"/></process></definitions>"#),
    )
    .unwrap();
    let (map, _) = read_bpmn_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(map.name, "bad[31mname");
    assert_eq!(map.steps[0].name, "task t");
}

/// Text that is hard to carry in XML: markup characters, a CDATA end,
/// quotes, tabs and line ends (CR too), astral and combining characters.
fn tricky_text() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::string::string_regex("( |&|<|>|\"|'|\\]\\]>|\t|\n|\r|\r\n|&amp;|é|e\u{301}|🙂|𝄞|日本|\u{202e}|x){1,12}")
        .expect("valid regex")
}

/// A name as the import reads it: one line, whitespace runs as one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 64, failure_persistence: None, ..Default::default() })]

    /// Any valid map exports to well-formed XML that imports back to the
    /// same text (names as one line, notes with their line ends, CR too).
    #[test]
    fn the_export_of_tricky_text_is_well_formed_and_comes_back(
        map_name in tricky_text(),
        lane_name in tricky_text(),
        owner in tricky_text(),
        step_name in tricky_text(),
        notes in tricky_text(),
        step_id in tricky_text(),
    ) {
        let mut map = sample_maps().unwrap().remove(0);
        map.name = map_name;
        map.lanes[0].name = lane_name;
        map.lanes[0].owner = owner;
        let old_id = map.steps[0].id.clone();
        {
            let mut step = map.steps.get_mut(0).unwrap();
            step.name = step_name;
            step.notes = notes.clone();
            step.id = step_id.clone();
        }
        for e in &mut map.edges {
            for end in [&mut e.from, &mut e.to] {
                if *end == old_id {
                    *end = step_id.clone();
                }
            }
        }
        proptest::prop_assume!(frictionmap::domain::validate::validate(&map).is_ok());
        let xml = to_bpmn(&map);
        let parsed = roxmltree::Document::parse(&xml);
        proptest::prop_assert!(parsed.is_ok(), "not well-formed: {:?}", parsed.err());
        let (back, _) = from_bpmn(&xml, "tricky.bpmn", "x").map_err(|e| proptest::test_runner::TestCaseError::fail(e.to_string()))?;
        proptest::prop_assert_eq!(&back.name, &one_line(&map.name));
        proptest::prop_assert_eq!(&back.lanes[0].name, &one_line(&map.lanes[0].name));
        proptest::prop_assert_eq!(&back.lanes[0].owner, &one_line(&map.lanes[0].owner));
        proptest::prop_assert_eq!(&back.steps[0].name, &one_line(&map.steps[0].name));
        proptest::prop_assert_eq!(&back.steps[0].notes, notes.trim());
        proptest::prop_assert_eq!(&back.steps[0].id, &step_id, "the step id comes back exactly");
        let ids = |map: &Map| map.edges.iter().map(|e| (e.from.clone(), e.to.clone())).collect::<BTreeSet<_>>();
        proptest::prop_assert_eq!(ids(&back), ids(&map));
    }
}
