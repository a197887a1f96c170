//! How sure the pick is, through the command line: `frictionmap rank
//! --json` against an independent Monte Carlo in Python with numpy
//! (`tests/expected/pert_mc.py`, skipped with a message when numpy is not
//! installed) on the sample maps with ranges added and on a generated map;
//! the same seed giving the same bytes; another seed moving figures only
//! within the tolerance; the CSV's new columns after the old ones; and the
//! verdict in words.

use std::path::Path;
use std::process::Command;

use assert_cmd::Command as Cmd;
use serde_json::Value;

use crate::common::files_in;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn script() -> String {
    format!("{}/tests/expected/pert_mc.py", env!("CARGO_MANIFEST_DIR"))
}

fn numpy_is_there() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        println!("skipped: numpy is not installed (pip install numpy)");
    }
    ok
}

fn json_of(output: std::process::Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn rank_json(map: &Path, extra: &[&str]) -> Value {
    json_of(
        Command::new(BIN)
            .arg("rank")
            .arg(map)
            .arg("--json")
            .args(extra)
            .output()
            .expect("frictionmap runs"),
    )
}

/// The chance, in points, and the median of every lane by id.
fn figures(value: &Value) -> Vec<(String, f64, f64)> {
    value["lanes"]
        .as_array()
        .expect("lanes")
        .iter()
        .map(|l| {
            (
                l["lane_id"].as_str().expect("id").to_owned(),
                l["p_costliest"].as_f64().expect("p") * 100.0,
                l["friction_p50"].as_f64().expect("p50"),
            )
        })
        .collect()
}

/// Both simulations draw 10,000 scenarios, so each chance has a standard
/// error of at most 0.5 points: they must agree within 1.5 points, and the
/// medians within 1%.
fn agree(ours: &Value, theirs: &Value, what: &str) {
    let (ours, theirs) = (figures(ours), figures(theirs));
    assert_eq!(ours.len(), theirs.len(), "{what}: lanes");
    for (o, t) in ours.iter().zip(&theirs) {
        assert_eq!(o.0, t.0, "{what}: lane order");
        assert!(
            (o.1 - t.1).abs() <= 1.5,
            "{what}, {}: {:.2} against numpy's {:.2} points",
            o.0,
            o.1,
            t.1
        );
        assert!(
            (o.2 - t.2).abs() <= 0.01 * t.2.abs().max(1.0),
            "{what}, {}: median {} against numpy's {}",
            o.0,
            o.2,
            t.2
        );
    }
}

#[test]
fn the_simulation_agrees_with_an_independent_one_in_numpy() {
    if !numpy_is_there() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_maps");
    let mut maps = Vec::new();
    for name in files_in(&samples).into_keys().filter(|n| n.ends_with(".json")) {
        let file = samples.join(&name);
        let ranged = tmp.path().join(&name);
        let out = Command::new("python3")
            .arg(script())
            .arg(&file)
            .args(["--add-ranges", "--seed", "11", "--write-map"])
            .arg(&ranged)
            .output()
            .expect("python3 runs");
        maps.push((ranged, json_of(out)));
    }
    // A generated map: ranges on about one step in five, of every kind.
    let generated = tmp.path().join("gen.json");
    Cmd::new(BIN)
        .args(["gen", "--lanes", "6", "--steps", "400", "--seed", "7", "--out"])
        .arg(&generated)
        .assert()
        .success();
    let out = Command::new("python3")
        .arg(script())
        .arg(&generated)
        .args(["--seed", "11"])
        .output()
        .expect("python3 runs");
    maps.push((generated, json_of(out)));
    for (map, theirs) in &maps {
        let ours = rank_json(map, &[]);
        agree(&ours, theirs, &map.display().to_string());
        let regret = (
            ours["expected_regret"].as_f64().unwrap(),
            theirs["expected_regret"].as_f64().unwrap(),
        );
        // The regret is a mean of draws that are mostly 0: 10% of the larger
        // or 1% of the top lane's friction, whichever is more.
        let top = ours["lanes"][0]["monthly_friction"].as_f64().unwrap();
        assert!(
            (regret.0 - regret.1).abs() <= (0.1 * regret.0.max(regret.1)).max(0.01 * top),
            "{}: regret {regret:?}",
            map.display()
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_close_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let map = tmp.path().join("gen.json");
    Cmd::new(BIN)
        .args(["gen", "--lanes", "4", "--steps", "200", "--seed", "3", "--out"])
        .arg(&map)
        .assert()
        .success();
    let run = |extra: &[&str]| {
        let out = Command::new(BIN)
            .arg("rank")
            .arg(&map)
            .arg("--json")
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    assert_eq!(run(&[]), run(&[]));
    assert_eq!(run(&["--seed", "1"]), run(&[]), "the map's own seed is 1");
    let (one, other): (Value, Value) = (
        serde_json::from_slice(&run(&[])).unwrap(),
        serde_json::from_slice(&run(&["--seed", "99"])).unwrap(),
    );
    assert_eq!(other["seed"], 99);
    assert_ne!(one["lanes"], other["lanes"]);
    for (a, b) in figures(&one).iter().zip(&figures(&other)) {
        // Two independent runs: a standard error of at most 0.71 points for
        // the difference; three of them.
        assert!((a.1 - b.1).abs() <= 2.2, "{}: {} and {}", a.0, a.1, b.1);
    }
    let fewer: Value = serde_json::from_slice(&run(&["--draws", "500"])).unwrap();
    assert_eq!(fewer["draws"], 500);
    Cmd::new(BIN)
        .arg("rank")
        .arg(&map)
        .args(["--draws", "0"])
        .assert()
        .code(2);
}

#[test]
fn the_csv_adds_the_chances_after_the_columns_it_had() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("ranked.csv");
    let map = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_maps/accounts-payable.json");
    Cmd::new(BIN)
        .arg("rank")
        .arg(&map)
        .arg("--csv")
        .arg(&csv)
        .arg("--no-bom")
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        "rank,lane,owner,monthly_friction,handling,rework,delay,friction_low,friction_high,share_pct,\
         cumulative_pct,touch_hours,fte,steps,top_driver,p_costliest,friction_p10,friction_p50,friction_p90"
    );
    let json = rank_json(&map, &[]);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut chances = 0.0;
    for (row, lane) in reader.records().zip(json["lanes"].as_array().unwrap()) {
        let row = row.expect("a CSV row");
        assert_eq!(row.len(), 19, "{row:?}");
        chances += row[15].parse::<f64>().expect("p_costliest");
        let p50: f64 = row[17].parse().expect("friction_p50");
        assert!((p50 - lane["friction_p50"].as_f64().unwrap()).abs() < 0.006, "{row:?}");
    }
    assert!((chances - 1.0).abs() < 1e-3, "the chances add up to one: {chances}");
    let p = json["lanes"][0]["p_costliest"].as_f64().unwrap();
    assert!(text.contains(&format!(",{p:.4},")), "{text}");
}

#[test]
fn the_verdict_says_how_sure_or_that_no_ranges_were_entered() {
    let tmp = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_maps");
    // Accounts payable with every range taken out.
    let text = std::fs::read_to_string(samples.join("accounts-payable.json")).unwrap();
    let mut map: Value = serde_json::from_str(&text).unwrap();
    for step in map["steps"].as_array_mut().unwrap() {
        let step = step.as_object_mut().unwrap();
        step.remove("low");
        step.remove("high");
    }
    let bare = tmp.path().join("bare.json");
    std::fs::write(&bare, serde_json::to_vec(&map).unwrap()).unwrap();
    let json = rank_json(&bare, &[]);
    let verdict = json["verdict"].as_str().unwrap();
    assert!(verdict.contains("no ranges entered"), "{verdict}");
    assert_eq!(json["clear_winner"], true, "clear_winner keeps its old meaning");
    assert!(json["swings"].as_array().unwrap().is_empty());

    // Customer onboarding with wide ranges: the top two are close.
    if !numpy_is_there() {
        return;
    }
    let ranged = tmp.path().join("co.json");
    let out = Command::new("python3")
        .arg(script())
        .arg(samples.join("customer-onboarding.json"))
        .args(["--add-ranges", "--write-map"])
        .arg(&ranged)
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = Command::new(BIN).arg("rank").arg(&ranged).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("Fix first: Enhanced due diligence, costliest in 69% of 10,000 scenarios"),
        "{table}"
    );
    let json = rank_json(&ranged, &[]);
    let swings = json["swings"].as_array().unwrap();
    assert!(swings[0]["changes_pick"].as_bool().unwrap(), "{swings:?}");
}
