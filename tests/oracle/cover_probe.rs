//! `--cover` on instances nobody here planted, checked by scripts/probe-cover.py against nauty and sympy.
//!
//! The probe draws seeded random graphs (with and without twin vertices),
//! tensors k -> l (invariant and pooling shapes among them), families with
//! natural, trivial and regular actions, and hand-written instances in which
//! one group acts differently on inputs and outputs (points, pairs, cosets,
//! fixed points, unions). It designs each with `design --method optimal
//! --cover` under both objectives, runs `batch --cover` and `compare
//! --cover` on them, and checks every layer with code of its own: nothing
//! unread or dead, G preserves the tying, |Aut| by dreadnaut on a graph the
//! probe builds (exact iff it is |G| from sympy), `optimal: true` with
//! `lower_bound` at the cost, `bias_tying` equal to sympy's output orbits,
//! and on small cases that every covering union of orbits cheaper than the
//! claim is not exact (dreadnaut), so a false optimality proof fails here.
//!
//! Needs python3 with sympy and dreadnaut; without them the test skips with
//! a note, or fails when PARAMSHARE_REQUIRE_ORACLES=1.

use crate::oracles::{require_oracle, Oracle};
use std::path::Path;
use std::process::Command;

#[test]
fn covering_designs_of_unplanted_instances_pass_the_outside_checks() {
    let nauty = require_oracle(Oracle::Dreadnaut, "the --cover probe");
    let sympy = require_oracle(Oracle::Python("sympy"), "the --cover probe");
    if !(nauty && sympy) {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/probe-cover.py");
    let out = Command::new("python3")
        .arg(script)
        .args(["--seed", "12", "--count", "10", "--time-limit", "60"])
        .arg("--bin")
        .arg(env!("CARGO_BIN_EXE_paramshare"))
        .arg("--work")
        .arg(work.path())
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the probe failed:\n{text}\n{errors}");
    assert!(text.contains("\n0 failures"), "{text}");
    // The probe checked what it says: read its tally back.
    let count = |key: &str| -> u64 {
        text.lines()
            .find_map(|l| {
                let (n, k) = l.trim().split_once("  ")?;
                (k.trim() == key).then(|| n.trim().parse().ok())?
            })
            .unwrap_or(0)
    };
    assert!(count("layers checked") >= 100, "{text}");
    assert!(
        count("brute force covering minimum checked") >= 60,
        "{text}"
    );
    assert!(count("not exact (closure is the target)") >= 5, "{text}");
    assert!(count("batch rows checked (edges)") >= 50, "{text}");
    assert!(count("compare rows checked (parameters)") >= 50, "{text}");
}
