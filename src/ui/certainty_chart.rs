//! The "How sure" chart beside the ranking: what could change the pick, as
//! a tornado of each uncertain input's swing, and the spread of the top
//! three lanes' friction over the simulated scenarios.

use eframe::egui::{self, RichText};
use egui_plot::{Bar, BarChart, Line, PlotPoints, VLine};

use crate::domain::model::Map;
use crate::scoring::Ranking;
use crate::scoring::certainty::Certainty;
use crate::ui::plots;
use crate::ui::theme;

/// The simulation's figures as the ranking shows them: `current` is false
/// while figures of an earlier version of the map wait for the new run.
#[derive(Clone, Copy)]
pub struct Chances<'a> {
    pub map: &'a Map,
    pub certainty: Option<&'a Certainty>,
    pub current: bool,
}

/// Bars in the tornado at most: beyond a handful the chart is no longer
/// read. Fewer where the panel is low.
const TORNADO_BARS: usize = 8;
/// Bins of each lane's distribution.
const BINS: usize = 40;

pub fn sureness_chart_ui(ui: &mut egui::Ui, ranking: &Ranking, chances: Chances<'_>) {
    let Some(certainty) = chances.certainty else {
        ui.weak("Simulating the scenarios…");
        return;
    };
    if certainty.uncertain_inputs == 0 {
        ui.label("No ranges entered: add low/high estimates to steps to see what could change the pick.");
        return;
    }
    // Side by side where the panel is wide: one above the other, a panel
    // of a 1000-point window had room for one bar of the tornado and a
    // sliver of the spread. A plot reaches down to the panel's bottom,
    // except the tornado above the spread.
    let bottom = ui.cursor().top() + ui.available_height();
    if ui.available_width() >= SIDE_BY_SIDE_W {
        ui.columns(2, |columns| {
            tornado_ui(&mut columns[0], ranking, chances, certainty, (f32::INFINITY, bottom));
            spread_ui(&mut columns[1], ranking, certainty, (f32::INFINITY, bottom));
        });
    } else {
        // About 90 points of headings, notes and keys; the tornado gets a
        // little more than half the rest: its names.
        let tornado = (ui.available_height() - 90.0).max(160.0) * 0.55;
        tornado_ui(ui, ranking, chances, certainty, (tornado, bottom));
        spread_ui(ui, ranking, certainty, (f32::INFINITY, bottom));
    }
}

/// A plot's height: as asked, but ending above `bottom` (its heading may
/// wrap onto more lines than another's).
fn fit(ui: &egui::Ui, height: f32, bottom: f32) -> f32 {
    height.min(bottom - ui.cursor().top() - 4.0).max(80.0)
}

/// The width from which the two plots stand side by side.
const SIDE_BY_SIDE_W: f32 = 640.0;

/// Each input's swing of the top lane's lead: where the bar crosses zero,
/// another lane would be first.
fn tornado_ui(
    ui: &mut egui::Ui,
    ranking: &Ranking,
    chances: Chances<'_>,
    certainty: &Certainty,
    (height, bottom): (f32, f32),
) {
    let fmt = crate::ui::number_style(ui.ctx());
    let Some(top) = ranking.top() else { return };
    let changers = certainty.pick_changers().count();
    ui.label(RichText::new(format!("What could change the pick ({} ahead of the rest)", top.lane)).strong())
        .on_hover_text(
            "Each input set to its low and then its high, everything else at its value: how far ahead \
             of the costliest other lane the top lane stays. Red bars cross zero: that input alone \
             could change the pick.",
        );
    if changers == 0 {
        ui.weak("No single input can change the pick.");
    }
    let height = fit(ui, height, bottom);
    // The plot loses about 45 points to its axis, and a name is drawn only
    // beside a bar at least 20 points (fully from 30) from the next.
    let bars = (((height - 45.0) / 28.0).floor() as usize).clamp(1, TORNADO_BARS);
    let shown: Vec<_> = certainty.swings.iter().take(bars).collect();
    let names: Vec<String> = (shown.iter().rev())
        .map(|s| {
            let step = chances.map.steps.get(s.step);
            let name = step.as_ref().map_or("?", |s| s.name.as_str());
            format!("{name}: {}", s.attr.noun())
        })
        .collect();
    let bars: Vec<Bar> = (shown.iter().rev().enumerate())
        .map(|(y, s)| {
            let (from, to) = (s.lead_at_low.min(s.lead_at_high), s.lead_at_low.max(s.lead_at_high));
            let color = if s.changes_pick() { theme::ERROR } else { theme::NEUTRAL };
            Bar::new(y as f64, to - from)
                .base_offset(from)
                .fill(color)
                .width(0.6)
                .name(&names[y])
        })
        .collect();
    let cur = ranking.currency.clone();
    let cur_axis = cur.clone();
    let chart = BarChart::new("swing", bars)
        .horizontal()
        .element_formatter(Box::new(move |bar, _| {
            format!(
                "{}\nlead {} to {}",
                bar.name,
                fmt.money_short(bar.base_offset.unwrap_or(0.0), &cur),
                fmt.money_short(bar.base_offset.unwrap_or(0.0) + bar.value, &cur)
            )
        }));
    let name_w = (ui.available_width() / 3.0).clamp(90.0, 180.0);
    let chars = (name_w / 7.0) as usize;
    plots::named_rows(plots::fixed("sureness-tornado"), names, chars, name_w)
        .height(height)
        .include_x(0.0)
        .x_axis_label(format!("lead of the top lane, {cur_axis} a month"))
        .x_axis_formatter(move |mark, _| fmt.short(mark.value))
        .show(ui, |plot| {
            plot.bar_chart(chart);
            plot.vline(VLine::new("pick changes", 0.0).color(theme::WARNING).width(1.5));
        });
}

