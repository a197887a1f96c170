//! From events to figures: each lane's cases, and each activity's volume,
//! rework, waits and handling times in them, by the definitions the README
//! gives (and `tests/expected/eventlog_calc.py` computes independently).
//!
//! - An execution is a completed event (an event without a lifecycle
//!   counts as completed). A `start` pairs with the next completion of the
//!   same activity in the same case, first in first out; other transitions
//!   are ignored. A start-time column gives the start directly.
//! - A case's executions are ordered by completion time, ties in file order.
//! - Wait = start (or completion, when no start is known) minus the
//!   previous execution's completion, at least 0; the first execution of a
//!   case has none. Handling = completion minus start, where a start is known.
//! - Months covered = (last − first completion) in days ÷ 30.4375, at least
//!   one day.

use ahash::AHashMap;

use super::batch::BatchSink;
use super::event::{Event, EventSink};
use super::time::{TimeReader, WorkingHours, hours};
use super::{LISTED_UNREADABLE, LogError, MAX_UNREADABLE_SHARE};

/// Days in the average month (365.25 ÷ 12).
pub const DAYS_PER_MONTH: f64 = 30.4375;
/// The most lanes an import makes; the cases of the rest share "Other".
pub const MAX_LANES: usize = 24;
/// The highest rework rate a measured step gets (the map's limit).
pub const MAX_REWORK: f64 = 0.95;
/// 1 ÷ (1 − [`MAX_REWORK`]): more executions than this many per case are capped.
const REWORK_CAP_DENOMINATOR: u64 = 20;
/// The lane of every case when lanes are not made by an attribute.
pub const ALL_CASES: &str = "All cases";
pub const OTHER: &str = "Other";
/// The lane of cases without a value of the lane attribute.
pub const NO_VALUE: &str = "(none)";

const NO_START: i64 = i64::MIN;
const NO_LANE: u32 = u32::MAX;

/// How to measure a log.
#[derive(Clone, Debug)]
pub struct MeasureOptions {
    pub times: TimeReader,
    /// Count waits only in these hours; calendar hours when `None`.
    pub working_hours: Option<WorkingHours>,
    /// A directly-follows pair becomes an edge when it holds at least this
    /// share of its lane's executions.
    pub min_edge_share: f64,
    /// Whether lanes are made by a case attribute (the readers put its
    /// value in [`Event::lane`]).
    pub lanes_by_attribute: bool,
}

impl Default for MeasureOptions {
    fn default() -> Self {
        Self {
            times: TimeReader::default(),
            working_hours: None,
            min_edge_share: 0.01,
            lanes_by_attribute: false,
        }
    }
}

/// The 25th, 50th and 75th percentiles of some samples, and how many there were.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Spread {
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub n: u64,
}

impl Spread {
    /// The spread of `samples` (sorted here), with percentiles as numpy
    /// computes them by default: linear between the closest ranks.
    pub fn of(samples: &mut [f64]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let p75 = percentile(samples, 0.75);
        let p50 = percentile(samples, 0.5);
        let p25 = percentile(samples, 0.25);
        Some(Self {
            p25,
            p50,
            p75,
            n: samples.len() as u64,
        })
    }
}

/// The `q` percentile of samples, linear between closest ranks, found by
/// selection rather than a sort. Reorders the samples: those below the
/// percentile's rank end up before it.
pub fn percentile(samples: &mut [f64], q: f64) -> f64 {
    let position = q * (samples.len() - 1) as f64;
    let lower = position.floor() as usize;
    let fraction = position - lower as f64;
    let (_, &mut at, above) = samples.select_nth_unstable_by(lower, f64::total_cmp);
    match above.iter().copied().min_by(f64::total_cmp) {
        Some(next) if fraction > 0.0 => at + (next - at) * fraction,
        _ => at,
    }
}

