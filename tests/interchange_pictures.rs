//! Whole-map and ranking-chart pictures: what the SVG holds, and that the
//! PNG is drawn on the CPU at 1× and 2× with the cards in their heat colours
//! and the text in the bundled font.

use std::path::PathBuf;

use assert_cmd::Command;
use frictionmap::model::Map;
use frictionmap::picture::chart::{chart_png, chart_svg};
use frictionmap::picture::map::{map_png, map_svg};
use frictionmap::picture::png::{PngError, svg_to_png};
use frictionmap::samples::sample_maps;
use frictionmap::scoring::{rank, score_step};
use frictionmap::theme::heat_rgb;
use frictionmap::ui::canvas::layout::Layout;
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
    let one = Pixmap::decode_png(&svg_to_png(&svg, 1.0).unwrap()).unwrap();
    let two = Pixmap::decode_png(&svg_to_png(&svg, 2.0).unwrap()).unwrap();
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
    let svg = map_svg(&sample(), &rank(&sample()));
    assert!(matches!(svg_to_png(&svg, 0.0), Err(PngError::BadScale(_))));
    assert!(matches!(svg_to_png(&svg, f32::NAN), Err(PngError::BadScale(_))));
    let big = r#"<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="100"/>"#;
    let e = svg_to_png(big, 1.0).unwrap_err();
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
    let png = Pixmap::decode_png(&svg_to_png(&svg, 1.0).unwrap()).unwrap();
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

use frictionmap::synth::{GenParams, generate};

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
        move || svg_to_png(&map_svg(&map, &rank(&map)), 1.0),
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
    std::fs::write(&file, frictionmap::mapfile::to_json(&map_100k())).unwrap();
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
