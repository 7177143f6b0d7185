//! Label-invariant partition refinement by hashed colour counts, Hopcroft-style.
//!
//! Algorithm: the "equitable partition" refinement of nauty (McKay 1981) with
//! Hopcroft's splitter queue (Hopcroft 1971; as in Traces, McKay and Piperno
//! 2014). For a splitter cell `S`, each point `v` gets the signature
//! `sig(v) = sum over edges (v, u) with u in S of H(colour)`, a wrapping sum
//! of a strong 64-bit hash `H`. Cells split by signature, pieces in increasing
//! signature order. The sum is additive over the pieces of `S`, so when a cell
//! that is not waiting in the queue splits, its largest piece need not be
//! queued (its signatures are the old cell's minus the others'). A hash
//! collision can only leave a partition coarser than the equitable one; the
//! result is still a function of the labelled structure that commutes with
//! relabelling, which is all the search needs (every leaf is checked exactly).
//!
//! Singleton splitters are processed first, and refinement stops as soon as
//! the partition is discrete. Every split appends an event hash to a trace;
//! given the trace of another node, refinement stops at the first event that
//! differs (no automorphism can map one node to the other).
//!
//! Refinement passes a cancellation checkpoint
//! ([`crate::background::checkpoint`]) after every [`CHECKPOINT_WORK`]
//! edges of splitters, so that one on an abandoned worker thread ends there.
//!
//! Still slow: a splitter costs the sum of its points' degrees, so dense
//! structures pay about `edges * log(points)` per full refinement.

use super::partition::Partition;
use super::structure::Structure;
use crate::background::checkpoint;
use crate::hash::splitmix64;
use std::collections::VecDeque;

/// Refinement diverged from the trace it was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mismatch;

/// Splitter points and edges processed between two cancellation checkpoints
/// (a few hundred microseconds; a singleton splitter of a sparse structure
/// costs too little to pay a checkpoint each).
const CHECKPOINT_WORK: usize = 1 << 16;

/// Trace event marking that the partition became discrete.
const DISCRETE_EVENT: u64 = 0x5151_d15c_2e7e_0001;

/// Scratch space and the trace of the last refinement.
#[derive(Clone, Debug)]
pub struct Refiner {
    colour_hash: Vec<u64>,
    sig: Vec<u64>,
    touched: Vec<bool>,
    touched_list: Vec<u32>,
    /// By cell start: how many points of the cell the current splitter reached.
    cell_hits: Vec<u32>,
    hit_cells: Vec<u32>,
    /// By cell start: whether the cell waits in a queue.
    in_queue: Vec<bool>,
    singles: VecDeque<u32>,
    others: VecDeque<u32>,
    scratch: Vec<(u64, u32)>,
    /// Piece starts of the cell being split.
    starts: Vec<usize>,
    trace: Vec<u64>,
}

impl Refiner {
    /// Scratch space for refining partitions of `structure`'s points.
    pub fn new(structure: &Structure) -> Refiner {
        let n = structure.points();
        Refiner {
            colour_hash: (0..structure.colours() as u64)
                .map(|c| splitmix64(c ^ 0x243F_6A88_85A3_08D3))
                .collect(),
            sig: vec![0; n],
            touched: vec![false; n],
            touched_list: Vec::new(),
            cell_hits: vec![0; n],
            hit_cells: Vec::new(),
            in_queue: vec![false; n],
            singles: VecDeque::new(),
            others: VecDeque::new(),
            scratch: Vec::new(),
            starts: Vec::new(),
            trace: Vec::new(),
        }
    }

    /// The events of the last refinement.
    pub fn trace(&self) -> &[u64] {
        &self.trace
    }

