//! OpenAI chat.completions both ways.

use bedrock_wire::model::{
    BlockDelta, BlockStart, ChatResponse, ContentPart, Reasoning, ReasoningEffort, Role,
    StopReason, StreamEvent, ToolChoice, Usage,
};
use bedrock_wire::openai::{self, ChunkRenderer};
use bedrock_wire::translation_error::TranslationErrorKind;
use serde_json::json;

#[test]
fn parses_a_full_request() {
    let body = json!({
        "model": "bedrock/claude-sonnet-4-5",
        "messages": [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "calling", "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"}
        ],
        "tools": [{"type": "function", "function": {"name": "f", "description": "F", "parameters": {"type": "object"}}}],
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "max_tokens": 10, "max_completion_tokens": 20, "top_p": 0.3, "stop": ["a", "b"],
        "reasoning_effort": "high", "stream": true, "stream_options": {"include_usage": true}
    });
    let p = openai::parse_request(&serde_json::to_vec(&body).unwrap()).unwrap();
    assert!(p.stream && p.include_usage);
    let r = p.request;
    assert_eq!(r.max_tokens, Some(20), "max_completion_tokens wins");
    assert_eq!(r.stop, vec!["a", "b"]);
    assert_eq!(r.tool_choice, Some(ToolChoice::Tool { name: "f".into() }));
    assert_eq!(
        r.reasoning,
        Some(Reasoning::Effort {
            effort: ReasoningEffort::High
        })
    );
    assert_eq!(r.messages.len(), 3);
    assert_eq!(
        r.messages[1].content[1],
        ContentPart::tool_use("c1", "f", json!({"a": 1}))
    );
    assert_eq!(r.messages[2].role, Role::User);
    assert_eq!(
        r.messages[2].content[0],
        ContentPart::tool_result("c1", "42")
    );
}

#[test]
fn request_errors_name_the_path() {
    let cases: &[(serde_json::Value, &str, TranslationErrorKind)] = &[
        (
            json!({"messages": []}),
            "model",
            TranslationErrorKind::MissingField,
        ),
        (
            json!({"model": "m", "messages": [{"role": "wizard", "content": "x"}]}),
            "messages[0].role",
            TranslationErrorKind::InvalidValue,
        ),
        (
            json!({"model": "m", "messages": [{"role": "user", "content": [{"type": "audio"}]}]}),
            "messages[0].content[0].type",
            TranslationErrorKind::InvalidValue,
        ),
        (
            json!({"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"id": "c", "function": {"name": "f", "arguments": "{"}}]}]}),
            "messages[0].tool_calls[0].function.arguments",
            TranslationErrorKind::InvalidValue,
        ),
        (
            json!({"model": "m", "messages": [], "max_tokens": -1}),
            "max_tokens",
            TranslationErrorKind::WrongType,
        ),
        (
            json!({"model": "m", "messages": [], "temperature": "hot"}),
            "temperature",
            TranslationErrorKind::WrongType,
        ),
        (
            json!({"model": "m", "messages": [], "tool_choice": "sometimes"}),
            "tool_choice",
            TranslationErrorKind::InvalidValue,
        ),
        (
            json!({"model": "m", "messages": [], "reasoning_effort": "extreme"}),
            "reasoning_effort",
            TranslationErrorKind::InvalidValue,
        ),
    ];
    for (body, path, kind) in cases {
        let err = openai::parse_request(&serde_json::to_vec(body).unwrap()).unwrap_err();
        assert_eq!((err.path(), err.kind()), (*path, *kind), "{body}: {err}");
    }
}

#[test]
fn renders_a_chat_completion() {
    let r = ChatResponse {
        content: vec![
            ContentPart::Reasoning {
                text: "hmm".into(),
                signature: Some("s".into()),
            },
            ContentPart::text("Let me check."),
            ContentPart::tool_use("t1", "f", json!({"a": 1})),
        ],
        stop_reason: StopReason::ToolUse,
        usage: Usage {
            input_tokens: 5,
            output_tokens: 7,
            total_tokens: 12,
            cache_read_input_tokens: 100,
            ..Usage::default()
        },
        latency_ms: Some(3),
        additional_model_response_fields: None,
    };
    let v = openai::render_response(&r, "claude", "chatcmpl-9", 1_700_000_000);
    assert_eq!(
        v,
        json!({
            "id": "chatcmpl-9", "object": "chat.completion", "created": 1_700_000_000u64, "model": "claude",
            "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
                "role": "assistant", "content": "Let me check.", "reasoning_content": "hmm",
                "tool_calls": [{"id": "t1", "type": "function", "function": {"name": "f", "arguments": "{\"a\":1}"}}]
            }}],
            "usage": {"prompt_tokens": 105, "completion_tokens": 7, "total_tokens": 112, "prompt_tokens_details": {"cached_tokens": 100}}
        })
    );
    let empty = ChatResponse {
        stop_reason: StopReason::MaxTokens,
        ..ChatResponse::default()
    };
    let v = openai::render_response(&empty, "m", "i", 0);
    assert!(v["choices"][0]["message"]["content"].is_null());
    assert_eq!(v["choices"][0]["finish_reason"], "length");
}

