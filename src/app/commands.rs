//! System work: file dialogs, reading and writing the files they name,
//! backups and restores. A panel's [`Action`](crate::ui::Action) says what
//! the user wants; when that needs the system, `Workspace::handle` queues a
//! [`Command`], and the app drains the queue in one place after each frame
//! (`FrictionApp::ui` → [`FrictionApp::run_commands`]). A restore, which
//! closes the workspace, is one of them, not a flag beside them.

use std::path::PathBuf;

use eframe::egui;

use super::{FrictionApp, Screen, Workspace};
use crate::store::backup;
use crate::ui::dialogs::FilePurpose;

/// A piece of system work, queued by `Workspace::handle`.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Ask for a file (a native dialog, or the path field without one).
    ChooseFile(FilePurpose),
    /// Read or write the file chosen for `purpose`.
    UseFile { purpose: FilePurpose, path: PathBuf },
    /// Take a backup of the database now.
    TakeBackup,
    /// Replace the database with this backup, closing the workspace first.
    Restore(PathBuf),
}

impl FrictionApp {
    /// Carries out the commands the frame queued, in order. A restore
    /// replaces the workspace, so the commands after it are dropped.
    pub(super) fn run_commands(&mut self, ctx: &egui::Context, commands: Vec<Command>) {
        for command in commands {
            let Screen::Ready(ws) = &mut self.screen else { return };
            match command {
                Command::ChooseFile(purpose) => ws.pick_file(purpose),
                Command::UseFile { purpose, path } => ws.file_chosen(purpose, path),
                Command::TakeBackup => ws.take_backup(),
                Command::Restore(path) => {
                    self.restore(ctx, path);
                    return;
                }
            }
        }
    }
}

impl Workspace {
    /// Queues system work for the app to carry out after the frame.
    pub(super) fn queue(&mut self, command: Command) {
        self.commands.push(command);
    }

    fn take_backup(&mut self) {
        self.flush();
        self.notice = Some(match backup::take(&self.store, backup::Reason::Manual) {
            Ok(b) => format!("Backed up to {}.", b.path.display()),
            Err(e) => format!("The backup failed: {e}"),
        });
    }
}
