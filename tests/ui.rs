//! The app's window driven headless through egui_kittest: flows, the
//! canvas, files, recovery screens and the snapshot images. A module alone
//! runs with `cargo test --test ui <module>::`.

mod common;

mod interchange_ui;
mod pictures_ui;
mod snapshots;
mod ui_autosave;
mod ui_canvas;
mod ui_certainty;
mod ui_files;
mod ui_flows;
mod ui_layout;
mod ui_numbers;
mod ui_plan;
mod ui_recovery;
mod ui_repair;
