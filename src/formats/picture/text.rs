//! Text metrics of the bundled Inter fonts, so pictures can wrap and cut
//! text to fit without a renderer: the same fonts are embedded for PNG
//! rendering, and SVG viewers without Inter fall back to a similar sans.

use std::sync::OnceLock;

pub const INTER_REGULAR: &[u8] = include_bytes!("../../../assets/fonts/Inter-Regular.otf");
pub const INTER_SEMIBOLD: &[u8] = include_bytes!("../../../assets/fonts/Inter-SemiBold.otf");

/// The `font-family` every picture uses.
pub const FONT_FAMILY: &str = "Inter, 'Helvetica Neue', Arial, sans-serif";

/// Regular or semibold Inter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

/// The parsed Inter face of `weight`, parsed once.
pub fn face(weight: Weight) -> Option<&'static ttf_parser::Face<'static>> {
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
    text.chars().map(|c| glyph(c, size, weight).1).sum()
}

/// The glyph Inter draws for `c` (its `.notdef` box when it has none) and
/// how far the text moves on after it at `size` px: what [`width`] adds up,
/// so what is drawn is what was measured.
pub fn glyph(c: char, size: f32, weight: Weight) -> (ttf_parser::GlyphId, f32) {
    let (id, advance_per_px) = match usize::try_from(u32::from(c)) {
        // Most text is Latin-1: its glyphs are looked up once.
        Ok(i) if i < 256 => latin1(weight)[i],
        _ => look_up(c, weight),
    };
    (id, advance_per_px * size)
}

/// The glyph for `c` and its advance at 1 px, from the font.
fn look_up(c: char, weight: Weight) -> (ttf_parser::GlyphId, f32) {
    let missing = (ttf_parser::GlyphId(0), MISSING_ADVANCE);
    let Some(face) = face(weight) else {
        return missing;
    };
    let Some(id) = face.glyph_index(c) else {
        return missing;
    };
    let advance = face
        .glyph_hor_advance(id)
        .map_or(MISSING_ADVANCE, |adv| f32::from(adv) / f32::from(face.units_per_em()));
    (id, advance)
}

/// The advance of a glyph Inter lacks, at 1 px: a typical letter's.
const MISSING_ADVANCE: f32 = 0.55;

/// [`look_up`] of every Latin-1 character, made once per weight.
fn latin1(weight: Weight) -> &'static [(ttf_parser::GlyphId, f32); 256] {
    static REGULAR: OnceLock<[(ttf_parser::GlyphId, f32); 256]> = OnceLock::new();
    static BOLD: OnceLock<[(ttf_parser::GlyphId, f32); 256]> = OnceLock::new();
    let cell = match weight {
        Weight::Regular => &REGULAR,
        Weight::Bold => &BOLD,
    };
    cell.get_or_init(|| std::array::from_fn(|i| look_up(char::from(i as u8), weight)))
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

/// The most characters a text in a picture has, "…" included. Names are 1
/// to 200 characters, so a valid name is only ever cut to fit its width;
/// longer text (a currency, an owner, a note) never costs more than this.
pub const MAX_CHARS: usize = 200;

/// The first [`MAX_CHARS`] characters of `text`, and whether more follow.
/// Nothing past them is read, so the cost of a text never grows with it.
fn clip(text: &str) -> (&str, bool) {
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => (&text[..end], true),
        None => (text, false),
    }
}

/// The character drawn for `c`: line ends, tabs and other control
/// characters become spaces (as an SVG viewer shows them), and the two
/// noncharacters XML forbids become U+FFFD.
fn drawn(c: char) -> char {
    match c {
        c if c.is_whitespace() || c.is_control() => ' ',
        '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
        c => c,
    }
}

