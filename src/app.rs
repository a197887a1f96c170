//! The desktop app: lays out the panels each frame, then handles the
//! actions they returned in one place ([`Workspace::handle`]), which is
//! where undo, autosave and file dialogs hook in.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui::{self, ViewportCommand};

use crate::autobackup::AutoBackup;
use crate::autosave::{SaveState, Saver};
use crate::clipboard::{Clip, nudge_edit};
use crate::document::Document;
use crate::edit::{Edit, MapMeta, RemovedLane};
use crate::fsutil::atomic_write;
use crate::instance::{InstanceLock, LockError};
use crate::locale::Formats;
use crate::mapfile::to_json;
use crate::model::{Lane, Map, Step};
use crate::money::NumberFormat;
use crate::ranking_csv::ranking_csv;
use crate::samples::seed_if_empty;
use crate::store::backup::{self, Replaced};
use crate::store::{MapId, MapSummary, Store, StoreError};
use crate::theme;
use crate::ui::Action;
use crate::ui::canvas::{CanvasView, RenameTarget, Selection, canvas_ui};
use crate::ui::dialogs::{Dialog, FilePurpose, dialog_ui, with_extension};
use crate::ui::guide::guide_window;
use crate::ui::inspector::inspector_ui;
use crate::ui::library::library_ui;
use crate::ui::plan_panel::{PlanView, plan_ui};
use crate::ui::progress::import_progress_ui;
use crate::ui::ranking::ranking_ui;
use crate::ui::recovery::{RecoveryChoice, StartupProblem, startup_problem_ui};
use crate::ui::repair::repair_ui;
use crate::ui::shortcuts::{handle_shortcuts, shortcuts_window};
use crate::ui::step_grid::{StepGridState, step_grid_ui};
use crate::ui::top_bar::{SaveIndicator, TopBarState, top_bar_ui};
use crate::ui::window::{self, WindowLayout};
use crate::ui::workshop::{WORKSHOP_ZOOM, Workshop, what_if_ui, workshop_bar_ui, workshop_ranking_ui};

mod imports;
mod interchange;

pub use imports::ImportJob;

/// Quiet time after the last edit before autosave writes.
const AUTOSAVE_DELAY: Duration = Duration::from_millis(400);
/// How often a failed save is retried.
const RETRY_DELAY: Duration = Duration::from_secs(3);
/// A native dialog that returns this fast without a file never opened.
const NO_DIALOG_THRESHOLD: Duration = Duration::from_millis(300);

const LAST_MAP_KEY: &str = "last_map_id";
const THEME_KEY: &str = "theme";

/// How the app starts.
#[derive(Clone, Debug)]
pub struct AppConfig {
    pub db_path: PathBuf,
    /// Use the platform's file dialogs; when false, a path field is used.
    pub native_dialogs: bool,
    /// When set, the time from this instant to the first frame is printed.
    pub report_first_frame_since: Option<Instant>,
    /// While edits happen, the database is backed up at most this often.
    pub backup_period: Duration,
    /// The date taken as today (picks, briefs, readiness dates); `None`
    /// reads the computer's clock. Tests fix it so pictures stay put.
    pub today: Option<chrono::NaiveDate>,
    /// Open Help ▸ How it works on the first run (a new database).
    pub first_run_guide: bool,
    /// The computer's locale (`de-DE`), which View ▸ Number format
    /// "Automatic" and the date form follow. Tests fix it.
    pub locale: String,
}

impl AppConfig {
    /// The defaults for the database at `db_path`.
    pub fn new(db_path: PathBuf) -> Self {
        Self {
            db_path,
            native_dialogs: true,
            report_first_frame_since: None,
            backup_period: backup::PERIOD,
            today: None,
            first_run_guide: true,
            locale: crate::locale::system_locale(),
        }
    }
}

/// The app: the workspace, or the screen that explains why it could not open.
pub struct FrictionApp {
    config: AppConfig,
    screen: Screen,
    /// Held while the workspace is open, so no second window writes to the
    /// same database.
    lock: Option<InstanceLock>,
    report_first_frame_since: Option<Instant>,
}

enum Screen {
    Ready(Box<Workspace>),
    Problem(StartupProblem),
}

impl FrictionApp {
    pub fn new(ctx: &egui::Context, config: AppConfig) -> Self {
        theme::install_fonts(ctx);
        let mut app = Self {
            report_first_frame_since: config.report_first_frame_since,
            config,
            screen: Screen::Problem(StartupProblem::Other(String::new())),
            lock: None,
        };
        app.start(ctx, None);
        app
    }

