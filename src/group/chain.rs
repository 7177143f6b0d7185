//! A stabiliser chain: randomised Schreier-Sims, then a deterministic completeness check.
//!
//! Construction has two phases (Seress, *Permutation Group Algorithms*, §4.2
//! to §4.5; Holt, Eick and O'Brien, *Handbook of Computational Group
//! Theory*, §4.4):
//!
//! 1. **Random descent.** Top-down, each level's group gets a few random
//!    Schreier generators of the level above as its generators: random
//!    elements from product replacement (Celler et al. 1995, with a fixed
//!    seed) multiplied by the inverse coset representative of their base
//!    image. They lie in the right stabiliser by construction and usually
//!    generate it. Each level keeps only its own few generators, rather than
//!    every strong generator fixing its earlier base points, which keeps
//!    the second phase cheap.
//! 2. **Deterministic check (Sims 1970).** Bottom-up, every Schreier
//!    generator `u_x s u_{s(x)}^-1` of every level is sifted through the
//!    levels below (already complete); a non-trivial residue becomes a
//!    strong generator of the levels it belongs to, which are checked again.
//!    Schreier generators from Schreier-tree edges are the identity and are
//!    skipped, and each level remembers which (orbit point, generator) pairs
//!    it has checked, so nothing is sifted twice. When this phase ends the
//!    chain is complete whatever the random phase did: orders and
//!    membership are exact, and the fixed seed makes the base and the
//!    generators the same on every run.
//!
//! Transversals: each basic orbit has a breadth-first Schreier tree (one
//! edge label per point; the tree also uses generator inverses), and the
//! inverse coset representatives are stored as image arrays, so that a sift
//! costs one composition per level instead of one per tree edge. When they
//! do not all fit in [`EXPLICIT_BUDGET`] (64 MiB per chain), only every
//! `stride`-th point along the tree paths is stored and the others walk
//! fewer than `stride` edges to one. Sifting is lazy: the residue is a word
//! of image arrays, base images are computed through it and the full
//! permutation is formed only at the end (or the identity test exits at the
//! first moved point).
//!
//! Stabilisers of points that are not a prefix of the base are built again
//! with that prefix; since the order is then known, the random phase alone
//! is enough whenever its orbit lengths multiply to the order.
//!
//! Every phase calls [`crate::background::checkpoint`] between steps (a
//! sifted element, a level, a batch of orbit points), so that a chain built
//! on an abandoned worker thread stops there instead of running on.
//!
//! Where it is still slow: the identity test that ends the sift of every
//! Schreier generator costs `degree` times the word length, so large
//! degrees with long bases (S_50 on 50 x 50 index pairs, inputs and outputs
//! together: 5000 points, base length 49) take about a second.

use crate::background::checkpoint;
use crate::perm::Perm;
use num_bigint::BigUint;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const NOT_IN_ORBIT: u32 = u32::MAX;
const ROOT: u32 = u32::MAX - 1;

/// Most image entries (u32) a chain stores in explicit transversals: 64 MiB.
const EXPLICIT_BUDGET: usize = 1 << 24;

/// The seed of the random phase (fixed: the chain is the same on every run).
const SEED: u64 = 0x5eed_5c4e_1e55;

/// Most random elements sifted to reach a known order before falling back to the check.
const KNOWN_ORDER_SIFTS: usize = 200;

/// Above this many distinct generators, a chain is built from this many
/// and the rest are added one by one only when not already members
/// ([`StabilizerChain::build_dropping_redundant`]).
const EARLY_GENERATORS: usize = 32;

/// How many random Schreier generators the random phase gives each level.
const SCHREIER_SAMPLES: usize = 3;

/// Orbit points a breadth-first extension visits between two cancellation
/// checkpoints (one point costs a few steps per generator, too few to pay
/// a checkpoint each).
const POINTS_PER_CHECKPOINT: usize = 1024;

/// A product of image arrays, applied left to right, evaluated point by point.
struct Word<'a> {
    factors: Vec<&'a [u32]>,
}

impl<'a> Word<'a> {
    fn new() -> Self {
        Word {
            factors: Vec::with_capacity(32),
        }
    }

    #[inline]
    fn image(&self, point: usize) -> usize {
        self.factors.iter().fold(point, |p, f| f[p] as usize)
    }

    /// Whether the product fixes every point of `0..degree` (stops at the first moved one).
    fn is_identity(&self, degree: usize) -> bool {
        (0..degree).all(|p| self.image(p) == p)
    }

    /// The product as a permutation.
    fn to_perm(&self, degree: usize) -> Perm {
        let mut images: Vec<u32> = (0..degree as u32).collect();
        for f in &self.factors {
            for v in images.iter_mut() {
                *v = f[*v as usize];
            }
        }
        Perm::from_images_unchecked(images)
    }
}

