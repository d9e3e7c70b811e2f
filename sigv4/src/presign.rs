//! Query-string signing: a presigned URL carrying `X-Amz-Algorithm`, `X-Amz-Credential`,
//! `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`, `X-Amz-Security-Token` and
//! `X-Amz-Signature`.
//!
//! Short-term Bedrock API keys are such URLs, base64-encoded.

use crate::canonical::{self, ALGORITHM, Input, Location};
use crate::encode::{hex32, push_encoded};
use crate::key::SigningKey;
use crate::sign::{SignableRequest, SigningParams, check_identity, prepare};
use crate::string_to_sign::{push_scope, string_to_sign_with};
use crate::{Credentials, Error};
use std::fmt;
use std::time::Duration;

/// The longest expiry SigV4 allows: 7 days.
pub const MAX_EXPIRES_SECS: u64 = 604_800;

/// A presigned URL and how it was made.
///
/// `Debug` redacts the session token and the signature (the URL is a credential until it
/// expires).
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedOutput {
    /// The full signed URL: the request URL with the `X-Amz-*` parameters appended (values
    /// percent-encoded), any fragment kept at the end.
    pub url: String,
    /// The query parameters added, in the order they were appended, values not encoded.
    pub params: Vec<(&'static str, String)>,
    /// The signature, lowercase hex.
    pub signature: String,
    /// The canonical request (contains the session token when the token is signed).
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

impl PresignedOutput {
    /// The canonical request with the session token replaced by `<redacted>`.
    pub fn redacted_canonical_request(&self) -> String {
        canonical::redacted(&self.canonical_request)
    }
}

impl fmt::Debug for PresignedOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = redact_url(&self.url);
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| match *k {
                "X-Amz-Security-Token" | "X-Amz-Signature" => (*k, "** redacted **"),
                _ => (*k, v.as_str()),
            })
            .collect();
        f.debug_struct("PresignedOutput")
            .field("url", &url)
            .field("params", &params)
            .field("signature", &"** redacted **")
            .field("canonical_request", &self.redacted_canonical_request())
            .field("string_to_sign", &self.string_to_sign)
            .finish()
    }
}

fn redact_url(url: &str) -> String {
    let Some((base, rest)) = url.split_once('?') else {
        return url.to_owned();
    };
    let (query, fragment) = rest.split_once('#').map_or((rest, ""), |(q, f)| (q, f));
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    out.push('?');
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((k @ ("X-Amz-Security-Token" | "X-Amz-Signature"), _)) => {
                out.push_str(k);
                out.push_str("=<redacted>");
            }
            _ => out.push_str(pair),
        }
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Presigns `req`: returns a URL that performs it without any `Authorization` header until
/// `expires_in` (1 s to 7 days, whole seconds) has passed.
///
/// The headers of `req` are signed (normally just `host`), so the request made with the URL must
/// send the same ones. `params.settings.content_sha256_header` does not apply here. With
/// [`SessionTokenMode::AttachAfterSigning`](crate::SessionTokenMode::AttachAfterSigning),
/// `X-Amz-Security-Token` is appended after signing.
///
/// ```
/// use sigv4::{Credentials, SignableBody, SignableRequest, SigningParams, SigningSettings};
/// use std::time::Duration;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let req = SignableRequest { method: "GET", url: "https://example.amazonaws.com/", headers: &[], body: SignableBody::Bytes(b"") };
/// let params = SigningParams { region: "us-east-1", service: "service", time: sigv4::parse_amz_date("20150830T123600Z")?, settings: SigningSettings::default() };
/// let out = sigv4::presign(&req, &params, &creds, Duration::from_secs(3600))?;
/// assert!(out.url.starts_with("https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&"));
/// assert_eq!(out.signature, "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn presign(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    creds: &Credentials,
    expires_in: Duration,
) -> Result<PresignedOutput, Error> {
    check_identity(creds.access_key_id(), creds.session_token())?;
    let expires = check_expiry(expires_in)?;
    let prepared = prepare(req, params, None)?;
    let key = creds.signing_key(
        prepared.crypto,
        prepared.amz_date.date(),
        params.region,
        params.service,
    );
    presign_prepared(
        req,
        params,
        &prepared,
        creds.access_key_id(),
        creds.session_token(),
        &key,
        expires,
    )
}

