//! Event logs as CSV: one row per event, columns mapped by the user or
//! found by their usual names (`case:concept:name`, `Case ID`; `concept:name`,
//! `Activity`; `time:timestamp`, `Complete Timestamp`…). Comma or semicolon
//! separated (whichever the header uses), a UTF-8 byte-order mark, quoted
//! cells as RFC 4180 writes them. Read as a stream: memory holds one row.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, Read};
use std::rc::Rc;

use crate::domain::validate::escape_controls;
use crate::formats::input_file::wide_text;

use super::event::EventSink;
use super::{LogError, MAX_SURVEY_VALUES};

/// A physical line longer than this refuses the file: no event log has
/// one, and the reader would otherwise hold it whole.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The columns an event needs and may have, by their header names. `None`
/// finds the column by its usual names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnChoice {
    pub case: Option<String>,
    pub activity: Option<String>,
    pub time: Option<String>,
    pub start: Option<String>,
    pub lifecycle: Option<String>,
    pub resource: Option<String>,
    /// The case attribute lanes are made by.
    pub lane_by: Option<String>,
}

/// Where each field is in a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Columns {
    pub case: usize,
    pub activity: usize,
    pub time: usize,
    pub start: Option<usize>,
    pub lifecycle: Option<usize>,
    pub resource: Option<usize>,
    pub lane: Option<usize>,
}

/// The usual header names of each field, most specific first (a file with
/// both `concept:name` and `Activity` takes `concept:name`). Compared
/// without case, spaces, underscores or hyphens.
const CASE_NAMES: &[&str] = &["case:concept:name", "caseid", "case", "caseconceptname"];
const ACTIVITY_NAMES: &[&str] = &["concept:name", "activity", "activityname", "event", "task"];
const TIME_NAMES: &[&str] = &[
    "time:timestamp",
    "timestamp",
    "completetimestamp",
    "endtimestamp",
    "completetime",
    "endtime",
    "time",
];
const START_NAMES: &[&str] = &["starttimestamp", "starttime", "start"];
const LIFECYCLE_NAMES: &[&str] = &["lifecycle:transition", "lifecycle", "transition"];
const RESOURCE_NAMES: &[&str] = &["org:resource", "resource", "user"];

fn normalise(name: &str) -> String {
    name.trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Columns {
    /// The columns of `header`: those the user named, the rest found by
    /// their usual names. Says which header names there are when a needed
    /// one is missing.
    pub fn find(header: &[String], choice: &ColumnChoice) -> Result<Self, String> {
        let normalised: Vec<String> = header.iter().map(|h| normalise(h)).collect();
        let listed = || {
            let names: Vec<String> = header
                .iter()
                .take(40)
                .map(|h| format!("{:?}", escape_controls(h)))
                .collect();
            names.join(", ")
        };
        let named = |given: &str, what: &str| -> Result<usize, String> {
            let want = normalise(given);
            normalised.iter().position(|h| *h == want).ok_or_else(|| {
                format!(
                    "there is no column {given:?} for the {what}; the columns are {}",
                    listed()
                )
            })
        };
        let usual = |names: &[&str]| names.iter().find_map(|n| normalised.iter().position(|h| h == n));
        let field = |given: &Option<String>, names: &[&str], what: &str| -> Result<Option<usize>, String> {
            match given {
                Some(given) => named(given, what).map(Some),
                None => Ok(usual(names)),
            }
        };
        let needed = |given: &Option<String>, names: &[&str], what: &str, option: &str| -> Result<usize, String> {
            field(given, names, what)?.ok_or_else(|| {
                format!(
                    "no column looks like the {what}; name it with {option} (the columns are {})",
                    listed()
                )
            })
        };
        let columns = Self {
            case: needed(&choice.case, CASE_NAMES, "case id", "--case")?,
            activity: needed(&choice.activity, ACTIVITY_NAMES, "activity", "--activity")?,
            time: needed(&choice.time, TIME_NAMES, "completion time", "--timestamp")?,
            start: field(&choice.start, START_NAMES, "start time")?,
            lifecycle: field(&choice.lifecycle, LIFECYCLE_NAMES, "lifecycle transition")?,
            resource: field(&choice.resource, RESOURCE_NAMES, "resource")?,
            // pm4py writes case attributes as `case:name`; `name` finds them.
            lane: match &choice.lane_by {
                Some(given) => {
                    Some(named(given, "lanes").or_else(|e| named(&format!("case:{given}"), "lanes").map_err(|_| e))?)
                }
                None => None,
            },
        };
        let mut used = vec![
            ("case id", columns.case),
            ("activity", columns.activity),
            ("completion time", columns.time),
        ];
        used.extend(columns.start.map(|c| ("start time", c)));
        for (i, (what, c)) in used.iter().enumerate() {
            if let Some((other, _)) = used[..i].iter().find(|(_, o)| o == c) {
                return Err(format!(
                    "the column {:?} cannot be both the {other} and the {what}",
                    header[*c]
                ));
            }
        }
        Ok(columns)
    }
}

/// A reader that refuses a line longer than [`MAX_LINE_BYTES`], so one
/// endless line cannot fill the memory, and notes where lines end.
struct LineGuard<R> {
    inner: R,
    lines_read: u64,
    run: usize,
    offset: u64,
    /// Offsets of the newlines read and not yet passed by a record.
    newlines: Rc<RefCell<VecDeque<u64>>>,
}

impl<R: Read> Read for LineGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut newlines = self.newlines.borrow_mut();
        let mut line_start = 0;
        for at in memchr::memchr_iter(b'\n', &buf[..n]) {
            self.check_run(at - line_start)?;
            newlines.push_back(self.offset + at as u64);
            self.lines_read += 1;
            self.run = 0;
            line_start = at + 1;
        }
        self.check_run(n - line_start)?;
        self.run += n - line_start;
        self.offset += n as u64;
        Ok(n)
    }
}

