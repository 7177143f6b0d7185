//! Designs: dense (one parameter per edge orbit), sparse (the paper's) and optimal (searched).
mod dense;

pub use dense::dense_tying;

/// Bytes of working memory a design of an `input_size` x `output_size`
/// layer needs at least (edge-orbit labels twice and the tying matrix).
pub fn estimated_bytes(input_size: usize, output_size: usize) -> u128 {
    input_size as u128 * output_size as u128 * 12
}
