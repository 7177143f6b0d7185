//! `TiedLinear`: a linear layer y = W x whose entries are shared weights, as a tying matrix says.
//!
//! The layer keeps the tying matrix in compressed sparse rows (one
//! `(input, parameter)` pair per edge) and the shared weights as a vector of
//! length `parameters`. The forward pass, the gradient with respect to the
//! shared weights and the gradient with respect to the input all cost one
//! pass over the edges; [`TiedLinear::to_dense`] expands W when a dense matrix
//! is wanted. Works for `f32` and `f64` (any [`num_traits::Float`]).
//!
//! An optional tied bias makes it `y = W x + b` with `b[m] = bias[bias_tying[m]]`
//! ([`TiedLinear::with_bias`], [`TiedLinear::from_layer_with_bias`]): one bias
//! parameter per G-orbit of the outputs, the most general equivariant bias.
//!
//! ```
//! use paramshare::design::{design_layer, DesignOptions, Method};
//! use paramshare::instance::Instance;
//! use paramshare::tied::TiedLinear;
//!
//! // C4 turning 4 inputs and 4 outputs: the dense layer is a circulant with 4 weights.
//! let instance = Instance::from_json_str(
//!     r#"{"name": "cyclic-4", "input_size": 4, "output_size": 4,
//!         "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]}"#,
//! ).unwrap();
//! let layer = design_layer(&instance, &instance.action(), &DesignOptions::new(Method::Dense)).unwrap();
//! let mut tied = TiedLinear::<f64>::from_layer(&layer);
//! tied.set_weights(&[1.0, 2.0, 3.0, 4.0]).unwrap();
//!
//! let x = [1.0, 0.0, 0.0, 0.0];
//! let y = tied.forward(&x).unwrap();
//! // the first column of W, read through the tying matrix
//! let w = tied.to_dense();
//! assert_eq!(y, vec![w[0], w[4], w[8], w[12]]);
//!
//! // turning the input turns the output
//! let turned = tied.forward(&[0.0, 1.0, 0.0, 0.0]).unwrap();
//! assert_eq!(turned, vec![y[3], y[0], y[1], y[2]]);
//!
//! // gradient of L = sum(y) with respect to the 4 shared weights
//! let grad = tied.grad_weights(&x, &[1.0; 4]).unwrap();
//! assert_eq!(grad, vec![1.0; 4]);
//! ```

use crate::layer::{Layer, Tying};
use num_traits::Float;

/// A slice had the wrong length for the layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} has length {found}, expected {expected}")]
pub struct ShapeError {
    /// Which argument (e.g. `x`, `grad_y`, `weights`).
    pub what: &'static str,
    pub found: usize,
    pub expected: usize,
}

fn check(what: &'static str, found: usize, expected: usize) -> Result<(), ShapeError> {
    if found == expected {
        Ok(())
    } else {
        Err(ShapeError {
            what,
            found,
            expected,
        })
    }
}

/// A linear layer `y = W x` with `W[m][n] = weights[tying[m][n]]` (0 where `tying` is -1).
#[derive(Clone, Debug, PartialEq)]
pub struct TiedLinear<F> {
    rows: usize,
    cols: usize,
    /// Edges of row `m` are `row_start[m]..row_start[m + 1]`.
    row_start: Vec<usize>,
    input: Vec<u32>,
    parameter: Vec<u32>,
    weights: Vec<F>,
    /// Output `m`'s bias is `bias[bias_tying[m]]`; both empty without a bias.
    bias_tying: Vec<u32>,
    bias: Vec<F>,
}

impl<F: Float> TiedLinear<F> {
    /// The layer of a tying matrix, all weights zero.
    pub fn from_tying(tying: &Tying) -> TiedLinear<F> {
        let mut row_start = Vec::with_capacity(tying.rows + 1);
        let mut input = Vec::new();
        let mut parameter = Vec::new();
        row_start.push(0);
        for m in 0..tying.rows {
            for n in 0..tying.cols {
                let p = tying.get(m, n);
                if p >= 0 {
                    input.push(n as u32);
                    parameter.push(p as u32);
                }
            }
            row_start.push(input.len());
        }
        TiedLinear {
            rows: tying.rows,
            cols: tying.cols,
            row_start,
            input,
            parameter,
            weights: vec![F::zero(); tying.parameters()],
            bias_tying: Vec::new(),
            bias: Vec::new(),
        }
    }

