//! The dense design: parameter counts with known answers (Bell numbers,
//! DeepSets, nested sets), invariance of every bundled dense layer, and edge
//! orbits against union-find, brute-force enumeration and Burnside's lemma
//! on planted groups.

use num_bigint::BigUint;
use paramshare::action::JointAction;
use paramshare::design::dense_tying;
use paramshare::instance::families::{self, GroupAction, SideAction};
use paramshare::instance::Instance;
use paramshare::layer::Tying;
use paramshare::perm::Perm;
use proptest::prelude::*;
use std::collections::HashSet;
use std::path::Path;

/// Bell numbers B_0..=B_n by the Bell triangle: each row starts with the
/// previous row's last entry, and each next entry adds the entry above-left.
fn bell_numbers(n: usize) -> Vec<u64> {
    let mut bell = vec![1u64];
    let mut row = vec![1u64];
    for _ in 0..n {
        let mut next = vec![*row.last().expect("rows are never empty")];
        for &above in &row {
            let left = *next.last().expect("starts with one entry");
            next.push(left + above);
        }
        bell.push(next[0]);
        row = next;
    }
    bell
}

fn dense_parameters(instance: &Instance) -> usize {
    dense_tying(&instance.action()).parameters()
}

#[test]
fn bell_triangle_starts_right() {
    // B_0..B_4 from the definition: set partitions of 0, 1, 2, 3, 4 elements.
    let bell = bell_numbers(4);
    assert_eq!(&bell[..3], &[1, 1, 2]);
    // B_3: {abc}, {ab|c}, {ac|b}, {bc|a}, {a|b|c}
    assert_eq!(bell[3], 5);
    assert_eq!(bell.len(), 5);
}

#[test]
fn tensor_layers_have_bell_many_parameters() {
    let bell = bell_numbers(4);
    for (k, l) in [(1, 1), (2, 1), (1, 2), (2, 2), (3, 1)] {
        for n in k + l..=k + l + 1 {
            let inst = families::tensor(n, k, l).expect("small tensor instance");
            assert_eq!(
                dense_parameters(&inst) as u64,
                bell[k + l],
                "S{n} on {k}-tensors in, {l}-tensors out"
            );
        }
        // Below k + l points some index patterns cannot occur, so fewer orbits.
        let n = k + l - 1;
        let inst = families::tensor(n, k, l).expect("small tensor instance");
        assert!((dense_parameters(&inst) as u64) < bell[k + l], "n = {n}");
    }
}

#[test]
fn deepsets_has_two_and_nested_sets_three() {
    for n in 2..8 {
        let inst = families::symmetric(n).unwrap().natural_instance();
        assert_eq!(dense_parameters(&inst), 2, "S{n}");
    }
    for (k, d) in [(2, 2), (3, 2), (2, 3), (4, 3), (5, 4)] {
        let inst = families::nested_sets(k, d).unwrap().natural_instance();
        assert_eq!(dense_parameters(&inst), 3, "{d} sets of {k}");
    }
}

/// Every parameter `0..parameters` is used, no entry is missing, and
/// `tying[g(m)][g(n)] == tying[m][n]` for every generator `g`.
fn assert_invariant(name: &str, tying: &Tying, instance: &Instance) {
    let (rows, cols) = (instance.output_size, instance.input_size);
    assert_eq!((tying.rows, tying.cols), (rows, cols), "{name}");
    let parameters = tying.parameters();
    let mut used = vec![false; parameters];
    for &t in &tying.data {
        assert!(t >= 0 && (t as usize) < parameters, "{name}: entry {t}");
        used[t as usize] = true;
    }
    assert!(used.iter().all(|&u| u), "{name}: a parameter is unused");
    for (k, g) in instance.generators.iter().enumerate() {
        for m in 0..rows {
            let gm = g.output.apply(m);
            for n in 0..cols {
                assert_eq!(
                    tying.get(gm, g.input.apply(n)),
                    tying.get(m, n),
                    "{name}: generator {k} moves edge ({n}, {m})"
                );
            }
        }
    }
}

/// Instances with at most this many tying entries are checked exhaustively.
const BUNDLED_ENTRY_LIMIT: usize = 1 << 20;

/// Bundled instances left out of the exhaustive checks: small layers whose
/// groups take seconds to build a stabiliser chain for in the test profile
/// (S20 wr S10 on 200 points has a base of about 190 points).
const SLOW_GROUPS: &[&str] = &["nested-sets-10x20"];

