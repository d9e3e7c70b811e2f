//! The replay server behaves like Bedrock on loopback: it checks signatures as AWS does, answers
//! from fixtures, and injects the faults it is told to. Driven here with the sigv4 crate and a
//! plain reqwest client, independently of the bedrock-wire client.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bedrock_wire::clock::ManualClock;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    Operation, ReplayAuth, ReplayConfig, ReplayServer,
};
use serde_json::json;

fn http() -> reqwest::Client {
    bedrock_wire::client::http_client_builder()
        .unwrap()
        .build()
        .unwrap()
}

fn fixed_now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_790_000_000)
}

struct Signed {
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn sign(endpoint: &str, path: &str, body: &[u8], secret: &str, at: SystemTime) -> Signed {
    let url = format!("{endpoint}{path}");
    let creds = sigv4::Credentials::new(DEMO_ACCESS_KEY_ID, secret, None);
    let base = [("content-type", "application/json")];
    let out = sigv4::sign(
        &sigv4::SignableRequest {
            method: "POST",
            url: &url,
            headers: &base,
            body: sigv4::SignableBody::Bytes(body),
        },
        &sigv4::SigningParams {
            region: "us-east-1",
            service: "bedrock",
            time: at,
            settings: bedrock_wire::crypto::signing_settings(),
        },
        &creds,
    )
    .unwrap();
    let mut headers: Vec<(String, String)> = base
        .iter()
        .map(|(n, v)| ((*n).to_string(), (*v).to_string()))
        .collect();
    headers.extend(out.headers.into_iter().map(|(n, v)| (n.to_string(), v)));
    Signed {
        url,
        headers,
        body: body.to_vec(),
    }
}

async fn send(s: &Signed) -> reqwest::Result<reqwest::Response> {
    let mut req = http().post(&s.url).body(s.body.clone());
    for (n, v) in &s.headers {
        req = req.header(n, v);
    }
    req.send().await
}

fn config(exchanges: Vec<Exchange>) -> ReplayConfig {
    ReplayConfig {
        exchanges,
        clock: Arc::new(ManualClock::new(fixed_now())),
        ..ReplayConfig::default()
    }
}

fn hello(faults: Faults) -> Exchange {
    Exchange {
        name: "hello".into(),
        matcher: Matcher {
            operation: Some(Operation::Converse),
            model: Some("us.amazon.nova-micro-v1:0".into()),
            body: None,
        },
        response: CannedResponse::json(&json!({"hello": "world"})),
        faults,
    }
}

const PATH: &str = "/model/us.amazon.nova-micro-v1%3A0/converse";

#[tokio::test]
async fn a_correct_signature_gets_the_fixture() {
    let server = ReplayServer::start(config(vec![hello(Faults::default())]))
        .await
        .unwrap();
    let resp = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("x-amzn-requestid"));
    assert!(resp.headers().contains_key("date"));
    assert_eq!(resp.text().await.unwrap(), r#"{"hello":"world"}"#);
    let log = server.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].fixture.as_deref(), Some("hello"));
    assert_eq!(
        log[0].operation,
        Some((Operation::Converse, "us.amazon.nova-micro-v1:0".to_string()))
    );
}

#[tokio::test]
async fn a_wrong_signature_gets_invalid_signature_exception() {
    let server = ReplayServer::start(config(vec![hello(Faults::default())]))
        .await
        .unwrap();
    let resp = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        "not-the-secret",
        fixed_now(),
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 403);
    let kind = resp.headers()["x-amzn-errortype"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(kind.starts_with("InvalidSignatureException"), "{kind}");
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("does not match"), "{message}");
    // The server tells what it expected: the canonical path double-encoded.
    assert!(message.contains("nova-micro-v1%253A0"), "{message}");

    // A body changed after signing also fails.
    let mut tampered = sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    );
    tampered.body = b"{ }".to_vec();
    assert_eq!(send(&tampered).await.unwrap().status(), 403);
    assert_eq!(server.requests()[1].fixture, None);
}

#[tokio::test]
async fn a_wrong_path_is_an_unknown_operation() {
    let server = ReplayServer::start(config(vec![hello(Faults::default())]))
        .await
        .unwrap();
    for path in [
        "/model/a/b/converse",
        "/model/x/chat",
        "/v1/chat/completions",
    ] {
        let resp = send(&sign(
            &server.endpoint(),
            path,
            b"{}",
            DEMO_SECRET_ACCESS_KEY,
            fixed_now(),
        ))
        .await
        .unwrap();
        assert_eq!(resp.status(), 404, "{path}");
        let body = resp.text().await.unwrap();
        assert!(body.contains("UnknownOperationException"), "{body}");
    }
}

#[tokio::test]
async fn skewed_clocks_get_a_403_with_the_server_date() {
    let server = ReplayServer::start(config(vec![hello(Faults::default())]))
        .await
        .unwrap();
    let behind = fixed_now() - Duration::from_secs(15 * 60);
    let resp = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        behind,
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 403);
    let date = resp.headers()["date"].to_str().unwrap().to_string();
    assert_eq!(date, bedrock_wire::replay::http_date(fixed_now()));
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Signature expired")
    );

    let ahead = fixed_now() + Duration::from_secs(15 * 60);
    let resp = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        ahead,
    ))
    .await
    .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Signature not yet current")
    );

    // Four minutes off is inside the window.
    let close = fixed_now() - Duration::from_secs(4 * 60);
    let resp = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        close,
    ))
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn bearer_keys_are_checked() {
    let server = ReplayServer::start(ReplayConfig {
        auth: ReplayAuth::Bearer("bedrock-api-key-good".into()),
        ..config(vec![hello(Faults::default())])
    })
    .await
    .unwrap();
    let url = format!("{}{PATH}", server.endpoint());
    let ok = http()
        .post(&url)
        .bearer_auth("bedrock-api-key-good")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let bad = http()
        .post(&url)
        .bearer_auth("not-a-key")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 403);
    let body = bad.text().await.unwrap();
    assert!(body.contains("Invalid API Key format"), "{body}");
}

