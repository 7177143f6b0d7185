//! Ordered partitions of `0..n` with in-place splitting and undo (the partition stack of nauty and Traces).
//!
//! Cells are contiguous ranges of one array of points and are named by the
//! position where they start. Splitting records the new cell on a trail, so
//! [`Backtrack::restore`] undoes any number of splits in time linear in the
//! points that move back. The order of points *inside* a cell carries no
//! meaning; only the cells as sets and their order do.

/// A state that can be saved cheaply and restored to later (last saved, first restored).
pub trait Backtrack {
    /// What [`Backtrack::save`] returns and [`Backtrack::restore`] takes.
    type Mark: Copy;
    /// Marks the current state.
    fn save(&self) -> Self::Mark;
    /// Returns to the state at `mark`, which must not be older than a mark already restored past.
    fn restore(&mut self, mark: Self::Mark);
}

/// An ordered partition of `0..n`.
#[derive(Clone, Debug)]
pub struct Partition {
    /// The points in cell order.
    elements: Vec<u32>,
    /// `position[v]`: where point `v` sits in `elements`.
    position: Vec<u32>,
    /// `cell_of[v]`: the start of the cell holding `v`.
    cell_of: Vec<u32>,
    /// `cell_end[s]`: one past the last position of the cell starting at `s`
    /// (meaningful only where a cell starts).
    cell_end: Vec<u32>,
    cells: usize,
    /// Splits in the order they happened: (start of the new cell, start of the cell it came from).
    trail: Vec<(u32, u32)>,
}

impl Partition {
    /// The partition of `0..n` into consecutive cells of the given sizes (which must sum to `n`;
    /// zero sizes are skipped).
    pub fn with_cells(sizes: &[usize]) -> Partition {
        let n: usize = sizes.iter().sum();
        let mut p = Partition {
            elements: (0..n as u32).collect(),
            position: (0..n as u32).collect(),
            cell_of: vec![0; n],
            cell_end: vec![0; n.max(1)],
            cells: 0,
            trail: Vec::new(),
        };
        let mut start = 0;
        for &size in sizes.iter().filter(|&&s| s > 0) {
            let end = start + size;
            p.cell_end[start] = end as u32;
            for v in start..end {
                p.cell_of[v] = start as u32;
            }
            p.cells += 1;
            start = end;
        }
        debug_assert!(p.sanity_check());
        p
    }

    /// The number of points.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// The number of cells.
    pub fn cell_count(&self) -> usize {
        self.cells
    }

    /// Whether every cell is a single point.
    pub fn is_discrete(&self) -> bool {
        self.cells == self.elements.len()
    }

    /// The points in cell order (a permutation of `0..n` once the partition is discrete).
    pub fn elements(&self) -> &[u32] {
        &self.elements
    }

    /// The start of the cell holding `v`.
    #[inline]
    pub fn cell_of(&self, v: usize) -> usize {
        self.cell_of[v] as usize
    }

    /// One past the end of the cell starting at `start`.
    #[inline]
    pub fn cell_end(&self, start: usize) -> usize {
        self.cell_end[start] as usize
    }

    /// The points of the cell starting at `start`.
    pub fn cell(&self, start: usize) -> &[u32] {
        &self.elements[start..self.cell_end(start)]
    }

    /// The starts of all cells, in order.
    pub fn cell_starts(&self) -> Vec<usize> {
        let mut starts = Vec::with_capacity(self.cells);
        let mut s = 0;
        while s < self.elements.len() {
            starts.push(s);
            s = self.cell_end(s);
        }
        starts
    }

    /// Moves `points` (distinct members of the cell starting at `start`) to
    /// the back of that cell, in the order given; returns where they begin.
    pub fn move_to_back(&mut self, start: usize, points: &[u32]) -> usize {
        let mut back = self.cell_end(start);
        for &v in points.iter().rev() {
            debug_assert_eq!(self.cell_of(v as usize), start, "point outside the cell");
            back -= 1;
            let p = self.position[v as usize] as usize;
            let other = self.elements[back];
            self.elements.swap(p, back);
            self.position[other as usize] = p as u32;
            self.position[v as usize] = back as u32;
        }
        back
    }

