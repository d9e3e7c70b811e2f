//! DeepSeek R1.
//!
//! Body: `prompt` in DeepSeek's chat template
//! (`<｜begin▁of▁sentence｜>{system}<｜User｜>…<｜Assistant｜>…<｜end▁of▁sentence｜>`, ending
//! with `<｜Assistant｜><think>\n`), `max_tokens`, `temperature`, `top_p`, `stop`.
//!
//! Response and stream chunk: `choices[{text, stop_reason}]`. The model writes its reasoning
//! first and closes it with `</think>`: the text before becomes a reasoning part, the rest the
//! answer (in streams too, with a `</think>` split across chunks handled).

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::converse::json as j;
use crate::model::{ChatResponse, ContentPart, StreamEvent};
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::{Conv, prompt_body, split_think, stop_reason, text_only};
use super::metrics::InvokeMetrics;
use super::stream::{Emit, FamilyState, bad_chunk};

const BOS: &str = "<｜begin▁of▁sentence｜>";
const EOS: &str = "<｜end▁of▁sentence｜>";
const USER: &str = "<｜User｜>";
const ASSISTANT: &str = "<｜Assistant｜>";
const END_THINK: &str = "</think>";

/// The chat-template prompt for `conv`.
pub(crate) fn prompt(conv: &Conv) -> Result<String, TranslationError> {
    let mut p = String::from(BOS);
    if let Some(s) = conv.system_text() {
        p.push_str(&s);
    }
    let n = conv.messages.len();
    let mut open = false;
    for (i, m) in conv.messages.iter().enumerate() {
        let text = text_only(&m.content, &format!("messages[{i}].content"), "DeepSeek")?;
        if m.role == "assistant" {
            p.push_str(ASSISTANT);
            p.push_str(&text);
            if i + 1 < n {
                p.push_str(EOS);
            } else {
                open = true;
            }
        } else {
            p.push_str(USER);
            p.push_str(&text);
        }
    }
    if !open {
        p.push_str(ASSISTANT);
        p.push_str("<think>\n");
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
    let choices = j::arr(j::req(top, "choices", "")?, "choices")?;
    let mut text = String::new();
    let mut reason = None;
    for (i, c) in choices.iter().enumerate() {
        let p = j::index("choices", i);
        let m = j::obj(c, &p)?;
        text.push_str(j::req_str(m, "text", &p)?);
        if reason.is_none() {
            reason = j::opt_str(m, "stop_reason", &p)?;
        }
    }
    let (reasoning, answer) = split_think(&text);
    let mut content = Vec::new();
    if let Some(r) = reasoning.filter(|r| !r.is_empty()) {
        content.push(ContentPart::Reasoning {
            text: r.to_owned(),
            signature: None,
        });
    }
    content.push(ContentPart::text(answer));
    Ok(ChatResponse {
        content,
        stop_reason: reason.map(stop_reason).unwrap_or_default(),
        ..ChatResponse::default()
    })
}

/// Streaming `</think>` detection.
#[derive(Debug, Clone, Default)]
pub(crate) struct ThinkSplit {
    answering: bool,
    answer_started: bool,
    held: String,
}

fn answer(e: &mut Emit, s: &mut FamilyState, text: &str, out: &mut Vec<StreamEvent>) {
    let text = if s.think.answer_started {
        text
    } else {
        text.trim_start_matches('\n')
    };
    if !text.is_empty() {
        s.think.answer_started = true;
        e.text(text, out);
    }
}

fn feed(e: &mut Emit, s: &mut FamilyState, text: &str, out: &mut Vec<StreamEvent>) {
    if s.think.answering {
        answer(e, s, text, out);
        return;
    }
    s.think.held.push_str(text);
    if let Some(i) = s.think.held.find(END_THINK) {
        let held = std::mem::take(&mut s.think.held);
        let reasoning = held.get(..i).unwrap_or("").trim_end_matches('\n');
        e.reasoning(reasoning, out);
        s.think.answering = true;
        answer(e, s, held.get(i + END_THINK.len()..).unwrap_or(""), out);
        return;
    }
    // Emit all but a tail that could be the start of `</think>`.
    let keep = (1..END_THINK.len())
        .rev()
        .find(|k| s.think.held.ends_with(END_THINK.get(..*k).unwrap_or("")))
        .unwrap_or(0);
    let cut = s.think.held.len() - keep;
    if cut > 0 && s.think.held.is_char_boundary(cut) {
        let rest = s.think.held.split_off(cut);
        let emit = std::mem::replace(&mut s.think.held, rest);
        e.reasoning(&emit, out);
    }
}

/// End of the text: what was held back is emitted (reasoning while `</think>` has not come:
/// the prompt opened the reasoning with `<think>`).
pub(crate) fn flush(e: &mut Emit, s: &mut FamilyState, out: &mut Vec<StreamEvent>) {
    let held = std::mem::take(&mut s.think.held);
    if s.think.answering {
        answer(e, s, &held, out);
    } else {
        e.reasoning(&held, out);
    }
}

#[derive(Deserialize)]
struct ChunkW {
    #[serde(default)]
    choices: Vec<ChoiceW>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct ChoiceW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    s: &mut FamilyState,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW = serde_json::from_slice(bytes).map_err(|err| bad_chunk("deepseek", &err))?;
    e.start(out);
    for ch in &c.choices {
        if let Some(t) = &ch.text {
            feed(e, s, t, out);
        }
        if let Some(r) = &ch.stop_reason {
            flush(e, s, out);
            e.stop_reason(stop_reason(r), out);
        }
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
    }
    e.after_chunk(c.metrics.is_some(), out);
    Ok(())
}
