//! Input fields that never let an invalid value reach the map: what the
//! user types is parsed and checked on every change, and a bad value is
//! shown as an inline message instead.

use eframe::egui::{self, Id, Role, WidgetInfo};

use crate::ui::theme;

pub struct NumberField<'a> {
    id: Id,
    label: &'a str,
    value: Option<f64>,
    /// Display units per model unit, e.g. 100 to show a rate as a percent.
    scale: f64,
    optional: bool,
    width: f32,
    /// Show a bad value's message on hover, not below the field (tables).
    compact: bool,
}

#[derive(Clone, Default)]
struct FieldState {
    text: String,
    error: Option<String>,
    /// How an input that could be meant two ways was read, or which value
    /// was put back when the user left the field with one it refused.
    note: Option<String>,
    /// While the user is in the field: the value it had when they came in.
    came_in_with: Option<Option<f64>>,
}

impl<'a> NumberField<'a> {
    pub fn new(id: Id, label: &'a str, value: f64) -> Self {
        Self {
            id,
            label,
            value: Some(value),
            scale: 1.0,
            optional: false,
            width: 96.0,
            compact: false,
        }
    }

    /// A field that may be left empty, meaning "no estimate".
    pub fn optional(id: Id, label: &'a str, value: Option<f64>) -> Self {
        Self {
            optional: true,
            value,
            ..Self::new(id, label, 0.0)
        }
    }

    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }

    pub fn width(mut self, width: f32) -> Self {
        self.width = width;
        self
    }

    /// Says what is wrong with a bad value when the pointer is on the field,
    /// so a row of fields keeps its height.
    pub fn compact(mut self, compact: bool) -> Self {
        self.compact = compact;
        self
    }

    /// The id of the text edit of the field `id`, for moving the keyboard to it.
    pub fn text_id(id: Id) -> Id {
        id.with("text")
    }

    /// Shows the field. Returns `Some(new value)` when the user typed a
    /// valid one (`Some(None)` for a cleared optional field). `check` gets
    /// the value in model units and says what is wrong with it.
    pub fn show(self, ui: &mut egui::Ui, check: impl Fn(f64) -> Result<(), String>) -> Option<Option<f64>> {
        let text_id = Self::text_id(self.id);
        let focused = ui.memory(|m| m.has_focus(text_id));
        let style = crate::ui::number_style(ui.ctx());
        let shown = |value: Option<f64>| value.map(|v| style.number(v * self.scale)).unwrap_or_default();
        // While the user types, the field shows their text; otherwise it
        // shows the model value, so undo and other edits show up at once.
        let mut result = None;
        let mut local = match ui.data(|d| d.get_temp::<FieldState>(self.id)) {
            Some(state) if focused => state,
            Some(FieldState {
                error: Some(error),
                came_in_with: Some(before),
                ..
            }) => {
                // Left with a number it refused: what it took on the way
                // ("4" of "400") is not kept; the value it had is put back.
                if before != self.value {
                    result = Some(before);
                }
                let kept = if before.is_some() {
                    shown(before)
                } else {
                    "none".to_owned()
                };
                FieldState {
                    text: shown(before),
                    error: None,
                    note: Some(format!("{error}: kept {kept}")),
                    came_in_with: None,
                }
            }
            // A value put back says so until the field is used again.
            Some(FieldState {
                note,
                came_in_with: None,
                ..
            }) => FieldState {
                text: shown(self.value),
                note,
                ..FieldState::default()
            },
            _ => FieldState {
                text: shown(self.value),
                ..FieldState::default()
            },
        };
        let mut edit = egui::TextEdit::singleline(&mut local.text)
            .id(text_id)
            .desired_width(self.width);
        if local.error.is_some() {
            edit = edit.text_color(theme::ERROR);
        }
        let resp = ui.add(edit);
        if resp.gained_focus() {
            select_all(ui.ctx(), text_id, &local.text);
            local.came_in_with = Some(self.value);
            local.note = None;
        }
        let label = self.label.to_owned();
        resp.widget_info(|| WidgetInfo::labeled(Role::TextInput, true, &label));
        if resp.changed() {
            local.note = None;
            match style.parse(&local.text) {
                Ok(None) if self.optional => {
                    local.error = None;
                    result = Some(None);
                }
                Ok(None) => local.error = Some("enter a number".to_owned()),
                Ok(Some(reading)) => {
                    let value = reading.value / self.scale;
                    match check(value) {
                        Ok(()) => {
                            local.error = None;
                            local.note = reading.note;
                            result = Some(Some(value));
                        }
                        Err(why) => local.error = Some(scale_message(&why, self.scale, style)),
                    }
                }
                Err(why) => local.error = Some(why),
            }
        }
        show_error(ui, &resp, local.error.as_deref(), self.compact);
        show_note(ui, &resp, local.note.as_deref(), self.compact);
        ui.data_mut(|d| d.insert_temp(self.id, local));
        result
    }
}

