//! ConverseStream: real captures, every split offset, hand-built streams, twins.

use std::path::Path;

use bedrock_wire::converse;
use bedrock_wire::event::{self, BedrockEvent, ExceptionKind};
use bedrock_wire::model::{
    Accumulator, BlockDelta, BlockStart, ChatResponse, ContentPart, Role, StopReason, StreamEvent,
    Usage,
};
use bedrock_wire::translate::{ConverseStreamTranslator, StreamError};
use eventstream::{Decoder, HeaderValue, Message};
use serde_json::json;

fn capture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bedrock-captures/extracted")
        .join(format!("{name}.eventstream"));
    std::fs::read(p).unwrap()
}

/// Decodes `bytes` fed in the given pieces and translates; returns the events or the error.
fn run_pieces(pieces: &[&[u8]]) -> Result<Vec<StreamEvent>, StreamError> {
    let mut decoder = Decoder::new();
    let mut t = ConverseStreamTranslator::new();
    let mut out = Vec::new();
    for piece in pieces {
        decoder.push(piece);
        while let Some(m) = decoder.next_message().expect("frames decode") {
            t.push_message(&m, &mut out)?;
        }
    }
    decoder.finish().expect("no leftover bytes");
    t.finish(&mut out)?;
    Ok(out)
}

fn run(bytes: &[u8]) -> Result<Vec<StreamEvent>, StreamError> {
    run_pieces(&[bytes])
}

fn accumulate(events: &[StreamEvent]) -> ChatResponse {
    let mut acc = Accumulator::new();
    for e in events {
        acc.push(e);
    }
    acc.finish().unwrap()
}

fn frame(event_type: &str, payload: serde_json::Value) -> Vec<u8> {
    let mut body = payload;
    body["p"] = json!("abcdefghijklmnop");
    Message::new(serde_json::to_vec(&body).unwrap())
        .with_header(":event-type", HeaderValue::string(event_type))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("event"))
        .to_bytes()
        .unwrap()
}

fn exception_frame(kind: &str, payload: &serde_json::Value) -> Vec<u8> {
    Message::new(serde_json::to_vec(payload).unwrap())
        .with_header(":exception-type", HeaderValue::string(kind))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("exception"))
        .to_bytes()
        .unwrap()
}

fn text_delta(i: u32, t: &str) -> Vec<u8> {
    frame(
        "contentBlockDelta",
        json!({"contentBlockIndex": i, "delta": {"text": t}}),
    )
}

fn concat(frames: &[Vec<u8>]) -> Vec<u8> {
    frames.concat()
}

fn every_split_agrees(bytes: &[u8], expected: &[StreamEvent]) {
    for k in 0..=bytes.len() {
        let (a, b) = bytes.split_at(k);
        assert_eq!(run_pieces(&[a, b]).unwrap(), expected, "split at {k}");
    }
    let singles: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(
        run_pieces(&singles).unwrap(),
        expected,
        "one byte at a time"
    );
}

const NOVA_TEXT: &str = "The capital of France is Paris. Paris is not only the capital city but also the most populous city in France, and it is a major center for culture, commerce, fashion, and international diplomacy. Known for its historical landmarks, such as the Eiffel Tower, the Louvre Museum, and Notre-Dame Cathedral, Paris is often referred to as \"The City of Light\" or \"The City of Love.\"";

