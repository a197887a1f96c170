//! The computer's language and region, and the number and date styles
//! that follow from them. Read once at start-up; the window and the
//! command line pass the styles on explicitly.

use crate::domain::dates::DateStyle;
use crate::domain::money::{NumberFormat, NumberStyle};

/// How numbers and dates are written for people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Formats {
    pub numbers: NumberStyle,
    pub dates: DateStyle,
}

impl Formats {
    /// The styles of a locale tag such as `de-DE`.
    pub fn of_locale(tag: &str) -> Self {
        Self {
            numbers: number_style(tag),
            dates: date_style(tag),
        }
    }

    /// The styles for the number format chosen in View ▸ Number format on
    /// a computer whose locale is `tag`. Dates always follow the locale.
    pub fn chosen(format: NumberFormat, tag: &str) -> Self {
        let system = Self::of_locale(tag);
        Self {
            numbers: format.style(system.numbers),
            ..system
        }
    }
}

/// The locale numbers (and dates) are written in, as a BCP 47 tag such as
/// `de-DE`. On Linux and other Unix systems this is the POSIX order for
/// numbers, `LC_ALL`, then `LC_NUMERIC`, then `LANG` (`LANGUAGE` names the
/// languages of messages, not how numbers are written); elsewhere it is
/// what the operating system reports. `C` and `POSIX` read as `und`.
pub fn system_locale() -> String {
    #[cfg(unix)]
    {
        let from_env = ["LC_ALL", "LC_NUMERIC", "LANG"]
            .into_iter()
            .filter_map(|key| std::env::var(key).ok())
            .find(|v| !v.trim().is_empty());
        if let Some(value) = from_env {
            return tag_of(&value);
        }
    }
    sys_locale::get_locale().map_or_else(|| "und".to_owned(), |v| tag_of(&v))
}

/// `de_DE.UTF-8@euro` becomes `de-DE`. `C` and `POSIX` (no locale set)
/// become `und`, "undetermined": a decimal point and ISO dates, the forms
/// no reader can take the wrong way.
fn tag_of(posix: &str) -> String {
    let base = posix.split(['.', '@']).next().unwrap_or("").trim();
    if base.is_empty() || base.eq_ignore_ascii_case("C") || base.eq_ignore_ascii_case("POSIX") {
        return "und".to_owned();
    }
    base.replace('_', "-")
}

/// The language and region of a tag, lower- and upper-case: `("de", "DE")`.
fn parts(tag: &str) -> (String, String) {
    let mut it = tag.split(['-', '_']);
    let language = it.next().unwrap_or("").to_ascii_lowercase();
    // The region is the two-letter (or three-digit) part; a script such
    // as `Latn` in `sr-Latn-RS` is skipped.
    let region = it
        .find(|p| p.len() == 2 || p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or("")
        .to_ascii_uppercase();
    (language, region)
}

/// How numbers are written in a locale. Languages not listed write a
/// decimal point, as English does.
pub fn number_style(tag: &str) -> NumberStyle {
    let (language, region) = parts(tag);
    match (language.as_str(), region.as_str()) {
        // Switzerland and Liechtenstein write 1'234.5: the point is the decimal.
        (_, "CH" | "LI") => NumberStyle::POINT,
        ("pt", "PT") | ("de", "AT") => NumberStyle::SPACE,
        (
            "de" | "es" | "it" | "nl" | "pt" | "id" | "tr" | "da" | "el" | "ro" | "hr" | "sl" | "sr" | "vi" | "ca"
            | "is",
            _,
        ) => NumberStyle::COMMA,
        (
            "fr" | "ru" | "pl" | "sv" | "nb" | "nn" | "no" | "fi" | "cs" | "sk" | "uk" | "hu" | "bg" | "lt" | "lv"
            | "et" | "be" | "kk",
            _,
        ) => NumberStyle::SPACE,
        _ => NumberStyle::POINT,
    }
}

/// How dates are written in a locale. Languages not listed write ISO
/// `2026-11-30` (Swedish, Lithuanian, Chinese, Japanese, Korean, Hungarian
/// write year first).
pub fn date_style(tag: &str) -> DateStyle {
    let (language, region) = parts(tag);
    match (language.as_str(), region.as_str()) {
        ("en", "US" | "PH" | "") => DateStyle::MONTH_SLASH,
        ("en", "CA") => DateStyle::ISO,
        (
            "de" | "ru" | "pl" | "cs" | "sk" | "fi" | "nb" | "nn" | "no" | "da" | "tr" | "uk" | "ro" | "bg" | "hr"
            | "sl" | "sr" | "et" | "lv" | "be" | "kk" | "is",
            _,
        ) => DateStyle::DOTS,
        ("en" | "fr" | "es" | "it" | "pt" | "nl" | "el" | "vi" | "id" | "ca" | "he", _) => DateStyle::DAY_SLASH,
        _ => DateStyle::ISO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_posix_names() {
        assert_eq!(tag_of("de_DE.UTF-8"), "de-DE");
        assert_eq!(tag_of("fr_FR@euro"), "fr-FR");
        assert_eq!(tag_of("C.UTF-8"), "und");
        assert_eq!(tag_of("POSIX"), "und");
    }

    #[test]
    fn maps_locales_to_number_styles() {
        assert_eq!(number_style("de-DE"), NumberStyle::COMMA);
        assert_eq!(number_style("de-CH"), NumberStyle::POINT);
        assert_eq!(number_style("fr-FR"), NumberStyle::SPACE);
        assert_eq!(number_style("sv"), NumberStyle::SPACE);
        assert_eq!(number_style("pt-BR"), NumberStyle::COMMA);
        assert_eq!(number_style("en-US"), NumberStyle::POINT);
        assert_eq!(number_style("en-GB"), NumberStyle::POINT);
        assert_eq!(number_style("ja-JP"), NumberStyle::POINT);
    }

    #[test]
    fn maps_locales_to_date_styles() {
        assert_eq!(date_style("de-DE"), DateStyle::DOTS);
        assert_eq!(date_style("en-GB"), DateStyle::DAY_SLASH);
        assert_eq!(date_style("fr-FR"), DateStyle::DAY_SLASH);
        assert_eq!(date_style("en-US"), DateStyle::MONTH_SLASH);
        assert_eq!(date_style("sv-SE"), DateStyle::ISO);
    }
}
