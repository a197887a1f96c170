//! Repairs for a map whose rows were changed with another tool: the
//! structure only (lanes that steps or picks name but that were deleted,
//! edges to steps that are gone). Values are never guessed: a value out of
//! range is shown with its problem and fixed by the user.

use std::collections::HashSet;

use crate::document::edit::{Edit, RemovedLane};
use crate::domain::model::{Edge, Lane, Map};
use crate::domain::validate::{MAX_NAME_CHARS, check_name};

/// What a repair changes, as one edit, and the same in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Repair {
    pub edit: Edit,
    pub lines: Vec<String>,
}

/// The repair of `map`'s structure, or `None` when its structure is sound:
/// a lane named "Recovered lane …" for each lane id that steps or picks
/// name but the map lacks (so no step is lost), and the removal of edges
/// that join a missing step or join a step to itself.
pub fn structure_repair(map: &Map) -> Option<Repair> {
    let mut lines = Vec::new();
    let mut edits = Vec::new();

    let known: HashSet<&str> = map.lanes.iter().map(|l| l.id.as_str()).collect();
    let mut missing: Vec<&str> = Vec::new();
    let named = (map.steps.iter().map(|s| s.lane.as_str())).chain(map.picks.iter().map(|p| p.lane.as_str()));
    for lane in named {
        if !known.contains(lane) && !missing.contains(&lane) {
            missing.push(lane);
        }
    }
    for (i, lane_id) in missing.into_iter().enumerate() {
        let steps = map.steps.iter().filter(|s| s.lane == lane_id).count();
        let name = lane_name(lane_id);
        lines.push(format!(
            "Add the lane “{name}” for the {steps} step(s) in lane {lane_id:?}, which was deleted"
        ));
        edits.push(Edit::InsertLane(Box::new(RemovedLane {
            index: map.lanes.len() + i,
            lane: Lane::new(lane_id, name),
            steps: Vec::new(),
            edges: Vec::new(),
            picks: Vec::new(),
        })));
    }

    // The database's key keeps an edge from being stored twice; steps that
    // were deleted, and edges added by hand, can leave these.
    let steps: HashSet<&str> = map.steps.iter().map(|s| s.id.as_str()).collect();
    let gone: Vec<Edge> = (map.edges.iter())
        .filter(|e| !steps.contains(e.from.as_str()) || !steps.contains(e.to.as_str()) || e.from == e.to)
        .cloned()
        .collect();
    if !gone.is_empty() {
        lines.push(format!(
            "Remove {} arrow(s) that join a step that is gone or join a step to itself",
            gone.len()
        ));
        edits.push(Edit::RemoveEdges(gone));
    }
    (!edits.is_empty()).then(|| Repair {
        edit: Edit::Batch(edits),
        lines,
    })
}

/// What a problem's field path (`steps[3].rework_rate`) is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Map,
    Lane(usize),
    Step(usize),
    Edge(usize),
    Pick(usize),
}

impl Place {
    /// The place of a path as `validate` writes them.
    pub fn of(path: &str) -> Self {
        let index = |prefix: &str| -> Option<usize> {
            let rest = path.strip_prefix(prefix)?;
            rest[..rest.find(']')?].parse().ok()
        };
        if let Some(i) = index("steps[") {
            Place::Step(i)
        } else if let Some(i) = index("lanes[") {
            Place::Lane(i)
        } else if let Some(i) = index("edges[") {
            Place::Edge(i)
        } else if let Some(i) = index("picks[") {
            Place::Pick(i)
        } else {
            Place::Map
        }
    }

    /// The path's field within its place: `rework_rate` of `steps[3].rework_rate`.
    pub fn field(path: &str) -> &str {
        match path.split_once("].") {
            Some((_, field)) => field,
            None if path.ends_with(']') => "",
            None => path,
        }
    }
}

/// A valid lane name that says where the lane came from.
fn lane_name(lane_id: &str) -> String {
    let id: String = lane_id
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS - 20)
        .collect();
    let name = format!("Recovered lane {id}");
    if check_name(&name).is_ok() {
        name
    } else {
        "Recovered lane".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Step;
    use crate::domain::validate::validate;

    fn edge(from: &str, to: &str) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn paths_name_their_place_and_field() {
        assert_eq!(Place::of("steps[12].low.rework_rate"), Place::Step(12));
        assert_eq!(Place::field("steps[12].low.rework_rate"), "low.rework_rate");
        assert_eq!(Place::of("lanes[0].name"), Place::Lane(0));
        assert_eq!(Place::of("edges[3]"), Place::Edge(3));
        assert_eq!(Place::field("edges[3]"), "");
        assert_eq!(Place::of("picks[1].reviews[0].date"), Place::Pick(1));
        assert_eq!(Place::of("rates.hourly_cost"), Place::Map);
        assert_eq!(Place::field("rates.hourly_cost"), "rates.hourly_cost");
    }

    #[test]
    fn a_deleted_lane_comes_back_with_every_step_and_bad_edges_go() {
        let mut map = Map::new("m");
        map.lanes.push(Lane::new("a", "A"));
        map.steps = vec![
            Step::new("s1", "a", "One"),
            Step::new("s2", "gone", "Two"),
            Step::new("s3", "gone", "Three"),
        ]
        .into();
        map.edges = vec![edge("s1", "s2"), edge("s2", "s9"), edge("s3", "s3")];
        assert!(validate(&map).is_err());
        let repair = structure_repair(&map).expect("a repair");
        assert_eq!(repair.lines.len(), 2, "{:?}", repair.lines);
        crate::document::edit::apply(&mut map, repair.edit).expect("applies");
        assert_eq!(validate(&map), Ok(()));
        assert_eq!(map.steps.len(), 3, "no step is lost");
        assert_eq!(map.lanes[1].name, "Recovered lane gone");
        assert_eq!(map.edges, [edge("s1", "s2")]);
        assert_eq!(structure_repair(&map), None);
    }
}
