//! The ranking panel: ranked lanes as a table beside a stacked bar chart of
//! handling, rework and delay. Both follow every edit at once.

use std::collections::HashMap;

use eframe::egui::{self, Rect, RichText};
use egui_plot::{Bar, BarChart, GridMark, Plot};

use crate::scoring::certainty::{Sureness, chance_text};
use crate::scoring::{Component, Ranking, Verdict};
use crate::ui::Action;
use crate::ui::certainty_chart::Chances;
use crate::ui::shorten;
use crate::ui::theme;

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

/// Where the ranking put its table and chart this frame.
#[derive(Clone, Copy, Debug)]
pub struct Placed {
    /// The part of the table that can be seen.
    pub table: Rect,
    /// The chart, or `Rect::NOTHING` when it was left out for room.
    pub chart: Rect,
}

impl Placed {
    const NOTHING: Self = Self {
        table: Rect::NOTHING,
        chart: Rect::NOTHING,
    };
}

/// A column of the ranking table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    Rank,
    Pick,
    Lane,
    Friction,
    Share,
    Chance,
    Spread,
    Cumulative,
    PerEffort,
    Driver,
}

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Rank => "#",
            Column::Pick => "",
            Column::Lane => "Lane",
            Column::Friction => "Friction / month",
            Column::Share => "Share",
            Column::Chance => "Costliest",
            Column::Spread => "P10 – P90",
            Column::Cumulative => "Cumulative",
            Column::PerEffort => "Per effort-week",
            Column::Driver => "Top driver",
        }
    }

    /// The width a fixed column takes, or the least a flexible one (lane,
    /// driver) gets.
    fn min_width(self) -> f32 {
        match self {
            Column::Rank => 30.0,
            Column::Pick => 84.0,
            Column::Lane => 130.0,
            Column::Friction => 112.0,
            Column::Share => 52.0,
            Column::Chance => 68.0,
            Column::Spread => 170.0,
            Column::Cumulative => 84.0,
            Column::PerEffort => 116.0,
            Column::Driver => 140.0,
        }
    }
}

/// What the chart beside the table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum ChartKind {
    #[default]
    Friction,
    Sureness,
    Payoff,
}

/// What the table's cells are filled from besides the ranking.
struct Cells<'a> {
    highlighted: Option<&'a str>,
    picked: &'a [&'a str],
    effort_weeks: &'a [(String, f64)],
    chances: Chances<'a>,
}

/// Room between columns.
const COLUMN_GAP: f32 = 10.0;
/// The chart is shown only when it gets at least this much width.
const CHART_MIN_W: f32 = 330.0;
/// The chart shows the top lanes only: beyond a dozen bars it is no longer
/// read, and a map may have 30,000 lanes.
pub const CHART_LANES: usize = 12;
/// Height of a table row.
const ROW_H: f32 = 24.0;

/// Which columns fit in `width`, with their widths, and whether the chart
/// fits beside them. Lane, friction per month, share, the chance of being
/// the costliest and top driver always stay; what does not fit goes in this
/// order: the cumulative share, the P10–P90 range (then shown on hover over
/// the chance), the chart, then friction per effort-week (there only when
/// the user gave effort estimates). Extra room goes to the lane and driver
/// columns.
pub fn table_layout(width: f32, with_effort: bool) -> (Vec<(Column, f32)>, bool) {
    use Column::*;
    let needed = |cols: &[Column]| {
        cols.iter().map(|c| c.min_width()).sum::<f32>() + COLUMN_GAP * cols.len().saturating_sub(1) as f32
    };
    let mut columns = vec![Rank, Pick, Lane, Friction, Share, Chance, Spread, Cumulative];
    if with_effort {
        columns.push(PerEffort);
    }
    columns.push(Driver);
    let chart_room = CHART_MIN_W + 2.0 * COLUMN_GAP;
    // What goes where the panel is narrow, in this order: a column, or the
    // chart (`None`).
    let mut chart = true;
    for optional in [Some(Cumulative), Some(Spread), None, Some(PerEffort)] {
        let room = if chart { width - chart_room } else { width };
        if needed(&columns) <= room {
            break;
        }
        match optional {
            Some(column) => columns.retain(|&c| c != column),
            None => chart = false,
        }
    }
    // The chart takes what the table leaves, up to a third of the width.
    let table_w = if chart {
        (width - chart_room).min((width * 2.0 / 3.0).max(needed(&columns)))
    } else {
        width
    };
    let spare = (table_w - needed(&columns)).max(0.0);
    // The lane name gets up to 180 more, the driver the rest.
    let lane_extra = spare.min(180.0);
    let widths = columns
        .into_iter()
        .map(|c| {
            let extra = match c {
                Lane => lane_extra,
                Driver => spare - lane_extra,
                _ => 0.0,
            };
            (c, c.min_width() + extra)
        })
        .collect();
    (widths, chart)
}

