//! An Event Stream message to a Bedrock event (exceptions included).
//!
//! [`parse`] reads the `:message-type` header and then `:event-type`, `:exception-type` or
//! `:error-code`:
//! - `event` frames of ConverseStream (`messageStart`, `contentBlockStart`,
//!   `contentBlockDelta`, `contentBlockStop`, `messageStop`, `metadata`) and of
//!   InvokeModelWithResponseStream (`chunk`, its base64 `bytes` decoded) become typed events;
//!   any other event type is kept as [`BedrockEvent::Unknown`], never dropped;
//! - `exception` frames become [`BedrockEvent::Exception`] with the exception type and the
//!   payload's `message` (and `originalStatusCode` / `originalMessage` when present);
//! - `error` frames (`:error-code`, `:error-message` headers, no body) become an exception too.
//!
//! The random padding field `p` every payload carries is ignored. Event JSON is parsed
//! straight from the frame payload into small typed structs (no intermediate map); only when
//! that fails is the payload walked again to name the JSON path of the problem.
//!
//! ```
//! use bedrock_wire::event::{self, BedrockEvent};
//! use bedrock_wire::model::BlockDelta;
//! use eventstream::{HeaderValue, Message};
//!
//! let m = Message::new(&br#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcd"}"#[..])
//!     .with_header(":event-type", HeaderValue::string("contentBlockDelta"))
//!     .with_header(":message-type", HeaderValue::string("event"));
//! assert_eq!(
//!     event::parse(&m).unwrap(),
//!     BedrockEvent::ContentBlockDelta { index: 0, delta: Some(BlockDelta::Text { text: "Hi".into() }) }
//! );
//!
//! let m = Message::new(&br#"{"message":"Too many requests"}"#[..])
//!     .with_header(":exception-type", HeaderValue::string("throttlingException"))
//!     .with_header(":message-type", HeaderValue::string("exception"));
//! let BedrockEvent::Exception(e) = event::parse(&m).unwrap() else { panic!() };
//! assert_eq!(e.exception_type, "throttlingException");
//! assert_eq!(e.status(), 429);
//! assert!(e.is_retryable());
//! ```

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use eventstream::Message;
use serde::Deserialize;
use serde_json::Value;

use crate::converse::json::{self, join};
use crate::converse::{decode_b64, parse_citation, parse_usage};
use crate::fast_json;
use crate::model::{
    BlockDelta, BlockStart, CacheDetail, CacheTtl, Role, StopReason, Usage, b64_decode,
    b64_decode_bytes,
};
use crate::translation_error::TranslationError;

/// The modeled in-stream exception types, plus the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExceptionKind {
    /// `internalServerException` (500).
    InternalServer,
    /// `modelStreamErrorException` (424).
    ModelStreamError,
    /// `validationException` (400).
    Validation,
    /// `throttlingException` (429).
    Throttling,
    /// `serviceUnavailableException` (503).
    ServiceUnavailable,
    /// `modelTimeoutException` (408, InvokeModel streams).
    ModelTimeout,
    /// Anything else (including `error` frames).
    Other,
}

impl ExceptionKind {
    /// Classifies an `:exception-type` (or `:error-code`) value, case-insensitively and
    /// ignoring an `Exception` suffix.
    pub fn of(exception_type: &str) -> Self {
        let t = exception_type.trim();
        let t = t.strip_suffix("Exception").unwrap_or(t);
        let eq = |s: &str| t.eq_ignore_ascii_case(s);
        if eq("internalServer") {
            Self::InternalServer
        } else if eq("modelStreamError") {
            Self::ModelStreamError
        } else if eq("validation") {
            Self::Validation
        } else if eq("throttling") {
            Self::Throttling
        } else if eq("serviceUnavailable") {
            Self::ServiceUnavailable
        } else if eq("modelTimeout") {
            Self::ModelTimeout
        } else {
            Self::Other
        }
    }

