//! Friction Map: map manual friction in a business process, rank its lanes
//! by monthly friction cost, and pick the one lane to fix first.
//!
//! Each folder is a layer and names only the layers above it in this list
//! (`tests/layers.rs` checks it; ARCHITECTURE.md explains each):
//! `domain` (the map and its rules), `scoring`, `plan`, `document`,
//! `layout`, `formats` (every file in and out), `store` (SQLite), then the
//! shells: `ui` and `app` (egui), and `cli`.

pub mod domain;
pub mod scoring;

pub mod document;
pub mod plan;

pub mod formats;
pub mod layout;

pub mod store;

pub mod app;
pub mod cli;
pub mod ui;
