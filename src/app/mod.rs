//! The desktop app: start-up and recovery (`FrictionApp`) and the open
//! workspace's state, saving and library (`Workspace`). Each frame lays out
//! the panels (`panels`), then handles the actions they returned in one
//! place (`command_handling`, [`Workspace::handle`]), which is where undo,
//! autosave and file dialogs hook in; `edits` builds the edits of gestures,
//! `files` the dialogs, imports and exports.

pub mod autobackup;
pub mod autosave;
mod certainty;
pub mod gui;
pub mod renderer;
pub mod soft;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui::{self, ViewportCommand};

use crate::app::autobackup::AutoBackup;
use crate::app::autosave::{SaveState, Saver};
use crate::app::commands::Command;
use crate::document::Document;
use crate::document::clipboard::Clip;
use crate::document::edit::Edit;
use crate::domain::locale::Formats;
use crate::domain::model::{Lane, Map};
use crate::domain::money::NumberFormat;
use crate::store::backup::{self, Replaced};
use crate::store::instance::{InstanceLock, LockError};
use crate::store::seed::seed_if_empty;
use crate::store::{MapId, MapSummary, Store, StoreError};
use crate::ui::canvas::CanvasView;
use crate::ui::dialogs::Dialog;
use crate::ui::plan_panel::PlanView;
use crate::ui::recovery::{RecoveryChoice, StartupProblem, startup_problem_ui};
use crate::ui::step_grid::StepGridState;
use crate::ui::theme;
use crate::ui::top_bar::SaveIndicator;
use crate::ui::window::WindowLayout;
use crate::ui::workshop::Workshop;

mod command_handling;
pub mod commands;
mod edits;
mod files;
mod imports;
mod interchange;
mod panels;

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
    /// What draws the window, when known (Help ▸ About).
    pub renderer: Option<renderer::Renderer>,
    /// Print a line to stderr for every frame (`FRICTIONMAP_COUNT_FRAMES=1`),
    /// so the window bench can count frames per interaction.
    pub count_frames: bool,
    /// Simulations of how sure the pick is that draw fewer values than
    /// this run at once on the UI thread; bigger ones run on a thread of
    /// their own. Tests that click through the window set it high, so each
    /// frame shows the figures of its own map.
    pub simulate_at_once_below: u64,
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
            locale: crate::domain::locale::system_locale(),
            renderer: None,
            count_frames: false,
            simulate_at_once_below: certainty::AT_ONCE,
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

/// Why egui asked for this frame, for `FRICTIONMAP_COUNT_FRAMES`: the
/// places that requested it (`containers/tooltip.rs:317`), each once.
fn ctx_causes(ctx: &egui::Context) -> Vec<String> {
    let mut causes: Vec<String> = (ctx.repaint_causes().iter())
        .map(|c| {
            let text = c.to_string();
            let short = text.rsplit_once("/src/").map_or(text.as_str(), |(_, s)| s);
            short.trim().to_owned()
        })
        .collect();
    causes.dedup();
    causes
}

impl eframe::App for FrictionApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // Reported once the first frame is laid out, so its cost is counted.
        let report_first_frame_since = self.report_first_frame_since.take();
        if self.config.count_frames {
            eprintln!("frame {:?}", ctx_causes(ui.ctx()));
        }
        let ctx = ui.ctx().clone();
        match &mut self.screen {
            Screen::Ready(ws) => {
                ws.ui(ui);
                let commands = std::mem::take(&mut ws.commands);
                self.run_commands(&ctx, commands);
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
    /// System work queued this frame, carried out by the app after it
    /// ([`commands`]).
    commands: Vec<Command>,
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
    /// What draws the window, when known (Help ▸ About).
    renderer: Option<renderer::Renderer>,
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
    /// The event-log import dialog, once its log was looked over.
    log_import: Option<crate::ui::log_import::LogImportDialog>,
    /// The steps copied last, for Edit ▸ Paste (Ctrl+V reads the system
    /// clipboard).
    clip: Option<Clip>,
    /// How sure the pick is, simulated off the UI thread for the map shown.
    certainty: certainty::CertaintyRunner,
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
            commands: Vec::new(),
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
            renderer: config.renderer.clone(),
            fixed_today: config.today,
            last_edit: now,
            sent_revision: 0,
            notice: (!notices.is_empty()).then(|| notices.join(" ")),
            problems: HashMap::new(),
            library_check: Some(check_library(config.db_path.clone(), ctx.clone())),
            import: None,
            log_import: None,
            clip: None,
            certainty: certainty::CertaintyRunner::new(config.simulate_at_once_below),
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

    /// Adds a map to the database under a free name and opens it. Returns
    /// the name that was taken when it had to be renamed.
    fn create_and_open(&mut self, mut map: Map) -> anyhow::Result<Option<String>> {
        self.flush();
        let (id, taken) = self.store.create_under_free_name(&mut map)?;
        self.refresh_library();
        self.open_map(id);
        Ok(taken)
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
}

impl Workspace {
    /// The pick the plan panel shows: the chosen one, else the newest active.
    /// Help ▸ About: the version, what draws the window, and the database.
    fn about_text(&self) -> String {
        let drawn = match &self.renderer {
            Some(r) => r.describe(),
            None => "not known".to_owned(),
        };
        let db = self
            .store
            .path()
            .map_or_else(|| "in memory".to_owned(), |p| p.display().to_string());
        format!(
            "Friction Map {}\n\nDrawn by: {drawn}\nDatabase: {db}",
            env!("CARGO_PKG_VERSION")
        )
    }

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
        let mut found = false;
        for m in maps {
            let problems = store.load_checked(m.id).map_or(0, |l| l.problems.0.len());
            if problems > 0 {
                if send.send((m.id, problems)).is_err() {
                    return;
                }
                found = true;
            }
        }
        // A frame only when the library has marks to show: a repaint that
        // changes nothing costs a software renderer a whole frame (and, in
        // the kittest harness, lands in the middle of a run).
        if found {
            ctx.request_repaint();
        }
    });
    receive
}
