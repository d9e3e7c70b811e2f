//! The TLS configuration: rustls with the `ring` provider, passed to reqwest preconfigured.
//!
//! The library never installs a process-wide crypto provider. Certificates are verified by
//! `rustls-platform-verifier` (the verifier reqwest's `rustls-no-provider` feature already brings
//! in): the operating system's trust store and verifier (on Linux, the system CA bundle).

use std::sync::Arc;

use crate::error::Error;

/// A rustls client configuration with the `ring` provider and the platform verifier, offering
/// HTTP/2 and HTTP/1.1 through ALPN.
pub fn rustls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| {
        Error::configuration(format!("cannot set up certificate verification: {e}"))
    })?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::configuration(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A `reqwest::ClientBuilder` using [`rustls_config`], which never follows redirects.
///
/// Bedrock does not redirect; following a 3xx would carry a signed request, its session token
/// and body to wherever `Location` points (reqwest drops `authorization` across hosts, not
/// `x-amz-security-token`). Like the AWS SDKs, the client reports the 3xx as an error instead.
///
/// ```
/// let http = bedrock_wire::client::http_client_builder()?.build();
/// assert!(http.is_ok());
/// # Ok::<(), bedrock_wire::error::Error>(())
/// ```
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    Ok(reqwest::Client::builder()
        .tls_backend_preconfigured(rustls_config()?)
        .redirect(reqwest::redirect::Policy::none()))
}