/// [`presign`] with a cached [`SigningKey`] (checked against the day, region and service).
pub fn presign_with_key(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    access_key_id: &str,
    session_token: Option<&str>,
    key: &SigningKey,
    expires_in: Duration,
) -> Result<PresignedOutput, Error> {
    check_identity(access_key_id, session_token)?;
    let expires = check_expiry(expires_in)?;
    let prepared = prepare(req, params, Some(key.crypto()))?;
    key.check_scope(prepared.amz_date.date(), params.region, params.service)?;
    presign_prepared(
        req,
        params,
        &prepared,
        access_key_id,
        session_token,
        key,
        expires,
    )
}

fn check_expiry(expires_in: Duration) -> Result<u64, Error> {
    let seconds = expires_in.as_secs();
    if seconds == 0 || seconds > MAX_EXPIRES_SECS {
        return Err(Error::InvalidExpiry { seconds });
    }
    Ok(seconds)
}

fn presign_prepared(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    prepared: &crate::sign::Prepared<'_>,
    access_key_id: &str,
    session_token: Option<&str>,
    key: &SigningKey,
    expires: u64,
) -> Result<PresignedOutput, Error> {
    let amz_date = prepared.amz_date.as_str();
    let mut credential = String::with_capacity(access_key_id.len() + 64);
    credential.push_str(access_key_id);
    credential.push('/');
    push_scope(
        &mut credential,
        prepared.amz_date.date(),
        params.region,
        params.service,
    );
    let expires = expires.to_string();
    let canonical = canonical::build(&Input {
        method: req.method,
        url: &prepared.url,
        headers: req.headers,
        payload_hash: prepared.payload_hash.as_str(),
        amz_date,
        session_token,
        settings: &params.settings,
        location: Location::Query {
            credential: &credential,
            expires: &expires,
        },
    })?;
    let string_to_sign = string_to_sign_with(
        prepared.crypto,
        amz_date,
        params.region,
        params.service,
        &canonical.text,
    );
    let signature = hex32(&key.sign_bytes(string_to_sign.as_bytes()));

    let mut added: Vec<(&'static str, String)> = Vec::with_capacity(7);
    added.push(("X-Amz-Algorithm", ALGORITHM.to_owned()));
    added.push(("X-Amz-Credential", credential));
    added.push(("X-Amz-Date", amz_date.to_owned()));
    added.push(("X-Amz-Expires", expires));
    added.push(("X-Amz-SignedHeaders", canonical.signed_headers().to_owned()));
    // Signed or attached after signing, the token travels in the URL.
    if let Some(token) = session_token {
        added.push(("X-Amz-Security-Token", token.to_owned()));
    }
    added.push(("X-Amz-Signature", signature.clone()));

    let url = &prepared.url;
    let mut out = String::with_capacity(req.url.len() + 400);
    out.push_str(url.without_fragment);
    let mut sep = if !url.has_query {
        Some('?')
    } else if url.query.is_empty() || url.query.ends_with('&') {
        None
    } else {
        Some('&')
    };
    for (name, value) in &added {
        if let Some(c) = sep {
            out.push(c);
        }
        out.push_str(name);
        out.push('=');
        push_encoded(&mut out, value, false);
        sep = Some('&');
    }
    out.push_str(url.fragment);

    Ok(PresignedOutput {
        url: out,
        params: added,
        signature,
        canonical_request: canonical.text,
        string_to_sign,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_token_and_signature_in_urls() {
        assert_eq!(
            redact_url("https://h/?a=1&X-Amz-Security-Token=s3cr3t&X-Amz-Signature=abc#f"),
            "https://h/?a=1&X-Amz-Security-Token=<redacted>&X-Amz-Signature=<redacted>#f"
        );
        assert_eq!(redact_url("https://h/"), "https://h/");
    }

    #[test]
    fn expiry_bounds() {
        assert_eq!(check_expiry(Duration::from_secs(1)), Ok(1));
        assert_eq!(check_expiry(Duration::from_secs(604_800)), Ok(604_800));
        assert_eq!(
            check_expiry(Duration::from_millis(999)),
            Err(Error::InvalidExpiry { seconds: 0 })
        );
        assert_eq!(
            check_expiry(Duration::from_secs(604_801)),
            Err(Error::InvalidExpiry { seconds: 604_801 })
        );
    }
}
