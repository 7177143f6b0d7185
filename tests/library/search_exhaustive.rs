//! The optimal and sparse searches against exhaustive enumeration, on the bundled instances and on families with known answers.

use paramshare::action::JointAction;
use paramshare::design::connectivity::connectivity_lower_bound;
use paramshare::design::optimal::{
    exhaustive_minimum, pattern_of, search_optimal, SearchProgress, SearchSettings,
};
use paramshare::design::oracle::{Check, ExactnessOracle, VerifierOracle};
use paramshare::design::{closure_action, Objective};
use paramshare::instance::families::{self, SideAction};
use paramshare::instance::Instance;
use paramshare::solve::SolverKind;
use paramshare::verify::verify_closure;

/// Instances with more edge orbits are not enumerated.
const EXHAUSTIVE_LIMIT: usize = 16;

/// What the search and the enumeration agreed on.
#[derive(Debug, PartialEq, Eq)]
struct Optimum {
    exact_possible: bool,
    parameters: u64,
    edges: u64,
}

fn search(target: &JointAction, objective: Objective, solver: SolverKind) -> (Vec<bool>, u64) {
    let oracle = VerifierOracle::new(target);
    let mut ignore = |_: &SearchProgress| {};
    let found = search_optimal(
        &target.edge_orbits(),
        target,
        &oracle,
        SearchSettings {
            objective,
            solver,
            stop: &|| false,
            progress: &mut ignore,
            room: None,
        },
    )
    .unwrap();
    assert!(found.optimal);
    (found.chosen, found.cost)
}

/// Both objectives, both backends and exhaustive enumeration must agree.
fn optimum(action: &JointAction) -> Optimum {
    let closure = verify_closure(action);
    let target = if closure.is_exact() {
        action.clone()
    } else {
        closure_action(action, &closure, std::sync::Arc::new(action.edge_orbits()))
    };
    let orbits = target.edge_orbits();
    assert!(orbits.count() <= EXHAUSTIVE_LIMIT);
    let oracle = VerifierOracle::new(&target);
    let mut costs = Vec::new();
    for objective in [Objective::Parameters, Objective::Edges] {
        let (_, expected) = exhaustive_minimum(&orbits, &oracle, objective)
            .unwrap()
            .expect("the dense design is exact for the closure");
        if let Some(bound) = connectivity_lower_bound(&target, &orbits, objective) {
            assert!(
                bound <= expected,
                "{objective:?}: bound {bound} > minimum {expected}"
            );
        }
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            let (chosen, cost) = search(&target, objective, solver);
            assert_eq!(cost, expected, "{solver} {objective:?}");
            assert_eq!(
                oracle.check(&pattern_of(&orbits, &chosen)).unwrap(),
                Check::Exact
            );
        }
        costs.push(expected);
    }
    Optimum {
        exact_possible: closure.is_exact(),
        parameters: costs[0],
        edges: costs[1],
    }
}

/// The `*.json` files directly in `dir` (relative to the crate), sorted.
fn instance_files(dir: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn every_bundled_instance_with_few_orbits_matches_exhaustive_search() {
    let paths = instance_files("instances");
    let mut checked = 0;
    for path in paths {
        let instance = Instance::read(&path).unwrap();
        if instance.input_size * instance.output_size > 4096 {
            continue;
        }
        let action = instance.action();
        if action.edge_orbits().count() > EXHAUSTIVE_LIMIT {
            both_backends_agree(&action);
            continue;
        }
        let found = optimum(&action);
        println!("{}: {found:?}", path.display());
        checked += 1;
    }
    assert!(checked >= 1, "no bundled instance was small enough");
}

/// Beyond exhaustive search: both backends prove the same optimum for both objectives.
fn both_backends_agree(action: &JointAction) {
    let closure = verify_closure(action);
    let target = if closure.is_exact() {
        action.clone()
    } else {
        closure_action(action, &closure, std::sync::Arc::new(action.edge_orbits()))
    };
    for objective in [Objective::Parameters, Objective::Edges] {
        let sat = search(&target, objective, SolverKind::Sat).1;
        let ilp = search(&target, objective, SolverKind::Ilp).1;
        assert_eq!(sat, ilp, "{objective:?}");
    }
}

#[test]
fn bundled_group_instances_agree_across_backends() {
    let paths = instance_files("instances/groups");
    assert!(!paths.is_empty());
    for path in paths {
        let action = Instance::read(&path).unwrap().action();
        if action.edge_orbits().count() <= EXHAUSTIVE_LIMIT {
            optimum(&action);
        } else {
            both_backends_agree(&action);
        }
    }
}

fn regular(group: families::GroupAction) -> JointAction {
    group
        .instance(SideAction::Regular, SideAction::Regular)
        .unwrap()
        .action()
}

#[test]
fn regular_actions_need_one_more_orbit_than_generators() {
    // C2 is the exception: the diagonal's automorphism group S2 is C2 itself.
    assert_eq!(
        optimum(&regular(families::cyclic(2).unwrap())).parameters,
        1
    );
    for n in 3..=7 {
        let found = optimum(&families::cyclic(n).unwrap().natural_instance().action());
        assert_eq!(found.parameters, 2, "C{n}");
        assert_eq!(found.edges, 2 * n as u64, "C{n}");
    }
    // Klein group = 2 x 2 torus, D3 regular, and the n x n tori: d(G) = 2.
    assert_eq!(
        optimum(&families::torus(2, 2).unwrap().natural_instance().action()).parameters,
        3
    );
    assert_eq!(
        optimum(&regular(families::dihedral(3).unwrap())).parameters,
        3
    );
    for n in 3..=4 {
        let found = optimum(&families::torus(n, n).unwrap().natural_instance().action());
        assert_eq!(found.parameters, 3, "{n} x {n} torus");
    }
}

#[test]
fn deep_sets_need_only_the_diagonal() {
    for n in 2..=6 {
        let found = optimum(&families::symmetric(n).unwrap().natural_instance().action());
        assert!(found.exact_possible);
        assert_eq!((found.parameters, found.edges), (1, n as u64), "S{n}");
    }
}

#[test]
fn a4_and_reverse_convolution_are_impossible() {
    let a4 = families::alternating(4)
        .unwrap()
        .natural_instance()
        .action();
    assert!(!optimum(&a4).exact_possible);
    let reverse = families::from_cycles(3, 6, &["(0 1 2) / (0 5 4 3 2 1)".to_string()])
        .unwrap()
        .action();
    assert!(!optimum(&reverse).exact_possible);
}

#[test]
fn larger_tori_reach_the_known_optimum() {
    // Beyond exhaustive search: the search alone, both backends.
    for n in [5, 6, 8] {
        let torus = families::torus(n, n).unwrap().natural_instance().action();
        for solver in [SolverKind::Sat, SolverKind::Ilp] {
            assert_eq!(
                search(&torus, Objective::Parameters, solver).1,
                3,
                "{n} x {n}, {solver}"
            );
        }
    }
}
