//! Coloured bipartite structures: inputs, outputs, and coloured edges between them.
//!
//! Points `0..N` are the inputs and `N..N+M` the outputs (the joint numbering
//! of [`crate::action::JointAction`]). Edges are stored as adjacency lists in
//! both directions (compressed rows), so a dense 4096 x 4096 layer costs
//! about 270 MB; colours are `u32` parameter indices.

use crate::perm::Perm;
use crate::tying::Tying;

/// A coloured bipartite structure (a tying pattern seen as a graph).
#[derive(Clone, Debug)]
pub struct Structure {
    inputs: usize,
    outputs: usize,
    colours: usize,
    /// `start[v]..start[v + 1]` indexes `adjacent` for point `v`.
    start: Vec<usize>,
    /// (neighbour, colour) pairs, each list sorted by neighbour.
    adjacent: Vec<(u32, u32)>,
}

impl Structure {
    /// The structure of a tying matrix: an edge of colour `c` from input `n`
    /// to output `m` wherever `tying[m][n] = c >= 0`.
    pub fn from_tying(tying: &Tying) -> Structure {
        let (n_in, n_out) = (tying.cols, tying.rows);
        let mut degree = vec![0usize; n_in + n_out];
        let mut colours = 0;
        for m in 0..n_out {
            let row = &tying.data[m * n_in..(m + 1) * n_in];
            for_each_entry(row, |n, c| {
                degree[n] += 1;
                degree[n_in + m] += 1;
                colours = colours.max(c as usize + 1);
            });
        }
        let start = prefix_sums(&degree);
        let mut fill = start.clone();
        let mut adjacent = vec![(0u32, 0u32); start[n_in + n_out]];
        // Rows in increasing m, so every input's list comes out sorted too.
        for m in 0..n_out {
            let row = &tying.data[m * n_in..(m + 1) * n_in];
            let out = n_in + m;
            for_each_entry(row, |n, c| {
                adjacent[fill[out]] = (n as u32, c);
                fill[out] += 1;
                adjacent[fill[n]] = (out as u32, c);
                fill[n] += 1;
            });
        }
        Structure {
            inputs: n_in,
            outputs: n_out,
            colours,
            start,
            adjacent,
        }
    }

    /// The structure with the given edges `(input, output, colour)`; a pair
    /// listed twice keeps its last colour. Inputs below `inputs`, outputs below `outputs`.
    pub fn from_edges(inputs: usize, outputs: usize, edges: &[(usize, usize, u32)]) -> Structure {
        let mut sorted: Vec<(usize, usize, u32)> = edges.to_vec();
        // stable sort keeps the later of two equal pairs last
        sorted.sort_by_key(|&(n, m, _)| (m, n));
        let mut unique: Vec<(usize, usize, u32)> = Vec::with_capacity(sorted.len());
        for e in sorted {
            match unique.last_mut() {
                Some(last) if (last.0, last.1) == (e.0, e.1) => *last = e,
                _ => unique.push(e),
            }
        }
        let mut degree = vec![0usize; inputs + outputs];
        for &(n, m, _) in &unique {
            assert!(n < inputs && m < outputs, "edge ({n}, {m}) out of range");
            degree[n] += 1;
            degree[inputs + m] += 1;
        }
        let start = prefix_sums(&degree);
        let mut fill = start.clone();
        let mut adjacent = vec![(0u32, 0u32); start[inputs + outputs]];
        for &(n, m, c) in &unique {
            let out = inputs + m;
            adjacent[fill[out]] = (n as u32, c);
            fill[out] += 1;
            adjacent[fill[n]] = (out as u32, c);
            fill[n] += 1;
        }
        let colours = unique.iter().map(|e| e.2 as usize + 1).max().unwrap_or(0);
        Structure {
            inputs,
            outputs,
            colours,
            start,
            adjacent,
        }
    }

