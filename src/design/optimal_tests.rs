use super::*;
use crate::action::GeneratorPair;
use crate::design::connectivity::{connectivity_lower_bound, covering_connectivity_lower_bound};
use crate::design::oracle::BruteForceOracle;
use crate::solve::SolverKind;
use proptest::prelude::*;

fn perm(images: &[usize]) -> Perm {
    Perm::from_images(images).unwrap()
}

/// 0..k in a random order.
fn shuffled_points(rng: &mut rand::rngs::ChaCha8Rng, k: usize) -> Vec<usize> {
    use rand::seq::SliceRandom;
    let mut p: Vec<usize> = (0..k).collect();
    p.shuffle(rng);
    p
}

fn pair(input: &[usize], output: &[usize]) -> GeneratorPair {
    GeneratorPair {
        input: perm(input),
        output: perm(output),
    }
}

fn same_both_sides(n: usize, gens: &[&[usize]]) -> JointAction {
    JointAction::new(n, n, gens.iter().map(|g| pair(g, g)).collect())
}

/// The closure of `action` (Aut of its dense design), listed by brute force.
fn brute_force_closure(action: &JointAction) -> JointAction {
    let orbits = action.edge_orbits();
    let dense = pattern_of(&orbits, &vec![true; orbits.count()]);
    let n = action.input_size();
    let total = n + action.output_size();
    let mut chain = action.chain().clone();
    let mut pairs = action.pairs().to_vec();
    for a in BruteForceOracle::all_automorphisms(&dense) {
        if chain.add_generator(a.clone()) {
            pairs.push(GeneratorPair {
                input: a.restrict(0..n).unwrap(),
                output: a.restrict(n..total).unwrap(),
            });
        }
    }
    JointAction::new(n, action.output_size(), pairs)
}

fn never() -> bool {
    false
}

fn run(target: &JointAction, objective: Objective, solver: SolverKind) -> SearchOutcome {
    let oracle = BruteForceOracle::new(target);
    let mut ignore = |_: &SearchProgress| {};
    search_optimal(
        &target.edge_orbits(),
        target,
        &oracle,
        SearchSettings {
            objective,
            solver,
            stop: &never,
            progress: &mut ignore,
            room: None,
        },
    )
    .unwrap()
}

/// Runs both backends and both objectives, compares with exhaustive search,
/// and returns the optimal number of parameters.
fn optimum_parameters(target: &JointAction) -> u64 {
    let orbits = target.edge_orbits();
    let oracle = BruteForceOracle::new(target);
    let mut answer = 0;
    for objective in [Objective::Edges, Objective::Parameters] {
        let (_, expected) = exhaustive_minimum(&orbits, &oracle, objective)
            .unwrap()
            .expect("the dense design is exact for its closure");
        // The connectivity theorem, checked against brute force (which shares no code with it).
        if let Some(bound) = connectivity_lower_bound(target, &orbits, objective) {
            assert!(
                bound <= expected,
                "{objective:?}: bound {bound} > minimum {expected}"
            );
        }
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            let found = run(target, objective, solver);
            assert!(found.optimal, "{solver} {objective:?}");
            assert_eq!(found.cost, expected, "{solver} {objective:?}");
            assert_eq!(
                oracle.check(&pattern_of(&orbits, &found.chosen)).unwrap(),
                Check::Exact
            );
        }
        if objective == Objective::Parameters {
            answer = expected;
        }
        // Among covering patterns: the same agreement, and the result covers.
        let cover = Cover::new(&orbits);
        let (_, covering) = exhaustive_minimum_covering(&orbits, &oracle, objective, Some(&cover))
            .unwrap()
            .expect("the dense design is exact and covering");
        assert!(covering >= expected);
        // The covering bound, checked against the covering brute force.
        if let Some(bound) = covering_connectivity_lower_bound(target, &orbits, objective) {
            assert!(
                bound <= covering,
                "{objective:?}: covering bound {bound} > covering minimum {covering}"
            );
        }
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            let mut ignore = |_: &SearchProgress| {};
            let found = search_optimal_covering(
                &orbits,
                target,
                &oracle,
                SearchSettings {
                    objective,
                    solver,
                    stop: &never,
                    progress: &mut ignore,
                    room: None,
                },
                &cover,
            )
            .unwrap();
            assert!(found.optimal, "covering {solver} {objective:?}");
            assert_eq!(found.cost, covering, "covering {solver} {objective:?}");
            assert!(found.lower_bound <= covering);
            assert!(cover.is_covered_by(&found.chosen));
            assert_eq!(
                oracle.check(&pattern_of(&orbits, &found.chosen)).unwrap(),
                Check::Exact
            );
        }
    }
    answer
}

