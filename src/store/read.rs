//! Reading a stored map, whatever other tools left in its rows. Users may
//! query and edit the database with any SQLite tool, whose foreign keys are
//! usually off and which accepts any value in any column: text in a number
//! column, invalid UTF-8, infinities, rows of a deleted lane or map. No such
//! row stops a map from being read. A cell that cannot be read as the model
//! needs it is read as something `validate` refuses (a number as NaN, a
//! date as the year 1) or, for text, as the nearest readable value (bad
//! bytes as "?"), and a note says what the database holds; the map's
//! problems are then what `validate` finds, exactly as for a file.

use chrono::{NaiveDate, Weekday};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};

use super::{MapId, PICK_COLUMNS, Result, STEP_VALUE_COLUMNS, StoreError};
use crate::domain::model::{Attr, Edge, Evidence, Lane, Map, Rates, Simulation, Step};
use crate::domain::validate::{MAX_NAME_CHARS, MAX_NOTES_CHARS, Problem, Problems, problems_with_notes};
use crate::plan::{Baseline, Direction, Metric, Pick, PickState, Review};

/// A map as it is stored, with the `position` of each step and edge.
#[derive(Clone, Debug)]
pub(super) struct Stored {
    pub map: Map,
    pub positions: Positions,
    /// What could not be read as stored, by field.
    pub notes: Vec<Problem>,
}

/// The `position` of each step and edge row, in map order.
#[derive(Clone, Debug, Default)]
pub(super) struct Positions {
    pub steps: Vec<i64>,
    pub edges: Vec<i64>,
}

/// A stored map with what is wrong with it.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub map: Map,
    /// What [`validate`] refuses in the map as read, with what the
    /// database held where a cell could not be read. A map with problems
    /// must not be scored or exported until they are fixed.
    pub problems: Problems,
    /// Cells that were read as something else (invalid UTF-8 text, a date
    /// that is not one, review entries of a missing pick) where the map
    /// as read is valid: the next save stores it as read.
    pub notes: Vec<Problem>,
}

impl Loaded {
    /// Whether the map can be used as it is.
    pub fn is_valid(&self) -> bool {
        self.problems.0.is_empty()
    }

    /// The map with its notes when it is valid, else
    /// [`StoreError::Invalid`] with its problems.
    pub fn into_valid(self, id: MapId) -> Result<(Map, Vec<Problem>)> {
        if self.is_valid() {
            return Ok((self.map, self.notes));
        }
        Err(StoreError::Invalid {
            id: id.0,
            name: self.map.name.chars().take(MAX_NAME_CHARS).collect(),
            problems: self.problems,
        })
    }
}

/// Reads map `id` and checks it as a map file is checked.
pub(super) fn load_checked(conn: &Connection, id: MapId) -> Result<Loaded> {
    let Stored { mut map, mut notes, .. } = load_stored(conn, id)?;
    // Rows written before one owner per lane; the next save stores the
    // merged lane, so this is compared with the rows as they are.
    for merge in crate::plan::merge_pick_owners(&mut map) {
        notes.push(Problem {
            path: format!("picks[{}].owner", merge.pick),
            message: merge.message,
        });
    }
    let problems = problems_with_notes(&map, &notes);
    // Notes that explain a problem are told there; the others stand alone.
    let notes = notes
        .into_iter()
        .filter(|n| !problems.iter().any(|p| p.path == n.path))
        .collect();
    Ok(Loaded {
        map,
        problems: Problems(problems),
        notes,
    })
}

/// One row's cells, read as the model needs them whatever SQLite holds.
/// What cannot be read so is noted at `prefix` + the field's name.
struct Cells<'a, 'r> {
    row: &'a Row<'r>,
    prefix: String,
    notes: &'a mut Vec<Problem>,
}

