//! A pure state machine from InvokeModelWithResponseStream messages to [`StreamEvent`]s.
//!
//! Each `chunk` event carries the model's own stream object (base64 in `bytes`, decoded by
//! [`crate::event`]); the family file of the [`Dialect`] reads it straight from the byte slice
//! into small typed structs (no intermediate map) and drives an [`Emit`], which produces the
//! same events as ConverseStream:
//! - `MessageStart` once, blocks started lazily for families that have no block events, block
//!   indices assigned in order for families that have none (text, reasoning, each tool call);
//! - the stop reason as `MessageDelta` once; usage from `amazon-bedrock-invocationMetrics`
//!   (Bedrock's metering, which wins over the model's own counts) as `Metadata`;
//! - `MessageStop` at the family's terminal event (Anthropic `message_stop`), or when the chunk
//!   carrying the invocation metrics arrives after the stop reason, or at the end of the body
//!   when a stop reason was seen.
//!
//! Exception and error frames (`modelTimeoutException` included) end the stream with
//! [`StreamError::Exception`]; a body that ends with no stop reason is
//! [`StreamError::Incomplete`].
//!
//! ```
//! use bedrock_wire::invoke::{Dialect, InvokeStreamTranslator};
//! use bedrock_wire::model::{Accumulator, StreamEvent};
//!
//! let mut t = InvokeStreamTranslator::new(Dialect::Llama3);
//! let mut out = Vec::new();
//! t.push_chunk(br#"{"generation":"Hel","stop_reason":null}"#, &mut out).unwrap();
//! t.push_chunk(br#"{"generation":"lo","stop_reason":"stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":9,"outputTokenCount":2}}"#, &mut out).unwrap();
//! t.finish(&mut out).unwrap();
//! assert_eq!(out.last(), Some(&StreamEvent::MessageStop));
//! let mut acc = Accumulator::new();
//! out.iter().for_each(|e| acc.push(e));
//! let r = acc.finish().unwrap();
//! assert_eq!((r.text().as_str(), r.usage.input_tokens), ("Hello", 9));
//! ```

use eventstream::Message;

use crate::event::{self, BedrockEvent, ExceptionKind, StreamException};
use crate::model::{BlockDelta, BlockStart, Role, StopReason, StreamEvent, Usage};
use crate::translate::StreamError;
use crate::translation_error::{TranslationError, TranslationErrorKind};

use super::metrics::{InvokeMetrics, finish_total};
use super::{Dialect, anthropic, cohere, deepseek, llama, mistral, nova, openai_chat, titan};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Reasoning,
    Tool,
}

/// The event builder the family parsers drive.
#[derive(Debug, Clone, Default)]
pub(crate) struct Emit {
    started: bool,
    open: Vec<u32>,
    begun: usize,
    stop: Option<StopReason>,
    usage: Option<Usage>,
    latency_ms: Option<u64>,
    done: bool,
    /// For families without block indices: the open block and the next index.
    current: Option<(u32, Kind)>,
    next_index: u32,
}

impl Emit {
    pub(crate) fn start(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.started {
            self.started = true;
            out.push(StreamEvent::MessageStart {
                role: Role::Assistant,
            });
        }
    }

    fn is_open(&self, index: u32) -> bool {
        self.open.contains(&index)
    }

    pub(crate) fn block_start(
        &mut self,
        index: u32,
        block: BlockStart,
        out: &mut Vec<StreamEvent>,
    ) {
        self.start(out);
        if self.is_open(index) {
            return;
        }
        self.open.push(index);
        self.begun += 1;
        self.next_index = self.next_index.max(index.saturating_add(1));
        out.push(StreamEvent::BlockStart { index, block });
    }

    pub(crate) fn delta(&mut self, index: u32, delta: BlockDelta, out: &mut Vec<StreamEvent>) {
        if !self.is_open(index) {
            let block = match &delta {
                BlockDelta::ReasoningText { .. }
                | BlockDelta::ReasoningSignature { .. }
                | BlockDelta::RedactedReasoning { .. } => BlockStart::Reasoning,
                BlockDelta::ToolInput { .. } => BlockStart::ToolUse {
                    id: String::new(),
                    name: String::new(),
                },
                BlockDelta::Text { .. } | BlockDelta::Citation { .. } => BlockStart::Text,
            };
            self.block_start(index, block, out);
        }
        out.push(StreamEvent::BlockDelta { index, delta });
    }

    pub(crate) fn block_stop(&mut self, index: u32, out: &mut Vec<StreamEvent>) {
        if let Some(p) = self.open.iter().position(|i| *i == index) {
            self.open.remove(p);
            out.push(StreamEvent::BlockStop { index });
        }
        if self.current.is_some_and(|(i, _)| i == index) {
            self.current = None;
        }
    }

