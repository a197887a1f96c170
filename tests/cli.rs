//! The headless command line, run as the real `frictionmap` binary. Every test
//! has its own temporary database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use frictionmap::formats::mapfile::{MAX_FILE_BYTES, parse_map, read_map_file};
use frictionmap::plan::{Direction, Pick, PickState, Review};
use frictionmap::scoring::rank;
use predicates::prelude::*;
use serde_json::{Value, json};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

const CSV_HEADER: &str = "rank,lane,owner,monthly_friction,handling,rework,delay,friction_low,friction_high,share_pct,cumulative_pct,touch_hours,fte,steps,top_driver,p_costliest,friction_p10,friction_p50,friction_p90";

const SAMPLES: [&str; 4] = [
    "accounts-payable",
    "claims-intake",
    "customer-onboarding",
    "it-access-requests",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample(stem: &str) -> PathBuf {
    root().join("sample_maps").join(format!("{stem}.json"))
}

/// A temporary folder with a database path inside its own sub-folder, so
/// the database files can be compared without the test's input files.
struct Env {
    dir: TempDir,
    db_dir: PathBuf,
    db: PathBuf,
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let db_dir = dir.path().join("data");
        let db = db_dir.join("frictionmap.sqlite3");
        Self { dir, db_dir, db }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new(BIN);
        // No locale: numbers with a point and ISO dates, whatever LANG the
        // test machine has (the brief follows the locale).
        cmd.env_remove("FRICTIONMAP_DB")
            .env("LC_ALL", "C")
            .arg("--db")
            .arg(&self.db);
        cmd
    }

    /// Creates the database (seeded with the samples) and returns its files.
    fn create_db(&self) -> BTreeMap<String, Vec<u8>> {
        self.cmd().arg("list").assert().success();
        assert!(self.db.is_file(), "list should create the database");
        self.db_files()
    }

    /// Every file of the database folder, by name.
    /// The database's files, byte for byte. The empty lock file that
    /// writing commands hold is not database content and is left out.
    fn db_files(&self) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(&self.db_dir).expect("database folder") {
            let entry = entry.expect("dir entry");
            if entry.file_name().to_string_lossy().ends_with(".lock") {
                continue;
            }
            files.insert(
                entry.file_name().to_string_lossy().into_owned(),
                std::fs::read(entry.path()).expect("read"),
            );
        }
        files
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).expect("write input file");
        path
    }

    fn list(&self) -> String {
        let out = self.cmd().arg("list").assert().success().get_output().stdout.clone();
        String::from_utf8(out).expect("UTF-8 output")
    }
}

/// The accounts-payable sample as JSON, renamed so it does not clash with the
/// sample the database is seeded with.
fn base_json() -> Value {
    let text = std::fs::read_to_string(sample("accounts-payable")).expect("sample");
    let mut value: Value = serde_json::from_str(&text).expect("sample JSON");
    value["name"] = json!("Test payables");
    value
}

fn to_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec_pretty(value).expect("serialize")
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stdout.clone()).expect("UTF-8 stdout")
}

// ------------------------------------------------------------ rank

#[test]
fn rank_prints_the_table() {
    let env = Env::new();
    let map = read_map_file(&sample("accounts-payable")).expect("sample");
    let ranking = rank(&map);
    let assert = env.cmd().arg("rank").arg(sample("accounts-payable")).assert().success();
    let out = stdout_of(&assert);
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("Accounts payable: invoice to payment: total friction USD 51,076 per month")
    );
    let header = lines.next().expect("header line");
    for column in [
        "#",
        "lane",
        "friction/month",
        "share",
        "costliest",
        "P10 – P90",
        "range (low – high)",
        "top driver",
    ] {
        assert!(header.contains(column), "{header:?} lacks {column:?}");
    }
    // One row per lane, in rank order, starting with the rank.
    for lane in &ranking.lanes {
        let row = lines.next().expect("a row per lane");
        assert!(
            row.trim_start().starts_with(&format!("{}  {}", lane.rank, lane.lane)),
            "{row:?}"
        );
    }
    assert!(out.contains("USD 26,674") && out.contains("52.2%"), "{out}");
    assert_eq!(
        lines.next(),
        Some("Fix first: PO invoice matching, costliest in 100% of 10,000 scenarios.")
    );
    assert_eq!(lines.next(), None);
    // Ranking a file needs no database.
    assert!(!env.db.exists());
}

