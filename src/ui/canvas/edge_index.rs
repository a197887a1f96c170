//! Which edges can be seen in a part of the canvas, without testing every
//! edge each frame. At reading zoom a frame used to test all of a map's
//! edges against the view (125,000 on the 100,000-step generated map) to
//! draw the few hundred in it. This index is built once per map version
//! and kept, like the layout; on that map the build takes about as long as
//! the layout's, once per edit.
//!
//! Edges go into a grid of square cells over the layout, each edge into
//! every cell that a piece of its curve comes near. Pieces, rather than
//! the curve's whole bounding box, because a hand-off between far lanes
//! runs across most of the map: its box would cover thousands of cells,
//! its pieces cover only the cells along its path. A frame then looks only
//! at the edges listed in the cells under the view, and tests those
//! exactly (`paint::curve_span_in`).
//!
//! It holds the edges as laid out. The steps being dragged are not where
//! the layout put them, so their edges are looked up by step instead
//! ([`EdgeIndex::edges_of_step`]) and added to what the grid gives.

use emath::{Pos2, Rect};

use crate::layout::{self, EDGE_REACH, Layout};

/// The side of a grid cell in scene units, so a screenful at 100% zoom
/// meets two to four cells. Finer cells list each long hand-off in more of
/// them (more memory, a slower build); coarser ones hand a frame more edges
/// to test that are not in view.
const CELL: f32 = 2048.0;
/// At most this many cells: a map spread wider gets larger cells.
const MAX_CELLS: f32 = 1_048_576.0;

pub struct EdgeIndex {
    /// `Document::version` of the map indexed.
    pub version: (u64, u64),
    /// The top-left corner of cell (0, 0) in scene coordinates.
    origin: Pos2,
    cell: f32,
    cols: usize,
    rows: usize,
    /// Cell `c` lists `cell_edges[cell_starts[c]..cell_starts[c + 1]]`.
    cell_starts: Vec<u32>,
    cell_edges: Vec<u32>,
    /// Step `i` touches `step_edges[step_starts[i]..step_starts[i + 1]]`.
    step_starts: Vec<u32>,
    step_edges: Vec<u32>,
}

impl EdgeIndex {
    pub fn build(version: (u64, u64), layout: &Layout) -> Self {
        let bounds = layout.bounds();
        let cell = CELL.max((bounds.area() / MAX_CELLS).sqrt());
        let cols = (bounds.width() / cell).ceil().max(1.0) as usize;
        let rows = (bounds.height() / cell).ceil().max(1.0) as usize;
        let mut index = Self {
            version,
            origin: bounds.min,
            cell,
            cols,
            rows,
            cell_starts: Vec::new(),
            cell_edges: Vec::new(),
            step_starts: Vec::new(),
            step_edges: Vec::new(),
        };

        // (cell, edge) pairs, then grouped by cell (a counting sort keeps
        // each cell's edges in map order).
        let mut pairs: Vec<(u32, u32)> = Vec::with_capacity(layout.edge_ends.len() * 2);
        // The last edge listed in each cell, so an edge whose pieces meet
        // the same cell is listed there once.
        let mut last_listed = vec![u32::MAX; cols * rows];
        for (e, route) in layout.routes().iter().enumerate() {
            let Some(route) = route.as_ref() else { continue };
            let e = e as u32;
            for curve in route.pieces() {
                // Pieces about a cell long; a piece lies inside its control
                // points' box, and so do the finer pieces `curve_span_in` cuts
                // from it, so an edge that test can find is always listed.
                let reach = layout::curve_box(curve);
                let pieces = (reach.width().max(reach.height()) / cell).ceil().max(1.0);
                let depth = (pieces.log2().ceil() as u32).min(super::paint::SPAN_DEPTH);
                layout::curve_pieces(curve, depth, &mut |_| true, &mut |_, piece| {
                    let (c0, c1, r0, r1) = index.cell_range(piece.expand(EDGE_REACH));
                    for r in r0..=r1 {
                        for c in c0..=c1 {
                            let cell = r * cols + c;
                            if last_listed[cell] != e {
                                last_listed[cell] = e;
                                pairs.push((cell as u32, e));
                            }
                        }
                    }
                });
            }
        }
        (index.cell_starts, index.cell_edges) = group(cols * rows, &pairs);

        let mut touching: Vec<(u32, u32)> = Vec::with_capacity(layout.edge_ends.len() * 2);
        for (e, ends) in layout.edge_ends.iter().enumerate() {
            if let Some(&(a, b)) = ends.as_ref() {
                touching.push((a as u32, e as u32));
                touching.push((b as u32, e as u32));
            }
        }
        (index.step_starts, index.step_edges) = group(layout.cards.len(), &touching);
        index
    }

