//! How sure the pick is: a Monte Carlo of every uncertain input, and a
//! one-at-a-time swing of each input to see what could change the pick.
//!
//! Every step attribute with a low or a high estimate is drawn from a
//! Beta-PERT (shape 4) from its low through its value to its high
//! ([`pert`](super::pert)); everything else, the rates included, stays at
//! its value. One draw scores every step with [`score`] and sums each lane.
//! Over the draws it counts how often each lane is the costliest (lanes tied
//! in a draw share the draw), each lane's 10th, 50th and 90th percentiles
//! (linear between closest ranks, as numpy), and the expected regret of
//! picking the top lane of the point ranking.
//!
//! The draws of an attribute come from its own ChaCha8 stream (numbered
//! step × 4 + attribute, in the order volume, handling, rework, wait) of a
//! generator seeded with the map's seed: the same
//! map and seed give the same figures on every platform and however many
//! threads share the lanes. Lanes without uncertain steps are not drawn.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

use super::pert::{Draw, Pert, Sampler};
use super::{Ranking, StepValues, score};
use crate::domain::model::{Attr, Estimates, Map, Rates, Simulation, Values};
use crate::domain::money::NumberStyle;

/// One lane's chance of being the costliest and the spread of its friction.
#[derive(Clone, Debug, PartialEq)]
pub struct LaneChance {
    pub lane_id: String,
    /// Share of the draws in which the lane was the costliest, 0 to 1.
    pub p_costliest: f64,
    pub friction_p10: f64,
    pub friction_p50: f64,
    pub friction_p90: f64,
}

/// What setting one input to its low and then to its high does to the
/// pick, with every other input at its value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Swing {
    /// The step's index in the map.
    pub step: usize,
    pub attr: Attr,
    pub low: f64,
    pub high: f64,
    /// The point-ranked top lane's friction minus the costliest other lane's,
    /// with the input at its low and at its high: below zero, another lane
    /// is first.
    pub lead_at_low: f64,
    pub lead_at_high: f64,
}

impl Swing {
    pub fn changes_pick(&self) -> bool {
        self.lead_at_low < 0.0 || self.lead_at_high < 0.0
    }

    /// How far the lead moves between the input's low and its high.
    pub fn size(&self) -> f64 {
        (self.lead_at_high - self.lead_at_low).abs()
    }
}

/// The simulation's answer for one map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Certainty {
    pub draws: u32,
    pub seed: u64,
    /// Step attributes with a range, drawn in every scenario.
    pub uncertain_inputs: usize,
    /// One per lane, in the order of the ranking the simulation was given.
    pub lanes: Vec<LaneChance>,
    /// The mean, over draws, of the costliest lane's friction minus the top
    /// lane's: what picking the point ranking's top lane is expected to miss.
    pub expected_regret: f64,
    /// Inputs that change which lane is first, then the rest by the size
    /// of their swing (largest first).
    pub swings: Vec<Swing>,
    /// The draws of the ranking's first three lanes, sorted ascending, for
    /// the chart.
    pub top_draws: Vec<Vec<f64>>,
    /// Each lane's place in `lanes`, by lane id: the ranking table looks up
    /// the lanes in view every frame, and a map may have 30,000 lanes.
    row_of: HashMap<String, usize>,
}

impl Certainty {
    pub fn lane(&self, lane_id: &str) -> Option<&LaneChance> {
        self.row_of.get(lane_id).and_then(|&row| self.lanes.get(row))
    }

    /// The swings that change which lane is first.
    pub fn pick_changers(&self) -> impl Iterator<Item = &Swing> {
        self.swings.iter().take_while(|s| s.changes_pick())
    }
}

/// Two lanes whose chances of being the costliest are closer than this
/// (in points) are too close to call.
pub const TOO_CLOSE_POINTS: f64 = 15.0;

/// What the simulation says about the pick.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sureness {
    /// No lane has friction yet.
    NoFriction,
    /// One lane only: nothing to compare it with.
    OnlyLane,
    /// No step has a range: nothing is uncertain, so how sure the pick is
    /// cannot be told.
    NoRanges,
    /// The lane at this ranking row is the costliest in the most draws, by
    /// more than [`TOO_CLOSE_POINTS`] over the next.
    FixFirst { row: usize },
    /// The two lanes at these ranking rows, most often costliest first,
    /// are within [`TOO_CLOSE_POINTS`] of each other.
    TooClose { first: usize, second: usize },
}

