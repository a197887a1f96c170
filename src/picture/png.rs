//! SVG to PNG on the CPU with resvg/tiny-skia: no GPU and no system fonts
//! needed, since the bundled Inter faces are loaded into resvg's font
//! database.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::text::{INTER_REGULAR, INTER_SEMIBOLD};
use crate::money::thousands;

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
        "the picture would be {} × {} px at scale {scale}, and a PNG may have at most {} px on a side and {} million px in all; export SVG instead, or use a smaller scale",
        thousands(*width, 0),
        thousands(*height, 0),
        thousands(f64::from(MAX_SIDE_PX), 0),
        MAX_AREA_PX / 1_000_000
    )]
    TooLarge { width: f64, height: f64, scale: f32 },
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

fn check_scale(scale: f32) -> Result<(), PngError> {
    if scale.is_finite() && (0.25..=8.0).contains(&scale) {
        Ok(())
    } else {
        Err(PngError::BadScale(scale))
    }
}

/// The pixel size of a picture of `width` × `height` SVG units at `scale`,
/// or why it may not be a PNG: known from the layout alone, before any
/// drawing.
pub fn pixel_size(width: f32, height: f32, scale: f32) -> Result<(u32, u32), PngError> {
    check_scale(scale)?;
    let px = |units: f32| (f64::from(units) * f64::from(scale)).ceil().max(1.0);
    let (w, h) = (px(width), px(height));
    let side = f64::from(MAX_SIDE_PX);
    // NaN fails every comparison, so it is refused too.
    if !(w <= side && h <= side && w * h <= MAX_AREA_PX as f64) {
        return Err(PngError::TooLarge {
            width: w,
            height: h,
            scale,
        });
    }
    Ok((w as u32, h as u32))
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
/// Its size is checked only once it is parsed: a picture of ours is checked
/// before it is drawn ([`super::Picture::png`]).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    check_scale(scale)?;
    let options = usvg::Options {
        font_family: "Inter".to_owned(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let (width, height) = pixel_size(tree.size().width(), tree.size().height(), scale)?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(PngError::TooLarge {
        width: f64::from(width),
        height: f64::from(height),
        scale,
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))
}
