//! The malformed-input suite: each kind of broken instance or layer file is
//! run through the real binary (`info`, `design` and `compare` for
//! instances, `verify` and `render` for layers, and every command that takes
//! a file for files that cannot be read at all),
//! which must exit with status 2, print a message naming the field and index,
//! and leave no output file and no temporary file behind.
//!
//! The test also builds the table "what was tried and what happened" and
//! compares it with the committed docs/MALFORMED.md, so the table always
//! shows what the suite really observed; `scripts/update-examples.sh`
//! (`PARAMSHARE_UPDATE_EXAMPLES=1`) rewrites that file instead. The table
//! is also written to `$CARGO_TARGET_TMPDIR/malformed-table.md` (and to the
//! path in `PARAMSHARE_MALFORMED_TABLE` when that is set).

use assert_cmd::Command;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How the input file of a case is made.
enum Input {
    /// A file with these bytes.
    Bytes(Vec<u8>),
    /// A path where nothing exists.
    Missing,
    /// A directory instead of a file.
    Directory,
    /// A file the process may not read (only meaningful when not root).
    Unreadable,
    /// An existing path outside the scratch directory, e.g. `/dev/zero`.
    Path(&'static str),
    /// A sparse file of this many bytes (zeros).
    Sparse(u64),
}

/// Which command a case is run through.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Command_ {
    Info,
    Design,
    Verify,
    Render,
    Compare,
}

impl Command_ {
    fn name(self) -> &'static str {
        match self {
            Command_::Info => "info",
            Command_::Design => "design",
            Command_::Verify => "verify",
            Command_::Render => "render",
            Command_::Compare => "compare",
        }
    }
}

/// One kind of malformed input and the message it must produce.
struct Case {
    kind: &'static str,
    input: Input,
    /// The part of standard error that must appear (after the file name).
    expect: &'static str,
    /// Which file type: instance cases go through `info` and `design`, layer
    /// cases through `verify` (and the library parser).
    layer: bool,
    /// The commands to run it through, when not the default for its type.
    only: Option<Command_>,
    /// Run through every command (problems of the file, not its contents).
    all: bool,
}

fn text(s: &str) -> Input {
    Input::Bytes(s.as_bytes().to_vec())
}

/// A JSON object of `base`'s fields (values as JSON text) with `fields`
/// replaced, added at the end, or removed (value `<absent>`).
fn object_with(base: &[(&str, &str)], fields: &[(&str, &str)]) -> Input {
    let mut all: Vec<(String, String)> = base
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in fields {
        match all.iter_mut().find(|(bk, _)| bk == k) {
            Some(entry) if *v == "<absent>" => entry.1 = String::new(),
            Some(entry) => entry.1 = v.to_string(),
            None => all.push((k.to_string(), v.to_string())),
        }
    }
    let body: Vec<String> = all
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect();
    text(&format!("{{{}}}", body.join(", ")))
}

/// A valid instance on 4 points with `fields` replaced or added.
fn instance_with(fields: &[(&str, &str)]) -> Input {
    object_with(
        &[
            ("name", "\"c4\""),
            ("input_size", "4"),
            ("output_size", "4"),
            (
                "generators",
                r#"[{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]"#,
            ),
        ],
        fields,
    )
}

