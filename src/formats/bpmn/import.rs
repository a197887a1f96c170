//! Reading a BPMN 2.0 file into a map. Lanes become lanes (a pool without
//! lanes becomes one lane, and every pool of a collaboration is read); every
//! kind of task becomes a step, including those inside subprocesses; flow
//! between tasks is kept by bridging gateways, events and subprocess
//! borders (`bridge`; one too wide to bridge becomes a junction step).
//! Positions come from the BPMNDI when it is there, otherwise from a
//! left-to-right layout (`layout`). Friction figures come from our `fm:`
//! extension elements; a task without them has zero figures and needs
//! estimates. Everything else is skipped and counted in the summary.
//!
//! The file is read through `input_file` (regular files of at most 50 MB)
//! and passed over by `scan` before it is parsed; the work after parsing is
//! linear, or n log n, in the file's size. Every map made is validated.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use roxmltree::{Document, Node};

use super::bridge::FlowGraph;
use super::{BPMN_NS, BPMNDI_NS, FM_NS, layout, scan};
use crate::domain::model::{Attr, Edge, Estimates, Lane, Map, Rates, Step};
use crate::domain::validate::{
    DELAY_COST_RANGE, HOURLY_COST_RANGE, HOURS_PER_FTE_RANGE, MAX_NAME_CHARS, MAX_NOTES_CHARS, allowed_in_text,
    check_currency, check_effort_weeks, check_name, check_number, check_value, validate,
};
use crate::formats::input_file::{FileError, read_input};

/// The largest BPMN file accepted, in bytes.
pub const MAX_BPMN_BYTES: u64 = 50 * 1024 * 1024;
/// The most tasks imported: the largest map the app is measured with (a
/// 50 MB file can hold over a million bare tasks).
pub const MAX_TASKS: usize = 100_000;

/// Why a BPMN file was refused, with the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum BpmnError {
    /// The file could not be read: not a regular file, too large, unreadable.
    #[error(transparent)]
    Read(#[from] FileError),
    #[error("{source_name}: {message}")]
    File { source_name: String, message: String },
    #[error("{source_name}: line {line}: {message}")]
    At {
        source_name: String,
        line: u32,
        message: String,
    },
}

/// What an import made of a file, and what it left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportSummary {
    pub pools: usize,
    pub lanes: usize,
    pub steps: usize,
    pub edges: usize,
    /// Steps without Friction Map figures: zero values, marked "needs estimates".
    pub needs_estimates: usize,
    /// Steps placed from the BPMNDI, and steps placed by the automatic layout.
    pub placed_from_diagram: usize,
    pub placed_automatically: usize,
    /// Elements passed through to keep flow between tasks (gateways, events,
    /// subprocess borders), by element name.
    pub bridged: BTreeMap<String, usize>,
    /// Gateways, events or subprocess borders kept as junction steps (of no
    /// cost) because bridging them would take too many edges, by element name.
    pub junctions: BTreeMap<String, usize>,
    /// Elements left out, by element name.
    pub skipped: BTreeMap<String, usize>,
    /// Names and notes that held characters a map cannot hold (control
    /// characters, noncharacters), which were left out.
    pub cleaned_texts: usize,
    /// Anything else worth saying, such as flows that name unknown elements.
    pub notes: Vec<String>,
}

impl ImportSummary {
    /// The summary as short lines for people.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "{} pool(s), {} lane(s), {} step(s), {} edge(s)",
            self.pools, self.lanes, self.steps, self.edges
        )];
        if self.needs_estimates > 0 {
            out.push(format!(
                "{} step(s) came without figures and are marked \"needs estimates\"",
                self.needs_estimates
            ));
        }
        if self.placed_automatically > 0 {
            out.push(format!(
                "{} step(s) had no diagram position and were laid out left to right",
                self.placed_automatically
            ));
        }
        if self.cleaned_texts > 0 {
            out.push(format!(
                "{} name(s) or note(s) held characters a map cannot hold (control characters or \
                 noncharacters); they were left out",
                self.cleaned_texts
            ));
        }
        if !self.bridged.is_empty() {
            out.push(format!("Passed through to keep the flow: {}", counts(&self.bridged)));
        }
        if !self.junctions.is_empty() {
            out.push(format!(
                "Kept as junction steps of no cost, as joining each of their ways in to each way out would take \
                 too many edges: {}",
                counts(&self.junctions)
            ));
        }
        if self.skipped.is_empty() {
            out.push("Nothing was skipped.".to_owned());
        } else {
            out.push(format!("Skipped (not supported): {}", counts(&self.skipped)));
        }
        out.extend(self.notes.iter().cloned());
        out
    }
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    map.iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.lines().join("\n"))
    }
}

