//! What the translator changed in a request so that Bedrock accepts it.

use std::fmt;

use serde::Serialize;

use crate::model::{CacheTtl, ImageFormat, Role};

/// One normalization applied while building a Converse body. Every change the translator
/// makes to what the caller asked for is reported here; none is silent. Serializes as
/// `{"kind": "snake_case_name", ...fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Warning {
    /// A bare model id got the region's inference-profile prefix.
    CrossRegionPrefixAdded {
        /// The id actually sent.
        model_id: String,
    },
    /// Blank text parts were dropped (Bedrock rejects them); `count` of them.
    BlankTextDropped {
        /// How many.
        count: usize,
    },
    /// A turn became empty after normalization and was dropped.
    EmptyTurnDropped {
        /// Index of the turn in the request.
        message: usize,
    },
    /// Consecutive turns of the same role were merged into one (Converse needs alternation).
    ConsecutiveTurnsMerged {
        /// Index (in the request) of the turn merged into its predecessor.
        message: usize,
        /// Their role.
        role: Role,
    },
    /// Tool results were moved before the other parts of their user turn.
    ToolResultsMovedFirst {
        /// Index of the (merged) turn.
        message: usize,
    },
    /// The final assistant turn (a prefill) had trailing whitespace removed.
    PrefillTrimmed,
    /// Reasoning without a signature was dropped (replaying it fails or leaks it).
    UnsignedReasoningDropped {
        /// How many parts.
        count: usize,
    },
    /// A tool result with no content got a placeholder text (Bedrock rejects empty results).
    EmptyToolResultFilled {
        /// The tool use id.
        tool_use_id: String,
    },
    /// An image's format was taken from its data URI or detected from its bytes.
    ImageFormatDetected {
        /// The format used.
        format: ImageFormat,
    },
    /// A document name was changed to Bedrock's allowed characters.
    DocumentNameSanitized {
        /// What the caller gave (`None`: no name).
        from: Option<String>,
        /// What was sent.
        to: String,
    },
    /// `tool_choice: none` has no Converse form: the tools were not sent.
    ToolsRemovedForToolChoiceNone,
    /// The history holds tool blocks but no tools were given: a stub tool config was made
    /// from the tool names in the history.
    ToolConfigSynthesized {
        /// The stub tool names.
        names: Vec<String>,
    },
    /// A forced tool choice is not allowed with reasoning: `auto` was sent.
    ToolChoiceRelaxedForReasoning,
    /// A sampling parameter was dropped because reasoning is on.
    SamplingDroppedForReasoning {
        /// `temperature`, `top_p` or `top_k`.
        parameter: &'static str,
    },
    /// The reasoning budget was raised to the minimum.
    ReasoningBudgetRaised {
        /// Asked for.
        from: u32,
        /// Sent.
        to: u32,
    },
    /// `max_tokens` was raised above the reasoning budget.
    MaxTokensRaised {
        /// Asked for (`None`: unset).
        from: Option<u32>,
        /// Sent.
        to: u32,
    },
    /// The model's family takes no reasoning setting; it was not sent.
    ReasoningIgnored {
        /// Why.
        reason: &'static str,
    },
    /// `top_k` has no form for this family; it was not sent.
    TopKDropped,
    /// The family takes no system prompt: the system text was put at the start of the first
    /// user turn.
    SystemMovedToFirstTurn,
    /// Cache points were removed.
    CachePointsDropped {
        /// How many.
        count: usize,
        /// Why.
        reason: &'static str,
    },
    /// A 1h cache point after a 5m one was shortened to 5m (longer TTLs must come first).
    CacheTtlShortened {
        /// The TTL sent.
        ttl: CacheTtl,
    },
    /// Automatic cache points were placed.
    CachePointsPlaced {
        /// How many.
        count: usize,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CrossRegionPrefixAdded { model_id } => {
                write!(f, "model needs an inference profile: sent as {model_id}")
            }
            Self::BlankTextDropped { count } => write!(f, "dropped {count} blank text part(s)"),
            Self::EmptyTurnDropped { message } => {
                write!(f, "dropped empty turn messages[{message}]")
            }
            Self::ConsecutiveTurnsMerged { message, role } => write!(
                f,
                "merged messages[{message}] into the previous {} turn",
                role.as_str()
            ),
            Self::ToolResultsMovedFirst { message } => {
                write!(f, "moved tool results first in turn {message}")
            }
            Self::PrefillTrimmed => {
                f.write_str("trimmed trailing whitespace of the assistant prefill")
            }
            Self::UnsignedReasoningDropped { count } => {
                write!(f, "dropped {count} unsigned reasoning part(s)")
            }
            Self::EmptyToolResultFilled { tool_use_id } => {
                write!(
                    f,
                    "tool result {tool_use_id} was empty: sent a placeholder text"
                )
            }
            Self::ImageFormatDetected { format } => {
                write!(f, "image format detected as {}", format.as_str())
            }
            Self::DocumentNameSanitized { from, to } => match from {
                Some(from) => write!(f, "document name {from:?} sent as {to:?}"),
                None => write!(f, "unnamed document sent as {to:?}"),
            },
            Self::ToolsRemovedForToolChoiceNone => {
                f.write_str("tool_choice none: tools not sent (Converse has no 'none')")
            }
            Self::ToolConfigSynthesized { names } => write!(
                f,
                "history holds tool blocks but no tools were given: stub tools {}",
                names.join(", ")
            ),
            Self::ToolChoiceRelaxedForReasoning => {
                f.write_str("forced tool choice is not allowed with reasoning: sent auto")
            }
            Self::SamplingDroppedForReasoning { parameter } => {
                write!(f, "{parameter} dropped: not allowed with reasoning")
            }
            Self::ReasoningBudgetRaised { from, to } => {
                write!(f, "reasoning budget raised from {from} to {to}")
            }
            Self::MaxTokensRaised { from, to } => match from {
                Some(from) => write!(
                    f,
                    "max_tokens raised from {from} to {to} (above the reasoning budget)"
                ),
                None => write!(f, "max_tokens set to {to} (above the reasoning budget)"),
            },
            Self::ReasoningIgnored { reason } => write!(f, "reasoning setting not sent: {reason}"),
            Self::TopKDropped => f.write_str("top_k dropped: this model family takes none"),
            Self::SystemMovedToFirstTurn => {
                f.write_str("system prompt moved into the first user turn (model takes none)")
            }
            Self::CachePointsDropped { count, reason } => {
                write!(f, "dropped {count} cache point(s): {reason}")
            }
            Self::CacheTtlShortened { ttl } => write!(
                f,
                "cache point after a shorter one sent with ttl {}",
                ttl.as_str()
            ),
            Self::CachePointsPlaced { count } => {
                write!(f, "placed {count} automatic cache point(s)")
            }
        }
    }
}
