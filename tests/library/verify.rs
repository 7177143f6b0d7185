//! The verifier against brute force, the paper's counterexamples and impossible instances.

use num_bigint::BigUint;
use paramshare::action::{GeneratorPair, JointAction};
use paramshare::design::oracle::BruteForceOracle;
use paramshare::design::{design_layer, DesignOptions, Method};
use paramshare::instance::{Channels, Instance};
use paramshare::layer::Tying;
use paramshare::perm::Perm;
use paramshare::verify::{
    automorphisms, automorphisms_unreduced, describe_witness, readable_witness, verify_closure,
    verify_exact, Structure, VerifyError,
};
use proptest::prelude::*;

fn perm(images: &[usize]) -> Perm {
    Perm::from_images(images).unwrap()
}

fn cyc(s: &str, n: usize) -> Perm {
    Perm::parse_cycles(s, n).unwrap()
}

fn same_both(p: &Perm) -> GeneratorPair {
    GeneratorPair {
        input: p.clone(),
        output: p.clone(),
    }
}

/// |Aut(tying)| by brute force: every permutation pair (the test
/// scaffolding's enumeration, which shares no code with the verifier).
fn brute_force_order(tying: &Tying) -> u64 {
    BruteForceOracle::all_automorphisms(tying).len() as u64
}

/// The paper's sparse design: for orbit representatives `n_p` (inputs) and
/// `m_q` (outputs) and each `h` in `h_set` (joint permutations of G), the
/// G-orbit of `(n_p, h . m_q)` gets its own colour; other entries are -1.
fn sparse_tying(action: &JointAction, h_set: &[Perm]) -> Tying {
    let orbits = action.edge_orbits();
    let n_in = action.input_size();
    let mut colour_of_orbit = vec![-1i32; orbits.count()];
    let mut next = 0;
    for p in action.input_orbits() {
        for q in action.output_orbits() {
            for h in h_set {
                let m = h.apply(n_in + q[0]) - n_in;
                let o = orbits.orbit(p[0], m) as usize;
                if colour_of_orbit[o] < 0 {
                    colour_of_orbit[o] = next;
                    next += 1;
                }
            }
        }
    }
    Tying {
        rows: action.output_size(),
        cols: n_in,
        data: orbits
            .orbit_of
            .iter()
            .map(|&o| colour_of_orbit[o as usize])
            .collect(),
    }
}

fn regular_cyclic(n: usize) -> (JointAction, Perm) {
    let g = perm(&(0..n).map(|i| (i + 1) % n).collect::<Vec<_>>());
    let action = JointAction::new(n, n, vec![same_both(&g)]);
    let joint = action.joint_generators()[0].clone();
    (action, joint)
}

fn order_of(tying: &Tying, action: &JointAction) -> BigUint {
    verify_exact(tying, action).unwrap().automorphism_order
}

#[test]
fn c4_regular_with_one_and_three_has_order_8() {
    let (action, g) = regular_cyclic(4);
    let tying = sparse_tying(&action, &[g.clone(), g.pow(3)]);
    assert_eq!(brute_force_order(&tying), 8);
    let verdict = verify_exact(&tying, &action).unwrap();
    assert_eq!(verdict.automorphism_order, BigUint::from(8u32));
    assert!(!verdict.is_exact());
    let w = verdict.witness.unwrap();
    assert!(!action.chain().contains(&w));
    assert!(Structure::from_tying(&tying).is_automorphism(&w));
    // adding the identity to H makes it exact
    let fixed = sparse_tying(&action, &[Perm::identity(8), g.clone(), g.pow(3)]);
    assert!(verify_exact(&fixed, &action).unwrap().is_exact());
}

#[test]
fn c6_regular_with_one_and_five_has_order_18() {
    let (action, g) = regular_cyclic(6);
    let tying = sparse_tying(&action, &[g.clone(), g.pow(5)]);
    assert_eq!(order_of(&tying, &action), BigUint::from(18u32));
    assert_eq!(brute_force_order(&tying), 18);
}

#[test]
fn klein_regular_with_two_generators_has_order_8() {
    let a = cyc("(0 1)(2 3)", 4);
    let b = cyc("(0 2)(1 3)", 4);
    let action = JointAction::new(4, 4, vec![same_both(&a), same_both(&b)]);
    let h: Vec<Perm> = action.joint_generators().to_vec();
    let tying = sparse_tying(&action, &h);
    assert_eq!(order_of(&tying, &action), BigUint::from(8u32));
    assert_eq!(brute_force_order(&tying), 8);
}

