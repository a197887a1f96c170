//! An open map: the map itself, its undo history, and its cached ranking.
//! All changes go through [`Document::apply`], the single choke point that
//! undo, autosave and the ranking cache hook into.

pub mod clipboard;
pub mod edit;
pub mod history;
pub mod repair;
pub mod scenario;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::document::edit::{Edit, EditError, apply};
use crate::document::history::History;
use crate::domain::model::MapId;
use crate::domain::model::{Map, Step};
use crate::domain::validate::{Problem, problems_with_notes};
use crate::scoring::{Ranking, ScoreCache, StepScore};

/// Numbers each document made, so caches can tell two apart even when they
/// show the same map at the same revision (a what-if copy and the saved map).
static INSTANCES: AtomicU64 = AtomicU64::new(0);

pub struct Document {
    pub id: MapId,
    instance: u64,
    map: Map,
    history: History,
    /// Bumped on every change; autosave compares it to `saved_revision`.
    revision: u64,
    saved_revision: u64,
    ranking: Ranking,
    scores: ScoreCache,
    /// Each step's index in `map.steps`, by id.
    step_index: HashMap<String, usize>,
    /// The indices of the steps updated in place since the last
    /// [`Document::take_snapshot`], or `None` when anything else changed
    /// (or nothing was sent yet) and the next snapshot is the whole map.
    unsent_steps: Option<BTreeSet<usize>>,
    /// Set for a map read with problems (changed with another tool): what
    /// it still has, checked again after every change.
    checked: Option<Checked>,
}

/// The problems of a map read with problems, and the notes of what the
/// database held that explain them.
struct Checked {
    notes: Vec<Problem>,
    problems: Vec<Problem>,
}

/// What a document sends to be saved: the whole map, or only the steps
/// updated in place since the previous snapshot, with their index in
/// `map.steps`. A `Steps` snapshot makes sense only to a receiver that got
/// every earlier snapshot of the document.
#[derive(Clone, Debug, PartialEq)]
pub enum Snapshot {
    Whole(Box<Map>),
    Steps(Vec<(usize, Step)>),
}

impl Document {
    pub fn new(id: MapId, map: Map) -> Self {
        let scores = ScoreCache::new(&map);
        Self {
            id,
            instance: INSTANCES.fetch_add(1, Ordering::Relaxed),
            ranking: scores.ranking(&map),
            step_index: index_steps(&map),
            scores,
            map,
            history: History::default(),
            revision: 0,
            saved_revision: 0,
            unsent_steps: None,
            checked: None,
        }
    }

    /// A map read with `problems` (see `store::Loaded`): it is checked
    /// again after every change, and its figures are not to be shown
    /// while it has problems.
    pub fn with_problems(id: MapId, map: Map, problems: Vec<Problem>, notes: Vec<Problem>) -> Self {
        let mut doc = Self::new(id, map);
        if !problems.is_empty() {
            doc.checked = Some(Checked { notes, problems });
        }
        doc
    }

    /// What the map still has wrong; empty for a map that was always valid.
    pub fn problems(&self) -> &[Problem] {
        self.checked.as_ref().map_or(&[], |c| &c.problems)
    }

    pub fn has_problems(&self) -> bool {
        !self.problems().is_empty()
    }

    /// Applies a repair of the map's structure. It is not undoable: its
    /// inverse would remove the steps it brought back into a lane.
    pub fn repair(&mut self, edit: Edit) -> Result<(), EditError> {
        apply(&mut self.map, edit)?;
        self.history = History::default();
        self.changed(None);
        Ok(())
    }

    pub fn map(&self) -> &Map {
        &self.map
    }

    pub fn ranking(&self) -> &Ranking {
        &self.ranking
    }

    /// Scores in the same order as `map().steps`.
    pub fn step_scores(&self) -> &[StepScore] {
        self.scores.step_scores()
    }

    /// The largest single step friction, for the heat colour scale.
    pub fn max_step_friction(&self) -> f64 {
        self.scores.max_step_friction()
    }

    /// A step's index in `map().steps`, without a search.
    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.step_index.get(id).copied()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// What caches of anything derived from the map are keyed by: unique to
    /// this document and this revision of its map.
    pub fn version(&self) -> (u64, u64) {
        (self.instance, self.revision)
    }