/// Memory for explicit coset representatives, shared by a chain's levels.
#[derive(Clone, Debug)]
struct Storage {
    /// Image entries still available.
    left: usize,
    /// A point's inverse representative is stored when its Schreier-tree
    /// path to the base point or to a stored point has this many edges.
    stride: usize,
}

/// One level of the chain: the stabiliser of the earlier base points.
#[derive(Clone, Debug)]
struct Level {
    base_point: usize,
    /// Strong generators fixing every earlier base point (they generate this level's group).
    gens: Vec<Perm>,
    gens_inv: Vec<Perm>,
    /// The basic orbit, in the order it was found (base point first).
    orbit: Vec<usize>,
    /// For each point: `NOT_IN_ORBIT`, `ROOT` (the base point), or the
    /// Schreier-tree edge that reached it: `2k` for `gens[k]`, `2k + 1` for
    /// `gens_inv[k]`, applied to its parent.
    label: Vec<u32>,
    /// For each point whose `u_x^-1` is stored, its slot in `stored`; else `NOT_STORED`.
    slot: Vec<u32>,
    /// The stored inverse coset representatives, `degree` images per slot.
    stored: Vec<u32>,
    /// Schreier generators (orbit[i], gens[k]) with `i < checked_points`
    /// and `k < checked_gens` have been sifted successfully.
    checked_points: usize,
    checked_gens: usize,
}

const NOT_STORED: u32 = u32::MAX;

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
            slot: vec![NOT_STORED; degree],
            stored: Vec::new(),
            checked_points: 0,
            checked_gens: 0,
        }
    }

    fn degree(&self) -> usize {
        self.label.len()
    }

    #[inline]
    fn contains(&self, x: usize) -> bool {
        self.label[x] != NOT_IN_ORBIT
    }

    /// The permutation of tree edge `edge` (`gens[k]` or `gens_inv[k]`).
    fn edge_perm(&self, edge: u32) -> &Perm {
        let k = (edge / 2) as usize;
        if edge.is_multiple_of(2) {
            &self.gens[k]
        } else {
            &self.gens_inv[k]
        }
    }

    /// The inverse of the permutation of tree edge `edge`.
    fn edge_perm_inv(&self, edge: u32) -> &Perm {
        self.edge_perm(edge ^ 1)
    }

    /// Adds a strong generator and extends the orbit and its tree (old
    /// points keep their edges, so old coset representatives are unchanged).
    fn add_gen(&mut self, g: Perm, storage: &mut Storage) {
        self.gens_inv.push(g.inverse());
        self.gens.push(g);
        let k = (self.gens.len() - 1) as u32;
        let old = self.orbit.len();
        for i in 0..old {
            if i.is_multiple_of(POINTS_PER_CHECKPOINT) {
                checkpoint();
            }
            let x = self.orbit[i];
            self.reach(x, 2 * k, storage);
            self.reach(x, 2 * k + 1, storage);
        }
        self.extend_from(old, storage);
    }

    /// Breadth-first from the orbit points at index `head` on, with every edge.
    fn extend_from(&mut self, mut head: usize, storage: &mut Storage) {
        while head < self.orbit.len() {
            if head.is_multiple_of(POINTS_PER_CHECKPOINT) {
                checkpoint();
            }
            let x = self.orbit[head];
            head += 1;
            for edge in 0..2 * self.gens.len() as u32 {
                self.reach(x, edge, storage);
            }
        }
    }

    /// Rebuilds the Schreier tree breadth-first (shallow) and the stored
    /// representatives under `storage`'s current stride.
    fn rebuild(&mut self, storage: &mut Storage) {
        storage.left += self.stored.len();
        self.stored = Vec::new();
        for &x in &self.orbit {
            self.label[x] = NOT_IN_ORBIT;
            self.slot[x] = NOT_STORED;
        }
        self.label[self.base_point] = ROOT;
        self.orbit.truncate(1);
        self.extend_from(0, storage);
    }

    /// Tree edges from `x` up to the base point or the first stored point.
    fn hops_to_stored(&self, mut x: usize) -> usize {
        let mut hops = 0;
        while self.label[x] != ROOT && self.slot[x] == NOT_STORED {
            x = self.edge_perm_inv(self.label[x]).apply(x);
            hops += 1;
        }
        hops
    }

    /// Follows `edge` from orbit point `x`, adding the image to the orbit if
    /// new, and storing its inverse representative if the stride and the
    /// memory left allow.
    fn reach(&mut self, x: usize, edge: u32, storage: &mut Storage) {
        let y = self.edge_perm(edge).apply(x);
        if self.label[y] != NOT_IN_ORBIT {
            return;
        }
        self.label[y] = edge;
        self.orbit.push(y);
        let degree = self.degree();
        if storage.left < degree || self.hops_to_stored(y) < storage.stride {
            return;
        }
        storage.left -= degree;
        let images = {
            let mut word = Word::new();
            self.push_inverse_rep(y, &mut word);
            word.to_perm(degree)
        };
        self.slot[y] = (self.stored.len() / degree) as u32;
        self.stored.extend_from_slice(images.images());
    }

    /// Appends the factors of `u_x^-1` (x in the orbit) to `word`: tree
    /// edges up to the first stored point, then its stored representative.
    fn push_inverse_rep<'a>(&'a self, x: usize, word: &mut Word<'a>) {
        let degree = self.degree();
        let mut y = x;
        while self.label[y] != ROOT {
            let slot = self.slot[y];
            if slot != NOT_STORED {
                let at = slot as usize * degree;
                word.factors.push(&self.stored[at..at + degree]);
                return;
            }
            let back = self.edge_perm_inv(self.label[y]);
            word.factors.push(back.images());
            y = back.apply(y);
        }
    }

    /// The coset representative `u_x`, mapping the base point to `x`.
    fn rep(&self, x: usize) -> Perm {
        let mut word = Word::new();
        self.push_inverse_rep(x, &mut word);
        word.to_perm(self.degree()).inverse()
    }
}

