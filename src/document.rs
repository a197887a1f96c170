//! An open map: the map itself, its undo history, and its cached ranking.
//! All changes go through [`Document::apply`], the single choke point that
//! undo, autosave and the ranking cache hook into.

use crate::edit::{Edit, EditError, apply};
use crate::history::History;
use crate::model::Map;
use crate::scoring::{Ranking, StepScore, rank, score_step};
use crate::store::MapId;

pub struct Document {
    pub id: MapId,
    map: Map,
    history: History,
    /// Bumped on every change; autosave compares it to `saved_revision`.
    revision: u64,
    saved_revision: u64,
    ranking: Ranking,
    step_scores: Vec<StepScore>,
    max_step_friction: f64,
}

impl Document {
    pub fn new(id: MapId, map: Map) -> Self {
        let mut doc = Self {
            id,
            ranking: rank(&map),
            map,
            history: History::default(),
            revision: 0,
            saved_revision: 0,
            step_scores: Vec::new(),
            max_step_friction: 0.0,
        };
        doc.rescore();
        doc
    }

    pub fn map(&self) -> &Map {
        &self.map
    }

    pub fn ranking(&self) -> &Ranking {
        &self.ranking
    }

    /// Scores in the same order as `map().steps`.
    pub fn step_scores(&self) -> &[StepScore] {
        &self.step_scores
    }

    /// The largest single step friction, for the heat colour scale.
    pub fn max_step_friction(&self) -> f64 {
        self.max_step_friction
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_saved(&self) -> bool {
        self.saved_revision == self.revision
    }

    pub fn mark_saved(&mut self, revision: u64) {
        self.saved_revision = self.saved_revision.max(revision);
    }

    /// Applies an edit as one undo step. Edits with the same `merge_key`
    /// in quick succession (typing in a field) merge into one step.
    pub fn apply(&mut self, edit: Edit, merge_key: Option<String>) -> Result<(), EditError> {
        let inverse = apply(&mut self.map, edit)?;
        self.history.record(inverse, merge_key);
        self.changed();
        Ok(())
    }

    pub fn undo(&mut self) -> bool {
        let Some(inverse) = self.history.take_undo() else {
            return false;
        };
        match apply(&mut self.map, inverse) {
            Ok(redo) => {
                self.history.push_redo(redo);
                self.changed();
                true
            }
            Err(_) => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.history.take_redo() else {
            return false;
        };
        match apply(&mut self.map, edit) {
            Ok(inverse) => {
                self.history.push_undo(inverse);
                self.changed();
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

    fn changed(&mut self) {
        self.revision += 1;
        self.rescore();
    }

    fn rescore(&mut self) {
        self.ranking = rank(&self.map);
        self.step_scores = self.map.steps.iter().map(|s| score_step(s, &self.map.rates)).collect();
        self.max_step_friction = self.step_scores.iter().map(|s| s.point.friction()).fold(0.0, f64::max);
    }
}
