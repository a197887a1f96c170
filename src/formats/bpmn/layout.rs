//! Where imported steps go on the canvas. A step whose task has a shape in
//! the main diagram keeps its place, stretched so the usual 100 × 80 task
//! becomes a card; the others are laid out left to right by the flow,
//! right of the placed ones in their lane. A long row wraps, and a tall
//! column starts a new one, so every step stays within the positions a map
//! may hold (±1e7) whatever the file's size. All of it is linear in the
//! number of steps and shapes.

use std::collections::{HashMap, HashSet};

use roxmltree::Node;

use super::import::{ImportSummary, LaneDraft};
use super::{BPMN_NS, BPMNDI_NS, DC_NS};
use crate::domain::model::Map;
use crate::layout::tokens::{CARD_H, CARD_W};

/// The farthest from the origin a diagram position is used; a shape
/// farther out is laid out automatically instead, which leaves room
/// right of it within the ±1e7 a map allows.
const DIAGRAM_LIMIT: f32 = 5e6;
/// Columns of the automatic layout before a row wraps, at least.
const COLUMNS_PER_ROW: usize = 50;
/// Steps stacked in one column of the automatic layout before the next
/// column starts.
const ROWS_PER_COLUMN: usize = 50;
/// Most wrapped rows in a lane: beyond that rows grow longer instead.
const MAX_WRAPPED_ROWS: usize = 1000;
const GAP_X: f32 = CARD_W + 60.0;
const GAP_Y: f32 = CARD_H + 24.0;

#[derive(Clone, Copy)]
struct Bounds {
    x: f32,
    y: f32,
    w: f32,
    h: f32,
}

fn is_di(node: Node, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace() == Some(BPMNDI_NS) && node.tag_name().name() == name
}

/// Shapes of the main diagram by element id: planes of a collaboration or a
/// process. Planes drawn for a collapsed subprocess (one of `containers`)
/// have their own coordinates and are left out.
fn diagram_shapes<'a>(root: Node<'a, '_>, containers: &HashSet<&str>) -> HashMap<&'a str, Bounds> {
    let mut out = HashMap::new();
    for plane in root.descendants().filter(|n| is_di(*n, "BPMNPlane")) {
        if plane.attribute("bpmnElement").is_some_and(|e| containers.contains(e)) {
            continue;
        }
        for shape in plane.children().filter(|n| is_di(*n, "BPMNShape")) {
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
                out.entry(element).or_insert(Bounds { x, y, w, h });
            }
        }
    }
    out
}

fn median(mut values: Vec<f32>) -> Option<f32> {
    values.sort_by(f32::total_cmp);
    values.get(values.len() / 2).copied()
}

/// Sets each step's `x`/`y`. `elements[i]` is the BPMN element whose shape
/// places step `i` (empty for none).
pub(super) fn place_steps(
    summary: &mut ImportSummary,
    root: Node,
    lanes: &[LaneDraft],
    containers: &HashSet<&str>,
    elements: &[&str],
    map: &mut Map,
) {
    let shapes = diagram_shapes(root, containers);
    let bounds: Vec<Option<Bounds>> = elements.iter().map(|id| shapes.get(id).copied()).collect();
    let with_shape: Vec<Bounds> = bounds.iter().flatten().copied().collect();
    // Modelers draw tasks about 100 × 80; cards are larger, so the diagram
    // is stretched until the median task is card-sized.
    let sx = median(with_shape.iter().map(|b| b.w).collect()).map_or(1.0, |w| (CARD_W / w.max(1.0)).clamp(1.0, 3.0));
    let sy = median(with_shape.iter().map(|b| b.h).collect()).map_or(1.0, |h| (CARD_H / h.max(1.0)).clamp(1.0, 3.0));
    let min_x = with_shape.iter().map(|b| b.x).fold(f32::INFINITY, f32::min);
    let lane_index: HashMap<&str, usize> = lanes.iter().enumerate().map(|(i, l)| (l.lane.id.as_str(), i)).collect();
    let step_lane: Vec<Option<usize>> = map
        .steps
        .iter()
        .map(|s| lane_index.get(s.lane.as_str()).copied())
        .collect();

    // Each lane's top: its lane shape, else its pool's shape, else its
    // highest task.
    let process_index: HashMap<&str, usize> = root
        .children()
        .filter(|c| c.is_element() && c.tag_name().namespace() == Some(BPMN_NS) && c.tag_name().name() == "process")
        .enumerate()
        .filter_map(|(i, p)| Some((p.attribute("id")?, i)))
        .collect();
    let mut pool_tops: HashMap<usize, f32> = HashMap::new();
    for participant in root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().namespace() == Some(BPMN_NS) && n.tag_name().name() == "participant")
    {
        if let (Some(id), Some(process)) = (participant.attribute("id"), participant.attribute("processRef"))
            && let (Some(b), Some(&pi)) = (shapes.get(id), process_index.get(process))
        {
            pool_tops.entry(pi).or_insert(b.y);
        }
    }
    let mut highest_task = vec![f32::INFINITY; lanes.len()];
    for (lane, b) in step_lane.iter().zip(&bounds) {
        if let (Some(lane), Some(b)) = (lane, b) {
            highest_task[*lane] = highest_task[*lane].min(b.y - 24.0);
        }
    }
    let lane_top: Vec<Option<f32>> = lanes
        .iter()
        .enumerate()
        .map(|(li, d)| {
            d.bpmn_id
                .as_deref()
                .and_then(|id| shapes.get(id))
                .map(|b| b.y)
                .or_else(|| pool_tops.get(&d.process).copied())
                .or_else(|| Some(highest_task[li]).filter(|y| y.is_finite()))
        })
        .collect();

    let mut placed = vec![false; map.steps.len()];
    let mut too_far = 0;
    map.steps.for_each_mut(|i, step| {
        let (Some(b), Some(li)) = (bounds[i], step_lane[i]) else {
            return;
        };
        let top = lane_top[li].unwrap_or(b.y);
        let (x, y) = (40.0 + (b.x - min_x) * sx, ((b.y - top) * sy).max(8.0));
        if x.abs() > DIAGRAM_LIMIT || y.abs() > DIAGRAM_LIMIT {
            too_far += 1;
            return;
        }
        step.x = x;
        step.y = y;
        placed[i] = true;
    });
    summary.placed_from_diagram = placed.iter().filter(|p| **p).count();
    summary.placed_automatically = map.steps.len() - summary.placed_from_diagram;
    if too_far > 0 {
        summary.notes.push(format!(
            "{too_far} shape(s) of the diagram lie farther out than a map can hold; their steps were laid out \
             automatically"
        ));
    }
    if summary.placed_automatically > 0 {
        auto_layout(map, &step_lane, lanes.len(), &placed);
    }
}