/// `text` as drawn, cut to `max_width` at `size` and to [`MAX_CHARS`], with
/// "…" at the end when it was cut (or when `more` says the text goes on).
/// Runs of spaces become one space and the ends are trimmed, as an SVG
/// viewer shows them, so what is measured here is what is drawn.
fn cut(text: &str, more: bool, size: f32, weight: Weight, max_width: f32) -> String {
    let ellipsis = width("…", size, weight);
    let space = width(" ", size, weight);
    let mut out = String::with_capacity(text.len().min(4 * MAX_CHARS));
    let (mut used, mut chars) = (0.0, 0);
    // The end of `out` up to which "…" still fits after it.
    let mut fits = 0;
    let mut space_before = false;
    for c in text.chars().map(drawn) {
        if c == ' ' {
            space_before = !out.is_empty();
            continue;
        }
        let (gap, gap_chars) = if space_before { (space, 1) } else { (0.0, 0) };
        let w = gap + width(c.encode_utf8(&mut [0; 4]), size, weight);
        if used + w > max_width {
            return ellipsized(out, fits);
        }
        if space_before {
            out.push(' ');
            space_before = false;
        }
        out.push(c);
        used += w;
        chars += gap_chars + 1;
        if used + ellipsis <= max_width && chars < MAX_CHARS {
            fits = out.len();
        }
    }
    if more { ellipsized(out, fits) } else { out }
}

/// `text` kept up to byte `end`, trimmed, with "…" after it.
fn ellipsized(mut text: String, end: usize) -> String {
    text.truncate(end);
    let trimmed = text.trim_end().len();
    text.truncate(trimmed);
    text.push('…');
    text
}

/// `text` cut to fit `max_width` (and [`MAX_CHARS`]), ending in "…" when
/// cut.
pub fn fit(text: &str, size: f32, weight: Weight, max_width: f32) -> String {
    let (text, more) = clip(text);
    cut(text, more, size, weight, max_width)
}

/// The start of `text` that any picture text made from it can show: one
/// character more than [`MAX_CHARS`], so that text built from it (a lane
/// owner after "Owner: ", a currency in a figure) still has too many
/// characters and ends in "…", and building it never copies the rest.
pub fn head(text: &str) -> &str {
    text.char_indices()
        .nth(MAX_CHARS + 1)
        .map_or(text, |(end, _)| &text[..end])
}

/// `text` cut to [`MAX_CHARS`] only, for text that is not drawn (an SVG
/// title or tooltip).
pub fn shorten(text: &str) -> String {
    fit(text, 1.0, Weight::Regular, f32::INFINITY)
}

/// `text` wrapped at spaces into at most `rows` lines of `max_width`; the
/// last line ends in "…" when the text does not fit.
pub fn wrap(text: &str, size: f32, weight: Weight, max_width: f32, rows: usize) -> Vec<String> {
    let (text, more) = clip(text);
    let rows = rows.max(1);
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
    lines.truncate(rows);
    let last = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .map(|(i, line)| cut(line, more && i == last, size, weight, max_width))
        .collect()
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

    #[test]
    fn no_text_is_longer_than_max_chars_and_a_cut_one_says_so() {
        let name = "n".repeat(MAX_CHARS);
        assert_eq!(shorten(&name), name, "a name of the longest allowed length stays whole");
        let long = "n".repeat(MAX_CHARS + 1);
        let cut = shorten(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
        assert!(cut.ends_with('…'));
        // Zero-width marks cost no width, so only the length stops them.
        let marks = "\u{301}".repeat(100_000);
        assert!(fit(&marks, 15.0, Weight::Bold, 100.0).chars().count() <= MAX_CHARS);
        // A text built from the head of a long one still ends in "…".
        let owner = format!("Owner: {}", head(&"o".repeat(100_000)));
        assert!(shorten(&owner).ends_with('…'));
        let lines = wrap(&"word ".repeat(20_000), 17.0, Weight::Bold, f32::INFINITY, 2);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].ends_with('…') && lines[0].chars().count() <= MAX_CHARS);
    }

    #[test]
    fn text_is_measured_as_drawn_with_spaces_collapsed() {
        assert_eq!(shorten("  a\n\tb \u{1}  c  "), "a b c");
        assert_eq!(shorten("x\u{fffe}"), "x\u{fffd}");
        let once = fit("A rather long step name that cannot fit", 15.0, Weight::Regular, 100.0);
        assert_eq!(
            fit(&once, 15.0, Weight::Regular, 100.0),
            once,
            "fitting twice changes nothing"
        );
        assert_eq!(fit("abc", 15.0, Weight::Regular, 0.0), "…");
    }
}
