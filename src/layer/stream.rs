//! Streaming parse of layer JSON: the tying matrix goes straight into a flat `Vec<i32>`.
//!
//! A `serde_json::Value` tree of a dense 64x64 image layer (16.8M entries)
//! takes about 1.4 GB; this reader keeps every field except `tying` as a
//! `Value` (they are small) and streams `tying` row by row, entry by entry,
//! with serde visitors. Nothing is judged while parsing: the shape of the
//! matrix and the first bad entry are recorded, and [`super::Layer`] checks
//! them afterwards in the same order, with the same messages, as the earlier
//! tree-based reader (a JSON syntax error anywhere still wins over a field error).

use crate::instance::strict_json::{duplicate_key, Strict};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::fmt;

/// A JSON value that should be an array or an object, read piece by piece;
/// [`Expect`] keeps a value of any other kind whole, to describe it in an error.
trait Streamed<'de>: Sized {
    type Output;

    /// Reads an array; by default builds it as a `Value` (not the kind expected).
    fn array<A: SeqAccess<'de>>(self, seq: A) -> Result<Result<Self::Output, Value>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Err)
    }

    /// Reads an object; by default builds it as a `Value` (not the kind expected).
    fn object<A: MapAccess<'de>>(self, map: A) -> Result<Result<Self::Output, Value>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Err)
    }
}

/// Deserializes with `S` when the value has the kind `S` streams; returns
/// `Err(value)` for a value of any other kind.
struct Expect<S>(S);

impl<'de, S: Streamed<'de>> Visitor<'de> for Expect<S> {
    type Value = Result<S::Output, Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Err(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Err(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        // as serde_json's own Value visitor does (JSON has no NaN or infinity)
        Ok(Err(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        ))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Err(Value::String(v.to_owned())))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Err(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.array(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.object(map)
    }
}

impl<'de, S: Streamed<'de>> DeserializeSeed<'de> for Expect<S> {
    type Value = Result<S::Output, Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A layer file's top-level object as read: every field but `tying` as a
/// `Value`, in file order, and `tying` streamed.
pub(super) struct LayerFields {
    pub fields: Map<String, Value>,
    /// `None` when absent; `Some(Err(v))` when not an array.
    pub tying: Option<Result<TyingRows, Value>>,
}

/// The shape of one row of `tying`: its length, or the value that is not an array.
#[derive(Debug)]
pub(super) enum RowShape {
    Array(usize),
    Other(Value),
}

impl RowShape {
    fn same_as(&self, other: &RowShape) -> bool {
        matches!((self, other), (RowShape::Array(a), RowShape::Array(b)) if a == b)
    }
}

/// What streaming `tying` found: enough to report its first problem in the
/// order rows, row shapes, entries, without keeping one record per row.
pub(super) struct TyingRows {
    /// How many rows.
    pub count: usize,
    /// The shape of row 0.
    pub first: Option<RowShape>,
    /// The first row whose shape differs from row 0's, with its index.
    pub first_different: Option<(usize, RowShape)>,
    /// The first entry that is not an integer in `-1..i32::MAX`, row-major.
    pub bad_entry: Option<(usize, usize, Value)>,
    /// Every entry in row-major order, up to the first bad one.
    pub data: Vec<i32>,
}

impl TyingRows {
    /// The first row (index, shape) that is not an array of `cols` entries.
    pub fn first_bad_row(&self, cols: usize) -> Option<(usize, &RowShape)> {
        match &self.first {
            Some(RowShape::Array(len)) if *len == cols => {
                self.first_different.as_ref().map(|(m, shape)| (*m, shape))
            }
            Some(shape) => Some((0, shape)),
            None => None,
        }
    }
}

/// Parses layer JSON text: `Err(v)` when the top level is not an object.
pub(super) fn parse(text: &str) -> Result<Result<LayerFields, Value>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = Expect(TopLevel {
        text_len: text.len(),
    })
    .deserialize(&mut de)?;
    de.end()?;
    Ok(parsed)
}

/// The top-level object; `text_len` bounds the capacity reserved for the matrix.
struct TopLevel {
    text_len: usize,
}

impl<'de> Streamed<'de> for TopLevel {
    type Output = LayerFields;

    fn object<A: MapAccess<'de>>(self, mut map: A) -> Result<Result<LayerFields, Value>, A::Error> {
        let mut fields = Map::new();
        let mut tying = None;
        while let Some(key) = map.next_key::<String>()? {
            if fields.contains_key(&key) || (key == "tying" && tying.is_some()) {
                return Err(duplicate_key(&key));
            }
            if key == "tying" {
                // Sizes usually precede the matrix; reserve for them, but
                // never more than the text could hold (2 bytes an entry).
                let claimed = ["output_size", "input_size"]
                    .iter()
                    .map(|f| fields.get(*f).and_then(Value::as_u64).unwrap_or(0))
                    .fold(1u64, |a, b| a.saturating_mul(b));
                let capacity = claimed.min(self.text_len as u64 / 2) as usize;
                tying = Some(map.next_value_seed(Expect(TyingStream { capacity }))?);
            } else {
                let value = map.next_value_seed(Strict)?;
                fields.insert(key, value);
            }
        }
        Ok(Ok(LayerFields { fields, tying }))
    }
}

/// Streams the rows of `tying`.
struct TyingStream {
    capacity: usize,
}

impl<'de> Streamed<'de> for TyingStream {
    type Output = TyingRows;

