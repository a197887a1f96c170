//! The SQLite store: migrations (including a version-1 file upgraded in
//! place), refusing newer files, all-or-nothing writes, cascading deletes,
//! picks with their reviews, and exact round trips of awkward text.

use std::path::Path;

use crate::common::files_in;
use chrono::{NaiveDate, Weekday};
use frictionmap::domain::model::{Attr, Edge, Estimates, Lane, Map, Rates, Simulation, Step};
use frictionmap::domain::synth::{GenParams, generate};
use frictionmap::formats::mapfile::parse_map;
use frictionmap::formats::samples::sample_maps;
use frictionmap::plan::{Direction, Pick, PickState, Review};
use frictionmap::scoring::rank;
use frictionmap::store::{MapId, SCHEMA_VERSION, Store, StoreError};
use rusqlite::Connection;

fn sample(i: usize) -> Map {
    sample_maps().expect("samples parse").swap_remove(i)
}

/// A small map with every kind of row: lanes, steps with estimates, edges.
fn small_map(name: &str) -> Map {
    let mut map = Map::new(name);
    map.currency = "EUR".into();
    map.notes = "two lanes".into();
    map.rates = Rates {
        hourly_cost: 61.5,
        delay_cost_per_hour: 0.75,
        hours_per_fte_month: 151.0,
    };
    let mut a = Lane::new("a", "Alpha");
    a.owner = "Ann".into();
    map.lanes = vec![a, Lane::new("b", "Beta")];
    let mut s1 = Step::new("s1", "a", "First");
    s1.volume_per_month = 100.0;
    s1.handle_minutes = 5.5;
    s1.rework_rate = 0.1;
    s1.approval_delay_hours = 2.0;
    s1.x = 40.5;
    s1.y = -12.25;
    s1.low = Estimates::of(Attr::VolumePerMonth, 80.0);
    s1.high = Estimates::of(Attr::ReworkRate, 0.3).with(Attr::ApprovalDelayHours, 4.0);
    let mut s2 = Step::new("s2", "b", "Second");
    s2.volume_per_month = 10.0;
    s2.handle_minutes = 30.0;
    let s3 = Step::new("s3", "a", "Third");
    map.steps = vec![s2, s1, s3].into();
    map.edges = vec![
        Edge {
            from: "s1".into(),
            to: "s2".into(),
        },
        Edge {
            from: "s3".into(),
            to: "s1".into(),
        },
    ];
    map
}

fn count(store: &Store, sql: &str) -> i64 {
    store
        .connection()
        .query_row(sql, [], |r| r.get(0))
        .expect("count query")
}

// ------------------------------------------------------------ migrations

#[test]
fn a_fresh_file_gets_the_current_schema_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fresh.sqlite3");
    let store = Store::open(&path).expect("open");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let conn = store.connection();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    let fk: i64 = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .expect("foreign_keys");
    assert_eq!(fk, 1);
    for table in ["maps", "lanes", "steps", "edges", "settings", "picks", "reviews"] {
        let n = count(
            &store,
            &format!("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
        );
        assert_eq!(n, 1, "table {table}");
    }
    assert!(store.is_empty().expect("is_empty"));
    assert_eq!(store.path(), Some(path.as_path()));
    drop(store);

    // WAL and the version are properties of the file, seen by any reader.
    let raw = Connection::open(&path).expect("raw open");
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("journal_mode");
    assert_eq!(mode, "wal");
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, SCHEMA_VERSION);
}

#[test]
fn an_existing_empty_version_0_file_is_migrated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite3");
    {
        let raw = Connection::open(&path).expect("raw open");
        raw.execute_batch("CREATE TABLE unrelated (x INTEGER); INSERT INTO unrelated VALUES (7);")
            .expect("setup");
    }
    let store = Store::open(&path).expect("open");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(count(&store, "SELECT x FROM unrelated"), 7, "existing data is kept");
}

#[test]
fn reopening_keeps_the_data_and_does_not_migrate_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db.sqlite3");
    let map = small_map("Kept");
    let id = {
        let mut store = Store::open(&path).expect("open");
        store.create(&map).expect("create")
    };
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(store.load(id).expect("load"), map);
}

#[cfg(unix)]
#[test]
fn a_new_database_and_its_folders_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("a").join("b");
    let path = folder.join("db.sqlite3");
    drop(Store::open(&path).expect("open creates the folders"));
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&folder), 0o700);
    assert_eq!(mode(&dir.path().join("a")), 0o700);
}

fn too_new_db(dir: &Path, wal: bool) -> std::path::PathBuf {
    let path = dir.join("future.sqlite3");
    let raw = Connection::open(&path).expect("raw open");
    if wal {
        let _: String = raw
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .expect("wal");
    }
    raw.execute_batch(
        "CREATE TABLE maps (id INTEGER PRIMARY KEY, name TEXT, future_column BLOB);
         INSERT INTO maps (name) VALUES ('from the future');
         PRAGMA user_version = 7;",
    )
    .expect("setup");
    drop(raw);
    path
}

fn assert_too_new_is_refused(wal: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = too_new_db(dir.path(), wal);
    let before = files_in(dir.path());
    assert_eq!(before.len(), 1, "only the database file: {:?}", before.keys());
    match Store::open(&path) {
        Err(StoreError::TooNew { found, path: shown }) => {
            assert_eq!(found, 7);
            assert!(shown.contains("future.sqlite3"), "{shown}");
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer database must be refused"),
    }
    let after = files_in(dir.path());
    assert_eq!(after.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
    assert!(after == before, "the database bytes changed");
    let raw = Connection::open(&path).expect("raw open");
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, 7);
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    assert_too_new_is_refused(false);
}

#[test]
fn a_newer_wal_schema_is_refused_and_left_untouched() {
    assert_too_new_is_refused(true);
}

#[test]
fn the_too_new_message_says_the_file_was_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = too_new_db(dir.path(), false);
    let error = Store::open(&path).err().expect("refused");
    let text = error.to_string();
    assert!(
        text.contains("schema version 7") && text.contains("left untouched"),
        "{text}"
    );
}

// ------------------------------------------------------------ operations

