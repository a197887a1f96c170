//! File dialogs, imports and exports: choosing a file, reading it off the
//! UI thread with progress, and storing what was read.

use super::*;
use crate::formats::fsutil::atomic_write;
use crate::formats::mapfile::to_json;
use crate::formats::ranking_csv::ranking_csv;
use crate::ui::dialogs::{Dialog, FilePurpose, with_extension};
use crate::ui::log_import::{LogImportDialog, LogImportOutcome, log_import_ui};
use crate::ui::progress::import_progress_ui;
use eframe::egui;
use std::path::PathBuf;
use std::time::{Duration, Instant};

impl Workspace {
    pub(super) fn pick_file(&mut self, purpose: FilePurpose) {
        let default_name = match purpose {
            FilePurpose::ImportJson => String::new(),
            FilePurpose::ExportJson => format!("{}.json", file_stem(&self.doc.map().name)),
            FilePurpose::ExportCsv => format!("{} - ranked lanes.csv", file_stem(&self.doc.map().name)),
            FilePurpose::ExportBrief => format!("{} - lane brief.md", file_stem(&self.doc.map().name)),
            other => interchange::default_file_name(other, &file_stem(&self.doc.map().name)),
        };
        let folder = directories::UserDirs::new()
            .and_then(|d| {
                d.document_dir()
                    .map(PathBuf::from)
                    .or_else(|| Some(d.home_dir().to_owned()))
            })
            .unwrap_or_else(|| PathBuf::from("."));
        if self.native_dialogs {
            let started = Instant::now();
            let dialog = rfd::FileDialog::new()
                .set_title(purpose.title())
                .set_directory(&folder)
                .add_filter(purpose.extension().to_uppercase(), &purpose.extensions());
            let picked = if purpose.is_save() {
                dialog.set_file_name(&default_name).save_file()
            } else {
                dialog.pick_file()
            };
            match picked {
                Some(path) => {
                    self.file_chosen(purpose, with_extension(path, purpose));
                    return;
                }
                // A real dialog that the user cancelled.
                None if started.elapsed() >= NO_DIALOG_THRESHOLD => return,
                // No dialog could be shown: fall back to the path field.
                None => {}
            }
        }
        self.dialog = Some(Dialog::PathPrompt {
            purpose,
            text: folder.join(default_name).display().to_string(),
        });
    }

    pub(super) fn file_chosen(&mut self, purpose: FilePurpose, path: PathBuf) {
        if imports::is_import(purpose) {
            self.start_import(purpose, path, None);
            return;
        }
        let result = match purpose {
            FilePurpose::ExportJson => atomic_write(&path, to_json(self.doc.map()).as_bytes())
                .map(|()| format!("Exported the map to {}", path.display()))
                .map_err(|e| format!("Could not write {}: {e}", path.display())),
            FilePurpose::ExportCsv => {
                let certainty = self.certainty.now(&self.doc);
                atomic_write(&path, &ranking_csv(self.doc.ranking(), Some(&certainty), true))
                    .map(|()| format!("Exported the ranked lanes to {}", path.display()))
                    .map_err(|e| format!("Could not write {}: {e}", path.display()))
            }
            FilePurpose::ExportBrief => match self.shown_pick() {
                Some(pick) => {
                    let certainty = self.certainty.now(&self.doc);
                    let brief = crate::plan::brief::lane_brief(
                        self.doc.map(),
                        (self.doc.ranking(), &certainty),
                        &pick,
                        self.today(),
                        self.formats,
                    );
                    atomic_write(&path, brief.as_bytes())
                        .map(|()| format!("Exported the lane brief to {}", path.display()))
                        .map_err(|e| format!("Could not write {}: {e}", path.display()))
                }
                None => Err("There is no picked lane to describe.".to_owned()),
            },
            other => self.interchange_file_chosen(other, &path),
        };
        match result {
            Ok(message) => self.notice = Some(message),
            Err(message) => {
                self.dialog = Some(Dialog::Message {
                    title: format!("{} failed", purpose.title()),
                    text: message,
                });
            }
        }
    }

    /// Whether a file is being imported.
    pub fn is_importing(&self) -> bool {
        self.import.is_some()
    }

