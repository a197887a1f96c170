//! Every change to a map is an [`Edit`]. [`apply`] is the one place that
//! mutates a map, and it returns the inverse edit, which is what undo runs.
//! UI code never changes a map directly; it produces edits.

use std::collections::{HashMap, HashSet};

use crate::domain::model::{Edge, Lane, Map, Rates, Simulation, Step, Steps};

/// The map-wide fields: everything but lanes, steps and edges.
#[derive(Clone, Debug, PartialEq)]
pub struct MapMeta {
    pub name: String,
    pub currency: String,
    pub notes: String,
    pub rates: Rates,
    pub simulation: Simulation,
}

impl MapMeta {
    pub fn of(map: &Map) -> Self {
        Self {
            name: map.name.clone(),
            currency: map.currency.clone(),
            notes: map.notes.clone(),
            rates: map.rates,
            simulation: map.simulation,
        }
    }
}

/// Items with the index they had (or will have) in their list.
pub type Indexed<T> = Vec<(usize, T)>;

/// A lane removed from a map, with everything needed to put it back.
#[derive(Clone, Debug, PartialEq)]
pub struct RemovedLane {
    pub index: usize,
    pub lane: Lane,
    pub steps: Indexed<Step>,
    pub edges: Indexed<Edge>,
    /// The lane's picks, which go and come back with it.
    pub picks: Indexed<crate::plan::Pick>,
}

/// One undoable change to a map.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    SetMeta(MapMeta),
    /// Inserts a lane (with any steps and edges it had) at an index.
    InsertLane(Box<RemovedLane>),
    RemoveLane {
        lane_id: String,
    },
    MoveLane {
        lane_id: String,
        to_index: usize,
    },
    /// Replaces a lane's name, owner and notes, matched by id.
    UpdateLane(Lane),
    /// Inserts steps at the given indices (ascending) and then the edges.
    InsertSteps {
        steps: Vec<(usize, Step)>,
        edges: Vec<(usize, Edge)>,
    },
    /// Removes steps together with every edge that touches them.
    RemoveSteps {
        step_ids: Vec<String>,
    },
    /// Replaces steps matched by id: rename, move, change lane or values.
    UpdateSteps(Vec<Step>),
    AddEdges(Vec<Edge>),
    RemoveEdges(Vec<Edge>),
    /// Replaces the map's lane picks (the plan for the lane fixed first).
    SetPicks(Vec<crate::plan::Pick>),
    /// Several edits as one undo step, applied in order.
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied. The map is unchanged when this returns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("no lane has the id {0:?}")]
    NoLane(String),
    #[error("no step has the id {0:?}")]
    NoStep(String),
    #[error("the id {0:?} is already used")]
    DuplicateId(String),
    #[error("an edge from {0:?} to {1:?} already exists or joins a step to itself")]
    BadEdge(String, String),
}

/// Applies `edit` to `map` and returns the edit that undoes it. On error the
/// map is left exactly as it was.
pub fn apply(map: &mut Map, edit: Edit) -> Result<Edit, EditError> {
    let Edit::Batch(edits) = edit else {
        check(map, &edit)?;
        return Ok(apply_checked(map, edit));
    };
    // Later edits in a batch may depend on earlier ones, so each is checked
    // after the ones before it are applied; a failure rolls those back.
    let mut inverses = Vec::with_capacity(edits.len());
    for edit in edits {
        match apply(map, edit) {
            Ok(inverse) => inverses.push(inverse),
            Err(error) => {
                for inverse in inverses.into_iter().rev() {
                    let _ = apply(map, inverse);
                }
                return Err(error);
            }
        }
    }
    inverses.reverse();
    Ok(Edit::Batch(inverses))
}

