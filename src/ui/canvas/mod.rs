//! The canvas: lanes as horizontal bands holding step cards, with edges as
//! arrows, inside an `egui::Scene` for pan and zoom. Interaction turns into
//! [`Action`]s; view state (selection, drags, the scene rect) lives in
//! [`CanvasView`], never in the map.

pub mod edge_index;
mod interaction;
pub mod overview;
pub mod paint;
mod state;

use crate::layout;
pub use state::{CanvasView, FIT_SCROLL_VIEWS, RenameTarget, Selection, fit_rect};

use interaction::{
    add_step_at, background_interaction, card_interaction, connector_interaction, lane_buttons, rename_overlay,
};
use state::{Drag, ZOOM_RANGE};

use std::collections::HashSet;

use eframe::egui::{
    self, DragPanButtons, Id, Pos2, Rect, Role, Scene, Sense, Stroke, StrokeKind, Vec2, WidgetInfo, vec2,
};

use crate::document::Document;
use crate::domain::model::Edge;
use crate::ui::Action;
use crate::ui::theme::{CONNECTOR_R, Palette};
use layout::Layout;

/// Draws the canvas and turns interaction into actions.
pub fn canvas_ui(ui: &mut egui::Ui, doc: &Document, view: &mut CanvasView, actions: &mut Vec<Action>) {
    let pal = Palette::for_visuals(ui.visuals());
    let dark_mode = ui.visuals().dark_mode;
    let available = ui.available_size();
    if view.fit_requested {
        let layout = view.layout(doc);
        let tallest_lane = layout.bands.iter().map(|b| b.rect.height()).fold(0.0, f32::max);
        view.scene_rect = fit_rect(layout.bounds().expand(40.0), tallest_lane, available);
        view.fit_requested = false;
    }
    if let Some(zoom) = view.zoom_requested.take() {
        view.scene_rect = Rect::from_center_size(view.scene_rect.center(), available / zoom);
    }
    if let Some(rect) = view.show_requested.take() {
        // No closer than 200%: a single card should not fill the screen.
        let size = rect.size().max(available / 2.0);
        view.scene_rect = Rect::from_center_size(rect.center(), size);
    }
    if view.scene_rect.width() > 0.0 && view.scene_rect.height() > 0.0 {
        view.zoom = (available.x / view.scene_rect.width()).min(available.y / view.scene_rect.height());
    }
    // Take the layout out of the view for the frame, so the closure can
    // borrow the view mutably; it goes back at the end.
    view.layout(doc);
    let Some((layout_version, layout)) = view.layout.take() else {
        return;
    };
    let mut scene_rect = view.scene_rect;
    let scene = Scene::new()
        .zoom_range(ZOOM_RANGE)
        .drag_pan_buttons(DragPanButtons::SECONDARY | DragPanButtons::MIDDLE);
    let canvas_on_screen = ui.available_rect_before_wrap();
    let mut scene_layer = None;
    let response = scene.show(ui, &mut scene_rect, |ui| {
        // The transform as panned and zoomed this frame.
        let zoom = ui
            .ctx()
            .layer_transform_to_global(ui.layer_id())
            .map_or(view.zoom, |t| t.scaling);
        view.zoom = zoom;
        scene_contents(ui, doc, view, &layout, &pal, dark_mode, actions);
        scene_layer = Some(ui.layer_id());
    });
    view.scene_rect = scene_rect;
    if let Some(scene_layer) = scene_layer
        && view.zoom < paint::LANE_TITLE_ZOOM
    {
        // A layer of its own right above the scene, without its transform.
        let labels_layer = egui::LayerId::new(scene_layer.order, scene_layer.id.with("lane-labels"));
        ui.ctx().set_sublayer(scene_layer, labels_layer);
        let to_screen = ui.ctx().layer_transform_to_global(scene_layer).unwrap_or_default();
        let canvas = canvas_on_screen.intersect(ui.clip_rect());
        let painter = egui::Painter::new(ui.ctx().clone(), labels_layer, canvas);
        lane_labels(&painter, doc, &layout, canvas, to_screen, &pal, view.figures_hidden);
    }
    background_interaction(ui, &response.response, doc, view, &layout);
    view.layout = Some((layout_version, layout));
    view.has_keyboard = keyboard_owner(ui, canvas_on_screen, view.has_keyboard);
    view.on_screen = canvas_on_screen;
}

