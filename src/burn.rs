//! A paramshare layer as a burn `Module`: shared weights and a tied bias as `Param`s, W gathered through the tying matrix.
//!
//! [`TiedLinear`] holds one trainable weight per shared parameter of the
//! tying pattern and, optionally, one bias per output orbit (a bias is
//! G-equivariant iff it is constant on the G-orbits of the outputs). The
//! forward pass gathers the weight vector through the flattened tying index
//! into the `M x N` matrix W, zeroes the entries the pattern marks `-1`
//! (they gather weight 0 and are masked), and computes `Y = X W^T + b` for
//! a batch `X` of shape `[batch, N]`. Gradients reach the shared weights
//! through the gather, so training keeps every tie, and the layer stays
//! exactly equivariant whatever the weights are.
//!
//! Building W per call costs `M x N` entries: right for the small and
//! medium layers people train; for a 64x64 image layer (16.8 million
//! entries) a sparse formulation would be cheaper.
//!
//! Enabled by the `burn` feature (`cargo run --features burn --example
//! burn_tied` trains one on the ndarray backend).
//!
//! ```ignore
//! let layer = design_layer(&instance, &instance.action(), &DesignOptions::new(Method::Dense))?;
//! let tied = paramshare::burn::TiedLinear::<NdArray>::from_layer(&layer, true, &device);
//! let y = tied.forward(x); // x: [batch, N], y: [batch, M]
//! ```
use crate::layer::{bias_parameters, Layer, Tying};
use burn::module::{Module, Param};
use burn::tensor::backend::Backend;
use burn::tensor::{Distribution, Int, Tensor, TensorData};

/// `y = W x + b` with `W[m][n] = weights[tying[m][n]]` (0 where `tying` is -1)
/// and `b[m] = bias[bias_tying[m]]`, for a batch of inputs.
#[derive(Module, Debug)]
pub struct TiedLinear<B: Backend> {
    /// The shared weights, `[parameters]`.
    pub weights: Param<Tensor<B, 1>>,
    /// The tied bias, `[bias parameters]` (one per output orbit), if any.
    pub bias: Option<Param<Tensor<B, 1>>>,
    /// `[M * N]`: the weight each entry of W gathers (0 for `-1` entries, which the mask zeroes).
    index: Tensor<B, 1, Int>,
    /// `[M, N]`: 1 on an edge, 0 where the tying matrix has `-1`.
    mask: Tensor<B, 2>,
    /// `[M]`: the bias each output adds.
    bias_index: Tensor<B, 1, Int>,
    rows: usize,
    cols: usize,
}

impl<B: Backend> TiedLinear<B> {
    /// The layer of a designed layer, with its tied bias when `bias` is true.
    /// Weights start uniform in `±1/sqrt(k)` (k: the most edges of a row), the
    /// bias at 0; seed the backend (`B::seed`) for a reproducible start.
    pub fn from_layer(layer: &Layer, bias: bool, device: &B::Device) -> TiedLinear<B> {
        TiedLinear::from_tying(&layer.tying, bias.then_some(&layer.bias_tying[..]), device)
    }

    /// The layer of a tying matrix and an optional bias tying (one index per output).
    ///
    /// # Panics
    /// If `bias_tying` does not have one entry per row of `tying`.
    pub fn from_tying(
        tying: &Tying,
        bias_tying: Option<&[u32]>,
        device: &B::Device,
    ) -> TiedLinear<B> {
        let (rows, cols) = (tying.rows, tying.cols);
        let parameters = tying.parameters();
        let index: Vec<i64> = tying.data.iter().map(|&p| p.max(0) as i64).collect();
        let mask: Vec<f32> = tying
            .data
            .iter()
            .map(|&p| if p >= 0 { 1.0 } else { 0.0 })
            .collect();
        let fan_in = (0..rows)
            .map(|m| (0..cols).filter(|&n| tying.get(m, n) >= 0).count())
            .max()
            .unwrap_or(0)
            .max(1);
        let k = 1.0 / (fan_in as f64).sqrt();
        // A pattern without edges still gathers (weight 0 under a zero mask).
        let weights =
            Tensor::<B, 1>::random([parameters.max(1)], Distribution::Uniform(-k, k), device);
        if let Some(b) = bias_tying {
            assert_eq!(b.len(), rows, "bias_tying needs one entry per output");
        }
        let bias = bias_tying
            .map(|b| Param::from_tensor(Tensor::zeros([bias_parameters(b).max(1)], device)));
        let bias_index: Vec<i64> = match bias_tying {
            Some(b) => b.iter().map(|&i| i as i64).collect(),
            None => vec![0; rows],
        };
        TiedLinear {
            weights: Param::from_tensor(weights),
            bias,
            index: Tensor::from_data(TensorData::new(index, [rows * cols]), device),
            mask: Tensor::from_data(TensorData::new(mask, [rows, cols]), device),
            bias_index: Tensor::from_data(TensorData::new(bias_index, [rows]), device),
            rows,
            cols,
        }
    }

