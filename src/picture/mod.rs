//! Pictures for slides and reports: the whole map (`map::MapPicture`) and
//! the ranking chart (`chart::ChartPicture`), each a [`Picture`] that knows
//! its size before anything is drawn, written as SVG (`svg::SvgDoc`) or
//! rasterized to PNG on the CPU (`png`). Pure: no egui, no database.

pub mod chart;
pub mod map;
pub mod png;
pub mod svg;
pub mod text;

use png::PngError;
use svg::SvgDoc;
use text::Weight;

/// A picture: its size is known from the map before anything is drawn, so
/// a PNG too large to make is refused before any work is done.
pub trait Picture {
    /// Width and height in SVG units (pixels at 1×).
    fn size(&self) -> (f32, f32);

    /// The document's title.
    fn title(&self) -> String;

    /// Draws everything into `doc`.
    fn draw(&self, doc: &mut SvgDoc);

    /// The picture as an SVG document (UTF-8 text).
    fn svg(&self) -> String {
        let (width, height) = self.size();
        let mut doc = SvgDoc::new(width, height, &self.title());
        self.draw(&mut doc);
        doc.finish()
    }

    /// The picture as a PNG at `scale`, or why not, found before drawing.
    fn png(&self, scale: f32) -> Result<Vec<u8>, PngError> {
        let (width, height) = self.size();
        png::pixel_size(width, height, scale)?;
        png::svg_to_png(&self.svg(), scale)
    }
}

/// `#rrggbb` of an RGB triple.
pub fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Text escaped for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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
    out
}

/// A number for an SVG attribute: at most two decimals, no trailing zeros.
pub fn num(v: f32) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
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
    }
}
