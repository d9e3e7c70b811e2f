//! Anthropic Messages on Bedrock (Claude).
//!
//! Body: `anthropic_version: "bedrock-2023-05-31"`, `max_tokens` (required: 4096 when not
//! given), `system` blocks, `messages` with `text`, `image` / `document` (base64 or text
//! sources), `tool_use`, `tool_result`, `thinking` / `redacted_thinking` blocks;
//! `temperature`, `top_p`, `top_k`, `stop_sequences`, `tools` with `input_schema`,
//! `tool_choice`, `thinking`. No `model` and no `stream` (the path carries both). A Converse
//! cache point becomes `cache_control: {"type": "ephemeral"}` (with `"ttl": "1h"`) on the block
//! before it. `anthropic_beta` and other extras come from `additional_model_request_fields`.
//!
//! Stream: `message_start`, `content_block_start` / `_delta` (`text_delta`,
//! `input_json_delta`, `thinking_delta`, `signature_delta`) / `_stop`, `message_delta` (stop
//! reason, output tokens), `message_stop` (with `amazon-bedrock-invocationMetrics`), `ping`,
//! `error`.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::converse::{DEFAULT_ANSWER_TOKENS, json as j};
use crate::model::{
    BlockDelta, BlockStart, ChatResponse, ContentPart, StopReason, StreamEvent, Usage,
};
use crate::translate::StreamError;
use crate::translation_error::{TranslationError, TranslationErrorKind};

use super::common::{Conv, ToolChoiceWire};
use super::merge_into;
use super::metrics::{InvokeMetrics, finish_total};
use super::stream::{Emit, bad_chunk, chunk_exception};

/// The `anthropic_version` Bedrock requires.
pub(crate) const ANTHROPIC_VERSION: &str = "bedrock-2023-05-31";

fn unsupported(path: &str, detail: &str) -> TranslationError {
    TranslationError::new(TranslationErrorKind::Unsupported, path, detail.to_owned())
}

fn cache_control(point: &Value) -> Value {
    match point.pointer("/cachePoint/ttl").and_then(Value::as_str) {
        Some("1h") => json!({ "type": "ephemeral", "ttl": "1h" }),
        _ => json!({ "type": "ephemeral" }),
    }
}

fn media_type_of_document(format: &str) -> Option<&'static str> {
    match format {
        "pdf" => Some("application/pdf"),
        "txt" | "md" | "csv" | "html" => Some("text/plain"),
        _ => None,
    }
}

fn source(
    v: &Value,
    media_type: &str,
    path: &str,
    text_ok: bool,
) -> Result<Value, TranslationError> {
    let src = v.get("source").unwrap_or(&Value::Null);
    if let Some(b) = src.get("bytes").and_then(Value::as_str) {
        if text_ok && media_type == "text/plain" {
            let raw = crate::converse::decode_b64(b, &format!("{path}.source.bytes"))?;
            let text = String::from_utf8(raw).map_err(|_| {
                TranslationError::invalid(
                    format!("{path}.source.bytes"),
                    "text document is not UTF-8",
                )
            })?;
            return Ok(json!({ "type": "text", "media_type": "text/plain", "data": text }));
        }
        return Ok(json!({ "type": "base64", "media_type": media_type, "data": b }));
    }
    if let Some(t) = src.get("text").and_then(Value::as_str) {
        return Ok(json!({ "type": "text", "media_type": "text/plain", "data": t }));
    }
    Err(unsupported(
        &format!("{path}.source"),
        "the Anthropic body takes inline bytes only (no S3 locations); use Converse",
    ))
}