/// The median of values 0, 1, 2… given how many of each there are, as
/// [`percentile`] computes it over the values themselves.
fn median_of_counts(counts: &[u64]) -> f64 {
    let n: u64 = counts.iter().sum();
    if n == 0 {
        return 0.0;
    }
    // The values at 0-based ranks k and k + 1 of the sorted values.
    let value_at = |rank: u64| {
        let mut seen = 0;
        counts
            .iter()
            .position(|&c| {
                seen += c;
                seen > rank
            })
            .unwrap_or(0) as f64
    };
    let k = (n - 1) / 2;
    if (n - 1).is_multiple_of(2) {
        value_at(k)
    } else {
        (value_at(k) + value_at(k + 1)) / 2.0
    }
}

/// One activity in one lane.
#[derive(Clone, Debug, PartialEq)]
pub struct StepStats {
    pub activity: String,
    /// Cases of the lane with at least one execution of it.
    pub cases: u64,
    pub executions: u64,
    pub volume_per_month: f64,
    pub rework_rate: f64,
    /// Whether the rework rate was cut to [`MAX_REWORK`].
    pub rework_capped: bool,
    pub wait_hours: Option<Spread>,
    pub handle_minutes: Option<Spread>,
    /// The median of its positions in its cases (0 = first), which orders
    /// the steps of a lane left to right.
    pub order: f64,
}

/// A directly-follows pair kept as an edge: indices into the lane's steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EdgeStats {
    pub from: usize,
    pub to: usize,
    pub count: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LaneStats {
    pub name: String,
    pub cases: u64,
    pub executions: u64,
    /// Left to right: by `order`, then by name.
    pub steps: Vec<StepStats>,
    pub edges: Vec<EdgeStats>,
}

/// Rows that could not be read: how many, and the first few with why.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Unreadable {
    pub count: u64,
    pub listed: Vec<(u64, String)>,
}

impl Unreadable {
    fn add(&mut self, line: u64, why: impl FnOnce() -> String) {
        self.count += 1;
        if self.listed.len() < LISTED_UNREADABLE {
            self.listed.push((line, why()));
        }
    }

    /// `line 4: no activity; line 9: "30.12." is not a time…` and how many more.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .listed
            .iter()
            .map(|(line, why)| format!("line {line}: {why}"))
            .collect();
        let more = self.count - self.listed.len() as u64;
        if more > 0 {
            parts.push(format!("and {more} more"));
        }
        parts.join("; ")
    }
}

/// Everything measured in one log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogStats {
    /// First and last completion, in milliseconds since 1970 UTC.
    pub first: i64,
    pub last: i64,
    pub months: f64,
    /// Rows read as events (readable ones).
    pub events: u64,
    /// Cases with at least one execution.
    pub cases: u64,
    pub executions: u64,
    /// Lifecycle transitions other than start and complete.
    pub ignored_transitions: u64,
    /// Starts no completion followed.
    pub unpaired_starts: u64,
    pub unreadable: Unreadable,
    /// Whether any execution had a known start (so handling was measured).
    pub handling_measured: bool,
    pub working_hours: bool,
    /// Lanes with the most cases first, "Other" last.
    pub lanes: Vec<LaneStats>,
}

/// Names numbered in the order they first appear.
#[derive(Default)]
struct Names {
    index: AHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Names {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(&n) = self.index.get(name) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(name.into());
        self.index.insert(name.into(), n);
        n
    }
}

#[derive(Clone, Copy)]
struct Execution {
    activity: u32,
    /// Its place in the file among its case's executions, for ties.
    seq: u32,
    complete: i64,
    start: i64,
}

#[derive(Default)]
struct Case {
    lane: u32,
    executions: Vec<Execution>,
    /// Starts waiting for their completion: activity and time, file order.
    pending: Vec<(u32, i64)>,
}

/// Takes events as a reader hands them on and measures them at the end.
pub struct Measurer {
    options: MeasureOptions,
    activities: Names,
    lane_values: Names,
    case_index: AHashMap<Box<str>, u32>,
    /// The case of the last row and its index.
    last_case: Option<(Box<str>, u32)>,
    cases: Vec<Case>,
    events: u64,
    ignored_transitions: u64,
    unreadable: Unreadable,
    handling_measured: bool,
}

