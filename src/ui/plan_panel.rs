//! The plan panel: the lane picked to fix first, its readiness check (the
//! five questions asked before any new spend), and its weekly review log.

use chrono::{NaiveDate, Weekday};
use eframe::egui::{self, Grid, Id, RichText};
use egui_plot::{HLine, HoverPosition, Line, Plot, PlotPoints, Points, VLine};

use crate::document::Document;
use crate::document::edit::Edit;
use crate::domain::dates::DateStyle;
use crate::plan::{self, Direction, Pick, PickState, Review};
use crate::scoring::certainty::Certainty;
use crate::ui::Action;
use crate::ui::fields::{NumberField, compact_text_field, field_error, text_field};
use crate::ui::theme;

/// What the panel remembers between frames.
#[derive(Default)]
pub struct PlanView {
    /// The pick shown; defaults to the newest active one.
    pub pick_id: Option<String>,
    review_date: String,
    review_value: String,
    review_note: String,
    close_reason: String,
}

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// Builds edits of one pick, each replacing the whole pick list.
struct PickEditor<'a> {
    doc: &'a Document,
    pick: &'a Pick,
}

impl PickEditor<'_> {
    fn edit(&self, change: impl Fn(&mut Pick)) -> Edit {
        let mut p = self.pick.clone();
        change(&mut p);
        set_pick(self.doc, p)
    }

    /// Typing in one field of one pick merges into one undo step.
    fn key(&self, field: &str) -> String {
        format!("pick:{}:{field}", self.pick.id)
    }
}

/// The edit that replaces one pick.
fn set_pick(doc: &Document, pick: Pick) -> Edit {
    let mut picks = doc.map().picks.clone();
    if let Some(slot) = picks.iter_mut().find(|p| p.id == pick.id) {
        *slot = pick;
    }
    Edit::SetPicks(picks)
}