#[test]
fn capture_text_stream() {
    let bytes = capture("test_bedrock_model_stream");
    let events = run(&bytes).unwrap();
    assert_eq!(events.len(), 1 + 1 + 29 + 1 + 1 + 1 + 1);
    assert_eq!(
        events[0],
        StreamEvent::MessageStart {
            role: Role::Assistant
        }
    );
    assert_eq!(
        events[1],
        StreamEvent::BlockStart {
            index: 0,
            block: BlockStart::Text
        }
    );
    assert_eq!(
        events[2],
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::Text { text: "The".into() }
        }
    );
    assert!(events[2..31].iter().all(|e| matches!(
        e,
        StreamEvent::BlockDelta {
            index: 0,
            delta: BlockDelta::Text { .. }
        }
    )));
    let tail = &events[31..];
    let usage = Usage {
        input_tokens: 13,
        output_tokens: 82,
        total_tokens: 95,
        ..Usage::default()
    };
    assert_eq!(
        tail,
        &[
            StreamEvent::BlockStop { index: 0 },
            StreamEvent::MessageDelta {
                stop_reason: StopReason::EndTurn,
                additional_model_response_fields: None
            },
            StreamEvent::Metadata {
                usage: Some(usage.clone()),
                latency_ms: Some(522)
            },
            StreamEvent::MessageStop,
        ]
    );
    let r = accumulate(&events);
    assert_eq!(r.text(), NOVA_TEXT);
    assert_eq!(r.usage, usage);
    // The non-streaming twin.
    let twin = json!({
        "output": {"message": {"role": "assistant", "content": [{"text": NOVA_TEXT}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 13, "outputTokens": 82, "totalTokens": 95, "serverToolUsage": {}},
        "metrics": {"latencyMs": 522}
    });
    assert_eq!(
        converse::parse_response(&serde_json::to_vec(&twin).unwrap()).unwrap(),
        r
    );
    every_split_agrees(&bytes, &events);
}

const THOUGHT: &str = "The user has greeted me with a simple \"Hello\". I should respond in a friendly and welcoming manner. This is a straightforward greeting, so I'll respond warmly and ask how I can help them today.";

#[test]
fn capture_reasoning_stream() {
    let bytes = capture("test_bedrock_model_thinking_part_stream");
    let events = run(&bytes).unwrap();
    assert_eq!(
        events[1],
        StreamEvent::BlockStart {
            index: 0,
            block: BlockStart::Reasoning
        }
    );
    let sig_at = events
        .iter()
        .position(|e| {
            matches!(
                e,
                StreamEvent::BlockDelta {
                    delta: BlockDelta::ReasoningSignature { .. },
                    ..
                }
            )
        })
        .unwrap();
    assert_eq!(sig_at, 2 + 14);
    assert_eq!(events[sig_at + 1], StreamEvent::BlockStop { index: 0 });
    assert_eq!(
        events[sig_at + 2],
        StreamEvent::BlockStart {
            index: 1,
            block: BlockStart::Text
        }
    );
    let r = accumulate(&events);
    let ContentPart::Reasoning { text, signature } = &r.content[0] else {
        panic!("{:?}", r.content)
    };
    assert_eq!(text, THOUGHT);
    let signature = signature.as_deref().unwrap();
    assert!(
        signature
            .starts_with("Eu0CCkgIBxABGAIqQJDccbDQkr81n7QjZ0Fi43umSvw0YvnGkMPEpaGAa2btYHyWw06Khw")
    );
    assert_eq!(
        r.text(),
        "Hello! It's nice to meet you. How can I help you today?"
    );
    assert_eq!(
        (r.usage.input_tokens, r.usage.output_tokens, r.latency_ms),
        (36, 73, Some(1999))
    );
    let twin = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"reasoningText": {"text": THOUGHT, "signature": signature}}},
            {"text": "Hello! It's nice to meet you. How can I help you today?"}
        ]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 36, "outputTokens": 73, "totalTokens": 109},
        "metrics": {"latencyMs": 1999}
    });
    assert_eq!(
        converse::parse_response(&serde_json::to_vec(&twin).unwrap()).unwrap(),
        r
    );
    every_split_agrees(&bytes, &events);
}

#[test]
fn capture_tool_stream() {
    let bytes = capture("TestConverseStream.test_invoke_tool_message");
    let events = run(&bytes).unwrap();
    let frag = |s: &str| StreamEvent::BlockDelta {
        index: 0,
        delta: BlockDelta::ToolInput { json: s.into() },
    };
    assert_eq!(
        events,
        vec![
            StreamEvent::MessageStart {
                role: Role::Assistant
            },
            StreamEvent::BlockStart {
                index: 0,
                block: BlockStart::ToolUse {
                    id: "tooluse_p0X002uYQ9y_0fFkBsyYRg".into(),
                    name: "top_song".into()
                }
            },
            frag(""),
            frag("{\""),
            frag("sign\": \"W"),
            frag("ZPZ\"}"),
            StreamEvent::BlockStop { index: 0 },
            StreamEvent::MessageDelta {
                stop_reason: StopReason::ToolUse,
                additional_model_response_fields: None
            },
            StreamEvent::Metadata {
                usage: Some(Usage {
                    input_tokens: 353,
                    output_tokens: 38,
                    total_tokens: 391,
                    ..Usage::default()
                }),
                latency_ms: Some(924)
            },
            StreamEvent::MessageStop,
        ]
    );
    let r = accumulate(&events);
    assert_eq!(
        r.tool_calls(),
        vec![(
            "tooluse_p0X002uYQ9y_0fFkBsyYRg",
            "top_song",
            &json!({"sign": "WZPZ"})
        )]
    );
    let twin = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "tooluse_p0X002uYQ9y_0fFkBsyYRg", "name": "top_song", "input": {"sign": "WZPZ"}}}
        ]}},
        "stopReason": "tool_use",
        "usage": {"inputTokens": 353, "outputTokens": 38, "totalTokens": 391},
        "metrics": {"latencyMs": 924}
    });
    assert_eq!(
        converse::parse_response(&serde_json::to_vec(&twin).unwrap()).unwrap(),
        r
    );
    every_split_agrees(&bytes, &events);
}

