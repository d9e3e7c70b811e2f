//! Issue 9, faults: the real client against the loopback replay server with injected faults, each
//! with its expected outcome asserted. Rows already covered elsewhere are listed in the README's
//! reliability table (tests/client_replay.rs, tests/client_stream.rs,
//! tests/credentials_sources.rs); this file adds only what they do not assert.
//!
//! Every call that could hang is wrapped in [`guard`], a hang detector (a generous 30 s), not a
//! speed assertion. The one time bound under test is the idle timeout
//! ([`stall_longer_than_the_idle_timeout_ends_the_stream_in_time`]).

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Client, ClientBuilder, Env};
use bedrock_wire::clock::{Clock, ManualClock, SystemClock};
use bedrock_wire::error::{Error, ErrorKind};
use bedrock_wire::model::{BlockDelta, ChatRequest, StreamEvent};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayAuth, ReplayConfig, ReplayServer,
};
use bedrock_wire::retry::RetryConfig;
use bedrock_wire::stream::ConverseStream;
use eventstream::{HeaderValue, Message};
use support::{TempDir, rfc3339_after, t0};

const MODEL: &str = "us.amazon.nova-micro-v1:0";

/// The hang detector: a call that does not finish within 30 s is a hang, not a slow machine.
async fn guard<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .unwrap_or_else(|_elapsed| panic!("{what}: hung (no outcome within 30 s)"))
}

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/replay")
        .join(name)
}

fn fixture(name: &str) -> Exchange {
    Exchange::from_dir(&fixture_dir(name)).expect("fixture")
}

fn expected(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(fixture_dir(name).join("expected.json")).expect("expected");
    serde_json::from_str(&text).expect("json")
}

fn demo_stream() -> Vec<u8> {
    std::fs::read(fixture_dir("demo-stream").join("response.eventstream")).expect("demo stream")
}

fn demo_text() -> String {
    expected("demo-stream")["text"]
        .as_str()
        .expect("text")
        .to_owned()
}

/// Byte offsets where each frame of an Event Stream body ends.
fn frame_ends(bytes: &[u8]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut at = 0usize;
    while at + 4 <= bytes.len() {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        at += usize::try_from(len).expect("fits");
        ends.push(at);
    }
    assert_eq!(at, bytes.len(), "the fixture is whole frames");
    ends
}

fn exchange(response: CannedResponse, faults: Faults) -> Exchange {
    Exchange {
        name: "fault".into(),
        matcher: Matcher::default(),
        response,
        faults,
    }
}

async fn server(exchanges: Vec<Exchange>) -> ReplayServer {
    ReplayServer::start(ReplayConfig {
        exchanges,
        ..ReplayConfig::default()
    })
    .await
    .expect("replay server")
}

fn fast_retries() -> RetryConfig {
    RetryConfig {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryConfig::default()
    }
}

fn builder(endpoint: String) -> ClientBuilder {
    Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(endpoint)
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .retry_config(fast_retries())
        .retry_seed(9)
        .cross_region_inference(false)
}

fn chat(model: &str) -> ChatRequest {
    ChatRequest::new(model).user("Explain quantum computing")
}

fn statuses(s: &ReplayServer) -> Vec<Option<u16>> {
    s.requests().iter().map(|r| r.status).collect()
}

/// Reads a stream to its end: the text delivered, and the error that ended it (if any).
async fn drain(stream: &mut ConverseStream) -> (String, usize, Option<Error>) {
    let mut text = String::new();
    let mut events = 0;
    loop {
        match stream.next().await {
            Some(Ok(event)) => {
                events += 1;
                if let StreamEvent::BlockDelta {
                    delta: BlockDelta::Text { text: t },
                    ..
                } = event
                {
                    text.push_str(&t);
                }
            }
            Some(Err(e)) => {
                assert!(
                    stream.next().await.is_none(),
                    "nothing follows the error that ended the stream"
                );
                return (text, events, Some(e));
            }
            None => return (text, events, None),
        }
    }
}

