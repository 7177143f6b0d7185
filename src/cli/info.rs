//! `paramshare info`: sizes, group order, orbits, freeness and a verdict for an instance.

use super::output::{outln, read_instance, Failure};
use clap::Args;
use paramshare::terminal::{short_order, shorten_cycles};
use std::path::PathBuf;

/// Describe an instance's group: order, orbits, freeness, and whether an exact pattern can exist.
///
/// Orders of more than 15 digits are shortened (2.63e200); --json keeps
/// every digit.
///
/// Examples:
///   paramshare info instances/cyclic-4.json
///   paramshare info instances/cyclic-4.json --json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct InfoArgs {
    /// The instance file (FORMATS.md), or - for standard input.
    instance: PathBuf,
    /// Print the report as one JSON object (every digit of the order kept).
    #[arg(long)]
    json: bool,
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
    let n = inst.input_size;
    let describe = |g: &paramshare::perm::Perm| {
        let inputs = g.restrict(0..n).map(|p| p.to_string()).unwrap_or_default();
        let outputs = g
            .restrict(n..n + inst.output_size)
            .map(|p| p.to_string())
            .unwrap_or_default();
        format!(
            "inputs {}, outputs {}",
            shorten_cycles(&inputs),
            shorten_cycles(&outputs)
        )
    };
    let (exact_impossible, verdict) = if let Some(g) = trivial_in.first() {
        (
            Some(true),
            format!(
                "no exact pattern exists: an element fixes every input and moves outputs ({})",
                describe(g)
            ),
        )
    } else if let Some(g) = trivial_out.first() {
        (
            Some(true),
            format!(
                "no exact pattern exists: an element fixes every output and moves inputs ({})",
                describe(g)
            ),
        )
    } else {
        (None, "G acts faithfully on both sides; whether an exact pattern exists is decided by the dense design's automorphism group (paramshare design --method dense)".to_string())
    };
    if args.json {
        let report = serde_json::json!({
            "instance": inst.name,
            "description": inst.description,
            "input_size": inst.input_size,
            "output_size": inst.output_size,
            "generator_count": inst.generators.len(),
            "group_order": order.to_string(),
            "input_orbits": action.input_orbits().len(),
            "output_orbits": action.output_orbits().len(),
            "edge_orbits": edge_orbits.as_ref().ok().map(|o| o.count()),
            "edge_orbits_not_computed": edge_orbits.as_ref().err().map(|e| e.to_string()),
            "free_on_inputs": free_in,
            "free_on_outputs": free_out,
            "exact_impossible": exact_impossible,
            "verdict": verdict,
        });
        outln!("{report:#}");
        return Ok(0);
    }
    outln!("instance:        {}", inst.name);
    if !inst.description.is_empty() {
        outln!("description:     {}", inst.description);
    }
    outln!("inputs N:        {}", inst.input_size);
    outln!("outputs M:       {}", inst.output_size);
    outln!("generators:      {}", inst.generators.len());
    outln!("group order:     {}", short_order(&order.to_string()));
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
    outln!("verdict:         {verdict}");
    Ok(0)
}
