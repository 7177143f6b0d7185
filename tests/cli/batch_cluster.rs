//! `batch` on a cluster: shards and merge equal one run, concurrent writers
//! into one directory keep every row, resumes re-check what they reuse, and
//! batch never reads its own results as instances (issue 13).

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").expect("binary built")
}

fn cyclic(n: usize) -> Value {
    let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    json!({"name": format!("cyclic-{n}"), "input_size": n, "output_size": n,
           "generators": [{"input": shift, "output": shift}]})
}

/// `count` cyclic instances `c02.json`, `c03.json`, ... in `dir`.
fn cyclic_instances(dir: &Path, count: usize) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    (2..2 + count)
        .map(|n| {
            let path = dir.join(format!("c{n:02}.json"));
            std::fs::write(&path, cyclic(n).to_string()).unwrap();
            path
        })
        .collect()
}

/// Some of the bundled instances (small enough for every method), one bad
/// instance and one file that is not JSON.
fn mixed_instances(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances");
    for name in [
        "cyclic-4",
        "cyclic-6",
        "mirror-4",
        "mirror-5",
        "klein-regular",
        "d3-regular",
        "reverse-convolution",
        "fig1-z5xz2-rowflip",
    ] {
        std::fs::copy(
            bundled.join(format!("{name}.json")),
            dir.join(format!("{name}.json")),
        )
        .unwrap();
    }
    std::fs::write(
        dir.join("bad.json"),
        r#"{"input_size": 3, "output_size": 3, "generators": [{"input": [0, 0, 1], "output": [0, 1, 2]}]}"#,
    )
    .unwrap();
    std::fs::write(dir.join("broken.json"), "{not json").unwrap();
}

fn batch(inputs: &[&Path], out: &Path, extra: &[&str]) -> Command {
    let mut cmd = paramshare();
    cmd.arg("batch")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

fn run_ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{cmd:?}: {err}");
    err
}

/// The rows of `dir/summary.json` without the timing columns.
fn rows(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut r = r.clone();
            let obj = r.as_object_mut().unwrap();
            obj.remove("seconds");
            obj.remove("reused");
            r
        })
        .collect()
}

/// `dir/summary.csv` with the timing columns (the last two) cut off.
fn csv_without_timing(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("summary.csv"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields: Vec<&str> = line.rsplitn(3, ',').collect();
            fields.pop().unwrap().to_string()
        })
        .collect()
}

/// `dir/summary.md`'s table with the timing column (the last) cut off.
fn markdown_without_timing(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("summary.md"))
        .unwrap()
        .lines()
        .map(|line| match line.strip_suffix(" |") {
            Some(body) if line.starts_with("| ") => body.rsplit_once(" | ").unwrap().0.to_string(),
            _ => line.to_string(),
        })
        .collect()
}

const METHODS: &[&str] = &["--methods", "dense,sparse,optimal", "--time-limit", "60"];

#[test]
fn three_shards_and_a_merge_equal_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    mixed_instances(&inst);
    let one = tmp.path().join("one");
    run_ok(batch(&[&inst], &one, METHODS));
    let total = rows(&one).len();
    assert_eq!(total, 30);

    // three shard processes at once, each into its own directory
    let shards: Vec<PathBuf> = (0..3)
        .map(|i| tmp.path().join(format!("part{i}")))
        .collect();
    let children: Vec<_> = shards
        .iter()
        .enumerate()
        .map(|(i, dir)| {
            let shard = format!("{i}/3");
            let mut args = METHODS.to_vec();
            args.extend(["--shard", &shard]);
            let mut cmd = batch(&[&inst], dir, &args);
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sizes: Vec<usize> = shards.iter().map(|d| rows(d).len()).collect();
    assert_eq!(
        sizes.iter().sum::<usize>(),
        total,
        "shards overlap or miss jobs: {sizes:?}"
    );
    assert!(sizes.iter().all(|&s| s > 0), "an empty shard: {sizes:?}");

    let merged = tmp.path().join("merged");
    let mut merge = paramshare();
    merge
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .stderr(Stdio::piped());
    run_ok(merge);
    assert_eq!(rows(&merged), rows(&one));
    assert_eq!(csv_without_timing(&merged), csv_without_timing(&one));
    assert_eq!(
        markdown_without_timing(&merged),
        markdown_without_timing(&one)
    );
    // the merged directory holds every layer, so it resumes like the single run
    let err = run_ok(batch(&[&inst], &merged, METHODS));
    assert!(err.contains("0 designed"), "{err}");

    // 1-based numbering (a Slurm array 1-3) splits the same way
    let one_based = tmp.path().join("one-based");
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let mut args = METHODS.to_vec();
        args.extend(["--shard", &shard]);
        run_ok(batch(&[&inst], &one_based, &args));
    }
    assert_eq!(rows(&one_based), rows(&one));
}

