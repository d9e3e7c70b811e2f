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
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256, compress256};
use std::fmt;
use std::time::SystemTime;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// HMAC-SHA256 (RFC 2104) with the key already absorbed: the SHA-256 states after the
/// `key ^ ipad` and `key ^ opad` blocks. Computing a MAC from here costs the message's blocks
/// plus one block for the outer hash, with no buffering layer in between (the `sha2` block
/// function is called directly, so SHA-NI is used where the CPU has it).
#[derive(Clone)]
pub(crate) struct Hmac256 {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Hmac256 {
    /// Absorbs `key` (keys over 64 bytes are hashed first, as RFC 2104 says).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; 64];
        if key.len() > block.len() {
            for (dst, src) in block.iter_mut().zip(Sha256::digest(key).iter()) {
                *dst = *src;
            }
        } else {
            for (dst, src) in block.iter_mut().zip(key.iter()) {
                *dst = *src;
            }
        }
        let mut pad = [0u8; 64];
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x36;
        }
        let mut inner = H0;
        compress256(&mut inner, &[GenericArray::from(pad)]);
        for (p, k) in pad.iter_mut().zip(block.iter()) {
            *p = k ^ 0x5c;
        }
        let mut outer = H0;
        compress256(&mut outer, &[GenericArray::from(pad)]);
        block.fill(0);
        pad.fill(0);
        std::hint::black_box((&block, &pad));
        Hmac256 { inner, outer }
    }

    /// The MAC of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let inner = finish(self.inner, message);
        finish(self.outer, &inner)
    }
}

/// Finishes a SHA-256 whose state has absorbed exactly one 64-byte block, over `message`.
fn finish(mut state: [u32; 8], message: &[u8]) -> [u8; 32] {
    let mut chunks = message.chunks_exact(64);
    for chunk in &mut chunks {
        let mut block = [0u8; 64];
        block.copy_from_slice(chunk);
        compress256(&mut state, &[GenericArray::from(block)]);
    }
    let rest = chunks.remainder();
    // 64 bytes already absorbed, then the message; the length is in bits.
    let bits = (64 + message.len() as u64).wrapping_mul(8);
    let mut tail = [0u8; 128];
    for (dst, src) in tail.iter_mut().zip(rest.iter()) {
        *dst = *src;
    }
    if let Some(b) = tail.get_mut(rest.len()) {
        *b = 0x80;
    }
    let blocks = if rest.len() < 56 { 1 } else { 2 };
    if let Some(len) = tail.get_mut(blocks * 64 - 8..blocks * 64) {
        len.copy_from_slice(&bits.to_be_bytes());
    }
    for i in 0..blocks {
        let mut block = [0u8; 64];
        if let Some(src) = tail.get(i * 64..i * 64 + 64) {
            block.copy_from_slice(src);
        }
        compress256(&mut state, &[GenericArray::from(block)]);
    }
    let mut out = [0u8; 32];
    for (dst, word) in out.chunks_exact_mut(4).zip(state.iter()) {
        dst.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// HMAC-SHA256 of `data` under `key`.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    Hmac256::new(key).mac(data)
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
    mac: Hmac256,
    date: String,
    region: String,
    service: String,
}

impl SigningKey {
    /// Derives the key for the UTC day of `time` (the signing time), `region` and `service`.
    pub fn derive(secret: &str, time: SystemTime, region: &str, service: &str) -> Self {
        let date_str = if let Ok(buf) = scope_date(time) {
            String::from_utf8_lossy(&buf).into_owned()
        } else {
            // A year outside 0000-9999: signing with it fails anyway (`Error::TimeOutOfRange`).
            let full = crate::format_amz_date(time);
            full.split('T').next().unwrap_or_default().to_owned()
        };
        Self::derive_for(secret, &date_str, region, service)
    }

    /// Derives the key for a scope date already formatted as `YYYYMMDD`.
    pub(crate) fn derive_for(secret: &str, date: &str, region: &str, service: &str) -> Self {
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
            mac: Hmac256::new(&key),
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
    fn agrees_with_the_hmac_crate_at_every_length() {
        use hmac::{Hmac, Mac};
        for key_len in [0, 1, 32, 63, 64, 65, 200] {
            let key: Vec<u8> = (0..key_len)
                .map(|i: usize| u8::try_from((i * 7 + 3) % 251).unwrap())
                .collect();
            for len in 0..200 {
                let data: Vec<u8> = (0..len)
                    .map(|i: usize| u8::try_from((i * 13 + 1) % 251).unwrap())
                    .collect();
                let mut reference = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
                reference.update(&data);
                let want: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(hmac(&key, &data), want, "key {key_len} data {len}");
            }
        }
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
        assert_eq!(key.sign_bytes(b"abc"), hmac(key.as_bytes(), b"abc"));
        assert_eq!(key.sign_bytes(b"abc"), key.sign_bytes(b"abc"));
    }
}
