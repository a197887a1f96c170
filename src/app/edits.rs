//! The edits the window builds from the user's gestures: steps copied and
//! pasted, lanes and steps added or deleted, a lane picked, the workshop
//! toggled.

use super::*;
use crate::document::clipboard::Clip;
use crate::document::edit::{Edit, RemovedLane};
use crate::domain::model::{Lane, Step};
use crate::ui::canvas::{RenameTarget, Selection};
use crate::ui::dialogs::Dialog;
use crate::ui::theme;
use crate::ui::workshop::{WORKSHOP_ZOOM, Workshop};
use eframe::egui::{self, ViewportCommand};
use std::collections::HashSet;

impl Workspace {
    /// The selected steps as a clip, if any are selected.
    pub(super) fn selected_clip(&self) -> Option<Clip> {
        let ids: HashSet<&str> = self.view.selection.steps.iter().map(String::as_str).collect();
        Clip::of(self.doc.map(), &ids)
    }

    pub(super) fn copy_steps(&mut self, ctx: &egui::Context) {
        let Some(clip) = self.selected_clip() else {
            self.notice = Some("Select steps to copy first.".to_owned());
            return;
        };
        ctx.copy_text(clip.to_text());
        self.notice = Some(format!("Copied {} step(s).", clip.steps.len()));
        self.clip = Some(clip);
    }

    /// Pastes `clip` into the selected lane (or the steps' own lanes), and
    /// selects what was pasted.
    pub(super) fn paste_steps(&mut self, clip: Option<Clip>) {
        let Some(clip) = clip else {
            self.notice = Some("Nothing to paste: copy steps first (Ctrl+C).".to_owned());
            return;
        };
        match clip.paste_edit(self.doc.map(), self.view.selection.lane.as_deref()) {
            Ok((edit, ids)) => {
                self.apply(edit, None);
                if let Some(first) = ids.first() {
                    self.view.reveal_step(&self.doc, first);
                }
                self.view.selection = Selection {
                    steps: ids.into_iter().collect(),
                    ..Selection::default()
                };
            }
            Err(why) => self.notice = Some(format!("Nothing was pasted: {why}")),
        }
    }

    pub(super) fn add_lane(&mut self) {
        let map = self.doc.map();
        let lane = Lane::new(map.fresh_id("lane"), "New lane");
        let lane_id = lane.id.clone();
        let edit = Edit::InsertLane(Box::new(RemovedLane {
            index: map.lanes.len(),
            lane,
            steps: Vec::new(),
            edges: Vec::new(),
            picks: Vec::new(),
        }));
        self.apply(edit, None);
        self.view.selection = Selection::only_lane(&lane_id);
        self.view.reveal_lane(&self.doc, &lane_id);
        self.view.start_rename(RenameTarget::Lane(lane_id), "New lane".into());
    }

    pub(super) fn add_step(&mut self) {
        let map = self.doc.map();
        let sel = &self.view.selection;
        let lane_id = sel
            .lane
            .clone()
            .or_else(|| {
                sel.steps
                    .first()
                    .and_then(|id| map.step(id))
                    .map(|s| s.lane.to_string())
            })
            .or_else(|| map.lanes.first().map(|l| l.id.clone()));
        let Some(lane_id) = lane_id else {
            self.notice = Some("Add a lane first (press L).".into());
            return;
        };
        // After the lane's rightmost card, on its row.
        let last = (map.steps.iter())
            .filter(|s| s.lane == lane_id)
            .max_by(|a, b| a.x.total_cmp(&b.x));
        let mut step = Step::new(map.fresh_id("s"), lane_id.as_str(), "New step");
        (step.x, step.y) = last.map_or((40.0, 32.0), |s| (s.x + theme::CARD_W + 40.0, s.y));
        self.insert_step(step);
    }

