//! Bad input never panics: typed errors naming the place, for bodies the native shapes cannot
//! carry, for malformed native responses, and for arbitrary bytes (property tests).

use bedrock_wire::converse::BuildOptions;
use bedrock_wire::invoke::{self, Dialect, InvokeMetrics, InvokeStreamTranslator};
use bedrock_wire::model::{ChatRequest, ContentPart, ImageFormat, MediaSource, Message, Role};
use bedrock_wire::translation_error::TranslationErrorKind;
use proptest::prelude::*;
use serde_json::json;

const DIALECTS: [Dialect; 9] = [
    Dialect::Anthropic,
    Dialect::Nova,
    Dialect::Titan,
    Dialect::Llama3,
    Dialect::Llama4,
    Dialect::MistralPrompt,
    Dialect::Cohere,
    Dialect::OpenAiChat,
    Dialect::DeepSeek,
];

fn opts() -> BuildOptions {
    BuildOptions::new("us-east-1")
}

#[test]
fn parts_a_native_body_cannot_carry_are_refused_by_path() {
    let image = ChatRequest::new("llama3-3-70b").message(Message::new(
        Role::User,
        vec![
            ContentPart::text("What is this?"),
            ContentPart::image(ImageFormat::Png, b"\x89PNG\r\n\x1a\nxx".to_vec()),
        ],
    ));
    let e = invoke::build(&image, &opts()).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (TranslationErrorKind::Unsupported, "messages[0].content[1]")
    );

    let tools = ChatRequest::new("deepseek-r1")
        .user("hi")
        .message(Message::new(
            Role::Assistant,
            vec![ContentPart::tool_use("t1", "f", json!({}))],
        ))
        .message(Message::new(
            Role::User,
            vec![ContentPart::tool_result("t1", "ok")],
        ));
    let e = invoke::build(&tools, &opts()).unwrap_err();
    assert_eq!(e.kind(), TranslationErrorKind::Unsupported);
    assert!(e.path().starts_with("messages[1].content"), "{}", e.path());

    let s3 = ChatRequest::new("claude-3-haiku").message(Message::new(
        Role::User,
        vec![ContentPart::Image {
            format: Some(ImageFormat::Png),
            source: MediaSource::S3 {
                uri: "s3://b/k.png".into(),
                bucket_owner: None,
            },
        }],
    ));
    let e = invoke::build(&s3, &opts()).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (
            TranslationErrorKind::Unsupported,
            "messages[0].content[0].image.source"
        )
    );

    let e = invoke::build(&ChatRequest::new("titan-embed-text-v2").user("x"), &opts()).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (TranslationErrorKind::Unsupported, "model")
    );
    let e = invoke::build(&ChatRequest::new("acme.unknown-v1").user("x"), &opts()).unwrap_err();
    assert_eq!(e.path(), "model");
    // Errors of the shared Converse pass come through unchanged.
    let e = invoke::build(&ChatRequest::new("nova-pro"), &opts()).unwrap_err();
    assert_eq!(e.path(), "messages");
}

#[test]
fn native_request_headers_and_dropped_settings() {
    let mut req = ChatRequest::new("llama3-3-70b")
        .user("hi")
        .stop("###")
        .json_schema("s", json!({}));
    req.guardrail = Some(bedrock_wire::model::GuardrailConfig {
        identifier: "gr-1".into(),
        version: "2".into(),
        trace: Some(bedrock_wire::model::GuardrailTrace::Enabled),
        stream_processing_mode: None,
    });
    req.service_tier = Some(bedrock_wire::model::ServiceTier::Flex);
    let built = invoke::build(&req, &opts().stream(true)).unwrap();
    assert_eq!(
        built.path,
        "/model/us.meta.llama3-3-70b-instruct-v1%3A0/invoke-with-response-stream"
    );
    assert_eq!(
        built.headers,
        vec![
            (
                "x-amzn-bedrock-guardrailidentifier".to_owned(),
                "gr-1".to_owned()
            ),
            ("x-amzn-bedrock-guardrailversion".to_owned(), "2".to_owned()),
            ("x-amzn-bedrock-trace".to_owned(), "ENABLED".to_owned()),
            ("x-amzn-bedrock-service-tier".to_owned(), "flex".to_owned()),
        ]
    );
    assert_eq!(built.dropped, vec!["structured_output", "stop"]);
}

