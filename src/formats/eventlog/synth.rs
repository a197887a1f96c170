//! Synthetic event logs for benchmarks and trials (`frictionmap gen-log`):
//! cases spread over a year, each running through the activities in order
//! with some skipped and some done again (rework), waits before each
//! execution and handling times, a start and a completion time per row,
//! and a region per case to make lanes by. The same seed gives the same
//! file. Written as a stream, so ten million events need no memory.

use std::io::{self, Write};

use chrono::DateTime;

use crate::domain::synth::SplitMix64;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogParams {
    pub cases: u64,
    pub activities: usize,
    pub seed: u64,
}

/// The most activities a generated log may have.
pub const MAX_ACTIVITIES: usize = 200;
/// The most cases a generated log may have (about 80 million events).
pub const MAX_CASES: u64 = 10_000_000;

pub const HEADER: &str = "case:concept:name,concept:name,time:timestamp,start_timestamp,org:resource,case:region";
const REGIONS: [&str; 6] = ["North", "South", "East", "West", "Central", "Online"];
const ACTIVITIES: [&str; 16] = [
    "Receive request",
    "Check completeness",
    "Request missing documents",
    "Validate data",
    "Assess risk",
    "Calculate amount",
    "Approve",
    "Second approval",
    "Notify customer",
    "Schedule payment",
    "Pay",
    "Archive",
    "Handle complaint",
    "Correct record",
    "Escalate",
    "Close case",
];
const RESOURCES: [&str; 8] = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fay", "Gus", "Hana"];
/// 2024-01-01 00:00 UTC.
const BASE_MS: i64 = 1_704_067_200_000;
const YEAR_MS: f64 = 365.0 * 86_400_000.0;

impl LogParams {
    /// Says what is wrong with the parameters, if anything.
    pub fn check(&self) -> Result<(), String> {
        if self.cases == 0 || self.cases > MAX_CASES {
            return Err(format!("--cases must be 1 to {MAX_CASES}"));
        }
        if !(2..=MAX_ACTIVITIES).contains(&self.activities) {
            return Err(format!("--activities must be 2 to {MAX_ACTIVITIES}"));
        }
        Ok(())
    }
}

fn activity_name(i: usize) -> String {
    match ACTIVITIES.get(i) {
        Some(name) => (*name).to_owned(),
        None => format!("Activity {:03}", i + 1),
    }
}

/// `2024-03-05 14:07:09`, UTC.
fn write_time(out: &mut impl Write, ms: i64) -> io::Result<()> {
    let t = DateTime::from_timestamp_millis(ms).unwrap_or_default().naive_utc();
    write!(out, "{}", t.format("%Y-%m-%d %H:%M:%S"))
}

/// Writes the log, returning how many events (rows) it has.
pub fn write_log(params: LogParams, out: &mut impl Write) -> io::Result<u64> {
    let mut rng = SplitMix64::new(params.seed ^ 0x6576_656e_746c_6f67);
    let names: Vec<String> = (0..params.activities).map(activity_name).collect();
    // Each activity's typical wait (hours) and handling (minutes), and how
    // often it is skipped or done again.
    let profile: Vec<(f64, f64, f64, f64)> = (0..params.activities)
        .map(|i| {
            let skip = if i == 0 { 0.0 } else { rng.range(0.0, 0.3) };
            (
                rng.log_range(0.2, 40.0),
                rng.log_range(2.0, 45.0),
                skip,
                rng.range(0.0, 0.25),
            )
        })
        .collect();
    writeln!(out, "{HEADER}")?;
    let mut events = 0;
    for case in 0..params.cases {
        let region = REGIONS[rng.below(REGIONS.len())];
        let mut done = BASE_MS + (case as f64 / params.cases as f64 * YEAR_MS) as i64;
        for (i, &(wait, handling, skip, rework)) in profile.iter().enumerate() {
            if rng.unit() < skip {
                continue;
            }
            loop {
                let start = done + (wait * rng.log_range(0.1, 3.0) * 3_600_000.0) as i64;
                done = start + (handling * rng.log_range(0.3, 3.0) * 60_000.0) as i64;
                write!(out, "C{case},{},", names[i])?;
                write_time(out, done)?;
                out.write_all(b",")?;
                write_time(out, start)?;
                writeln!(out, ",{},{region}", RESOURCES[rng.below(RESOURCES.len())])?;
                events += 1;
                if rng.unit() >= rework {
                    break;
                }
            }
        }
    }
    out.flush()?;
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_log_and_it_reads_back() {
        let params = LogParams {
            cases: 50,
            activities: 6,
            seed: 7,
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let events = write_log(params, &mut a).unwrap();
        write_log(params, &mut b).unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8(a).unwrap();
        assert_eq!(text.lines().count() as u64, events + 1);
        assert!(events >= 50 * 2);
        let other = LogParams { seed: 8, ..params };
        let mut c = Vec::new();
        write_log(other, &mut c).unwrap();
        assert_ne!(text.as_bytes(), &c[..]);
        assert!(
            LogParams {
                activities: 1,
                ..params
            }
            .check()
            .is_err()
        );
        assert!(LogParams { cases: 0, ..params }.check().is_err());
    }
}
