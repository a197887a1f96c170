//! The map library: every map in the database, with a search box. One
//! click opens a map. A map with problems (changed with another tool) is
//! marked.

use std::collections::HashMap;

use eframe::egui::{self, RichText};

use crate::store::{MapId, MapSummary};
use crate::ui::Action;
use crate::ui::theme;

pub fn library_ui(
    ui: &mut egui::Ui,
    maps: &[MapSummary],
    problems: &HashMap<MapId, usize>,
    current: MapId,
    search: &mut String,
    actions: &mut Vec<Action>,
) {
    let fmt = crate::ui::number_style(ui.ctx());
    ui.horizontal(|ui| {
        ui.heading("Maps");
        if ui.button("+ New").on_hover_text("New map (Ctrl+N)").clicked() {
            actions.push(Action::NewMap);
        }
    });
    let resp = ui.add(
        egui::TextEdit::singleline(search)
            .hint_text("Search maps")
            .desired_width(f32::INFINITY),
    );
    resp.widget_info(|| egui::WidgetInfo::labeled(egui::Role::SearchInput, true, "Search maps"));
    ui.add_space(4.0);
    let needle = search.trim().to_lowercase();
    crate::ui::scroll_with_focus(egui::ScrollArea::vertical().auto_shrink([false, false]), ui, |ui| {
        let mut shown = 0;
        for m in maps
            .iter()
            .filter(|m| needle.is_empty() || m.name.to_lowercase().contains(&needle))
        {
            shown += 1;
            let counts = format!("{} · {}", fmt.count(m.lanes, "lane"), fmt.count(m.steps, "step"));
            let selected = m.id == current;
            let resp = ui
                .add(egui::Button::selectable(selected, RichText::new(&m.name).strong()).truncate())
                .on_hover_text(&counts);
            ui.label(RichText::new(&counts).small().weak());
            match problems.get(&m.id).copied().unwrap_or(0) {
                0 => {}
                n => {
                    let text = if n == 1 {
                        "⚠ 1 problem: needs repair".to_owned()
                    } else {
                        format!("⚠ {n} problems: needs repair")
                    };
                    ui.label(RichText::new(text).small().color(theme::ERROR));
                }
            }
            ui.add_space(4.0);
            if resp.clicked() && !selected {
                actions.push(Action::OpenMap(m.id));
            }
        }
        if shown == 0 {
            ui.label(RichText::new("No map matches.").weak());
        }
    });
}
