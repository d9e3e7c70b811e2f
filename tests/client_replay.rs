//! The client against the loopback replay server: signing verified as AWS would, retries,
//! Retry-After, clock skew, idle timeout, error mapping and hints, the bearer path, streaming.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Client, ClientBuilder, Env, Operation};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::error::ErrorKind;
use bedrock_wire::model::ChatRequest;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayAuth, ReplayConfig, ReplayServer,
};
use bedrock_wire::retry::RetryConfig;
use support::{MockServer, Reply};

const MODEL: &str = "us.amazon.nova-micro-v1:0";

fn converse_json() -> serde_json::Value {
    serde_json::json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "Hello there"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
        "metrics": {"latencyMs": 10}
    })
}

fn exchange(response: CannedResponse, faults: Faults) -> Exchange {
    Exchange {
        name: "test".into(),
        matcher: Matcher::default(),
        response,
        faults,
    }
}

async fn server(exchanges: Vec<Exchange>, tweak: impl FnOnce(&mut ReplayConfig)) -> ReplayServer {
    let mut config = ReplayConfig {
        exchanges,
        ..ReplayConfig::default()
    };
    tweak(&mut config);
    ReplayServer::start(config).await.expect("replay server")
}

fn fast_retries() -> RetryConfig {
    RetryConfig {
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        ..RetryConfig::default()
    }
}

fn builder(server: &ReplayServer) -> ClientBuilder {
    Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .retry_config(fast_retries())
        .retry_seed(7)
}

fn chat() -> ChatRequest {
    ChatRequest::new(MODEL).user("Say hello")
}

#[tokio::test]
async fn converse_is_signed_and_parsed() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let reply = client.converse(&chat()).await.expect("converse");
    assert_eq!(reply.text(), "Hello there");
    let reqs = s.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0].request;
    assert_eq!(r.path(), "/model/us.amazon.nova-micro-v1%3A0/converse");
    assert_eq!(reqs[0].status, Some(200));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(
        r.header("user-agent")
            .is_some_and(|u| u.starts_with("bedrock-wire/"))
    );
    assert!(
        r.header("authorization")
            .is_some_and(|a| a.contains("/us-east-1/bedrock/aws4_request"))
    );
}

#[tokio::test]
async fn bearer_path_sends_no_sigv4_headers() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |c| {
            c.auth = ReplayAuth::Bearer("bedrock-api-key-planted".into());
        },
    )
    .await;
    let client = Client::builder()
        .env(
            Env::empty()
                .with_var("AWS_ACCESS_KEY_ID", "AKIDAMBIENT")
                .with_var("AWS_SECRET_ACCESS_KEY", "x"),
        )
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .bearer_token("bedrock-api-key-planted")
        .build()
        .expect("client");
    assert!(client.auth_description().contains("bearer"));
    client.converse(&chat()).await.expect("converse");
    let r = &s.requests()[0].request;
    assert_eq!(
        r.header("authorization"),
        Some("Bearer bedrock-api-key-planted")
    );
    assert!(r.header("x-amz-date").is_none() && r.header("x-amz-security-token").is_none());
    // A wrong key gets the service's 403, mapped with a hint, without the key in the output.
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .bearer_token("bedrock-api-key-wrong-planted-secret")
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("denied");
    assert_eq!(err.status(), Some(403));
    assert!(!err.is_retryable());
    assert!(!format!("{err} {err:?} {client:?}").contains("wrong-planted-secret"));
}

#[tokio::test]
async fn throttled_twice_then_succeeds() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults {
                throttle_first: 2,
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    client
        .converse(&chat())
        .await
        .expect("third attempt succeeds");
    let statuses: Vec<_> = s.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(429), Some(429), Some(200)]);
}

#[tokio::test]
async fn attempts_are_bounded() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults {
                fail_first: 10,
                fail_status: Some(503),
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).max_attempts(4).build().expect("client");
    let err = client.converse(&chat()).await.expect_err("all fail");
    assert_eq!(err.code(), Some("ServiceUnavailableException"));
    assert!(err.is_retryable());
    assert_eq!(s.request_count(), 4);
    let client = builder(&s).max_attempts(1).build().expect("client");
    client.converse(&chat()).await.expect_err("no retry");
    assert_eq!(s.request_count(), 5);
}

