//! A map's steps, with the columns scoring reads kept beside them.
//!
//! Ranking a million steps is bound by memory: a whole [`Step`] is over
//! 200 bytes, and scoring needs four values, a lane and whether there are
//! estimates. So [`Steps`] keeps, for each step, a 40-byte [`ScoreRow`] with
//! exactly that, and the step's low and high values in a column of their own
//! that scoring reads only for steps that have estimates. The rows are
//! written whenever a step is added or changed, by every method here, so
//! they always describe the steps: there is no way to change a step that
//! skips them. Reading goes through `Deref` to `[Step]`.

use std::ops::{Deref, DerefMut};

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Attr, Estimates, Step};

/// A step's four values in [`Attr::ALL`] order.
pub type Values = [f64; 4];

/// What scoring reads of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRow {
    pub values: Values,
    /// An index into [`ScoreColumns::lane_ids`].
    pub lane: u32,
    pub has_low: bool,
    pub has_high: bool,
}

/// The step's values with its low, then its high estimates put in where
/// set. Scoring reads it only when the row says there are estimates.
pub type Range = [Values; 2];

/// The scoring columns of all steps, in step order.
#[derive(Clone, Copy, Debug)]
pub struct ScoreColumns<'a> {
    pub rows: &'a [ScoreRow],
    pub ranges: &'a [Range],
    /// The lane ids the rows refer to. Ids no step uses any more may stay
    /// until the steps are rebuilt; ids are never repeated.
    pub lane_ids: &'a [CompactString],
}

/// The steps of a map, in order, with their scoring columns.
#[derive(Clone, Default)]
pub struct Steps {
    list: Vec<Step>,
    rows: Vec<ScoreRow>,
    ranges: Vec<Range>,
    lanes: LaneIds,
}

/// Lane ids numbered in the order steps first used them.
#[derive(Clone, Default)]
struct LaneIds {
    ids: Vec<CompactString>,
    index: FxHashMap<CompactString, u32>,
}

impl LaneIds {
    fn number(&mut self, id: &CompactString) -> u32 {
        if let Some(&n) = self.index.get(id) {
            return n;
        }
        let n = self.ids.len() as u32;
        self.ids.push(id.clone());
        self.index.insert(id.clone(), n);
        n
    }
}

/// A step's scoring columns.
fn columns(lanes: &mut LaneIds, step: &Step) -> (ScoreRow, Range) {
    let point = Attr::ALL.map(|attr| step.value(attr));
    let row = ScoreRow {
        values: point,
        lane: lanes.number(&step.lane),
        has_low: !step.low.is_empty(),
        has_high: !step.high.is_empty(),
    };
    (row, [with(point, &step.low), with(point, &step.high)])
}

fn with(point: Values, estimates: &Estimates) -> Values {
    let mut out = point;
    for (slot, attr) in out.iter_mut().zip(Attr::ALL) {
        if let Some(v) = estimates.get(attr) {
            *slot = v;
        }
    }
    out
}

impl Steps {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            list: Vec::with_capacity(capacity),
            rows: Vec::with_capacity(capacity),
            ranges: Vec::with_capacity(capacity),
            lanes: LaneIds::default(),
        }
    }

    /// The columns scoring reads.
    pub fn score_columns(&self) -> ScoreColumns<'_> {
        ScoreColumns {
            rows: &self.rows,
            ranges: &self.ranges,
            lane_ids: &self.lanes.ids,
        }
    }

    /// Writes step `i`'s columns again from the step.
    fn refresh(&mut self, i: usize) {
        (self.rows[i], self.ranges[i]) = columns(&mut self.lanes, &self.list[i]);
    }

    pub fn push(&mut self, step: Step) {
        let (row, range) = columns(&mut self.lanes, &step);
        self.list.push(step);
        self.rows.push(row);
        self.ranges.push(range);
    }

    /// Inserts `step` at `index`, or at the end when `index` is past it.
    pub fn insert(&mut self, index: usize, step: Step) {
        let index = index.min(self.list.len());
        let (row, range) = columns(&mut self.lanes, &step);
        self.list.insert(index, step);
        self.rows.insert(index, row);
        self.ranges.insert(index, range);
    }

    /// Removes the steps that match, returning them with their indices.
    pub fn take_where(&mut self, mut matches: impl FnMut(&Step) -> bool) -> Vec<(usize, Step)> {
        let mut taken = Vec::new();
        let mut kept = Steps {
            list: Vec::with_capacity(self.list.len()),
            rows: Vec::with_capacity(self.list.len()),
            ranges: Vec::with_capacity(self.list.len()),
            lanes: std::mem::take(&mut self.lanes),
        };
        let old = std::mem::take(self);
        for (i, ((step, row), range)) in old.list.into_iter().zip(old.rows).zip(old.ranges).enumerate() {
            if matches(&step) {
                taken.push((i, step));
            } else {
                kept.list.push(step);
                kept.rows.push(row);
                kept.ranges.push(range);
            }
        }
        *self = kept;
        taken
    }

    /// Removes and returns step `index`.
    ///
    /// # Panics
    /// When `index` is out of bounds, as `Vec::remove` does.
    pub fn remove(&mut self, index: usize) -> Step {
        self.rows.remove(index);
        self.ranges.remove(index);
        self.list.remove(index)
    }

    /// Keeps only the steps for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&Step) -> bool) {
        self.take_where(|s| !keep(s));
    }

    /// Keeps the first `len` steps.
    pub fn truncate(&mut self, len: usize) {
        self.list.truncate(len);
        self.rows.truncate(len);
        self.ranges.truncate(len);
    }

    /// Step `index` for changing; its columns are written again when the
    /// returned guard is dropped.
    pub fn get_mut(&mut self, index: usize) -> Option<StepMut<'_>> {
        (index < self.list.len()).then(|| StepMut { steps: self, index })
    }

    /// Puts `step` in place of step `index` and returns the old one.
    ///
    /// # Panics
    /// When `index` is out of bounds, as indexing a slice does.
    pub fn replace(&mut self, index: usize, step: Step) -> Step {
        let old = std::mem::replace(&mut self.list[index], step);
        self.refresh(index);
        old
    }

    /// Calls `f` on every step, in order, and writes the columns again.
    pub fn for_each_mut(&mut self, mut f: impl FnMut(usize, &mut Step)) {
        for i in 0..self.list.len() {
            f(i, &mut self.list[i]);
            self.refresh(i);
        }
    }

    pub fn into_vec(self) -> Vec<Step> {
        self.list
    }
}