impl Certainty {
    /// The two ranking rows most often costliest, the likelier first;
    /// equal chances go by the ranking's order. One pass: the verdict is
    /// drawn every frame.
    pub fn two_likeliest(&self) -> Option<(usize, usize)> {
        let mut best: [Option<usize>; 2] = [None, None];
        let chance = |row: Option<usize>| row.map_or(f64::NEG_INFINITY, |r| self.lanes[r].p_costliest);
        for (row, lane) in self.lanes.iter().enumerate() {
            if lane.p_costliest > chance(best[0]) {
                best = [Some(row), best[0]];
            } else if lane.p_costliest > chance(best[1]) {
                best[1] = Some(row);
            }
        }
        Some((best[0]?, best[1]?))
    }

    pub fn sureness(&self, ranking: &Ranking) -> Sureness {
        if ranking.lanes.is_empty() || ranking.total_friction <= 0.0 {
            return Sureness::NoFriction;
        }
        if ranking.lanes.len() == 1 {
            return Sureness::OnlyLane;
        }
        if self.uncertain_inputs == 0 {
            return Sureness::NoRanges;
        }
        let Some((first, second)) = self.two_likeliest() else {
            return Sureness::OnlyLane;
        };
        let gap = (self.lanes[first].p_costliest - self.lanes[second].p_costliest) * 100.0;
        if gap < TOO_CLOSE_POINTS {
            Sureness::TooClose { first, second }
        } else {
            Sureness::FixFirst { row: first }
        }
    }

    /// The verdict in one line, without a closing full stop: which lane to
    /// fix first and how sure that is, or which two are too close to call
    /// and which estimates to narrow.
    pub fn verdict_line(&self, map: &Map, ranking: &Ranking, fmt: NumberStyle) -> String {
        let name = |row: usize| ranking.lanes[row].lane.as_str();
        match self.sureness(ranking) {
            Sureness::NoFriction => ranking.verdict_line(),
            Sureness::OnlyLane => format!("Fix first: {} (the only lane)", name(0)),
            Sureness::NoRanges => format!(
                "Fix first: {} (no ranges entered: add low/high estimates to see how sure this is)",
                name(0)
            ),
            Sureness::FixFirst { row } => {
                let rank_note = if row == 0 {
                    String::new()
                } else {
                    format!(" (ranked {} on its point values)", ranking.lanes[row].rank)
                };
                format!(
                    "Fix first: {}, costliest in {} of {} scenarios{rank_note}",
                    name(row),
                    chance_text(fmt, self.lanes[row].p_costliest),
                    fmt.thousands(self.draws as f64, 0)
                )
            }
            Sureness::TooClose { first, second } => {
                let narrow = self.narrow_these(map, 3);
                let narrow = if narrow.is_empty() {
                    String::new()
                } else {
                    format!(". Narrow these estimates: {}", narrow.join("; "))
                };
                format!(
                    "Too close to call: {} {}, {} {}{narrow}",
                    name(first),
                    chance_text(fmt, self.lanes[first].p_costliest),
                    name(second),
                    chance_text(fmt, self.lanes[second].p_costliest),
                )
            }
        }
    }

    /// The inputs to narrow first, at most `most`, in words ("Check
    /// invoice's handling time"): those that could change the pick,
    /// else the largest swings.
    pub fn narrow_these(&self, map: &Map, most: usize) -> Vec<String> {
        (self.swings.iter().take(most))
            .filter_map(|s| {
                let step = map.steps.get(s.step)?;
                Some(format!("{}'s {}", step.name, s.attr.noun()))
            })
            .collect()
    }
}

/// A chance as a whole percent; "<1%" and ">99%" where rounding would
/// say never or always when it is not.
pub fn chance_text(fmt: NumberStyle, p: f64) -> String {
    let pct = p * 100.0;
    if pct > 0.0 && pct < 0.5 {
        "<1%".to_owned()
    } else if (99.5..100.0).contains(&pct) {
        ">99%".to_owned()
    } else {
        format!("{}%", fmt.thousands(pct, 0))
    }
}

/// About how many values a simulation of `map` draws: its estimates times
/// its draws. A run costs roughly a nanosecond a value.
pub fn values_to_draw(map: &Map) -> u64 {
    let estimates: u64 = (map.steps.iter())
        .filter(|s| !(s.low.is_empty() && s.high.is_empty()))
        .map(|s| {
            Attr::ALL
                .iter()
                .filter(|&&a| s.low.get(a).is_some() || s.high.get(a).is_some())
                .count() as u64
        })
        .sum();
    estimates * u64::from(map.simulation.draws)
}

/// One step with at least one uncertain attribute: its values, in the
/// order of [`Attr::ALL`], and a PERT for each uncertain one.
struct Uncertain {
    step: usize,
    point: Values,
    perts: [Option<Pert>; 4],
}

