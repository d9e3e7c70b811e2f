//! Meta Llama 3.x and 4.
//!
//! Body: `prompt` in the model's chat template, `max_gen_len`, `temperature`, `top_p` (Llama
//! takes no stop sequences: they are reported dropped).
//! - Llama 3.x: `<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n…<|eot_id|>`
//!   then one `<|start_header_id|>{role}<|end_header_id|>\n\n…<|eot_id|>` per turn, ending with
//!   an open assistant header;
//! - Llama 4: the same with `<|header_start|>`, `<|header_end|>` and `<|eot|>`.
//!
//! A final assistant turn is a prefill: it is left open (no end-of-turn token).
//!
//! Response and stream chunk: `{generation, prompt_token_count, generation_token_count,
//! stop_reason}` (`stop`, `length`; null until the last chunk).

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

struct Tokens {
    head_start: &'static str,
    head_end: &'static str,
    eot: &'static str,
}

const LLAMA3: Tokens = Tokens {
    head_start: "<|start_header_id|>",
    head_end: "<|end_header_id|>",
    eot: "<|eot_id|>",
};

const LLAMA4: Tokens = Tokens {
    head_start: "<|header_start|>",
    head_end: "<|header_end|>",
    eot: "<|eot|>",
};

/// The chat-template prompt for `conv`.
pub(crate) fn prompt(conv: &Conv, llama4: bool) -> Result<String, TranslationError> {
    let t = if llama4 { &LLAMA4 } else { &LLAMA3 };
    let mut p = String::from("<|begin_of_text|>");
    let turn = |p: &mut String, role: &str, text: &str, close: bool| {
        p.push_str(t.head_start);
        p.push_str(role);
        p.push_str(t.head_end);
        p.push_str("\n\n");
        p.push_str(text);
        if close {
            p.push_str(t.eot);
        }
    };
    if let Some(s) = conv.system_text() {
        turn(&mut p, "system", &s, true);
    }
    let n = conv.messages.len();
    let mut open = false;
    for (i, m) in conv.messages.iter().enumerate() {
        let text = text_only(&m.content, &format!("messages[{i}].content"), "Llama")?;
        let prefill = i + 1 == n && m.role == "assistant";
        turn(&mut p, &m.role, &text, !prefill);
        open = prefill;
    }
    if !open {
        turn(&mut p, "assistant", "", false);
    }
    Ok(p)
}

pub(crate) fn build(
    mut conv: Conv,
    llama4: bool,
    dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    let mut body = Map::new();
    body.insert("prompt".into(), json!(prompt(&conv, llama4)?));
    if let Some(v) = conv.max_tokens() {
        body.insert("max_gen_len".into(), v);
    }
    if let Some(v) = conv.temperature() {
        body.insert("temperature".into(), v);
    }
    if let Some(v) = conv.top_p() {
        body.insert("top_p".into(), v);
    }
    if conv.stop().is_some() {
        dropped.push("stop");
    }
    merge_into(&mut body, conv.take_additional());
    Ok(Value::Object(body))
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    let text = j::req_str(top, "generation", "")?;
    let mut usage = Usage {
        input_tokens: j::opt_u64(top, "prompt_token_count", "")?.unwrap_or_default(),
        output_tokens: j::opt_u64(top, "generation_token_count", "")?.unwrap_or_default(),
        ..Usage::default()
    };
    finish_total(&mut usage);
    Ok(ChatResponse {
        content: vec![ContentPart::text(text)],
        stop_reason: j::opt_str(top, "stop_reason", "")?
            .map(stop_reason)
            .unwrap_or_default(),
        usage,
        ..ChatResponse::default()
    })
}

#[derive(Deserialize)]
struct ChunkW<'a> {
    #[serde(default, borrow)]
    generation: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    prompt_token_count: Option<u64>,
    #[serde(default)]
    generation_token_count: Option<u64>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW<'_> = serde_json::from_slice(bytes).map_err(|err| bad_chunk("llama", &err))?;
    e.completion_chunk(
        &CompletionChunk {
            text: c.generation.as_deref(),
            input_tokens: c.prompt_token_count,
            output_tokens: c.generation_token_count,
            stop_reason: c.stop_reason.as_deref(),
            metrics: c.metrics.as_ref(),
        },
        out,
    );
    Ok(())
}