    fn array<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Result<TyingRows, Value>, A::Error> {
        let mut rows = TyingRows {
            count: 0,
            first: None,
            first_different: None,
            bad_entry: None,
            data: Vec::with_capacity(self.capacity),
        };
        loop {
            let m = rows.count;
            let seed = Expect(RowStream {
                m,
                data: &mut rows.data,
                bad_entry: &mut rows.bad_entry,
            });
            let Some(shape) = seq.next_element_seed(seed)? else {
                break;
            };
            let shape = match shape {
                Ok(len) => RowShape::Array(len),
                Err(v) => RowShape::Other(v),
            };
            match &rows.first {
                None => rows.first = Some(shape),
                Some(first) => {
                    if rows.first_different.is_none() && !shape.same_as(first) {
                        rows.first_different = Some((m, shape));
                    }
                }
            }
            rows.count += 1;
        }
        Ok(Ok(rows))
    }
}

/// Streams row `m` of `tying` into `data`, returning its length.
struct RowStream<'a> {
    m: usize,
    data: &'a mut Vec<i32>,
    bad_entry: &'a mut Option<(usize, usize, Value)>,
}

impl<'de> Streamed<'de> for RowStream<'_> {
    type Output = usize;

    fn array<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Result<usize, Value>, A::Error> {
        let mut n = 0;
        // A number is a `Value` without any heap allocation; anything
        // else is kept only to describe the first bad entry.
        while let Some(x) = seq.next_element::<Value>()? {
            if self.bad_entry.is_none() {
                match x.as_i64().filter(|&v| (-1..i32::MAX as i64).contains(&v)) {
                    Some(v) => self.data.push(v as i32),
                    None => *self.bad_entry = Some((self.m, n, x)),
                }
            }
            n += 1;
        }
        Ok(Ok(n))
    }
}

#[cfg(test)]
mod tests {
    use crate::layer::Layer;

    const GENS: &str = r#""generators": [{"input": [1, 0], "output": [1, 0]}]"#;

    fn error(text: &str) -> String {
        Layer::from_json_str(text).unwrap_err().to_string()
    }

    #[test]
    fn tying_before_the_sizes_reads_the_same() {
        let tying = r#""tying": [[0, 1], [1, 0]]"#;
        let sizes = r#""input_size": 2, "output_size": 2"#;
        let late = Layer::from_json_str(&format!("{{{tying}, {sizes}, {GENS}}}")).unwrap();
        let early = Layer::from_json_str(&format!("{{{sizes}, {GENS}, {tying}}}")).unwrap();
        assert_eq!(late, early);
        assert_eq!(late.tying.data, vec![0, 1, 1, 0]);
        assert_eq!((late.parameters, late.edges), (2, 4));
    }

    #[test]
    fn row_shapes_are_checked_before_entries_and_against_a_later_input_size() {
        // row 0 has a bad entry, row 2 the wrong length: the shape wins
        let text = format!(
            r#"{{"tying": [[0, "x"], [1, 0], [1]], "input_size": 2, "output_size": 3, {GENS}}}"#
        );
        let text = text.replace(r#""output": [1, 0]"#, r#""output": [1, 0, 2]"#);
        assert_eq!(
            error(&text),
            "tying[2]: has length 1, expected input_size = 2"
        );
        // every row of length 3 where 2 are expected: row 0 is named
        let text = format!(
            r#"{{"tying": [[0, 1, 0], [1, 0, 1]], "input_size": 2, "output_size": 2, {GENS}}}"#
        );
        assert_eq!(
            error(&text),
            "tying[0]: has length 3, expected input_size = 2"
        );
        let text =
            format!(r#"{{"tying": [[0, 1], null], "input_size": 2, "output_size": 2, {GENS}}}"#);
        assert_eq!(error(&text), "tying[1]: expected an array, found null");
        let text = format!(
            r#"{{"tying": [[0, 1], [1, 0.5]], "input_size": 2, "output_size": 2, {GENS}}}"#
        );
        assert_eq!(
            error(&text),
            "tying[1][1]: expected -1 or a parameter index, found 0.5"
        );
    }

    #[test]
    fn a_syntax_error_after_a_bad_entry_is_reported_as_json() {
        let text = r#"{"tying": [[-7]], "input_size": 1 "output_size": 1}"#;
        assert!(error(text).starts_with("not valid JSON: expected `,` or `}`"));
        assert!(error(r#"{"tying": [[-7]]} x"#).starts_with("not valid JSON: trailing characters"));
    }

    #[test]
    fn other_kinds_are_described() {
        assert_eq!(
            error("[1, 2]"),
            "(top level): expected an object, found an array of length 2"
        );
        let text = format!(r#"{{"input_size": 2, "output_size": 2, {GENS}, "tying": {{"a": 1}}}}"#);
        assert_eq!(
            error(&text),
            "tying: expected an array of rows, found an object"
        );
    }

    #[test]
    fn unknown_fields_are_kept_in_file_order_and_a_repeated_key_is_refused() {
        let text = format!(
            r#"{{"zeta": 1, "tying": [[0, 0], [0, 0]], "input_size": 2, "note": {{"a": [1]}}, "output_size": 2,
                {GENS}}}"#
        );
        let layer = Layer::from_json_str(&text).unwrap();
        let keys: Vec<&str> = layer.extra.keys().map(String::as_str).collect();
        assert_eq!(keys, ["zeta", "note"]);
        assert_eq!(layer.tying.data, vec![0; 4]);
        let twice = text.replace(r#""zeta": 1,"#, r#""tying": [[5]],"#);
        assert!(
            error(&twice).starts_with("not valid JSON: duplicate key \"tying\""),
            "{}",
            error(&twice)
        );
        let twice = text.replace(r#""zeta": 1,"#, r#""edges": 4, "edges": 4,"#);
        assert!(error(&twice).starts_with("not valid JSON: duplicate key \"edges\""));
        let nested = text.replace(r#"{"a": [1]}"#, r#"{"a": 1, "a": 2}"#);
        assert!(error(&nested).starts_with("not valid JSON: duplicate key \"a\""));
    }
}
