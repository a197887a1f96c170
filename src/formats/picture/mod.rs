//! Pictures for slides and reports: the whole map (`map::MapPicture`) and
//! the ranking chart (`chart::ChartPicture`). Each is a [`Picture`]: it
//! knows its size and how much it paints before anything is drawn, and
//! draws itself once, onto a [`Canvas`]: `svg::SvgDoc` writes SVG,
//! `raster::Raster` paints pixels on the CPU for PNG (`png`). Pure: no
//! egui, no database.

pub mod chart;
pub mod map;
pub mod png;
pub mod raster;
pub mod svg;
pub mod text;

use emath::{Pos2, Rect};

use png::PngError;
use svg::SvgDoc;
use text::Weight;

/// A picture: its size and its work are known from the map before anything
/// is drawn, so a PNG too large to make is refused before any work is done.
pub trait Picture {
    /// Width and height in SVG units (pixels at 1×).
    fn size(&self) -> (f32, f32);

    /// What drawing the picture at `scale` costs (see [`png::Work`]).
    fn work(&self, scale: f32) -> png::Work;

    /// The document's title.
    fn title(&self) -> String;

    /// Draws everything onto `canvas`, in SVG units.
    fn draw(&self, canvas: &mut dyn Canvas);

    /// The picture as an SVG document (UTF-8 text).
    fn svg(&self) -> String {
        let (width, height) = self.size();
        let mut doc = SvgDoc::new(width, height, &self.title());
        self.draw(&mut doc);
        doc.finish()
    }

    /// The pixel size of the picture as a PNG at `scale`, or why it may
    /// not be one: too large, or too long to draw. Found from the layout,
    /// before anything is drawn.
    fn png_size(&self, scale: f32) -> Result<(u32, u32), PngError> {
        let (width, height) = self.size();
        let (width_px, height_px) = png::pixel_size(width, height, scale)?;
        png::check_work(&self.work(scale), width_px, height_px)?;
        Ok((width_px, height_px))
    }

    /// The picture as a PNG at `scale`, or why not (see
    /// [`Picture::png_size`]).
    fn png(&self, scale: f32) -> Result<Vec<u8>, PngError> {
        let (width_px, height_px) = self.png_size(scale)?;
        let mut raster = raster::Raster::new(width_px, height_px, scale)?;
        self.draw(&mut raster);
        raster.encode()
    }
}

/// How a shape is filled.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fill {
    Solid([u8; 3]),
    /// The heat scale from cold to hot, left to right (the legend).
    HeatScale,
}

/// How a line or curve is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub color: [u8; 3],
    pub width: f32,
    /// Dash and gap lengths, for a dashed line.
    pub dash: Option<[f32; 2]>,
}

impl Stroke {
    pub const fn solid(color: [u8; 3], width: f32) -> Self {
        Self {
            color,
            width,
            dash: None,
        }
    }

    pub const fn dashed(color: [u8; 3], width: f32, dash: [f32; 2]) -> Self {
        Self {
            color,
            width,
            dash: Some(dash),
        }
    }
}

/// What pictures draw on, in SVG units (1 unit = 1 px at 1×). Shapes are
/// painted in the order they are drawn.
pub trait Canvas {
    /// A rectangle with corners of `radius`, and an outline if `stroke`.
    fn rect(&mut self, rect: Rect, radius: f32, fill: Fill, stroke: Option<Stroke>);

    /// A plain rectangle with a note that viewers may show on hover (an
    /// SVG `<title>`); a picture without hover draws just the rectangle.
    fn noted_rect(&mut self, rect: Rect, fill: [u8; 3], _note: &str) {
        self.rect(rect, 0.0, Fill::Solid(fill), None);
    }

    fn line(&mut self, from: Pos2, to: Pos2, stroke: Stroke);

    /// A chain of cubic Bézier pieces (start, two control points, end),
    /// each starting where the one before ends, drawn as one line.
    fn curve(&mut self, pieces: &[[Pos2; 4]], stroke: Stroke);

    fn triangle(&mut self, corners: [Pos2; 3], fill: [u8; 3]);

    /// One line of text that [`text::fit`] has already cut, whose box top is
    /// at `top` (not its baseline) and whose start, middle or end is at `x`.
    fn fitted_text(&mut self, x: f32, top: f32, text: &str, font: Font, color: [u8; 3], anchor: Anchor);

    /// One line of text cut with "…" to `max_width`: no text is drawn
    /// without having been measured.
    fn text(&mut self, x: f32, top: f32, text: &str, font: Font, color: [u8; 3], max_width: f32) {
        self.text_anchored(x, top, text, font, color, max_width, Anchor::Start);
    }

