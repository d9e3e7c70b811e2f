//! Short-term Bedrock API keys minted from IAM credentials.
//!
//! A key is `bedrock-api-key-` followed by the base64 of a SigV4 query-presigned URL
//! `bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-...` with `&Version=1` appended (the
//! scheme dropped), valid for at most 12 hours and never past the signing credentials' expiry.
//! [`BearerMinter`] caches a key and mints a new one [`super::REFRESH_AHEAD`] before it expires.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use base64::Engine as _;

use super::CredentialsProvider;
use crate::clock::Clock;
use crate::error::Error;

/// The key prefix.
pub const PREFIX: &str = "bedrock-api-key-";
/// The longest lifetime of a short-term key (12 hours).
pub const MAX_LIFETIME: Duration = Duration::from_secs(43_200);
/// The default lifetime (12 hours).
pub const DEFAULT_LIFETIME: Duration = MAX_LIFETIME;

/// Mints a short-term key valid for `lifetime` (clamped to 1 s ..= 12 h) from `creds`, signed for
/// `region` at `now`.
///
/// ```
/// use bedrock_wire::credentials::bearer::{mint, PREFIX};
/// use base64::Engine as _;
/// use std::time::{Duration, UNIX_EPOCH};
/// let creds = sigv4::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None);
/// let key = mint(&creds, "us-west-2", UNIX_EPOCH + Duration::from_secs(1_700_000_000), Duration::from_secs(3600)).unwrap();
/// let b64 = key.expose().strip_prefix(PREFIX).unwrap();
/// let url = String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b64).unwrap()).unwrap();
/// assert!(url.starts_with("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"));
/// assert!(url.contains("X-Amz-Expires=3600"));
/// assert!(url.ends_with("&Version=1"));
/// ```
pub fn mint(
    creds: &sigv4::Credentials,
    region: &str,
    now: SystemTime,
    lifetime: Duration,
) -> Result<sigv4::BearerToken, Error> {
    let lifetime = Duration::from_secs(lifetime.as_secs().clamp(1, MAX_LIFETIME.as_secs()));
    let req = sigv4::SignableRequest {
        method: "GET",
        url: "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
        headers: &[],
        body: sigv4::SignableBody::Bytes(b""),
    };
    let params = sigv4::SigningParams {
        region,
        service: "bedrock",
        time: now,
        settings: crate::crypto::signing_settings(),
    };
    let out = sigv4::presign(&req, &params, creds, lifetime)
        .map_err(|e| Error::signing(format!("cannot presign the bearer key URL: {e}")))?;
    let url = out.url.strip_prefix("https://").unwrap_or(&out.url);
    let raw = format!("{url}&Version=1");
    Ok(sigv4::BearerToken::new(format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )))
}

/// Mints keys from a credentials provider and renews them before they expire.
#[derive(Debug)]
pub struct BearerMinter {
    provider: Arc<CredentialsProvider>,
    region: String,
    lifetime: Duration,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<(sigv4::BearerToken, SystemTime)>>,
    refresh: tokio::sync::Mutex<()>,
}

impl BearerMinter {
    /// A minter signing for `region` with keys of `lifetime`.
    pub fn new(
        provider: Arc<CredentialsProvider>,
        region: impl Into<String>,
        lifetime: Duration,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            provider,
            region: region.into(),
            lifetime: lifetime.min(MAX_LIFETIME),
            clock,
            cached: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
        }
    }

    /// The credentials provider keys are minted from.
    pub fn provider(&self) -> &Arc<CredentialsProvider> {
        &self.provider
    }

    fn fresh(&self) -> Option<sigv4::BearerToken> {
        let now = self.clock.now();
        let margin = super::REFRESH_AHEAD.min(self.lifetime / 2);
        self.cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .filter(|(_, exp)| exp.checked_sub(margin).is_some_and(|t| now < t))
            .map(|(t, _)| t.clone())
    }

    /// A key valid for a while yet (minted now if the cached one is close to expiry).
    pub async fn token(&self) -> Result<sigv4::BearerToken, Error> {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _single_flight = self.refresh.lock().await;
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let creds = self.provider.credentials().await?;
        let now = self.clock.now();
        let mut lifetime = self.lifetime;
        if let Some(exp) = creds.expires_at() {
            lifetime = lifetime.min(exp.duration_since(now).unwrap_or(Duration::ZERO));
        }
        if lifetime < Duration::from_secs(1) {
            return Err(Error::credentials(
                "cannot mint a bearer key: the signing credentials have expired",
            ));
        }
        let token = mint(creds.credentials(), &self.region, now, lifetime)?;
        *self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some((token.clone(), now + Duration::from_secs(lifetime.as_secs())));
        Ok(token)
    }
}