/// Product replacement (Celler, Leedham-Green, Murray, Niemeyer and
/// O'Brien 1995) with an accumulator ("rattle"): nearly uniform random elements.
struct ProductReplacement {
    slots: Vec<Perm>,
    accumulator: Perm,
}

impl ProductReplacement {
    fn new(gens: &[Perm], rng: &mut ChaCha8Rng) -> Self {
        let count = (2 * gens.len()).max(10);
        let slots = (0..count).map(|i| gens[i % gens.len()].clone()).collect();
        let mut pr = ProductReplacement {
            slots,
            accumulator: Perm::identity(gens[0].degree()),
        };
        for _ in 0..50 {
            pr.next(rng);
        }
        pr
    }

    fn next(&mut self, rng: &mut ChaCha8Rng) -> Perm {
        let n = self.slots.len();
        let i = rng.random_range(0..n);
        let j = (i + rng.random_range(1..n)) % n;
        let factor = if rng.random::<bool>() {
            self.slots[j].clone()
        } else {
            self.slots[j].inverse()
        };
        self.slots[i] = if rng.random::<bool>() {
            self.slots[i].then(&factor)
        } else {
            factor.then(&self.slots[i])
        };
        self.accumulator = self.accumulator.then(&self.slots[i]);
        self.accumulator.clone()
    }
}

/// The least point moved by one of `perms`, if any.
fn least_moved_point(perms: &[Perm]) -> Option<usize> {
    perms
        .iter()
        .filter_map(|p| (0..p.degree()).find(|&x| p.apply(x) != x))
        .min()
}

/// Where a sift stopped.
enum Sifted {
    /// The base image at this level is not in its basic orbit.
    OutsideOrbit(usize),
    /// Every base point is fixed by the residue.
    Through,
}

/// A base and strong generating set of a permutation group, with Schreier
/// trees for the basic orbits.
#[derive(Clone, Debug)]
pub struct StabilizerChain {
    degree: usize,
    generators: Vec<Perm>,
    levels: Vec<Level>,
    /// Memory for stored coset representatives.
    storage: Storage,
}

impl StabilizerChain {
    /// The chain of `<gens>` on `0..degree`, base chosen as the least moved points.
    pub fn new(degree: usize, gens: &[Perm]) -> StabilizerChain {
        Self::with_base(degree, gens, &[])
    }

    /// The chain of `<gens>` whose base begins with `base_prefix` (points
    /// that turn out redundant are kept, with trivial basic orbits).
    pub fn with_base(degree: usize, gens: &[Perm], base_prefix: &[usize]) -> StabilizerChain {
        Self::build(degree, gens, base_prefix, None, EXPLICIT_BUDGET)
    }

    /// The chain of `<gens>` given that its order is at most `bound` (the
    /// generators are images of a group of that order, e.g. one side of a
    /// joint action). When the random phase reaches `bound` the chain is
    /// complete and the deterministic check is skipped; otherwise (an
    /// unfaithful image) it falls back to the check, as [`Self::new`] does.
    pub fn with_order_bound(degree: usize, gens: &[Perm], bound: &BigUint) -> StabilizerChain {
        Self::build(degree, gens, &[], Some(bound), EXPLICIT_BUDGET)
    }

    /// A chain of the same group whose base begins with `base_prefix`. The
    /// order is known from this chain, so the random phase usually suffices
    /// and the deterministic check runs only when it falls short.
    pub fn with_base_prefix(&self, base_prefix: &[usize]) -> StabilizerChain {
        Self::with_base_and_order(self.degree, &self.generators, base_prefix, &self.order())
    }

