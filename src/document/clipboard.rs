//! Copying, pasting, duplicating and nudging steps, as edits. A copy is
//! the selected steps with the edges between them, as JSON text on the
//! system clipboard, so it can be pasted into another map (or another
//! window). Pasted text is checked like a map file: what would make the map
//! invalid is refused with the reason.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::document::edit::Edit;
use crate::domain::model::{Edge, Map, Step};
use crate::domain::validate::validate;

/// How far a pasted or duplicated step lands from its original, in scene
/// units, so it does not hide it.
pub const PASTE_OFFSET: f32 = 24.0;

/// Copied steps and the edges between them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clip {
    /// Marks the text as Friction Map steps (version 1).
    frictionmap_steps: u32,
    pub steps: Vec<Step>,
    pub edges: Vec<Edge>,
}

impl Clip {
    /// The steps of `map` with these ids, in map order, and the edges
    /// that join two of them. `None` when no such step exists.
    pub fn of(map: &Map, ids: &HashSet<&str>) -> Option<Self> {
        let steps: Vec<Step> = map
            .steps
            .iter()
            .filter(|s| ids.contains(s.id.as_str()))
            .cloned()
            .collect();
        if steps.is_empty() {
            return None;
        }
        let edges = (map.edges.iter())
            .filter(|e| ids.contains(e.from.as_str()) && ids.contains(e.to.as_str()))
            .cloned()
            .collect();
        Some(Self {
            frictionmap_steps: 1,
            steps,
            edges,
        })
    }

    /// The clip as text for the clipboard.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads clipboard text; `None` when it is not copied steps (plain text
    /// pasted onto the canvas is simply ignored).
    pub fn from_text(text: &str) -> Option<Self> {
        if !text.trim_start().starts_with('{') || !text.contains("\"frictionmap_steps\"") {
            return None;
        }
        serde_json::from_str(text).ok()
    }

    /// The edit that adds these steps (and their edges) to `map` under new
    /// ids, `PASTE_OFFSET` down and right of where they were copied. A step
    /// keeps its lane when `map` has it, else goes to `lane` (or the first
    /// lane). Returns the edit and the new steps' ids, or why it cannot be
    /// pasted.
    pub fn paste_edit(&self, map: &Map, lane: Option<&str>) -> Result<(Edit, Vec<String>), String> {
        let fallback = lane
            .filter(|id| map.lane(id).is_some())
            .or_else(|| map.lanes.first().map(|l| l.id.as_str()))
            .ok_or("add a lane first: pasted steps need a lane")?;
        let mut taken: HashSet<String> = (map.lanes.iter().map(|l| l.id.clone()))
            .chain(map.steps.iter().map(|s| s.id.clone()))
            .collect();
        let mut next = 1usize;
        let mut renamed: HashMap<&str, String> = HashMap::new();
        let mut steps = Vec::with_capacity(self.steps.len());
        for (i, step) in self.steps.iter().enumerate() {
            let id = loop {
                let candidate = format!("s{next}");
                next += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
            renamed.insert(step.id.as_str(), id.clone());
            let mut copy = step.clone();
            copy.id = id;
            if map.lane(&copy.lane).is_none() {
                copy.lane = fallback.into();
            }
            copy.x += PASTE_OFFSET;
            copy.y += PASTE_OFFSET;
            steps.push((map.steps.len() + i, copy));
        }
        let edges: Vec<(usize, Edge)> = (self.edges.iter())
            .filter_map(|e| {
                Some(Edge {
                    from: renamed.get(e.from.as_str())?.clone(),
                    to: renamed.get(e.to.as_str())?.clone(),
                })
            })
            .enumerate()
            .map(|(i, e)| (map.edges.len() + i, e))
            .collect();
        let ids = steps.iter().map(|(_, s)| s.id.clone()).collect();
        let edit = Edit::InsertSteps { steps, edges };
        // Pasted text may come from anywhere: check the map it would make.
        let mut after = map.clone();
        crate::document::edit::apply(&mut after, edit.clone()).map_err(|e| e.to_string())?;
        validate(&after).map_err(|problems| format!("the pasted steps are not valid:\n{problems}"))?;
        Ok((edit, ids))
    }
}

/// The edit that moves the steps with these ids by `(dx, dy)`, or `None`
/// when there are none.
pub fn nudge_edit(map: &Map, ids: &HashSet<&str>, dx: f32, dy: f32) -> Option<Edit> {
    let moved: Vec<Step> = (map.steps.iter())
        .filter(|s| ids.contains(s.id.as_str()))
        .map(|s| {
            let mut s = s.clone();
            s.x += dx;
            s.y = (s.y + dy).max(0.0);
            s
        })
        .collect();
    (!moved.is_empty()).then_some(Edit::UpdateSteps(moved))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::Lane;

    fn map() -> Map {
        let mut map = Map::new("m");
        map.lanes = vec![Lane::new("a", "A"), Lane::new("b", "B")];
        map.steps = vec![
            Step::new("s1", "a", "One"),
            Step::new("s2", "a", "Two"),
            Step::new("s3", "b", "Three"),
        ]
        .into();
        map.edges = vec![
            Edge {
                from: "s1".into(),
                to: "s2".into(),
            },
            Edge {
                from: "s2".into(),
                to: "s3".into(),
            },
        ];
        map
    }

    #[test]
    fn a_copy_pastes_back_as_new_steps_with_their_inner_edges() {
        let mut map = map();
        let clip = Clip::of(&map, &HashSet::from(["s1", "s2"])).unwrap();
        assert_eq!(clip.edges.len(), 1, "only the edge between copied steps");
        let text = clip.to_text();
        let back = Clip::from_text(&text).unwrap();
        let (edit, ids) = back.paste_edit(&map, None).unwrap();
        assert_eq!(ids, ["s4", "s5"]);
        crate::document::edit::apply(&mut map, edit).unwrap();
        assert_eq!(map.steps.len(), 5);
        assert_eq!(map.step("s4").unwrap().x, PASTE_OFFSET);
        assert!(map.edges.iter().any(|e| e.from == "s4" && e.to == "s5"));
        assert_eq!(validate(&map), Ok(()));
    }

    #[test]
    fn pasted_text_that_is_not_steps_or_not_valid_is_refused() {
        assert_eq!(Clip::from_text("hello"), None);
        assert_eq!(Clip::from_text("{\"name\": 1}"), None);
        let mut clip = Clip::of(&map(), &HashSet::from(["s1"])).unwrap();
        clip.steps[0].rework_rate = 1.5;
        let error = clip.paste_edit(&map(), None).unwrap_err();
        assert!(error.contains("rework_rate: 1.5 is above the maximum 0.95"), "{error}");
        // A step from a lane this map lacks goes to the chosen lane.
        let mut other = map();
        other.lanes.retain(|l| l.id == "b");
        other.steps.retain(|s| s.lane == "b");
        other.edges.clear();
        let clip = Clip::of(&map(), &HashSet::from(["s1"])).unwrap();
        let (edit, _) = clip.paste_edit(&other, Some("b")).unwrap();
        let Edit::InsertSteps { steps, .. } = edit else {
            panic!()
        };
        assert_eq!(steps[0].1.lane, "b");
    }

    #[test]
    fn a_nudge_moves_only_the_chosen_steps_and_never_above_the_lane() {
        let map = map();
        let Some(Edit::UpdateSteps(moved)) = nudge_edit(&map, &HashSet::from(["s2"]), 10.0, -50.0) else {
            panic!()
        };
        assert_eq!(moved.len(), 1);
        assert_eq!((moved[0].x, moved[0].y), (10.0, 0.0));
    }
}