/// Reads a BPMN file from disk through the guarded reader (a regular file
/// of at most [`MAX_BPMN_BYTES`]), decodes it and reads it with [`from_bpmn`].
pub fn read_bpmn_file(path: &Path) -> Result<(Map, ImportSummary), BpmnError> {
    let bytes = read_input(path, MAX_BPMN_BYTES)?;
    let fallback_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_bpmn(&bytes, &path.display().to_string(), &fallback_name)
}

/// Decodes a BPMN file's bytes and reads them with [`from_bpmn`].
pub fn parse_bpmn(bytes: &[u8], source_name: &str, fallback_name: &str) -> Result<(Map, ImportSummary), BpmnError> {
    if bytes.len() as u64 > MAX_BPMN_BYTES {
        return Err(BpmnError::Read(FileError::TooLarge {
            name: source_name.to_owned(),
            size: bytes.len() as u64,
            limit: MAX_BPMN_BYTES,
        }));
    }
    let text = decode(bytes).map_err(|(line, message)| BpmnError::At {
        source_name: source_name.to_owned(),
        line,
        message,
    })?;
    from_bpmn(&text, source_name, fallback_name)
}

/// The file's text: UTF-8; UTF-16 with its byte-order mark; or ISO-8859-1
/// when the XML declaration says so. An error comes with its line.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, (u32, String)> {
    let utf16 = |to_unit: fn([u8; 2]) -> u16| {
        let units = bytes[2..].chunks_exact(2).map(|pair| to_unit([pair[0], pair[1]]));
        let mut text = String::with_capacity(bytes.len() / 2);
        let mut line = 1;
        for c in char::decode_utf16(units) {
            let c = c.map_err(|e| (line, format!("not UTF-16 text: {e}")))?;
            line += u32::from(c == '\n');
            text.push(c);
        }
        Ok(Cow::Owned(text))
    };
    match bytes {
        [0xFF, 0xFE, ..] => return utf16(u16::from_le_bytes),
        [0xFE, 0xFF, ..] => return utf16(u16::from_be_bytes),
        _ => {}
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        // Some modelers write ISO-8859-1 and say so; each byte is one char.
        Err(_) if declares_latin1(bytes) => Ok(Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect())),
        Err(e) => {
            let offset = e.valid_up_to();
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
            Err((
                u32::try_from(line).unwrap_or(u32::MAX),
                format!(
                    "not UTF-8 text (invalid byte 0x{:02X} at offset {offset}, column {column}); \
                     save it as UTF-8, or declare the encoding ISO-8859-1 if that is what it is",
                    bytes[offset]
                ),
            ))
        }
    }
}

/// Whether the XML declaration names ISO-8859-1 (Latin-1).
fn declares_latin1(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let Some(decl) = head.strip_prefix("<?xml").and_then(|d| d.split("?>").next()) else {
        return false;
    };
    decl.contains("iso-8859-1") || decl.contains("latin1")
}

const TASKS: &[&str] = &[
    "task",
    "userTask",
    "serviceTask",
    "manualTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
];
const CONTAINERS: &[&str] = &["subProcess", "transaction", "adHocSubProcess"];
const PASS_THROUGH: &[&str] = &[
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
];
/// Children of a process or subprocess that need no mention.
const QUIET: &[&str] = &["documentation", "extensionElements", "laneSet", "incoming", "outgoing"];

fn is_bpmn(node: Node, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(BPMN_NS) && node.tag_name().name() == name
}

fn bpmn_children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(move |c| is_bpmn(*c, name))
}

/// An `fm:` element among a BPMN element's extension elements.
fn fm_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    bpmn_children(node, "extensionElements")
        .flat_map(|e| e.children())
        .find(|c| c.is_element() && c.tag_name().namespace() == Some(FM_NS) && c.tag_name().name() == name)
}

/// An `fm:` element right inside another.
fn fm_child_of<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().namespace() == Some(FM_NS) && c.tag_name().name() == name)
}

