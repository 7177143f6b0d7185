//! The verifier's automorphism orders against nauty's dreadnaut (an oracle no one here wrote).
//!
//! For every small instance in `instances/` and `tests/data/` (the Rubik's
//! cube group) and a set of family instances:
//! the dense design and seeded random G-invariant sub-patterns (random
//! subsets of edge orbits, each its own colour) are exported with
//! `write_dreadnaut` and the orders compared. Needs `dreadnaut` (Debian
//! package `nauty`); with PARAMSHARE_REQUIRE_ORACLES=1 a missing oracle fails.

use crate::oracles::{dreadnaut_group_size, dreadnaut_order_matches, require_oracle, Oracle};
use num_bigint::BigUint;
use paramshare::instance::families::{self, SideAction};
use paramshare::instance::Instance;
use paramshare::layer::Tying;
use paramshare::verify::{
    automorphisms, automorphisms_unreduced, verify_exact, write_dreadnaut, Structure,
};
use rand::{Rng, RngExt, SeedableRng};

/// Skip instances whose tying matrix has more entries than this (dreadnaut
/// gets one vertex per edge).
const MAX_ENTRIES: usize = 5000;

/// The group order dreadnaut reports for the exported structure, as printed.
fn dreadnaut_order(structure: &Structure) -> String {
    let mut script = Vec::new();
    write_dreadnaut(structure, &mut script).unwrap();
    dreadnaut_group_size(&script)
}

fn instances() -> Vec<Instance> {
    let mut list = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = ["instances", "tests/data"]
        .iter()
        .flat_map(|d| {
            std::fs::read_dir(root.join(d))
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_else(|_| Vec::new())
        })
        .collect();
    files.sort();
    for path in files {
        if path.extension().and_then(|e| e.to_str()) == Some("json") {
            if let Ok(inst) = Instance::read(&path) {
                // The 32x32 and 64x64 image layers (a million edges and
                // more) belong in benches/ and scripts/, not in every test run.
                if inst.input_size * inst.output_size <= 20_000 {
                    list.push(inst);
                }
            }
        }
    }
    let natural = [
        families::cyclic(6),
        families::dihedral(5),
        families::symmetric(4),
        families::alternating(4),
        families::alternating(5),
        families::torus(3, 4),
        families::p4(3),
        families::d4(4),
        families::c4(5),
        families::nested_sets(3, 2),
    ];
    for g in natural {
        list.push(g.unwrap().natural_instance());
    }
    list.push(
        families::dihedral(4)
            .unwrap()
            .instance(SideAction::Natural, SideAction::Regular)
            .unwrap(),
    );
    list.push(families::tensor(4, 2, 1).unwrap());
    list.push(families::tensor(5, 1, 1).unwrap());
    list.push(families::from_cycles(3, 6, &["(0 1 2) / (0 5 4 3 2 1)".to_string()]).unwrap());
    list.push(families::from_cycles(4, 5, &[]).unwrap());
    list.retain(|i| i.input_size * i.output_size <= MAX_ENTRIES);
    list
}

/// The sub-pattern keeping each edge orbit with probability 1/2, each its own colour.
fn random_subpattern(dense: &Tying, rng: &mut impl Rng) -> Tying {
    let orbits = dense.parameters();
    let mut colour = vec![-1i32; orbits];
    let mut next = 0;
    for c in colour.iter_mut() {
        if rng.random_bool(0.5) {
            *c = next;
            next += 1;
        }
    }
    Tying {
        rows: dense.rows,
        cols: dense.cols,
        data: dense.data.iter().map(|&o| colour[o as usize]).collect(),
    }
}

/// Asserts that the search without G and dreadnaut both find order `ours`.
fn check_unseeded_and_dreadnaut(structure: &Structure, ours: &BigUint, what: &str) {
    let unseeded = automorphisms(structure, &[]).unwrap().order;
    assert_eq!(&unseeded, ours, "{what}: search without G");
    let theirs = dreadnaut_order(structure);
    assert!(
        dreadnaut_order_matches(&theirs, &ours.to_string()),
        "{what}: dreadnaut {theirs}, verifier {ours}"
    );
}

#[test]
fn orders_agree_with_dreadnaut() {
    if !require_oracle(Oracle::Dreadnaut, "the nauty oracle test") {
        return;
    }
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(20261127);
    let mut checked = 0;
    for inst in instances() {
        let action = inst.action();
        let dense = Tying::from_edge_orbits(action.edge_orbits());
        let mut patterns = vec![dense.clone()];
        for _ in 0..4 {
            patterns.push(random_subpattern(&dense, &mut rng));
        }
        for (k, tying) in patterns.iter().enumerate() {
            let ours = verify_exact(tying, &action).unwrap().automorphism_order;
            let structure = Structure::from_tying(tying);
            check_unseeded_and_dreadnaut(&structure, &ours, &format!("{} pattern {k}", inst.name));
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} patterns checked");
}

/// Pooling and invariant layers (few outputs, huge automorphism groups made
/// of symmetric groups on twin classes), including the bundled family
/// files: dense designs and random sub-patterns against dreadnaut, and
/// against the search without the twin reduction where that is quick.
#[test]
fn pooling_orders_agree_with_dreadnaut() {
    if !require_oracle(Oracle::Dreadnaut, "the nauty oracle test") {
        return;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut list: Vec<Instance> = [
        "instances/families/d4-32x32-pool.json",
        "instances/families/s20-graph-invariant.json",
        "instances/deepsets-pool-5.json",
    ]
    .iter()
    .map(|f| Instance::read(&root.join(f)).unwrap())
    .collect();
    for (group, output) in [
        (families::d4(6), SideAction::Trivial(1)),
        (families::d4(12), SideAction::Trivial(1)),
        (families::d4(5), SideAction::Trivial(3)),
        (families::dihedral(7), SideAction::Trivial(2)),
        (families::torus(3, 4), SideAction::Trivial(1)),
    ] {
        list.push(
            group
                .unwrap()
                .instance(SideAction::Natural, output)
                .unwrap(),
        );
    }
    list.push(
        families::dihedral(6)
            .unwrap()
            .instance(SideAction::Trivial(2), SideAction::Natural)
            .unwrap(),
    );
    list.push(families::tensor(6, 2, 0).unwrap());
    list.push(families::tensor(5, 3, 0).unwrap());
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(20261128);
    let (mut checked, mut reduced) = (0, 0);
    for inst in list {
        let action = inst.action();
        let dense = Tying::from_edge_orbits(action.edge_orbits());
        let mut patterns = vec![dense.clone()];
        // dreadnaut needs ~2 s for the 1024-input pooling layer: dense design only
        let subpatterns = if dense.data.len() > 1000 { 0 } else { 3 };
        for _ in 0..subpatterns {
            patterns.push(random_subpattern(&dense, &mut rng));
        }
        for (k, tying) in patterns.iter().enumerate() {
            let verdict = verify_exact(tying, &action).unwrap();
            let ours = verdict.automorphism_order;
            let structure = Structure::from_tying(tying);
            reduced += verdict.stats.quotient_points.is_some() as usize;
            if structure.points() <= 80 {
                assert_eq!(
                    automorphisms_unreduced(&structure, action.joint_generators())
                        .unwrap()
                        .order,
                    ours,
                    "{} pattern {k}: search without the twin reduction",
                    inst.name
                );
            }
            check_unseeded_and_dreadnaut(&structure, &ours, &format!("{} pattern {k}", inst.name));
            checked += 1;
        }
    }
    assert!(checked >= 35, "only {checked} patterns checked");
    assert_eq!(reduced, checked, "every pooling pattern has twins");
}