    /// The chain of `<gens>` whose base begins with `base_prefix`, for a
    /// group whose order is known to be `order` (it must be exact: a chain
    /// whose orbit lengths multiply to it is taken as complete). The random
    /// phase usually suffices; the deterministic check runs only when it
    /// falls short.
    pub fn with_base_and_order(
        degree: usize,
        gens: &[Perm],
        base_prefix: &[usize],
        order: &BigUint,
    ) -> StabilizerChain {
        Self::build(degree, gens, base_prefix, Some(order), EXPLICIT_BUDGET)
    }

    /// The chain of `<gens>` with the given base prefix. When the group's
    /// order is known (from another complete chain of the same group), a
    /// chain from the random phase whose orbit lengths multiply to it is
    /// complete (each level's group contains the stabiliser below it, so
    /// the product can only fall short), and the check is skipped.
    fn build(
        degree: usize,
        gens: &[Perm],
        base_prefix: &[usize],
        known_order: Option<&BigUint>,
        budget: usize,
    ) -> StabilizerChain {
        let levels = base_prefix.iter().map(|&b| Level::new(b, degree)).collect();
        let mut chain = StabilizerChain {
            degree,
            generators: Vec::new(),
            levels,
            storage: Storage {
                left: budget,
                stride: 1,
            },
        };
        // repeats dropped with a hash set: `contains` on the list was
        // quadratic (10^5 generators took minutes before any group work)
        let mut seen = std::collections::HashSet::new();
        for g in gens {
            assert_eq!(
                g.degree(),
                degree,
                "generator degree differs from chain degree"
            );
            if !g.is_identity() && seen.insert(g) {
                chain.generators.push(g.clone());
            }
        }
        if chain.generators.is_empty() {
            return chain;
        }
        if chain.generators.len() > EARLY_GENERATORS && base_prefix.is_empty() {
            return Self::build_dropping_redundant(degree, &chain.generators, known_order, budget);
        }
        // One generator: the group is cyclic and its order is the lcm of
        // the cycle lengths, so the chain is complete once the orbit
        // lengths reach it. Without this, C_n on 10^5 points sifted 10^5
        // trivial Schreier generators of degree 2 x 10^5 (15 s).
        let cyclic_order;
        let known_order = match known_order {
            None if chain.generators.len() == 1 => {
                cyclic_order = chain.generators[0].order();
                Some(&cyclic_order)
            }
            known => known,
        };
        if chain.levels.is_empty() {
            let point = least_moved_point(&chain.generators)
                // the generators are not all the identity
                .expect("a non-identity generator moves a point");
            chain.levels.push(Level::new(point, degree));
        }
        for g in chain.generators.clone() {
            chain.levels[0].add_gen(g, &mut chain.storage);
        }
        if known_order.is_some_and(|o| *o == chain.order()) {
            // The first orbit already has |G| points (a regular cyclic
            // group, say): the chain is complete. The random descent and
            // the re-spreading of stored representatives would each cost
            // orbit x degree operations (10^10 for C_n on 10^5 points)
            // for nothing; far transversals are walked along the tree.
            for lev in &mut chain.levels {
                lev.checked_points = lev.orbit.len();
                lev.checked_gens = lev.gens.len();
            }
            return chain;
        }
        chain.random_descent();
        chain.fit_storage(budget);
        if let Some(order) = known_order {
            chain.sift_until_order(order);
        }
        if known_order.is_some_and(|o| *o == chain.order()) {
            for lev in &mut chain.levels {
                lev.checked_points = lev.orbit.len();
                lev.checked_gens = lev.gens.len();
            }
        } else {
            chain.check_levels(chain.levels.len() - 1);
        }
        chain
    }

    /// The chain of `<gens>` when there are many generators: built from the
    /// first [`EARLY_GENERATORS`], then each further one is added only if
    /// it is not already a member (one sift; most of 10^5 generators of a
    /// small group are redundant, and each one kept at least doubles the
    /// order, so at most log2 |G| are). The chain's generators are the ones
    /// kept.
    fn build_dropping_redundant(
        degree: usize,
        gens: &[Perm],
        known_order: Option<&BigUint>,
        budget: usize,
    ) -> StabilizerChain {
        let (first, rest) = gens.split_at(EARLY_GENERATORS);
        let mut chain = Self::build(degree, first, &[], None, budget);
        for g in rest {
            if known_order.is_some_and(|o| *o == chain.order()) {
                break;
            }
            checkpoint();
            chain.add_generator(g.clone());
        }
        chain
    }

