//! Converse build edge cases and response parsing.

use bedrock_wire::converse::{self, BuildOptions, MAX_IMAGE_BYTES, Warning};
use bedrock_wire::model::{
    CacheDetail, CacheTtl, ChatRequest, Citation, ContentPart, ImageFormat, MediaSource, Message,
    Role, StopReason, Usage,
};
use bedrock_wire::translation_error::TranslationErrorKind;
use serde_json::{Value, json};

fn built_body(req: &ChatRequest) -> (Value, Vec<Warning>) {
    let built = converse::build(req, &BuildOptions::new("us-east-1")).unwrap();
    (serde_json::from_slice(&built.body).unwrap(), built.warnings)
}

#[test]
fn image_size_limit_is_checked_on_raw_bytes() {
    let mut ok = vec![0u8; MAX_IMAGE_BYTES];
    ok[..8].copy_from_slice(b"\x89PNG\r\n\x1a\n");
    let req = ChatRequest::new("nova-pro").parts(
        Role::User,
        vec![ContentPart::Image {
            format: None,
            source: MediaSource::Bytes { data: ok.clone() },
        }],
    );
    let (_, w) = built_body(&req);
    assert_eq!(
        w,
        vec![Warning::ImageFormatDetected {
            format: ImageFormat::Png
        }]
    );
    ok.push(0);
    let req = ChatRequest::new("nova-pro").parts(
        Role::User,
        vec![
            ContentPart::text("x"),
            ContentPart::image(ImageFormat::Png, ok),
        ],
    );
    let err = converse::build(&req, &BuildOptions::default()).unwrap_err();
    assert_eq!(err.kind(), TranslationErrorKind::LimitExceeded);
    assert_eq!(err.path(), "messages[0].content[1]");
    assert!(err.to_string().contains("3932161 bytes"), "{err}");
}

#[test]
fn oversized_data_uri_is_refused_before_decoding() {
    let url = format!("data:image/png;base64,{}", "A".repeat(6 * 1024 * 1024));
    let req = ChatRequest::new("nova-pro").parts(Role::User, vec![ContentPart::image_url(url)]);
    let err = converse::build(&req, &BuildOptions::default()).unwrap_err();
    assert_eq!(err.kind(), TranslationErrorKind::LimitExceeded);
    assert_eq!(err.path(), "messages[0].content[0].source.url");
    let req = ChatRequest::new("nova-pro").parts(
        Role::User,
        vec![ContentPart::image_url("data:image/png,raw")],
    );
    let err = converse::build(&req, &BuildOptions::default()).unwrap_err();
    assert_eq!(err.kind(), TranslationErrorKind::InvalidValue);
    let req = ChatRequest::new("nova-pro").parts(
        Role::User,
        vec![ContentPart::image_url("data:image/png;base64,@@@")],
    );
    assert_eq!(
        converse::build(&req, &BuildOptions::default())
            .unwrap_err()
            .kind(),
        TranslationErrorKind::InvalidValue
    );
}

#[test]
fn video_urls_are_unsupported() {
    let req = ChatRequest::new("nova-pro").parts(
        Role::User,
        vec![ContentPart::Video {
            format: bedrock_wire::model::VideoFormat::Mp4,
            source: MediaSource::Url {
                url: "https://x/y.mp4".into(),
            },
        }],
    );
    let err = converse::build(&req, &BuildOptions::default()).unwrap_err();
    assert_eq!(
        (err.kind(), err.path()),
        (
            TranslationErrorKind::Unsupported,
            "messages[0].content[0].source"
        )
    );
}

#[test]
fn document_names_are_stable_across_calls() {
    let req = ChatRequest::new("claude-sonnet-4").parts(
        Role::User,
        vec![
            ContentPart::document(
                bedrock_wire::model::DocumentFormat::Pdf,
                "my_file (1).pdf",
                b"%PDF".to_vec(),
            ),
            ContentPart::text("x"),
        ],
    );
    let a = converse::build(&req, &BuildOptions::default()).unwrap();
    let b = converse::build(&req, &BuildOptions::default()).unwrap();
    assert_eq!(a.body, b.body);
    let v: Value = serde_json::from_slice(&a.body).unwrap();
    assert_eq!(
        v["messages"][0]["content"][0]["document"]["name"],
        "my-file (1)-pdf"
    );
    let long = "x".repeat(300);
    assert_eq!(converse::sanitize_document_name(&long).len(), 200);
    assert_eq!(converse::sanitize_document_name("  ..  "), "--");
    assert_eq!(converse::sanitize_document_name("   "), "");
}

