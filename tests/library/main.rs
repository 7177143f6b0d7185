//! Tests of the library's algorithms (groups, dense designs, searches, the verifier), in one test crate.
//!
//! Run one module with a filter, e.g. `cargo test --test library verify::`.

mod cancellation;
mod dense;
mod groups;
mod search_exhaustive;
mod verify;
