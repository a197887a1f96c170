//! Hostile BPMN files. Every file in `tests/hostile_bpmn/` (listed with what
//! it is in `CORPUS` below) and the large ones written at run time go
//! through `frictionmap bpmn import` and through the app's Map ▸ Import
//! BPMN…. A bad file is refused with a message that names the file and the
//! problem (exit code 2, or an error dialog) and leaves the database
//! byte-for-byte unchanged; a hard but valid file imports into a map that
//! validates. Nothing panics, no run takes more than `TIME_LIMIT`, and no
//! command's peak memory passes `MEMORY_LIMIT_MB`.

use crate::child_process::{Finished, run_bounded};
use crate::common;
use crate::common::{files_in, shown};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use frictionmap::formats::bpmn::import::read_bpmn_file;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

/// The longest any import may take, refused or not (debug build). The
/// files at the scan's limits take 7 to 10 s in a debug build on a busy
/// 2-core machine (well under 1 s in a release build); a hang never ends,
/// so 30 s tells one from slowness with room to spare.
const TIME_LIMIT: Duration = Duration::from_secs(30);
/// The most memory (peak resident set) any import may take. The most
/// measured is about 370 MB, for a file at the scan's limits of nodes and
/// attributes.
const MEMORY_LIMIT_MB: u64 = 512;

/// What must come of a file, with words its message must contain.
#[derive(Clone, Copy)]
enum Outcome {
    /// Refused: exit code 2 on the command line, an error dialog in the app.
    Refused(&'static [&'static str]),
    /// Imported into a valid map; the summary holds these words.
    Imported(&'static [&'static str]),
}

/// One committed file: its name in `tests/hostile_bpmn/`, what it is, and
/// what must come of it.
struct Case {
    file: &'static str,
    what: &'static str,
    outcome: Outcome,
}

const fn refused(file: &'static str, what: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Outcome::Refused(words),
    }
}

const fn imported(file: &'static str, what: &'static str, words: &'static [&'static str]) -> Case {
    Case {
        file,
        what,
        outcome: Outcome::Imported(words),
    }
}