#[test]
fn exceptions_mid_stream_end_with_a_typed_error() {
    let cases = [
        (
            "internalServerException",
            ExceptionKind::InternalServer,
            500,
            true,
        ),
        (
            "modelStreamErrorException",
            ExceptionKind::ModelStreamError,
            424,
            true,
        ),
        ("validationException", ExceptionKind::Validation, 400, false),
        ("throttlingException", ExceptionKind::Throttling, 429, true),
        (
            "serviceUnavailableException",
            ExceptionKind::ServiceUnavailable,
            503,
            true,
        ),
    ];
    for (kind, expected_kind, status, retryable) in cases {
        let mut payload = json!({"message": format!("boom from {kind}")});
        if kind == "modelStreamErrorException" {
            payload["originalStatusCode"] = json!(529);
            payload["originalMessage"] = json!("overloaded");
        }
        let bytes = concat(&[
            frame("messageStart", json!({"role": "assistant"})),
            text_delta(0, "partial "),
            text_delta(0, "output"),
            exception_frame(kind, &payload),
            text_delta(0, "never seen"),
        ]);
        let err = run(&bytes).unwrap_err();
        let StreamError::Exception(e) = err else {
            panic!("{kind}: {err:?}")
        };
        assert_eq!(e.exception_type, kind);
        assert_eq!(e.kind, expected_kind);
        assert_eq!(e.message, format!("boom from {kind}"));
        assert_eq!(e.status(), status);
        assert_eq!(e.is_retryable(), retryable);
        assert!(!e.error_frame);
        if kind == "modelStreamErrorException" {
            assert_eq!(e.original_status_code, Some(529));
            assert_eq!(e.original_message.as_deref(), Some("overloaded"));
            assert_eq!(
                e.to_string(),
                "modelStreamErrorException: boom from modelStreamErrorException (model status 529: overloaded)"
            );
        }
    }
    // The generic error frame: code and message in headers, no body.
    let error = Message::new(Vec::new())
        .with_header(":error-code", HeaderValue::string("InternalFailure"))
        .with_header(
            ":error-message",
            HeaderValue::string("An internal error occurred"),
        )
        .with_header(":message-type", HeaderValue::string("error"))
        .to_bytes()
        .unwrap();
    let bytes = concat(&[
        frame("messageStart", json!({"role": "assistant"})),
        text_delta(0, "x"),
        error,
    ]);
    let StreamError::Exception(e) = run(&bytes).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        (e.exception_type.as_str(), e.message.as_str(), e.error_frame),
        ("InternalFailure", "An internal error occurred", true)
    );
    assert_eq!(e.kind, ExceptionKind::Other);
}

#[test]
fn exception_with_a_non_json_payload_keeps_the_text() {
    let m = Message::new(&b"plain words"[..])
        .with_header(
            ":exception-type",
            HeaderValue::string("throttlingException"),
        )
        .with_header(":message-type", HeaderValue::string("exception"));
    let BedrockEvent::Exception(e) = event::parse(&m).unwrap() else {
        panic!()
    };
    assert_eq!(e.message, "plain words");
}