    /// N, the width of an input row.
    pub fn input_size(&self) -> usize {
        self.cols
    }

    /// M, the width of an output row.
    pub fn output_size(&self) -> usize {
        self.rows
    }

    /// W, `[M, N]`: the shared weights gathered through the tying matrix, 0 off the pattern.
    pub fn weight_matrix(&self) -> Tensor<B, 2> {
        let gathered = self.weights.val().select(0, self.index.clone());
        gathered.reshape([self.rows, self.cols]) * self.mask.clone()
    }

    /// The bias of every output, `[M]` (zeros without a bias).
    pub fn output_bias(&self) -> Tensor<B, 1> {
        match &self.bias {
            Some(b) => b.val().select(0, self.bias_index.clone()),
            None => Tensor::zeros([self.rows], &self.mask.device()),
        }
    }

    /// `Y = X W^T + b` for `x` of shape `[batch, N]`; the result is `[batch, M]`.
    ///
    /// # Panics
    /// If `x`'s second dimension is not N.
    pub fn forward(&self, x: Tensor<B, 2>) -> Tensor<B, 2> {
        let [_, n] = x.dims();
        assert_eq!(
            n, self.cols,
            "TiedLinear: input rows have {n} entries, expected {}",
            self.cols
        );
        let y = x.matmul(self.weight_matrix().transpose());
        match &self.bias {
            Some(_) => y + self.output_bias().unsqueeze_dim(0),
            None => y,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::backend::NdArray;

    /// The burn module and the plain-vector [`crate::tied::TiedLinear`] compute the same layer.
    #[test]
    fn forward_matches_the_plain_tied_linear() {
        // 2 outputs, 3 inputs, one entry without an edge, outputs in two bias orbits
        let tying = Tying {
            rows: 2,
            cols: 3,
            data: vec![0, 1, -1, 2, 0, 1],
        };
        let device = Default::default();
        let layer = TiedLinear::<NdArray>::from_tying(&tying, Some(&[1, 0]), &device);
        let layer = TiedLinear {
            bias: layer.bias.map(|b| {
                b.map(|_| Tensor::from_data(TensorData::new(vec![0.5f32, -2.0], [2]), &device))
            }),
            ..layer
        };
        let weights: Vec<f32> = layer.weights.val().into_data().to_vec().unwrap();
        let mut plain = crate::tied::TiedLinear::<f32>::from_tying(&tying)
            .with_bias(&[1, 0])
            .unwrap();
        plain.set_weights(&weights).unwrap();
        plain.bias_mut().copy_from_slice(&[0.5, -2.0]);
        let x = vec![1.0f32, -2.0, 3.0, 0.5, 0.25, -1.0];
        let want = plain.forward_batch(&x, 2).unwrap();
        let got: Vec<f32> = layer
            .forward(Tensor::from_data(TensorData::new(x, [2, 3]), &device))
            .into_data()
            .to_vec()
            .unwrap();
        assert_eq!(got.len(), 4);
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-5, "{got:?} vs {want:?}");
        }
        let w: Vec<f32> = layer.weight_matrix().into_data().to_vec().unwrap();
        assert_eq!(w[2], 0.0, "the -1 entry is masked");
        assert_eq!(w[0], w[4], "tied entries share a weight");
    }
}
