//! Re-measuring a map from a newer log: each activity of the log finds the
//! map's step of the same name in the lane of the same name, which takes
//! the measured values, low and high estimates and evidence (its place,
//! id and notes stay, and attributes the log could not measure keep what
//! the user typed). Activities the map does not have yet are added, in new
//! lanes where needed, with the log's edges between them; steps the log no
//! longer has are left as they are and listed.

use std::collections::{HashMap, HashSet};

use crate::document::edit::Edit;
use crate::domain::model::{Attr, Edge, Lane, Map};
use crate::formats::steps_csv::update_edit;
use crate::layout::tokens::CARD_W;

/// What an update changed, for the report and the undo history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateReport {
    /// Steps matched to an activity of the log.
    pub matched: usize,
    /// Values that changed: "Lane / Step: Wait 35.9 → 40.2".
    pub changes: Vec<String>,
    pub added_steps: Vec<String>,
    pub added_lanes: Vec<String>,
    pub added_edges: usize,
    /// Steps of the map the log has no activity for.
    pub not_in_log: Vec<String>,
}

impl UpdateReport {
    pub fn changes_nothing(&self) -> bool {
        self.changes.is_empty() && self.added_steps.is_empty() && self.added_edges == 0 && self.matched == 0
    }

    /// The report in lines, each list cut at ten.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "{} steps re-measured ({} values changed), {} steps and {} lanes added, {} edges added",
            self.matched,
            self.changes.len(),
            self.added_steps.len(),
            self.added_lanes.len(),
            self.added_edges
        )];
        let mut list = |title: &str, items: &[String]| {
            if items.is_empty() {
                return;
            }
            lines.push(format!("{title}:"));
            lines.extend(items.iter().take(10).map(|i| format!("  {i}")));
            if items.len() > 10 {
                lines.push(format!("  and {} more", items.len() - 10));
            }
        };
        list("Changed", &self.changes);
        list("Added", &self.added_steps);
        list("Not in the log (left as they were)", &self.not_in_log);
        lines
    }
}

