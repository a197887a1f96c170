//! The steps CSV round trip: export every step, read it back as a new map
//! or as an update, with Excel's BOM, semicolons and decimal commas, and a
//! report of every row with line numbers.

use std::path::PathBuf;

use assert_cmd::Command;
use frictionmap::model::{Attr, Map};
use frictionmap::samples::sample_maps;
use frictionmap::scoring::rank;
use frictionmap::steps_csv::{header, import_new, import_update, steps_csv, update_edit};
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

#[test]
fn export_then_import_as_new_map_keeps_every_figure_and_the_ranking() {
    for map in sample_maps().unwrap() {
        let bytes = steps_csv(&map, true);
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text.lines().next().unwrap(), header().join(","));
        assert_eq!(text.lines().count(), map.steps.len() + 1);
        assert!(text.contains("\r\n"));
        let (back, report) = import_new(&bytes, "steps.csv", &map.name).unwrap();
        assert_eq!(report.added.len(), map.steps.len());
        assert!(report.rejected.is_empty(), "{:?}", report.rejected);
        assert_eq!(back.lanes.len(), map.lanes.len());
        for (a, b) in map.steps.iter().zip(&back.steps) {
            assert_eq!(a.name, b.name);
            for attr in Attr::ALL {
                assert_eq!(a.value(attr), b.value(attr), "{} {}", a.name, attr.key());
            }
            assert_eq!((&a.low, &a.high, &a.notes), (&b.low, &b.high, &b.notes));
        }
        // The ranking does not depend on ids, rates aside.
        let mut back = back;
        back.rates = map.rates;
        back.currency = map.currency.clone();
        let (r1, r2) = (rank(&map), rank(&back));
        let view = |r: &frictionmap::scoring::Ranking| {
            r.lanes
                .iter()
                .map(|l| (l.lane.clone(), (l.monthly_friction * 100.0).round()))
                .collect::<Vec<_>>()
        };
        assert_eq!(view(&r1), view(&r2), "{}", map.name);
    }
}

#[test]
fn excel_bom_semicolons_and_decimal_commas_are_accepted() {
    let text = "\u{feff}Lane;Step;volume_per_month;handle_minutes;rework_rate;approval_delay_hours;handle_minutes_low;notes\r\n\
                Intake;Open mail;1.250;2,5;12%;0;1,5;=HYPERLINK(\"x\")\r\n\
                Intake;Scan;300;1,25;0,05;0,5;;\r\n";
    let (map, report) = import_new(text.as_bytes(), "excel.csv", "Excel").unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert!(report.notes.iter().any(|n| n.contains("Semicolon")));
    assert!(report.notes.iter().any(|n| n.contains("decimal comma")));
    let s = &map.steps[0];
    assert_eq!(
        (
            s.volume_per_month,
            s.handle_minutes,
            s.rework_rate,
            s.low.get(Attr::HandleMinutes)
        ),
        (1250.0, 2.5, 0.12, Some(1.5))
    );
    assert_eq!(s.notes, "=HYPERLINK(\"x\")");
    let s = &map.steps[1];
    assert_eq!(
        (
            s.volume_per_month,
            s.handle_minutes,
            s.rework_rate,
            s.approval_delay_hours
        ),
        (300.0, 1.25, 0.05, 0.5)
    );
    // Comma-separated with quoted decimal commas is read too.
    let text = "lane,step,handle_minutes\nA,B,\"2,5\"\n";
    let (map, report) = import_new(text.as_bytes(), "q.csv", "Q").unwrap();
    assert_eq!(map.steps[0].handle_minutes, 2.5);
    assert!(report.notes.iter().any(|n| n.contains("decimal comma")));
}

