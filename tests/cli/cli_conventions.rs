//! Command-line conventions: `-` for standard input and output, `info --json`, the summary line
//! after `design`, shortened orders in the terminal, shell completions and the manual page.

use assert_cmd::Command;
use std::path::Path;

fn paramshare() -> Command {
    Command::cargo_bin("paramshare").expect("the binary is built for integration tests")
}

fn instance(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("instances")
        .join(name)
        .display()
        .to_string()
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success();
    String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8 output")
}

#[test]
fn dash_output_writes_the_layer_to_standard_output_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = paramshare()
        .current_dir(dir.path())
        .args([
            "design",
            &instance("cyclic-4.json"),
            "--method",
            "optimal",
            "-o",
            "-",
        ])
        .assert()
        .success();
    let layer: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(layer["format"], "paramshare-layer/1");
    assert_eq!(layer["parameters"], 2);
    assert!(!dir.path().join("-").exists(), "a file named - was created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        stderr.ends_with("wrote standard output: 2 parameters, 8 edges, exact, optimal\n")
            || stderr.contains("wrote standard output: 2 parameters, 8 edges, exact, optimal ("),
        "{stderr}"
    );
}

#[test]
fn dash_input_reads_standard_input_in_every_command_that_reads_a_file() {
    let text = std::fs::read_to_string(instance("rings-c4-8.json")).unwrap();
    let report = stdout_of(paramshare().args(["info", "-"]).write_stdin(text.clone()));
    assert!(report.contains("group order:     4"), "{report}");
    let layer = stdout_of(
        paramshare()
            .args(["design", "-", "--method", "sparse"])
            .write_stdin(text.clone()),
    );
    // The paper's sparse design is not exact here: verify exits 1 with a witness.
    let verdict = paramshare()
        .args(["verify", "-"])
        .write_stdin(layer.clone())
        .assert()
        .code(1);
    let verdict = String::from_utf8_lossy(&verdict.get_output().stdout).into_owned();
    assert!(
        verdict.starts_with("not exact: |Aut(pattern)| = 8"),
        "{verdict}"
    );
    let svg = stdout_of(
        paramshare()
            .args(["render", "-", "-o", "-"])
            .write_stdin(layer),
    );
    assert!(svg.starts_with("<svg"), "{}", &svg[..svg.len().min(80)]);
    let bad = paramshare()
        .args(["info", "-"])
        .write_stdin("{\"input_size\": 2}")
        .assert()
        .code(2);
    let message = String::from_utf8_lossy(&bad.get_output().stderr).into_owned();
    assert!(
        message.starts_with("paramshare: standard input: "),
        "{message}"
    );
}

#[test]
fn dash_input_in_the_instance_builders_and_where_it_cannot_be_read() {
    let c4 = std::fs::read_to_string(instance("cyclic-4.json")).unwrap();
    let product = stdout_of(
        paramshare()
            .args(["instance", "product", "-"])
            .arg(instance("cyclic-4.json"))
            .write_stdin(c4.clone()),
    );
    let product: serde_json::Value = serde_json::from_str(&product).unwrap();
    assert_eq!(product["input_size"], 16);
    let graph = stdout_of(
        paramshare()
            .args(["instance", "graph", "-"])
            .write_stdin("0 1\n1 2\n"),
    );
    let graph: serde_json::Value = serde_json::from_str(&graph).unwrap();
    // standard input has no file name to call the graph after (was "graph--")
    assert_eq!(graph["name"], "graph");
    assert_eq!(graph["input_size"], 3);
    // Standard input can be read once, and batch and compare key their
    // results by file name: each refuses - with a reason, status 2 (before,
    // product read an empty second instance and batch looked for a file `-`).
    let out_dir = tempfile::tempdir().unwrap();
    let refused = [
        (
            vec!["instance", "product", "-", "-"],
            "product: standard input (-) can be only one",
        ),
        (
            vec!["compare", "-"],
            "-: batch and compare read instance files by name",
        ),
        (
            vec!["batch", "-", "--out"],
            "-: batch and compare read instance files by name",
        ),
    ];
    for (args, message) in refused {
        let mut cmd = paramshare();
        cmd.args(&args);
        if args[0] == "batch" {
            cmd.arg(out_dir.path().join("out"));
        }
        let out = cmd.write_stdin(c4.clone()).assert().code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with(&format!("paramshare: {message}")),
            "{args:?}: {stderr}"
        );
    }
    assert!(
        !out_dir.path().join("out").exists(),
        "batch - made its output directory"
    );
}

