//! The inspector: edits whatever is selected (a step, a lane, an edge or,
//! with nothing selected, the map itself) and shows its friction live.

use eframe::egui::{self, Grid, Id, RichText};

use crate::document::Document;
use crate::document::edit::{Edit, MapMeta};
use crate::document::repair::Place;
use crate::domain::model::{Attr, Lane, Map, Part, Step};
use crate::domain::validate;
use crate::scoring::certainty::Certainty;
use crate::scoring::score_step;
use crate::ui::Action;
use crate::ui::canvas::Selection;
use crate::ui::evidence;
use crate::ui::fields::{NumberField, text_field};
use crate::ui::step_fields::{FieldLook, Number, attr_field};
use crate::ui::theme;

/// `certainty` holds the simulation's figures for the map as it is now,
/// when they are ready: an estimate that could change the pick says so.
pub fn inspector_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    certainty: Option<&Certainty>,
    selection: &Selection,
    other_map_names: &[String],
    actions: &mut Vec<Action>,
) {
    crate::ui::scroll_with_focus(egui::ScrollArea::vertical().auto_shrink([false, false]), ui, |ui| {
        let map = doc.map();
        match selection.steps.len() {
            1 => {
                if let Some(step) = selection.steps.first().and_then(|id| map.step(id)) {
                    let index = doc.step_index(&step.id);
                    let place = index.map_or(Place::Map, Place::Step);
                    problems_ui(ui, doc, place);
                    let could_change_pick: Vec<Attr> = (certainty.iter())
                        .flat_map(|c| c.pick_changers())
                        .filter(|s| Some(s.step) == index)
                        .map(|s| s.attr)
                        .collect();
                    step_ui(ui, map, step, !doc.has_problems(), &could_change_pick, actions);
                }
            }
            n if n > 1 => many_steps_ui(ui, doc, selection, actions),
            _ => {
                if let Some(lane) = selection.lane.as_deref().and_then(|id| map.lane(id)) {
                    if let Some(i) = map.lane_index(&lane.id) {
                        problems_ui(ui, doc, Place::Lane(i));
                    }
                    lane_ui(ui, doc, lane, actions);
                } else if !selection.edges.is_empty() {
                    edges_ui(ui, map, selection, actions);
                } else {
                    problems_ui(ui, doc, Place::Map);
                    map_ui(ui, doc, other_map_names, actions);
                }
            }
        }
    });
}

/// The problems of the map read with problems that are about `place`, so
/// each bad value is shown beside the field that fixes it.
fn problems_ui(ui: &mut egui::Ui, doc: &Document, place: Place) {
    let mine: Vec<_> = doc.problems().iter().filter(|p| Place::of(&p.path) == place).collect();
    if mine.is_empty() {
        return;
    }
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(
            RichText::new("To fix before the map can be used")
                .strong()
                .color(theme::ERROR),
        );
        for problem in mine {
            let field = Place::field(&problem.path);
            let text = if field.is_empty() {
                problem.message.clone()
            } else {
                format!("{field}: {}", problem.message)
            };
            ui.add(egui::Label::new(RichText::new(text).color(theme::ERROR)).wrap());
        }
    });
    ui.add_space(6.0);
}

fn heading(ui: &mut egui::Ui, kind: &str, name: &str) {
    ui.label(RichText::new(kind).small().weak());
    ui.label(RichText::new(name).font(theme::bold(18.0)));
    ui.add_space(6.0);
}

