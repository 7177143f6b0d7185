//! Group orders proved from the generators' shape, without a stabiliser chain of the whole group.
//!
//! A stabiliser chain of Sym(3000), or of D_n for n = 10^5, costs minutes:
//! the deterministic check sifts orbit x generators Schreier generators,
//! each with an identity test over every point. These shortcuts prove the
//! order from theorems instead, and say nothing (`None`) when their
//! hypotheses do not hold; the caller then builds the chain. Nothing is
//! taken from a group's name: each hypothesis is checked on the generators.
//!
//! 1. **Copies of orbits.** An orbit O on which the generators act as on an
//!    earlier orbit P, through a bijection φ: P -> O with φ(g x) = g φ(x)
//!    for every generator g, adds nothing: g on O is φ g φ^-1, so an element
//!    is determined by its action without O. The joint action of a layer
//!    whose inputs and outputs are permuted alike is the common case: it is
//!    the input action twice. φ is tried with the least point of P mapped to
//!    the least point of O (as for inputs and outputs numbered alike).
//! 2. **Symmetric classes.** A transposition (a b) and a cycle c among the
//!    generators, with b = c^k(a) and gcd(k, |c|) = 1, generate Sym(supp c):
//!    the conjugates (c^j a, c^j b) join every point of the cycle to the
//!    point k further, a connected graph of transpositions, and
//!    transpositions whose graph is connected on X generate Sym(X).
//!    Overlapping such sets join (their transposition graphs share a
//!    point). If every generator maps the classes found onto classes, the
//!    product N of their symmetric groups is a normal subgroup, and it is
//!    the kernel of the action on the classes (that kernel lies in N, and
//!    N lies in G), so |G| = |C_1|! ... |C_r|! |G on the classes|, the last
//!    factor computed on the (much smaller) quotient.
//! 3. **Metacyclic pairs.** For two generators r, s with `s r s^-1` in `<r>`,
//!    `<r>` is normal in `G = <r, s> = <r><s>`, so |G| = |r| m with m the least
//!    j >= 1 such that `s^j` lies in `<r>` (m divides |s|). D_n's rotation and
//!    reflection are such a pair (m = 2).

use super::StabilizerChain;
use crate::perm::Perm;
use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive};

/// Most generators the class and pair shortcuts look at (they compare
/// generators pairwise).
const MAX_GENERATORS: usize = 64;

/// The order of `<gens>` on `0..degree` when one of the shortcuts in the
/// module documentation proves it; `None` otherwise.
pub fn proved_order(degree: usize, gens: &[Perm]) -> Option<BigUint> {
    let mut distinct: Vec<&Perm> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for g in gens.iter().filter(|g| !g.is_identity()) {
        if seen.insert(g) {
            distinct.push(g);
        }
    }
    match distinct.len() {
        0 => return Some(BigUint::one()),
        // a cyclic group: the lcm of the cycle lengths
        1 => return Some(distinct[0].order()),
        n if n > MAX_GENERATORS => return None,
        _ => {}
    }
    let reduced = without_copied_orbits(degree, &distinct);
    let gens: Vec<&Perm> = reduced.iter().collect();
    symmetric_classes_order(&gens).or_else(|| metacyclic_order(&gens))
}

/// The generators restricted to the union of their orbits that are not
/// copies of earlier ones (module documentation, 1), renumbered from 0;
/// the group they generate is isomorphic to `<gens>`.
fn without_copied_orbits(degree: usize, gens: &[&Perm]) -> Vec<Perm> {
    let owned: Vec<Perm> = gens.iter().map(|g| (*g).clone()).collect();
    let orbits = super::orbits(degree, &owned);
    let mut kept: Vec<&Vec<usize>> = Vec::new();
    let mut keep_point = vec![false; degree];
    for orbit in orbits.iter().filter(|o| o.len() > 1) {
        let copy = kept
            .iter()
            .filter(|p| p.len() == orbit.len())
            .take(4)
            .any(|p| is_copy(gens, p, orbit, degree));
        if !copy {
            for &x in orbit {
                keep_point[x] = true;
            }
            kept.push(orbit);
        }
    }
    let mut number = vec![u32::MAX; degree];
    for (next, x) in (0..degree).filter(|&x| keep_point[x]).enumerate() {
        number[x] = next as u32;
    }
    gens.iter()
        .map(|g| {
            let images = (0..degree)
                .filter(|&x| keep_point[x])
                .map(|x| number[g.apply(x)])
                .collect();
            // kept orbits are unions of whole orbits, so g maps them onto themselves
            Perm::from_images_unchecked(images)
        })
        .collect()
}

