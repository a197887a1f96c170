//! What the charts beside the ranking share: a plot that stays put (no
//! zoom, drag or scroll: it is read, not explored) and an axis of names,
//! one per bar.

use egui_plot::{GridMark, Plot};

use crate::ui::shorten;

/// A plot that does not move under the pointer.
pub fn fixed<'a>(id: &str) -> Plot<'a> {
    Plot::new(id)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
}

/// Horizontal bars at y = 0, 1, … named by `names` (bottom first) on the
/// y axis, each cut to `chars` characters, in an axis `width` wide.
pub fn named_rows<'a>(plot: Plot<'a>, names: Vec<String>, chars: usize, width: f32) -> Plot<'a> {
    let n = names.len();
    plot.show_grid([true, false])
        .include_y(-0.6)
        .include_y(n as f64 - 0.4)
        .y_axis_min_width(width)
        .y_grid_spacer(move |_| {
            (0..n)
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            names.get(i as usize).map(|s| shorten(s, chars)).unwrap_or_default()
        })
}