#[test]
fn d3_regular_with_two_reflections_has_order_18() {
    // D3 acting on itself by left multiplication: elements r^i s^j numbered i + 3j
    let mul = |(i1, j1): (usize, usize), (i2, j2): (usize, usize)| {
        // r^i1 s^j1 r^i2 s^j2 = r^(i1 + (-1)^j1 i2) s^(j1+j2)
        let i = if j1 == 0 { i1 + i2 } else { i1 + 3 - i2 } % 3;
        (i, (j1 + j2) % 2)
    };
    let left = |g: (usize, usize)| {
        perm(
            &(0..6)
                .map(|k| {
                    let (i, j) = mul(g, (k % 3, k / 3));
                    i + 3 * j
                })
                .collect::<Vec<_>>(),
        )
    };
    let s = left((0, 1));
    let rs = left((1, 1));
    let action = JointAction::new(6, 6, vec![same_both(&s), same_both(&rs)]);
    assert_eq!(action.order(), BigUint::from(6u32));
    let h: Vec<Perm> = action.joint_generators().to_vec();
    let tying = sparse_tying(&action, &h);
    assert_eq!(order_of(&tying, &action), BigUint::from(18u32));
}

#[test]
fn c4_on_two_rings_with_one_and_three_has_order_8() {
    let g = cyc("(0 1 2 3)(4 5 6 7)", 8);
    let action = JointAction::new(8, 8, vec![same_both(&g)]);
    let j = action.joint_generators()[0].clone();
    let tying = sparse_tying(&action, &[j.clone(), j.pow(3)]);
    let verdict = verify_exact(&tying, &action).unwrap();
    assert_eq!(verdict.automorphism_order, BigUint::from(8u32));
    assert!(!verdict.is_exact());
}

#[test]
fn a4_on_four_points_has_closure_s4() {
    let action = JointAction::new(
        4,
        4,
        vec![same_both(&cyc("(0 1 2)", 4)), same_both(&cyc("(1 2 3)", 4))],
    );
    let closure = verify_closure(&action);
    assert_eq!(closure.automorphism_order, BigUint::from(24u32));
    let w = closure.witness.expect("closure larger than A4");
    assert!(!action.chain().contains(&w));
    let d = describe_witness(&w, 4);
    assert_eq!(d.inputs, d.outputs, "Aut(dense) acts diagonally");
}

#[test]
fn reverse_convolution_witness_moves_only_outputs() {
    // Z6 acting by +1 mod 3 on 3 inputs and by -1 mod 6 on 6 outputs
    let input = perm(&[1, 2, 0]);
    let output = perm(&[5, 0, 1, 2, 3, 4]);
    let action = JointAction::new(3, 6, vec![GeneratorPair { input, output }]);
    let closure = verify_closure(&action);
    assert_eq!(closure.automorphism_order, BigUint::from(24u32));
    let d = describe_witness(&readable_witness(&closure, &action).unwrap(), 3);
    assert!(d.inputs.is_identity(), "{}", d.sentence);
    assert!(d.sentence.ends_with("while fixing every input"));
}

fn rubik_action() -> JointAction {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rubik-cube.json");
    Instance::read(&path).unwrap().action()
}

#[test]
fn rubik_closure_is_twelve_times_larger() {
    let action = rubik_action();
    let order: BigUint = "43252003274489856000".parse().unwrap();
    assert_eq!(action.order(), order);
    let closure = verify_closure(&action);
    let expected: BigUint = "519024039293878272000".parse().unwrap();
    assert_eq!(closure.automorphism_order, expected);
    assert_eq!(&closure.automorphism_order / &order, BigUint::from(12u32));
    assert!(!action.chain().contains(&closure.witness.unwrap()));
}