/// The bundled instance directories: the paper's examples at the top level,
/// named groups and realistic sizes below it.
const BUNDLED_DIRS: &[&str] = &["instances", "instances/groups", "instances/families"];

/// Every bundled instance file, sorted.
fn bundled_paths() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths: Vec<_> = BUNDLED_DIRS
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).expect("bundled directory exists"))
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// The bundled instance called `name`, wherever it lives.
fn bundled(name: &str) -> Instance {
    let path = bundled_paths()
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == name))
        .unwrap_or_else(|| panic!("no bundled instance {name}"));
    Instance::read(&path).expect("bundled instances are valid")
}

#[test]
fn every_bundled_dense_layer_is_invariant() {
    let mut checked = 0;
    for path in bundled_paths() {
        let inst = Instance::read(&path).expect("bundled instances are valid");
        if inst.input_size * inst.output_size > BUNDLED_ENTRY_LIMIT
            || SLOW_GROUPS.contains(&inst.name.as_str())
        {
            println!("skipped (too large to check here): {}", path.display());
            continue;
        }
        let tying = dense_tying(&inst.action());
        assert_invariant(&path.display().to_string(), &tying, &inst);
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} bundled instances checked");
}

#[test]
fn bundled_examples_have_their_known_parameter_counts() {
    let bell = bell_numbers(4);
    let expect = [
        ("deepsets-5", 2),
        ("deepsets-pool-5", 1),
        ("nested-sets-3x4", 3),
        ("symmetric-100", 2),
        ("s10-matrices", bell[4] as usize),
        ("s20-matrices", bell[4] as usize),
        ("s30-matrices", bell[4] as usize),
        ("s10-vector-to-matrix", bell[3] as usize),
        ("s10-matrix-to-vector", bell[3] as usize),
        ("s6-3tensor-to-vector", bell[4] as usize),
        ("s20-graph-invariant", bell[2] as usize),
        // A regular action of order |G| on both sides: |G| orbits of N x M.
        ("cyclic-4", 4),
        ("d3-regular", 6),
        ("klein-regular", 4),
        ("cyclic-64", 64),
    ];
    for (name, parameters) in expect {
        assert_eq!(dense_parameters(&bundled(name)), parameters, "{name}");
    }
}

/// The group orders the bundled named groups must have (DESIGN.md).
#[test]
fn bundled_named_groups_have_their_orders() {
    for (name, order) in [
        ("rubik-cube", "43252003274489856000"),
        ("m24", "244823040"),
        ("alternating-4", "12"),
        ("fig1-z5xz2-rowflip", "10"),
        ("fig1-d5-mirror", "10"),
        ("reverse-convolution", "6"),
    ] {
        assert_eq!(bundled(name).action().order().to_string(), order, "{name}");
    }
}

/// Orbits of G on N x M by listing G (tiny groups only): each edge's orbit
/// is the set of its images; returned as the number of orbits.
fn brute_force_orbit_count(action: &JointAction) -> usize {
    let (n_in, n_out) = (action.input_size(), action.output_size());
    let elements = action
        .chain()
        .elements(5000)
        .expect("planted groups are tiny");
    let mut seen = vec![false; n_in * n_out];
    let mut count = 0;
    for start in 0..n_in * n_out {
        if seen[start] {
            continue;
        }
        count += 1;
        let (n, m) = (start % n_in, start / n_in);
        for g in &elements {
            let (gn, gm) = (g.apply(n), g.apply(n_in + m) - n_in);
            seen[gm * n_in + gn] = true;
        }
    }
    count
}

/// Burnside: the number of orbits on N x M is the mean over G of the
/// number of fixed edges, fix_N(g) * fix_M(g).
fn burnside_orbit_count(action: &JointAction) -> usize {
    let n_in = action.input_size();
    let elements = action
        .chain()
        .elements(5000)
        .expect("planted groups are tiny");
    let fixed: usize = elements
        .iter()
        .map(|g| {
            let fix_in = (0..n_in).filter(|&x| g.apply(x) == x).count();
            let fix_out = (n_in..g.degree()).filter(|&x| g.apply(x) == x).count();
            fix_in * fix_out
        })
        .sum();
    assert_eq!(fixed % elements.len(), 0, "Burnside's sum is divisible");
    fixed / elements.len()
}

