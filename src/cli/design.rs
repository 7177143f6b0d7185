//! `paramshare design`: build a layer (tying pattern) for an instance.

use super::output::{read_instance, Failure};
use clap::{Args, ValueEnum};
use paramshare::design::{design_layer, DesignError, DesignOptions, Method};
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
    #[arg(long, value_enum, default_value_t = MethodArg::Dense)]
    method: MethodArg,
    /// Where to write the layer (written atomically); standard output if absent.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    export: super::export_args::ExportArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum MethodArg {
    Dense,
}

impl MethodArg {
    fn method(self) -> Method {
        match self {
            MethodArg::Dense => Method::Dense,
        }
    }
}

pub fn run(args: DesignArgs) -> Result<i32, Failure> {
    let inst = read_instance(&args.instance)?;
    let action = inst.action();
    let options = DesignOptions::new(args.method.method());
    let layer = design_layer(&inst, &action, &options).map_err(|e| match e {
        DesignError::TooLarge { .. } => {
            Failure::bad_input(format!("{}: {e}", args.instance.display()))
        }
    })?;
    args.export
        .write(&layer, inst.channels, args.output.as_deref())?;
    Ok(0)
}