/// At most 40 characters of `text` for a message, with "…" where cut.
fn shown(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

impl Cells<'_, '_> {
    fn note(&mut self, field: &str, message: String) {
        self.notes.push(Problem {
            path: format!("{}{field}", self.prefix),
            message,
        });
    }

    fn value(&mut self, col: usize, field: &str) -> Option<ValueRef<'_>> {
        match self.row.get_ref(col) {
            Ok(v) => Some(v),
            Err(e) => {
                self.note(field, format!("cannot be read: {e}"));
                None
            }
        }
    }

    /// A number; anything else is NaN, which validation refuses.
    fn number(&mut self, col: usize, field: &str) -> f64 {
        self.opt_number(col, field).unwrap_or_else(|| {
            self.note(
                field,
                "is empty (NULL) in the database, where a number belongs".to_owned(),
            );
            f64::NAN
        })
    }

    /// A number or NULL; anything else is NaN, which validation refuses.
    fn opt_number(&mut self, col: usize, field: &str) -> Option<f64> {
        let what = match self.value(col, field)? {
            ValueRef::Real(v) => return Some(v),
            ValueRef::Integer(i) => return Some(i as f64),
            ValueRef::Null => return None,
            ValueRef::Text(t) => format!(
                "the database holds the text {:?} here, not a number",
                shown(&String::from_utf8_lossy(t))
            ),
            ValueRef::Blob(b) => format!("the database holds {} bytes of binary data here, not a number", b.len()),
        };
        self.note(field, what);
        Some(f64::NAN)
    }

    /// A whole number such as a position; anything else reads as 0.
    fn integer(&mut self, col: usize, field: &str) -> i64 {
        self.whole(col, field).unwrap_or_else(|what| {
            self.note(field, format!("{what}; read as 0"));
            0
        })
    }

    /// A whole number, or what the cell holds instead, in words.
    fn whole(&mut self, col: usize, field: &str) -> Result<i64, String> {
        match self.value(col, field) {
            Some(ValueRef::Integer(i)) => Ok(i),
            Some(ValueRef::Real(v)) if v.is_finite() => Ok(v as i64),
            Some(ValueRef::Text(t)) => Err(format!(
                "the database holds the text {:?} here, not a whole number",
                shown(&String::from_utf8_lossy(t))
            )),
            _ => Err("is not a whole number in the database".to_owned()),
        }
    }

    /// A step's evidence, NULL for none. Evidence another tool made
    /// unreadable is left out and said: the figures stay as they are.
    fn evidence(&mut self, col: usize) -> Option<Box<Evidence>> {
        let text = self.whole_text(col, "evidence")?;
        match serde_json::from_str(&text) {
            Ok(evidence) => Some(Box::new(evidence)),
            Err(e) => {
                self.note(
                    "evidence",
                    format!("is not evidence of an event log ({e}); it was left out, the step's figures are as stored"),
                );
                None
            }
        }
    }

    /// Text, with invalid UTF-8 shown as "?".
    fn text(&mut self, col: usize, field: &str) -> String {
        self.opt_text(col, field).unwrap_or_default()
    }

    /// Text or NULL. Text longer than any field may be is cut to one
    /// character more than notes may have (so validation still refuses
    /// it), so that no window has to lay out megabytes of one name.
    fn opt_text(&mut self, col: usize, field: &str) -> Option<String> {
        let text = self.whole_text(col, field)?;
        let longest = MAX_NOTES_CHARS + 1;
        match text.char_indices().nth(longest) {
            None => Some(text),
            Some((end, _)) => {
                let chars = text.chars().count();
                self.note(
                    field,
                    format!("is {chars} characters long in the database; read as its first {longest}"),
                );
                Some(text[..end].to_owned())
            }
        }
    }

    fn whole_text(&mut self, col: usize, field: &str) -> Option<String> {
        let (text, what) = match self.value(col, field)? {
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => return Some(s.to_owned()),
                Err(e) => (
                    lossy(t),
                    format!(
                        "is not valid UTF-8 text in the database (a bad byte at offset {}); \
                         bad bytes are shown as ? and will be stored so",
                        e.valid_up_to()
                    ),
                ),
            },
            ValueRef::Integer(i) => return Some(i.to_string()),
            ValueRef::Real(v) => return Some(v.to_string()),
            ValueRef::Null => return None,
            ValueRef::Blob(b) => (
                lossy(b),
                format!("the database holds {} bytes of binary data here, read as text", b.len()),
            ),
        };
        self.note(field, what);
        Some(text)
    }

    /// A YYYY-MM-DD date. Anything else is noted and read as 0001-01-01,
    /// a date that validation refuses.
    fn date(&mut self, col: usize, field: &str) -> NaiveDate {
        self.opt_date(col, field).unwrap_or_else(|| {
            self.note(
                field,
                "is empty (NULL) in the database, where a date belongs".to_owned(),
            );
            unreadable_date()
        })
    }

    fn opt_date(&mut self, col: usize, field: &str) -> Option<NaiveDate> {
        let text = self.opt_text(col, field)?;
        Some(NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or_else(|_| {
            self.note(
                field,
                format!(
                    "the database holds {:?} here, which is not a date (YYYY-MM-DD)",
                    shown(&text)
                ),
            );
            unreadable_date()
        }))
    }

    /// One of `choices` by its stored key, or `None` when NULL; anything
    /// else is noted and read as `fallback`.
    fn choice<T: Copy + PartialEq>(
        &mut self,
        col: usize,
        field: &str,
        choices: &[(&str, T)],
        fallback: T,
    ) -> Option<T> {
        let text = self.opt_text(col, field)?;
        if let Some((_, value)) = choices.iter().find(|(key, _)| *key == text) {
            return Some(*value);
        }
        let keys: Vec<&str> = choices.iter().map(|(k, _)| *k).collect();
        self.note(
            field,
            format!(
                "the database holds {:?}, which is not one of {}; read as {}",
                shown(&text),
                keys.join(", "),
                key_of(choices, fallback)
            ),
        );
        Some(fallback)
    }
}

