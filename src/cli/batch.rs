//! `paramshare batch`: design many instances with several methods in parallel, with progress and summaries.

use super::output::Failure;
use clap::Args;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use paramshare::batch::{
    collect_inputs, fill_interrupted, parse_methods, plan_jobs, remove_stale_temporaries, run_jobs,
    write_directory_summaries, write_interrupted_records, write_plot, write_summaries, BatchConfig,
    BatchControl, BatchJob, BatchProgress, DesignSettings, RowStatus, Shard, SummaryRow,
};
use paramshare::design::{Method, Objective};
use paramshare::export::ExportFormat;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Design every instance in DIRs and FILEs with each method, in parallel.
///
/// For each instance file KEY.json and method METHOD it writes
/// OUT/KEY.METHOD.layer.json (the FORMATS.md layer) plus one file per extra
/// --format, and one row in OUT/summary.md, OUT/summary.csv and
/// OUT/summary.json (sorted by instance, then method); OUT/plot.svg shows
/// parameters and edges per instance for each method on a log scale.
///
/// Results already in OUT (a valid layer file made from the same instance)
/// are kept and not redesigned unless --force. A bad instance or a failed
/// design becomes an error row and the batch goes on; an instance with no
/// exact pattern is designed as usual (exact: no, with a note saying why).
/// Ctrl-C (or SIGTERM) stops the running designs' searches, keeps every
/// finished result, records the unfinished jobs as interrupted (a resume
/// designs them again) and writes the summaries (exit status 130).
///
/// Exit status: 0 the batch ran to the end and wrote the summaries (error
/// rows included: each is printed on standard error); 4 the same, with
/// --fail-on-error, when some rows are errors; 2 nothing was run (bad
/// command line, no instance files); 3 an output could not be written;
/// 130 interrupted.
///
/// Example:
///   paramshare batch instances/ --methods dense,sparse,optimal --out results/ --format json,npy
#[derive(Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct BatchArgs {
    /// Instance files, or directories whose *.json files are instances.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Comma-separated design methods, e.g. dense,sparse,optimal.
    #[arg(long, default_value = "dense")]
    methods: String,
    /// Output directory (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Exit with status 4 (instead of 0) when some rows are errors, for
    /// scripts that must notice; the summaries are written either way.
    #[arg(long)]
    fail_on_error: bool,
    /// Redesign results that are already in the output directory.
    #[arg(long)]
    force: bool,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Comma-separated files to write per result: json (always written), npy,
    /// safetensors, coo, coo-npy.
    #[arg(long, value_delimiter = ',', default_value = "json")]
    format: Vec<ExportFormat>,
    /// What the optimal design minimises.
    #[arg(long, value_enum, default_value_t = Objective::Edges)]
    objective: Objective,
    /// Stop each search after this many seconds and keep the best pattern
    /// found (marked optimal: false).
    #[arg(long, value_name = "SECONDS")]
    time_limit: Option<f64>,
    /// Memory the run may use, in bytes with an optional K, M, G or T
    /// suffix (binary: 6G = 6 GiB). Shared by the whole batch: a search that reaches it stops with its
    /// best verified pattern and says so in a note; a layer that cannot fit
    /// at all is an error row, and the batch goes on. Default: the smaller of physical memory, the
    /// cgroup limit and the address-space limit (ulimit -v), less a margin.
    #[arg(long, value_name = "BYTES", value_parser = paramshare::budget::parse_bytes)]
    memory_limit: Option<u64>,
    /// Expand each instance's channels in the npy/safetensors/coo exports.
    #[arg(long)]
    expand_channels: bool,
    /// Optimal designs must read every input and feed every output (see
    /// `design --help`); the summaries count unread inputs and dead outputs.
    #[arg(long)]
    cover: bool,
    /// Run only shard I of N: the jobs (instance, method) whose name hashes
    /// to I mod N, the same split on every machine (0/3 1/3 2/3 and
    /// 1/3 2/3 3/3 both cover every job once). Shards may share one --out;
    /// or give each its own and combine them with `paramshare merge`.
    #[arg(long, value_name = "I/N", value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// No progress bars (they are also hidden when standard error is not a terminal).
    #[arg(long)]
    quiet: bool,
}

/// Progress bars: one for the whole batch, one line per worker.
struct Bars {
    multi: MultiProgress,
    hidden: bool,
    overall: ProgressBar,
    workers: Vec<ProgressBar>,
}

