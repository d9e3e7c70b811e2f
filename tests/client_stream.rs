//! ConverseStream through the client: events, collect/text, exceptions mid-stream, truncation,
//! retry only before the first event, and the OpenAI-shaped entry point.

mod support;

use std::time::Duration;

use bedrock_wire::client::{Client, ClientBuilder, Env, OpenAiResponse};
use bedrock_wire::error::ErrorKind;
use bedrock_wire::model::{ChatRequest, StreamEvent};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayConfig, ReplayServer,
};
use bedrock_wire::retry::RetryConfig;
use eventstream::{HeaderValue, Message};
use support::{MockServer, Reply};

const MODEL: &str = "us.amazon.nova-micro-v1:0";

fn demo_stream() -> Vec<u8> {
    std::fs::read(format!(
        "{}/fixtures/replay/demo-stream/response.eventstream",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn expected_text() -> String {
    let text = std::fs::read_to_string(format!(
        "{}/fixtures/replay/demo-stream/expected.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("expected");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    v["text"].as_str().expect("text").to_owned()
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

fn exception(kind: &str, message: &str) -> Vec<u8> {
    Message::new(
        serde_json::json!({ "message": message })
            .to_string()
            .into_bytes(),
    )
    .with_header(":exception-type", HeaderValue::string(kind))
    .with_header(":content-type", HeaderValue::string("application/json"))
    .with_header(":message-type", HeaderValue::string("exception"))
    .to_bytes()
    .expect("encode")
}

async fn replay(response: CannedResponse, faults: Faults) -> ReplayServer {
    ReplayServer::start(ReplayConfig {
        exchanges: vec![Exchange {
            name: "s".into(),
            matcher: Matcher::default(),
            response,
            faults,
        }],
        ..ReplayConfig::default()
    })
    .await
    .expect("replay")
}

fn fast() -> RetryConfig {
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
        .retry_config(fast())
}

fn chat() -> ChatRequest {
    ChatRequest::new(MODEL).user("Explain quantum computing")
}

#[tokio::test]
async fn stream_events_and_text_in_tiny_chunks() {
    let s = replay(
        CannedResponse::event_stream(demo_stream()),
        Faults {
            chunk_size: Some(5),
            ..Faults::default()
        },
    )
    .await;
    let client = builder(s.endpoint()).build().expect("client");
    let mut stream = client.converse_stream(&chat()).await.expect("open");
    let mut events = Vec::new();
    while let Some(e) = stream.next().await {
        events.push(e.expect("event"));
    }
    assert!(matches!(
        events.first(),
        Some(StreamEvent::MessageStart { .. })
    ));
    assert!(matches!(events.last(), Some(StreamEvent::MessageStop)));
    assert_eq!(
        s.requests()[0].request.path(),
        "/model/us.amazon.nova-micro-v1%3A0/converse-stream"
    );
    let text = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .text()
        .await
        .expect("text");
    assert_eq!(text, expected_text());
    let reply = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .collect()
        .await
        .expect("collect");
    assert_eq!(reply.usage.output_tokens, 92);
}

#[tokio::test]
async fn truncated_before_message_stop_is_an_error() {
    let mut body = event("messageStart", serde_json::json!({"role": "assistant"}));
    body.extend(event(
        "contentBlockDelta",
        serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "partial"}}),
    ));
    let s = replay(CannedResponse::event_stream(body), Faults::default()).await;
    let client = builder(s.endpoint()).build().expect("client");
    let err = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .text()
        .await
        .expect_err("truncated");
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[tokio::test]
async fn exception_after_events_ends_the_stream_without_retry() {
    let mut body = event("messageStart", serde_json::json!({"role": "assistant"}));
    body.extend(event(
        "contentBlockDelta",
        serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
    ));
    body.extend(exception(
        "throttlingException",
        "Too many tokens, please wait before trying again.",
    ));
    let s = replay(CannedResponse::event_stream(body), Faults::default()).await;
    let client = builder(s.endpoint()).build().expect("client");
    let mut stream = client.converse_stream(&chat()).await.expect("open");
    let mut got = Vec::new();
    let err = loop {
        match stream.next().await {
            Some(Ok(e)) => got.push(e),
            Some(Err(e)) => break e,
            None => panic!("stream ended without the exception"),
        }
    };
    assert!(!got.is_empty());
    assert_eq!(err.kind(), ErrorKind::StreamException);
    assert!(err.is_throttling() && !err.is_context_window_exceeded());
    assert!(stream.next().await.is_none());
    assert_eq!(
        s.request_count(),
        1,
        "events had reached the caller: no retry"
    );
}

#[tokio::test]
async fn exception_before_the_first_event_is_retried() {
    let first = exception("modelStreamErrorException", "model hiccup");
    let mock = MockServer::start(move |_, i| {
        let body = if i == 0 { first.clone() } else { demo_stream() };
        Reply::new(200, body).header("content-type", "application/vnd.amazon.eventstream")
    })
    .await;
    let client = builder(mock.url()).build().expect("client");
    let text = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .text()
        .await
        .expect("retried");
    assert_eq!(text, expected_text());
    assert_eq!(mock.hits(), 2);
}

#[tokio::test]
async fn connection_broken_before_first_event_is_retried_within_attempts() {
    let s = replay(
        CannedResponse::event_stream(demo_stream()),
        Faults {
            reset_after_bytes: Some(20),
            ..Faults::default()
        },
    )
    .await;
    let client = builder(s.endpoint())
        .max_attempts(3)
        .build()
        .expect("client");
    let err = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .text()
        .await
        .expect_err("always broken");
    assert!(
        matches!(err.kind(), ErrorKind::Transport | ErrorKind::Decode),
        "{err}"
    );
    assert_eq!(s.request_count(), 3);
}

#[tokio::test]
async fn openai_entry_point_both_shapes() {
    let completion = serde_json::json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "Hello"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4}
    });
    let s = ReplayServer::start(ReplayConfig {
        exchanges: vec![
            Exchange {
                name: "json".into(),
                matcher: Matcher {
                    operation: Some(bedrock_wire::replay::Operation::Converse),
                    ..Matcher::default()
                },
                response: CannedResponse::json(&completion),
                faults: Faults::default(),
            },
            Exchange {
                name: "stream".into(),
                matcher: Matcher {
                    operation: Some(bedrock_wire::replay::Operation::ConverseStream),
                    ..Matcher::default()
                },
                response: CannedResponse::event_stream(demo_stream()),
                faults: Faults::default(),
            },
        ],
        ..ReplayConfig::default()
    })
    .await
    .expect("replay");
    let client = builder(s.endpoint()).build().expect("client");
    let body =
        br#"{"model":"us.amazon.nova-micro-v1:0","messages":[{"role":"user","content":"Hi"}]}"#;
    let OpenAiResponse::Completion(v) = client.chat_completions(body).await.expect("completion")
    else {
        panic!("expected a completion")
    };
    assert_eq!(v["object"], "chat.completion");
    assert_eq!(v["choices"][0]["message"]["content"], "Hello");
    assert_eq!(v["choices"][0]["finish_reason"], "stop");
    assert!(
        v["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("chatcmpl-"))
    );

    let body = br#"{"model":"us.amazon.nova-micro-v1:0","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}"#;
    let OpenAiResponse::Stream(mut chunks) = client.chat_completions(body).await.expect("stream")
    else {
        panic!("expected a stream")
    };
    let mut text = String::new();
    let mut saw_usage = false;
    while let Some(c) = chunks.next().await {
        let c = c.expect("chunk");
        assert_eq!(c["object"], "chat.completion.chunk");
        if let Some(t) = c["choices"][0]["delta"]["content"].as_str() {
            text.push_str(t);
        }
        saw_usage |= c.get("usage").is_some_and(|u| !u.is_null());
    }
    assert_eq!(text, expected_text());
    assert!(saw_usage);
}

#[tokio::test]
async fn count_tokens_falls_back_to_the_base_model_id() {
    let mock = MockServer::start(|r, _| {
        if r.path.starts_with("/model/us.") {
            Reply::json(
                400,
                &serde_json::json!({"message": "The provided model identifier is invalid."}),
            )
            .header("x-amzn-ErrorType", "ValidationException")
        } else {
            Reply::json(200, &serde_json::json!({"inputTokens": 42}))
        }
    })
    .await;
    let client = builder(mock.url()).build().expect("client");
    let n = client.count_tokens(&chat()).await.expect("count");
    assert_eq!(n, 42);
    let reqs = mock.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].path,
        "/model/us.amazon.nova-micro-v1%3A0/count-tokens"
    );
    assert_eq!(reqs[1].path, "/model/amazon.nova-micro-v1%3A0/count-tokens");
    let body: serde_json::Value = serde_json::from_slice(&reqs[1].body).expect("json");
    assert_eq!(
        body["input"]["converse"]["messages"][0]["content"][0]["text"],
        "Explain quantum computing"
    );
}

