//! `paramshare info`: sizes, group order, orbits, freeness and a verdict for an instance.

use super::output::{outln, read_instance, Failure};
use clap::Args;
use std::path::PathBuf;

/// Describe an instance's group: order, orbits, freeness, and whether an exact pattern can exist.
///
/// Example:
///   paramshare info instances/cyclic-4.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InfoArgs {
    /// The instance file (FORMATS.md).
    instance: PathBuf,
}

pub fn run(args: InfoArgs) -> Result<i32, Failure> {
    let inst = read_instance(&args.instance)?;
    let action = inst.action();
    let order = action.order();
    // The edge orbits need a label per matrix entry: count them only when
    // the design itself would fit (the rest of `info` is cheap).
    let edge_orbits = paramshare::design::check_size(inst.input_size, inst.output_size)
        .map(|()| action.edge_orbits());
    let free_in = action.is_free_on_inputs();
    let free_out = action.is_free_on_outputs();
    let trivial_in = action.trivial_on_inputs();
    let trivial_out = action.trivial_on_outputs();
    outln!("instance:        {}", inst.name);
    if !inst.description.is_empty() {
        outln!("description:     {}", inst.description);
    }
    outln!("inputs N:        {}", inst.input_size);
    outln!("outputs M:       {}", inst.output_size);
    outln!("generators:      {}", inst.generators.len());
    outln!("group order:     {order}");
    outln!("orbits on N:     {}", action.input_orbits().len());
    outln!("orbits on M:     {}", action.output_orbits().len());
    match &edge_orbits {
        Ok(orbits) => outln!(
            "orbits on N x M: {} (dense design parameters)",
            orbits.count()
        ),
        Err(too_large) => outln!("orbits on N x M: not computed: {too_large}"),
    }
    outln!("free on N:       {}", if free_in { "yes" } else { "no" });
    outln!("free on M:       {}", if free_out { "yes" } else { "no" });
    let n = inst.input_size;
    let describe = |g: &paramshare::perm::Perm| {
        let inputs = g.restrict(0..n).map(|p| p.to_string()).unwrap_or_default();
        let outputs = g
            .restrict(n..n + inst.output_size)
            .map(|p| p.to_string())
            .unwrap_or_default();
        format!("inputs {inputs}, outputs {outputs}")
    };
    if let Some(g) = trivial_in.first() {
        outln!("verdict:         no exact pattern exists: an element fixes every input and moves outputs ({})", describe(g));
    } else if let Some(g) = trivial_out.first() {
        outln!("verdict:         no exact pattern exists: an element fixes every output and moves inputs ({})", describe(g));
    } else {
        outln!("verdict:         G acts faithfully on both sides; whether an exact pattern exists is decided by the dense design's automorphism group (paramshare design --method dense)");
    }
    Ok(0)
}
