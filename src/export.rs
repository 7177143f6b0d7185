//! Exports of a layer's tying matrix for other libraries: JSON, int32 NPY, safetensors and COO triples.
//!
//! Every export is the tying matrix of FORMATS.md: `M` rows (outputs) by `N`
//! columns (inputs), `-1` for no edge, otherwise the shared parameter's index.
//! With channels expanded ([`ChannelExpansion`]) the matrix has `M * K'` rows
//! and `N * K` columns in channel-major blocks: row `k' * M + m`, column
//! `k * N + n`, and block `(k', k)` is the pattern with every parameter index
//! offset by `(k' * K + k) * P` (each channel pair its own copy of the
//! pattern). Dense exports stream the matrix row by row; only safetensors
//! builds the whole int32 buffer in memory.
//!
//! The tied bias travels with the matrix: safetensors holds the int32 tensor
//! `bias_tying` of shape `[M]` (output `m`'s bias is `bias[bias_tying[m]]`),
//! and an NPY export `FILE.npy` gets `FILE.bias.npy` beside it. With
//! channels expanded, output channel `k'` has its own biases: row `k' * M + m`
//! reads bias `bias_tying[m] + k' * B` (`B` bias parameters per channel).

use crate::instance::Channels;
use crate::layer::{write_atomically, Layer, Tying};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

/// A file format for a designed layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExportFormat {
    /// The FORMATS.md layer file (the default).
    Json,
    /// The tying matrix as an int32 NumPy array of shape `[M, N]`.
    Npy,
    /// A safetensors file with the int32 tensor `tying` of shape `[M, N]` and the layer's fields as metadata.
    Safetensors,
    /// Text, one `output input parameter` triple per edge, after a `#` header line.
    Coo,
    /// The COO triples as an int32 NumPy array of shape `[edges, 3]`.
    CooNpy,
}

impl ExportFormat {
    /// Every format, in the order the command line lists them.
    pub const ALL: [ExportFormat; 5] = [
        ExportFormat::Json,
        ExportFormat::Npy,
        ExportFormat::Safetensors,
        ExportFormat::Coo,
        ExportFormat::CooNpy,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Npy => "npy",
            ExportFormat::Safetensors => "safetensors",
            ExportFormat::Coo => "coo",
            ExportFormat::CooNpy => "coo-npy",
        }
    }

    /// The file name suffix, after the layer's stem (e.g. `cyclic-4.dense` + `.npy`).
    pub fn suffix(self) -> &'static str {
        match self {
            ExportFormat::Json => ".layer.json",
            ExportFormat::Npy => ".npy",
            ExportFormat::Safetensors => ".safetensors",
            ExportFormat::Coo => ".coo.txt",
            ExportFormat::CooNpy => ".coo.npy",
        }
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = ExportFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown format \"{s}\" (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Why an export could not be written or read back.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("safetensors: {0}")]
    Safetensors(#[from] safetensors::SafeTensorError),
    #[error("{0}")]
    Invalid(String),
    #[error("the {rows} x {cols} expanded matrix has more than {max} entries; use --format coo")]
    TooLarge { rows: u64, cols: u64, max: u64 },
}

/// How many copies of the pattern an export holds: one per channel pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChannelExpansion {
    /// Input channels K.
    pub input: usize,
    /// Output channels K'.
    pub output: usize,
}

impl ChannelExpansion {
    /// One channel on each side: the pattern itself.
    pub const NONE: ChannelExpansion = ChannelExpansion {
        input: 1,
        output: 1,
    };

    /// Expansion to an instance's channel counts.
    pub fn from_channels(channels: Channels) -> ChannelExpansion {
        ChannelExpansion {
            input: channels.input.max(1),
            output: channels.output.max(1),
        }
    }

    /// Whether this expansion leaves the pattern as it is.
    pub fn is_none(self) -> bool {
        self == ChannelExpansion::NONE
    }
}

/// The tying matrix of a layer with channels expanded, computed entry by
/// entry so that large expansions need not be held in memory.
#[derive(Clone, Copy, Debug)]
pub struct ExpandedTying<'a> {
    tying: &'a Tying,
    channels: ChannelExpansion,
    parameters: i64,
}

impl<'a> ExpandedTying<'a> {
    /// The pattern `tying` (with `parameters` shared weights) copied once per channel pair.
    pub fn new(tying: &'a Tying, parameters: usize, channels: ChannelExpansion) -> Self {
        ExpandedTying {
            tying,
            channels,
            parameters: parameters as i64,
        }
    }