/// The Plan tab. `certainty` is the simulation of `doc` as it is now, once
/// it has run.
pub fn plan_ui(
    ui: &mut egui::Ui,
    (doc, certainty): (&Document, Option<&Certainty>),
    today: NaiveDate,
    view: &mut PlanView,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let dates = crate::ui::formats(ui.ctx()).dates;
    let active = plan::active_picks(map);
    if active.len() > 1 {
        egui::Frame::new().fill(theme::WARNING.linear_multiply(0.18)).inner_margin(8.0).corner_radius(4.0).show(
            ui,
            |ui| {
                ui.colored_label(
                    theme::WARNING,
                    RichText::new(format!(
                        "Several pilots at once: {} lanes are active. Teams that run one lane at a time finish; close all but one.",
                        active.len()
                    ))
                    .strong(),
                );
            },
        );
        ui.add_space(6.0);
    }
    let shown = view
        .pick_id
        .as_deref()
        .and_then(|id| map.picks.iter().find(|p| p.id == id))
        .or_else(|| active.last().copied())
        .or_else(|| map.picks.last());
    let Some(pick) = shown.cloned() else {
        no_pick_ui(ui, doc, actions);
        return;
    };
    view.pick_id = Some(pick.id.clone());
    let lane_name = map.lane(&pick.lane).map_or(pick.lane.clone(), |l| l.name.clone());

    if map.picks.len() > 1 {
        let combo = egui::ComboBox::from_id_salt("plan-pick")
            .selected_text(pick_label(doc, &pick, dates))
            .show_ui(ui, |ui| {
                for p in map.picks.iter().rev() {
                    if ui
                        .selectable_label(p.id == pick.id, pick_label(doc, p, dates))
                        .clicked()
                    {
                        view.pick_id = Some(p.id.clone());
                    }
                }
            });
        combo
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Shown pick"));
    }
    ui.label(RichText::new("FIRST LANE").small().weak());
    ui.label(RichText::new(&lane_name).font(theme::bold(18.0)));
    let closed_on = pick.closed_on.map(|d| dates.format(d)).unwrap_or_default();
    let state = match pick.state {
        PickState::Active => format!("Active since {}", dates.format(pick.picked_on)),
        PickState::Done => format!("Done on {closed_on}"),
        PickState::Dropped => format!("Dropped on {closed_on}"),
    };
    ui.label(state);
    if !pick.close_reason.is_empty() {
        ui.label(RichText::new(format!("Reason: {}", pick.close_reason)).italics());
    }
    ui.add_space(6.0);

    let readiness = plan::readiness(map, (doc.ranking(), certainty), &pick, crate::ui::formats(ui.ctx()));
    if readiness.is_ready() {
        ui.colored_label(theme::OK, RichText::new("Ready to launch").font(theme::bold(17.0)));
    } else {
        // One line whatever is missing: the list goes under the questions,
        // so answering one does not move the fields below it.
        ui.colored_label(
            theme::WARNING,
            RichText::new(format!(
                "Not ready to launch: {} missing (listed under the questions)",
                readiness.missing.len()
            ))
            .strong(),
        );
    }
    ui.add_space(8.0);

    let id = Id::unique(("plan", &pick.id));
    let ed = PickEditor { doc, pick: &pick };

    for (i, answer) in readiness.answers.iter().enumerate() {
        ui.label(RichText::new(format!("{}. {}", i + 1, answer.question)).strong());
        match i {
            0 | 1 => {
                ui.label(answer.answer.as_deref().unwrap_or("—"));
            }
            2 => owner_ui(ui, id, doc, &pick, actions),
            3 => metric_ui(ui, id, &ed, actions),
            _ => governance_ui(ui, id, &ed, actions),
        }
        ui.add_space(8.0);
    }
    if !readiness.is_ready() {
        ui.colored_label(
            theme::WARNING,
            RichText::new("Not ready to launch yet. Missing:").strong(),
        );
        for item in &readiness.missing {
            ui.add(egui::Label::new(format!("• {item}")).wrap());
        }
    }
    for warning in &readiness.warnings {
        ui.add(egui::Label::new(RichText::new(warning).color(theme::WARNING)).wrap());
    }

    ui.separator();
    review_ui(ui, doc, &pick, today, view, actions);

    ui.separator();
    ui.horizontal(|ui| {
        if ui.button("Export lane brief…").clicked() {
            actions.push(Action::ExportBrief);
        }
    });
    if pick.is_active() {
        ui.add_space(6.0);
        ui.label(RichText::new("Close this lane").strong());
        let resp = ui.add(egui::TextEdit::singleline(&mut view.close_reason).hint_text("Short reason"));
        resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Close reason"));
        let has_reason = !view.close_reason.trim().is_empty();
        ui.horizontal(|ui| {
            for (label, state) in [("Close as done", PickState::Done), ("Drop", PickState::Dropped)] {
                if ui.add_enabled(has_reason, egui::Button::new(label)).clicked() {
                    let reason = view.close_reason.clone();
                    actions.push(Action::edit(ed.edit(|p| p.close(map, state, today, &reason))));
                    view.close_reason.clear();
                }
            }
        });
    }
}

/// The owner of the picked lane. While the pick is active it is the lane's
/// owner, edited here or in the lane's inspector as one field; a closed
/// pick shows the owner it recorded.
fn owner_ui(ui: &mut egui::Ui, id: Id, doc: &Document, pick: &Pick, actions: &mut Vec<Action>) {
    let Some(lane) = doc.map().lane(&pick.lane).filter(|_| pick.is_active()) else {
        let owner = pick.owner(doc.map());
        ui.label(if owner.is_empty() {
            "No owner was recorded"
        } else {
            owner
        });
        return;
    };
    if let Some(owner) = text_field(
        ui,
        id.with("owner"),
        "Accountable owner",
        &lane.owner,
        false,
        crate::domain::validate::check_length,
    ) {
        let mut changed = lane.clone();
        changed.owner = owner.trim().to_owned();
        // The same undo key as the inspector's owner field: one field.
        actions.push(Action::merged(
            Edit::UpdateLane(changed),
            crate::ui::inspector::lane_owner_key(&lane.id),
        ));
    }
    ui.label(
        RichText::new("The lane's owner, as on the canvas and in the ranking CSV.")
            .small()
            .weak(),
    );
}