impl Bars {
    fn new(total: usize, threads: usize, quiet: bool) -> Bars {
        let hidden = quiet || !std::io::IsTerminal::is_terminal(&std::io::stderr());
        let multi = MultiProgress::with_draw_target(if hidden {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        });
        let overall = multi.add(ProgressBar::new(total as u64));
        overall.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} results {msg}")
                // the template is a constant checked by the tests
                .expect("valid template")
                .progress_chars("=> "),
        );
        let workers = (0..threads)
            .map(|i| {
                let bar = multi.add(ProgressBar::new_spinner());
                bar.set_style(
                    ProgressStyle::with_template("  {spinner} worker {prefix}: {wide_msg}")
                        // the template is a constant
                        .expect("valid template"),
                );
                bar.set_prefix(i.to_string());
                bar.set_message("idle");
                bar.enable_steady_tick(Duration::from_millis(200));
                bar
            })
            .collect();
        Bars {
            multi,
            hidden,
            overall,
            workers,
        }
    }

    fn finish(&self) {
        for bar in &self.workers {
            bar.finish_and_clear();
        }
        self.overall.finish();
    }
}

impl BatchProgress for Bars {
    fn started(&self, worker: usize, job: &BatchJob) {
        if let Some(bar) = self.workers.get(worker) {
            bar.set_message(format!("{} ({})", job.key, job.method));
        }
    }

    fn finished(&self, worker: usize, row: &SummaryRow) {
        if let Some(bar) = self.workers.get(worker) {
            bar.set_message("idle");
        }
        if row.status != RowStatus::Ok {
            let line = format!(
                "paramshare: {} ({}): {}",
                super::output::escape_controls(&row.instance),
                row.method,
                super::output::escape_controls(&row.error)
            );
            if self.hidden {
                eprintln!("{line}");
            } else {
                self.multi.suspend(|| eprintln!("{line}"));
            }
        }
        self.overall.inc(1);
    }
}

/// Writes the summaries and the plot of `out` from its layer files and row
/// records, with `pending` (this run's interrupted jobs) added; returns how
/// many rows they have.
pub fn write_reports(
    out: &Path,
    pending: &[SummaryRow],
    methods: &[&str],
) -> Result<usize, Failure> {
    let rows = write_directory_summaries(out, pending, methods, |rows| {
        write_summaries(out, rows)?;
        write_plot(&out.join("plot.svg"), rows, methods).map_err(std::io::Error::other)
    })
    .map_err(|e| Failure::failed(format!("cannot write summaries in {}: {e}", out.display())))?;
    Ok(rows.len())
}

/// The design settings from `--objective`, `--time-limit`, `--cover` and `--memory-limit`.
pub fn design_settings(
    objective: Objective,
    time_limit: Option<f64>,
    cover: bool,
    memory_limit: Option<u64>,
) -> DesignSettings {
    DesignSettings {
        objective,
        time_limit: time_limit.map(|s| Duration::from_secs_f64(s.clamp(0.0, 1e9))),
        cover,
        memory_limit,
    }
}

enum Event {
    Done(Result<(), String>),
    Interrupted,
}

/// The methods of `--methods` and one job per instance file and method.
pub fn plan(inputs: &[PathBuf], methods: &str) -> Result<(Vec<Method>, Vec<BatchJob>), Failure> {
    let methods =
        parse_methods(methods).map_err(|e| Failure::bad_input(format!("--methods: {e}")))?;
    // A job's key (and its result files' names) is the instance file's
    // name, which standard input does not have; without this, `-` was
    // looked for as a file named `-`.
    if inputs.iter().any(|p| super::output::is_standard_stream(p)) {
        return Err(Failure::bad_input(
            "-: batch and compare read instance files by name (the name keys the results), not \
             standard input; save the instance to a file first (e.g. paramshare instance cyclic 4 > c4.json)",
        ));
    }
    let listed = collect_inputs(inputs)
        .map_err(|e| Failure::bad_input(format!("cannot list the inputs: {e}")))?;
    for (path, reason) in &listed.not_files {
        eprintln!(
            "paramshare: skipped {}: {reason}, not an instance file",
            super::output::escape_controls(&path.display().to_string())
        );
    }
    if !listed.results.is_empty() {
        eprintln!(
            "paramshare: note: skipped {} files that are paramshare's own results (layers, row records, summaries), not instances",
            listed.results.len()
        );
    }
    let files = listed.files;
    if files.is_empty() {
        return Err(Failure::bad_input("no instance files found"));
    }
    let jobs = plan_jobs(&files, &methods);
    Ok((methods, jobs))
}

