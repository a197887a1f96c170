//! Friction scoring: pure functions that turn a map into monthly costs per
//! step and per lane, and rank the lanes so one can be picked first.

pub mod certainty;
mod pert;

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::model::pick::Baseline;
use crate::domain::model::{Attr, Estimates, Map, Range, Rates, ScoreColumns, ScoreRow, Step, Values};

/// Monthly friction of one step or lane, split into its components.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Breakdown {
    pub handling: f64,
    pub delay: f64,
    pub rework: f64,
    pub touch_hours: f64,
}

impl Breakdown {
    pub fn friction(&self) -> f64 {
        self.handling + self.delay + self.rework
    }

    pub fn fte(&self, rates: &Rates) -> f64 {
        if rates.hours_per_fte_month > 0.0 {
            self.touch_hours / rates.hours_per_fte_month
        } else {
            0.0
        }
    }

    pub fn component(&self, component: Component) -> f64 {
        match component {
            Component::Handling => self.handling,
            Component::Rework => self.rework,
            Component::Delay => self.delay,
        }
    }

    fn add(&mut self, other: &Breakdown) {
        self.handling += other.handling;
        self.delay += other.delay;
        self.rework += other.rework;
        self.touch_hours += other.touch_hours;
    }
}

/// The three parts friction is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Component {
    Handling,
    Rework,
    Delay,
}

impl Component {
    pub const ALL: [Component; 3] = [Component::Handling, Component::Rework, Component::Delay];

    pub fn name(self) -> &'static str {
        match self {
            Component::Handling => "handling",
            Component::Rework => "rework",
            Component::Delay => "delay",
        }
    }
}

/// The attribute values one computation uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepValues {
    pub volume_per_month: f64,
    pub handle_minutes: f64,
    pub rework_rate: f64,
    pub approval_delay_hours: f64,
}

impl From<Values> for StepValues {
    fn from([volume_per_month, handle_minutes, rework_rate, approval_delay_hours]: Values) -> Self {
        Self {
            volume_per_month,
            handle_minutes,
            rework_rate,
            approval_delay_hours,
        }
    }
}

impl StepValues {
    pub fn point(step: &Step) -> Self {
        Self {
            volume_per_month: step.volume_per_month,
            handle_minutes: step.handle_minutes,
            rework_rate: step.rework_rate,
            approval_delay_hours: step.approval_delay_hours,
        }
    }

    /// The step's estimates where present, its point values elsewhere.
    pub fn with_estimates(step: &Step, estimates: &Estimates) -> Self {
        let pick = |attr: Attr| estimates.get(attr).unwrap_or(step.value(attr));
        Self {
            volume_per_month: pick(Attr::VolumePerMonth),
            handle_minutes: pick(Attr::HandleMinutes),
            rework_rate: pick(Attr::ReworkRate),
            approval_delay_hours: pick(Attr::ApprovalDelayHours),
        }
    }
}

/// The friction formula for one step, exactly as documented in the README.
pub fn score(values: &StepValues, rates: &Rates) -> Breakdown {
    let passes = 1.0 / (1.0 - values.rework_rate);
    let handling = values.volume_per_month * values.handle_minutes / 60.0 * rates.hourly_cost;
    let delay = values.volume_per_month * values.approval_delay_hours * rates.delay_cost_per_hour;
    let rework = (passes - 1.0) * (handling + delay);
    let touch_hours = values.volume_per_month * values.handle_minutes / 60.0 * passes;
    Breakdown {
        handling,
        delay,
        rework,
        touch_hours,
    }
}

/// A step's point, low and high friction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepScore {
    pub point: Breakdown,
    pub friction_low: f64,
    pub friction_high: f64,
}

pub fn score_step(step: &Step, rates: &Rates) -> StepScore {
    StepScore {
        point: score(&StepValues::point(step), rates),
        friction_low: score(&StepValues::with_estimates(step, &step.low), rates).friction(),
        friction_high: score(&StepValues::with_estimates(step, &step.high), rates).friction(),
    }
}

