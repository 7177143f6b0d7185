//! Dense design benchmarks: D4 on a 64x64 image (target < 0.3 s) and S30 on 30x30 matrices in and out (target < 0.05 s).
//!
//! Each case is timed twice: the whole library call from an instance
//! (joint action with its stabiliser chain, edge orbits, tying matrix), and
//! the edge orbits alone on a prebuilt action. Peak memory is measured
//! outside criterion with /usr/bin/time -v (see /work/notes/dense-numbers.md).

use criterion::{criterion_group, criterion_main, Criterion};
use paramshare::design::dense_tying;
use paramshare::instance::families;
use paramshare::instance::Instance;
use std::hint::black_box;
use std::time::Duration;

fn cases() -> Vec<(&'static str, Instance)> {
    vec![
        (
            "d4-64x64",
            families::d4(64)
                .expect("64 is a valid image side")
                .natural_instance(),
        ),
        (
            "s30-matrices",
            families::tensor(30, 2, 2).expect("900 points is small"),
        ),
    ]
}

fn dense(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    for (name, instance) in cases() {
        group.bench_function(format!("{name}/design"), |b| {
            b.iter(|| {
                let action = black_box(&instance).action();
                dense_tying(&action).parameters()
            })
        });
        let action = instance.action();
        group.bench_function(format!("{name}/edge_orbits"), |b| {
            b.iter(|| black_box(&action).edge_orbits().count())
        });
    }
    group.finish();
}

criterion_group!(benches, dense);
criterion_main!(benches);
