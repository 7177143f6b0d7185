//! `paramshare completions` and `paramshare man`: shell completion scripts and manual pages from the clap definitions.

use super::output::{write_output, Failure};
use super::Cli;
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::path::PathBuf;

/// Print a shell completion script.
///
/// Examples:
///   paramshare completions bash > ~/.local/share/bash-completion/completions/paramshare
///   paramshare completions zsh > ~/.zfunc/_paramshare
///   paramshare completions fish > ~/.config/fish/completions/paramshare.fish
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

/// Print the manual page (roff), or write one page per command to a directory.
///
/// Examples:
///   paramshare man | man -l -
///   paramshare man --dir /usr/local/share/man/man1
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct ManArgs {
    /// Write paramshare.1 and paramshare-COMMAND.1 for every command into this directory.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<i32, Failure> {
    let mut command = Cli::command();
    // clap_complete panics when its writer fails (`completions bash | head`
    // closes the pipe), so the script is made in memory and written here,
    // where a broken pipe ends quietly and a full disk is status 3.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "paramshare", &mut script);
    write_output(None, |w| w.write_all(&script))?;
    Ok(0)
}

pub fn man(args: ManArgs) -> Result<i32, Failure> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            clap_mangen::generate_to(command, &dir)
                .map_err(|e| Failure::failed(format!("cannot write {}: {e}", dir.display())))?;
        }
        None => write_output(None, |w| clap_mangen::Man::new(command).render(w))?,
    }
    Ok(0)
}
