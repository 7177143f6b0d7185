//! examples/numpy_equivariance.py on exports made by the binary: numpy reads NPY and
//! safetensors back and finds every layer equivariant; a scrambled matrix fails.
//!
//! Needs python3 with numpy (`.ci/run` installs it with pip). Without it the
//! tests skip with a note, or fail when PARAMSHARE_REQUIRE_ORACLES=1.

use crate::oracles::{require_oracle, Oracle};
use assert_cmd::cargo::CommandCargoExt;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/numpy_equivariance.py")
}

fn design(instance: &Path, out: &Path, args: &[&str]) {
    let status = Command::cargo_bin("paramshare")
        .expect("binary built")
        .arg("design")
        .arg(instance)
        .arg("-o")
        .arg(out)
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "design {args:?}");
}

fn run_script(layer: &Path, npy: &Path, safetensors: Option<&Path>) -> std::process::Output {
    let mut cmd = Command::new("python3");
    cmd.arg(script()).arg(layer).arg(npy);
    if let Some(st) = safetensors {
        cmd.arg("--safetensors").arg(st);
    }
    cmd.output().unwrap()
}

fn instances(dir: &Path) -> Vec<PathBuf> {
    let rot: Vec<usize> = (0..6).map(|i| (i + 1) % 6).collect();
    let mut swap: Vec<usize> = (0..4).collect();
    swap.swap(0, 1);
    let cases = [
        json!({"name": "cyclic-6", "input_size": 6, "output_size": 6,
               "generators": [{"input": rot, "output": rot}], "channels": {"input": 2, "output": 3}}),
        json!({"name": "deepsets-4", "input_size": 4, "output_size": 4,
               "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]},
                              {"input": swap, "output": swap}]}),
        // Z6 acting by +1 mod 3 on the inputs and -1 mod 6 on the outputs (reverse convolution)
        json!({"name": "reverse-convolution", "input_size": 3, "output_size": 6,
               "generators": [{"input": [1, 2, 0], "output": [5, 0, 1, 2, 3, 4]}]}),
    ];
    cases
        .iter()
        .map(|c| {
            let path = dir.join(format!("{}.json", c["name"].as_str().unwrap()));
            std::fs::write(&path, c.to_string()).unwrap();
            path
        })
        .collect()
}

fn batch(inputs: &Path, out: &Path, extra: &[&str]) {
    let status = Command::cargo_bin("paramshare")
        .expect("binary built")
        .arg("batch")
        .arg(inputs)
        .args([
            "--methods",
            "dense,sparse,optimal",
            "--format",
            "npy,safetensors",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
}

fn check_batch_dir(out: &Path) {
    let result = Command::new("python3")
        .arg(script())
        .arg("--batch")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // three instances, three methods
    assert_eq!(stdout.matches("ok: equivariant").count(), 9, "{stdout}");
}

#[test]
fn numpy_finds_every_export_equivariant() {
    if !require_oracle(Oracle::Python("numpy"), "the numpy example test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("instances");
    std::fs::create_dir_all(&inputs).unwrap();
    instances(&inputs);
    let out = tmp.path().join("out");
    batch(&inputs, &out, &[]);
    check_batch_dir(&out);
    // channels expanded: each block a copy, still equivariant
    let expanded = tmp.path().join("expanded");
    batch(&inputs, &expanded, &["--expand-channels"]);
    check_batch_dir(&expanded);
}

#[test]
fn numpy_reads_a_single_design_export() {
    if !require_oracle(Oracle::Python("numpy"), "the numpy example test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inst = &instances(tmp.path())[0];
    let layer = tmp.path().join("c.layer.json");
    let npy = tmp.path().join("c.npy");
    design(inst, &layer, &["--method", "optimal"]);
    design(inst, &npy, &["--method", "optimal", "--format", "npy"]);
    let out = run_script(&layer, &npy, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn numpy_rejects_a_scrambled_matrix() {
    if !require_oracle(Oracle::Python("numpy"), "the numpy example test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inst = &instances(tmp.path())[1];
    let layer_path = tmp.path().join("d.layer.json");
    design(inst, &layer_path, &[]);
    let layer = paramshare::layer::Layer::read(&layer_path).unwrap();
    // move one off-diagonal weight onto the diagonal: no longer S4-equivariant
    let mut data = layer.tying.data.clone();
    data[1] = data[0];
    let npy = tmp.path().join("scrambled.npy");
    let mut bytes = Vec::new();
    {
        use npyz::WriterBuilder;
        let mut w = npyz::WriteOptions::<i32>::new()
            .default_dtype()
            .shape(&[4, 4])
            .writer(&mut bytes)
            .begin_nd()
            .unwrap();
        w.extend(data).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&npy, bytes).unwrap();
    let out = run_script(&layer_path, &npy, None);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("FAIL"));
}

#[test]
fn numpy_checks_the_tied_bias_beside_the_npy_export() {
    if !require_oracle(Oracle::Python("numpy"), "the numpy example test") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let inst = &instances(tmp.path())[1];
    let layer = tmp.path().join("d.layer.json");
    let npy = tmp.path().join("d.npy");
    design(inst, &layer, &[]);
    design(inst, &npy, &["--format", "npy"]);
    let out = run_script(&layer, &npy, None);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    // S4 is transitive on the outputs: one bias
    assert!(
        out.status.success() && stdout.contains("1 biases"),
        "{stdout}"
    );
    // one bias per output is not constant on the output orbit: not equivariant
    let bias = tmp.path().join("d.bias.npy");
    let mut bytes = Vec::new();
    {
        use npyz::WriterBuilder;
        let mut w = npyz::WriteOptions::<i32>::new()
            .default_dtype()
            .shape(&[4])
            .writer(&mut bytes)
            .begin_nd()
            .unwrap();
        w.extend([0, 1, 2, 3]).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(&bias, bytes).unwrap();
    let out = run_script(&layer, &npy, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("W(g.x) + b - g.(Wx + b)"));
}
