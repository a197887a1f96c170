//! Fuzzing the picture path: maps built from hostile parts (names of XML
//! specials, astral, right-to-left and control characters, long or empty;
//! positions far apart, on one spot or not numbers; values out of every
//! range; lanes and edges that point nowhere) are drawn as the map picture
//! and the ranking chart at random scales. Nothing may panic; every SVG must
//! be well-formed XML with no text over 200 characters; every PNG must be
//! written at the size `png_size` promised, or refused by it with the size
//! or the drawing time, the scale refused only when it is out of range.
//!
//! `cargo test` runs a modest number of cases. `FRICTIONMAP_FUZZ_SECS=600`
//! runs for that many seconds instead and prints the executions
//! (`cargo test --test engine fuzz_pictures:: -- --nocapture`).
//! `FRICTIONMAP_FUZZ_SEED=<number>` repeats a run.

use std::cell::Cell;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use frictionmap::domain::model::{Edge, Lane, Map, Step};
use frictionmap::formats::picture::png::PngError;
use frictionmap::formats::picture::{Picture, chart::ChartPicture, map::MapPicture};
use frictionmap::scoring::rank;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};
use resvg::tiny_skia::Pixmap;

/// Text made of the characters that break XML, measuring and drawing.
fn hostile_text() -> impl Strategy<Value = String> {
    let tricky = "[a-zA-Z0-9 &<>\"'\\]\\[!?=;\u{0}\u{1}\u{9}\u{a}\u{d}\u{1b}\u{7f}\u{85}\u{a0}\u{200b}\u{200f}\u{202e}\u{2028}\u{301}\u{fdd0}\u{feff}\u{fffd}\u{fffe}\u{ffff}é€😀𝄞שלוםمرحبا中文…]{0,40}";
    prop_oneof![
        4 => proptest::string::string_regex(tricky).expect("regex"),
        1 => Just("]]>".to_owned()),
        1 => (proptest::string::string_regex("[a-z&<🙂\u{301} ]{1,3}").expect("regex"), 50usize..400)
            .prop_map(|(unit, n)| unit.repeat(n)),
    ]
}

/// A position: ordinary, far away, on one spot, or not a number.
fn position() -> impl Strategy<Value = f32> {
    prop_oneof![
        6 => 0.0f32..3000.0,
        1 => Just(0.0f32),
        1 => prop_oneof![Just(-1e7f32), Just(1e7f32), Just(f32::MAX), Just(f32::MIN)],
        1 => prop_oneof![Just(f32::NAN), Just(f32::INFINITY), Just(f32::NEG_INFINITY)],
        1 => any::<f32>(),
    ]
}

/// A figure: ordinary, out of range, or not a number.
fn figure() -> impl Strategy<Value = f64> {
    prop_oneof![
        6 => 0.0f64..5000.0,
        1 => prop_oneof![Just(-1.0), Just(0.95), Just(1.0), Just(2.0), Just(1e300)],
        1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
        1 => any::<f64>(),
    ]
}

fn hostile_map() -> impl Strategy<Value = Map> {
    let lanes = proptest::collection::vec((hostile_text(), hostile_text()), 0..6);
    let steps = proptest::collection::vec(
        (
            hostile_text(),
            0usize..8,
            position(),
            position(),
            proptest::collection::vec(figure(), 4),
        ),
        0..30,
    );
    let edges = proptest::collection::vec((0usize..35, 0usize..35), 0..60);
    (hostile_text(), hostile_text(), lanes, steps, edges, figure()).prop_map(
        |(name, currency, lanes, steps, edges, hourly_cost)| {
            let mut map = Map::new(name);
            map.currency = currency;
            map.rates.hourly_cost = hourly_cost;
            map.lanes = (lanes.into_iter().enumerate())
                .map(|(i, (name, owner))| {
                    let mut lane = Lane::new(format!("l{}", i % 4), name);
                    lane.owner = owner;
                    lane
                })
                .collect();
            for (i, (name, lane, x, y, values)) in steps.into_iter().enumerate() {
                // Lane numbers past the lanes point at no lane.
                let mut step = Step::new(format!("s{}", i % 25), format!("l{lane}"), name);
                (step.x, step.y) = (x, y);
                step.volume_per_month = values[0];
                step.handle_minutes = values[1];
                step.rework_rate = values[2];
                step.approval_delay_hours = values[3];
                map.steps.push(step);
            }
            // Step numbers past the steps point at no step.
            map.edges = (edges.into_iter())
                .map(|(from, to)| Edge {
                    from: format!("s{from}"),
                    to: format!("s{to}"),
                })
                .collect();
            map
        },
    )
}

