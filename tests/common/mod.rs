//! One harness factory for every UI test, so window size, fonts and
//! snapshot thresholds agree.

#![allow(dead_code)]

pub mod byte_edits;
pub mod disk;

use std::path::Path;

use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use frictionmap::app::{AppConfig, FrictionApp, Workspace};

pub const SIZE: [f32; 2] = [1440.0, 900.0];

/// The real app on the database at `db`, with the path field instead of
/// native file dialogs.
pub fn app(db: &Path) -> Harness<'static, FrictionApp> {
    app_in_locale(db, NEUTRAL_LOCALE)
}

/// The real app on `db` on a computer whose locale is `locale` (`de-DE`).
pub fn app_in_locale(db: &Path, locale: &str) -> Harness<'static, FrictionApp> {
    app_with(AppConfig {
        native_dialogs: false,
        locale: locale.to_owned(),
        ..AppConfig::new(db.to_owned())
    })
}

/// The real app with this configuration (in the neutral locale unless
/// `config.locale` names another).
pub fn app_with(config: AppConfig) -> Harness<'static, FrictionApp> {
    build(config, false)
}

/// The real app on `db` in a window of `size` points (1280×720 is the
/// smallest a facilitator projects at).
pub fn app_sized(db: &Path, size: [f32; 2]) -> Harness<'static, FrictionApp> {
    build_sized(
        AppConfig {
            native_dialogs: false,
            first_run_guide: false,
            simulate_at_once_below: u64::MAX,
            ..AppConfig::new(db.to_owned())
        },
        size,
        false,
    )
}

/// The real app on `db`, drawing a box for characters that no font has
/// (as the app does) instead of failing the test: for names that another
/// tool wrote into the database.
pub fn app_drawing_missing_glyphs(db: &Path) -> Harness<'static, FrictionApp> {
    build(
        AppConfig {
            native_dialogs: false,
            locale: NEUTRAL_LOCALE.to_owned(),
            ..AppConfig::new(db.to_owned())
        },
        true,
    )
}

/// The locale tests run in unless they name one: "undetermined", which
/// writes `1,234.5` and `2026-11-30` whatever the test machine's LANG is.
pub const NEUTRAL_LOCALE: &str = "und";

fn build(config: AppConfig, missing_glyphs: bool) -> Harness<'static, FrictionApp> {
    // The guide that opens on a first run would cover what tests click;
    // `tests/ui_flows.rs` checks it on its own. Each frame shows the
    // simulation of its own map (`tests/ui_certainty.rs` checks the run on
    // a thread of its own).
    let config = AppConfig {
        first_run_guide: false,
        simulate_at_once_below: u64::MAX,
        ..config
    };
    build_as_is(config, missing_glyphs)
}

/// The real app exactly as configured.
pub fn build_as_is(config: AppConfig, missing_glyphs: bool) -> Harness<'static, FrictionApp> {
    build_sized(config, SIZE, missing_glyphs)
}

pub fn build_sized(config: AppConfig, size: [f32; 2], missing_glyphs: bool) -> Harness<'static, FrictionApp> {
    // The harness would otherwise impose its own theme; light is the app's default.
    let mut builder = Harness::builder()
        .with_size(size)
        .with_theme(eframe::egui::Theme::Light);
    if missing_glyphs {
        builder = builder.allow_missing_glyphs();
    }
    let mut harness = builder.build_eframe(move |cc| FrictionApp::new(&cc.egui_ctx, config));
    harness.run();
    harness
}

pub fn ws<'a>(harness: &'a Harness<'static, FrictionApp>) -> &'a Workspace {
    harness.state().workspace().expect("the workspace opened")
}

pub fn ws_mut<'a>(harness: &'a mut Harness<'static, FrictionApp>) -> &'a mut Workspace {
    harness.state_mut().workspace_mut().expect("the workspace opened")
}

