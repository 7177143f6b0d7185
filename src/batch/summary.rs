//! Summary rows of a batch and their Markdown, CSV and JSON renderings.
//!
//! Rows are sorted by instance key and then by the order of the methods
//! asked for, so a summary depends only on the results, not on which
//! worker finished first. The only columns that vary between identical runs
//! are the last two, `seconds` and `reused`.

use super::BatchJob;
use crate::design::Method;
use crate::instance::Instance;
use crate::layer::{write_atomically, Layer, Named};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How a job ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RowStatus {
    /// A layer was designed or reused.
    Ok,
    /// The instance was bad or the design failed; the message says why.
    Error,
    /// The batch was stopped before this job finished.
    Interrupted,
}

impl RowStatus {
    /// The name written in summaries.
    pub fn name(self) -> &'static str {
        match self {
            RowStatus::Ok => "ok",
            RowStatus::Error => "error",
            RowStatus::Interrupted => "interrupted",
        }
    }
}

/// One (instance, method) result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    /// The instance's key (file name without `.json`).
    pub instance: String,
    /// The instance file as given.
    pub file: String,
    /// N, M and |G<N,M>| (absent when the instance could not be read).
    pub input_size: Option<usize>,
    pub output_size: Option<usize>,
    pub group_order: Option<String>,
    /// The job's method (a name kept as written when a result file's name gives another).
    pub method: Named<Method>,
    pub parameters: Option<usize>,
    pub edges: Option<u64>,
    /// Inputs no output reads and outputs that read no input (`--cover` makes both 0).
    pub unread_inputs: Option<u64>,
    pub dead_outputs: Option<u64>,
    pub exact: Option<bool>,
    pub optimal: Option<bool>,
    pub automorphism_order: Option<String>,
    pub closure_order: Option<String>,
    pub status: RowStatus,
    /// Why the job failed; empty for `ok`.
    pub error: String,
    /// The layer's `notes` (why it is not exact, whether a search was stopped early).
    pub notes: Vec<String>,
    /// Design time in seconds; absent when the layer was reused.
    pub seconds: Option<f64>,
    /// Whether an earlier run's layer file was kept.
    pub reused: bool,
}

impl SummaryRow {
    /// The row of a designed (`seconds` given) or reused layer.
    pub fn from_layer(
        job: &BatchJob,
        instance: &Instance,
        layer: &Layer,
        seconds: Option<f64>,
    ) -> SummaryRow {
        let mut row = SummaryRow {
            instance: job.key.clone(),
            file: job.path.display().to_string(),
            method: job.method.into(),
            seconds,
            reused: seconds.is_none(),
            ..SummaryRow::empty()
        };
        row.fill_from_layer(layer);
        row.input_size = Some(instance.input_size);
        row.output_size = Some(instance.output_size);
        row
    }

    /// An `ok` row with every field empty.
    pub(super) fn empty() -> SummaryRow {
        SummaryRow {
            instance: String::new(),
            file: String::new(),
            input_size: None,
            output_size: None,
            group_order: None,
            method: Named::Other(String::new()),
            parameters: None,
            edges: None,
            unread_inputs: None,
            dead_outputs: None,
            exact: None,
            optimal: None,
            automorphism_order: None,
            closure_order: None,
            status: RowStatus::Ok,
            error: String::new(),
            notes: Vec::new(),
            seconds: None,
            reused: false,
        }
    }

    /// This row with only its identity kept: instance, file, method, time and reuse flag.
    pub(super) fn cleared(&self) -> SummaryRow {
        SummaryRow {
            instance: self.instance.clone(),
            file: self.file.clone(),
            method: self.method.clone(),
            seconds: self.seconds,
            reused: self.reused,
            ..SummaryRow::empty()
        }
    }

