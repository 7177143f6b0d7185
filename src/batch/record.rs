//! Row records and directory summaries: a batch's summaries are built from the files in its output directory.
//!
//! Every finished job writes `KEY.METHOD.row.json` (its [`SummaryRow`],
//! format `paramshare-batch-row/1`) atomically beside its layer file. The
//! summaries are then built from the directory, not from one process's
//! memory: an `ok` row takes its numbers from the layer file itself (the
//! record only adds the instance file, the design time and whether it was
//! reused), an error row comes from its record, and a layer file without a
//! record (copied in by hand) still gets a row. So two shards writing into
//! one `--out` at once, or `xargs -P2` starting one batch per instance,
//! keep every row, and `paramshare merge` is the same code run over
//! several directories.
//!
//! Several processes may finish at once. Each one rebuilds the summaries
//! until the directory's records and layers did not change while it was
//! building them ([`write_directory_summaries`]): the last process to
//! write a summary saw every record written before it, and any record
//! written after its check would make its writer rebuild later, so the
//! summaries left on disk cover every record.

use super::summary::{sort_rows, RowStatus, SummaryRow};
use super::BatchJob;
use crate::design::Method;
use crate::layer::{write_atomically, Layer, Named};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The format tag of a row record.
pub const ROW_FORMAT: &str = "paramshare-batch-row/1";
/// A row record's file name suffix, after the result stem.
pub const ROW_SUFFIX: &str = ".row.json";
/// A layer file's name suffix, after the result stem.
pub const LAYER_SUFFIX: &str = ".layer.json";
/// The files a batch writes beside its layers and records; `merge` copies
/// each one that exists.
pub const RESULT_SUFFIXES: [&str; 7] = [
    LAYER_SUFFIX,
    ROW_SUFFIX,
    ".npy",
    ".bias.npy",
    ".safetensors",
    ".coo.txt",
    ".coo.npy",
];

/// The stem of `job`'s record: `KEY.METHOD`, or for a job refused because
/// another file has its key, `KEY.METHOD.dup-HASH` (a hash of its path), so
/// the refusal never overwrites the other file's result.
pub fn record_stem(job: &BatchJob) -> String {
    let stem = super::result_stem(&job.key, job.method);
    if job.problem.is_some() {
        let path = job.path.display().to_string();
        format!(
            "{stem}.dup-{:08x}",
            super::shard::job_hash(&path, "") as u32
        )
    } else {
        stem
    }
}

