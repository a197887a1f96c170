//! Backups and recovery below the window: taking, checking, pruning and
//! restoring backups; how damaged, empty and newer database files are
//! recognised; the command line's backup commands and its lock; a full
//! disk and a read-only file system.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use frictionmap::app::autobackup::AutoBackup;
use frictionmap::domain::model::Map;
use frictionmap::store::backup::{self, Backup, Reason, Replaced};
use frictionmap::store::instance::InstanceLock;
use frictionmap::store::seed::seed_if_empty;
use frictionmap::store::{MapId, Store, StoreError};

use crate::common;
use common::disk::SmallDisk;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn seeded(db: &Path) -> Store {
    let mut store = Store::open(db).expect("open");
    seed_if_empty(&mut store).expect("seed");
    store
}

/// Every map in the store, by name.
fn all_maps(store: &Store) -> BTreeMap<String, Map> {
    store
        .list()
        .expect("list")
        .into_iter()
        .map(|m| (m.name.clone(), store.load(m.id).expect("load")))
        .collect()
}

fn integrity(path: &Path) -> String {
    let conn = rusqlite::Connection::open(path).expect("open raw");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check")
}

#[test]
fn a_backup_passes_integrity_check_and_restores_to_identical_maps() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("fm.sqlite3");
    let mut store = seeded(&db);
    let before = all_maps(&store);
    let taken = backup::take(&store, Reason::Manual).expect("backup");
    assert_eq!(taken.path.parent(), Some(backup::folder(&db).as_path()));
    assert_eq!(integrity(&taken.path), "ok");
    assert_eq!(backup::verify(&taken.path).expect("verify"), before.len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&taken.path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a backup is private like the database");
    }

    // Change everything after the backup: edit one map, delete another.
    let ids: Vec<MapId> = store.list().unwrap().iter().map(|m| m.id).collect();
    let mut changed = store.load(ids[0]).unwrap();
    changed.notes = "edited after the backup".into();
    changed.steps.truncate(3);
    changed.edges.clear();
    store.save(ids[0], &changed).unwrap();
    store.delete(ids[1]).unwrap();
    drop(store);

    let replaced = backup::restore(&taken.path, &db).expect("restore");
    let Replaced::BackedUp(previous) = replaced else {
        panic!("a healthy database is backed up before it is replaced, got {replaced:?}")
    };
    let restored = Store::open(&db).unwrap();
    assert_eq!(all_maps(&restored), before, "the restore brings back every map exactly");
    // The replaced state is itself restorable.
    let previous_maps = {
        let s = Store::open(&previous).unwrap();
        all_maps(&s)
    };
    assert_eq!(previous_maps.len(), before.len() - 1);
    assert!(previous_maps.values().any(|m| m.notes == "edited after the backup"));
}

#[test]
fn a_damaged_database_is_moved_aside_on_restore_never_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let store = seeded(&db);
    let good = backup::take(&store, Reason::Manual).unwrap();
    drop(store);
    let garbage = b"this is not a database, but it is somebody's file".repeat(100);
    std::fs::write(&db, &garbage).unwrap();
    let replaced = backup::restore(&good.path, &db).expect("restore over a damaged file");
    let Replaced::MovedAside(aside) = replaced else {
        panic!("expected the damaged file moved aside, got {replaced:?}")
    };
    assert!(aside.file_name().unwrap().to_string_lossy().contains(".corrupt-"));
    assert_eq!(
        std::fs::read(&aside).unwrap(),
        garbage,
        "the damaged file is kept byte for byte"
    );
    assert_eq!(Store::open(&db).unwrap().list().unwrap().len(), 4);
}

#[test]
fn a_backup_that_fails_its_check_is_not_restored_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    drop(seeded(&db));
    let before = std::fs::read(&db).unwrap();
    let bad = dir.path().join("bad.sqlite3");
    std::fs::write(&bad, b"SQLite format 3\0 but then nothing useful").unwrap();
    let error = backup::restore(&bad, &db).expect_err("a bad backup is refused");
    assert!(error.is_damage(), "{error}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(backup::list(&db).is_empty(), "nothing was backed up or replaced");
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

fn fake(taken_at: NaiveDateTime) -> Backup {
    Backup {
        path: PathBuf::from(format!("{taken_at}")),
        taken_at,
        reason: Reason::Periodic,
        bytes: 1,
    }
}

#[test]
fn retention_keeps_the_last_ten_and_one_a_day_for_a_week() {
    // Newest first: 20 backups today, 30 minutes apart, then one backup at
    // 09:00 and one at 17:00 on each of the 12 days before.
    let now = at("2026-11-22 23:00");
    let mut backups: Vec<Backup> = (0..20).map(|i| fake(now - chrono::Duration::minutes(30 * i))).collect();
    for day in 1..=12 {
        let date = now - chrono::Duration::days(day);
        backups.push(fake(date.date().and_hms_opt(17, 0, 0).unwrap()));
        backups.push(fake(date.date().and_hms_opt(9, 0, 0).unwrap()));
    }
    let keep = backup::retained(&backups, now);
    let kept: Vec<NaiveDateTime> = backups
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(b, _)| b.taken_at)
        .collect();
    // The 10 newest, all from today; then 17:00 on each of the 6 days before.
    assert_eq!(kept.len(), 16, "{kept:?}");
    assert!(kept[..10].iter().all(|t| t.date() == now.date()));
    for day in 1..=6 {
        let expected = (now - chrono::Duration::days(day))
            .date()
            .and_hms_opt(17, 0, 0)
            .unwrap();
        assert!(kept.contains(&expected), "the newest backup of {day} days ago is kept");
        let morning = expected.date().and_hms_opt(9, 0, 0).unwrap();
        assert!(!kept.contains(&morning), "an older one of the same day is not");
    }
    assert!(
        kept.iter().all(|t| *t >= at("2026-11-16 00:00")),
        "nothing older than a week"
    );
}

