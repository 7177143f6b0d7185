//! Stabiliser-chain construction on the target groups: the Rubik's
//! cube group (48 points), S_30 on 30 x 30 ordered index pairs (900 points)
//! and the Mathieu group M24 (24 points).

use criterion::{criterion_group, criterion_main, Criterion};
use paramshare::group::{named, StabilizerChain};
use paramshare::perm::Perm;
use std::hint::black_box;

fn build(degree: usize, gens: &[Perm]) -> StabilizerChain {
    StabilizerChain::new(degree, black_box(gens))
}

fn chains(c: &mut Criterion) {
    let mut group = c.benchmark_group("stabilizer_chain");
    group.sample_size(10);
    let rubik = named::rubik_cube();
    group.bench_function("rubik_cube_48", |b| b.iter(|| build(48, &rubik)));
    let m24 = named::mathieu24();
    group.bench_function("mathieu_m24", |b| b.iter(|| build(24, &m24)));
    let s30_pairs = named::on_ordered_pairs(30, &named::symmetric(30));
    group.bench_function("s30_on_30x30_pairs", |b| b.iter(|| build(900, &s30_pairs)));
    group.finish();
}

criterion_group!(benches, chains);
criterion_main!(benches);