#[tokio::test]
async fn throttles_then_fails_then_answers() {
    let server = ReplayServer::start(config(vec![hello(Faults {
        throttle_first: 2,
        fail_first: 1,
        fail_status: Some(503),
        ..Faults::default()
    })]))
    .await
    .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let resp = send(&sign(
            &server.endpoint(),
            PATH,
            b"{}",
            DEMO_SECRET_ACCESS_KEY,
            fixed_now(),
        ))
        .await
        .unwrap();
        let kind = resp
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.to_str().unwrap().split(':').next().unwrap().to_string());
        statuses.push((resp.status().as_u16(), kind));
    }
    assert_eq!(
        statuses,
        vec![
            (429, Some("ThrottlingException".into())),
            (429, Some("ThrottlingException".into())),
            (503, Some("ServiceUnavailableException".into())),
            (200, None),
        ]
    );
}

#[tokio::test]
async fn resets_before_the_response() {
    let server = ReplayServer::start(config(vec![hello(Faults {
        reset_before_response_first: 1,
        ..Faults::default()
    })]))
    .await
    .unwrap();
    let first = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await;
    assert!(first.is_err(), "{first:?}");
    let second = send(&sign(
        &server.endpoint(),
        PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    assert_eq!(second.status(), 200);
    assert_eq!(server.requests()[0].status, None);
}

fn stream_exchange(faults: Faults) -> (Exchange, Vec<u8>) {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/bedrock-captures/extracted/test_bedrock_model_stream.eventstream"),
    )
    .unwrap();
    (
        Exchange {
            name: "stream".into(),
            matcher: Matcher {
                operation: Some(Operation::ConverseStream),
                ..Matcher::default()
            },
            response: CannedResponse::event_stream(bytes.clone()),
            faults,
        },
        bytes,
    )
}

const STREAM_PATH: &str = "/model/us.amazon.nova-micro-v1%3A0/converse-stream";

#[tokio::test]
async fn streams_in_small_chunks_byte_exact() {
    let (exchange, bytes) = stream_exchange(Faults {
        chunk_size: Some(13),
        chunk_delay_ms: 0,
        ..Faults::default()
    });
    let server = ReplayServer::start(config(vec![exchange])).await.unwrap();
    let mut resp = send(&sign(
        &server.endpoint(),
        STREAM_PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    assert_eq!(
        resp.headers()["content-type"],
        "application/vnd.amazon.eventstream"
    );
    let mut got = Vec::new();
    let mut reads = 0;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        got.extend_from_slice(&chunk);
        reads += 1;
    }
    assert_eq!(got, bytes);
    assert!(reads > 1);
}

#[tokio::test]
async fn truncates_and_resets_streams() {
    let (exchange, bytes) = stream_exchange(Faults {
        truncate_tail_bytes: Some(5),
        ..Faults::default()
    });
    let server = ReplayServer::start(config(vec![exchange])).await.unwrap();
    let resp = send(&sign(
        &server.endpoint(),
        STREAM_PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    let body = resp.bytes().await.unwrap();
    assert_eq!(&body[..], &bytes[..bytes.len() - 5]);

    let (exchange, bytes) = stream_exchange(Faults {
        reset_after_bytes: Some(100),
        ..Faults::default()
    });
    let server = ReplayServer::start(config(vec![exchange])).await.unwrap();
    let mut resp = send(&sign(
        &server.endpoint(),
        STREAM_PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    let mut got = Vec::new();
    let end = loop {
        match resp.chunk().await {
            Ok(Some(c)) => got.extend_from_slice(&c),
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    assert!(end.is_err(), "a reset stream must not end cleanly");
    assert_eq!(&got[..], &bytes[..100]);
}

#[tokio::test]
async fn bundled_fixtures_load_and_match_by_specificity() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/replay");
    let mut config = ReplayConfig::from_fixtures(&dir).unwrap();
    config.clock = Arc::new(ManualClock::new(fixed_now()));
    assert!(config.exchanges.len() >= 20);
    let server = ReplayServer::start(config).await.unwrap();
    let endpoint = server.endpoint();
    // The Nova capture is claimed by its model id...
    send(&sign(
        &endpoint,
        STREAM_PATH,
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    // ...any other model's stream falls through to the demo.
    send(&sign(
        &endpoint,
        "/model/some.other-model-v1%3A0/converse-stream",
        b"{}",
        DEMO_SECRET_ACCESS_KEY,
        fixed_now(),
    ))
    .await
    .unwrap();
    let names: Vec<Option<String>> = server.requests().into_iter().map(|r| r.fixture).collect();
    assert_eq!(
        names,
        vec![Some("capture-nova-text".into()), Some("demo-stream".into())]
    );
}