    /// Refines `partition` using the cells starting at `splitters` (the
    /// partition must already be stable with respect to every other cell),
    /// recording the trace. With `expected`, stops with [`Mismatch`] as soon
    /// as the trace departs from it (the partition is then left part-refined;
    /// the caller restores it).
    pub fn refine(
        &mut self,
        structure: &Structure,
        partition: &mut Partition,
        splitters: &[usize],
        expected: Option<&[u64]>,
    ) -> Result<(), Mismatch> {
        self.trace.clear();
        for &s in splitters {
            self.enqueue(partition, s);
        }
        let result = self.run(structure, partition, expected);
        if result.is_err() {
            self.clear_queues();
        }
        debug_assert!(partition.sanity_check());
        debug_assert!(self.in_queue.iter().all(|&q| !q), "queue flags left set");
        result
    }

    fn run(
        &mut self,
        structure: &Structure,
        partition: &mut Partition,
        expected: Option<&[u64]>,
    ) -> Result<(), Mismatch> {
        let mut work = 0;
        while let Some(s) = self.pop() {
            if work >= CHECKPOINT_WORK {
                work = 0;
                checkpoint();
            }
            let s = s as usize;
            self.in_queue[s] = false;
            if partition.is_discrete() {
                break;
            }
            let end = partition.cell_end(s);
            for i in s..end {
                let v = partition.elements()[i] as usize;
                work += 1 + structure.neighbours(v).len();
                for &(u, c) in structure.neighbours(v) {
                    let u = u as usize;
                    if !self.touched[u] {
                        self.touched[u] = true;
                        self.touched_list.push(u as u32);
                    }
                    self.sig[u] = self.sig[u].wrapping_add(self.colour_hash[c as usize]);
                }
            }
            for &u in &self.touched_list {
                let c = partition.cell_of(u as usize);
                if self.cell_hits[c] == 0 {
                    self.hit_cells.push(c as u32);
                }
                self.cell_hits[c] += 1;
            }
            self.hit_cells.sort_unstable();
            // group the touched points by cell, for cells only partly reached
            let cell_of = |u: &u32| partition.cell_of(*u as usize);
            self.touched_list.sort_unstable_by_key(cell_of);
            let mut from = 0;
            let mut outcome = Ok(());
            for k in 0..self.hit_cells.len() {
                let c = self.hit_cells[k] as usize;
                let hits = self.cell_hits[c] as usize;
                if outcome.is_ok() {
                    outcome = self.split_cell(partition, c, from..from + hits, expected);
                }
                from += hits;
                self.cell_hits[c] = 0;
            }
            self.hit_cells.clear();
            for &u in &self.touched_list {
                self.touched[u as usize] = false;
                self.sig[u as usize] = 0;
            }
            self.touched_list.clear();
            outcome?;
        }
        if partition.is_discrete() {
            self.clear_queues();
            self.event(DISCRETE_EVENT, expected)?;
        }
        let last = splitmix64(partition.cell_count() as u64);
        self.event(last, expected)?;
        match expected {
            Some(e) if e.len() != self.trace.len() => Err(Mismatch),
            _ => Ok(()),
        }
    }

    /// Splits the cell starting at `c` by signature; queues the new pieces.
    /// `reached` indexes the cell's points in `touched_list`; the others have
    /// signature 0, the least value, so they form the first piece and only
    /// the reached points are sorted.
    fn split_cell(
        &mut self,
        partition: &mut Partition,
        c: usize,
        reached: std::ops::Range<usize>,
        expected: Option<&[u64]>,
    ) -> Result<(), Mismatch> {
        let end = partition.cell_end(c);
        let size = end - c;
        if size == 1 {
            return Ok(());
        }
        let hits = reached.len();
        if hits == size {
            let cell = partition.cell(c);
            let first = self.sig[cell[0] as usize];
            if cell.iter().all(|&v| self.sig[v as usize] == first) {
                return Ok(());
            }
        } else if self.touched_list[reached.clone()]
            .iter()
            .all(|&v| self.sig[v as usize] == 0)
        {
            return Ok(());
        }
        // Sort the reached points by signature and put them at the back.
        self.scratch.clear();
        for &v in &self.touched_list[reached] {
            self.scratch.push((self.sig[v as usize], v));
        }
        self.scratch.sort_unstable();
        let sorted: Vec<u32> = self.scratch.iter().map(|&(_, v)| v).collect();
        let tail = partition.move_to_back(c, &sorted);
        debug_assert_eq!(tail, end - hits);
        // Piece boundaries: signatures along the cell (0 before the tail).
        let sig_at = |i: usize| {
            if i < tail {
                0
            } else {
                self.scratch[i - tail].0
            }
        };
        let mut starts = std::mem::take(&mut self.starts);
        starts.clear();
        starts.push(c);
        for i in (c + 1).max(tail)..end {
            if sig_at(i) != sig_at(i - 1) {
                starts.push(i);
            }
        }
        starts.push(end);
        let mut event = splitmix64(c as u64);
        for w in starts.windows(2) {
            event = splitmix64(event ^ sig_at(w[0]));
            event = splitmix64(event ^ (w[1] - w[0]) as u64);
        }
        starts.pop();
        let result = self.queue_pieces(partition, c, &starts, event, expected);
        self.starts = starts;
        result
    }

