//! The window's layout at the sizes people use, from a 1280×720 projector
//! to a 2560×1440 monitor: panels keep their size whatever is typed, the
//! ranking's money columns stay in view, the canvas opens readable, and
//! workshop mode fits the room.

use crate::common;

use common::{act, app_sized, rects_of, ws, ws_mut};
use eframe::egui::Rect;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use frictionmap::app::FrictionApp;
use frictionmap::document::edit::Edit;
use frictionmap::domain::model::{Lane, Map, Step};
use frictionmap::domain::money::NumberStyle;
use frictionmap::plan::Review;
use frictionmap::store::Store;
use frictionmap::store::seed::seed_if_empty;
use frictionmap::ui::Action;

type H = Harness<'static, FrictionApp>;

const SIZES: [[f32; 2]; 3] = [[1280.0, 720.0], [1920.0, 1080.0], [2560.0, 1440.0]];

/// Whether `inner` lies within `outer` (to half a point).
fn inside(inner: Rect, outer: Rect) -> bool {
    outer.expand(0.5).contains_rect(inner)
}

/// Each ranked lane's friction and share cells lie in the visible part of
/// the ranking table.
fn assert_money_columns_in_view(harness: &H, size: [f32; 2]) {
    let table = ws(harness).window.ranking_table;
    let ranking = ws(harness).document().ranking().clone();
    assert!(!ranking.lanes.is_empty());
    for lane in &ranking.lanes {
        for text in [
            NumberStyle::default().money(lane.monthly_friction, &ranking.currency),
            NumberStyle::default().percent(lane.share_pct),
        ] {
            let rects = rects_of(harness, &text);
            assert!(
                rects.iter().any(|r| inside(*r, table)),
                "at {size:?}, {text} of lane {} is not in the table's view {table:?}: {rects:?}",
                lane.lane
            );
        }
    }
}

fn panels(harness: &H) -> [Rect; 4] {
    let w = ws(harness).window;
    [w.library, w.inspector, w.ranking, w.canvas]
}

#[test]
fn long_inputs_leave_the_panels_as_they_are() {
    // See issue 15: a long review note widened the plan panel and a long lane
    // name pushed the ranking's money columns off screen at 1280×720.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&dir.path().join("fm.sqlite3"), [1280.0, 720.0]);
    act(&mut harness, Action::PickLane("po-match".into()));
    harness.run();
    let before = panels(&harness);
    assert!(before.iter().all(|r| r.is_positive()), "{before:?}");

    let mut picks = ws(&harness).document().map().picks.clone();
    let date = picks[0].picked_on;
    picks[0].reviews.push(Review {
        date,
        value: 1.0,
        note: "Invoices waited for the controller's sign-off".into(),
    });
    assert_eq!(picks[0].reviews[0].note.chars().count(), 45);
    act(&mut harness, Action::edit(Edit::SetPicks(picks)));
    let mut lane = ws(&harness).document().map().lanes[0].clone();
    lane.name = "Very long lane name ".repeat(10);
    assert_eq!(lane.name.chars().count(), 200);
    act(&mut harness, Action::edit(Edit::UpdateLane(lane)));
    harness.run();

    assert_eq!(panels(&harness), before, "library, inspector, ranking, canvas");
    assert_money_columns_in_view(&harness, [1280.0, 720.0]);
}

#[test]
fn the_ranking_shows_its_money_columns_at_every_size() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let harness = app_sized(&dir.path().join("fm.sqlite3"), size);
        assert_money_columns_in_view(&harness, size);
    }
}

/// A database whose open map is `map`.
fn database_with(dir: &std::path::Path, map: &Map) -> std::path::PathBuf {
    let db = dir.join("fm.sqlite3");
    let mut store = Store::open(&db).unwrap();
    seed_if_empty(&mut store).unwrap();
    let id = store.create(map).unwrap();
    store.set_setting("last_map_id", &id.0.to_string()).unwrap();
    db
}

#[test]
fn a_ranking_of_ten_thousand_lanes_builds_only_the_rows_in_view() {
    // See issue 15: every row of the ranking was laid out every frame.
    let map = frictionmap::domain::synth::generate(&frictionmap::domain::synth::GenParams {
        lanes: 10_000,
        steps: 10_000,
        edges: 0,
        seed: 3,
    });
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&database_with(dir.path(), &map), [1280.0, 720.0]);
    assert_eq!(ws(&harness).document().ranking().lanes.len(), 10_000);
    let started = std::time::Instant::now();
    harness.run();
    let rows = harness
        .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("Pick this lane first: ")))
        .count();
    assert!(rows > 0 && rows < 100, "{rows} ranking rows were built");
    eprintln!("frames with 10,000 lanes: {:?}", started.elapsed());
}

