//! Aut of a dense design without a search: a base of G that no automorphism can move further, then a discreteness check.
//!
//! The dense design colours each input-output pair by its G-orbit; its
//! automorphism group K is the closure of G (G <= K). Proving K = G with
//! the general verifier means refining a structure with N x M edges (1.3 s
//! and 270 MB of adjacency lists for D4 on a 64x64 image). For the dense
//! design a few passes over the matrix usually prove it instead:
//!
//! 1. *K keeps G's point orbits.* If (a, b) is in K, the pair (a n, b m) has
//!    the colour of (n, m), whose G-orbit projects onto G m; so b m lies in
//!    G m (and a n in G n). Needs N, M >= 1.
//! 2. *Basic orbits.* Take a base b_1, ..., b_k of G with basic orbits
//!    D_i = G^(i-1) b_i (G^(i) the pointwise stabiliser of b_1..b_i), and
//!    let K^(i) be K's. An element of K^(i-1) maps b_i into
//!    S_i = { x in G b_i on b_i's side : colour(x, b_j) = colour(b_i, b_j)
//!    for every earlier b_j on the other side }. So
//!    |D_i| <= |K^(i-1) b_i| <= |S_i|, and where |S_i| = |D_i| for every i,
//!    |K| = |D_1| ... |D_k| |K^(k)| = |G| |K^(k)|.
//! 3. *Discreteness.* An element of K^(k) keeps every point's colours
//!    against the base points on the other side. If those colour vectors are
//!    distinct on one side, it fixes that side pointwise; then it maps each
//!    point of the other side to one with the same row (or column) of the
//!    matrix, so if those are distinct too, K^(k) = 1 and K = G.
//!
//! Where a group has a regular orbit the base starts there (one point whose
//! colours against the other side are all different), so on an image layer
//! step 2 is one orbit and step 3 one pass hashing the rows: tens of
//! milliseconds. When any check fails, nothing is concluded and the caller
//! runs the general verifier: this module can prove K = G, never claim it.
use crate::action::JointAction;
use crate::tying::Tying;
use num_bigint::BigUint;

/// Whether the dense design `dense` of `action` (entry `(m, n)` the G-orbit
/// of the pair `(n, m)`, as [`Tying::from_edge_orbits`] builds it) provably
/// has automorphism group exactly G. `false` means "not proved", not
/// "not exact".
pub fn dense_design_proved_exact(action: &JointAction, dense: &Tying) -> bool {
    let (n, m) = (action.input_size(), action.output_size());
    if n == 0 || m == 0 || dense.rows != m || dense.cols != n {
        return false;
    }
    let order = action.order();
    // Joint point numbering: inputs 0..n, outputs n..n+m.
    let mut side_orbit = vec![0u32; n + m];
    let mut regular = None;
    for (k, orbit) in action
        .input_orbits()
        .into_iter()
        .chain(
            action
                .output_orbits()
                .into_iter()
                .map(|o| o.into_iter().map(|x| x + n).collect()),
        )
        .enumerate()
    {
        for &x in &orbit {
            side_orbit[x] = k as u32;
        }
        if regular.is_none() && BigUint::from(orbit.len()) == order {
            regular = Some(orbit[0]);
        }
    }
    // A regular orbit bounds |G| by the points, so a new chain is cheap.
    let chain = match regular {
        Some(p) => action.chain().with_base_prefix(&[p]),
        None => action.chain().clone(),
    };
    let colour = |x: usize, y: usize| -> i32 {
        // x and y on different sides, either order
        if x < n {
            dense.get(y - n, x)
        } else {
            dense.get(x - n, y)
        }
    };
    let base = chain.base();
    for (level, &b) in base.iter().enumerate() {
        let earlier_other: Vec<usize> = base[..level]
            .iter()
            .copied()
            .filter(|&c| (c < n) != (b < n))
            .collect();
        let side = if b < n { 0..n } else { n..n + m };
        let candidates = side
            .filter(|&x| side_orbit[x] == side_orbit[b])
            .filter(|&x| earlier_other.iter().all(|&c| colour(x, c) == colour(b, c)))
            .count();
        if candidates != chain.basic_orbit(level).len() {
            return false;
        }
    }
    let (input_base, output_base): (Vec<usize>, Vec<usize>) = base.iter().partition(|&&b| b < n);
    let inputs_discrete =
        keys_distinct((0..n).map(|x| output_base.iter().map(|&c| colour(x, c)).collect()));
    if inputs_discrete {
        return rows_distinct(dense);
    }
    let outputs_discrete =
        keys_distinct((n..n + m).map(|y| input_base.iter().map(|&c| colour(y, c)).collect()));
    outputs_discrete && columns_distinct(dense)
}

