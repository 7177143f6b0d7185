//! A stabiliser chain built by deterministic Schreier-Sims.
//!
//! The algorithm is the classical one (Sims 1970; as in Holt, Eick and
//! O'Brien, *Handbook of Computational Group Theory*, §4.4.2): every Schreier
//! generator of every level is sifted through the levels below it, so the
//! result is complete by construction and does not depend on randomness.
//! Transversals are Schreier trees (one generator label per orbit point), so
//! memory per level is linear in the degree even for degrees in the
//! thousands. Where it is still slow: groups with long bases and large
//! orbits (S_n on pairs for n >= 40) spend their time sifting Schreier
//! generators that turn out trivial.

use crate::perm::Perm;
use num_bigint::BigUint;

const NOT_IN_ORBIT: u32 = u32::MAX;
const ROOT: u32 = u32::MAX - 1;

/// One level of the chain: the stabiliser of the earlier base points.
#[derive(Clone, Debug)]
struct Level {
    base_point: usize,
    /// Strong generators fixing every earlier base point (they generate this level's group).
    gens: Vec<Perm>,
    gens_inv: Vec<Perm>,
    /// The basic orbit, in the order it was found (base point first).
    orbit: Vec<usize>,
    /// For each point of the orbit except the base point, the index of the
    /// generator that first reached it; `ROOT` at the base point.
    label: Vec<u32>,
}

impl Level {
    fn new(base_point: usize, degree: usize) -> Level {
        let mut label = vec![NOT_IN_ORBIT; degree];
        label[base_point] = ROOT;
        Level {
            base_point,
            gens: Vec::new(),
            gens_inv: Vec::new(),
            orbit: vec![base_point],
            label,
        }
    }

    fn add_gen(&mut self, g: Perm) {
        self.gens_inv.push(g.inverse());
        self.gens.push(g);
        self.rebuild_orbit();
    }

    /// Breadth-first Schreier tree from the base point.
    fn rebuild_orbit(&mut self) {
        for &x in &self.orbit {
            self.label[x] = NOT_IN_ORBIT;
        }
        self.label[self.base_point] = ROOT;
        self.orbit.clear();
        self.orbit.push(self.base_point);
        let mut head = 0;
        while head < self.orbit.len() {
            let x = self.orbit[head];
            head += 1;
            for (k, g) in self.gens.iter().enumerate() {
                let y = g.apply(x);
                if self.label[y] == NOT_IN_ORBIT {
                    self.label[y] = k as u32;
                    self.orbit.push(y);
                }
            }
        }
    }

    fn contains(&self, x: usize) -> bool {
        self.label[x] != NOT_IN_ORBIT
    }

    /// Replaces `g` (which maps the base point to `x`, in the orbit) by
    /// `g * u_x^{-1}`, which fixes the base point.
    fn strip_into(&self, g: &mut Perm, mut x: usize) {
        while self.label[x] != ROOT {
            let inv = &self.gens_inv[self.label[x] as usize];
            *g = g.then(inv);
            x = inv.apply(x);
        }
    }

    /// The transversal element `u_x`, mapping the base point to `x`.
    fn transversal(&self, x: usize) -> Perm {
        let mut path = Vec::new();
        let mut y = x;
        while self.label[y] != ROOT {
            let k = self.label[y] as usize;
            path.push(k);
            y = self.gens_inv[k].apply(y);
        }
        let mut u = Perm::identity(self.label.len());
        for &k in path.iter().rev() {
            u = u.then(&self.gens[k]);
        }
        u
    }
}

/// A base and strong generating set of a permutation group, with Schreier
/// trees for the basic orbits.
#[derive(Clone, Debug)]
pub struct StabilizerChain {
    degree: usize,
    generators: Vec<Perm>,
    levels: Vec<Level>,
}

impl StabilizerChain {
    /// The chain of `<gens>` on `0..degree`, base chosen as the least moved points.
    pub fn new(degree: usize, gens: &[Perm]) -> StabilizerChain {
        Self::with_base(degree, gens, &[])
    }

    /// The chain of `<gens>` whose base begins with `base_prefix` (points
    /// that turn out redundant are kept, with trivial basic orbits).
    pub fn with_base(degree: usize, gens: &[Perm], base_prefix: &[usize]) -> StabilizerChain {
        let mut chain = StabilizerChain {
            degree,
            generators: Vec::new(),
            levels: base_prefix.iter().map(|&b| Level::new(b, degree)).collect(),
        };
        for g in gens {
            assert_eq!(
                g.degree(),
                degree,
                "generator degree differs from chain degree"
            );
            chain.add_generator(g.clone());
        }
        chain
    }

