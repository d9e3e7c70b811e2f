//! Just enough HTTP/1.1 for a loopback replay server: read a request, write a response.
//!
//! Bounded on every axis: the head is at most [`MAX_HEAD`] bytes, at most [`MAX_HEADERS`] header
//! lines, and the body at most [`MAX_BODY`] bytes. Anything else is answered with 400 and the
//! connection is closed.

use std::fmt;

use tokio::io::{AsyncRead, AsyncReadExt};

/// Largest request head (request line and headers) the server reads.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Most header lines in one request.
pub(crate) const MAX_HEADERS: usize = 128;
/// Largest request body the server reads.
pub(crate) const MAX_BODY: usize = 32 * 1024 * 1024;

/// One HTTP request as it arrived.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target exactly as sent: the path, still percent-encoded, and the query.
    pub target: String,
    /// Headers in arrival order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers can hold an authorization header or a session token: show names only.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("target", &self.target)
            .field("header_names", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl Request {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path part of the target (before `?`), still percent-encoded.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The query part of the target (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// Whether the client asked to close the connection after this exchange.
    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection cleanly before a new request began.
    Closed,
    /// An I/O error.
    Io,
    /// The bytes are not an HTTP/1.1 request this server accepts.
    Malformed(&'static str),
}

impl From<std::io::Error> for ReadError {
    fn from(_: std::io::Error) -> Self {
        ReadError::Io
    }
}

/// Reads one request. `buf` carries bytes read past the end of the previous request.
pub(crate) async fn read_request<R: AsyncRead + Unpin>(
    io: &mut R,
    buf: &mut Vec<u8>,
) -> Result<Request, ReadError> {
    let head_end = loop {
        if let Some(pos) = find(buf, b"\r\n\r\n") {
            break pos;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Malformed("request head too large"));
        }
        let mut chunk = [0u8; 8192];
        let n = io.read(&mut chunk).await?;
        if n == 0 {
            return if buf.is_empty() {
                Err(ReadError::Closed)
            } else {
                Err(ReadError::Malformed(
                    "connection closed inside the request head",
                ))
            };
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| ReadError::Malformed("request head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().ok_or(ReadError::Malformed("empty request"))?;
    let mut parts = request_line.split(' ');
    let method = parts.next().filter(|m| !m.is_empty());
    let target = parts.next().filter(|t| t.starts_with('/'));
    let version = parts.next();
    let (Some(method), Some(target), Some("HTTP/1.1" | "HTTP/1.0"), None) =
        (method, target, version, parts.next())
    else {
        return Err(ReadError::Malformed("bad request line"));
    };
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Malformed("too many headers"));
        }
        let (name, value) = line
            .split_once(':')
            .ok_or(ReadError::Malformed("header line without a colon"))?;
        if name.is_empty() || name.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ReadError::Malformed("bad header name"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        body: Vec::new(),
    };
    if request
        .header("transfer-encoding")
        .is_some_and(|v| !v.eq_ignore_ascii_case("identity"))
    {
        return Err(ReadError::Malformed(
            "chunked request bodies are not supported",
        ));
    }
    let len = match request.header("content-length") {
        None => 0,
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| ReadError::Malformed("bad content-length"))?,
    };
    if len > MAX_BODY {
        return Err(ReadError::Malformed("request body too large"));
    }
    buf.drain(..head_end + 4);
    while buf.len() < len {
        let mut chunk = vec![0u8; (len - buf.len()).min(64 * 1024)];
        let n = io.read(&mut chunk).await?;
        if n == 0 {
            return Err(ReadError::Malformed("connection closed inside the body"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    request.body = buf.drain(..len).collect();
    Ok(request)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The reason phrase for the statuses this server sends.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        424 => "Failed Dependency",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Serializes a response head. `chunked` selects `transfer-encoding: chunked` over a length.
pub(crate) fn response_head(
    status: u16,
    headers: &[(String, String)],
    body_len: Option<usize>,
    close: bool,
) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        if name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
            || name.eq_ignore_ascii_case("connection")
        {
            continue;
        }
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push_str("\r\n");
    }
    match body_len {
        Some(n) => {
            let _ = write!(out, "content-length: {n}\r\n");
        }
        None => out.push_str("transfer-encoding: chunked\r\n"),
    }
    if close {
        out.push_str("connection: close\r\n");
    }
    out.push_str("\r\n");
    out.into_bytes()
}

/// Frames `data` as one HTTP/1.1 chunk.
pub(crate) fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// The terminating zero-length chunk.
pub(crate) const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    async fn parse(bytes: &[u8]) -> Result<Request, ReadError> {
        let mut io = bytes;
        let mut buf = Vec::new();
        read_request(&mut io, &mut buf).await
    }

    #[tokio::test]
    async fn reads_a_request_with_a_body() {
        let req = parse(
            b"POST /model/a%3A0/converse?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}",
        )
        .await
        .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.path(), "/model/a%3A0/converse");
        assert_eq!(req.query(), Some("x=1"));
        assert_eq!(req.header("content-length"), Some("2"));
        assert_eq!(req.body, b"{}");
    }

    #[tokio::test]
    async fn keeps_pipelined_bytes_for_the_next_request() {
        let mut io: &[u8] = b"GET / HTTP/1.1\r\n\r\nGET /two HTTP/1.1\r\n\r\n";
        let mut buf = Vec::new();
        let first = read_request(&mut io, &mut buf).await.unwrap();
        let second = read_request(&mut io, &mut buf).await.unwrap();
        assert_eq!(first.target, "/");
        assert_eq!(second.target, "/two");
        assert!(matches!(
            read_request(&mut io, &mut buf).await,
            Err(ReadError::Closed)
        ));
    }

    #[tokio::test]
    async fn rejects_malformed_requests() {
        for bad in [
            &b"GARBAGE\r\n\r\n"[..],
            b"POST /x HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            b"POST /x HTTP/1.1\r\nNo colon\r\n\r\n",
            b"POST /x HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n",
            b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
            b"POST x HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(parse(bad).await, Err(ReadError::Malformed(_))),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn debug_hides_header_values() {
        let req = Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![("authorization".into(), "Bearer SECRET123".into())],
            body: vec![],
        };
        assert!(!format!("{req:?}").contains("SECRET123"));
    }

    #[test]
    fn response_heads_and_chunks() {
        let head = response_head(200, &[("a".into(), "b".into())], Some(3), false);
        assert_eq!(
            head,
            b"HTTP/1.1 200 OK\r\na: b\r\ncontent-length: 3\r\n\r\n"
        );
        assert_eq!(chunk(b"hello"), b"5\r\nhello\r\n");
    }
}