#[tokio::test]
async fn invoke_stream_with_a_native_capture() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/replay/capture-invoke-nova");
    let exchange = Exchange::from_dir(&dir).expect("fixture");
    let s = ReplayServer::start(ReplayConfig {
        exchanges: vec![exchange],
        ..ReplayConfig::default()
    })
    .await
    .expect("replay");
    let client = builder(s.endpoint())
        .cross_region_inference(false)
        .build()
        .expect("client");
    let req = ChatRequest::new("amazon.nova-micro-v1:0").user("hi");
    let reply = client
        .invoke_stream(&req)
        .await
        .expect("open")
        .collect()
        .await
        .expect("collect");
    assert!(!reply.text().is_empty());
    let r = &s.requests()[0];
    assert_eq!(r.fixture.as_deref(), Some("capture-invoke-nova"));
    assert_eq!(
        r.request.path(),
        "/model/amazon.nova-micro-v1%3A0/invoke-with-response-stream"
    );
    assert_eq!(
        r.request.header("x-amzn-bedrock-accept"),
        Some("application/json")
    );
}

#[tokio::test]
async fn invoke_native_body_and_token_headers() {
    let mock = MockServer::start(|_, _| {
        Reply::json(
            200,
            &serde_json::json!({"id": "msg_1", "type": "message", "role": "assistant",
                "content": [{"type": "text", "text": "Paris."}], "stop_reason": "end_turn",
                "usage": {"input_tokens": 5, "output_tokens": 2}}),
        )
        .header("x-amzn-bedrock-input-token-count", "5")
        .header("x-amzn-bedrock-output-token-count", "2")
    })
    .await;
    let client = builder(mock.url())
        .cross_region_inference(false)
        .build()
        .expect("client");
    let reply = client
        .invoke(
            &ChatRequest::new("anthropic.claude-3-haiku-20240307-v1:0").user("Capital of France?"),
        )
        .await
        .expect("invoke");
    assert_eq!(reply.text(), "Paris.");
    assert_eq!(
        (reply.usage.input_tokens, reply.usage.output_tokens),
        (5, 2)
    );
    let r = &mock.requests()[0];
    assert_eq!(
        r.path,
        "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke"
    );
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
    assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
}

#[tokio::test]
async fn chat_routes_between_converse_and_invoke() {
    let mock = MockServer::start(|r, _| {
        if r.path.ends_with("/invoke") {
            Reply::json(200, &serde_json::json!({"outputs": [{"text": " Hi!", "stop_reason": "stop"}]}))
        } else {
            Reply::json(
                200,
                &serde_json::json!({"output": {"message": {"role": "assistant", "content": [{"text": "Hello"}]}},
                    "stopReason": "end_turn", "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}}),
            )
        }
    })
    .await;
    let client = builder(mock.url()).build().expect("client");
    client
        .chat(&ChatRequest::new("mistral-7b").user("hi"))
        .await
        .expect("invoke");
    client
        .chat(&ChatRequest::new("nova-micro").user("hi"))
        .await
        .expect("converse");
    let paths: Vec<String> = mock.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths[0].ends_with("/invoke"), "{paths:?}");
    assert!(paths[1].ends_with("/converse"), "{paths:?}");
}
