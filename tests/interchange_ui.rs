//! Pictures, BPMN and the steps CSV through the Map menu of the real app,
//! driven headless with the path field that stands in for file dialogs.

use crate::common;

use common::{app, menu, type_path, ws};
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

#[test]
fn export_the_map_picture_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let name = ws(&harness).document().map().name.clone();

    menu(&mut harness, "Export picture PNG 2×…");
    type_path(&mut harness, &dir.path().join("map"));
    let png = dir.path().join("map.png");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png).expect("the .png was written")).unwrap();
    menu(&mut harness, "Export picture SVG…");
    type_path(&mut harness, &dir.path().join("map.svg"));
    let svg = std::fs::read_to_string(dir.path().join("map.svg")).unwrap();
    assert!(svg.contains(&name));
    let width: f32 = svg
        .split("width=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(pixmap.width(), 2 * width.ceil() as u32, "2× scale");
    assert!(
        ws(&harness).notice().is_some_and(|n| n.contains("map.svg")),
        "{:?}",
        ws(&harness).notice()
    );
}

#[test]
fn import_bpmn_shows_what_was_skipped() {
    // A third-party reference file, kept beside the repository.
    let file = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bpmn-miwg/A.4.0.bpmn");
    if !file.is_file() {
        println!("skipped: no MIWG reference file at {}", file.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));

    menu(&mut harness, "Import BPMN…");
    type_path(&mut harness, &file);
    let map = ws(&harness).document().map();
    assert_eq!(map.name, "A.4.0", "the imported map is open");
    assert_eq!(map.steps.len(), 6);
    assert_eq!(ws(&harness).maps().len(), 5);
    harness.get_by_label_contains("Import a BPMN 2.0 file");
    harness.get_by_label_contains("Skipped (not supported): 2 message, 2 messageFlow");
    harness.get_by_label_contains("6 step(s) came without figures and are marked \"needs estimates\"");
    harness.get_by_label("OK").click();
    harness.run();
    assert!(
        harness.query_by_label_contains("Skipped (not supported)").is_none(),
        "the summary closes"
    );
}

#[test]
fn update_from_steps_csv_reports_rows_and_undoes_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let before = ws(&harness).document().map().clone();
    let lane = before.lane(&before.steps[0].lane).unwrap().name.clone();
    let csv = dir.path().join("update.csv");
    std::fs::write(
        &csv,
        format!(
            "lane;step;volume_per_month\n{lane};{};2.000\n{lane};New step;10\n{lane};Broken;lots\n",
            before.steps[0].name
        ),
    )
    .unwrap();

    menu(&mut harness, "Update map from steps CSV…");
    type_path(&mut harness, &csv);
    harness.get_by_label_contains("1 row(s) added, 1 changed, 0 unchanged, 1 rejected");
    harness.get_by_label_contains("line 4: rejected: volume_per_month: \"lots\" is not a number");
    let after = ws(&harness).document().map();
    assert_eq!(after.steps[0].volume_per_month, 2000.0);
    assert_eq!(after.steps.len(), before.steps.len() + 1);
    harness.get_by_label("OK").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(
        ws(&harness).document().map(),
        &before,
        "one undo reverses the whole file"
    );
}
