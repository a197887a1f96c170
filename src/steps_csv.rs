//! The steps CSV, for spreadsheet users: one row per step with its lane,
//! name, four values, low/high estimates and notes; and reading such a file
//! back as a new map or as an update of a map that matches rows by lane and
//! step name. Excel's UTF-8 BOM, semicolon-separated files and decimal
//! commas are detected. Every row is reported: added, changed, unchanged or
//! rejected with its line number and the reason.

use std::collections::HashMap;

use crate::edit::{Edit, RemovedLane};
use crate::model::{Attr, Estimates, Lane, Map, Step};
use crate::ranking_csv::guard_formula;
use crate::theme::CARD_W;
use crate::validate::{MAX_NAME_CHARS, MAX_NOTES_CHARS, check_value};

/// The largest steps CSV accepted, in bytes.
pub const MAX_CSV_BYTES: usize = 50 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The header of an exported file.
pub fn header() -> Vec<String> {
    let mut h = vec!["lane".to_owned(), "step".to_owned()];
    h.extend(Attr::ALL.iter().map(|a| a.key().to_owned()));
    for a in Attr::ALL {
        h.push(format!("{}_low", a.key()));
        h.push(format!("{}_high", a.key()));
    }
    h.push("notes".to_owned());
    h
}

fn number(v: f64) -> String {
    // Shortest text that reads back as the same f64.
    format!("{v}")
}

/// Every step of the map as CSV bytes, in lane order (CRLF line ends; with
/// `with_bom` the UTF-8 byte-order mark Excel needs).
pub fn steps_csv(map: &Map, with_bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if with_bom {
        out.extend_from_slice(BOM);
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let _ = writer.write_record(header());
    for lane in &map.lanes {
        for step in map.steps.iter().filter(|s| s.lane == lane.id) {
            let mut row = vec![guard_formula(&lane.name), guard_formula(&step.name)];
            row.extend(Attr::ALL.iter().map(|&a| number(step.value(a))));
            for a in Attr::ALL {
                row.push(step.low.get(a).map(number).unwrap_or_default());
                row.push(step.high.get(a).map(number).unwrap_or_default());
            }
            row.push(guard_formula(&step.notes));
            let _ = writer.write_record(row);
        }
    }
    writer.into_inner().unwrap_or_default()
}

/// Why a whole file was refused (no row could be read).
#[derive(Debug, thiserror::Error)]
pub enum StepsCsvError {
    #[error("{source_name}: {message}")]
    File { source_name: String, message: String },
    #[error("{source_name}: line {line}: {message}")]
    At {
        source_name: String,
        line: u64,
        message: String,
    },
}

/// What happened to each row of an imported file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StepsReport {
    /// `(line, lane, step)` of rows that added a step.
    pub added: Vec<(u64, String, String)>,
    /// `(line, lane, step)` of rows that changed a step.
    pub changed: Vec<(u64, String, String)>,
    /// Rows that matched a step and changed nothing.
    pub unchanged: usize,
    /// `(line, reason)` of rows left out.
    pub rejected: Vec<(u64, String)>,
    /// Lanes the import added.
    pub lanes_added: usize,
    /// Steps of the map that no row named (left as they were).
    pub untouched: usize,
    /// Facts about the file: separator, decimal comma, ignored columns.
    pub notes: Vec<String>,
}

impl StepsReport {
    /// The report as short lines for people.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} row(s) added, {} changed, {} unchanged, {} rejected",
            self.added.len(),
            self.changed.len(),
            self.unchanged,
            self.rejected.len()
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
        for (line, lane, step) in &self.added {
            out.push(format!("line {line}: added {lane} / {step}"));
        }
        for (line, lane, step) in &self.changed {
            out.push(format!("line {line}: changed {lane} / {step}"));
        }
        for (line, reason) in &self.rejected {
            out.push(format!("line {line}: rejected: {reason}"));
        }
        out
    }
}

/// One readable row.
#[derive(Clone, Debug)]
struct Row {
    line: u64,
    lane: String,
    step: String,
    /// `None` where the file has no such column.
    values: [Option<f64>; 4],
    low: Estimates,
    high: Estimates,
    /// Which low/high columns the file has; others are left as they were.
    has_low: [bool; 4],
    has_high: [bool; 4],
    notes: Option<String>,
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

/// How numbers are written in the file.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Decimal {
    Point,
    Comma,
}

