//! What the window shows in place of the canvas and the ranking for a map
//! that was changed with another tool and breaks the rules every map
//! follows: every problem by field, a way to repair the structure, and a
//! way to each bad value in the inspector. The figures are held back until
//! the map is whole again.

use eframe::egui::{self, RichText};

use crate::document::Document;
use crate::document::repair::{Place, structure_repair};
use crate::ui::Action;
use crate::ui::theme;

/// Problems listed on screen at most; the rest are counted.
const SHOWN: usize = 200;

/// What a problem is about, in words: `Step “Capture invoice”`.
pub fn place_label(doc: &Document, path: &str) -> String {
    let map = doc.map();
    let name = |text: &str| cut(text, 60);
    match Place::of(path) {
        Place::Map => "The map".to_owned(),
        Place::Lane(i) => map
            .lanes
            .get(i)
            .map_or(format!("Lane {}", i + 1), |l| format!("Lane “{}”", name(&l.name))),
        Place::Step(i) => map
            .steps
            .get(i)
            .map_or(format!("Step {}", i + 1), |s| format!("Step “{}”", name(&s.name))),
        Place::Edge(i) => format!("Arrow {}", i + 1),
        Place::Pick(i) => map
            .picks
            .get(i)
            .and_then(|p| map.lane(&p.lane))
            .map_or(format!("Pick {}", i + 1), |l| {
                format!("The pick of “{}”", name(&l.name))
            }),
    }
}

fn cut(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

pub fn repair_ui(ui: &mut egui::Ui, doc: &Document, actions: &mut Vec<Action>) {
    let problems = doc.problems();
    crate::ui::scroll_with_focus(egui::ScrollArea::vertical().auto_shrink([false, false]), ui, |ui| {
        ui.add_space(12.0);
        ui.label(RichText::new("This map needs repair before it can be used").font(theme::bold(22.0)));
        ui.add_space(4.0);
        ui.label(format!(
            "It was changed outside Friction Map (for example with the sqlite3 shell), and {} of its \
             values or rows break the rules every map follows. Until they are fixed, its figures are held \
             back and only repairs can be made. Nothing was changed or deleted.",
            problems.len()
        ));
        ui.add_space(10.0);
        if let Some(repair) = structure_repair(doc.map()) {
            ui.label(RichText::new("The structure").strong());
            for line in &repair.lines {
                ui.label(format!("• {line}"));
            }
            if ui
                .button("Repair the structure")
                .on_hover_text("Brings every step back into a lane; cannot be undone")
                .clicked()
            {
                actions.push(Action::RepairStructure);
            }
            ui.add_space(10.0);
        }
        ui.label(RichText::new("Problems").strong());
        ui.label(
            RichText::new("“Show” selects what a problem is about; fix the value in the inspector on the right.")
                .weak(),
        );
        ui.add_space(4.0);
        for problem in problems.iter().take(SHOWN) {
            ui.horizontal(|ui| {
                let show = ui.button("Show");
                let path = problem.path.clone();
                show.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Show the problem at {path}"))
                });
                if show.clicked() {
                    actions.push(Action::ShowProblem(problem.path.clone()));
                }
                let field = Place::field(&problem.path);
                let text = if field.is_empty() {
                    problem.message.clone()
                } else {
                    format!("{field}: {}", problem.message)
                };
                ui.label(place_label(doc, &problem.path));
                ui.add(egui::Label::new(RichText::new(cut(&text, 300)).color(theme::ERROR)).wrap());
            });
        }
        if problems.len() > SHOWN {
            ui.label(format!("…and {} more.", problems.len() - SHOWN));
        }
    });
}
