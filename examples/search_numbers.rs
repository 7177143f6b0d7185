//! Times the optimal search on the benchmark instances (both backends, both
//! objectives, 60 s limit each) and compares with exhaustive enumeration:
//! measured where it has at most 16 orbits, otherwise estimated as (number
//! of orbit subsets cheaper than the optimum) x (mean verifier time on
//! random subsets of the optimum's size). Prints a markdown table.
//!
//! Run: `cargo run --release --example search_numbers`
use paramshare::design::bench_cases::search_benchmarks;
use paramshare::design::closure_action;
use paramshare::design::optimal::{
    exhaustive_minimum, orbit_weights, pattern_of, search_optimal, SearchProgress, SearchSettings,
};
use paramshare::design::oracle::{ExactnessOracle, VerifierOracle};
use paramshare::design::Objective;
use paramshare::solve::SolverKind;
use paramshare::verify::verify_closure;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(60);

/// Subsets of the weights with total below `bound` (counted in f64; a DP over cost).
fn cheaper_subsets(weights: &[u64], bound: u64) -> f64 {
    let bound = bound as usize;
    let mut count = vec![0f64; bound.max(1)];
    count[0] = 1.0;
    for &w in weights {
        let w = w as usize;
        for c in (w..bound).rev() {
            count[c] += count[c - w];
        }
    }
    count.iter().sum::<f64>() - 1.0
}

fn main() {
    println!("| instance | orbits | objective | solver | optimum | proved | rounds | cuts | search s | exhaustive s | ratio |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for inst in search_benchmarks() {
        let action = inst.action();
        let closure = verify_closure(&action);
        let target = if closure.is_exact() {
            action.clone()
        } else {
            closure_action(&action, &closure, std::sync::Arc::new(action.edge_orbits()))
        };
        let orbits = target.edge_orbits();
        let oracle = VerifierOracle::new(&target);
        for objective in [Objective::Edges, Objective::Parameters] {
            for solver in [SolverKind::Sat, SolverKind::Ilp] {
                let start = Instant::now();
                let stop = || start.elapsed() >= LIMIT;
                let mut ignore = |_: &SearchProgress| {};
                let found = search_optimal(
                    &orbits,
                    &target,
                    &oracle,
                    SearchSettings {
                        objective,
                        solver,
                        stop: &stop,
                        progress: &mut ignore,
                        room: None,
                    },
                )
                .expect("the search succeeds");
                let seconds = start.elapsed().as_secs_f64();
                let (exhaustive, kind) = if orbits.count() <= 16 {
                    let start = Instant::now();
                    exhaustive_minimum(&orbits, &oracle, objective).expect("verifier");
                    (start.elapsed().as_secs_f64(), "measured")
                } else if found.optimal {
                    // Mean verifier time over random subsets of the optimum's size.
                    let size = found.chosen.iter().filter(|&&c| c).count();
                    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
                    let mut ids: Vec<usize> = (0..orbits.count()).collect();
                    let samples = 20;
                    let start = Instant::now();
                    for _ in 0..samples {
                        ids.shuffle(&mut rng);
                        let mut chosen = vec![false; orbits.count()];
                        for &o in &ids[..size] {
                            chosen[o] = true;
                        }
                        oracle
                            .check(&pattern_of(&orbits, &chosen))
                            .expect("verifier");
                    }
                    let per_check = start.elapsed().as_secs_f64() / samples as f64;
                    let subsets = cheaper_subsets(&orbit_weights(&orbits, objective), found.cost);
                    (per_check * subsets, "estimated")
                } else {
                    (f64::NAN, "n/a")
                };
                println!(
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.3e} ({kind}) | {:.1e} |",
                    inst.name,
                    orbits.count(),
                    objective.name(),
                    solver.name(),
                    if found.optimal {
                        found.cost.to_string()
                    } else {
                        format!(">= {}", found.lower_bound)
                    },
                    found.optimal,
                    found.progress.iterations,
                    found.progress.cuts,
                    seconds,
                    exhaustive,
                    seconds / exhaustive
                );
            }
        }
    }
}
