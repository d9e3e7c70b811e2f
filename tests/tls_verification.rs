//! The client verifies server certificates: a loopback TLS server with a self-signed certificate
//! (`fixtures/tls/`) is refused, and the request never reaches it. The trust store is loaded by
//! this first handshake (not when the client was built), so this also checks that the lazily
//! made verifier is the one in use.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::ChatRequest;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CERT: &[u8] = include_bytes!("../fixtures/tls/self-signed.cert.pem");
const KEY: &[u8] = include_bytes!("../fixtures/tls/self-signed.key.pem");

/// Serves TLS on loopback with the self-signed certificate; counts the requests that got
/// through the handshake (answering each with a 200 that would satisfy a careless client).
fn serve() -> (u16, Arc<AtomicUsize>) {
    let certs = vec![CertificateDer::from_pem_slice(CERT).expect("cert")];
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("key");
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { return };
            let Ok(mut conn) = rustls::ServerConnection::new(config.clone()) else {
                return;
            };
            let mut tls = rustls::Stream::new(&mut conn, &mut sock);
            let mut buf = [0u8; 4096];
            if let Ok(n) = tls.read(&mut buf)
                && n > 0
            {
                count.fetch_add(1, Ordering::SeqCst);
                let body = br#"{"output":{"message":{"role":"assistant","content":[{"text":"hi"}]}},"stopReason":"end_turn","usage":{"inputTokens":1,"outputTokens":1,"totalTokens":2},"metrics":{"latencyMs":1}}"#;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(body);
            }
        }
    });
    (port, served)
}

#[tokio::test]
async fn a_self_signed_server_certificate_is_refused() {
    let (port, served) = serve();
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(format!("https://127.0.0.1:{port}"))
        .access_key("AKIDEXAMPLE", "secret", None)
        .max_attempts(1)
        .build()
        .expect("client builds");
    let err = client
        .converse(&ChatRequest::new("amazon.nova-micro-v1:0").user("hi"))
        .await
        .expect_err("a self-signed certificate must be refused");
    let message = err.to_string();
    assert!(
        message.contains("certificate") || message.contains("UnknownIssuer"),
        "the error names the certificate problem: {message}"
    );
    assert_eq!(served.load(Ordering::SeqCst), 0, "no request got through");
}
