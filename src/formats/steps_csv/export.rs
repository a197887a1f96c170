//! Writing the steps CSV: one row per step, lanes in map order.

use std::collections::HashMap;

use crate::domain::model::{Attr, Map};
use crate::formats::ranking_csv::guard_formula;

use super::BOM;

/// The header of an exported file.
pub fn header() -> Vec<String> {
    let mut h = vec!["lane".to_owned(), "step".to_owned()];
    h.extend(Attr::ALL.iter().map(|a| a.key().to_owned()));
    for a in Attr::ALL {
        h.push(format!("{}_low", a.key()));
        h.push(format!("{}_high", a.key()));
    }
    h.push("notes".to_owned());
    h
}

fn number(v: f64) -> String {
    // Shortest text that reads back as the same f64.
    format!("{v}")
}

/// Every step of the map as CSV bytes, in lane order (CRLF line ends; with
/// `with_bom` the UTF-8 byte-order mark Excel needs).
pub fn steps_csv(map: &Map, with_bom: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if with_bom {
        out.extend_from_slice(BOM);
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let _ = writer.write_record(header());
    // Steps grouped by lane, in map order, each lane's in step order: a
    // stable sort, where a loop over the lanes would read every step once
    // per lane.
    let lane_index: HashMap<&str, usize> = map.lanes.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
    let mut order: Vec<(usize, usize)> = (map.steps.iter().enumerate())
        .filter_map(|(i, s)| lane_index.get(s.lane.as_str()).map(|&lane| (lane, i)))
        .collect();
    order.sort_by_key(|&(lane, _)| lane);
    for (lane, i) in order {
        let (lane, step) = (&map.lanes[lane], &map.steps[i]);
        let mut row = vec![guard_formula(&lane.name), guard_formula(&step.name)];
        row.extend(Attr::ALL.iter().map(|&a| number(step.value(a))));
        for a in Attr::ALL {
            row.push(step.low.get(a).map(number).unwrap_or_default());
            row.push(step.high.get(a).map(number).unwrap_or_default());
        }
        row.push(guard_formula(&step.notes));
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}
