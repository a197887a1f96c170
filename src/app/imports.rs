//! Imports run off the UI thread: a file is read (through the guarded
//! reader, counting the bytes for a progress bar) and parsed on a thread of
//! its own, while the window keeps drawing and offers to cancel. Only the
//! result comes back to the UI thread, which stores it. So a large or slow
//! file never freezes the window, and a file that is refused changes
//! nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

use crate::document::edit::Edit;
use crate::domain::model::Map;
use crate::domain::money::NumberStyle;
use crate::formats::eventlog::build::{BuildOptions, build_map};
use crate::formats::eventlog::time::describe;
use crate::formats::eventlog::update::update_from_log;
use crate::formats::eventlog::{LogOptions, LogSurvey, measure_file, survey_file};
use crate::formats::input_file::{InputFile, Watch};
use crate::formats::mapfile::{MAX_FILE_BYTES, parse_map};
use crate::ui::dialogs::FilePurpose;
use crate::ui::progress::ProgressView;

/// What an import made of its file.
pub(super) enum Imported {
    /// A new map, with what the import says about it (empty for JSON).
    NewMap { map: Box<Map>, lines: Vec<String> },
    /// The open map as the file updates it, and the edit that makes it so
    /// (one undo step).
    Update {
        before: Box<Map>,
        after: Box<Map>,
        edit: Edit,
        lines: Vec<String>,
    },
    /// An event log looked over for the import dialog.
    Survey(Box<LogSurvey>),
}

/// How to measure an event log and make a map of it, as the import
/// dialog set it.
#[derive(Clone, Debug)]
pub struct LogRequest {
    pub options: LogOptions,
    pub build: BuildOptions,
    /// How the report writes its numbers (the window's locale).
    pub numbers: NumberStyle,
}

/// An import under way.
pub struct ImportJob {
    pub purpose: FilePurpose,
    pub path: PathBuf,
    /// The open map's id and revision when it started, for an update.
    pub(super) started_on: (crate::store::MapId, u64),
    pub started: Instant,
    progress: Watch,
    result: Receiver<Result<Imported, String>>,
}

impl ImportJob {
    /// Starts reading `path` for `purpose`; `open` is the open map, which an
    /// update reads the file against. An event log is looked over for the
    /// dialog without `log`, and measured with it.
    pub(super) fn start(
        purpose: FilePurpose,
        path: PathBuf,
        open: &Map,
        started_on: (crate::store::MapId, u64),
        log: Option<LogRequest>,
    ) -> Result<Self, String> {
        let progress = Watch::default();
        let (send, result) = std::sync::mpsc::channel();
        let updates = matches!(purpose, FilePurpose::UpdateStepsCsv | FilePurpose::UpdateFromEventLog);
        let before = updates.then(|| open.clone());
        let job_path = path.clone();
        let job_progress = progress.clone();
        std::thread::Builder::new()
            .name("import".into())
            .spawn(move || {
                let outcome = run(purpose, &job_path, before, log, &job_progress);
                // The window may have stopped waiting (cancelled).
                let _ = send.send(outcome);
            })
            .map_err(|e| format!("Could not start the import: {e}"))?;
        Ok(Self {
            purpose,
            path,
            started_on,
            started: Instant::now(),
            progress,
            result,
        })
    }

    /// The outcome, once the thread is done.
    pub(super) fn try_finish(&self) -> Option<Result<Imported, String>> {
        match self.result.try_recv() {
            Ok(outcome) => Some(outcome),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err("The import stopped unexpectedly.".to_owned())),
        }
    }

    /// Stops reading at the next megabyte; the outcome is dropped.
    pub fn cancel(&self) {
        self.progress.cancel.store(true, Ordering::Relaxed);
    }

    pub fn view(&self) -> ProgressView {
        ProgressView {
            file: self.path.display().to_string(),
            read: self.progress.read.load(Ordering::Relaxed),
            total: self.progress.size.load(Ordering::Relaxed),
            reading: self.progress.readings.load(Ordering::Relaxed),
        }
    }
}

/// Reads `path` through the guarded reader, counting into `progress`.
fn read(path: &Path, limit: u64, progress: &Watch) -> Result<(Vec<u8>, String), String> {
    let file = InputFile::open(path, limit).map_err(|e| e.to_string())?;
    let name = file.name().to_owned();
    let bytes = file.watched_by(progress).read_all().map_err(|e| e.to_string())?;
    Ok((bytes, name))
}

