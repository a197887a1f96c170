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
//!
//! A log whose cases each come in time order (most are listed by case or
//! by time) is measured as it streams past: memory holds each case's
//! progress (its lane, pending starts, last execution and the activities
//! it has done) and each step's samples, bounded by [`super::samples`], not
//! its events. Otherwise it is read a second time and every case's
//! executions are held and sorted before they are measured.

use ahash::AHashMap;

use super::batch::BatchSink;
use super::event::{Event, EventSink};
pub use super::samples::Spread;
use super::samples::{Bins, Samples, median_of_counts};
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

/// Activities, each once: a bit each for the first 64, a list for the rest.
#[derive(Default)]
struct ActivitySet {
    low: u64,
    more: Box<[u32]>,
}

impl ActivitySet {
    /// Adds an activity, saying whether it was new.
    fn insert(&mut self, activity: u32) -> bool {
        if activity < 64 {
            let bit = 1 << activity;
            let new = self.low & bit == 0;
            self.low |= bit;
            return new;
        }
        if self.more.contains(&activity) {
            return false;
        }
        let mut more = std::mem::take(&mut self.more).into_vec();
        more.push(activity);
        self.more = more.into_boxed_slice();
        true
    }
}

/// How far a case's executions have been measured, in time order.
#[derive(Default)]
struct Progress {
    /// Executions measured: the next one's position in the case.
    count: u32,
    /// The activity and completion of the last one measured (when `count` > 0).
    previous_activity: u32,
    previous_complete: i64,
    /// The activities measured so far.
    seen: ActivitySet,
}

/// What is kept of a case while the log streams past: 48 bytes.
#[derive(Default)]
struct Case {
    /// The lane value of its first row (numbered in `lane_values`), or
    /// [`NO_LANE`].
    lane: u32,
    progress: Progress,
}

// The memory a streamed log takes grows with its cases by this much (and
// the case's id in the index): the README and the benchmark count on it.
const _: () = assert!(std::mem::size_of::<Case>() <= 48);

/// How executions are measured.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Each as it comes, while every case's come in time order, so memory
    /// holds only each case's progress; an execution that completes before
    /// the one before it in its case ends the stream (see [`measure`]).
    Streaming { in_time_order: bool },
    /// Every case's executions kept, sorted and measured at the end: any
    /// order, memory growing with the log.
    Holding,
}

/// Where executions' figures go: a builder per lane value in a first
/// reading, a builder per lane (the values of "Other" routed to one) when
/// a log is read again to make its percentiles exact.
struct Figures {
    /// Lane value slot (see [`slot`]) to builder; `None`: the slot itself.
    route: Option<Vec<usize>>,
    builders: Vec<LaneBuilder>,
    /// Whether new builders keep every sample (a log held in memory).
    keep_every: bool,
}

impl Figures {
    fn of(&mut self, lane_value: u32) -> Option<&mut LaneBuilder> {
        let slot = slot(lane_value);
        match &self.route {
            Some(route) => self.builders.get_mut(*route.get(slot)?),
            None => {
                if self.builders.len() <= slot {
                    let keep_every = self.keep_every;
                    self.builders.resize_with(slot + 1, || LaneBuilder::new(keep_every));
                }
                Some(&mut self.builders[slot])
            }
        }
    }
}

/// Where a lane value's figures are among a first reading's builders:
/// [`NO_LANE`] first, then the values by number.
fn slot(lane_value: u32) -> usize {
    if lane_value == NO_LANE {
        0
    } else {
        lane_value as usize + 1
    }
}

/// A second reading of a log whose figures had more samples than are
/// kept one by one: the lanes the first found, which lane values each
/// holds, and the bins of the figures to make exact.
struct Refinement {
    names: Vec<String>,
    route: Vec<usize>,
    /// Per lane, per activity: the bins of its waits and of its handling.
    bins: Vec<Vec<(Option<Bins>, Option<Bins>)>>,
    /// The executions the first reading measured, to see the file unchanged.
    executions: u64,
}