/// The committed corpus. `base.bpmn` is a valid file with a pool, two lanes,
/// three tasks, a gateway and a diagram; most others break one thing in it.
const CORPUS: &[Case] = &[
    imported(
        "base.bpmn",
        "the valid file the others are made from",
        &["1 pool(s), 2 lane(s), 3 step(s), 3 edge(s)"],
    ),
    // Encodings.
    imported(
        "utf16le-bom.bpmn",
        "the base file as UTF-16 little-endian with its byte-order mark",
        &["3 step(s)"],
    ),
    imported(
        "utf16be-bom.bpmn",
        "the base file as UTF-16 big-endian with its byte-order mark",
        &["3 step(s)"],
    ),
    refused(
        "utf16-lone-surrogate.bpmn",
        "UTF-16 holding half a surrogate pair",
        &["line 1: not UTF-16 text: unpaired surrogate found: d800"],
    ),
    imported(
        "latin1-declared.bpmn",
        "a task name in ISO-8859-1 (ü as FC), which the XML declaration names",
        &["3 step(s)"],
    ),
    refused(
        "latin1-undeclared.bpmn",
        "the same bytes without the declaration",
        &["line 21: not UTF-8 text (invalid byte 0xFC at offset 1322, column 42)"],
    ),
    refused(
        "binary-png.bpmn",
        "the start of a PNG image",
        &["line 1: not UTF-8 text (invalid byte 0x89 at offset 0, column 1)"],
    ),
    refused("empty.bpmn", "zero bytes", &["the file is empty"]),
    refused(
        "whitespace-only.bpmn",
        "spaces, tabs and line ends",
        &["the file is empty"],
    ),
    refused(
        "plain-text.bpmn",
        "a line of text, not XML",
        &["line 1: not XML: the text starts with \"Capture invoice -> Sign …\""],
    ),
    // XML that is cut short or not well-formed.
    refused(
        "truncated.bpmn",
        "the first 30 lines of the base file (it used to be reported at line 1)",
        &["line 31: not well-formed XML: the file ends while <bpmn:process> (opened at line 6) is still open"],
    ),
    refused(
        "truncated-in-tag.bpmn",
        "cut off inside a task's start tag",
        &["line 25: not well-formed XML: the file ends inside the tag <bpmn:userTask begun at line 25"],
    ),
    refused(
        "truncated-in-comment.bpmn",
        "cut off inside a comment",
        &["line 8: not well-formed XML: expected '-->' at 8:1"],
    ),
    refused(
        "mismatched-end-tag.bpmn",
        "a userTask closed by </bpmn:task>",
        &["line 27: not well-formed XML: expected 'bpmn:userTask' tag, not 'bpmn:task'"],
    ),
    refused(
        "undefined-entity.bpmn",
        "&nbsp; in a name, an HTML entity XML does not know",
        &["line 21: not well-formed XML: unknown entity reference 'nbsp'"],
    ),
    refused(
        "nested-200-deep.bpmn",
        "documentation elements nested 200 deep inside a task",
        &["line 29: <bpmn:documentation> is nested more than 128 elements deep"],
    ),
    // Entities and inclusions: refused, or inert.
    refused(
        "xxe-file.bpmn",
        "an external entity that names /etc/passwd (XXE), used in a task name",
        &["line 2: the file has a DOCTYPE", "not read"],
    ),
    refused(
        "billion-laughs.bpmn",
        "ten levels of entities, each ten of the one below (a billion \"lol\"s)",
        &["line 2: the file has a DOCTYPE"],
    ),
    imported(
        "xinclude.bpmn",
        "an XInclude of /etc/passwd inside a task, which nothing follows",
        &["3 step(s)"],
    ),
    // Ids and text.
    imported(
        "id-collision.bpmn",
        "a task whose id is another task's fm:step id (was refused: every task is kept)",
        &["3 step(s), 3 edge(s)"],
    ),
    imported(
        "duplicate-task-ids.bpmn",
        "two tasks with the same id; the flows of the second name an id no element has",
        &[
            "3 step(s), 1 edge(s)",
            "3 sequence flow(s) name elements that are not imported",
        ],
    ),
    imported(
        "id-300-chars.bpmn",
        "a task id of 300 characters, too long for a step id",
        &["3 step(s), 3 edge(s)"],
    ),
    imported(
        "name-300-chars.bpmn",
        "a task name of 300 characters, cut to 200",
        &["3 step(s)"],
    ),
    imported(
        "c1-controls-in-names.bpmn",
        "C1 control characters (U+0080, U+009B) in a task and a lane name, which XML allows",
        &["2 name(s) or note(s) held characters a map cannot hold", "left out"],
    ),
    imported(
        "noncharacters-in-names.bpmn",
        "the noncharacters U+FDD0 and U+1FFFE in the pool and a task name, which XML allows",
        &["2 name(s) or note(s) held characters a map cannot hold"],
    ),
    refused(
        "escape-char-reference.bpmn",
        "&#x1B; (escape) in a task name",
        &["line 21: not well-formed XML: malformed entity reference at 21:40"],
    ),
    refused(
        "nul-char-reference.bpmn",
        "&#0; (NUL) in a task name",
        &["line 21: not well-formed XML"],
    ),
    refused(
        "raw-escape-byte.bpmn",
        "a raw escape byte in a task name",
        &["line 21: not well-formed XML: a non-XML character '\\u{1b}'"],
    ),
    refused(
        "raw-nul-byte.bpmn",
        "a raw NUL byte in a task name",
        &["line 21: not well-formed XML: a non-XML character '\\0'"],
    ),
    refused(
        "fffe-char-reference.bpmn",
        "&#xFFFE; in a task name",
        &["line 21: not well-formed XML"],
    ),
    refused(
        "raw-ffff.bpmn",
        "a raw U+FFFF in a task name",
        &["line 21: not well-formed XML: a non-XML character '\\u{ffff}'"],
    ),
    // Figures out of range.
    refused(
        "rework-1.2.bpmn",
        "a rework rate of 1.2",
        &["line 22: task \"Task_capture\": fm:step rework_rate: 1.2 is above the maximum 0.95"],
    ),
    refused(
        "volume-not-a-number.bpmn",
        "a volume of \"lots\"",
        &["line 26: fm:step volume_per_month=\"lots\" is not a number"],
    ),
    refused(
        "volume-nan.bpmn",
        "a volume of NaN",
        &["line 22: fm:step volume_per_month=\"NaN\" is not a finite number"],
    ),
    refused(
        "volume-1e400.bpmn",
        "a volume of 1e400",
        &["line 22: fm:step volume_per_month=\"1e400\" is not a finite number"],
    ),
    refused(
        "negative-hourly-cost.bpmn",
        "an hourly cost of -46 (was refused without a line)",
        &["line 7: fm:map hourly_cost: -46 is below the minimum 0"],
    ),
    refused(
        "bad-currency.bpmn",
        "a currency with a space",
        &["line 7: fm:map currency: \"US DOLLAR\" is not a currency code"],
    ),
    refused(
        "low-above-value.bpmn",
        "a low estimate above the value (was refused without a line)",
        &["line 23: task \"Task_capture\": fm:low handle_minutes: 9 is above the value 3"],
    ),
    refused(
        "effort-0-weeks.bpmn",
        "a lane effort of 0 weeks",
        &["line 15: fm:lane effort_weeks: 0 weeks is not above 0"],
    ),
    // Not BPMN, or nothing to import.
    refused(
        "svg-root.bpmn",
        "an SVG picture",
        &["line 2: the root element is <svg>, not a BPMN 2.0 <definitions>"],
    ),
    refused(
        "bpmn-without-namespace.bpmn",
        "the base file with the BPMN namespace replaced",
        &["line 2: the root element is <definitions>, not a BPMN 2.0 <definitions> in the namespace"],
    ),
    refused(
        "no-process.bpmn",
        "definitions with a collaboration and no process",
        &["line 2: the file has no <process>: nothing to import"],
    ),
    refused(
        "no-tasks.bpmn",
        "the base file without its tasks",
        &["line 2: the file has no tasks: nothing to import as steps"],
    ),
    // Odd but valid structure.
    imported(
        "self-flow.bpmn",
        "a task whose flow leads back to itself",
        &["3 step(s), 3 edge(s)"],
    ),
    imported(
        "gateway-loop.bpmn",
        "two gateways flowing into each other, between two tasks",
        &["3 step(s), 4 edge(s)", "3 exclusiveGateway"],
    ),
    imported(
        "flow-without-source.bpmn",
        "a sequence flow without sourceRef",
        &["3 edge(s)", "1 sequence flow(s) name elements that are not imported"],
    ),
    imported(
        "flow-to-nowhere.bpmn",
        "a sequence flow to an id no element has",
        &["3 edge(s)", "1 sequence flow(s) name elements that are not imported"],
    ),
    imported(
        "gateway-6-to-6.bpmn",
        "six tasks joined by one gateway to six more (36 edges if bridged)",
        &[
            "16 step(s), 15 edge(s)",
            "junction steps of no cost",
            "1 parallelGateway",
        ],
    ),
    imported(
        "diagram-far-out.bpmn",
        "a task shape at x = 1e30 (the map was refused: x beyond 1e7)",
        &["1 shape(s) of the diagram lie farther out than a map can hold"],
    ),
    imported(
        "diagram-nan-bounds.bpmn",
        "a task shape with NaN and infinite bounds",
        &["1 step(s) had no diagram position"],
    ),
    imported(
        "nested-lanes.bpmn",
        "lanes nested three deep",
        &["1 pool(s), 3 lane(s), 3 step(s)"],
    ),
    imported(
        "lane-refers-to-nothing.bpmn",
        "a lane listing an id no element has, and an empty reference",
        &["2 lane(s), 3 step(s)"],
    ),
    imported(
        "comments-pi-cdata.bpmn",
        "a comment, a processing instruction and CDATA holding ']]>' in documentation",
        &["3 step(s)"],
    ),
    imported(
        "utf8-bom.bpmn",
        "the base file after a UTF-8 byte-order mark",
        &["3 step(s), 3 edge(s)"],
    ),
    imported(
        "process-without-id.bpmn",
        "a process without an id, which no participant names",
        &["1 pool(s), 2 lane(s), 3 step(s)"],
    ),
    imported(
        "two-processes-no-collaboration.bpmn",
        "two processes and no collaboration",
        &["2 pool(s), 3 lane(s), 4 step(s)"],
    ),
    imported(
        "boundary-event-loop.bpmn",
        "a boundary event leading back to its own task, and one attached to nothing",
        &["3 step(s), 3 edge(s)", "2 boundaryEvent"],
    ),
    imported(
        "subprocess-of-events.bpmn",
        "a subprocess holding only events, and an empty one, between two tasks",
        &["3 step(s)", "2 subProcess"],
    ),
    imported(
        "subprocesses-120-deep.bpmn",
        "a task inside subprocesses nested 120 deep, within the nesting limit",
        &["2 lane(s), 3 step(s), 3 edge(s)", "120 subProcess"],
    ),
    imported(
        "empty-and-blank-names.bpmn",
        "an empty lane name and a task and pool named only with spaces and line ends",
        &["3 step(s)"],
    ),
    imported(
        "foreign-namespace-tasks.bpmn",
        "a <task> in another namespace, which is not BPMN",
        &["3 step(s)"],
    ),
    imported(
        "estimates-low-high.bpmn",
        "low and high estimates around the values",
        &["3 step(s)"],
    ),
    // Floods inside one element, which the parser pays for quadratically.
    refused(
        "namespaces-65.bpmn",
        "65 XML namespace declarations on the root element",
        &["line 2: <bpmn:definitions> has 65 XML namespace declarations in scope, more than the 64 read"],
    ),
    refused(
        "attributes-101.bpmn",
        "a task with 101 attributes",
        &["line 28: <bpmn:serviceTask> has 101 attributes, more than the 100 read on one element"],
    ),
];

