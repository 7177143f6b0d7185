//! Command-line parsing and dispatch; each subcommand lives in its own module.
mod batch;
mod compare;
mod conventions;
mod design;
mod export_args;
mod info;
mod instance;
mod merge;
mod optimality;
mod output;
mod render;
mod verify;

use clap::{Parser, Subcommand};

/// Design weight-sharing patterns for linear layers y = W x that must be
/// equivariant to a permutation group G acting on the inputs and outputs.
///
/// An instance file (see FORMATS.md) lists generator pairs: how each
/// generator of G permutes the inputs and the outputs. paramshare computes
/// the group, its orbits on input-output pairs, and designs the tying
/// pattern of W.
///
/// Exit status: 0 success; 1 a layer that is not exact (verify); 2 bad
/// input (the message names the field and index); 3 an I/O or internal
/// error; 4 some batch rows are errors (batch --fail-on-error only);
/// 130 interrupted.
#[derive(Parser, Debug)]
#[command(name = "paramshare", version, verbatim_doc_comment)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    Info(info::InfoArgs),
    Design(design::DesignArgs),
    Batch(batch::BatchArgs),
    Merge(merge::MergeArgs),
    Compare(compare::CompareArgs),
    Render(render::RenderArgs),
    Instance(instance::InstanceArgs),
    Verify(verify::VerifyArgs),
    Completions(conventions::CompletionsArgs),
    Man(conventions::ManArgs),
}

/// Parses the command line, runs it, and returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // a usage error: if standard error itself fails there is nowhere to say so
            let _ = e.print();
            return 2;
        }
        // --help and --version: clap's own printing ignores write errors,
        // so `--help > /dev/full` would report success; write it like any
        // other output (status 3 with a message, quiet on a broken pipe)
        Err(e) => return report(print_help_text(&e)),
    };
    let result = match cli.command {
        Command::Info(args) => info::run(args),
        Command::Design(args) => design::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Compare(args) => compare::run(args),
        Command::Render(args) => render::run(args),
        Command::Instance(args) => instance::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Completions(args) => conventions::completions(args),
        Command::Man(args) => conventions::man(args),
    };
    report(result)
}

/// The exit status of `result`, after printing a failure's message.
fn report(result: Result<i32, output::Failure>) -> i32 {
    match result {
        Ok(code) => code,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("paramshare: {}", output::escape_controls(&failure.message));
            }
            failure.code
        }
    }
}

/// Writes clap's `--help` or `--version` text to standard output (styled
/// only on a terminal, as clap does); status 0.
fn print_help_text(e: &clap::Error) -> Result<i32, output::Failure> {
    use std::io::IsTerminal;
    let rendered = e.render();
    let text = if std::io::stdout().is_terminal() {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    output::write_stdout(format_args!("{text}"))?;
    Ok(0)
}
