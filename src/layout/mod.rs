//! Canvas geometry derived from a map: where each lane band and each step
//! card sits in scene coordinates. Lanes stack top to bottom; a step's
//! `x`/`y` are relative to its lane band's top-left corner.
//!
//! Pure geometry on `emath` (no UI): the exported pictures (`picture`) draw
//! from the same layout as the canvas.

pub mod tokens;

use std::collections::HashMap;

use emath::{Pos2, Rect, Vec2, pos2, vec2};

pub mod route;

use crate::domain::model::Map;
use crate::layout::tokens::{CARD_H, CARD_W, LANE_HEADER_W, LANE_MIN_H, LANE_PAD};
use route::Route;

/// Empty space to the right of the rightmost card.
const RIGHT_PAD: f32 = 120.0;
const MIN_BAND_W: f32 = 1100.0;

pub struct LaneBand {
    /// The whole band, header included.
    pub rect: Rect,
    /// The title column at the band's left.
    pub header: Rect,
    /// Where steps live; step positions are relative to its top-left.
    pub body: Rect,
}

pub struct Layout {
    /// One band per lane, in map order.
    pub bands: Vec<LaneBand>,
    /// One card rectangle per step, in map order.
    pub cards: Vec<Rect>,
    /// Each card's lane index (`usize::MAX` for a step without a lane).
    pub card_lane: Vec<usize>,
    /// Each edge's step indices, in map order; `None` if a step is missing.
    pub edge_ends: Vec<Option<(usize, usize)>>,
    /// Each lane's cards (step indices) from left to right, so edges can be
    /// routed past the cards near them without looking at every card.
    pub lane_cards: Vec<Vec<usize>>,
    /// Each edge's route past the other cards, found when first asked for
    /// (`routes`): a picture refused for its size never needs them.
    routes: std::sync::OnceLock<Vec<Option<Route>>>,
}

impl Layout {
    /// The layout of a map without a document's step index at hand (the
    /// exported pictures and BPMN).
    pub fn of(map: &Map) -> Self {
        let index: HashMap<&str, usize> = map.steps.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
        Self::new(map, |id| index.get(id).copied())
    }

    /// `step_index` finds a step's index by id (the document keeps that index).
    pub fn new(map: &Map, step_index: impl Fn(&str) -> Option<usize>) -> Self {
        let lane_index: HashMap<&str, usize> = map.lanes.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
        let mut heights = vec![LANE_MIN_H; map.lanes.len()];
        let mut right = MIN_BAND_W;
        for step in &map.steps {
            if let Some(&lane) = lane_index.get(step.lane.as_str()) {
                heights[lane] = heights[lane].max(step.y + CARD_H + LANE_PAD);
                right = right.max(step.x + CARD_W + RIGHT_PAD);
            }
        }
        let mut top = 0.0;
        let bands: Vec<LaneBand> = heights
            .iter()
            .map(|&h| {
                let rect = Rect::from_min_max(pos2(-LANE_HEADER_W, top), pos2(right, top + h));
                top += h;
                LaneBand {
                    rect,
                    header: Rect::from_min_max(rect.min, pos2(0.0, rect.max.y)),
                    body: Rect::from_min_max(pos2(0.0, rect.min.y), rect.max),
                }
            })
            .collect();
        let card_lane: Vec<usize> = map
            .steps
            .iter()
            .map(|step| lane_index.get(step.lane.as_str()).copied().unwrap_or(usize::MAX))
            .collect();
        let cards: Vec<Rect> = map
            .steps
            .iter()
            .zip(&card_lane)
            .map(|(step, &lane)| {
                let origin = bands.get(lane).map_or(Pos2::ZERO, |b| b.body.min);
                Rect::from_min_size(origin + vec2(step.x, step.y), vec2(CARD_W, CARD_H))
            })
            .collect();
        let edge_ends = map
            .edges
            .iter()
            .map(|e| Some((step_index(&e.from)?, step_index(&e.to)?)))
            .collect();
        let mut lane_cards = vec![Vec::new(); bands.len()];
        for (i, &lane) in card_lane.iter().enumerate() {
            if let Some(row) = lane_cards.get_mut(lane) {
                row.push(i);
            }
        }
        for row in &mut lane_cards {
            row.sort_by(|&p: &usize, &q: &usize| cards[p].min.x.total_cmp(&cards[q].min.x));
        }
        Self {
            bands,
            cards,
            card_lane,
            edge_ends,
            lane_cards,
            routes: std::sync::OnceLock::new(),
        }
    }