/// The verdict of `rank` and the pictures follows the ranking panel: no
/// "clear winner" for a map without ranges or without friction.
#[test]
fn rank_and_the_pictures_say_when_there_are_no_ranges_or_no_friction() {
    let env = Env::new();
    let mut value = base_json();
    for step in value["steps"].as_array_mut().expect("steps") {
        let step = step.as_object_mut().expect("a step");
        step.remove("low");
        step.remove("high");
    }
    let no_ranges = env.dir.path().join("no-ranges.json");
    std::fs::write(&no_ranges, to_bytes(&value)).unwrap();
    for step in value["steps"].as_array_mut().expect("steps") {
        step["volume_per_month"] = json!(0);
    }
    let no_friction = env.dir.path().join("no-friction.json");
    std::fs::write(&no_friction, to_bytes(&value)).unwrap();
    for (file, verdict) in [
        (
            &no_ranges,
            "Fix first: PO invoice matching (no ranges entered: add low/high estimates to see how sure this is)",
        ),
        (
            &no_friction,
            "No friction yet: enter volumes and minutes on the steps to rank the lanes",
        ),
    ] {
        let out = stdout_of(&env.cmd().arg("rank").arg(file).assert().success());
        assert_eq!(out.lines().last(), Some(format!("{verdict}.").as_str()), "{out}");
        // The pictures say what the command line says.
        let svg = env.path("picture.svg");
        env.cmd()
            .arg("render")
            .arg(file)
            .arg("--svg")
            .arg(&svg)
            .assert()
            .success();
        let map_svg = std::fs::read_to_string(&svg).unwrap();
        env.cmd()
            .arg("chart")
            .arg(file)
            .arg("--svg")
            .arg(&svg)
            .assert()
            .success();
        let chart_svg = std::fs::read_to_string(&svg).unwrap();
        for svg in [map_svg, chart_svg] {
            assert!(!svg.contains("clear winner"), "{svg}");
            // The map picture cuts the line to its width: its start is there.
            assert!(svg.contains(&verdict[..40]), "{verdict:?} not in the picture");
        }
    }
}

/// `frictionmap rank m.json | head -n 3`: the reader stops early. Here it
/// has closed its end before the command writes anything, so every write
/// fails; the command still ends quietly, without a panic.
#[test]
fn rank_into_a_closed_pipe_ends_quietly() {
    for json in [false, true] {
        let (reader, writer) = std::io::pipe().expect("a pipe");
        drop(reader);
        let mut cmd = std::process::Command::new(BIN);
        cmd.arg("rank").arg(sample("accounts-payable"));
        if json {
            cmd.arg("--json");
        }
        let out = cmd.stdout(writer).output().expect("the command runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "json {json}: {:?}, {stderr}", out.status);
        assert_eq!(stderr, "", "json {json}");
    }
}

#[test]
fn rank_json_prints_json_that_parses() {
    let env = Env::new();
    let assert = env
        .cmd()
        .arg("rank")
        .arg(sample("claims-intake"))
        .arg("--json")
        .assert()
        .success();
    let value: Value = serde_json::from_str(&stdout_of(&assert)).expect("stdout is JSON");
    let map = read_map_file(&sample("claims-intake")).expect("sample");
    let ranking = rank(&map);
    assert_eq!(value["currency"], json!("GBP"));
    assert!((value["total_friction"].as_f64().expect("number") - ranking.total_friction).abs() < 1e-6);
    let lanes = value["lanes"].as_array().expect("lanes array");
    assert_eq!(lanes.len(), 5);
    for (got, want) in lanes.iter().zip(&ranking.lanes) {
        assert_eq!(got["lane_id"], json!(want.lane_id));
        assert_eq!(got["rank"], json!(want.rank));
        assert!((got["monthly_friction"].as_f64().expect("number") - want.monthly_friction).abs() < 1e-6);
        assert_eq!(
            got["top_driver"]["step_id"],
            json!(want.top_driver.as_ref().expect("driver").step_id)
        );
    }
    assert_eq!(value["lanes"][0]["lane"], json!("Document and photo collection"));
}

fn assert_crlf(bytes: &[u8]) {
    assert!(bytes.ends_with(b"\r\n"), "the CSV ends with CRLF");
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
    }
}

#[test]
fn rank_csv_has_the_header_crlf_and_a_bom() {
    let env = Env::new();
    let out = env.path("out.csv");
    env.cmd()
        .arg("rank")
        .arg(sample("it-access-requests"))
        .arg("--csv")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Wrote {}", out.display())));
    let bytes = std::fs::read(&out).expect("CSV written");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM by default");
    let text = std::str::from_utf8(&bytes[3..]).expect("UTF-8");
    assert_eq!(text.split("\r\n").next(), Some(CSV_HEADER));
    assert_crlf(&bytes);
    assert_eq!(text.matches("\r\n").count(), 1 + 5, "header and one row per lane");
    // No other BOM further in.
    assert!(!text.contains('\u{feff}'));
}

#[test]
fn rank_csv_no_bom_leaves_the_bom_out() {
    let env = Env::new();
    let out = env.path("out.csv");
    env.cmd()
        .arg("rank")
        .arg(sample("it-access-requests"))
        .arg("--csv")
        .arg(&out)
        .arg("--no-bom")
        .assert()
        .success();
    let bytes = std::fs::read(&out).expect("CSV written");
    assert!(bytes.starts_with(CSV_HEADER.as_bytes()), "no BOM: {:?}", &bytes[..8]);
    assert!(bytes[CSV_HEADER.len()..].starts_with(b"\r\n"));
    assert_crlf(&bytes);
}