#[test]
fn two_shards_writing_into_one_directory_at_once_keep_every_row() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    cyclic_instances(&inst, 15);
    let out = tmp.path().join("out");
    let children: Vec<_> = ["0/2", "1/2"]
        .iter()
        .map(|shard| {
            let mut args = METHODS.to_vec();
            args.extend(["--shard", shard]);
            batch(&[&inst], &out, &args).spawn().unwrap()
        })
        .collect();
    for child in children {
        let result = child.wait_with_output().unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    let all = rows(&out);
    assert_eq!(all.len(), 45, "{all:#?}");
    assert!(all.iter().all(|r| r["status"] == "ok"));
    let single = tmp.path().join("single");
    run_ok(batch(&[&inst], &single, METHODS));
    assert_eq!(all, rows(&single));
}

#[test]
fn one_batch_per_instance_two_at_a_time_keeps_every_row() {
    // what `ls *.json | xargs -P2 -n1 paramshare batch --out out` does
    let tmp = tempfile::tempdir().unwrap();
    let files = cyclic_instances(&tmp.path().join("inst"), 15);
    let out = tmp.path().join("out");
    for pair in files.chunks(2) {
        let children: Vec<_> = pair
            .iter()
            .map(|f| {
                batch(&[f], &out, &["--methods", "dense,sparse"])
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            assert!(child.wait_with_output().unwrap().status.success());
        }
    }
    assert_eq!(rows(&out).len(), 30);
    // and through xargs itself, when it is there
    let out2 = tmp.path().join("out2");
    let script = format!(
        "ls '{}'/*.json | xargs -P2 -I{{}} '{}' batch {{}} --methods dense,sparse --out '{}' --quiet",
        tmp.path().join("inst").display(),
        assert_cmd::cargo::cargo_bin("paramshare").display(),
        out2.display()
    );
    let status = Command::new("sh")
        .args(["-c", &script])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(rows(&out2), rows(&out));
}

/// The layer file of `key.method` in `out`, as JSON.
fn layer_json(out: &Path, stem: &str) -> (PathBuf, Value) {
    let path = out.join(format!("{stem}.layer.json"));
    let value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, value)
}

fn row_of<'a>(rows: &'a [Value], instance: &str, method: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["instance"] == instance && r["method"] == method)
        .unwrap_or_else(|| panic!("no row {instance} {method}"))
}

#[test]
fn a_resume_rechecks_what_it_reuses() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    mixed_instances(&inst);
    let out = tmp.path().join("out");
    let args = ["--methods", "dense,optimal", "--format", "npy,safetensors"];
    run_ok(batch(&[&inst], &out, &args));

    // two rows of tying swapped: no longer G-equivariant
    let (path, mut layer) = layer_json(&out, "cyclic-6.optimal");
    let tying = layer["tying"].as_array_mut().unwrap();
    tying.swap(0, 1);
    std::fs::write(&path, layer.to_string()).unwrap();
    // a false automorphism_order, and a false group_order
    let (path, mut layer) = layer_json(&out, "mirror-5.dense");
    layer["automorphism_order"] = json!("999");
    std::fs::write(&path, layer.to_string()).unwrap();
    let (path, mut layer) = layer_json(&out, "klein-regular.dense");
    layer["group_order"] = json!("1");
    std::fs::write(&path, layer.to_string()).unwrap();
    // a proved bound below the cost of a layer that says optimal
    let (path, mut layer) = layer_json(&out, "d3-regular.optimal");
    assert_eq!(layer["optimal"], true);
    layer["lower_bound"] = json!(layer["edges"].as_u64().unwrap() - 1);
    std::fs::write(&path, layer.to_string()).unwrap();
    // exports beside an untouched, reused layer: one garbage, one removed
    std::fs::write(out.join("cyclic-4.dense.npy"), b"garbage").unwrap();
    std::fs::remove_file(out.join("cyclic-4.dense.safetensors")).unwrap();

    let err = run_ok(batch(&[&inst], &out, &args));
    assert!(err.contains("4 designed"), "{err}");
    let after = rows(&out);
    for (instance, method, says) in [
        ("cyclic-6", "optimal", "not G-equivariant"),
        ("d3-regular", "optimal", "lower_bound"),
        ("mirror-5", "dense", "automorphism_order says 999"),
        ("klein-regular", "dense", "group_order says 1"),
    ] {
        let row = row_of(&after, instance, method);
        let notes = row["notes"].to_string();
        assert!(
            notes.contains("not reused") && notes.contains(says),
            "{instance}: {notes}"
        );
        assert_eq!(row["exact"], true, "{instance}");
        let (_, layer) = layer_json(&out, &format!("{instance}.{method}"));
        assert_eq!(
            layer["automorphism_order"], layer["group_order"],
            "{instance}"
        );
    }
    assert_eq!(row_of(&after, "cyclic-6", "optimal")["edges"], 12);
    // the exports of the reused layer are whole again
    let npy = std::fs::read(out.join("cyclic-4.dense.npy")).unwrap();
    let tying = paramshare::export::read_npy_tying(&npy).unwrap();
    let layer = paramshare::layer::Layer::read(&out.join("cyclic-4.dense.layer.json")).unwrap();
    assert_eq!(tying, layer.tying);
    let st = std::fs::read(out.join("cyclic-4.dense.safetensors")).unwrap();
    assert_eq!(
        paramshare::export::read_safetensors_tying(&st).unwrap().0,
        layer.tying
    );
    // a third run trusts the redesigned files
    let err = run_ok(batch(&[&inst], &out, &args));
    assert!(err.contains("0 designed"), "{err}");
}