#[tokio::test]
async fn validation_errors_are_never_retried() {
    let s = server(
        vec![exchange(
            CannedResponse::error(
                400,
                "ValidationException",
                "Input is too long for requested model.",
            ),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).max_attempts(5).build().expect("client");
    let err = client.converse(&chat()).await.expect_err("validation");
    assert_eq!(s.request_count(), 1);
    assert_eq!(err.kind(), ErrorKind::Service);
    assert!(err.is_context_window_exceeded());
    assert!(!err.is_retryable());
    assert!(err.request_id().is_some());
}

#[tokio::test]
async fn reset_before_response_is_retried() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults {
                reset_before_response_first: 1,
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    client.converse(&chat()).await.expect("retried after reset");
    assert_eq!(s.request_count(), 2);
}

#[tokio::test]
async fn hints_for_access_and_on_demand() {
    let s = server(
        vec![exchange(
            CannedResponse::error(
                403,
                "AccessDeniedException",
                "You don't have access to the model with the specified model ID.",
            ),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let err = client.converse(&chat()).await.expect_err("denied");
    assert!(err.is_access_denied());
    assert!(
        err.hint()
            .is_some_and(|h| h.contains("Bedrock console") && h.contains(MODEL)),
        "{err}"
    );

    let s = server(
        vec![exchange(
            CannedResponse::error(400, "ValidationException", "Invocation of model ID anthropic.claude-3-5-haiku-20241022-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model."),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s)
        .region("eu-west-1")
        .cross_region_inference(false)
        .build()
        .expect("client");
    let err = client
        .converse(&ChatRequest::new("anthropic.claude-3-5-haiku-20241022-v1:0").user("hi"))
        .await
        .expect_err("on-demand");
    assert!(
        err.hint()
            .is_some_and(|h| h.contains("eu.anthropic.claude-3-5-haiku-20241022-v1:0")),
        "{err}"
    );
}

#[tokio::test]
async fn clock_skew_is_corrected_and_retried_once() {
    for offset in [900i64, -900] {
        let s = server(
            vec![exchange(
                CannedResponse::json(&converse_json()),
                Faults::default(),
            )],
            |c| {
                c.clock_offset_secs = offset;
            },
        )
        .await;
        let client = builder(&s).max_attempts(1).build().expect("client");
        client
            .converse(&chat())
            .await
            .expect("second signature is current");
        let statuses: Vec<_> = s.requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Some(403), Some(200)], "offset {offset}");
        let skew = client.clock_skew_ms();
        assert!(
            (skew - offset * 1000).abs() < 5_000,
            "offset {offset}: tracked {skew}"
        );
        // The correction sticks: the next call is right the first time.
        client.converse(&chat()).await.expect("corrected");
        assert_eq!(s.request_count(), 3);
    }
}

#[tokio::test]
async fn skew_retry_happens_only_once() {
    // The client's own clock keeps running 20 minutes behind what it signs with... simulate a
    // server whose answers always say "expired" by a stateful mock: two skew errors in a row.
    let mock = MockServer::start(|_, _| {
        Reply::json(403, &serde_json::json!({"message": "Signature expired: 20200101T000000Z is now earlier than 20200101T000500Z (20200101T001000Z - 5 min.)"}))
            .header("x-amzn-ErrorType", "InvalidSignatureException")
    })
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(mock.url())
        .access_key("AKID", "s", None)
        .max_attempts(3)
        .build()
        .expect("client");
    let err = client
        .send(Operation::converse(MODEL, b"{}".to_vec()))
        .await
        .expect_err("skew");
    assert!(err.is_clock_skew());
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    // The backoff would be an hour, past the 60 s deadline: only honouring Retry-After: 0 lets
    // the second attempt happen.
    let mock = MockServer::start(|_, i| {
        if i == 0 {
            Reply::json(429, &serde_json::json!({"message": "slow down"}))
                .header("x-amzn-ErrorType", "ThrottlingException")
                .header("retry-after", "0")
        } else {
            Reply::json(200, &converse_json())
        }
    })
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(mock.url())
        .access_key("AKID", "s", None)
        .retry_config(RetryConfig {
            initial_backoff: Duration::from_secs(3600),
            max_backoff: Duration::from_secs(3600),
            ..RetryConfig::default()
        })
        .total_timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    client.converse(&chat()).await.expect("retried immediately");
    assert_eq!(mock.hits(), 2);
    // Without Retry-After the hour-long backoff exceeds the deadline: the error comes back.
    let mock = MockServer::start(|_, _| {
        Reply::json(429, &serde_json::json!({"message": "slow down"}))
            .header("x-amzn-ErrorType", "ThrottlingException")
    })
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(mock.url())
        .access_key("AKID", "s", None)
        .retry_config(RetryConfig {
            initial_backoff: Duration::from_secs(3600),
            max_backoff: Duration::from_secs(3600),
            ..RetryConfig::default()
        })
        .retry_seed(1)
        .total_timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("throttled");
    assert!(err.is_throttling());
}

fn capture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/fixtures/bedrock-captures/extracted/{name}.eventstream",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("capture")
}

fn frame_count(name: &str) -> usize {
    let text = std::fs::read_to_string(format!(
        "{}/fixtures/bedrock-captures/extracted/{name}.frames.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("frames");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    usize::try_from(v["frame_count"].as_u64().expect("frame_count")).expect("fits")
}

#[tokio::test]
async fn event_stream_messages_in_small_chunks() {
    let name = "test_bedrock_model_stream";
    let s = server(
        vec![exchange(
            CannedResponse::event_stream(capture(name)),
            Faults {
                chunk_size: Some(7),
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let mut stream = client
        .send_stream(Operation::converse_stream(MODEL, b"{}".to_vec()))
        .await
        .expect("open");
    let mut n = 0;
    while let Some(m) = stream.next().await {
        let m = m.expect("message");
        assert!(m.header_str(":event-type").is_some() || m.header_str(":message-type").is_some());
        n += 1;
    }
    assert_eq!(n, frame_count(name));
    assert_eq!(
        s.requests()[0].request.header("accept"),
        Some("application/vnd.amazon.eventstream")
    );
}

#[tokio::test]
async fn truncated_stream_is_an_error() {
    let name = "test_bedrock_model_stream";
    let s = server(
        vec![exchange(
            CannedResponse::event_stream(capture(name)),
            Faults {
                truncate_tail_bytes: Some(3),
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let mut stream = client
        .send_stream(Operation::converse_stream(MODEL, b"{}".to_vec()))
        .await
        .expect("open");
    let mut last = None;
    while let Some(m) = stream.next().await {
        last = Some(m);
    }
    let err = last.expect("something").expect_err("truncated");
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn json_body_is_not_decoded_as_frames() {
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let err = client
        .send_stream(Operation::converse_stream(MODEL, b"{}".to_vec()))
        .await
        .expect_err("content type");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("content-type"), "{err}");
}

#[tokio::test]
async fn stalled_stream_hits_the_idle_timeout() {
    let s = server(
        vec![exchange(
            CannedResponse::event_stream(capture("test_bedrock_model_stream")),
            Faults {
                stall_after_bytes: Some(50),
                stall_ms: 30_000,
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s)
        .stream_idle_timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let mut stream = client
        .send_stream(Operation::converse_stream(MODEL, b"{}".to_vec()))
        .await
        .expect("open");
    let mut last = None;
    while let Some(m) = stream.next().await {
        last = Some(m);
    }
    let err = last.expect("something").expect_err("idle");
    assert!(err.is_timeout(), "{err}");
    assert!(!err.is_retryable(), "bytes had arrived");
}

#[tokio::test]
async fn planted_secret_appears_in_no_output() {
    let planted = "PLANTEDsecretKEYvalue0123456789";
    let token = "PLANTEDsessionTOKEN";
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .access_key("AKIDPLANT", planted, Some(token.into()))
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("wrong key");
    let prepared = client
        .prepare(&Operation::converse(MODEL, b"{}".to_vec()))
        .await
        .expect("prepare");
    let auth = client.auth().await.expect("auth");
    let outputs = format!(
        "{err} {err:?} {client:?} {prepared:?} {:?} {auth:?} {:?}",
        prepared.redacted_headers(),
        Client::builder().access_key("A", planted, Some(token.into()))
    );
    assert!(!outputs.contains(planted), "{outputs}");
    assert!(!outputs.contains(token), "{outputs}");
    assert_eq!(
        prepared.header("x-amz-security-token"),
        Some(token),
        "the real header is still sent"
    );
}

#[tokio::test]
async fn manual_clock_signs_with_its_time() {
    let clock = ManualClock::new(support::t0());
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |c| {
            c.clock = Arc::new(clock.clone());
        },
    )
    .await;
    let client = builder(&s)
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("client");
    client.converse(&chat()).await.expect("converse");
    assert_eq!(
        s.requests()[0].request.header("x-amz-date"),
        Some("20261121T000000Z")
    );
}

#[tokio::test]
async fn invalid_signature_with_a_skewed_date_is_retried_once() {
    // No "expired" wording, but the Date header shows the server 20 minutes ahead.
    let date =
        bedrock_wire::datetime::format_http_date(support::t0() + Duration::from_secs(20 * 60));
    let mock = MockServer::start(move |_, i| {
        if i == 0 {
            Reply::json(403, &serde_json::json!({"message": "The request signature we calculated does not match the signature you provided."}))
                .header("x-amzn-ErrorType", "InvalidSignatureException")
                .header("date", &date)
        } else {
            Reply::json(200, &converse_json())
        }
    })
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(mock.url())
        .access_key("AKID", "s", None)
        .max_attempts(1)
        .clock(Arc::new(ManualClock::new(support::t0())))
        .build()
        .expect("client");
    client
        .converse(&chat())
        .await
        .expect("retried with the corrected clock");
    assert_eq!(mock.hits(), 2);
    assert!(client.clock_skew_ms() > 15 * 60 * 1000);
}

#[tokio::test]
async fn attempt_timeout_before_the_head_is_retried_but_not_after() {
    // A server that accepts and never answers: every attempt times out before the head.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            held.push(sock);
        }
    });
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(format!("http://{addr}"))
        .access_key("AKID", "s", None)
        .retry_config(fast_retries())
        .attempt_timeout(Duration::from_millis(200))
        .max_attempts(2)
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("silent");
    assert!(err.is_timeout() && !err.response_started(), "{err}");
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "retried once"
    );
    silent.abort();

    // The head arrives, then the body stalls: the timeout is not retried.
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults {
                stall_after_bytes: Some(0),
                stall_ms: 5_000,
                ..Faults::default()
            },
        )],
        |_| {},
    )
    .await;
    let client = builder(&s)
        .attempt_timeout(Duration::from_millis(200))
        .max_attempts(2)
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("stalled");
    assert!(err.is_timeout() && err.response_started(), "{err}");
    assert_eq!(s.request_count(), 1);
}

/// A clock that moves one second forward every time it is read.
#[derive(Debug)]
struct TickingClock(std::sync::Mutex<std::time::SystemTime>);

impl bedrock_wire::clock::Clock for TickingClock {
    fn now(&self) -> std::time::SystemTime {
        let mut t = self.0.lock().expect("lock");
        *t += Duration::from_secs(1);
        *t
    }

    fn instant(&self) -> std::time::Instant {
        bedrock_wire::clock::SystemClock.instant()
    }
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    use bedrock_wire::clock::Clock as _;
    // The server reads the same clock, so its Date header shows no skew.
    let clock = Arc::new(TickingClock(std::sync::Mutex::new(support::t0())));
    let server_clock = clock.clone();
    let s = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults {
                throttle_first: 2,
                ..Faults::default()
            },
        )],
        move |c| {
            c.check_skew = false;
            c.clock = server_clock;
        },
    )
    .await;
    let client = builder(&s).clock(clock).build().expect("client");
    client.converse(&chat()).await.expect("third attempt");
    let reqs = s.requests();
    let dates: Vec<_> = reqs
        .iter()
        .map(|r| r.request.header("x-amz-date").unwrap_or("").to_owned())
        .collect();
    let sigs: Vec<_> = reqs
        .iter()
        .map(|r| r.request.header("authorization").unwrap_or("").to_owned())
        .collect();
    assert_eq!(dates.len(), 3);
    assert!(dates[0] < dates[1] && dates[1] < dates[2], "{dates:?}");
    assert!(sigs[0] != sigs[1] && sigs[1] != sigs[2]);
    let _ = bedrock_wire::clock::SystemClock.now();
}

#[tokio::test]
async fn redirects_are_not_followed_so_signed_requests_stay_put() {
    // A redirect to another host would carry the signed request, session token included (reqwest
    // strips `authorization` across hosts, not `x-amz-security-token`). Bedrock never redirects;
    // like the AWS SDKs, the client reports a 3xx instead of following it.
    let elsewhere = server(
        vec![exchange(
            CannedResponse::json(&converse_json()),
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let location = format!(
        "{}/model/us.amazon.nova-micro-v1%3A0/converse",
        elsewhere.endpoint()
    );
    let s = server(
        vec![exchange(
            CannedResponse {
                status: 307,
                headers: vec![("location".into(), location)],
                body: bytes::Bytes::new(),
            },
            Faults::default(),
        )],
        |_| {},
    )
    .await;
    let client = builder(&s).build().expect("client");
    let err = client
        .converse(&chat())
        .await
        .expect_err("a 307 is not a response");
    assert_eq!(err.status(), Some(307), "{err}");
    assert_eq!(s.request_count(), 1, "not retried");
    assert_eq!(elsewhere.request_count(), 0, "the redirect was followed");
}
