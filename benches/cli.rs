//! The command line against a plain Python script doing the same work:
//! `frictionmap rank MAP --csv OUT` of a generated 100,000-step map (37 MB)
//! and `benches/rank_reference.py` (the same JSON load and sums, no
//! validation), run in turn as whole processes so the ratio comes from one
//! run. The two CSV files must hold the same figures. Needs python3.
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
fn rows(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("the CSV was written");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.lines().map(str::to_owned).collect()
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

    let rank = |csv: &Path| run(bin, &[Path::new("rank"), &map, Path::new("--csv"), csv]);
    // One of each first, unmeasured, so both read the map from the cache.
    rank(&app_csv);
    run("python3", &[script, &map, &script_csv]);
    assert_eq!(rows(&app_csv), rows(&script_csv), "the app and the script disagree");

    let (mut app, mut python) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        app.push(rank(&app_csv));
        python.push(run("python3", &[script, &map, &script_csv]));
    }
    let (app_median, app_p95) = median_p95(app);
    let (py_median, py_p95) = median_p95(python);
    let ratio = py_median / app_median;
    println!(
        "{:<60} {:>4} {:>12} {:>12}",
        "path (whole process, wall time)", "runs", "median", "p95"
    );
    println!(
        "{:<60} {RUNS:>4} {app_median:>10.1}ms {app_p95:>10.1}ms",
        "frictionmap rank, 100,000 steps, --csv"
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
}