/// `figures` is false while the map has problems: its figures are held back.
fn step_ui(
    ui: &mut egui::Ui,
    map: &Map,
    step: &Step,
    figures: bool,
    could_change_pick: &[Attr],
    actions: &mut Vec<Action>,
) {
    heading(ui, "STEP", &step.name);
    let id = Id::unique(("inspect-step", &step.id));
    let update = |change: &dyn Fn(&mut Step)| {
        let mut s = step.clone();
        change(&mut s);
        Edit::UpdateSteps(vec![s])
    };

    ui.label("Name");
    if let Some(name) = text_field(
        ui,
        id.with("name"),
        "Step name",
        &step.name,
        false,
        validate::check_name,
    ) {
        actions.push(Action::merged(
            update(&|s| s.name = name.trim().to_owned()),
            format!("step:{}:name", step.id),
        ));
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label("Lane");
        let current = map.lane(&step.lane).map_or("?", |l| l.name.as_str());
        let combo = egui::ComboBox::from_id_salt(id.with("lane"))
            .selected_text(current)
            .show_ui(ui, |ui| {
                for lane in &map.lanes {
                    if ui.selectable_label(lane.id == step.lane, &lane.name).clicked() && lane.id != step.lane {
                        actions.push(Action::edit(update(&|s| s.lane = lane.id.as_str().into())));
                    }
                }
            });
        combo
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Step lane"));
    });
    ui.add_space(8.0);

    ui.label(RichText::new("Values (low and high estimates are optional)").strong());
    let fmt = crate::ui::number_style(ui.ctx());
    if let Some(evidence) = &step.evidence {
        evidence::show(ui, (evidence::header(fmt, evidence), evidence::Tone::Plain));
        if !evidence.note.is_empty() {
            evidence::show(ui, (evidence.note.clone(), evidence::Tone::Attention));
        }
    }
    // Each value's name on a line of its own over its three fields, so the
    // fields keep their width in the narrowest side panel (beside the
    // names, at 1280x720 they were squeezed until "1.450" showed as "1.45").
    ui.horizontal(|ui| {
        for part in Part::ALL {
            let text = RichText::new(if part == Part::Value { "value" } else { part.key() }).weak();
            ui.add_sized([field_width(part), 14.0], egui::Label::new(text));
        }
    });
    crate::ui::step_fields::values_first_tab_order(ui, id);
    for attr in Attr::ALL {
        attribute_row(ui, id, step, attr, actions);
        if could_change_pick.contains(&attr) {
            evidence::show(
                ui,
                (
                    "Narrowing this estimate could change the pick: at one end of its range \
                     another lane would be costliest."
                        .to_owned(),
                    evidence::Tone::Attention,
                ),
            );
            ui.add_space(4.0);
        }
        if let Some(evidence) = &step.evidence {
            evidence::show(ui, evidence::attr_line(fmt, evidence, step, attr));
            ui.add_space(4.0);
        }
    }

    if figures {
        ui.add_space(10.0);
        breakdown_ui(ui, map, step);
    }

    ui.add_space(10.0);
    ui.label("Notes");
    if let Some(notes) = text_field(ui, id.with("notes"), "Step notes", &step.notes, true, |_| Ok(())) {
        actions.push(Action::merged(
            update(&|s| s.notes = notes.clone()),
            format!("step:{}:notes", step.id),
        ));
    }
    if figures {
        ui.add_space(10.0);
        if ui.button("Delete step").clicked() {
            actions.push(Action::DeleteSelection);
        }
    }
}

/// A field's width: wide enough for "1.200,5" and "12.500" in any number
/// format, and for three fields side by side in the narrowest side panel.
fn field_width(part: Part) -> f32 {
    if part == Part::Value { 96.0 } else { 72.0 }
}

fn attribute_row(ui: &mut egui::Ui, id: Id, step: &Step, attr: Attr, actions: &mut Vec<Action>) {
    let label = attr.label();
    ui.label(label);
    ui.horizontal_top(|ui| {
        for part in Part::ALL {
            let field_label = match part {
                Part::Value => label.to_owned(),
                other => format!("{label} {}", other.key()),
            };
            let look = FieldLook {
                id,
                label: &field_label,
                width: field_width(part),
                compact: true,
            };
            attr_field(ui, look, step, Number { attr, part }, actions);
        }
    });
    crate::ui::step_fields::attr_messages(ui, id, attr);
    ui.add_space(4.0);
}