/// The longest path of flow reaching each step (back edges of loops
/// ignored): the column it goes in.
fn depths(map: &Map) -> Vec<usize> {
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
    let roots = (0..n).filter(|&i| indegree[i] == 0).chain(0..n);
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
    let mut position = vec![0; n];
    for (i, &v) in order.iter().enumerate() {
        position[v] = i;
    }
    let mut depth = vec![0usize; n];
    for &v in &order {
        for &w in &succ[v] {
            if position[w] > position[v] {
                depth[w] = depth[w].max(depth[v] + 1);
            }
        }
    }
    depth
}

/// Lays out the steps not `placed`: in each lane, a column per depth of
/// flow (at most `ROWS_PER_COLUMN` steps high, then another), the columns
/// in rows of at least `COLUMNS_PER_ROW` that wrap like lines of text.
/// Steps already placed stay; new ones go to the right of them.
fn auto_layout(map: &mut Map, step_lane: &[Option<usize>], lanes: usize, placed: &[bool]) {
    let depth = depths(map);
    let mut start = vec![40.0f32; lanes];
    let mut in_lane: Vec<Vec<usize>> = vec![Vec::new(); lanes];
    for (i, s) in map.steps.iter().enumerate() {
        let Some(lane) = step_lane[i] else { continue };
        if placed[i] {
            start[lane] = start[lane].max(s.x + GAP_X);
        } else {
            in_lane[lane].push(i);
        }
    }
    let mut at: Vec<(f32, f32)> = vec![(0.0, 0.0); map.steps.len()];
    for (lane, mut steps) in in_lane.into_iter().enumerate() {
        steps.sort_by_key(|&i| depth[i]);
        let mut columns: Vec<Vec<usize>> = Vec::new();
        for i in steps {
            match columns.last_mut() {
                Some(column) if depth[column[0]] == depth[i] && column.len() < ROWS_PER_COLUMN => column.push(i),
                _ => columns.push(vec![i]),
            }
        }
        let per_row = COLUMNS_PER_ROW.max(columns.len().div_ceil(MAX_WRAPPED_ROWS));
        let mut top = 32.0;
        for row in columns.chunks(per_row) {
            for (c, column) in row.iter().enumerate() {
                for (r, &i) in column.iter().enumerate() {
                    at[i] = (start[lane] + c as f32 * GAP_X, top + r as f32 * GAP_Y);
                }
            }
            let height = row.iter().map(Vec::len).max().unwrap_or(0);
            top += height as f32 * GAP_Y + GAP_Y / 2.0;
        }
    }
    map.steps.for_each_mut(|i, step| {
        if !placed[i] && step_lane[i].is_some() {
            (step.x, step.y) = at[i];
        }
    });
}
