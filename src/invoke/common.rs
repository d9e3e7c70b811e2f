//! The normalised Converse body, taken apart for the native rewrites, and helpers they share.

use serde_json::{Map, Value};

use crate::converse::json;
use crate::model::StopReason;
use crate::translation_error::{TranslationError, TranslationErrorKind};

/// One normalised turn: its role (`user` / `assistant`) and Converse content blocks.
#[derive(Debug)]
pub(crate) struct Turn {
    pub(crate) role: String,
    pub(crate) content: Vec<Value>,
}

/// A normalised Converse body, field by field.
#[derive(Debug, Default)]
pub(crate) struct Conv {
    pub(crate) messages: Vec<Turn>,
    pub(crate) system: Vec<Value>,
    pub(crate) inference: Map<String, Value>,
    pub(crate) tool_config: Option<Map<String, Value>>,
    pub(crate) additional: Map<String, Value>,
    rest: Map<String, Value>,
}

fn take_obj(m: &mut Map<String, Value>, key: &str) -> Option<Map<String, Value>> {
    match m.remove(key) {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    }
}

fn take_arr(m: &mut Map<String, Value>, key: &str) -> Vec<Value> {
    match m.remove(key) {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    }
}

impl Conv {
    /// Takes apart the body object [`crate::converse::build`] serializes.
    pub(crate) fn from_body(mut top: Map<String, Value>) -> Self {
        let mut messages = Vec::new();
        for m in take_arr(&mut top, "messages") {
            let Value::Object(mut m) = m else { continue };
            let role = m
                .get("role")
                .and_then(Value::as_str)
                .unwrap_or("user")
                .to_owned();
            messages.push(Turn {
                role,
                content: take_arr(&mut m, "content"),
            });
        }
        Self {
            messages,
            system: take_arr(&mut top, "system"),
            inference: take_obj(&mut top, "inferenceConfig").unwrap_or_default(),
            tool_config: take_obj(&mut top, "toolConfig"),
            additional: take_obj(&mut top, "additionalModelRequestFields").unwrap_or_default(),
            rest: top,
        }
    }

    /// Settings that travel as `X-Amzn-Bedrock-*` headers; the rest is reported as dropped.
    pub(crate) fn headers(
        &self,
        headers: &mut Vec<(String, String)>,
        dropped: &mut Vec<&'static str>,
    ) {
        if let Some(Value::Object(g)) = self.rest.get("guardrailConfig") {
            if let Some(id) = g.get("guardrailIdentifier").and_then(Value::as_str) {
                headers.push(("x-amzn-bedrock-guardrailidentifier".into(), id.into()));
            }
            if let Some(v) = g.get("guardrailVersion").and_then(Value::as_str) {
                headers.push(("x-amzn-bedrock-guardrailversion".into(), v.into()));
            }
            if let Some(t) = g.get("trace").and_then(Value::as_str) {
                headers.push(("x-amzn-bedrock-trace".into(), t.to_ascii_uppercase()));
            }
        }
        if let Some(l) = self
            .rest
            .get("performanceConfig")
            .and_then(|p| p.get("latency"))
            .and_then(Value::as_str)
        {
            headers.push(("x-amzn-bedrock-performanceconfig-latency".into(), l.into()));
        }
        if let Some(t) = self
            .rest
            .get("serviceTier")
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
        {
            headers.push(("x-amzn-bedrock-service-tier".into(), t.into()));
        }
        for (key, name) in [
            ("requestMetadata", "metadata"),
            ("outputConfig", "structured_output"),
            (
                "additionalModelResponseFieldPaths",
                "additional_model_response_field_paths",
            ),
        ] {
            if self.rest.contains_key(key) {
                dropped.push(name);
            }
        }
    }

    /// `inferenceConfig.maxTokens`.
    pub(crate) fn max_tokens(&self) -> Option<Value> {
        self.inference.get("maxTokens").cloned()
    }

    /// `inferenceConfig.temperature`.
    pub(crate) fn temperature(&self) -> Option<Value> {
        self.inference.get("temperature").cloned()
    }

    /// `inferenceConfig.topP`.
    pub(crate) fn top_p(&self) -> Option<Value> {
        self.inference.get("topP").cloned()
    }

    /// `inferenceConfig.stopSequences`.
    pub(crate) fn stop(&self) -> Option<Value> {
        self.inference.get("stopSequences").cloned()
    }

    /// The system prompt's text blocks joined by blank lines (`None` when there is none).
    pub(crate) fn system_text(&self) -> Option<String> {
        let parts: Vec<&str> = self
            .system
            .iter()
            .filter_map(|b| b.get("text").and_then(Value::as_str))
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }

    /// The tools as `(name, description, JSON schema)`.
    pub(crate) fn tools(&self) -> Vec<(&str, Option<&str>, &Value)> {
        let Some(tc) = &self.tool_config else {
            return Vec::new();
        };
        let Some(Value::Array(tools)) = tc.get("tools") else {
            return Vec::new();
        };
        tools
            .iter()
            .filter_map(|t| t.get("toolSpec"))
            .filter_map(|s| {
                let name = s.get("name")?.as_str()?;
                let schema = s.pointer("/inputSchema/json").unwrap_or(&Value::Null);
                Some((name, s.get("description").and_then(Value::as_str), schema))
            })
            .collect()
    }

