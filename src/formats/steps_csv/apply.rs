//! Making a map of a read steps CSV: a new map, or an update of a map
//! whose steps are matched by lane and step name. Each row is looked up in
//! hash maps built once, ids come from counters, and places from a cursor
//! per lane, so the work grows with the rows and the map, never with their
//! product. Every map made here passes `validate` before it is returned.

// Keys that come from the user (names, ids) are hashed with the standard
// library's keyed hasher: with a fixed hash such as Fx a file could be made
// of names that collide, and every lookup would walk them all.
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use super::read::{Present, StepsFile};
use super::{StepsCsvError, StepsReport};
use crate::document::edit::{Edit, RemovedLane};
use crate::domain::model::{Attr, Lane, Map, Step, Steps};
use crate::domain::validate::{clean_name, validate};
use crate::layout::tokens::{CARD_H, CARD_W};

/// The name of a new map whose given name has nothing left once cleaned.
const DEFAULT_NAME: &str = "Imported steps";

/// Where new cards go: left to right from (`FIRST_X`, `FIRST_Y`), a card's
/// width and a gap apart, in rows of `COLUMNS`, each row a card's height and
/// a gap below the lowest card of the lane. Rows keep a lane of a million
/// steps inside the canvas's coordinate range.
const FIRST_X: f32 = 40.0;
const FIRST_Y: f32 = 32.0;
const GAP_X: f32 = CARD_W + 60.0;
const GAP_Y: f32 = CARD_H + 24.0;
const COLUMNS: u16 = 60;
const LAST_X: f32 = FIRST_X + (COLUMNS - 1) as f32 * GAP_X;

/// The next free place in one lane.
#[derive(Clone, Copy)]
struct Cursor {
    next_x: f32,
    row_y: f32,
    lowest_y: f32,
}

impl Cursor {
    fn empty_lane() -> Self {
        Self {
            next_x: FIRST_X,
            row_y: FIRST_Y,
            lowest_y: FIRST_Y,
        }
    }

    /// Right of the lane's rightmost card, with `step` among its cards.
    fn include(&mut self, step: &Step) {
        self.next_x = self.next_x.max(step.x + GAP_X);
        self.lowest_y = self.lowest_y.max(step.y);
    }

    fn place(&mut self) -> (f32, f32) {
        if self.next_x > LAST_X {
            self.next_x = FIRST_X;
            self.row_y = self.lowest_y + GAP_Y;
        }
        let at = (self.next_x, self.row_y);
        self.next_x += GAP_X;
        self.lowest_y = self.lowest_y.max(self.row_y);
        at
    }
}

/// Ids with a prefix and a counter, skipping those the map has.
struct FreshIds<'m> {
    taken: HashSet<&'m str>,
    next_lane: u64,
    next_step: u64,
}

impl<'m> FreshIds<'m> {
    fn new(map: &'m Map) -> Self {
        let lanes = map.lanes.iter().map(|l| l.id.as_str());
        Self {
            taken: lanes.chain(map.steps.iter().map(|s| s.id.as_str())).collect(),
            next_lane: 0,
            next_step: 0,
        }
    }

    fn make(taken: &HashSet<&str>, counter: &mut u64, prefix: &str) -> String {
        loop {
            *counter += 1;
            let id = format!("{prefix}{counter}");
            if !taken.contains(id.as_str()) {
                return id;
            }
        }
    }

    fn lane(&mut self) -> String {
        Self::make(&self.taken, &mut self.next_lane, "lane-")
    }

    fn step(&mut self) -> String {
        Self::make(&self.taken, &mut self.next_step, "step-")
    }
}

/// Copies the row's present columns onto `step`; says whether it changed.
fn apply_row(step: &mut Step, row: &Step, present: &Present) -> bool {
    let values = |s: &Step| Attr::ALL.map(|a| s.value(a));
    let before = (values(step), step.low, step.high);
    for (i, attr) in Attr::ALL.into_iter().enumerate() {
        if present.values[i] {
            step.set_value(attr, row.value(attr));
        }
        if present.low[i] {
            step.low.set(attr, row.low.get(attr));
        }
        if present.high[i] {
            step.high.set(attr, row.high.get(attr));
        }
    }
    let mut changed = before != (values(step), step.low, step.high);
    if present.notes && step.notes != row.notes {
        step.notes.clone_from(&row.notes);
        changed = true;
    }
    changed
}

/// Checks that each low estimate is at most the value and each high at least.
fn check_estimates(step: &Step) -> Result<(), String> {
    for attr in Attr::ALL {
        let value = step.value(attr);
        if let Some(low) = step.low.get(attr)
            && low > value
        {
            return Err(format!("{}_low: {low} is above the value {value}", attr.key()));
        }
        if let Some(high) = step.high.get(attr)
            && high < value
        {
            return Err(format!("{}_high: {high} is below the value {value}", attr.key()));
        }
    }
    Ok(())
}