    /// Rows of the expanded matrix: `M * K'`.
    pub fn rows(&self) -> u64 {
        self.tying.rows as u64 * self.channels.output as u64
    }

    /// Columns of the expanded matrix: `N * K`.
    pub fn cols(&self) -> u64 {
        self.tying.cols as u64 * self.channels.input as u64
    }

    /// Parameters of the expanded matrix: `P * K * K'`.
    pub fn parameters(&self) -> i64 {
        self.parameters * self.channels.input as i64 * self.channels.output as i64
    }

    /// Entries that are not `-1`: the pattern's edges times `K * K'`.
    pub fn edges(&self) -> u64 {
        self.tying.edges() * self.channels.input as u64 * self.channels.output as u64
    }

    /// The entry in row `r`, column `c` (`-1` or a parameter index).
    pub fn get(&self, r: u64, c: u64) -> i64 {
        let (m_size, n_size) = (self.tying.rows as u64, self.tying.cols as u64);
        let (k_out, m) = (r / m_size, r % m_size);
        let (k_in, n) = (c / n_size, c % n_size);
        let v = self.tying.get(m as usize, n as usize);
        if v < 0 {
            return -1;
        }
        let pair = (k_out * self.channels.input as u64 + k_in) as i64;
        v as i64 + pair * self.parameters
    }

    /// Bias parameters of the expanded layer: `B * K'`.
    pub fn bias_parameters(&self, bias_tying: &[u32]) -> u64 {
        crate::layer::bias_parameters(bias_tying) as u64 * self.channels.output as u64
    }

    /// The bias tying of the expanded layer: one entry per row, output
    /// channel `k'` offset by `k' * B`.
    pub fn bias_tying(&self, bias_tying: &[u32]) -> Vec<i32> {
        let per_channel = crate::layer::bias_parameters(bias_tying) as i64;
        (0..self.channels.output as i64)
            .flat_map(|k| {
                bias_tying
                    .iter()
                    .map(move |&b| (b as i64 + k * per_channel) as i32)
            })
            .collect()
    }

    /// Calls `visit(row, col, parameter)` for every edge in row-major order.
    pub fn for_each_edge(
        &self,
        mut visit: impl FnMut(u64, u64, i64) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        for r in 0..self.rows() {
            for c in 0..self.cols() {
                let v = self.get(r, c);
                if v >= 0 {
                    visit(r, c, v)?;
                }
            }
        }
        Ok(())
    }

    /// Checks that every entry fits in an int32.
    fn check_int32(&self) -> Result<(), ExportError> {
        if self.parameters() > i32::MAX as i64
            || self.rows() > i32::MAX as u64
            || self.cols() > i32::MAX as u64
        {
            return Err(ExportError::Invalid(format!(
                "{} parameters on a {} x {} matrix do not fit in int32",
                self.parameters(),
                self.rows(),
                self.cols()
            )));
        }
        Ok(())
    }
}

/// Dense matrices with more entries than this are refused (use COO).
pub const MAX_DENSE_ENTRIES: u64 = 1 << 31;

/// Writes `layer` in `format` to `out`, channels expanded as `channels`.
///
/// Fails for JSON with an expansion (a layer file always holds one
/// channel pair's pattern) and for dense formats beyond [`MAX_DENSE_ENTRIES`].
pub fn write_export(
    layer: &Layer,
    format: ExportFormat,
    channels: ChannelExpansion,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let expanded = ExpandedTying::new(&layer.tying, layer.parameters, channels);
    expanded.check_int32()?;
    let dense_ok = || -> Result<(), ExportError> {
        if expanded.rows() * expanded.cols() > MAX_DENSE_ENTRIES {
            return Err(ExportError::TooLarge {
                rows: expanded.rows(),
                cols: expanded.cols(),
                max: MAX_DENSE_ENTRIES,
            });
        }
        Ok(())
    };
    match format {
        ExportFormat::Json => {
            if !channels.is_none() {
                return Err(ExportError::Invalid(
                    "a JSON layer holds the pattern of one channel pair; expand channels with --format npy, safetensors, coo or coo-npy".into(),
                ));
            }
            layer.write_json(out)?;
        }
        ExportFormat::Npy => {
            dense_ok()?;
            write_npy_dense(&expanded, out)?;
        }
        ExportFormat::Safetensors => {
            dense_ok()?;
            write_safetensors(layer, &expanded, out)?;
        }
        ExportFormat::Coo => write_coo_text(&expanded, out)?,
        ExportFormat::CooNpy => write_coo_npy(&expanded, out)?,
    }
    Ok(())
}