/// A hostile file ready to import, from the corpus or made at run time.
struct Hostile {
    path: PathBuf,
    what: String,
    refused: bool,
    words: Vec<String>,
}

impl Hostile {
    fn new(path: PathBuf, what: &str, outcome: Outcome) -> Self {
        let (refused, words) = match outcome {
            Outcome::Refused(words) => (true, words),
            Outcome::Imported(words) => (false, words),
        };
        Self {
            path,
            what: what.to_owned(),
            refused,
            words: words.iter().map(|w| (*w).to_owned()).collect(),
        }
    }

    fn name(&self) -> String {
        format!("{} ({})", self.path.display(), self.what)
    }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/hostile_bpmn")
}

/// A BPMN document with one process holding `body`.
fn bpmn(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<definitions xmlns=\"{NS}\" id=\"d\">\n<process id=\"p\">\n{body}</process>\n</definitions>\n"
    )
}

const NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";

/// The large and special files, made in `dir` at run time.
fn generated(dir: &Path) -> Vec<Hostile> {
    let mut out = Vec::new();
    let mut add = |name: &str, bytes: &[u8], what: &str, outcome: Outcome| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        out.push(Hostile::new(path, what, outcome));
    };

    // Size and shape.
    let deep = format!(
        "<definitions xmlns=\"{NS}\">\n{}{}</definitions>",
        "<a>".repeat(20_000),
        "</a>".repeat(20_000)
    );
    add(
        "nested-20000-deep.bpmn",
        deep.as_bytes(),
        "elements nested 20,000 deep, 140 KB (overflowed the stack)",
        Outcome::Refused(&["line 2: <a> is nested more than 128 elements deep"]),
    );
    let mut padded = bpmn("<task id=\"t\"/>\n").into_bytes();
    padded.resize(60 << 20, b' ');
    add(
        "file-60mb.bpmn",
        &padded,
        "a valid file padded with spaces to 60 MiB",
        Outcome::Refused(&["the file is 62914560 bytes, above the 50 MB limit"]),
    );
    add(
        "empty-elements-45mb.bpmn",
        bpmn(&"<a/>".repeat(45 << 18)).as_bytes(),
        "11 million empty elements in 45 MB (took 1 GB and 18 s)",
        Outcome::Refused(&["line 4: the file has more than 2000000 XML nodes"]),
    );
    let attributes = format!(
        "<a {}/>\n",
        (0..40).map(|i| format!("a{i}=\"\"")).collect::<Vec<_>>().join(" ")
    );
    add(
        "attributes-40mb.bpmn",
        bpmn(&attributes.repeat((40 << 20) / attributes.len())).as_bytes(),
        "elements with 40 attributes each, 40 MB",
        Outcome::Refused(&["the file has more than 3000000 attributes"]),
    );
    add(
        "attribute-of-40mb.bpmn",
        bpmn(&format!("<task id=\"t\" name=\"{}\"/>\n", "n".repeat(40 << 20))).as_bytes(),
        "a task name of 40 MB",
        Outcome::Imported(&["1 step(s)"]),
    );
    let root_namespaces: String = (0..60_000).map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\"")).collect();
    add(
        "namespaces-60000-on-root.bpmn",
        format!(
            "<definitions xmlns=\"{NS}\"{root_namespaces}><process id=\"p\"><task id=\"t\"/></process></definitions>"
        )
        .as_bytes(),
        "60,000 namespace declarations on the root element (took 25 s)",
        Outcome::Refused(&["line 1: <definitions> has 60001 attributes"]),
    );
    let root_namespaces: String = (0..2_000).map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\"")).collect();
    add(
        "namespaces-2000-redeclared.bpmn",
        format!(
            "<definitions xmlns=\"{NS}\"{root_namespaces}>\n<process id=\"p\">{}</process></definitions>",
            "<a xmlns:q=\"urn:q\"/>".repeat(2_000)
        )
        .as_bytes(),
        "2,000 namespace declarations on the root and one more on each of 2,000 elements (took 22 s)",
        Outcome::Refused(&["line 1: <definitions> has 2001 attributes"]),
    );
    let root_namespaces: String = (0..50).map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\"")).collect();
    let ten: String = (0..10).map(|i| format!(" xmlns:q{i}=\"urn:q:{i}\"")).collect();
    add(
        "namespaces-on-100000-elements.bpmn",
        format!(
            "<definitions xmlns=\"{NS}\"{root_namespaces}>\n<process id=\"p\">\n{}</process></definitions>",
            format!("<a{ten}/>\n").repeat(100_000)
        )
        .as_bytes(),
        "50 namespace declarations on the root and ten more on each of 100,000 elements",
        Outcome::Refused(&["line 997: the file has more than 10000 XML namespace declarations"]),
    );
    let attributes: String = (0..200_000).map(|i| format!(" a{i}=\"\"")).collect();
    add(
        "attributes-200000-on-one-element.bpmn",
        bpmn(&format!("<task id=\"t\"{attributes}/>\n")).as_bytes(),
        "one task with 200,000 attributes",
        Outcome::Refused(&["line 4: <task> has 200001 attributes"]),
    );
    let tasks: String = (0..100_001).map(|i| format!("<task id=\"t{i}\"/>\n")).collect();
    add(
        "tasks-100001.bpmn",
        bpmn(&tasks).as_bytes(),
        "100,001 tasks, one more than a map made from BPMN holds",
        Outcome::Refused(&["line 100004: the file has more than 100000 tasks"]),
    );
    // Just within the scan's limits: parsed whole, then refused (no task).
    add(
        "nodes-1990000.bpmn",
        bpmn(&"<a x=\"1\"/>\n".repeat(995_000)).as_bytes(),
        "1,990,000 XML nodes (half of them line ends), just under the limit, and no task",
        Outcome::Refused(&["the file has no tasks"]),
    );
    add(
        "attributes-2990000.bpmn",
        bpmn(&"<a a=\"\" b=\"\" c=\"\" d=\"\" e=\"\" f=\"\" g=\"\" h=\"\" i=\"\" j=\"\"/>".repeat(299_000)).as_bytes(),
        "2,990,000 attributes, just under the limit, and no task",
        Outcome::Refused(&["the file has no tasks"]),
    );
    add(
        "nodes-and-attributes-near-limits.bpmn",
        bpmn(&"<a x=\"\" y=\"\" z=\"\"/>\n".repeat(995_000)).as_bytes(),
        "1,990,000 XML nodes with 2,985,000 attributes, both near their limits, and no task",
        Outcome::Refused(&["the file has no tasks"]),
    );
    // Big but valid: these must import, in bounds.
    let chain = |n: usize| {
        let tasks: String = (0..n)
            .map(|i| format!("<task id=\"t{i}\" name=\"Task {i}\"/>\n"))
            .collect();
        let flows: String = (1..n)
            .map(|i| {
                format!(
                    "<sequenceFlow id=\"f{i}\" sourceRef=\"t{}\" targetRef=\"t{i}\"/>\n",
                    i - 1
                )
            })
            .collect();
        bpmn(&(tasks + &flows))
    };
    add(
        "tasks-50000-in-a-row.bpmn",
        chain(50_000).as_bytes(),
        "50,000 tasks in a row and no diagram (from 41,668 on, the layout passed the x limit and the file was refused)",
        Outcome::Imported(&["50000 step(s), 49999 edge(s)", "50000 step(s) had no diagram position"]),
    );
    let mut wide = String::from(
        "<task id=\"first\"/><parallelGateway id=\"g\"/><sequenceFlow id=\"f\" sourceRef=\"first\" targetRef=\"g\"/>\n",
    );
    for i in 0..90_000 {
        wide += &format!("<task id=\"t{i}\"/><sequenceFlow id=\"f{i}\" sourceRef=\"g\" targetRef=\"t{i}\"/>\n");
    }
    add(
        "tasks-90000-side-by-side.bpmn",
        bpmn(&wide).as_bytes(),
        "one task splitting to 90,000 tasks (from 83,334 on, one column of the layout passed the y limit)",
        Outcome::Imported(&["90001 step(s), 90000 edge(s)"]),
    );
    // Each gateway leads to the next and to a task, which leads to the next
    // gateway too: bridged one by one, each task reached every later one.
    let mut ladder =
        String::from("<task id=\"start\"/><sequenceFlow id=\"s\" sourceRef=\"start\" targetRef=\"g0\"/>\n");
    for i in 0..20_000 {
        ladder += &format!(
            "<exclusiveGateway id=\"g{i}\"/><task id=\"t{i}\"/><sequenceFlow id=\"a{i}\" sourceRef=\"g{i}\" targetRef=\"t{i}\"/>\
             <sequenceFlow id=\"b{i}\" sourceRef=\"t{i}\" targetRef=\"g{}\"/><sequenceFlow id=\"c{i}\" sourceRef=\"g{i}\" targetRef=\"g{}\"/>\n",
            i + 1,
            i + 1
        );
    }
    ladder += "<task id=\"end\"/><sequenceFlow id=\"e\" sourceRef=\"g20000\" targetRef=\"end\"/><exclusiveGateway id=\"g20000\"/>\n";
    add(
        "gateways-20000-in-a-ladder.bpmn",
        bpmn(&ladder).as_bytes(),
        "a chain of 20,000 gateways, each with a task beside it (2,000 took 22 s: every task reached every later one)",
        Outcome::Imported(&["20002 step(s)", "junction steps"]),
    );
    let mut lanes = String::from("<laneSet id=\"ls\">");
    let mut tasks = String::new();
    for i in 0..30_000 {
        lanes += &format!("<lane id=\"l{i}\" name=\"Lane {i}\"><flowNodeRef>t{i}</flowNodeRef></lane>\n");
        tasks += &format!("<task id=\"t{i}\"/>\n");
    }
    add(
        "lanes-30000.bpmn",
        bpmn(&(lanes + "</laneSet>\n" + &tasks)).as_bytes(),
        "30,000 lanes of a task each (took 46 s)",
        Outcome::Imported(&["1 pool(s), 30000 lane(s), 30000 step(s)"]),
    );
    let mut fan = String::from("<parallelGateway id=\"g\"/>\n");
    for i in 0..3_000 {
        fan += &format!(
            "<task id=\"a{i}\"/><task id=\"b{i}\"/><sequenceFlow id=\"fa{i}\" sourceRef=\"a{i}\" targetRef=\"g\"/>\
             <sequenceFlow id=\"fb{i}\" sourceRef=\"g\" targetRef=\"b{i}\"/>\n"
        );
    }
    add(
        "fan-out-3000-to-3000.bpmn",
        bpmn(&fan).as_bytes(),
        "3,000 tasks joined by one gateway to 3,000 more (became 9 million edges, 2 GB)",
        Outcome::Imported(&[
            "6001 step(s), 6000 edge(s)",
            "junction steps of no cost",
            "1 parallelGateway",
        ]),
    );
    let mut subprocesses = String::new();
    for i in 0..10_000 {
        subprocesses += &format!(
            "<subProcess id=\"sp{i}\"><task id=\"t{i}\"/></subProcess><sequenceFlow id=\"f{i}\" sourceRef=\"sp{i}\" targetRef=\"sp{}\"/>\n",
            i + 1
        );
    }
    add(
        "subprocesses-10000.bpmn",
        bpmn(&subprocesses).as_bytes(),
        "10,000 subprocesses in a row, a task in each",
        Outcome::Imported(&["10000 step(s), 9999 edge(s)"]),
    );
    let mut participants = String::new();
    let mut processes = String::new();
    let mut shapes = String::new();
    for i in 0..10_000 {
        participants += &format!("<participant id=\"pa{i}\" name=\"Pool {i}\" processRef=\"p{i}\"/>\n");
        processes += &format!("<process id=\"p{i}\"><task id=\"t{i}\"/></process>\n");
        shapes += &format!(
            "<bpmndi:BPMNShape bpmnElement=\"pa{i}\"><dc:Bounds x=\"0\" y=\"{}\" width=\"600\" height=\"200\"/></bpmndi:BPMNShape>\
             <bpmndi:BPMNShape bpmnElement=\"t{i}\"><dc:Bounds x=\"100\" y=\"{}\" width=\"100\" height=\"80\"/></bpmndi:BPMNShape>\n",
            i * 200,
            i * 200 + 60
        );
    }
    add(
        "pools-10000.bpmn",
        format!(
            "<definitions xmlns=\"{NS}\" xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" \
             xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\">\n<collaboration id=\"c\">{participants}</collaboration>\n\
             {processes}<bpmndi:BPMNDiagram><bpmndi:BPMNPlane bpmnElement=\"c\">{shapes}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></definitions>"
        )
        .as_bytes(),
        "10,000 pools of a task each, with a diagram",
        Outcome::Imported(&["10000 pool(s), 10000 lane(s), 10000 step(s)"]),
    );
    #[cfg(unix)]
    {
        let fifo = dir.join("pipe.bpmn");
        let made = Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success());
        let folder = dir.join("folder.bpmn");
        std::fs::create_dir_all(&folder).unwrap();
        let mut special = vec![(folder, "a folder")];
        if made {
            special.push((fifo, "a named pipe nobody writes to"));
        }
        if Path::new("/dev/zero").exists() {
            special.push((PathBuf::from("/dev/zero"), "/dev/zero, endless zero bytes"));
        }
        for (path, what) in special {
            out.push(Hostile::new(
                path,
                what,
                Outcome::Refused(&["cannot read the file: not a regular file"]),
            ));
        }
    }
    out
}

