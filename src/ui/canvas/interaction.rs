//! What the pointer and the keyboard do on the canvas, turned into
//! [`Action`]s: the lane buttons, cards, connectors and the background, the
//! edits a gesture makes (move, add a step), and the inline rename.

use eframe::egui::{self, Id, Key, Modifiers, PointerButton, Pos2, Rect, Role, Vec2, WidgetInfo, vec2};

use super::state::{CanvasView, Drag, RenameTarget, Selection};
use crate::document::Document;
use crate::document::edit::Edit;
use crate::domain::model::{Edge, Lane, Step};
use crate::layout::Layout;
use crate::ui::Action;

pub(super) fn lane_buttons(
    ui: &mut egui::Ui,
    lane: &Lane,
    index: usize,
    lanes: usize,
    header: Rect,
    actions: &mut Vec<Action>,
) {
    let size = vec2(26.0, 24.0);
    let mut pos = header.left_bottom() + vec2(12.0, -size.y - 8.0);
    let mut button = |ui: &mut egui::Ui, text: &str, label: String, enabled: bool| {
        let rect = Rect::from_min_size(pos, size);
        pos.x += size.x + 4.0;
        let resp = ui.put(rect, egui::Button::new(text).small()).on_hover_text(&label);
        resp.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, &label));
        enabled && resp.clicked()
    };
    if button(ui, "↑", format!("Move lane {} up", lane.name), index > 0) {
        actions.push(Action::edit(Edit::MoveLane {
            lane_id: lane.id.clone(),
            to_index: index - 1,
        }));
    }
    if button(ui, "↓", format!("Move lane {} down", lane.name), index + 1 < lanes) {
        actions.push(Action::edit(Edit::MoveLane {
            lane_id: lane.id.clone(),
            to_index: index + 1,
        }));
    }
    if button(ui, "×", format!("Delete lane {}", lane.name), true) {
        actions.push(Action::AskDeleteLane(lane.id.clone()));
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn card_interaction(
    resp: &egui::Response,
    step: &Step,
    selected: bool,
    modifiers: Modifiers,
    view: &mut CanvasView,
    layout: &Layout,
    doc: &Document,
    actions: &mut Vec<Action>,
) {
    let extend = modifiers.shift || modifiers.command;
    if resp.double_clicked() {
        view.selection = Selection::only_step(&step.id);
        view.start_rename(RenameTarget::Step(step.id.clone()), step.name.clone());
    } else if resp.clicked() {
        if extend {
            if selected {
                view.selection.steps.remove(&step.id);
            } else {
                view.selection.steps.insert(step.id.clone());
            }
            view.selection.lane = None;
        } else {
            view.selection = Selection::only_step(&step.id);
        }
    }
    if resp.drag_started_by(PointerButton::Primary) {
        if !selected {
            view.selection = Selection::only_step(&step.id);
        }
        view.drag = Some(Drag::Move {
            step_ids: view.selection.steps.iter().cloned().collect(),
            offset: Vec2::ZERO,
        });
    }
    if resp.dragged_by(PointerButton::Primary)
        && let Some(Drag::Move { offset, .. }) = &mut view.drag
    {
        *offset += resp.drag_delta();
    }
    if resp.drag_stopped()
        && let Some(Drag::Move { step_ids, offset }) = view.drag.take()
        && offset.length() > 0.5
    {
        actions.push(Action::edit(move_edit(doc, layout, &step_ids, offset)));
    }
}

pub(super) fn connector_interaction(
    conn: &egui::Response,
    step: &Step,
    view: &mut CanvasView,
    layout: &Layout,
    map: &crate::domain::model::Map,
    actions: &mut Vec<Action>,
) {
    if conn.drag_started()
        && let Some(pointer) = conn.interact_pointer_pos()
    {
        view.drag = Some(Drag::Connect {
            from: step.id.clone(),
            pointer,
        });
    }
    if conn.dragged()
        && let Some(Drag::Connect { pointer, .. }) = &mut view.drag
        && let Some(pos) = conn.interact_pointer_pos()
    {
        *pointer = pos;
    }
    if conn.drag_stopped()
        && let Some(Drag::Connect { from, pointer }) = view.drag.take()
        && let Some(target) = layout.card_at(pointer)
    {
        let to = map.steps[target].id.clone();
        let edge = Edge { from, to };
        if edge.from != edge.to && !map.edges.contains(&edge) {
            actions.push(Action::edit(Edit::AddEdges(vec![edge])));
        }
    }
}

/// Where the primary button went down, in the coordinates of the layer
/// `scene` (zoomed and panned).
fn press_origin(ui: &egui::Ui, scene: egui::LayerId) -> Option<Pos2> {
    let origin = ui.input(|i| i.pointer.press_origin())?;
    let to_global = ui.ctx().layer_transform_to_global(scene);
    Some(to_global.map_or(origin, |t| t.inverse() * origin))
}

pub(super) fn background_interaction(
    ui: &egui::Ui,
    resp: &egui::Response,
    doc: &Document,
    view: &mut CanvasView,
    layout: &Layout,
) {
    let modifiers = ui.input(|i| i.modifiers);
    if resp.clicked() && !(modifiers.shift || modifiers.command) {
        view.selection.clear();
    }
    if resp.drag_started_by(PointerButton::Primary)
        && let Some(pos) = resp.interact_pointer_pos()
    {
        // The box starts where the button went down: a drag is known only
        // once the pointer has moved some way, and a quick one moves far.
        // (The background's positions are the scene's, as `resp`'s layer.)
        let start = press_origin(ui, resp.layer_id).unwrap_or(pos);
        view.drag = Some(Drag::Box { start, end: pos });
    }
    if resp.dragged_by(PointerButton::Primary)
        && let Some(Drag::Box { end, .. }) = &mut view.drag
        && let Some(pos) = resp.interact_pointer_pos()
    {
        *end = pos;
    }
    if resp.drag_stopped()
        && let Some(Drag::Box { start, end }) = view.drag.take()
    {
        let area = Rect::from_two_pos(start, end);
        if !(modifiers.shift || modifiers.command) {
            view.selection.clear();
        }
        for (i, card) in layout.cards.iter().enumerate() {
            if area.intersects(*card) {
                view.selection.steps.insert(doc.map().steps[i].id.clone());
            }
        }
    }
}

/// Moves steps by `offset`; each lands in the lane under its card's centre.
pub fn move_edit(doc: &Document, layout: &Layout, step_ids: &[String], offset: Vec2) -> Edit {
    let map = doc.map();
    let steps = step_ids
        .iter()
        .filter_map(|id| {
            let i = doc.step_index(id)?;
            let card = layout.cards[i].translate(offset);
            let lane = layout.lane_at(card.center().y)?;
            let rel = layout.relative_to_lane(lane, card.min);
            let mut step = map.steps[i].clone();
            step.lane = map.lanes[lane].id.as_str().into();
            step.x = rel.x.round();
            step.y = rel.y.round();
            Some(step)
        })
        .collect();
    Edit::UpdateSteps(steps)
}

/// A new step at the pointer, inside the lane that was double-clicked.
pub(super) fn add_step_at(doc: &Document, lane: &Lane, body_origin: Pos2, pos: Pos2) -> Action {
    let mut step = Step::new(doc.map().fresh_id("s"), &lane.id, "New step");
    let rel = pos - body_origin - vec2(crate::ui::theme::CARD_W / 2.0, crate::ui::theme::CARD_H / 2.0);
    step.x = rel.x.max(0.0).round();
    step.y = rel.y.max(8.0).round();
    Action::AddStepAt(step)
}

pub(super) fn rename_overlay(
    ui: &mut egui::Ui,
    doc: &Document,
    layout: &Layout,
    view: &mut CanvasView,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let Some(rename) = &mut view.rename else { return };
    let rect = match &rename.target {
        RenameTarget::Step(id) => doc.step_index(id).map(|i| {
            let card = layout.cards[i];
            Rect::from_min_size(card.min + vec2(6.0, 4.0), vec2(card.width() - 12.0, 28.0))
        }),
        RenameTarget::Lane(id) => map
            .lane_index(id)
            .and_then(|i| layout.bands.get(i))
            .map(|b| Rect::from_min_size(b.header.min + vec2(8.0, 8.0), vec2(b.header.width() - 16.0, 28.0))),
    };
    let Some(rect) = rect else {
        view.rename = None;
        return;
    };
    let edit_id = Id::unique("canvas-rename");
    let edit = egui::TextEdit::singleline(&mut rename.text)
        .id(edit_id)
        .char_limit(crate::domain::validate::field_char_limit(false))
        .font(crate::ui::theme::bold(15.0));
    let resp = ui.put(rect, edit);
    resp.widget_info(|| WidgetInfo::labeled(Role::TextInput, true, "Rename"));
    if !rename.focus_requested {
        // Start with the whole name selected, so typing replaces it.
        resp.request_focus();
        let mut state = egui::text_edit::TextEditState::load(ui.ctx(), edit_id).unwrap_or_default();
        let all = egui::text_selection::CCursorRange::select_all_str(&rename.text);
        state.cursor.set_char_range(Some(all));
        state.store(ui.ctx(), edit_id);
        rename.focus_requested = true;
    }
    let (enter, escape) = ui.input(|i| (i.key_pressed(Key::Enter), i.key_pressed(Key::Escape)));
    if escape {
        view.rename = None;
    } else if enter || resp.lost_focus() {
        let text = rename.text.trim().to_owned();
        let target = rename.target.clone();
        view.rename = None;
        if crate::domain::validate::check_name(&text).is_err() {
            return;
        }
        match target {
            RenameTarget::Step(id) => {
                if let Some(step) = map.step(&id).filter(|s| s.name != text) {
                    let mut step = step.clone();
                    step.name = text;
                    actions.push(Action::edit(Edit::UpdateSteps(vec![step])));
                }
            }
            RenameTarget::Lane(id) => {
                if let Some(lane) = map.lane(&id).filter(|l| l.name != text) {
                    let mut lane = lane.clone();
                    lane.name = text;
                    actions.push(Action::edit(Edit::UpdateLane(lane)));
                }
            }
        }
    }
}