#[test]
fn rank_csv_with_json_writes_both() {
    let env = Env::new();
    let out = env.path("both.csv");
    let assert = env
        .cmd()
        .arg("rank")
        .arg(sample("claims-intake"))
        .arg("--json")
        .arg("--csv")
        .arg(&out)
        .assert();
    let value: Value = serde_json::from_str(&stdout_of(&assert.success())).expect("stdout is only JSON");
    assert_eq!(value["lanes"].as_array().map(Vec::len), Some(5));
    assert!(std::fs::read(&out).expect("CSV").starts_with(b"\xEF\xBB\xBF"));
}

#[test]
fn rank_csv_guards_formulas_and_quotes_text() {
    let env = Env::new();
    let mut value = base_json();
    value["lanes"][0]["name"] = json!("=HYPERLINK(\"x\")");
    value["lanes"][1]["name"] = json!("Coding, \"approval\"");
    value["lanes"][0]["owner"] = json!("@owner");
    let file = env.write("formula.json", &to_bytes(&value));
    let out = env.path("out.csv");
    env.cmd()
        .arg("rank")
        .arg(&file)
        .arg("--csv")
        .arg(&out)
        .arg("--no-bom")
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&out).expect("CSV");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    let lanes: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
    assert!(lanes.contains(&"'=HYPERLINK(\"x\")"), "{lanes:?}");
    assert!(lanes.contains(&"Coding, \"approval\""), "{lanes:?}");
    let owners: Vec<&str> = rows.iter().map(|r| &r[2]).collect();
    assert!(owners.contains(&"'@owner"), "{owners:?}");
}

// ------------------------------------------------------------ the store

#[test]
fn import_then_list_shows_the_map() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    env.cmd()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains("Imported map \"Test payables\""));
    let list = env.list();
    assert!(
        list.lines().any(|l| l == "Test payables  (4 lanes, 22 steps)"),
        "{list}"
    );
    // The samples were seeded into the new database as well.
    assert!(list.contains("IT access requests  (5 lanes, 26 steps)"), "{list}");
}

#[test]
fn the_database_can_come_from_the_environment() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    let mut cmd = Command::new(BIN);
    cmd.env("FRICTIONMAP_DB", &env.db)
        .arg("import")
        .arg(&file)
        .assert()
        .success();
    assert!(env.db.is_file());
    assert!(env.list().contains("Test payables  (4 lanes, 22 steps)"));
}

#[test]
fn importing_the_same_file_twice_adds_a_numbered_copy() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    env.cmd().arg("import").arg(&file).assert().success();
    env.cmd()
        .arg("import")
        .arg(&file)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "as \"Test payables (2)\" (\"Test payables\" was taken)",
        ));
    env.cmd().arg("import").arg(&file).assert().success();
    let list = env.list();
    for name in ["Test payables", "Test payables (2)", "Test payables (3)"] {
        assert_eq!(
            list.lines().filter(|l| l.starts_with(&format!("{name}  ("))).count(),
            1,
            "{name}: {list}"
        );
    }
}

#[test]
fn importing_a_sample_again_adds_a_copy_beside_the_seeded_one() {
    let env = Env::new();
    env.cmd().arg("import").arg(sample("claims-intake")).assert().success();
    let list = env.list();
    assert!(
        list.contains("Insurance claims intake: home and motor  (5 lanes"),
        "{list}"
    );
    assert!(
        list.contains("Insurance claims intake: home and motor (2)  (5 lanes"),
        "{list}"
    );
}

#[test]
fn import_replace_replaces_the_stored_map() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    env.cmd().arg("import").arg(&file).assert().success();
    let mut changed = base_json();
    changed["lanes"][0]["name"] = json!("Renamed lane");
    changed["steps"].as_array_mut().expect("steps").truncate(10);
    changed["edges"] = json!([]);
    let changed_file = env.write("changed.json", &to_bytes(&changed));
    env.cmd()
        .arg("import")
        .arg(&changed_file)
        .arg("--replace")
        .assert()
        .success()
        .stdout(predicate::str::contains("Replaced map \"Test payables\""));
    let list = env.list();
    assert!(
        list.lines().any(|l| l == "Test payables  (4 lanes, 10 steps)"),
        "{list}"
    );
    assert!(!list.contains("Test payables (2)"), "{list}");
    let out = env.path("out.json");
    env.cmd()
        .args(["export", "Test payables", "--out"])
        .arg(&out)
        .assert()
        .success();
    let exported = read_map_file(&out).expect("exported map");
    assert_eq!(exported, read_map_file(&changed_file).expect("changed map"));
}

#[test]
fn import_replace_of_a_new_name_adds_it() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    env.cmd().arg("import").arg(&file).arg("--replace").assert().success();
    assert!(env.list().contains("Test payables  (4 lanes, 22 steps)"));
}

