//! InvokeModelWithResponseStream: the two real captures (Anthropic with two tool uses, Nova),
//! split at every offset, and hand-built streams for every family, exceptions, truncation.

use std::path::Path;

use bedrock_wire::event::ExceptionKind;
use bedrock_wire::invoke::{Dialect, InvokeStreamTranslator};
use bedrock_wire::model::{
    Accumulator, BlockDelta, BlockStart, ChatResponse, ContentPart, Role, StopReason, StreamEvent,
};
use bedrock_wire::translate::StreamError;
use eventstream::{Decoder, HeaderValue, Message};
use serde_json::json;

fn capture(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/bedrock-captures/extracted")
        .join(format!("{name}.eventstream"));
    std::fs::read(p).unwrap()
}

const ANTHROPIC: &str = "TestInvokeModelWithStreamResponse.test_invoke";
const NOVA: &str = "TestNovaInvokeModelWithResponseStream.test_nova_micro_streaming";

fn run_pieces(dialect: Dialect, pieces: &[&[u8]]) -> Result<Vec<StreamEvent>, StreamError> {
    let mut decoder = Decoder::new();
    let mut t = InvokeStreamTranslator::new(dialect);
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

fn accumulate(events: &[StreamEvent]) -> ChatResponse {
    let mut acc = Accumulator::new();
    for e in events {
        acc.push(e);
    }
    acc.finish().unwrap()
}

fn text_delta(index: u32, text: &str) -> StreamEvent {
    StreamEvent::BlockDelta {
        index,
        delta: BlockDelta::Text { text: text.into() },
    }
}

fn tool_delta(index: u32, json: &str) -> StreamEvent {
    StreamEvent::BlockDelta {
        index,
        delta: BlockDelta::ToolInput { json: json.into() },
    }
}

#[test]
fn anthropic_capture_decodes_into_text_then_two_tool_uses() {
    let events = run_pieces(Dialect::Anthropic, &[&capture(ANTHROPIC)]).unwrap();
    let mut expected = vec![
        StreamEvent::MessageStart {
            role: Role::Assistant,
        },
        StreamEvent::BlockStart {
            index: 0,
            block: BlockStart::Text,
        },
    ];
    for t in [
        "Of",
        " course! I",
        "'d be happy to get",
        " you the current temperature",
        " and population information for San Francisco.",
        " Let me fetch that",
        " data for you right",
        " away.",
    ] {
        expected.push(text_delta(0, t));
    }
    expected.push(StreamEvent::BlockStop { index: 0 });
    expected.push(StreamEvent::BlockStart {
        index: 1,
        block: BlockStart::ToolUse {
            id: "toolu_bdrk_01CquHF9otnnrgxxx54tVxau".into(),
            name: "get_current_weather_info".into(),
        },
    });
    for j in ["{\"city\": ", "\"S", "an Fra", "ncisco\"}"] {
        expected.push(tool_delta(1, j));
    }
    expected.push(StreamEvent::BlockStop { index: 1 });
    expected.push(StreamEvent::BlockStart {
        index: 2,
        block: BlockStart::ToolUse {
            id: "toolu_bdrk_017gKMzG8LV5r3snEuhgaSvt".into(),
            name: "get_current_population_info".into(),
        },
    });
    for j in ["{\"ci", "ty", "\": \"San ", "Francisc", "o\"}"] {
        expected.push(tool_delta(2, j));
    }
    expected.push(StreamEvent::BlockStop { index: 2 });
    expected.push(StreamEvent::MessageDelta {
        stop_reason: StopReason::ToolUse,
        additional_model_response_fields: None,
    });
    let StreamEvent::Metadata {
        usage: Some(u),
        latency_ms,
    } = &events[events.len() - 2]
    else {
        panic!("metadata before the stop: {:?}", &events[events.len() - 2]);
    };
    // amazon-bedrock-invocationMetrics wins over message_delta's own count (130).
    assert_eq!(
        (u.input_tokens, u.output_tokens, u.total_tokens),
        (702, 98, 800)
    );
    assert_eq!(*latency_ms, Some(3042));
    assert_eq!(&events[..events.len() - 2], &expected[..]);
    assert_eq!(events.last(), Some(&StreamEvent::MessageStop));

    let r = accumulate(&events);
    assert_eq!(
        r.text(),
        "Of course! I'd be happy to get you the current temperature and population information for San Francisco. Let me fetch that data for you right away."
    );
    assert_eq!(
        r.tool_calls(),
        vec![
            (
                "toolu_bdrk_01CquHF9otnnrgxxx54tVxau",
                "get_current_weather_info",
                &json!({"city": "San Francisco"})
            ),
            (
                "toolu_bdrk_017gKMzG8LV5r3snEuhgaSvt",
                "get_current_population_info",
                &json!({"city": "San Francisco"})
            ),
        ]
    );
    assert_eq!(r.stop_reason, StopReason::ToolUse);
}

#[test]
fn nova_capture_decodes_and_accumulates() {
    let events = run_pieces(Dialect::Nova, &[&capture(NOVA)]).unwrap();
    assert_eq!(
        events[0],
        StreamEvent::MessageStart {
            role: Role::Assistant
        }
    );
    assert_eq!(events.last(), Some(&StreamEvent::MessageStop));
    let r = accumulate(&events);
    assert_eq!(
        r.text(),
        "The three primary colors are red, blue, and yellow."
    );
    assert_eq!(r.content.len(), 4, "four text blocks, as sent");
    assert_eq!(r.stop_reason, StopReason::EndTurn);
    assert_eq!(
        (
            r.usage.input_tokens,
            r.usage.output_tokens,
            r.usage.total_tokens
        ),
        (12, 13, 25)
    );
    assert_eq!(r.latency_ms, Some(244));
}

#[test]
fn captures_split_at_every_offset_give_the_same_events() {
    for (dialect, name) in [(Dialect::Anthropic, ANTHROPIC), (Dialect::Nova, NOVA)] {
        let bytes = capture(name);
        let whole = run_pieces(dialect, &[&bytes]).unwrap();
        for cut in 1..bytes.len() {
            let (a, b) = bytes.split_at(cut);
            assert_eq!(
                run_pieces(dialect, &[a, b]).unwrap(),
                whole,
                "{name} split at {cut}"
            );
        }
        let ones: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(
            run_pieces(dialect, &ones).unwrap(),
            whole,
            "{name} byte by byte"
        );
    }
}

#[test]
fn capture_cut_before_its_last_frame_is_incomplete() {
    let bytes = capture(ANTHROPIC);
    // Decode every frame but the last (message_stop).
    let mut decoder = Decoder::new();
    decoder.push(&bytes);
    let mut frames = Vec::new();
    while let Some(m) = decoder.next_message().unwrap() {
        frames.push(m);
    }
    let mut t = InvokeStreamTranslator::new(Dialect::Anthropic);
    let mut out = Vec::new();
    for m in &frames[..frames.len() - 2] {
        t.push_message(m, &mut out).unwrap();
    }
    assert!(matches!(
        t.finish(&mut out),
        Err(StreamError::Incomplete {
            started: true,
            blocks: 3
        })
    ));
}

fn chunk(json: &serde_json::Value) -> Message {
    use base64::Engine as _;
    let b = base64::engine::general_purpose::STANDARD.encode(json.to_string());
    Message::new(json!({"bytes": b, "p": "abc"}).to_string().into_bytes())
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("event"))
}