/// One table row, on `background` if given: `add` fills each cell in a
/// child of its own, cut at the cell's edge.
pub fn row_ui(
    ui: &mut egui::Ui,
    widths: &[f32],
    background: Option<egui::Color32>,
    mut add: impl FnMut(usize, &mut egui::Ui),
) -> Rect {
    let total = widths.iter().sum::<f32>() + COLUMN_GAP * widths.len().saturating_sub(1) as f32;
    let (row, _) = ui.allocate_exact_size(egui::vec2(total, ROW_H), egui::Sense::hover());
    if let Some(fill) = background {
        ui.painter().rect_filled(row, 2.0, fill);
    }
    let mut x = row.left();
    for (i, &w) in widths.iter().enumerate() {
        let cell = Rect::from_min_size(egui::pos2(x, row.top()), egui::vec2(w, ROW_H));
        let mut child = ui.new_child(
            egui::UiBuilder::new()
                .max_rect(cell)
                .layout(egui::Layout::left_to_right(egui::Align::Center)),
        );
        child.shrink_clip_rect(cell);
        add(i, &mut child);
        x += w + COLUMN_GAP;
    }
    row
}

/// A cell's text, cut with "…" where it does not fit; the whole text shows
/// on hover.
fn cell(ui: &mut egui::Ui, text: impl Into<egui::WidgetText>) -> egui::Response {
    ui.add(egui::Label::new(text).truncate())
}