    /// The HTTP status the service model gives this exception (500 for unknown ones).
    pub fn status(self) -> u16 {
        match self {
            Self::InternalServer | Self::Other => 500,
            Self::ModelStreamError => 424,
            Self::Validation => 400,
            Self::Throttling => 429,
            Self::ServiceUnavailable => 503,
            Self::ModelTimeout => 408,
        }
    }
}

/// An exception (or `error`) frame received inside a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamException {
    /// Its classification.
    pub kind: ExceptionKind,
    /// The `:exception-type` (or `:error-code`) exactly as sent.
    pub exception_type: String,
    /// The message (`message` / `Message` in the payload, or `:error-message`).
    pub message: String,
    /// For `modelStreamErrorException`: the model's own status code.
    pub original_status_code: Option<u16>,
    /// For `modelStreamErrorException`: the model's own message.
    pub original_message: Option<String>,
    /// It came as an `error` frame rather than an `exception` frame.
    pub error_frame: bool,
}

impl StreamException {
    /// The HTTP status the service model gives this exception.
    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// Throttling, service unavailable, internal server and model stream errors are worth
    /// retrying (if nothing was shown to the user yet); validation errors are not.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ExceptionKind::Throttling
                | ExceptionKind::ServiceUnavailable
                | ExceptionKind::InternalServer
                | ExceptionKind::ModelStreamError
        )
    }
}