/// Whether the generators act on orbit `o` as on orbit `p`, through the
/// bijection that maps p's least point to o's and commutes with them.
fn is_copy(gens: &[&Perm], p: &[usize], o: &[usize], degree: usize) -> bool {
    let mut phi = vec![usize::MAX; degree];
    let mut used = vec![false; degree];
    phi[p[0]] = o[0];
    used[o[0]] = true;
    let mut queue = vec![p[0]];
    while let Some(x) = queue.pop() {
        for g in gens {
            let (gx, gy) = (g.apply(x), g.apply(phi[x]));
            if phi[gx] == usize::MAX {
                if used[gy] {
                    return false;
                }
                phi[gx] = gy;
                used[gy] = true;
                queue.push(gx);
            } else if phi[gx] != gy {
                return false;
            }
        }
    }
    // p is an orbit, so the search reached all of it
    true
}

/// The order by symmetric classes (module documentation, 2), if some
/// transposition-and-cycle pair of generators gives one and every
/// generator permutes the classes.
fn symmetric_classes_order(gens: &[&Perm]) -> Option<BigUint> {
    let degree = gens[0].degree();
    let supports: Vec<Vec<usize>> = gens.iter().map(|g| g.support()).collect();
    let transpositions: Vec<(usize, usize)> = supports
        .iter()
        .filter(|s| s.len() == 2)
        .map(|s| (s[0], s[1]))
        .collect();
    if transpositions.is_empty() {
        return None;
    }
    let mut classes = super::OrbitPartition::new(degree);
    for &(a, b) in &transpositions {
        classes.union(a, b);
    }
    for (g, support) in gens.iter().zip(&supports) {
        let cycles = g.cycles();
        if cycles.len() != 1 || support.len() < 3 {
            continue;
        }
        let cycle = &cycles[0];
        let mut position = vec![usize::MAX; degree];
        for (i, &x) in cycle.iter().enumerate() {
            position[x] = i;
        }
        let len = cycle.len();
        let generates_all = transpositions.iter().any(|&(a, b)| {
            position[a] != usize::MAX
                && position[b] != usize::MAX
                && (position[b] + len - position[a]).gcd(&len) == 1
        });
        if generates_all {
            for &x in &cycle[1..] {
                classes.union(cycle[0], x);
            }
        }
    }
    let class_lists = classes.classes();
    let mut class_of = vec![0usize; degree];
    for (k, class) in class_lists.iter().enumerate() {
        for &x in class {
            class_of[x] = k;
        }
    }
    // every generator must map each class onto a class (of its size: a
    // bijection mapping every class into one maps them onto)
    let mut quotient: Vec<Perm> = Vec::new();
    for g in gens {
        let mut images = Vec::with_capacity(class_lists.len());
        for class in &class_lists {
            let image = class_of[g.apply(class[0])];
            if class_lists[image].len() != class.len()
                || class.iter().any(|&x| class_of[g.apply(x)] != image)
            {
                return None;
            }
            images.push(image as u32);
        }
        quotient.push(Perm::from_images_unchecked(images));
    }
    let r = class_lists.len();
    let on_classes =
        proved_order(r, &quotient).unwrap_or_else(|| StabilizerChain::new(r, &quotient).order());
    let factorials = class_lists
        .iter()
        .map(|c| factorial(c.len()))
        .fold(BigUint::one(), |a, b| a * b);
    Some(factorials * on_classes)
}

