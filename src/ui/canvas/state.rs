//! The canvas's view state: what is selected, a drag or a rename under
//! way, the scene rect and the fit to ask for. It lives here, never in the
//! map; the frame (`canvas_ui`) reads and updates it.

use std::collections::BTreeSet;

use eframe::egui::{Pos2, Rect, Vec2, vec2};

use super::paint;
use super::{edge_index, overview};
use crate::document::Document;
use crate::layout::Layout;

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
pub(super) enum Drag {
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
pub(super) struct Rename {
    pub(super) target: RenameTarget,
    pub(super) text: String,
    pub(super) focus_requested: bool,
}

/// Everything about the canvas that is not the map.
pub struct CanvasView {
    pub scene_rect: Rect,
    pub selection: Selection,
    /// The lane picked in the ranking panel, drawn highlighted.
    pub highlight_lane: Option<String>,
    pub(super) fit_requested: bool,
    /// A zoom to set around the centre of the view on the next frame.
    pub(super) zoom_requested: Option<f32>,
    /// A part of the scene to show on the next frame.
    pub(super) show_requested: Option<Rect>,
    pub(super) drag: Option<Drag>,
    pub(super) rename: Option<Rename>,
    /// The layout and the `Document::version` it was made for.
    pub(super) layout: Option<((u64, u64), Layout)>,
    /// The far-zoom meshes (see `overview`).
    pub(super) overview: Option<overview::Overview>,
    /// Which edges lie where, for reading zoom (see `edge_index`).
    pub(super) edge_index: Option<edge_index::EdgeIndex>,
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
    pub(super) fn reveal(&mut self, rect: Rect) {
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

    pub(super) fn layout(&mut self, doc: &Document) -> &Layout {
        let fresh = matches!(&self.layout, Some((version, _)) if *version == doc.version());
        if !fresh {
            self.layout = Some((doc.version(), Layout::new(doc.map(), |id| doc.step_index(id))));
        }
        // The branch above always fills the cache.
        &self.layout.as_ref().expect("layout cache was just filled").1
    }
}

/// The scene zoom range: far enough out to fit 100,000 steps, 4× in for detail.
pub(super) const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.002..=4.0;

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

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    pub(super) fn fit_keeps_a_small_map_readable() {
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