impl fmt::Display for StreamException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.exception_type, self.message)?;
        if let Some(code) = self.original_status_code {
            write!(f, " (model status {code}")?;
            if let Some(m) = &self.original_message {
                write!(f, ": {m}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for StreamException {}

/// One Bedrock stream event.
#[derive(Debug, Clone, PartialEq)]
pub enum BedrockEvent {
    /// `messageStart`.
    MessageStart {
        /// The role (always the assistant in practice).
        role: Role,
    },
    /// `contentBlockStart`; `start` is `None` for start kinds this crate does not model
    /// (`toolResult`, `image`).
    ContentBlockStart {
        /// Block index.
        index: u32,
        /// What starts.
        start: Option<BlockStart>,
    },
    /// `contentBlockDelta`; `delta` is `None` for delta kinds this crate does not model.
    ContentBlockDelta {
        /// Block index.
        index: u32,
        /// The increment.
        delta: Option<BlockDelta>,
    },
    /// `contentBlockStop`.
    ContentBlockStop {
        /// Block index.
        index: u32,
    },
    /// `messageStop`.
    MessageStop {
        /// Why the model stopped.
        stop_reason: StopReason,
        /// Extra response fields, when asked for.
        additional_model_response_fields: Option<Value>,
    },
    /// `metadata`.
    Metadata {
        /// Usage.
        usage: Option<Usage>,
        /// `metrics.latencyMs`.
        latency_ms: Option<u64>,
    },
    /// InvokeModelWithResponseStream `chunk`: the decoded `bytes` (the model's native event JSON).
    Chunk {
        /// The decoded bytes.
        bytes: Vec<u8>,
    },
    /// An exception or error frame.
    Exception(StreamException),
    /// An event (or message type) this crate does not know, kept.
    Unknown {
        /// `:message-type` (empty if absent).
        message_type: String,
        /// `:event-type` (empty if absent).
        event_type: String,
        /// The raw payload.
        payload: Bytes,
    },
}

/// Parses one Event Stream message.
pub fn parse(message: &Message) -> Result<BedrockEvent, TranslationError> {
    let message_type = message.header_str(":message-type").unwrap_or("event");
    match message_type {
        "event" => {
            let event_type = event_type(message);
            parse_event(event_type, message.payload()).map(|e| {
                e.unwrap_or_else(|| BedrockEvent::Unknown {
                    message_type: message_type.to_owned(),
                    event_type: event_type.to_owned(),
                    payload: message.payload().clone(),
                })
            })
        }
        "exception" => Ok(BedrockEvent::Exception(exception(
            message
                .header_str(":exception-type")
                .unwrap_or("unknownException"),
            message.payload(),
        ))),
        "error" => {
            let code = message.header_str(":error-code").unwrap_or("unknownError");
            Ok(BedrockEvent::Exception(StreamException {
                kind: ExceptionKind::of(code),
                exception_type: code.to_owned(),
                message: message
                    .header_str(":error-message")
                    .unwrap_or("")
                    .to_owned(),
                original_status_code: None,
                original_message: None,
                error_frame: true,
            }))
        }
        other => Ok(BedrockEvent::Unknown {
            message_type: other.to_owned(),
            event_type: message.header_str(":event-type").unwrap_or("").to_owned(),
            payload: message.payload().clone(),
        }),
    }
}

/// The `:event-type` (empty if absent). The event types of Bedrock's streams are matched as
/// bytes, which spares the UTF-8 check `header_str` would repeat on every frame.
fn event_type(message: &Message) -> &str {
    let Some(eventstream::HeaderValue::String(s)) = message.header(":event-type") else {
        return "";
    };
    match s.as_bytes() {
        b"contentBlockDelta" => "contentBlockDelta",
        b"chunk" => "chunk",
        b"contentBlockStart" => "contentBlockStart",
        b"contentBlockStop" => "contentBlockStop",
        b"messageStart" => "messageStart",
        b"messageStop" => "messageStop",
        b"metadata" => "metadata",
        _ => s.as_str(),
    }
}

#[derive(Deserialize)]
struct ExceptionW<'a> {
    #[serde(borrow, default, alias = "Message")]
    message: Option<Cow<'a, str>>,
    #[serde(default, rename = "originalStatusCode")]
    original_status_code: Option<u16>,
    #[serde(borrow, default, rename = "originalMessage")]
    original_message: Option<Cow<'a, str>>,
}

/// The longest raw (non-JSON) exception payload kept as the message.
const MAX_RAW_MESSAGE: usize = 1024;

fn exception(exception_type: &str, payload: &[u8]) -> StreamException {
    let (message, code, original) = if let Ok(w) = serde_json::from_slice::<ExceptionW<'_>>(payload)
    {
        (
            w.message.map(Cow::into_owned).unwrap_or_default(),
            w.original_status_code,
            w.original_message.map(Cow::into_owned),
        )
    } else {
        let cut = payload.get(..MAX_RAW_MESSAGE).unwrap_or(payload);
        (String::from_utf8_lossy(cut).into_owned(), None, None)
    };
    StreamException {
        kind: ExceptionKind::of(exception_type),
        exception_type: exception_type.to_owned(),
        message,
        original_status_code: code,
        original_message: original,
        error_frame: false,
    }
}

// ---- fast path: typed structs straight from the payload ----

#[derive(Deserialize)]
struct MessageStartW<'a> {
    #[serde(borrow)]
    role: Cow<'a, str>,
}

#[derive(Deserialize)]
struct IndexW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
}

#[derive(Deserialize)]
struct BlockStartW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
    start: StartW,
}

#[derive(Deserialize)]
struct StartW {
    #[serde(default, rename = "toolUse")]
    tool_use: Option<ToolUseStartW>,
}

#[derive(Deserialize)]
struct ToolUseStartW {
    #[serde(rename = "toolUseId")]
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct BlockDeltaW {
    #[serde(rename = "contentBlockIndex")]
    index: u32,
    delta: DeltaW,
}

#[derive(Deserialize)]
struct DeltaW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default, rename = "toolUse")]
    tool_use: Option<ToolUseDeltaW>,
    #[serde(default, rename = "reasoningContent")]
    reasoning: Option<ReasoningDeltaW>,
    #[serde(default)]
    citation: Option<Value>,
}

#[derive(Deserialize)]
struct ToolUseDeltaW {
    input: String,
}

#[derive(Deserialize)]
struct ReasoningDeltaW {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    signature: Option<String>,
    #[serde(default, rename = "redactedContent")]
    redacted: Option<String>,
}

