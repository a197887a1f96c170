//! Pointer work on the canvas: dragging a step to another lane, connecting
//! two steps from a card's connector, box selection, clicking an edge, and
//! zooming to 100%. The canvas is a zoomed and panned layer, so positions go
//! through its transform.

use crate::common;

use common::{app, ws};
use eframe::egui::{Pos2, Rect, emath::TSTransform};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use frictionmap::app::FrictionApp;

/// The canvas layer's scene-to-screen transform (the only transformed layer).
fn scene_to_screen(harness: &Harness<'static, FrictionApp>) -> TSTransform {
    harness
        .ctx
        .memory(|m| m.to_global.values().copied().find(|t| *t != TSTransform::IDENTITY))
        .expect("the canvas layer has a transform")
}

/// A canvas item's rectangle on screen, found by its accessible label.
fn on_screen(harness: &Harness<'static, FrictionApp>, label: &str) -> Rect {
    scene_to_screen(harness) * harness.get_by_label(label).rect()
}

fn drag(harness: &mut Harness<'static, FrictionApp>, from: Pos2, to: Pos2) {
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    let steps = 8;
    for i in 1..=steps {
        harness.hover_at(from + (to - from) * (i as f32 / steps as f32));
        harness.run();
    }
    harness.drop_at(to);
    harness.run();
}

fn step_lane(harness: &Harness<'static, FrictionApp>, name: &str) -> String {
    let map = ws(harness).document().map();
    map.steps
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.lane.to_string())
        .unwrap()
}

#[test]
fn dragging_a_step_into_another_lane_moves_it_there_as_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let step = "Enter approved invoice in ERP";
    assert_eq!(step_lane(&harness, step), "non-po");
    let card = on_screen(&harness, &format!("Step {step}"));
    let target_lane = on_screen(&harness, "Lane Supplier queries and exceptions");
    let before = ws(&harness)
        .document()
        .ranking()
        .lane("exceptions")
        .unwrap()
        .monthly_friction;

    drag(
        &mut harness,
        card.center(),
        Pos2::new(card.center().x + 30.0, target_lane.center().y),
    );
    assert_eq!(step_lane(&harness, step), "exceptions");
    let after = ws(&harness)
        .document()
        .ranking()
        .lane("exceptions")
        .unwrap()
        .monthly_friction;
    assert!(after > before, "the ranking follows the move: {before} → {after}");

    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::Z);
    harness.run();
    assert_eq!(
        step_lane(&harness, step),
        "non-po",
        "one undo takes the whole drag back"
    );
}

#[test]
fn dragging_from_a_connector_to_another_step_adds_an_edge() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let edges_before = ws(&harness).document().map().edges.len();
    let from = on_screen(&harness, "Connect from Build payment proposal").center();
    let to = on_screen(&harness, "Step Send remittance advices").center();
    drag(&mut harness, from, to);
    let map = ws(&harness).document().map();
    assert_eq!(map.edges.len(), edges_before + 1);
    let added = map.edges.last().unwrap();
    let name = |id: &str| map.step(id).unwrap().name.clone();
    assert_eq!(
        (name(&added.from), name(&added.to)),
        ("Build payment proposal".into(), "Send remittance advices".into())
    );
    assert_eq!(
        step_lane(&harness, "Build payment proposal"),
        "pay-run",
        "the card itself did not move"
    );
}

#[test]
fn a_box_drag_on_empty_canvas_selects_the_steps_it_touches() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let a = on_screen(&harness, "Step Capture invoice from AP inbox");
    let b = on_screen(&harness, "Step Verify OCR header fields");
    // From empty space above the first lane to the middle of the second card.
    drag(&mut harness, Pos2::new(a.left() + 10.0, a.top() - 60.0), b.center());
    let selected: Vec<String> = ws(&harness).view.selection.steps.iter().cloned().collect();
    assert_eq!(selected.len(), 2, "{selected:?}");
}