/// `picked` names the lanes with an active pick.
/// `effort_weeks` lists the lanes that carry an effort estimate.
#[allow(clippy::too_many_arguments)]
pub fn ranking_ui(
    ui: &mut egui::Ui,
    ranking: &Ranking,
    chances: Chances<'_>,
    highlighted: Option<&str>,
    picked: &[&str],
    effort_weeks: &[(String, f64)],
    actions: &mut Vec<Action>,
) -> Placed {
    if ranking.lanes.is_empty() {
        ui.label("Add a lane with steps to see the ranking.");
        return Placed::NOTHING;
    }
    verdict_ui(ui, ranking, chances);
    let chart_id = egui::Id::unique("ranking-chart-kind");
    let narrow_id = egui::Id::unique("ranking-narrow-view");
    let mut kind = ui.data(|d| d.get_temp::<ChartKind>(chart_id)).unwrap_or_default();
    if kind == ChartKind::Payoff && effort_weeks.is_empty() {
        kind = ChartKind::Friction;
    }
    let (columns, with_chart) = table_layout(ui.available_width(), !effort_weeks.is_empty());
    // Where the chart has no room beside the table, it takes the table's
    // place when asked for: `None` is the table.
    let mut instead = ui.data(|d| d.get_temp::<Option<ChartKind>>(narrow_id)).flatten();
    ui.horizontal(|ui| {
        ui.label("Chart:");
        if !with_chart {
            ui.selectable_value(&mut instead, None, "Table");
        }
        let mut choice = |ui: &mut egui::Ui, value: ChartKind, text: &str| {
            let on = if with_chart {
                kind == value
            } else {
                instead == Some(value)
            };
            let resp = ui.selectable_label(on, text);
            if resp.clicked() {
                kind = value;
                instead = Some(value);
            }
            resp
        };
        choice(ui, ChartKind::Friction, "Friction by lane");
        choice(ui, ChartKind::Sureness, "How sure")
            .on_hover_text("What could change the pick, and the spread of the top three lanes");
        // The payoff chart is offered once some lane has an effort estimate.
        if !effort_weeks.is_empty() {
            choice(ui, ChartKind::Payoff, "Payoff vs effort");
        }
    });
    ui.data_mut(|d| {
        d.insert_temp(chart_id, kind);
        d.insert_temp(narrow_id, instead);
    });
    ui.add_space(4.0);
    let chart_ui_of = |ui: &mut egui::Ui, kind: ChartKind| match kind {
        ChartKind::Payoff => payoff_chart_ui(ui, ranking, effort_weeks),
        ChartKind::Sureness => crate::ui::certainty_chart::sureness_chart_ui(ui, ranking, chances),
        ChartKind::Friction => chart_ui(ui, ranking),
    };
    if let (false, Some(kind)) = (with_chart, instead) {
        let chart = ui.vertical(|ui| chart_ui_of(ui, kind)).response.rect;
        return Placed {
            table: Rect::NOTHING,
            chart,
        };
    }
    let table_w = columns.iter().map(|(_, w)| w + COLUMN_GAP).sum::<f32>();
    ui.horizontal_top(|ui| {
        let table = ui
            .allocate_ui_with_layout(
                egui::vec2(table_w, ui.available_height()),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    let cells = Cells {
                        highlighted,
                        picked,
                        effort_weeks,
                        chances,
                    };
                    table_ui(ui, ranking, &columns, &cells, actions)
                },
            )
            .inner;
        let mut chart = Rect::NOTHING;
        if with_chart {
            ui.separator();
            chart = ui.vertical(|ui| chart_ui_of(ui, kind)).response.rect;
        }
        Placed { table, chart }
    })
    .inner
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
            for (lane_id, weeks) in effort_weeks {
                let Some(lane) = ranking.lane(lane_id) else { continue };
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

/// Which lane to fix first and how sure that is, or why the ranking cannot
/// tell yet.
fn verdict_ui(ui: &mut egui::Ui, ranking: &Ranking, chances: Chances<'_>) {
    let fmt = crate::ui::number_style(ui.ctx());
    let Some(top) = ranking.top() else { return };
    let cur = &ranking.currency;
    if ranking.verdict() == Verdict::NoFriction {
        ui.colored_label(
            theme::WARNING,
            "No friction yet: enter volumes and minutes on the steps to rank the lanes.",
        );
        return;
    }
    let Some(certainty) = chances.certainty.filter(|_| chances.current) else {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Ranked first:").strong());
            ui.label(RichText::new(&top.lane).font(theme::bold(15.0)));
            ui.label(format!("— {} / month.", fmt.money(top.monthly_friction, cur)));
            ui.weak(format!(
                "Simulating {} scenarios to tell how sure the pick is…",
                fmt.thousands(chances.map.simulation.draws as f64, 0)
            ));
        });
        return;
    };
    let sureness = certainty.sureness(ranking);
    ui.horizontal_wrapped(|ui| match sureness {
        Sureness::FixFirst { row } => {
            let lane = &ranking.lanes[row];
            ui.label(RichText::new("Fix first:").strong());
            ui.label(RichText::new(&lane.lane).font(theme::bold(15.0)));
            ui.label(format!(
                "— {} / month, costliest in {} of {} scenarios.",
                fmt.money(lane.monthly_friction, cur),
                chance_text(fmt, certainty.lanes[row].p_costliest),
                fmt.thousands(certainty.draws as f64, 0)
            ));
            if row != 0 {
                ui.colored_label(
                    theme::WARNING,
                    format!(
                        "Its point values rank it {}: the ranges say it is costlier than {}.",
                        lane.rank, top.lane
                    ),
                );
            }
        }
        Sureness::TooClose { first, second } => {
            ui.colored_label(theme::WARNING, RichText::new("Too close to call:").strong());
            ui.label(format!(
                "{} {}, {} {}.",
                ranking.lanes[first].lane,
                chance_text(fmt, certainty.lanes[first].p_costliest),
                ranking.lanes[second].lane,
                chance_text(fmt, certainty.lanes[second].p_costliest),
            ));
            let narrow = certainty.narrow_these(chances.map, 3);
            if !narrow.is_empty() {
                ui.label(format!("Narrow these estimates: {}.", narrow.join("; ")));
            }
        }
        Sureness::OnlyLane => {
            ui.label(RichText::new("Fix first:").strong());
            ui.label(RichText::new(&top.lane).font(theme::bold(15.0)));
            ui.label(format!(
                "— {} / month. The only lane: nothing to compare.",
                fmt.money(top.monthly_friction, cur)
            ));
        }
        Sureness::NoRanges | Sureness::NoFriction => {
            ui.label(RichText::new("Fix first:").strong());
            ui.label(RichText::new(&top.lane).font(theme::bold(15.0)));
            ui.label(format!(
                "— {} / month, {} of all friction.",
                fmt.money(top.monthly_friction, cur),
                fmt.percent(top.share_pct)
            ));
            ui.colored_label(
                theme::WARNING,
                "Leads, but no ranges entered: add low/high estimates to see how sure this is.",
            );
        }
    });
}

