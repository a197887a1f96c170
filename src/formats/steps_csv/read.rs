//! Reading a steps CSV into rows, before any map is involved: the bytes as
//! UTF-8 text, the separator, the header's columns, the decimal comma, and
//! each row checked on its own (names, values, estimates, notes, repeats).
//! A row that fails is rejected with its line and reason; a file that
//! cannot be read as a whole is refused.

use std::borrow::Cow;

// User-given names are keys: the standard library's keyed hasher keeps a
// file of colliding names from making every lookup slow.
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::number::{Decimal, looks_like_decimal_comma, parse_number};
use super::records::{Record, Records, Unclosed};
use super::{BOM, MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS, StepsCsvError, StepsReport, quoted};
use crate::domain::model::{Attr, Estimates, Step};
use crate::domain::validate::{
    MAX_NOTES_CHARS, check_controls, check_max_chars, check_name, check_value, escape_controls,
};
use crate::formats::input_file::wide_text;
use crate::formats::ranking_csv::guard_formula;

/// A steps CSV read into rows that passed every check a row can pass on
/// its own; [`StepsFile::into_new_map`] and [`StepsFile::update`] make a
/// map of them.
pub struct StepsFile {
    /// The file's name as messages show it.
    pub(super) source_name: String,
    /// Which columns the file has: an update changes only those.
    pub(super) present: Present,
    /// The rows, as steps without id, lane or place, in file order.
    pub(super) steps: Vec<Step>,
    /// Each row's line.
    pub(super) lines: Vec<u64>,
    /// Each row's lane, as an index into `lanes`.
    pub(super) lane_of: Vec<u32>,
    /// The lane names, in the order rows first name them.
    pub(super) lanes: Vec<String>,
    /// What reading found: rejected rows and facts about the file.
    pub(super) report: StepsReport,
}

/// Which value, estimate and notes columns a file has.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Present {
    pub values: [bool; 4],
    pub low: [bool; 4],
    pub high: [bool; 4],
    pub notes: bool,
}

/// Which column holds what.
#[derive(Default)]
struct Columns {
    lane: usize,
    step: usize,
    values: [Option<usize>; 4],
    low: [Option<usize>; 4],
    high: [Option<usize>; 4],
    notes: Option<usize>,
}

impl Columns {
    fn present(&self) -> Present {
        Present {
            values: self.values.map(|c| c.is_some()),
            low: self.low.map(|c| c.is_some()),
            high: self.high.map(|c| c.is_some()),
            notes: self.notes.is_some(),
        }
    }

    fn numeric(&self) -> impl Iterator<Item = usize> + '_ {
        self.values.iter().chain(&self.low).chain(&self.high).flatten().copied()
    }
}

/// Reads a steps CSV. `source_name` names it in messages.
pub fn parse(bytes: &[u8], source_name: &str) -> Result<StepsFile, StepsCsvError> {
    let source = Source(escape_controls(source_name).into_owned());
    let text = decode(bytes, &source)?;
    let delimiter = delimiter(text, &source)?;
    let mut records = Records::new(text, delimiter);
    let (header, header_cells) = read_header(&mut records, &source)?;
    let mut report = StepsReport::default();
    let cols = columns(&header_cells, header.line, &mut report).map_err(|m| source.at(header.line, m))?;
    let width = header_cells.len();
    let scan = scan(records.clone(), &cols, width, &source)?;
    if scan.rows == 0 {
        return Err(source.refused(format!(
            "the file has a header (line {}) but no rows under it",
            header.line
        )));
    }
    let decimal = if delimiter == b';' || scan.comma_cells {
        Decimal::Comma
    } else {
        Decimal::Point
    };
    if delimiter == b';' {
        report.notes.push("Semicolon-separated file".to_owned());
    }
    if decimal == Decimal::Comma {
        report.notes.push("Numbers read with a decimal comma".to_owned());
    }
    let file = read_rows(records, &cols, width, decimal, scan.rows, report, &source)?;
    if file.steps.is_empty() {
        let reasons: Vec<String> = file.report.lines().into_iter().skip(1).collect();
        return Err(source.refused(format!("no row could be imported\n{}", reasons.join("\n"))));
    }
    Ok(file)
}

