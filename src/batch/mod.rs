//! Batch design: many instances and methods in parallel, resumable, one summary row per result.
//!
//! Each job is one (instance file, method) pair. A job whose layer file is
//! already in the output directory, valid and made from the same instance is
//! reused rather than redesigned (unless `force`). Every job ends as a
//! [`SummaryRow`]: a bad instance, a design error or a panic becomes an
//! error row and never stops the batch. Files are written atomically under
//! the [`BatchControl`] write gate, so an interrupted run (Ctrl-C) keeps
//! every finished result and leaves no half-written file.
#[cfg(feature = "render")]
mod plot;
mod record;
mod shard;
mod summary;

pub use record::{
    directory_rows, merge_directories, write_directory_summaries, write_record, MergeReport,
    LAYER_SUFFIX, ROW_FORMAT, ROW_SUFFIX,
};
pub use shard::{job_hash, Shard};

#[cfg(feature = "render")]
pub use plot::write_plot;
pub use summary::{
    comparison_table, csv_summary, failure_lines, json_summary, markdown_summary, sort_rows,
    write_summaries, RowStatus, SummaryRow,
};

use crate::design::{design_layer, DesignOptions, Method, Objective};
use crate::export::{export_to_file, ChannelExpansion, ExportFormat};
use crate::instance::Instance;
use crate::layer::{write_atomically, Layer, Named};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Parses a comma-separated list of methods, keeping the order given and dropping repeats.
pub fn parse_methods(list: &str) -> Result<Vec<Method>, String> {
    let mut methods = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let m: Method = name.parse()?;
        if !methods.contains(&m) {
            methods.push(m);
        }
    }
    if methods.is_empty() {
        return Err("no method given".into());
    }
    Ok(methods)
}

/// One unit of work: design `method` for the instance in `path`.
#[derive(Clone, Debug)]
pub struct BatchJob {
    /// The instance's key: its file name without `.json`, unique in the batch.
    pub key: String,
    pub path: PathBuf,
    pub method: Method,
    /// Why the job cannot run before it starts (e.g. a duplicate key).
    pub problem: Option<String>,
}

/// What a batch writes and how.
#[derive(Clone, Debug)]
pub struct BatchConfig {
    pub out_dir: PathBuf,
    pub methods: Vec<Method>,
    /// Redesign even where a valid layer file exists.
    pub force: bool,
    /// Files written per result besides the JSON layer (which is always written).
    pub formats: Vec<ExportFormat>,
    /// Expand each instance's channels in the exports.
    pub expand_channels: bool,
    /// Worker threads (0: rayon's default, one per core).
    pub threads: usize,
    /// How each layer is designed.
    pub design: DesignSettings,
}

/// The design options every job of a batch shares.
#[derive(Clone, Debug, Default)]
pub struct DesignSettings {
    /// What the optimal design minimises.
    pub objective: Objective,
    /// Each search stops after this long with the best pattern found (`optimal: false`).
    pub time_limit: Option<Duration>,
    /// `--memory-limit` in bytes, for the whole process (default: the machine's limits).
    pub memory_limit: Option<u64>,
    /// Optimal designs read every input and feed every output (`--cover`).
    pub cover: bool,
}

impl DesignSettings {
    /// The design options of one job.
    pub fn options(&self, method: Method) -> DesignOptions {
        let mut options = DesignOptions::new(method);
        options.objective = self.objective;
        options.time_limit = self.time_limit;
        if let Some(bytes) = self.memory_limit {
            options.memory = crate::budget::MemoryBudget::with_limit(bytes);
        }
        options.cover = self.cover;
        options
    }
}

/// Cancellation and the write gate shared by the workers and whoever interrupts them.
///
/// Workers write files only while holding the gate for reading; an
/// interrupter that takes it for writing waits for writes in flight and then
/// knows no further file will be started.
///
/// The cancellation flag is also every running design's interrupt flag
/// ([`DesignOptions::interrupt`]), so a cancel stops the searches in flight
/// at their next check, not only the jobs not yet started.
#[derive(Debug, Default)]
pub struct BatchControl {
    cancelled: Arc<AtomicBool>,
    gate: RwLock<()>,
}

