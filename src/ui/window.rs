//! How the window is divided: each panel's size limits, so that no input
//! (a long name, a long note) can push a panel or squeeze the canvas out of
//! shape, and where each part was on screen in the last frame.

use eframe::egui::{self, Rect};

/// The canvas keeps at least this much room beside and below the panels.
pub const CANVAS_MIN_W: f32 = 420.0;
pub const CANVAS_MIN_H: f32 = 200.0;

/// Where the window's parts were on screen in the last frame. Tests and the
/// layout check read it; nothing else depends on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WindowLayout {
    pub library: Rect,
    pub inspector: Rect,
    pub ranking: Rect,
    /// The part of the ranking table that can be seen (inside its scroll area).
    pub ranking_table: Rect,
    /// The ranking chart, or `Rect::NOTHING` when it was left out for room.
    pub ranking_chart: Rect,
    pub canvas: Rect,
}

impl Default for WindowLayout {
    fn default() -> Self {
        Self {
            library: Rect::NOTHING,
            inspector: Rect::NOTHING,
            ranking: Rect::NOTHING,
            ranking_table: Rect::NOTHING,
            ranking_chart: Rect::NOTHING,
            canvas: Rect::NOTHING,
        }
    }
}

/// A side or bottom panel's default size and its limits, for a window whose
/// room along the panel's axis is `room` (points).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelSize {
    pub default: f32,
    pub min: f32,
    pub max: f32,
}

impl PanelSize {
    /// `share` of `room` by default, between `min` and `max` points, and
    /// never more than `max_share` of `room`.
    fn of(room: f32, share: f32, min: f32, max: f32, max_share: f32) -> Self {
        let max = max.min(room * max_share).max(min);
        Self {
            default: (room * share).clamp(min, max),
            min,
            max,
        }
    }

    pub fn apply(self, panel: egui::Panel) -> egui::Panel {
        panel.default_size(self.default).size_range(self.min..=self.max)
    }
}

/// The map library at the left.
pub fn library(window_w: f32) -> PanelSize {
    PanelSize::of(window_w, 0.16, 160.0, 300.0, 0.2)
}

/// The inspector and plan at the right.
pub fn inspector(window_w: f32) -> PanelSize {
    PanelSize::of(window_w, 0.27, 300.0, 520.0, 0.32)
}

/// The ranking at the bottom, given the height between the top bar and
/// the window's bottom.
pub fn ranking(room_h: f32) -> PanelSize {
    PanelSize::of(room_h, 0.38, 150.0, 520.0, 0.55)
}

/// The what-if panel of workshop mode.
pub fn what_if(window_w: f32) -> PanelSize {
    PanelSize::of(window_w, 0.3, 260.0, 460.0, 0.34)
}

/// The large ranking of workshop mode.
pub fn workshop_ranking(room_h: f32) -> PanelSize {
    PanelSize::of(room_h, 0.32, 160.0, 600.0, 0.55)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canvas_keeps_its_room_at_1280x720_and_up() {
        for (w, h) in [(1280.0, 720.0), (1920.0, 1080.0), (2560.0, 1440.0)] {
            assert!(w - library(w).max - inspector(w).max >= CANVAS_MIN_W, "{w}");
            assert!(h - 60.0 - ranking(h - 60.0).max >= CANVAS_MIN_H, "{h}");
            assert!(w - what_if(w).max >= CANVAS_MIN_W, "{w}");
        }
    }

    #[test]
    fn defaults_lie_within_the_limits() {
        for room in [600.0, 1280.0, 4000.0] {
            for s in [library(room), inspector(room), ranking(room), what_if(room)] {
                assert!(s.min <= s.default && s.default <= s.max, "{s:?} at {room}");
            }
        }
    }
}
