//! The process-map domain model: a map of lanes, the steps inside them, and the
//! edges between steps. Pure data; no UI, no storage.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

mod evidence;
pub mod pick;
mod steps;
#[cfg(test)]
pub(crate) use evidence::example as example_evidence;
pub use evidence::{Evidence, Measured, Standing};
pub use steps::{Range, ScoreColumns, ScoreRow, StepMut, Steps, Values};

/// A stored map's id: its row in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MapId(pub i64);

/// The current map-file format version written by this build.
pub const FORMAT_VERSION: u32 = 1;

/// Default working hours in one full-time-equivalent month.
pub const DEFAULT_HOURS_PER_FTE_MONTH: f64 = 140.0;

/// One process map: what the user lays out on the canvas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Map {
    pub name: String,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    #[serde(default)]
    pub rates: Rates,
    #[serde(default)]
    pub lanes: Vec<Lane>,
    #[serde(default)]
    pub steps: Steps,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Lanes picked to fix first (see `plan`). Optional in map files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub picks: Vec<pick::Pick>,
    /// How sure the pick is gets simulated with these draws and this seed.
    /// Optional in map files.
    #[serde(default, skip_serializing_if = "Simulation::is_default")]
    pub simulation: Simulation,
}

/// The draws and the generator's seed of the simulation that says how sure
/// the pick is (`scoring::certainty`), kept with the map so that it always
/// gives the same figures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Simulation {
    pub draws: u32,
    pub seed: u64,
}

impl Simulation {
    pub const DEFAULT_DRAWS: u32 = 10_000;
    /// The most draws a map may ask for.
    pub const MAX_DRAWS: u32 = 1_000_000;

    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

impl Default for Simulation {
    fn default() -> Self {
        Self {
            draws: Self::DEFAULT_DRAWS,
            seed: 1,
        }
    }
}

fn default_currency() -> String {
    "USD".to_owned()
}

/// The money rates that turn minutes and waiting hours into cost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rates {
    /// Loaded labour cost of one working hour.
    pub hourly_cost: f64,
    /// What one item waiting one hour costs.
    pub delay_cost_per_hour: f64,
    #[serde(default = "default_hours_per_fte_month")]
    pub hours_per_fte_month: f64,
}

fn default_hours_per_fte_month() -> f64 {
    DEFAULT_HOURS_PER_FTE_MONTH
}

impl Default for Rates {
    fn default() -> Self {
        Self {
            hourly_cost: 50.0,
            delay_cost_per_hour: 0.5,
            hours_per_fte_month: DEFAULT_HOURS_PER_FTE_MONTH,
        }
    }
}

/// One candidate workflow, drawn as a horizontal band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lane {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Optional estimate of the weeks of effort to fix this lane.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort_weeks: Option<f64>,
}

/// One unit of work inside a lane. `x`/`y` are the card's top-left corner
/// relative to its lane's band, so a lane can be reordered with its steps.
///
/// Scoring reads steps through the columns [`Steps`] keeps beside them,
/// not field by field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub lane: CompactString,
    pub name: String,
    #[serde(default)]
    pub x: f32,
    #[serde(default)]
    pub y: f32,
    pub volume_per_month: f64,
    pub handle_minutes: f64,
    pub rework_rate: f64,
    pub approval_delay_hours: f64,
    #[serde(default, skip_serializing_if = "Estimates::is_empty")]
    pub low: Estimates,
    #[serde(default, skip_serializing_if = "Estimates::is_empty")]
    pub high: Estimates,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Where the figures came from, when they were measured from an event
    /// log (boxed: most steps have none, and steps are many).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Box<Evidence>>,
}

/// Optional low or high estimates of a step's attributes: a bit per
/// attribute that has one, and the values. An unset value is kept at 0.0,
/// so equal estimates are equal field by field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "EstimateFields", into = "EstimateFields")]
pub struct Estimates {
    set: u8,
    values: [f64; 4],
}

/// How estimates read and write in files: a field per attribute that has one.
#[derive(Clone, Copy, Default, Serialize, Deserialize)]
#[serde(rename = "Estimates")]
struct EstimateFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    volume_per_month: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    handle_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rework_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    approval_delay_hours: Option<f64>,
}

