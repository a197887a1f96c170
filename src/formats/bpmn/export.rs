//! Writing a map as BPMN 2.0 XML that modelers open and draw as on the
//! canvas: a collaboration with one participant (the pool), its process
//! with a laneSet, a task per step, a sequenceFlow per edge, a start event
//! before each lane's first steps and an end event after its last, and
//! BPMNDI shapes and edges taken from the canvas layout.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use emath::{Pos2, Rect};

use super::{BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, FM_NS};
use crate::domain::model::{Attr, Estimates, Map};
use crate::formats::picture::num;
use crate::layout::tokens::CARD_H;
use crate::layout::{Layout, edge_curve};

/// Width of the pool's and of each lane's vertical title strip in modelers.
pub const LABEL_STRIP_W: f32 = 30.0;
/// Room left of the first cards for the start events.
const START_ROOM: f32 = 100.0;
const EVENT_SIZE: f32 = 36.0;
/// How far right a canvas x lands in the BPMN diagram: the canvas's lane
/// title column is replaced by the two title strips and room for events.
pub const X_SHIFT: f32 = 2.0 * LABEL_STRIP_W + START_ROOM;

/// XML ids (NCNames) made of a prefix and a sanitized map id, unique in the
/// document. Ids that sanitize alike ("é1", "ü1") take numbers, counted on
/// from the last one given for that base, so a map of such ids stays linear.
#[derive(Default)]
struct XmlIds {
    taken: HashSet<String>,
    next_number: HashMap<String, usize>,
}

