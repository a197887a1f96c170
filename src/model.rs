//! The process-map domain model: a map of lanes, the steps inside them, and the
//! edges between steps. Pure data; no UI, no storage.

use serde::{Deserialize, Serialize};

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
    pub steps: Vec<Step>,
    #[serde(default)]
    pub edges: Vec<Edge>,
    /// Lanes picked to fix first (see `plan`). Optional in map files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub picks: Vec<crate::plan::Pick>,
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub lane: String,
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
}

/// Optional low or high estimates of a step's attributes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimates {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_per_month: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_minutes: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rework_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_delay_hours: Option<f64>,
}

impl Estimates {
    pub fn is_empty(&self) -> bool {
        Attr::ALL.iter().all(|a| self.get(*a).is_none())
    }

    pub fn get(&self, attr: Attr) -> Option<f64> {
        match attr {
            Attr::VolumePerMonth => self.volume_per_month,
            Attr::HandleMinutes => self.handle_minutes,
            Attr::ReworkRate => self.rework_rate,
            Attr::ApprovalDelayHours => self.approval_delay_hours,
        }
    }

    pub fn set(&mut self, attr: Attr, value: Option<f64>) {
        let slot = match attr {
            Attr::VolumePerMonth => &mut self.volume_per_month,
            Attr::HandleMinutes => &mut self.handle_minutes,
            Attr::ReworkRate => &mut self.rework_rate,
            Attr::ApprovalDelayHours => &mut self.approval_delay_hours,
        };
        *slot = value;
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

    /// A label for people, with the unit.
    pub fn label(self) -> &'static str {
        match self {
            Attr::VolumePerMonth => "Volume (items/month)",
            Attr::HandleMinutes => "Handling (min/item)",
            Attr::ReworkRate => "Rework rate (0–0.95)",
            Attr::ApprovalDelayHours => "Approval delay (h/item)",
        }
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
    pub fn new(id: impl Into<String>, lane: impl Into<String>, name: impl Into<String>) -> Self {
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
            steps: Vec::new(),
            edges: Vec::new(),
            picks: Vec::new(),
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