#[test]
fn list_load_save_rename_duplicate_delete() {
    let mut store = Store::open_in_memory().expect("store");
    assert!(store.list().expect("list").is_empty());
    let a = store.create(&small_map("beta map")).expect("create");
    let b = store.create(&sample(0)).expect("create");
    let c = store.create(&small_map("Alpha map")).expect("create");

    // Listed by name, case-insensitively, with counts.
    let list = store.list().expect("list");
    let names: Vec<&str> = list.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Accounts payable: invoice to payment", "Alpha map", "beta map"]);
    assert_eq!((list[0].id, list[0].lanes, list[0].steps), (b, 4, 22));
    assert_eq!((list[2].id, list[2].lanes, list[2].steps), (a, 2, 3));
    assert!(list.iter().all(|m| m.updated_at > 1_600_000_000));

    // Load gives back exactly what was stored.
    assert_eq!(store.load(b).expect("load"), sample(0));
    assert_eq!(store.find_by_name("Alpha map").expect("find"), c);
    assert!(matches!(store.find_by_name("alpha map"), Err(StoreError::NoSuchName(n)) if n == "alpha map"));

    // Save replaces everything: rates, lanes, steps, edges.
    let mut changed = store.load(a).expect("load");
    changed.rates.hourly_cost = 99.0;
    changed.lanes.reverse();
    changed.steps.remove(0);
    changed.edges = vec![Edge {
        from: "s3".into(),
        to: "s1".into(),
    }];
    changed.steps.get_mut(0).unwrap().name = "First, renamed".into();
    store.save(a, &changed).expect("save");
    assert_eq!(store.load(a).expect("load"), changed);

    // Rename.
    store.rename(a, "Gamma").expect("rename");
    assert_eq!(store.load(a).expect("load").name, "Gamma");
    assert!(matches!(store.find_by_name("beta map"), Err(StoreError::NoSuchName(_))));

    // Duplicate under a free name.
    let d = store.duplicate(a, "Gamma").expect("duplicate");
    let copy = store.load(d).expect("load copy");
    assert_eq!(copy.name, "Gamma (2)");
    assert_eq!(
        Map {
            name: "Gamma".into(),
            ..copy
        },
        store.load(a).expect("load")
    );
    let e = store.duplicate(a, "Gamma").expect("duplicate again");
    assert_eq!(store.load(e).expect("load").name, "Gamma (3)");
    assert_eq!(store.free_name("Gamma").expect("free"), "Gamma (4)");
    assert_eq!(store.free_name("Unused").expect("free"), "Unused");

    // Delete.
    store.delete(d).expect("delete");
    assert!(matches!(store.load(d), Err(StoreError::NoSuchMap(id)) if id == d.0));
    assert_eq!(store.list().expect("list").len(), 4);
    assert!(matches!(store.delete(d), Err(StoreError::NoSuchMap(_))));
    assert!(!store.is_empty().expect("is_empty"));
}

#[test]
fn operations_on_a_missing_map_fail_cleanly() {
    let mut store = Store::open_in_memory().expect("store");
    let ghost = MapId(12345);
    assert!(matches!(store.load(ghost), Err(StoreError::NoSuchMap(12345))));
    assert!(matches!(
        store.save(ghost, &small_map("x")),
        Err(StoreError::NoSuchMap(12345))
    ));
    assert!(matches!(store.rename(ghost, "y"), Err(StoreError::NoSuchMap(12345))));
    assert!(matches!(store.duplicate(ghost, "z"), Err(StoreError::NoSuchMap(12345))));
    assert!(matches!(store.delete(ghost), Err(StoreError::NoSuchMap(12345))));
    assert!(store.is_empty().expect("is_empty"), "nothing was written");
    assert_eq!(count(&store, "SELECT count(*) FROM lanes"), 0);
}

#[test]
fn names_are_unique() {
    let mut store = Store::open_in_memory().expect("store");
    let a = store.create(&small_map("One")).expect("create");
    let b = store.create(&small_map("Two")).expect("create");
    assert!(matches!(store.create(&small_map("One")), Err(StoreError::NameTaken(n)) if n == "One"));
    assert!(matches!(store.rename(b, "One"), Err(StoreError::NameTaken(_))));
    assert!(matches!(
        store.save(b, &small_map("One")),
        Err(StoreError::NameTaken(_))
    ));
    // Keeping one's own name is fine.
    store.rename(a, "One").expect("rename to itself");
    store.save(a, &small_map("One")).expect("save under its own name");
    // Case differs: a different name.
    store.create(&small_map("one")).expect("create differing in case");
    let names: Vec<String> = store.list().expect("list").into_iter().map(|m| m.name).collect();
    assert_eq!(names.len(), 3);
    assert_eq!(store.load(b).expect("load").name, "Two");
}

#[test]
fn free_names_stay_within_the_name_limit() {
    let mut store = Store::open_in_memory().expect("store");
    let name = "n".repeat(200);
    let id = store.create(&small_map(&name)).expect("create");
    let free = store.free_name(&name).expect("free name");
    assert_eq!(
        frictionmap::domain::validate::check_name(&free),
        Ok(()),
        "{} characters",
        free.chars().count()
    );
    let copy = store.duplicate(id, &name).expect("duplicate");
    let copy = store.load(copy).expect("load");
    assert_eq!(frictionmap::domain::validate::validate(&copy), Ok(()));
}

// ------------------------------------------------------------ atomic writes

/// Every row of the map tables and settings, as text, to compare whole states.
fn dump(store: &Store) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["maps", "lanes", "steps", "edges", "settings", "picks", "reviews"] {
        let mut stmt = store
            .connection()
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
            .expect("select");
        let columns = stmt.column_count();
        let mut query = stmt.query([]).expect("query");
        while let Some(row) = query.next().expect("row") {
            let cells: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).expect("cell")))
                .collect();
            rows.push(format!("{table}: {}", cells.join(" | ")));
        }
    }
    rows
}

/// Saves `bad` over a stored map, checks that the save failed and changed
/// nothing, and returns the error.
fn assert_failed_save_changes_nothing(bad: Map) -> StoreError {
    let mut store = Store::open_in_memory().expect("store");
    let id = store.create(&picked_map("Original")).expect("create");
    store.create(&sample(1)).expect("create another");
    store.set_setting("last_map_id", &id.0.to_string()).expect("setting");
    let before = dump(&store);
    let original = store.load(id).expect("load");

    let error = store.save(id, &bad).expect_err("the save must fail");
    assert_eq!(store.load(id).expect("load"), original);
    assert_eq!(dump(&store), before, "a failed save must leave every row as it was");

    // The connection is usable afterwards: a good save still works.
    let mut good = original.clone();
    good.notes = "saved after the failure".into();
    store.save(id, &good).expect("save");
    assert_eq!(store.load(id).expect("load"), good);
    error
}

/// The failure SQLite's constraints give, such as a repeated key.
fn assert_constraint_violation(error: StoreError) {
    assert!(
        matches!(&error, StoreError::Sql(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)),
        "{error:?}"
    );
}

