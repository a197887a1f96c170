//! The frame's layout: the panels of the editor and of workshop mode, each
//! returning `Action`s for [`Workspace::handle`].

use super::*;
use crate::ui::Action;
use crate::ui::canvas::canvas_ui;
use crate::ui::certainty_chart::Chances;
use crate::ui::dialogs::dialog_ui;
use crate::ui::guide::guide_window;
use crate::ui::inspector::inspector_ui;
use crate::ui::library::library_ui;
use crate::ui::plan_panel::plan_ui;
use crate::ui::ranking::ranking_ui;
use crate::ui::repair::repair_ui;
use crate::ui::shortcuts::{handle_shortcuts, shortcuts_window};
use crate::ui::step_grid::step_grid_ui;
use crate::ui::theme;
use crate::ui::top_bar::{TopBarState, top_bar_ui};
use crate::ui::window;
use crate::ui::workshop::{what_if_ui, workshop_bar_ui, workshop_ranking_ui};
use eframe::egui;

impl Workspace {
    /// Lays out one frame and handles what the user did in it.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        crate::ui::set_formats(&ctx, self.formats);
        self.note_problems();
        let mut actions = Vec::new();
        if self.dialog.is_none() && !self.view.is_renaming() {
            // F5 toggles the workshop; Esc leaves it when no field has the keyboard.
            ctx.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, egui::Key::F5) {
                    actions.push(Action::ToggleWorkshop);
                }
                if self.workshop.is_some() && !self.typing && i.consume_key(egui::Modifiers::NONE, egui::Key::Escape) {
                    actions.push(Action::ToggleWorkshop);
                }
            });
            handle_shortcuts(
                &ctx,
                self.typing,
                self.view.has_keyboard,
                self.workshop.is_none(),
                &mut actions,
            );
        }
        if self.workshop.is_some() {
            self.workshop_ui(ui, &mut actions);
        } else {
            self.editor_ui(ui, &mut actions);
        }
        dialog_ui(&ctx, &mut self.dialog, &mut actions);
        self.log_import_tick(&ctx);
        shortcuts_window(&ctx, &mut self.show_shortcuts);
        guide_window(&ctx, &mut self.show_guide, &self.doc, self.certainty.current(&self.doc));
        self.import_tick(&ctx);

        self.typing = ctx.text_edit_focused();
        // Typing merges into one undo step per visit to a field: moving the
        // keyboard elsewhere ends the run, even to a field with the same
        // merge key (a lane's owner is edited in the inspector and the plan).
        let focused = ctx.memory(|m| m.focused());
        if focused != self.focused {
            self.doc.seal_history();
            self.focused = focused;
        }
        for action in actions {
            self.handle(&ctx, action);
        }
        self.remember_right_tab();
        self.autosave_tick(&ctx);
    }

    pub(super) fn editor_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        self.view.figures_hidden = false;
        let top = TopBarState {
            can_undo: self.doc.can_undo(),
            can_redo: self.doc.can_redo(),
            save: self.save_indicator(),
            dark_mode: self.dark_mode,
            number_format: self.number_format,
            active_picks: crate::plan::active_picks(self.doc.map()).len(),
        };
        egui::Panel::top("top-bar").show(ui, |ui| top_bar_ui(ui, &top, actions));
        if let Some(notice) = &self.notice {
            let mut dismiss = false;
            egui::Panel::bottom("notice").show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.label(notice.as_str());
                    dismiss = ui.small_button("Dismiss").clicked();
                });
            });
            if dismiss {
                self.notice = None;
            }
        }
        let window_w = ui.available_width();
        self.window.library = window::library(window_w)
            .apply(egui::Panel::left("library").resizable(true))
            .show(ui, |ui| {
                library_ui(ui, &self.maps, &self.problems, self.doc.id, &mut self.search, actions)
            })
            .response
            .rect;
        // How sure the pick is: the figures of the map as it is now, or the
        // last ones while a new run is under way.
        let latest = self.certainty.latest(&self.doc, ui.ctx());
        let certainty = latest.as_ref().filter(|l| l.current).map(|l| &*l.certainty);
        let other_names = self.other_map_names();
        let today = self.today();
        self.window.inspector = window::inspector(window_w)
            .apply(egui::Panel::right("inspector").resizable(true))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let active = crate::plan::active_picks(self.doc.map()).len();
                    let plan_label = if active > 1 {
                        format!("Plan ({active} active!)")
                    } else {
                        "Plan".to_owned()
                    };
                    ui.selectable_value(&mut self.right_tab, RightTab::Inspector, "Inspector");
                    ui.selectable_value(&mut self.right_tab, RightTab::Plan, plan_label);
                });
                ui.separator();
                // Text wraps at the panel's width; what cannot wrap (a long
                // word, a table) scrolls sideways instead of widening the panel.
                match self.right_tab {
                    RightTab::Inspector => {
                        egui::ScrollArea::horizontal()
                            .id_salt("inspector-sideways")
                            .auto_shrink([false, false])
                            .show(ui, |ui| {
                                inspector_ui(ui, &self.doc, certainty, &self.view.selection, &other_names, actions)
                            });
                    }
                    RightTab::Plan if self.doc.has_problems() => {
                        ui.label("The plan is shown once the map's problems are fixed.");
                    }
                    RightTab::Plan => {
                        crate::ui::scroll_with_focus(egui::ScrollArea::both().auto_shrink([false, false]), ui, |ui| {
                            plan_ui(ui, (&self.doc, certainty), today, &mut self.plan_view, actions);
                        });
                    }
                }
            })
            .response
            .rect;
        if self.doc.has_problems() {
            egui::CentralPanel::default().show(ui, |ui| repair_ui(ui, &self.doc, actions));
            return;
        }
        let picked: Vec<&str> = crate::plan::active_picks(self.doc.map())
            .iter()
            .map(|p| p.lane.as_str())
            .collect();
        let effort: Vec<(String, f64)> = self
            .doc
            .map()
            .lanes
            .iter()
            .filter_map(|l| Some((l.id.clone(), l.effort_weeks?)))
            .collect();
        let chances = Chances {
            map: self.doc.map(),
            certainty: latest.as_ref().map(|l| &*l.certainty),
            current: latest.as_ref().is_some_and(|l| l.current),
        };
        let ranking = window::ranking(ui.available_height())
            .apply(egui::Panel::bottom("ranking").resizable(true))
            .show(ui, |ui| {
                ranking_ui(
                    ui,
                    self.doc.ranking(),
                    chances,
                    self.view.highlight_lane.as_deref(),
                    &picked,
                    &effort,
                    actions,
                )
            });
        self.window.ranking = ranking.response.rect;
        self.window.ranking_table = ranking.inner.table;
        self.window.ranking_chart = ranking.inner.chart;
        let canvas_bg = theme::Palette::for_visuals(ui.visuals()).canvas_bg;
        egui::Panel::top("central-tabs").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.central_tab, CentralTab::Map, "Canvas");
                ui.selectable_value(&mut self.central_tab, CentralTab::Steps, "Steps table");
            });
        });
        if self.central_tab == CentralTab::Steps {
            // The canvas is not shown, so the map keys have nowhere to act.
            self.view.has_keyboard = false;
            egui::CentralPanel::default().show(ui, |ui| {
                step_grid_ui(ui, &self.doc, &self.view.selection, &mut self.step_grid, actions);
            });
            return;
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(canvas_bg))
            .show(ui, |ui| {
                canvas_ui(ui, &self.doc, &mut self.view, actions);
                self.window.canvas = self.view.on_screen;
                if self.doc.map().steps.is_empty() {
                    empty_map_hint(ui, self.view.on_screen, actions);
                }
            });
    }

    pub(super) fn workshop_ui(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let Some(workshop) = self.workshop.as_mut() else { return };
        egui::Panel::top("workshop-bar").show(ui, |ui| workshop_bar_ui(ui, &self.doc, workshop, actions));
        let window_w = ui.available_width();
        self.window.inspector = window::what_if(window_w)
            .apply(egui::Panel::right("what-if").resizable(true))
            .show(ui, |ui| {
                crate::ui::scroll_with_focus(egui::ScrollArea::vertical().auto_shrink([false, false]), ui, |ui| {
                    what_if_ui(ui, &self.doc, workshop, &self.view.selection, actions)
                });
            })
            .response
            .rect;
        self.window.library = egui::Rect::NOTHING;
        let saved_ranking = self.doc.ranking().clone();
        let shown = workshop.view_document(&self.doc);
        let shown_ranking = shown.ranking().clone();
        // The what-ifs re-run the simulation: each change of the sliders is
        // a new version of the shown map, which cancels the run before.
        let latest = self.certainty.latest(shown, ui.ctx());
        // The what-ifs change values only: step names and places are the
        // saved map's.
        let chances = Chances {
            map: self.doc.map(),
            certainty: latest.as_ref().map(|l| &*l.certainty),
            current: latest.as_ref().is_some_and(|l| l.current),
        };
        let ranking = window::workshop_ranking(ui.available_height())
            .apply(egui::Panel::bottom("workshop-ranking").resizable(true))
            .show(ui, |ui| {
                workshop_ranking_ui(ui, &saved_ranking, &shown_ranking, chances, workshop)
            });
        self.window.ranking = ranking.response.rect;
        self.window.ranking_table = ranking.inner.table;
        self.window.ranking_chart = ranking.inner.chart;
        let canvas_bg = theme::Palette::for_visuals(ui.visuals()).canvas_bg;
        // Until the ranking is revealed, the canvas gives no figure away.
        self.view.figures_hidden = workshop.reveal.is_some_and(|n| n < shown_ranking.lanes.len());
        // The room looks at the what-if map; the canvas only selects here.
        let mut canvas_actions = Vec::new();
        let shown = workshop.view_document(&self.doc);
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(canvas_bg))
            .show(ui, |ui| canvas_ui(ui, shown, &mut self.view, &mut canvas_actions));
        self.window.canvas = self.view.on_screen;
        actions.extend(
            canvas_actions
                .into_iter()
                .filter(|a| matches!(a, Action::HighlightLane(_))),
        );
    }
}

/// A map name made safe to use as a file name.
/// What the canvas says over a map without steps: how to start, and the guide.
pub(super) fn empty_map_hint(ui: &mut egui::Ui, canvas: egui::Rect, actions: &mut Vec<Action>) {
    let at = canvas.center_bottom() - egui::vec2(0.0, 80.0);
    egui::Area::new(egui::Id::unique("empty-map-hint"))
        .fixed_pos(at)
        .pivot(egui::Align2::CENTER_CENTER)
        .show(ui.ctx(), |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.label("This map has no steps yet: double-click a lane to add one, or press S (L adds a lane).");
                if ui.button("New here? How it works").clicked() {
                    actions.push(Action::ShowGuide);
                }
            });
        });
}
