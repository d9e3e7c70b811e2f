//! HTTP error responses from the service: `error::Error::from_service_parts(status,
//! x-amzn-ErrorType, x-amzn-RequestId, body)`, then everything that renders or reads it.
//! Input: two status bytes, then the error-type header, `0xFF`, the body (lossy UTF-8 header).
#![no_main]

use bedrock_wire::error::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else {
        return;
    };
    let status = u16::from_be_bytes([*a, *b]);
    let (header, body) = match rest.iter().position(|&x| x == 0xFF) {
        Some(i) => (Some(String::from_utf8_lossy(&rest[..i])), &rest[i + 1..]),
        None => (None, rest),
    };
    let e = Error::from_service_parts(status, header.as_deref(), Some("req-1"), body);
    let _ = (
        e.to_string(),
        format!("{e:?}"),
        e.code(),
        e.hint(),
        e.is_retryable(),
    );
    let e = e.with_model_context("anthropic.claude-sonnet-4-5-20250929-v1:0", "us-east-1");
    let _ = (e.to_string(), e.hint());
});
