//! The command line against a plain Python script doing the same work:
//! `frictionmap rank MAP --csv OUT` of a generated 100,000-step map (37 MB)
//! and `benches/rank_reference.py` (the same JSON load and sums, no
//! validation), run in turn as whole processes so the ratio comes from one
//! run. The two CSV files must hold the same figures (the app's adds the
//! simulation's columns after them). The script does no simulation, so the
//! ratio is taken with one scenario (`--draws 1`); the default 10,000 are
//! timed on a line of their own. Needs python3.
//!
//!     cargo bench --bench cli

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[allow(dead_code, reason = "the benches share these helpers and each uses some")]
mod common;
use common::median_p95;

const RUNS: usize = 9;
/// The app must be at least this many times faster than the script.
const TARGET_RATIO: f64 = 5.0;

fn run(program: &str, args: &[&Path]) -> Duration {
    let start = Instant::now();
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let took = start.elapsed();
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

/// The rows of a CSV file as text, without the byte-order mark and with
/// plain line ends, so the app's file and the script's compare.
/// The CSV's rows as records, each cut to the columns the script writes:
/// the app's CSV adds the simulation's after them.
fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .expect("the CSV was written");
    reader
        .records()
        .map(|r| {
            let record = r.expect("a CSV row");
            record
                .iter()
                .take(15)
                .map(|c| c.trim_start_matches('\u{feff}').to_owned())
                .collect()
        })
        .collect()
}

fn main() {
    if Command::new("python3").arg("--version").output().is_err() {
        println!("cli bench: python3 is not installed; skipped");
        return;
    }
    let bin = env!("CARGO_BIN_EXE_frictionmap");
    let script = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/rank_reference.py"));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let map = dir.path().join("big.json");
    let (app_csv, script_csv) = (dir.path().join("app.csv"), dir.path().join("script.csv"));
    let generated = Command::new(bin)
        .args([
            "gen", "--lanes", "40", "--steps", "100000", "--edges", "125000", "--seed", "2024", "--out",
        ])
        .arg(&map)
        .output()
        .expect("frictionmap gen runs");
    assert!(
        generated.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&generated.stderr)
    );

    // The script does what `rank` did before it simulated how sure the
    // pick is: one scenario (`--draws 1`) is that work; the default 10,000
    // are timed beside it.
    let rank = |csv: &Path, draws: &str| {
        run(
            bin,
            &[
                Path::new("rank"),
                &map,
                Path::new("--csv"),
                csv,
                Path::new("--draws"),
                Path::new(draws),
            ],
        )
    };
    // One of each first, unmeasured, so both read the map from the cache.
    rank(&app_csv, "10000");
    run("python3", &[script, &map, &script_csv]);
    assert_eq!(rows(&app_csv), rows(&script_csv), "the app and the script disagree");

    let (mut same, mut full, mut python) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        same.push(rank(&app_csv, "1"));
        full.push(rank(&app_csv, "10000"));
        python.push(run("python3", &[script, &map, &script_csv]));
    }
    let (same_median, same_p95) = median_p95(same);
    let (full_median, full_p95) = median_p95(full);
    let (py_median, py_p95) = median_p95(python);
    let ratio = py_median / same_median;
    println!(
        "{:<60} {:>4} {:>12} {:>12}",
        "path (whole process, wall time)", "runs", "median", "p95"
    );
    println!(
        "{:<60} {RUNS:>4} {same_median:>10.1}ms {same_p95:>10.1}ms",
        "frictionmap rank, 100,000 steps, --csv --draws 1"
    );
    println!(
        "{:<60} {RUNS:>4} {py_median:>10.1}ms {py_p95:>10.1}ms",
        "python3 benches/rank_reference.py, the same map"
    );
    let verdict = if ratio >= TARGET_RATIO {
        "PASS".to_owned()
    } else {
        format!("MISS ({:.1}x short)", TARGET_RATIO / ratio)
    };
    println!(
        "{:<60} {ratio:>15.1}x  target ≥ {TARGET_RATIO}x  {verdict}",
        "the app against the script"
    );
    println!(
        "{:<60} {RUNS:>4} {full_median:>10.1}ms {full_p95:>10.1}ms",
        "frictionmap rank, the same, with its 10,000 scenarios"
    );
}