impl From<EstimateFields> for Estimates {
    fn from(f: EstimateFields) -> Self {
        let mut e = Estimates::default();
        for (attr, value) in Attr::ALL.into_iter().zip([
            f.volume_per_month,
            f.handle_minutes,
            f.rework_rate,
            f.approval_delay_hours,
        ]) {
            e.set(attr, value);
        }
        e
    }
}

impl From<Estimates> for EstimateFields {
    fn from(e: Estimates) -> Self {
        EstimateFields {
            volume_per_month: e.get(Attr::VolumePerMonth),
            handle_minutes: e.get(Attr::HandleMinutes),
            rework_rate: e.get(Attr::ReworkRate),
            approval_delay_hours: e.get(Attr::ApprovalDelayHours),
        }
    }
}

impl Estimates {
    /// Estimates with one value set, to build on with [`Estimates::with`].
    pub fn of(attr: Attr, value: f64) -> Self {
        Self::default().with(attr, value)
    }

    /// These estimates with `attr` set to `value`.
    pub fn with(mut self, attr: Attr, value: f64) -> Self {
        self.set(attr, Some(value));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.set == 0
    }

    pub fn get(&self, attr: Attr) -> Option<f64> {
        let i = attr as usize;
        (self.set & (1 << i) != 0).then_some(self.values[i])
    }

    pub fn set(&mut self, attr: Attr, value: Option<f64>) {
        let i = attr as usize;
        match value {
            Some(v) => {
                self.set |= 1 << i;
                self.values[i] = v;
            }
            None => {
                self.set &= !(1 << i);
                self.values[i] = 0.0;
            }
        }
    }
}

/// Flow from one step to another. Crossing lanes makes it a hand-off.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
}

/// The four friction attributes of a step, with their units and ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    // The order of `ALL`; `Estimates` indexes its values by it.
    VolumePerMonth,
    HandleMinutes,
    ReworkRate,
    ApprovalDelayHours,
}

impl Attr {
    pub const ALL: [Attr; 4] = [
        Attr::VolumePerMonth,
        Attr::HandleMinutes,
        Attr::ReworkRate,
        Attr::ApprovalDelayHours,
    ];

    /// The field name used in files, the database and error messages.
    pub fn key(self) -> &'static str {
        match self {
            Attr::VolumePerMonth => "volume_per_month",
            Attr::HandleMinutes => "handle_minutes",
            Attr::ReworkRate => "rework_rate",
            Attr::ApprovalDelayHours => "approval_delay_hours",
        }
    }

    /// A label for people, with the unit in which it is entered (rework
    /// as a percent: see [`Attr::display_scale`]).
    pub fn label(self) -> &'static str {
        match self {
            Attr::VolumePerMonth => "Volume (items / month)",
            Attr::HandleMinutes => "Handling (min / item)",
            Attr::ReworkRate => "Rework (% of items)",
            Attr::ApprovalDelayHours => "Approval wait (h / item)",
        }
    }

    /// [`Attr::label`] short enough for a column title or a slider.
    pub fn short_label(self) -> &'static str {
        match self {
            Attr::VolumePerMonth => "Volume / month",
            Attr::HandleMinutes => "Minutes / item",
            Attr::ReworkRate => "Rework %",
            Attr::ApprovalDelayHours => "Wait h / item",
        }
    }

    /// The attribute in a sentence: "narrow the handling time of …".
    pub fn noun(self) -> &'static str {
        match self {
            Attr::VolumePerMonth => "volume",
            Attr::HandleMinutes => "handling time",
            Attr::ReworkRate => "rework rate",
            Attr::ApprovalDelayHours => "approval wait",
        }
    }

    /// What a value is multiplied by for people: rework is entered and
    /// shown as a percent, everything else in model units.
    pub fn display_scale(self) -> f64 {
        if self == Attr::ReworkRate { 100.0 } else { 1.0 }
    }

    /// The inclusive allowed range.
    pub fn range(self) -> (f64, f64) {
        match self {
            Attr::VolumePerMonth => (0.0, 1e9),
            Attr::HandleMinutes => (0.0, 1e5),
            Attr::ReworkRate => (0.0, 0.95),
            Attr::ApprovalDelayHours => (0.0, 1e5),
        }
    }
}

/// Which of an attribute's three numbers a number is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    Value,
    Low,
    High,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Value, Part::Low, Part::High];

    pub fn key(self) -> &'static str {
        match self {
            Part::Value => "value",
            Part::Low => "low",
            Part::High => "high",
        }
    }
}