pub fn run(args: BatchArgs) -> Result<i32, Failure> {
    let (methods, mut jobs) = plan(&args.inputs, &args.methods)?;
    if let Some(shard) = args.shard {
        jobs.retain(|job| shard.contains(job));
    }
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", args.out.display())))?;
    // a run killed by SIGKILL may leave temporary files; they never hold a finished result
    remove_stale_temporaries(&args.out)
        .map_err(|e| Failure::failed(format!("cannot clean {}: {e}", args.out.display())))?;
    let jobs = Arc::new(jobs);
    let threads = if args.threads == 0 {
        rayon::current_num_threads()
    } else {
        args.threads
    };
    let config = Arc::new(BatchConfig {
        out_dir: args.out.clone(),
        methods: methods.clone(),
        force: args.force,
        formats: args.format.clone(),
        expand_channels: args.expand_channels,
        threads,
        design: design_settings(
            args.objective,
            args.time_limit,
            args.cover,
            args.memory_limit,
        ),
    });
    let control = Arc::new(BatchControl::default());
    let rows = Arc::new(Mutex::new(Vec::new()));
    let bars = Arc::new(Bars::new(jobs.len(), threads, args.quiet));

    let (tx, rx) = mpsc::channel();
    let interrupt_tx = tx.clone();
    // set_handler fails only if a handler is already installed, and this is the only one
    ctrlc::set_handler(move || {
        let _ = interrupt_tx.send(Event::Interrupted);
    })
    .map_err(|e| Failure::failed(format!("cannot install the Ctrl-C handler: {e}")))?;
    {
        let (config, jobs, control, rows, bars) = (
            config.clone(),
            jobs.clone(),
            control.clone(),
            rows.clone(),
            bars.clone(),
        );
        std::thread::spawn(move || {
            let result =
                run_jobs(&config, &jobs, &control, bars.as_ref(), &rows).map_err(|e| e.to_string());
            let _ = tx.send(Event::Done(result));
        });
    }
    let method_names: Vec<&str> = methods.iter().map(|m| m.name()).collect();
    // the sender lives in the worker thread until it reports, so recv sees Done or Interrupted
    let event = rx.recv().expect("the worker thread reports before it ends");
    match event {
        Event::Done(result) => {
            bars.finish();
            result.map_err(|e| Failure::failed(format!("cannot start the workers: {e}")))?;
            let mut rows = std::mem::take(&mut *rows.lock().unwrap_or_else(|e| e.into_inner()));
            fill_interrupted(&jobs, &mut rows);
            record_interrupted(&args.out, &jobs, &rows);
            let pending = interrupted_rows(&rows);
            let total = write_reports(&args.out, &pending, &method_names)?;
            report(&rows, total, &args.out);
            let failed = rows.iter().any(|r| r.status != RowStatus::Ok);
            Ok(if failed && args.fail_on_error {
                super::output::EXIT_SOME_FAILED
            } else {
                0
            })
        }
        Event::Interrupted => {
            // The flag is every running design's interrupt flag: searches
            // stop at their next check, and their workers return without
            // writing. Wait for that (a second Ctrl-C waits no longer), so
            // nothing is still computing while the records are written.
            control.cancel();
            let stopped = matches!(rx.recv_timeout(STOP_GRACE), Ok(Event::Done(_)));
            // hold the gate: no worker starts another file from here on
            let _gate = control.stop_writes();
            bars.finish();
            if !stopped {
                eprintln!(
                    "paramshare: designs still running are abandoned (they did not stop within {} s, or Ctrl-C came again)",
                    STOP_GRACE.as_secs()
                );
            }
            let mut rows = rows.lock().unwrap_or_else(|e| e.into_inner()).clone();
            fill_interrupted(&jobs, &mut rows);
            record_interrupted(&args.out, &jobs, &rows);
            let pending = interrupted_rows(&rows);
            let total = write_reports(&args.out, &pending, &method_names)?;
            eprintln!("interrupted: finished results kept");
            report(&rows, total, &args.out);
            // exit at once rather than wait for designs in flight
            std::process::exit(130);
        }
    }
}

/// How long an interrupted batch waits for its running designs to stop.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// Writes the row records of this run's interrupted jobs (see
/// [`write_interrupted_records`]); a record that cannot be written is
/// reported, and the row still appears in this run's summaries.
fn record_interrupted(out: &Path, jobs: &[BatchJob], rows: &[SummaryRow]) {
    for (row, e) in write_interrupted_records(out, jobs, rows) {
        eprintln!(
            "paramshare: cannot record {} ({}) as interrupted in {}: {e}",
            row.instance,
            row.method,
            out.display()
        );
    }
}

/// The rows of `rows` for jobs that did not finish.
fn interrupted_rows(rows: &[SummaryRow]) -> Vec<SummaryRow> {
    rows.iter()
        .filter(|r| r.status == RowStatus::Interrupted)
        .cloned()
        .collect()
}

/// One line on standard error: counts of this run's designed, reused,
/// failed and interrupted results, and the summaries' row count when other
/// runs' results (another shard's) make it larger.
fn report(rows: &[SummaryRow], summary_rows: usize, out: &Path) {
    let count = |f: &dyn Fn(&SummaryRow) -> bool| rows.iter().filter(|r| f(r)).count();
    eprintln!(
        "{} results: {} designed, {} reused, {} errors, {} interrupted; summaries in {}{}",
        rows.len(),
        count(&|r| r.status == RowStatus::Ok && !r.reused),
        count(&|r| r.status == RowStatus::Ok && r.reused),
        count(&|r| r.status == RowStatus::Error),
        count(&|r| r.status == RowStatus::Interrupted),
        out.display(),
        if summary_rows != rows.len() {
            format!(" ({summary_rows} rows with the results already there)")
        } else {
            String::new()
        }
    );
}
