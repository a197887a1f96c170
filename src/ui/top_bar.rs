//! The top bar: the Map, Edit, View and Help menus, undo and redo, and the
//! save-state indicator.

use eframe::egui::{self, Button, RichText};

use crate::domain::money::NumberFormat;
use crate::ui::Action;
use crate::ui::theme;

/// What the save indicator says.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveIndicator {
    Saved,
    Saving,
    Failed(String),
}

pub struct TopBarState {
    pub can_undo: bool,
    pub can_redo: bool,
    pub save: SaveIndicator,
    pub dark_mode: bool,
    pub number_format: NumberFormat,
    /// How many lanes are picked and active; more than one earns a warning.
    pub active_picks: usize,
}

pub fn top_bar_ui(ui: &mut egui::Ui, state: &TopBarState, actions: &mut Vec<Action>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("Map", |ui| {
            let items = [
                ("New map", "Ctrl+N", Action::NewMap),
                ("Duplicate", "", Action::DuplicateMap),
                ("Rename…", "", Action::AskRenameMap),
                ("Delete…", "", Action::AskDeleteMap),
            ];
            menu_items(ui, items, actions);
            ui.separator();
            let items = [
                ("Import JSON…", "", Action::ImportJson),
                ("Export JSON…", "", Action::ExportJson),
                ("Export ranked lanes CSV…", "Ctrl+E", Action::ExportCsv),
            ];
            menu_items(ui, items, actions);
            ui.separator();
            interchange_items(ui, actions);
            ui.separator();
            let items = [
                ("Save now", "Ctrl+S", Action::SaveNow),
                ("Back up now", "", Action::BackupNow),
                ("Restore from backup…", "", Action::AskRestoreBackup),
            ];
            menu_items(ui, items, actions);
        });
        ui.menu_button("Edit", |ui| {
            if ui
                .add_enabled(state.can_undo, Button::new("Undo").shortcut_text("Ctrl+Z"))
                .clicked()
            {
                actions.push(Action::Undo);
            }
            if ui
                .add_enabled(state.can_redo, Button::new("Redo").shortcut_text("Ctrl+Shift+Z"))
                .clicked()
            {
                actions.push(Action::Redo);
            }
            ui.separator();
            let items = [
                ("Add lane", "L", Action::AddLane),
                ("Add step", "S", Action::AddStep),
                ("Select all", "Ctrl+A", Action::SelectAll),
                ("Copy steps", "Ctrl+C", Action::Copy),
                ("Paste steps", "Ctrl+V", Action::Paste(None)),
                ("Duplicate steps", "Ctrl+D", Action::Duplicate),
                ("Delete selection", "Delete", Action::DeleteSelection),
            ];
            menu_items(ui, items, actions);
        });
        ui.menu_button("View", |ui| {
            let items = [
                ("Fit to map", "F", Action::FitToMap),
                ("Zoom to selection", "Shift+F", Action::ZoomToSelection),
                ("Zoom to 100%", "1", Action::ZoomToActualSize),
            ];
            menu_items(ui, items, actions);
            let (label, dark) = if state.dark_mode {
                ("Light theme", false)
            } else {
                ("Dark theme", true)
            };
            menu_items(ui, [(label, "", Action::SetDarkMode(dark))], actions);
            ui.menu_button("Number format", |ui| {
                for format in NumberFormat::ALL {
                    if ui.radio(state.number_format == format, format.label()).clicked() {
                        actions.push(Action::SetNumberFormat(format));
                        ui.close();
                    }
                }
            });
            menu_items(ui, [("Fullscreen", "F11", Action::ToggleFullscreen)], actions);
            menu_items(ui, [("Workshop mode", "F5", Action::ToggleWorkshop)], actions);
            ui.label(RichText::new("Zoom the UI with Ctrl + / − / 0").weak());
        });
        ui.menu_button("Help", |ui| {
            menu_items(ui, [("How it works", "", Action::ShowGuide)], actions);
            menu_items(ui, [("Keyboard shortcuts", "", Action::ShowShortcuts)], actions);
            menu_items(ui, [("About Friction Map", "", Action::ShowAbout)], actions);
        });

        ui.separator();
        if ui
            .add_enabled(state.can_undo, Button::new("Undo"))
            .on_hover_text("Undo (Ctrl+Z)")
            .clicked()
        {
            actions.push(Action::Undo);
        }
        if ui
            .add_enabled(state.can_redo, Button::new("Redo"))
            .on_hover_text("Redo (Ctrl+Shift+Z or Ctrl+Y)")
            .clicked()
        {
            actions.push(Action::Redo);
        }
        ui.separator();
        if ui.button("+ Lane").on_hover_text("Add a lane (L)").clicked() {
            actions.push(Action::AddLane);
        }
        if ui
            .button("+ Step")
            .on_hover_text("Add a step to the selected lane (S)")
            .clicked()
        {
            actions.push(Action::AddStep);
        }
        if ui
            .button("Fit to map")
            .on_hover_text("Show the whole map (F or Home)")
            .clicked()
        {
            actions.push(Action::FitToMap);
        }
        if ui
            .button("Workshop")
            .on_hover_text("Workshop mode for a projector, with what-ifs (F5)")
            .clicked()
        {
            actions.push(Action::ToggleWorkshop);
        }

        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            match &state.save {
                SaveIndicator::Saved => ui.colored_label(theme::OK, "Saved"),
                SaveIndicator::Saving => ui.label("Saving…"),
                SaveIndicator::Failed(why) => ui
                    .colored_label(theme::ERROR, format!("Save failed: {why}"))
                    .on_hover_text("Your edits are kept in memory and saving is retried every few seconds."),
            };
            if state.active_picks > 1 {
                ui.separator();
                let warning = format!("Several pilots at once ({} active lanes)", state.active_picks);
                if ui
                    .add(egui::Button::new(RichText::new(warning).color(theme::WARNING).strong()).frame(false))
                    .on_hover_text("Teams that run one lane at a time finish. Open the plan to close all but one.")
                    .clicked()
                {
                    actions.push(Action::ShowPlan);
                }
            }
        });
    });
}

