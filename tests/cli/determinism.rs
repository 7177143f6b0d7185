//! Determinism: the same input gives byte-identical output from `info`,
//! from `design` with every method the binary offers, and from `verify` on
//! the dense layer, across repeated runs and across `RAYON_NUM_THREADS=1`
//! and `2`.

use assert_cmd::Command;
use paramshare::instance::{families, Instance};
use std::path::{Path, PathBuf};

/// Small instances from the families: regular, non-free, unfaithful, with channels.
fn instances() -> Vec<(&'static str, Instance)> {
    let natural = |g: Result<families::GroupAction, families::FamilyError>| {
        g.expect("family parameters are in range")
            .natural_instance()
    };
    vec![
        ("cyclic-12", natural(families::cyclic(12))),
        ("dihedral-7", natural(families::dihedral(7))),
        ("symmetric-5", natural(families::symmetric(5))),
        ("torus-4x6", natural(families::torus(4, 6))),
        ("d4-4", natural(families::d4(4))),
        ("sets-3x2", natural(families::nested_sets(3, 2))),
        (
            "tensor-4-2-1",
            families::tensor(4, 2, 1).expect("small tensor instance"),
        ),
        (
            "cyclic-6-channels",
            families::with_channels(natural(families::cyclic(6)), 2, 3).expect("channels in range"),
        ),
    ]
}

/// The methods `design --method` accepts, read from the binary's own error
/// message so that methods added later are covered without editing this test.
fn methods(instance: &Path) -> Vec<String> {
    let out = Command::cargo_bin("paramshare")
        .unwrap()
        .arg("design")
        .arg(instance)
        .args(["--method", "no-such-method"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let list = stderr
        .split("[possible values: ")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_else(|| panic!("no list of methods in {stderr}"));
    list.split(", ").map(|s| s.trim().to_string()).collect()
}

/// One run: exit status, standard output, and the written file (if any).
#[derive(Debug, PartialEq, Eq)]
struct Run {
    status: Option<i32>,
    stdout: Vec<u8>,
    file: Option<Vec<u8>>,
}

fn run(args: &[&str], instance: &Path, out: Option<&Path>, threads: Option<&str>) -> Run {
    let mut cmd = Command::cargo_bin("paramshare").unwrap();
    cmd.args(args).arg(instance);
    if let Some(o) = out {
        let _ = std::fs::remove_file(o);
        cmd.arg("-o").arg(o);
    }
    match threads {
        Some(t) => cmd.env("RAYON_NUM_THREADS", t),
        None => cmd.env_remove("RAYON_NUM_THREADS"),
    };
    cmd.timeout(std::time::Duration::from_secs(120));
    let output = cmd.output().unwrap();
    Run {
        status: output.status.code(),
        stdout: output.stdout,
        file: out.and_then(|o| std::fs::read(o).ok()),
    }
}

/// Small shipped instances whose sparse design takes more than 15 s
/// (release build, loaded machine, 2026-11-27: S4 wr S3 has order 82944);
/// they stay out of a test that runs every method four times.
const SLOW_TO_SEARCH: &[&str] = &["nested-sets-3x4"];

#[test]
fn info_and_design_are_byte_identical_across_runs_and_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    for (name, inst) in instances() {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, inst.to_json().to_string()).unwrap();
        files.push((name.to_string(), path));
    }
    // The shipped instances too, when small enough to design quickly.
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("instances");
    let mut shipped_files: Vec<PathBuf> = std::fs::read_dir(&shipped)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    shipped_files.sort();
    for path in shipped_files {
        if path.extension().is_some_and(|e| e == "json") {
            if let Ok(inst) = Instance::read(&path) {
                // Small layers only: every method (optimal included) runs four
                // times per file, and a 1024-entry pooling layer of a 32x32
                // image took minutes under sparse on a loaded machine, as did
                // the generating-set search of S4 wr S3 (order 82944).
                if inst.input_size * inst.output_size <= 256
                    && inst.input_size.max(inst.output_size) <= 32
                    && !SLOW_TO_SEARCH.contains(&inst.name.as_str())
                {
                    files.push((path.display().to_string(), path));
                }
            }
        }
    }
    let methods = methods(&files[0].1);
    assert!(methods.iter().any(|m| m == "dense"), "{methods:?}");
    let out = dir.path().join("layer.json");
    let thread_settings = [None, Some("1"), Some("2"), None];
    let mut compared = 0;
    for (name, path) in &files {
        let mut commands: Vec<(Vec<&str>, bool)> = vec![(vec!["info"], false)];
        for m in &methods {
            commands.push((vec!["design", "--method", m.as_str()], true));
        }
        for (args, writes) in commands {
            let runs: Vec<Run> = thread_settings
                .iter()
                .map(|t| run(&args, path, writes.then_some(out.as_path()), *t))
                .collect();
            for (k, r) in runs.iter().enumerate().skip(1) {
                assert_eq!(
                    r, &runs[0],
                    "{name}: `{}` differs between run 0 (RAYON_NUM_THREADS={:?}) and run {k} (RAYON_NUM_THREADS={:?})",
                    args.join(" "),
                    thread_settings[0],
                    thread_settings[k]
                );
            }
            if writes && runs[0].status == Some(0) {
                assert!(runs[0].file.is_some(), "{name}: {args:?} wrote no file");
            }
            compared += 1;
        }
    }
    // `verify` on each instance's dense layer, too.
    let verified = dir.path().join("verified.json");
    for (name, path) in &files {
        let dense = dir.path().join("dense.json");
        let made = run(&["design", "--method", "dense"], path, Some(&dense), None);
        assert_eq!(made.status, Some(0), "{name}: dense design failed");
        let runs: Vec<Run> = thread_settings
            .iter()
            .map(|t| run(&["verify"], &dense, Some(&verified), *t))
            .collect();
        for (k, r) in runs.iter().enumerate().skip(1) {
            assert_eq!(r, &runs[0], "{name}: `verify` differs in run {k}");
        }
        compared += 1;
    }
    println!("{compared} command/instance pairs, each run 4 times: identical");
}
