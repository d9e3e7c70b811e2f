//! The TLS configuration: rustls with the `ring` provider, passed to reqwest preconfigured.
//!
//! The library never installs a process-wide crypto provider. Certificates are verified by
//! `rustls-platform-verifier` (the verifier reqwest's `rustls-no-provider` feature already brings
//! in): the operating system's trust store and verifier (on Linux, the system CA bundle).
//!
//! The trust store is loaded on the first TLS handshake, not when the client is built: on Linux
//! loading it reads and parses every certificate of the system bundle (about 19 million
//! instructions and 0.6 MiB of heap), which a client that only talks plain HTTP (the offline
//! replay server, a local proxy, tests) never needs, and which made building a client fail on a
//! machine without CA certificates. A store that cannot be loaded fails each handshake instead,
//! with the reason.

use std::fmt;
use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::error::Error;

/// A rustls client configuration with the `ring` provider and the platform verifier (its trust
/// store loaded on the first handshake), offering HTTP/2 and HTTP/1.1 through ALPN.
///
/// ```
/// let config = bedrock_wire::client::rustls_config()?;
/// assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
/// # Ok::<(), bedrock_wire::error::Error>(())
/// ```
pub fn rustls_config() -> Result<rustls::ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = LazyVerifier::new(provider.clone(), platform_verifier);
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::configuration(format!("cannot set up TLS: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The operating system's verifier (on Linux: loads and parses the system CA bundle).
fn platform_verifier(provider: Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>, String> {
    rustls_platform_verifier::Verifier::new(provider)
        .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
        .map_err(|e| e.to_string())
}

/// How [`LazyVerifier`] makes the real verifier (the platform one; tests count the calls).
type MakeVerifier =
    dyn Fn(Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>, String> + Send + Sync;

/// A certificate verifier made on first use: the real verifier is built (and the trust store
/// loaded) by the first handshake that needs it, once; its failure is kept and reported by every
/// handshake. The signature schemes offered in the ClientHello come from the crypto provider,
/// exactly as the platform verifier reports them, so offering them loads nothing.
struct LazyVerifier {
    provider: Arc<CryptoProvider>,
    make: Box<MakeVerifier>,
    made: OnceLock<Result<Arc<dyn ServerCertVerifier>, String>>,
}

impl LazyVerifier {
    fn new(
        provider: Arc<CryptoProvider>,
        make: impl Fn(Arc<CryptoProvider>) -> Result<Arc<dyn ServerCertVerifier>, String>
        + Send
        + Sync
        + 'static,
    ) -> Self {
        LazyVerifier {
            provider,
            make: Box::new(make),
            made: OnceLock::new(),
        }
    }

    fn verifier(&self) -> Result<&Arc<dyn ServerCertVerifier>, rustls::Error> {
        self.made
            .get_or_init(|| (self.make)(self.provider.clone()))
            .as_ref()
            .map_err(|e| {
                rustls::Error::General(format!("cannot set up certificate verification: {e}"))
            })
    }
}

impl fmt::Debug for LazyVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LazyVerifier")
            .field("made", &self.made.get().map(Result::is_ok))
            .finish_non_exhaustive()
    }
}

impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.verifier()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn provider() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    fn verify(v: &LazyVerifier) -> Result<ServerCertVerified, rustls::Error> {
        let name = ServerName::try_from("bedrock-runtime.us-east-1.amazonaws.com").unwrap();
        v.verify_server_cert(
            &CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x00]),
            &[],
            &name,
            &[],
            UnixTime::now(),
        )
    }

    #[test]
    fn the_real_verifier_is_made_on_the_first_handshake_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let v = LazyVerifier::new(provider(), move |p| {
            counted.fetch_add(1, Ordering::SeqCst);
            platform_verifier(p)
        });
        // Building the ClientHello asks for the schemes: nothing is loaded.
        assert!(!v.supported_verify_schemes().is_empty());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        assert!(format!("{v:?}").contains("made: None"));
        // A certificate to check: the real verifier is made, and refuses this garbage.
        assert!(verify(&v).is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(verify(&v).is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1, "made once, then reused");
        assert!(format!("{v:?}").contains("made: Some(true)"));
    }

    #[test]
    fn a_trust_store_that_cannot_be_loaded_fails_every_handshake_with_the_reason() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counted = calls.clone();
        let v = LazyVerifier::new(provider(), move |_| {
            counted.fetch_add(1, Ordering::SeqCst);
            Err("No CA certificates were loaded from the system".to_string())
        });
        for _ in 0..2 {
            match verify(&v) {
                Err(rustls::Error::General(m)) => assert_eq!(
                    m,
                    "cannot set up certificate verification: No CA certificates were loaded from the system"
                ),
                other => panic!("expected the load failure, got {other:?}"),
            }
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn the_offered_schemes_are_the_platform_verifiers() {
        let p = provider();
        let platform = rustls_platform_verifier::Verifier::new(p.clone())
            .expect("this machine has a CA store (the platform verifier loads it)");
        let lazy = LazyVerifier::new(p, |_| Err("never made".into()));
        assert_eq!(
            lazy.supported_verify_schemes(),
            platform.supported_verify_schemes()
        );
    }

    #[test]
    fn building_a_client_loads_no_trust_store() {
        let config = rustls_config().expect("config");
        // The verifier in the config is the lazy one, not yet made.
        assert!(format!("{config:?}").contains("LazyVerifier { made: None"));
    }
}
