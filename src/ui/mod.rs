//! The desktop UI: one panel per file, each a `*_ui` function that reads
//! the document and returns [`Action`]s. Only `app.rs` acts on them.

pub mod theme;

pub mod canvas;
pub mod certainty_chart;
pub mod dialogs;
pub mod evidence;
pub mod fields;
pub mod guide;
pub mod inspector;
pub mod library;
pub mod log_import;
pub mod plan_panel;
pub mod plots;
pub mod progress;
pub mod ranking;
pub mod recovery;
pub mod repair;
pub mod shortcuts;
pub mod step_fields;
pub mod step_grid;
pub mod top_bar;
pub mod window;
pub mod workshop;

use crate::document::edit::Edit;
use crate::store::MapId;

/// Something the user asked for. Panels push these; the app handles them
/// in one place after the frame's UI is laid out.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Change the open map. Edits with the same merge key in quick
    /// succession become one undo step.
    Edit {
        edit: Edit,
        merge_key: Option<String>,
    },
    Undo,
    Redo,
    SaveNow,
    /// Take a backup of the database now.
    BackupNow,
    /// Show the backups to restore from.
    AskRestoreBackup,
    /// Replace the database with this backup (the current one is backed up first).
    RestoreBackup(std::path::PathBuf),
    NewMap,
    OpenMap(MapId),
    DuplicateMap,
    AskRenameMap,
    RenameMap(String),
    AskDeleteMap,
    DeleteMap,
    ImportJson,
    ExportJson,
    ExportCsv,
    AddLane,
    /// Adds a step to the selected lane (or the first), after its last step.
    AddStep,
    /// Adds this step and starts renaming it.
    AddStepAt(crate::domain::model::Step),
    AskDeleteLane(String),
    DeleteLane(String),
    SelectAll,
    DeleteSelection,
    Deselect,
    FitToMap,
    /// Zooms the canvas to 100% around the centre of the view.
    ZoomToActualSize,
    HighlightLane(String),
    ToggleFullscreen,
    SetDarkMode(bool),
    /// View ▸ Number format.
    SetNumberFormat(crate::domain::money::NumberFormat),
    ShowShortcuts,
    /// Pick a lane to fix first (asks first if another lane is active).
    PickLane(String),
    /// Pick it even though another lane is active.
    ConfirmPickLane(String),
    ShowPlan,
    ExportBrief,
    ToggleWorkshop,
    SetWhatIf {
        step_id: String,
        attr: crate::domain::model::Attr,
        value: f64,
    },
    SetWhatIfRates(crate::domain::model::Rates),
    ApplyWhatIfs,
    DiscardWhatIfs,
    RevealStart,
    /// Repair the open map's structure (see `repair::structure_repair`).
    RepairStructure,
    /// Select what the problem at this field path is about.
    ShowProblem(String),
    /// Copy the selected steps (with the edges between them).
    Copy,
    /// Paste steps: the clipboard's text, or (`None`) the last copy.
    Paste(Option<String>),
    /// Copy and paste the selected steps at once.
    Duplicate,
    /// Move the selected steps by this much, in scene units.
    Nudge(f32, f32),
    /// Zoom the canvas to the selected steps or lane.
    ZoomToSelection,
    /// Open Help ▸ How it works.
    ShowGuide,
    /// Open Help ▸ About: the version, what draws the window, the database.
    ShowAbout,
    /// Select this step (from the steps table).
    SelectStep(String),
    RevealNext,
    RevealEnd,
    /// Ask for a file for an import or export (pictures, BPMN, steps CSV).
    ChooseFile(dialogs::FilePurpose),
    /// A file was picked for an import or export.
    FileChosen {
        purpose: dialogs::FilePurpose,
        path: std::path::PathBuf,
    },
}

impl Action {
    pub fn edit(edit: Edit) -> Self {
        Action::Edit { edit, merge_key: None }
    }

    pub fn merged(edit: Edit, merge_key: impl Into<String>) -> Self {
        Action::Edit {
            edit,
            merge_key: Some(merge_key.into()),
        }
    }
}

/// How every panel writes and reads numbers and dates. The app puts it in
/// the context at the start of each frame: the context, not a global, so
/// that each window (and each test harness) has its own.
pub fn formats(ctx: &eframe::egui::Context) -> crate::domain::locale::Formats {
    ctx.data(|d| d.get_temp(formats_id())).unwrap_or_default()
}

/// The number half of [`formats`].
pub fn number_style(ctx: &eframe::egui::Context) -> crate::domain::money::NumberStyle {
    formats(ctx).numbers
}

/// Sets what [`formats`] returns from now on.
pub fn set_formats(ctx: &eframe::egui::Context, formats: crate::domain::locale::Formats) {
    ctx.data_mut(|d| d.insert_temp(formats_id(), formats));
}

fn formats_id() -> eframe::egui::Id {
    eframe::egui::Id::unique("frictionmap-formats")
}

/// Shows `scroll` with `contents`, keeping the keyboard's widget in view: a
/// widget that just took the keyboard inside it (Tab into a field below the
/// fold) is scrolled to, as little as needed. Without this, Tab went on into
/// fields nobody could see.
pub fn scroll_with_focus<R>(
    scroll: eframe::egui::ScrollArea,
    ui: &mut eframe::egui::Ui,
    contents: impl FnOnce(&mut eframe::egui::Ui) -> R,
) -> R {
    scroll
        .show(ui, |ui| {
            let out = contents(ui);
            let gained = ui
                .memory(|m| m.focused())
                .filter(|&id| !ui.memory(|m| m.had_focus_last_frame(id)));
            if let Some(rect) = gained.and_then(|id| ui.ctx().read_response(id)).map(|r| r.rect)
                && ui.min_rect().contains_rect(rect)
            {
                ui.scroll_to_rect(rect, None);
            }
            out
        })
        .inner
}

/// `s` cut to at most `max` characters, with "…" where it was cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