fn gens(input: &str, output: &str) -> String {
    format!(r#"[{{"input": {input}, "output": {output}}}]"#)
}

/// A valid dense C4 layer with `fields` replaced or added.
fn layer_with(fields: &[(&str, &str)]) -> Input {
    object_with(
        &[
            ("format", "\"paramshare-layer/1\""),
            ("instance", "\"c4\""),
            ("method", "\"dense\""),
            ("input_size", "4"),
            ("output_size", "4"),
            (
                "generators",
                r#"[{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]"#,
            ),
            ("group_order", "\"4\""),
            ("parameters", "4"),
            ("edges", "16"),
            (
                "tying",
                "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1], [1, 2, 3, 0]]",
            ),
        ],
        fields,
    )
}

fn instance_case(kind: &'static str, input: Input, expect: &'static str) -> Case {
    Case {
        kind,
        input,
        expect,
        layer: false,
        only: None,
        all: false,
    }
}

/// A case about the file itself: run through every command.
fn any_file(kind: &'static str, input: Input, expect: &'static str) -> Case {
    Case {
        kind,
        input,
        expect,
        layer: false,
        only: None,
        all: true,
    }
}

fn layer_case(kind: &'static str, input: Input, expect: &'static str) -> Case {
    Case {
        kind,
        input,
        expect,
        layer: true,
        only: None,
        all: false,
    }
}

fn cases() -> Vec<Case> {
    let valid = r#"{"name": "c4", "input_size": 4, "output_size": 4, "generators": [{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}]}"#;
    let mut garbage: Vec<u8> = Vec::new();
    // A fixed pseudo-random byte string (xorshift), not valid UTF-8.
    let mut x: u32 = 0x9e37_79b9;
    for _ in 0..512 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        garbage.push((x >> 24) as u8);
    }
    garbage[0] = 0xff;
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let mut bom = vec![0xef, 0xbb, 0xbf];
    bom.extend_from_slice(valid.as_bytes());
    let empty_rows = format!("[{}]", vec!["[]"; 1000].join(", "));
    let empty_rows: &'static str = Box::leak(empty_rows.into_boxed_str());
    let big_layer_gens = "[]";
    vec![
        // --- files that are not JSON at all
        any_file(
            "empty file",
            text(""),
            "not valid JSON: EOF while parsing a value at line 1 column 0",
        ),
        instance_case(
            "only whitespace",
            text("  \n\t\n"),
            "not valid JSON: EOF while parsing a value at line 3 column 0",
        ),
        instance_case(
            "truncated JSON",
            text(&valid[..valid.len() / 2]),
            "not valid JSON: EOF while parsing a string at line 1 column 57",
        ),
        any_file(
            "binary garbage (not UTF-8)",
            Input::Bytes(garbage),
            "not UTF-8 text",
        ),
        instance_case(
            "control characters",
            Input::Bytes(b"\x01\x02\x03{}".to_vec()),
            "not valid JSON: expected value at line 1 column 1",
        ),
        instance_case(
            "byte-order mark before the JSON",
            Input::Bytes(bom),
            "not valid JSON: expected value at line 1 column 1",
        ),
        instance_case(
            "trailing garbage after the object",
            text(&format!("{valid} xyz")),
            "not valid JSON: trailing characters at line 1 column",
        ),
        instance_case(
            "NaN literal",
            instance_with(&[("input_size", "NaN")]),
            "not valid JSON: expected value at line 1 column",
        ),
        any_file(
            "nested garbage 10000 deep",
            text(&deep),
            "not valid JSON: recursion limit exceeded at line 1 column 128",
        ),
        instance_case(
            "number beyond f64 (1e400)",
            instance_with(&[("input_size", "1e400")]),
            "not valid JSON: number out of range at line 1 column",
        ),
        // --- JSON of the wrong shape
        any_file(
            "top level is an array",
            text("[1, 2]"),
            "(top level): expected an object, found an array of length 2",
        ),
        instance_case(
            "top level is null",
            text("null"),
            "(top level): expected an object, found null",
        ),
        instance_case(
            "missing input_size",
            instance_with(&[("input_size", "<absent>")]),
            "input_size: missing (expected a non-negative integer)",
        ),
        instance_case(
            "missing output_size",
            instance_with(&[("output_size", "<absent>")]),
            "output_size: missing (expected a non-negative integer)",
        ),
        instance_case(
            "missing generators",
            instance_with(&[("generators", "<absent>")]),
            "generators: missing (use [] for the trivial group)",
        ),
        instance_case(
            "size is a string",
            instance_with(&[("input_size", "\"4\"")]),
            "input_size: expected a non-negative integer, found the string \"4\"",
        ),
        instance_case(
            "negative size",
            instance_with(&[("output_size", "-4")]),
            "output_size: expected a non-negative integer, found -4",
        ),
        instance_case(
            "fractional size",
            instance_with(&[("input_size", "4.5")]),
            "input_size: expected a non-negative integer, found 4.5",
        ),
        instance_case(
            "size beyond u64",
            instance_with(&[("input_size", "123456789012345678901234567890")]),
            "input_size: expected a non-negative integer, found 1.2345678901234568e+29",
        ),
        instance_case(
            "size above the per-side limit",
            instance_with(&[("input_size", "16777217")]),
            "input_size: 16777217 is too large (at most 16777216 points per side)",
        ),
        instance_case(
            "generators is an object",
            instance_with(&[("generators", "{}")]),
            "generators: expected an array of {\"input\": [...], \"output\": [...]} pairs, found an object",
        ),
        instance_case(
            "generator is an array, not a pair",
            instance_with(&[(
                "generators",
                r#"[{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}, [1, 2, 3, 0]]"#,
            )]),
            "generators[1]: expected an object with \"input\" and \"output\", found an array of length 4",
        ),
        instance_case(
            "generator without input",
            instance_with(&[("generators", r#"[{"output": [1, 2, 3, 0]}]"#)]),
            "generators[0].input: missing",
        ),
        instance_case(
            "generator without output",
            instance_with(&[("generators", r#"[{"input": [1, 2, 3, 0]}]"#)]),
            "generators[0].output: missing",
        ),
        instance_case(
            "generator image is null",
            instance_with(&[("generators", &gens("null", "[1, 2, 3, 0]"))]),
            "generators[0].input: expected an array of 4 integers (an image array), found null",
        ),
        instance_case(
            "generator too short",
            instance_with(&[("generators", &gens("[1, 2, 0]", "[1, 2, 3, 0]"))]),
            "generators[0].input: has length 3, expected 4",
        ),
        instance_case(
            "generator too long",
            instance_with(&[("generators", &gens("[1, 2, 3, 0]", "[1, 2, 3, 4, 0]"))]),
            "generators[0].output: has length 5, expected 4",
        ),
        instance_case(
            "sizes disagree with a later generator",
            instance_with(&[(
                "generators",
                r#"[{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}, {"input": [0, 1, 2], "output": [0, 1, 2, 3]}]"#,
            )]),
            "generators[1].input: has length 3, expected 4",
        ),
        instance_case(
            "image entry is a string",
            instance_with(&[("generators", &gens("[1, 2, \"3\", 0]", "[1, 2, 3, 0]"))]),
            "generators[0].input[2]: expected an integer, found the string \"3\"",
        ),
        instance_case(
            "image entry is a float",
            instance_with(&[("generators", &gens("[1.0, 2, 3, 0]", "[1, 2, 3, 0]"))]),
            "generators[0].input[0]: expected an integer, found 1.0",
        ),
        instance_case(
            "image entry is huge",
            instance_with(&[("generators", &gens("[1, 2, 3, 0]", "[1, 1e300, 3, 0]"))]),
            "generators[0].output[1]: expected an integer, found 1e+300",
        ),
        instance_case(
            "image entry is negative",
            instance_with(&[("generators", &gens("[1, -1, 3, 0]", "[1, 2, 3, 0]"))]),
            "generators[0].input[1]: -1 is out of range 0..3",
        ),
        instance_case(
            "image index out of range",
            instance_with(&[("generators", &gens("[1, 2, 3, 0]", "[1, 2, 3, 4]"))]),
            "generators[0].output[3]: 4 is out of range 0..3",
        ),
        instance_case(
            "not a permutation (repeated image)",
            instance_with(&[("generators", &gens("[1, 1, 3, 0]", "[1, 2, 3, 0]"))]),
            "generators[0].input: 1 appears twice, not a permutation of 0..3",
        ),
        instance_case(
            "name is a number",
            instance_with(&[("name", "7")]),
            "name: expected a string, found 7",
        ),
        instance_case(
            "description is an array",
            instance_with(&[("description", "[]")]),
            "description: expected a string, found an array of length 0",
        ),
        instance_case(
            "channels is an array",
            instance_with(&[("channels", "[1, 1]")]),
            "channels: expected an object {\"input\": K, \"output\": K'}, found an array of length 2",
        ),
        instance_case(
            "zero channels",
            instance_with(&[("channels", r#"{"input": 0, "output": 1}"#)]),
            "channels.input: expected an integer from 1 to 65536, found 0",
        ),
        instance_case(
            "negative channels",
            instance_with(&[("channels", r#"{"input": 1, "output": -2}"#)]),
            "channels.output: expected an integer from 1 to 65536, found -2",
        ),
        instance_case(
            "too many channels",
            instance_with(&[("channels", r#"{"input": 65537}"#)]),
            "channels.input: expected an integer from 1 to 65536, found 65537",
        ),
        // --- files that cannot be read
        any_file(
            "missing file",
            Input::Missing,
            "No such file or directory",
        ),
        any_file(
            "a directory instead of a file",
            Input::Directory,
            "is a directory, not a file",
        ),
        any_file(
            "endless input (/dev/zero)",
            Input::Path("/dev/zero"),
            "longer than 256 MiB, the most paramshare reads",
        ),
        any_file(
            "file longer than the read limit (300 MB)",
            Input::Sparse(300 << 20),
            "longer than 256 MiB, the most paramshare reads",
        ),
        Case {
            only: Some(Command_::Design),
            ..instance_case(
                "layer too large for memory (100000 x 100000, trivial group)",
                instance_with(&[
                    ("input_size", "100000"),
                    ("output_size", "100000"),
                    ("generators", "[]"),
                ]),
                "a 100000 x 100000 layer needs about",
            )
        },
        instance_case(
            "unreadable file (permission denied)",
            Input::Unreadable,
            "Permission denied",
        ),
        // --- layer files (FORMATS.md paramshare-layer/1)
        layer_case(
            "layer: wrong format tag",
            layer_with(&[("format", "\"paramshare-layer/2\"")]),
            "format: \"paramshare-layer/2\" is not supported (expected \"paramshare-layer/1\")",
        ),
        layer_case(
            "layer: missing tying",
            layer_with(&[("tying", "<absent>")]),
            "tying: missing (expected an array of output_size rows)",
        ),
        layer_case(
            "layer: tying is a string",
            layer_with(&[("tying", "\"dense\"")]),
            "tying: expected an array of rows, found the string \"dense\"",
        ),
        layer_case(
            "layer: too few rows",
            layer_with(&[("tying", "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1]]")]),
            "tying: has 3 rows, expected output_size = 4",
        ),
        layer_case(
            "layer: row of wrong length",
            layer_with(&[(
                "tying",
                "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0], [1, 2, 3, 0]]",
            )]),
            "tying[2]: has length 3, expected input_size = 4",
        ),
        layer_case(
            "layer: row is a number",
            layer_with(&[("tying", "[[0, 1, 2, 3], 5, [2, 3, 0, 1], [1, 2, 3, 0]]")]),
            "tying[1]: expected an array, found 5",
        ),
        layer_case(
            "layer: tying index below -1",
            layer_with(&[(
                "tying",
                "[[0, -2, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1], [1, 2, 3, 0]]",
            )]),
            "tying[0][1]: expected -1 or a parameter index, found -2",
        ),
        layer_case(
            "layer: tying index is a string",
            layer_with(&[(
                "tying",
                "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, \"0\", 1], [1, 2, 3, 0]]",
            )]),
            "tying[2][2]: expected -1 or a parameter index, found the string \"0\"",
        ),
        layer_case(
            "layer: tying index beyond i32",
            layer_with(&[(
                "tying",
                "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1], [1, 2, 3, 4294967296]]",
            )]),
            "tying[3][3]: expected -1 or a parameter index, found 4294967296",
        ),
        layer_case(
            "layer: tying indices with a gap",
            layer_with(&[(
                "tying",
                "[[0, 1, 3, 4], [4, 0, 1, 3], [3, 4, 0, 1], [1, 3, 4, 0]]",
            )]),
            "tying: parameter 2 is never used; indices must be exactly 0..4",
        ),
        layer_case(
            "layer: one huge tying index (would need 2^31 flags)",
            layer_with(&[(
                "tying",
                "[[0, 1, 2, 3], [3, 0, 1, 2], [2, 3, 0, 1], [1, 2, 3, 2147483646]]",
            )]),
            "tying: parameter 4 is never used; indices must be exactly 0..2147483646",
        ),
        layer_case(
            "layer: parameters disagrees with tying",
            layer_with(&[("parameters", "5")]),
            "parameters: is 5, but tying uses 4",
        ),
        layer_case(
            "layer: edges disagrees with tying",
            layer_with(&[("edges", "12")]),
            "edges: is 12, but tying has 16",
        ),
        layer_case(
            "layer: exact is a string",
            layer_with(&[("exact", "\"yes\"")]),
            "exact: expected true or false, found the string \"yes\"",
        ),
        layer_case(
            "layer: group_order is a number",
            layer_with(&[("group_order", "4")]),
            "group_order: expected a string, found 4",
        ),
        layer_case(
            "layer: generators of the wrong length",
            layer_with(&[("generators", &gens("[1, 2, 3, 0]", "[1, 2, 0]"))]),
            "generators[0].output: has length 3, expected 4",
        ),
        layer_case(
            "layer: claimed 16777216 columns, rows present are empty",
            layer_with(&[
                ("input_size", "16777216"),
                ("output_size", "1000"),
                ("generators", big_layer_gens),
                ("tying", empty_rows),
            ]),
            "tying[0]: has length 0, expected input_size = 16777216",
        ),
        layer_case(
            "layer: empty file",
            text(""),
            "not valid JSON: EOF while parsing a value at line 1 column 0",
        ),
    ]
}

/// Whether the process can read a file after `chmod 000` (true for root).
fn permissions_are_bypassed(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, b"x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(&probe).is_ok();
    std::fs::remove_file(&probe).unwrap();
    readable
}

/// Creates the case's input under `dir` and returns its path.
fn make_input(input: &Input, dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("input.json");
    match input {
        Input::Bytes(b) => std::fs::write(&path, b).unwrap(),
        Input::Missing => {}
        Input::Directory => std::fs::create_dir(&path).unwrap(),
        Input::Unreadable => {
            std::fs::write(&path, b"{}").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        }
        Input::Path(p) => return PathBuf::from(p),
        Input::Sparse(len) => std::fs::File::create(&path).unwrap().set_len(*len).unwrap(),
    }
    path
}

/// What one run of the binary did.
struct Outcome {
    status: Option<i32>,
    stderr: String,
    stdout_len: usize,
    leftovers: Vec<String>,
}

fn run_case(case: &Case, command: Command_, scratch: &Path) -> Outcome {
    let input_dir = scratch.join("in");
    let out_dir = scratch.join("out");
    std::fs::create_dir_all(&input_dir).unwrap();
    std::fs::create_dir_all(&out_dir).unwrap();
    let path = make_input(&case.input, &input_dir);
    let out_path = out_dir.join(if command == Command_::Render {
        "result.svg"
    } else {
        "result.json"
    });
    let mut cmd = Command::cargo_bin("paramshare").unwrap();
    cmd.arg(command.name()).arg(&path);
    if !matches!(command, Command_::Info | Command_::Compare) {
        cmd.arg("-o").arg(&out_path);
    }
    if command == Command_::Design {
        // A fixed budget keeps the too-large message the same on every machine.
        cmd.args(["--memory-limit", "16G"]);
    }
    cmd.timeout(std::time::Duration::from_secs(60));
    let output = cmd.output().unwrap();
    let leftovers: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let stderr =
        String::from_utf8_lossy(&output.stderr).replace(&path.display().to_string(), "FILE");
    Outcome {
        status: output.status.code(),
        stderr,
        stdout_len: output.stdout.len(),
        leftovers,
    }
}

fn markdown_cell(s: &str) -> String {
    let one_line = s.trim().replace('\n', " ");
    let short = if one_line.chars().count() > 160 {
        let cut: String = one_line.chars().take(160).collect();
        format!("{cut}...")
    } else {
        one_line
    };
    format!("`{}`", short.replace('|', "\\|").replace('`', "'"))
}

/// docs/MALFORMED.md: a heading, how the table was made, and the table.
fn malformed_document(kinds: usize, table: &str) -> String {
    format!(
        "# Malformed input: what was tried and what happened\n\n\
         Generated by `scripts/update-examples.sh` from tests/cli/malformed.rs, which \
         fails when this file differs from what it observes. It tries {kinds} kinds \
         of broken input. Every row is a run of the real binary, except the \
         `Layer::from_json_str` rows, which call the library parser directly. \
         Exit status 2 and the message are asserted; so is that no output file and \
         no temporary file was left in the `-o` directory. An unreadable file \
         (permission denied) is tried only when the suite does not run as root, \
         and is left out of this table.\n\n{table}"
    )
}

#[test]
fn every_malformed_input_exits_2_with_its_message_and_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let as_root = permissions_are_bypassed(root.path());
    let mut table = String::new();
    table.push_str("| # | what was tried | command | exit | message (FILE = the input path) |\n");
    table.push_str("|---|---|---|---|---|\n");
    let mut failures: Vec<String> = Vec::new();
    let mut kinds = 0;
    for (k, case) in cases().iter().enumerate() {
        kinds += 1;
        // Kept out of the table, which must not depend on who runs the suite.
        let unreadable = matches!(case.input, Input::Unreadable);
        if unreadable && as_root {
            continue;
        }
        let commands: Vec<Command_> = if let Some(only) = case.only {
            vec![only]
        } else if case.all {
            vec![
                Command_::Info,
                Command_::Design,
                Command_::Verify,
                Command_::Render,
            ]
        } else if case.layer {
            vec![Command_::Verify, Command_::Render]
        } else {
            vec![Command_::Info, Command_::Design, Command_::Compare]
        };
        if case.layer {
            // The library parser as well as the binary.
            let bytes = match &case.input {
                Input::Bytes(b) => b.clone(),
                _ => unreachable!("layer cases are files"),
            };
            let got = paramshare::layer::Layer::from_json_str(&String::from_utf8(bytes).unwrap());
            let message = match &got {
                Ok(_) => "accepted".to_string(),
                Err(e) => e.to_string(),
            };
            writeln!(
                table,
                "| {} | {} | `Layer::from_json_str` | - | {} |",
                k + 1,
                case.kind,
                markdown_cell(&message)
            )
            .unwrap();
            if !message.contains(case.expect) {
                failures.push(format!(
                    "{} (library): expected {:?}, got {:?}",
                    case.kind, case.expect, message
                ));
            }
        }
        for command in commands {
            let scratch = root.path().join(format!("{k}-{}", command.name()));
            let outcome = run_case(case, command, &scratch);
            let status = outcome
                .status
                .map_or("killed by a signal".to_string(), |c| c.to_string());
            if !unreadable {
                writeln!(
                    table,
                    "| {} | {} | `{}` | {} | {} |",
                    k + 1,
                    case.kind,
                    command.name(),
                    status,
                    markdown_cell(&outcome.stderr)
                )
                .unwrap();
            }
            let label = format!("{} ({})", case.kind, command.name());
            if outcome.status != Some(2) {
                failures.push(format!(
                    "{label}: exit {status}, stderr {:?}",
                    outcome.stderr
                ));
            }
            // `compare` reports per instance and method: `KEY (METHOD): FILE: message`.
            let prefixed =
                command == Command_::Compare || outcome.stderr.starts_with("paramshare: ");
            if !prefixed || !outcome.stderr.contains(case.expect) {
                failures.push(format!(
                    "{label}: expected message containing {:?}, got {:?}",
                    case.expect, outcome.stderr
                ));
            }
            if command != Command_::Compare && outcome.stderr.matches("FILE").count() != 1 {
                failures.push(format!(
                    "{label}: the message should name the file exactly once: {:?}",
                    outcome.stderr
                ));
            }
            if !outcome.leftovers.is_empty() {
                failures.push(format!(
                    "{label}: files left in the output directory: {:?}",
                    outcome.leftovers
                ));
            }
            if matches!(command, Command_::Design | Command_::Render) && outcome.stdout_len != 0 {
                failures.push(format!("{label}: wrote to standard output"));
            }
        }
    }
    let table_path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("malformed-table.md");
    std::fs::write(&table_path, &table).unwrap();
    if let Ok(extra) = std::env::var("PARAMSHARE_MALFORMED_TABLE") {
        std::fs::write(extra, &table).unwrap();
    }
    assert!(kinds >= 30, "only {kinds} kinds of malformed input");
    let document = malformed_document(kinds, &table);
    let committed_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/MALFORMED.md");
    if std::env::var("PARAMSHARE_UPDATE_EXAMPLES").as_deref() == Ok("1") {
        std::fs::write(&committed_path, &document).unwrap();
    } else {
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        if committed != document {
            failures.push(format!(
                "docs/MALFORMED.md differs from what the suite observed now (new table in {}); \
                 run scripts/update-examples.sh and review the diff",
                table_path.display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}\n(table in {})",
        failures.len(),
        failures.join("\n"),
        table_path.display()
    );
}
