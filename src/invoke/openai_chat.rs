//! Chat-completions bodies: AI21 Jamba, OpenAI gpt-oss, Qwen3, Mistral Large 2407+.
//!
//! Body: `messages` (`system`, `user`, `assistant` with `tool_calls`, `tool` results),
//! `max_tokens` (`max_completion_tokens` for gpt-oss), `temperature`, `top_p`, `stop`, `tools`
//! (`{type: function, function: {name, description, parameters}}`), `tool_choice`
//! (`auto`, `required` — `any` for Mistral — or a named function); gpt-oss's
//! `reasoning_effort` and the caller's extras merged last.
//!
//! Response: `choices[0].message` (`content`, `reasoning_content` / `reasoning`, `tool_calls`),
//! `finish_reason` (Mistral: `stop_reason`), `usage.prompt_tokens` / `completion_tokens`. A
//! leading `<reasoning>…</reasoning>` in gpt-oss content is split into a reasoning part.
//! Stream chunk: `choices[0].delta` with the same fields, tool calls by `index`.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::converse::json as j;
use crate::model::{ChatResponse, ContentPart, StreamEvent, Usage};
use crate::models::Family;
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::{Conv, ToolChoiceWire, stop_reason, text_only};
use super::merge_into;
use super::metrics::{InvokeMetrics, finish_total};
use super::stream::{Emit, FamilyState, bad_chunk};

fn tool_result_text(v: &Value) -> String {
    let mut out = String::new();
    if let Some(Value::Array(parts)) = v.get("content") {
        for p in parts {
            if let Some(t) = p.get("text").and_then(Value::as_str) {
                out.push_str(t);
            } else if let Some(js) = p.get("json") {
                out.push_str(&js.to_string());
            }
        }
    }
    out
}

/// The call id to send. Mistral accepts only ids of exactly 9 letters and digits, so for
/// Mistral other ids are replaced by a stable 9-character digest (the same id always maps to
/// the same digest, so calls and results still pair up).
fn call_id(block: &Value, family: Family) -> Value {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let Some(id) = block.get("toolUseId").and_then(Value::as_str) else {
        return Value::Null;
    };
    if family != Family::Mistral || (id.len() == 9 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return json!(id);
    }
    // FNV-1a, 64 bits, written in base 36 and cut to 9 characters.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    let mut out = String::with_capacity(9);
    for _ in 0..9 {
        out.push(char::from(DIGITS[(h % 36) as usize]));
        h /= 36;
    }
    json!(out)
}

