//! Criterion benchmarks of the optimal search (proved optimum, edges objective, SAT backend)
//! on the instances, and of exhaustive enumeration where it is feasible (S6 on 6 x 6 matrices).
//! D4 on a 16 x 16 image is measured by `examples/search_numbers.rs` with a 60 s limit instead:
//! it is not yet proved within 60 s, and criterion would repeat it ten times.
use criterion::{criterion_group, criterion_main, Criterion};
use paramshare::action::{EdgeOrbits, JointAction};
use paramshare::design::bench_cases::search_benchmarks;
use paramshare::design::optimal::{
    exhaustive_minimum, search_optimal, SearchProgress, SearchSettings,
};
use paramshare::design::oracle::VerifierOracle;
use paramshare::design::Objective;
use paramshare::solve::SolverKind;
use std::time::Duration;

/// One optimal search (edges, SAT backend), which must end proved.
fn prove_optimum(action: &JointAction, orbits: &EdgeOrbits) {
    let oracle = VerifierOracle::new(action);
    let mut ignore = |_: &SearchProgress| {};
    let found = search_optimal(
        orbits,
        action,
        &oracle,
        SearchSettings {
            objective: Objective::Edges,
            solver: SolverKind::Sat,
            stop: &|| false,
            progress: &mut ignore,
            room: None,
        },
    )
    .expect("the search succeeds");
    assert!(found.optimal);
}

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
            b.iter(|| prove_optimum(&action, &orbits))
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

/// Issue 11's scale: C4 on a 32 x 32 image (262656 edge orbits), proved by
/// the connectivity bound from the spanning-tree incumbent. The larger
/// targets (64 x 64 images, tensors, pooling) run once each, under a memory
/// cap, in `scripts/search-scale.sh`.
fn search_at_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("optimal at scale");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    let inst = paramshare::instance::families::c4(32)
        .expect("valid size")
        .natural_instance();
    let action = inst.action();
    let orbits = action.edge_orbits();
    group.bench_function(inst.name.clone(), |b| {
        b.iter(|| prove_optimum(&action, &orbits))
    });
    group.finish();
}

criterion_group!(benches, search, search_at_scale);
criterion_main!(benches);
