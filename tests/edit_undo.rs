//! Edits, their inverses, and undo/redo through `Document`.

use std::collections::HashSet;

use frictionmap::document::Document;
use frictionmap::document::edit::{Edit, EditError, MapMeta, RemovedLane, apply};
use frictionmap::domain::model::{Attr, Edge, Estimates, Lane, Map, Rates, Step};
use frictionmap::formats::samples::sample_maps;
use frictionmap::scoring::rank;
use frictionmap::store::MapId;
use proptest::prelude::*;
use proptest::sample::Index;

/// The accounts-payable sample: 4 lanes, 22 steps, 25 edges.
fn base() -> Map {
    sample_maps().expect("samples").swap_remove(0)
}

fn edge(from: &str, to: &str) -> Edge {
    Edge {
        from: from.into(),
        to: to.into(),
    }
}

fn new_step(id: &str, lane: &str) -> Step {
    let mut s = Step::new(id, lane, format!("Step {id}"));
    s.volume_per_month = 120.0;
    s.handle_minutes = 7.5;
    s.rework_rate = 0.1;
    s.approval_delay_hours = 3.0;
    s.x = 900.0;
    s.y = 152.0;
    s
}

/// A table of valid edits on `base()`, each with a name for messages.
fn edit_table(m: &Map) -> Vec<(&'static str, Edit)> {
    let id = |i: usize| m.steps[i].id.clone();
    let lane = |i: usize| m.lanes[i].id.clone();
    let mut renamed_lane = m.lanes[2].clone();
    renamed_lane.name = "Supplier queries (renamed)".into();
    renamed_lane.owner = String::new();
    renamed_lane.notes = "new notes\nwith two lines".into();
    let mut changed_a = m.steps[4].clone();
    changed_a.volume_per_month *= 2.0;
    changed_a.low = Estimates::of(Attr::HandleMinutes, 0.0);
    changed_a.high = Estimates::of(Attr::ApprovalDelayHours, changed_a.approval_delay_hours + 1.0);
    changed_a.x += 220.0;
    let mut changed_b = m.steps[15].clone();
    changed_b.lane = lane(0).into();
    changed_b.name = "Moved to the first lane".into();
    changed_b.set_value(Attr::ReworkRate, 0.5);
    changed_b.low.set(Attr::ReworkRate, None);
    changed_b.high.set(Attr::ReworkRate, None);
    vec![
        (
            "set meta",
            Edit::SetMeta(MapMeta {
                name: "Renamed map".into(),
                currency: "EUR".into(),
                notes: String::new(),
                rates: Rates {
                    hourly_cost: 80.0,
                    delay_cost_per_hour: 0.0,
                    hours_per_fte_month: 160.0,
                },
                simulation: frictionmap::domain::model::Simulation { draws: 500, seed: 9 },
            }),
        ),
        (
            "insert lane with steps and edges",
            Edit::InsertLane(Box::new(RemovedLane {
                index: 1,
                lane: Lane::new("new-lane", "New lane"),
                steps: vec![(3, new_step("n1", "new-lane")), (10, new_step("n2", "new-lane"))],
                edges: vec![(0, edge("n1", &id(0))), (5, edge(&id(2), "n2")), (27, edge("n1", "n2"))],
                picks: Vec::new(),
            })),
        ),
        (
            "insert empty lane at the end",
            Edit::InsertLane(Box::new(RemovedLane {
                index: m.lanes.len(),
                lane: Lane::new("empty", "Empty"),
                steps: Vec::new(),
                edges: Vec::new(),
                picks: Vec::new(),
            })),
        ),
        ("remove the first lane", Edit::RemoveLane { lane_id: lane(0) }),
        ("remove a middle lane", Edit::RemoveLane { lane_id: lane(1) }),
        (
            "remove the last lane",
            Edit::RemoveLane {
                lane_id: lane(m.lanes.len() - 1),
            },
        ),
        (
            "move lane down",
            Edit::MoveLane {
                lane_id: lane(0),
                to_index: 2,
            },
        ),
        (
            "move lane to the top",
            Edit::MoveLane {
                lane_id: lane(3),
                to_index: 0,
            },
        ),
        (
            "move lane past the end",
            Edit::MoveLane {
                lane_id: lane(1),
                to_index: 99,
            },
        ),
        ("update lane", Edit::UpdateLane(renamed_lane)),
        (
            "insert steps with edges",
            Edit::InsertSteps {
                steps: vec![(0, new_step("x1", &lane(1))), (12, new_step("x2", &lane(3)))],
                edges: vec![(1, edge("x1", "x2")), (3, edge(&id(5), "x1")), (26, edge("x2", &id(0)))],
            },
        ),
        (
            "insert a step at the end",
            Edit::InsertSteps {
                steps: vec![(22, new_step("x3", &lane(2)))],
                edges: Vec::new(),
            },
        ),
        (
            "remove steps",
            Edit::RemoveSteps {
                step_ids: vec![id(9), id(1), id(21)],
            },
        ),
        ("remove one step", Edit::RemoveSteps { step_ids: vec![id(0)] }),
        ("update steps", Edit::UpdateSteps(vec![changed_a, changed_b])),
        (
            "batch",
            Edit::Batch(vec![
                Edit::InsertSteps {
                    steps: vec![(5, new_step("b1", &lane(2)))],
                    edges: Vec::new(),
                },
                Edit::AddEdges(vec![edge("b1", &id(0)), edge(&id(7), "b1")]),
                Edit::RemoveSteps { step_ids: vec![id(7)] },
                Edit::MoveLane {
                    lane_id: lane(2),
                    to_index: 0,
                },
                Edit::RemoveLane { lane_id: lane(3) },
            ]),
        ),
        (
            "batch of one",
            Edit::Batch(vec![Edit::UpdateLane(Lane::new(lane(0), "Only lane renamed"))]),
        ),
    ]
}

