//! Step 1: the canonical request.
//!
//! ```text
//! METHOD
//! canonical path      (normalized, then percent-encoded again unless double encoding is off)
//! canonical query     (keys and values decoded then encoded, sorted by key then value)
//! name:value          (one line per signed header: lowercase names, sorted; values trimmed,
//! ...                  inner runs of spaces collapsed, duplicates joined with `,` in arrival order)
//!
//! signed;header;names
//! payload hash        (hex SHA-256 of the body, a precomputed hash, or UNSIGNED-PAYLOAD)
//! ```
//!
//! Everything is written into one `String` allocated once with room to spare.

use crate::Error;
use crate::encode::{canonical_query_component, push_encoded, uri_encode};
use crate::settings::{SessionTokenMode, SigningSettings};
use crate::url::Url;
use std::borrow::Cow;
use std::ops::Range;

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const X_AMZ_DATE: &str = "x-amz-date";
const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";

/// Where the signature goes, and what that adds to the canonical request.
pub(crate) enum Location<'a> {
    /// `Authorization` header: adds `x-amz-date`, and `x-amz-security-token` /
    /// `x-amz-content-sha256` when present / asked for, as signed headers.
    Headers,
    /// Presigned URL: adds the `X-Amz-*` query parameters (the signature excepted).
    Query {
        /// `AKID/date/region/service/aws4_request`, not yet encoded.
        credential: &'a str,
        /// `X-Amz-Expires`, seconds.
        expires: &'a str,
    },
}

/// Everything the canonical request depends on.
pub(crate) struct Input<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a Url<'a>,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) payload_hash: &'a str,
    pub(crate) amz_date: &'a str,
    pub(crate) session_token: Option<&'a str>,
    pub(crate) settings: &'a SigningSettings,
    pub(crate) location: Location<'a>,
}

/// The canonical request and where its signed-headers line is.
pub(crate) struct Canonical {
    pub(crate) text: String,
    pub(crate) signed_headers: Range<usize>,
}

impl Canonical {
    pub(crate) fn signed_headers(&self) -> &str {
        self.text
            .get(self.signed_headers.clone())
            .unwrap_or_default()
    }
}

/// `Ok` if every byte may appear in an HTTP header value (tab and bytes from 0x20 up, except
/// DEL); otherwise the offset of the first one that may not.
pub(crate) fn check_header_value_bytes(value: &[u8]) -> Result<(), usize> {
    // A branch-free pass first (it vectorizes); the position only when something is wrong.
    let bad = value.iter().fold(0u8, |acc, &b| {
        acc | u8::from((b < 0x20 && b != b'\t') || b == 0x7f)
    });
    if bad == 0 {
        return Ok(());
    }
    match value
        .iter()
        .position(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
    {
        Some(pos) => Err(pos),
        None => Ok(()),
    }
}

/// An RFC 9110 `tchar`.
const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Bytes allowed in a header name: `tchar`s, and `"`, which the `http` crate (and so the HTTP
/// clients built on it) also accepts.
const HEADER_NAME_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut c: u8 = 0;
    loop {
        t[c as usize] = is_tchar(c) || c == b'"';
        if c == u8::MAX {
            break;
        }
        c += 1;
    }
    t
};

#[inline]
fn is_header_name_byte(b: u8) -> bool {
    HEADER_NAME_BYTES[usize::from(b)]
}

pub(crate) fn check_method(method: &str) -> Result<(), Error> {
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(Error::InvalidMethod);
    }
    Ok(())
}

struct Entry<'a> {
    name: Cow<'a, str>,
    value: &'a str,
    /// Added by the signer (`host` from the URL, `x-amz-date`, the token, the payload hash):
    /// written as is, like the SDKs do, instead of trimmed.
    raw: bool,
}