    /// Like [`Canvas::text`], with `x` at the text's start, middle or end.
    #[allow(clippy::too_many_arguments)]
    fn text_anchored(
        &mut self,
        x: f32,
        top: f32,
        text: &str,
        font: Font,
        color: [u8; 3],
        max_width: f32,
        anchor: Anchor,
    ) {
        let shown = text::fit(text, font.size, font.weight, max_width);
        self.fitted_text(x, top, &shown, font, color, anchor);
    }
}

/// `#rrggbb` of an RGB triple.
pub fn hex(rgb: [u8; 3]) -> String {
    let mut out = String::with_capacity(7);
    push_hex(&mut out, rgb);
    out
}

/// Appends [`hex`] of `rgb` to `out`.
pub fn push_hex(out: &mut String, rgb: [u8; 3]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    out.push('#');
    for byte in rgb {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 15)]));
    }
}

/// Text escaped for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends [`escape`] of `text` to `out`.
pub fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0, nor are
            // these two noncharacters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push(' '),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// A number for an SVG attribute: at most two decimals, no trailing zeros.
pub fn num(v: f32) -> String {
    let mut out = String::new();
    push_num(&mut out, v);
    out
}

/// Appends [`num`] of `v` to `out`: `v` to the nearest hundredth, ties to
/// even as `format!("{v:.2}")` rounds (`v × 100` is exact in an f64, so the
/// tie is seen exactly), without trailing zeros, and never `-0`. Anything
/// not finite is 0. An SVG of 100,000 cards writes millions of numbers;
/// formatting each through `{:.2}` took half the time of the whole SVG.
pub fn push_num(out: &mut String, v: f32) {
    use std::fmt::Write as _;
    let hundredths = if v.is_finite() {
        (f64::from(v) * 100.0).round_ties_even()
    } else {
        0.0
    };
    if hundredths.abs() >= 1e17 {
        // Too large for an i64 of hundredths; never a coordinate we draw.
        let _ = write!(out, "{v:.0}");
        return;
    }
    let hundredths = hundredths as i64;
    if hundredths < 0 {
        out.push('-');
    }
    let (whole, cents) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
    let _ = write!(out, "{whole}");
    match cents {
        0 => {}
        c if c % 10 == 0 => {
            let _ = write!(out, ".{}", c / 10);
        }
        c => {
            let _ = write!(out, ".{c:02}");
        }
    }
}

/// A size and weight of Inter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Font {
    pub size: f32,
    pub weight: Weight,
}

impl Font {
    pub const fn regular(size: f32) -> Self {
        Self {
            size,
            weight: Weight::Regular,
        }
    }

    pub const fn bold(size: f32) -> Self {
        Self {
            size,
            weight: Weight::Bold,
        }
    }

    pub const fn with_weight(self, weight: Weight) -> Self {
        Self { weight, ..self }
    }
}

/// Where a text's `x` is: at its start, middle or end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_and_numbers() {
        assert_eq!(
            escape(r#"A & <B> "c" 'd'"#),
            "A &amp; &lt;B&gt; &quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(escape("a\u{1}b"), "a b");
        assert_eq!(escape("a\u{fffe}\u{ffff}"), "a\u{fffd}\u{fffd}");
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(f32::NAN), "0");
        assert_eq!(hex([255, 0, 16]), "#ff0010");
        assert_eq!(num(-12.5), "-12.5");
        assert_eq!(num(0.125), "0.12", "a tie goes to the even hundredth");
        assert_eq!(num(0.375), "0.38");
        assert_eq!(num(-0.004), "0");
        assert_eq!(num(f32::INFINITY), "0");
    }

    /// The fast `num` writes exactly what `{:.2}` with the zeros trimmed
    /// wrote before it.
    #[test]
    fn num_is_the_two_decimal_format_trimmed() {
        let slow = |v: f32| {
            let s = format!("{v:.2}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" { "0".to_owned() } else { s.to_owned() }
        };
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for i in 0..200_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let v = match i % 4 {
                0 => f32::from_bits(state as u32),
                1 => (state % 2_000_000) as f32 / 8.0 - 100_000.0,
                2 => (state % 100_000_000) as f32 / 1000.0 - 50_000.0,
                _ => ((state % 40_000) as f32 - 20_000.0) * 0.005,
            };
            if v.is_finite() && v.abs() < 1e14 {
                assert_eq!(num(v), slow(v), "{v:?}");
            }
        }
    }
}