impl BatchControl {
    /// Asks workers to start no further job.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`cancel`](Self::cancel) was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// Cancels and blocks every later file write; returns once writes in
    /// flight are done. The returned guard keeps writes blocked while held.
    pub fn stop_writes(&self) -> std::sync::RwLockWriteGuard<'_, ()> {
        self.cancel();
        // a worker that panicked while writing leaves its file unrenamed; the gate itself is still usable
        self.gate.write().unwrap_or_else(|e| e.into_inner())
    }

    fn write_guard(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        // as in stop_writes, poisoning does not make the gate unusable
        self.gate.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// Told what the workers do, for progress displays.
pub trait BatchProgress: Sync {
    /// Worker `worker` starts `job`.
    fn started(&self, worker: usize, job: &BatchJob);
    /// Worker `worker` finished a job with `row`.
    fn finished(&self, worker: usize, row: &SummaryRow);
}

/// A progress observer that ignores everything.
pub struct NoProgress;

impl BatchProgress for NoProgress {
    fn started(&self, _: usize, _: &BatchJob) {}
    fn finished(&self, _: usize, _: &SummaryRow) {}
}

/// The instance files of a batch: every `*.json` file directly in each
/// directory given, and every file given by name, sorted by path.
pub fn collect_instance_files(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    Ok(collect_inputs(inputs)?.files)
}

/// The inputs of a batch, and what was left out of directories and why.
#[derive(Debug, Default)]
pub struct InputFiles {
    /// The instance files, sorted by path within each directory, in input order.
    pub files: Vec<PathBuf>,
    /// Entries named `*.json` that are not regular files (dangling links,
    /// directories, FIFOs), with the reason.
    pub not_files: Vec<(PathBuf, &'static str)>,
    /// Files that are paramshare's own results (layers, row records,
    /// summaries): a batch whose `--out` is one of its input directories
    /// must not read them as instances.
    pub results: Vec<PathBuf>,
}

/// Lists the inputs like [`collect_instance_files`], keeping what was skipped.
pub fn collect_inputs(inputs: &[PathBuf]) -> std::io::Result<InputFiles> {
    let mut listed = InputFiles::default();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            for entry in std::fs::read_dir(input)? {
                let path = entry?.path();
                if path.extension().is_none_or(|e| e != "json") {
                    continue;
                }
                match not_a_file(&path) {
                    Some(reason) => listed.not_files.push((path, reason)),
                    None if is_result_file(&path) => listed.results.push(path),
                    None => found.push(path),
                }
            }
            found.sort();
            listed.files.extend(found);
        } else {
            listed.files.push(input.clone());
        }
    }
    listed.files.dedup();
    listed.not_files.sort();
    listed.results.sort();
    Ok(listed)
}

/// Why `path` is not a regular file (without opening it: a FIFO would block).
fn not_a_file(path: &Path) -> Option<&'static str> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Some(if std::fs::symlink_metadata(path).is_ok() {
            "a symbolic link to nothing"
        } else {
            "unreadable"
        });
    };
    if meta.is_file() {
        return None;
    }
    if meta.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if meta.file_type().is_fifo() {
            return Some("a FIFO (named pipe)");
        }
    }
    Some("not a regular file")
}

/// Whether `path` is a layer, row record or summary that paramshare wrote:
/// by its name (`*.layer.json`, `*.row.json`, `summary.json`) or, for a
/// renamed one, by the format tag at its start.
fn is_result_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    if name.ends_with(LAYER_SUFFIX) || name.ends_with(ROW_SUFFIX) || name == "summary.json" {
        return true;
    }
    let mut head = [0u8; 512];
    let read = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    [crate::layer::LAYER_FORMAT, ROW_FORMAT, "paramshare-batch/1"]
        .iter()
        .any(|tag| head.contains(&format!("\"format\": \"{tag}\"")))
}

