//! Text metrics of the bundled Inter fonts, so pictures can wrap and cut
//! text to fit without a renderer: the same fonts are embedded for PNG
//! rendering, and SVG viewers without Inter fall back to a similar sans.

use std::sync::OnceLock;

pub const INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
pub const INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");

/// The `font-family` every picture uses.
pub const FONT_FAMILY: &str = "Inter, 'Helvetica Neue', Arial, sans-serif";

/// Regular or semibold Inter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

impl Weight {
    /// The CSS `font-weight` that selects this face.
    pub fn css(self) -> u16 {
        match self {
            Weight::Regular => 400,
            Weight::Bold => 600,
        }
    }
}

fn face(weight: Weight) -> Option<&'static ttf_parser::Face<'static>> {
    static REGULAR: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    static BOLD: OnceLock<Option<ttf_parser::Face<'static>>> = OnceLock::new();
    let (cell, bytes) = match weight {
        Weight::Regular => (&REGULAR, INTER_REGULAR),
        Weight::Bold => (&BOLD, INTER_SEMIBOLD),
    };
    cell.get_or_init(|| ttf_parser::Face::parse(bytes, 0).ok()).as_ref()
}

/// The advance width of `text` at `size` px. Glyphs Inter lacks count as
/// a typical letter, so a width is never zero for visible text.
pub fn width(text: &str, size: f32, weight: Weight) -> f32 {
    let Some(face) = face(weight) else {
        return text.chars().count() as f32 * size * 0.55;
    };
    let per_unit = size / f32::from(face.units_per_em());
    text.chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map_or(size * 0.55, |adv| f32::from(adv) * per_unit)
        })
        .sum()
}

/// Distance from a text box's top to its baseline at `size` px.
pub fn ascent(size: f32) -> f32 {
    face(Weight::Regular).map_or(size * 0.97, |f| {
        f32::from(f.ascender()) * size / f32::from(f.units_per_em())
    })
}

/// Height of one line at `size` px (ascent + descent + gap).
pub fn line_height(size: f32) -> f32 {
    face(Weight::Regular).map_or(size * 1.21, |f| {
        f32::from(f.ascender() - f.descender() + f.line_gap()) * size / f32::from(f.units_per_em())
    })
}

/// `text` cut to fit `max_width`, ending in "…" when cut.
pub fn fit(text: &str, size: f32, weight: Weight, max_width: f32) -> String {
    if width(text, size, weight) <= max_width {
        return text.to_owned();
    }
    let ellipsis = width("…", size, weight);
    let mut out = String::new();
    let mut used = 0.0;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]), size, weight);
        if used + w + ellipsis > max_width {
            break;
        }
        used += w;
        out.push(c);
    }
    let mut out = out.trim_end().to_owned();
    out.push('…');
    out
}

/// `text` wrapped at spaces into at most `rows` lines of `max_width`; the
/// last line ends in "…" when the text does not fit.
pub fn wrap(text: &str, size: f32, weight: Weight, max_width: f32, rows: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || width(&candidate, size, weight) <= max_width {
            current = candidate;
            continue;
        }
        lines.push(std::mem::take(&mut current));
        current = word.to_owned();
        if lines.len() + 1 == rows {
            // The last row takes the rest of the text, cut to fit.
            let rest: Vec<&str> = std::iter::once(word).chain(words.by_ref()).collect();
            current = rest.join(" ");
            break;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let rows = rows.max(1);
    lines.truncate(rows);
    for line in &mut lines {
        *line = fit(line, size, weight, max_width);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inter_is_measured_and_wider_text_is_wider() {
        let short = width("Approve", 15.0, Weight::Regular);
        let long = width("Approve invoice", 15.0, Weight::Regular);
        assert!(short > 20.0 && long > short + 20.0, "{short} {long}");
        assert!(width("Approve", 15.0, Weight::Bold) > short);
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("Short", 15.0, Weight::Regular, 200.0), "Short");
        let cut = fit("A rather long step name that cannot fit", 15.0, Weight::Regular, 100.0);
        assert!(cut.ends_with('…'), "{cut}");
        assert!(width(&cut, 15.0, Weight::Regular) <= 100.0);
    }

    #[test]
    fn wrap_keeps_to_the_row_limit() {
        let lines = wrap(
            "Check the vendor bank details against the master file",
            17.0,
            Weight::Bold,
            200.0,
            2,
        );
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert_eq!(wrap("One", 17.0, Weight::Bold, 200.0, 2), vec!["One".to_owned()]);
    }
}
