//! The exactness question the searches ask: is Aut(pattern) the target group, and if not, why not.
//!
//! The searches are written against [`ExactnessOracle`]; the automorphism
//! verifier answers it for real instances, and `BruteForceOracle` (every
//! pair of permutations, for a handful of points; feature `internal-testing`)
//! answers it independently in tests.
use super::pattern::{pattern_of, OrbitEdges};
use crate::action::{EdgeOrbits, JointAction};
use crate::group::StabilizerChain;
use crate::layer::Tying;
use crate::perm::Perm;
use crate::verify::{Structure, Twins};
use std::sync::{Arc, OnceLock};

#[cfg(any(test, feature = "internal-testing"))]
mod brute_force;
#[cfg(any(test, feature = "internal-testing"))]
pub use brute_force::BruteForceOracle;

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
    /// From `BruteForceOracle` (tests), beyond its few points.
    #[error("the pattern is too large for brute-force automorphism enumeration ({inputs} inputs, {outputs} outputs)")]
    TooLarge { inputs: usize, outputs: usize },
    #[error("the automorphism verifier failed: {0}")]
    Verifier(#[source] crate::verify::VerifyError),
    /// The verifier's group is larger than the target, yet none of its
    /// generators lies outside the target (a verifier bug).
    #[error("Aut is larger than the target but no automorphism outside it was found")]
    NoWitness,
    /// The check was abandoned because the caller's stop condition turned true.
    #[error("the exactness check was abandoned: the search was asked to stop")]
    Stopped,
}

/// Decides whether a pattern's automorphism group is the target group,
/// which the caller guarantees lies inside it (the pattern is target-invariant).
pub trait ExactnessOracle {
    fn check(&self, tying: &Tying) -> Result<Check, OracleError>;

    /// [`ExactnessOracle::check`] of the pattern with one colour per chosen
    /// orbit ([`pattern_of`]). Oracles that can read the chosen orbits' edges
    /// directly override it, so that a question costs its pattern's edges
    /// rather than N x M.
    fn check_chosen(&self, orbits: &EdgeOrbits, chosen: &[bool]) -> Result<Check, OracleError> {
        self.check(&pattern_of(orbits, chosen))
    }
}

/// The automorphism verifier as an oracle: Aut(pattern) by refinement and
/// search seeded with the target group, and the automorphisms it found
/// outside the target as witnesses.
pub struct VerifierOracle<'a> {
    target: &'a JointAction,
    /// Polled while the verifier runs; see [`VerifierOracle::with_stop`].
    stop: Option<&'a dyn Fn() -> bool>,
    /// The edge lists of the orbits [`ExactnessOracle::check_chosen`] is
    /// asked about, built on its first call (`None`: too large to list).
    edges: OnceLock<Option<OrbitEdges>>,
    /// The target's generators and, when it has one, its chain, shared
    /// with the verifier's worker threads.
    known: OnceLock<Arc<KnownGroup>>,
}

/// Generators of the target and its stabiliser chain (if built).
type KnownGroup = (Vec<Perm>, Option<StabilizerChain>);

impl<'a> VerifierOracle<'a> {
    /// An oracle comparing patterns of `target`'s shape with `target`.
    pub fn new(target: &'a JointAction) -> VerifierOracle<'a> {
        VerifierOracle {
            target,
            stop: None,
            edges: OnceLock::new(),
            known: OnceLock::new(),
        }
    }

    /// [`VerifierOracle::new`] whose automorphism search runs on a worker
    /// thread that is abandoned, with [`OracleError::Stopped`], as soon as
    /// `stop` turns true. One search on a pattern with a huge automorphism
    /// group (a pooling layer's closure) took 9 s, past --time-limit; the
    /// abandoned search ends at its next cancellation checkpoint
    /// ([`crate::background`]).
    pub fn with_stop(target: &'a JointAction, stop: &'a dyn Fn() -> bool) -> VerifierOracle<'a> {
        VerifierOracle {
            target,
            stop: Some(stop),
            edges: OnceLock::new(),
            known: OnceLock::new(),
        }
    }

