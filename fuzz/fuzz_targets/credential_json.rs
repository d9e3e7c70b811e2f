//! Credential JSON from untrusted sources: `bedrock.json` (`BedrockJson::parse`, public).
//!
//! The shared `credential_process` / container / IMDS JSON reader
//! (`bedrock_wire::credentials::parse_json_credentials`) is `pub(crate)` and only reachable through
//! `Source::load` (a child process or an HTTP round trip per input), so it is not fuzzed here; see
//! the README.
#![no_main]

use bedrock_wire::credentials::bedrock_json::BedrockJson;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = BedrockJson::parse(data) {
        let _ = format!("{b:?}");
    }
});
