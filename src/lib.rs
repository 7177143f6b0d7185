//! paramshare: parameter-sharing patterns for linear layers equivariant to a permutation group.
//!
//! Data flows one way: [`instance`] -> [`group`] / [`action`] (orbits) ->
//! [`design`] (checked by [`verify`]) -> [`layer`] (export).
pub mod action;
pub mod background;
pub mod batch;
#[cfg(feature = "burn")]
pub mod burn;
pub mod design;
pub mod export;
pub mod group;
pub mod instance;
pub mod layer;
pub mod perm;
pub mod render;
pub mod solve;
pub mod terminal;
pub mod tied;
pub mod verify;