/// Writes `row` as `job`'s record in `dir`, atomically.
pub fn write_record(dir: &Path, job: &BatchJob, row: &SummaryRow) -> std::io::Result<()> {
    let path = dir.join(format!("{}{ROW_SUFFIX}", record_stem(job)));
    let value = serde_json::json!({"format": ROW_FORMAT, "row": row});
    write_atomically(&path, |w| {
        // a SummaryRow holds only strings, numbers, booleans and nulls
        serde_json::to_writer_pretty(&mut *w, &value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// Whether `job`'s record in `dir` exists and says `ok`.
pub fn record_says_ok(dir: &Path, job: &BatchJob) -> bool {
    let path = dir.join(format!("{}{ROW_SUFFIX}", record_stem(job)));
    read_record(&path).is_some_and(|row| row.status == RowStatus::Ok)
}

/// Reads a record; `None` for a file that is not one (garbage is ignored:
/// the layer beside it, if any, still gets a row).
fn read_record(path: &Path) -> Option<SummaryRow> {
    let text = crate::instance::read_input_text(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    if value.get("format")?.as_str()? != ROW_FORMAT {
        return None;
    }
    serde_json::from_value(value.get("row")?.clone()).ok()
}

/// `name` without `suffix`, when it ends so and something is left.
fn stem_of<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    name.strip_suffix(suffix).filter(|s| !s.is_empty())
}

/// The names of the records and layer files in `dir`, sorted.
fn result_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if stem_of(&name, ROW_SUFFIX).is_some() || stem_of(&name, LAYER_SUFFIX).is_some() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// What identifies the directory's results at one moment: each record's
/// and layer's name, length and modification time.
pub fn listing_stamp(
    dir: &Path,
) -> std::io::Result<Vec<(String, u64, Option<std::time::SystemTime>)>> {
    let mut stamp = Vec::new();
    for name in result_names(dir)? {
        if let Ok(meta) = std::fs::metadata(dir.join(&name)) {
            stamp.push((name, meta.len(), meta.modified().ok()));
        }
    }
    Ok(stamp)
}

/// A row for the layer file `stem.layer.json` of `dir`, keeping the
/// record's instance file, time and reuse flag when there is a record; an
/// error row when the layer file is missing or unreadable.
fn row_from_layer(dir: &Path, stem: &str, record: Option<SummaryRow>) -> SummaryRow {
    let path = dir.join(format!("{stem}{LAYER_SUFFIX}"));
    let (key, method) = stem.rsplit_once('.').unwrap_or((stem, ""));
    let mut row = record.unwrap_or_else(|| SummaryRow {
        instance: key.to_string(),
        method: Named::from_name(method),
        ..SummaryRow::empty()
    });
    match Layer::read(&path) {
        Ok(layer) => row.fill_from_layer(&layer),
        Err(e) => {
            row = SummaryRow {
                status: RowStatus::Error,
                error: format!("the record says ok, but {}: {e}", path.display()),
                ..row.cleared()
            }
        }
    }
    row
}

/// Every row of the results in `dir`: one per record (an `ok` record's
/// numbers read from its layer file) and one per layer file without a
/// record, unsorted.
pub fn directory_rows(dir: &Path) -> std::io::Result<Vec<SummaryRow>> {
    let names = result_names(dir)?;
    let mut records: BTreeMap<String, SummaryRow> = BTreeMap::new();
    for name in &names {
        if let Some(stem) = stem_of(name, ROW_SUFFIX) {
            if let Some(row) = read_record(&dir.join(name)) {
                records.insert(stem.to_string(), row);
            }
        }
    }
    let mut rows = Vec::new();
    let mut with_layer = std::collections::BTreeSet::new();
    for name in &names {
        if let Some(stem) = stem_of(name, LAYER_SUFFIX) {
            with_layer.insert(stem.to_string());
            match records.remove(stem) {
                // an error record beside an older run's layer: the record is newer
                Some(record) if record.status != RowStatus::Ok => rows.push(record),
                record => rows.push(row_from_layer(dir, stem, record)),
            }
        }
    }
    for (stem, record) in records {
        if record.status == RowStatus::Ok && !with_layer.contains(&stem) {
            rows.push(row_from_layer(dir, &stem, Some(record)));
        } else {
            rows.push(record);
        }
    }
    Ok(rows)
}

/// Builds the summaries of `dir` from its files, adds `pending` rows (this
/// process's interrupted jobs) for jobs that have no row there, sorts them
/// (`methods` first in that order), and hands them to `write`; repeats
/// while the directory's results changed meanwhile (see the module
/// documentation). Returns the rows last written.
pub fn write_directory_summaries(
    dir: &Path,
    pending: &[SummaryRow],
    methods: &[&str],
    mut write: impl FnMut(&[SummaryRow]) -> std::io::Result<()>,
) -> std::io::Result<Vec<SummaryRow>> {
    // a bound that is never reached in practice: each round is caused by
    // another process finishing a job, and each process has finitely many
    let mut rounds = 0;
    loop {
        let before = listing_stamp(dir)?;
        let mut rows = directory_rows(dir)?;
        let present: std::collections::HashSet<(String, Named<Method>)> = rows
            .iter()
            .map(|r| (r.instance.clone(), r.method.clone()))
            .collect();
        rows.extend(
            pending
                .iter()
                .filter(|r| !present.contains(&(r.instance.clone(), r.method.clone())))
                .cloned(),
        );
        sort_rows(&mut rows, methods);
        write(&rows)?;
        rounds += 1;
        if listing_stamp(dir)? == before || rounds >= 1000 {
            return Ok(rows);
        }
    }
}

/// What [`merge_directories`] did.
#[derive(Debug, Default)]
pub struct MergeReport {
    /// Result files copied into the output directory.
    pub copied: usize,
    /// Results found in more than one input, with the input kept: `(stem, kept dir, other dir)`.
    pub conflicts: Vec<(String, PathBuf, PathBuf)>,
}

/// Copies the results (records, layers and their exports) of every
/// directory in `inputs` into `out`. A result present in several inputs is
/// taken from the first one that holds it as `ok` (else the first one), and
/// reported as a conflict when the kept and the other layer files differ.
pub fn merge_directories(inputs: &[PathBuf], out: &Path) -> std::io::Result<MergeReport> {
    // stem -> (input index, ok?)
    let mut chosen: BTreeMap<String, (usize, bool)> = BTreeMap::new();
    let mut report = MergeReport::default();
    for (i, dir) in inputs.iter().enumerate() {
        for name in result_names(dir)? {
            let Some(stem) = stem_of(&name, ROW_SUFFIX).or_else(|| stem_of(&name, LAYER_SUFFIX))
            else {
                continue;
            };
            let ok = match read_record(&dir.join(format!("{stem}{ROW_SUFFIX}"))) {
                Some(record) => record.status == RowStatus::Ok,
                None => dir.join(format!("{stem}{LAYER_SUFFIX}")).exists(),
            };
            match chosen.get(stem) {
                Some(&(j, _)) if j == i => {}
                Some(&(j, kept_ok)) => {
                    if ok && !kept_ok {
                        chosen.insert(stem.to_string(), (i, ok));
                    } else if ok && kept_ok && differs(&inputs[j], dir, stem) {
                        report
                            .conflicts
                            .push((stem.to_string(), inputs[j].clone(), dir.clone()));
                    }
                }
                None => {
                    chosen.insert(stem.to_string(), (i, ok));
                }
            }
        }
    }
    std::fs::create_dir_all(out)?;
    for (stem, (i, _)) in &chosen {
        let from = &inputs[*i];
        if same_dir(from, out) {
            continue;
        }
        for suffix in RESULT_SUFFIXES {
            let source = from.join(format!("{stem}{suffix}"));
            let target = out.join(format!("{stem}{suffix}"));
            if source.is_file() {
                write_atomically(&target, |w| {
                    std::io::copy(&mut std::fs::File::open(&source)?, w).map(|_| ())
                })?;
                report.copied += 1;
            } else if target.exists() && suffix != ROW_SUFFIX && suffix != LAYER_SUFFIX {
                // an export the kept result does not have would belong to another run
                std::fs::remove_file(&target)?;
            }
        }
    }
    Ok(report)
}

/// Whether the layer files of `stem` in `a` and `b` differ.
fn differs(a: &Path, b: &Path, stem: &str) -> bool {
    let read = |d: &Path| std::fs::read(d.join(format!("{stem}{LAYER_SUFFIX}"))).ok();
    read(a) != read(b)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