#[test]
fn a_save_failing_on_a_missing_lane_changes_nothing() {
    let mut bad = small_map("Renamed by the failed save");
    bad.rates.hourly_cost = 1.0;
    bad.steps.get_mut(2).unwrap().lane = "no-such-lane".into();
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert_eq!(
        error,
        r#"the step "s3" points at lane "no-such-lane", which the map does not have"#
    );
}

#[test]
fn a_save_failing_on_a_lane_the_map_dropped_changes_nothing() {
    // Lane "a" is stored, but the new map no longer has it while a step and
    // a pick still point at it: the save fails instead of writing them and
    // losing them to the lane's cascade.
    let mut bad = picked_map("Original");
    bad.lanes.retain(|l| l.id != "a");
    let first = bad
        .steps
        .iter()
        .find(|s| s.lane == "a")
        .expect("a step in lane a")
        .id
        .clone();
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert_eq!(
        error,
        format!(r#"the step "{first}" points at lane "a", which the map does not have"#)
    );
}

#[test]
fn a_save_moves_steps_to_a_new_lane_and_drops_the_old_one() {
    let mut store = Store::open_in_memory().expect("store");
    let id = store.create(&small_map("Moves")).expect("create");
    let mut map = small_map("Moves");
    map.lanes[0].id = "a2".into();
    map.steps.for_each_mut(|_, step| {
        if step.lane == "a" {
            step.lane = "a2".into();
        }
    });
    map.steps.remove(1);
    map.edges
        .retain(|e| map.steps.iter().any(|s| s.id == e.from) && map.steps.iter().any(|s| s.id == e.to));
    store.save(id, &map).expect("save");
    assert_eq!(store.load(id).expect("load"), map);
    assert_eq!(count(&store, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM lanes WHERE lane_id = 'a'"), 0);
}

#[test]
fn whole_saves_of_a_map_larger_than_a_batch_round_trip() {
    // 150 steps and 203 edges: whole saves write 64 rows to a statement,
    // then the rest one by one, so both kinds of statement are used.
    let map = generate(&GenParams {
        lanes: 5,
        steps: 150,
        edges: 203,
        seed: 3,
    });
    assert!(map.steps.iter().any(|s| !s.low.is_empty() || !s.high.is_empty()));
    let mut store = Store::open_in_memory().expect("store");
    let id = store.create(&map).expect("create");
    assert_eq!(store.load(id).expect("load"), map);

    let mut changed = map.clone();
    changed.steps.for_each_mut(|i, step| {
        step.volume_per_month += i as f64;
        if let Some(high) = step.high.get(Attr::VolumePerMonth) {
            step.high.set(Attr::VolumePerMonth, Some(high + i as f64));
        }
        step.high.set(Attr::ReworkRate, Some(0.5));
    });
    changed.edges.reverse();
    let gone = changed.steps.remove(70).id;
    changed.edges.retain(|e| e.from != gone && e.to != gone);
    store.save(id, &changed).expect("save");
    assert_eq!(store.load(id).expect("load"), changed);
    assert_eq!(count(&store, "SELECT count(*) FROM steps"), 149);
    assert_eq!(count(&store, "SELECT count(*) FROM edges"), changed.edges.len() as i64);
}

#[test]
fn a_save_failing_on_a_duplicate_step_id_changes_nothing() {
    let mut bad = small_map("Original");
    bad.lanes[0].name = "Changed".into();
    bad.steps.get_mut(2).unwrap().id = "s1".into();
    bad.edges.clear();
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert_eq!(error, r#"the map has two steps with the key "s1""#);
}

#[test]
fn a_save_failing_on_a_duplicate_edge_changes_nothing() {
    let mut bad = small_map("Original");
    bad.edges.push(bad.edges[0].clone());
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert!(error.starts_with("the map has two edges with the key"), "{error}");
}

#[test]
fn a_save_failing_on_an_edge_to_a_missing_step_changes_nothing() {
    let mut bad = small_map("Original");
    bad.edges.push(Edge {
        from: "s1".into(),
        to: "ghost".into(),
    });
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert_eq!(
        error,
        r#"the edge "s1" → "ghost" points at step "ghost", which the map does not have"#
    );
}

#[test]
fn a_failed_create_adds_nothing() {
    let mut store = Store::open_in_memory().expect("store");
    store.create(&small_map("Existing")).expect("create");
    let before = dump(&store);
    // The repeated pick id fails in SQLite after the map's other rows went
    // in, so the whole transaction must roll back.
    let mut bad = picked_map("New");
    bad.picks[1].id = bad.picks[0].id.clone();
    assert_constraint_violation(store.create(&bad).expect_err("the create must fail"));
    assert_eq!(dump(&store), before);
    assert!(matches!(store.find_by_name("New"), Err(StoreError::NoSuchName(_))));
}

// ------------------------------------------------------------ deletes

#[test]
fn delete_cascades_to_lanes_steps_and_edges() {
    let mut store = Store::open_in_memory().expect("store");
    let keep = store.create(&sample(2)).expect("create");
    let gone = store.create(&sample(3)).expect("create");
    let (kept_map, gone_map) = (sample(2), sample(3));
    assert!(!gone_map.edges.is_empty());
    let rows = |store: &Store, table: &str, id: MapId| {
        count(store, &format!("SELECT count(*) FROM {table} WHERE map_id = {}", id.0))
    };
    assert_eq!(rows(&store, "steps", gone), gone_map.steps.len() as i64);
    assert_eq!(rows(&store, "edges", gone), gone_map.edges.len() as i64);

    store.set_setting("last_map_id", &gone.0.to_string()).expect("setting");
    store.set_setting("theme", "dark").expect("setting");
    store.delete(gone).expect("delete");
    for table in ["lanes", "steps", "edges"] {
        assert_eq!(rows(&store, table, gone), 0, "orphan rows left in {table}");
    }
    // Nothing else was touched.
    assert_eq!(count(&store, "SELECT count(*) FROM lanes"), kept_map.lanes.len() as i64);
    assert_eq!(count(&store, "SELECT count(*) FROM steps"), kept_map.steps.len() as i64);
    assert_eq!(count(&store, "SELECT count(*) FROM edges"), kept_map.edges.len() as i64);
    assert_eq!(store.load(keep).expect("load"), kept_map);
    // A setting pointing at the deleted map goes; others stay.
    assert_eq!(store.setting("last_map_id").expect("setting"), None);
    assert_eq!(store.setting("theme").expect("setting").as_deref(), Some("dark"));
    let fk_errors = count(&store, "SELECT count(*) FROM pragma_foreign_key_check");
    assert_eq!(fk_errors, 0);
}

#[test]
fn saving_fewer_rows_leaves_no_orphans() {
    let mut store = Store::open_in_memory().expect("store");
    let id = store.create(&sample(0)).expect("create");
    let mut smaller = sample(0);
    smaller.lanes.truncate(1);
    let lane = smaller.lanes[0].id.clone();
    smaller.steps.retain(|s| s.lane == lane);
    smaller.steps.truncate(2);
    let kept: Vec<String> = smaller.steps.iter().map(|s| s.id.clone()).collect();
    smaller.edges.retain(|e| kept.contains(&e.from) && kept.contains(&e.to));
    store.save(id, &smaller).expect("save");
    assert_eq!(store.load(id).expect("load"), smaller);
    assert_eq!(count(&store, "SELECT count(*) FROM lanes"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM steps"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM edges"), smaller.edges.len() as i64);
}

// ------------------------------------------------------------ settings and text

#[test]
fn settings_round_trip() {
    let mut store = Store::open_in_memory().expect("store");
    assert_eq!(store.setting("missing").expect("setting"), None);
    store.set_setting("k", "v1").expect("set");
    assert_eq!(store.setting("k").expect("get").as_deref(), Some("v1"));
    store.set_setting("k", "v2").expect("overwrite");
    assert_eq!(store.setting("k").expect("get").as_deref(), Some("v2"));
    let tricky = "'; DROP TABLE settings;-- \"é\" 🙂\nשלום";
    store.set_setting(tricky, tricky).expect("set tricky");
    assert_eq!(store.setting(tricky).expect("get").as_deref(), Some(tricky));
    store.set_setting("empty", "").expect("set empty");
    assert_eq!(store.setting("empty").expect("get").as_deref(), Some(""));
    assert_eq!(count(&store, "SELECT count(*) FROM settings"), 3);
}

#[test]
fn settings_survive_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db.sqlite3");
    Store::open(&path)
        .expect("open")
        .set_setting("last_map_id", "3")
        .expect("set");
    assert_eq!(
        Store::open(&path)
            .expect("reopen")
            .setting("last_map_id")
            .expect("get")
            .as_deref(),
        Some("3")
    );
}

const TRICKY: [&str; 8] = [
    "'; DROP TABLE lanes;--",
    "\"",
    "Robert'); DELETE FROM maps; --",
    "emoji 🙂👩‍👩‍👧 and a flag 🇳🇿",
    "שלום עולם — مرحبا",
    "\u{202e}reversed\u{202c} text",
    "line one\nline two\r\nline three",
    "tab\tand back\\slash and %_ wildcards",
];

#[test]
fn tricky_strings_round_trip_exactly() {
    let mut store = Store::open_in_memory().expect("store");
    let long: String = "é🙂x".chars().cycle().take(200).collect();
    assert_eq!(long.chars().count(), 200);
    let mut texts: Vec<String> = TRICKY.iter().map(|s| (*s).to_owned()).collect();
    texts.push(long);
    for (i, text) in texts.iter().enumerate() {
        let mut map = small_map(text);
        map.currency = if i % 2 == 0 { "€".into() } else { "USD".into() };
        map.notes = format!("{text}\n{text}");
        map.lanes[0].id = text.clone();
        map.lanes[0].name = text.clone();
        map.lanes[0].owner = text.clone();
        map.lanes[0].notes = text.clone();
        map.steps.for_each_mut(|_, step| {
            if step.lane == "a" {
                step.lane = text.clone().into();
            }
        });
        map.steps.get_mut(1).unwrap().id = text.clone();
        map.steps.get_mut(1).unwrap().name = text.clone();
        map.steps.get_mut(1).unwrap().notes = text.clone();
        for edge in &mut map.edges {
            for end in [&mut edge.from, &mut edge.to] {
                if end == "s1" {
                    *end = text.clone();
                }
            }
        }
        assert!(
            frictionmap::domain::validate::validate(&map).is_ok(),
            "{:?}",
            frictionmap::domain::validate::validate(&map)
        );
        let id = store.create(&map).expect("create");
        assert_eq!(store.load(id).expect("load"), map, "{text:?}");
        assert_eq!(store.find_by_name(text).expect("find by name"), id);
        // The JSON file keeps them too.
        let back = parse_map(frictionmap::formats::mapfile::to_json(&map).as_bytes(), "t.json").expect("parse");
        assert_eq!(back, map);
    }
    let listed: Vec<String> = store.list().expect("list").into_iter().map(|m| m.name).collect();
    for text in &texts {
        assert!(listed.contains(text), "{text:?} missing from the list");
    }
    for table in ["maps", "lanes", "steps", "edges", "settings"] {
        let n = count(
            &store,
            &format!("SELECT count(*) FROM sqlite_master WHERE name = '{table}'"),
        );
        assert_eq!(n, 1, "table {table} still exists");
    }
}

#[test]
fn extreme_numbers_round_trip_exactly() {
    let mut store = Store::open_in_memory().expect("store");
    let mut map = small_map("extremes");
    map.rates = Rates {
        hourly_cost: 1e6,
        delay_cost_per_hour: 0.1 + 0.2,
        hours_per_fte_month: 744.0,
    };
    map.steps.get_mut(0).unwrap().volume_per_month = 1e9;
    map.steps.get_mut(0).unwrap().handle_minutes = 1e5;
    map.steps.get_mut(0).unwrap().rework_rate = 0.95;
    map.steps.get_mut(0).unwrap().approval_delay_hours = std::f64::consts::PI;
    map.steps
        .get_mut(0)
        .unwrap()
        .low
        .set(Attr::HandleMinutes, Some(f64::MIN_POSITIVE));
    map.steps.get_mut(0).unwrap().x = -1e7;
    map.steps.get_mut(0).unwrap().y = f32::MIN_POSITIVE;
    let id = store.create(&map).expect("create");
    assert_eq!(store.load(id).expect("load"), map);
}

// ------------------------------------------------------------ picks and the version-2 migration

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// `small_map` with an effort estimate, an active pick with its whole plan
/// and two reviews, and a dropped pick with no plan at all.
fn picked_map(name: &str) -> Map {
    let mut map = small_map(name);
    map.lanes[0].effort_weeks = Some(6.5);
    let ranking = rank(&map);
    let mut pick = Pick::new("pick-1", ranking.lane("a").expect("ranked"), date(2025, 1, 6));
    pick.metric.name = "Invoice cycle time".into();
    pick.metric.unit = "days".into();
    pick.metric.direction = Some(Direction::Lower);
    pick.metric.baseline_value = Some(9.5);
    pick.metric.baseline_date = Some(date(2025, 1, 3));
    pick.metric.target_value = Some(0.1 + 0.2);
    pick.exception_policy = "Over 50k: manual\nreview".into();
    pick.exception_reviewer = "Sam".into();
    pick.review_day = Some(Weekday::Thu);
    pick.reviews = vec![
        Review {
            date: date(2025, 1, 16),
            value: 9.0,
            note: "first".into(),
        },
        Review {
            date: date(2025, 1, 9),
            value: -1e12,
            note: String::new(),
        },
    ];
    let mut dropped = Pick::new("pick-2", ranking.lane("b").expect("ranked"), date(2024, 11, 1));
    dropped.close(&map, PickState::Dropped, date(2024, 12, 1), "fixed upstream");
    map.picks = vec![pick, dropped];
    assert_eq!(frictionmap::domain::validate::validate(&map), Ok(()));
    map
}

#[test]
fn picks_reviews_and_effort_round_trip() {
    let mut store = Store::open_in_memory().expect("store");
    let map = picked_map("Planned");
    let id = store.create(&map).expect("create");
    assert_eq!(store.load(id).expect("load"), map);
    assert_eq!(count(&store, "SELECT count(*) FROM picks"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 2);
    let (state, day, target_date): (String, String, String) = store
        .connection()
        .query_row(
            "SELECT state, review_day, metric_target_date FROM picks WHERE pick_id = 'pick-1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("row");
    assert_eq!(
        (state.as_str(), day.as_str(), target_date.as_str()),
        ("active", "Thu", "2025-04-06")
    );

    // Saving changes picks and reviews like everything else.
    let mut changed = map.clone();
    changed.picks[0].reviews.pop();
    changed.picks[0].state = PickState::Done;
    changed.picks[0].closed_on = Some(date(2025, 4, 1));
    changed.picks.swap(0, 1);
    changed.lanes[0].effort_weeks = None;
    changed.lanes[1].effort_weeks = Some(520.0);
    store.save(id, &changed).expect("save");
    assert_eq!(store.load(id).expect("load"), changed);
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 1);

    // Duplicating copies the plan; deleting the copy leaves the original.
    let copy = store.duplicate(id, "Planned").expect("duplicate");
    assert_eq!(store.load(copy).expect("load").picks, changed.picks);
    store.delete(copy).expect("delete");
    assert_eq!(count(&store, "SELECT count(*) FROM picks"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 1);
    assert_eq!(store.load(id).expect("load"), changed);
}

#[test]
fn removing_a_lane_removes_its_picks_and_their_reviews() {
    let mut store = Store::open_in_memory().expect("store");
    let map = picked_map("Planned");
    let id = store.create(&map).expect("create");
    let mut without_a = map.clone();
    without_a.lanes.remove(0);
    without_a.steps.retain(|s| s.lane != "a");
    without_a.edges.clear();
    without_a.picks.retain(|p| p.lane != "a");
    store.save(id, &without_a).expect("save");
    assert_eq!(store.load(id).expect("load"), without_a);
    assert_eq!(count(&store, "SELECT count(*) FROM picks"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 0);
    store.delete(id).expect("delete");
    assert_eq!(count(&store, "SELECT count(*) FROM picks"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

#[test]
fn a_save_failing_on_a_pick_of_a_missing_lane_changes_nothing() {
    let mut bad = picked_map("Original");
    bad.notes = "changed".into();
    bad.picks[1].lane = "no-such-lane".into();
    let pick = bad.picks[1].id.clone();
    let error = assert_failed_save_changes_nothing(bad).to_string();
    assert_eq!(
        error,
        format!(r#"the pick "{pick}" points at lane "no-such-lane", which the map does not have"#)
    );
}

#[test]
fn a_save_failing_on_a_duplicate_pick_id_changes_nothing() {
    let mut bad = picked_map("Original");
    bad.picks[1].id = "pick-1".into();
    assert_constraint_violation(assert_failed_save_changes_nothing(bad));
}

#[test]
fn tricky_text_in_a_plan_round_trips() {
    let mut store = Store::open_in_memory().expect("store");
    for (i, text) in TRICKY.iter().enumerate() {
        let mut map = picked_map(&format!("map {i}"));
        let pick = &mut map.picks[0];
        pick.id = (*text).to_owned();
        pick.metric.name = (*text).to_owned();
        pick.metric.unit = (*text).to_owned();
        pick.exception_policy = (*text).to_owned();
        pick.exception_reviewer = (*text).to_owned();
        pick.close_reason = (*text).to_owned();
        pick.reviews[0].note = (*text).to_owned();
        map.picks[1].owner_at_close = (*text).to_owned();
        let id = store.create(&map).expect("create");
        assert_eq!(store.load(id).expect("load"), map, "{text:?}");
    }
}

#[test]
fn a_bad_value_in_a_pick_row_is_reported_with_its_place() {
    let mut store = Store::open_in_memory().expect("store");
    let id = store.create(&picked_map("Planned")).expect("create");
    store
        .connection()
        .execute("UPDATE picks SET picked_on = '2025-02-30' WHERE pick_id = 'pick-2'", [])
        .expect("corrupt a date");
    let error = store.load(id).expect_err("refused").to_string();
    assert_eq!(
        error,
        format!(
            "map \"Planned\" (id {}) in the database has problems, so it is not used until they are fixed \
             (open it in the app to repair it):\n\
             picks[1].picked_on: the database holds \"2025-02-30\" here, which is not a date (YYYY-MM-DD)",
            id.0
        )
    );
}

/// Builds a version-1 database by hand: the version-1 schema exactly as
/// shipped, then a map inserted with plain SQL, as the previous build did.
fn version_1_db(path: &Path, wal: bool) {
    let raw = Connection::open(path).expect("raw open");
    if wal {
        let _: String = raw
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .expect("wal");
    }
    raw.execute_batch(include_str!("../src/store/schema_v1.sql"))
        .expect("schema v1");
    raw.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO maps (id, name, currency, notes, hourly_cost, delay_cost_per_hour, hours_per_fte_month, created_at, updated_at)
           VALUES (4, 'Old payables', 'EUR', 'kept notes', 61.5, 0.75, 151, 1700000000, 1700000100);
         INSERT INTO lanes (map_id, lane_id, position, name, owner, notes) VALUES
           (4, 'b', 1, 'Beta', '', ''),
           (4, 'a', 0, 'Alpha', 'Ann', 'lane notes');
         INSERT INTO steps (map_id, step_id, lane_id, position, name, notes, x, y,
             volume_per_month, volume_per_month_low, volume_per_month_high,
             handle_minutes, handle_minutes_low, handle_minutes_high,
             rework_rate, rework_rate_low, rework_rate_high,
             approval_delay_hours, approval_delay_hours_low, approval_delay_hours_high) VALUES
           (4, 's1', 'a', 0, 'First', 'n', 40.5, -12.25, 100, 80, NULL, 5.5, NULL, NULL, 0.1, NULL, 0.3, 2, NULL, 4),
           (4, 's2', 'b', 1, 'Second', '', 0, 0, 10, NULL, NULL, 30, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL);
         INSERT INTO edges (map_id, from_step, to_step, position) VALUES (4, 's1', 's2', 0);
         INSERT INTO settings (key, value) VALUES ('last_map_id', '4');",
    )
    .expect("a version-1 map");
}

/// The map `version_1_db` holds, as the current model reads it.
fn version_1_map() -> Map {
    let mut map = Map::new("Old payables");
    map.currency = "EUR".into();
    map.notes = "kept notes".into();
    map.rates = Rates {
        hourly_cost: 61.5,
        delay_cost_per_hour: 0.75,
        hours_per_fte_month: 151.0,
    };
    let mut a = Lane::new("a", "Alpha");
    a.owner = "Ann".into();
    a.notes = "lane notes".into();
    map.lanes = vec![a, Lane::new("b", "Beta")];
    let mut s1 = Step::new("s1", "a", "First");
    s1.notes = "n".into();
    s1.x = 40.5;
    s1.y = -12.25;
    s1.volume_per_month = 100.0;
    s1.low.set(Attr::VolumePerMonth, Some(80.0));
    s1.handle_minutes = 5.5;
    s1.rework_rate = 0.1;
    s1.high.set(Attr::ReworkRate, Some(0.3));
    s1.approval_delay_hours = 2.0;
    s1.high.set(Attr::ApprovalDelayHours, Some(4.0));
    let mut s2 = Step::new("s2", "b", "Second");
    s2.volume_per_month = 10.0;
    s2.handle_minutes = 30.0;
    map.steps = vec![s1, s2].into();
    map.edges = vec![Edge {
        from: "s1".into(),
        to: "s2".into(),
    }];
    map
}

fn assert_version_1_upgrades(wal: bool) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v1.sqlite3");
    version_1_db(&path, wal);
    let mut store = Store::open(&path).expect("open upgrades");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);

    // The file as it was before the upgrade is kept as a backup.
    let backups = frictionmap::store::backup::list(&path);
    assert_eq!(backups.len(), 1, "one backup before the migration");
    assert_eq!(backups[0].reason, frictionmap::store::backup::Reason::BeforeMigration);
    let old = Connection::open(&backups[0].path).expect("open the backup");
    let old_version: i64 = old.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(old_version, 1, "the backup is the version-1 file");
    let old_name: String = old
        .query_row("SELECT name FROM maps WHERE id = 4", [], |r| r.get(0))
        .expect("the map is in the backup");
    assert_eq!(old_name, "Old payables");
    let list = store.list().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].lanes, list[0].steps), (MapId(4), 2, 2));
    assert_eq!(list[0].updated_at, 1_700_000_100, "the upgrade itself saves no map");
    assert_eq!(store.load(MapId(4)).expect("load"), version_1_map());
    assert_eq!(store.setting("last_map_id").expect("setting").as_deref(), Some("4"));
    assert_eq!(count(&store, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_eq!(
        store
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0))
            .expect("integrity"),
        "ok"
    );
    // Version 3 rebuilt steps and edges without the indexes their foreign
    // keys into lanes and steps needed.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM sqlite_master WHERE name IN ('steps_lane', 'edges_to', 'steps_v3', 'edges_v3')"
        ),
        0
    );

    // The upgraded file takes a plan, and keeps it across reopening.
    let mut planned = version_1_map();
    planned.lanes[1].effort_weeks = Some(3.0);
    let ranking = rank(&planned);
    planned.picks = vec![Pick::new(
        "pick-1",
        ranking.lane("a").expect("ranked"),
        date(2025, 3, 3),
    )];
    store.save(MapId(4), &planned).expect("save a plan");
    drop(store);
    let store = Store::open(&path).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(store.load(MapId(4)).expect("load"), planned);
}

#[test]
fn a_version_1_database_upgrades_in_place_with_its_maps_intact() {
    assert_version_1_upgrades(false);
}

#[test]
fn a_version_1_wal_database_upgrades_in_place_with_its_maps_intact() {
    assert_version_1_upgrades(true);
}

#[test]
fn a_failing_upgrade_leaves_the_version_1_file_as_it_was() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v1.sqlite3");
    version_1_db(&path, true);
    // A table in the way makes the version-2 migration fail half-way.
    let raw = Connection::open(&path).expect("raw open");
    raw.execute_batch("CREATE TABLE reviews (x INTEGER); INSERT INTO reviews VALUES (1);")
        .expect("an obstacle");
    drop(raw);
    let error = Store::open(&path).err().expect("the upgrade fails");
    assert!(matches!(error, StoreError::Sql(_)), "{error}");
    let raw = Connection::open(&path).expect("raw open");
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("user_version");
    assert_eq!(version, 1);
    let has = |sql: &str| raw.query_row(sql, [], |r| r.get::<_, i64>(0)).expect("query");
    assert_eq!(
        has("SELECT count(*) FROM sqlite_master WHERE name = 'picks'"),
        0,
        "the migration's first statements were rolled back"
    );
    assert_eq!(
        has("SELECT count(*) FROM pragma_table_info('lanes') WHERE name = 'effort_weeks'"),
        0
    );
    assert_eq!(has("SELECT count(*) FROM lanes WHERE map_id = 4"), 2);
    assert_eq!(has("SELECT x FROM reviews"), 1);
    drop(raw);

    // Once the obstacle is gone the upgrade goes through.
    Connection::open(&path)
        .expect("raw open")
        .execute_batch("DROP TABLE reviews;")
        .expect("drop");
    let store = Store::open(&path).expect("open upgrades");
    assert_eq!(store.load(MapId(4)).expect("load"), version_1_map());
}

// ------------------------------------------- rows edited with other tools

/// Runs SQL as another tool would: on its own connection, foreign keys off.
fn shell(db: &Path, sql: &str) {
    let conn = Connection::open(db).expect("open as another tool");
    // The sqlite3 shell's default; this build of SQLite defaults to on.
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(sql).expect(sql);
}

/// A database file holding `small_map("Edited")` as map 1.
fn edited_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("fm.sqlite3");
    let mut store = Store::open(&db).expect("store");
    assert_eq!(store.create(&small_map("Edited")).expect("create"), MapId(1));
    db
}

