//! What-ifs: a scenario layered over the saved map. It overrides step values
//! and the map's rates without touching the map; applying it turns it into
//! one undoable edit.

use std::collections::BTreeMap;

use crate::document::edit::{Edit, MapMeta};
use crate::domain::model::{Attr, Map, Rates};

/// Step values and rates that differ from the saved map.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Scenario {
    /// Overridden attribute values, per step id.
    pub steps: BTreeMap<String, BTreeMap<AttrKey, f64>>,
    pub rates: Option<Rates>,
}

/// `Attr` as an ordered map key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AttrKey(u8);

impl From<Attr> for AttrKey {
    fn from(attr: Attr) -> Self {
        AttrKey(Attr::ALL.iter().position(|a| *a == attr).unwrap_or(0) as u8)
    }
}

impl AttrKey {
    pub fn attr(self) -> Attr {
        Attr::ALL[usize::from(self.0) % Attr::ALL.len()]
    }
}

impl Scenario {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty() && self.rates.is_none()
    }

    /// The value the scenario gives a step's attribute.
    pub fn value(&self, map: &Map, step_id: &str, attr: Attr) -> Option<f64> {
        let overridden = self.steps.get(step_id).and_then(|s| s.get(&attr.into())).copied();
        overridden.or_else(|| map.step(step_id).map(|s| s.value(attr)))
    }

    /// Sets a what-if value; setting the saved value again drops the override.
    pub fn set_value(&mut self, map: &Map, step_id: &str, attr: Attr, value: f64) {
        let Some(step) = map.step(step_id) else { return };
        let entry = self.steps.entry(step_id.to_owned()).or_default();
        if step.value(attr) == value {
            entry.remove(&attr.into());
        } else {
            entry.insert(attr.into(), value);
        }
        if entry.is_empty() {
            self.steps.remove(step_id);
        }
    }

    pub fn rates(&self, map: &Map) -> Rates {
        self.rates.unwrap_or(map.rates)
    }

    pub fn set_rates(&mut self, map: &Map, rates: Rates) {
        self.rates = (rates != map.rates).then_some(rates);
    }

    /// The map as the scenario sees it. Low and high estimates that the new
    /// value would fall outside of are widened to include it.
    pub fn apply_to(&self, map: &Map) -> Map {
        let mut out = map.clone();
        out.rates = self.rates(map);
        out.steps.for_each_mut(|_, step| {
            let Some(values) = self.steps.get(&step.id) else {
                return;
            };
            for (key, value) in values {
                let attr = key.attr();
                step.set_value(attr, *value);
                if step.low.get(attr).is_some_and(|low| low > *value) {
                    step.low.set(attr, Some(*value));
                }
                if step.high.get(attr).is_some_and(|high| high < *value) {
                    step.high.set(attr, Some(*value));
                }
            }
        });
        out
    }

    /// The scenario as one edit of the saved map, or None when it changes nothing.
    pub fn to_edit(&self, map: &Map) -> Option<Edit> {
        if self.is_empty() {
            return None;
        }
        let applied = self.apply_to(map);
        let steps: Vec<_> = applied
            .steps
            .iter()
            .filter(|s| self.steps.contains_key(&s.id))
            .cloned()
            .collect();
        let mut edits = Vec::new();
        if !steps.is_empty() {
            edits.push(Edit::UpdateSteps(steps));
        }
        if self.rates.is_some() {
            edits.push(Edit::SetMeta(MapMeta::of(&applied)));
        }
        Some(Edit::Batch(edits))
    }

    /// Drops overrides of steps that no longer exist.
    pub fn retain_existing(&mut self, map: &Map) {
        self.steps.retain(|id, _| map.step(id).is_some());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::edit::apply;
    use crate::domain::model::{Lane, Step};
    use crate::scoring::rank;

    fn map() -> Map {
        let mut map = Map::new("t");
        map.lanes = vec![Lane::new("a", "A"), Lane::new("b", "B")];
        let mut a = Step::new("a1", "a", "a1");
        a.volume_per_month = 100.0;
        a.handle_minutes = 60.0;
        a.high.set(Attr::VolumePerMonth, Some(150.0));
        let mut b = Step::new("b1", "b", "b1");
        b.volume_per_month = 200.0;
        b.handle_minutes = 60.0;
        map.steps = vec![a, b].into();
        map
    }

    #[test]
    fn a_what_if_reranks_without_touching_the_map_and_applies_as_one_edit() {
        let saved = map();
        assert_eq!(rank(&saved).lanes[0].lane, "B");
        let mut s = Scenario::default();
        s.set_value(&saved, "a1", Attr::VolumePerMonth, 300.0);
        let what_if = s.apply_to(&saved);
        assert_eq!(rank(&what_if).lanes[0].lane, "A");
        assert_eq!(
            what_if.steps[0].high.get(Attr::VolumePerMonth),
            Some(300.0),
            "the high estimate widens"
        );
        assert_eq!(saved, map(), "the saved map is untouched");

        let mut applied = saved.clone();
        let inverse = apply(&mut applied, s.to_edit(&saved).unwrap()).unwrap();
        assert_eq!(applied, what_if);
        apply(&mut applied, inverse).unwrap();
        assert_eq!(applied, saved);
    }

    #[test]
    fn setting_the_saved_value_drops_the_override() {
        let saved = map();
        let mut s = Scenario::default();
        s.set_value(&saved, "a1", Attr::ReworkRate, 0.2);
        s.set_value(&saved, "a1", Attr::ReworkRate, 0.0);
        assert!(s.is_empty());
        let mut rates = saved.rates;
        rates.hourly_cost += 10.0;
        s.set_rates(&saved, rates);
        assert!(!s.is_empty());
        s.set_rates(&saved, saved.rates);
        assert!(s.is_empty());
        assert_eq!(s.to_edit(&saved), None);
    }
}