/// Validates and lowercases the request's headers, drops those the signer replaces or must not
/// sign, adds `host` and the signer's own headers, and sorts by name (stable, so duplicates keep
/// their arrival order).
fn signed_entries<'a>(input: &Input<'a>) -> Result<Vec<Entry<'a>>, Error> {
    let settings = input.settings;
    let header_mode = matches!(input.location, Location::Headers);
    let signed = |name: &str| {
        !(settings.is_excluded(name)
            || (settings.session_token == SessionTokenMode::AttachAfterSigning
                && name == X_AMZ_SECURITY_TOKEN)
            || (!header_mode && (name == "x-amz-user-agent" || name == "x-amz-checksum-mode")))
    };
    let mut entries: Vec<Entry<'a>> = Vec::with_capacity(input.headers.len() + 4);
    let mut has_host = false;
    for (index, &(name, value)) in input.headers.iter().enumerate() {
        if !name.bytes().fold(true, |ok, b| ok & is_header_name_byte(b)) {
            let offset = name
                .bytes()
                .position(|b| !is_header_name_byte(b))
                .unwrap_or(0);
            return Err(Error::InvalidHeaderName { index, offset });
        }
        if name.is_empty() {
            return Err(Error::InvalidHeaderName { index, offset: 0 });
        }
        let name: Cow<'a, str> = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        if let Err(offset) = check_header_value_bytes(value.as_bytes()) {
            return Err(Error::InvalidHeaderValue {
                name: name.into_owned(),
                offset,
            });
        }
        if header_mode
            && (name == X_AMZ_DATE
                || (name == X_AMZ_SECURITY_TOKEN && input.session_token.is_some())
                || (name == X_AMZ_CONTENT_SHA256 && settings.content_sha256_header))
        {
            // Replaced by the value the signer adds below.
            continue;
        }
        has_host |= name == "host";
        if signed(&name) {
            entries.push(Entry {
                name,
                value,
                raw: false,
            });
        }
    }
    if !has_host && signed("host") {
        entries.push(Entry {
            name: Cow::Borrowed("host"),
            value: input.url.host_header,
            raw: true,
        });
    }
    if header_mode {
        let added = [
            (X_AMZ_DATE, Some(input.amz_date)),
            (X_AMZ_SECURITY_TOKEN, input.session_token),
            (
                X_AMZ_CONTENT_SHA256,
                settings.content_sha256_header.then_some(input.payload_hash),
            ),
        ];
        for (name, value) in added {
            if let Some(value) = value.filter(|_| signed(name)) {
                entries.push(Entry {
                    name: Cow::Borrowed(name),
                    value,
                    raw: true,
                });
            }
        }
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(entries)
}

/// Appends `value` with leading and trailing spaces removed and inner runs of spaces collapsed to
/// one (spaces only, as the SDKs do; tabs are kept).
fn push_trimmed(out: &mut String, value: &str) {
    let value = value.trim_matches(' ');
    if !has_double_space(value) {
        out.push_str(value);
        return;
    }
    let mut prev_space = false;
    for part in value.split(' ') {
        if part.is_empty() {
            continue;
        }
        if prev_space {
            out.push(' ');
        }
        out.push_str(part);
        prev_space = true;
    }
}

/// Whether `value` contains two spaces in a row (memchr-based: values rarely contain spaces).
fn has_double_space(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut from = 0;
    while let Some(pos) = value.get(from..).and_then(|rest| rest.find(' ')) {
        let at = from + pos;
        if bytes.get(at + 1) == Some(&b' ') {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Appends the path as it appears in the canonical request.
fn push_path(out: &mut String, path: &str, settings: &SigningSettings) {
    let path: Cow<'_, str> = if settings.normalize_path {
        normalize_path(path)
    } else if path.is_empty() {
        Cow::Borrowed("/")
    } else {
        Cow::Borrowed(path)
    };
    if settings.double_encode_path {
        push_encoded(out, &path, true);
    } else {
        out.push_str(&path);
    }
}

/// RFC 3986 §5.2.4 dot-segment removal plus merging of repeated `/`, as the SDKs do it: an empty
/// path is `/`, a relative path gets a leading `/`, and a trailing `/` (or `/.`, `/..`) is kept.
pub(crate) fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    let path: Cow<'_, str> = if path.starts_with('/') {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(format!("/{path}"))
    };
    if !needs_normalization(&path) {
        return path;
    }
    Cow::Owned(remove_dot_segments(&path))
}

