//! Synthetic maps of any size for benchmarks and tests: `frictionmap gen`.
//!
//! The values have realistic spreads (log-normal volumes, mostly low rework,
//! mostly no approval delay) and the layout is the editor's: steps left to
//! right in rows inside their lane. The same parameters always give the same
//! map; the random numbers come from a small built-in splitmix64 generator.

use std::collections::HashSet;

use crate::domain::model::{Attr, Edge, Estimates, Lane, Map, Rates, Step, Steps};

/// The most steps a generated map may have.
pub const MAX_STEPS: usize = 2_000_000;
/// The most edges a generated map may have.
pub const MAX_EDGES: usize = 10_000_000;
/// Steps per row inside a lane before the next row starts.
pub const COLUMNS_PER_ROW: usize = 60;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GenParams {
    pub lanes: usize,
    pub steps: usize,
    /// Wanted edges; capped at [`max_edges`].
    pub edges: usize,
    pub seed: u64,
}

impl GenParams {
    /// Checks the sizes; the message says what is wrong and what is allowed.
    pub fn check(&self) -> Result<(), String> {
        if self.lanes == 0 {
            return Err("--lanes must be at least 1".to_owned());
        }
        if self.steps < self.lanes {
            return Err(format!(
                "--steps {} is fewer than --lanes {}; every lane needs at least one step",
                self.steps, self.lanes
            ));
        }
        if self.steps > MAX_STEPS {
            return Err(format!("--steps {} is above the maximum {MAX_STEPS}", self.steps));
        }
        if self.edges > MAX_EDGES {
            return Err(format!("--edges {} is above the maximum {MAX_EDGES}", self.edges));
        }
        Ok(())
    }

    /// The edges [`generate`] will actually write: the wanted number, capped
    /// at what is possible without self-edges or duplicates.
    pub fn edges_written(&self) -> usize {
        self.edges.min(max_edges(self.steps))
    }
}

/// The most distinct edges between `steps` steps, without self-edges.
pub fn max_edges(steps: usize) -> usize {
    steps.saturating_mul(steps.saturating_sub(1))
}