/// The key of an instance file: its name without the `.json` extension.
pub fn instance_key(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    name.strip_suffix(".json").unwrap_or(&name).to_string()
}

/// One job per file and method, in (key, method order) order; a file whose
/// key another file already has gets jobs that fail with that reason.
pub fn plan_jobs(files: &[PathBuf], methods: &[Method]) -> Vec<BatchJob> {
    let mut first_path: BTreeMap<String, &PathBuf> = BTreeMap::new();
    let mut jobs = Vec::new();
    for path in files {
        let key = instance_key(path);
        let problem = match first_path.get(&key) {
            Some(other) if *other != path => Some(format!(
                "{} has the same name as {}; results would overwrite each other",
                path.display(),
                other.display()
            )),
            _ => {
                first_path.insert(key.clone(), path);
                None
            }
        };
        for &method in methods {
            jobs.push(BatchJob {
                key: key.clone(),
                path: path.clone(),
                method,
                problem: problem.clone(),
            });
        }
    }
    jobs
}

/// The file stem of a result: `KEY.METHOD`.
pub fn result_stem(key: &str, method: Method) -> String {
    format!("{key}.{}", method.name())
}

/// Where the result of `job` in `format` is written.
pub fn result_path(out_dir: &Path, job: &BatchJob, format: ExportFormat) -> PathBuf {
    out_dir.join(format!(
        "{}{}",
        result_stem(&job.key, job.method),
        format.suffix()
    ))
}

/// Removes temporary files (`.paramshare-<pid>-*.tmp`) that killed runs left
/// in `dir`; returns how many. Temporaries of processes still running (a
/// second batch or a `design -o` writing into the same directory) are kept:
/// see [`crate::layer::remove_stale_temporaries`].
pub fn remove_stale_temporaries(dir: &Path) -> std::io::Result<usize> {
    Ok(crate::layer::remove_stale_temporaries(dir))
}

/// Runs `jobs`, calling `progress` as they start and end and appending
/// every finished row to `rows`. Jobs not started because of cancellation
/// get no row; [`fill_interrupted`] adds them.
pub fn run_jobs(
    config: &BatchConfig,
    jobs: &[BatchJob],
    control: &BatchControl,
    progress: &dyn BatchProgress,
    rows: &Mutex<Vec<SummaryRow>>,
) -> Result<(), rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()?;
    pool.install(|| {
        jobs.par_iter().with_max_len(1).for_each(|job| {
            if control.is_cancelled() {
                return;
            }
            let worker = rayon::current_thread_index().unwrap_or(0);
            progress.started(worker, job);
            if let Some((mut row, guard)) = run_job(config, job, control) {
                // error rows wrote nothing yet: their record needs the gate too
                let guard = match guard {
                    Some(g) => g,
                    None => {
                        let g = control.write_guard();
                        if control.is_cancelled() {
                            return;
                        }
                        g
                    }
                };
                if let Err(e) = write_record(&config.out_dir, job, &row) {
                    row = SummaryRow::failed(
                        job,
                        RowStatus::Error,
                        &format!(
                            "cannot write its row record in {}: {e}",
                            config.out_dir.display()
                        ),
                    );
                }
                // recorded before the write gate is released, so an
                // interrupter's snapshot has a row for every file written;
                // a poisoned list still holds every row pushed before the panic
                rows.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(row.clone());
                drop(guard);
                progress.finished(worker, &row);
            }
        });
    });
    Ok(())
}

/// Writes a record for each of this process's interrupted rows (`rows`
/// with status interrupted), so that the summaries another process builds
/// from the directory show them and a resume designs them again; a job
/// whose record already says `ok` (another process finished it, or an
/// earlier run did and its layer is still there) keeps that record.
/// Returns the rows whose record could not be written, with the reason.
pub fn write_interrupted_records(
    out_dir: &Path,
    jobs: &[BatchJob],
    rows: &[SummaryRow],
) -> Vec<(SummaryRow, std::io::Error)> {
    let by_key: std::collections::HashMap<(&str, &str), &BatchJob> = jobs
        .iter()
        .map(|j| ((j.key.as_str(), j.method.name()), j))
        .collect();
    let mut failed = Vec::new();
    for row in rows.iter().filter(|r| r.status == RowStatus::Interrupted) {
        let Some(job) = by_key.get(&(row.instance.as_str(), row.method.as_str())) else {
            continue;
        };
        if record::record_says_ok(out_dir, job) {
            continue;
        }
        if let Err(e) = write_record(out_dir, job, row) {
            failed.push((row.clone(), e));
        }
    }
    failed
}

