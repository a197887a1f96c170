//! Draws egui's tessellated output into a pixel buffer on the CPU: the
//! triangles of each [`ClippedPrimitive`], their vertex colours times the
//! texture, blended as egui's own renderers blend (premultiplied alpha in
//! gamma space). Only the pixels inside the rectangles asked for are
//! touched, so a frame redraws just what changed ([`super::damage`]).

use std::collections::HashMap;

use eframe::egui::{
    ClippedPrimitive, Color32, ImageData, Pos2, Rect, TextureId, TexturesDelta, epaint::Primitive, epaint::Vertex,
};

/// A rectangle of pixels: `x0..x1` × `y0..y1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl PixelRect {
    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }

    pub fn intersect(&self, other: &PixelRect) -> PixelRect {
        PixelRect {
            x0: self.x0.max(other.x0),
            y0: self.y0.max(other.y0),
            x1: self.x1.min(other.x1),
            y1: self.y1.min(other.y1),
        }
    }

    pub fn union(&self, other: &PixelRect) -> PixelRect {
        PixelRect {
            x0: self.x0.min(other.x0),
            y0: self.y0.min(other.y0),
            x1: self.x1.max(other.x1),
            y1: self.y1.max(other.y1),
        }
    }

    pub fn area(&self) -> usize {
        if self.is_empty() {
            0
        } else {
            (self.x1 - self.x0) * (self.y1 - self.y0)
        }
    }

    /// The pixels a rectangle in points covers, at least partly, within a
    /// buffer of `size` pixels.
    pub fn covering(rect: Rect, pixels_per_point: f32, size: [usize; 2]) -> PixelRect {
        let clamp = |v: f32, max: usize| (v.max(0.0) as usize).min(max);
        PixelRect {
            x0: clamp((rect.min.x * pixels_per_point).floor(), size[0]),
            y0: clamp((rect.min.y * pixels_per_point).floor(), size[1]),
            x1: clamp((rect.max.x * pixels_per_point).ceil(), size[0]),
            y1: clamp((rect.max.y * pixels_per_point).ceil(), size[1]),
        }
    }
}

/// One texture egui asked for, premultiplied sRGBA.
struct Texture {
    size: [usize; 2],
    pixels: Vec<Color32>,
}

impl Texture {
    /// The texel at `uv` (0–1), filtered between the four nearest texels.
    fn sample(&self, uv: Pos2) -> [f32; 4] {
        let [w, h] = self.size;
        let x = (uv.x * w as f32 - 0.5).clamp(0.0, (w - 1) as f32);
        let y = (uv.y * h as f32 - 0.5).clamp(0.0, (h - 1) as f32);
        let (x0, y0) = (x as usize, y as usize);
        let (x1, y1) = ((x0 + 1).min(w - 1), (y0 + 1).min(h - 1));
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let texel = |x: usize, y: usize| self.pixels[y * w + x].to_array().map(f32::from);
        let (a, b, c, d) = (texel(x0, y0), texel(x1, y0), texel(x0, y1), texel(x1, y1));
        std::array::from_fn(|i| {
            let top = a[i] + (b[i] - a[i]) * fx;
            let bottom = c[i] + (d[i] - c[i]) * fx;
            top + (bottom - top) * fy
        })
    }

    /// Whether the texel at `uv` is opaque white (egui's white texel, which
    /// every plain fill points at).
    fn is_white_at(&self, uv: Pos2) -> bool {
        let [w, h] = self.size;
        let x = ((uv.x * w as f32) as usize).min(w - 1);
        let y = ((uv.y * h as f32) as usize).min(h - 1);
        self.pixels[y * w + x] == Color32::WHITE
    }
}

/// The window's pixels (`0x00RRGGBB`, as softbuffer takes them) and the
/// textures egui uploaded.
#[derive(Default)]
pub struct Raster {
    pub size: [usize; 2],
    pub pixels: Vec<u32>,
    textures: HashMap<TextureId, Texture>,
}

impl Raster {
    /// Makes the buffer `size` pixels; returns whether it changed (then
    /// every pixel must be drawn again).
    pub fn resize(&mut self, size: [usize; 2]) -> bool {
        if self.size == size {
            return false;
        }
        self.size = size;
        self.pixels = vec![0; size[0] * size[1]];
        true
    }