/// The corpus and the generated files.
fn all_hostile_files(dir: &Path) -> Vec<Hostile> {
    let mut all: Vec<Hostile> = CORPUS
        .iter()
        .map(|c| Hostile::new(corpus_dir().join(c.file), c.what, c.outcome))
        .collect();
    all.extend(generated(dir));
    all
}

#[test]
fn the_manifest_lists_every_corpus_file_and_nothing_else() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .map(|dir| {
            dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| name != "README.md")
                .collect()
        })
        .unwrap_or_default();
    on_disk.sort();
    let mut listed: Vec<String> = CORPUS.iter().map(|c| c.file.to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(CORPUS.len() >= 40, "at least 40 committed hostile files");
    for c in CORPUS {
        assert!(!c.what.is_empty(), "{}", c.file);
        if let Outcome::Refused(words) = c.outcome {
            assert!(!words.is_empty(), "{}", c.file);
        }
    }
}

#[cfg(unix)]
#[test]
fn the_command_line_refuses_or_imports_every_hostile_file_in_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("frictionmap.sqlite3");
    let command = |args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db).args(args);
        c
    };
    assert!(run_bounded(command(&["list".as_ref()]), TIME_LIMIT).code == Some(0));
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for file in all_hostile_files(dir.path()) {
        let out = dir.path().join("out.json");
        for to_file in [false, true] {
            let _ = std::fs::remove_file(&out);
            let before = files_in(&data);
            let mut args: Vec<&std::ffi::OsStr> = vec!["bpmn".as_ref(), "import".as_ref(), file.path.as_os_str()];
            if to_file {
                args.extend(["--out".as_ref(), out.as_os_str()]);
            }
            let run = run_bounded(command(&args), TIME_LIMIT);
            report.push(format!(
                "{:>7.2} s {:>5} MB  {}",
                run.elapsed.as_secs_f64(),
                (run.peak_rss_bytes >> 20),
                file.name()
            ));
            let outcome = check_cli_run(&file, &run, to_file.then_some(out.as_path()));
            let unchanged = !file.refused || files_in(&data) == before;
            if let Err(failure) = outcome {
                failures.push(format!("{}: {failure}", file.name()));
            } else if !unchanged {
                failures.push(format!("{}: the database changed", file.name()));
            }
        }
    }
    println!("{}", report.join("\n"));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Fails with why when `run` is not what `file` must come to.