#[test]
fn metadata_before_message_stop() {
    let bytes = concat(&[
        frame("messageStart", json!({"role": "assistant"})),
        text_delta(0, "Hi"),
        frame("contentBlockStop", json!({"contentBlockIndex": 0})),
        frame(
            "metadata",
            json!({"usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4,
            "cacheReadInputTokens": 100, "cacheWriteInputTokens": 20,
            "cacheDetails": [{"ttl": "1h", "inputTokens": 20}]}, "metrics": {"latencyMs": 9}}),
        ),
        frame("messageStop", json!({"stopReason": "end_turn"})),
    ]);
    let events = run(&bytes).unwrap();
    assert!(matches!(
        events[events.len() - 3],
        StreamEvent::Metadata { .. }
    ));
    assert!(matches!(
        events[events.len() - 2],
        StreamEvent::MessageDelta { .. }
    ));
    assert_eq!(events.last(), Some(&StreamEvent::MessageStop));
    let r = accumulate(&events);
    assert_eq!(r.usage.cache_read_input_tokens, 100);
    assert_eq!(r.usage.cache_details[0].input_tokens, 20);
    assert_eq!(r.usage.prompt_tokens(), 123);
}

#[test]
fn message_stop_without_metadata_completes_at_finish() {
    let bytes = concat(&[
        text_delta(0, "Hi"),
        frame("messageStop", json!({"stopReason": "stop_sequence"})),
    ]);
    let events = run(&bytes).unwrap();
    assert_eq!(
        events.first(),
        Some(&StreamEvent::MessageStart {
            role: Role::Assistant
        })
    );
    assert_eq!(events.last(), Some(&StreamEvent::MessageStop));
    // The open block was closed before the message delta.
    assert!(events.contains(&StreamEvent::BlockStop { index: 0 }));
    assert_eq!(accumulate(&events).stop_reason, StopReason::StopSequence);
}

#[test]
fn two_parallel_tool_calls_keep_their_fragments_apart() {
    let start = |i: u32, id: &str, name: &str| {
        frame(
            "contentBlockStart",
            json!({"contentBlockIndex": i, "start": {"toolUse": {"toolUseId": id, "name": name}}}),
        )
    };
    let input = |i: u32, s: &str| {
        frame(
            "contentBlockDelta",
            json!({"contentBlockIndex": i, "delta": {"toolUse": {"input": s}}}),
        )
    };
    let bytes = concat(&[
        frame("messageStart", json!({"role": "assistant"})),
        text_delta(0, "Checking both."),
        frame("contentBlockStop", json!({"contentBlockIndex": 0})),
        start(1, "t1", "weather"),
        start(2, "t2", "weather"),
        input(1, "{\"city\":"),
        input(2, "{\"city\":\"Ro"),
        input(1, "\"Paris\"}"),
        input(2, "me\"}"),
        frame("contentBlockStop", json!({"contentBlockIndex": 2})),
        frame("contentBlockStop", json!({"contentBlockIndex": 1})),
        frame("messageStop", json!({"stopReason": "tool_use"})),
        frame(
            "metadata",
            json!({"usage": {"inputTokens": 1, "outputTokens": 2, "totalTokens": 3}}),
        ),
    ]);
    let events = run(&bytes).unwrap();
    let r = accumulate(&events);
    assert_eq!(
        r.content,
        vec![
            ContentPart::text("Checking both."),
            ContentPart::tool_use("t1", "weather", json!({"city": "Paris"})),
            ContentPart::tool_use("t2", "weather", json!({"city": "Rome"})),
        ]
    );
    assert_eq!(r.stop_reason, StopReason::ToolUse);
    // And as OpenAI chunks: two tool calls with indices 0 and 1.
    let mut renderer = bedrock_wire::openai::ChunkRenderer::new("c", "m", 0, true);
    let chunks: Vec<_> = events.iter().flat_map(|e| renderer.render(e)).collect();
    let calls: Vec<_> = chunks
        .iter()
        .filter_map(|c| {
            c["choices"][0]["delta"]["tool_calls"][0]
                .as_object()
                .cloned()
        })
        .collect();
    assert_eq!(calls[0]["index"], 0);
    assert_eq!(calls[0]["id"], "t1");
    assert_eq!(calls[1]["index"], 1);
    assert_eq!(calls[1]["function"]["name"], "weather");
    assert_eq!(calls[2]["function"]["arguments"], "{\"city\":");
    assert_eq!(calls[3]["index"], 1);
    let finish: Vec<_> = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["finish_reason"].as_str())
        .collect();
    assert_eq!(finish, vec!["tool_calls"]);
    assert_eq!(chunks.last().unwrap()["usage"]["total_tokens"], 3);
}

