//! End-to-end editor flows, driven through the UI as a person would:
//! menus, keys, typing and clicks, headless on the CPU.

use crate::common;

use common::{app, ws, ws_mut};
use eframe::egui::{Key, Modifiers, Role};
use egui_kittest::kittest::Queryable;
use frictionmap::scoring::Component;
use frictionmap::ui::ranking::chart_series;

/// Replaces a focused text field's contents.
fn retype(harness: &mut egui_kittest::Harness<'static, frictionmap::app::FrictionApp>, label: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, label).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    harness.run();
}

// Canvas items live in a zoomed and panned layer whose AccessKit bounds are
// in scene units, so tests click them through AccessKit rather than at a
// screen position.

/// Takes the keyboard away from any text field.
fn unfocus(harness: &mut egui_kittest::Harness<'static, frictionmap::app::FrictionApp>) {
    harness.key_press(Key::Escape);
    harness.run();
}

#[test]
fn map_a_process_from_scratch_and_find_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut harness = app(&db);

    // First run: the four sample maps are there and one is open.
    assert_eq!(ws(&harness).maps().len(), 4);
    assert!(!ws(&harness).document().map().lanes.is_empty());

    // Create a map from the Map menu.
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains("New map").click();
    harness.run();
    assert_eq!(ws(&harness).maps().len(), 5);
    assert_eq!(ws(&harness).document().map().name, "Untitled map");
    assert_eq!(ws(&harness).document().map().lanes.len(), 1);

    // Rename the first lane and add a second one with the L key.
    harness.get_by_label("Lane First lane").click_accesskit();
    harness.run();
    retype(&mut harness, "Lane name", "Invoices");
    unfocus(&mut harness);
    common::hover_canvas(&mut harness);
    harness.key_press(Key::L);
    harness.run();
    harness.get_by_label("Rename").type_text("Claims");
    harness.key_press(Key::Enter);
    harness.run();
    let lanes: Vec<_> = ws(&harness)
        .document()
        .map()
        .lanes
        .iter()
        .map(|l| l.name.clone())
        .collect();
    assert_eq!(lanes, ["Invoices", "Claims"]);

    // Add a step to each lane with the S key and give it values.
    for (lane, step, volume, minutes) in [
        ("Invoices", "Key invoice", "1,000", "6"),
        ("Claims", "Check claim", "200", "30"),
    ] {
        harness.get_by_label(&format!("Lane {lane}")).click_accesskit();
        harness.run();
        common::hover_canvas(&mut harness);
        harness.key_press(Key::S);
        harness.run();
        harness.get_by_label("Rename").type_text(step);
        harness.key_press(Key::Enter);
        harness.run();
        retype(&mut harness, "Volume (items / month)", volume);
        retype(&mut harness, "Handling (min / item)", minutes);
        unfocus(&mut harness);
    }
    // Default labour rate 50/h: Invoices 1,000 × 6 min = 100 h = 5,000;
    // Claims 200 × 30 min = 100 h = 5,000. A tie goes by name: Claims first.
    let ranking = ws(&harness).document().ranking().clone();
    assert_eq!(ranking.lanes[0].lane, "Claims");
    assert!((ranking.lanes[0].monthly_friction - 5000.0).abs() < 1e-6);
    assert!((ranking.lanes[1].monthly_friction - 5000.0).abs() < 1e-6);

    // Rework on the invoice step makes Invoices the top lane, live.
    harness.get_by_label("Step Key invoice").click_accesskit();
    harness.run();
    retype(&mut harness, "Rework (% of items)", "20");
    unfocus(&mut harness);
    let ranking = ws(&harness).document().ranking().clone();
    assert_eq!(ranking.lanes[0].lane, "Invoices");
    assert!((ranking.lanes[0].monthly_friction - 6250.0).abs() < 1e-6);
    let series = chart_series(&ranking);
    let rework = series.iter().find(|s| s.component == Component::Rework).unwrap();
    assert_eq!(rework.bars[0], (1.0, 1250.0, "Invoices".to_owned()));
    harness.get_by_label("USD 6,250");

    // An out-of-range value is refused with a message, and changes nothing.
    retype(&mut harness, "Rework (% of items)", "120");
    harness.get_by_label("120% is above the maximum 95%");
    assert!((ws(&harness).document().map().step("s1").unwrap().rework_rate - 0.2).abs() < 1e-12);
    unfocus(&mut harness);

    // Undo takes the rework back; redo restores it.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(ws(&harness).document().ranking().lanes[0].lane, "Claims");
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    harness.run();
    assert_eq!(ws(&harness).document().ranking().lanes[0].lane, "Invoices");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    harness.run();
    assert_eq!(ws(&harness).document().ranking().lanes[0].lane, "Invoices");

    // Rename the map through the menu.
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains("Rename…").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("New map name").type_text("Back office");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(ws(&harness).document().map().name, "Back office");

    // Export the ranking as CSV with Ctrl+E and the path field.
    let csv_path = dir.path().join("ranking");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::E);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("File path").type_text(csv_path.to_str().unwrap());
    harness.key_press(Key::Enter);
    harness.run();
    let csv = std::fs::read_to_string(dir.path().join("ranking.csv")).expect("the .csv extension was added");
    let rows: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert!(rows[0].starts_with("rank,lane,owner,monthly_friction"));
    assert!(
        rows[1].starts_with("1,Invoices,,6250.00,5000.00,1250.00,0.00,"),
        "{}",
        rows[1]
    );
    assert!(rows[2].starts_with("2,Claims,,5000.00,"), "{}", rows[2]);

    // Delete a step with the Delete key; its lane stays.
    harness.get_by_label("Step Check claim").click_accesskit();
    harness.run();
    common::hover_canvas(&mut harness);
    harness.key_press(Key::Delete);
    harness.run();
    assert!(ws(&harness).document().map().step("s2").is_none());
    assert_eq!(ws(&harness).document().map().lanes.len(), 2);

    // Close and reopen on the same database: everything is still there.
    ws_mut(&mut harness).flush();
    drop(harness);
    let harness = app(&db);
    let doc = ws(&harness).document();
    assert_eq!(doc.map().name, "Back office", "the last map reopens");
    assert_eq!(doc.map().lanes.len(), 2);
    assert_eq!(doc.map().steps.len(), 1);
    let step = &doc.map().steps[0];
    assert_eq!(
        (step.name.as_str(), step.volume_per_month, step.rework_rate),
        ("Key invoice", 1000.0, 0.2)
    );
    assert_eq!(ws(&harness).maps().len(), 5);
}

