//! A lane picked to fix first and what carries it to launch: its baseline,
//! metric, governance and weekly reviews. Plain data; the rules that read
//! it (readiness, review status) are in `plan`, and a pick is made from a
//! lane's score there.

use chrono::{NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::Map;

/// Where a picked lane stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PickState {
    Active,
    Done,
    Dropped,
}

impl PickState {
    /// The state as the brief and messages write it.
    pub fn text(self) -> &'static str {
        match self {
            PickState::Active => "active",
            PickState::Done => "done",
            PickState::Dropped => "dropped",
        }
    }
}

/// Whether a smaller or a larger metric value is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Lower,
    Higher,
}

/// The lane's figures at the moment it was picked.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub rank: usize,
    pub monthly_friction: f64,
    pub handling: f64,
    pub rework: f64,
    pub delay: f64,
    pub friction_low: f64,
    pub friction_high: f64,
    pub share_pct: f64,
    pub touch_hours: f64,
    pub fte: f64,
}

impl Baseline {
    /// The names of the figures [`Baseline::figures`] lists, in its order
    /// (the database stores each as `baseline_` and the name).
    pub const FIGURES: [&'static str; 9] = [
        "monthly_friction",
        "handling",
        "rework",
        "delay",
        "friction_low",
        "friction_high",
        "share_pct",
        "touch_hours",
        "fte",
    ];

    /// The figures but the rank, in [`Baseline::FIGURES`] order.
    pub fn figures(&self) -> [f64; 9] {
        [
            self.monthly_friction,
            self.handling,
            self.rework,
            self.delay,
            self.friction_low,
            self.friction_high,
            self.share_pct,
            self.touch_hours,
            self.fte,
        ]
    }

    /// A baseline from its rank and its figures in [`Baseline::FIGURES`] order.
    pub fn from_figures(rank: usize, figures: [f64; 9]) -> Self {
        let [
            monthly_friction,
            handling,
            rework,
            delay,
            friction_low,
            friction_high,
            share_pct,
            touch_hours,
            fte,
        ] = figures;
        Self {
            rank,
            monthly_friction,
            handling,
            rework,
            delay,
            friction_low,
            friction_high,
            share_pct,
            touch_hours,
            fte,
        }
    }
}

/// The one metric that will prove impact in 90 days.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metric {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_value: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_value: Option<f64>,
    /// Defaults to the pick date plus 90 days.
    pub target_date: NaiveDate,
}

/// One weekly review entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub date: NaiveDate,
    pub value: f64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A lane picked to fix first, and everything that carries it to launch.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// Unique within the map.
    pub id: String,
    pub lane: String,
    pub picked_on: NaiveDate,
    pub state: PickState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<NaiveDate>,
    /// Why it was closed as done or dropped.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub close_reason: String,
    pub baseline: Baseline,
    /// Who owned the lane when the pick was closed, kept for the record.
    /// Empty while the pick is active: then its lane's owner is the owner
    /// (one owner per lane; see [`Pick::owner`]).
    #[serde(default, rename = "owner", skip_serializing_if = "String::is_empty")]
    pub owner_at_close: String,
    pub metric: Metric,
    /// How exceptions are handled.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exception_policy: String,
    /// Who reviews the exceptions.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub exception_reviewer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_day: Option<Weekday>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

impl Pick {
    pub fn is_active(&self) -> bool {
        self.state == PickState::Active
    }

    /// The one person who owns the outcome: while the pick is active, its
    /// lane's owner, the same one the lane shows and the ranking CSV
    /// lists; once closed, the owner recorded then.
    pub fn owner<'a>(&'a self, map: &'a Map) -> &'a str {
        if self.is_active() {
            map.lane(&self.lane).map_or("", |lane| lane.owner.as_str())
        } else {
            &self.owner_at_close
        }
    }

    /// Closes the pick as done or dropped on `today`, recording why and
    /// who owned its lane then.
    pub fn close(&mut self, map: &Map, state: PickState, today: NaiveDate, reason: &str) {
        self.owner_at_close = self.owner(map).to_owned();
        self.state = state;
        self.closed_on = Some(today);
        self.close_reason = reason.trim().to_owned();
    }
}
