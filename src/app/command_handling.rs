//! What the panels asked for, carried out: [`Workspace::handle`] takes
//! each `Action` a frame returned, after layout, in one place.

use super::*;
use crate::document::clipboard::{Clip, nudge_edit};
use crate::document::edit::{Edit, MapMeta};
use crate::domain::locale::Formats;
use crate::domain::money::NumberFormat;
use crate::store::backup::{self};
use crate::ui::Action;
use crate::ui::canvas::Selection;
use crate::ui::dialogs::{Dialog, FilePurpose};
use eframe::egui::{self, ViewportCommand};
use std::collections::HashSet;

impl Workspace {
    /// Carries out one action. Tests drive the app through this too.
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        if self.doc.has_problems() && !allowed_in_repair(&action) {
            self.notice = Some(
                "This map needs repair first: until its problems are fixed, only repairs can be made \
                 (see the list)."
                    .to_owned(),
            );
            return;
        }
        match action {
            Action::Edit { edit, merge_key } => self.apply(edit, merge_key),
            Action::Undo => {
                if self.doc.undo() {
                    self.edited();
                }
            }
            Action::Redo => {
                if self.doc.redo() {
                    self.edited();
                }
            }
            Action::SaveNow => self.send_save(),
            Action::BackupNow => self.queue(Command::TakeBackup),
            Action::AskRestoreBackup => {
                self.dialog = Some(Dialog::RestoreBackup {
                    backups: self.store.path().map(backup::list).unwrap_or_default(),
                    selected: None,
                });
            }
            Action::RestoreBackup(path) => self.queue(Command::Restore(path)),
            Action::NewMap => self.new_map(),
            Action::OpenMap(id) => self.open_map(id),
            Action::DuplicateMap => self.duplicate_map(),
            Action::AskRenameMap => {
                self.dialog = Some(Dialog::RenameMap {
                    text: self.doc.map().name.clone(),
                    taken: self.other_map_names(),
                });
            }
            Action::RenameMap(name) => {
                let mut meta = MapMeta::of(self.doc.map());
                meta.name = name;
                self.apply(Edit::SetMeta(meta), None);
            }
            Action::AskDeleteMap => {
                self.dialog = Some(Dialog::ConfirmDeleteMap {
                    name: self.doc.map().name.clone(),
                });
            }
            Action::DeleteMap => self.delete_map(),
            Action::ImportJson => self.queue(Command::ChooseFile(FilePurpose::ImportJson)),
            Action::ExportJson => self.queue(Command::ChooseFile(FilePurpose::ExportJson)),
            Action::ExportCsv => self.queue(Command::ChooseFile(FilePurpose::ExportCsv)),
            Action::ChooseFile(purpose) => self.queue(Command::ChooseFile(purpose)),
            Action::FileChosen { purpose, path } => self.queue(Command::UseFile { purpose, path }),
            Action::AddLane => self.add_lane(),
            Action::AddStep => self.add_step(),
            Action::AddStepAt(step) => self.insert_step(step),
            Action::AskDeleteLane(lane_id) => self.ask_delete_lane(lane_id),
            Action::DeleteLane(lane_id) => self.apply(Edit::RemoveLane { lane_id }, None),
            Action::SelectAll => {
                self.view.selection = Selection {
                    steps: self.doc.map().steps.iter().map(|s| s.id.clone()).collect(),
                    ..Selection::default()
                };
            }
            Action::DeleteSelection => self.delete_selection(),
            Action::Deselect => {
                self.view.selection.clear();
                self.view.highlight_lane = None;
            }
            Action::FitToMap => self.view.request_fit(),
            Action::ZoomToActualSize => self.view.request_zoom(1.0),
            Action::HighlightLane(lane_id) => {
                self.view.selection = Selection::only_lane(&lane_id);
                self.view.reveal_lane(&self.doc, &lane_id);
                self.view.highlight_lane = Some(lane_id);
            }
            Action::ToggleFullscreen => {
                self.fullscreen = !self.fullscreen;
                ctx.send_viewport_cmd(ViewportCommand::Fullscreen(self.fullscreen));
            }
            Action::SetDarkMode(dark) => {
                self.dark_mode = dark;
                ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
                let value = if dark { "dark" } else { "light" };
                if let Err(e) = self.store.set_setting(THEME_KEY, value) {
                    self.notice = Some(format!("Could not remember the theme: {e}"));
                }
            }
            Action::SetNumberFormat(format) => {
                self.number_format = format;
                self.formats = Formats::chosen(format, &self.locale);
                // Shown from this frame on, not the next.
                crate::ui::set_formats(ctx, self.formats);
                if let Err(e) = self.store.set_setting(NumberFormat::SETTING_KEY, format.key()) {
                    self.notice = Some(format!("Could not remember the number format: {e}"));
                }
            }
            Action::ShowShortcuts => self.show_shortcuts = true,
            Action::ShowAbout => {
                self.dialog = Some(Dialog::Message {
                    title: "About Friction Map".into(),
                    text: self.about_text(),
                })
            }
            Action::ShowGuide => self.show_guide = true,
            Action::SelectStep(id) => {
                self.view.selection = Selection::only_step(&id);
                self.right_tab = RightTab::Inspector;
            }
            Action::PickLane(lane_id) => self.pick_lane(lane_id, false),
            Action::ConfirmPickLane(lane_id) => self.pick_lane(lane_id, true),
            Action::ShowPlan => self.right_tab = RightTab::Plan,
            Action::ExportBrief => {
                if self.shown_pick().is_some() {
                    self.queue(Command::ChooseFile(FilePurpose::ExportBrief));
                } else {
                    self.notice = Some("Pick a lane first: the brief describes the picked lane.".into());
                }
            }
            Action::ToggleWorkshop => match self.workshop.as_ref().map(|w| w.changes()) {
                // Un-applied what-ifs are not dropped without asking.
                Some(changes) if changes > 0 => self.dialog = Some(Dialog::ConfirmLeaveWorkshop { changes }),
                _ => self.toggle_workshop(ctx),
            },
            Action::SetWhatIf { step_id, attr, value } => {
                if let Some(w) = &mut self.workshop {
                    w.scenario.set_value(self.doc.map(), &step_id, attr, value);
                }
            }
            Action::SetWhatIfRates(rates) => {
                if let Some(w) = &mut self.workshop {
                    w.scenario.set_rates(self.doc.map(), rates);
                }
            }
            Action::ApplyWhatIfs => {
                let edit = self.workshop.as_ref().and_then(|w| w.scenario.to_edit(self.doc.map()));
                if let Some(edit) = edit {
                    self.apply(edit, None);
                }
                if let Some(w) = &mut self.workshop {
                    w.scenario = Default::default();
                }
            }
            Action::DiscardWhatIfs => {
                if let Some(w) = &mut self.workshop {
                    w.scenario = Default::default();
                }
            }
            Action::RevealStart => {
                if let Some(w) = &mut self.workshop {
                    w.reveal = Some(0);
                }
            }
            Action::RevealNext => {
                if let Some(w) = &mut self.workshop {
                    w.reveal = w.reveal.map(|n| n + 1);
                }
            }
            Action::RevealEnd => {
                if let Some(w) = &mut self.workshop {
                    w.reveal = None;
                }
            }
            Action::RepairStructure => {
                let Some(repair) = crate::document::repair::structure_repair(self.doc.map()) else {
                    return;
                };
                match self.doc.repair(repair.edit) {
                    Ok(()) => {
                        self.edited();
                        self.notice = Some(format!("Repaired: {}.", repair.lines.join("; ")));
                    }
                    Err(e) => self.notice = Some(format!("The repair could not be made: {e}")),
                }
            }
            Action::ShowProblem(path) => self.show_problem(&path),
            Action::Copy => self.copy_steps(ctx),
            Action::Paste(None) => self.paste_steps(self.clip.clone()),
            Action::Paste(Some(text)) => match Clip::from_text(&text) {
                Some(clip) => self.paste_steps(Some(clip)),
                None => self.notice = Some("The clipboard holds text, not copied steps: nothing was pasted.".into()),
            },
            Action::Duplicate => {
                let clip = self.selected_clip();
                self.paste_steps(clip);
            }
            Action::Nudge(dx, dy) => {
                let ids: HashSet<&str> = self.view.selection.steps.iter().map(String::as_str).collect();
                let key = format!(
                    "nudge:{}",
                    self.view.selection.steps.iter().cloned().collect::<Vec<_>>().join(",")
                );
                if let Some(edit) = nudge_edit(self.doc.map(), &ids, dx, dy) {
                    self.apply(edit, Some(key));
                }
            }
            Action::ZoomToSelection => self.view.request_fit_selection(&self.doc),
        }
    }

    /// Selects what the problem at `path` is about, so the inspector shows it.
    pub(super) fn show_problem(&mut self, path: &str) {
        use crate::document::repair::Place;
        let map = self.doc.map();
        self.view.selection = match Place::of(path) {
            Place::Step(i) => map
                .steps
                .get(i)
                .map(|s| Selection {
                    steps: [s.id.clone()].into(),
                    ..Selection::default()
                })
                .unwrap_or_default(),
            Place::Lane(i) => map
                .lanes
                .get(i)
                .map(|l| Selection::only_lane(&l.id))
                .unwrap_or_default(),
            Place::Map | Place::Edge(_) | Place::Pick(_) => Selection::default(),
        };
        self.right_tab = RightTab::Inspector;
    }
}

