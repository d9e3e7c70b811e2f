//! A pure state machine from Bedrock ConverseStream events to [`StreamEvent`]s.
//!
//! [`ConverseStreamTranslator`] reads no clock and does no I/O: push each decoded
//! [`BedrockEvent`] (or raw [`eventstream::Message`]), collect the [`StreamEvent`]s it
//! produces, and call [`finish`](ConverseStreamTranslator::finish) when the body ends.
//!
//! What it takes care of:
//! - text and reasoning blocks that arrive with no `contentBlockStart`: a
//!   [`StreamEvent::BlockStart`] is made when the first delta arrives (and a
//!   [`StreamEvent::MessageStart`] if the stream skipped it);
//! - tool input fragments stay attached to their block index, so parallel tool calls do not mix;
//! - `messageStop` and `metadata` in either order: [`StreamEvent::MessageStop`] comes once both
//!   were seen (or at `finish` when there was no metadata);
//! - an exception or error frame ends the stream with [`StreamError::Exception`] carrying its
//!   type and message;
//! - a stream that ends without `messageStop` is [`StreamError::Incomplete`], not a success;
//! - unknown events and `chunk` events are ignored (they are not part of ConverseStream), and so
//!   is block content arriving after `messageStop`.
//!
//! ```
//! use bedrock_wire::event::BedrockEvent;
//! use bedrock_wire::model::{Accumulator, BlockDelta, StopReason, StreamEvent};
//! use bedrock_wire::translate::{ConverseStreamTranslator, StreamError};
//!
//! let mut t = ConverseStreamTranslator::new();
//! let mut out = Vec::new();
//! t.push(BedrockEvent::ContentBlockDelta { index: 0, delta: Some(BlockDelta::Text { text: "Hi".into() }) }, &mut out).unwrap();
//! t.push(BedrockEvent::MessageStop { stop_reason: StopReason::EndTurn, additional_model_response_fields: None }, &mut out).unwrap();
//! t.finish(&mut out).unwrap();
//! assert!(matches!(out.last(), Some(StreamEvent::MessageStop)));
//!
//! let mut acc = Accumulator::new();
//! out.iter().for_each(|e| acc.push(e));
//! assert_eq!(acc.finish().unwrap().text(), "Hi");
//!
//! // A stream cut before messageStop is an error.
//! let mut t = ConverseStreamTranslator::new();
//! t.push(BedrockEvent::ContentBlockDelta { index: 0, delta: Some(BlockDelta::Text { text: "Hi".into() }) }, &mut out).unwrap();
//! assert!(matches!(t.finish(&mut out), Err(StreamError::Incomplete { .. })));
//! ```

use std::fmt;

use crate::event::{self, BedrockEvent, StreamException};
use crate::model::{BlockDelta, BlockStart, Role, StreamEvent};
use crate::translation_error::TranslationError;

/// Why a stream failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamError {
    /// Bedrock sent an exception or error frame.
    Exception(StreamException),
    /// The stream ended before `messageStop`: the output is truncated.
    Incomplete {
        /// `messageStart` had been seen.
        started: bool,
        /// How many content blocks had begun.
        blocks: usize,
    },
    /// A frame could not be understood.
    Invalid(TranslationError),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Exception(e) => write!(f, "stream exception {e}"),
            Self::Incomplete { started, blocks } => write!(
                f,
                "stream ended without messageStop (message started: {started}, {blocks} block(s) begun): the response is truncated"
            ),
            Self::Invalid(e) => write!(f, "invalid stream event: {e}"),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Exception(e) => Some(e),
            Self::Invalid(e) => Some(e),
            Self::Incomplete { .. } => None,
        }
    }
}

impl From<TranslationError> for StreamError {
    fn from(e: TranslationError) -> Self {
        Self::Invalid(e)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    index: u32,
    stopped: bool,
}

/// The ConverseStream state machine. See the [module docs](self).
#[derive(Debug, Clone, Default)]
pub struct ConverseStreamTranslator {
    started: bool,
    blocks: Vec<Block>,
    stop_seen: bool,
    metadata_seen: bool,
    done: bool,
    failed: Option<StreamError>,
}

impl ConverseStreamTranslator {
    /// A translator at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// True once [`StreamEvent::MessageStop`] was produced.
    pub fn is_complete(&self) -> bool {
        self.done
    }