#[test]
fn pruning_deletes_only_what_the_policy_drops_and_only_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let store = seeded(&db);
    for _ in 0..14 {
        backup::take(&store, Reason::Periodic).unwrap();
        std::thread::sleep(Duration::from_millis(2));
    }
    let stranger = backup::folder(&db).join("notes.txt");
    std::fs::write(&stranger, "mine").unwrap();
    // All 14 are from today: the newest 10 stay.
    assert_eq!(backup::list(&db).len(), 10);
    assert!(stranger.exists(), "files that are not backups are never touched");
}

#[test]
fn the_backup_thread_backs_up_at_start_then_only_after_edits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    drop(seeded(&db));
    let period = Duration::from_millis(300);
    let wait_for = |count: usize| {
        let start = Instant::now();
        while backup::list(&db).len() < count {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no backup {count} after 20 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let thread = AutoBackup::start(db.clone(), period);
    wait_for(1);
    assert_eq!(backup::list(&db)[0].reason, Reason::Start);
    // No edits: no more backups, however long we wait.
    std::thread::sleep(period * 3);
    assert_eq!(backup::list(&db).len(), 1);
    thread.note_edit();
    wait_for(2);
    assert_eq!(backup::list(&db)[0].reason, Reason::Periodic);
    assert!(matches!(thread.last(), Some(Ok(_))));
    drop(thread);

    // A restart with nothing changed since the newest backup takes none.
    let again = AutoBackup::start(db.clone(), period);
    std::thread::sleep(period);
    drop(again);
    assert_eq!(backup::list(&db).len(), 2);
}

#[test]
fn damaged_empty_and_newer_files_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.sqlite3");
    drop(seeded(&good));
    let good_bytes = std::fs::read(&good).unwrap();

    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "garbage",
            b"PK\x03\x04 a zip file, not a database".repeat(200),
            "not a database",
        ),
        ("truncated", good_bytes[..good_bytes.len() / 2].to_vec(), "malformed"),
        ("empty", Vec::new(), "empty (0 bytes)"),
    ];
    for (name, bytes, words) in cases {
        let path = dir.path().join(format!("{name}.sqlite3"));
        std::fs::write(&path, &bytes).unwrap();
        match Store::open(&path) {
            Err(e @ StoreError::Damaged { .. }) => {
                assert!(e.to_string().contains(words), "{name}: {e}");
                assert!(e.to_string().contains(&path.display().to_string()), "{name}: {e}");
            }
            Err(other) => panic!("{name}: expected Damaged, got {other}"),
            Ok(_) => panic!("{name}: a damaged file opened"),
        }
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{name}: nothing was written to it"
        );
    }

    let newer = dir.path().join("newer.sqlite3");
    std::fs::write(&newer, &good_bytes).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 42")
        .unwrap();
    let newer_bytes = std::fs::read(&newer).unwrap();
    let error = Store::open(&newer).err().expect("a newer file is refused");
    assert!(matches!(error, StoreError::TooNew { found: 42, .. }), "{error}");
    assert!(!error.is_damage());
    assert_eq!(std::fs::read(&newer).unwrap(), newer_bytes);
}

fn cli(db: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("FRICTIONMAP_DB").arg("--db").arg(db);
    cmd
}

#[test]
fn the_command_line_lists_takes_and_restores_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let out = cli(&db).arg("backups").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No backups yet"));
    let out = cli(&db).arg("backup").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let listed = String::from_utf8_lossy(&cli(&db).arg("backups").output().unwrap().stdout).into_owned();
    assert!(listed.contains("  1  ") && listed.contains("on request"), "{listed}");

    std::fs::write(&db, b"scribbled over").unwrap();
    let out = cli(&db).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("damaged") && err.contains("restore --latest"), "{err}");

    let out = cli(&db).args(["restore", "--latest"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("moved aside"));
    let listed = String::from_utf8_lossy(&cli(&db).arg("list").output().unwrap().stdout).into_owned();
    assert_eq!(listed.lines().count(), 4, "the samples are back: {listed}");

    let out = cli(&db).args(["restore", "9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no backup number 9"));
}