/// Bytes as text, each run of bytes that is not UTF-8 shown as "?". (Not
/// U+FFFD: the app's fonts and the pictures' font have no glyph for it.)
pub(super) fn lossy(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push('?');
        }
    }
    text
}

/// What a date that cannot be read is read as: outside the range
/// validation allows, so the map is not used until it is fixed.
fn unreadable_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Reads a whole map with the positions of its steps and edges.
pub(super) fn load_stored(conn: &Connection, id: MapId) -> Result<Stored> {
    let mut notes = Vec::new();
    let mut map = conn
        .prepare_cached(
            "SELECT name, currency, notes, hourly_cost, delay_cost_per_hour, hours_per_fte_month,
                    sim_draws, sim_seed
             FROM maps WHERE id = ?1",
        )?
        .query_row([id.0], |row| {
            let mut c = Cells {
                row,
                prefix: String::new(),
                notes: &mut notes,
            };
            let mut map = Map::new(c.text(0, "name"));
            map.currency = c.text(1, "currency");
            map.notes = c.text(2, "notes");
            map.rates = Rates {
                hourly_cost: c.number(3, "rates.hourly_cost"),
                delay_cost_per_hour: c.number(4, "rates.delay_cost_per_hour"),
                hours_per_fte_month: c.number(5, "rates.hours_per_fte_month"),
            };
            let read = c.whole(6, "simulation.draws");
            let in_range = read.as_ref().ok().and_then(|&d| u32::try_from(d).ok());
            let draws = match in_range.filter(|n| (1..=Simulation::MAX_DRAWS).contains(n)) {
                Some(n) => n,
                None => {
                    let what = read.map_or_else(
                        |what| what,
                        |d| format!("{d} is not a number of scenarios from 1 to {}", Simulation::MAX_DRAWS),
                    );
                    c.note(
                        "simulation.draws",
                        format!("{what}; read as {}", Simulation::DEFAULT_DRAWS),
                    );
                    Simulation::DEFAULT_DRAWS
                }
            };
            map.simulation = Simulation {
                draws,
                seed: c.integer(7, "simulation.seed") as u64,
            };
            Ok(map)
        })
        .optional()?
        .ok_or(StoreError::NoSuchMap(id.0))?;

    let mut stmt = conn.prepare_cached(
        "SELECT lane_id, name, owner, notes, effort_weeks FROM lanes WHERE map_id = ?1 ORDER BY position",
    )?;
    let mut rows = stmt.query([id.0])?;
    while let Some(row) = rows.next()? {
        let mut c = Cells {
            row,
            prefix: format!("lanes[{}].", map.lanes.len()),
            notes: &mut notes,
        };
        let mut lane = Lane::new(c.text(0, "id"), c.text(1, "name"));
        lane.owner = c.text(2, "owner");
        lane.notes = c.text(3, "notes");
        lane.effort_weeks = c.opt_number(4, "effort_weeks");
        map.lanes.push(lane);
    }

    let mut stmt = conn.prepare_cached(&format!(
        "SELECT step_id, lane_id, name, notes, x, y, {STEP_VALUE_COLUMNS}, position, evidence
         FROM steps WHERE map_id = ?1 ORDER BY position"
    ))?;
    let mut step_positions = Vec::new();
    let mut steps = Vec::new();
    let mut rows = stmt.query([id.0])?;
    while let Some(row) = rows.next()? {
        let mut c = Cells {
            row,
            prefix: format!("steps[{}].", steps.len()),
            notes: &mut notes,
        };
        let mut step = Step::new(c.text(0, "id"), c.text(1, "lane"), c.text(2, "name"));
        step.notes = c.text(3, "notes");
        step.x = c.number(4, "x") as f32;
        step.y = c.number(5, "y") as f32;
        let mut col = 6;
        for attr in Attr::ALL {
            step.set_value(attr, c.number(col, attr.key()));
            step.low
                .set(attr, c.opt_number(col + 1, &format!("low.{}", attr.key())));
            step.high
                .set(attr, c.opt_number(col + 2, &format!("high.{}", attr.key())));
            col += 3;
        }
        step_positions.push(c.integer(col, "position"));
        step.evidence = c.evidence(col + 1);
        steps.push(step);
    }
    map.steps = steps.into_iter().collect();

    let mut stmt =
        conn.prepare_cached("SELECT from_step, to_step, position FROM edges WHERE map_id = ?1 ORDER BY position")?;
    let mut edge_positions = Vec::new();
    let mut rows = stmt.query([id.0])?;
    while let Some(row) = rows.next()? {
        let mut c = Cells {
            row,
            prefix: format!("edges[{}].", map.edges.len()),
            notes: &mut notes,
        };
        let edge = Edge {
            from: c.text(0, "from"),
            to: c.text(1, "to"),
        };
        edge_positions.push(c.integer(2, "position"));
        map.edges.push(edge);
    }
    map.picks = load_picks(conn, id, &mut notes)?;
    Ok(Stored {
        map,
        positions: Positions {
            steps: step_positions,
            edges: edge_positions,
        },
        notes,
    })
}

