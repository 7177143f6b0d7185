//! `paramshare render`: draw a layer's tying matrix as an SVG or PNG picture.

use super::output::{is_standard_stream, read_layer, write_output, Failure};
use clap::Args;
use paramshare::render::{layer_svg, render_layer, RenderError};
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
    /// The layer file (FORMATS.md), or - for standard input.
    layer: PathBuf,
    /// The picture to write: FILE.svg or FILE.png (written atomically), or
    /// `-` for SVG on standard output.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: RenderArgs) -> Result<i32, Failure> {
    let layer = read_layer(&args.layer)?;
    if is_standard_stream(&args.output) {
        let svg = layer_svg(&layer).map_err(|e| Failure::bad_input(e.to_string()))?;
        write_output(None, |w| w.write_all(svg.as_bytes()))?;
        return Ok(0);
    }
    render_layer(&layer, &args.output).map_err(|e| match e {
        RenderError::UnknownType(_) | RenderError::TooLarge { .. } => {
            Failure::bad_input(e.to_string())
        }
        other => Failure::failed(format!("cannot draw {}: {other}", args.output.display())),
    })?;
    Ok(0)
}
