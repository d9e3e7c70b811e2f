//! Property tests: bad input never panics, it gives a typed error.

use bedrock_wire::converse::{self, BuildOptions};
use bedrock_wire::event;
use bedrock_wire::model::ChatRequest;
use bedrock_wire::openai;
use eventstream::{HeaderValue, Message};
use proptest::prelude::*;
use serde_json::{Value, json};

const EVENT_TYPES: &[&str] = &[
    "messageStart",
    "contentBlockStart",
    "contentBlockDelta",
    "contentBlockStop",
    "messageStop",
    "metadata",
    "chunk",
    "somethingElse",
];

fn valid_response() -> Value {
    json!({
        "output": {"message": {"role": "assistant", "content": [
            {"text": "hi"},
            {"toolUse": {"toolUseId": "t", "name": "n", "input": {"a": [1, 2]}}},
            {"reasoningContent": {"reasoningText": {"text": "r", "signature": "s"}}},
            {"reasoningContent": {"redactedContent": "AQID"}},
            {"citationsContent": {"content": [{"text": "c"}], "citations": [{"title": "t", "sourceContent": [{"text": "x"}], "location": {"web": {"url": "u"}}}]}}
        ]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3, "cacheReadInputTokens": 4,
                  "cacheWriteInputTokens": 5, "cacheDetails": [{"ttl": "5m", "inputTokens": 5}]},
        "metrics": {"latencyMs": 10}
    })
}

fn valid_events() -> Vec<(&'static str, Value)> {
    vec![
        ("messageStart", json!({"role": "assistant", "p": "ab"})),
        (
            "contentBlockStart",
            json!({"contentBlockIndex": 1, "start": {"toolUse": {"toolUseId": "t", "name": "n"}}}),
        ),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"text": "x"}}),
        ),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": "AQID"}}}),
        ),
        (
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"citation": {"title": "t", "sourceContent": [{"text": "s"}]}}}),
        ),
        ("contentBlockStop", json!({"contentBlockIndex": 0})),
        ("messageStop", json!({"stopReason": "end_turn"})),
        (
            "metadata",
            json!({"usage": {"inputTokens": 1, "cacheDetails": [{"ttl": "1h", "inputTokens": 2}]}, "metrics": {"latencyMs": 3}}),
        ),
        ("chunk", json!({"bytes": "eyJhIjoxfQ=="})),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Replaces the `pick`-th node (in pre-order) of `v` by `with`.
fn mutate(v: &mut Value, pick: &mut usize, with: &Value) -> bool {
    if *pick == 0 {
        *v = with.clone();
        return true;
    }
    *pick -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| mutate(x, pick, with)),
        Value::Object(m) => m.values_mut().any(|x| mutate(x, pick, with)),
        _ => false,
    }
}