#[allow(clippy::needless_pass_by_value)]
fn event(kind: &str, payload: serde_json::Value) -> Vec<u8> {
    Message::new(payload.to_string().into_bytes())
        .with_header(":event-type", HeaderValue::string(kind))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("event"))
        .to_bytes()
        .expect("encode")
}

// ---------------------------------------------------------------------------------------------
// Throttling and transient service errors

#[tokio::test]
async fn throttling_beyond_the_attempt_limit_fails_after_exactly_that_many_attempts() {
    for attempts in [1u32, 2, 4] {
        let s = server(vec![exchange(
            CannedResponse::json(&serde_json::json!({})),
            Faults {
                throttle_first: 100,
                ..Faults::default()
            },
        )])
        .await;
        let client = builder(s.endpoint())
            .max_attempts(attempts)
            .build()
            .expect("client");
        let err = guard("throttled", client.converse(&chat(MODEL)))
            .await
            .expect_err("always throttled");
        assert_eq!(err.kind(), ErrorKind::Service, "{err}");
        assert_eq!(err.status(), Some(429));
        assert_eq!(err.code(), Some("ThrottlingException"));
        assert!(err.is_throttling() && err.is_retryable(), "{err}");
        assert_eq!(
            statuses(&s),
            vec![Some(429); attempts as usize],
            "exactly {attempts} attempts"
        );
    }
}

#[tokio::test]
async fn server_errors_500_503_and_model_not_ready_are_retried_to_success() {
    for (status, code) in [
        (500u16, "InternalServerException"),
        (503, "ServiceUnavailableException"),
        (429, "ModelNotReadyException"),
    ] {
        let s = server(vec![exchange(
            CannedResponse::json(&serde_json::json!({
                "output": {"message": {"role": "assistant", "content": [{"text": "recovered"}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}
            })),
            Faults {
                fail_first: 2,
                fail_status: Some(status),
                ..Faults::default()
            },
        )])
        .await;
        let client = builder(s.endpoint()).build().expect("client");
        let reply = guard(code, client.converse(&chat(MODEL)))
            .await
            .unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(reply.text(), "recovered", "{code}");
        assert_eq!(
            statuses(&s),
            [Some(status), Some(status), Some(200)],
            "{code}"
        );

        // One attempt only: the same fault comes back as a typed, retryable error.
        let s = server(vec![exchange(
            CannedResponse::json(&serde_json::json!({})),
            Faults {
                fail_first: 1,
                fail_status: Some(status),
                ..Faults::default()
            },
        )])
        .await;
        let client = builder(s.endpoint())
            .max_attempts(1)
            .build()
            .expect("client");
        let err = guard(code, client.converse(&chat(MODEL)))
            .await
            .expect_err("one attempt");
        assert_eq!(err.kind(), ErrorKind::Service);
        assert_eq!((err.status(), err.code()), (Some(status), Some(code)));
        assert!(err.is_retryable(), "{code}");
        assert_eq!(s.request_count(), 1);
    }
}

#[tokio::test]
async fn access_denied_is_not_retried_and_is_typed() {
    let s = server(vec![fixture("error-access-denied")]).await;
    let want = &expected("error-access-denied")["error"];
    let client = builder(s.endpoint())
        .max_attempts(5)
        .build()
        .expect("client");
    let err = guard(
        "access denied",
        client.converse(&chat("replay.error.access-denied")),
    )
    .await
    .expect_err("denied");
    assert_eq!(s.request_count(), 1, "a 403 is never retried");
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.code(), want["code"].as_str());
    assert_eq!(err.message(), want["message"].as_str().expect("message"));
    assert!(err.is_access_denied() && !err.is_retryable() && !err.is_throttling());
}

// ---------------------------------------------------------------------------------------------
// Broken, malformed and stalled streams

#[tokio::test]
async fn reset_mid_stream_delivers_the_events_before_it_then_a_transport_error_without_retry() {
    let body = demo_stream();
    let ends = frame_ends(&body);
    assert!(ends.len() > 6);
    // Cut in the middle of the sixth frame: five whole frames (and their events) went out.
    let cut = ends[4] + (ends[5] - ends[4]) / 2;
    let s = server(vec![exchange(
        CannedResponse::event_stream(body),
        Faults {
            reset_after_bytes: Some(cut),
            // A pause after the fifth frame lets the client read it before the RST (a kernel may
            // drop unread bytes when a reset arrives).
            stall_after_bytes: Some(ends[4]),
            stall_ms: 200,
            chunk_size: Some(64),
            ..Faults::default()
        },
    )])
    .await;
    let client = builder(s.endpoint())
        .max_attempts(5)
        .build()
        .expect("client");
    let mut stream = guard("open", client.converse_stream(&chat(MODEL)))
        .await
        .expect("open");
    let (text, events, err) = guard("reset stream", drain(&mut stream)).await;
    let err = err.expect("a reset stream never ends as a success");
    assert!(
        events >= 3,
        "the events before the cut are delivered ({events})"
    );
    assert!(
        !text.is_empty() && demo_text().starts_with(&text),
        "{text:?}"
    );
    assert!(text.len() < demo_text().len());
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.response_started() && !err.is_retryable(), "{err}");
    assert!(
        err.to_string().contains("stream broke after"),
        "the error says the stream was cut: {err}"
    );
    assert_eq!(
        s.request_count(),
        1,
        "events had reached the caller: no retry"
    );
}

