//! Regression tests for the defects a hostile probe found (issue 13), one
//! test per reproduction: each runs the probe's command and checks the
//! status and the message it should have given.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Stdio;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").unwrap()
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("paramshare")
}

fn cyclic_4() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("instances/cyclic-4.json")
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the binary with `args` and standard output sent to `stdout`.
fn run_with_stdout(args: &[&std::ffi::OsStr], stdout: Stdio) -> std::process::Output {
    std::process::Command::new(binary())
        .args(args)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs the binary with `args`, its standard output a pipe whose reader
/// is closed at once.
fn run_with_reader_gone(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(binary())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// /dev/full, for standard output: every write fails with ENOSPC.
fn dev_full() -> Stdio {
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full");
    Stdio::from(full.expect("Linux has /dev/full"))
}

/// Designs the bundled C4 instance into `dir`; returns the layer file.
fn design_c4(dir: &Path) -> PathBuf {
    let layer = dir.join("c4.layer.json");
    paramshare()
        .arg("design")
        .arg(cyclic_4())
        .arg("-o")
        .arg(&layer)
        .assert()
        .success();
    layer
}

#[test]
fn a_full_standard_output_is_status_3_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let layer = design_c4(dir.path());
    let c4 = cyclic_4();
    let commands: [Vec<&std::ffi::OsStr>; 4] = [
        vec!["info".as_ref(), c4.as_os_str()],
        vec!["verify".as_ref(), layer.as_os_str()],
        vec![
            "compare".as_ref(),
            c4.as_os_str(),
            "--methods".as_ref(),
            "dense".as_ref(),
        ],
        vec!["design".as_ref(), c4.as_os_str()],
    ];
    for args in commands {
        let out = run_with_stdout(&args, dev_full());
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.contains("cannot write to standard output") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_broken_pipe_ends_quietly() {
    // about 1.3 MB of JSON: far more than a pipe buffer, so the write
    // after the reader has gone fails with EPIPE
    let out = run_with_reader_gone(&["instance", "cyclic", "200000"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(stderr_of(&out), "");
    // the probe's own reproduction, through a shell pipe
    let script = format!(
        "'{}' info '{}' | head -c10 >/dev/null",
        binary().display(),
        cyclic_4().display()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    assert_eq!(stderr_of(&out), "", "info | head printed on standard error");
}

#[test]
fn generated_scripts_and_pages_to_a_full_or_broken_output_do_not_panic() {
    // clap_complete's generator panicked on a failed write
    // (`completions bash | head -3`)
    for args in [
        vec!["completions", "bash"],
        vec!["completions", "zsh"],
        vec!["man"],
    ] {
        let out = run_with_reader_gone(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{args:?}");
        let os: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let out = run_with_stdout(&os, dev_full());
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.starts_with("paramshare: cannot write to standard output")
                && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn help_and_version_to_a_full_or_broken_output_behave_like_other_output() {
    for args in [
        vec!["--help"],
        vec!["--version"],
        vec!["info", "--help"],
        vec!["help", "batch"],
        vec!["-V"],
    ] {
        let os: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_ref()).collect();
        let out = run_with_stdout(&os, dev_full());
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(
            err.starts_with("paramshare: cannot write to standard output"),
            "{args:?}: {err}"
        );
        // a reader that has gone: quiet, status 0
        let out = run_with_reader_gone(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr_of(&out));
        assert_eq!(stderr_of(&out), "", "{args:?}");
        // and to a working output, the text itself with status 0
        let out = run_with_stdout(&os, Stdio::piped());
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("paramshare") && text.ends_with('\n'),
            "{args:?}: {text}"
        );
    }
    // a usage error still goes to standard error with status 2
    let out = run_with_stdout(&["--bogus".as_ref()], Stdio::piped());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_of(&out).contains("--bogus"));
}

#[test]
fn a_closed_standard_output_is_status_3_unless_nothing_is_written_there() {
    let dir = tempfile::tempdir().unwrap();
    let sh = |command: String| {
        std::process::Command::new("sh")
            .args(["-c", &format!("exec {command} >&-")])
            .output()
            .unwrap()
    };
    let p = binary().display().to_string();
    let c4 = cyclic_4().display().to_string();
    for command in [format!("'{p}' info '{c4}'"), format!("'{p}' design '{c4}'")] {
        let out = sh(command.clone());
        assert_eq!(out.status.code(), Some(3), "{command}: {}", stderr_of(&out));
        assert!(
            stderr_of(&out).contains("standard output"),
            "{}",
            stderr_of(&out)
        );
    }
    // with -o nothing goes to standard output, so a closed one is fine
    let layer = dir.path().join("c4.layer.json");
    let out = sh(format!("'{p}' design '{c4}' -o '{}'", layer.display()));
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(layer.exists());
    // and > /dev/null is not mistaken for a closed output
    let out = run_with_stdout(&["info".as_ref(), cyclic_4().as_os_str()], Stdio::null());
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

#[test]
fn instance_channels_runs_its_help_example_with_and_without_o() {
    let out = paramshare()
        .args(["instance", "channels"])
        .arg(cyclic_4())
        .args(["3", "16"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let inst = paramshare::instance::Instance::from_json_str(&text).unwrap();
    assert_eq!((inst.channels.input, inst.channels.output), (3, 16));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ch.json");
    paramshare()
        .args(["instance", "channels"])
        .arg(cyclic_4())
        .args(["3", "16", "-o"])
        .arg(&file)
        .assert()
        .success();
    let written = paramshare::instance::Instance::read(&file).unwrap();
    assert_eq!(written, inst);
}

#[test]
fn safetensors_exports_are_byte_for_byte_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..3 {
        let path = dir.path().join(format!("{i}.safetensors"));
        paramshare()
            .arg("design")
            .arg(cyclic_4())
            .args(["--format", "safetensors", "-o"])
            .arg(&path)
            .assert()
            .success();
        files.push(std::fs::read(&path).unwrap());
    }
    assert_eq!(files[0], files[1]);
    assert_eq!(files[0], files[2]);
    let (tying, meta) = paramshare::export::read_safetensors_tying(&files[0]).unwrap();
    assert_eq!((tying.rows, tying.cols), (4, 4));
    assert_eq!(meta.get("group_order").map(String::as_str), Some("4"));
}

#[test]
fn verify_o_recomputes_group_order() {
    let dir = tempfile::tempdir().unwrap();
    let layer = design_c4(dir.path());
    let text = std::fs::read_to_string(&layer).unwrap();
    let edited = text.replace("\"group_order\": \"4\"", "\"group_order\": \"1\"");
    assert_ne!(edited, text);
    std::fs::write(&layer, edited).unwrap();
    let back = dir.path().join("back.json");
    paramshare()
        .arg("verify")
        .arg(&layer)
        .arg("-o")
        .arg(&back)
        .assert()
        .success();
    let written = paramshare::layer::Layer::read(&back).unwrap();
    assert_eq!(written.group_order, "4");
    assert_eq!(written.exact, Some(true));
}

#[test]
fn instance_refuses_to_write_what_info_would_refuse_to_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    let out = paramshare()
        .args(["instance", "tensor", "4096", "2", "2", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("256 MiB"), "{}", stderr_of(&out));
    assert!(!file.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn duplicate_json_keys_are_refused_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("dup.json");
    std::fs::write(
        &file,
        r#"{"input_size": 2, "input_size": 3, "output_size": 2, "generators": []}"#,
    )
    .unwrap();
    let out = paramshare().arg("info").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("duplicate key \"input_size\""),
        "{}",
        stderr_of(&out)
    );
    let layer = dir.path().join("dup.layer.json");
    std::fs::write(
        &layer,
        r#"{"input_size": 1, "output_size": 1, "generators": [], "tying": [[0]], "exact": true, "exact": false}"#,
    )
    .unwrap();
    let out = paramshare().arg("verify").arg(&layer).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("duplicate key \"exact\""),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn control_characters_in_messages_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("esc.json");
    std::fs::write(
        &file,
        r#"{"input_size": "\u001b[31mX\u0007\nparamshare: forged", "output_size": 2, "generators": []}"#,
    )
    .unwrap();
    let out = paramshare().arg("info").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.contains(r"\u{1b}[31mX\u{7}\nparamshare: forged"),
        "{err:?}"
    );
    // a file name with a newline cannot forge a line either
    let odd = dir.path().join("a\nparamshare: ok.json");
    std::fs::write(&odd, "{").unwrap();
    let out = paramshare().arg("info").arg(&odd).output().unwrap();
    assert_eq!(stderr_of(&out).lines().count(), 1, "{:?}", stderr_of(&out));
}

#[test]
fn a_vertex_count_over_the_limit_names_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.edges");
    std::fs::write(&file, "vertices 16777216\n").unwrap();
    let out = paramshare()
        .args(["instance", "graph"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(err.contains("line 1") && err.contains("4194304"), "{err}");
}

#[test]
fn binary_formats_are_not_written_to_a_terminal() {
    // `script` gives the command a pseudo-terminal as standard output
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        panic!("util-linux `script` is needed for this test");
    }
    for format in ["npy", "safetensors", "coo-npy"] {
        let command = format!(
            "'{}' design '{}' --format {format}",
            binary().display(),
            cyclic_4().display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(2), "{format}: {text}");
        assert!(
            text.contains("refusing to write it to a terminal"),
            "{text}"
        );
        assert!(
            !text.contains("NUMPY"),
            "{format}: binary reached the terminal"
        );
    }
    // text formats still go to a terminal
    let command = format!("'{}' design '{}'", binary().display(), cyclic_4().display());
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn expand_channels_with_json_is_refused_even_without_channels() {
    let out = paramshare()
        .arg("design")
        .arg(cyclic_4())
        .args(["--format", "json", "--expand-channels"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--expand-channels"),
        "{}",
        stderr_of(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn ranges_are_written_inclusive_everywhere() {
    let out = paramshare()
        .args(["instance", "cycles", "4", "4", "(0 1 2 4)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("out of range 0..3"),
        "{}",
        stderr_of(&out)
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"{"input_size": 4, "output_size": 4, "generators": [{"input": [0, 1, 2, 4], "output": [0, 1, 2, 3]}]}"#,
    )
    .unwrap();
    let out = paramshare().arg("info").arg(&file).output().unwrap();
    assert!(
        stderr_of(&out).contains("4 is out of range 0..3"),
        "{}",
        stderr_of(&out)
    );
    std::fs::write(
        &file,
        r#"{"input_size": 4, "output_size": 4, "generators": [{"input": [0, 1, 2, 2], "output": [0, 1, 2, 3]}]}"#,
    )
    .unwrap();
    let out = paramshare().arg("info").arg(&file).output().unwrap();
    assert!(
        stderr_of(&out).contains("not a permutation of 0..3"),
        "{}",
        stderr_of(&out)
    );
}

#[test]
fn instance_sets_names_the_number_of_sets_and_their_size_in_words() {
    let out = paramshare()
        .args(["instance", "sets", "3", "4"])
        .output()
        .unwrap();
    let inst =
        paramshare::instance::Instance::from_json_str(&String::from_utf8(out.stdout).unwrap())
            .unwrap();
    // K = 3 elements per set, D = 4 sets
    assert_eq!(inst.name, "nested-sets-4-sets-of-3");
    assert_eq!(inst.input_size, 12);
    assert!(
        inst.description.contains("4 sets of 3 elements"),
        "{}",
        inst.description
    );
}

/// Runs `args` with a one-minute guard against a hang (a regression is
/// minutes; the speed itself is measured in benches, not asserted here).
fn run_guarded(args: &[&std::ffi::OsStr]) -> std::process::Output {
    paramshare()
        .args(args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap()
}

#[test]
fn info_on_a_huge_cyclic_group_and_on_many_redundant_generators() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["100000", "1000000"] {
        let file = dir.path().join(format!("c{n}.json"));
        paramshare()
            .args(["instance", "cyclic", n, "-o"])
            .arg(&file)
            .assert()
            .success();
        let out = run_guarded(&["info".as_ref(), file.as_os_str()]);
        assert_eq!(out.status.code(), Some(0), "C_{n}: {}", stderr_of(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&format!("group order:     {n}\n")), "{text}");
        assert!(text.contains("free on N:       yes"), "{text}");
    }
    // 10^5 generators on 10 + 10 points, all in S_10 acting alike on both
    // sides: a transposition and a 10-cycle, repeated
    let swap: Vec<usize> = [1, 0, 2, 3, 4, 5, 6, 7, 8, 9].to_vec();
    let cycle: Vec<usize> = (0..10).map(|i| (i + 1) % 10).collect();
    let gens: Vec<serde_json::Value> = (0..100_000)
        .map(|i| {
            let p = if i % 2 == 0 { &swap } else { &cycle };
            serde_json::json!({"input": p, "output": p})
        })
        .collect();
    let file = dir.path().join("many.json");
    let inst = serde_json::json!({"input_size": 10, "output_size": 10, "generators": gens});
    std::fs::write(&file, inst.to_string()).unwrap();
    let out = run_guarded(&["info".as_ref(), file.as_os_str()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("group order:     3628800\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn graphs_with_many_isolated_vertices_are_built_by_classes() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, vertices, order) in [
        ("empty", "vertices 3000\n", 3000, "order 3000!"),
        ("far", "0 10000\n", 10001, "order 9999! x 2!"),
    ] {
        let edges = dir.path().join(format!("{name}.edges"));
        std::fs::write(&edges, text).unwrap();
        let file = dir.path().join(format!("{name}.json"));
        let out = run_guarded(&[
            "instance".as_ref(),
            "graph".as_ref(),
            edges.as_os_str(),
            "-o".as_ref(),
            file.as_os_str(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let inst = paramshare::instance::Instance::read(&file).unwrap();
        assert_eq!(inst.input_size, vertices);
        assert!(inst.description.contains(order), "{}", inst.description);
        assert!(
            inst.generators.len() <= 3,
            "{name}: {} generators",
            inst.generators.len()
        );
    }
}

#[test]
fn info_on_huge_symmetric_and_dihedral_groups() {
    let dir = tempfile::tempdir().unwrap();
    let factorial =
        |n: u32| -> num_bigint::BigUint { (2..=n).map(num_bigint::BigUint::from).product() };
    let edges = dir.path().join("empty.edges");
    std::fs::write(&edges, "vertices 3000\n").unwrap();
    let complete_bipartite: String = (0..1500)
        .flat_map(|x| (1500..3000).map(move |y| format!("{x} {y}\n")))
        .collect();
    let k = dir.path().join("k1500.edges");
    std::fs::write(&k, complete_bipartite).unwrap();
    let cases: [(&str, Vec<&std::ffi::OsStr>, num_bigint::BigUint); 4] = [
        (
            "sym",
            vec!["symmetric".as_ref(), "3000".as_ref()],
            factorial(3000),
        ),
        (
            "dihedral",
            vec!["dihedral".as_ref(), "100000".as_ref()],
            num_bigint::BigUint::from(200_000u32),
        ),
        (
            "empty",
            vec!["graph".as_ref(), edges.as_os_str()],
            factorial(3000),
        ),
        (
            "k1500",
            vec!["graph".as_ref(), k.as_os_str()],
            factorial(1500) * factorial(1500) * 2u32,
        ),
    ];
    for (name, family, order) in cases {
        let file = dir.path().join(format!("{name}.json"));
        let mut args: Vec<&std::ffi::OsStr> = vec!["instance".as_ref()];
        args.extend(family);
        args.extend(["-o".as_ref(), file.as_os_str()]);
        let out = run_guarded(&args);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        // over 60 s each before the orders were proved from the generators
        let out = run_guarded(&["info".as_ref(), file.as_os_str(), "--json".as_ref()]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["group_order"], order.to_string(), "{name}");
        assert_eq!(
            report["exact_impossible"],
            serde_json::Value::Null,
            "{name}"
        );
    }
}
