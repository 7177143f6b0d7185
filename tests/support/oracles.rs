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

/// Runs nauty's dreadnaut with `script` on its standard input and returns
/// the group size it prints after `grpsize=`, as printed (`24`, or
/// `5.19024039e20` beyond its integer range).
pub fn dreadnaut_group_size(script: &[u8]) -> String {
    use std::io::Write;
    let mut child = Command::new("dreadnaut")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dreadnaut runs (checked by require_oracle)");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(script)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text
        .find("grpsize=")
        .unwrap_or_else(|| panic!("no grpsize in dreadnaut output: {text}"));
    text[at + 8..]
        .split(|c: char| c == ';' || c.is_whitespace())
        .next()
        .unwrap()
        .to_string()
}

/// Whether dreadnaut's printed group size is the decimal `ours`: exactly
/// when it is printed as an integer; otherwise (`m.mmmmmmmmmmmmeEEE`, often
/// beyond f64's range: 5.6e574 for a pooling layer of a 32x32 image) the
/// exponent exactly and the printed digits within one unit of `ours`
/// rounded to as many digits (dreadnaut multiplies in floating point).
pub fn dreadnaut_order_matches(printed: &str, ours: &str) -> bool {
    let Some((mantissa, exponent)) = printed.split_once('e') else {
        return printed == ours;
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let (Ok(theirs), Ok(exponent)) = (digits.parse::<u128>(), exponent.parse::<usize>()) else {
        return false;
    };
    let k = digits.len();
    if ours.is_empty() || !ours.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    // ours to k significant digits: padded with zeros when shorter (13377208320
    // is printed 1.337720832000e10), else rounded, carrying into a new digit
    // (99996 -> 1.000e5)
    let mut ours_exponent = ours.len() - 1;
    let padded = format!("{ours:0<k$}");
    // k digits fit: `theirs`, k digits long, parsed as a u128
    let mut head: u128 = padded[..k].parse().expect("k digits fit in a u128");
    if ours.len() > k && ours.as_bytes()[k] >= b'5' {
        head += 1;
        if head == 10u128.pow(k as u32) {
            head /= 10;
            ours_exponent += 1;
        }
    }
    ours_exponent == exponent && head.abs_diff(theirs) <= 1
}

#[test]
fn dreadnaut_orders_match_exactly_or_to_the_printed_digits() {
    assert!(dreadnaut_order_matches("24", "24"));
    assert!(!dreadnaut_order_matches("24", "48"));
    // 20! = 2432902008176640000
    assert!(dreadnaut_order_matches(
        "2.432902008177e18",
        "2432902008176640000"
    ));
    assert!(dreadnaut_order_matches(
        "2.432902008176e18",
        "2432902008176640000"
    ));
    assert!(!dreadnaut_order_matches(
        "2.432902008179e18",
        "2432902008176640000"
    ));
    assert!(!dreadnaut_order_matches(
        "2.432902008177e17",
        "2432902008176640000"
    ));
    assert!(!dreadnaut_order_matches(
        "2.432902008177e18",
        "24329020081766400000"
    ));
    // rounding carries into a new digit
    assert!(dreadnaut_order_matches("1.000e5", "99996"));
    assert!(!dreadnaut_order_matches("1.000e4", "99996"));
    assert!(!dreadnaut_order_matches("1.000e4", "9999"));
    // fewer digits than printed
    assert!(dreadnaut_order_matches("1.337720832000e10", "13377208320"));
    assert!(!dreadnaut_order_matches("1.337720832000e10", "13377208330"));
}
