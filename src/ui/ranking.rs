//! The ranking panel: ranked lanes as a table beside a stacked bar chart of
//! handling, rework and delay. Both follow every edit at once.

use eframe::egui::{self, Grid, RichText};
use egui_plot::{Bar, BarChart, GridMark, Legend, Plot};

use crate::scoring::{Component, Ranking};
use crate::theme;
use crate::ui::Action;

/// One stacked segment series of the chart: a component's amount per lane,
/// with lanes at `y = lanes - rank`, so the top lane is drawn on top.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    pub component: Component,
    /// `(y, amount, lane name)` per lane, in rank order.
    pub bars: Vec<(f64, f64, String)>,
}

/// The chart's data, derived from the ranking alone.
pub fn chart_series(ranking: &Ranking) -> Vec<ChartSeries> {
    // Position in the list, not rank, so a partial ranking (the reveal) stacks too.
    let n = ranking.lanes.len();
    Component::ALL
        .iter()
        .map(|&component| ChartSeries {
            component,
            bars: ranking
                .lanes
                .iter()
                .enumerate()
                .map(|(i, lane)| {
                    let amount = match component {
                        Component::Handling => lane.handling,
                        Component::Rework => lane.rework,
                        Component::Delay => lane.delay,
                    };
                    ((n - 1 - i) as f64, amount, lane.lane.clone())
                })
                .collect(),
        })
        .collect()
}

/// `picked` names the lanes with an active pick.
/// `effort_weeks` lists the lanes that carry an effort estimate.
pub fn ranking_ui(
    ui: &mut egui::Ui,
    ranking: &Ranking,
    highlighted: Option<&str>,
    picked: &[&str],
    effort_weeks: &[(String, f64)],
    actions: &mut Vec<Action>,
) {
    if ranking.lanes.is_empty() {
        ui.label("Add a lane with steps to see the ranking.");
        return;
    }
    verdict_ui(ui, ranking);
    // The payoff chart is offered once some lane has an effort estimate.
    let chart_id = egui::Id::unique("ranking-chart-kind");
    let mut payoff = ui.data(|d| d.get_temp::<bool>(chart_id)).unwrap_or(false) && !effort_weeks.is_empty();
    if !effort_weeks.is_empty() {
        ui.horizontal(|ui| {
            ui.label("Chart:");
            ui.selectable_value(&mut payoff, false, "Friction by lane");
            ui.selectable_value(&mut payoff, true, "Payoff vs effort");
        });
        ui.data_mut(|d| d.insert_temp(chart_id, payoff));
    }
    ui.add_space(4.0);
    // The chart keeps a readable width; the table takes the rest.
    let table_width = (ui.available_width() - 340.0).max(360.0);
    ui.horizontal_top(|ui| {
        ui.allocate_ui(egui::vec2(table_width, ui.available_height()), |ui| {
            egui::ScrollArea::both()
                .id_salt("ranking-table")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    table_ui(ui, ranking, highlighted, picked, effort_weeks, actions)
                });
        });
        ui.separator();
        if payoff {
            payoff_chart_ui(ui, ranking, effort_weeks);
        } else {
            chart_ui(ui, ranking);
        }
    });
}

/// Monthly friction against weeks of effort, one point per estimated lane:
/// the top left holds the quick wins.
fn payoff_chart_ui(ui: &mut egui::Ui, ranking: &Ranking, effort_weeks: &[(String, f64)]) {
    let fmt = crate::ui::number_style(ui.ctx());
    let cur_axis = ranking.currency.clone();
    Plot::new("payoff-chart")
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .include_x(0.0)
        .include_y(0.0)
        .x_axis_label("effort (weeks)")
        .y_axis_formatter(move |mark, _| fmt.money_short(mark.value, &cur_axis))
        .show(ui, |plot| {
            for lane in &ranking.lanes {
                let Some((_, weeks)) = effort_weeks.iter().find(|(id, _)| *id == lane.lane_id) else {
                    continue;
                };
                let point = [*weeks, lane.monthly_friction];
                plot.points(egui_plot::Points::new(lane.lane.clone(), vec![point]).radius(6.0));
                let label = egui_plot::PlotPoint::new(point[0], point[1]);
                plot.text(
                    egui_plot::Text::new(lane.lane.clone(), label, shorten(&lane.lane, 22))
                        .anchor(egui::Align2::LEFT_BOTTOM),
                );
            }
        });
}

/// Which lane to fix first, or why the ranking cannot tell yet.
fn verdict_ui(ui: &mut egui::Ui, ranking: &Ranking) {
    let fmt = crate::ui::number_style(ui.ctx());
    let Some(top) = ranking.top() else { return };
    let cur = &ranking.currency;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Fix first:").strong());
        ui.label(RichText::new(&top.lane).font(theme::bold(15.0)));
        ui.label(format!(
            "— {} / month, {} of all friction.",
            fmt.money(top.monthly_friction, cur),
            fmt.percent(top.share_pct)
        ));
        if ranking.clear_winner {
            ui.colored_label(theme::OK, "Clear winner.");
        } else {
            ui.colored_label(
                theme::WARNING,
                "Too close to call: the top two lanes' low–high ranges overlap. Refine the estimates.",
            );
        }
    });
}