/// Runs the simulation of `map` with `settings`, for the lanes of
/// `ranking` (the map's point ranking). Returns `None` when `cancel` is
/// set before it ends.
pub fn simulate(map: &Map, ranking: &Ranking, settings: Simulation, cancel: &AtomicBool) -> Option<Certainty> {
    let draws = settings.draws.clamp(1, Simulation::MAX_DRAWS) as usize;
    let row_of: HashMap<&str, usize> = (ranking.lanes.iter().enumerate())
        .map(|(row, l)| (l.lane_id.as_str(), row))
        .collect();
    let mut fixed = vec![0.0_f64; ranking.lanes.len()];
    let mut uncertain: Vec<Vec<Uncertain>> = (0..ranking.lanes.len()).map(|_| Vec::new()).collect();
    let mut inputs = Vec::new();
    for (i, step) in map.steps.iter().enumerate() {
        let Some(&row) = row_of.get(step.lane.as_str()) else {
            continue;
        };
        let point = Attr::ALL.map(|attr| step.value(attr));
        let perts = Attr::ALL.map(|attr| {
            let value = step.value(attr);
            Pert::new(
                step.low.get(attr).unwrap_or(value),
                value,
                step.high.get(attr).unwrap_or(value),
            )
        });
        if perts.iter().all(Option::is_none) {
            fixed[row] += score(&StepValues::from(point), &map.rates).friction();
            continue;
        }
        for (attr, pert) in Attr::ALL.into_iter().zip(&perts) {
            if let Some(pert) = pert {
                let (low, high) = pert.bounds();
                inputs.push((i, row, attr, low, high));
            }
        }
        uncertain[row].push(Uncertain { step: i, point, perts });
    }

    let lanes = ranking.lanes.len();
    // Lanes without uncertain steps are the same in every draw: only the
    // costliest of them takes part in each draw.
    let drawn_lanes: Vec<usize> = (0..lanes).filter(|&row| !uncertain[row].is_empty()).collect();
    let mut still = Part::new(draws, lanes);
    for row in (0..lanes).filter(|&row| uncertain[row].is_empty()) {
        still.offer_fixed(row as u32, fixed[row]);
    }
    let threads = (std::thread::available_parallelism().map_or(1, |t| t.get()))
        .min(drawn_lanes.len())
        .max(1);
    let rates = map.rates;
    let seed = settings.seed;
    // Each thread takes every `threads`-th drawn lane and keeps, per draw,
    // the costliest lanes it has seen.
    let parts: Vec<Option<Part>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                let (fixed, uncertain, drawn_lanes) = (&fixed, &uncertain, &drawn_lanes);
                scope.spawn(move || {
                    let mut part = Part::new(draws, lanes);
                    let mut sums = vec![0.0; draws];
                    let mut scratch = Scratch::new(draws);
                    for &row in drawn_lanes.iter().skip(first).step_by(threads) {
                        sums.fill(fixed[row]);
                        for (k, step) in uncertain[row].iter().enumerate() {
                            if k % 64 == 0 && cancel.load(Ordering::Relaxed) {
                                return None;
                            }
                            add_draws(&mut sums, step, &rates, seed, &mut scratch);
                        }
                        part.offer(row as u32, &sums);
                    }
                    Some(part)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut merged = still;
    for part in parts {
        merged.merge(part?);
    }
    let chance = merged.chances(lanes);
    let top = merged.top.as_deref().unwrap_or(&[]);
    let expected_regret = if top.is_empty() {
        0.0
    } else {
        let still = merged.still.0;
        (merged.best.iter().zip(top))
            .map(|(best, t)| best.max(still) - t)
            .sum::<f64>()
            / draws as f64
    };
    let lanes_out = (ranking.lanes.iter().zip(&merged.spread).zip(&chance))
        .map(|((lane, spread), &hits)| LaneChance {
            lane_id: lane.lane_id.clone(),
            p_costliest: hits / draws as f64,
            friction_p10: spread[0],
            friction_p50: spread[1],
            friction_p90: spread[2],
        })
        .collect();
    let row_of = (ranking.lanes.iter().enumerate())
        .map(|(row, l)| (l.lane_id.clone(), row))
        .collect();
    Some(Certainty {
        draws: draws as u32,
        seed,
        uncertain_inputs: inputs.len(),
        lanes: lanes_out,
        row_of,
        expected_regret,
        swings: swings(map, ranking, &inputs),
        top_draws: merged.kept,
    })
}

/// The simulation with `settings`, run to its end: for a command or an
/// export, which nothing cancels.
pub fn simulate_to_end(map: &Map, ranking: &Ranking, settings: Simulation) -> Certainty {
    simulate(map, ranking, settings, &AtomicBool::new(false)).unwrap_or_default()
}

/// The random numbers of one step attribute's draws, in draw order: its
/// own ChaCha8 stream of the generator seeded with `seed`, as
/// little-endian 32-bit words.
fn randoms(seed: u64, step: usize, attr: usize, bytes: &mut Vec<u8>, out: &mut [u32]) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream((step as u64) * 4 + attr as u64);
    bytes.resize(out.len() * 4, 0);
    rng.fill_bytes(bytes);
    for (u, word) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *u = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
    }
}

