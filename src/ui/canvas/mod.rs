//! The canvas: lanes as horizontal bands holding step cards, with edges as
//! arrows, inside an `egui::Scene` for pan and zoom. Interaction turns into
//! [`Action`]s; view state (selection, drags, the scene rect) lives in
//! [`CanvasView`], never in the map.

pub mod edge_index;
pub use crate::layout;
pub mod overview;
pub mod paint;
pub use crate::layout::route;

use std::collections::{BTreeSet, HashSet};

use eframe::egui::{
    self, DragPanButtons, Id, Key, Modifiers, PointerButton, Pos2, Rect, Role, Scene, Sense, Stroke, StrokeKind, Vec2,
    WidgetInfo, vec2,
};

use crate::document::Document;
use crate::document::edit::Edit;
use crate::domain::model::{Edge, Lane, Step};
use crate::ui::Action;
use crate::ui::theme::{CONNECTOR_R, Palette};
use layout::Layout;

/// What is selected on the canvas. With nothing selected the inspector
/// shows the map itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub steps: BTreeSet<String>,
    pub edges: BTreeSet<(String, String)>,
    pub lane: Option<String>,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.edges.is_empty() && self.lane.is_none()
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    pub fn only_step(id: &str) -> Self {
        Self {
            steps: BTreeSet::from([id.to_owned()]),
            ..Self::default()
        }
    }

    pub fn only_lane(id: &str) -> Self {
        Self {
            lane: Some(id.to_owned()),
            ..Self::default()
        }
    }

    /// Drops ids that no longer exist (after undo, delete or reload).
    pub fn retain_existing(&mut self, doc: &Document) {
        let map = doc.map();
        self.steps.retain(|id| map.step(id).is_some());
        self.edges
            .retain(|(a, b)| map.edges.iter().any(|e| &e.from == a && &e.to == b));
        if self.lane.as_ref().is_some_and(|id| map.lane(id).is_none()) {
            self.lane = None;
        }
    }
}

/// A drag in progress. The map only changes when it ends, so a whole drag
/// is one undo step and nothing is rescored while it runs.
#[derive(Clone, Debug)]
enum Drag {
    Move { step_ids: Vec<String>, offset: Vec2 },
    Connect { from: String, pointer: Pos2 },
    Box { start: Pos2, end: Pos2 },
}

/// What is being renamed inline.
#[derive(Clone, Debug, PartialEq)]
pub enum RenameTarget {
    Step(String),
    Lane(String),
}

#[derive(Clone, Debug)]
struct Rename {
    target: RenameTarget,
    text: String,
    focus_requested: bool,
}

/// Everything about the canvas that is not the map.
pub struct CanvasView {
    pub scene_rect: Rect,
    pub selection: Selection,
    /// The lane picked in the ranking panel, drawn highlighted.
    pub highlight_lane: Option<String>,
    fit_requested: bool,
    /// A zoom to set around the centre of the view on the next frame.
    zoom_requested: Option<f32>,
    /// A part of the scene to show on the next frame.
    show_requested: Option<Rect>,
    drag: Option<Drag>,
    rename: Option<Rename>,
    /// The layout and the `Document::version` it was made for.
    layout: Option<((u64, u64), Layout)>,
    /// The far-zoom meshes (see `overview`).
    overview: Option<overview::Overview>,
    /// Which edges lie where, for reading zoom (see `edge_index`).
    edge_index: Option<edge_index::EdgeIndex>,
    /// The zoom (screen pixels per scene unit) of the last frame.
    pub zoom: f32,
    /// Whether the map keys (L, S, F, 1, Delete) act: the pointer was last
    /// over the canvas (hovering or clicking it), and no menu is open.
    pub has_keyboard: bool,
    /// Where the canvas was on screen last frame.
    pub on_screen: Rect,
    /// Hide everything that tells the ranking: the lanes' money, rank and
    /// share, the cards' friction and heat colours (workshop mode, until
    /// the ranking is revealed).
    pub figures_hidden: bool,
}

