//! The orbit graph: side orbits as nodes, edge orbits as edges; a cheapest spanning start for the incumbent and a connectivity test for thinning.
//!
//! Under the hypotheses of [`super::connectivity`] (|G| >= 3 and a regular
//! orbit) every exact pattern keeps all moved points in one connected
//! component. The chosen edge orbits of a connected pattern connect the
//! moved side orbits in the orbit graph (an edge of the pattern joins the
//! orbits of its ends), so a choice that leaves them disconnected there is
//! not exact, and the verifier need not be asked. Both uses below are
//! heuristics for the incumbent (it is always checked by the oracle), never
//! part of a proof:
//!
//! - [`OrbitGraph::spanning_start`]: Kruskal's algorithm on the orbit
//!   graph, cheapest orbits first, until the moved side orbits are joined.
//!   Repair then only has to break the symmetries a tree leaves. On D4 over
//!   a 64 x 64 image, repair from the empty pattern adds one orbit per
//!   verifier call and needed over a thousand calls (more than a minute);
//!   from the spanning start it needs a handful.
//! - [`OrbitGraph::connects_moved`]: thinning skips drops that disconnect
//!   the moved orbits (each would cost a verifier call, and on a spanning
//!   start almost every drop does).
use crate::action::{EdgeOrbits, JointAction};
use crate::group::OrbitPartition;

/// Side orbits as nodes (input orbits first), edge orbits as edges.
#[derive(Clone, Debug)]
pub struct OrbitGraph {
    /// `ends[O]`: the nodes of edge orbit O's input and output ends.
    ends: Vec<(u32, u32)>,
    /// `moved[v]`: side orbit v has two or more points.
    moved: Vec<bool>,
    /// `size[v]`: the number of points of side orbit v.
    size: Vec<u64>,
    /// Nodes `0..inputs` are the input orbits, the rest the output orbits.
    inputs: usize,
}

impl OrbitGraph {
    /// The orbit graph of `target` on `orbits` (one pass over the matrix).
    pub fn new(target: &JointAction, orbits: &EdgeOrbits) -> OrbitGraph {
        let input_orbits = target.input_orbits();
        let output_orbits = target.output_orbits();
        let mut node_of_input = vec![0u32; orbits.input_size];
        let mut node_of_output = vec![0u32; orbits.output_size];
        for (v, orbit) in input_orbits.iter().enumerate() {
            for &x in orbit {
                node_of_input[x] = v as u32;
            }
        }
        let offset = input_orbits.len();
        for (v, orbit) in output_orbits.iter().enumerate() {
            for &x in orbit {
                node_of_output[x] = (offset + v) as u32;
            }
        }
        let ends = orbits
            .representatives()
            .into_iter()
            .map(|(i, m)| (node_of_input[i], node_of_output[m]))
            .collect();
        let size: Vec<u64> = input_orbits
            .iter()
            .chain(&output_orbits)
            .map(|o| o.len() as u64)
            .collect();
        let moved = size.iter().map(|&s| s > 1).collect();
        OrbitGraph {
            ends,
            moved,
            size,
            inputs: offset,
        }
    }

    /// Whether the edge orbits `chosen` join every moved side orbit into one component.
    pub fn connects_moved(&self, chosen: impl IntoIterator<Item = usize>) -> bool {
        let mut components = OrbitPartition::new(self.moved.len());
        for o in chosen {
            let (a, b) = self.ends[o];
            components.union(a as usize, b as usize);
        }
        let mut moved = (0..self.moved.len()).filter(|&v| self.moved[v]);
        let Some(first) = moved.next() else {
            return true;
        };
        let root = components.find(first);
        moved.all(|v| components.find(v) == root)
    }