/// Whether the canvas has the keyboard after this frame: the pointer is
/// over it with nothing (a menu, a window) above it there, or, with the
/// pointer outside the window, it was over the canvas last.
fn keyboard_owner(ui: &egui::Ui, canvas_on_screen: Rect, had_it: bool) -> bool {
    let ctx = ui.ctx();
    if egui::Popup::is_any_open(ctx) {
        return false;
    }
    match ctx.pointer_hover_pos() {
        None => had_it,
        Some(pos) => {
            canvas_on_screen.contains(pos)
                && ctx
                    .layer_id_at(pos)
                    .is_none_or(|layer| layer.order == ui.layer_id().order)
        }
    }
}

/// Lane names on screen, for zooms where the header column is too small.
fn lane_labels(
    painter: &egui::Painter,
    doc: &Document,
    layout: &Layout,
    canvas: Rect,
    to_screen: egui::emath::TSTransform,
    pal: &Palette,
    figures_hidden: bool,
) {
    let map = doc.map();
    let ranking = doc.ranking();
    let fmt = crate::ui::number_style(painter.ctx());
    let labels: Vec<paint::LaneLabel<'_>> = map
        .lanes
        .iter()
        .zip(&layout.bands)
        .filter_map(|(lane, band)| {
            let band_on_screen = to_screen * band.rect;
            band_on_screen.intersects(canvas).then(|| paint::LaneLabel {
                band_on_screen,
                name: &lane.name,
                figure: ranking
                    .lane(&lane.id)
                    .filter(|_| !figures_hidden)
                    .map(|s| format!("{} / month", fmt.money(s.monthly_friction, &map.currency))),
            })
        })
        .collect();
    paint::lane_labels(painter, pal, canvas, &labels);
}

/// The steps being dragged, by index, with how far they have moved.
struct Moving {
    offset: Vec2,
    /// One flag per step; empty when nothing moves.
    mask: Vec<bool>,
    indices: Vec<usize>,
}

impl Moving {
    fn of(doc: &Document, drag: Option<&Drag>) -> Self {
        let mut moving = Self {
            offset: Vec2::ZERO,
            mask: Vec::new(),
            indices: Vec::new(),
        };
        if let Some(Drag::Move { step_ids, offset }) = drag {
            moving.offset = *offset;
            moving.indices = step_ids.iter().filter_map(|id| doc.step_index(id)).collect();
            moving.mask = vec![false; doc.map().steps.len()];
            for &i in &moving.indices {
                moving.mask[i] = true;
            }
        }
        moving
    }

    fn offset(&self, i: usize) -> Vec2 {
        if self.moves(i) { self.offset } else { Vec2::ZERO }
    }

    fn moves(&self, i: usize) -> bool {
        self.mask.get(i).copied().unwrap_or(false)
    }

    /// A fingerprint of which steps move, for the overview cache key.
    fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.indices.hash(&mut h);
        h.finish()
    }
}