/// Where the bias tying of an NPY export at `path` goes: `FILE.npy` ->
/// `FILE.bias.npy` (a path not ending in `.npy` gets `.bias.npy` appended).
pub fn bias_npy_path(path: &Path) -> std::path::PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".npy").unwrap_or(&name);
    path.with_file_name(format!("{stem}.bias.npy"))
}

/// Writes the layer's bias tying (channels expanded) as an int32 NPY array of shape `[M * K']`.
pub fn write_bias_npy(
    layer: &Layer,
    channels: ChannelExpansion,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let expanded = ExpandedTying::new(&layer.tying, layer.parameters, channels);
    let bias = expanded.bias_tying(&layer.bias_tying);
    out.write_all(&npy_int32_header(&[bias.len() as u64]))?;
    write_int32_le(&bias, out)?;
    Ok(())
}

/// Writes the export to `path` atomically (see [`write_atomically`]); an
/// NPY export also writes the bias tying beside it ([`bias_npy_path`]).
pub fn export_to_file(
    layer: &Layer,
    format: ExportFormat,
    channels: ChannelExpansion,
    path: &Path,
) -> Result<(), ExportError> {
    write_file(path, |w| write_export(layer, format, channels, w))?;
    if format == ExportFormat::Npy {
        write_file(&bias_npy_path(path), |w| write_bias_npy(layer, channels, w))?;
    }
    Ok(())
}

/// Writes what `contents` produces to `path` atomically, keeping its typed error.
pub fn write_file(
    path: &Path,
    contents: impl FnOnce(&mut dyn Write) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut failure = None;
    let result = write_atomically(path, |w| match contents(w) {
        Ok(()) => Ok(()),
        Err(ExportError::Io(e)) => Err(e),
        Err(other) => {
            failure = Some(other);
            Err(std::io::Error::other("export failed"))
        }
    });
    match (result, failure) {
        (_, Some(f)) => Err(f),
        (Err(e), None) => Err(ExportError::Io(e)),
        (Ok(()), None) => Ok(()),
    }
}

/// The header of an NPY (version 1.0) file of little-endian int32 with
/// `shape`: magic, version, length, and the dictionary padded with spaces so
/// that the data starts at a multiple of 64 bytes, as numpy writes it.
fn npy_int32_header(shape: &[u64]) -> Vec<u8> {
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let tuple = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let mut dict = format!("{{'descr': '<i4', 'fortran_order': False, 'shape': {tuple}, }}");
    // 6 magic + 2 version + 2 length bytes, the dictionary, its final newline
    while (10 + dict.len() + 1) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut header = b"\x93NUMPY\x01\x00".to_vec();
    // at most a few hundred bytes: the dictionary holds two numbers
    header.extend_from_slice(&(dict.len() as u16).to_le_bytes());
    header.extend_from_slice(dict.as_bytes());
    header
}

/// Writes `values` as little-endian int32, a block of bytes at a time: 1 MiB
/// blocks (a few dozen system calls for a 64x64 image layer's 67 MB, where
/// 64 KiB ones made a thousand), copied by fixed 4-byte chunks, which the
/// compiler turns into plain block copies.
fn write_int32_le(values: &[i32], out: &mut dyn Write) -> std::io::Result<()> {
    const ENTRIES: usize = 1 << 18;
    let mut bytes = vec![0u8; 4 * ENTRIES.min(values.len())];
    for block in values.chunks(ENTRIES) {
        let bytes = &mut bytes[..4 * block.len()];
        for (to, v) in bytes.chunks_exact_mut(4).zip(block) {
            to.copy_from_slice(&v.to_le_bytes());
        }
        out.write_all(bytes)?;
    }
    Ok(())
}

fn write_npy_dense(t: &ExpandedTying, out: &mut dyn Write) -> std::io::Result<()> {
    if t.channels.is_none() {
        // The pattern itself: its entries are the array, row-major, as they are.
        out.write_all(&npy_int32_header(&[t.rows(), t.cols()]))?;
        return write_int32_le(&t.tying.data, out);
    }
    out.write_all(&npy_int32_header(&[t.rows(), t.cols()]))?;
    let mut row = Vec::with_capacity(t.cols() as usize);
    for r in 0..t.rows() {
        row.clear();
        // check_int32 bounded every entry
        row.extend((0..t.cols()).map(|c| t.get(r, c) as i32));
        write_int32_le(&row, out)?;
    }
    Ok(())
}

