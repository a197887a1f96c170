//! Property tests of the scoring engine, the ranking and the two round trips
//! (JSON file and SQLite store) over generated valid maps.

use std::collections::HashSet;

use frictionmap::domain::model::{Attr, Edge, Lane, Map, Rates, Step};
use frictionmap::domain::validate::{
    DELAY_COST_RANGE, EFFORT_WEEKS_MAX, HOURLY_COST_RANGE, HOURS_PER_FTE_RANGE, validate,
};
use frictionmap::formats::mapfile::{parse_map, to_json};
use frictionmap::scoring::{Breakdown, LaneScore, Ranking, StepValues, rank, score, score_step};
use frictionmap::store::Store;
use proptest::prelude::*;
use proptest::sample::Index;

fn config(cases: u32) -> ProptestConfig {
    // No regression files: the tests directory belongs to the sources.
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Relative tolerance for figures computed with a different summation order.
const REL: f64 = 1e-9;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= REL * a.abs().max(b.abs()) + 1e-12
}

// ------------------------------------------------------------ generators

/// A value in the attribute's range, with its ends more likely than chance.
fn attr_value(attr: Attr) -> impl Strategy<Value = f64> {
    let (lo, hi) = attr.range();
    prop_oneof![1 => Just(lo), 1 => Just(hi), 8 => lo..=hi]
}

fn in_range((lo, hi): (f64, f64)) -> impl Strategy<Value = f64> {
    prop_oneof![1 => Just(lo), 1 => Just(hi), 8 => lo..=hi]
}

fn arb_values() -> impl Strategy<Value = StepValues> {
    (
        attr_value(Attr::VolumePerMonth),
        attr_value(Attr::HandleMinutes),
        attr_value(Attr::ReworkRate),
        attr_value(Attr::ApprovalDelayHours),
    )
        .prop_map(
            |(volume_per_month, handle_minutes, rework_rate, approval_delay_hours)| StepValues {
                volume_per_month,
                handle_minutes,
                rework_rate,
                approval_delay_hours,
            },
        )
}

fn arb_rates() -> impl Strategy<Value = Rates> {
    (
        in_range(HOURLY_COST_RANGE),
        in_range(DELAY_COST_RANGE),
        in_range(HOURS_PER_FTE_RANGE),
    )
        .prop_map(|(hourly_cost, delay_cost_per_hour, hours_per_fte_month)| Rates {
            hourly_cost,
            delay_cost_per_hour,
            hours_per_fte_month,
        })
}

/// Free text with the characters that tend to break things.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[a-zA-Z0-9 ,;:'\"\\\\=+@\\-\u{e9}\u{65e5}\u{1f642}\u{5d0}\u{202e}\n\t]{{0,{max}}}"
    ))
    .expect("valid regex")
}

/// A valid name: starts with a visible character.
fn name() -> impl Strategy<Value = String> {
    (
        proptest::string::string_regex("[a-zA-Z\u{e9}\u{65e5}\u{1f642}\u{5d0}]").expect("valid regex"),
        text(30),
    )
        .prop_map(|(first, rest)| format!("{first}{rest}"))
}

/// Lane names drawn often from a small pool, so names tie.
fn lane_name() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("Intake".to_owned()),
        1 => Just("Review".to_owned()),
        1 => Just("intake".to_owned()),
        3 => name(),
    ]
}

fn currency() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("USD".to_owned()),
        Just("EUR".to_owned()),
        Just("€".to_owned()),
        proptest::string::string_regex("[A-Z]{3}").expect("valid regex"),
    ]
}