/// One Converse content block as an Anthropic block (`None`: nothing to send).
fn block(b: &Value, path: &str) -> Result<Option<Value>, TranslationError> {
    let Some((kind, v)) = b.as_object().and_then(|m| m.iter().next()) else {
        return Ok(None);
    };
    let p = j::join(path, kind);
    Ok(Some(match kind.as_str() {
        "text" => json!({ "type": "text", "text": v }),
        "image" => {
            let format = v.get("format").and_then(Value::as_str).unwrap_or("png");
            json!({ "type": "image", "source": source(v, &format!("image/{format}"), &p, false)? })
        }
        "document" => {
            let format = v.get("format").and_then(Value::as_str).unwrap_or("");
            let mt = media_type_of_document(format).ok_or_else(|| {
                unsupported(
                    &j::join(&p, "format"),
                    "the Anthropic body takes pdf and text documents only; use Converse",
                )
            })?;
            let mut d = Map::new();
            d.insert("type".into(), json!("document"));
            d.insert("source".into(), source(v, mt, &p, true)?);
            if let Some(n) = v.get("name") {
                d.insert("title".into(), n.clone());
            }
            if let Some(c) = v.get("context") {
                d.insert("context".into(), c.clone());
            }
            if let Some(c) = v.get("citations") {
                d.insert("citations".into(), c.clone());
            }
            Value::Object(d)
        }
        "toolUse" => json!({
            "type": "tool_use",
            "id": v.get("toolUseId").cloned().unwrap_or(Value::Null),
            "name": v.get("name").cloned().unwrap_or(Value::Null),
            "input": v.get("input").cloned().unwrap_or_else(|| json!({})),
        }),
        "toolResult" => {
            let mut content = Vec::new();
            if let Some(Value::Array(parts)) = v.get("content") {
                for (i, c) in parts.iter().enumerate() {
                    let cp = j::index(&j::join(&p, "content"), i);
                    if let Some(js) = c.get("json") {
                        content.push(json!({ "type": "text", "text": js.to_string() }));
                    } else if let Some(b) = block(c, &cp)? {
                        content.push(b);
                    }
                }
            }
            let mut r = Map::new();
            r.insert("type".into(), json!("tool_result"));
            r.insert(
                "tool_use_id".into(),
                v.get("toolUseId").cloned().unwrap_or(Value::Null),
            );
            r.insert("content".into(), Value::Array(content));
            if v.get("status").and_then(Value::as_str) == Some("error") {
                r.insert("is_error".into(), Value::Bool(true));
            }
            Value::Object(r)
        }
        "reasoningContent" => {
            if let Some(rt) = v.get("reasoningText") {
                json!({
                    "type": "thinking",
                    "thinking": rt.get("text").cloned().unwrap_or_else(|| json!("")),
                    "signature": rt.get("signature").cloned().unwrap_or_else(|| json!("")),
                })
            } else if let Some(data) = v.get("redactedContent") {
                json!({ "type": "redacted_thinking", "data": data })
            } else {
                return Ok(None);
            }
        }
        "citationsContent" => {
            let text: String = v
                .get("content")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.get("text").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            json!({ "type": "text", "text": text })
        }
        "video" => {
            return Err(unsupported(
                &p,
                "the Anthropic body takes no video; use Converse",
            ));
        }
        _ => return Ok(None),
    }))
}

/// Converse blocks → Anthropic blocks, cache points folded into `cache_control`.
fn blocks(list: &[Value], path: &str) -> Result<Vec<Value>, TranslationError> {
    let mut out: Vec<Value> = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        if b.get("cachePoint").is_some() {
            if let Some(Value::Object(prev)) = out.last_mut() {
                prev.insert("cache_control".into(), cache_control(b));
            }
            continue;
        }
        if let Some(x) = block(b, &j::index(path, i))? {
            out.push(x);
        }
    }
    Ok(out)
}

