//! The whole map as one picture: a title, a legend of the heat scale,
//! every lane band with its friction, every step card coloured by friction,
//! and every edge. Drawn from the canvas's own layout, in the light look.

use std::collections::HashMap;

use emath::{Pos2, Rect, Vec2, pos2, vec2};

use super::png::{PngError, Work};
use super::text::{self, Weight};
use super::{Anchor, Canvas, Fill, Font, Picture, Stroke};
use crate::domain::model::{Map, Step};
use crate::domain::money::NumberStyle;
use crate::layout::tokens::{CONNECTOR_R, heat_rgb, print};
use crate::layout::{Layout, edge_curve};
use crate::scoring::{LaneScore, Ranking, score_step};

const MARGIN: f32 = 32.0;
/// Height of the title and legend block above the lanes.
const HEADER_H: f32 = 112.0;
const LEGEND_W: f32 = 260.0;
const LANE_NAME: Font = Font::bold(17.0);
const LANE_FIGURE: Font = Font::bold(15.0);
const CARD_TITLE: Font = Font::bold(15.0);
const SMALL: Font = Font::regular(13.0);
const CARD_RADIUS: f32 = 8.0;
const FLOW: Stroke = Stroke::solid(print::EDGE, 1.8);
const HANDOFF: Stroke = Stroke::dashed(print::HANDOFF, 2.5, [9.0, 6.0]);
const BORDER: Stroke = Stroke::solid(print::BORDER, 1.0);
/// The texts a lane's header and a card hold at most.
const TEXTS_PER_LANE: u64 = 5;
const TEXTS_PER_CARD: u64 = 4;

/// The whole map, laid out as on the canvas.
pub struct MapPicture<'a> {
    map: &'a Map,
    ranking: &'a Ranking,
    /// How figures are written; the point style unless [`Self::numbers`] says.
    fmt: NumberStyle,
    /// The verdict line under the title: the ranking's own rule unless
    /// [`Self::verdict`] gives the simulation's.
    verdict: Option<String>,
    layout: Layout,
    /// Scene coordinates to picture coordinates.
    shift: Vec2,
    width: f32,
    height: f32,
}