#[test]
fn values_edited_outside_the_app_are_problems_by_field_never_figures() {
    // See issue: rework 1e308 and ±Inf gave "USD inf" and "NaN%" with exit 0.
    let cases = [
        ("rework_rate = 1.0", "steps[0].rework_rate: 1 is above the maximum 0.95"),
        (
            "rework_rate = -500",
            "steps[0].rework_rate: -500 is below the minimum 0",
        ),
        (
            "volume_per_month = 1e308",
            "steps[0].volume_per_month: 1e308 is above the maximum 1000000000",
        ),
        (
            "handle_minutes = 9e999",
            "steps[0].handle_minutes: inf is not a finite number",
        ),
        (
            "handle_minutes = -9e999",
            "steps[0].handle_minutes: -inf is not a finite number",
        ),
        (
            "handle_minutes = 'NaN'",
            "steps[0].handle_minutes: the database holds the text \"NaN\" here, not a number",
        ),
        (
            "approval_delay_hours = X'00FF'",
            "steps[0].approval_delay_hours: the database holds 2 bytes of binary data here, not a number",
        ),
        (
            "name = char(27) || 'x'",
            "steps[0].name: contains the control character U+001B at character 1",
        ),
    ];
    for (set, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let db = edited_db(dir.path());
        shell(&db, &format!("UPDATE steps SET {set} WHERE step_id = 's2'"));
        let store = Store::open(&db).expect("opens");
        let loaded = store.load_checked(MapId(1)).expect("read");
        let problems: Vec<String> = loaded.problems.0.iter().map(|p| p.to_string()).collect();
        assert_eq!(problems, [expected], "{set}");
        let error = store.load(MapId(1)).expect_err(set).to_string();
        assert!(
            error.contains("has problems, so it is not used") && error.contains(expected),
            "{error}"
        );
    }
}