/// A map of `lanes`, each with one step of these minutes (volume 100).
fn simple_map(minutes: &[f64]) -> Map {
    let mut map = Map::new("Plain");
    let mut steps = Vec::new();
    for (i, &m) in minutes.iter().enumerate() {
        map.lanes.push(Lane::new(format!("l{i}"), format!("Lane {i}")));
        let mut step = Step::new(format!("s{i}"), format!("l{i}").as_str(), "Work");
        if m > 0.0 {
            step.volume_per_month = 100.0;
            step.handle_minutes = m;
        }
        steps.push(step);
    }
    map.steps = steps.into();
    map
}

#[test]
fn no_clear_winner_without_friction_or_ranges() {
    // See issue 15: a map with nothing entered yet, or with no low/high
    // ranges at all, was declared a "Clear winner".
    let dir = tempfile::tempdir().unwrap();
    let harness = app_sized(&database_with(dir.path(), &simple_map(&[0.0])), [1280.0, 720.0]);
    assert!(
        !common::shown(&harness, &["Clear winner"]),
        "an empty lane is no winner"
    );
    assert!(common::shown(&harness, &["No friction yet"]));

    let dir = tempfile::tempdir().unwrap();
    let harness = app_sized(&database_with(dir.path(), &simple_map(&[30.0, 10.0])), [1280.0, 720.0]);
    assert!(!common::shown(&harness, &["Clear winner"]));
    assert!(common::shown(&harness, &["no ranges entered"]));
}

/// The canvas layer's transform from scene to screen.
fn scene_to_screen(harness: &H) -> eframe::egui::emath::TSTransform {
    harness
        .ctx
        .memory(|m| {
            m.to_global
                .values()
                .copied()
                .find(|t| *t != eframe::egui::emath::TSTransform::IDENTITY)
        })
        .expect("the canvas layer has a transform")
}

/// Every lane's header lies on the canvas, on screen, with its friction.
fn assert_lane_headers_in_view(harness: &H, size: [f32; 2], with_figures: bool) {
    let canvas = ws(harness).window.canvas;
    let to_screen = scene_to_screen(harness);
    let doc = ws(harness).document();
    let ranking = doc.ranking();
    for lane in &doc.map().lanes {
        let figure = NumberStyle::default().money(ranking.lane(&lane.id).unwrap().monthly_friction, &ranking.currency);
        let header = harness
            .query_all_by(|n| {
                n.label()
                    .is_some_and(|l| l.starts_with(&format!("Lane header {}", lane.name)))
            })
            .next()
            .unwrap_or_else(|| panic!("at {size:?}, no header for lane {}", lane.name));
        let label = header.accesskit_node().label().unwrap_or_default();
        assert_eq!(label.contains(&figure), with_figures, "at {size:?}: {label}");
        let on_screen = to_screen * header.rect();
        assert!(
            inside(on_screen, canvas),
            "at {size:?}, the header of {} at {on_screen:?} is not on the canvas {canvas:?}",
            lane.name
        );
    }
}

#[test]
fn fit_keeps_the_cards_readable_at_1280x720() {
    // See issue 15: a fitted 22-step map at 1280×720 showed blank boxes.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&dir.path().join("fm.sqlite3"), [1280.0, 720.0]);
    act(&mut harness, Action::FitToMap);
    harness.run();
    let zoom = ws(&harness).view.zoom;
    assert!(zoom >= frictionmap::ui::canvas::paint::DETAIL_ZOOM, "fit zoom {zoom}");
    assert!(harness.query_by_label("Step Capture invoice from AP inbox").is_some());
    assert_lane_headers_in_view(&harness, [1280.0, 720.0], true);
}

#[test]
fn lane_headers_stay_in_view_when_panning_sideways() {
    // See issue 15: panned to the right, the lane names and their friction
    // scrolled away with the map.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&dir.path().join("fm.sqlite3"), [1280.0, 720.0]);
    let view = &mut ws_mut(&mut harness).view;
    view.scene_rect = view.scene_rect.translate(eframe::egui::vec2(700.0, 0.0));
    harness.run();
    harness.run();
    assert_lane_headers_in_view(&harness, [1280.0, 720.0], true);
}