/// Ids for lanes, or for steps: each gets the first id it asks for that is a
/// valid id and still free, or else a fresh one. BPMN files may repeat ids,
/// and a task's `fm:step` id may be another task's own id.
struct Ids {
    taken: HashSet<String>,
    prefix: &'static str,
    fresh: usize,
}

impl Ids {
    fn new(prefix: &'static str) -> Self {
        Self {
            taken: HashSet::new(),
            prefix,
            fresh: 0,
        }
    }

    fn claim(&mut self, wanted: &[&str]) -> String {
        for id in wanted {
            if check_name(id).is_ok() && !self.taken.contains(*id) {
                self.taken.insert((*id).to_owned());
                return (*id).to_owned();
            }
        }
        loop {
            self.fresh += 1;
            let id = format!("{}-{}", self.prefix, self.fresh);
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Task,
    /// A subprocess: its tasks are read, and flow enters and leaves it.
    Container,
    /// A gateway or event: flow passes through it.
    PassThrough,
}

/// A flow node of the file: a task, subprocess, gateway or event.
struct FlowNode<'a, 'i> {
    node: Node<'a, 'i>,
    id: &'a str,
    kind: Kind,
    /// The top-level flow node it sits in (itself when top-level), whose
    /// lane it takes.
    top: usize,
    /// The subprocess it sits in directly, if any.
    parent: Option<usize>,
}

/// A lane being built: its leaf BPMN lane (if any) and its pool.
pub(super) struct LaneDraft {
    pub lane: Lane,
    pub bpmn_id: Option<String>,
    pub process: usize,
}

struct Reader<'a, 'i> {
    doc: &'a Document<'i>,
    source_name: String,
    summary: ImportSummary,
    lane_ids: Ids,
    step_ids: Ids,
}

impl<'a, 'i> Reader<'a, 'i> {
    fn error(&self, node: Node, message: String) -> BpmnError {
        BpmnError::At {
            source_name: self.source_name.clone(),
            line: self.doc.text_pos_at(node.range().start).row,
            message,
        }
    }

    fn skip(&mut self, node: Node) {
        *self
            .summary
            .skipped
            .entry(node.tag_name().name().to_owned())
            .or_default() += 1;
    }

    /// Text for a map: at most `max` characters, without those a map cannot
    /// hold (counted). They are left out rather than replaced: they are
    /// invisible, and the app's fonts have no replacement character.
    fn text(&mut self, raw: &str, max: usize) -> String {
        let before = raw.chars().take(max);
        let out: String = before.clone().filter(|&c| allowed_in_text(c)).collect();
        if out.len() != before.map(char::len_utf8).sum::<usize>() {
            self.summary.cleaned_texts += 1;
        }
        out
    }

    /// A name: one line (modeler labels break lines), then as [`Self::text`].
    fn label(&mut self, raw: &str) -> String {
        let mut line = String::new();
        for word in raw.split_whitespace() {
            // Enough characters for any name; the rest is cut anyway.
            if line.len() > 4 * MAX_NAME_CHARS {
                break;
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        self.text(&line, MAX_NAME_CHARS)
    }

    /// The notes of an element: its documentation, as [`Self::text`].
    fn documentation(&mut self, node: Node) -> String {
        let text: Vec<&str> = bpmn_children(node, "documentation")
            .filter_map(|d| d.text().map(str::trim))
            .filter(|t| !t.is_empty())
            .collect();
        self.text(&text.join("\n"), MAX_NOTES_CHARS)
    }

    /// A flow node's name: its label, else its kind and id.
    fn node_name(&mut self, node: &FlowNode) -> String {
        let label = node
            .node
            .attribute("name")
            .map(|name| self.label(name))
            .unwrap_or_default();
        if label.is_empty() {
            self.label(&format!("{} {}", node.node.tag_name().name(), node.id))
        } else {
            label
        }
    }

    fn number(&self, node: Node, attr: &str) -> Result<Option<f64>, BpmnError> {
        let Some(text) = node.attribute(attr) else {
            return Ok(None);
        };
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            Ok(_) => Err(self.error(
                node,
                format!("fm:{} {attr}={text:?} is not a finite number", node.tag_name().name()),
            )),
            Err(_) => Err(self.error(
                node,
                format!("fm:{} {attr}={text:?} is not a number", node.tag_name().name()),
            )),
        }
    }

    fn estimates(&self, node: Option<Node>, owner: &str) -> Result<Estimates, BpmnError> {
        let mut out = Estimates::default();
        let Some(node) = node else { return Ok(out) };
        for attr in Attr::ALL {
            if let Some(v) = self.number(node, attr.key())? {
                check_value(attr, v).map_err(|m| {
                    self.error(
                        node,
                        format!("{owner}: fm:{} {}: {m}", node.tag_name().name(), attr.key()),
                    )
                })?;
                out.set(attr, Some(v));
            }
        }
        Ok(out)
    }

    /// The currency and rates of `fm:map`.
    fn rates(&self, fm: Node, map: &mut Map) -> Result<(), BpmnError> {
        if let Some(currency) = fm.attribute("currency") {
            check_currency(currency).map_err(|m| self.error(fm, format!("fm:map currency: {m}")))?;
            map.currency = currency.to_owned();
        }
        let mut rates = Rates::default();
        for (key, slot, (min, max)) in [
            ("hourly_cost", &mut rates.hourly_cost, HOURLY_COST_RANGE),
            ("delay_cost_per_hour", &mut rates.delay_cost_per_hour, DELAY_COST_RANGE),
            (
                "hours_per_fte_month",
                &mut rates.hours_per_fte_month,
                HOURS_PER_FTE_RANGE,
            ),
        ] {
            if let Some(v) = self.number(fm, key)? {
                check_number(v, min, max).map_err(|m| self.error(fm, format!("fm:map {key}: {m}")))?;
                *slot = v;
            }
        }
        map.rates = rates;
        Ok(())
    }

    /// Adds the lanes of a laneSet (or childLaneSet): only the innermost
    /// lanes become lanes, named "Parent / Child", and "Pool / Lane" when
    /// the file has several pools.
    #[allow(clippy::too_many_arguments)]
    fn collect_lanes(
        &mut self,
        lane_set: Node,
        process: usize,
        pool: &str,
        several_pools: bool,
        lanes: &mut Vec<LaneDraft>,
        lane_of_node: &mut HashMap<String, usize>,
        parent_name: Option<&str>,
    ) -> Result<(), BpmnError> {
        for lane in bpmn_children(lane_set, "lane") {
            let id = lane.attribute("id").unwrap_or_default();
            let own = lane.attribute("name").map(|name| self.label(name)).unwrap_or_default();
            let own = if own.is_empty() {
                format!("Lane {}", lanes.len() + 1)
            } else {
                own
            };
            let name = match (parent_name, several_pools) {
                (Some(parent), _) => format!("{parent} / {own}"),
                (None, true) => format!("{pool} / {own}"),
                (None, false) => own,
            };
            let name = self.text(&name, MAX_NAME_CHARS);
            let children: Vec<Node> = bpmn_children(lane, "childLaneSet").collect();
            let has_child_lanes = children.iter().any(|c| bpmn_children(*c, "lane").next().is_some());
            if has_child_lanes {
                // A node listed only in the parent goes to its first child lane.
                let first_child = lanes.len();
                for child in children {
                    self.collect_lanes(child, process, pool, several_pools, lanes, lane_of_node, Some(&name))?;
                }
                for node_ref in bpmn_children(lane, "flowNodeRef") {
                    if let Some(t) = node_ref.text() {
                        lane_of_node.entry(t.trim().to_owned()).or_insert(first_child);
                    }
                }
                continue;
            }
            let fm = fm_child(lane, "lane");
            let lane_id = self
                .lane_ids
                .claim(&[fm.and_then(|f| f.attribute("id")).unwrap_or_default(), id]);
            let mut out = Lane::new(lane_id, name);
            out.notes = self.documentation(lane);
            if let Some(fm) = fm {
                out.owner = self.label(fm.attribute("owner").unwrap_or_default());
                if let Some(weeks) = self.number(fm, "effort_weeks")? {
                    check_effort_weeks(weeks).map_err(|m| self.error(fm, format!("fm:lane effort_weeks: {m}")))?;
                    out.effort_weeks = Some(weeks);
                }
            }
            let index = lanes.len();
            for node_ref in bpmn_children(lane, "flowNodeRef") {
                if let Some(t) = node_ref.text() {
                    lane_of_node.insert(t.trim().to_owned(), index);
                }
            }
            lanes.push(LaneDraft {
                lane: out,
                bpmn_id: Some(id.to_owned()),
                process,
            });
        }
        Ok(())
    }

    /// Walks a process or subprocess's children, collecting flow nodes and
    /// flows. `parent` is the subprocess walked, if any.
    fn walk(
        &mut self,
        container: Node<'a, 'i>,
        parent: Option<usize>,
        nodes: &mut Vec<FlowNode<'a, 'i>>,
        flows: &mut Vec<Node<'a, 'i>>,
    ) {
        for child in container.children().filter(|c| c.is_element()) {
            if child.tag_name().namespace() != Some(BPMN_NS) {
                continue;
            }
            let name = child.tag_name().name();
            let Some(id) = child.attribute("id") else {
                if !QUIET.contains(&name) {
                    self.skip(child);
                }
                continue;
            };
            let kind = if TASKS.contains(&name) {
                Kind::Task
            } else if CONTAINERS.contains(&name) {
                Kind::Container
            } else if PASS_THROUGH.contains(&name) {
                Kind::PassThrough
            } else if name == "sequenceFlow" {
                flows.push(child);
                continue;
            } else {
                if !QUIET.contains(&name) {
                    self.skip(child);
                }
                continue;
            };
            let index = nodes.len();
            nodes.push(FlowNode {
                node: child,
                id,
                kind,
                top: parent.map_or(index, |p| nodes[p].top),
                parent,
            });
            if kind == Kind::Container {
                self.walk(child, Some(index), nodes, flows);
            }
        }
    }

    /// A step for a task, with its figures from `fm:step`.
    fn task_step(&mut self, task: &FlowNode, lane: &str) -> Result<Step, BpmnError> {
        let name = self.node_name(task);
        let fm = fm_child(task.node, "step");
        let wanted = [fm.and_then(|f| f.attribute("id")).unwrap_or_default(), task.id];
        let mut step = Step::new(self.step_ids.claim(&wanted), lane, name);
        step.notes = self.documentation(task.node);
        if let Some(fm) = fm {
            let owner = format!("task {:?}", task.id);
            let values = self.estimates(Some(fm), &owner)?;
            for attr in Attr::ALL {
                step.set_value(attr, values.get(attr).unwrap_or(0.0));
            }
            step.low = self.estimates(fm_child_of(fm, "low"), &owner)?;
            step.high = self.estimates(fm_child_of(fm, "high"), &owner)?;
            for attr in Attr::ALL {
                let (value, key) = (step.value(attr), attr.key());
                let bound = |name: &str| fm_child_of(fm, name).unwrap_or(fm);
                if let Some(low) = step.low.get(attr).filter(|&low| low > value) {
                    let message = format!("{owner}: fm:low {key}: {low} is above the value {value}");
                    return Err(self.error(bound("low"), message));
                }
                if let Some(high) = step.high.get(attr).filter(|&high| high < value) {
                    let message = format!("{owner}: fm:high {key}: {high} is below the value {value}");
                    return Err(self.error(bound("high"), message));
                }
            }
        }
        if step.needs_estimates() {
            self.summary.needs_estimates += 1;
        }
        Ok(step)
    }
}

/// Parses the text as XML after the quick pass over it (`scan`), with
/// errors placed at their lines.
fn parse_xml<'i>(text: &'i str, source_name: &str) -> Result<Document<'i>, BpmnError> {
    let at = |line: u32, message: String| BpmnError::At {
        source_name: source_name.to_owned(),
        line,
        message,
    };
    if text.trim().is_empty() {
        return Err(BpmnError::File {
            source_name: source_name.to_owned(),
            message: "the file is empty".to_owned(),
        });
    }
    let start = text.trim_start();
    if !start.starts_with('<') {
        let shown: String = start.chars().take(24).collect();
        return Err(at(
            scan::line_at(text, text.len() - start.len()),
            format!("not XML: the text starts with {:?}", format!("{shown}…")),
        ));
    }
    let outline = scan::outline(text).map_err(|r| at(scan::line_at(text, r.offset), r.message))?;
    Document::parse(text).map_err(|e| match (e, outline.unfinished) {
        // The parser places these at line 1; the scan knows where the text ends and what is open.
        (roxmltree::Error::UnexpectedEndOfStream | roxmltree::Error::UnclosedRootNode, Some(end)) => at(
            scan::line_at(text, end.offset),
            format!("not well-formed XML: {}", end.message),
        ),
        (roxmltree::Error::NoRootNode, _) => at(
            scan::line_at(text, text.len()),
            "not well-formed XML: the file has no element".to_owned(),
        ),
        (e, _) => at(e.pos().row, format!("not well-formed XML: {e}")),
    })
}

/// Reads BPMN 2.0 XML into a validated map. `fallback_name` names the map
/// when the file names no pool or process.
pub fn from_bpmn(text: &str, source_name: &str, fallback_name: &str) -> Result<(Map, ImportSummary), BpmnError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc = parse_xml(text, source_name)?;
    let root = doc.root_element();
    let mut r = Reader {
        doc: &doc,
        source_name: source_name.to_owned(),
        summary: ImportSummary::default(),
        lane_ids: Ids::new("lane"),
        step_ids: Ids::new("step"),
    };
    if !is_bpmn(root, "definitions") {
        return Err(r.error(
            root,
            format!(
                "the root element is <{}>, not a BPMN 2.0 <definitions> in the namespace {BPMN_NS}",
                root.tag_name().name()
            ),
        ));
    }

