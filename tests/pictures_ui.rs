//! The window's picture exports of a map too large for a PNG: each is
//! refused at once with a message that names the file and the size, and
//! writes nothing.

use std::time::{Duration, Instant};

use crate::common;

use common::{app, menu, type_path, ws};
use egui_kittest::kittest::Queryable;
use frictionmap::domain::synth::{GenParams, generate};

// A PNG's size was checked only after its SVG was built and parsed, which
// for a big map held the window for longer than a minute.
#[test]
fn a_png_too_large_is_refused_at_once_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let map = generate(&GenParams {
        lanes: 600,
        steps: 20_000,
        edges: 25_000,
        seed: 3,
    });
    std::fs::write(&file, frictionmap::formats::mapfile::to_json(&map)).unwrap();
    let mut harness = app(&dir.path().join("fm.sqlite3"));
    menu(&mut harness, "Import JSON…");
    type_path(&mut harness, &file);
    assert_eq!(ws(&harness).document().map().steps.len(), 20_000, "the big map is open");

    for (item, title, size) in [
        (
            "Export picture PNG…",
            "Export the map picture (PNG) failed",
            "7,894 × 96,144 px",
        ),
        (
            "Export picture PNG 2×…",
            "Export the map picture (PNG, 2×) failed",
            "15,788 × 192,288 px",
        ),
        (
            "Export ranking chart PNG…",
            "Export the ranking chart (PNG) failed",
            "1,084 × 21,764 px",
        ),
    ] {
        let out = dir.path().join("out.png");
        menu(&mut harness, item);
        let started = Instant::now();
        type_path(&mut harness, &out);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(10), "{item}: {took:?}");
        harness.get_by_label_contains(title);
        let message = format!("{}: the picture would be {size}", out.display());
        assert!(
            harness.query_by_label_contains(&message).is_some(),
            "{item}: no message {message:?}"
        );
        harness.get_by_label("OK").click();
        harness.run();
        assert!(!out.exists(), "{item}: a file was written");
    }
}