    /// Records the stop reason (the first one wins) and announces it.
    pub(crate) fn stop_reason(&mut self, reason: StopReason, out: &mut Vec<StreamEvent>) {
        if self.stop.is_some() {
            return;
        }
        self.start(out);
        self.close_all(out);
        out.push(StreamEvent::MessageDelta {
            stop_reason: reason.clone(),
            additional_model_response_fields: None,
        });
        self.stop = Some(reason);
    }

    pub(crate) fn has_stop(&self) -> bool {
        self.stop.is_some()
    }

    /// Usage the model reported itself (kept unless invocation metrics override it).
    pub(crate) fn model_usage(&mut self, f: impl FnOnce(&mut Usage)) {
        f(self.usage.get_or_insert_with(Usage::default));
    }

    /// Bedrock's invocation metrics.
    pub(crate) fn metrics(&mut self, m: &InvokeMetrics) {
        let u = self.usage.get_or_insert_with(Usage::default);
        m.apply(u);
        if m.latency_ms.is_some() {
            self.latency_ms = m.latency_ms;
        }
    }

    fn close_all(&mut self, out: &mut Vec<StreamEvent>) {
        for index in std::mem::take(&mut self.open) {
            out.push(StreamEvent::BlockStop { index });
        }
        self.current = None;
    }

    /// Ends the message: open blocks stopped, usage, `MessageStop`.
    pub(crate) fn complete(&mut self, out: &mut Vec<StreamEvent>) {
        if self.done {
            return;
        }
        if self.stop.is_none() {
            self.stop_reason(StopReason::EndTurn, out);
        }
        self.close_all(out);
        if self.usage.is_some() || self.latency_ms.is_some() {
            let usage = self.usage.take().map(|mut u| {
                finish_total(&mut u);
                u
            });
            out.push(StreamEvent::Metadata {
                usage,
                latency_ms: self.latency_ms,
            });
        }
        out.push(StreamEvent::MessageStop);
        self.done = true;
    }

    /// After a chunk: the chunk with the invocation metrics after the stop reason ends it.
    pub(crate) fn after_chunk(&mut self, had_metrics: bool, out: &mut Vec<StreamEvent>) {
        if had_metrics && self.stop.is_some() {
            self.complete(out);
        }
    }

    // ---- sequencing for families without block indices ----

    fn seq(&mut self, kind: Kind, out: &mut Vec<StreamEvent>) -> u32 {
        match self.current {
            Some((i, k)) if k == kind && kind != Kind::Tool => i,
            _ => {
                if let Some((i, _)) = self.current.take() {
                    self.block_stop(i, out);
                }
                let i = self.next_index;
                self.next_index = self.next_index.saturating_add(1);
                self.current = Some((i, kind));
                i
            }
        }
    }

    /// More answer text.
    pub(crate) fn text(&mut self, text: &str, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        let i = self.seq(Kind::Text, out);
        self.delta(
            i,
            BlockDelta::Text {
                text: text.to_owned(),
            },
            out,
        );
    }

    /// More reasoning text.
    pub(crate) fn reasoning(&mut self, text: &str, out: &mut Vec<StreamEvent>) {
        if text.is_empty() {
            return;
        }
        let i = self.seq(Kind::Reasoning, out);
        self.delta(
            i,
            BlockDelta::ReasoningText {
                text: text.to_owned(),
            },
            out,
        );
    }

    /// A new tool call (returns its block index).
    pub(crate) fn tool(&mut self, id: &str, name: &str, out: &mut Vec<StreamEvent>) -> u32 {
        let i = self.seq(Kind::Tool, out);
        self.block_start(
            i,
            BlockStart::ToolUse {
                id: id.to_owned(),
                name: name.to_owned(),
            },
            out,
        );
        i
    }

    /// More input JSON for the tool call at `index`.
    pub(crate) fn tool_input(&mut self, index: u32, json: &str, out: &mut Vec<StreamEvent>) {
        if !json.is_empty() {
            self.delta(
                index,
                BlockDelta::ToolInput {
                    json: json.to_owned(),
                },
                out,
            );
        }
    }
}

/// Per-family state kept across chunks.
#[derive(Debug, Clone, Default)]
pub(crate) struct FamilyState {
    /// DeepSeek: whether `</think>` was passed, and text held back that may begin it.
    pub(crate) think: deepseek::ThinkSplit,
    /// Chat-completions: tool-call stream index → block index.
    pub(crate) tool_blocks: Vec<(u64, u32)>,
}

/// The InvokeModelWithResponseStream state machine for one [`Dialect`]: `chunk` payloads in,
/// [`StreamEvent`]s out; exceptions and a missing terminal event are errors.
#[derive(Debug, Clone)]
pub struct InvokeStreamTranslator {
    dialect: Dialect,
    emit: Emit,
    state: FamilyState,
}