fn check_cli_run(file: &Hostile, run: &Finished, out: Option<&Path>) -> Result<(), String> {
    let ensure = |ok: bool, why: String| if ok { Ok(()) } else { Err(why) };
    ensure(!run.timed_out, format!("still running after {TIME_LIMIT:?}"))?;
    ensure(
        (run.peak_rss_bytes >> 20) <= MEMORY_LIMIT_MB,
        format!("peak memory {} MB", (run.peak_rss_bytes >> 20)),
    )?;
    ensure(!run.stderr.contains("panicked"), run.stderr.clone())?;
    if file.refused {
        ensure(
            run.code == Some(2),
            format!("exit code {:?}; stderr:\n{}", run.code, run.stderr),
        )?;
        ensure(run.stdout.is_empty(), format!("something on stdout:\n{}", run.stdout))?;
        ensure(
            run.stderr.starts_with(&format!("error: {}", file.path.display())),
            format!("the message does not start with the file:\n{}", run.stderr),
        )?;
        for word in &file.words {
            ensure(
                run.stderr.contains(word.as_str()),
                format!("stderr lacks {word:?}:\n{}", run.stderr),
            )?;
        }
        ensure(out.is_none_or(|out| !out.exists()), "a map file was written".to_owned())?;
    } else {
        ensure(
            run.code == Some(0),
            format!("exit code {:?}; stderr:\n{}", run.code, run.stderr),
        )?;
        for word in &file.words {
            ensure(
                run.stdout.contains(word.as_str()),
                format!("the summary lacks {word:?}:\n{}", run.stdout),
            )?;
        }
        if let Some(out) = out {
            let map = frictionmap::formats::mapfile::read_map_file(out).map_err(|e| e.to_string())?;
            ensure(
                frictionmap::domain::validate::validate(&map).is_ok(),
                "an invalid map".to_owned(),
            )?;
        }
    }
    Ok(())
}

