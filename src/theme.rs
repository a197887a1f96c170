//! Colours, sizes and fonts in one place. Nothing else in the UI hard-codes
//! a colour.

use eframe::egui::{self, Color32, FontData, FontDefinitions, FontFamily, Stroke};

/// Step card size on the canvas, in scene units.
pub const CARD_W: f32 = 180.0;
pub const CARD_H: f32 = 96.0;
/// Width of the lane title column left of each band.
pub const LANE_HEADER_W: f32 = 230.0;
/// Smallest lane band height, and the space below the lowest card.
pub const LANE_MIN_H: f32 = 160.0;
pub const LANE_PAD: f32 = 32.0;
/// Radius of the connector dot on a card's right edge.
pub const CONNECTOR_R: f32 = 7.0;

/// The name of the bold font family.
pub const BOLD: &str = "bold";

/// Installs the bundled Inter font in front of egui's defaults, which stay
/// as fallbacks for symbols and emoji.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "inter".into(),
        FontData::from_static(include_bytes!("../assets/fonts/Inter-Regular.otf")).into(),
    );
    fonts.font_data.insert(
        "inter-semibold".into(),
        FontData::from_static(include_bytes!("../assets/fonts/Inter-SemiBold.otf")).into(),
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
            Self {
                canvas_bg: Color32::from_rgb(210, 215, 222),
                lane_fill: [Color32::from_rgb(246, 247, 249), Color32::from_rgb(236, 239, 243)],
                lane_header: Color32::from_rgb(226, 230, 236),
                lane_highlight: Color32::from_rgb(255, 243, 196),
                text: Color32::from_rgb(24, 26, 30),
                weak_text: Color32::from_rgb(88, 94, 104),
                card_border: Color32::from_rgb(160, 166, 178),
                selection: Color32::from_rgb(20, 110, 230),
                edge: Color32::from_rgb(96, 102, 114),
                handoff: Color32::from_rgb(214, 100, 0),
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
    let [r, g, b] = heat_rgb(heat, dark_mode);
    Color32::from_rgb(r, g, b)
}

/// The heat scale's colour stops, `(heat, rgb)`.
pub fn heat_stops(dark_mode: bool) -> &'static [(f64, [u8; 3]); 4] {
    const STOPS_LIGHT: [(f64, [u8; 3]); 4] = [
        (0.0, [226, 240, 226]),
        (0.35, [255, 236, 160]),
        (0.7, [255, 180, 110]),
        (1.0, [240, 110, 100]),
    ];
    const STOPS_DARK: [(f64, [u8; 3]); 4] = [
        (0.0, [44, 66, 52]),
        (0.35, [104, 92, 36]),
        (0.7, [140, 78, 34]),
        (1.0, [156, 46, 44]),
    ];
    if dark_mode { &STOPS_DARK } else { &STOPS_LIGHT }
}

/// [`heat_color`] as plain RGB, for pictures drawn without egui.
pub fn heat_rgb(heat: f64, dark_mode: bool) -> [u8; 3] {
    let stops = heat_stops(dark_mode);
    let h = if heat.is_finite() { heat.clamp(0.0, 1.0) } else { 0.0 };
    for pair in stops.windows(2) {
        let ((a, ca), (b, cb)) = (pair[0], pair[1]);
        if h <= b {
            let t = ((h - a) / (b - a)) as f32;
            let mix = |i: usize| (f32::from(ca[i]) + (f32::from(cb[i]) - f32::from(ca[i])) * t).round() as u8;
            return [mix(0), mix(1), mix(2)];
        }
    }
    stops[stops.len() - 1].1
}

/// Chart colours of the three friction components.
pub fn component_color(component: crate::scoring::Component) -> Color32 {
    let [r, g, b] = component_rgb(component);
    Color32::from_rgb(r, g, b)
}

/// [`component_color`] as plain RGB.
pub fn component_rgb(component: crate::scoring::Component) -> [u8; 3] {
    match component {
        crate::scoring::Component::Handling => [66, 133, 214],
        crate::scoring::Component::Rework => [230, 120, 40],
        crate::scoring::Component::Delay => [150, 100, 200],
    }
}

/// The light look as plain RGB, for exported pictures (SVG, PNG), which
/// are always light so they print and sit on slides.
pub mod print {
    pub const BACKGROUND: [u8; 3] = [255, 255, 255];
    pub const LANE_FILL: [[u8; 3]; 2] = [[246, 247, 249], [236, 239, 243]];
    pub const LANE_HEADER: [u8; 3] = [226, 230, 236];
    pub const TEXT: [u8; 3] = [24, 26, 30];
    pub const WEAK_TEXT: [u8; 3] = [88, 94, 104];
    pub const BORDER: [u8; 3] = [160, 166, 178];
    pub const EDGE: [u8; 3] = [96, 102, 114];
    pub const HANDOFF: [u8; 3] = [214, 100, 0];
    pub const WARNING: [u8; 3] = [170, 100, 0];
    pub const GRID: [u8; 3] = [222, 226, 232];
}

/// Colours for messages.
pub const ERROR: Color32 = Color32::from_rgb(210, 50, 50);
pub const WARNING: Color32 = Color32::from_rgb(200, 130, 0);
pub const OK: Color32 = Color32::from_rgb(40, 150, 70);
