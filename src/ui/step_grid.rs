//! The steps table: every step of the map as a row (lane, name, the four
//! values with their low and high estimates, and its friction), edited in
//! place with the inspector's checked fields. Tab moves along a row, then
//! to the next one, as in a spreadsheet. Only the rows in view are built,
//! so a 20,000-step map scrolls as smoothly as a small one.

use eframe::egui::{self, Id, RichText};

use crate::document::Document;
use crate::document::edit::Edit;
use crate::domain::model::{Attr, Part, Step};
use crate::domain::validate;
use crate::ui::Action;
use crate::ui::canvas::Selection;
use crate::ui::fields::compact_text_field;
use crate::ui::step_fields::{FieldLook, Number, attr_field};

/// The height of one row, for building only the rows in view.
const ROW_HEIGHT: f32 = 30.0;
const LANE_WIDTH: f32 = 150.0;
const NAME_WIDTH: f32 = 200.0;
const NUMBER_WIDTH: f32 = 64.0;
const FRICTION_WIDTH: f32 = 110.0;

/// What the table asks of the app beyond edits: the step whose name field
/// takes the keyboard (one just added).
#[derive(Default)]
pub struct StepGridState {
    pub focus_name_of: Option<String>,
}

pub fn step_grid_ui(
    ui: &mut egui::Ui,
    doc: &Document,
    selection: &Selection,
    state: &mut StepGridState,
    actions: &mut Vec<Action>,
) {
    let map = doc.map();
    let fmt = crate::ui::number_style(ui.ctx());
    ui.horizontal(|ui| {
        ui.label(RichText::new(fmt.count(map.steps.len(), "step")).strong());
        if ui
            .button("+ Add a step")
            .on_hover_text("Add a step to the selected step's lane (or the first lane)")
            .clicked()
        {
            actions.push(Action::AddStep);
        }
        ui.label(RichText::new("Low and high estimates are optional. Tab moves along the row.").weak());
    });
    ui.separator();
    let focus_row = state.focus_name_of.as_deref().and_then(|id| doc.step_index(id));
    egui::ScrollArea::horizontal()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            header_row(ui);
            let mut scroll = egui::ScrollArea::vertical().auto_shrink([false, false]);
            if let Some(row) = focus_row {
                scroll = scroll.vertical_scroll_offset((row as f32 * ROW_HEIGHT - 3.0 * ROW_HEIGHT).max(0.0));
            }
            scroll.show_rows(ui, ROW_HEIGHT, map.steps.len(), |ui, rows| {
                for i in rows {
                    let step = &map.steps[i];
                    let selected = selection.steps.contains(&step.id);
                    let focus = state.focus_name_of.as_deref() == Some(step.id.as_str());
                    step_row(ui, doc, step, i, selected, focus, actions);
                }
            });
        });
    if focus_row.is_some() {
        state.focus_name_of = None;
    }
}

fn header_row(ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        let title = |ui: &mut egui::Ui, text: &str, width: f32| {
            ui.add_sized([width, 18.0], egui::Label::new(RichText::new(text).strong()).truncate())
        };
        title(ui, "Lane", LANE_WIDTH);
        title(ui, "Step", NAME_WIDTH);
        let number_columns = NUMBER_WIDTH * 3.0 + 2.0 * ui.spacing().item_spacing.x;
        for attr in Attr::ALL {
            title(ui, attr.short_label(), number_columns).on_hover_text(format!("{}: value, low, high", attr.label()));
        }
        title(ui, "Friction / month", FRICTION_WIDTH);
    });
}

fn step_row(
    ui: &mut egui::Ui,
    doc: &Document,
    step: &Step,
    index: usize,
    selected: bool,
    focus_name: bool,
    actions: &mut Vec<Action>,
) {
    let fmt = crate::ui::number_style(ui.ctx());
    let map = doc.map();
    let id = Id::unique(("step-grid", &step.id));
    ui.horizontal(|ui| {
        ui.set_height(ROW_HEIGHT - ui.spacing().item_spacing.y);
        let lane = map.lane(&step.lane).map_or("?", |l| l.name.as_str());
        let lane_cell = ui.add_sized([LANE_WIDTH, 20.0], egui::Button::selectable(selected, lane).truncate());
        if lane_cell.clicked() {
            actions.push(Action::SelectStep(step.id.clone()));
        }
        ui.allocate_ui(egui::vec2(NAME_WIDTH, 20.0), |ui| {
            ui.set_width(NAME_WIDTH);
            let name_id = id.with("name");
            if focus_name {
                ui.memory_mut(|m| m.request_focus(name_id.with("text")));
            }
            let label = format!("Step {} name", index + 1);
            if let Some(name) = compact_text_field(ui, name_id, &label, &step.name, validate::check_name) {
                let mut s = step.clone();
                s.name = name.trim().to_owned();
                actions.push(Action::merged(
                    Edit::UpdateSteps(vec![s]),
                    format!("step:{}:name", step.id),
                ));
            }
        });
        for attr in Attr::ALL {
            for part in Part::ALL {
                let label = format!("Step {} {} {}", index + 1, attr.key(), part.key());
                let look = FieldLook {
                    id,
                    label: &label,
                    width: NUMBER_WIDTH - 4.0,
                    compact: true,
                };
                ui.allocate_ui(egui::vec2(NUMBER_WIDTH, 20.0), |ui| {
                    attr_field(ui, look, step, Number { attr, part }, actions);
                });
            }
        }
        let friction = doc
            .step_scores()
            .get(index)
            .map(|s| s.point.friction())
            .filter(|_| !doc.has_problems());
        let text = friction.map_or("—".to_owned(), |f| fmt.money(f, &map.currency));
        ui.add_sized([FRICTION_WIDTH, 20.0], egui::Label::new(text));
    });
}