#[test]
fn a_lane_deleted_outside_the_app_keeps_its_steps_as_problems() {
    // See issue: the lane's steps silently dropped out of the total.
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    shell(&db, "DELETE FROM lanes WHERE lane_id = 'a'");
    let loaded = Store::open(&db).unwrap().load_checked(MapId(1)).unwrap();
    assert_eq!(loaded.map.steps.len(), 3, "no step is dropped");
    let problems: Vec<String> = loaded.problems.0.iter().map(|p| p.to_string()).collect();
    assert!(
        problems.contains(&"steps[1].lane: no lane has the id \"a\"".to_owned()),
        "{problems:?}"
    );
}

#[test]
fn a_bad_name_never_hides_the_other_maps() {
    // See issue: invalid UTF-8 in one map's name made `list` fail.
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    Store::open(&db).unwrap().create(&small_map("Second")).unwrap();
    shell(
        &db,
        "UPDATE maps SET name = CAST(X'4F6BFF' AS TEXT) WHERE id = 1;
         UPDATE lanes SET name = replace(zeroblob(5000000), X'00', 'w') WHERE map_id = 2 AND lane_id = 'a';",
    );
    let store = Store::open(&db).unwrap();
    let names: Vec<String> = store.list().unwrap().into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["Ok?", "Second"]);
    let first = store.load_checked(MapId(1)).unwrap();
    assert!(
        first.is_valid(),
        "the name is read as shown and stored so on the next save"
    );
    assert_eq!(first.notes[0].path, "name");
    let second = store.load_checked(MapId(2)).unwrap();
    assert_eq!(
        second.map.lanes[0].name.chars().count(),
        20_001,
        "megabytes of one name are not read"
    );
    assert!(
        second.problems.0[0]
            .to_string()
            .starts_with("lanes[0].name: is 5000000 characters long")
    );
}

