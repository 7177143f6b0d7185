//! paramshare: parameter-sharing patterns for linear layers equivariant to a permutation group.
//!
//! Data flows one way: [`instance`] -> [`group`] / [`action`] (orbits) ->
//! [`design`] (checked by [`verify`]) -> [`layer`] (export).
//!
//! Features: `cli` (default) builds the `paramshare` command line, with
//! progress bars, completions and the manual page; `render` (part of `cli`)
//! adds `render`, pictures of a tying matrix. With `default-features =
//! false` the library needs neither. `cbc` and `highs` swap the pure-Rust
//! ILP solver for COIN-OR CBC or HiGHS.
pub mod action;
pub mod background;
pub mod batch;
pub mod budget;
#[cfg(feature = "burn")]
pub mod burn;
pub mod design;
pub mod export;
pub mod group;
mod hash;
pub mod instance;
pub mod layer;
mod pages;
pub mod perm;
#[cfg(feature = "render")]
pub mod render;
pub mod solve;
pub mod terminal;
pub mod tied;
pub mod tying;
pub mod verify;