/// Takes events as a reader hands them on and measures them.
pub struct Measurer {
    options: MeasureOptions,
    mode: Mode,
    activities: Names,
    lane_values: Names,
    case_index: AHashMap<Box<str>, u32>,
    /// The case of the last row and its index.
    last_case: Option<(Box<str>, u32)>,
    cases: Vec<Case>,
    /// Starts waiting for their completion, by case: activity and time,
    /// in file order.
    pending: AHashMap<u32, Vec<(u32, i64)>>,
    /// Holding: each case's executions in file order.
    held: Vec<Vec<Execution>>,
    figures: Figures,
    /// A second reading's lane names and what the first measured.
    refinement: Option<(Vec<String>, u64)>,
    /// First and last completion so far.
    first: i64,
    last: i64,
    events: u64,
    ignored_transitions: u64,
    unreadable: Unreadable,
    handling_measured: bool,
}

/// What a measurer concludes: the figures, and when some were counted in
/// bins, the second reading that makes them exact.
struct Concluded {
    stats: LogStats,
    refinement: Option<Refinement>,
}

impl Measurer {
    /// A measurer that holds every execution until [`Measurer::finish`]:
    /// cases may come in any order.
    pub fn new(options: MeasureOptions) -> Self {
        Self::with(options, Mode::Holding, None)
    }

    /// A measurer that measures each execution as it comes, for logs whose
    /// cases each come in time order.
    fn streaming(options: MeasureOptions) -> Self {
        Self::with(options, Mode::Streaming { in_time_order: true }, None)
    }

    fn with(options: MeasureOptions, mode: Mode, refinement: Option<Refinement>) -> Self {
        let mut figures = Figures {
            route: None,
            builders: Vec::new(),
            keep_every: mode == Mode::Holding,
        };
        let refinement = refinement.map(|r| {
            figures.route = Some(r.route);
            figures.builders = (r.bins.into_iter()).map(LaneBuilder::refining).collect();
            (r.names, r.executions)
        });
        Self {
            options,
            mode,
            activities: Names::default(),
            lane_values: Names::default(),
            case_index: AHashMap::new(),
            last_case: None,
            cases: Vec::new(),
            pending: AHashMap::new(),
            held: Vec::new(),
            figures,
            refinement,
            first: i64::MAX,
            last: i64::MIN,
            events: 0,
            ignored_transitions: 0,
            unreadable: Unreadable::default(),
            handling_measured: false,
        }
    }

    /// Whether a streaming measurer saw a case's execution complete before
    /// the one before it, so the log must be measured holding.
    fn out_of_time_order(&self) -> bool {
        self.mode == Mode::Streaming { in_time_order: false }
    }

    /// The index of the event's case, numbered on its first row.
    fn case(&mut self, event: &Event<'_>) -> usize {
        // Logs list a case's rows together more often than not: the case
        // of the last row is checked before the map of all cases.
        if let Some((last, index)) = &self.last_case
            && **last == *event.case
        {
            return *index as usize;
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
            if self.mode == Mode::Holding {
                self.held.push(Vec::new());
            }
        }
        index as usize
    }

    /// A completed event of the case at `index`: its start, if any, is
    /// given or the first pending start of its activity.
    fn completed(&mut self, index: usize, activity: u32, complete: i64, start: i64) {
        let start = if start != NO_START || self.pending.is_empty() {
            start
        } else {
            self.pending_start(index as u32, activity).unwrap_or(NO_START)
        };
        self.first = self.first.min(complete);
        self.last = self.last.max(complete);
        self.handling_measured |= start != NO_START;
        let case = &mut self.cases[index];
        match &mut self.mode {
            Mode::Holding => {
                let executions = &mut self.held[index];
                executions.push(Execution {
                    activity,
                    seq: executions.len() as u32,
                    complete,
                    start,
                });
            }
            Mode::Streaming { in_time_order } => {
                if case.progress.count > 0 && complete < case.progress.previous_complete {
                    *in_time_order = false;
                    return;
                }
                let execution = Execution {
                    activity,
                    seq: case.progress.count,
                    complete,
                    start,
                };
                if let Some(lane) = self.figures.of(case.lane) {
                    lane.add(&mut case.progress, &execution, &self.options);
                }
            }
        }
    }

    /// Takes the case's first start of `activity` still waiting.
    fn pending_start(&mut self, case: u32, activity: u32) -> Option<i64> {
        let starts = self.pending.get_mut(&case)?;
        let i = starts.iter().position(|&(a, _)| a == activity)?;
        let (_, start) = starts.remove(i);
        if starts.is_empty() {
            self.pending.remove(&case);
        }
        Some(start)
    }

