//! Layer files (FORMATS.md `paramshare-layer/1`): a tying matrix with its group and verdicts.

use crate::action::GeneratorPair;
use crate::design::{Method, Objective};
use crate::instance::{describe, field_error, InstanceError};
use serde_json::Value;
use std::io::Write;
use std::path::Path;

mod decimal;
mod named;
mod stream;

pub use named::{KnownNames, Named};

/// The fields FORMATS.md defines; any other field of a layer file is kept in [`Layer::extra`].
const STANDARD_FIELDS: [&str; 20] = [
    "format",
    "instance",
    "method",
    "objective",
    "input_size",
    "output_size",
    "generators",
    "group_order",
    "parameters",
    "edges",
    "tying",
    "automorphism_order",
    "closure_order",
    "exact",
    "optimal",
    "lower_bound",
    "proof",
    "bias_tying",
    "unread_inputs",
    "dead_outputs",
];

/// The format tag written in every layer file.
pub const LAYER_FORMAT: &str = "paramshare-layer/1";

pub use crate::tying::Tying;

/// The bias tying of a layer: for each output, the index of its G-orbit,
/// orbits numbered in order of their least output. A bias `b` is
/// G-equivariant exactly when it is constant on these orbits, so
/// `b[m] = bias[bias_tying[m]]` is the most general equivariant bias.
pub fn bias_tying_of(output_size: usize, generators: &[GeneratorPair]) -> Vec<u32> {
    let mut classes = crate::group::OrbitPartition::new(output_size);
    for g in generators {
        classes.merge_map(|m| g.output.apply(m));
    }
    classes.class_indices().0
}

/// The number of bias parameters of a bias tying (one more than its largest index).
pub fn bias_parameters(bias_tying: &[u32]) -> usize {
    bias_tying.iter().max().map_or(0, |&b| b as usize + 1)
}

/// A layer file's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    pub instance: String,
    /// The design that made it: `dense`, `sparse` or `optimal`, or another
    /// tool's name kept as written (`unknown` when the file names none).
    pub method: Named<Method>,
    /// What a searched design minimised: `edges` or `parameters` (or a name
    /// kept as written).
    pub objective: Option<Named<Objective>>,
    pub input_size: usize,
    pub output_size: usize,
    pub generators: Vec<GeneratorPair>,
    /// |G<N,M>| in decimal.
    pub group_order: String,
    pub parameters: usize,
    pub edges: u64,
    pub tying: Tying,
    /// Computed by the verifier; `None` when not computed.
    pub automorphism_order: Option<String>,
    pub closure_order: Option<String>,
    pub exact: Option<bool>,
    pub optimal: Option<bool>,
    /// Searched designs: a proved lower bound on the cost (in the
    /// objective's units; for sparse designs, on |H|) of every pattern that
    /// reaches the target group. `optimal` is true iff it equals the cost.
    pub lower_bound: Option<u64>,
    /// How `lower_bound` was proved (e.g. `connectivity bound`).
    pub proof: Option<String>,
    /// For each output, the index of its bias parameter (see [`bias_tying_of`]).
    pub bias_tying: Vec<u32>,
    /// Further fields, written after the standard ones (e.g. notes, timing).
    pub extra: serde_json::Map<String, Value>,
}

