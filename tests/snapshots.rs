//! Snapshot images of the main window, rendered on the CPU with Mesa's
//! software Vulkan driver (lavapipe). Without a Vulkan driver the images are
//! skipped, unless FRICTIONMAP_REQUIRE_SNAPSHOTS=1 (as in CI) makes that a
//! failure. `UPDATE_SNAPSHOTS=1 cargo test --test ui snapshots::` rewrites them.

use crate::common;

use std::path::Path;

use common::ws;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotError};
use frictionmap::app::{AppConfig, FrictionApp};

/// The app on a fixed date, so dates in the pictures do not change from
/// one day to the next.
fn app(db: &Path) -> Harness<'static, FrictionApp> {
    common::app_with(config(db))
}

fn config(db: &Path) -> AppConfig {
    AppConfig {
        native_dialogs: false,
        first_run_guide: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22),
        locale: common::NEUTRAL_LOCALE.to_owned(),
        simulate_at_once_below: u64::MAX,
        ..AppConfig::new(db.to_owned())
    }
}

/// The app as above in a window of `size`.
fn sized(db: &Path, size: [f32; 2]) -> Harness<'static, FrictionApp> {
    common::build_sized(config(db), size, false)
}

fn size_name(size: [f32; 2]) -> String {
    format!("{}x{}", size[0], size[1])
}

/// A projector, a laptop monitor and a large monitor.
const SIZES: [[f32; 2]; 3] = [[1280.0, 720.0], [1920.0, 1080.0], [2560.0, 1440.0]];

fn snapshot(harness: &mut Harness<'static, FrictionApp>, name: &str) {
    // Save first, so the save indicator always reads "Saved" in the picture.
    common::ws_mut(harness).flush();
    harness.run();
    match harness.try_snapshot(name) {
        Ok(()) => {}
        Err(SnapshotError::RenderError { err }) if std::env::var("FRICTIONMAP_REQUIRE_SNAPSHOTS").is_err() => {
            eprintln!("skipping snapshot {name}: no renderer ({err}); install mesa-vulkan-drivers");
        }
        Err(e) => panic!("snapshot {name}: {e}"),
    }
}

#[test]
fn main_window_with_a_sample_map_at_each_size_and_in_dark() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = sized(&dir.path().join("fm.sqlite3"), size);
        assert_eq!(
            ws(&harness).document().map().name,
            "Accounts payable: invoice to payment"
        );
        snapshot(&mut harness, &format!("main_window_light_{}", size_name(size)));
    }

    let dir = tempfile::tempdir().unwrap();
    let mut harness = sized(&dir.path().join("fm.sqlite3"), SIZES[0]);
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Dark theme").click();
    harness.run();
    // Close the menu so it is not in the picture, and take the pointer
    // away, so the picture does not depend on where the menu item was.
    harness.key_press(eframe::egui::Key::Escape);
    harness.remove_cursor();
    harness.run();
    snapshot(&mut harness, "main_window_dark_1280x720");
}

#[test]
fn step_inspector_and_highlighted_lane() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    harness.get_by_label("Non-PO invoice coding and approval").click();
    harness.run();
    harness
        .get_by_label("Step Route for approval in workflow")
        .click_accesskit();
    harness.run();
    snapshot(&mut harness, "step_inspector");
}

#[test]
fn plan_tab_of_a_picked_lane() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = sized(&dir.path().join("fm.sqlite3"), SIZES[0]);
    common::pick_lane(&mut harness, "PO invoice matching");
    harness.get_by_label("Not ready to launch yet. Missing:");
    harness.remove_cursor();
    harness.run();
    snapshot(&mut harness, "plan_tab_1280x720");
}

#[test]
fn workshop_mode_with_a_what_if_on_a_projector() {
    for size in [SIZES[0], SIZES[1]] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = sized(&dir.path().join("fm.sqlite3"), size);
        harness.key_press(eframe::egui::Key::F5);
        harness.run();
        harness
            .get_by_label("Step Match invoice to PO and receipt")
            .click_accesskit();
        harness.run();
        harness
            .get_by_role_and_label(eframe::egui::Role::Slider, "Rework %")
            .set_value_accesskit(2.0);
        harness.remove_cursor();
        harness.run();
        snapshot(&mut harness, &format!("workshop_mode_{}", size_name(size)));
    }
}