impl<R> LineGuard<R> {
    /// Refuses the line being read if `more` bytes make it too long.
    fn check_run(&self, more: usize) -> std::io::Result<()> {
        if self.run + more > MAX_LINE_BYTES {
            return Err(std::io::Error::other(format!(
                "line {} is longer than {} MB; an event log has one event per line",
                self.lines_read + 1,
                MAX_LINE_BYTES >> 20
            )));
        }
        Ok(())
    }
}

/// The line of a byte, from the newlines the guard saw before it, counted
/// as records are read in order.
struct LineCounter {
    newlines: Rc<RefCell<VecDeque<u64>>>,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut newlines = self.newlines.borrow_mut();
        while newlines.front().is_some_and(|&at| at < byte) {
            newlines.pop_front();
            self.line += 1;
        }
        self.line
    }
}

/// The header line and the reader positioned after it, with the delimiter
/// the header uses.
struct Opened<'r> {
    header: Vec<String>,
    records: csv::Reader<LineGuard<&'r mut dyn BufRead>>,
    lines: LineCounter,
}

fn open<'r>(input: &'r mut dyn BufRead, source_name: &str) -> Result<Opened<'r>, LogError> {
    let file = |message: String| LogError::File {
        source_name: source_name.to_owned(),
        message,
    };
    let io = |e: std::io::Error| file(e.to_string());
    let head = input.fill_buf().map_err(io)?;
    if let Some(wide) = wide_text(head) {
        return Err(file(format!("{wide}; save the log as UTF-8 CSV")));
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    // The delimiter: whichever of , and ; the first line has more of,
    // outside quotes.
    let head = input.fill_buf().map_err(io)?;
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &b in first_line {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let newlines = Rc::new(RefCell::new(VecDeque::new()));
    let guard = LineGuard {
        inner: input,
        lines_read: 0,
        run: 0,
        offset: 0,
        newlines: newlines.clone(),
    };
    let mut records = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(guard);
    let mut header = csv::StringRecord::new();
    match records.read_record(&mut header) {
        Ok(true) => {}
        Ok(false) => {
            return Err(file(
                "the file is empty; an event log has a header row and a row per event".to_owned(),
            ));
        }
        Err(e) => return Err(csv_error(source_name, e)),
    }
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    if header.len() < 3 {
        return Err(file(format!(
            "the header has {} column{}; an event log needs at least a case id, an activity and a time",
            header.len(),
            if header.len() == 1 { "" } else { "s" }
        )));
    }
    let lines = LineCounter { newlines, line: 1 };
    Ok(Opened { header, records, lines })
}

fn csv_error(source_name: &str, e: csv::Error) -> LogError {
    let line = e.position().map(csv::Position::line);
    let message = match e.kind() {
        csv::ErrorKind::Io(io) => io.to_string(),
        csv::ErrorKind::Utf8 { .. } => "the header is not UTF-8 text; save the log as UTF-8 CSV".to_owned(),
        _ => e.to_string(),
    };
    match line {
        Some(line) => LogError::At {
            source_name: source_name.to_owned(),
            line,
            message,
        },
        None => LogError::File {
            source_name: source_name.to_owned(),
            message,
        },
    }
}

/// What a CSV log held, besides its events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsvSummary {
    pub header: Vec<String>,
    pub columns: Option<Columns>,
    pub rows: u64,
}