#[test]
fn redacted_reasoning_pieces_are_concatenated() {
    let red = |s: &str| {
        frame(
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"reasoningContent": {"redactedContent": s}}}),
        )
    };
    let bytes = concat(&[
        frame("messageStart", json!({"role": "assistant"})),
        red("AQID"),
        red("BAU="),
        frame("contentBlockStop", json!({"contentBlockIndex": 0})),
        text_delta(1, "ok"),
        frame("messageStop", json!({"stopReason": "end_turn"})),
        frame("metadata", json!({})),
    ]);
    let events = run(&bytes).unwrap();
    assert_eq!(
        events[1],
        StreamEvent::BlockStart {
            index: 0,
            block: BlockStart::Reasoning
        }
    );
    let r = accumulate(&events);
    assert_eq!(
        r.content[0],
        ContentPart::RedactedReasoning {
            data: vec![1, 2, 3, 4, 5]
        }
    );
    let twin = json!({
        "output": {"message": {"role": "assistant", "content": [
            {"reasoningContent": {"redactedContent": "AQIDBAU="}}, {"text": "ok"}]}},
        "stopReason": "end_turn"
    });
    assert_eq!(
        converse::parse_response(&serde_json::to_vec(&twin).unwrap()).unwrap(),
        r
    );
}

