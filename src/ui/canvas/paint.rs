//! Painting the canvas: lane bands, step cards and edge arrows. Pure
//! drawing; interaction lives in `mod.rs`.

use eframe::egui::{
    self, Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, epaint::CubicBezierShape,
    text::LayoutJob, vec2,
};

use crate::domain::model::{Lane, Step};
use crate::domain::money::NumberStyle;
use crate::layout::{self, EDGE_REACH};
use crate::scoring::{LaneScore, StepScore};
use crate::ui::theme::{self, CONNECTOR_R, Palette};

/// Below this zoom, card text would be unreadable, so cards are plain boxes.
pub const DETAIL_ZOOM: f32 = 0.45;
/// Below this zoom, lane titles drawn in the header column would be smaller
/// than about 13 px, so they are drawn on screen instead (`lane_labels`).
pub const LANE_TITLE_ZOOM: f32 = 0.1;

/// Text wrapped to at most `rows` lines of `max_width`, ending in "…" if cut.
fn lines(
    painter: &Painter,
    text: &str,
    font: FontId,
    color: Color32,
    max_width: f32,
    rows: usize,
) -> std::sync::Arc<egui::Galley> {
    let mut job = LayoutJob::simple(text.to_owned(), font, color, max_width);
    job.wrap.max_rows = rows;
    job.wrap.break_anywhere = rows == 1;
    painter.layout_job(job)
}

fn one_line(
    painter: &Painter,
    text: &str,
    font: FontId,
    color: Color32,
    max_width: f32,
) -> std::sync::Arc<egui::Galley> {
    lines(painter, text, font, color, max_width, 1)
}

pub struct LaneLook<'a> {
    pub lane: &'a Lane,
    pub score: Option<&'a LaneScore>,
    pub index: usize,
    pub highlighted: bool,
    pub selected: bool,
    pub currency: &'a str,
    pub zoom: f32,
}

pub fn lane_band(painter: &Painter, pal: &Palette, band: &layout::LaneBand, look: &LaneLook<'_>) {
    let fill = if look.highlighted {
        pal.lane_highlight
    } else {
        pal.lane_fill[look.index % 2]
    };
    painter.rect_filled(band.rect, 0.0, fill);
    painter.line_segment(
        [band.rect.left_bottom(), band.rect.right_bottom()],
        Stroke::new(1.0, pal.card_border),
    );
    if look.selected {
        painter.rect_stroke(band.rect.shrink(1.5), 0.0, pal.selection_stroke(), StrokeKind::Inside);
    }
    lane_header(painter, pal, band.header, look);
}

/// A lane's header moved to the view's left edge, over the cards there.
pub fn sticky_header(painter: &Painter, pal: &Palette, header: Rect, look: &LaneLook<'_>) {
    // A shadow line on its right marks it as lying over the map.
    painter.line_segment(
        [header.right_top(), header.right_bottom()],
        Stroke::new(2.0 / look.zoom.max(0.05), pal.card_border),
    );
    lane_header(painter, pal, header, look);
}

/// What a lane header says, line by line: the name, the monthly friction,
/// the rank and share (the figures only when `look.score` is given).
pub fn header_text(look: &LaneLook<'_>, fmt: NumberStyle) -> Vec<String> {
    let mut text = vec![look.lane.name.clone()];
    if let Some(score) = look.score {
        text.push(format!("{} / month", fmt.money(score.monthly_friction, look.currency)));
        text.push(format!("#{} · {} of total", score.rank, fmt.percent(score.share_pct)));
    }
    text
}

