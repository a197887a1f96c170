//! The app's side of pictures, BPMN and the steps CSV: default file names,
//! and what happens once a file is chosen. Imports show what they did (and
//! what they skipped or rejected) in a dialog.

use std::path::Path;

use super::Workspace;
use crate::fsutil::atomic_write;
use crate::picture::chart::{chart_png, chart_svg};
use crate::picture::map::{map_png, map_svg};
use crate::ui::dialogs::{Dialog, FilePurpose};

pub(super) fn default_file_name(purpose: FilePurpose, stem: &str) -> String {
    match purpose {
        FilePurpose::ExportSvg => format!("{stem}.svg"),
        FilePurpose::ExportPng => format!("{stem}.png"),
        FilePurpose::ExportPng2x => format!("{stem} @2x.png"),
        FilePurpose::ExportChartSvg => format!("{stem} - ranking.svg"),
        FilePurpose::ExportChartPng => format!("{stem} - ranking.png"),
        FilePurpose::ExportBpmn => format!("{stem}.bpmn"),
        FilePurpose::ExportStepsCsv => format!("{stem} - steps.csv"),
        _ => String::new(),
    }
}

fn write(path: &Path, bytes: &[u8], what: &str) -> Result<Option<String>, String> {
    atomic_write(path, bytes)
        .map(|()| Some(format!("Exported {what} to {}", path.display())))
        .map_err(|e| format!("Could not write {}: {e}", path.display()))
}

impl Workspace {
    /// Carries out an interchange import or export. `Ok(None)` means a
    /// dialog already tells the outcome.
    pub(super) fn interchange_file_chosen(
        &mut self,
        purpose: FilePurpose,
        path: &Path,
    ) -> Result<Option<String>, String> {
        let map = self.doc.map();
        let ranking = self.doc.ranking();
        match purpose {
            FilePurpose::ExportSvg => write(path, map_svg(map, ranking).as_bytes(), "the map picture"),
            FilePurpose::ExportPng | FilePurpose::ExportPng2x => {
                let scale = if purpose == FilePurpose::ExportPng2x { 2.0 } else { 1.0 };
                let png = map_png(map, ranking, scale).map_err(|e| format!("{}: {e}", path.display()))?;
                write(path, &png, "the map picture")
            }
            FilePurpose::ExportChartSvg => write(path, chart_svg(&map.name, ranking).as_bytes(), "the ranking chart"),
            FilePurpose::ExportChartPng => {
                let png = chart_png(&map.name, ranking, 1.0).map_err(|e| format!("{}: {e}", path.display()))?;
                write(path, &png, "the ranking chart")
            }
            FilePurpose::ExportBpmn => write(path, crate::bpmn::to_bpmn(map).as_bytes(), "the map as BPMN"),
            FilePurpose::ExportStepsCsv => write(path, &crate::steps_csv::steps_csv(map, true), "the steps"),
            FilePurpose::ImportBpmn => {
                let (map, summary) = crate::bpmn::import::read_bpmn_file(path).map_err(|e| e.to_string())?;
                let wanted = map.name.clone();
                self.create_and_open(map).map_err(|e| format!("{e:#}"))?;
                let mut lines = vec![format!("Imported {} as “{}”.", path.display(), self.doc.map().name)];
                if self.doc.map().name != wanted {
                    lines.push(format!("(“{wanted}” was taken.)"));
                }
                lines.extend(summary.lines());
                self.dialog = Some(Dialog::Message {
                    title: "BPMN import".to_owned(),
                    text: lines.join("\n"),
                });
                Ok(None)
            }
            FilePurpose::ImportStepsCsv => {
                let bytes = std::fs::read(path).map_err(|e| format!("Could not read {}: {e}", path.display()))?;
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let (map, report) = crate::steps_csv::import_new(&bytes, &path.display().to_string(), &stem)
                    .map_err(|e| e.to_string())?;
                self.create_and_open(map).map_err(|e| format!("{e:#}"))?;
                let mut lines = vec![format!("New map “{}” from {}.", self.doc.map().name, path.display())];
                lines.extend(report.lines());
                self.dialog = Some(Dialog::Message {
                    title: "Steps CSV import".to_owned(),
                    text: lines.join("\n"),
                });
                Ok(None)
            }
            FilePurpose::UpdateStepsCsv => {
                let bytes = std::fs::read(path).map_err(|e| format!("Could not read {}: {e}", path.display()))?;
                let before = self.doc.map().clone();
                let (after, report) = crate::steps_csv::import_update(&bytes, &path.display().to_string(), &before)
                    .map_err(|e| e.to_string())?;
                // One undo step for the whole file.
                self.apply(crate::steps_csv::update_edit(&before, &after), None);
                let mut lines = vec![format!(
                    "Updated “{}” from {} (Ctrl+Z undoes it).",
                    before.name,
                    path.display()
                )];
                lines.extend(report.lines());
                self.dialog = Some(Dialog::Message {
                    title: "Steps CSV update".to_owned(),
                    text: lines.join("\n"),
                });
                Ok(None)
            }
            FilePurpose::ImportJson | FilePurpose::ExportJson | FilePurpose::ExportCsv | FilePurpose::ExportBrief => {
                Err("not an interchange format".to_owned())
            }
        }
    }
}
