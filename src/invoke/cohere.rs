//! Cohere Command R / R+.
//!
//! Body: `message` (the last user turn), `chat_history` (`USER` / `CHATBOT` / `TOOL` entries,
//! assistant tool calls as `tool_calls[{name, parameters}]`), `preamble` (the system prompt),
//! `tools[{name, description, parameter_definitions}]` (from each JSON schema's properties),
//! `tool_results[{call: {name, parameters}, outputs: [..]}]` for results in the last user turn,
//! `max_tokens`, `temperature`, `p`, `k`, `stop_sequences`.
//!
//! Response: `text`, `finish_reason` (`COMPLETE`, `MAX_TOKENS`, `ERROR_TOXIC`, ...),
//! `tool_calls[{name, parameters}]` (Cohere has no call ids: `cohere-call-N` is made up, and
//! the stop reason is `tool_use` when there are calls). Stream: `event_type` `stream-start`,
//! `text-generation` (`text`), `tool-calls-generation` (`tool_calls`), `stream-end`
//! (`finish_reason`, `is_finished: true`).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::converse::json as j;
use crate::model::{ChatResponse, ContentPart, StopReason, StreamEvent, Usage};
use crate::translate::StreamError;
use crate::translation_error::TranslationError;

use super::common::{Conv, stop_reason, text_only};
use super::merge_into;
use super::metrics::{InvokeMetrics, finish_total};
use super::stream::{Emit, bad_chunk};

fn json_type(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some("integer") => "int",
        Some("number") => "float",
        Some("boolean") => "bool",
        Some("array") => "list",
        Some("object") => "dict",
        _ => "str",
    }
}

fn parameter_definitions(schema: &Value) -> Value {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut defs = Map::new();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, p) in props {
            let mut d = Map::new();
            if let Some(desc) = p.get("description") {
                d.insert("description".into(), desc.clone());
            }
            d.insert("type".into(), json!(json_type(p)));
            d.insert("required".into(), json!(required.contains(&name.as_str())));
            defs.insert(name.clone(), Value::Object(d));
        }
    }
    Value::Object(defs)
}

fn outputs(result: &Value) -> Value {
    let mut outs = Vec::new();
    if let Some(Value::Array(parts)) = result.get("content") {
        for p in parts {
            if let Some(js) = p.get("json") {
                outs.push(if js.is_object() {
                    js.clone()
                } else {
                    json!({ "result": js })
                });
            } else if let Some(t) = p.get("text") {
                outs.push(json!({ "text": t }));
            }
        }
    }
    Value::Array(outs)
}

pub(crate) fn build(
    mut conv: Conv,
    _dropped: &mut Vec<&'static str>,
) -> Result<Value, TranslationError> {
    // Tool calls by id, for pairing results with their call.
    let mut calls: Vec<(String, Value)> = Vec::new();
    for t in &conv.messages {
        for u in t.content.iter().filter_map(|b| b.get("toolUse")) {
            let id = u
                .get("toolUseId")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let call = json!({
                "name": u.get("name").cloned().unwrap_or(Value::Null),
                "parameters": u.get("input").cloned().unwrap_or_else(|| json!({})),
            });
            calls.push((id, call));
        }
    }
    let call_of = |r: &Value| {
        let id = r.get("toolUseId").and_then(Value::as_str).unwrap_or("");
        calls.iter().find(|(i, _)| i == id).map_or_else(
            || json!({ "name": "unknown_tool", "parameters": {} }),
            |(_, c)| c.clone(),
        )
    };
    let mut history = Vec::new();
    let mut message = String::new();
    let mut tool_results = Vec::new();
    let n = conv.messages.len();
    for (i, t) in conv.messages.iter().enumerate() {
        let path = format!("messages[{i}].content");
        let (tools, rest): (Vec<&Value>, Vec<&Value>) = t
            .content
            .iter()
            .partition(|b| b.get("toolUse").is_some() || b.get("toolResult").is_some());
        let rest: Vec<Value> = rest.into_iter().cloned().collect();
        let text = text_only(&rest, &path, "Cohere")?;
        let results: Vec<Value> = tools
            .iter()
            .filter_map(|b| b.get("toolResult"))
            .map(|r| json!({ "call": call_of(r), "outputs": outputs(r) }))
            .collect();
        if t.role == "assistant" {
            let mut m = Map::new();
            m.insert("role".into(), json!("CHATBOT"));
            m.insert("message".into(), json!(text));
            let tc: Vec<Value> = tools
                .iter()
                .filter_map(|b| b.get("toolUse"))
                .map(|u| json!({ "name": u.get("name"), "parameters": u.get("input").cloned().unwrap_or_else(|| json!({})) }))
                .collect();
            if !tc.is_empty() {
                m.insert("tool_calls".into(), Value::Array(tc));
            }
            history.push(Value::Object(m));
        } else if i + 1 == n {
            message = text;
            tool_results = results;
        } else {
            if !results.is_empty() {
                history.push(json!({ "role": "TOOL", "tool_results": results }));
            }
            if !text.is_empty() {
                history.push(json!({ "role": "USER", "message": text }));
            }
        }
    }
    let mut body = Map::new();
    body.insert("message".into(), json!(message));
    if !history.is_empty() {
        body.insert("chat_history".into(), Value::Array(history));
    }
    if let Some(s) = conv.system_text() {
        body.insert("preamble".into(), json!(s));
    }
    let tools: Vec<Value> = conv
        .tools()
        .into_iter()
        .map(|(name, description, schema)| {
            json!({
                "name": name,
                "description": description.unwrap_or(""),
                "parameter_definitions": parameter_definitions(schema),
            })
        })
        .collect();
    if !tools.is_empty() {
        body.insert("tools".into(), Value::Array(tools));
    }
    if !tool_results.is_empty() {
        body.insert("tool_results".into(), Value::Array(tool_results));
    }
    if let Some(v) = conv.max_tokens() {
        body.insert("max_tokens".into(), v);
    }
    if let Some(v) = conv.temperature() {
        body.insert("temperature".into(), v);
    }
    if let Some(v) = conv.top_p() {
        body.insert("p".into(), v);
    }
    if let Some(v) = conv.stop() {
        body.insert("stop_sequences".into(), v);
    }
    merge_into(&mut body, conv.take_additional());
    Ok(Value::Object(body))
}

