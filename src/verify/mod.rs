//! The automorphism verifier: Aut of a tying pattern, exactness against G<N,M>, and witnesses.
//!
//! A tying pattern is a coloured bipartite [`Structure`]; its automorphisms
//! are pairs (permutation of the inputs, permutation of the outputs) written
//! as one permutation of `0..N+M`, inputs first, like
//! [`JointAction::joint_generators`]. [`automorphisms`] computes the group by
//! individualisation and refinement (the `search` module), seeded with a known
//! subgroup, after reducing twin points to one point per class ([`Twins`]);
//! [`verify_exact`] compares it with G<N,M>; [`verify_layer`] also
//! verifies the closure (the automorphism group of the dense design). The
//! verifier knows tying matrices ([`crate::tying`]), not layer files: the
//! design writes its verdicts into a layer (`design::record_verdict`).
mod dense_closure;
mod dreadnaut;
mod partition;
mod refine;
mod search;
mod structure;
mod twins;
mod witness;

pub use dense_closure::dense_design_proved_exact;
pub use dreadnaut::write_dreadnaut;
pub use search::{SearchResult, SearchStats};
pub use structure::Structure;
pub use twins::Twins;
pub use witness::{choose_witness, describe_witness, readable_witness, WitnessDescription};

use crate::action::JointAction;
use crate::group::StabilizerChain;
use crate::perm::Perm;
use crate::tying::Tying;
use num_bigint::BigUint;

/// Why a verification could not be carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A known generator does not preserve the pattern: the layer is not G-equivariant.
    #[error(
        "generator {index} does not preserve the tying pattern, so the layer is not G-equivariant"
    )]
    NotAnAutomorphism { index: usize },
    /// The pattern's shape does not match the group's action.
    #[error("the tying matrix is {rows} x {cols}, but the group acts on {inputs} inputs and {outputs} outputs")]
    ShapeMismatch {
        rows: usize,
        cols: usize,
        inputs: usize,
        outputs: usize,
    },
}

/// The automorphism group of a structure.
#[derive(Clone, Debug)]
pub struct AutomorphismGroup {
    /// |Aut|.
    pub order: BigUint,
    /// Generators: the known ones followed by the found ones ([`AutomorphismGroup::found`]).
    pub generators: Vec<Perm>,
    /// How many of `generators` are the known ones.
    pub known: usize,
    pub stats: SearchStats,
}

impl AutomorphismGroup {
    /// The automorphisms found besides the known ones; with them they
    /// generate Aut. Without twins: each lay outside the group known at
    /// its search level when it was found. With twins: a transposition and
    /// a cycle generating the symmetric group on each twin class
    /// ([`Twins::symmetric_generators`]), then the lifts of the quotient's
    /// found automorphisms (some may lie in the known group).
    pub fn found(&self) -> &[Perm] {
        &self.generators[self.known..]
    }
}

/// The automorphism group of `structure`, given automorphisms `known` to start from.
/// Fails if some element of `known` is not an automorphism.
pub fn automorphisms(
    structure: &Structure,
    known: &[Perm],
) -> Result<AutomorphismGroup, VerifyError> {
    check_known(structure, known)?;
    Ok(compute(structure, known, None))
}

/// Like [`automorphisms`] with a stabiliser chain of `<known>` at hand:
/// when the first path of the search already bounds |Aut| by |known|, no
/// further work is done. `known_chain` must be a
/// chain of the group `known` generates.
pub fn automorphisms_of_known(
    structure: &Structure,
    known: &[Perm],
    known_chain: &StabilizerChain,
) -> Result<AutomorphismGroup, VerifyError> {
    check_known(structure, known)?;
    Ok(compute(structure, known, Some(known_chain)))
}

/// Like [`automorphisms`] without the twin reduction: the search discovers
/// the symmetric groups on twin classes one transposition at a time (slow
/// on pooling layers). For cross-checks in tests (feature `internal-testing`).
#[cfg(any(test, feature = "internal-testing"))]
pub fn automorphisms_unreduced(
    structure: &Structure,
    known: &[Perm],
) -> Result<AutomorphismGroup, VerifyError> {
    check_known(structure, known)?;
    Ok(group_from(search::search(structure, known, None), known))
}

fn check_known(structure: &Structure, known: &[Perm]) -> Result<(), VerifyError> {
    match known.iter().position(|g| !structure.is_automorphism(g)) {
        Some(index) => Err(VerifyError::NotAnAutomorphism { index }),
        None => Ok(()),
    }
}

/// Aut by the search on the twin quotient when there are twins, else on `structure` itself.
fn compute(
    structure: &Structure,
    known: &[Perm],
    known_chain: Option<&StabilizerChain>,
) -> AutomorphismGroup {
    match Twins::find(structure) {
        Some(twins) => reduced(structure, &twins, known),
        None => group_from(search::search(structure, known, known_chain), known),
    }
}

/// Aut(structure) = Aut(Q) ⋉ (product of the symmetric groups on the twin
/// classes), with Aut(Q) searched on the quotient `Q`, seeded with the
/// known automorphisms' actions on the classes.
fn reduced(structure: &Structure, twins: &Twins, known: &[Perm]) -> AutomorphismGroup {
    let quotient = twins.quotient(structure);
    let images: Vec<Perm> = known.iter().map(|g| twins.on_classes(g)).collect();
    let image_chain = StabilizerChain::new(quotient.points(), &images);
    let result = search::search_in(&quotient, &twins.cell_sizes(), &images, Some(&image_chain));
    let mut generators = known.to_vec();
    generators.extend(twins.symmetric_generators());
    let lifts = result.found.iter().map(|q| twins.lift(q));
    generators.extend(lifts);
    debug_assert!(generators[known.len()..]
        .iter()
        .all(|g| structure.is_automorphism(g)));
    let stats = SearchStats {
        found: generators.len() - known.len(),
        quotient_points: Some(quotient.points()),
        ..result.stats
    };
    AutomorphismGroup {
        order: result.order * twins.kernel_order(),
        generators,
        known: known.len(),
        stats,
    }
}

