//! The raster canvas: pictures painted straight into pixels on the CPU
//! with tiny-skia, for PNG. No SVG is written or parsed on the way. Text is
//! drawn from the bundled Inter outlines: each glyph is rasterized once per
//! size and quarter-pixel position and then copied, so a picture with a
//! hundred thousand cards does not rasterize a million glyph outlines.

use std::collections::HashMap;
use std::io::Write as _;

use emath::{Pos2, Rect};
use tiny_skia::{
    Color, FillRule, GradientStop, LinearGradient, Mask, Paint, Path, PathBuilder, Pixmap, Point, Shader, SpreadMode,
    StrokeDash, Transform,
};

use super::png::{PngError, drawn_dashed};
use super::text::{self, Weight};
use super::{Anchor, Canvas, Fill, Font, Stroke};
use crate::layout::tokens::{heat_stops, print};

/// Pixels being painted, at `scale` pixels per SVG unit.
pub struct Raster {
    pixmap: Pixmap,
    /// SVG units to pixels.
    transform: Transform,
    scale: f32,
    glyphs: GlyphCache,
}

impl Raster {
    /// A canvas of `width` × `height` pixels in the pictures' background
    /// colour, of a size [`super::Picture::png_size`] allowed.
    pub fn new(width: u32, height: u32, scale: f32) -> Result<Self, PngError> {
        let mut pixmap = Pixmap::new(width, height).ok_or(PngError::TooLarge {
            width: f64::from(width),
            height: f64::from(height),
            scale,
        })?;
        pixmap.fill(color(print::BACKGROUND));
        Ok(Self {
            pixmap,
            transform: Transform::from_scale(scale, scale),
            scale,
            glyphs: GlyphCache::default(),
        })
    }

    /// The picture as PNG bytes, 8-bit RGB: every pixel is opaque (the
    /// background is, and everything is painted over it), so the alpha
    /// channel would only make the file larger, and a premultiplied pixel
    /// is its own colour. Written a row at a time, without a second copy
    /// of the picture.
    pub fn encode(self) -> Result<Vec<u8>, PngError> {
        let failed = |e: png::EncodingError| PngError::Encode(e.to_string());
        let width = self.pixmap.width() as usize;
        let mut bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut bytes, self.pixmap.width(), self.pixmap.height());
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(failed)?;
        let mut stream = writer.stream_writer().map_err(failed)?;
        let mut row = Vec::with_capacity(width * 3);
        for pixels in self.pixmap.data().chunks_exact(width * 4) {
            row.clear();
            for pixel in pixels.chunks_exact(4) {
                row.extend_from_slice(&pixel[..3]);
            }
            stream.write_all(&row).map_err(|e| PngError::Encode(e.to_string()))?;
        }
        stream.finish().map_err(failed)?;
        drop(writer);
        Ok(bytes)
    }

    fn fill_path(&mut self, path: &Path, fill: Fill, bounds: Rect) {
        let mut paint = Paint::default();
        match fill {
            Fill::Solid(rgb) => paint.set_color(color(rgb)),
            Fill::HeatScale => paint.shader = heat_scale(bounds),
        }
        self.pixmap
            .fill_path(path, &paint, FillRule::Winding, self.transform, None);
    }

    fn stroke_path(&mut self, path: &Path, stroke: Stroke) {
        let (mut alpha, mut dash) = (1.0, None);
        if let Some([on, off]) = stroke.dash {
            if drawn_dashed(stroke, self.scale) {
                dash = StrokeDash::new(vec![on, off], 0.0);
            } else {
                // As much fainter as the dashes would have left gaps.
                alpha = on / (on + off);
            }
        }
        let [r, g, b] = stroke.color;
        let mut paint = Paint::default();
        paint.set_color(Color::from_rgba8(r, g, b, (alpha * 255.0).round() as u8));
        let style = tiny_skia::Stroke {
            width: stroke.width,
            dash,
            ..tiny_skia::Stroke::default()
        };
        self.pixmap.stroke_path(path, &paint, &style, self.transform, None);
    }
}