fn write_coo_text(t: &ExpandedTying, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "# output input parameter; rows={} cols={} parameters={} edges={}",
        t.rows(),
        t.cols(),
        t.parameters(),
        t.edges()
    )?;
    t.for_each_edge(|r, c, p| writeln!(out, "{r} {c} {p}"))
}

fn write_coo_npy(t: &ExpandedTying, out: &mut dyn Write) -> std::io::Result<()> {
    let edges = t.edges();
    out.write_all(&npy_int32_header(&[edges, 3]))?;
    // 1 MiB blocks of triples, as write_int32_le writes them
    let mut block = Vec::with_capacity(3 << 16);
    let mut written = 0u64;
    t.for_each_edge(|r, c, p| {
        // check_int32 bounded rows, columns and parameters
        block.extend([r as i32, c as i32, p as i32]);
        written += 1;
        if block.len() >= 3 << 16 {
            write_int32_le(&block, out)?;
            block.clear();
        }
        Ok(())
    })?;
    write_int32_le(&block, out)?;
    if written != edges {
        // the header promised `edges` rows: a file with fewer or more is corrupt
        return Err(std::io::Error::other(format!(
            "internal error: the pattern has {written} edges, its count said {edges}"
        )));
    }
    Ok(())
}

/// The metadata stored beside the `tying` tensor in safetensors exports.
///
/// Sorted by key (a `BTreeMap`), so the same layer always gives the same
/// bytes: the safetensors crate's own writer takes a `HashMap`, whose order
/// changed from run to run.
pub fn safetensors_metadata(layer: &Layer, t: &ExpandedTying) -> BTreeMap<String, String> {
    let mut meta = BTreeMap::new();
    meta.insert("format".into(), crate::layer::LAYER_FORMAT.into());
    meta.insert("instance".into(), layer.instance.clone());
    meta.insert("method".into(), layer.method.to_string());
    if let Some(o) = &layer.objective {
        meta.insert("objective".into(), o.to_string());
    }
    meta.insert("input_size".into(), layer.input_size.to_string());
    meta.insert("output_size".into(), layer.output_size.to_string());
    meta.insert("group_order".into(), layer.group_order.clone());
    meta.insert("parameters".into(), t.parameters().to_string());
    meta.insert("edges".into(), t.edges().to_string());
    meta.insert("pattern_parameters".into(), layer.parameters.to_string());
    meta.insert(
        "bias_parameters".into(),
        t.bias_parameters(&layer.bias_tying).to_string(),
    );
    meta.insert(
        "unread_inputs".into(),
        layer.tying.unread_inputs().to_string(),
    );
    meta.insert(
        "dead_outputs".into(),
        layer.tying.dead_outputs().to_string(),
    );
    meta.insert("input_channels".into(), t.channels.input.to_string());
    meta.insert("output_channels".into(), t.channels.output.to_string());
    meta.insert(
        "generators".into(),
        crate::instance::generators_json(&layer.generators).to_string(),
    );
    for (key, value) in [
        ("automorphism_order", &layer.automorphism_order),
        ("closure_order", &layer.closure_order),
    ] {
        if let Some(v) = value {
            meta.insert(key.into(), v.clone());
        }
    }
    for (key, value) in [("exact", layer.exact), ("optimal", layer.optimal)] {
        if let Some(v) = value {
            meta.insert(key.into(), v.to_string());
        }
    }
    meta
}

