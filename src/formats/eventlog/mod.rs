//! Event logs: the rows a process leaves behind in an ERP, ticketing or
//! workflow system (a case id, an activity and a time per row), read from
//! CSV or XES and measured into a map whose figures come from the log
//! instead of from memory.
//!
//! `event` is what the readers hand on; `csv_log` and `xes` read the two
//! formats as streams through the one guarded reader; `time` reads
//! timestamps and counts working hours; `measure` turns events into the
//! figures of each lane and activity, on a thread beside the reader's
//! (`batch`), with `samples` keeping their percentiles in bounded memory;
//! `build` makes a map of them, each
//! step carrying its evidence; `update` re-measures a map from a newer
//! log; `synth` writes synthetic logs.

mod batch;
pub mod build;
pub mod csv_log;
pub mod event;
pub mod measure;
mod samples;
pub mod synth;
pub mod time;
pub mod update;
pub mod xes;

use crate::formats::input_file::{FileError, InputFile, Watch};
use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

pub use event::{Event, EventSink};

/// The largest log file accepted, in bytes. Logs are read as a stream, so
/// memory does not grow with the file; this bounds the time.
pub const MAX_LOG_BYTES: u64 = 8 * 1024 * 1024 * 1024;
/// A compressed log may unpack to this many times its size, and to at
/// least [`MIN_UNPACKED_BYTES`]: a real XES file packs 10 to 40 times,
/// while a gzip bomb packs a thousand times and is stopped early.
pub const MAX_PACKING: u64 = 64;
pub const MIN_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;
/// The share of events that may be unreadable before the import is
/// refused (they are always counted and reported).
pub const MAX_UNREADABLE_SHARE: f64 = 0.05;
/// How many unreadable rows a report lists by line.
pub const LISTED_UNREADABLE: usize = 10;

/// Why a log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
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
    #[error("{source_name}: reading was cancelled")]
    Cancelled { source_name: String },
}

/// The two formats a log comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Csv,
    /// XES, plain or gzip-compressed.
    Xes,
}

/// A log opened for reading: its format and a stream of its text
/// (unpacked when it was compressed).
pub struct OpenLog {
    pub name: String,
    pub format: LogFormat,
    pub reader: Box<dyn BufRead + Send>,
}

impl OpenLog {
    /// Opens `path` through the guarded reader, under `watch`. The format
    /// comes from the first bytes (gzip's magic number, `<` for XML), else
    /// from the extension.
    pub fn open(path: &Path, watch: &Watch) -> Result<Self, LogError> {
        let file = InputFile::open(path, MAX_LOG_BYTES)?.watched_by(watch);
        let name = file.name().to_owned();
        let size = file.len();
        let mut buffered = BufReader::with_capacity(1 << 16, file);
        let head = buffered.fill_buf().map_err(|error| FileError::Io {
            name: name.clone(),
            error,
        })?;
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        let lower = path.to_string_lossy().to_lowercase();
        let (format, reader): (LogFormat, Box<dyn BufRead + Send>) = if gzip {
            let limit = size.saturating_mul(MAX_PACKING).max(MIN_UNPACKED_BYTES);
            let unpacked = Capped {
                inner: flate2::bufread::MultiGzDecoder::new(buffered),
                left: limit,
                limit,
            };
            (LogFormat::Xes, Box::new(BufReader::with_capacity(1 << 16, unpacked)))
        } else {
            let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
            let xml = text.trim_ascii_start().starts_with(b"<") || lower.ends_with(".xes");
            let format = if xml { LogFormat::Xes } else { LogFormat::Csv };
            (format, Box::new(buffered))
        };
        Ok(Self { name, format, reader })
    }
}

/// The text of a gzip log, refused with a message that says why once it
/// unpacks past `limit` (a `Take` would end it quietly, and the reader
/// would call the file cut off), or when the gzip data is damaged.
struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // flate2's own errors are of these kinds; the file's (a cancel)
        // pass as they are.
        let reworded = |error: std::io::Error| match error.kind() {
            ErrorKind::InvalidInput | ErrorKind::InvalidData | ErrorKind::UnexpectedEof => {
                std::io::Error::new(error.kind(), format!("the gzip data is damaged or cut off ({error})"))
            }
            _ => error,
        };
        if self.left == 0 {
            // At the cap: the text may end exactly here.
            return match self.inner.read(&mut [0u8]).map_err(reworded)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(format!(
                    "it unpacks to more than {} MB, over {MAX_PACKING} times its size; a real log packs 10 \
                     to 40 times, so this looks like a gzip bomb",
                    self.limit >> 20
                ))),
            };
        }
        let room = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..room]).map_err(reworded)?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// How a log file is read and measured: the columns (CSV) or attribute
/// (lanes), the times, and what counts.
#[derive(Clone, Debug, PartialEq)]
pub struct LogOptions {
    pub columns: csv_log::ColumnChoice,
    /// The IANA zone of times without an offset (UTC when `None`).
    pub time_zone: Option<String>,
    /// A chrono format for times that are not ISO 8601.
    pub date_format: Option<String>,
    /// Count waits only in these hours (`Mon-Fri 09:00-17:00`).
    pub working_hours: Option<String>,
    /// The share of a lane's executions a directly-follows pair needs to
    /// become an edge.
    pub min_edge_share: f64,
}

impl Default for LogOptions {
    fn default() -> Self {
        Self {
            columns: csv_log::ColumnChoice::default(),
            time_zone: None,
            date_format: None,
            working_hours: None,
            min_edge_share: 0.01,
        }
    }
}

