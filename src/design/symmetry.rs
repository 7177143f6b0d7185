//! Symmetries of the search problem: elements normalising G act on the edge orbits and preserve exactness.
//!
//! If nu normalises G<N,M> (inside Sym(N) x Sym(M)), it maps G-orbits of
//! N x M to G-orbits and Aut(nu(Omega)) = nu Aut(Omega) nu^-1, so it maps
//! exact patterns to exact patterns of the same cost. Two uses:
//!
//! - *Cut images*: a cut "some chosen orbit is moved by pi" is valid for
//!   every exact pattern, so its image under nu is valid too.
//! - *Symmetry breaking* (Puget, "Symmetry breaking using stabilizers",
//!   CP 2003): with a stabiliser chain of the induced group Q on orbit
//!   indices, base b_0, b_1, ... and basic orbits D_i, the lex-largest
//!   member of every Q-class (order b_0, b_1, ... first) satisfies
//!   x_{b_i} >= x_O for all O in D_i, so those binary clauses keep one
//!   optimum of every class.
//!
//! The normalising elements found cheaply are the centralisers of G's
//! action on one side, acting trivially on the other: (1, c) with c
//! commuting with every output permutation, and (c, 1) likewise. On a
//! transitive orbit with point a they are the maps g(a) -> g(b) for the
//! points b fixed by the stabiliser of a (Dixon and Mortimer, Thm 4.2A).
//! Where it is still weak: group automorphisms acting on both sides at
//! once (GL_2(Z_n) for the torus) are not found here.
use crate::action::{EdgeOrbits, JointAction};
use crate::group::StabilizerChain;
use crate::perm::Perm;
use crate::solve::Lit;

/// Centralising permutations of `gens` (on `0..degree`), one per point b
/// fixed by the stabiliser of each orbit's first point a, mapping a to b and
/// identity off that orbit. Together they generate the centraliser's
/// orbit-preserving part.
pub fn centralizer_elements(degree: usize, gens: &[Perm]) -> Vec<Perm> {
    centralizer_elements_with(degree, gens, &|a| {
        StabilizerChain::with_base(degree, gens, &[a])
            .stabilizer_generators(1)
            .to_vec()
    })
}

/// [`centralizer_elements`] with the stabiliser generators of a point
/// supplied by `stabilizer_of` (from a chain already built, which matters
/// for huge groups: a fresh chain of Sym(380) took minutes).
fn centralizer_elements_with(
    degree: usize,
    gens: &[Perm],
    stabilizer_of: &dyn Fn(usize) -> Vec<Perm>,
) -> Vec<Perm> {
    let mut found = Vec::new();
    for orbit in crate::group::orbits(degree, gens) {
        let a = orbit[0];
        let stab_gens = stabilizer_of(a);
        for &b in &orbit[1..] {
            if stab_gens.iter().any(|s| s.apply(b) != b) {
                continue;
            }
            if let Some(c) = centralizing_map(degree, gens, a, b) {
                found.push(c);
            }
        }
    }
    found
}

/// The permutation g(a) -> g(b) on the orbit of `a` (identity elsewhere),
/// or `None` if it is not well defined (b's stabiliser differs from a's).
fn centralizing_map(degree: usize, gens: &[Perm], a: usize, b: usize) -> Option<Perm> {
    let mut image = vec![u32::MAX; degree];
    let mut taken = vec![false; degree];
    image[a] = b as u32;
    taken[b] = true;
    let mut queue = vec![a];
    while let Some(x) = queue.pop() {
        let cx = image[x] as usize;
        for g in gens {
            let (y, cy) = (g.apply(x), g.apply(cx));
            if image[y] == u32::MAX {
                if taken[cy] {
                    return None;
                }
                image[y] = cy as u32;
                taken[cy] = true;
                queue.push(y);
            } else if image[y] as usize != cy {
                return None;
            }
        }
    }
    for (x, slot) in image.iter_mut().enumerate() {
        if *slot == u32::MAX {
            *slot = x as u32;
        }
    }
    Some(Perm::from_images_unchecked(image))
}

/// Deeper chains get no centraliser symmetries (see [`normalizing_elements`]).
const MAX_CHAIN_DEPTH: usize = 64;

/// Normalising elements of `target` (joint permutations, inputs first):
/// the centralisers of each side's action, trivial on the other side.
pub fn normalizing_elements(target: &JointAction) -> Vec<Perm> {
    if target.chain().depth() > MAX_CHAIN_DEPTH {
        // A point stabiliser per orbit copies the chain's lower levels: for
        // the closure of a pooling layer (a product of a hundred symmetric
        // groups, ~1000 levels) that took minutes. The symmetries only speed
        // the search up, and such centralisers are mostly trivial.
        return Vec::new();
    }
    let (n, m) = (target.input_size(), target.output_size());
    let inputs: Vec<Perm> = target.pairs().iter().map(|p| p.input.clone()).collect();
    let outputs: Vec<Perm> = target.pairs().iter().map(|p| p.output.clone()).collect();
    // G_a restricted to a's side is the stabiliser of a in that side's image.
    let side_stabilizer = |point: usize, side: std::ops::Range<usize>| -> Vec<Perm> {
        target
            .chain()
            .point_stabilizer(point)
            .generators()
            .iter()
            .filter_map(|g| g.restrict(side.clone()))
            .collect()
    };
    let mut found = Vec::new();
    for c in centralizer_elements_with(m, &outputs, &|a| side_stabilizer(n + a, n..n + m)) {
        found.push(Perm::disjoint_union(&Perm::identity(n), &c));
    }
    for c in centralizer_elements_with(n, &inputs, &|a| side_stabilizer(a, 0..n)) {
        found.push(Perm::disjoint_union(&c, &Perm::identity(m)));
    }
    found
}