/// Edits that add or remove edges between existing steps.
fn edge_edit_table(m: &Map) -> Vec<(&'static str, Edit)> {
    let id = |i: usize| m.steps[i].id.clone();
    let missing_edge = |from: usize, to: usize| {
        let e = edge(&id(from), &id(to));
        assert!(!m.edges.contains(&e), "{e:?} is already in the sample");
        e
    };
    vec![
        (
            "add edges",
            Edit::AddEdges(vec![missing_edge(21, 0), missing_edge(3, 17)]),
        ),
        (
            "remove edges",
            Edit::RemoveEdges(vec![m.edges[17].clone(), m.edges[0].clone(), m.edges[3].clone()]),
        ),
        (
            "batch removing an edge",
            Edit::Batch(vec![Edit::RemoveEdges(vec![m.edges[4].clone()])]),
        ),
    ]
}

/// Applies `edit`, checks it changed the map, then that its inverse restores
/// the original exactly and that redoing gives the edited map again.
fn check_round_trip(name: &str, original: &Map, edit: Edit) -> Map {
    let mut map = original.clone();
    let inverse = apply(&mut map, edit).unwrap_or_else(|e| panic!("{name}: {e}"));
    let edited = map.clone();
    assert_ne!(&edited, original, "{name}: the edit changed nothing");
    let redo = apply(&mut map, inverse).unwrap_or_else(|e| panic!("{name}: undo failed: {e}"));
    assert_eq!(&map, original, "{name}: undo did not restore the map");
    let again = apply(&mut map, redo).unwrap_or_else(|e| panic!("{name}: redo failed: {e}"));
    assert_eq!(map, edited, "{name}: redo did not restore the edited map");
    apply(&mut map, again).unwrap_or_else(|e| panic!("{name}: second undo failed: {e}"));
    assert_eq!(&map, original, "{name}: second undo did not restore the map");
    edited
}

#[test]
fn every_edit_in_the_table_is_undone_exactly() {
    let original = base();
    for (name, edit) in edit_table(&original) {
        let edited = check_round_trip(name, &original, edit);
        // Valid edits keep a valid map.
        assert_eq!(frictionmap::domain::validate::validate(&edited), Ok(()), "{name}");
    }
}

