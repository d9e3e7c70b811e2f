//! Each native (InvokeModel) response parser, `bedrock_wire::invoke::parse_response`, on any
//! bytes: the first byte picks the dialect; a response or a typed error, no panic.
#![no_main]

use bedrock_wire::invoke::{self, InvokeMetrics};
use eventstream_fuzz::bedrock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    // Token-count headers present for odd selectors, so `apply` runs over what was parsed.
    let metrics = if selector & 0x80 == 0 {
        InvokeMetrics::default()
    } else {
        InvokeMetrics::from_headers([
            ("x-amzn-bedrock-input-token-count", "7"),
            ("x-amzn-bedrock-output-token-count", "18446744073709551615"),
            ("x-amzn-bedrock-invocation-latency", "12"),
        ])
    };
    if let Ok(r) = invoke::parse_response(bedrock::dialect(selector), body, &metrics) {
        let _ = r.text();
    }
});