    /// The columns and rows of the cells `rect` meets (inclusive), clamped
    /// to the grid: what lies outside it counts as in the border cells.
    fn cell_range(&self, rect: Rect) -> (usize, usize, usize, usize) {
        let col = |x: f32| (((x - self.origin.x) / self.cell).floor().max(0.0) as usize).min(self.cols - 1);
        let row = |y: f32| (((y - self.origin.y) / self.cell).floor().max(0.0) as usize).min(self.rows - 1);
        (col(rect.min.x), col(rect.max.x), row(rect.min.y), row(rect.max.y))
    }

    /// Adds to `out` the edges that may be drawn inside `rect` where the
    /// layout put them; some may not be, and an edge may come twice.
    pub fn edges_near(&self, rect: Rect, out: &mut Vec<u32>) {
        let (c0, c1, r0, r1) = self.cell_range(rect);
        for r in r0..=r1 {
            for c in c0..=c1 {
                let cell = r * self.cols + c;
                let (start, end) = (self.cell_starts[cell] as usize, self.cell_starts[cell + 1] as usize);
                out.extend_from_slice(&self.cell_edges[start..end]);
            }
        }
    }

    /// The edges from or to step `i`.
    pub fn edges_of_step(&self, i: usize) -> &[u32] {
        match (self.step_starts.get(i), self.step_starts.get(i + 1)) {
            (Some(&start), Some(&end)) => &self.step_edges[start as usize..end as usize],
            _ => &[],
        }
    }
}

/// Groups `(key, value)` pairs by key (`0..keys`), keeping their order: the
/// values of key `k` are `values[starts[k]..starts[k + 1]]`.
fn group(keys: usize, pairs: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
    let mut starts = vec![0u32; keys + 1];
    for &(k, _) in pairs {
        starts[k as usize + 1] += 1;
    }
    for k in 0..keys {
        starts[k + 1] += starts[k];
    }
    let mut next = starts.clone();
    let mut values = vec![0u32; pairs.len()];
    for &(k, v) in pairs {
        values[next[k as usize] as usize] = v;
        next[k as usize] += 1;
    }
    (starts, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Edge, Lane, Map, Step};

    /// Every edge `curve_span_in` finds in a window is listed for it, over
    /// windows swept across a map with long hand-offs and backward loops.
    #[test]
    fn lists_every_edge_the_exact_test_finds() {
        let mut map = Map::new("grid".to_owned());
        map.lanes = (0..6)
            .map(|l| Lane::new(format!("l{l}"), format!("Lane {l}")))
            .collect();
        for n in 0..240 {
            let mut step = Step::new(format!("s{n}"), format!("l{}", n % 6), "Step");
            step.x = ((n * 7919) % 6000) as f32;
            step.y = ((n * 104_729) % 3000) as f32;
            map.steps.push(step);
        }
        for n in 0..240 {
            for k in [1, 7, 113] {
                map.edges.push(Edge {
                    from: format!("s{n}"),
                    to: format!("s{}", (n + k) % 240),
                });
            }
        }
        let layout = Layout::of(&map);
        let index = EdgeIndex::build((0, 0), &layout);
        let bounds = layout.bounds().expand(300.0);
        let mut listed = Vec::new();
        let mut found = 0;
        let mut y = bounds.min.y;
        while y < bounds.max.y {
            let mut x = bounds.min.x;
            while x < bounds.max.x {
                let window = Rect::from_min_size(Pos2::new(x, y), emath::vec2(700.0, 450.0));
                listed.clear();
                index.edges_near(window, &mut listed);
                for (e, route) in layout.routes().iter().enumerate() {
                    let route = route.as_ref().expect("every edge's steps exist");
                    let seen = route.pieces().iter();
                    if seen
                        .clone()
                        .any(|curve| super::super::paint::curve_span_in(curve, window).is_some())
                    {
                        found += 1;
                        assert!(listed.contains(&(e as u32)), "edge {e} is in {window:?} but not listed");
                    }
                }
                x += 333.0;
            }
            y += 277.0;
        }
        assert!(found > 10_000, "the windows see edges ({found})");
    }

    #[test]
    fn lists_edges_by_step() {
        let mut map = Map::new("steps".to_owned());
        map.lanes = vec![Lane::new("l".to_owned(), "Lane".to_owned())];
        map.steps = (0..3).map(|n| Step::new(format!("s{n}"), "l", "Step")).collect();
        map.edges = vec![
            Edge {
                from: "s0".to_owned(),
                to: "s1".to_owned(),
            },
            Edge {
                from: "s2".to_owned(),
                to: "s1".to_owned(),
            },
        ];
        let index = EdgeIndex::build((0, 0), &Layout::of(&map));
        assert_eq!(index.edges_of_step(0), &[0]);
        assert_eq!(index.edges_of_step(1), &[0, 1]);
        assert_eq!(index.edges_of_step(2), &[1]);
        assert_eq!(index.edges_of_step(3), &[] as &[u32]);
    }
}