    pub fn is_saved(&self) -> bool {
        self.saved_revision == self.revision
    }

    pub fn mark_saved(&mut self, revision: u64) {
        self.saved_revision = self.saved_revision.max(revision);
    }

    /// What changed since the previous snapshot. Edits that only updated
    /// steps in place give just those steps, so autosave neither copies
    /// nor compares the whole map for them.
    pub fn take_snapshot(&mut self) -> Snapshot {
        let snapshot = match self.unsent_steps.take() {
            Some(indices) => Snapshot::Steps(indices.into_iter().map(|i| (i, self.map.steps[i].clone())).collect()),
            None => Snapshot::Whole(Box::new(self.map.clone())),
        };
        self.unsent_steps = Some(BTreeSet::new());
        snapshot
    }

    /// Makes the next snapshot the whole map, for a receiver that may have
    /// missed an earlier one.
    pub fn send_whole_next(&mut self) {
        self.unsent_steps = None;
    }

    /// Applies an edit as one undo step. Edits with the same `merge_key`
    /// in quick succession (typing in a field) merge into one step.
    pub fn apply(&mut self, edit: Edit, merge_key: Option<String>) -> Result<(), EditError> {
        let touched = updated_steps(&edit);
        let back_to_start = self.history.ends_where_it_began(&edit, merge_key.as_deref());
        let inverse = apply(&mut self.map, edit)?;
        if back_to_start {
            self.history.forget_run();
        } else {
            self.history.record(inverse, merge_key);
        }
        self.changed(touched);
        Ok(())
    }

    pub fn undo(&mut self) -> bool {
        let Some(inverse) = self.history.take_undo() else {
            return false;
        };
        let touched = updated_steps(&inverse);
        match apply(&mut self.map, inverse) {
            Ok(redo) => {
                self.history.push_redo(redo);
                self.changed(touched);
                true
            }
            Err(_) => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.history.take_redo() else {
            return false;
        };
        let touched = updated_steps(&edit);
        match apply(&mut self.map, edit) {
            Ok(inverse) => {
                self.history.push_undo(inverse);
                self.changed(touched);
                true
            }
            Err(_) => false,
        }
    }

    pub fn can_undo(&self) -> bool {
        self.history.can_undo()
    }

    pub fn can_redo(&self) -> bool {
        self.history.can_redo()
    }

    /// Ends a run of merged edits (for example when a text field loses focus).
    pub fn seal_history(&mut self) {
        self.history.seal();
    }

    /// `touched` names the steps an edit only updated in place (see
    /// [`updated_steps`]); any other edit rescores the whole map.
    fn changed(&mut self, touched: Option<Vec<String>>) {
        self.revision += 1;
        let indices: Option<Vec<usize>> =
            touched.and_then(|ids| ids.iter().map(|id| self.step_index(id)).collect::<Option<Vec<usize>>>());
        match indices {
            Some(indices) => {
                self.scores.update_steps(&self.map, &indices);
                if let Some(unsent) = &mut self.unsent_steps {
                    unsent.extend(indices);
                }
            }
            None => {
                self.unsent_steps = None;
                self.step_index = index_steps(&self.map);
                self.scores = ScoreCache::new(&self.map);
            }
        }
        self.ranking = self.scores.ranking(&self.map);
        if let Some(checked) = &mut self.checked {
            checked.problems = problems_with_notes(&self.map, &checked.notes);
        }
    }
}

fn index_steps(map: &Map) -> HashMap<String, usize> {
    map.steps.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect()
}

/// The ids of the steps an edit changes in place, when that is all it does:
/// no step is added, removed or reordered and no lane or rate changes.
/// `None` means the edit may change more.
fn updated_steps(edit: &Edit) -> Option<Vec<String>> {
    match edit {
        Edit::UpdateSteps(steps) => Some(steps.iter().map(|s| s.id.clone()).collect()),
        Edit::Batch(edits) => edits.iter().try_fold(Vec::new(), |mut ids, e| {
            ids.extend(updated_steps(e)?);
            Some(ids)
        }),
        _ => None,
    }
}