    /// The cheapest spanning start: edge orbits by increasing weight (ties
    /// by index), each kept when it joins two components, until the moved
    /// side orbits are in one. All false when nothing is moved.
    pub fn spanning_start(&self, weights: &[u64]) -> Vec<bool> {
        let mut chosen = vec![false; self.ends.len()];
        let mut apart = self.moved.iter().filter(|&&m| m).count();
        if apart <= 1 {
            return chosen;
        }
        let mut components = OrbitPartition::new(self.moved.len());
        // moved_in[root]: whether the component holds a moved orbit.
        let mut moved_in = self.moved.clone();
        let mut order: Vec<usize> = (0..self.ends.len()).collect();
        order.sort_unstable_by_key(|&o| (weights[o], o));
        for o in order {
            let (a, b) = self.ends[o];
            let (ra, rb) = (components.find(a as usize), components.find(b as usize));
            if ra == rb {
                continue;
            }
            chosen[o] = true;
            let both = moved_in[ra] && moved_in[rb];
            let either = moved_in[ra] || moved_in[rb];
            components.union(ra, rb);
            moved_in[components.find(ra)] = either;
            if both {
                apart -= 1;
                if apart == 1 {
                    break;
                }
            }
        }
        chosen
    }
}

impl OrbitGraph {
    /// `at[v]`: the edge orbits with an end at node v (increasing).
    pub fn edge_orbits_at(&self) -> Vec<Vec<u32>> {
        let mut at: Vec<Vec<u32>> = vec![Vec::new(); self.moved.len()];
        for (o, &(a, b)) in self.ends.iter().enumerate() {
            at[a as usize].push(o as u32);
            at[b as usize].push(o as u32);
        }
        at
    }

    /// The nodes of each side: the input orbits, then the output orbits.
    pub fn sides(&self) -> [std::ops::Range<usize>; 2] {
        [0..self.inputs, self.inputs..self.moved.len()]
    }

