//! Who signs: SigV4 credentials or a Bedrock bearer API key, both with redacting `Debug`.

use crate::crypto::Crypto;
use crate::key::SigningKey;
use crate::sign::{SignableRequest, SigningOutput, SigningParams, sign};
use crate::{Error, canonical::check_header_value_bytes};
use std::fmt;
use std::sync::{Arc, Mutex};

const REDACTED: &str = "** redacted **";

/// Overwrites a string's bytes with zeros before its memory is released (best effort: without
/// `unsafe` or a dedicated crate, copies made earlier by the allocator cannot be reached).
fn wipe(s: &mut String) {
    let mut bytes = std::mem::take(s).into_bytes();
    bytes.fill(0);
    std::hint::black_box(&bytes);
}

/// AWS credentials: an access key id, a secret access key and, for temporary credentials, a
/// session token.
///
/// `Debug` shows the access key id only; the secret and the token are redacted.
///
/// Credentials remember the last signing key derived from them (for one day, region and
/// service), as the Go and Java SDKs' signers do, so [`sign`](crate::sign) with the same
/// credentials derives the key once a day instead of on every call. Clones share that memory:
/// a client that clones its credentials for each request (as one must, to hand them to a
/// request) still derives the key once a day.
///
/// ```
/// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// assert_eq!(creds.access_key_id(), "AKIDEXAMPLE");
/// assert!(!format!("{creds:?}").contains("EXAMPLEKEY"));
/// ```
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    /// The last key derived from these credentials (shared by clones).
    key_cache: Arc<Mutex<Option<Arc<SigningKey>>>>,
}

impl Clone for Credentials {
    fn clone(&self) -> Self {
        Credentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: self.secret_access_key.clone(),
            session_token: self.session_token.clone(),
            key_cache: Arc::clone(&self.key_cache),
        }
    }
}

impl PartialEq for Credentials {
    fn eq(&self, other: &Self) -> bool {
        self.access_key_id == other.access_key_id
            && self.secret_access_key == other.secret_access_key
            && self.session_token == other.session_token
    }
}

impl Eq for Credentials {}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            key_cache: Arc::new(Mutex::new(None)),
        }
    }

    fn cached_key(&self) -> Option<Arc<SigningKey>> {
        // A poisoned lock only means another thread panicked while holding it; the cache is
        // then simply not used.
        self.key_cache.lock().ok().and_then(|guard| guard.clone())
    }

    /// The signing key for the scope date `YYYYMMDD`, region and service, made with `crypto`:
    /// the remembered one if it matches, else a freshly derived one (which is then remembered).
    pub(crate) fn signing_key(
        &self,
        crypto: Crypto,
        date: &str,
        region: &str,
        service: &str,
    ) -> Arc<SigningKey> {
        if let Some(key) = self.cached_key() {
            if key.crypto() == crypto && key.check_scope(date, region, service).is_ok() {
                return key;
            }
        }
        let key = Arc::new(SigningKey::derive_for(
            crypto,
            &self.secret_access_key,
            date,
            region,
            service,
        ));
        if let Ok(mut guard) = self.key_cache.lock() {
            *guard = Some(Arc::clone(&key));
        }
        key
    }

    /// The access key id (not a secret; it appears in the `Authorization` header).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key. Never log it.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials. Never log it.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            )
            .finish_non_exhaustive()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        wipe(&mut self.secret_access_key);
        if let Some(token) = self.session_token.as_mut() {
            wipe(token);
        }
    }
}

/// A Bedrock API key, sent as `Authorization: Bearer <key>`.
///
/// `Debug` is redacted.
///
/// ```
/// let token = sigv4::BearerToken::new("bedrock-api-key-c2VjcmV0");
/// assert_eq!(token.expose(), "bedrock-api-key-c2VjcmV0");
/// assert_eq!(format!("{token:?}"), "BearerToken(** redacted **)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BearerToken {
    token: String,
}

impl BearerToken {
    /// Wraps an API key.
    pub fn new(token: impl Into<String>) -> Self {
        BearerToken {
            token: token.into(),
        }
    }

    /// The key itself. Never log it.
    pub fn expose(&self) -> &str {
        &self.token
    }

