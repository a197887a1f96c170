//! Timestamps of event logs, as milliseconds since 1970 UTC, and the
//! working hours a wait may be counted in.
//!
//! ISO 8601 is read directly (`2010-12-30 14:32:00`, `T` or a space,
//! fractions of a second, `Z` or an offset `+01:00`, `+0100`, `+01`, or a
//! date alone), without going through a format string: a log of millions
//! of rows spends most of its reading time here. Other layouts take a
//! chrono format (`--date-format "%d.%m.%Y %H:%M"`). A time without an
//! offset is read in the time zone the user gives (UTC by default).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;

const MS_PER_HOUR: f64 = 3_600_000.0;
const MS_PER_DAY: i64 = 86_400_000;

/// Reads the timestamps of one log.
#[derive(Clone, Debug)]
pub struct TimeReader {
    /// The zone of times written without an offset.
    pub zone: Tz,
    /// A chrono format for a layout that is not ISO 8601.
    pub format: Option<String>,
}

impl Default for TimeReader {
    fn default() -> Self {
        Self {
            zone: Tz::UTC,
            format: None,
        }
    }
}

impl TimeReader {
    /// A reader for `zone` (an IANA name such as `Europe/Berlin`, or `UTC`)
    /// and an optional chrono format.
    pub fn new(zone: Option<&str>, format: Option<&str>) -> Result<Self, String> {
        let zone = match zone {
            None => Tz::UTC,
            Some(name) => name.parse::<Tz>().map_err(|_| {
                format!(
                    "{name:?} is not a time zone; give an IANA name such as Europe/Berlin or America/New_York, or UTC"
                )
            })?,
        };
        if let Some(format) = format {
            // chrono checks a format only when it is used; an unknown
            // specifier shows up as an error on every row. Say it once.
            if chrono::format::StrftimeItems::new(format).any(|item| matches!(item, chrono::format::Item::Error)) {
                return Err(format!(
                    "{format:?} is not a date format (use chrono's %Y-%m-%d %H:%M:%S specifiers)"
                ));
            }
        }
        Ok(Self {
            zone,
            format: format.map(str::to_owned),
        })
    }

    /// The instant `text` names, in milliseconds since 1970 UTC.
    pub fn read(&self, text: &str) -> Result<i64, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("the time is empty".to_owned());
        }
        if let Some(format) = &self.format {
            return self.read_with_format(text, format);
        }
        let (local, offset) = iso(text.as_bytes()).ok_or_else(|| {
            format!(
                "{:?} is not a time as YYYY-MM-DD HH:MM:SS (with an optional offset); give --date-format for other layouts",
                shorten(text)
            )
        })?;
        match offset {
            Some(offset_ms) => Ok(local - offset_ms),
            None => self.in_zone(local),
        }
    }

    fn read_with_format(&self, text: &str, format: &str) -> Result<i64, String> {
        let bad = |e: chrono::ParseError| format!("{:?} does not match the date format {format:?}: {e}", shorten(text));
        if let Ok(with_offset) = DateTime::parse_from_str(text, format) {
            return Ok(with_offset.timestamp_millis());
        }
        let naive = match NaiveDateTime::parse_from_str(text, format) {
            Ok(naive) => naive,
            Err(e) => NaiveDate::parse_from_str(text, format)
                .map(|d| d.and_time(NaiveTime::MIN))
                .map_err(|_| bad(e))?,
        };
        self.in_zone(naive.and_utc().timestamp_millis())
    }

    /// A local wall-clock time (as if it were UTC) in the reader's zone. At
    /// the autumn change an hour happens twice: the first is taken. At the
    /// spring change an hour is skipped: a time inside it is read an hour
    /// later, as clocks show it.
    fn in_zone(&self, local_ms: i64) -> Result<i64, String> {
        if self.zone == Tz::UTC {
            return Ok(local_ms);
        }
        let naive = DateTime::from_timestamp_millis(local_ms)
            .ok_or_else(|| "the time is out of range".to_owned())?
            .naive_utc();
        let resolved = self
            .zone
            .from_local_datetime(&naive)
            .earliest()
            .or_else(|| {
                self.zone
                    .from_local_datetime(&(naive + chrono::Duration::hours(1)))
                    .earliest()
            })
            .ok_or_else(|| format!("{naive} does not exist in {}", self.zone))?;
        Ok(resolved.timestamp_millis())
    }

    /// The wall-clock time of an instant in the reader's zone, as
    /// milliseconds of a UTC-like count (for working hours).
    fn local(&self, utc_ms: i64) -> i64 {
        if self.zone == Tz::UTC {
            return utc_ms;
        }
        match DateTime::from_timestamp_millis(utc_ms) {
            Some(t) => t.with_timezone(&self.zone).naive_local().and_utc().timestamp_millis(),
            None => utc_ms,
        }
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_owned()
    } else {
        text.chars().take(40).chain(['…']).collect()
    }
}