/// Whether `action` may run while the open map has problems: repairs,
/// looking around, and anything about other maps or the app; no figures
/// out, no structural edits.
pub(super) fn allowed_in_repair(action: &Action) -> bool {
    fn repair_edit(edit: &Edit) -> bool {
        match edit {
            Edit::SetMeta(_) | Edit::UpdateLane(_) | Edit::UpdateSteps(_) => true,
            Edit::Batch(edits) => edits.iter().all(repair_edit),
            _ => false,
        }
    }
    match action {
        Action::Edit { edit, .. } => repair_edit(edit),
        Action::ChooseFile(purpose) | Action::FileChosen { purpose, .. } => !purpose.is_save(),
        Action::Undo
        | Action::Redo
        | Action::SaveNow
        | Action::BackupNow
        | Action::AskRestoreBackup
        | Action::RestoreBackup(_)
        | Action::NewMap
        | Action::OpenMap(_)
        | Action::AskRenameMap
        | Action::RenameMap(_)
        | Action::AskDeleteMap
        | Action::DeleteMap
        | Action::ImportJson
        | Action::SelectAll
        | Action::Deselect
        | Action::FitToMap
        | Action::ZoomToActualSize
        | Action::HighlightLane(_)
        | Action::ToggleFullscreen
        | Action::SetDarkMode(_)
        | Action::ShowShortcuts
        | Action::ShowAbout
        | Action::ShowGuide
        | Action::SelectStep(_)
        | Action::ShowPlan
        | Action::RepairStructure
        | Action::ShowProblem(_) => true,
        _ => false,
    }
}
