//! Twin classes (points with identical neighbourhoods) and the quotient structure on them.
//!
//! Two inputs are *twins* when their columns of the tying matrix are equal
//! (the same colour to every output, non-edges included); two outputs are
//! twins when their rows are. Swapping two twins and fixing every other point
//! is an automorphism, and every automorphism maps twin classes onto twin
//! classes of the same side and size. So, with `Q` the quotient structure
//! (one point per class, coloured by side and class size, and an edge of the
//! common colour between an input class and an output class),
//!
//! ```text
//! Aut(S) = Aut(Q) ⋉ (Sym(C_1) x ... x Sym(C_r)),   |Aut(S)| = |Aut(Q)| * k_1! * ... * k_r!
//! ```
//!
//! (the kernel of the map Aut(S) -> Aut(Q) is the product of the symmetric
//! groups on the classes; every automorphism of `Q` lifts by mapping the
//! members of a class, in increasing order, onto those of its image). This is
//! the classical reduction by structurally equivalent vertices. It turns
//! pooling and invariant layers, whose automorphism groups are products of
//! huge symmetric groups, from one search step per transposition into a
//! search on a few points.
//!
//! Finding the classes costs one hash per neighbour list (O(edges)) and a
//! sort of the points; equal hashes are confirmed by comparing the lists, so
//! a collision never merges points that are not twins.

use super::structure::Structure;
use crate::perm::Perm;
use num_bigint::BigUint;

/// The twin classes of a structure with at least one pair of twins.
#[derive(Clone, Debug)]
pub struct Twins {
    /// `class_of[v]`: the class of point `v`. Input classes come first, each
    /// side ordered by (class size, least member).
    class_of: Vec<u32>,
    /// The members of every class, increasing, classes one after another.
    members: Vec<u32>,
    /// `start[c]..start[c + 1]` indexes `members` for class `c`.
    start: Vec<usize>,
    input_classes: usize,
}

/// A 64-bit hash of a neighbour list (FxHash-style multiply-rotate).
fn list_hash(list: &[(u32, u32)]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = list.len() as u64;
    for &(u, c) in list {
        let x = ((u as u64) << 32) | c as u64;
        h = (h.rotate_left(5) ^ x).wrapping_mul(K);
    }
    h
}

/// The classes of two or more equal items among `0..prints.len()`, each
/// increasing, in increasing order of their least member; items with no
/// equal partner are left out.
///
/// Items are grouped by their fingerprints `prints` (equal items must have
/// equal prints: sorting, no hashing of whole lines) and compared exactly
/// with `same` within a group, so a collision costs time, never a wrong
/// class. [`Twins::find`] runs it on each side's neighbour lists; the
/// search's quick exactness check (`design::oracle::twin_swaps`) reads its
/// twins from [`Twins`], so there is one twin finder.
fn classes_of_equal(prints: &[u64], same: impl Fn(usize, usize) -> bool) -> Vec<Vec<u32>> {
    let mut order: Vec<u32> = (0..prints.len() as u32).collect();
    order.sort_unstable_by_key(|&i| (prints[i as usize], i));
    let mut classes: Vec<Vec<u32>> = Vec::new();
    for group in order.chunk_by(|&a, &b| prints[a as usize] == prints[b as usize]) {
        if group.len() == 1 {
            continue;
        }
        // The exact classes of one fingerprint; members arrive increasing.
        let mut split: Vec<Vec<u32>> = Vec::new();
        for &i in group {
            match split.iter_mut().find(|c| same(c[0] as usize, i as usize)) {
                Some(c) => c.push(i),
                None => split.push(vec![i]),
            }
        }
        classes.extend(split.into_iter().filter(|c| c.len() >= 2));
    }
    classes.sort_unstable_by_key(|c| c[0]);
    classes
}

impl Twins {
    /// The twin classes of `structure`, or `None` when no two points are twins.
    pub fn find(structure: &Structure) -> Option<Twins> {
        let n_in = structure.inputs();
        let points = structure.points();
        let prints: Vec<u64> = (0..points)
            .map(|v| list_hash(structure.neighbours(v)))
            .collect();
        // Each side on its own: an input and an output with no edges have
        // equal (empty) lists but are not twins.
        let same = |a: usize, b: usize| structure.neighbours(a) == structure.neighbours(b);
        let mut classes = classes_of_equal(&prints[..n_in], same);
        let outputs = classes_of_equal(&prints[n_in..], |a, b| same(n_in + a, n_in + b));
        if classes.is_empty() && outputs.is_empty() {
            return None;
        }
        classes.extend(
            outputs
                .into_iter()
                .map(|c| c.into_iter().map(|v| v + n_in as u32).collect()),
        );
        let mut in_class = vec![false; points];
        for &v in classes.iter().flatten() {
            in_class[v as usize] = true;
        }
        classes.extend(
            (0..points as u32)
                .filter(|&v| !in_class[v as usize])
                .map(|v| vec![v]),
        );
        classes.sort_unstable_by_key(|c| (c[0] as usize >= n_in, c.len(), c[0]));
        let input_classes = classes.iter().filter(|c| (c[0] as usize) < n_in).count();
        let mut class_of = vec![0u32; points];
        let mut members = Vec::with_capacity(points);
        let mut start = Vec::with_capacity(classes.len() + 1);
        start.push(0);
        for (k, c) in classes.iter().enumerate() {
            for &v in c {
                class_of[v as usize] = k as u32;
            }
            members.extend_from_slice(c);
            start.push(members.len());
        }
        Some(Twins {
            class_of,
            members,
            start,
            input_classes,
        })
    }