    /// Parses an Event Stream message and pushes it.
    pub fn push_message(
        &mut self,
        message: &eventstream::Message,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        match event::parse(message) {
            Ok(ev) => self.push(ev, out),
            Err(e) => {
                let e = StreamError::Invalid(e);
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    fn ensure_started(&mut self, out: &mut Vec<StreamEvent>) {
        if !self.started {
            self.started = true;
            out.push(StreamEvent::MessageStart {
                role: Role::Assistant,
            });
        }
    }

    fn find(&self, index: u32) -> Option<usize> {
        self.blocks.iter().rposition(|b| b.index == index)
    }

    /// Takes one event; appends what it produces to `out`. After an error every call returns
    /// the same error.
    pub fn push(
        &mut self,
        event: BedrockEvent,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.done {
            return Ok(());
        }
        if self.stop_seen
            && matches!(
                event,
                BedrockEvent::ContentBlockStart { .. }
                    | BedrockEvent::ContentBlockDelta { .. }
                    | BedrockEvent::ContentBlockStop { .. }
            )
        {
            // Content after messageStop is a protocol violation; it cannot belong to the
            // message that was already closed.
            return Ok(());
        }
        match event {
            BedrockEvent::MessageStart { role } => {
                if !self.started {
                    self.started = true;
                    out.push(StreamEvent::MessageStart { role });
                }
            }
            BedrockEvent::ContentBlockStart { index, start } => {
                self.ensure_started(out);
                if let Some(block) = start
                    && self.find(index).is_none()
                {
                    self.blocks.push(Block {
                        index,
                        stopped: false,
                    });
                    out.push(StreamEvent::BlockStart { index, block });
                }
            }
            BedrockEvent::ContentBlockDelta { index, delta } => {
                self.ensure_started(out);
                if let Some(delta) = delta {
                    if let Some(i) = self.find(index) {
                        if self.blocks.get(i).is_some_and(|b| b.stopped) {
                            // A delta after its block stopped is a protocol violation: ignored.
                            return Ok(());
                        }
                    } else {
                        let block = match &delta {
                            BlockDelta::Text { .. } | BlockDelta::Citation { .. } => {
                                BlockStart::Text
                            }
                            BlockDelta::ReasoningText { .. }
                            | BlockDelta::ReasoningSignature { .. }
                            | BlockDelta::RedactedReasoning { .. } => BlockStart::Reasoning,
                            BlockDelta::ToolInput { .. } => BlockStart::ToolUse {
                                id: String::new(),
                                name: String::new(),
                            },
                        };
                        self.blocks.push(Block {
                            index,
                            stopped: false,
                        });
                        out.push(StreamEvent::BlockStart { index, block });
                    }
                    out.push(StreamEvent::BlockDelta { index, delta });
                }
            }
            BedrockEvent::ContentBlockStop { index } => {
                if let Some(i) = self.find(index)
                    && let Some(b) = self.blocks.get_mut(i)
                    && !b.stopped
                {
                    b.stopped = true;
                    out.push(StreamEvent::BlockStop { index });
                }
            }
            BedrockEvent::MessageStop {
                stop_reason,
                additional_model_response_fields,
            } => {
                if self.stop_seen {
                    return Ok(());
                }
                self.ensure_started(out);
                for b in &mut self.blocks {
                    if !b.stopped {
                        b.stopped = true;
                        out.push(StreamEvent::BlockStop { index: b.index });
                    }
                }
                self.stop_seen = true;
                out.push(StreamEvent::MessageDelta {
                    stop_reason,
                    additional_model_response_fields,
                });
                if self.metadata_seen {
                    self.done = true;
                    out.push(StreamEvent::MessageStop);
                }
            }
            BedrockEvent::Metadata { usage, latency_ms } => {
                if self.metadata_seen {
                    return Ok(());
                }
                self.ensure_started(out);
                self.metadata_seen = true;
                out.push(StreamEvent::Metadata { usage, latency_ms });
                if self.stop_seen {
                    self.done = true;
                    out.push(StreamEvent::MessageStop);
                }
            }
            BedrockEvent::Exception(e) => {
                let e = StreamError::Exception(e);
                self.failed = Some(e.clone());
                return Err(e);
            }
            BedrockEvent::Chunk { .. } | BedrockEvent::Unknown { .. } => {}
        }
        Ok(())
    }

    /// The body ended. Produces the final [`StreamEvent::MessageStop`] if only metadata was
    /// missing; fails if `messageStop` never came (or an error was already reported).
    pub fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), StreamError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.done {
            return Ok(());
        }
        if !self.stop_seen {
            let e = StreamError::Incomplete {
                started: self.started,
                blocks: self.blocks.len(),
            };
            self.failed = Some(e.clone());
            return Err(e);
        }
        self.done = true;
        out.push(StreamEvent::MessageStop);
        Ok(())
    }
}