/// A quick box drag: egui knows a drag only once the pointer has moved past
/// a threshold, so in one quick move the box started where the pointer had
/// got to, not where the button went down, and selected too little (the
/// box from below the last lane was drawn from the wrong corner).
#[test]
fn a_quick_box_drag_starts_where_the_button_went_down() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let a = on_screen(&harness, "Step Capture invoice from AP inbox");
    let b = on_screen(&harness, "Step Verify OCR header fields");
    let from = Pos2::new(a.left() + 10.0, a.top() - 60.0);
    harness.hover_at(from);
    harness.run();
    harness.drag_at(from);
    harness.run();
    harness.hover_at(b.center());
    harness.run();
    harness.drop_at(b.center());
    harness.run();
    let selected: Vec<String> = ws(&harness).view.selection.steps.iter().cloned().collect();
    assert_eq!(selected.len(), 2, "{selected:?}");
}

/// An edge's accessible label is built only when read, and the selection
/// is matched by step index rather than by id: clicking an edge by that
/// label must still select exactly that edge, and show it selected.
#[test]
fn clicking_an_edge_by_its_label_selects_that_edge() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let map = ws(&harness).document().map();
    let step = |id: &str| map.step(id).unwrap().clone();
    let edge = map.edges[1].clone();
    let (from, to) = (step(&edge.from), step(&edge.to));
    let kind = if from.lane == to.lane { "Flow" } else { "Hand-off" };
    let label = format!("{kind} edge {} to {}", from.name, to.name);

    // At the middle of the edge, on screen (the node's rectangle is in
    // scene coordinates, so kittest's own click would miss it).
    let mid = on_screen(&harness, &label).center();
    harness.hover_at(mid);
    harness.run();
    harness.drag_at(mid);
    harness.drop_at(mid);
    harness.run();
    let selected: Vec<(String, String)> = ws(&harness).view.selection.edges.iter().cloned().collect();
    assert_eq!(selected, vec![(edge.from.clone(), edge.to.clone())]);
    harness.run();
    // egui reports a selected widget as toggled on.
    assert_eq!(
        harness.get_by_label(&label).accesskit_node().toggled(),
        Some(eframe::egui::accesskit::Toggled::True),
        "the edge is reported as selected"
    );
}

#[test]
fn the_1_key_and_the_view_menu_zoom_to_100_percent_around_the_centre() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    harness.run();
    let fitted = scene_to_screen(&harness).scaling;
    assert!(
        (fitted - 1.0).abs() > 0.05,
        "the fitted zoom ({fitted}) must differ from 100% for this test"
    );
    let centre = ws(&harness).view.scene_rect.center();

    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::Num1);
    harness.run();
    let zoom = scene_to_screen(&harness).scaling;
    assert!((zoom - 1.0).abs() < 1e-3, "zoom after pressing 1: {zoom}");
    let after = ws(&harness).view.scene_rect.center();
    assert!(
        after.distance(centre) < 1.0,
        "the centre stays put: {centre:?} → {after:?}"
    );

    // Fit again, then the same through the View menu.
    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::F);
    harness.run();
    assert!(
        (scene_to_screen(&harness).scaling - fitted).abs() < 1e-3,
        "F fits again"
    );
    harness.get_by_label("View").click();
    harness.run();
    harness.get_by_label_contains("Zoom to 100%").click();
    harness.run();
    let zoom = scene_to_screen(&harness).scaling;
    assert!((zoom - 1.0).abs() < 1e-3, "zoom after View ▸ Zoom to 100%: {zoom}");
}

