//! Crash during save: a child process saves two maps in a loop, and the
//! test kills it with SIGKILL at random moments. After every kill the
//! database must pass `PRAGMA integrity_check`, each map must be wholly one
//! version (never a mix of an old and a new save), and no save the child
//! reported as committed may be lost.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use frictionmap::domain::model::{Lane, Map, Step};
use frictionmap::store::{MapId, Store};

/// Set in the child: the database it saves into.
const CHILD_DB_ENV: &str = "FRICTIONMAP_CRASH_CHILD_DB";
const MAP_NAMES: [&str; 2] = ["Crash test A", "Crash test B"];
const KILLS: usize = 25;

/// Version `v` of a map: every step's volume is `v`, the notes say `v`, and
/// the number of steps depends on `v`, so a half-written save shows.
fn version(name: &str, v: u64) -> Map {
    let mut map = Map::new(name);
    map.notes = format!("version {v}");
    for l in 0..4 {
        map.lanes.push(Lane::new(format!("lane-{l}"), format!("Lane {l}")));
    }
    for i in 0..step_count(v) {
        let mut step = Step::new(format!("s{i}"), format!("lane-{}", i % 4), format!("Step {i}"));
        step.volume_per_month = v as f64;
        map.steps.push(step);
    }
    map
}

fn step_count(v: u64) -> usize {
    400 + (v % 97) as usize
}

/// The child's body: not a test of its own. The parent runs this binary
/// with `--ignored --exact` and this test's name and the database path in
/// the environment.
#[test]
#[ignore = "entry point of the child process that the crash test kills"]
fn child_saves_in_a_loop() {
    let Some(db) = std::env::var_os(CHILD_DB_ENV) else {
        return;
    };
    let mut store = Store::open(Path::new(&db)).expect("child opens the database");
    let ids: Vec<MapId> = MAP_NAMES
        .iter()
        .map(|name| {
            store
                .find_by_name(name)
                .or_else(|_| store.create(&version(name, 0)))
                .expect("child creates the map")
        })
        .collect();
    let start = current_version(&store, ids[0]).max(current_version(&store, ids[1]));
    for v in start + 1.. {
        for (id, name) in ids.iter().zip(MAP_NAMES) {
            store.save(*id, &version(name, v)).expect("child saves");
        }
        // Both maps are committed at version v.
        println!("{v}");
    }
}

fn current_version(store: &Store, id: MapId) -> u64 {
    let map = store.load(id).expect("load");
    map.notes
        .strip_prefix("version ")
        .and_then(|v| v.parse().ok())
        .expect("notes hold the version")
}

/// A small deterministic generator for the kill delays.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The child test's name as the test harness knows it: its path within the
/// test binary, which is this module's path without the crate.
fn child_test_name() -> String {
    match module_path!().split_once("::") {
        Some((_, module)) => format!("{module}::child_saves_in_a_loop"),
        None => "child_saves_in_a_loop".to_owned(),
    }
}

#[test]
fn crash_during_save_never_corrupts_or_mixes_versions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("crash.sqlite3");
    let mut random = 0x2545_f491_4f6c_dd1d_u64;
    let mut committed_before = 0;
    let mut survived = 0;
    let mut mid_run_kills = 0;
    for kill in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--ignored",
                "--exact",
                &child_test_name(),
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DB_ENV, &db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the child");
        let reported = Arc::new(AtomicU64::new(0));
        let reader = {
            let reported = Arc::clone(&reported);
            let stdout = child.stdout.take().expect("child stdout");
            std::thread::spawn(move || {
                for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                    if let Ok(v) = line.trim().parse::<u64>() {
                        reported.store(v, Ordering::SeqCst);
                    }
                }
            })
        };
        let delay = 40 + next_random(&mut random) % 260;
        std::thread::sleep(Duration::from_millis(delay));
        // SIGKILL: no destructors, no flush, no chance to finish the write.
        child.kill().expect("kill the child");
        child.wait().expect("reap the child");
        reader.join().expect("reader thread");
        let committed = reported.load(Ordering::SeqCst);
        if committed > committed_before {
            mid_run_kills += 1;
        }

        let store = Store::open(&db).unwrap_or_else(|e| panic!("kill {kill}: the database does not open: {e}"));
        let check: String = store
            .connection()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("integrity check runs");
        assert_eq!(check, "ok", "kill {kill}: integrity_check");
        let mut versions = Vec::new();
        for name in MAP_NAMES {
            let Ok(id) = store.find_by_name(name) else {
                assert_eq!(committed, 0, "kill {kill}: {name} is missing after committed saves");
                continue;
            };
            let map = store.load(id).expect("load");
            let v = current_version(&store, id);
            assert_eq!(
                map.steps.len(),
                step_count(v),
                "kill {kill}: {name} has a mixed step count"
            );
            assert!(
                map.steps.iter().all(|s| s.volume_per_month == v as f64),
                "kill {kill}: {name} mixes versions: notes say {v}"
            );
            assert!(
                v >= committed,
                "kill {kill}: {name} is at version {v} but version {committed} was reported committed"
            );
            versions.push(v);
        }
        committed_before = committed.max(committed_before);
        survived += 1;
        println!("kill {kill}: after {delay} ms, committed {committed}, found versions {versions:?}: intact");
    }
    println!("survived {survived} of {KILLS} SIGKILLs during saves");
    assert_eq!(survived, KILLS);
    // The kills must have landed while the child was saving, not before it
    // started: most runs must have made progress.
    assert!(
        mid_run_kills >= KILLS / 2,
        "only {mid_run_kills} of {KILLS} kills came after the child had saved something"
    );
}
