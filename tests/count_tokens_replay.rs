//! CountTokens through the client: the Converse form (system and tools included), the native
//! form (base64 `invokeModel.body`), and the inference-profile → base-model-id fallback.

use std::path::Path;

use base64::Engine as _;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::invoke::CountTokensForm;
use bedrock_wire::model::{ChatRequest, Tool};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    Operation, ReplayConfig, ReplayServer,
};
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

fn recorded() -> Exchange {
    Exchange::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/replay/count-tokens"))
        .unwrap()
}

fn request() -> ChatRequest {
    ChatRequest::new("claude-sonnet-4")
        .system("Count me.")
        .user("How many tokens is this?")
        .tool(Tool::new("lookup", "Look up", json!({"type": "object"})))
}

fn body(s: &ReplayServer, i: usize) -> Value {
    serde_json::from_slice(&s.requests()[i].request.body).unwrap()
}

#[tokio::test]
async fn converse_form_carries_system_and_tools() {
    let s = server(vec![recorded()]).await;
    let n = client(&s)
        .count_tokens_with(&request(), CountTokensForm::Converse)
        .await
        .unwrap();
    assert_eq!(n, 42);
    let b = body(&s, 0);
    assert_eq!(b["input"]["converse"]["system"][0]["text"], "Count me.");
    assert_eq!(
        b["input"]["converse"]["toolConfig"]["tools"][0]["toolSpec"]["name"],
        "lookup"
    );
    assert!(s.requests()[0].request.target.ends_with("/count-tokens"));
}

#[tokio::test]
async fn native_form_sends_the_base64_native_body() {
    let s = server(vec![recorded()]).await;
    let n = client(&s)
        .count_tokens_with(&request(), CountTokensForm::Native)
        .await
        .unwrap();
    assert_eq!(n, 42);
    let b = body(&s, 0);
    let encoded = b["input"]["invokeModel"]["body"].as_str().unwrap();
    let native: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(native["anthropic_version"], "bedrock-2023-05-31");
    assert_eq!(native["system"][0]["text"], "Count me.");
    assert_eq!(native["tools"][0]["name"], "lookup");
}

#[tokio::test]
async fn refused_profile_id_falls_back_to_the_base_model_id_in_both_forms() {
    for form in [CountTokensForm::Native, CountTokensForm::Converse] {
        let s = server(vec![
            Exchange {
                name: "profile refused".into(),
                matcher: Matcher {
                    operation: Some(Operation::CountTokens),
                    model: Some("us.anthropic.claude-sonnet-4-20250514-v1:0".into()),
                    body: None,
                },
                response: CannedResponse::error(
                    400,
                    "ValidationException",
                    "The provided model identifier is invalid.",
                ),
                faults: Faults::default(),
            },
            Exchange {
                name: "base id".into(),
                matcher: Matcher {
                    operation: Some(Operation::CountTokens),
                    model: Some("anthropic.claude-sonnet-4-20250514-v1:0".into()),
                    body: None,
                },
                response: CannedResponse::json(&json!({"inputTokens": 17})),
                faults: Faults::default(),
            },
        ])
        .await;
        let n = client(&s)
            .count_tokens_with(&request(), form)
            .await
            .unwrap();
        assert_eq!(n, 17, "{form:?}");
        let targets: Vec<String> = s
            .requests()
            .iter()
            .map(|r| r.request.target.clone())
            .collect();
        assert_eq!(
            targets,
            vec![
                "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/count-tokens".to_owned(),
                "/model/anthropic.claude-sonnet-4-20250514-v1%3A0/count-tokens".to_owned(),
            ],
            "{form:?}"
        );
        // The same body both times.
        assert_eq!(body(&s, 0), body(&s, 1));
    }
}

#[tokio::test]
async fn other_errors_and_bare_ids_do_not_fall_back() {
    let s = server(vec![Exchange {
        name: "denied".into(),
        matcher: Matcher::default(),
        response: CannedResponse::error(403, "AccessDeniedException", "no"),
        faults: Faults::default(),
    }])
    .await;
    let err = client(&s)
        .count_tokens_with(&request(), CountTokensForm::Native)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert_eq!(s.request_count(), 1);
    // A bare id that is refused is refused: nothing else to try.
    let s = server(vec![Exchange {
        name: "bad".into(),
        matcher: Matcher::default(),
        response: CannedResponse::error(400, "ValidationException", "bad"),
        faults: Faults::default(),
    }])
    .await;
    let bare = ChatRequest::new("amazon.nova-micro-v1:0").user("hi");
    assert!(
        client(&s)
            .count_tokens_with(&bare, CountTokensForm::Native)
            .await
            .is_err()
    );
    assert_eq!(s.request_count(), 1);
    // A response without inputTokens is a typed error.
    let s = server(vec![Exchange {
        name: "odd".into(),
        matcher: Matcher::default(),
        response: CannedResponse::json(&json!({"tokens": 1})),
        faults: Faults::default(),
    }])
    .await;
    assert!(
        client(&s)
            .count_tokens_with(&bare, CountTokensForm::Native)
            .await
            .is_err()
    );
}