#[test]
fn renders_chunks() {
    let mut r = ChunkRenderer::new("id", "m", 1, false);
    let events = [
        StreamEvent::MessageStart {
            role: Role::Assistant,
        },
        StreamEvent::BlockStart {
            index: 0,
            block: BlockStart::Reasoning,
        },
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::ReasoningText { text: "r".into() },
        },
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::ReasoningSignature {
                signature: "s".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 1,
            delta: BlockDelta::Text { text: "t".into() },
        },
        StreamEvent::BlockStart {
            index: 2,
            block: BlockStart::ToolUse {
                id: "x".into(),
                name: "f".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 2,
            delta: BlockDelta::ToolInput { json: "{}".into() },
        },
        StreamEvent::MessageDelta {
            stop_reason: StopReason::GuardrailIntervened,
            additional_model_response_fields: None,
        },
        StreamEvent::Metadata {
            usage: Some(Usage::default()),
            latency_ms: None,
        },
        StreamEvent::MessageStop,
    ];
    let chunks: Vec<_> = events.iter().flat_map(|e| r.render(e)).collect();
    let deltas: Vec<_> = chunks
        .iter()
        .map(|c| c["choices"][0]["delta"].clone())
        .collect();
    assert_eq!(
        deltas,
        vec![
            json!({"role": "assistant", "content": ""}),
            json!({"reasoning_content": "r"}),
            json!({"content": "t"}),
            json!({"tool_calls": [{"index": 0, "id": "x", "type": "function", "function": {"name": "f", "arguments": ""}}]}),
            json!({"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}),
            json!({}),
        ]
    );
    assert_eq!(chunks[5]["choices"][0]["finish_reason"], "content_filter");
    assert!(chunks[0]["choices"][0]["finish_reason"].is_null());
}

#[test]
fn usage_chunk_is_last_even_when_metadata_comes_first() {
    let mut r = ChunkRenderer::new("id", "m", 1, true);
    let usage = Usage {
        input_tokens: 2,
        output_tokens: 3,
        total_tokens: 5,
        ..Usage::default()
    };
    let events = [
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::Text { text: "t".into() },
        },
        StreamEvent::Metadata {
            usage: Some(usage),
            latency_ms: None,
        },
        StreamEvent::MessageDelta {
            stop_reason: StopReason::EndTurn,
            additional_model_response_fields: None,
        },
        StreamEvent::MessageStop,
    ];
    let chunks: Vec<_> = events.iter().flat_map(|e| r.render(e)).collect();
    assert_eq!(chunks.len(), 3);
    assert_eq!(chunks[1]["choices"][0]["finish_reason"], "stop");
    assert_eq!(chunks[2]["choices"], json!([]));
    assert_eq!(chunks[2]["usage"]["total_tokens"], 5);
}
