//! The dialog shown while a file is imported off the UI thread: what is
//! read, how far, and a way to cancel.

use eframe::egui::{self, Id, Modal};

/// What the progress dialog shows.
pub struct ProgressView {
    pub file: String,
    pub read: u64,
    pub total: u64,
    /// Which reading of the file this is: an event log is read a second
    /// time when its cases are out of time order or its percentiles need it.
    pub reading: u64,
}

/// Shows the progress of an import. Returns true when the user cancels.
pub fn import_progress_ui(ctx: &egui::Context, view: &ProgressView) -> bool {
    let mut cancel = false;
    Modal::new(Id::unique("import-progress")).show(ctx, |ui| {
        ui.set_max_width(460.0);
        ui.heading("Importing…");
        ui.add(egui::Label::new(&view.file).truncate());
        let megabytes = |bytes: u64| bytes as f64 / 1_048_576.0;
        let fmt = crate::ui::number_style(ui.ctx());
        if view.total > 0 && view.read < view.total {
            ui.add(
                egui::ProgressBar::new(view.read as f32 / view.total as f32).text(format!(
                    "{} of {} MB read{}",
                    fmt.thousands(megabytes(view.read), 1),
                    fmt.thousands(megabytes(view.total), 1),
                    if view.reading > 1 { " again" } else { "" }
                )),
            );
        } else {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Checking the file…");
            });
        }
        ui.add_space(6.0);
        cancel = ui.button("Cancel").clicked();
    });
    cancel
}