/// The single biggest contribution to a lane: which step, which component.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Driver {
    pub step_id: String,
    pub step_name: String,
    pub component: Component,
    pub amount: f64,
}

impl Driver {
    pub fn describe(&self) -> String {
        format!("{}: {}", self.step_name, self.component.name())
    }
}

/// One lane's place in the ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LaneScore {
    pub rank: usize,
    pub lane_id: String,
    pub lane: String,
    pub owner: String,
    pub monthly_friction: f64,
    pub handling: f64,
    pub rework: f64,
    pub delay: f64,
    pub friction_low: f64,
    pub friction_high: f64,
    pub share_pct: f64,
    pub cumulative_pct: f64,
    pub touch_hours: f64,
    pub fte: f64,
    pub steps: usize,
    pub top_driver: Option<Driver>,
}

impl LaneScore {
    /// The lane's figures as a pick keeps them from the day it was picked.
    pub fn baseline(&self) -> Baseline {
        Baseline {
            rank: self.rank,
            monthly_friction: self.monthly_friction,
            handling: self.handling,
            rework: self.rework,
            delay: self.delay,
            friction_low: self.friction_low,
            friction_high: self.friction_high,
            share_pct: self.share_pct,
            touch_hours: self.touch_hours,
            fte: self.fte,
        }
    }
}

/// Lanes ranked by monthly friction, highest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranking {
    pub currency: String,
    pub total_friction: f64,
    /// True when the top lane's low estimate beats the runner-up's high
    /// estimate, or when there is only one lane.
    pub clear_winner: bool,
    pub lanes: Vec<LaneScore>,
    /// Each lane's row in `lanes`, by lane id: the canvas looks up every
    /// lane in view each frame, and a map may have 30,000 lanes.
    #[serde(skip)]
    row_of: HashMap<String, usize>,
}

/// What the ranking can say about its top lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No lane has any friction yet: no steps, or no figures entered.
    NoFriction,
    /// One lane only: nothing to compare it with.
    OnlyLane,
    /// The top lane leads, but no low/high ranges were entered anywhere, so
    /// how sure the lead is cannot be told.
    NoRanges,
    /// The top lane's low estimate beats the runner-up's high estimate.
    ClearWinner,
    /// The top two lanes' ranges overlap (or, without ranges, they tie).
    TooClose,
}

impl Ranking {
    pub fn new(currency: String, total_friction: f64, clear_winner: bool, lanes: Vec<LaneScore>) -> Self {
        let mut ranking = Self {
            currency,
            total_friction,
            clear_winner,
            lanes,
            row_of: HashMap::new(),
        };
        ranking.index();
        ranking
    }

    pub fn top(&self) -> Option<&LaneScore> {
        self.lanes.first()
    }

    pub fn lane(&self, lane_id: &str) -> Option<&LaneScore> {
        self.row_of.get(lane_id).and_then(|&row| self.lanes.get(row))
    }

    /// Keeps only the lanes `keep` accepts (their ranks stay as they were).
    pub fn retain_lanes(&mut self, keep: impl FnMut(&LaneScore) -> bool) {
        self.lanes.retain(keep);
        self.index();
    }

    fn index(&mut self) {
        self.row_of = (self.lanes.iter().enumerate())
            .map(|(row, lane)| (lane.lane_id.clone(), row))
            .collect();
    }

    pub fn verdict(&self) -> Verdict {
        let [top, rest @ ..] = self.lanes.as_slice() else {
            return Verdict::NoFriction;
        };
        if self.total_friction <= 0.0 {
            return Verdict::NoFriction;
        }
        let Some(runner_up) = rest.first() else {
            return Verdict::OnlyLane;
        };
        // The low and high sums add per-step totals and the point sum adds
        // per-component ones, so without ranges they differ in the last bits.
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        let no_ranges = (self.lanes.iter())
            .all(|l| same(l.friction_low, l.monthly_friction) && same(l.friction_high, l.monthly_friction));
        match (no_ranges, self.clear_winner) {
            (true, _) if top.monthly_friction > runner_up.monthly_friction => Verdict::NoRanges,
            (false, true) => Verdict::ClearWinner,
            _ => Verdict::TooClose,
        }
    }
}

