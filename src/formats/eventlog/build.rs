//! A map made of a log's figures: a lane per lane of the log, a step per
//! activity in it laid out left to right by where the activity comes in
//! its cases (activities at the same place stacked), an edge per kept
//! directly-follows pair, and on every step the evidence it came from.

use crate::domain::model::{Attr, Edge, Evidence, Lane, Map, Measured, Rates, Step};
use crate::domain::validate::clean_name;
use crate::layout::tokens::{CARD_H, CARD_W};

use super::measure::{LogStats, MAX_REWORK, Spread, StepStats};
use super::time::{date_of, describe};

const FIRST_X: f32 = 40.0;
const FIRST_Y: f32 = 32.0;
const GAP_X: f32 = CARD_W + 60.0;
const GAP_Y: f32 = CARD_H + 24.0;
/// Columns per row of a lane before its steps wrap to a new row.
const COLUMNS: usize = 40;

/// What a map of a log needs besides the log.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub name: String,
    pub currency: String,
    /// A log holds no money: the labour and delay rates are given.
    pub rates: Rates,
    /// The log's file name, without its folder, for the evidence.
    pub source: String,
    /// The case attribute the lanes were made by, for the notes.
    pub lane_by: Option<String>,
    /// The working hours waits were counted in, for the notes.
    pub working_hours: Option<String>,
}

/// The map of `stats`.
pub fn build_map(stats: &LogStats, options: &BuildOptions) -> Map {
    let mut map = Map::new(non_empty(clean_name(&options.name), "Event log"));
    map.currency = options.currency.clone();
    map.rates = options.rates;
    let period = format!("{} to {}", describe(stats.first), describe(stats.last));
    let lanes_by = match &options.lane_by {
        Some(attribute) => format!("one lane per value of {attribute:?}"),
        None => "one lane for all cases".to_owned(),
    };
    let waits = match &options.working_hours {
        Some(hours) => format!("waits counted in working hours ({hours})"),
        None => "waits in calendar hours".to_owned(),
    };
    map.notes = format!(
        "Measured from the event log {}: {} cases, {} executions, {period} ({:.1} months); {lanes_by}; {waits}. \
         Rates are not in a log: they were given at import.",
        options.source, stats.cases, stats.executions, stats.months
    );
    let mut next_step = 1;
    for (lane_number, lane_stats) in stats.lanes.iter().enumerate() {
        let mut lane = Lane::new(
            format!("lane-{:02}", lane_number + 1),
            non_empty(clean_name(&lane_stats.name), "(unnamed)"),
        );
        lane.notes = format!(
            "Measured from {}: {} cases, {} executions.",
            options.source, lane_stats.cases, lane_stats.executions
        );
        let mut ids = Vec::with_capacity(lane_stats.steps.len());
        let places = places(&lane_stats.steps);
        for (step_stats, (x, y)) in lane_stats.steps.iter().zip(places) {
            let id = format!("s{next_step}");
            next_step += 1;
            let mut step = measured_step(step_stats, stats, options);
            step.id = id.clone();
            step.lane = lane.id.as_str().into();
            (step.x, step.y) = (x, y);
            map.steps.push(step);
            ids.push(id);
        }
        for edge in &lane_stats.edges {
            map.edges.push(Edge {
                from: ids[edge.from].clone(),
                to: ids[edge.to].clone(),
            });
        }
        map.lanes.push(lane);
    }
    map
}

fn non_empty(name: String, otherwise: &str) -> String {
    if name.is_empty() { otherwise.to_owned() } else { name }
}

/// Where each step goes: a column per distinct place in the cases (the
/// median position), steps at the same place one below the other.
fn places(steps: &[StepStats]) -> Vec<(f32, f32)> {
    let mut column = 0;
    let mut row = 0;
    let mut out = Vec::with_capacity(steps.len());
    let mut tallest = 0;
    let mut band_y = FIRST_Y;
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            if step.order == steps[i - 1].order {
                row += 1;
            } else {
                column += 1;
                row = 0;
            }
        }
        if column == COLUMNS {
            band_y += (tallest + 1) as f32 * GAP_Y;
            column = 0;
            tallest = 0;
        }
        tallest = tallest.max(row);
        out.push((FIRST_X + column as f32 * GAP_X, band_y + row as f32 * GAP_Y));
    }
    out
}