const STATES: [(&str, PickState); 3] = [
    ("active", PickState::Active),
    ("done", PickState::Done),
    ("dropped", PickState::Dropped),
];
const DIRECTIONS: [(&str, Direction); 2] = [("lower", Direction::Lower), ("higher", Direction::Higher)];
const WEEKDAYS: [(&str, Weekday); 7] = [
    ("Mon", Weekday::Mon),
    ("Tue", Weekday::Tue),
    ("Wed", Weekday::Wed),
    ("Thu", Weekday::Thu),
    ("Fri", Weekday::Fri),
    ("Sat", Weekday::Sat),
    ("Sun", Weekday::Sun),
];

/// The stored key of each pick state, metric direction and review day.
fn key_of<'k, T: PartialEq + Copy>(choices: &[(&'k str, T)], value: T) -> &'k str {
    choices.iter().find(|(_, v)| *v == value).map_or("", |(k, _)| k)
}

pub(super) fn state_key(state: PickState) -> &'static str {
    key_of(&STATES, state)
}

pub(super) fn direction_key(direction: Direction) -> &'static str {
    key_of(&DIRECTIONS, direction)
}

pub(super) fn weekday_key(day: Weekday) -> &'static str {
    key_of(&WEEKDAYS, day)
}

/// One pick row, read in [`PICK_COLUMNS`] order.
fn read_pick(c: &mut Cells<'_, '_>) -> Pick {
    let rank = c.integer(6, "baseline.rank");
    let figures = std::array::from_fn(|i| c.number(7 + i, &format!("baseline.{}", Baseline::FIGURES[i])));
    let baseline = Baseline::from_figures(usize::try_from(rank).unwrap_or(0), figures);
    Pick {
        id: c.text(0, "id"),
        lane: c.text(1, "lane"),
        picked_on: c.date(2, "picked_on"),
        state: c
            .choice(3, "state", &STATES, PickState::Dropped)
            .unwrap_or(PickState::Dropped),
        closed_on: c.opt_date(4, "closed_on"),
        close_reason: c.text(5, "close_reason"),
        baseline,
        owner_at_close: c.text(16, "owner"),
        metric: Metric {
            name: c.text(17, "metric.name"),
            unit: c.text(18, "metric.unit"),
            direction: c.choice(19, "metric.direction", &DIRECTIONS, Direction::Lower),
            baseline_value: c.opt_number(20, "metric.baseline_value"),
            baseline_date: c.opt_date(21, "metric.baseline_date"),
            target_value: c.opt_number(22, "metric.target_value"),
            target_date: c.date(23, "metric.target_date"),
        },
        exception_policy: c.text(24, "exception_policy"),
        exception_reviewer: c.text(25, "exception_reviewer"),
        review_day: c.choice(26, "review_day", &WEEKDAYS, Weekday::Mon),
        reviews: Vec::new(),
    }
}