    /// The number of inputs N.
    pub fn inputs(&self) -> usize {
        self.inputs
    }

    /// The number of outputs M.
    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// N + M, the degree of the automorphisms.
    pub fn points(&self) -> usize {
        self.inputs + self.outputs
    }

    /// One more than the largest colour (0 without edges).
    pub fn colours(&self) -> usize {
        self.colours
    }

    /// The number of edges.
    pub fn edges(&self) -> usize {
        self.adjacent.len() / 2
    }

    /// The (neighbour, colour) pairs of point `v`, sorted by neighbour.
    #[inline]
    pub fn neighbours(&self, v: usize) -> &[(u32, u32)] {
        &self.adjacent[self.start[v]..self.start[v + 1]]
    }

    /// Whether `p` (on `0..N+M`, inputs first) maps inputs to inputs and
    /// every edge to an edge of the same colour. Exact, O(edges) time.
    pub fn is_automorphism(&self, p: &Perm) -> bool {
        let n = self.inputs;
        if p.degree() != self.points() || (0..n).any(|i| p.apply(i) >= n) {
            return false;
        }
        // slot[u] = (stamp, colour) for the neighbours of the image point.
        let mut slot: Vec<(u32, u32)> = vec![(u32::MAX, 0); self.points()];
        for (stamp, v) in (n..self.points()).enumerate() {
            let w = p.apply(v);
            let (here, there) = (self.neighbours(v), self.neighbours(w));
            if here.len() != there.len() {
                return false;
            }
            for &(u, c) in there {
                slot[u as usize] = (stamp as u32, c);
            }
            for &(u, c) in here {
                if slot[p.apply(u as usize)] != (stamp as u32, c) {
                    return false;
                }
            }
        }
        // Every output's edges map onto its image's edges, the outputs are
        // permuted, so the edge sets (and non-edges) correspond exactly.
        true
    }
}

/// Calls `f(n, colour)` for every entry `row[n] >= 0`, in increasing `n`.
/// Skips blocks of non-edges by a bitwise AND (a vectorised pass), so a
/// sparse pattern costs about one read of its rows.
#[inline]
fn for_each_entry(row: &[i32], mut f: impl FnMut(usize, u32)) {
    const BLOCK: usize = 64;
    for (b, block) in row.chunks(BLOCK).enumerate() {
        // all negative iff the AND of the entries has its sign bit set
        if block.iter().fold(-1, |a, &c| a & c) < 0 {
            continue;
        }
        for (k, &c) in block.iter().enumerate() {
            if c >= 0 {
                f(b * BLOCK + k, c as u32);
            }
        }
    }
}

fn prefix_sums(degree: &[usize]) -> Vec<usize> {
    let mut start = Vec::with_capacity(degree.len() + 1);
    let mut total = 0;
    start.push(0);
    for &d in degree {
        total += d;
        start.push(total);
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tying_and_edges_agree() {
        let tying = Tying {
            rows: 2,
            cols: 3,
            data: vec![0, -1, 1, 1, 0, -1],
        };
        let s = Structure::from_tying(&tying);
        let t = Structure::from_edges(3, 2, &[(0, 0, 0), (2, 0, 1), (0, 1, 1), (1, 1, 0)]);
        assert_eq!(s.edges(), 4);
        for v in 0..5 {
            assert_eq!(s.neighbours(v), t.neighbours(v));
        }
        assert_eq!(s.colours(), 2);
        assert!(s.is_automorphism(&Perm::identity(5)));
        // swap inputs 0, 1 and outputs 0, 1: (0,0,0)->(1,1,0) ok, (2,0,1)->(2,1,?) -1: no
        let p = Perm::parse_cycles("(0 1)(3 4)", 5).unwrap();
        assert!(!s.is_automorphism(&p));
        // mapping an input to an output is never an automorphism
        assert!(!s.is_automorphism(&Perm::parse_cycles("(0 3)", 5).unwrap()));
    }
}
