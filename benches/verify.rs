//! Verifier benchmarks: building the structure and computing Aut, seeded with G.
//!
//! The same structures are timed against nauty's dreadnaut and Traces by
//! scripts/compare-nauty.sh; results and ratios are in the README's
//! verifier section. The 64x64 D4 case (16.8 million coloured edges) is
//! measured with a few samples only.

use criterion::{criterion_group, criterion_main, Criterion};
use paramshare::action::JointAction;
use paramshare::instance::families::{self, SideAction};
use paramshare::instance::Instance;
use paramshare::layer::Tying;
use paramshare::verify::verify_exact;
use std::time::Duration;

fn dense(action: &JointAction) -> Tying {
    Tying::from_edge_orbits(action.edge_orbits())
}

/// The exact 3-orbit pattern of a torus: orbits of (n, n), (n, n + e1), (n, n + e2).
fn torus_three_orbits(side: usize) -> (JointAction, Tying) {
    let action = families::torus(side, side)
        .expect("a valid torus")
        .natural_instance()
        .action();
    let orbits = action.edge_orbits();
    // pixel (r, c) is r * side + c: e1 = (1, 0) is `side`, e2 = (0, 1) is 1
    let keep = [
        orbits.orbit(0, 0),
        orbits.orbit(0, side),
        orbits.orbit(0, 1),
    ];
    let data = orbits
        .orbit_of
        .iter()
        .map(|o| keep.iter().position(|k| k == o).map_or(-1, |c| c as i32))
        .collect();
    let tying = Tying {
        rows: side * side,
        cols: side * side,
        data,
    };
    (action, tying)
}

fn rubik() -> JointAction {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/rubik-cube.json");
    Instance::read(&path)
        .expect("tests/data/rubik-cube.json")
        .action()
}

fn bench(c: &mut Criterion) {
    let d4_32 = families::d4(32).expect("d4").natural_instance().action();
    let s20 = families::tensor(20, 2, 2).expect("tensor").action();
    let (torus, torus_tying) = torus_three_orbits(32);
    let rubik = rubik();
    // pooling: Aut of the dense design is a product of symmetric groups on twin classes
    let d4_pool = families::d4(32)
        .expect("d4")
        .instance(SideAction::Natural, SideAction::Trivial(1))
        .expect("pooling instance")
        .action();
    let s20_invariant = families::tensor(20, 2, 0).expect("tensor").action();
    let cases: Vec<(&str, &JointAction, Tying)> = vec![
        ("d4-32x32-dense", &d4_32, dense(&d4_32)),
        ("s20-matrices-dense", &s20, dense(&s20)),
        ("torus-32x32-three-orbits", &torus, torus_tying),
        ("rubik-dense", &rubik, dense(&rubik)),
        ("d4-32x32-pool-dense", &d4_pool, dense(&d4_pool)),
        (
            "s20-graph-invariant-dense",
            &s20_invariant,
            dense(&s20_invariant),
        ),
    ];
    let mut group = c.benchmark_group("verify");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (name, action, tying) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| verify_exact(tying, action).expect("G preserves the pattern"))
        });
    }
    let d4_64 = families::d4(64).expect("d4").natural_instance().action();
    let tying = dense(&d4_64);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("d4-64x64-dense", |b| {
        b.iter(|| verify_exact(&tying, &d4_64).expect("G preserves the pattern"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