    /// The answer for `structure` (a target-invariant pattern): first the
    /// automorphisms read off its components and twins, then the verifier.
    fn check_structure(&self, structure: Structure) -> Result<Check, OracleError> {
        // The quick witnesses and the last filter ask the target about
        // membership; a large closure builds its chain for that, which is
        // done here where the stop can abandon it.
        if let Some(stop) = self.stop {
            if !self.target.prepare_membership(stop) {
                return Err(OracleError::Stopped);
            }
        }
        let mut quick = component_swaps(&structure, self.target);
        quick.extend(twin_swaps(&structure, self.target));
        if !quick.is_empty() {
            return Ok(Check::Witnesses(quick));
        }

        // With the target's chain at hand the verifier ends after its first
        // path when the pattern is exact, and otherwise changes the chain's
        // base with the order known; without it, it built a chain of the
        // target for every question (43% of a p4 64 x 64 search). A closure
        // whose chain was never built keeps it that way (see
        // JointAction::closure_of_dense).
        let known = Arc::clone(self.known.get_or_init(|| {
            let generators = self.target.joint_generators().to_vec();
            let chain = (!self.target.chain_deferred()).then(|| self.target.chain().clone());
            Arc::new((generators, chain))
        }));
        let run = move || match &known.1 {
            Some(chain) => crate::verify::automorphisms_of_known(&structure, &known.0, chain),
            None => crate::verify::automorphisms(&structure, &known.0),
        };
        let aut = match self.stop {
            None => run(),
            Some(stop) => {
                let search = run;
                let joined = crate::background::run_unless_stopped(search, stop)
                    .ok_or(OracleError::Stopped)?;
                // A panic in the verifier is a bug, not a stop: raise it here.
                joined.unwrap_or_else(|payload| std::panic::resume_unwind(payload))
            }
        }
        .map_err(OracleError::Verifier)?;
        if aut.order == self.target.order() {
            return Ok(Check::Exact);
        }
        let witnesses: Vec<Perm> = aut
            .found()
            .iter()
            .filter(|g| !self.target.contains(g))
            .cloned()
            .collect();
        if witnesses.is_empty() {
            return Err(OracleError::NoWitness);
        }
        Ok(Check::Witnesses(witnesses))
    }
}

impl ExactnessOracle for VerifierOracle<'_> {
    fn check(&self, tying: &Tying) -> Result<Check, OracleError> {
        self.check_structure(Structure::from_tying(tying))
    }

    fn check_chosen(&self, orbits: &EdgeOrbits, chosen: &[bool]) -> Result<Check, OracleError> {
        let edges = self.edges.get_or_init(|| OrbitEdges::new(orbits));
        match edges {
            Some(edges) if edges.fits(orbits) => self.check_structure(edges.structure(chosen)),
            // Orbits other than the first ones asked about, or too many entries to list.
            _ => self.check(&pattern_of(orbits, chosen)),
        }
    }
}

/// At most this many component swaps are returned for one pattern.
const MAX_QUICK_WITNESSES: usize = 64;

/// At most this many component pairs are tried for one pattern.
const MAX_QUICK_CANDIDATES: usize = 1024;

