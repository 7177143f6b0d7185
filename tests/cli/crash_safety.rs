//! Crash safety: a `design -o` killed while it writes a big layer leaves the
//! target either absent (or the old file, byte for byte) or a complete valid
//! layer, never a partial one; the temporary file a SIGKILL leaves behind is
//! removed by the next write into the same directory. A `batch` killed
//! midway leaves only complete files, and a rerun finishes the rest.

use paramshare::layer::Layer;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// A trivial group on 1500 inputs and outputs: the dense layer has 2.25M
/// distinct parameters, about 17 MB of JSON, so writing it takes a while.
fn big_instance(dir: &Path) -> PathBuf {
    let path = dir.join("big.json");
    std::fs::write(
        &path,
        r#"{"name": "big", "input_size": 1500, "output_size": 1500, "generators": []}"#,
    )
    .unwrap();
    path
}

fn spawn_design(instance: &Path, out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_paramshare"))
        .arg("design")
        .arg(instance)
        .arg("-o")
        .arg(out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".paramshare-") && n.ends_with(".tmp"))
        .collect()
}

/// Kills `child` once `ready` holds (or after `limit`), then reaps it.
fn kill_when(child: &mut Child, limit: Duration, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() && start.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill();
    child.wait().unwrap();
}

/// The target is either exactly `old` (absent when `None`) or a complete layer.
fn assert_old_or_complete(out: &Path, old: Option<&[u8]>, context: &str) {
    match std::fs::read(out) {
        Err(_) => assert!(old.is_none(), "{context}: the old file vanished"),
        Ok(bytes) if Some(bytes.as_slice()) == old => {}
        Ok(bytes) => {
            let text = String::from_utf8(bytes).expect("layer is UTF-8");
            let layer = Layer::from_json_str(&text)
                .unwrap_or_else(|e| panic!("{context}: partial or invalid layer: {e}"));
            assert_eq!((layer.input_size, layer.output_size), (1500, 1500));
            assert_eq!(layer.parameters, 1500 * 1500, "{context}");
        }
    }
}

#[test]
fn killing_design_mid_write_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let instance = big_instance(dir.path());
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let out = out_dir.join("layer.json");

    // 1. Kill as soon as the temporary file appears: mid-write for sure.
    let mut child = spawn_design(&instance, &out);
    kill_when(&mut child, Duration::from_secs(60), || {
        !temporaries(&out_dir).is_empty()
    });
    assert!(!out.exists(), "a killed first write created the target");
    let stale = temporaries(&out_dir);
    assert_eq!(stale.len(), 1, "SIGKILL leaves exactly its own temporary");

    // 2. A complete run replaces nothing partially and removes the stale temporary.
    let status = Command::new(env!("CARGO_BIN_EXE_paramshare"))
        .arg("design")
        .arg(&instance)
        .arg("-o")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_old_or_complete(&out, None, "after a full run");
    assert_eq!(temporaries(&out_dir), Vec::<String>::new());
    let complete = std::fs::read(&out).unwrap();
    // Written like any new file: 0666 less the umask (not tempfile's 0600).
    if let Some(umask) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Umask:").map(|v| v.trim().to_string()))
        })
        .and_then(|v| u32::from_str_radix(&v, 8).ok())
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask, "mode {mode:o} with umask {umask:o}");
    }

    // 3. Kill at several moments with a complete old file in place: the
    //    target is always the old file or a complete new one.
    for delay_ms in [0u64, 5, 20, 60, 150, 400] {
        let mut child = spawn_design(&instance, &out);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        assert_old_or_complete(
            &out,
            Some(&complete),
            &format!("killed after {delay_ms} ms"),
        );
        // Whatever the moment, the next write cleans up after the killed one.
        assert!(temporaries(&out_dir).len() <= 1);
    }
    let removed = paramshare::layer::remove_stale_temporaries(&out_dir);
    assert!(removed <= 1);
    assert_eq!(temporaries(&out_dir), Vec::<String>::new());
}

