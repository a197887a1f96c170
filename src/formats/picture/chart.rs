//! The ranking chart: one stacked bar of handling, rework and delay
//! per lane in rank order, with each lane's monthly friction and share, the
//! same data as the ranking panel's chart (`ui::ranking::chart_series`).

use emath::{Rect, pos2, vec2};

use super::png::{PngError, Work};
use super::text;
use super::{Anchor, Canvas, Fill, Font, Picture, Stroke};
use crate::domain::money::NumberStyle;
use crate::layout::tokens::{component_rgb, print};
use crate::scoring::{Component, Ranking};

const MARGIN: f32 = 32.0;
const LABEL_W: f32 = 300.0;
const BAR_W: f32 = 520.0;
const VALUE_W: f32 = 200.0;
const ROW_H: f32 = 36.0;
const TOP: f32 = 120.0;
const WIDTH: f32 = 2.0 * MARGIN + LABEL_W + BAR_W + VALUE_W;

/// The ranking as a chart.
pub struct ChartPicture<'a> {
    map_name: &'a str,
    ranking: &'a Ranking,
    /// How figures are written; the point style unless [`Self::numbers`] says.
    fmt: NumberStyle,
    /// The verdict line under the title: the ranking's own rule unless
    /// [`Self::verdict`] gives the simulation's.
    verdict: Option<String>,
}

impl<'a> ChartPicture<'a> {
    pub fn new(map_name: &'a str, ranking: &'a Ranking) -> Self {
        Self {
            map_name,
            ranking,
            fmt: NumberStyle::POINT,
            verdict: None,
        }
    }

    /// Writes the figures in `style`, as the window shows them.
    pub fn numbers(self, style: NumberStyle) -> Self {
        Self { fmt: style, ..self }
    }

    /// Says how sure the pick is in the simulation's words
    /// ([`crate::scoring::certainty::Certainty::verdict_line`]).
    pub fn verdict(self, line: String) -> Self {
        Self {
            verdict: Some(line),
            ..self
        }
    }
}

/// The ranking of `map_name` as an SVG bar chart (UTF-8 text).
pub fn chart_svg(map_name: &str, ranking: &Ranking) -> String {
    ChartPicture::new(map_name, ranking).svg()
}

/// The ranking chart as a PNG at `scale`, or why not (found before anything
/// is drawn).
pub fn chart_png(map_name: &str, ranking: &Ranking, scale: f32) -> Result<Vec<u8>, PngError> {
    ChartPicture::new(map_name, ranking).png(scale)
}

impl Picture for ChartPicture<'_> {
    fn size(&self) -> (f32, f32) {
        let rows = self.ranking.lanes.len().max(1) as f32;
        (WIDTH, TOP + rows * ROW_H + 44.0)
    }

    fn title(&self) -> String {
        format!("Ranking: {}", text::head(self.map_name))
    }

    /// What [`Picture::draw`] draws, counted without drawing it.
    fn work(&self, scale: f32) -> Work {
        let mut work = Work::new(scale);
        let (width, height) = self.size();
        // The title, the summary and the legend.
        for _ in 0..8 {
            work.fill(f64::from(width) * 30.0);
        }
        // The grid with its labels.
        for _ in 0..=4 {
            work.stroke(Stroke::solid(print::GRID, 1.0), f64::from(height), f64::from(height));
            work.fill(f64::from(BAR_W / 4.0 * 16.0));
        }
        for _ in &self.ranking.lanes {
            work.fill(f64::from(LABEL_W * ROW_H));
            for _ in Component::ALL {
                work.fill(f64::from(BAR_W * ROW_H));
            }
            work.fill(f64::from(VALUE_W * ROW_H));
        }
        work
    }

    fn draw(&self, canvas: &mut dyn Canvas) {
        let ranking = self.ranking;
        let width = WIDTH;
        let rows = ranking.lanes.len().max(1) as f32;
        let title = self.title();
        // Long input costs no more than MAX_CHARS: every text built from it
        // starts from its head.
        let cur = text::head(&ranking.currency);
        let fmt = self.fmt;

        canvas.text(
            MARGIN,
            24.0,
            &title,
            Font::bold(24.0),
            print::TEXT,
            width - 2.0 * MARGIN,
        );
        let verdict = self.verdict.clone().unwrap_or_else(|| ranking.verdict_line());
        let summary = format!(
            "Total friction {} per month. {verdict}",
            fmt.money(ranking.total_friction, cur)
        );
        canvas.text(
            MARGIN,
            58.0,
            &summary,
            Font::regular(14.0),
            print::WEAK_TEXT,
            width - 2.0 * MARGIN,
        );

        // Legend of the three components.
        let legend = Font::regular(13.0);
        let mut x = MARGIN + LABEL_W;
        for component in Component::ALL {
            canvas.rect(
                Rect::from_min_size(pos2(x, 88.0), vec2(14.0, 14.0)),
                2.0,
                Fill::Solid(component_rgb(component)),
                None,
            );
            canvas.text(x + 20.0, 87.0, component.name(), legend, print::TEXT, BAR_W / 3.0);
            x += 20.0 + text::width(component.name(), legend.size, legend.weight) + 24.0;
        }

        let max = ranking.lanes.iter().map(|l| l.monthly_friction).fold(0.0, f64::max);
        let bar_x = MARGIN + LABEL_W;
        // Vertical grid lines at quarters of the longest bar.
        let bottom = TOP + rows * ROW_H;
        for q in 0..=4 {
            let gx = bar_x + BAR_W * q as f32 / 4.0;
            canvas.line(pos2(gx, TOP - 6.0), pos2(gx, bottom), Stroke::solid(print::GRID, 1.0));
            canvas.text_anchored(
                gx,
                bottom + 6.0,
                &fmt.money_short(max * f64::from(q) / 4.0, cur),
                Font::regular(12.0),
                print::WEAK_TEXT,
                BAR_W / 4.0 - 8.0,
                Anchor::Middle,
            );
        }
        let label_font = Font::bold(14.0);
        let value_font = Font::regular(13.0);
        for (i, lane) in ranking.lanes.iter().enumerate() {
            let top = TOP + i as f32 * ROW_H;
            let label = format!("{}. {}", lane.rank, text::head(&lane.lane));
            let label_top = top + (ROW_H - text::line_height(label_font.size)) / 2.0;
            canvas.text_anchored(
                bar_x - 12.0,
                label_top,
                &label,
                label_font,
                print::TEXT,
                LABEL_W - 16.0,
                Anchor::End,
            );
            let mut x = bar_x;
            let bar_h = ROW_H - 12.0;
            for component in Component::ALL {
                let amount = match component {
                    Component::Handling => lane.handling,
                    Component::Rework => lane.rework,
                    Component::Delay => lane.delay,
                };
                let w = if max > 0.0 { (amount / max) as f32 * BAR_W } else { 0.0 };
                if w > 0.0 {
                    canvas.noted_rect(
                        Rect::from_min_size(pos2(x, top + 6.0), vec2(w, bar_h)),
                        component_rgb(component),
                        &format!("{}: {}", component.name(), fmt.money(amount, cur)),
                    );
                }
                x += w;
            }
            let value = format!(
                "{} · {}",
                fmt.money(lane.monthly_friction, cur),
                fmt.percent(lane.share_pct)
            );
            let value_x = x + 8.0;
            canvas.text(
                value_x,
                label_top,
                &value,
                value_font,
                print::TEXT,
                width - MARGIN - value_x,
            );
        }
    }
}
