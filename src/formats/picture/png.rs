//! PNG pictures: the limits a PNG is held to, checked from a picture's
//! size and work before anything is drawn, and what a refusal says. The
//! pixels are painted by `raster::Raster`.

use super::Stroke;
use crate::domain::money::NumberStyle;

/// The largest PNG side, in pixels, at any scale.
pub const MAX_SIDE_PX: u32 = 16_384;
/// The largest PNG area, in pixels (400 MB of RGBA while drawing).
pub const MAX_AREA_PX: u64 = 100_000_000;
/// The longest a PNG may take to draw, in seconds as estimated by [`Work`]
/// before anything is drawn: what bounds a picture whose size does not,
/// such as thousands of cards on one spot or thousands of arrows across
/// the whole map.
pub const MAX_DRAW_SECONDS: f64 = 6.0;

/// What drawing a picture at one scale costs, counted from its layout
/// before anything is drawn, in the units that decide how long it takes:
/// filling area is quick, every shape and text has a cost of its own, and
/// a line costs far more for each pixel row it crosses than a fill for each
/// pixel (tiny-skia scans a thin shape row by row).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Work {
    scale: f32,
    /// Pixels filled by shapes and texts, counted again wherever they lie
    /// over each other.
    pub filled_px: f64,
    /// How many shapes and texts are drawn.
    pub items: u64,
    /// Pixel rows crossed by lines at least a pixel wide.
    pub line_rows: f64,
    /// Pixel rows crossed by thinner lines, drawn as hairlines.
    pub hairline_rows: f64,
}

/// What each kind of work takes, in nanoseconds, on the two-core machine
/// the benches ran on (release build): a pixel of the picture (cleared and
/// encoded), a pixel filled, a shape or text, a pixel row crossed by a line
/// and by a hairline. Dashes cost a third more.
const NS_PER_PICTURE_PX: f64 = 9.0;
const NS_PER_FILLED_PX: f64 = 1.6;
const NS_PER_ITEM: f64 = 5_000.0;
const NS_PER_LINE_ROW: f64 = 500.0;
const NS_PER_HAIRLINE_ROW: f64 = 200.0;
const DASHED: f64 = 1.3;

impl Work {
    pub fn new(scale: f32) -> Self {
        Self {
            scale,
            filled_px: 0.0,
            items: 0,
            line_rows: 0.0,
            hairline_rows: 0.0,
        }
    }

    /// A filled shape or a text of `area` square SVG units. A shape whose
    /// size is not a number is not drawn, so it costs only its count.
    pub fn fill(&mut self, area: f64) {
        let scale = f64::from(self.scale);
        self.filled_px += finite(area * scale * scale);
        self.items += 1;
    }

    /// A line or curve drawn with `stroke`, at most `length` SVG units long
    /// and spanning `height` units from top to bottom.
    pub fn stroke(&mut self, stroke: Stroke, length: f64, height: f64) {
        let scale = f64::from(self.scale);
        let width = f64::from(stroke.width);
        self.filled_px += finite(length * width * scale * scale);
        let dashed = if drawn_dashed(stroke, self.scale) { DASHED } else { 1.0 };
        let rows = finite((height + width) * scale * dashed);
        if is_hairline(stroke, self.scale) {
            self.hairline_rows += rows;
        } else {
            self.line_rows += rows;
        }
        self.items += 1;
    }

    /// The estimated time to draw this work into `picture_px` pixels and
    /// encode them, in seconds.
    pub fn seconds(&self, picture_px: f64) -> f64 {
        let ns = picture_px * NS_PER_PICTURE_PX
            + self.filled_px * NS_PER_FILLED_PX
            + self.items as f64 * NS_PER_ITEM
            + self.line_rows * NS_PER_LINE_ROW
            + self.hairline_rows * NS_PER_HAIRLINE_ROW;
        ns / 1e9
    }
}

/// `value`, or 0 for what is not drawn because it is not a finite number.
fn finite(value: f64) -> f64 {
    if value.is_finite() { value.max(0.0) } else { 0.0 }
}

/// The shortest dash and gap, in pixels, drawn as dashes: shorter ones look
/// like a fainter solid line, and each dash is a path of its own to draw (a
/// long hand-off at a small scale would be thousands).
pub const MIN_DASH_PERIOD_PX: f32 = 8.0;

/// Whether `stroke` is drawn with its dashes at `scale`.
pub fn drawn_dashed(stroke: Stroke, scale: f32) -> bool {
    stroke
        .dash
        .is_some_and(|[on, off]| (on + off) * scale >= MIN_DASH_PERIOD_PX)
}

/// Whether tiny-skia draws `stroke` at `scale` as a hairline.
fn is_hairline(stroke: Stroke, scale: f32) -> bool {
    stroke.width * scale < 1.0
}

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("scale {0} is not allowed: give a number from 0.25 to 8 (1 or 2 are usual)")]
    BadScale(f32),
    #[error(
        "the picture would be {} × {} px at scale {scale}, and a PNG may have at most {} px on a side and {} million px in all. Export SVG instead, or use a smaller scale",
        NumberStyle::POINT.thousands(*width, 0),
        NumberStyle::POINT.thousands(*height, 0),
        NumberStyle::POINT.thousands(f64::from(MAX_SIDE_PX), 0),
        MAX_AREA_PX / 1_000_000
    )]
    TooLarge { width: f64, height: f64, scale: f32 },
    #[error(
        "the picture would take about {} s to draw as a PNG at scale {}: it holds {} shapes and texts, and its lines and arrows cross {} million rows of pixels; a PNG may take at most {MAX_DRAW_SECONDS} s to draw. Export SVG instead, or use a smaller scale",
        NumberStyle::POINT.thousands(*seconds, 0),
        work.scale,
        NumberStyle::POINT.thousands(work.items as f64, 0),
        NumberStyle::POINT.thousands((work.line_rows + work.hairline_rows) / 1e6, 1)
    )]
    TooMuchToDraw { seconds: f64, work: Work },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// Whether drawing `work` into a PNG of `width` × `height` pixels stays
/// within [`MAX_DRAW_SECONDS`]: found from the layout alone, before
/// anything is drawn.
pub fn check_work(work: &Work, width: u32, height: u32) -> Result<(), PngError> {
    let seconds = work.seconds(f64::from(width) * f64::from(height));
    // NaN fails the comparison, so it is refused too.
    if seconds <= MAX_DRAW_SECONDS {
        Ok(())
    } else {
        Err(PngError::TooMuchToDraw { seconds, work: *work })
    }
}

/// The pixel size of a picture of `width` × `height` SVG units at `scale`,
/// or why it may not be a PNG.
pub fn pixel_size(width: f32, height: f32, scale: f32) -> Result<(u32, u32), PngError> {
    if !(0.25..=8.0).contains(&scale) {
        return Err(PngError::BadScale(scale));
    }
    // At least a pixel; a size that is not a number stays one, and fails
    // every comparison below, so it is refused too.
    let px = |units: f32| {
        let px = (f64::from(units) * f64::from(scale)).ceil();
        if px.is_nan() { px } else { px.max(1.0) }
    };
    let (w, h) = (px(width), px(height));
    let side = f64::from(MAX_SIDE_PX);
    if !(w <= side && h <= side && w * h <= MAX_AREA_PX as f64) {
        return Err(PngError::TooLarge {
            width: w,
            height: h,
            scale,
        });
    }
    Ok((w as u32, h as u32))
}