/// Whether the joint permutation `nu` normalises the group of `target`.
pub fn normalizes(nu: &Perm, target: &JointAction) -> bool {
    let inverse = nu.inverse();
    target
        .joint_generators()
        .iter()
        .all(|g| target.chain().contains(&inverse.then(g).then(nu)))
}

/// The permutation of orbit indices induced by a normalising `nu`.
pub fn orbit_action(nu: &Perm, orbits: &EdgeOrbits) -> Perm {
    let n = orbits.input_size;
    let images: Vec<u32> = orbits
        .representatives()
        .iter()
        .map(|&(i, o)| orbits.orbit(nu.apply(i), nu.apply(n + o) - n))
        .collect();
    Perm::from_images_unchecked(images)
}

/// The group Q induced on orbit indices by normalising elements, as a chain
/// (redundant elements dropped).
pub fn induced_group(normalizing: &[Perm], orbits: &EdgeOrbits) -> StabilizerChain {
    let mut chain = StabilizerChain::new(orbits.count(), &[]);
    for nu in normalizing {
        let q = orbit_action(nu, orbits);
        if !q.is_identity() {
            chain.add_generator(q);
        }
    }
    chain
}

/// Puget's stabiliser-chain symmetry-breaking clauses for `q`:
/// `x_O -> x_{b_i}` for every O in the i-th basic orbit.
pub fn breaking_clauses(q: &StabilizerChain) -> Vec<Vec<Lit>> {
    let mut clauses = Vec::new();
    for (level, b) in q.base().into_iter().enumerate() {
        for &o in q.basic_orbit(level) {
            if o != b {
                clauses.push(vec![Lit::neg(o), Lit::pos(b)]);
            }
        }
    }
    clauses
}

/// Images of the orbit set `cut` under the group generated by `conjugators`,
/// by breadth-first search, at most `limit` of them (the cut itself first).
pub fn cut_images(cut: &[u32], conjugators: &[Perm], limit: usize) -> Vec<Vec<u32>> {
    let mut images = vec![cut.to_vec()];
    let mut seen = std::collections::HashSet::new();
    seen.insert(cut.to_vec());
    let mut head = 0;
    while head < images.len() && images.len() < limit {
        let current = images[head].clone();
        head += 1;
        for q in conjugators {
            let mut image: Vec<u32> = current
                .iter()
                .map(|&o| q.apply(o as usize) as u32)
                .collect();
            image.sort_unstable();
            if seen.insert(image.clone()) {
                images.push(image);
                if images.len() >= limit {
                    break;
                }
            }
        }
    }
    images
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::GeneratorPair;

    fn regular_cyclic(n: usize) -> JointAction {
        let shift = Perm::from_images(&(0..n).map(|i| (i + 1) % n).collect::<Vec<_>>()).unwrap();
        JointAction::new(
            n,
            n,
            vec![GeneratorPair {
                input: shift.clone(),
                output: shift,
            }],
        )
    }

    #[test]
    fn cyclic_centraliser_is_the_shifts_and_acts_transitively_on_orbits() {
        let action = regular_cyclic(6);
        let normalizing = normalizing_elements(&action);
        assert!(normalizing.iter().all(|nu| normalizes(nu, &action)));
        let orbits = action.edge_orbits();
        let q = induced_group(&normalizing, &orbits);
        assert_eq!(q.order(), 6u32.into());
        assert_eq!(q.basic_orbit(0).len(), 6);
        // One level: every orbit implies the base orbit.
        assert_eq!(breaking_clauses(&q).len(), 5);
    }

    #[test]
    fn centraliser_of_symmetric_group_is_trivial() {
        let gens = [
            Perm::parse_cycles("(0 1)", 4).unwrap(),
            Perm::parse_cycles("(0 1 2 3)", 4).unwrap(),
        ];
        assert!(centralizer_elements(4, &gens).is_empty());
    }

    #[test]
    fn cut_images_stop_at_the_limit() {
        let q = Perm::parse_cycles("(0 1 2 3 4 5)", 6).unwrap();
        assert_eq!(cut_images(&[0, 1], std::slice::from_ref(&q), 100).len(), 6);
        assert_eq!(cut_images(&[0, 1], &[q], 4).len(), 4);
    }
}
