//! Importing and exporting map files through the Map menu, with the path
//! field that stands in when no native file dialog is available.

use crate::common;

use common::{app, menu, type_path, ws};
use egui_kittest::kittest::Queryable;

#[test]
fn export_json_then_import_it_back_as_a_new_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let original = ws(&harness).document().map().clone();

    menu(&mut harness, "Export JSON…");
    type_path(&mut harness, &dir.path().join("copy"));
    let written = dir.path().join("copy.json");
    assert!(written.exists(), "the .json extension is added");

    menu(&mut harness, "Import JSON…");
    type_path(&mut harness, &written);
    let imported = ws(&harness).document().map();
    assert_eq!(
        imported.name,
        format!("{} (2)", original.name),
        "a taken name gets a number"
    );
    assert_eq!(imported.steps, original.steps);
    assert_eq!(ws(&harness).maps().len(), 5);
}

#[test]
fn a_bad_file_is_refused_with_a_message_that_names_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let bad = dir.path().join("bad.json");
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../sample_maps/it-access-requests.json")).unwrap();
    json["steps"][3]["rework_rate"] = serde_json::json!(1.2);
    std::fs::write(&bad, serde_json::to_vec(&json).unwrap()).unwrap();

    menu(&mut harness, "Import JSON…");
    type_path(&mut harness, &bad);
    harness.get_by_label_contains("steps[3].rework_rate: 1.2 is above the maximum 0.95");
    assert_eq!(ws(&harness).maps().len(), 4, "nothing was stored");
    harness.get_by_label("OK").click();
    harness.run();
    assert!(
        harness.query_by_label_contains("steps[3].rework_rate").is_none(),
        "the message closes"
    );
}

#[test]
fn a_large_import_runs_behind_a_progress_dialog_and_can_be_cancelled() {
    // See issue: imports ran on the UI thread, so a large or slow file froze
    // the window with no way out.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let map = frictionmap::domain::synth::generate(&frictionmap::domain::synth::GenParams {
        lanes: 40,
        steps: 80_000,
        edges: 100_000,
        seed: 1,
    });
    std::fs::write(&big, frictionmap::formats::mapfile::to_json(&map)).unwrap();
    let mut harness = common::app(&dir.path().join("fm.sqlite3"));
    let maps_before = common::ws(&harness).maps().to_vec();
    let ctx = harness.ctx.clone();
    common::ws_mut(&mut harness).handle(
        &ctx,
        frictionmap::ui::Action::FileChosen {
            purpose: frictionmap::ui::dialogs::FilePurpose::ImportJson,
            path: big.clone(),
        },
    );
    // The app carries out the queued import after the next frame; then the
    // window keeps drawing frames while the file is read and checked.
    harness.step();
    let started = std::time::Instant::now();
    while harness.query_by_label("Cancel").is_none() {
        assert!(
            common::ws(&harness).is_importing(),
            "a 30 MB map takes longer than the dialog's delay"
        );
        assert!(started.elapsed().as_secs() < 20);
        std::thread::sleep(std::time::Duration::from_millis(20));
        harness.step();
    }
    harness.get_by_label_contains("big.json");
    harness.get_by_label("Cancel").click();
    harness.step();
    harness.run();
    assert!(!common::ws(&harness).is_importing());
    assert_eq!(common::ws(&harness).maps(), maps_before.as_slice(), "nothing was added");
    harness.get_by_label_contains("The import was cancelled; nothing was changed.");
}