    /// The one header bearer authentication adds: `("authorization", "Bearer <key>")`.
    ///
    /// Fails if the key is empty or contains a byte that cannot appear in a header value.
    pub fn header(&self) -> Result<(&'static str, String), Error> {
        if self.token.is_empty() {
            return Err(Error::InvalidBearerToken { offset: 0 });
        }
        check_header_value_bytes(self.token.as_bytes())
            .map_err(|offset| Error::InvalidBearerToken { offset })?;
        let mut value = String::with_capacity(7 + self.token.len());
        value.push_str("Bearer ");
        value.push_str(&self.token);
        Ok(("authorization", value))
    }
}

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BearerToken")
            .field(&format_args!("{REDACTED}"))
            .finish()
    }
}

impl Drop for BearerToken {
    fn drop(&mut self) {
        wipe(&mut self.token);
    }
}

/// How a request is authenticated: SigV4 with AWS credentials, or a Bedrock bearer API key.
///
/// ```
/// use sigv4::{Auth, BearerToken, SignableBody, SignableRequest, SigningParams, SigningSettings};
///
/// let auth = Auth::Bearer(BearerToken::new("bedrock-api-key-abc"));
/// let req = SignableRequest {
///     method: "POST",
///     url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
///     headers: &[("content-type", "application/json")],
///     body: SignableBody::Bytes(b"{}"),
/// };
/// let params = SigningParams {
///     region: "us-east-1",
///     service: "bedrock",
///     time: sigv4::parse_amz_date("20250101T000000Z")?,
///     settings: SigningSettings::default(),
/// };
/// let out = auth.sign(&req, &params)?;
/// assert_eq!(out.headers, vec![("authorization", "Bearer bedrock-api-key-abc".to_string())]);
/// # Ok::<(), sigv4::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// Sign with AWS Signature Version 4.
    SigV4(Credentials),
    /// Send `Authorization: Bearer <key>` and nothing else.
    Bearer(BearerToken),
}

impl Auth {
    /// Authenticates `req`: SigV4 signs it (see [`sign`]); a bearer key yields exactly one header,
    /// `authorization: Bearer <key>`, and empty `signature`, `canonical_request` and
    /// `string_to_sign`.
    pub fn sign(
        &self,
        req: &SignableRequest<'_>,
        params: &SigningParams<'_>,
    ) -> Result<SigningOutput, Error> {
        match self {
            Auth::SigV4(creds) => sign(req, params, creds),
            Auth::Bearer(token) => Ok(SigningOutput {
                headers: vec![token.header()?],
                signature: String::new(),
                canonical_request: String::new(),
                string_to_sign: String::new(),
            }),
        }
    }

    /// The bearer header, if this is bearer authentication (`None` for SigV4).
    pub fn bearer_header(&self) -> Option<Result<(&'static str, String), Error>> {
        match self {
            Auth::SigV4(_) => None,
            Auth::Bearer(token) => Some(token.header()),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::SigV4(c) => f.debug_tuple("SigV4").field(c).finish(),
            Auth::Bearer(t) => f.debug_tuple("Bearer").field(t).finish(),
        }
    }
}

impl From<Credentials> for Auth {
    fn from(c: Credentials) -> Self {
        Auth::SigV4(c)
    }
}

impl From<BearerToken> for Auth {
    fn from(t: BearerToken) -> Self {
        Auth::Bearer(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_remembered_signing_key() {
        let original = Credentials::new("AKID", "secret", None);
        let clone = original.clone();
        assert!(original.cached_key().is_none());
        // A client signs with a clone per request: the original (and the next clone) remember.
        let derived = clone.signing_key(Crypto::SHA2, "20260101", "us-east-1", "bedrock");
        let remembered = original.cached_key().expect("shared with the original");
        assert!(Arc::ptr_eq(&derived, &remembered));
        let again = original
            .clone()
            .signing_key(Crypto::SHA2, "20260101", "us-east-1", "bedrock");
        assert!(Arc::ptr_eq(&derived, &again), "derived again");
        // Another scope is derived afresh, and replaces the remembered key for all.
        let other = clone.signing_key(Crypto::SHA2, "20260102", "us-east-1", "bedrock");
        assert!(!Arc::ptr_eq(&derived, &other));
        assert!(Arc::ptr_eq(
            &other,
            &original.cached_key().expect("remembered")
        ));
    }
}
