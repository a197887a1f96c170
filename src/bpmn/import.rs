//! Reading a BPMN 2.0 file into a map. Lanes become lanes (a pool without
//! lanes becomes one lane, and every pool of a collaboration is read); every
//! kind of task becomes a step, including those inside subprocesses; flow
//! between tasks is kept by following sequence flows through gateways,
//! events and subprocess borders. Positions come from the BPMNDI when it is
//! there, otherwise from a left-to-right layout. Friction figures come from
//! our `fm:` extension elements; a task without them has zero figures and
//! needs estimates. Everything else is skipped and counted in the summary.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use roxmltree::{Document, Node};

use super::{BPMN_NS, BPMNDI_NS, DC_NS, FM_NS, scan};
use crate::input_file::{FileError, read_input};
use crate::model::{Attr, Edge, Estimates, Lane, Map, Rates, Step};
use crate::theme::{CARD_H, CARD_W};
use crate::validate::{
    DELAY_COST_RANGE, HOURLY_COST_RANGE, HOURS_PER_FTE_RANGE, MAX_NAME_CHARS, MAX_NOTES_CHARS, allowed_in_text,
    check_currency, check_effort_weeks, check_name, check_number, check_value, validate,
};

/// The largest BPMN file accepted, in bytes.
pub const MAX_BPMN_BYTES: u64 = 50 * 1024 * 1024;

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
    let source_name = path.display().to_string();
    let bytes = read_input(path, MAX_BPMN_BYTES)?;
    let text = decode(&bytes).map_err(|(line, message)| BpmnError::At {
        source_name: source_name.clone(),
        line,
        message,
    })?;
    let fallback_name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    from_bpmn(&text, &source_name, &fallback_name)
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

fn fm_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    bpmn_children(node, "extensionElements")
        .flat_map(|e| e.children())
        .find(|c| c.is_element() && c.tag_name().namespace() == Some(FM_NS) && c.tag_name().name() == name)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Task,
    Container,
    PassThrough,
}

struct FlowNode<'a, 'i> {
    node: Node<'a, 'i>,
    kind: Kind,
    /// The top-level flow node it sits in (itself when top-level), for its lane.
    top: String,
    /// The subprocess it sits in directly, if any.
    parent: Option<String>,
}

struct Reader<'a, 'i> {
    doc: &'a Document<'i>,
    source_name: String,
    summary: ImportSummary,
    lane_ids: Ids,
    step_ids: Ids,
}

impl<'a, 'i> Reader<'a, 'i> {
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

    fn line(&self, node: Node) -> u32 {
        self.doc.text_pos_at(node.range().start).row
    }