/// Reads a number as a spreadsheet may write it: `1234.5`, `1 234,5`,
/// `1.234,5`, `1,234.5`; with `percent_ok`, `12%` is 0.12.
fn parse_number(text: &str, decimal: Decimal, percent_ok: bool) -> Result<f64, String> {
    let raw = text.trim();
    let (body, percent) = match raw.strip_suffix('%') {
        Some(b) if percent_ok => (b.trim(), true),
        _ => (raw, false),
    };
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
        // 1,234 or 1,234,567 in a comma-decimal-free file: thousands.
        let groups: Vec<&str> = s.split(',').collect();
        if groups[1..].iter().all(|g| g.len() == 3) && commas > 1 || decimal == Decimal::Point {
            s = s.replace(',', "");
        } else {
            s = s.replace(',', ".");
        }
    } else if decimal == Decimal::Comma && (points > 1 || s.split('.').nth(1).is_some_and(|g| g.len() == 3)) {
        // 1.234.567 or 1.250 beside decimal commas: thousands.
        s = s.replace('.', "");
    }
    let v: f64 = s.parse().map_err(|_| format!("{raw:?} is not a number"))?;
    if !v.is_finite() {
        return Err(format!("{raw:?} is not a finite number"));
    }
    Ok(if percent { v / 100.0 } else { v })
}

/// Undoes the export's formula guard: `'=x` reads as `=x`.
fn unguard(text: &str) -> String {
    let t = text.trim();
    match t.strip_prefix('\'') {
        Some(rest) if guard_formula(rest) == t => rest.to_owned(),
        _ => t.to_owned(),
    }
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Parses a steps CSV into rows and rejections.
fn read_rows(bytes: &[u8], source_name: &str, report: &mut StepsReport) -> Result<Vec<Row>, StepsCsvError> {
    let file_error = |message: String| StepsCsvError::File {
        source_name: source_name.to_owned(),
        message,
    };
    if bytes.len() > MAX_CSV_BYTES {
        return Err(file_error(format!(
            "the file is {} bytes, above the {} MB limit",
            bytes.len(),
            MAX_CSV_BYTES / 1024 / 1024
        )));
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        file_error(format!(
            "not UTF-8 text (invalid byte at offset {}); save it from the spreadsheet as \"CSV UTF-8\"",
            e.valid_up_to()
        ))
    })?;
    // The csv crate counts CRLF line ends oddly in record positions, and
    // line numbers must match what a text editor shows.
    let text = text.replace("\r\n", "\n");
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    if first_line.is_empty() {
        return Err(file_error("the file is empty".to_owned()));
    }
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            Some(Ok(r)) if r.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(r)) => break r,
            Some(Err(e)) => return Err(file_error(format!("cannot read the header: {e}"))),
            None => return Err(file_error("the file is empty".to_owned())),
        }
    };
    let header_line = header.position().map_or(1, |p| p.line());
    let cols = columns(&header, source_name, header_line, report)?;
    let width = header.len();

    // A decimal comma is taken when the file is semicolon-separated, or a
    // number cell holds a single comma and no point.
    let all: Vec<Result<csv::StringRecord, csv::Error>> = records.collect();
    let numeric_cols: Vec<usize> = cols
        .values
        .iter()
        .chain(&cols.low)
        .chain(&cols.high)
        .flatten()
        .copied()
        .collect();
    let comma_cells = all
        .iter()
        .flatten()
        .flat_map(|r| numeric_cols.iter().filter_map(|&c| r.get(c)))
        .any(|cell| {
            let t = cell.trim();
            t.matches(',').count() == 1 && !t.contains('.') && t.split(',').nth(1).is_some_and(|d| d.len() != 3)
        });
    let decimal = if delimiter == b';' || comma_cells {
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

    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for record in all {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                report.rejected.push((line, format!("cannot be read: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match read_row(&record, &cols, width, decimal, line) {
            Ok(row) => {
                let key = (row.lane.clone(), row.step.clone());
                if let Some(first) = seen.get(&key) {
                    report.rejected.push((
                        line,
                        format!("lane {:?} step {:?} is already on line {first}", row.lane, row.step),
                    ));
                    continue;
                }
                seen.insert(key, line);
                rows.push(row);
            }
            Err(reason) => report.rejected.push((line, reason)),
        }
    }
    Ok(rows)
}

fn columns(
    header: &csv::StringRecord,
    source_name: &str,
    line: u64,
    report: &mut StepsReport,
) -> Result<Columns, StepsCsvError> {
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
                    ignored.push(cell.trim().to_owned());
                }
            }
        }
    }
    let (Some(lane), Some(step)) = (lane, step) else {
        return Err(StepsCsvError::At {
            source_name: source_name.to_owned(),
            line,
            message: format!(
                "the header needs a \"lane\" and a \"step\" column (found: {}); the expected header is {}",
                header.iter().collect::<Vec<_>>().join(", "),
                header_text()
            ),
        });
    };
    cols.lane = lane;
    cols.step = step;
    if !ignored.is_empty() {
        report
            .notes
            .push(format!("Columns not known and ignored: {}", ignored.join(", ")));
    }
    Ok(cols)
}