/// Rows for the jobs that have none in `rows` (never started or abandoned).
pub fn fill_interrupted(jobs: &[BatchJob], rows: &mut Vec<SummaryRow>) {
    let done: std::collections::HashSet<(String, &str)> = rows
        .iter()
        .map(|r| (r.instance.clone(), r.method.as_str()))
        .collect();
    let missing: Vec<SummaryRow> = jobs
        .iter()
        .filter(|j| !done.contains(&(j.key.clone(), j.method.name())))
        .map(|j| SummaryRow::failed(j, RowStatus::Interrupted, "interrupted before it finished"))
        .collect();
    rows.extend(missing);
}

/// The write gate held while a finished job's files are written and its row recorded.
type WriteGuard<'a> = Option<std::sync::RwLockReadGuard<'a, ()>>;

/// Designs every job in parallel on `threads` workers (0: one per core)
/// without writing anything; one row per job, in job order.
pub fn design_rows(
    jobs: &[BatchJob],
    settings: &DesignSettings,
    threads: usize,
) -> Result<Vec<SummaryRow>, rayon::ThreadPoolBuildError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    Ok(pool.install(|| {
        jobs.par_iter()
            .with_max_len(1)
            .map(|job| design_row(job, settings))
            .collect()
    }))
}

/// Designs one job without writing anything; an error row if it fails.
pub fn design_row(job: &BatchJob, settings: &DesignSettings) -> SummaryRow {
    guarded_job(
        job,
        || {
            let instance =
                Instance::read(&job.path).map_err(|e| format!("{}: {e}", job.path.display()))?;
            let start = Instant::now();
            let layer = design_layer(&instance, &instance.action(), &settings.options(job.method))
                .map_err(|e| e.to_string())?;
            let seconds = start.elapsed().as_secs_f64();
            Ok(SummaryRow::from_layer(
                job,
                &instance,
                &layer,
                Some(seconds),
            ))
        },
        |row| row,
    )
}

/// Runs `work` for `job`, or hands `failed` its error row: for the job's
/// planning problem (a duplicate key) without running it, the message
/// `work` returns, or a panic's text. A panicking design is a bug, but one
/// bad instance must not stop a batch of thousands.
fn guarded_job<T>(
    job: &BatchJob,
    work: impl FnOnce() -> Result<T, String>,
    failed: impl FnOnce(SummaryRow) -> T,
) -> T {
    let message = |text: &str| failed(SummaryRow::failed(job, RowStatus::Error, text));
    if let Some(problem) = &job.problem {
        return message(problem);
    }
    // a panic leaves nothing `work` shares half-updated that a caller
    // reads afterwards: the row list and the write gate recover from poisoning
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
        Ok(Ok(value)) => value,
        Ok(Err(text)) => message(&text),
        Err(panic) => message(&format!(
            "internal error (panic): {}",
            panic_message(panic.as_ref())
        )),
    }
}

/// The text of a caught panic.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}

/// Runs one job; `None` if the batch was cancelled before its files were
/// written. A job that wrote files returns the write gate still held.
fn run_job<'c>(
    config: &BatchConfig,
    job: &BatchJob,
    control: &'c BatchControl,
) -> Option<(SummaryRow, WriteGuard<'c>)> {
    guarded_job(
        job,
        || run_job_inner(config, job, control),
        |row| Some((row, None)),
    )
}