    /// Applies the textures egui set this frame (before drawing), taking
    /// them out of `delta`. Returns whether any texture that was already
    /// drawn with changed.
    pub fn set_textures(&mut self, delta: &mut TexturesDelta) -> bool {
        let mut changed_drawn = false;
        for (id, deltas) in delta.set.drain() {
            for image_delta in deltas {
                changed_drawn |= self.set_texture(id, &image_delta);
            }
        }
        changed_drawn
    }

    /// Applies one texture change; returns whether a drawn texture changed.
    fn set_texture(&mut self, id: TextureId, image_delta: &eframe::egui::epaint::ImageDelta) -> bool {
        let ImageData::Color(image) = &image_delta.image;
        match image_delta.pos {
            None => {
                let changed = self.textures.contains_key(&id);
                self.textures.insert(
                    id,
                    Texture {
                        size: image.size,
                        pixels: image.pixels.clone(),
                    },
                );
                changed
            }
            Some([px, py]) => {
                // A patch of new glyphs in the font atlas: pixels that no
                // drawn shape used yet, so nothing drawn changes.
                if let Some(texture) = self.textures.get_mut(&id) {
                    let [w, h] = image.size;
                    for y in 0..h {
                        let row = (py + y) * texture.size[0] + px;
                        if py + y < texture.size[1] && px + w <= texture.size[0] {
                            texture.pixels[row..row + w].copy_from_slice(&image.pixels[y * w..(y + 1) * w]);
                        }
                    }
                }
                false
            }
        }
    }

    /// Frees the textures egui let go of (after drawing), taking them out
    /// of `delta`.
    pub fn free_textures(&mut self, delta: &mut TexturesDelta) {
        for id in delta.free.drain() {
            self.textures.remove(&id);
        }
    }

    /// Draws `primitives` over `area`, after filling it with `background`.
    pub fn draw(
        &mut self,
        primitives: &[ClippedPrimitive],
        pixels_per_point: f32,
        area: PixelRect,
        background: Color32,
    ) {
        let area = area.intersect(&PixelRect {
            x0: 0,
            y0: 0,
            x1: self.size[0],
            y1: self.size[1],
        });
        if area.is_empty() {
            return;
        }
        let fill = pack(background.to_array().map(f32::from));
        for y in area.y0..area.y1 {
            self.pixels[y * self.size[0] + area.x0..y * self.size[0] + area.x1].fill(fill);
        }
        for primitive in primitives {
            let Primitive::Mesh(mesh) = &primitive.primitive else {
                continue;
            };
            let clip = PixelRect::covering(primitive.clip_rect, pixels_per_point, self.size).intersect(&area);
            if clip.is_empty() {
                continue;
            }
            let Some(texture) = self.textures.get(&mesh.texture_id) else {
                continue;
            };
            for tri in mesh.indices.chunks_exact(3) {
                let v = [tri[0], tri[1], tri[2]].map(|i| mesh.vertices[i as usize]);
                draw_triangle(&mut self.pixels, self.size[0], texture, v, pixels_per_point, clip);
            }
        }
    }
}

/// `0x00RRGGBB` of a colour given as 0–255 floats (its alpha is dropped:
/// the window is opaque).
fn pack([r, g, b, _]: [f32; 4]) -> u32 {
    (u32::from(r as u8) << 16) | (u32::from(g as u8) << 8) | u32::from(b as u8)
}

/// Blends premultiplied `src` (0–255) over the pixel `dst`, in integers:
/// each channel is `src + dst × (255 − alpha) / 255`, rounded.
#[inline]
fn blend(dst: u32, src: [f32; 4]) -> u32 {
    let keep = 255 - (src[3] + 0.5).clamp(0.0, 255.0) as u32;
    let channel = |shift: u32, s: f32| {
        let d = (dst >> shift) & 0xFF;
        let s = (s + 0.5).clamp(0.0, 255.0) as u32;
        (s + (d * keep + 127) / 255).min(255) << shift
    };
    channel(16, src[0]) | channel(8, src[1]) | channel(0, src[2])
}