#[test]
fn every_edit_in_the_table_is_undone_exactly_by_the_document() {
    let original = base();
    for (name, edit) in edit_table(&original) {
        let mut doc = Document::new(MapId(1), original.clone());
        assert!(!doc.can_undo() && !doc.can_redo());
        doc.apply(edit, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let edited = doc.map().clone();
        assert_eq!(
            doc.ranking(),
            &rank(&edited),
            "{name}: the cached ranking follows the map"
        );
        assert!(doc.can_undo() && !doc.can_redo());
        assert!(doc.undo(), "{name}");
        assert_eq!(doc.map(), &original, "{name}: undo");
        assert_eq!(
            doc.ranking(),
            &rank(&original),
            "{name}: the cached ranking follows undo"
        );
        assert_eq!(doc.step_scores().len(), original.steps.len());
        assert!(!doc.can_undo() && doc.can_redo());
        assert!(!doc.undo(), "{name}: nothing more to undo");
        assert!(doc.redo(), "{name}");
        assert_eq!(doc.map(), &edited, "{name}: redo");
        assert!(!doc.redo(), "{name}: nothing more to redo");
        assert!(doc.undo());
        assert_eq!(doc.map(), &original, "{name}: undo after redo");
    }
}

#[test]
fn all_table_edits_in_sequence_undo_back_to_the_start() {
    // Each edit applied on top of the last (skipping any that no longer fit),
    // then undone one by one, passing through every intermediate state.
    let original = base();
    let mut doc = Document::new(MapId(7), original.clone());
    let mut states = vec![original.clone()];
    for (name, edit) in edit_table(&original) {
        let before = doc.map().clone();
        match doc.apply(edit, None) {
            Ok(()) => states.push(doc.map().clone()),
            Err(_) => assert_eq!(doc.map(), &before, "{name}: a refused edit changed the map"),
        }
    }
    assert!(states.len() > 5, "most edits should still apply");
    let last = states.pop().expect("states");
    let mut redo_states = vec![last];
    while let Some(expected) = states.pop() {
        assert!(doc.undo());
        assert_eq!(doc.map(), &expected);
        redo_states.push(expected);
    }
    assert!(!doc.undo());
    redo_states.pop();
    while let Some(expected) = redo_states.pop() {
        assert!(doc.redo());
        assert_eq!(doc.map(), &expected);
    }
    assert!(!doc.redo());
}

#[test]
fn removing_a_lane_removes_its_steps_and_edges_and_undo_puts_them_back() {
    let original = base();
    let lane_id = original.lanes[1].id.clone();
    let gone: HashSet<String> = original
        .steps
        .iter()
        .filter(|s| s.lane == lane_id)
        .map(|s| s.id.clone())
        .collect();
    assert!(gone.len() >= 4);
    let touching = original
        .edges
        .iter()
        .filter(|e| gone.contains(&e.from) || gone.contains(&e.to))
        .count();
    assert!(touching > 0, "the sample lane has edges");

    let mut doc = Document::new(MapId(1), original.clone());
    doc.apply(
        Edit::RemoveLane {
            lane_id: lane_id.clone(),
        },
        None,
    )
    .expect("remove lane");
    let map = doc.map();
    assert!(map.lane(&lane_id).is_none());
    assert_eq!(map.lanes.len(), original.lanes.len() - 1);
    assert!(map.steps.iter().all(|s| s.lane != lane_id && !gone.contains(&s.id)));
    assert!(
        map.edges
            .iter()
            .all(|e| !gone.contains(&e.from) && !gone.contains(&e.to))
    );
    assert_eq!(map.edges.len(), original.edges.len() - touching);
    // Everything else keeps its order.
    let kept_steps: Vec<&Step> = original.steps.iter().filter(|s| !gone.contains(&s.id)).collect();
    assert_eq!(map.steps.iter().collect::<Vec<_>>(), kept_steps);
    assert_eq!(frictionmap::domain::validate::validate(map), Ok(()));
    assert!(doc.ranking().lane(&lane_id).is_none());

    assert!(doc.undo());
    assert_eq!(
        doc.map(),
        &original,
        "undo puts the lane, its steps and edges back in place"
    );
}

#[test]
fn edge_edits_are_undone_once() {
    let original = base();
    for (name, edit) in edge_edit_table(&original) {
        let mut map = original.clone();
        let inverse = apply(&mut map, edit).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_ne!(map, original, "{name}: the edit changed nothing");
        assert_eq!(frictionmap::domain::validate::validate(&map), Ok(()), "{name}");
        apply(&mut map, inverse).unwrap_or_else(|e| panic!("{name}: undo failed: {e}"));
        assert_eq!(map, original, "{name}: undo did not restore the map");
    }
}

#[test]
fn edge_edits_undo_redo_and_undo_again_exactly() {
    let original = base();
    for (name, edit) in edge_edit_table(&original) {
        check_round_trip(name, &original, edit);
    }
}

#[test]
fn undo_of_insert_steps_removes_the_edges_it_added() {
    let original = base();
    let new = edge(&original.steps[0].id, &original.steps[21].id);
    assert!(!original.edges.contains(&new));
    let mut map = original.clone();
    let inverse = apply(
        &mut map,
        Edit::InsertSteps {
            steps: Vec::new(),
            edges: vec![(2, new.clone())],
        },
    )
    .expect("insert");
    assert_eq!(map.edges[2], new);
    apply(&mut map, inverse).expect("undo");
    assert_eq!(map, original);
}

#[test]
fn redo_of_removing_an_edge_removes_it_again() {
    let original = base();
    let gone = original.edges[0].clone();
    let mut doc = Document::new(MapId(1), original.clone());
    doc.apply(Edit::RemoveEdges(vec![gone.clone()]), None)
        .expect("remove edge");
    let edited = doc.map().clone();
    assert!(!edited.edges.contains(&gone));
    assert!(doc.undo());
    assert_eq!(doc.map(), &original);
    assert!(doc.redo());
    assert!(!doc.map().edges.contains(&gone), "redo must remove the edge again");
    assert_eq!(doc.map(), &edited);
}

#[test]
fn undo_after_redo_of_adding_an_edge_removes_it() {
    let original = base();
    let new = edge(&original.steps[21].id, &original.steps[0].id);
    assert!(!original.edges.contains(&new));
    let mut doc = Document::new(MapId(1), original.clone());
    doc.apply(Edit::AddEdges(vec![new.clone()]), None).expect("add edge");
    assert!(doc.undo());
    assert!(doc.redo());
    assert!(doc.map().edges.contains(&new));
    assert!(doc.undo());
    assert!(!doc.map().edges.contains(&new), "the second undo must remove the edge");
    assert_eq!(doc.map(), &original);
}

// ------------------------------------------------------------ invalid edits

fn invalid_edits(m: &Map) -> Vec<(&'static str, Edit, EditError)> {
    let id = |i: usize| m.steps[i].id.clone();
    let lane = |i: usize| m.lanes[i].id.clone();
    let existing = m.edges[0].clone();
    let mut ghost_step = m.steps[0].clone();
    ghost_step.id = "ghost".into();
    let mut step_in_ghost_lane = m.steps[0].clone();
    step_in_ghost_lane.lane = "ghost-lane".into();
    vec![
        (
            "remove unknown lane",
            Edit::RemoveLane { lane_id: "nope".into() },
            EditError::NoLane("nope".into()),
        ),
        (
            "move unknown lane",
            Edit::MoveLane {
                lane_id: "nope".into(),
                to_index: 0,
            },
            EditError::NoLane("nope".into()),
        ),
        (
            "update unknown lane",
            Edit::UpdateLane(Lane::new("nope", "x")),
            EditError::NoLane("nope".into()),
        ),
        (
            "insert lane with a used id",
            Edit::InsertLane(Box::new(RemovedLane {
                index: 0,
                lane: Lane::new(lane(2), "Dup"),
                steps: Vec::new(),
                edges: Vec::new(),
                picks: Vec::new(),
            })),
            EditError::DuplicateId(lane(2)),
        ),
        (
            "insert a step with a used id",
            Edit::InsertSteps {
                steps: vec![(0, new_step(&id(3), &lane(0)))],
                edges: Vec::new(),
            },
            EditError::DuplicateId(id(3)),
        ),
        (
            "insert two steps with the same id",
            Edit::InsertSteps {
                steps: vec![(0, new_step("n", &lane(0))), (1, new_step("n", &lane(1)))],
                edges: Vec::new(),
            },
            EditError::DuplicateId("n".into()),
        ),
        (
            "insert a step in an unknown lane",
            Edit::InsertSteps {
                steps: vec![(0, new_step("n", "ghost-lane"))],
                edges: Vec::new(),
            },
            EditError::NoLane("ghost-lane".into()),
        ),
        (
            "insert a step with an edge to an unknown step",
            Edit::InsertSteps {
                steps: vec![(0, new_step("n", &lane(0)))],
                edges: vec![(0, edge("n", "ghost"))],
            },
            EditError::NoStep("ghost".into()),
        ),
        (
            "remove an unknown step",
            Edit::RemoveSteps {
                step_ids: vec![id(0), "ghost".into()],
            },
            EditError::NoStep("ghost".into()),
        ),
        (
            "update an unknown step",
            Edit::UpdateSteps(vec![m.steps[1].clone(), ghost_step]),
            EditError::NoStep("ghost".into()),
        ),
        (
            "move a step to an unknown lane",
            Edit::UpdateSteps(vec![step_in_ghost_lane]),
            EditError::NoLane("ghost-lane".into()),
        ),
        (
            "add an edge from an unknown step",
            Edit::AddEdges(vec![edge("ghost", &id(0))]),
            EditError::NoStep("ghost".into()),
        ),
        (
            "add an edge to an unknown step",
            Edit::AddEdges(vec![edge(&id(0), "ghost")]),
            EditError::NoStep("ghost".into()),
        ),
        (
            "add a self edge",
            Edit::AddEdges(vec![edge(&id(2), &id(2))]),
            EditError::BadEdge(id(2), id(2)),
        ),
        (
            "add an existing edge",
            Edit::AddEdges(vec![existing.clone()]),
            EditError::BadEdge(existing.from.clone(), existing.to.clone()),
        ),
        (
            "add the same edge twice",
            Edit::AddEdges(vec![edge(&id(21), &id(0)), edge(&id(21), &id(0))]),
            EditError::BadEdge(id(21), id(0)),
        ),
        (
            "remove a missing edge",
            Edit::RemoveEdges(vec![m.edges[1].clone(), edge(&id(21), &id(0))]),
            EditError::BadEdge(id(21), id(0)),
        ),
        (
            "batch whose last edit is invalid",
            Edit::Batch(vec![
                Edit::RemoveLane { lane_id: lane(0) },
                Edit::UpdateLane(Lane::new(lane(1), "renamed")),
                Edit::AddEdges(vec![edge(&id(0), &id(21))]),
            ]),
            // Step 0 went with lane 0 earlier in the batch.
            EditError::NoStep(id(0)),
        ),
        (
            "batch of one invalid edit",
            Edit::Batch(vec![Edit::RemoveLane { lane_id: "nope".into() }]),
            EditError::NoLane("nope".into()),
        ),
        (
            "batch adding an edge twice",
            Edit::Batch(vec![
                Edit::AddEdges(vec![edge(&id(21), &id(0))]),
                Edit::AddEdges(vec![edge(&id(21), &id(0))]),
            ]),
            EditError::BadEdge(id(21), id(0)),
        ),
    ]
}

#[test]
fn invalid_edits_fail_and_leave_the_map_unchanged() {
    let original = base();
    assert_eq!(original.lanes[0].id, original.steps[0].lane, "step 0 is in lane 0");
    for (name, edit, expected) in invalid_edits(&original) {
        let mut map = original.clone();
        assert_eq!(apply(&mut map, edit.clone()), Err(expected), "{name}");
        assert_eq!(map, original, "{name}: the map changed");

        let mut doc = Document::new(MapId(1), original.clone());
        assert!(doc.apply(edit, None).is_err(), "{name}");
        assert_eq!(doc.map(), &original, "{name}");
        assert!(!doc.can_undo(), "{name}: a refused edit is not an undo step");
        assert_eq!(doc.revision(), 0, "{name}");
    }
}

/// Checks an edit is either refused with the map unchanged, or accepted
/// with a valid map that undo restores exactly.
fn assert_refused_or_undoable(name: &str, edit: Edit) {
    let original = base();
    let mut map = original.clone();
    match apply(&mut map, edit) {
        Err(_) => assert_eq!(map, original, "{name}: refused, but the map changed"),
        Ok(inverse) => {
            let problems = frictionmap::domain::validate::validate(&map);
            apply(&mut map, inverse).expect("undo");
            assert_eq!(map, original, "{name}: undo did not restore the map");
            assert_eq!(problems, Ok(()), "{name}: accepted, but left an invalid map");
        }
    }
}

#[test]
fn insert_steps_with_a_self_edge_is_refused() {
    let m = base();
    assert_refused_or_undoable(
        "insert a step with a self edge",
        Edit::InsertSteps {
            steps: vec![(0, new_step("n", &m.lanes[0].id))],
            edges: vec![(0, edge("n", "n"))],
        },
    );
}

#[test]
fn insert_steps_with_an_existing_edge_is_refused() {
    let m = base();
    let existing = m.edges[2].clone();
    assert_refused_or_undoable(
        "insert an existing edge",
        Edit::InsertSteps {
            steps: vec![(0, new_step("n", &m.lanes[0].id))],
            edges: vec![(0, existing)],
        },
    );
}

#[test]
fn insert_lane_with_a_used_step_id_is_refused() {
    let m = base();
    assert_refused_or_undoable(
        "insert a lane reusing a step id",
        Edit::InsertLane(Box::new(RemovedLane {
            index: 0,
            lane: Lane::new("new-lane", "New"),
            steps: vec![(0, new_step(&m.steps[5].id, "new-lane"))],
            edges: Vec::new(),
            picks: Vec::new(),
        })),
    );
}

#[test]
fn insert_lane_with_an_edge_to_an_unknown_step_is_refused() {
    assert_refused_or_undoable(
        "insert a lane with a dangling edge",
        Edit::InsertLane(Box::new(RemovedLane {
            index: 0,
            lane: Lane::new("new-lane", "New"),
            steps: vec![(0, new_step("n", "new-lane"))],
            edges: vec![(0, edge("n", "ghost"))],
            picks: Vec::new(),
        })),
    );
}

#[test]
fn update_steps_naming_a_step_twice_is_refused_or_undone() {
    let m = base();
    let mut first = m.steps[3].clone();
    first.name = "first".into();
    let mut second = m.steps[3].clone();
    second.name = "second".into();
    assert_refused_or_undoable("update one step twice", Edit::UpdateSteps(vec![first, second]));
}

// ------------------------------------------------------------ history

fn rename(map: &Map, name: &str) -> Edit {
    Edit::SetMeta(MapMeta {
        name: name.into(),
        ..MapMeta::of(map)
    })
}

#[test]
fn edits_with_the_same_merge_key_are_one_undo_step() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    for name in ["R", "Re", "Ren", "Renamed"] {
        let edit = rename(doc.map(), name);
        doc.apply(edit, Some("map-name".into())).expect("rename");
    }
    assert_eq!(doc.map().name, "Renamed");
    assert_eq!(doc.revision(), 4);
    assert!(doc.undo());
    assert_eq!(doc.map(), &original, "one undo takes back the whole run");
    assert!(!doc.can_undo());
    assert!(doc.redo());
    assert_eq!(doc.map().name, "Renamed", "redo brings back the end of the run");
    assert!(!doc.can_redo());
}

