//! The derived signing key: four HMACs once per day, region and service, then reused.
//!
//! ```text
//! kDate    = HMAC("AWS4" + secret, "YYYYMMDD")
//! kRegion  = HMAC(kDate, region)
//! kService = HMAC(kRegion, service)
//! kSigning = HMAC(kService, "aws4_request")
//! ```
//!
//! A [`SigningKey`] also keeps an HMAC state already keyed with `kSigning` (made by its
//! [`Crypto`] backend), so signing with it costs one HMAC over the string to sign and nothing
//! else.

use crate::crypto::{Crypto, HmacKey};
use crate::date::scope_date;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

/// The SigV4 signing key for one day, region and service.
///
/// Derive it once (four HMACs) and reuse it for every request of that day, region and service
/// with [`sign_with_key`](crate::sign_with_key), [`presign_with_key`](crate::presign_with_key) or
/// [`sign_event_message`](crate::sign_event_message); those check the scope and refuse a key
/// derived for another day, region or service. `Debug` shows the scope, never the key.
///
/// The key remembers the [`Crypto`] backend it was derived with; signing with it uses that
/// backend's pre-keyed HMAC.
///
/// ```
/// use sigv4::SigningKey;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160); // 2015-08-30 12:36:00 UTC
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", time, "us-east-1", "iam");
/// // Valid for the whole UTC day of `time`, and only that day.
/// assert!(key.is_valid_for(time + Duration::from_secs(11 * 3600), "us-east-1", "iam"));
/// assert!(!key.is_valid_for(time + Duration::from_secs(12 * 3600), "us-east-1", "iam"));
/// // The AWS documentation's example key.
/// assert_eq!(key.to_hex(), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
/// assert_eq!(format!("{key:?}"), r#"SigningKey { date: "20150830", region: "us-east-1", service: "iam", key: "** redacted **", .. }"#);
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: [u8; 32],
    mac: Arc<dyn HmacKey>,
    crypto: Crypto,
    date: String,
    region: String,
    service: String,
}

impl SigningKey {
    /// Derives the key for the UTC day of `time` (the signing time), `region` and `service`
    /// with the built-in [`Crypto::SHA2`] backend (cargo feature `sha2`).
    #[cfg(any(feature = "sha2", test))]
    pub fn derive(secret: &str, time: SystemTime, region: &str, service: &str) -> Self {
        Self::derive_with(Crypto::SHA2, secret, time, region, service)
    }

    /// `derive` with the given SHA-256/HMAC backend.
    pub fn derive_with(
        crypto: Crypto,
        secret: &str,
        time: SystemTime,
        region: &str,
        service: &str,
    ) -> Self {
        let date_str = if let Ok(buf) = scope_date(time) {
            String::from_utf8_lossy(&buf).into_owned()
        } else {
            // A year outside 0000-9999: signing with it fails anyway (`Error::TimeOutOfRange`).
            let full = crate::format_amz_date(time);
            full.split('T').next().unwrap_or_default().to_owned()
        };
        Self::derive_for(crypto, secret, &date_str, region, service)
    }

    /// Derives the key for a scope date already formatted as `YYYYMMDD`.
    pub(crate) fn derive_for(
        crypto: Crypto,
        secret: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> Self {
        let hmac = |key: &[u8], data: &[u8]| crypto.hmac_sha256(key, data);
        // "AWS4" + secret, on the stack when it fits in one block (AWS secrets are 40 bytes).
        let mut buf = [0u8; 64];
        let k_date = if let Some(k_secret) = buf.get_mut(..4 + secret.len()) {
            let (prefix, rest) = k_secret.split_at_mut(4);
            prefix.copy_from_slice(b"AWS4");
            rest.copy_from_slice(secret.as_bytes());
            let k_date = hmac(k_secret, date.as_bytes());
            k_secret.fill(0);
            k_date
        } else {
            let mut k_secret = Vec::with_capacity(4 + secret.len());
            k_secret.extend_from_slice(b"AWS4");
            k_secret.extend_from_slice(secret.as_bytes());
            let k_date = hmac(&k_secret, date.as_bytes());
            k_secret.fill(0);
            k_date
        };
        std::hint::black_box(&buf);
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        let key = hmac(&k_service, b"aws4_request");
        SigningKey {
            key,
            mac: crypto.hmac_key(&key),
            crypto,
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        }
    }

    /// Whether this key was derived for the UTC day of `time`, this region and this service.
    pub fn is_valid_for(&self, time: SystemTime, region: &str, service: &str) -> bool {
        scope_date(time).is_ok_and(|d| d == self.date.as_bytes())
            && self.region == region
            && self.service == service
    }

    /// The scope date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The region the key is for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service (signing name) the key is for.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The SHA-256/HMAC backend the key was derived with (and signs with).
    pub fn crypto(&self) -> Crypto {
        self.crypto
    }

    /// The raw 32-byte key. It is a secret for its day, region and service: never log it.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The key as lowercase hex (for comparing with published examples; never log it).
    pub fn to_hex(&self) -> String {
        crate::encode::hex32(&self.key)
    }

    /// HMAC-SHA256 of `data` under this key, reusing the pre-keyed state.
    pub(crate) fn sign_bytes(&self, data: &[u8]) -> [u8; 32] {
        self.mac.mac(data)
    }

    /// Checks that the key's scope is `date` (`YYYYMMDD`), `region` and `service`.
    pub(crate) fn check_scope(
        &self,
        date: &str,
        region: &str,
        service: &str,
    ) -> Result<(), crate::Error> {
        let field = if self.date != date {
            "date"
        } else if self.region != region {
            "region"
        } else if self.service != service {
            "service"
        } else {
            return Ok(());
        };
        Err(crate::Error::KeyScopeMismatch { field })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("date", &self.date)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("key", &"** redacted **")
            .finish_non_exhaustive()
    }
}

impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        // Not constant time: keys are compared for caching, never to authenticate anything.
        self.key == other.key
            && self.date == other.date
            && self.region == other.region
            && self.service == other.service
    }
}

impl Eq for SigningKey {}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.key.fill(0);
        std::hint::black_box(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
        Crypto::SHA2.hmac_sha256(key, data)
    }

    #[test]
    fn long_secrets_derive_like_short_ones_would() {
        // A secret longer than one block takes the heap path; the result must equal the
        // definition computed step by step.
        let secret = "s".repeat(100);
        let date = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_577_923_200); // 2020-01-02
        let key = SigningKey::derive(&secret, date, "r", "svc");
        let k_date = hmac(format!("AWS4{secret}").as_bytes(), b"20200102");
        let expected = hmac(&hmac(&hmac(&k_date, b"r"), b"svc"), b"aws4_request");
        assert_eq!(key.as_bytes(), &expected);
        let short = SigningKey::derive("short", date, "r", "svc");
        let k_date = hmac(b"AWS4short", b"20200102");
        let expected = hmac(&hmac(&hmac(&k_date, b"r"), b"svc"), b"aws4_request");
        assert_eq!(short.as_bytes(), &expected);
    }

    #[test]
    fn pre_keyed_state_equals_fresh_hmac() {
        let key = SigningKey::derive("secret", std::time::UNIX_EPOCH, "r", "s");
        assert_eq!(key.crypto(), Crypto::SHA2);
        assert_eq!(key.sign_bytes(b"abc"), hmac(key.as_bytes(), b"abc"));
        assert_eq!(key.sign_bytes(b"abc"), key.sign_bytes(b"abc"));
    }
}