impl<'a> MapPicture<'a> {
    /// Lays the map out; nothing is drawn yet.
    pub fn new(map: &'a Map, ranking: &'a Ranking) -> Self {
        let layout = Layout::of(map);
        let bounds = layout.bounds();
        Self {
            map,
            ranking,
            fmt: NumberStyle::POINT,
            verdict: None,
            shift: vec2(MARGIN - bounds.min.x, HEADER_H - bounds.min.y),
            width: bounds.width() + 2.0 * MARGIN,
            height: HEADER_H + bounds.height() + MARGIN,
            layout,
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

/// The map as an SVG document (UTF-8 text).
pub fn map_svg(map: &Map, ranking: &Ranking) -> String {
    MapPicture::new(map, ranking).svg()
}

/// The map as a PNG at `scale`, or why not (found before anything is drawn).
pub fn map_png(map: &Map, ranking: &Ranking, scale: f32) -> Result<Vec<u8>, PngError> {
    MapPicture::new(map, ranking).png(scale)
}

impl Picture for MapPicture<'_> {
    fn size(&self) -> (f32, f32) {
        (self.width, self.height)
    }

    fn title(&self) -> String {
        self.map.name.clone()
    }

    /// What [`Picture::draw`] draws, counted without drawing it: every
    /// text at the most it can hold, every curve by its control points
    /// (their polygon is longer than the curve, their box holds it).
    fn work(&self, scale: f32) -> Work {
        let mut work = Work::new(scale);
        let text = |work: &mut Work, font: Font, width: f32| {
            work.fill(f64::from(width) * f64::from(text::line_height(font.size)));
        };
        // The title, two lines under it and the legend.
        for _ in 0..8 {
            text(&mut work, LANE_NAME, self.width / 2.0);
        }
        work.fill(f64::from(LEGEND_W * 14.0));
        work.stroke(FLOW, 32.0, 0.0);
        work.stroke(HANDOFF, 32.0, 0.0);
        for band in &self.layout.bands {
            work.fill(f64::from(band.rect.area()));
            work.fill(f64::from(band.header.area()));
            work.stroke(BORDER, f64::from(band.rect.width()), 0.0);
            for _ in 0..TEXTS_PER_LANE {
                text(&mut work, LANE_NAME, band.header.width());
            }
        }
        for card in &self.layout.cards {
            work.fill(f64::from(card.area()));
            let perimeter = 2.0 * (card.width() + card.height());
            work.stroke(BORDER, f64::from(perimeter), f64::from(card.height()));
            for _ in 0..TEXTS_PER_CARD {
                text(&mut work, CARD_TITLE, card.width());
            }
        }
        for (handoff, pieces) in self.edge_curves() {
            let stroke = if handoff { HANDOFF } else { FLOW };
            for curve in &pieces {
                let [a, b, c, d] = *curve;
                let length = a.distance(b) + b.distance(c) + c.distance(d);
                let height = Rect::from_points(curve).height();
                work.stroke(stroke, f64::from(length), f64::from(height));
            }
            // The arrowhead.
            work.fill(f64::from((9.0 + stroke.width).powi(2)));
        }
        work
    }

    fn draw(&self, canvas: &mut dyn Canvas) {
        let map = self.map;
        let frictions: Vec<f64> = map
            .steps
            .iter()
            .map(|s| score_step(s, &map.rates).point.friction())
            .collect();
        let max_friction = frictions.iter().copied().fold(0.0, f64::max);
        let verdict = self.verdict.clone().unwrap_or_else(|| self.ranking.verdict_line());
        header(
            canvas,
            map,
            self.ranking,
            &verdict,
            (self.fmt, self.width, max_friction),
        );
        self.lanes(canvas);
        // Edges under the cards.
        for (handoff, pieces) in self.edge_curves() {
            arrow(canvas, &pieces, handoff);
        }
        self.cards(canvas, &frictions, max_friction);
    }
}

impl MapPicture<'_> {
    /// Each lane's band with its name, friction, rank, share and owner.
    fn lanes(&self, canvas: &mut dyn Canvas) {
        let (map, shift, fmt) = (self.map, self.shift, self.fmt);
        // Long input costs no more than MAX_CHARS: every text built from it
        // starts from its head.
        let currency = text::head(&map.currency);
        // Scores are looked up by lane id through a map: a search of the
        // ranking per lane grows with the square of the lanes.
        let scores: HashMap<&str, &LaneScore> = (self.ranking.lanes.iter()).map(|l| (l.lane_id.as_str(), l)).collect();
        for (i, (lane, band)) in map.lanes.iter().zip(&self.layout.bands).enumerate() {
            let rect = band.rect.translate(shift);
            let header = band.header.translate(shift);
            canvas.rect(rect, 0.0, Fill::Solid(print::LANE_FILL[i % 2]), None);
            canvas.rect(header, 0.0, Fill::Solid(print::LANE_HEADER), None);
            canvas.line(rect.left_bottom(), rect.right_bottom(), BORDER);
            let pad = 12.0;
            let x = header.min.x + pad;
            let max_w = header.width() - 2.0 * pad;
            let mut y = header.min.y + pad;
            for line in text::wrap(&lane.name, LANE_NAME.size, LANE_NAME.weight, max_w, 2) {
                canvas.text(x, y, &line, LANE_NAME, print::TEXT, max_w);
                y += text::line_height(LANE_NAME.size);
            }
            y += 4.0;
            let Some(score) = scores.get(lane.id.as_str()) else {
                continue;
            };
            let figure = format!("{} / month", fmt.money(score.monthly_friction, currency));
            canvas.text(x, y, &figure, LANE_FIGURE, print::TEXT, max_w);
            y += text::line_height(LANE_FIGURE.size) + 4.0;
            let owner = if lane.owner.is_empty() {
                "No owner yet".to_owned()
            } else {
                format!("Owner: {}", text::head(&lane.owner))
            };
            for line in [
                format!("#{} · {} of total", score.rank, fmt.percent(score.share_pct)),
                owner,
            ] {
                if y + text::line_height(SMALL.size) > header.max.y - 8.0 {
                    break;
                }
                canvas.text(x, y, &line, SMALL, print::WEAK_TEXT, max_w);
                y += text::line_height(SMALL.size) + 2.0;
            }
        }
    }

    /// Every edge's curve in picture coordinates, and whether it is a
    /// hand-off between lanes. The layout has found each edge's steps by
    /// index already; `Map::is_handoff` would search the steps by id.
    ///
    /// The pictures keep each edge's one curve: the canvas routes edges
    /// past cards (`route`), but a long routed dashed line is dashed a
    /// little differently by the PNG painter and by SVG renderers.
    fn edge_curves(&self) -> impl Iterator<Item = (bool, Vec<[Pos2; 4]>)> + '_ {
        let (cards, shift, steps) = (&self.layout.cards, self.shift, &self.map.steps);
        self.layout.edge_ends.iter().flatten().map(move |&(a, b)| {
            let curve = edge_curve(cards[a].translate(shift), cards[b].translate(shift));
            (steps[a].lane != steps[b].lane, vec![curve])
        })
    }

    /// Every step's card in its heat colour.
    fn cards(&self, canvas: &mut dyn Canvas, frictions: &[f64], max_friction: f64) {
        let currency = text::head(&self.map.currency);
        for ((step, card), &friction) in self.map.steps.iter().zip(&self.layout.cards).zip(frictions) {
            let heat = if max_friction > 0.0 {
                friction / max_friction
            } else {
                0.0
            };
            let look = CardLook {
                currency,
                fmt: self.fmt,
                heat,
                friction,
            };
            draw_card(canvas, &look, step, card.translate(self.shift));
        }
    }
}

