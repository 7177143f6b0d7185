//! The `--format` and `--expand-channels` options of `design`, and writing a layer in the chosen format.

use super::output::{write_output, Failure};
use clap::Args;
use paramshare::export::{
    bias_npy_path, write_bias_npy, write_export, write_file, ChannelExpansion, ExportError,
    ExportFormat,
};
use paramshare::instance::Channels;
use paramshare::layer::Layer;
use std::path::Path;

/// How to write a designed layer.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Output format: json (the FORMATS.md layer), npy (int32 [M, N] tying
    /// matrix; with -o FILE.npy the int32 [M] bias tying goes to FILE.bias.npy),
    /// safetensors (tensors "tying", int32 [M, N], and "bias_tying", int32 [M],
    /// plus metadata),
    /// coo (text triples "output input parameter"), coo-npy (int32 [edges, 3]).
    #[arg(long, default_value = "json")]
    format: ExportFormat,
    /// Copy the pattern once per (output channel, input channel) pair of the
    /// instance, parameters offset per pair (not for json).
    #[arg(long)]
    expand_channels: bool,
}

impl ExportArgs {
    /// Writes `layer` in the chosen format to `path` (atomically) or standard output.
    pub fn write(
        &self,
        layer: &Layer,
        channels: Channels,
        path: Option<&Path>,
    ) -> Result<(), Failure> {
        let path = path.filter(|p| !super::output::is_standard_stream(p));
        let expansion = if self.expand_channels {
            ChannelExpansion::from_channels(channels)
        } else {
            ChannelExpansion::NONE
        };
        // refused whatever the instance's channels: a flag that does nothing
        // on a one-channel instance would still mean the wrong file type
        if self.format == ExportFormat::Json && self.expand_channels {
            return Err(Failure::bad_input(
                "--expand-channels needs --format npy, safetensors, coo or coo-npy",
            ));
        }
        let binary = matches!(
            self.format,
            ExportFormat::Npy | ExportFormat::Safetensors | ExportFormat::CooNpy
        );
        if binary && path.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            return Err(Failure::bad_input(format!(
                "--format {} is binary; refusing to write it to a terminal (use -o FILE or redirect standard output)",
                self.format.name()
            )));
        }
        let mut failure = None;
        let result = write_output(path, |w| {
            write_export(layer, self.format, expansion, w).map_err(|e| match e {
                ExportError::Io(io) => io,
                other => {
                    let message = other.to_string();
                    failure = Some(other);
                    std::io::Error::other(message)
                }
            })
        });
        match failure {
            Some(e @ ExportError::TooLarge { .. }) => {
                return Err(Failure::bad_input(e.to_string()))
            }
            _ => result?,
        }
        if self.format == ExportFormat::Npy {
            // The tied bias goes beside the matrix; standard output holds one array only.
            match path {
                Some(p) => {
                    let bias = bias_npy_path(p);
                    write_file(&bias, |w| write_bias_npy(layer, expansion, w)).map_err(|e| {
                        Failure::failed(format!("cannot write {}: {e}", bias.display()))
                    })?;
                }
                None => eprintln!(
                    "paramshare: note: the bias tying (FILE.bias.npy) is written only with -o FILE.npy"
                ),
            }
        }
        Ok(())
    }
}
