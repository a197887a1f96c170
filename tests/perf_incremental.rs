//! The shortcuts taken for speed give the same answers as the long way:
//! the document's incremental rescoring equals a full `rank`, and the diff
//! save (`Store::save_changes`) and autosave's snapshots of only the steps
//! updated in place leave the database holding exactly the map, whatever
//! sequence of edits, undos, redos and failed saves came before.

use frictionmap::app::autosave::{SaveState, Saver};
use frictionmap::document::edit::{Edit, MapMeta};
use frictionmap::document::{Document, Snapshot};
use frictionmap::domain::model::{Attr, Edge, Lane, Map, Step};
use frictionmap::domain::synth::{GenParams, generate};
use frictionmap::scoring::{rank, score_step};
use frictionmap::store::{MapId, SaveCache, SaveStats, Store};
use proptest::prelude::*;

fn small_map() -> Map {
    generate(&GenParams {
        lanes: 4,
        steps: 40,
        edges: 60,
        seed: 11,
    })
}

/// A valid edit of `map` chosen by `op` and `pick` (any numbers).
fn edit_for(map: &Map, op: u8, pick: usize, counter: &mut usize) -> Option<Edit> {
    let step = |k: usize| map.steps.get(k % map.steps.len().max(1)).cloned();
    let lane = |k: usize| map.lanes.get(k % map.lanes.len().max(1)).cloned();
    Some(match op % 11 {
        0 => {
            let mut s = step(pick)?;
            s.volume_per_month += 1.0 + (pick % 7) as f64;
            s.high.set(
                Attr::HandleMinutes,
                pick.is_multiple_of(2).then_some(s.handle_minutes + 3.0),
            );
            Edit::UpdateSteps(vec![s])
        }
        1 => {
            let mut s = step(pick)?;
            s.lane = lane(pick / 3 + 1)?.id.into();
            s.x += 20.0;
            s.name = format!("Moved {pick}");
            Edit::UpdateSteps(vec![s])
        }
        2 => Edit::RemoveSteps {
            step_ids: vec![step(pick)?.id, step(pick / 2 + 5)?.id],
        },
        3 => {
            *counter += 1;
            let mut s = Step::new(format!("new{counter}"), lane(pick)?.id, format!("New {counter}"));
            s.volume_per_month = 100.0 + pick as f64;
            s.handle_minutes = 4.0;
            let index = pick % (map.steps.len() + 1);
            let edges = match step(pick / 7) {
                Some(other) => vec![(
                    map.edges.len(),
                    Edge {
                        from: s.id.clone(),
                        to: other.id,
                    },
                )],
                None => Vec::new(),
            };
            Edit::InsertSteps {
                steps: vec![(index, s)],
                edges,
            }
        }
        4 => {
            let edge = Edge {
                from: step(pick)?.id,
                to: step(pick / 5 + 1)?.id,
            };
            if edge.from == edge.to || map.edges.contains(&edge) {
                return None;
            }
            Edit::AddEdges(vec![edge])
        }
        5 => Edit::RemoveEdges(vec![map.edges.get(pick % map.edges.len().max(1))?.clone()]),
        6 if map.lanes.len() > 1 => Edit::RemoveLane {
            lane_id: lane(pick)?.id,
        },
        7 => Edit::MoveLane {
            lane_id: lane(pick)?.id,
            to_index: pick / 3 % map.lanes.len().max(1),
        },
        8 => {
            let mut l = lane(pick)?;
            l.owner = format!("Owner {pick}");
            Edit::UpdateLane(l)
        }
        9 => {
            let mut meta = MapMeta::of(map);
            meta.rates.hourly_cost += 1.0;
            meta.notes = format!("notes {pick}");
            Edit::SetMeta(meta)
        }
        _ => {
            *counter += 1;
            let l = Lane::new(format!("lane-new{counter}"), format!("New lane {counter}"));
            Edit::Batch(vec![
                Edit::InsertLane(Box::new(frictionmap::document::edit::RemovedLane {
                    index: pick % (map.lanes.len() + 1),
                    lane: l.clone(),
                    steps: Vec::new(),
                    edges: Vec::new(),
                    picks: Vec::new(),
                })),
                Edit::UpdateSteps(vec![{
                    let mut s = step(pick)?;
                    s.lane = l.id.into();
                    s
                }]),
            ])
        }
    })
}

