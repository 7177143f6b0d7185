//! Exit statuses, error reporting and atomic output for the command line.

use paramshare::instance::{read_input_text, read_limited_text, Instance, InstanceError};
use paramshare::layer::Layer;
use std::fmt;
use std::path::Path;

/// Exit status for bad input.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Exit status for I/O and internal failures.
pub const EXIT_FAILURE: i32 = 3;
/// Exit status of `batch` when it ran to the end but some rows are errors.
pub const EXIT_SOME_FAILED: i32 = 4;

/// A failed command: the message for standard error and the exit status.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    /// Bad input (status 2).
    pub fn bad_input(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_BAD_INPUT,
            message: message.into(),
        }
    }

    /// An exit with status `code` and no message (a broken pipe).
    pub fn quiet(code: i32) -> Failure {
        Failure {
            code,
            message: String::new(),
        }
    }

    /// An I/O or internal failure (status 3).
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }
}

/// Whether `path` is `-`, which stands for standard input or standard output.
pub fn is_standard_stream(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How messages name `path`: the path, or `standard input` for `-`.
pub fn input_name(path: &Path) -> String {
    if is_standard_stream(path) {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// The text of an input file, or of standard input for `-`, with the same
/// size limit and UTF-8 check either way.
pub fn read_input(path: &Path) -> Result<String, InstanceError> {
    if is_standard_stream(path) {
        read_limited_text(std::io::stdin().lock(), "standard input")
    } else {
        read_input_text(path)
    }
}

/// Reads an instance (`-`: standard input), turning any problem into a status-2 failure naming the file.
pub fn read_instance(path: &Path) -> Result<Instance, Failure> {
    read_input(path)
        .and_then(|text| Instance::from_json_str(&text))
        .map_err(|e| bad_file(path, e))
}

/// Reads a layer file (`-`: standard input), turning any problem into a status-2 failure naming the file once.
pub fn read_layer(path: &Path) -> Result<Layer, Failure> {
    read_input(path)
        .and_then(|text| Layer::from_json_str(&text))
        .map_err(|e| bad_file(path, e))
}

/// A status-2 failure for a bad input file; I/O errors already name it.
fn bad_file(path: &Path, e: InstanceError) -> Failure {
    match e {
        InstanceError::Io { .. } => Failure::bad_input(e.to_string()),
        other => Failure::bad_input(format!("{}: {other}", input_name(path))),
    }
}

/// Writes through `contents` to `path` atomically, or to standard output
/// when `path` is `None` or `-` (no file named `-` is created).
pub fn write_output(
    path: Option<&Path>,
    contents: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Failure> {
    match path.filter(|p| !is_standard_stream(p)) {
        Some(p) => paramshare::layer::write_atomically(p, contents)
            .map_err(|e| Failure::failed(format!("cannot write {}: {e}", p.display()))),
        None => {
            stdout_is_open()?;
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            contents(&mut lock)
                .and_then(|_| std::io::Write::flush(&mut lock))
                .map_err(stdout_failure)
        }
    }
}

/// Writes formatted text to standard output at once; see [`stdout_failure`] for errors.
pub fn write_stdout(text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    stdout_is_open()?;
    let mut lock = std::io::stdout().lock();
    std::io::Write::write_fmt(&mut lock, text)
        .and_then(|_| std::io::Write::flush(&mut lock))
        .map_err(stdout_failure)
}

/// `println!` that returns a [`Failure`] (with `?`) instead of panicking
/// when standard output is full, closed or a broken pipe.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))?
    };
}
pub(crate) use outln;

/// A failed write to standard output: a broken pipe (`paramshare info X |
/// head`) ends the command quietly with status 0, as the reader asked;
/// anything else (`> /dev/full`) is status 3 with the reason.
fn stdout_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::quiet(0)
    } else {
        Failure::failed(format!("cannot write to standard output: {e}"))
    }
}

/// Fails when the command was started with standard output closed (`>&-`).
///
/// Rust's runtime reopens a closed descriptor 1 on /dev/null, read-write,
/// before `main`, so every write would silently vanish and the command
/// would report success. A shell's `> /dev/null` opens it write-only, so
/// the read-write /dev/null tells the two apart (Linux only: elsewhere the
/// check passes).
fn stdout_is_open() -> Result<(), Failure> {
    static CLOSED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let closed = *CLOSED.get_or_init(|| {
        cfg!(target_os = "linux")
            && std::fs::read_link("/proc/self/fd/1").is_ok_and(|t| t == Path::new("/dev/null"))
            && std::fs::read_to_string("/proc/self/fdinfo/1").is_ok_and(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("flags:"))
                    .and_then(|f| u32::from_str_radix(f.trim(), 8).ok())
                    // O_ACCMODE is 3, O_RDWR 2
                    .is_some_and(|flags| flags & 3 == 2)
            })
    });
    if closed {
        Err(Failure::failed(
            "cannot write to standard output: it is closed (run with > FILE or -o FILE)",
        ))
    } else {
        Ok(())
    }
}

/// `text` with control characters escaped (`\n`, `\u{1b}`), so a message
/// echoing input cannot move the cursor, ring the bell or start a forged
/// `paramshare:` line of its own.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