#[test]
fn merged_step_value_edits_are_one_undo_step() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    for v in [1.0, 12.0, 123.0] {
        let mut step = doc.map().steps[2].clone();
        step.volume_per_month = v;
        let key = format!("step:{}:volume", step.id);
        doc.apply(Edit::UpdateSteps(vec![step]), Some(key)).expect("update");
    }
    // A different key starts a new undo step.
    let mut step = doc.map().steps[2].clone();
    step.handle_minutes = 9.0;
    doc.apply(Edit::UpdateSteps(vec![step]), Some("step:minutes".into()))
        .expect("update");
    let after_volume = {
        let mut m = original.clone();
        m.steps.get_mut(2).unwrap().volume_per_month = 123.0;
        m
    };
    assert!(doc.undo());
    assert_eq!(doc.map(), &after_volume);
    assert!(doc.undo());
    assert_eq!(doc.map(), &original);
    assert!(!doc.undo());
}

#[test]
fn different_keys_and_no_key_are_separate_undo_steps() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    let keys = [Some("a"), Some("b"), None, None, Some("b")];
    let mut states = vec![original.clone()];
    for (i, key) in keys.iter().enumerate() {
        let edit = rename(doc.map(), &format!("name {i}"));
        doc.apply(edit, key.map(str::to_owned)).expect("rename");
        states.push(doc.map().clone());
    }
    states.pop();
    while let Some(expected) = states.pop() {
        assert!(doc.undo());
        assert_eq!(doc.map(), &expected);
    }
    assert!(!doc.can_undo());
}