impl Ranking {
    /// The verdict as one line for text and pictures, without a closing
    /// full stop: the same rule the ranking panel shows.
    pub fn verdict_line(&self) -> String {
        let Some(top) = self.lanes.first() else {
            return "The map has no lanes yet".to_owned();
        };
        match self.verdict() {
            Verdict::NoFriction => {
                "No friction yet: enter volumes and minutes on the steps to rank the lanes".to_owned()
            }
            Verdict::OnlyLane => format!("Fix first: {} (the only lane)", top.lane),
            Verdict::NoRanges => format!(
                "Fix first: {} (it leads, but no ranges were entered to show whether the lead holds)",
                top.lane
            ),
            Verdict::ClearWinner => format!("Fix first: {} (clear winner)", top.lane),
            Verdict::TooClose => format!(
                "Too close to call: {}'s low estimate does not beat the runner-up's high estimate",
                top.lane
            ),
        }
    }
}

/// One lane's sums while scoring. The driver is kept as a step index and
/// turned into names only once, when the ranking is built.
#[derive(Clone, Copy, Debug, Default)]
struct LaneTotals {
    point: Breakdown,
    low: f64,
    high: f64,
    steps: usize,
    driver: Option<(usize, Component, f64)>,
}

impl LaneTotals {
    /// Adds step `index`. Steps must be added in map order, so sums and
    /// driver ties come out exactly as a full pass over the map gives them.
    #[inline]
    fn add(&mut self, index: usize, s: &StepScore) {
        self.point.add(&s.point);
        self.low += s.friction_low;
        self.high += s.friction_high;
        self.steps += 1;
        for component in Component::ALL {
            let amount = s.point.component(component);
            if amount > 0.0 && self.driver.is_none_or(|(_, _, best)| amount > best) {
                self.driver = Some((index, component, amount));
            }
        }
    }
}

/// Scores one step from its scoring columns: its row, and its range when
/// it has estimates. Without, the low and high friction are the point
/// friction. The result is exactly [`score_step`]'s.
#[inline]
fn score_row(row: &ScoreRow, range: Option<&Range>, rates: &Rates) -> StepScore {
    let point = score(&StepValues::from(row.values), rates);
    let friction = point.friction();
    let (friction_low, friction_high) = match range {
        Some([low, high]) => (
            score(&StepValues::from(*low), rates).friction(),
            score(&StepValues::from(*high), rates).friction(),
        ),
        None => (friction, friction),
    };
    StepScore {
        point,
        friction_low,
        friction_high,
    }
}

/// Marks a step whose lane does not exist.
const NO_LANE: u32 = u32::MAX;

/// Steps are summed in chunks of this many, each chunk from zero, and the
/// chunk sums are then added in order. Chunks can be scored on several
/// threads with the same result, to the last bit, as on one.
const CHUNK_STEPS: usize = 1 << 16;

/// Each lane id of the step columns ([`ScoreColumns::lane_ids`]) as an
/// index into the map's lanes, or [`NO_LANE`].
fn map_lanes(map: &Map, columns: &ScoreColumns) -> Vec<u32> {
    let index: HashMap<&str, u32> = (map.lanes.iter().enumerate())
        .map(|(i, l)| (l.id.as_str(), i as u32))
        .collect();
    (columns.lane_ids.iter())
        .map(|id| index.get(id.as_str()).copied().unwrap_or(NO_LANE))
        .collect()
}

/// Sums the steps in `steps` per lane id of the columns (not per lane of
/// the map: [`merge`] turns one into the other).
fn chunk_totals(columns: &ScoreColumns, steps: std::ops::Range<usize>, rates: &Rates) -> Vec<LaneTotals> {
    let mut totals = vec![LaneTotals::default(); columns.lane_ids.len()];
    let first = steps.start;
    for (k, row) in columns.rows[steps].iter().enumerate() {
        if let Some(t) = totals.get_mut(row.lane as usize) {
            let range = columns.ranges.get(row.range as usize);
            t.add(first + k, &score_row(row, range, rates));
        }
    }
    totals
}

