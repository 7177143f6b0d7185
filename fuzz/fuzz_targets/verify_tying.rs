//! libFuzzer target: a small tying matrix and a group from the bytes, through the verifier.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paramshare::action::{GeneratorPair, JointAction};
use paramshare::layer::Tying;
use paramshare::perm::Perm;

/// A permutation of `0..n` from bytes (a Fisher-Yates shuffle driven by them).
fn perm(n: usize, bytes: &mut impl Iterator<Item = u8>) -> Perm {
    let mut images: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = bytes.next().unwrap_or(0) as usize % (i + 1);
        images.swap(i, j);
    }
    Perm::from_images(&images).expect("a shuffle is a permutation")
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.iter().copied();
    let n = bytes.next().unwrap_or(0) as usize % 7;
    let m = bytes.next().unwrap_or(0) as usize % 7;
    let k = bytes.next().unwrap_or(0) as usize % 3;
    let pairs: Vec<GeneratorPair> = (0..k)
        .map(|_| GeneratorPair {
            input: perm(n, &mut bytes),
            output: perm(m, &mut bytes),
        })
        .collect();
    let action = JointAction::new(n, m, pairs);
    let data: Vec<i32> = (0..n * m)
        .map(|_| bytes.next().unwrap_or(0) as i32 % 5 - 1)
        .collect();
    let tying = Tying {
        rows: m,
        cols: n,
        data,
    };
    let _ = paramshare::verify::verify_exact(&tying, &action);
});