/// The file's name as messages show it, and the errors that start with it.
struct Source(String);

impl Source {
    fn refused(&self, message: String) -> StepsCsvError {
        StepsCsvError::File {
            source_name: self.0.clone(),
            message,
        }
    }

    fn at(&self, line: u64, message: String) -> StepsCsvError {
        StepsCsvError::At {
            source_name: self.0.clone(),
            line,
            message,
        }
    }

    fn unclosed(&self, unclosed: Unclosed) -> StepsCsvError {
        self.at(
            unclosed.line,
            "a quoted cell starts here and no closing quote (\") ends it, so the rest of the file would be one cell"
                .to_owned(),
        )
    }
}

/// The separator: a semicolon when the first line that is not blank has
/// more of them than commas. That line must be text.
fn delimiter(text: &str, source: &Source) -> Result<u8, StepsCsvError> {
    let first_line = (text.split(['\n', '\r']))
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    if let Some(offset) = first_line.find('\0') {
        return Err(source.refused(format!(
            "the header line holds a NUL byte (its byte {}): a steps CSV is text, and this looks like UTF-16 \
             or a binary file; save it from the spreadsheet as \"CSV UTF-8\"",
            offset + 1
        )));
    }
    Ok(if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    })
}

/// The first record that is not blank, and its cells.
fn read_header<'a>(records: &mut Records<'a>, source: &Source) -> Result<(Record, Vec<Cow<'a, str>>), StepsCsvError> {
    let mut cells = Vec::new();
    let header = loop {
        match records.next_into(&mut cells, MAX_COLUMNS) {
            None => return Err(source.refused("the file is empty".to_owned())),
            Some(Err(u)) => return Err(source.unclosed(u)),
            Some(Ok(r)) if r.blank => continue,
            Some(Ok(r)) => break r,
        }
    };
    if header.cells > MAX_COLUMNS {
        return Err(source.at(
            header.line,
            format!(
                "the header has {} columns, above the {MAX_COLUMNS} a steps CSV may have",
                header.cells
            ),
        ));
    }
    Ok((header, cells))
}

/// What a first pass over the rows finds.
struct Scan {
    /// Rows that are not blank.
    rows: usize,
    /// Whether a number cell is written with a decimal comma.
    comma_cells: bool,
}

/// Counts the rows (refusing more than [`MAX_ROWS`]), finds a quote never
/// closed, and looks for decimal commas, before any row is read.
fn scan(mut records: Records, cols: &Columns, width: usize, source: &Source) -> Result<Scan, StepsCsvError> {
    let mut cells = Vec::new();
    let mut scan = Scan {
        rows: 0,
        comma_cells: false,
    };
    while let Some(record) = records.next_into(&mut cells, width) {
        let record = record.map_err(|u| source.unclosed(u))?;
        if record.blank {
            continue;
        }
        scan.rows += 1;
        if scan.rows > MAX_ROWS {
            return Err(source.at(
                record.line,
                format!("the file has more than {MAX_ROWS} rows, the most one file may add to a map; split it"),
            ));
        }
        scan.comma_cells = scan.comma_cells
            || cols
                .numeric()
                .any(|c| cells.get(c).is_some_and(|t| looks_like_decimal_comma(t)));
    }
    Ok(scan)
}