pub(crate) fn build(
    mut conv: Conv,
    family: Family,
    _dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    let mut messages = Vec::new();
    if let Some(s) = conv.system_text() {
        messages.push(json!({ "role": "system", "content": s }));
    }
    for (i, t) in conv.messages.iter().enumerate() {
        let path = format!("messages[{i}].content");
        let (tools, rest): (Vec<&Value>, Vec<&Value>) = t
            .content
            .iter()
            .partition(|b| b.get("toolUse").is_some() || b.get("toolResult").is_some());
        let rest: Vec<Value> = rest.into_iter().cloned().collect();
        let text = text_only(&rest, &path, "chat")?;
        if t.role == "assistant" {
            let calls: Vec<Value> = tools
                .iter()
                .filter_map(|b| b.get("toolUse"))
                .map(|u| {
                    json!({
                        "id": call_id(u, family),
                        "type": "function",
                        "function": {
                            "name": u.get("name").cloned().unwrap_or(Value::Null),
                            "arguments": u.get("input").map_or_else(|| "{}".into(), Value::to_string),
                        }
                    })
                })
                .collect();
            let mut m = Map::new();
            m.insert("role".into(), json!("assistant"));
            m.insert(
                "content".into(),
                if text.is_empty() && !calls.is_empty() {
                    Value::Null
                } else {
                    json!(text)
                },
            );
            if !calls.is_empty() {
                m.insert("tool_calls".into(), Value::Array(calls));
            }
            messages.push(Value::Object(m));
        } else {
            for r in tools.iter().filter_map(|b| b.get("toolResult")) {
                messages.push(json!({
                    "role": "tool",
                    "tool_call_id": call_id(r, family),
                    "content": tool_result_text(r),
                }));
            }
            if !text.is_empty() {
                messages.push(json!({ "role": "user", "content": text }));
            }
        }
    }
    let mut body = Map::new();
    body.insert("messages".into(), Value::Array(messages));
    if let Some(v) = conv.max_tokens() {
        let key = if family == Family::GptOss {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body.insert(key.into(), v);
    }
    if let Some(v) = conv.temperature() {
        body.insert("temperature".into(), v);
    }
    if let Some(v) = conv.top_p() {
        body.insert("top_p".into(), v);
    }
    if let Some(v) = conv.stop() {
        body.insert("stop".into(), v);
    }
    let tools: Vec<Value> = conv
        .tools()
        .into_iter()
        .map(|(name, description, schema)| {
            let mut f = Map::new();
            f.insert("name".into(), json!(name));
            if let Some(d) = description {
                f.insert("description".into(), json!(d));
            }
            f.insert("parameters".into(), schema.clone());
            json!({ "type": "function", "function": f })
        })
        .collect();
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
        match conv.tool_choice() {
            Some(ToolChoiceWire::Auto) => {
                body.insert("tool_choice".into(), json!("auto"));
            }
            Some(ToolChoiceWire::Any) => {
                let any = if family == Family::Mistral {
                    "any"
                } else {
                    "required"
                };
                body.insert("tool_choice".into(), json!(any));
            }
            Some(ToolChoiceWire::Tool(name)) => {
                body.insert(
                    "tool_choice".into(),
                    json!({ "type": "function", "function": { "name": name } }),
                );
            }
            None => {}
        }
    }
    merge_into(&mut body, conv.take_additional());
    Ok(Value::Object(body))
}

/// Splits a leading `<reasoning>…</reasoning>` (gpt-oss) off `text`.
fn split_reasoning_tag(text: &str) -> (Option<&str>, &str) {
    let t = text.trim_start();
    if let Some(rest) = t.strip_prefix("<reasoning>")
        && let Some(end) = rest.find("</reasoning>")
    {
        let reasoning = rest.get(..end).unwrap_or("");
        let answer = rest.get(end + "</reasoning>".len()..).unwrap_or("");
        return (Some(reasoning), answer);
    }
    (None, text)
}

fn content_text(v: &Value, path: &str) -> Result<String, TranslationError> {
    match v {
        Value::Null => Ok(String::new()),
        Value::String(s) => Ok(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for (i, p) in parts.iter().enumerate() {
                let pp = j::index(path, i);
                if let Some(t) = j::opt_str(j::obj(p, &pp)?, "text", &pp)? {
                    out.push_str(t);
                }
            }
            Ok(out)
        }
        other => Err(TranslationError::wrong_type(
            path,
            "a string or an array",
            other,
        )),
    }
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    let choices = j::arr(j::req(top, "choices", "")?, "choices")?;
    let first = choices
        .first()
        .ok_or_else(|| TranslationError::invalid("choices", "no choice in the response"))?;
    let cp = "choices[0]";
    let choice = j::obj(first, cp)?;
    let mp = "choices[0].message";
    let m = j::obj(j::req(choice, "message", cp)?, mp)?;
    let mut content = Vec::new();
    let reasoning = match j::opt(m, "reasoning_content").or_else(|| j::opt(m, "reasoning")) {
        Some(r) => Some(content_text(r, &j::join(mp, "reasoning_content"))?),
        None => None,
    };
    let text = match j::opt(m, "content") {
        Some(v) => content_text(v, &j::join(mp, "content"))?,
        None => String::new(),
    };
    let (tag_reasoning, answer) = split_reasoning_tag(&text);
    if let Some(r) = reasoning
        .as_deref()
        .or(tag_reasoning)
        .filter(|r| !r.is_empty())
    {
        content.push(ContentPart::Reasoning {
            text: r.to_owned(),
            signature: None,
        });
    }
    if !answer.is_empty() {
        content.push(ContentPart::text(answer));
    }
    if let Some(calls) = j::opt(m, "tool_calls") {
        let tp = j::join(mp, "tool_calls");
        for (i, call) in j::arr(calls, &tp)?.iter().enumerate() {
            let p = j::index(&tp, i);
            let cm = j::obj(call, &p)?;
            let fp = j::join(&p, "function");
            let f = j::obj(j::req(cm, "function", &p)?, &fp)?;
            let args = match j::opt(f, "arguments") {
                Some(Value::String(s)) if s.trim().is_empty() => json!({}),
                Some(Value::String(s)) => serde_json::from_str(s).map_err(|e| {
                    TranslationError::invalid(
                        j::join(&fp, "arguments"),
                        format!("not valid JSON ({e})"),
                    )
                })?,
                Some(v) => v.clone(),
                None => json!({}),
            };
            content.push(ContentPart::ToolUse {
                id: j::opt_str(cm, "id", &p)?.map_or_else(|| format!("call_{i}"), str::to_owned),
                name: j::req_str(f, "name", &fp)?.to_owned(),
                input: args,
            });
        }
    }
    let reason =
        j::opt_str(choice, "finish_reason", cp)?.or(j::opt_str(choice, "stop_reason", cp)?);
    let mut usage = Usage::default();
    if let Some(u) = j::opt(top, "usage") {
        let um = j::obj(u, "usage")?;
        usage.input_tokens = j::opt_u64(um, "prompt_tokens", "usage")?.unwrap_or_default();
        usage.output_tokens = j::opt_u64(um, "completion_tokens", "usage")?.unwrap_or_default();
        finish_total(&mut usage);
    }
    Ok(ChatResponse {
        content,
        stop_reason: reason.map(stop_reason).unwrap_or_default(),
        usage,
        ..ChatResponse::default()
    })
}

