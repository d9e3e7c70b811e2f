//! Proptest strategies shared by the property and differential tests.

use bytes::Bytes;
use eventstream::{Header, HeaderValue, Message, StrBytes};
use proptest::collection::vec;
use proptest::prelude::*;

pub(crate) fn header_value() -> impl Strategy<Value = HeaderValue> {
    prop_oneof![
        any::<bool>().prop_map(HeaderValue::Bool),
        any::<i8>().prop_map(HeaderValue::Byte),
        any::<i16>().prop_map(HeaderValue::Int16),
        any::<i32>().prop_map(HeaderValue::Int32),
        any::<i64>().prop_map(HeaderValue::Int64),
        vec(any::<u8>(), 0..48).prop_map(|v| HeaderValue::ByteArray(Bytes::from(v))),
        "\\PC{0,24}".prop_map(|s| HeaderValue::String(StrBytes::from(s))),
        any::<i64>().prop_map(HeaderValue::Timestamp),
        any::<[u8; 16]>().prop_map(HeaderValue::Uuid),
    ]
}

pub(crate) fn header() -> impl Strategy<Value = Header> {
    // Names of 1 to 16 characters of up to 4 UTF-8 bytes each: always within 1..=255 bytes.
    ("\\PC{1,16}", header_value()).prop_map(|(name, value)| Header::new(&name, value))
}

pub(crate) fn message() -> impl Strategy<Value = Message> {
    (vec(header(), 0..6), vec(any::<u8>(), 0..200))
        .prop_map(|(headers, payload)| Message::from_parts(headers, Bytes::from(payload)))
}

/// Encodes messages back to back; returns the stream and each frame's (offset, length).
pub(crate) fn encode_all(messages: &[Message]) -> (Vec<u8>, Vec<(usize, usize)>) {
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for m in messages {
        let start = out.len();
        m.encode(&mut out).unwrap();
        spans.push((start, out.len() - start));
    }
    (out, spans)
}
