//! `paramshare instance`: every family prints a valid instance; bad arguments exit 2 and write nothing.

use assert_cmd::Command;
use paramshare::instance::Instance;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").expect("the binary is built by cargo test")
}

fn instance_of(args: &[&str]) -> Instance {
    let out = paramshare().arg("instance").args(args).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).expect("JSON is UTF-8");
    Instance::from_json_str(&text).expect("the printed instance is valid")
}

#[test]
fn every_family_prints_a_valid_instance() {
    let cases: &[(&[&str], usize, usize, &str)] = &[
        (&["cyclic", "6"], 6, 6, "6"),
        (
            &["dihedral", "5", "--output-action", "regular"],
            5,
            10,
            "10",
        ),
        (
            &["symmetric", "5", "--output-action", "trivial"],
            5,
            1,
            "120",
        ),
        (&["alternating", "4"], 4, 4, "12"),
        (&["torus", "3", "4"], 12, 12, "12"),
        (&["p4", "4"], 16, 16, "64"),
        (&["p4m", "4"], 16, 16, "128"),
        (&["c4", "5"], 25, 25, "4"),
        (&["d4", "5", "--input-action", "trivial:2"], 2, 25, "8"),
        (&["sets", "3", "2"], 6, 6, "72"),
        (&["tensor", "4", "2", "1"], 16, 4, "24"),
        (&["cycles", "3", "6", "(0 1 2) / (0 5 4 3 2 1)"], 3, 6, "6"),
        (&["cycles", "4", "1"], 4, 1, "1"),
    ];
    for (args, n, m, order) in cases {
        let inst = instance_of(args);
        assert_eq!((inst.input_size, inst.output_size), (*n, *m), "{args:?}");
        assert_eq!(inst.action().order().to_string(), *order, "{args:?}");
    }
}

#[test]
fn product_and_channels_read_files() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    let ab = dir.path().join("ab.json");
    paramshare()
        .args(["instance", "cyclic", "5", "-o"])
        .arg(&a)
        .assert()
        .success();
    paramshare()
        .args(["instance", "cycles", "4", "1", "(0 3)(1 2) / ()"])
        .args(["-o"])
        .arg(&b)
        .assert()
        .success();
    paramshare()
        .args(["instance", "product"])
        .args([&b, &a])
        .args(["--channels", "3:2", "--name", "fig1", "-o"])
        .arg(&ab)
        .assert()
        .success();
    let inst = Instance::read(&ab).expect("written instance is valid");
    assert_eq!((inst.input_size, inst.output_size), (20, 5));
    assert_eq!(inst.name, "fig1");
    assert_eq!((inst.channels.input, inst.channels.output), (3, 2));
    assert_eq!(inst.action().order().to_string(), "10");
}

#[test]
fn bad_arguments_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let target = dir.path().join("never.json");
    let bad: &[&[&str]] = &[
        &["dihedral", "2"],
        &["cyclic", "0"],
        &["cyclic", "-3"],
        &["cyclic", "many"],
        &["tensor", "100", "5", "0"],
        &["cycles", "3", "3", "(0 7)"],
        &["cycles", "3", "3", "(0 1)(1 2)"],
        &["symmetric", "4", "--output-action", "sideways"],
        &["symmetric", "9", "--output-action", "regular"],
        &["cyclic", "4", "--channels", "3"],
        &["cyclic", "4", "--channels", "0:1"],
        &["product", "/nonexistent/a.json", "/nonexistent/b.json"],
        &["nosuchfamily", "3"],
    ];
    for args in bad {
        let out = paramshare()
            .arg("instance")
            .args(*args)
            .arg("-o")
            .arg(&target)
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(!stderr.trim().is_empty(), "{args:?}: no message");
        assert!(!target.exists(), "{args:?} wrote a file");
    }
}
