//! `paramshare design`: build a layer (tying pattern) for an instance.

use super::output::{read_instance, write_output, Failure};
use clap::{Args, ValueEnum};
use paramshare::design::{dense_tying, estimated_bytes};
use paramshare::layer::Layer;
use std::path::PathBuf;

/// Design the tying pattern of a layer y = W x equivariant to the instance's group.
///
/// Methods:
///   dense    one shared weight per G-orbit of (input, output) pairs; the
///            most expressive G-equivariant layer.
///
/// The result is a FORMATS.md layer file: `tying[m][n]` is the parameter on
/// the edge from input n to output m, or -1 for no edge.
///
/// Example:
///   paramshare design instances/cyclic-4.json --method dense -o cyclic-4.layer.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct DesignArgs {
    /// The instance file (FORMATS.md).
    instance: PathBuf,
    /// Which design to build.
    #[arg(long, value_enum, default_value_t = Method::Dense)]
    method: Method,
    /// Where to write the layer (written atomically); standard output if absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Method {
    Dense,
}

/// Refuse layers whose working memory would exceed this many bytes.
const MEMORY_LIMIT: u128 = 16 << 30;

pub fn run(args: DesignArgs) -> Result<i32, Failure> {
    let inst = read_instance(&args.instance)?;
    let need = estimated_bytes(inst.input_size, inst.output_size);
    if need > MEMORY_LIMIT || inst.input_size as u128 * inst.output_size as u128 >= i32::MAX as u128
    {
        return Err(Failure::bad_input(format!(
            "{}: a {} x {} layer needs about {:.1} GiB for its tying matrix; use a smaller instance",
            args.instance.display(),
            inst.output_size,
            inst.input_size,
            need as f64 / (1u64 << 30) as f64
        )));
    }
    let action = inst.action();
    let tying = match args.method {
        Method::Dense => dense_tying(&action),
    };
    let layer = Layer {
        instance: inst.name.clone(),
        method: "dense".into(),
        objective: None,
        input_size: inst.input_size,
        output_size: inst.output_size,
        generators: inst.generators.clone(),
        group_order: action.order().to_string(),
        parameters: tying.parameters(),
        edges: tying.edges(),
        tying,
        automorphism_order: None,
        closure_order: None,
        exact: None,
        optimal: None,
        extra: Default::default(),
    };
    write_output(args.output.as_deref(), |w| layer.write_json(w))?;
    Ok(0)
}
