//! The sample maps shipped in sample_maps/ and built into the binary.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use frictionmap::domain::model::{Edge, Map};
use frictionmap::domain::validate::validate;
use frictionmap::formats::mapfile::{parse_map, read_map_file};
use frictionmap::formats::samples::{SAMPLES, sample_maps};
use frictionmap::scoring::rank;
use frictionmap::store::Store;
use frictionmap::store::seed::seed_if_empty;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample_maps")
}

/// The sample files on disk, by file name.
fn files_on_disk() -> BTreeSet<String> {
    std::fs::read_dir(dir())
        .expect("sample_maps folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect()
}

#[test]
fn every_sample_file_is_built_in_and_identical() {
    let built_in: BTreeSet<String> = SAMPLES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(built_in, files_on_disk());
    assert_eq!(built_in.len(), SAMPLES.len(), "no sample is listed twice");
    for (name, text) in SAMPLES {
        let on_disk = std::fs::read_to_string(dir().join(name)).expect("sample file");
        assert_eq!(*text, on_disk, "{name}");
    }
}

#[test]
fn every_sample_parses_and_validates() {
    for name in files_on_disk() {
        let map = read_map_file(&dir().join(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(validate(&map), Ok(()), "{name}");
    }
    let maps = sample_maps().expect("built-in samples parse");
    assert_eq!(maps.len(), SAMPLES.len());
    for ((name, text), map) in SAMPLES.iter().zip(&maps) {
        assert_eq!(&parse_map(text.as_bytes(), name).expect("parse"), map);
    }
}

#[test]
fn every_sample_has_3_to_6_lanes_of_4_to_12_steps_and_notes() {
    for (name, map) in SAMPLES.iter().map(|(n, _)| n).zip(sample_maps().expect("samples")) {
        assert!((3..=6).contains(&map.lanes.len()), "{name}: {} lanes", map.lanes.len());
        for lane in &map.lanes {
            let steps = map.steps.iter().filter(|s| s.lane == lane.id).count();
            assert!((4..=12).contains(&steps), "{name}: lane {} has {steps} steps", lane.id);
        }
        assert!(
            !map.notes.trim().is_empty(),
            "{name}: the map needs notes on its assumptions"
        );
    }
}

#[test]
fn sample_names_are_distinct() {
    let maps = sample_maps().expect("samples");
    let names: BTreeSet<&str> = maps.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), maps.len());
}

/// Each sample shows a real ranking: every lane costs something, every
/// step is joined to the flow, and each sample has an expected CSV.
#[test]
fn every_sample_is_a_useful_demo() {
    let expected = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/expected");
    for ((file, _), map) in SAMPLES.iter().zip(sample_maps().expect("samples")) {
        let stem = file.trim_end_matches(".json");
        assert!(
            expected.join(format!("{stem}.csv")).is_file(),
            "{stem}: no expected CSV"
        );
        let ranking = rank(&map);
        assert!(ranking.total_friction > 0.0, "{stem}");
        for lane in &ranking.lanes {
            assert!(
                lane.monthly_friction > 0.0 && lane.top_driver.is_some(),
                "{stem}: lane {}",
                lane.lane_id
            );
        }
        let mut degree: HashMap<&str, usize> = HashMap::new();
        for Edge { from, to } in &map.edges {
            *degree.entry(from.as_str()).or_default() += 1;
            *degree.entry(to.as_str()).or_default() += 1;
        }
        for step in &map.steps {
            assert!(
                degree.contains_key(step.id.as_str()),
                "{stem}: step {} has no edge",
                step.id
            );
        }
    }
}

#[test]
fn seed_if_empty_loads_every_sample_into_an_empty_store() {
    let mut store = Store::open_in_memory().expect("store");
    assert_eq!(seed_if_empty(&mut store).expect("seed"), SAMPLES.len());
    let maps = sample_maps().expect("samples");
    let list = store.list().expect("list");
    assert_eq!(list.len(), maps.len());
    for map in &maps {
        let id = store.find_by_name(&map.name).expect("seeded map by name");
        assert_eq!(&store.load(id).expect("load"), map);
        let summary = list.iter().find(|s| s.id == id).expect("listed");
        assert_eq!((summary.lanes, summary.steps), (map.lanes.len(), map.steps.len()));
    }
    // A second call finds maps and adds nothing.
    assert_eq!(seed_if_empty(&mut store).expect("seed again"), 0);
    assert_eq!(store.list().expect("list").len(), maps.len());
}

#[test]
fn seed_if_empty_does_nothing_on_a_non_empty_store() {
    let mut store = Store::open_in_memory().expect("store");
    let mut own = Map::new("My own map");
    own.lanes.push(frictionmap::domain::model::Lane::new("l", "Lane"));
    let id = store.create(&own).expect("create");
    assert_eq!(seed_if_empty(&mut store).expect("seed"), 0);
    let list = store.list().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, id);
    assert_eq!(store.load(id).expect("load"), own);
}

#[test]
fn seed_if_empty_does_not_restore_deleted_samples_while_others_remain() {
    let mut store = Store::open_in_memory().expect("store");
    seed_if_empty(&mut store).expect("seed");
    let first = store.list().expect("list")[0].id;
    store.delete(first).expect("delete");
    assert_eq!(seed_if_empty(&mut store).expect("seed"), 0);
    assert_eq!(store.list().expect("list").len(), SAMPLES.len() - 1);
}
