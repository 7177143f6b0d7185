//! Stabiliser chains against known group orders, planted structure and brute force.

use num_bigint::BigUint;
use paramshare::group::{named, orbits, StabilizerChain};
use paramshare::perm::Perm;
use proptest::prelude::*;
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt, SeedableRng};
use std::collections::BTreeSet;

fn factorial(n: usize) -> BigUint {
    (1..=n).map(BigUint::from).product()
}

fn big(n: u128) -> BigUint {
    BigUint::from(n)
}

/// Every element of `<gens>`, by breadth-first closure (small groups only).
fn closure(degree: usize, gens: &[Perm]) -> BTreeSet<Perm> {
    let mut all = BTreeSet::from([Perm::identity(degree)]);
    let mut frontier = vec![Perm::identity(degree)];
    while let Some(g) = frontier.pop() {
        for s in gens {
            let h = g.then(s);
            if all.insert(h.clone()) {
                frontier.push(h);
            }
        }
    }
    all
}

/// A random product of `length` generators and their inverses.
fn random_word(gens: &[Perm], length: usize, rng: &mut impl Rng) -> Perm {
    let mut g = Perm::identity(gens[0].degree());
    for _ in 0..length {
        let s = &gens[rng.random_range(0..gens.len())];
        g = if rng.random() {
            g.then(s)
        } else {
            g.then(&s.inverse())
        };
    }
    g
}

/// `gens` shifted to act on points `offset..offset + k` of `0..degree`.
fn embed(gens: &[Perm], offset: usize, degree: usize) -> Vec<Perm> {
    gens.iter()
        .map(|g| {
            let images: Vec<usize> = (0..degree)
                .map(|x| {
                    if (offset..offset + g.degree()).contains(&x) {
                        offset + g.apply(x - offset)
                    } else {
                        x
                    }
                })
                .collect();
            Perm::from_images(&images).expect("a shifted permutation is a permutation")
        })
        .collect()
}

/// The wreath product K wr S_d on d blocks of K's degree k: K on the first
/// block, plus S_d permuting the blocks. Order |K|^d d!.
fn wreath_with_symmetric(k: usize, base: &[Perm], d: usize) -> Vec<Perm> {
    let degree = k * d;
    let mut gens = embed(base, 0, degree);
    for top in named::symmetric(d) {
        let images: Vec<usize> = (0..degree).map(|x| top.apply(x / k) * k + x % k).collect();
        gens.push(Perm::from_images(&images).expect("block permutation"));
    }
    gens
}

#[test]
fn rubik_cube_group() {
    let gens = named::rubik_cube();
    let chain = StabilizerChain::new(48, &gens);
    assert_eq!(chain.order(), big(43_252_003_274_489_856_000));
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for _ in 0..20 {
        assert!(chain.contains(&random_word(&gens, 40, &mut rng)));
    }
    // Swapping two facets alone is not a legal move.
    assert!(!chain.contains(&Perm::parse_cycles("(0 2)", 48).unwrap()));
    assert!(!chain.is_transitive());
}

#[test]
fn mathieu_m24() {
    let gens = named::mathieu24();
    let chain = StabilizerChain::new(24, &gens);
    assert_eq!(chain.order(), big(244_823_040));
    assert!(chain.is_transitive());
    assert!(!chain.is_semiregular());
    // M24 is 5-transitive; the stabiliser of five points (order 48) has an
    // orbit of 3 (the rest of their octad) and one of 16 on the other points.
    let stab = chain.pointwise_stabilizer(&[0, 1, 2, 3, 4]);
    assert_eq!(stab.order(), big(244_823_040 / (24 * 23 * 22 * 21 * 20)));
    let mut sizes: Vec<usize> = stab.orbits().iter().map(Vec::len).collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [vec![1; 5], vec![3, 16]].concat());
    // It contains no transposition and no 3-cycle (minimal degree 16).
    assert!(!chain.contains(&Perm::parse_cycles("(0 1)", 24).unwrap()));
    assert!(!chain.contains(&Perm::parse_cycles("(0 1 2)", 24).unwrap()));
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    for _ in 0..20 {
        let g = random_word(&gens, 30, &mut rng);
        assert!(chain.contains(&g));
        assert!(g.is_identity() || g.support().len() >= 16);
    }
}

