//! The paper's sparse design: a smallest symmetric generating set H of G, found by a solver with subgroup cuts.
//!
//! Variables: one per class {h, h^-1} of non-identity elements (weight 1
//! for an involution, 2 otherwise), minimising |H|. When the proposal
//! generates only K < G (a stabiliser chain decides), the cut "some chosen
//! element lies outside K" is added; it holds for every generating set, so
//! the first proposal that generates G is a proved minimum over the
//! candidates. Candidates are all of G when it can be listed
//! ([`LIST_LIMIT`] elements); otherwise a seeded pool (the generators,
//! their inverses, products of two, random elements), and then the answer
//! is only an upper bound.
//!
//! The pattern: input orbit representatives n_p, output orbit
//! representatives m_q, and one colour per (p, q, h): the G-orbit of
//! (n_p, h . m_q). Where it is still slow: listing G and sifting every
//! element after each round costs |G| sifts per cut.
use super::optimal::{SearchError, SearchProgress, SearchSettings};
use crate::action::{EdgeOrbits, JointAction};
use crate::group::StabilizerChain;
use crate::perm::Perm;
use crate::solve::{new_solver, Lit, Outcome};
use num_bigint::BigUint;
use rand::SeedableRng;

/// The largest group whose elements are all candidates.
pub const LIST_LIMIT: usize = 1_000_000;
/// Listing also stops above this many stored permutation entries (elements x degree).
const LIST_ENTRY_LIMIT: usize = 40_000_000;
/// Random elements in the pool for groups too large to list.
const POOL_RANDOM: usize = 64;

/// A generating set found by the search.
#[derive(Clone, Debug)]
pub struct GeneratingSet {
    /// H, closed under inverses (joint permutations, inputs first), in
    /// candidate order; never contains the identity.
    pub elements: Vec<Perm>,
    /// True iff every element of G was a candidate and the solver proved
    /// that no smaller symmetric set generates G.
    pub optimal: bool,
    /// A proved lower bound on the size of a symmetric generating set.
    pub lower_bound: u64,
    /// Whether the candidates were all of G (else a pool).
    pub listed: bool,
    pub progress: SearchProgress,
}

/// Candidate elements grouped in inverse classes, each class's first member first.
struct Candidates {
    classes: Vec<Vec<Perm>>,
    listed: bool,
}

fn candidates(action: &JointAction) -> Candidates {
    let chain = action.chain();
    let degree = chain.degree();
    let limit = LIST_LIMIT.min(LIST_ENTRY_LIMIT / degree.max(1));
    let (mut elements, listed) = match chain.elements(limit) {
        Some(all) => (all, true),
        None => (pool(action), false),
    };
    elements.retain(|e| !e.is_identity());
    elements.sort();
    elements.dedup();
    let mut taken = vec![false; elements.len()];
    let mut classes = Vec::new();
    for i in 0..elements.len() {
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let inverse = elements[i].inverse();
        let mut class = vec![elements[i].clone()];
        if inverse != elements[i] {
            // The candidate lists are closed under inverses (G, or the pool by construction).
            let j = elements
                .binary_search(&inverse)
                .expect("candidates are closed under inverses");
            taken[j] = true;
            class.push(inverse);
        }
        classes.push(class);
    }
    Candidates { classes, listed }
}

/// The generators, their inverses, products of two of those, and seeded
/// random elements, closed under inverses.
fn pool(action: &JointAction) -> Vec<Perm> {
    let gens = action.joint_generators();
    let mut basic: Vec<Perm> = gens.to_vec();
    basic.extend(gens.iter().map(Perm::inverse));
    let mut pool = basic.clone();
    for a in &basic {
        for b in &basic {
            pool.push(a.then(b));
        }
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0x5eed);
    for _ in 0..POOL_RANDOM {
        pool.push(action.chain().random_element(&mut rng));
    }
    let inverses: Vec<Perm> = pool.iter().map(Perm::inverse).collect();
    pool.extend(inverses);
    pool
}

/// A lower bound on |H| for any symmetric generating set: 0 for the trivial
/// group, 1 for C2 (one involution), 2 otherwise (one element generates
/// only a cyclic group, and a symmetric singleton is an involution).
fn provable_lower_bound(order: &BigUint) -> u64 {
    if *order == BigUint::from(1u32) {
        0
    } else if *order == BigUint::from(2u32) {
        1
    } else {
        2
    }
}