/// Whether the keys are pairwise different.
fn keys_distinct(keys: impl Iterator<Item = Vec<i32>>) -> bool {
    let mut keys: Vec<Vec<i32>> = keys.collect();
    keys.sort_unstable();
    keys.windows(2).all(|w| w[0] != w[1])
}

/// A 64-bit hash of a sequence of entries (different hashes prove different sequences).
fn mix(h: u64, v: i32) -> u64 {
    (h ^ (v as u32 as u64))
        .wrapping_mul(0x100_0000_01B3)
        .rotate_left(29)
        ^ 0x9E37_79B9_7F4A_7C15
}

/// Whether the hashes are pairwise different (equal hashes: not proved distinct).
fn hashes_distinct(mut hashes: Vec<u64>) -> bool {
    hashes.sort_unstable();
    hashes.windows(2).all(|w| w[0] != w[1])
}

/// Entries of each row (rows of each column) hashed first: rows that differ
/// there differ, and on image layers they nearly always do, so the whole
/// matrix is hashed only when the prefixes tie.
const PREFIX: usize = 64;

/// Whether the rows of `dense` are pairwise different, by hash (a tie is
/// not a proof): first their first [`PREFIX`] entries (distinct prefixes are
/// distinct rows), then, if two prefixes tie, the whole rows, in parallel.
fn rows_distinct(dense: &Tying) -> bool {
    rows_distinct_from(dense, PREFIX)
}

/// [`rows_distinct`] with prefixes of `prefix` entries.
fn rows_distinct_from(dense: &Tying, prefix: usize) -> bool {
    use rayon::prelude::*;
    let hashed = |len: usize| -> bool {
        hashes_distinct(
            dense
                .data
                .par_chunks_exact(dense.cols)
                .map(|row| row_hash(&row[..len]))
                .collect(),
        )
    };
    (dense.cols > prefix && hashed(prefix)) || hashed(dense.cols)
}

/// A hash of one row: four interleaved lanes (entries `4i + l` into lane
/// `l`), so that the multiplications of neighbouring entries overlap instead
/// of waiting on each other; the lanes and the length are mixed at the end.
/// Equal rows get equal hashes, which is all the proof needs.
fn row_hash(row: &[i32]) -> u64 {
    let mut lanes = [
        0xCBF2_9CE4_8422_2325u64,
        0x8422_2325_CBF2_9CE4,
        0x9E37_79B9_CBF2_9CE4,
        0xCBF2_9CE4_9E37_79B9,
    ];
    let mut quads = row.chunks_exact(4);
    for quad in &mut quads {
        for (h, &v) in lanes.iter_mut().zip(quad) {
            *h = mix(*h, v);
        }
    }
    let mut h = lanes.iter().fold(row.len() as u64, |h, &l| {
        (h ^ l).wrapping_mul(0x100_0000_01B3).rotate_left(29)
    });
    for &v in quads.remainder() {
        h = mix(h, v);
    }
    h
}

/// Whether the columns of `dense` are pairwise different, by hash, in
/// row-major passes: first over their first [`PREFIX`] rows, then, if two
/// tie, over all of them.
fn columns_distinct(dense: &Tying) -> bool {
    columns_distinct_from(dense, PREFIX)
}

