//! Small helpers to read a `serde_json::Value` while tracking the JSON path, so every
//! failure names where it happened.

use serde_json::{Map, Value};

use crate::translation_error::TranslationError;

/// `parent.key` (or `key` at the root).
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() || parent == "$" {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// `parent[i]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Parses bytes as JSON; `path` names the document in the error.
pub(crate) fn parse(bytes: &[u8], path: &str) -> Result<Value, TranslationError> {
    // The same value serde would read, without its per-escape cost on long model text; anything
    // unusual (and every error) goes to serde.
    if let Some(v) = crate::fast_json::value(bytes) {
        return Ok(v);
    }
    serde_json::from_slice(bytes).map_err(|e| TranslationError::malformed(path, &e))
}

/// The value as an object.
pub(crate) fn obj<'a>(
    v: &'a Value,
    path: &str,
) -> Result<&'a Map<String, Value>, TranslationError> {
    v.as_object()
        .ok_or_else(|| TranslationError::wrong_type(path, "an object", v))
}

/// A present, non-null field.
pub(crate) fn opt<'a>(m: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    m.get(key).filter(|v| !v.is_null())
}

/// A required field.
pub(crate) fn req<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a Value, TranslationError> {
    opt(m, key).ok_or_else(|| TranslationError::missing(join(path, key)))
}

/// The value as a string.
pub(crate) fn str<'a>(v: &'a Value, path: &str) -> Result<&'a str, TranslationError> {
    v.as_str()
        .ok_or_else(|| TranslationError::wrong_type(path, "a string", v))
}

/// The value as an array.
pub(crate) fn arr<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, TranslationError> {
    v.as_array()
        .ok_or_else(|| TranslationError::wrong_type(path, "an array", v))
}

/// The value as a non-negative integer.
pub(crate) fn u64(v: &Value, path: &str) -> Result<u64, TranslationError> {
    v.as_u64()
        .ok_or_else(|| TranslationError::wrong_type(path, "a non-negative integer", v))
}

/// The value as a `u32`.
pub(crate) fn u32(v: &Value, path: &str) -> Result<u32, TranslationError> {
    let n = u64(v, path)?;
    std::primitive::u32::try_from(n)
        .map_err(|_| TranslationError::invalid(path, format!("{n} is too large")))
}

/// A required string field.
pub(crate) fn req_str<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a str, TranslationError> {
    str(req(m, key, path)?, &join(path, key))
}

/// An optional string field.
pub(crate) fn opt_str<'a>(
    m: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, TranslationError> {
    opt(m, key).map(|v| str(v, &join(path, key))).transpose()
}

/// An optional non-negative integer field.
pub(crate) fn opt_u64(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<u64>, TranslationError> {
    opt(m, key).map(|v| u64(v, &join(path, key))).transpose()
}

/// The single key of a union object (ignoring the `p` padding field), with its value.
pub(crate) fn union<'a>(
    v: &'a Value,
    path: &str,
) -> Result<(&'a str, &'a Value), TranslationError> {
    let m = obj(v, path)?;
    m.iter()
        .find(|(k, v)| k.as_str() != "p" && !v.is_null())
        .map(|(k, v)| (k.as_str(), v))
        .ok_or_else(|| TranslationError::invalid(path, "empty union: no member is set"))
}
