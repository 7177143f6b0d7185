//! The exactness question the searches ask: is Aut(pattern) the target group, and if not, why not.
//!
//! The searches are written against [`ExactnessOracle`]; the automorphism
//! verifier answers it for real instances, and [`BruteForceOracle`] (every
//! pair of permutations, for a handful of points) answers it independently
//! in tests.
use crate::action::JointAction;
use crate::group::StabilizerChain;
use crate::layer::Tying;
use crate::perm::Perm;

/// The answer about one pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    /// Aut(pattern) equals the target group.
    Exact,
    /// Automorphisms of the pattern outside the target group (at least
    /// one), as permutations of `0..N+M`, inputs first. Together with the
    /// target group they generate Aut(pattern).
    Witnesses(Vec<Perm>),
}

/// Why an oracle could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OracleError {
    #[error("the pattern is too large for brute-force automorphism enumeration ({inputs} inputs, {outputs} outputs)")]
    TooLarge { inputs: usize, outputs: usize },
    #[error("the automorphism verifier failed: {0}")]
    Verifier(String),
}

/// Decides whether a pattern's automorphism group is the target group,
/// which the caller guarantees lies inside it (the pattern is target-invariant).
pub trait ExactnessOracle {
    fn check(&self, tying: &Tying) -> Result<Check, OracleError>;
}

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

/// The automorphism verifier as an oracle: Aut(pattern) by refinement and
/// search seeded with the target group, and the automorphisms it found
/// outside the target as witnesses.
pub struct VerifierOracle<'a> {
    target: &'a JointAction,
}

impl<'a> VerifierOracle<'a> {
    /// An oracle comparing patterns of `target`'s shape with `target`.
    pub fn new(target: &'a JointAction) -> VerifierOracle<'a> {
        VerifierOracle { target }
    }
}

impl ExactnessOracle for VerifierOracle<'_> {
    fn check(&self, tying: &Tying) -> Result<Check, OracleError> {
        let structure = crate::verify::Structure::from_tying(tying);
        let aut = crate::verify::automorphisms(&structure, self.target.joint_generators())
            .map_err(|e| OracleError::Verifier(e.to_string()))?;
        if aut.order == self.target.order() {
            return Ok(Check::Exact);
        }
        let witnesses: Vec<Perm> = aut
            .found
            .into_iter()
            .filter(|g| !self.target.chain().contains(g))
            .collect();
        if witnesses.is_empty() {
            return Err(OracleError::Verifier(
                "Aut is larger than the target but no automorphism outside it was found".into(),
            ));
        }
        Ok(Check::Witnesses(witnesses))
    }
}