fn header_text() -> String {
    header().join(",")
}

fn read_row(
    record: &csv::StringRecord,
    cols: &Columns,
    width: usize,
    decimal: Decimal,
    line: u64,
) -> Result<Row, String> {
    if record.len() != width {
        return Err(format!("has {} cells, the header has {width}", record.len()));
    }
    let cell = |i: usize| record.get(i).unwrap_or_default();
    let lane = unguard(cell(cols.lane));
    let step = unguard(cell(cols.step));
    if lane.is_empty() {
        return Err("the lane is empty".to_owned());
    }
    if step.is_empty() {
        return Err("the step is empty".to_owned());
    }
    for (what, text) in [("lane", &lane), ("step", &step)] {
        let n = text.chars().count();
        if n > MAX_NAME_CHARS {
            return Err(format!(
                "the {what} name is {n} characters long, above the maximum {MAX_NAME_CHARS}"
            ));
        }
    }
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
    let mut values = [None; 4];
    let mut low = Estimates::default();
    let mut high = Estimates::default();
    for (i, attr) in Attr::ALL.into_iter().enumerate() {
        values[i] = match read(cols.values[i], attr, "")? {
            Some(v) => Some(v),
            // An empty cell in a present column is zero.
            None => cols.values[i].map(|_| 0.0),
        };
        low.set(attr, read(cols.low[i], attr, "_low")?);
        high.set(attr, read(cols.high[i], attr, "_high")?);
        let value = values[i].unwrap_or(0.0);
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
    let notes = cols.notes.map(|c| unguard(cell(c)));
    if let Some(n) = &notes
        && n.chars().count() > MAX_NOTES_CHARS
    {
        return Err(format!("the notes are above the maximum {MAX_NOTES_CHARS} characters"));
    }
    Ok(Row {
        line,
        lane,
        step,
        values,
        low,
        high,
        has_low: cols.low.map(|c| c.is_some()),
        has_high: cols.high.map(|c| c.is_some()),
        notes,
    })
}

/// Where a new step goes in a lane: right of the lane's rightmost card.
fn next_position(map: &Map, lane_id: &str) -> (f32, f32) {
    let right = map
        .steps
        .iter()
        .filter(|s| s.lane == lane_id)
        .map(|s| s.x + CARD_W + 60.0)
        .fold(40.0, f32::max);
    (right, 32.0)
}

fn apply_row(step: &mut Step, row: &Row) {
    for (i, attr) in Attr::ALL.into_iter().enumerate() {
        if let Some(v) = row.values[i] {
            step.set_value(attr, v);
        }
    }
    for (i, attr) in Attr::ALL.into_iter().enumerate() {
        if row.has_low[i] {
            step.low.set(attr, row.low.get(attr));
        }
        if row.has_high[i] {
            step.high.set(attr, row.high.get(attr));
        }
    }
    if let Some(notes) = &row.notes {
        step.notes = notes.clone();
    }
}

/// Reads a steps CSV as a new map named `name`. Rows that cannot be read are
/// rejected and reported; the rest become lanes (in order of first
/// appearance) and steps laid out left to right, without edges.
pub fn import_new(bytes: &[u8], source_name: &str, name: &str) -> Result<(Map, StepsReport), StepsCsvError> {
    let mut report = StepsReport::default();
    let rows = read_rows(bytes, source_name, &mut report)?;
    let mut map = Map::new(cut(name.trim(), MAX_NAME_CHARS));
    if map.name.is_empty() {
        map.name = "Imported steps".to_owned();
    }
    for row in &rows {
        add_row(&mut map, row, &mut report);
    }
    if map.steps.is_empty() {
        let reasons = report.lines().into_iter().skip(1).collect::<Vec<_>>().join("\n");
        return Err(StepsCsvError::File {
            source_name: source_name.to_owned(),
            message: format!("no row could be imported\n{reasons}"),
        });
    }
    Ok((map, report))
}

fn add_row(map: &mut Map, row: &Row, report: &mut StepsReport) {
    let lane_id = match map.lanes.iter().find(|l| l.name == row.lane) {
        Some(l) => l.id.clone(),
        None => {
            let id = map.fresh_id("lane-");
            map.lanes.push(Lane::new(id.clone(), row.lane.clone()));
            report.lanes_added += 1;
            id
        }
    };
    let (x, y) = next_position(map, &lane_id);
    let mut step = Step::new(map.fresh_id("step-"), lane_id, row.step.clone());
    step.x = x;
    step.y = y;
    apply_row(&mut step, row);
    map.steps.push(step);
    report.added.push((row.line, row.lane.clone(), row.step.clone()));
}

/// Reads a steps CSV as an update of `map`: a row whose lane and step names
/// match a step (exactly, else ignoring case) changes it; any other row adds
/// a step, and a lane when none has that name. Returns the updated map.
pub fn import_update(bytes: &[u8], source_name: &str, map: &Map) -> Result<(Map, StepsReport), StepsCsvError> {
    let mut report = StepsReport::default();
    let rows = read_rows(bytes, source_name, &mut report)?;
    let mut out = map.clone();
    let lane_name: HashMap<&str, &str> = map.lanes.iter().map(|l| (l.id.as_str(), l.name.as_str())).collect();
    let mut touched = vec![false; map.steps.len()];
    for row in &rows {
        let find = |exact: bool| {
            map.steps.iter().enumerate().position(|(i, s)| {
                let lane = lane_name.get(s.lane.as_str()).copied().unwrap_or_default();
                !touched[i]
                    && if exact {
                        lane == row.lane && s.name == row.step
                    } else {
                        lane.to_lowercase() == row.lane.to_lowercase()
                            && s.name.to_lowercase() == row.step.to_lowercase()
                    }
            })
        };
        match find(true).or_else(|| find(false)) {
            Some(i) => {
                touched[i] = true;
                let before = out.steps[i].clone();
                if let Some(mut step) = out.steps.get_mut(i) {
                    apply_row(&mut step, row);
                }
                if out.steps[i] == before {
                    report.unchanged += 1;
                } else {
                    report.changed.push((row.line, row.lane.clone(), row.step.clone()));
                }
            }
            None => add_row(&mut out, row, &mut report),
        }
    }
    report.untouched = touched.iter().filter(|t| !**t).count();
    Ok((out, report))
}

/// The one undoable edit that turns `before` into `after`, where `after`
/// came from [`import_update`]: new lanes, new steps and changed steps.
pub fn update_edit(before: &Map, after: &Map) -> Edit {
    let mut edits = Vec::new();
    for (index, lane) in after.lanes.iter().enumerate() {
        if before.lane(&lane.id).is_none() {
            edits.push(Edit::InsertLane(Box::new(RemovedLane {
                index,
                lane: lane.clone(),
                steps: Vec::new(),
                edges: Vec::new(),
                picks: Vec::new(),
            })));
        }
    }
    let changed: Vec<Step> = after
        .steps
        .iter()
        .filter(|s| before.step(&s.id).is_some_and(|b| b != *s))
        .cloned()
        .collect();
    if !changed.is_empty() {
        edits.push(Edit::UpdateSteps(changed));
    }
    let added: Vec<(usize, Step)> = after
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| before.step(&s.id).is_none())
        .map(|(i, s)| (i, s.clone()))
        .collect();
    if !added.is_empty() {
        edits.push(Edit::InsertSteps {
            steps: added,
            edges: Vec::new(),
        });
    }
    Edit::Batch(edits)
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
        assert!(parse_number("12%", Decimal::Point, false).is_err());
        assert!(parse_number("abc", Decimal::Point, true).is_err());
        assert!(parse_number("inf", Decimal::Point, true).is_err());
    }

    #[test]
    fn unguard_reverses_the_formula_guard_only() {
        assert_eq!(unguard("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unguard("'quoted"), "'quoted");
        assert_eq!(unguard("plain"), "plain");
    }

    #[test]
    fn update_edit_holds_new_lanes_steps_and_changes() {
        let mut before = Map::new("m");
        before.lanes.push(Lane::new("a", "A"));
        before.steps.push(Step::new("s1", "a", "One"));
        let csv = "lane,step,volume_per_month\nA,One,10\nB,Two,5\n";
        let (after, report) = import_update(csv.as_bytes(), "t.csv", &before).unwrap();
        assert_eq!(
            (report.added.len(), report.changed.len(), report.lanes_added),
            (1, 1, 1)
        );
        let mut applied = before.clone();
        crate::edit::apply(&mut applied, update_edit(&before, &after)).unwrap();
        assert_eq!(applied, after);
    }
}