/// Checks a single (non-batch) edit against the map without changing it.
fn check(map: &Map, edit: &Edit) -> Result<(), EditError> {
    match edit {
        Edit::SetMeta(_) | Edit::Batch(_) => Ok(()),
        Edit::SetPicks(picks) => picks
            .iter()
            .find(|p| map.lane(&p.lane).is_none())
            .map_or(Ok(()), |p| Err(EditError::NoLane(p.lane.clone()))),
        Edit::InsertLane(removed) => {
            if map.lane(&removed.lane.id).is_some() {
                return Err(EditError::DuplicateId(removed.lane.id.clone()));
            }
            // The lane's picks come back with it: each names this lane and
            // keeps an id no other pick uses.
            let mut pick_ids: HashSet<&str> = map.picks.iter().map(|p| p.id.as_str()).collect();
            for (_, pick) in &removed.picks {
                if pick.lane != removed.lane.id {
                    return Err(EditError::NoLane(pick.lane.clone()));
                }
                if !pick_ids.insert(&pick.id) {
                    return Err(EditError::DuplicateId(pick.id.clone()));
                }
            }
            check_insert(map, Some(&removed.lane.id), &removed.steps, &removed.edges)
        }
        Edit::RemoveLane { lane_id } | Edit::MoveLane { lane_id, .. } => map
            .lane(lane_id)
            .map(|_| ())
            .ok_or_else(|| EditError::NoLane(lane_id.clone())),
        Edit::UpdateLane(lane) => map
            .lane(&lane.id)
            .map(|_| ())
            .ok_or_else(|| EditError::NoLane(lane.id.clone())),
        Edit::InsertSteps { steps, edges } => check_insert(map, None, steps, edges),
        Edit::RemoveSteps { step_ids } => step_ids
            .iter()
            .find(|id| map.step(id).is_none())
            .map_or(Ok(()), |id| Err(EditError::NoStep(id.clone()))),
        Edit::UpdateSteps(steps) => {
            let mut seen = HashSet::new();
            let index = step_indices(map, steps);
            for (step, index) in steps.iter().zip(index) {
                if !seen.insert(step.id.as_str()) {
                    return Err(EditError::DuplicateId(step.id.clone()));
                }
                if index.is_none() {
                    return Err(EditError::NoStep(step.id.clone()));
                }
                if map.lane(&step.lane).is_none() {
                    return Err(EditError::NoLane(step.lane.to_string()));
                }
            }
            Ok(())
        }
        Edit::AddEdges(edges) => {
            let indexed: Vec<(usize, Edge)> = edges.iter().cloned().map(|e| (0, e)).collect();
            check_insert(map, None, &[], &indexed)
        }
        Edit::RemoveEdges(edges) => edges
            .iter()
            .find(|e| !map.edges.contains(e))
            .map_or(Ok(()), |e| Err(EditError::BadEdge(e.from.clone(), e.to.clone()))),
    }
}

/// Checks steps and edges about to be inserted: new unique step ids in
/// existing lanes (or `new_lane`), and edges between steps that will exist,
/// neither joining a step to itself nor repeating an edge.
fn check_insert(
    map: &Map,
    new_lane: Option<&str>,
    steps: &[(usize, Step)],
    edges: &[(usize, Edge)],
) -> Result<(), EditError> {
    let mut ids: HashSet<&str> = map.steps.iter().map(|s| s.id.as_str()).collect();
    for (_, step) in steps {
        if !ids.insert(&step.id) {
            return Err(EditError::DuplicateId(step.id.clone()));
        }
        if new_lane != Some(step.lane.as_str()) && map.lane(&step.lane).is_none() {
            return Err(EditError::NoLane(step.lane.to_string()));
        }
    }
    let mut all_edges: HashSet<(&str, &str)> = map.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
    for (_, edge) in edges {
        for id in [&edge.from, &edge.to] {
            if !ids.contains(id.as_str()) {
                return Err(EditError::NoStep(id.clone()));
            }
        }
        if edge.from == edge.to || !all_edges.insert((&edge.from, &edge.to)) {
            return Err(EditError::BadEdge(edge.from.clone(), edge.to.clone()));
        }
    }
    Ok(())
}

