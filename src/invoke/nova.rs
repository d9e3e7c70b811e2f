//! Amazon Nova `messages-v1`.
//!
//! Body: `schemaVersion: "messages-v1"`, `system: [{text}]`, `messages` with Converse-shaped
//! content (text, image, document, video, toolUse, toolResult, cachePoint), `inferenceConfig`
//! with `max_new_tokens`, `temperature`, `top_p`, `top_k`, `stopSequences`, and `toolConfig` as
//! in Converse. Nova 2's `reasoningConfig` stays top level.
//!
//! Response: Converse-shaped (`output.message`, `stopReason`, `usage`). Stream: each chunk
//! holds one Converse-like event object (`{"contentBlockDelta": {...}}`), the last one
//! `metadata` with `amazon-bedrock-invocationMetrics`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::model::{BlockDelta, BlockStart, ChatResponse, StopReason, StreamEvent};
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::Conv;
use super::merge_into;
use super::metrics::{InvokeMetrics, finish_total};
use super::stream::{Emit, bad_chunk};

/// The schema version Nova's native body declares.
pub(crate) const SCHEMA_VERSION: &str = "messages-v1";

pub(crate) fn build(mut conv: Conv, _dropped: &mut Vec<&'static str>) -> Value {
    let mut body = Map::new();
    body.insert("schemaVersion".into(), json!(SCHEMA_VERSION));
    if !conv.system.is_empty() {
        body.insert(
            "system".into(),
            Value::Array(std::mem::take(&mut conv.system)),
        );
    }
    let messages: Vec<Value> = conv
        .messages
        .iter_mut()
        .map(|t| json!({ "role": t.role, "content": std::mem::take(&mut t.content) }))
        .collect();
    body.insert("messages".into(), Value::Array(messages));
    let mut inference = Map::new();
    if let Some(v) = conv.max_tokens() {
        inference.insert("max_new_tokens".into(), v);
    }
    if let Some(v) = conv.temperature() {
        inference.insert("temperature".into(), v);
    }
    if let Some(v) = conv.top_p() {
        inference.insert("top_p".into(), v);
    }
    if let Some(v) = conv.stop() {
        inference.insert("stopSequences".into(), v);
    }
    let mut extra = conv.take_additional();
    // Converse carries top_k for Nova as additionalModelRequestFields.inferenceConfig.topK.
    if let Some(Value::Object(mut ic)) = extra.remove("inferenceConfig") {
        if let Some(k) = ic.remove("topK") {
            inference.insert("top_k".into(), k);
        }
        merge_into(&mut inference, ic);
    }
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    if let Some(tc) = conv.tool_config.take() {
        body.insert("toolConfig".into(), Value::Object(tc));
    }
    merge_into(&mut body, extra);
    Value::Object(body)
}

/// Parses a Nova response (Converse-shaped; Nova names the cache counts
/// `cacheRead/WriteInputTokenCount`).
pub(crate) fn parse_response_bytes(body: &[u8]) -> Result<ChatResponse, TranslationError> {
    #[derive(Deserialize)]
    struct Top {
        #[serde(default)]
        usage: Option<NovaUsageW>,
    }
    let mut r = crate::converse::parse_response(body)?;
    if let Ok(Top { usage: Some(u) }) = serde_json::from_slice::<Top>(body) {
        if let Some(n) = u.cache_read {
            r.usage.cache_read_input_tokens = n;
        }
        if let Some(n) = u.cache_write {
            r.usage.cache_write_input_tokens = n;
        }
    }
    finish_total(&mut r.usage);
    Ok(r)
}

// ---- stream ----

#[derive(Deserialize)]
struct ChunkW {
    #[serde(default, rename = "messageStart")]
    message_start: Option<serde::de::IgnoredAny>,
    #[serde(default, rename = "contentBlockStart")]
    block_start: Option<BlockStartW>,
    #[serde(default, rename = "contentBlockDelta")]
    block_delta: Option<BlockDeltaW>,
    #[serde(default, rename = "contentBlockStop")]
    block_stop: Option<IndexW>,
    #[serde(default, rename = "messageStop")]
    message_stop: Option<MessageStopW>,
    #[serde(default)]
    metadata: Option<MetadataW>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct IndexW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
}