    /// The tool choice as `auto`, `any` or `tool:<name>`.
    pub(crate) fn tool_choice(&self) -> Option<ToolChoiceWire<'_>> {
        let tc = self.tool_config.as_ref()?.get("toolChoice")?;
        if tc.get("auto").is_some() {
            Some(ToolChoiceWire::Auto)
        } else if tc.get("any").is_some() {
            Some(ToolChoiceWire::Any)
        } else {
            tc.pointer("/tool/name")
                .and_then(Value::as_str)
                .map(ToolChoiceWire::Tool)
        }
    }

    /// The caller's and the translator's additional fields, for merging into the native body.
    pub(crate) fn take_additional(&mut self) -> Map<String, Value> {
        std::mem::take(&mut self.additional)
    }
}

/// A tool choice read from the Converse body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ToolChoiceWire<'a> {
    Auto,
    Any,
    Tool(&'a str),
}

fn unsupported(path: &str, what: &str, family: &str) -> TranslationError {
    TranslationError::new(
        TranslationErrorKind::Unsupported,
        path,
        format!(
            "the native {family} body carries text only, not {what}; use Converse for this request"
        ),
    )
}

/// The text of a turn for prompt-template families: text parts joined by newlines; cache
/// points and reasoning skipped; media, documents and tool blocks refused (named by path).
pub(crate) fn text_only(
    content: &[Value],
    path: &str,
    family: &str,
) -> Result<String, TranslationError> {
    let mut out = String::new();
    for (j, b) in content.iter().enumerate() {
        let p = json::index(path, j);
        let Some(m) = b.as_object() else { continue };
        let Some((kind, v)) = m.iter().next() else {
            continue;
        };
        match kind.as_str() {
            "text" => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(v.as_str().unwrap_or(""));
            }
            "citationsContent" => {
                if let Some(Value::Array(parts)) = v.get("content") {
                    for t in parts
                        .iter()
                        .filter_map(|t| t.get("text"))
                        .filter_map(Value::as_str)
                    {
                        out.push_str(t);
                    }
                }
            }
            "cachePoint" | "reasoningContent" => {}
            "document" => match v.pointer("/source/text").and_then(Value::as_str) {
                Some(t) => {
                    if !out.is_empty() {
                        out.push('\n');
                    }
                    out.push_str(t);
                }
                None => return Err(unsupported(&p, "binary documents", family)),
            },
            "toolUse" | "toolResult" => {
                return Err(unsupported(&p, "tool calls or results", family));
            }
            other => return Err(unsupported(&p, &format!("`{other}` parts"), family)),
        }
    }
    Ok(out)
}

/// A stop reason in the common chat-completions / prompt-model vocabulary.
pub(crate) fn stop_reason(s: &str) -> StopReason {
    match s {
        "stop" | "end_turn" | "eos" | "COMPLETE" | "FINISH" | "end" => StopReason::EndTurn,
        "length" | "max_tokens" | "model_length" | "LENGTH" | "MAX_TOKENS" => StopReason::MaxTokens,
        "tool_calls" | "tool_use" | "function_call" => StopReason::ToolUse,
        "stop_sequence" | "STOP_SEQUENCE" => StopReason::StopSequence,
        "content_filter" | "content_filtered" | "CONTENT_FILTERED" | "ERROR_TOXIC" => {
            StopReason::ContentFiltered
        }
        other => StopReason::from_wire(other),
    }
}

/// Splits a DeepSeek/Qwen-style answer `reasoning</think>answer` (a leading `<think>` is
/// removed). Without `</think>`, everything is the answer.
pub(crate) fn split_think(text: &str) -> (Option<&str>, &str) {
    match text.find("</think>") {
        Some(i) => {
            let reasoning = text.get(..i).unwrap_or("");
            let reasoning = reasoning
                .trim_start()
                .strip_prefix("<think>")
                .unwrap_or(reasoning);
            let answer = text.get(i + "</think>".len()..).unwrap_or("");
            (
                Some(reasoning.trim_matches('\n')),
                answer.trim_start_matches('\n'),
            )
        }
        None => (None, text),
    }
}

/// The body shared by the prompt-completion families (Mistral instruct, DeepSeek R1): the prompt,
/// `max_tokens`, `temperature`, `top_p`, `stop`, then the caller's additional fields.
pub(crate) fn prompt_body(prompt: String, conv: &mut Conv) -> Value {
    let mut body = Map::new();
    body.insert("prompt".into(), Value::String(prompt));
    if let Some(v) = conv.max_tokens() {
        body.insert("max_tokens".into(), v);
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
    super::merge_into(&mut body, conv.take_additional());
    Value::Object(body)
}
