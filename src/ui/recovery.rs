//! What the window shows when the database cannot be opened (damaged, from
//! a newer version, already open elsewhere), and the list of backups to
//! restore from.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};

use crate::store::backup::Backup;
use crate::ui::theme;

/// Why the workspace did not open.
#[derive(Clone, Debug)]
pub enum StartupProblem {
    /// Another window holds the database.
    AlreadyOpen(String),
    /// The database file was unreadable and has been moved aside.
    Damaged {
        found: String,
        moved_to: Result<PathBuf, String>,
        newest_good: Option<(Backup, usize)>,
    },
    /// The database is from a newer version; it was left untouched.
    TooNew(String),
    Other(String),
}

/// What the user chose on the problem screen.
#[derive(Clone, Debug, PartialEq)]
pub enum RecoveryChoice {
    Retry,
    Restore(PathBuf),
    StartFresh,
    Quit,
}

/// A large button for the problem screen's choices.
fn choice_button(ui: &mut egui::Ui, text: &str) -> bool {
    ui.add(egui::Button::new(RichText::new(text).size(16.0)).min_size(egui::vec2(300.0, 34.0)))
        .clicked()
}

pub fn startup_problem_ui(ui: &mut egui::Ui, problem: &StartupProblem, db: &Path) -> Option<RecoveryChoice> {
    let mut choice = None;
    egui::CentralPanel::default().show(ui, |ui| {
        let width = 680.0_f32.min(ui.available_width());
        ui.add_space(72.0);
        ui.horizontal(|ui| {
            ui.add_space(((ui.available_width() - width) / 2.0).max(0.0));
            egui::Frame::group(ui.style()).inner_margin(28.0).show(ui, |ui| {
                ui.vertical(|ui| {
                    ui.set_width(width - 56.0);
                    ui.spacing_mut().item_spacing.y = 10.0;
                    problem_body(ui, problem, db, &mut choice);
                });
            });
        });
    });
    choice
}

fn heading(ui: &mut egui::Ui, text: &str) {
    ui.label(RichText::new(text).font(theme::bold(24.0)));
    ui.add_space(4.0);
}

fn problem_body(ui: &mut egui::Ui, problem: &StartupProblem, db: &Path, choice: &mut Option<RecoveryChoice>) {
    match problem {
        StartupProblem::AlreadyOpen(message) => {
            heading(ui, "This database is already open in another window");
            ui.label(message.as_str());
            ui.label(
                "Two windows editing the same maps would overwrite each other's work, \
                 so this one waits until the other is closed.",
            );
            ui.add_space(8.0);
            if choice_button(ui, "Try again") {
                *choice = Some(RecoveryChoice::Retry);
            }
            if choice_button(ui, "Quit") {
                *choice = Some(RecoveryChoice::Quit);
            }
        }
        StartupProblem::Damaged {
            found,
            moved_to,
            newest_good,
        } => {
            heading(ui, "The database was damaged");
            ui.label(RichText::new(found.as_str()).color(theme::ERROR));
            match moved_to {
                Ok(path) => ui.label(format!(
                    "Nothing was deleted: the damaged file was moved aside to {}.",
                    path.display()
                )),
                Err(e) => ui.label(
                    RichText::new(format!(
                        "The damaged file could not be moved aside ({e}), so nothing else was done."
                    ))
                    .color(theme::ERROR),
                ),
            };
            ui.add_space(8.0);
            if moved_to.is_ok() {
                match newest_good {
                    Some((backup, maps)) => {
                        ui.label(format!(
                            "The newest good backup is from {} ({}) and holds {maps} maps. \
                             Changes saved after that time are not in it.",
                            backup.taken_at.format("%Y-%m-%d %H:%M"),
                            backup.reason.label()
                        ));
                        if choice_button(ui, "Restore the newest good backup") {
                            *choice = Some(RecoveryChoice::Restore(backup.path.clone()));
                        }
                    }
                    None => {
                        ui.label("No good backup was found.");
                    }
                }
                if choice_button(ui, "Start fresh with the sample maps") {
                    *choice = Some(RecoveryChoice::StartFresh);
                }
            }
            if choice_button(ui, "Quit") {
                *choice = Some(RecoveryChoice::Quit);
            }
        }
        StartupProblem::TooNew(message) => {
            heading(ui, "This database is from a newer version of Friction Map");
            ui.label(message.as_str());
            ui.label("Open it with the newer version, or start this one with --db PATH to use another file.");
            ui.add_space(8.0);
            if choice_button(ui, "Quit") {
                *choice = Some(RecoveryChoice::Quit);
            }
        }
        StartupProblem::Other(message) => {
            heading(ui, "Friction Map could not open its database");
            ui.label(RichText::new(message.as_str()).color(theme::ERROR));
            ui.label(format!(
                "Nothing was changed. The database is {}. Start Friction Map with --db PATH to use another file.",
                db.display()
            ));
            ui.add_space(8.0);
            if choice_button(ui, "Try again") {
                *choice = Some(RecoveryChoice::Retry);
            }
            if choice_button(ui, "Quit") {
                *choice = Some(RecoveryChoice::Quit);
            }
        }
    }
}

/// The body of the "Restore from backup" dialog: a list to choose from and
/// the button. Returns the chosen backup when the user confirms.
pub fn restore_dialog_ui(ui: &mut egui::Ui, backups: &[Backup], selected: &mut Option<usize>) -> Option<PathBuf> {
    ui.heading("Restore from backup");
    ui.add_space(4.0);
    if backups.is_empty() {
        ui.label("There are no backups yet. One is taken at start-up and every 30 minutes while you edit.");
        return None;
    }
    ui.label("Pick a backup. The current database is backed up first, so a restore can itself be undone here.");
    ui.add_space(6.0);
    egui::ScrollArea::vertical().max_height(260.0).show(ui, |ui| {
        for (i, backup) in backups.iter().enumerate() {
            ui.radio_value(selected, Some(i), backup.summary());
        }
    });
    if let Some(folder) = backups[0].path.parent() {
        ui.weak(format!("Kept in {}", folder.display()));
    }
    ui.add_space(8.0);
    let chosen = selected.and_then(|i| backups.get(i));
    if ui
        .add_enabled(chosen.is_some(), egui::Button::new("Restore this backup"))
        .clicked()
    {
        return chosen.map(|b| b.path.clone());
    }
    None
}