fn breakdown_ui(ui: &mut egui::Ui, map: &Map, step: &Step) {
    let fmt = crate::ui::number_style(ui.ctx());
    let cur = &map.currency;
    let score = score_step(step, &map.rates);
    let b = &score.point;
    ui.label(RichText::new("Friction per month").strong());
    Grid::new(("breakdown", &step.id))
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (label, value) in [
                ("Handling", b.handling),
                ("Rework", b.rework),
                ("Approval delay", b.delay),
            ] {
                ui.label(label);
                ui.label(fmt.money_cents(value, cur));
                ui.end_row();
            }
            ui.label(RichText::new("Total").strong());
            ui.label(RichText::new(fmt.money_cents(b.friction(), cur)).strong());
            ui.end_row();
            ui.label("Range (low – high)");
            ui.label(format!(
                "{} – {}",
                fmt.money(score.friction_low, cur),
                fmt.money(score.friction_high, cur)
            ));
            ui.end_row();
            ui.label("Touch time");
            ui.label(format!(
                "{} h ({} FTE)",
                fmt.thousands(b.touch_hours, 1),
                fmt.thousands(b.fte(&map.rates), 2)
            ));
            ui.end_row();
        });
}

fn many_steps_ui(ui: &mut egui::Ui, doc: &Document, selection: &Selection, actions: &mut Vec<Action>) {
    let fmt = crate::ui::number_style(ui.ctx());
    let map = doc.map();
    heading(ui, "SELECTION", &fmt.count(selection.steps.len(), "step"));
    let total: f64 = map
        .steps
        .iter()
        .zip(doc.step_scores())
        .filter(|(s, _)| selection.steps.contains(&s.id))
        .map(|(_, score)| score.point.friction())
        .sum();
    ui.label(format!("Together: {} / month", fmt.money(total, &map.currency)));
    ui.add_space(8.0);
    if ui
        .button(format!("Delete {}", fmt.count(selection.steps.len(), "step")))
        .clicked()
    {
        actions.push(Action::DeleteSelection);
    }
}

fn lane_ui(ui: &mut egui::Ui, doc: &Document, lane: &Lane, actions: &mut Vec<Action>) {
    let fmt = crate::ui::number_style(ui.ctx());
    let map = doc.map();
    heading(ui, "LANE", &lane.name);
    let id = Id::unique(("inspect-lane", &lane.id));
    let update = |change: &dyn Fn(&mut Lane)| {
        let mut l = lane.clone();
        change(&mut l);
        Edit::UpdateLane(l)
    };
    ui.label("Name");
    if let Some(name) = text_field(
        ui,
        id.with("name"),
        "Lane name",
        &lane.name,
        false,
        validate::check_name,
    ) {
        actions.push(Action::merged(
            update(&|l| l.name = name.trim().to_owned()),
            format!("lane:{}:name", lane.id),
        ));
    }
    ui.label("Owner");
    if let Some(owner) = text_field(
        ui,
        id.with("owner"),
        "Lane owner",
        &lane.owner,
        false,
        validate::check_length,
    ) {
        actions.push(Action::merged(
            update(&|l| l.owner = owner.trim().to_owned()),
            lane_owner_key(&lane.id),
        ));
    }
    ui.horizontal(|ui| {
        ui.label("Effort to fix (weeks)");
        let field = NumberField::optional(id.with("effort"), "Effort to fix (weeks)", lane.effort_weeks).width(70.0);
        if let Some(weeks) = field.show(ui, validate::check_effort_weeks) {
            actions.push(Action::merged(
                update(&|l| l.effort_weeks = weeks),
                format!("lane:{}:effort", lane.id),
            ));
        }
    })
    .response
    .on_hover_text("Optional. With it the ranking can also show friction per week of effort.");
    ui.label("Notes");
    if let Some(notes) = text_field(ui, id.with("notes"), "Lane notes", &lane.notes, true, |_| Ok(())) {
        actions.push(Action::merged(
            update(&|l| l.notes = notes.clone()),
            format!("lane:{}:notes", lane.id),
        ));
    }
    ui.add_space(10.0);
    if let Some(score) = doc.ranking().lane(&lane.id).filter(|_| !doc.has_problems()) {
        let cur = &map.currency;
        Grid::new(id.with("figures"))
            .num_columns(2)
            .striped(true)
            .show(ui, |ui| {
                let rows = [
                    ("Rank", format!("#{} of {}", score.rank, doc.ranking().lanes.len())),
                    ("Friction / month", fmt.money(score.monthly_friction, cur)),
                    ("Share", fmt.percent(score.share_pct)),
                    (
                        "Range (low – high)",
                        format!(
                            "{} – {}",
                            fmt.money(score.friction_low, cur),
                            fmt.money(score.friction_high, cur)
                        ),
                    ),
                    ("Handling", fmt.money(score.handling, cur)),
                    ("Rework", fmt.money(score.rework, cur)),
                    ("Approval delay", fmt.money(score.delay, cur)),
                    (
                        "Touch time",
                        format!(
                            "{} h ({} FTE)",
                            fmt.thousands(score.touch_hours, 1),
                            fmt.thousands(score.fte, 2)
                        ),
                    ),
                    ("Steps", score.steps.to_string()),
                    (
                        "Top driver",
                        score
                            .top_driver
                            .as_ref()
                            .map_or_else(|| "—".to_owned(), |d| d.describe()),
                    ),
                ];
                for (label, value) in rows {
                    ui.label(label);
                    ui.label(value);
                    ui.end_row();
                }
            });
    }
    ui.add_space(10.0);
    ui.horizontal(|ui| {
        if ui.button("Add step").clicked() {
            actions.push(Action::AddStep);
        }
        if ui.button("Delete lane…").clicked() {
            actions.push(Action::AskDeleteLane(lane.id.clone()));
        }
    });
}

