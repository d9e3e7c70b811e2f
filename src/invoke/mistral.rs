//! Mistral instruct prompt models (Mistral 7B Instruct, Mixtral 8x7B, Mistral Large 2402).
//! Mistral Large 2407 and later speak chat `messages` ([`super::openai_chat`]).
//!
//! Body: `prompt` as `<s>[INST] {system}\n\n{user} [/INST]{assistant}</s>[INST] … [/INST]`,
//! `max_tokens`, `temperature`, `top_p`, `top_k`, `stop`.
//!
//! Response and stream chunk: `outputs[{text, stop_reason}]` (`stop`, `length`,
//! `model_length`; null until the last chunk).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::converse::json as j;
use crate::model::{ChatResponse, ContentPart, StreamEvent};
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::{Conv, prompt_body, stop_reason, text_only};
use super::metrics::InvokeMetrics;
use super::stream::{Emit, bad_chunk};

/// The instruct prompt for `conv`.
pub(crate) fn prompt(conv: &Conv) -> Result<String, TranslationError> {
    let mut p = String::from("<s>");
    let mut system = conv.system_text();
    let n = conv.messages.len();
    for (i, m) in conv.messages.iter().enumerate() {
        let text = text_only(&m.content, &format!("messages[{i}].content"), "Mistral")?;
        if m.role == "assistant" {
            p.push_str(&text);
            if i + 1 < n {
                p.push_str("</s>");
            }
        } else {
            p.push_str("[INST] ");
            if let Some(s) = system.take() {
                p.push_str(&s);
                p.push_str("\n\n");
            }
            p.push_str(&text);
            p.push_str(" [/INST]");
        }
    }
    Ok(p)
}

pub(crate) fn build(
    mut conv: Conv,
    _dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    let prompt = prompt(&conv)?;
    Ok(prompt_body(prompt, &mut conv))
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    let outputs = j::arr(j::req(top, "outputs", "")?, "outputs")?;
    let mut text = String::new();
    let mut reason = None;
    for (i, o) in outputs.iter().enumerate() {
        let p = j::index("outputs", i);
        let m = j::obj(o, &p)?;
        text.push_str(j::req_str(m, "text", &p)?);
        if reason.is_none() {
            reason = j::opt_str(m, "stop_reason", &p)?;
        }
    }
    Ok(ChatResponse {
        content: vec![ContentPart::text(text)],
        stop_reason: reason.map(stop_reason).unwrap_or_default(),
        ..ChatResponse::default()
    })
}

#[derive(Deserialize)]
struct ChunkW {
    #[serde(default)]
    outputs: Vec<OutputW>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct OutputW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW = serde_json::from_slice(bytes).map_err(|err| bad_chunk("mistral", &err))?;
    e.start(out);
    for o in &c.outputs {
        if let Some(t) = &o.text {
            e.text(t, out);
        }
        if let Some(r) = &o.stop_reason {
            e.stop_reason(stop_reason(r), out);
        }
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
    }
    e.after_chunk(c.metrics.is_some(), out);
    Ok(())
}
