//! Tying matrices: which shared parameter sits on each edge of a layer, the data every design, verifier and export reads.
//!
//! A core type with no file format attached (that is [`crate::layer`]), so
//! that the verifier and the designs can use it without reaching into the
//! layer file code.

use crate::action::EdgeOrbits;

/// A tying matrix: `M` rows (outputs) by `N` columns (inputs), entry
/// `-1` for no edge or the shared parameter's index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tying {
    pub rows: usize,
    pub cols: usize,
    /// Row-major entries, `data[m * cols + n]`.
    pub data: Vec<i32>,
}

impl Tying {
    /// The dense tying matrix: entry `(m, n)` is the edge orbit of `(n, m)`.
    pub fn from_edge_orbits(orbits: EdgeOrbits) -> Tying {
        Tying {
            rows: orbits.output_size,
            cols: orbits.input_size,
            data: orbits.orbit_of.into_iter().map(|o| o as i32).collect(),
        }
    }

    /// The entry for input `n` and output `m`.
    pub fn get(&self, m: usize, n: usize) -> i32 {
        self.data[m * self.cols + n]
    }

    /// The number of entries that are not `-1`.
    pub fn edges(&self) -> u64 {
        self.data.iter().filter(|&&v| v >= 0).count() as u64
    }

    /// One more than the largest parameter index (0 when there are no edges).
    pub fn parameters(&self) -> usize {
        self.data
            .iter()
            .copied()
            .max()
            .map_or(0, |m| (m + 1).max(0) as usize)
    }

    /// How many inputs (columns) no output reads: columns that are all `-1`.
    pub fn unread_inputs(&self) -> u64 {
        let mut read = vec![false; self.cols];
        for row in self.data.chunks_exact(self.cols.max(1)) {
            for (r, &v) in read.iter_mut().zip(row) {
                *r |= v >= 0;
            }
        }
        read.iter().filter(|&&r| !r).count() as u64
    }

    /// How many outputs (rows) read no input: rows that are all `-1`.
    pub fn dead_outputs(&self) -> u64 {
        if self.cols == 0 {
            return self.rows as u64;
        }
        self.data
            .chunks_exact(self.cols)
            .filter(|row| row.iter().all(|&v| v < 0))
            .count() as u64
    }
}
