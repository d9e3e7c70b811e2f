//! `bedrock_wire::converse::parse_response` on any bytes: a response or a typed error, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = bedrock_wire::converse::parse_response(data) {
        let _ = r.text();
    }
});