/// Automorphisms outside the target read off the pattern's connected
/// components, without a search: if a target element g maps a component
/// C onto another component C', then "g on C, g^-1 on
/// C', identity elsewhere" preserves every colour (the pattern is
/// target-invariant) and every non-edge (components have no edges between
/// them). Returns those of them (one per component pair and target
/// generator, at most `MAX_QUICK_WITNESSES`) that lie outside the
/// target. Costs one union-find pass over the edges; this is what keeps
/// the search fast on sparse proposals, whose automorphism groups are huge
/// wreath products that a full search would have to build.
pub fn component_swaps(structure: &Structure, target: &JointAction) -> Vec<Perm> {
    let (n, m) = (structure.inputs(), structure.outputs());
    let mut components = crate::group::OrbitPartition::new(n + m);
    for input in 0..n {
        for &(output, _) in structure.neighbours(input) {
            components.union(input, output as usize);
        }
    }
    let (label, count) = components.class_indices();
    if count < 2 {
        return Vec::new();
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (v, &l) in label.iter().enumerate() {
        members[l as usize].push(v);
    }
    let mut swaps: Vec<Perm> = Vec::new();
    let mut tried = std::collections::HashSet::new();
    let generators = target.joint_generators();
    let inverses: Vec<Perm> = generators.iter().map(Perm::inverse).collect();
    for (c, part) in members.iter().enumerate() {
        for (g, inverse) in generators.iter().zip(&inverses) {
            let other = label[g.apply(part[0])] as usize;
            if other == c || !tried.insert((c.min(other), c.max(other))) {
                continue;
            }
            if tried.len() > MAX_QUICK_CANDIDATES {
                // Each candidate costs a membership test; on a pooling
                // layer's closure (hundreds of generators, a chain 900
                // levels deep) tens of thousands of them, all inside the
                // target, took seconds per check. The verifier decides the rest.
                return swaps;
            }
            let mut images: Vec<u32> = (0..(n + m) as u32).collect();
            for &v in part {
                images[v] = g.apply(v) as u32;
            }
            for &v in &members[other] {
                images[v] = inverse.apply(v) as u32;
            }
            let swap = Perm::from_images_unchecked(images);
            if !target.contains(&swap) {
                swaps.push(swap);
                if swaps.len() >= MAX_QUICK_WITNESSES {
                    return swaps;
                }
            }
        }
    }
    swaps
}

/// Transpositions of twins outside the target: two inputs with equal
/// neighbour lists (the same colour to every output, equal columns of the
/// tying matrix), or two outputs with equal rows, can be swapped alone.
/// One per twin class ([`Twins`], the verifier's own classes): its two
/// least members, inputs first, each side ordered by the second member.
pub fn twin_swaps(structure: &Structure, target: &JointAction) -> Vec<Perm> {
    let Some(twins) = Twins::find(structure) else {
        return Vec::new();
    };
    let mut pairs: Vec<(u32, u32)> = (0..twins.classes())
        .filter_map(|c| match twins.members(c) {
            [a, b, ..] => Some((*a, *b)),
            _ => None,
        })
        .collect();
    let n = structure.inputs() as u32;
    pairs.sort_unstable_by_key(|&(_, second)| (second >= n, second));
    let points = structure.points() as u32;
    pairs
        .into_iter()
        .map(|(a, b)| {
            let mut images: Vec<u32> = (0..points).collect();
            images.swap(a as usize, b as usize);
            Perm::from_images_unchecked(images)
        })
        .filter(|swap| !target.contains(swap))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::GeneratorPair;

    #[test]
    fn twin_pairs_are_the_first_two_of_each_class_of_equal_lines() {
        // Columns 0, 2, 4 equal; 1 and 3 equal; 5 alone. Rows 0 and 2 equal.
        let tying = Tying {
            rows: 3,
            cols: 6,
            data: vec![
                0, 1, 0, 1, 0, 2, //
                -1, 3, -1, 3, -1, 4, //
                0, 1, 0, 1, 0, 2,
            ],
        };
        let trivial = JointAction::new(
            6,
            3,
            vec![GeneratorPair {
                input: Perm::identity(6),
                output: Perm::identity(3),
            }],
        );
        let swapped: Vec<Vec<usize>> = twin_swaps(&Structure::from_tying(&tying), &trivial)
            .iter()
            .map(|p| p.support())
            .collect();
        assert_eq!(swapped, vec![vec![0, 2], vec![1, 3], vec![6, 8]]);
    }

    #[test]
    fn component_swaps_are_automorphisms_outside_the_group() {
        let shift = Perm::from_images(&[1, 2, 3, 0]).unwrap();
        let c4 = JointAction::new(
            4,
            4,
            vec![GeneratorPair {
                input: shift.clone(),
                output: shift,
            }],
        );
        // Colour 0 on (n, n), colour 1 on (n, n + step mod 4), inputs n, outputs m.
        let two_diagonals = |step: usize| {
            let mut data = vec![-1; 16];
            for n in 0..4 {
                data[n * 4 + n] = 0;
                data[((n + step) % 4) * 4 + n] = 1;
            }
            Tying {
                rows: 4,
                cols: 4,
                data,
            }
        };
        // Step 2: two components {0, 2} and {1, 3} on each side.
        let tying = two_diagonals(2);
        let swaps = component_swaps(&Structure::from_tying(&tying), &c4);
        assert!(!swaps.is_empty());
        let all = BruteForceOracle::all_automorphisms(&tying);
        for s in &swaps {
            assert!(all.contains(s), "{s} is not an automorphism");
            assert!(!c4.chain().contains(s));
        }
        // Step 1 is connected: no swaps.
        let connected = two_diagonals(1);
        assert!(component_swaps(&Structure::from_tying(&connected), &c4).is_empty());
        assert!(twin_swaps(&Structure::from_tying(&connected), &c4).is_empty());
    }

    #[test]
    fn twins_are_found_on_both_sides() {
        let trivial = JointAction::new(3, 2, Vec::new());
        // Inputs 0 and 2 have equal columns; the outputs' rows differ.
        let tying = Tying {
            rows: 2,
            cols: 3,
            data: vec![0, 1, 0, 2, -1, 2],
        };
        let swaps = twin_swaps(&Structure::from_tying(&tying), &trivial);
        assert_eq!(swaps, vec![Perm::parse_cycles("(0 2)", 5).unwrap()]);
        let all = BruteForceOracle::all_automorphisms(&tying);
        assert!(all.contains(&swaps[0]));
    }
}
