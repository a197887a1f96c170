//! Timings of the core paths on generated maps (`frictionmap::synth`), no UI:
//! one line per path with the median and 95th percentile over repeated runs,
//! the target, and PASS or MISS against the median.
//!
//!     cargo bench --bench core

use std::time::{Duration, Instant};

use frictionmap::mapfile::{parse_map, to_json};
use frictionmap::model::Map;
use frictionmap::ranking_csv::ranking_csv;
use frictionmap::scoring::rank;
use frictionmap::store::Store;
use frictionmap::synth::{GenParams, generate};

fn map(lanes: usize, steps: usize, edges: usize) -> Map {
    generate(&GenParams {
        lanes,
        steps,
        edges,
        seed: 2024,
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints one result line: the median and p95 of `times`, and the target.
fn report(path: &str, mut times: Vec<Duration>, target_ms: f64) {
    times.sort();
    let median = ms(times[times.len() / 2]);
    let p95 = ms(times[(times.len() * 95 / 100).min(times.len() - 1)]);
    let verdict = if median <= target_ms {
        "PASS".to_owned()
    } else {
        format!("MISS ({:.1}x)", median / target_ms)
    };
    println!(
        "{path:<52} {:>4} {median:>10.3}ms {p95:>10.3}ms  target ≤ {target_ms}ms  {verdict}",
        times.len()
    );
}

/// Runs `f` `warmup + runs` times and keeps the times of the last `runs`.
fn time<T>(warmup: usize, runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..warmup + runs {
        let start = Instant::now();
        std::hint::black_box(f());
        if i >= warmup {
            times.push(start.elapsed());
        }
    }
    times
}

fn main() {
    println!("{:<52} {:>4} {:>12} {:>12}", "path", "runs", "median", "p95");

    // Scoring and ranking a very large map. Edges play no part in scoring.
    let big = map(100, 1_000_000, 0);
    report("rank: 1,000,000 steps / 100 lanes", time(2, 15, || rank(&big)), 20.0);
    drop(big);

    // Rescoring after one step changes: today that is a full `rank`.
    let mut medium = map(40, 20_000, 25_000);
    let mut i = 0;
    let times = (0..220)
        .map(|_| {
            i = (i + 7919) % medium.steps.len();
            medium.steps[i].volume_per_month += 1.0;
            let start = Instant::now();
            std::hint::black_box(rank(&medium));
            start.elapsed()
        })
        .skip(20)
        .collect();
    report("rescore after one step changes: 20,000 steps", times, 0.1);

    // The database: replace a whole map, then load it.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut store = Store::open(&dir.path().join("bench.sqlite3")).expect("the database opens");
    let id = store.create(&medium).expect("the map is stored");
    report(
        "Store::save: 20,000 steps / 25,000 edges",
        time(1, 10, || store.save(id, &medium).expect("saved")),
        150.0,
    );
    report(
        "Store::load: 20,000 steps / 25,000 edges",
        time(1, 10, || store.load(id).expect("loaded")),
        150.0,
    );
    drop(store);

    // JSON import.
    let json = to_json(&map(100, 100_000, 125_000)).into_bytes();
    let label = format!("parse_map: 100,000 steps ({:.1} MB)", json.len() as f64 / 1e6);
    report(
        &label,
        time(1, 7, || parse_map(&json, "bench").expect("parses")),
        1000.0,
    );
    drop(json);

    // CSV export of a ranking with many lanes.
    let ranking = rank(&map(10_000, 30_000, 0));
    report(
        "ranking_csv: 10,000 lanes",
        time(3, 30, || ranking_csv(&ranking, true)),
        50.0,
    );
}