/// Finds a smallest symmetric generating set of G<N,M>.
pub fn minimum_generating_set(
    action: &JointAction,
    settings: SearchSettings<'_>,
) -> Result<GeneratingSet, SearchError> {
    let order = action.order();
    let degree = action.input_size() + action.output_size();
    let candidates = candidates(action);
    let weights: Vec<u64> = candidates.classes.iter().map(|c| c.len() as u64).collect();
    let mut progress = SearchProgress {
        best: action.joint_generators().len() as u64 * 2,
        bound: provable_lower_bound(&order),
        ..SearchProgress::default()
    };
    let done = |chosen: Vec<usize>, optimal: bool, bound: u64, progress: SearchProgress| {
        Ok(GeneratingSet {
            elements: chosen
                .iter()
                .flat_map(|&c| candidates.classes[c].iter().cloned())
                .collect(),
            optimal,
            lower_bound: bound,
            listed: candidates.listed,
            progress,
        })
    };
    if candidates.classes.is_empty() {
        return done(Vec::new(), true, 0, progress);
    }
    let mut solver = new_solver(settings.solver, weights)?;
    solver.add_clause(
        &(0..candidates.classes.len())
            .map(Lit::pos)
            .collect::<Vec<_>>(),
    );
    loop {
        if (settings.stop)() {
            return fallback(action, &candidates, progress);
        }
        let proposal = match solver.minimize(settings.stop)? {
            Outcome::Optimal(m) => m,
            Outcome::Stopped { lower_bound } => {
                progress.bound = progress.bound.max(lower_bound);
                return fallback(action, &candidates, progress);
            }
            Outcome::Infeasible => {
                return Err(SearchError::Inconsistent(
                    "the subgroup cuts exclude every generating set".into(),
                ))
            }
        };
        progress.iterations += 1;
        if candidates.listed {
            progress.bound = progress.bound.max(proposal.cost);
        }
        let chosen: Vec<usize> = (0..proposal.chosen.len())
            .filter(|&c| proposal.chosen[c])
            .collect();
        let elements: Vec<Perm> = chosen
            .iter()
            .flat_map(|&c| candidates.classes[c].iter().cloned())
            .collect();
        let generated = StabilizerChain::new(degree, &elements);
        if generated.order() == order {
            progress.best = proposal.cost;
            (settings.progress)(&progress);
            let bound = progress.bound;
            return done(chosen, candidates.listed, bound, progress);
        }
        let outside: Vec<Lit> = candidates
            .classes
            .iter()
            .enumerate()
            .filter(|(_, class)| !generated.contains(&class[0]))
            .map(|(c, _)| Lit::pos(c))
            .collect();
        solver.add_clause(&outside);
        progress.cuts += 1;
        (settings.progress)(&progress);
    }
}

/// When stopped early: the instance's generators and their inverses.
fn fallback(
    action: &JointAction,
    candidates: &Candidates,
    progress: SearchProgress,
) -> Result<GeneratingSet, SearchError> {
    let mut elements: Vec<Perm> = Vec::new();
    for g in action.joint_generators() {
        for e in [g.clone(), g.inverse()] {
            if !e.is_identity() && !elements.contains(&e) {
                elements.push(e);
            }
        }
    }
    Ok(GeneratingSet {
        elements,
        optimal: false,
        lower_bound: progress.bound,
        listed: candidates.listed,
        progress,
    })
}

/// The orbits of the sparse pattern for `h`: for every input orbit
/// representative n_p, output orbit representative m_q and h in `h`, the
/// orbit of (n_p, h . m_q).
pub fn sparse_orbits(action: &JointAction, orbits: &EdgeOrbits, h: &[Perm]) -> Vec<bool> {
    let n = action.input_size();
    let mut chosen = vec![false; orbits.count()];
    for input_orbit in action.input_orbits() {
        for output_orbit in action.output_orbits() {
            for g in h {
                let m = g.apply(n + output_orbit[0]) - n;
                chosen[orbits.orbit(input_orbit[0], m) as usize] = true;
            }
        }
    }
    chosen
}

