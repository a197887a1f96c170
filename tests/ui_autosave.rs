//! Autosave as a person meets it: edits reach the database on their own,
//! a failed save is shown with its reason while the edits stay in memory,
//! and saving succeeds by itself once the database is writable again.

use crate::common;

use std::time::{Duration, Instant};

use common::{app, rename_map, ws, ws_mut};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::FrictionApp;
use frictionmap::document::edit::Edit;
use frictionmap::store::Store;
use frictionmap::ui::Action;
use frictionmap::ui::top_bar::SaveIndicator;

/// Runs frames in real time until `done` holds, or fails after `limit`.
fn run_until(harness: &mut Harness<'static, FrictionApp>, limit: Duration, done: impl Fn(&SaveIndicator) -> bool) {
    let start = Instant::now();
    loop {
        harness.step();
        let indicator = ws(harness).save_indicator();
        if done(&indicator) {
            return;
        }
        assert!(start.elapsed() < limit, "still {indicator:?} after {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_failed_save_is_shown_kept_in_memory_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut harness = app(&db);
    let id = ws(&harness).document().id;

    // An edit is saved within about a second, with nothing else to do.
    rename_map(&mut harness, "Saved by itself");
    run_until(&mut harness, Duration::from_secs(5), |s| *s == SaveIndicator::Saved);
    assert_eq!(Store::open(&db).unwrap().load(id).unwrap().name, "Saved by itself");

    // Another program holds the database's write lock: the save fails.
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    rename_map(&mut harness, "Kept in memory");
    run_until(&mut harness, Duration::from_secs(20), |s| {
        matches!(s, SaveIndicator::Failed(_))
    });
    let SaveIndicator::Failed(why) = ws(&harness).save_indicator() else {
        unreachable!()
    };
    assert!(why.contains("locked"), "the reason is shown: {why}");
    assert_eq!(
        ws(&harness).document().map().name,
        "Kept in memory",
        "the edit stays in memory"
    );

    // Once the lock is gone, the retry saves it without the user doing anything.
    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);
    run_until(&mut harness, Duration::from_secs(20), |s| *s == SaveIndicator::Saved);
    assert_eq!(Store::open(&db).unwrap().load(id).unwrap().name, "Kept in memory");
}

#[test]
fn a_full_disk_is_shown_the_edits_kept_and_saved_when_space_returns() {
    let Some(disk) = common::disk::SmallDisk::mount("4m") else {
        return;
    };
    let db = disk.path().join("fm.sqlite3");
    let mut harness = app(&db);
    let id = ws(&harness).document().id;
    // Let the start-up backup land before the disk fills.
    let start = Instant::now();
    while frictionmap::store::backup::list(&db).is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20), "no start-up backup");
        std::thread::sleep(Duration::from_millis(20));
    }
    let before = Store::open(&db).unwrap().load(id).unwrap().steps.len();
    let filler = disk.fill();

    // Far more than the log has room for: 3,000 new steps.
    let lane = ws(&harness).document().map().lanes[0].id.clone();
    let steps = (0..3000)
        .map(|i| {
            let step =
                frictionmap::domain::model::Step::new(format!("bulk-{i}"), lane.clone(), format!("Bulk step {i}"));
            (before + i, step)
        })
        .collect();
    let ctx = harness.ctx.clone();
    ws_mut(&mut harness).handle(
        &ctx,
        Action::edit(Edit::InsertSteps {
            steps,
            edges: Vec::new(),
        }),
    );
    run_until(&mut harness, Duration::from_secs(20), |s| {
        matches!(s, SaveIndicator::Failed(_))
    });
    let SaveIndicator::Failed(why) = ws(&harness).save_indicator() else {
        unreachable!()
    };
    assert!(why.contains("disk is full"), "the reason is shown: {why}");
    harness.run();
    harness.get_by_label_contains("Save failed: the disk is full");
    assert_eq!(
        ws(&harness).document().map().steps.len(),
        before + 3000,
        "the edits stay in memory"
    );

    std::fs::remove_file(filler).unwrap();
    run_until(&mut harness, Duration::from_secs(20), |s| *s == SaveIndicator::Saved);
    assert_eq!(Store::open(&db).unwrap().load(id).unwrap().steps.len(), before + 3000);
}
