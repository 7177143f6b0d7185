//! Names a layer file records (its `method` and `objective`): one this crate knows, or another tool's kept as written.
//!
//! FORMATS.md lists the values paramshare writes, but a layer written by hand
//! or by another tool may name something else (scripts/compare-nauty.sh
//! writes `"method": "three-orbit"`), and `verify` must still read it. So a
//! layer holds a [`Named`]: a typed value where the name is one of ours, the
//! string itself otherwise. Reading and writing give back the same bytes.

use std::fmt;

/// A closed set of values, each written in files under its own name.
pub trait KnownNames: Copy + PartialEq + 'static {
    /// Every value; no two share a name.
    const ALL: &'static [Self];

    /// The name written in files.
    fn name(self) -> &'static str;
}

/// A name read from a file: `Known` when it is exactly the name of a `T`,
/// `Other` (the name as written) when it is not.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Named<T> {
    Known(T),
    Other(String),
}

impl<T: KnownNames> Named<T> {
    /// The value named `name`, or `Other(name)` when no `T` has that exact
    /// name (names are case-sensitive: `"Dense"` stays `Other`, so it is
    /// written back as `"Dense"`).
    pub fn from_name(name: &str) -> Named<T> {
        match T::ALL.iter().find(|t| t.name() == name) {
            Some(&t) => Named::Known(t),
            None => Named::Other(name.to_string()),
        }
    }

    /// The name as it is written in files.
    pub fn as_str(&self) -> &str {
        match self {
            Named::Known(t) => t.name(),
            Named::Other(name) => name,
        }
    }

    /// The typed value, or `None` for a name this crate does not know.
    pub fn known(&self) -> Option<T> {
        match self {
            Named::Known(t) => Some(*t),
            Named::Other(_) => None,
        }
    }
}

impl<T> From<T> for Named<T> {
    fn from(t: T) -> Named<T> {
        Named::Known(t)
    }
}

/// `layer.method == Method::Optimal`: false for every `Other` name.
impl<T: KnownNames> PartialEq<T> for Named<T> {
    fn eq(&self, other: &T) -> bool {
        self.known() == Some(*other)
    }
}

/// Written as its name (batch summaries and records hold a method).
impl<T: KnownNames> serde::Serialize for Named<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Read from any string, as [`Named::from_name`] reads it.
impl<'de, T: KnownNames> serde::Deserialize<'de> for Named<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Named<T>, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(Named::from_name(&name))
    }
}

impl<T: KnownNames> fmt::Display for Named<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::design::{Method, Objective};

    #[test]
    fn every_known_name_reads_back_as_its_value() {
        for &m in Method::ALL {
            assert_eq!(Named::from_name(m.name()), Named::Known(m));
            assert_eq!(Named::<Method>::from_name(m.name()).as_str(), m.name());
        }
        for &o in Objective::ALL {
            assert_eq!(Named::from_name(o.name()), Named::Known(o));
        }
        let names: std::collections::HashSet<_> = Method::ALL.iter().map(|m| m.name()).collect();
        assert_eq!(names.len(), Method::ALL.len(), "two methods share a name");
    }

    #[test]
    fn other_names_are_kept_exactly_and_equal_no_value() {
        for name in ["three-orbit", "Dense", "optimal ", ""] {
            let read = Named::<Method>::from_name(name);
            assert_eq!(read, Named::Other(name.to_string()));
            assert_eq!(read.as_str(), name);
            assert_eq!(read.known(), None);
            assert!(Method::ALL.iter().all(|&m| read != m));
        }
        let optimal: Named<Method> = Method::Optimal.into();
        assert!(optimal == Method::Optimal);
        assert!(optimal != Method::Dense);
        let json = serde_json::to_string(&Named::<Method>::from_name("three-orbit")).unwrap();
        assert_eq!(json, "\"three-orbit\"");
        let back: Named<Method> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.as_str(), "three-orbit");
        let known: Named<Method> = serde_json::from_str("\"sparse\"").unwrap();
        assert_eq!(known, Named::Known(Method::Sparse));
    }

    #[test]
    fn a_layer_file_reads_and_writes_back_byte_for_byte() {
        for (method, objective) in [
            ("optimal", "parameters"),
            ("three-orbit", "Edges"),
            ("dense", "edges"),
        ] {
            let text = format!(
                r#"{{"format": "paramshare-layer/1", "instance": "c4", "method": "{method}",
                    "objective": "{objective}", "input_size": 4, "output_size": 4,
                    "generators": [{{"input": [1, 2, 3, 0], "output": [1, 2, 3, 0]}}],
                    "tying": [[0,1,-1,-1],[-1,0,1,-1],[-1,-1,0,1],[1,-1,-1,0]]}}"#
            );
            let layer = crate::layer::Layer::from_json_str(&text).unwrap();
            assert_eq!(layer.method.as_str(), method);
            let mut once = Vec::new();
            layer.write_json(&mut once).unwrap();
            let again =
                crate::layer::Layer::from_json_str(std::str::from_utf8(&once).unwrap()).unwrap();
            let mut twice = Vec::new();
            again.write_json(&mut twice).unwrap();
            assert_eq!(once, twice);
            let written: serde_json::Value = serde_json::from_slice(&once).unwrap();
            assert_eq!(written["method"], method);
            assert_eq!(written["objective"], objective);
        }
    }
}