/// The table: a header that stays put and only the rows in view, so a
/// ranking of 30,000 lanes costs what one of 20 does. Returns the part of
/// the table that can be seen.
fn table_ui(
    ui: &mut egui::Ui,
    ranking: &Ranking,
    columns: &[(Column, f32)],
    cells: &Cells<'_>,
    actions: &mut Vec<Action>,
) -> Rect {
    let Cells {
        highlighted,
        picked,
        effort_weeks,
        chances,
    } = *cells;
    let fmt = crate::ui::number_style(ui.ctx());
    let cur = &ranking.currency;
    let widths: Vec<f32> = columns.iter().map(|(_, w)| *w).collect();
    let effort: HashMap<&str, f64> = effort_weeks.iter().map(|(id, w)| (id.as_str(), *w)).collect();
    row_ui(ui, &widths, None, |i, ui| {
        let column = columns[i].0;
        let resp = cell(ui, RichText::new(column.title()).strong());
        match column {
            Column::PerEffort => {
                resp.on_hover_text(
                    "Monthly friction divided by the weeks of effort to fix the lane (cost of delay ÷ duration)",
                );
            }
            Column::Chance => {
                resp.on_hover_text(
                    "Chance it is the costliest: the share of simulated scenarios, drawn from the low–high \
                     estimates, in which this lane has the highest friction",
                );
            }
            Column::Spread => {
                resp.on_hover_text("Monthly friction in 10% and in 90% of the scenarios: the lane's likely range");
            }
            _ => {}
        }
    });
    let stripe = ui.visuals().faint_bg_color;
    egui::ScrollArea::vertical()
        .id_salt("ranking-table")
        .auto_shrink([false, false])
        .show_rows(ui, ROW_H, ranking.lanes.len(), |ui, rows| {
            for lane in &ranking.lanes[rows] {
                let driver = lane
                    .top_driver
                    .as_ref()
                    .map_or_else(|| "—".to_owned(), |d| d.describe());
                let striped = (lane.rank % 2 == 0).then_some(stripe);
                row_ui(ui, &widths, striped, |i, ui| match columns[i].0 {
                    Column::Rank => {
                        cell(ui, lane.rank.to_string());
                    }
                    Column::Pick => {
                        if picked.contains(&lane.lane_id.as_str()) {
                            cell(ui, RichText::new("Picked").strong().color(theme::OK));
                        } else {
                            let label = format!("Pick this lane first: {}", lane.lane);
                            let resp = ui.small_button("Pick first").on_hover_text("Pick this lane first");
                            resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                            if resp.clicked() {
                                actions.push(Action::PickLane(lane.lane_id.clone()));
                            }
                        }
                    }
                    Column::Lane => {
                        let is_highlighted = highlighted == Some(lane.lane_id.as_str());
                        let resp = ui
                            .add(egui::Button::selectable(is_highlighted, &lane.lane).truncate())
                            .on_hover_text(format!(
                                "{}\nTop driver: {driver}\nClick to show this lane on the canvas",
                                lane.lane
                            ));
                        if resp.clicked() {
                            actions.push(Action::HighlightLane(lane.lane_id.clone()));
                        }
                    }
                    Column::Friction => {
                        cell(ui, fmt.money(lane.monthly_friction, cur)).on_hover_text(format!(
                            "Range {} – {}",
                            fmt.money(lane.friction_low, cur),
                            fmt.money(lane.friction_high, cur)
                        ));
                    }
                    Column::Share => {
                        cell(ui, fmt.percent(lane.share_pct));
                    }
                    Column::Chance | Column::Spread => {
                        let figures = chances.certainty.and_then(|c| c.lane(&lane.lane_id));
                        let Some(c) = figures else {
                            cell(ui, RichText::new("…").weak()).on_hover_text("Simulating the scenarios…");
                            return;
                        };
                        let text = if columns[i].0 == Column::Chance {
                            chance_text(fmt, c.p_costliest)
                        } else {
                            format!(
                                "{} – {}",
                                fmt.money(c.friction_p10, cur),
                                fmt.money(c.friction_p90, cur)
                            )
                        };
                        let text = RichText::new(text);
                        let resp = cell(ui, if chances.current { text } else { text.weak() });
                        let mut hover = format!(
                            "P10 – P90: {} – {} a month",
                            fmt.money(c.friction_p10, cur),
                            fmt.money(c.friction_p90, cur)
                        );
                        if !chances.current {
                            hover.push_str("\nUpdating after the last change…");
                        }
                        resp.on_hover_text(hover);
                    }
                    Column::Cumulative => {
                        cell(ui, fmt.percent(lane.cumulative_pct))
                            .on_hover_text("Share of all friction in this lane and the lanes above it");
                    }
                    Column::PerEffort => {
                        let weeks = effort.get(lane.lane_id.as_str()).copied();
                        match crate::plan::friction_per_effort_week(lane, weeks) {
                            Some(per_week) => cell(ui, fmt.money(per_week, cur)),
                            None => cell(ui, RichText::new("—").weak()),
                        };
                    }
                    Column::Driver => {
                        cell(ui, &driver);
                    }
                });
            }
        })
        .inner_rect
}

