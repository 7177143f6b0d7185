use super::*;

fn never_stop() -> bool {
    false
}

/// The sliced microlp search (the default engine): stopping and resuming.
#[cfg(not(any(feature = "cbc", feature = "highs")))]
mod sliced_search {
    use super::*;
    use crate::solve::tests::{brute_force_between, program};
    use proptest::prelude::*;

    /// The pigeonhole clauses for `holes + 1` pigeons: each pigeon sits in a
    /// hole, no two share one. Unsatisfiable, but every LP relaxation with few
    /// fixings is feasible (each pigeon half in two holes), so branch and bound
    /// runs long: microlp 0.7 took 1.2 s for 7 holes, 15 s for 8, over 40 s for
    /// 9 (about ten times more per hole; the test's 10 would take many minutes).
    #[cfg(target_os = "linux")]
    fn pigeonhole(holes: usize) -> (usize, Vec<Vec<Lit>>) {
        let var = |pigeon: usize, hole: usize| pigeon * holes + hole;
        let mut clauses = Vec::new();
        for p in 0..=holes {
            clauses.push((0..holes).map(|h| Lit::pos(var(p, h))).collect());
        }
        for h in 0..holes {
            for p in 0..=holes {
                for q in p + 1..=holes {
                    clauses.push(vec![Lit::neg(var(p, h)), Lit::neg(var(q, h))]);
                }
            }
        }
        ((holes + 1) * holes, clauses)
    }

    /// The CPU time the calling thread has used.
    #[cfg(target_os = "linux")]
    fn thread_cpu_time() -> Duration {
        // SAFETY: getrusage only writes the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) };
        assert_eq!(rc, 0, "getrusage(RUSAGE_THREAD) failed");
        let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
        Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
    }

    /// The point of the sliced search: a stop during a long branch and bound
    /// returns `Stopped` with the proved bound, and the search ran on the
    /// calling thread, so nothing is left running once the call returns. The
    /// stop fires when *this thread* has spent 300 ms of CPU inside the call: a
    /// solve on another thread would leave it asleep, and only the 120 s
    /// fallback would fire.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_stop_ends_a_long_search_on_the_calling_thread() {
        let (n, clauses) = pigeonhole(10);
        let mut solver = IlpSolver::new(vec![1; n]);
        for c in &clauses {
            solver.add_clause(c);
        }
        solver.raise_lower_bound(4).unwrap();
        let started = std::time::Instant::now();
        let cpu_at_start = thread_cpu_time();
        let stopped_at = std::cell::Cell::new(None);
        let by_cpu = std::cell::Cell::new(false);
        let stop = || {
            if stopped_at.get().is_none() {
                if thread_cpu_time() - cpu_at_start >= Duration::from_millis(300) {
                    by_cpu.set(true);
                    stopped_at.set(Some(std::time::Instant::now()));
                } else if started.elapsed() >= Duration::from_secs(120) {
                    stopped_at.set(Some(std::time::Instant::now()));
                }
            }
            stopped_at.get().is_some()
        };
        let outcome = solver.minimize(&stop).unwrap();
        let returned = std::time::Instant::now();
        assert_eq!(outcome, Outcome::Stopped { lower_bound: 4 });
        assert!(by_cpu.get(), "the search did not run on the calling thread");
        let after_stop = returned - stopped_at.get().expect("the stop fired");
        assert!(
            after_stop < Duration::from_secs(10),
            "returned {after_stop:?} after the stop"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// With one-microsecond slices a solve is resumed many times, and still
        /// proves the brute-force optimum between the cost rows (or infeasibility).
        #[test]
        fn tiny_slices_keep_the_optimum(
            (weights, clauses) in program(),
            lower in 0u64..6,
            most in proptest::option::of(0u64..30),
        ) {
            let program = Program { weights: &weights, clauses: &clauses, lower, most };
            let expected = brute_force_between(&weights, &clauses, lower, most);
            match sliced::solve(&program, &never_stop, Duration::from_micros(1)).unwrap() {
                // `check` holds it to the clauses and the cost row.
                Answer::Cheapest(chosen) => prop_assert_eq!(Some(program.check(&chosen).unwrap()), expected),
                Answer::Infeasible => prop_assert_eq!(expected, None),
                Answer::Stopped => prop_assert!(false, "never asked to stop"),
            }
        }
    }
}

