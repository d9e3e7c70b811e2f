//! Credential JSON from untrusted sources. The first byte picks the path:
//! - below `0x80`: `bedrock.json` (`BedrockJson::parse`, public);
//! - from `0x80`: the `credential_process` / container / IMDS credentials reader
//!   (`parse_json_credentials`, `pub(crate)`), reached through its public path: `Source::Imds`
//!   loaded against a loopback server whose credentials document is the rest of the input (the
//!   token and role steps answer well). One HTTP exchange per step, so this half is slow.
#![no_main]

use bedrock_wire::credentials::Source;
use bedrock_wire::credentials::bedrock_json::BedrockJson;
use eventstream_fuzz::loopback::Harness;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    if selector < 0x80 {
        if let Ok(b) = BedrockJson::parse(body) {
            let _ = format!("{b:?}");
        }
    } else {
        let h = Harness::get();
        let source = Source::Imds {
            endpoint: h.base.clone(),
        };
        let _ = h.load(&source, 200, body);
    }
});
