//! Modal dialogs: confirmations, renaming a map, messages, and the path
//! field used when no native file dialog is available.

use std::path::PathBuf;

use eframe::egui::{self, Id, Modal, RichText};

use crate::ui::Action;
use crate::ui::theme;

/// What a chosen file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilePurpose {
    ImportJson,
    ExportJson,
    ExportCsv,
    ExportBrief,
    /// The whole map as a picture.
    ExportSvg,
    ExportPng,
    ExportPng2x,
    /// The ranking chart as a picture.
    ExportChartSvg,
    ExportChartPng,
    ExportBpmn,
    ImportBpmn,
    ExportStepsCsv,
    /// A steps CSV read as a new map.
    ImportStepsCsv,
    /// A steps CSV read as an update of the open map.
    UpdateStepsCsv,
    /// An event log (CSV or XES) measured into a new map.
    ImportEventLog,
    /// An event log that re-measures the open map.
    UpdateFromEventLog,
}

impl FilePurpose {
    pub fn extension(self) -> &'static str {
        match self {
            FilePurpose::ImportJson | FilePurpose::ExportJson => "json",
            FilePurpose::ExportCsv => "csv",
            FilePurpose::ExportBrief => "md",
            FilePurpose::ExportSvg | FilePurpose::ExportChartSvg => "svg",
            FilePurpose::ExportPng | FilePurpose::ExportPng2x | FilePurpose::ExportChartPng => "png",
            FilePurpose::ExportBpmn | FilePurpose::ImportBpmn => "bpmn",
            FilePurpose::ExportStepsCsv | FilePurpose::ImportStepsCsv | FilePurpose::UpdateStepsCsv => "csv",
            FilePurpose::ImportEventLog | FilePurpose::UpdateFromEventLog => "csv",
        }
    }

    /// The extensions a file dialog offers.
    pub fn extensions(self) -> Vec<&'static str> {
        match self {
            FilePurpose::ImportEventLog | FilePurpose::UpdateFromEventLog => vec!["csv", "xes", "gz"],
            other => vec![other.extension()],
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            FilePurpose::ImportJson => "Import a map (JSON)",
            FilePurpose::ExportJson => "Export the map as JSON",
            FilePurpose::ExportCsv => "Export ranked lanes as CSV",
            FilePurpose::ExportBrief => "Export the lane brief (Markdown)",
            FilePurpose::ExportSvg => "Export the map picture (SVG)",
            FilePurpose::ExportPng => "Export the map picture (PNG)",
            FilePurpose::ExportPng2x => "Export the map picture (PNG, 2×)",
            FilePurpose::ExportChartSvg => "Export the ranking chart (SVG)",
            FilePurpose::ExportChartPng => "Export the ranking chart (PNG)",
            FilePurpose::ExportBpmn => "Export the map as BPMN 2.0",
            FilePurpose::ImportBpmn => "Import a BPMN 2.0 file",
            FilePurpose::ExportStepsCsv => "Export the steps as CSV",
            FilePurpose::ImportStepsCsv => "Import a steps CSV as a new map",
            FilePurpose::UpdateStepsCsv => "Update this map from a steps CSV",
            FilePurpose::ImportEventLog => "Import an event log (CSV or XES)",
            FilePurpose::UpdateFromEventLog => "Update this map from an event log",
        }
    }

    pub fn is_save(self) -> bool {
        !matches!(
            self,
            FilePurpose::ImportJson
                | FilePurpose::ImportBpmn
                | FilePurpose::ImportStepsCsv
                | FilePurpose::UpdateStepsCsv
                | FilePurpose::ImportEventLog
                | FilePurpose::UpdateFromEventLog
        )
    }
}

