//! The ranked-lanes CSV: RFC 4180 with CRLF, an optional UTF-8 BOM for
//! Excel, and a guard so no cell is ever run as a spreadsheet formula.

use crate::scoring::Ranking;

pub const HEADER: [&str; 15] = [
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

/// The ranking as CSV bytes.
pub fn ranking_csv(ranking: &Ranking, with_bom: bool) -> Vec<u8> {
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
        ]);
    }
    writer.into_inner().unwrap_or_default()
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
