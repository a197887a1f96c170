//! Safe exports: every JSON, CSV and Markdown file the app writes goes
//! through `fsutil::atomic_write` (temporary file beside the target, fsync,
//! rename), so a failed or killed export leaves the old file whole and no
//! temporary file behind for long; and the CSV never hands a spreadsheet a
//! formula.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{menu, type_path};
use egui_kittest::kittest::Queryable;
use frictionmap::domain::model::{Lane, Map, Step};
use frictionmap::formats::fsutil::temp_files;
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::formats::ranking_csv::ranking_csv;
use frictionmap::plan::Pick;
use frictionmap::scoring::rank;
use frictionmap::ui::top_bar::SaveIndicator;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn cli(db: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("FRICTIONMAP_DB").arg("--db").arg(db);
    cmd
}

/// Every name in a folder, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------------------ one writer

/// Files that may write files without `atomic_write`, and why.
const OWN_WRITERS: &[(&str, &str)] = &[
    ("formats/fsutil.rs", "it is atomic_write"),
    (
        "formats/input_file.rs",
        "it opens files to read only, with OpenOptions for O_NONBLOCK so a named pipe cannot block",
    ),
    (
        "store/mod.rs",
        "SQLite writes the database; store only creates it empty and private",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_code_outside_fsutil_writes_files_directly() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut offenders = Vec::new();
    for file in &files {
        let name = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        if OWN_WRITERS.iter().any(|(own, _)| name == *own) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (i, line) in text.lines().enumerate() {
            for writer in ["fs::write(", "File::create(", "OpenOptions", "create_new("] {
                if line.contains(writer) {
                    offenders.push(format!("src/{name}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "write files through fsutil::atomic_write, or list the file in OWN_WRITERS with the reason:\n{}",
        offenders.join("\n")
    );
    let atomic_calls: usize = (files.iter())
        .filter(|f| {
            let name = f.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
            name.starts_with("cli/") || name.starts_with("app")
        })
        .map(|f| std::fs::read_to_string(f).unwrap().matches("atomic_write(").count())
        .sum();
    assert!(atomic_calls >= 4, "the CLI and the app export through atomic_write");
}

// ------------------------------------------------------------ the command line

/// A small map with one active pick, so every export has something to write.
fn small_map(name: &str) -> Map {
    let mut map = Map::new(name);
    map.lanes = vec![Lane::new("a", "Intake"), Lane::new("b", "Approval")];
    map.lanes[0].owner = "Dana".into();
    let mut s1 = Step::new("s1", "a", "Capture");
    s1.volume_per_month = 100.0;
    s1.handle_minutes = 5.0;
    let mut s2 = Step::new("s2", "b", "Sign off");
    s2.volume_per_month = 50.0;
    s2.approval_delay_hours = 8.0;
    map.steps = vec![s1, s2].into();
    let ranking = rank(&map);
    let today = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    map.picks = vec![Pick::new("p1", &ranking.lanes[0], today)];
    map
}

/// The three exports of the command line, each writing to `out`.
fn cli_exports(dir: &Path, db: &Path, out: &Path) -> Vec<(&'static str, Command)> {
    let file = dir.join("small.json");
    std::fs::write(&file, to_json(&small_map("Small"))).unwrap();
    let mut import = cli(db);
    assert!(import.arg("import").arg(&file).output().unwrap().status.success());
    let mut json = cli(db);
    json.arg("export").arg("Small").arg("--out").arg(out);
    let mut csv = cli(db);
    csv.arg("rank").arg(&file).arg("--csv").arg(out);
    let mut brief = cli(db);
    brief.args(["brief", "--map", "Small", "--out"]).arg(out);
    vec![("JSON", json), ("CSV", csv), ("Markdown", brief)]
}

#[test]
fn cli_exports_replace_a_file_whole_and_leave_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("export.txt");
    for (what, mut cmd) in cli_exports(dir.path(), &dir.path().join("db.sqlite3"), &out) {
        std::fs::write(&out, b"old content").unwrap();
        let output = cmd.output().unwrap();
        assert!(
            output.status.success(),
            "{what}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let written = std::fs::read(&out).unwrap();
        assert_ne!(written, b"old content", "{what}");
        assert!(written.len() > 100, "{what}: {} bytes", written.len());
        assert_eq!(names_in(&out_dir), ["export.txt"], "{what}: no temp file left");
    }
}

#[test]
fn a_cli_export_that_cannot_be_renamed_into_place_leaves_the_target_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    // The target is a non-empty folder: the temp file is written, the rename fails.
    let out = out_dir.join("export.txt");
    std::fs::create_dir_all(out.join("inside")).unwrap();
    for (what, mut cmd) in cli_exports(dir.path(), &dir.path().join("db.sqlite3"), &out) {
        let output = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{what}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot write {}", out.display())),
            "{what}: {stderr}"
        );
        assert!(out.join("inside").is_dir(), "{what}: the folder is untouched");
        assert_eq!(names_in(&out_dir), ["export.txt"], "{what}: no temp file left");
    }
}

/// Kills `frictionmap gen` writing a large JSON file, again and again: at
/// moments spread over a whole run, and the moment its temporary file is
/// half written. The target must always be the old file or the whole new
/// one, and the next run removes the temporary files the killed ones left.
#[test]
fn killing_an_export_never_leaves_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.json");
    let generate = |out: &Path| {
        let mut cmd = Command::new(BIN);
        cmd.args(["gen", "--lanes", "40", "--steps", "20000", "--seed", "3", "--out"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    };
    let reference_path = dir.path().join("reference.json");
    let started = Instant::now();
    assert!(generate(&reference_path).status().unwrap().success());
    let full_run = started.elapsed();
    let reference = std::fs::read(&reference_path).unwrap();
    std::fs::remove_file(&reference_path).unwrap();
    assert!(reference.len() > 5_000_000, "{} bytes", reference.len());

    let old = b"{\"the old file\": true}\n".to_vec();
    std::fs::write(&out, &old).unwrap();
    let (mut kills, mut mid_write, mut completed) = (0, 0, 0);
    // Until 20 runs were killed, at least 6 of them mid-write; how many
    // runs finish first depends on the machine's load.
    let mut i = 0;
    while kills < 20 || mid_write < 6 {
        assert!(i < 100, "after {i} runs only {kills} kills, {mid_write} mid-write");
        i += 1;
        let mut child = generate(&out).spawn().unwrap();
        let pid = child.id();
        // Only this run's temporary file counts; killed runs may have left others.
        let own_temp = || {
            temp_files(dir.path(), "big.json")
                .into_iter()
                .filter(|(_, p)| *p == pid)
                .filter_map(|(path, _)| std::fs::metadata(path).ok())
                .map(|m| m.len())
                .max()
        };
        if i % 2 == 0 {
            // Spread over 0..100% of a full run.
            std::thread::sleep(full_run.mul_f64(f64::from(i % 20) / 20.0));
        } else {
            // As soon as the temporary file holds some of the new content.
            let deadline = Instant::now() + full_run * 3;
            while Instant::now() < deadline {
                if own_temp().is_some_and(|size| size > 0) {
                    break;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        } else {
            completed += 1;
        }
        child.wait().unwrap();
        if own_temp().is_some() {
            mid_write += 1;
        }
        let now = std::fs::read(&out).unwrap();
        assert!(
            now == old || now == reference,
            "kill {i}: the target is neither the old file nor the whole new one ({} bytes)",
            now.len()
        );
        if now == reference {
            std::fs::write(&out, &old).unwrap();
        }
    }
    // The next export removes what the killed ones left.
    assert!(generate(&out).status().unwrap().success());
    assert_eq!(std::fs::read(&out).unwrap(), reference);
    assert_eq!(names_in(dir.path()), ["big.json"], "temporary files are cleaned up");
    println!(
        "{kills} kills ({mid_write} while the temporary file was written), {completed} runs finished first; \
         the target was always the old or the whole new file"
    );
}

// ------------------------------------------------------------ the app

#[test]
fn app_exports_replace_a_file_whole_or_fail_leaving_it_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = common::app(&dir.path().join("data").join("fm.sqlite3"));
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let map = common::ws(&harness).document().map().clone();

    let csv = out_dir.join("ranked.csv");
    std::fs::write(&csv, b"old content").unwrap();
    menu(&mut harness, "Export ranked lanes CSV…");
    type_path(&mut harness, &csv);
    // The window's CSV carries the simulation's columns, as `rank --csv`.
    let ranking = rank(&map);
    let certainty = frictionmap::scoring::certainty::simulate_to_end(&map, &ranking, map.simulation);
    assert_eq!(
        std::fs::read(&csv).unwrap(),
        ranking_csv(&ranking, Some(&certainty), true)
    );

    let json = out_dir.join("map.json");
    std::fs::write(&json, b"old content").unwrap();
    menu(&mut harness, "Export JSON…");
    type_path(&mut harness, &json);
    assert_eq!(parse_map(&std::fs::read(&json).unwrap(), "map.json").unwrap(), map);
    assert_eq!(names_in(&out_dir), ["map.json", "ranked.csv"], "no temp file left");

    // The lane brief, from the Plan tab of a picked lane.
    harness
        .get_by_label("Pick this lane first: PO invoice matching")
        .click();
    // The pick is saved in the background; let that finish first.
    let started = Instant::now();
    while common::ws(&harness).save_indicator() != SaveIndicator::Saved {
        assert!(started.elapsed() < Duration::from_secs(10), "the pick was not saved");
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    harness.run();
    let brief = out_dir.join("brief.md");
    std::fs::write(&brief, b"old content").unwrap();
    harness.get_by_label("Export lane brief…").scroll_to_me();
    harness.run();
    harness.get_by_label("Export lane brief…").click();
    harness.run();
    type_path(&mut harness, &brief);
    let text = std::fs::read_to_string(&brief).unwrap();
    assert!(text.starts_with("# ") && text.contains("PO invoice matching"), "{text}");
    assert_eq!(
        names_in(&out_dir),
        ["brief.md", "map.json", "ranked.csv"],
        "no temp file left"
    );

    // A target that is a folder: the rename fails, and the app says so.
    let folder = out_dir.join("taken.json");
    std::fs::create_dir_all(folder.join("inside")).unwrap();
    menu(&mut harness, "Export JSON…");
    type_path(&mut harness, &folder);
    harness.get_by_label_contains(&format!("Could not write {}", folder.display()));
    harness.get_by_label("OK").click();
    harness.run();
    assert!(folder.join("inside").is_dir());
    assert_eq!(
        names_in(&out_dir),
        ["brief.md", "map.json", "ranked.csv", "taken.json"],
        "no temp file left"
    );
}

// ------------------------------------------------------------ formula guard

/// Lane names a spreadsheet would run as formulas, with what the CSV cell
/// must hold; and names that need quoting but no guard.
const FORMULA_NAMES: &[(&str, &str)] = &[
    ("=1+2", "'=1+2"),
    ("+x", "'+x"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTabbed", "'\tTabbed"),
    ("＝1", "'＝1"),
    (
        "=HYPERLINK(\"http://example.com\",\"x\")",
        "'=HYPERLINK(\"http://example.com\",\"x\")",
    ),
    ("Smith, Jones", "Smith, Jones"),
    ("Say \"hi\"", "Say \"hi\""),
    ("Line one\nLine two", "Line one\nLine two"),
    ("Comma, \"quote\"\nand a line", "Comma, \"quote\"\nand a line"),
    ("Plain 1+2", "Plain 1+2"),
];

/// One lane per name (with a step named after it, so the top driver starts
/// with it too), each lane's friction distinct so the order is known.
fn formula_map() -> Map {
    let mut map = Map::new("Formula names");
    for (i, (name, _)) in FORMULA_NAMES.iter().enumerate() {
        let lane_id = format!("lane-{i}");
        let mut lane = Lane::new(&lane_id, *name);
        lane.owner = (*name).to_owned();
        map.lanes.push(lane);
        let mut step = Step::new(format!("s{i}"), &lane_id, *name);
        step.volume_per_month = 100.0 * (i + 1) as f64;
        step.handle_minutes = 10.0;
        map.steps.push(step);
    }
    map
}

#[test]
fn the_csv_guards_formulas_and_keeps_commas_quotes_and_line_ends() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("formulas.json");
    std::fs::write(&file, to_json(&formula_map())).unwrap();
    for bom in [true, false] {
        let out = dir.path().join("ranked.csv");
        let mut cmd = cli(&dir.path().join("db.sqlite3"));
        cmd.arg("rank").arg(&file).arg("--csv").arg(&out);
        if !bom {
            cmd.arg("--no-bom");
        }
        assert!(cmd.output().unwrap().status.success());
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes.starts_with(b"\xEF\xBB\xBF"), bom);
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(&bytes);
        let mut reader = csv::Reader::from_reader(body);
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), FORMULA_NAMES.len());
        // Highest volume first: the last name ranks first.
        for (row, (name, cell)) in rows.iter().zip(FORMULA_NAMES.iter().rev()) {
            assert_eq!(&row[1], *cell, "lane {name:?}");
            assert_eq!(&row[2], *cell, "owner {name:?}");
            let driver = &row[14];
            assert!(driver.starts_with(cell), "top driver {driver:?} of {name:?}");
            for number in [&row[0], &row[3], &row[13]] {
                assert!(number.parse::<f64>().is_ok(), "{number:?} is a plain number");
            }
        }
    }
}

// ------------------------------------------------------- never over the database

/// Every command that writes a file, aimed at `out`. See issue: `export
/// --out m.db` replaced the database with JSON, exit 0, no backup.
fn every_cli_writer(dir: &Path, db: &Path, out: &Path) -> Vec<(String, Command)> {
    let file = dir.join("small.json");
    std::fs::write(&file, to_json(&small_map("Small"))).unwrap();
    let bpmn = dir.join("small.bpmn");
    std::fs::write(&bpmn, frictionmap::formats::bpmn::to_bpmn(&small_map("Small"))).unwrap();
    let runs: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec!["export".as_ref(), "Small".as_ref(), "--out".as_ref(), out.as_ref()],
        vec!["rank".as_ref(), file.as_ref(), "--csv".as_ref(), out.as_ref()],
        vec![
            "brief".as_ref(),
            "--map".as_ref(),
            "Small".as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ],
        vec!["render".as_ref(), "Small".as_ref(), "--svg".as_ref(), out.as_ref()],
        vec!["render".as_ref(), file.as_ref(), "--png".as_ref(), out.as_ref()],
        vec!["chart".as_ref(), "Small".as_ref(), "--svg".as_ref(), out.as_ref()],
        vec![
            "bpmn".as_ref(),
            "export".as_ref(),
            "Small".as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ],
        vec![
            "bpmn".as_ref(),
            "import".as_ref(),
            bpmn.as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ],
        vec![
            "steps".as_ref(),
            "export".as_ref(),
            "Small".as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ],
        vec![
            "gen".as_ref(),
            "--lanes".as_ref(),
            "1".as_ref(),
            "--steps".as_ref(),
            "2".as_ref(),
            "--out".as_ref(),
            out.as_ref(),
        ],
    ];
    runs.into_iter()
        .map(|args| {
            let mut cmd = cli(db);
            cmd.args(&args);
            let what = args[..2]
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" ");
            (what, cmd)
        })
        .collect()
}

#[test]
fn no_cli_export_writes_over_the_database_its_files_or_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db = data.join("m.sqlite3");
    // The database with a map, a backup, and its companions on disk.
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(dir.path().join("small.json"), to_json(&small_map("Small"))).unwrap();
    let import = cli(&db)
        .arg("import")
        .arg(dir.path().join("small.json"))
        .output()
        .unwrap();
    assert!(import.status.success());
    assert!(cli(&db).arg("backup").output().unwrap().status.success());
    let backup = std::fs::read_dir(data.join("backups"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let other_db = dir.path().join("elsewhere.sqlite3");
    std::fs::copy(&db, &other_db).unwrap();
    let link = dir.path().join("link-to-db");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let hard_link = dir.path().join("hard-link-to-db");
    std::fs::hard_link(&db, &hard_link).unwrap();
    let mut lock = db.as_os_str().to_owned();
    lock.push(".lock");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let targets: Vec<(PathBuf, &str)> = vec![
        (db.clone(), "is the database"),
        (data.join("..").join("data").join("m.sqlite3"), "is the database"),
        (PathBuf::from(&wal), "is the database"),
        (PathBuf::from(&lock), "is the database"),
        (link.clone(), "is the database"),
        (hard_link.clone(), "is the database"),
        (backup.clone(), "is a backup of the database"),
        (other_db.clone(), "is an SQLite database"),
    ];
    let before = common::files_in_tree(dir.path());
    for (target, words) in &targets {
        for (what, mut cmd) in every_cli_writer(dir.path(), &db, target) {
            let output = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(
                output.status.code(),
                Some(2),
                "{what} --out {}: {stderr}",
                target.display()
            );
            assert!(stderr.contains(words), "{what} --out {}: {stderr}", target.display());
            assert!(stderr.contains("choose another file name"), "{what}: {stderr}");
        }
    }
    let after = common::files_in_tree(dir.path());
    for (path, bytes) in &before {
        if path.ends_with("small.json") || path.ends_with("small.bpmn") {
            continue;
        }
        assert!(after.get(path) == Some(bytes), "{path} changed");
    }
}

#[test]
fn a_command_never_writes_over_the_file_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.sqlite3");
    let file = dir.path().join("small.json");
    std::fs::write(&file, to_json(&small_map("Small"))).unwrap();
    let original = std::fs::read(&file).unwrap();
    for args in [
        vec!["rank", "small.json", "--csv", "small.json"],
        vec!["render", "small.json", "--svg", "small.json"],
        vec!["steps", "export", "small.json", "--out", "small.json"],
        vec!["bpmn", "export", "small.json", "--out", "small.json"],
    ] {
        let output = cli(&db).current_dir(dir.path()).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is the file this command reads"), "{args:?}: {stderr}");
        assert_eq!(std::fs::read(&file).unwrap(), original, "{args:?}");
    }
}

#[test]
fn the_apps_exports_refuse_the_database_and_any_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    // A database whose name has an export's extension, so the save dialog
    // does not add one.
    let db = dir.path().join("data").join("maps.json");
    let mut harness = common::app(&db);
    harness.run();
    let other = dir.path().join("copy.csv");
    std::fs::copy(&db, &other).unwrap();
    let before = common::files_in_tree(dir.path());
    menu(&mut harness, "Export JSON…");
    type_path(&mut harness, &db);
    harness.get_by_label_contains("is the database");
    harness.get_by_label("OK").click();
    harness.run();
    menu(&mut harness, "Export ranked lanes CSV…");
    type_path(&mut harness, &other);
    harness.get_by_label_contains("is an SQLite database");
    harness.get_by_label("OK").click();
    harness.run();
    // The open database may be checkpointed meanwhile; it must still be one.
    assert!(std::fs::read(&db).unwrap().starts_with(b"SQLite format 3\0"));
    let key = other.display().to_string();
    assert_eq!(
        before.get(&key),
        common::files_in_tree(dir.path()).get(&key),
        "{key} is unchanged"
    );
}
