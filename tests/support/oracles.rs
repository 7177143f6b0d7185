//! Whether an oracle the comparisons need is installed: one policy for every test crate.
//!
//! Included with `#[path]` by tests/cli, tests/oracle and tests/optimality_suite
//! (a directory without main.rs is no test crate of its own). A missing oracle
//! fails the test under PARAMSHARE_REQUIRE_ORACLES=1 (scripts/test.sh sets it,
//! so a skipped comparison is never counted as a pass) and is skipped with a
//! note otherwise, so `cargo test` still runs on a machine without them.
#![allow(dead_code)] // each crate uses some of the oracles

use std::process::{Command, Stdio};

/// A program no one here wrote that the tests compare against.
#[derive(Clone, Copy, Debug)]
pub enum Oracle {
    /// nauty's dreadnaut (automorphism groups).
    Dreadnaut,
    /// python3 able to import this module (sympy, numpy, jsonschema).
    Python(&'static str),
}

impl Oracle {
    /// Whether it runs here.
    fn runs(self) -> bool {
        match self {
            // dreadnaut reads commands from standard input: with none it exits at once
            Oracle::Dreadnaut => Command::new("dreadnaut")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok(),
            Oracle::Python(module) => Command::new("python3")
                .args(["-c", &format!("import {module}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success()),
        }
    }

    /// What it is and how to install it (as scripts/oracles.sh says).
    fn describe(self) -> String {
        match self {
            Oracle::Dreadnaut => "dreadnaut (nauty): apt-get install nauty".into(),
            Oracle::Python(module) => {
                format!("python3 module {module}: python3 -m pip install {module}")
            }
        }
    }
}

/// Whether `oracle` runs here, so that `comparison` can run. When it does
/// not, see [`oracle_missing`]; returns false.
pub fn require_oracle(oracle: Oracle, comparison: &str) -> bool {
    let runs = oracle.runs();
    if !runs {
        oracle_missing(&oracle.describe(), comparison);
    }
    runs
}

/// Reports that `comparison` cannot run without `what`: panics under
/// PARAMSHARE_REQUIRE_ORACLES=1, prints a note otherwise (the caller then skips it).
pub fn oracle_missing(what: &str, comparison: &str) {
    if std::env::var("PARAMSHARE_REQUIRE_ORACLES").as_deref() == Ok("1") {
        panic!(
            "{comparison} needs {what} (PARAMSHARE_REQUIRE_ORACLES=1 makes a missing oracle \
             fail; scripts/oracles.sh --install installs every oracle)"
        );
    }
    eprintln!("note: skipping {comparison}, which needs {what}");
}