/// Reads a CSV log, handing each row to `sink` as an event.
pub fn read_csv(
    input: &mut dyn BufRead,
    source_name: &str,
    choice: &ColumnChoice,
    sink: &mut dyn EventSink,
) -> Result<CsvSummary, LogError> {
    let Opened {
        header,
        mut records,
        mut lines,
    } = open(input, source_name)?;
    let columns = Columns::find(&header, choice).map_err(|message| LogError::File {
        source_name: source_name.to_owned(),
        message,
    })?;
    let mut row = csv::ByteRecord::new();
    let mut rows = 0;
    loop {
        match records.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(source_name, e)),
        }
        rows += 1;
        // The csv crate counts a record from the blank lines it skipped
        // before it: its line is found from where it ends instead, less
        // the line breaks inside its quoted cells.
        let inside = memchr::memchr_iter(b'\n', row.as_slice()).count() as u64;
        let line = lines.line_at(records.position().byte().saturating_sub(1)) - inside;
        if row.iter().all(|cell| cell.iter().all(u8::is_ascii_whitespace)) {
            rows -= 1;
            continue;
        }
        let cell = |i: Option<usize>| i.and_then(|i| row.get(i));
        sink.cells(
            line,
            [
                cell(Some(columns.case)),
                cell(Some(columns.activity)),
                cell(Some(columns.time)),
                cell(columns.start),
                cell(columns.lifecycle),
                cell(columns.resource),
                cell(columns.lane),
            ],
        );
    }
    Ok(CsvSummary {
        header,
        columns: Some(columns),
        rows,
    })
}

/// What the import dialog shows of a CSV log before importing it.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvSurvey {
    pub header: Vec<String>,
    /// The first rows, cell by cell.
    pub first_rows: Vec<Vec<String>>,
    /// The columns found by their usual names, if the needed ones were.
    pub found: Result<Columns, String>,
    /// For each column: its distinct values (up to [`MAX_SURVEY_VALUES`])
    /// with the cases whose first row has them, most cases first, and
    /// whether there were more values.
    pub values: Vec<(Vec<(String, u64)>, bool)>,
    pub rows: u64,
    pub cases: u64,
}

