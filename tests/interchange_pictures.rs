//! Whole-map and ranking-chart pictures: what the SVG holds, and that the
//! PNG is drawn on the CPU at 1× and 2× with the cards in their heat colours
//! and the text in the bundled font.

use std::path::PathBuf;

use assert_cmd::Command;
use frictionmap::domain::model::Map;
use frictionmap::formats::picture::chart::{ChartPicture, chart_png, chart_svg};
use frictionmap::formats::picture::map::{MapPicture, map_png, map_svg};
use frictionmap::formats::picture::png::{self, PngError};
use frictionmap::formats::picture::raster::Raster;
use frictionmap::formats::picture::svg::SvgDoc;
use frictionmap::formats::picture::{Anchor, Canvas, Fill, Font, Picture, Stroke};
use frictionmap::formats::samples::sample_maps;
use frictionmap::layout::Layout;
use frictionmap::scoring::{rank, score_step};
use frictionmap::ui::theme::heat_rgb;
use predicates::prelude::*;
use resvg::tiny_skia::Pixmap;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn sample() -> Map {
    sample_maps().unwrap().remove(0)
}

fn svg_size(svg: &str) -> (f32, f32) {
    let doc = roxmltree::Document::parse(svg).unwrap();
    let root = doc.root_element();
    let f = |k| root.attribute(k).unwrap().parse::<f32>().unwrap();
    (f("width"), f("height"))
}

#[test]
fn map_svg_holds_title_legend_lanes_cards_and_edges() {
    let map = sample();
    let ranking = rank(&map);
    let svg = map_svg(&map, &ranking);
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    assert!(texts.contains(&map.name), "title");
    assert!(texts.iter().any(|t| t == "Step friction per month"), "legend");
    assert!(
        doc.descendants().any(|n| n.tag_name().name() == "linearGradient"),
        "legend scale"
    );
    for lane in &map.lanes {
        let first_word = lane.name.split(' ').next().unwrap();
        assert!(texts.iter().any(|t| t.starts_with(first_word)), "lane {}", lane.name);
    }
    for step in &map.steps {
        // Long names are cut with an ellipsis to fit the card.
        let shown = texts
            .iter()
            .any(|t| *t == step.name || (t.ends_with('…') && step.name.starts_with(t.trim_end_matches('…'))));
        assert!(shown, "step {}", step.name);
    }
    let rects = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "rect" && n.attribute("rx") == Some("8"))
        .count();
    assert_eq!(rects, map.steps.len(), "one rounded card per step");
    let curves = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "path" && n.attribute("d").is_some_and(|d| d.contains('C')))
        .count();
    assert_eq!(curves, map.edges.len(), "one curve per edge");
    let dashed = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "path" && n.attribute("stroke-dasharray").is_some())
        .count();
    assert_eq!(
        dashed,
        map.edges.iter().filter(|e| map.is_handoff(e)).count(),
        "hand-offs are dashed"
    );
    // The whole map, not a view of it: the picture is larger than the layout.
    let bounds = Layout::of(&map).bounds();
    let (w, h) = svg_size(&svg);
    assert!(w >= bounds.width() && h >= bounds.height(), "{w}×{h} vs {bounds:?}");
}

