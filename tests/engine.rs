//! Everything tested without a window: the store, scoring, the command
//! line, file formats and data safety. Each module is one theme; a module
//! alone runs with `cargo test --test engine <module>::`.

mod common;

mod backups;
mod certainty;
mod child_process;
mod cli;
mod crash_kill;
mod edit_undo;
mod eventlogs;
mod exports;
mod fuzz_bpmn;
mod fuzz_import;
mod fuzz_pictures;
mod fuzz_steps_csv;
#[path = "gen.rs"]
mod generator;
mod hostile;
mod hostile_bpmn;
mod hostile_csv;
mod hostile_db;
mod interchange_bpmn;
mod interchange_pictures;
mod interchange_steps_csv;
mod layers;
mod perf_incremental;
mod plan;
mod properties;
mod samples;
mod store;
mod text_safety;
