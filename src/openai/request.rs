//! OpenAI chat.completions request JSON → [`ChatRequest`].

use serde_json::{Map, Value};

use crate::converse::json::{self, index, join};
use crate::model::{
    ChatRequest, ContentPart, Message, Reasoning, ReasoningEffort, Role, StructuredOutput,
    SystemBlock, Tool, ToolChoice, ToolResultContent,
};
use crate::translation_error::TranslationError;

/// A parsed OpenAI chat request.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAiRequest {
    /// The neutral request.
    pub request: ChatRequest,
    /// `stream: true` was asked.
    pub stream: bool,
    /// `stream_options.include_usage: true` was asked (a final usage chunk).
    pub include_usage: bool,
}

/// Parses an OpenAI `chat.completions` request body.
///
/// ```
/// use bedrock_wire::openai;
/// let body = br#"{"model":"bedrock/nova-pro","stream":true,
///   "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
///   "max_completion_tokens":64,"reasoning_effort":"low"}"#;
/// let parsed = openai::parse_request(body).unwrap();
/// assert!(parsed.stream);
/// assert_eq!(parsed.request.model, "bedrock/nova-pro");
/// assert_eq!(parsed.request.max_tokens, Some(64));
/// assert_eq!(parsed.request.messages.len(), 1);
/// ```
pub fn parse_request(body: &[u8]) -> Result<OpenAiRequest, TranslationError> {
    let v = json::parse(body, "$")?;
    let top = json::obj(&v, "$")?;
    let mut req = ChatRequest::new(json::req_str(top, "model", "")?);

    let msgs = json::arr(json::req(top, "messages", "")?, "messages")?;
    for (i, m) in msgs.iter().enumerate() {
        message(m, &index("messages", i), &mut req)?;
    }

    if let Some(tools) = json::opt(top, "tools") {
        for (i, t) in json::arr(tools, "tools")?.iter().enumerate() {
            let p = index("tools", i);
            let tm = json::obj(t, &p)?;
            let f = json::obj(json::req(tm, "function", &p)?, &join(&p, "function"))?;
            let fp = join(&p, "function");
            req.tools.push(Tool {
                name: json::req_str(f, "name", &fp)?.to_owned(),
                description: json::opt_str(f, "description", &fp)?.map(str::to_owned),
                input_schema: json::opt(f, "parameters")
                    .cloned()
                    .unwrap_or_else(|| serde_json::json!({ "type": "object" })),
                strict: bool_field(f, "strict", &fp)?,
            });
        }
    }
    if let Some(tc) = json::opt(top, "tool_choice") {
        req.tool_choice = Some(match tc {
            Value::String(s) => match s.as_str() {
                "auto" => ToolChoice::Auto,
                "none" => ToolChoice::None,
                "required" => ToolChoice::Any,
                other => {
                    return Err(TranslationError::invalid(
                        "tool_choice",
                        format!("unknown tool_choice {other:?}"),
                    ));
                }
            },
            other => {
                let m = json::obj(other, "tool_choice")?;
                let f = json::obj(
                    json::req(m, "function", "tool_choice")?,
                    "tool_choice.function",
                )?;
                ToolChoice::Tool {
                    name: json::req_str(f, "name", "tool_choice.function")?.to_owned(),
                }
            }
        });
    }
    let max = json::opt(top, "max_completion_tokens").or_else(|| json::opt(top, "max_tokens"));
    if let Some(n) = max {
        let key = if json::opt(top, "max_completion_tokens").is_some() {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        req.max_tokens = Some(json::u32(n, key)?);
    }
    req.temperature = float(top, "temperature")?;
    req.top_p = float(top, "top_p")?;
    if let Some(k) = json::opt(top, "top_k") {
        req.top_k = Some(json::u32(k, "top_k")?);
    }
    if let Some(stop) = json::opt(top, "stop") {
        match stop {
            Value::String(s) => req.stop.push(s.clone()),
            other => {
                for (i, s) in json::arr(other, "stop")?.iter().enumerate() {
                    req.stop.push(json::str(s, &index("stop", i))?.to_owned());
                }
            }
        }
    }
    if let Some(rf) = json::opt(top, "response_format") {
        let m = json::obj(rf, "response_format")?;
        if json::req_str(m, "type", "response_format")? == "json_schema" {
            let p = "response_format.json_schema";
            let js = json::obj(json::req(m, "json_schema", "response_format")?, p)?;
            req.structured_output = Some(StructuredOutput {
                name: json::opt_str(js, "name", p)?
                    .unwrap_or("response")
                    .to_owned(),
                description: json::opt_str(js, "description", p)?.map(str::to_owned),
                schema: json::req(js, "schema", p)?.clone(),
            });
        }
    }
    if let Some(e) = json::opt_str(top, "reasoning_effort", "")? {
        let effort = ReasoningEffort::parse(e).ok_or_else(|| {
            TranslationError::invalid("reasoning_effort", format!("unknown effort {e:?}"))
        })?;
        req.reasoning = Some(Reasoning::Effort { effort });
    }
    let stream = bool_field(top, "stream", "")?.unwrap_or(false);
    let include_usage = match json::opt(top, "stream_options") {
        Some(o) => bool_field(
            json::obj(o, "stream_options")?,
            "include_usage",
            "stream_options",
        )?
        .unwrap_or(false),
        None => false,
    };
    Ok(OpenAiRequest {
        request: req,
        stream,
        include_usage,
    })
}

fn bool_field(
    m: &Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<bool>, TranslationError> {
    json::opt(m, key)
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| TranslationError::wrong_type(join(path, key), "a boolean", v))
        })
        .transpose()
}