impl Default for CanvasView {
    fn default() -> Self {
        Self {
            scene_rect: Rect::ZERO,
            selection: Selection::default(),
            highlight_lane: None,
            fit_requested: true,
            zoom_requested: None,
            show_requested: None,
            drag: None,
            rename: None,
            layout: None,
            overview: None,
            edge_index: None,
            zoom: 1.0,
            has_keyboard: false,
            on_screen: Rect::NOTHING,
            figures_hidden: false,
        }
    }
}

impl CanvasView {
    pub fn request_fit(&mut self) {
        self.fit_requested = true;
    }

    /// Zooms to `zoom` screen pixels per scene unit (1.0 is 100%) on the
    /// next frame, keeping the centre of the view where it is.
    /// Shows the selected steps (or the selected lane) as large as the
    /// view allows, but no closer than 200%.
    pub fn request_fit_selection(&mut self, doc: &Document) {
        let steps: Vec<usize> = (self.selection.steps.iter())
            .filter_map(|id| doc.step_index(id))
            .collect();
        let lane = self.selection.lane.as_deref().and_then(|id| doc.map().lane_index(id));
        let layout = self.layout(doc);
        let rect = steps
            .iter()
            .filter_map(|&i| layout.cards.get(i).copied())
            .reduce(|a, b| a.union(b))
            .or_else(|| lane.and_then(|i| layout.bands.get(i)).map(|b| b.rect));
        self.show_requested = rect.map(|r| r.expand(40.0));
    }

    pub fn request_zoom(&mut self, zoom: f32) {
        self.zoom_requested = Some(zoom.clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end()));
    }

    pub fn start_rename(&mut self, target: RenameTarget, text: String) {
        self.rename = Some(Rename {
            target,
            text,
            focus_requested: false,
        });
    }

    pub fn is_renaming(&self) -> bool {
        self.rename.is_some()
    }

    /// Pans (without zooming) so a lane's band is in view.
    pub fn reveal_lane(&mut self, doc: &Document, lane_id: &str) {
        let Some(index) = doc.map().lane_index(lane_id) else {
            return;
        };
        let Some(band) = self.layout(doc).bands.get(index).map(|b| b.rect) else {
            return;
        };
        // A band is wider than the view: its start, with the lane title.
        let start = Rect::from_min_size(band.min, vec2(band.width().min(self.scene_rect.width()), band.height()));
        self.reveal(start);
    }

    /// Pans (without zooming) so a step's card is in view.
    pub fn reveal_step(&mut self, doc: &Document, step_id: &str) {
        let Some(index) = doc.step_index(step_id) else {
            return;
        };
        if let Some(card) = self.layout(doc).cards.get(index).copied() {
            self.reveal(card);
        }
    }

    /// Pans the least that brings `rect` (in scene units) into view, or its
    /// centre where it does not fit.
    fn reveal(&mut self, rect: Rect) {
        let view = self.scene_rect;
        if view.width() <= 0.0 || view.contains_rect(rect) {
            return;
        }
        let shift = |lo: f32, hi: f32, view_lo: f32, view_hi: f32| {
            if hi - lo > view_hi - view_lo {
                (lo + hi) / 2.0 - (view_lo + view_hi) / 2.0
            } else if lo < view_lo {
                lo - view_lo
            } else if hi > view_hi {
                hi - view_hi
            } else {
                0.0
            }
        };
        self.scene_rect = view.translate(vec2(
            shift(rect.left(), rect.right(), view.left(), view.right()),
            shift(rect.top(), rect.bottom(), view.top(), view.bottom()),
        ));
    }

    /// Forgets everything tied to the previous map.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    fn layout(&mut self, doc: &Document) -> &Layout {
        let fresh = matches!(&self.layout, Some((version, _)) if *version == doc.version());
        if !fresh {
            self.layout = Some((doc.version(), Layout::new(doc.map(), |id| doc.step_index(id))));
        }
        // The branch above always fills the cache.
        &self.layout.as_ref().expect("layout cache was just filled").1
    }
}