#[test]
fn temporaries_of_live_processes_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    // This process is alive: its (pretend) temporary must survive a cleanup.
    let live = dir
        .path()
        .join(format!(".paramshare-{}-abc.tmp", std::process::id()));
    std::fs::write(&live, b"partial").unwrap();
    // A pid far above any kernel's pid_max cannot be running.
    let dead = dir.path().join(".paramshare-4294967295-abc.tmp");
    std::fs::write(&dead, b"partial").unwrap();
    // Not ours: other names are never touched.
    let other = dir.path().join(".paramshare-notes.tmp");
    std::fs::write(&other, b"keep").unwrap();
    let removed = paramshare::layer::remove_stale_temporaries(dir.path());
    assert_eq!(removed, 1);
    assert!(live.exists() && other.exists() && !dead.exists());
}

/// Every file a (possibly killed) batch left in `out`: layers parse as
/// complete layers, JSON summaries parse; returns the temporaries left.
fn check_batch_outputs(out: &Path, context: &str) -> Vec<String> {
    let mut temporaries = Vec::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".paramshare-") && name.ends_with(".tmp") {
            temporaries.push(name);
        } else if name.ends_with(".layer.json") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            Layer::from_json_str(&text)
                .unwrap_or_else(|e| panic!("{context}: {name} is partial or invalid: {e}"));
        } else if name.ends_with(".json") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{context}: {name} is partial: {e}"));
        }
    }
    temporaries
}

#[test]
fn killing_a_batch_midway_keeps_finished_results_whole() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("instances");
    std::fs::create_dir(&inputs).unwrap();
    // Six trivial-group instances of 700 x 700: 490,000 distinct
    // parameters each, a few MB of JSON, so the batch is killed mid-flight.
    for k in 0..6 {
        std::fs::write(
            inputs.join(format!("big-{k}.json")),
            format!(
                r#"{{"name": "big-{k}", "input_size": {n}, "output_size": {n}, "generators": []}}"#,
                n = 700 + k
            ),
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let batch = |out: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_paramshare"));
        cmd.arg("batch")
            .arg(&inputs)
            .arg("--out")
            .arg(out)
            .args(["--threads", "2", "--format", "json,npy"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        cmd
    };
    for delay_ms in [0u64, 150] {
        let _ = std::fs::remove_dir_all(&out);
        let mut child = batch(&out).spawn().unwrap();
        if delay_ms == 0 {
            // As soon as the first layer is complete.
            kill_when(&mut child, Duration::from_secs(60), || {
                std::fs::read_dir(&out).is_ok_and(|d| {
                    d.flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(".layer.json"))
                })
            });
        } else {
            std::thread::sleep(Duration::from_millis(delay_ms));
            let _ = child.kill();
            child.wait().unwrap();
        }
        if out.exists() {
            let context = format!("batch killed after {delay_ms} ms");
            check_batch_outputs(&out, &context);
        }
        // Run it again to the end: finished results are kept, the rest made,
        // and the killed run's temporaries removed.
        let status = batch(&out).status().unwrap();
        assert!(
            status.success(),
            "rerun after kill at {delay_ms} ms: {status}"
        );
        let left = check_batch_outputs(&out, "rerun");
        assert_eq!(left, Vec::<String>::new(), "temporaries after the rerun");
        let layers = std::fs::read_dir(&out)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".layer.json"))
            .count();
        assert_eq!(layers, 6);
    }
}

#[test]
fn a_batch_leaves_temporaries_of_running_writers_alone() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("instances");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::write(
        inputs.join("c4.json"),
        r#"{"name": "c4", "input_size": 4, "output_size": 4, "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]}"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A temporary of this (running) test process, as another writer would have.
    let live = out.join(format!(".paramshare-{}-xyz.tmp", std::process::id()));
    std::fs::write(&live, b"being written").unwrap();
    let dead = out.join(".paramshare-4294967295-xyz.tmp");
    std::fs::write(&dead, b"left by a killed run").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_paramshare"))
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        live.exists(),
        "the batch removed a running writer's temporary"
    );
    assert!(!dead.exists(), "the batch kept a dead run's temporary");
}