    /// With the group order known: sifts product-replacement random
    /// elements of the whole group and keeps non-trivial residues (they lie
    /// in G and fix the base points before the level where they stopped, so
    /// they belong to levels 1 to that level) until the orbit lengths
    /// multiply to `order`, or until [`KNOWN_ORDER_SIFTS`] elements in a row
    /// leave the order unchanged (then the caller's deterministic check runs).
    fn sift_until_order(&mut self, order: &BigUint) {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED ^ 1);
        let mut random = ProductReplacement::new(&self.generators, &mut rng);
        let mut reached = self.order();
        let mut idle = 0;
        // Deep chains (a product of a hundred symmetric groups has ~1000
        // levels) need more sifts than any fixed count; stop only after
        // KNOWN_ORDER_SIFTS in a row that did not raise the order.
        while idle < KNOWN_ORDER_SIFTS {
            if reached >= *order {
                return;
            }
            checkpoint();
            idle += 1;
            let g = random.next(&mut rng);
            let mut word = Word::new();
            word.factors.push(g.images());
            let stop = match self.sift(&mut word, 0) {
                Sifted::OutsideOrbit(level) => level,
                Sifted::Through if word.is_identity(self.degree) => continue,
                Sifted::Through => self.levels.len(),
            };
            let residue = word.to_perm(self.degree);
            self.add_strong_generator(residue, stop.min(1), stop);
            let now = self.order();
            if now > reached {
                reached = now;
                idle = 0;
            }
        }
    }

    /// When the representatives of every orbit point do not fit in
    /// [`EXPLICIT_BUDGET`], stores only every `stride`-th point along the
    /// Schreier-tree paths (rebuilt breadth-first), with the stride chosen
    /// to fit.
    fn fit_storage(&mut self, budget: usize) {
        let needed: usize = self
            .levels
            .iter()
            .map(|l| (l.orbit.len() - 1) * self.degree)
            .sum();
        if needed <= budget {
            return;
        }
        self.storage.stride = needed.div_ceil(budget.max(1));
        for lev in &mut self.levels {
            self.storage.left += lev.stored.len();
            lev.stored = Vec::new();
            for &x in &lev.orbit {
                lev.slot[x] = NOT_STORED;
            }
        }
        for lev in &mut self.levels {
            lev.rebuild(&mut self.storage);
        }
    }

    /// Adds `g` to the group; returns false (and changes nothing) when `g`
    /// is already a member.
    pub fn add_generator(&mut self, g: Perm) -> bool {
        assert_eq!(
            g.degree(),
            self.degree,
            "generator degree differs from chain degree"
        );
        if self.contains(&g) {
            return false;
        }
        self.generators.push(g.clone());
        // g joins level 0 and every later level whose earlier base points it
        // fixes (those levels' groups must contain it); a base point is
        // appended if it fixes them all.
        let first_moved = self
            .levels
            .iter()
            .position(|l| g.apply(l.base_point) != l.base_point)
            .unwrap_or(self.levels.len());
        let deepest = self.add_strong_generator(g, 0, first_moved);
        self.check_levels(deepest);
        true
    }

    /// Adds `h` as a strong generator of levels `from..=to`; `h` must lie
    /// in the group of level `from` and fix the base points before `to`.
    /// If `to` is past the end, a level is appended with the least point
    /// `h` moves. Returns the deepest level changed.
    fn add_strong_generator(&mut self, h: Perm, from: usize, to: usize) -> usize {
        if to >= self.levels.len() {
            let point = (0..self.degree)
                .find(|&x| h.apply(x) != x)
                // callers only add permutations that are not the identity
                .expect("a new strong generator moves a point");
            self.levels.push(Level::new(point, self.degree));
        }
        let to = to.min(self.levels.len() - 1);
        for l in from..to {
            self.levels[l].add_gen(h.clone(), &mut self.storage);
        }
        self.levels[to].add_gen(h, &mut self.storage);
        to
    }

    /// The random phase, top-down: the generators of each level's group are
    /// [`SCHREIER_SAMPLES`] random Schreier generators of the level above
    /// (product-replacement random elements of that group, times the
    /// inverse coset representative of their base image). They lie in the
    /// right stabiliser by construction and usually generate all of it; the
    /// deterministic check repairs the levels where they do not. Each level
    /// keeps only its own few generators, which keeps the check cheap.
    fn random_descent(&mut self) {
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let mut level = 0;
        while level < self.levels.len() {
            checkpoint();
            let lev = &self.levels[level];
            let mut stabilizer: Vec<Perm> = Vec::new();
            if !lev.gens.is_empty() {
                let mut random = ProductReplacement::new(&lev.gens, &mut rng);
                for _ in 0..SCHREIER_SAMPLES {
                    let g = random.next(&mut rng);
                    let mut word = Word::new();
                    word.factors.push(g.images());
                    let x = g.apply(lev.base_point);
                    if x != lev.base_point {
                        lev.push_inverse_rep(x, &mut word);
                    }
                    if !word.is_identity(self.degree) {
                        let h = word.to_perm(self.degree);
                        if !stabilizer.contains(&h) {
                            stabilizer.push(h);
                        }
                    }
                }
            }
            if stabilizer.is_empty() && level + 1 == self.levels.len() {
                return;
            }
            if level + 1 == self.levels.len() {
                let point = least_moved_point(&stabilizer)
                    // only non-identity elements were kept
                    .expect("a non-identity element moves a point");
                self.levels.push(Level::new(point, self.degree));
            }
            for h in stabilizer {
                self.levels[level + 1].add_gen(h, &mut self.storage);
            }
            level += 1;
        }
    }

    /// Sifts `word` through the levels from `from` on, appending the
    /// inverse coset representatives to it.
    fn sift<'a>(&'a self, word: &mut Word<'a>, from: usize) -> Sifted {
        for (i, lev) in self.levels.iter().enumerate().skip(from) {
            let x = word.image(lev.base_point);
            if !lev.contains(x) {
                return Sifted::OutsideOrbit(i);
            }
            if x != lev.base_point {
                lev.push_inverse_rep(x, word);
            }
        }
        Sifted::Through
    }

    /// Sims' check, bottom-up from level `start`: every Schreier generator
    /// of every level must sift to the identity through the levels below.
    /// A failure becomes a strong generator and the check resumes at the
    /// deepest level it changed.
    fn check_levels(&mut self, start: usize) {
        let mut level = start;
        loop {
            let (failure, points, gens) = self.check_level(level);
            let lev = &mut self.levels[level];
            lev.checked_points = points;
            lev.checked_gens = gens;
            match failure {
                Some((residue, stop)) => {
                    level = self.add_strong_generator(residue, level + 1, stop);
                }
                None if level == 0 => return,
                None => level -= 1,
            }
        }
    }

    /// Sifts the unchecked Schreier generators of `level`; returns the first
    /// failure (residue and the level where its sift stopped) and how far
    /// the check got (points, generators).
    fn check_level(&self, level: usize) -> (Option<(Perm, usize)>, usize, usize) {
        let lev = &self.levels[level];
        let (old_points, old_gens) = (lev.checked_points, lev.checked_gens);
        let (all_points, all_gens) = (lev.orbit.len(), lev.gens.len());
        // New generators on the old points, then every generator on the new points.
        // One checkpoint per orbit point: each sifts up to one Schreier
        // generator per generator, at least `degree` steps apiece.
        for i in 0..old_points {
            checkpoint();
            if let Some(failure) = self.check_point(level, i, old_gens..all_gens) {
                return (Some(failure), old_points, old_gens);
            }
        }
        for i in old_points..all_points {
            checkpoint();
            if let Some(failure) = self.check_point(level, i, 0..all_gens) {
                return (Some(failure), i, all_gens);
            }
        }
        (None, all_points, all_gens)
    }

    /// Sifts the Schreier generators `u_x s u_{s(x)}^-1` for `x = orbit[i]`
    /// and `s = gens[k]`, `k` in `gens`, of `level` through the levels
    /// below; returns the first that is not the identity, with the level
    /// where its sift stopped.
    fn check_point(
        &self,
        level: usize,
        i: usize,
        gens: std::ops::Range<usize>,
    ) -> Option<(Perm, usize)> {
        let lev = &self.levels[level];
        let x = lev.orbit[i];
        let mut ux: Option<Perm> = None;
        for k in gens {
            let s = &lev.gens[k];
            let y = s.apply(x);
            // Tree edges x -> y by s, or y -> x by s^-1, give the identity.
            let edge = 2 * k as u32;
            if lev.label[y] == edge || lev.label[x] == edge + 1 {
                continue;
            }
            if x != lev.base_point && ux.is_none() {
                ux = Some(lev.rep(x));
            }
            let mut word = Word::new();
            if let Some(ux) = &ux {
                word.factors.push(ux.images());
            }
            word.factors.push(s.images());
            if y != lev.base_point {
                lev.push_inverse_rep(y, &mut word);
            }
            match self.sift(&mut word, level + 1) {
                Sifted::OutsideOrbit(stop) => return Some((word.to_perm(self.degree), stop)),
                Sifted::Through if word.is_identity(self.degree) => {}
                Sifted::Through => {
                    return Some((word.to_perm(self.degree), self.levels.len()));
                }
            }
        }
        None
    }

    /// The number of points acted on.
    pub fn degree(&self) -> usize {
        self.degree
    }

    /// The generators the chain was built from (without the identity and
    /// repeats) and those added since.
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
        lev.contains(x).then(|| lev.rep(x))
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
        let mut word = Word::new();
        word.factors.push(g.images());
        matches!(self.sift(&mut word, 0), Sifted::Through) && word.is_identity(self.degree)
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
            let reps: Vec<Perm> = lev.orbit.iter().map(|&x| lev.rep(x)).collect();
            let mut next = Vec::with_capacity(elements.len() * reps.len());
            for e in &elements {
                checkpoint();
                for u in &reps {
                    next.push(e.then(u));
                }
            }
            elements = next;
        }
        Some(elements)
    }

    /// A uniformly random element: a uniformly random coset representative
    /// from every level, multiplied.
    pub fn random_element(&self, rng: &mut impl rand::Rng) -> Perm {
        let mut g = Perm::identity(self.degree);
        for lev in self.levels.iter().rev() {
            let x = lev.orbit[rng.random_range(0..lev.orbit.len())];
            g = g.then(&lev.rep(x));
        }
        g
    }
}