fn edges_ui(ui: &mut egui::Ui, map: &Map, selection: &Selection, actions: &mut Vec<Action>) {
    heading(ui, "FLOW", &format!("{} selected", selection.edges.len()));
    for (from, to) in &selection.edges {
        let name = |id: &str| map.step(id).map_or(id.to_owned(), |s| s.name.clone());
        let handoff = map.step(from).zip(map.step(to)).is_some_and(|(a, b)| a.lane != b.lane);
        let kind = if handoff { "Hand-off" } else { "Flow" };
        ui.label(format!("{kind}: {} → {}", name(from), name(to)));
    }
    ui.add_space(8.0);
    if ui.button("Delete").clicked() {
        actions.push(Action::DeleteSelection);
    }
}

fn map_ui(ui: &mut egui::Ui, doc: &Document, other_map_names: &[String], actions: &mut Vec<Action>) {
    let fmt = crate::ui::number_style(ui.ctx());
    let map = doc.map();
    heading(ui, "MAP", &map.name);
    let id = Id::unique("inspect-map");
    let meta = MapMeta::of(map);
    let set = |change: &dyn Fn(&mut MapMeta)| {
        let mut m = meta.clone();
        change(&mut m);
        Edit::SetMeta(m)
    };
    ui.label("Name");
    let name_check = |t: &str| {
        validate::check_name(t)?;
        if other_map_names.iter().any(|n| n == t.trim()) {
            return Err(format!("another map is already named {:?}", t.trim()));
        }
        Ok(())
    };
    if let Some(name) = text_field(ui, id.with("name"), "Map name", &map.name, false, name_check) {
        actions.push(Action::merged(set(&|m| m.name = name.trim().to_owned()), "map:name"));
    }
    ui.label("Currency");
    if let Some(code) = text_field(ui, id.with("currency"), "Currency", &map.currency, false, |t| {
        validate::check_currency(t.trim())
    }) {
        actions.push(Action::merged(
            set(&|m| m.currency = code.trim().to_owned()),
            "map:currency",
        ));
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Rates").strong());
    let range = |(min, max): (f64, f64)| move |v| validate::check_number(v, min, max);
    let rates: [MetaNumber<'_>; 3] = [
        (
            "Labour cost / hour",
            map.rates.hourly_cost,
            &range(validate::HOURLY_COST_RANGE),
            |m, v| m.rates.hourly_cost = v,
        ),
        (
            "Delay cost / item / hour",
            map.rates.delay_cost_per_hour,
            &range(validate::DELAY_COST_RANGE),
            |m, v| m.rates.delay_cost_per_hour = v,
        ),
        (
            "Hours per FTE month",
            map.rates.hours_per_fte_month,
            &range(validate::HOURS_PER_FTE_RANGE),
            |m, v| m.rates.hours_per_fte_month = v,
        ),
    ];
    meta_numbers(ui, id.with("rates"), &meta, &rates, actions);
    simulation_ui(ui, id, &meta, actions);
    ui.add_space(6.0);
    ui.label("Notes and assumptions");
    if let Some(notes) = text_field(ui, id.with("notes"), "Map notes", &map.notes, true, |_| Ok(())) {
        actions.push(Action::merged(set(&|m| m.notes = notes.clone()), "map:notes"));
    }
    ui.add_space(10.0);
    let r = doc.ranking();
    ui.label(format!(
        "{} · {} · {}",
        fmt.count(map.lanes.len(), "lane"),
        fmt.count(map.steps.len(), "step"),
        fmt.count(map.edges.len(), "edge")
    ));
    if !doc.has_problems() {
        ui.label(format!(
            "Total friction: {} / month",
            fmt.money(r.total_friction, &map.currency)
        ));
    }
    ui.add_space(6.0);
    ui.label(RichText::new("Tip: select a step or lane on the canvas to edit it.").weak());
}

/// A number of the map's own, a row of a grid: its label, its value, what
/// it may be, and where a new one goes.
type MetaNumber<'a> = (
    &'static str,
    f64,
    &'a dyn Fn(f64) -> Result<(), String>,
    fn(&mut MapMeta, f64),
);