/// A field that takes "4" on the way to "400" and then puts its value back
/// when "400" is refused leaves nothing to undo (it left an undo step that
/// did nothing).
#[test]
fn a_merge_run_that_ends_where_it_began_leaves_no_undo_step() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    let key = || Some(format!("step:{}:minutes", original.steps[2].id));
    for v in [4.0, original.steps[2].handle_minutes] {
        let mut step = doc.map().steps[2].clone();
        step.handle_minutes = v;
        doc.apply(Edit::UpdateSteps(vec![step]), key()).expect("update");
    }
    assert_eq!(doc.map(), &original);
    assert!(!doc.can_undo(), "nothing changed, so nothing to undo");
    // A run that ends elsewhere is one step, as before.
    for v in [4.0, 7.0] {
        let mut step = doc.map().steps[2].clone();
        step.handle_minutes = v;
        doc.apply(Edit::UpdateSteps(vec![step]), key()).expect("update");
    }
    assert!(doc.undo());
    assert_eq!(doc.map(), &original);
    assert!(!doc.can_undo());
}

#[test]
fn sealing_ends_a_merge_run() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    let edit = rename(doc.map(), "one");
    doc.apply(edit, Some("name".into())).expect("rename");
    let after_one = doc.map().clone();
    doc.seal_history();
    let edit = rename(doc.map(), "two");
    doc.apply(edit, Some("name".into())).expect("rename");
    assert!(doc.undo());
    assert_eq!(doc.map(), &after_one);
    assert!(doc.undo());
    assert_eq!(doc.map(), &original);
}