fn pick_label(doc: &Document, pick: &Pick, dates: DateStyle) -> String {
    let lane = doc
        .map()
        .lane(&pick.lane)
        .map_or(pick.lane.as_str(), |l| l.name.as_str());
    let state = match pick.state {
        PickState::Active => "active",
        PickState::Done => "done",
        PickState::Dropped => "dropped",
    };
    format!("{lane} ({state}, picked {})", dates.format(pick.picked_on))
}

fn no_pick_ui(ui: &mut egui::Ui, doc: &Document, actions: &mut Vec<Action>) {
    let fmt = crate::ui::number_style(ui.ctx());
    ui.label(RichText::new("No lane picked yet").font(theme::bold(17.0)));
    ui.label("Fix one lane at a time. Pick the lane whose friction costs the most, give it one owner, one metric and a weekly review.");
    ui.add_space(8.0);
    if let Some(top) = doc.ranking().top() {
        ui.label(format!(
            "The ranking suggests {} at {} a month.",
            top.lane,
            fmt.money(top.monthly_friction, &doc.map().currency)
        ));
        if ui.button(format!("Pick “{}” first", top.lane)).clicked() {
            actions.push(Action::PickLane(top.lane_id.clone()));
        }
    }
}

/// A date in the locale's form (ISO is read too); anything else gets a
/// message under the field and the stored date stays.
fn date_field(ui: &mut egui::Ui, id: Id, label: &str, value: Option<NaiveDate>) -> Option<NaiveDate> {
    let dates = crate::ui::formats(ui.ctx()).dates;
    let text = value.map(|d| dates.format(d)).unwrap_or_default();
    // Compact: its message goes under the form (`row_messages`), because a
    // message inside a grid row made the grid grow for frames on end.
    compact_text_field(ui, id, label, &text, |t| dates.parse(t).map(|_| ())).and_then(|t| dates.parse(&t).ok())
}

fn metric_ui(ui: &mut egui::Ui, id: Id, ed: &PickEditor<'_>, actions: &mut Vec<Action>) {
    let m = &ed.pick.metric;
    Grid::new(id.with("metric"))
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            ui.label("Metric");
            if let Some(v) = text_field(ui, id.with("metric-name"), "Metric name", &m.name, false, |_| Ok(())) {
                actions.push(Action::merged(
                    ed.edit(|p| p.metric.name = v.trim().to_owned()),
                    ed.key("metric-name"),
                ));
            }
            ui.end_row();
            ui.label("Unit");
            if let Some(v) = text_field(ui, id.with("metric-unit"), "Metric unit", &m.unit, false, |_| Ok(())) {
                actions.push(Action::merged(
                    ed.edit(|p| p.metric.unit = v.trim().to_owned()),
                    ed.key("metric-unit"),
                ));
            }
            ui.end_row();
            ui.label("Better when");
            ui.horizontal(|ui| {
                for (label, dir) in [("lower", Direction::Lower), ("higher", Direction::Higher)] {
                    if ui.radio(m.direction == Some(dir), label).clicked() && m.direction != Some(dir) {
                        actions.push(Action::edit(ed.edit(|p| p.metric.direction = Some(dir))));
                    }
                }
            });
            ui.end_row();
            ui.label("Baseline");
            ui.horizontal(|ui| {
                let field = NumberField::optional(id.with("baseline-value"), "Baseline value", m.baseline_value)
                    .width(80.0)
                    .compact(true);
                if let Some(v) = field.show(ui, |v| crate::domain::validate::check_number(v, -1e12, 1e12)) {
                    actions.push(Action::merged(
                        ed.edit(|p| p.metric.baseline_value = v),
                        ed.key("baseline-value"),
                    ));
                }
                ui.label("on");
                if let Some(d) = date_field(ui, id.with("baseline-date"), "Baseline date", m.baseline_date) {
                    actions.push(Action::merged(
                        ed.edit(|p| p.metric.baseline_date = Some(d)),
                        ed.key("baseline-date"),
                    ));
                }
            });
            ui.end_row();
            ui.label("Target");
            ui.horizontal(|ui| {
                let field = NumberField::optional(id.with("target-value"), "Target value", m.target_value)
                    .width(80.0)
                    .compact(true);
                if let Some(v) = field.show(ui, |v| crate::domain::validate::check_number(v, -1e12, 1e12)) {
                    actions.push(Action::merged(
                        ed.edit(|p| p.metric.target_value = v),
                        ed.key("target-value"),
                    ));
                }
                ui.label("by");
                if let Some(d) = date_field(ui, id.with("target-date"), "Target date", Some(m.target_date)) {
                    actions.push(Action::merged(
                        ed.edit(|p| p.metric.target_date = d),
                        ed.key("target-date"),
                    ));
                }
            });
            ui.end_row();
        });
    // The messages of the value and date fields, under the form, wrapped.
    for (key, label) in [
        ("baseline-value", "Baseline value"),
        ("baseline-date", "Baseline date"),
        ("target-value", "Target value"),
        ("target-date", "Target date"),
    ] {
        if let Some(why) = field_error(ui.ctx(), id.with(key)) {
            ui.add(egui::Label::new(RichText::new(format!("{label}: {why}")).color(theme::ERROR)).wrap());
        }
    }
}

