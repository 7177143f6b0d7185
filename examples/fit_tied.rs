//! Fits a tiny tied layer to a toy equivariant target by gradient descent, then checks equivariance.
//!
//! The group is S5 permuting 5 inputs and 5 outputs alike (DeepSets). Its
//! dense layer has two shared weights: one on the diagonal, one everywhere
//! else. The target is y = 2 x + 0.3 (sum of x) 1, so the fit must find
//! 2.3 on the diagonal and 0.3 off it. Run with
//! `cargo run --example fit_tied`; it exits non-zero if a check fails.

use paramshare::design::{design_layer, DesignOptions, Method};
use paramshare::instance::Instance;
use paramshare::tied::TiedLinear;
use rand::{RngExt, SeedableRng};

fn target(x: &[f64]) -> Vec<f64> {
    let s: f64 = x.iter().sum();
    x.iter().map(|v| 2.0 * v + 0.3 * s).collect()
}

/// `g . v`: entry i of v moves to position `perm[i]`.
fn act(perm: &[u32], v: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; v.len()];
    for (i, &p) in perm.iter().enumerate() {
        out[p as usize] = v[i];
    }
    out
}

fn main() {
    let instance = Instance::from_json_str(
        r#"{"name": "deepsets-5", "input_size": 5, "output_size": 5,
            "generators": [{"input": [1, 2, 3, 4, 0], "output": [1, 2, 3, 4, 0]},
                           {"input": [1, 0, 2, 3, 4], "output": [1, 0, 2, 3, 4]}]}"#,
    )
    .expect("the instance above is valid");
    let layer = design_layer(
        &instance,
        &instance.action(),
        &DesignOptions::new(Method::Dense),
    )
    .expect("a 5 x 5 layer is small");
    let mut tied = TiedLinear::<f64>::from_layer(&layer);
    println!(
        "layer: {} parameters, {} edges, |G| = {}",
        tied.parameters(),
        tied.edges(),
        layer.group_order
    );

    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
    let (batch, n) = (32, tied.input_size());
    let rate = 0.02;
    let mut loss = f64::INFINITY;
    for step in 0..500 {
        let x: Vec<f64> = (0..batch * n)
            .map(|_| rng.random_range(-1.0..1.0))
            .collect();
        let y = tied
            .forward_batch(&x, batch)
            .expect("x has batch * N entries");
        let want: Vec<f64> = x.chunks(n).flat_map(target).collect();
        let diff: Vec<f64> = y.iter().zip(&want).map(|(a, b)| a - b).collect();
        loss = diff.iter().map(|d| d * d).sum::<f64>() / (2 * batch) as f64;
        let grad = tied
            .grad_weights_batch(&x, &diff, batch)
            .expect("shapes match the forward pass");
        for (w, g) in tied.weights_mut().iter_mut().zip(grad) {
            *w -= rate * g / batch as f64;
        }
        if step % 100 == 0 {
            println!(
                "step {step:3}: loss {loss:.3e}, weights {:?}",
                tied.weights()
            );
        }
    }
    println!("final loss {loss:.3e}, weights {:?}", tied.weights());
    assert!(loss < 1e-10, "the fit did not converge: loss {loss}");
    let diagonal = tied.weights()[layer.tying.get(0, 0) as usize];
    let off = tied.weights()[layer.tying.get(0, 1) as usize];
    assert!((diagonal - 2.3).abs() < 1e-6 && (off - 0.3).abs() < 1e-6);

    // equivariance: W (g . x) = g . (W x) for every generator g
    let mut worst: f64 = 0.0;
    for _ in 0..20 {
        let x: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        for g in &layer.generators {
            let lhs = tied.forward(&act(g.input.images(), &x)).expect("length N");
            let rhs = act(g.output.images(), &tied.forward(&x).expect("length N"));
            for (a, b) in lhs.iter().zip(&rhs) {
                worst = worst.max((a - b).abs());
            }
        }
    }
    println!(
        "largest equivariance error over 20 inputs x {} generators: {worst:.1e}",
        layer.generators.len()
    );
    assert!(worst < 1e-12, "not equivariant: error {worst}");
    println!("ok");
}

#[test]
fn fits_and_stays_equivariant() {
    main();
}