fn checked(map: Map, report: StepsReport, source_name: String) -> Result<(Map, StepsReport), StepsCsvError> {
    match validate(&map) {
        Ok(()) => Ok((map, report)),
        Err(problems) => Err(StepsCsvError::Invalid { source_name, problems }),
    }
}

impl StepsFile {
    /// A new map named `name` (control characters and noncharacters
    /// dropped, cut to the name limit; "Imported steps" if nothing is
    /// left): lanes in the order rows first name them, steps set out left
    /// to right in rows of their lane, no edges.
    pub fn into_new_map(self, name: &str) -> Result<(Map, StepsReport), StepsCsvError> {
        let StepsFile {
            source_name,
            steps: mut rows,
            lines,
            lane_of,
            lanes,
            mut report,
            ..
        } = self;
        let name = clean_name(name);
        let mut map = Map::new(if name.is_empty() { DEFAULT_NAME.to_owned() } else { name });
        map.lanes = (lanes.into_iter().enumerate())
            .map(|(i, name)| Lane::new(format!("lane-{}", i + 1), name))
            .collect();
        report.lanes_added = map.lanes.len();
        let mut cursors = vec![Cursor::empty_lane(); map.lanes.len()];
        for (i, step) in rows.iter_mut().enumerate() {
            let lane = lane_of[i] as usize;
            step.id = format!("step-{}", i + 1);
            step.lane = map.lanes[lane].id.as_str().into();
            (step.x, step.y) = cursors[lane].place();
            report
                .added
                .push_with(|| (lines[i], map.lanes[lane].name.clone(), step.name.clone()));
        }
        map.steps = Steps::from(rows);
        checked(map, report, source_name)
    }

    /// `map` updated: a row whose lane and step names match a step
    /// (exactly, else ignoring case) changes the columns the file has and
    /// keeps the step's id, place and edges; any other row adds a step, in a
    /// lane of that name or a new one. Steps no row names stay as they were.
    pub fn update(self, map: &Map) -> Result<(Map, StepsReport), StepsCsvError> {
        let StepsFile {
            source_name,
            present,
            steps: rows,
            lines,
            lane_of,
            lanes: lane_names,
            mut report,
        } = self;
        let mut matcher = Matcher::new(map);
        let mut ids = FreshIds::new(map);
        let mut steps: Vec<Step> = map.steps.to_vec();
        let mut lanes = map.lanes.clone();
        // The map's lane for each of the file's lane names, once a row
        // needs it: one of that name, else a new one.
        let lane_by_name: HashMap<&str, usize> = (map.lanes.iter().enumerate().rev())
            .map(|(i, l)| (l.name.as_str(), i))
            .collect();
        let mut lane_for: Vec<Option<usize>> = vec![None; lane_names.len()];
        let mut cursors: HashMap<usize, Cursor> = HashMap::new();
        let lane_index: HashMap<&str, usize> = map.lanes.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
        for step in map.steps.iter() {
            if let Some(&lane) = lane_index.get(step.lane.as_str()) {
                cursors.entry(lane).or_insert_with(Cursor::empty_lane).include(step);
            }
        }

        for (i, row) in rows.into_iter().enumerate() {
            let (line, lane_name) = (lines[i], lane_names[lane_of[i] as usize].as_str());
            if let Some(index) = matcher.take(lane_name, &row.name) {
                let mut step = steps[index].clone();
                if !apply_row(&mut step, &row, &present) {
                    report.unchanged += 1;
                    continue;
                }
                if let Err(reason) = check_estimates(&step) {
                    report
                        .rejected
                        .push_with(|| (line, format!("{reason} (the step's estimates and the row's figures)")));
                    continue;
                }
                report
                    .changed
                    .push_with(|| (line, lane_name.to_owned(), step.name.clone()));
                steps[index] = step;
                continue;
            }
            let lane = match lane_for[lane_of[i] as usize] {
                Some(lane) => lane,
                None => {
                    let lane = lane_by_name.get(lane_name).copied().unwrap_or_else(|| {
                        lanes.push(Lane::new(ids.lane(), lane_name));
                        report.lanes_added += 1;
                        lanes.len() - 1
                    });
                    lane_for[lane_of[i] as usize] = Some(lane);
                    lane
                }
            };
            let mut step = row;
            step.id = ids.step();
            step.lane = lanes[lane].id.as_str().into();
            (step.x, step.y) = cursors.entry(lane).or_insert_with(Cursor::empty_lane).place();
            report
                .added
                .push_with(|| (line, lane_name.to_owned(), step.name.clone()));
            steps.push(step);
        }
        report.untouched = matcher.untouched();
        report.rejected.first.sort_by_key(|(line, _)| *line);
        let out = Map {
            name: map.name.clone(),
            currency: map.currency.clone(),
            notes: map.notes.clone(),
            rates: map.rates,
            lanes,
            steps: Steps::from(steps),
            edges: map.edges.clone(),
            picks: map.picks.clone(),
            simulation: map.simulation,
        };
        checked(out, report, source_name)
    }
}

