//! Validation of a map against the documented rules. Every problem names the
//! field it is about, for example `steps[3].rework_rate: 1.2 is above the
//! maximum 0.95`.

use ahash::AHashMap as HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use chrono::NaiveDate;

use crate::domain::model::pick::{Pick, PickState};
use crate::domain::model::{Attr, Evidence, Map, Part};

/// Longest allowed name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest allowed notes text, in characters.
pub const MAX_NOTES_CHARS: usize = 20_000;

/// The most characters a text field takes: one more than the longest name
/// (or notes) allowed, so a paste of megabytes is cut at once (the field
/// then says the text is too long) instead of being laid out every frame.
pub const fn field_char_limit(multiline: bool) -> usize {
    if multiline {
        MAX_NOTES_CHARS + 1
    } else {
        MAX_NAME_CHARS + 1
    }
}

/// One problem found in a map: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// All the problems found in a map, in file order.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 20;
        for (i, p) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        if self.0.len() > SHOWN {
            write!(f, "\n…and {} more problems", self.0.len() - SHOWN)?;
        }
        Ok(())
    }
}

/// Checks one attribute value against its allowed range.
pub fn check_value(attr: Attr, value: f64) -> Result<(), String> {
    let (min, max) = attr.range();
    check_number(value, min, max)
}

/// Checks a number is finite and within `min..=max`.
/// A map's number of scenarios: a whole number from 1 to
/// [`Simulation::MAX_DRAWS`](crate::domain::model::Simulation::MAX_DRAWS).
pub fn check_draws(value: f64) -> Result<(), String> {
    let max = crate::domain::model::Simulation::MAX_DRAWS;
    if value.fract() != 0.0 || !(1.0..=f64::from(max)).contains(&value) {
        return Err(format!("enter a whole number of scenarios from 1 to {max}"));
    }
    Ok(())
}

/// A seed: a whole number from 0 to 2⁵³ (the whole numbers a typed number
/// holds exactly).
pub fn check_seed(value: f64) -> Result<(), String> {
    const MAX: f64 = 9_007_199_254_740_992.0;
    if value.fract() != 0.0 || !(0.0..=MAX).contains(&value) {
        return Err("enter a whole number from 0 to 9007199254740992".to_owned());
    }
    Ok(())
}

pub fn check_number(value: f64, min: f64, max: f64) -> Result<(), String> {
    if !value.is_finite() {
        Err(format!("{} is not a finite number", number_text(value)))
    } else if value < min {
        Err(format!(
            "{} is below the minimum {}",
            number_text(value),
            number_text(min)
        ))
    } else if value > max {
        Err(format!(
            "{} is above the maximum {}",
            number_text(value),
            number_text(max)
        ))
    } else {
        Ok(())
    }
}

/// The rule low ≤ value ≤ high, for `v` put in as `part` of an attribute
/// whose numbers are `(low, value, high)`; `show` writes a number for the
/// message.
pub fn check_order(
    part: Part,
    v: f64,
    (low, value, high): (Option<f64>, f64, Option<f64>),
    show: impl Fn(f64) -> String,
) -> Result<(), String> {
    match part {
        Part::Value => {
            if let Some(low) = low.filter(|low| v < *low) {
                return Err(format!("{} is below the low estimate {}", show(v), show(low)));
            }
            if let Some(high) = high.filter(|high| v > *high) {
                return Err(format!("{} is above the high estimate {}", show(v), show(high)));
            }
            Ok(())
        }
        Part::Low if v > value => Err(format!("{} is above the value {}", show(v), show(value))),
        Part::High if v < value => Err(format!("{} is below the value {}", show(v), show(value))),
        Part::Low | Part::High => Ok(()),
    }
}

/// A number as messages show it: plainly, or in exponent form when the
/// plain form would be very long (1e308, not 309 digits).
pub fn number_text(value: f64) -> String {
    let magnitude = value.abs();
    if value.is_finite() && magnitude != 0.0 && !(1e-6..1e15).contains(&magnitude) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

/// Checks a name is non-empty, not too long and free of control characters.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("must not be empty".to_owned())
    } else {
        check_max_chars(name, MAX_NAME_CHARS)?;
        check_controls(name)
    }
}

fn check_notes(notes: &str) -> Result<(), String> {
    check_max_chars(notes, MAX_NOTES_CHARS)?;
    check_controls(notes)
}

