//! The few parts of a request URL that signing needs: host, path and query.
//!
//! Deliberately small: `scheme://authority/path?query#fragment`, with the path and query taken
//! exactly as written (they are what goes on the wire). Control bytes anywhere, user info in the
//! authority, a missing host, a non-numeric port and schemes other than `http`/`https` are errors.

use crate::Error;

/// A parsed request URL, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Url<'a> {
    /// The value of the `host` header: the authority without a default port (`:443` for https,
    /// `:80` for http).
    pub(crate) host_header: &'a str,
    /// The path as written, possibly empty.
    pub(crate) path: &'a str,
    /// The query after `?` (without the `?`), possibly empty.
    pub(crate) query: &'a str,
    /// Whether a `?` was present.
    pub(crate) has_query: bool,
    /// Everything before the fragment (the URL without `#...`).
    pub(crate) without_fragment: &'a str,
    /// The fragment including its `#`, or empty.
    pub(crate) fragment: &'a str,
}

const fn invalid(reason: &'static str, offset: usize) -> Error {
    Error::InvalidUrl { reason, offset }
}

pub(crate) fn parse(url: &str) -> Result<Url<'_>, Error> {
    if url
        .bytes()
        .fold(0u8, |acc, b| acc | u8::from(b < 0x20 || b == 0x7f))
        != 0
    {
        let pos = url.bytes().position(|b| b < 0x20 || b == 0x7f).unwrap_or(0);
        return Err(invalid("control character", pos));
    }
    let has_prefix = |prefix: &str| {
        url.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let (default_port, authority_start) = if has_prefix("https://") {
        ("443", 8)
    } else if has_prefix("http://") {
        ("80", 7)
    } else if url.contains("://") {
        return Err(invalid("scheme must be http or https", 0));
    } else {
        return Err(invalid("expected scheme://host", 0));
    };
    let rest = url.get(authority_start..).unwrap_or_default();
    let authority_len = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_len);
    if authority.is_empty() {
        return Err(invalid("missing host", authority_start));
    }
    if let Some(pos) = authority.find('@') {
        return Err(invalid(
            "user info in the URL is not supported",
            authority_start + pos,
        ));
    }
    if let Some(pos) = authority.bytes().position(|b| b == b' ' || !b.is_ascii()) {
        return Err(invalid(
            "host must be ASCII without spaces (use punycode)",
            authority_start + pos,
        ));
    }
    // Split off the port: after the last ':' that is not inside an IPv6 literal's brackets.
    let (host, port) = if authority.starts_with('[') {
        let close = authority
            .find(']')
            .ok_or(invalid("unclosed IPv6 literal", authority_start))?;
        let (host, tail) = authority.split_at(close + 1);
        match tail.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if tail.is_empty() => (host, None),
            None => {
                return Err(invalid(
                    "junk after IPv6 literal",
                    authority_start + close + 1,
                ));
            }
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err(invalid("missing host", authority_start));
    }
    let host_header = match port {
        None => authority,
        Some(port) => {
            let port_offset = authority_start + authority.len() - port.len();
            if port.is_empty() || port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid("port must be a number", port_offset));
            }
            if port.parse::<u32>().map_or(true, |p| p > 65_535) {
                return Err(invalid("port out of range", port_offset));
            }
            if port == default_port {
                host
            } else {
                authority
            }
        }
    };

    let (after_authority, fragment) = match after.find('#') {
        Some(pos) => after.split_at(pos),
        None => (after, ""),
    };
    let without_fragment = url.get(..url.len() - fragment.len()).unwrap_or(url);
    let (path, query, has_query) = match after_authority.split_once('?') {
        Some((path, query)) => (path, query, true),
        None => (after_authority, "", false),
    };
    Ok(Url {
        host_header,
        path,
        query,
        has_query,
        without_fragment,
        fragment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_a_bedrock_url() {
        let u = parse("https://bedrock-runtime.us-east-1.amazonaws.com/model/m%3A0/converse?a=1#f")
            .unwrap();
        assert_eq!(u.host_header, "bedrock-runtime.us-east-1.amazonaws.com");
        assert_eq!(u.path, "/model/m%3A0/converse");
        assert_eq!(u.query, "a=1");
        assert!(u.has_query);
        assert_eq!(u.fragment, "#f");
    }

    #[test]
    fn default_ports_are_dropped_others_kept() {
        assert_eq!(parse("https://h:443/").unwrap().host_header, "h");
        assert_eq!(parse("http://h:80").unwrap().host_header, "h");
        assert_eq!(parse("http://h:443/").unwrap().host_header, "h:443");
        assert_eq!(
            parse("http://127.0.0.1:8080/x").unwrap().host_header,
            "127.0.0.1:8080"
        );
        assert_eq!(
            parse("http://[::1]:8080/").unwrap().host_header,
            "[::1]:8080"
        );
        assert_eq!(parse("https://[::1]:443/").unwrap().host_header, "[::1]");
        assert_eq!(parse("https://h").unwrap().path, "");
    }

    #[test]
    fn rejects_what_cannot_be_signed() {
        for bad in [
            "",
            "bedrock-runtime.us-east-1.amazonaws.com/model",
            "ftp://h/",
            "https:///path",
            "https://user:pw@h/",
            "https://h:abc/",
            "https://h:/",
            "https://h:99999/",
            "https://h/a\r\nb",
            "https://h\n/",
            "https://hé/",
            "https://[::1/",
        ] {
            assert!(
                matches!(parse(bad), Err(Error::InvalidUrl { .. })),
                "{bad:?} should be rejected"
            );
        }
    }
}