    /// Opens the workspace, or finds out what stands in the way. A damaged
    /// database is moved aside here, before anything else touches it.
    fn start(&mut self, ctx: &egui::Context, notice: Option<String>) {
        let db = &self.config.db_path;
        if self.lock.is_none() {
            match InstanceLock::acquire(db) {
                Ok(lock) => self.lock = Some(lock),
                Err(e) => {
                    self.screen = Screen::Problem(match e {
                        LockError::AlreadyOpen(_) => StartupProblem::AlreadyOpen(e.to_string()),
                        LockError::Io { .. } => StartupProblem::Other(e.to_string()),
                    });
                    ctx.set_theme(egui::Theme::Light);
                    return;
                }
            }
        }
        self.screen = match Workspace::open(ctx, self.config.clone()) {
            Ok(mut ws) => {
                if notice.is_some() {
                    ws.notice = notice;
                }
                Screen::Ready(Box::new(ws))
            }
            Err(e) => Screen::Problem(match e.downcast_ref::<StoreError>() {
                Some(store_error) if store_error.is_damage() => StartupProblem::Damaged {
                    found: store_error.to_string(),
                    moved_to: backup::move_aside(db, "corrupt").map_err(|e| e.to_string()),
                    newest_good: backup::newest_good(db),
                },
                Some(StoreError::TooNew { .. }) => StartupProblem::TooNew(format!("{e:#}")),
                _ => StartupProblem::Other(format!("{e:#}")),
            }),
        };
        if !matches!(self.screen, Screen::Ready(_)) {
            self.lock = None;
            ctx.set_theme(egui::Theme::Light);
        }
    }

    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.screen {
            Screen::Ready(ws) => Some(ws),
            Screen::Problem(_) => None,
        }
    }

    pub fn workspace_mut(&mut self) -> Option<&mut Workspace> {
        match &mut self.screen {
            Screen::Ready(ws) => Some(ws),
            Screen::Problem(_) => None,
        }
    }

    /// Why the workspace is not open, if it is not.
    pub fn startup_problem(&self) -> Option<&StartupProblem> {
        match &self.screen {
            Screen::Ready(_) => None,
            Screen::Problem(problem) => Some(problem),
        }
    }

    /// Closes the workspace (saving everything), replaces the database with
    /// the backup, and opens it again.
    fn restore(&mut self, ctx: &egui::Context, backup_path: PathBuf) {
        if let Screen::Ready(ws) = &mut self.screen {
            ws.flush();
        }
        // Dropping the workspace stops its save and backup threads, so no
        // connection to the database is left open.
        self.screen = Screen::Problem(StartupProblem::Other(String::new()));
        let notice = match backup::restore(&backup_path, &self.config.db_path) {
            Ok(replaced) => {
                let name = backup_path.file_name().unwrap_or_default().to_string_lossy();
                let before = match replaced {
                    Replaced::BackedUp(p) | Replaced::MovedAside(p) => {
                        format!(" The database it replaced was kept as {}.", p.display())
                    }
                    Replaced::Nothing => String::new(),
                };
                format!("Restored the backup {name}.{before}")
            }
            Err(e) => format!("The backup was not restored: {e}. Nothing was changed."),
        };
        self.start(ctx, Some(notice));
    }
}

impl eframe::App for FrictionApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Reported once the first frame is laid out, so its cost is counted.
        let report_first_frame_since = self.report_first_frame_since.take();
        let ctx = ui.ctx().clone();
        match &mut self.screen {
            Screen::Ready(ws) => {
                ws.ui(ui);
                if let Some(path) = ws.restore_request.take() {
                    self.restore(&ctx, path);
                }
            }
            Screen::Problem(problem) => match startup_problem_ui(ui, problem, &self.config.db_path) {
                Some(RecoveryChoice::Retry | RecoveryChoice::StartFresh) => self.start(&ctx, None),
                Some(RecoveryChoice::Restore(path)) => self.restore(&ctx, path),
                Some(RecoveryChoice::Quit) => ctx.send_viewport_cmd(ViewportCommand::Close),
                None => {}
            },
        }
        if let Some(since) = report_first_frame_since {
            eprintln!("first frame after {:.0} ms", since.elapsed().as_secs_f64() * 1000.0);
        }
    }

    fn on_exit(&mut self) {
        if let Screen::Ready(ws) = &mut self.screen {
            ws.flush();
        }
    }
}

/// What the middle of the window shows: the canvas, or the steps table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CentralTab {
    Map,
    Steps,
}

/// What the right-hand panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RightTab {
    Inspector,
    Plan,
}

impl RightTab {
    /// The key of the tab in the store's settings table: a team carrying a
    /// lane through finds the Plan tab open again after a restart.
    const SETTING_KEY: &str = "right_tab";

    fn key(self) -> &'static str {
        match self {
            RightTab::Inspector => "inspector",
            RightTab::Plan => "plan",
        }
    }

    fn from_key(key: &str) -> Self {
        if key == "plan" {
            RightTab::Plan
        } else {
            RightTab::Inspector
        }
    }
}

/// An open database with one map open for editing.
pub struct Workspace {
    store: Store,
    saver: Saver,
    backups: AutoBackup,
    /// Set when the user chose a backup to restore; the app carries it out
    /// after the frame, because it must close this workspace first.
    pub restore_request: Option<PathBuf>,
    maps: Vec<MapSummary>,
    doc: Document,
    pub view: CanvasView,
    pub right_tab: RightTab,
    /// The tab last written to the settings table.
    stored_right_tab: RightTab,
    pub central_tab: CentralTab,
    step_grid: StepGridState,
    plan_view: PlanView,
    /// Where the window's parts were in the last frame.
    pub window: WindowLayout,
    /// Set while workshop mode is on.
    pub workshop: Option<Workshop>,
    /// The UI zoom and look to restore when the workshop ends.
    before_workshop: (f32, bool),
    search: String,
    pub dialog: Option<Dialog>,
    show_shortcuts: bool,
    /// Help ▸ How it works is open; it opens by itself on the first run.
    show_guide: bool,
    /// Whether a text field had the keyboard at the end of the last frame.
    typing: bool,
    /// The widget that had the keyboard at the end of the last frame.
    focused: Option<egui::Id>,
    dark_mode: bool,
    /// View ▸ Number format, and the computer's locale it may follow.
    number_format: NumberFormat,
    locale: String,
    /// How numbers and dates are shown, from the two above.
    pub formats: Formats,
    fullscreen: bool,
    native_dialogs: bool,
    /// See [`AppConfig::today`].
    fixed_today: Option<chrono::NaiveDate>,
    last_edit: Instant,
    sent_revision: u64,
    notice: Option<String>,
    /// The number of problems of each map with problems, as far as checked.
    problems: HashMap<MapId, usize>,
    /// Results of the check of every stored map that runs after start-up.
    library_check: Option<std::sync::mpsc::Receiver<(MapId, usize)>>,
    /// The file being imported, if any.
    import: Option<ImportJob>,
    /// The steps copied last, for Edit ▸ Paste (Ctrl+V reads the system
    /// clipboard).
    clip: Option<Clip>,
}

