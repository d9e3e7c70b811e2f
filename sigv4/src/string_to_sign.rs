//! Step 2: the string to sign.
//!
//! ```text
//! AWS4-HMAC-SHA256
//! YYYYMMDDTHHMMSSZ
//! YYYYMMDD/region/service/aws4_request
//! hex(SHA-256(canonical request))
//! ```

use crate::canonical::ALGORITHM;
use crate::crypto::Crypto;
use crate::encode::push_hex;

/// Appends the credential scope `YYYYMMDD/region/service/aws4_request`.
pub(crate) fn push_scope(out: &mut String, date: &str, region: &str, service: &str) {
    out.push_str(date);
    out.push('/');
    out.push_str(region);
    out.push('/');
    out.push_str(service);
    out.push_str("/aws4_request");
}

/// The string to sign for a canonical request, hashed with the built-in [`Crypto::SHA2`]
/// (cargo feature `sha2`; [`string_to_sign_with`] takes any backend).
///
/// ```
/// let sts = sigv4::string_to_sign::string_to_sign("20150830T123600Z", "us-east-1", "service", "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
/// assert_eq!(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
/// ```
#[cfg(any(feature = "sha2", test))]
pub fn string_to_sign(
    amz_date: &str,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    string_to_sign_with(Crypto::SHA2, amz_date, region, service, canonical_request)
}

/// `string_to_sign` with the canonical request hashed by `crypto`.
pub fn string_to_sign_with(
    crypto: Crypto,
    amz_date: &str,
    region: &str,
    service: &str,
    canonical_request: &str,
) -> String {
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let mut out = String::with_capacity(
        ALGORITHM.len() + amz_date.len() + date.len() + region.len() + service.len() + 64 + 20,
    );
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(amz_date);
    out.push('\n');
    push_scope(&mut out, date, region, service);
    out.push('\n');
    push_hex(&mut out, &crypto.sha256(canonical_request.as_bytes()));
    out
}