    // Pools: each participant names its process.
    let mut pool_names: HashMap<String, String> = HashMap::new();
    for collaboration in bpmn_children(root, "collaboration") {
        for child in collaboration.children().filter(|c| c.is_element()) {
            if is_bpmn(child, "participant") {
                if let (Some(process), Some(name)) = (child.attribute("processRef"), child.attribute("name")) {
                    let name = r.label(name);
                    pool_names.insert(process.to_owned(), name);
                }
            } else if child.tag_name().namespace() == Some(BPMN_NS) && !QUIET.contains(&child.tag_name().name()) {
                r.skip(child);
            }
        }
    }
    let processes: Vec<Node> = bpmn_children(root, "process").collect();
    if processes.is_empty() {
        return Err(r.error(root, "the file has no <process>: nothing to import".to_owned()));
    }
    for child in root.children().filter(|c| c.is_element()) {
        let name = child.tag_name().name();
        let known = matches!(
            name,
            "process" | "collaboration" | "documentation" | "extensionElements"
        ) || child.tag_name().namespace() == Some(BPMNDI_NS);
        if !known && child.tag_name().namespace() == Some(BPMN_NS) {
            r.skip(child);
        }
    }

    let mut map = Map::new("");
    let mut lanes: Vec<LaneDraft> = Vec::new();
    let mut lane_of_node: HashMap<String, usize> = HashMap::new();
    let mut nodes = Vec::new();
    let mut flows = Vec::new();
    let several_pools = processes.len() > 1;
    let mut pool_titles: Vec<Option<String>> = Vec::new();
    for (pi, process) in processes.iter().enumerate() {
        let pid = process.attribute("id").unwrap_or("process");
        let given = match pool_names.get(pid) {
            Some(name) => Some(name.clone()),
            None => process.attribute("name").map(|name| r.label(name)),
        }
        .filter(|n| !n.is_empty());
        let pool = given.clone().unwrap_or_else(|| format!("Pool {}", pi + 1));
        if let Some(fm) = fm_child(*process, "map") {
            r.rates(fm, &mut map)?;
        }
        if map.notes.is_empty() {
            map.notes = r.documentation(*process);
        }
        let before = nodes.len();
        r.walk(*process, None, &mut nodes, &mut flows);
        let has_tasks = nodes[before..].iter().any(|n| n.kind == Kind::Task);
        if !has_tasks && !pool_names.contains_key(pid) && processes.len() > 1 {
            // An empty process only referenced for messages adds no pool.
            continue;
        }
        r.summary.pools += 1;
        pool_titles.push(given);
        let first_lane = lanes.len();
        for lane_set in bpmn_children(*process, "laneSet") {
            r.collect_lanes(lane_set, pi, &pool, several_pools, &mut lanes, &mut lane_of_node, None)?;
        }
        // A pool without lanes, or with nodes outside every lane, gets a
        // lane of its own (left out again if no step lands in it).
        let outside = |n: &FlowNode| !lane_of_node.contains_key(nodes[n.top].id);
        if lanes.len() == first_lane || nodes[before..].iter().any(outside) {
            let name = if lanes.len() == first_lane {
                pool.clone()
            } else {
                format!("{pool} (no lane)")
            };
            let index = lanes.len();
            let id = r.lane_ids.claim(&[&format!("pool-{pid}")]);
            lanes.push(LaneDraft {
                lane: Lane::new(id, r.text(&name, MAX_NAME_CHARS)),
                bpmn_id: None,
                process: pi,
            });
            for n in &nodes[before..] {
                lane_of_node.entry(nodes[n.top].id.to_owned()).or_insert(index);
            }
        }
    }
    // The map's name: the file's own name, else its one pool's, else the file name.
    map.name = root
        .attribute("name")
        .map(|name| r.label(name))
        .filter(|n| !n.is_empty())
        .or_else(|| match pool_titles.as_slice() {
            [Some(only)] => Some(only.clone()),
            _ => None,
        })
        .or_else(|| Some(r.label(fallback_name)).filter(|n| !n.is_empty()))
        .unwrap_or_else(|| "Imported process".to_owned());

