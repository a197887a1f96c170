//! Snapshot images of the main window, rendered on the CPU with Mesa's
//! software Vulkan driver (lavapipe). Without a Vulkan driver the images are
//! skipped, unless FRICTIONMAP_REQUIRE_SNAPSHOTS=1 (as in CI) makes that a
//! failure. `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` rewrites them.

mod common;

use common::{app, ws};
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotError};
use frictionmap::app::FrictionApp;

fn snapshot(harness: &mut Harness<'static, FrictionApp>, name: &str) {
    match harness.try_snapshot(name) {
        Ok(()) => {}
        Err(SnapshotError::RenderError { err }) if std::env::var("FRICTIONMAP_REQUIRE_SNAPSHOTS").is_err() => {
            eprintln!("skipping snapshot {name}: no renderer ({err}); install mesa-vulkan-drivers");
        }
        Err(e) => panic!("snapshot {name}: {e}"),
    }
}

#[test]
fn main_window_with_a_sample_map_in_light_and_dark() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    assert_eq!(
        ws(&harness).document().map().name,
        "Accounts payable: invoice to payment"
    );
    snapshot(&mut harness, "main_window_light");

    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Dark theme").click();
    harness.run();
    // Close the menu so it is not in the picture.
    harness.key_press(eframe::egui::Key::Escape);
    harness.run();
    snapshot(&mut harness, "main_window_dark");
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