fn factorial(n: usize) -> BigUint {
    (2..=n).fold(BigUint::one(), |a, k| a * BigUint::from(k))
}

/// The order of a metacyclic pair (module documentation, 3), when `gens`
/// is two permutations one of which normalises the other's cyclic group.
fn metacyclic_order(gens: &[&Perm]) -> Option<BigUint> {
    let [a, b] = gens else {
        return None;
    };
    for (r, s) in [(*a, *b), (*b, *a)] {
        let cyclic = CyclicGroup::of(r);
        let s_inv = s.inverse();
        // x -> s(r(s^-1(x))): s r s^-1
        if cyclic.contains(&s_inv.then(r).then(s))? {
            // s^j for j dividing |s|, in increasing order: the first in <r>
            // is m (the j with s^j in <r> are the multiples of m)
            let order_s = s.order().to_u64()?;
            for j in divisors(order_s)? {
                if cyclic.contains(&s.pow(j as i64))? {
                    return Some(r.order() * BigUint::from(j));
                }
            }
            // j = |s| gives the identity, which is in <r>
            unreachable!("s^|s| is the identity");
        }
    }
    None
}

/// The divisors of `n`, increasing; `None` when `n` is too large to factor by trial division.
fn divisors(n: u64) -> Option<Vec<u64>> {
    if n > 1 << 40 {
        return None;
    }
    let mut small = Vec::new();
    let mut large = Vec::new();
    let mut d = 1u64;
    while d * d <= n {
        if n.is_multiple_of(d) {
            small.push(d);
            if d * d != n {
                large.push(n / d);
            }
        }
        d += 1;
    }
    small.extend(large.into_iter().rev());
    Some(small)
}

/// Membership in the cyclic group generated by one permutation.
struct CyclicGroup<'a> {
    r: &'a Perm,
    /// For each point, (its cycle's index, its position in the cycle); fixed points have no cycle.
    place: Vec<Option<(usize, usize)>>,
    cycles: Vec<Vec<usize>>,
}