    if let Some(past) = nodes.iter().filter(|n| n.kind == Kind::Task).nth(MAX_TASKS) {
        return Err(r.error(
            past.node,
            format!("the file has more than {MAX_TASKS} tasks, the most a map made from BPMN holds"),
        ));
    }
    // Every node has a lane: the one that lists it, else the one that lists
    // its top-level node, else the first (only junctions of a file whose
    // flow crosses pools can lack one).
    let lane_of = |n: &FlowNode| {
        (lane_of_node.get(n.id).or_else(|| lane_of_node.get(nodes[n.top].id)))
            .copied()
            .unwrap_or(0)
    };
    // Steps, one per task; `element_of_step` names the diagram shape of each.
    let mut step_of_node: Vec<Option<usize>> = vec![None; nodes.len()];
    let mut element_of_step: Vec<&str> = Vec::new();
    for (i, n) in nodes.iter().enumerate().filter(|(_, n)| n.kind == Kind::Task) {
        let Some(lane) = lanes.get(lane_of(n)) else {
            continue;
        };
        let step = r.task_step(n, &lane.lane.id)?;
        step_of_node[i] = Some(map.steps.len());
        element_of_step.push(n.id);
        map.steps.push(step);
    }
    if map.steps.is_empty() {
        return Err(r.error(root, "the file has no tasks: nothing to import as steps".to_owned()));
    }