#[test]
fn rows_of_a_map_deleted_outside_the_app_are_recovered_never_taken_over() {
    // See issue: the next new map took over the rows, and importing the
    // deleted map again failed with "UNIQUE constraint failed".
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    shell(&db, "DELETE FROM maps WHERE id = 1");
    let mut store = Store::open(&db).unwrap();
    let orphans = store.orphans().unwrap();
    assert_eq!(orphans.len(), 1);
    assert_eq!(orphans[0].describe(), "2 lanes, 3 steps, 2 edges");
    let new = store.create(&small_map("Edited")).expect("the same map again");
    assert_eq!(new, MapId(2), "ids are never reused");
    assert_eq!(store.load(new).unwrap(), small_map("Edited"));
    let recovered = store.recover_orphans().unwrap();
    assert_eq!(recovered[0].1, "Recovered map 1");
    let summary = store.list().unwrap();
    let back = summary.iter().find(|m| m.id == MapId(1)).expect("map 1 is back");
    assert_eq!((back.lanes, back.steps), (2, 3));
    let mut expected = small_map("Recovered map 1");
    let map = store.load(MapId(1)).expect("valid");
    expected.currency = map.currency.clone();
    expected.notes = map.notes.clone();
    expected.rates = map.rates;
    assert_eq!(map, expected, "every row is kept");
    assert!(store.orphans().unwrap().is_empty());
    // Deleted in the app, an id is not given out again either.
    store.delete(new).unwrap();
    assert_eq!(store.create(&small_map("Third")).unwrap(), MapId(3));
}