#[allow(clippy::too_many_arguments)]
fn scene_contents(
    ui: &mut egui::Ui,
    doc: &Document,
    view: &mut CanvasView,
    layout: &Layout,
    pal: &Palette,
    dark_mode: bool,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let ranking = doc.ranking();
    let zoom = view.zoom;
    let detail = zoom >= paint::DETAIL_ZOOM;
    let visible = ui.clip_rect().expand(40.0);
    let painter = ui.painter().clone();
    let modifiers = ui.input(|i| i.modifiers);
    let moving = Moving::of(doc, view.drag.as_ref());

    // Lanes first, so cards sit on top of them.
    for (index, (lane, band)) in map.lanes.iter().zip(&layout.bands).enumerate() {
        if !band.rect.intersects(visible) {
            continue;
        }
        let id = Id::unique(("lane", &lane.id));
        let resp = ui.interact(band.rect, id, Sense::click());
        resp.widget_info(|| {
            WidgetInfo::selected(
                Role::Button,
                true,
                view.selection.lane.as_deref() == Some(lane.id.as_str()),
                format!("Lane {}", lane.name),
            )
        });
        paint::lane_band(
            &painter,
            pal,
            band,
            &paint::LaneLook {
                lane,
                score: ranking.lane(&lane.id).filter(|_| !view.figures_hidden),
                index,
                highlighted: view.highlight_lane.as_deref() == Some(lane.id.as_str()),
                selected: view.selection.lane.as_deref() == Some(lane.id.as_str()),
                currency: &map.currency,
                zoom,
            },
        );
        if resp.double_clicked() {
            if let Some(pos) = resp.interact_pointer_pos() {
                if band.header.contains(pos) {
                    view.start_rename(RenameTarget::Lane(lane.id.clone()), lane.name.clone());
                } else {
                    actions.push(add_step_at(doc, lane, band.body.min, pos));
                }
            }
        } else if resp.clicked() {
            view.selection = Selection::only_lane(&lane.id);
        }
    }

    let scores = doc.step_scores();
    let max_friction = doc.max_step_friction();
    let heat = |i: usize| {
        if max_friction > 0.0 && !view.figures_hidden {
            scores[i].point.friction() / max_friction
        } else {
            0.0
        }
    };
    if detail {
        // The far-zoom meshes are rebuilt when next needed; not kept meanwhile.
        view.overview = None;
        if view
            .edge_index
            .as_ref()
            .is_none_or(|index| index.version != doc.version())
        {
            view.edge_index = Some(edge_index::EdgeIndex::build(doc.version(), layout));
        }
        // Out of the view for the call, which changes the selection.
        if let Some(index) = view.edge_index.take() {
            detail_edges(ui, &painter, doc, view, layout, &index, pal, &moving, visible);
            view.edge_index = Some(index);
        }
        detail_cards(
            ui, &painter, doc, view, layout, pal, dark_mode, &moving, visible, actions,
        );
    } else {
        // Far out: cached meshes, and live shapes only for what moves or is
        // selected. Only the card under the pointer (and the dragged ones)
        // take part in interaction.
        let key = overview::OverviewKey {
            version: doc.version(),
            zoom_step: overview::zoom_step(zoom),
            dark_mode,
            moving: moving.fingerprint(),
            figures_hidden: view.figures_hidden,
        };
        if view.overview.as_ref().is_none_or(|o| o.key != key) {
            view.overview = Some(overview::Overview::build(key, layout, pal, heat, &moving.mask));
        }
        if let Some(o) = &view.overview {
            o.paint(&painter, visible);
        }
        // Lane borders a screen pixel wide on top, so lanes stay apart
        // however densely the boxes fill them.
        for band in layout.bands.iter().filter(|b| b.rect.intersects(visible)) {
            painter.line_segment(
                [band.rect.left_bottom(), band.rect.right_bottom()],
                Stroke::new(1.0 / zoom, pal.card_border),
            );
        }
        far_overlays(&painter, doc, view, layout, pal, dark_mode, &moving, heat, visible);
        let hovered = ui
            .ctx()
            .pointer_hover_pos()
            .zip(ui.ctx().layer_transform_to_global(ui.layer_id()))
            .and_then(|(pos, t)| layout.card_at(t.inverse() * pos));
        let mut interactive = moving.indices.clone();
        interactive.extend(hovered.filter(|i| !moving.indices.contains(i)));
        for i in interactive {
            let step = &map.steps[i];
            let rect = layout.cards[i].translate(moving.offset(i));
            let selected = view.selection.steps.contains(&step.id);
            let resp = ui.interact(rect, Id::unique(("step", &step.id)), Sense::click_and_drag());
            resp.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, format!("Step {}", step.name)));
            if resp.hovered() && !selected {
                painter.rect_stroke(rect, 0.0, Stroke::new(1.5 / zoom, pal.selection), StrokeKind::Outside);
            }
            card_interaction(&resp, step, selected, modifiers, view, layout, doc, actions);
        }
    }

    // Transient overlays: a connection being drawn, a selection box.
    match &view.drag {
        Some(Drag::Connect { from, pointer }) => {
            if let Some(a) = doc.step_index(from) {
                let start = layout.cards[a];
                let target = Rect::from_center_size(*pointer + vec2(CONNECTOR_R, 0.0), vec2(1.0, 1.0));
                paint::edge(
                    &painter,
                    pal,
                    &paint::edge_points(start, target, zoom),
                    false,
                    true,
                    zoom,
                );
            }
        }
        Some(Drag::Box { start, end }) => paint::selection_box(&painter, pal, Rect::from_two_pos(*start, *end)),
        _ => {}
    }

    lane_headers(ui, &painter, doc, view, layout, pal, actions);
    rename_overlay(ui, doc, layout, view, actions);
}

