//! The provider-neutral model: serde shapes, constructors, the accumulator.

use bedrock_wire::model::{
    Accumulator, BlockDelta, BlockStart, CacheTtl, ChatRequest, ChatResponse, Citation,
    ContentPart, Reasoning, ReasoningEffort, Role, StopReason, StreamEvent, Usage,
};
use serde_json::json;

#[test]
fn request_serializes_compactly_and_round_trips() {
    let req = ChatRequest::new("claude-sonnet-4-5")
        .system("Be brief.")
        .user("hi")
        .max_tokens(100)
        .reasoning(Reasoning::Effort {
            effort: ReasoningEffort::High,
        })
        .auto_cache(CacheTtl::OneHour);
    let v = serde_json::to_value(&req).unwrap();
    assert_eq!(
        v,
        json!({
            "model": "claude-sonnet-4-5",
            "system": [{"type": "text", "text": "Be brief."}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "max_tokens": 100,
            "reasoning": {"type": "effort", "effort": "high"},
            "auto_cache": "1h"
        })
    );
    let back: ChatRequest = serde_json::from_value(v).unwrap();
    assert_eq!(back, req);
}

#[test]
fn bytes_are_base64_and_bad_base64_is_an_error() {
    let part = ContentPart::RedactedReasoning {
        data: vec![0, 1, 2, 255],
    };
    let v = serde_json::to_value(&part).unwrap();
    assert_eq!(v, json!({"type": "redacted_reasoning", "data": "AAEC/w=="}));
    let bad = json!({"type": "redacted_reasoning", "data": "!!"});
    let err = serde_json::from_value::<ContentPart>(bad).unwrap_err();
    assert!(err.to_string().contains("base64"), "{err}");
}

#[test]
fn unknown_stop_reason_is_kept() {
    let r: StopReason = serde_json::from_value(json!("something_new")).unwrap();
    assert_eq!(r, StopReason::Unknown("something_new".into()));
    assert_eq!(serde_json::to_value(&r).unwrap(), json!("something_new"));
    let r: StopReason = serde_json::from_value(json!("model_context_window_exceeded")).unwrap();
    assert_eq!(r, StopReason::ModelContextWindowExceeded);
}

#[test]
fn accumulator_orders_blocks_and_parses_tool_input() {
    let events = vec![
        StreamEvent::MessageStart {
            role: Role::Assistant,
        },
        StreamEvent::BlockDelta {
            index: 1,
            delta: BlockDelta::Text { text: "Hi".into() },
        },
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::ReasoningText {
                text: "think".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::ReasoningSignature {
                signature: "sig".into(),
            },
        },
        StreamEvent::BlockStart {
            index: 2,
            block: BlockStart::ToolUse {
                id: "t1".into(),
                name: "f".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 2,
            delta: BlockDelta::ToolInput {
                json: "{\"a\":".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 2,
            delta: BlockDelta::ToolInput { json: "1}".into() },
        },
        StreamEvent::BlockStart {
            index: 3,
            block: BlockStart::ToolUse {
                id: "t2".into(),
                name: "g".into(),
            },
        },
        StreamEvent::BlockDelta {
            index: 4,
            delta: BlockDelta::RedactedReasoning { data: vec![1, 2] },
        },
        StreamEvent::BlockDelta {
            index: 4,
            delta: BlockDelta::RedactedReasoning { data: vec![3] },
        },
        StreamEvent::MessageDelta {
            stop_reason: StopReason::ToolUse,
            additional_model_response_fields: None,
        },
        StreamEvent::Metadata {
            usage: Some(Usage {
                input_tokens: 1,
                output_tokens: 2,
                total_tokens: 3,
                ..Usage::default()
            }),
            latency_ms: Some(7),
        },
        StreamEvent::MessageStop,
    ];
    let mut acc = Accumulator::new();
    for e in &events {
        acc.push(e);
    }
    let r = acc.finish().unwrap();
    assert_eq!(
        r,
        ChatResponse {
            content: vec![
                ContentPart::Reasoning {
                    text: "think".into(),
                    signature: Some("sig".into())
                },
                ContentPart::text("Hi"),
                ContentPart::tool_use("t1", "f", json!({"a": 1})),
                ContentPart::tool_use("t2", "g", json!({})),
                ContentPart::RedactedReasoning {
                    data: vec![1, 2, 3]
                },
            ],
            stop_reason: StopReason::ToolUse,
            usage: Usage {
                input_tokens: 1,
                output_tokens: 2,
                total_tokens: 3,
                ..Usage::default()
            },
            latency_ms: Some(7),
            additional_model_response_fields: None,
        }
    );
    // Stream events are serde too.
    for e in &events {
        let back: StreamEvent = serde_json::from_value(serde_json::to_value(e).unwrap()).unwrap();
        assert_eq!(&back, e);
    }
}

#[test]
fn accumulator_turns_cited_text_into_a_citations_block() {
    let mut acc = Accumulator::new();
    acc.push(&StreamEvent::BlockDelta {
        index: 0,
        delta: BlockDelta::Text {
            text: "Paris".into(),
        },
    });
    let citation = Citation {
        title: Some("doc".into()),
        source: None,
        source_content: vec!["Paris is the capital".into()],
        location: json!({"documentChar": {"documentIndex": 0, "start": 0, "end": 20}}),
    };
    acc.push(&StreamEvent::BlockDelta {
        index: 0,
        delta: BlockDelta::Citation {
            citation: citation.clone(),
        },
    });
    let r = acc.finish().unwrap();
    assert_eq!(
        r.content,
        vec![ContentPart::Citations {
            content: vec!["Paris".into()],
            citations: vec![citation]
        }]
    );
    assert_eq!(r.text(), "Paris");
}

#[test]
fn accumulator_rejects_broken_tool_json_with_a_path() {
    let mut acc = Accumulator::new();
    acc.push(&StreamEvent::BlockDelta {
        index: 3,
        delta: BlockDelta::ToolInput {
            json: "{\"a\"".into(),
        },
    });
    let err = acc.finish().unwrap_err();
    assert_eq!(err.path(), "content[3].toolUse.input");
}

#[test]
fn truncated_tool_input_is_kept_raw_when_the_stop_reason_says_so() {
    let mut acc = Accumulator::new();
    acc.push(&StreamEvent::BlockStart {
        index: 0,
        block: BlockStart::ToolUse {
            id: "t".into(),
            name: "f".into(),
        },
    });
    acc.push(&StreamEvent::BlockDelta {
        index: 0,
        delta: BlockDelta::ToolInput {
            json: "{\"city\":\"Os".into(),
        },
    });
    acc.push(&StreamEvent::MessageDelta {
        stop_reason: StopReason::MaxTokens,
        additional_model_response_fields: None,
    });
    let r = acc.finish().unwrap();
    assert_eq!(
        r.content,
        vec![ContentPart::tool_use("t", "f", json!("{\"city\":\"Os"))]
    );
}
