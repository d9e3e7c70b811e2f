//! The provider-neutral chat response: content, stop reason, usage.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::content::{CacheTtl, ContentPart, Message, Role};

/// Why the model stopped. Unknown wire values are kept in [`StopReason::Unknown`].
///
/// ```
/// use bedrock_wire::model::StopReason;
/// assert_eq!(StopReason::from_wire("tool_use"), StopReason::ToolUse);
/// assert_eq!(StopReason::from_wire("new_reason").as_str(), "new_reason");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum StopReason {
    /// The model finished its turn.
    #[default]
    EndTurn,
    /// The model wants tool results.
    ToolUse,
    /// `max_tokens` reached: the output is truncated.
    MaxTokens,
    /// A stop sequence matched.
    StopSequence,
    /// A guardrail intervened.
    GuardrailIntervened,
    /// Content was filtered.
    ContentFiltered,
    /// The model produced invalid output.
    MalformedModelOutput,
    /// The model produced an invalid tool call.
    MalformedToolUse,
    /// The context window is full.
    ModelContextWindowExceeded,
    /// A value this version does not know, kept verbatim.
    Unknown(String),
}

impl StopReason {
    /// Parses a wire value (never fails).
    pub fn from_wire(s: &str) -> Self {
        match s {
            "end_turn" => Self::EndTurn,
            "tool_use" => Self::ToolUse,
            "max_tokens" => Self::MaxTokens,
            "stop_sequence" => Self::StopSequence,
            "guardrail_intervened" => Self::GuardrailIntervened,
            "content_filtered" => Self::ContentFiltered,
            "malformed_model_output" => Self::MalformedModelOutput,
            "malformed_tool_use" => Self::MalformedToolUse,
            "model_context_window_exceeded" => Self::ModelContextWindowExceeded,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::EndTurn => "end_turn",
            Self::ToolUse => "tool_use",
            Self::MaxTokens => "max_tokens",
            Self::StopSequence => "stop_sequence",
            Self::GuardrailIntervened => "guardrail_intervened",
            Self::ContentFiltered => "content_filtered",
            Self::MalformedModelOutput => "malformed_model_output",
            Self::MalformedToolUse => "malformed_tool_use",
            Self::ModelContextWindowExceeded => "model_context_window_exceeded",
            Self::Unknown(s) => s,
        }
    }
}

impl Serialize for StopReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StopReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Self::from_wire(&s))
    }
}

/// Cache-write tokens for one TTL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CacheDetail {
    /// The TTL.
    pub ttl: CacheTtl,
    /// Tokens written with that TTL.
    pub input_tokens: u64,
}

/// Token usage. `input_tokens` excludes cache reads and writes (Bedrock's convention).
///
/// ```
/// use bedrock_wire::model::Usage;
/// let u = Usage { input_tokens: 10, cache_read_input_tokens: 90, ..Usage::default() };
/// assert_eq!(u.prompt_tokens(), 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Usage {
    /// Uncached input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Total as reported by Bedrock.
    pub total_tokens: u64,
    /// Input tokens read from the cache.
    pub cache_read_input_tokens: u64,
    /// Input tokens written to the cache.
    pub cache_write_input_tokens: u64,
    /// Cache writes per TTL.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cache_details: Vec<CacheDetail>,
}

impl Usage {
    /// All input tokens: uncached + cache read + cache write.
    pub fn prompt_tokens(&self) -> u64 {
        self.input_tokens
            .saturating_add(self.cache_read_input_tokens)
            .saturating_add(self.cache_write_input_tokens)
    }
}

/// A complete (non-streaming, or accumulated) chat response.
///
/// ```
/// use bedrock_wire::model::{ChatResponse, ContentPart, StopReason};
/// let r = ChatResponse { content: vec![ContentPart::text("Paris.")], ..ChatResponse::default() };
/// assert_eq!(r.text(), "Paris.");
/// assert_eq!(r.stop_reason, StopReason::EndTurn);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatResponse {
    /// The assistant's content blocks, in order.
    pub content: Vec<ContentPart>,
    /// Why it stopped.
    pub stop_reason: StopReason,
    /// Token usage.
    pub usage: Usage,
    /// Server-side latency in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Extra response fields asked for with `additional_model_response_field_paths`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_response_fields: Option<serde_json::Value>,
}

impl ChatResponse {
    /// All text and citation text, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for part in &self.content {
            match part {
                ContentPart::Text { text } => out.push_str(text),
                ContentPart::Citations { content, .. } => {
                    for t in content {
                        out.push_str(t);
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The reasoning text, concatenated.
    pub fn reasoning(&self) -> String {
        let mut out = String::new();
        for part in &self.content {
            if let ContentPart::Reasoning { text, .. } = part {
                out.push_str(text);
            }
        }
        out
    }

    /// The tool calls as `(id, name, input)`.
    pub fn tool_calls(&self) -> Vec<(&str, &str, &serde_json::Value)> {
        self.content
            .iter()
            .filter_map(|p| match p {
                ContentPart::ToolUse { id, name, input } => {
                    Some((id.as_str(), name.as_str(), input))
                }
                _ => None,
            })
            .collect()
    }

    /// The assistant turn to append to the history for the next request.
    pub fn message(&self) -> Message {
        Message {
            role: Role::Assistant,
            content: self.content.clone(),
        }
    }
}
