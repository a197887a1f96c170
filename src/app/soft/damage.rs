//! What changed between two frames: the primitives of one frame that the
//! other does not have (compared by a hash of their clip rect, texture and
//! vertices), and those the two draw in another order, as a few pixel
//! rectangles. A frame whose primitives are all
//! the same as the last one's has no damage and is not drawn at all.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use eframe::egui::{ClippedPrimitive, epaint::Primitive};

use super::raster::PixelRect;

/// More separate rectangles than this are merged into one.
const MAX_RECTS: usize = 8;

/// A frame's primitives, each as its hash and the pixels it covers.
#[derive(Default)]
pub struct FrameShapes {
    shapes: Vec<(u64, PixelRect)>,
}

impl FrameShapes {
    pub fn of(primitives: &[ClippedPrimitive], pixels_per_point: f32, size: [usize; 2]) -> Self {
        let shapes = primitives
            .iter()
            .filter_map(|p| {
                let Primitive::Mesh(mesh) = &p.primitive else {
                    return None;
                };
                // Not keyed: a collision would only miss a redraw, and the
                // shapes are the app's own, not a file's.
                let mut hasher = rustc_hash::FxHasher::default();
                let clip = p.clip_rect;
                [clip.min.x, clip.min.y, clip.max.x, clip.max.y]
                    .map(f32::to_bits)
                    .hash(&mut hasher);
                mesh.texture_id.hash(&mut hasher);
                mesh.indices.hash(&mut hasher);
                for v in &mesh.vertices {
                    [v.pos.x, v.pos.y, v.uv.x, v.uv.y].map(f32::to_bits).hash(&mut hasher);
                    v.color.to_array().hash(&mut hasher);
                }
                let covered = PixelRect::covering(mesh.calc_bounds().intersect(clip), pixels_per_point, size);
                Some((hasher.finish(), covered))
            })
            .collect();
        Self { shapes }
    }

    /// The rectangles to draw again to turn `self` into `next`: the pixels
    /// of every primitive one of them has and the other lacks.
    pub fn damage(&self, next: &FrameShapes) -> Vec<PixelRect> {
        let count = |shapes: &[(u64, PixelRect)]| {
            let mut counts: HashMap<u64, usize> = HashMap::new();
            for (hash, _) in shapes {
                *counts.entry(*hash).or_default() += 1;
            }
            counts
        };
        let (before, after) = (count(&self.shapes), count(&next.shapes));
        let mut rects: Vec<PixelRect> = Vec::new();
        let mut add = |rect: PixelRect| {
            if rect.is_empty() {
                return;
            }
            // Merge with a rectangle it touches, else keep it apart.
            let mut rect = rect;
            while let Some(i) = rects.iter().position(|r| !r.intersect(&rect).is_empty()) {
                rect = rect.union(&rects.swap_remove(i));
            }
            rects.push(rect);
        };
        // The shapes both frames have, in the order each draws them.
        let mut kept: [Vec<(u64, PixelRect)>; 2] = Default::default();
        for ((shapes, other), kept) in [(&self.shapes, &after), (&next.shapes, &before)]
            .into_iter()
            .zip(&mut kept)
        {
            let mut seen: HashMap<u64, usize> = HashMap::new();
            for &(hash, rect) in shapes.iter() {
                let n = seen.entry(hash).or_default();
                *n += 1;
                if *n > other.get(&hash).copied().unwrap_or(0) {
                    add(rect);
                } else {
                    kept.push((hash, rect));
                }
            }
        }
        // The same shapes drawn in another order (a card brought to the
        // front) look different where they overlap: redraw the run of
        // shapes from the first to the last one out of place.
        let [kept_before, kept_after] = &kept;
        let same = |(a, b): (&(u64, PixelRect), &(u64, PixelRect))| a.0 == b.0;
        if let Some(first) = kept_before.iter().zip(kept_after).position(|pair| !same(pair)) {
            let from_end = kept_before
                .iter()
                .rev()
                .zip(kept_after.iter().rev())
                .take_while(|&pair| same(pair))
                .count();
            let last = kept_before.len() - from_end;
            for (_, rect) in kept_before[first..last].iter().chain(&kept_after[first..last]) {
                add(*rect);
            }
        }
        if rects.len() > MAX_RECTS {
            let all = rects.iter().skip(1).fold(rects[0], |a, r| a.union(r));
            rects = vec![all];
        }
        rects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::egui::epaint::Mesh;
    use eframe::egui::{Color32, Rect, pos2};

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32, color: Color32) -> ClippedPrimitive {
        let mut mesh = Mesh::default();
        mesh.add_colored_rect(Rect::from_min_max(pos2(x0, y0), pos2(x1, y1)), color);
        ClippedPrimitive {
            clip_rect: Rect::EVERYTHING,
            primitive: Primitive::Mesh(mesh),
        }
    }

