//! Differential tests against the official `aws-smithy-eventstream` crate on random valid
//! messages, in both directions, plus the vectors and captures.

mod common;

use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use aws_smithy_types::DateTime;
use aws_smithy_types::event_stream::{
    Header as TheirHeader, HeaderValue as TheirValue, Message as TheirMessage,
};
use bytes::Bytes;
use eventstream::{Decoder, Header, HeaderValue, Message, StrBytes, frame};
use proptest::collection::vec;
use proptest::prelude::*;

use common::{encode_all, message};

fn to_theirs(m: &Message) -> TheirMessage {
    let headers = m
        .headers()
        .iter()
        .map(|h| {
            let value = match h.value().clone() {
                HeaderValue::Bool(v) => TheirValue::Bool(v),
                HeaderValue::Byte(v) => TheirValue::Byte(v),
                HeaderValue::Int16(v) => TheirValue::Int16(v),
                HeaderValue::Int32(v) => TheirValue::Int32(v),
                HeaderValue::Int64(v) => TheirValue::Int64(v),
                HeaderValue::ByteArray(v) => TheirValue::ByteArray(v),
                HeaderValue::String(v) => TheirValue::String(v.as_str().to_owned().into()),
                HeaderValue::Timestamp(v) => TheirValue::Timestamp(DateTime::from_millis(v)),
                HeaderValue::Uuid(v) => TheirValue::Uuid(u128::from_be_bytes(v)),
            };
            TheirHeader::new(h.name().to_owned(), value)
        })
        .collect();
    TheirMessage::new_from_parts(headers, m.payload().clone())
}

fn from_theirs(m: &TheirMessage) -> Message {
    let headers = m
        .headers()
        .iter()
        .map(|h| {
            let value = match h.value() {
                TheirValue::Bool(v) => HeaderValue::Bool(*v),
                TheirValue::Byte(v) => HeaderValue::Byte(*v),
                TheirValue::Int16(v) => HeaderValue::Int16(*v),
                TheirValue::Int32(v) => HeaderValue::Int32(*v),
                TheirValue::Int64(v) => HeaderValue::Int64(*v),
                TheirValue::ByteArray(v) => HeaderValue::ByteArray(v.clone()),
                TheirValue::String(v) => HeaderValue::String(StrBytes::from(v.as_str())),
                TheirValue::Timestamp(v) => HeaderValue::Timestamp(v.to_millis().unwrap()),
                TheirValue::Uuid(v) => HeaderValue::Uuid(v.to_be_bytes()),
                other => panic!("unknown value {other:?}"),
            };
            Header::new(h.name().as_str(), value)
        })
        .collect();
    Message::from_parts(headers, m.payload().clone())
}

fn their_encode(m: &TheirMessage) -> Vec<u8> {
    let mut out = Vec::new();
    write_message_to(m, &mut out).unwrap();
    out
}

proptest! {
    /// Our encoder → their decoder, and the bytes are the same as their encoder's.
    #[test]
    fn our_encoding_is_theirs(m in message()) {
        let ours = m.to_bytes().unwrap();
        let theirs = their_encode(&to_theirs(&m));
        prop_assert_eq!(&ours, &theirs);
        let decoded = read_message_from(&mut Bytes::from(ours)).unwrap();
        prop_assert_eq!(from_theirs(&decoded), m);
    }

    /// Their encoder → our decoder (one shot and one byte at a time).
    #[test]
    fn we_decode_their_encoding(messages in vec(message(), 1..4)) {
        let mut stream = Vec::new();
        for m in &messages {
            stream.extend_from_slice(&their_encode(&to_theirs(m)));
        }
        let mut decoder = Decoder::new();
        decoder.push_bytes(Bytes::from(stream.clone()));
        let mut whole = Vec::new();
        while let Some(m) = decoder.next_message().unwrap() {
            whole.push(m);
        }
        decoder.finish().unwrap();
        prop_assert_eq!(&whole, &messages);

        let mut decoder = Decoder::new();
        let mut bytewise = Vec::new();
        for b in &stream {
            decoder.push(std::slice::from_ref(b));
            while let Some(m) = decoder.next_message().unwrap() {
                bytewise.push(m);
            }
        }
        decoder.finish().unwrap();
        prop_assert_eq!(bytewise, messages);
    }

    /// One flipped bit in a valid frame: both decoders reject it.
    #[test]
    fn both_reject_a_flipped_bit(m in message(), pos in any::<usize>(), bit in 0u8..8) {
        let (mut bytes, _) = encode_all(std::slice::from_ref(&m));
        let pos = pos % bytes.len();
        bytes[pos] ^= 1 << bit;
        prop_assert!(frame::decode(&Bytes::from(bytes.clone())).is_err());
        prop_assert!(read_message_from(&mut Bytes::from(bytes)).is_err());
    }
}

/// Both decoders agree on every frame of the real captures and of the positive vectors.
#[test]
fn both_decoders_agree_on_the_captures_and_vectors() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    let mut files = Vec::new();
    for dir in [
        "bedrock-captures/extracted",
        "eventstream/encoded/positive",
        "eventstream/extra-smithy-rs/encoded/positive",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e == "eventstream") {
                files.push(path);
            }
        }
    }
    assert_eq!(files.len(), 5 + 5 + 3);
    let mut frames = 0;
    for path in files {
        let body = Bytes::from(std::fs::read(&path).unwrap());
        let mut rest = body.clone();
        let mut decoder = Decoder::new();
        decoder.push_bytes(body);
        while let Some(ours) = decoder.next_message().unwrap() {
            let theirs = read_message_from(&mut rest).unwrap();
            assert_eq!(from_theirs(&theirs), ours, "{}", path.display());
            frames += 1;
        }
        decoder.finish().unwrap();
        assert!(rest.is_empty());
    }
    assert_eq!(frames, 33 + 25 + 9 + 28 + 11 + 5 + 3);
}
