//! Permutation groups: stabiliser chains (Schreier-Sims), orders, membership, orbits.
mod chain;
#[cfg(any(test, feature = "internal-testing"))]
pub mod named;
mod orbits;
mod proved;

pub use chain::StabilizerChain;
pub use orbits::{orbits, OrbitPartition};
pub use proved::proved_order;
