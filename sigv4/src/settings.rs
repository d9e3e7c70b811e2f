//! Signing settings and their defaults (those of the official SDKs for every service but S3).

use crate::crypto::Crypto;
use std::borrow::Cow;

/// Headers never signed by default, compared case-insensitively: they are computed by the signer
/// (`authorization`), rewritten by proxies (`user-agent`), added by tracing infrastructure
/// (`x-amzn-trace-id`) or hop-by-hop (`transfer-encoding`). The official SDKs use the same set.
pub const DEFAULT_EXCLUDED_HEADERS: [&str; 4] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// Whether the session token is part of what is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// The token is signed: `x-amz-security-token` is a signed header (or `X-Amz-Security-Token`
    /// is in the canonical query when presigning). What the SDKs and Bedrock do.
    #[default]
    Signed,
    /// The token is left out of the signature and attached after signing (some services reject
    /// a signed token). The output still carries it.
    AttachAfterSigning,
}

/// How to sign. `SigningSettings::default()` is right for Bedrock and every AWS service but S3.
///
/// ```
/// let s = sigv4::SigningSettings::default();
/// assert!(s.normalize_path && s.double_encode_path && !s.content_sha256_header);
/// assert_eq!(s.session_token, sigv4::SessionTokenMode::Signed);
/// assert_eq!(s.excluded_headers, ["authorization", "user-agent", "x-amzn-trace-id", "transfer-encoding"]);
///
/// // S3-style signing:
/// let s3 = sigv4::SigningSettings {
///     normalize_path: false,
///     double_encode_path: false,
///     content_sha256_header: true,
///     ..Default::default()
/// };
/// # let _ = s3;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningSettings {
    /// Normalize the path before encoding it: remove `.` and `..` segments, merge repeated `/`,
    /// and sign an empty path as `/`. Default `true` (S3 wants `false`).
    pub normalize_path: bool,
    /// Percent-encode the (already percent-encoded) wire path once more in the canonical request,
    /// so `%3A` becomes `%253A`. Default `true`; S3 wants `false`, and then the path is signed
    /// exactly as written.
    pub double_encode_path: bool,
    /// Whether the session token is signed or attached after signing. Default
    /// [`SessionTokenMode::Signed`].
    pub session_token: SessionTokenMode,
    /// Add (and sign) `x-amz-content-sha256: <payload hash>`. Default `false` (Bedrock does not
    /// need it; S3 does). Only applies to header signing.
    pub content_sha256_header: bool,
    /// Header names never signed, compared case-insensitively. Default
    /// [`DEFAULT_EXCLUDED_HEADERS`].
    pub excluded_headers: Vec<Cow<'static, str>>,
    /// Where SHA-256 and HMAC-SHA256 come from. Default `None`: the built-in
    /// `Crypto::SHA2` (cargo feature `sha2`, on by default); without that feature, signing
    /// with `None` fails with [`Error::NoCrypto`](crate::Error::NoCrypto) (the `*_with_key`
    /// functions then use the key's backend).
    pub crypto: Option<Crypto>,
}

impl Default for SigningSettings {
    fn default() -> Self {
        SigningSettings {
            normalize_path: true,
            double_encode_path: true,
            session_token: SessionTokenMode::Signed,
            content_sha256_header: false,
            excluded_headers: DEFAULT_EXCLUDED_HEADERS
                .iter()
                .map(|h| Cow::Borrowed(*h))
                .collect(),
            crypto: None,
        }
    }
}

impl SigningSettings {
    /// Whether `name` (any case) is in [`excluded_headers`](Self::excluded_headers).
    pub fn is_excluded(&self, name: &str) -> bool {
        self.excluded_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }
}