/// Reads every row: a row that fails a check, or repeats the lane and step
/// of an earlier one, is rejected with its line and reason.
fn read_rows(
    mut records: Records,
    cols: &Columns,
    width: usize,
    decimal: Decimal,
    rows: usize,
    report: StepsReport,
    source: &Source,
) -> Result<StepsFile, StepsCsvError> {
    let mut file = StepsFile {
        source_name: source.0.clone(),
        present: cols.present(),
        steps: Vec::with_capacity(rows),
        lines: Vec::with_capacity(rows),
        lane_of: Vec::with_capacity(rows),
        lanes: Vec::new(),
        report,
    };
    let mut cells = Vec::new();
    let mut lane_numbers: HashMap<Cow<str>, u32> = HashMap::new();
    let mut first_line_of: HashMap<(u32, Cow<str>), u64> = HashMap::with_capacity(rows);
    while let Some(record) = records.next_into(&mut cells, width) {
        let record = record.map_err(|u| source.unclosed(u))?;
        if record.blank {
            continue;
        }
        let line = record.line;
        let row = if record.cells == width {
            read_row(&cells, cols, decimal)
        } else {
            Err(format!("has {} cells, the header has {width}", record.cells))
        };
        let (lane, step_name, step) = match row {
            Ok(row) => row,
            Err(reason) => {
                file.report.rejected.push_with(|| (line, reason));
                continue;
            }
        };
        let lane_number = match lane_numbers.get(&lane) {
            Some(&n) => n,
            None => {
                let n = file.lanes.len() as u32;
                file.lanes.push(lane.to_string());
                lane_numbers.insert(lane.clone(), n);
                n
            }
        };
        match first_line_of.entry((lane_number, step_name)) {
            Entry::Occupied(first) => {
                let first = *first.get();
                let reason = || {
                    let (lane, step) = (quoted(&lane), quoted(&step.name));
                    format!("lane {lane} step {step} is already on line {first}")
                };
                file.report.rejected.push_with(|| (line, reason()));
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
                file.steps.push(step);
                file.lines.push(line);
                file.lane_of.push(lane_number);
            }
        }
    }
    Ok(file)
}

/// The bytes as text: UTF-8 with or without its byte-order mark, with
/// UTF-16/32 named as such.
fn decode<'a>(bytes: &'a [u8], source: &Source) -> Result<&'a str, StepsCsvError> {
    let refused = |message: String| source.refused(message);
    if bytes.len() as u64 > MAX_CSV_BYTES {
        return Err(refused(format!(
            "the file is {} bytes, above the {} MB limit",
            bytes.len(),
            MAX_CSV_BYTES / 1024 / 1024
        )));
    }
    if let Some(wide) = wide_text(bytes) {
        return Err(refused(format!(
            "{wide}; a steps CSV is read as UTF-8: save it from the spreadsheet as \"CSV UTF-8\""
        )));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1) + 1;
        refused(format!(
            "not UTF-8 text (invalid byte 0x{:02X} at offset {offset}, line {line} column {column}); \
             save it from the spreadsheet as \"CSV UTF-8\"",
            bytes.get(offset).copied().unwrap_or_default(),
        ))
    })?;
    if text.trim().is_empty() {
        return Err(refused("the file is empty".to_owned()));
    }
    Ok(text)
}

fn columns(header: &[Cow<str>], line: u64, report: &mut StepsReport) -> Result<Columns, String> {
    let mut cols = Columns::default();
    let (mut lane, mut step) = (None, None);
    let mut ignored = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        let name = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        let attr_of = |key: &str| Attr::ALL.iter().position(|a| a.key() == key);
        match name.as_str() {
            "lane" => lane = Some(i),
            "step" => step = Some(i),
            "notes" => cols.notes = Some(i),
            n => {
                if let Some(a) = attr_of(n) {
                    cols.values[a] = Some(i);
                } else if let Some(a) = n.strip_suffix("_low").and_then(attr_of) {
                    cols.low[a] = Some(i);
                } else if let Some(a) = n.strip_suffix("_high").and_then(attr_of) {
                    cols.high[a] = Some(i);
                } else if !n.is_empty() {
                    ignored.push(cell.trim());
                }
            }
        }
    }
    let (Some(lane), Some(step)) = (lane, step) else {
        return Err(format!(
            "the header needs a \"lane\" and a \"step\" column (found: {}); the expected header is {}",
            listed(header.iter().map(|c| c.as_ref())),
            super::header().join(",")
        ));
    };
    cols.lane = lane;
    cols.step = step;
    if !ignored.is_empty() {
        report.notes.push(format!(
            "Columns not known and ignored (line {line}): {}",
            listed(ignored.into_iter())
        ));
    }
    Ok(cols)
}

