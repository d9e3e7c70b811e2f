//! Routed chat through the client against the loopback replay server: the route is in the
//! response, native bodies and token-count headers, the real native stream captures, and a
//! mid-stream modelTimeoutException.

use std::path::Path;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::error::ErrorKind;
use bedrock_wire::invoke::{Api, RouteReason};
use bedrock_wire::model::{ChatRequest, StopReason, StreamEvent};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    Operation, ReplayConfig, ReplayServer,
};
use eventstream::{HeaderValue, Message};
use serde_json::{Value, json};

async fn server(exchanges: Vec<Exchange>) -> ReplayServer {
    ReplayServer::start(ReplayConfig {
        exchanges,
        ..ReplayConfig::default()
    })
    .await
    .unwrap()
}

fn client(s: &ReplayServer) -> Client {
    Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .build()
        .unwrap()
}

fn fixture(name: &str) -> Exchange {
    Exchange::from_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/replay")
            .join(name),
    )
    .unwrap()
}

#[tokio::test]
async fn prompt_family_goes_native_with_header_usage_and_the_route_in_the_response() {
    let mut resp =
        CannedResponse::json(&json!({"outputs": [{"text": " Bonjour.", "stop_reason": "stop"}]}));
    resp.headers
        .push(("x-amzn-bedrock-input-token-count".into(), "11".into()));
    resp.headers
        .push(("x-amzn-bedrock-output-token-count".into(), "3".into()));
    resp.headers
        .push(("x-amzn-bedrock-invocation-latency".into(), "250".into()));
    let s = server(vec![Exchange {
        name: "mistral".into(),
        matcher: Matcher {
            operation: Some(Operation::Invoke),
            model: Some("mistral.mistral-7b-instruct-v0:2".into()),
            body: None,
        },
        response: resp,
        faults: Faults::default(),
    }])
    .await;
    let r = client(&s)
        .chat_routed(
            &ChatRequest::new("mistral-7b")
                .user("Say hello in French.")
                .max_tokens(20),
        )
        .await
        .unwrap();
    assert_eq!(
        (r.route.api, r.route.reason),
        (Api::Invoke, RouteReason::FamilyPrefersNative)
    );
    assert_eq!(r.text(), " Bonjour.");
    assert_eq!(
        (
            r.usage.input_tokens,
            r.usage.output_tokens,
            r.usage.total_tokens
        ),
        (11, 3, 14)
    );
    assert_eq!(r.latency_ms, Some(250));
    let sent: Value = serde_json::from_slice(&s.requests()[0].request.body).unwrap();
    assert_eq!(
        sent,
        json!({"prompt": "<s>[INST] Say hello in French. [/INST]", "max_tokens": 20})
    );
}

#[tokio::test]
async fn default_route_is_converse() {
    let s = server(vec![fixture("demo-converse")]).await;
    let req: ChatRequest = ChatRequest::new("amazon.nova-micro-v1:0").user("hi");
    match client(&s).chat_routed(&req).await {
        Ok(r) => assert_eq!(
            (r.route.api, r.route.reason),
            (Api::Converse, RouteReason::Default)
        ),
        Err(e) => panic!("{e}"),
    }
    assert!(s.requests()[0].request.target.ends_with("/converse"));
}

#[tokio::test]
async fn anthropic_capture_through_the_routed_stream() {
    let s = server(vec![fixture("capture-invoke-anthropic-tools")]).await;
    let req = ChatRequest::new("anthropic.claude-3-5-sonnet-20240620-v1:0")
        .user("Weather and population of San Francisco?")
        .use_converse(false);
    let mut stream = client(&s).chat_stream(&req).await.unwrap();
    let mut events = Vec::new();
    while let Some(e) = stream.next().await {
        events.push(e.unwrap());
    }
    assert_eq!(events.last(), Some(&StreamEvent::MessageStop));
    let mut acc = bedrock_wire::model::Accumulator::new();
    for e in &events {
        acc.push(e);
    }
    let r = acc.finish().unwrap();
    assert_eq!(r.tool_calls().len(), 2);
    assert_eq!(r.stop_reason, StopReason::ToolUse);
    assert_eq!((r.usage.input_tokens, r.usage.output_tokens), (702, 98));
    let sent: Value = serde_json::from_slice(&s.requests()[0].request.body).unwrap();
    assert_eq!(sent["anthropic_version"], "bedrock-2023-05-31");
    assert!(sent.get("model").is_none() && sent.get("stream").is_none());
}

#[tokio::test]
async fn nova_capture_collects() {
    let s = server(vec![fixture("capture-invoke-nova")]).await;
    let r = client(&s)
        .invoke_stream(&ChatRequest::new("amazon.nova-micro-v1:0").user("Primary colors?"))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    assert_eq!(
        r.text(),
        "The three primary colors are red, blue, and yellow."
    );
    let sent: Value = serde_json::from_slice(&s.requests()[0].request.body).unwrap();
    assert_eq!(sent["schemaVersion"], "messages-v1");
}

fn frame(m: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    m.encode(&mut out).unwrap();
    out
}

#[tokio::test]
async fn model_timeout_mid_stream_is_a_typed_error_after_partial_output() {
    use base64::Engine as _;
    let chunk = |v: Value| {
        Message::new(
            json!({"bytes": base64::engine::general_purpose::STANDARD.encode(v.to_string())})
                .to_string()
                .into_bytes(),
        )
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(":message-type", HeaderValue::string("event"))
    };
    let mut body = frame(&chunk(
        json!({"generation": "Once upon", "stop_reason": null}),
    ));
    body.extend(frame(
        &Message::new(br#"{"message":"Model has timed out in processing the request."}"#.to_vec())
            .with_header(
                ":exception-type",
                HeaderValue::string("modelTimeoutException"),
            )
            .with_header(":message-type", HeaderValue::string("exception")),
    ));
    let s = server(vec![Exchange {
        name: "timeout".into(),
        matcher: Matcher::default(),
        response: CannedResponse::event_stream(body),
        faults: Faults::default(),
    }])
    .await;
    let mut stream = client(&s)
        .invoke_stream(&ChatRequest::new("llama3-3-70b").user("A story"))
        .await
        .unwrap();
    let mut text_seen = false;
    let err = loop {
        match stream.next().await {
            Some(Ok(StreamEvent::BlockDelta { .. })) => text_seen = true,
            Some(Ok(_)) => {}
            Some(Err(e)) => break e,
            None => panic!("the stream ended without the error"),
        }
    };
    assert!(text_seen);
    assert_eq!(err.kind(), ErrorKind::StreamException);
    assert_eq!(err.code(), Some("ModelTimeoutException"));
}
