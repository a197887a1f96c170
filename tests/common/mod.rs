//! One harness factory for every UI test, so window size, fonts and
//! snapshot thresholds agree.

#![allow(dead_code)]

pub mod disk;

use std::path::Path;

use egui_kittest::Harness;
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