    /// The figures, or why the log cannot give them. Figures with more
    /// samples than are kept one by one are as their bins tell them
    /// (within 2⁻¹²): [`measure`] reads such a log again to make them exact.
    pub fn finish(self, source_name: &str) -> Result<LogStats, LogError> {
        self.conclude(source_name).map(|c| c.stats)
    }

    fn conclude(mut self, source_name: &str) -> Result<Concluded, LogError> {
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
        let (first, last) = (self.first, self.last);
        if first > last {
            return Err(refuse(if total == 0 {
                "the log has no events".to_owned()
            } else {
                "the log has no completed events (every row is a start or another lifecycle transition)".to_owned()
            }));
        }
        let days = ((last - first) as f64 / 86_400_000.0).max(1.0);
        let months = days / DAYS_PER_MONTH;
        let unpaired_starts = self.pending.values().map(|s| s.len() as u64).sum();
        for (case, mut executions) in self.cases.iter().zip(std::mem::take(&mut self.held)) {
            // Stable: ties keep file order.
            executions.sort_by_key(|e| (e.complete, e.seq));
            let mut progress = Progress::default();
            if let Some(lane) = self.figures.of(case.lane) {
                for e in &executions {
                    lane.add(&mut progress, e, &self.options);
                }
            }
        }
        let (cases, executions) =
            (self.figures.builders.iter()).fold((0, 0), |(c, e), lane| (c + lane.cases, e + lane.executions));
        let first_reading = self.refinement.is_none();
        let (names, route, lanes) = match self.refinement.take() {
            Some((names, measured)) => {
                if executions != measured || self.out_of_time_order() {
                    return Err(refuse(
                        "the file changed while it was read; measure it again".to_owned(),
                    ));
                }
                let lanes = std::mem::take(&mut self.figures.builders);
                (names, Vec::new(), lanes)
            }
            None => self.lanes(),
        };
        // A held log keeps every sample; a streamed one read a first time
        // is read again if some figure was counted in bins.
        let bins: Vec<Vec<(Option<Bins>, Option<Bins>)>> = lanes.iter().map(LaneBuilder::bins).collect();
        let binned = bins.iter().flatten().any(|(w, h)| w.is_some() || h.is_some());
        let refinement = (first_reading && binned).then(|| Refinement {
            names: names.clone(),
            route,
            bins,
            executions,
        });
        let lanes = (lanes.into_iter().zip(names))
            .filter(|(lane, _)| lane.cases > 0)
            .map(|(lane, name)| lane.finish(name, months, self.options.min_edge_share, &self.activities.names))
            .collect();
        Ok(Concluded {
            stats: LogStats {
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
                working_hours: self.options.working_hours.is_some(),
                lanes,
            },
            refinement,
        })
    }

    /// The lanes, with the lane values of each merged: one lane per value
    /// with the most cases, "Other" for the rest past [`MAX_LANES`]. Their
    /// names, the lane of each value's slot, and their figures.
    fn lanes(&mut self) -> (Vec<String>, Vec<usize>, Vec<LaneBuilder>) {
        let builders = std::mem::take(&mut self.figures.builders);
        let value_of = |slot: usize| if slot == 0 { NO_LANE } else { slot as u32 - 1 };
        let name = |value: u32| -> &str {
            if !self.options.lanes_by_attribute {
                ALL_CASES
            } else if value == NO_LANE {
                NO_VALUE
            } else {
                &self.lane_values.names[value as usize]
            }
        };
        let mut slots: Vec<(usize, u64)> = (builders.iter().enumerate())
            .filter(|(_, lane)| lane.cases > 0)
            .map(|(slot, lane)| (slot, lane.cases))
            .collect();
        let name_of_slot = |slot: usize| name(value_of(slot));
        slots.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| name_of_slot(a.0).cmp(name_of_slot(b.0))));
        let kept = if slots.len() <= MAX_LANES {
            slots.len()
        } else {
            MAX_LANES - 1
        };
        let mut names: Vec<String> = slots[..kept].iter().map(|&(s, _)| name_of_slot(s).to_owned()).collect();
        if slots.len() > kept {
            names.push(OTHER.to_owned());
        }
        // Slots without cases go to the last lane: they add nothing.
        let mut route = vec![names.len().saturating_sub(1); builders.len()];
        for (lane, &(slot, _)) in slots.iter().enumerate() {
            route[slot] = lane.min(kept);
        }
        let keep_every = self.figures.keep_every;
        let mut lanes: Vec<LaneBuilder> = names.iter().map(|_| LaneBuilder::new(keep_every)).collect();
        for (slot, builder) in builders.into_iter().enumerate() {
            if builder.cases > 0 {
                lanes[route[slot]].merge(builder);
            }
        }
        (names, route, lanes)
    }
}

