//! The STS XML reader (`src/credentials/xml.rs`, `pub(crate)` in the crate) compiled into this
//! target from its source file, on any bytes: leaves or a typed error, no panic, and the lookups
//! `sts::parse_response` makes.
#![no_main]
#![allow(dead_code, unreachable_pub)]

#[path = "../../src/credentials/xml.rs"]
mod xml;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = xml::parse(data) {
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
});
