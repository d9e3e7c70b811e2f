//! Steps 3 and 4: sign the string to sign and say which headers to add.
//!
//! Signing returns *instructions* (headers to add) and never touches a foreign request type.

use crate::canonical::{
    self, ALGORITHM, Input, Location, UNSIGNED_PAYLOAD, check_header_value_bytes,
};
use crate::crypto::Crypto;
use crate::date::AmzDate;
use crate::encode::{hex_digest, hex32};
use crate::key::SigningKey;
use crate::settings::SigningSettings;
use crate::string_to_sign::{push_scope, string_to_sign_with};
use crate::url::{self, Url};
use crate::{Credentials, Error};
use std::fmt;
use std::time::SystemTime;

/// A request to sign, borrowed from wherever it lives.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// The HTTP method, e.g. `"POST"`.
    pub method: &'a str,
    /// The full URL exactly as it goes on the wire, e.g.
    /// `https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse`.
    /// The path must already be percent-encoded (a model id's `:` as `%3A`, an ARN's `/` as
    /// `%2F`). The `host` header is taken from it (default port dropped) unless `headers` has one.
    pub url: &'a str,
    /// The headers that will be sent, in order; duplicates allowed, names in any case.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, or its hash.
    pub body: SignableBody<'a>,
}

/// The request body as far as signing is concerned.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SignableBody<'a> {
    /// The body bytes; the signer hashes them.
    Bytes(&'a [u8]),
    /// The lowercase hex SHA-256 of the body, computed elsewhere.
    Precomputed(&'a str),
    /// Sign the literal `UNSIGNED-PAYLOAD` instead of a hash (for presigned URLs and streaming
    /// bodies, where the service allows it).
    UnsignedPayload,
}

impl fmt::Debug for SignableBody<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignableBody::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            SignableBody::Precomputed(h) => f.debug_tuple("Precomputed").field(h).finish(),
            SignableBody::UnsignedPayload => f.write_str("UnsignedPayload"),
        }
    }
}

/// Where and when to sign.
#[derive(Debug, Clone)]
pub struct SigningParams<'a> {
    /// The region, e.g. `"us-east-1"`.
    pub region: &'a str,
    /// The signing name of the service (`"bedrock"` for Bedrock Runtime).
    pub service: &'a str,
    /// The signing time (read from a clock by the caller; this crate never reads one).
    pub time: SystemTime,
    /// How to sign.
    pub settings: SigningSettings,
}

/// What signing produced: the headers to add, and the intermediate strings for debugging.
///
/// `Debug` redacts the session token (in `headers` and in the canonical request) and a bearer
/// key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningOutput {
    /// Headers to add to the request (lowercase names): `x-amz-date`, `x-amz-security-token`
    /// (with a session token), `x-amz-content-sha256` (when asked for) and `authorization`.
    /// A header of the same name already on the request must be replaced.
    pub headers: Vec<(&'static str, String)>,
    /// The signature, lowercase hex.
    pub signature: String,
    /// The canonical request. It contains the session token when the token is signed: log
    /// [`redacted_canonical_request`](Self::redacted_canonical_request) instead.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
}

impl SigningOutput {
    /// The canonical request with the session token replaced by `<redacted>`.
    pub fn redacted_canonical_request(&self) -> String {
        canonical::redacted(&self.canonical_request)
    }

    /// The value of the added header `name` (lowercase), if any.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `Debug` for an added header list with secrets redacted.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a [(&'static str, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, value) in self.0 {
            let secret = *name == "x-amz-security-token"
                || (*name == "authorization" && value.starts_with("Bearer "));
            if secret {
                list.entry(&(name, "** redacted **"));
            } else {
                list.entry(&(name, value));
            }
        }
        list.finish()
    }
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("headers", &RedactedHeaders(&self.headers))
            .field("signature", &self.signature)
            .field("canonical_request", &self.redacted_canonical_request())
            .field("string_to_sign", &self.string_to_sign)
            .finish()
    }
}

/// The payload hash: computed here (hex on the stack) or given by the caller.
pub(crate) enum PayloadHash<'a> {
    Computed([u8; 64]),
    Given(&'a str),
}

impl PayloadHash<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            PayloadHash::Computed(hex) => std::str::from_utf8(hex).unwrap_or_default(),
            PayloadHash::Given(s) => s,
        }
    }
}

/// Validated, parsed inputs shared by header signing and presigning.
pub(crate) struct Prepared<'a> {
    pub(crate) url: Url<'a>,
    pub(crate) amz_date: AmzDate,
    pub(crate) payload_hash: PayloadHash<'a>,
    /// The SHA-256/HMAC backend (settings, else the key's, else the built-in one).
    pub(crate) crypto: Crypto,
}

fn check_scope_part(value: &str, field: &'static str) -> Result<(), Error> {
    if value.is_empty()
        || value
            .bytes()
            .any(|b| b == b'/' || b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(Error::InvalidScope { field });
    }
    Ok(())
}

pub(crate) fn check_identity(
    access_key_id: &str,
    session_token: Option<&str>,
) -> Result<(), Error> {
    if access_key_id.is_empty()
        || access_key_id
            .bytes()
            .any(|b| b == b'/' || b == b',' || b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err(Error::InvalidAccessKeyId);
    }
    if let Some(token) = session_token {
        check_header_value_bytes(token.as_bytes())
            .map_err(|offset| Error::InvalidSessionToken { offset })?;
    }
    Ok(())
}