/// Writes the safetensors file: an 8-byte little-endian header length, the
/// JSON header (metadata in key order, then the one tensor), padded with
/// spaces to a multiple of 8 bytes as the safetensors crate does, then the
/// int32 entries row by row.
fn write_safetensors(
    layer: &Layer,
    t: &ExpandedTying,
    out: &mut dyn Write,
) -> Result<(), ExportError> {
    let (rows, cols) = (t.rows(), t.cols());
    let data_bytes = rows * cols * 4;
    let mut metadata = serde_json::Map::new();
    for (k, v) in safetensors_metadata(layer, t) {
        metadata.insert(k, v.into());
    }
    // Tensors in the safetensors crate's order (by alignment, then name):
    // `bias_tying` (int32 [M]) first, then `tying` (int32 [M, N]).
    let bias: Vec<u8> = t
        .bias_tying(&layer.bias_tying)
        .iter()
        .flat_map(|b| b.to_le_bytes())
        .collect();
    let bias_bytes = bias.len() as u64;
    let header = serde_json::json!({
        "__metadata__": metadata,
        "bias_tying": {"dtype": "I32", "shape": [bias_bytes / 4], "data_offsets": [0, bias_bytes]},
        "tying": {"dtype": "I32", "shape": [rows, cols], "data_offsets": [bias_bytes, bias_bytes + data_bytes]},
    });
    let mut header = header.to_string().into_bytes();
    let padded = header.len().div_ceil(8) * 8;
    header.resize(padded, b' ');
    out.write_all(&(header.len() as u64).to_le_bytes())?;
    out.write_all(&header)?;
    out.write_all(&bias)?;
    let mut row = Vec::with_capacity(cols as usize * 4);
    for r in 0..rows {
        row.clear();
        for c in 0..cols {
            // check_int32 bounded every entry
            row.extend_from_slice(&(t.get(r, c) as i32).to_le_bytes());
        }
        out.write_all(&row)?;
    }
    Ok(())
}

/// Reads an int32 `[rows, cols]` NPY file back into a tying matrix.
pub fn read_npy_tying(bytes: &[u8]) -> Result<Tying, ExportError> {
    let (shape, data) = read_npy_int32(bytes)?;
    if shape.len() != 2 {
        return Err(ExportError::Invalid(format!(
            "expected a 2-dimensional array, found shape {shape:?}"
        )));
    }
    Ok(Tying {
        rows: shape[0] as usize,
        cols: shape[1] as usize,
        data,
    })
}

/// Reads an int32 vector NPY file (the bias tying beside an NPY export).
pub fn read_npy_vector(bytes: &[u8]) -> Result<Vec<i32>, ExportError> {
    let (shape, data) = read_npy_int32(bytes)?;
    if shape.len() != 1 {
        return Err(ExportError::Invalid(format!(
            "expected a 1-dimensional array, found shape {shape:?}"
        )));
    }
    Ok(data)
}

/// The shape and entries of an NPY file (format versions 1.0 to 3.0) of
/// little-endian int32 in C order, the arrays paramshare writes and numpy's
/// `np.save` of an `int32` array; any other dtype or a Fortran-ordered
/// array is refused, naming what the file holds.
fn read_npy_int32(bytes: &[u8]) -> Result<(Vec<u64>, Vec<i32>), ExportError> {
    let invalid = |what: String| ExportError::Invalid(format!("NPY: {what}"));
    if !bytes.starts_with(b"\x93NUMPY") || bytes.len() < 10 {
        return Err(invalid("not an NPY file (no \\x93NUMPY magic)".into()));
    }
    // version 1.0 has a 2-byte header length, 2.0 and 3.0 a 4-byte one
    let (length, start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 if bytes.len() >= 12 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => {
            return Err(invalid(format!(
                "format version {v} is not supported (1 to 3)"
            )))
        }
    };
    let header = bytes
        .get(start..start + length)
        .and_then(|h| std::str::from_utf8(h).ok())
        .ok_or_else(|| invalid("the header runs past the end of the file or is not text".into()))?;
    let value = |key: &str| -> Result<&str, ExportError> {
        let at = header
            .find(&format!("'{key}':"))
            .ok_or_else(|| invalid(format!("the header has no '{key}': {header}")))?;
        Ok(header[at + key.len() + 3..].trim_start())
    };
    let descr = value("descr")?;
    if !descr.starts_with("'<i4'") {
        let shown: String = descr.chars().take_while(|&c| c != ',').collect();
        return Err(invalid(format!(
            "dtype {shown}, expected little-endian int32 '<i4'"
        )));
    }
    if !value("fortran_order")?.starts_with("False") {
        return Err(invalid(
            "a Fortran-ordered array; save it in C order".into(),
        ));
    }
    let shape_text = value("shape")?;
    let shape_text = shape_text
        .strip_prefix('(')
        .and_then(|s| s.split_once(')'))
        .map(|(inside, _)| inside)
        .ok_or_else(|| invalid(format!("the shape is not a tuple: {header}")))?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| d.parse::<u64>())
        .collect::<Result<Vec<u64>, _>>()
        .map_err(|_| invalid(format!("the shape ({shape_text}) is not a tuple of sizes")))?;
    let data = &bytes[start + length..];
    let entries = shape.iter().try_fold(1u64, |n, &d| n.checked_mul(d));
    if entries.and_then(|n| n.checked_mul(4)) != Some(data.len() as u64) {
        return Err(invalid(format!(
            "shape {shape:?} needs {} bytes of data, the file has {}",
            entries.map_or("more than 2^64".into(), |n| (4 * n as u128).to_string()),
            data.len()
        )));
    }
    let values = data
        .chunks_exact(4)
        // chunks_exact(4) gives 4-byte slices
        .map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    Ok((shape, values))
}