impl XmlIds {
    fn make(&mut self, prefix: &str, id: &str) -> String {
        let clean: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = format!("{prefix}_{clean}");
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next_number.entry(base.clone()).or_insert(2);
        loop {
            let candidate = format!("{base}_{n}");
            *n += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Text for an XML attribute value in double quotes. Tabs and line ends are
/// written as character references, which a parser keeps (a literal one
/// becomes a space).
fn attr(value: &str) -> String {
    escape_xml(value, true)
}

/// Text for XML element content. A carriage return is written as a
/// character reference, which a parser keeps (a literal one becomes a line
/// feed).
fn text(content: &str) -> String {
    escape_xml(content, false)
}

fn escape_xml(text: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            // A valid map holds no other control character, nor a
            // noncharacter, which XML may refuse (`validate::allowed_in_text`).
            c if !crate::domain::validate::allowed_in_text(c) => {}
            c => out.push(c),
        }
    }
    out
}

fn estimates_attrs(e: &Estimates) -> String {
    let mut out = String::new();
    for attr in Attr::ALL {
        if let Some(v) = e.get(attr) {
            let _ = write!(out, r#" {}="{v}""#, attr.key());
        }
    }
    out
}

fn bounds(out: &mut String, r: Rect) {
    let _ = write!(
        out,
        r#"<dc:Bounds x="{}" y="{}" width="{}" height="{}"/>"#,
        num(r.min.x),
        num(r.min.y),
        num(r.width()),
        num(r.height())
    );
}

fn waypoints(out: &mut String, points: &[Pos2]) {
    for p in points {
        let _ = write!(out, r#"<di:waypoint x="{}" y="{}"/>"#, num(p.x), num(p.y));
    }
}

/// Orthogonal waypoints from `start` to `end`, turning halfway across.
fn elbow(start: Pos2, end: Pos2) -> Vec<Pos2> {
    let mid = (start.x + end.x) / 2.0;
    vec![start, emath::pos2(mid, start.y), emath::pos2(mid, end.y), end]
}

/// The map as a BPMN 2.0 document (UTF-8 text).
pub fn to_bpmn(map: &Map) -> String {
    let layout = Layout::of(map);
    // Canvas scene coordinates to BPMN diagram coordinates.
    let shift = emath::vec2(X_SHIFT, 0.0);
    let to_diagram = |r: Rect| r.translate(shift);
    let mut ids = XmlIds::default();
    let process_id = ids.make("Process", "1");
    let collaboration_id = ids.make("Collaboration", "1");
    let participant_id = ids.make("Participant", "1");
    let lane_ids: Vec<String> = map.lanes.iter().map(|l| ids.make("Lane", &l.id)).collect();
    let task_ids: Vec<String> = map.steps.iter().map(|s| ids.make("Task", &s.id)).collect();
    let task_of: HashMap<&str, usize> = map.steps.iter().enumerate().map(|(i, s)| (s.id.as_str(), i)).collect();
    let lane_of: HashMap<&str, usize> = map.lanes.iter().enumerate().map(|(i, l)| (l.id.as_str(), i)).collect();
    let mut steps_in_lane: Vec<Vec<usize>> = vec![Vec::new(); map.lanes.len()];
    for (i, step) in map.steps.iter().enumerate() {
        if let Some(&lane) = lane_of.get(step.lane.as_str()) {
            steps_in_lane[lane].push(i);
        }
    }

    // Where each lane's flow begins and ends: its steps with no incoming
    // (outgoing) edge at all.
    let has_in: HashSet<&str> = map.edges.iter().map(|e| e.to.as_str()).collect();
    let has_out: HashSet<&str> = map.edges.iter().map(|e| e.from.as_str()).collect();

    struct Event {
        id: String,
        lane: usize,
        rect: Rect,
        /// Steps it flows to (start) or from (end).
        steps: Vec<usize>,
    }
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    for (li, lane) in map.lanes.iter().enumerate() {
        let in_lane = &steps_in_lane[li];
        let first: Vec<usize> = in_lane
            .iter()
            .copied()
            .filter(|&i| !has_in.contains(map.steps[i].id.as_str()))
            .collect();
        let last: Vec<usize> = in_lane
            .iter()
            .copied()
            .filter(|&i| !has_out.contains(map.steps[i].id.as_str()))
            .collect();
        let card = |i: usize| to_diagram(layout.cards[i]);
        if let Some(&a) = first.iter().min_by(|&&a, &&b| card(a).min.x.total_cmp(&card(b).min.x)) {
            let cy = card(a).center().y;
            let x = 2.0 * LABEL_STRIP_W + (START_ROOM - EVENT_SIZE) / 2.0;
            starts.push(Event {
                id: ids.make("StartEvent", &lane.id),
                lane: li,
                rect: Rect::from_min_size(emath::pos2(x, cy - EVENT_SIZE / 2.0), emath::Vec2::splat(EVENT_SIZE)),
                steps: first,
            });
        }
        if let Some(&z) = last.iter().max_by(|&&a, &&b| card(a).max.x.total_cmp(&card(b).max.x)) {
            let right = last.iter().map(|&i| card(i).max.x).fold(f32::MIN, f32::max);
            let cy = card(z).center().y;
            ends.push(Event {
                id: ids.make("EndEvent", &lane.id),
                lane: li,
                rect: Rect::from_min_size(
                    emath::pos2(right + 50.0, cy - EVENT_SIZE / 2.0),
                    emath::Vec2::splat(EVENT_SIZE),
                ),
                steps: last,
            });
        }
    }

    struct Flow {
        id: String,
        source: String,
        target: String,
        points: Vec<Pos2>,
    }
    let mut flows = Vec::new();
    for edge in &map.edges {
        let (Some(&a), Some(&b)) = (task_of.get(edge.from.as_str()), task_of.get(edge.to.as_str())) else {
            continue;
        };
        let (from, to) = (to_diagram(layout.cards[a]), to_diagram(layout.cards[b]));
        let [start, _, _, end] = edge_curve(from, to);
        // Orthogonal waypoints, as modelers draw them.
        let points = if end.x >= start.x + 20.0 {
            elbow(start, end)
        } else {
            // Backward flow goes over the top of both cards.
            let over = from.min.y.min(to.min.y) - 16.0;
            vec![
                start,
                emath::pos2(start.x + 20.0, start.y),
                emath::pos2(start.x + 20.0, over),
                emath::pos2(end.x - 20.0, over),
                emath::pos2(end.x - 20.0, end.y),
                end,
            ]
        };
        flows.push(Flow {
            id: ids.make("Flow", &format!("{}_{}", edge.from, edge.to)),
            source: task_ids[a].clone(),
            target: task_ids[b].clone(),
            points,
        });
    }
    for ev in &starts {
        for &i in &ev.steps {
            let card = to_diagram(layout.cards[i]);
            let start = emath::pos2(ev.rect.max.x, ev.rect.center().y);
            let end = card.left_center();
            flows.push(Flow {
                id: ids.make("Flow", &format!("start_{}", map.steps[i].id)),
                source: ev.id.clone(),
                target: task_ids[i].clone(),
                points: elbow(start, end),
            });
        }
    }
    for ev in &ends {
        for &i in &ev.steps {
            let card = to_diagram(layout.cards[i]);
            let start = card.right_center();
            let end = emath::pos2(ev.rect.min.x, ev.rect.center().y);
            flows.push(Flow {
                id: ids.make("Flow", &format!("end_{}", map.steps[i].id)),
                source: task_ids[i].clone(),
                target: ev.id.clone(),
                points: elbow(start, end),
            });
        }
    }
    // Each flow node's incoming and outgoing flows, in flow order.
    let mut flows_of: HashMap<&str, (Vec<&str>, Vec<&str>)> = HashMap::new();
    for f in &flows {
        flows_of.entry(f.target.as_str()).or_default().0.push(&f.id);
        flows_of.entry(f.source.as_str()).or_default().1.push(&f.id);
    }
    let refs = |out: &mut String, id: &str| {
        let Some((incoming, outgoing)) = flows_of.get(id) else {
            return;
        };
        for f in incoming {
            let _ = write!(out, "<bpmn:incoming>{f}</bpmn:incoming>");
        }
        for f in outgoing {
            let _ = write!(out, "<bpmn:outgoing>{f}</bpmn:outgoing>");
        }
    };

    let mut starts_of_lane: Vec<Vec<usize>> = vec![Vec::new(); map.lanes.len()];
    for (e, ev) in starts.iter().enumerate() {
        starts_of_lane[ev.lane].push(e);
    }
    let mut ends_of_lane: Vec<Vec<usize>> = vec![Vec::new(); map.lanes.len()];
    for (e, ev) in ends.iter().enumerate() {
        ends_of_lane[ev.lane].push(e);
    }

    let mut x = String::new();
    let _ = writeln!(x, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        x,
        r#"<bpmn:definitions xmlns:bpmn="{BPMN_NS}" xmlns:bpmndi="{BPMNDI_NS}" xmlns:dc="{DC_NS}" xmlns:di="{DI_NS}" xmlns:fm="{FM_NS}" id="Definitions_1" targetNamespace="urn:frictionmap:map" exporter="Friction Map" exporterVersion="{}">"#,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(
        x,
        r#"  <bpmn:collaboration id="{collaboration_id}"><bpmn:participant id="{participant_id}" name="{}" processRef="{process_id}"/></bpmn:collaboration>"#,
        attr(&map.name)
    );
    let _ = writeln!(
        x,
        r#"  <bpmn:process id="{process_id}" name="{}" isExecutable="false">"#,
        attr(&map.name)
    );
    if !map.notes.is_empty() {
        let _ = writeln!(x, "    <bpmn:documentation>{}</bpmn:documentation>", text(&map.notes));
    }
    let _ = writeln!(
        x,
        r#"    <bpmn:extensionElements><fm:map currency="{}" hourly_cost="{}" delay_cost_per_hour="{}" hours_per_fte_month="{}"/></bpmn:extensionElements>"#,
        attr(&map.currency),
        map.rates.hourly_cost,
        map.rates.delay_cost_per_hour,
        map.rates.hours_per_fte_month
    );
    if !map.lanes.is_empty() {
        let _ = writeln!(x, r#"    <bpmn:laneSet id="LaneSet_1">"#);
        for (li, lane) in map.lanes.iter().enumerate() {
            let _ = write!(
                x,
                r#"      <bpmn:lane id="{}" name="{}">"#,
                lane_ids[li],
                attr(&lane.name)
            );
            if !lane.notes.is_empty() {
                let _ = write!(x, "<bpmn:documentation>{}</bpmn:documentation>", text(&lane.notes));
            }
            let effort = lane
                .effort_weeks
                .map(|w| format!(r#" effort_weeks="{w}""#))
                .unwrap_or_default();
            let _ = write!(
                x,
                r#"<bpmn:extensionElements><fm:lane id="{}" owner="{}"{effort}/></bpmn:extensionElements>"#,
                attr(&lane.id),
                attr(&lane.owner)
            );
            for ev in starts_of_lane[li].iter().map(|&e| &starts[e]) {
                let _ = write!(x, "<bpmn:flowNodeRef>{}</bpmn:flowNodeRef>", ev.id);
            }
            for &i in &steps_in_lane[li] {
                let _ = write!(x, "<bpmn:flowNodeRef>{}</bpmn:flowNodeRef>", task_ids[i]);
            }
            for ev in ends_of_lane[li].iter().map(|&e| &ends[e]) {
                let _ = write!(x, "<bpmn:flowNodeRef>{}</bpmn:flowNodeRef>", ev.id);
            }
            let _ = writeln!(x, "</bpmn:lane>");
        }
        let _ = writeln!(x, "    </bpmn:laneSet>");
    }
    for ev in &starts {
        let _ = write!(x, r#"    <bpmn:startEvent id="{}" name="Start">"#, ev.id);
        refs(&mut x, &ev.id);
        let _ = writeln!(x, "</bpmn:startEvent>");
    }
    for (i, step) in map.steps.iter().enumerate() {
        let _ = write!(x, r#"    <bpmn:task id="{}" name="{}">"#, task_ids[i], attr(&step.name));
        if !step.notes.is_empty() {
            let _ = write!(x, "<bpmn:documentation>{}</bpmn:documentation>", text(&step.notes));
        }
        let _ = write!(x, r#"<bpmn:extensionElements><fm:step id="{}""#, attr(&step.id));
        for attr in Attr::ALL {
            let _ = write!(x, r#" {}="{}""#, attr.key(), step.value(attr));
        }
        x.push('>');
        if !step.low.is_empty() {
            let _ = write!(x, "<fm:low{}/>", estimates_attrs(&step.low));
        }
        if !step.high.is_empty() {
            let _ = write!(x, "<fm:high{}/>", estimates_attrs(&step.high));
        }
        x.push_str("</fm:step></bpmn:extensionElements>");
        refs(&mut x, &task_ids[i]);
        let _ = writeln!(x, "</bpmn:task>");
    }
    for ev in &ends {
        let _ = write!(x, r#"    <bpmn:endEvent id="{}" name="End">"#, ev.id);
        refs(&mut x, &ev.id);
        let _ = writeln!(x, "</bpmn:endEvent>");
    }
    for f in &flows {
        let _ = writeln!(
            x,
            r#"    <bpmn:sequenceFlow id="{}" sourceRef="{}" targetRef="{}"/>"#,
            f.id, f.source, f.target
        );
    }
    let _ = writeln!(x, "  </bpmn:process>");

    // Diagram interchange: the pool spans every lane band; each band keeps
    // its canvas height, and cards keep their canvas size and place.
    let _ = writeln!(
        x,
        r#"  <bpmndi:BPMNDiagram id="Diagram_1"><bpmndi:BPMNPlane id="Plane_1" bpmnElement="{collaboration_id}">"#
    );
    // The pool starts at x = 0, its lanes after its title strip.
    let pool = layout
        .bands
        .iter()
        .map(|b| to_diagram(b.rect))
        .reduce(|a, b| a.union(b))
        .map(|r| Rect::from_min_max(emath::pos2(0.0, r.min.y), r.max))
        .unwrap_or_else(|| Rect::from_min_size(emath::pos2(0.0, 0.0), emath::vec2(600.0, CARD_H * 2.0)));
    let _ = write!(
        x,
        r#"    <bpmndi:BPMNShape id="{participant_id}_di" bpmnElement="{participant_id}" isHorizontal="true">"#
    );
    bounds(&mut x, pool);
    let _ = writeln!(x, "</bpmndi:BPMNShape>");
    for (li, band) in layout.bands.iter().enumerate() {
        let r = to_diagram(band.rect);
        let lane_rect = Rect::from_min_max(emath::pos2(LABEL_STRIP_W, r.min.y), emath::pos2(pool.max.x, r.max.y));
        let _ = write!(
            x,
            r#"    <bpmndi:BPMNShape id="{0}_di" bpmnElement="{0}" isHorizontal="true">"#,
            lane_ids[li]
        );
        bounds(&mut x, lane_rect);
        let _ = writeln!(x, "</bpmndi:BPMNShape>");
    }
    for ev in starts.iter().chain(&ends) {
        let _ = write!(x, r#"    <bpmndi:BPMNShape id="{0}_di" bpmnElement="{0}">"#, ev.id);
        bounds(&mut x, ev.rect);
        let _ = writeln!(x, "</bpmndi:BPMNShape>");
    }
    for (i, id) in task_ids.iter().enumerate() {
        let _ = write!(x, r#"    <bpmndi:BPMNShape id="{id}_di" bpmnElement="{id}">"#);
        bounds(&mut x, to_diagram(layout.cards[i]));
        let _ = writeln!(x, "</bpmndi:BPMNShape>");
    }
    for f in &flows {
        let _ = write!(x, r#"    <bpmndi:BPMNEdge id="{0}_di" bpmnElement="{0}">"#, f.id);
        waypoints(&mut x, &f.points);
        let _ = writeln!(x, "</bpmndi:BPMNEdge>");
    }
    let _ = writeln!(x, "  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>");
    let _ = writeln!(x, "</bpmn:definitions>");
    x
}
