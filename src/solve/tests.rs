use super::*;
use proptest::prelude::*;

/// The least cost by trying every assignment (n <= 12).
fn brute_force(weights: &[u64], clauses: &[Vec<Lit>]) -> Option<u64> {
    let n = weights.len();
    (0u32..1 << n)
        .filter_map(|mask| {
            let chosen: Vec<bool> = (0..n).map(|i| mask >> i & 1 == 1).collect();
            let ok = clauses
                .iter()
                .all(|c| c.iter().any(|l| chosen[l.var as usize] == l.positive));
            ok.then(|| cost_of(weights, &chosen))
        })
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

fn program() -> impl Strategy<Value = (Vec<u64>, Vec<Vec<Lit>>)> {
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