pub(crate) fn build(
    mut conv: Conv,
    _dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    let mut body = Map::new();
    body.insert("anthropic_version".into(), json!(ANTHROPIC_VERSION));
    body.insert(
        "max_tokens".into(),
        conv.max_tokens()
            .unwrap_or_else(|| json!(DEFAULT_ANSWER_TOKENS)),
    );
    let system = blocks(&conv.system, "system")?;
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let mut messages = Vec::with_capacity(conv.messages.len());
    for (i, t) in conv.messages.iter().enumerate() {
        let content = blocks(&t.content, &format!("messages[{i}].content"))?;
        messages.push(json!({ "role": t.role, "content": content }));
    }
    body.insert("messages".into(), Value::Array(messages));
    if let Some(t) = conv.temperature() {
        body.insert("temperature".into(), t);
    }
    if let Some(p) = conv.top_p() {
        body.insert("top_p".into(), p);
    }
    if let Some(s) = conv.stop() {
        body.insert("stop_sequences".into(), s);
    }
    // Tools, with cache points folded in.
    if let Some(Value::Array(tools)) = conv.tool_config.as_ref().and_then(|t| t.get("tools")) {
        let mut out: Vec<Value> = Vec::new();
        for t in tools {
            if t.get("cachePoint").is_some() {
                if let Some(Value::Object(prev)) = out.last_mut() {
                    prev.insert("cache_control".into(), cache_control(t));
                }
                continue;
            }
            let Some(spec) = t.get("toolSpec") else {
                continue;
            };
            let mut m = Map::new();
            m.insert(
                "name".into(),
                spec.get("name").cloned().unwrap_or(Value::Null),
            );
            if let Some(d) = spec.get("description") {
                m.insert("description".into(), d.clone());
            }
            m.insert(
                "input_schema".into(),
                spec.pointer("/inputSchema/json")
                    .cloned()
                    .unwrap_or_else(|| json!({"type": "object"})),
            );
            out.push(Value::Object(m));
        }
        if !out.is_empty() {
            body.insert("tools".into(), Value::Array(out));
        }
    }
    match conv.tool_choice() {
        Some(ToolChoiceWire::Auto) => {
            body.insert("tool_choice".into(), json!({ "type": "auto" }));
        }
        Some(ToolChoiceWire::Any) => {
            body.insert("tool_choice".into(), json!({ "type": "any" }));
        }
        Some(ToolChoiceWire::Tool(name)) => {
            body.insert(
                "tool_choice".into(),
                json!({ "type": "tool", "name": name }),
            );
        }
        None => {}
    }
    // thinking, top_k, anthropic_beta and the caller's extras.
    merge_into(&mut body, conv.take_additional());
    Ok(Value::Object(body))
}

/// `tool_choice: none` with tools: the Messages body keeps the tools and says
/// `{"type": "none"}` (Converse has to drop them). True when that was done.
pub(crate) fn keep_tools_for_choice_none(
    req: &crate::model::ChatRequest,
    body: &mut Value,
) -> bool {
    if !matches!(req.tool_choice, Some(crate::model::ToolChoice::None)) || req.tools.is_empty() {
        return false;
    }
    let Some(b) = body.as_object_mut() else {
        return false;
    };
    let tools: Vec<Value> = req
        .tools
        .iter()
        .map(|t| {
            let mut m = Map::new();
            m.insert("name".into(), json!(t.name));
            if let Some(d) = &t.description {
                m.insert("description".into(), json!(d));
            }
            m.insert("input_schema".into(), t.input_schema.clone());
            Value::Object(m)
        })
        .collect();
    b.insert("tools".into(), Value::Array(tools));
    b.insert("tool_choice".into(), json!({ "type": "none" }));
    true
}

// ---- response ----

