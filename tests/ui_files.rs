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
