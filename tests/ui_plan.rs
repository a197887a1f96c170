//! Carrying the first lane through, as a team would in the app: pick it,
//! answer the readiness questions, log weekly reviews, and run a workshop
//! with what-ifs and a reveal.

use crate::common;

use chrono::Days;
use common::{app, ws, ws_mut};
use eframe::egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::{FrictionApp, today};
use frictionmap::plan::{PickState, active_picks};
use frictionmap::store::Store;

type H = Harness<'static, FrictionApp>;

/// The plan panel scrolls; bring a widget into view before using it.
fn click(harness: &mut H, label: &str) {
    harness.get_by_label(label).scroll_to_me();
    harness.run();
    harness.get_by_label(label).click();
    harness.run();
}

fn retype(harness: &mut H, label: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, label).scroll_to_me();
    harness.run();
    harness.get_by_role_and_label(Role::TextInput, label).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    harness.key_press(Key::Escape);
    harness.run();
}

fn choose(harness: &mut H, combo: &str, option: &str) {
    click(harness, combo);
    harness.get_by_label(option).click();
    harness.run();
}

#[test]
fn pick_check_and_review_the_first_lane() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));

    // Pick the top lane from the ranking.
    common::pick_lane(&mut harness, "PO invoice matching");
    let picks = &ws(&harness).document().map().picks;
    assert_eq!(picks.len(), 1);
    assert_eq!(
        (picks[0].lane.as_str(), picks[0].state),
        ("po-match", PickState::Active)
    );
    assert_eq!(picks[0].picked_on, today());
    assert!(
        (picks[0].baseline.monthly_friction - 26673.76).abs() < 0.01,
        "the baseline is the lane's figures now"
    );
    harness.get_by_label("Not ready to launch yet. Missing:");

    // A second pick asks first, then shows a standing warning.
    harness
        .get_by_label("Pick this lane first: Non-PO invoice coding and approval")
        .click();
    harness.run();
    harness.get_by_label("Start a second pilot?");
    harness
        .get_by_label("Pick “Non-PO invoice coding and approval” as well")
        .click();
    harness.run();
    assert_eq!(active_picks(ws(&harness).document().map()).len(), 2);
    harness.get_by_label_contains("Several pilots at once: 2 lanes are active");
    harness.get_by_label("Several pilots at once (2 active lanes)");

    // Drop the second one with a reason: the warning goes.
    retype(&mut harness, "Close reason", "One lane at a time");
    click(&mut harness, "Drop");
    assert_eq!(active_picks(ws(&harness).document().map()).len(), 1);
    assert!(harness.query_by_label_contains("Several pilots at once").is_none());
    let dropped = &ws(&harness).document().map().picks[1];
    assert_eq!(
        (dropped.state, dropped.close_reason.as_str()),
        (PickState::Dropped, "One lane at a time")
    );

    // Back to the first lane; answer the questions until it is ready.
    choose(
        &mut harness,
        "Shown pick",
        &format!("PO invoice matching (active, picked {})", today()),
    );
    let baseline_date = today().checked_sub_days(Days::new(14)).unwrap();
    retype(&mut harness, "Metric name", "Logins per week");
    harness.get_by_label_contains("measures activity");
    retype(&mut harness, "Metric name", "Invoice cycle time");
    assert!(harness.query_by_label_contains("measures activity").is_none());
    retype(&mut harness, "Metric unit", "days");
    click(&mut harness, "lower");
    retype(&mut harness, "Baseline value", "9");
    retype(&mut harness, "Baseline date", &baseline_date.to_string());
    retype(&mut harness, "Target value", "4");
    retype(
        &mut harness,
        "Exception policy",
        "Variances over 2% go to the AP lead the same day",
    );
    retype(&mut harness, "Exception reviewer", "Priya Nair");
    assert!(
        harness.query_by_label("Ready to launch").is_none(),
        "the review day is still missing"
    );
    harness.get_by_label("• the weekly review day");
    choose(&mut harness, "Weekly review day", "Tuesday");
    harness.get_by_label("Ready to launch");

    // Log three weekly reviews, falling towards the target.
    for (weeks_ago, value) in [(2u64, "8"), (1, "7"), (0, "6")] {
        let date = today().checked_sub_days(Days::new(7 * weeks_ago)).unwrap();
        retype(&mut harness, "Review date", &date.to_string());
        retype(&mut harness, "Review value", value);
        click(&mut harness, "Add review entry");
    }
    let pick = ws(&harness).document().map().picks[0].clone();
    assert_eq!(pick.reviews.len(), 3);
    // A fall of one day a week reaches 4 well before the target date.
    harness.get_by_label_contains("on track");

    // It is all stored, and comes back after a restart.
    ws_mut(&mut harness).flush();
    drop(harness);
    let store = Store::open(&dir.path().join("fm.sqlite3")).unwrap();
    let map = store
        .load(store.find_by_name("Accounts payable: invoice to payment").unwrap())
        .unwrap();
    assert_eq!(map.picks[0], pick);
}

