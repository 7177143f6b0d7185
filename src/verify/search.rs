//! Individualisation-refinement search for the automorphism group, seeded with a known subgroup.
//!
//! Algorithm: the search tree of nauty (McKay 1981; McKay and Piperno 2014),
//! with the known group's stabiliser chain (Sims-style backtrack, Leon 1991)
//! for pruning. A first path individualises the first largest non-singleton
//! cell until the partition is discrete; its individualised points `b1..bk`
//! are the base and its leaf the reference. Then, deepest level first, for
//! each level `i` every point `x` of `b_i`'s cell that is not yet in the orbit
//! of `b_i` under `H_i` (the known group's pointwise stabiliser of
//! `b1..b_{i-1}` and the automorphisms found at levels `>= i`) is tried: the
//! subtree below `x` is searched for a leaf whose map from the reference leaf
//! is an automorphism (checked exactly, edge by edge). Subtrees whose
//! refinement trace differs from the first path's are pruned, and so are
//! points in the same `H_i`-orbit as a point that already failed. When the
//! level is done, `H_i` is Aut's pointwise stabiliser of `b1..b_{i-1}`, so
//! |Aut| is the product of the orbit lengths (no Schreier-Sims on Aut). With
//! the whole group known in advance no subtree is searched.
//!
//! Each search-tree node and each point tried at a level passes a
//! cancellation checkpoint ([`crate::background::checkpoint`]), and so does
//! refinement, so a search on an abandoned worker thread ends promptly.
//!
//! Still slow: inside a subtree, sibling points are not pruned by automorphisms
//! (only by traces), so structures with weak invariants and few known
//! automorphisms (strongly regular graphs, say) can take exponential time.

use super::partition::{Backtrack, Partition};
use super::refine::Refiner;
use super::structure::Structure;
use crate::background::checkpoint;
use crate::group::StabilizerChain;
use crate::perm::Perm;
use num_bigint::BigUint;

/// Counts describing the work a search did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SearchStats {
    /// Individualisation points: the length of the first path.
    pub base_length: usize,
    /// Search-tree nodes refined outside the first path.
    pub nodes: u64,
    /// Discrete leaves checked for being automorphisms.
    pub leaves: u64,
    /// Automorphisms found that the known group did not contain.
    pub found: usize,
    /// The points of the twin quotient the search ran on, when twins were
    /// reduced (see `twins`); `None` when the search ran on the structure itself.
    pub quotient_points: Option<usize>,
}

/// The result of a search: |Aut| and the automorphisms found.
#[derive(Clone, Debug)]
pub struct SearchResult {
    /// |Aut|.
    pub order: BigUint,
    /// Automorphisms outside the group known at the time each was found, in order.
    pub found: Vec<Perm>,
    pub stats: SearchStats,
}

/// Runs the search; every element of `known` must be an automorphism of
/// `structure`. With `known_chain` (a chain of `<known>`), the search stops
/// after the first path when the product of its target cell sizes, an upper
/// bound on |Aut|, equals `<known>`'s order: then Aut is the known group
/// (no change of base of its chain).
pub fn search(
    structure: &Structure,
    known: &[Perm],
    known_chain: Option<&StabilizerChain>,
) -> SearchResult {
    search_in(
        structure,
        &[structure.inputs(), structure.outputs()],
        known,
        known_chain,
    )
}