impl Layer {
    /// Writes the layer as JSON to `out`, the tying matrix one row per line.
    ///
    /// Streams the matrix rather than building a `serde_json::Value`, which
    /// would need about 50 bytes per entry (800 MB for a 64x64 image layer).
    pub fn write_json(&self, out: &mut (impl Write + ?Sized)) -> std::io::Result<()> {
        let mut head = serde_json::Map::new();
        head.insert("format".into(), LAYER_FORMAT.into());
        head.insert("instance".into(), self.instance.clone().into());
        head.insert("method".into(), self.method.as_str().into());
        if let Some(o) = &self.objective {
            head.insert("objective".into(), o.as_str().into());
        }
        head.insert("input_size".into(), self.input_size.into());
        head.insert("output_size".into(), self.output_size.into());
        // Written by `write_generators` below: a JSON tree of the images
        // would take 72 bytes per point (2.4 GB for a 2^24-point pair).
        head.insert("generators".into(), Value::Null);
        head.insert("group_order".into(), self.group_order.clone().into());
        head.insert("parameters".into(), self.parameters.into());
        head.insert("edges".into(), self.edges.into());
        writeln!(out, "{{")?;
        for (k, v) in &head {
            if k == "generators" {
                write!(out, "  \"generators\": ")?;
                write_generators(out, &self.generators)?;
                writeln!(out, ",")?;
            } else {
                writeln!(out, "  {}: {},", Value::from(k.as_str()), v)?;
            }
        }
        write!(out, "  \"tying\": [")?;
        decimal::write_rows(out, &self.tying)?;
        write!(out, "\n  ]")?;
        let mut tail = serde_json::Map::new();
        if let Some(v) = &self.automorphism_order {
            tail.insert("automorphism_order".into(), v.clone().into());
        }
        if let Some(v) = &self.closure_order {
            tail.insert("closure_order".into(), v.clone().into());
        }
        if let Some(v) = self.exact {
            tail.insert("exact".into(), v.into());
        }
        if let Some(v) = self.optimal {
            tail.insert("optimal".into(), v.into());
        }
        if let Some(v) = self.lower_bound {
            tail.insert("lower_bound".into(), v.into());
        }
        if let Some(v) = &self.proof {
            tail.insert("proof".into(), v.clone().into());
        }
        // Written by `write_bias_tying` below, one entry per output.
        tail.insert("bias_tying".into(), Value::Null);
        tail.insert("unread_inputs".into(), self.tying.unread_inputs().into());
        tail.insert("dead_outputs".into(), self.tying.dead_outputs().into());
        for (k, v) in &self.extra {
            tail.insert(k.clone(), v.clone());
        }
        for (k, v) in &tail {
            if k == "bias_tying" {
                write!(out, ",\n  \"bias_tying\": ")?;
                write_indices(out, &self.bias_tying)?;
            } else {
                write!(out, ",\n  {}: {}", Value::from(k.as_str()), v)?;
            }
        }
        writeln!(out, "\n}}")
    }

    /// The layer as a JSON string.
    pub fn to_json_string(&self) -> String {
        let mut buf = Vec::new();
        // writing to a Vec cannot fail
        self.write_json(&mut buf).expect("write to memory");
        // the writer emits only UTF-8
        String::from_utf8(buf).expect("utf-8")
    }

    /// Reads and validates a layer file.
    pub fn read(path: &Path) -> Result<Layer, InstanceError> {
        let text = crate::instance::read_input_text(path)?;
        Layer::from_json_str(&text)
    }