/// What a thread reuses from one step to the next.
struct Scratch {
    bytes: Vec<u8>,
    randoms: Vec<u32>,
    values: Vec<[f64; 4]>,
}

impl Scratch {
    fn new(draws: usize) -> Self {
        Scratch {
            bytes: Vec::with_capacity(draws * 4),
            randoms: vec![0; draws],
            values: Vec::new(),
        }
    }
}

/// How one uncertain input moves a step's friction: `a + b·x`, or
/// `a / (1 − x)` for the rework rate.
#[derive(Clone, Copy)]
enum OneInput {
    Linear { base: f64, slope: f64 },
    Rework { k: f64 },
}

/// Adds one step's friction in every draw to `sums`.
fn add_draws(sums: &mut [f64], step: &Uncertain, rates: &Rates, seed: u64, scratch: &mut Scratch) {
    let drawn: Vec<(usize, &Pert)> = (step.perts.iter().enumerate())
        .filter_map(|(attr, p)| p.as_ref().map(|p| (attr, p)))
        .collect();
    if let [(attr, pert)] = drawn.as_slice() {
        randoms(seed, step.step, *attr, &mut scratch.bytes, &mut scratch.randoms);
        let p = StepValues::from(step.point);
        let per_item = p.handle_minutes / 60.0 * rates.hourly_cost + p.approval_delay_hours * rates.delay_cost_per_hour;
        let passes = 1.0 / (1.0 - p.rework_rate);
        let input = match Attr::ALL[*attr] {
            Attr::ReworkRate => OneInput::Rework {
                k: p.volume_per_month * per_item,
            },
            other => {
                let slope = match other {
                    Attr::VolumePerMonth => per_item * passes,
                    Attr::HandleMinutes => p.volume_per_month / 60.0 * rates.hourly_cost * passes,
                    _ => p.volume_per_month * rates.delay_cost_per_hour * passes,
                };
                let base = score(&p, rates).friction() - slope * step.point[*attr];
                OneInput::Linear { base, slope }
            }
        };
        match pert.sampler(sums.len()) {
            Sampler::Row(row) => add_one(sums, &scratch.randoms, &row, input),
            Sampler::Table(pert) => add_one(sums, &scratch.randoms, &pert, input),
        }
        return;
    }
    scratch.values.clear();
    scratch.values.resize(sums.len(), step.point);
    for &(attr, pert) in &drawn {
        randoms(seed, step.step, attr, &mut scratch.bytes, &mut scratch.randoms);
        match pert.sampler(sums.len()) {
            Sampler::Row(row) => set_values(&mut scratch.values, &scratch.randoms, &row, attr),
            Sampler::Table(pert) => set_values(&mut scratch.values, &scratch.randoms, &pert, attr),
        }
    }
    for (s, v) in sums.iter_mut().zip(&scratch.values) {
        *s += score(&StepValues::from(*v), rates).friction();
    }
}

/// Adds a step's friction with one uncertain input to every draw.
fn add_one(sums: &mut [f64], randoms: &[u32], draw: &impl Draw, input: OneInput) {
    match input {
        OneInput::Rework { k } => {
            for (s, &u) in sums.iter_mut().zip(randoms) {
                *s += k / (1.0 - draw.at(u));
            }
        }
        OneInput::Linear { base, slope } => {
            for (s, &u) in sums.iter_mut().zip(randoms) {
                *s += base + slope * draw.at(u);
            }
        }
    }
}

/// Puts attribute `attr` of every draw's values.
fn set_values(values: &mut [[f64; 4]], randoms: &[u32], draw: &impl Draw, attr: usize) {
    for (v, &u) in values.iter_mut().zip(randoms) {
        v[attr] = draw.at(u);
    }
}

/// What one thread found over its lanes.
struct Part {
    /// The highest lane friction in each draw.
    best: Vec<f64>,
    /// The first lane found with it.
    first: Vec<u32>,
    /// Other lanes that reached a draw's best, with the best they reached:
    /// only those equal to the final best count.
    ties: Vec<(u32, u32, f64)>,
    /// The costliest lanes whose friction is the same in every draw: their
    /// friction and their rows (kept once, not per draw: a map may have
    /// thousands of lanes without friction, all tied).
    still: (f64, Vec<u32>),
    /// Each lane's 10th, 50th and 90th percentiles, by ranking row.
    spread: Vec<[f64; 3]>,
    /// The top lane's draws (ranking row 0), in draw order.
    top: Option<Vec<f64>>,
    /// The first three lanes' draws, sorted, by ranking row.
    kept: Vec<Vec<f64>>,
}

