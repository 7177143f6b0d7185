//! JSON parsing that rejects an object with a repeated key, naming the key.
//!
//! `serde_json::Value` keeps the last of two equal keys silently, so
//! `{"input_size": 2, "input_size": 3}` read as 3 and the first value was
//! lost without a word. Instances and layers are read through [`Strict`]
//! instead: the same `Value`, built by the same visitor calls, except that
//! a repeated key is a parse error (`duplicate key "input_size" at line 1
//! column 32`).

use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Parses `text` as one JSON value; a repeated key in any object is an error.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Strict.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Deserializes a `Value`, rejecting repeated keys at every depth.
#[derive(Clone, Copy, Debug)]
pub struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // as serde_json's own Value visitor does (JSON has no NaN or infinity)
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(x) = seq.next_element_seed(Strict)? {
            items.push(x);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(duplicate_key(&key));
            }
            let value = map.next_value_seed(Strict)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// The error for a key seen twice in one object.
pub fn duplicate_key<E: Error>(key: &str) -> E {
    E::custom(format!(
        "duplicate key {} (each field may appear once)",
        Value::from(key)
    ))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn repeated_keys_are_named_at_any_depth() {
        let e = parse(r#"{"input_size": 2, "input_size": 3}"#).unwrap_err();
        assert!(
            e.to_string().starts_with("duplicate key \"input_size\""),
            "{e}"
        );
        let e = parse(r#"{"g": [{"input": [0], "input": [0]}]}"#).unwrap_err();
        assert!(e.to_string().starts_with("duplicate key \"input\""), "{e}");
    }

    #[test]
    fn values_match_serde_json() {
        let text = r#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": "\u001b"}"#;
        let strict = parse(text).unwrap();
        let plain: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(strict, plain);
    }
}
