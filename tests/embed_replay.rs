//! Embeddings through the client against the loopback replay server: the recorded Titan v2
//! fixture, several inputs made concurrently and returned in input order, Cohere batches with
//! header token counts, the OpenAI-shaped entry point.

use std::path::Path;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::embed::EmbeddingRequest;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    Operation, ReplayConfig, ReplayServer,
};
use serde_json::json;

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

fn titan(text: &str, vector: &[f32], delay_ms: u64) -> Exchange {
    Exchange {
        name: format!("titan-{text}"),
        matcher: Matcher {
            operation: Some(Operation::Invoke),
            model: Some("amazon.titan-embed-text-v2:0".into()),
            body: Some(json!({ "inputText": text })),
        },
        response: CannedResponse::json(&json!({ "embedding": vector, "inputTextTokenCount": 2 })),
        // The first input answers last: order must come from the input, not from arrival.
        faults: Faults {
            chunk_size: Some(4),
            chunk_delay_ms: delay_ms,
            ..Faults::default()
        },
    }
}

#[tokio::test]
async fn recorded_titan_v2_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/replay/embed-titan-v2");
    let s = server(vec![Exchange::from_dir(&dir).unwrap()]).await;
    let r = client(&s)
        .embed(EmbeddingRequest::texts("titan-embed-text-v2", ["hello world"]).dimensions(256))
        .await
        .unwrap();
    assert_eq!(
        (r.embeddings.len(), r.embeddings[0].len(), r.input_tokens),
        (1, 256, 6)
    );
    assert!((r.embeddings[0][0] + 0.5).abs() < 1e-6);
    let sent: serde_json::Value = serde_json::from_slice(&s.requests()[0].request.body).unwrap();
    assert_eq!(
        sent,
        json!({"inputText": "hello world", "dimensions": 256, "normalize": true})
    );
}

#[tokio::test]
async fn titan_inputs_are_concurrent_calls_returned_in_input_order() {
    let s = server(vec![
        titan("one", &[1.0, 0.0], 5),
        titan("two", &[2.0, 0.0], 0),
        titan("three", &[3.0, 0.0], 0),
    ])
    .await;
    let r = client(&s)
        .embed(EmbeddingRequest::texts(
            "titan-embed-text-v2",
            ["one", "two", "three"],
        ))
        .await
        .unwrap();
    assert_eq!(
        r.embeddings,
        vec![vec![1.0, 0.0], vec![2.0, 0.0], vec![3.0, 0.0]]
    );
    assert_eq!(r.input_tokens, 6);
    assert_eq!(s.request_count(), 3);
}

#[tokio::test]
async fn cohere_batches_and_header_tokens() {
    let mut batch = CannedResponse::json(
        &json!({"id": "x", "response_type": "embeddings_by_type", "embeddings": {"float": vec![vec![0.5_f32, 0.5]; 96]}}),
    );
    batch
        .headers
        .push(("x-amzn-bedrock-input-token-count".into(), "300".into()));
    let mut rest =
        CannedResponse::json(&json!({"embeddings": {"float": [[9.0, 9.0], [8.0, 8.0]]}}));
    rest.headers
        .push(("X-Amzn-Bedrock-Input-Token-Count".into(), "7".into()));
    let texts: Vec<String> = (0..98).map(|i| format!("t{i}")).collect();
    let s = server(vec![
        Exchange {
            name: "first".into(),
            matcher: Matcher {
                body: Some(json!({"texts": texts[..96]})),
                ..Matcher::default()
            },
            response: batch,
            faults: Faults::default(),
        },
        Exchange {
            name: "rest".into(),
            matcher: Matcher {
                body: Some(json!({"texts": ["t96", "t97"], "input_type": "search_document"})),
                ..Matcher::default()
            },
            response: rest,
            faults: Faults::default(),
        },
    ])
    .await;
    let r = client(&s)
        .embed(EmbeddingRequest::texts("embed-english", texts))
        .await
        .unwrap();
    assert_eq!(r.embeddings.len(), 98);
    assert_eq!(r.embeddings[95], vec![0.5, 0.5]);
    assert_eq!(r.embeddings[96..], [vec![9.0, 9.0], vec![8.0, 8.0]]);
    assert_eq!(r.input_tokens, 307);
}

#[tokio::test]
async fn openai_shaped_entry_point_and_errors() {
    let s = server(vec![titan("a", &[0.5], 0), titan("b", &[0.25], 0)]).await;
    let c = client(&s);
    let out = c
        .embeddings(br#"{"model":"bedrock/titan-embed-text-v2","input":["a","b"]}"#)
        .await
        .unwrap();
    assert_eq!(out["object"], "list");
    assert_eq!(out["model"], "bedrock/titan-embed-text-v2");
    assert_eq!(out["data"][1]["embedding"], json!([0.25]));
    assert_eq!(out["data"][1]["index"], 1);
    assert_eq!(out["usage"], json!({"prompt_tokens": 4, "total_tokens": 4}));
    // An input with no recorded answer: the error surfaces, nothing is half-returned.
    let err = c
        .embeddings(br#"{"model":"titan-embed-text-v2","input":["a","zzz"]}"#)
        .await
        .unwrap_err();
    assert!(err.status().is_some(), "{err}");
    // Bad request JSON never reaches the network.
    let before = s.request_count();
    assert!(
        c.embeddings(br#"{"model":"titan-embed-text-v2","input":7}"#)
            .await
            .is_err()
    );
    assert_eq!(s.request_count(), before);
}