    /// Records the split event, splits the cell at `starts[1..]` and queues
    /// the pieces (all of them if the cell was queued, else all but the largest).
    fn queue_pieces(
        &mut self,
        partition: &mut Partition,
        c: usize,
        starts: &[usize],
        event: u64,
        expected: Option<&[u64]>,
    ) -> Result<(), Mismatch> {
        self.event(event, expected)?;
        let was_queued = self.in_queue[c];
        for &at in starts[1..].iter().rev() {
            partition.split(c, at);
        }
        let skip = if was_queued {
            // c itself is already queued
            Some(c)
        } else {
            // the first largest piece
            starts
                .iter()
                .copied()
                .max_by_key(|&s| (partition.cell_end(s) - s, std::cmp::Reverse(s)))
        };
        for &s in starts {
            if Some(s) != skip {
                self.enqueue(partition, s);
            }
        }
        Ok(())
    }

    fn event(&mut self, e: u64, expected: Option<&[u64]>) -> Result<(), Mismatch> {
        let i = self.trace.len();
        self.trace.push(e);
        match expected {
            Some(x) if x.get(i) != Some(&e) => Err(Mismatch),
            _ => Ok(()),
        }
    }

    fn enqueue(&mut self, partition: &Partition, s: usize) {
        if self.in_queue[s] {
            return;
        }
        self.in_queue[s] = true;
        if partition.cell_end(s) - s == 1 {
            self.singles.push_back(s as u32);
        } else {
            self.others.push_back(s as u32);
        }
    }

    fn pop(&mut self) -> Option<u32> {
        self.singles.pop_front().or_else(|| self.others.pop_front())
    }

    fn clear_queues(&mut self) {
        for s in self.singles.drain(..).chain(self.others.drain(..)) {
            self.in_queue[s as usize] = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tying::Tying;

    #[test]
    fn path_refines_by_distance() {
        // inputs 0..3, outputs 0..3 joined as a path: in0-out0-in1-out1-in2-out2
        let tying = Tying {
            rows: 3,
            cols: 3,
            data: vec![0, 0, -1, -1, 0, 0, -1, -1, 0],
        };
        let s = Structure::from_tying(&tying);
        let mut p = Partition::with_cells(&[3, 3]);
        let mut r = Refiner::new(&s);
        r.refine(&s, &mut p, &[0, 3], None).unwrap();
        // in0 (degree 1) and in1, in2 (degree 2) differ; then distances do the rest:
        // no automorphism can reverse the path, as that would swap the sides
        assert!(p.is_discrete());
        let trace = r.trace().to_vec();
        let mut q = Partition::with_cells(&[3, 3]);
        assert!(r.refine(&s, &mut q, &[0, 3], Some(&trace)).is_ok());
        assert_eq!(q.elements(), p.elements());
        let mut q = Partition::with_cells(&[3, 3]);
        let mut bad = trace.clone();
        bad[0] ^= 1;
        assert_eq!(r.refine(&s, &mut q, &[0, 3], Some(&bad)), Err(Mismatch));
        assert!(p.is_discrete());
    }
}