#[test]
fn a_cap_nothing_meets_is_none_below_and_a_bound_for_later_calls() {
    // Hitting every 3-set {i, i+1, i+2} of 0..12 cyclically needs 4 points (cost 28).
    let mut solver = IlpSolver::new(vec![7; 12]);
    for i in 0..12 {
        solver.add_clause(&[Lit::pos(i), Lit::pos((i + 1) % 12), Lit::pos((i + 2) % 12)]);
    }
    assert_eq!(
        solver.minimize_below(28, &never_stop).unwrap(),
        Outcome::NoneBelow { lower_bound: 28 }
    );
    // The bound is kept: a lower cap needs no solve (a stop would show one).
    assert_eq!(
        solver.minimize_below(20, &|| true).unwrap(),
        Outcome::NoneBelow { lower_bound: 28 }
    );
    match solver.minimize_below(29, &never_stop).unwrap() {
        Outcome::Optimal(m) => assert_eq!(m.cost, 28),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tautologies_and_repeated_literals_are_read_as_clauses() {
    assert_eq!(clause_row(&[Lit::pos(0), Lit::neg(0)]), None);
    assert_eq!(
        clause_row(&[Lit::neg(2), Lit::pos(1), Lit::neg(2)]),
        Some((vec![(1, 1.0), (2, -1.0)], 0.0))
    );
    let mut solver = IlpSolver::new(vec![3, 1, 2]);
    solver.add_clause(&[Lit::pos(0), Lit::neg(0)]);
    solver.add_clause(&[Lit::pos(1), Lit::pos(1)]);
    solver.add_clause(&[Lit::neg(1), Lit::pos(2), Lit::neg(1)]);
    match solver.minimize(&never_stop).unwrap() {
        Outcome::Optimal(m) => assert_eq!((m.cost, m.chosen), (3, vec![false, true, true])),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_answer_that_breaks_a_clause_or_a_cost_row_is_an_error() {
    let weights = [2, 3];
    let clauses = [vec![Lit::pos(0), Lit::pos(1)], vec![Lit::neg(0)]];
    let program = Program {
        weights: &weights,
        clauses: &clauses,
        lower: 3,
        most: Some(4),
    };
    assert_eq!(program.check(&[false, true]).unwrap(), 3);
    for wrong in [[true, false], [false, false], [true, true]] {
        assert!(matches!(
            program.check(&wrong),
            Err(SolveError::IlpInvalidAnswer(_))
        ));
    }
    let below = Program {
        lower: 4,
        ..program
    };
    assert!(matches!(
        below.check(&[false, true]),
        Err(SolveError::IlpInvalidAnswer(_))
    ));
}

#[test]
fn weights_past_exact_f64_sums_are_refused() {
    let mut solver = IlpSolver::new(vec![1 << 52, 1 << 52, 1]);
    solver.add_clause(&[Lit::pos(0)]);
    assert!(matches!(
        solver.minimize(&never_stop),
        Err(SolveError::WeightTooLarge(1))
    ));
}

#[test]
fn no_variables_cost_nothing_unless_a_bound_says_otherwise() {
    let mut solver = IlpSolver::new(Vec::new());
    assert_eq!(
        solver.minimize(&never_stop).unwrap(),
        Outcome::Optimal(Minimum {
            chosen: Vec::new(),
            cost: 0
        })
    );
    solver.raise_lower_bound(1).unwrap();
    assert_eq!(solver.minimize(&never_stop).unwrap(), Outcome::Infeasible);
}