#[test]
fn png_is_drawn_at_1x_and_2x_with_heat_colours_and_text() {
    let map = sample();
    let svg = map_svg(&map, &rank(&map));
    let (w, h) = svg_size(&svg);
    let ranking = rank(&map);
    let one = Pixmap::decode_png(&map_png(&map, &ranking, 1.0).unwrap()).unwrap();
    let two = Pixmap::decode_png(&map_png(&map, &ranking, 2.0).unwrap()).unwrap();
    assert_eq!((one.width(), one.height()), (w.ceil() as u32, h.ceil() as u32));
    assert_eq!((two.width(), two.height()), (2 * one.width(), 2 * one.height()));

    // The hottest card, sampled just inside its top edge, has the top heat colour.
    let frictions: Vec<f64> = map
        .steps
        .iter()
        .map(|s| score_step(s, &map.rates).point.friction())
        .collect();
    let hottest = (0..frictions.len())
        .max_by(|&a, &b| frictions[a].total_cmp(&frictions[b]))
        .unwrap();
    let layout = Layout::of(&map);
    let bounds = layout.bounds();
    let card = layout.cards[hottest];
    // Where the layout sits in the picture, read back from the first lane band.
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let lane_rect = doc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "rect"
                && n.attribute("width").and_then(|v| v.parse::<f32>().ok()) == Some(bounds.width())
        })
        .unwrap();
    let ox = lane_rect.attribute("x").unwrap().parse::<f32>().unwrap() - bounds.min.x;
    let oy = lane_rect.attribute("y").unwrap().parse::<f32>().unwrap() - bounds.min.y;
    let (px, py) = ((card.max.x - 14.0 + ox) as u32, (card.min.y + 4.0 + oy) as u32);
    let pixel = one.pixel(px, py).unwrap();
    let want = heat_rgb(1.0, false);
    let got = [pixel.red(), pixel.green(), pixel.blue()];
    for i in 0..3 {
        assert!(
            (i32::from(got[i]) - i32::from(want[i])).abs() <= 2,
            "card colour {got:?}, want {want:?}"
        );
    }

    // The title is drawn in the bundled font: dark pixels in the title area.
    let dark = (20..60u32)
        .flat_map(|y| (32..400u32).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            one.pixel(x, y)
                .is_some_and(|p| p.red() < 90 && p.green() < 90 && p.blue() < 90)
        })
        .count();
    assert!(dark > 500, "only {dark} dark pixels where the title is");
}

#[test]
fn png_refuses_bad_scales_and_oversized_pictures() {
    let (map, ranking) = (sample(), rank(&sample()));
    assert!(matches!(map_png(&map, &ranking, 0.0), Err(PngError::BadScale(_))));
    assert!(matches!(map_png(&map, &ranking, f32::NAN), Err(PngError::BadScale(_))));
    // A size that is not a number is no size at all.
    for (width, height) in [(f32::NAN, 100.0), (100.0, f32::NAN), (f32::INFINITY, 1.0)] {
        let e = png::pixel_size(width, height, 1.0).unwrap_err();
        assert!(matches!(e, PngError::TooLarge { .. }), "{width} × {height}: {e}");
    }
    let e = png::pixel_size(20_000.0, 100.0, 1.0).unwrap_err();
    assert!(matches!(e, PngError::TooLarge { .. }), "{e}");
    assert!(e.to_string().contains("20,000 × 100 px"), "{e}");
}

#[test]
fn chart_svg_has_every_lane_in_rank_order() {
    let map = sample();
    let ranking = rank(&map);
    let svg = chart_svg(&map.name, &ranking);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let labels: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text" && n.attribute("text-anchor") == Some("end"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect();
    let expected: Vec<String> = ranking
        .lanes
        .iter()
        .map(|l| format!("{}. {}", l.rank, l.lane))
        .collect();
    assert_eq!(labels, expected);
    let png = Pixmap::decode_png(&chart_png(&map.name, &ranking, 1.0).unwrap()).unwrap();
    assert!(png.width() > 500);
}

#[test]
fn cli_render_and_chart_write_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_maps/claims-intake.json");
    let cmd = || {
        let mut c = Command::new(BIN);
        c.env_remove("FRICTIONMAP_DB").arg("--db").arg(&db);
        c
    };
    let (svg, png, png2) = (
        dir.path().join("m.svg"),
        dir.path().join("m.png"),
        dir.path().join("m2.png"),
    );
    cmd()
        .arg("render")
        .arg(&sample)
        .arg("--svg")
        .arg(&svg)
        .assert()
        .success();
    cmd()
        .arg("render")
        .arg(&sample)
        .arg("--png")
        .arg(&png)
        .assert()
        .success();
    cmd()
        .arg("render")
        .arg(&sample)
        .args(["--scale", "2", "--png"])
        .arg(&png2)
        .assert()
        .success();
    let a = Pixmap::decode_png(&std::fs::read(&png).unwrap()).unwrap();
    let b = Pixmap::decode_png(&std::fs::read(&png2).unwrap()).unwrap();
    assert_eq!(b.width(), 2 * a.width());
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("Insurance claims intake")
    );
    // A stored map by name, and the chart.
    let chart = dir.path().join("c.png");
    cmd()
        .args(["chart", "IT access requests", "--png"])
        .arg(&chart)
        .assert()
        .success();
    assert!(Pixmap::decode_png(&std::fs::read(&chart).unwrap()).is_ok());
    // Bad input: exit 2 with a reason.
    cmd()
        .arg("render")
        .arg(&sample)
        .args(["--scale", "0", "--png"])
        .arg(&png)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scale 0"));
    cmd()
        .args(["render", "missing.json", "--svg"])
        .arg(&svg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.json"));
    cmd()
        .args(["render", "No such map", "--svg"])
        .arg(&svg)
        .assert()
        .code(2);
    cmd().arg("render").arg(&sample).assert().failure();
}