/// A card dropped onto a card after it in the map is drawn on top while it
/// is selected, and the pointer reaches what is seen: a click where the two
/// overlap selects the dropped card, not the one beneath it.
#[test]
fn a_card_dropped_onto_another_stays_on_top_while_selected() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let (moved, under) = ("Capture invoice from AP inbox", "Verify OCR header fields");
    let id = |harness: &Harness<'static, FrictionApp>, name: &str| {
        let map = ws(harness).document().map();
        let i = map.steps.iter().position(|s| s.name == name).unwrap();
        (i, map.steps[i].id.clone())
    };
    let ((moved_index, moved_id), (under_index, _)) = (id(&harness, moved), id(&harness, under));
    assert!(moved_index < under_index, "the moved card comes first in the map");
    let from = on_screen(&harness, &format!("Step {moved}")).center();
    let to = on_screen(&harness, &format!("Step {under}")).center();
    drag(&mut harness, from, to);
    let selected =
        |harness: &Harness<'static, FrictionApp>| ws(harness).view.selection.steps.iter().cloned().collect::<Vec<_>>();
    assert_eq!(selected(&harness), vec![moved_id.clone()]);

    // A click: press and release at one spot.
    harness.hover_at(to);
    harness.run();
    harness.drag_at(to);
    harness.run();
    harness.drop_at(to);
    harness.run();
    assert_eq!(selected(&harness), vec![moved_id], "the click went to the card on top");
}

/// The lanes and steps of the open map, counted.
fn counts(harness: &egui_kittest::Harness<'static, frictionmap::app::FrictionApp>) -> (usize, usize) {
    let map = ws(harness).document().map();
    (map.lanes.len(), map.steps.len())
}

#[test]
fn map_keys_act_only_while_the_canvas_has_the_keyboard() {
    // See issue: a Space on a radio button dropped focus, and the typing
    // that followed made three junk lanes and a blank step.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let before = counts(&harness);
    common::pick_lane(&mut harness, "PO invoice matching");
    harness.get_by_label("lower").scroll_to_me();
    harness.run();
    harness.get_by_label("lower").click();
    harness.run();
    harness.key_press(eframe::egui::Key::Space);
    harness.run();
    for key in [
        eframe::egui::Key::L,
        eframe::egui::Key::S,
        eframe::egui::Key::L,
        eframe::egui::Key::Delete,
    ] {
        harness.key_press(key);
        harness.run();
    }
    assert_eq!(counts(&harness), before, "keys typed over the Plan tab edit nothing");

    // An open menu keeps the keys too.
    common::hover_canvas(&mut harness);
    harness.get_by_label("View").click();
    harness.run();
    harness.key_press(eframe::egui::Key::L);
    harness.run();
    assert_eq!(counts(&harness), before, "keys typed with a menu open edit nothing");
    harness.key_press(eframe::egui::Key::Escape);
    harness.run();
}

#[test]
fn a_lane_added_with_a_key_is_selected_and_scrolled_into_view() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    // Zoomed in on the first lane, so the new last lane starts off screen.
    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::Num1);
    harness.run();
    let (lanes, _) = counts(&harness);
    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::L);
    harness.run();
    let map = ws(&harness).document().map();
    assert_eq!(map.lanes.len(), lanes + 1);
    let new = map.lanes.last().unwrap().id.clone();
    assert_eq!(ws(&harness).view.selection.lane.as_deref(), Some(new.as_str()));
    harness.get_by_label("Rename");
    // Lane bands' AccessKit bounds are in scene units, like the view's rect.
    let band = harness
        .get_by_label(&format!("Lane {}", map.lanes.last().unwrap().name))
        .rect();
    let view = ws(&harness).view.scene_rect;
    assert!(
        view.contains(band.left_center() + eframe::egui::vec2(10.0, 0.0)),
        "{band:?} in {view:?}"
    );
}

