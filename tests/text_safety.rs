//! Text that has broken other tools (SQL injection, quotes, emoji, right-to-
//! left and combining marks, names at the 200-character limit) must come
//! back exactly, byte for byte, through the real command line: a map file in,
//! the database, a map file out, and the ranked-lanes CSV.
//! tests/store.rs covers the store and JSON functions directly; this covers
//! what a user's file goes through end to end, and the CSV.

use std::path::Path;
use std::process::{Command, Output};

use frictionmap::domain::model::{Edge, Lane, Map, Step};
use frictionmap::domain::validate::MAX_NAME_CHARS;
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::formats::ranking_csv::guard_formula;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn names() -> Vec<String> {
    let mut names: Vec<String> = [
        "'; DROP TABLE lanes;--",
        "\"",
        "Robert'); DELETE FROM maps; --",
        "x' OR '1'='1",
        "100% of _all_ \\ backslashes",
        "emoji 🙂👩‍👩‍👧 and a flag 🇳🇿",
        "שלום עולם — مرحبا بالعالم",
        "\u{202e}reversed\u{202c} and \u{200f}marks\u{200e}",
        "Café in NFC",
        "Cafe\u{301} in NFD",
        "Z\u{336}\u{334}a\u{335}l\u{337}g\u{338}o\u{334} text",
        "-2+3 starts like an option",
        "zero\u{200b}width\u{feff}space",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    // At the limit, which counts characters (code points), not bytes.
    names.push("é🙂x".chars().cycle().take(MAX_NAME_CHARS).collect());
    names.push("a\u{301}".repeat(MAX_NAME_CHARS / 2));
    names.push("👩‍👩‍👧".chars().cycle().take(MAX_NAME_CHARS).collect());
    names.push("ש".repeat(MAX_NAME_CHARS));
    for name in &names[names.len() - 4..] {
        assert_eq!(name.chars().count(), MAX_NAME_CHARS);
    }
    names
}

/// A map where the text is the map's name, a lane's id, name and owner, a
/// step's id and name, and an edge end.
fn map_named(text: &str) -> Map {
    let mut map = Map::new(text);
    map.notes = format!("{text}\n{text}");
    let mut lane = Lane::new(text, text);
    lane.owner = text.to_owned();
    lane.notes = text.to_owned();
    map.lanes = vec![lane, Lane::new("other", "Other lane")];
    let mut step = Step::new(text, text, text);
    step.volume_per_month = 1000.0;
    step.handle_minutes = 12.0;
    step.notes = text.to_owned();
    let mut second = Step::new("second", "other", "Second");
    second.volume_per_month = 10.0;
    second.handle_minutes = 1.0;
    map.steps = vec![step, second].into();
    map.edges = vec![Edge {
        from: text.to_owned(),
        to: "second".into(),
    }];
    map
}

fn run(db: &Path, args: &[&std::ffi::OsStr]) -> Output {
    let output = Command::new(BIN)
        .env_remove("FRICTIONMAP_DB")
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn tricky_names_round_trip_through_import_export_and_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("fm.sqlite3");
    let names = names();
    for (i, name) in names.iter().enumerate() {
        let map = map_named(name);
        assert!(frictionmap::domain::validate::validate(&map).is_ok(), "{name:?}");
        let file = dir.path().join(format!("in-{i}.json"));
        std::fs::write(&file, to_json(&map)).unwrap();
        run(&db, &["import".as_ref(), file.as_os_str()]);

        // Back out by name ("--" so a name like "-2+3" is not an option).
        let out = dir.path().join(format!("out-{i}.json"));
        run(
            &db,
            &[
                "export".as_ref(),
                "--out".as_ref(),
                out.as_os_str(),
                "--".as_ref(),
                name.as_ref(),
            ],
        );
        let back = parse_map(&std::fs::read(&out).unwrap(), "out.json").unwrap();
        assert_eq!(back, map, "{name:?} through the database and JSON");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            to_json(&map),
            "{name:?}: same file"
        );

        let csv = dir.path().join(format!("ranked-{i}.csv"));
        // "--map=NAME", so a name like "-2+3" is not taken for an option.
        let map_arg = format!("--map={name}");
        run(
            &db,
            &[
                "rank".as_ref(),
                map_arg.as_ref(),
                "--csv".as_ref(),
                csv.as_os_str(),
                "--no-bom".as_ref(),
            ],
        );
        let mut reader = csv::Reader::from_path(&csv).unwrap();
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        let top = &rows[0];
        assert_eq!(&top[1], guard_formula(name), "{name:?}: the lane cell");
        assert_eq!(&top[2], guard_formula(name), "{name:?}: the owner cell");
        assert_eq!(
            &top[14],
            guard_formula(&format!("{name}: handling")),
            "{name:?}: top driver"
        );
        // The cell is the name exactly, after the one apostrophe of a guard.
        let cell = &top[1];
        let plain = if guard_formula(name) == *name {
            Some(cell)
        } else {
            cell.strip_prefix('\'')
        };
        assert_eq!(plain, Some(name.as_str()), "{name:?}: the lane cell without its guard");
    }

    // Every name is listed, and nothing was dropped or merged (NFC and NFD
    // "Café" are different names and stay so).
    let listed = String::from_utf8(run(&db, &["list".as_ref()]).stdout).unwrap();
    for name in &names {
        assert!(
            listed.contains(&format!("{name}  (2 lanes, 2 steps)")),
            "{name:?} listed"
        );
    }
    let raw = rusqlite::Connection::open(&db).unwrap();
    let stored: Vec<String> = raw
        .prepare("SELECT name FROM maps")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for name in &names {
        assert_eq!(
            stored.iter().filter(|s| *s == name).count(),
            1,
            "{name:?} stored once, as is"
        );
    }
    for table in ["maps", "lanes", "steps", "edges"] {
        let n: i64 = raw
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "table {table} still exists");
    }
}

#[test]
fn one_character_over_the_limit_is_refused_on_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    for base in ["é🙂x", "a\u{301}", "ש"] {
        let name: String = base.chars().cycle().take(MAX_NAME_CHARS + 1).collect();
        let file = dir.path().join("long.json");
        std::fs::write(&file, to_json(&map_named(&name))).unwrap();
        let output = Command::new(BIN)
            .env_remove("FRICTIONMAP_DB")
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&file)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("name: is 201 characters long, above the maximum 200"),
            "{stderr}"
        );
    }
}
