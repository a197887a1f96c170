//! Starts the desktop window.

use std::path::PathBuf;

use eframe::egui;

use crate::app::renderer::Renderer;
use crate::app::{AppConfig, FrictionApp};

/// Set to 1 to use the built-in path field instead of native file dialogs.
pub const NO_NATIVE_DIALOG_ENV: &str = "FRICTIONMAP_NO_NATIVE_DIALOG";
/// Set to 1 to print how long the first frame took to appear.
pub const REPORT_STARTUP_ENV: &str = "FRICTIONMAP_REPORT_STARTUP";
/// `cpu` draws the window with Friction Map's own CPU renderer, `gpu` with
/// wgpu; without it, the CPU renderer is used when wgpu's adapter is a CPU.
pub const RENDERER_ENV: &str = "FRICTIONMAP_RENDERER";
/// Set to 1 to print a line for every frame, with why it was drawn (the
/// window bench counts them).
pub const COUNT_FRAMES_ENV: &str = "FRICTIONMAP_COUNT_FRAMES";

pub fn run(db_path: PathBuf) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Friction Map")
        .with_app_id("frictionmap")
        .with_inner_size([1500.0, 940.0])
        .with_min_inner_size([900.0, 600.0]);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    let mut config = AppConfig {
        native_dialogs: std::env::var_os(NO_NATIVE_DIALOG_ENV).is_none_or(|v| v != "1"),
        report_first_frame_since: std::env::var_os(REPORT_STARTUP_ENV)
            .is_some_and(|v| v == "1")
            .then_some(started),
        count_frames: std::env::var_os(COUNT_FRAMES_ENV).is_some_and(|v| v == "1"),
        ..AppConfig::new(db_path)
    };
    let use_cpu_shell = match std::env::var(RENDERER_ENV).as_deref() {
        Ok("cpu") => true,
        Ok("gpu") => false,
        _ => Renderer::probe().is_some_and(|r| r.cpu),
    };
    if use_cpu_shell {
        config.renderer = Some(Renderer::cpu_shell());
        eprintln!("renderer: {}", Renderer::cpu_shell().describe());
        return crate::app::soft::run(options.viewport, config);
    }
    eframe::run_native(
        "Friction Map",
        options,
        Box::new(move |cc| {
            config.renderer = Renderer::of(cc);
            if let Some(renderer) = &config.renderer {
                eprintln!("renderer: {}", renderer.describe());
            }
            Ok(Box::new(FrictionApp::new(&cc.egui_ctx, config)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
