//! Request authentication as AWS performs it: recompute the SigV4 signature with the sigv4 crate,
//! or compare the bearer key.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::http::Request;

/// Which credentials the replay server accepts.
#[derive(Clone)]
pub enum ReplayAuth {
    /// SigV4 with these credentials; `session_token`, when set, must be sent and signed.
    SigV4 {
        /// The access key id the client must use.
        access_key_id: String,
        /// The secret the server recomputes signatures with.
        secret_access_key: String,
        /// The session token the client must send, if any.
        session_token: Option<String>,
    },
    /// `Authorization: Bearer <key>` with this key.
    Bearer(String),
    /// Either of the two.
    Both {
        /// SigV4 access key id.
        access_key_id: String,
        /// SigV4 secret.
        secret_access_key: String,
        /// The bearer key.
        bearer: String,
    },
    /// No check at all (for clients under test that do not sign).
    None,
}

impl fmt::Debug for ReplayAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayAuth::SigV4 { access_key_id, .. } => f
                .debug_struct("SigV4")
                .field("access_key_id", access_key_id)
                .field("secret_access_key", &"** redacted **")
                .finish_non_exhaustive(),
            ReplayAuth::Bearer(_) => f.write_str("Bearer(** redacted **)"),
            ReplayAuth::Both { access_key_id, .. } => f
                .debug_struct("Both")
                .field("access_key_id", access_key_id)
                .finish_non_exhaustive(),
            ReplayAuth::None => f.write_str("None"),
        }
    }
}

/// Why the server refused a request's authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    /// The `x-amzn-ErrorType` value AWS would send.
    pub error_type: &'static str,
    /// The message AWS would send.
    pub message: String,
}

impl AuthFailure {
    fn new(error_type: &'static str, message: impl Into<String>) -> Self {
        Self {
            error_type,
            message: message.into(),
        }
    }
}

/// The parsed `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, PartialEq, Eq)]
struct SigV4Header<'a> {
    access_key_id: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Option<SigV4Header<'_>> {
    let rest = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => credential = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => return None,
        }
    }
    let mut scope = credential?.split('/');
    let header = SigV4Header {
        access_key_id: scope.next()?,
        date: scope.next()?,
        region: scope.next()?,
        service: scope.next()?,
        signed_headers: signed?.split(';').collect(),
        signature: signature?,
    };
    (scope.next()? == "aws4_request" && scope.next().is_none()).then_some(header)
}

/// How far a request's `x-amz-date` may be from the server's clock.
pub const MAX_SKEW: Duration = Duration::from_secs(5 * 60);

/// Checks a request's authentication against `auth`, with `server_now` as the server's clock.
pub(crate) fn verify(
    auth: &ReplayAuth,
    request: &Request,
    server_now: SystemTime,
    check_skew: bool,
) -> Result<(), AuthFailure> {
    let authorization = request.header("authorization");
    let bearer = authorization.and_then(|a| a.strip_prefix("Bearer "));
    match auth {
        ReplayAuth::None => Ok(()),
        ReplayAuth::Bearer(key) => verify_bearer(key, bearer, request),
        ReplayAuth::SigV4 {
            access_key_id,
            secret_access_key,
            session_token,
        } => verify_sigv4(
            access_key_id,
            secret_access_key,
            session_token.as_deref(),
            request,
            server_now,
            check_skew,
        ),
        ReplayAuth::Both {
            access_key_id,
            secret_access_key,
            bearer: key,
        } => {
            if bearer.is_some() {
                verify_bearer(key, bearer, request)
            } else {
                verify_sigv4(
                    access_key_id,
                    secret_access_key,
                    None,
                    request,
                    server_now,
                    check_skew,
                )
            }
        }
    }
}

fn verify_bearer(key: &str, sent: Option<&str>, request: &Request) -> Result<(), AuthFailure> {
    let Some(sent) = sent else {
        return Err(AuthFailure::new(
            "UnrecognizedClientException",
            "Authentication failed: no bearer token was sent",
        ));
    };
    if request.header("x-amz-date").is_some() || request.header("x-amz-security-token").is_some() {
        return Err(AuthFailure::new(
            "ValidationException",
            "A bearer-authenticated request must not carry SigV4 headers",
        ));
    }
    if constant_time_eq(sent.as_bytes(), key.as_bytes()) {
        Ok(())
    } else if !sent.starts_with("bedrock-api-key-") && !key.starts_with("bedrock-api-key-") {
        Err(AuthFailure::new(
            "UnrecognizedClientException",
            "Authentication failed: the bearer token is not valid",
        ))
    } else if !sent.starts_with("bedrock-api-key-") {
        Err(AuthFailure::new(
            "UnrecognizedClientException",
            "Invalid API Key format: Must start with pre-defined prefix",
        ))
    } else {
        Err(AuthFailure::new(
            "UnrecognizedClientException",
            "Authentication failed: the API key is not valid",
        ))
    }
}

