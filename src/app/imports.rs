//! Imports run off the UI thread: a file is read (through the guarded
//! reader, counting the bytes for a progress bar) and parsed on a thread of
//! its own, while the window keeps drawing and offers to cancel. Only the
//! result comes back to the UI thread, which stores it. So a large or slow
//! file never freezes the window, and a file that is refused changes
//! nothing.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

use crate::domain::model::Map;
use crate::formats::input_file::InputFile;
use crate::formats::mapfile::{MAX_FILE_BYTES, parse_map};
use crate::ui::dialogs::FilePurpose;
use crate::ui::progress::ProgressView;

/// What an import made of its file.
pub(super) enum Imported {
    /// A new map, with what the import says about it (empty for JSON).
    NewMap { map: Box<Map>, lines: Vec<String> },
    /// The open map as the file updates it.
    Update {
        before: Box<Map>,
        after: Box<Map>,
        lines: Vec<String>,
    },
}

/// How far an import is, shared with its thread and the file it reads.
#[derive(Default)]
pub struct Progress {
    read: Arc<AtomicU64>,
    total: AtomicU64,
    cancel: Arc<AtomicBool>,
}

/// An import under way.
pub struct ImportJob {
    pub purpose: FilePurpose,
    pub path: PathBuf,
    /// The open map's id and revision when it started, for an update.
    pub(super) started_on: (crate::store::MapId, u64),
    pub started: Instant,
    progress: Arc<Progress>,
    result: Receiver<Result<Imported, String>>,
}

impl ImportJob {
    /// Starts reading `path` for `purpose`; `open` is the open map, which an
    /// update reads the file against.
    pub(super) fn start(
        purpose: FilePurpose,
        path: PathBuf,
        open: &Map,
        started_on: (crate::store::MapId, u64),
    ) -> Result<Self, String> {
        let progress = Arc::new(Progress::default());
        let (send, result) = std::sync::mpsc::channel();
        let before = (purpose == FilePurpose::UpdateStepsCsv).then(|| open.clone());
        let job_path = path.clone();
        let job_progress = progress.clone();
        std::thread::Builder::new()
            .name("import".into())
            .spawn(move || {
                let outcome = run(purpose, &job_path, before, &job_progress);
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
            total: self.progress.total.load(Ordering::Relaxed),
        }
    }
}

/// Reads `path` through the guarded reader, counting into `progress`.
fn read(path: &Path, limit: u64, progress: &Progress) -> Result<(Vec<u8>, String), String> {
    let file = InputFile::open(path, limit).map_err(|e| e.to_string())?;
    progress.total.store(file.len(), Ordering::Relaxed);
    let name = file.name().to_owned();
    let bytes = file
        .count_into(progress.read.clone())
        .cancel_on(progress.cancel.clone())
        .read_all()
        .map_err(|e| e.to_string())?;
    Ok((bytes, name))
}

fn run(purpose: FilePurpose, path: &Path, before: Option<Map>, progress: &Progress) -> Result<Imported, String> {
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
                before: Box::new(before),
                after: Box::new(after),
                lines: report.lines(),
            })
        }
        other => Err(format!("{} is not an import", other.title())),
    }
}

/// Whether files for `purpose` are read by an [`ImportJob`].
pub(super) fn is_import(purpose: FilePurpose) -> bool {
    matches!(
        purpose,
        FilePurpose::ImportJson | FilePurpose::ImportBpmn | FilePurpose::ImportStepsCsv | FilePurpose::UpdateStepsCsv
    )
}
