//! Event Stream message signing for bidirectional streams (`AWS4-HMAC-SHA256-PAYLOAD`).
//!
//! Each message sent on the stream is wrapped in an envelope message whose payload is the encoded
//! inner message and whose headers are `:chunk-signature` (32 bytes) and `:date` (a timestamp).
//! The signature chains: the first message uses the HTTP request's signature as its prior
//! signature, every later one the previous message's. The string to sign is
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD
//! YYYYMMDDTHHMMSSZ
//! YYYYMMDD/region/service/aws4_request
//! prior signature (hex)
//! hex(SHA-256(encoded `:date` header))
//! hex(SHA-256(encoded inner message))
//! ```
//!
//! This module is pure over bytes: it does not encode event-stream frames itself, it only returns
//! the two envelope headers already encoded, ready to be placed in a frame.

use crate::Error;
use crate::date::AmzDate;
use crate::encode::{hex32, push_hex};
use crate::key::SigningKey;
use crate::string_to_sign::push_scope;
use std::time::SystemTime;

/// The algorithm line of an event's string to sign.
pub const EVENT_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

const DATE_HEADER_LEN: usize = 1 + 5 + 1 + 8;
const CHUNK_SIGNATURE_HEADER_LEN: usize = 1 + 16 + 1 + 2 + 32;

/// The signature of one event-stream message, and the envelope headers that carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSignature {
    /// The signature, lowercase hex: the prior signature of the next message.
    pub signature: String,
    /// The raw 32 signature bytes (the value of the `:chunk-signature` header).
    pub signature_bytes: [u8; 32],
    /// The `:date` header value: milliseconds since the Unix epoch, whole seconds.
    pub date_millis: i64,
    /// The string to sign, for debugging.
    pub string_to_sign: String,
}

impl EventSignature {
    /// The `:date` header, encoded (name length, `:date`, type 8 timestamp, i64 big-endian ms).
    pub fn date_header(&self) -> [u8; DATE_HEADER_LEN] {
        encode_date_header(self.date_millis)
    }

    /// The `:chunk-signature` header, encoded (name length, `:chunk-signature`, type 6 byte
    /// array, u16 big-endian length 32, the signature bytes).
    pub fn chunk_signature_header(&self) -> [u8; CHUNK_SIGNATURE_HEADER_LEN] {
        let mut out = [0u8; CHUNK_SIGNATURE_HEADER_LEN];
        let parts: [&[u8]; 5] = [
            &[16],
            b":chunk-signature",
            &[6],
            &[0, 32],
            &self.signature_bytes,
        ];
        copy_parts(&mut out, &parts);
        out
    }

    /// Both envelope headers in the order the AWS SDKs write them: `:chunk-signature`, then
    /// `:date`.
    pub fn envelope_headers(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(DATE_HEADER_LEN + CHUNK_SIGNATURE_HEADER_LEN);
        out.extend_from_slice(&self.chunk_signature_header());
        out.extend_from_slice(&self.date_header());
        out
    }
}

fn copy_parts(out: &mut [u8], parts: &[&[u8]]) {
    let mut at = 0;
    for part in parts {
        if let Some(dst) = out.get_mut(at..at + part.len()) {
            dst.copy_from_slice(part);
        }
        at += part.len();
    }
}

fn encode_date_header(millis: i64) -> [u8; DATE_HEADER_LEN] {
    let mut out = [0u8; DATE_HEADER_LEN];
    let parts: [&[u8]; 4] = [&[5], b":date", &[8], &millis.to_be_bytes()];
    copy_parts(&mut out, &parts);
    out
}

/// Signs one event-stream message.
///
/// - `message`: the encoded inner message (the envelope's payload); empty for the final empty
///   envelope that ends a stream.
/// - `prior_signature`: the previous message's signature, or for the first message the
///   signature of the HTTP request that opened the stream (64 lowercase hex digits).
/// - `time`: the signing time; sub-seconds are dropped, and the `:date` header carries it.
/// - `key`: the signing key of the stream, which must be for the UTC day of `time` (the region
///   and service are the key's; so is the SHA-256/HMAC backend, [`SigningKey::crypto`]).
///
/// ```
/// use sigv4::{SigningKey, sign_event_message};
///
/// let time = sigv4::parse_amz_date("20250101T120000Z")?;
/// let key = SigningKey::derive("secret", time, "us-east-1", "bedrock");
/// let request_signature = "6c9f1d2b4f5e0e3c0e4f8c5d2f1a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
/// let first = sign_event_message(b"encoded message", request_signature, time, &key)?;
/// let second = sign_event_message(b"next message", &first.signature, time, &key)?;
/// assert_ne!(first.signature, second.signature);
/// assert_eq!(first.envelope_headers().len(), 52 + 15);
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn sign_event_message(
    message: &[u8],
    prior_signature: &str,
    time: SystemTime,
    key: &SigningKey,
) -> Result<EventSignature, Error> {
    if prior_signature.len() != 64
        || !prior_signature
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(Error::InvalidPriorSignature);
    }
    let amz_date = AmzDate::new(time)?;
    key.check_scope(amz_date.date(), key.region(), key.service())?;
    let date_millis = crate::civil::unix_parts(time).0.saturating_mul(1000);

    let mut sts = String::with_capacity(EVENT_ALGORITHM.len() + 16 + 64 + 64 * 3 + 8);
    sts.push_str(EVENT_ALGORITHM);
    sts.push('\n');
    sts.push_str(amz_date.as_str());
    sts.push('\n');
    push_scope(&mut sts, amz_date.date(), key.region(), key.service());
    sts.push('\n');
    sts.push_str(prior_signature);
    sts.push('\n');
    let crypto = key.crypto();
    push_hex(&mut sts, &crypto.sha256(&encode_date_header(date_millis)));
    sts.push('\n');
    push_hex(&mut sts, &crypto.sha256(message));

    let signature_bytes = key.sign_bytes(sts.as_bytes());
    Ok(EventSignature {
        signature: hex32(&signature_bytes),
        signature_bytes,
        date_millis,
        string_to_sign: sts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn header_layouts() {
        let h = encode_date_header(5_000);
        assert_eq!(h[..7], [5, b':', b'd', b'a', b't', b'e', 8]);
        assert_eq!(h[7..], 5_000_i64.to_be_bytes());
    }

    #[test]
    fn rejects_bad_prior_signatures_and_wrong_day() {
        let t = UNIX_EPOCH + Duration::from_secs(1_735_689_600); // 2025-01-01 00:00 UTC
        let key = SigningKey::derive("s", t, "r", "svc");
        let good = "0".repeat(64);
        assert_eq!(
            sign_event_message(b"", "abc", t, &key),
            Err(Error::InvalidPriorSignature)
        );
        assert_eq!(
            sign_event_message(b"", &"A".repeat(64), t, &key),
            Err(Error::InvalidPriorSignature)
        );
        assert!(sign_event_message(b"", &good, t, &key).is_ok());
        assert_eq!(
            sign_event_message(b"", &good, t + Duration::from_secs(86_400), &key),
            Err(Error::KeyScopeMismatch { field: "date" })
        );
    }
}
