//! Instances (FORMATS.md): reading and validating a group acting on one layer's inputs and outputs.

pub mod families;
mod graph;
pub mod strict_json;

use crate::action::{GeneratorPair, JointAction};
use crate::perm::Perm;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;

/// A validated instance: generator pairs acting on inputs and outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    pub name: String,
    pub description: String,
    pub input_size: usize,
    pub output_size: usize,
    pub generators: Vec<GeneratorPair>,
    pub channels: Channels,
}

/// Input and output channel counts (each channel pair gets its own copy of the pattern).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channels {
    pub input: usize,
    pub output: usize,
}

impl Default for Channels {
    fn default() -> Self {
        Channels {
            input: 1,
            output: 1,
        }
    }
}

/// Why a file is not a valid instance; `field` names the place, e.g. `generators[2].output`.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// serde_json's error keeps the line, column and category
    /// (syntax, end of file, data).
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{field}: {message}")]
    Field { field: String, message: String },
    /// A generator's images that are not a permutation: the field, and
    /// [`PermError`](crate::perm::PermError) saying why.
    #[error("{field}: {source}")]
    Perm {
        field: String,
        source: crate::perm::PermError,
    },
}

/// A bad value in `field` (e.g. `generators[2].input[5]`) of an instance or layer file.
pub(crate) fn field_error(field: impl Into<String>, message: impl Into<String>) -> InstanceError {
    InstanceError::Field {
        field: field.into(),
        message: message.into(),
    }
}

/// Largest side we accept: beyond this a tying matrix cannot be held anyway.
pub const MAX_SIDE: u64 = 1 << 24;

fn read_size(obj: &serde_json::Map<String, Value>, field: &str) -> Result<usize, InstanceError> {
    let v = obj
        .get(field)
        .ok_or_else(|| field_error(field, "missing (expected a non-negative integer)"))?;
    let n = v.as_u64().ok_or_else(|| {
        field_error(
            field,
            format!("expected a non-negative integer, found {}", describe(v)),
        )
    })?;
    if n > MAX_SIDE {
        return Err(field_error(
            field,
            format!("{n} is too large (at most {MAX_SIDE} points per side)"),
        ));
    }
    Ok(n as usize)
}

/// Largest instance or layer file we read: parsing holds a JSON tree of up
/// to about 36 bytes per input byte (a 72-byte value per 2-byte number), so
/// this bounds the parser's memory at about 9 GiB even for adversarial files.
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// Reads a whole instance or layer file as text: refuses directories,
/// files (or endless streams such as `/dev/zero`) longer than
/// [`MAX_INPUT_BYTES`], and bytes that are not UTF-8, without reading more
/// than the limit.
pub fn read_input_text(path: &Path) -> Result<String, InstanceError> {
    let io_error = |source: std::io::Error| InstanceError::Io {
        path: path.display().to_string(),
        source,
    };
    let invalid =
        |kind: std::io::ErrorKind, message: String| io_error(std::io::Error::new(kind, message));
    let file = std::fs::File::open(path).map_err(io_error)?;
    let metadata = file.metadata().map_err(io_error)?;
    if metadata.is_dir() {
        return Err(invalid(
            std::io::ErrorKind::InvalidInput,
            "is a directory, not a file".into(),
        ));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(too_long(&path.display().to_string()));
    }
    read_limited_text(file, &path.display().to_string())
}

/// The error for input longer than [`MAX_INPUT_BYTES`], naming `name`.
fn too_long(name: &str) -> InstanceError {
    InstanceError::Io {
        path: name.to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "longer than {} MiB, the most paramshare reads; use a smaller instance or layer",
                MAX_INPUT_BYTES >> 20
            ),
        ),
    }
}

