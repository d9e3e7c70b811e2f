//! The derived signing key: four HMACs once per day, region and service, then reused.
//!
//! ```text
//! kDate    = HMAC("AWS4" + secret, "YYYYMMDD")
//! kRegion  = HMAC(kDate, region)
//! kService = HMAC(kRegion, service)
//! kSigning = HMAC(kService, "aws4_request")
//! ```
//!
//! A [`SigningKey`] also keeps an HMAC state already keyed with `kSigning`, so signing with it
//! costs one HMAC over the string to sign and nothing else.

use crate::date::scope_date;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::fmt;
use time::Date;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// An HMAC-SHA256 state keyed with `key` (any length; keys over 64 bytes are hashed first, as
/// RFC 2104 says).
pub(crate) fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        let digest = Sha256::digest(key);
        for (dst, src) in block.iter_mut().zip(digest.iter()) {
            *dst = *src;
        }
    } else {
        for (dst, src) in block.iter_mut().zip(key.iter()) {
            *dst = *src;
        }
    }
    let mac = <HmacSha256 as KeyInit>::new(&block.into());
    block.fill(0);
    std::hint::black_box(&block);
    mac
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The SigV4 signing key for one day, region and service.
///
/// Derive it once (four HMACs) and reuse it for every request of that day, region and service
/// with [`sign_with_key`](crate::sign_with_key), [`presign_with_key`](crate::presign_with_key) or
/// [`sign_event_message`](crate::sign_event_message); those check the scope and refuse a key
/// derived for another day, region or service. `Debug` shows the scope, never the key.
///
/// ```
/// use sigv4::SigningKey;
/// use time::macros::date;
///
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date!(2015-08-30), "us-east-1", "iam");
/// assert!(key.is_valid_for(date!(2015-08-30), "us-east-1", "iam"));
/// assert!(!key.is_valid_for(date!(2015-08-31), "us-east-1", "iam"));
/// // The AWS documentation's example key.
/// assert_eq!(key.to_hex(), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
/// assert_eq!(format!("{key:?}"), r#"SigningKey { date: "20150830", region: "us-east-1", service: "iam", key: "** redacted **", .. }"#);
/// ```
#[derive(Clone)]
pub struct SigningKey {
    key: [u8; 32],
    mac: HmacSha256,
    date: String,
    region: String,
    service: String,
}

impl SigningKey {
    /// Derives the key for `date` (the UTC day of the signing time), `region` and `service`.
    pub fn derive(secret: &str, date: Date, region: &str, service: &str) -> Self {
        let date_str = match scope_date(date) {
            Ok(buf) => String::from_utf8_lossy(&buf).into_owned(),
            Err(_) => format!(
                "{:04}{:02}{:02}",
                date.year(),
                u8::from(date.month()),
                date.day()
            ),
        };
        Self::derive_for(secret, &date_str, region, service)
    }

    /// Derives the key for a scope date already formatted as `YYYYMMDD`.
    pub(crate) fn derive_for(secret: &str, date: &str, region: &str, service: &str) -> Self {
        let mut k_secret = Vec::with_capacity(4 + secret.len());
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret.as_bytes());
        let k_date = hmac(&k_secret, date.as_bytes());
        k_secret.fill(0);
        std::hint::black_box(&k_secret);
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        let key = hmac(&k_service, b"aws4_request");
        SigningKey {
            key,
            mac: keyed(&key),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        }
    }

    /// Whether this key was derived for this day, region and service.
    pub fn is_valid_for(&self, date: Date, region: &str, service: &str) -> bool {
        scope_date(date).is_ok_and(|d| d == self.date.as_bytes())
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
        let mut mac = self.mac.clone();
        mac.update(data);
        mac.finalize().into_bytes().into()
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

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        // RFC 4231 test case 2.
        let out = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            crate::encode::hex32(&out),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn long_keys_are_hashed_first() {
        // RFC 4231 test case 6: a 131-byte key.
        let key = [0xaa_u8; 131];
        let out = hmac(
            &key,
            b"Test Using Larger Than Block-Size Key - Hash Key First",
        );
        assert_eq!(
            crate::encode::hex32(&out),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn pre_keyed_state_equals_fresh_hmac() {
        let key = SigningKey::derive("secret", time::macros::date!(2020 - 01 - 02), "r", "s");
        assert_eq!(key.sign_bytes(b"abc"), hmac(key.as_bytes(), b"abc"));
        assert_eq!(key.sign_bytes(b"abc"), key.sign_bytes(b"abc"));
    }
}
