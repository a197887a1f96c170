//! The canvas zoomed out, where card text would be unreadable: cards become
//! plain boxes in their heat colour and edges thin lines. The shapes are
//! built straight into meshes, one per lane, once per map revision and zoom
//! step, and kept; a frame hands over only the meshes of lanes in view. So a
//! frame costs about the same for 200 steps as for 100,000.
//!
//! Below [`GRID_ZOOM`] a card would be under two pixels tall, so cards are
//! binned into square cells a few pixels wide, each drawn once in the colour
//! of its hottest card, and edges are left out: thousands of lines over
//! boxes that small would hide them. Hand-offs are drawn half transparent
//! for the same reason.

use std::collections::HashMap;
use std::sync::Arc;

use eframe::egui::{Color32, Mesh, Painter, Pos2, Rect, Shape, pos2, vec2};

use crate::layout::Layout;
use crate::ui::theme::{self, CARD_H, Palette};

/// Cards shorter than two screen pixels are binned into cells.
pub const GRID_ZOOM: f32 = 2.0 / CARD_H;
/// Edges shorter than this on screen hide between their cards; not drawn.
const MIN_EDGE_PX: f32 = 4.0;
/// Cards at least this wide on screen get a border.
const BORDER_MIN_PX: f32 = 12.0;
/// Arrowheads from this zoom on; below it they would be a pixel or two.
const ARROW_ZOOM: f32 = 0.2;
/// Arrowhead length on screen.
const ARROW_PX: f32 = 6.0;
/// Side of a grid cell on screen.
const CELL_PX: f32 = 2.5;

/// What the meshes were built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OverviewKey {
    /// `Document::version` of the map drawn.
    pub version: (u64, u64),
    /// The zoom in quarter octaves (see [`zoom_step`]).
    pub zoom_step: i32,
    pub dark_mode: bool,
    /// A fingerprint of the steps being dragged, which are left out.
    pub moving: u64,
    /// The heat colours are hidden (see `CanvasView::figures_hidden`).
    pub figures_hidden: bool,
}

/// Zoom in quarter octaves: meshes are rebuilt only when this changes.
pub fn zoom_step(zoom: f32) -> i32 {
    (zoom.max(1e-4).log2() * 4.0).floor() as i32
}

/// The zoom a step's meshes are built for (the bottom of its range, so
/// lines are never thinner than intended).
fn step_zoom(step: i32) -> f32 {
    2f32.powf(step as f32 / 4.0)
}

/// The built meshes, one per lane (and one for steps without a lane), each
/// with its bounds in scene coordinates.
pub struct Overview {
    pub key: OverviewKey,
    chunks: Vec<(Rect, Arc<Mesh>)>,
}

