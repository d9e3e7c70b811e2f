//! RFC 3986 percent-encoding as SigV4 uses it.
//!
//! Only the unreserved characters `A-Z a-z 0-9 - . _ ~` are left alone; every other byte is
//! written as `%XX` with uppercase hex. Two consequences matter for Bedrock:
//!
//! - The canonical path is encoded *again* for every service but S3 ("double encoding"): the wire
//!   path is already percent-encoded, so a model id `...-v1:0` goes on the wire as `...-v1%3A0`
//!   and appears in the canonical request as `...-v1%253A0`; an ARN's `/` goes on the wire as
//!   `%2F` and is `%252F` in the canonical request.
//! - Query keys and values are first *decoded* (`%XX` and `+` as a space, as
//!   `application/x-www-form-urlencoded` parsing does) and then encoded, so `a+b`, `a%20b` and
//!   `a b` all sign as `a%20b`. This is what the official SDKs do.

use std::borrow::Cow;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// Byte classes: bit 0 = RFC 3986 unreserved, bit 1 = `/`.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c: u8 = 0;
    loop {
        if c.is_ascii_alphanumeric() || c == b'-' || c == b'.' || c == b'_' || c == b'~' {
            t[c as usize] = 1;
        }
        if c == b'/' {
            t[c as usize] = 2;
        }
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    t
};

/// `true` for the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~`.
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    CLASS[usize::from(b)] == 1
}

#[inline]
fn push_pct(out: &mut String, b: u8) {
    out.push('%');
    out.push(char::from(HEX_UPPER[usize::from(b >> 4)]));
    out.push(char::from(HEX_UPPER[usize::from(b & 0x0f)]));
}

/// Appends `input` percent-encoded with the unreserved set; `/` is kept as is when `keep_slash`.
pub(crate) fn push_encoded(out: &mut String, input: &str, keep_slash: bool) {
    let keep = if keep_slash { 3 } else { 1 };
    let bytes = input.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if CLASS[usize::from(b)] & keep != 0 {
            continue;
        }
        // input[start..i] is a run of ASCII bytes, so both ends are char boundaries.
        if let Some(run) = input.get(start..i) {
            out.push_str(run);
        }
        push_pct(out, b);
        start = i + 1;
    }
    if let Some(run) = input.get(start..) {
        out.push_str(run);
    }
}

/// Percent-encodes `input` with the unreserved set (`/` encoded too), returning a new string.
pub fn uri_encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    push_encoded(&mut out, input, false);
    out
}

/// Percent-encodes a URL path with the unreserved set, keeping `/`: how the canonical path is
/// built from the wire path when double encoding is on.
pub fn uri_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + path.len() / 2);
    push_encoded(&mut out, path, true);
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes a query key or value the way `application/x-www-form-urlencoded` does (`+` is a space,
/// `%XX` a byte, a `%` not followed by two hex digits stays literal), replaces invalid UTF-8 with
/// U+FFFD, then encodes the result with the unreserved set.
///
/// Borrows when the input is already made only of unreserved characters.
pub fn canonical_query_component(raw: &str) -> Cow<'_, str> {
    if raw.bytes().all(is_unreserved) {
        return Cow::Borrowed(raw);
    }
    let bytes = raw.as_bytes();
    let mut decoded: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => {
                decoded.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_val);
                let lo = bytes.get(i + 2).copied().and_then(hex_val);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    decoded.push((hi << 4) | lo);
                    i += 3;
                } else {
                    decoded.push(b'%');
                    i += 1;
                }
            }
            _ => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    let text = String::from_utf8_lossy(&decoded);
    let mut out = String::with_capacity(text.len() * 3);
    push_encoded(&mut out, &text, false);
    Cow::Owned(out)
}

/// The lowercase hex of a SHA-256 digest (or HMAC), on the stack.
pub(crate) fn hex_digest(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes.iter()) {
        pair.copy_from_slice(&[
            HEX_LOWER[usize::from(b >> 4)],
            HEX_LOWER[usize::from(b & 0x0f)],
        ]);
    }
    out
}

/// Appends the lowercase hex of a 32-byte digest without allocating.
pub(crate) fn push_hex(out: &mut String, bytes: &[u8; 32]) {
    out.push_str(std::str::from_utf8(&hex_digest(bytes)).unwrap_or_default());
}

/// Lowercase hex of any bytes (e.g. a digest), as a new string.
///
/// ```
/// assert_eq!(sigv4::encode::hex(&[0x00, 0xab, 0xff]), "00abff");
/// ```
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(HEX_LOWER[usize::from(b >> 4)]));
        out.push(char::from(HEX_LOWER[usize::from(b & 0x0f)]));
    }
    out
}

/// Lowercase hex of a 32-byte digest as a new string.
pub(crate) fn hex32(bytes: &[u8; 32]) -> String {
    let mut out = String::with_capacity(64);
    push_hex(&mut out, bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_stay_everything_else_is_encoded() {
        assert_eq!(uri_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(uri_encode("a b/c:d"), "a%20b%2Fc%3Ad");
        assert_eq!(uri_encode("ሴ"), "%E1%88%B4");
        assert_eq!(uri_encode("%"), "%25");
    }

    #[test]
    fn path_encoding_keeps_slashes_and_double_encodes_percent() {
        assert_eq!(
            uri_encode_path("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse"),
            "/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse"
        );
        assert_eq!(
            uri_encode_path(
                "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fabc/x"
            ),
            "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A1%253Aapplication-inference-profile%252Fabc/x"
        );
    }

    #[test]
    fn query_components_decode_then_encode() {
        assert_eq!(canonical_query_component("Param1"), "Param1");
        assert_eq!(canonical_query_component("a+b"), "a%20b");
        assert_eq!(canonical_query_component("a%20b"), "a%20b");
        assert_eq!(canonical_query_component("a%2fb"), "a%2Fb");
        assert_eq!(canonical_query_component("100%"), "100%25");
        assert_eq!(canonical_query_component("%zz"), "%25zz");
        assert_eq!(canonical_query_component("ሴ"), "%E1%88%B4");
        // Invalid UTF-8 after decoding becomes U+FFFD, as the official SDK does.
        assert_eq!(canonical_query_component("%FF"), "%EF%BF%BD");
    }

    #[test]
    fn hex_is_lowercase_and_agrees_with_the_hex_crate() {
        let mut digest = [0u8; 32];
        for (i, b) in digest.iter_mut().enumerate() {
            *b = u8::try_from(i * 37 % 256).unwrap_or(0);
        }
        digest[0] = 0xAB;
        assert_eq!(hex32(&digest), hex::encode(digest));
        assert_eq!(super::hex(&digest), hex::encode(digest));
        assert_eq!(super::hex(&digest[..5]), hex::encode(&digest[..5]));
        assert_eq!(super::hex(&[]), "");
        assert!(hex32(&digest).starts_with("ab"));
    }
}