/// One step borrowed for changing (see [`Steps::get_mut`]).
pub struct StepMut<'a> {
    steps: &'a mut Steps,
    index: usize,
}

impl Deref for StepMut<'_> {
    type Target = Step;

    fn deref(&self) -> &Step {
        &self.steps.list[self.index]
    }
}

impl DerefMut for StepMut<'_> {
    fn deref_mut(&mut self) -> &mut Step {
        &mut self.steps.list[self.index]
    }
}

impl Drop for StepMut<'_> {
    fn drop(&mut self) {
        self.steps.refresh(self.index);
    }
}

impl Deref for Steps {
    type Target = [Step];

    fn deref(&self) -> &[Step] {
        &self.list
    }
}

impl<'a> IntoIterator for &'a Steps {
    type Item = &'a Step;
    type IntoIter = std::slice::Iter<'a, Step>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl IntoIterator for Steps {
    type Item = Step;
    type IntoIter = std::vec::IntoIter<Step>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl Extend<Step> for Steps {
    fn extend<I: IntoIterator<Item = Step>>(&mut self, steps: I) {
        for step in steps {
            self.push(step);
        }
    }
}

impl FromIterator<Step> for Steps {
    fn from_iter<I: IntoIterator<Item = Step>>(steps: I) -> Self {
        Vec::from_iter(steps).into()
    }
}

impl From<Vec<Step>> for Steps {
    fn from(list: Vec<Step>) -> Self {
        let mut lanes = LaneIds::default();
        let (rows, ranges) = list.iter().map(|step| columns(&mut lanes, step)).unzip();
        Steps {
            list,
            rows,
            ranges,
            lanes,
        }
    }
}

/// Steps are equal when their steps are; the columns follow from them.
impl PartialEq for Steps {
    fn eq(&self, other: &Self) -> bool {
        self.list == other.list
    }
}

impl std::fmt::Debug for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.list.fmt(f)
    }
}

impl Serialize for Steps {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.list.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Steps {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Step>::deserialize(deserializer).map(Steps::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(id: &str, lane: &str, volume: f64) -> Step {
        let mut s = Step::new(id, lane, id);
        s.volume_per_month = volume;
        s.handle_minutes = 2.0;
        s
    }

    /// The columns as they would be built from scratch for the same steps.
    fn assert_columns_follow(steps: &Steps) {
        let fresh = Steps::from(steps.to_vec());
        let (now, then) = (steps.score_columns(), fresh.score_columns());
        assert_eq!(now.rows.len(), steps.len());
        assert_eq!(now.ranges, then.ranges);
        for (a, b) in now.rows.iter().zip(then.rows) {
            assert_eq!((a.values, a.has_low, a.has_high), (b.values, b.has_low, b.has_high));
            assert_eq!(now.lane_ids[a.lane as usize], then.lane_ids[b.lane as usize]);
        }
    }

    #[test]
    fn every_change_keeps_the_columns_in_step() {
        let mut steps: Steps = vec![step("a", "l1", 10.0), step("b", "l2", 20.0)].into();
        assert_columns_follow(&steps);
        steps.push(step("c", "l1", 30.0));
        steps.insert(0, step("z", "l3", 5.0));
        assert_columns_follow(&steps);
        if let Some(mut s) = steps.get_mut(1) {
            s.volume_per_month = 99.0;
            s.lane = "l9".into();
            s.high.set(Attr::ReworkRate, Some(0.5));
        }
        assert_columns_follow(&steps);
        let range = steps.score_columns().ranges[1];
        assert_eq!(range[1], [99.0, 2.0, 0.5, 0.0]);
        assert_eq!(range[0], [99.0, 2.0, 0.0, 0.0]);
        assert!(steps.score_columns().rows[1].has_high);
        let old = steps.replace(2, step("y", "l2", 7.0));
        assert_eq!(old.id, "b");
        assert_columns_follow(&steps);
        let taken = steps.take_where(|s| s.lane == "l1");
        assert_eq!(
            taken.iter().map(|(i, s)| (*i, s.id.as_str())).collect::<Vec<_>>(),
            [(3, "c")]
        );
        assert_columns_follow(&steps);
        steps.for_each_mut(|_, s| s.handle_minutes += 1.0);
        assert_columns_follow(&steps);
        assert!(steps.get_mut(steps.len()).is_none());
    }

    #[test]
    fn steps_read_and_write_as_a_plain_list() {
        let steps: Steps = vec![step("a", "l1", 10.0)].into();
        let json = serde_json::to_string(&steps).unwrap();
        assert_eq!(json, serde_json::to_string(&steps.to_vec()).unwrap());
        let back: Steps = serde_json::from_str(&json).unwrap();
        assert_eq!(back, steps);
        assert_columns_follow(&back);
    }
}