// ---------------------------------------------------------------------------
// Hostile sizes. Each bound is generous (a debug build, a shared machine):
// it catches work that grows with the square of the map, not a slow second.
// Timings worth quoting come from `cargo bench --bench core -- picture`.

use std::sync::{Arc, OnceLock, mpsc};
use std::time::Duration;

use frictionmap::domain::synth::{GenParams, generate};

/// Runs `work` on a thread of its own and fails the test when it has not
/// finished within `limit`, without waiting for it.
fn within<T: Send + 'static>(limit: Duration, what: &str, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(work());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what} took more than {limit:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what} panicked"),
    }
}

/// The benches' 100,000-step map (40 lanes, 125,000 edges), made once.
fn map_100k() -> Arc<Map> {
    static MAP: OnceLock<Arc<Map>> = OnceLock::new();
    MAP.get_or_init(|| {
        Arc::new(generate(&GenParams {
            lanes: 40,
            steps: 100_000,
            edges: 125_000,
            seed: 2024,
        }))
    })
    .clone()
}

// A linear search for each edge's steps made the SVG of this map take 104 s.
#[test]
fn the_svg_of_100000_steps_is_built_in_linear_time() {
    let map = map_100k();
    let svg = within(Duration::from_secs(60), "map_svg of 100,000 steps", move || {
        map_svg(&map, &rank(&map))
    });
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let cards = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "rect" && n.attribute("rx") == Some("8"))
        .count();
    assert_eq!(cards, 100_000);
}