#[test]
fn a_writing_command_refuses_a_database_open_in_a_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    drop(seeded(&db));
    let map = dir.path().join("map.json");
    std::fs::write(&map, frictionmap::formats::mapfile::to_json(&Map::new("From outside"))).unwrap();
    let before = std::fs::read(&db).unwrap();

    let window = InstanceLock::acquire(&db).expect("the window's lock");
    for args in [vec!["import", map.to_str().unwrap()], vec!["restore", "--latest"]] {
        let out = cli(&db).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("already open in another Friction Map window"),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?} changed the database");
    }
    // Reading is fine while the window is open.
    assert!(cli(&db).arg("list").output().unwrap().status.success());
    drop(window);
    assert!(cli(&db).arg("import").arg(&map).output().unwrap().status.success());
}

/// `map` with about `chars` more characters of notes, in steps added to
/// its first lane, so the map stays valid.
fn grown(map: &frictionmap::domain::model::Map, chars: usize) -> frictionmap::domain::model::Map {
    let mut big = map.clone();
    for i in 0..chars.div_ceil(20_000) {
        let mut step = frictionmap::domain::model::Step::new(format!("filler-{i}"), map.lanes[0].id.as_str(), "Filler");
        step.notes = "x".repeat(20_000);
        big.steps.push(step);
    }
    big
}

#[test]
fn a_full_database_fails_the_save_keeps_the_old_version_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut store = seeded(&db);
    let id = store.list().unwrap()[0].id;
    let old = store.load(id).unwrap();
    let pages: i64 = store
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // Room for nothing more: the next growing write hits the limit.
    store.connection().pragma_update(None, "max_page_count", pages).unwrap();
    let big = grown(&old, 400_000);
    let error = store.save(id, &big).expect_err("the save cannot fit");
    assert!(error.to_string().contains("the disk is full"), "{error}");
    assert_eq!(store.load(id).unwrap(), old, "the saved version is intact");
    assert_eq!(integrity(&db), "ok");

    store
        .connection()
        .pragma_update(None, "max_page_count", 1_000_000_000)
        .unwrap();
    store.save(id, &big).expect("the same save succeeds once there is room");
    assert_eq!(store.load(id).unwrap(), big);
}

#[test]
fn a_full_disk_fails_the_save_clearly_and_the_save_succeeds_when_space_returns() {
    let Some(disk) = SmallDisk::mount("2m") else { return };
    let db = disk.path().join("fm.sqlite3");
    let mut store = seeded(&db);
    let id = store.list().unwrap()[0].id;
    let old = store.load(id).unwrap();
    // Fill the disk with somebody else's file.
    let filler = disk.fill();
    let big = grown(&old, 600_000);
    let error = store.save(id, &big).expect_err("no room on the disk");
    let message = error.to_string();
    println!("full disk: {message}");
    assert!(
        message.contains("disk is full") || message.contains("disk could not be written"),
        "{message}"
    );
    drop(store);
    std::fs::remove_file(&filler).unwrap();
    let mut store = Store::open(&db).expect("reopens once there is room");
    assert_eq!(store.load(id).unwrap(), old, "the saved version survived the full disk");
    assert_eq!(integrity(&db), "ok");
    store.save(id, &big).expect("saves once space returns");
    assert_eq!(store.load(id).unwrap(), big);
}

#[test]
fn a_read_only_file_system_fails_the_save_clearly_and_recovers_when_writable() {
    // chmod does not stop root, so the file system itself is made read-only.
    let Some(disk) = SmallDisk::mount("8m") else { return };
    let db = disk.path().join("fm.sqlite3");
    let store = seeded(&db);
    let id = store.list().unwrap()[0].id;
    let old = store.load(id).unwrap();
    drop(store);
    disk.remount("ro");
    let mut edited = old.clone();
    edited.notes = "written after the disk came back".into();
    let outcome = Store::open(&db).and_then(|mut s| s.save(id, &edited));
    let error = outcome.expect_err("a read-only disk refuses the save");
    let message = error.to_string();
    println!("read-only disk: {message}");
    assert!(
        message.to_lowercase().contains("read-only"),
        "the reason names the problem: {message}"
    );
    disk.remount("rw");
    let mut store = Store::open(&db).expect("opens when writable again");
    assert_eq!(store.load(id).unwrap(), old);
    store.save(id, &edited).expect("saves when writable again");
    assert_eq!(store.load(id).unwrap().notes, edited.notes);
}