/// A step with random values and valid low (≤ value) and high (≥ value)
/// estimates for a random subset of its attributes. Id and lane are set later.
fn arb_step() -> impl Strategy<Value = Step> {
    let estimate = proptest::option::of(0.0f64..=1.0);
    (
        arb_values(),
        proptest::array::uniform4(estimate.clone()),
        proptest::array::uniform4(estimate),
        name(),
        -1e4f32..1e4f32,
        -1e4f32..1e4f32,
        text(40),
    )
        .prop_map(|(values, lows, highs, name, x, y, notes)| {
            let mut step = Step::new("", "", name);
            step.x = x;
            step.y = y;
            step.notes = notes;
            step.volume_per_month = values.volume_per_month;
            step.handle_minutes = values.handle_minutes;
            step.rework_rate = values.rework_rate;
            step.approval_delay_hours = values.approval_delay_hours;
            for (i, attr) in Attr::ALL.into_iter().enumerate() {
                let value = step.value(attr);
                let (_, max) = attr.range();
                // Every range starts at 0, so value × t is within 0..=value.
                step.low.set(attr, lows[i].map(|t| value * t));
                step.high
                    .set(attr, highs[i].map(|t| (value + (max - value) * t).clamp(value, max)));
            }
            step
        })
}

#[derive(Clone, Debug)]
struct LaneSpec {
    lane: Lane,
    steps: Vec<(u32, Step)>,
}

fn arb_lane(max_steps: usize) -> impl Strategy<Value = LaneSpec> {
    (
        lane_name(),
        text(20),
        text(40),
        proptest::collection::vec((any::<u32>(), arb_step()), 0..=max_steps),
        proptest::option::of(prop_oneof![1 => Just(EFFORT_WEEKS_MAX), 4 => 0.01f64..=EFFORT_WEEKS_MAX]),
    )
        .prop_map(|(name, owner, notes, steps, effort_weeks)| LaneSpec {
            lane: Lane {
                id: String::new(),
                name,
                owner,
                notes,
                effort_weeks,
            },
            steps,
        })
}

/// Builds a map: unique ids, steps of all lanes interleaved in random order,
/// and random edges (no self edges, no repeats).
fn build_map(
    (rates, currency, name, notes): (Rates, String, String, String),
    lanes: Vec<LaneSpec>,
    edges: Vec<(Index, Index)>,
) -> Map {
    let mut map = Map::new(name);
    map.rates = rates;
    map.currency = currency;
    map.notes = notes;
    let mut keyed = Vec::new();
    for (i, spec) in lanes.into_iter().enumerate() {
        let lane_id = format!("lane-{i}");
        for (j, (key, mut step)) in spec.steps.into_iter().enumerate() {
            step.id = format!("s{i}-{j}");
            step.lane = lane_id.clone().into();
            keyed.push((key, step));
        }
        map.lanes.push(Lane {
            id: lane_id,
            ..spec.lane
        });
    }
    keyed.sort_by_key(|(key, _)| *key);
    map.steps = keyed.into_iter().map(|(_, s)| s).collect();
    if !map.steps.is_empty() {
        let mut seen = HashSet::new();
        for (a, b) in edges {
            let from = map.steps[a.index(map.steps.len())].id.clone();
            let to = map.steps[b.index(map.steps.len())].id.clone();
            if from != to && seen.insert((from.clone(), to.clone())) {
                map.edges.push(Edge { from, to });
            }
        }
    }
    map
}

fn arb_map_with(max_lanes: usize, max_steps: usize) -> impl Strategy<Value = Map> {
    (
        (arb_rates(), currency(), name(), text(60)),
        proptest::collection::vec(arb_lane(max_steps), 1..=max_lanes),
        proptest::collection::vec((any::<Index>(), any::<Index>()), 0..16),
    )
        .prop_map(|(meta, lanes, edges)| build_map(meta, lanes, edges))
}

fn arb_map() -> impl Strategy<Value = Map> {
    arb_map_with(6, 12)
}

/// A permutation of `0..n` from random keys.
fn permutation(keys: &[u64], n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (keys.get(i).copied().unwrap_or(0), i));
    order
}

fn permute<T: Clone>(items: &[T], keys: &[u64]) -> Vec<T> {
    permutation(keys, items.len())
        .into_iter()
        .map(|i| items[i].clone())
        .collect()
}

// ------------------------------------------------------------ checks

