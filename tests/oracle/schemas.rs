//! The JSON Schemas in docs/schema/ against real files, checked by Python's `jsonschema` (an oracle no one here wrote).
//!
//! Every bundled instance (instances/**/*.json) must satisfy
//! instance.schema.json; every layer the binary writes for the bundled
//! top-level instances with each method (dense, sparse, optimal under both
//! objectives, sparse with the identity), an optimal `--cover` layer, a
//! layer rewritten by `verify -o` and the layers `batch` writes must
//! satisfy layer.schema.json; a batch's summary.json must satisfy batch-summary.schema.json. Files
//! that break the contract must be refused, so the schemas are not
//! vacuous. Needs python3 with jsonschema; with PARAMSHARE_REQUIRE_ORACLES=1
//! (set by scripts/test.sh) a missing oracle fails instead of skipping.

use crate::oracles::{require_oracle, Oracle};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the validator on `files`; returns (every file valid, its report).
fn validate(schema: &str, files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("python3")
        .arg(repository().join("tests/oracle/validate_schema.py"))
        .arg(repository().join("docs/schema").join(schema))
        .args(files)
        .output()
        .expect("python3 runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "the validator itself failed:\n{report}"
    );
    (out.status.success(), report)
}

fn json_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            json_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "json") {
            found.push(path);
        }
    }
}

fn paramshare(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_paramshare"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "paramshare {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_bundled_instance_satisfies_the_instance_schema() {
    if !require_oracle(Oracle::Python("jsonschema"), "the schema test") {
        return;
    }
    let mut files = Vec::new();
    json_files(&repository().join("instances"), &mut files);
    assert!(files.len() >= 40, "only {} bundled instances", files.len());
    let (ok, report) = validate("instance.schema.json", &files);
    assert!(ok, "{report}");
}

#[test]
fn every_written_layer_and_summary_satisfies_its_schema() {
    if !require_oracle(Oracle::Python("jsonschema"), "the schema test") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let mut layers = Vec::new();
    let mut instances: Vec<PathBuf> = std::fs::read_dir(repository().join("instances"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    instances.sort();
    let variants: [&[&str]; 5] = [
        &["--method", "dense"],
        &["--method", "sparse"],
        &["--method", "sparse", "--with-identity"],
        &["--method", "optimal"],
        &["--method", "optimal", "--objective", "parameters"],
    ];
    for instance in &instances {
        for (k, variant) in variants.iter().enumerate() {
            let layer = out.path().join(format!(
                "{}.{k}.json",
                instance.file_stem().unwrap().to_string_lossy()
            ));
            let mut args = vec!["design", instance.to_str().unwrap()];
            args.extend_from_slice(variant);
            args.extend(["--time-limit", "20", "-o", layer.to_str().unwrap()]);
            paramshare(&args);
            layers.push(layer);
        }
    }
    // the fields other commands add: --cover's, and verify -o's computed
    // automorphism_order, closure_order and exact
    let cyclic_4 = repository().join("instances/cyclic-4.json");
    let covering = out.path().join("cyclic-4.cover.json");
    paramshare(&[
        "design",
        cyclic_4.to_str().unwrap(),
        "--method",
        "optimal",
        "--cover",
        "-o",
        covering.to_str().unwrap(),
    ]);
    let verified = out.path().join("cyclic-4.verified.json");
    paramshare(&[
        "verify",
        // cyclic-4's dense layer, exact: verify exits 0
        out.path().join("cyclic-4.0.json").to_str().unwrap(),
        "-o",
        verified.to_str().unwrap(),
    ]);
    layers.extend([covering, verified]);

    let results = out.path().join("results");
    paramshare(&[
        "batch",
        repository().join("instances").to_str().unwrap(),
        "--methods",
        "dense,optimal",
        "--out",
        results.to_str().unwrap(),
    ]);
    // and the layers batch writes beside its row records
    let before = layers.len();
    layers.extend(
        std::fs::read_dir(&results)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".layer.json")),
    );
    assert!(layers.len() > before, "batch wrote no layer files");
    let (ok, report) = validate("layer.schema.json", &layers);
    assert!(ok, "{report}");
    let (ok, report) = validate("batch-summary.schema.json", &[results.join("summary.json")]);
    assert!(ok, "{report}");
}

#[test]
fn files_that_break_the_contract_are_refused() {
    if !require_oracle(Oracle::Python("jsonschema"), "the schema test") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let no_generators = write("a.json", r#"{"input_size": 2, "output_size": 2}"#);
    let repeated_image = write(
        "b.json",
        r#"{"input_size": 2, "output_size": 2, "generators": [{"input": [0, 0], "output": [1, 0]}]}"#,
    );
    for file in [&no_generators, &repeated_image] {
        let (ok, report) = validate("instance.schema.json", std::slice::from_ref(file));
        assert!(!ok, "accepted {}: {report}", file.display());
    }
    let below_minus_one = write(
        "c.json",
        r#"{"format": "paramshare-layer/1", "input_size": 1, "output_size": 1, "generators": [], "tying": [[-2]]}"#,
    );
    let numeric_order = write(
        "d.json",
        r#"{"format": "paramshare-layer/1", "input_size": 1, "output_size": 1, "generators": [], "tying": [[0]], "group_order": 1}"#,
    );
    for file in [&below_minus_one, &numeric_order] {
        let (ok, report) = validate("layer.schema.json", std::slice::from_ref(file));
        assert!(!ok, "accepted {}: {report}", file.display());
    }
}