/// The earlier result for `job` at `path`, if it was made from `instance`
/// with the same method and options and passes [`recheck`]. `Err(None)`:
/// there is no such result (no file, or one made from something else);
/// `Err(Some(reason))`: there is one but it cannot be trusted.
fn reusable_layer(
    path: &Path,
    instance: &Instance,
    job: &BatchJob,
    options: &DesignOptions,
) -> Result<Layer, Option<String>> {
    if !path.exists() {
        return Err(None);
    }
    let layer = Layer::read(path).map_err(|e| Some(format!("it cannot be read ({e})")))?;
    let same_objective = job.method != Method::Optimal
        || (layer.objective == Some(options.objective.into())
            && layer
                .extra
                .get("cover")
                .and_then(|c| c.as_bool())
                .unwrap_or(false)
                == options.cover);
    let same_job = layer.method == job.method
        && same_objective
        && layer.input_size == instance.input_size
        && layer.output_size == instance.output_size
        && layer.generators == instance.generators;
    if !same_job {
        return Err(None);
    }
    recheck(&layer, instance).map_err(Some)?;
    Ok(layer)
}

/// Checks what a resumed batch would otherwise take on trust: the tying is
/// G-invariant, and every field the verifier computes (group order,
/// automorphism and closure orders, exactness), the bias tying, the
/// unread/dead counts and a stated lower bound behind `optimal: true` are
/// what they say. A hand-edited layer (two rows of `tying` swapped, an
/// edited `automorphism_order`) fails here and is designed again.
fn recheck(layer: &Layer, instance: &Instance) -> Result<(), String> {
    let action = instance.action();
    let verdict = crate::verify::verify_layer(&layer.tying, &action).map_err(|e| match e {
        crate::verify::VerifyError::NotAnAutomorphism { index } => {
            format!("its tying is not G-equivariant (generator {index} does not preserve it)")
        }
        other => format!("it cannot be verified ({other})"),
    })?;
    let stated = |v: &Option<String>| v.clone().unwrap_or_else(|| "nothing".into());
    let checks = [
        (
            "group_order",
            layer.group_order.clone(),
            verdict.pattern.group_order.to_string(),
        ),
        (
            "automorphism_order",
            stated(&layer.automorphism_order),
            verdict.pattern.automorphism_order.to_string(),
        ),
        (
            "closure_order",
            stated(&layer.closure_order),
            verdict.closure.automorphism_order.to_string(),
        ),
        (
            "exact",
            stated(&layer.exact.map(|e| e.to_string())),
            verdict.is_exact().to_string(),
        ),
    ];
    for (field, says, computed) in checks {
        if says != computed {
            return Err(format!(
                "its {field} says {says}, but the verifier computed {computed}"
            ));
        }
    }
    if layer.bias_tying != crate::layer::bias_tying_of(layer.output_size, &layer.generators) {
        return Err("its bias_tying is not one parameter per output orbit".into());
    }
    for (field, computed) in [
        ("unread_inputs", layer.tying.unread_inputs()),
        ("dead_outputs", layer.tying.dead_outputs()),
    ] {
        if let Some(says) = layer.extra.get(field) {
            if says.as_u64() != Some(computed) {
                return Err(format!(
                    "its {field} says {says}, but its tying has {computed}"
                ));
            }
        }
    }
    // A sparse layer's bound is on |H|, not on the pattern's cost.
    if layer.optimal == Some(true) && layer.method == Method::Optimal {
        if let Some(bound) = layer.lower_bound {
            let objective = layer.objective.as_ref().and_then(Named::known);
            let cost = objective
                .unwrap_or_default()
                .cost(layer.parameters, layer.edges);
            if bound != cost {
                return Err(format!(
                    "it says optimal, but its lower_bound {bound} is not its cost {cost}"
                ));
            }
        }
    }
    Ok(())
}

/// Adds `note` to the layer's `notes`.
fn add_note(layer: &mut Layer, note: String) {
    let notes = layer
        .extra
        .entry("notes")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let serde_json::Value::Array(list) = notes {
        list.push(note.into());
    } else {
        *notes = serde_json::Value::Array(vec![note.into()]);
    }
}