/// The scene zoom range: far enough out to fit 100,000 steps, 4× in for detail.
const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.002..=4.0;

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

/// The part of the scene "Fit to map" shows in a view of `view` points:
/// the whole map when that draws the cards at reading zoom or closer (their
/// text is drawn). Otherwise, for a map made to be read (each lane, at most
/// `tallest_lane` high, fits the view at reading zoom, and the whole map is
/// at most [`FIT_SCROLL_VIEWS`] views tall there), the map's start with the
/// lane titles: at the zoom that fits all the lanes' height when that is
/// reading zoom or more (up to 100%; the rest is a sideways scroll away),
/// else at reading zoom. A larger map is fitted whole, as an overview.
pub fn fit_rect(bounds: Rect, tallest_lane: f32, view: Vec2) -> Rect {
    if view.x <= 0.0 || view.y <= 0.0 || bounds.width() <= 0.0 || bounds.height() <= 0.0 {
        return bounds;
    }
    // A little above the zoom where card text is drawn, so that panels
    // settling a few points in the frames after the fit keep the text.
    let reading = paint::DETAIL_ZOOM * 1.1;
    let height_fit = view.y / bounds.height();
    let whole = (view.x / bounds.width()).min(height_fit);
    let readable = tallest_lane * reading <= view.y && bounds.height() * reading <= view.y * FIT_SCROLL_VIEWS;
    if whole >= reading || !readable {
        return bounds;
    }
    let zoom = height_fit.clamp(reading, 1.0);
    Rect::from_min_size(bounds.min, view / zoom)
}

/// How many views tall a map may be at reading zoom for "Fit" to show its
/// start readable rather than all of it as blank boxes.
pub const FIT_SCROLL_VIEWS: f32 = 3.0;

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

fn lane_buttons(ui: &mut egui::Ui, lane: &Lane, index: usize, lanes: usize, header: Rect, actions: &mut Vec<Action>) {
    let size = vec2(26.0, 24.0);
    let mut pos = header.left_bottom() + vec2(12.0, -size.y - 8.0);
    let mut button = |ui: &mut egui::Ui, text: &str, label: String, enabled: bool| {
        let rect = Rect::from_min_size(pos, size);
        pos.x += size.x + 4.0;
        let resp = ui.put(rect, egui::Button::new(text).small()).on_hover_text(&label);
        resp.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, &label));
        enabled && resp.clicked()
    };
    if button(ui, "↑", format!("Move lane {} up", lane.name), index > 0) {
        actions.push(Action::edit(Edit::MoveLane {
            lane_id: lane.id.clone(),
            to_index: index - 1,
        }));
    }
    if button(ui, "↓", format!("Move lane {} down", lane.name), index + 1 < lanes) {
        actions.push(Action::edit(Edit::MoveLane {
            lane_id: lane.id.clone(),
            to_index: index + 1,
        }));
    }
    if button(ui, "×", format!("Delete lane {}", lane.name), true) {
        actions.push(Action::AskDeleteLane(lane.id.clone()));
    }
}

#[allow(clippy::too_many_arguments)]
fn card_interaction(
    resp: &egui::Response,
    step: &Step,
    selected: bool,
    modifiers: Modifiers,
    view: &mut CanvasView,
    layout: &Layout,
    doc: &Document,
    actions: &mut Vec<Action>,
) {
    let extend = modifiers.shift || modifiers.command;
    if resp.double_clicked() {
        view.selection = Selection::only_step(&step.id);
        view.start_rename(RenameTarget::Step(step.id.clone()), step.name.clone());
    } else if resp.clicked() {
        if extend {
            if selected {
                view.selection.steps.remove(&step.id);
            } else {
                view.selection.steps.insert(step.id.clone());
            }
            view.selection.lane = None;
        } else {
            view.selection = Selection::only_step(&step.id);
        }
    }
    if resp.drag_started_by(PointerButton::Primary) {
        if !selected {
            view.selection = Selection::only_step(&step.id);
        }
        view.drag = Some(Drag::Move {
            step_ids: view.selection.steps.iter().cloned().collect(),
            offset: Vec2::ZERO,
        });
    }
    if resp.dragged_by(PointerButton::Primary)
        && let Some(Drag::Move { offset, .. }) = &mut view.drag
    {
        *offset += resp.drag_delta();
    }
    if resp.drag_stopped()
        && let Some(Drag::Move { step_ids, offset }) = view.drag.take()
        && offset.length() > 0.5
    {
        actions.push(Action::edit(move_edit(doc, layout, &step_ids, offset)));
    }
}