/// The normalization proper, for a path that starts with `/`.
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::with_capacity(path.matches('/').count() + 1);
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    let keeps_trailing_slash = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if out.is_empty() || (keeps_trailing_slash && !out.ends_with('/')) {
        out.push('/');
    }
    out
}

/// Whether `path` (starting with `/`) has an empty, `.` or `..` segment other than the trailing
/// empty one of a path ending in `/`: only then does normalization change it.
fn needs_normalization(path: &str) -> bool {
    // Look only just after each '/' (found with memchr): "//", "/.", "/./", "/..", "/../".
    let bytes = path.as_bytes();
    let mut from = 0;
    while let Some(pos) = path.get(from..).and_then(|rest| rest.find('/')) {
        let at = from + pos;
        match (bytes.get(at + 1), bytes.get(at + 2), bytes.get(at + 3)) {
            (Some(b'/'), _, _)
            | (Some(b'.'), None | Some(b'/'), _)
            | (Some(b'.'), Some(b'.'), None | Some(b'/')) => return true,
            _ => {}
        }
        from = at + 1;
    }
    false
}

/// Appends the canonical query: the URL's parameters (and, when presigning, the `X-Amz-*` ones),
/// each key and value decoded then encoded, sorted by key then value, joined with `&`.
fn push_query(out: &mut String, query: &str, extra: &[(&str, Cow<'_, str>)]) {
    if query.is_empty() && extra.is_empty() {
        return;
    }
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        Vec::with_capacity(query.split('&').count() + extra.len());
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = piece.split_once('=').unwrap_or((piece, ""));
        pairs.push((
            canonical_query_component(key),
            canonical_query_component(value),
        ));
    }
    for (key, value) in extra {
        pairs.push((Cow::Borrowed(*key), Cow::Borrowed(value.as_ref())));
    }
    pairs.sort();
    for (i, (key, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        out.push_str(value);
    }
}

fn push_signed_names(out: &mut String, entries: &[Entry<'_>]) {
    let mut prev: Option<&str> = None;
    for e in entries {
        let name: &str = &e.name;
        if prev == Some(name) {
            continue;
        }
        if prev.is_some() {
            out.push(';');
        }
        out.push_str(name);
        prev = Some(name);
    }
}

/// Builds the canonical request.
pub(crate) fn build(input: &Input<'_>) -> Result<Canonical, Error> {
    check_method(input.method)?;
    let entries = signed_entries(input)?;

    // Presigning puts the signed header names in the query, which comes before the headers.
    let mut extra: Vec<(&str, Cow<'_, str>)> = Vec::new();
    if let Location::Query {
        credential,
        expires,
    } = input.location
    {
        let mut names = String::with_capacity(64);
        push_signed_names(&mut names, &entries);
        extra.reserve(6);
        extra.push(("X-Amz-Algorithm", Cow::Borrowed(ALGORITHM)));
        extra.push(("X-Amz-Credential", Cow::Owned(uri_encode(credential))));
        extra.push(("X-Amz-Date", Cow::Borrowed(input.amz_date)));
        extra.push(("X-Amz-Expires", Cow::Borrowed(expires)));
        extra.push(("X-Amz-SignedHeaders", Cow::Owned(uri_encode(&names))));
        if let (Some(token), SessionTokenMode::Signed) =
            (input.session_token, input.settings.session_token)
        {
            extra.push(("X-Amz-Security-Token", Cow::Owned(uri_encode(token))));
        }
    }

    let header_bytes: usize = entries
        .iter()
        .map(|e| e.name.len() * 2 + e.value.len() + 3)
        .sum();
    let capacity = input.method.len()
        + input.url.path.len() * 3
        + input.url.query.len() * 3
        + extra
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
        + header_bytes
        + input.payload_hash.len()
        + 16;
    let mut out = String::with_capacity(capacity);
    out.push_str(input.method);
    out.push('\n');
    push_path(&mut out, input.url.path, input.settings);
    out.push('\n');
    push_query(&mut out, input.url.query, &extra);
    out.push('\n');

    let mut prev: Option<&str> = None;
    for e in &entries {
        let name: &str = &e.name;
        if prev == Some(name) {
            out.push(',');
        } else {
            if prev.is_some() {
                out.push('\n');
            }
            out.push_str(name);
            out.push(':');
        }
        if e.raw {
            out.push_str(e.value);
        } else {
            push_trimmed(&mut out, e.value);
        }
        prev = Some(name);
    }
    if !entries.is_empty() {
        out.push('\n'); // ends the last header line
    }
    out.push('\n'); // the blank line after the headers
    let start = out.len();
    push_signed_names(&mut out, &entries);
    let signed_headers = start..out.len();
    out.push('\n');
    out.push_str(input.payload_hash);
    Ok(Canonical {
        text: out,
        signed_headers,
    })
}

/// The canonical request with the session token (header line `x-amz-security-token:` or query
/// parameter `X-Amz-Security-Token=`) replaced by `<redacted>`, for logs and error messages.
///
/// ```
/// let creq = "GET\n/\nX-Amz-Security-Token=abc&a=b\nhost:h\nx-amz-security-token:abc\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD";
/// assert_eq!(
///     sigv4::canonical::redacted(creq),
///     "GET\n/\nX-Amz-Security-Token=<redacted>&a=b\nhost:h\nx-amz-security-token:<redacted>\n\nhost;x-amz-security-token\nUNSIGNED-PAYLOAD"
/// );
/// ```
pub fn redacted(canonical_request: &str) -> String {
    let mut out = String::with_capacity(canonical_request.len());
    for (i, line) in canonical_request.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if i == 2 {
            for (j, pair) in line.split('&').enumerate() {
                if j > 0 {
                    out.push('&');
                }
                match pair.split_once('=') {
                    Some(("X-Amz-Security-Token", _)) => {
                        out.push_str("X-Amz-Security-Token=<redacted>");
                    }
                    _ => out.push_str(pair),
                }
            }
        } else if i > 2 && line.starts_with("x-amz-security-token:") {
            out.push_str("x-amz-security-token:<redacted>");
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_collapses_spaces_only() {
        let mut s = String::new();
        push_trimmed(&mut s, "  a   b \"c   d\"  ");
        assert_eq!(s, "a b \"c d\"");
        let mut s = String::new();
        push_trimmed(&mut s, "\ta\t\tb\t");
        assert_eq!(s, "\ta\t\tb\t");
    }

    #[test]
    fn normalizes_like_the_sdks() {
        for (input, want) in [
            ("", "/"),
            ("/", "/"),
            ("foo", "/foo"),
            ("/foo/bar/", "/foo/bar/"),
            ("//example//", "/example/"),
            ("/example/..", "/"),
            ("/example1/example2/../..", "/"),
            ("/./", "/"),
            ("/example/.", "/example/"),
            ("/../foo", "/foo"),
            ("/a/./b/../c", "/a/c"),
            ("/a.b/c", "/a.b/c"),
        ] {
            assert_eq!(normalize_path(input), want, "{input:?}");
        }
    }

    #[test]
    fn the_fast_path_only_skips_paths_normalization_leaves_alone() {
        let pieces = ["", ".", "..", "a", "a.b", "...", ".a", "%2E", "b"];
        let mut checked = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for trailing in ["", "/"] {
                        let path = format!("/{a}/{b}/{c}{trailing}");
                        if needs_normalization(&path) {
                            assert_ne!(remove_dot_segments(&path), path, "{path}");
                        } else {
                            assert_eq!(remove_dot_segments(&path), path);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert!(checked > 100);
    }

    #[test]
    fn query_is_sorted_after_encoding() {
        let mut s = String::new();
        push_query(&mut s, "Param-3=Value3&Param=Value2&%E1%88%B4=Value1", &[]);
        assert_eq!(s, "%E1%88%B4=Value1&Param=Value2&Param-3=Value3");
        let mut s = String::new();
        push_query(&mut s, "b&a=2&&a=1&c=", &[]);
        assert_eq!(s, "a=1&a=2&b=&c=");
    }

    #[test]
    fn methods_must_be_tokens() {
        assert!(check_method("POST").is_ok());
        assert_eq!(check_method(""), Err(Error::InvalidMethod));
        assert_eq!(check_method("GET\n/x"), Err(Error::InvalidMethod));
        assert_eq!(check_method("GET /"), Err(Error::InvalidMethod));
    }
}