/// Refuses control characters other than tab, line feed and carriage return:
/// a NUL or an escape code in a name cuts it short or garbles it in other
/// tools (C strings, terminals, spreadsheets). Refuses Unicode's
/// noncharacters too (U+FDD0 to U+FDEF, and U+FFFE and U+FFFF in every
/// plane): XML may not hold them, so a BPMN export or a picture would break.
pub fn check_controls(text: &str) -> Result<(), String> {
    let found = text.chars().enumerate().find(|&(_, c)| !allowed_in_text(c));
    match found {
        Some((i, c)) => Err(format!(
            "contains the {} U+{:04X} at character {}",
            if c.is_control() {
                "control character"
            } else {
                "noncharacter"
            },
            u32::from(c),
            i + 1
        )),
        None => Ok(()),
    }
}

/// Whether a map's text may hold `c`: anything but control characters
/// other than tab and line ends, and noncharacters (see `check_controls`).
pub fn allowed_in_text(c: char) -> bool {
    !((c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || is_noncharacter(c))
}

/// Whether `c` is one of Unicode's 66 noncharacters.
fn is_noncharacter(c: char) -> bool {
    let c = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&c) || c & 0xFFFE == 0xFFFE
}

/// Whether `c` must not reach a terminal or a name as it is: a control
/// character (tab and line ends included) or a noncharacter.
fn is_unprintable(c: char) -> bool {
    c.is_control() || is_noncharacter(c)
}

