//! Covering patterns: every input is read by some output and every output reads some input.
//!
//! The sparsest exact pattern may leave an input unread or an output dead
//! (a fixed point of G can be isolated: the toluene-like graph, a ring of 6
//! with a pendant atom, has an optimal exact layer that ignores one atom).
//! `--cover` asks for the cheapest exact pattern among those that touch
//! every row and column of W.
//!
//! An edge orbit meets input `n` iff it has an edge in column `n`; the set
//! of orbits meeting `n` is the same for every input of `n`'s G-orbit (g
//! maps column n's orbits onto column g(n)'s, fixing each orbit). So the
//! condition is one clause per input orbit and one per output orbit: some
//! chosen edge orbit meets it. Clauses are read off the edge orbits alone
//! (the distinct sets of orbits meeting a column or a row), so the target
//! group, G or its closure, does not matter.
//!
//! Why the search's certificates survive: every cut and every lower bound
//! the search uses holds for all exact patterns, so it holds for the
//! covering ones; the first covering proposal the oracle accepts is
//! therefore the covering optimum. Symmetry breaking stays valid because a
//! normalising element maps point orbits to point orbits, hence covering
//! patterns to covering patterns of the same cost.
use crate::action::EdgeOrbits;
use crate::solve::Lit;
use std::collections::HashSet;

/// The covering clauses of a set of edge orbits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    /// One clause per input orbit, then one per output orbit (those with an
    /// edge orbit at all): the edge orbits meeting it, increasing.
    clauses: Vec<Vec<u32>>,
}

impl Cover {
    /// The clauses for `orbits`: the distinct sets of orbits meeting a column, then a row.
    pub fn new(orbits: &EdgeOrbits) -> Cover {
        let (n, m) = (orbits.input_size, orbits.output_size);
        let mut seen = HashSet::new();
        let mut clauses = Vec::new();
        let mut push = |mut clause: Vec<u32>| {
            clause.sort_unstable();
            clause.dedup();
            if !clause.is_empty() && seen.insert(clause.clone()) {
                clauses.push(clause);
            }
        };
        // Columns: the orbits of column `i`. Points of one orbit give one set,
        // so the hash set keeps one clause per input orbit.
        for i in 0..n {
            push((0..m).map(|row| orbits.orbit(i, row)).collect());
        }
        for row in 0..m {
            push(orbits.orbit_of[row * n..(row + 1) * n].to_vec());
        }
        Cover { clauses }
    }

    /// The clauses, each "some orbit of this list is chosen".
    pub fn clauses(&self) -> &[Vec<u32>] {
        &self.clauses
    }

    /// The clauses as solver literals.
    pub fn solver_clauses(&self) -> impl Iterator<Item = Vec<Lit>> + '_ {
        self.clauses
            .iter()
            .map(|c| c.iter().map(|&o| Lit::pos(o as usize)).collect())
    }

    /// Whether `chosen` meets every clause.
    pub fn is_covered_by(&self, chosen: &[bool]) -> bool {
        self.clauses
            .iter()
            .all(|c| c.iter().any(|&o| chosen[o as usize]))
    }

    /// Makes `chosen` covering by adding, for each clause it misses, the
    /// clause's orbit of least `(weight, rank)` other than `forbidden`.
    /// Returns false (leaving what was added) when a missed clause has no
    /// other orbit than `forbidden`.
    pub fn complete(
        &self,
        chosen: &mut [bool],
        weights: &[u64],
        forbidden: Option<usize>,
        rank: &dyn Fn(usize) -> u64,
    ) -> bool {
        for clause in &self.clauses {
            if clause.iter().any(|&o| chosen[o as usize]) {
                continue;
            }
            let pick = clause
                .iter()
                .map(|&o| o as usize)
                .filter(|&o| Some(o) != forbidden)
                .min_by_key(|&o| (weights[o], rank(o)));
            match pick {
                Some(o) => chosen[o] = true,
                None => return false,
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::{GeneratorPair, JointAction};
    use crate::perm::Perm;

    /// Z2 on the toluene-like graph (ring 0..6, pendant 6 on atom 0), inputs and outputs alike.
    fn toluene() -> JointAction {
        let mirror = Perm::from_images(&[0, 5, 4, 3, 2, 1, 6]).unwrap();
        JointAction::new(
            7,
            7,
            vec![GeneratorPair {
                input: mirror.clone(),
                output: mirror,
            }],
        )
    }

    #[test]
    fn one_clause_per_point_orbit() {
        let action = toluene();
        let orbits = action.edge_orbits();
        let cover = Cover::new(&orbits);
        // 5 input orbits ({0}, {1,5}, {2,4}, {3}, {6}) and 5 output orbits.
        assert_eq!(cover.clauses().len(), 10);
        for clause in cover.clauses() {
            assert!(clause.windows(2).all(|w| w[0] < w[1]));
        }
        assert!(cover.is_covered_by(&vec![true; orbits.count()]));
        assert!(!cover.is_covered_by(&vec![false; orbits.count()]));
    }

    #[test]
    fn completing_adds_the_cheapest_orbit_of_each_missed_clause() {
        let orbits = toluene().edge_orbits();
        let cover = Cover::new(&orbits);
        let mut chosen = vec![false; orbits.count()];
        assert!(cover.complete(&mut chosen, &orbits.sizes, None, &|o| o as u64));
        assert!(cover.is_covered_by(&chosen));
        // The diagonal orbit (0,0) alone covers input 0 and output 0 (size 1).
        let diagonal = orbits.orbit(0, 0) as usize;
        assert!(chosen[diagonal]);
        // A clause whose only orbit is forbidden cannot be completed: the
        // single-input, single-output instance has one orbit.
        let one = JointAction::new(1, 1, vec![]).edge_orbits();
        let mut none = vec![false];
        assert!(!Cover::new(&one).complete(&mut none, &one.sizes, Some(0), &|o| o as u64));
    }
}