    connect_steps(
        &mut r,
        &nodes,
        &flows,
        &lanes,
        lane_of,
        step_of_node,
        &mut element_of_step,
        &mut map,
    );
    let used_lanes: HashSet<&str> = map.steps.iter().map(|s| s.lane.as_str()).collect();
    // Lanes of the file are kept even when empty, except the extra ones we made.
    let drafts: Vec<LaneDraft> = lanes
        .into_iter()
        .filter(|d| d.bpmn_id.is_some() || used_lanes.contains(d.lane.id.as_str()))
        .collect();
    let containers: HashSet<&str> = nodes
        .iter()
        .filter(|n| n.kind == Kind::Container)
        .map(|n| n.id)
        .collect();
    layout::place_steps(&mut r.summary, root, &drafts, &containers, &element_of_step, &mut map);
    map.lanes = drafts.into_iter().map(|d| d.lane).collect();

    r.summary.lanes = map.lanes.len();
    r.summary.steps = map.steps.len();
    r.summary.edges = map.edges.len();
    validate(&map).map_err(|problems| BpmnError::File {
        source_name: source_name.to_owned(),
        message: format!("the imported map is not valid:\n{problems}"),
    })?;
    Ok((map, r.summary))
}

/// Joins the steps as the file's flow does (see `bridge`): every flow node
/// is a vertex, a subprocess two (its start and, after the other nodes,
/// its end), and the gateways, events and subprocess borders are bridged.
/// Each one kept becomes a junction step of no cost.
#[allow(clippy::too_many_arguments)]
fn connect_steps<'a>(
    r: &mut Reader,
    nodes: &[FlowNode<'a, '_>],
    flows: &[Node],
    lanes: &[LaneDraft],
    lane_of: impl Fn(&FlowNode) -> usize,
    mut step_of_vertex: Vec<Option<usize>>,
    element_of_step: &mut Vec<&'a str>,
    map: &mut Map,
) {
    let n = nodes.len();
    // The subprocess whose end each vertex after the nodes is, and the
    // vertex each node's flow leaves from.
    let containers: Vec<usize> = (0..n).filter(|&i| nodes[i].kind == Kind::Container).collect();
    let mut exit: Vec<usize> = (0..n).collect();
    for (k, &c) in containers.iter().enumerate() {
        exit[c] = n + k;
    }
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(n);
    for (i, node) in nodes.iter().enumerate() {
        // Flows name BPMN ids; a repeated id means the first element.
        index.entry(node.id).or_insert(i);
    }
    let mut graph = FlowGraph::new(n + containers.len());
    let (mut has_in, mut has_out) = (vec![false; n], vec![false; n]);
    let mut unknown = 0;
    for flow in flows {
        let end = |attr| flow.attribute(attr).and_then(|id| index.get(id)).copied();
        let (Some(source), Some(target)) = (end("sourceRef"), end("targetRef")) else {
            unknown += 1;
            continue;
        };
        has_out[source] = true;
        has_in[target] = true;
        graph.add(exit[source], target);
    }
    if unknown > 0 {
        r.summary.notes.push(format!(
            "{unknown} sequence flow(s) name elements that are not imported and were left out"
        ));
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, node) in nodes.iter().enumerate() {
        if let Some(p) = node.parent {
            children[p].push(i);
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        if node.node.tag_name().name() == "boundaryEvent"
            && let Some(&host) = node.node.attribute("attachedToRef").and_then(|id| index.get(id))
        {
            // An exception path can leave its activity at any time.
            graph.add(host, i);
        }
        if node.kind == Kind::Container {
            // Flow enters at the start events (else the nodes nothing flows
            // to) and leaves from the nodes that flow nowhere.
            let inner = &children[i];
            let is = |c: usize, name: &str| nodes[c].node.tag_name().name() == name;
            let mut starts: Vec<usize> = inner.iter().copied().filter(|&c| is(c, "startEvent")).collect();
            if starts.is_empty() {
                starts = (inner.iter().copied())
                    .filter(|&c| !is(c, "boundaryEvent") && !has_in[c])
                    .collect();
            }
            if inner.is_empty() {
                graph.add(i, exit[i]);
            }
            for s in starts {
                graph.add(i, s);
            }
            for &e in inner.iter().filter(|&&e| !has_out[e]) {
                graph.add(exit[e], exit[i]);
            }
        }
    }

    let connectors = (0..n)
        .filter(|&i| nodes[i].kind != Kind::Task)
        .flat_map(|i| [Some(i), (exit[i] != i).then_some(exit[i])])
        .flatten();
    let junctions = graph.bridge(connectors);
    step_of_vertex.resize(n + containers.len(), None);
    let mut kept = vec![false; n];
    for junction in &junctions {
        let (i, border) = match junction.vertex.checked_sub(n) {
            Some(k) => (containers[k], Some("end")),
            None if nodes[junction.vertex].kind == Kind::Container => (junction.vertex, Some("start")),
            None => (junction.vertex, None),
        };
        kept[i] = true;
        let node = &nodes[i];
        let kind = node.node.tag_name().name();
        let name = r.node_name(node);
        let (name, id, element) = match border {
            Some(border) => (
                format!("{name} ({border})"),
                r.step_ids.claim(&[&format!("{}-{border}", node.id)]),
                "",
            ),
            None => (name, r.step_ids.claim(&[node.id]), node.id),
        };
        let lane = lanes.get(lane_of(node)).map(|l| l.lane.id.clone()).unwrap_or_default();
        let mut step = Step::new(id, lane, r.text(&name, MAX_NAME_CHARS));
        step.notes = format!(
            "A junction: the BPMN {kind} {:?}{} joins {} ways in to {} ways out. Joining each way in to each \
             way out would take {} edges, so the flow passes through this step instead. It has no cost.",
            node.id,
            border.map(|b| format!(" ({b})")).unwrap_or_default(),
            junction.ways_in,
            junction.ways_out,
            junction.ways_in * junction.ways_out,
        );
        step_of_vertex[junction.vertex] = Some(map.steps.len());
        element_of_step.push(element);
        map.steps.push(step);
        *r.summary.junctions.entry(kind.to_owned()).or_default() += 1;
    }
    for node in nodes
        .iter()
        .zip(&kept)
        .filter(|(n, kept)| n.kind != Kind::Task && !**kept)
    {
        *r.summary
            .bridged
            .entry(node.0.node.tag_name().name().to_owned())
            .or_default() += 1;
    }
    map.edges = graph
        .edges()
        .filter_map(|(a, b)| {
            let (a, b) = (step_of_vertex[a]?, step_of_vertex[b]?);
            Some(Edge {
                from: map.steps[a].id.clone(),
                to: map.steps[b].id.clone(),
            })
        })
        .collect();
}
