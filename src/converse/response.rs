//! Converse JSON response → [`ChatResponse`].

use serde_json::Value;

use crate::model::{
    CacheDetail, CacheTtl, ChatResponse, Citation, ContentPart, StopReason, Usage, b64_decode,
};
use crate::translation_error::TranslationError;

use super::json::{self, index, join};

/// Parses a Converse response body.
///
/// ```
/// use bedrock_wire::converse;
/// let body = br#"{"output":{"message":{"role":"assistant","content":[{"text":"Paris."}]}},
///   "stopReason":"end_turn","usage":{"inputTokens":5,"outputTokens":2,"totalTokens":7},
///   "metrics":{"latencyMs":120}}"#;
/// let r = converse::parse_response(body).unwrap();
/// assert_eq!(r.text(), "Paris.");
/// assert_eq!(r.usage.total_tokens, 7);
/// assert_eq!(r.latency_ms, Some(120));
/// ```
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, TranslationError> {
    let v = json::parse(body, "$")?;
    let top = json::obj(&v, "$")?;
    let output = json::obj(json::req(top, "output", "")?, "output")?;
    let message = json::obj(json::req(output, "message", "output")?, "output.message")?;
    let content_path = "output.message.content";
    let content_v = json::req(message, "content", "output.message")?;
    let blocks = json::arr(content_v, content_path)?;
    let mut content = Vec::with_capacity(blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        if let Some(p) = parse_block(b, &index(content_path, i))? {
            content.push(p);
        }
    }
    let stop_reason = StopReason::from_wire(json::req_str(top, "stopReason", "")?);
    let usage = match json::opt(top, "usage") {
        Some(u) => parse_usage(u, "usage")?,
        None => Usage::default(),
    };
    let latency_ms = match json::opt(top, "metrics") {
        Some(m) => json::opt_u64(json::obj(m, "metrics")?, "latencyMs", "metrics")?,
        None => None,
    };
    Ok(ChatResponse {
        content,
        stop_reason,
        usage,
        latency_ms,
        additional_model_response_fields: json::opt(top, "additionalModelResponseFields").cloned(),
    })
}

/// One response content block; `None` for kinds this crate does not model (skipped, so a
/// new block kind does not break old clients).
pub(crate) fn parse_block(b: &Value, path: &str) -> Result<Option<ContentPart>, TranslationError> {
    let (kind, v) = json::union(b, path)?;
    let p = join(path, kind);
    Ok(Some(match kind {
        "text" => ContentPart::Text {
            text: json::str(v, &p)?.to_owned(),
        },
        "toolUse" => {
            let m = json::obj(v, &p)?;
            ContentPart::ToolUse {
                id: json::req_str(m, "toolUseId", &p)?.to_owned(),
                name: json::req_str(m, "name", &p)?.to_owned(),
                input: json::opt(m, "input")
                    .cloned()
                    .unwrap_or_else(|| Value::Object(serde_json::Map::new())),
            }
        }
        "reasoningContent" => {
            let (rk, rv) = json::union(v, &p)?;
            let rp = join(&p, rk);
            match rk {
                "reasoningText" => {
                    let m = json::obj(rv, &rp)?;
                    ContentPart::Reasoning {
                        text: json::req_str(m, "text", &rp)?.to_owned(),
                        signature: json::opt_str(m, "signature", &rp)?.map(str::to_owned),
                    }
                }
                "redactedContent" => ContentPart::RedactedReasoning {
                    data: decode_b64(json::str(rv, &rp)?, &rp)?,
                },
                _ => return Ok(None),
            }
        }
        "citationsContent" => {
            let m = json::obj(v, &p)?;
            let mut content = Vec::new();
            if let Some(c) = json::opt(m, "content") {
                let cp = join(&p, "content");
                for (i, t) in json::arr(c, &cp)?.iter().enumerate() {
                    let tp = index(&cp, i);
                    content.push(json::req_str(json::obj(t, &tp)?, "text", &tp)?.to_owned());
                }
            }
            let mut citations = Vec::new();
            if let Some(c) = json::opt(m, "citations") {
                let cp = join(&p, "citations");
                for (i, c) in json::arr(c, &cp)?.iter().enumerate() {
                    citations.push(parse_citation(c, &index(&cp, i))?);
                }
            }
            ContentPart::Citations { content, citations }
        }
        _ => return Ok(None),
    }))
}

pub(crate) fn decode_b64(s: &str, path: &str) -> Result<Vec<u8>, TranslationError> {
    b64_decode(s).map_err(|e| TranslationError::invalid(path, format!("not valid base64 ({e})")))
}

/// A citation object (`title`, `source`, `sourceContent[{text}]`, `location`).
pub(crate) fn parse_citation(v: &Value, path: &str) -> Result<Citation, TranslationError> {
    let m = json::obj(v, path)?;
    let mut source_content = Vec::new();
    if let Some(sc) = json::opt(m, "sourceContent") {
        let sp = join(path, "sourceContent");
        for (i, t) in json::arr(sc, &sp)?.iter().enumerate() {
            let tp = index(&sp, i);
            if let Some(t) = json::opt_str(json::obj(t, &tp)?, "text", &tp)? {
                source_content.push(t.to_owned());
            }
        }
    }
    Ok(Citation {
        title: json::opt_str(m, "title", path)?.map(str::to_owned),
        source: json::opt_str(m, "source", path)?.map(str::to_owned),
        source_content,
        location: json::opt(m, "location").cloned().unwrap_or(Value::Null),
    })
}

/// A `TokenUsage` object.
pub(crate) fn parse_usage(v: &Value, path: &str) -> Result<Usage, TranslationError> {
    let m = json::obj(v, path)?;
    let get = |k: &str| json::opt_u64(m, k, path).map(Option::unwrap_or_default);
    let mut cache_details = Vec::new();
    if let Some(d) = json::opt(m, "cacheDetails") {
        let dp = join(path, "cacheDetails");
        for (i, e) in json::arr(d, &dp)?.iter().enumerate() {
            let ep = index(&dp, i);
            let em = json::obj(e, &ep)?;
            let ttl_s = json::req_str(em, "ttl", &ep)?;
            let ttl = CacheTtl::from_wire(ttl_s).ok_or_else(|| {
                TranslationError::invalid(join(&ep, "ttl"), format!("unknown cache TTL {ttl_s:?}"))
            })?;
            cache_details.push(CacheDetail {
                ttl,
                input_tokens: json::opt_u64(em, "inputTokens", &ep)?.unwrap_or_default(),
            });
        }
    }
    Ok(Usage {
        input_tokens: get("inputTokens")?,
        output_tokens: get("outputTokens")?,
        total_tokens: get("totalTokens")?,
        cache_read_input_tokens: get("cacheReadInputTokens")?,
        cache_write_input_tokens: get("cacheWriteInputTokens")?,
        cache_details,
    })
}
