//! Stream events and the accumulator that folds them into a [`ChatResponse`].

use serde::{Deserialize, Serialize};

use super::b64;
use super::content::{Citation, ContentPart, Role};
use super::response::{ChatResponse, StopReason, Usage};
use crate::translation_error::TranslationError;

/// What a content block holds, announced when it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BlockStart {
    /// Text.
    Text,
    /// A tool call; its input arrives as JSON fragments.
    ToolUse {
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
    },
    /// Reasoning.
    Reasoning,
}

/// An increment of a content block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum BlockDelta {
    /// More text.
    Text {
        /// The piece.
        text: String,
    },
    /// A fragment of the tool input JSON (concatenate the fragments, then parse).
    ToolInput {
        /// The fragment.
        json: String,
    },
    /// More reasoning text.
    ReasoningText {
        /// The piece.
        text: String,
    },
    /// The reasoning signature (or a piece of it).
    ReasoningSignature {
        /// The piece.
        signature: String,
    },
    /// A piece of encrypted reasoning.
    RedactedReasoning {
        /// The bytes (base64 in JSON).
        #[serde(with = "b64")]
        data: Vec<u8>,
    },
    /// A citation for the block's text.
    Citation {
        /// The citation.
        citation: Citation,
    },
}

/// One event of a streamed chat response.
///
/// Order: `MessageStart`, then for each block `BlockStart`, `BlockDelta`s and `BlockStop`
/// (blocks may interleave), then `MessageDelta` (the stop reason), `Metadata` (usage), and
/// finally `MessageStop`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum StreamEvent {
    /// The response begins.
    MessageStart {
        /// Always the assistant in practice.
        role: Role,
    },
    /// A content block begins.
    BlockStart {
        /// Block index.
        index: u32,
        /// What it holds.
        block: BlockStart,
    },
    /// A content block grows.
    BlockDelta {
        /// Block index.
        index: u32,
        /// The increment.
        delta: BlockDelta,
    },
    /// A content block is complete.
    BlockStop {
        /// Block index.
        index: u32,
    },
    /// The message's stop reason is known.
    MessageDelta {
        /// Why it stopped.
        stop_reason: StopReason,
        /// Extra response fields, when asked for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        additional_model_response_fields: Option<serde_json::Value>,
    },
    /// Usage and latency.
    Metadata {
        /// Token usage.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        usage: Option<Usage>,
        /// Server-side latency in milliseconds.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency_ms: Option<u64>,
    },
    /// The stream is complete; nothing follows.
    MessageStop,
}

#[derive(Debug, Clone)]
enum Slot {
    Text {
        text: String,
        citations: Vec<Citation>,
    },
    ToolUse {
        id: String,
        name: String,
        json: String,
    },
    Reasoning {
        text: String,
        signature: Option<String>,
    },
    Redacted {
        data: Vec<u8>,
    },
}

/// Folds [`StreamEvent`]s into the [`ChatResponse`] the non-streaming call would return.
///
/// ```
/// use bedrock_wire::model::{Accumulator, BlockDelta, StopReason, StreamEvent};
///
/// let mut acc = Accumulator::new();
/// acc.push(&StreamEvent::BlockDelta { index: 0, delta: BlockDelta::Text { text: "Hel".into() } });
/// acc.push(&StreamEvent::BlockDelta { index: 0, delta: BlockDelta::Text { text: "lo".into() } });
/// acc.push(&StreamEvent::MessageDelta { stop_reason: StopReason::EndTurn, additional_model_response_fields: None });
/// let response = acc.finish().unwrap();
/// assert_eq!(response.text(), "Hello");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Accumulator {
    blocks: Vec<(u32, Slot)>,
    stop_reason: Option<StopReason>,
    usage: Usage,
    latency_ms: Option<u64>,
    additional: Option<serde_json::Value>,
}

impl Accumulator {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    fn slot(&mut self, index: u32, make: impl FnOnce() -> Slot) -> &mut Slot {
        let pos = if let Some(p) = self.blocks.iter().rposition(|(i, _)| *i == index) {
            p
        } else {
            self.blocks.push((index, make()));
            self.blocks.len() - 1
        };
        // `pos` is a valid index: found above or just pushed.
        &mut self.blocks[pos].1
    }

