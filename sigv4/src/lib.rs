//! AWS Signature Version 4 request signing: pure functions over bytes.
//!
//! No I/O, no clock, no environment, no async: the signing time is an input, and signing returns
//! the headers to add instead of mutating a request type. SHA-256 and HMAC go through a
//! [`crypto::Crypto`] backend chosen in [`SigningSettings::crypto`]: the `sha2` one is built in
//! (default cargo feature `sha2`, the only runtime dependency; HMAC-SHA256 is built on its
//! block function and checked against the `hmac` crate in the tests); with
//! `default-features = false` there is no runtime dependency and the caller supplies the
//! backend (e.g. one on `ring`, which rustls already links). The signing time is a
//! [`std::time::SystemTime`], converted to a UTC date by hand in [`civil`].
//!
//! # Example: sign a Bedrock ConverseStream request
//!
//! ```
//! use sigv4::{Credentials, SignableBody, SignableRequest, SigningParams, SigningSettings};
//!
//! let creds = Credentials::new(
//!     "AKIDEXAMPLE",
//!     "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
//!     Some("session-token".to_string()),
//! );
//! // The model id is percent-encoded once on the wire (`:` is `%3A`) ...
//! let model = sigv4::encode::uri_encode("us.anthropic.claude-sonnet-4-20250514-v1:0");
//! let url = format!("https://bedrock-runtime.us-east-1.amazonaws.com/model/{model}/converse-stream");
//! let body = br#"{"messages":[{"role":"user","content":[{"text":"Hello"}]}]}"#;
//! let req = SignableRequest {
//!     method: "POST",
//!     url: &url,
//!     headers: &[("content-type", "application/json")],
//!     body: SignableBody::Bytes(body),
//! };
//! let params = SigningParams {
//!     region: "us-east-1",
//!     service: "bedrock",
//!     time: sigv4::parse_amz_date("20250601T120000Z")?, // a SystemTime: from your clock
//!     settings: SigningSettings::default(),
//! };
//! let out = sigv4::sign(&req, &params, &creds)?;
//!
//! // ... and encoded again in the canonical request.
//! assert!(out.canonical_request.contains("/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n"));
//! let names: Vec<&str> = out.headers.iter().map(|(name, _)| *name).collect();
//! assert_eq!(names, ["x-amz-date", "x-amz-security-token", "authorization"]);
//! assert!(out.header("authorization").unwrap().starts_with(
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250601/us-east-1/bedrock/aws4_request, \
//!      SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
//! ));
//! // Secrets never show up in Debug output.
//! assert!(!format!("{creds:?} {out:?}").contains("session-token"));
//! # Ok::<(), sigv4::Error>(())
//! ```
//!
//! # The steps, one module each
//!
//! - [`crypto`]: the SHA-256/HMAC backend.
//! - [`encode`]: RFC 3986 percent-encoding; the canonical path is encoded twice for every
//!   service but S3.
//! - [`canonical`]: the canonical request (and a [`redacted`](canonical::redacted) form for logs).
//! - [`string_to_sign`]: the string to sign.
//! - [`civil`]: the signing time ([`SystemTime`](std::time::SystemTime)) as a UTC date, and
//!   [`format_amz_date`] / [`parse_amz_date`] (module `date`): `YYYYMMDDTHHMMSSZ`.
//! - [`SigningKey`] (module `key`): the derived key, cacheable per day, region and service.
//! - [`Credentials`], [`BearerToken`], [`Auth`] (module `credentials`): who signs, redacted in
//!   `Debug`.
//! - [`sign`], [`sign_with_key`]: header signing; [`presign`], [`presign_with_key`]: presigned
//!   URLs; [`sign_event_message`]: event-stream messages.
//!
//! # Defaults
//!
//! [`SigningSettings::default`] matches the official SDKs for non-S3 services: path normalization
//! on, double encoding of the path on, session token signed, no `x-amz-content-sha256`, and
//! `authorization`, `user-agent`, `x-amzn-trace-id` and `transfer-encoding` never signed.
//!
//! # Errors
//!
//! Bad input (a header value with CR or LF, a non-ASCII header name, an unparseable URL, ...) is
//! an [`Error`], never a panic, and no error carries a secret or a header value.

pub mod canonical;
pub mod civil;
mod credentials;
pub mod crypto;
mod date;
pub mod encode;
mod error;
mod event;
mod key;
mod presign;
mod settings;
#[cfg(any(feature = "sha2", test))]
mod sha2_backend;
mod sign;
pub mod string_to_sign;
mod url;

pub use credentials::{Auth, BearerToken, Credentials};
pub use date::{format_amz_date, parse_amz_date};
pub use error::Error;
pub use event::{EVENT_ALGORITHM, EventSignature, sign_event_message};
pub use key::SigningKey;
pub use presign::{MAX_EXPIRES_SECS, PresignedOutput, presign, presign_with_key};
pub use settings::{DEFAULT_EXCLUDED_HEADERS, SessionTokenMode, SigningSettings};
pub use sign::{SignableBody, SignableRequest, SigningOutput, SigningParams, sign, sign_with_key};

/// The algorithm name of header and query signing, `AWS4-HMAC-SHA256`.
pub const ALGORITHM: &str = canonical::ALGORITHM;
/// The payload hash placeholder for unsigned bodies, `UNSIGNED-PAYLOAD`.
pub const UNSIGNED_PAYLOAD: &str = canonical::UNSIGNED_PAYLOAD;