#[test]
fn regular_cyclic_groups_need_two_orbits() {
    // C2 is the exception: the diagonal alone has Aut = S2 = C2.
    let c2 = same_both_sides(2, &[&[1, 0]]);
    assert_eq!(optimum_parameters(&c2), 1);
    for n in 3..=5 {
        let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
        assert_eq!(
            optimum_parameters(&same_both_sides(n, &[&shift])),
            2,
            "C{n}"
        );
    }
}

#[test]
fn regular_klein_group_needs_three_orbits() {
    let klein = same_both_sides(4, &[&[1, 0, 3, 2], &[2, 3, 0, 1]]);
    assert_eq!(optimum_parameters(&klein), 3);
}

#[test]
fn regular_d3_needs_three_orbits() {
    // D3 acting on itself: elements r^i s^j at 2i + j; r = rotation, s = reflection (left multiplication).
    let r = [2, 3, 4, 5, 0, 1];
    let s = [1, 0, 5, 4, 3, 2];
    let d3 = same_both_sides(6, &[&r, &s]);
    assert_eq!(d3.order(), 6u32.into());
    assert_eq!(optimum_parameters(&d3), 3);
}

#[test]
fn deep_sets_need_only_the_diagonal() {
    let s4 = same_both_sides(4, &[&[1, 0, 2, 3], &[1, 2, 3, 0]]);
    assert_eq!(optimum_parameters(&s4), 1);
    let found = run(&s4, Objective::Edges, SolverKind::Sat);
    let pattern = pattern_of(&s4.edge_orbits(), &found.chosen);
    assert!((0..4).all(|m| (0..4).all(|n| (pattern.get(m, n) >= 0) == (m == n))));
}

#[test]
fn a4_on_four_points_is_impossible_and_reaches_its_closure() {
    let a4 = same_both_sides(4, &[&[1, 2, 0, 3], &[0, 2, 3, 1]]);
    let closure = brute_force_closure(&a4);
    assert_eq!(closure.order(), 24u32.into());
    assert_eq!(optimum_parameters(&closure), 1);
}

#[test]
fn reverse_convolution_is_impossible() {
    let reverse = JointAction::new(3, 6, vec![pair(&[1, 2, 0], &[5, 0, 1, 2, 3, 4])]);
    let closure = brute_force_closure(&reverse);
    assert!(closure.order() > reverse.order());
    // Some automorphism of the dense design moves only the outputs.
    assert!(!closure.trivial_on_inputs().is_empty());
    optimum_parameters(&closure);
}

