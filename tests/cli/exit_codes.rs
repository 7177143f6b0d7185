//! The exit statuses documented in the README, one run each:
//! 0 success, 1 a layer that is not exact under `verify`, 2 bad input
//! (files and command line), 3 an I/O error on output, 4 a batch with
//! error rows and --fail-on-error, 5 a `verify --optimality` stopped
//! before it confirmed anything.

use assert_cmd::Command;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").unwrap()
}

const C4: &str = r#"{"name": "c4", "input_size": 4, "output_size": 4,
    "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]}"#;

/// A 2 x 2 layer of the trivial group with every entry its own parameter
/// except two: swapping both inputs and outputs keeps it, so it is not exact.
const NOT_EXACT: &str = r#"{"format": "paramshare-layer/1", "input_size": 2, "output_size": 2,
    "generators": [], "tying": [[0, 1], [1, 0]]}"#;

#[test]
fn each_documented_status_happens() {
    let dir = tempfile::tempdir().unwrap();
    let c4 = dir.path().join("c4.json");
    std::fs::write(&c4, C4).unwrap();
    let layer = dir.path().join("layer.json");
    let not_exact = dir.path().join("not-exact.json");
    std::fs::write(&not_exact, NOT_EXACT).unwrap();

    paramshare().arg("info").arg(&c4).assert().code(0);
    paramshare().arg("--help").assert().code(0);
    paramshare()
        .args(["design", "--method", "dense", "-o"])
        .arg(&layer)
        .arg(&c4)
        .assert()
        .code(0);
    paramshare().arg("verify").arg(&layer).assert().code(0);

    let out = paramshare().arg("verify").arg(&not_exact).assert().code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(!stdout.is_empty(), "verify printed no witness");

    // Not confirmed: `verify --optimality` with no time to check anything.
    let optimal = dir.path().join("optimal.json");
    paramshare()
        .args(["design", "--method", "optimal", "-o"])
        .arg(&optimal)
        .arg(&c4)
        .assert()
        .code(0);
    paramshare()
        .args(["verify", "--optimality", "--time-limit", "0"])
        .arg(&optimal)
        .assert()
        .code(5);
    paramshare()
        .args(["verify", "--optimality"])
        .arg(&optimal)
        .assert()
        .code(0);

    // Bad input: a file, then the command line itself.
    paramshare()
        .arg("design")
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2);
    paramshare()
        .args(["design", "--method", "no-such-method"])
        .arg(&c4)
        .assert()
        .code(2);
    paramshare().arg("no-such-command").assert().code(2);

    // I/O error on output: the -o directory does not exist.
    let out = paramshare()
        .arg("design")
        .arg(&c4)
        .arg("-o")
        .arg(dir.path().join("no-such-dir").join("layer.json"))
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.starts_with("paramshare: cannot write "), "{stderr}");

    // batch: 0 when every row is ok, 4 when it ran to the end with an
    // error row (the summaries are still written), 2 when nothing ran.
    let instances = dir.path().join("instances");
    std::fs::create_dir(&instances).unwrap();
    std::fs::copy(&c4, instances.join("c4.json")).unwrap();
    let batch = |out: &str| {
        let mut cmd = paramshare();
        cmd.arg("batch")
            .arg(&instances)
            .arg("--quiet")
            .arg("--out")
            .arg(dir.path().join(out));
        cmd
    };
    batch("all-ok").assert().code(0);
    std::fs::write(instances.join("bad.json"), "[]").unwrap();
    batch("one-bad").assert().code(0);
    batch("one-bad").arg("--fail-on-error").assert().code(4);
    let summary = std::fs::read_to_string(dir.path().join("one-bad/summary.json")).unwrap();
    assert!(summary.contains("\"error\""), "{summary}");
    assert!(dir.path().join("one-bad/c4.dense.layer.json").is_file());
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    paramshare()
        .arg("batch")
        .arg(&empty)
        .arg("--out")
        .arg(dir.path().join("none"))
        .assert()
        .code(2);
    assert!(!dir.path().join("none").exists());
}