fn figures(l: &LaneScore) -> [(&'static str, f64); 10] {
    [
        ("monthly_friction", l.monthly_friction),
        ("handling", l.handling),
        ("rework", l.rework),
        ("delay", l.delay),
        ("friction_low", l.friction_low),
        ("friction_high", l.friction_high),
        ("share_pct", l.share_pct),
        ("cumulative_pct", l.cumulative_pct),
        ("touch_hours", l.touch_hours),
        ("fte", l.fte),
    ]
}

fn breakdown_parts(b: &Breakdown) -> [(&'static str, f64); 5] {
    [
        ("handling", b.handling),
        ("delay", b.delay),
        ("rework", b.rework),
        ("touch_hours", b.touch_hours),
        ("friction", b.friction()),
    ]
}

/// The ranking is sorted by friction (highest first), then lane name, then id.
fn assert_sorted(r: &Ranking) -> Result<(), TestCaseError> {
    for (i, pair) in r.lanes.windows(2).enumerate() {
        let (a, b) = (&pair[0], &pair[1]);
        let ordered = a.monthly_friction > b.monthly_friction
            || (a.monthly_friction == b.monthly_friction && (&a.lane, &a.lane_id) < (&b.lane, &b.lane_id));
        prop_assert!(ordered, "lanes {} and {} are out of order: {a:?} then {b:?}", i, i + 1);
    }
    for (i, lane) in r.lanes.iter().enumerate() {
        prop_assert_eq!(lane.rank, i + 1);
    }
    Ok(())
}

fn assert_same_ranking(a: &Ranking, b: &Ranking) -> Result<(), TestCaseError> {
    let ids = |r: &Ranking| r.lanes.iter().map(|l| l.lane_id.clone()).collect::<Vec<_>>();
    prop_assert_eq!(ids(a), ids(b));
    prop_assert!(
        close(a.total_friction, b.total_friction),
        "{} vs {}",
        a.total_friction,
        b.total_friction
    );
    prop_assert_eq!(a.clear_winner, b.clear_winner);
    for (x, y) in a.lanes.iter().zip(&b.lanes) {
        prop_assert_eq!(x.rank, y.rank);
        prop_assert_eq!(&x.lane, &y.lane);
        prop_assert_eq!(&x.owner, &y.owner);
        prop_assert_eq!(x.steps, y.steps);
        for ((name, u), (_, v)) in figures(x).into_iter().zip(figures(y)) {
            prop_assert!(close(u, v), "lane {} {name}: {u} vs {v}", x.lane_id);
        }
        prop_assert_eq!(
            x.top_driver.as_ref().map(|d| d.amount),
            y.top_driver.as_ref().map(|d| d.amount)
        );
    }
    Ok(())
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(config(256))]

    /// The generator itself only makes valid maps, so every property below
    /// is about inputs the app accepts.
    #[test]
    fn generated_maps_are_valid(map in arb_map()) {
        prop_assert!(validate(&map).is_ok(), "{:?}", validate(&map));
    }

    #[test]
    fn step_results_are_finite_and_non_negative(values in arb_values(), rates in arb_rates()) {
        let b = score(&values, &rates);
        for (name, v) in breakdown_parts(&b) {
            prop_assert!(v.is_finite() && v >= 0.0, "{name} = {v}");
        }
        let fte = b.fte(&rates);
        prop_assert!(fte.is_finite() && fte >= 0.0, "fte = {fte}");
    }

    #[test]
    fn ranking_results_are_finite_and_non_negative(map in arb_map()) {
        let r = rank(&map);
        prop_assert!(r.total_friction.is_finite() && r.total_friction >= 0.0);
        prop_assert_eq!(r.lanes.len(), map.lanes.len());
        for lane in &r.lanes {
            for (name, v) in figures(lane) {
                prop_assert!(v.is_finite() && v >= 0.0, "lane {} {name} = {v}", lane.lane_id);
            }
            if let Some(d) = &lane.top_driver {
                prop_assert!(d.amount.is_finite() && d.amount > 0.0);
            }
        }
        for step in &map.steps {
            let s = score_step(step, &map.rates);
            for (name, v) in breakdown_parts(&s.point) {
                prop_assert!(v.is_finite() && v >= 0.0, "step {} {name} = {v}", step.id);
            }
            prop_assert!(s.friction_low.is_finite() && s.friction_low >= 0.0);
            prop_assert!(s.friction_high.is_finite() && s.friction_high >= 0.0);
        }
        assert_sorted(&r)?;
    }

    /// With low ≤ value ≤ high for every attribute, the friction range holds
    /// the point friction, for each step and each lane.
    #[test]
    fn low_and_high_bracket_the_point_friction(map in arb_map()) {
        for step in &map.steps {
            let s = score_step(step, &map.rates);
            let f = s.point.friction();
            prop_assert!(s.friction_low <= f && f <= s.friction_high, "step {}: {} {} {}", step.id, s.friction_low, f, s.friction_high);
        }
        for lane in &rank(&map).lanes {
            let f = lane.monthly_friction;
            prop_assert!(lane.friction_low <= f || close(lane.friction_low, f), "{} > {}", lane.friction_low, f);
            prop_assert!(f <= lane.friction_high || close(lane.friction_high, f), "{} > {}", f, lane.friction_high);
        }
    }

    /// Raising any one of the four attributes never lowers a step's friction.
    #[test]
    fn step_friction_never_decreases_as_an_attribute_grows(
        values in arb_values(),
        rates in arb_rates(),
        which in 0usize..4,
        t in 0.0f64..=1.0,
    ) {
        let attr = Attr::ALL[which];
        let (_, max) = attr.range();
        let mut more = values;
        let slot = match attr {
            Attr::VolumePerMonth => &mut more.volume_per_month,
            Attr::HandleMinutes => &mut more.handle_minutes,
            Attr::ReworkRate => &mut more.rework_rate,
            Attr::ApprovalDelayHours => &mut more.approval_delay_hours,
        };
        *slot = (*slot + (max - *slot) * t).clamp(*slot, max);
        let before = score(&values, &rates);
        let after = score(&more, &rates);
        prop_assert!(after.friction() >= before.friction(), "{:?}: {} -> {}", attr, before.friction(), after.friction());
        prop_assert!(after.touch_hours >= before.touch_hours);
    }

    /// Raising one attribute of one step never lowers its lane's friction or
    /// the total, and leaves the other lanes exactly as they were.
    #[test]
    fn lane_friction_never_decreases_as_a_step_attribute_grows(
        map in arb_map(),
        pick in any::<Index>(),
        which in 0usize..4,
        t in 0.0f64..=1.0,
    ) {
        prop_assume!(!map.steps.is_empty());
        let i = pick.index(map.steps.len());
        let attr = Attr::ALL[which];
        let (_, max) = attr.range();
        let mut more = map.clone();
        let mut step = more.steps.get_mut(i).unwrap();
        let old = step.value(attr);
        step.set_value(attr, (old + (max - old) * t).clamp(old, max));
        let lane_id = step.lane.clone();
        drop(step);
        let (before, after) = (rank(&map), rank(&more));
        prop_assert!(after.total_friction >= before.total_friction);
        for lane in &before.lanes {
            let new = after.lane(&lane.lane_id).expect("same lanes");
            if lane.lane_id == lane_id {
                prop_assert!(new.monthly_friction >= lane.monthly_friction, "{} -> {}", lane.monthly_friction, new.monthly_friction);
            } else {
                prop_assert_eq!(new.monthly_friction, lane.monthly_friction);
            }
        }
    }

    /// Friction, and each part of it, is proportional to volume.
    #[test]
    fn step_figures_are_linear_in_volume(values in arb_values(), rates in arb_rates(), k in 0.0f64..=1.0) {
        let base = score(&values, &rates);
        let scaled = score(&StepValues { volume_per_month: values.volume_per_month * k, ..values }, &rates);
        for ((name, a), (_, b)) in breakdown_parts(&base).into_iter().zip(breakdown_parts(&scaled)) {
            prop_assert!(close(a * k, b), "{name}: {a} × {k} ≠ {b}");
        }
    }

    /// Doubling every volume (and volume estimate) doubles every money and
    /// hour figure of the ranking and changes neither the order nor the shares.
    #[test]
    fn doubling_all_volumes_doubles_the_ranking(map in arb_map()) {
        let mut doubled = map.clone();
        doubled.steps.for_each_mut(|_, step| {
            step.volume_per_month *= 2.0;
            step.low.set(Attr::VolumePerMonth, step.low.get(Attr::VolumePerMonth).map(|v| v * 2.0));
            step.high.set(Attr::VolumePerMonth, step.high.get(Attr::VolumePerMonth).map(|v| v * 2.0));
        });
        let (a, b) = (rank(&map), rank(&doubled));
        prop_assert!(close(a.total_friction * 2.0, b.total_friction));
        let ids = |r: &Ranking| r.lanes.iter().map(|l| l.lane_id.clone()).collect::<Vec<_>>();
        prop_assert_eq!(ids(&a), ids(&b));
        for (x, y) in a.lanes.iter().zip(&b.lanes) {
            for ((name, u), (_, v)) in figures(x).into_iter().zip(figures(y)) {
                let expected = if name.ends_with("_pct") { u } else { u * 2.0 };
                prop_assert!(close(expected, v), "lane {} {name}: {u} -> {v}", x.lane_id);
            }
        }
    }

    /// Handling is proportional to hourly_cost; delay and touch hours do not
    /// depend on it; rework grows by exactly its handling part.
    #[test]
    fn step_figures_respond_linearly_to_hourly_cost(values in arb_values(), rates in arb_rates(), k in 0.0f64..=4.0) {
        let base = score(&values, &rates);
        let scaled = score(&values, &Rates { hourly_cost: rates.hourly_cost * k, ..rates });
        let passes = 1.0 / (1.0 - values.rework_rate);
        // rework = (passes − 1) × (handling + delay): its handling part scales.
        let rework_handling = (passes - 1.0) * base.handling;
        let rework_delay = (passes - 1.0) * base.delay;
        prop_assert!(close(scaled.handling, base.handling * k), "{} vs {}", scaled.handling, base.handling * k);
        prop_assert_eq!(scaled.delay, base.delay);
        prop_assert_eq!(scaled.touch_hours, base.touch_hours);
        prop_assert!(close(scaled.rework, rework_handling * k + rework_delay), "{} vs {}", scaled.rework, rework_handling * k + rework_delay);
    }

    /// With no delay cost, friction is proportional to hourly_cost.
    #[test]
    fn friction_is_linear_in_hourly_cost_without_delay_cost(values in arb_values(), rates in arb_rates(), k in 0.0f64..=4.0) {
        let rates = Rates { delay_cost_per_hour: 0.0, ..rates };
        let base = score(&values, &rates);
        let scaled = score(&values, &Rates { hourly_cost: rates.hourly_cost * k, ..rates });
        prop_assert_eq!(base.delay, 0.0);
        prop_assert!(close(scaled.friction(), base.friction() * k), "{} vs {}", scaled.friction(), base.friction() * k);
    }

    /// Delay is proportional to delay_cost_per_hour and handling ignores it.
    #[test]
    fn step_figures_respond_linearly_to_delay_cost(values in arb_values(), rates in arb_rates(), k in 0.0f64..=4.0) {
        let base = score(&values, &rates);
        let scaled = score(&values, &Rates { delay_cost_per_hour: rates.delay_cost_per_hour * k, ..rates });
        let passes = 1.0 / (1.0 - values.rework_rate);
        prop_assert!(close(scaled.delay, base.delay * k));
        prop_assert_eq!(scaled.handling, base.handling);
        prop_assert_eq!(scaled.touch_hours, base.touch_hours);
        let expected_rework = (passes - 1.0) * base.handling + (passes - 1.0) * base.delay * k;
        prop_assert!(close(scaled.rework, expected_rework), "{} vs {}", scaled.rework, expected_rework);
    }

    /// A lane's figures are the sums of its steps' figures.
    #[test]
    fn lane_figures_are_the_sum_of_their_steps(map in arb_map()) {
        let r = rank(&map);
        let mut total = 0.0;
        for lane in &map.lanes {
            let scores: Vec<_> = map.steps.iter().filter(|s| s.lane == lane.id).map(|s| (s, score_step(s, &map.rates))).collect();
            let sum = |f: &dyn Fn(&frictionmap::scoring::StepScore) -> f64| scores.iter().map(|(_, s)| f(s)).sum::<f64>();
            let got = r.lane(&lane.id).expect("every lane is ranked");
            let expected = [
                ("handling", sum(&|s| s.point.handling), got.handling),
                ("delay", sum(&|s| s.point.delay), got.delay),
                ("rework", sum(&|s| s.point.rework), got.rework),
                ("touch_hours", sum(&|s| s.point.touch_hours), got.touch_hours),
                ("friction", sum(&|s| s.point.friction()), got.monthly_friction),
                ("friction_low", sum(&|s| s.friction_low), got.friction_low),
                ("friction_high", sum(&|s| s.friction_high), got.friction_high),
                ("fte", sum(&|s| s.point.touch_hours) / map.rates.hours_per_fte_month, got.fte),
            ];
            for (name, want, have) in expected {
                prop_assert!(close(want, have), "lane {} {name}: steps sum to {want}, lane has {have}", lane.id);
            }
            prop_assert_eq!(got.steps, scores.len());
            prop_assert_eq!(&got.lane, &lane.name);
            prop_assert_eq!(&got.owner, &lane.owner);
            // The top driver is the largest single component of one step.
            let largest = scores.iter().flat_map(|(_, s)| [s.point.handling, s.point.rework, s.point.delay]).fold(0.0, f64::max);
            match &got.top_driver {
                None => prop_assert_eq!(largest, 0.0),
                Some(d) => {
                    prop_assert_eq!(d.amount, largest);
                    let (step, s) = scores.iter().find(|(s, _)| s.id == d.step_id).expect("driver is a step of the lane");
                    prop_assert_eq!(&d.step_name, &step.name);
                    prop_assert_eq!(s.point.component(d.component), d.amount);
                }
            }
            total += got.monthly_friction;
        }
        prop_assert!(close(total, r.total_friction), "{} vs {}", total, r.total_friction);
    }

    /// Shuffling lanes, steps and edges changes nothing in the ranking.
    #[test]
    fn ranking_does_not_depend_on_input_order(
        map in arb_map(),
        lane_keys in proptest::collection::vec(any::<u64>(), 6),
        step_keys in proptest::collection::vec(any::<u64>(), 72),
        edge_keys in proptest::collection::vec(any::<u64>(), 16),
    ) {
        let mut shuffled = map.clone();
        shuffled.lanes = permute(&map.lanes, &lane_keys);
        shuffled.steps = permute(&map.steps, &step_keys).into();
        shuffled.edges = permute(&map.edges, &edge_keys);
        prop_assert!(validate(&shuffled).is_ok());
        let (a, b) = (rank(&map), rank(&shuffled));
        assert_same_ranking(&a, &b)?;
        assert_sorted(&b)?;
    }

    /// Lanes with the same friction are ordered by name, then by id.
    #[test]
    fn ties_are_broken_by_name_then_id(
        step in arb_step(),
        lanes in proptest::collection::vec(
            (prop_oneof![Just("B"), Just("A"), Just("a"), Just("É"), Just("Zed")], "[a-z0-9]{1,3}"),
            2..=6,
        ),
        empty in any::<bool>(),
        rates in arb_rates(),
    ) {
        let mut map = Map::new("ties");
        map.rates = rates;
        let mut ids = HashSet::new();
        for (i, (name, id)) in lanes.iter().enumerate() {
            let id = format!("{id}{i}");
            if !ids.insert(id.clone()) {
                continue;
            }
            map.lanes.push(Lane::new(id.clone(), *name));
            if !empty {
                // The same step in every lane: exactly the same friction.
                map.steps.push(Step { id: format!("step-{i}"), lane: id.into(), ..step.clone() });
            }
        }
        let r = rank(&map);
        let frictions: HashSet<u64> = r.lanes.iter().map(|l| l.monthly_friction.to_bits()).collect();
        prop_assert_eq!(frictions.len(), 1, "the lanes should tie exactly");
        let mut expected: Vec<(String, String)> = map.lanes.iter().map(|l| (l.name.clone(), l.id.clone())).collect();
        expected.sort();
        let got: Vec<(String, String)> = r.lanes.iter().map(|l| (l.lane.clone(), l.lane_id.clone())).collect();
        prop_assert_eq!(got, expected);
    }

    /// Shares add up to 100 % and the last cumulative share is 100 %.
    #[test]
    fn shares_sum_to_one_hundred(map in arb_map()) {
        let r = rank(&map);
        let sum: f64 = r.lanes.iter().map(|l| l.share_pct).sum();
        let last = r.lanes.last().expect("at least one lane").cumulative_pct;
        if r.total_friction > 0.0 {
            prop_assert!((sum - 100.0).abs() < 1e-9, "shares sum to {sum}");
            prop_assert!((last - 100.0).abs() < 1e-9, "last cumulative share is {last}");
        } else {
            prop_assert_eq!(sum, 0.0);
            prop_assert_eq!(last, 0.0);
        }
        let mut previous = 0.0;
        for lane in &r.lanes {
            prop_assert!(lane.cumulative_pct >= previous);
            prop_assert!((lane.cumulative_pct - previous - lane.share_pct).abs() < 1e-9);
            previous = lane.cumulative_pct;
        }
    }

    /// With zero rates nothing costs anything: every share is 0, not NaN.
    #[test]
    fn zero_rates_give_zero_shares(map in arb_map()) {
        let mut map = map;
        map.rates.hourly_cost = 0.0;
        map.rates.delay_cost_per_hour = 0.0;
        let r = rank(&map);
        prop_assert_eq!(r.total_friction, 0.0);
        for lane in &r.lanes {
            prop_assert_eq!(lane.share_pct, 0.0);
            prop_assert_eq!(lane.cumulative_pct, 0.0);
            prop_assert!(lane.top_driver.is_none());
        }
        assert_sorted(&r)?;
    }
}

/// Rounds to a few decimals, like numbers people type.
fn typed(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

/// A map whose numbers have at most a few decimals, like a hand-made file.
fn typed_map() -> impl Strategy<Value = Map> {
    arb_map_with(4, 8).prop_map(|mut map| {
        map.rates.hourly_cost = typed(map.rates.hourly_cost, 2);
        map.rates.delay_cost_per_hour = typed(map.rates.delay_cost_per_hour, 2);
        map.rates.hours_per_fte_month = typed(map.rates.hours_per_fte_month, 1).max(1.0);
        map.steps.for_each_mut(|_, step| {
            step.x = step.x.round();
            step.y = step.y.round();
            for attr in Attr::ALL {
                let decimals = if attr == Attr::ReworkRate { 3 } else { 2 };
                let value = typed(step.value(attr), decimals);
                step.set_value(attr, value);
                // Rounding down/up keeps low ≤ value ≤ high.
                let scale = 10f64.powi(decimals);
                step.low.set(
                    attr,
                    step.low.get(attr).map(|v| ((v * scale).floor() / scale).min(value)),
                );
                step.high.set(
                    attr,
                    step.high.get(attr).map(|v| ((v * scale).ceil() / scale).max(value)),
                );
            }
        });
        map
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// A map with hand-typed numbers survives `to_json` then `parse_map`.
    #[test]
    fn json_round_trip_of_typed_numbers(map in typed_map()) {
        prop_assume!(validate(&map).is_ok());
        let json = to_json(&map);
        let back = parse_map(json.as_bytes(), "round-trip.json").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &map);
        prop_assert_eq!(rank(&back), rank(&map));
    }

    /// Any valid map, with full-precision numbers, survives the JSON file.
    #[test]
    fn json_round_trip_gives_an_equal_map_and_ranking(map in arb_map()) {
        let json = to_json(&map);
        let back = parse_map(json.as_bytes(), "round-trip.json").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &map);
        prop_assert_eq!(rank(&back), rank(&map));
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Any valid map survives the database exactly, in order.
    #[test]
    fn database_round_trip_gives_an_equal_map_and_ranking(map in arb_map()) {
        let mut store = Store::open_in_memory().expect("in-memory store");
        let id = store.create(&map).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = store.load(id).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &map);
        prop_assert_eq!(rank(&back), rank(&map));
        // Saving over it again changes nothing either.
        store.save(id, &back).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(store.load(id).map_err(|e| TestCaseError::fail(e.to_string()))?, map);
    }
}

/// Three step frictions whose floating-point sum depends on the order they
/// are added in: (0.1 + 0.2) + 0.3 ≠ (0.3 + 0.2) + 0.1.
fn order_sensitive_steps(lane: &str, order: [usize; 3]) -> Vec<Step> {
    let volumes = [0.1, 0.2, 0.3];
    order
        .iter()
        .map(|&i| {
            let mut s = Step::new(format!("{lane}-{i}"), lane, format!("step {i}"));
            s.volume_per_month = volumes[i];
            s.handle_minutes = 60.0;
            s
        })
        .collect()
}

fn tie_map(alpha_order: [usize; 3], beta_order: [usize; 3]) -> Map {
    let mut map = Map::new("exact tie");
    map.rates = Rates {
        hourly_cost: 1.0,
        delay_cost_per_hour: 0.0,
        hours_per_fte_month: 140.0,
    };
    map.lanes = vec![Lane::new("b", "Beta"), Lane::new("a", "Alpha")];
    map.steps = order_sensitive_steps("a", alpha_order).into();
    map.steps.extend(order_sensitive_steps("b", beta_order));
    map
}

/// Two lanes made of the same three steps cost exactly the same, so the tie
/// rule must put Alpha first whatever order the steps are listed in.
#[test]
fn identical_lanes_tie_and_go_by_name() {
    let same = rank(&tie_map([0, 1, 2], [0, 1, 2]));
    assert_eq!(same.lanes[0].lane_id, "a", "identical lanes tie and go by name");
    assert_eq!(same.lanes[0].monthly_friction, same.lanes[1].monthly_friction);
}

#[test]
fn step_order_does_not_break_an_exact_tie() {
    let a_first = rank(&tie_map([2, 1, 0], [0, 1, 2]));
    let ids: Vec<&str> = a_first.lanes.iter().map(|l| l.lane_id.as_str()).collect();
    assert_eq!(
        ids,
        ["a", "b"],
        "Alpha {} vs Beta {}: equal lanes must tie and go by name",
        a_first.lane("a").unwrap().monthly_friction,
        a_first.lane("b").unwrap().monthly_friction
    );
}

/// The smallest case proptest found: one volume that comes back 1 ulp off.
#[test]
fn json_round_trip_keeps_every_bit_of_a_value() {
    let volume = f64::from_bits(0x4187_867c_568f_b4cf); // 49336202.820169084
    let mut map = Map::new("precision");
    map.lanes.push(Lane::new("l", "Lane"));
    let mut step = Step::new("s", "l", "Step");
    step.volume_per_month = volume;
    map.steps.push(step);
    let json = to_json(&map);
    assert!(json.contains("\"volume_per_month\": 49336202.820169084"), "{json}");
    let back = parse_map(json.as_bytes(), "precision.json").expect("valid");
    assert_eq!(
        back.steps[0].volume_per_month, volume,
        "read back as {}",
        back.steps[0].volume_per_month
    );
}
