use super::*;
use proptest::prelude::*;

/// The least cost by trying every assignment (n <= 12).
fn brute_force(weights: &[u64], clauses: &[Vec<Lit>]) -> Option<u64> {
    brute_force_between(weights, clauses, 0, None)
}

/// The least cost in `lower..=most` (`None`: no upper end) by trying every
/// assignment (n <= 12).
pub(super) fn brute_force_between(
    weights: &[u64],
    clauses: &[Vec<Lit>],
    lower: u64,
    most: Option<u64>,
) -> Option<u64> {
    let n = weights.len();
    (0u32..1 << n)
        .filter_map(|mask| {
            let chosen: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
            let ok = clauses
                .iter()
                .all(|c| c.iter().any(|l| chosen[l.var as usize] == l.positive));
            ok.then(|| cost_of(weights, &chosen))
        })
        .filter(|&cost| cost >= lower && most.is_none_or(|most| cost <= most))
        .min()
}

fn satisfies(chosen: &[bool], clauses: &[Vec<Lit>]) -> bool {
    clauses
        .iter()
        .all(|c| c.iter().any(|l| chosen[l.var as usize] == l.positive))
}

fn never_stop() -> bool {
    false
}

/// Random clause sets over up to 8 variables, with small weights.
pub(super) fn program() -> impl Strategy<Value = (Vec<u64>, Vec<Vec<Lit>>)> {
    (1usize..9).prop_flat_map(|n| {
        let lit = (0..n, proptest::bool::weighted(0.7)).prop_map(|(v, p)| Lit {
            var: v as u32,
            positive: p,
        });
        (
            proptest::collection::vec(1u64..6, n),
            proptest::collection::vec(proptest::collection::vec(lit, 1..4), 0..12),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Both backends find the brute-force optimum, also when clauses arrive in two batches.
    #[test]
    fn backends_match_brute_force((weights, clauses) in program()) {
        for kind in [SolverKind::Sat, SolverKind::Ilp] {
            let mut solver = new_solver(kind, weights.clone()).unwrap();
            let half = clauses.len() / 2;
            for (round, upto) in [half, clauses.len()].into_iter().enumerate() {
                let start = if round == 0 { 0 } else { half };
                for c in &clauses[start..upto] {
                    solver.add_clause(c);
                }
                let expected = brute_force(&weights, &clauses[..upto]);
                match solver.minimize(&never_stop).unwrap() {
                    Outcome::Optimal(m) => {
                        prop_assert_eq!(Some(m.cost), expected, "{}", kind);
                        prop_assert!(satisfies(&m.chosen, &clauses[..upto]));
                        prop_assert_eq!(m.cost, cost_of(&weights, &m.chosen));
                    }
                    Outcome::Infeasible => prop_assert_eq!(expected, None, "{}", kind),
                    Outcome::Stopped { .. } => prop_assert!(false, "never asked to stop"),
                    Outcome::NoneBelow { .. } => prop_assert!(false, "no cap was given"),
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Under a cap, both backends return the brute-force optimum when it is
    /// below the cap and otherwise a true bound of at least the cap; a
    /// second call with a lower cap (the loop's next incumbent) agrees too.
    #[test]
    fn minimize_below_matches_brute_force(
        (weights, clauses) in program(),
        caps in proptest::collection::vec(0u64..40, 2),
    ) {
        let expected = brute_force(&weights, &clauses);
        for kind in [SolverKind::Sat, SolverKind::Ilp] {
            let mut solver = new_solver(kind, weights.clone()).unwrap();
            for c in &clauses {
                solver.add_clause(c);
            }
            let mut caps = caps.clone();
            caps.sort_unstable_by(|a, b| b.cmp(a));
            for &cap in &caps {
                match solver.minimize_below(cap, &never_stop).unwrap() {
                    Outcome::Optimal(m) => {
                        prop_assert_eq!(Some(m.cost), expected, "{} cap {}", kind, cap);
                        prop_assert!(m.cost < cap, "{} cap {}: {}", kind, cap, m.cost);
                        prop_assert!(satisfies(&m.chosen, &clauses));
                    }
                    Outcome::NoneBelow { lower_bound } => {
                        prop_assert!(lower_bound >= cap, "{} cap {}: {}", kind, cap, lower_bound);
                        if let Some(min) = expected {
                            prop_assert!(min >= cap, "{} cap {}: missed {}", kind, cap, min);
                            prop_assert!(lower_bound <= min, "{} cap {}: {} > {}", kind, cap, lower_bound, min);
                        }
                    }
                    Outcome::Infeasible => prop_assert_eq!(expected, None, "{}", kind),
                    Outcome::Stopped { .. } => prop_assert!(false, "never asked to stop"),
                }
            }
        }
    }
}

/// Random disjoint groups of `0..n` (a variable in no group, or in a group of one, stays plain).
fn groups_of(n: usize) -> impl Strategy<Value = Vec<Vec<u32>>> {
    proptest::collection::vec(0u32..4, n).prop_map(|label| {
        (0..4)
            .map(|g| {
                (0..label.len() as u32)
                    .filter(|&v| label[v as usize] == g)
                    .collect()
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Declaring groups changes no answer: the SAT backend still finds the
    /// brute-force optimum of the clauses as given, and its assignment
    /// satisfies them. Whole groups are planted in some clauses so that
    /// the rewriting is exercised.
    #[test]
    fn grouped_sat_matches_brute_force(
        ((weights, clauses), groups, plant) in program().prop_flat_map(|(w, c)| {
            let n = w.len();
            (Just((w, c)), groups_of(n), proptest::collection::vec(0usize..4, 0..6))
        })
    ) {
        let mut clauses = clauses;
        for (k, &g) in plant.iter().enumerate() {
            let mut clause: Vec<Lit> = groups[g].iter().map(|&v| Lit::pos(v as usize)).collect();
            if let Some(extra) = clauses.get(k).and_then(|c| c.first()) {
                clause.push(*extra);
            }
            if !clause.is_empty() {
                clauses.push(clause);
            }
        }
        let mut solver = SatSolver::new(weights.clone()).unwrap();
        solver.group_variables(&groups);
        for c in &clauses {
            solver.add_clause(c);
        }
        let expected = brute_force(&weights, &clauses);
        match solver.minimize(&never_stop).unwrap() {
            Outcome::Optimal(m) => {
                prop_assert_eq!(Some(m.cost), expected);
                prop_assert!(satisfies(&m.chosen, &clauses));
                prop_assert_eq!(m.cost, cost_of(&weights, &m.chosen));
            }
            Outcome::Infeasible => prop_assert_eq!(expected, None),
            other => prop_assert!(false, "never asked to stop or given a cap: {:?}", other),
        }
    }
}

/// Planted: a clause that is one whole group is written as the group's
/// literal, and the optimum still picks the group's cheapest member.
#[test]
fn a_whole_group_clause_keeps_its_cheapest_member() {
    let mut solver = SatSolver::new(vec![5, 2, 7, 1]).unwrap();
    solver.group_variables(&[vec![0, 1, 2]]);
    solver.add_clause(&[Lit::pos(0), Lit::pos(1), Lit::pos(2)]);
    solver.add_clause(&[Lit::neg(1), Lit::pos(3)]);
    match solver.minimize(&never_stop).unwrap() {
        // {1, 3} costs 3; {0} costs 5 and {2} 7.
        Outcome::Optimal(m) => assert_eq!((m.cost, m.chosen), (3, vec![false, true, false, true])),
        other => panic!("{other:?}"),
    }
}

#[test]
fn planted_hitting_set_with_equal_weights() {
    // Hitting every 3-set {i, i+1, i+2} of 0..12 cyclically needs 4 points.
    for kind in [SolverKind::Sat, SolverKind::Ilp] {
        let mut solver = new_solver(kind, vec![7; 12]).unwrap();
        for i in 0..12 {
            solver.add_clause(&[Lit::pos(i), Lit::pos((i + 1) % 12), Lit::pos((i + 2) % 12)]);
        }
        match solver.minimize(&never_stop).unwrap() {
            Outcome::Optimal(m) => assert_eq!(m.cost, 28, "{kind}"),
            other => panic!("{kind}: {other:?}"),
        }
    }
}

#[test]
fn stop_reports_the_bound() {
    let mut solver = new_solver(SolverKind::Sat, vec![1, 1]).unwrap();
    solver.add_clause(&[Lit::pos(0)]);
    assert_eq!(
        solver.minimize(&|| true).unwrap(),
        Outcome::Stopped { lower_bound: 0 }
    );
}
