//! `design --method optimal` through the binary: a stopped search keeps an exact pattern and says so; a finished one says how optimality was proved.

use assert_cmd::Command;
use serde_json::Value;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").unwrap()
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_search_stopped_by_its_time_limit_writes_an_exact_pattern_marked_not_optimal() {
    let dir = tempfile::tempdir().unwrap();
    let instance = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/rings-c4-8.json");
    let out = dir.path().join("stopped.json");
    let run = paramshare()
        .args([
            "design",
            instance,
            "--method",
            "optimal",
            "--time-limit",
            "0",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        stderr.contains("stopped before it proved an optimum"),
        "{stderr}"
    );
    let layer = read(&out);
    assert_eq!(layer["optimal"], false);
    assert_eq!(layer["interrupted"], true);
    // Still a verified layer: exact, with the group's own order.
    assert_eq!(layer["exact"], true);
    assert_eq!(layer["automorphism_order"], layer["group_order"]);
    let bound = layer["lower_bound"].as_u64().unwrap();
    assert!(bound <= layer["edges"].as_u64().unwrap());
}

#[test]
fn d4_on_an_8x8_image_is_proved_by_the_connectivity_bound() {
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("d4-8.json");
    paramshare()
        .args(["instance", "d4", "8", "-o"])
        .arg(&instance)
        .assert()
        .code(0);
    for (objective, cost_field, optimum) in
        [("edges", "edges", 132), ("parameters", "parameters", 20)]
    {
        let out = dir.path().join(format!("{objective}.json"));
        paramshare()
            .arg("design")
            .arg(&instance)
            .args(["--method", "optimal", "--objective", objective, "-o"])
            .arg(&out)
            .assert()
            .code(0);
        let layer = read(&out);
        assert_eq!(layer["optimal"], true, "{objective}");
        assert_eq!(layer["exact"], true, "{objective}");
        assert_eq!(layer[cost_field].as_u64(), Some(optimum), "{objective}");
        assert_eq!(layer["lower_bound"].as_u64(), Some(optimum), "{objective}");
        let notes = layer["notes"].to_string();
        assert!(notes.contains("connectivity bound"), "{objective}: {notes}");
    }
}

#[test]
fn ctrl_c_during_an_optimal_design_writes_the_best_pattern_and_exits_zero() {
    // The closure of this pooling layer is a product of many symmetric
    // groups; building its chain takes far longer than the signal's delay.
    let dir = tempfile::tempdir().unwrap();
    let instance = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/instances/families/d4-32x32-pool.json"
    );
    let out = dir.path().join("interrupted.json");
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_paramshare"))
        .args(["design", instance, "--method", "optimal", "-o"])
        .arg(&out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let layer = read(&out);
    assert_eq!(layer["optimal"], false);
    assert_eq!(layer["interrupted"], true);
    // Verified like every layer: no exact pattern exists for this instance.
    assert_eq!(layer["exact"], false);
    assert!(layer["automorphism_order"].is_string());
}

/// The issue-10 regression: C4 x C2 regular on the inputs, induced on the
/// 28 unordered pairs as outputs. The connectivity bound once took the
/// stabilisers of input points for the output orbits and claimed 56 edges
/// (7 parameters) as proved; 48 edges and 6 parameters are exact.
#[test]
fn different_actions_on_the_two_sides_get_a_true_bound() {
    let dir = tempfile::tempdir().unwrap();
    let instance = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/c4xc2-pairs.json");
    for (objective, cost_field, cost) in [("edges", "edges", 48), ("parameters", "parameters", 6)] {
        let out = dir.path().join(format!("{objective}.json"));
        paramshare()
            .args([
                "design",
                instance,
                "--method",
                "optimal",
                "--objective",
                objective,
                "-o",
            ])
            .arg(&out)
            .assert()
            .code(0);
        let layer = read(&out);
        assert_eq!(layer[cost_field], cost, "{objective}");
        assert_eq!(layer["optimal"], true, "{objective}");
        assert_eq!(layer["exact"], true);
        assert_eq!(layer["automorphism_order"], "8");
        assert_eq!(layer["lower_bound"], cost, "{objective}");
        assert!(layer["proof"].as_str().is_some_and(|p| !p.is_empty()));
        // `verify --optimality` re-proves it by enumeration.
        paramshare()
            .args(["verify", "--optimality"])
            .arg(&out)
            .assert()
            .code(0);
    }
}

/// `verify --optimality` catches a false claim: a dense layer relabelled as
/// a proved optimum gets status 1, the cheaper pattern printed, and with
/// -o a layer of it, itself proved by enumeration.
#[test]
fn verify_optimality_refutes_a_false_claim_and_writes_the_cheaper_pattern() {
    let dir = tempfile::tempdir().unwrap();
    let instance = concat!(env!("CARGO_MANIFEST_DIR"), "/instances/rings-c4-8.json");
    let dense = dir.path().join("dense.json");
    paramshare()
        .args(["design", instance, "--method", "dense", "-o"])
        .arg(&dense)
        .assert()
        .code(0);
    let mut layer = read(&dense);
    layer["method"] = "optimal".into();
    layer["objective"] = "edges".into();
    layer["optimal"] = true.into();
    layer["lower_bound"] = layer["edges"].clone();
    layer["proof"] = "a claim nobody proved".into();
    let claimed = dir.path().join("claimed.json");
    std::fs::write(&claimed, layer.to_string()).unwrap();
    let better = dir.path().join("better.json");
    let run = paramshare()
        .args(["verify", "--optimality"])
        .arg(&claimed)
        .arg("-o")
        .arg(&better)
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).into_owned();
    assert!(
        stdout.contains("not optimal: a pattern with 16 edges"),
        "{stdout}"
    );
    let written = read(&better);
    assert_eq!(written["edges"], 16);
    assert_eq!(written["exact"], true);
    assert_eq!(written["optimal"], true);
    assert_eq!(written["lower_bound"], 16);
    assert_eq!(written["proof"], "exhaustive");
    // The written pattern is itself optimal by the same enumeration.
    paramshare()
        .args(["verify", "--optimality"])
        .arg(&better)
        .assert()
        .code(0);
}

/// Too many cheaper subsets to enumerate: status 2 and a message saying so.
#[test]
fn verify_optimality_refuses_instances_too_large_to_enumerate() {
    let dir = tempfile::tempdir().unwrap();
    let instance = dir.path().join("d4-8.json");
    paramshare()
        .args(["instance", "d4", "8", "-o"])
        .arg(&instance)
        .assert()
        .code(0);
    let out = dir.path().join("d4-8.optimal.json");
    paramshare()
        .arg("design")
        .arg(&instance)
        .args(["--method", "optimal", "-o"])
        .arg(&out)
        .assert()
        .code(0);
    let run = paramshare()
        .args(["verify", "--optimality"])
        .arg(&out)
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("too large to enumerate"), "{stderr}");
}
