//! SVG to PNG on the CPU with resvg/tiny-skia: no GPU and no system fonts
//! needed, since the bundled Inter faces are loaded into resvg's font
//! database.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::text::{INTER_REGULAR, INTER_SEMIBOLD};

/// The largest PNG side, in pixels, at any scale.
pub const MAX_SIDE_PX: u32 = 16_384;
/// The largest PNG area, in pixels (about 400 MB of RGBA while drawing).
pub const MAX_AREA_PX: u64 = 100_000_000;

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("scale {0} is not allowed: give a number from 0.25 to 8 (1 or 2 are usual)")]
    BadScale(f32),
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error(
        "the picture would be {width} × {height} px at scale {scale}, more than the {MAX_SIDE_PX} px per side or {MAX_AREA_PX} px in all that a PNG may have here; use a smaller --scale or export SVG"
    )]
    TooLarge { width: u64, height: u64, scale: f32 },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(INTER_REGULAR.to_vec());
        db.load_font_data(INTER_SEMIBOLD.to_vec());
        db.set_sans_serif_family("Inter");
        Arc::new(db)
    })
    .clone()
}

/// Rasterizes an SVG document at `scale` (1 = one pixel per SVG unit).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    if !(scale.is_finite() && (0.25..=8.0).contains(&scale)) {
        return Err(PngError::BadScale(scale));
    }
    let options = usvg::Options {
        font_family: "Inter".to_owned(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let width = (f64::from(size.width()) * f64::from(scale)).ceil() as u64;
    let height = (f64::from(size.height()) * f64::from(scale)).ceil() as u64;
    if width > u64::from(MAX_SIDE_PX) || height > u64::from(MAX_SIDE_PX) || width * height > MAX_AREA_PX {
        return Err(PngError::TooLarge { width, height, scale });
    }
    let too_large = || PngError::TooLarge { width, height, scale };
    let mut pixmap = tiny_skia::Pixmap::new(
        u32::try_from(width.max(1)).map_err(|_| too_large())?,
        u32::try_from(height.max(1)).map_err(|_| too_large())?,
    )
    .ok_or_else(too_large)?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))
}