#[tokio::test]
async fn truncated_final_frame_and_missing_message_stop_are_decode_errors() {
    let s = server(vec![
        fixture("stream-truncated-frame"),
        fixture("stream-no-message-stop"),
    ])
    .await;
    let client = builder(s.endpoint())
        .max_attempts(3)
        .build()
        .expect("client");
    for (name, model) in [
        ("stream-truncated-frame", "replay.truncated"),
        ("stream-no-message-stop", "replay.no-stop"),
    ] {
        let before = s.request_count();
        let want = expected(name);
        let mut stream = guard(name, client.converse_stream(&chat(model)))
            .await
            .expect("open");
        let (text, _, err) = guard(name, drain(&mut stream)).await;
        let err = err.unwrap_or_else(|| panic!("{name}: ended as a success"));
        assert_eq!(err.kind(), ErrorKind::Decode, "{name}: {err}");
        if let Some(t) = want["text_before_error"].as_str() {
            assert_eq!(text, t, "{name}");
        }
        assert_eq!(
            s.request_count(),
            before + 1,
            "{name}: decode errors are final"
        );
    }
}

/// `(what, bytes)`: a good `messageStart` frame followed by a frame corrupted in `what`.
fn bad_crc_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let start = event("messageStart", serde_json::json!({"role": "assistant"}));
    let delta = event(
        "contentBlockDelta",
        serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "corrupt"}}),
    );
    let mut payload_flip = delta.clone();
    let i = payload_flip.len() - 10; // inside the payload: the message CRC no longer matches
    payload_flip[i] ^= 0x20;
    let mut message_crc = delta.clone();
    let last = message_crc.len() - 1;
    message_crc[last] ^= 0x01;
    let mut prelude_crc = delta;
    prelude_crc[9] ^= 0x01; // bytes 8..12 are the prelude CRC
    [
        ("payload byte flipped", payload_flip),
        ("message CRC flipped", message_crc),
        ("prelude CRC flipped", prelude_crc),
    ]
    .into_iter()
    .map(|(what, bad)| {
        let mut body = start.clone();
        body.extend_from_slice(&bad);
        (what, body)
    })
    .collect()
}

