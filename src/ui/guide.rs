//! Help ▸ How it works: the method and the formula worked through with the
//! open map's numbers (`crate::plan::guide`), in a window of its own. It opens by
//! itself on the first run, and from the empty states.

use eframe::egui::{self, RichText};

use crate::document::Document;
use crate::scoring::certainty::Certainty;
use crate::ui::theme;

/// Shows the guide while `open` is set; its close button clears it.
/// `certainty` is the simulation of the map as it is now, once it is ready.
pub fn guide_window(ctx: &egui::Context, open: &mut bool, doc: &Document, certainty: Option<&Certainty>) {
    if !*open {
        return;
    }
    let sections =
        crate::plan::guide::how_it_works(doc.map(), (doc.ranking(), certainty), crate::ui::number_style(ctx));
    egui::Window::new("How Friction Map works")
        .open(open)
        .collapsible(false)
        .resizable(true)
        .default_width(560.0)
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .max_width(ctx.content_rect().width() * 0.9)
        .max_height(ctx.content_rect().height() * 0.85)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                ui.label(
                    RichText::new(
                        "Friction Map tells you which workflow to fix first and what its manual friction \
                         costs each month, then carries that one lane to an owner, a target and a weekly review.",
                    )
                    .strong(),
                );
                for section in sections {
                    ui.add_space(8.0);
                    ui.label(RichText::new(section.heading).font(theme::bold(16.0)));
                    for paragraph in section.paragraphs {
                        ui.add(egui::Label::new(paragraph).wrap());
                    }
                }
                ui.add_space(8.0);
                ui.label(
                    RichText::new("Help > How it works opens this again; Help > Keyboard shortcuts lists the keys.")
                        .weak(),
                );
            });
        });
}