/// `before` re-measured by `measured` (a map built from a log), and the
/// edit that makes one of the other, as one undo step.
pub fn update_from_log(before: &Map, measured: &Map) -> (Map, Edit, UpdateReport) {
    let mut after = before.clone();
    let mut report = UpdateReport::default();
    let mut taken: HashSet<String> = (before.lanes.iter().map(|l| l.id.clone()))
        .chain(before.steps.iter().map(|s| s.id.clone()))
        .collect();
    let mut fresh = |prefix: &str| {
        let id = (1..)
            .map(|n| format!("{prefix}{n}"))
            .find(|id| !taken.contains(id))
            .unwrap_or_default();
        taken.insert(id.clone());
        id
    };
    // Lanes by name: the measured lane's id → the map's lane id.
    let mut lane_ids: HashMap<&str, String> = HashMap::new();
    for lane in &measured.lanes {
        let id = match before.lanes.iter().find(|l| l.name == lane.name) {
            Some(existing) => existing.id.clone(),
            None => {
                let mut added = Lane::new(fresh("lane-"), lane.name.clone());
                added.notes = lane.notes.clone();
                report.added_lanes.push(lane.name.clone());
                after.lanes.push(added.clone());
                added.id
            }
        };
        lane_ids.insert(lane.id.as_str(), id);
    }
    // Steps by lane and name, each matched once.
    let mut unmatched: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, step) in before.steps.iter().enumerate().rev() {
        unmatched
            .entry((step.lane.as_str(), step.name.as_str()))
            .or_default()
            .push(i);
    }
    let lane_names: HashMap<String, String> = (after.lanes.iter()).map(|l| (l.id.clone(), l.name.clone())).collect();
    let lane_name = |id: &str| lane_names.get(id).map_or(id, String::as_str).to_owned();
    let mut step_ids: HashMap<&str, String> = HashMap::new();
    let mut matched = vec![false; before.steps.len()];
    let mut right_edge: HashMap<String, (f32, f32)> = HashMap::new();
    for step in before.steps.iter() {
        let edge = right_edge.entry(step.lane.to_string()).or_insert((f32::MIN, step.y));
        if step.x > edge.0 {
            *edge = (step.x, step.y);
        }
    }
    for m in measured.steps.iter() {
        let lane_id = &lane_ids[m.lane.as_str()];
        let found = unmatched
            .get_mut(&(lane_id.as_str(), m.name.as_str()))
            .and_then(Vec::pop);
        match found {
            Some(i) => {
                matched[i] = true;
                report.matched += 1;
                let old = &before.steps[i];
                let mut new = old.clone();
                for attr in Attr::ALL {
                    let Some(measured) = m.evidence.as_ref().and_then(|e| e.measured(attr)) else {
                        continue;
                    };
                    if old.value(attr) != measured.value {
                        report.changes.push(format!(
                            "{} / {}: {} {} → {}",
                            lane_name(lane_id),
                            old.name,
                            attr.label(),
                            old.value(attr),
                            measured.value
                        ));
                    }
                    new.set_value(attr, measured.value);
                    new.low.set(attr, m.low.get(attr));
                    new.high.set(attr, m.high.get(attr));
                }
                new.evidence = m.evidence.clone();
                step_ids.insert(m.id.as_str(), new.id.clone());
                after.steps.replace(i, new);
            }
            None => {
                let mut added = m.clone();
                added.id = fresh("s");
                added.lane = lane_id.as_str().into();
                if let Some((x, y)) = right_edge.get(lane_id) {
                    (added.x, added.y) = (x + CARD_W + 40.0, *y);
                    right_edge.insert(lane_id.clone(), (added.x, added.y));
                }
                report
                    .added_steps
                    .push(format!("{} / {}", lane_name(lane_id), added.name));
                step_ids.insert(m.id.as_str(), added.id.clone());
                after.steps.push(added);
            }
        }
    }
    report.not_in_log = (before.steps.iter().zip(&matched))
        .filter(|(_, m)| !**m)
        .map(|(s, _)| format!("{} / {}", lane_name(&s.lane), s.name))
        .collect();
    let existing: HashSet<(&str, &str)> = before.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
    let new_edges: Vec<Edge> = (measured.edges.iter())
        .filter_map(|e| Some((step_ids.get(e.from.as_str())?, step_ids.get(e.to.as_str())?)))
        .filter(|(from, to)| !existing.contains(&(from.as_str(), to.as_str())))
        .map(|(from, to)| Edge {
            from: from.clone(),
            to: to.clone(),
        })
        .collect();
    report.added_edges = new_edges.len();
    after.edges.extend(new_edges.iter().cloned());
    let Edit::Batch(mut edits) = update_edit(before, &after) else {
        unreachable!("update_edit makes a batch")
    };
    if !new_edges.is_empty() {
        edits.push(Edit::AddEdges(new_edges));
    }
    (after, Edit::Batch(edits), report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::edit::apply;
    use crate::domain::model::{Evidence, Measured, Step};
    use crate::domain::validate::validate;

    fn measured_step(id: &str, lane: &str, name: &str, wait: f64) -> Step {
        let mut step = Step::new(id, lane, name);
        step.approval_delay_hours = wait;
        step.evidence = Some(Box::new(Evidence {
            source: "new.csv".into(),
            from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            cases: 10,
            executions: 12,
            volume_per_month: None,
            handle_minutes: None,
            rework_rate: None,
            approval_delay_hours: Some(Measured {
                value: wait,
                p25: None,
                p75: None,
                n: 9,
            }),
            note: String::new(),
        }));
        step
    }

    #[test]
    fn matched_steps_take_the_new_figures_and_new_activities_are_added_in_one_undo_step() {
        let mut before = Map::new("Claims");
        before.lanes = vec![Lane::new("l1", "North")];
        let mut check = Step::new("s1", "l1", "Check");
        check.handle_minutes = 12.0;
        check.approval_delay_hours = 30.0;
        check.notes = "kept".into();
        before.steps.push(check);
        before.steps.push(Step::new("s2", "l1", "Old step"));

        let mut measured = Map::new("log");
        measured.lanes = vec![Lane::new("lane-01", "North"), Lane::new("lane-02", "South")];
        measured.steps.push(measured_step("s1", "lane-01", "Check", 40.0));
        measured.steps.push(measured_step("s2", "lane-01", "Pay", 2.0));
        measured.steps.push(measured_step("s3", "lane-02", "Check", 5.0));
        measured.edges = vec![Edge {
            from: "s1".into(),
            to: "s2".into(),
        }];

        let (after, edit, report) = update_from_log(&before, &measured);
        validate(&after).unwrap();
        let check = after.step("s1").unwrap();
        assert_eq!(
            (check.approval_delay_hours, check.handle_minutes, check.notes.as_str()),
            (40.0, 12.0, "kept")
        );
        assert_eq!(report.matched, 1);
        assert_eq!(report.changes.len(), 1);
        assert_eq!(report.added_steps, ["North / Pay", "South / Check"]);
        assert_eq!(report.added_lanes, ["South"]);
        assert_eq!(report.not_in_log, ["North / Old step"]);
        assert_eq!(report.added_edges, 1);
        // The edit turns the old map into the new one, and its inverse back.
        let mut replay = before.clone();
        let inverse = apply(&mut replay, edit).unwrap();
        assert_eq!(replay, after);
        apply(&mut replay, inverse).unwrap();
        assert_eq!(replay, before);
    }
}
