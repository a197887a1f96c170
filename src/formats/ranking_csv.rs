//! The ranked lanes for other tools: the CSV (RFC 4180 with CRLF, an
//! optional UTF-8 BOM for Excel, and a guard so no cell is ever run as a
//! spreadsheet formula) and the JSON of `frictionmap rank --json`.

use serde_json::{Value, json};

use crate::domain::model::Map;
use crate::scoring::Ranking;
use crate::scoring::certainty::Certainty;

/// The columns of the ranked-lanes CSV. The simulation's columns come
/// after the ones the file had before it, so scripts reading columns by
/// position keep working.
pub const HEADER: [&str; 19] = [
    "rank",
    "lane",
    "owner",
    "monthly_friction",
    "handling",
    "rework",
    "delay",
    "friction_low",
    "friction_high",
    "share_pct",
    "cumulative_pct",
    "touch_hours",
    "fte",
    "steps",
    "top_driver",
    "p_costliest",
    "friction_p10",
    "friction_p50",
    "friction_p90",
];

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Prefixes an apostrophe to text a spreadsheet would read as a formula.
pub fn guard_formula(text: &str) -> String {
    const TRIGGERS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];
    match text.chars().next() {
        Some(c) if TRIGGERS.contains(&c) => format!("'{text}"),
        _ => text.to_owned(),
    }
}

fn money(value: f64) -> String {
    format!("{value:.2}")
}

/// The ranking as CSV bytes; the simulation's columns are empty without
/// its figures.
pub fn ranking_csv(ranking: &Ranking, certainty: Option<&Certainty>, with_bom: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 * (ranking.lanes.len() + 1));
    if with_bom {
        out.extend_from_slice(BOM);
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    // Writing to a Vec cannot fail, so the results below are only unwrapped
    // into the buffer; a failure would leave the output short, never panic.
    let _ = writer.write_record(HEADER);
    for lane in &ranking.lanes {
        let driver = lane.top_driver.as_ref().map(|d| d.describe()).unwrap_or_default();
        let chance = certainty.and_then(|c| c.lane(&lane.lane_id));
        let [p, p10, p50, p90] = chance.map_or_else(Default::default, |c| {
            [
                format!("{:.4}", c.p_costliest),
                money(c.friction_p10),
                money(c.friction_p50),
                money(c.friction_p90),
            ]
        });
        let _ = writer.write_record([
            lane.rank.to_string(),
            guard_formula(&lane.lane),
            guard_formula(&lane.owner),
            money(lane.monthly_friction),
            money(lane.handling),
            money(lane.rework),
            money(lane.delay),
            money(lane.friction_low),
            money(lane.friction_high),
            format!("{:.2}", lane.share_pct),
            format!("{:.2}", lane.cumulative_pct),
            format!("{:.2}", lane.touch_hours),
            format!("{:.3}", lane.fte),
            lane.steps.to_string(),
            guard_formula(&driver),
            p,
            p10,
            p50,
            p90,
        ]);
    }
    writer.into_inner().unwrap_or_default()
}

/// The ranking as `rank --json` prints it: each lane with its chance of
/// being the costliest and its percentiles, and at the top the draws, the
/// seed, the expected regret, the verdict in words and the ten largest
/// swings. `clear_winner` keeps its old meaning (the top lane's low beats
/// the runner-up's high); `verdict` is the simulation's.
pub fn ranking_json(map: &Map, ranking: &Ranking, certainty: &Certainty) -> Value {
    let mut value = serde_json::to_value(ranking).unwrap_or(Value::Null);
    if let Some(lanes) = value.get_mut("lanes").and_then(Value::as_array_mut) {
        for (lane, chance) in lanes.iter_mut().zip(&certainty.lanes) {
            if let Some(lane) = lane.as_object_mut() {
                lane.insert("p_costliest".into(), json!(chance.p_costliest));
                lane.insert("friction_p10".into(), json!(chance.friction_p10));
                lane.insert("friction_p50".into(), json!(chance.friction_p50));
                lane.insert("friction_p90".into(), json!(chance.friction_p90));
            }
        }
    }
    let swings: Vec<Value> = (certainty.swings.iter().take(10))
        .filter_map(|s| {
            let step = map.steps.get(s.step)?;
            Some(json!({
                "step_id": step.id,
                "step": step.name,
                "lane_id": step.lane.as_str(),
                "attribute": s.attr.key(),
                "low": s.low,
                "high": s.high,
                "lead_at_low": s.lead_at_low,
                "lead_at_high": s.lead_at_high,
                "changes_pick": s.changes_pick(),
            }))
        })
        .collect();
    if let Some(top) = value.as_object_mut() {
        top.insert("draws".into(), json!(certainty.draws));
        top.insert("seed".into(), json!(certainty.seed));
        top.insert("expected_regret".into(), json!(certainty.expected_regret));
        top.insert(
            "verdict".into(),
            json!(certainty.verdict_line(map, ranking, crate::domain::money::NumberStyle::POINT)),
        );
        top.insert("swings".into(), Value::Array(swings));
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_every_formula_trigger() {
        for text in [
            "=1+2", "+x", "-2+3", "@SUM(A1)", "\tx", "\rx", "\nx", "＝1", "＋1", "－1", "＠x",
        ] {
            assert_eq!(guard_formula(text), format!("'{text}"), "{text:?}");
        }
        for text in ["Invoice intake", "", "1+2", "a=b", "'quoted"] {
            assert_eq!(guard_formula(text), text);
        }
    }
}
