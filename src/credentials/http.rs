//! Small bounded HTTP exchanges for credential endpoints (IMDS, container, STS, SSO portal).

use std::time::Duration;

use crate::error::Error;

/// The largest credential-endpoint response body read (bytes).
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// A fully read, bounded response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends `req`, reads at most `MAX_BODY` bytes, all within `timeout`. `what` names the endpoint
/// in errors; errors never include the body (it may hold credentials).
pub(crate) async fn send(
    req: reqwest::RequestBuilder,
    timeout: Duration,
    what: &str,
) -> Result<Reply, Error> {
    let fut = async {
        let mut resp = req
            .send()
            .await
            .map_err(|e| Error::credentials(format!("{what}: request failed: {}", describe(&e))))?;
        let status = resp.status().as_u16();
        if resp.content_length().is_some_and(|n| n > MAX_BODY as u64) {
            return Err(Error::credentials(format!(
                "{what}: response body larger than {MAX_BODY} bytes"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            Error::credentials(format!("{what}: reading response: {}", describe(&e)))
        })? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(Error::credentials(format!(
                    "{what}: response body larger than {MAX_BODY} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply { status, body })
    };
    match tokio::time::timeout(timeout, fut).await {
        Ok(r) => r,
        Err(_) => Err(Error::credentials(format!(
            "{what}: no complete answer within {} ms",
            timeout.as_millis()
        ))),
    }
}

/// A reqwest error described without its URL's query (which could hold a presigned secret).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "body error"
    } else {
        "error"
    };
    let mut msg = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

/// Percent-encodes a form or query value (RFC 3986 unreserved characters kept, uppercase hex).
pub(crate) fn form_encode(value: &str) -> String {
    sigv4::encode::uri_encode(value)
}

/// A short, secret-free summary of a JSON parse failure (serde messages can quote input values).
pub(crate) fn json_failure(e: &serde_json::Error) -> String {
    format!(
        "invalid JSON ({:?} error at line {} column {})",
        e.classify(),
        e.line(),
        e.column()
    )
}