impl Canvas for Raster {
    fn rect(&mut self, rect: Rect, radius: f32, fill: Fill, stroke: Option<Stroke>) {
        let Some(path) = rounded_rect(rect, radius) else {
            return;
        };
        self.fill_path(&path, fill, rect);
        if let Some(stroke) = stroke {
            self.stroke_path(&path, stroke);
        }
    }

    fn line(&mut self, from: Pos2, to: Pos2, stroke: Stroke) {
        let mut path = PathBuilder::new();
        path.move_to(from.x, from.y);
        path.line_to(to.x, to.y);
        if let Some(path) = path.finish() {
            self.stroke_path(&path, stroke);
        }
    }

    fn curve(&mut self, pieces: &[[Pos2; 4]], stroke: Stroke) {
        let Some(first) = pieces.first() else { return };
        let mut path = PathBuilder::new();
        path.move_to(first[0].x, first[0].y);
        for &[_, c1, c2, end] in pieces {
            path.cubic_to(c1.x, c1.y, c2.x, c2.y, end.x, end.y);
        }
        if let Some(path) = path.finish() {
            self.stroke_path(&path, stroke);
        }
    }

    fn triangle(&mut self, [a, b, c]: [Pos2; 3], fill: [u8; 3]) {
        let mut path = PathBuilder::new();
        path.move_to(a.x, a.y);
        path.line_to(b.x, b.y);
        path.line_to(c.x, c.y);
        path.close();
        if let Some(path) = path.finish() {
            self.fill_path(&path, Fill::Solid(fill), Rect::NOTHING);
        }
    }

    fn fitted_text(&mut self, x: f32, top: f32, shown: &str, font: Font, rgb: [u8; 3], anchor: Anchor) {
        let start = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - text::width(shown, font.size, font.weight) / 2.0,
            Anchor::End => x - text::width(shown, font.size, font.weight),
        };
        let size_px = font.size * self.scale;
        // The baseline sits on a whole pixel, as text renderers place it.
        let baseline = ((top + text::ascent(font.size)) * self.scale).round();
        let mut pen = start * self.scale;
        for c in shown.chars() {
            let (glyph, advance) = text::glyph(c, size_px, font.weight);
            let whole = pen.floor();
            // Four positions per pixel keep the spacing even.
            let phase = ((pen - whole) * 4.0) as u8 & 3;
            if let Some(image) = self.glyphs.get(font.weight, glyph, size_px, phase) {
                image.paint(&mut self.pixmap, whole, baseline, rgb);
            }
            pen += advance;
        }
    }
}

fn color([r, g, b]: [u8; 3]) -> Color {
    Color::from_rgba8(r, g, b, 255)
}

/// The heat scale as a gradient across `bounds`, left to right.
fn heat_scale(bounds: Rect) -> Shader<'static> {
    let stops = heat_stops(false)
        .iter()
        .map(|(at, rgb)| GradientStop::new(*at as f32, color(*rgb)))
        .collect();
    let (y, left, right) = (bounds.center().y, bounds.min.x, bounds.max.x);
    LinearGradient::new(
        Point::from_xy(left, y),
        Point::from_xy(right, y),
        stops,
        SpreadMode::Pad,
        Transform::identity(),
    )
    .unwrap_or_else(|| Shader::SolidColor(color(print::BORDER)))
}

/// A rectangle with corners of `radius` (at most half its shorter side, as
/// in SVG), or `None` when it is empty or not finite.
fn rounded_rect(rect: Rect, radius: f32) -> Option<Path> {
    let r = tiny_skia::Rect::from_ltrb(rect.min.x, rect.min.y, rect.max.x, rect.max.y)?;
    let radius = radius.min(r.width() / 2.0).min(r.height() / 2.0);
    if radius.is_nan() || radius <= 0.0 {
        return Some(PathBuilder::from_rect(r));
    }
    // A quarter circle as one cubic Bézier: control points this far along.
    let k = radius * (1.0 - 0.552_284_8);
    let (left, top, right, bottom) = (r.left(), r.top(), r.right(), r.bottom());
    let mut path = PathBuilder::new();
    path.move_to(left + radius, top);
    path.line_to(right - radius, top);
    path.cubic_to(right - k, top, right, top + k, right, top + radius);
    path.line_to(right, bottom - radius);
    path.cubic_to(right, bottom - k, right - k, bottom, right - radius, bottom);
    path.line_to(left + radius, bottom);
    path.cubic_to(left + k, bottom, left, bottom - k, left, bottom - radius);
    path.line_to(left, top + radius);
    path.cubic_to(left, top + k, left + k, top, left + radius, top);
    path.close();
    path.finish()
}