fn apply_checked(map: &mut Map, edit: Edit) -> Edit {
    match edit {
        Edit::SetMeta(meta) => {
            let old = MapMeta::of(map);
            map.name = meta.name;
            map.currency = meta.currency;
            map.notes = meta.notes;
            map.rates = meta.rates;
            map.simulation = meta.simulation;
            Edit::SetMeta(old)
        }
        Edit::SetPicks(picks) => Edit::SetPicks(std::mem::replace(&mut map.picks, picks)),
        Edit::InsertLane(removed) => {
            let RemovedLane {
                index,
                lane,
                steps,
                edges,
                picks,
            } = *removed;
            let lane_id = lane.id.clone();
            map.lanes.insert(index.min(map.lanes.len()), lane);
            insert_at(&mut map.steps, steps);
            insert_at(&mut map.edges, edges);
            insert_at(&mut map.picks, picks);
            Edit::RemoveLane { lane_id }
        }
        Edit::RemoveLane { lane_id } => {
            let index = map.lane_index(&lane_id).unwrap_or(0);
            let lane = map.lanes.remove(index);
            let step_ids: Vec<String> = map
                .steps
                .iter()
                .filter(|s| s.lane == lane_id)
                .map(|s| s.id.clone())
                .collect();
            let (steps, edges) = remove_steps(map, &step_ids);
            let picks = take_where(&mut map.picks, |p| p.lane == lane_id);
            Edit::InsertLane(Box::new(RemovedLane {
                index,
                lane,
                steps,
                edges,
                picks,
            }))
        }
        Edit::MoveLane { lane_id, to_index } => {
            let from = map.lane_index(&lane_id).unwrap_or(0);
            let lane = map.lanes.remove(from);
            map.lanes.insert(to_index.min(map.lanes.len()), lane);
            Edit::MoveLane {
                lane_id,
                to_index: from,
            }
        }
        Edit::UpdateLane(lane) => {
            let index = map.lane_index(&lane.id).unwrap_or(0);
            Edit::UpdateLane(std::mem::replace(&mut map.lanes[index], lane))
        }
        Edit::InsertSteps { steps, edges } => {
            let step_ids: Vec<String> = steps.iter().map(|(_, s)| s.id.clone()).collect();
            let edge_list: Vec<Edge> = edges.iter().map(|(_, e)| e.clone()).collect();
            insert_at(&mut map.steps, steps);
            insert_at(&mut map.edges, edges);
            // Removing the steps takes their edges along; edges between
            // steps that were already there must be named.
            match (step_ids.is_empty(), edge_list.is_empty()) {
                (_, true) => Edit::RemoveSteps { step_ids },
                (true, false) => Edit::RemoveEdges(edge_list),
                (false, false) => Edit::Batch(vec![Edit::RemoveEdges(edge_list), Edit::RemoveSteps { step_ids }]),
            }
        }
        Edit::RemoveSteps { step_ids } => {
            let (steps, edges) = remove_steps(map, &step_ids);
            Edit::InsertSteps { steps, edges }
        }
        Edit::UpdateSteps(steps) => {
            let index = step_indices(map, &steps);
            let old = (steps.into_iter().zip(index))
                .map(|(step, index)| map.steps.replace(index.unwrap_or(0), step))
                .collect();
            Edit::UpdateSteps(old)
        }
        Edit::AddEdges(edges) => {
            map.edges.extend(edges.iter().cloned());
            Edit::RemoveEdges(edges)
        }
        Edit::RemoveEdges(edges) => {
            let removed = take_where(&mut map.edges, |e| edges.contains(e));
            Edit::InsertSteps {
                steps: Vec::new(),
                edges: removed,
            }
        }
        Edit::Batch(edits) => {
            let mut inverses: Vec<Edit> = edits.into_iter().map(|e| apply_checked(map, e)).collect();
            inverses.reverse();
            Edit::Batch(inverses)
        }
    }
}

/// Where each of `steps` is in the map, found by id: a scan for an edit of
/// a few steps (the usual one, where building a table would cost more),
/// and one table for an edit of many, such as an update from a steps CSV,
/// where a scan per step made the edit quadratic.
fn step_indices(map: &Map, steps: &[Step]) -> Vec<Option<usize>> {
    const SCANNED: usize = 8;
    if steps.len() <= SCANNED {
        return steps.iter().map(|s| map.step_index(&s.id)).collect();
    }
    let index: HashMap<&str, usize> = (map.steps.iter().enumerate())
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    steps.iter().map(|s| index.get(s.id.as_str()).copied()).collect()
}

/// Removes the steps and every edge touching them, remembering where each was.
fn remove_steps(map: &mut Map, step_ids: &[String]) -> (Indexed<Step>, Indexed<Edge>) {
    let ids: HashSet<&str> = step_ids.iter().map(String::as_str).collect();
    let edges = take_where(&mut map.edges, |e| {
        ids.contains(e.from.as_str()) || ids.contains(e.to.as_str())
    });
    let steps = map.steps.take_where(|s| ids.contains(s.id.as_str()));
    (steps, edges)
}

/// Removes the items that match, returning them with their original indices.
fn take_where<T>(items: &mut Vec<T>, mut matches: impl FnMut(&T) -> bool) -> Indexed<T> {
    let mut taken = Vec::new();
    let mut kept = Vec::with_capacity(items.len());
    for (i, item) in std::mem::take(items).into_iter().enumerate() {
        if matches(&item) {
            taken.push((i, item));
        } else {
            kept.push(item);
        }
    }
    *items = kept;
    taken
}

/// A list that items can be put back into: at an index, or at the end when
/// the index is past it.
trait Reinsert<T> {
    fn reinsert(&mut self, index: usize, item: T);
}

impl<T> Reinsert<T> for Vec<T> {
    fn reinsert(&mut self, index: usize, item: T) {
        self.insert(index.min(self.len()), item);
    }
}

impl Reinsert<Step> for Steps {
    fn reinsert(&mut self, index: usize, step: Step) {
        self.insert(index, step);
    }
}

/// Puts items back at their original indices (which must be ascending).
fn insert_at<T>(items: &mut impl Reinsert<T>, mut entries: Indexed<T>) {
    entries.sort_by_key(|(i, _)| *i);
    for (index, item) in entries {
        items.reinsert(index, item);
    }
}