#[test]
fn citations_stream_accumulates_like_the_converse_response() {
    let location = json!({"documentChar": {"documentIndex": 0, "start": 0, "end": 24}});
    let bytes = concat(&[
        frame("messageStart", json!({"role": "assistant"})),
        text_delta(0, "Paris is the capital."),
        frame(
            "contentBlockDelta",
            json!({"contentBlockIndex": 0, "delta": {"citation": {
            "title": "facts", "sourceContent": [{"text": "Paris is the capital of France"}], "location": location}}}),
        ),
        frame("contentBlockStop", json!({"contentBlockIndex": 0})),
        frame("messageStop", json!({"stopReason": "end_turn"})),
        frame(
            "metadata",
            json!({"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}, "metrics": {"latencyMs": 5}}),
        ),
    ]);
    let events = run(&bytes).unwrap();
    let r = accumulate(&events);
    let twin = json!({
        "output": {"message": {"role": "assistant", "content": [{"citationsContent": {
            "content": [{"text": "Paris is the capital."}],
            "citations": [{"title": "facts", "sourceContent": [{"text": "Paris is the capital of France"}], "location": location}]
        }}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
        "metrics": {"latencyMs": 5}
    });
    assert_eq!(
        converse::parse_response(&serde_json::to_vec(&twin).unwrap()).unwrap(),
        r
    );
    assert_eq!(r.text(), "Paris is the capital.");
}

#[test]
fn truncated_streams_are_errors() {
    let bytes = capture("test_bedrock_model_stream");
    // Cut at a frame boundary before messageStop: the decoder is happy, the translator is not.
    let frames_json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/bedrock-captures/extracted/test_bedrock_model_stream.frames.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let stop_offset = frames_json["frames"][31]["offset"].as_u64().unwrap();
    let stop_offset = usize::try_from(stop_offset).unwrap();
    let err = run(&bytes[..stop_offset]).unwrap_err();
    assert_eq!(
        err,
        StreamError::Incomplete {
            started: true,
            blocks: 1
        }
    );
    assert!(err.to_string().contains("truncated"));
    // Cut inside a frame: the decoder reports it.
    let mut decoder = Decoder::new();
    decoder.push(&bytes[..stop_offset + 7]);
    while decoder.next_message().unwrap().is_some() {}
    assert!(decoder.finish().is_err());
    // Empty body.
    assert_eq!(
        run(&[]).unwrap_err(),
        StreamError::Incomplete {
            started: false,
            blocks: 0
        }
    );
}

#[test]
fn unknown_events_are_kept_not_dropped() {
    let m = Message::new(&br#"{"x":1,"p":"ab"}"#[..])
        .with_header(":event-type", HeaderValue::string("brandNewEvent"))
        .with_header(":message-type", HeaderValue::string("event"));
    let BedrockEvent::Unknown {
        message_type,
        event_type,
        payload,
    } = event::parse(&m).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (message_type.as_str(), event_type.as_str()),
        ("event", "brandNewEvent")
    );
    assert_eq!(&payload[..], br#"{"x":1,"p":"ab"}"#);
    // And the translator passes over it.
    let bytes = concat(&[
        Message::new(&b"{}"[..])
            .with_header(":event-type", HeaderValue::string("brandNewEvent"))
            .with_header(":message-type", HeaderValue::string("event"))
            .to_bytes()
            .unwrap(),
        text_delta(0, "x"),
        frame("messageStop", json!({"stopReason": "end_turn"})),
    ]);
    assert!(run(&bytes).is_ok());
}

#[test]
fn chunk_events_are_decoded() {
    let m = Message::new(&br#"{"bytes":"eyJhIjoxfQ==","p":"abc"}"#[..])
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(":message-type", HeaderValue::string("event"));
    assert_eq!(
        event::parse(&m).unwrap(),
        BedrockEvent::Chunk {
            bytes: br#"{"a":1}"#.to_vec()
        }
    );
    let bad = Message::new(&br#"{"bytes":"!!"}"#[..])
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(":message-type", HeaderValue::string("event"));
    assert_eq!(event::parse(&bad).unwrap_err().path(), "chunk.bytes");
}

#[test]
fn malformed_event_payloads_name_the_path() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":"zero","delta":{"text":"a"}}"#,
            "contentBlockDelta.contentBlockIndex",
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"text":5}}"#,
            "contentBlockDelta.delta.text",
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0}"#,
            "contentBlockDelta.delta",
        ),
        (
            "contentBlockDelta",
            r#"{"contentBlockIndex":0,"delta":{"toolUse":{}}}"#,
            "contentBlockDelta.delta.toolUse.input",
        ),
        (
            "contentBlockStart",
            r#"{"contentBlockIndex":0,"start":{"toolUse":{"name":"x"}}}"#,
            "contentBlockStart.start.toolUse.toolUseId",
        ),
        ("messageStop", r#"{"p":"abc"}"#, "messageStop.stopReason"),
        (
            "metadata",
            r#"{"usage":{"inputTokens":-1}}"#,
            "metadata.usage.inputTokens",
        ),
        (
            "metadata",
            r#"{"usage":{"cacheDetails":[{"ttl":"2d","inputTokens":1}]}}"#,
            "metadata.usage.cacheDetails[0].ttl",
        ),
        ("messageStart", r#"{"role":"robot"}"#, "messageStart.role"),
        ("messageStart", "not json", "messageStart"),
    ];
    for (ty, payload, path) in cases {
        let m = Message::new(payload.as_bytes().to_vec())
            .with_header(":event-type", HeaderValue::string(ty))
            .with_header(":message-type", HeaderValue::string("event"));
        let err = event::parse(&m).unwrap_err();
        assert_eq!(err.path(), *path, "{ty} {payload}: {err}");
    }
}

#[test]
fn errors_are_sticky_and_events_after_the_end_are_ignored() {
    let mut t = ConverseStreamTranslator::new();
    let mut out = Vec::new();
    let exc = BedrockEvent::Exception(bedrock_wire::event::StreamException {
        kind: ExceptionKind::Throttling,
        exception_type: "throttlingException".into(),
        message: "slow".into(),
        original_status_code: None,
        original_message: None,
        error_frame: false,
    });
    assert!(t.push(exc, &mut out).is_err());
    assert!(
        t.push(BedrockEvent::ContentBlockStop { index: 0 }, &mut out)
            .is_err()
    );
    assert!(t.finish(&mut out).is_err());
    assert!(out.is_empty());
}

#[test]
fn invoke_stream_captures_decode_their_chunks() {
    for name in [
        "TestInvokeModelWithStreamResponse.test_invoke",
        "TestNovaInvokeModelWithResponseStream.test_nova_micro_streaming",
    ] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bedrock-captures/extracted");
        let frames: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.frames.json"))).unwrap(),
        )
        .unwrap();
        let expected: Vec<&str> = frames["frames"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["chunk_bytes_decoded"].as_str().unwrap())
            .collect();
        let mut decoder = Decoder::new();
        decoder.push(&capture(name));
        let mut got = Vec::new();
        while let Some(m) = decoder.next_message().unwrap() {
            let BedrockEvent::Chunk { bytes } = event::parse(&m).unwrap() else {
                panic!("{name}: not a chunk")
            };
            got.push(String::from_utf8(bytes).unwrap());
        }
        decoder.finish().unwrap();
        assert_eq!(got, expected, "{name}");
        // A ConverseStream translator ignores chunk events; without messageStop it fails.
        assert!(matches!(
            run(&capture(name)),
            Err(StreamError::Incomplete { .. })
        ));
    }
}
