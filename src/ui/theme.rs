//! Colours, sizes and fonts of the window in one place: the egui side of
//! the design tokens (`tokens` holds the plain ones). Nothing else in the
//! UI hard-codes a colour.

#![allow(clippy::disallowed_methods, reason = "the one place colours are named (clippy.toml)")]

use eframe::egui::{self, Color32, FontData, FontDefinitions, FontFamily, Stroke};

pub use crate::layout::tokens::{
    CARD_H, CARD_W, CONNECTOR_R, LANE_HEADER_W, LANE_MIN_H, LANE_PAD, component_rgb, heat_rgb, heat_stops, print,
};

/// The name of the bold font family.
pub const BOLD: &str = "bold";

/// Installs the bundled Inter font in front of egui's defaults, which stay
/// as fallbacks for symbols and emoji.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "inter".into(),
        FontData::from_static(include_bytes!("../../assets/fonts/Inter-Regular.otf")).into(),
    );
    fonts.font_data.insert(
        "inter-semibold".into(),
        FontData::from_static(include_bytes!("../../assets/fonts/Inter-SemiBold.otf")).into(),
    );
    let fallbacks = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    if let Some(family) = fonts.families.get_mut(&FontFamily::Proportional) {
        family.insert(0, "inter".into());
    }
    let mut bold = vec!["inter-semibold".to_owned()];
    bold.extend(fallbacks);
    fonts.families.insert(FontFamily::Name(BOLD.into()), bold);
    ctx.set_fonts(fonts);
}

pub fn bold(size: f32) -> egui::FontId {
    egui::FontId::new(size, FontFamily::Name(BOLD.into()))
}

/// The canvas palette for the current light or dark look.
#[derive(Clone, Copy)]
pub struct Palette {
    pub canvas_bg: Color32,
    pub lane_fill: [Color32; 2],
    pub lane_header: Color32,
    pub lane_highlight: Color32,
    pub text: Color32,
    pub weak_text: Color32,
    pub card_border: Color32,
    pub selection: Color32,
    pub edge: Color32,
    pub handoff: Color32,
    pub connector: Color32,
    pub box_select: Color32,
}

impl Palette {
    pub fn for_visuals(visuals: &egui::Visuals) -> Self {
        if visuals.dark_mode {
            Self {
                canvas_bg: Color32::from_rgb(22, 24, 28),
                lane_fill: [Color32::from_rgb(36, 39, 46), Color32::from_rgb(42, 46, 54)],
                lane_header: Color32::from_rgb(30, 33, 39),
                lane_highlight: Color32::from_rgb(64, 58, 30),
                text: Color32::from_rgb(232, 232, 232),
                weak_text: Color32::from_rgb(170, 174, 182),
                card_border: Color32::from_rgb(90, 96, 108),
                selection: Color32::from_rgb(90, 170, 255),
                edge: Color32::from_rgb(150, 156, 168),
                handoff: Color32::from_rgb(255, 160, 60),
                connector: Color32::from_rgb(120, 190, 255),
                box_select: Color32::from_rgba_unmultiplied(90, 170, 255, 40),
            }
        } else {
            // The light look is the print palette's, on a grey canvas.
            Self {
                canvas_bg: Color32::from_rgb(210, 215, 222),
                lane_fill: print::LANE_FILL.map(rgb),
                lane_header: rgb(print::LANE_HEADER),
                lane_highlight: Color32::from_rgb(255, 243, 196),
                text: rgb(print::TEXT),
                weak_text: rgb(print::WEAK_TEXT),
                card_border: rgb(print::BORDER),
                selection: Color32::from_rgb(20, 110, 230),
                edge: rgb(print::EDGE),
                handoff: rgb(print::HANDOFF),
                connector: Color32::from_rgb(20, 110, 230),
                box_select: Color32::from_rgba_unmultiplied(20, 110, 230, 32),
            }
        }
    }

    pub fn selection_stroke(&self) -> Stroke {
        Stroke::new(3.0, self.selection)
    }
}

/// Heat colour for a step: `heat` 0 is cool, 1 is the map's hottest step.
/// The scale runs pale green → yellow → orange → red, readable in both looks.
pub fn heat_color(heat: f64, dark_mode: bool) -> Color32 {
    rgb(heat_rgb(heat, dark_mode))
}

/// Chart colours of the three friction components.
pub fn component_color(component: crate::scoring::Component) -> Color32 {
    rgb(component_rgb(component))
}

/// A plain RGB token as an egui colour.
pub fn rgb([r, g, b]: [u8; 3]) -> Color32 {
    Color32::from_rgb(r, g, b)
}

/// Colours for messages.
pub const ERROR: Color32 = Color32::from_rgb(210, 50, 50);
pub const WARNING: Color32 = Color32::from_rgb(200, 130, 0);
pub const OK: Color32 = Color32::from_rgb(40, 150, 70);
/// A bar or line with nothing to flag.
pub const NEUTRAL: Color32 = Color32::from_rgb(120, 135, 150);
/// The top three lanes in the spread chart, apart for colour-blind eyes
/// (blue, orange, purple).
pub const LANE_COLORS: [Color32; 3] = [
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(150, 80, 170),
];