#[tokio::test]
async fn a_frame_with_a_bad_crc_is_a_decode_error_never_a_success() {
    for (what, body) in bad_crc_bodies() {
        let s = server(vec![exchange(
            CannedResponse::event_stream(body),
            Faults::default(),
        )])
        .await;
        let client = builder(s.endpoint())
            .max_attempts(3)
            .build()
            .expect("client");
        let mut stream = guard(what, client.converse_stream(&chat(MODEL)))
            .await
            .expect("open");
        let (text, _, err) = guard(what, drain(&mut stream)).await;
        let err = err.unwrap_or_else(|| panic!("{what}: ended as a success"));
        assert_eq!(err.kind(), ErrorKind::Decode, "{what}: {err}");
        assert!(
            err.to_string().to_ascii_lowercase().contains("crc")
                || err.to_string().contains("checksum"),
            "{what}: the error names the checksum: {err}"
        );
        assert!(
            text.is_empty(),
            "{what}: the corrupt delta is never delivered"
        );
        assert_eq!(s.request_count(), 1, "{what}: not retried");
    }
}

#[tokio::test]
async fn json_where_frames_were_expected_is_a_typed_error() {
    // A 4xx JSON error on the streaming endpoint: the service error, not a frame decode.
    let s = server(vec![fixture("error-stream-json-body")]).await;
    let want = &expected("error-stream-json-body")["error"];
    let client = builder(s.endpoint())
        .max_attempts(3)
        .build()
        .expect("client");
    let err = guard(
        "json error",
        client.converse_stream(&chat("replay.error.stream-json-body")),
    )
    .await
    .expect_err("error status");
    assert_eq!(err.kind(), ErrorKind::Service, "{err}");
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), want["code"].as_str());
    assert_eq!(err.message(), want["message"].as_str().expect("message"));
    assert_eq!(s.request_count(), 1);

    // A 200 that claims to be an event stream but carries a JSON document.
    let s = server(vec![exchange(
        CannedResponse::event_stream(
            serde_json::json!({"output": {"message": {"role": "assistant", "content": [{"text": "not frames"}]}}})
                .to_string()
                .into_bytes(),
        ),
        Faults::default(),
    )])
    .await;
    let client = builder(s.endpoint())
        .max_attempts(3)
        .build()
        .expect("client");
    let mut stream = guard("json body", client.converse_stream(&chat(MODEL)))
        .await
        .expect("open");
    let (text, events, err) = guard("json body", drain(&mut stream)).await;
    let err = err.expect("JSON bytes are never a successful stream");
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    assert_eq!((text.as_str(), events), ("", 0));
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn stall_longer_than_the_idle_timeout_ends_the_stream_in_time() {
    let body = demo_stream();
    let ends = frame_ends(&body);
    let idle = Duration::from_millis(300);
    let s = server(vec![exchange(
        CannedResponse::event_stream(body),
        Faults {
            stall_after_bytes: Some(ends[3]),
            stall_ms: 20_000,
            ..Faults::default()
        },
    )])
    .await;
    let client = builder(s.endpoint())
        .stream_idle_timeout(idle)
        .max_attempts(3)
        .build()
        .expect("client");
    let mut stream = guard("open", client.converse_stream(&chat(MODEL)))
        .await
        .expect("open");
    let started = SystemClock.instant();
    let (text, events, err) = guard("stalled stream", drain(&mut stream)).await;
    let elapsed = SystemClock.instant().duration_since(started);
    let err = err.expect("a stalled stream ends with an error");
    assert!(err.is_timeout(), "{err}");
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(events > 0 && demo_text().starts_with(&text));
    // The behaviour under test: the stream ends about `idle` after the last byte, not when the
    // server resumes 20 s later. The margin is generous for a loaded machine.
    assert!(
        elapsed >= idle && elapsed < Duration::from_secs(3),
        "ended after {elapsed:?} (idle timeout {idle:?})"
    );
    assert_eq!(s.request_count(), 1, "no retry after events were delivered");
}