    /// Splits the cell starting at `start` so that a new cell begins at `at`
    /// (`start < at < end`). Costs the size of the new cell; split a cell into
    /// several pieces from the back to keep the total linear.
    pub fn split(&mut self, start: usize, at: usize) {
        let end = self.cell_end(start);
        debug_assert!(start < at && at < end, "split point inside the cell");
        self.cell_end[at] = end as u32;
        self.cell_end[start] = at as u32;
        for i in at..end {
            self.cell_of[self.elements[i] as usize] = at as u32;
        }
        self.cells += 1;
        self.trail.push((at as u32, start as u32));
    }

    /// Makes `v` a cell of its own at the front of its cell; returns the start of
    /// that singleton (the old cell's start). `v`'s cell must have at least two points.
    pub fn individualise(&mut self, v: usize) -> usize {
        let start = self.cell_of(v);
        debug_assert!(
            self.cell_end(start) - start >= 2,
            "individualising a singleton"
        );
        let pos = self.position[v] as usize;
        let first = self.elements[start];
        self.elements.swap(start, pos);
        self.position[v] = start as u32;
        self.position[first as usize] = pos as u32;
        self.split(start, start + 1);
        start
    }

    /// Checks every internal invariant (positions, cell starts and ends, cell count).
    pub fn sanity_check(&self) -> bool {
        let n = self.elements.len();
        if self.position.len() != n || self.cell_of.len() != n {
            return false;
        }
        for (i, &v) in self.elements.iter().enumerate() {
            if v as usize >= n || self.position[v as usize] as usize != i {
                return false;
            }
        }
        let mut cells = 0;
        let mut s = 0;
        while s < n {
            let end = self.cell_end(s);
            if end <= s || end > n {
                return false;
            }
            if self.elements[s..end]
                .iter()
                .any(|&v| self.cell_of(v as usize) != s)
            {
                return false;
            }
            cells += 1;
            s = end;
        }
        cells == self.cells
    }
}

impl Backtrack for Partition {
    type Mark = usize;

    fn save(&self) -> usize {
        self.trail.len()
    }

    fn restore(&mut self, mark: usize) {
        while self.trail.len() > mark {
            // the loop condition guarantees a trail entry
            let (at, start) = self.trail.pop().expect("trail longer than mark");
            let (at, start) = (at as usize, start as usize);
            let end = self.cell_end(at);
            for i in at..end {
                self.cell_of[self.elements[i] as usize] = start as u32;
            }
            self.cell_end[start] = end as u32;
            self.cells -= 1;
        }
        debug_assert!(self.sanity_check());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_individualise_restore() {
        let mut p = Partition::with_cells(&[3, 0, 4]);
        assert_eq!(p.cell_count(), 2);
        assert_eq!(p.cell_starts(), vec![0, 3]);
        let root = p.save();
        let s = p.individualise(5);
        assert_eq!(s, 3);
        assert_eq!(p.cell(3), &[5]);
        assert_eq!(p.cell_count(), 3);
        let mid = p.save();
        assert_eq!(p.move_to_back(4, &[4, 6]), 5);
        assert_eq!(&p.cell(4)[1..], &[4, 6]);
        assert!(p.sanity_check());
        p.split(4, 6);
        p.split(4, 5);
        assert!(p.sanity_check());
        assert_eq!(p.cell_count(), 5);
        p.restore(mid);
        assert_eq!(p.cell_count(), 3);
        assert_eq!(p.cell_end(4), 7);
        p.restore(root);
        assert_eq!(p.cell_count(), 2);
        assert_eq!(p.cell_end(3), 7);
        assert!(!p.is_discrete());
        let mut q = Partition::with_cells(&[1, 1]);
        assert!(q.is_discrete());
        q.restore(0);
        assert!(q.sanity_check());
    }
}