impl Overview {
    /// Builds the meshes. `heat(i)` is step i's heat (0..=1); steps with
    /// `moving[i]` set (and their edges) are left out: they are drawn live.
    pub fn build(
        key: OverviewKey,
        layout: &Layout,
        pal: &Palette,
        heat: impl Fn(usize) -> f64,
        moving: &[bool],
    ) -> Self {
        let zoom = step_zoom(key.zoom_step);
        let px = 1.0 / zoom;
        let lanes = layout.bands.len();
        let chunk_of = |card: usize| layout.card_lane.get(card).copied().unwrap_or(usize::MAX).min(lanes);
        let is_moving = |i: usize| moving.get(i).copied().unwrap_or(false);
        // Edge meshes, one per lane, then card meshes, one per lane: all
        // edges are painted before any card, so no line crosses a box.
        let mut meshes: Vec<Mesh> = (0..2 * (lanes + 1)).map(|_| Mesh::default()).collect();
        let mut bounds = vec![Rect::NOTHING; 2 * (lanes + 1)];
        let card_chunk = |card: usize| lanes + 1 + chunk_of(card);
        let grid = zoom < GRID_ZOOM;

        // Edges first, under the cards.
        for (&(a, b), route) in layout.edge_ends.iter().flatten().zip(layout.routes().iter().flatten()) {
            if is_moving(a) || is_moving(b) {
                continue;
            }
            if grid {
                break;
            }
            let handoff = layout.card_lane[a] != layout.card_lane[b];
            let pieces = route.pieces();
            let length_px = (pieces[pieces.len() - 1][3] - pieces[0][0]).length() * zoom;
            if length_px < MIN_EDGE_PX {
                continue;
            }
            let (color, width_px) = if handoff {
                (pal.handoff.gamma_multiply(0.2), 1.0)
            } else {
                (pal.edge.gamma_multiply(0.7), 1.0)
            };
            let segments = ((length_px / 30.0) as usize).clamp(1, 8);
            let mut points: Vec<Pos2> = vec![pieces[0][0]];
            for curve in pieces {
                // Square turns are small at this zoom: two straight runs each.
                let steps = if pieces.len() == 1 { segments } else { 2 };
                points.extend((1..=steps).map(|k| bezier(curve, k as f32 / steps as f32)));
            }
            let chunk = chunk_of(a);
            let mesh = &mut meshes[chunk];
            for pair in points.windows(2) {
                segment(mesh, pair[0], pair[1], width_px * px * 0.5, color);
            }
            if zoom >= ARROW_ZOOM
                && let [.., before, end] = points.as_slice()
            {
                arrowhead(mesh, *before, *end, ARROW_PX * px, color);
            }
            for p in &points {
                bounds[chunk].extend_with(*p);
            }
        }

        // Cards.
        if grid {
            let cell = CELL_PX * px;
            let mut cells: HashMap<(i32, i32, usize), f64> = HashMap::new();
            for (i, card) in layout.cards.iter().enumerate() {
                if is_moving(i) {
                    continue;
                }
                let h = heat(i);
                let chunk = card_chunk(i);
                let (x0, y0) = ((card.min.x / cell).floor() as i32, (card.min.y / cell).floor() as i32);
                let (x1, y1) = ((card.max.x / cell).floor() as i32, (card.max.y / cell).floor() as i32);
                for x in x0..=x1 {
                    for y in y0..=y1 {
                        let slot = cells.entry((x, y, chunk)).or_insert(h);
                        *slot = slot.max(h);
                    }
                }
            }
            for ((x, y, chunk), h) in cells {
                let rect = Rect::from_min_size(pos2(x as f32 * cell, y as f32 * cell), vec2(cell, cell));
                meshes[chunk].add_colored_rect(rect, theme::heat_color(h, key.dark_mode));
                bounds[chunk] = bounds[chunk].union(rect);
            }
        } else {
            let border = layout.cards.first().is_some_and(|c| c.width() * zoom >= BORDER_MIN_PX);
            for (i, &card) in layout.cards.iter().enumerate() {
                if is_moving(i) {
                    continue;
                }
                let chunk = card_chunk(i);
                let fill = theme::heat_color(heat(i), key.dark_mode);
                if border {
                    meshes[chunk].add_colored_rect(card, pal.card_border);
                    meshes[chunk].add_colored_rect(card.shrink(px), fill);
                } else {
                    meshes[chunk].add_colored_rect(card, fill);
                }
                bounds[chunk] = bounds[chunk].union(card);
            }
        }

        let chunks = meshes
            .into_iter()
            .zip(bounds)
            .filter(|(mesh, _)| !mesh.is_empty())
            .map(|(mesh, bounds)| (bounds, Arc::new(mesh)))
            .collect();
        Self { key, chunks }
    }

    /// Paints the meshes whose bounds meet `visible` (scene coordinates),
    /// edges before cards.
    pub fn paint(&self, painter: &Painter, visible: Rect) {
        for (bounds, mesh) in &self.chunks {
            if bounds.intersects(visible) {
                painter.add(Shape::Mesh(Arc::clone(mesh)));
            }
        }
    }
}

/// A point on a cubic Bézier curve.
fn bezier(c: &[Pos2; 4], t: f32) -> Pos2 {
    let u = 1.0 - t;
    let (a, b, cc, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
    pos2(
        a * c[0].x + b * c[1].x + cc * c[2].x + d * c[3].x,
        a * c[0].y + b * c[1].y + cc * c[2].y + d * c[3].y,
    )
}

/// A straight stroke from `a` to `b` as one quad.
fn segment(mesh: &mut Mesh, a: Pos2, b: Pos2, half_width: f32, color: Color32) {
    let dir = (b - a).normalized();
    let n = vec2(-dir.y, dir.x) * half_width;
    let i = mesh.vertices.len() as u32;
    for p in [a + n, b + n, b - n, a - n] {
        mesh.colored_vertex(p, color);
    }
    mesh.add_triangle(i, i + 1, i + 2);
    mesh.add_triangle(i, i + 2, i + 3);
}

fn arrowhead(mesh: &mut Mesh, before: Pos2, end: Pos2, size: f32, color: Color32) {
    let dir = (end - before).normalized();
    let normal = vec2(-dir.y, dir.x);
    let base = end - dir * size;
    let i = mesh.vertices.len() as u32;
    for p in [end, base + normal * size * 0.5, base - normal * size * 0.5] {
        mesh.colored_vertex(p, color);
    }
    mesh.add_triangle(i, i + 1, i + 2);
}