impl Workspace {
    /// Opens the database (seeding the samples on first run) and the last map.
    pub fn open(ctx: &egui::Context, config: AppConfig) -> anyhow::Result<Self> {
        let mut store = Store::open(&config.db_path)?;
        let seeded = seed_if_empty(&mut store)?;
        let mut notices = recover_orphans(&mut store)?;
        let mut maps = store.list()?;
        if maps.is_empty() {
            store.create(&Map::new("Untitled map"))?;
            maps = store.list()?;
        }
        let last = store
            .setting(LAST_MAP_KEY)?
            .and_then(|v| v.parse().ok())
            .map(MapId)
            .filter(|id| maps.iter().any(|m| m.id == *id));
        let id = last.unwrap_or(maps[0].id);
        let loaded = store.load_checked(id)?;
        notices.extend(notes_notice(&loaded));
        let doc = Document::with_problems(id, loaded.map, loaded.problems.0, loaded.notes);
        store.set_setting(LAST_MAP_KEY, &id.0.to_string())?;
        let dark_mode = store.setting(THEME_KEY)?.as_deref() == Some("dark");
        ctx.set_theme(if dark_mode {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        });
        let right_tab = store
            .setting(RightTab::SETTING_KEY)?
            .map_or(RightTab::Inspector, |v| RightTab::from_key(&v));
        let number_format = store
            .setting(NumberFormat::SETTING_KEY)?
            .map_or_else(NumberFormat::default, |v| NumberFormat::from_key(&v));
        let now = Instant::now();
        Ok(Self {
            saver: {
                let ctx = ctx.clone();
                Saver::start(config.db_path.clone(), move || ctx.request_repaint())
            },
            backups: AutoBackup::start(config.db_path.clone(), config.backup_period),
            restore_request: None,
            store,
            maps,
            doc,
            view: CanvasView::default(),
            right_tab,
            stored_right_tab: right_tab,
            central_tab: CentralTab::Map,
            step_grid: StepGridState::default(),
            plan_view: PlanView::default(),
            window: WindowLayout::default(),
            workshop: None,
            before_workshop: (1.0, false),
            search: String::new(),
            dialog: None,
            show_shortcuts: false,
            show_guide: seeded > 0 && config.first_run_guide,
            typing: false,
            focused: None,
            dark_mode,
            number_format,
            formats: Formats::chosen(number_format, &config.locale),
            locale: config.locale,
            fullscreen: false,
            native_dialogs: config.native_dialogs,
            fixed_today: config.today,
            last_edit: now,
            sent_revision: 0,
            notice: (!notices.is_empty()).then(|| notices.join(" ")),
            problems: HashMap::new(),
            library_check: Some(check_library(config.db_path.clone(), ctx.clone())),
            import: None,
            clip: None,
        })
    }

    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// Today's date, as the configuration fixes it or the clock says.
    fn today(&self) -> chrono::NaiveDate {
        self.fixed_today.unwrap_or_else(today)
    }