fn verify_sigv4(
    access_key_id: &str,
    secret: &str,
    session_token: Option<&str>,
    request: &Request,
    server_now: SystemTime,
    check_skew: bool,
) -> Result<(), AuthFailure> {
    let missing = || {
        AuthFailure::new(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    };
    let authorization = request.header("authorization").ok_or_else(missing)?;
    let parsed = parse_authorization(authorization).ok_or_else(|| {
        AuthFailure::new(
            "IncompleteSignatureException",
            "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters",
        )
    })?;
    if parsed.access_key_id != access_key_id {
        return Err(AuthFailure::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    let amz_date = request.header("x-amz-date").ok_or_else(|| {
        AuthFailure::new(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let time = sigv4::parse_amz_date(amz_date).map_err(|_| {
        AuthFailure::new(
            "IncompleteSignatureException",
            "Date must be in ISO-8601 'basic format'.",
        )
    })?;
    if check_skew {
        check_clock_skew(amz_date, time, server_now)?;
    }
    if !amz_date.starts_with(parsed.date) || parsed.date.len() != 8 {
        return Err(AuthFailure::new(
            "InvalidSignatureException",
            "Credential should be scoped to a valid date.",
        ));
    }
    let sent_token = request.header("x-amz-security-token");
    if sent_token != session_token {
        return Err(AuthFailure::new(
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        ));
    }
    if !parsed.signed_headers.contains(&"host") {
        return Err(AuthFailure::new(
            "InvalidSignatureException",
            "'Host' must be a signed header.",
        ));
    }
    // Recompute from exactly the headers the client says it signed, in arrival order. The
    // signer adds `x-amz-date`, the token and the host itself, so those are passed as params.
    let host = request.header("host").unwrap_or("");
    let url = format!("http://{host}{}", request.target);
    let mut headers: Vec<(&str, &str)> = Vec::new();
    let mut sign_body_header = false;
    for (name, value) in &request.headers {
        let lower = name.to_ascii_lowercase();
        if !parsed.signed_headers.contains(&lower.as_str()) {
            continue;
        }
        match lower.as_str() {
            "host" | "x-amz-date" | "x-amz-security-token" => {}
            "x-amz-content-sha256" => sign_body_header = true,
            _ => headers.push((name.as_str(), value.as_str())),
        }
    }
    let settings = sigv4::SigningSettings {
        content_sha256_header: sign_body_header,
        ..crate::crypto::signing_settings()
    };
    let signable = sigv4::SignableRequest {
        method: &request.method,
        url: &url,
        headers: &headers,
        body: sigv4::SignableBody::Bytes(&request.body),
    };
    let params = sigv4::SigningParams {
        region: parsed.region,
        service: parsed.service,
        time,
        settings,
    };
    let creds = sigv4::Credentials::new(access_key_id, secret, sent_token.map(ToString::to_string));
    let expected = sigv4::sign(&signable, &params, &creds).map_err(|e| {
        AuthFailure::new(
            "InvalidSignatureException",
            format!("The request could not be canonicalized: {e}"),
        )
    })?;
    let expected_signed: Vec<&str> = expected
        .headers
        .iter()
        .find(|(n, _)| *n == "authorization")
        .and_then(|(_, v)| v.split("SignedHeaders=").nth(1))
        .and_then(|v| v.split(',').next())
        .map(|v| v.split(';').collect())
        .unwrap_or_default();
    if expected_signed != parsed.signed_headers
        || !constant_time_eq(expected.signature.as_bytes(), parsed.signature.as_bytes())
    {
        return Err(AuthFailure::new(
            "InvalidSignatureException",
            format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\n\
                 The Canonical String for this request should have been\n'{}'\n\n\
                 The String-to-Sign should have been\n'{}'\n",
                expected.redacted_canonical_request(),
                expected.string_to_sign
            ),
        ));
    }
    Ok(())
}

fn check_clock_skew(
    amz_date: &str,
    request_time: SystemTime,
    server_now: SystemTime,
) -> Result<(), AuthFailure> {
    let fmt = sigv4::format_amz_date;
    if request_time + MAX_SKEW < server_now {
        return Err(AuthFailure::new(
            "InvalidSignatureException",
            format!(
                "Signature expired: {amz_date} is now earlier than {} ({} - 5 min.)",
                fmt(server_now - MAX_SKEW),
                fmt(server_now)
            ),
        ));
    }
    if request_time > server_now + MAX_SKEW {
        return Err(AuthFailure::new(
            "InvalidSignatureException",
            format!(
                "Signature not yet current: {amz_date} is still later than {} ({} + 5 min.)",
                fmt(server_now + MAX_SKEW),
                fmt(server_now)
            ),
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_authorization_header() {
        let h = parse_authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd",
        )
        .unwrap();
        assert_eq!(h.access_key_id, "AKID");
        assert_eq!(h.region, "us-east-1");
        assert_eq!(h.service, "bedrock");
        assert_eq!(h.signed_headers, vec!["host", "x-amz-date"]);
        assert_eq!(h.signature, "abcd");
        assert!(parse_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/e").is_none());
        assert!(parse_authorization("Basic xyz").is_none());
    }

    #[test]
    fn constant_time_eq_compares() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
