//! Amazon Titan Text.
//!
//! Body: `inputText` (the conversation as `User: …` / `Bot: …` lines ending with `Bot:`; the
//! system prompt is already in the first user turn) and `textGenerationConfig`
//! (`maxTokenCount`, `temperature`, `topP`, `stopSequences`).
//!
//! Response: `inputTextTokenCount`, `results[{tokenCount, outputText, completionReason}]`.
//! Stream chunk: `{outputText, index, totalOutputTextTokenCount, completionReason,
//! inputTextTokenCount}`; `completionReason` is null until the last chunk.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::converse::json as j;
use crate::model::{ChatResponse, ContentPart, StreamEvent, Usage};
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::{Conv, stop_reason, text_only};
use super::merge_into;
use super::metrics::{InvokeMetrics, finish_total};
use super::stream::{CompletionChunk, Emit, bad_chunk};

pub(crate) fn build(
    mut conv: Conv,
    _dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    let mut prompt = String::new();
    let mut last_assistant = false;
    for (i, t) in conv.messages.iter().enumerate() {
        let text = text_only(&t.content, &format!("messages[{i}].content"), "Titan")?;
        last_assistant = t.role == "assistant";
        if !prompt.is_empty() {
            prompt.push('\n');
        }
        prompt.push_str(if last_assistant { "Bot: " } else { "User: " });
        prompt.push_str(&text);
    }
    if !last_assistant {
        prompt.push_str("\nBot:");
    }
    let mut cfg = Map::new();
    if let Some(v) = conv.max_tokens() {
        cfg.insert("maxTokenCount".into(), v);
    }
    if let Some(v) = conv.temperature() {
        cfg.insert("temperature".into(), v);
    }
    if let Some(v) = conv.top_p() {
        cfg.insert("topP".into(), v);
    }
    if let Some(v) = conv.stop() {
        cfg.insert("stopSequences".into(), v);
    }
    let mut body = Map::new();
    body.insert("inputText".into(), json!(prompt));
    if !cfg.is_empty() {
        body.insert("textGenerationConfig".into(), Value::Object(cfg));
    }
    merge_into(&mut body, conv.take_additional());
    Ok(Value::Object(body))
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    let results = j::arr(j::req(top, "results", "")?, "results")?;
    let mut text = String::new();
    let mut output = 0;
    let mut reason = None;
    for (i, r) in results.iter().enumerate() {
        let p = j::index("results", i);
        let m = j::obj(r, &p)?;
        text.push_str(j::req_str(m, "outputText", &p)?);
        output += j::opt_u64(m, "tokenCount", &p)?.unwrap_or_default();
        if reason.is_none() {
            reason = j::opt_str(m, "completionReason", &p)?;
        }
    }
    let mut usage = Usage {
        input_tokens: j::opt_u64(top, "inputTextTokenCount", "")?.unwrap_or_default(),
        output_tokens: output,
        ..Usage::default()
    };
    finish_total(&mut usage);
    Ok(ChatResponse {
        content: vec![ContentPart::text(text)],
        stop_reason: reason.map(stop_reason).unwrap_or_default(),
        usage,
        ..ChatResponse::default()
    })
}

#[derive(Deserialize)]
struct ChunkW<'a> {
    #[serde(default, borrow, rename = "outputText")]
    output_text: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, rename = "completionReason")]
    completion_reason: Option<String>,
    #[serde(default, rename = "inputTextTokenCount")]
    input_tokens: Option<u64>,
    #[serde(default, rename = "totalOutputTextTokenCount")]
    output_tokens: Option<u64>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW<'_> = serde_json::from_slice(bytes).map_err(|err| bad_chunk("titan", &err))?;
    e.completion_chunk(
        &CompletionChunk {
            text: c.output_text.as_deref(),
            input_tokens: c.input_tokens,
            output_tokens: c.output_tokens,
            stop_reason: c.completion_reason.as_deref(),
            metrics: c.metrics.as_ref(),
        },
        out,
    );
    Ok(())
}
