//! Comparisons with oracles no one here wrote: nauty's dreadnaut, sympy, numpy and jsonschema.
//!
//! The Python helpers live beside these modules. scripts/test.sh sets
//! PARAMSHARE_REQUIRE_ORACLES=1, under which a missing oracle fails a test
//! instead of skipping it. Run one module with a filter, e.g.
//! `cargo test --test oracle verify_oracle::`.

#[path = "../support/oracles.rs"]
mod oracles;

mod cover_probe;
mod graph_oracle;
mod group_oracle;
mod numpy_example;
mod schemas;
mod verify_oracle;
