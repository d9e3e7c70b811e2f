//! The one error type of this crate.
//!
//! Every variant says what was wrong and where, and none of them carries a secret: header values,
//! session tokens, secret keys and bearer tokens are never copied into an error, only their
//! positions are.

use std::fmt;

/// Why a request could not be signed (or a date could not be parsed).
///
/// `Display` is hand-written and never includes a secret or a header value; it names the header
/// (names are not secret) and the byte offset of the offending byte.
///
/// ```
/// use sigv4::{Error, SignableBody, SignableRequest};
/// let err = sigv4::parse_amz_date("2015-08-30").unwrap_err();
/// assert!(matches!(err, Error::InvalidAmzDate { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request URL could not be parsed (`offset` is the byte offset in the URL where the
    /// problem was found).
    InvalidUrl {
        /// What is wrong with it.
        reason: &'static str,
        /// Byte offset into the URL.
        offset: usize,
    },
    /// The HTTP method is empty or not an HTTP token.
    InvalidMethod,
    /// A header name is empty, non-ASCII, or contains a byte that is not allowed in an HTTP token.
    InvalidHeaderName {
        /// Index of the header in [`SignableRequest::headers`](crate::SignableRequest::headers).
        index: usize,
        /// Byte offset of the offending byte in the name.
        offset: usize,
    },
    /// A header value contains CR, LF, NUL or another control byte (tab is allowed).
    InvalidHeaderValue {
        /// The (lowercased) header name; values are never shown.
        name: String,
        /// Byte offset of the offending byte in the value.
        offset: usize,
    },
    /// The precomputed payload hash is empty or contains whitespace or control bytes.
    InvalidPayloadHash,
    /// The access key id is empty or contains `/`, `,`, whitespace or control bytes.
    InvalidAccessKeyId,
    /// The session token contains a byte that cannot appear in a header value.
    InvalidSessionToken {
        /// Byte offset of the offending byte in the token.
        offset: usize,
    },
    /// The bearer token is empty or contains a byte that cannot appear in a header value.
    InvalidBearerToken {
        /// Byte offset of the offending byte in the token.
        offset: usize,
    },
    /// The region or service name is empty or contains `/`, whitespace or control bytes.
    InvalidScope {
        /// `"region"` or `"service"`.
        field: &'static str,
    },
    /// The signing time is outside the years 0000 to 9999 (in UTC).
    TimeOutOfRange,
    /// An `x-amz-date` string is not of the form `YYYYMMDDTHHMMSSZ` or names an impossible date.
    InvalidAmzDate {
        /// Byte offset of the first offending byte.
        offset: usize,
    },
    /// A [`SigningKey`](crate::SigningKey) was used for a different day, region or service than
    /// the one it was derived for.
    KeyScopeMismatch {
        /// `"date"`, `"region"` or `"service"`.
        field: &'static str,
    },
    /// A presigned URL's expiry must be between 1 second and 7 days.
    InvalidExpiry {
        /// The rejected expiry, in whole seconds.
        seconds: u64,
    },
    /// The prior signature of an event-stream message is not 64 lowercase hex digits.
    InvalidPriorSignature,
    /// No SHA-256/HMAC backend: the crate was built without its `sha2` feature and
    /// [`SigningSettings::crypto`](crate::SigningSettings::crypto) is `None`.
    NoCrypto,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidUrl { reason, offset } => {
                write!(f, "invalid request URL at byte {offset}: {reason}")
            }
            Error::InvalidMethod => f.write_str("invalid HTTP method: empty or not a token"),
            Error::InvalidHeaderName { index, offset } => write!(
                f,
                "invalid header name (header #{index}, byte {offset}): must be a non-empty ASCII token"
            ),
            Error::InvalidHeaderValue { name, offset } => write!(
                f,
                "invalid value for header `{name}` at byte {offset}: control characters (CR, LF, NUL, ...) are not allowed"
            ),
            Error::InvalidPayloadHash => f.write_str(
                "invalid precomputed payload hash: must be non-empty and free of whitespace",
            ),
            Error::InvalidAccessKeyId => f.write_str(
                "invalid access key id: must be non-empty and free of `/`, `,`, whitespace and control characters",
            ),
            Error::InvalidSessionToken { offset } => write!(
                f,
                "invalid session token: byte {offset} cannot appear in a header value"
            ),
            Error::InvalidBearerToken { offset } => write!(
                f,
                "invalid bearer token: empty, or byte {offset} cannot appear in a header value"
            ),
            Error::InvalidScope { field } => write!(
                f,
                "invalid {field}: must be non-empty and free of `/`, whitespace and control characters"
            ),
            Error::TimeOutOfRange => {
                f.write_str("signing time is outside the years 0000-9999 (UTC)")
            }
            Error::InvalidAmzDate { offset } => write!(
                f,
                "invalid x-amz-date at byte {offset}: expected YYYYMMDDTHHMMSSZ"
            ),
            Error::KeyScopeMismatch { field } => write!(
                f,
                "signing key was derived for a different {field} than the request is signed for"
            ),
            Error::InvalidExpiry { seconds } => write!(
                f,
                "invalid presigned URL expiry of {seconds} s: must be 1 s to 604800 s (7 days)"
            ),
            Error::InvalidPriorSignature => {
                f.write_str("invalid prior signature: expected 64 lowercase hex digits")
            }
            Error::NoCrypto => f.write_str(
                "no SHA-256/HMAC backend: set SigningSettings::crypto or enable the `sha2` feature",
            ),
        }
    }
}

impl std::error::Error for Error {}