/// |<h h'^-1 : h, h' in H>|: when smaller than |G|, the sparse pattern falls
/// apart into pieces that can be moved independently.
pub fn difference_subgroup_order(action: &JointAction, h: &[Perm]) -> BigUint {
    let degree = action.input_size() + action.output_size();
    let Some(first) = h.first() else {
        return BigUint::from(1u32);
    };
    let back = first.inverse();
    let differences: Vec<Perm> = h.iter().map(|g| g.then(&back)).collect();
    StabilizerChain::new(degree, &differences).order()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::GeneratorPair;
    use crate::solve::SolverKind;

    fn same_both_sides(n: usize, gens: &[&[usize]]) -> JointAction {
        let pairs = gens
            .iter()
            .map(|g| GeneratorPair {
                input: Perm::from_images(g).unwrap(),
                output: Perm::from_images(g).unwrap(),
            })
            .collect();
        JointAction::new(n, n, pairs)
    }

    fn smallest(action: &JointAction, solver: SolverKind) -> GeneratingSet {
        let mut ignore = |_: &SearchProgress| {};
        minimum_generating_set(
            action,
            SearchSettings {
                objective: crate::design::Objective::Parameters,
                solver,
                stop: &|| false,
                progress: &mut ignore,
                connectivity_bound: true,
            },
        )
        .unwrap()
    }

    /// The smallest symmetric generating set by trying subsets of G (tiny groups).
    fn brute_force_size(action: &JointAction) -> usize {
        let elements: Vec<Perm> = action
            .chain()
            .elements(64)
            .unwrap()
            .into_iter()
            .filter(|e| !e.is_identity())
            .collect();
        let degree = action.input_size() + action.output_size();
        let k = elements.len();
        (0u32..1 << k)
            .filter(|mask| {
                let h: Vec<Perm> = (0..k)
                    .filter(|i| mask >> i & 1 == 1)
                    .map(|i| elements[i].clone())
                    .collect();
                h.iter().all(|g| h.contains(&g.inverse()))
                    && StabilizerChain::new(degree, &h).order() == action.order()
            })
            .map(|mask| mask.count_ones() as usize)
            .min()
            .unwrap()
    }

    #[test]
    fn smallest_sets_match_brute_force_on_both_backends() {
        let cases = [
            same_both_sides(4, &[&[1, 2, 3, 0]]),
            same_both_sides(4, &[&[1, 0, 3, 2], &[2, 3, 0, 1]]),
            same_both_sides(4, &[&[1, 0, 2, 3], &[1, 2, 3, 0]]),
            same_both_sides(6, &[&[2, 3, 4, 5, 0, 1], &[1, 0, 5, 4, 3, 2]]),
        ];
        // S4 needs 3: two involutions generate a dihedral group, {g, g^-1} a cyclic one.
        let expected = [2, 2, 3, 2];
        for (action, want) in cases.iter().zip(expected) {
            if action.order() <= 12u32.into() {
                assert_eq!(brute_force_size(action), want);
            }
            for solver in [SolverKind::Sat, SolverKind::Ilp] {
                let h = smallest(action, solver);
                assert!(h.optimal && h.listed);
                assert_eq!(h.elements.len(), want, "{solver}");
                let degree = action.input_size() + action.output_size();
                assert_eq!(
                    StabilizerChain::new(degree, &h.elements).order(),
                    action.order()
                );
            }
        }
    }

    #[test]
    fn cyclic_four_pair_has_proper_difference_subgroup() {
        // The paper's C4 example: H = {1, 3} gives <h h'^-1> = {0, 2}.
        let c4 = same_both_sides(4, &[&[1, 2, 3, 0]]);
        let h = smallest(&c4, SolverKind::Sat).elements;
        assert_eq!(difference_subgroup_order(&c4, &h), 2u32.into());
        let mut with_identity = h.clone();
        with_identity.push(Perm::identity(8));
        assert_eq!(difference_subgroup_order(&c4, &with_identity), 4u32.into());
        let orbits = c4.edge_orbits();
        assert_eq!(
            sparse_orbits(&c4, &orbits, &h)
                .iter()
                .filter(|&&c| c)
                .count(),
            2
        );
        assert_eq!(
            sparse_orbits(&c4, &orbits, &with_identity)
                .iter()
                .filter(|&&c| c)
                .count(),
            3
        );
    }
}