impl Measurer {
    pub fn new(options: MeasureOptions) -> Self {
        Self {
            options,
            activities: Names::default(),
            lane_values: Names::default(),
            case_index: AHashMap::new(),
            last_case: None,
            cases: Vec::new(),
            events: 0,
            ignored_transitions: 0,
            unreadable: Unreadable::default(),
            handling_measured: false,
        }
    }

    fn case(&mut self, event: &Event<'_>) -> &mut Case {
        // Logs list a case's rows together more often than not: the case
        // of the last row is checked before the map of all cases.
        if let Some((last, index)) = &self.last_case
            && **last == *event.case
        {
            return &mut self.cases[*index as usize];
        }
        let next = self.cases.len() as u32;
        let index = match self.case_index.get(event.case) {
            Some(&index) => index,
            None => {
                self.case_index.insert(event.case.into(), next);
                next
            }
        };
        self.last_case = Some((event.case.into(), index));
        if index == next {
            // The lane is the value on the case's first row.
            let lane = match event.lane {
                Some(value) if self.options.lanes_by_attribute => self.lane_values.number(value),
                _ => NO_LANE,
            };
            self.cases.push(Case {
                lane,
                ..Case::default()
            });
        }
        &mut self.cases[index as usize]
    }

    /// The figures, or why the log cannot give them.
    pub fn finish(self, source_name: &str) -> Result<LogStats, LogError> {
        let refuse = |message: String| LogError::File {
            source_name: source_name.to_owned(),
            message,
        };
        let total = self.events + self.unreadable.count;
        if total > 0 && self.unreadable.count as f64 > MAX_UNREADABLE_SHARE * total as f64 {
            return Err(refuse(format!(
                "{} of its {total} rows cannot be read (more than {}%): {}",
                self.unreadable.count,
                MAX_UNREADABLE_SHARE * 100.0,
                self.unreadable.describe()
            )));
        }
        let completions = self.cases.iter().flat_map(|c| c.executions.iter().map(|e| e.complete));
        let (first, last) = completions.fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
        if first > last {
            return Err(refuse(if total == 0 {
                "the log has no events".to_owned()
            } else {
                "the log has no completed events (every row is a start or another lifecycle transition)".to_owned()
            }));
        }
        let days = ((last - first) as f64 / 86_400_000.0).max(1.0);
        let months = days / DAYS_PER_MONTH;
        let unpaired_starts = self.cases.iter().map(|c| c.pending.len() as u64).sum();
        let lane_names = self.lane_names();
        let mut lanes: Vec<LaneBuilder> = lane_names.iter().map(|_| LaneBuilder::default()).collect();
        let lane_of = |case_lane: u32| -> usize {
            if !self.options.lanes_by_attribute {
                return 0;
            }
            lane_names
                .iter()
                .position(|(_, values)| values.contains(&case_lane))
                .unwrap_or(lane_names.len() - 1)
        };
        // Lane of each lane value, looked up once.
        let mut lane_of_value: AHashMap<u32, usize> = AHashMap::new();
        let (mut cases, mut executions) = (0, 0);
        let options = &self.options;
        for (case_number, mut case) in self.cases.into_iter().enumerate() {
            if case.executions.is_empty() {
                continue;
            }
            cases += 1;
            executions += case.executions.len() as u64;
            let lane = *lane_of_value.entry(case.lane).or_insert_with(|| lane_of(case.lane));
            // Stable: ties keep file order.
            case.executions.sort_by_key(|e| (e.complete, e.seq));
            lanes[lane].add_case(case_number as u32, &case.executions, options);
        }
        let lanes = lanes
            .into_iter()
            .zip(lane_names)
            .filter(|(lane, _)| lane.cases > 0)
            .map(|(lane, (name, _))| lane.finish(name, months, options.min_edge_share, &self.activities.names))
            .collect();
        Ok(LogStats {
            first,
            last,
            months,
            events: self.events,
            cases,
            executions,
            ignored_transitions: self.ignored_transitions,
            unpaired_starts,
            unreadable: self.unreadable,
            handling_measured: self.handling_measured,
            working_hours: options.working_hours.is_some(),
            lanes,
        })
    }

