//! Where an edge runs: a chain of cubic Bézier pieces from one card's right
//! edge to another card's left edge that passes no other card.
//!
//! Most edges are one smooth curve ([`layout::edge_curve`]). When that curve
//! would cross a card, typically a hand-off across a lane in between or a
//! loop back to an earlier step, the edge runs square instead, with rounded
//! corners: along a gap between the cards of the lanes it crosses, or along
//! the free strip at a lane's top or bottom edge (a band always keeps
//! [`LANE_PAD`] below its lowest card). Only when no such route is free does
//! it keep the curve. Pure geometry, like [`Layout`].

use emath::{Pos2, Rect, pos2};

use crate::layout::tokens::{CARD_W, LANE_PAD};
use crate::layout::{self, Layout};

/// How far a route keeps from the cards it passes.
const CLEARANCE: f32 = 10.0;
/// The radius of a square route's corners.
const CORNER: f32 = 12.0;
/// How many gaps are tried for a route's vertical run: enough for a gap
/// anywhere in the few cards beside the straight way, bounded for huge maps.
const TRIES: usize = 12;
/// Edges across more lanes than this keep their curve.
const MAX_ROUTED_LANES: usize = 6;
/// A map with more edges than this keeps every edge's curve: routing costs
/// about 3 µs an edge, each time the map changes (0.4 s for the 125,000
/// edges of the 100,000-step benchmark map), and maps that large are
/// generated, their edges drawn faint.
const MAX_ROUTED_EDGES: usize = 5_000;

/// An edge's way: its pieces, end to end.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pieces: Vec<[Pos2; 4]>,
}

impl Route {
    /// The one smooth curve from one card to the other.
    pub fn curve(from: Rect, to: Rect) -> Self {
        Self {
            pieces: vec![layout::edge_curve(from, to)],
        }
    }

    pub fn pieces(&self) -> &[[Pos2; 4]] {
        &self.pieces
    }

    /// The box that holds the whole route.
    pub fn bounds(&self) -> Rect {
        self.pieces
            .iter()
            .fold(Rect::NOTHING, |r, p| r.union(layout::curve_box(p)))
    }

    /// A point half way along the route's pieces (where its hit target sits).
    pub fn middle(&self) -> Pos2 {
        let piece = &self.pieces[self.pieces.len() / 2];
        if self.pieces.len() % 2 == 1 {
            layout::bezier_at(piece, 0.5)
        } else {
            piece[0]
        }
    }
}

impl Layout {
    /// The route of the edge from card `a` to card `b`, drawn from `from` to
    /// `to` (the cards' rects, which differ from the layout's while they
    /// are dragged). Other cards are where the layout has them.
    pub fn route(&self, a: usize, b: usize, from: Rect, to: Rect) -> Route {
        let free = |r: Rect| !self.any_card_in(r, a, b);
        let curve = layout::edge_curve(from, to);
        // A hand-off across many lanes is drawn as it was: such edges are
        // the long, faint ones of a huge map, and routing them would cost
        // a search through every lane they cross.
        let lanes = self.card_lane[a].abs_diff(self.card_lane[b]);
        let huge = self.edge_ends.len() > MAX_ROUTED_EDGES;
        if huge || lanes > MAX_ROUTED_LANES || curve_is_free(&curve, &free) {
            return Route::curve(from, to);
        }
        let start = from.right_center();
        let end = to.left_center();
        match self.square_route(start, end, &free) {
            Some(points) => Route {
                pieces: rounded(&points),
            },
            None => Route { pieces: vec![curve] },
        }
    }

