//! Behaviour of the public API beyond the vectors: secrets never leak, bad input is a typed error
//! (never a panic), bearer authentication, cached keys, settings.
//!
//! These use the built-in `sha2` backend (default feature); `vectors.rs`, `differential.rs`
//! and `backends.rs` also run without it.
#![cfg(feature = "sha2")]

use proptest::prelude::*;
use sigv4::{
    Auth, BearerToken, Credentials, Error, SessionTokenMode, SignableBody, SignableRequest,
    SigningKey, SigningParams, SigningSettings,
};
use std::time::{Duration, SystemTime};
use time::macros::datetime;

const SECRET: &str = "PLANTED-SECRET-wJalrXUtnFEMI/K7MDENG+bPxRfiCY";
const TOKEN: &str = "PLANTED-TOKEN-IQoJb3JpZ2luX2VjEXAMPLE";
const BEARER: &str = "bedrock-api-key-PLANTED-BEARER-c2VjcmV0";
const URL: &str = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream";

fn params() -> SigningParams<'static> {
    SigningParams {
        region: "us-east-1",
        service: "bedrock",
        time: SystemTime::from(datetime!(2025-06-01 12:00:00 UTC)),
        settings: SigningSettings::default(),
    }
}

fn request<'a>(headers: &'a [(&'a str, &'a str)]) -> SignableRequest<'a> {
    SignableRequest {
        method: "POST",
        url: URL,
        headers,
        body: SignableBody::Bytes(b"{}"),
    }
}

fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, TOKEN, BEARER, "PLANTED"] {
        assert!(!text.contains(secret), "{what} leaks {secret:?}: {text}");
    }
}