/// A grid of the map's numbers, each an undoable edit of the map.
fn meta_numbers(ui: &mut egui::Ui, id: Id, meta: &MapMeta, rows: &[MetaNumber<'_>], actions: &mut Vec<Action>) {
    Grid::new(id).num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
        for &(label, value, check, set) in rows {
            ui.label(label);
            ui.vertical(|ui| {
                let field = NumberField::new(id.with(label), label, value);
                if let Some(Some(v)) = field.show(ui, check) {
                    let mut m = meta.clone();
                    set(&mut m, v);
                    actions.push(Action::merged(Edit::SetMeta(m), format!("map:{label}")));
                }
            });
            ui.end_row();
        }
    });
}

/// The scenarios the chance of each lane is drawn from, and their seed.
fn simulation_ui(ui: &mut egui::Ui, id: Id, meta: &MapMeta, actions: &mut Vec<Action>) {
    ui.add_space(6.0);
    ui.label(RichText::new("Scenarios behind the chances").strong());
    let rows: [MetaNumber<'_>; 2] = [
        (
            "Scenarios",
            f64::from(meta.simulation.draws),
            &validate::check_draws,
            |m, v| m.simulation.draws = v as u32,
        ),
        ("Seed", meta.simulation.seed as f64, &validate::check_seed, |m, v| {
            m.simulation.seed = v as u64
        }),
    ];
    meta_numbers(ui, id.with("simulation"), meta, &rows, actions);
    ui.label(
        RichText::new(
            "Each lane's chance of being the costliest is counted over this many scenarios drawn from the \
             low and high estimates. The same seed draws the same scenarios on every computer; more \
             scenarios give steadier chances and take longer.",
        )
        .weak(),
    );
}

/// The undo key of typing in a lane's owner, wherever it is edited.
pub fn lane_owner_key(lane_id: &str) -> String {
    format!("lane:{lane_id}:owner")
}