fn governance_ui(ui: &mut egui::Ui, id: Id, ed: &PickEditor<'_>, actions: &mut Vec<Action>) {
    let pick = ed.pick;
    ui.label("How exceptions are handled");
    if let Some(v) = text_field(
        ui,
        id.with("policy"),
        "Exception policy",
        &pick.exception_policy,
        true,
        |_| Ok(()),
    ) {
        actions.push(Action::merged(
            ed.edit(|p| p.exception_policy = v.clone()),
            ed.key("policy"),
        ));
    }
    ui.label("Who reviews exceptions");
    if let Some(v) = text_field(
        ui,
        id.with("reviewer"),
        "Exception reviewer",
        &pick.exception_reviewer,
        false,
        |_| Ok(()),
    ) {
        actions.push(Action::merged(
            ed.edit(|p| p.exception_reviewer = v.trim().to_owned()),
            ed.key("reviewer"),
        ));
    }
    ui.horizontal(|ui| {
        ui.label("Weekly review on");
        let shown = pick
            .review_day
            .map_or("choose a day".to_owned(), |d| plan::weekday_name(d).to_owned());
        let combo = egui::ComboBox::from_id_salt(id.with("review-day"))
            .selected_text(shown)
            .show_ui(ui, |ui| {
                for day in WEEKDAYS {
                    if ui
                        .selectable_label(pick.review_day == Some(day), plan::weekday_name(day))
                        .clicked()
                    {
                        actions.push(Action::edit(ed.edit(|p| p.review_day = Some(day))));
                    }
                }
            });
        combo
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Weekly review day"));
    });
}