impl Part {
    /// What a thread starts from, for `draws` draws of `lanes` lanes.
    fn new(draws: usize, lanes: usize) -> Self {
        Part {
            best: vec![f64::NEG_INFINITY; draws],
            first: vec![u32::MAX; draws],
            ties: Vec::new(),
            still: (f64::NEG_INFINITY, Vec::new()),
            spread: vec![[f64::NAN; 3]; lanes],
            top: None,
            kept: vec![Vec::new(); lanes.min(3)],
        }
    }

    /// Takes in one lane's friction in every draw.
    fn offer(&mut self, row: u32, sums: &[f64]) {
        for (d, &s) in sums.iter().enumerate() {
            if s > self.best[d] {
                self.best[d] = s;
                self.first[d] = row;
            } else if s == self.best[d] {
                self.ties.push((d as u32, row, s));
            }
        }
        let r = row as usize;
        if r == 0 {
            self.top = Some(sums.to_vec());
        }
        let mut sorted = sums.to_vec();
        self.spread[r] = percentiles(&mut sorted);
        if let Some(kept) = self.kept.get_mut(r) {
            sorted.sort_unstable_by(f64::total_cmp);
            *kept = sorted;
        }
    }

    fn merge(&mut self, other: Part) {
        for d in 0..self.best.len() {
            let (mine, theirs) = (self.best[d], other.best[d]);
            if theirs > mine {
                self.best[d] = theirs;
                self.first[d] = other.first[d];
            } else if theirs == mine && other.first[d] != u32::MAX {
                self.ties.push((d as u32, other.first[d], theirs));
            }
        }
        self.ties.extend(other.ties);
        if other.still.0 > self.still.0 {
            self.still = other.still;
        } else if other.still.0 == self.still.0 {
            self.still.1.extend(other.still.1);
        }
        // Each lane was taken in by one part only.
        for (mine, theirs) in self.spread.iter_mut().zip(other.spread) {
            if !theirs[0].is_nan() {
                *mine = theirs;
            }
        }
        for (mine, theirs) in self.kept.iter_mut().zip(other.kept) {
            if !theirs.is_empty() {
                *mine = theirs;
            }
        }
        if other.top.is_some() {
            self.top = other.top;
        }
    }

    /// Takes in a lane whose friction is the same in every draw. Only the
    /// costliest of such lanes are kept, with their ties.
    fn offer_fixed(&mut self, row: u32, friction: f64) {
        let r = row as usize;
        self.spread[r] = [friction; 3];
        if r == 0 {
            self.top = Some(vec![friction; self.best.len()]);
        }
        if let Some(kept) = self.kept.get_mut(r) {
            *kept = vec![friction; self.best.len()];
        }
        let (best, rows) = &mut self.still;
        if friction > *best {
            *best = friction;
            rows.clear();
            rows.push(row);
        } else if friction == *best {
            rows.push(row);
        }
    }

    /// Each lane's share of the draws in which it was the costliest, by
    /// ranking row: lanes tied in a draw share it.
    fn chances(&mut self, lanes: usize) -> Vec<f64> {
        let mut hits = vec![0.0_f64; lanes];
        self.ties.sort_unstable_by_key(|&(d, row, _)| (d, row));
        let mut ties = self.ties.iter().peekable();
        let mut tied = Vec::new();
        let (still_best, still_rows) = (self.still.0, self.still.1.len());
        // What each of the still lanes tied at the top gets, summed over the
        // draws: they all get the same.
        let mut still_hits = 0.0;
        for d in 0..self.best.len() {
            let best = self.best[d];
            tied.clear();
            if best >= still_best {
                tied.push(self.first[d]);
            }
            while let Some(&&(draw, row, value)) = ties.peek() {
                if draw as usize != d {
                    break;
                }
                if value == best && best >= still_best && row != self.first[d] {
                    tied.push(row);
                }
                ties.next();
            }
            let still_tied = if still_best >= best { still_rows } else { 0 };
            let share = 1.0 / (tied.len() + still_tied).max(1) as f64;
            for &row in &tied {
                if let Some(h) = hits.get_mut(row as usize) {
                    *h += share;
                }
            }
            if still_tied > 0 {
                still_hits += share;
            }
        }
        for &row in &self.still.1 {
            if let Some(h) = hits.get_mut(row as usize) {
                *h += still_hits;
            }
        }
        hits
    }
}