#[test]
fn malformed_native_responses_name_the_path() {
    let m = InvokeMetrics::default();
    for (dialect, body, path) in [
        (
            Dialect::Anthropic,
            json!({"content": [{"type": "text"}]}),
            "content[0].text",
        ),
        (Dialect::Anthropic, json!({"content": 5}), "content"),
        (
            Dialect::Anthropic,
            json!({"content": [{"type": "tool_use", "id": "x", "name": 3}]}),
            "content[0].name",
        ),
        (
            Dialect::Titan,
            json!({"results": [{"outputText": 1}]}),
            "results[0].outputText",
        ),
        (
            Dialect::Llama3,
            json!({"prompt_token_count": 1}),
            "generation",
        ),
        (
            Dialect::MistralPrompt,
            json!({"outputs": [{}]}),
            "outputs[0].text",
        ),
        (Dialect::OpenAiChat, json!({"choices": []}), "choices"),
        (
            Dialect::OpenAiChat,
            json!({"choices": [{"message": {"tool_calls": [{"function": {"name": "f", "arguments": "{oops"}}]}}]}),
            "choices[0].message.tool_calls[0].function.arguments",
        ),
        (
            Dialect::Cohere,
            json!({"tool_calls": [{"parameters": {}}]}),
            "tool_calls[0].name",
        ),
        (
            Dialect::DeepSeek,
            json!({"choices": [{"text": null}]}),
            "choices[0].text",
        ),
        (Dialect::Nova, json!({"output": {}}), "output.message"),
    ] {
        let e = invoke::parse_response(dialect, body.to_string().as_bytes(), &m).unwrap_err();
        assert_eq!(e.path(), path, "{dialect:?} {body}");
    }
    for d in DIALECTS {
        assert_eq!(
            invoke::parse_response(d, b"{not json", &m)
                .unwrap_err()
                .kind(),
            TranslationErrorKind::MalformedJson
        );
        assert!(invoke::parse_response(d, b"[]", &m).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256), which in 0usize..9) {
        let d = DIALECTS[which];
        let _ = invoke::parse_response(d, &bytes, &InvokeMetrics::default());
        let mut t = InvokeStreamTranslator::new(d);
        let mut out = Vec::new();
        let _ = t.push_chunk(&bytes, &mut out);
        let _ = t.finish(&mut out);
    }

    #[test]
    fn arbitrary_json_chunks_never_panic(
        keys in proptest::collection::vec(prop_oneof![
            Just("type"), Just("index"), Just("delta"), Just("text"), Just("generation"),
            Just("outputs"), Just("choices"), Just("stop_reason"), Just("completionReason"),
            Just("contentBlockDelta"), Just("messageStop"), Just("event_type"), Just("tool_calls"),
            Just("amazon-bedrock-invocationMetrics"), Just("content_block"), Just("is_finished"),
        ], 0..6),
        values in proptest::collection::vec(prop_oneof![
            Just(json!(null)), Just(json!(1)), Just(json!(-1)), Just(json!("message_stop")),
            Just(json!("content_block_delta")), Just(json!("x")), Just(json!([])), Just(json!({})),
            Just(json!({"type": "text_delta", "text": "a"})), Just(json!([{"text": "a", "stop_reason": "stop"}])),
            Just(json!({"inputTokenCount": 1})), Just(json!(u64::MAX)), Just(json!(true)),
        ], 0..6),
        which in 0usize..9,
    ) {
        let mut obj = serde_json::Map::new();
        for (k, v) in keys.iter().zip(values.iter()) {
            obj.insert((*k).to_owned(), v.clone());
        }
        let bytes = serde_json::to_vec(&obj).unwrap();
        let d = DIALECTS[which];
        let mut t = InvokeStreamTranslator::new(d);
        let mut out = Vec::new();
        let _ = t.push_chunk(&bytes, &mut out);
        let _ = t.push_chunk(&bytes, &mut out);
        let _ = t.finish(&mut out);
        let _ = invoke::parse_response(d, &bytes, &InvokeMetrics::default());
    }
}

#[test]
fn mistral_chat_tool_ids_become_nine_alphanumerics_consistently() {
    let req = ChatRequest::new("mistral.mistral-large-2407-v1:0")
        .user("weather?")
        .message(Message::new(
            Role::Assistant,
            vec![ContentPart::tool_use("toolu_bdrk_01XyZ", "w", json!({}))],
        ))
        .message(Message::new(
            Role::User,
            vec![ContentPart::tool_result("toolu_bdrk_01XyZ", "sunny")],
        ))
        .tool(bedrock_wire::model::Tool::new(
            "w",
            "weather",
            json!({"type": "object"}),
        ));
    let built = invoke::build(&req, &opts()).unwrap();
    let body: serde_json::Value = serde_json::from_slice(&built.body).unwrap();
    let id = body["messages"][1]["tool_calls"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(id.len(), 9);
    assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(body["messages"][2]["tool_call_id"], id.as_str());
    // Other families keep the id.
    let mut other = req.clone();
    other.model = "jamba-1-5-large".into();
    let body: serde_json::Value =
        serde_json::from_slice(&invoke::build(&other, &opts()).unwrap().body).unwrap();
    assert_eq!(
        body["messages"][1]["tool_calls"][0]["id"],
        "toolu_bdrk_01XyZ"
    );
}
