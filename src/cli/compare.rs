//! `paramshare compare`: dense against sparse against optimal for some instances, as a terminal table.

use super::batch::{design_settings, plan};
use super::output::Failure;
use clap::Args;
use paramshare::batch::{comparison_table, design_rows, failure_lines, sort_rows, RowStatus};
use std::path::PathBuf;

/// Design each instance with each method and print one table: sizes,
/// parameters and edges, each as a ratio of the dense design's, how many
/// inputs no output reads (unread) and outputs read nothing (dead), and whether
/// the layer is exact (its automorphism group is G itself) and proved optimal.
/// Nothing is written to disk; use `batch` for files. Instances that cannot
/// be designed are reported on standard error, once per instance and message
/// with the methods it applies to (exit status 2).
///
/// Example:
///   paramshare compare instances/cyclic-4.json instances/deepsets-5.json
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct CompareArgs {
    /// Instance files, or directories whose *.json files are instances.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Comma-separated design methods.
    #[arg(long, default_value = "dense,sparse,optimal")]
    methods: String,
    /// What the optimal design minimises.
    #[arg(long, value_enum, default_value_t = paramshare::design::Objective::Edges)]
    objective: paramshare::design::Objective,
    /// Stop each search after this many seconds and keep the best pattern found.
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Memory the run may use, in bytes with an optional K, M, G or T
    /// suffix (binary: 6G = 6 GiB). Shared by the whole run: a search that reaches it stops with its
    /// best verified pattern and says so in a note; a layer that cannot fit
    /// at all is refused. Default: the smaller of physical memory, the
    /// cgroup limit and the address-space limit (ulimit -v), less a margin.
    #[arg(long, value_name = "BYTES", value_parser = paramshare::budget::parse_bytes)]
    memory_limit: Option<u64>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Optimal designs must read every input and feed every output (see
    /// `design --help`); the unread and dead columns count the rest.
    #[arg(long)]
    cover: bool,
}

pub fn run(args: CompareArgs) -> Result<i32, Failure> {
    let (methods, jobs) = plan(&args.inputs, &args.methods)?;
    let settings = design_settings(
        args.objective,
        args.time_limit,
        args.cover,
        args.memory_limit,
    );
    let mut rows = design_rows(&jobs, &settings, args.threads)
        .map_err(|e| Failure::failed(format!("cannot start the workers: {e}")))?;
    let names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
    sort_rows(&mut rows, &names);
    super::output::write_stdout(format_args!("{}", comparison_table(&rows)))?;
    for line in failure_lines(&rows) {
        eprintln!("paramshare: {}", super::output::escape_controls(&line));
    }
    let failed = rows.iter().any(|r| r.status != RowStatus::Ok);
    Ok(if failed {
        super::output::EXIT_BAD_INPUT
    } else {
        0
    })
}
