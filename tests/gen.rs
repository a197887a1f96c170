//! The synthetic map generator (`frictionmap::domain::synth`) and `frictionmap gen`.

use std::collections::HashSet;

use assert_cmd::Command;
use frictionmap::domain::model::Map;
use frictionmap::domain::synth::{GenParams, generate};
use frictionmap::domain::validate::validate;
use frictionmap::formats::mapfile::{parse_map, read_map_file, to_json};
use predicates::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_frictionmap");

fn params(lanes: usize, steps: usize, edges: usize, seed: u64) -> GenParams {
    GenParams {
        lanes,
        steps,
        edges,
        seed,
    }
}

fn check_shape(map: &Map, lanes: usize, steps: usize, edges: usize) {
    assert_eq!(map.lanes.len(), lanes);
    assert_eq!(map.steps.len(), steps);
    assert_eq!(map.edges.len(), edges);
    let pairs: HashSet<_> = map.edges.iter().map(|e| (&e.from, &e.to)).collect();
    assert_eq!(pairs.len(), edges, "no duplicate edges");
    assert!(map.edges.iter().all(|e| e.from != e.to), "no self-edges");
    for lane in &map.lanes {
        assert!(
            map.steps.iter().any(|s| s.lane == lane.id),
            "lane {} has a step",
            lane.id
        );
    }
}

#[test]
fn generated_maps_of_several_sizes_validate() {
    for (lanes, steps, edges) in [
        (1, 1, 0),
        (1, 10, 9),
        (4, 40, 50),
        (40, 2_000, 2_500),
        (100, 20_000, 25_000),
    ] {
        let map = generate(&params(lanes, steps, edges, 42));
        validate(&map).unwrap_or_else(|p| panic!("{lanes}/{steps}/{edges}: {p}"));
        check_shape(&map, lanes, steps, edges);
        // The file form passes the same checks as any imported map.
        let again = parse_map(to_json(&map).as_bytes(), "generated").expect("the JSON parses");
        assert_eq!(again, map);
    }
}

#[test]
fn values_and_layout_are_realistic() {
    let map = generate(&params(20, 12_000, 15_000, 3));
    let n = map.steps.len() as f64;
    for s in &map.steps {
        assert!(
            (10.0..=20_000.0).contains(&s.volume_per_month),
            "{}",
            s.volume_per_month
        );
        assert!((0.5..=90.0).contains(&s.handle_minutes), "{}", s.handle_minutes);
        assert!((0.0..=0.4).contains(&s.rework_rate), "{}", s.rework_rate);
        assert!(s.approval_delay_hours == 0.0 || (2.0..=72.0).contains(&s.approval_delay_hours));
        assert!((s.x - 40.0) % 220.0 == 0.0 && s.x <= 40.0 + 220.0 * 59.0, "x {}", s.x);
        assert!((s.y - 32.0) % 120.0 == 0.0, "y {}", s.y);
    }
    let share =
        |f: &dyn Fn(&frictionmap::domain::model::Step) -> bool| map.steps.iter().filter(|s| f(s)).count() as f64 / n;
    assert!(share(&|s| s.approval_delay_hours == 0.0) > 0.6);
    assert!(share(&|s| s.approval_delay_hours > 0.0) > 0.1);
    assert!(share(&|s| s.rework_rate < 0.1) > 0.7);
    assert!(share(&|s| !s.low.is_empty() || !s.high.is_empty()) > 0.1);
    assert!(share(&|s| s.volume_per_month < 200.0) > 0.1 && share(&|s| s.volume_per_month > 2_000.0) > 0.05);
    // Mostly chains inside a lane, some hand-offs.
    let handoffs = map.edges.iter().filter(|e| map.is_handoff(e)).count() as f64 / map.edges.len() as f64;
    assert!((0.05..0.3).contains(&handoffs), "hand-off share {handoffs}");
    assert!(
        map.lanes
            .iter()
            .all(|l| l.name.starts_with("Lane ") && !l.owner.is_empty())
    );
}

#[test]
fn same_seed_same_map_other_seed_other_map() {
    let a = generate(&params(7, 700, 900, 1));
    assert_eq!(a, generate(&params(7, 700, 900, 1)));
    assert_eq!(to_json(&a), to_json(&generate(&params(7, 700, 900, 1))));
    let b = generate(&params(7, 700, 900, 2));
    assert_ne!(a.steps, b.steps);
    assert_ne!(a.edges, b.edges);
}

#[test]
fn edges_are_capped_at_what_is_possible() {
    let p = params(2, 6, 1_000, 5);
    assert_eq!(p.edges_written(), 30);
    let map = generate(&p);
    validate(&map).unwrap();
    check_shape(&map, 2, 6, 30);
}

#[test]
fn cli_writes_a_map_that_rank_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.json");
    Command::new(BIN)
        .args([
            "gen", "--lanes", "12", "--steps", "3000", "--edges", "3600", "--seed", "9", "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("12 lanes, 3000 steps, 3600 edges"));
    let map = read_map_file(&out).expect("the written file is a valid map");
    assert_eq!(map, generate(&params(12, 3000, 3600, 9)));
    Command::new(BIN)
        .arg("--db")
        .arg(dir.path().join("db.sqlite3"))
        .arg("rank")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Lane "));
}

#[test]
fn cli_warns_when_it_caps_the_edges() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("small.json");
    Command::new(BIN)
        .args(["gen", "--lanes", "2", "--steps", "4", "--edges", "50", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("writing 12"));
    assert_eq!(read_map_file(&out).unwrap().edges.len(), 12);
}

#[test]
fn cli_bad_arguments_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let cases: [(&[&str], &str); 5] = [
        (&["--lanes", "0", "--steps", "5"], "--lanes must be at least 1"),
        (&["--lanes", "5", "--steps", "3"], "fewer than --lanes"),
        (&["--lanes", "1", "--steps", "2000001"], "above the maximum 2000000"),
        (
            &["--lanes", "1", "--steps", "10", "--edges", "10000001"],
            "above the maximum",
        ),
        (&["--lanes", "x", "--steps", "10"], "invalid value"),
    ];
    for (args, message) in cases {
        Command::new(BIN)
            .arg("gen")
            .args(args)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{args:?} wrote nothing");
    }
}