    /// The lanes and the lane values of each: one lane per value with the
    /// most cases, "Other" for the rest past [`MAX_LANES`].
    fn lane_names(&self) -> Vec<(String, Vec<u32>)> {
        if !self.options.lanes_by_attribute {
            return vec![(ALL_CASES.to_owned(), Vec::new())];
        }
        let mut counts: AHashMap<u32, u64> = AHashMap::new();
        for case in self.cases.iter().filter(|c| !c.executions.is_empty()) {
            *counts.entry(case.lane).or_default() += 1;
        }
        let name = |value: u32| -> &str {
            if value == NO_LANE {
                NO_VALUE
            } else {
                &self.lane_values.names[value as usize]
            }
        };
        let mut values: Vec<(u32, u64)> = counts.into_iter().collect();
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name(a.0).cmp(name(b.0))));
        let mut lanes: Vec<(String, Vec<u32>)> = Vec::new();
        if values.len() <= MAX_LANES {
            lanes.extend(values.iter().map(|&(v, _)| (name(v).to_owned(), vec![v])));
        } else {
            lanes.extend(
                values[..MAX_LANES - 1]
                    .iter()
                    .map(|&(v, _)| (name(v).to_owned(), vec![v])),
            );
            lanes.push((
                OTHER.to_owned(),
                values[MAX_LANES - 1..].iter().map(|&(v, _)| v).collect(),
            ));
        }
        lanes
    }
}

impl EventSink for Measurer {
    fn event(&mut self, event: &Event<'_>) {
        let times = &self.options.times;
        let complete = match times.read(event.time) {
            Ok(t) => t,
            Err(why) => return self.unreadable.add(event.line, || why),
        };
        let start = match event.start.map(|s| times.read(s)) {
            None => NO_START,
            Some(Ok(t)) => t,
            Some(Err(why)) => return self.unreadable.add(event.line, || format!("start time: {why}")),
        };
        self.events += 1;
        let transition = event.lifecycle.map(|l| {
            if l.eq_ignore_ascii_case("complete") {
                Transition::Complete
            } else if l.eq_ignore_ascii_case("start") {
                Transition::Start
            } else {
                Transition::Other
            }
        });
        let activity = self.activities.number(event.activity);
        let case = self.case(event);
        match transition.unwrap_or(Transition::Complete) {
            Transition::Start => case.pending.push((activity, complete)),
            Transition::Other => self.ignored_transitions += 1,
            Transition::Complete => {
                let start = if start != NO_START {
                    start
                } else if let Some(i) = case.pending.iter().position(|&(a, _)| a == activity) {
                    case.pending.remove(i).1
                } else {
                    NO_START
                };
                let seq = case.executions.len() as u32;
                case.executions.push(Execution {
                    activity,
                    seq,
                    complete,
                    start,
                });
                self.handling_measured |= start != NO_START;
            }
        }
    }

    fn unreadable(&mut self, line: u64, why: &str) {
        self.unreadable.add(line, || why.to_owned());
    }
}

#[derive(Clone, Copy)]
enum Transition {
    Start,
    Complete,
    Other,
}

/// One activity's samples in a lane.
#[derive(Default)]
struct StepBuilder {
    cases: u64,
    last_case: Option<u32>,
    executions: u64,
    waits: Vec<f64>,
    handling: Vec<f64>,
    /// How many executions stood at each position in their case.
    positions: Vec<u64>,
}

#[derive(Default)]
struct LaneBuilder {
    cases: u64,
    executions: u64,
    steps: AHashMap<u32, StepBuilder>,
    follows: AHashMap<(u32, u32), u64>,
}

