//! Friction Map: map manual friction in a business process, rank its lanes
//! by monthly friction cost, and pick the one lane to fix first.
//!
//! The core (`model`, `scoring`, `validate`, `mapfile`, `ranking_csv`,
//! `money`) imports neither egui nor rusqlite; `store` is the only module
//! that touches SQLite, and `app` and `ui` the only ones that touch egui.

pub mod app;
pub mod autobackup;
pub mod autosave;
pub mod bpmn;
pub mod brief;
pub mod cli;
pub mod clipboard;
pub mod dates;
pub mod document;
pub mod edit;
pub mod fsutil;
pub mod gui;
pub mod guide;
pub mod history;
pub mod input_file;
pub mod instance;
pub mod layout;
pub mod locale;
pub mod mapfile;
pub mod model;
pub mod money;
pub mod paths;
pub mod picture;
pub mod plan;
pub mod ranking_csv;
pub mod repair;
pub mod samples;
pub mod scenario;
pub mod scoring;
pub mod steps_csv;
pub mod store;
pub mod synth;
pub mod theme;
pub mod tokens;
pub mod ui;
pub mod validate;
