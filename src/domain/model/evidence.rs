//! Where a step's figures came from when they were measured from an event
//! log: the log, its period, the cases and executions behind the step, and
//! for each attribute the value measured with its spread and sample count.
//! A value the user later typed over stays measured here, so the inspector
//! can say "edited (measured 35.9 h)".

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Attr, Step};

/// One measured attribute: the value put in the step, the 25th and 75th
/// percentiles of its samples (for waits and handling times) and how many
/// samples there were.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub value: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p25: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p75: Option<f64>,
    /// Samples behind it: executions for volume and rework, waits or
    /// handling times for the others.
    pub n: u64,
}

/// Where a step's figures came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// The log's file name, without its folder.
    pub source: String,
    /// The days of the first and the last completion in the log.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Cases of the lane with at least one execution of the step.
    pub cases: u64,
    pub executions: u64,
    /// What was measured, by attribute; an attribute missing here could
    /// not be measured from the log (handling without start times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_per_month: Option<Measured>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_minutes: Option<Measured>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rework_rate: Option<Measured>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_delay_hours: Option<Measured>,
    /// Said once when the log gave more than the map holds (a rework rate
    /// cut to 95%).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// How an attribute of a step stands against its evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Standing {
    /// The step holds the value measured.
    Measured(Measured),
    /// The user typed over the value measured.
    Edited(Measured),
    /// The log could not measure it.
    NotMeasured,
}

impl Evidence {
    pub fn measured(&self, attr: Attr) -> Option<Measured> {
        match attr {
            Attr::VolumePerMonth => self.volume_per_month,
            Attr::HandleMinutes => self.handle_minutes,
            Attr::ReworkRate => self.rework_rate,
            Attr::ApprovalDelayHours => self.approval_delay_hours,
        }
    }

    pub fn set_measured(&mut self, attr: Attr, measured: Option<Measured>) {
        let slot = match attr {
            Attr::VolumePerMonth => &mut self.volume_per_month,
            Attr::HandleMinutes => &mut self.handle_minutes,
            Attr::ReworkRate => &mut self.rework_rate,
            Attr::ApprovalDelayHours => &mut self.approval_delay_hours,
        };
        *slot = measured;
    }

    /// Whether `step`'s value of `attr` is the one measured, typed over,
    /// or was never measured.
    pub fn standing(&self, step: &Step, attr: Attr) -> Standing {
        match self.measured(attr) {
            None => Standing::NotMeasured,
            Some(m) if same(step.value(attr), m.value) => Standing::Measured(m),
            Some(m) => Standing::Edited(m),
        }
    }
}

/// Equal up to the rounding a value goes through when it is shown and
/// typed back, or stored.
fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Evidence for the tests: a wait measured from 1,434 claims cases.
#[cfg(test)]
pub(crate) fn example() -> Evidence {
    Evidence {
        source: "claims.xes".into(),
        from: NaiveDate::from_ymd_opt(2010, 10, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2011, 1, 31).unwrap(),
        cases: 1434,
        executions: 1500,
        volume_per_month: None,
        handle_minutes: None,
        rework_rate: None,
        approval_delay_hours: Some(Measured {
            value: 35.9,
            p25: Some(12.0),
            p75: Some(70.1),
            n: 1433,
        }),
        note: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_typed_over_is_edited_and_a_missing_one_not_measured() {
        let mut step = Step::new("s1", "l1", "Check");
        step.approval_delay_hours = 35.9;
        let mut evidence = example();
        let wait = evidence.approval_delay_hours.unwrap();
        assert_eq!(
            evidence.standing(&step, Attr::ApprovalDelayHours),
            Standing::Measured(wait)
        );
        step.approval_delay_hours = 40.0;
        assert_eq!(
            evidence.standing(&step, Attr::ApprovalDelayHours),
            Standing::Edited(wait)
        );
        assert_eq!(evidence.standing(&step, Attr::HandleMinutes), Standing::NotMeasured);
        evidence.set_measured(Attr::ApprovalDelayHours, None);
        assert_eq!(
            evidence.standing(&step, Attr::ApprovalDelayHours),
            Standing::NotMeasured
        );
    }
}
