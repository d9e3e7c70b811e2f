//! The library's signing backend (`bedrock_wire::crypto::CRYPTO`, on `ring`) against the official
//! SigV4 suite: for every case of `fixtures/sigv4/v4`, header and query signing, the string to
//! sign is recomputed from the published canonical request and the signature from the published
//! string to sign, both through the ring backend. (Full request signing of every suite, with the
//! built-in `sha2` backend and with a ring one, is in `sigv4/tests/vectors.rs`.)

use bedrock_wire::crypto::{CRYPTO, signing_settings};
use bedrock_wire::sigv4;
use std::path::{Path, PathBuf};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sigv4/v4")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// kSigning by its definition, every HMAC through the ring backend.
fn signing_key(date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = CRYPTO.hmac_sha256(format!("AWS4{SECRET}").as_bytes(), date.as_bytes());
    let k_region = CRYPTO.hmac_sha256(&k_date, region.as_bytes());
    let k_service = CRYPTO.hmac_sha256(&k_region, service.as_bytes());
    CRYPTO.hmac_sha256(&k_service, b"aws4_request")
}

#[test]
fn every_v4_case_through_the_ring_backend() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(suite())
        .expect("fixtures/sigv4/v4")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 38, "the aws-c-auth suite has 38 cases");
    let mut checked = 0;
    for dir in &dirs {
        let ctx: serde_json::Value =
            serde_json::from_str(&read(&dir.join("context.json"))).expect("context.json");
        let region = ctx["region"].as_str().expect("region");
        let service = ctx["service"].as_str().expect("service");
        // "2015-08-30T12:36:00Z" -> "20150830T123600Z"
        let amz_date: String = ctx["timestamp"]
            .as_str()
            .expect("timestamp")
            .chars()
            .filter(|c| *c != '-' && *c != ':')
            .collect();
        let key = CRYPTO.hmac_key(&signing_key(&amz_date[..8], region, service));
        for kind in ["header", "query"] {
            let creq = read(&dir.join(format!("{kind}-canonical-request.txt")));
            let sts = read(&dir.join(format!("{kind}-string-to-sign.txt")));
            let signature = read(&dir.join(format!("{kind}-signature.txt")));
            let ours = sigv4::string_to_sign::string_to_sign_with(
                CRYPTO, &amz_date, region, service, &creq,
            );
            assert_eq!(ours, sts, "{} {kind}: string to sign", dir.display());
            assert_eq!(
                sigv4::encode::hex(&key.mac(sts.as_bytes())),
                signature.trim(),
                "{} {kind}: signature",
                dir.display()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 76);
}

#[test]
fn post_vanilla_signed_end_to_end_through_the_ring_backend() {
    let dir = suite().join("post-vanilla");
    let creds = sigv4::Credentials::new(AKID, SECRET, None);
    let req = sigv4::SignableRequest {
        method: "POST",
        url: "https://example.amazonaws.com/",
        headers: &[],
        body: sigv4::SignableBody::Bytes(b""),
    };
    let params = sigv4::SigningParams {
        region: "us-east-1",
        service: "service",
        time: sigv4::parse_amz_date("20150830T123600Z").expect("date"),
        settings: signing_settings(),
    };
    let out = sigv4::sign(&req, &params, &creds).expect("sign");
    assert_eq!(
        out.canonical_request,
        read(&dir.join("header-canonical-request.txt"))
    );
    assert_eq!(
        out.signature,
        read(&dir.join("header-signature.txt")).trim()
    );
    let url = sigv4::presign(&req, &params, &creds, std::time::Duration::from_secs(3600))
        .expect("presign");
    assert_eq!(url.signature, read(&dir.join("query-signature.txt")).trim());
}