impl LaneBuilder {
    fn add_case(&mut self, case: u32, executions: &[Execution], options: &MeasureOptions) {
        self.cases += 1;
        self.executions += executions.len() as u64;
        let mut previous: Option<&Execution> = None;
        for (position, e) in executions.iter().enumerate() {
            let step = self.steps.entry(e.activity).or_default();
            step.executions += 1;
            if step.last_case != Some(case) {
                step.last_case = Some(case);
                step.cases += 1;
            }
            if step.positions.len() <= position {
                step.positions.resize(position + 1, 0);
            }
            step.positions[position] += 1;
            if e.start != NO_START {
                step.handling.push((e.complete - e.start).max(0) as f64 / 60_000.0);
            }
            if let Some(p) = previous {
                let began = if e.start != NO_START { e.start } else { e.complete };
                let wait = match &options.working_hours {
                    Some(hours) => hours.hours_between(&options.times, p.complete, began),
                    None => hours((began - p.complete).max(0)),
                };
                step.waits.push(wait);
                if p.activity != e.activity {
                    *self.follows.entry((p.activity, e.activity)).or_default() += 1;
                }
            }
            previous = Some(e);
        }
    }

    fn finish(self, name: String, months: f64, min_edge_share: f64, activities: &[Box<str>]) -> LaneStats {
        let mut steps: Vec<(u32, StepStats)> = self
            .steps
            .into_iter()
            .map(|(activity, mut s)| {
                // Capped when cases ÷ executions < 1 − 0.95, decided in
                // whole numbers: 1 case in 20 executions is 0.95 exactly.
                let capped = s.cases * REWORK_CAP_DENOMINATOR < s.executions;
                let rework = 1.0 - s.cases as f64 / s.executions as f64;
                let stats = StepStats {
                    activity: activities[activity as usize].to_string(),
                    cases: s.cases,
                    executions: s.executions,
                    volume_per_month: s.cases as f64 / months,
                    rework_rate: if capped { MAX_REWORK } else { rework.min(MAX_REWORK) },
                    rework_capped: capped,
                    wait_hours: Spread::of(&mut s.waits),
                    handle_minutes: Spread::of(&mut s.handling),
                    order: median_of_counts(&s.positions),
                };
                (activity, stats)
            })
            .collect();
        steps.sort_by(|a, b| {
            a.1.order
                .total_cmp(&b.1.order)
                .then_with(|| a.1.activity.cmp(&b.1.activity))
        });
        let index: AHashMap<u32, usize> = steps.iter().enumerate().map(|(i, (a, _))| (*a, i)).collect();
        // 7 of 700 executions is 1% even though 0.01 × 700 is a hair over 7
        // in floating point.
        let threshold = min_edge_share * self.executions as f64 * (1.0 - 1e-12);
        let mut edges: Vec<EdgeStats> = self
            .follows
            .into_iter()
            .filter(|&(_, count)| count as f64 >= threshold)
            .map(|((from, to), count)| EdgeStats {
                from: index[&from],
                to: index[&to],
                count,
            })
            .collect();
        edges.sort_by_key(|e| (e.from, e.to));
        LaneStats {
            name,
            cases: self.cases,
            executions: self.executions,
            steps: steps.into_iter().map(|(_, s)| s).collect(),
            edges,
        }
    }
}

