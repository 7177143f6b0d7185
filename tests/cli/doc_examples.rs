//! Every `console` block in README.md and docs/*.md is run, and its committed output must match.
//!
//! A block is a session: lines starting with `$ ` are commands, the lines
//! after each command are what it printed (standard output; add `2>&1` to
//! show standard error). Commands run with bash, one after another, in a
//! fresh temporary directory per block where `instances/` and `examples/`
//! link to the repository's, and with the freshly built `paramshare` first on
//! PATH. So what a reader copies is what the test ran.
//!
//! - A command that exits non-zero fails the test unless it prints its
//!   status itself (`...; echo "exit status $?"`), so no example silently
//!   shows an error.
//! - A line `...` in an expected output stands for any number of lines
//!   (long outputs are shown by their head and tail).
//! - `<!-- example: timing -->` on the line before the block says the
//!   last column of each line (a word, or a Markdown table cell) may be a
//!   time in seconds: a number there is not compared.
//!
//! `scripts/update-examples.sh` runs this test with
//! `PARAMSHARE_UPDATE_EXAMPLES=1`, which rewrites the committed outputs
//! from what the program prints now (keeping a `...` elision's head and tail
//! line counts) instead of failing.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One fenced `console` block: where it is and what it holds.
struct Block {
    /// Line index of the opening fence.
    fence: usize,
    /// Line index of the closing fence.
    end: usize,
    /// The last column of every output line is a time.
    timing: bool,
}

