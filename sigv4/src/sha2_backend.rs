//! The built-in [`Backend`]: SHA-256 from the `sha2` crate, HMAC-SHA256 on its block function.
//!
//! Compiled with the cargo feature `sha2` (on by default); reached as [`Crypto::SHA2`].

#[cfg(doc)]
use crate::crypto::Crypto;
use crate::crypto::{Backend, HmacKey};
use sha2::digest::generic_array::GenericArray;
use sha2::{Digest, Sha256, compress256};
use std::sync::Arc;

/// The `sha2` backend (see the module docs).
pub(crate) struct Sha2Backend;

impl Backend for Sha2Backend {
    fn name(&self) -> &'static str {
        "sha2"
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> [u8; 32] {
        Hmac256::new(key).mac(data)
    }

    fn hmac_key(&self, key: &[u8]) -> Arc<dyn HmacKey> {
        Arc::new(Hmac256::new(key))
    }
}

impl HmacKey for Hmac256 {
    fn mac(&self, message: &[u8]) -> [u8; 32] {
        Hmac256::mac(self, message)
    }
}

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
struct Hmac256 {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl Hmac256 {
    /// Absorbs `key` (keys over 64 bytes are hashed first, as RFC 2104 says).
    fn new(key: &[u8]) -> Self {
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
    fn mac(&self, message: &[u8]) -> [u8; 32] {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
        Sha2Backend.hmac_sha256(key, data)
    }

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
            let pre_keyed = Sha2Backend.hmac_key(&key);
            for len in 0..200 {
                let data: Vec<u8> = (0..len)
                    .map(|i: usize| u8::try_from((i * 13 + 1) % 251).unwrap())
                    .collect();
                let mut reference = <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap();
                reference.update(&data);
                let want: [u8; 32] = reference.finalize().into_bytes().into();
                assert_eq!(hmac(&key, &data), want, "key {key_len} data {len}");
                assert_eq!(
                    pre_keyed.mac(&data),
                    want,
                    "pre-keyed, key {key_len} data {len}"
                );
            }
        }
    }
}