/// Draws one triangle within `clip`. A pixel belongs to the triangle when
/// its centre is inside, or on a top or left edge, so two triangles that
/// share an edge never both draw a pixel of it.
fn draw_triangle(
    pixels: &mut [u32],
    width: usize,
    texture: &Texture,
    v: [Vertex; 3],
    pixels_per_point: f32,
    clip: PixelRect,
) {
    let p = v.map(|v| [v.pos.x * pixels_per_point, v.pos.y * pixels_per_point]);
    let area = (p[1][0] - p[0][0]) * (p[2][1] - p[0][1]) - (p[1][1] - p[0][1]) * (p[2][0] - p[0][0]);
    if area == 0.0 || !area.is_finite() {
        return;
    }
    // Counter-clockwise in screen space (y down) from here on.
    let (p, v) = if area < 0.0 {
        ([p[0], p[2], p[1]], [v[0], v[2], v[1]])
    } else {
        (p, v)
    };
    let area = area.abs();
    let min_x = p.iter().map(|p| p[0]).fold(f32::INFINITY, f32::min);
    let max_x = p.iter().map(|p| p[0]).fold(f32::NEG_INFINITY, f32::max);
    let min_y = p.iter().map(|p| p[1]).fold(f32::INFINITY, f32::min);
    let max_y = p.iter().map(|p| p[1]).fold(f32::NEG_INFINITY, f32::max);
    let bounds = PixelRect {
        x0: (min_x.floor().max(0.0) as usize),
        y0: (min_y.floor().max(0.0) as usize),
        x1: (max_x.ceil().max(0.0) as usize),
        y1: (max_y.ceil().max(0.0) as usize),
    }
    .intersect(&clip);
    if bounds.is_empty() {
        return;
    }
    // Edge i runs from vertex i+1 to i+2; its function is the weight of vertex i.
    let edge = |i: usize| {
        let (a, b) = (p[(i + 1) % 3], p[(i + 2) % 3]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        // Top edge: horizontal with the triangle below it; left edge: the
        // triangle to its right (it runs upwards).
        let top_left = (dy == 0.0 && dx > 0.0) || dy < 0.0;
        (a, dx, dy, top_left)
    };
    let edges = [edge(0), edge(1), edge(2)];
    let weight = |e: &([f32; 2], f32, f32, bool), x: f32, y: f32| (x - e.0[0]) * e.2 - (y - e.0[1]) * e.1;

    let colors = v.map(|v| v.color.to_array().map(f32::from));
    // Most triangles point at egui's white texel: fills, and the one-pixel
    // anti-aliasing strips whose colour fades out. They need no texture.
    let untextured = v.iter().all(|v| texture.is_white_at(v.uv));
    let plain = untextured && colors[0] == colors[1] && colors[1] == colors[2];
    let plain_pixel = (plain && colors[0][3] >= 255.0).then(|| pack(colors[0]));
    for y in bounds.y0..bounds.y1 {
        let cy = y as f32 + 0.5;
        // The triangle is convex, so its pixels on a row are one run. Each
        // edge bounds it on one side: solve for where its inside measure
        // (c + s × centre x) turns positive, keeping a centre exactly on a
        // top or left edge, so two triangles sharing an edge split it.
        let (mut first, mut last) = (bounds.x0 as f32, bounds.x1 as f32 - 1.0);
        let mut empty = false;
        for (a, dx, dy, top_left) in &edges {
            let (s, c) = (-dy, a[0] * dy + (cy - a[1]) * dx);
            if s == 0.0 {
                empty |= c < 0.0 || (c == 0.0 && !top_left);
                continue;
            }
            let r = -c / s - 0.5;
            if s > 0.0 {
                first = first.max(if *top_left { r.ceil() } else { r.floor() + 1.0 });
            } else {
                last = last.min(if *top_left { r.floor() } else { r.ceil() - 1.0 });
            }
        }
        if empty || first > last || !first.is_finite() || !last.is_finite() {
            continue;
        }
        let (first, last) = (first as usize, last as usize);
        let run = &mut pixels[y * width + first..=y * width + last];
        if let Some(fill) = plain_pixel {
            run.fill(fill);
            continue;
        }
        for (x, pixel) in (first..).zip(run.iter_mut()) {
            let src = if plain {
                colors[0]
            } else {
                let cx = x as f32 + 0.5;
                let b = edges.map(|e| -weight(&e, cx, cy) / area);
                let color: [f32; 4] =
                    std::array::from_fn(|i| b[0] * colors[0][i] + b[1] * colors[1][i] + b[2] * colors[2][i]);
                if untextured {
                    color
                } else {
                    let uv = Pos2::new(
                        b[0] * v[0].uv.x + b[1] * v[1].uv.x + b[2] * v[2].uv.x,
                        b[0] * v[0].uv.y + b[1] * v[1].uv.y + b[2] * v[2].uv.y,
                    );
                    let texel = texture.sample(uv);
                    std::array::from_fn(|i| color[i] * texel[i] / 255.0)
                }
            };
            if src[3] <= 0.0 && src[..3].iter().all(|c| *c <= 0.0) {
                continue;
            }
            *pixel = if src[3] >= 255.0 { pack(src) } else { blend(*pixel, src) };
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::disallowed_methods,
    reason = "test pixels are colours of their own, not the theme's"
)]
mod tests {
    use super::*;
    use eframe::egui::epaint::{ImageDelta, Mesh};
    use eframe::egui::{ColorImage, TextureOptions, pos2};

    fn raster(size: [usize; 2]) -> Raster {
        let mut r = Raster::default();
        r.resize(size);
        let mut white = ColorImage::filled([2, 2], Color32::WHITE);
        white.pixels[3] = Color32::TRANSPARENT;
        let mut delta = TexturesDelta::default();
        delta.set.insert(
            TextureId::default(),
            [ImageDelta::full(ImageData::Color(white.into()), TextureOptions::LINEAR)].into(),
        );
        r.set_textures(&mut delta);
        r
    }

    fn rect_mesh(rect: Rect, color: Color32) -> ClippedPrimitive {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(rect, color);
        ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn all(size: [usize; 2]) -> PixelRect {
        PixelRect {
            x0: 0,
            y0: 0,
            x1: size[0],
            y1: size[1],
        }
    }

    #[test]
    fn a_rectangle_fills_exactly_its_pixels_once() {
        let mut r = raster([8, 6]);
        // Half transparent, so a pixel drawn by both triangles would be darker.
        let half = Color32::from_rgba_premultiplied(128, 0, 0, 128);
        let prims = [rect_mesh(Rect::from_min_max(pos2(2.0, 1.0), pos2(6.0, 4.0)), half)];
        r.draw(&prims, 1.0, all([8, 6]), Color32::BLACK);
        for y in 0..6 {
            for x in 0..8 {
                let inside = (2..6).contains(&x) && (1..4).contains(&y);
                let want = if inside { 0x80_00_00 } else { 0 };
                assert_eq!(r.pixels[y * 8 + x], want, "pixel {x},{y}");
            }
        }
    }

    #[test]
    fn only_the_area_asked_for_is_drawn() {
        let mut r = raster([8, 8]);
        r.pixels.fill(0x00_12_34_56);
        let prims = [rect_mesh(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(8.0, 8.0)),
            Color32::WHITE,
        )];
        let area = PixelRect {
            x0: 2,
            y0: 2,
            x1: 4,
            y1: 3,
        };
        r.draw(&prims, 1.0, area, Color32::BLACK);
        let white = (0..64).filter(|&i| r.pixels[i] == 0x00_FF_FF_FF).count();
        assert_eq!(white, 2);
        assert_eq!(r.pixels[0], 0x00_12_34_56);
    }

    #[test]
    fn the_scale_and_the_clip_rect_apply() {
        let mut r = raster([10, 10]);
        let mut prim = rect_mesh(Rect::from_min_max(pos2(0.0, 0.0), pos2(5.0, 5.0)), Color32::WHITE);
        prim.clip_rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(2.0, 5.0));
        r.draw(&[prim], 2.0, all([10, 10]), Color32::BLACK);
        // 5 points at 2 px a point is 10 px tall; the clip leaves 4 px wide.
        let white = r.pixels.iter().filter(|&&p| p == 0x00_FF_FF_FF).count();
        assert_eq!(white, 4 * 10);
    }

    #[test]
    fn textured_pixels_take_the_texture() {
        let mut r = raster([4, 4]);
        // uv at the transparent texel (bottom right of the 2×2 texture).
        let mut mesh = Mesh::default();
        mesh.add_rect_with_uv(
            Rect::from_min_max(pos2(0.0, 0.0), pos2(4.0, 4.0)),
            Rect::from_min_max(pos2(0.75, 0.75), pos2(0.75, 0.75)),
            Color32::WHITE,
        );
        let prim = ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        };
        r.draw(&[prim], 1.0, all([4, 4]), Color32::from_rgb(0, 0, 255));
        assert!(r.pixels.iter().all(|&p| p == 0x00_00_00_FF), "{:x?}", r.pixels);
    }
}