#[test]
fn symmetric_group_on_ordered_pairs() {
    let n = 30;
    let gens = named::on_ordered_pairs(n, &named::symmetric(n));
    let chain = StabilizerChain::new(n * n, &gens);
    assert_eq!(chain.order(), factorial(n));
    // Two orbits: the diagonal and the rest.
    let orbit_sizes: Vec<usize> = chain.orbits().iter().map(Vec::len).collect();
    assert_eq!(orbit_sizes, vec![n, n * n - n]);
    // The transposition (i j) on the indices is a member; a swap of two
    // matrix entries alone is not.
    let swap = named::on_ordered_pairs(n, &[Perm::parse_cycles("(3 17)", n).unwrap()]);
    assert!(chain.contains(&swap[0]));
    assert!(!chain.contains(&Perm::parse_cycles("(1 2)", n * n).unwrap()));
}

#[test]
fn symmetric_alternating_dihedral_cyclic_orders() {
    for n in 1..=12 {
        assert_eq!(
            StabilizerChain::new(n, &named::symmetric(n)).order(),
            factorial(n),
            "S_{n}"
        );
        let alternating = StabilizerChain::new(n, &named::alternating(n));
        let expected = if n < 2 { big(1) } else { factorial(n) / 2u32 };
        assert_eq!(alternating.order(), expected, "A_{n}");
        if n >= 2 {
            // an odd permutation is planted outside A_n
            assert!(!alternating.contains(&Perm::parse_cycles("(0 1)", n).unwrap()));
        }
        if n >= 3 {
            assert!(alternating.contains(&Perm::parse_cycles("(0 2 1)", n).unwrap()));
        }
        let dihedral = named::dihedral(n);
        let degree = dihedral[0].degree();
        assert_eq!(
            StabilizerChain::new(degree, &dihedral).order(),
            big(2 * n as u128),
            "D_{n}"
        );
        assert_eq!(
            StabilizerChain::new(n, &named::cyclic(n)).order(),
            big(n as u128),
            "C_{n}"
        );
    }
    assert_eq!(
        StabilizerChain::new(100, &named::symmetric(100)).order(),
        factorial(100)
    );
}

#[test]
fn groups_needing_many_generators() {
    // 2^12 on 24 points: every stabiliser needs more generators than the
    // random phase gives a level, so the deterministic check must add them.
    let gens: Vec<Perm> = (0..12)
        .map(|i| Perm::parse_cycles(&format!("({} {})", 2 * i, 2 * i + 1), 24).unwrap())
        .collect();
    let chain = StabilizerChain::new(24, &gens);
    assert_eq!(chain.order(), big(1 << 12));
    assert!(!chain.is_semiregular() && !chain.is_transitive());
    assert_eq!(chain.orbits().len(), 12);
    // One element with cycles of lengths 2, 4, 3, 5 generates a cyclic group of order 60.
    let mixed = Perm::parse_cycles("(0 1)(2 3 4 5)(6 7 8)(9 10 11 12 13)", 14).unwrap();
    assert_eq!(
        StabilizerChain::new(14, std::slice::from_ref(&mixed)).order(),
        mixed.order()
    );
    assert_eq!(mixed.order(), big(60));
}

