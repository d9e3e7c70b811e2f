//! The date and time parsers (`bedrock_wire::datetime::parse_rfc3339` / `parse_http_date`,
//! `sigv4::parse_amz_date`) on arbitrary text: never a panic, and whatever parses formats back
//! to text that parses to the same instant (whole seconds for the HTTP and `x-amz-date` forms).
#![no_main]

use bedrock_wire::datetime::{format_http_date, format_rfc3339, parse_http_date, parse_rfc3339};
use bedrock_wire::sigv4;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_rfc3339(&text) {
        Ok(t) => {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Ok(t));
            let _ = format_http_date(t);
            let _ = sigv4::format_amz_date(t);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    match parse_http_date(&text) {
        Ok(t) => assert_eq!(parse_http_date(&format_http_date(t)), Ok(t)),
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Ok(t) = sigv4::parse_amz_date(&text) {
        assert_eq!(sigv4::parse_amz_date(&sigv4::format_amz_date(t)), Ok(t));
    }
});