fn run(
    purpose: FilePurpose,
    path: &Path,
    before: Option<Map>,
    log: Option<LogRequest>,
    progress: &Watch,
) -> Result<Imported, String> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match purpose {
        FilePurpose::ImportJson => {
            let (bytes, name) = read(path, MAX_FILE_BYTES, progress)?;
            let map = parse_map(&bytes, &name).map_err(|e| e.to_string())?;
            Ok(Imported::NewMap {
                map: Box::new(map),
                lines: Vec::new(),
            })
        }
        FilePurpose::ImportBpmn => {
            let (bytes, name) = read(path, crate::formats::bpmn::import::MAX_BPMN_BYTES, progress)?;
            let (map, summary) =
                crate::formats::bpmn::import::parse_bpmn(&bytes, &name, &stem).map_err(|e| e.to_string())?;
            Ok(Imported::NewMap {
                map: Box::new(map),
                lines: summary.lines(),
            })
        }
        FilePurpose::ImportStepsCsv => {
            let (bytes, name) = read(path, crate::formats::steps_csv::MAX_CSV_BYTES, progress)?;
            let (map, report) =
                crate::formats::steps_csv::import_new(&bytes, &name, &stem).map_err(|e| e.to_string())?;
            Ok(Imported::NewMap {
                map: Box::new(map),
                lines: report.lines(),
            })
        }
        FilePurpose::UpdateStepsCsv => {
            let before = before.ok_or("There is no open map to update.")?;
            let (bytes, name) = read(path, crate::formats::steps_csv::MAX_CSV_BYTES, progress)?;
            let (after, report) =
                crate::formats::steps_csv::import_update(&bytes, &name, &before).map_err(|e| e.to_string())?;
            Ok(Imported::Update {
                edit: crate::formats::steps_csv::update_edit(&before, &after),
                before: Box::new(before),
                after: Box::new(after),
                lines: report.lines(),
            })
        }
        FilePurpose::ImportEventLog | FilePurpose::UpdateFromEventLog => match log {
            None => Ok(Imported::Survey(Box::new(
                survey_file(path, progress).map_err(|e| e.to_string())?,
            ))),
            Some(request) => {
                let stats = measure_file(path, &request.options, progress).map_err(|e| e.to_string())?;
                let map = build_map(&stats, &request.build);
                crate::domain::validate::validate(&map)
                    .map_err(|problems| format!("the map it makes would not be valid:\n{problems}"))?;
                let numbers = request.numbers;
                let count = |n: u64| numbers.thousands(n as f64, 0);
                let mut lines = vec![format!(
                    "Measured {} cases and {} executions, {} to {} ({} months).",
                    count(stats.cases),
                    count(stats.executions),
                    describe(stats.first),
                    describe(stats.last),
                    numbers.thousands(stats.months, 1)
                )];
                if stats.unreadable.count > 0 {
                    lines.push(format!(
                        "{} rows could not be read and were left out: {}",
                        count(stats.unreadable.count),
                        stats.unreadable.describe()
                    ));
                }
                if !stats.handling_measured {
                    lines.push(
                        "The log has no start times, so handling was not measured: enter it as an estimate.".into(),
                    );
                }
                match before {
                    None => {
                        lines.push(format!(
                            "{}, {}, {}.",
                            numbers.count(map.lanes.len(), "lane"),
                            numbers.count(map.steps.len(), "step"),
                            numbers.count(map.edges.len(), "edge")
                        ));
                        Ok(Imported::NewMap {
                            map: Box::new(map),
                            lines,
                        })
                    }
                    Some(before) => {
                        let (after, edit, report) = update_from_log(&before, &map);
                        lines.extend(report.lines());
                        Ok(Imported::Update {
                            before: Box::new(before),
                            after: Box::new(after),
                            edit,
                            lines,
                        })
                    }
                }
            }
        },
        other => Err(format!("{} is not an import", other.title())),
    }
}

/// Whether files for `purpose` are read by an [`ImportJob`].
pub(super) fn is_import(purpose: FilePurpose) -> bool {
    !purpose.is_save()
}
