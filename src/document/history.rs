//! Undo and redo as stacks of inverse edits. Each entry stores only what
//! changed, so history stays small even on very large maps.

use std::time::{Duration, Instant};

use crate::document::edit::Edit;

/// How long consecutive edits with the same merge key count as one step,
/// so typing a name is one undo step rather than one per key.
const MERGE_WINDOW: Duration = Duration::from_millis(1500);

/// Most undo steps kept; the oldest are forgotten first.
const MAX_ENTRIES: usize = 500;

struct Entry {
    inverse: Edit,
    merge_key: Option<String>,
    at: Instant,
}

#[derive(Default)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Edit>,
}

impl History {
    /// The undo step an edit with `merge_key` would merge into: the latest,
    /// while its run of edits with that key goes on.
    fn run(&self, merge_key: Option<&str>) -> Option<&Entry> {
        let top = self.undo.last()?;
        (merge_key.is_some() && top.merge_key.as_deref() == merge_key && top.at.elapsed() < MERGE_WINDOW).then_some(top)
    }

    /// Whether `edit`, with `merge_key`, puts back the state its run of
    /// merged edits started from: typing "4" on the way to "400" and then
    /// leaving the field, which puts 6 back, changes nothing to undo.
    pub fn ends_where_it_began(&self, edit: &Edit, merge_key: Option<&str>) -> bool {
        self.run(merge_key).is_some_and(|top| top.inverse == *edit)
    }

    /// Forgets the latest undo step, a run that ended where it began.
    pub fn forget_run(&mut self) {
        self.redo.clear();
        self.undo.pop();
    }

    /// Records the inverse of an edit that was just applied.
    pub fn record(&mut self, inverse: Edit, merge_key: Option<String>) {
        self.redo.clear();
        let now = Instant::now();
        if self.run(merge_key.as_deref()).is_some()
            && let Some(top) = self.undo.last_mut()
        {
            // Keep the older inverse: it restores the state before the run.
            top.at = now;
            return;
        }
        self.undo.push(Entry {
            inverse,
            merge_key,
            at: now,
        });
        if self.undo.len() > MAX_ENTRIES {
            self.undo.remove(0);
        }
    }

    /// Takes the edit that undoes the latest change.
    pub fn take_undo(&mut self) -> Option<Edit> {
        self.undo.pop().map(|e| e.inverse)
    }

    /// Stores the edit that redoes what was just undone.
    pub fn push_redo(&mut self, edit: Edit) {
        self.redo.push(edit);
    }

    /// Puts back an undo entry after a redo, without clearing redo.
    pub fn push_undo(&mut self, inverse: Edit) {
        self.undo.push(Entry {
            inverse,
            merge_key: None,
            at: Instant::now(),
        });
    }

    pub fn take_redo(&mut self) -> Option<Edit> {
        self.redo.pop()
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Ends any merge run, so the next edit starts a new undo step.
    pub fn seal(&mut self) {
        if let Some(top) = self.undo.last_mut() {
            top.merge_key = None;
        }
    }
}