/// The stacked bar chart of handling, rework and delay for the top
/// [`CHART_LANES`] lanes, with its legend above the plot (never over a bar)
/// and a money scale along the bottom.
pub fn chart_ui(ui: &mut egui::Ui, ranking: &Ranking) {
    let fmt = crate::ui::number_style(ui.ctx());
    let mut top = ranking.clone();
    if top.lanes.len() > CHART_LANES {
        top.lanes.truncate(CHART_LANES);
    }
    let series = chart_series(&top);
    let names: Vec<String> = top.lanes.iter().rev().map(|l| l.lane.clone()).collect();
    let currency = ranking.currency.clone();
    ui.horizontal_wrapped(|ui| {
        for component in Component::ALL {
            legend_key(ui, theme::component_color(component), &capitalize(component.name()));
        }
        if ranking.lanes.len() > CHART_LANES {
            ui.label(RichText::new(format!("top {CHART_LANES} of {} lanes", ranking.lanes.len())).weak());
        }
    });
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
    let widest = top.lanes.iter().map(|l| l.monthly_friction).fold(0.0, f64::max);
    let step = money_step(widest);
    let cur = currency.clone();
    // Lane names take at most a third of the chart.
    let names_w = (ui.available_width() / 3.0).clamp(90.0, 160.0);
    let name_chars = (names_w / 7.5) as usize;
    crate::ui::plots::named_rows(crate::ui::plots::fixed("ranking-chart"), names, name_chars, names_w)
        .include_x(0.0)
        .include_x(widest * 1.05)
        .x_grid_spacer(move |input| {
            let (lo, hi) = input.bounds;
            let first = (lo / step).ceil().max(0.0) as i64;
            let last = (hi / step).floor() as i64;
            (first..=last)
                .map(|k| GridMark {
                    value: k as f64 * step,
                    step_size: step,
                })
                .collect()
        })
        .x_axis_label(format!("friction per month ({currency})"))
        .x_axis_formatter(move |mark, _| fmt.money_short(mark.value, &cur))
        .show(ui, |plot| {
            for chart in charts {
                plot.bar_chart(chart);
            }
        });
}