    /// Adds `g` to the group; returns false (and changes nothing) when `g`
    /// is already a member.
    pub fn add_generator(&mut self, g: Perm) -> bool {
        if self.contains(&g) {
            return false;
        }
        self.generators.push(g.clone());
        // g fixes no earlier prefix necessarily: it joins level 0 and the
        // Schreier-Sims closure below pushes its consequences down.
        self.insert_at(0, g);
        self.complete_from(0);
        true
    }

    /// Adds `h` (which fixes the base points before `level`) to every level
    /// from `level` down to the one where it first moves a base point,
    /// appending a base point if it fixes them all. Returns the deepest level touched.
    fn insert_at(&mut self, level: usize, h: Perm) -> usize {
        let mut last = level;
        let mut l = level;
        loop {
            if l == self.levels.len() {
                // h is non-trivial and fixes every base point: extend the base
                // by its least moved point (a deterministic choice).
                let Some(point) = (0..self.degree).find(|&x| h.apply(x) != x) else {
                    return last;
                };
                self.levels.push(Level::new(point, self.degree));
            }
            self.levels[l].add_gen(h.clone());
            last = l;
            if h.apply(self.levels[l].base_point) != self.levels[l].base_point {
                return last;
            }
            l += 1;
        }
    }

    /// Sifts `g` from `level` down; returns the residue and the level where
    /// sifting stopped (`levels.len()` when it went through every level).
    fn sift_from(&self, mut g: Perm, level: usize) -> (Perm, usize) {
        for (i, lev) in self.levels.iter().enumerate().skip(level) {
            let x = g.apply(lev.base_point);
            if !lev.contains(x) {
                return (g, i);
            }
            lev.strip_into(&mut g, x);
        }
        let depth = self.levels.len();
        (g, depth)
    }

    /// Runs Schreier-Sims on levels `>= top`, deepest first, until every
    /// Schreier generator sifts to the identity.
    fn complete_from(&mut self, top: usize) {
        let mut i = self.levels.len();
        while i > top {
            let level = i - 1;
            match self.find_schreier_failure(level) {
                None => i -= 1,
                Some((h, j)) => {
                    // h fixes base points < j and is a new strong generator for levels level+1..=j.
                    let deepest = self.insert_at_range(level + 1, j, h);
                    i = deepest + 1;
                }
            }
        }
    }

    /// Adds `h` as a generator of levels `from..=to` (appending a level if
    /// `to` is past the end); returns the deepest level changed.
    fn insert_at_range(&mut self, from: usize, to: usize, h: Perm) -> usize {
        if to >= self.levels.len() {
            let point = (0..self.degree)
                .find(|&x| h.apply(x) != x)
                // the residue of a failed sift past every level is not the identity
                .expect("residue moves a point");
            self.levels.push(Level::new(point, self.degree));
        }
        let to = to.min(self.levels.len() - 1);
        for l in from..=to {
            self.levels[l].add_gen(h.clone());
        }
        to
    }

    /// The first Schreier generator of `level` that does not sift through
    /// the levels below, as (residue, level where it stopped).
    fn find_schreier_failure(&self, level: usize) -> Option<(Perm, usize)> {
        let lev = &self.levels[level];
        for &u in &lev.orbit {
            let tu = lev.transversal(u);
            for s in &lev.gens {
                let su = s.apply(u);
                let mut g = tu.then(s);
                lev.strip_into(&mut g, su);
                if g.is_identity() {
                    continue;
                }
                let (h, j) = self.sift_from(g, level + 1);
                if j < self.levels.len() || !h.is_identity() {
                    return Some((h, j));
                }
            }
        }
        None
    }

    /// The number of points acted on.
    pub fn degree(&self) -> usize {
        self.degree
    }

    /// The generators the chain was built from (those that were not redundant).
    pub fn generators(&self) -> &[Perm] {
        &self.generators
    }

    /// The base points, in order.
    pub fn base(&self) -> Vec<usize> {
        self.levels.iter().map(|l| l.base_point).collect()
    }

    /// The basic orbit at `level`: the orbit of the `level`-th base point
    /// under the pointwise stabiliser of the earlier ones.
    pub fn basic_orbit(&self, level: usize) -> &[usize] {
        &self.levels[level].orbit
    }

