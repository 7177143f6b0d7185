//! Witnesses of extra symmetry: choosing a readable one and describing it in words.

use super::Verdict;
use crate::action::JointAction;
use crate::group::StabilizerChain;
use crate::perm::Perm;
use num_bigint::BigUint;
use std::ops::Range;

/// Above this many points the witness is not simplified (the kernel
/// computation runs Schreier-Sims on the whole automorphism group).
const SIMPLIFY_LIMIT: usize = 1024;

/// A readable witness for a verdict that is not exact (`None` when it is
/// exact): [`choose_witness`] among the automorphisms the search found.
/// `verdict` must come from [`super::verify_exact`] on `action`. May cost
/// two stabiliser chains of Aut, so call it only where the witness is shown.
pub fn readable_witness(verdict: &Verdict, action: &JointAction) -> Option<Perm> {
    if verdict.is_exact() {
        return None;
    }
    // the verdict's generators are G's followed by the found ones
    let found = &verdict.generators[action.joint_generators().len()..];
    choose_witness(
        found,
        &verdict.generators,
        &verdict.automorphism_order,
        action.chain(),
        action.input_size(),
    )
    .or_else(|| verdict.witness.clone())
}

/// A witness: an automorphism of the pattern that is not in G<N,M>, chosen
/// to be readable. Prefers one that fixes every input (or every output),
/// then the one moving the fewest points. `None` when every candidate lies
/// in `known`. A found automorphism fixing one side is taken as it is;
/// otherwise (up to 1024 points, `SIMPLIFY_LIMIT`) the kernels of Aut on each
/// side are computed, as the pointwise stabilisers of the points its
/// generators move on that side in a chain of Aut (whose order,
/// `aut_order`, is known, so the random phase of Schreier-Sims usually suffices).
pub fn choose_witness(
    found: &[Perm],
    aut_generators: &[Perm],
    aut_order: &BigUint,
    known: &StabilizerChain,
    inputs: usize,
) -> Option<Perm> {
    let points = known.degree();
    let mut candidates: Vec<Perm> = found
        .iter()
        .filter(|g| !known.contains(g))
        .cloned()
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let fixes = |g: &Perm, side: &Range<usize>| side.clone().all(|v| g.apply(v) == v);
    let sides = [0..inputs, inputs..points];
    for side in &sides {
        if let Some(g) = candidates
            .iter()
            .filter(|g| fixes(g, side))
            .min_by_key(|g| g.support().len())
        {
            return Some(g.clone());
        }
    }
    if points <= SIMPLIFY_LIMIT {
        for side in &sides {
            let moved: Vec<usize> = side
                .clone()
                .filter(|&v| aut_generators.iter().any(|g| g.apply(v) != v))
                .collect();
            let chain =
                StabilizerChain::with_base_and_order(points, aut_generators, &moved, aut_order);
            if let Some(g) = chain
                .stabilizer_generators(moved.len())
                .iter()
                .filter(|g| !g.is_identity() && !known.contains(g))
                .min_by_key(|g| g.support().len())
            {
                return Some(g.clone());
            }
        }
    }
    candidates.sort_by_key(|g| g.support().len());
    candidates.into_iter().next()
}

/// A witness split into its two sides, with a sentence about what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WitnessDescription {
    /// The permutation of the inputs, in cycle notation.
    pub inputs: Perm,
    /// The permutation of the outputs, in cycle notation (outputs numbered from 0).
    pub outputs: Perm,
    /// A plain sentence, e.g. "swaps outputs 1 and 3 while fixing every input".
    pub sentence: String,
}

/// Describes `witness` (on `0..N+M`, inputs first).
pub fn describe_witness(witness: &Perm, inputs: usize) -> WitnessDescription {
    let points = witness.degree();
    // an automorphism maps inputs to inputs and outputs to outputs
    let on_in = witness.restrict(0..inputs).expect("preserves the inputs");
    let on_out = witness
        .restrict(inputs..points)
        .expect("preserves the outputs");
    let sentence = match (on_in.is_identity(), on_out.is_identity()) {
        (true, true) => "is the identity".to_string(),
        (true, false) => format!("{} while fixing every input", moves(&on_out, "outputs")),
        (false, true) => format!("{} while fixing every output", moves(&on_in, "inputs")),
        (false, false) if on_in == on_out => format!(
            "applies the same permutation {on_in} to the inputs and to the outputs, which is not in G"
        ),
        (false, false) => {
            "moves the inputs and outputs by a permutation pair not in G".to_string()
        }
    };
    WitnessDescription {
        inputs: on_in,
        outputs: on_out,
        sentence,
    }
}

/// "swaps outputs 1 and 3", "moves outputs by (0 1 2)".
fn moves(p: &Perm, what: &str) -> String {
    let cycles = p.cycles();
    if cycles.len() == 1 && cycles[0].len() == 2 {
        format!("swaps {what} {} and {}", cycles[0][0], cycles[0][1])
    } else {
        format!("permutes the {what} by {p}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences() {
        let w = Perm::parse_cycles("(5 7)", 8).unwrap();
        let d = describe_witness(&w, 4);
        assert_eq!(d.sentence, "swaps outputs 1 and 3 while fixing every input");
        assert_eq!(d.outputs.to_string(), "(1 3)");
        let w = Perm::parse_cycles("(0 1 2)", 8).unwrap();
        assert_eq!(
            describe_witness(&w, 4).sentence,
            "permutes the inputs by (0 1 2) while fixing every output"
        );
        let w = Perm::parse_cycles("(0 1)(4 5)", 8).unwrap();
        assert!(describe_witness(&w, 4)
            .sentence
            .starts_with("applies the same"));
        let w = Perm::parse_cycles("(0 1)(4 6)", 8).unwrap();
        assert!(describe_witness(&w, 4)
            .sentence
            .starts_with("moves the inputs"));
    }
}