/// Regression: a queue flag left set by a refinement that stopped at a
/// discrete partition made later refinements label-dependent, and the
/// search lost automorphisms of these sub-patterns (found by the dreadnaut
/// oracle). The orders below were checked against dreadnaut (nauty 2.8,
/// `write_dreadnaut` export) to its 13 printed digits; the oracle test
/// recomputes such comparisons whenever dreadnaut is installed.
#[test]
fn rubik_subpatterns_with_and_without_g_agree() {
    use rand::{RngExt, SeedableRng};
    let checked_with_dreadnaut = [
        "101836133451709433602625095475784887762411323392000000000",
        "519024039293878272000",
        "26070050163637615002272024441800931267177298788352000000000",
        "4986117747494230618731643001634816000000",
        "544236151026617702940672000",
        "42018079329095252309341057843200000",
    ];
    let action = rubik_action();
    let dense = Tying::from_edge_orbits(action.edge_orbits());
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(20261127);
    for expected in checked_with_dreadnaut {
        let keep: Vec<bool> = (0..dense.parameters())
            .map(|_| rng.random_bool(0.5))
            .collect();
        let data = dense
            .data
            .iter()
            .map(|&o| if keep[o as usize] { o } else { -1 })
            .collect();
        // colours need not be consecutive for the verifier
        let tying = Tying {
            data,
            ..dense.clone()
        };
        let structure = Structure::from_tying(&tying);
        let with_g = automorphisms(&structure, action.joint_generators()).unwrap();
        assert_eq!(with_g.order.to_string(), expected);
        let without = automorphisms(&structure, &[]).unwrap();
        assert_eq!(with_g.order, without.order);
        assert!(with_g.order >= action.order());
    }
}

#[test]
fn design_layer_fills_the_verdict() {
    let inst = Instance {
        name: "a4".into(),
        description: String::new(),
        input_size: 4,
        output_size: 4,
        generators: vec![same_both(&cyc("(0 1 2)", 4)), same_both(&cyc("(1 2 3)", 4))],
        channels: Channels::default(),
    };
    let layer = design_layer(&inst, &inst.action(), &DesignOptions::new(Method::Dense)).unwrap();
    assert_eq!(layer.automorphism_order.as_deref(), Some("24"));
    assert_eq!(layer.closure_order.as_deref(), Some("24"));
    assert_eq!(layer.exact, Some(false));
}

#[test]
fn non_invariant_pattern_is_rejected() {
    let (action, _) = regular_cyclic(4);
    let mut data = vec![-1; 16];
    data[0] = 0;
    let tying = Tying {
        rows: 4,
        cols: 4,
        data,
    };
    assert!(matches!(
        verify_exact(&tying, &action),
        Err(VerifyError::NotAnAutomorphism { index: 0 })
    ));
}

/// A random group on `n` inputs and `m` outputs and a random G-invariant
/// pattern (edge orbits coloured at random, some left empty, some merged).
fn planted(
    n: usize,
    m: usize,
    seeds: Vec<(Vec<usize>, Vec<usize>)>,
    colours: Vec<i8>,
) -> (JointAction, Tying) {
    let pairs = seeds
        .into_iter()
        .map(|(a, b)| GeneratorPair {
            input: perm(&a),
            output: perm(&b),
        })
        .collect();
    let action = JointAction::new(n, m, pairs);
    let orbits = action.edge_orbits();
    let colour = |o: u32| colours[o as usize % colours.len()] as i32;
    let raw: Vec<i32> = orbits.orbit_of.iter().map(|&o| colour(o)).collect();
    // renumber used colours to 0..k by first appearance
    let mut rename = std::collections::HashMap::new();
    let data = raw
        .iter()
        .map(|&c| {
            if c < 0 {
                -1
            } else {
                let k = rename.len() as i32;
                *rename.entry(c).or_insert(k)
            }
        })
        .collect();
    (
        action,
        Tying {
            rows: m,
            cols: n,
            data,
        },
    )
}

fn perm_strategy(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<usize>>()).prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn agrees_with_brute_force(
        (n, m, seeds) in (1usize..5, 1usize..5).prop_flat_map(|(n, m)| {
            (Just(n), Just(m), prop::collection::vec((perm_strategy(n), perm_strategy(m)), 0..3))
        }),
        colours in prop::collection::vec(-1i8..3, 1..6),
    ) {
        let (action, tying) = planted(n, m, seeds, colours);
        let brute = BigUint::from(brute_force_order(&tying));
        let structure = Structure::from_tying(&tying);
        let with_g = automorphisms(&structure, action.joint_generators()).unwrap();
        let without = automorphisms(&structure, &[]).unwrap();
        prop_assert_eq!(&with_g.order, &brute);
        prop_assert_eq!(&without.order, &brute);
        for g in &with_g.generators {
            prop_assert!(structure.is_automorphism(g));
        }
        let verdict = verify_exact(&tying, &action).unwrap();
        prop_assert_eq!(verdict.is_exact(), brute == action.order());
    }
}