#[test]
fn the_version_4_upgrade_keeps_maps_and_starts_ids_above_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    // Back to version 3 as it was shipped: no sequence for map ids.
    shell(
        &db,
        "CREATE TABLE maps_v3 AS SELECT * FROM maps; DROP TABLE maps; ALTER TABLE maps_v3 RENAME TO maps;
         DELETE FROM maps WHERE id = 1; ALTER TABLE steps DROP COLUMN evidence; PRAGMA user_version = 3;",
    );
    let mut store = Store::open(&db).expect("migrates");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(
        count(&store, "SELECT count(*) FROM steps"),
        3,
        "no row lost to a cascade"
    );
    assert_eq!(
        store.create(&small_map("New")).unwrap(),
        MapId(2),
        "not the id the rows name"
    );
}

#[test]
fn a_schema_changed_outside_the_app_is_refused_and_left_untouched() {
    for (sql, words) in [
        (
            "PRAGMA user_version = 0",
            "its schema version (PRAGMA user_version) is 0",
        ),
        ("DROP TABLE reviews", "the table reviews is missing"),
        (
            "ALTER TABLE steps DROP COLUMN notes",
            "the column notes of the table steps is missing",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let db = edited_db(dir.path());
        shell(&db, sql);
        shell(&db, "PRAGMA wal_checkpoint(TRUNCATE)");
        let before = files_in(dir.path());
        let error = Store::open(&db).err().expect(sql).to_string();
        assert!(
            error.contains("cannot be used as it is") && error.contains(words),
            "{error}"
        );
        assert_eq!(files_in(dir.path()), before, "{sql}: left untouched");
    }
}

/// A database written before one owner per lane holds the plan's owner in
/// the active pick's row. Loading it makes that the lane's owner with a
/// note; the next save stores the merged lane and the former owner in its
/// notes, so nothing is lost.
#[test]
fn a_plan_owner_stored_in_an_active_pick_becomes_the_lane_owner() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("fm.sqlite3");
    let map = picked_map("Owners");
    let id = Store::open(&path).expect("open").create(&map).expect("create");
    let raw = Connection::open(&path).expect("raw open");
    raw.execute_batch("UPDATE picks SET owner = 'Dana Ruiz' WHERE state = 'active'")
        .expect("the old form");
    drop(raw);

    let mut store = Store::open(&path).expect("reopen");
    let loaded = store.load_checked(id).expect("load");
    assert!(loaded.is_valid(), "{:?}", loaded.problems);
    let lane = loaded.map.lane("a").expect("lane a");
    assert_eq!(lane.owner, "Dana Ruiz");
    assert!(
        lane.notes
            .ends_with("Lane owner before the plan's owner became the lane's: Ann"),
        "{:?}",
        lane.notes
    );
    assert_eq!(loaded.notes.len(), 1, "{:?}", loaded.notes);
    assert_eq!(loaded.notes[0].path, "picks[0].owner");

    let mut cache = frictionmap::store::SaveCache::default();
    store.save_changes(&mut cache, id, loaded.map.clone()).expect("save");
    drop(store);
    let raw = Connection::open(&path).expect("raw open");
    let stored: (String, String, String) = raw
        .query_row(
            "SELECT l.owner, l.notes, p.owner FROM lanes l JOIN picks p USING (map_id, lane_id)
             WHERE p.state = 'active'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("rows");
    assert_eq!((stored.0.as_str(), stored.2.as_str()), ("Dana Ruiz", ""));
    assert!(stored.1.contains("Ann"), "{stored:?}");
    let store = Store::open(&path).expect("reopen");
    let again = store.load_checked(id).expect("load");
    assert!(again.notes.is_empty(), "{:?}", again.notes);
    assert_eq!(again.map, loaded.map);
}

// ------------------------------------------------------------ evidence

fn measured(map: &mut Map) {
    let mut step = map.steps.get_mut(0).unwrap();
    step.approval_delay_hours = 35.9;
    // As a file map carries it.
    let evidence = serde_json::json!({
        "source": "claims.xes",
        "from": "2010-10-01",
        "to": "2011-01-31",
        "cases": 1434,
        "executions": 1500,
        "approval_delay_hours": {"value": 35.9, "p25": 12.0, "p75": 70.1, "n": 1433}
    });
    step.evidence = Some(Box::new(serde_json::from_value(evidence).expect("evidence")));
}

#[test]
fn a_steps_evidence_is_stored_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("fm.sqlite3")).unwrap();
    let mut map = small_map("Measured");
    measured(&mut map);
    let id = store.create(&map).unwrap();
    assert_eq!(store.load(id).unwrap(), map);
    // Saved again without evidence, it is gone; with it, it is back.
    let mut typed = map.clone();
    typed.steps.get_mut(0).unwrap().evidence = None;
    store.save(id, &typed).unwrap();
    assert_eq!(store.load(id).unwrap(), typed);
    store.save(id, &map).unwrap();
    assert_eq!(store.load(id).unwrap(), map);
}

