//! A map's steps, with the columns scoring reads kept beside them.
//!
//! Ranking a million steps is bound by memory: a whole [`Step`] is over
//! 200 bytes, and scoring needs four values, a lane and the estimates. So
//! [`Steps`] keeps, for each step, a 40-byte [`ScoreRow`] with the values
//! and the lane, and for each step that has low or high estimates a
//! [`Range`] in a column of its own, in step order. The columns are written
//! again whenever a step is added, removed or changed, by every method
//! here, so they always describe the steps: there is no way to change a
//! step that skips them. Reading goes through `Deref` to `[Step]`.

use std::ops::{Deref, DerefMut};

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::{Attr, Estimates, Step};

/// A step's four values in [`Attr::ALL`] order.
pub type Values = [f64; 4];

/// The row of a step without low or high estimates has this as its range.
const NO_RANGE: u32 = u32::MAX;

/// What scoring reads of one step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoreRow {
    pub values: Values,
    /// An index into [`ScoreColumns::lane_ids`].
    pub lane: u32,
    /// An index into [`ScoreColumns::ranges`] when the step has low or high
    /// estimates, and out of its bounds otherwise.
    pub range: u32,
}

impl ScoreRow {
    fn has_range(&self) -> bool {
        self.range != NO_RANGE
    }
}

/// The step's values with its low, then its high estimates put in where
/// set: what its low and its high friction are computed from.
pub type Range = [Values; 2];

/// The scoring columns of all steps.
#[derive(Clone, Copy, Debug)]
pub struct ScoreColumns<'a> {
    /// A row per step, in step order.
    pub rows: &'a [ScoreRow],
    /// A range per step that has estimates, in step order.
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

