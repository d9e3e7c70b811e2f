//! `bedrock_wire::openai::parse_request` (the local OpenAI-compatible server's request body) on
//! any bytes: a request or a typed error, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bedrock_wire::openai::parse_request(data);
});
