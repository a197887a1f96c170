//! Numbers for people: a [`NumberStyle`] (the decimal and grouping
//! separators) formats money, counts and percentages, and reads the numbers
//! people type. Machine formats (the CSV files, JSON, BPMN) do not use it:
//! they always write a decimal point.

/// The number format the user chose in View ▸ Number format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NumberFormat {
    /// From the computer's language and region settings.
    #[default]
    Automatic,
    /// `1,234.5`
    Point,
    /// `1.234,5`
    Comma,
    /// `1 234,5`
    Space,
}

impl NumberFormat {
    /// The key of the choice in the store's settings table.
    pub const SETTING_KEY: &str = "number_format";

    pub const ALL: [NumberFormat; 4] = [Self::Automatic, Self::Point, Self::Comma, Self::Space];

    /// The word stored in the settings table.
    pub fn key(self) -> &'static str {
        match self {
            Self::Automatic => "automatic",
            Self::Point => "point",
            Self::Comma => "comma",
            Self::Space => "space",
        }
    }

    /// Reads a stored word; anything unknown is automatic.
    pub fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|f| f.key() == key).unwrap_or_default()
    }

    /// The menu label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Automatic => "Automatic (from system)",
            Self::Point => "1,234.5",
            Self::Comma => "1.234,5",
            Self::Space => "1 234,5",
        }
    }

    /// The style this format stands for; `system` is the computer's.
    pub fn style(self, system: NumberStyle) -> NumberStyle {
        match self {
            Self::Automatic => system,
            Self::Point => NumberStyle::POINT,
            Self::Comma => NumberStyle::COMMA,
            Self::Space => NumberStyle::SPACE,
        }
    }
}

/// How numbers are written for people: the decimal separator and the
/// grouping (thousands) separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NumberStyle {
    pub decimal: char,
    pub group: char,
}

impl Default for NumberStyle {
    fn default() -> Self {
        Self::POINT
    }
}

/// A number read from what a person typed.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub value: f64,
    /// How an input that could be meant two ways was read, to show under
    /// the field (`read as 12500: …`).
    pub note: Option<String>,
}

/// Grouping that spaces make in any style: a space, a no-break space or a
/// narrow no-break space.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

impl NumberStyle {
    /// `1,234.5` (English and most of Asia).
    pub const POINT: Self = Self {
        decimal: '.',
        group: ',',
    };
    /// `1.234,5` (German, Spanish, Italian, Dutch, Portuguese, …).
    pub const COMMA: Self = Self {
        decimal: ',',
        group: '.',
    };
    /// `1 234,5` (French, Swedish, Polish, Russian, …). The group is a
    /// no-break space: the narrow one (U+202F) those locales prefer is
    /// missing from egui's fallback fonts and from older system fonts, and a
    /// number must never break across lines.
    pub const SPACE: Self = Self {
        decimal: ',',
        group: '\u{a0}',
    };

    /// This style's example, for messages: `1,234.5`.
    pub fn example(self) -> String {
        self.thousands(1234.5, 1)
    }

    /// `1234567.891` in `USD` becomes `USD 1,234,568`.
    pub fn money(self, amount: f64, currency: &str) -> String {
        format!("{currency} {}", self.thousands(amount, 0))
    }

    /// Money with cents, for inspectors and breakdowns: `USD 1,234.57`.
    pub fn money_cents(self, amount: f64, currency: &str) -> String {
        format!("{currency} {}", self.thousands(amount, 2))
    }

    /// Money in the compact form of a chart axis: `USD 12.3k`, `USD 1.2M`.
    /// Only axes use it: an amount of a lane or step is always shown in
    /// full ([`Self::money`]), so a card and its lane agree.
    pub fn money_short(self, amount: f64, currency: &str) -> String {
        format!("{currency} {}", self.short(amount))
    }

    /// An amount in few characters, for an axis that names its currency:
    /// 950, 12.5k, 3.4M.
    pub fn short(self, amount: f64) -> String {
        let a = amount.abs();
        if a >= 1e9 {
            format!("{}B", self.thousands(amount / 1e9, 1))
        } else if a >= 1e6 {
            format!("{}M", self.thousands(amount / 1e6, 1))
        } else if a >= 1e4 {
            format!("{}k", self.thousands(amount / 1e3, 1))
        } else {
            self.thousands(amount, 0)
        }
    }