/// Like [`search`], for automorphisms that also keep each of the initial
/// cells `cells` (consecutive runs of points of these sizes, summing to the
/// number of points, none straddling inputs and outputs): the search of a
/// vertex-coloured structure.
pub fn search_in(
    structure: &Structure,
    cells: &[usize],
    known: &[Perm],
    known_chain: Option<&StabilizerChain>,
) -> SearchResult {
    let points = structure.points();
    debug_assert_eq!(cells.iter().sum::<usize>(), points);
    // Leaves map positions to positions and refinement only splits cells,
    // so every leaf map keeps the initial cells.
    let mut partition = Partition::with_cells(cells);
    let mut refiner = Refiner::new(structure);
    let root_cells = partition.cell_starts();
    refiner
        .refine(structure, &mut partition, &root_cells, None)
        // refinement without an expected trace never reports a mismatch
        .expect("recording refinement succeeds");
    let mut tree = Tree {
        structure,
        traces: vec![refiner.trace().to_vec()],
        partition,
        refiner,
        targets: Vec::new(),
        target_sizes: Vec::new(),
        marks: Vec::new(),
        first_leaf: Vec::new(),
        stats: SearchStats::default(),
    };
    let base = tree.first_path();
    if let Some(known_chain) = known_chain {
        // The orbit of b_i under the stabiliser of b_1..b_{i-1} lies in b_i's cell.
        let bound = tree
            .target_sizes
            .iter()
            .fold(BigUint::from(1u32), |acc, &size| acc * BigUint::from(size));
        if bound == known_chain.order() {
            return SearchResult {
                order: bound,
                found: Vec::new(),
                stats: tree.stats,
            };
        }
    }
    // G's stabilisers along the base. With G's chain at hand its order is
    // known, so a change of base by the random phase alone is usually
    // complete (no deterministic check).
    let known_chain = match known_chain {
        Some(c) => c.with_base_prefix(&base),
        None => StabilizerChain::with_base(points, known, &base),
    };
    // Level i's group H_i is generated by G's stabiliser of b_1..b_{i-1} and
    // the automorphisms found at levels >= i (they fix b_1..b_{i-1}). When
    // level i is done, H_i is Aut's stabiliser of b_1..b_{i-1} (the orbit
    // argument of nauty, McKay 1981), so |Aut| is the product of the orbit
    // lengths of b_i under H_i: no Schreier-Sims on Aut.
    let mut found: Vec<Perm> = Vec::new();
    let mut order = BigUint::from(1u32);
    let mut in_orbit = vec![false; points];
    let mut failed = vec![false; points];
    for level in (0..base.len()).rev() {
        tree.partition.restore(tree.marks[level]);
        let mut cell: Vec<u32> = tree.partition.cell(tree.targets[level]).to_vec();
        cell.sort_unstable();
        let mut gens: Vec<Perm> = known_chain.stabilizer_generators(level).to_vec();
        gens.extend(found.iter().cloned());
        let mut orbit = orbit_of(&gens, base[level], &mut in_orbit);
        let mut any_failed = false;
        for &x in &cell {
            // `orbit_meets` walks an orbit per point: quadratic in a large cell.
            checkpoint();
            let x = x as usize;
            if in_orbit[x] || (any_failed && orbit_meets(&gens, x, &failed)) {
                continue;
            }
            match tree.try_child(level, x) {
                Some(g) => {
                    debug_assert!(structure.is_automorphism(&g));
                    gens.push(g.clone());
                    found.push(g);
                    for &y in &orbit {
                        in_orbit[y] = false;
                    }
                    orbit = orbit_of(&gens, base[level], &mut in_orbit);
                }
                None => {
                    failed[x] = true;
                    any_failed = true;
                }
            }
        }
        order *= BigUint::from(orbit.len());
        for &y in &orbit {
            in_orbit[y] = false;
        }
        for &x in &cell {
            failed[x as usize] = false;
        }
    }
    tree.stats.found = found.len();
    SearchResult {
        order,
        found,
        stats: tree.stats,
    }
}

/// The orbit of `x` under `<gens>`, marking its points in `marked` (which
/// must be all false on entry).
fn orbit_of(gens: &[Perm], x: usize, marked: &mut [bool]) -> Vec<usize> {
    marked[x] = true;
    let mut orbit = vec![x];
    let mut next = 0;
    while next < orbit.len() {
        let y = orbit[next];
        next += 1;
        for g in gens {
            let z = g.apply(y);
            if !marked[z] {
                marked[z] = true;
                orbit.push(z);
            }
        }
    }
    orbit
}