    /// The layer of a designed layer's tying matrix, all weights zero, no bias.
    pub fn from_layer(layer: &Layer) -> TiedLinear<F> {
        TiedLinear::from_tying(&layer.tying)
    }

    /// The layer of a designed layer with its tied bias (`layer.bias_tying`), all zero.
    pub fn from_layer_with_bias(layer: &Layer) -> TiedLinear<F> {
        TiedLinear::from_tying(&layer.tying)
            .with_bias(&layer.bias_tying)
            // a Layer's bias tying has one entry per output
            .expect("a layer's bias tying has output_size entries")
    }

    /// This layer with a tied bias: output `m` adds `bias[bias_tying[m]]`,
    /// `bias` zero with one entry per index up to the largest. Fails unless
    /// `bias_tying` has one entry per output.
    pub fn with_bias(mut self, bias_tying: &[u32]) -> Result<TiedLinear<F>, ShapeError> {
        check("bias_tying", bias_tying.len(), self.rows)?;
        self.bias_tying = bias_tying.to_vec();
        self.bias = vec![F::zero(); crate::layer::bias_parameters(bias_tying)];
        Ok(self)
    }

    /// Whether the layer has a bias.
    pub fn has_bias(&self) -> bool {
        !self.bias_tying.is_empty()
    }

    /// The shared bias parameters (empty without a bias).
    pub fn bias(&self) -> &[F] {
        &self.bias
    }

    /// The shared bias parameters, for updating in place.
    pub fn bias_mut(&mut self) -> &mut [F] {
        &mut self.bias
    }

    /// For each output, the index of its bias parameter (empty without a bias).
    pub fn bias_tying(&self) -> &[u32] {
        &self.bias_tying
    }

    /// N, the length of `x`.
    pub fn input_size(&self) -> usize {
        self.cols
    }

    /// M, the length of `y`.
    pub fn output_size(&self) -> usize {
        self.rows
    }

    /// The number of shared weights.
    pub fn parameters(&self) -> usize {
        self.weights.len()
    }

    /// The number of non-zero entries of W.
    pub fn edges(&self) -> usize {
        self.input.len()
    }

    /// The shared weights.
    pub fn weights(&self) -> &[F] {
        &self.weights
    }

    /// The shared weights, for updating in place (e.g. by an optimiser).
    pub fn weights_mut(&mut self) -> &mut [F] {
        &mut self.weights
    }

    /// Replaces the shared weights; fails unless `weights` has one entry per parameter.
    pub fn set_weights(&mut self, weights: &[F]) -> Result<(), ShapeError> {
        check("weights", weights.len(), self.weights.len())?;
        self.weights.copy_from_slice(weights);
        Ok(())
    }

    /// Writes `W x` into `y`; fails unless `x` has N entries and `y` M.
    pub fn forward_into(&self, x: &[F], y: &mut [F]) -> Result<(), ShapeError> {
        check("x", x.len(), self.cols)?;
        check("y", y.len(), self.rows)?;
        for (m, ym) in y.iter_mut().enumerate() {
            let mut acc = F::zero();
            for e in self.row_start[m]..self.row_start[m + 1] {
                acc = acc + self.weights[self.parameter[e] as usize] * x[self.input[e] as usize];
            }
            if let Some(&b) = self.bias_tying.get(m) {
                acc = acc + self.bias[b as usize];
            }
            *ym = acc;
        }
        Ok(())
    }

    /// `y = W x` for one input vector of length N.
    pub fn forward(&self, x: &[F]) -> Result<Vec<F>, ShapeError> {
        let mut y = vec![F::zero(); self.rows];
        self.forward_into(x, &mut y)?;
        Ok(y)
    }