    /// Sets every field a layer file holds (sizes, orders, counts, verdicts,
    /// notes) from `layer`, and the status to `ok`.
    pub(super) fn fill_from_layer(&mut self, layer: &Layer) {
        self.input_size = Some(layer.input_size);
        self.output_size = Some(layer.output_size);
        self.group_order = Some(layer.group_order.clone());
        self.parameters = Some(layer.parameters);
        self.edges = Some(layer.edges);
        self.unread_inputs = Some(layer.tying.unread_inputs());
        self.dead_outputs = Some(layer.tying.dead_outputs());
        self.exact = layer.exact;
        self.optimal = layer.optimal;
        self.automorphism_order = layer.automorphism_order.clone();
        self.closure_order = layer.closure_order.clone();
        self.status = RowStatus::Ok;
        self.error = String::new();
        self.notes = layer
            .extra
            .get("notes")
            .and_then(|v| v.as_array())
            .map(|notes| {
                notes
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
    }

    /// The row of a job that ended with `status` for `reason`.
    pub fn failed(job: &BatchJob, status: RowStatus, reason: &str) -> SummaryRow {
        SummaryRow {
            instance: job.key.clone(),
            file: job.path.display().to_string(),
            method: job.method.into(),
            status,
            error: reason.to_string(),
            ..SummaryRow::empty()
        }
    }
}

impl SummaryRow {
    /// N, M, |G|, method, parameters, edges, unread inputs and dead outputs
    /// as text (empty where absent): the columns every rendering shares, in this order.
    fn shared_cells(&self) -> [String; 8] {
        [
            opt(&self.input_size),
            opt(&self.output_size),
            opt(&self.group_order),
            self.method.to_string(),
            opt(&self.parameters),
            opt(&self.edges),
            opt(&self.unread_inputs),
            opt(&self.dead_outputs),
        ]
    }
}

/// Sorts rows by instance key, then by the position of their method in
/// `methods` (methods not listed follow, as dense, sparse, optimal), then by
/// instance file, so two files with the same name in different input
/// directories keep their places from run to run.
pub fn sort_rows(rows: &mut [SummaryRow], methods: &[&str]) {
    let rank = |m: &Named<Method>| {
        methods
            .iter()
            .position(|x| *x == m.as_str())
            .unwrap_or_else(|| {
                methods.len()
                    + Method::ALL
                        .iter()
                        .position(|x| *m == *x)
                        .unwrap_or(Method::ALL.len())
            })
    };
    rows.sort_by(|a, b| {
        (
            a.instance.as_str(),
            rank(&a.method),
            a.method.as_str(),
            a.file.as_str(),
        )
            .cmp(&(
                b.instance.as_str(),
                rank(&b.method),
                b.method.as_str(),
                b.file.as_str(),
            ))
    });
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or(String::new(), |x| x.to_string())
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// The time column: seconds with millisecond precision, or `reused`.
fn time_text(row: &SummaryRow) -> String {
    match (row.seconds, row.reused) {
        (Some(s), _) => format!("{s:.3}"),
        (None, true) => "reused".into(),
        (None, false) => String::new(),
    }
}

/// The summary as a Markdown table.
pub fn markdown_summary(rows: &[SummaryRow]) -> String {
    let mut out = String::from(
        "| instance | N | M | \\|G\\| | method | parameters | edges | unread | dead | exact | optimal | \\|Aut\\| | status | seconds |\n\
         |---|---:|---:|---:|---|---:|---:|---:|---:|---|---|---:|---|---:|\n",
    );
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for r in rows {
        let status = match r.status {
            super::RowStatus::Ok => "ok".to_string(),
            other => format!("{}: {}", other.name(), r.error),
        };
        let mut cells = vec![cell(&r.instance)];
        cells.extend(r.shared_cells());
        cells.extend([
            yes_no(r.exact).to_string(),
            yes_no(r.optimal).to_string(),
            opt(&r.automorphism_order),
            cell(&status),
            time_text(r),
        ]);
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    let noted: Vec<&SummaryRow> = rows.iter().filter(|r| !r.notes.is_empty()).collect();
    if !noted.is_empty() {
        out.push_str("\nNotes:\n\n");
        for r in noted {
            for note in &r.notes {
                out.push_str(&format!("- {} ({}): {}\n", r.instance, r.method, note));
            }
        }
    }
    out
}

/// `this / dense` as a ratio with three significant digits, or empty.
fn ratio(this: Option<f64>, dense: Option<f64>) -> String {
    match (this, dense) {
        (Some(t), Some(d)) if d > 0.0 => {
            let r = t / d;
            if r >= 0.995 {
                format!("{r:.2}")
            } else {
                format!("{r:.3} (1/{:.1})", 1.0 / r)
            }
        }
        _ => String::new(),
    }
}

/// A plain-text table for the terminal: one line per `ok` row (others are
/// left out), with the parameters and edges of each method as a ratio of
/// the dense design's (`0.250 (1/4.0)` means four times fewer).
pub fn comparison_table(rows: &[SummaryRow]) -> String {
    let header = [
        "instance",
        "N",
        "M",
        "|G|",
        "method",
        "params",
        "edges",
        "unread",
        "dead",
        "params/dense",
        "edges/dense",
        "exact",
        "optimal",
        "|Aut|",
        "seconds",
    ];
    let mut table: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    // rows that failed are reported by `failure_lines`
    for r in rows.iter().filter(|r| r.status == RowStatus::Ok) {
        let dense = rows.iter().find(|d| {
            d.instance == r.instance && d.method == Method::Dense && d.status == RowStatus::Ok
        });
        let mut line = vec![r.instance.clone()];
        line.extend(r.shared_cells());
        // A terminal table: orders of more than 15 digits shortened (files keep every digit).
        line[3] = crate::terminal::short_order(&line[3]);
        line.extend([
            ratio(
                r.parameters.map(|p| p as f64),
                dense.and_then(|d| d.parameters.map(|p| p as f64)),
            ),
            ratio(
                r.edges.map(|e| e as f64),
                dense.and_then(|d| d.edges.map(|e| e as f64)),
            ),
            yes_no(r.exact).to_string(),
            yes_no(r.optimal).to_string(),
            crate::terminal::short_order(&opt(&r.automorphism_order)),
            time_text(r),
        ]);
        table.push(line);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            table
                .iter()
                .map(|row| row[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let numeric = |c: usize| matches!(c, 1 | 2 | 3 | 5 | 6 | 7 | 8 | 13 | 14);
    let mut out = String::new();
    for (i, row) in table.iter().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| {
                if numeric(c) && i > 0 {
                    format!("{cell:>w$}", w = widths[c])
                } else {
                    format!("{cell:<w$}", w = widths[c])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// One line per instance and distinct message among the rows that are not
/// `ok`, naming the methods it applies to: `KEY (dense, sparse): message`. A
/// file that cannot be read fails every method alike and is reported once.
/// Lines follow the rows' order.
pub fn failure_lines(rows: &[SummaryRow]) -> Vec<String> {
    let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    for r in rows.iter().filter(|r| r.status != RowStatus::Ok) {
        match groups
            .iter_mut()
            .find(|(key, error, _)| *key == r.instance && *error == r.error)
        {
            Some((_, _, methods)) => methods.push(r.method.as_str()),
            None => groups.push((&r.instance, &r.error, vec![r.method.as_str()])),
        }
    }
    groups
        .into_iter()
        .map(|(key, error, methods)| format!("{key} ({}): {error}", methods.join(", ")))
        .collect()
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The summary as CSV (RFC 4180 quoting), `seconds` and `reused` last.
pub fn csv_summary(rows: &[SummaryRow]) -> String {
    let mut out = String::from(
        "instance,file,input_size,output_size,group_order,method,parameters,edges,unread_inputs,dead_outputs,exact,optimal,automorphism_order,closure_order,status,error,notes,seconds,reused\n",
    );
    for r in rows {
        let mut fields = vec![r.instance.clone(), r.file.clone()];
        fields.extend(r.shared_cells());
        fields.extend([
            opt(&r.exact),
            opt(&r.optimal),
            opt(&r.automorphism_order),
            opt(&r.closure_order),
            r.status.name().to_string(),
            r.error.clone(),
            r.notes.join(" | "),
            r.seconds.map_or(String::new(), |s| format!("{s:.6}")),
            r.reused.to_string(),
        ]);
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out
}

/// The summary as JSON: `{"format": "paramshare-batch/1", "rows": [...]}`.
pub fn json_summary(rows: &[SummaryRow]) -> String {
    let value = serde_json::json!({
        "format": "paramshare-batch/1",
        "rows": rows,
    });
    // SummaryRow holds only strings, numbers, booleans and nulls
    let mut text = serde_json::to_string_pretty(&value).expect("rows serialise");
    text.push('\n');
    text
}

/// Writes `summary.md`, `summary.csv` and `summary.json` to `dir`, each atomically.
pub fn write_summaries(dir: &Path, rows: &[SummaryRow]) -> std::io::Result<()> {
    for (name, text) in [
        ("summary.md", markdown_summary(rows)),
        ("summary.csv", csv_summary(rows)),
        ("summary.json", json_summary(rows)),
    ] {
        write_atomically(&dir.join(name), |w| w.write_all(text.as_bytes()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn job(key: &str) -> BatchJob {
        BatchJob {
            key: key.into(),
            path: PathBuf::from(format!("{key}.json")),
            method: Method::Dense,
            problem: None,
        }
    }

    #[test]
    fn csv_quotes_commas_and_quotes() {
        let row = SummaryRow::failed(&job("a"), RowStatus::Error, "bad \"x\", really");
        let csv = csv_summary(&[row]);
        assert!(csv.contains("\"bad \"\"x\"\", really\""), "{csv}");
    }

    #[test]
    fn rows_sort_by_instance_then_method_order() {
        let mut rows = vec![
            SummaryRow::failed(&job("b"), RowStatus::Error, ""),
            SummaryRow::failed(&job("a"), RowStatus::Error, ""),
        ];
        sort_rows(&mut rows, &["dense"]);
        assert_eq!(rows[0].instance, "a");
        let md = markdown_summary(&rows);
        assert_eq!(md.lines().count(), 4);
    }

    #[test]
    fn failures_are_reported_once_per_instance_and_message() {
        let row = |key: &str, method: &str, error: &str| {
            let mut r = SummaryRow::failed(&job(key), RowStatus::Error, error);
            r.method = Named::from_name(method);
            r
        };
        let rows = vec![
            row("bad", "dense", "bad.json: (top level): not an object"),
            row("bad", "sparse", "bad.json: (top level): not an object"),
            row("big", "dense", "too large"),
            row("big", "optimal", "stopped"),
            row("bad", "optimal", "bad.json: (top level): not an object"),
        ];
        assert_eq!(
            failure_lines(&rows),
            [
                "bad (dense, sparse, optimal): bad.json: (top level): not an object",
                "big (dense): too large",
                "big (optimal): stopped",
            ]
        );
        let mut ok = row("fine", "dense", "");
        ok.status = RowStatus::Ok;
        assert!(failure_lines(&[ok]).is_empty());
    }
}