#[test]
fn update_matches_by_lane_and_step_and_reports_every_row() {
    let map = sample_maps().unwrap().remove(0);
    let lane = map.lane(&map.steps[0].lane).unwrap().name.clone();
    let step = map.steps[0].name.clone();
    let second = map.steps[1].name.clone();
    let text = format!(
        "lane,step,volume_per_month,handle_minutes,rework_rate,approval_delay_hours\n\
         {lane},{step},999,2.5,0.03,0\n\
         {lane},{second},{},{},{},{}\n\
         {lane},A new step,10,1,0,0\n\
         Brand new lane,Another,5,5,0.1,1\n\
         {lane},Bad rework,10,1,2,0\n\
         ,No lane,1,1,0,0\n\
         {lane},{step},1,1,0,0\n",
        map.steps[1].volume_per_month,
        map.steps[1].handle_minutes,
        map.steps[1].rework_rate,
        map.steps[1].approval_delay_hours
    );
    let (after, report) = import_update(text.as_bytes(), "update.csv", &map).unwrap();
    assert_eq!(report.changed, vec![(2, lane.clone(), step.clone())]);
    assert_eq!(report.unchanged, 1);
    assert_eq!(report.added.iter().map(|a| a.0).collect::<Vec<_>>(), vec![4, 5]);
    assert_eq!(report.lanes_added, 1);
    let rejected: Vec<u64> = report.rejected.iter().map(|r| r.0).collect();
    assert_eq!(rejected, vec![6, 7, 8]);
    assert!(report.rejected[0].1.contains("rework_rate") && report.rejected[0].1.contains("0.95"));
    assert!(report.rejected[1].1.contains("lane is empty"));
    assert!(report.rejected[2].1.contains("already on line 2"));
    assert_eq!(report.untouched, map.steps.len() - 2);
    assert_eq!(after.steps[0].volume_per_month, 999.0);
    assert_eq!(
        after.steps[0].id, map.steps[0].id,
        "matched steps keep their id, place and edges"
    );
    assert_eq!(after.edges, map.edges);
    let lines = report.lines().join("\n");
    assert!(
        lines.contains("2 row(s) added, 1 changed, 1 unchanged, 3 rejected"),
        "{lines}"
    );
    assert!(lines.contains("line 6: rejected: rework_rate"), "{lines}");

    // The GUI applies it as one edit that undo reverses.
    let mut applied: Map = map.clone();
    let inverse = frictionmap::edit::apply(&mut applied, update_edit(&map, &after)).unwrap();
    assert_eq!(applied, after);
    frictionmap::edit::apply(&mut applied, inverse).unwrap();
    assert_eq!(applied, map);
}

#[test]
fn whole_file_problems_are_refused() {
    let e = import_new(b"", "e.csv", "x").unwrap_err().to_string();
    assert!(e.contains("e.csv") && e.contains("empty"), "{e}");
    let e = import_new(b"name,value\nA,1\n", "h.csv", "x").unwrap_err().to_string();
    assert!(e.contains("line 1") && e.contains("\"lane\" and a \"step\""), "{e}");
    let e = import_new(b"lane,step\n\xff\xfe,x\n", "b.csv", "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("not UTF-8"), "{e}");
    let e = import_new(b"lane,step,rework_rate\nA,B,5\n", "r.csv", "x")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no row could be imported") && e.contains("line 2"), "{e}");
}

#[test]
fn cli_steps_export_import_and_update() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let cmd = || {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db);
        c
    };
    let csv = dir.path().join("steps.csv");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_maps/it-access-requests.json");
    cmd()
        .args(["steps", "export"])
        .arg(&sample)
        .arg("--out")
        .arg(&csv)
        .assert()
        .success();
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--into", "IT access requests"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 row(s) added, 0 changed, 26 unchanged, 0 rejected",
        ));
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--name", "From CSV"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Imported map \"From CSV\"").and(predicate::str::contains("26 row(s) added")));
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "step,value\n").unwrap();
    cmd()
        .args(["steps", "import"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv: line 1"));
    cmd()
        .args(["steps", "import"])
        .arg(&csv)
        .args(["--into", "No such map"])
        .assert()
        .code(2);
}