/// [`columns_distinct`] with prefixes of `prefix` rows.
fn columns_distinct_from(dense: &Tying, prefix: usize) -> bool {
    let hashed = |rows: usize| -> bool {
        let mut hashes = vec![0xCBF2_9CE4_8422_2325u64; dense.cols];
        for row in dense.data.chunks_exact(dense.cols).take(rows) {
            for (h, &v) in hashes.iter_mut().zip(row) {
                *h = mix(*h, v);
            }
        }
        hashes_distinct(hashes)
    };
    (dense.rows > prefix && hashed(prefix)) || hashed(dense.rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::GeneratorPair;
    use crate::instance::families;
    use crate::perm::Perm;
    use crate::verify::verify_exact;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Random actions on up to 7 + 7 points (random generator pairs, so
        /// closures larger than G are common): whenever the certificate
        /// proves the dense design exact, the general verifier agrees.
        #[test]
        fn never_proves_what_the_verifier_refutes(
            n in 1usize..8,
            m in 1usize..8,
            seeds in proptest::collection::vec(any::<u64>(), 1..3),
        ) {
            use rand::seq::SliceRandom;
            use rand::SeedableRng;
            let pairs = seeds.iter().map(|&s| {
                let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(s);
                let mut a: Vec<usize> = (0..n).collect();
                let mut b: Vec<usize> = (0..m).collect();
                a.shuffle(&mut rng);
                b.shuffle(&mut rng);
                GeneratorPair { input: Perm::from_images(&a).unwrap(), output: Perm::from_images(&b).unwrap() }
            }).collect();
            let action = JointAction::new(n, m, pairs);
            let dense = Tying::from_edge_orbits(action.edge_orbits());
            if dense_design_proved_exact(&action, &dense) {
                prop_assert!(verify_exact(&dense, &action).unwrap().is_exact());
            }
        }
    }

    /// Rows (columns) that tie on their prefix are compared whole; equal
    /// ones are never called distinct, whatever the prefix.
    #[test]
    fn prefixes_decide_only_when_they_differ() {
        let t = |rows, cols, data: Vec<i32>| Tying { rows, cols, data };
        // rows equal in their first 2 entries, different in the third
        let late = t(2, 3, vec![0, 1, 2, 0, 1, 3]);
        // two equal rows
        let same = t(2, 3, vec![0, 1, 2, 0, 1, 2]);
        for prefix in [1, 2, 3, 10] {
            assert!(rows_distinct_from(&late, prefix));
            assert!(!rows_distinct_from(&same, prefix));
            let transpose = |m: &Tying| {
                let data = (0..m.cols)
                    .flat_map(|c| (0..m.rows).map(move |r| (r, c)))
                    .map(|(r, c)| m.get(r, c))
                    .collect();
                t(m.cols, m.rows, data)
            };
            assert!(columns_distinct_from(&transpose(&late), prefix));
            assert!(!columns_distinct_from(&transpose(&same), prefix));
        }
    }

    /// The certificate never contradicts the general verifier, and proves the image layers it was made for.
    #[test]
    fn agrees_with_the_verifier_and_proves_image_layers() {
        let mut proved = 0;
        let groups = [
            families::d4(6).unwrap(),
            families::d4(5).unwrap(),
            families::c4(4).unwrap(),
            families::cyclic(5).unwrap(),
            families::dihedral(6).unwrap(),
            families::symmetric(4).unwrap(),
            families::torus(3, 4).unwrap(),
        ];
        for group in &groups {
            for (input, output) in [
                ("natural", "natural"),
                ("natural", "trivial"),
                ("regular", "natural"),
            ] {
                let Ok(instance) = group.instance(input.parse().unwrap(), output.parse().unwrap())
                else {
                    continue;
                };
                let action = instance.action();
                let dense = Tying::from_edge_orbits(action.edge_orbits());
                let exact = verify_exact(&dense, &action).unwrap().is_exact();
                if dense_design_proved_exact(&action, &dense) {
                    assert!(
                        exact,
                        "{}: proved exact, but the verifier finds a larger closure",
                        instance.name
                    );
                    proved += 1;
                }
            }
        }
        assert!(proved >= 5, "only {proved} dense designs proved exact");
        // D4 on an image: exact, and proved so without the verifier.
        let action = families::d4(8).unwrap().natural_instance().action();
        assert!(dense_design_proved_exact(
            &action,
            &Tying::from_edge_orbits(action.edge_orbits())
        ));
        // C5 pooled to one output: the closure is S5 (every column alike), never proved exact.
        let pooling = families::cyclic(5)
            .unwrap()
            .instance("natural".parse().unwrap(), "trivial".parse().unwrap())
            .unwrap()
            .action();
        assert!(!dense_design_proved_exact(
            &pooling,
            &Tying::from_edge_orbits(pooling.edge_orbits())
        ));
    }
}