/// Orbits, transitivity, freeness and stabilisers.
impl StabilizerChain {
    /// The orbit of `point`, in breadth-first order from `point`.
    pub fn orbit(&self, point: usize) -> Vec<usize> {
        let mut seen = vec![false; self.degree];
        seen[point] = true;
        let mut orbit = vec![point];
        let mut head = 0;
        while head < orbit.len() {
            let x = orbit[head];
            head += 1;
            for g in &self.generators {
                let y = g.apply(x);
                if !std::mem::replace(&mut seen[y], true) {
                    orbit.push(y);
                }
            }
        }
        orbit
    }

    /// The orbits on `0..degree`, each sorted, in order of their least point.
    pub fn orbits(&self) -> Vec<Vec<usize>> {
        super::orbits(self.degree, &self.generators)
    }

    /// Whether the group has a single orbit on `0..degree` (false for degree 0).
    pub fn is_transitive(&self) -> bool {
        self.degree > 0 && self.orbit(0).len() == self.degree
    }

    /// Whether `points` (non-empty, without repeats) is exactly one orbit.
    pub fn is_transitive_on(&self, points: &[usize]) -> bool {
        let Some(&first) = points.first() else {
            return false;
        };
        let mut orbit = self.orbit(first);
        if orbit.len() != points.len() {
            return false;
        }
        let mut sorted = points.to_vec();
        sorted.sort_unstable();
        orbit.sort_unstable();
        orbit == sorted
    }