/// The one undoable edit that turns `before` into `after`, where `after`
/// came from [`StepsFile::update`]: new lanes, new steps and changed steps.
pub fn update_edit(before: &Map, after: &Map) -> Edit {
    let old_lanes: HashSet<&str> = before.lanes.iter().map(|l| l.id.as_str()).collect();
    let old_steps: HashMap<&str, &Step> = before.steps.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut edits: Vec<Edit> = (after.lanes.iter().enumerate())
        .filter(|(_, lane)| !old_lanes.contains(lane.id.as_str()))
        .map(|(index, lane)| {
            Edit::InsertLane(Box::new(RemovedLane {
                index,
                lane: lane.clone(),
                steps: Vec::new(),
                edges: Vec::new(),
                picks: Vec::new(),
            }))
        })
        .collect();
    let mut changed = Vec::new();
    let mut added = Vec::new();
    for (i, step) in after.steps.iter().enumerate() {
        match old_steps.get(step.id.as_str()) {
            Some(old) if *old != step => changed.push(step.clone()),
            Some(_) => {}
            None => added.push((i, step.clone())),
        }
    }
    if !changed.is_empty() {
        edits.push(Edit::UpdateSteps(changed));
    }
    if !added.is_empty() {
        edits.push(Edit::InsertSteps {
            steps: added,
            edges: Vec::new(),
        });
    }
    Edit::Batch(edits)
}

/// Finds the map's step for a row: the first not yet matched whose lane
/// and step names are the row's, else the first such ignoring case.
struct Matcher<'m> {
    map: &'m Map,
    lane_names: HashMap<&'m str, &'m str>,
    exact: Chains<(&'m str, &'m str)>,
    /// Built on the first row without an exact match.
    folded: Option<Chains<(String, String)>>,
    matched: Vec<bool>,
}

/// Steps by key, each key's steps chained in map order. A chain's head
/// moves past matched steps for good, so every step is passed over at most
/// once however many rows share a key.
struct Chains<K> {
    chain_of: HashMap<K, u32>,
    head: Vec<u32>,
    next: Vec<u32>,
}

const END: u32 = u32::MAX;

impl<K: std::hash::Hash + Eq> Chains<K> {
    fn new(keys: impl DoubleEndedIterator<Item = K> + ExactSizeIterator) -> Self {
        let mut chains = Chains {
            chain_of: HashMap::new(),
            head: Vec::new(),
            next: vec![END; keys.len()],
        };
        // From the back, so that each chain runs in map order.
        for (i, key) in keys.enumerate().rev() {
            match chains.chain_of.entry(key) {
                Entry::Occupied(chain) => {
                    let chain = *chain.get() as usize;
                    chains.next[i] = chains.head[chain];
                    chains.head[chain] = i as u32;
                }
                Entry::Vacant(slot) => {
                    slot.insert(chains.head.len() as u32);
                    chains.head.push(i as u32);
                }
            }
        }
        chains
    }

    /// The first step of `chain` not yet matched, now marked matched.
    fn take(&mut self, chain: u32, matched: &mut [bool]) -> Option<usize> {
        let head = &mut self.head[chain as usize];
        while *head != END && matched[*head as usize] {
            *head = self.next[*head as usize];
        }
        if *head == END {
            return None;
        }
        let found = *head as usize;
        matched[found] = true;
        *head = self.next[found];
        Some(found)
    }
}

impl<'m> Matcher<'m> {
    fn new(map: &'m Map) -> Self {
        let lane_names: HashMap<&str, &str> = map.lanes.iter().map(|l| (l.id.as_str(), l.name.as_str())).collect();
        let lane_of = |s: &Step| lane_names.get(s.lane.as_str()).copied().unwrap_or_default();
        let exact = Chains::new(map.steps.iter().map(|s| (lane_of(s), s.name.as_str())));
        Self {
            map,
            lane_names,
            exact,
            folded: None,
            matched: vec![false; map.steps.len()],
        }
    }

    fn take(&mut self, lane: &str, step: &str) -> Option<usize> {
        // Looked up through a shared borrow, whose keys may live shorter.
        let chains: &HashMap<(&str, &str), u32> = &self.exact.chain_of;
        if let Some(&chain) = chains.get(&(lane, step))
            && let Some(found) = self.exact.take(chain, &mut self.matched)
        {
            return Some(found);
        }
        let (map, lane_names) = (self.map, &self.lane_names);
        let folded = self.folded.get_or_insert_with(|| {
            Chains::new(map.steps.iter().map(|s| {
                let lane = lane_names.get(s.lane.as_str()).copied().unwrap_or_default();
                (lane.to_lowercase(), s.name.to_lowercase())
            }))
        });
        let &chain = folded.chain_of.get(&(lane.to_lowercase(), step.to_lowercase()))?;
        folded.take(chain, &mut self.matched)
    }

    fn untouched(&self) -> usize {
        self.matched.iter().filter(|m| !**m).count()
    }
}
