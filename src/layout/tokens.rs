//! The design tokens that need no UI toolkit: card and lane sizes, the
//! heat scale, the component colours and the print palette, as plain
//! numbers and RGB. The canvas (through `theme`, the egui side), the
//! layout, the importers and the exported pictures all read them here, so
//! the core never names egui.

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

/// The heat colour of a step as plain RGB: `heat` 0 is cool, 1 is the
/// map's hottest step; pale green → yellow → orange → red.
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

/// The chart colour of a friction component, as plain RGB.
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
