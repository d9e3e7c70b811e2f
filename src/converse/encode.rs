//! Neutral content parts → Converse `ContentBlock` JSON (after media preparation, so
//! infallible).

use serde_json::{Map, Value, json};

use crate::model::{
    CacheTtl, Citation, ContentPart, Document, DocumentSource, ImageFormat, MediaSource,
    ToolResultContent, b64_encode,
};

pub(crate) fn cache_point(ttl: CacheTtl) -> Value {
    match ttl {
        CacheTtl::FiveMinutes => json!({ "cachePoint": { "type": "default" } }),
        CacheTtl::OneHour => json!({ "cachePoint": { "type": "default", "ttl": "1h" } }),
    }
}

fn source(source: &MediaSource) -> Value {
    match source {
        MediaSource::Bytes { data } => json!({ "bytes": b64_encode(data) }),
        MediaSource::S3 { uri, bucket_owner } => s3(uri, bucket_owner.as_deref()),
        // Unreachable after media preparation (data URIs are decoded, others refused).
        MediaSource::Url { url } => json!({ "url": url }),
    }
}

fn s3(uri: &str, owner: Option<&str>) -> Value {
    let mut loc = Map::new();
    loc.insert("uri".into(), Value::String(uri.to_owned()));
    if let Some(o) = owner {
        loc.insert("bucketOwner".into(), Value::String(o.to_owned()));
    }
    json!({ "s3Location": loc })
}

fn image(format: Option<ImageFormat>, src: &MediaSource) -> Value {
    // The format is always set by media preparation; png is a harmless default otherwise.
    let format = format.unwrap_or(ImageFormat::Png);
    json!({ "image": { "format": format.as_str(), "source": source(src) } })
}

fn document(doc: &Document) -> Value {
    let src = match &doc.source {
        DocumentSource::Bytes { data } => json!({ "bytes": b64_encode(data) }),
        DocumentSource::Text { text } => json!({ "text": text }),
        DocumentSource::S3 { uri, bucket_owner } => s3(uri, bucket_owner.as_deref()),
    };
    let mut d = Map::new();
    d.insert("format".into(), Value::String(doc.format.as_str().into()));
    d.insert(
        "name".into(),
        Value::String(doc.name.clone().unwrap_or_else(|| "document".into())),
    );
    d.insert("source".into(), src);
    if let Some(c) = &doc.context {
        d.insert("context".into(), Value::String(c.clone()));
    }
    if doc.citations {
        d.insert("citations".into(), json!({ "enabled": true }));
    }
    json!({ "document": d })
}

pub(crate) fn citation(c: &Citation) -> Value {
    let mut m = Map::new();
    if let Some(t) = &c.title {
        m.insert("title".into(), Value::String(t.clone()));
    }
    if let Some(s) = &c.source {
        m.insert("source".into(), Value::String(s.clone()));
    }
    if !c.source_content.is_empty() {
        m.insert(
            "sourceContent".into(),
            c.source_content
                .iter()
                .map(|t| json!({ "text": t }))
                .collect(),
        );
    }
    if !c.location.is_null() {
        m.insert("location".into(), c.location.clone());
    }
    Value::Object(m)
}

/// One content part as a Converse content block.
pub(crate) fn part(p: &ContentPart) -> Value {
    match p {
        ContentPart::Text { text } => json!({ "text": text }),
        ContentPart::Image { format, source } => image(*format, source),
        ContentPart::Document(doc) => document(doc),
        ContentPart::Video {
            format,
            source: src,
        } => {
            json!({ "video": { "format": format.as_str(), "source": source(src) } })
        }
        ContentPart::ToolUse { id, name, input } => {
            json!({ "toolUse": { "toolUseId": id, "name": name, "input": input } })
        }
        ContentPart::ToolResult {
            tool_use_id,
            content,
            is_error,
        } => {
            let content: Vec<Value> = content
                .iter()
                .map(|c| match c {
                    ToolResultContent::Text { text } => json!({ "text": text }),
                    ToolResultContent::Json { value } => json!({ "json": value }),
                    ToolResultContent::Image { format, source } => image(*format, source),
                    ToolResultContent::Document(doc) => document(doc),
                })
                .collect();
            let mut r = Map::new();
            r.insert("toolUseId".into(), Value::String(tool_use_id.clone()));
            r.insert("content".into(), Value::Array(content));
            if *is_error {
                r.insert("status".into(), Value::String("error".into()));
            }
            json!({ "toolResult": r })
        }
        ContentPart::Reasoning { text, signature } => {
            let mut rt = Map::new();
            rt.insert("text".into(), Value::String(text.clone()));
            if let Some(s) = signature {
                rt.insert("signature".into(), Value::String(s.clone()));
            }
            json!({ "reasoningContent": { "reasoningText": rt } })
        }
        ContentPart::RedactedReasoning { data } => {
            json!({ "reasoningContent": { "redactedContent": b64_encode(data) } })
        }
        ContentPart::Citations { content, citations } => json!({
            "citationsContent": {
                "content": content.iter().map(|t| json!({ "text": t })).collect::<Vec<_>>(),
                "citations": citations.iter().map(citation).collect::<Vec<_>>(),
            }
        }),
        ContentPart::CachePoint { ttl } => cache_point(*ttl),
    }
}

/// Deep-merges `over` into `base` (objects merged key by key, anything else replaced).
pub(crate) fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (b, o) => *b = o,
    }
}