fn connector_interaction(
    conn: &egui::Response,
    step: &Step,
    view: &mut CanvasView,
    layout: &Layout,
    map: &crate::domain::model::Map,
    actions: &mut Vec<Action>,
) {
    if conn.drag_started()
        && let Some(pointer) = conn.interact_pointer_pos()
    {
        view.drag = Some(Drag::Connect {
            from: step.id.clone(),
            pointer,
        });
    }
    if conn.dragged()
        && let Some(Drag::Connect { pointer, .. }) = &mut view.drag
        && let Some(pos) = conn.interact_pointer_pos()
    {
        *pointer = pos;
    }
    if conn.drag_stopped()
        && let Some(Drag::Connect { from, pointer }) = view.drag.take()
        && let Some(target) = layout.card_at(pointer)
    {
        let to = map.steps[target].id.clone();
        let edge = Edge { from, to };
        if edge.from != edge.to && !map.edges.contains(&edge) {
            actions.push(Action::edit(Edit::AddEdges(vec![edge])));
        }
    }
}

fn background_interaction(
    ui: &egui::Ui,
    resp: &egui::Response,
    doc: &Document,
    view: &mut CanvasView,
    layout: &Layout,
) {
    let modifiers = ui.input(|i| i.modifiers);
    if resp.clicked() && !(modifiers.shift || modifiers.command) {
        view.selection.clear();
    }
    if resp.drag_started_by(PointerButton::Primary)
        && let Some(pos) = resp.interact_pointer_pos()
    {
        view.drag = Some(Drag::Box { start: pos, end: pos });
    }
    if resp.dragged_by(PointerButton::Primary)
        && let Some(Drag::Box { end, .. }) = &mut view.drag
        && let Some(pos) = resp.interact_pointer_pos()
    {
        *end = pos;
    }
    if resp.drag_stopped()
        && let Some(Drag::Box { start, end }) = view.drag.take()
    {
        let area = Rect::from_two_pos(start, end);
        if !(modifiers.shift || modifiers.command) {
            view.selection.clear();
        }
        for (i, card) in layout.cards.iter().enumerate() {
            if area.intersects(*card) {
                view.selection.steps.insert(doc.map().steps[i].id.clone());
            }
        }
    }
}

/// Moves steps by `offset`; each lands in the lane under its card's centre.
pub fn move_edit(doc: &Document, layout: &Layout, step_ids: &[String], offset: Vec2) -> Edit {
    let map = doc.map();
    let steps = step_ids
        .iter()
        .filter_map(|id| {
            let i = doc.step_index(id)?;
            let card = layout.cards[i].translate(offset);
            let lane = layout.lane_at(card.center().y)?;
            let rel = layout.relative_to_lane(lane, card.min);
            let mut step = map.steps[i].clone();
            step.lane = map.lanes[lane].id.as_str().into();
            step.x = rel.x.round();
            step.y = rel.y.round();
            Some(step)
        })
        .collect();
    Edit::UpdateSteps(steps)
}

/// A new step at the pointer, inside the lane that was double-clicked.
fn add_step_at(doc: &Document, lane: &Lane, body_origin: Pos2, pos: Pos2) -> Action {
    let mut step = Step::new(doc.map().fresh_id("s"), &lane.id, "New step");
    let rel = pos - body_origin - vec2(crate::ui::theme::CARD_W / 2.0, crate::ui::theme::CARD_H / 2.0);
    step.x = rel.x.max(0.0).round();
    step.y = rel.y.max(8.0).round();
    Action::AddStepAt(step)
}

