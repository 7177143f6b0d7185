//! Tests that run the `paramshare` binary, one module per concern, in one test crate.
//!
//! One crate instead of one per file: each test crate links the library and
//! its dependencies again, and that linking dominated a cold
//! `scripts/test.sh`. Run one module with a filter, e.g.
//! `cargo test --test cli malformed::`.

#[path = "../support/oracles.rs"]
mod oracles;

mod batch;
mod batch_cluster;
mod cli_conventions;
mod cli_instance;
mod crash_safety;
mod determinism;
mod doc_examples;
mod exit_codes;
mod export;
mod limits;
mod malformed;
mod probe_defects;
mod report_cli;
mod search_cli;
mod trainable_layers;
mod verify_cli;