    /// A free square route as its corner points, if there is one: through a
    /// gap between the two cards, else along a lane's edge.
    fn square_route(&self, start: Pos2, end: Pos2, free: &impl Fn(Rect) -> bool) -> Option<Vec<Pos2>> {
        let m = CLEARANCE;
        if end.x - start.x >= 4.0 * m {
            // Out, along a gap, in.
            let (lo, hi) = (start.x + 2.0 * m, end.x - 2.0 * m);
            for x in self.gaps(lo, hi, start.y, end.y) {
                let points = vec![start, pos2(x, start.y), pos2(x, end.y), end];
                if path_is_free(&points, free) {
                    return Some(points);
                }
            }
        }
        // Out, up or down to a lane's edge, along it, and back in: a loop
        // back to an earlier step, or a way around a full row.
        let out = start.x + 2.0 * m;
        let back = end.x - 2.0 * m;
        let mut edges: Vec<f32> = self.bands.iter().flat_map(|b| [b.rect.min.y, b.rect.max.y]).collect();
        edges.sort_by(f32::total_cmp);
        edges.dedup();
        edges.sort_by(|p, q| {
            let cost = |y: f32| (y - start.y).abs() + (y - end.y).abs();
            cost(*p).total_cmp(&cost(*q))
        });
        // A lane's bottom edge is the middle of the free strip below its cards.
        for y in edges.into_iter().take(TRIES) {
            let y = if self.bands.iter().any(|b| b.rect.max.y == y) {
                y - LANE_PAD / 2.0
            } else {
                y
            };
            let points = vec![
                start,
                pos2(out, start.y),
                pos2(out, y),
                pos2(back, y),
                pos2(back, end.y),
                end,
            ];
            if path_is_free(&points, free) {
                return Some(points);
            }
        }
        None
    }

    /// Where a vertical run between `lo` and `hi` might pass from `y0` to
    /// `y1`: half way first, then beside each card in the way, nearest the
    /// middle first.
    fn gaps(&self, lo: f32, hi: f32, y0: f32, y1: f32) -> Vec<f32> {
        let mid = (lo + hi) / 2.0;
        let band = Rect::from_min_max(pos2(lo, y0.min(y1)), pos2(hi, y0.max(y1)));
        let mut xs = vec![mid];
        self.each_card_in(band, |i| {
            let card = self.cards[i];
            xs.push(card.min.x - CLEARANCE - 1.0);
            xs.push(card.max.x + CLEARANCE + 1.0);
            xs.len() < 4 * TRIES
        });
        xs.retain(|x| (lo..=hi).contains(x));
        xs.sort_by(|p, q| (p - mid).abs().total_cmp(&(q - mid).abs()));
        xs.truncate(TRIES);
        xs
    }

    /// Whether a card other than `a` and `b` meets `rect`.
    fn any_card_in(&self, rect: Rect, a: usize, b: usize) -> bool {
        let mut found = false;
        self.each_card_in(rect, |i| {
            found = i != a && i != b;
            !found
        });
        found
    }

    /// Calls `visit` with each card meeting `rect` (by index) while it
    /// returns true. Cards are found by lane and, in a lane, by position.
    fn each_card_in(&self, rect: Rect, mut visit: impl FnMut(usize) -> bool) {
        let first = self.bands.partition_point(|b| b.rect.max.y < rect.min.y);
        for lane in first..self.bands.len() {
            if self.bands[lane].rect.min.y > rect.max.y {
                break;
            }
            let row = &self.lane_cards[lane];
            // Cards are CARD_W wide: those meeting `rect` start after this.
            let from = row.partition_point(|&i| self.cards[i].min.x <= rect.min.x - CARD_W);
            for &i in &row[from..] {
                let card = self.cards[i];
                if card.min.x >= rect.max.x {
                    break;
                }
                if card.intersects(rect) && !visit(i) {
                    return;
                }
            }
        }
    }
}

/// Whether a curve keeps [`CLEARANCE`] from every card: halved while a
/// piece's box meets a card, down to pieces a 32nd of the curve long.
fn curve_is_free(curve: &[Pos2; 4], free: &impl Fn(Rect) -> bool) -> bool {
    let blocked = std::cell::Cell::new(false);
    layout::curve_pieces(
        curve,
        5,
        &mut |bounds| !blocked.get() && !free(bounds.expand(CLEARANCE / 2.0)),
        &mut |_, _| blocked.set(true),
    );
    !blocked.get()
}

/// Whether every straight run of a square route keeps clear of the cards.
fn path_is_free(points: &[Pos2], free: &impl Fn(Rect) -> bool) -> bool {
    points
        .windows(2)
        .all(|pair| free(Rect::from_two_pos(pair[0], pair[1]).expand(CLEARANCE / 2.0)))
}

