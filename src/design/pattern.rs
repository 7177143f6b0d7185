//! A chosen union of edge orbits as a pattern: its tying matrix, or its coloured structure built from the chosen orbits' edges alone.
//!
//! The searches ask the oracle about a choice of edge orbits, one colour
//! per chosen orbit (numbered in orbit order). Writing that choice out as
//! an N x M tying matrix costs N x M however sparse the choice is: on a
//! 64 x 64 image that is 16.8 million entries per question, and the
//! questions of a search on a layer that size are about patterns of ten to
//! thirty thousand edges. [`OrbitEdges`] lists every orbit's edges once
//! (one counting sort over the matrix), so [`OrbitEdges::structure`] builds
//! the pattern's [`Structure`] in time proportional to its own edges.
use crate::action::EdgeOrbits;
use crate::tying::Tying;
use crate::verify::Structure;

/// The pattern with one colour per chosen orbit, colours numbered by orbit order.
pub fn pattern_of(orbits: &EdgeOrbits, chosen: &[bool]) -> Tying {
    let colour = colours_of(chosen);
    Tying {
        rows: orbits.output_size,
        cols: orbits.input_size,
        data: orbits
            .orbit_of
            .iter()
            .map(|&o| colour[o as usize])
            .collect(),
    }
}

/// `colour[O]`: the colour of chosen orbit O (chosen orbits numbered in order), -1 if not chosen.
fn colours_of(chosen: &[bool]) -> Vec<i32> {
    let mut next = 0;
    chosen
        .iter()
        .map(|&c| {
            if c {
                next += 1;
                next - 1
            } else {
                -1
            }
        })
        .collect()
}

/// The edges of every edge orbit, as entries `m * N + n` of the matrix.
#[derive(Clone, Debug)]
pub struct OrbitEdges {
    input_size: usize,
    output_size: usize,
    /// `start[O]..start[O + 1]` indexes `entries` for orbit O.
    start: Vec<usize>,
    /// Matrix entries, grouped by orbit, increasing within each orbit.
    entries: Vec<u32>,
}

impl OrbitEdges {
    /// The edge lists of `orbits` (one pass to count, one to place), or
    /// `None` when the matrix has 2^32 entries or more (they are stored as `u32`).
    pub fn new(orbits: &EdgeOrbits) -> Option<OrbitEdges> {
        let total = orbits.orbit_of.len();
        if u32::try_from(total).is_err() {
            return None;
        }
        let mut start = vec![0usize; orbits.count() + 1];
        for &o in &orbits.orbit_of {
            start[o as usize + 1] += 1;
        }
        for o in 0..orbits.count() {
            start[o + 1] += start[o];
        }
        let mut fill = start.clone();
        let mut entries = vec![0u32; total];
        for (k, &o) in orbits.orbit_of.iter().enumerate() {
            let slot = &mut fill[o as usize];
            // `k < total`, which fits in u32 (checked above).
            entries[*slot] = k as u32;
            *slot += 1;
        }
        Some(OrbitEdges {
            input_size: orbits.input_size,
            output_size: orbits.output_size,
            start,
            entries,
        })
    }

    /// Whether these are the edge lists of `orbits` (same shape and orbit count).
    pub fn fits(&self, orbits: &EdgeOrbits) -> bool {
        self.input_size == orbits.input_size
            && self.output_size == orbits.output_size
            && self.start.len() == orbits.count() + 1
    }

    /// The edges `(n, m)` of orbit `o`, in row-major order.
    pub fn edges(&self, o: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let n = self.input_size.max(1);
        self.entries[self.start[o]..self.start[o + 1]]
            .iter()
            .map(move |&k| (k as usize % n, k as usize / n))
    }

    /// The structure of the pattern with one colour per chosen orbit, the
    /// same structure as `Structure::from_tying(&pattern_of(orbits, chosen))`,
    /// in time proportional to its edges.
    pub fn structure(&self, chosen: &[bool]) -> Structure {
        let colour = colours_of(chosen);
        let edges: Vec<(usize, usize, u32)> = (0..chosen.len())
            .filter(|&o| chosen[o])
            .flat_map(|o| {
                // `colour[o] >= 0` for a chosen orbit.
                let c = colour[o] as u32;
                self.edges(o).map(move |(n, m)| (n, m, c))
            })
            .collect();
        Structure::from_edges(self.input_size, self.output_size, &edges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{GeneratorPair, JointAction};
    use crate::perm::Perm;

    /// D4 on a 4 x 4 image in and out, and C3 on 3 inputs to 2 fixed outputs.
    fn actions() -> Vec<JointAction> {
        let turn = Perm::from_images(&[12, 8, 4, 0, 13, 9, 5, 1, 14, 10, 6, 2, 15, 11, 7, 3])
            .expect("a quarter turn of 4 x 4 pixels");
        let mirror = Perm::from_images(&[3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12])
            .expect("a mirror of 4 x 4 pixels");
        let d4 = JointAction::new(
            16,
            16,
            vec![
                GeneratorPair {
                    input: turn.clone(),
                    output: turn,
                },
                GeneratorPair {
                    input: mirror.clone(),
                    output: mirror,
                },
            ],
        );
        let c3 = JointAction::new(
            3,
            2,
            vec![GeneratorPair {
                input: Perm::from_images(&[1, 2, 0]).expect("a 3-cycle"),
                output: Perm::identity(2),
            }],
        );
        vec![d4, c3]
    }

    #[test]
    fn the_structure_of_a_choice_is_the_structure_of_its_tying() {
        for action in actions() {
            let orbits = action.edge_orbits();
            let lists = OrbitEdges::new(&orbits).expect("a small matrix");
            assert!(lists.fits(&orbits));
            let k = orbits.count();
            for mask in [0u64, 1, 0b101, 0b1101_0010, u64::MAX] {
                let chosen: Vec<bool> = (0..k).map(|o| mask >> (o % 64) & 1 == 1).collect();
                let fast = lists.structure(&chosen);
                let slow = Structure::from_tying(&pattern_of(&orbits, &chosen));
                assert_eq!(fast.edges(), slow.edges());
                assert_eq!(fast.colours(), slow.colours());
                for v in 0..fast.points() {
                    assert_eq!(
                        fast.neighbours(v),
                        slow.neighbours(v),
                        "point {v}, mask {mask:b}"
                    );
                }
            }
            // Every entry is listed once, under its own orbit.
            let mut seen = vec![false; orbits.orbit_of.len()];
            for o in 0..k {
                let edges: Vec<(usize, usize)> = lists.edges(o).collect();
                assert_eq!(edges.len() as u64, orbits.sizes[o]);
                for (n, m) in edges {
                    assert_eq!(orbits.orbit(n, m) as usize, o);
                    assert!(!std::mem::replace(
                        &mut seen[m * orbits.input_size + n],
                        true
                    ));
                }
            }
            assert!(seen.into_iter().all(|s| s));
        }
    }
}