fn check_scores(doc: &Document) -> Result<(), TestCaseError> {
    prop_assert_eq!(doc.ranking(), &rank(doc.map()));
    let full: Vec<_> = doc
        .map()
        .steps
        .iter()
        .map(|s| score_step(s, &doc.map().rates))
        .collect();
    prop_assert_eq!(doc.step_scores(), full.as_slice());
    let max = full.iter().map(|s| s.point.friction()).fold(0.0, f64::max);
    prop_assert_eq!(doc.max_step_friction(), max);
    for (i, s) in doc.map().steps.iter().enumerate() {
        prop_assert_eq!(doc.step_index(&s.id), Some(i));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Edits, undos and redos in any order: after each, the document's
    /// cached scores equal a full rescoring, and after every diff save the
    /// database holds exactly the document's map.
    #[test]
    fn incremental_scores_and_diff_saves_match_the_long_way(
        ops in proptest::collection::vec((0u8..14, 0usize..10_000, any::<bool>()), 1..40)
    ) {
        let mut store = Store::open_in_memory().unwrap();
        let id = store.create(&small_map()).unwrap();
        let mut doc = Document::new(id, store.load(id).unwrap());
        let mut cache = SaveCache::default();
        let mut counter = 0;
        for (op, pick, save) in ops {
            match op {
                11 => { doc.undo(); }
                12 => { doc.redo(); }
                13 => {
                    // A whole-map save on the same connection: the next diff
                    // save must not trust what it remembers.
                    let mut other = doc.map().clone();
                    other.notes = format!("whole save {pick}");
                    store.save(id, &other).unwrap();
                }
                _ => {
                    if let Some(edit) = edit_for(doc.map(), op, pick, &mut counter) {
                        let _ = doc.apply(edit, None);
                    }
                }
            }
            check_scores(&doc)?;
            if save {
                store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
                prop_assert_eq!(&store.load(id).unwrap(), doc.map());
            }
        }
        store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
        prop_assert_eq!(&store.load(id).unwrap(), doc.map());
    }
}

/// Puts a document's snapshot into a save cache, as the save thread does.
fn put(cache: &mut SaveCache, id: MapId, snapshot: Snapshot) {
    match snapshot {
        Snapshot::Whole(map) => cache.put(id, *map),
        Snapshot::Steps(steps) => cache.put_steps(id, steps).unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Autosave's path: the document's snapshots, mostly of steps updated
    /// in place, put into a save cache and saved, with failed saves (a
    /// read-only connection) and whole saves outside the cache in between.
    /// After every save that succeeds, the database holds exactly what a
    /// whole save of the document's map stores.
    #[test]
    fn snapshot_saves_store_what_a_whole_save_stores(
        ops in proptest::collection::vec((0u8..20, 0usize..10_000, any::<bool>()), 1..60)
    ) {
        let mut store = Store::open_in_memory().unwrap();
        let id = store.create(&small_map()).unwrap();
        let mut whole = Store::open_in_memory().unwrap();
        let whole_id = whole.create(&small_map()).unwrap();
        let mut doc = Document::new(id, store.load(id).unwrap());
        let mut cache = SaveCache::default();
        let mut read_only = false;
        let mut counter = 0;
        for (op, pick, save) in ops {
            match op {
                11 => { doc.undo(); }
                12 => { doc.redo(); }
                13 if !read_only => {
                    let mut other = doc.map().clone();
                    other.notes = format!("whole save {pick}");
                    store.save(id, &other).unwrap();
                }
                14 => {
                    read_only = !read_only;
                    store.connection().pragma_update(None, "query_only", read_only).unwrap();
                }
                _ => {
                    // Most edits only update steps in place, as in real use.
                    if let Some(edit) = edit_for(doc.map(), if op > 14 { op % 2 } else { op }, pick, &mut counter) {
                        let _ = doc.apply(edit, None);
                    }
                }
            }
            if save {
                put(&mut cache, id, doc.take_snapshot());
                let saved = store.save_cached(&mut cache, id);
                prop_assert_eq!(saved.is_ok(), !read_only, "{:?}", saved);
                if !read_only {
                    whole.save(whole_id, doc.map()).unwrap();
                    prop_assert_eq!(store.load(id).unwrap(), whole.load(whole_id).unwrap());
                    prop_assert_eq!(&store.load(id).unwrap(), doc.map());
                }
            }
        }
        store.connection().pragma_update(None, "query_only", false).unwrap();
        put(&mut cache, id, doc.take_snapshot());
        store.save_cached(&mut cache, id).unwrap();
        prop_assert_eq!(&store.load(id).unwrap(), doc.map());
    }
}

/// An edit that only updates a step in place sends that step alone, and
/// saving it writes the map row and that step's row; anything else sends
/// the whole map again.
#[test]
fn an_in_place_edit_sends_and_saves_only_its_step() {
    let mut store = Store::open_in_memory().unwrap();
    let id = store.create(&small_map()).unwrap();
    let mut doc = Document::new(id, store.load(id).unwrap());
    let mut cache = SaveCache::default();
    let first = doc.take_snapshot();
    assert!(matches!(first, Snapshot::Whole(_)), "nothing was sent yet");
    put(&mut cache, id, first);
    assert_eq!(
        store.save_cached(&mut cache, id).unwrap(),
        SaveStats { written: 1, deleted: 0 }
    );

    let mut step = doc.map().steps[7].clone();
    step.handle_minutes += 1.0;
    doc.apply(Edit::UpdateSteps(vec![step.clone()]), None).unwrap();
    assert!(doc.undo() && doc.redo());
    let snapshot = doc.take_snapshot();
    assert_eq!(snapshot, Snapshot::Steps(vec![(7, step)]));
    put(&mut cache, id, snapshot);
    assert_eq!(
        store.save_cached(&mut cache, id).unwrap(),
        SaveStats { written: 2, deleted: 0 }
    );
    assert_eq!(&store.load(id).unwrap(), doc.map());

    let removed = doc.map().steps[3].id.clone();
    doc.apply(
        Edit::RemoveSteps {
            step_ids: vec![removed],
        },
        None,
    )
    .unwrap();
    assert!(matches!(doc.take_snapshot(), Snapshot::Whole(_)));
}

/// Steps that do not fit the cached map (a bug in the sender) are refused,
/// and the cache forgets the map, so no later save can store a map that
/// lacks an edit; the whole map brings it back.
#[test]
fn steps_that_do_not_fit_the_cached_map_are_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let id = store.create(&small_map()).unwrap();
    let map = store.load(id).unwrap();
    let mut cache = SaveCache::default();
    assert!(cache.put_steps(id, Vec::new()).is_err(), "nothing cached yet");
    cache.put(id, map.clone());
    let wrong = map.steps[4].clone();
    assert!(cache.put_steps(id, vec![(5, wrong)]).is_err());
    assert!(cache.put_steps(id, Vec::new()).is_err(), "the map is forgotten");
    assert!(store.save_cached(&mut cache, id).is_err());
    cache.put(id, map.clone());
    store.save_cached(&mut cache, id).unwrap();
    assert_eq!(store.load(id).unwrap(), map);
}

/// A step updated in place into a lane the map does not have is refused
/// before anything is written: the database leaves that check to the save.
#[test]
fn a_step_moved_in_place_to_a_missing_lane_is_refused() {
    let mut store = Store::open_in_memory().unwrap();
    let id = store.create(&small_map()).unwrap();
    let map = store.load(id).unwrap();
    let mut cache = SaveCache::default();
    cache.put(id, map.clone());
    store.save_cached(&mut cache, id).unwrap();
    let mut moved = map.steps[4].clone();
    moved.lane = "nowhere".into();
    cache.put_steps(id, vec![(4, moved.clone())]).unwrap();
    let error = store.save_cached(&mut cache, id).unwrap_err().to_string();
    assert_eq!(
        error,
        format!(
            r#"the step "{}" points at lane "nowhere", which the map does not have"#,
            moved.id
        )
    );
    assert_eq!(store.load(id).unwrap(), map);
}

/// The save thread merges queued snapshots, whole and steps-only, into one
/// save of the newest revision, and a failed save (the database locked by
/// another program) loses nothing: the next snapshot of only a step stores
/// every edit.
#[test]
fn the_save_thread_stores_every_snapshot_even_after_a_failed_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("thread.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let id = store.create(&small_map()).unwrap();
    let mut doc = Document::new(id, store.load(id).unwrap());
    let saver = Saver::start(path.clone(), || {});
    let edit_step = |doc: &mut Document, k: usize| {
        let mut step = doc.map().steps[k].clone();
        step.volume_per_month += 3.0;
        doc.apply(Edit::UpdateSteps(vec![step]), None).unwrap();
    };
    for k in 0..5 {
        edit_step(&mut doc, k);
        saver.save(id, doc.revision(), doc.take_snapshot());
    }
    doc.apply(
        Edit::RemoveSteps {
            step_ids: vec![doc.map().steps[9].id.clone()],
        },
        None,
    )
    .unwrap();
    saver.save(id, doc.revision(), doc.take_snapshot());
    edit_step(&mut doc, 2);
    saver.save(id, doc.revision(), doc.take_snapshot());
    saver.flush();
    assert_eq!(saver.status().state, SaveState::Saved);
    assert_eq!(saver.status().saved_revision(id), Some(doc.revision()));
    assert_eq!(&store.load(id).unwrap(), doc.map());

    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    edit_step(&mut doc, 11);
    saver.save(id, doc.revision(), doc.take_snapshot());
    saver.flush();
    assert!(matches!(saver.status().state, SaveState::Failed(_)));
    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);

    edit_step(&mut doc, 12);
    let snapshot = doc.take_snapshot();
    assert!(matches!(snapshot, Snapshot::Steps(_)));
    saver.save(id, doc.revision(), snapshot);
    saver.flush();
    assert_eq!(saver.status().state, SaveState::Saved);
    assert_eq!(
        &store.load(id).unwrap(),
        doc.map(),
        "the edit whose save failed is stored too"
    );
}