/// `tying` with input `n` repeated `mult_in[n]` times and output `m`
/// repeated `mult_out[m]` times (copies adjacent), then both sides
/// shuffled by `shuffle_in` / `shuffle_out` (image arrays on the blown-up
/// sides, or empty for none): planted twin classes.
fn blow_up(
    tying: &Tying,
    mult_in: &[usize],
    mult_out: &[usize],
    shuffle_in: &[usize],
    shuffle_out: &[usize],
) -> (Tying, Vec<usize>, Vec<usize>) {
    // origin_in[k]: the base input that blown-up input k copies
    let origin_in: Vec<usize> = (0..tying.cols)
        .flat_map(|n| std::iter::repeat_n(n, mult_in[n]))
        .collect();
    let origin_out: Vec<usize> = (0..tying.rows)
        .flat_map(|m| std::iter::repeat_n(m, mult_out[m]))
        .collect();
    let (n, m) = (origin_in.len(), origin_out.len());
    let place = |shuffle: &[usize], k: usize| if shuffle.is_empty() { k } else { shuffle[k] };
    let mut data = vec![-1; n * m];
    for (k_out, &b_out) in origin_out.iter().enumerate() {
        for (k_in, &b_in) in origin_in.iter().enumerate() {
            data[place(shuffle_out, k_out) * n + place(shuffle_in, k_in)] = tying.get(b_out, b_in);
        }
    }
    let mut at_in = vec![0; n];
    for (k, &b) in origin_in.iter().enumerate() {
        at_in[place(shuffle_in, k)] = b;
    }
    let mut at_out = vec![0; m];
    for (k, &b) in origin_out.iter().enumerate() {
        at_out[place(shuffle_out, k)] = b;
    }
    (
        Tying {
            rows: m,
            cols: n,
            data,
        },
        at_in,
        at_out,
    )
}

fn factorials(mult: &[usize]) -> BigUint {
    mult.iter()
        .flat_map(|&k| 2..=k)
        .fold(BigUint::from(1u32), |acc, k| acc * BigUint::from(k))
}

#[test]
fn pooling_layers_are_products_of_symmetric_groups() {
    // DeepSets pooling, S_n on n inputs, one output: Aut = S_n = G, exact
    for n in 1..7usize {
        let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
        let swap: Vec<usize> = (0..n)
            .map(|i| if i < 2 && n > 1 { 1 - i } else { i })
            .collect();
        let pairs = [shift, swap]
            .iter()
            .map(|p| GeneratorPair {
                input: perm(p),
                output: Perm::identity(1),
            })
            .collect();
        let action = JointAction::new(n, 1, pairs);
        let dense = Tying::from_edge_orbits(action.edge_orbits());
        let v = verify_exact(&dense, &action).unwrap();
        assert!(v.is_exact(), "S_{n} pooling");
        assert_eq!(v.automorphism_order, factorials(&[n]));
        assert!(v.stats.quotient_points.is_some() || n == 1);
    }
    // C4 on 4 inputs, one output: the dense design is S4 on the inputs
    let (c4, _) = regular_cyclic(4);
    let pairs = vec![GeneratorPair {
        input: c4.pairs()[0].input.clone(),
        output: Perm::identity(1),
    }];
    let action = JointAction::new(4, 1, pairs);
    let dense = Tying::from_edge_orbits(action.edge_orbits());
    let v = verify_exact(&dense, &action).unwrap();
    assert_eq!(v.automorphism_order, BigUint::from(24u32));
    let w = v.witness.clone().unwrap();
    assert!(!action.chain().contains(&w));
    let readable = readable_witness(&v, &action).unwrap();
    assert_eq!(readable.support().len(), 2, "a transposition of twins");
}