    /// The number of levels (base length, including redundant prefix points).
    pub fn depth(&self) -> usize {
        self.levels.len()
    }

    /// Whether `x` lies in the basic orbit at `level`.
    pub fn in_basic_orbit(&self, level: usize, x: usize) -> bool {
        self.levels[level].contains(x)
    }

    /// Generators of the pointwise stabiliser of the first `level` base points.
    pub fn stabilizer_generators(&self, level: usize) -> &[Perm] {
        if level < self.levels.len() {
            &self.levels[level].gens
        } else {
            &[]
        }
    }

    /// A coset representative at `level` mapping the base point to `x`, if `x` is in the basic orbit.
    pub fn transversal(&self, level: usize, x: usize) -> Option<Perm> {
        let lev = &self.levels[level];
        lev.contains(x).then(|| lev.transversal(x))
    }

    /// The group order, the product of the basic orbit lengths.
    pub fn order(&self) -> BigUint {
        self.levels.iter().fold(BigUint::from(1u32), |acc, l| {
            acc * BigUint::from(l.orbit.len())
        })
    }

    /// Whether `g` lies in the group (sifting; never lists the group).
    pub fn contains(&self, g: &Perm) -> bool {
        if g.degree() != self.degree {
            return false;
        }
        let (h, j) = self.sift_from(g.clone(), 0);
        j == self.levels.len() && h.is_identity()
    }

    /// Whether the group is trivial.
    pub fn is_trivial(&self) -> bool {
        self.levels.iter().all(|l| l.orbit.len() == 1)
    }

    /// All elements, only when the order is at most `limit`; `None` otherwise.
    pub fn elements(&self, limit: usize) -> Option<Vec<Perm>> {
        let order = self.order();
        if order > BigUint::from(limit) {
            return None;
        }
        let mut elements = vec![Perm::identity(self.degree)];
        // g = u_{k-1} ... u_0 in application order deepest first
        for lev in self.levels.iter().rev() {
            let reps: Vec<Perm> = lev.orbit.iter().map(|&x| lev.transversal(x)).collect();
            let mut next = Vec::with_capacity(elements.len() * reps.len());
            for e in &elements {
                for u in &reps {
                    next.push(e.then(u));
                }
            }
            elements = next;
        }
        Some(elements)
    }

    /// A pseudo-uniform random element: a uniformly random transversal
    /// element from every level, multiplied (exactly uniform).
    pub fn random_element(&self, rng: &mut impl rand::Rng) -> Perm {
        let mut g = Perm::identity(self.degree);
        for lev in self.levels.iter().rev() {
            let x = lev.orbit[rng.gen_range(0..lev.orbit.len())];
            g = g.then(&lev.transversal(x));
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyc(s: &str, n: usize) -> Perm {
        Perm::parse_cycles(s, n).unwrap()
    }

    #[test]
    fn symmetric_group_order() {
        for n in 1..9usize {
            let mut gens = vec![];
            if n > 1 {
                gens.push(cyc("(0 1)", n));
                let cycle: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
                gens.push(Perm::from_images(&cycle).unwrap());
            }
            let chain = StabilizerChain::new(n, &gens);
            let fact: BigUint = (1..=n).map(BigUint::from).product();
            assert_eq!(chain.order(), fact, "S_{n}");
        }
    }

    #[test]
    fn membership_and_elements() {
        // A4 = <(0 1 2), (1 2 3)>
        let gens = [cyc("(0 1 2)", 4), cyc("(1 2 3)", 4)];
        let chain = StabilizerChain::new(4, &gens);
        assert_eq!(chain.order(), BigUint::from(12u32));
        assert!(chain.contains(&cyc("(0 1)(2 3)", 4)));
        assert!(!chain.contains(&cyc("(0 1)", 4)));
        let elements = chain.elements(100).unwrap();
        assert_eq!(elements.len(), 12);
        assert!(elements.iter().all(|e| chain.contains(e)));
        let mut sorted = elements.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 12);
    }

    #[test]
    fn base_prefix_is_respected() {
        let gens = [cyc("(0 1 2 3 4)", 5), cyc("(0 1)", 5)];
        let chain = StabilizerChain::with_base(5, &gens, &[3, 1]);
        assert_eq!(&chain.base()[..2], &[3, 1]);
        assert_eq!(chain.basic_orbit(0).len(), 5);
        assert_eq!(chain.basic_orbit(1).len(), 4);
        assert_eq!(chain.order(), BigUint::from(120u32));
    }
}