fn rename_overlay(
    ui: &mut egui::Ui,
    doc: &Document,
    layout: &Layout,
    view: &mut CanvasView,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let Some(rename) = &mut view.rename else { return };
    let rect = match &rename.target {
        RenameTarget::Step(id) => doc.step_index(id).map(|i| {
            let card = layout.cards[i];
            Rect::from_min_size(card.min + vec2(6.0, 4.0), vec2(card.width() - 12.0, 28.0))
        }),
        RenameTarget::Lane(id) => map
            .lane_index(id)
            .and_then(|i| layout.bands.get(i))
            .map(|b| Rect::from_min_size(b.header.min + vec2(8.0, 8.0), vec2(b.header.width() - 16.0, 28.0))),
    };
    let Some(rect) = rect else {
        view.rename = None;
        return;
    };
    let edit_id = Id::unique("canvas-rename");
    let edit = egui::TextEdit::singleline(&mut rename.text)
        .id(edit_id)
        .char_limit(crate::domain::validate::field_char_limit(false))
        .font(crate::ui::theme::bold(15.0));
    let resp = ui.put(rect, edit);
    resp.widget_info(|| WidgetInfo::labeled(Role::TextInput, true, "Rename"));
    if !rename.focus_requested {
        // Start with the whole name selected, so typing replaces it.
        resp.request_focus();
        let mut state = egui::text_edit::TextEditState::load(ui.ctx(), edit_id).unwrap_or_default();
        let all = egui::text_selection::CCursorRange::select_all_str(&rename.text);
        state.cursor.set_char_range(Some(all));
        state.store(ui.ctx(), edit_id);
        rename.focus_requested = true;
    }
    let (enter, escape) = ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
    if escape {
        view.rename = None;
    } else if enter || resp.lost_focus() {
        let text = rename.text.trim().to_owned();
        let target = rename.target.clone();
        view.rename = None;
        if crate::domain::validate::check_name(&text).is_err() {
            return;
        }
        match target {
            RenameTarget::Step(id) => {
                if let Some(step) = map.step(&id).filter(|s| s.name != text) {
                    let mut step = step.clone();
                    step.name = text;
                    actions.push(Action::edit(Edit::UpdateSteps(vec![step])));
                }
            }
            RenameTarget::Lane(id) => {
                if let Some(lane) = map.lane(&id).filter(|l| l.name != text) {
                    let mut lane = lane.clone();
                    lane.name = text;
                    actions.push(Action::edit(Edit::UpdateLane(lane)));
                }
            }
        }
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn fit_keeps_a_small_map_readable() {
        let map = Rect::from_min_size(Pos2::ZERO, vec2(1530.0, 840.0));
        // Lanes fit the height at reading zoom: their height, scrolled sideways.
        let r = fit_rect(map, 300.0, vec2(650.0, 430.0));
        assert!((650.0 / r.width() - 430.0 / 840.0).abs() < 1e-4);
        assert_eq!(r.min, map.min);
        // Too tall for that: reading zoom, scrolled both ways.
        let r = fit_rect(map, 300.0, vec2(650.0, 300.0));
        assert!((650.0 / r.width() - paint::DETAIL_ZOOM * 1.1).abs() < 1e-4);
        // Room for all of it: all of it.
        assert_eq!(fit_rect(map, 300.0, vec2(1600.0, 900.0)), map);
        assert!(fit_rect(map, 300.0, vec2(650.0, 430.0)).width() < map.width());
        // A map many views tall is an overview.
        let big = Rect::from_min_size(Pos2::ZERO, vec2(20_000.0, 40_000.0));
        assert_eq!(fit_rect(big, 300.0, vec2(650.0, 430.0)), big);
    }
}
