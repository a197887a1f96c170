//! The steps CSV, for spreadsheet users: one row per step with its lane,
//! name, four values, low/high estimates and notes; and reading such a file
//! back as a new map or as an update of a map that matches rows by lane and
//! step name. Excel's UTF-8 BOM, semicolon-separated files and decimal
//! commas are detected. Every row is reported: added, changed, unchanged or
//! rejected with its line number and the reason.
//!
//! `export` writes the file; `records` splits text into CSV records;
//! `read` turns records into checked rows (`StepsFile`), with `number` for
//! the numbers; `apply` makes a new map of the rows or updates a map with
//! them, in time linear in the rows and the map.

mod apply;
mod export;
mod number;
mod read;
mod records;

use std::path::Path;

pub use apply::update_edit;
pub use export::{header, steps_csv};
pub use read::{StepsFile, parse};

use crate::domain::model::Map;
use crate::domain::validate::Problems;
use crate::formats::input_file::{FileError, read_input};

/// The largest steps CSV accepted, in bytes.
pub const MAX_CSV_BYTES: u64 = 50 * 1024 * 1024;
/// The most rows one file may hold: a map of a million steps is what the
/// app is built and measured for, and a dense CSV of 50 MB could otherwise
/// describe ten million.
pub const MAX_ROWS: usize = 1_000_000;
/// The most columns a header may have (as many as a spreadsheet has).
pub const MAX_COLUMNS: usize = 16_384;
/// How many rows of each kind a report lists line by line; the rest are
/// counted.
pub const MAX_LISTED: usize = 100;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why a whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum StepsCsvError {
    #[error(transparent)]
    Read(#[from] FileError),
    #[error("{source_name}: {message}")]
    File { source_name: String, message: String },
    #[error("{source_name}: line {line}: {message}")]
    At {
        source_name: String,
        line: u64,
        message: String,
    },
    #[error("{source_name}: the map it makes would not be valid:\n{problems}")]
    Invalid { source_name: String, problems: Problems },
}

/// Rows of one kind: how many, and the first [`MAX_LISTED`] of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed<T> {
    pub count: usize,
    pub first: Vec<T>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            count: 0,
            first: Vec::new(),
        }
    }
}

impl<T> Listed<T> {
    /// Counts one more, and lists it (made by `item`) if there is room.
    pub fn push_with(&mut self, item: impl FnOnce() -> T) {
        self.count += 1;
        if self.first.len() < MAX_LISTED {
            self.first.push(item());
        }
    }
}

/// What happened to each row of an imported file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepsReport {
    /// `(line, lane, step)` of rows that added a step.
    pub added: Listed<(u64, String, String)>,
    /// `(line, lane, step)` of rows that changed a step.
    pub changed: Listed<(u64, String, String)>,
    /// Rows that matched a step and changed nothing.
    pub unchanged: usize,
    /// `(line, reason)` of rows left out.
    pub rejected: Listed<(u64, String)>,
    /// Lanes the import added.
    pub lanes_added: usize,
    /// Steps of the map that no row named (left as they were).
    pub untouched: usize,
    /// Facts about the file: separator, decimal comma, ignored columns.
    pub notes: Vec<String>,
}

impl StepsReport {
    /// Whether the import leaves the map as it was.
    pub fn changes_nothing(&self) -> bool {
        self.added.count == 0 && self.changed.count == 0
    }

    /// The report as short lines for people. Names are quoted with their
    /// control characters escaped, so no line can carry a terminal escape.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} row(s) added, {} changed, {} unchanged, {} rejected",
            self.added.count, self.changed.count, self.unchanged, self.rejected.count
        )];
        if self.lanes_added > 0 {
            out.push(format!("{} new lane(s)", self.lanes_added));
        }
        if self.untouched > 0 {
            out.push(format!(
                "{} step(s) of the map were not in the file and were left as they were",
                self.untouched
            ));
        }
        out.extend(self.notes.iter().cloned());
        for (what, rows) in [("added", &self.added), ("changed", &self.changed)] {
            for (line, lane, step) in &rows.first {
                out.push(format!("line {line}: {what} {} / {}", quoted(lane), quoted(step)));
            }
            out.extend(more(rows, what));
        }
        for (line, reason) in &self.rejected.first {
            out.push(format!("line {line}: rejected: {reason}"));
        }
        out.extend(more(&self.rejected, "rejected"));
        out
    }
}

