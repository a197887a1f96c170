//! Validation of a map against the documented rules. Every problem names the
//! field it is about, for example `steps[3].rework_rate: 1.2 is above the
//! maximum 0.95`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use crate::model::{Attr, Map};

/// Longest allowed name, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest allowed notes text, in characters.
pub const MAX_NOTES_CHARS: usize = 20_000;

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
pub fn check_number(value: f64, min: f64, max: f64) -> Result<(), String> {
    if !value.is_finite() {
        Err(format!("{value} is not a finite number"))
    } else if value < min {
        Err(format!("{value} is below the minimum {min}"))
    } else if value > max {
        Err(format!("{value} is above the maximum {max}"))
    } else {
        Ok(())
    }
}

/// Checks a name is non-empty and not too long.
pub fn check_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if name.trim().is_empty() {
        Err("must not be empty".to_owned())
    } else if chars > MAX_NAME_CHARS {
        Err(format!(
            "is {chars} characters long, above the maximum {MAX_NAME_CHARS}"
        ))
    } else {
        Ok(())
    }
}

fn check_notes(notes: &str) -> Result<(), String> {
    let chars = notes.chars().count();
    if chars > MAX_NOTES_CHARS {
        Err(format!(
            "is {chars} characters long, above the maximum {MAX_NOTES_CHARS}"
        ))
    } else {
        Ok(())
    }
}

/// Checks a currency code: 1 to 8 visible characters, such as `USD` or `EUR`.
pub fn check_currency(code: &str) -> Result<(), String> {
    let chars = code.chars().count();
    if chars == 0 || chars > 8 || code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!(
            "{code:?} is not a currency code such as \"USD\" (1 to 8 characters, no spaces)"
        ))
    } else {
        Ok(())
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

    let mut lane_ids: HashMap<&str, usize> = HashMap::new();
    for (i, lane) in map.lanes.iter().enumerate() {
        c.check(|| format!("lanes[{i}].id"), check_name(&lane.id));
        c.check(
            || format!("lanes[{i}].id"),
            first_use(&mut lane_ids, &lane.id, i, "lanes"),
        );
        c.check(|| format!("lanes[{i}].name"), check_name(&lane.name));
        c.check(|| format!("lanes[{i}].owner"), check_length(&lane.owner));
        c.check(|| format!("lanes[{i}].notes"), check_notes(&lane.notes));
    }

    let mut step_ids: HashMap<&str, usize> = HashMap::new();
    for (i, step) in map.steps.iter().enumerate() {
        c.check(|| format!("steps[{i}].id"), check_name(&step.id));
        c.check(
            || format!("steps[{i}].id"),
            first_use(&mut step_ids, &step.id, i, "steps"),
        );
        if !lane_ids.contains_key(step.lane.as_str()) {
            c.check(
                || format!("steps[{i}].lane"),
                Err(format!("no lane has the id {:?}", step.lane)),
            );
        }
        c.check(|| format!("steps[{i}].name"), check_name(&step.name));
        c.check(|| format!("steps[{i}].notes"), check_notes(&step.notes));
        c.check(|| format!("steps[{i}].x"), check_number(f64::from(step.x), -1e7, 1e7));
        c.check(|| format!("steps[{i}].y"), check_number(f64::from(step.y), -1e7, 1e7));
        for attr in Attr::ALL {
            let value = step.value(attr);
            c.check(|| format!("steps[{i}].{}", attr.key()), check_value(attr, value));
            if let Some(low) = step.low.get(attr) {
                c.check(|| format!("steps[{i}].low.{}", attr.key()), check_value(attr, low));
                if low > value {
                    c.check(
                        || format!("steps[{i}].low.{}", attr.key()),
                        Err(format!("{low} is above the value {value}")),
                    );
                }
            }
            if let Some(high) = step.high.get(attr) {
                c.check(|| format!("steps[{i}].high.{}", attr.key()), check_value(attr, high));
                if high < value {
                    c.check(
                        || format!("steps[{i}].high.{}", attr.key()),
                        Err(format!("{high} is below the value {value}")),
                    );
                }
            }
        }
    }

    let mut seen_edges: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, edge) in map.edges.iter().enumerate() {
        for (end, id) in [("from", &edge.from), ("to", &edge.to)] {
            if !step_ids.contains_key(id.as_str()) {
                c.check(
                    || format!("edges[{i}].{end}"),
                    Err(format!("no step has the id {id:?}")),
                );
            }
        }
        if edge.from == edge.to {
            c.check(
                || format!("edges[{i}]"),
                Err(format!("joins step {:?} to itself", edge.from)),
            );
        }
        if let Entry::Occupied(first) = seen_edges.entry((&edge.from, &edge.to)) {
            let first = *first.get();
            c.check(
                || format!("edges[{i}]"),
                Err(format!("repeats edges[{first}] ({:?} to {:?})", edge.from, edge.to)),
            );
        } else {
            seen_edges.insert((&edge.from, &edge.to), i);
        }
    }

    if c.0.is_empty() { Ok(()) } else { Err(Problems(c.0)) }
}

fn check_length(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_NAME_CHARS {
        Err(format!(
            "is {chars} characters long, above the maximum {MAX_NAME_CHARS}"
        ))
    } else {
        Ok(())
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