    /// A number with grouping separators and the given decimals. A value
    /// that is not a finite number is shown as "—", never as "inf".
    pub fn thousands(self, value: f64, decimals: usize) -> String {
        if !value.is_finite() {
            return "—".to_owned();
        }
        let text = format!("{:.*}", decimals, value.abs());
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text.as_str(), None),
        };
        let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
        let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
        if negative {
            out.push('-');
        }
        for (i, ch) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(self.group);
            }
            out.push(ch);
        }
        if let Some(frac) = frac {
            out.push(self.decimal);
            out.push_str(frac);
        }
        out
    }

    /// A count with its noun: `1 lane`, `2 lanes`, `1,200 steps`. `noun` is
    /// the singular; the plural adds an "s" (every noun counted here does).
    pub fn count(self, n: usize, noun: &str) -> String {
        let s = if n == 1 { "" } else { "s" };
        format!("{} {noun}{s}", self.thousands(n as f64, 0))
    }

    /// A share as `42.5%` ("—" when it is not a finite number).
    pub fn percent(self, pct: f64) -> String {
        if pct.is_finite() {
            format!("{}%", self.thousands(pct, 1))
        } else {
            "—".to_owned()
        }
    }

    /// A number with at most two decimals and no trailing zeros, grouped:
    /// 6, 2.5, 0.25, 1,200.
    pub fn number(self, value: f64) -> String {
        self.trimmed(value, 2)
    }

    /// A quantity where room is short (a card's volume a month): whole from
    /// 100, one decimal from 10, two below, trailing zeros dropped, so a
    /// small one never reads as 0: 1,200, 42.5, 0.48.
    pub fn quantity(self, value: f64) -> String {
        let decimals = match value.abs() {
            v if v >= 100.0 => 0,
            v if v >= 10.0 => 1,
            _ => 2,
        };
        self.trimmed(value, decimals)
    }

    /// [`Self::thousands`] with trailing zeros (and a bare separator) dropped.
    pub fn trimmed(self, value: f64, decimals: usize) -> String {
        let text = self.thousands(value, decimals);
        if decimals == 0 || !text.contains(self.decimal) {
            return text;
        }
        let text = text.trim_end_matches('0');
        text.strip_suffix(self.decimal).unwrap_or(text).to_owned()
    }

    /// Reads a number as a person types it in this style: `12.5`, `1,234.5`,
    /// `1 234.5`, `-3`, `12%` in the point style; `12,5`, `1.234,5` in the
    /// comma style. `Ok(None)` for an empty text.
    ///
    /// The rule, also in the README: the decimal separator may appear once;
    /// grouping separators (the style's, or spaces) only before it, with
    /// exactly three digits after each. Anything else is refused with a
    /// message that names this style's form. A number whose only separator
    /// is one grouping mark that is also another style's decimal mark
    /// (`12,500` here, `12.500` in the comma style) is read as grouping,
    /// and the reading says so, so the user sees it before moving on.
    pub fn parse(self, text: &str) -> Result<Option<Reading>, String> {
        let trimmed = text.trim();
        let body = trimmed.strip_suffix('%').unwrap_or(trimmed).trim_end();
        if body.is_empty() {
            return Ok(None);
        }
        let (negative, body) = match body.strip_prefix(['-', '−']) {
            Some(rest) => (true, rest.trim_start()),
            None => (false, body.strip_prefix('+').unwrap_or(body)),
        };
        let not_a_number = || format!("{trimmed:?} is not a number; write it as {}", self.example());
        let (int, frac) = match body.split_once(self.decimal) {
            Some((int, frac)) => (int, Some(frac)),
            None => (body, None),
        };
        if let Some(other) = body
            .chars()
            .find(|&c| matches!(c, '.' | ',') && c != self.decimal && c != self.group)
        {
            return Err(format!(
                "{trimmed:?}: this number format ({}) does not use {other:?}; decimals take {:?}",
                self.example(),
                self.decimal
            ));
        }
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if frac.is_some_and(|f| !digits_only(f)) || (int.is_empty() && frac.is_none_or(str::is_empty)) {
            return Err(self.misplaced(trimmed));
        }
        let groups: Vec<&str> = int.split(|c| c == self.group || is_space(c)).collect();
        if !groups.iter().all(|g| digits_only(g)) {
            return Err(not_a_number());
        }
        if groups.len() > 1 {
            let first_ok = (1..=3).contains(&groups[0].len());
            if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
                return Err(self.misplaced(trimmed));
            }
        }
        let plain_int: String = groups.concat();
        let mut plain = if plain_int.is_empty() {
            "0".to_owned()
        } else {
            plain_int
        };
        if let Some(frac) = frac.filter(|f| !f.is_empty()) {
            plain.push('.');
            plain.push_str(frac);
        }
        let value: f64 = plain.parse().map_err(|_| not_a_number())?;
        if !value.is_finite() {
            return Err(format!("{trimmed:?} is too large"));
        }
        let marks = int.chars().filter(|&c| c == self.group).count();
        let note = (frac.is_none() && marks == 1 && matches!(self.group, '.' | ',')).then(|| {
            format!(
                "read as {plain}: {:?} groups thousands here, decimals take {:?}",
                self.group, self.decimal
            )
        });
        Ok(Some(Reading {
            value: if negative { -value } else { value },
            note,
        }))
    }

    fn misplaced(self, text: &str) -> String {
        format!(
            "{text:?}: a separator is in the wrong place; this number format writes {} and {}",
            self.thousands(12.5, 1),
            self.example()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: NumberStyle = NumberStyle::POINT;
    const C: NumberStyle = NumberStyle::COMMA;
    const S: NumberStyle = NumberStyle::SPACE;

    #[test]
    fn separates_thousands() {
        assert_eq!(P.thousands(0.0, 0), "0");
        assert_eq!(P.thousands(999.0, 0), "999");
        assert_eq!(P.thousands(1000.0, 0), "1,000");
        assert_eq!(P.thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(P.thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(P.thousands(-0.001, 0), "0");
        assert_eq!(P.money(98765.4, "EUR"), "EUR 98,765");
        assert_eq!(C.thousands(1234567.891, 2), "1.234.567,89");
        assert_eq!(S.thousands(1234.5, 1), "1\u{a0}234,5");
        assert_eq!(C.percent(42.25), "42,2%");
        assert_eq!(C.number(1200.5), "1.200,5");
        assert_eq!(C.number(6.0), "6");
        assert_eq!(P.number(0.25), "0.25");
    }

    #[test]
    fn a_small_quantity_never_reads_as_zero() {
        assert_eq!(C.quantity(0.48), "0,48");
        assert_eq!(P.quantity(7.0), "7");
        assert_eq!(P.quantity(42.54), "42.5");
        assert_eq!(P.quantity(1200.4), "1,200");
        assert_eq!(P.quantity(0.0), "0");
    }

    fn value(style: NumberStyle, text: &str) -> f64 {
        style.parse(text).unwrap().unwrap().value
    }

    #[test]
    fn reads_each_style() {
        assert_eq!(value(P, "12.5"), 12.5);
        assert_eq!(value(P, "1,234.5"), 1234.5);
        assert_eq!(value(P, "1 234.5"), 1234.5);
        assert_eq!(value(P, " 12% "), 12.0);
        assert_eq!(value(P, "-3"), -3.0);
        assert_eq!(value(P, ".5"), 0.5);
        assert_eq!(value(C, "12,5"), 12.5);
        assert_eq!(value(C, "1.234,5"), 1234.5);
        assert_eq!(value(C, "1.234.567"), 1234567.0);
        assert_eq!(value(S, "1 234,5"), 1234.5);
        assert_eq!(value(S, "1\u{202f}234,5"), 1234.5);
        assert_eq!(P.parse(""), Ok(None));
        assert_eq!(P.parse(" % "), Ok(None));
    }

    #[test]
    fn refuses_what_it_would_have_to_guess() {
        for (style, text) in [
            (P, "12,5"),
            (P, "1,23,456"),
            (P, "1.2.3"),
            (P, "12.5,3"),
            (C, "12.5"),
            (C, "1.2345"),
            (C, "1,5,3"),
            (S, "12.5"),
            (P, "abc"),
            (P, "1e3"),
            (P, "."),
            (P, "1e400"),
        ] {
            assert!(style.parse(text).is_err(), "{text} in {style:?}");
        }
        let why = P.parse("12,5").unwrap_err();
        assert!(why.contains("12.5") && why.contains("1,234.5"), "{why}");
        let too_long = "9".repeat(400);
        assert!(P.parse(&too_long).is_err());
    }

    #[test]
    fn says_how_it_read_a_lone_grouping_mark() {
        let read = P.parse("12,500").unwrap().unwrap();
        assert_eq!(read.value, 12500.0);
        assert!(read.note.unwrap().starts_with("read as 12500"));
        let read = C.parse("12.500").unwrap().unwrap();
        assert_eq!(read.value, 12500.0);
        assert!(read.note.is_some());
        assert_eq!(P.parse("1,234,567").unwrap().unwrap().note, None);
        assert_eq!(S.parse("12 500").unwrap().unwrap().note, None);
    }

    #[test]
    fn stored_words_round_trip() {
        for f in NumberFormat::ALL {
            assert_eq!(NumberFormat::from_key(f.key()), f);
        }
        assert_eq!(NumberFormat::from_key("nonsense"), NumberFormat::Automatic);
    }
}
