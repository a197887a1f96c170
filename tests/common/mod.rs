//! One harness factory for every UI test, so window size, fonts and
//! snapshot thresholds agree.

#![allow(dead_code)]

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
    app_with(AppConfig {
        native_dialogs: false,
        ..AppConfig::new(db.to_owned())
    })
}

/// The real app with this configuration.
pub fn app_with(config: AppConfig) -> Harness<'static, FrictionApp> {
    // The harness would otherwise impose its own theme; light is the app's default.
    let mut harness = Harness::builder()
        .with_size(SIZE)
        .with_theme(eframe::egui::Theme::Light)
        .build_eframe(move |cc| FrictionApp::new(&cc.egui_ctx, config));
    harness.run();
    harness
}

pub fn ws<'a>(harness: &'a Harness<'static, FrictionApp>) -> &'a Workspace {
    harness.state().workspace().expect("the workspace opened")
}

pub fn ws_mut<'a>(harness: &'a mut Harness<'static, FrictionApp>) -> &'a mut Workspace {
    harness.state_mut().workspace_mut().expect("the workspace opened")
}

/// Opens the Map menu and clicks the item whose label contains `item`.
pub fn menu(harness: &mut Harness<'static, FrictionApp>, item: &str) {
    harness.get_by_label("Map").click();
    harness.run();
    harness.get_by_label_contains(item).click();
    harness.run();
}

/// Types `path` into the path field that stands in for a file dialog, and
/// presses Enter.
pub fn type_path(harness: &mut Harness<'static, FrictionApp>, path: &Path) {
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("File path").type_text(path.to_str().unwrap());
    harness.key_press(Key::Enter);
    harness.run();
}

/// Renames the open map through the same action the inspector uses.
pub fn rename_map(harness: &mut Harness<'static, FrictionApp>, name: &str) {
    let mut meta = frictionmap::edit::MapMeta::of(ws(harness).document().map());
    meta.name = name.to_owned();
    let ctx = harness.ctx.clone();
    ws_mut(harness).handle(
        &ctx,
        frictionmap::ui::Action::edit(frictionmap::edit::Edit::SetMeta(meta)),
    );
}