    pub fn maps(&self) -> &[MapSummary] {
        &self.maps
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn save_indicator(&self) -> SaveIndicator {
        match self.saver.status().state {
            SaveState::Failed(why) if !self.doc.is_saved() => SaveIndicator::Failed(why),
            _ if self.doc.is_saved() => SaveIndicator::Saved,
            _ => SaveIndicator::Saving,
        }
    }

    /// Writes the right-hand tab to the settings table when it changed.
    fn remember_right_tab(&mut self) {
        if self.right_tab == self.stored_right_tab {
            return;
        }
        self.stored_right_tab = self.right_tab;
        if let Err(e) = self.store.set_setting(RightTab::SETTING_KEY, self.right_tab.key()) {
            self.notice = Some(format!("Could not remember the open tab: {e}"));
        }
    }

    /// Lays out one frame and handles what the user did in it.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        crate::ui::set_formats(&ctx, self.formats);
        self.note_problems();
        let mut actions = Vec::new();
        if self.dialog.is_none() && !self.view.is_renaming() {
            // F5 toggles the workshop; Esc leaves it when no field has the keyboard.
            ctx.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, egui::Key::F5) {
                    actions.push(Action::ToggleWorkshop);
                }
                if self.workshop.is_some() && !self.typing && i.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
                    actions.push(Action::ToggleWorkshop);
                }
            });
            handle_shortcuts(
                &ctx,
                self.typing,
                self.view.has_keyboard,
                self.workshop.is_none(),
                &mut actions,
            );
        }
        if self.workshop.is_some() {
            self.workshop_ui(ui, &mut actions);
        } else {
            self.editor_ui(ui, &mut actions);
        }
        dialog_ui(&ctx, &mut self.dialog, &mut actions);
        shortcuts_window(&ctx, &mut self.show_shortcuts);
        guide_window(&ctx, &mut self.show_guide, &self.doc);
        self.import_tick(&ctx);

        self.typing = ctx.text_edit_focused();
        // Typing merges into one undo step per visit to a field: moving the
        // keyboard elsewhere ends the run, even to a field with the same
        // merge key (a lane's owner is edited in the inspector and the plan).
        let focused = ctx.memory(|m| m.focused());
        if focused != self.focused {
            self.doc.seal_history();
            self.focused = focused;
        }
        for action in actions {
            self.handle(&ctx, action);
        }
        self.remember_right_tab();
        self.autosave_tick(&ctx);
    }

    fn editor_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        self.view.figures_hidden = false;
        let top = TopBarState {
            can_undo: self.doc.can_undo(),
            can_redo: self.doc.can_redo(),
            save: self.save_indicator(),
            dark_mode: self.dark_mode,
            number_format: self.number_format,
            active_picks: crate::plan::active_picks(self.doc.map()).len(),
        };
        egui::Panel::top("top-bar").show(ui, |ui| top_bar_ui(ui, &top, actions));
        if let Some(notice) = &self.notice {
            let mut dismiss = false;
            egui::Panel::bottom("notice").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(notice.as_str());
                    dismiss = ui.small_button("Dismiss").clicked();
                });
            });
            if dismiss {
                self.notice = None;
            }
        }
        let window_w = ui.available_width();
        self.window.library = window::library(window_w)
            .apply(egui::Panel::left("library").resizable(true))
            .show(ui, |ui| {
                library_ui(ui, &self.maps, &self.problems, self.doc.id, &mut self.search, actions)
            })
            .response
            .rect;
        let other_names = self.other_map_names();
        let today = self.today();
        self.window.inspector = window::inspector(window_w)
            .apply(egui::Panel::right("inspector").resizable(true))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let active = crate::plan::active_picks(self.doc.map()).len();
                    let plan_label = if active > 1 {
                        format!("Plan ({active} active!)")
                    } else {
                        "Plan".to_owned()
                    };
                    ui.selectable_value(&mut self.right_tab, RightTab::Inspector, "Inspector");
                    ui.selectable_value(&mut self.right_tab, RightTab::Plan, plan_label);
                });
                ui.separator();
                // Text wraps at the panel's width; what cannot wrap (a long
                // word, a table) scrolls sideways instead of widening the panel.
                match self.right_tab {
                    RightTab::Inspector => {
                        egui::ScrollArea::horizontal()
                            .id_salt("inspector-sideways")
                            .auto_shrink([false, false])
                            .show(ui, |ui| {
                                inspector_ui(ui, &self.doc, &self.view.selection, &other_names, actions)
                            });
                    }
                    RightTab::Plan if self.doc.has_problems() => {
                        ui.label("The plan is shown once the map's problems are fixed.");
                    }
                    RightTab::Plan => {
                        crate::ui::scroll_with_focus(egui::ScrollArea::both().auto_shrink([false, false]), ui, |ui| {
                            plan_ui(ui, &self.doc, today, &mut self.plan_view, actions);
                        });
                    }
                }
            })
            .response
            .rect;
        if self.doc.has_problems() {
            egui::CentralPanel::default().show(ui, |ui| repair_ui(ui, &self.doc, actions));
            return;
        }
        let picked: Vec<&str> = crate::plan::active_picks(self.doc.map())
            .iter()
            .map(|p| p.lane.as_str())
            .collect();
        let effort: Vec<(String, f64)> = self
            .doc
            .map()
            .lanes
            .iter()
            .filter_map(|l| Some((l.id.clone(), l.effort_weeks?)))
            .collect();
        let ranking = window::ranking(ui.available_height())
            .apply(egui::Panel::bottom("ranking").resizable(true))
            .show(ui, |ui| {
                ranking_ui(
                    ui,
                    self.doc.ranking(),
                    self.view.highlight_lane.as_deref(),
                    &picked,
                    &effort,
                    actions,
                )
            });
        self.window.ranking = ranking.response.rect;
        self.window.ranking_table = ranking.inner.table;
        self.window.ranking_chart = ranking.inner.chart;
        let canvas_bg = theme::Palette::for_visuals(ui.visuals()).canvas_bg;
        egui::Panel::top("central-tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.central_tab, CentralTab::Map, "Canvas");
                ui.selectable_value(&mut self.central_tab, CentralTab::Steps, "Steps table");
            });
        });
        if self.central_tab == CentralTab::Steps {
            // The canvas is not shown, so the map keys have nowhere to act.
            self.view.has_keyboard = false;
            egui::CentralPanel::default().show(ui, |ui| {
                step_grid_ui(ui, &self.doc, &self.view.selection, &mut self.step_grid, actions);
            });
            return;
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(canvas_bg))
            .show(ui, |ui| {
                canvas_ui(ui, &self.doc, &mut self.view, actions);
                self.window.canvas = self.view.on_screen;
                if self.doc.map().steps.is_empty() {
                    empty_map_hint(ui, self.view.on_screen, actions);
                }
            });
    }

    fn workshop_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Some(workshop) = self.workshop.as_mut() else { return };
        egui::Panel::top("workshop-bar").show(ui, |ui| workshop_bar_ui(ui, &self.doc, workshop, actions));
        let window_w = ui.available_width();
        self.window.inspector = window::what_if(window_w)
            .apply(egui::Panel::right("what-if").resizable(true))
            .show(ui, |ui| {
                crate::ui::scroll_with_focus(egui::ScrollArea::vertical().auto_shrink([false, false]), ui, |ui| {
                    what_if_ui(ui, &self.doc, workshop, &self.view.selection, actions)
                });
            })
            .response
            .rect;
        self.window.library = egui::Rect::NOTHING;
        let saved_ranking = self.doc.ranking().clone();
        let shown = workshop.view_document(&self.doc);
        let shown_ranking = shown.ranking().clone();
        let ranking = window::workshop_ranking(ui.available_height())
            .apply(egui::Panel::bottom("workshop-ranking").resizable(true))
            .show(ui, |ui| {
                workshop_ranking_ui(ui, &saved_ranking, &shown_ranking, workshop)
            });
        self.window.ranking = ranking.response.rect;
        self.window.ranking_table = ranking.inner.table;
        self.window.ranking_chart = ranking.inner.chart;
        let canvas_bg = theme::Palette::for_visuals(ui.visuals()).canvas_bg;
        // Until the ranking is revealed, the canvas gives no figure away.
        self.view.figures_hidden = workshop.reveal.is_some_and(|n| n < shown_ranking.lanes.len());
        // The room looks at the what-if map; the canvas only selects here.
        let mut canvas_actions = Vec::new();
        let shown = workshop.view_document(&self.doc);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(canvas_bg))
            .show(ui, |ui| canvas_ui(ui, shown, &mut self.view, &mut canvas_actions));
        self.window.canvas = self.view.on_screen;
        actions.extend(
            canvas_actions
                .into_iter()
                .filter(|a| matches!(a, Action::HighlightLane(_))),
        );
    }

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
            Action::BackupNow => {
                self.flush();
                self.notice = Some(match backup::take(&self.store, backup::Reason::Manual) {
                    Ok(b) => format!("Backed up to {}.", b.path.display()),
                    Err(e) => format!("The backup failed: {e}"),
                });
            }
            Action::AskRestoreBackup => {
                self.dialog = Some(Dialog::RestoreBackup {
                    backups: self.store.path().map(backup::list).unwrap_or_default(),
                    selected: None,
                });
            }
            Action::RestoreBackup(path) => self.restore_request = Some(path),
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
            Action::ImportJson => self.pick_file(FilePurpose::ImportJson),
            Action::ExportJson => self.pick_file(FilePurpose::ExportJson),
            Action::ExportCsv => self.pick_file(FilePurpose::ExportCsv),
            Action::ChooseFile(purpose) => self.pick_file(purpose),
            Action::FileChosen { purpose, path } => self.file_chosen(purpose, path),
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
                    self.pick_file(FilePurpose::ExportBrief);
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
                let Some(repair) = crate::repair::structure_repair(self.doc.map()) else {
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

    /// The selected steps as a clip, if any are selected.
    fn selected_clip(&self) -> Option<Clip> {
        let ids: HashSet<&str> = self.view.selection.steps.iter().map(String::as_str).collect();
        Clip::of(self.doc.map(), &ids)
    }

    fn copy_steps(&mut self, ctx: &egui::Context) {
        let Some(clip) = self.selected_clip() else {
            self.notice = Some("Select steps to copy first.".to_owned());
            return;
        };
        ctx.copy_text(clip.to_text());
        self.notice = Some(format!("Copied {} step(s).", clip.steps.len()));
        self.clip = Some(clip);
    }

    /// Pastes `clip` into the selected lane (or the steps' own lanes), and
    /// selects what was pasted.
    fn paste_steps(&mut self, clip: Option<Clip>) {
        let Some(clip) = clip else {
            self.notice = Some("Nothing to paste: copy steps first (Ctrl+C).".to_owned());
            return;
        };
        match clip.paste_edit(self.doc.map(), self.view.selection.lane.as_deref()) {
            Ok((edit, ids)) => {
                self.apply(edit, None);
                if let Some(first) = ids.first() {
                    self.view.reveal_step(&self.doc, first);
                }
                self.view.selection = Selection {
                    steps: ids.into_iter().collect(),
                    ..Selection::default()
                };
            }
            Err(why) => self.notice = Some(format!("Nothing was pasted: {why}")),
        }
    }

    /// Selects what the problem at `path` is about, so the inspector shows it.
    fn show_problem(&mut self, path: &str) {
        use crate::repair::Place;
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

    fn apply(&mut self, edit: Edit, merge_key: Option<String>) {
        match self.doc.apply(edit, merge_key) {
            Ok(()) => self.edited(),
            Err(e) => self.notice = Some(format!("That change could not be made: {e}")),
        }
    }

    fn edited(&mut self) {
        self.last_edit = Instant::now();
        self.view.selection.retain_existing(&self.doc);
    }

    /// Sends the open map to the save thread if it has unsaved changes.
    fn send_save(&mut self) {
        if self.doc.is_saved() {
            return;
        }
        // After a failed save the thread may lack an earlier snapshot, so it
        // gets the whole map again.
        if matches!(self.saver.status().state, SaveState::Failed(_)) {
            self.doc.send_whole_next();
        }
        self.saver
            .save(self.doc.id, self.doc.revision(), self.doc.take_snapshot());
        self.sent_revision = self.doc.revision();
        self.backups.note_edit();
    }

    fn autosave_tick(&mut self, ctx: &egui::Context) {
        let status = self.saver.status();
        if let Some(saved) = status.saved_revision(self.doc.id) {
            let was_saved = self.doc.is_saved();
            self.doc.mark_saved(saved);
            if !was_saved && self.doc.is_saved() {
                self.refresh_library();
            }
        }
        if self.doc.is_saved() {
            return;
        }
        let due = match status.state {
            // Retry a while after the failed attempt ended.
            SaveState::Failed(_) => !status.in_flight && status.finished_at.is_none_or(|t| t.elapsed() >= RETRY_DELAY),
            SaveState::Saved => self.doc.revision() > self.sent_revision && self.last_edit.elapsed() >= AUTOSAVE_DELAY,
        };
        if due {
            self.send_save();
        }
        // Wake up to save, or to show the result; no repaint when idle.
        ctx.request_repaint_after(Duration::from_millis(200));
    }

    /// Writes everything that is not yet saved and waits for it.
    pub fn flush(&mut self) {
        self.send_save();
        self.saver.flush();
        if let Some(saved) = self.saver.status().saved_revision(self.doc.id) {
            self.doc.mark_saved(saved);
        }
    }

    /// Takes in what the library check found, and what the open map has.
    fn note_problems(&mut self) {
        if let Some(results) = &self.library_check {
            loop {
                match results.try_recv() {
                    Ok((id, n)) if id != self.doc.id => {
                        self.problems.insert(id, n);
                    }
                    Ok(_) => {}
                    Err(std::sync::mpsc::TryRecvError::Empty) => break,
                    Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                        self.library_check = None;
                        break;
                    }
                }
            }
        }
        self.problems.insert(self.doc.id, self.doc.problems().len());
    }

    /// The number of problems of each map with problems, as far as known.
    pub fn map_problems(&self) -> &HashMap<MapId, usize> {
        &self.problems
    }

    fn refresh_library(&mut self) {
        match self.store.list() {
            Ok(maps) => self.maps = maps,
            Err(e) => self.notice = Some(format!("Could not list the maps: {e}")),
        }
    }

    fn other_map_names(&self) -> Vec<String> {
        self.maps
            .iter()
            .filter(|m| m.id != self.doc.id)
            .map(|m| m.name.clone())
            .collect()
    }

    fn open_map(&mut self, id: MapId) {
        self.flush();
        match self.store.load_checked(id) {
            Ok(loaded) => {
                self.notice = notes_notice(&loaded);
                self.doc = Document::with_problems(id, loaded.map, loaded.problems.0, loaded.notes);
                self.sent_revision = 0;
                self.view.reset();
                if let Err(e) = self.store.set_setting(LAST_MAP_KEY, &id.0.to_string()) {
                    self.notice = Some(format!("Could not remember the open map: {e}"));
                }
            }
            Err(e) => self.notice = Some(format!("Could not open the map: {e}")),
        }
        self.refresh_library();
    }

    /// Adds a map to the database and opens it.
    fn create_and_open(&mut self, mut map: Map) -> anyhow::Result<()> {
        self.flush();
        map.name = self.store.free_name(&map.name)?;
        let id = self.store.create(&map)?;
        self.refresh_library();
        self.open_map(id);
        Ok(())
    }

    fn new_map(&mut self) {
        let mut map = Map::new("Untitled map");
        map.lanes.push(Lane::new("lane1", "First lane"));
        if let Err(e) = self.create_and_open(map) {
            self.notice = Some(format!("Could not create a map: {e:#}"));
            return;
        }
        self.notice = Some("New map. Double-click the lane to add a step; press L to add a lane.".into());
    }

    fn duplicate_map(&mut self) {
        let mut copy = self.doc.map().clone();
        copy.name = format!("{} (copy)", copy.name);
        if let Err(e) = self.create_and_open(copy) {
            self.notice = Some(format!("Could not duplicate the map: {e:#}"));
        }
    }

    fn delete_map(&mut self) {
        let id = self.doc.id;
        self.flush();
        if let Err(e) = self.store.delete(id) {
            self.notice = Some(format!("Could not delete the map: {e}"));
            return;
        }
        self.refresh_library();
        match self.maps.first().map(|m| m.id) {
            Some(next) => {
                // The deleted map must not be saved again.
                self.doc = Document::new(next, Map::new(""));
                self.open_map(next);
            }
            None => self.new_map(),
        }
    }

    fn pick_file(&mut self, purpose: FilePurpose) {
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
                .add_filter(purpose.extension().to_uppercase(), &[purpose.extension()]);
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

    fn file_chosen(&mut self, purpose: FilePurpose, path: PathBuf) {
        if imports::is_import(purpose) {
            self.start_import(purpose, path);
            return;
        }
        let result = match purpose {
            FilePurpose::ExportJson => atomic_write(&path, to_json(self.doc.map()).as_bytes())
                .map(|()| format!("Exported the map to {}", path.display()))
                .map_err(|e| format!("Could not write {}: {e}", path.display())),
            FilePurpose::ExportCsv => atomic_write(&path, &ranking_csv(self.doc.ranking(), true))
                .map(|()| format!("Exported the ranked lanes to {}", path.display()))
                .map_err(|e| format!("Could not write {}: {e}", path.display())),
            FilePurpose::ExportBrief => match self.shown_pick() {
                Some(pick) => {
                    let brief =
                        crate::brief::lane_brief(self.doc.map(), self.doc.ranking(), &pick, self.today(), self.formats);
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

    fn start_import(&mut self, purpose: FilePurpose, path: PathBuf) {
        if self.import.is_some() {
            self.notice = Some("Another file is being imported; wait for it or cancel it first.".to_owned());
            return;
        }
        let started_on = (self.doc.id, self.doc.revision());
        match ImportJob::start(purpose, path, self.doc.map(), started_on) {
            Ok(job) => self.import = Some(job),
            Err(message) => self.notice = Some(message),
        }
    }

    /// Shows how far the import is after a moment (a small file is done
    /// before a dialog would flash), and takes its outcome when it is done.
    fn import_tick(&mut self, ctx: &egui::Context) {
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
    fn store_imported(&mut self, job: &ImportJob, imported: imports::Imported) -> Result<Option<Vec<String>>, String> {
        let shown = job.path.display();
        match imported {
            imports::Imported::NewMap { map, lines } => {
                let wanted = map.name.clone();
                self.create_and_open(*map).map_err(|e| format!("{e:#}"))?;
                let name = self.doc.map().name.clone();
                let taken = (name != wanted).then(|| format!("(“{wanted}” was taken.)"));
                if lines.is_empty() {
                    self.notice = Some(match taken {
                        None => format!("Imported “{name}” from {shown}"),
                        Some(_) => format!("Imported {shown} as “{name}” (“{wanted}” was taken)"),
                    });
                    return Ok(None);
                }
                let mut report = vec![format!("Imported {shown} as “{name}”.")];
                report.extend(taken);
                report.extend(lines);
                Ok(Some(report))
            }
            imports::Imported::Update { before, after, lines } => {
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
                self.apply(crate::steps_csv::update_edit(&before, &after), None);
                let mut report = vec![format!("Updated “{}” from {shown} (Ctrl+Z undoes it).", before.name)];
                report.extend(lines);
                Ok(Some(report))
            }
        }
    }

    fn add_lane(&mut self) {
        let map = self.doc.map();
        let lane = Lane::new(map.fresh_id("lane"), "New lane");
        let lane_id = lane.id.clone();
        let edit = Edit::InsertLane(Box::new(RemovedLane {
            index: map.lanes.len(),
            lane,
            steps: Vec::new(),
            edges: Vec::new(),
            picks: Vec::new(),
        }));
        self.apply(edit, None);
        self.view.selection = Selection::only_lane(&lane_id);
        self.view.reveal_lane(&self.doc, &lane_id);
        self.view.start_rename(RenameTarget::Lane(lane_id), "New lane".into());
    }

    fn add_step(&mut self) {
        let map = self.doc.map();
        let sel = &self.view.selection;
        let lane_id = sel
            .lane
            .clone()
            .or_else(|| {
                sel.steps
                    .first()
                    .and_then(|id| map.step(id))
                    .map(|s| s.lane.to_string())
            })
            .or_else(|| map.lanes.first().map(|l| l.id.clone()));
        let Some(lane_id) = lane_id else {
            self.notice = Some("Add a lane first (press L).".into());
            return;
        };
        // After the lane's rightmost card, on its row.
        let last = (map.steps.iter())
            .filter(|s| s.lane == lane_id)
            .max_by(|a, b| a.x.total_cmp(&b.x));
        let mut step = Step::new(map.fresh_id("s"), lane_id.as_str(), "New step");
        (step.x, step.y) = last.map_or((40.0, 32.0), |s| (s.x + theme::CARD_W + 40.0, s.y));
        self.insert_step(step);
    }

    fn insert_step(&mut self, step: Step) {
        let id = step.id.clone();
        let name = step.name.clone();
        let index = self.doc.map().steps.len();
        self.apply(
            Edit::InsertSteps {
                steps: vec![(index, step)],
                edges: Vec::new(),
            },
            None,
        );
        self.view.selection = Selection::only_step(&id);
        match self.central_tab {
            CentralTab::Map => {
                self.view.reveal_step(&self.doc, &id);
                self.view.start_rename(RenameTarget::Step(id), name);
            }
            // In the steps table the new row's name field takes the keyboard.
            CentralTab::Steps => self.step_grid.focus_name_of = Some(id),
        }
    }

    fn delete_selection(&mut self) {
        let sel = self.view.selection.clone();
        if sel.steps.is_empty() && sel.edges.is_empty() {
            if let Some(lane_id) = sel.lane {
                self.ask_delete_lane(lane_id);
            }
            return;
        }
        let edges: Vec<_> = sel
            .edges
            .iter()
            .filter(|(a, b)| !sel.steps.contains(a) && !sel.steps.contains(b))
            .map(|(a, b)| crate::model::Edge {
                from: a.clone(),
                to: b.clone(),
            })
            .collect();
        let steps = Edit::RemoveSteps {
            step_ids: sel.steps.iter().cloned().collect(),
        };
        let edit = match (edges.is_empty(), sel.steps.is_empty()) {
            (true, _) => steps,
            (false, true) => Edit::RemoveEdges(edges),
            (false, false) => Edit::Batch(vec![Edit::RemoveEdges(edges), steps]),
        };
        self.apply(edit, None);
        self.view.selection.clear();
    }

    fn ask_delete_lane(&mut self, lane_id: String) {
        if let Some(lane) = self.doc.map().lane(&lane_id) {
            let steps = self.doc.map().steps.iter().filter(|s| s.lane == lane_id).count();
            self.dialog = Some(Dialog::ConfirmDeleteLane {
                lane_id,
                name: lane.name.clone(),
                steps,
            });
        }
    }
}

impl Workspace {
    /// The pick the plan panel shows: the chosen one, else the newest active.
    pub fn shown_pick(&self) -> Option<crate::plan::Pick> {
        let picks = &self.doc.map().picks;
        self.plan_view
            .pick_id
            .as_deref()
            .and_then(|id| picks.iter().find(|p| p.id == id))
            .or_else(|| picks.iter().rev().find(|p| p.is_active()))
            .or_else(|| picks.last())
            .cloned()
    }

    fn pick_lane(&mut self, lane_id: String, confirmed: bool) {
        let map = self.doc.map();
        let active = crate::plan::active_picks(map);
        if let Some(existing) = active.iter().find(|p| p.lane == lane_id) {
            self.plan_view.pick_id = Some(existing.id.clone());
            self.right_tab = RightTab::Plan;
            return;
        }
        if !active.is_empty() && !confirmed {
            let names = active
                .iter()
                .map(|p| map.lane(&p.lane).map_or(p.lane.clone(), |l| l.name.clone()))
                .collect();
            let lane = map.lane(&lane_id).map_or(lane_id.clone(), |l| l.name.clone());
            self.dialog = Some(Dialog::ConfirmSecondPick {
                lane_id,
                lane,
                active: names,
            });
            return;
        }
        let Some(score) = self.doc.ranking().lane(&lane_id) else {
            return;
        };
        let pick = crate::plan::Pick::new(crate::plan::next_pick_id(map), score, self.today());
        let pick_id = pick.id.clone();
        let mut picks = map.picks.clone();
        picks.push(pick);
        self.apply(Edit::SetPicks(picks), None);
        self.plan_view.pick_id = Some(pick_id);
        self.right_tab = RightTab::Plan;
    }

    fn toggle_workshop(&mut self, ctx: &egui::Context) {
        if self.workshop.take().is_some() {
            let (zoom, dark) = self.before_workshop;
            ctx.set_zoom_factor(zoom);
            ctx.style_mut_of(egui::Theme::Light, |s| s.visuals.override_text_color = None);
            ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
            ctx.send_viewport_cmd(ViewportCommand::Fullscreen(self.fullscreen));
            return;
        }
        self.before_workshop = (ctx.zoom_factor(), self.dark_mode);
        self.workshop = Some(Workshop::default());
        ctx.set_zoom_factor(WORKSHOP_ZOOM);
        // High contrast for a projector: the light look with black text.
        ctx.set_theme(egui::Theme::Light);
        ctx.style_mut_of(egui::Theme::Light, |s| {
            s.visuals.override_text_color = Some(egui::Color32::BLACK)
        });
        ctx.send_viewport_cmd(ViewportCommand::Fullscreen(true));
        self.view.request_fit();
    }
}

/// Today's date on this computer.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

impl Drop for Workspace {
    fn drop(&mut self) {
        self.flush();
    }
}

/// A map name made safe to use as a file name.
/// What the canvas says over a map without steps: how to start, and the guide.
fn empty_map_hint(ui: &mut egui::Ui, canvas: egui::Rect, actions: &mut Vec<Action>) {
    let at = canvas.center_bottom() - egui::vec2(0.0, 80.0);
    egui::Area::new(egui::Id::unique("empty-map-hint"))
        .fixed_pos(at)
        .pivot(egui::Align2::CENTER_CENTER)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label("This map has no steps yet: double-click a lane to add one, or press S (L adds a lane).");
                if ui.button("New here? How it works").clicked() {
                    actions.push(Action::ShowGuide);
                }
            });
        });
}

/// Whether `action` may run while the open map has problems: repairs,
/// looking around, and anything about other maps or the app; no figures
/// out, no structural edits.
fn allowed_in_repair(action: &Action) -> bool {
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
        | Action::ShowGuide
        | Action::SelectStep(_)
        | Action::ShowPlan
        | Action::RepairStructure
        | Action::ShowProblem(_) => true,
        _ => false,
    }
}

/// Makes rows of maps deleted with another tool maps again, and says so.
fn recover_orphans(store: &mut Store) -> anyhow::Result<Vec<String>> {
    Ok(store
        .recover_orphans()?
        .into_iter()
        .map(|(orphans, name)| {
            format!(
                "Rows of a map deleted with another tool ({}) were kept as the map “{name}”.",
                orphans.describe()
            )
        })
        .collect())
}

/// What was read as something else in a map that opens normally.
fn notes_notice(loaded: &crate::store::Loaded) -> Option<String> {
    let first = loaded.notes.first()?;
    let more = match loaded.notes.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    Some(format!(
        "This map was changed outside Friction Map: {first}{more}. It is stored as shown when you edit it."
    ))
}

/// Checks every stored map in the background, on a connection of its own,
/// and sends the number of problems of each map that has any.
fn check_library(db: PathBuf, ctx: egui::Context) -> std::sync::mpsc::Receiver<(MapId, usize)> {
    let (send, receive) = std::sync::mpsc::channel();
    // Without the thread, the library marks maps only as they are opened.
    let _ = std::thread::Builder::new().name("library check".into()).spawn(move || {
        let Ok(store) = Store::open(&db) else { return };
        let Ok(maps) = store.list() else { return };
        for m in maps {
            let problems = store.load_checked(m.id).map_or(0, |l| l.problems.0.len());
            if problems > 0 && send.send((m.id, problems)).is_err() {
                return;
            }
        }
        ctx.request_repaint();
    });
    receive
}

fn file_stem(name: &str) -> String {
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