#[derive(Deserialize)]
struct MessageStopW<'a> {
    #[serde(borrow, rename = "stopReason")]
    stop_reason: Cow<'a, str>,
    #[serde(default, rename = "additionalModelResponseFields")]
    additional: Option<Value>,
}

#[derive(Deserialize)]
struct MetadataW<'a> {
    #[serde(borrow, default)]
    usage: Option<UsageW<'a>>,
    #[serde(default)]
    metrics: Option<MetricsW>,
}

#[derive(Deserialize)]
struct MetricsW {
    #[serde(default, rename = "latencyMs")]
    latency_ms: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageW<'a> {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    total_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    cache_write_input_tokens: u64,
    #[serde(borrow, default)]
    cache_details: Vec<CacheDetailW<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CacheDetailW<'a> {
    #[serde(borrow)]
    ttl: Cow<'a, str>,
    #[serde(default)]
    input_tokens: u64,
}

#[derive(Deserialize)]
struct ChunkW<'a> {
    #[serde(borrow)]
    bytes: Cow<'a, str>,
}

fn role(s: &str, path: &str) -> Result<Role, TranslationError> {
    match s {
        "assistant" => Ok(Role::Assistant),
        "user" => Ok(Role::User),
        other => Err(TranslationError::invalid(
            path,
            format!("unknown role {other:?}"),
        )),
    }
}

/// Parses the payload of an `event` frame; `Ok(None)` for an unknown event type.
fn parse_event(event_type: &str, payload: &[u8]) -> Result<Option<BedrockEvent>, TranslationError> {
    // The two shapes almost every streamed frame has, read without serde when they are plain.
    match event_type {
        "contentBlockDelta" => {
            if let Some((index, text)) = fast_json::converse_text_delta(payload) {
                return Ok(Some(BedrockEvent::ContentBlockDelta {
                    index,
                    delta: Some(BlockDelta::Text {
                        text: text.to_owned(),
                    }),
                }));
            }
        }
        "chunk" => {
            if let Some(bytes) =
                fast_json::chunk_bytes(payload).and_then(|b| b64_decode_bytes(b).ok())
            {
                return Ok(Some(BedrockEvent::Chunk { bytes }));
            }
        }
        _ => {}
    }
    parse_event_serde(event_type, payload)
}

/// [`parse_event`] without the fast path: every payload through serde.
fn parse_event_serde(
    event_type: &str,
    payload: &[u8],
) -> Result<Option<BedrockEvent>, TranslationError> {
    let fast = match event_type {
        "messageStart" => serde_json::from_slice::<MessageStartW<'_>>(payload)
            .map_err(drop)
            .and_then(|w| role(&w.role, "messageStart.role").map_err(drop))
            .map(|role| BedrockEvent::MessageStart { role }),
        "contentBlockStart" => serde_json::from_slice::<BlockStartW>(payload)
            .map(|w| BedrockEvent::ContentBlockStart {
                index: w.index,
                start: w.start.tool_use.map(|t| BlockStart::ToolUse {
                    id: t.id,
                    name: t.name,
                }),
            })
            .map_err(drop),
        "contentBlockDelta" => serde_json::from_slice::<BlockDeltaW>(payload)
            .map_err(drop)
            .and_then(|w| {
                delta(w.delta)
                    .map(|delta| BedrockEvent::ContentBlockDelta {
                        index: w.index,
                        delta,
                    })
                    .map_err(drop)
            }),
        "contentBlockStop" => serde_json::from_slice::<IndexW>(payload)
            .map(|w| BedrockEvent::ContentBlockStop { index: w.index })
            .map_err(drop),
        "messageStop" => serde_json::from_slice::<MessageStopW<'_>>(payload)
            .map(|w| BedrockEvent::MessageStop {
                stop_reason: StopReason::from_wire(&w.stop_reason),
                additional_model_response_fields: w.additional.filter(|v| !v.is_null()),
            })
            .map_err(drop),
        "metadata" => serde_json::from_slice::<MetadataW<'_>>(payload)
            .map_err(drop)
            .and_then(|w| {
                let usage = w.usage.map(usage).transpose().map_err(drop)?;
                Ok(BedrockEvent::Metadata {
                    usage,
                    latency_ms: w.metrics.and_then(|m| m.latency_ms),
                })
            }),
        "chunk" => serde_json::from_slice::<ChunkW<'_>>(payload)
            .map_err(drop)
            .and_then(|w| b64_decode(&w.bytes).map_err(drop))
            .map(|bytes| BedrockEvent::Chunk { bytes }),
        _ => return Ok(None),
    };
    match fast {
        Ok(e) => Ok(Some(e)),
        Err(()) => Err(explain(event_type, payload)),
    }
}