/// A glyph's coverage, rasterized once.
struct GlyphImage {
    coverage: Mask,
    /// Where the image's top-left pixel is, from the pen on the baseline.
    left: i32,
    top: i32,
}

impl GlyphImage {
    /// Paints the glyph in `rgb` with the pen at pixel column `pen_x` on
    /// the baseline row `baseline`, blending by coverage into the pixmap's
    /// premultiplied pixels; what lies outside the pixmap is left out.
    fn paint(&self, pixmap: &mut Pixmap, pen_x: f32, baseline: f32, rgb: [u8; 3]) {
        // Far off the pixmap (or not a number): nothing to paint.
        if !(pen_x.abs() < 1e9 && baseline.abs() < 1e9) {
            return;
        }
        let (width, height) = (pixmap.width() as i64, pixmap.height() as i64);
        let x0 = pen_x as i64 + i64::from(self.left);
        let y0 = baseline as i64 + i64::from(self.top);
        let (w, h) = (i64::from(self.coverage.width()), i64::from(self.coverage.height()));
        if x0 >= width || y0 >= height || x0 + w <= 0 || y0 + h <= 0 {
            return;
        }
        let coverage = self.coverage.data();
        let data = pixmap.data_mut();
        let src = [u32::from(rgb[0]), u32::from(rgb[1]), u32::from(rgb[2]), 255];
        for gy in (-y0).max(0)..h.min(height - y0) {
            let row = ((y0 + gy) * width) as usize;
            for gx in (-x0).max(0)..w.min(width - x0) {
                let a = u32::from(coverage[(gy * w + gx) as usize]);
                if a == 0 {
                    continue;
                }
                let at = (row + (x0 + gx) as usize) * 4;
                for (dst, src) in data[at..at + 4].iter_mut().zip(src) {
                    *dst = ((src * a + u32::from(*dst) * (255 - a) + 127) / 255) as u8;
                }
            }
        }
    }
}

/// Glyph images by weight, glyph, size in pixels and quarter-pixel phase.
#[derive(Default)]
struct GlyphCache {
    images: HashMap<(Weight, u16, u32, u8), Option<GlyphImage>>,
}

impl GlyphCache {
    fn get(&mut self, weight: Weight, glyph: ttf_parser::GlyphId, size_px: f32, phase: u8) -> Option<&GlyphImage> {
        self.images
            .entry((weight, glyph.0, size_px.to_bits(), phase))
            .or_insert_with(|| rasterize(weight, glyph, size_px, f32::from(phase) / 4.0))
            .as_ref()
    }
}

/// The glyph's outline at `size_px`, `shift` pixels right of the pen.
fn rasterize(weight: Weight, glyph: ttf_parser::GlyphId, size_px: f32, shift: f32) -> Option<GlyphImage> {
    let face = text::face(weight)?;
    let mut outline = Outline(PathBuilder::new());
    face.outline_glyph(glyph, &mut outline)?;
    let per_unit = size_px / f32::from(face.units_per_em());
    // Font units point up; pixels point down.
    let path = outline
        .0
        .finish()?
        .transform(Transform::from_row(per_unit, 0.0, 0.0, -per_unit, shift, 0.0))?;
    let bounds = path.bounds();
    let (left, top) = (bounds.left().floor() as i32 - 1, bounds.top().floor() as i32 - 1);
    let width = (bounds.right().ceil() as i32 - left + 1).max(1) as u32;
    let height = (bounds.bottom().ceil() as i32 - top + 1).max(1) as u32;
    let mut coverage = Mask::new(width, height)?;
    coverage.fill_path(
        &path,
        FillRule::Winding,
        true,
        Transform::from_translate(-left as f32, -top as f32),
    );
    Some(GlyphImage { coverage, left, top })
}

/// A glyph outline from ttf-parser, built as a tiny-skia path.
struct Outline(PathBuilder);

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.0.close();
    }
}
