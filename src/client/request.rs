//! Operations (what to send) and prepared, signed requests (exactly what goes on the wire).

use std::fmt;

use bytes::Bytes;

use crate::error::Error;

/// `application/json`.
pub const JSON: &str = "application/json";
/// `application/vnd.amazon.eventstream`.
pub const EVENT_STREAM: &str = "application/vnd.amazon.eventstream";

/// One Bedrock Runtime operation: method, path (model id already percent-encoded once), body and
/// content negotiation.
///
/// ```
/// use bedrock_wire::client::Operation;
/// let op = Operation::converse("us.amazon.nova-micro-v1:0", br#"{"messages":[]}"#.to_vec());
/// assert_eq!(op.path, "/model/us.amazon.nova-micro-v1%3A0/converse");
/// assert_eq!(op.accept, "application/json");
/// let op = Operation::invoke_stream("arn:aws:bedrock:us-east-1:1:inference-profile/x", b"{}".to_vec());
/// assert_eq!(op.path, "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/invoke-with-response-stream");
/// assert!(op.streaming);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Operation {
    /// The HTTP method.
    pub method: &'static str,
    /// The path, beginning with `/`, segments already percent-encoded.
    pub path: String,
    /// The body.
    pub body: Bytes,
    /// `Content-Type` (none for a body-less request).
    pub content_type: Option<&'static str>,
    /// `Accept`.
    pub accept: &'static str,
    /// Extra headers (`X-Amzn-Bedrock-*`), sent and signed.
    pub headers: Vec<(String, String)>,
    /// The response is an event stream.
    pub streaming: bool,
    /// The model id (not encoded), for error hints.
    pub model_id: Option<String>,
}

impl fmt::Debug for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .field("content_type", &self.content_type)
            .field("accept", &self.accept)
            .field("headers", &self.headers)
            .field("streaming", &self.streaming)
            .finish_non_exhaustive()
    }
}

/// Percent-encodes a path segment once (everything but `A-Za-z0-9-._~`, uppercase hex; the
/// same encoding as [`sigv4::encode::uri_encode`]).
pub fn encode_segment(s: &str) -> String {
    sigv4::encode::uri_encode(s)
}

impl Operation {
    fn model(model_id: &str, suffix: &str, body: Vec<u8>, streaming: bool) -> Self {
        Self {
            method: "POST",
            path: format!("/model/{}/{suffix}", encode_segment(model_id)),
            body: Bytes::from(body),
            content_type: Some(JSON),
            accept: if streaming { EVENT_STREAM } else { JSON },
            headers: Vec::new(),
            streaming,
            model_id: Some(model_id.to_owned()),
        }
    }

    /// `POST /model/{id}/converse`.
    pub fn converse(model_id: &str, body: Vec<u8>) -> Self {
        Self::model(model_id, "converse", body, false)
    }

    /// `POST /model/{id}/converse-stream`.
    pub fn converse_stream(model_id: &str, body: Vec<u8>) -> Self {
        Self::model(model_id, "converse-stream", body, true)
    }

    /// `POST /model/{id}/invoke` (native body, JSON in and out).
    pub fn invoke(model_id: &str, body: Vec<u8>) -> Self {
        Self::model(model_id, "invoke", body, false)
    }

    /// `POST /model/{id}/invoke-with-response-stream`; the payload type goes in
    /// `X-Amzn-Bedrock-Accept`.
    pub fn invoke_stream(model_id: &str, body: Vec<u8>) -> Self {
        let mut op = Self::model(model_id, "invoke-with-response-stream", body, true);
        op.headers
            .push(("x-amzn-bedrock-accept".into(), JSON.into()));
        op
    }

    /// `POST /model/{id}/count-tokens`.
    pub fn count_tokens(model_id: &str, body: Vec<u8>) -> Self {
        Self::model(model_id, "count-tokens", body, false)
    }

    /// Any request: `path` must begin with `/` and be percent-encoded already.
    pub fn raw(method: &'static str, path: impl Into<String>, body: Vec<u8>) -> Self {
        Self {
            method,
            path: path.into(),
            content_type: (!body.is_empty()).then_some(JSON),
            body: Bytes::from(body),
            accept: JSON,
            headers: Vec::new(),
            streaming: false,
            model_id: None,
        }
    }

    /// Adds a header (sent and signed).
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A signed request exactly as it goes on the wire.
///
/// `Debug` and [`redacted_headers`](Self::redacted_headers) hide the bearer key and the session
/// token; [`headers`](Self::headers) holds them (it is what is sent).
#[derive(Clone)]
pub struct PreparedRequest {
    /// The method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// Every header sent, in order (lowercase names), the signature's included. `host` and
    /// `content-length` are added by the HTTP stack from the URL and body.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl PreparedRequest {
    /// The headers with secrets (`authorization: Bearer ...`, `x-amz-security-token`) replaced
    /// by `<redacted>`. The SigV4 `authorization` header is kept: it holds no secret.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| {
                let secret = n == "x-amz-security-token"
                    || (n == "authorization" && v.starts_with("Bearer "));
                let v = if secret {
                    if n == "authorization" {
                        "Bearer <redacted>".to_owned()
                    } else {
                        "<redacted>".to_owned()
                    }
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect()
    }

    /// The value of a header (first occurrence, name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.redacted_headers())
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Builds and signs `op` against `base_url` at `time` (already skew-corrected).
/// Refuses a caller header that could not go on the wire as given: a name that is not an HTTP
/// token, or a value holding a control byte other than tab (CR and LF above all: header
/// injection). Checked for every auth mode, before signing.
fn check_header(name: &str, value: &str) -> Result<(), Error> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::configuration(format!(
            "header name {name:?} is not a valid HTTP token"
        )));
    }
    if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
        return Err(Error::configuration(format!(
            "the value of header {name:?} holds a control character (CR, LF or other); refused"
        )));
    }
    Ok(())
}

pub(crate) fn prepare(
    op: &Operation,
    base_url: &str,
    region: &str,
    service: &str,
    auth: &sigv4::Auth,
    time: std::time::SystemTime,
    user_agent: &str,
) -> Result<PreparedRequest, Error> {
    if !op.path.starts_with('/') {
        return Err(Error::configuration(format!(
            "operation path {:?} must begin with '/'",
            op.path
        )));
    }
    let url = format!("{base_url}{}", op.path);
    let mut headers: Vec<(String, String)> = Vec::with_capacity(8);
    if let Some(ct) = op.content_type {
        headers.push(("content-type".into(), ct.into()));
    }
    headers.push(("accept".into(), op.accept.into()));
    for (n, v) in &op.headers {
        check_header(n, v)?;
        headers.push((n.to_ascii_lowercase(), v.clone()));
    }
    headers.push(("user-agent".into(), user_agent.into()));
    let borrowed: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signable = sigv4::SignableRequest {
        method: op.method,
        url: &url,
        headers: &borrowed,
        body: sigv4::SignableBody::Bytes(&op.body),
    };
    let params = sigv4::SigningParams {
        region,
        service,
        time,
        settings: crate::crypto::signing_settings(),
    };
    let out = auth
        .sign(&signable, &params)
        .map_err(|e| Error::signing(format!("cannot sign the request: {e}")))?;
    for (name, value) in out.headers {
        headers.retain(|(n, _)| n != name);
        headers.push((name.to_owned(), value));
    }
    Ok(PreparedRequest {
        method: op.method.to_owned(),
        url,
        headers,
        body: op.body.clone(),
    })
}