pub(crate) fn prepare<'a>(
    req: &SignableRequest<'a>,
    params: &SigningParams<'_>,
    key_crypto: Option<Crypto>,
) -> Result<Prepared<'a>, Error> {
    let crypto = Crypto::resolve(params.settings.crypto, key_crypto)?;
    check_scope_part(params.region, "region")?;
    check_scope_part(params.service, "service")?;
    let url = url::parse(req.url)?;
    let amz_date = AmzDate::new(params.time)?;
    let payload_hash = match req.body {
        SignableBody::Bytes(bytes) => PayloadHash::Computed(hex_digest(&crypto.sha256(bytes))),
        SignableBody::Precomputed(hash) => {
            if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::InvalidPayloadHash);
            }
            PayloadHash::Given(hash)
        }
        SignableBody::UnsignedPayload => PayloadHash::Given(UNSIGNED_PAYLOAD),
    };
    Ok(Prepared {
        url,
        amz_date,
        payload_hash,
        crypto,
    })
}

/// Signs `req` with `creds` for `params` (region, service, time, settings).
///
/// Derives the signing key (four HMACs) the first time `creds` sign for a day, region and
/// service, and reuses it afterwards (`Credentials` remember their last key). SHA-256 and HMAC
/// come from `params.settings.crypto` (default: the built-in `sha2` backend). To manage keys
/// yourself, derive a [`SigningKey`] and use [`sign_with_key`].
///
/// ```
/// use sigv4::{Credentials, SignableBody, SignableRequest, SigningParams, SigningSettings};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let req = SignableRequest {
///     method: "GET",
///     url: "https://example.amazonaws.com/",
///     headers: &[],
///     body: SignableBody::Bytes(b""),
/// };
/// let params = SigningParams {
///     region: "us-east-1",
///     service: "service",
///     time: sigv4::parse_amz_date("20150830T123600Z")?,
///     settings: SigningSettings::default(),
/// };
/// let out = sigv4::sign(&req, &params, &creds)?;
/// assert_eq!(out.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// assert_eq!(out.header("x-amz-date"), Some("20150830T123600Z"));
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn sign(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    creds: &Credentials,
) -> Result<SigningOutput, Error> {
    check_identity(creds.access_key_id(), creds.session_token())?;
    let prepared = prepare(req, params, None)?;
    let key = creds.signing_key(
        prepared.crypto,
        prepared.amz_date.date(),
        params.region,
        params.service,
    );
    sign_prepared(
        req,
        params,
        &prepared,
        creds.access_key_id(),
        creds.session_token(),
        &key,
    )
}

/// Signs `req` with a cached [`SigningKey`]: no key derivation, one HMAC.
///
/// Hashing uses `params.settings.crypto`, or the key's backend when that is `None`; the HMAC
/// is always the key's pre-keyed one.
///
/// The key must have been derived for the UTC day of `params.time`, `params.region` and
/// `params.service`, or this returns [`Error::KeyScopeMismatch`].
///
/// ```
/// use sigv4::{SignableBody, SignableRequest, SigningKey, SigningParams, SigningSettings};
///
/// let time = sigv4::parse_amz_date("20150830T123600Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", time, "us-east-1", "service");
/// let req = SignableRequest { method: "GET", url: "https://example.amazonaws.com/", headers: &[], body: SignableBody::Bytes(b"") };
/// let params = SigningParams { region: "us-east-1", service: "service", time, settings: SigningSettings::default() };
/// let out = sigv4::sign_with_key(&req, &params, "AKIDEXAMPLE", None, &key)?;
/// assert_eq!(out.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn sign_with_key(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    access_key_id: &str,
    session_token: Option<&str>,
    key: &SigningKey,
) -> Result<SigningOutput, Error> {
    check_identity(access_key_id, session_token)?;
    let prepared = prepare(req, params, Some(key.crypto()))?;
    key.check_scope(prepared.amz_date.date(), params.region, params.service)?;
    sign_prepared(req, params, &prepared, access_key_id, session_token, key)
}

fn sign_prepared(
    req: &SignableRequest<'_>,
    params: &SigningParams<'_>,
    prepared: &Prepared<'_>,
    access_key_id: &str,
    session_token: Option<&str>,
    key: &SigningKey,
) -> Result<SigningOutput, Error> {
    let amz_date = prepared.amz_date.as_str();
    let canonical = canonical::build(&Input {
        method: req.method,
        url: &prepared.url,
        headers: req.headers,
        payload_hash: prepared.payload_hash.as_str(),
        amz_date,
        session_token,
        settings: &params.settings,
        location: Location::Headers,
    })?;
    let string_to_sign = string_to_sign_with(
        prepared.crypto,
        amz_date,
        params.region,
        params.service,
        &canonical.text,
    );
    let signature = hex32(&key.sign_bytes(string_to_sign.as_bytes()));

    let signed_headers = canonical.signed_headers();
    let mut authorization = String::with_capacity(
        ALGORITHM.len()
            + access_key_id.len()
            + params.region.len()
            + params.service.len()
            + signed_headers.len()
            + 64
            + 64,
    );
    authorization.push_str(ALGORITHM);
    authorization.push_str(" Credential=");
    authorization.push_str(access_key_id);
    authorization.push('/');
    push_scope(
        &mut authorization,
        prepared.amz_date.date(),
        params.region,
        params.service,
    );
    authorization.push_str(", SignedHeaders=");
    authorization.push_str(signed_headers);
    authorization.push_str(", Signature=");
    authorization.push_str(&signature);

    let mut headers = Vec::with_capacity(4);
    headers.push(("x-amz-date", amz_date.to_owned()));
    if let Some(token) = session_token {
        headers.push(("x-amz-security-token", token.to_owned()));
    }
    if params.settings.content_sha256_header {
        headers.push((
            "x-amz-content-sha256",
            prepared.payload_hash.as_str().to_owned(),
        ));
    }
    headers.push(("authorization", authorization));
    Ok(SigningOutput {
        headers,
        signature,
        canonical_request: canonical.text,
        string_to_sign,
    })
}
