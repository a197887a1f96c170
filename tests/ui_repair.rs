//! A database edited with another tool, opened in the window as a person
//! would: a map with problems opens read-only with every problem by field
//! and no figures, can be repaired in place, and never stops the window or
//! hides the other maps. See issue: "USD inf / month … Clear winner", a
//! window that would not open over one 'NaN', and a lane whose steps
//! silently dropped out of the total.

use crate::common;

use std::path::{Path, PathBuf};

use common::{app, shown, ws};
use eframe::egui::{Key, Modifiers, Role};
use egui_kittest::kittest::Queryable;
use frictionmap::store::seed::seed_if_empty;
use frictionmap::store::{MapId, Store};

/// The sample maps, with `sql` then run as the sqlite3 shell would (foreign
/// keys off), and the accounts-payable map opened last.
fn edited_database(dir: &Path, sql: &str) -> PathBuf {
    let db = dir.join("fm.sqlite3");
    let mut store = Store::open(&db).unwrap();
    seed_if_empty(&mut store).unwrap();
    let id = store.find_by_name("Accounts payable: invoice to payment").unwrap();
    store.set_setting("last_map_id", &id.0.to_string()).unwrap();
    drop(store);
    let shell = rusqlite::Connection::open(&db).unwrap();
    shell.pragma_update(None, "foreign_keys", false).unwrap();
    shell.execute_batch(sql).unwrap();
    db
}

#[test]
fn a_map_with_bad_values_and_a_deleted_lane_is_repaired_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let db = edited_database(
        dir.path(),
        "UPDATE steps SET rework_rate = 1e308 WHERE step_id = 'pm-1';
         UPDATE steps SET handle_minutes = 9e999 WHERE step_id = 'pm-2';
         DELETE FROM lanes WHERE lane_id = 'exceptions';",
    );
    let mut harness = app(&db);
    assert!(shown(&harness, &["This map needs repair before it can be used"]));
    assert!(shown(&harness, &["rework_rate: 1e308 is above the maximum 0.95"]));
    assert!(shown(&harness, &["handle_minutes: inf is not a finite number"]));
    assert!(shown(&harness, &["lane: no lane has the id \"exceptions\""]));
    assert!(shown(&harness, &["⚠ 7 problems: needs repair"]), "the library marks it");
    for figure in ["USD ", "/ month", "Clear winner", "Total friction", "Fix first"] {
        assert!(!shown(&harness, &[figure]), "no figure is shown: {figure:?}");
    }
    // Editing the structure is refused; the map stays as it was.
    let ctx = harness.ctx.clone();
    common::ws_mut(&mut harness).handle(&ctx, frictionmap::ui::Action::AddLane);
    harness.run();
    assert_eq!(ws(&harness).document().map().lanes.len(), 3);

    harness.get_by_label("Repair the structure").click();
    harness.run();
    assert_eq!(ws(&harness).document().map().lanes.len(), 4, "the lane is back");
    assert_eq!(ws(&harness).document().problems().len(), 2);

    for (path, label, value) in [
        ("steps[0].rework_rate", "Rework (% of items)", "3"),
        ("steps[1].handle_minutes", "Handling (min / item)", "4.5"),
    ] {
        harness.get_by_label(&format!("Show the problem at {path}")).click();
        harness.run();
        assert!(shown(&harness, &["To fix before the map can be used"]));
        harness.get_by_role_and_label(Role::TextInput, label).click();
        harness.run();
        harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        harness.get_by_role_and_label(Role::TextInput, label).type_text(value);
        harness.run();
    }
    assert!(ws(&harness).document().problems().is_empty());
    assert!(!shown(&harness, &["This map needs repair"]));
    assert!(shown(&harness, &["Fix first"]), "the ranking is back");
    common::ws_mut(&mut harness).flush();
    drop(harness);
    let store = Store::open(&db).unwrap();
    let map = store.load(MapId(1)).expect("the repaired map is valid in the database");
    assert_eq!(map.lanes.len(), 4);
    assert_eq!(map.steps.len(), 22, "no step was lost");
    assert_eq!(map.steps[0].rework_rate, 0.03);
}

#[test]
fn one_unreadable_cell_never_stops_the_window_or_hides_other_maps() {
    let dir = tempfile::tempdir().unwrap();
    let db = edited_database(
        dir.path(),
        "UPDATE steps SET handle_minutes = 'NaN' WHERE step_id = 'pm-1';
         UPDATE maps SET name = CAST(X'4974FF20616363657373' AS TEXT) WHERE name = 'IT access requests';
         DELETE FROM maps WHERE name LIKE 'Insurance%';",
    );
    let harness = app(&db);
    let names: Vec<String> = ws(&harness).maps().iter().map(|m| m.name.clone()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(names.contains(&"It? access".to_owned()), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("Recovered map")), "{names:?}");
    assert!(shown(
        &harness,
        &["the database holds the text \"NaN\" here, not a number"]
    ));
    assert!(shown(&harness, &["were kept as the map “Recovered map"]));
}

#[test]
fn a_pasted_megabyte_name_is_cut_at_once_and_refused() {
    // See issue: a 10 MB map name left the window black for 10–20 s.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    common::menu(&mut harness, "Rename…");
    harness
        .get_by_role_and_label(Role::TextInput, "New map name")
        .type_text(&"n".repeat(1 << 20));
    harness.run();
    assert!(shown(&harness, &["is 201 characters long, above the maximum 200"]));
    let before = ws(&harness).document().map().name.clone();
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(
        ws(&harness).document().map().name,
        before,
        "a name that is too long is not taken"
    );
}