    /// Parses and validates layer JSON: sizes, generators, and a tying
    /// matrix whose parameter indices are exactly `0..parameters`.
    ///
    /// The matrix is streamed into its flat vector (see the `stream` module): memory
    /// is the text plus 4 bytes an entry, not a JSON tree.
    pub fn from_json_str(text: &str) -> Result<Layer, InstanceError> {
        let parsed = stream::parse(text)?;
        let stream::LayerFields { fields, tying } = parsed.map_err(|value| {
            field_error(
                "(top level)",
                format!("expected an object, found {}", describe(&value)),
            )
        })?;
        let value = Value::Object(fields);
        let obj = value.as_object().expect("built from an object just above");
        // Sizes and generators share the instance's validation.
        let inst = crate::instance::Instance::from_json_value(&value)?;
        let string_field = |f: &str| -> Result<Option<String>, InstanceError> {
            match obj.get(f) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(field_error(
                    f,
                    format!("expected a string, found {}", describe(v)),
                )),
            }
        };
        let bool_field = |f: &str| -> Result<Option<bool>, InstanceError> {
            match obj.get(f) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Bool(b)) => Ok(Some(*b)),
                Some(v) => Err(field_error(
                    f,
                    format!("expected true or false, found {}", describe(v)),
                )),
            }
        };
        if let Some(fmt) = string_field("format")? {
            if fmt != LAYER_FORMAT {
                return Err(field_error(
                    "format",
                    format!("\"{fmt}\" is not supported (expected \"{LAYER_FORMAT}\")"),
                ));
            }
        }
        let (rows, cols) = (inst.output_size, inst.input_size);
        let tying_rows = tying
            .ok_or_else(|| field_error("tying", "missing (expected an array of output_size rows)"))?
            .map_err(|other| {
                field_error(
                    "tying",
                    format!("expected an array of rows, found {}", describe(&other)),
                )
            })?;
        if tying_rows.count != rows {
            return Err(field_error(
                "tying",
                format!(
                    "has {} rows, expected output_size = {rows}",
                    tying_rows.count
                ),
            ));
        }
        // Every row's shape is checked before any entry.
        if let Some((m, shape)) = tying_rows.first_bad_row(cols) {
            return Err(field_error(
                format!("tying[{m}]"),
                match shape {
                    stream::RowShape::Array(len) => {
                        format!("has length {len}, expected input_size = {cols}")
                    }
                    stream::RowShape::Other(row) => {
                        format!("expected an array, found {}", describe(row))
                    }
                },
            ));
        }
        if let Some((m, n, x)) = &tying_rows.bad_entry {
            return Err(field_error(
                format!("tying[{m}][{n}]"),
                format!("expected -1 or a parameter index, found {}", describe(x)),
            ));
        }
        let data = tying_rows.data;
        let tying = Tying { rows, cols, data };
        let parameters = tying.parameters();
        // `edges` entries cover at most `edges` indices, so if 0..parameters
        // has a gap, one lies in 0..=edges: flags for those suffice, never
        // one per claimed index (a single entry 2^31-2 would ask for 2 GiB).
        let edges = tying.edges();
        let flags = parameters.min(edges as usize + 1);
        let mut used = vec![false; flags];
        for &v in &tying.data {
            if v >= 0 && (v as usize) < flags {
                used[v as usize] = true;
            }
        }
        if let Some(gap) = used.iter().position(|u| !u) {
            return Err(field_error(
                "tying",
                format!(
                    "parameter {gap} is never used; indices must be exactly 0..{}",
                    parameters - 1
                ),
            ));
        }
        if let Some(p) = obj.get("parameters") {
            if p.as_u64() != Some(parameters as u64) {
                return Err(field_error(
                    "parameters",
                    format!("is {}, but tying uses {parameters}", describe(p)),
                ));
            }
        }
        if let Some(e) = obj.get("edges") {
            if e.as_u64() != Some(edges) {
                return Err(field_error(
                    "edges",
                    format!("is {}, but tying has {edges}", describe(e)),
                ));
            }
        }
        let lower_bound = match obj.get("lower_bound") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| {
                field_error(
                    "lower_bound",
                    format!("expected a non-negative integer, found {}", describe(v)),
                )
            })?),
        };
        let bias_tying = match obj.get("bias_tying") {
            None | Some(Value::Null) => bias_tying_of(rows, &inst.generators),
            Some(v) => read_bias_tying(v, rows)?,
        };
        for (field, computed) in [
            ("unread_inputs", tying.unread_inputs()),
            ("dead_outputs", tying.dead_outputs()),
        ] {
            if let Some(v) = obj.get(field) {
                if v.as_u64() != Some(computed) {
                    return Err(field_error(
                        field,
                        format!("is {}, but tying has {computed}", describe(v)),
                    ));
                }
            }
        }
        Ok(Layer {
            instance: string_field("instance")?.unwrap_or_else(|| inst.name.clone()),
            method: Named::from_name(string_field("method")?.as_deref().unwrap_or("unknown")),
            objective: string_field("objective")?.as_deref().map(Named::from_name),
            input_size: cols,
            output_size: rows,
            generators: inst.generators,
            group_order: string_field("group_order")?.unwrap_or_default(),
            parameters,
            edges,
            tying,
            automorphism_order: string_field("automorphism_order")?,
            closure_order: string_field("closure_order")?,
            exact: bool_field("exact")?,
            optimal: bool_field("optimal")?,
            lower_bound,
            proof: string_field("proof")?,
            bias_tying,
            // fields beyond FORMATS.md (notes, search statistics) are kept, so a layer round-trips
            extra: obj
                .iter()
                .filter(|(k, _)| !STANDARD_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        })
    }
}

/// Reads a `bias_tying` field: `output_size` indices that use exactly `0..k` for some k.
fn read_bias_tying(value: &Value, output_size: usize) -> Result<Vec<u32>, InstanceError> {
    let entries = value.as_array().ok_or_else(|| {
        field_error(
            "bias_tying",
            format!(
                "expected an array of output_size indices, found {}",
                describe(value)
            ),
        )
    })?;
    if entries.len() != output_size {
        return Err(field_error(
            "bias_tying",
            format!(
                "has {} entries, expected output_size = {output_size}",
                entries.len()
            ),
        ));
    }
    let mut tying = Vec::with_capacity(output_size);
    for (m, e) in entries.iter().enumerate() {
        match e.as_u64() {
            Some(b) if b < output_size as u64 => tying.push(b as u32),
            _ => {
                return Err(field_error(
                    format!("bias_tying[{m}]"),
                    format!(
                        "expected a bias index below output_size = {output_size}, found {}",
                        describe(e)
                    ),
                ))
            }
        }
    }
    let mut used = vec![false; bias_parameters(&tying)];
    for &b in &tying {
        used[b as usize] = true;
    }
    if let Some(gap) = used.iter().position(|u| !u) {
        return Err(field_error(
            "bias_tying",
            format!(
                "bias parameter {gap} is never used; indices must be exactly 0..{}",
                used.len()
            ),
        ));
    }
    Ok(tying)
}