#[test]
fn planted_secrets_appear_in_no_debug_display_or_error() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_string()));
    let bearer = BearerToken::new(BEARER);
    let key = SigningKey::derive(SECRET, params().time, "us-east-1", "bedrock");
    let key_hex = key.to_hex();
    assert_clean("Credentials", &format!("{creds:?} {creds:#?}"));
    assert_clean("BearerToken", &format!("{bearer:?} {bearer:#?}"));
    assert_clean(
        "Auth",
        &format!(
            "{:?} {:?}",
            Auth::SigV4(creds.clone()),
            Auth::Bearer(bearer.clone())
        ),
    );
    let key_debug = format!("{key:?} {key:#?}");
    assert_clean("SigningKey", &key_debug);
    assert!(
        !key_debug.contains(&key_hex),
        "SigningKey Debug shows the key"
    );

    // Outputs: the token is in the output headers (it must be sent) but not in their Debug.
    let headers = [("content-type", "application/json")];
    let out = sigv4::sign(&request(&headers), &params(), &creds).expect("sign");
    assert_eq!(out.header("x-amz-security-token"), Some(TOKEN));
    assert_clean("SigningOutput", &format!("{out:?}"));
    assert_clean(
        "redacted canonical request",
        &out.redacted_canonical_request(),
    );
    let presigned = sigv4::presign(
        &request(&headers),
        &params(),
        &creds,
        Duration::from_secs(60),
    )
    .expect("presign");
    assert_clean("PresignedOutput", &format!("{presigned:?}"));
    assert!(!format!("{presigned:?}").contains(&presigned.signature));
    let bearer_out = Auth::Bearer(bearer.clone())
        .sign(&request(&headers), &params())
        .expect("bearer");
    assert_clean("bearer SigningOutput", &format!("{bearer_out:?}"));

    // Errors caused by secret-bearing inputs show neither the input nor the secret.
    let bad_headers = [("x-api-key", "PLANTED-value\r\nInjected: yes")];
    let errors = [
        sigv4::sign(&request(&bad_headers), &params(), &creds).expect_err("CRLF"),
        sigv4::sign(
            &request(&headers),
            &params(),
            &Credentials::new("AKID", SECRET, Some(format!("{TOKEN}\n"))),
        )
        .expect_err("token with LF"),
        Auth::Bearer(BearerToken::new(format!("{BEARER}\r\n")))
            .sign(&request(&headers), &params())
            .expect_err("bearer with CRLF"),
        sigv4::sign_with_key(
            &request(&headers),
            &SigningParams {
                region: "eu-west-1",
                ..params()
            },
            "AKID",
            Some(TOKEN),
            &key,
        )
        .expect_err("scope"),
        sigv4::presign(
            &request(&headers),
            &params(),
            &creds,
            Duration::from_secs(0),
        )
        .expect_err("expiry"),
    ];
    for e in &errors {
        assert_clean("Error", &format!("{e} {e:?}"));
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None);
    let sign = |req: &SignableRequest<'_>| sigv4::sign(req, &params(), &creds);

    for (value, offset) in [
        ("a\r\nb", 1),
        ("a\nb", 1),
        ("\rx", 0),
        ("nul\0", 3),
        ("del\x7f", 3),
    ] {
        let headers = [("Accept", "*/*"), ("X-Thing", value)];
        assert_eq!(
            sign(&request(&headers)),
            Err(Error::InvalidHeaderValue {
                name: "x-thing".into(),
                offset
            }),
            "{value:?}"
        );
    }
    for (name, offset) in [("héader", 1), ("", 0), ("a b", 1), ("x:y", 1), ("ok\n", 2)] {
        let headers = [("accept", "*/*"), (name, "v")];
        assert_eq!(
            sign(&request(&headers)),
            Err(Error::InvalidHeaderName { index: 1, offset }),
            "{name:?}"
        );
    }
    for url in [
        "not a url",
        "/model/x/converse",
        "https://",
        "ftp://h/",
        "https://u:p@h/",
        "https://h/\r\n",
    ] {
        let req = SignableRequest {
            url,
            ..request(&[])
        };
        assert!(
            matches!(sign(&req), Err(Error::InvalidUrl { .. })),
            "{url:?}"
        );
    }
    let req = SignableRequest {
        method: "GET\r\n",
        ..request(&[])
    };
    assert_eq!(sign(&req), Err(Error::InvalidMethod));
    let req = SignableRequest {
        body: SignableBody::Precomputed("abc def"),
        ..request(&[])
    };
    assert_eq!(sign(&req), Err(Error::InvalidPayloadHash));
    let p = SigningParams {
        region: "us-east-1/x",
        ..params()
    };
    assert_eq!(
        sigv4::sign(&request(&[]), &p, &creds),
        Err(Error::InvalidScope { field: "region" })
    );
    let p = SigningParams {
        service: "",
        ..params()
    };
    assert_eq!(
        sigv4::sign(&request(&[]), &p, &creds),
        Err(Error::InvalidScope { field: "service" })
    );
    let p = SigningParams {
        time: SystemTime::from(datetime!(-0001-01-01 0:00 UTC)),
        ..params()
    };
    assert_eq!(
        sigv4::sign(&request(&[]), &p, &creds),
        Err(Error::TimeOutOfRange)
    );
    let bad_akid = Credentials::new("AKID/X", SECRET, None);
    assert_eq!(
        sigv4::sign(&request(&[]), &params(), &bad_akid),
        Err(Error::InvalidAccessKeyId)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Arbitrary input never panics: it signs or it is an error.
    #[test]
    fn arbitrary_input_never_panics(
        method in "\\PC{0,8}|[A-Z]{1,6}",
        url in "\\PC{0,40}|https?://[a-z.:\\[\\]0-9@]{0,20}(/\\PC{0,20})?(\\?\\PC{0,20})?(#\\PC{0,5})?",
        headers in prop::collection::vec((any::<String>(), any::<String>()), 0..5),
        body in prop::collection::vec(any::<u8>(), 0..64),
        hash in any::<String>(),
        token in proptest::option::of(any::<String>()),
        akid in any::<String>(),
        region in any::<String>(),
        ts in any::<i32>(),
        expires in any::<u64>(),
    ) {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let creds = Credentials::new(akid, "secret", token);
        let time = sigv4::civil::from_unix_parts(i64::from(ts) * 100, 0).expect("in range");
        let params = SigningParams { region: &region, service: "bedrock", time, settings: SigningSettings::default() };
        for body in [SignableBody::Bytes(&body), SignableBody::Precomputed(&hash), SignableBody::UnsignedPayload] {
            let req = SignableRequest { method: &method, url: &url, headers: &headers, body };
            let _ = sigv4::sign(&req, &params, &creds);
            let _ = sigv4::presign(&req, &params, &creds, Duration::from_secs(expires));
        }
        let _ = sigv4::parse_amz_date(&hash);
    }
}

