//! Tying matrices: which shared parameter sits on each edge of a layer, the data every design, verifier and export reads.
//!
//! A core type with no file format attached (that is [`crate::layer`]), so
//! that the verifier and the designs can use it without reaching into the
//! layer file code.

use crate::action::EdgeOrbits;

/// Entries per parallel task in whole-matrix counts (256 KiB of entries).
const CHUNK: usize = 1 << 16;

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
        use rayon::prelude::*;
        self.data
            .par_chunks(CHUNK)
            .map(|c| c.iter().filter(|&&v| v >= 0).count() as u64)
            .sum()
    }

    /// One more than the largest parameter index (0 when there are no edges).
    pub fn parameters(&self) -> usize {
        use rayon::prelude::*;
        self.data
            .par_chunks(CHUNK)
            .map(|c| c.iter().copied().max().unwrap_or(-1))
            .max()
            .map_or(0, |m| (m + 1).max(0) as usize)
    }

    /// How many inputs (columns) no output reads: columns that are all `-1`.
    pub fn unread_inputs(&self) -> u64 {
        let mut read = vec![false; self.cols];
        let mut unread = self.cols;
        for row in self.data.chunks_exact(self.cols.max(1)) {
            if unread == 0 {
                // every column is read: the rest of the matrix changes nothing
                // (a dense layer stops after its first row)
                break;
            }
            for (r, &v) in read.iter_mut().zip(row) {
                if v >= 0 && !*r {
                    *r = true;
                    unread -= 1;
                }
            }
        }
        unread as u64
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The counts against their definitions, entry by entry, on random
        /// matrices from empty to mostly `-1` to full (and big enough for
        /// several parallel chunks).
        #[test]
        fn counts_are_their_definitions(
            rows in 0usize..40,
            cols in 0usize..40,
            tall in any::<bool>(),
            density in 0u32..=100,
            seed in any::<u64>(),
        ) {
            let rows = if tall { rows * 200 } else { rows };
            let mut x = seed | 1;
            let data: Vec<i32> = (0..rows * cols)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    if (x % 100) < u64::from(density) { (x >> 40) as i32 % 1000 } else { -1 }
                })
                .collect();
            let t = Tying { rows, cols, data };
            let edges = t.data.iter().filter(|&&v| v >= 0).count() as u64;
            let parameters = t.data.iter().map(|&v| v + 1).max().unwrap_or(0).max(0) as usize;
            let unread = (0..cols).filter(|&n| (0..rows).all(|m| t.get(m, n) < 0)).count() as u64;
            let dead = (0..rows).filter(|&m| (0..cols).all(|n| t.get(m, n) < 0)).count() as u64;
            prop_assert_eq!(t.edges(), edges);
            prop_assert_eq!(t.parameters(), parameters);
            prop_assert_eq!(t.unread_inputs(), unread);
            prop_assert_eq!(t.dead_outputs(), dead);
        }
    }
}