/// The lane headers, on top of the cards. Panned sideways, a header stays
/// at the view's left edge (a sticky column), so each lane's name and
/// friction stay in view wherever the map is scrolled.
fn lane_headers(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    doc: &Document,
    view: &CanvasView,
    layout: &Layout,
    pal: &Palette,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let ranking = doc.ranking();
    let view_in_scene = ui.clip_rect();
    if view.zoom < paint::LANE_TITLE_ZOOM {
        return;
    }
    for (index, (lane, band)) in map.lanes.iter().zip(&layout.bands).enumerate() {
        if !band.rect.intersects(view_in_scene) {
            continue;
        }
        let score = ranking.lane(&lane.id).filter(|_| !view.figures_hidden);
        let shift = (view_in_scene.left() - band.header.left()).clamp(0.0, band.body.width().max(0.0));
        let header = band.header.translate(vec2(shift, 0.0));
        let look = paint::LaneLook {
            lane,
            score,
            index,
            highlighted: view.highlight_lane.as_deref() == Some(lane.id.as_str()),
            selected: view.selection.lane.as_deref() == Some(lane.id.as_str()),
            currency: &map.currency,
            zoom: view.zoom,
        };
        if shift > 0.0 {
            paint::sticky_header(painter, pal, header, &look);
        }
        // For AccessKit and tests: where the header is and what it says.
        let resp = ui.interact(header, Id::unique(("lane-header", &lane.id)), Sense::hover());
        // Read before `widget_info`, whose closure runs while the context is locked.
        let fmt = crate::ui::number_style(ui.ctx());
        resp.widget_info(|| {
            let label = paint::header_text(&look, fmt).join(" · ");
            WidgetInfo::labeled(Role::RowHeader, true, format!("Lane header {label}"))
        });
        if view.zoom >= paint::DETAIL_ZOOM {
            lane_buttons(ui, lane, index, map.lanes.len(), header, actions);
        }
    }
}

/// An edge that passes through the view, with the part of its curve
/// (parameters `t0..t1`) that can be seen.
struct EdgeInView<'a> {
    edge: &'a Edge,
    a: usize,
    b: usize,
    /// The visible parts of the edge's route, each flattened, and whether
    /// it ends where the edge does (and so carries the arrowhead).
    parts: Vec<(Vec<Pos2>, bool)>,
    /// Where the edge's hit target sits.
    mid: Pos2,
    handoff: bool,
}

