//! How sure the pick is, in the window: a range typed into a step moves the
//! chance at once, the inspector marks the estimate that could change the
//! pick, narrowing it firms the verdict up; and a simulation too big to run
//! at once runs on a thread of its own and shows the same figures.

use crate::common;

use common::{app, ws, ws_mut};
use eframe::egui::{Key, Modifiers, Role};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::{AppConfig, FrictionApp};
use frictionmap::ui::canvas::Selection;

type H = Harness<'static, FrictionApp>;

const HANDLING_HIGH: &str = "Handling (min / item) high";
const COULD_CHANGE: &str = "Narrowing this estimate could change the pick";

fn type_into(harness: &mut H, label: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, label).click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    harness.key_press(Key::Tab);
    harness.run();
}

/// The verdict line above the ranking table: the label that says how sure
/// the pick is.
fn verdict(harness: &H) -> String {
    harness
        .query_all_by(|n| {
            n.role() == Role::Label
                && n.value()
                    .is_some_and(|v| v.contains("costliest in") || v.contains("%, "))
        })
        .filter_map(|n| n.value())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_range_typed_in_moves_the_chance_and_narrowing_it_firms_the_pick_up() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    assert_eq!(
        ws(&harness).document().map().name,
        "Accounts payable: invoice to payment"
    );
    let firm = verdict(&harness);
    assert!(firm.contains("costliest in 100% of 10,000 scenarios"), "{firm:?}");
    assert!(common::shown(&harness, &["Costliest"]));

    // "Identify budget holder" in the runner-up lane: its handling could
    // take anything up to an hour, not 8 minutes.
    ws_mut(&mut harness).view.selection = Selection::only_step("np-1");
    harness.run();
    assert!(!common::shown(&harness, &[COULD_CHANGE]));
    type_into(&mut harness, HANDLING_HIGH, "60");
    let step = ws(&harness).document().map().step("np-1").unwrap().clone();
    assert_eq!(
        step.high.get(frictionmap::domain::model::Attr::HandleMinutes),
        Some(60.0)
    );
    let unsure = verdict(&harness);
    assert_ne!(unsure, firm, "the chance follows the range at once");
    assert!(!unsure.contains("100%"), "{unsure:?}");
    assert!(common::shown(&harness, &[COULD_CHANGE]));

    // Narrowed to what was known, the pick is firm again.
    type_into(&mut harness, HANDLING_HIGH, "9");
    assert_eq!(verdict(&harness), firm);
    assert!(!common::shown(&harness, &[COULD_CHANGE]));
}

#[test]
fn a_big_simulation_runs_on_its_own_thread_and_gives_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fm.sqlite3");
    let at_once = verdict(&app(&db));
    // Every run on a thread, as a big map's would.
    let config = AppConfig {
        native_dialogs: false,
        first_run_guide: false,
        locale: common::NEUTRAL_LOCALE.to_owned(),
        simulate_at_once_below: 0,
        ..AppConfig::new(db)
    };
    let mut harness = common::build_as_is(config, false);
    let mut waited = 0;
    while verdict(&harness).is_empty() && waited < 500 {
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
        waited += 1;
    }
    assert_eq!(verdict(&harness), at_once, "after {waited} frames");
}

/// The map's scenarios and seed are set in the map inspector (they could
/// be set only on the command line): the verdict counts the new number at
/// once, a number of scenarios that is not whole is refused, and undo
/// brings the old ones back.
#[test]
fn the_scenarios_and_seed_are_set_in_the_map_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    ws_mut(&mut harness).view.selection = Selection::default();
    harness.run();
    type_into(&mut harness, "Scenarios", "2,000");
    assert_eq!(ws(&harness).document().map().simulation.draws, 2000);
    harness.run();
    let said = verdict(&harness);
    assert!(said.contains("of 2,000 scenarios"), "{said:?}");
    type_into(&mut harness, "Seed", "7");
    assert_eq!(ws(&harness).document().map().simulation.seed, 7);
    // Half a scenario is refused, and the value it had is put back.
    harness.get_by_role_and_label(Role::TextInput, "Scenarios").click();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness
        .get_by_role_and_label(Role::TextInput, "Scenarios")
        .type_text("12.5");
    harness.run();
    assert!(common::shown(
        &harness,
        &["enter a whole number of scenarios from 1 to 1000000"]
    ));
    harness.key_press(Key::Tab);
    harness.run();
    assert_eq!(ws(&harness).document().map().simulation.draws, 2000);
    // Out of the fields, undo takes back the seed, then the scenarios.
    harness.key_press(Key::Escape);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    harness.run();
    let simulation = ws(&harness).document().map().simulation;
    assert_eq!((simulation.draws, simulation.seed), (10_000, 1));
}