fn table_ui(
    ui: &mut egui::Ui,
    ranking: &Ranking,
    highlighted: Option<&str>,
    picked: &[&str],
    effort_weeks: &[(String, f64)],
    actions: &mut Vec<Action>,
) {
    let fmt = crate::ui::number_style(ui.ctx());
    let cur = &ranking.currency;
    let with_effort = !effort_weeks.is_empty();
    let grid = Grid::new("ranking-grid")
        .num_columns(6 + usize::from(with_effort))
        .striped(true)
        .spacing([14.0, 6.0]);
    grid.show(ui, |ui| {
        for title in ["#", "", "Lane", "Friction / month", "Share"] {
            ui.label(RichText::new(title).strong());
        }
        if with_effort {
            ui.label(RichText::new("Per effort-week").strong()).on_hover_text(
                "Monthly friction divided by the weeks of effort to fix the lane (cost of delay ÷ duration)",
            );
        }
        ui.label(RichText::new("Top driver").strong());
        ui.end_row();
        for lane in &ranking.lanes {
            ui.label(lane.rank.to_string());
            if picked.contains(&lane.lane_id.as_str()) {
                ui.label(RichText::new("Picked").strong().color(theme::OK));
            } else {
                let label = format!("Pick this lane first: {}", lane.lane);
                let resp = ui.small_button("Pick first").on_hover_text("Pick this lane first");
                resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                if resp.clicked() {
                    actions.push(Action::PickLane(lane.lane_id.clone()));
                }
            }
            let driver = lane
                .top_driver
                .as_ref()
                .map_or_else(|| "—".to_owned(), |d| d.describe());
            let is_highlighted = highlighted == Some(lane.lane_id.as_str());
            let resp = ui
                .selectable_label(is_highlighted, &lane.lane)
                .on_hover_text(format!("Top driver: {driver}\nClick to show this lane on the canvas"));
            if resp.clicked() {
                actions.push(Action::HighlightLane(lane.lane_id.clone()));
            }
            ui.label(fmt.money(lane.monthly_friction, cur)).on_hover_text(format!(
                "Range {} – {}",
                fmt.money(lane.friction_low, cur),
                fmt.money(lane.friction_high, cur)
            ));
            ui.label(fmt.percent(lane.share_pct));
            if with_effort {
                let weeks = effort_weeks.iter().find(|(id, _)| *id == lane.lane_id).map(|(_, w)| *w);
                match crate::plan::friction_per_effort_week(lane, weeks) {
                    Some(per_week) => ui.label(fmt.money(per_week, cur)),
                    None => ui.label(RichText::new("—").weak()),
                };
            }
            ui.label(driver);
            ui.end_row();
        }
    });
}

/// The stacked bar chart of handling, rework and delay per lane.
pub fn chart_ui(ui: &mut egui::Ui, ranking: &Ranking) {
    let fmt = crate::ui::number_style(ui.ctx());
    let series = chart_series(ranking);
    let names: Vec<String> = ranking.lanes.iter().rev().map(|l| l.lane.clone()).collect();
    let currency = ranking.currency.clone();
    let mut charts: Vec<BarChart> = Vec::new();
    for s in &series {
        let color = theme::component_color(s.component);
        let bars = s
            .bars
            .iter()
            .map(|(y, amount, name)| Bar::new(*y, *amount).name(name).fill(color).width(0.6))
            .collect();
        let cur = currency.clone();
        let component = s.component.name();
        let mut chart = BarChart::new(capitalize(component), bars)
            .color(color)
            .horizontal()
            .element_formatter(Box::new(move |bar, _| {
                format!("{}\n{component}: {}", bar.name, fmt.money(bar.value, &cur))
            }));
        let below: Vec<&BarChart> = charts.iter().collect();
        if !below.is_empty() {
            chart = chart.stack_on(&below);
        }
        charts.push(chart);
    }
    let n = names.len();
    let cur = currency.clone();
    Plot::new("ranking-chart")
        .legend(Legend::default().position(egui_plot::Corner::RightBottom))
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_grid([true, false])
        .include_x(0.0)
        .include_y(-0.6)
        .include_y(n as f64 - 0.4)
        .y_axis_min_width(150.0)
        .y_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            names.get(i as usize).map(|s| shorten(s, 20)).unwrap_or_default()
        })
        .x_axis_formatter(move |mark, _| fmt.money_short(mark.value, &cur))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Lane, Map, Step};
    use crate::scoring::rank;

    #[test]
    fn chart_stacks_components_with_top_lane_highest() {
        let mut map = Map::new("t");
        map.lanes = vec![Lane::new("a", "Small"), Lane::new("b", "Big")];
        let mut a = Step::new("a1", "a", "a1");
        a.volume_per_month = 10.0;
        a.handle_minutes = 60.0;
        let mut b = Step::new("b1", "b", "b1");
        b.volume_per_month = 100.0;
        b.handle_minutes = 60.0;
        b.rework_rate = 0.5;
        map.steps = vec![a, b].into();
        let series = chart_series(&rank(&map));
        let handling = &series[0];
        assert_eq!(handling.component, Component::Handling);
        // "Big" ranks first, so it sits at the top (y = 1).
        assert_eq!(handling.bars[0], (1.0, 5000.0, "Big".to_owned()));
        assert_eq!(handling.bars[1], (0.0, 500.0, "Small".to_owned()));
        assert_eq!(series[1].bars[0].1, 5000.0); // Rework doubles the work.
    }
}