/// Planted: with the trivial group on 5 inputs and 2 outputs every entry is
/// its own orbit, and pi = (0 1)(2 3 4) on the inputs moves the 10 entries
/// of its 5 inputs; its square (2 4 3) moves 6 of them and lies outside the
/// group, so the sharpened cut is shorter and a subset.
#[test]
fn a_witness_is_sharpened_to_a_power_moving_fewer_orbits() {
    let action = JointAction::new(5, 2, vec![pair(&[0, 1, 2, 3, 4], &[0, 1])]);
    let orbits = action.edge_orbits();
    let pi = perm(&[1, 0, 3, 4, 2, 5, 6]);
    let moved = moved_orbits(&pi, &orbits);
    assert_eq!(moved.len(), 10);
    let (c, c_moved) = sharpened_witness(&pi, moved.clone(), &action, &orbits);
    assert!(!action.contains(&c));
    assert_eq!(c_moved, moved_orbits(&c, &orbits));
    assert!(c_moved.len() < moved.len(), "{c_moved:?}");
    assert!(c_moved.iter().all(|o| moved.contains(o)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Planted: a cyclic group acting regularly, with inputs and outputs
    /// relabelled at random, needs 2 orbits (2n edges).
    #[test]
    fn relabelled_regular_cyclic_needs_two_orbits(
        n in 3usize..6,
        seed_in in any::<u64>(),
        seed_out in any::<u64>(),
    ) {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let relabel = |seed: u64| {
            let mut p: Vec<usize> = (0..n).collect();
            p.shuffle(&mut rand::rngs::ChaCha8Rng::seed_from_u64(seed));
            perm(&p)
        };
        let shift = perm(&(0..n).map(|i| (i + 1) % n).collect::<Vec<_>>());
        let (a, b) = (relabel(seed_in), relabel(seed_out));
        let action = JointAction::new(n, n, vec![GeneratorPair {
            input: a.inverse().then(&shift).then(&a),
            output: b.inverse().then(&shift).then(&b),
        }]);
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            let found = run(&action, Objective::Parameters, solver);
            prop_assert!(found.optimal);
            prop_assert_eq!(found.cost, 2);
            let edges = run(&action, Objective::Edges, solver);
            prop_assert_eq!(edges.cost, 2 * n as u64);
        }
    }

    /// moved_orbits (which looks only at edges touching the support) against
    /// its definition over every edge, for random actions and random witnesses.
    #[test]
    fn moved_orbits_match_a_scan_of_every_edge(
        n in 1usize..7,
        m in 1usize..7,
        seed in any::<u64>(),
        fixed in 0usize..4,
    ) {
        use rand::SeedableRng;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
        let mut shuffled = |k: usize| shuffled_points(&mut rng, k);
        let (a, b) = (shuffled(n), shuffled(m));
        let action = JointAction::new(n, m, vec![pair(&a, &b)]);
        let orbits = action.edge_orbits();
        // A witness fixing its first `fixed` points on each side.
        let mut images: Vec<usize> = (0..fixed.min(n)).collect();
        images.extend(shuffled(n - fixed.min(n)).iter().map(|&x| x + fixed.min(n)));
        let outputs = shuffled(m - fixed.min(m));
        images.extend((0..fixed.min(m)).map(|x| n + x));
        images.extend(outputs.iter().map(|&x| n + fixed.min(m) + x));
        let pi = perm(&images);
        let mut expected: Vec<u32> = (0..n)
            .flat_map(|i| (0..m).map(move |j| (i, j)))
            .filter(|&(i, j)| orbits.orbit(pi.apply(i), pi.apply(n + j) - n) != orbits.orbit(i, j))
            .map(|(i, j)| orbits.orbit(i, j))
            .collect();
        expected.sort_unstable();
        expected.dedup();
        prop_assert_eq!(moved_orbits(&pi, &orbits), expected);
    }

    /// The sharpened witness of a random side-preserving permutation outside
    /// a random target: outside the target, its cut is read correctly, and
    /// it is a subset of the original cut (so the clause is stronger and
    /// still implied by exactness).
    #[test]
    fn sharpened_witnesses_stay_outside_the_target_with_a_subset_cut(
        n in 2usize..7,
        m in 1usize..6,
        seed in any::<u64>(),
    ) {
        use rand::SeedableRng;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(seed);
        let mut shuffled = |k: usize| shuffled_points(&mut rng, k);
        let generators = vec![pair(&shuffled(n), &shuffled(m)), pair(&shuffled(n), &shuffled(m))];
        let action = JointAction::new(n, m, generators);
        let orbits = action.edge_orbits();
        let mut images = shuffled(n);
        images.extend(shuffled(m).iter().map(|&x| n + x));
        let pi = perm(&images);
        prop_assume!(!action.contains(&pi));
        let moved = moved_orbits(&pi, &orbits);
        prop_assume!(!moved.is_empty());
        let (c, c_moved) = sharpened_witness(&pi, moved.clone(), &action, &orbits);
        prop_assert!(!action.contains(&c));
        prop_assert_eq!(&c_moved, &moved_orbits(&c, &orbits));
        prop_assert!(!c_moved.is_empty());
        prop_assert!(c_moved.iter().all(|o| moved.contains(o)));
    }

    /// Random small actions: the search and exhaustive enumeration agree
    /// (on the closure, which always has an exact pattern).
    #[test]
    fn random_small_actions_match_exhaustive_search(
        n in 1usize..5,
        m in 1usize..5,
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
            pair(&a, &b)
        }).collect();
        let action = brute_force_closure(&JointAction::new(n, m, pairs));
        optimum_parameters(&action);
    }
}