/// `text` with each control character and noncharacter written as an
/// escape such as `\u{1b}`, for a message that repeats what a user gave (a
/// file's name): an escape code in it must not reach the terminal.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return text.into();
    }
    text.chars()
        .map(|c| {
            if is_unprintable(c) {
                format!("\\u{{{:x}}}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// `text` made into a name: control characters and noncharacters dropped,
/// spaces trimmed, and cut to [`MAX_NAME_CHARS`]. Empty when nothing is left.
pub fn clean_name(text: &str) -> String {
    let kept: String = text.chars().filter(|&c| !is_unprintable(c)).collect();
    let cut: String = kept.trim().chars().take(MAX_NAME_CHARS).collect();
    cut.trim_end().to_owned()
}

/// Checks text is at most `max` characters long.
pub fn check_max_chars(text: &str, max: usize) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > max {
        Err(format!("is {chars} characters long, above the maximum {max}"))
    } else {
        Ok(())
    }
}

/// Checks a currency code: 1 to 8 visible characters, such as `USD` or `EUR`.
pub fn check_currency(code: &str) -> Result<(), String> {
    let chars = code.chars().count();
    if chars == 0
        || chars > 8
        || code
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_noncharacter(c))
    {
        Err(format!(
            "{code:?} is not a currency code such as \"USD\" (1 to 8 characters, no spaces)"
        ))
    } else {
        Ok(())
    }
}

/// The allowed range of a lane's effort estimate, in weeks: above 0, at most
/// ten years.
pub const EFFORT_WEEKS_MAX: f64 = 520.0;
/// The allowed range of a metric value (baseline, target, review entry).
pub const METRIC_VALUE_RANGE: (f64, f64) = (-1e12, 1e12);
/// The allowed range of the dates in a plan.
pub const FIRST_DATE: (i32, u32, u32) = (1900, 1, 1);
pub const LAST_DATE: (i32, u32, u32) = (2999, 12, 31);

/// Checks an effort estimate: finite, above 0 and at most 520 weeks.
pub fn check_effort_weeks(weeks: f64) -> Result<(), String> {
    if !weeks.is_finite() {
        Err(format!("{weeks} is not a finite number"))
    } else if weeks <= 0.0 {
        Err(format!("{weeks} weeks is not above 0"))
    } else if weeks > EFFORT_WEEKS_MAX {
        Err(format!("{weeks} weeks is above the maximum {EFFORT_WEEKS_MAX}"))
    } else {
        Ok(())
    }
}

/// Checks a plan date is between 1900-01-01 and 2999-12-31.
pub fn check_date(date: NaiveDate) -> Result<(), String> {
    let make = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d);
    match (make(FIRST_DATE), make(LAST_DATE)) {
        (Some(first), Some(last)) if date < first || date > last => Err(format!("{date} is outside {first} to {last}")),
        _ => Ok(()),
    }
}

/// The allowed range of each map rate.
pub const HOURLY_COST_RANGE: (f64, f64) = (0.0, 1e6);
pub const DELAY_COST_RANGE: (f64, f64) = (0.0, 1e6);
pub const HOURS_PER_FTE_RANGE: (f64, f64) = (1.0, 744.0);

#[derive(Default)]
struct Collector(Vec<Problem>);

impl Collector {
    fn check(&mut self, path: impl FnOnce() -> String, result: Result<(), String>) {
        if let Err(message) = result {
            self.0.push(Problem { path: path(), message });
        }
    }
}

/// The problems `validate` finds in `map`, each told in the words of a note
/// at the same field where there is one (what the database held there says
/// more than "NaN is not a finite number").
pub fn problems_with_notes(map: &Map, notes: &[Problem]) -> Vec<Problem> {
    let Err(Problems(found)) = validate(map) else {
        return Vec::new();
    };
    found
        .into_iter()
        .map(|p| notes.iter().find(|n| n.path == p.path).cloned().unwrap_or(p))
        .collect()
}

/// Validates a whole map. Returns every problem found, not just the first.
pub fn validate(map: &Map) -> Result<(), Problems> {
    let mut c = Collector::default();
    c.check(|| "name".into(), check_name(&map.name));
    c.check(|| "currency".into(), check_currency(&map.currency));
    c.check(|| "notes".into(), check_notes(&map.notes));
    let r = &map.rates;
    let (lo, hi) = HOURLY_COST_RANGE;
    c.check(|| "rates.hourly_cost".into(), check_number(r.hourly_cost, lo, hi));
    let (lo, hi) = DELAY_COST_RANGE;
    c.check(
        || "rates.delay_cost_per_hour".into(),
        check_number(r.delay_cost_per_hour, lo, hi),
    );
    let (lo, hi) = HOURS_PER_FTE_RANGE;
    c.check(
        || "rates.hours_per_fte_month".into(),
        check_number(r.hours_per_fte_month, lo, hi),
    );
    c.check(
        || "simulation.draws".into(),
        check_number(
            map.simulation.draws.into(),
            1.0,
            crate::domain::model::Simulation::MAX_DRAWS.into(),
        ),
    );

    let mut lane_ids: HashMap<&str, usize> = HashMap::with_capacity(map.lanes.len());
    for (i, lane) in map.lanes.iter().enumerate() {
        c.check(|| format!("lanes[{i}].id"), check_name(&lane.id));
        c.check(
            || format!("lanes[{i}].id"),
            first_use(&mut lane_ids, &lane.id, i, "lanes"),
        );
        c.check(|| format!("lanes[{i}].name"), check_name(&lane.name));
        c.check(|| format!("lanes[{i}].owner"), check_length(&lane.owner));
        c.check(|| format!("lanes[{i}].notes"), check_notes(&lane.notes));
        if let Some(weeks) = lane.effort_weeks {
            c.check(|| format!("lanes[{i}].effort_weeks"), check_effort_weeks(weeks));
        }
    }

    // The lanes steps name, each looked up once rather than once a step.
    let unknown_lanes: Vec<&str> = (map.steps.score_columns().lane_ids.iter())
        .map(|id| id.as_str())
        .filter(|id| !lane_ids.contains_key(id))
        .collect();
    let mut step_ids: HashMap<&str, usize> = HashMap::with_capacity(map.steps.len());
    for (i, step) in map.steps.iter().enumerate() {
        c.check(|| format!("steps[{i}].id"), check_name(&step.id));
        c.check(
            || format!("steps[{i}].id"),
            first_use(&mut step_ids, &step.id, i, "steps"),
        );
        if unknown_lanes.contains(&step.lane.as_str()) {
            c.check(
                || format!("steps[{i}].lane"),
                Err(format!("no lane has the id {:?}", step.lane)),
            );
        }
        c.check(|| format!("steps[{i}].name"), check_name(&step.name));
        c.check(|| format!("steps[{i}].notes"), check_notes(&step.notes));
        if let Some(evidence) = &step.evidence {
            check_evidence(&mut c, i, evidence);
        }
        c.check(|| format!("steps[{i}].x"), check_number(f64::from(step.x), -1e7, 1e7));
        c.check(|| format!("steps[{i}].y"), check_number(f64::from(step.y), -1e7, 1e7));
        for attr in Attr::ALL {
            let value = step.value(attr);
            c.check(|| format!("steps[{i}].{}", attr.key()), check_value(attr, value));
            let numbers = (step.low.get(attr), value, step.high.get(attr));
            for (part, bound) in [(Part::Low, numbers.0), (Part::High, numbers.2)] {
                if let Some(bound) = bound {
                    let field = || format!("steps[{i}].{}.{}", part.key(), attr.key());
                    c.check(field, check_value(attr, bound));
                    c.check(field, check_order(part, bound, numbers, number_text));
                }
            }
        }
    }

    // Edges are told apart by the indices of the steps they join: two
    // numbers hash faster than two names.
    let mut seen_edges: HashMap<(usize, usize), usize> = HashMap::with_capacity(map.edges.len());
    for (i, edge) in map.edges.iter().enumerate() {
        let ends = [("from", &edge.from), ("to", &edge.to)].map(|(end, id)| {
            let index = step_ids.get(id.as_str()).copied();
            if index.is_none() {
                c.check(
                    || format!("edges[{i}].{end}"),
                    Err(format!("no step has the id {id:?}")),
                );
            }
            index
        });
        if edge.from == edge.to {
            c.check(
                || format!("edges[{i}]"),
                Err(format!("joins step {:?} to itself", edge.from)),
            );
        }
        // An edge to a step that is not there is reported above already.
        let [Some(from), Some(to)] = ends else { continue };
        match seen_edges.entry((from, to)) {
            Entry::Occupied(first) => {
                let first = *first.get();
                c.check(
                    || format!("edges[{i}]"),
                    Err(format!("repeats edges[{first}] ({:?} to {:?})", edge.from, edge.to)),
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }

    let mut pick_ids: HashMap<&str, usize> = HashMap::new();
    let mut active_lanes: HashMap<&str, usize> = HashMap::new();
    for (i, pick) in map.picks.iter().enumerate() {
        check_pick(&mut c, i, pick, &lane_ids);
        c.check(
            || format!("picks[{i}].id"),
            first_use(&mut pick_ids, &pick.id, i, "picks"),
        );
        if pick.state == PickState::Active {
            if let Entry::Occupied(first) = active_lanes.entry(&pick.lane) {
                let first = *first.get();
                c.check(
                    || format!("picks[{i}].lane"),
                    Err(format!(
                        "lane {:?} already has an active pick, picks[{first}]",
                        pick.lane
                    )),
                );
            } else {
                active_lanes.insert(&pick.lane, i);
            }
        }
    }

    if c.0.is_empty() { Ok(()) } else { Err(Problems(c.0)) }
}

/// Checks one pick on its own (ids across picks are checked by the caller).
fn check_pick(c: &mut Collector, i: usize, pick: &Pick, lane_ids: &HashMap<&str, usize>) {
    let at = |field: &str| format!("picks[{i}].{field}");
    c.check(|| at("id"), check_name(&pick.id));
    if !lane_ids.contains_key(pick.lane.as_str()) {
        c.check(|| at("lane"), Err(format!("no lane has the id {:?}", pick.lane)));
    }
    c.check(|| at("picked_on"), check_date(pick.picked_on));
    match (pick.state, pick.closed_on) {
        (PickState::Active, Some(_)) => c.check(
            || at("closed_on"),
            Err("an active pick has no closing date; leave it out or close the pick as done or dropped".into()),
        ),
        (PickState::Done | PickState::Dropped, None) => c.check(
            || at("closed_on"),
            Err(format!("a {} pick needs the date it was closed", pick.state.text())),
        ),
        (_, Some(closed)) => {
            c.check(|| at("closed_on"), check_date(closed));
            if closed < pick.picked_on {
                c.check(
                    || at("closed_on"),
                    Err(format!("{closed} is before the pick date {}", pick.picked_on)),
                );
            }
        }
        (_, None) => {}
    }
    c.check(|| at("close_reason"), check_length(&pick.close_reason));
    c.check(|| at("owner"), check_length(&pick.owner_at_close));
    if pick.is_active() && !pick.owner_at_close.trim().is_empty() {
        c.check(
            || at("owner"),
            Err("an active pick has no owner of its own: its lane's owner is the owner; set it on the lane".into()),
        );
    }

    let b = &pick.baseline;
    if b.rank == 0 {
        c.check(|| at("baseline.rank"), Err("0 is not a rank; ranks start at 1".into()));
    }
    let money = (0.0, f64::MAX);
    for (field, value, (min, max)) in [
        ("monthly_friction", b.monthly_friction, money),
        ("handling", b.handling, money),
        ("rework", b.rework, money),
        ("delay", b.delay, money),
        ("friction_low", b.friction_low, money),
        ("friction_high", b.friction_high, money),
        ("share_pct", b.share_pct, (0.0, 100.0)),
        ("touch_hours", b.touch_hours, money),
        ("fte", b.fte, money),
    ] {
        c.check(|| at(&format!("baseline.{field}")), check_number(value, min, max));
    }

    let m = &pick.metric;
    let (lo, hi) = METRIC_VALUE_RANGE;
    c.check(|| at("metric.name"), check_length(&m.name));
    c.check(|| at("metric.unit"), check_length(&m.unit));
    if let Some(value) = m.baseline_value {
        c.check(|| at("metric.baseline_value"), check_number(value, lo, hi));
    }
    if let Some(date) = m.baseline_date {
        c.check(|| at("metric.baseline_date"), check_date(date));
    }
    if let Some(value) = m.target_value {
        c.check(|| at("metric.target_value"), check_number(value, lo, hi));
    }
    c.check(|| at("metric.target_date"), check_date(m.target_date));
    c.check(|| at("exception_policy"), check_notes(&pick.exception_policy));
    c.check(|| at("exception_reviewer"), check_length(&pick.exception_reviewer));
    for (j, review) in pick.reviews.iter().enumerate() {
        c.check(|| at(&format!("reviews[{j}].date")), check_date(review.date));
        c.check(
            || at(&format!("reviews[{j}].value")),
            check_number(review.value, lo, hi),
        );
        c.check(|| at(&format!("reviews[{j}].note")), check_notes(&review.note));
    }
}

/// Checks short optional text (owners, units, reasons): at most a name's
/// length, and no control characters.
pub fn check_length(text: &str) -> Result<(), String> {
    check_max_chars(text, MAX_NAME_CHARS)?;
    check_controls(text)
}

/// A step's evidence: a name of a file, a period that runs forward, and
/// finite measured numbers.
fn check_evidence(c: &mut Collector, i: usize, evidence: &Evidence) {
    c.check(|| format!("steps[{i}].evidence.source"), check_length(&evidence.source));
    c.check(|| format!("steps[{i}].evidence.note"), check_notes(&evidence.note));
    if evidence.from > evidence.to {
        c.check(
            || format!("steps[{i}].evidence"),
            Err(format!(
                "the period ends ({}) before it starts ({})",
                evidence.to, evidence.from
            )),
        );
    }
    for attr in Attr::ALL {
        let Some(m) = evidence.measured(attr) else { continue };
        for v in [Some(m.value), m.p25, m.p75].into_iter().flatten() {
            c.check(
                || format!("steps[{i}].evidence.{}", attr.key()),
                check_number(v, f64::MIN, f64::MAX),
            );
        }
    }
}

/// Records the first index that uses an id, and reports a later reuse.
fn first_use<'a>(seen: &mut HashMap<&'a str, usize>, id: &'a str, index: usize, list: &str) -> Result<(), String> {
    match seen.entry(id) {
        Entry::Occupied(first) => Err(format!("{id:?} is already used by {list}[{}]", first.get())),
        Entry::Vacant(slot) => {
            slot.insert(index);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_show_what_names_may_not_hold() {
        assert_eq!(escape_controls("plain é 🙂"), "plain é 🙂");
        assert_eq!(
            escape_controls("a\u{1b}[31m\tb\u{fffe}"),
            "a\\u{1b}[31m\\u{9}b\\u{fffe}"
        );
        assert!(check_name(&clean_name("a\u{1b}[31m\u{0}\u{ffff} b ")).is_ok());
        assert_eq!(clean_name(" a\u{1b}[31m\u{0}\u{ffff} b "), "a[31m b");
        assert_eq!(clean_name(&"x".repeat(300)).len(), MAX_NAME_CHARS);
        assert_eq!(clean_name(&format!("{} y", "x".repeat(199))), "x".repeat(199));
        assert_eq!(clean_name("\u{7}\u{7}"), "");
    }

    #[test]
    fn numbers_out_of_range_are_shown_short() {
        assert_eq!(
            check_number(1e308, 0.0, 1e9).unwrap_err(),
            "1e308 is above the maximum 1000000000"
        );
        assert_eq!(check_number(-5.0, 0.0, 1e9).unwrap_err(), "-5 is below the minimum 0");
        assert_eq!(
            check_number(1.5, 0.0, 0.95).unwrap_err(),
            "1.5 is above the maximum 0.95"
        );
    }
}