impl LogOptions {
    /// The measuring options, or what is wrong with the ones given.
    pub fn measure_options(&self) -> Result<measure::MeasureOptions, String> {
        let times = time::TimeReader::new(self.time_zone.as_deref(), self.date_format.as_deref())?;
        let working_hours = self
            .working_hours
            .as_deref()
            .map(time::WorkingHours::parse)
            .transpose()?;
        if !(0.0..=1.0).contains(&self.min_edge_share) {
            return Err(format!("the edge share {} is not between 0 and 1", self.min_edge_share));
        }
        Ok(measure::MeasureOptions {
            times,
            working_hours,
            min_edge_share: self.min_edge_share,
            lanes_by_attribute: self.columns.lane_by.is_some(),
        })
    }
}

/// Reads and measures a log file: CSV or XES (plain or gzip), through the
/// guarded reader, under `watch` (a progress bar, and cancelling).
pub fn measure_file(path: &Path, options: &LogOptions, watch: &Watch) -> Result<measure::LogStats, LogError> {
    let measure_options = options.measure_options().map_err(|message| LogError::File {
        source_name: log_name(path),
        message,
    })?;
    let name = log_name(path);
    // Opened for each reading: a log out of time order is read twice.
    let result = measure::measure(measure_options, &name, |sink| {
        let mut log = OpenLog::open(path, watch)?;
        let name = &log.name;
        match log.format {
            LogFormat::Csv => csv_log::read_csv(&mut log.reader, name, &options.columns, sink).map(drop),
            LogFormat::Xes => {
                // pm4py writes case attributes as `case:name`; XES has them as
                // trace attributes named `name`.
                let lane_by = options
                    .columns
                    .lane_by
                    .as_deref()
                    .map(|a| a.strip_prefix("case:").unwrap_or(a));
                xes::read_xes(&mut log.reader, name, lane_by, sink).map(drop)
            }
        }
    });
    match result {
        Err(_) if watch.is_cancelled() => Err(LogError::Cancelled { source_name: name }),
        other => other,
    }
}

/// What the import dialog shows of a log before it is measured, the same
/// for both formats.
#[derive(Clone, Debug, PartialEq)]
pub struct LogSurvey {
    pub format: LogFormat,
    /// The CSV header, or the XES event attribute keys (with the case first).
    pub columns: Vec<String>,
    /// The first rows, a cell per column.
    pub first_rows: Vec<Vec<String>>,
    /// The CSV columns found by their usual names, or why not.
    pub found: Result<csv_log::Columns, String>,
    /// What lanes can be made by: CSV columns or XES trace attributes.
    pub lane_choices: Vec<LaneChoice>,
    pub rows: u64,
    pub cases: u64,
}

/// The most distinct values a survey keeps per column or attribute; the
/// cases of the rest are counted.
pub const MAX_SURVEY_VALUES: usize = 1000;

/// An attribute lanes can be made by: its name, its values with the cases
/// of each (most first), and whether there were more values than listed.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneChoice {
    pub name: String,
    pub values: Vec<(String, u64)>,
    pub more: bool,
}

/// How many rows the dialog previews.
pub const PREVIEW_ROWS: usize = 8;

/// Reads a whole log for the import dialog, under `watch`. The lane
/// choices with 2 to [`measure::MAX_LANES`] values come first, in file
/// order: they make lanes as they are; the rest follow.
pub fn survey_file(path: &Path, watch: &Watch) -> Result<LogSurvey, LogError> {
    let mut survey = survey_any(path, watch)?;
    let useful = |c: &LaneChoice| !c.more && (2..=measure::MAX_LANES).contains(&c.values.len());
    survey.lane_choices.sort_by_key(|c| !useful(c));
    Ok(survey)
}

fn survey_any(path: &Path, watch: &Watch) -> Result<LogSurvey, LogError> {
    let mut log = OpenLog::open(path, watch)?;
    let cancelled = |e: LogError| {
        if watch.is_cancelled() {
            LogError::Cancelled {
                source_name: log_name(path),
            }
        } else {
            e
        }
    };
    match log.format {
        LogFormat::Csv => {
            let survey = csv_log::survey_csv(&mut log.reader, &log.name, PREVIEW_ROWS).map_err(cancelled)?;
            let lane_choices = (survey.header.iter().zip(survey.values))
                .map(|(column, (values, more))| LaneChoice {
                    name: column.clone(),
                    values,
                    more,
                })
                .collect();
            Ok(LogSurvey {
                format: LogFormat::Csv,
                columns: survey.header,
                first_rows: survey.first_rows,
                found: survey.found,
                lane_choices,
                rows: survey.rows,
                cases: survey.cases,
            })
        }
        LogFormat::Xes => {
            let survey = xes::survey_xes(&mut log.reader, &log.name, PREVIEW_ROWS).map_err(cancelled)?;
            let mut columns = vec!["case".to_owned()];
            columns.extend(survey.event_keys.iter().cloned());
            let first_rows = (survey.first_events.iter())
                .map(|event| {
                    let value = |key: &str| {
                        (event.attributes.iter())
                            .find(|(k, _)| k == key)
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    let mut row = vec![event.case.clone().unwrap_or_default()];
                    row.extend(survey.event_keys.iter().map(|k| value(k)));
                    row
                })
                .collect();
            let lane_choices = (survey.trace_attributes.into_iter())
                .filter(|a| a.key != "concept:name")
                .map(|a| LaneChoice {
                    name: a.key,
                    more: a.other_cases > 0,
                    values: a.values,
                })
                .collect();
            Ok(LogSurvey {
                format: LogFormat::Xes,
                columns,
                first_rows,
                found: Err("an XES log names its fields itself".to_owned()),
                lane_choices,
                rows: survey.events,
                cases: survey.traces,
            })
        }
    }
}

fn log_name(path: &Path) -> String {
    crate::domain::validate::escape_controls(&path.display().to_string()).into_owned()
}