/// A small group family, chosen by `kind` and size `n`, with its order.
fn planted_group(kind: usize, n: usize) -> (GroupAction, u64) {
    let factorial = |n: usize| (1..=n as u64).product::<u64>();
    match kind {
        0 => (families::cyclic(n).unwrap(), n as u64),
        1 => (families::dihedral(n.max(3)).unwrap(), 2 * n.max(3) as u64),
        2 => (families::symmetric(n).unwrap(), factorial(n)),
        3 => (
            families::alternating(n).unwrap(),
            if n < 3 { 1 } else { factorial(n) / 2 },
        ),
        _ => {
            let k = n.div_ceil(2).max(1);
            (
                families::nested_sets(k, 2).unwrap(),
                factorial(k) * factorial(k) * 2,
            )
        }
    }
}

fn side_action(choice: usize) -> SideAction {
    match choice {
        0 | 1 => SideAction::Natural,
        2 => SideAction::Trivial(1 + choice % 2),
        3 => SideAction::Trivial(2),
        _ => SideAction::Regular,
    }
}

/// Relabels the points of each side by a pseudo-random permutation and adds a
/// redundant generator (a product of two), which must change nothing.
fn disguise(mut instance: Instance, seed: u64) -> Instance {
    use rand::seq::SliceRandom;
    use rand::SeedableRng;
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
    let mut shuffle = |size: usize| {
        let mut images: Vec<usize> = (0..size).collect();
        images.shuffle(&mut rng);
        Perm::from_images(&images).expect("a shuffle is a permutation")
    };
    let (a, b) = (shuffle(instance.input_size), shuffle(instance.output_size));
    let conjugate = |p: &Perm, c: &Perm| c.inverse().then(p).then(c);
    for g in &mut instance.generators {
        g.input = conjugate(&g.input, &a);
        g.output = conjugate(&g.output, &b);
    }
    if instance.generators.len() >= 2 {
        let (g, h) = (&instance.generators[0], &instance.generators[1]);
        let extra = paramshare::action::GeneratorPair {
            input: g.input.then(&h.input),
            output: g.output.then(&h.output),
        };
        instance.generators.push(extra);
    }
    instance
}

/// A planted instance: one or two group factors with chosen side actions,
/// relabelled; returns it with the order its construction promises.
fn planted_instance(factors: &[(usize, usize, usize, usize)], seed: u64) -> (Instance, u64) {
    let mut built: Option<(Instance, u64)> = None;
    for &(kind, n, input, output) in factors {
        let (group, order) = planted_group(kind, n);
        let (input, output) = (side_action(input), side_action(output));
        let inst = group
            .instance(input, output)
            .expect("planted groups are small enough for the regular action");
        // Trivial on both sides: the pairs act as the identity.
        let both_trivial = matches!(
            (input, output),
            (SideAction::Trivial(_), SideAction::Trivial(_))
        );
        let order = if both_trivial { 1 } else { order };
        built = Some(match built {
            None => (inst, order),
            Some((prev, prev_order)) => (
                families::product(&prev, &inst).expect("small product"),
                prev_order * order,
            ),
        });
    }
    let (inst, order) = built.expect("at least one factor");
    (disguise(inst, seed), order)
}

fn factor() -> impl Strategy<Value = (usize, usize, usize, usize)> {
    (0usize..5, 1usize..5, 0usize..5, 0usize..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn edge_orbits_agree_with_union_find_and_brute_force(
        factors in prop::collection::vec(factor(), 1..3),
        seed in any::<u64>(),
    ) {
        let (inst, order) = planted_instance(&factors, seed);
        prop_assume!(inst.input_size * inst.output_size <= 20_000 && order <= 2000);
        let action = inst.action();
        prop_assert_eq!(action.order(), BigUint::from(order));
        let fast = action.edge_orbits();
        let slow = action.edge_orbits_union_find();
        prop_assert_eq!(&fast, &slow);
        prop_assert_eq!(fast.count(), brute_force_orbit_count(&action));
        prop_assert_eq!(fast.count(), burnside_orbit_count(&action));
        let sizes: u64 = fast.sizes.iter().sum();
        prop_assert_eq!(sizes, (inst.input_size * inst.output_size) as u64);
        assert_invariant("planted", &dense_tying(&action), &inst);
    }
}

#[test]
fn orbit_representatives_are_distinct_first_edges() {
    let inst = families::d4(5).unwrap().natural_instance();
    let orbits = inst.action().edge_orbits();
    let reps = orbits.representatives();
    let distinct: HashSet<_> = reps.iter().collect();
    assert_eq!(distinct.len(), orbits.count());
    for (k, &(n, m)) in reps.iter().enumerate() {
        assert_eq!(orbits.orbit(n, m) as usize, k);
    }
}