fn exception(kind: &str, message: &str) -> Message {
    Message::new(json!({"message": message}).to_string().into_bytes())
        .with_header(":exception-type", HeaderValue::string(kind))
        .with_header(":message-type", HeaderValue::string("exception"))
}

fn translate(dialect: Dialect, messages: &[Message]) -> Result<Vec<StreamEvent>, StreamError> {
    let mut t = InvokeStreamTranslator::new(dialect);
    let mut out = Vec::new();
    for m in messages {
        t.push_message(m, &mut out)?;
    }
    t.finish(&mut out)?;
    Ok(out)
}

#[test]
fn model_timeout_exception_ends_the_stream_with_a_typed_error() {
    let err = translate(
        Dialect::Llama3,
        &[
            chunk(&json!({"generation": "Hel", "stop_reason": null})),
            exception("modelTimeoutException", "Model has timed out"),
        ],
    )
    .unwrap_err();
    let StreamError::Exception(x) = err else {
        panic!("{err:?}")
    };
    assert_eq!(x.kind, ExceptionKind::ModelTimeout);
    assert_eq!(x.status(), 408);
    assert_eq!(x.message, "Model has timed out");
}

#[test]
fn every_exception_kind_is_typed() {
    for (kind, want) in [
        ("internalServerException", ExceptionKind::InternalServer),
        ("modelStreamErrorException", ExceptionKind::ModelStreamError),
        ("validationException", ExceptionKind::Validation),
        ("throttlingException", ExceptionKind::Throttling),
        (
            "serviceUnavailableException",
            ExceptionKind::ServiceUnavailable,
        ),
    ] {
        let err = translate(Dialect::Anthropic, &[exception(kind, "x")]).unwrap_err();
        assert!(
            matches!(err, StreamError::Exception(ref x) if x.kind == want),
            "{kind}: {err:?}"
        );
    }
}