    /// Whether the group acts freely (semiregularly) on `0..degree`: only
    /// the identity fixes a point, i.e. every orbit has |G| points.
    pub fn is_semiregular(&self) -> bool {
        let all: Vec<usize> = (0..self.degree).collect();
        self.is_semiregular_on(&all)
    }

    /// Whether every point of `points` has a trivial stabiliser (its orbit has |G| points).
    pub fn is_semiregular_on(&self, points: &[usize]) -> bool {
        let order = self.order();
        let mut checked = vec![false; self.degree];
        for &p in points {
            if checked[p] {
                continue;
            }
            let orbit = self.orbit(p);
            if BigUint::from(orbit.len()) != order {
                return false;
            }
            for x in orbit {
                checked[x] = true;
            }
        }
        true
    }

    /// Whether the group is regular: transitive and free.
    pub fn is_regular(&self) -> bool {
        self.is_transitive() && BigUint::from(self.degree) == self.order()
    }

    /// The stabiliser of `point`, as a complete chain of its own.
    pub fn point_stabilizer(&self, point: usize) -> StabilizerChain {
        self.pointwise_stabilizer(&[point])
    }

    /// The pointwise stabiliser of `points`, as a complete chain of its own.
    /// Reuses this chain's lower levels when its base begins with `points`,
    /// and otherwise builds a chain with `points` as the base prefix.
    pub fn pointwise_stabilizer(&self, points: &[usize]) -> StabilizerChain {
        let prefix = self.levels.len() >= points.len()
            && self
                .levels
                .iter()
                .zip(points)
                .all(|(l, &p)| l.base_point == p);
        if prefix {
            return self.lower_levels(points.len());
        }
        let order = self.order();
        let budget = EXPLICIT_BUDGET;
        StabilizerChain::build(self.degree, &self.generators, points, Some(&order), budget)
            .lower_levels(points.len())
    }