fn usage_of(u: &Map<String, Value>, path: &str) -> Result<Usage, TranslationError> {
    let get = |k: &str| j::opt_u64(u, k, path).map(Option::unwrap_or_default);
    let mut usage = Usage {
        input_tokens: get("input_tokens")?,
        output_tokens: get("output_tokens")?,
        cache_read_input_tokens: get("cache_read_input_tokens")?,
        cache_write_input_tokens: get("cache_creation_input_tokens")?,
        ..Usage::default()
    };
    finish_total(&mut usage);
    Ok(usage)
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    if top.get("type").and_then(Value::as_str) == Some("error") {
        let msg = top
            .get("error")
            .and_then(|e| e.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("");
        return Err(TranslationError::invalid(
            "error",
            format!("the model returned an error: {msg}"),
        ));
    }
    let list = j::arr(j::req(top, "content", "")?, "content")?;
    let mut content = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        let p = j::index("content", i);
        let m = j::obj(b, &p)?;
        let kind = j::req_str(m, "type", &p)?;
        content.push(match kind {
            "text" => ContentPart::text(j::req_str(m, "text", &p)?),
            "tool_use" => ContentPart::ToolUse {
                id: j::req_str(m, "id", &p)?.to_owned(),
                name: j::req_str(m, "name", &p)?.to_owned(),
                input: j::opt(m, "input").cloned().unwrap_or_else(|| json!({})),
            },
            "thinking" => ContentPart::Reasoning {
                text: j::req_str(m, "thinking", &p)?.to_owned(),
                signature: j::opt_str(m, "signature", &p)?.map(str::to_owned),
            },
            "redacted_thinking" => ContentPart::RedactedReasoning {
                data: crate::converse::decode_b64(
                    j::req_str(m, "data", &p)?,
                    &j::join(&p, "data"),
                )?,
            },
            _ => continue,
        });
    }
    let stop_reason =
        j::opt_str(top, "stop_reason", "")?.map_or(StopReason::EndTurn, StopReason::from_wire);
    let usage = match j::opt(top, "usage") {
        Some(u) => usage_of(j::obj(u, "usage")?, "usage")?,
        None => Usage::default(),
    };
    Ok(ChatResponse {
        content,
        stop_reason,
        usage,
        ..ChatResponse::default()
    })
}

// ---- stream ----

#[derive(Deserialize)]
struct ChunkW<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    index: Option<u32>,
    #[serde(default)]
    message: Option<MessageW>,
    #[serde(default, borrow)]
    content_block: Option<ContentBlockW<'a>>,
    #[serde(default, borrow)]
    delta: Option<DeltaW<'a>>,
    #[serde(default)]
    usage: Option<UsageW>,
    #[serde(default)]
    error: Option<ErrorW>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct MessageW {
    #[serde(default)]
    usage: Option<UsageW>,
}

#[derive(Deserialize, Default)]
#[allow(clippy::struct_field_names)]
struct UsageW {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct ContentBlockW<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    data: Option<String>,
}