/// Edges at reading zoom: only those in view, each clickable at its middle.
#[allow(clippy::too_many_arguments)]
fn detail_edges(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    doc: &Document,
    view: &mut CanvasView,
    layout: &Layout,
    index: &edge_index::EdgeIndex,
    pal: &Palette,
    moving: &Moving,
    visible: Rect,
) {
    let map = doc.map();
    let zoom = view.zoom;
    let modifiers = ui.input(|i| i.modifiers);
    // The edges near the view where the layout put them, and those of the
    // steps being dragged wherever they are now; in map order, so edges
    // overlap the same way whatever is in view.
    let mut near: Vec<u32> = Vec::new();
    index.edges_near(visible, &mut near);
    for &i in &moving.indices {
        near.extend_from_slice(index.edges_of_step(i));
    }
    near.sort_unstable();
    near.dedup();
    // Find what is in view first: how hand-offs look depends on how many
    // of them are (`paint::DASHED_HANDOFFS_MAX`).
    let in_view: Vec<EdgeInView<'_>> = near
        .into_iter()
        .filter_map(|e| {
            let e = e as usize;
            let &(a, b) = layout.edge_ends[e].as_ref()?;
            let from = layout.cards[a].translate(moving.offset(a));
            let to = layout.cards[b].translate(moving.offset(b));
            // Long hand-offs span the map: flatten and draw only the parts
            // of the route that can be seen.
            let moved;
            let route = if moving.offset(a) == vec2(0.0, 0.0) && moving.offset(b) == vec2(0.0, 0.0) {
                layout.routes()[e].as_ref()?
            } else {
                moved = layout.route(a, b, from, to);
                &moved
            };
            let pieces = route.pieces();
            let mut parts = Vec::new();
            for (k, piece) in pieces.iter().enumerate() {
                let Some((t0, t1)) = paint::curve_span_in(piece, visible) else {
                    continue;
                };
                let last = k + 1 == pieces.len();
                parts.push((paint::flatten(paint::sub_curve(piece, t0, t1), zoom), last && t1 == 1.0));
            }
            if parts.is_empty() {
                return None;
            }
            // A whole single curve's hit target sits half way along it.
            let mid = match parts.as_slice() {
                [(points, true)] if pieces.len() == 1 && points.first() == Some(&pieces[0][0]) => {
                    paint::edge_midpoint(points)
                }
                _ => route.middle(),
            };
            Some(EdgeInView {
                edge: &map.edges[e],
                a,
                b,
                parts,
                mid,
                handoff: layout.card_lane[a] != layout.card_lane[b],
            })
        })
        .collect();
    let few_handoffs = in_view.iter().filter(|e| e.handoff).count() <= paint::DASHED_HANDOFFS_MAX;
    // The selection as step index pairs, so an edge in view is looked up
    // without cloning its ids into a key.
    let selected_ends: HashSet<(usize, usize)> = view
        .selection
        .edges
        .iter()
        .filter_map(|(from, to)| Some((doc.step_index(from)?, doc.step_index(to)?)))
        .collect();
    let selected_steps: HashSet<usize> = view
        .selection
        .steps
        .iter()
        .filter_map(|id| doc.step_index(id))
        .collect();
    for EdgeInView {
        edge,
        a,
        b,
        parts,
        mid,
        handoff,
    } in in_view
    {
        let selected = selected_ends.contains(&(a, b));
        // When crowded, the hand-offs of the selection keep the usual look:
        // they are few.
        let look = if few_handoffs || selected || selected_steps.contains(&a) || selected_steps.contains(&b) {
            paint::HandoffLook::Dashed
        } else {
            paint::HandoffLook::Faint
        };
        for (points, ends_here) in &parts {
            for run in paint::visible_runs(points, visible) {
                let arrow = *ends_here && run.end == points.len();
                paint::edge_part(painter, pal, &points[run], handoff, selected, look, arrow);
            }
        }
        let hit = Rect::from_center_size(mid, vec2(16.0, 16.0));
        let resp = ui.interact(hit, Id::unique(("edge", &edge.from, &edge.to)), Sense::click());
        // Built only when something reads it (AccessKit, tests).
        resp.widget_info(|| {
            let kind = if handoff { "Hand-off" } else { "Flow" };
            let label = format!("{kind} edge {} to {}", map.steps[a].name, map.steps[b].name);
            WidgetInfo::selected(Role::Button, true, selected, label)
        });
        if resp.hovered() || selected {
            painter.circle_filled(mid, 5.0, pal.selection);
        }
        if resp.clicked() {
            let key = (edge.from.clone(), edge.to.clone());
            if modifiers.shift || modifiers.command {
                if !view.selection.edges.remove(&key) {
                    view.selection.edges.insert(key);
                }
            } else {
                view.selection = Selection::default();
                view.selection.edges.insert(key);
            }
        }
    }
}