    fn error(&self, node: Node, message: String) -> BpmnError {
        BpmnError::At {
            source_name: self.source_name.clone(),
            line: self.line(node),
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

    /// Walks a process or subprocess's children, collecting flow nodes and flows.
    fn walk(
        &mut self,
        container: Node<'a, 'i>,
        parent: Option<(&str, &str)>,
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
            let (top, parent_id) = match parent {
                Some((top, p)) => (top.to_owned(), Some(p.to_owned())),
                None => (id.to_owned(), None),
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
            nodes.push(FlowNode {
                node: child,
                kind,
                top: top.clone(),
                parent: parent_id,
            });
            if kind == Kind::Container {
                *self.summary.bridged.entry(name.to_owned()).or_default() += 1;
                self.walk(child, Some((&top, id)), nodes, flows);
            } else if kind == Kind::PassThrough {
                *self.summary.bridged.entry(name.to_owned()).or_default() += 1;
            }
        }
    }
}

/// A lane being built: its leaf BPMN lane (if any) and its pool.
struct LaneDraft {
    lane: Lane,
    bpmn_id: Option<String>,
    process: usize,
}

/// Reads BPMN 2.0 XML into a validated map. `fallback_name` names the map
/// when the file names no pool or process.
pub fn from_bpmn(text: &str, source_name: &str, fallback_name: &str) -> Result<(Map, ImportSummary), BpmnError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
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
    let doc = Document::parse(text).map_err(|e| match (e, outline.unfinished) {
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
    })?;
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
            read_rates(&r, fm, &mut map)?;
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
        // A pool without lanes, or with nodes outside every lane, gets a lane of its own.
        let unplaced = nodes[before..]
            .iter()
            .any(|n| n.kind == Kind::Task && !lane_of_node.contains_key(&n.top));
        if lanes.len() == first_lane || unplaced {
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
                lane_of_node.entry(n.top.clone()).or_insert(index);
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

    // Steps, one per task.
    let mut step_of_node: HashMap<String, usize> = HashMap::new();
    let mut step_bpmn_ids: Vec<String> = Vec::new();
    for n in nodes.iter().filter(|n| n.kind == Kind::Task) {
        let id = n.node.attribute("id").unwrap_or_default().to_owned();
        let Some(&lane) = lane_of_node.get(&n.top) else {
            continue;
        };
        let label = n.node.attribute("name").map(|name| r.label(name)).unwrap_or_default();
        let name = if label.is_empty() {
            r.label(&format!("{} {id}", n.node.tag_name().name()))
        } else {
            label
        };
        let fm = fm_child(n.node, "step");
        let wanted = [fm.and_then(|f| f.attribute("id")).unwrap_or_default(), id.as_str()];
        let step_id = r.step_ids.claim(&wanted);
        let mut step = Step::new(step_id, lanes[lane].lane.id.clone(), name);
        step.notes = r.documentation(n.node);
        if let Some(fm) = fm {
            let owner = format!("task {id:?}");
            let values = r.estimates(Some(fm), &owner)?;
            for attr in Attr::ALL {
                step.set_value(attr, values.get(attr).unwrap_or(0.0));
            }
            step.low = r.estimates(fm_child_of(fm, "low"), &owner)?;
            step.high = r.estimates(fm_child_of(fm, "high"), &owner)?;
            for attr in Attr::ALL {
                let (value, key) = (step.value(attr), attr.key());
                let bound = |name: &str| fm_child_of(fm, name).unwrap_or(fm);
                if let Some(low) = step.low.get(attr).filter(|&low| low > value) {
                    let message = format!("{owner}: fm:low {key}: {low} is above the value {value}");
                    return Err(r.error(bound("low"), message));
                }
                if let Some(high) = step.high.get(attr).filter(|&high| high < value) {
                    let message = format!("{owner}: fm:high {key}: {high} is below the value {value}");
                    return Err(r.error(bound("high"), message));
                }
            }
        }
        if step.needs_estimates() {
            r.summary.needs_estimates += 1;
        }
        // Flows name BPMN ids; a repeated id means the first element.
        step_of_node.entry(id.clone()).or_insert(map.steps.len());
        step_bpmn_ids.push(id);
        map.steps.push(step);
    }
    if map.steps.is_empty() {
        return Err(r.error(root, "the file has no tasks: nothing to import as steps".to_owned()));
    }

    map.edges = bridge_edges(&mut r, &nodes, &flows, &step_of_node, &map.steps);
    let used_lanes: HashSet<&str> = map.steps.iter().map(|s| s.lane.as_str()).collect();
    // Lanes of the file are kept even when empty, except the extra ones we made.
    let drafts: Vec<LaneDraft> = lanes
        .into_iter()
        .filter(|d| d.bpmn_id.is_some() || used_lanes.contains(d.lane.id.as_str()))
        .collect();
    place_steps(&mut r, root, &drafts, &nodes, &step_bpmn_ids, &mut map);
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

fn fm_child_of<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|c| c.is_element() && c.tag_name().namespace() == Some(FM_NS) && c.tag_name().name() == name)
}

fn read_rates(r: &Reader, fm: Node, map: &mut Map) -> Result<(), BpmnError> {
    if let Some(currency) = fm.attribute("currency") {
        check_currency(currency).map_err(|m| r.error(fm, format!("fm:map currency: {m}")))?;
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
        if let Some(v) = r.number(fm, key)? {
            check_number(v, min, max).map_err(|m| r.error(fm, format!("fm:map {key}: {m}")))?;
            *slot = v;
        }
    }
    map.rates = rates;
    Ok(())
}

/// Edges between steps: from each task, follow sequence flows through
/// everything that is not a task until tasks are reached.
fn bridge_edges(
    r: &mut Reader,
    nodes: &[FlowNode],
    flows: &[Node],
    step_of_node: &HashMap<String, usize>,
    steps: &[Step],
) -> Vec<Edge> {
    let kind_of: HashMap<&str, Kind> = nodes
        .iter()
        .filter_map(|n| n.node.attribute("id").map(|id| (id, n.kind)))
        .collect();
    // A subprocess is two graph nodes: its entry leads to its first inner
    // nodes, its last inner nodes lead to its exit.
    let entry = |id: &str| match kind_of.get(id) {
        Some(Kind::Container) => format!("{id}#in"),
        _ => id.to_owned(),
    };
    let exit = |id: &str| match kind_of.get(id) {
        Some(Kind::Container) => format!("{id}#out"),
        _ => id.to_owned(),
    };
    let mut next: HashMap<String, Vec<String>> = HashMap::new();
    let mut has_in: HashSet<&str> = HashSet::new();
    let mut has_out: HashSet<&str> = HashSet::new();
    let mut unknown = 0;
    for flow in flows {
        let (Some(source), Some(target)) = (flow.attribute("sourceRef"), flow.attribute("targetRef")) else {
            unknown += 1;
            continue;
        };
        if !kind_of.contains_key(source) || !kind_of.contains_key(target) {
            unknown += 1;
            continue;
        }
        has_out.insert(source);
        has_in.insert(target);
        next.entry(exit(source)).or_default().push(entry(target));
    }
    if unknown > 0 {
        r.summary.notes.push(format!(
            "{unknown} sequence flow(s) name elements that are not imported and were left out"
        ));
    }
    for n in nodes {
        let Some(id) = n.node.attribute("id") else { continue };
        let name = n.node.tag_name().name();
        if name == "boundaryEvent"
            && let Some(host) = n.node.attribute("attachedToRef")
            && kind_of.contains_key(host)
        {
            // An exception path can leave its activity at any time.
            next.entry(entry(host)).or_default().push(id.to_owned());
        }
        if n.kind == Kind::Container {
            let inner: Vec<&FlowNode> = nodes.iter().filter(|c| c.parent.as_deref() == Some(id)).collect();
            let inner_ids: Vec<&str> = inner.iter().filter_map(|c| c.node.attribute("id")).collect();
            let mut starts: Vec<&str> = inner
                .iter()
                .filter(|c| c.node.tag_name().name() == "startEvent")
                .filter_map(|c| c.node.attribute("id"))
                .collect();
            if starts.is_empty() {
                starts = inner
                    .iter()
                    .filter(|c| c.node.tag_name().name() != "boundaryEvent")
                    .filter_map(|c| c.node.attribute("id"))
                    .filter(|cid| !has_in.contains(cid))
                    .collect();
            }
            let ends: Vec<&str> = inner_ids.iter().copied().filter(|cid| !has_out.contains(cid)).collect();
            let links = next.entry(format!("{id}#in")).or_default();
            if inner.is_empty() {
                links.push(format!("{id}#out"));
            }
            links.extend(starts.iter().map(|s| entry(s)));
            for e in ends {
                next.entry(exit(e)).or_default().push(format!("{id}#out"));
            }
        }
    }

    let mut edges = Vec::new();
    let mut seen = HashSet::new();
    for n in nodes.iter().filter(|n| n.kind == Kind::Task) {
        let Some(id) = n.node.attribute("id") else { continue };
        let Some(&from) = step_of_node.get(id) else { continue };
        let mut stack: Vec<String> = next.get(id).cloned().unwrap_or_default();
        let mut visited: HashSet<String> = HashSet::new();
        while let Some(node) = stack.pop() {
            if !visited.insert(node.clone()) {
                continue;
            }
            if let Some(&to) = step_of_node.get(node.as_str()) {
                if to != from && seen.insert((from, to)) {
                    edges.push(Edge {
                        from: steps[from].id.clone(),
                        to: steps[to].id.clone(),
                    });
                }
                continue;
            }
            if let Some(more) = next.get(&node) {
                stack.extend(more.iter().cloned());
            }
        }
    }
    edges
}

#[derive(Clone, Copy)]
struct Bounds {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

/// Shapes of the main diagram: planes of a collaboration or a process.
/// Planes drawn for a collapsed subprocess have their own coordinates and
/// are left out.
fn diagram_shapes(root: Node, nodes: &[FlowNode]) -> HashMap<String, Bounds> {
    let inner: HashSet<&str> = nodes
        .iter()
        .filter(|n| n.kind == Kind::Container)
        .filter_map(|n| n.node.attribute("id"))
        .collect();
    let mut out = HashMap::new();
    for plane in root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().namespace() == Some(BPMNDI_NS) && n.tag_name().name() == "BPMNPlane")
    {
        if plane.attribute("bpmnElement").is_some_and(|e| inner.contains(e)) {
            continue;
        }
        for shape in plane.children().filter(|n| {
            n.is_element() && n.tag_name().namespace() == Some(BPMNDI_NS) && n.tag_name().name() == "BPMNShape"
        }) {
            let Some(element) = shape.attribute("bpmnElement") else {
                continue;
            };
            let Some(b) = shape
                .children()
                .find(|c| c.is_element() && c.tag_name().namespace() == Some(DC_NS) && c.tag_name().name() == "Bounds")
            else {
                continue;
            };
            let get = |k: &str| {
                b.attribute(k)
                    .and_then(|v| v.trim().parse::<f32>().ok())
                    .filter(|v| v.is_finite())
            };
            if let (Some(x), Some(y), Some(w), Some(h)) = (get("x"), get("y"), get("width"), get("height")) {
                out.entry(element.to_owned()).or_insert(Bounds { x, y, w, h });
            }
        }
    }
    out
}

fn median(mut values: Vec<f32>) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Sets each step's `x`/`y`: from the diagram where the task has a shape,
/// otherwise by a left-to-right layout of the flow within its lane.
fn place_steps(
    r: &mut Reader,
    root: Node,
    lanes: &[LaneDraft],
    nodes: &[FlowNode],
    step_bpmn_ids: &[String],
    map: &mut Map,
) {
    let shapes = diagram_shapes(root, nodes);
    let bounds: Vec<Option<Bounds>> = step_bpmn_ids.iter().map(|id| shapes.get(id).copied()).collect();
    let with_shape: Vec<Bounds> = bounds.iter().flatten().copied().collect();
    // Modelers draw tasks about 100 × 80; cards are larger, so the diagram
    // is stretched until the median task is card-sized.
    let sx = median(with_shape.iter().map(|b| b.w).collect()).map_or(1.0, |w| (CARD_W / w.max(1.0)).clamp(1.0, 3.0));
    let sy = median(with_shape.iter().map(|b| b.h).collect()).map_or(1.0, |h| (CARD_H / h.max(1.0)).clamp(1.0, 3.0));
    let min_x = with_shape.iter().map(|b| b.x).fold(f32::INFINITY, f32::min);
    let lane_index: HashMap<&str, usize> = lanes.iter().enumerate().map(|(i, l)| (l.lane.id.as_str(), i)).collect();
    // Each lane's top: its lane shape, else its pool's shape, else its highest task.
    let pool_shapes: HashMap<usize, Bounds> = {
        let mut m = HashMap::new();
        for participant in root.descendants().filter(|n| is_bpmn(*n, "participant")) {
            if let (Some(id), Some(process)) = (participant.attribute("id"), participant.attribute("processRef"))
                && let Some(b) = shapes.get(id)
                && let Some(pi) = root
                    .children()
                    .filter(|c| is_bpmn(*c, "process"))
                    .position(|p| p.attribute("id") == Some(process))
            {
                m.insert(pi, *b);
            }
        }
        m
    };
    let lane_top: Vec<Option<f32>> = lanes
        .iter()
        .enumerate()
        .map(|(li, d)| {
            d.bpmn_id
                .as_ref()
                .and_then(|id| shapes.get(id))
                .or_else(|| pool_shapes.get(&d.process))
                .map(|b| b.y)
                .or_else(|| {
                    map.steps
                        .iter()
                        .zip(&bounds)
                        .filter(|(s, _)| lane_index.get(s.lane.as_str()) == Some(&li))
                        .filter_map(|(_, b)| b.map(|b| b.y - 24.0))
                        .reduce(f32::min)
                })
        })
        .collect();

    let mut placed = vec![false; map.steps.len()];
    map.steps.for_each_mut(|i, step| {
        let (Some(b), Some(&li)) = (bounds[i], lane_index.get(step.lane.as_str())) else {
            return;
        };
        let top = lane_top[li].unwrap_or(b.y);
        step.x = 40.0 + (b.x - min_x) * sx;
        step.y = ((b.y - top) * sy).max(8.0);
        placed[i] = true;
    });
    r.summary.placed_from_diagram = placed.iter().filter(|p| **p).count();
    r.summary.placed_automatically = map.steps.len() - r.summary.placed_from_diagram;
    if r.summary.placed_automatically > 0 {
        auto_layout(map, &placed);
    }
}

/// Columns by the longest path of flow reaching each step (back edges of
/// loops ignored), rows by order within a lane and column. Steps already
/// placed stay; new ones go to the right of them.
fn auto_layout(map: &mut Map, placed: &[bool]) {
    let n = map.steps.len();
    let index: HashMap<&str, usize> = map.steps.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let mut succ = vec![Vec::new(); n];
    for e in &map.edges {
        if let (Some(&a), Some(&b)) = (index.get(e.from.as_str()), index.get(e.to.as_str())) {
            succ[a].push(b);
        }
    }
    // Depth-first post-order, then longest path in reverse post-order.
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    let mut indegree = vec![0usize; n];
    for s in &succ {
        for &b in s {
            indegree[b] += 1;
        }
    }
    let roots: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).chain(0..n).collect();
    for root in roots {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some((v, k)) = stack.pop() {
            if k < succ[v].len() {
                stack.push((v, k + 1));
                let w = succ[v][k];
                if state[w] == 0 {
                    state[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                state[v] = 2;
                order.push(v);
            }
        }
    }
    order.reverse();
    let position: Vec<usize> = {
        let mut p = vec![0; n];
        for (i, &v) in order.iter().enumerate() {
            p[v] = i;
        }
        p
    };
    let mut depth = vec![0usize; n];
    for &v in &order {
        for &w in &succ[v] {
            if position[w] > position[v] {
                depth[w] = depth[w].max(depth[v] + 1);
            }
        }
    }
    let gap_x = CARD_W + 60.0;
    let gap_y = CARD_H + 24.0;
    let mut right_of_placed: HashMap<String, f32> = HashMap::new();
    for (i, s) in map.steps.iter().enumerate() {
        if placed[i] {
            let r = right_of_placed.entry(s.lane.to_string()).or_insert(0.0);
            *r = r.max(s.x + gap_x);
        }
    }
    let mut rows: HashMap<(String, usize), usize> = HashMap::new();
    for i in 0..n {
        if placed[i] {
            continue;
        }
        let lane = map.steps[i].lane.to_string();
        let start = right_of_placed.get(&lane).copied().unwrap_or(40.0);
        let row = rows.entry((lane, depth[i])).or_insert(0);
        if let Some(mut step) = map.steps.get_mut(i) {
            step.x = start + depth[i] as f32 * gap_x;
            step.y = 32.0 + *row as f32 * gap_y;
        }
        *row += 1;
    }
}