/// The title column of a lane: name, friction per month, rank and owner.
fn lane_header(painter: &Painter, pal: &Palette, header: Rect, look: &LaneLook<'_>) {
    painter.rect_filled(header, 0.0, pal.lane_header);
    if look.zoom < LANE_TITLE_ZOOM {
        return;
    }
    // Keep the title readable when zoomed out: about 13 px on screen or more.
    let scale = (0.75 / look.zoom.max(0.05)).clamp(1.0, 8.0);
    let title_size = (17.0 * scale).min(header.height() * 0.3);
    let pad = 12.0;
    let width = header.width() - 2.0 * pad;
    let mut y = header.top() + pad;
    let title = lines(painter, &look.lane.name, theme::bold(title_size), pal.text, width, 2);
    let title_h = title.size().y;
    painter.galley(egui::pos2(header.left() + pad, y), title, pal.text);
    y += title_h + 4.0;
    let mut text = header_text(look, crate::ui::number_style(painter.ctx()))
        .into_iter()
        .skip(1);
    let Some(figure) = text.next() else { return };
    // The figure is never cut: a smaller size (down to 75%) keeps it on
    // one line, and past that it wraps ("USD 28,409 /" over "month").
    let mut figure_size = (15.0 * scale).min(header.height() * 0.25);
    let natural = painter
        .layout_no_wrap(figure.clone(), theme::bold(figure_size), pal.text)
        .size()
        .x;
    if natural > width {
        figure_size *= (width / natural).max(0.75) * 0.98;
    }
    let g = lines(painter, &figure, theme::bold(figure_size), pal.text, width, 2);
    let gh = g.size().y;
    if y + gh < header.bottom() {
        painter.galley(egui::pos2(header.left() + pad, y), g, pal.text);
    }
    y += gh + 4.0;
    if look.zoom >= DETAIL_ZOOM {
        let owner = if look.lane.owner.is_empty() {
            "No owner yet".to_owned()
        } else {
            format!("Owner: {}", look.lane.owner)
        };
        for line in text.chain([owner]) {
            let g = one_line(painter, &line, FontId::proportional(13.0), pal.weak_text, width);
            if y + g.size().y > header.bottom() - 38.0 {
                break;
            }
            let h = g.size().y;
            painter.galley(egui::pos2(header.left() + pad, y), g, pal.weak_text);
            y += h + 2.0;
        }
    }
}

pub struct CardLook<'a> {
    pub step: &'a Step,
    pub score: &'a StepScore,
    /// 0..=1: this step's friction relative to the map's hottest step.
    pub heat: f64,
    pub selected: bool,
    pub currency: &'a str,
    pub zoom: f32,
    pub dark_mode: bool,
    /// Leave out the friction (workshop mode, before the reveal).
    pub figures_hidden: bool,
}

pub fn step_card(painter: &Painter, pal: &Palette, rect: Rect, look: &CardLook<'_>) {
    let fmt = crate::ui::number_style(painter.ctx());
    let fill = theme::heat_color(look.heat, look.dark_mode);
    let radius = 8.0;
    painter.rect_filled(rect, radius, fill);
    let stroke = if look.selected {
        pal.selection_stroke()
    } else {
        Stroke::new(1.0, pal.card_border)
    };
    painter.rect_stroke(rect, radius, stroke, StrokeKind::Inside);
    if look.zoom < DETAIL_ZOOM {
        return;
    }
    let s = look.step;
    let pad = 10.0;
    let width = rect.width() - 2.0 * pad - CONNECTOR_R;
    let mut y = rect.top() + 8.0;
    let mut line = |painter: &Painter, text: &str, font: FontId, color: Color32| {
        let g = one_line(painter, text, font, color, width);
        let h = g.size().y;
        painter.galley(egui::pos2(rect.left() + pad, y), g, color);
        y += h + 3.0;
    };
    line(painter, &s.name, theme::bold(15.0), pal.text);
    if s.needs_estimates() {
        // Imported without figures (e.g. from BPMN): say so instead of zeros.
        line(painter, "needs estimates", theme::bold(13.0), theme::WARNING);
    } else {
        figure_lines(painter, s, pal, &mut line);
    }
    if look.figures_hidden {
        return;
    }
    let friction = format!("{} / mo", fmt.money(look.score.point.friction(), look.currency));
    painter.text(
        egui::pos2(rect.left() + pad, rect.bottom() - 8.0),
        Align2::LEFT_BOTTOM,
        friction,
        theme::bold(15.0),
        pal.text,
    );
}

/// A card's volume, minutes, rework and wait lines.
fn figure_lines(painter: &Painter, s: &Step, pal: &Palette, line: &mut impl FnMut(&Painter, &str, FontId, Color32)) {
    let fmt = crate::ui::number_style(painter.ctx());
    line(
        painter,
        &format!(
            "{}/mo · {} min",
            fmt.quantity(s.volume_per_month),
            fmt.number(s.handle_minutes)
        ),
        FontId::proportional(13.0),
        pal.weak_text,
    );
    line(
        painter,
        &format!(
            "rework {:.0}% · wait {} h",
            s.rework_rate * 100.0,
            fmt.number(s.approval_delay_hours)
        ),
        FontId::proportional(13.0),
        pal.weak_text,
    );
}