#[test]
fn the_window_is_laid_out_at_every_size() {
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = app_sized(&dir.path().join("fm.sqlite3"), size);
        harness.run();
        assert_money_columns_in_view(&harness, size);
        assert_lane_headers_in_view(&harness, size, true);
        let w = ws(&harness).window;
        assert!(
            w.canvas.width() >= 420.0 && w.canvas.height() >= 200.0,
            "at {size:?}: {w:?}"
        );
    }
}

/// Workshop mode on the sample map, at `size`.
fn workshop(dir: &std::path::Path, size: [f32; 2]) -> H {
    let mut harness = app_sized(&dir.join("fm.sqlite3"), size);
    harness.key_press(eframe::egui::Key::F5);
    harness.run();
    harness.run();
    harness
}

#[test]
fn workshop_mode_fits_a_projector() {
    for size in [[1280.0, 720.0], [1920.0, 1080.0]] {
        let dir = tempfile::tempdir().unwrap();
        let mut harness = workshop(dir.path(), size);
        let zoom = ws(&harness).view.zoom;
        assert!(
            zoom >= frictionmap::ui::canvas::paint::DETAIL_ZOOM,
            "at {size:?} the workshop canvas opens at zoom {zoom}, canvas {:?}",
            ws(&harness).window.canvas
        );
        // Larger text twice: "Leave workshop" stays on screen.
        for _ in 0..2 {
            harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::Plus);
            harness.run();
        }
        let screen = harness.ctx.content_rect();
        let leave = harness.get_by_label("Leave workshop (Esc)").rect();
        assert!(inside(leave, screen), "at {size:?}: {leave:?} outside {screen:?}");
        let chart = ws(&harness).window.ranking_chart;
        assert!(
            chart == Rect::NOTHING || chart.width() >= 300.0,
            "at {size:?}, the chart is {chart:?}"
        );
    }
}

/// A what-if that lowers a lane's friction: one step's rework set to none.
fn remove_rework_of_a_step(harness: &mut H) {
    act(
        harness,
        Action::SetWhatIf {
            step_id: "pm-3".into(),
            attr: frictionmap::domain::model::Attr::ReworkRate,
            value: 0.0,
        },
    );
}

#[test]
fn a_what_if_saving_reads_as_a_saving() {
    // See issue 15: "USD 40,061 → −USD 16,167" read as a negative cost.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = workshop(dir.path(), [1920.0, 1080.0]);
    remove_rework_of_a_step(&mut harness);
    harness.run();
    assert!(common::shown(&harness, &["→", "saves", "/ month"]));
    assert!(!common::shown(&harness, &["→ −"]));
}

#[test]
fn the_reveal_hides_every_figure_until_shown() {
    // See issue 15: while the ranking was covered, the lane headers still
    // said "#1 · 42.3% of total" with the money, and the cards their heat.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = workshop(dir.path(), [1920.0, 1080.0]);
    act(&mut harness, Action::RevealStart);
    harness.run();
    assert!(ws(&harness).view.figures_hidden);
    assert_lane_headers_in_view(&harness, [1920.0, 1080.0], false);
    assert!(!common::shown(&harness, &["% of total"]));
    act(&mut harness, Action::RevealEnd);
    harness.run();
    assert!(!ws(&harness).view.figures_hidden);
    assert_lane_headers_in_view(&harness, [1920.0, 1080.0], true);
}

#[test]
fn esc_asks_before_dropping_what_ifs() {
    // See issue 15: Esc left workshop mode and silently dropped the what-ifs.
    let dir = tempfile::tempdir().unwrap();
    let mut harness = workshop(dir.path(), [1280.0, 720.0]);
    remove_rework_of_a_step(&mut harness);
    common::hover_canvas(&mut harness);
    harness.key_press(eframe::egui::Key::Escape);
    harness.run();
    harness.get_by_label("Drop the what-ifs?");
    harness.get_by_label("Keep editing").click();
    harness.run();
    let w = ws(&harness).workshop.as_ref().expect("still in the workshop");
    assert_eq!(w.changes(), 1);

    harness.key_press(eframe::egui::Key::Escape);
    harness.run();
    harness.get_by_label("Drop changes").click();
    harness.run();
    assert!(ws(&harness).workshop.is_none(), "left the workshop");
}