impl<'a> CyclicGroup<'a> {
    fn of(r: &'a Perm) -> CyclicGroup<'a> {
        let cycles = r.cycles();
        let mut place = vec![None; r.degree()];
        for (c, cycle) in cycles.iter().enumerate() {
            for (i, &x) in cycle.iter().enumerate() {
                place[x] = Some((c, i));
            }
        }
        CyclicGroup { r, place, cycles }
    }

    /// Whether `g` is a power of r: it fixes r's fixed points, turns each
    /// cycle of r by some t_c, and the congruences e = t_c (mod |c|) have a
    /// common solution e. `None`: undecided (the congruences' modulus
    /// passed [`MAX_MODULUS`]).
    fn contains(&self, g: &Perm) -> Option<bool> {
        debug_assert_eq!(g.degree(), self.r.degree());
        // e = residue.0 mod residue.1
        let mut residue: (u64, u64) = (0, 1);
        for (x, place) in self.place.iter().enumerate() {
            if place.is_none() && g.apply(x) != x {
                return Some(false);
            }
        }
        for (c, cycle) in self.cycles.iter().enumerate() {
            let len = cycle.len();
            let Some((image_cycle, shift)) = self.place[g.apply(cycle[0])] else {
                return Some(false);
            };
            if image_cycle != c {
                return Some(false);
            }
            let turned = cycle
                .iter()
                .enumerate()
                .all(|(i, &x)| self.place[g.apply(x)] == Some((c, (i + shift) % len)));
            if !turned {
                return Some(false);
            }
            match combine(residue, (shift as u64, len as u64)) {
                Ok(Some(next)) => residue = next,
                Ok(None) => return Some(false),
                Err(()) => return None,
            }
        }
        Some(true)
    }
}

/// Largest modulus the congruences of [`CyclicGroup::contains`] are combined under.
const MAX_MODULUS: u64 = 1 << 62;

/// The common solutions of e = a (mod m) and e = b (mod n) (all below
/// [`MAX_MODULUS`]), as (residue, modulus): `Ok(None)` when there are none,
/// `Err(())` when their modulus, the lcm, passes [`MAX_MODULUS`].
#[allow(clippy::result_unit_err)]
fn combine((a, m): (u64, u64), (b, n): (u64, u64)) -> Result<Option<(u64, u64)>, ()> {
    let g = m.gcd(&n);
    if a % g != b % g {
        return Ok(None);
    }
    let lcm = (m / g) as u128 * n as u128;
    if lcm > MAX_MODULUS as u128 {
        return Err(());
    }
    // e = a + m t with (m / g) t = (b - a) / g (mod n / g)
    let (mg, ng) = ((m / g) as i128, (n / g) as i128);
    let diff = (b as i128 - a as i128) / g as i128;
    let t = (diff.rem_euclid(ng) * mod_inverse(mg.rem_euclid(ng), ng)).rem_euclid(ng);
    let e = (a as i128 + m as i128 * t).rem_euclid(lcm as i128);
    Ok(Some((e as u64, lcm as u64)))
}

/// The inverse of `a` mod `m`, for coprime `a` and `m` (extended Euclid).
fn mod_inverse(a: i128, m: i128) -> i128 {
    let (mut old_r, mut r) = (a, m);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s - q * s);
    }
    old_s.rem_euclid(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::named;
    use rand::{Rng, RngExt, SeedableRng};

    fn chain_order(degree: usize, gens: &[Perm]) -> BigUint {
        StabilizerChain::new(degree, gens).order()
    }

    /// Each generator on two copies of its points (as a layer's joint action).
    fn doubled(gens: &[Perm]) -> Vec<Perm> {
        gens.iter().map(|g| Perm::disjoint_union(g, g)).collect()
    }

    #[test]
    fn named_groups_get_their_orders_or_none() {
        for n in 3..9 {
            for (name, gens, expect_proof) in [
                ("S", named::symmetric(n), true),
                ("D", named::dihedral(n), true),
                ("C", named::cyclic(n), true),
                ("A", named::alternating(n), false),
            ] {
                let truth = chain_order(n, &gens);
                match proved_order(n, &gens) {
                    Some(order) => assert_eq!(order, truth, "{name}_{n}"),
                    None => assert!(!expect_proof || n < 3, "{name}_{n} not proved"),
                }
                let joint = doubled(&gens);
                if let Some(order) = proved_order(2 * n, &joint) {
                    assert_eq!(order, truth, "{name}_{n} doubled");
                } else {
                    assert!(!expect_proof, "{name}_{n} doubled not proved");
                }
            }
        }
        assert_eq!(proved_order(24, &named::mathieu24()), None);
        // (0 2) and the 4-cycle: D_4, not S_4 (the transposition joins
        // points 2 apart on the cycle, gcd(2, 4) = 2); proved as metacyclic
        let gens = [
            Perm::parse_cycles("(0 2)", 4).unwrap(),
            Perm::parse_cycles("(0 1 2 3)", 4).unwrap(),
        ];
        assert_eq!(proved_order(4, &gens), Some(BigUint::from(8u32)));
    }

    #[test]
    fn huge_symmetric_and_dihedral_groups_are_proved_at_once() {
        let fact = |n: usize| factorial(n);
        let n = 3000;
        assert_eq!(
            proved_order(2 * n, &doubled(&named::symmetric(n))),
            Some(fact(n))
        );
        let n = 100_000;
        assert_eq!(
            proved_order(2 * n, &doubled(&named::dihedral(n))),
            Some(BigUint::from(2 * n))
        );
        // Sym(1500) wr C2: two classes swapped
        let half = 1500;
        let side: Vec<usize> = (0..2 * half).map(|x| (x + half) % (2 * half)).collect();
        let mut gens = vec![Perm::from_images(&side).unwrap()];
        for offset in [0, half] {
            gens.push(
                Perm::parse_cycles(&format!("({} {})", offset, offset + 1), 2 * half).unwrap(),
            );
            let cycle: Vec<usize> = (0..2 * half)
                .map(|x| {
                    if (offset..offset + half).contains(&x) {
                        offset + (x - offset + 1) % half
                    } else {
                        x
                    }
                })
                .collect();
            gens.push(Perm::from_images(&cycle).unwrap());
        }
        assert_eq!(
            proved_order(2 * half, &gens),
            Some(BigUint::from(2u32) * fact(half) * fact(half))
        );
    }

    /// A random permutation of `0..n`.
    fn random_perm(rng: &mut impl Rng, n: usize) -> Perm {
        use rand::seq::SliceRandom;
        let mut images: Vec<usize> = (0..n).collect();
        images.shuffle(rng);
        Perm::from_images(&images).unwrap()
    }

    #[test]
    fn every_proved_order_is_the_chains_order() {
        // planted shapes: a transposition with a cycle through it, classes
        // permuted by a third generator, metacyclic pairs (r, r^k s-like),
        // random pairs, and all of them conjugated by a random relabelling
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(17);
        let mut proved = 0;
        for case in 0..400 {
            let n = rng.random_range(3..11);
            let mut gens: Vec<Perm> = Vec::new();
            match case % 4 {
                0 => {
                    let len = rng.random_range(2..=n);
                    let cycle: Vec<usize> = (0..n)
                        .map(|x| if x < len { (x + 1) % len } else { x })
                        .collect();
                    gens.push(Perm::from_images(&cycle).unwrap());
                    let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
                    if a != b {
                        gens.push(Perm::parse_cycles(&format!("({a} {b})"), n).unwrap());
                    }
                }
                1 => {
                    // two blocks of equal size swapped, each with a transposition
                    let k = n / 2;
                    let side: Vec<usize> = (0..n)
                        .map(|x| if x < 2 * k { (x + k) % (2 * k) } else { x })
                        .collect();
                    gens.push(Perm::from_images(&side).unwrap());
                    if k >= 2 {
                        gens.push(Perm::parse_cycles("(0 1)", n).unwrap());
                    }
                    if rng.random_bool(0.5) && k >= 2 {
                        gens.push(Perm::parse_cycles(&format!("({k} {})", k + 1), n).unwrap());
                    }
                }
                2 => {
                    let r = random_perm(&mut rng, n);
                    let k = rng.random_range(1..5);
                    // s with s r s^-1 = r^k when r^k is conjugate to r by s:
                    // take s a random power-like element or a random perm
                    let s = if rng.random_bool(0.5) {
                        r.pow(k)
                    } else {
                        random_perm(&mut rng, n)
                    };
                    gens.push(r);
                    gens.push(s);
                }
                _ => {
                    let reflection: Vec<usize> = (0..n).map(|i| (n - i) % n).collect();
                    let rotation: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
                    gens.push(Perm::from_images(&rotation).unwrap());
                    gens.push(Perm::from_images(&reflection).unwrap());
                    if rng.random_bool(0.3) {
                        gens.push(random_perm(&mut rng, n));
                    }
                }
            }
            let relabel = random_perm(&mut rng, n);
            let inverse = relabel.inverse();
            let gens: Vec<Perm> = gens
                .iter()
                .map(|g| inverse.then(g).then(&relabel))
                .collect();
            let truth = chain_order(n, &gens);
            if let Some(order) = proved_order(n, &gens) {
                assert_eq!(order, truth, "case {case}: {gens:?}");
                proved += 1;
            }
            let joint = doubled(&gens);
            if let Some(order) = proved_order(2 * n, &joint) {
                assert_eq!(order, truth, "case {case} doubled");
            }
        }
        assert!(proved > 250, "only {proved} of 400 proved");
    }
}