#[derive(Deserialize)]
struct ChunkW {
    #[serde(default)]
    choices: Vec<ChoiceW>,
    #[serde(default)]
    usage: Option<UsageW>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct ChoiceW {
    #[serde(default, alias = "message")]
    delta: Option<DeltaW>,
    #[serde(default, alias = "stop_reason")]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct DeltaW {
    #[serde(default)]
    content: Option<String>,
    #[serde(default, alias = "reasoning")]
    reasoning_content: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallW>,
}

#[derive(Deserialize)]
struct ToolCallW {
    #[serde(default)]
    index: Option<u64>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    function: Option<FunctionW>,
}

#[derive(Deserialize)]
struct FunctionW {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    arguments: Option<String>,
}

#[derive(Deserialize)]
struct UsageW {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    s: &mut FamilyState,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW = serde_json::from_slice(bytes).map_err(|err| bad_chunk("chat", &err))?;
    e.start(out);
    for choice in c.choices {
        if let Some(d) = choice.delta {
            if let Some(r) = &d.reasoning_content {
                e.reasoning(r, out);
            }
            if let Some(t) = &d.content {
                e.text(t, out);
            }
            for (k, call) in d.tool_calls.into_iter().enumerate() {
                let key = call.index.unwrap_or(k as u64);
                let (name, args) = match call.function {
                    Some(f) => (f.name, f.arguments),
                    None => (None, None),
                };
                let known = s
                    .tool_blocks
                    .iter()
                    .find(|(i, _)| *i == key)
                    .map(|(_, b)| *b);
                let block = if let Some(b) = known {
                    b
                } else {
                    let id = call.id.unwrap_or_else(|| format!("call_{key}"));
                    let b = e.tool(&id, name.as_deref().unwrap_or(""), out);
                    s.tool_blocks.push((key, b));
                    b
                };
                if let Some(a) = &args {
                    e.tool_input(block, a, out);
                }
            }
        }
        if let Some(r) = &choice.finish_reason {
            e.stop_reason(stop_reason(r), out);
        }
    }
    if let Some(u) = &c.usage {
        e.model_usage(|usage| {
            usage.input_tokens = u.prompt_tokens.unwrap_or_default();
            usage.output_tokens = u.completion_tokens.unwrap_or_default();
        });
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
    }
    e.after_chunk(c.metrics.is_some(), out);
    Ok(())
}
