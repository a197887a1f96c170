//! What the window shows when the database cannot be opened (damaged, from
//! a newer version, already open elsewhere), and the list of backups to
//! restore from.

use std::path::{Path, PathBuf};

use eframe::egui::{self, RichText};

use crate::store::backup::Backup;
use crate::theme;

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

pub fn startup_problem_ui(ui: &mut egui::Ui, problem: &StartupProblem, db: &Path) -> Option<RecoveryChoice> {
    let mut choice = None;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.add_space(24.0);
        ui.vertical(|ui| {
            ui.set_max_width(760.0);
            match problem {
                StartupProblem::AlreadyOpen(message) => {
                    ui.heading("This database is already open in another window");
                    ui.add_space(8.0);
                    ui.label(message.as_str());
                    ui.label(
                        "Two windows editing the same maps would overwrite each other's work, so this one waits. \
                         Close the other Friction Map window, then try again.",
                    );
                    ui.add_space(12.0);
                    ui.horizontal(|ui| {
                        if ui.button("Try again").clicked() {
                            choice = Some(RecoveryChoice::Retry);
                        }
                        if ui.button("Quit").clicked() {
                            choice = Some(RecoveryChoice::Quit);
                        }
                    });
                }
                StartupProblem::Damaged {
                    found,
                    moved_to,
                    newest_good,
                } => {
                    ui.heading("The database was damaged");
                    ui.add_space(8.0);
                    ui.label(RichText::new(found.as_str()).color(theme::ERROR));
                    ui.add_space(4.0);
                    match moved_to {
                        Ok(path) => ui.label(format!(
                            "Nothing was deleted: the damaged file was moved aside to {}.",
                            path.display()
                        )),
                        Err(e) => ui.label(
                            RichText::new(format!("The damaged file could not be moved aside ({e}).")).color(theme::ERROR),
                        ),
                    };
                    ui.add_space(12.0);
                    if moved_to.is_ok() {
                        match newest_good {
                            Some((backup, maps)) => {
                                ui.label(format!(
                                    "The newest good backup was taken {} and holds {maps} maps.",
                                    backup.summary()
                                ));
                                ui.add_space(6.0);
                                if ui.button("Restore the newest good backup").clicked() {
                                    choice = Some(RecoveryChoice::Restore(backup.path.clone()));
                                }
                            }
                            None => {
                                ui.label("No good backup was found.");
                            }
                        }
                        ui.add_space(6.0);
                        if ui.button("Start fresh with the sample maps").clicked() {
                            choice = Some(RecoveryChoice::StartFresh);
                        }
                    }
                    if ui.button("Quit").clicked() {
                        choice = Some(RecoveryChoice::Quit);
                    }
                }
                StartupProblem::TooNew(message) => {
                    ui.heading("This database is from a newer version of Friction Map");
                    ui.add_space(8.0);
                    ui.label(message.as_str());
                    ui.label("Open it with the newer version, or start this one with --db PATH to use another file.");
                    ui.add_space(12.0);
                    if ui.button("Quit").clicked() {
                        choice = Some(RecoveryChoice::Quit);
                    }
                }
                StartupProblem::Other(message) => {
                    ui.heading("Friction Map could not open its database");
                    ui.add_space(8.0);
                    ui.label(RichText::new(message.as_str()).color(theme::ERROR));
                    ui.label(format!(
                        "Nothing was changed. The database is {}. Start Friction Map with --db PATH to use another file.",
                        db.display()
                    ));
                    ui.add_space(12.0);
                    ui.horizontal(|ui| {
                        if ui.button("Try again").clicked() {
                            choice = Some(RecoveryChoice::Retry);
                        }
                        if ui.button("Quit").clicked() {
                            choice = Some(RecoveryChoice::Quit);
                        }
                    });
                }
            }
        });
    });
    choice
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