/// A square route as Bézier pieces: straight runs joined by quarter turns.
fn rounded(points: &[Pos2]) -> Vec<[Pos2; 4]> {
    let mut pieces = Vec::with_capacity(points.len() * 2);
    let mut at = points[0];
    for i in 1..points.len() {
        let corner = points[i];
        if i + 1 == points.len() {
            pieces.push(line(at, corner));
            break;
        }
        let next = points[i + 1];
        let (d_in, d_out) = ((corner - at).length(), (next - corner).length());
        let r = CORNER.min(d_in / 2.0).min(d_out / 2.0);
        let before = if d_in > 0.0 {
            corner - (corner - at) / d_in * r
        } else {
            corner
        };
        let after = if d_out > 0.0 {
            corner + (next - corner) / d_out * r
        } else {
            corner
        };
        if before != at {
            pieces.push(line(at, before));
        }
        if before != after {
            pieces.push([before, corner, corner, after]);
        }
        at = after;
    }
    pieces
}

/// A straight run as a Bézier piece.
fn line(a: Pos2, b: Pos2) -> [Pos2; 4] {
    [a, a + (b - a) / 3.0, a + (b - a) * (2.0 / 3.0), b]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Map;

    fn sample(name: &str) -> Map {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("sample_maps")
            .join(name);
        crate::formats::mapfile::read_map_file(&path).unwrap()
    }

    /// The cards other than its own that an edge's drawn line passes through.
    fn crossed(layout: &Layout, a: usize, b: usize, route: &Route) -> Vec<usize> {
        let points: Vec<Pos2> = route
            .pieces()
            .iter()
            .flat_map(|p| (0..=256).map(move |i| layout::bezier_at(p, i as f32 / 256.0)))
            .collect();
        (0..layout.cards.len())
            .filter(|&c| c != a && c != b && points.iter().any(|p| layout.cards[c].contains(*p)))
            .collect()
    }

    #[test]
    fn no_edge_of_a_sample_map_crosses_a_card() {
        for name in [
            "accounts-payable.json",
            "claims-intake.json",
            "customer-onboarding.json",
            "it-access-requests.json",
        ] {
            let map = sample(name);
            let layout = Layout::of(&map);
            let mut plain_crossings = 0;
            for (e, &(a, b)) in layout.edge_ends.iter().flatten().enumerate() {
                let (from, to) = (layout.cards[a], layout.cards[b]);
                let plain = Route {
                    pieces: vec![layout::edge_curve(from, to)],
                };
                plain_crossings += usize::from(!crossed(&layout, a, b, &plain).is_empty());
                let route = layout.route(a, b, from, to);
                assert_eq!(crossed(&layout, a, b, &route), Vec::<usize>::new(), "{name}: edge {e}");
                assert_eq!(route.pieces()[0][0], from.right_center());
                assert_eq!(route.pieces().last().unwrap()[3], to.left_center());
                // The pieces join up.
                for pair in route.pieces().windows(2) {
                    assert_eq!(pair[0][3], pair[1][0], "{name}: edge {e}");
                }
            }
            // The single curves did cross cards: the test would see a regression.
            assert!(plain_crossings > 0, "{name}");
        }
    }

    #[test]
    fn a_clear_edge_stays_one_curve() {
        let map = sample("accounts-payable.json");
        let layout = Layout::of(&map);
        let &(a, b) = layout.edge_ends.iter().flatten().next().unwrap();
        let route = layout.route(a, b, layout.cards[a], layout.cards[b]);
        assert_eq!(route.pieces(), &[layout::edge_curve(layout.cards[a], layout.cards[b])]);
    }

    #[test]
    fn rounds_corners_and_keeps_straight_runs() {
        let pieces = rounded(&[pos2(0.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 100.0), pos2(200.0, 100.0)]);
        // line, turn, line, turn, line
        assert_eq!(pieces.len(), 5);
        assert_eq!(pieces[0][3], pos2(100.0 - CORNER, 0.0));
        assert_eq!(
            pieces[1],
            [pos2(88.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 0.0), pos2(100.0, 12.0)]
        );
        assert_eq!(pieces[4][3], pos2(200.0, 100.0));
    }
}
