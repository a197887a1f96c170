//! Numbers as spreadsheets write them: `1234.5`, `1 234,5`, `1.234,5`,
//! `1,234.5`, and `12%` for a rate.

use super::quoted;

/// How numbers are written in the file.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Decimal {
    Point,
    Comma,
}

/// Whether a number cell says the file writes decimal commas: a single
/// comma, no point, and not three digits after it (`2,5` but not `1,250`).
pub(super) fn looks_like_decimal_comma(cell: &str) -> bool {
    let t = cell.trim();
    let mut parts = t.split(',');
    let (Some(_), Some(decimals), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !t.contains('.') && decimals.len() != 3
}

/// Reads a number; with `percent_ok`, `12%` is 0.12. The error quotes the
/// cell (escaped and cut).
pub(super) fn parse_number(text: &str, decimal: Decimal, percent_ok: bool) -> Result<f64, String> {
    let raw = text.trim();
    let (body, percent) = match raw.strip_suffix('%') {
        Some(b) if percent_ok => (b.trim(), true),
        _ => (raw, false),
    };
    // Written plainly (no separators; the lead bytes 0xC2 and 0xE2 stand in
    // for the no-break spaces U+00A0 and U+202F), it is Rust's own syntax.
    let plain = decimal == Decimal::Point
        && memchr::memchr3(b',', b' ', b'\'', body.as_bytes()).is_none()
        && memchr::memchr3(b'_', 0xC2, 0xE2, body.as_bytes()).is_none();
    let v: f64 = if plain {
        body.parse().map_err(|_| format!("{} is not a number", quoted(raw)))?
    } else {
        separators_removed(body, decimal)
            .parse()
            .map_err(|_| format!("{} is not a number", quoted(raw)))?
    };
    if !v.is_finite() {
        return Err(format!("{} is not a finite number", quoted(raw)));
    }
    Ok(if percent { v / 100.0 } else { v })
}

/// The number with its thousands separators dropped and a decimal point.
fn separators_removed(body: &str, decimal: Decimal) -> String {
    let mut s: String = body
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '_'))
        .collect();
    let commas = s.matches(',').count();
    let points = s.matches('.').count();
    if commas > 0 && points > 0 {
        // The separator that comes last is the decimal one.
        if s.rfind(',') > s.rfind('.') {
            s = s.replace('.', "").replace(',', ".");
        } else {
            s = s.replace(',', "");
        }
    } else if commas == 1 && decimal == Decimal::Comma {
        s = s.replace(',', ".");
    } else if commas > 0 {
        // 1,234 or 1,234,567 in a file without decimal commas: thousands.
        let thousands = s.split(',').skip(1).all(|g| g.len() == 3);
        if thousands && commas > 1 || decimal == Decimal::Point {
            s = s.replace(',', "");
        } else {
            s = s.replace(',', ".");
        }
    } else if decimal == Decimal::Comma && (points > 1 || s.split('.').nth(1).is_some_and(|g| g.len() == 3)) {
        // 1.234.567 or 1.250 beside decimal commas: thousands.
        s = s.replace('.', "");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_spreadsheets_write_them() {
        let p = |t: &str, d| parse_number(t, d, true).unwrap();
        assert_eq!(p("1234.5", Decimal::Point), 1234.5);
        assert_eq!(p("1,234.5", Decimal::Point), 1234.5);
        assert_eq!(p("1.234,5", Decimal::Comma), 1234.5);
        assert_eq!(p("1 234,5", Decimal::Comma), 1234.5);
        assert_eq!(p("0,15", Decimal::Comma), 0.15);
        assert_eq!(p("1.234.567", Decimal::Comma), 1_234_567.0);
        assert_eq!(p("1.250", Decimal::Comma), 1250.0);
        assert_eq!(p("2.5", Decimal::Comma), 2.5);
        assert_eq!(p("1.250", Decimal::Point), 1.25);
        assert_eq!(p("12%", Decimal::Point), 0.12);
        assert_eq!(p("12,5 %", Decimal::Comma), 0.125);
        assert_eq!(p(" 7 ", Decimal::Point), 7.0);
        assert!(parse_number("12%", Decimal::Point, false).is_err());
        assert!(parse_number("abc", Decimal::Point, true).is_err());
        assert!(parse_number("inf", Decimal::Point, true).is_err());
        assert!(parse_number("1e400", Decimal::Point, true).is_err());
    }

    #[test]
    fn a_bad_cell_is_quoted_escaped_and_cut() {
        let error = parse_number("=cmd\u{1b}[2J", Decimal::Point, false).unwrap_err();
        assert_eq!(error, "\"=cmd\\u{1b}[2J\" is not a number");
        let error = parse_number(&"9".repeat(100_000).replace('9', "x"), Decimal::Comma, false).unwrap_err();
        assert!(error.len() < 120 && error.contains("(100000 characters)"), "{error}");
    }

    #[test]
    fn decimal_commas_are_told_from_thousands() {
        assert!(looks_like_decimal_comma("2,5"));
        assert!(looks_like_decimal_comma(" 12,75 "));
        assert!(!looks_like_decimal_comma("1,250"));
        assert!(!looks_like_decimal_comma("1,2,3"));
        assert!(!looks_like_decimal_comma("1.234,5"));
        assert!(!looks_like_decimal_comma("25"));
    }
}