/// Measures the events a reader hands to it, through `read`: the reading
/// on this thread, the measuring beside it (see [`super::batch`]).
pub fn measure(
    options: MeasureOptions,
    source_name: &str,
    read: impl FnOnce(&mut dyn EventSink) -> Result<(), LogError>,
) -> Result<LogStats, LogError> {
    let (mut sink, batches) = BatchSink::channel();
    std::thread::scope(|scope| {
        let measuring = scope.spawn(move || {
            let mut measurer = Measurer::new(options);
            for mut batch in batches.full {
                batch.replay(&mut measurer);
                batch.clear();
                let _ = batches.empty.send(batch);
            }
            measurer
        });
        let read = read(&mut sink);
        sink.finish();
        let measurer = measuring
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read?;
        measurer.finish(source_name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row: case, activity, time, lifecycle, lane.
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

    fn measure_rows(rows: &[Row<'_>], options: MeasureOptions) -> LogStats {
        measure(options, "test", |sink| {
            for (i, &(case, activity, time, lifecycle, lane)) in rows.iter().enumerate() {
                sink.event(&Event {
                    line: i as u64 + 2,
                    case,
                    activity,
                    time,
                    start: None,
                    lifecycle,
                    resource: None,
                    lane,
                });
            }
            Ok(())
        })
        .unwrap()
    }

    fn step<'a>(stats: &'a LogStats, lane: &str, activity: &str) -> &'a StepStats {
        let lane = stats.lanes.iter().find(|l| l.name == lane).unwrap();
        lane.steps.iter().find(|s| s.activity == activity).unwrap()
    }

    #[test]
    fn the_median_of_counts_is_the_median_of_the_values() {
        assert_eq!(median_of_counts(&[1, 1]), 0.5);
        assert_eq!(median_of_counts(&[0, 3, 0, 1]), 1.0);
        assert_eq!(median_of_counts(&[2, 0, 0, 2]), 1.5);
        assert_eq!(median_of_counts(&[]), 0.0);
        let mut values = vec![0.0, 2.0, 2.0, 5.0, 5.0, 5.0];
        assert_eq!(median_of_counts(&[1, 0, 2, 0, 0, 3]), percentile(&mut values, 0.5));
    }

    #[test]
    fn percentiles_are_numpy_linear() {
        let mut samples = vec![4.0, 1.0, 3.0, 2.0];
        let s = Spread::of(&mut samples).unwrap();
        assert_eq!((s.p25, s.p50, s.p75, s.n), (1.75, 2.5, 3.25, 4));
        assert_eq!(Spread::of(&mut [7.0]).unwrap().p75, 7.0);
        assert!(Spread::of(&mut []).is_none());
    }

    // Two cases worked by hand. Case 1: a 10:00, b 12:00 (wait 2 h),
    // b 15:00 (rework, wait 3 h), c 15:00 (tie with b, file order: wait 0).
    // Case 2: a 09:00, c 08:00 (listed after a but completed before it:
    // sorted first, then a waits 1 h). The log spans 10:00 day 1 to 15:00
    // day 1 only: one day, so months = 1 / 30.4375.
    #[test]
    fn figures_worked_by_hand() {
        let rows = [
            ("1", "a", "2020-01-01 10:00", None, None),
            ("1", "b", "2020-01-01 12:00", None, None),
            ("1", "b", "2020-01-01 15:00", None, None),
            ("1", "c", "2020-01-01 15:00", None, None),
            ("2", "a", "2020-01-01 09:00", None, None),
            ("2", "c", "2020-01-01 08:00", None, None),
        ];
        let stats = measure_rows(&rows, MeasureOptions::default());
        assert_eq!((stats.cases, stats.executions, stats.events), (2, 6, 6));
        assert_eq!(stats.months, 1.0 / DAYS_PER_MONTH);
        let b = step(&stats, ALL_CASES, "b");
        assert_eq!((b.cases, b.executions), (1, 2));
        assert_eq!(b.rework_rate, 0.5);
        assert_eq!(b.volume_per_month, DAYS_PER_MONTH);
        assert_eq!(b.wait_hours.unwrap().p50, 2.5);
        let c = step(&stats, ALL_CASES, "c");
        // c waits 0 h in case 1 and is first (no wait) in case 2.
        assert_eq!(
            c.wait_hours.unwrap(),
            Spread {
                p25: 0.0,
                p50: 0.0,
                p75: 0.0,
                n: 1
            }
        );
        let a = step(&stats, ALL_CASES, "a");
        assert_eq!(a.wait_hours.unwrap().n, 1);
        assert_eq!(a.wait_hours.unwrap().p50, 1.0);
        assert!(a.handle_minutes.is_none() && !stats.handling_measured);
        // Positions: a at 0 and 1, b at 1 and 2, c at 3 and 0.
        let lane = &stats.lanes[0];
        let order: Vec<&str> = lane.steps.iter().map(|s| s.activity.as_str()).collect();
        assert_eq!(order, ["a", "b", "c"]);
        // Follows: a→b, b→b (not an edge), b→c, c→a: 1 each of 6 executions.
        assert_eq!(lane.edges.len(), 3);
    }

    #[test]
    fn starts_pair_first_in_first_out_and_other_transitions_are_ignored() {
        let rows = [
            ("1", "a", "2020-01-01 09:00", Some("START"), None),
            ("1", "a", "2020-01-01 09:30", Some("start"), None),
            ("1", "a", "2020-01-01 10:00", Some("complete"), None),
            ("1", "a", "2020-01-01 10:10", Some("suspend"), None),
            ("1", "a", "2020-01-01 11:00", Some("Complete"), None),
            ("1", "b", "2020-01-01 12:00", Some("complete"), None),
            ("1", "c", "2020-01-01 13:00", Some("start"), None),
        ];
        let stats = measure_rows(&rows, MeasureOptions::default());
        assert_eq!(
            (stats.executions, stats.ignored_transitions, stats.unpaired_starts),
            (3, 1, 1)
        );
        let a = step(&stats, ALL_CASES, "a");
        // 09:00→10:00 and 09:30→11:00: 60 and 90 minutes.
        assert_eq!(a.handle_minutes.unwrap().p50, 75.0);
        // The second a waits from 10:00 to its start at 09:30: negative, so 0.
        assert_eq!(a.wait_hours.unwrap().p50, 0.0);
        assert_eq!(a.rework_rate, 0.5);
        assert!(stats.handling_measured);
    }

    #[test]
    fn rework_is_capped_and_lanes_past_the_limit_share_other() {
        let mut rows = Vec::new();
        let times: Vec<String> = (0..21).map(|i| format!("2020-01-01 {:02}:00", i + 1)).collect();
        for t in &times {
            rows.push(("loop", "fix", t.as_str(), None, Some("L")));
        }
        let names: Vec<String> = (0..30).map(|i| format!("case{i}")).collect();
        let values: Vec<String> = (0..30).map(|i| format!("region {i:02}")).collect();
        for (name, value) in names.iter().zip(&values) {
            rows.push((name.as_str(), "fix", "2020-01-02 10:00", None, Some(value.as_str())));
        }
        let options = MeasureOptions {
            lanes_by_attribute: true,
            ..MeasureOptions::default()
        };
        let stats = measure_rows(&rows, options);
        let fix = step(&stats, "L", "fix");
        assert!(fix.rework_capped);
        assert_eq!(fix.rework_rate, MAX_REWORK);
        assert_eq!(stats.lanes.len(), MAX_LANES);
        let other = stats.lanes.last().unwrap();
        assert_eq!((other.name.as_str(), other.cases), (OTHER, 31 - 23));
        // Every value has 1 case; ties go by name: "L" and "region 00" to
        // "region 21" keep lanes, "region 22" to "region 29" share Other.
        assert_eq!(stats.lanes[0].name, "L");
        assert_eq!(stats.lanes[22].name, "region 21");
    }

    #[test]
    fn unreadable_rows_are_counted_and_refuse_past_five_percent() {
        let mut sink = Measurer::new(MeasureOptions::default());
        for i in 0..100 {
            let time = if i < 5 { "yesterday" } else { "2020-01-01 10:00" };
            sink.event(&Event {
                line: i + 2,
                case: "c",
                activity: "a",
                time,
                start: None,
                lifecycle: None,
                resource: None,
                lane: None,
            });
        }
        let stats = sink.finish("log.csv").unwrap();
        assert_eq!(stats.unreadable.count, 5);
        assert!(
            stats
                .unreadable
                .describe()
                .starts_with("line 2: \"yesterday\" is not a time")
        );
        let mut sink = Measurer::new(MeasureOptions::default());
        for i in 0..20 {
            sink.unreadable(i + 2, "no activity");
        }
        let message = sink.finish("log.csv").unwrap_err().to_string();
        assert!(message.contains("20 of its 20 rows cannot be read"), "{message}");
        assert!(message.contains("line 11: no activity; and 10 more"), "{message}");
    }
}