/// Reads all of `reader` as text, as [`read_input_text`] reads a file:
/// at most [`MAX_INPUT_BYTES`] bytes, UTF-8; errors name `name` (for
/// standard input, say).
pub fn read_limited_text(reader: impl std::io::Read, name: &str) -> Result<String, InstanceError> {
    use std::io::Read;
    let io_error = |source: std::io::Error| InstanceError::Io {
        path: name.to_string(),
        source,
    };
    let mut bytes = Vec::new();
    reader
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_long(name));
    }
    String::from_utf8(bytes).map_err(|e| {
        io_error(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

/// A short description of a JSON value for error messages.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("{b}"),
        Value::Number(n) => format!("{n}"),
        Value::String(s) if s.len() <= 40 => format!("the string \"{s}\""),
        Value::String(_) => "a string".into(),
        Value::Array(a) => format!("an array of length {}", a.len()),
        Value::Object(_) => "an object".into(),
    }
}

/// Parses an image array at `field`, checking it is a permutation of `0..degree`.
pub(crate) fn read_perm(v: &Value, field: &str, degree: usize) -> Result<Perm, InstanceError> {
    let arr = v.as_array().ok_or_else(|| {
        field_error(
            field,
            format!(
                "expected an array of {degree} integers (an image array), found {}",
                describe(v)
            ),
        )
    })?;
    if arr.len() != degree {
        return Err(field_error(
            field,
            format!("has length {}, expected {degree}", arr.len()),
        ));
    }
    let mut images = Vec::with_capacity(degree);
    for (i, x) in arr.iter().enumerate() {
        let value = match x.as_i64() {
            Some(k) => k,
            None => {
                return Err(field_error(
                    format!("{field}[{i}]"),
                    format!("expected an integer, found {}", describe(x)),
                ))
            }
        };
        if value < 0 || value as u64 >= degree as u64 {
            return Err(field_error(
                format!("{field}[{i}]"),
                format!("{value} is out of range 0..{}", degree.saturating_sub(1)),
            ));
        }
        images.push(value as usize);
    }
    Perm::from_images(&images).map_err(|source| InstanceError::Perm {
        field: field.to_string(),
        source,
    })
}

impl Instance {
    /// Reads and validates an instance file.
    pub fn read(path: &Path) -> Result<Instance, InstanceError> {
        let text = read_input_text(path)?;
        Instance::from_json_str(&text)
    }

    /// Parses and validates instance JSON text.
    pub fn from_json_str(text: &str) -> Result<Instance, InstanceError> {
        let value = strict_json::parse(text)?;
        Instance::from_json_value(&value)
    }

    /// Validates an already-parsed JSON value.
    pub fn from_json_value(value: &Value) -> Result<Instance, InstanceError> {
        let obj = value.as_object().ok_or_else(|| {
            field_error(
                "(top level)",
                format!("expected an object, found {}", describe(value)),
            )
        })?;
        let name = match obj.get("name") {
            None => "unnamed".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                return Err(field_error(
                    "name",
                    format!("expected a string, found {}", describe(v)),
                ))
            }
        };
        let description = match obj.get("description") {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(v) => {
                return Err(field_error(
                    "description",
                    format!("expected a string, found {}", describe(v)),
                ))
            }
        };
        let input_size = read_size(obj, "input_size")?;
        let output_size = read_size(obj, "output_size")?;
        let gens_value = obj
            .get("generators")
            .ok_or_else(|| field_error("generators", "missing (use [] for the trivial group)"))?;
        let gens_array = gens_value.as_array().ok_or_else(|| {
            field_error(
                "generators",
                format!(
                    "expected an array of {{\"input\": [...], \"output\": [...]}} pairs, found {}",
                    describe(gens_value)
                ),
            )
        })?;
        let mut generators = Vec::with_capacity(gens_array.len());
        for (k, g) in gens_array.iter().enumerate() {
            let field = format!("generators[{k}]");
            let pair = g.as_object().ok_or_else(|| {
                field_error(
                    &field,
                    format!(
                        "expected an object with \"input\" and \"output\", found {}",
                        describe(g)
                    ),
                )
            })?;
            let input_v = pair
                .get("input")
                .ok_or_else(|| field_error(format!("{field}.input"), "missing"))?;
            let output_v = pair
                .get("output")
                .ok_or_else(|| field_error(format!("{field}.output"), "missing"))?;
            let input = read_perm(input_v, &format!("{field}.input"), input_size)?;
            let output = read_perm(output_v, &format!("{field}.output"), output_size)?;
            generators.push(GeneratorPair { input, output });
        }
        let channels = match obj.get("channels") {
            None | Some(Value::Null) => Channels::default(),
            Some(Value::Object(c)) => {
                let get = |side: &str| -> Result<usize, InstanceError> {
                    match c.get(side) {
                        None => Ok(1),
                        Some(v) => match v.as_u64() {
                            Some(k) if (1..=families::MAX_CHANNELS as u64).contains(&k) => {
                                Ok(k as usize)
                            }
                            _ => Err(field_error(
                                format!("channels.{side}"),
                                format!(
                                    "expected an integer from 1 to 65536, found {}",
                                    describe(v)
                                ),
                            )),
                        },
                    }
                };
                Channels {
                    input: get("input")?,
                    output: get("output")?,
                }
            }
            Some(v) => {
                return Err(field_error(
                    "channels",
                    format!(
                        "expected an object {{\"input\": K, \"output\": K'}}, found {}",
                        describe(v)
                    ),
                ))
            }
        };
        Ok(Instance {
            name,
            description,
            input_size,
            output_size,
            generators,
            channels,
        })
    }

    /// The FORMATS.md JSON form.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "name": self.name,
            "description": self.description,
            "input_size": self.input_size,
            "output_size": self.output_size,
            "generators": generators_json(&self.generators),
            "channels": self.channels,
        })
    }

    /// Writes the FORMATS.md JSON, one generator pair per line (readable
    /// and compact for large images), ending with a newline.
    pub fn write_json(&self, out: &mut (impl std::io::Write + ?Sized)) -> std::io::Result<()> {
        let text = |s: &str| Value::String(s.to_string()).to_string();
        let array = |p: &Perm| {
            let items: Vec<String> = p.images().iter().map(|x| x.to_string()).collect();
            format!("[{}]", items.join(", "))
        };
        writeln!(out, "{{")?;
        writeln!(out, "  \"name\": {},", text(&self.name))?;
        writeln!(out, "  \"description\": {},", text(&self.description))?;
        writeln!(out, "  \"input_size\": {},", self.input_size)?;
        writeln!(out, "  \"output_size\": {},", self.output_size)?;
        if self.generators.is_empty() {
            writeln!(out, "  \"generators\": [],")?;
        } else {
            writeln!(out, "  \"generators\": [")?;
            for (k, g) in self.generators.iter().enumerate() {
                let comma = if k + 1 < self.generators.len() {
                    ","
                } else {
                    ""
                };
                writeln!(
                    out,
                    "    {{ \"input\": {}, \"output\": {} }}{comma}",
                    array(&g.input),
                    array(&g.output)
                )?;
            }
            writeln!(out, "  ],")?;
        }
        writeln!(
            out,
            "  \"channels\": {{ \"input\": {}, \"output\": {} }}",
            self.channels.input, self.channels.output
        )?;
        writeln!(out, "}}")
    }

    /// The joint action G<N,M> of this instance's generators.
    pub fn action(&self) -> JointAction {
        JointAction::new(self.input_size, self.output_size, self.generators.clone())
    }
}