/// One chunk of a plain completion stream (Titan Text, Llama): optional text, the model's own
/// token counts, an optional stop reason, and the invocation metrics on the last chunk.
pub(crate) struct CompletionChunk<'a> {
    pub(crate) text: Option<&'a str>,
    pub(crate) input_tokens: Option<u64>,
    pub(crate) output_tokens: Option<u64>,
    pub(crate) stop_reason: Option<&'a str>,
    pub(crate) metrics: Option<&'a InvokeMetrics>,
}

impl Emit {
    /// Emits what one [`CompletionChunk`] carries, in stream order.
    pub(crate) fn completion_chunk(&mut self, c: &CompletionChunk<'_>, out: &mut Vec<StreamEvent>) {
        self.start(out);
        if let Some(t) = c.text {
            self.text(t, out);
        }
        if c.input_tokens.is_some() || c.output_tokens.is_some() {
            self.model_usage(|u| {
                if let Some(n) = c.input_tokens {
                    u.input_tokens = n;
                }
                if let Some(n) = c.output_tokens {
                    u.output_tokens = n;
                }
            });
        }
        if let Some(r) = c.stop_reason {
            self.stop_reason(super::common::stop_reason(r), out);
        }
        if let Some(m) = c.metrics {
            self.metrics(m);
        }
        self.after_chunk(c.metrics.is_some(), out);
    }
}

/// A malformed chunk as a stream error naming the chunk kind.
pub(crate) fn bad_chunk(what: &str, e: &serde_json::Error) -> StreamError {
    StreamError::Invalid(TranslationError::new(
        if e.is_syntax() || e.is_eof() {
            TranslationErrorKind::MalformedJson
        } else {
            TranslationErrorKind::WrongType
        },
        format!("chunk.bytes.{what}"),
        format!("does not match the {what} chunk shape ({e})"),
    ))
}

/// An error object inside a chunk (Anthropic `{"type":"error"}`) as a stream exception.
pub(crate) fn chunk_exception(error_type: &str, message: &str) -> StreamError {
    StreamError::Exception(StreamException {
        kind: ExceptionKind::of(error_type),
        exception_type: error_type.to_owned(),
        message: message.to_owned(),
        original_status_code: None,
        original_message: None,
        error_frame: false,
    })
}

impl InvokeStreamTranslator {
    /// A translator at the start of a stream of `dialect`.
    pub fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            emit: Emit::default(),
            state: FamilyState::default(),
        }
    }

    /// The dialect it reads.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// True once [`StreamEvent::MessageStop`] was produced.
    pub fn is_complete(&self) -> bool {
        self.emit.done
    }

    /// Decodes and pushes one Event Stream message.
    pub fn push_message(
        &mut self,
        message: &Message,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        let e = event::parse(message)?;
        self.push(e, out)
    }

    /// Pushes one decoded Bedrock event: `chunk` payloads are parsed, exceptions end the
    /// stream, other events are ignored.
    pub fn push(
        &mut self,
        event: BedrockEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        match event {
            BedrockEvent::Chunk { bytes } => self.push_chunk(&bytes, out),
            BedrockEvent::Exception(x) => Err(StreamError::Exception(x)),
            _ => Ok(()),
        }
    }

    /// Pushes the decoded bytes of one `chunk` (the model's native stream object).
    pub fn push_chunk(
        &mut self,
        bytes: &[u8],
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        if self.emit.done {
            return Ok(());
        }
        let e = &mut self.emit;
        let s = &mut self.state;
        match self.dialect {
            Dialect::Anthropic => anthropic::parse_chunk(bytes, e, out),
            Dialect::Nova => nova::parse_chunk(bytes, e, out),
            Dialect::Titan => titan::parse_chunk(bytes, e, out),
            Dialect::Llama3 | Dialect::Llama4 => llama::parse_chunk(bytes, e, out),
            Dialect::MistralPrompt => mistral::parse_chunk(bytes, e, out),
            Dialect::Cohere => cohere::parse_chunk(bytes, e, out),
            Dialect::OpenAiChat => openai_chat::parse_chunk(bytes, e, s, out),
            Dialect::DeepSeek => deepseek::parse_chunk(bytes, e, s, out),
        }
    }

    /// The body ended: completes the message if a stop reason was seen, else
    /// [`StreamError::Incomplete`].
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), StreamError> {
        if self.emit.done {
            return Ok(());
        }
        if self.dialect == Dialect::DeepSeek {
            deepseek::flush(&mut self.emit, &mut self.state, out);
        }
        if self.emit.has_stop() {
            self.emit.complete(out);
            return Ok(());
        }
        Err(StreamError::Incomplete {
            started: self.emit.started,
            blocks: self.emit.begun,
        })
    }
}