/// The first few cells, quoted, and how many more there are.
fn listed<'a>(cells: impl ExactSizeIterator<Item = &'a str>) -> String {
    const SHOWN: usize = 10;
    let total = cells.len();
    let mut out: Vec<String> = cells.take(SHOWN).map(quoted).collect();
    if total > SHOWN {
        out.push(format!("and {} more", total - SHOWN));
    }
    out.join(", ")
}

/// Undoes the export's formula guard (`'=x` reads as `=x`), and trims.
fn unguard(text: &str) -> &str {
    let t = text.trim();
    match t.strip_prefix('\'') {
        Some(rest) if guard_formula(rest) == t => rest,
        _ => t,
    }
}

/// A cell as text, borrowed where the record borrows it.
fn unguarded<'a>(cell: &Cow<'a, str>) -> Cow<'a, str> {
    match cell {
        Cow::Borrowed(text) => Cow::Borrowed(unguard(text)),
        Cow::Owned(text) => Cow::Owned(unguard(text).to_owned()),
    }
}

/// Checks a lane or step name from a cell.
fn check_row_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    check_name(name).map_err(|m| format!("the {what} name {m}"))
}

/// Reads one row of the header's width: its lane and step names, and the
/// step it describes (values of absent columns left at zero).
fn read_row<'a>(
    cells: &[Cow<'a, str>],
    cols: &Columns,
    decimal: Decimal,
) -> Result<(Cow<'a, str>, Cow<'a, str>, Step), String> {
    let cell = |i: usize| cells.get(i).map_or("", |c| c.as_ref());
    let name_in = |i: usize| cells.get(i).map_or(Cow::Borrowed(""), unguarded);
    let lane = name_in(cols.lane);
    let step_name = name_in(cols.step);
    check_row_name("lane", &lane)?;
    check_row_name("step", &step_name)?;
    let read = |col: Option<usize>, attr: Attr, suffix: &str| -> Result<Option<f64>, String> {
        let Some(c) = col else { return Ok(None) };
        let text = cell(c).trim();
        if text.is_empty() {
            return Ok(None);
        }
        let v = parse_number(text, decimal, attr == Attr::ReworkRate)
            .map_err(|m| format!("{}{suffix}: {m}", attr.key()))?;
        check_value(attr, v).map_err(|m| format!("{}{suffix}: {m}", attr.key()))?;
        Ok(Some(v))
    };
    let mut step = Step::new(String::new(), "", step_name.to_string());
    let mut low = Estimates::default();
    let mut high = Estimates::default();
    for (i, attr) in Attr::ALL.into_iter().enumerate() {
        // An empty cell in a present column is zero.
        let value = read(cols.values[i], attr, "")?.unwrap_or(0.0);
        step.set_value(attr, value);
        low.set(attr, read(cols.low[i], attr, "_low")?);
        high.set(attr, read(cols.high[i], attr, "_high")?);
        if let Some(l) = low.get(attr)
            && l > value
        {
            return Err(format!("{}_low: {l} is above the value {value}", attr.key()));
        }
        if let Some(h) = high.get(attr)
            && h < value
        {
            return Err(format!("{}_high: {h} is below the value {value}", attr.key()));
        }
    }
    step.low = low;
    step.high = high;
    if let Some(c) = cols.notes {
        let notes = unguard(cell(c));
        check_max_chars(notes, MAX_NOTES_CHARS)
            .and_then(|()| check_controls(notes))
            .map_err(|m| format!("notes: {m}"))?;
        step.notes = notes.to_owned();
    }
    Ok((lane, step_name, step))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_mac_line_ends_and_a_late_nul_are_read_by_line() {
        let text = "lane;step;volume_per_month\rA;B;2,5\rA;C\u{0};1\r";
        let file = parse(text.as_bytes(), "cr.csv").unwrap();
        assert_eq!((file.lines.as_slice(), file.steps[0].volume_per_month), (&[2][..], 2.5));
        assert_eq!(
            file.report.rejected.first,
            vec![(
                3,
                "the step name contains the control character U+0000 at character 2".to_owned()
            )]
        );
    }

    #[test]
    fn unguard_reverses_the_formula_guard_only() {
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'quoted"), "'quoted");
        assert_eq!(unguard(" plain "), "plain");
    }
}
