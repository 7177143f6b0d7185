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