fn review_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    pick: &Pick,
    today: NaiveDate,
    view: &mut PlanView,
    actions: &mut Vec<Action>,
) {
    let formats = crate::ui::formats(ui.ctx());
    let (fmt, dates) = (formats.numbers, formats.dates);
    ui.label(RichText::new("Weekly review").font(theme::bold(16.0)));
    let status = plan::review_status(pick, today);
    let color = match (status.on_track, status.overdue) {
        (_, true) | (Some(false), _) => theme::WARNING,
        (Some(true), false) => theme::OK,
        (None, false) => ui.visuals().text_color(),
    };
    ui.colored_label(color, RichText::new(status.describe()).strong());
    review_chart(ui, pick, formats);

    let unit = &pick.metric.unit;
    Grid::new(("reviews", &pick.id))
        .num_columns(4)
        .striped(true)
        .show(ui, |ui| {
            for title in ["Date", "Value", "Note", ""] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for (i, r) in pick.reviews.iter().enumerate() {
                ui.label(dates.format(r.date));
                ui.label(format!("{} {unit}", fmt.number(r.value)));
                ui.label(&r.note);
                if ui.small_button("×").on_hover_text("Remove this entry").clicked() {
                    let mut p = pick.clone();
                    p.reviews.remove(i);
                    actions.push(Action::edit(set_pick(doc, p)));
                }
                ui.end_row();
            }
        });
    if view.review_date.is_empty() {
        view.review_date = dates.format(today);
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let date = ui.add(egui::TextEdit::singleline(&mut view.review_date).desired_width(90.0));
        date.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Review date"));
        let value = ui.add(
            egui::TextEdit::singleline(&mut view.review_value)
                .desired_width(70.0)
                .hint_text("value"),
        );
        value.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Review value"));
        let note = ui.add(
            egui::TextEdit::singleline(&mut view.review_note)
                .desired_width(140.0)
                .hint_text("note"),
        );
        note.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Review note"));
    });
    // A review records what was measured, so it cannot be dated after today.
    let parsed_date = dates.parse(&view.review_date).and_then(|d| {
        if d > today {
            Err(format!(
                "A review cannot be dated after today ({}): enter the day it was measured.",
                dates.format(today)
            ))
        } else {
            Ok(d)
        }
    });
    let parsed_value = fmt.parse(&view.review_value);
    let problem = match (&parsed_date, &parsed_value) {
        (Err(why), _) | (_, Err(why)) => Some(why.clone()),
        _ => None,
    };
    if let Some(problem) = &problem {
        ui.add(egui::Label::new(RichText::new(problem).color(theme::ERROR)).wrap());
    }
    let parsed_value = parsed_value.ok().flatten().map(|r| r.value);
    let ready = problem.is_none() && parsed_value.is_some();
    if ui.add_enabled(ready, egui::Button::new("Add review entry")).clicked()
        && let (Ok(date), Some(value)) = (parsed_date, parsed_value)
    {
        let mut p = pick.clone();
        p.reviews.push(Review {
            date,
            value,
            note: view.review_note.trim().to_owned(),
        });
        p.reviews.sort_by_key(|r| r.date);
        actions.push(Action::edit(set_pick(doc, p)));
        view.review_value.clear();
        view.review_note.clear();
    }
}

/// Values over time (days since the pick), with the baseline and target.
/// The x axis counts days since the pick and is labelled with dates. The
/// legend is a row under the plot, where it cannot cover a point.
fn review_chart(ui: &mut egui::Ui, pick: &Pick, formats: crate::domain::locale::Formats) {
    let picked_on = pick.picked_on;
    let day = |d: NaiveDate| (d - picked_on).num_days() as f64;
    let points: Vec<[f64; 2]> = pick.reviews.iter().map(|r| [day(r.date), r.value]).collect();
    let baseline_color = theme::component_color(crate::scoring::Component::Handling);
    let date_at = move |x: f64| {
        let days = x.round() as i64;
        picked_on
            .checked_add_signed(chrono::TimeDelta::days(days))
            .map_or_else(String::new, |d| formats.dates.format(d))
    };
    Plot::new(("review-chart", &pick.id))
        .height(170.0)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_x(0.0)
        .include_x(day(pick.metric.target_date))
        .x_axis_formatter(move |mark, _| date_at(mark.value))
        .y_axis_formatter(move |mark, _| formats.numbers.number(mark.value))
        .label_formatter(move |pos| {
            let point = match pos {
                HoverPosition::NearDataPoint { position, .. } => position,
                HoverPosition::Elsewhere { position } => position,
            };
            Some(format!("{}\n{}", date_at(point.x), formats.numbers.number(point.y)))
        })
        .show(ui, |plot| {
            if let Some(b) = pick.metric.baseline_value {
                plot.hline(HLine::new("Baseline", b).color(baseline_color));
            }
            if let Some(t) = pick.metric.target_value {
                plot.hline(HLine::new("Target", t).color(theme::OK));
            }
            plot.vline(VLine::new("Target date", day(pick.metric.target_date)).color(theme::OK));
            if !points.is_empty() {
                plot.line(Line::new("Reviews", PlotPoints::from(points.clone())));
                plot.points(Points::new("Reviews", PlotPoints::from(points)).radius(4.0));
            }
        });
    ui.horizontal_wrapped(|ui| {
        let reviews = ui.visuals().text_color();
        for (mark, name, color) in [
            ("—", "Baseline", baseline_color),
            ("—", "Target", theme::OK),
            ("|", "Target date", theme::OK),
            ("●", "Reviews", reviews),
        ] {
            ui.colored_label(color, mark);
            ui.label(RichText::new(name).small());
        }
    });
}