/// A step with the measured values, its P25–P75 as low and high, and the
/// evidence; values past what a map holds are cut to its limits, and said.
fn measured_step(s: &StepStats, stats: &LogStats, options: &BuildOptions) -> Step {
    let mut step = Step::new(
        String::new(),
        "",
        non_empty(clean_name(&s.activity), "(unnamed activity)"),
    );
    let mut notes = Vec::new();
    if s.rework_capped {
        let raw = 1.0 - s.cases as f64 / s.executions as f64;
        notes.push(format!(
            "rework measured {:.1}% ({} executions in {} cases), cut to the map's limit of {:.0}%",
            raw * 100.0,
            s.executions,
            s.cases,
            MAX_REWORK * 100.0
        ));
    }
    let spread = |spread: Option<Spread>| {
        spread.map(|s| Measured {
            value: s.p50,
            p25: Some(s.p25),
            p75: Some(s.p75),
            n: s.n,
        })
    };
    let measured = [
        (
            Attr::VolumePerMonth,
            Some(Measured {
                value: s.volume_per_month,
                p25: None,
                p75: None,
                n: s.cases,
            }),
        ),
        (
            Attr::ReworkRate,
            Some(Measured {
                value: s.rework_rate,
                p25: None,
                p75: None,
                n: s.executions,
            }),
        ),
        (Attr::ApprovalDelayHours, spread(s.wait_hours)),
        (Attr::HandleMinutes, spread(s.handle_minutes)),
    ];
    let mut evidence = Evidence {
        source: options.source.clone(),
        from: date_of(stats.first),
        to: date_of(stats.last),
        cases: s.cases,
        executions: s.executions,
        volume_per_month: None,
        handle_minutes: None,
        rework_rate: None,
        approval_delay_hours: None,
        note: String::new(),
    };
    for (attr, m) in measured {
        let Some(mut m) = m else { continue };
        let (low, high) = attr.range();
        let cut = |v: f64| v.clamp(low, high);
        if cut(m.value) != m.value {
            notes.push(format!(
                "{} measured {}, cut to the map's limit of {}",
                attr.label(),
                m.value,
                cut(m.value)
            ));
        }
        m = Measured {
            value: cut(m.value),
            p25: m.p25.map(cut),
            p75: m.p75.map(cut),
            n: m.n,
        };
        step.set_value(attr, m.value);
        step.low.set(attr, m.p25);
        step.high.set(attr, m.p75);
        evidence.set_measured(attr, Some(m));
    }
    evidence.note = notes.join("; ");
    step.evidence = Some(Box::new(evidence));
    step
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validate::validate;
    use crate::formats::eventlog::event::{Event, EventSink};
    use crate::formats::eventlog::measure::{MeasureOptions, Measurer};

    fn stats(rows: &[(&str, &str, &str)]) -> LogStats {
        let mut m = Measurer::new(MeasureOptions::default());
        for (i, &(case, activity, time)) in rows.iter().enumerate() {
            m.event(&Event {
                line: i as u64 + 2,
                case,
                activity,
                time,
                start: None,
                lifecycle: None,
                resource: None,
                lane: None,
            });
        }
        m.finish("log").unwrap()
    }

    fn options() -> BuildOptions {
        BuildOptions {
            name: "Claims".into(),
            currency: "EUR".into(),
            rates: Rates::default(),
            source: "claims.csv".into(),
            lane_by: None,
            working_hours: None,
        }
    }

    #[test]
    fn the_map_of_a_log_is_valid_and_carries_its_evidence() {
        let s = stats(&[
            ("1", "register", "2020-01-01 09:00"),
            ("1", "check\u{7}", "2020-01-01 10:00"),
            ("1", "decide", "2020-01-02 10:00"),
            ("2", "register", "2020-01-03 09:00"),
            ("2", "review", "2020-01-03 12:00"),
            ("2", "decide", "2020-01-04 12:00"),
        ]);
        let map = build_map(&s, &options());
        validate(&map).unwrap();
        assert_eq!(map.lanes.len(), 1);
        assert_eq!(map.steps.len(), 4);
        let check = map.steps.iter().find(|s| s.name == "check").unwrap();
        let evidence = check.evidence.as_ref().unwrap();
        assert_eq!(
            (evidence.cases, evidence.executions, evidence.source.as_str()),
            (1, 1, "claims.csv")
        );
        assert_eq!(evidence.approval_delay_hours.unwrap().value, 1.0);
        assert!(evidence.handle_minutes.is_none());
        assert_eq!(check.approval_delay_hours, 1.0);
        // check and review are both second in their cases: one column.
        let review = map.steps.iter().find(|s| s.name == "review").unwrap();
        assert_eq!(check.x, review.x);
        assert!(check.y != review.y);
        assert_eq!(map.edges.len(), 4);
        assert!(map.notes.contains("claims.csv: 2 cases, 6 executions"));
    }

    #[test]
    fn figures_past_the_maps_limits_are_cut_and_said() {
        let rows: Vec<(String, String)> = (0..30)
            .map(|i| ("loop".to_owned(), format!("2020-01-01 {:02}:00", i % 24)))
            .collect();
        let rows: Vec<(&str, &str, &str)> = rows.iter().map(|(a, t)| ("1", a.as_str(), t.as_str())).collect();
        let map = build_map(&stats(&rows), &options());
        validate(&map).unwrap();
        let step = &map.steps[0];
        assert_eq!(step.rework_rate, MAX_REWORK);
        let note = &step.evidence.as_ref().unwrap().note;
        assert!(note.contains("rework measured 96.7%"), "{note}");
    }
}
