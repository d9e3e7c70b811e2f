//! Well-formed Event Stream frames built from the input, so the fuzzer gets past the CRCs to the
//! Bedrock event JSON and the stream state machines (Converse and one native dialect).
//!
//! Input: a dialect selector byte, then segments separated by `0xFF` (never in UTF-8 text, so a
//! JSON payload is one segment). Each segment is a kind byte and a payload; the kind picks the
//! `:message-type` / `:event-type` (or `:exception-type`, `:error-code`) headers. For `chunk`
//! the payload is wrapped as `{"bytes":"<base64>"}` so the native chunk JSON is fuzzed directly.
#![no_main]

use base64::Engine as _;
use bytes::Bytes;
use eventstream::{Decoder, HeaderValue, Message};
use eventstream_fuzz::bedrock;
use libfuzzer_sys::fuzz_target;

const EVENTS: [&str; 8] = [
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "chunk",
    "somethingNew",
];
const EXCEPTIONS: [&str; 6] = [
    "throttlingException",
    "modelStreamErrorException",
    "validationException",
    "internalServerException",
    "serviceUnavailableException",
    "modelTimeoutException",
];

fn message(kind: u8, payload: &[u8]) -> Message {
    let k = usize::from(kind);
    let ev = |name: &str, body: Bytes| {
        Message::new(body)
            .with_header(":message-type", HeaderValue::string("event"))
            .with_header(":event-type", HeaderValue::string(name))
            .with_header(":content-type", HeaderValue::string("application/json"))
    };
    match k % 16 {
        0..=5 | 7 => ev(EVENTS[k % 16 % 8], Bytes::copy_from_slice(payload)),
        6 => {
            // The native chunk JSON, base64 in a `bytes` field like the service sends it.
            let b64 = base64::engine::general_purpose::STANDARD.encode(payload);
            ev("chunk", Bytes::from(format!("{{\"bytes\":\"{b64}\"}}")))
        }
        8 => ev("chunk", Bytes::copy_from_slice(payload)),
        9..=13 => Message::new(Bytes::copy_from_slice(payload))
            .with_header(":message-type", HeaderValue::string("exception"))
            .with_header(
                ":exception-type",
                HeaderValue::string(EXCEPTIONS[(k / 16 + k) % 6]),
            ),
        14 => Message::new(Bytes::new())
            .with_header(":message-type", HeaderValue::string("error"))
            .with_header(":error-code", HeaderValue::string(EXCEPTIONS[k / 16 % 6]))
            .with_header(
                ":error-message",
                HeaderValue::string(&String::from_utf8_lossy(payload)),
            ),
        // No headers at all: the message type defaults.
        _ => Message::new(Bytes::copy_from_slice(payload)),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let mut wire = Vec::new();
    for segment in rest.split(|&b| b == 0xFF) {
        let Some((&kind, payload)) = segment.split_first() else {
            continue;
        };
        if let Ok(frame) = message(kind, payload).to_bytes() {
            wire.extend_from_slice(&frame);
        }
    }
    // Through the real decoder, so what the translators see is what the wire gives.
    let mut decoder = Decoder::new();
    decoder.push(&wire);
    let mut messages = Vec::new();
    loop {
        match decoder.next_message() {
            Ok(Some(m)) => messages.push(m),
            Ok(None) => break,
            Err(e) => panic!("a well-formed frame failed to decode: {e}"),
        }
    }
    assert!(decoder.finish().is_ok(), "well-formed frames left a tail");
    bedrock::drive(&messages, bedrock::dialect(selector));
});