    pub(super) fn insert_step(&mut self, step: Step) {
        let id = step.id.clone();
        let name = step.name.clone();
        let index = self.doc.map().steps.len();
        self.apply(
            Edit::InsertSteps {
                steps: vec![(index, step)],
                edges: Vec::new(),
            },
            None,
        );
        self.view.selection = Selection::only_step(&id);
        match self.central_tab {
            CentralTab::Map => {
                self.view.reveal_step(&self.doc, &id);
                self.view.start_rename(RenameTarget::Step(id), name);
            }
            // In the steps table the new row's name field takes the keyboard.
            CentralTab::Steps => self.step_grid.focus_name_of = Some(id),
        }
    }

    pub(super) fn delete_selection(&mut self) {
        let sel = self.view.selection.clone();
        if sel.steps.is_empty() && sel.edges.is_empty() {
            if let Some(lane_id) = sel.lane {
                self.ask_delete_lane(lane_id);
            }
            return;
        }
        let edges: Vec<_> = sel
            .edges
            .iter()
            .filter(|(a, b)| !sel.steps.contains(a) && !sel.steps.contains(b))
            .map(|(a, b)| crate::domain::model::Edge {
                from: a.clone(),
                to: b.clone(),
            })
            .collect();
        let steps = Edit::RemoveSteps {
            step_ids: sel.steps.iter().cloned().collect(),
        };
        let edit = match (edges.is_empty(), sel.steps.is_empty()) {
            (true, _) => steps,
            (false, true) => Edit::RemoveEdges(edges),
            (false, false) => Edit::Batch(vec![Edit::RemoveEdges(edges), steps]),
        };
        self.apply(edit, None);
        self.view.selection.clear();
    }

    pub(super) fn ask_delete_lane(&mut self, lane_id: String) {
        if let Some(lane) = self.doc.map().lane(&lane_id) {
            let steps = self.doc.map().steps.iter().filter(|s| s.lane == lane_id).count();
            self.dialog = Some(Dialog::ConfirmDeleteLane {
                lane_id,
                name: lane.name.clone(),
                steps,
            });
        }
    }

    pub(super) fn pick_lane(&mut self, lane_id: String, confirmed: bool) {
        let map = self.doc.map();
        let active = crate::plan::active_picks(map);
        if let Some(existing) = active.iter().find(|p| p.lane == lane_id) {
            self.plan_view.pick_id = Some(existing.id.clone());
            self.right_tab = RightTab::Plan;
            return;
        }
        if !active.is_empty() && !confirmed {
            let names = active
                .iter()
                .map(|p| map.lane(&p.lane).map_or(p.lane.clone(), |l| l.name.clone()))
                .collect();
            let lane = map.lane(&lane_id).map_or(lane_id.clone(), |l| l.name.clone());
            self.dialog = Some(Dialog::ConfirmSecondPick {
                lane_id,
                lane,
                active: names,
            });
            return;
        }
        let Some(score) = self.doc.ranking().lane(&lane_id) else {
            return;
        };
        let pick = crate::plan::Pick::new(crate::plan::next_pick_id(map), score, self.today());
        let pick_id = pick.id.clone();
        let mut picks = map.picks.clone();
        picks.push(pick);
        self.apply(Edit::SetPicks(picks), None);
        self.plan_view.pick_id = Some(pick_id);
        self.right_tab = RightTab::Plan;
    }

    pub(super) fn toggle_workshop(&mut self, ctx: &egui::Context) {
        if self.workshop.take().is_some() {
            let (zoom, dark) = self.before_workshop;
            ctx.set_zoom_factor(zoom);
            ctx.style_mut_of(egui::Theme::Light, |s| s.visuals.override_text_color = None);
            ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
            ctx.send_viewport_cmd(ViewportCommand::Fullscreen(self.fullscreen));
            return;
        }
        self.before_workshop = (ctx.zoom_factor(), self.dark_mode);
        self.workshop = Some(Workshop::default());
        ctx.set_zoom_factor(WORKSHOP_ZOOM);
        // High contrast for a projector: the light look with black text.
        ctx.set_theme(egui::Theme::Light);
        ctx.style_mut_of(egui::Theme::Light, |s| {
            s.visuals.override_text_color = Some(egui::Color32::BLACK)
        });
        ctx.send_viewport_cmd(ViewportCommand::Fullscreen(true));
        self.view.request_fit();
    }
}