#[test]
fn workshop_what_ifs_apply_or_discard_and_the_reveal_uncovers_from_the_bottom() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let mut harness = app(&db);
    let saved = ws(&harness).document().map().clone();

    harness.key_press(Key::F5);
    harness.run();
    assert!(ws(&harness).workshop.is_some());
    harness
        .get_by_label("Step Resolve price or quantity variance")
        .click_accesskit();
    harness.run();

    // Halve the rework: the ranking changes live, the map does not.
    harness
        .get_by_role_and_label(Role::Slider, "Rework %")
        .set_value_accesskit(5.0);
    harness.run();
    assert_eq!(ws(&harness).document().map(), &saved, "what-ifs are not the map");
    harness.get_by_label_contains("Apply what-ifs (1)");
    harness.get_by_label("Discard what-ifs").click();
    harness.run();
    assert!(ws(&harness).workshop.as_ref().unwrap().scenario.is_empty());

    harness
        .get_by_role_and_label(Role::Slider, "Rework %")
        .set_value_accesskit(5.0);
    harness.run();
    harness.get_by_label_contains("Apply what-ifs (1)").click();
    harness.run();
    let step = ws(&harness).document().map().step("pm-5").cloned().unwrap();
    assert!((step.rework_rate - 0.05).abs() < 1e-9, "{}", step.rework_rate);

    // The reveal: everything covered, then the bottom lane first.
    harness.get_by_label("Reveal ranking").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("? ? ?").count(), 4);
    harness.get_by_label_contains("Reveal next").click();
    harness.run();
    assert_eq!(harness.query_all_by_label("? ? ?").count(), 3);
    harness.get_by_label("Payment run and remittance");

    // Esc leaves; the applied what-if is one undo step.
    harness.key_press(Key::Escape);
    harness.run();
    assert!(ws(&harness).workshop.is_none());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(ws(&harness).document().map(), &saved);
}

#[test]
fn effort_estimates_add_friction_per_effort_week_and_a_payoff_chart() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    assert!(
        harness.query_by_label("Per effort-week").is_none(),
        "no column until a lane has effort"
    );

    harness.get_by_label("Lane PO invoice matching").click_accesskit();
    harness.run();
    retype(&mut harness, "Effort to fix (weeks)", "8");
    harness
        .get_by_label("Lane Non-PO invoice coding and approval")
        .click_accesskit();
    harness.run();
    retype(&mut harness, "Effort to fix (weeks)", "2");
    // While the field has the keyboard, a bad value is explained and kept out.
    harness
        .get_by_role_and_label(Role::TextInput, "Effort to fix (weeks)")
        .click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "Effort to fix (weeks)")
        .type_text("0");
    harness.run();
    harness.get_by_label("0 weeks is not above 0");
    harness.key_press(Key::Escape);
    harness.run();
    assert_eq!(
        ws(&harness).document().map().lane("non-po").unwrap().effort_weeks,
        Some(2.0),
        "0 weeks is refused"
    );

    // 26,673.76 / 8 weeks and 14,150.01 / 2 weeks.
    harness.get_by_label("Per effort-week");
    harness.get_by_label("USD 3,334");
    harness.get_by_label("USD 7,075");
    assert_eq!(
        ws(&harness).document().ranking().lanes[0].lane,
        "PO invoice matching",
        "the ranking stays by friction"
    );
    // The chart is the first to go where the panel is narrow: a wider window shows it.
    harness.set_size(eframe::egui::vec2(1920.0, 1080.0));
    harness.run();
    harness.get_by_label("Payoff vs effort").click();
    harness.run();
}

/// One owner per lane: the Plan tab's accountable owner is the lane's
/// owner, the one the inspector edits and the ranking CSV lists. They were
/// two fields that never agreed.
#[test]
fn the_plan_owner_is_the_lane_owner() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    common::pick_lane(&mut harness, "PO invoice matching");
    let field = |h: &H, label: &str| h.get_by_role_and_label(Role::TextInput, label).value();
    let lane_owner = |h: &H| {
        let map = ws(h).document().map();
        map.lane("po-match").unwrap().owner.clone()
    };
    assert_eq!(
        field(&harness, "Accountable owner").as_deref(),
        Some("Dana Ruiz, AP lead")
    );

    retype(&mut harness, "Accountable owner", "Priya Nair");
    assert_eq!(lane_owner(&harness), "Priya Nair");
    let csv = frictionmap::formats::ranking_csv::ranking_csv(ws(&harness).document().ranking(), None, false);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.lines().any(|row| row.contains("PO invoice matching,Priya Nair,")),
        "{csv}"
    );

    // The inspector edits the same owner, and the Plan tab follows.
    ws_mut(&mut harness).view.selection = frictionmap::ui::canvas::Selection::only_lane("po-match");
    ws_mut(&mut harness).right_tab = frictionmap::app::RightTab::Inspector;
    harness.run();
    assert_eq!(field(&harness, "Lane owner").as_deref(), Some("Priya Nair"));
    retype(&mut harness, "Lane owner", "Sam Lee");
    ws_mut(&mut harness).right_tab = frictionmap::app::RightTab::Plan;
    harness.run();
    assert_eq!(field(&harness, "Accountable owner").as_deref(), Some("Sam Lee"));
    harness.get_by_label_contains("Who owns the outcome in production?");

    // Undo takes the owner back one edit at a time, wherever it was typed.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(lane_owner(&harness), "Priya Nair");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    assert_eq!(lane_owner(&harness), "Dana Ruiz, AP lead");

    // Closing the pick records who owned the lane then; a later owner of
    // the lane does not rewrite that record.
    retype(&mut harness, "Close reason", "Matching moved to the ERP");
    click(&mut harness, "Close as done");
    let map = ws(&harness).document().map().clone();
    assert_eq!(map.picks[0].state, PickState::Done);
    assert_eq!(map.picks[0].owner_at_close, "Dana Ruiz, AP lead");
    let mut later = map.clone();
    later.lanes.iter_mut().find(|l| l.id == "po-match").unwrap().owner = "Someone Else".into();
    assert_eq!(later.picks[0].owner(&later), "Dana Ruiz, AP lead");
    harness.get_by_label("Dana Ruiz, AP lead");
}
