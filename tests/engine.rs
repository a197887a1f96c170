//! Everything tested without a window: the store, scoring, the command
//! line, file formats and data safety. Each module is one theme; a module
//! alone runs with `cargo test --test engine <module>::`.

mod common;

mod backups;
mod cli;
mod crash_kill;
mod edit_undo;
mod exports;
mod fuzz_bpmn;
mod fuzz_import;
#[path = "gen.rs"]
mod generator;
mod hostile;
mod hostile_bpmn;
mod interchange_bpmn;
mod interchange_pictures;
mod interchange_steps_csv;
mod perf_incremental;
mod plan;
mod properties;
mod samples;
mod store;
mod text_safety;