/// The 10th, 50th and 90th percentiles, linear between closest ranks as
/// numpy's default; reorders `values`.
fn percentiles(values: &mut [f64]) -> [f64; 3] {
    [0.1, 0.5, 0.9].map(|p| percentile(values, p))
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    let n = values.len();
    let at = p * (n - 1) as f64;
    let lo = at.floor() as usize;
    let (_, &mut below, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let next = above.iter().copied().fold(f64::INFINITY, f64::min);
    if lo + 1 >= n {
        below
    } else {
        below + (next - below) * (at - lo as f64)
    }
}

/// Each uncertain input at its low and at its high, with the lead of the
/// point ranking's top lane over the costliest other lane.
fn swings(map: &Map, ranking: &Ranking, inputs: &[(usize, usize, Attr, f64, f64)]) -> Vec<Swing> {
    let frictions: Vec<f64> = ranking.lanes.iter().map(|l| l.monthly_friction).collect();
    if frictions.len() < 2 {
        return Vec::new();
    }
    // The two costliest lanes after the top one: the costliest lane other
    // than the top and a given lane is one of them.
    let mut after: Vec<usize> = (1..frictions.len()).collect();
    after.sort_by(|&a, &b| frictions[b].total_cmp(&frictions[a]).then(a.cmp(&b)));
    let others_best = |except: usize| {
        (after.iter().take(2))
            .find(|&&row| row != except)
            .map_or(f64::NEG_INFINITY, |&row| frictions[row])
    };
    let runner_up = others_best(usize::MAX);
    let mut out: Vec<Swing> = (inputs.iter())
        .filter_map(|&(i, row, attr, low, high)| {
            let step = map.steps.get(i)?;
            let point = score(&StepValues::point(step), &map.rates).friction();
            let lead = |value: f64| {
                let values = StepValues::with_estimates(step, &Estimates::of(attr, value));
                let delta = score(&values, &map.rates).friction() - point;
                if row == 0 {
                    frictions[0] + delta - runner_up
                } else {
                    frictions[0] - (frictions[row] + delta).max(others_best(row))
                }
            };
            Some(Swing {
                step: i,
                attr,
                low,
                high,
                lead_at_low: lead(low),
                lead_at_high: lead(high),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (b.changes_pick().cmp(&a.changes_pick()))
            .then_with(|| b.size().total_cmp(&a.size()))
            .then_with(|| (a.step, a.attr as usize).cmp(&(b.step, b.attr as usize)))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{Lane, Step};
    use crate::scoring::rank;

    /// A lane per entry: (lane id, steps as (volume, minutes, low and high
    /// volume when uncertain)). At 60 an hour and no delay cost, a step's
    /// friction is volume × minutes.
    /// A step's volume, minutes, and low and high volume when uncertain.
    type Row = (f64, f64, Option<(f64, f64)>);

    fn map(lanes: &[(&str, &[Row])]) -> Map {
        let mut map = Map::new("t");
        map.rates = Rates {
            hourly_cost: 60.0,
            delay_cost_per_hour: 0.0,
            hours_per_fte_month: 140.0,
        };
        let mut steps = Vec::new();
        for (lane, list) in lanes {
            map.lanes.push(Lane::new(*lane, lane.to_uppercase()));
            for (k, &(volume, minutes, range)) in list.iter().enumerate() {
                let mut step = Step::new(format!("{lane}{k}"), *lane, format!("{lane} step {k}"));
                step.volume_per_month = volume;
                step.handle_minutes = minutes;
                if let Some((low, high)) = range {
                    step.low.set(Attr::VolumePerMonth, Some(low));
                    step.high.set(Attr::VolumePerMonth, Some(high));
                }
                steps.push(step);
            }
        }
        map.steps = steps.into();
        map
    }

    fn run(map: &Map, draws: u32, seed: u64) -> Certainty {
        let ranking = rank(map);
        simulate(map, &ranking, Simulation { draws, seed }, &AtomicBool::new(false)).unwrap()
    }

    #[test]
    fn a_pert_against_a_fixed_lane_matches_the_beta_cdf() {
        // A: volume PERT(0, 50, 100) at 30 min, so friction 30·V and
        // V/100 ~ Beta(3, 3). B: fixed at 2,100, reached at V = 70. A is
        // costliest when V > 70: 1 − I(0.7; 3, 3) = 0.16308.
        let map = map(&[("a", &[(50.0, 30.0, Some((0.0, 100.0)))]), ("b", &[(70.0, 30.0, None)])]);
        let exact = 1.0 - crate::scoring::pert::tests::beta_cdf_whole(3, 0.7);
        let got = run(&map, 200_000, 7);
        let a = got.lane("a").unwrap();
        // 200,000 draws: a standard error of 0.0008; four of them.
        assert!(
            (a.p_costliest - exact).abs() < 0.0033,
            "{} against {exact}",
            a.p_costliest
        );
        assert!((got.lane("b").unwrap().p_costliest - (1.0 - exact)).abs() < 0.0033);
        // B is the top lane on point values (2,100 against 1,500), so the
        // regret is E[max(30·V − 2,100, 0)] = 3,000·E[max(X − 0.7, 0)],
        // X ~ Beta(3, 3): the integral of 30x²(1−x)²(x − 0.7) over 0.7–1.
        let n = 100_000;
        let tail: f64 = (0..n)
            .map(|i| {
                let x = 0.7 + 0.3 * (i as f64 + 0.5) / n as f64;
                30.0 * x * x * (1.0 - x) * (1.0 - x) * (x - 0.7) * 0.3 / n as f64
            })
            .sum();
        assert!((got.expected_regret - 3000.0 * tail).abs() < 0.05 * 3000.0 * tail);
        // The percentiles of 30·V: 3,000 × the Beta(3, 3) quantiles.
        let median = 3000.0 * 0.5;
        assert!((a.friction_p50 - median).abs() < 15.0, "{}", a.friction_p50);
        let b = got.lane("b").unwrap();
        assert_eq!([b.friction_p10, b.friction_p50, b.friction_p90], [2100.0; 3]);
    }

    #[test]
    fn lanes_tied_in_a_draw_share_it() {
        let map = map(&[
            ("a", &[(10.0, 6.0, None)]),
            ("b", &[(20.0, 3.0, None)]),
            ("c", &[(1.0, 1.0, None)]),
        ]);
        let got = run(&map, 1000, 1);
        let chances: Vec<f64> = got.lanes.iter().map(|l| l.p_costliest).collect();
        assert_eq!(chances, [0.5, 0.5, 0.0]);
        assert_eq!(got.expected_regret, 0.0);
        // A lane with an uncertain input that can only tie or lose: the
        // ties share and the shares add up to one.
        let map = self::map(&[("a", &[(10.0, 6.0, None)]), ("b", &[(10.0, 6.0, Some((5.0, 10.0)))])]);
        let got = run(&map, 1000, 1);
        let total: f64 = got.lanes.iter().map(|l| l.p_costliest).sum();
        assert!((total - 1.0).abs() < 1e-12);
        assert!(got.lane("a").unwrap().p_costliest > 0.99);
    }

    #[test]
    fn thousands_of_lanes_without_friction_share_every_draw_in_little_memory() {
        let mut many = map(&[("a", &[(0.0, 0.0, Some((0.0, 0.0)))])]);
        many.lanes = (0..5_000)
            .map(|i| Lane::new(format!("l{i}"), format!("L{i}")))
            .collect();
        // Kept per draw, the ties of 5,000 lanes would be 50 million entries.
        let got = run(&many, 10_000, 1);
        assert_eq!(got.lanes.len(), 5_000);
        assert!(got.lanes.iter().all(|l| (l.p_costliest - 1.0 / 5_000.0).abs() < 1e-12));
        // One drawn lane above them all: it takes every draw.
        let mut one = many.clone();
        let mut step = Step::new("s", "l7", "s");
        step.volume_per_month = 10.0;
        step.handle_minutes = 6.0;
        step.high.set(Attr::VolumePerMonth, Some(20.0));
        one.steps = vec![step].into();
        let got = run(&one, 1_000, 1);
        assert_eq!(got.lanes[0].lane_id, "l7");
        assert_eq!(got.lanes[0].p_costliest, 1.0);
        assert!(got.lanes[1..].iter().all(|l| l.p_costliest == 0.0));
    }

    #[test]
    fn without_ranges_nothing_is_drawn_and_the_top_lane_is_always_first() {
        let map = map(&[("a", &[(10.0, 6.0, None)]), ("b", &[(5.0, 6.0, None)])]);
        let got = run(&map, 10_000, 1);
        assert_eq!(got.uncertain_inputs, 0);
        assert_eq!(got.lanes[0].p_costliest, 1.0);
        assert_eq!(got.lanes[0].friction_p90, 60.0);
        assert!(got.swings.is_empty());
    }

    #[test]
    fn the_same_seed_gives_the_same_figures_and_another_seed_close_ones() {
        let map = map(&[
            ("a", &[(100.0, 6.0, Some((60.0, 180.0))), (40.0, 5.0, None)]),
            ("b", &[(120.0, 6.0, Some((100.0, 140.0)))]),
            ("c", &[(10.0, 6.0, Some((5.0, 200.0)))]),
        ]);
        let one = run(&map, 10_000, 42);
        assert_eq!(one, run(&map, 10_000, 42));
        let other = run(&map, 10_000, 43);
        assert_ne!(one, other);
        for (x, y) in one.lanes.iter().zip(&other.lanes) {
            // Two runs: the difference has a standard error of at most 0.7
            // points; four of them.
            assert!((x.p_costliest - y.p_costliest).abs() < 0.028, "{x:?} {y:?}");
        }
    }

    #[test]
    fn a_cancelled_run_gives_nothing() {
        let map = map(&[("a", &[(100.0, 6.0, Some((60.0, 180.0)))]), ("b", &[(1.0, 6.0, None)])]);
        let ranking = rank(&map);
        assert_eq!(
            simulate(&map, &ranking, Simulation::default(), &AtomicBool::new(true)),
            None
        );
    }

    #[test]
    fn swings_that_change_the_pick_come_first() {
        // A leads B by 100 (1,000 against 900). B's first step at its high
        // (200 instead of 100, 3 min) adds 300: B would be first. A's step
        // at its low takes 50 off A: the lead stays.
        let map = map(&[
            ("a", &[(100.0, 10.0, Some((95.0, 150.0)))]),
            ("b", &[(100.0, 3.0, Some((90.0, 200.0))), (100.0, 6.0, None)]),
        ]);
        let got = run(&map, 100, 1);
        let [first, second] = got.swings.as_slice() else {
            panic!("{:?}", got.swings)
        };
        assert_eq!((first.step, first.attr), (1, Attr::VolumePerMonth));
        assert!(first.changes_pick());
        assert!((first.lead_at_high - -200.0).abs() < 1e-9);
        assert!((first.lead_at_low - 130.0).abs() < 1e-9);
        assert_eq!(second.step, 0);
        assert!(!second.changes_pick());
        assert!((second.lead_at_low - 50.0).abs() < 1e-9);
        assert!((second.lead_at_high - 600.0).abs() < 1e-9);
        assert_eq!(got.pick_changers().count(), 1);
    }

    #[test]
    fn the_verdict_names_the_lane_or_says_it_is_too_close() {
        let fmt = NumberStyle::POINT;
        // Two lanes alike: about half each.
        let close = map(&[
            ("a", &[(100.0, 10.0, Some((50.0, 150.0)))]),
            ("b", &[(99.0, 10.0, Some((50.0, 150.0)))]),
        ]);
        let got = run(&close, 10_000, 1);
        let ranking = rank(&close);
        assert!(matches!(got.sureness(&ranking), Sureness::TooClose { .. }));
        let line = got.verdict_line(&close, &ranking, fmt);
        assert!(line.starts_with("Too close to call: A "), "{line}");
        assert!(
            line.contains("Narrow these estimates: a step 0's volume; b step 0's volume"),
            "{line}"
        );
        // Without ranges, it says so instead of calling a winner.
        let bare = map(&[("a", &[(100.0, 10.0, None)]), ("b", &[(50.0, 10.0, None)])]);
        let line = run(&bare, 100, 1).verdict_line(&bare, &rank(&bare), fmt);
        assert!(line.contains("no ranges entered"), "{line}");
        // A lane ranked second on point values that is costlier in most
        // scenarios: its range reaches far higher.
        let skewed = map(&[
            ("a", &[(100.0, 10.0, Some((95.0, 105.0)))]),
            ("b", &[(95.0, 10.0, Some((90.0, 400.0)))]),
        ]);
        let got = run(&skewed, 10_000, 1);
        let ranking = rank(&skewed);
        assert_eq!(ranking.lanes[0].lane_id, "a");
        assert_eq!(got.sureness(&ranking), Sureness::FixFirst { row: 1 });
        let line = got.verdict_line(&skewed, &ranking, fmt);
        assert!(line.starts_with("Fix first: B, costliest in "), "{line}");
        assert!(line.ends_with("(ranked 2 on its point values)"), "{line}");
        assert_eq!(chance_text(fmt, 0.001), "<1%");
        assert_eq!(chance_text(fmt, 0.996), ">99%");
        assert_eq!(chance_text(fmt, 1.0), "100%");
    }

    #[test]
    fn percentiles_interpolate_between_closest_ranks_as_numpy() {
        let mut values = [4.0, 1.0, 3.0, 2.0];
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
        let got = percentiles(&mut values);
        for (g, want) in got.iter().zip([1.3, 2.5, 3.7]) {
            assert!((g - want).abs() < 1e-12, "{got:?}");
        }
        assert_eq!(percentiles(&mut [5.0]), [5.0; 3]);
    }
}
