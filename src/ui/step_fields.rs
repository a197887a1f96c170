//! The checked fields of a step's four values and their low and high
//! estimates, shared by the inspector and the steps table: the same labels,
//! units, and the rule that low ≤ value ≤ high, in one place.

use eframe::egui::{self, Id};

use crate::edit::Edit;
use crate::model::{Attr, Step};
use crate::ui::Action;
use crate::ui::fields::NumberField;
use crate::validate;

/// Which of an attribute's three numbers a field edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Value,
    Low,
    High,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Value, Part::Low, Part::High];

    pub fn key(self) -> &'static str {
        match self {
            Part::Value => "value",
            Part::Low => "low",
            Part::High => "high",
        }
    }
}

/// A label for an attribute, with its display unit.
pub fn attr_label(attr: Attr) -> &'static str {
    match attr {
        Attr::VolumePerMonth => "Volume (items / month)",
        Attr::HandleMinutes => "Handling (min / item)",
        Attr::ReworkRate => "Rework (% of items)",
        Attr::ApprovalDelayHours => "Approval wait (h / item)",
    }
}

/// Rework is entered as a percent; everything else in model units.
pub fn display_scale(attr: Attr) -> f64 {
    if attr == Attr::ReworkRate { 100.0 } else { 1.0 }
}

/// A number as the fields show it, with "%" for rework.
fn show(v: f64, scale: f64) -> String {
    let text = crate::money::trim_number(v * scale);
    if scale == 100.0 { format!("{text}%") } else { text }
}

/// Why `v` may not be `part` of `attr` on `step`, if it may not.
fn check(step: &Step, attr: Attr, part: Part, v: f64) -> Result<(), String> {
    validate::check_value(attr, v)?;
    let scale = display_scale(attr);
    let value = step.value(attr);
    match part {
        Part::Value => {
            if let Some(low) = step.low.get(attr).filter(|low| v < *low) {
                return Err(format!(
                    "{} is below the low estimate {}",
                    show(v, scale),
                    show(low, scale)
                ));
            }
            if let Some(high) = step.high.get(attr).filter(|high| v > *high) {
                return Err(format!(
                    "{} is above the high estimate {}",
                    show(v, scale),
                    show(high, scale)
                ));
            }
            Ok(())
        }
        Part::Low if v > value => Err(format!("{} is above the value {}", show(v, scale), show(value, scale))),
        Part::High if v < value => Err(format!("{} is below the value {}", show(v, scale), show(value, scale))),
        Part::Low | Part::High => Ok(()),
    }
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
    let scale = display_scale(attr);
    let field_id = id.with((attr.key(), part.key()));
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