fn delta(d: DeltaW) -> Result<Option<BlockDelta>, TranslationError> {
    if let Some(text) = d.text {
        return Ok(Some(BlockDelta::Text { text }));
    }
    if let Some(t) = d.tool_use {
        return Ok(Some(BlockDelta::ToolInput { json: t.input }));
    }
    if let Some(r) = d.reasoning {
        if let Some(text) = r.text {
            return Ok(Some(BlockDelta::ReasoningText { text }));
        }
        if let Some(signature) = r.signature {
            return Ok(Some(BlockDelta::ReasoningSignature { signature }));
        }
        if let Some(b) = r.redacted {
            let path = "contentBlockDelta.delta.reasoningContent.redactedContent";
            return Ok(Some(BlockDelta::RedactedReasoning {
                data: decode_b64(&b, path)?,
            }));
        }
        return Ok(None);
    }
    if let Some(c) = d.citation {
        return Ok(Some(BlockDelta::Citation {
            citation: parse_citation(&c, "contentBlockDelta.delta.citation")?,
        }));
    }
    Ok(None)
}

fn usage(w: UsageW<'_>) -> Result<Usage, TranslationError> {
    let mut cache_details = Vec::with_capacity(w.cache_details.len());
    for (i, d) in w.cache_details.into_iter().enumerate() {
        let ttl = CacheTtl::from_wire(&d.ttl).ok_or_else(|| {
            TranslationError::invalid(
                format!("metadata.usage.cacheDetails[{i}].ttl"),
                format!("unknown cache TTL {:?}", d.ttl),
            )
        })?;
        cache_details.push(CacheDetail {
            ttl,
            input_tokens: d.input_tokens,
        });
    }
    Ok(Usage {
        input_tokens: w.input_tokens,
        output_tokens: w.output_tokens,
        total_tokens: w.total_tokens,
        cache_read_input_tokens: w.cache_read_input_tokens,
        cache_write_input_tokens: w.cache_write_input_tokens,
        cache_details,
    })
}

// ---- slow path: walk the payload again to name the JSON path of the problem ----

fn explain(event_type: &str, payload: &[u8]) -> TranslationError {
    match check(event_type, payload) {
        Err(e) => e,
        Ok(()) => TranslationError::invalid(event_type, "payload does not match the event shape"),
    }
}