#[derive(Deserialize)]
struct BlockStartW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
    #[serde(default)]
    start: Option<StartW>,
}

#[derive(Deserialize)]
struct StartW {
    #[serde(default, rename = "toolUse")]
    tool_use: Option<ToolStartW>,
}

#[derive(Deserialize)]
struct ToolStartW {
    #[serde(rename = "toolUseId")]
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct BlockDeltaW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
    delta: DeltaW,
}

#[derive(Deserialize)]
struct DeltaW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default, rename = "toolUse")]
    tool_use: Option<ToolDeltaW>,
    #[serde(default, rename = "reasoningContent")]
    reasoning: Option<ReasoningW>,
}

#[derive(Deserialize)]
struct ToolDeltaW {
    input: String,
}

#[derive(Deserialize)]
struct ReasoningW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    signature: Option<String>,
}

#[derive(Deserialize)]
struct MessageStopW {
    #[serde(rename = "stopReason")]
    stop_reason: String,
}

#[derive(Deserialize)]
struct MetadataW {
    #[serde(default)]
    usage: Option<NovaUsageW>,
    #[serde(default)]
    metrics: Option<LatencyW>,
}

#[derive(Deserialize)]
struct LatencyW {
    #[serde(default, rename = "latencyMs")]
    latency_ms: Option<u64>,
}

#[derive(Deserialize, Default)]
struct NovaUsageW {
    #[serde(default, rename = "inputTokens")]
    input: Option<u64>,
    #[serde(default, rename = "outputTokens")]
    output: Option<u64>,
    #[serde(
        default,
        rename = "cacheReadInputTokenCount",
        alias = "cacheReadInputTokens"
    )]
    cache_read: Option<u64>,
    #[serde(
        default,
        rename = "cacheWriteInputTokenCount",
        alias = "cacheWriteInputTokens"
    )]
    cache_write: Option<u64>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW = serde_json::from_slice(bytes).map_err(|err| bad_chunk("nova", &err))?;
    if c.message_start.is_some() {
        e.start(out);
    }
    if let Some(s) = c.block_start {
        let block = match s.start.and_then(|s| s.tool_use) {
            Some(t) => BlockStart::ToolUse {
                id: t.id,
                name: t.name,
            },
            None => BlockStart::Text,
        };
        e.block_start(s.index, block, out);
    }
    if let Some(d) = c.block_delta {
        let delta = if let Some(text) = d.delta.text {
            Some(BlockDelta::Text { text })
        } else if let Some(t) = d.delta.tool_use {
            Some(BlockDelta::ToolInput { json: t.input })
        } else if let Some(r) = d.delta.reasoning {
            r.text
                .map(|text| BlockDelta::ReasoningText { text })
                .or_else(|| {
                    r.signature
                        .map(|signature| BlockDelta::ReasoningSignature { signature })
                })
        } else {
            None
        };
        if let Some(delta) = delta {
            e.delta(d.index, delta, out);
        }
    }
    if let Some(s) = c.block_stop {
        e.block_stop(s.index, out);
    }
    if let Some(s) = c.message_stop {
        e.stop_reason(StopReason::from_wire(&s.stop_reason), out);
    }
    let mut had_metrics = false;
    if let Some(m) = c.metadata {
        if let Some(u) = m.usage {
            e.model_usage(|usage| {
                usage.input_tokens = u.input.unwrap_or_default();
                usage.output_tokens = u.output.unwrap_or_default();
                usage.cache_read_input_tokens = u.cache_read.unwrap_or_default();
                usage.cache_write_input_tokens = u.cache_write.unwrap_or_default();
            });
        }
        if let Some(l) = m.metrics.and_then(|m| m.latency_ms) {
            e.metrics(&InvokeMetrics {
                latency_ms: Some(l),
                ..InvokeMetrics::default()
            });
        }
        had_metrics = true;
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
        had_metrics = true;
    }
    e.after_chunk(had_metrics, out);
    Ok(())
}
