//! `paramshare render`: draw a layer's tying matrix as an SVG or PNG picture.

use super::output::{read_layer, Failure};
use clap::Args;
use paramshare::render::{render_layer, RenderError};
use std::path::PathBuf;

/// Draw a layer's tying matrix: one coloured cell per edge, one colour per
/// shared parameter, blank where there is no edge. Rows are the outputs
/// y0, y1, ...; columns the inputs x0, x1, ...; parameter numbers are
/// printed in the cells when they fit.
///
/// Example:
///   paramshare render cyclic-4.layer.json -o cyclic-4.png
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct RenderArgs {
    /// The layer file (FORMATS.md).
    layer: PathBuf,
    /// The picture to write: FILE.svg or FILE.png (written atomically).
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: RenderArgs) -> Result<i32, Failure> {
    let layer = read_layer(&args.layer)?;
    render_layer(&layer, &args.output).map_err(|e| match e {
        RenderError::UnknownType(_) | RenderError::TooLarge { .. } => {
            Failure::bad_input(e.to_string())
        }
        other => Failure::failed(format!("cannot draw {}: {other}", args.output.display())),
    })?;
    Ok(0)
}
