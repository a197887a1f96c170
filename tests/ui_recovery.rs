//! The window meets a damaged, empty, truncated or newer database, a second
//! window on the same database, and a restore from backup, as a person
//! would: it says what it found, keeps every byte of the bad file, and
//! offers the way out.

use crate::common;

use std::path::{Path, PathBuf};

use common::{app, rename_map, ws, ws_mut};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::FrictionApp;
use frictionmap::store::Store;
use frictionmap::store::backup::{self, Reason};
use frictionmap::store::seed::seed_if_empty;
use frictionmap::ui::recovery::StartupProblem;

/// A database with the samples and one backup, the newest good one.
fn database_with_a_backup(dir: &Path) -> (PathBuf, Vec<u8>) {
    let db = dir.join("data").join("fm.sqlite3");
    let mut store = Store::open(&db).unwrap();
    seed_if_empty(&mut store).unwrap();
    let id = store.list().unwrap()[0].id;
    let mut map = store.load(id).unwrap();
    map.name = "Only in the backup".into();
    store.save(id, &map).unwrap();
    backup::take(&store, Reason::Manual).unwrap();
    drop(store);
    let good = std::fs::read(&db).unwrap();
    (db, good)
}

/// The files beside the database whose names contain `label`.
fn moved_aside(db: &Path, label: &str) -> Vec<PathBuf> {
    std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(label))
        .filter(|p| !p.to_string_lossy().ends_with("-wal") && !p.to_string_lossy().ends_with("-shm"))
        .collect()
}

fn click(harness: &mut Harness<'static, FrictionApp>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

#[test]
fn each_kind_of_damaged_database_is_moved_aside_and_a_backup_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (db, good) = database_with_a_backup(dir.path());
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "garbage",
            b"\x7fELF\x02\x01\x01 not a database at all".repeat(300),
            "file is not a database",
        ),
        ("truncated", good[..good.len() / 2].to_vec(), "malformed"),
        ("zero bytes", Vec::new(), "empty (0 bytes)"),
    ];
    for (case, bytes, words) in cases {
        std::fs::write(&db, &bytes).unwrap();
        let mut harness = app(&db);
        assert!(
            matches!(harness.state().startup_problem(), Some(StartupProblem::Damaged { .. })),
            "{case}: the damage is recognised"
        );
        harness.get_by_label("The database was damaged");
        harness.get_by_label_contains(words);
        let aside = moved_aside(&db, ".corrupt-");
        assert_eq!(aside.len(), 1, "{case}: exactly one file moved aside: {aside:?}");
        assert_eq!(std::fs::read(&aside[0]).unwrap(), bytes, "{case}: kept byte for byte");
        harness.get_by_label_contains(&aside[0].display().to_string());

        click(&mut harness, "Restore the newest good backup");
        let ws = ws(&harness);
        assert!(
            ws.maps().iter().any(|m| m.name == "Only in the backup"),
            "{case}: the backup's maps are back"
        );
        assert!(ws.notice().is_some_and(|n| n.contains("Restored the backup")), "{case}");
        drop(harness);
        for file in aside {
            std::fs::remove_file(file).unwrap();
        }
    }
}

#[test]
fn a_damaged_database_can_be_replaced_by_a_fresh_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    std::fs::write(&db, b"garbage that is not SQLite").unwrap();
    let mut harness = app(&db);
    harness.get_by_label_contains("No good backup was found");
    click(&mut harness, "Start fresh with the sample maps");
    assert_eq!(
        ws(&harness).maps().len(),
        4,
        "the samples are loaded into a new database"
    );
    assert_eq!(moved_aside(&db, ".corrupt-").len(), 1, "the old file is still there");
}

#[test]
fn a_newer_database_is_refused_with_a_message_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    {
        let raw = rusqlite::Connection::open(&db).unwrap();
        raw.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 9;")
            .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    let harness = app(&db);
    harness.get_by_label("This database is from a newer version of Friction Map");
    harness.get_by_label_contains("schema version 9");
    drop(harness);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(moved_aside(&db, ".corrupt-").is_empty(), "a newer file is not damage");
}

#[test]
fn a_second_window_on_the_same_database_waits_and_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut first = app(&db);
    let mut second = app(&db);
    second.get_by_label("This database is already open in another window");
    assert!(
        second.state().workspace().is_none(),
        "the second window has no workspace to save from"
    );

    rename_map(&mut first, "Edited in the first window");
    ws_mut(&mut first).flush();
    let id = ws(&first).document().id;
    // Trying again while the first window is open changes nothing.
    click(&mut second, "Try again");
    second.get_by_label("This database is already open in another window");
    drop(first);

    click(&mut second, "Try again");
    assert_eq!(
        ws(&second).document().map().name,
        "Edited in the first window",
        "the second window sees the first one's saved edits"
    );
    assert_eq!(
        Store::open(&db).unwrap().load(id).unwrap().name,
        "Edited in the first window"
    );
}

fn menu(harness: &mut Harness<'static, FrictionApp>, item: &str) {
    click(harness, "Map");
    harness.get_by_label_contains(item).click();
    harness.run();
}

#[test]
fn restore_from_backup_in_the_map_menu_brings_back_the_older_state() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut harness = app(&db);
    rename_map(&mut harness, "Before the backup");
    menu(&mut harness, "Back up now");
    assert!(ws(&harness).notice().is_some_and(|n| n.starts_with("Backed up to")));
    rename_map(&mut harness, "After the backup");
    ws_mut(&mut harness).flush();

    menu(&mut harness, "Restore from backup…");
    let manual = backup::list(&db)
        .into_iter()
        .find(|b| b.reason == Reason::Manual)
        .expect("the manual backup");
    harness.get_by_label(&manual.summary()).click();
    harness.run();
    click(&mut harness, "Restore this backup");
    assert_eq!(ws(&harness).document().map().name, "Before the backup");
    // The state it replaced is a backup too, so the restore can be undone.
    let before_restore = backup::list(&db)
        .into_iter()
        .find(|b| b.reason == Reason::BeforeRestore)
        .expect("a backup of the replaced state");
    let undo = Store::open(&before_restore.path).unwrap();
    assert!(undo.list().unwrap().iter().any(|m| m.name == "After the backup"));
}