/// ISO 8601 read by hand: the wall-clock time as milliseconds since 1970
/// (as if it were UTC) and the offset in milliseconds when one is given.
fn iso(b: &[u8]) -> Option<(i64, Option<i64>)> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = b.get(range)?;
        part.iter()
            .try_fold(0i64, |n, &c| c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0')))
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mut ms = days_from_civil(year, month, day)? * MS_PER_DAY;
    if b.len() == 10 {
        return Some((ms, None));
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute) = (digits(11..13)?, digits(14..16)?);
    if b.get(13) != Some(&b':') || hour > 24 || minute > 59 {
        return None;
    }
    let mut at = 16;
    let mut second = 0;
    if b.get(16) == Some(&b':') {
        second = digits(17..19)?;
        at = 19;
    }
    if second > 60 || (hour == 24 && (minute, second) != (0, 0)) {
        return None;
    }
    ms += ((hour * 60 + minute) * 60 + second.min(59)) * 1000;
    if matches!(b.get(at), Some(b'.' | b',')) {
        at += 1;
        let start = at;
        let mut fraction = 0i64;
        while let Some(c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            if at - start < 3 {
                fraction = fraction * 10 + i64::from(c - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..3 {
            fraction *= 10;
        }
        ms += fraction;
    }
    let offset = match &b[at..] {
        [] => None,
        [b'Z' | b'z'] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (h, m) = match rest {
                [h1, h2] => (two(*h1, *h2)?, 0),
                [h1, h2, m1, m2] => (two(*h1, *h2)?, two(*m1, *m2)?),
                [h1, h2, b':', m1, m2] => (two(*h1, *h2)?, two(*m1, *m2)?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let magnitude = (h * 60 + m) * 60_000;
            Some(if *sign == b'-' { -magnitude } else { magnitude })
        }
        _ => return None,
    };
    Some((ms, offset))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar,
/// `None` for a day the month does not have (Howard Hinnant's algorithm:
/// a log of millions of rows reads as many dates).
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[month as usize - 1] {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn two(a: u8, b: u8) -> Option<i64> {
    (a.is_ascii_digit() && b.is_ascii_digit()).then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
}

/// The weekly hours in which a wait is counted (`Mon-Fri 09:00-17:00`).
#[derive(Clone, Debug, PartialEq)]
pub struct WorkingHours {
    /// Monday first.
    days: [bool; 7],
    /// Minutes after midnight.
    from: i64,
    to: i64,
}

const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl WorkingHours {
    /// Reads `Mon-Fri 09:00-17:00`, `Mon,Wed,Fri 08:30-12:00` or `Sun-Thu 08:00-16:00`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not working hours; write them as Mon-Fri 09:00-17:00");
        let (days_text, hours_text) = text.trim().split_once(char::is_whitespace).ok_or_else(bad)?;
        let day = |name: &str| {
            let name = name.trim().to_lowercase();
            DAY_NAMES
                .iter()
                .position(|d| name.starts_with(d) && d.len() <= name.len())
                .ok_or_else(bad)
        };
        let mut days = [false; 7];
        for part in days_text.split(',') {
            match part.split_once('-') {
                Some((first, last)) => {
                    let (first, last) = (day(first)?, day(last)?);
                    let mut d = first;
                    loop {
                        days[d] = true;
                        if d == last {
                            break;
                        }
                        d = (d + 1) % 7;
                    }
                }
                None => days[day(part)?] = true,
            }
        }
        let (from, to) = hours_text.trim().split_once('-').ok_or_else(bad)?;
        let minutes = |t: &str| -> Result<i64, String> {
            let (h, m) = t.trim().split_once(':').ok_or_else(bad)?;
            let (h, m): (i64, i64) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            if !(0..=24).contains(&h) || !(0..60).contains(&m) || (h == 24 && m != 0) {
                return Err(bad());
            }
            Ok(h * 60 + m)
        };
        let (from, to) = (minutes(from)?, minutes(to)?);
        if from >= to {
            return Err(format!("{text:?}: the working day must end after it starts"));
        }
        Ok(Self { days, from, to })
    }

    /// Working milliseconds in one week.
    fn per_week(&self) -> i64 {
        self.days.iter().filter(|&&d| d).count() as i64 * (self.to - self.from) * 60_000
    }

    /// The working hours between two instants: for each day of the wait,
    /// the part of that day's working window the wait covers, in the
    /// clock of `times`'s zone. A wait from Friday 16:00 to Monday 10:00
    /// under Mon-Fri 09:00-17:00 counts 1 h on Friday and 1 h on Monday.
    pub fn hours_between(&self, times: &TimeReader, from_utc: i64, to_utc: i64) -> f64 {
        if to_utc <= from_utc {
            return 0.0;
        }
        let (a, b) = (times.local(from_utc), times.local(to_utc));
        let (first, last) = (a.div_euclid(MS_PER_DAY), b.div_euclid(MS_PER_DAY));
        let days = |range: std::ops::Range<i64>| range.map(|day| self.window_overlap(a, b, day)).sum::<i64>();
        let total = if last - first <= 14 {
            days(first..last + 1)
        } else {
            // The days between the first and the last lie wholly inside the
            // wait: after the first week, whole weeks count at once.
            let after_first_week = first + 7;
            let weeks = (last - after_first_week) / 7;
            let rest = after_first_week + weeks * 7;
            days(first..after_first_week) + weeks * self.per_week() + days(rest..last + 1)
        };
        total as f64 / MS_PER_HOUR
    }

    /// How much of day `day`'s working window lies inside `a..b`.
    fn window_overlap(&self, a: i64, b: i64, day: i64) -> i64 {
        // 1970-01-01 was a Thursday: day 0 is index 3 from Monday.
        let weekday = (day + 3).rem_euclid(7) as usize;
        if !self.days[weekday] {
            return 0;
        }
        let start = day * MS_PER_DAY + self.from * 60_000;
        let end = day * MS_PER_DAY + self.to * 60_000;
        (end.min(b) - start.max(a)).max(0)
    }
}

/// Hours between two instants in milliseconds.
pub fn hours(ms: i64) -> f64 {
    ms as f64 / MS_PER_HOUR
}

/// The calendar date of an instant, in UTC.
pub fn date_of(utc_ms: i64) -> NaiveDate {
    DateTime::from_timestamp_millis(utc_ms).map_or(NaiveDate::MIN, |t| t.date_naive())
}

/// An instant as people read it in a report (`2010-12-30 14:32 UTC`).
pub fn describe(utc_ms: i64) -> String {
    DateTime::from_timestamp_millis(utc_ms).map_or_else(
        || "(out of range)".to_owned(),
        |t| {
            let t = t.naive_utc();
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                t.month(),
                t.day(),
                t.hour(),
                t.minute()
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        TimeReader::default().read(text).unwrap()
    }

    #[test]
    fn iso_times_read_with_and_without_offsets() {
        let noon = 1_293_710_400_000; // 2010-12-30 12:00 UTC
        assert_eq!(utc("2010-12-30 12:00:00"), noon);
        assert_eq!(utc("2010-12-30T12:00:00Z"), noon);
        assert_eq!(utc("2010-12-30T13:00:00+01:00"), noon);
        assert_eq!(utc("2010-12-30T13:00:00.000+01:00"), noon);
        assert_eq!(utc("2010-12-30 07:00:00-0500"), noon);
        assert_eq!(utc("2010-12-30 13:00:00+01"), noon);
        assert_eq!(utc("2010-12-30 12:00"), noon);
        assert_eq!(utc("2010-12-30 12:00:00.25"), noon + 250);
        assert_eq!(utc("2010-12-30 12:00:00.123456+00:00"), noon + 123);
        assert_eq!(utc("2010-12-30"), noon - 12 * 3_600_000);
        assert_eq!(utc("1969-12-31 23:59:59"), -1000);
    }

    #[test]
    fn days_are_counted_as_chrono_counts_them() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let mut date = NaiveDate::from_ymd_opt(1599, 12, 1).unwrap();
        while date.year() < 2401 {
            let days = days_from_civil(i64::from(date.year()), i64::from(date.month()), i64::from(date.day()));
            assert_eq!(days, Some((date - epoch).num_days()), "{date}");
            date = date.succ_opt().unwrap();
        }
        assert_eq!(days_from_civil(2023, 2, 29), None);
        assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
        assert_eq!(days_from_civil(1900, 2, 29), None);
        assert_eq!(days_from_civil(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_civil(2020, 13, 1), None);
    }

    #[test]
    fn what_is_not_a_time_is_named() {
        let r = TimeReader::default();
        for bad in [
            "",
            "30.12.2010",
            "2010-13-01",
            "2010-02-30 10:00",
            "2010-12-30 25:00",
            "2010-12-30 12:00:00+1",
            "2010-12-30 12:00:00 junk",
            "2010-12-30T12:00:00.Z",
        ] {
            assert!(r.read(bad).is_err(), "{bad:?} was read");
        }
        let message = r.read("30.12.2010 12:00").unwrap_err();
        assert!(message.contains("--date-format"), "{message}");
    }

    #[test]
    fn a_date_format_reads_other_layouts_in_the_zone_given() {
        let berlin = TimeReader::new(Some("Europe/Berlin"), Some("%d.%m.%Y %H:%M")).unwrap();
        assert_eq!(berlin.read("30.12.2010 13:00").unwrap(), utc("2010-12-30 12:00:00"));
        // Summer time: two hours ahead.
        assert_eq!(berlin.read("01.07.2011 14:00").unwrap(), utc("2011-07-01 12:00:00"));
        assert!(berlin.read("2011-07-01").is_err());
        assert!(TimeReader::new(Some("Mars/Olympus"), None).is_err());
        assert!(TimeReader::new(None, Some("%Q")).is_err());
        let zoned = TimeReader::new(Some("Europe/Berlin"), None).unwrap();
        assert_eq!(zoned.read("2010-12-30 13:00:00").unwrap(), utc("2010-12-30 12:00:00"));
        // An offset in the text wins over the zone.
        assert_eq!(
            zoned.read("2010-12-30 13:00:00+00:00").unwrap(),
            utc("2010-12-30 13:00:00")
        );
        // The hour skipped in spring is read an hour later.
        assert_eq!(zoned.read("2011-03-27 02:30:00").unwrap(), utc("2011-03-27 01:30:00"));
    }

    #[test]
    fn working_hours_count_only_the_window() {
        let hours = WorkingHours::parse("Mon-Fri 09:00-17:00").unwrap();
        let r = TimeReader::default();
        let between = |a: &str, b: &str| hours.hours_between(&r, utc(a), utc(b));
        // 2010-12-31 was a Friday: 16:00 Friday to 10:00 Monday is 1 h + 1 h.
        assert_eq!(between("2010-12-31 16:00:00", "2011-01-03 10:00:00"), 2.0);
        // Inside one day, and before and after the window.
        assert_eq!(between("2011-01-03 08:00:00", "2011-01-03 18:00:00"), 8.0);
        assert_eq!(between("2011-01-03 18:00:00", "2011-01-04 08:00:00"), 0.0);
        // Weekend only.
        assert_eq!(between("2011-01-01 09:00:00", "2011-01-02 17:00:00"), 0.0);
        // Five weeks from Monday 09:00: 25 working days.
        assert_eq!(between("2011-01-03 09:00:00", "2011-02-07 09:00:00"), 200.0);
        // Ninety-one days and a half, walked and counted by weeks alike.
        let long = between("2011-01-05 12:00:00", "2011-04-06 12:00:00");
        let mut walked = 0.0;
        let mut t = utc("2011-01-05 12:00:00");
        while t < utc("2011-04-06 12:00:00") {
            walked += hours.hours_between(&r, t, t + 3_600_000);
            t += 3_600_000;
        }
        assert_eq!(long, walked);
        assert_eq!(between("2011-01-03 10:00:00", "2011-01-03 09:00:00"), 0.0);
    }

    #[test]
    fn working_hours_read_ranges_lists_and_wrapping_weeks() {
        let sun_thu = WorkingHours::parse("Sun-Thu 08:00-16:00").unwrap();
        assert_eq!(sun_thu.days, [true, true, true, true, false, false, true]);
        let listed = WorkingHours::parse("mon,wed,Friday 08:30-12:00").unwrap();
        assert_eq!(listed.days, [true, false, true, false, true, false, false]);
        assert_eq!((listed.from, listed.to), (510, 720));
        for bad in [
            "",
            "Mon-Fri",
            "Mon-Fri 9-17",
            "Mon-Fri 17:00-09:00",
            "Xyz 09:00-17:00",
            "Mon-Fri 09:00-25:00",
        ] {
            assert!(WorkingHours::parse(bad).is_err(), "{bad:?} was read");
        }
    }
}