/// Reads map `id`'s notes from the database file alone, ignoring its
/// write-ahead log: what a checkpoint has copied into the file.
fn notes_in_the_file(path: &std::path::Path, id: MapId) -> Option<String> {
    use rusqlite::{Connection, OpenFlags};
    let uri = format!("file:{}?immutable=1", path.display());
    let conn = Connection::open_with_flags(uri, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI).ok()?;
    conn.query_row("SELECT notes FROM maps WHERE id = ?1", [id.0], |r| r.get(0))
        .ok()
}

/// Saves go into SQLite's write-ahead log; when no save has come for a
/// moment, the save thread copies the log into the database file, so that
/// copy is not part of any save.
#[test]
fn the_save_thread_checkpoints_when_it_falls_idle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idle.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let id = store.create(&small_map()).unwrap();
    let mut doc = Document::new(id, store.load(id).unwrap());
    let saver = Saver::start(path.clone(), || {});
    let mut meta = MapMeta::of(doc.map());
    meta.notes = "checkpointed".into();
    doc.apply(Edit::SetMeta(meta), None).unwrap();
    saver.save(id, doc.revision(), doc.take_snapshot());
    saver.flush();
    let saved = std::time::Instant::now();
    assert_eq!(store.load(id).unwrap().notes, "checkpointed");
    let in_the_file = notes_in_the_file(&path, id);
    // Looked at well within the 2 s of idling, the file must not have the
    // save yet; a machine too busy to look in time proves nothing here.
    if saved.elapsed() < std::time::Duration::from_secs(1) {
        assert_eq!(in_the_file, None, "the save itself only wrote the log");
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while notes_in_the_file(&path, id).as_deref() != Some("checkpointed") {
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint within 20 s of idling"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A save that fails stays reported as failed when a flush comes on its
/// own afterwards: the flush says nothing about how saving goes.
#[test]
fn a_flush_after_a_failed_save_keeps_the_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("flush.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let id = store.create(&small_map()).unwrap();
    let mut doc = Document::new(id, store.load(id).unwrap());
    let saver = Saver::start(path.clone(), || {});
    let blocker = rusqlite::Connection::open(&path).unwrap();
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let mut step = doc.map().steps[0].clone();
    step.volume_per_month += 1.0;
    doc.apply(Edit::UpdateSteps(vec![step]), None).unwrap();
    saver.save(id, doc.revision(), doc.take_snapshot());
    // Let the thread take the save (it then waits on the lock for seconds),
    // so the flush arrives in a batch of its own.
    std::thread::sleep(std::time::Duration::from_millis(500));
    saver.flush();
    assert!(
        matches!(saver.status().state, SaveState::Failed(_)),
        "{:?}",
        saver.status().state
    );
    blocker.execute_batch("ROLLBACK").unwrap();
}

/// One changed value writes the map row and that step's row, nothing else;
/// a removed step is one delete and no renumbering; putting it back (undo)
/// is one write into the gap it left.
#[test]
fn a_diff_save_writes_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diff.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let map = generate(&GenParams {
        lanes: 5,
        steps: 500,
        edges: 600,
        seed: 3,
    });
    let id = store.create(&map).unwrap();
    let mut doc = Document::new(id, map);
    let mut cache = SaveCache::default();
    let stats = store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
    assert_eq!(stats, SaveStats { written: 1, deleted: 0 }, "nothing changed yet");

    let mut step = doc.map().steps[250].clone();
    step.rework_rate = 0.3;
    doc.apply(Edit::UpdateSteps(vec![step]), None).unwrap();
    let stats = store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
    assert_eq!(stats, SaveStats { written: 2, deleted: 0 });

    let removed = doc.map().steps[3].id.clone();
    let edges_of_removed = doc
        .map()
        .edges
        .iter()
        .filter(|e| e.from == removed || e.to == removed)
        .count();
    doc.apply(
        Edit::RemoveSteps {
            step_ids: vec![removed],
        },
        None,
    )
    .unwrap();
    let stats = store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
    assert_eq!(stats.written, 1, "no step after the removed one is renumbered");
    assert_eq!(stats.deleted, 1 + edges_of_removed);

    assert!(doc.undo());
    let stats = store.save_changes(&mut cache, id, doc.map().clone()).unwrap();
    assert_eq!(
        stats.written,
        1 + 1 + edges_of_removed,
        "the step and its edges go back into their gaps"
    );
    assert_eq!(stats.deleted, 0);
    assert_eq!(&store.load(id).unwrap(), doc.map());
}

/// Another connection changing the map between two diff saves (another
/// window, the command line) is noticed: the diff is made against what is
/// really stored, so nothing of either change is lost or left behind.
#[test]
fn a_diff_save_notices_writes_from_another_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two.sqlite3");
    let mut store = Store::open(&path).unwrap();
    let map = small_map();
    let id = store.create(&map).unwrap();
    let mut cache = SaveCache::default();
    store.save_changes(&mut cache, id, map.clone()).unwrap();

    let mut other = Store::open(&path).unwrap();
    let mut elsewhere = map.clone();
    elsewhere.steps.truncate(10);
    elsewhere
        .edges
        .retain(|e| elsewhere.steps.iter().any(|s| s.id == e.from) && elsewhere.steps.iter().any(|s| s.id == e.to));
    other.save(id, &elsewhere).unwrap();

    let mut mine = map.clone();
    mine.steps.get_mut(0).unwrap().volume_per_month += 5.0;
    let stats = store.save_changes(&mut cache, id, mine.clone()).unwrap();
    assert!(
        stats.written > 30,
        "the steps the other connection dropped are written back: {stats:?}"
    );
    assert_eq!(store.load(id).unwrap(), mine);
    drop(other);

    // A map deleted elsewhere is an error, not a silent success.
    let mut other = Store::open(&path).unwrap();
    other.delete(id).unwrap();
    assert!(store.save_changes(&mut cache, MapId(id.0), mine).is_err());
}