/// Reads a whole CSV log for the dialog: its header, first `preview` rows,
/// and each column's values over the cases (by the case column found, or
/// the first column).
pub fn survey_csv(input: &mut dyn BufRead, source_name: &str, preview: usize) -> Result<CsvSurvey, LogError> {
    let Opened {
        header, mut records, ..
    } = open(input, source_name)?;
    let found = Columns::find(&header, &ColumnChoice::default());
    let case_column = found.as_ref().map_or(0, |c| c.case);
    let mut counts: Vec<HashMap<String, u64>> = vec![HashMap::new(); header.len()];
    let mut more = vec![false; header.len()];
    let mut seen_cases: ahash::AHashSet<Box<str>> = ahash::AHashSet::new();
    let mut first_rows = Vec::new();
    let mut row = csv::StringRecord::new();
    let mut rows = 0;
    loop {
        match records.read_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            // A row that is not UTF-8 is left to the import to report.
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => continue,
            Err(e) => return Err(csv_error(source_name, e)),
        }
        rows += 1;
        if first_rows.len() < preview {
            first_rows.push(row.iter().map(str::to_owned).collect());
        }
        let case = row.get(case_column).unwrap_or_default().trim();
        if case.is_empty() || !seen_cases.insert(case.into()) {
            continue;
        }
        for (i, value) in row.iter().enumerate().take(header.len()) {
            let value = value.trim();
            let column = &mut counts[i];
            if let Some(n) = column.get_mut(value) {
                *n += 1;
            } else if column.len() < MAX_SURVEY_VALUES {
                column.insert(value.to_owned(), 1);
            } else {
                more[i] = true;
            }
        }
    }
    let values = counts
        .into_iter()
        .zip(more)
        .map(|(counts, more)| {
            let mut values: Vec<(String, u64)> = counts.into_iter().collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            (values, more)
        })
        .collect();
    Ok(CsvSurvey {
        header,
        first_rows,
        found,
        values,
        rows,
        cases: seen_cases.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::eventlog::event::collect::Collect;

    fn read(text: &str, choice: &ColumnChoice) -> Result<Collect, LogError> {
        let mut sink = Collect::default();
        read_csv(&mut text.as_bytes(), "log.csv", choice, &mut sink)?;
        Ok(sink)
    }

    #[test]
    fn usual_headers_are_found_and_pm4py_names_win() {
        let header: Vec<String> = ",concept:name,org:resource,time:timestamp,Activity,Resource,Costs,case:concept:name"
            .split(',')
            .map(str::to_owned)
            .collect();
        let c = Columns::find(&header, &ColumnChoice::default()).unwrap();
        assert_eq!((c.case, c.activity, c.time, c.resource), (7, 1, 3, Some(2)));
        let header: Vec<String> = ["Activity", "Timestamp", "CaseID", "Resource"]
            .map(str::to_owned)
            .to_vec();
        let c = Columns::find(&header, &ColumnChoice::default()).unwrap();
        assert_eq!((c.case, c.activity, c.time), (2, 0, 1));
        let header: Vec<String> = [
            "Case ID",
            "Activity",
            "Complete Timestamp",
            "Start Timestamp",
            "Lifecycle:Transition",
        ]
        .map(str::to_owned)
        .to_vec();
        let c = Columns::find(&header, &ColumnChoice::default()).unwrap();
        assert_eq!((c.time, c.start, c.lifecycle), (2, Some(3), Some(4)));
    }

    #[test]
    fn columns_named_by_the_user_win_and_missing_ones_are_named() {
        let header: Vec<String> = ["ticket", "step", "done at", "team"].map(str::to_owned).to_vec();
        let message = Columns::find(&header, &ColumnChoice::default()).unwrap_err();
        assert!(
            message.contains("--case") && message.contains("\"ticket\""),
            "{message}"
        );
        let choice = ColumnChoice {
            case: Some("Ticket".into()),
            activity: Some("step".into()),
            time: Some("done at".into()),
            lane_by: Some("team".into()),
            ..Default::default()
        };
        let c = Columns::find(&header, &choice).unwrap();
        assert_eq!((c.case, c.activity, c.time, c.lane), (0, 1, 2, Some(3)));
        let wrong = ColumnChoice {
            lane_by: Some("region".into()),
            ..choice.clone()
        };
        let message = Columns::find(&header, &wrong).unwrap_err();
        assert!(message.contains("no column \"region\" for the lanes"), "{message}");
        let twice = ColumnChoice {
            time: Some("ticket".into()),
            ..choice
        };
        assert!(Columns::find(&header, &twice).unwrap_err().contains("cannot be both"));
    }

    #[test]
    fn rows_become_events_with_their_lines_and_bad_rows_are_counted() {
        let text = "\u{feff}case;activity;timestamp;region\n\
                    1;\"Check; then file\";2020-01-01 10:00;North\n\
                    \n\
                    1;;2020-01-01 11:00;North\n\
                    2;Check;;South\n\
                    \"3\";Check;2020-01-02 09:00\n";
        let choice = ColumnChoice {
            lane_by: Some("region".into()),
            ..Default::default()
        };
        let got = read(text, &choice).unwrap();
        assert_eq!(got.events.len(), 2);
        let first = &got.events[0];
        assert_eq!(
            (first.line, first.activity.as_str(), first.lane.as_deref()),
            (2, "Check; then file", Some("North"))
        );
        assert_eq!(
            (
                got.events[1].line,
                got.events[1].case.as_str(),
                got.events[1].lane.as_deref()
            ),
            (6, "3", None)
        );
        assert_eq!(
            got.unreadable,
            [(4, "no activity".to_owned()), (5, "no time".to_owned())]
        );
    }

    #[test]
    fn hostile_files_are_refused_with_a_message() {
        let long = format!("case,activity,time\n1,{},2020-01-01\n", "x".repeat(MAX_LINE_BYTES + 10));
        let message = read(&long, &ColumnChoice::default()).err().unwrap().to_string();
        assert!(message.contains("line 2 is longer than 1 MB"), "{message}");
        let message = read("", &ColumnChoice::default()).err().unwrap().to_string();
        assert!(message.contains("empty"), "{message}");
        let message = read("just one column\nx\n", &ColumnChoice::default())
            .err()
            .unwrap()
            .to_string();
        assert!(message.contains("1 column;"), "{message}");
        let mut sink = Collect::default();
        let utf16 = b"\xFF\xFEc\0a\0";
        let message = read_csv(&mut &utf16[..], "log.csv", &ColumnChoice::default(), &mut sink)
            .unwrap_err()
            .to_string();
        assert!(message.contains("UTF-16"), "{message}");
        let message = read("case,activity,time\n1,\"open,2020\n", &ColumnChoice::default())
            .err()
            .map(|e| e.to_string());
        // An unclosed quote runs to the end of the file: the row has no time.
        assert!(message.is_none() || message.unwrap().contains("line"));
    }

    #[test]
    fn the_survey_counts_cases_per_value() {
        let text = "case,activity,time,region\n1,a,2020-01-01,North\n1,b,2020-01-02,South\n2,a,2020-01-01,North\n3,a,2020-01-01,South\n";
        let survey = survey_csv(&mut text.as_bytes(), "log.csv", 2).unwrap();
        assert_eq!(survey.first_rows.len(), 2);
        assert_eq!((survey.rows, survey.cases), (4, 3));
        assert_eq!(survey.values[3].0, [("North".to_owned(), 2), ("South".to_owned(), 1)]);
        assert_eq!(survey.found.unwrap().case, 0);
    }
}