#[test]
fn regular_and_free_actions() {
    let cyclic = StabilizerChain::new(7, &named::cyclic(7));
    assert!(cyclic.is_regular() && cyclic.is_semiregular() && cyclic.is_transitive());
    // C_4 turning two rings of 4 points: free, not transitive.
    let rings = Perm::parse_cycles("(0 1 2 3)(4 5 6 7)", 8).unwrap();
    let two_rings = StabilizerChain::new(8, &[rings]);
    assert!(two_rings.is_semiregular() && !two_rings.is_transitive());
    assert!(two_rings.is_transitive_on(&[4, 5, 6, 7]));
    assert!(!two_rings.is_transitive_on(&[0, 1, 4, 5]));
    // A mirror of 5 points fixes the middle one: not free.
    let mirror = Perm::parse_cycles("(0 4)(1 3)", 5).unwrap();
    let mirror = StabilizerChain::new(5, &[mirror]);
    assert!(!mirror.is_semiregular());
    assert!(mirror.is_semiregular_on(&[0, 1, 3, 4]));
    let s4 = StabilizerChain::new(4, &named::symmetric(4));
    assert!(s4.is_transitive() && !s4.is_semiregular() && !s4.is_regular());
    assert_eq!(s4.point_stabilizer(2).order(), big(6));
    assert_eq!(s4.point_stabilizer(2).orbit(2), vec![2]);
}

#[test]
fn chains_are_deterministic() {
    let gens = named::rubik_cube();
    let a = StabilizerChain::new(48, &gens);
    let b = StabilizerChain::new(48, &gens);
    assert_eq!(a.base(), b.base());
    for level in 0..a.depth() {
        assert_eq!(
            a.stabilizer_generators(level),
            b.stabilizer_generators(level)
        );
        assert_eq!(a.basic_orbit(level), b.basic_orbit(level));
    }
}

#[test]
fn stabilizer_generators_generate_the_stabilizers() {
    let chain = StabilizerChain::new(24, &named::mathieu24());
    let base = chain.base();
    for level in 0..chain.depth() {
        let below = StabilizerChain::new(24, chain.stabilizer_generators(level));
        let expected: BigUint = (level..chain.depth())
            .map(|l| BigUint::from(chain.basic_orbit(l).len()))
            .product();
        assert_eq!(below.order(), expected, "level {level}");
        assert!(chain
            .stabilizer_generators(level)
            .iter()
            .all(|g| base[..level].iter().all(|&b| g.apply(b) == b)));
    }
}

/// Random generator sets on up to `max_degree` points.
fn generator_sets(max_degree: usize) -> impl Strategy<Value = (usize, Vec<Perm>)> {
    (1..=max_degree).prop_flat_map(|degree| {
        let perm = Just((0..degree).collect::<Vec<usize>>())
            .prop_shuffle()
            .prop_map(|images| Perm::from_images(&images).expect("a shuffle is a permutation"));
        (Just(degree), prop::collection::vec(perm, 0..4))
    })
}

/// Generator sets of well-known groups with their orders, for planting.
fn known_factor() -> impl Strategy<Value = (Vec<Perm>, BigUint)> {
    (1usize..6, 0usize..4).prop_map(|(n, family)| match family {
        0 => (named::symmetric(n), factorial(n)),
        1 => (
            named::alternating(n),
            if n < 2 { big(1) } else { factorial(n) / 2u32 },
        ),
        2 => {
            let gens = named::dihedral(n);
            (gens, big(2 * n as u128))
        }
        _ => (named::cyclic(n), big(n as u128)),
    })
}