#[test]
fn a_new_edit_after_undo_clears_redo() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    let edit = rename(doc.map(), "one");
    doc.apply(edit, None).expect("rename");
    assert!(doc.undo());
    assert!(doc.can_redo());
    let edit = rename(doc.map(), "two");
    doc.apply(edit, None).expect("rename");
    assert!(!doc.can_redo());
    assert!(!doc.redo());
    assert_eq!(doc.map().name, "two");
}

#[test]
fn revisions_track_saving() {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    assert!(doc.is_saved());
    let edit = rename(doc.map(), "one");
    doc.apply(edit, None).expect("rename");
    assert!(!doc.is_saved());
    doc.mark_saved(doc.revision());
    assert!(doc.is_saved());
    assert!(doc.undo());
    assert!(!doc.is_saved(), "undo is a change to save too");
    doc.mark_saved(0);
    assert!(!doc.is_saved(), "an older revision does not count as saved");
}

// ------------------------------------------------------------ random edit sequences

/// One random operation, resolved against the map as it is when applied.
#[derive(Clone, Debug)]
struct Op {
    kind: u8,
    a: Index,
    b: Index,
    c: Index,
    x: f64,
}

fn arb_op() -> impl Strategy<Value = Op> {
    // Kinds 8 and 9 (adding and removing edges between existing steps) are
    // only resolved when `edge_edits` is on; see `resolve`.
    (0u8..12, any::<Index>(), any::<Index>(), any::<Index>(), 0.0f64..=1.0).prop_map(|(kind, a, b, c, x)| Op {
        kind,
        a,
        b,
        c,
        x,
    })
}