fn load_picks(conn: &Connection, id: MapId, notes: &mut Vec<Problem>) -> Result<Vec<Pick>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PICK_COLUMNS} FROM picks WHERE map_id = ?1 ORDER BY position"
    ))?;
    let mut picks = Vec::new();
    let mut rows = stmt.query([id.0])?;
    while let Some(row) = rows.next()? {
        let mut c = Cells {
            row,
            prefix: format!("picks[{}].", picks.len()),
            notes,
        };
        picks.push(read_pick(&mut c));
    }

    let mut stmt = conn.prepare_cached(
        "SELECT pick_id, date, value, note FROM reviews WHERE map_id = ?1 ORDER BY pick_id, position",
    )?;
    let mut rows = stmt.query([id.0])?;
    let mut orphans: Vec<(String, usize)> = Vec::new();
    while let Some(row) = rows.next()? {
        let mut c = Cells {
            row,
            prefix: String::new(),
            notes,
        };
        let pick_id = c.text(0, "reviews.pick_id");
        let Some(i) = picks.iter().position(|p| p.id == pick_id) else {
            match orphans.iter_mut().find(|(p, _)| *p == pick_id) {
                Some((_, n)) => *n += 1,
                None => orphans.push((pick_id, 1)),
            }
            continue;
        };
        c.prefix = format!("picks[{i}].reviews[{}].", picks[i].reviews.len());
        let review = Review {
            date: c.date(1, "date"),
            value: c.number(2, "value"),
            note: c.text(3, "note"),
        };
        picks[i].reviews.push(review);
    }
    for (pick_id, n) in orphans {
        notes.push(Problem {
            path: "reviews".to_owned(),
            message: format!(
                "{n} review entr{} of pick {:?}, which the map no longer has, cannot be shown; \
                 the next save of the map removes them (backups keep them)",
                if n == 1 { "y" } else { "ies" },
                shown(&pick_id)
            ),
        });
    }
    Ok(picks)
}