/// A command and the output committed for it.
struct Step {
    command: String,
    expected: Vec<String>,
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown files whose examples are checked: README.md and docs/*.md.
fn documents() -> Vec<PathBuf> {
    let root = repository();
    let mut files = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists in the repository")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim_end() == "```console" {
            let timing = i > 0 && lines[i - 1].trim() == "<!-- example: timing -->";
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].trim_end() == "```")
                .unwrap_or_else(|| panic!("line {}: console block never closed", i + 1));
            found.push(Block {
                fence: i,
                end,
                timing,
            });
            i = end;
        }
        i += 1;
    }
    found
}

fn steps(body: &[&str]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in body {
        if let Some(command) = line.strip_prefix("$ ") {
            steps.push(Step {
                command: command.to_string(),
                expected: Vec::new(),
            });
        } else if let Some(step) = steps.last_mut() {
            step.expected.push(line.to_string());
        } else {
            panic!("console block starts with output, not a `$ ` command: {line:?}");
        }
    }
    steps
}

/// A sandbox for one block: links to the repository's inputs.
fn sandbox() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for name in ["instances", "examples"] {
        std::os::unix::fs::symlink(repository().join(name), dir.path().join(name))
            .expect("symlink into the sandbox");
    }
    dir
}

/// Runs one command with bash in `dir`; returns its output lines or why it failed.
fn run(command: &str, dir: &Path) -> Result<Vec<String>, String> {
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_paramshare"));
    let bin_dir = binary.parent().expect("the binary lives in a directory");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-o", "pipefail", "-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .env("COLUMNS", "100")
        .output()
        .map_err(|e| format!("cannot run bash: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() && !command.contains("$?") {
        return Err(format!(
            "`{command}` exited with {}; stderr:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(text.lines().map(str::to_string).collect())
}

/// The line without its last column when `timing` is set: a number or
/// `reused`, the last word of the line or the last cell of a Markdown row.
fn comparable(line: &str, timing: bool) -> &str {
    if !timing {
        return line;
    }
    let trimmed = line.trim_end();
    let (body, separator) = match trimmed.strip_suffix('|') {
        Some(row) => (row.trim_end(), '|'),
        None => (trimmed, ' '),
    };
    match body.rfind(separator) {
        Some(at) => {
            let last = body[at + 1..].trim();
            if last.parse::<f64>().is_ok() || last == "reused" {
                body[..at].trim_end()
            } else {
                trimmed
            }
        }
        None => trimmed,
    }
}

/// Whether `actual` matches `expected`, where a `...` line matches any run of lines.
fn matches(expected: &[String], actual: &[String], timing: bool) -> bool {
    match expected.iter().position(|l| l == "...") {
        None => {
            expected.len() == actual.len()
                && expected
                    .iter()
                    .zip(actual)
                    .all(|(e, a)| comparable(e, timing) == comparable(a, timing))
        }
        Some(at) => {
            let (head, tail) = (&expected[..at], &expected[at + 1..]);
            actual.len() >= head.len() + tail.len()
                && matches(head, &actual[..head.len()], timing)
                && matches(tail, &actual[actual.len() - tail.len()..], timing)
        }
    }
}

/// The committed form of `actual`: elided like `expected` when it has a `...`.
fn committed(expected: &[String], actual: &[String]) -> Vec<String> {
    match expected.iter().position(|l| l == "...") {
        Some(at) if actual.len() > expected.len() - 1 => {
            let tail = expected.len() - at - 1;
            let mut lines = actual[..at].to_vec();
            lines.push("...".into());
            lines.extend_from_slice(&actual[actual.len() - tail..]);
            lines
        }
        _ => actual.to_vec(),
    }
}

#[test]
fn every_console_example_prints_what_is_committed() {
    let update = std::env::var("PARAMSHARE_UPDATE_EXAMPLES").as_deref() == Ok("1");
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in documents() {
        let text = std::fs::read_to_string(&file).expect("a readable document");
        let lines: Vec<&str> = text.lines().collect();
        let mut rewritten: Vec<String> = Vec::new();
        let mut copied = 0;
        for block in blocks(&lines) {
            let dir = sandbox();
            rewritten.extend(lines[copied..=block.fence].iter().map(|l| l.to_string()));
            for step in steps(&lines[block.fence + 1..block.end]) {
                checked += 1;
                rewritten.push(format!("$ {}", step.command));
                match run(&step.command, dir.path()) {
                    Err(why) => {
                        problems.push(format!("{}: {why}", file.display()));
                        rewritten.extend(step.expected.iter().cloned());
                    }
                    Ok(actual) => {
                        if !matches(&step.expected, &actual, block.timing) {
                            problems.push(format!(
                                "{} line {}: `{}` now prints\n{}\n(committed:\n{})",
                                file.display(),
                                block.fence + 1,
                                step.command,
                                actual.join("\n"),
                                step.expected.join("\n")
                            ));
                            rewritten.extend(committed(&step.expected, &actual));
                        } else {
                            rewritten.extend(step.expected.iter().cloned());
                        }
                    }
                }
            }
            copied = block.end;
        }
        rewritten.extend(lines[copied..].iter().map(|l| l.to_string()));
        if update {
            let mut new_text = rewritten.join("\n");
            new_text.push('\n');
            if new_text != text {
                std::fs::write(&file, new_text).expect("rewrite the document");
                eprintln!("updated {}", file.display());
            }
        }
    }
    assert!(
        checked >= 10,
        "only {checked} example commands found in README.md and docs/"
    );
    if update {
        let failures: Vec<&String> = problems.iter().filter(|p| p.contains("exited")).collect();
        assert!(
            failures.is_empty(),
            "{}",
            failures
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    } else {
        assert!(
            problems.is_empty(),
            "{} example(s) differ from what the program prints now; run scripts/update-examples.sh and review the diff:\n\n{}",
            problems.len(),
            problems.join("\n\n")
        );
    }
}

/// The targets of Markdown links `[text](target)` in `text`.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("](") {
        rest = &rest[at + 2..];
        if let Some(end) = rest.find(')') {
            targets.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    targets
}

#[test]
fn every_relative_link_resolves_inside_the_repository() {
    let root = repository().canonicalize().unwrap();
    let mut files = documents();
    files.push(root.join("instances/README.md"));
    let mut broken = Vec::new();
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for target in link_targets(&text) {
            if target.starts_with("http://") || target.starts_with("https://") {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() {
                continue;
            }
            checked += 1;
            let resolved = file.parent().unwrap().join(path);
            let inside = resolved.canonicalize().is_ok_and(|p| p.starts_with(&root));
            if !inside {
                broken.push(format!("{}: {target}", file.display()));
            }
        }
    }
    assert!(checked >= 10, "only {checked} relative links found");
    assert!(
        broken.is_empty(),
        "links that do not resolve inside the repository:\n{}",
        broken.join("\n")
    );
}

/// The README is a gateway: what paramshare is, installing, two commands, one example, links.
#[test]
fn the_readme_stays_a_gateway() {
    let text = std::fs::read_to_string(repository().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines; move detail into docs/"
    );
    for needed in [
        "cargo install --path .",
        "scripts/test.sh",
        "docs/FORMATS.md",
    ] {
        assert!(
            text.contains(needed),
            "README.md no longer mentions {needed}"
        );
    }
}
