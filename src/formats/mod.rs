//! Every file a user hands in or takes out: the one guarded reader
//! (`input_file`), map JSON, the ranked-lanes and steps CSV, BPMN, event
//! logs (CSV and XES), pictures,
//! the bundled samples, and crash-safe writes (`fsutil`).

pub mod bpmn;
pub mod eventlog;
pub mod fsutil;
pub mod input_file;
pub mod mapfile;
pub mod picture;
pub mod ranking_csv;
pub mod samples;
pub mod steps_csv;