    /// The chain of levels `from..`: the pointwise stabiliser of the first `from` base points.
    fn lower_levels(&self, from: usize) -> StabilizerChain {
        let levels: Vec<Level> = self.levels.iter().skip(from).cloned().collect();
        let stored: usize = levels.iter().map(|l| l.stored.len()).sum();
        StabilizerChain {
            degree: self.degree,
            generators: levels.first().map_or_else(Vec::new, |l| l.gens.clone()),
            levels,
            storage: Storage {
                left: EXPLICIT_BUDGET.saturating_sub(stored),
                stride: self.storage.stride,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cyc(s: &str, n: usize) -> Perm {
        Perm::parse_cycles(s, n).unwrap()
    }

    #[test]
    fn many_generators_are_dropped_when_redundant_and_the_order_is_kept() {
        // 200 random transpositions of 7 points generate S7 (they connect
        // all points), far more than EARLY_GENERATORS
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut gens = Vec::new();
        while gens.len() < 200 {
            let (a, b) = (rng.random_range(0..7), rng.random_range(0..7));
            if a != b {
                gens.push(cyc(&format!("({a} {b})"), 7));
            }
        }
        let chain = StabilizerChain::new(7, &gens);
        assert_eq!(chain.order(), BigUint::from(5040u32));
        assert!(
            chain.generators().len() < 40,
            "{}",
            chain.generators().len()
        );
        for g in &gens {
            assert!(chain.contains(g));
        }
        // a subgroup given by many generators: 100 copies of two
        // generators of C2 x C3 (order 6) on 5 points, plus repeats
        let mut gens = Vec::new();
        for _ in 0..100 {
            gens.push(cyc("(0 1)", 5));
            gens.push(cyc("(2 3 4)", 5));
            gens.push(cyc("(0 1)(2 4 3)", 5));
        }
        let chain = StabilizerChain::new(5, &gens);
        assert_eq!(chain.order(), BigUint::from(6u32));
        assert!(!chain.contains(&cyc("(0 2)", 5)));
    }

    #[test]
    fn one_generator_gives_the_cyclic_order_without_sifting() {
        // (0 1 2 3 4 5)(6 7 8 9) has order lcm(6, 4) = 12; the first orbit
        // has 6 points, so the chain needs a second level
        let g = cyc("(0 1 2 3 4 5)(6 7 8 9)", 10);
        let chain = StabilizerChain::new(10, std::slice::from_ref(&g));
        assert_eq!(chain.order(), BigUint::from(12u32));
        assert!(chain.contains(&g.pow(5)));
        assert!(!chain.contains(&cyc("(0 1)", 10)));
        // a long cycle: the orbit alone is the whole group
        let n = 50_000;
        let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
        let g = Perm::from_images(&shift).unwrap();
        let chain = StabilizerChain::new(n, std::slice::from_ref(&g));
        assert_eq!(chain.order(), BigUint::from(n));
        assert!(chain.contains(&g.pow(12_345)));
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
    fn an_order_bound_reached_or_not_gives_the_true_order() {
        // S_8 on ordered pairs (64 points): faithful, the bound 8! is reached
        let n = 8;
        let gens = crate::group::named::on_ordered_pairs(n, &crate::group::named::symmetric(n));
        let fact: BigUint = (1..=n).map(BigUint::from).product();
        let bounded = StabilizerChain::with_order_bound(n * n, &gens, &fact);
        assert_eq!(bounded.order(), fact);
        assert!(bounded.contains(&gens[0]));
        // the image of S_4 x C_2 on the S_4 side: a bound twice the order
        let gens = [cyc("(0 1)", 4), cyc("(0 1 2 3)", 4)];
        for bound in [48u32, 1_000_000] {
            let chain = StabilizerChain::with_order_bound(4, &gens, &BigUint::from(bound));
            assert_eq!(chain.order(), BigUint::from(24u32), "bound {bound}");
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
    fn small_storage_budgets_give_the_same_group() {
        let n = 8;
        let gens = crate::group::named::on_ordered_pairs(n, &crate::group::named::symmetric(n));
        let full = StabilizerChain::new(n * n, &gens);
        let fact: BigUint = (1..=n).map(BigUint::from).product();
        assert_eq!(full.order(), fact);
        assert_eq!(full.storage.stride, 1);
        let swap = Perm::parse_cycles("(1 2)", n * n).unwrap();
        for budget in [0, n * n, 5 * n * n, 12 * n * n] {
            let chain = StabilizerChain::build(n * n, &gens, &[], None, budget);
            assert_eq!(chain.order(), fact, "budget {budget}");
            assert!(budget == 0 || chain.storage.stride > 1);
            assert!(chain.levels.iter().map(|l| l.stored.len()).sum::<usize>() <= budget);
            assert!(gens.iter().all(|g| chain.contains(&g.then(&gens[0]))));
            assert!(!chain.contains(&swap));
            for level in 0..chain.depth() {
                for &x in chain.basic_orbit(level) {
                    let u = chain.transversal(level, x).unwrap();
                    assert_eq!(u.apply(chain.base()[level]), x);
                    assert!(full.contains(&u));
                }
            }
        }
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