/// Histograms of the top three lanes' monthly friction over the scenarios.
fn spread_ui(ui: &mut egui::Ui, ranking: &Ranking, certainty: &Certainty, (height, bottom): (f32, f32)) {
    let fmt = crate::ui::number_style(ui.ctx());
    let draws = &certainty.top_draws;
    // The key on the heading's line: a legend inside the plot covered the
    // curves wherever it sat.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Friction of the top three lanes over the scenarios").strong());
        for (row, lane) in ranking.lanes.iter().enumerate().take(draws.len()) {
            let color = theme::LANE_COLORS[row % theme::LANE_COLORS.len()];
            ui.label(RichText::new(format!("● {}", lane.lane)).color(color));
        }
    });
    let lo = draws
        .iter()
        .filter_map(|d| d.first())
        .copied()
        .fold(f64::INFINITY, f64::min);
    let hi = draws
        .iter()
        .filter_map(|d| d.last())
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return;
    }
    let height = fit(ui, height, bottom);
    let width = ((hi - lo) / BINS as f64).max(hi.abs() * 1e-9).max(1e-9);
    let cur = ranking.currency.clone();
    plots::fixed("sureness-spread")
        .height(height)
        .show_y(false)
        .show_axes([true, false])
        .include_y(0.0)
        .x_axis_label(format!("friction, {cur} a month"))
        .x_axis_formatter(move |mark, _| fmt.short(mark.value))
        .show(ui, |plot| {
            for (row, sorted) in draws.iter().enumerate() {
                let Some(lane) = ranking.lanes.get(row) else { continue };
                let points = histogram(sorted, lo, width);
                let color = theme::LANE_COLORS[row % theme::LANE_COLORS.len()];
                plot.line(
                    Line::new(lane.lane.clone(), PlotPoints::from(points))
                        .color(color)
                        .fill(0.0)
                        .width(2.0),
                );
            }
        });
}

/// The share of `sorted` in each bin from `lo`, `width` wide, as the
/// outline of a histogram.
fn histogram(sorted: &[f64], lo: f64, width: f64) -> Vec<[f64; 2]> {
    let mut counts = [0usize; BINS];
    for &v in sorted {
        let bin = (((v - lo) / width) as usize).min(BINS - 1);
        counts[bin] += 1;
    }
    let n = sorted.len().max(1) as f64;
    let mut points = Vec::with_capacity(2 * BINS + 2);
    points.push([lo, 0.0]);
    for (k, &c) in counts.iter().enumerate() {
        let share = c as f64 / n;
        points.push([lo + k as f64 * width, share]);
        points.push([lo + (k + 1) as f64 * width, share]);
    }
    points.push([lo + BINS as f64 * width, 0.0]);
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_holds_every_draw_once() {
        let draws: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let points = histogram(&draws, 0.0, 999.0 / BINS as f64);
        let total: f64 = points.iter().skip(1).step_by(2).map(|p| p[1]).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        // A lane whose friction is the same in every scenario: one bin.
        let same = histogram(&[5.0; 10], 5.0, 1e-9);
        assert_eq!(same[1][1], 1.0);
    }
}