    /// A spanning start shaped like a path: from the smallest moved side
    /// orbit, repeatedly extend from the node reached last to a new node,
    /// choosing the edge orbit with the least *waste* (its size minus the
    /// new node's size), then the least weight, then the smallest size;
    /// only when the last node has no edge to a new node, extend from any
    /// node reached so far, by the same order. Stops when the moved side
    /// orbits are joined. All false when nothing is moved.
    ///
    /// Why a path: an edge orbit O joining orbits X and Y with |O| = |X|
    /// gives each point of Y |X|/|Y| neighbours of one colour, and the
    /// subtrees hanging at them can be exchanged by an automorphism unless
    /// something else tells them apart; every node with several tree edges
    /// of one kind is such a place. A path has at most two tree edges per
    /// node, and the waste order puts an orbit's points next to points
    /// with stabilisers as large (zero waste means the edge orbit is a
    /// bijection or a map onto the smaller orbit). Kruskal's cheapest tree
    /// ([`OrbitGraph::spanning_start`]) is a star of such places on D4
    /// images, and repair then spent about a quarter more edges than the
    /// proved bound to break them (2548 against 2052 on 32 x 32).
    pub fn path_start(&self, weights: &[u64], sizes: &[u64]) -> Vec<bool> {
        let nodes = self.moved.len();
        let mut chosen = vec![false; self.ends.len()];
        let mut unjoined = self.moved.iter().filter(|&&m| m).count();
        let Some(first) = (0..nodes)
            .filter(|&v| self.moved[v])
            .min_by_key(|&v| (self.size[v], v))
        else {
            return chosen;
        };
        if unjoined <= 1 {
            return chosen;
        }
        let at = self.edge_orbits_at();
        let other = |o: usize, v: usize| {
            let (a, b) = self.ends[o];
            if a as usize == v {
                b as usize
            } else {
                a as usize
            }
        };
        let key = |o: usize, new: usize| {
            (
                sizes[o].saturating_sub(self.size[new]),
                weights[o],
                sizes[o],
                o,
            )
        };
        let mut reached = vec![false; nodes];
        // Every edge orbit at a reached node, by key (stale entries skipped).
        let mut frontier = std::collections::BinaryHeap::new();
        let reach =
            |v: usize, reached: &mut Vec<bool>, frontier: &mut std::collections::BinaryHeap<_>| {
                reached[v] = true;
                for &o in &at[v] {
                    let w = other(o as usize, v);
                    if !reached[w] {
                        frontier.push(std::cmp::Reverse((key(o as usize, w), w)));
                    }
                }
            };
        reach(first, &mut reached, &mut frontier);
        unjoined -= 1;
        let mut last = first;
        while unjoined > 0 {
            let from_last = at[last]
                .iter()
                .map(|&o| (o as usize, other(o as usize, last)))
                .filter(|&(_, w)| !reached[w])
                .min_by_key(|&(o, w)| key(o, w));
            let step = from_last.or_else(|| loop {
                let std::cmp::Reverse((k, w)) = frontier.pop()?;
                if !reached[w] {
                    break Some((k.3, w));
                }
            });
            let Some((o, w)) = step else {
                break; // the moved orbits cannot all be joined
            };
            chosen[o] = true;
            reach(w, &mut reached, &mut frontier);
            if self.moved[w] {
                unjoined -= 1;
            }
            last = w;
        }
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::GeneratorPair;
    use crate::perm::Perm;

    /// C4 turning a 4 x 4 image (4 orbits of pixels on each side).
    fn c4_image() -> JointAction {
        let n = 4;
        let turn: Vec<usize> = (0..n * n).map(|p| (p % n) * n + (n - 1 - p / n)).collect();
        let turn = Perm::from_images(&turn).unwrap();
        JointAction::new(
            16,
            16,
            vec![GeneratorPair {
                input: turn.clone(),
                output: turn,
            }],
        )
    }

    #[test]
    fn the_spanning_start_joins_the_moved_orbits_with_a_tree() {
        let action = c4_image();
        let orbits = action.edge_orbits();
        let graph = OrbitGraph::new(&action, &orbits);
        for start in [
            graph.spanning_start(&orbits.sizes),
            graph.path_start(&orbits.sizes, &orbits.sizes),
        ] {
            let chosen: Vec<usize> = (0..orbits.count()).filter(|&o| start[o]).collect();
            // 8 side orbits, all moved: a spanning tree has 7 edges.
            assert_eq!(chosen.len(), 7);
            assert!(graph.connects_moved(chosen.iter().copied()));
            // Without any one of them the tree falls apart.
            for skip in &chosen {
                assert!(!graph.connects_moved(chosen.iter().copied().filter(|o| o != skip)));
            }
        }
    }

    #[test]
    fn the_path_start_is_a_path_of_bijections_where_there_is_one() {
        // C4 on a 4 x 4 image: every side orbit has 4 points, so every step
        // can be a bijection (an edge orbit of 4 edges) and no node needs
        // more than two tree edges.
        let action = c4_image();
        let orbits = action.edge_orbits();
        let graph = OrbitGraph::new(&action, &orbits);
        let start = graph.path_start(&orbits.sizes, &orbits.sizes);
        let mut degree = vec![0; 8];
        for o in (0..orbits.count()).filter(|&o| start[o]) {
            assert_eq!(orbits.sizes[o], 4);
            let (a, b) = graph.ends[o];
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        assert!(degree.iter().all(|&d| (1..=2).contains(&d)), "{degree:?}");
    }

    #[test]
    fn a_pooling_output_connects_the_inputs_through_its_fixed_point() {
        // C3 on two input orbits, one invariant output: the inputs meet only at the output.
        let action = JointAction::new(
            6,
            1,
            vec![GeneratorPair {
                input: Perm::parse_cycles("(0 1 2)(3 4 5)", 6).unwrap(),
                output: Perm::identity(1),
            }],
        );
        let orbits = action.edge_orbits();
        let graph = OrbitGraph::new(&action, &orbits);
        let start = graph.spanning_start(&orbits.sizes);
        assert_eq!(start, vec![true, true]);
        assert_eq!(graph.path_start(&orbits.sizes, &orbits.sizes), start);
        assert!(!graph.connects_moved([0]));
    }
}