#[test]
fn design_ends_with_one_summary_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("layer.json");
    let out = paramshare()
        .args([
            "design",
            &instance("rings-c4-8.json"),
            "--method",
            "sparse",
            "-o",
        ])
        .arg(&file)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(
        last,
        format!(
            "wrote {}: 8 parameters, 32 edges, not exact (|Aut| = 8, |G| = 4), H of 2 proved smallest",
            file.display()
        )
    );
    assert!(file.exists());
}

#[test]
fn info_json_parses_and_keeps_every_digit_that_the_terminal_shortens() {
    let path = instance("families/symmetric-100.json");
    let json = stdout_of(paramshare().args(["info", "--json", &path]));
    let report: serde_json::Value = serde_json::from_str(&json).expect("info --json is JSON");
    let order = report["group_order"].as_str().unwrap();
    assert_eq!(order.len(), 158, "100! has 158 digits");
    assert!(order.starts_with("933262154439441526816992388562667"));
    assert_eq!(report["edge_orbits"], 2);
    assert_eq!(report["input_size"], 100);
    let text = stdout_of(paramshare().args(["info", &path]));
    assert!(text.contains("group order:     9.33e157\n"), "{text}");
    assert!(!text.contains(order));
}

#[test]
fn completions_and_the_manual_page_are_generated() {
    let bash = stdout_of(paramshare().args(["completions", "bash"]));
    assert!(
        bash.contains("_paramshare()") && bash.contains("complete -F"),
        "{bash}"
    );
    for shell in ["zsh", "fish"] {
        let script = stdout_of(paramshare().args(["completions", shell]));
        assert!(script.contains("design"), "{shell}: {script}");
    }
    let man = stdout_of(paramshare().arg("man"));
    assert!(man.contains(".TH paramshare 1"), "{man}");
    assert!(man.contains("design"));
    let dir = tempfile::tempdir().unwrap();
    paramshare()
        .args(["man", "--dir"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("paramshare-design.1").exists());
}

#[test]
fn long_witnesses_are_shortened_in_the_terminal() {
    // D_100's dense pattern claimed for C_100: the pattern's extra symmetry
    // is a reflection: 49 transpositions (x -> -x) or 50 (x -> 1 - x), about
    // 440 characters on each side
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    for (family, file) in [("dihedral", "d.json"), ("cyclic", "c.json")] {
        paramshare()
            .args(["instance", family, "100", "-o", &path(file)])
            .assert()
            .success();
    }
    paramshare()
        .args([
            "design",
            &path("d.json"),
            "--method",
            "dense",
            "-o",
            &path("dl.json"),
        ])
        .assert()
        .success();
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(path(name)).unwrap()).unwrap()
    };
    let mut layer = read("dl.json");
    layer["generators"] = read("c.json")["generators"].clone();
    layer["group_order"] = "100".into();
    for computed in ["automorphism_order", "closure_order", "exact"] {
        layer.as_object_mut().unwrap().remove(computed);
    }
    let out = paramshare()
        .arg("verify")
        .arg("-")
        .write_stdin(layer.to_string())
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.starts_with("not exact: |Aut(pattern)| = 200 but |G<N,M>| = 100\n"),
        "{text}"
    );
    for line in text.lines().filter(|l| l.starts_with("witness on")) {
        assert!(line.len() < 220, "not shortened: {line}");
        let (shown, left_out) = line.split_once(" ... and ").expect("shortened");
        let shown = shown.matches('(').count();
        let left_out: usize = left_out
            .strip_suffix(" more cycles")
            .unwrap()
            .parse()
            .unwrap();
        assert!((49..=50).contains(&(shown + left_out)), "{line}");
    }
    assert_eq!(
        text.lines().filter(|l| l.starts_with("witness on")).count(),
        2,
        "{text}"
    );
}
