//! Skips cuts that add nothing: repeats, and clauses that contain an earlier one.
//!
//! A counterexample-guided search derives many clauses more than once (the
//! same witness cut reached from two proposals, or as the image of another
//! cut under a symmetry): on S5 acting on 3-index tensors 78% of the cuts
//! of a 40 s search were repeats and half of the rest contained an earlier,
//! shorter clause. Every clause the solver holds is propagated on every
//! call, so those cost time and add no constraint: a clause containing an
//! earlier clause D (as a set of literals) is satisfied by every assignment
//! that satisfies D.
//!
//! The filter keeps each clause as a bit set over the variables and tests a
//! new clause against every kept one (a few words per test). It is used only
//! while that stays cheap: variables and kept literals are capped, and past
//! the caps every clause is passed on unfiltered, which is always sound.
//! Clauses kept earlier that a later, shorter clause subsumes stay in the
//! solver (varisat cannot delete clauses); they cost time, never soundness.
use crate::solve::Lit;

/// Most variables for which clauses are filtered (words of a bit set: 64).
const MAX_VARIABLES: usize = 4096;

/// Most bit-set words kept in all (32 MiB).
const MAX_WORDS: usize = 1 << 22;

/// The clauses so far, as bit sets of their literals.
pub(crate) struct SubsumptionFilter {
    /// Words per clause: two bits per variable (positive, negative).
    words: usize,
    kept: Vec<u64>,
    /// False once a cap was passed: every clause is then new.
    active: bool,
}

impl SubsumptionFilter {
    /// A filter for clauses over `variables` variables.
    pub(crate) fn new(variables: usize) -> SubsumptionFilter {
        SubsumptionFilter {
            words: (2 * variables).div_ceil(64),
            kept: Vec::new(),
            active: variables <= MAX_VARIABLES,
        }
    }

    /// True when `clause` contains no clause seen before (so it constrains
    /// something new, as far as this filter can tell); it is remembered then.
    pub(crate) fn is_new(&mut self, clause: &[Lit]) -> bool {
        if !self.active {
            return true;
        }
        if self.kept.len() + self.words > MAX_WORDS {
            self.active = false;
            self.kept = Vec::new();
            return true;
        }
        let mut bits = vec![0u64; self.words];
        for l in clause {
            let bit = 2 * l.var as usize + usize::from(!l.positive);
            bits[bit / 64] |= 1 << (bit % 64);
        }
        let contains_kept = self
            .kept
            .chunks_exact(self.words)
            .any(|d| d.iter().zip(&bits).all(|(&d, &c)| d & !c == 0));
        if contains_kept {
            return false;
        }
        self.kept.extend_from_slice(&bits);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(lits: &[i64]) -> Vec<Lit> {
        lits.iter()
            .map(|&l| Lit {
                var: l.unsigned_abs() as u32 - 1,
                positive: l > 0,
            })
            .collect()
    }

    #[test]
    fn repeats_and_supersets_are_skipped_subsets_and_other_signs_are_not() {
        let mut filter = SubsumptionFilter::new(100);
        assert!(filter.is_new(&clause(&[1, 2, 70])));
        assert!(!filter.is_new(&clause(&[70, 1, 2])), "a repeat");
        assert!(
            !filter.is_new(&clause(&[1, 2, 3, 70])),
            "contains the first"
        );
        assert!(filter.is_new(&clause(&[1, -2, 70])), "another sign");
        assert!(filter.is_new(&clause(&[1, 70])), "a subset is stronger");
        assert!(!filter.is_new(&clause(&[1, 70, 99])));
        assert!(filter.is_new(&clause(&[2])));
    }

    #[test]
    fn past_the_variable_cap_every_clause_is_new() {
        let mut filter = SubsumptionFilter::new(MAX_VARIABLES + 1);
        assert!(filter.is_new(&clause(&[1])));
        assert!(filter.is_new(&clause(&[1])));
    }
}
