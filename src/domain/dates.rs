//! Dates for people: a [`DateStyle`] writes dates in the locale's form and
//! reads that form and ISO `2026-11-30`. The order of day and month comes
//! from the locale and is never guessed from the digits.

use chrono::{Datelike, NaiveDate};

/// The order of a date's parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// `2026-11-30`
    YearMonthDay,
    /// `30.11.2026`, `30/11/2026`
    DayMonthYear,
    /// `11/30/2026`
    MonthDayYear,
}

/// How dates are written: the order and the separator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateStyle {
    pub order: DateOrder,
    pub separator: char,
}

impl Default for DateStyle {
    fn default() -> Self {
        Self::ISO
    }
}

impl DateStyle {
    pub const ISO: Self = Self {
        order: DateOrder::YearMonthDay,
        separator: '-',
    };
    /// German, Russian, Polish, …
    pub const DOTS: Self = Self {
        order: DateOrder::DayMonthYear,
        separator: '.',
    };
    /// British, French, Spanish, Italian, …
    pub const DAY_SLASH: Self = Self {
        order: DateOrder::DayMonthYear,
        separator: '/',
    };
    /// The United States.
    pub const MONTH_SLASH: Self = Self {
        order: DateOrder::MonthDayYear,
        separator: '/',
    };

    /// The date in this style: `30.11.2026`.
    pub fn format(self, date: NaiveDate) -> String {
        let (y, m, d, s) = (date.year(), date.month(), date.day(), self.separator);
        match self.order {
            DateOrder::YearMonthDay => format!("{y:04}{s}{m:02}{s}{d:02}"),
            DateOrder::DayMonthYear => format!("{d:02}{s}{m:02}{s}{y:04}"),
            DateOrder::MonthDayYear => format!("{m:02}{s}{d:02}{s}{y:04}"),
        }
    }

    /// An example for messages: today's form of 30 November 2026.
    pub fn example(self) -> String {
        self.format(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default())
    }

    /// Reads ISO `2026-11-30` or this style's form, with `.`, `/` or `-`
    /// between the parts (a four-digit year last). Anything else, or a day
    /// that does not exist, is refused with a message naming both forms.
    pub fn parse(self, text: &str) -> Result<NaiveDate, String> {
        let text = text.trim();
        let refuse = || {
            let forms = if self == Self::ISO {
                Self::ISO.example()
            } else {
                format!("{} or {}", self.example(), Self::ISO.example())
            };
            format!("{text:?} is not a date; write it as {forms}")
        };
        let parts: Vec<&str> = text.split(['.', '/', '-']).collect();
        let [a, b, c] = parts[..] else { return Err(refuse()) };
        if ![a, b, c]
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(refuse());
        }
        let n = |p: &str| p.parse::<u32>().unwrap_or(0);
        let (y, m, d) = if a.len() == 4 {
            (a, b, c)
        } else if c.len() == 4 && self.order != DateOrder::YearMonthDay {
            match self.order {
                DateOrder::MonthDayYear => (c, a, b),
                _ => (c, b, a),
            }
        } else {
            return Err(refuse());
        };
        NaiveDate::from_ymd_opt(n(y) as i32, n(m), n(d)).ok_or_else(|| format!("{text:?} is not a day of the calendar"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn writes_and_reads_each_form() {
        let date = day(2026, 11, 30);
        for style in [
            DateStyle::ISO,
            DateStyle::DOTS,
            DateStyle::DAY_SLASH,
            DateStyle::MONTH_SLASH,
        ] {
            assert_eq!(style.parse(&style.format(date)), Ok(date), "{style:?}");
            assert_eq!(style.parse("2026-11-30"), Ok(date), "{style:?}");
        }
        assert_eq!(DateStyle::DOTS.format(date), "30.11.2026");
        assert_eq!(DateStyle::MONTH_SLASH.format(date), "11/30/2026");
        assert_eq!(DateStyle::DOTS.parse("1.2.2026"), Ok(day(2026, 2, 1)));
        assert_eq!(DateStyle::MONTH_SLASH.parse("1/2/2026"), Ok(day(2026, 1, 2)));
    }

    #[test]
    fn refuses_other_forms() {
        for text in ["30/11/26", "2026/13/01", "31.02.2026", "tomorrow", "", "30.11.2026.1"] {
            assert!(DateStyle::DOTS.parse(text).is_err(), "{text}");
        }
        assert!(DateStyle::ISO.parse("30/11/2026").is_err());
        assert!(DateStyle::MONTH_SLASH.parse("30/11/2026").is_err());
        let why = DateStyle::DOTS.parse("30/11/26").unwrap_err();
        assert!(why.contains("30.11.2026") && why.contains("2026-11-30"), "{why}");
    }
}
