//! Trains a paramshare layer as a burn Module on the ndarray backend, checking equivariance before and after.
//!
//! The group is D4 (quarter turns and mirrors) on an 8 x 8 image, inputs and
//! outputs alike. The layer is the optimal covering design (the fewest
//! edges whose automorphism group is exactly D4, every pixel read and
//! written) with a tied bias, one bias per pixel orbit. The regression task:
//! recover a teacher layer of the same pattern from its outputs on random
//! images, by Adam on the mean squared error. Before and after training, for
//! every generator g, `f(g x) = g f(x)` must hold to 1e-5; training must cut
//! the loss a thousandfold. Prints `ok` at the end; exits non-zero if a
//! check fails. Run with `cargo run --release --features burn --example burn_tied`.

use burn::backend::{Autodiff, NdArray};
use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::tensor::backend::Backend;
use burn::tensor::{Distribution, ElementConversion, Int, Tensor, TensorData};
use paramshare::burn::TiedLinear;
use paramshare::design::{design_layer, DesignOptions, Method};
use paramshare::instance::families;
use paramshare::perm::Perm;

type Train = Autodiff<NdArray>;

/// `g . x` for a batch `x` of shape `[batch, k]`: entry i moves to position `perm[i]`.
fn act<B: Backend>(perm: &Perm, x: Tensor<B, 2>) -> Tensor<B, 2> {
    // (g . x)[j] = x[perm^-1(j)]
    let inverse: Vec<i64> = perm.inverse().images().iter().map(|&i| i as i64).collect();
    let len = inverse.len();
    let index = Tensor::<B, 1, Int>::from_data(TensorData::new(inverse, [len]), &x.device());
    x.select(1, index)
}

/// The largest `|f(g x) - g f(x)|` over every generator g and a batch of random images.
fn equivariance_error<B: Backend>(
    layer: &TiedLinear<B>,
    generators: &[(Perm, Perm)],
    device: &B::Device,
) -> f32 {
    let x = Tensor::<B, 2>::random(
        [16, layer.input_size()],
        Distribution::Uniform(-1.0, 1.0),
        device,
    );
    let y = layer.forward(x.clone());
    generators
        .iter()
        .map(|(input, output)| {
            let turned_first = layer.forward(act(input, x.clone()));
            let turned_after = act(output, y.clone());
            (turned_first - turned_after)
                .abs()
                .max()
                .into_scalar()
                .elem::<f32>()
        })
        .fold(0.0f32, f32::max)
}

fn main() {
    let instance = families::d4(8)
        .expect("D4 on an 8 x 8 image is a valid family")
        .natural_instance();
    let mut options = DesignOptions::new(Method::Optimal);
    options.cover = true;
    let layer =
        design_layer(&instance, &instance.action(), &options).expect("a 64 x 64 layer is small");
    assert_eq!(layer.exact, Some(true), "the optimal D4 layer is exact");
    assert_eq!(
        (layer.tying.unread_inputs(), layer.tying.dead_outputs()),
        (0, 0),
        "--cover touches every pixel"
    );
    let generators: Vec<(Perm, Perm)> = instance
        .generators
        .iter()
        .map(|g| (g.input.clone(), g.output.clone()))
        .collect();
    println!(
        "layer {}: {} weights, {} biases, {} edges of {}, optimal: {:?}",
        layer.instance,
        layer.parameters,
        paramshare::layer::bias_parameters(&layer.bias_tying),
        layer.edges,
        layer.input_size * layer.output_size,
        layer.optimal
    );

    let device = Default::default();
    Train::seed(&device, 7);
    let mut teacher = TiedLinear::<Train>::from_layer(&layer, true, &device);
    // The teacher's bias is not zero, so the student must learn it too.
    teacher.bias = teacher
        .bias
        .map(|b| b.map(|t| t.random_like(Distribution::Uniform(-1.0, 1.0))));
    let teacher = teacher.valid();
    let mut student = TiedLinear::<Train>::from_layer(&layer, true, &device);

    let before = equivariance_error(&student.valid(), &generators, &device);
    println!("equivariance error before training: {before:.2e}");
    assert!(before < 1e-5, "equivariance error {before} before training");

    let mut optimizer = AdamConfig::new().init();
    let (steps, batch) = (300, 32);
    let mut first_loss = None;
    let mut loss_value = f32::INFINITY;
    for step in 0..steps {
        let x = Tensor::<Train, 2>::random(
            [batch, layer.input_size],
            Distribution::Uniform(-1.0, 1.0),
            &device,
        );
        let want = Tensor::<Train, 2>::from_inner(teacher.forward(x.clone().inner()));
        let loss = (student.forward(x) - want).powi_scalar(2).mean();
        loss_value = loss.clone().into_scalar().elem::<f32>();
        first_loss.get_or_insert(loss_value);
        if step % 100 == 0 {
            println!("step {step:3}: loss {loss_value:.3e}");
        }
        let grads = GradientsParams::from_grads(loss.backward(), &student);
        student = optimizer.step(0.02, student, grads);
    }
    let first_loss = first_loss.expect("at least one step ran");
    println!("step {steps:3}: loss {loss_value:.3e} (from {first_loss:.3e})");
    assert!(
        loss_value < first_loss * 1e-3,
        "training did not converge: loss {loss_value} from {first_loss}"
    );

    let after = equivariance_error(&student.valid(), &generators, &device);
    println!("equivariance error after training: {after:.2e}");
    assert!(after < 1e-5, "equivariance error {after} after training");
    println!("ok");
}