/// Whether the orbit of `x` under `<gens>` contains a point marked in `marked`.
fn orbit_meets(gens: &[Perm], x: usize, marked: &[bool]) -> bool {
    let mut seen = std::collections::HashSet::from([x]);
    let mut stack = vec![x];
    while let Some(y) = stack.pop() {
        if marked[y] {
            return true;
        }
        for g in gens {
            let z = g.apply(y);
            if seen.insert(z) {
                stack.push(z);
            }
        }
    }
    false
}

/// The search tree: the partition stack and the first path's record.
struct Tree<'a> {
    structure: &'a Structure,
    partition: Partition,
    refiner: Refiner,
    /// `traces[d]`: the refinement trace of the first path's node at depth `d`.
    traces: Vec<Vec<u64>>,
    /// `targets[d]`: the start of the cell individualised at depth `d`.
    targets: Vec<usize>,
    /// `target_sizes[d]`: the size of that cell.
    target_sizes: Vec<usize>,
    /// `marks[d]`: the partition mark of the first path's node at depth `d`.
    marks: Vec<usize>,
    first_leaf: Vec<u32>,
    stats: SearchStats,
}

impl Tree<'_> {
    /// Follows the first path to a discrete leaf; returns the base.
    fn first_path(&mut self) -> Vec<usize> {
        let mut base = Vec::new();
        while !self.partition.is_discrete() {
            let target = self.target_cell();
            let b = *self
                .partition
                .cell(target)
                .iter()
                .min()
                // a target cell has at least two points
                .expect("non-empty cell") as usize;
            self.targets.push(target);
            self.target_sizes
                .push(self.partition.cell_end(target) - target);
            self.marks.push(self.partition.save());
            let at = self.partition.individualise(b);
            self.refiner
                .refine(self.structure, &mut self.partition, &[at], None)
                // refinement without an expected trace never reports a mismatch
                .expect("recording refinement succeeds");
            self.traces.push(self.refiner.trace().to_vec());
            base.push(b);
        }
        self.first_leaf = self.partition.elements().to_vec();
        self.stats.base_length = base.len();
        base
    }

    /// The first non-singleton cell of largest size (a label-invariant choice).
    fn target_cell(&self) -> usize {
        let mut best = (0, usize::MAX);
        let mut s = 0;
        while s < self.partition.len() {
            let end = self.partition.cell_end(s);
            if end - s > 1 && end - s > best.0 {
                best = (end - s, s);
            }
            s = end;
        }
        best.1
    }

    /// Individualises `x` in the target cell at `depth` (the partition being
    /// at a node of that depth) and searches below it for an automorphism
    /// mapping the first leaf into the subtree. Restores the partition.
    fn try_child(&mut self, depth: usize, x: usize) -> Option<Perm> {
        checkpoint();
        self.stats.nodes += 1;
        let mark = self.partition.save();
        let at = self.partition.individualise(x);
        debug_assert_eq!(at, self.targets[depth]);
        let result = match self.refiner.refine(
            self.structure,
            &mut self.partition,
            &[at],
            Some(&self.traces[depth + 1]),
        ) {
            Ok(()) => self.descend(depth + 1),
            Err(_) => None,
        };
        self.partition.restore(mark);
        result
    }

    /// At a node of `depth` whose traces agree with the first path: the
    /// automorphism from the first leaf to a leaf below, if there is one.
    fn descend(&mut self, depth: usize) -> Option<Perm> {
        if self.partition.is_discrete() {
            self.stats.leaves += 1;
            let mut images = vec![0u32; self.first_leaf.len()];
            for (&from, &to) in self.first_leaf.iter().zip(self.partition.elements()) {
                images[from as usize] = to;
            }
            let g = Perm::from_images_unchecked(images);
            return self.structure.is_automorphism(&g).then_some(g);
        }
        let target = match self.targets.get(depth) {
            // traces agree, so the cell is there unless two hashes collided
            Some(&t) if self.partition.cell_end(t) - t > 1 => t,
            _ => return None,
        };
        let mut cell: Vec<u32> = self.partition.cell(target).to_vec();
        cell.sort_unstable();
        cell.into_iter()
            .find_map(|y| self.try_child(depth, y as usize))
    }
}
