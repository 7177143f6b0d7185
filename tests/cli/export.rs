//! `paramshare design --format`: NPY, safetensors and COO exports read back into the layer's tying matrix.

use assert_cmd::cargo::CommandCargoExt;
use paramshare::export::{read_coo_text, read_npy_tying, read_safetensors_tying};
use paramshare::layer::Layer;
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn design(instance: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("paramshare")
        .expect("binary built")
        .arg("design")
        .arg(instance)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn cyclic_instance(dir: &Path, n: usize, channels: (usize, usize)) -> std::path::PathBuf {
    let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    let path = dir.join(format!("cyclic-{n}.json"));
    let inst = json!({"name": format!("cyclic-{n}"), "input_size": n, "output_size": n,
        "generators": [{"input": shift, "output": shift}],
        "channels": {"input": channels.0, "output": channels.1}});
    std::fs::write(&path, inst.to_string()).unwrap();
    path
}

#[test]
fn every_format_reads_back_into_the_json_tying() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = cyclic_instance(tmp.path(), 5, (1, 1));
    let json_path = tmp.path().join("l.json");
    assert!(design(&inst, &json_path, &[]).status.success());
    let layer = Layer::read(&json_path).unwrap();
    for method in ["dense", "optimal"] {
        let json_path = tmp.path().join(format!("{method}.json"));
        assert!(design(&inst, &json_path, &["--method", method])
            .status
            .success());
        let layer = Layer::read(&json_path).unwrap();
        let npy = tmp.path().join(format!("{method}.npy"));
        assert!(
            design(&inst, &npy, &["--method", method, "--format", "npy"])
                .status
                .success()
        );
        assert_eq!(
            read_npy_tying(&std::fs::read(&npy).unwrap()).unwrap(),
            layer.tying
        );
        let st = tmp.path().join(format!("{method}.safetensors"));
        assert!(
            design(&inst, &st, &["--method", method, "--format", "safetensors"])
                .status
                .success()
        );
        let (tying, meta) = read_safetensors_tying(&std::fs::read(&st).unwrap()).unwrap();
        assert_eq!(tying, layer.tying);
        assert_eq!(meta["method"], method);
        let coo = tmp.path().join(format!("{method}.coo.txt"));
        assert!(
            design(&inst, &coo, &["--method", method, "--format", "coo"])
                .status
                .success()
        );
        let text = std::fs::read_to_string(&coo).unwrap();
        assert_eq!(read_coo_text(&text, 5, 5).unwrap(), layer.tying);
    }
    assert_eq!(layer.parameters, 5);
}

#[test]
fn expanded_channels_copy_the_pattern_per_channel_pair() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = cyclic_instance(tmp.path(), 3, (2, 3));
    let json_path = tmp.path().join("l.json");
    assert!(design(&inst, &json_path, &[]).status.success());
    let layer = Layer::read(&json_path).unwrap();
    let npy = tmp.path().join("l.npy");
    let out = design(&inst, &npy, &["--format", "npy", "--expand-channels"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = read_npy_tying(&std::fs::read(&npy).unwrap()).unwrap();
    assert_eq!((t.rows, t.cols), (9, 6));
    let p = layer.parameters as i32;
    for r in 0..9 {
        for c in 0..6 {
            let base = layer.tying.get(r % 3, c % 3);
            let pair = ((r / 3) * 2 + c / 3) as i32;
            assert_eq!(t.get(r, c), if base < 0 { -1 } else { base + pair * p });
        }
    }
    let refused = design(&inst, &tmp.path().join("x.json"), &["--expand-channels"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!tmp.path().join("x.json").exists());
}

#[test]
fn layer_files_keep_their_extra_fields_when_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = cyclic_instance(tmp.path(), 4, (1, 1));
    let path = tmp.path().join("s.json");
    assert!(design(&inst, &path, &["--method", "sparse"])
        .status
        .success());
    let text = std::fs::read_to_string(&path).unwrap();
    let layer = Layer::read(&path).unwrap();
    // the sparse design explains why it is not exact in "notes"
    assert!(layer.extra.contains_key("notes"), "{text}");
    assert_eq!(layer.to_json_string(), text);
}
