//! `paramshare compare` and `paramshare render` through the binary.

use assert_cmd::cargo::CommandCargoExt;
use serde_json::json;
use std::path::Path;
use std::process::Command;

fn paramshare(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("paramshare")
        .expect("binary built")
        .args(args)
        .output()
        .unwrap()
}

fn cyclic(dir: &Path, n: usize) -> String {
    let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
    let path = dir.join(format!("cyclic-{n}.json"));
    let inst = json!({"name": format!("cyclic-{n}"), "input_size": n, "output_size": n,
                      "generators": [{"input": shift, "output": shift}]});
    std::fs::write(&path, inst.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn compare_prints_every_method_with_ratios_to_dense() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = cyclic(tmp.path(), 8);
    let out = paramshare(&["compare", &inst]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].contains("params/dense") && lines[0].contains("edges/dense"));
    let dense: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        &dense[..7],
        &["cyclic-8", "8", "8", "8", "dense", "8", "64"]
    );
    assert!(lines[2].contains("sparse") && lines[3].contains("optimal"));
    // every non-dense design here is smaller than dense: a ratio below 1
    assert!(lines[3].contains("(1/"), "{text}");

    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "[]").unwrap();
    let out = paramshare(&["compare", bad.to_str().unwrap(), "--methods", "dense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad (dense)"));
    // every method fails alike: one line, prefixed like every other command's errors
    let out = paramshare(&["compare", bad.to_str().unwrap(), &inst]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let expected = format!(
        "paramshare: bad (dense, sparse, optimal): {}: (top level): expected an object, found an array of length 0\n",
        bad.display()
    );
    assert_eq!(stderr, expected);
}

#[test]
fn render_writes_svg_and_png_and_refuses_other_types() {
    let tmp = tempfile::tempdir().unwrap();
    let inst = cyclic(tmp.path(), 4);
    let layer = tmp.path().join("c.layer.json");
    let out = paramshare(&["design", &inst, "-o", layer.to_str().unwrap()]);
    assert!(out.status.success());
    for name in ["c.svg", "c.png"] {
        let picture = tmp.path().join(name);
        let out = paramshare(&[
            "render",
            layer.to_str().unwrap(),
            "-o",
            picture.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::metadata(&picture).unwrap().len() > 100);
    }
    let png = std::fs::read(tmp.path().join("c.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let out = paramshare(&["render", layer.to_str().unwrap(), "-o", "c.gif"]);
    assert_eq!(out.status.code(), Some(2));
}