/// The int32 tensor `name` of a safetensors file with `dims` dimensions:
/// its shape and entries.
fn read_i32_tensor(
    bytes: &[u8],
    name: &str,
    dims: &str,
) -> Result<(Vec<usize>, Vec<i32>), ExportError> {
    let tensors = safetensors::SafeTensors::deserialize(bytes)?;
    let view = tensors.tensor(name)?;
    if view.dtype() != safetensors::Dtype::I32 || view.shape().len() != dims.split(',').count() {
        return Err(ExportError::Invalid(format!(
            "tensor \"{name}\" is {:?} {:?}, expected I32 [{dims}]",
            view.dtype(),
            view.shape()
        )));
    }
    let data = view
        .data()
        .chunks_exact(4)
        // chunks_exact(4) yields 4-byte slices
        .map(|b| i32::from_le_bytes(b.try_into().expect("4 bytes")))
        .collect();
    Ok((view.shape().to_vec(), data))
}

/// Reads the `bias_tying` tensor (int32 `[rows]`) of a safetensors export.
pub fn read_safetensors_bias(bytes: &[u8]) -> Result<Vec<i32>, ExportError> {
    Ok(read_i32_tensor(bytes, "bias_tying", "rows")?.1)
}

/// Reads the `tying` tensor and the metadata of a safetensors export.
pub fn read_safetensors_tying(
    bytes: &[u8],
) -> Result<(Tying, HashMap<String, String>), ExportError> {
    let (_, metadata) = safetensors::SafeTensors::read_metadata(bytes)?;
    let (shape, data) = read_i32_tensor(bytes, "tying", "rows, cols")?;
    Ok((
        Tying {
            rows: shape[0],
            cols: shape[1],
            data,
        },
        metadata.metadata().clone().unwrap_or_default(),
    ))
}