/// A step's row (with no range yet) and its range, if it has estimates.
fn columns(lanes: &mut LaneIds, step: &Step) -> (ScoreRow, Option<Range>) {
    let point = Attr::ALL.map(|attr| step.value(attr));
    let row = ScoreRow {
        values: point,
        lane: lanes.number(&step.lane),
        range: NO_RANGE,
    };
    let range =
        (!step.low.is_empty() || !step.high.is_empty()).then(|| [with(point, &step.low), with(point, &step.high)]);
    (row, range)
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
            ranges: Vec::new(),
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

    /// Where the range of a step at row `i` belongs: after the ranges of
    /// the steps before it.
    fn ranges_before(&self, i: usize) -> usize {
        (self.rows[i..].iter())
            .find(|row| row.has_range())
            .map_or(self.ranges.len(), |row| row.range as usize)
    }

    /// Renumbers the ranges of the rows from `i` on after a range was
    /// inserted (`by` 1) or removed (`by` -1) before them.
    fn shift_ranges(&mut self, i: usize, by: i32) {
        for row in self.rows[i..].iter_mut().filter(|row| row.has_range()) {
            row.range = row.range.wrapping_add_signed(by);
        }
    }

    /// Puts `range` in the ranges column for a step whose row will be at
    /// `i`, with every row from `i` on still the old one; returns its index.
    fn insert_range(&mut self, i: usize, range: Range) -> u32 {
        let at = self.ranges_before(i);
        self.ranges.insert(at, range);
        self.shift_ranges(i, 1);
        at as u32
    }

    /// Takes out range `at`, of the row before row `i`.
    fn remove_range(&mut self, i: usize, at: u32) {
        self.ranges.remove(at as usize);
        self.shift_ranges(i, -1);
    }

    /// Writes step `i`'s columns again from the step.
    fn refresh(&mut self, i: usize) {
        let (mut row, range) = columns(&mut self.lanes, &self.list[i]);
        let old = self.rows[i].range;
        row.range = match (old != NO_RANGE, range) {
            (true, Some(range)) => {
                self.ranges[old as usize] = range;
                old
            }
            (false, Some(range)) => self.insert_range(i + 1, range),
            (true, None) => {
                self.remove_range(i + 1, old);
                NO_RANGE
            }
            (false, None) => NO_RANGE,
        };
        self.rows[i] = row;
    }

    pub fn push(&mut self, step: Step) {
        self.insert(self.list.len(), step);
    }

    /// Inserts `step` at `index`, or at the end when `index` is past it.
    pub fn insert(&mut self, index: usize, step: Step) {
        let index = index.min(self.list.len());
        let (mut row, range) = columns(&mut self.lanes, &step);
        if let Some(range) = range {
            row.range = self.insert_range(index, range);
        }
        self.list.insert(index, step);
        self.rows.insert(index, row);
    }

    /// Removes and returns step `index`.
    ///
    /// # Panics
    /// When `index` is out of bounds, as `Vec::remove` does.
    pub fn remove(&mut self, index: usize) -> Step {
        let row = self.rows.remove(index);
        if row.has_range() {
            self.remove_range(index, row.range);
        }
        self.list.remove(index)
    }

    /// Keeps only the steps for which `keep` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&Step) -> bool) {
        self.take_where(|s| !keep(s));
    }

    /// Keeps the first `len` steps.
    pub fn truncate(&mut self, len: usize) {
        let len = len.min(self.list.len());
        let ranges = self.ranges_before(len);
        self.ranges.truncate(ranges);
        self.rows.truncate(len);
        self.list.truncate(len);
    }

    /// Removes the steps that match, returning them with their indices.
    pub fn take_where(&mut self, mut matches: impl FnMut(&Step) -> bool) -> Vec<(usize, Step)> {
        let old = std::mem::take(self);
        let mut kept = Steps {
            lanes: old.lanes,
            ..Steps::with_capacity(old.list.len())
        };
        let mut taken = Vec::new();
        for (i, (step, mut row)) in old.list.into_iter().zip(old.rows).enumerate() {
            if matches(&step) {
                taken.push((i, step));
                continue;
            }
            if let Some(&range) = old.ranges.get(row.range as usize) {
                row.range = kept.ranges.len() as u32;
                kept.ranges.push(range);
            }
            kept.list.push(step);
            kept.rows.push(row);
        }
        *self = kept;
        taken
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
        let mut out = Steps {
            rows: Vec::with_capacity(list.len()),
            ..Steps::default()
        };
        for step in &list {
            let (mut row, range) = columns(&mut out.lanes, step);
            if let Some(range) = range {
                row.range = out.ranges.len() as u32;
                out.ranges.push(range);
            }
            out.rows.push(row);
        }
        out.list = list;
        out
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
    use proptest::prelude::*;

    use super::*;

    fn step(id: &str, lane: &str, volume: f64) -> Step {
        let mut s = Step::new(id, lane, id);
        s.volume_per_month = volume;
        s.handle_minutes = 2.0;
        s
    }

    /// The columns are what building them from scratch gives, number for
    /// number: each row's values, lane id and range, and no range left over.
    fn assert_columns_follow(steps: &Steps) {
        let fresh = Steps::from(steps.to_vec());
        let (now, then) = (steps.score_columns(), fresh.score_columns());
        assert_eq!(now.rows.len(), steps.len());
        assert_eq!(now.ranges, then.ranges);
        for (a, b) in now.rows.iter().zip(then.rows) {
            assert_eq!((a.values, a.range), (b.values, b.range));
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
        let columns = steps.score_columns();
        assert_eq!(columns.rows[1].range, 0);
        assert_eq!(columns.ranges, [[[99.0, 2.0, 0.0, 0.0], [99.0, 2.0, 0.5, 0.0]]]);
        assert_eq!(columns.lane_ids[columns.rows[1].lane as usize], "l9");
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

    /// One change to a list of steps, at an index taken modulo its length.
    #[derive(Clone, Debug)]
    enum Change {
        Push(Step),
        Insert(usize, Step),
        Remove(usize),
        Replace(usize, Step),
        /// Sets or clears one estimate through `get_mut`.
        Estimate(usize, bool),
        Truncate(usize),
        TakeLane(u8),
    }

    fn arb_step() -> impl Strategy<Value = Step> {
        (
            0u8..3,
            0.0f64..100.0,
            prop::option::of(0.0f64..10.0),
            prop::option::of(0.0f64..200.0),
        )
            .prop_map(|(lane, volume, low, high)| {
                let mut s = step("s", &format!("l{lane}"), volume);
                s.low.set(Attr::HandleMinutes, low);
                s.high.set(Attr::VolumePerMonth, high);
                s
            })
    }

    fn arb_change() -> impl Strategy<Value = Change> {
        prop_oneof![
            arb_step().prop_map(Change::Push),
            (any::<usize>(), arb_step()).prop_map(|(i, s)| Change::Insert(i, s)),
            any::<usize>().prop_map(Change::Remove),
            (any::<usize>(), arb_step()).prop_map(|(i, s)| Change::Replace(i, s)),
            (any::<usize>(), any::<bool>()).prop_map(|(i, on)| Change::Estimate(i, on)),
            any::<usize>().prop_map(Change::Truncate),
            (0u8..3).prop_map(Change::TakeLane),
        ]
    }

    proptest! {
        /// Any sequence of changes leaves the columns exactly as building
        /// them from the resulting steps would.
        #[test]
        fn columns_follow_any_sequence_of_changes(
            start in prop::collection::vec(arb_step(), 0..8),
            changes in prop::collection::vec(arb_change(), 0..24),
        ) {
            let mut steps = Steps::from(start);
            for change in changes {
                let n = steps.len().max(1);
                match change {
                    Change::Push(s) => steps.push(s),
                    Change::Insert(i, s) => steps.insert(i % (n + 1), s),
                    Change::Remove(i) if !steps.is_empty() => drop(steps.remove(i % n)),
                    Change::Replace(i, s) if !steps.is_empty() => drop(steps.replace(i % n, s)),
                    Change::Estimate(i, on) => {
                        if let Some(mut s) = steps.get_mut(i % n) {
                            s.low.set(Attr::ReworkRate, on.then_some(0.1));
                            s.high = Estimates::default();
                        }
                    }
                    Change::Truncate(i) => steps.truncate(i % (n + 1)),
                    Change::TakeLane(lane) => drop(steps.take_where(|s| s.lane == format!("l{lane}"))),
                    Change::Remove(_) | Change::Replace(..) => {}
                }
                assert_columns_follow(&steps);
            }
        }
    }
}
