//! `paramshare merge`: one set of batch summaries from the results of several output directories.

use super::output::Failure;
use clap::Args;
use paramshare::batch::{merge_directories, parse_methods};
use std::path::PathBuf;

/// Combine the results of several batch output directories (shards run on
/// different machines, say) into one directory with one set of summaries.
///
/// Every result (KEY.METHOD.layer.json, its row record KEY.METHOD.row.json
/// and its exports) is copied into OUT, and summary.md, summary.csv,
/// summary.json and plot.svg are built from OUT's files exactly as `batch`
/// builds them, so they equal a single run's apart from the timing columns
/// (seconds, reused). A result found in several directories is taken from
/// the first that has it without error; two different layer files for one
/// result are reported. OUT may be one of the DIRs.
///
/// Exit status: 0 merged; 2 a DIR is missing or holds no results; 3 OUT
/// could not be written.
///
/// Example (three shards, then one summary):
///   for i in 0 1 2; do paramshare batch instances/ --shard $i/3 --out part$i; done
///   paramshare merge part0 part1 part2 --out results
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct MergeArgs {
    /// Batch output directories.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Where the merged results and summaries go (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Method order of the summary rows (default dense, sparse, optimal).
    #[arg(long, default_value = "dense,sparse,optimal")]
    methods: String,
}

pub fn run(args: MergeArgs) -> Result<i32, Failure> {
    let methods =
        parse_methods(&args.methods).map_err(|e| Failure::bad_input(format!("--methods: {e}")))?;
    for dir in &args.dirs {
        if !dir.is_dir() {
            return Err(Failure::bad_input(format!(
                "{}: not a directory (give batch output directories)",
                dir.display()
            )));
        }
        let results = paramshare::batch::directory_rows(dir)
            .map_err(|e| Failure::bad_input(format!("cannot read {}: {e}", dir.display())))?;
        if results.is_empty() {
            return Err(Failure::bad_input(format!(
                "{}: no batch results (no *.layer.json or *.row.json files)",
                dir.display()
            )));
        }
    }
    let report = merge_directories(&args.dirs, &args.out)
        .map_err(|e| Failure::failed(format!("cannot merge into {}: {e}", args.out.display())))?;
    for (stem, kept, other) in &report.conflicts {
        eprintln!(
            "paramshare: note: {stem} differs between {} (kept) and {}",
            kept.display(),
            other.display()
        );
    }
    let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
    let rows = super::batch::write_reports(&args.out, &[], &names)?;
    eprintln!(
        "merged {} directories: {rows} rows, {} files copied; summaries in {}",
        args.dirs.len(),
        report.copied,
        args.out.display()
    );
    Ok(0)
}