#[test]
fn five_auto_and_manual_cache_points_become_four() {
    let req = ChatRequest::new("claude-sonnet-4-5")
        .system("sys")
        .message(Message::new(
            Role::User,
            vec![
                ContentPart::text("a"),
                ContentPart::cache_point(CacheTtl::OneHour),
            ],
        ))
        .assistant("b")
        .message(Message::new(
            Role::User,
            vec![
                ContentPart::text("c"),
                ContentPart::cache_point(CacheTtl::OneHour),
            ],
        ))
        .assistant("d")
        .message(Message::new(
            Role::User,
            vec![
                ContentPart::text("e"),
                ContentPart::cache_point(CacheTtl::OneHour),
            ],
        ))
        .tool(bedrock_wire::model::Tool::new(
            "t",
            "d",
            json!({"type": "object"}),
        ))
        .auto_cache(CacheTtl::OneHour);
    let (v, w) = built_body(&req);
    let count = v.to_string().matches("cachePoint").count();
    assert_eq!(count, 4);
    assert!(
        w.contains(&Warning::CachePointsPlaced { count: 2 }),
        "{w:?}"
    );
    assert!(
        w.contains(&Warning::CachePointsDropped {
            count: 1,
            reason: "Bedrock allows at most 4 cache points"
        }),
        "{w:?}"
    );
    // The tools' point (the earliest) is the one dropped.
    assert_eq!(v["toolConfig"]["tools"].as_array().unwrap().len(), 1);
}

#[test]
fn model_edge_cases() {
    let err =
        converse::build(&ChatRequest::new(" ").user("x"), &BuildOptions::default()).unwrap_err();
    assert_eq!(err.path(), "model");
    let built = converse::build(
        &ChatRequest::new("arn:aws:bedrock:eu-central-1::foundation-model/amazon.nova-pro-v1:0")
            .user("x"),
        &BuildOptions::new("us-east-1").stream(true),
    )
    .unwrap();
    assert_eq!(
        built.path,
        "/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A%3Afoundation-model%2Famazon.nova-pro-v1%3A0/converse-stream"
    );
    assert_eq!(built.family, bedrock_wire::models::Family::Nova);
}

#[test]
fn parse_response_every_block_kind() {
    let body = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": "think ", "signature": "sig"}}},
            {"reasoningContent": {"redactedContent": "AAE="}},
            {"text": "Hello"},
            {"citationsContent": {"content": [{"text": " world"}], "citations": [{"title": "doc", "source": "s3://b/k", "sourceContent": [{"text": "w"}], "location": {"documentPage": {"documentIndex": 0, "start": 1, "end": 2}}}]}},
            {"toolUse": {"toolUseId": "t1", "name": "f", "input": {"x": 1}}},
            {"image": {"format": "png", "source": {"bytes": "AA=="}}},
            {"someFutureBlock": {"x": 1}}
        ]}},
        "stopReason": "malformed_tool_use",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 45, "cacheReadInputTokens": 20, "cacheWriteInputTokens": 10,
                  "cacheDetails": [{"ttl": "1h", "inputTokens": 6}, {"ttl": "5m", "inputTokens": 4}]},
        "metrics": {"latencyMs": 77},
        "additionalModelResponseFields": {"stop_sequence": "END"},
        "trace": {"guardrail": {}},
        "performanceConfig": {"latency": "optimized"},
        "serviceTier": {"type": "flex"}
    });
    let r = converse::parse_response(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert_eq!(
        r.content,
        vec![
            ContentPart::Reasoning {
                text: "think ".into(),
                signature: Some("sig".into())
            },
            ContentPart::RedactedReasoning { data: vec![0, 1] },
            ContentPart::text("Hello"),
            ContentPart::Citations {
                content: vec![" world".into()],
                citations: vec![Citation {
                    title: Some("doc".into()),
                    source: Some("s3://b/k".into()),
                    source_content: vec!["w".into()],
                    location: json!({"documentPage": {"documentIndex": 0, "start": 1, "end": 2}}),
                }],
            },
            ContentPart::tool_use("t1", "f", json!({"x": 1})),
        ]
    );
    assert_eq!(r.stop_reason, StopReason::MalformedToolUse);
    assert_eq!(
        r.usage,
        Usage {
            input_tokens: 10,
            output_tokens: 5,
            total_tokens: 45,
            cache_read_input_tokens: 20,
            cache_write_input_tokens: 10,
            cache_details: vec![
                CacheDetail {
                    ttl: CacheTtl::OneHour,
                    input_tokens: 6
                },
                CacheDetail {
                    ttl: CacheTtl::FiveMinutes,
                    input_tokens: 4
                }
            ],
        }
    );
    assert_eq!(r.latency_ms, Some(77));
    assert_eq!(
        r.additional_model_response_fields,
        Some(json!({"stop_sequence": "END"}))
    );
    assert_eq!(r.text(), "Hello world");
    assert_eq!(r.reasoning(), "think ");
    // The response replays as the next assistant turn.
    let next = ChatRequest::new("claude-sonnet-4")
        .user("q")
        .message(r.message())
        .user("more");
    let (v, _) = built_body(&next);
    assert_eq!(
        v["messages"][1]["content"][0]["reasoningContent"]["reasoningText"]["signature"],
        "sig"
    );
    assert_eq!(
        v["messages"][1]["content"][3]["citationsContent"]["citations"][0]["title"],
        "doc"
    );
}