/// Cards at reading zoom: only those in view, each with its text and its
/// connector.
#[allow(clippy::too_many_arguments)]
fn detail_cards(
    ui: &mut egui::Ui,
    painter: &egui::Painter,
    doc: &Document,
    view: &mut CanvasView,
    layout: &Layout,
    pal: &Palette,
    dark_mode: bool,
    moving: &Moving,
    visible: Rect,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let zoom = view.zoom;
    let modifiers = ui.input(|i| i.modifiers);
    let scores = doc.step_scores();
    let max_friction = doc.max_step_friction();
    // The cards in view, in map order but for the selected and dragged
    // ones, which come last so that they sit on top of any card they
    // overlap: a card dropped onto another stays readable.
    let mut order = Vec::new();
    let mut on_top = Vec::new();
    for (i, step) in map.steps.iter().enumerate() {
        if layout.cards[i].translate(moving.offset(i)).intersects(visible) {
            let selected = view.selection.steps.contains(&step.id);
            if selected || moving.moves(i) {
                on_top.push((i, selected));
            } else {
                order.push((i, selected));
            }
        }
    }
    order.append(&mut on_top);
    for (i, selected) in order {
        let step = &map.steps[i];
        let rect = layout.cards[i].translate(moving.offset(i));
        let resp = ui.interact(rect, Id::unique(("step", &step.id)), Sense::click_and_drag());
        resp.widget_info(|| WidgetInfo::selected(Role::Button, true, selected, format!("Step {}", step.name)));
        let heat = if max_friction > 0.0 && !view.figures_hidden {
            scores[i].point.friction() / max_friction
        } else {
            0.0
        };
        paint::step_card(
            painter,
            pal,
            rect,
            &paint::CardLook {
                step,
                score: &scores[i],
                heat,
                selected,
                currency: &map.currency,
                zoom,
                dark_mode,
                figures_hidden: view.figures_hidden,
            },
        );
        card_interaction(&resp, step, selected, modifiers, view, layout, doc, actions);

        let c = paint::connector_pos(rect);
        let hit = Rect::from_center_size(c, Vec2::splat(CONNECTOR_R * 3.0));
        let conn = ui.interact(hit, Id::unique(("connector", &step.id)), Sense::drag());
        conn.widget_info(|| WidgetInfo::labeled(Role::Button, true, format!("Connect from {}", step.name)));
        if resp.hovered() || conn.hovered() || selected || conn.dragged() {
            paint::connector(painter, pal, rect, conn.hovered());
        }
        connector_interaction(&conn, step, view, layout, map, actions);
    }
}

/// At far zoom, what the cached meshes leave out: the steps being dragged
/// with their edges, and the selection's outlines.
#[allow(clippy::too_many_arguments)]
fn far_overlays(
    painter: &egui::Painter,
    doc: &Document,
    view: &CanvasView,
    layout: &Layout,
    pal: &Palette,
    dark_mode: bool,
    moving: &Moving,
    heat: impl Fn(usize) -> f64,
    visible: Rect,
) {
    let zoom = view.zoom;
    let pixel = 1.0 / zoom;
    if !moving.indices.is_empty() {
        for &(a, b) in layout.edge_ends.iter().flatten() {
            if moving.mask[a] || moving.mask[b] {
                let from = layout.cards[a].translate(moving.offset(a));
                let to = layout.cards[b].translate(moving.offset(b));
                let handoff = layout.card_lane[a] != layout.card_lane[b];
                let route = layout.route(a, b, from, to);
                paint::edge(painter, pal, &paint::route_points(&route, zoom), handoff, false, zoom);
            }
        }
        for &i in &moving.indices {
            let rect = layout.cards[i].translate(moving.offset);
            painter.rect_filled(rect, 0.0, crate::ui::theme::heat_color(heat(i), dark_mode));
        }
    }
    for i in view.selection.steps.iter().filter_map(|id| doc.step_index(id)) {
        let rect = layout.cards[i].translate(moving.offset(i));
        if rect.intersects(visible) {
            painter.rect_stroke(rect, 0.0, Stroke::new(2.5 * pixel, pal.selection), StrokeKind::Outside);
        }
    }
    for (from, to) in &view.selection.edges {
        if let (Some(a), Some(b)) = (doc.step_index(from), doc.step_index(to)) {
            let from = layout.cards[a].translate(moving.offset(a));
            let to = layout.cards[b].translate(moving.offset(b));
            let handoff = layout.card_lane[a] != layout.card_lane[b];
            let route = layout.route(a, b, from, to);
            paint::edge(painter, pal, &paint::route_points(&route, zoom), handoff, true, zoom);
        }
    }
}