/// What is wrong with the text of the field `id` (made compact), if
/// anything: for a form that shows its fields' messages in one place.
pub fn field_error(ctx: &egui::Context, id: Id) -> Option<String> {
    ctx.data(|d| d.get_temp::<FieldState>(id)).and_then(|s| s.error)
}

/// How the field `id` (made compact) read its text, when it could be meant
/// two ways ("read as 12.5"), for a form that shows it in one place.
pub fn field_note(ctx: &egui::Context, id: Id) -> Option<String> {
    ctx.data(|d| d.get_temp::<FieldState>(id)).and_then(|s| s.note)
}

/// Selects the whole text of a field that just took the keyboard, so what is
/// typed replaces the number (as in a spreadsheet) instead of adding to it.
fn select_all(ctx: &egui::Context, text_id: Id, text: &str) {
    if let Some(mut state) = egui::text_edit::TextEditState::load(ctx, text_id) {
        state
            .cursor
            .set_char_range(Some(egui::text::CCursorRange::select_all_str(text)));
        state.store(ctx, text_id);
    }
}

/// A field's message: below it, or (`compact`) when the pointer is on it.
fn show_error(ui: &mut egui::Ui, field: &egui::Response, error: Option<&str>, compact: bool) {
    let Some(error) = error else { return };
    if compact {
        field
            .clone()
            .on_hover_text(egui::RichText::new(error).color(theme::ERROR));
    } else {
        ui.add(egui::Label::new(egui::RichText::new(error).color(theme::ERROR)).wrap());
    }
}

/// How an input was read, when it could be meant two ways: below the field
/// (`compact`: when the pointer is on it), in the weak text colour.
fn show_note(ui: &mut egui::Ui, field: &egui::Response, note: Option<&str>, compact: bool) {
    let Some(note) = note else { return };
    if compact {
        field.clone().on_hover_text(note);
    } else {
        ui.add(egui::Label::new(egui::RichText::new(note).weak()).wrap());
    }
}

/// A checked text field. Returns the new text when it changed and passed
/// `check`; while the text is invalid the field keeps it and says why.
pub fn text_field(
    ui: &mut egui::Ui,
    id: Id,
    label: &str,
    value: &str,
    multiline: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Option<String> {
    checked_text(ui, id, label, value, multiline, false, check)
}

/// A one-line [`text_field`] that says what is wrong on hover, for tables.
pub fn compact_text_field(
    ui: &mut egui::Ui,
    id: Id,
    label: &str,
    value: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Option<String> {
    checked_text(ui, id, label, value, false, true, check)
}

fn checked_text(
    ui: &mut egui::Ui,
    id: Id,
    label: &str,
    value: &str,
    multiline: bool,
    compact: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Option<String> {
    let text_id = id.with("text");
    let focused = ui.memory(|m| m.has_focus(text_id));
    let mut local = match ui.data(|d| d.get_temp::<FieldState>(id)) {
        Some(state) if focused => state,
        _ => FieldState {
            text: value.to_owned(),
            ..FieldState::default()
        },
    };
    let edit = if multiline {
        egui::TextEdit::multiline(&mut local.text).desired_rows(3)
    } else {
        egui::TextEdit::singleline(&mut local.text)
    };
    let resp = ui.add(
        edit.id(text_id)
            .desired_width(f32::INFINITY)
            .char_limit(crate::domain::validate::field_char_limit(multiline)),
    );
    resp.widget_info(|| WidgetInfo::labeled(Role::TextInput, true, label));
    let mut result = None;
    if resp.changed() {
        match check(&local.text) {
            Ok(()) => {
                local.error = None;
                result = Some(local.text.clone());
            }
            Err(why) => local.error = Some(why),
        }
    }
    show_error(ui, &resp, local.error.as_deref(), compact);
    ui.data_mut(|d| d.insert_temp(id, local));
    result
}

/// Restates a range message in display units (e.g. percent) and in the
/// user's number style: the checks in `validate` write plain numbers.
fn scale_message(message: &str, scale: f64, style: crate::domain::money::NumberStyle) -> String {
    if scale == 1.0 && style == crate::domain::money::NumberStyle::POINT {
        return message.to_owned();
    }
    let unit = if scale == 100.0 { "%" } else { "" };
    message
        .split(' ')
        .map(|word| match word.parse::<f64>() {
            Ok(v) => format!("{}{unit}", style.number(v * scale)),
            Err(_) => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restates_plain_numbers_once_in_the_users_format() {
        let message = "100.5 is below the low estimate 1194";
        assert_eq!(
            scale_message(message, 1.0, crate::domain::money::NumberStyle::COMMA),
            "100,5 is below the low estimate 1.194"
        );
    }

    #[test]
    fn restates_rates_as_percent() {
        assert_eq!(
            scale_message(
                "1.2 is above the maximum 0.95",
                100.0,
                crate::domain::money::NumberStyle::POINT
            ),
            "120% is above the maximum 95%"
        );
        assert_eq!(
            scale_message(
                "1500.5 is above the maximum 1000",
                1.0,
                crate::domain::money::NumberStyle::COMMA
            ),
            "1.500,5 is above the maximum 1.000"
        );
    }
}