fn group_from(result: SearchResult, known: &[Perm]) -> AutomorphismGroup {
    let mut generators = known.to_vec();
    generators.extend(result.found);
    AutomorphismGroup {
        order: result.order,
        generators,
        known: known.len(),
        stats: result.stats,
    }
}

/// Aut of a pattern compared with G<N,M>.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// |Aut(pattern)|.
    pub automorphism_order: BigUint,
    /// |G<N,M>|.
    pub group_order: BigUint,
    /// Generators of Aut(pattern) (G's generators first).
    pub generators: Vec<Perm>,
    /// An automorphism not in G<N,M> (the first found one outside G, not
    /// chosen for readability: see [`readable_witness`]); `None` iff the
    /// pattern is exact.
    pub witness: Option<Perm>,
    pub stats: SearchStats,
}

impl Verdict {
    /// Whether Aut(pattern) = G<N,M> (unique equivariance).
    pub fn is_exact(&self) -> bool {
        self.witness.is_none()
    }
}

/// Computes Aut(`tying`) starting from G<N,M> and decides whether they are equal.
/// Fails when the shapes differ or G does not preserve the pattern.
pub fn verify_exact(tying: &Tying, action: &JointAction) -> Result<Verdict, VerifyError> {
    if tying.rows != action.output_size() || tying.cols != action.input_size() {
        return Err(VerifyError::ShapeMismatch {
            rows: tying.rows,
            cols: tying.cols,
            inputs: action.input_size(),
            outputs: action.output_size(),
        });
    }
    let structure = Structure::from_tying(tying);
    let aut = automorphisms_of_known(&structure, action.joint_generators(), action.chain())?;
    let group_order = action.order();
    let witness = if aut.order == group_order {
        None
    } else {
        let w = aut.found().iter().find(|g| !action.chain().contains(g));
        // G is inside Aut, so a larger order means some found automorphism lies outside G
        Some(
            w.expect("Aut larger than G has a generator outside G")
                .clone(),
        )
    };
    Ok(Verdict {
        automorphism_order: aut.order,
        group_order,
        generators: aut.generators,
        witness,
        stats: aut.stats,
    })
}

/// The verdict on the dense design: Aut(dense) is the closure of G, the
/// smallest automorphism group any G-invariant pattern can have. Its witness,
/// when there is one, certifies that no pattern is exact.
pub fn verify_closure(action: &JointAction) -> Verdict {
    let dense = Tying::from_edge_orbits(action.edge_orbits());
    verify_dense(&dense, action)
        // the dense design has the action's shape and is G-invariant by construction
        .expect("the dense design is G-invariant")
}

/// [`verify_exact`] for the dense design of `action` (as
/// [`Tying::from_edge_orbits`] builds it): first the search-free proof of
/// [`dense_design_proved_exact`] (a few passes over the matrix), and the
/// general verifier only when that proves nothing.
pub fn verify_dense(dense: &Tying, action: &JointAction) -> Result<Verdict, VerifyError> {
    if dense_design_proved_exact(action, dense) {
        return Ok(Verdict {
            automorphism_order: action.order(),
            group_order: action.order(),
            generators: action.joint_generators().to_vec(),
            witness: None,
            stats: SearchStats::default(),
        });
    }
    verify_exact(dense, action)
}

/// The verifier's fields for a layer: its own verdict and the closure's.
#[derive(Clone, Debug)]
pub struct LayerVerdict {
    pub pattern: Verdict,
    pub closure: Verdict,
}

impl LayerVerdict {
    /// Whether the pattern is exact.
    pub fn is_exact(&self) -> bool {
        self.pattern.is_exact()
    }

    /// Whether some G-invariant pattern is exact (the closure equals G).
    pub fn exact_possible(&self) -> bool {
        self.closure.is_exact()
    }
}

/// Verifies `tying` and the dense design of `action`. The dense design is
/// built only when `tying` is not exact: Aut(dense) lies inside the
/// automorphism group of every G-invariant pattern, so an exact pattern
/// proves the closure is G.
pub fn verify_layer(tying: &Tying, action: &JointAction) -> Result<LayerVerdict, VerifyError> {
    let pattern = verify_exact(tying, action)?;
    let closure = if pattern.is_exact() {
        pattern.clone()
    } else {
        let dense = Tying::from_edge_orbits(action.edge_orbits());
        if &dense == tying {
            pattern.clone()
        } else {
            verify_dense(&dense, action)?
        }
    };
    Ok(LayerVerdict { pattern, closure })
}

/// Like [`verify_layer`] with the dense design already built; when `tying`
/// is the dense design it is verified once.
pub fn verify_layer_with_dense(
    tying: &Tying,
    dense: &Tying,
    action: &JointAction,
) -> Result<LayerVerdict, VerifyError> {
    let pattern = verify_exact(tying, action)?;
    let closure = if pattern.is_exact() || std::ptr::eq(tying, dense) || tying == dense {
        pattern.clone()
    } else {
        verify_dense(dense, action)?
    };
    Ok(LayerVerdict { pattern, closure })
}
