//! STS XML responses. The first byte picks the path:
//! - below `0xC0`: the bounded XML reader (`src/credentials/xml.rs`, `pub(crate)` in the crate)
//!   compiled into this target from its source file, with the lookups `sts::parse_response` makes;
//! - from `0xC0`: the whole AssumeRoleWithWebIdentity path (`sts::parse_response`, `pub(crate)`)
//!   through its public path, `Source::WebIdentity` loaded against a loopback STS endpoint that
//!   answers with the rest of the input (HTTP 200 for an even selector, 403 for an odd one).
#![no_main]
#![allow(dead_code, unreachable_pub)]

#[path = "../../src/credentials/xml.rs"]
mod xml;

use bedrock_wire::credentials::Source;
use eventstream_fuzz::loopback::Harness;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    if selector < 0xC0 {
        if let Ok(doc) = xml::parse(body) {
            for key in [
                "Error/Code",
                "Error/Message",
                "Credentials/AccessKeyId",
                "Credentials/SecretAccessKey",
                "Credentials/SessionToken",
                "Credentials/Expiration",
            ] {
                let _ = doc.get(key);
            }
        }
    } else {
        let h = Harness::get();
        let source = Source::WebIdentity {
            token_file: h.token_file.clone(),
            role_arn: "arn:aws:iam::123456789012:role/fuzz".into(),
            session_name: Some("fuzz".into()),
            region: Some("us-east-1".into()),
        };
        let status = if selector % 2 == 0 { 200 } else { 403 };
        let _ = h.load(&source, status, body);
    }
});