    fn shapes(prims: &[ClippedPrimitive]) -> FrameShapes {
        FrameShapes::of(prims, 1.0, [100, 100])
    }

    #[test]
    fn the_same_frame_has_no_damage() {
        let frame = [
            rect(0.0, 0.0, 100.0, 100.0, Color32::GRAY),
            rect(10.0, 10.0, 20.0, 20.0, Color32::RED),
        ];
        assert!(shapes(&frame).damage(&shapes(&frame)).is_empty());
    }

    #[test]
    fn a_changed_highlight_damages_only_its_own_pixels() {
        let bg = rect(0.0, 0.0, 100.0, 100.0, Color32::GRAY);
        let before = [bg.clone(), rect(10.0, 10.0, 20.0, 20.0, Color32::RED)];
        let after = [bg, rect(10.0, 10.0, 20.0, 20.0, Color32::YELLOW)];
        let damage = shapes(&before).damage(&shapes(&after));
        assert_eq!(
            damage,
            [PixelRect {
                x0: 10,
                y0: 10,
                x1: 20,
                y1: 20
            }]
        );
    }

    #[test]
    fn a_moved_shape_damages_where_it_was_and_where_it_is() {
        let before = [rect(10.0, 10.0, 20.0, 20.0, Color32::RED)];
        let after = [rect(60.0, 60.0, 70.0, 70.0, Color32::RED)];
        let mut damage = shapes(&before).damage(&shapes(&after));
        damage.sort_by_key(|r| r.x0);
        assert_eq!(
            damage,
            [
                PixelRect {
                    x0: 10,
                    y0: 10,
                    x1: 20,
                    y1: 20
                },
                PixelRect {
                    x0: 60,
                    y0: 60,
                    x1: 70,
                    y1: 70
                }
            ]
        );
    }

    #[test]
    fn shapes_drawn_in_another_order_damage_the_shapes_between() {
        let (red, blue) = (
            rect(10.0, 10.0, 30.0, 30.0, Color32::RED),
            rect(20.0, 20.0, 40.0, 40.0, Color32::BLUE),
        );
        let far = rect(80.0, 80.0, 90.0, 90.0, Color32::GRAY);
        let before = [red.clone(), blue.clone(), far.clone()];
        let after = [blue, red, far];
        let damage = shapes(&before).damage(&shapes(&after));
        assert_eq!(
            damage,
            [PixelRect {
                x0: 10,
                y0: 10,
                x1: 40,
                y1: 40
            }]
        );
    }

    #[test]
    fn many_changes_become_one_rectangle() {
        let before: Vec<_> = (0..20)
            .map(|i| rect(i as f32 * 5.0, 0.0, i as f32 * 5.0 + 2.0, 2.0, Color32::RED))
            .collect();
        let after: Vec<_> = (0..20)
            .map(|i| rect(i as f32 * 5.0, 0.0, i as f32 * 5.0 + 2.0, 2.0, Color32::BLUE))
            .collect();
        let damage = shapes(&before).damage(&shapes(&after));
        assert_eq!(
            damage,
            [PixelRect {
                x0: 0,
                y0: 0,
                x1: 97,
                y1: 2
            }]
        );
    }
}