#[test]
fn the_guide_opens_on_the_first_run_and_from_help_with_the_maps_own_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let config = frictionmap::app::AppConfig {
        native_dialogs: false,
        locale: common::NEUTRAL_LOCALE.to_owned(),
        simulate_at_once_below: u64::MAX,
        ..frictionmap::app::AppConfig::new(dir.path().join("fm.sqlite3"))
    };
    let harness = common::build_as_is(config.clone(), false);
    harness.get_by_label("How Friction Map works");
    harness.get_by_label_contains("How sure the pick is");
    // The worked example is a step of the open map.
    harness.get_by_label_contains("Take “");
    harness.get_by_label_contains("Friction: USD ");
    // It opens by itself only on the first run; Help opens it again.
    drop(harness);
    let mut harness = common::build_as_is(config, false);
    assert!(harness.query_by_label("How Friction Map works").is_none());
    harness.get_by_label("Help").click();
    harness.run();
    harness.get_by_label_contains("How it works").click();
    harness.run();
    harness.get_by_label("How Friction Map works");
}

#[test]
fn the_steps_table_edits_values_in_place_and_tab_moves_along_the_row() {
    // See issue: entering 14 steps through the inspector took hundreds of clicks.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    harness.get_by_label("Steps table").click();
    harness.run();
    let first = ws(&harness).document().map().steps[0].clone();
    // Into a value, then Tab to its low and high estimates: what is typed
    // replaces each field's number.
    harness.get_by_label("Step 1 handle_minutes value").click();
    harness.run();
    harness.get_by_label("Step 1 handle_minutes value").type_text("4");
    harness.key_press(Key::Tab);
    harness.run();
    harness.get_by_label("Step 1 handle_minutes low").type_text("3");
    harness.key_press(Key::Tab);
    harness.run();
    harness.get_by_label("Step 1 handle_minutes high").type_text("6");
    harness.key_press(Key::Tab);
    harness.run();
    let step = ws(&harness).document().map().step(&first.id).unwrap().clone();
    assert_eq!(step.handle_minutes, 4.0);
    assert_eq!(step.low.get(frictionmap::domain::model::Attr::HandleMinutes), Some(3.0));
    assert_eq!(
        step.high.get(frictionmap::domain::model::Attr::HandleMinutes),
        Some(6.0)
    );
    // A low estimate above the value is refused, as in the inspector.
    harness.get_by_label("Step 1 volume_per_month low").click();
    harness.run();
    harness.get_by_label("Step 1 volume_per_month low").type_text("999999");
    harness.run();
    assert_eq!(ws(&harness).document().map().step(&first.id).unwrap().low, step.low);

    // "+ Add a step" adds a row whose name takes the keyboard.
    let steps = ws(&harness).document().map().steps.len();
    harness.key_press(Key::Escape);
    harness.run();
    harness.get_by_label("+ Add a step").click();
    // The table scrolls to the new row.
    harness.run_steps(12);
    assert_eq!(ws(&harness).document().map().steps.len(), steps + 1);
    let label = format!("Step {} name", steps + 1);
    assert!(
        harness.get_by_label(&label).is_focused(),
        "the new row's name has the keyboard"
    );
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label(&label).type_text("Check duplicates");
    harness.run();
    assert_eq!(
        ws(&harness).document().map().steps.last().unwrap().name,
        "Check duplicates"
    );
}

/// Help ▸ About says which version this is, what draws the window (a CPU
/// rasterizer on a virtual desktop without a GPU) and where the database is.
#[test]
fn help_about_names_the_version_the_renderer_and_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let config = frictionmap::app::AppConfig {
        native_dialogs: false,
        first_run_guide: false,
        locale: common::NEUTRAL_LOCALE.to_owned(),
        simulate_at_once_below: u64::MAX,
        renderer: Some(frictionmap::app::renderer::Renderer {
            name: "llvmpipe (LLVM 15.0.6, 256 bits)".into(),
            backend: "Vulkan".into(),
            cpu: true,
        }),
        ..frictionmap::app::AppConfig::new(db.clone())
    };
    let mut harness = common::build_as_is(config, false);
    harness.get_by_label("Help").click();
    harness.run();
    harness.get_by_label_contains("About Friction Map").click();
    harness.run();
    harness.get_by_label_contains(&format!("Friction Map {}", env!("CARGO_PKG_VERSION")));
    harness.get_by_label_contains("Drawn by: llvmpipe (LLVM 15.0.6, 256 bits) through Vulkan, on the CPU (no GPU)");
    harness.get_by_label_contains(&format!("Database: {}", db.display()));
}