    /// Starts reading `path` for `purpose`; `log` is set when the import
    /// dialog has chosen how to measure an event log.
    pub(super) fn start_import(&mut self, purpose: FilePurpose, path: PathBuf, log: Option<imports::LogRequest>) {
        if self.import.is_some() {
            self.notice = Some("Another file is being imported; wait for it or cancel it first.".to_owned());
            return;
        }
        let started_on = (self.doc.id, self.doc.revision());
        match ImportJob::start(purpose, path, self.doc.map(), started_on, log) {
            Ok(job) => self.import = Some(job),
            Err(message) => self.notice = Some(message),
        }
    }

    /// Shows the event-log import dialog while it is open, and starts
    /// measuring when the user says so.
    pub(super) fn log_import_tick(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.log_import else { return };
        match log_import_ui(ctx, dialog) {
            LogImportOutcome::Open => {}
            LogImportOutcome::Cancel => self.log_import = None,
            LogImportOutcome::Import(request) => {
                let Some(dialog) = self.log_import.take() else { return };
                let (options, build) = *request;
                self.start_import(
                    dialog.purpose,
                    dialog.path,
                    Some(imports::LogRequest {
                        options,
                        build,
                        numbers: crate::ui::number_style(ctx),
                    }),
                );
            }
        }
    }

    /// Shows how far the import is after a moment (a small file is done
    /// before a dialog would flash), and takes its outcome when it is done.
    pub(super) fn import_tick(&mut self, ctx: &egui::Context) {
        let Some(job) = &self.import else { return };
        let Some(outcome) = job.try_finish() else {
            if job.started.elapsed() >= Duration::from_millis(250) && import_progress_ui(ctx, &job.view()) {
                job.cancel();
                self.import = None;
                self.notice = Some("The import was cancelled; nothing was changed.".to_owned());
                return;
            }
            ctx.request_repaint_after(Duration::from_millis(50));
            return;
        };
        let Some(job) = self.import.take() else { return };
        let shown = job.path.display().to_string();
        let outcome = outcome.and_then(|imported| self.store_imported(&job, imported));
        match outcome {
            Ok(None) => {}
            Ok(Some(lines)) => {
                self.dialog = Some(Dialog::Message {
                    title: job.purpose.title().to_owned(),
                    text: lines.join("\n"),
                });
            }
            Err(message) => {
                self.dialog = Some(Dialog::Message {
                    title: format!("{} failed", job.purpose.title()),
                    text: if message.contains(&shown) {
                        message
                    } else {
                        format!("{shown}: {message}")
                    },
                });
            }
        }
    }

    /// Stores what an import made. Returns the lines of its report, or
    /// `None` when a notice says it all.
    pub(super) fn store_imported(
        &mut self,
        job: &ImportJob,
        imported: imports::Imported,
    ) -> Result<Option<Vec<String>>, String> {
        let shown = job.path.display();
        match imported {
            imports::Imported::NewMap { map, lines } => {
                let taken = self.create_and_open(*map).map_err(|e| format!("{e:#}"))?;
                let name = self.doc.map().name.clone();
                if lines.is_empty() {
                    self.notice = Some(match &taken {
                        None => format!("Imported “{name}” from {shown}"),
                        Some(taken) => format!("Imported {shown} as “{name}” (“{taken}” was taken)"),
                    });
                    return Ok(None);
                }
                let mut report = vec![format!("Imported {shown} as “{name}”.")];
                report.extend(taken.map(|taken| format!("(“{taken}” was taken.)")));
                report.extend(lines);
                Ok(Some(report))
            }
            imports::Imported::Survey(survey) => {
                let rates = self.doc.map().rates;
                let currency = self.doc.map().currency.clone();
                self.log_import = Some(LogImportDialog::new(
                    job.purpose,
                    job.path.clone(),
                    *survey,
                    rates,
                    currency,
                ));
                Ok(None)
            }
            imports::Imported::Update {
                before,
                after,
                edit,
                lines,
            } => {
                if (self.doc.id, self.doc.revision()) != job.started_on {
                    return Err(
                        "The map changed while the file was read; nothing was updated. Import it again.".into(),
                    );
                }
                if after == before {
                    let mut report = vec![format!(
                        "“{}” already matches {shown}: nothing was changed.",
                        before.name
                    )];
                    report.extend(lines);
                    return Ok(Some(report));
                }
                // One undo step for the whole file.
                self.apply(edit, None);
                let mut report = vec![format!("Updated “{}” from {shown} (Ctrl+Z undoes it).", before.name)];
                report.extend(lines);
                Ok(Some(report))
            }
        }
    }
}

pub(super) fn file_stem(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                ' '
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() { "map".to_owned() } else { cleaned }
}