const FAILED: &str = "Import a BPMN 2.0 file failed";

#[test]
fn the_app_refuses_or_imports_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut harness = common::app(&data.join("fm.sqlite3"));
    let files = all_hostile_files(dir.path());
    // The refused files first: none of them may change anything.
    let maps_before = common::ws(&harness).maps().to_vec();
    let open_before = common::ws(&harness).document().map().clone();
    let files_before = files_in(&data);
    for file in files.iter().filter(|f| f.refused) {
        let name = file.name();
        common::menu(&mut harness, "Import BPMN…");
        common::type_path(&mut harness, &file.path);
        assert!(shown(&harness, &[FAILED.to_owned()]), "{name}: no error dialog");
        assert!(
            shown(&harness, &file.words),
            "{name}: the dialog lacks {:?}",
            file.words
        );
        // A long message's dialog grows for a few frames before it settles.
        for _ in 0..20 {
            harness.step();
        }
        harness.get_by_label("OK").click();
        harness.run();
        assert!(!shown(&harness, &[FAILED.to_owned()]), "{name}: the dialog closes");
        assert_eq!(
            common::ws(&harness).maps(),
            maps_before.as_slice(),
            "{name}: the library changed"
        );
        assert_eq!(
            common::ws(&harness).document().map(),
            &open_before,
            "{name}: the open map changed"
        );
    }
    harness.run();
    assert_eq!(
        files_in(&data),
        files_before,
        "the database is byte-for-byte unchanged after the refused imports"
    );
    // Then the hard files that must import: each opens with its report.
    for file in files.iter().filter(|f| !f.refused) {
        let name = file.name();
        let started = Instant::now();
        let maps = common::ws(&harness).maps().len();
        common::menu(&mut harness, "Import BPMN…");
        common::type_path(&mut harness, &file.path);
        assert!(
            shown(&harness, &["Import a BPMN 2.0 file".to_owned()]),
            "{name}: no report"
        );
        assert!(
            shown(&harness, &file.words),
            "{name}: the report lacks {:?}",
            file.words
        );
        for _ in 0..20 {
            harness.step();
        }
        harness.get_by_label("OK").click();
        harness.run();
        assert_eq!(common::ws(&harness).maps().len(), maps + 1, "{name}: one new map");
        let map = common::ws(&harness).document().map();
        assert!(frictionmap::domain::validate::validate(map).is_ok(), "{name}");
        println!("{:>7.2} s  {name}", started.elapsed().as_secs_f64());
    }
}