fn run_job_inner<'c>(
    config: &BatchConfig,
    job: &BatchJob,
    control: &'c BatchControl,
) -> Result<Option<(SummaryRow, WriteGuard<'c>)>, String> {
    let instance = Instance::read(&job.path).map_err(|e| format!("{}: {e}", job.path.display()))?;
    let layer_path = result_path(&config.out_dir, job, ExportFormat::Json);
    let channels = if config.expand_channels {
        ChannelExpansion::from_channels(instance.channels)
    } else {
        ChannelExpansion::NONE
    };
    let mut options = config.design.options(job.method);
    // a cancel (Ctrl-C) stops this design's search too; its result is then not written
    options.interrupt = Some(control.cancelled.clone());
    let earlier = if config.force {
        Err(None)
    } else {
        reusable_layer(&layer_path, &instance, job, &options)
    };
    let (layer, seconds) = match earlier {
        Ok(layer) => (layer, None),
        Err(rejected) => {
            let start = Instant::now();
            let action = instance.action();
            let mut layer =
                design_layer(&instance, &action, &options).map_err(|e| e.to_string())?;
            if let Some(reason) = rejected {
                add_note(
                    &mut layer,
                    format!("the earlier layer file was not reused: {reason}; designed again"),
                );
            }
            (layer, Some(start.elapsed().as_secs_f64()))
        }
    };
    let guard = control.write_guard();
    if control.is_cancelled() {
        return Ok(None);
    }
    if seconds.is_some() {
        write_atomically(&layer_path, |w| layer.write_json(w))
            .map_err(|e| format!("cannot write {}: {e}", layer_path.display()))?;
    }
    for &format in &config.formats {
        if format == ExportFormat::Json {
            continue;
        }
        // written even for a reused layer: an export beside it may be stale
        // (an older design) or garbage, and only the layer was checked
        let path = result_path(&config.out_dir, job, format);
        export_to_file(&layer, format, channels, &path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let row = SummaryRow::from_layer(job, &instance, &layer, seconds);
    Ok(Some((row, Some(guard))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_parse_in_order_without_repeats() {
        assert_eq!(parse_methods("dense, dense").unwrap(), vec![Method::Dense]);
        assert_eq!(
            parse_methods("optimal,sparse").unwrap(),
            vec![Method::Optimal, Method::Sparse]
        );
        assert!(parse_methods("").is_err());
        assert!(parse_methods("dense,bogus").is_err());
    }

    #[test]
    fn guarded_jobs_turn_problems_errors_and_panics_into_error_rows() {
        let job = BatchJob {
            key: "x".into(),
            path: PathBuf::from("x.json"),
            method: Method::Dense,
            problem: None,
        };
        let row = |r: SummaryRow| (r.status, r.error);
        assert_eq!(
            guarded_job(&job, || Ok((RowStatus::Ok, String::new())), row).0,
            RowStatus::Ok
        );
        let (status, error) = guarded_job(&job, || Err("bad".to_string()), row);
        assert_eq!((status, error.as_str()), (RowStatus::Error, "bad"));
        let (status, error) =
            guarded_job(&job, || -> Result<_, String> { panic!("boom {}", 7) }, row);
        assert_eq!(
            (status, error.as_str()),
            (RowStatus::Error, "internal error (panic): boom 7")
        );
        let refused = BatchJob {
            problem: Some("same name".into()),
            ..job
        };
        let ran = std::cell::Cell::new(false);
        let (status, error) = guarded_job(
            &refused,
            || {
                ran.set(true);
                Ok((RowStatus::Ok, String::new()))
            },
            row,
        );
        assert_eq!(
            (status, error.as_str(), ran.get()),
            (RowStatus::Error, "same name", false)
        );
    }

    #[test]
    fn duplicate_keys_become_problems() {
        let files = vec![PathBuf::from("a/x.json"), PathBuf::from("b/x.json")];
        let jobs = plan_jobs(&files, &[Method::Dense]);
        assert!(jobs[0].problem.is_none());
        assert!(jobs[1].problem.as_deref().unwrap().contains("same name"));
    }
}
