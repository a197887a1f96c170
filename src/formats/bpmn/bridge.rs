//! Flow between steps. In BPMN, flow runs from task to task through
//! gateways, events and subprocess borders (connectors here); a map's edges
//! join steps. Each connector is bridged: taken out, with everything that
//! flowed into it joined to everything it flowed to. That keeps the number
//! of edges down while a connector has one way in or one way out, but a
//! gateway joining 3,000 flows to 3,000 flows would become 9 million edges.
//! A connector whose bridging would add more than [`MAX_ADDED_EDGES`] edges
//! is kept instead, and becomes a junction: a step of no cost that the flow
//! passes through. Every bridged connector adds at most that many edges, so
//! the edges, and the work, stay linear in the number of flows.
//!
//! Bridging keeps every path: a task reaches another through connectors
//! in the file exactly when it reaches it through junctions in the map.

use std::collections::BTreeSet;

/// The most edges bridging one connector may add (edges made less the
/// flows it removes). A gateway of 5 ways in and 5 out is bridged (25
/// edges for 10 flows); one of 6 and 6 is kept as a junction.
pub const MAX_ADDED_EDGES: usize = 16;

/// A connector kept as a junction, with its ways in and out when it was
/// reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Junction {
    pub vertex: usize,
    pub ways_in: usize,
    pub ways_out: usize,
}

/// Flow as a graph of vertices (tasks and connectors) and edges.
#[derive(Debug, Default)]
pub struct FlowGraph {
    next: Vec<BTreeSet<u32>>,
    previous: Vec<BTreeSet<u32>>,
}

impl FlowGraph {
    pub fn new(vertices: usize) -> Self {
        Self {
            next: vec![BTreeSet::new(); vertices],
            previous: vec![BTreeSet::new(); vertices],
        }
    }

    /// Adds flow from `from` to `to`; a vertex's flow to itself is left out.
    pub fn add(&mut self, from: usize, to: usize) {
        if from != to {
            self.next[from].insert(to as u32);
            self.previous[to].insert(from as u32);
        }
    }

    /// Bridges each of `connectors` in turn, or keeps it as a junction when
    /// that would add too many edges; returns the junctions.
    pub fn bridge(&mut self, connectors: impl IntoIterator<Item = usize>) -> Vec<Junction> {
        let mut junctions = Vec::new();
        for c in connectors {
            let ways_in = std::mem::take(&mut self.previous[c]);
            let ways_out = std::mem::take(&mut self.next[c]);
            let (i, o) = (ways_in.len(), ways_out.len());
            if i.saturating_mul(o) > i + o + MAX_ADDED_EDGES {
                self.previous[c] = ways_in;
                self.next[c] = ways_out;
                junctions.push(Junction {
                    vertex: c,
                    ways_in: i,
                    ways_out: o,
                });
                continue;
            }
            for &p in &ways_in {
                self.next[p as usize].remove(&(c as u32));
            }
            for &s in &ways_out {
                self.previous[s as usize].remove(&(c as u32));
            }
            for &p in &ways_in {
                for &s in &ways_out {
                    self.add(p as usize, s as usize);
                }
            }
        }
        junctions
    }

    /// The edges, by the vertex they leave and then the one they reach.
    pub fn edges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        (self.next.iter().enumerate()).flat_map(|(from, to)| to.iter().map(move |&to| (from, to as usize)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pairs of tasks joined through connectors only, found the long
    /// way: a search from every task.
    fn task_paths(
        vertices: usize,
        edges: &[(usize, usize)],
        is_task: impl Fn(usize) -> bool,
    ) -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        for start in (0..vertices).filter(|&v| is_task(v)) {
            let mut seen = vec![false; vertices];
            let mut stack: Vec<usize> = edges.iter().filter(|e| e.0 == start).map(|e| e.1).collect();
            while let Some(v) = stack.pop() {
                if std::mem::replace(&mut seen[v], true) {
                    continue;
                }
                if is_task(v) {
                    if v != start {
                        out.insert((start, v));
                    }
                    continue;
                }
                stack.extend(edges.iter().filter(|e| e.0 == v).map(|e| e.1));
            }
        }
        out
    }

    proptest! {
        /// Whatever is bridged or kept, a task reaches another through
        /// connectors before exactly when it reaches it through junctions
        /// after.
        #[test]
        fn bridging_keeps_every_path_between_tasks(
            vertices in 2usize..40,
            raw_edges in proptest::collection::vec((0usize..40, 0usize..40), 0..160),
            task_bits in any::<u64>(),
        ) {
            let edges: Vec<(usize, usize)> = raw_edges.into_iter().map(|(a, b)| (a % vertices, b % vertices)).collect();
            let is_task = |v: usize| task_bits >> (v % 64) & 1 == 1;
            let mut graph = FlowGraph::new(vertices);
            for &(a, b) in &edges {
                graph.add(a, b);
            }
            let junctions = graph.bridge((0..vertices).filter(|&v| !is_task(v)));
            let kept: BTreeSet<usize> = junctions.iter().map(|j| j.vertex).collect();
            let after: Vec<(usize, usize)> = graph.edges().collect();
            for &(a, b) in &after {
                prop_assert!(is_task(a) || kept.contains(&a), "an edge from a bridged vertex");
                prop_assert!(is_task(b) || kept.contains(&b), "an edge to a bridged vertex");
            }
            prop_assert_eq!(task_paths(vertices, &edges, is_task), task_paths(vertices, &after, is_task));
        }
    }

    #[test]
    fn a_wide_gateway_is_kept_and_a_chain_of_small_ones_is_bridged() {
        // 0..3000 → gateway 6000 → 3000..6000: kept, 6,000 edges.
        let mut graph = FlowGraph::new(6001);
        for t in 0..3000 {
            graph.add(t, 6000);
            graph.add(6000, 3000 + t);
        }
        let junctions = graph.bridge([6000]);
        assert_eq!(
            junctions,
            [Junction {
                vertex: 6000,
                ways_in: 3000,
                ways_out: 3000
            }]
        );
        assert_eq!(graph.edges().count(), 6000);

        // Task 0 → g1 → g2 → … → g20000 → task 20001, each gateway also
        // leading to a task that flows on to the next gateway: a ladder.
        let n = 20_000;
        let gateway = |i: usize| i;
        let task = |i: usize| n + i;
        let mut graph = FlowGraph::new(2 * n + 1);
        for i in 0..n {
            graph.add(gateway(i), task(i));
            if i + 1 < n {
                graph.add(gateway(i), gateway(i + 1));
                graph.add(task(i), gateway(i + 1));
            }
        }
        graph.add(gateway(n - 1), task(n));
        let flows = graph.edges().count();
        let junctions = graph.bridge((0..n).map(gateway));
        let edges = graph.edges().count();
        assert!(
            edges <= flows + MAX_ADDED_EDGES * n,
            "{edges} edges for {flows} flows and {n} gateways"
        );
        // Each gateway gathers one more task's way in than the last, until
        // one is kept: about one in 18.
        assert!(junctions.len() < n / 10, "{} junctions", junctions.len());
    }
}