#[derive(Deserialize)]
struct DeltaW<'a> {
    #[serde(default, borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    partial_json: Option<String>,
    #[serde(default)]
    thinking: Option<String>,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct ErrorW {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn apply_usage(e: &mut Emit, u: &UsageW) {
    e.model_usage(|usage| {
        if let Some(n) = u.input_tokens {
            usage.input_tokens = n;
        }
        if let Some(n) = u.output_tokens {
            usage.output_tokens = n;
        }
        if let Some(n) = u.cache_read_input_tokens {
            usage.cache_read_input_tokens = n;
        }
        if let Some(n) = u.cache_creation_input_tokens {
            usage.cache_write_input_tokens = n;
        }
    });
}

fn need_index(c: &ChunkW<'_>) -> Result<u32, StreamError> {
    c.index.ok_or_else(|| {
        StreamError::Invalid(TranslationError::missing(format!(
            "chunk.bytes.{}.index",
            c.kind
        )))
    })
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    // Nearly every chunk is a plain text delta: read it without serde (same result).
    if let Some((index, text)) = crate::fast_json::anthropic_text_delta(bytes) {
        e.delta(
            index,
            BlockDelta::Text {
                text: text.to_owned(),
            },
            out,
        );
        return Ok(());
    }
    parse_chunk_serde(bytes, e, out)
}

/// [`parse_chunk`] without the fast path: every chunk through serde.
fn parse_chunk_serde(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW<'_> =
        serde_json::from_slice(bytes).map_err(|err| bad_chunk("anthropic", &err))?;
    match c.kind.as_ref() {
        "message_start" => {
            e.start(out);
            if let Some(u) = c.message.as_ref().and_then(|m| m.usage.as_ref()) {
                apply_usage(e, u);
            }
        }
        "content_block_start" => {
            let index = need_index(&c)?;
            let Some(b) = c.content_block else {
                return Err(StreamError::Invalid(TranslationError::missing(
                    "chunk.bytes.content_block_start.content_block",
                )));
            };
            match b.kind.as_ref() {
                "tool_use" | "server_tool_use" => e.block_start(
                    index,
                    BlockStart::ToolUse {
                        id: b.id.unwrap_or_default(),
                        name: b.name.unwrap_or_default(),
                    },
                    out,
                ),
                "thinking" => {
                    e.block_start(index, BlockStart::Reasoning, out);
                    if let Some(t) = b.thinking.filter(|t| !t.is_empty()) {
                        e.delta(index, BlockDelta::ReasoningText { text: t }, out);
                    }
                }
                "redacted_thinking" => {
                    e.block_start(index, BlockStart::Reasoning, out);
                    if let Some(d) = b.data {
                        let data = crate::converse::decode_b64(
                            &d,
                            "chunk.bytes.content_block_start.content_block.data",
                        )?;
                        e.delta(index, BlockDelta::RedactedReasoning { data }, out);
                    }
                }
                _ => {
                    e.block_start(index, BlockStart::Text, out);
                    if let Some(t) = b.text.filter(|t| !t.is_empty()) {
                        e.delta(index, BlockDelta::Text { text: t }, out);
                    }
                }
            }
        }
        "content_block_delta" => {
            let index = need_index(&c)?;
            let Some(d) = c.delta else {
                return Err(StreamError::Invalid(TranslationError::missing(
                    "chunk.bytes.content_block_delta.delta",
                )));
            };
            let delta = match d.kind.as_deref() {
                Some("text_delta") => d.text.map(|text| BlockDelta::Text { text }),
                Some("input_json_delta") => d
                    .partial_json
                    .filter(|j| !j.is_empty())
                    .map(|json| BlockDelta::ToolInput { json }),
                Some("thinking_delta") => d.thinking.map(|text| BlockDelta::ReasoningText { text }),
                Some("signature_delta") => d
                    .signature
                    .map(|signature| BlockDelta::ReasoningSignature { signature }),
                _ => None,
            };
            if let Some(delta) = delta {
                e.delta(index, delta, out);
            }
        }
        "content_block_stop" => {
            let index = need_index(&c)?;
            e.block_stop(index, out);
        }
        "message_delta" => {
            if let Some(u) = &c.usage {
                apply_usage(e, u);
            }
            if let Some(r) = c.delta.and_then(|d| d.stop_reason) {
                e.stop_reason(StopReason::from_wire(&r), out);
            }
        }
        "message_stop" => {
            if let Some(m) = &c.metrics {
                e.metrics(m);
            }
            e.complete(out);
            return Ok(());
        }
        "error" => {
            let err = c.error.unwrap_or(ErrorW {
                kind: None,
                message: None,
            });
            return Err(chunk_exception(
                err.kind.as_deref().unwrap_or("error"),
                err.message.as_deref().unwrap_or(""),
            ));
        }
        _ => {}
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
        e.after_chunk(true, out);
    }
    Ok(())
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::fast_json::near_misses;
    use proptest::prelude::*;

    /// Whenever the fast path answers, the serde path emits the same events.
    fn agrees(payload: &[u8]) -> bool {
        let (mut fast_emit, mut slow_emit) = (Emit::default(), Emit::default());
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let f = parse_chunk(payload, &mut fast_emit, &mut fast);
        let s = parse_chunk_serde(payload, &mut slow_emit, &mut slow);
        let text = String::from_utf8_lossy(payload);
        assert_eq!(f, s, "{text:?}");
        assert_eq!(fast, slow, "{text:?}");
        crate::fast_json::anthropic_text_delta(payload).is_some()
    }

    #[test]
    fn a_text_delta_takes_the_fast_path_and_agrees() {
        assert!(agrees(near_misses::CANONICAL[3]));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        #[test]
        fn fast_path_agrees_with_serde(payload in near_misses::payload()) {
            agrees(&payload);
        }
    }
}