fn scale() -> impl Strategy<Value = f32> {
    prop_oneof![
        4 => prop_oneof![Just(0.25f32), Just(0.5), Just(1.0), Just(2.0), Just(8.0)],
        1 => prop_oneof![Just(0.0f32), Just(0.2), Just(8.5), Just(f32::NAN), Just(-1.0)],
        1 => 0.25f32..8.0,
    ]
}

/// The property every picture of every map must hold.
fn check(picture: &dyn Picture, scale: f32, written: &Cell<u64>) -> Result<(), TestCaseError> {
    let svg = picture.svg();
    let doc = roxmltree::Document::parse(&svg).map_err(|e| TestCaseError::fail(format!("SVG: {e}")))?;
    for text in doc.descendants().filter_map(|n| n.text()) {
        prop_assert!(
            text.chars().count() <= 200,
            "a text of {} characters",
            text.chars().count()
        );
    }
    let in_range = (0.25..=8.0).contains(&scale);
    match picture.png_size(scale) {
        Ok((width, height)) => {
            prop_assert!(in_range, "scale {scale} was allowed");
            let png = picture
                .png(scale)
                .map_err(|e| TestCaseError::fail(format!("PNG: {e}")))?;
            let png = Pixmap::decode_png(&png).map_err(|e| TestCaseError::fail(format!("decoding: {e}")))?;
            prop_assert_eq!((png.width(), png.height()), (width, height));
            written.set(written.get() + 1);
        }
        Err(PngError::BadScale(_)) => prop_assert!(!in_range, "scale {scale} was refused"),
        Err(error @ (PngError::TooLarge { .. } | PngError::TooMuchToDraw { .. })) => {
            prop_assert!(in_range, "scale {scale} was not refused as such");
            prop_assert!(error.to_string().contains("Export SVG instead"), "{error}");
        }
        Err(error) => return Err(TestCaseError::fail(format!("PNG: {error}"))),
    }
    Ok(())
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

#[test]
fn the_picture_path_never_panics_and_keeps_its_promises() {
    let seconds = env_number("FRICTIONMAP_FUZZ_SECS");
    let seed = env_number("FRICTIONMAP_FUZZ_SEED").unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let deadline = seconds.map(|s| Instant::now() + Duration::from_secs(s));
    let started = Instant::now();
    let (executed, written) = (Cell::new(0u64), Cell::new(0u64));
    let mut batch = 0u64;
    loop {
        let config = Config {
            cases: 64,
            failure_persistence: None,
            max_shrink_iters: 500,
            ..Config::default()
        };
        let mut rng_seed = [0u8; 32];
        rng_seed[..8].copy_from_slice(&seed.to_le_bytes());
        rng_seed[8..16].copy_from_slice(&batch.to_le_bytes());
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &rng_seed);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let result = runner.run(&(hostile_map(), scale(), scale()), |(map, map_scale, chart_scale)| {
            executed.set(executed.get() + 1);
            let ranking = rank(&map);
            check(&MapPicture::new(&map, &ranking), map_scale, &written)?;
            check(&ChartPicture::new(&map.name, &ranking), chart_scale, &written)
        });
        if let Err(error) = result {
            let detail = match error {
                TestError::Fail(reason, (map, map_scale, chart_scale)) => {
                    format!("{reason}\nat scales {map_scale} and {chart_scale}, map: {map:?}")
                }
                TestError::Abort(reason) => reason.to_string(),
            };
            panic!("FRICTIONMAP_FUZZ_SEED={seed} (batch {batch}) fails:\n{detail}");
        }
        batch += 1;
        match deadline {
            Some(d) if Instant::now() < d => {}
            _ => break,
        }
    }
    if seconds.is_some() {
        println!(
            "picture fuzz seed {seed}: {} maps (each drawn as map and chart, SVG and PNG) in {:.0} s, {} PNGs written, the rest refused; no failure",
            executed.get(),
            started.elapsed().as_secs_f64(),
            written.get()
        );
    }
}