/// The connector dot on a card's right edge, dragged to connect steps.
pub fn connector_pos(card: Rect) -> Pos2 {
    card.right_center()
}

pub fn connector(painter: &Painter, pal: &Palette, card: Rect, hovered: bool) {
    let r = if hovered { CONNECTOR_R + 2.0 } else { CONNECTOR_R };
    painter.circle(connector_pos(card), r, pal.connector, Stroke::new(2.0, Color32::WHITE));
}

/// The curve an edge follows from one card to another, flattened finely
/// enough for the zoom (about a screen pixel of error).
pub fn edge_points(from: Rect, to: Rect, zoom: f32) -> Vec<Pos2> {
    flatten(layout::edge_curve(from, to), zoom)
}

/// A route flattened into one polyline, finely enough for the zoom.
pub fn route_points(route: &crate::layout::route::Route, zoom: f32) -> Vec<Pos2> {
    let mut points: Vec<Pos2> = Vec::new();
    for piece in route.pieces() {
        let part = flatten(*piece, zoom);
        // Each piece starts where the one before ends.
        let skip = usize::from(points.last() == part.first());
        points.extend_from_slice(&part[skip..]);
    }
    points
}

/// Flattens a Bézier curve finely enough for the zoom (about a screen pixel
/// of error).
pub fn flatten(curve: [Pos2; 4], zoom: f32) -> Vec<Pos2> {
    CubicBezierShape::from_points_stroke(curve, false, Color32::TRANSPARENT, Stroke::NONE)
        .flatten(Some((0.8 / zoom.max(0.01)).max(0.8)))
}

/// Above this many hand-offs in view, hand-offs are crowded: those that
/// do not touch the selection are drawn as thin, faint solid lines. Dashing
/// costs a shape per dash: a generated map's hand-offs cross the whole map,
/// so hundreds pass through a screenful, and their tens of thousands of
/// dashes took most of a frame. In full colour, that many crossing lines
/// also washed out the gaps between cards, and not one could be followed;
/// faint, they show where hand-offs run, and selecting a step brings its
/// own back in full.
pub const DASHED_HANDOFFS_MAX: usize = 48;

/// How a hand-off is drawn. Flow inside a lane is always a plain line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoffLook {
    /// Dashed in the hand-off colour: the usual look.
    Dashed,
    /// Solid in the hand-off colour, where dashes would be too small to see.
    Solid,
    /// Thin and faint: one of many crossing the view.
    Faint,
}

pub fn edge(painter: &Painter, pal: &Palette, points: &[Pos2], handoff: bool, selected: bool, zoom: f32) {
    // Dashes too small to see are not worth their thousands of segments.
    let look = if zoom >= DETAIL_ZOOM {
        HandoffLook::Dashed
    } else {
        HandoffLook::Solid
    };
    edge_part(painter, pal, points, handoff, selected, look, true);
}

/// Part of an edge's curve (see `visible_runs`); the arrowhead only where
/// the part reaches the edge's end. `look` only applies to hand-offs.
pub fn edge_part(
    painter: &Painter,
    pal: &Palette,
    points: &[Pos2],
    handoff: bool,
    selected: bool,
    look: HandoffLook,
    arrow: bool,
) {
    let (color, width) = match (selected, handoff, look) {
        (true, _, _) => (pal.selection, 3.5),
        (false, true, HandoffLook::Faint) => (pal.handoff.gamma_multiply(0.3), 1.2),
        (false, true, _) => (pal.handoff, 2.5),
        (false, false, _) => (pal.edge, 1.8),
    };
    let stroke = Stroke::new(width, color);
    if handoff && look == HandoffLook::Dashed {
        painter.extend(Shape::dashed_line(points, stroke, 9.0, 6.0));
    } else {
        painter.add(Shape::line(points.to_vec(), stroke));
    }
    if !arrow {
        return;
    }
    if let [.., before, end] = points {
        let dir = (*end - *before).normalized();
        let size = 9.0 + width;
        let normal = vec2(-dir.y, dir.x);
        let base = *end - dir * size;
        painter.add(Shape::convex_polygon(
            vec![*end, base + normal * size * 0.5, base - normal * size * 0.5],
            color,
            Stroke::NONE,
        ));
    }
}

/// How finely `curve_span_in` finds the visible part: 2^5 = 32 pieces.
pub const SPAN_DEPTH: u32 = 5;