/// A round step for the money scale: three or four ticks across `widest`.
fn money_step(widest: f64) -> f64 {
    if widest <= 0.0 || !widest.is_finite() {
        return 1.0;
    }
    let rough = widest / 3.0;
    let magnitude = 10f64.powf(rough.log10().floor());
    let unit = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .find(|u| u * magnitude >= rough)
        .unwrap_or(10.0);
    unit * magnitude
}

/// A legend entry: a swatch of `color` and its name.
fn legend_key(ui: &mut egui::Ui, color: egui::Color32, name: &str) {
    let (swatch, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().rect_filled(swatch, 2.0, color);
    ui.label(name);
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Lane, Map, Step};
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

    #[test]
    fn money_steps_are_round() {
        assert_eq!(money_step(26_674.0), 10_000.0);
        assert_eq!(money_step(40_061.0), 20_000.0);
        assert_eq!(money_step(900.0), 500.0);
        assert_eq!(money_step(0.0), 1.0);
    }

    #[test]
    fn columns_collapse_in_the_stated_order() {
        let names = |w: f32, effort: bool| {
            let (cols, chart) = table_layout(w, effort);
            (cols.into_iter().map(|(c, _)| c).collect::<Vec<_>>(), chart)
        };
        use Column::*;
        let (wide, chart) = names(2200.0, true);
        assert!(chart);
        let all = [
            Rank, Pick, Lane, Friction, Share, Chance, Spread, Cumulative, PerEffort, Driver,
        ];
        assert_eq!(wide, all);
        let width = |cols: &[Column]| cols.iter().map(|c| c.min_width() + COLUMN_GAP).sum::<f32>() - COLUMN_GAP;
        let chart_room = CHART_MIN_W + 2.0 * COLUMN_GAP;
        // The cumulative share goes first, then the P10–P90 range, then the
        // chart, then per effort-week.
        let full = width(&all) + chart_room;
        assert_eq!(names(full, true), (wide.clone(), true));
        let no_cumulative = [Rank, Pick, Lane, Friction, Share, Chance, Spread, PerEffort, Driver];
        assert_eq!(names(full - 1.0, true), (no_cumulative.to_vec(), true));
        let core = [Rank, Pick, Lane, Friction, Share, Chance, PerEffort, Driver];
        assert_eq!(
            names(width(&no_cumulative) + chart_room - 1.0, true),
            (core.to_vec(), true)
        );
        assert_eq!(names(width(&core) + chart_room - 1.0, true), (core.to_vec(), false));
        let least = [Rank, Pick, Lane, Friction, Share, Chance, Driver];
        assert_eq!(names(width(&core) - 1.0, true), (least.to_vec(), false));
        assert_eq!(names(700.0, true).0, least);
        // The columns never ask for more than the width they were given (from
        // the least the ones that always stay need, 676).
        for w in [676.0, 800.0, 900.0, 1400.0] {
            let (cols, _) = table_layout(w, true);
            let used: f32 = cols.iter().map(|(_, w)| w + COLUMN_GAP).sum::<f32>() - COLUMN_GAP;
            assert!(used <= w + 0.01, "{used} > {w}");
        }
    }
}