#[test]
fn bearer_adds_exactly_one_authorization_header() {
    let auth = Auth::Bearer(BearerToken::new("bedrock-api-key-abc123"));
    let headers = [
        ("content-type", "application/json"),
        ("x-amz-date", "20250101T000000Z"),
    ];
    let out = auth.sign(&request(&headers), &params()).expect("bearer");
    assert_eq!(
        out.headers,
        vec![("authorization", "Bearer bedrock-api-key-abc123".to_string())]
    );
    assert!(
        out.signature.is_empty()
            && out.canonical_request.is_empty()
            && out.string_to_sign.is_empty()
    );
    assert_eq!(
        auth.bearer_header(),
        Some(Ok((
            "authorization",
            "Bearer bedrock-api-key-abc123".to_string()
        )))
    );
    assert_eq!(
        Auth::Bearer(BearerToken::new("")).sign(&request(&[]), &params()),
        Err(Error::InvalidBearerToken { offset: 0 })
    );
    let sigv4_auth = Auth::SigV4(Credentials::new("AKID", "secret", None));
    assert_eq!(sigv4_auth.bearer_header(), None);
    let out = sigv4_auth
        .sign(&request(&headers), &params())
        .expect("sigv4");
    let names: Vec<&str> = out.headers.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, ["x-amz-date", "authorization"]);
}

#[test]
fn cached_key_signs_identically_and_checks_its_scope() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_string()));
    let p = params();
    let key = SigningKey::derive(SECRET, p.time, "us-east-1", "bedrock");
    let headers = [("content-type", "application/json")];
    let fresh = sigv4::sign(&request(&headers), &p, &creds).expect("sign");
    let cached = sigv4::sign_with_key(&request(&headers), &p, "AKIDEXAMPLE", Some(TOKEN), &key)
        .expect("cached");
    assert_eq!(fresh, cached);
    // Later the same UTC day: same key.
    let later = SigningParams {
        time: SystemTime::from(datetime!(2025-06-01 23:59:59 UTC)),
        ..params()
    };
    assert!(sigv4::sign_with_key(&request(&headers), &later, "AKIDEXAMPLE", None, &key).is_ok());
    // 01:00 at +02:00 is the previous UTC day.
    let other_day = SigningParams {
        time: SystemTime::from(datetime!(2025-06-01 01:00 +02:00)),
        ..params()
    };
    assert_eq!(
        sigv4::sign_with_key(&request(&headers), &other_day, "AKIDEXAMPLE", None, &key),
        Err(Error::KeyScopeMismatch { field: "date" })
    );
    let other_service = SigningParams {
        service: "s3",
        ..params()
    };
    assert_eq!(
        sigv4::sign_with_key(
            &request(&headers),
            &other_service,
            "AKIDEXAMPLE",
            None,
            &key
        ),
        Err(Error::KeyScopeMismatch { field: "service" })
    );
    let presigned =
        sigv4::presign(&request(&headers), &p, &creds, Duration::from_secs(900)).expect("presign");
    let presigned_cached = sigv4::presign_with_key(
        &request(&headers),
        &p,
        "AKIDEXAMPLE",
        Some(TOKEN),
        &key,
        Duration::from_secs(900),
    )
    .expect("presign cached");
    assert_eq!(presigned, presigned_cached);
}

