//! The SHA-256/HMAC backend choice: what `None` means with and without the `sha2` feature, that a
//! key carries its backend into `sign_with_key` and event signing, and that the credentials'
//! key cache never hands out a key made by another backend.

mod support;

use sigv4::crypto::Crypto;
use sigv4::{
    Credentials, SignableBody, SignableRequest, SigningKey, SigningParams, SigningSettings,
};
use std::time::Duration;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// get-vanilla from the official suite.
const GET_VANILLA_SIGNATURE: &str =
    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

fn byte(i: usize) -> u8 {
    u8::try_from(i % 251).expect("below 251")
}

fn ring() -> Crypto {
    Crypto::new(&support::RING)
}

fn request() -> SignableRequest<'static> {
    SignableRequest {
        method: "GET",
        url: "https://example.amazonaws.com/",
        headers: &[],
        body: SignableBody::Bytes(b""),
    }
}

fn params(crypto: Option<Crypto>) -> SigningParams<'static> {
    SigningParams {
        region: "us-east-1",
        service: "service",
        time: sigv4::parse_amz_date("20150830T123600Z").expect("date"),
        settings: SigningSettings {
            crypto,
            ..SigningSettings::default()
        },
    }
}

#[test]
fn backends_under_test() {
    let names: Vec<&str> = support::backends().iter().map(|c| c.name()).collect();
    if cfg!(feature = "sha2") {
        assert_eq!(names, ["sha2", "ring (test)"]);
    } else {
        assert_eq!(names, ["ring (test)"]);
    }
    assert_eq!(format!("{:?}", ring()), r#"Crypto("ring (test)")"#);
    assert_ne!(Some(ring()), Crypto::builtin());
}

#[test]
fn every_backend_agrees_on_sha256_and_hmac_at_every_length() {
    let all = support::backends();
    for key_len in [0usize, 1, 31, 32, 63, 64, 65, 131, 200] {
        let key: Vec<u8> = (0..key_len).map(|i| byte(i * 7 + 3)).collect();
        let pre_keyed: Vec<_> = all.iter().map(|c| c.hmac_key(&key)).collect();
        for len in 0..=200usize {
            let data: Vec<u8> = (0..len).map(|i| byte(i * 13 + 1)).collect();
            let sha = ring().sha256(&data);
            let mac = ring().hmac_sha256(&key, &data);
            for (crypto, k) in all.iter().zip(&pre_keyed) {
                assert_eq!(crypto.sha256(&data), sha, "{crypto:?} sha256 len {len}");
                assert_eq!(
                    crypto.hmac_sha256(&key, &data),
                    mac,
                    "{crypto:?} key {key_len} len {len}"
                );
                assert_eq!(
                    k.mac(&data),
                    mac,
                    "{crypto:?} pre-keyed key {key_len} len {len}"
                );
            }
        }
    }
    // RFC 4231 test case 2, through the ring backend.
    assert_eq!(
        sigv4::encode::hex(&ring().hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn a_key_signs_with_its_own_backend_when_settings_say_none() {
    let time = sigv4::parse_amz_date("20150830T123600Z").expect("date");
    let key = SigningKey::derive_with(ring(), SECRET, time, "us-east-1", "service");
    assert_eq!(key.crypto(), ring());
    // The AWS documentation's example key (service `iam`).
    assert_eq!(
        SigningKey::derive_with(ring(), SECRET, time, "us-east-1", "iam").to_hex(),
        "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
    );
    let out = sigv4::sign_with_key(&request(), &params(None), AKID, None, &key).expect("sign");
    assert_eq!(out.signature, GET_VANILLA_SIGNATURE);
    let url = sigv4::presign_with_key(
        &request(),
        &params(None),
        AKID,
        None,
        &key,
        Duration::from_secs(3600),
    )
    .expect("presign");
    assert_eq!(
        url.signature,
        "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
    );
    // Event signing hashes with the key's backend: same result as every other backend's key.
    let prior = "0".repeat(64);
    let ours = sigv4::sign_event_message(b"message", &prior, time, &key).expect("event");
    for crypto in support::backends() {
        let other = SigningKey::derive_with(crypto, SECRET, time, "us-east-1", "service");
        let theirs = sigv4::sign_event_message(b"message", &prior, time, &other).expect("event");
        assert_eq!(ours, theirs, "{crypto:?}");
        assert_eq!(&other, &key, "keys compare by bytes and scope, not backend");
    }
}

#[test]
fn credentials_rederive_when_the_backend_changes() {
    let creds = Credentials::new(AKID, SECRET, None);
    for crypto in support::backends().into_iter().chain(support::backends()) {
        let out = sigv4::sign(&request(), &params(Some(crypto)), &creds).expect("sign");
        assert_eq!(out.signature, GET_VANILLA_SIGNATURE, "{crypto:?}");
    }
}

#[cfg(feature = "sha2")]
#[test]
fn none_means_the_builtin_sha2_backend() {
    assert_eq!(Crypto::builtin(), Some(Crypto::SHA2));
    assert_eq!(SigningSettings::default().crypto, None);
    let creds = Credentials::new(AKID, SECRET, None);
    let out = sigv4::sign(&request(), &params(None), &creds).expect("sign");
    assert_eq!(out.signature, GET_VANILLA_SIGNATURE);
}

#[cfg(not(feature = "sha2"))]
#[test]
fn without_sha2_none_is_a_typed_error() {
    assert_eq!(Crypto::builtin(), None);
    let creds = Credentials::new(AKID, SECRET, None);
    assert_eq!(
        sigv4::sign(&request(), &params(None), &creds),
        Err(sigv4::Error::NoCrypto)
    );
    assert_eq!(
        sigv4::presign(&request(), &params(None), &creds, Duration::from_secs(60)),
        Err(sigv4::Error::NoCrypto)
    );
    assert!(
        sigv4::Error::NoCrypto
            .to_string()
            .contains("SigningSettings::crypto")
    );
    let out = sigv4::sign(&request(), &params(Some(ring())), &creds).expect("sign");
    assert_eq!(out.signature, GET_VANILLA_SIGNATURE);
}