/// Every text a picture draws, and its title, with its length in characters.
fn texts_of(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| matches!(n.tag_name().name(), "text" | "title"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

// A 100,000-character currency made the PNG take over 30 s: it was drawn,
// whole, on every card.
#[test]
fn every_text_is_cut_to_200_characters_however_long_the_input() {
    let mut map = sample();
    map.currency = "€".repeat(100_000);
    map.name = "N".repeat(100_000);
    map.lanes[0].name = "word ".repeat(20_000);
    map.lanes[0].owner = "o".repeat(100_000);
    map.steps.get_mut(0).unwrap().name = "\u{301}".repeat(100_000);
    let map = Arc::new(map);
    let shared = map.clone();
    let (svg, chart) = within(
        Duration::from_secs(20),
        "SVGs with 100,000-character texts",
        move || {
            let ranking = rank(&shared);
            (map_svg(&shared, &ranking), chart_svg(&shared.name, &ranking))
        },
    );
    for svg in [&svg, &chart] {
        for text in texts_of(svg) {
            let chars = text.chars().count();
            assert!(
                chars <= 200,
                "a text of {chars} characters: {}…",
                text.chars().take(40).collect::<String>()
            );
        }
    }
    let png = within(
        Duration::from_secs(60),
        "a PNG with 100,000-character texts",
        move || map_png(&map, &rank(&map), 1.0),
    );
    assert!(png.is_ok());
}

/// Checks a refusal names the size the picture would have had and the
/// limits.
fn assert_refused_with_its_size(error: &PngError, size: &str) {
    let message = error.to_string();
    assert!(matches!(error, PngError::TooLarge { .. }), "{message}");
    for part in [size, "16,384 px", "100 million px"] {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

// The PNG of this map at scale 2 failed after 99.5 s with "nodes limit
// reached": its size was checked only after its SVG was built and parsed.
#[test]
fn the_png_of_100000_steps_is_refused_at_once_with_its_size() {
    let map = map_100k();
    let ranking = Arc::new(rank(&map));
    for scale in [2.0, 1.0, 0.25] {
        let (map, ranking) = (map.clone(), ranking.clone());
        let error = within(Duration::from_secs(5), "refusing the PNG", move || {
            map_png(&map, &ranking, scale).unwrap_err()
        });
        let height = match scale {
            2.0 => "27,228 × 406,688 px",
            1.0 => "13,614 × 203,344 px",
            _ => "3,404 × 50,836 px",
        };
        assert_refused_with_its_size(&error, height);
    }
}

#[test]
fn the_chart_png_of_very_many_lanes_is_refused_at_once_with_its_size() {
    let map = generate(&GenParams {
        lanes: 200_000,
        steps: 200_000,
        edges: 0,
        seed: 1,
    });
    let ranking = rank(&map);
    let error = within(Duration::from_secs(5), "refusing the chart PNG", move || {
        chart_png(&map.name, &ranking, 1.0).unwrap_err()
    });
    assert_refused_with_its_size(&error, "1,084 × 7,200,164 px");
}

#[test]
fn cli_render_refuses_a_huge_png_at_once_naming_the_file_and_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    std::fs::write(&file, frictionmap::formats::mapfile::to_json(&map_100k())).unwrap();
    let out = dir.path().join("big.png");
    let assert = Command::new(BIN)
        .env_remove("FRICTIONMAP_DB")
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .arg("render")
        .arg(&file)
        .args(["--scale", "2", "--png"])
        .arg(&out)
        .timeout(Duration::from_secs(30))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains(&format!("{}: ", out.display())), "{stderr}");
    assert!(
        stderr.contains("27,228 × 406,688 px") && stderr.contains("16,384 px"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// An SVG rendered by resvg, with the bundled Inter faces.
fn resvg_png(svg: &str, scale: f32) -> Pixmap {
    use resvg::usvg;
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(frictionmap::formats::picture::text::INTER_REGULAR.to_vec());
    fonts.load_font_data(frictionmap::formats::picture::text::INTER_SEMIBOLD.to_vec());
    let options = usvg::Options {
        font_family: "Inter".to_owned(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).unwrap();
    let size = tree.size();
    let mut pixmap = Pixmap::new(
        (size.width() * scale).ceil() as u32,
        (size.height() * scale).ceil() as u32,
    )
    .unwrap();
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
}

/// How two pictures of the same size differ, seen in blocks of
/// `block` × `block` pixels: the largest difference of a block's mean
/// colour in any channel (0–255).
fn difference(a: &Pixmap, b: &Pixmap, block: u32) -> f64 {
    assert_eq!((a.width(), a.height()), (b.width(), b.height()));
    let columns = a.width().div_ceil(block);
    let mut sums = vec![[0i64; 3]; (columns * a.height().div_ceil(block)) as usize];
    let mut counts = vec![0i64; sums.len()];
    for (i, (p, q)) in a.pixels().iter().zip(b.pixels()).enumerate() {
        let (x, y) = (i as u32 % a.width(), i as u32 / a.width());
        let at = ((y / block) * columns + x / block) as usize;
        let (p, q) = (p.demultiply(), q.demultiply());
        sums[at][0] += i64::from(p.red()) - i64::from(q.red());
        sums[at][1] += i64::from(p.green()) - i64::from(q.green());
        sums[at][2] += i64::from(p.blue()) - i64::from(q.blue());
        counts[at] += 1;
    }
    (sums.iter().zip(&counts))
        .map(|(sum, &n)| sum.iter().map(|s| s.abs() as f64 / n as f64).fold(0.0, f64::max))
        .fold(0.0, f64::max)
}

/// A canvas that passes on every shape and drops the text.
struct ShapesOnly<'a>(&'a mut dyn Canvas);

impl Canvas for ShapesOnly<'_> {
    fn rect(&mut self, rect: emath::Rect, radius: f32, fill: Fill, stroke: Option<Stroke>) {
        self.0.rect(rect, radius, fill, stroke);
    }

    fn line(&mut self, from: emath::Pos2, to: emath::Pos2, stroke: Stroke) {
        self.0.line(from, to, stroke);
    }

    fn curve(&mut self, curve: &[[emath::Pos2; 4]], stroke: Stroke) {
        self.0.curve(curve, stroke);
    }

    fn triangle(&mut self, corners: [emath::Pos2; 3], fill: [u8; 3]) {
        self.0.triangle(corners, fill);
    }

    fn fitted_text(&mut self, _: f32, _: f32, _: &str, _: Font, _: [u8; 3], _: Anchor) {}
}

/// The picture's shapes without text, painted directly and through SVG.
fn shapes_both_ways(picture: &dyn Picture, scale: f32) -> (Pixmap, Pixmap) {
    let (width, height) = picture.size();
    let (w, h) = picture.png_size(scale).unwrap();
    let mut raster = Raster::new(w, h, scale).unwrap();
    picture.draw(&mut ShapesOnly(&mut raster));
    let direct = Pixmap::decode_png(&raster.encode().unwrap()).unwrap();
    let mut doc = SvgDoc::new(width, height, "shapes");
    picture.draw(&mut ShapesOnly(&mut doc));
    (direct, resvg_png(&doc.finish(), scale))
}

// The PNG is painted directly, not from the SVG: both must show the same
// picture. Shapes must match to the pixel, give or take anti-aliasing. Text
// is placed without kerning (as it is measured) and on whole-pixel
// baselines, so a glyph may sit a pixel or two from where resvg puts it:
// with text, pictures are compared in blocks of 32 units.
#[test]
fn the_png_looks_like_the_svg() {
    let map = sample();
    let ranking = rank(&map);
    let pictures: [(&str, Box<dyn Picture>, &[f32]); 2] = [
        ("map", Box::new(MapPicture::new(&map, &ranking)), &[1.0, 2.0]),
        ("chart", Box::new(ChartPicture::new(&map.name, &ranking)), &[2.0]),
    ];
    for (what, picture, scales) in &pictures {
        for &scale in *scales {
            let name = format!("{} {what} at {scale}×", map.name);
            let (direct, via_svg) = shapes_both_ways(picture.as_ref(), scale);
            let shapes = difference(&direct, &via_svg, 1);
            assert!(shapes <= 24.0, "{name}: shapes differ by {shapes:.1} in a pixel");
            let shapes = difference(&direct, &via_svg, 4);
            assert!(shapes <= 2.0, "{name}: shapes differ by {shapes:.1} in 4 × 4 px");
            let direct = Pixmap::decode_png(&picture.png(scale).unwrap()).unwrap();
            let via_svg = resvg_png(&picture.svg(), scale);
            let whole = difference(&direct, &via_svg, (32.0 * scale) as u32);
            assert!(whole <= 12.0, "{name}: differs by {whole:.1} in 32 × 32 units");
        }
    }
}

/// A map of one lane or two whose steps sit in two heaps at opposite
/// corners, `edges` edges joining them: every arrow crosses the map.
fn two_heaps(edges: usize, lanes: usize, far: f32) -> Map {
    let mut map = Map::new("Two heaps");
    map.lanes.push(frictionmap::domain::model::Lane::new("a", "A"));
    map.lanes.push(frictionmap::domain::model::Lane::new("b", "B"));
    let side = (edges as f64).sqrt().ceil() as usize;
    for i in 0..2 * side {
        let (lane, at) = if i < side {
            ("a", 0.0)
        } else {
            (if lanes == 2 { "b" } else { "a" }, far)
        };
        let mut step = frictionmap::domain::model::Step::new(format!("s{i}"), lane, format!("Step {i}"));
        step.x = at;
        step.y = at;
        step.volume_per_month = 100.0;
        map.steps.push(step);
    }
    map.edges = (0..side)
        .flat_map(|a| (side..2 * side).map(move |b| (a, b)))
        .take(edges)
        .map(|(a, b)| frictionmap::domain::model::Edge {
            from: format!("s{a}"),
            to: format!("s{b}"),
        })
        .collect();
    map
}

// 2,000 arrows across a map that fits a PNG took 12 s to draw: a line
// costs tiny-skia (and resvg) far more per pixel row than a fill. Such a
// picture is refused at once, saying why.
#[test]
fn a_png_too_long_to_draw_is_refused_at_once_saying_why() {
    let map = two_heaps(2_000, 2, 9_000.0);
    let error = within(Duration::from_secs(5), "refusing the PNG", move || {
        map_png(&map, &rank(&map), 1.0).unwrap_err()
    });
    let message = error.to_string();
    assert!(matches!(error, PngError::TooMuchToDraw { .. }), "{message}");
    for part in ["about 13 s to draw", "at most 6 s", "23.8 million", "Export SVG"] {
        assert!(message.contains(part), "{message:?} lacks {part:?}");
    }
}

// ---------------------------------------------------------------------------
// Hostile maps: every picture of each must be well-formed XML with no text
// over 200 characters, and each PNG must be written at the size it promised
// or refused at once with the reason; nothing may panic. Most of these maps
// would not pass validation: pictures must not depend on it.

/// What became of a map's PNGs (map and chart, at each scale checked).
#[derive(Debug, Default)]
struct Outcome {
    written: Vec<String>,
    refused: Vec<String>,
}

/// Checks every picture of `map` as above, the PNGs at 1× and 2×.
fn check_pictures(map: Map, what: &str) -> Outcome {
    check_pictures_at(map, what, &[1.0, 2.0])
}

/// Like [`check_pictures`], the PNGs at `scales`.
fn check_pictures_at(map: Map, what: &str, scales: &'static [f32]) -> Outcome {
    let what = what.to_owned();
    within(Duration::from_secs(120), &what.clone(), move || {
        let ranking = rank(&map);
        let pictures: [(&str, Box<dyn Picture>); 2] = [
            ("map", Box::new(MapPicture::new(&map, &ranking))),
            ("chart", Box::new(ChartPicture::new(&map.name, &ranking))),
        ];
        let mut outcome = Outcome::default();
        for (kind, picture) in &pictures {
            let svg = picture.svg();
            let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{what}: the {kind} SVG: {e}"));
            for text in doc.descendants().filter_map(|n| n.text()) {
                assert!(
                    text.chars().count() <= 200,
                    "{what}: a text of {} chars",
                    text.chars().count()
                );
            }
            for &scale in scales {
                let name = format!("{kind} at {scale}×");
                let started = std::time::Instant::now();
                let size = picture.png_size(scale);
                assert!(
                    started.elapsed() < Duration::from_secs(2),
                    "{what}: checking the {name} took {:?}",
                    started.elapsed()
                );
                match size {
                    Ok((width, height)) => {
                        let png = picture.png(scale).unwrap_or_else(|e| panic!("{what}: the {name}: {e}"));
                        let png = Pixmap::decode_png(&png).unwrap();
                        assert_eq!((png.width(), png.height()), (width, height), "{what}: the {name}");
                        outcome.written.push(name);
                    }
                    Err(error @ (PngError::TooLarge { .. } | PngError::TooMuchToDraw { .. })) => {
                        let message = error.to_string();
                        assert!(message.contains("Export SVG instead"), "{what}: {message}");
                        outcome.refused.push(name);
                    }
                    Err(error) => panic!("{what}: the {name}: {error}"),
                }
            }
        }
        outcome
    })
}

/// Names of 200 characters (the most allowed) made of `unit`.
fn longest(unit: &str) -> String {
    unit.chars().cycle().take(200).collect()
}

#[test]
fn hostile_names_xml_specials_astral_and_right_to_left_text() {
    for unit in [
        "& < > \" ' ]]> ",
        "]]>&amp;<![CDATA[ <!-- --> <?xml?> ",
        "🙂𝄞𐍈😀 ",
        "שלום עולם مرحبا ",
        "\u{202e}\u{202d}\u{200f}abc\u{200b}\u{feff} ",
        "e\u{301}\u{302}\u{303}\u{304} ",
        "\u{fffe}\u{ffff}\u{fdd0}\u{1}\u{1b}\u{7f}\t\r\n",
    ] {
        let mut map = sample();
        map.name = longest(unit);
        map.currency = longest(unit);
        for lane in &mut map.lanes {
            lane.name = longest(unit);
            lane.owner = longest(unit);
        }
        map.steps.for_each_mut(|_, step| step.name = longest(unit));
        let outcome = check_pictures_at(map, &format!("names of {unit:?}"), &[1.0]);
        assert_eq!(outcome.written.len(), 2, "{unit:?}: {outcome:?}");
    }
}

#[test]
fn hostile_10000_lanes() {
    let map = generate(&GenParams {
        lanes: 10_000,
        steps: 10_000,
        edges: 10_000,
        seed: 5,
    });
    let outcome = check_pictures(map, "10,000 lanes");
    assert_eq!(outcome.refused.len(), 4, "too tall for a PNG: {outcome:?}");
}

#[test]
fn hostile_200000_edges() {
    let map = generate(&GenParams {
        lanes: 40,
        steps: 20_000,
        edges: 200_000,
        seed: 6,
    });
    assert_eq!(map.edges.len(), 200_000);
    let outcome = check_pictures(map, "200,000 edges");
    assert_eq!(outcome.written, ["chart at 1×", "chart at 2×"], "{outcome:?}");
}

#[test]
fn hostile_every_step_in_one_lane() {
    let map = generate(&GenParams {
        lanes: 1,
        steps: 20_000,
        edges: 25_000,
        seed: 7,
    });
    let outcome = check_pictures(map, "20,000 steps in one lane");
    assert_eq!(outcome.written, ["chart at 1×", "chart at 2×"], "{outcome:?}");
}

#[test]
fn hostile_steps_far_apart() {
    let mut map = sample();
    let corners = [(-1e7, -1e7), (1e7, 1e7), (-1e7, 1e7), (1e7, -1e7)];
    map.steps.for_each_mut(|i, step| (step.x, step.y) = corners[i % 4]);
    let outcome = check_pictures(map.clone(), "steps at ±1e7");
    assert_eq!(outcome.written, ["chart at 1×", "chart at 2×"], "{outcome:?}");
    // Every coordinate in the SVG is a finite number.
    let svg = map_svg(&map, &rank(&map));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    for node in doc.descendants() {
        for name in ["x", "y", "width", "height"] {
            if let Some(value) = node.attribute(name).filter(|v| !v.ends_with('%')) {
                assert!(value.parse::<f64>().is_ok_and(f64::is_finite), "{name}={value}");
            }
        }
    }
}

#[test]
fn hostile_cards_on_one_spot_are_drawn() {
    let mut map = generate(&GenParams {
        lanes: 3,
        steps: 2_000,
        edges: 2_500,
        seed: 8,
    });
    map.steps.for_each_mut(|_, step| (step.x, step.y) = (40.0, 32.0));
    let outcome = check_pictures_at(map, "2,000 cards on one spot", &[1.0]);
    assert_eq!(outcome.written.len(), 2, "{outcome:?}");
}

#[test]
fn hostile_values_that_validation_would_refuse() {
    let mut map = sample();
    map.lanes[0].id = String::new();
    map.lanes[1].id = map.lanes[2].id.clone();
    map.rates.hourly_cost = f64::INFINITY;
    map.rates.delay_cost_per_hour = -1.0;
    let specials = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        f32::MAX,
        f32::MIN_POSITIVE,
    ];
    map.steps.for_each_mut(|i, step| {
        step.x = specials[i % specials.len()];
        step.y = specials[(i + 1) % specials.len()];
        step.volume_per_month = [f64::NAN, -5.0, 1e300, f64::INFINITY][i % 4];
        step.rework_rate = [1.0, 2.0, -1.0, f64::NAN][i % 4];
        step.name = String::new();
        if i % 3 == 0 {
            step.lane = "no such lane".into();
        }
    });
    map.edges.push(frictionmap::domain::model::Edge {
        from: "ghost".to_owned(),
        to: map.steps[0].id.clone(),
    });
    let duplicate = map.edges[0].clone();
    map.edges.push(duplicate);
    check_pictures(map, "values out of every range");
}
