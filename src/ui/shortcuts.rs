//! Keyboard shortcuts and the Help ▸ Shortcuts window. Shortcuts with Ctrl
//! act unless a text field has the keyboard; the single-letter map keys act
//! only when the canvas has it (the pointer was last over the canvas), so
//! typing into a field, a menu or a panel never edits the map.

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use crate::ui::Action;

/// Every shortcut, as shown in the help window and the README.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+N", "New map"),
    ("Ctrl+S", "Save now"),
    ("Ctrl+E", "Export ranked lanes as CSV"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z or Ctrl+Y", "Redo"),
    ("Ctrl+A", "Select all steps"),
    ("Esc", "Deselect"),
    ("Delete", "Delete the selection (and its edges)"),
    ("L", "Add a lane"),
    ("S", "Add a step to the selected lane"),
    ("F or Home", "Fit the map to the window"),
    ("Shift+F", "Zoom to the selection"),
    ("Ctrl+C / Ctrl+V", "Copy and paste the selected steps"),
    ("Ctrl+D", "Duplicate the selected steps"),
    ("Arrow keys", "Nudge the selected steps (Shift: further)"),
    ("1", "Zoom the map to 100%"),
    ("F11", "Fullscreen"),
    ("F5", "Workshop mode (Esc leaves)"),
    ("Ctrl + / − / 0", "Zoom the UI in, out, reset"),
    ("Double-click a lane", "Add a step there"),
    ("Double-click a card", "Rename it"),
    ("Drag a card's blue dot", "Connect it to another step"),
    ("Drag on empty space", "Select with a box (Shift adds)"),
    ("Right- or middle-drag, scroll", "Pan; Ctrl+scroll zooms"),
];

/// Copy, paste, duplicate and the arrow keys' nudge.
fn clipboard_keys(i: &mut egui::InputState, actions: &mut Vec<Action>) {
    i.events.retain(|event| match event {
        egui::Event::Copy => {
            actions.push(Action::Copy);
            false
        }
        egui::Event::Paste(text) => {
            actions.push(Action::Paste(Some(text.clone())));
            false
        }
        _ => true,
    });
    if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::D)) {
        actions.push(Action::Duplicate);
    }
    for (step, modifiers) in [(NUDGE, Modifiers::NONE), (NUDGE_FAR, Modifiers::SHIFT)] {
        for (key, dx, dy) in [
            (Key::ArrowLeft, -step, 0.0),
            (Key::ArrowRight, step, 0.0),
            (Key::ArrowUp, 0.0, -step),
            (Key::ArrowDown, 0.0, step),
        ] {
            if i.consume_key(modifiers, key) {
                actions.push(Action::Nudge(dx, dy));
            }
        }
    }
}

/// How far an arrow key moves the selected steps, in scene units; with
/// Shift, further.
const NUDGE: f32 = 8.0;
const NUDGE_FAR: f32 = 40.0;

/// `typing` says whether a text field had the keyboard last frame: egui
/// drops focus on Esc before the app sees the key, so the current focus
/// alone would turn "leave this field" into "deselect". `canvas` says
/// whether the canvas has the keyboard, for the single-letter map keys, and
/// `editing` whether the keys that edit the map may act (not in workshop
/// mode, where the canvas only selects).
pub fn handle_shortcuts(ctx: &egui::Context, typing: bool, canvas: bool, editing: bool, actions: &mut Vec<Action>) {
    let ctrl = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
    ctx.input_mut(|i| {
        // These work even while typing.
        if i.consume_shortcut(&ctrl(Key::N)) {
            actions.push(Action::NewMap);
        }
        if i.consume_shortcut(&ctrl(Key::S)) {
            actions.push(Action::SaveNow);
        }
        if i.consume_shortcut(&ctrl(Key::E)) {
            actions.push(Action::ExportCsv);
        }
        if i.consume_key(Modifiers::NONE, Key::F11) {
            actions.push(Action::ToggleFullscreen);
        }
    });
    if typing || ctx.text_edit_focused() {
        return;
    }
    ctx.input_mut(|i| {
        // Ctrl+Shift+Z first: `consume_shortcut` ignores extra Shift.
        if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z))
            || i.consume_shortcut(&ctrl(Key::Y))
        {
            actions.push(Action::Redo);
        }
        if i.consume_shortcut(&ctrl(Key::Z)) {
            actions.push(Action::Undo);
        }
        if i.consume_shortcut(&ctrl(Key::A)) {
            actions.push(Action::SelectAll);
        }
        if i.consume_key(Modifiers::NONE, Key::Escape) {
            actions.push(Action::Deselect);
        }
        if canvas && i.consume_shortcut(&KeyboardShortcut::new(Modifiers::SHIFT, Key::F)) {
            actions.push(Action::ZoomToSelection);
        }
        if canvas && editing {
            clipboard_keys(i, actions);
        }
        let view = [
            (Key::F, Action::FitToMap),
            (Key::Home, Action::FitToMap),
            (Key::Num1, Action::ZoomToActualSize),
        ];
        let edits = [
            (Key::Delete, Action::DeleteSelection),
            (Key::Backspace, Action::DeleteSelection),
            (Key::L, Action::AddLane),
            (Key::S, Action::AddStep),
        ];
        let keys = view.into_iter().filter(|_| canvas);
        for (key, action) in keys.chain(edits.into_iter().filter(|_| canvas && editing)) {
            if i.consume_key(Modifiers::NONE, key) {
                actions.push(action);
            }
        }
    });
}

pub fn shortcuts_window(ctx: &egui::Context, open: &mut bool) {
    egui::Window::new("Keyboard shortcuts")
        .open(open)
        .resizable(false)
        .collapsible(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .num_columns(2)
                .striped(true)
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(*keys).strong());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
        });
}
