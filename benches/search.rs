//! Criterion benchmarks of the optimal search (proved optimum, edges objective, SAT backend)
//! on the instances, and of exhaustive enumeration where it is feasible (S6 on 6 x 6 matrices).
//! D4 on a 16 x 16 image is measured by `examples/search_numbers.rs` with a 60 s limit instead:
//! it is not yet proved within 60 s, and criterion would repeat it ten times.
use criterion::{criterion_group, criterion_main, Criterion};
use paramshare::design::bench_cases::search_benchmarks;
use paramshare::design::optimal::{
    exhaustive_minimum, search_optimal, SearchProgress, SearchSettings,
};
use paramshare::design::oracle::VerifierOracle;
use paramshare::design::Objective;
use paramshare::solve::SolverKind;
use std::time::Duration;

fn search(c: &mut Criterion) {
    let mut group = c.benchmark_group("optimal");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for inst in search_benchmarks() {
        if inst.name.starts_with("d4-") {
            continue;
        }
        let action = inst.action();
        let orbits = action.edge_orbits();
        group.bench_function(inst.name.clone(), |b| {
            b.iter(|| {
                let oracle = VerifierOracle::new(&action);
                let mut ignore = |_: &SearchProgress| {};
                let found = search_optimal(
                    &orbits,
                    &action,
                    &oracle,
                    SearchSettings {
                        objective: Objective::Edges,
                        solver: SolverKind::Sat,
                        stop: &|| false,
                        progress: &mut ignore,
                    },
                )
                .expect("the search succeeds");
                assert!(found.optimal);
            })
        });
        if orbits.count() <= 16 {
            group.bench_function(format!("{} exhaustive", inst.name), |b| {
                b.iter(|| {
                    let oracle = VerifierOracle::new(&action);
                    exhaustive_minimum(&orbits, &oracle, Objective::Edges)
                        .expect("the verifier succeeds")
                        .expect("an exact pattern exists")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
