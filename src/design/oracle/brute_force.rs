//! An independent exactness oracle for tests: every pair of permutations of a handful of points.
use super::{Check, ExactnessOracle, OracleError};
use crate::action::JointAction;
use crate::group::StabilizerChain;
use crate::layer::Tying;
use crate::perm::Perm;

/// Lists Aut(pattern) by trying every permutation of the inputs and, for
/// each, every matching permutation of the outputs. Only for tiny patterns
/// (at most [`BruteForceOracle::MAX_INPUTS`] inputs and outputs); its value
/// is that it shares no code with the verifier.
pub struct BruteForceOracle {
    target: StabilizerChain,
    input_size: usize,
    output_size: usize,
}

impl BruteForceOracle {
    /// The largest side it accepts (7! input permutations).
    pub const MAX_INPUTS: usize = 7;

    /// An oracle for patterns of `target`'s shape, comparing with `target`.
    pub fn new(target: &JointAction) -> BruteForceOracle {
        BruteForceOracle {
            target: target.chain().clone(),
            input_size: target.input_size(),
            output_size: target.output_size(),
        }
    }

    /// Every automorphism of `tying`, as joint permutations.
    pub fn all_automorphisms(tying: &Tying) -> Vec<Perm> {
        let (n, m) = (tying.cols, tying.rows);
        let mut found = Vec::new();
        let mut input: Vec<usize> = (0..n).collect();
        for_each_permutation(&mut input, 0, &mut |pi_n| {
            // candidates[m]: outputs whose row, with columns moved by pi_n, equals row m.
            let candidates: Vec<Vec<usize>> = (0..m)
                .map(|row| {
                    (0..m)
                        .filter(|&img| (0..n).all(|c| tying.get(img, pi_n[c]) == tying.get(row, c)))
                        .collect()
                })
                .collect();
            let mut output = vec![usize::MAX; m];
            let mut used = vec![false; m];
            match_outputs(&candidates, 0, &mut output, &mut used, &mut |pi_m| {
                let images: Vec<usize> = pi_n
                    .iter()
                    .copied()
                    .chain(pi_m.iter().map(|&v| v + n))
                    .collect();
                // `images` is a bijection by construction (both sides are).
                found.push(Perm::from_images(&images).expect("two bijections side by side"));
            });
        });
        found
    }
}

/// Calls `visit` with every permutation of `items[k..]` behind `items[..k]`.
fn for_each_permutation(items: &mut Vec<usize>, k: usize, visit: &mut dyn FnMut(&[usize])) {
    if k == items.len() {
        visit(items);
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        for_each_permutation(items, k + 1, visit);
        items.swap(k, i);
    }
}

/// Calls `visit` with every bijection choosing `output[r]` from `candidates[r]`.
fn match_outputs(
    candidates: &[Vec<usize>],
    row: usize,
    output: &mut Vec<usize>,
    used: &mut Vec<bool>,
    visit: &mut dyn FnMut(&[usize]),
) {
    if row == candidates.len() {
        visit(output);
        return;
    }
    for &img in &candidates[row] {
        if !used[img] {
            used[img] = true;
            output[row] = img;
            match_outputs(candidates, row + 1, output, used, visit);
            used[img] = false;
        }
    }
}

impl ExactnessOracle for BruteForceOracle {
    fn check(&self, tying: &Tying) -> Result<Check, OracleError> {
        if self.input_size > Self::MAX_INPUTS || self.output_size > Self::MAX_INPUTS {
            return Err(OracleError::TooLarge {
                inputs: self.input_size,
                outputs: self.output_size,
            });
        }
        let mut known = self.target.clone();
        let mut witnesses = Vec::new();
        for a in Self::all_automorphisms(tying) {
            if !known.contains(&a) {
                known.add_generator(a.clone());
                witnesses.push(a);
            }
        }
        Ok(if witnesses.is_empty() {
            Check::Exact
        } else {
            Check::Witnesses(witnesses)
        })
    }
}