#[allow(clippy::many_single_char_names)]
fn check(event_type: &str, payload: &[u8]) -> Result<(), TranslationError> {
    let v = json::parse(payload, event_type)?;
    let p = event_type;
    let m = json::obj(&v, p)?;
    match event_type {
        "messageStart" => {
            role(json::req_str(m, "role", p)?, &join(p, "role"))?;
        }
        "contentBlockStart" => {
            json::u32(
                json::req(m, "contentBlockIndex", p)?,
                &join(p, "contentBlockIndex"),
            )?;
            let sp = join(p, "start");
            let s = json::obj(json::req(m, "start", p)?, &sp)?;
            if let Some(t) = json::opt(s, "toolUse") {
                let tp = join(&sp, "toolUse");
                let t = json::obj(t, &tp)?;
                json::req_str(t, "toolUseId", &tp)?;
                json::req_str(t, "name", &tp)?;
            }
        }
        "contentBlockDelta" => {
            json::u32(
                json::req(m, "contentBlockIndex", p)?,
                &join(p, "contentBlockIndex"),
            )?;
            let dp = join(p, "delta");
            let d = json::obj(json::req(m, "delta", p)?, &dp)?;
            json::opt_str(d, "text", &dp)?;
            if let Some(t) = json::opt(d, "toolUse") {
                let tp = join(&dp, "toolUse");
                json::req_str(json::obj(t, &tp)?, "input", &tp)?;
            }
            if let Some(r) = json::opt(d, "reasoningContent") {
                let rp = join(&dp, "reasoningContent");
                let r = json::obj(r, &rp)?;
                json::opt_str(r, "text", &rp)?;
                json::opt_str(r, "signature", &rp)?;
                if let Some(b) = json::opt_str(r, "redactedContent", &rp)? {
                    decode_b64(b, &join(&rp, "redactedContent"))?;
                }
            }
            if let Some(c) = json::opt(d, "citation") {
                parse_citation(c, &join(&dp, "citation"))?;
            }
        }
        "contentBlockStop" => {
            json::u32(
                json::req(m, "contentBlockIndex", p)?,
                &join(p, "contentBlockIndex"),
            )?;
        }
        "messageStop" => {
            json::req_str(m, "stopReason", p)?;
        }
        "metadata" => {
            if let Some(u) = json::opt(m, "usage") {
                parse_usage(u, &join(p, "usage"))?;
            }
            if let Some(x) = json::opt(m, "metrics") {
                let xp = join(p, "metrics");
                json::opt_u64(json::obj(x, &xp)?, "latencyMs", &xp)?;
            }
        }
        "chunk" => {
            let b = json::req_str(m, "bytes", p)?;
            decode_b64(b, &join(p, "bytes"))?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use crate::fast_json::near_misses;
    use proptest::prelude::*;

    /// Whenever the fast path answers, serde gives the same event.
    fn agrees(event_type: &str, payload: &[u8]) -> bool {
        let fast = parse_event(event_type, payload);
        let slow = parse_event_serde(event_type, payload);
        match (&fast, &slow) {
            (Ok(f), Ok(s)) => assert_eq!(f, s, "{:?}", String::from_utf8_lossy(payload)),
            // Both refuse: the error comes from the same serde path.
            (Err(f), Err(s)) => assert_eq!(f, s),
            _ => panic!(
                "fast {fast:?} vs serde {slow:?} on {:?}",
                String::from_utf8_lossy(payload)
            ),
        }
        fast_took(event_type, payload)
    }

    fn fast_took(event_type: &str, payload: &[u8]) -> bool {
        match event_type {
            "contentBlockDelta" => fast_json::converse_text_delta(payload).is_some(),
            _ => fast_json::chunk_bytes(payload).is_some_and(|b| b64_decode_bytes(b).is_ok()),
        }
    }

    #[test]
    fn canonical_payloads_take_the_fast_path_and_agree() {
        for p in near_misses::CANONICAL {
            let t = if p.starts_with(b"{\"bytes\"") {
                "chunk"
            } else {
                "contentBlockDelta"
            };
            if t == "chunk" || !p.starts_with(b"{\"type\"") {
                assert!(agrees(t, p), "{:?}", String::from_utf8_lossy(p));
            }
        }
    }

    #[test]
    fn the_skipped_padding_is_not_checked_for_utf8_by_either_path() {
        // serde skips unknown string fields without a UTF-8 check; the fast path does the same.
        assert!(agrees(
            "contentBlockDelta",
            b"{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"},\"p\":\"\xff\xfe\"}"
        ));
        assert!(agrees("chunk", b"{\"bytes\":\"aGk=\",\"p\":\"\xc3\"}"));
        // A control character in it is refused by both.
        assert!(!agrees(
            "contentBlockDelta",
            b"{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\"},\"p\":\"\x07\"}"
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]
        #[test]
        fn fast_path_agrees_with_serde(payload in near_misses::payload()) {
            agrees("contentBlockDelta", &payload);
            agrees("chunk", &payload);
        }
    }
}
