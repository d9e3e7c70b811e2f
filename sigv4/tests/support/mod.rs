//! Test support: a second SHA-256/HMAC backend on `ring` (a dev-dependency only), and the list of
//! backends every vector and differential test runs with.

#![allow(dead_code, unreachable_pub)]

use sigv4::crypto::{Backend, Crypto, HmacKey};
use std::sync::Arc;

/// SHA-256 and HMAC-SHA256 from `ring`.
pub struct RingBackend;

struct RingKey(ring::hmac::Key);

impl HmacKey for RingKey {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        to_array(ring::hmac::sign(&self.0, message).as_ref())
    }
}

fn to_array(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(bytes);
    out
}

impl Backend for RingBackend {
    fn name(&self) -> &'static str {
        "ring (test)"
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

/// The `ring` backend.
pub static RING: RingBackend = RingBackend;

/// Every backend this build has: the built-in `sha2` one (feature `sha2`) and `ring`.
pub fn backends() -> Vec<Crypto> {
    vec![
        #[cfg(feature = "sha2")]
        Crypto::SHA2,
        Crypto::new(&RING),
    ]
}
