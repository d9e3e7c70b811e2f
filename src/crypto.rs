//! SHA-256 and HMAC-SHA256 for signing, from `ring`.
//!
//! The TLS stack already links `ring` (rustls's crypto provider), whose SHA-256 uses the CPU's
//! SHA extensions where it has them. Signing with it instead of the `sha2` crate keeps `sha2`,
//! `digest`, `block-buffer`, `crypto-common`, `generic-array`, `typenum`, `cpufeatures` and
//! `hmac` out of this library's dependency graph: [`sigv4`] is used with
//! `default-features = false` and every signature made here passes [`CRYPTO`] in
//! [`SigningSettings::crypto`](sigv4::SigningSettings::crypto).
//!
//! Use [`signing_settings`] (or set `crypto: Some(CRYPTO)`) when you sign with
//! [`bedrock_wire::sigv4`](sigv4) yourself: in a build where nothing else turns on sigv4's
//! `sha2` feature, settings with `crypto: None` fail with
//! [`sigv4::Error::NoCrypto`].
//!
//! ```
//! use bedrock_wire::crypto::{CRYPTO, signing_settings};
//!
//! assert_eq!(CRYPTO.name(), "ring");
//! assert_eq!(signing_settings().crypto, Some(CRYPTO));
//! assert_eq!(
//!     bedrock_wire::sigv4::encode::hex(&CRYPTO.sha256(b"abc")),
//!     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
//! );
//! ```

use sigv4::crypto::{Backend, Crypto, HmacKey};
use std::sync::Arc;

/// The `ring` backend, as a [`sigv4::crypto::Crypto`] handle.
pub const CRYPTO: Crypto = Crypto::new(&Ring);

/// [`sigv4::SigningSettings::default`] with [`CRYPTO`] as the SHA-256/HMAC backend.
pub fn signing_settings() -> sigv4::SigningSettings {
    sigv4::SigningSettings {
        crypto: Some(CRYPTO),
        ..sigv4::SigningSettings::default()
    }
}

/// SHA-1, only for the SSO token cache file name (the AWS CLI's naming; nothing secret).
pub(crate) fn sha1(data: &[u8]) -> [u8; 20] {
    let mut out = [0u8; 20];
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data);
    for (dst, src) in out.iter_mut().zip(digest.as_ref()) {
        *dst = *src;
    }
    out
}

struct Ring;

struct RingKey(ring::hmac::Key);

/// The first 32 bytes of a digest or tag (SHA-256 and HMAC-SHA256 output exactly 32).
fn to_array(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (dst, src) in out.iter_mut().zip(bytes) {
        *dst = *src;
    }
    out
}

impl Backend for Ring {
    fn name(&self) -> &'static str {
        "ring"
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        to_array(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
    }

    fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
        to_array(ring::hmac::sign(&key, data).as_ref())
    }

    fn hmac_key(&self, key: &[u8]) -> Arc<dyn HmacKey> {
        Arc::new(RingKey(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key)))
    }
}

impl HmacKey for RingKey {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        to_array(ring::hmac::sign(&self.0, message).as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    fn bytes(len: usize, mul: usize, add: usize) -> Vec<u8> {
        (0..len)
            .map(|i| u8::try_from((i * mul + add) % 251).unwrap_or(0))
            .collect()
    }

    #[test]
    fn ring_equals_sha2_and_hmac_at_every_key_and_data_length() {
        for data_len in 0..=200 {
            let data = bytes(data_len, 13, 1);
            let want: [u8; 32] = Sha256::digest(&data).into();
            assert_eq!(CRYPTO.sha256(&data), want, "sha256 len {data_len}");
        }
        for key_len in 0..=200 {
            let key = bytes(key_len, 7, 3);
            let pre_keyed = CRYPTO.hmac_key(&key);
            for data_len in 0..=200 {
                let data = bytes(data_len, 13, 1);
                let mut reference = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
                reference.update(&data);
                let want: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(
                    CRYPTO.hmac_sha256(&key, &data),
                    want,
                    "hmac key {key_len} data {data_len}"
                );
                assert_eq!(
                    pre_keyed.mac(&data),
                    want,
                    "pre-keyed hmac key {key_len} data {data_len}"
                );
            }
        }
    }

    #[test]
    fn sha1_vectors() {
        let hex = |d: [u8; 20]| sigv4::encode::hex(&d);
        assert_eq!(
            hex(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(sha1(b"")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex(sha1(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
    }

    #[test]
    fn signs_the_official_get_vanilla_vector() {
        let creds = sigv4::Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        );
        let req = sigv4::SignableRequest {
            method: "GET",
            url: "https://example.amazonaws.com/",
            headers: &[],
            body: sigv4::SignableBody::Bytes(b""),
        };
        let params = sigv4::SigningParams {
            region: "us-east-1",
            service: "service",
            time: sigv4::parse_amz_date("20150830T123600Z").unwrap(),
            settings: signing_settings(),
        };
        let out = sigv4::sign(&req, &params, &creds).unwrap();
        assert_eq!(
            out.signature,
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }
}
