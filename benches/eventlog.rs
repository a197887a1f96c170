//! Event logs measured as whole processes: `frictionmap log stats` of a
//! 1,000,000-event and a 10,000,000-event CSV from `frictionmap gen-log`
//! (wall time and peak resident memory; the larger log's memory beyond the
//! smaller's, a case at a time, since memory may grow with cases and not
//! with events), and the 1,000,000-event log
//! against PM4Py reading the same CSV and computing the same per-activity
//! counts and median waits (`benches/pm4py_reference.py`, skipped with a
//! message when pm4py is not installed: `pip install pm4py`). Each row
//! prints its target and PASS or MISS.
//!
//!     cargo bench --bench eventlog

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs a command to its end, returning its wall time and its peak
/// resident memory in MB (the kernel's high-water mark, read until it exits).
fn run(program: &str, args: &[&str]) -> (Duration, f64) {
    let start = Instant::now();
    let mut child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0.0_f64;
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
        {
            let kb: f64 = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success(), "{program} {args:?} failed");
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    (start.elapsed(), peak_kb / 1024.0)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn verdict(pass: bool, by: f64) -> String {
    if pass {
        "PASS".to_owned()
    } else {
        format!("MISS ({by:.1}x)")
    }
}

/// Writes a synthetic log of about `events` events, returning how many it has.
fn gen_log(bin: &str, out: &Path, cases: u64) -> u64 {
    let output = Command::new(bin)
        .args([
            "gen-log",
            "--cases",
            &cases.to_string(),
            "--activities",
            "12",
            "--seed",
            "2024",
            "--out",
        ])
        .arg(out)
        .output()
        .expect("gen-log runs");
    assert!(output.status.success(), "gen-log failed");
    let said = String::from_utf8_lossy(&output.stdout);
    said.split(" events")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_frictionmap");
    let dir = tempfile::tempdir().expect("a temporary folder");
    println!(
        "{:<64} {:>10} {:>9}  {:<26} result",
        "path (whole process)", "median", "peak MB", "target"
    );

    // About 11 events a case with 12 activities (some skipped, some redone).
    let million = dir.path().join("1m.csv");
    let events = gen_log(bin, &million, 90_000);
    let path = million.to_str().expect("a UTF-8 path");
    run(bin, &["log", "stats", path]);
    let mut times = Vec::new();
    let mut peak: f64 = 0.0;
    for _ in 0..3 {
        let (t, mb) = run(bin, &["log", "stats", path]);
        times.push(t);
        peak = peak.max(mb);
    }
    let ours = median(times).as_secs_f64();
    let ok = ours <= 2.0 && peak <= 400.0;
    println!(
        "{:<64} {:>9.2}s {:>9.0}  {:<26} {}",
        format!("log stats, {events} events (gen-log)"),
        ours,
        peak,
        "≤ 2 s, ≤ 400 MB",
        verdict(ok, (ours / 2.0).max(peak / 400.0))
    );

    let has_pm4py = Command::new("python3")
        .args(["-c", "import pm4py"])
        .output()
        .is_ok_and(|o| o.status.success());
    if has_pm4py {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/pm4py_reference.py");
        let mut pm4py = Vec::new();
        let mut again = Vec::new();
        for _ in 0..3 {
            pm4py.push(run("python3", &[script, path]).0);
            again.push(run(bin, &["log", "stats", path]).0);
        }
        let (theirs, ours) = (median(pm4py).as_secs_f64(), median(again).as_secs_f64());
        let ratio = theirs / ours;
        println!(
            "{:<64} {:>9.2}s {:>9}  {:<26}",
            "PM4Py: read the same CSV, per-activity counts and median waits", theirs, "", ""
        );
        println!(
            "{:<64} {:>9.1}x {:>9}  {:<26} {}",
            "log stats against PM4Py, in turn",
            ratio,
            "",
            "≥ 20x",
            verdict(ratio >= 20.0, 20.0 / ratio)
        );
    } else {
        println!("PM4Py is not installed (pip install pm4py): the comparison was skipped");
    }

    if std::env::args().any(|a| a == "--quick") {
        return;
    }
    let ten = dir.path().join("10m.csv");
    let events = gen_log(bin, &ten, 900_000);
    let (t, mb) = run(bin, &["log", "stats", ten.to_str().expect("a UTF-8 path")]);
    let secs = t.as_secs_f64();
    // Memory may grow with cases (each case's progress, its id and its
    // place in the case table), not with events: ten times the cases of
    // the million-event log, each of the same length, may add at most
    // PER_CASE bytes a case.
    const PER_CASE: f64 = 256.0;
    let per_case = (mb - peak).max(0.0) * 1_048_576.0 / (900_000.0 - 90_000.0);
    println!(
        "{:<64} {:>9.2}s {:>9.0}  {:<26} {}",
        format!("log stats, {events} events in 900,000 cases (gen-log)"),
        secs,
        mb,
        format!("≤ 25 s, ≤ {PER_CASE:.0} B a case more"),
        verdict(
            secs <= 25.0 && per_case <= PER_CASE,
            (secs / 25.0).max(per_case / PER_CASE)
        )
    );
    println!(
        "{:<64} {:>10} {:>9}  {:<26}",
        "  memory beyond the million-event log's (90,000 cases)",
        format!("{per_case:.0} B/case"),
        "",
        ""
    );
}