    /// The number of classes (the quotient's points).
    pub fn classes(&self) -> usize {
        self.start.len() - 1
    }

    /// The number of input classes (the quotient's inputs).
    pub fn input_classes(&self) -> usize {
        self.input_classes
    }

    /// The members of class `c`, increasing.
    pub fn members(&self, c: usize) -> &[u32] {
        &self.members[self.start[c]..self.start[c + 1]]
    }

    /// The class of point `v`.
    pub fn class_of(&self, v: usize) -> usize {
        self.class_of[v] as usize
    }

    /// The quotient structure: one point per class (inputs first, in class
    /// order) and an edge of the common colour between an input class and an
    /// output class whose members are joined.
    pub fn quotient(&self, structure: &Structure) -> Structure {
        let q_in = self.input_classes;
        let q_out = self.classes() - q_in;
        let mut stamp = vec![u32::MAX; q_out];
        let mut edges = Vec::new();
        for c in 0..q_in {
            let representative = self.members(c)[0] as usize;
            for &(u, colour) in structure.neighbours(representative) {
                let d = self.class_of(u as usize) - q_in;
                if stamp[d] != c as u32 {
                    stamp[d] = c as u32;
                    edges.push((c, d, colour));
                }
            }
        }
        Structure::from_edges(q_in, q_out, &edges)
    }

    /// The quotient's initial cells: sizes of the runs of classes of one
    /// side and one class size (an automorphism of the quotient must keep
    /// both, so that it lifts).
    pub fn cell_sizes(&self) -> Vec<usize> {
        let mut sizes = Vec::new();
        let mut previous = None;
        for c in 0..self.classes() {
            let key = (c >= self.input_classes, self.members(c).len());
            if previous == Some(key) {
                // a run is open whenever `previous` is set
                *sizes.last_mut().expect("an open run") += 1;
            } else {
                sizes.push(1);
                previous = Some(key);
            }
        }
        sizes
    }

    /// The permutation of the classes induced by an automorphism `g`.
    pub fn on_classes(&self, g: &Perm) -> Perm {
        let images = (0..self.classes())
            .map(|c| self.class_of[g.apply(self.members(c)[0] as usize)])
            .collect();
        Perm::from_images_unchecked(images)
    }

    /// The lift of an automorphism `q` of the quotient: the `k`-th member of
    /// each class goes to the `k`-th member of its image class.
    pub fn lift(&self, q: &Perm) -> Perm {
        let mut images = vec![0u32; self.class_of.len()];
        for c in 0..self.classes() {
            let to = self.members(q.apply(c));
            for (&from, &image) in self.members(c).iter().zip(to) {
                images[from as usize] = image;
            }
        }
        Perm::from_images_unchecked(images)
    }

    /// Generators of the product of the symmetric groups on the classes:
    /// for each class `m_0 < ... < m_{k-1}` with `k >= 2`, the transposition
    /// `(m_0 m_1)` and, when `k >= 3`, the cycle `(m_0 m_1 ... m_{k-1})`.
    /// Two per class rather than `k - 1` transpositions: each generator is a
    /// full image array, so a 1024-input pooling layer would otherwise
    /// allocate about a thousand arrays of 1025 points.
    pub fn symmetric_generators(&self) -> Vec<Perm> {
        let points = self.class_of.len();
        let mut out = Vec::new();
        for c in 0..self.classes() {
            let m = self.members(c);
            if m.len() < 2 {
                continue;
            }
            let mut images: Vec<u32> = (0..points as u32).collect();
            images.swap(m[0] as usize, m[1] as usize);
            out.push(Perm::from_images_unchecked(images));
            if m.len() >= 3 {
                let mut images: Vec<u32> = (0..points as u32).collect();
                for (k, &v) in m.iter().enumerate() {
                    images[v as usize] = m[(k + 1) % m.len()];
                }
                out.push(Perm::from_images_unchecked(images));
            }
        }
        out
    }