/// Generator pairs as FORMATS.md JSON (`[{"input": [...], "output": [...]}]`).
pub fn generators_json(gens: &[GeneratorPair]) -> Value {
    Value::Array(
        gens.iter()
            .map(|g| serde_json::json!({"input": g.input.images(), "output": g.output.images()}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_error_keeps_serde_jsons_error_as_its_source() {
        let err = Instance::from_json_str("{\n  \"input_size\": 4,\n  oops").unwrap_err();
        assert!(err.to_string().starts_with("not valid JSON: "), "{err}");
        let source = std::error::Error::source(&err).expect("a source");
        let json = source
            .downcast_ref::<serde_json::Error>()
            .expect("serde_json's error");
        assert_eq!((json.line(), json.column()), (3, 3));
        assert!(json.is_syntax());
        let layer_err = crate::layer::Layer::from_json_str("[1, 2").unwrap_err();
        let source = std::error::Error::source(&layer_err).expect("a source");
        assert!(source.downcast_ref::<serde_json::Error>().unwrap().is_eof());
    }

    #[test]
    fn reads_formats_example() {
        let text = r#"{"name": "cyclic-4", "description": "C4", "input_size": 4, "output_size": 4,
            "generators": [{"input": [1,2,3,0], "output": [1,2,3,0]}], "channels": {"input": 1, "output": 1}}"#;
        let inst = Instance::from_json_str(text).unwrap();
        assert_eq!(inst.generators.len(), 1);
        let back = Instance::from_json_value(&inst.to_json()).unwrap();
        assert_eq!(back, inst);
        let mut written = Vec::new();
        inst.write_json(&mut written).unwrap();
        let written = String::from_utf8(written).unwrap();
        assert_eq!(Instance::from_json_str(&written).unwrap(), inst);
        assert!(written.contains("{ \"input\": [1, 2, 3, 0], \"output\": [1, 2, 3, 0] }"));
    }

    #[test]
    fn errors_name_field_and_index() {
        let text = r#"{"input_size": 3, "output_size": 3,
            "generators": [{"input": [0,0,2], "output": [0,1,2]}]}"#;
        let err = Instance::from_json_str(text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "generators[0].input: 0 appears twice, not a permutation of 0..2"
        );
        // the permutation's own error is kept as the source
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(
            source.downcast_ref::<crate::perm::PermError>(),
            Some(&crate::perm::PermError::Repeated {
                value: 0,
                degree: 3
            })
        );
        let text = r#"{"input_size": 3, "output_size": 3,
            "generators": [{"input": [0,1,2], "output": [0,1,7]}]}"#;
        let err = Instance::from_json_str(text).unwrap_err().to_string();
        assert_eq!(err, "generators[0].output[2]: 7 is out of range 0..2");
        let text = r#"{"input_size": 3, "generators": []}"#;
        let err = Instance::from_json_str(text).unwrap_err().to_string();
        assert!(err.starts_with("output_size: missing"), "{err}");
    }
}