/// The title, the summary and `verdict`; `look` is the number style, the
/// picture's width and the largest step friction (for the heat scale).
fn header(canvas: &mut dyn Canvas, map: &Map, ranking: &Ranking, verdict: &str, look: (NumberStyle, f32, f64)) {
    let (fmt, width, max_friction) = look;
    let currency = text::head(&map.currency);
    let title_w = width - 2.0 * MARGIN - LEGEND_W - 32.0;
    canvas.text(MARGIN, 24.0, &map.name, Font::bold(26.0), print::TEXT, title_w);
    let summary = format!(
        "Total friction {} per month · {} · {}",
        fmt.money(ranking.total_friction, currency),
        fmt.count(map.lanes.len(), "lane"),
        fmt.count(map.steps.len(), "step")
    );
    canvas.text(
        MARGIN,
        60.0,
        &summary,
        LANE_FIGURE.with_weight(Weight::Regular),
        print::WEAK_TEXT,
        title_w,
    );
    canvas.text(MARGIN, 82.0, verdict, LANE_FIGURE, print::TEXT, title_w);

    // Legend: the heat scale as a gradient, then the two kinds of arrow.
    let x = width - MARGIN - LEGEND_W;
    canvas.text(
        x,
        20.0,
        "Step friction per month",
        Font::bold(13.0),
        print::TEXT,
        LEGEND_W,
    );
    canvas.rect(
        Rect::from_min_size(pos2(x, 40.0), vec2(LEGEND_W, 14.0)),
        3.0,
        Fill::HeatScale,
        Some(BORDER),
    );
    let legend = Font::regular(12.0);
    let zero = text::fit(&fmt.money(0.0, currency), legend.size, legend.weight, LEGEND_W / 2.0);
    canvas.text(x, 57.0, &zero, legend, print::WEAK_TEXT, LEGEND_W / 2.0);
    canvas.text_anchored(
        x + LEGEND_W,
        57.0,
        &format!("{} (hottest step)", fmt.money(max_friction, currency)),
        legend,
        print::WEAK_TEXT,
        LEGEND_W - text::width(&zero, legend.size, legend.weight) - 8.0,
        Anchor::End,
    );
    let y = 88.0;
    canvas.line(pos2(x, y), pos2(x + 32.0, y), FLOW);
    canvas.text(x + 38.0, y - 8.0, "flow", legend, print::WEAK_TEXT, 50.0);
    canvas.line(pos2(x + 90.0, y), pos2(x + 122.0, y), HANDOFF);
    canvas.text(
        x + 128.0,
        y - 8.0,
        "hand-off between lanes",
        legend,
        print::WEAK_TEXT,
        // It may reach into the margin, as it always has.
        LEGEND_W - 128.0 + MARGIN / 2.0,
    );
}

/// An edge's route and its arrowhead.
fn arrow(canvas: &mut dyn Canvas, pieces: &[[Pos2; 4]], handoff: bool) {
    let stroke = if handoff { HANDOFF } else { FLOW };
    canvas.curve(pieces, stroke);
    // The arrowhead follows the last piece's tangent at its end.
    let Some(&[_, _, c2, end]) = pieces.last() else { return };
    let dir = (end - c2).normalized();
    let dir = if dir.x.is_finite() { dir } else { vec2(1.0, 0.0) };
    let size = 9.0 + stroke.width;
    let normal = vec2(-dir.y, dir.x);
    let base = end - dir * size;
    let (p, q) = (base + normal * size * 0.5, base - normal * size * 0.5);
    canvas.triangle([end, p, q], stroke.color);
}

/// What a card shows besides its step.
struct CardLook<'a> {
    currency: &'a str,
    fmt: NumberStyle,
    heat: f64,
    friction: f64,
}

fn draw_card(canvas: &mut dyn Canvas, look: &CardLook<'_>, step: &Step, rect: Rect) {
    let CardLook {
        currency,
        fmt,
        heat,
        friction,
    } = *look;
    canvas.rect(rect, CARD_RADIUS, Fill::Solid(heat_rgb(heat, false)), Some(BORDER));
    let pad = 10.0;
    let x = rect.min.x + pad;
    let max_w = rect.width() - 2.0 * pad - CONNECTOR_R;
    let mut y = rect.min.y + 8.0;
    canvas.text(x, y, &step.name, CARD_TITLE, print::TEXT, max_w);
    y += text::line_height(CARD_TITLE.size) + 3.0;
    let lines = if step.needs_estimates() {
        vec![(
            "needs estimates".to_owned(),
            print::WARNING,
            SMALL.with_weight(Weight::Bold),
        )]
    } else {
        vec![
            (
                format!(
                    "{}/mo · {} min",
                    fmt.quantity(step.volume_per_month),
                    fmt.number(step.handle_minutes)
                ),
                print::WEAK_TEXT,
                SMALL,
            ),
            (
                format!(
                    "rework {:.0}% · wait {} h",
                    step.rework_rate * 100.0,
                    fmt.number(step.approval_delay_hours)
                ),
                print::WEAK_TEXT,
                SMALL,
            ),
        ]
    };
    for (line, color, font) in lines {
        canvas.text(x, y, &line, font, color, max_w);
        y += text::line_height(font.size) + 3.0;
    }
    let figure = format!("{} / mo", fmt.money(friction, currency));
    canvas.text(
        x,
        rect.max.y - 8.0 - text::line_height(CARD_TITLE.size),
        &figure,
        CARD_TITLE,
        print::TEXT,
        max_w,
    );
}