    /// The order of that product: the product of the factorials of the class sizes.
    pub fn kernel_order(&self) -> BigUint {
        // factors gathered in a u64 until it would overflow: few big-number products
        let mut order = BigUint::from(1u32);
        let mut gathered: u64 = 1;
        for c in 0..self.classes() {
            for k in 2..=self.members(c).len() as u64 {
                match gathered.checked_mul(k) {
                    Some(product) => gathered = product,
                    None => {
                        order *= gathered;
                        gathered = k;
                    }
                }
            }
        }
        order * gathered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tying::Tying;

    #[test]
    fn classes_quotient_and_lifts() {
        // inputs 0, 2 twins (columns [0, 1]), input 1 alone; outputs 0, 1 differ
        let tying = Tying {
            rows: 2,
            cols: 3,
            data: vec![0, 1, 0, 1, -1, 1],
        };
        let s = Structure::from_tying(&tying);
        let twins = Twins::find(&s).expect("inputs 0 and 2 are twins");
        assert_eq!(twins.classes(), 4);
        assert_eq!(twins.input_classes(), 2);
        // input classes by size: {1}, {0, 2}; then outputs {3}, {4}
        assert_eq!(twins.members(0), &[1]);
        assert_eq!(twins.members(1), &[0, 2]);
        assert_eq!(twins.cell_sizes(), vec![1, 1, 2]);
        assert_eq!(twins.kernel_order(), BigUint::from(2u32));
        let q = twins.quotient(&s);
        assert_eq!((q.inputs(), q.outputs(), q.edges()), (2, 2, 3));
        let t = twins.symmetric_generators();
        assert_eq!(t, vec![Perm::parse_cycles("(0 2)", 5).unwrap()]);
        assert!(s.is_automorphism(&t[0]));
        assert!(twins.on_classes(&t[0]).is_identity());
        assert!(twins.lift(&Perm::identity(4)).is_identity());
        // no twins: the identity pattern
        let id = Tying {
            rows: 2,
            cols: 2,
            data: vec![0, -1, -1, 0],
        };
        assert!(Twins::find(&Structure::from_tying(&id)).is_none());
    }

    #[test]
    fn degenerate_structures() {
        use crate::verify::automorphisms;
        let factorial = |n: u32| (1..=n).fold(BigUint::from(1u32), |a, k| a * k);
        // no edges: every input is a twin of every other, likewise the outputs
        for (n, m) in [(3, 4), (1, 5), (5, 0), (0, 3), (1, 1)] {
            let s = Structure::from_edges(n, m, &[]);
            let aut = automorphisms(&s, &[]).unwrap();
            assert_eq!(
                aut.order,
                factorial(n as u32) * factorial(m as u32),
                "{n} x {m}"
            );
        }
        // all edges one colour: the same
        let tying = Tying {
            rows: 3,
            cols: 4,
            data: vec![0; 12],
        };
        let aut = automorphisms(&Structure::from_tying(&tying), &[]).unwrap();
        assert_eq!(aut.order, factorial(4) * factorial(3));
        assert_eq!(aut.stats.quotient_points, Some(2));
    }

    /// The definition: two points of one side are twins iff swapping them
    /// and fixing every other point is an automorphism.
    fn twins_by_definition(s: &Structure) -> Vec<Vec<u32>> {
        let points = s.points();
        let side = |v: usize| v >= s.inputs();
        let mut classes: Vec<Vec<u32>> = Vec::new();
        for v in 0..points {
            let class = classes.iter_mut().find(|c| {
                let u = c[0] as usize;
                let mut images: Vec<u32> = (0..points as u32).collect();
                images.swap(u, v);
                side(u) == side(v) && s.is_automorphism(&Perm::from_images_unchecked(images))
            });
            match class {
                Some(c) => c.push(v as u32),
                None => classes.push(vec![v as u32]),
            }
        }
        classes.sort_unstable_by_key(|c| (c[0] as usize >= s.inputs(), c.len(), c[0]));
        classes
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn classes_are_the_twins_of_the_definition(
            (rows, cols, data) in (0usize..6, 0usize..6).prop_flat_map(|(r, c)| {
                (Just(r), Just(c), proptest::collection::vec(-1i32..2, r * c))
            })
        ) {
            // parameter indices must be 0..k: renumber the entries used
            let mut used: Vec<i32> = data.iter().copied().filter(|&v| v >= 0).collect();
            used.sort_unstable();
            used.dedup();
            let data = data
                .iter()
                .map(|&v| if v < 0 { -1 } else { used.binary_search(&v).unwrap() as i32 })
                .collect();
            let tying = Tying { rows, cols, data };
            let s = Structure::from_tying(&tying);
            let want = twins_by_definition(&s);
            match Twins::find(&s) {
                None => prop_assert!(want.iter().all(|c| c.len() == 1), "{want:?}"),
                Some(t) => {
                    let got: Vec<Vec<u32>> = (0..t.classes()).map(|c| t.members(c).to_vec()).collect();
                    prop_assert_eq!(got, want);
                    prop_assert_eq!(t.input_classes(), (0..t.classes()).filter(|&c| (t.members(c)[0] as usize) < cols).count());
                }
            }
        }
    }

    #[test]
    fn colliding_prints_never_merge_unequal_items() {
        let items = [3, 1, 3, 2, 1, 3, 4];
        // every fingerprint equal: only `same` separates the classes
        let classes = classes_of_equal(&[7; 7], |a, b| items[a] == items[b]);
        assert_eq!(classes, vec![vec![0, 2, 5], vec![1, 4]]);
        let honest: Vec<u64> = items.iter().map(|&x| x as u64).collect();
        assert_eq!(
            classes_of_equal(&honest, |a, b| items[a] == items[b]),
            classes
        );
        assert!(classes_of_equal(&[1, 2, 3], |_, _| unreachable!()).is_empty());
    }
}