    /// `Y = X W^T` for a batch: `x` is `batch` rows of N (row-major), the result `batch` rows of M.
    pub fn forward_batch(&self, x: &[F], batch: usize) -> Result<Vec<F>, ShapeError> {
        check("x", x.len(), batch * self.cols)?;
        let mut y = vec![F::zero(); batch * self.rows];
        if self.cols == 0 || self.rows == 0 {
            return Ok(y);
        }
        for (xb, yb) in x.chunks_exact(self.cols).zip(y.chunks_exact_mut(self.rows)) {
            self.forward_into(xb, yb)?;
        }
        Ok(y)
    }

    /// The gradient of a loss with respect to the shared weights, given the
    /// input `x` and the loss's gradient `grad_y` with respect to `y = W x`:
    /// entry p is the sum of `grad_y[m] * x[n]` over the edges tied to p.
    pub fn grad_weights(&self, x: &[F], grad_y: &[F]) -> Result<Vec<F>, ShapeError> {
        self.grad_weights_batch(x, grad_y, 1)
    }

    /// [`grad_weights`](Self::grad_weights) summed over a batch (`x`: `batch` x N, `grad_y`: `batch` x M, row-major).
    pub fn grad_weights_batch(
        &self,
        x: &[F],
        grad_y: &[F],
        batch: usize,
    ) -> Result<Vec<F>, ShapeError> {
        check("x", x.len(), batch * self.cols)?;
        check("grad_y", grad_y.len(), batch * self.rows)?;
        let mut grad = vec![F::zero(); self.weights.len()];
        for b in 0..batch {
            let (xb, gb) = (&x[b * self.cols..], &grad_y[b * self.rows..]);
            for (m, &gm) in gb[..self.rows].iter().enumerate() {
                for e in self.row_start[m]..self.row_start[m + 1] {
                    let p = self.parameter[e] as usize;
                    grad[p] = grad[p] + gm * xb[self.input[e] as usize];
                }
            }
        }
        Ok(grad)
    }

    /// The gradient with respect to the bias parameters, summed over a batch
    /// (`grad_y`: `batch` x M): entry b is the sum of `grad_y[m]` over the
    /// outputs tied to b. Empty without a bias.
    pub fn grad_bias_batch(&self, grad_y: &[F], batch: usize) -> Result<Vec<F>, ShapeError> {
        check("grad_y", grad_y.len(), batch * self.rows)?;
        let mut grad = vec![F::zero(); self.bias.len()];
        if !self.has_bias() {
            return Ok(grad);
        }
        for gb in grad_y.chunks_exact(self.rows.max(1)) {
            for (&g, &b) in gb.iter().zip(&self.bias_tying) {
                grad[b as usize] = grad[b as usize] + g;
            }
        }
        Ok(grad)
    }

    /// The gradient with respect to the input: `W^T grad_y`.
    pub fn grad_input(&self, grad_y: &[F]) -> Result<Vec<F>, ShapeError> {
        check("grad_y", grad_y.len(), self.rows)?;
        let mut grad = vec![F::zero(); self.cols];
        for (m, &gm) in grad_y.iter().enumerate() {
            for e in self.row_start[m]..self.row_start[m + 1] {
                let n = self.input[e] as usize;
                grad[n] = grad[n] + self.weights[self.parameter[e] as usize] * gm;
            }
        }
        Ok(grad)
    }