/// Adds the purpose's extension when the user left it out.
pub fn with_extension(path: PathBuf, purpose: FilePurpose) -> PathBuf {
    if !purpose.is_save() {
        return path;
    }
    let has = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(purpose.extension()));
    if has {
        path
    } else {
        let mut s = path.into_os_string();
        s.push(".");
        s.push(purpose.extension());
        PathBuf::from(s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Dialog {
    ConfirmDeleteMap {
        name: String,
    },
    ConfirmDeleteLane {
        lane_id: String,
        name: String,
        steps: usize,
    },
    RenameMap {
        text: String,
        taken: Vec<String>,
    },
    ConfirmSecondPick {
        lane_id: String,
        lane: String,
        active: Vec<String>,
    },
    PathPrompt {
        purpose: FilePurpose,
        text: String,
    },
    Message {
        title: String,
        text: String,
    },
    RestoreBackup {
        backups: Vec<crate::store::backup::Backup>,
        selected: Option<usize>,
    },
    /// Leaving workshop mode with what-ifs not applied.
    ConfirmLeaveWorkshop {
        changes: usize,
    },
}

/// Shows the open dialog, if any. Closes it when the user is done.
pub fn dialog_ui(ctx: &egui::Context, dialog: &mut Option<Dialog>, actions: &mut Vec<Action>) {
    let Some(current) = dialog else { return };
    let mut close = false;
    let modal = Modal::new(Id::unique("dialog")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        match current {
            Dialog::ConfirmDeleteMap { name } => {
                ui.heading("Delete map?");
                ui.label(format!(
                    "“{name}” and all its lanes and steps will be deleted. This cannot be undone."
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(RichText::new("Delete map").color(theme::ERROR)).clicked() {
                        actions.push(Action::DeleteMap);
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::ConfirmDeleteLane { lane_id, name, steps } => {
                ui.heading("Delete lane?");
                ui.label(format!(
                    "“{name}” and its {steps} steps will be deleted. You can undo this with Ctrl+Z."
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(RichText::new("Delete lane").color(theme::ERROR)).clicked() {
                        actions.push(Action::DeleteLane(lane_id.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::ConfirmLeaveWorkshop { changes } => {
                ui.heading("Drop the what-ifs?");
                ui.label(format!(
                    "{} not applied to the map. Leaving workshop mode drops {}.",
                    if *changes == 1 {
                        "1 what-if is".to_owned()
                    } else {
                        format!("{changes} what-ifs are")
                    },
                    if *changes == 1 { "it" } else { "them" }
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Keep editing").clicked() {
                        close = true;
                    }
                    if ui.button(RichText::new("Drop changes").color(theme::ERROR)).clicked() {
                        actions.push(Action::DiscardWhatIfs);
                        actions.push(Action::ToggleWorkshop);
                        close = true;
                    }
                });
            }
            Dialog::ConfirmSecondPick { lane_id, lane, active } => {
                ui.heading("Start a second pilot?");
                ui.label(format!(
                    "{} already active. Teams that run several pilots at once rarely finish any: \
                     the usual advice is one lane, one owner, one metric.",
                    if active.len() == 1 {
                        format!("“{}” is", active[0])
                    } else {
                        format!("{} lanes are", active.len())
                    }
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button(format!("Pick “{lane}” as well")).clicked() {
                        actions.push(Action::ConfirmPickLane(lane_id.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::RenameMap { text, taken } => {
                ui.heading("Rename map");
                let resp = ui.add(
                    egui::TextEdit::singleline(text)
                        .desired_width(f32::INFINITY)
                        .char_limit(crate::domain::validate::field_char_limit(false)),
                );
                resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "New map name"));
                resp.request_focus();
                let trimmed = text.trim().to_owned();
                let problem = crate::domain::validate::check_name(&trimmed).err().or_else(|| {
                    taken
                        .contains(&trimmed)
                        .then(|| format!("another map is already named {trimmed:?}"))
                });
                if let Some(problem) = &problem {
                    ui.colored_label(theme::ERROR, problem);
                }
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.add_enabled(problem.is_none(), egui::Button::new("Rename")).clicked();
                    if (ok || enter) && problem.is_none() {
                        actions.push(Action::RenameMap(trimmed.clone()));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::PathPrompt { purpose, text } => {
                ui.heading(purpose.title());
                ui.label("No file dialog is available here. Type the file's full path:");
                let resp = ui.add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY));
                resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "File path"));
                resp.request_focus();
                let enter = ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let label = if purpose.is_save() { "Save" } else { "Open" };
                    if (ui.button(label).clicked() || enter) && !text.trim().is_empty() {
                        let path = with_extension(PathBuf::from(text.trim()), *purpose);
                        actions.push(Action::FileChosen {
                            purpose: *purpose,
                            path,
                        });
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            }
            Dialog::RestoreBackup { backups, selected } => {
                if let Some(path) = crate::ui::recovery::restore_dialog_ui(ui, backups, selected) {
                    actions.push(Action::RestoreBackup(path));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            }
            Dialog::Message { title, text } => {
                ui.heading(title.as_str());
                egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                    ui.label(text.as_str());
                });
                ui.add_space(8.0);
                if ui.button("OK").clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    close = true;
                }
            }
        }
    });
    if close || modal.should_close() {
        *dialog = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_missing_extensions_only_when_saving() {
        let p = |s: &str, f| with_extension(PathBuf::from(s), f);
        assert_eq!(p("/tmp/out", FilePurpose::ExportCsv), PathBuf::from("/tmp/out.csv"));
        assert_eq!(p("/tmp/out.CSV", FilePurpose::ExportCsv), PathBuf::from("/tmp/out.CSV"));
        assert_eq!(p("/tmp/map", FilePurpose::ExportJson), PathBuf::from("/tmp/map.json"));
        assert_eq!(
            p("/tmp/map.v2", FilePurpose::ExportJson),
            PathBuf::from("/tmp/map.v2.json")
        );
        assert_eq!(p("/tmp/map", FilePurpose::ImportJson), PathBuf::from("/tmp/map"));
    }
}