/// The connectivity bound against the cuts alone (the verifier as oracle,
/// itself checked against dreadnaut): on D4 acting on a 4x4 image, where
/// a single cycle is ruled out, and on a 5x5 image, with fixed centres
/// (C4 takes minutes without the bound), the search without the bound proves an optimum, which must be at
/// least the bound and equal the optimum found with it.
#[test]
fn connectivity_bound_agrees_with_the_cuts_alone_on_small_images() {
    use crate::design::oracle::VerifierOracle;
    use crate::instance::families;
    for (n, group) in [(4, families::d4(4).unwrap())] {
        {
            let action = group.natural_instance().action();
            let orbits = action.edge_orbits();
            let oracle = VerifierOracle::new(&action);
            for objective in [Objective::Edges, Objective::Parameters] {
                let mut costs = Vec::new();
                for connectivity_bound in [false, true] {
                    let mut ignore = |_: &SearchProgress| {};
                    let found = search(
                        &orbits,
                        &action,
                        &oracle,
                        SearchSettings {
                            objective,
                            solver: SolverKind::Sat,
                            stop: &never,
                            progress: &mut ignore,
                            room: None,
                        },
                        connectivity_bound,
                        None,
                    )
                    .unwrap();
                    assert!(found.optimal);
                    costs.push(found.cost);
                }
                assert_eq!(costs[0], costs[1], "{n}x{n} {objective:?}");
                let bound = connectivity_lower_bound(&action, &orbits, objective).unwrap();
                assert!(
                    bound <= costs[0],
                    "{n}x{n} {objective:?}: {bound} > {}",
                    costs[0]
                );
            }
        }
    }
}