    /// Takes one event into account.
    pub fn push(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::MessageStart { .. }
            | StreamEvent::BlockStop { .. }
            | StreamEvent::MessageStop => {}
            StreamEvent::BlockStart { index, block } => {
                let slot = match block {
                    BlockStart::Text => Slot::Text {
                        text: String::new(),
                        citations: Vec::new(),
                    },
                    BlockStart::ToolUse { id, name } => Slot::ToolUse {
                        id: id.clone(),
                        name: name.clone(),
                        json: String::new(),
                    },
                    BlockStart::Reasoning => Slot::Reasoning {
                        text: String::new(),
                        signature: None,
                    },
                };
                let _ = self.slot(*index, || slot);
            }
            StreamEvent::BlockDelta { index, delta } => self.delta(*index, delta),
            StreamEvent::MessageDelta {
                stop_reason,
                additional_model_response_fields,
            } => {
                self.stop_reason = Some(stop_reason.clone());
                if additional_model_response_fields.is_some() {
                    self.additional.clone_from(additional_model_response_fields);
                }
            }
            StreamEvent::Metadata { usage, latency_ms } => {
                if let Some(u) = usage {
                    self.usage = u.clone();
                }
                if latency_ms.is_some() {
                    self.latency_ms = *latency_ms;
                }
            }
        }
    }

    fn delta(&mut self, index: u32, delta: &BlockDelta) {
        match delta {
            BlockDelta::Text { text } => {
                if let Slot::Text { text: t, .. } = self.slot(index, text_slot) {
                    t.push_str(text);
                }
            }
            BlockDelta::Citation { citation } => {
                if let Slot::Text { citations, .. } = self.slot(index, text_slot) {
                    citations.push(citation.clone());
                }
            }
            BlockDelta::ToolInput { json } => {
                if let Slot::ToolUse { json: j, .. } = self.slot(index, || Slot::ToolUse {
                    id: String::new(),
                    name: String::new(),
                    json: String::new(),
                }) {
                    j.push_str(json);
                }
            }
            BlockDelta::ReasoningText { text } => {
                if let Slot::Reasoning { text: t, .. } = self.slot(index, reasoning_slot) {
                    t.push_str(text);
                }
            }
            BlockDelta::ReasoningSignature { signature } => {
                if let Slot::Reasoning { signature: s, .. } = self.slot(index, reasoning_slot) {
                    s.get_or_insert_with(String::new).push_str(signature);
                }
            }
            BlockDelta::RedactedReasoning { data } => {
                let slot = self.slot(index, || Slot::Redacted { data: Vec::new() });
                match slot {
                    Slot::Redacted { data: d } => d.extend_from_slice(data),
                    Slot::Reasoning { text, .. } if text.is_empty() => {
                        *slot = Slot::Redacted { data: data.clone() };
                    }
                    _ => {}
                }
            }
        }
    }

    /// True once a stop reason was seen.
    pub fn has_stop_reason(&self) -> bool {
        self.stop_reason.is_some()
    }

    /// The response so far. Blocks are ordered by index; tool inputs are parsed (an empty input
    /// is `{}`). A tool input that is not valid JSON is an error, except when the stop reason
    /// says the output was cut or malformed (`max_tokens`, `malformed_tool_use`,
    /// `model_context_window_exceeded`): then the raw text is kept as a JSON string so nothing
    /// is lost. A missing stop reason reads as `end_turn` (the stream translator reports a
    /// missing `messageStop` itself).
    pub fn finish(mut self) -> Result<ChatResponse, TranslationError> {
        self.blocks.sort_by_key(|(i, _)| *i);
        let cut = matches!(
            self.stop_reason,
            Some(
                StopReason::MaxTokens
                    | StopReason::MalformedToolUse
                    | StopReason::ModelContextWindowExceeded
            )
        );
        let mut content = Vec::with_capacity(self.blocks.len());
        for (index, slot) in self.blocks {
            content.push(match slot {
                Slot::Text { text, citations } if citations.is_empty() => {
                    ContentPart::Text { text }
                }
                Slot::Text { text, citations } => ContentPart::Citations {
                    content: vec![text],
                    citations,
                },
                Slot::ToolUse { id, name, json } => {
                    let input = if json.trim().is_empty() {
                        serde_json::Value::Object(serde_json::Map::new())
                    } else {
                        match serde_json::from_str(&json) {
                            Ok(v) => v,
                            Err(_) if cut => serde_json::Value::String(json),
                            Err(e) => {
                                return Err(TranslationError::invalid(
                                    format!("content[{index}].toolUse.input"),
                                    format!("tool input is not valid JSON ({e})"),
                                ));
                            }
                        }
                    };
                    ContentPart::ToolUse { id, name, input }
                }
                Slot::Reasoning { text, signature } => ContentPart::Reasoning { text, signature },
                Slot::Redacted { data } => ContentPart::RedactedReasoning { data },
            });
        }
        Ok(ChatResponse {
            content,
            stop_reason: self.stop_reason.unwrap_or_default(),
            usage: self.usage,
            latency_ms: self.latency_ms,
            additional_model_response_fields: self.additional,
        })
    }
}

fn text_slot() -> Slot {
    Slot::Text {
        text: String::new(),
        citations: Vec::new(),
    }
}

fn reasoning_slot() -> Slot {
    Slot::Reasoning {
        text: String::new(),
        signature: None,
    }
}
