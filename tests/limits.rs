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
    use paramshare::design::{check_size, estimated_bytes, MEMORY_LIMIT};
    // 16 bytes per entry at the peak of the edge-orbit numbering.
    assert!(estimated_bytes(1000, 1000) >= 16_000_000);
    assert!(check_size(4096, 4096).is_ok());
    // Orbit indices are i32: a matrix with 2^31 entries is refused whatever the memory.
    assert!(check_size(1 << 16, 1 << 15).is_err());
    let limit = paramshare::design::memory_limit();
    assert!(limit <= MEMORY_LIMIT && limit > 0);
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