#[tokio::test]
async fn every_exception_frame_type_mid_stream_is_a_typed_error_with_type_and_message() {
    let names = [
        "exception-error-frame",
        "exception-internalServerException",
        "exception-modelStreamErrorException",
        "exception-serviceUnavailableException",
        "exception-throttlingException",
        "exception-validationException",
    ];
    let s = server(names.iter().map(|n| fixture(n)).collect()).await;
    let client = builder(s.endpoint())
        .max_attempts(5)
        .build()
        .expect("client");
    for name in names {
        let want = expected(name);
        let model = serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(fixture_dir(name).join("request.json")).expect("request"),
        )
        .expect("json")["model"]
            .as_str()
            .expect("model")
            .to_owned();
        let before = s.request_count();
        let mut stream = guard(name, client.converse_stream(&chat(&model)))
            .await
            .expect("open");
        let (text, _, err) = guard(name, drain(&mut stream)).await;
        let err = err.unwrap_or_else(|| panic!("{name}: ended as a success"));
        assert_eq!(
            text,
            want["text_before_error"].as_str().expect("text"),
            "{name}"
        );
        assert_eq!(err.kind(), ErrorKind::StreamException, "{name}: {err}");
        let ty = want["error"]["type"].as_str().expect("type");
        assert!(
            err.code().is_some_and(|c| c.eq_ignore_ascii_case(ty)),
            "{name}: code {:?}, want {ty}",
            err.code()
        );
        let message = want["error"]["message"].as_str().expect("message");
        assert!(err.message().contains(message), "{name}: {err}");
        assert!(err.to_string().contains(message), "{name}: {err}");
        assert_eq!(
            s.request_count(),
            before + 1,
            "{name}: events had been delivered, no retry"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// A `credential_process` script that counts its runs and hands out the demo key: the first
/// credentials expire 10 minutes after t0, the later ones 2 hours after.
fn expiring_process(dir: &TempDir) -> PathBuf {
    let count = dir.path().join("count");
    let script = format!(
        "#!/bin/sh\nn=$(cat '{count}' 2>/dev/null | wc -l)\necho run >> '{count}'\n\
         if [ \"$n\" -eq 0 ]; then exp='{first}'; else exp='{later}'; fi\n\
         printf '{{\"Version\":1,\"AccessKeyId\":\"{ak}\",\"SecretAccessKey\":\"{sk}\",\"SessionToken\":\"{tok}\",\"Expiration\":\"%s\"}}' \"$exp\"\n",
        count = count.display(),
        first = rfc3339_after(600),
        later = rfc3339_after(7200),
        ak = DEMO_ACCESS_KEY_ID,
        sk = DEMO_SECRET_ACCESS_KEY,
        tok = SESSION_TOKEN,
    );
    let path = dir.write("creds.sh", script);
    dir.write(
        "config",
        format!("[default]\ncredential_process = sh '{}'\n", path.display()),
    )
}

const SESSION_TOKEN: &str = "replay-session-token";

fn runs(dir: &TempDir) -> usize {
    std::fs::read_to_string(dir.path().join("count")).map_or(0, |s| s.lines().count())
}

#[tokio::test]
async fn credentials_that_expire_between_two_calls_are_refreshed() {
    let dir = TempDir::new("expiring-creds");
    let config = expiring_process(&dir);
    let clock = ManualClock::new(t0());
    let s = ReplayServer::start(ReplayConfig {
        auth: ReplayAuth::SigV4 {
            access_key_id: DEMO_ACCESS_KEY_ID.into(),
            secret_access_key: DEMO_SECRET_ACCESS_KEY.into(),
            session_token: Some(SESSION_TOKEN.into()),
        },
        exchanges: vec![fixture("demo-converse")],
        clock: Arc::new(clock.clone()),
        ..ReplayConfig::default()
    })
    .await
    .expect("server");
    let env = Env::empty()
        .with_var("AWS_CONFIG_FILE", config.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .with_var("AWS_EC2_METADATA_DISABLED", "true");
    let client = Client::builder()
        .env(env)
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .clock(Arc::new(clock.clone()))
        .retry_config(fast_retries())
        .cross_region_inference(false)
        .build()
        .expect("client");
    let model = "amazon.nova-micro-v1:0";
    guard("first call", client.converse(&chat(model)))
        .await
        .expect("first call");
    assert_eq!(runs(&dir), 1);
    // Still valid 4 minutes later (more than the 5-minute refresh margin left): no load.
    clock.advance(Duration::from_secs(4 * 60));
    guard("cached", client.converse(&chat(model)))
        .await
        .expect("cached credentials");
    assert_eq!(runs(&dir), 1, "valid credentials are not reloaded");
    // 20 minutes after t0 the first credentials have expired: the next call loads new ones and
    // succeeds with them.
    clock.advance(Duration::from_secs(16 * 60));
    guard("after expiry", client.converse(&chat(model)))
        .await
        .expect("the call after expiry succeeds with refreshed credentials");
    assert_eq!(runs(&dir), 2, "expired credentials were refreshed once");
    clock.advance(Duration::from_secs(10 * 60));
    guard("refreshed", client.converse(&chat(model)))
        .await
        .expect("the refreshed credentials are cached");
    assert_eq!(runs(&dir), 2);
    assert_eq!(statuses(&s), [Some(200); 4]);
    let dates: Vec<String> = s
        .requests()
        .iter()
        .map(|r| r.request.header("x-amz-date").unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        dates,
        [
            "20261121T000000Z",
            "20261121T000400Z",
            "20261121T002000Z",
            "20261121T003000Z"
        ],
        "each call signed at the manual clock's time"
    );
    let _ = clock.now();
}

#[tokio::test]
async fn a_credentials_source_that_hangs_is_bounded_by_its_timeout() {
    // A container-credentials endpoint on loopback that accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    let s = server(vec![fixture("demo-converse")]).await;
    let env = Env::empty()
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("http://{addr}/creds"),
        )
        .with_var("AWS_EC2_METADATA_DISABLED", "true");
    let timeout = Duration::from_millis(300);
    let client = Client::builder()
        .env(env)
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .credentials_timeout(timeout)
        .retry_config(fast_retries())
        .build()
        .expect("client (no I/O yet)");
    let started = SystemClock.instant();
    let err = guard("hanging source", client.converse(&chat(MODEL)))
        .await
        .expect_err("no credentials");
    let elapsed = SystemClock.instant().duration_since(started);
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(err.to_string().contains("within 300 ms"), "{err}");
    // Bounded by the load timeout (the behaviour under test; the margin is generous).
    assert!(
        elapsed >= timeout && elapsed < Duration::from_secs(5),
        "{elapsed:?} for a {timeout:?} credentials timeout"
    );
    assert_eq!(s.request_count(), 0, "nothing was sent unsigned");
    silent.abort();
}

#[tokio::test]
async fn clock_skew_on_a_stream_is_corrected_once() {
    // `client_replay::clock_skew_is_corrected_and_retried_once` covers Converse; this is the same
    // fault on a stream: one 403, the offset corrected, then the stream succeeds.
    for offset in [900i64, -900] {
        let s = ReplayServer::start(ReplayConfig {
            exchanges: vec![exchange(
                CannedResponse::event_stream(demo_stream()),
                Faults::default(),
            )],
            clock_offset_secs: offset,
            ..ReplayConfig::default()
        })
        .await
        .expect("server");
        let client = builder(s.endpoint())
            .max_attempts(1)
            .build()
            .expect("client");
        let text = guard("skewed stream", async {
            client.converse_stream(&chat(MODEL)).await?.text().await
        })
        .await
        .expect("stream after the skew correction");
        assert_eq!(text, demo_text());
        assert_eq!(statuses(&s), [Some(403), Some(200)], "offset {offset}");
        assert!((client.clock_skew_ms() - offset * 1000).abs() < 5_000);
    }
}
