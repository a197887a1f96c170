//! The checked fields of a step's four values and their low and high
//! estimates, shared by the inspector and the steps table: the same labels,
//! units, and the rule that low ≤ value ≤ high, in one place.

use eframe::egui::{self, Id};

use crate::document::edit::Edit;
use crate::domain::model::{Attr, Part, Step};
use crate::domain::validate;
use crate::ui::Action;
use crate::ui::fields::NumberField;

/// Why `v` may not be `part` of `attr` on `step`, if it may not. Numbers
/// are written plainly in model units: the field restates them in the
/// user's format and units (a low of 1194 reads "1.194" with a decimal
/// comma; formatted here too, it was read back as 1.194 and shown "1,19").
fn check(step: &Step, attr: Attr, part: Part, v: f64) -> Result<(), String> {
    validate::check_value(attr, v)?;
    let numbers = (step.low.get(attr), step.value(attr), step.high.get(attr));
    validate::check_order(part, v, numbers, validate::number_text)
}

/// One of a step's twelve numbers: an attribute's value, low or high.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Number {
    pub attr: Attr,
    pub part: Part,
}

/// Where and how a number's field is shown.
pub struct FieldLook<'a> {
    /// The id the field's own is made from.
    pub id: Id,
    /// Names the field for screen readers and tests.
    pub label: &'a str,
    pub width: f32,
    /// Say what is wrong on hover rather than below (tables).
    pub compact: bool,
}

/// The field id of `number` among fields made from `id`.
fn field_id(id: Id, Number { attr, part }: Number) -> Id {
    id.with((attr.key(), part.key()))
}

/// What the compact fields of `attr` made from `id` have to say, in the
/// order value, low, high: each message as wide as the panel, under the
/// row, since a field's own column wraps it a word a line.
pub fn attr_messages(ui: &mut egui::Ui, id: Id, attr: Attr) {
    for part in Part::ALL {
        let field = field_id(id, Number { attr, part });
        if let Some(error) = crate::ui::fields::field_error(ui.ctx(), field) {
            ui.add(egui::Label::new(egui::RichText::new(error).color(crate::ui::theme::ERROR)).wrap());
        }
        if let Some(note) = crate::ui::fields::field_note(ui.ctx(), field) {
            ui.add(egui::Label::new(egui::RichText::new(note).weak()).wrap());
        }
    }
}

/// Makes Tab go down the four values first, then through the low and high
/// estimates row by row (Shift+Tab goes back), for the fields made from
/// `id`. Call it before showing them: it moves the keyboard this frame.
pub fn values_first_tab_order(ui: &egui::Ui, id: Id) {
    let (tab, back) = ui.input(|i| {
        let tab = i.key_pressed(egui::Key::Tab);
        (tab && i.modifiers.is_none(), tab && i.modifiers.shift_only())
    });
    if !tab && !back {
        return;
    }
    let values = Attr::ALL.map(|attr| Number {
        attr,
        part: Part::Value,
    });
    let estimates = Attr::ALL
        .into_iter()
        .flat_map(|attr| [Part::Low, Part::High].map(|part| Number { attr, part }));
    let order: Vec<Id> = values
        .into_iter()
        .chain(estimates)
        .map(|n| NumberField::text_id(field_id(id, n)))
        .collect();
    let Some(at) = ui
        .memory(|m| m.focused())
        .and_then(|f| order.iter().position(|&o| o == f))
    else {
        return;
    };
    let next = if tab { at.checked_add(1) } else { at.checked_sub(1) };
    if let Some(&next) = next.and_then(|n| order.get(n)) {
        ui.memory_mut(|m| {
            m.request_focus(next);
            // The Tab is spent: egui would otherwise move on from `next`.
            m.move_focus(egui::FocusDirection::None);
        });
    }
}

/// The field of one number of `step`. Pushes the edit when the user typed
/// a valid number (typing into the same field merges into one undo step).
pub fn attr_field(
    ui: &mut egui::Ui,
    look: FieldLook<'_>,
    step: &Step,
    Number { attr, part }: Number,
    actions: &mut Vec<Action>,
) {
    let FieldLook {
        id,
        label,
        width,
        compact,
    } = look;
    let scale = attr.display_scale();
    let field_id = field_id(id, Number { attr, part });
    let field = match part {
        Part::Value => NumberField::new(field_id, label, step.value(attr)),
        Part::Low => NumberField::optional(field_id, label, step.low.get(attr)),
        Part::High => NumberField::optional(field_id, label, step.high.get(attr)),
    };
    let field = field.scale(scale).width(width).compact(compact);
    let Some(new) = field.show(ui, |v| check(step, attr, part, v)) else {
        return;
    };
    let mut s = step.clone();
    match (part, new) {
        (Part::Value, Some(v)) => s.set_value(attr, v),
        (Part::Value, None) => return,
        (Part::Low, new) => s.low.set(attr, new),
        (Part::High, new) => s.high.set(attr, new),
    }
    let merge_key = format!("step:{}:{}:{}", step.id, attr.key(), part.key());
    actions.push(Action::merged(Edit::UpdateSteps(vec![s]), merge_key));
}