proptest! {
    // Brute force on at most 4 + 4 points: cheap, so more cases than above.
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Planted: a cyclic group acting regularly on its k inputs (so the
    /// connectivity bound applies) and by a random permutation of order
    /// dividing k on the outputs, some of them fixed. The bound never
    /// exceeds the brute-force minimum, and the search agrees with it.
    #[test]
    fn connectivity_bound_holds_with_a_regular_orbit(
        k in 3usize..5,
        m in 1usize..5,
        seed in any::<u64>(),
    ) {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let mut sigma: Vec<usize> = (0..m).collect();
        sigma.shuffle(&mut rand::rngs::ChaCha8Rng::seed_from_u64(seed));
        let sigma = perm(&sigma);
        let o = sigma.order().to_u64_digits().first().copied().unwrap_or(1) as usize;
        let g = num_integer::gcd(o, k);
        let output = sigma.pow((o / g) as i64);
        let shift: Vec<usize> = (0..k).map(|i| (i + 1) % k).collect();
        let action = JointAction::new(k, m, vec![GeneratorPair { input: perm(&shift), output }]);
        let target = brute_force_closure(&action);
        prop_assert!(connectivity_lower_bound(&action, &action.edge_orbits(), Objective::Edges).is_some());
        optimum_parameters(&target);
    }
}

/// `k` inputs on which Z_k acts regularly (a shift) and `fixed_inputs` it
/// fixes; outputs permuted by `output` (of order dividing k) and
/// `fixed_outputs` more it fixes.
fn regular_with_fixed_points(
    k: usize,
    fixed_inputs: usize,
    output: &[usize],
    fixed_outputs: usize,
) -> JointAction {
    let mut input: Vec<usize> = (0..k).map(|i| (i + 1) % k).collect();
    input.extend(k..k + fixed_inputs);
    let m = output.len();
    let mut out = output.to_vec();
    out.extend(m..m + fixed_outputs);
    JointAction::new(
        k + fixed_inputs,
        m + fixed_outputs,
        vec![pair(&input, &out)],
    )
}

/// The covering bound where it says more than the exact one: Z_3 regular
/// on 3 of 4 inputs and 3 of 4 outputs (one fixed point a side, the shape
/// of D4 on an odd image). The brute-force covering minimum meets it.
#[test]
fn covering_bound_counts_the_fixed_points() {
    let action = regular_with_fixed_points(3, 1, &[1, 2, 0], 1);
    let target = brute_force_closure(&action);
    let orbits = target.edge_orbits();
    let oracle = BruteForceOracle::new(&target);
    let cover = crate::design::cover::Cover::new(&orbits);
    for objective in [Objective::Edges, Objective::Parameters] {
        let exact = connectivity_lower_bound(&target, &orbits, objective).unwrap();
        let covering = covering_connectivity_lower_bound(&target, &orbits, objective).unwrap();
        let (_, minimum) = exhaustive_minimum_covering(&orbits, &oracle, objective, Some(&cover))
            .unwrap()
            .unwrap();
        assert!(covering > exact, "{objective:?}: {covering} vs {exact}");
        assert_eq!(covering, minimum, "{objective:?}");
    }
    optimum_parameters(&target);
}

/// D4 on a 5 x 5 image: the exact bound is 48 edges, the covering one 49
/// (the covering optimum, found by the search in `tests/cli/trainable_layers.rs`).
#[test]
fn covering_bound_on_d4_5x5() {
    let action = crate::instance::families::d4(5)
        .unwrap()
        .natural_instance()
        .action();
    let orbits = action.edge_orbits();
    assert_eq!(
        connectivity_lower_bound(&action, &orbits, Objective::Edges),
        Some(48)
    );
    assert_eq!(
        covering_connectivity_lower_bound(&action, &orbits, Objective::Edges),
        Some(49)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Z_k regular on k inputs with up to 2 fixed inputs; on the outputs
    /// regular on k, any permutation of order dividing k on up to 2 more,
    /// and up to 2 fixed (not chosen to meet the bound: `optimum_parameters`
    /// checks the covering bound against the covering brute force, and the
    /// searches against both). Closures larger than G are skipped (the bound
    /// needs a regular orbit of the target).
    #[test]
    fn covering_bound_holds_with_fixed_points_on_both_sides(
        k in 3usize..5,
        fixed_inputs in 0usize..3,
        m in 0usize..3,
        fixed_outputs in 0usize..3,
        seed in any::<u64>(),
    ) {
        use rand::seq::SliceRandom;
        use rand::SeedableRng;
        let mut sigma: Vec<usize> = (0..m).collect();
        sigma.shuffle(&mut rand::rngs::ChaCha8Rng::seed_from_u64(seed));
        let sigma = perm(&sigma);
        let o = sigma.order().to_u64_digits().first().copied().unwrap_or(1) as usize;
        let rest = sigma.pow((o / num_integer::gcd(o, k)) as i64);
        let mut output: Vec<usize> = (0..k).map(|i| (i + 1) % k).collect();
        output.extend(rest.images().iter().map(|&x| x as usize + k));
        let action = regular_with_fixed_points(k, fixed_inputs, &output, fixed_outputs);
        prop_assume!(k + m + fixed_outputs <= BruteForceOracle::MAX_INPUTS);
        prop_assume!(action.edge_orbits().count() <= 12);
        let target = brute_force_closure(&action);
        prop_assume!(target.order() == action.order());
        optimum_parameters(&target);
    }
}