#[test]
fn the_step_inspector_fields_keep_their_width_at_1280x720() {
    // Beside their names, the value fields were squeezed to about 40 points
    // at 1280×720, and "1.450" showed as "1.45".
    let (_dir, harness) = first_step_inspected_at_1280x720();
    let width = |label: &str| {
        let field = harness.get_by_role_and_label(eframe::egui::Role::TextInput, label);
        field.rect().width()
    };
    for label in [
        "Volume (items / month)",
        "Handling (min / item)",
        "Approval wait (h / item)",
    ] {
        assert!(width(label) >= 90.0, "{label} is {} points wide", width(label));
        for estimate in ["low", "high"] {
            let label = format!("{label} {estimate}");
            assert!(width(&label) >= 66.0, "{label} is {} points wide", width(&label));
        }
    }
}

/// The app at 1280×720 with the first step of the first sample in the
/// inspector (the directory holds its database).
fn first_step_inspected_at_1280x720() -> (
    tempfile::TempDir,
    egui_kittest::Harness<'static, frictionmap::app::FrictionApp>,
) {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&dir.path().join("fm.sqlite3"), [1280.0, 720.0]);
    let first = ws(&harness).document().map().steps[0].id.to_string();
    ws_mut(&mut harness).view.selection = frictionmap::ui::canvas::Selection::only_step(&first);
    harness.run();
    (dir, harness)
}

/// A field's message in the step inspector reads as a line under the row of
/// three fields: in the field's own column it wrapped a word a line.
#[test]
fn the_step_inspector_messages_read_as_lines_at_1280x720() {
    let (_dir, mut harness) = first_step_inspected_at_1280x720();
    let line_height = harness
        .get_by_role_and_label(eframe::egui::Role::TextInput, "Rework (% of items) low")
        .rect()
        .height();
    for (field, typed, message) in [
        ("Rework (% of items) low", "120", "120% is above the maximum 95%"),
        ("Handling (min / item) high", "abc", "is not a number"),
    ] {
        let input = harness.get_by_role_and_label(eframe::egui::Role::TextInput, field);
        input.click();
        harness.run();
        harness.key_press_modifiers(eframe::egui::Modifiers::COMMAND, eframe::egui::Key::A);
        harness
            .get_by_role_and_label(eframe::egui::Role::TextInput, field)
            .type_text(typed);
        harness.run();
        let shown = harness.get_by_label_contains(message).rect();
        let input = harness
            .get_by_role_and_label(eframe::egui::Role::TextInput, field)
            .rect();
        // As wide as the panel lets it be, so a short one is one line and
        // a long one two, not a word a line in a 72-point column.
        assert!(shown.width() >= 180.0, "{message:?} is {} points wide", shown.width());
        assert!(
            shown.height() <= 2.0 * line_height,
            "{message:?} takes {} points of height",
            shown.height()
        );
        assert!(shown.top() >= input.bottom(), "{message:?} is under its field");
        harness.key_press(eframe::egui::Key::Escape);
        harness.run();
    }
}

/// Tab into a field below the fold of the Plan tab scrolls it into view: at
/// 1280×720 the exception reviewer and the review day took typing out of
/// sight.
#[test]
fn tab_brings_each_plan_field_into_view_at_1280x720() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app_sized(&dir.path().join("fm.sqlite3"), [1280.0, 720.0]);
    common::pick_lane(&mut harness, "PO invoice matching");
    let metric = harness.get_by_role_and_label(eframe::egui::Role::TextInput, "Metric name");
    metric.click();
    harness.run();
    let panel = ws(&harness).window.inspector;
    let mut seen = Vec::new();
    for _ in 0..12 {
        harness.key_press(eframe::egui::Key::Tab);
        harness.run();
        let focused = harness.query_all_by(|n| n.is_focused()).next();
        let Some(node) = focused else { break };
        let label = node.accesskit_node().label().unwrap_or_default();
        let rect = node.rect();
        assert!(
            rect.bottom() <= panel.bottom() + 0.5 && rect.top() >= panel.top(),
            "{label:?} has the keyboard at {rect:?}, out of the panel {panel:?}"
        );
        seen.push(label);
    }
    assert!(seen.iter().any(|l| l == "Exception reviewer"), "{seen:?}");
}
