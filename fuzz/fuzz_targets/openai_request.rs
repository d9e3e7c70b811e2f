//! The local OpenAI-compatible server's request bodies on any bytes: chat completions
//! (`openai::parse_request`) and embeddings (`embed::parse_openai_request`,
//! `embed::openai_wants_base64`): a request or a typed error, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = bedrock_wire::openai::parse_request(data);
    let _ = bedrock_wire::embed::parse_openai_request(data);
    let _ = bedrock_wire::embed::openai_wants_base64(data);
});