#[test]
fn export_writes_a_file_that_parses_back_to_the_same_map() {
    let env = Env::new();
    let mut value = base_json();
    value["name"] = json!("Export me: ünïcödé 🙂");
    let file = env.write("map.json", &to_bytes(&value));
    env.cmd().arg("import").arg(&file).assert().success();
    let out = env.path("exported.json");
    env.cmd()
        .args(["export", "Export me: ünïcödé 🙂", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(format!("Wrote {}", out.display())));
    let exported = read_map_file(&out).expect("the export is a valid map file");
    let original = read_map_file(&file).expect("original");
    assert_eq!(exported, original);
    let text = std::fs::read_to_string(&out).expect("UTF-8");
    assert!(
        text.trim_start().starts_with("{\n  \"format_version\": 1,"),
        "{}",
        &text[..40]
    );
}

#[test]
fn export_of_a_seeded_sample_equals_the_sample_file() {
    let env = Env::new();
    for stem in SAMPLES {
        let original = read_map_file(&sample(stem)).expect("sample");
        let out = env.path(&format!("{stem}.json"));
        env.cmd()
            .arg("export")
            .arg(&original.name)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        assert_eq!(read_map_file(&out).expect("export"), original, "{stem}");
    }
}

#[test]
fn export_of_an_unknown_name_exits_2() {
    let env = Env::new();
    let out = env.path("never.json");
    env.cmd()
        .args(["export", "No such map", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no map is named \"No such map\""));
    assert!(!out.exists());
}

#[test]
fn rank_map_ranks_a_stored_map() {
    let env = Env::new();
    let file = env.write("map.json", &to_bytes(&base_json()));
    env.cmd().arg("import").arg(&file).assert().success();
    let from_store = env.cmd().args(["rank", "--map", "Test payables"]).assert().success();
    let from_file = env.cmd().arg("rank").arg(&file).assert().success();
    let table = stdout_of(&from_store);
    assert!(
        table.starts_with("Test payables: total friction USD 51,076 per month\n"),
        "{table}"
    );
    assert_eq!(table, stdout_of(&from_file));
    let json_out = env
        .cmd()
        .args(["rank", "--json", "--map", "Test payables"])
        .assert()
        .success();
    let value: Value = serde_json::from_str(&stdout_of(&json_out)).expect("JSON");
    assert_eq!(value["lanes"][0]["lane_id"], json!("po-match"));
}

#[test]
fn rank_map_of_a_seeded_sample_works_on_a_fresh_database() {
    let env = Env::new();
    env.cmd()
        .args(["rank", "--map", "Customer onboarding and KYC"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Enhanced due diligence"));
}

#[test]
fn rank_of_an_unknown_map_exits_2() {
    let env = Env::new();
    env.create_db();
    let before = env.db_files();
    env.cmd()
        .args(["rank", "--map", "Nope"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no map is named \"Nope\""));
    assert_eq!(env.db_files(), before);
}

// ------------------------------------------------------------ brief

/// "Test payables" with picks: PO matching active (complete plan, two
/// reviews), exceptions dropped earlier.
fn picked_json() -> Value {
    let mut map = parse_map(&to_bytes(&base_json()), "base.json").expect("base map");
    let ranking = rank(&map);
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(2025, m, d).expect("date");
    let mut dropped = Pick::new("pick-1", &ranking.lanes[1], day(1, 2));
    dropped.state = PickState::Dropped;
    dropped.closed_on = Some(day(1, 5));
    dropped.close_reason = "a vendor fix is coming".into();
    let mut pick = Pick::new("pick-2", ranking.lane("po-match").expect("ranked"), day(1, 6));
    pick.metric.name = "Invoice cycle time".into();
    pick.metric.unit = "days".into();
    pick.metric.direction = Some(Direction::Lower);
    pick.metric.baseline_value = Some(9.5);
    pick.metric.baseline_date = Some(day(1, 6));
    pick.metric.target_value = Some(4.0);
    pick.exception_policy = "Mismatches over 2% go to the AP lead".into();
    pick.exception_reviewer = "Sam Lee".into();
    pick.review_day = Some(chrono::Weekday::Mon);
    pick.reviews = vec![
        Review {
            date: day(1, 13),
            value: 9.0,
            note: "supplier portal | live".into(),
        },
        Review {
            date: day(1, 20),
            value: 8.0,
            note: String::new(),
        },
    ];
    map.picks = vec![dropped, pick];
    serde_json::from_str(&frictionmap::formats::mapfile::to_json(&map)).expect("JSON")
}

fn import(env: &Env, value: &Value) {
    let file = env.write("picked.json", &to_bytes(value));
    env.cmd().arg("import").arg(&file).assert().success();
}

#[test]
fn brief_writes_the_active_picks_brief() {
    let env = Env::new();
    import(&env, &picked_json());
    let out = env.path("brief.md");
    let assert = env
        .cmd()
        .args(["brief", "--map", "Test payables", "--today", "2025-01-22", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        stdout_of(&assert),
        format!(
            "Wrote {} (the brief of \"PO invoice matching\", picked on 2025-01-06)\n",
            out.display()
        )
    );
    let text = std::fs::read_to_string(&out).expect("brief written");
    assert!(
        text.starts_with("# Lane brief: PO invoice matching (Test payables)\n"),
        "{text}"
    );
    for expected in [
        "**Which workflow first, and why this one?**",
        "**What does the friction cost each month?**",
        "**Who owns the outcome in production?**",
        "**Which metric will prove impact in 90 days?**",
        "**What exception policy and governance are defined?**",
        "Readiness: ready to launch",
        "| Monthly friction | USD 26,674 | USD 26,674 |",
        "| 2025-01-13 | 9 days | supplier portal \\| live |",
        "Status on 2025-01-22: on track",
    ] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    // Written atomically: nothing else is left beside it.
    let names: Vec<String> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "data")
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, ["brief.md", "picked.json"]);
}

#[test]
fn brief_of_a_lane_by_name_or_id_takes_its_latest_pick() {
    let env = Env::new();
    import(&env, &picked_json());
    let dropped_lane = picked_json()["picks"][0]["lane"].as_str().expect("lane id").to_owned();
    let out = env.path("lane.md");
    env.cmd()
        .args(["brief", "--map", "Test payables", "--lane", &dropped_lane, "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("picked on 2025-01-02"));
    let text = std::fs::read_to_string(&out).expect("brief written");
    assert!(text.contains("dropped on 2025-01-05"), "{text}");
    assert!(text.contains("Reason for closing: a vendor fix is coming"), "{text}");
    env.cmd()
        .args([
            "brief",
            "--map",
            "Test payables",
            "--lane",
            "PO invoice matching",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("picked on 2025-01-06"));
}

#[test]
fn brief_without_a_pick_exits_2() {
    let env = Env::new();
    let out = env.path("brief.md");
    env.cmd()
        .args(["brief", "--map", "Accounts payable: invoice to payment", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "map \"Accounts payable: invoice to payment\" has no picked lane yet; pick one in the app first",
        ));
    assert!(!out.exists());
}

#[test]
fn brief_refusals_say_why_and_exit_2() {
    let env = Env::new();
    let mut value = picked_json();
    // A second active lane: several pilots at once.
    value["picks"][0]["state"] = json!("active");
    value["picks"][0].as_object_mut().expect("pick").remove("closed_on");
    import(&env, &value);
    let out = env.path("brief.md");
    let cases: [(&[&str], &str); 4] = [
        (
            &["--map", "Test payables"],
            "map \"Test payables\" has 2 active lanes (",
        ),
        (
            &["--map", "Test payables", "--lane", "No such lane"],
            "map \"Test payables\" has no lane named \"No such lane\" (or with that id)",
        ),
        (
            &["--map", "Test payables", "--lane", "Payment run and remittance"],
            "lane \"Payment run and remittance\" of map \"Test payables\" has never been picked",
        ),
        (&["--map", "Nope"], "no map is named \"Nope\""),
    ];
    for (args, message) in cases {
        env.cmd()
            .arg("brief")
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!out.exists());
    }
}

#[test]
fn list_on_a_fresh_database_shows_the_samples() {
    let env = Env::new();
    let list = env.list();
    let names: Vec<&str> = list.lines().collect();
    assert_eq!(
        names,
        [
            "Accounts payable: invoice to payment  (4 lanes, 22 steps)",
            "Customer onboarding and KYC  (4 lanes, 21 steps)",
            "Insurance claims intake: home and motor  (5 lanes, 23 steps)",
            "IT access requests  (5 lanes, 26 steps)",
        ]
    );
}

#[test]
fn a_newer_database_is_refused_and_left_untouched() {
    let env = Env::new();
    std::fs::create_dir_all(&env.db_dir).expect("folder");
    {
        let raw = rusqlite::Connection::open(&env.db).expect("raw open");
        raw.execute_batch("CREATE TABLE maps (id INTEGER PRIMARY KEY); PRAGMA user_version = 99;")
            .expect("setup");
    }
    let before = env.db_files();
    let file = env.write("map.json", &to_bytes(&base_json()));
    for args in [
        vec!["list"],
        vec!["rank", "--map", "Test payables"],
        vec!["import", file.to_str().expect("path")],
    ] {
        env.cmd().args(&args).assert().code(1).stderr(predicate::str::contains(
            "schema version 99, newer than this build understands",
        ));
        assert_eq!(env.db_files(), before, "{args:?} changed the database");
    }
}

#[test]
fn a_numbered_copy_of_a_200_character_name_can_be_exported_and_imported_again() {
    let env = Env::new();
    let mut value = base_json();
    let name = "n".repeat(200);
    value["name"] = json!(name);
    let file = env.write("long.json", &to_bytes(&value));
    env.cmd().arg("import").arg(&file).assert().success();
    env.cmd().arg("import").arg(&file).assert().success();
    let list = env.list();
    let copy = list
        .lines()
        .filter_map(|l| l.split_once("  (").map(|(n, _)| n))
        .find(|n| n.starts_with("nnnn") && n.ends_with(" (2)"))
        .expect("a second copy is listed")
        .to_owned();
    assert_eq!(copy.chars().count(), 200, "the copy's name is cut to fit the limit");
    let out = env.path("copy.json");
    env.cmd()
        .arg("export")
        .arg(&copy)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let other = Env::new();
    other.cmd().arg("import").arg(&out).assert().success();
}

// ------------------------------------------------------------ invalid input

/// Imports `bytes` into an existing database and checks it is refused with
/// exit code 2, a message naming the file and containing each of `expected`,
/// and the database files byte-for-byte unchanged. `rank` refuses it too.
fn assert_refused(bytes: &[u8], expected: &[&str]) {
    let env = Env::new();
    let file = env.write("bad-map.json", bytes);
    assert_refused_file(&env, &file, expected);
}

fn assert_refused_file(env: &Env, file: &Path, expected: &[&str]) {
    let before = env.create_db();
    let output = env.cmd().arg("import").arg(file).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "import exit code; stderr: {stderr}");
    assert!(
        output.stdout.is_empty(),
        "nothing on stdout: {}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains(&file.display().to_string()),
        "the message names the file: {stderr}"
    );
    for e in expected {
        assert!(stderr.contains(e), "stderr lacks {e:?}:\n{stderr}");
    }
    assert_eq!(env.db_files(), before, "the database must not change");

    let output = env.cmd().arg("rank").arg(file).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "rank exit code; stderr: {stderr}");
    for e in expected {
        assert!(stderr.contains(e), "rank stderr lacks {e:?}:\n{stderr}");
    }
    assert_eq!(env.db_files(), before, "the database must not change");
}

fn assert_value_refused(mutate: impl FnOnce(&mut Value), expected: &[&str]) {
    let mut value = base_json();
    mutate(&mut value);
    assert_refused(&to_bytes(&value), expected);
}

#[test]
fn the_unmodified_base_map_is_accepted() {
    // The invalid-input tests below each change one thing in this map.
    let env = Env::new();
    let before = env.create_db();
    let file = env.write("good.json", &to_bytes(&base_json()));
    env.cmd().arg("import").arg(&file).assert().success();
    assert_ne!(env.db_files(), before);
}

#[test]
fn refuses_a_value_above_the_maximum() {
    assert_value_refused(
        |v| v["steps"][3]["rework_rate"] = json!(1.2),
        &["steps[3].rework_rate: 1.2 is above the maximum 0.95"],
    );
}

#[test]
fn refuses_a_volume_above_the_maximum() {
    assert_value_refused(
        |v| v["steps"][5]["volume_per_month"] = json!(1.5e9),
        &["steps[5].volume_per_month: 1500000000 is above the maximum 1000000000"],
    );
}

#[test]
fn refuses_a_negative_value() {
    assert_value_refused(
        |v| v["steps"][0]["handle_minutes"] = json!(-2.5),
        &["steps[0].handle_minutes: -2.5 is below the minimum 0"],
    );
}

#[test]
fn refuses_a_negative_rate() {
    assert_value_refused(
        |v| v["rates"]["hourly_cost"] = json!(-1),
        &["rates.hourly_cost: -1 is below the minimum 0"],
    );
}

#[test]
fn refuses_a_number_out_of_range() {
    // NaN cannot be written in JSON; 1e400 is the nearest thing: a number
    // that does not fit an f64.
    let mut value = base_json();
    value["steps"][2]["volume_per_month"] = json!(123_456.125);
    let text = String::from_utf8(to_bytes(&value))
        .expect("UTF-8")
        .replacen("123456.125", "1e400", 1);
    assert!(text.contains("1e400"));
    assert_refused(text.as_bytes(), &["steps[2].volume_per_month: number out of range"]);
}

#[test]
fn refuses_a_string_where_a_number_is_expected() {
    assert_value_refused(
        |v| v["steps"][1]["handle_minutes"] = json!("ten"),
        &["steps[1].handle_minutes: invalid type: string \"ten\", expected f64"],
    );
}

#[test]
fn refuses_a_low_estimate_above_the_value() {
    // steps[1] has rework_rate 0.08.
    assert_value_refused(
        |v| v["steps"][1]["low"]["rework_rate"] = json!(0.5),
        &["steps[1].low.rework_rate: 0.5 is above the value 0.08"],
    );
}

#[test]
fn refuses_a_high_estimate_below_the_value() {
    // steps[2] has handle_minutes 4.
    assert_value_refused(
        |v| v["steps"][2]["high"]["handle_minutes"] = json!(1),
        &["steps[2].high.handle_minutes: 1 is below the value 4"],
    );
}

#[test]
fn refuses_a_duplicate_lane_id() {
    assert_value_refused(
        |v| v["lanes"][2]["id"] = json!("po-match"),
        &["lanes[2].id: \"po-match\" is already used by lanes[0]"],
    );
}

#[test]
fn refuses_a_duplicate_step_id() {
    assert_value_refused(
        |v| v["steps"][4]["id"] = json!("pm-2"),
        &["steps[4].id: \"pm-2\" is already used by steps[1]"],
    );
}

#[test]
fn refuses_a_step_naming_a_missing_lane() {
    assert_value_refused(
        |v| v["steps"][2]["lane"] = json!("nowhere"),
        &["steps[2].lane: no lane has the id \"nowhere\""],
    );
}

#[test]
fn refuses_an_edge_naming_a_missing_step() {
    assert_value_refused(
        |v| v["edges"][1]["to"] = json!("ghost"),
        &["edges[1].to: no step has the id \"ghost\""],
    );
}

#[test]
fn refuses_a_self_edge() {
    let from = base_json()["edges"][0]["from"].as_str().expect("edge").to_owned();
    assert_value_refused(
        |v| v["edges"][0]["to"] = json!(from.clone()),
        &[&format!("edges[0]: joins step \"{from}\" to itself")],
    );
}

#[test]
fn refuses_a_duplicate_edge() {
    let base = base_json();
    let n = base["edges"].as_array().expect("edges").len();
    let first = base["edges"][0].clone();
    assert_value_refused(
        |v| v["edges"].as_array_mut().expect("edges").push(first.clone()),
        &[&format!(
            "edges[{n}]: repeats edges[0] (\"{}\" to \"{}\")",
            first["from"].as_str().unwrap(),
            first["to"].as_str().unwrap()
        )],
    );
}

#[test]
fn refuses_an_empty_map_name() {
    assert_value_refused(|v| v["name"] = json!(""), &["name: must not be empty"]);
}

#[test]
fn refuses_a_blank_lane_name() {
    assert_value_refused(
        |v| v["lanes"][1]["name"] = json!("   "),
        &["lanes[1].name: must not be empty"],
    );
}

#[test]
fn refuses_a_name_over_200_characters() {
    // Characters, not bytes: 201 two-byte characters.
    assert_value_refused(
        |v| v["steps"][6]["name"] = json!("é".repeat(201)),
        &["steps[6].name: is 201 characters long, above the maximum 200"],
    );
}

#[test]
fn accepts_a_name_of_exactly_200_characters() {
    let env = Env::new();
    let mut value = base_json();
    value["name"] = json!("ü".repeat(200));
    let file = env.write("long.json", &to_bytes(&value));
    env.cmd().arg("import").arg(&file).assert().success();
    assert!(env.list().contains(&"ü".repeat(200)));
}

#[test]
fn refuses_a_file_over_50_mb() {
    // A valid map padded with whitespace to one byte over the limit: only
    // the size is wrong.
    let env = Env::new();
    let mut bytes = to_bytes(&base_json());
    let size = MAX_FILE_BYTES as usize + 1;
    assert_eq!(size, 50 * 1024 * 1024 + 1);
    bytes.resize(size, b' ');
    let file = env.write("huge.json", &bytes);
    assert_refused_file(
        &env,
        &file,
        &[&format!("the file is {size} bytes, above the 50 MB limit")],
    );
}

#[test]
fn accepts_a_file_of_exactly_50_mb() {
    let env = Env::new();
    let mut bytes = to_bytes(&base_json());
    bytes.resize(MAX_FILE_BYTES as usize, b' ');
    let file = env.write("big.json", &bytes);
    env.cmd().arg("rank").arg(&file).assert().success();
}

#[test]
fn refuses_a_missing_file() {
    let env = Env::new();
    let file = env.path("does-not-exist.json");
    assert_refused_file(&env, &file, &["cannot read the file"]);
}

#[test]
fn refuses_an_empty_file() {
    assert_refused(b"", &["the file is empty"]);
}

#[test]
fn refuses_a_whitespace_only_file() {
    assert_refused(b" \r\n\t\n", &["the file is empty"]);
}

#[test]
fn refuses_invalid_utf8() {
    let mut bytes = to_bytes(&base_json());
    let at = bytes
        .windows(13)
        .position(|w| w == b"Test payables")
        .expect("name in file");
    bytes[at + 4] = 0xFF;
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    assert_refused(
        &bytes,
        &[&format!(
            "not UTF-8 text (invalid byte 0xFF at offset {}, line {line} column {})",
            at + 4,
            at + 4 - line_start + 1
        )],
    );
}

#[test]
fn refuses_truncated_json() {
    let text = String::from_utf8(to_bytes(&base_json())).expect("UTF-8");
    let cut = text.len() / 2;
    assert!(text.is_char_boundary(cut));
    let expected_line = text[..cut].matches('\n').count() + 1;
    assert_refused(
        &text.as_bytes()[..cut],
        &["EOF while parsing", &format!("at line {expected_line} column")],
    );
}

#[test]
fn refuses_an_unknown_format_version() {
    assert_value_refused(
        |v| v["format_version"] = json!(2),
        &["format_version 2 is not supported; this version of Friction Map reads format_version 1"],
    );
}

#[test]
fn refuses_a_format_version_given_as_text() {
    assert_value_refused(
        |v| v["format_version"] = json!("1"),
        &["format_version \"1\" is not supported"],
    );
}

#[test]
fn refuses_a_missing_format_version() {
    assert_value_refused(
        |v| {
            v.as_object_mut().expect("object").remove("format_version");
        },
        &["format_version: missing"],
    );
}

#[test]
fn accepts_a_file_starting_with_a_bom() {
    let env = Env::new();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(to_bytes(&base_json()));
    let file = env.write("bom.json", &bytes);
    env.cmd().arg("import").arg(&file).assert().success();
    assert!(env.list().contains("Test payables  (4 lanes, 22 steps)"));
}

#[test]
fn refuses_a_duplicate_key() {
    let text = String::from_utf8(to_bytes(&base_json())).expect("UTF-8");
    let text = text.replacen(
        "\"name\": \"Test payables\"",
        "\"name\": \"Test payables\", \"name\": \"Again\"",
        1,
    );
    assert!(text.contains("\"Again\""));
    assert_refused(text.as_bytes(), &["duplicate field `name`"]);
}

#[test]
fn refuses_trailing_garbage_after_the_map() {
    let mut bytes = to_bytes(&base_json());
    bytes.extend_from_slice(b"\n{\"more\": true}\n");
    assert_refused(&bytes, &["(after the map): trailing characters"]);
}

#[test]
fn refuses_a_bad_currency() {
    assert_value_refused(
        |v| v["currency"] = json!("US DOLLAR"),
        &["currency: \"US DOLLAR\" is not a currency code"],
    );
}

#[test]
fn refuses_an_empty_currency() {
    assert_value_refused(
        |v| v["currency"] = json!(""),
        &["currency: \"\" is not a currency code"],
    );
}

#[test]
fn refuses_zero_hours_per_fte_month() {
    assert_value_refused(
        |v| v["rates"]["hours_per_fte_month"] = json!(0),
        &["rates.hours_per_fte_month: 0 is below the minimum 1"],
    );
}

#[test]
fn refuses_a_top_level_array() {
    // serde would read an array as the map's fields in order; the message
    // says what a map file is instead.
    assert_refused(
        b"[1, 2, 3]\n",
        &["(top level): a map file is a JSON object", "starts with an array"],
    );
}

#[test]
fn lists_several_problems_at_once() {
    assert_value_refused(
        |v| {
            v["steps"][0]["rework_rate"] = json!(0.99);
            v["lanes"][3]["name"] = json!("");
        },
        &[
            "lanes[3].name: must not be empty",
            "steps[0].rework_rate: 0.99 is above the maximum 0.95",
        ],
    );
}

// ------------------------------------------------------------ hand calculation

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn read_csv(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(strip_bom(text).as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            header.iter().cloned().zip(r.iter().map(str::to_owned)).collect()
        })
        .collect();
    (header, rows)
}

/// The program's CSV for each sample matches an independent hand calculation
/// (tests/expected/<map>.csv, written by tests/expected/hand_calc.py).
#[test]
fn sample_csvs_match_the_hand_calculation() {
    let env = Env::new();
    for stem in SAMPLES {
        let out = env.path(&format!("{stem}.csv"));
        env.cmd()
            .arg("rank")
            .arg(sample(stem))
            .arg("--csv")
            .arg(&out)
            .assert()
            .success();
        let got_text = std::fs::read_to_string(&out).expect("CSV");
        let want_text =
            std::fs::read_to_string(root().join("tests/expected").join(format!("{stem}.csv"))).expect("expected");
        let (got_header, got) = read_csv(&got_text);
        let (want_header, want) = read_csv(&want_text);
        assert_eq!(got_header.join(","), CSV_HEADER);
        assert!(
            want_header.iter().all(|c| got_header.contains(c)),
            "{stem}: {want_header:?}"
        );
        assert_eq!(got.len(), want.len(), "{stem}: lane count");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            for column in &want_header {
                let (gv, wv) = (&g[column], &w[column]);
                match column.as_str() {
                    "rank" | "lane" | "steps" | "top_driver" => {
                        assert_eq!(gv, wv, "{stem} row {i} {column}");
                    }
                    _ => {
                        let tolerance = if column == "fte" { 0.001 } else { 0.01 };
                        let (a, b): (f64, f64) = (gv.parse().expect("number"), wv.parse().expect("number"));
                        assert!(
                            (a - b).abs() <= tolerance + 1e-9,
                            "{stem} row {i} {column}: got {a}, expected {b}"
                        );
                    }
                }
            }
        }
        // The owner column is the lane's owner from the map.
        let map = parse_map(&std::fs::read(sample(stem)).expect("sample"), stem).expect("valid sample");
        for row in &got {
            let lane = map.lanes.iter().find(|l| l.name == row["lane"]).expect("lane by name");
            assert_eq!(row["owner"], lane.owner, "{stem}");
        }
    }
}