#[test]
fn batch_never_reads_its_own_results_as_instances() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("both");
    cyclic_instances(&dir, 2);
    // a layer under an instance-like name is recognised by its format tag
    let mut counts = Vec::new();
    for _ in 0..3 {
        run_ok(batch(&[&dir], &dir, &["--methods", "dense,sparse"]));
        counts.push(rows(&dir).len());
    }
    assert_eq!(counts, [4, 4, 4]);
    std::fs::copy(dir.join("c02.dense.layer.json"), dir.join("renamed.json")).unwrap();
    let err = run_ok(batch(&[&dir], &dir, &["--methods", "dense,sparse"]));
    assert_eq!(rows(&dir).len(), 4, "{err}");
    assert!(err.contains("paramshare's own results"), "{err}");
}

#[test]
fn rows_keep_their_order_with_duplicate_names_across_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(a.join("x.json"), cyclic(4).to_string()).unwrap();
    std::fs::write(b.join("x.json"), cyclic(5).to_string()).unwrap();
    let out = tmp.path().join("out");
    run_ok(batch(&[&a, &b], &out, &[]));
    let fresh = rows(&out);
    run_ok(batch(&[&a, &b], &out, &[]));
    let resumed = rows(&out);
    assert_eq!(fresh.len(), 2);
    let order = |rows: &[Value]| -> Vec<(String, String)> {
        rows.iter()
            .map(|r| (r["file"].to_string(), r["status"].to_string()))
            .collect()
    };
    assert_eq!(order(&fresh), order(&resumed));
    assert_eq!(fresh[0]["status"], "ok");
    assert_eq!(fresh[1]["status"], "error");
    assert!(fresh[1]["error"].as_str().unwrap().contains("same name"));
}

#[test]
fn entries_named_json_that_are_not_files_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inst");
    cyclic_instances(&dir, 1);
    std::fs::create_dir(dir.join("folder.json")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.json")).unwrap();
    let fifo = Command::new("mkfifo").arg(dir.join("pipe.json")).status();
    let out = tmp.path().join("out");
    let err = run_ok(batch(&[&dir], &out, &[]));
    assert!(err.contains("folder.json: a directory"), "{err}");
    #[cfg(unix)]
    assert!(
        err.contains("dangling.json: a symbolic link to nothing"),
        "{err}"
    );
    if fifo.is_ok_and(|s| s.success()) {
        assert!(err.contains("pipe.json: a FIFO"), "{err}");
    }
    assert_eq!(rows(&out).len(), 1);
}

#[test]
fn bad_shards_and_merges_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = tmp.path().join("inst");
    cyclic_instances(&inst, 1);
    for shard in ["3/2", "1/0", "x"] {
        let out = batch(&[&inst], &tmp.path().join("o"), &["--shard", shard])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{shard}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--shard"),
            "{shard}"
        );
    }
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for dir in [empty.clone(), tmp.path().join("missing")] {
        let out = paramshare()
            .arg("merge")
            .arg(&dir)
            .arg("--out")
            .arg(tmp.path().join("m"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", dir.display());
    }
}