/// The degree of a named generator list (it may be empty for tiny n).
fn degree_of(gens: &[Perm], fallback: usize) -> usize {
    gens.first().map_or(fallback, Perm::degree)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn order_and_membership_match_brute_force((degree, gens) in generator_sets(7)) {
        let chain = StabilizerChain::new(degree, &gens);
        let all = closure(degree, &gens);
        prop_assert_eq!(chain.order(), BigUint::from(all.len()));
        let elements = chain.elements(5040).expect("order at most 7!");
        prop_assert_eq!(elements.len(), all.len());
        prop_assert!(elements.iter().all(|e| all.contains(e)));
        // membership agrees with the closure on every permutation of small degree
        if degree <= 5 {
            let everything = closure(degree, &named::symmetric(degree));
            for p in &everything {
                prop_assert_eq!(chain.contains(p), all.contains(p));
            }
        }
        // orbits agree with the closure
        for x in 0..degree {
            let brute: BTreeSet<usize> = all.iter().map(|g| g.apply(x)).collect();
            let orbit: BTreeSet<usize> = chain.orbit(x).into_iter().collect();
            prop_assert_eq!(&orbit, &brute);
            let free = all.iter().filter(|g| g.apply(x) == x).count() == 1;
            prop_assert_eq!(chain.is_semiregular_on(&[x]), free);
            let stabilizer = all.iter().filter(|g| g.apply(x) == x).count();
            prop_assert_eq!(chain.point_stabilizer(x).order(), BigUint::from(stabilizer));
        }
        let partition: Vec<Vec<usize>> = orbits(degree, &gens);
        prop_assert_eq!(chain.orbits(), partition.clone());
        prop_assert_eq!(chain.is_transitive(), partition.len() == 1);
    }

    #[test]
    fn direct_products_multiply_orders(
        factors in prop::collection::vec(known_factor(), 1..4),
        seed in any::<u64>(),
    ) {
        let degrees: Vec<usize> = factors.iter().map(|(g, _)| degree_of(g, 1)).collect();
        let degree: usize = degrees.iter().sum();
        let mut gens = Vec::new();
        let mut offset = 0;
        for ((factor, _), d) in factors.iter().zip(&degrees) {
            gens.extend(embed(factor, offset, degree));
            offset += d;
        }
        let expected: BigUint = factors.iter().map(|(_, o)| o.clone()).product();
        let chain = StabilizerChain::new(degree, &gens);
        prop_assert_eq!(chain.order(), expected);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        if !gens.is_empty() {
            let g = random_word(&gens, 25, &mut rng);
            prop_assert!(chain.contains(&g));
        }
        let sample = chain.random_element(&mut rng);
        prop_assert!(chain.contains(&sample));
        // Adding the generators one at a time gives the same group.
        let mut incremental = StabilizerChain::new(degree, &[]);
        for g in &gens {
            incremental.add_generator(g.clone());
        }
        prop_assert_eq!(incremental.order(), chain.order());
    }

    #[test]
    fn wreath_products_have_the_product_order(
        (factor, order) in known_factor(),
        blocks in 1usize..4,
    ) {
        let k = degree_of(&factor, 1);
        let gens = wreath_with_symmetric(k, &factor, blocks);
        let chain = StabilizerChain::new(k * blocks, &gens);
        prop_assert_eq!(chain.order(), order.pow(blocks as u32) * factorial(blocks));
    }

    #[test]
    fn odd_permutations_stay_outside_alternating_groups(n in 3usize..40, seed in any::<u64>()) {
        let chain = StabilizerChain::new(n, &named::alternating(n));
        prop_assert_eq!(chain.order(), factorial(n) / 2u32);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut images: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            images.swap(i, rng.random_range(0..=i));
        }
        let p = Perm::from_images(&images).expect("a shuffle is a permutation");
        let even = p.cycles().iter().map(|c| c.len() - 1).sum::<usize>() % 2 == 0;
        prop_assert_eq!(chain.contains(&p), even);
    }

    #[test]
    fn base_prefixes_give_the_same_group((degree, gens) in generator_sets(9), start in 0usize..9) {
        let chain = StabilizerChain::new(degree, &gens);
        let prefix: Vec<usize> = (0..degree.min(3)).map(|i| (start + i) % degree).collect();
        let prefixed = StabilizerChain::with_base(degree, &gens, &prefix);
        prop_assert_eq!(&prefixed.base()[..prefix.len()], &prefix[..]);
        prop_assert_eq!(prefixed.order(), chain.order());
        let stabilizer = chain.pointwise_stabilizer(&prefix);
        prop_assert_eq!(
            StabilizerChain::new(degree, prefixed.stabilizer_generators(prefix.len())).order(),
            stabilizer.order()
        );
        prop_assert!(stabilizer
            .generators()
            .iter()
            .all(|g| prefix.iter().all(|&b| g.apply(b) == b)));
    }
}