fn float(m: &Map<String, Value>, key: &str) -> Result<Option<f64>, TranslationError> {
    json::opt(m, key)
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| TranslationError::wrong_type(key, "a number", v))
        })
        .transpose()
}

/// Text of a `content` that is a string or an array of text parts.
fn text_content(v: &Value, path: &str) -> Result<String, TranslationError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => {
            let mut out = String::new();
            for (i, p) in json::arr(other, path)?.iter().enumerate() {
                let pp = index(path, i);
                let pm = json::obj(p, &pp)?;
                if let Some(t) = json::opt_str(pm, "text", &pp)? {
                    out.push_str(t);
                }
            }
            Ok(out)
        }
    }
}

fn parts(v: &Value, path: &str) -> Result<Vec<ContentPart>, TranslationError> {
    match v {
        Value::String(s) => Ok(vec![ContentPart::text(s.clone())]),
        other => {
            let mut out = Vec::new();
            for (i, p) in json::arr(other, path)?.iter().enumerate() {
                let pp = index(path, i);
                let pm = json::obj(p, &pp)?;
                match json::req_str(pm, "type", &pp)? {
                    "text" => out.push(ContentPart::text(json::req_str(pm, "text", &pp)?)),
                    "image_url" => {
                        let ip = join(&pp, "image_url");
                        let url = match json::req(pm, "image_url", &pp)? {
                            Value::String(s) => s.as_str(),
                            o => json::req_str(json::obj(o, &ip)?, "url", &ip)?,
                        };
                        out.push(ContentPart::image_url(url));
                    }
                    other => {
                        return Err(TranslationError::invalid(
                            join(&pp, "type"),
                            format!("unsupported content part type {other:?}"),
                        ));
                    }
                }
            }
            Ok(out)
        }
    }
}

fn message(m: &Value, path: &str, req: &mut ChatRequest) -> Result<(), TranslationError> {
    let mm = json::obj(m, path)?;
    let role = json::req_str(mm, "role", path)?;
    let content = json::opt(mm, "content");
    let cpath = join(path, "content");
    match role {
        "system" | "developer" => {
            if let Some(c) = content {
                req.system.push(SystemBlock::Text {
                    text: text_content(c, &cpath)?,
                });
            }
        }
        "user" => {
            let c = json::req(mm, "content", path)?;
            req.messages
                .push(Message::new(Role::User, parts(c, &cpath)?));
        }
        "assistant" => {
            let mut out = match content {
                Some(c) => parts(c, &cpath)?,
                None => Vec::new(),
            };
            if let Some(calls) = json::opt(mm, "tool_calls") {
                let tp = join(path, "tool_calls");
                for (i, c) in json::arr(calls, &tp)?.iter().enumerate() {
                    let p = index(&tp, i);
                    let cm = json::obj(c, &p)?;
                    let fp = join(&p, "function");
                    let f = json::obj(json::req(cm, "function", &p)?, &fp)?;
                    let args = json::opt_str(f, "arguments", &fp)?.unwrap_or("");
                    let input = if args.trim().is_empty() {
                        Value::Object(Map::new())
                    } else {
                        serde_json::from_str(args).map_err(|e| {
                            TranslationError::invalid(
                                join(&fp, "arguments"),
                                format!("arguments are not valid JSON ({e})"),
                            )
                        })?
                    };
                    out.push(ContentPart::ToolUse {
                        id: json::req_str(cm, "id", &p)?.to_owned(),
                        name: json::req_str(f, "name", &fp)?.to_owned(),
                        input,
                    });
                }
            }
            req.messages.push(Message::new(Role::Assistant, out));
        }
        "tool" => {
            let id = json::req_str(mm, "tool_call_id", path)?.to_owned();
            let text = match content {
                Some(c) => text_content(c, &cpath)?,
                None => String::new(),
            };
            req.messages.push(Message::new(
                Role::User,
                vec![ContentPart::ToolResult {
                    tool_use_id: id,
                    content: vec![ToolResultContent::Text { text }],
                    is_error: false,
                }],
            ));
        }
        other => {
            return Err(TranslationError::invalid(
                join(path, "role"),
                format!("unknown role {other:?}"),
            ));
        }
    }
    Ok(())
}