#[test]
fn a_version_4_database_gains_evidence_and_keeps_its_maps() {
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    shell(
        &db,
        "ALTER TABLE steps DROP COLUMN evidence; ALTER TABLE maps DROP COLUMN sim_draws; \
         ALTER TABLE maps DROP COLUMN sim_seed; PRAGMA user_version = 4;",
    );
    let store = Store::open(&db).expect("migrates");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(store.load(MapId(1)).unwrap(), small_map("Edited"));
}

#[test]
fn a_version_5_database_gains_the_simulations_draws_and_seed() {
    let dir = tempfile::tempdir().unwrap();
    let db = edited_db(dir.path());
    shell(
        &db,
        "ALTER TABLE maps DROP COLUMN sim_draws; ALTER TABLE maps DROP COLUMN sim_seed; PRAGMA user_version = 5;",
    );
    let mut store = Store::open(&db).expect("migrates");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let mut map = store.load(MapId(1)).unwrap();
    assert_eq!(map.simulation, Simulation::default());
    // A seed beyond SQLite's signed integers and other draws are kept.
    map.simulation = Simulation {
        draws: 2_500,
        seed: u64::MAX - 5,
    };
    store.save(MapId(1), &map).unwrap();
    assert_eq!(store.load(MapId(1)).unwrap().simulation, map.simulation);
    let copy = store.create(&Map {
        name: "Copy".into(),
        ..map.clone()
    });
    assert_eq!(store.load(copy.unwrap()).unwrap().simulation, map.simulation);
    // Draws another tool set out of range are read as the default, and
    // said; the map stays usable.
    drop(store);
    shell(&db, "UPDATE maps SET sim_draws = -3 WHERE id = 1;");
    let loaded = Store::open(&db).unwrap().load_checked(MapId(1)).unwrap();
    assert!(loaded.problems.0.is_empty(), "{:?}", loaded.problems);
    assert_eq!(loaded.map.simulation.draws, Simulation::DEFAULT_DRAWS);
    assert!(
        loaded
            .notes
            .iter()
            .any(|n| n.path == "simulation.draws" && n.message.contains("-3")),
        "{:?}",
        loaded.notes
    );
}

#[test]
fn evidence_another_tool_garbled_is_left_out_and_said_the_figures_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut map = small_map("Measured");
    measured(&mut map);
    let id = Store::open(&db).unwrap().create(&map).unwrap();
    shell(
        &db,
        "UPDATE steps SET evidence = '{\"source\": 42' WHERE evidence IS NOT NULL;",
    );
    let loaded = Store::open(&db).unwrap().load_checked(id).unwrap();
    assert!(loaded.is_valid(), "{:?}", loaded.problems);
    assert_eq!(loaded.map.steps[0].approval_delay_hours, 35.9);
    assert!(loaded.map.steps[0].evidence.is_none());
    let said: Vec<String> = loaded.notes.iter().map(|n| n.to_string()).collect();
    assert!(
        said.iter()
            .any(|n| n.contains("steps[0].evidence") && n.contains("left out")),
        "{said:?}"
    );
}