    /// W as a dense row-major M x N matrix (`w[m * N + n]`).
    pub fn to_dense(&self) -> Vec<F> {
        let mut w = vec![F::zero(); self.rows * self.cols];
        for m in 0..self.rows {
            for e in self.row_start[m]..self.row_start[m + 1] {
                w[m * self.cols + self.input[e] as usize] =
                    self.weights[self.parameter[e] as usize];
            }
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tying() -> Tying {
        // 2 outputs, 3 inputs, parameters 0..3, one zero entry
        Tying {
            rows: 2,
            cols: 3,
            data: vec![0, 1, -1, 2, 0, 1],
        }
    }

    #[test]
    fn forward_matches_the_dense_matrix() {
        let mut t = TiedLinear::<f64>::from_tying(&tying());
        t.set_weights(&[1.5, -2.0, 0.25]).unwrap();
        let w = t.to_dense();
        assert_eq!(w, vec![1.5, -2.0, 0.0, 0.25, 1.5, -2.0]);
        let x = [1.0, 2.0, 3.0];
        let y = t.forward(&x).unwrap();
        assert_eq!(y, vec![1.5 - 4.0, 0.25 + 3.0 - 6.0]);
        let batch = t.forward_batch(&[1.0, 2.0, 3.0, 0.0, 1.0, 0.0], 2).unwrap();
        assert_eq!(&batch[..2], &y[..]);
        assert_eq!(&batch[2..], &[-2.0, 1.5]);
    }

    #[test]
    fn gradients_match_finite_differences() {
        let mut t = TiedLinear::<f64>::from_tying(&tying());
        t.set_weights(&[0.3, -0.7, 1.1]).unwrap();
        let x = [0.5, -1.0, 2.0];
        let target = [1.0, -1.0];
        let loss = |t: &TiedLinear<f64>| -> f64 {
            let y = t.forward(&x).unwrap();
            y.iter()
                .zip(target)
                .map(|(a, b)| 0.5 * (a - b) * (a - b))
                .sum()
        };
        let y = t.forward(&x).unwrap();
        let gy: Vec<f64> = y.iter().zip(target).map(|(a, b)| a - b).collect();
        let grad = t.grad_weights(&x, &gy).unwrap();
        for (p, &analytic) in grad.iter().enumerate() {
            let mut bumped = t.clone();
            bumped.weights_mut()[p] += 1e-6;
            let numeric = (loss(&bumped) - loss(&t)) / 1e-6;
            assert!(
                (numeric - analytic).abs() < 1e-4,
                "{p}: {numeric} vs {analytic}"
            );
        }
        // W^T gy against the dense matrix
        let w = t.to_dense();
        let gx = t.grad_input(&gy).unwrap();
        for n in 0..3 {
            let want: f64 = (0..2).map(|m| w[m * 3 + n] * gy[m]).sum();
            assert!((gx[n] - want).abs() < 1e-12);
        }
    }

    #[test]
    fn tied_bias_is_added_per_output_and_its_gradient_sums_the_tied_outputs() {
        let mut t = TiedLinear::<f64>::from_tying(&tying())
            .with_bias(&[1, 0])
            .unwrap();
        t.set_weights(&[1.5, -2.0, 0.25]).unwrap();
        t.bias_mut().copy_from_slice(&[10.0, 20.0]);
        let y = t.forward(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(y, vec![1.5 - 4.0 + 20.0, 0.25 + 3.0 - 6.0 + 10.0]);
        let g = t.grad_bias_batch(&[1.0, 2.0, 3.0, 4.0], 2).unwrap();
        assert_eq!(g, vec![2.0 + 4.0, 1.0 + 3.0]);
        assert!(TiedLinear::<f64>::from_tying(&tying())
            .with_bias(&[0])
            .is_err());
        assert!(TiedLinear::<f64>::from_tying(&tying())
            .grad_bias_batch(&[1.0; 2], 1)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn wrong_lengths_are_errors_and_f32_works() {
        let t = TiedLinear::<f32>::from_tying(&tying());
        assert_eq!(
            t.forward(&[1.0]).unwrap_err(),
            ShapeError {
                what: "x",
                found: 1,
                expected: 3
            }
        );
        assert!(t.grad_weights(&[1.0; 3], &[1.0]).is_err());
        assert!(t.forward_batch(&[1.0; 5], 2).is_err());
        assert_eq!(t.forward(&[1.0; 3]).unwrap(), vec![0.0f32; 2]);
    }
}