fn menu_items<const N: usize>(ui: &mut egui::Ui, items: [(&str, &str, Action); N], actions: &mut Vec<Action>) {
    for (label, shortcut, action) in items {
        if ui.add(Button::new(label).shortcut_text(shortcut)).clicked() {
            actions.push(action);
        }
    }
}

/// Pictures, BPMN, the steps CSV and event logs.
fn interchange_items(ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    use crate::ui::dialogs::FilePurpose as P;
    let items = [
        ("Export picture SVG…", "", Action::ChooseFile(P::ExportSvg)),
        ("Export picture PNG…", "", Action::ChooseFile(P::ExportPng)),
        ("Export picture PNG 2×…", "", Action::ChooseFile(P::ExportPng2x)),
        ("Export ranking chart SVG…", "", Action::ChooseFile(P::ExportChartSvg)),
        ("Export ranking chart PNG…", "", Action::ChooseFile(P::ExportChartPng)),
    ];
    menu_items(ui, items, actions);
    ui.separator();
    let items = [
        ("Import BPMN…", "", Action::ChooseFile(P::ImportBpmn)),
        ("Export BPMN…", "", Action::ChooseFile(P::ExportBpmn)),
        (
            "Import steps CSV as new map…",
            "",
            Action::ChooseFile(P::ImportStepsCsv),
        ),
        ("Update map from steps CSV…", "", Action::ChooseFile(P::UpdateStepsCsv)),
        ("Export steps CSV…", "", Action::ChooseFile(P::ExportStepsCsv)),
    ];
    menu_items(ui, items, actions);
    ui.separator();
    let items = [
        ("Import event log…", "", Action::ChooseFile(P::ImportEventLog)),
        (
            "Update map from event log…",
            "",
            Action::ChooseFile(P::UpdateFromEventLog),
        ),
    ];
    menu_items(ui, items, actions);
}
