//! `paramshare batch`: all rows, resuming, interruption, determinism across thread counts.

use assert_cmd::cargo::CommandCargoExt;
use paramshare::layer::Layer;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn cyclic(n: usize) -> Value {
    let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    json!({"name": format!("cyclic-{n}"), "input_size": n, "output_size": n,
           "generators": [{"input": shift, "output": shift}]})
}

fn symmetric(n: usize) -> Value {
    let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    let mut swap: Vec<usize> = (0..n).collect();
    swap.swap(0, 1);
    json!({"name": format!("deepsets-{n}"), "input_size": n, "output_size": n,
           "generators": [{"input": shift, "output": shift}, {"input": swap, "output": swap}]})
}

/// A directory of small instances plus one that is not a permutation and one that is not JSON.
fn small_instances(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    let mut count = 0;
    for n in [2, 3, 4, 5, 6] {
        std::fs::write(dir.join(format!("cyclic-{n}.json")), cyclic(n).to_string()).unwrap();
        count += 1;
    }
    for n in [3, 4] {
        std::fs::write(
            dir.join(format!("deepsets-{n}.json")),
            symmetric(n).to_string(),
        )
        .unwrap();
        count += 1;
    }
    let bad = json!({"name": "bad", "input_size": 3, "output_size": 3,
                     "generators": [{"input": [0, 0, 1], "output": [0, 1, 2]}]});
    std::fs::write(dir.join("bad.json"), bad.to_string()).unwrap();
    std::fs::write(dir.join("broken.json"), "{not json").unwrap();
    count + 2
}

fn batch(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("paramshare").expect("binary built");
    cmd.arg("batch").args(args).arg("--quiet");
    cmd
}

fn rows(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["rows"].as_array().unwrap().clone()
}

fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    found.sort();
    found
}