impl EventSink for Measurer {
    fn event(&mut self, event: &Event<'_>) {
        if self.out_of_time_order() {
            // Measured again, holding: the rest of this reading is in vain.
            return;
        }
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
        let index = self.case(event);
        match transition.unwrap_or(Transition::Complete) {
            Transition::Start => self.pending.entry(index as u32).or_default().push((activity, complete)),
            Transition::Other => self.ignored_transitions += 1,
            Transition::Complete => self.completed(index, activity, complete, start),
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
    executions: u64,
    waits: Samples,
    handling: Samples,
    /// How many executions stood at each position in their case.
    positions: Vec<u64>,
}

impl StepBuilder {
    fn merge(&mut self, other: StepBuilder) {
        self.cases += other.cases;
        self.executions += other.executions;
        self.waits.merge(other.waits);
        self.handling.merge(other.handling);
        if self.positions.len() < other.positions.len() {
            self.positions.resize(other.positions.len(), 0);
        }
        for (mine, theirs) in self.positions.iter_mut().zip(other.positions) {
            *mine += theirs;
        }
    }
}

/// The figures of a lane's cases (or one lane value's), by activity.
#[derive(Default)]
struct LaneBuilder {
    cases: u64,
    executions: u64,
    /// By activity number; an activity with no executions has none here.
    steps: Vec<StepBuilder>,
    follows: AHashMap<(u32, u32), u64>,
    /// Whether its steps keep every sample (a log held in memory).
    keep_every: bool,
}

impl LaneBuilder {
    fn new(keep_every: bool) -> Self {
        Self {
            keep_every,
            ..Self::default()
        }
    }

    /// A lane read a second time: the figures a first reading counted in
    /// bins (per activity: waits, handling) keep the samples that make
    /// their percentiles exact.
    fn refining(bins: Vec<(Option<Bins>, Option<Bins>)>) -> Self {
        let steps = (bins.into_iter())
            .map(|(waits, handling)| StepBuilder {
                waits: waits.map(Samples::refining).unwrap_or_default(),
                handling: handling.map(Samples::refining).unwrap_or_default(),
                ..StepBuilder::default()
            })
            .collect();
        Self {
            steps,
            ..Self::default()
        }
    }

    /// Per activity, the bins of its waits and of its handling, where
    /// they were counted in bins.
    fn bins(&self) -> Vec<(Option<Bins>, Option<Bins>)> {
        (self.steps.iter())
            .map(|s| (s.waits.binned().cloned(), s.handling.binned().cloned()))
            .collect()
    }

    fn step(&mut self, activity: u32) -> &mut StepBuilder {
        let index = activity as usize;
        if self.steps.len() <= index {
            let every = self.keep_every;
            self.steps.resize_with(index + 1, || StepBuilder {
                waits: if every { Samples::every() } else { Samples::default() },
                handling: if every { Samples::every() } else { Samples::default() },
                ..StepBuilder::default()
            });
        }
        &mut self.steps[index]
    }

    /// Measures the next execution of a case, in time order.
    fn add(&mut self, progress: &mut Progress, e: &Execution, options: &MeasureOptions) {
        if progress.count == 0 {
            self.cases += 1;
        }
        self.executions += 1;
        let position = progress.count as usize;
        let step = self.step(e.activity);
        step.executions += 1;
        if progress.seen.insert(e.activity) {
            step.cases += 1;
        }
        if step.positions.len() <= position {
            step.positions.resize(position + 1, 0);
        }
        step.positions[position] += 1;
        if e.start != NO_START {
            step.handling.push((e.complete - e.start).max(0) as f64 / 60_000.0);
        }
        if progress.count > 0 {
            let (previous, completed) = (progress.previous_activity, progress.previous_complete);
            let began = if e.start != NO_START { e.start } else { e.complete };
            let wait = match &options.working_hours {
                Some(hours) => hours.hours_between(&options.times, completed, began),
                None => hours((began - completed).max(0)),
            };
            step.waits.push(wait);
            if previous != e.activity {
                *self.follows.entry((previous, e.activity)).or_default() += 1;
            }
        }
        progress.previous_activity = e.activity;
        progress.previous_complete = e.complete;
        progress.count += 1;
    }

    /// Adds another lane value's figures (lanes sharing "Other").
    fn merge(&mut self, other: LaneBuilder) {
        self.cases += other.cases;
        self.executions += other.executions;
        for (activity, step) in other.steps.into_iter().enumerate() {
            if step.executions > 0 {
                self.step(activity as u32).merge(step);
            }
        }
        for (pair, count) in other.follows {
            *self.follows.entry(pair).or_default() += count;
        }
    }

    fn finish(self, name: String, months: f64, min_edge_share: f64, activities: &[Box<str>]) -> LaneStats {
        let mut steps: Vec<(u32, StepStats)> = (self.steps.into_iter().enumerate())
            .filter(|(_, s)| s.executions > 0)
            .map(|(activity, s)| {
                // Capped when cases ÷ executions < 1 − 0.95, decided in
                // whole numbers: 1 case in 20 executions is 0.95 exactly.
                let capped = s.cases * REWORK_CAP_DENOMINATOR < s.executions;
                let rework = 1.0 - s.cases as f64 / s.executions as f64;
                let stats = StepStats {
                    activity: activities[activity].to_string(),
                    cases: s.cases,
                    executions: s.executions,
                    volume_per_month: s.cases as f64 / months,
                    rework_rate: if capped { MAX_REWORK } else { rework.min(MAX_REWORK) },
                    rework_capped: capped,
                    wait_hours: s.waits.spread(),
                    handle_minutes: s.handling.spread(),
                    order: median_of_counts(&s.positions),
                };
                (activity as u32, stats)
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
///
/// A log is measured as it streams past, memory holding each case's
/// progress and each figure's samples up to [`super::samples::EXACT_UP_TO`],
/// not the log. `read` is called a second time when a figure had more
/// samples than that (they were counted in bins, and the second reading
/// keeps those that make its percentiles exact), or when some case's
/// executions are out of time order (then every case's executions are held
/// and sorted, as the definitions need, and memory grows with the log).
pub fn measure(
    options: MeasureOptions,
    source_name: &str,
    mut read: impl FnMut(&mut dyn EventSink) -> Result<(), LogError>,
) -> Result<LogStats, LogError> {
    let streamed = read_into(Measurer::streaming(options.clone()), &mut read)?;
    if streamed.out_of_time_order() {
        drop(streamed);
        return read_into(Measurer::new(options), &mut read)?.finish(source_name);
    }
    let concluded = streamed.conclude(source_name)?;
    match concluded.refinement {
        None => Ok(concluded.stats),
        Some(refinement) => {
            drop(concluded.stats);
            let mode = Mode::Streaming { in_time_order: true };
            read_into(Measurer::with(options, mode, Some(refinement)), &mut read)?.finish(source_name)
        }
    }
}

/// Reads the log into `measurer`, on a thread beside the reading.
fn read_into(
    mut measurer: Measurer,
    read: &mut impl FnMut(&mut dyn EventSink) -> Result<(), LogError>,
) -> Result<Measurer, LogError> {
    let (mut sink, batches) = BatchSink::channel();
    std::thread::scope(|scope| {
        let measuring = scope.spawn(move || {
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
        read.map(|()| measurer)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row: case, activity, time, lifecycle, lane.
    type Row<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);

    fn hand(rows: &[Row<'_>], sink: &mut dyn EventSink) {
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
    }

    /// The figures [`measure`] gives, and how many times it read the rows.
    fn measure_counting(rows: &[Row<'_>], options: MeasureOptions) -> (LogStats, u32) {
        let mut readings = 0;
        let stats = measure(options, "test", |sink| {
            readings += 1;
            hand(rows, sink);
            Ok(())
        })
        .unwrap();
        (stats, readings)
    }

    fn measure_rows(rows: &[Row<'_>], options: MeasureOptions) -> LogStats {
        measure_counting(rows, options).0
    }

    /// The figures of a measurer that holds every execution and sample.
    fn held(rows: &[Row<'_>], options: MeasureOptions) -> LogStats {
        let mut measurer = Measurer::new(options);
        hand(rows, &mut measurer);
        measurer.finish("test").unwrap()
    }

    fn step<'a>(stats: &'a LogStats, lane: &str, activity: &str) -> &'a StepStats {
        let lane = stats.lanes.iter().find(|l| l.name == lane).unwrap();
        lane.steps.iter().find(|s| s.activity == activity).unwrap()
    }

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

    fn by_lanes() -> MeasureOptions {
        MeasureOptions {
            lanes_by_attribute: true,
            ..MeasureOptions::default()
        }
    }

    #[test]
    fn a_log_in_time_order_is_read_once_and_one_out_of_order_twice_holding() {
        let in_order = [
            ("1", "a", "2020-01-01 10:00", None, Some("x")),
            ("2", "a", "2020-01-01 10:30", None, Some("y")),
            ("1", "b", "2020-01-01 12:00", None, Some("x")),
            ("2", "b", "2020-01-01 12:00", None, Some("y")),
            ("1", "b", "2020-01-01 12:00", None, Some("x")),
        ];
        let (stats, readings) = measure_counting(&in_order, by_lanes());
        assert_eq!(readings, 1);
        assert_eq!(stats, held(&in_order, by_lanes()));
        let mut out_of_order = in_order.to_vec();
        out_of_order.push(("2", "c", "2020-01-01 11:00", None, Some("y")));
        let (stats, readings) = measure_counting(&out_of_order, by_lanes());
        assert_eq!(readings, 2);
        assert_eq!(stats, held(&out_of_order, by_lanes()));
        // Case 2 sorted: a 10:30, c 11:00, b 12:00.
        assert_eq!(step(&stats, "y", "c").wait_hours.unwrap().p50, 0.5);
    }

    /// Cases of two executions each, a wait of up to a day between them,
    /// in 23 lane values of 4,100 cases and 40 of 3,300: "Other" gets more
    /// waits than are kept one by one.
    fn many_waits() -> Vec<(String, String, String)> {
        let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let at = |seconds: i64| {
            (start + chrono::Duration::seconds(seconds))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        let values = (0..23).map(|v| (v, 4_100)).chain((23..63).map(|v| (v, 3_300)));
        let mut cases = Vec::new();
        for (value, count) in values {
            for _ in 0..count {
                let i = cases.len() as i64;
                cases.push((
                    format!("c{i}"),
                    format!("value {value:02}"),
                    at(i),
                    at(i + i * 7_919 % 86_400),
                ));
            }
        }
        let mut rows = Vec::new();
        for (case, lane, first, second) in cases {
            rows.push((case.clone(), lane.clone(), first));
            rows.push((case, lane, second));
        }
        rows
    }

    /// The activity of the `i`th of [`many_waits`]' rows.
    fn activity(i: usize) -> &'static str {
        if i.is_multiple_of(2) { "a" } else { "b" }
    }

    #[test]
    fn figures_with_more_samples_than_are_kept_are_read_again_and_exact() {
        let owned = many_waits();
        let rows: Vec<Row<'_>> = (owned.iter().enumerate())
            .map(|(i, (case, lane, time))| (case.as_str(), activity(i), time.as_str(), None, Some(lane.as_str())))
            .collect();
        for options in [by_lanes(), MeasureOptions::default()] {
            let (stats, readings) = measure_counting(&rows, options.clone());
            assert_eq!(readings, 2);
            assert_eq!(stats, held(&rows, options));
            let b = step(&stats, &stats.lanes.last().unwrap().name, "b");
            assert!(b.wait_hours.unwrap().n > super::super::samples::EXACT_UP_TO as u64);
        }
    }

    #[test]
    fn a_file_that_changes_between_readings_is_refused() {
        let owned = many_waits();
        let rows: Vec<Row<'_>> = (owned.iter().enumerate())
            .map(|(i, (case, _, time))| (case.as_str(), activity(i), time.as_str(), None, None))
            .collect();
        let mut readings = 0;
        let error = measure(MeasureOptions::default(), "log.csv", |sink| {
            readings += 1;
            // The second reading finds a row fewer.
            hand(&rows[..rows.len() + 1 - readings], sink);
            Ok(())
        })
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "log.csv: the file changed while it was read; measure it again"
        );
    }
}