fn event_message(ty: &str, payload: Vec<u8>) -> Message {
    Message::new(payload)
        .with_header(":event-type", HeaderValue::string(ty))
        .with_header(":message-type", HeaderValue::string("event"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_response_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = converse::parse_response(&bytes);
        let _ = openai::parse_request(&bytes);
    }

    #[test]
    fn parse_response_never_panics_on_mutations(pick in 0usize..64, with in arb_json()) {
        let mut v = valid_response();
        let mut p = pick;
        mutate(&mut v, &mut p, &with);
        if let Err(e) = converse::parse_response(&serde_json::to_vec(&v).unwrap()) {
            prop_assert!(!e.path().is_empty());
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn event_parse_never_panics_on_bytes(
        ty in prop::sample::select(EVENT_TYPES),
        bytes in prop::collection::vec(any::<u8>(), 0..128),
    ) {
        let _ = event::parse(&event_message(ty, bytes));
    }

    #[test]
    fn event_parse_errors_name_a_path_on_mutations(
        which in 0usize..9,
        pick in 0usize..16,
        with in arb_json(),
    ) {
        let events = valid_events();
        let (ty, mut v) = events[which % events.len()].clone();
        let mut p = pick;
        mutate(&mut v, &mut p, &with);
        let m = event_message(ty, serde_json::to_vec(&v).unwrap());
        if let Err(e) = event::parse(&m) {
            prop_assert!(e.path().starts_with(ty), "{} {}", e, v);
        }
        // And the translator survives whatever came out.
        let mut t = bedrock_wire::translate::ConverseStreamTranslator::new();
        let mut out = Vec::new();
        let _ = t.push_message(&m, &mut out);
        let _ = t.finish(&mut out);
    }

    #[test]
    fn openai_parse_never_panics_on_mutations(pick in 0usize..48, with in arb_json()) {
        let mut v = json!({
            "model": "nova-pro",
            "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": [{"type": "text", "text": "x"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
                {"role": "assistant", "content": null, "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c", "content": "r"}
            ],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}],
            "tool_choice": "auto", "max_tokens": 5, "temperature": 0.5, "stop": ["x"],
            "response_format": {"type": "json_schema", "json_schema": {"name": "n", "schema": {}}},
            "reasoning_effort": "low", "stream": true
        });
        let mut p = pick;
        mutate(&mut v, &mut p, &with);
        if let Ok(parsed) = openai::parse_request(&serde_json::to_vec(&v).unwrap()) {
            // Whatever parsed must build or fail with a typed error, never panic.
            let _ = converse::build(&parsed.request, &BuildOptions::new("us-east-1"));
        }
    }

    #[test]
    fn build_never_panics_on_mutated_golden_requests(
        which in 0usize..64,
        pick in 0usize..64,
        with in arb_json(),
    ) {
        let requests = golden_requests();
        let mut v = requests[which % requests.len()].clone();
        let mut p = pick;
        mutate(&mut v, &mut p, &with);
        if let Ok(req) = serde_json::from_value::<ChatRequest>(v) {
            match converse::build(&req, &BuildOptions::new("eu-west-1").stream(true)) {
                Ok(built) => {
                    let body: Value = serde_json::from_slice(&built.body).unwrap();
                    prop_assert!(body["messages"].is_array());
                    prop_assert!(built.path.starts_with("/model/"));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
    }
}

fn golden_requests() -> Vec<Value> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/converse");
    let mut out = Vec::new();
    for e in std::fs::read_dir(root).unwrap() {
        let p = e.unwrap().path().join("request.json");
        if let Ok(s) = std::fs::read_to_string(p) {
            out.push(serde_json::from_str(&s).unwrap());
        }
    }
    assert!(!out.is_empty());
    out
}

fn arb_event() -> impl Strategy<Value = bedrock_wire::event::BedrockEvent> {
    use bedrock_wire::event::BedrockEvent as E;
    use bedrock_wire::model::{BlockDelta, BlockStart, Role, StopReason};
    let idx = 0u32..4;
    prop_oneof![
        Just(E::MessageStart {
            role: Role::Assistant
        }),
        (idx.clone(), ".{0,4}").prop_map(|(index, id)| E::ContentBlockStart {
            index,
            start: Some(BlockStart::ToolUse {
                id,
                name: "f".into()
            })
        }),
        idx.clone()
            .prop_map(|index| E::ContentBlockStart { index, start: None }),
        (idx.clone(), ".{0,4}", 0u8..6).prop_map(|(index, text, k)| E::ContentBlockDelta {
            index,
            delta: match k {
                0 => Some(BlockDelta::Text { text }),
                1 => Some(BlockDelta::ToolInput { json: text }),
                2 => Some(BlockDelta::ReasoningText { text }),
                3 => Some(BlockDelta::ReasoningSignature { signature: text }),
                4 => Some(BlockDelta::RedactedReasoning {
                    data: text.into_bytes()
                }),
                _ => None,
            }
        }),
        idx.prop_map(|index| E::ContentBlockStop { index }),
        Just(E::MessageStop {
            stop_reason: StopReason::EndTurn,
            additional_model_response_fields: None
        }),
        Just(E::Metadata {
            usage: None,
            latency_ms: Some(1)
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Whatever order Bedrock events come in, the output is well formed: one MessageStart
    /// first, every block delta/stop after its block's start, one MessageStop last.
    #[test]
    fn translator_output_is_well_formed(events in prop::collection::vec(arb_event(), 0..24)) {
        use bedrock_wire::model::StreamEvent as S;
        let mut t = bedrock_wire::translate::ConverseStreamTranslator::new();
        let mut out = Vec::new();
        for e in events {
            t.push(e, &mut out).unwrap();
        }
        let finished = t.finish(&mut out);
        prop_assert_eq!(finished.is_ok(), t.is_complete());
        let mut started = Vec::new();
        let mut stopped = Vec::new();
        for (i, e) in out.iter().enumerate() {
            match e {
                S::MessageStart { .. } => prop_assert_eq!(i, 0),
                S::BlockStart { index, .. } => {
                    prop_assert!(!started.contains(index));
                    started.push(*index);
                }
                S::BlockDelta { index, .. } => {
                    prop_assert!(started.contains(index));
                    prop_assert!(!stopped.contains(index));
                }
                S::BlockStop { index } => {
                    prop_assert!(started.contains(index));
                    prop_assert!(!stopped.contains(index));
                    stopped.push(*index);
                }
                S::MessageStop => prop_assert_eq!(i, out.len() - 1),
                S::MessageDelta { .. } | S::Metadata { .. } => {}
            }
        }
        if finished.is_ok() {
            prop_assert_eq!(out.last(), Some(&S::MessageStop));
            prop_assert_eq!(started.len(), stopped.len());
        }
    }
}