#[test]
fn batch_runs_to_the_end_and_a_second_run_reuses_everything() {
    let tmp = tempfile::tempdir().unwrap();
    let (inst, out) = (tmp.path().join("inst"), tmp.path().join("out"));
    let count = small_instances(&inst);
    let status = batch(&[
        inst.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json,npy,safetensors,coo",
        "--fail-on-error",
    ])
    .status()
    .unwrap();
    // ran to the end with two error rows: status 4 when asked, summaries written
    assert_eq!(status.code(), Some(4));
    let first = rows(&out);
    assert_eq!(first.len(), count);
    let errors: Vec<&str> = first
        .iter()
        .filter(|r| r["status"] == "error")
        .map(|r| r["instance"].as_str().unwrap())
        .collect();
    assert_eq!(errors, ["bad", "broken"]);
    assert!(first
        .iter()
        .filter(|r| r["status"] == "ok")
        .all(|r| r["reused"] == false));
    let deepsets = first
        .iter()
        .find(|r| r["instance"] == "deepsets-4")
        .unwrap();
    assert_eq!(deepsets["parameters"], 2);
    assert_eq!(deepsets["group_order"], "24");
    for stem in ["cyclic-4.dense"] {
        for suffix in [".layer.json", ".npy", ".safetensors", ".coo.txt"] {
            assert!(
                out.join(format!("{stem}{suffix}")).is_file(),
                "{stem}{suffix}"
            );
        }
    }
    for name in ["summary.md", "summary.csv", "summary.json", "plot.svg"] {
        assert!(out.join(name).is_file(), "{name}");
    }
    let layer_before = std::fs::read(out.join("cyclic-5.dense.layer.json")).unwrap();

    let status = batch(&[inst.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "error rows alone exit 0 without --fail-on-error"
    );
    let second = rows(&out);
    assert_eq!(second.len(), count);
    for row in second.iter().filter(|r| r["status"] == "ok") {
        assert_eq!(row["reused"], true, "{row}");
    }
    assert_eq!(
        std::fs::read(out.join("cyclic-5.dense.layer.json")).unwrap(),
        layer_before
    );

    // --force designs again
    batch(&[
        inst.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ])
    .status()
    .unwrap();
    assert!(rows(&out)
        .iter()
        .filter(|r| r["status"] == "ok")
        .all(|r| r["reused"] == false));
}

#[test]
fn a_changed_instance_is_designed_again() {
    let tmp = tempfile::tempdir().unwrap();
    let (inst, out) = (tmp.path().join("inst"), tmp.path().join("out"));
    std::fs::create_dir_all(&inst).unwrap();
    std::fs::write(inst.join("g.json"), cyclic(4).to_string()).unwrap();
    batch(&[inst.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    std::fs::write(inst.join("g.json"), symmetric(4).to_string()).unwrap();
    batch(&[inst.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    let r = rows(&out);
    assert_eq!(r[0]["reused"], false);
    assert_eq!(r[0]["parameters"], 2);
}

/// The summaries with the timing columns (`seconds`, `reused`) removed.
fn deterministic_summaries(out: &Path) -> (String, String, Value) {
    let md: Vec<String> = std::fs::read_to_string(out.join("summary.md"))
        .unwrap()
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            cells[..cells.len() - 1].join(" | ")
        })
        .collect();
    let csv: Vec<String> = std::fs::read_to_string(out.join("summary.csv"))
        .unwrap()
        .lines()
        .map(|l| {
            let cells: Vec<&str> = l.rsplitn(3, ',').collect();
            cells[2].to_string()
        })
        .collect();
    let mut json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for row in json["rows"].as_array_mut().unwrap() {
        let row = row.as_object_mut().unwrap();
        row.remove("seconds");
        row.remove("reused");
    }
    (md.join("\n"), csv.join("\n"), json)
}

#[test]
fn summaries_do_not_depend_on_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    small_instances(&inst);
    let mut results = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("out{threads}"));
        let status = batch(&[
            inst.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
        ])
        .status()
        .unwrap();
        assert_eq!(
            status.code(),
            Some(0),
            "two bad instances, no --fail-on-error"
        );
        results.push(deterministic_summaries(&out));
        let layers = files_with_suffix(&out, ".layer.json");
        results.push((
            layers
                .iter()
                .map(|p| std::fs::read_to_string(p).unwrap())
                .collect::<Vec<_>>()
                .join("\n"),
            String::new(),
            Value::Null,
        ));
    }
    assert_eq!(
        results[0], results[2],
        "summaries differ between 1 and 2 threads"
    );
    assert_eq!(
        results[1], results[3],
        "layer files differ between 1 and 2 threads"
    );
}

/// Many instances, so that a signal sent after the first result lands mid-batch.
fn many_instances(dir: &Path) -> usize {
    std::fs::create_dir_all(dir).unwrap();
    let mut count = 0;
    for n in 40..240 {
        std::fs::write(dir.join(format!("c{n:03}.json")), cyclic(n).to_string()).unwrap();
        count += 1;
    }
    count
}

/// Starts a batch, waits for its first result, and sends `signal`; returns the exit status.
fn interrupt_batch(inst: &Path, out: &Path, signal: &str) -> std::process::ExitStatus {
    let mut child = batch(&[
        inst.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ])
    .spawn()
    .unwrap();
    let start = Instant::now();
    while files_with_suffix(out, ".layer.json").is_empty()
        && start.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    eprintln!("batch ended with {status:?}");
    status
}

fn check_no_partial_files(out: &Path) {
    assert!(
        files_with_suffix(out, ".tmp").is_empty(),
        "temporary files left"
    );
    for layer in files_with_suffix(out, ".layer.json") {
        Layer::read(&layer).unwrap_or_else(|e| panic!("{}: {e}", layer.display()));
    }
}