#[test]
fn anthropic_error_chunk_is_an_exception() {
    let err = translate(
        Dialect::Anthropic,
        &[chunk(&json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))],
    )
    .unwrap_err();
    assert!(
        matches!(err, StreamError::Exception(ref x) if x.exception_type == "overloaded_error" && x.message == "Overloaded")
    );
}

#[test]
fn anthropic_thinking_and_signature_deltas() {
    let events = translate(
        Dialect::Anthropic,
        &[
            chunk(&json!({"type":"message_start","message":{"role":"assistant","usage":{"input_tokens":10,"output_tokens":1,"cache_read_input_tokens":50}}})),
            chunk(&json!({"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}})),
            chunk(&json!({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me "}})),
            chunk(&json!({"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"think."}})),
            chunk(&json!({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQB"}})),
            chunk(&json!({"type":"content_block_stop","index":0})),
            chunk(&json!({"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"AQID"}})),
            chunk(&json!({"type":"content_block_stop","index":1})),
            chunk(&json!({"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}})),
            chunk(&json!({"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"42"}})),
            chunk(&json!({"type":"content_block_stop","index":2})),
            chunk(&json!({"type":"ping"})),
            chunk(&json!({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":30}})),
            chunk(&json!({"type":"message_stop"})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(
        r.content,
        vec![
            ContentPart::Reasoning {
                text: "Let me think.".into(),
                signature: Some("EqQB".into())
            },
            ContentPart::RedactedReasoning {
                data: vec![1, 2, 3]
            },
            ContentPart::text("42"),
        ]
    );
    // No invocation metrics: the model's own counts.
    assert_eq!(
        (
            r.usage.input_tokens,
            r.usage.output_tokens,
            r.usage.cache_read_input_tokens,
            r.usage.total_tokens
        ),
        (10, 30, 50, 90)
    );
}

#[test]
fn malformed_chunks_are_typed_errors_naming_the_chunk() {
    for (dialect, bad) in [
        (
            Dialect::Anthropic,
            json!({"type": "content_block_delta", "delta": {"type": "text_delta", "text": "x"}}),
        ),
        (Dialect::Anthropic, json!({"type": 5})),
        (
            Dialect::Nova,
            json!({"contentBlockDelta": {"delta": {"text": 1}, "contentBlockIndex": 0}}),
        ),
        (Dialect::Llama3, json!({"generation": 7})),
        (Dialect::Titan, json!({"outputText": ["x"]})),
        (Dialect::OpenAiChat, json!({"choices": "x"})),
    ] {
        let err = translate(dialect, &[chunk(&bad)]).unwrap_err();
        let StreamError::Invalid(e) = &err else {
            panic!("{bad}: {err:?}")
        };
        assert!(e.path().starts_with("chunk.bytes"), "{}", e.path());
    }
    // Not JSON at all.
    let m = Message::new(json!({"bytes": "bm90IGpzb24="}).to_string().into_bytes())
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(":message-type", HeaderValue::string("event"));
    assert!(matches!(
        translate(Dialect::Cohere, &[m]),
        Err(StreamError::Invalid(_))
    ));
}

fn metrics(i: u64, o: u64) -> serde_json::Value {
    json!({"inputTokenCount": i, "outputTokenCount": o, "invocationLatency": 100, "firstByteLatency": 20})
}

#[test]
fn titan_stream() {
    let events = translate(
        Dialect::Titan,
        &[
            chunk(&json!({"outputText": "Hello", "index": 0, "totalOutputTextTokenCount": 1, "completionReason": null, "inputTextTokenCount": 4})),
            chunk(&json!({"outputText": " world", "index": 0, "totalOutputTextTokenCount": 2, "completionReason": "FINISH", "inputTextTokenCount": null, "amazon-bedrock-invocationMetrics": metrics(4, 2)})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(
        (
            r.text().as_str(),
            r.stop_reason.clone(),
            r.usage.total_tokens
        ),
        ("Hello world", StopReason::EndTurn, 6)
    );
    let r = accumulate(
        &translate(
            Dialect::Titan,
            &[chunk(
                &json!({"outputText": "cut", "completionReason": "LENGTH"}),
            )],
        )
        .unwrap(),
    );
    assert_eq!(r.stop_reason, StopReason::MaxTokens);
}

#[test]
fn llama_stream_and_truncation() {
    let events = translate(
        Dialect::Llama4,
        &[
            chunk(&json!({"generation": "Par", "prompt_token_count": 9, "generation_token_count": 1, "stop_reason": null})),
            chunk(&json!({"generation": "is.", "prompt_token_count": null, "generation_token_count": 2, "stop_reason": "stop", "amazon-bedrock-invocationMetrics": metrics(9, 2)})),
        ],
    )
    .unwrap();
    assert_eq!(accumulate(&events).text(), "Paris.");
    let cut = translate(
        Dialect::Llama3,
        &[chunk(&json!({"generation": "Par", "stop_reason": null}))],
    );
    assert!(matches!(
        cut,
        Err(StreamError::Incomplete {
            started: true,
            blocks: 1
        })
    ));
    assert!(matches!(
        translate(Dialect::Llama3, &[]),
        Err(StreamError::Incomplete {
            started: false,
            blocks: 0
        })
    ));
}

#[test]
fn mistral_prompt_stream() {
    let events = translate(
        Dialect::MistralPrompt,
        &[
            chunk(&json!({"outputs": [{"text": "Bon", "stop_reason": null}]})),
            chunk(&json!({"outputs": [{"text": "jour", "stop_reason": "length"}], "amazon-bedrock-invocationMetrics": metrics(5, 2)})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(
        (
            r.text().as_str(),
            r.stop_reason.clone(),
            r.usage.input_tokens
        ),
        ("Bonjour", StopReason::MaxTokens, 5)
    );
}

#[test]
fn cohere_stream_with_tool_calls() {
    let events = translate(
        Dialect::Cohere,
        &[
            chunk(&json!({"is_finished": false, "event_type": "stream-start", "generation_id": "g"})),
            chunk(&json!({"is_finished": false, "event_type": "text-generation", "text": "Checking."})),
            chunk(&json!({"is_finished": false, "event_type": "tool-calls-generation", "tool_calls": [{"name": "weather", "parameters": {"city": "Oslo"}}, {"name": "time", "parameters": {}}]})),
            chunk(&json!({"is_finished": true, "event_type": "stream-end", "finish_reason": "COMPLETE", "amazon-bedrock-invocationMetrics": metrics(20, 7)})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(r.text(), "Checking.");
    assert_eq!(
        r.tool_calls(),
        vec![
            ("cohere-call-0", "weather", &json!({"city": "Oslo"})),
            ("cohere-call-1", "time", &json!({}))
        ]
    );
    assert_eq!(r.stop_reason, StopReason::ToolUse);
}

#[test]
fn chat_completions_stream_with_reasoning_and_tool_call_fragments() {
    let events = translate(
        Dialect::OpenAiChat,
        &[
            chunk(&json!({"choices": [{"index": 0, "delta": {"role": "assistant", "reasoning_content": "User wants "}}]})),
            chunk(&json!({"choices": [{"index": 0, "delta": {"reasoning_content": "weather."}}]})),
            chunk(&json!({"choices": [{"index": 0, "delta": {"content": "Let me look."}}]})),
            chunk(&json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "weather", "arguments": "{\"ci"}}]}}]})),
            chunk(&json!({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": "ty\":\"Oslo\"}"}}]}}]})),
            chunk(&json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}], "usage": {"prompt_tokens": 30, "completion_tokens": 12}})),
            chunk(&json!({"choices": [], "amazon-bedrock-invocationMetrics": metrics(31, 12)})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(r.reasoning(), "User wants weather.");
    assert_eq!(r.text(), "Let me look.");
    assert_eq!(
        r.tool_calls(),
        vec![("call_1", "weather", &json!({"city": "Oslo"}))]
    );
    assert_eq!(
        (r.stop_reason.clone(), r.usage.input_tokens),
        (StopReason::ToolUse, 31)
    );
}

#[test]
fn deepseek_stream_splits_reasoning_at_think_even_across_chunks() {
    let events = translate(
        Dialect::DeepSeek,
        &[
            chunk(&json!({"choices": [{"text": "Two plus two", "stop_reason": null}]})),
            chunk(&json!({"choices": [{"text": " is four.</th", "stop_reason": null}]})),
            chunk(&json!({"choices": [{"text": "ink>\n\n4", "stop_reason": null}]})),
            chunk(&json!({"choices": [{"text": ".", "stop_reason": "stop"}], "amazon-bedrock-invocationMetrics": metrics(8, 9)})),
        ],
    )
    .unwrap();
    let r = accumulate(&events);
    assert_eq!(r.reasoning(), "Two plus two is four.");
    assert_eq!(r.text(), "4.");
}

#[test]
fn chunks_after_completion_and_non_chunk_events_are_ignored() {
    let unknown = Message::new(b"{}".to_vec())
        .with_header(":event-type", HeaderValue::string("somethingNew"))
        .with_header(":message-type", HeaderValue::string("event"));
    let events = translate(
        Dialect::Titan,
        &[
            unknown,
            chunk(&json!({"outputText": "a", "completionReason": "FINISH", "amazon-bedrock-invocationMetrics": metrics(1, 1)})),
            chunk(&json!({"outputText": "b"})),
        ],
    )
    .unwrap();
    assert_eq!(accumulate(&events).text(), "a");
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == StreamEvent::MessageStop)
            .count(),
        1
    );
}

#[test]
fn capture_chunks_decode_to_the_recorded_chunk_bytes() {
    use bedrock_wire::event::{self, BedrockEvent};
    for name in [ANTHROPIC, NOVA] {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/bedrock-captures/extracted")
            .join(format!("{name}.frames.json"));
        let frames: serde_json::Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
        let want: Vec<&str> = frames["frames"]
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
                panic!()
            };
            got.push(String::from_utf8(bytes).unwrap());
        }
        assert_eq!(got, want, "{name}");
    }
}