#[test]
fn a_step_added_with_s_goes_after_the_lanes_last_card_on_its_row() {
    // See issue: a step added with S landed on another row.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let map = ws(&harness).document().map();
    let lane = map.lanes[0].clone();
    let mut last = (map.steps.iter())
        .filter(|s| s.lane == lane.id)
        .max_by(|a, b| a.x.total_cmp(&b.x))
        .unwrap()
        .clone();
    // The lane's rightmost card is moved down to a second row.
    last.y += 120.0;
    let ctx = harness.ctx.clone();
    common::ws_mut(&mut harness).handle(
        &ctx,
        frictionmap::ui::Action::edit(frictionmap::document::edit::Edit::UpdateSteps(vec![last.clone()])),
    );
    harness.run();
    harness.get_by_label(&format!("Lane {}", lane.name)).click_accesskit();
    harness.run();
    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::S);
    harness.run();
    let map = ws(&harness).document().map();
    let new = map.steps.last().unwrap();
    assert_eq!((new.lane.as_str(), new.y), (lane.id.as_str(), last.y));
    assert_eq!(new.x, last.x + frictionmap::layout::tokens::CARD_W + 40.0);
}

#[test]
fn steps_are_copied_pasted_duplicated_and_nudged_from_the_keyboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let before = ws(&harness).document().map().clone();
    let first = before.steps[0].clone();
    harness.get_by_label(&format!("Step {}", first.name)).click_accesskit();
    harness.run();
    common::hover_canvas(&mut harness);

    // Ctrl+C puts the step on the clipboard as text; Ctrl+V pastes it back.
    harness.event(eframe::egui::Event::Copy);
    harness.step();
    let copied = harness.output().platform_output.commands.iter().find_map(|c| match c {
        eframe::egui::OutputCommand::CopyText(text) => Some(text.clone()),
        _ => None,
    });
    let copied = copied.expect("the copy reaches the clipboard");
    harness.run();
    assert!(copied.contains(&first.name), "{copied}");
    harness.event(eframe::egui::Event::Paste(copied));
    harness.run();
    let map = ws(&harness).document().map();
    assert_eq!(map.steps.len(), before.steps.len() + 1);
    let pasted = map.steps.last().unwrap().clone();
    assert_eq!(
        (pasted.name.as_str(), pasted.volume_per_month),
        (first.name.as_str(), first.volume_per_month)
    );
    assert_ne!(pasted.id, first.id);
    assert_eq!(
        ws(&harness).view.selection.steps.iter().collect::<Vec<_>>(),
        [&pasted.id]
    );

    // Ctrl+D duplicates the selection; the arrows nudge it, one undo step.
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::D);
    harness.run();
    assert_eq!(ws(&harness).document().map().steps.len(), before.steps.len() + 2);
    let duplicate = ws(&harness).document().map().steps.last().unwrap().clone();
    for _ in 0..3 {
        harness.key_press(eframe::egui::Key::ArrowRight);
        harness.run();
    }
    let moved = ws(&harness).document().map().step(&duplicate.id).unwrap().x;
    assert_eq!(moved, duplicate.x + 24.0);
    harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::Z);
    harness.run();
    assert_eq!(
        ws(&harness).document().map().step(&duplicate.id).unwrap().x,
        duplicate.x,
        "one undo step"
    );

    // Plain text pasted onto the canvas is ignored.
    harness.event(eframe::egui::Event::Paste("just words".into()));
    harness.run();
    assert_eq!(ws(&harness).document().map().steps.len(), before.steps.len() + 2);
}

#[test]
fn shift_f_zooms_to_the_selected_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    let fitted = ws(&harness).view.scene_rect;
    let step = ws(&harness).document().map().steps[5].clone();
    harness.get_by_label(&format!("Step {}", step.name)).click_accesskit();
    harness.run();
    common::hover_canvas(&mut harness);
    harness.key_press_modifiers(eframe::egui::Modifiers::SHIFT, eframe::egui::Key::F);
    harness.run();
    let view = ws(&harness).view.scene_rect;
    assert!(
        view.width() < fitted.width() / 1.5,
        "zoomed in: {view:?} from {fitted:?}"
    );
    let card = harness.get_by_label(&format!("Step {}", step.name)).rect();
    assert!(view.contains_rect(card), "{card:?} in {view:?}");
}
