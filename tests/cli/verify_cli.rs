//! `paramshare verify` and `paramshare instance graph` through the binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::Path;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").expect("the binary is built for integration tests")
}

/// A layer file with C4 acting regularly and the given tying matrix.
fn c4_layer(dir: &Path, name: &str, tying: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let text = format!(
        r#"{{"format": "paramshare-layer/1", "input_size": 4, "output_size": 4,
            "generators": [{{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}}],
            "tying": {tying}}}"#
    );
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn exact_layer_exits_0_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    // the paper's corrected design: H = {0, 1, 3}
    let layer = c4_layer(
        dir.path(),
        "exact.json",
        "[[0,1,-1,2],[2,0,1,-1],[-1,2,0,1],[1,-1,2,0]]",
    );
    paramshare()
        .arg("verify")
        .arg(&layer)
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "exact: Aut(pattern) = G<N,M>, order 4",
        ));
}

#[test]
fn paper_counterexample_exits_1_with_the_witness() {
    let dir = tempfile::tempdir().unwrap();
    // H = {1, 3}: Aut has order 8
    let layer = c4_layer(
        dir.path(),
        "paper.json",
        "[[-1,0,-1,1],[1,-1,0,-1],[-1,1,-1,0],[0,-1,1,-1]]",
    );
    let out = dir.path().join("filled.json");
    paramshare()
        .arg("verify")
        .arg(&layer)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "|Aut(pattern)| = 8 but |G<N,M>| = 4",
        ))
        .stdout(predicate::str::contains("witness on inputs:"))
        .stdout(predicate::str::contains("witness on outputs:"))
        .stdout(predicate::str::contains("an extra symmetry that"))
        .stdout(predicate::str::contains("exact patterns exist"));
    let filled = paramshare::layer::Layer::read(&out).unwrap();
    assert_eq!(filled.automorphism_order.as_deref(), Some("8"));
    assert_eq!(filled.closure_order.as_deref(), Some("4"));
    assert_eq!(filled.exact, Some(false));
}

#[test]
fn impossible_instance_says_no_pattern_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let inst = dir.path().join("reverse.json");
    paramshare()
        .args([
            "instance",
            "cycles",
            "3",
            "6",
            "(0 1 2) / (0 5 4 3 2 1)",
            "-o",
        ])
        .arg(&inst)
        .assert()
        .code(0);
    let layer = dir.path().join("reverse.layer.json");
    paramshare()
        .arg("design")
        .arg(&inst)
        .arg("-o")
        .arg(&layer)
        .assert()
        .code(0);
    paramshare()
        .arg("verify")
        .arg(&layer)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("while fixing every input"))
        .stdout(predicate::str::contains("no G-invariant pattern is exact"));
}

#[test]
fn pattern_not_preserved_by_g_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let layer = c4_layer(
        dir.path(),
        "broken.json",
        "[[0,-1,-1,-1],[-1,-1,-1,-1],[-1,-1,-1,-1],[-1,-1,-1,-1]]",
    );
    paramshare()
        .arg("verify")
        .arg(&layer)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("not G-equivariant: generator 0"));
}

#[test]
fn bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let layer = c4_layer(dir.path(), "bad.json", "[[0,1],[1,0]]");
    paramshare()
        .arg("verify")
        .arg(&layer)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "tying: has 2 rows, expected output_size = 4",
        ));
    paramshare()
        .arg("verify")
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2);
}

#[test]
fn graph_instance_of_the_petersen_graph() {
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("petersen.edges");
    std::fs::write(
        &edges,
        "# Petersen graph\n0 1\n1 2\n2 3\n3 4\n4 0\n0 5\n1 6\n2 7\n3 8\n4 9\n5 7\n7 9\n9 6\n6 8\n8 5\n",
    )
    .unwrap();
    let inst = dir.path().join("petersen.json");
    paramshare()
        .args(["instance", "graph"])
        .arg(&edges)
        .arg("-o")
        .arg(&inst)
        .assert()
        .code(0);
    let inst = paramshare::instance::Instance::read(&inst).unwrap();
    assert_eq!(inst.name, "graph-petersen");
    assert_eq!(inst.action().order(), 120u32.into());
    std::fs::write(&edges, "0 1\n1 two\n").unwrap();
    paramshare()
        .args(["instance", "graph"])
        .arg(&edges)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2: 'two' is not a vertex number",
        ));
}

#[test]
fn a_layer_named_by_another_tool_is_verified_and_its_names_kept() {
    // scripts/compare-nauty.sh writes such a layer: method "three-orbit"
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.json");
    std::fs::write(
        &path,
        r#"{"format": "paramshare-layer/1", "method": "three-orbit", "objective": "Edges",
            "input_size": 4, "output_size": 4,
            "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}],
            "tying": [[0,1,-1,2],[2,0,1,-1],[-1,2,0,1],[1,-1,2,0]]}"#,
    )
    .unwrap();
    let out = dir.path().join("filled.json");
    paramshare()
        .arg("verify")
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(0);
    let filled: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(filled["method"], "three-orbit");
    assert_eq!(filled["objective"], "Edges", "a name is kept as written");
    assert_eq!(filled["exact"], true);
    // it is none of paramshare's designs, so there is no search to re-prove
    paramshare()
        .args(["verify", "--optimality"])
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("method: \"three-orbit\""));
}