/// Builds an edit from `op` for `map`, or None if the map has nothing to use.
fn resolve(op: &Op, map: &Map, serial: usize, edge_edits: bool) -> Option<Edit> {
    let pick_step = |i: &Index| (!map.steps.is_empty()).then(|| map.steps[i.index(map.steps.len())].clone());
    let pick_lane = |i: &Index| (!map.lanes.is_empty()).then(|| map.lanes[i.index(map.lanes.len())].clone());
    let fresh = |prefix: &str| format!("{prefix}{serial}");
    Some(match op.kind {
        0 => Edit::SetMeta(MapMeta {
            name: fresh("name "),
            rates: Rates {
                hourly_cost: op.x * 100.0,
                ..map.rates
            },
            ..MapMeta::of(map)
        }),
        1 => {
            let lane_id = fresh("lane-");
            let s1 = new_step(&fresh("ls-"), &lane_id);
            let mut edges = Vec::new();
            if let Some(other) = pick_step(&op.b) {
                edges.push((op.c.index(map.edges.len() + 1), edge(&s1.id, &other.id)));
            }
            Edit::InsertLane(Box::new(RemovedLane {
                index: op.a.index(map.lanes.len() + 1),
                lane: Lane::new(lane_id.clone(), fresh("Lane ")),
                steps: vec![(op.b.index(map.steps.len() + 1), s1)],
                edges,
                picks: Vec::new(),
            }))
        }
        2 => Edit::RemoveLane {
            lane_id: pick_lane(&op.a)?.id,
        },
        3 => Edit::MoveLane {
            lane_id: pick_lane(&op.a)?.id,
            to_index: op.b.index(map.lanes.len() + 2),
        },
        4 => {
            let mut lane = pick_lane(&op.a)?;
            lane.name = fresh("Renamed ");
            lane.owner = format!("{}", op.x);
            Edit::UpdateLane(lane)
        }
        5 => {
            let lane = pick_lane(&op.a)?;
            let s1 = new_step(&fresh("s-"), &lane.id);
            let s2 = new_step(&fresh("t-"), &lane.id);
            let i = op.b.index(map.steps.len() + 1);
            let mut edges = vec![(0, edge(&s1.id, &s2.id))];
            if let Some(other) = pick_step(&op.c) {
                edges.push((op.c.index(map.edges.len() + 2), edge(&other.id, &s2.id)));
            }
            edges.sort_by_key(|(i, _)| *i);
            Edit::InsertSteps {
                steps: vec![(i, s1), (i + 1, s2)],
                edges,
            }
        }
        6 => {
            let mut ids = vec![pick_step(&op.a)?.id];
            let other = pick_step(&op.b)?.id;
            if !ids.contains(&other) {
                ids.push(other);
            }
            Edit::RemoveSteps { step_ids: ids }
        }
        7 => {
            let mut step = pick_step(&op.a)?;
            step.volume_per_month = op.x * 1000.0;
            step.low.set(Attr::VolumePerMonth, None);
            step.high.set(Attr::VolumePerMonth, None);
            step.x += 10.0;
            if op.c.index(2) == 0 {
                step.lane = pick_lane(&op.b)?.id.into();
            }
            Edit::UpdateSteps(vec![step])
        }
        8 | 9 if !edge_edits => return None,
        8 => {
            let (a, b) = (pick_step(&op.a)?, pick_step(&op.b)?);
            let e = edge(&a.id, &b.id);
            if a.id == b.id || map.edges.contains(&e) {
                return None;
            }
            Edit::AddEdges(vec![e])
        }
        9 => {
            if map.edges.is_empty() {
                return None;
            }
            let first = map.edges[op.a.index(map.edges.len())].clone();
            let second = map.edges[op.b.index(map.edges.len())].clone();
            let mut edges = vec![second];
            if !edges.contains(&first) {
                edges.push(first);
            }
            Edit::RemoveEdges(edges)
        }
        10 => {
            // A batch whose later edits depend on the earlier ones.
            let lane = pick_lane(&op.a)?;
            let s = new_step(&fresh("bs-"), &lane.id);
            let mut edits = vec![Edit::InsertSteps {
                steps: vec![(op.b.index(map.steps.len() + 1), s.clone())],
                edges: vec![],
            }];
            if let Some(other) = pick_step(&op.c).filter(|_| edge_edits) {
                edits.push(Edit::AddEdges(vec![edge(&other.id, &s.id)]));
            }
            edits.push(Edit::MoveLane {
                lane_id: lane.id.clone(),
                to_index: 0,
            });
            edits.push(Edit::RemoveSteps {
                step_ids: vec![s.id.clone()],
            });
            Edit::Batch(edits)
        }
        _ => {
            // An edit that is usually invalid: it must change nothing.
            match op.c.index(3) {
                0 => Edit::RemoveLane {
                    lane_id: "no-such-lane".into(),
                },
                1 => {
                    let s = pick_step(&op.a)?;
                    Edit::AddEdges(vec![edge(&s.id, &s.id)])
                }
                _ => Edit::AddEdges(vec![map.edges.first()?.clone()]),
            }
        }
    })
}

