//! The app's side of the exports of pictures, BPMN and the steps CSV:
//! default file names, and writing the chosen file. (Imports of all kinds
//! run in `imports`.)

use std::path::Path;

use super::Workspace;
use crate::formats::fsutil::atomic_write;
use crate::formats::picture::Picture;
use crate::formats::picture::chart::ChartPicture;
use crate::formats::picture::map::MapPicture;
use crate::ui::dialogs::FilePurpose;

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

fn write(path: &Path, bytes: &[u8], what: &str) -> Result<String, String> {
    atomic_write(path, bytes)
        .map(|()| format!("Exported {what} to {}", path.display()))
        .map_err(|e| format!("Could not write {}: {e}", path.display()))
}

impl Workspace {
    /// Writes an export of pictures, BPMN or the steps CSV to `path`, and
    /// says what it wrote.
    pub(super) fn interchange_file_chosen(&mut self, purpose: FilePurpose, path: &Path) -> Result<String, String> {
        // Pictures write figures as the window shows them, and say how sure
        // the pick is as the ranking panel does.
        let fmt = self.formats.numbers;
        let certainty = matches!(
            purpose,
            FilePurpose::ExportSvg
                | FilePurpose::ExportPng
                | FilePurpose::ExportPng2x
                | FilePurpose::ExportChartSvg
                | FilePurpose::ExportChartPng
        )
        .then(|| self.certainty.now(&self.doc));
        let map = self.doc.map();
        let ranking = self.doc.ranking();
        let verdict = certainty.map_or_else(|| ranking.verdict_line(), |c| c.verdict_line(map, ranking, fmt));
        let map_picture = || MapPicture::new(map, ranking).numbers(fmt).verdict(verdict.clone());
        let chart = || {
            ChartPicture::new(&map.name, ranking)
                .numbers(fmt)
                .verdict(verdict.clone())
        };
        match purpose {
            FilePurpose::ExportSvg => write(path, map_picture().svg().as_bytes(), "the map picture"),
            FilePurpose::ExportPng | FilePurpose::ExportPng2x => {
                let scale = if purpose == FilePurpose::ExportPng2x { 2.0 } else { 1.0 };
                let png = map_picture()
                    .png(scale)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                write(path, &png, "the map picture")
            }
            FilePurpose::ExportChartSvg => write(path, chart().svg().as_bytes(), "the ranking chart"),
            FilePurpose::ExportChartPng => {
                let png = chart().png(1.0).map_err(|e| format!("{}: {e}", path.display()))?;
                write(path, &png, "the ranking chart")
            }
            FilePurpose::ExportBpmn => write(path, crate::formats::bpmn::to_bpmn(map).as_bytes(), "the map as BPMN"),
            FilePurpose::ExportStepsCsv => write(path, &crate::formats::steps_csv::steps_csv(map, true), "the steps"),
            FilePurpose::ImportJson
            | FilePurpose::ImportBpmn
            | FilePurpose::ImportStepsCsv
            | FilePurpose::UpdateStepsCsv
            | FilePurpose::ImportEventLog
            | FilePurpose::UpdateFromEventLog
            | FilePurpose::ExportJson
            | FilePurpose::ExportCsv
            | FilePurpose::ExportBrief => Err("not an export of pictures, BPMN or the steps CSV".to_owned()),
        }
    }
}