#[test]
fn the_library_refuses_or_imports_every_hostile_file() {
    let dir = tempfile::tempdir().unwrap();
    for file in all_hostile_files(dir.path()) {
        let name = file.name();
        match read_bpmn_file(&file.path) {
            Err(error) => {
                assert!(file.refused, "{name}: refused: {error}");
                let error = error.to_string();
                assert!(error.starts_with(&file.path.display().to_string()), "{name}: {error}");
                for word in &file.words {
                    assert!(
                        error.contains(word.as_str()),
                        "{name}: the message lacks {word:?}:\n{error}"
                    );
                }
            }
            Ok((map, summary)) => {
                assert!(!file.refused, "{name}: imported");
                assert!(frictionmap::domain::validate::validate(&map).is_ok(), "{name}");
                let text = summary.to_string();
                for word in &file.words {
                    assert!(
                        text.contains(word.as_str()),
                        "{name}: the summary lacks {word:?}:\n{text}"
                    );
                }
            }
        }
    }
}

/// The export of big generated maps, through the command line: it must
/// be linear (it compared every flow with every task, and every step with
/// every lane: hours for 100,000 steps), and stay in bounds. The 100 MB it
/// writes for 100,000 steps take a debug build most of 10 s.
#[cfg(unix)]
#[test]
fn the_export_of_big_maps_stays_in_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let command = |args: &[&std::ffi::OsStr]| {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db).args(args);
        c
    };
    for (lanes, steps, edges) in [("40", "100000", "125000"), ("30000", "30000", "30000")] {
        let map = dir.path().join(format!("{steps}-{lanes}.json"));
        let out = dir.path().join(format!("{steps}-{lanes}.bpmn"));
        let gen_args = [
            "gen", "--lanes", lanes, "--steps", steps, "--edges", edges, "--seed", "1", "--out",
        ];
        let mut args: Vec<&std::ffi::OsStr> = gen_args.iter().map(|a| a.as_ref()).collect();
        args.push(map.as_os_str());
        assert_eq!(run_bounded(command(&args), TIME_LIMIT).code, Some(0));
        let run = run_bounded(
            command(&[
                "bpmn".as_ref(),
                "export".as_ref(),
                map.as_os_str(),
                "--out".as_ref(),
                out.as_os_str(),
            ]),
            TIME_LIMIT,
        );
        let name = format!("bpmn export of {steps} steps in {lanes} lanes");
        println!(
            "{:>7.2} s {:>5} MB  {name}",
            run.elapsed.as_secs_f64(),
            (run.peak_rss_bytes >> 20)
        );
        assert!(!run.timed_out, "{name}: still running after {TIME_LIMIT:?}");
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert!(
            (run.peak_rss_bytes >> 20) <= MEMORY_LIMIT_MB,
            "{name}: {} MB",
            (run.peak_rss_bytes >> 20)
        );
        let xml = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            xml.matches("<bpmn:task ").count(),
            steps.parse::<usize>().unwrap(),
            "{name}"
        );
        assert_eq!(
            xml.matches("<bpmn:lane ").count(),
            lanes.parse::<usize>().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn hard_files_import_as_the_file_says() {
    let read = |file: &str| read_bpmn_file(&corpus_dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let step = |map: &frictionmap::domain::model::Map, name: &str| {
        map.steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step {name:?}"))
            .clone()
    };

    let (map, _) = read("nested-lanes.bpmn");
    let lanes: Vec<&str> = map.lanes.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        lanes,
        [
            "Intake",
            "Approval / Finance / Treasury",
            "Approval / Finance / Controller"
        ]
    );

    let (map, _) = read("empty-and-blank-names.bpmn");
    assert_eq!(
        map.name, "empty-and-blank-names",
        "the file's name, as the pool has none"
    );
    assert_eq!(map.lanes[0].name, "Lane 1");
    assert_eq!(map.steps[0].name, "task Task_capture");

    let (map, summary) = read("gateway-6-to-6.bpmn");
    let junction = step(&map, "All documents in");
    assert!(
        junction.notes.starts_with(
            "A junction: the BPMN parallelGateway \"Join\" joins 6 ways in to 6 ways out. Joining each way in to \
             each way out would take 36 edges"
        ),
        "{}",
        junction.notes
    );
    assert!(
        junction.needs_estimates() && summary.needs_estimates == 13,
        "junctions are not counted as tasks"
    );
    let into = map.edges.iter().filter(|e| e.to == junction.id).count();
    let out_of = map.edges.iter().filter(|e| e.from == junction.id).count();
    assert_eq!((into, out_of), (6, 6));

    let (map, _) = read("comments-pi-cdata.bpmn");
    assert_eq!(step(&map, "Pay").notes, "Uses <bank> & \"portal\" ]]>");

    let (map, _) = read("estimates-low-high.bpmn");
    let capture = step(&map, "Capture");
    use frictionmap::domain::model::Attr;
    assert_eq!(capture.low.get(Attr::VolumePerMonth), Some(1000.0));
    assert_eq!(capture.high.get(Attr::ReworkRate), Some(0.08));

    for file in ["diagram-far-out.bpmn", "self-flow.bpmn", "boundary-event-loop.bpmn"] {
        let (map, _) = read(file);
        assert!(map.steps.iter().all(|s| s.x.abs() <= 1e7 && s.y.abs() <= 1e7), "{file}");
        assert!(map.edges.iter().all(|e| e.from != e.to), "{file}");
    }
}

/// `--name` gives the imported map its name: it is checked like any name,
/// and a bad one leaves the database and the `--out` file alone.
#[test]
fn a_bad_name_on_the_command_line_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("frictionmap.sqlite3");
    let out = dir.path().join("out.json");
    let base = corpus_dir().join("base.bpmn");
    let command = || {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db);
        c
    };
    assert!(command().arg("list").output().unwrap().status.success());
    let before = files_in(&data);
    for (name, words) in [
        (
            "bad\u{1b}[31mname",
            "--name: contains the control character U+001B at character 4",
        ),
        ("odd\u{ffff}", "--name: contains the noncharacter U+FFFF at character 4"),
        ("  ", "--name: must not be empty"),
    ] {
        for to_file in [false, true] {
            let mut c = command();
            c.args(["bpmn", "import"]).arg(&base).args(["--name", name]);
            if to_file {
                c.arg("--out").arg(&out);
            }
            let output = c.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name:?}: {stderr}");
            assert!(stderr.contains(words), "{name:?}: {stderr}");
            assert!(!out.exists(), "{name:?}: no map file");
            assert_eq!(files_in(&data), before, "{name:?}: the database is unchanged");
        }
    }
    let output = command()
        .args(["bpmn", "import"])
        .arg(&base)
        .args(["--name", "Good name", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        frictionmap::formats::mapfile::read_map_file(&out).unwrap().name,
        "Good name"
    );
}