/// Moves the pointer over the middle of the canvas, which gives the canvas
/// the keyboard for the single-letter map keys.
pub fn hover_canvas(harness: &mut Harness<'static, FrictionApp>) {
    let centre = ws(harness).view.on_screen.center();
    harness.event(eframe::egui::Event::PointerMoved(centre));
    harness.run();
}

/// Opens the Map menu and clicks the item whose label contains `item`.
pub fn menu(harness: &mut Harness<'static, FrictionApp>, item: &str) {
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains(item).click();
    harness.run();
}

/// Types `path` into the path field that stands in for a file dialog, and
/// presses Enter. An import runs on a thread of its own: this waits for it
/// to finish (at most 60 s: a debug build reads a million-row file slowly;
/// tests that care bound it more tightly themselves).
pub fn type_path(harness: &mut Harness<'static, FrictionApp>, path: &Path) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.key_press(Key::Enter);
    wait_for_import(harness);
}

/// Runs frames until no file is being imported.
pub fn wait_for_import(harness: &mut Harness<'static, FrictionApp>) {
    let started = std::time::Instant::now();
    harness.step();
    while harness.state().workspace().is_some_and(|ws| ws.is_importing()) {
        assert!(started.elapsed().as_secs() < 60, "the import did not finish");
        std::thread::sleep(std::time::Duration::from_millis(5));
        harness.step();
    }
    harness.run();
}

/// Renames the open map through the same action the inspector uses.
pub fn rename_map(harness: &mut Harness<'static, FrictionApp>, name: &str) {
    let mut meta = frictionmap::document::edit::MapMeta::of(ws(harness).document().map());
    meta.name = name.to_owned();
    let ctx = harness.ctx.clone();
    ws_mut(harness).handle(
        &ctx,
        frictionmap::ui::Action::edit(frictionmap::document::edit::Edit::SetMeta(meta)),
    );
}

/// Every file of a folder (not below it) with its bytes, by name. Folders
/// (the app's `backups`) and the empty lock file a writer holds are not
/// database content and are left out.
pub fn files_in(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file() && !e.file_name().to_string_lossy().ends_with(".lock"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every file under `dir`, at any depth, with its bytes, by path.
pub fn files_in_tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            out.extend(files_in_tree(&path));
        } else if meta.is_file() {
            out.insert(path.display().to_string(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// Whether some text on screen (a label's text, or another widget's name)
/// contains every one of `words`.
pub fn shown(harness: &Harness<'static, FrictionApp>, words: &[impl AsRef<str>]) -> bool {
    let words: Vec<String> = words.iter().map(|w| w.as_ref().to_owned()).collect();
    harness
        .query_all_by(move |node| {
            let text = if node.role() == eframe::egui::Role::Label {
                node.value()
            } else {
                node.label()
            };
            text.is_some_and(|t| words.iter().all(|w| t.contains(w.as_str())))
        })
        .next()
        .is_some()
}

/// The accessible nodes whose text (a label's text, or another widget's
/// name) is exactly `text`, with their rectangles.
pub fn rects_of(harness: &Harness<'static, FrictionApp>, text: &str) -> Vec<eframe::egui::Rect> {
    let text = text.to_owned();
    harness
        .query_all_by(move |node| {
            let shown = if node.role() == eframe::egui::Role::Label {
                node.value()
            } else {
                node.label()
            };
            shown.is_some_and(|t| t == text)
        })
        .map(|node| node.rect())
        .collect()
}

/// Runs one action through the app, as a panel would push it.
pub fn act(harness: &mut Harness<'static, FrictionApp>, action: frictionmap::ui::Action) {
    let ctx = harness.ctx.clone();
    ws_mut(harness).handle(&ctx, action);
    harness.run();
}

/// Picks a lane to fix first from the ranking, as a click on its button.
pub fn pick_lane(harness: &mut Harness<'static, FrictionApp>, lane: &str) {
    harness.get_by_label(&format!("Pick this lane first: {lane}")).click();
    harness.run();
}