fn rigid_base(n: usize, m: usize) -> Tying {
    // every entry its own colour: no twins and no automorphism but the identity
    Tying {
        rows: m,
        cols: n,
        data: (0..(n * m) as i32).collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]
    /// A rigid twin-free base blown up: Aut is exactly the product of the
    /// symmetric groups on the planted classes.
    #[test]
    fn planted_twins_give_the_planted_order(
        (mult_in, mult_out, shuffle_in, shuffle_out) in
            (prop::collection::vec(1usize..5, 1..5), prop::collection::vec(1usize..5, 1..5))
                .prop_flat_map(|(a, b)| {
                    let (n, m) = (a.iter().sum::<usize>(), b.iter().sum::<usize>());
                    (Just(a), Just(b), perm_strategy(n), perm_strategy(m))
                }),
    ) {
        let base = rigid_base(mult_in.len(), mult_out.len());
        let (tying, _, _) = blow_up(&base, &mult_in, &mult_out, &shuffle_in, &shuffle_out);
        let structure = Structure::from_tying(&tying);
        let expected = factorials(&mult_in) * factorials(&mult_out);
        let aut = automorphisms(&structure, &[]).unwrap();
        prop_assert_eq!(&aut.order, &expected);
        for g in &aut.generators {
            prop_assert!(structure.is_automorphism(g));
        }
        if structure.points() <= 12 {
            prop_assert_eq!(automorphisms_unreduced(&structure, &[]).unwrap().order, expected);
        }
    }

    /// A random G-invariant pattern with twins planted along G's orbits, and
    /// G lifted to it: the reduced search (seeded and unseeded) agrees with
    /// the unreduced search, and with brute force on tiny cases.
    #[test]
    fn planted_twins_agree_with_the_unreduced_search(
        (n, m, seeds) in (1usize..5, 1usize..5).prop_flat_map(|(n, m)| {
            (Just(n), Just(m), prop::collection::vec((perm_strategy(n), perm_strategy(m)), 0..3))
        }),
        colours in prop::collection::vec(-1i8..3, 1..6),
        mult in prop::collection::vec(1usize..4, 8),
    ) {
        let (action, base) = planted(n, m, seeds, colours);
        // multiplicities constant on G's orbits, so that G lifts
        let mut mult_in = vec![0; n];
        for orbit in action.input_orbits() {
            for &v in &orbit {
                mult_in[v] = mult[orbit[0] % 4];
            }
        }
        let mut mult_out = vec![0; m];
        for orbit in action.output_orbits() {
            for &v in &orbit {
                mult_out[v] = mult[4 + orbit[0] % 4];
            }
        }
        let (tying, _, _) = blow_up(&base, &mult_in, &mult_out, &[], &[]);
        // copy t of base point v sits at first[v] + t
        let firsts = |mult: &[usize]| -> Vec<usize> {
            mult.iter().scan(0, |acc, &k| { let f = *acc; *acc += k; Some(f) }).collect()
        };
        let (first_in, first_out) = (firsts(&mult_in), firsts(&mult_out));
        let lift = |p: &Perm, mult: &[usize], first: &[usize]| -> Perm {
            let mut images = vec![0; mult.iter().sum()];
            for v in 0..mult.len() {
                for t in 0..mult[v] {
                    images[first[v] + t] = first[p.apply(v)] + t;
                }
            }
            perm(&images)
        };
        let pairs = action
            .pairs()
            .iter()
            .map(|g| GeneratorPair {
                input: lift(&g.input, &mult_in, &first_in),
                output: lift(&g.output, &mult_out, &first_out),
            })
            .collect();
        let lifted = JointAction::new(tying.cols, tying.rows, pairs);
        let structure = Structure::from_tying(&tying);
        let verdict = verify_exact(&tying, &lifted).unwrap();
        let unreduced = automorphisms_unreduced(&structure, lifted.joint_generators()).unwrap();
        let unseeded = automorphisms(&structure, &[]).unwrap();
        prop_assert_eq!(&verdict.automorphism_order, &unreduced.order);
        prop_assert_eq!(&unseeded.order, &unreduced.order);
        prop_assert!(&verdict.automorphism_order % (factorials(&mult_in) * factorials(&mult_out)) == BigUint::from(0u32));
        if tying.cols <= 5 && tying.rows <= 5 {
            prop_assert_eq!(&verdict.automorphism_order, &BigUint::from(brute_force_order(&tying)));
        }
        prop_assert_eq!(verdict.is_exact(), verdict.automorphism_order == lifted.order());
        if let Some(w) = &verdict.witness {
            prop_assert!(structure.is_automorphism(w));
            prop_assert!(!lifted.chain().contains(w));
        }
        for g in &verdict.generators {
            prop_assert!(structure.is_automorphism(g));
        }
    }
}