/// The part of a curve's parameter range that may pass through `rect`, to a
/// 32nd of the range: the pieces whose control-point boxes (which hold them)
/// come within [`EDGE_REACH`] of `rect`; `None` if none does. Halving only
/// the pieces that still meet `rect` makes a curve far from it cost one box
/// test, and one crossing it a few dozen.
pub fn curve_span_in(curve: &[Pos2; 4], rect: Rect) -> Option<(f32, f32)> {
    let rect = rect.expand(EDGE_REACH);
    let piece = 0.5f32.powi(SPAN_DEPTH as i32);
    let mut span: Option<(f32, f32)> = None;
    layout::curve_pieces(
        curve,
        SPAN_DEPTH,
        &mut |bounds| bounds.intersects(rect),
        &mut |t0, _| {
            span = Some(span.map_or((t0, t0 + piece), |(first, _)| (first, t0 + piece)));
        },
    );
    span
}

/// The piece of a cubic Bézier curve between parameters `t0` and `t1`.
pub fn sub_curve(c: &[Pos2; 4], t0: f32, t1: f32) -> [Pos2; 4] {
    // Cut at t1, then cut the first piece at t0 / t1.
    let head = if t1 < 1.0 { layout::split_curve(c, t1).0 } else { *c };
    if t0 > 0.0 && t1 > 0.0 {
        layout::split_curve(&head, t0 / t1).1
    } else {
        head
    }
}

/// The runs of consecutive points of a polyline whose segments meet `rect`,
/// each as a range of indices; so a long edge is drawn (and dashed) only
/// where it can be seen.
pub fn visible_runs(points: &[Pos2], rect: Rect) -> Vec<std::ops::Range<usize>> {
    let mut runs: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, pair) in points.windows(2).enumerate() {
        if !Rect::from_two_pos(pair[0], pair[1]).intersects(rect) {
            continue;
        }
        match runs.last_mut() {
            Some(run) if run.end == i + 1 => run.end = i + 2,
            _ => runs.push(i..i + 2),
        }
    }
    runs
}

/// The middle of an edge, where its click target sits.
pub fn edge_midpoint(points: &[Pos2]) -> Pos2 {
    points.get(points.len() / 2).copied().unwrap_or_default()
}

pub fn selection_box(painter: &Painter, pal: &Palette, rect: Rect) {
    painter.rect_filled(rect, 0.0, pal.box_select);
    painter.rect_stroke(rect, 0.0, Stroke::new(1.0, pal.selection), StrokeKind::Inside);
}

/// One lane's label drawn on screen at far zoom, pinned to the left edge of
/// the canvas so the name stays in view however the map is panned.
pub struct LaneLabel<'a> {
    /// The lane band on screen.
    pub band_on_screen: Rect,
    pub name: &'a str,
    /// The lane's monthly friction, formatted.
    pub figure: Option<String>,
}

/// Draws lane labels on screen, clipped to `canvas` (screen coordinates).
/// A label shows only if its band is tall enough for one line of text.
pub fn lane_labels(painter: &Painter, pal: &Palette, canvas: Rect, labels: &[LaneLabel<'_>]) {
    const MIN_BAND_PX: f32 = 11.0;
    for label in labels {
        let band = label.band_on_screen.intersect(canvas);
        if band.height() < MIN_BAND_PX {
            continue;
        }
        let font = theme::bold((band.height() - 3.0).clamp(9.0, 13.0));
        let mut text = label.name.to_owned();
        if let Some(figure) = &label.figure {
            text.push_str(" · ");
            text.push_str(figure);
        }
        // Left of the map when there is room there, so the label hides no
        // box; otherwise pinned inside the canvas's left edge.
        let room_left = label.band_on_screen.left() - canvas.left() - 12.0;
        let outside = room_left >= 80.0;
        let width = if outside {
            room_left.min(320.0)
        } else {
            (canvas.width() - 16.0).clamp(40.0, 320.0)
        };
        let galley = one_line(painter, &text, font, pal.text, width);
        let left = if outside {
            label.band_on_screen.left() - 8.0 - galley.size().x
        } else {
            band.left().max(canvas.left()) + 4.0
        };
        let top = band.top() + ((band.height() - galley.size().y) * 0.5).min(3.0);
        let rect = Rect::from_min_size(egui::pos2(left, top), galley.size()).expand2(vec2(4.0, 1.0));
        painter.rect_filled(rect, 3.0, pal.lane_header.gamma_multiply(0.92));
        painter.galley(rect.min + vec2(4.0, 1.0), galley, pal.text);
    }
}