/// Adds one chunk's sums, per lane id of the columns, to the running totals
/// per lane of the map; `lanes` maps one to the other.
fn merge(into: &mut [LaneTotals], chunk: &[LaneTotals], lanes: &[u32]) {
    for (c, &lane) in chunk.iter().zip(lanes) {
        if let Some(t) = into.get_mut(lane as usize) {
            merge_one(t, c);
        }
    }
}

/// Adds a later run of one lane's steps to its totals.
fn merge_one(t: &mut LaneTotals, c: &LaneTotals) {
    if c.steps == 0 {
        return;
    }
    t.point.add(&c.point);
    t.low += c.low;
    t.high += c.high;
    t.steps += c.steps;
    // Strictly greater, as step by step: on a tie the earlier step stays.
    if let Some(d) = c.driver
        && t.driver.is_none_or(|(_, _, best)| d.2 > best)
    {
        t.driver = Some(d);
    }
}

/// Below this many steps a map is scored on the calling thread only.
const PARALLEL_STEPS: usize = 4 * CHUNK_STEPS;

/// Scores every step, sums them per lane and ranks the lanes.
/// Steps whose lane does not exist are ignored; validation rejects them.
///
/// It reads only the steps' scoring columns (see [`crate::domain::model::Steps`]).
pub fn rank(map: &Map) -> Ranking {
    let columns = map.steps.score_columns();
    let n = columns.rows.len();
    let chunks: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(CHUNK_STEPS)
        .map(|first| first..(first + CHUNK_STEPS).min(n))
        .collect();
    let threads = if n < PARALLEL_STEPS {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |t| t.get())
            .min(chunks.len())
    };
    let rates = &map.rates;
    let per_chunk: Vec<Vec<LaneTotals>> = if threads <= 1 {
        (chunks.iter())
            .map(|steps| chunk_totals(&columns, steps.clone(), rates))
            .collect()
    } else {
        let per_thread = chunks.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let handles: Vec<_> = chunks
                .chunks(per_thread)
                .map(|group| {
                    scope.spawn(move || {
                        (group.iter())
                            .map(|steps| chunk_totals(&columns, steps.clone(), rates))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| match h.join() {
                    Ok(totals) => totals,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        })
    };
    let lanes = map_lanes(map, &columns);
    let mut totals = vec![LaneTotals::default(); map.lanes.len()];
    for chunk in &per_chunk {
        merge(&mut totals, chunk, &lanes);
    }
    finish(map, &totals)
}

/// Turns per-lane totals (in map lane order) into the ranking.
fn finish(map: &Map, totals: &[LaneTotals]) -> Ranking {
    let total_friction: f64 = totals.iter().map(|t| t.point.friction()).sum();
    let mut lanes: Vec<LaneScore> = map
        .lanes
        .iter()
        .zip(totals)
        .map(|(lane, t)| LaneScore {
            rank: 0,
            lane_id: lane.id.clone(),
            lane: lane.name.clone(),
            owner: lane.owner.clone(),
            monthly_friction: t.point.friction(),
            handling: t.point.handling,
            rework: t.point.rework,
            delay: t.point.delay,
            friction_low: t.low,
            friction_high: t.high,
            share_pct: 0.0,
            cumulative_pct: 0.0,
            touch_hours: t.point.touch_hours,
            fte: t.point.fte(&map.rates),
            steps: t.steps,
            top_driver: t.driver.and_then(|(i, component, amount)| {
                let step = map.steps.get(i)?;
                Some(Driver {
                    step_id: step.id.clone(),
                    step_name: step.name.clone(),
                    component,
                    amount,
                })
            }),
        })
        .collect();

    // Lanes are ordered by friction in whole cents, so sums that differ only
    // by floating-point rounding (the same steps in another order) tie, and
    // the tie goes by name as documented.
    let cents = |friction: f64| (friction * 100.0).round();
    lanes.sort_by(|a, b| {
        cents(b.monthly_friction)
            .total_cmp(&cents(a.monthly_friction))
            .then_with(|| a.lane.cmp(&b.lane))
            .then_with(|| a.lane_id.cmp(&b.lane_id))
    });
    let mut cumulative = 0.0;
    for (i, lane) in lanes.iter_mut().enumerate() {
        lane.rank = i + 1;
        lane.share_pct = if total_friction > 0.0 {
            lane.monthly_friction / total_friction * 100.0
        } else {
            0.0
        };
        cumulative += lane.share_pct;
        lane.cumulative_pct = cumulative;
    }
    let clear_winner = match lanes.as_slice() {
        [] | [_] => true,
        [top, runner_up, ..] => top.friction_low > runner_up.friction_high,
    };
    Ranking::new(map.currency.clone(), total_friction, clear_winner, lanes)
}

/// Every step's score and every lane's sums, kept between edits so that a
/// change to a few steps rescores only those steps and re-adds only their
/// lanes. The results are exactly those of [`rank`] and [`score_step`]: a
/// lane is always re-added from its cached step scores in map order.
#[derive(Clone, Debug, Default)]
pub struct ScoreCache {
    step_scores: Vec<StepScore>,
    step_lane: Vec<u32>,
    /// Each lane's step indices, ascending.
    lane_steps: Vec<Vec<u32>>,
    totals: Vec<LaneTotals>,
    max_step_friction: f64,
}

impl ScoreCache {
    /// Scores a whole map.
    pub fn new(map: &Map) -> Self {
        let columns = map.steps.score_columns();
        let lanes = map_lanes(map, &columns);
        let step_lane: Vec<u32> = columns.rows.iter().map(|row| lanes[row.lane as usize]).collect();
        let step_scores: Vec<StepScore> = (columns.rows.iter())
            .map(|row| score_row(row, columns.ranges.get(row.range as usize), &map.rates))
            .collect();
        let mut lane_steps = vec![Vec::new(); map.lanes.len()];
        for (i, &lane) in step_lane.iter().enumerate() {
            if let Some(list) = lane_steps.get_mut(lane as usize) {
                list.push(i as u32);
            }
        }
        let mut cache = Self {
            max_step_friction: max_friction(&step_scores),
            step_scores,
            step_lane,
            totals: vec![LaneTotals::default(); map.lanes.len()],
            lane_steps,
        };
        for lane in 0..map.lanes.len() {
            cache.readd_lane(lane);
        }
        cache
    }

    /// Rescores the steps at `changed` after their values, names, positions
    /// or lanes changed. The map's lanes, its rates and the number and order
    /// of its steps must be as they were when the cache was built.
    pub fn update_steps(&mut self, map: &Map, changed: &[usize]) {
        let mut dirty_lanes: Vec<u32> = Vec::new();
        let mut lost_max = false;
        let columns = map.steps.score_columns();
        for &i in changed {
            let (Some(step), Some(row), Some(slot)) =
                (map.steps.get(i), columns.rows.get(i), self.step_scores.get_mut(i))
            else {
                continue;
            };
            let old = *slot;
            *slot = score_row(row, columns.ranges.get(row.range as usize), &map.rates);
            let friction = slot.point.friction();
            if friction >= self.max_step_friction {
                self.max_step_friction = friction;
            } else if old.point.friction() >= self.max_step_friction {
                lost_max = true;
            }
            let old_lane = self.step_lane[i];
            let new_lane = map
                .lanes
                .iter()
                .position(|l| l.id == step.lane)
                .map_or(NO_LANE, |l| l as u32);
            if old_lane != new_lane {
                if let Some(list) = self.lane_steps.get_mut(old_lane as usize)
                    && let Ok(at) = list.binary_search(&(i as u32))
                {
                    list.remove(at);
                }
                if let Some(list) = self.lane_steps.get_mut(new_lane as usize)
                    && let Err(at) = list.binary_search(&(i as u32))
                {
                    list.insert(at, i as u32);
                }
                self.step_lane[i] = new_lane;
            }
            dirty_lanes.extend([old_lane, new_lane]);
        }
        dirty_lanes.sort_unstable();
        dirty_lanes.dedup();
        for lane in dirty_lanes {
            self.readd_lane(lane as usize);
        }
        if lost_max {
            self.max_step_friction = max_friction(&self.step_scores);
        }
    }

    /// Sums a lane again from its cached step scores, chunk by chunk as
    /// [`rank`] does, so the result is the same to the last bit.
    fn readd_lane(&mut self, lane: usize) {
        let (Some(t), Some(steps)) = (self.totals.get_mut(lane), self.lane_steps.get(lane)) else {
            return;
        };
        *t = LaneTotals::default();
        let mut chunk = LaneTotals::default();
        let mut chunk_index = None;
        for &i in steps {
            let i = i as usize;
            if chunk_index != Some(i / CHUNK_STEPS) {
                merge_one(t, &chunk);
                chunk = LaneTotals::default();
                chunk_index = Some(i / CHUNK_STEPS);
            }
            chunk.add(i, &self.step_scores[i]);
        }
        merge_one(t, &chunk);
    }

    /// The ranking of the map the cache follows.
    pub fn ranking(&self, map: &Map) -> Ranking {
        finish(map, &self.totals)
    }

    /// Scores in the same order as the map's steps.
    pub fn step_scores(&self) -> &[StepScore] {
        &self.step_scores
    }

    /// The largest single step friction.
    pub fn max_step_friction(&self) -> f64 {
        self.max_step_friction
    }
}

fn max_friction(scores: &[StepScore]) -> f64 {
    scores.iter().map(|s| s.point.friction()).fold(0.0, f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Lane, Map};

    fn rates() -> Rates {
        Rates {
            hourly_cost: 48.0,
            delay_cost_per_hour: 0.5,
            hours_per_fte_month: 140.0,
        }
    }

    fn step(lane: &str, id: &str, v: f64, m: f64, r: f64, d: f64) -> Step {
        let mut s = Step::new(id, lane, id);
        s.volume_per_month = v;
        s.handle_minutes = m;
        s.rework_rate = r;
        s.approval_delay_hours = d;
        s
    }

    // Worked by hand: 1200 items × 6 min = 120 h × 48 = 5,760 handling;
    // 1200 × 4 h × 0.5 = 2,400 delay; passes = 1/0.8 = 1.25, so rework is
    // 0.25 × 8,160 = 2,040; friction 10,200; touch hours 120 × 1.25 = 150.
    #[test]
    fn formula_matches_hand_calculation() {
        let b = score(&StepValues::point(&step("a", "s", 1200.0, 6.0, 0.2, 4.0)), &rates());
        assert!((b.handling - 5760.0).abs() < 1e-9);
        assert!((b.delay - 2400.0).abs() < 1e-9);
        assert!((b.rework - 2040.0).abs() < 1e-9);
        assert!((b.friction() - 10200.0).abs() < 1e-9);
        assert!((b.touch_hours - 150.0).abs() < 1e-9);
        assert!((b.fte(&rates()) - 150.0 / 140.0).abs() < 1e-12);
    }

    // 300 × 30 min = 150 h × 48 = 7,200; no delay, no rework.
    #[test]
    fn no_rework_means_one_pass() {
        let b = score(&StepValues::point(&step("a", "s", 300.0, 30.0, 0.0, 0.0)), &rates());
        assert_eq!(b.rework, 0.0);
        assert!((b.friction() - 7200.0).abs() < 1e-9);
        assert!((b.touch_hours - 150.0).abs() < 1e-9);
    }

    fn two_lane_map() -> Map {
        let mut map = Map::new("t");
        map.rates = rates();
        map.lanes = vec![Lane::new("a", "Alpha"), Lane::new("b", "Beta")];
        // Alpha: 10,200 (above) + 7,200 = 17,400. Beta: 7,200.
        map.steps = vec![
            step("a", "a1", 1200.0, 6.0, 0.2, 4.0),
            step("a", "a2", 300.0, 30.0, 0.0, 0.0),
            step("b", "b1", 300.0, 30.0, 0.0, 0.0),
        ]
        .into();
        map
    }

    #[test]
    fn ranks_lanes_with_shares_and_driver() {
        let r = rank(&two_lane_map());
        assert_eq!(r.lanes[0].lane, "Alpha");
        assert!((r.lanes[0].monthly_friction - 17400.0).abs() < 1e-9);
        assert!((r.total_friction - 24600.0).abs() < 1e-9);
        assert!((r.lanes[0].share_pct - 17400.0 / 24600.0 * 100.0).abs() < 1e-9);
        assert!((r.lanes[1].cumulative_pct - 100.0).abs() < 1e-9);
        let driver = r.lanes[0].top_driver.as_ref().unwrap();
        // a2's handling (7,200) beats a1's handling (5,760).
        assert_eq!((driver.step_id.as_str(), driver.component), ("a2", Component::Handling));
        assert_eq!(r.lanes[0].steps, 2);
        assert!(r.clear_winner);
    }

    #[test]
    fn overlapping_ranges_are_too_close_to_call() {
        let mut map = two_lane_map();
        // Beta's high estimate of volume reaches 900: 21,600 > Alpha's low.
        if let Some(mut s) = map.steps.get_mut(2) {
            s.high.set(Attr::VolumePerMonth, Some(900.0));
        }
        let r = rank(&map);
        assert!((r.lanes[1].friction_high - 21600.0).abs() < 1e-9);
        assert!(!r.clear_winner);
    }

    #[test]
    fn ties_go_by_name_then_id() {
        let mut map = Map::new("t");
        map.lanes = vec![Lane::new("z", "Same"), Lane::new("y", "Same"), Lane::new("x", "Also")];
        let r = rank(&map);
        let ids: Vec<_> = r.lanes.iter().map(|l| l.lane_id.as_str()).collect();
        assert_eq!(ids, ["x", "y", "z"]);
        // All three are zero, so the top lane cannot beat the runner-up.
        assert!(!r.clear_winner);
    }

    #[test]
    fn single_lane_is_a_clear_winner() {
        let mut map = two_lane_map();
        map.lanes.truncate(1);
        assert!(rank(&map).clear_winner);
    }

    #[test]
    fn the_verdict_never_calls_a_winner_without_friction_or_ranges() {
        let mut map = Map::new("t");
        assert_eq!(rank(&map).verdict(), Verdict::NoFriction);
        map.lanes = vec![Lane::new("a", "A")];
        assert_eq!(rank(&map).verdict(), Verdict::NoFriction, "one lane, nothing entered");
        let mut map = two_lane_map();
        assert_eq!(rank(&map).verdict(), Verdict::NoRanges, "no step has a low or high");
        if let Some(mut s) = map.steps.get_mut(2) {
            s.high.set(Attr::VolumePerMonth, Some(310.0));
        }
        assert_eq!(rank(&map).verdict(), Verdict::ClearWinner);
        if let Some(mut s) = map.steps.get_mut(2) {
            s.high.set(Attr::VolumePerMonth, Some(900.0));
        }
        assert_eq!(rank(&map).verdict(), Verdict::TooClose);
        map.lanes.truncate(1);
        assert_eq!(rank(&map).verdict(), Verdict::OnlyLane);
    }

    #[test]
    fn lanes_are_found_through_the_index() {
        let map = two_lane_map();
        let mut r = rank(&map);
        for lane in r.lanes.clone() {
            assert_eq!(r.lane(&lane.lane_id), Some(&lane));
        }
        let first = r.lanes[0].lane_id.clone();
        r.retain_lanes(|l| l.rank > 1);
        assert_eq!(r.lane(&first), None);
        assert_eq!(r.lane(&r.lanes[0].lane_id.clone()).map(|l| l.rank), Some(2));
    }
}