#[test]
fn settings_do_what_they_say() {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("tok".into()));
    let headers = [
        ("Content-Type", "application/json"),
        ("User-Agent", "ua"),
        ("X-Amzn-Trace-Id", "Root=1"),
        ("Transfer-Encoding", "chunked"),
        ("Authorization", "stale"),
        ("X-Custom", "  a   b  "),
    ];
    let out = sigv4::sign(&request(&headers), &params(), &creds).expect("sign");
    assert!(out.canonical_request.ends_with(
        "\ncontent-type:application/json\nhost:bedrock-runtime.us-east-1.amazonaws.com\nx-amz-date:20250601T120000Z\nx-amz-security-token:tok\nx-custom:a b\n\ncontent-type;host;x-amz-date;x-amz-security-token;x-custom\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    ));
    assert!(out.canonical_request.starts_with(
        "POST\n/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n\n"
    ));

    let custom = SigningSettings {
        double_encode_path: false,
        session_token: SessionTokenMode::AttachAfterSigning,
        content_sha256_header: true,
        excluded_headers: vec!["X-CUSTOM".into()],
        ..SigningSettings::default()
    };
    let p = SigningParams {
        settings: custom,
        ..params()
    };
    let out = sigv4::sign(&request(&headers), &p, &creds).expect("sign");
    assert!(out.canonical_request.starts_with(
        "POST\n/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream\n\n"
    ));
    assert!(out.canonical_request.contains(
        "\n\nauthorization;content-type;host;transfer-encoding;user-agent;x-amz-content-sha256;x-amz-date;x-amzn-trace-id\n"
    ));
    assert_eq!(out.header("x-amz-security-token"), Some("tok"));
    assert_eq!(
        out.header("x-amz-content-sha256"),
        Some("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    );
}

#[test]
fn credentials_remember_their_key_without_changing_any_signature() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Credentials>();
    assert_send_sync::<SigningKey>();

    let reused = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_string()));
    let headers = [("content-type", "application/json")];
    let scopes = [
        (
            "us-east-1",
            "bedrock",
            SystemTime::from(datetime!(2025-06-01 12:00 UTC)),
        ),
        (
            "us-east-1",
            "bedrock",
            SystemTime::from(datetime!(2025-06-01 18:00 UTC)),
        ),
        (
            "us-east-1",
            "bedrock",
            SystemTime::from(datetime!(2025-06-02 00:00 UTC)),
        ),
        (
            "us-west-2",
            "bedrock",
            SystemTime::from(datetime!(2025-06-02 00:00 UTC)),
        ),
        (
            "us-west-2",
            "s3",
            SystemTime::from(datetime!(2025-06-02 00:00 UTC)),
        ),
        (
            "us-east-1",
            "bedrock",
            SystemTime::from(datetime!(2025-06-01 12:00 UTC)),
        ),
    ];
    for (region, service, time) in scopes {
        let p = SigningParams {
            region,
            service,
            time,
            settings: SigningSettings::default(),
        };
        let fresh = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_string()));
        let want = sigv4::sign(&request(&headers), &p, &fresh).expect("fresh");
        assert_eq!(
            sigv4::sign(&request(&headers), &p, &reused).expect("reused"),
            want
        );
        assert_eq!(
            sigv4::sign(&request(&headers), &p, &reused.clone()).expect("clone"),
            want
        );
        let key = SigningKey::derive(SECRET, time, region, service);
        let with_key =
            sigv4::sign_with_key(&request(&headers), &p, "AKIDEXAMPLE", Some(TOKEN), &key);
        assert_eq!(with_key.expect("key"), want);
    }
    // Equality ignores the remembered key.
    assert_eq!(
        reused,
        Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN.to_string()))
    );
}

#[test]
fn presigned_urls_append_parameters_after_any_query_and_before_the_fragment() {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("to+k/en=".into()));
    let p = SigningParams {
        service: "bedrock",
        ..params()
    };
    for (url, prefix, suffix) in [
        (
            "https://bedrock.amazonaws.com/",
            "https://bedrock.amazonaws.com/?X-Amz-Algorithm=",
            "",
        ),
        (
            "https://bedrock.amazonaws.com/?",
            "https://bedrock.amazonaws.com/?X-Amz-Algorithm=",
            "",
        ),
        (
            "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
            "https://bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=",
            "",
        ),
        ("https://h/p?a=1&", "https://h/p?a=1&X-Amz-Algorithm=", ""),
        ("https://h/p#frag", "https://h/p?X-Amz-Algorithm=", "#frag"),
    ] {
        let req = SignableRequest {
            method: "GET",
            url,
            headers: &[],
            body: SignableBody::Bytes(b""),
        };
        let out = sigv4::presign(&req, &p, &creds, Duration::from_secs(43_200)).expect("presign");
        assert!(out.url.starts_with(prefix), "{url}: {}", out.url);
        assert!(out.url.ends_with(suffix), "{url}: {}", out.url);
        assert!(out.url.contains("&X-Amz-Expires=43200&"), "{}", out.url);
        // The token is encoded in the URL, and signed (it is in the canonical query).
        assert!(
            out.url.contains("&X-Amz-Security-Token=to%2Bk%2Fen%3D&"),
            "{}",
            out.url
        );
        assert!(
            out.canonical_request
                .contains("X-Amz-Security-Token=to%2Bk%2Fen%3D")
        );
        let signature_param = format!("&X-Amz-Signature={}", out.signature);
        assert!(out.url.trim_end_matches(suffix).ends_with(&signature_param));
        let names: Vec<&str> = out.params.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            names,
            [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Date",
                "X-Amz-Expires",
                "X-Amz-SignedHeaders",
                "X-Amz-Security-Token",
                "X-Amz-Signature"
            ]
        );
    }
}

#[test]
fn with_every_header_excluded_the_header_block_is_empty() {
    let settings = SigningSettings {
        excluded_headers: vec!["host".into(), "x-amz-date".into(), "content-type".into()],
        ..SigningSettings::default()
    };
    let p = SigningParams {
        settings,
        ..params()
    };
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None);
    let headers = [("content-type", "application/json")];
    let out = sigv4::sign(&request(&headers), &p, &creds).expect("sign");
    assert_eq!(
        out.canonical_request,
        "POST\n/model/us.anthropic.claude-sonnet-4-20250514-v1%253A0/converse-stream\n\n\n\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    );
}
