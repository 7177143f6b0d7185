//! Resource limits: sizes the parsers and designs refuse before allocating,
//! and what `info` still reports for an instance too large to design.

use assert_cmd::Command;

/// An instance with a trivial group on `n` inputs and `m` outputs.
fn trivial_instance(n: usize, m: usize) -> String {
    format!(r#"{{"name": "big", "input_size": {n}, "output_size": {m}, "generators": []}}"#)
}

#[test]
fn info_reports_a_too_large_instance_without_computing_edge_orbits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::write(&path, trivial_instance(100_000, 100_000)).unwrap();
    let out = Command::cargo_bin("paramshare")
        .unwrap()
        .arg("info")
        .arg(&path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("group order:     1"), "{stdout}");
    assert!(
        stdout.contains("orbits on N x M: not computed: a 100000 x 100000 layer needs about"),
        "{stdout}"
    );
}

#[test]
fn design_size_check_counts_what_the_dense_design_allocates() {
    use paramshare::design::{check_size, estimated_bytes};
    // 16 bytes per entry at the peak of the edge-orbit numbering.
    assert!(estimated_bytes(1000, 1000) >= 16_000_000);
    assert!(check_size(4096, 4096).is_ok());
    // Orbit indices are i32: a matrix with 2^31 entries is refused whatever the memory.
    assert!(check_size(1 << 16, 1 << 15).is_err());
    let limit = paramshare::design::memory_limit();
    // The default budget is below the machine's memory (a margin is kept).
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let total_kib: u128 = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(limit < total_kib * 1024 && limit > 0);
    let side = ((limit / 16) as f64).sqrt() as usize + 1;
    let message = check_size(side, side).unwrap_err().to_string();
    assert!(message.contains("GiB allowed here"), "{message}");
    assert!(message.contains("GiB"), "{message}");
    assert!(message.contains("smaller instance"), "{message}");
}

#[test]
fn layer_parser_sizes_the_matrix_by_the_rows_present() {
    // Claims 2^24 columns but every row is empty: rejected by row length,
    // without reserving 1000 * 2^24 entries first.
    let rows = vec!["[]"; 1000].join(",");
    let text = format!(
        r#"{{"input_size": 16777216, "output_size": 1000, "generators": [], "tying": [{rows}]}}"#
    );
    let err = paramshare::layer::Layer::from_json_str(&text)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "tying[0]: has length 0, expected input_size = 16777216"
    );
}

#[test]
fn layer_writer_streams_generators_byte_for_byte_as_before() {
    // The writer no longer builds a JSON tree of the generators (72 bytes
    // per point); its bytes must equal what the tree printed.
    use paramshare::design::{design_layer, DesignOptions, Method};
    use paramshare::instance::{generators_json, Instance};
    for text in [
        r#"{"name": "c4", "input_size": 4, "output_size": 4, "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]}"#,
        r#"{"name": "two", "input_size": 3, "output_size": 2, "generators": [{"input": [1, 0, 2], "output": [1, 0]}, {"input": [0, 2, 1], "output": [0, 1]}]}"#,
        r#"{"name": "none", "input_size": 2, "output_size": 0, "generators": []}"#,
    ] {
        let inst = Instance::from_json_str(text).unwrap();
        let layer =
            design_layer(&inst, &inst.action(), &DesignOptions::new(Method::Dense)).unwrap();
        let written = layer.to_json_string();
        let expected = format!("  \"generators\": {},\n", generators_json(&inst.generators));
        assert!(written.contains(&expected), "{written}");
    }
}

/// D4 on a 16 x 16 image: small enough to pass every size check.
fn d4_instance(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("d4-16.json");
    let out = Command::cargo_bin("paramshare")
        .unwrap()
        .args(["instance", "d4", "16", "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    path
}

/// S5 on 3-index tensors in and out (125 + 125 points): a search that runs
/// for minutes (D4 on 16 x 16 is proved in milliseconds since the search
/// builds path-shaped incumbents, before a memory poll could stop it).
fn tensor_instance(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("tensor-5-3-3.json");
    let out = Command::cargo_bin("paramshare")
        .unwrap()
        .args(["instance", "tensor", "5", "3", "3", "-o"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    path
}

#[test]
fn a_search_that_reaches_the_memory_limit_writes_a_verified_layer_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let instance = tensor_instance(dir.path());
    let layer_path = dir.path().join("layer.json");
    // 4 MiB: the layer itself fits (about 0.5 MiB), the process already holds more.
    let out = Command::cargo_bin("paramshare")
        .unwrap()
        .args([
            "design",
            "--method",
            "optimal",
            "--memory-limit",
            "4M",
            "-o",
        ])
        .arg(&layer_path)
        .arg(&instance)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("the memory budget (4.0 MiB) was reached"),
        "{stderr}"
    );
    let layer: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&layer_path).unwrap()).unwrap();
    assert_eq!(layer["stop_reason"], "memory limit");
    assert_eq!(layer["exact"], true);
    assert_eq!(layer["optimal"], false);
}

#[test]
fn memory_limits_that_cannot_hold_a_layer_are_refused_and_a_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    d4_instance(&inputs);
    std::fs::write(
        inputs.join("c2.json"),
        r#"{"name": "c2", "input_size": 2, "output_size": 2, "generators": [{"input": [1, 0], "output": [1, 0]}]}"#,
    )
    .unwrap();
    let design = Command::cargo_bin("paramshare")
        .unwrap()
        .args(["design", "--memory-limit", "1M"])
        .arg(inputs.join("d4-16.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&design.stderr);
    assert_eq!(design.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("more than the 1.0 MiB allowed here"),
        "{stderr}"
    );
    let bad = Command::cargo_bin("paramshare")
        .unwrap()
        .args(["design", "--memory-limit", "lots"])
        .arg(inputs.join("c2.json"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a byte count"));
    let out_dir = dir.path().join("out");
    let batch = Command::cargo_bin("paramshare")
        .unwrap()
        .args([
            "batch",
            "--methods",
            "dense",
            "--quiet",
            "--memory-limit",
            "1M",
            "--out",
        ])
        .arg(&out_dir)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(
        batch.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&batch.stderr)
    );
    let summary = std::fs::read_to_string(out_dir.join("summary.csv")).unwrap();
    let row = |name: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(&format!("{name},")))
            .unwrap_or_else(|| panic!("no {name} row in {summary}"))
            .to_string()
    };
    assert!(row("c2").contains(",ok,"), "{summary}");
    assert!(row("d4-16").contains(",error,"), "{summary}");
    assert!(row("d4-16").contains("allowed here"), "{summary}");
}
