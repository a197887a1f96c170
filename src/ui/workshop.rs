//! Workshop mode, for a facilitator projecting the app: the canvas and a
//! large ranking chart, live what-if sliders layered over the saved map, and
//! a reveal that uncovers the ranking one lane at a time from the bottom.

use eframe::egui::{self, RichText, Slider};

use crate::document::Document;
use crate::document::scenario::Scenario;
use crate::domain::model::Attr;
use crate::domain::money::NumberStyle;
use crate::scoring::Ranking;
use crate::scoring::certainty::chance_text;
use crate::ui::Action;
use crate::ui::canvas::Selection;
use crate::ui::theme;

/// The UI zoom workshop mode starts with; Ctrl +/− adjust it.
pub const WORKSHOP_ZOOM: f32 = 1.25;

/// Workshop state: the what-if scenario and how much of the ranking shows.
#[derive(Default)]
pub struct Workshop {
    pub scenario: Scenario,
    /// The scenario's map, scored; rebuilt when the scenario or map changes.
    what_if: Option<(u64, Scenario, Document)>,
    /// `Some(n)`: only the bottom `n` lanes of the ranking are uncovered.
    pub reveal: Option<usize>,
}

impl Workshop {
    /// The document the room sees: the saved map with the what-ifs on top.
    pub fn view_document<'a>(&'a mut self, saved: &'a Document) -> &'a Document {
        if self.scenario.is_empty() {
            return saved;
        }
        let fresh = matches!(&self.what_if, Some((rev, s, _)) if *rev == saved.revision() && *s == self.scenario);
        if !fresh {
            self.scenario.retain_existing(saved.map());
            let doc = Document::new(saved.id, self.scenario.apply_to(saved.map()));
            self.what_if = Some((saved.revision(), self.scenario.clone(), doc));
        }
        match &self.what_if {
            Some((_, _, doc)) => doc,
            None => saved,
        }
    }

    /// How many what-ifs are not applied yet: one per step changed, and
    /// one for the rates.
    pub fn changes(&self) -> usize {
        self.scenario.steps.len() + usize::from(self.scenario.rates.is_some())
    }

    /// The ranking with unrevealed lanes taken out.
    pub fn revealed(&self, ranking: &Ranking) -> Ranking {
        let mut shown = ranking.clone();
        if let Some(n) = self.reveal {
            let hidden = ranking.lanes.len().saturating_sub(n);
            shown.retain_lanes(|l| l.rank > hidden);
        }
        shown
    }
}

/// The workshop's top bar.
/// It wraps onto a second row when the text is made larger (Ctrl +), so
/// "Leave workshop" never falls off the screen; it comes first for that
/// reason too, and the map's name is cut to what is left.
pub fn workshop_bar_ui(ui: &mut egui::Ui, saved: &Document, workshop: &Workshop, actions: &mut Vec<Action>) {
    ui.horizontal_wrapped(|ui| {
        if ui.button("Leave workshop (Esc)").clicked() {
            actions.push(Action::ToggleWorkshop);
        }
        ui.separator();
        let changes = workshop.changes();
        let has_changes = changes > 0;
        if ui
            .add_enabled(has_changes, egui::Button::new(format!("Apply what-ifs ({changes})")))
            .on_hover_text("Write the what-ifs to the map as one change you can undo")
            .clicked()
        {
            actions.push(Action::ApplyWhatIfs);
        }
        if ui
            .add_enabled(has_changes, egui::Button::new("Discard what-ifs"))
            .clicked()
        {
            actions.push(Action::DiscardWhatIfs);
        }
        ui.separator();
        let lanes = saved.ranking().lanes.len();
        match workshop.reveal {
            None => {
                if ui
                    .button("Reveal ranking")
                    .on_hover_text("Cover the ranking and uncover it lane by lane")
                    .clicked()
                {
                    actions.push(Action::RevealStart);
                }
            }
            Some(n) if n < lanes => {
                if ui.button(format!("Reveal next ({} of {lanes} shown)", n)).clicked() {
                    actions.push(Action::RevealNext);
                }
                if ui.button("Show all").clicked() {
                    actions.push(Action::RevealEnd);
                }
            }
            Some(_) => {
                if ui.button("End reveal").clicked() {
                    actions.push(Action::RevealEnd);
                }
            }
        }
        ui.separator();
        let title = RichText::new(format!("Workshop: {}", saved.map().name)).font(theme::bold(18.0));
        ui.add(egui::Label::new(title).truncate());
    });
}

