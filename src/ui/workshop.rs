//! Workshop mode, for a facilitator projecting the app: the canvas and a
//! large ranking chart, live what-if sliders layered over the saved map, and
//! a reveal that uncovers the ranking one lane at a time from the bottom.

use eframe::egui::{self, Grid, RichText, Slider};

use crate::document::Document;
use crate::model::Attr;
use crate::scenario::Scenario;
use crate::scoring::Ranking;
use crate::theme;
use crate::ui::Action;
use crate::ui::canvas::Selection;

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

    /// The ranking with unrevealed lanes taken out.
    pub fn revealed(&self, ranking: &Ranking) -> Ranking {
        let mut shown = ranking.clone();
        if let Some(n) = self.reveal {
            let hidden = ranking.lanes.len().saturating_sub(n);
            shown.lanes.retain(|l| l.rank > hidden);
        }
        shown
    }
}

/// The workshop's top bar.
pub fn workshop_bar_ui(ui: &mut egui::Ui, saved: &Document, workshop: &Workshop, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Workshop: {}", saved.map().name)).font(theme::bold(18.0)));
        ui.separator();
        let changes = workshop.scenario.steps.len() + usize::from(workshop.scenario.rates.is_some());
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
        if ui.button("Leave workshop (Esc)").clicked() {
            actions.push(Action::ToggleWorkshop);
        }
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
    ui.label(RichText::new("What if…").font(theme::bold(20.0)));
    ui.label(RichText::new("Changes here are not saved until you apply them.").weak());
    ui.add_space(8.0);
    match selection.steps.first().and_then(|id| map.step(id)) {
        Some(step) => {
            ui.label(RichText::new(&step.name).font(theme::bold(16.0)));
            for attr in Attr::ALL {
                let saved_value = step.value(attr);
                let mut value = scenario.value(map, &step.id, attr).unwrap_or(saved_value);
                let (max, scale, label) = slider_range(attr, saved_value);
                let mut shown = value * scale;
                let resp = ui.add(Slider::new(&mut shown, 0.0..=max * scale).text(label));
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
    let r1 =
        ui.add(Slider::new(&mut hourly, 0.0..=(map.rates.hourly_cost * 2.0).max(100.0)).text("Labour cost / hour"));
    let r2 = ui.add(
        Slider::new(&mut delay, 0.0..=(map.rates.delay_cost_per_hour * 3.0).max(5.0)).text("Delay cost / item / hour"),
    );
    if r1.changed() || r2.changed() {
        let mut new = rates;
        new.hourly_cost = hourly;
        new.delay_cost_per_hour = delay;
        actions.push(Action::SetWhatIfRates(new));
    }
    ui.add_space(16.0);
    ui.label(RichText::new("Ctrl + / − changes the text size. F5 or Esc leaves.").weak());
}

/// Slider maximum (model units), display scale and label for an attribute.
fn slider_range(attr: Attr, saved: f64) -> (f64, f64, &'static str) {
    match attr {
        Attr::VolumePerMonth => ((saved * 2.0).max(100.0), 1.0, "Volume / month"),
        Attr::HandleMinutes => ((saved * 2.0).max(10.0), 1.0, "Minutes / item"),
        Attr::ReworkRate => (0.95, 100.0, "Rework %"),
        Attr::ApprovalDelayHours => ((saved * 2.0).max(8.0), 1.0, "Wait hours / item"),
    }
}

/// The ranking for the room: a large chart and a table with before → after.
pub fn workshop_ranking_ui(ui: &mut egui::Ui, saved: &Ranking, shown: &Ranking, workshop: &Workshop) {
    let fmt = crate::ui::number_style(ui.ctx());
    let shown_lanes = workshop.revealed(shown);
    let cur = &shown.currency;
    ui.horizontal_top(|ui| {
        ui.allocate_ui(
            egui::vec2((ui.available_width() * 0.45).max(420.0), ui.available_height()),
            |ui| {
                Grid::new("workshop-ranking")
                    .num_columns(4)
                    .striped(true)
                    .spacing([16.0, 8.0])
                    .show(ui, |ui| {
                        for title in ["#", "Lane", "Friction / month", "Change"] {
                            ui.label(RichText::new(title).strong());
                        }
                        ui.end_row();
                        let hidden = shown.lanes.len() - shown_lanes.lanes.len();
                        for rank in 1..=hidden {
                            ui.label(rank.to_string());
                            ui.label(RichText::new("? ? ?").weak());
                            ui.label("");
                            ui.label("");
                            ui.end_row();
                        }
                        for lane in &shown_lanes.lanes {
                            ui.label(lane.rank.to_string());
                            ui.label(RichText::new(&lane.lane).strong());
                            ui.label(format!(
                                "{} ({})",
                                fmt.money(lane.monthly_friction, cur),
                                fmt.percent(lane.share_pct)
                            ));
                            let before = saved.lane(&lane.lane_id).map_or(0.0, |l| l.monthly_friction);
                            let delta = lane.monthly_friction - before;
                            if delta.abs() >= 0.5 {
                                let color = if delta < 0.0 { theme::OK } else { theme::ERROR };
                                let sign = if delta < 0.0 { "−" } else { "+" };
                                ui.colored_label(
                                    color,
                                    format!("{} → {sign}{}", fmt.money(before, cur), fmt.money(delta.abs(), cur)),
                                );
                            } else {
                                ui.label("");
                            }
                            ui.end_row();
                        }
                    });
            },
        );
        ui.separator();
        crate::ui::ranking::chart_ui(ui, &shown_lanes);
    });
}