impl Step {
    pub fn value(&self, attr: Attr) -> f64 {
        match attr {
            Attr::VolumePerMonth => self.volume_per_month,
            Attr::HandleMinutes => self.handle_minutes,
            Attr::ReworkRate => self.rework_rate,
            Attr::ApprovalDelayHours => self.approval_delay_hours,
        }
    }

    pub fn set_value(&mut self, attr: Attr, value: f64) {
        let slot = match attr {
            Attr::VolumePerMonth => &mut self.volume_per_month,
            Attr::HandleMinutes => &mut self.handle_minutes,
            Attr::ReworkRate => &mut self.rework_rate,
            Attr::ApprovalDelayHours => &mut self.approval_delay_hours,
        };
        *slot = value;
    }

    /// Whether the step has no figures at all: all four values zero and no
    /// low/high estimates. A step imported from BPMN without our attributes
    /// arrives like this, and the canvas and pictures mark it "needs
    /// estimates" until any figure is entered.
    pub fn needs_estimates(&self) -> bool {
        Attr::ALL.iter().all(|&a| self.value(a) == 0.0) && self.low.is_empty() && self.high.is_empty()
    }

    /// A new step with zero friction at the given position.
    pub fn new(id: impl Into<String>, lane: impl Into<CompactString>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            lane: lane.into(),
            name: name.into(),
            x: 0.0,
            y: 0.0,
            volume_per_month: 0.0,
            handle_minutes: 0.0,
            rework_rate: 0.0,
            approval_delay_hours: 0.0,
            low: Estimates::default(),
            high: Estimates::default(),
            notes: String::new(),
            evidence: None,
        }
    }
}

impl Lane {
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            owner: String::new(),
            notes: String::new(),
            effort_weeks: None,
        }
    }
}

impl Map {
    /// An empty map with default rates.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            currency: default_currency(),
            notes: String::new(),
            rates: Rates::default(),
            lanes: Vec::new(),
            steps: Steps::new(),
            edges: Vec::new(),
            picks: Vec::new(),
            simulation: Simulation::default(),
        }
    }

    pub fn lane(&self, id: &str) -> Option<&Lane> {
        self.lanes.iter().find(|l| l.id == id)
    }

    pub fn lane_index(&self, id: &str) -> Option<usize> {
        self.lanes.iter().position(|l| l.id == id)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.id == id)
    }

    /// An id with the given prefix that no lane or step uses yet.
    pub fn fresh_id(&self, prefix: &str) -> String {
        let taken: std::collections::HashSet<&str> = (self.lanes.iter().map(|l| l.id.as_str()))
            .chain(self.steps.iter().map(|s| s.id.as_str()))
            .collect();
        (1..)
            .map(|n| format!("{prefix}{n}"))
            .find(|id| !taken.contains(id.as_str()))
            .unwrap_or_else(|| prefix.to_owned())
    }

    /// Whether an edge crosses from one lane to another.
    pub fn is_handoff(&self, edge: &Edge) -> bool {
        match (self.step(&edge.from), self.step(&edge.to)) {
            (Some(a), Some(b)) => a.lane != b.lane,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_hold_each_attribute_on_its_own() {
        let mut e = Estimates::of(Attr::ReworkRate, 0.25).with(Attr::VolumePerMonth, 0.0);
        assert!(!e.is_empty());
        assert_eq!(e.get(Attr::ReworkRate), Some(0.25));
        assert_eq!(e.get(Attr::VolumePerMonth), Some(0.0), "zero is a value, not a gap");
        assert_eq!(e.get(Attr::HandleMinutes), None);
        e.set(Attr::ReworkRate, None);
        e.set(Attr::VolumePerMonth, None);
        assert!(e.is_empty());
        assert_eq!(e, Estimates::default(), "cleared estimates equal none at all");
    }

    #[test]
    fn estimates_and_steps_read_and_write_files_as_before() {
        let json = r#"{"id":"s1","lane":"a","name":"First","x":1.0,"y":2.0,"volume_per_month":10.0,"handle_minutes":3.0,"rework_rate":0.1,"approval_delay_hours":0.0,"high":{"handle_minutes":5.0}}"#;
        let step: Step = serde_json::from_str(json).expect("a step");
        assert_eq!(step.high, Estimates::of(Attr::HandleMinutes, 5.0));
        assert!(step.low.is_empty());
        assert_eq!(serde_json::to_string(&step).expect("json"), json);
    }
}