/// What-if sliders for the selected step and the map's rates.
pub fn what_if_ui(
    ui: &mut egui::Ui,
    saved: &Document,
    workshop: &Workshop,
    selection: &Selection,
    actions: &mut Vec<Action>,
) {
    let map = saved.map();
    let scenario = &workshop.scenario;
    let fmt = crate::ui::number_style(ui.ctx());
    ui.label(RichText::new("What if…").font(theme::bold(20.0)));
    ui.label(RichText::new("Changes here are not saved until you apply them.").weak());
    ui.add_space(8.0);
    match selection.steps.first().and_then(|id| map.step(id)) {
        Some(step) => {
            ui.label(RichText::new(&step.name).font(theme::bold(16.0)));
            for attr in Attr::ALL {
                let saved_value = step.value(attr);
                let mut value = scenario.value(map, &step.id, attr).unwrap_or(saved_value);
                let (max, scale, label) = (slider_max(attr, saved_value), attr.display_scale(), attr.short_label());
                let mut shown = value * scale;
                let resp = ui.add(slider(&mut shown, max * scale, label, fmt));
                if resp.changed() {
                    value = shown / scale;
                    actions.push(Action::SetWhatIf {
                        step_id: step.id.clone(),
                        attr,
                        value,
                    });
                }
            }
        }
        None => {
            ui.label("Select a step on the canvas to try other volumes, times, rework or waits.");
        }
    }
    ui.add_space(12.0);
    ui.label(RichText::new("Rates").font(theme::bold(16.0)));
    let rates = scenario.rates(map);
    let mut hourly = rates.hourly_cost;
    let mut delay = rates.delay_cost_per_hour;
    let r1 = ui.add(slider(
        &mut hourly,
        (map.rates.hourly_cost * 2.0).max(100.0),
        "Labour cost / hour",
        fmt,
    ));
    let r2 = ui.add(slider(
        &mut delay,
        (map.rates.delay_cost_per_hour * 3.0).max(5.0),
        "Delay cost / item / hour",
        fmt,
    ));
    if r1.changed() || r2.changed() {
        let mut new = rates;
        new.hourly_cost = hourly;
        new.delay_cost_per_hour = delay;
        actions.push(Action::SetWhatIfRates(new));
    }
    ui.add_space(16.0);
    ui.label(RichText::new("Ctrl + / − changes the text size. F5 or Esc leaves.").weak());
}

/// A what-if slider from 0 to `max` whose number is shown and typed in
/// the number format, as every other number of the window.
fn slider<'a>(value: &'a mut f64, max: f64, label: &str, fmt: NumberStyle) -> Slider<'a> {
    Slider::new(value, 0.0..=max)
        .text(label)
        .custom_formatter(move |v, _| fmt.number(v))
        .custom_parser(move |text| fmt.parse(text).ok().flatten().map(|reading| reading.value))
}

/// A what-if slider's maximum for an attribute, in model units.
fn slider_max(attr: Attr, saved: f64) -> f64 {
    match attr {
        Attr::VolumePerMonth => (saved * 2.0).max(100.0),
        Attr::HandleMinutes => (saved * 2.0).max(10.0),
        Attr::ReworkRate => 0.95,
        Attr::ApprovalDelayHours => (saved * 2.0).max(8.0),
    }
}

/// What the "Change" column says for a lane that went from `before` to
/// `after`: both figures and the difference in words, so a saving never
/// reads as a negative cost. Empty when nothing changed.
pub fn change_text(fmt: NumberStyle, before: f64, after: f64, currency: &str) -> String {
    let delta = after - before;
    if delta.abs() < 0.5 {
        return String::new();
    }
    let verb = if delta < 0.0 { "saves" } else { "adds" };
    format!(
        "{} → {}: {verb} {} / month",
        fmt.money(before, currency),
        fmt.money(after, currency),
        fmt.money(delta.abs(), currency)
    )
}