/// splitmix64: tiny, fast and good enough for synthetic data.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Log-uniform in `[lo, hi)`, both above 0.
    pub fn log_range(&mut self, lo: f64, hi: f64) -> f64 {
        self.range(lo.ln(), hi.ln()).exp()
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const TOPICS: &[&str] = &[
    "Invoice matching",
    "Vendor onboarding",
    "Expense claims",
    "Customer KYC",
    "Claims intake",
    "Access requests",
    "Purchase approvals",
    "Payroll changes",
    "Contract review",
    "Credit checks",
    "Returns handling",
    "Order entry",
    "Month-end close",
    "Complaint triage",
    "New hire setup",
    "Price changes",
    "Dispute resolution",
    "Stock reconciliation",
    "Travel booking",
    "Policy renewals",
];

const OWNERS: &[&str] = &[
    "Dana Ruiz, AP lead",
    "Sam Okafor, operations manager",
    "Priya Nair, finance controller",
    "Lee Chen, service desk lead",
    "Maria Rossi, claims supervisor",
    "Tom Becker, procurement lead",
    "Aisha Khan, HR operations",
    "Jonas Berg, compliance officer",
    "Grace Liu, customer success lead",
    "Omar Haddad, IT operations",
];

const VERBS: &[&str] = &[
    "Capture",
    "Check",
    "Validate",
    "Enter",
    "Approve",
    "Reconcile",
    "Chase",
    "Review",
    "Route",
    "Correct",
    "Match",
    "Escalate",
    "File",
    "Notify about",
    "Update",
];

const OBJECTS: &[&str] = &[
    "invoice",
    "purchase order",
    "customer record",
    "ID documents",
    "claim form",
    "access request",
    "bank details",
    "contract terms",
    "credit limit",
    "delivery note",
    "exception",
    "ledger entry",
    "approval email",
    "spreadsheet",
    "ticket",
];

/// Rounds to a multiple of `step`.
fn round_to(value: f64, step: f64) -> f64 {
    (value / step).round() * step
}

fn step_values(rng: &mut SplitMix64, step: &mut Step) {
    // Volumes: log-normal around ~400 a month, kept within 10..20,000.
    let volume = (6.0 + 1.4 * rng.normal()).exp().clamp(10.0, 20_000.0).round();
    // Hands-on minutes: log-uniform 0.5..90, to the tenth of a minute.
    let minutes = round_to(rng.log_range(0.5, 90.0), 0.1).clamp(0.5, 90.0);
    // Rework: mostly a few percent, sometimes a lot.
    let rework = match rng.unit() {
        u if u < 0.70 => rng.range(0.0, 0.05),
        u if u < 0.95 => rng.range(0.05, 0.15),
        _ => rng.range(0.15, 0.40),
    };
    let rework = round_to(rework, 0.005).clamp(0.0, 0.4);
    // Approval delay: usually none, else 2..72 working hours.
    let delay = if rng.chance(0.75) {
        0.0
    } else {
        round_to(rng.log_range(2.0, 72.0), 0.5).clamp(2.0, 72.0)
    };
    step.volume_per_month = volume;
    step.handle_minutes = minutes;
    step.rework_rate = rework;
    step.approval_delay_hours = delay;

    // About one step in five carries a low/high estimate of one value.
    if rng.chance(0.2) {
        let (low, high) = (rng.range(0.5, 0.9), rng.range(1.1, 1.8));
        match rng.below(4) {
            0 => {
                step.low.set(Attr::VolumePerMonth, Some((volume * low).floor()));
                step.high.set(Attr::VolumePerMonth, Some((volume * high).ceil()));
            }
            1 => {
                step.low
                    .set(Attr::HandleMinutes, Some(round_to(minutes * low, 0.1).min(minutes)));
                step.high
                    .set(Attr::HandleMinutes, Some(round_to(minutes * high, 0.1).max(minutes)));
            }
            2 => {
                step.low
                    .set(Attr::ReworkRate, Some(round_to(rework * low, 0.005).min(rework)));
                step.high.set(
                    Attr::ReworkRate,
                    Some(round_to((rework * high).max(rework + 0.02), 0.005).clamp(rework, 0.95)),
                );
            }
            _ => {
                step.low.set(
                    Attr::ApprovalDelayHours,
                    (delay > 0.0).then(|| round_to(delay * low, 0.5).min(delay)),
                );
                step.high.set(
                    Attr::ApprovalDelayHours,
                    Some(round_to((delay * high).max(4.0), 0.5).max(delay)),
                );
            }
        }
    }
    if step.low == Estimates::default() && step.high == Estimates::default() {
        return;
    }
    step.notes = "Estimate from a sampled week; refine with the team.".to_owned();
}

/// Generates a synthetic map. Parameters should pass [`GenParams::check`];
/// out-of-range ones are clamped rather than refused (at least one lane and
/// one step per lane), and the edges are capped at [`max_edges`].
pub fn generate(params: &GenParams) -> Map {
    let lanes = params.lanes.max(1);
    let steps = params.steps.max(lanes);
    let mut rng = SplitMix64::new(params.seed ^ 0x6672_6963_7469_6f6e);

    let mut map = Map::new(format!(
        "Synthetic map: {lanes} lanes, {steps} steps (seed {})",
        params.seed
    ));
    map.notes = "Generated by `frictionmap gen` for performance tests; the figures are made up.".to_owned();
    map.rates = Rates {
        hourly_cost: 48.0,
        delay_cost_per_hour: 0.35,
        ..Rates::default()
    };

    let width = lanes.to_string().len().max(2);
    map.lanes = (0..lanes)
        .map(|i| {
            let topic = TOPICS[i % TOPICS.len()];
            let mut lane = Lane::new(
                format!("lane-{:0width$}", i + 1),
                format!("Lane {:0width$}: {topic}", i + 1),
            );
            lane.owner = rng.pick(OWNERS).to_string();
            if rng.chance(0.3) {
                lane.effort_weeks = Some(f64::from(2 + rng.below(23) as u32));
            }
            lane
        })
        .collect();

    // Steps are split as evenly as possible; `starts[l]` is lane l's first
    // step, so lane l holds steps starts[l]..starts[l + 1].
    let starts: Vec<usize> = (0..=lanes).map(|l| l * steps / lanes).collect();
    map.steps = Steps::with_capacity(steps);
    for lane in 0..lanes {
        for k in 0..starts[lane + 1] - starts[lane] {
            let n = map.steps.len() + 1;
            let name = format!("{} {}", rng.pick(VERBS), rng.pick(OBJECTS));
            let mut step = Step::new(format!("s{n}"), map.lanes[lane].id.clone(), name);
            let (col, row) = (k % COLUMNS_PER_ROW, k / COLUMNS_PER_ROW);
            step.x = (40 + 220 * col) as f32;
            step.y = (32 + 120 * row) as f32;
            step_values(&mut rng, &mut step);
            map.steps.push(step);
        }
    }

    let pairs = edge_pairs(&mut rng, &starts, params.edges.min(max_edges(steps)));
    map.edges = pairs
        .into_iter()
        .map(|(a, b)| Edge {
            from: map.steps[a].id.clone(),
            to: map.steps[b].id.clone(),
        })
        .collect();
    map
}

/// Exactly `wanted` distinct edges (as step indices, never a self-edge):
/// about 85% chaining neighbours inside a lane, the rest hand-offs between
/// lanes, then other forward links inside lanes or anywhere to fill up.
fn edge_pairs(rng: &mut SplitMix64, starts: &[usize], wanted: usize) -> Vec<(usize, usize)> {
    let lanes = starts.len() - 1;
    let steps = starts[lanes];
    let mut seen: HashSet<(usize, usize)> = HashSet::with_capacity(wanted);
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(wanted);

    // Chains: step k -> k + 1 inside each lane, a uniform sample of them
    // when fewer are wanted (selection sampling keeps the lane order).
    let chain_total = steps - lanes;
    let handoffs = if lanes > 1 { wanted * 15 / 100 } else { 0 };
    let mut chain_wanted = (wanted - handoffs).min(chain_total);
    let mut chain_left = chain_total;
    for lane in 0..lanes {
        for a in starts[lane]..starts[lane + 1] - 1 {
            if chain_wanted > 0 && rng.below(chain_left) < chain_wanted {
                seen.insert((a, a + 1));
                out.push((a, a + 1));
                chain_wanted -= 1;
            }
            chain_left -= 1;
        }
    }

    // Dense requests: list every free pair and take a random subset.
    if (wanted - out.len()) * 2 > max_edges(steps) - out.len() {
        let mut free: Vec<(usize, usize)> = (0..steps)
            .flat_map(|a| (0..steps).map(move |b| (a, b)))
            .filter(|&(a, b)| a != b && !seen.contains(&(a, b)))
            .collect();
        let need = wanted - out.len();
        for i in 0..need {
            let j = i + rng.below(free.len() - i);
            free.swap(i, j);
            out.push(free[i]);
        }
        return out;
    }

    let lane_of = |s: usize| starts.partition_point(|&start| start <= s) - 1;
    let mut add = |pair: (usize, usize), out: &mut Vec<(usize, usize)>| {
        let fresh = pair.0 != pair.1 && seen.insert(pair);
        if fresh {
            out.push(pair);
        }
        fresh
    };

    // Hand-offs: from a step of one lane to a step of another.
    let target = out.len() + handoffs.min(wanted - out.len());
    let mut attempts = 0usize;
    while out.len() < target && attempts < 100 * wanted.max(1) {
        attempts += 1;
        let a = rng.below(steps);
        let b = rng.below(steps);
        if lane_of(a) != lane_of(b) {
            add((a, b), &mut out);
        }
    }

    // The rest: a forward link inside a lane when one is free, else any pair.
    // Fewer than half of all pairs are taken here, so this ends quickly.
    while out.len() < wanted {
        let a = rng.below(steps);
        let lane = lane_of(a);
        let b = a + 2 + rng.below(4);
        if b < starts[lane + 1] && add((a, b), &mut out) {
            continue;
        }
        add((rng.below(steps), rng.below(steps)), &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_maps_have_every_edge_possible() {
        for (lanes, steps) in [(1, 1), (1, 2), (2, 2), (3, 5)] {
            let params = GenParams {
                lanes,
                steps,
                edges: 1000,
                seed: 7,
            };
            let map = generate(&params);
            assert_eq!(map.edges.len(), steps * (steps - 1));
            assert_eq!(map.edges.len(), params.edges_written());
            crate::domain::validate::validate(&map).unwrap();
        }
    }

    #[test]
    fn unit_is_in_range() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(rng.below(3) < 3);
        }
    }
}