fn tool_uses(calls: &[Value], path: &str) -> Result<Vec<ContentPart>, TranslationError> {
    let mut out = Vec::with_capacity(calls.len());
    for (i, c) in calls.iter().enumerate() {
        let p = j::index(path, i);
        let m = j::obj(c, &p)?;
        out.push(ContentPart::ToolUse {
            id: format!("cohere-call-{i}"),
            name: j::req_str(m, "name", &p)?.to_owned(),
            input: j::opt(m, "parameters")
                .cloned()
                .unwrap_or_else(|| json!({})),
        });
    }
    Ok(out)
}

pub(crate) fn parse_response(top: &Map<String, Value>) -> Result<ChatResponse, TranslationError> {
    let mut content = Vec::new();
    let text = j::opt_str(top, "text", "")?.unwrap_or("");
    if !text.is_empty() {
        content.push(ContentPart::text(text));
    }
    if let Some(calls) = j::opt(top, "tool_calls") {
        content.extend(tool_uses(j::arr(calls, "tool_calls")?, "tool_calls")?);
    }
    let has_tools = content
        .iter()
        .any(|p| matches!(p, ContentPart::ToolUse { .. }));
    let stop = if has_tools {
        StopReason::ToolUse
    } else {
        j::opt_str(top, "finish_reason", "")?
            .map(stop_reason)
            .unwrap_or_default()
    };
    let mut usage = Usage::default();
    if let Some(b) = top.get("meta").and_then(|m| m.get("billed_units")) {
        usage.input_tokens = b
            .get("input_tokens")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        usage.output_tokens = b
            .get("output_tokens")
            .and_then(Value::as_u64)
            .unwrap_or_default();
        finish_total(&mut usage);
    }
    Ok(ChatResponse {
        content,
        stop_reason: stop,
        usage,
        ..ChatResponse::default()
    })
}

#[derive(Deserialize)]
struct ChunkW {
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    tool_calls: Vec<ToolCallW>,
    #[serde(default)]
    is_finished: bool,
    #[serde(default)]
    finish_reason: Option<String>,
    #[serde(default, rename = "amazon-bedrock-invocationMetrics")]
    metrics: Option<InvokeMetrics>,
}

#[derive(Deserialize)]
struct ToolCallW {
    name: String,
    #[serde(default)]
    parameters: Option<Value>,
}

pub(crate) fn parse_chunk(
    bytes: &[u8],
    e: &mut Emit,
    out: &mut Vec<StreamEvent>,
) -> Result<(), StreamError> {
    let c: ChunkW = serde_json::from_slice(bytes).map_err(|err| bad_chunk("cohere", &err))?;
    e.start(out);
    match c.event_type.as_deref() {
        Some("text-generation") => {
            if let Some(t) = &c.text {
                e.text(t, out);
            }
        }
        Some("tool-calls-generation") => {
            for (i, call) in c.tool_calls.iter().enumerate() {
                let b = e.tool(&format!("cohere-call-{i}"), &call.name, out);
                let args = call
                    .parameters
                    .as_ref()
                    .map_or_else(|| "{}".to_owned(), Value::to_string);
                e.tool_input(b, &args, out);
            }
            if !c.tool_calls.is_empty() {
                e.stop_reason(StopReason::ToolUse, out);
            }
        }
        _ => {}
    }
    if c.is_finished || c.event_type.as_deref() == Some("stream-end") {
        let r = c
            .finish_reason
            .as_deref()
            .map(stop_reason)
            .unwrap_or_default();
        e.stop_reason(r, out);
    }
    if let Some(m) = &c.metrics {
        e.metrics(m);
    }
    e.after_chunk(c.metrics.is_some(), out);
    Ok(())
}