/// The ranking for the room: a table with before → after, and a chart as
/// wide as the table leaves (never narrower than a readable chart: when
/// there is no room for one, the table has the width alone).
/// `chances` are the simulation's figures for the map the room sees.
pub fn workshop_ranking_ui(
    ui: &mut egui::Ui,
    saved: &Ranking,
    shown: &Ranking,
    chances: crate::ui::certainty_chart::Chances<'_>,
    workshop: &Workshop,
) -> crate::ui::ranking::Placed {
    let fmt = crate::ui::number_style(ui.ctx());
    use crate::ui::ranking::{Placed, row_ui};
    let shown_lanes = workshop.revealed(shown);
    let cur = &shown.currency;
    // The verdict gives the top lane away: it shows once all is revealed.
    if shown_lanes.lanes.len() == shown.lanes.len() {
        match chances.certainty.filter(|_| chances.current) {
            Some(certainty) => {
                ui.label(RichText::new(certainty.verdict_line(chances.map, shown, fmt) + ".").strong());
            }
            None => {
                ui.weak("Simulating the scenarios…");
            }
        }
    }
    let width = ui.available_width();
    let chart_w = (width * 0.4).max(360.0);
    let with_chart = width - chart_w >= 560.0;
    let table_w = if with_chart { width - chart_w - 16.0 } else { width };
    // #, lane, friction (share), chance it is the costliest, change; the
    // lane and change columns share what is left.
    let fixed = [36.0, 0.0, 170.0, 96.0, 0.0];
    let flexible = (table_w - fixed.iter().sum::<f32>() - 4.0 * 10.0).max(200.0);
    let widths = [fixed[0], flexible * 0.33, fixed[2], fixed[3], flexible * 0.67];
    let hidden = shown.lanes.len() - shown_lanes.lanes.len();
    ui.horizontal_top(|ui| {
        let table = ui
            .allocate_ui_with_layout(
                egui::vec2(table_w, ui.available_height()),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    let titles = ["#", "Lane", "Friction / month", "Costliest", "Change"];
                    row_ui(ui, &widths, None, |i, ui| {
                        ui.add(egui::Label::new(RichText::new(titles[i]).strong()).truncate());
                    });
                    let stripe = ui.visuals().faint_bg_color;
                    egui::ScrollArea::vertical()
                        .id_salt("workshop-ranking")
                        .auto_shrink([false, false])
                        .show_rows(ui, 24.0, shown.lanes.len(), |ui, rows| {
                            for row in rows {
                                let striped = (row % 2 == 1).then_some(stripe);
                                let Some(lane) = row.checked_sub(hidden).and_then(|i| shown_lanes.lanes.get(i)) else {
                                    row_ui(ui, &widths, striped, |i, ui| {
                                        match i {
                                            0 => ui.label((row + 1).to_string()),
                                            1 => ui.label(RichText::new("? ? ?").weak()),
                                            _ => ui.label(""),
                                        };
                                    });
                                    continue;
                                };
                                let before = saved.lane(&lane.lane_id).map_or(0.0, |l| l.monthly_friction);
                                let change = change_text(fmt, before, lane.monthly_friction, cur);
                                row_ui(ui, &widths, striped, |i, ui| {
                                    let text = match i {
                                        0 => RichText::new(lane.rank.to_string()),
                                        1 => RichText::new(&lane.lane).strong(),
                                        2 => RichText::new(format!(
                                            "{} ({})",
                                            fmt.money(lane.monthly_friction, cur),
                                            fmt.percent(lane.share_pct)
                                        )),
                                        3 => match chances.certainty.and_then(|c| c.lane(&lane.lane_id)) {
                                            Some(c) if chances.current => {
                                                RichText::new(chance_text(fmt, c.p_costliest))
                                            }
                                            Some(c) => RichText::new(chance_text(fmt, c.p_costliest)).weak(),
                                            None => RichText::new("…").weak(),
                                        },
                                        _ if lane.monthly_friction < before => RichText::new(&change).color(theme::OK),
                                        _ => RichText::new(&change).color(theme::ERROR),
                                    };
                                    ui.add(egui::Label::new(text).truncate());
                                });
                            }
                        })
                        .inner_rect
                },
            )
            .inner;
        let mut chart = egui::Rect::NOTHING;
        if with_chart {
            ui.separator();
            chart = ui
                .vertical(|ui| crate::ui::ranking::chart_ui(ui, &shown_lanes))
                .response
                .rect;
        }
        Placed { table, chart }
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saving_reads_as_a_saving() {
        assert_eq!(
            change_text(NumberStyle::default(), 40_061.0, 23_894.0, "USD"),
            "USD 40,061 → USD 23,894: saves USD 16,167 / month"
        );
        assert_eq!(
            change_text(NumberStyle::default(), 100.0, 250.0, "EUR"),
            "EUR 100 → EUR 250: adds EUR 150 / month"
        );
        assert_eq!(change_text(NumberStyle::default(), 100.0, 100.2, "EUR"), "");
    }
}