/// The line that says how many rows of a kind are not listed.
fn more<T>(rows: &Listed<T>, what: &str) -> Option<String> {
    (rows.count > rows.first.len()).then(|| {
        format!(
            "…and {} more {what} row(s), not listed (only the first {MAX_LISTED} of each kind are)",
            rows.count - rows.first.len()
        )
    })
}

/// A cell or name as a message shows it: in quotes, with control
/// characters and noncharacters escaped (`"a\u{1b}b"`), and cut after 60
/// characters with the full length said.
pub(crate) fn quoted(text: &str) -> String {
    const SHOWN: usize = 60;
    match text.char_indices().nth(SHOWN) {
        None => format!("{text:?}"),
        Some((end, _)) => format!("{:?}… ({} characters)", &text[..end], text.chars().count()),
    }
}

/// Reads a steps CSV file the user handed in: a regular file of at most
/// [`MAX_CSV_BYTES`] (see `input_file`).
pub fn read_file(path: &Path) -> Result<Vec<u8>, StepsCsvError> {
    Ok(read_input(path, MAX_CSV_BYTES)?)
}

/// Reads a steps CSV as a new map named `name` (cleaned: see
/// [`StepsFile::into_new_map`]).
pub fn import_new(bytes: &[u8], source_name: &str, name: &str) -> Result<(Map, StepsReport), StepsCsvError> {
    parse(bytes, source_name)?.into_new_map(name)
}

/// Reads a steps CSV as an update of `map` (see [`StepsFile::update`]).
pub fn import_update(bytes: &[u8], source_name: &str, map: &Map) -> Result<(Map, StepsReport), StepsCsvError> {
    parse(bytes, source_name)?.update(map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Lane, Step};

    #[test]
    fn quoted_escapes_and_cuts() {
        assert_eq!(quoted("plain"), "\"plain\"");
        assert_eq!(quoted("a\u{1b}[31m\u{fffe}\"b"), "\"a\\u{1b}[31m\\u{fffe}\\\"b\"");
        let long = quoted(&"é".repeat(1 << 20));
        assert!(
            long.ends_with("\"… (1048576 characters)") && long.chars().count() < 100,
            "{long}"
        );
    }

    #[test]
    fn a_report_lists_the_first_rows_of_each_kind_and_counts_the_rest() {
        let mut report = StepsReport::default();
        for line in 0..250 {
            report.rejected.push_with(|| (line, "bad".to_owned()));
        }
        let lines = report.lines();
        assert_eq!(report.rejected.count, 250);
        assert_eq!(lines.len(), 1 + MAX_LISTED + 1);
        assert_eq!(lines[0], "0 row(s) added, 0 changed, 0 unchanged, 250 rejected");
        assert!(lines[MAX_LISTED + 1].starts_with("…and 150 more rejected row(s)"));
    }

    #[test]
    fn update_edit_holds_new_lanes_steps_and_changes() {
        let mut before = Map::new("m");
        before.lanes.push(Lane::new("a", "A"));
        before.steps.push(Step::new("s1", "a", "One"));
        let csv = "lane,step,volume_per_month\nA,One,10\nB,Two,5\n";
        let (after, report) = import_update(csv.as_bytes(), "t.csv", &before).unwrap();
        assert_eq!(
            (report.added.count, report.changed.count, report.lanes_added),
            (1, 1, 1)
        );
        let mut applied = before.clone();
        crate::document::edit::apply(&mut applied, update_edit(&before, &after)).unwrap();
        assert_eq!(applied, after);
    }
}