#[test]
fn parse_response_errors_name_the_path() {
    let cases: &[(&str, &str, TranslationErrorKind)] = &[
        ("{", "$", TranslationErrorKind::MalformedJson),
        ("[]", "$", TranslationErrorKind::WrongType),
        ("{}", "output", TranslationErrorKind::MissingField),
        (
            r#"{"output":{"message":{"content":[{"text":1}]}},"stopReason":"end_turn"}"#,
            "output.message.content[0].text",
            TranslationErrorKind::WrongType,
        ),
        (
            r#"{"output":{"message":{"content":[{}]}},"stopReason":"end_turn"}"#,
            "output.message.content[0]",
            TranslationErrorKind::InvalidValue,
        ),
        (
            r#"{"output":{"message":{"content":[{"toolUse":{"name":"x"}}]}},"stopReason":"end_turn"}"#,
            "output.message.content[0].toolUse.toolUseId",
            TranslationErrorKind::MissingField,
        ),
        (
            r#"{"output":{"message":{"content":[]}}}"#,
            "stopReason",
            TranslationErrorKind::MissingField,
        ),
        (
            r#"{"output":{"message":{"content":[]}},"stopReason":"end_turn","usage":{"inputTokens":"3"}}"#,
            "usage.inputTokens",
            TranslationErrorKind::WrongType,
        ),
        (
            r#"{"output":{"message":{"content":[{"reasoningContent":{"redactedContent":"%%"}}]}},"stopReason":"end_turn"}"#,
            "output.message.content[0].reasoningContent.redactedContent",
            TranslationErrorKind::InvalidValue,
        ),
        (
            r#"{"output":{"message":{"content":[]}},"stopReason":"end_turn","metrics":{"latencyMs":1.5}}"#,
            "metrics.latencyMs",
            TranslationErrorKind::WrongType,
        ),
    ];
    for (body, path, kind) in cases {
        let err = converse::parse_response(body.as_bytes()).unwrap_err();
        assert_eq!((err.path(), err.kind()), (*path, *kind), "{body}: {err}");
    }
}

#[test]
fn warnings_serialize_with_a_kind_and_debug_hides_the_body() {
    let w = Warning::ReasoningBudgetRaised {
        from: 500,
        to: 1024,
    };
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({"kind": "reasoning_budget_raised", "from": 500, "to": 1024})
    );
    let w = Warning::ConsecutiveTurnsMerged {
        message: 2,
        role: Role::User,
    };
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        json!({"kind": "consecutive_turns_merged", "message": 2, "role": "user"})
    );
    let built = converse::build(
        &ChatRequest::new("nova-pro").user("secret words"),
        &BuildOptions::default(),
    )
    .unwrap();
    let dbg = format!("{built:?}");
    assert!(
        !dbg.contains("secret words") && dbg.contains("body_len"),
        "{dbg}"
    );
}

#[test]
fn non_finite_sampling_values_are_refused() {
    let err = converse::build(
        &ChatRequest::new("nova-pro").user("x").temperature(f64::NAN),
        &BuildOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.path()),
        (TranslationErrorKind::InvalidValue, "temperature")
    );
    let err = converse::build(
        &ChatRequest::new("nova-pro").user("x").top_p(f64::INFINITY),
        &BuildOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.path(), "top_p");
}

#[test]
fn tool_names_are_checked() {
    let req = ChatRequest::new("nova-pro")
        .user("x")
        .tool(bedrock_wire::model::Tool::new(
            "ok_name-1",
            "d",
            json!({"type": "object"}),
        ))
        .tool(bedrock_wire::model::Tool::new(
            "bad name",
            "d",
            json!({"type": "object"}),
        ));
    let err = converse::build(&req, &BuildOptions::default()).unwrap_err();
    assert_eq!(
        (err.kind(), err.path()),
        (TranslationErrorKind::InvalidValue, "tools[1].name")
    );
    let long = "a".repeat(65);
    let req = ChatRequest::new("nova-pro")
        .user("x")
        .tool(bedrock_wire::model::Tool::new(long, "d", json!({})));
    assert!(converse::build(&req, &BuildOptions::default()).is_err());
}