#[test]
fn ctrl_c_keeps_finished_results_and_writes_summaries() {
    let tmp = tempfile::tempdir().unwrap();
    let (inst, out) = (tmp.path().join("inst"), tmp.path().join("out"));
    let count = many_instances(&inst);
    let status = interrupt_batch(&inst, &out, "-INT");
    check_no_partial_files(&out);
    let r = rows(&out);
    assert_eq!(r.len(), count, "every job has a row");
    let ok: Vec<&Value> = r.iter().filter(|r| r["status"] == "ok").collect();
    let interrupted = r.iter().filter(|r| r["status"] == "interrupted").count();
    assert_eq!(ok.len() + interrupted, count);
    if interrupted == 0 {
        eprintln!("note: the batch finished before the signal arrived");
    } else {
        assert_eq!(status.code(), Some(130));
    }
    for row in &ok {
        let path = out.join(format!(
            "{}.dense.layer.json",
            row["instance"].as_str().unwrap()
        ));
        assert!(path.is_file(), "finished result {} lost", path.display());
    }
    // a second run finishes the rest and keeps what was done
    let status = batch(&[inst.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let r2 = rows(&out);
    assert!(r2.iter().all(|r| r["status"] == "ok"));
    assert_eq!(
        r2.iter().filter(|r| r["reused"] == true).count(),
        ok.len(),
        "exactly the finished results are reused"
    );
}

#[test]
fn a_killed_batch_leaves_only_whole_layer_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (inst, out) = (tmp.path().join("inst"), tmp.path().join("out"));
    let count = many_instances(&inst);
    interrupt_batch(&inst, &out, "-KILL");
    // SIGKILL cannot be caught: a temporary file may remain, but no layer file is partial
    for layer in files_with_suffix(&out, ".layer.json") {
        Layer::read(&layer).unwrap_or_else(|e| panic!("{}: {e}", layer.display()));
    }
    let status = batch(&[inst.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    check_no_partial_files(&out);
    assert_eq!(rows(&out).len(), count);
}

/// An optimal design that runs far longer than the test waits: S5 on
/// 3-index tensors in and out, whose search needs minutes (the pooling
/// layer used before is now proved in about a second, sometimes before
/// the signal).
fn slow_optimal_instance(dir: &Path) -> PathBuf {
    let inst = dir.join("slow");
    std::fs::create_dir_all(&inst).unwrap();
    let status = Command::cargo_bin("paramshare")
        .expect("binary built")
        .args(["instance", "tensor", "5", "3", "3", "-o"])
        .arg(inst.join("tensor.json"))
        .status()
        .unwrap();
    assert!(status.success());
    inst
}

#[test]
fn ctrl_c_stops_the_running_design_and_records_it_for_others_and_a_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = slow_optimal_instance(tmp.path());
    let out = tmp.path().join("out");
    let args = [
        inst.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--methods",
        "optimal",
    ];
    let child = batch(&args)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let waited = sent.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    // the design saw the interrupt: the batch did not wait out its grace
    // period (10 s) for a search that kept running
    assert!(
        !stderr.contains("abandoned"),
        "the running design did not stop: {stderr}"
    );
    eprintln!("the batch ended {waited:?} after SIGINT");
    // the interrupted job is on disk, not only in that process's memory
    let record = out.join("tensor.optimal.row.json");
    let text = std::fs::read_to_string(&record).expect("a record for the interrupted job");
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["row"]["status"], "interrupted", "{text}");
    assert!(!out.join("tensor.optimal.layer.json").exists());
    // another process's summaries (a merge) show it
    let merged = tmp.path().join("merged");
    let status = Command::cargo_bin("paramshare")
        .expect("binary built")
        .args([
            "merge",
            out.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let merged_rows = rows(&merged);
    assert_eq!(merged_rows.len(), 1);
    assert_eq!(merged_rows[0]["status"], "interrupted");
    // a resume designs it again (here with a time limit, to end soon)
    let mut resume = args.to_vec();
    resume.extend(["--time-limit", "1"]);
    let status = batch(&resume).status().unwrap();
    assert!(status.success());
    let r = rows(&out);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["status"], "ok", "{r:?}");
    assert_eq!(r[0]["reused"], false);
    assert!(out.join("tensor.optimal.layer.json").is_file());
}