    /// Each edge's route past the other cards, in map order (`None` where
    /// `edge_ends` is).
    pub fn routes(&self) -> &[Option<Route>] {
        self.routes.get_or_init(|| {
            self.edge_ends
                .iter()
                .map(|ends| ends.map(|(a, b)| self.route(a, b, self.cards[a], self.cards[b])))
                .collect()
        })
    }

    /// Everything drawn, for "fit to map".
    pub fn bounds(&self) -> Rect {
        let mut r = self
            .bands
            .iter()
            .map(|b| b.rect)
            .reduce(|a, b| a.union(b))
            .unwrap_or_else(|| Rect::from_min_size(pos2(-LANE_HEADER_W, 0.0), vec2(MIN_BAND_W, LANE_MIN_H)));
        for card in &self.cards {
            r = r.union(*card);
        }
        r
    }

    /// The lane band under a scene y coordinate, clamped to the first and last.
    pub fn lane_at(&self, y: f32) -> Option<usize> {
        if self.bands.is_empty() {
            return None;
        }
        let i = self.bands.partition_point(|b| b.rect.max.y <= y);
        Some(i.min(self.bands.len() - 1))
    }

    /// A card's position relative to the lane band it would land in.
    pub fn relative_to_lane(&self, lane: usize, card_min: Pos2) -> Vec2 {
        let origin = self.bands[lane].body.min;
        let rel = card_min - origin;
        vec2(rel.x.max(0.0), rel.y.max(8.0))
    }

    /// The card under a scene position, topmost (last drawn) first.
    pub fn card_at(&self, pos: Pos2) -> Option<usize> {
        self.cards.iter().rposition(|r| r.contains(pos))
    }
}

/// The cubic Bézier an edge follows from one card's right edge to another
/// card's left edge: start, two control points, end.
pub fn edge_curve(from: Rect, to: Rect) -> [Pos2; 4] {
    let start = from.right_center();
    let end = to.left_center();
    let reach = ((end.x - start.x).abs() * 0.5).max(60.0);
    let (c1, c2) = if end.x >= start.x {
        (start + vec2(reach, 0.0), end - vec2(reach, 0.0))
    } else {
        // Backward flow loops out and around.
        let lift = if (end.y - start.y).abs() < CARD_H { CARD_H } else { 0.0 };
        (start + vec2(reach, -lift), end + vec2(-reach, -lift))
    };
    [start, c1, c2, end]
}

/// How far an edge's drawing reaches beyond its curve: half the widest
/// stroke and the arrowhead, rounded up.
pub const EDGE_REACH: f32 = 16.0;

/// The two halves of a cubic Bézier curve cut at parameter `t`.
pub fn split_curve(c: &[Pos2; 4], t: f32) -> ([Pos2; 4], [Pos2; 4]) {
    let l = |a: Pos2, b: Pos2| a + (b - a) * t;
    let (p01, p12, p23) = (l(c[0], c[1]), l(c[1], c[2]), l(c[2], c[3]));
    let (p012, p123) = (l(p01, p12), l(p12, p23));
    let mid = l(p012, p123);
    ([c[0], p01, p012, mid], [mid, p123, p23, c[3]])
}

/// The box around a curve's control points, which holds the whole curve.
pub fn curve_box(c: &[Pos2; 4]) -> Rect {
    Rect::from_points(c)
}

/// The curve cut into `2^depth` equal parameter pieces, each passed to
/// `visit` with its parameter start and the box that holds it; a piece is
/// cut further only while `keep(box)` holds, so pieces far from what is
/// wanted cost one box test.
pub fn curve_pieces(c: &[Pos2; 4], depth: u32, keep: &mut impl FnMut(Rect) -> bool, visit: &mut impl FnMut(f32, Rect)) {
    fn go(
        c: &[Pos2; 4],
        t0: f32,
        len: f32,
        depth: u32,
        keep: &mut impl FnMut(Rect) -> bool,
        visit: &mut impl FnMut(f32, Rect),
    ) {
        let bounds = curve_box(c);
        if !keep(bounds) {
            return;
        }
        if depth == 0 {
            visit(t0, bounds);
            return;
        }
        let (head, tail) = split_curve(c, 0.5);
        go(&head, t0, len * 0.5, depth - 1, keep, visit);
        go(&tail, t0 + len * 0.5, len * 0.5, depth - 1, keep, visit);
    }
    go(c, 0.0, 1.0, depth, keep, visit);
}

/// A point on a cubic Bézier curve.
pub fn bezier_at(curve: &[Pos2; 4], t: f32) -> Pos2 {
    let u = 1.0 - t;
    let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    (curve[0].to_vec2() * a + curve[1].to_vec2() * b + curve[2].to_vec2() * c + curve[3].to_vec2() * d).to_pos2()
}
