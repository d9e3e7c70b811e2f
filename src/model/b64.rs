//! Serde helpers: byte fields are written as standard base64 strings.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serializer};

/// Serializes bytes as a standard (padded) base64 string.
pub(crate) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

/// Deserializes a standard base64 string into bytes.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    STANDARD
        .decode(s.as_bytes())
        .map_err(|e| serde::de::Error::custom(format_args!("invalid base64: {e}")))
}

/// Encodes bytes as standard base64.
pub(crate) fn encode(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes standard base64 (padded or not).
pub(crate) fn decode(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    decode_bytes(s.as_bytes())
}

/// [`decode`] over raw bytes (anything that is not base64, non-ASCII included, is an error).
pub(crate) fn decode_bytes(s: &[u8]) -> Result<Vec<u8>, base64::DecodeError> {
    STANDARD.decode(s).or_else(|e| {
        let unpadded = s
            .iter()
            .rposition(|&c| c != b'=')
            .map_or(&[][..], |last| s.get(..=last).unwrap_or_default());
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(unpadded)
            .map_err(|_| e)
    })
}