/// Reads COO text triples back into a dense tying matrix of `rows` x `cols`.
pub fn read_coo_text(text: &str, rows: usize, cols: usize) -> Result<Tying, ExportError> {
    let mut data = vec![-1; rows * cols];
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<i64> = line
            .split_whitespace()
            .map(|f| f.parse::<i64>())
            .collect::<Result<_, _>>()
            .map_err(|e| ExportError::Invalid(format!("line {}: {e}", i + 1)))?;
        match fields[..] {
            [r, c, p]
                if (0..rows as i64).contains(&r)
                    && (0..cols as i64).contains(&c)
                    && (0..=i32::MAX as i64).contains(&p) =>
            {
                data[r as usize * cols + c as usize] = p as i32;
            }
            _ => {
                return Err(ExportError::Invalid(format!(
                    "line {}: expected `output input parameter` inside {rows} x {cols}",
                    i + 1
                )))
            }
        }
    }
    Ok(Tying { rows, cols, data })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::JointAction;
    use crate::design::{design_layer, DesignOptions, Method};
    use crate::instance::Instance;

    fn cyclic_layer(n: usize) -> Layer {
        let shift: Vec<usize> = (0..n).map(|i| (i + 1) % n).collect();
        let text = serde_json::json!({
            "name": format!("cyclic-{n}"), "input_size": n, "output_size": n,
            "generators": [{"input": shift, "output": shift}]
        })
        .to_string();
        let inst = Instance::from_json_str(&text).expect("valid instance");
        let action: JointAction = inst.action();
        design_layer(&inst, &action, &DesignOptions::new(Method::Dense)).expect("small layer")
    }

    fn export(layer: &Layer, format: ExportFormat, channels: ChannelExpansion) -> Vec<u8> {
        let mut buf = Vec::new();
        write_export(layer, format, channels, &mut buf).expect("export to memory");
        buf
    }

    #[test]
    fn a_bad_safetensors_file_keeps_the_crates_error_as_its_source() {
        let err = read_safetensors_tying(b"not a safetensors file").unwrap_err();
        assert!(err.to_string().starts_with("safetensors: "), "{err}");
        let source = std::error::Error::source(&err).expect("a source");
        assert!(source.is::<safetensors::SafeTensorError>(), "{source:?}");
    }

    #[test]
    fn npy_round_trips() {
        let layer = cyclic_layer(5);
        let bytes = export(&layer, ExportFormat::Npy, ChannelExpansion::NONE);
        assert_eq!(read_npy_tying(&bytes).unwrap(), layer.tying);
        // the data starts 64-byte aligned, as numpy writes it
        assert_eq!(bytes.len() % 64, (5 * 5 * 4) % 64);
        // the direct writer and npyz's element writer give the same array
        let expanded = ExpandedTying::new(&layer.tying, layer.parameters, ChannelExpansion::NONE);
        let mut by_npyz = Vec::new();
        {
            use npyz::WriterBuilder;
            let mut w = npyz::WriteOptions::<i32>::new()
                .default_dtype()
                .shape(&[5, 5])
                .writer(&mut by_npyz)
                .begin_nd()
                .unwrap();
            w.extend(
                (0..5)
                    .flat_map(|r| (0..5).map(move |c| (r, c)))
                    .map(|(r, c)| expanded.get(r, c) as i32),
            )
            .unwrap();
            w.finish().unwrap();
        }
        assert_eq!(
            read_npy_tying(&by_npyz).unwrap(),
            read_npy_tying(&bytes).unwrap()
        );
    }

    #[test]
    fn npyz_reads_every_npy_export_and_numpys_own_headers_are_read() {
        let layer = cyclic_layer(3);
        let ch = ChannelExpansion {
            input: 2,
            output: 3,
        };
        let dense = export(&layer, ExportFormat::Npy, ch);
        let npy = npyz::NpyFile::new(&dense[..]).unwrap();
        assert_eq!(npy.shape(), &[9, 6]);
        let by_npyz: Vec<i32> = npy.into_vec().unwrap();
        assert_eq!(by_npyz, read_npy_tying(&dense).unwrap().data);
        let mut bias = Vec::new();
        write_bias_npy(&layer, ch, &mut bias).unwrap();
        let npy = npyz::NpyFile::new(&bias[..]).unwrap();
        assert_eq!(npy.shape(), &[9]);
        let by_npyz: Vec<i32> = npy.into_vec().unwrap();
        assert_eq!(by_npyz, read_npy_vector(&bias).unwrap());
        assert_eq!(by_npyz, vec![0, 0, 0, 1, 1, 1, 2, 2, 2]);
        // the header numpy 1.x writes for np.save(f, np.arange(3, dtype=np.int32))
        let mut saved = b"\x93NUMPY\x01\x00\x76\x00".to_vec();
        let mut dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }".to_string();
        dict.push_str(&" ".repeat(0x76 - dict.len() - 1));
        dict.push('\n');
        saved.extend(dict.as_bytes());
        saved.extend([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]);
        assert_eq!(read_npy_vector(&saved).unwrap(), vec![0, 1, 2]);
        // version 2.0: a 4-byte header length
        let mut v2 = b"\x93NUMPY\x02\x00".to_vec();
        v2.extend((dict.len() as u32).to_le_bytes());
        v2.extend(dict.as_bytes());
        v2.extend([7, 0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 0]);
        assert_eq!(read_npy_vector(&v2).unwrap(), vec![7, 8, 9]);
    }

    #[test]
    fn npy_files_of_another_kind_are_refused_saying_why() {
        let good = export(&cyclic_layer(2), ExportFormat::Npy, ChannelExpansion::NONE);
        // the header with `from` replaced by `to`, of the same length
        let with_header = |from: &str, to: &str| {
            let at = good
                .windows(from.len())
                .position(|w| w == from.as_bytes())
                .expect("in the header");
            let mut bytes = good.clone();
            bytes[at..at + to.len()].copy_from_slice(to.as_bytes());
            bytes
        };
        let cases: [(Vec<u8>, &str); 6] = [
            (b"PK\x03\x04".to_vec(), "not an NPY file"),
            (
                with_header("'<i4'", "'<i8'"),
                "dtype '<i8', expected little-endian int32",
            ),
            (with_header("'<i4'", "'>i4'"), "dtype '>i4'"),
            (with_header("False", "True "), "Fortran-ordered"),
            (
                good[..good.len() - 4].to_vec(),
                "needs 16 bytes of data, the file has 12",
            ),
            (with_header("(2, 2)", "(2, x)"), "is not a tuple of sizes"),
        ];
        for (bytes, message) in cases {
            let err = read_npy_tying(&bytes).unwrap_err().to_string();
            assert!(
                err.starts_with("NPY: ") && err.contains(message),
                "{message}: {err}"
            );
        }
    }

    #[test]
    fn safetensors_round_trips_with_metadata() {
        let layer = cyclic_layer(4);
        let bytes = export(&layer, ExportFormat::Safetensors, ChannelExpansion::NONE);
        let (tying, meta) = read_safetensors_tying(&bytes).unwrap();
        assert_eq!(tying, layer.tying);
        assert_eq!(meta["instance"], "cyclic-4");
        assert_eq!(meta["parameters"], "4");
        assert_eq!(meta["group_order"], "4");
    }

    #[test]
    fn bias_tying_travels_in_safetensors_and_beside_npy() {
        // C4 on 4 outputs: one output orbit, one bias parameter.
        let layer = cyclic_layer(4);
        assert_eq!(layer.bias_tying, vec![0; 4]);
        let bytes = export(&layer, ExportFormat::Safetensors, ChannelExpansion::NONE);
        assert_eq!(read_safetensors_bias(&bytes).unwrap(), vec![0; 4]);
        let (_, meta) = read_safetensors_tying(&bytes).unwrap();
        assert_eq!(meta["bias_parameters"], "1");
        assert_eq!(meta["unread_inputs"], "0");
        assert_eq!(meta["dead_outputs"], "0");
        // Two output channels: each its own bias.
        let ch = ChannelExpansion {
            input: 1,
            output: 2,
        };
        let bytes = export(&layer, ExportFormat::Safetensors, ch);
        assert_eq!(
            read_safetensors_bias(&bytes).unwrap(),
            vec![0, 0, 0, 0, 1, 1, 1, 1]
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c4.dense.npy");
        export_to_file(&layer, ExportFormat::Npy, ch, &path).unwrap();
        let beside = dir.path().join("c4.dense.bias.npy");
        assert_eq!(bias_npy_path(&path), beside);
        let bias = read_npy_vector(&std::fs::read(beside).unwrap()).unwrap();
        assert_eq!(bias, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn coo_text_and_npy_hold_every_edge() {
        let layer = cyclic_layer(3);
        let text =
            String::from_utf8(export(&layer, ExportFormat::Coo, ChannelExpansion::NONE)).unwrap();
        assert_eq!(read_coo_text(&text, 3, 3).unwrap(), layer.tying);
        let bytes = export(&layer, ExportFormat::CooNpy, ChannelExpansion::NONE);
        let npy = npyz::NpyFile::new(&bytes[..]).unwrap();
        assert_eq!(npy.shape(), &[9, 3]);
        let triples: Vec<i32> = npy.into_vec().unwrap();
        for t in triples.chunks(3) {
            assert_eq!(layer.tying.get(t[0] as usize, t[1] as usize), t[2]);
        }
    }

    #[test]
    fn channel_expansion_offsets_each_pair() {
        let layer = cyclic_layer(2); // tying [[0, 1], [1, 0]], 2 parameters
        let ch = ChannelExpansion {
            input: 3,
            output: 2,
        };
        let t = read_npy_tying(&export(&layer, ExportFormat::Npy, ch)).unwrap();
        assert_eq!((t.rows, t.cols), (4, 6));
        // block (k', k) = pattern + (k' * 3 + k) * 2
        for kp in 0..2 {
            for k in 0..3 {
                for m in 0..2 {
                    for n in 0..2 {
                        let want = layer.tying.get(m, n) + ((kp * 3 + k) * 2) as i32;
                        assert_eq!(t.get(kp * 2 + m, k * 2 + n), want);
                    }
                }
            }
        }
        let (st, meta) =
            read_safetensors_tying(&export(&layer, ExportFormat::Safetensors, ch)).unwrap();
        assert_eq!(st, t);
        assert_eq!(meta["parameters"], "12");
        let mut buf = Vec::new();
        assert!(write_export(&layer, ExportFormat::Json, ch, &mut buf).is_err());
    }

    #[test]
    fn formats_parse_by_name() {
        for f in ExportFormat::ALL {
            assert_eq!(f.name().parse::<ExportFormat>().unwrap(), f);
        }
        assert!("csv".parse::<ExportFormat>().is_err());
    }
}