/// Runs random edit sequences: each edit's inverse restores the map exactly,
/// refused edits change nothing, every map stays valid, and undoing the whole
/// sequence through a Document passes back through every state; redoing it
/// passes forward through them again.
fn check_edit_sequence(ops: &[Op], edge_edits: bool) -> Result<(), TestCaseError> {
    let original = base();
    let mut doc = Document::new(MapId(1), original.clone());
    let mut states = vec![original.clone()];
    for (serial, op) in ops.iter().enumerate() {
        let before = doc.map().clone();
        let Some(edit) = resolve(op, &before, serial, edge_edits) else {
            continue;
        };

        // The pure function first, on a copy.
        let mut map = before.clone();
        match apply(&mut map, edit.clone()) {
            Err(_) => {
                prop_assert_eq!(&map, &before, "refused edit changed the map: {:?}", edit);
                prop_assert!(doc.apply(edit, None).is_err());
                prop_assert_eq!(doc.map(), &before);
                continue;
            }
            Ok(inverse) => {
                let edited = map.clone();
                prop_assert_eq!(frictionmap::domain::validate::validate(&edited), Ok(()), "{:?}", edit);
                let redo = apply(&mut map, inverse).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&map, &before, "inverse of {:?}", edit);
                apply(&mut map, redo).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(&map, &edited, "redo of {:?}", edit);
            }
        }

        doc.apply(edit, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(doc.map(), &map);
        states.push(map);
    }
    let final_state = doc.map().clone();
    let mut redo_states = Vec::new();
    while states.len() > 1 {
        redo_states.push(states.pop().expect("state"));
        prop_assert!(doc.undo());
        prop_assert_eq!(doc.map(), states.last().expect("state"));
    }
    prop_assert!(!doc.undo());
    prop_assert_eq!(doc.map(), &original);
    while let Some(expected) = redo_states.pop() {
        prop_assert!(doc.redo());
        prop_assert_eq!(doc.map(), &expected);
    }
    prop_assert!(!doc.redo());
    prop_assert_eq!(doc.map(), &final_state);
    prop_assert_eq!(doc.ranking(), &rank(&final_state));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_edit_sequences_undo_and_redo_exactly(ops in proptest::collection::vec(arb_op(), 1..24)) {
        check_edit_sequence(&ops, false)?;
    }

    #[test]
    fn random_edit_sequences_with_edge_edits_undo_and_redo_exactly(ops in proptest::collection::vec(arb_op(), 1..24)) {
        check_edit_sequence(&ops, true)?;
    }
}