/// Writes `[i0,i1,...]` without building a JSON tree.
fn write_indices(out: &mut (impl Write + ?Sized), indices: &[u32]) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(indices.len() * 4 + 2);
    buf.push(b'[');
    for (k, &i) in indices.iter().enumerate() {
        if k > 0 {
            buf.push(b',');
        }
        // bias indices are below output_size, which fits in i32 (check_size)
        decimal::push_decimal(&mut buf, i as i32);
    }
    buf.push(b']');
    out.write_all(&buf)
}

/// Writes generator pairs exactly as `generators_json(gens).to_string()`
/// would, without building the JSON tree: one image at a time.
fn write_generators(
    out: &mut (impl Write + ?Sized),
    gens: &[GeneratorPair],
) -> std::io::Result<()> {
    let mut buf = String::new();
    out.write_all(b"[")?;
    for (k, g) in gens.iter().enumerate() {
        if k > 0 {
            out.write_all(b",")?;
        }
        for (label, perm) in [("{\"input\":[", &g.input), ("],\"output\":[", &g.output)] {
            buf.clear();
            buf.push_str(label);
            for (i, x) in perm.images().iter().enumerate() {
                if i > 0 {
                    buf.push(',');
                }
                buf.push_str(&x.to_string());
            }
            out.write_all(buf.as_bytes())?;
        }
        out.write_all(b"]}")?;
    }
    out.write_all(b"]")
}

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, flushed and synced, then renamed over `path`. A crash leaves
/// either the old file or the new one, never a half-written file.
///
/// The temporary file is `.paramshare-<pid>-<random>.tmp`. A process killed
/// mid-write (SIGKILL, power loss) cannot remove its own; the next write into
/// the same directory removes every such file whose process is gone (see
/// [`remove_stale_temporaries`]).
pub fn write_atomically(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A device or pipe (`-o /dev/null`, `-o /dev/stdout`) is written in
    // place: renaming a temporary file over it would replace the device
    // node with a regular file (this happened to /dev/null once).
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            let mut w =
                std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
            contents(&mut w)?;
            return w.flush();
        }
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    remove_stale_temporaries(dir);
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // Like any new file (0666 less the umask), not tempfile's private 0600:
    // layer files are read by training code, often as another user.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(WritebackFile::new(tmp.as_file_mut()));
        contents(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A file written front to back whose pages are handed to the disk every
/// [`WritebackFile::EVERY`] bytes (Linux `sync_file_range`, which starts the
/// writes and does not wait), so that the final fsync waits for the last
/// stretch only instead of all of a 125 MB layer (40 to 60 ms here). The
/// fsync still decides: an error here is ignored, the fsync reports it.
struct WritebackFile<'a> {
    file: &'a mut std::fs::File,
    written: u64,
    handed: u64,
}

impl<'a> WritebackFile<'a> {
    const EVERY: u64 = 8 << 20;

    fn new(file: &'a mut std::fs::File) -> Self {
        WritebackFile {
            file,
            written: 0,
            handed: 0,
        }
    }
}

impl Write for WritebackFile<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.handed >= Self::EVERY {
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                // SAFETY: a system call on a descriptor we own, with no
                // pointers; it changes no data (the pages are written as they are).
                unsafe {
                    libc::sync_file_range(
                        self.file.as_raw_fd(),
                        self.handed as libc::off64_t,
                        (self.written - self.handed) as libc::off64_t,
                        libc::SYNC_FILE_RANGE_WRITE,
                    );
                }
            }
            self.handed = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Temporary files of [`write_atomically`] are `.paramshare-<pid>-<random>.tmp`.
pub const TEMP_PREFIX: &str = ".paramshare-";
/// See [`TEMP_PREFIX`].
pub const TEMP_SUFFIX: &str = ".tmp";

/// Removes, from `dir`, the temporary files of [`write_atomically`] whose
/// writing process no longer runs (on Linux, where `/proc/<pid>` tells;
/// elsewhere nothing is removed). Files of live processes, including other
/// paramshare runs writing into the same directory, are left alone; a file
/// whose pid has been reused by an unrelated process stays until that one
/// ends. Returns how many files were removed; errors are ignored (cleaning
/// up is a courtesy, never a reason to fail a write).
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    if !Path::new("/proc/self").exists() {
        return 0;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let own = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(rest) = name
            .strip_prefix(TEMP_PREFIX)
            .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == own || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        if std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(all(test, unix))]
mod device_tests {
    use super::write_atomically;
    use std::os::unix::fs::FileTypeExt;
    use std::path::Path;

    #[test]
    fn writing_to_a_device_keeps_the_device() {
        write_atomically(Path::new("/dev/null"), |w| w.write_all(b"{}\n")).unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
    }
}
