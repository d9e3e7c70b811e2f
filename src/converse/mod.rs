//! Translation between the provider-neutral model and Bedrock Converse / ConverseStream bodies.
//!
//! Pure: values in, bytes out, and back. No HTTP. The client signs and sends
//! [`ConverseBody::path`] and [`ConverseBody::body`] with `Content-Type: application/json`.
//!
//! [`build`] follows the Bedrock Runtime service model (`ConverseRequest`) and normalizes what
//! Bedrock would refuse, reporting each change as a [`Warning`]:
//! - the model: aliases resolved, `bedrock/` stripped, the cross-region prefix added when the
//!   model needs an inference profile ([`crate::models::resolve`]); the id is percent-encoded
//!   once in the path (`:` → `%3A`, `/` → `%2F`);
//! - messages: unsigned reasoning and blank text dropped, empty tool results filled, empty turns
//!   dropped, consecutive same-role turns merged, tool results first in a user turn, the final
//!   assistant prefill right-trimmed;
//! - media: `data:` URIs decoded and formats detected; more than 3.75 MB raw per image or 20
//!   media in all is a typed [`LimitExceeded`](crate::translation_error::TranslationErrorKind::LimitExceeded)
//!   error before anything is sent; document names sanitized ([`sanitize_document_name`]),
//!   unnamed documents called `document-N`;
//! - tools: `tool_choice: none` removes the tools; tool blocks in the history with no tools get
//!   a stub tool config named after them;
//! - `top_k` goes into `additionalModelRequestFields` in the family's form (`top_k`,
//!   `inferenceConfig.topK` for Nova, `k` for Cohere) or is dropped;
//! - reasoning in the family's form (see [`build`]); with Claude thinking, temperature, top_p
//!   and top_k are dropped, the budget is at least 1024 and `max_tokens` above it, a forced
//!   tool choice becomes `auto`, and thinking is left off when the turn answers a tool call whose
//!   assistant turn carries no reasoning to replay (Claude would refuse the request);
//! - cache points: optional automatic placement (after tools, after system, at the last user
//!   turn), none for models that do not cache, none on tools for Nova, 1h before 5m, at most 4;
//! - the caller's `additional_model_request_fields` are deep-merged last (they win).
//!
//! ```
//! use bedrock_wire::converse::{self, BuildOptions, Warning};
//! use bedrock_wire::model::{ChatRequest, Reasoning};
//!
//! let req = ChatRequest::new("claude-sonnet-4-5")
//!     .user("Think about it.")
//!     .temperature(0.5)
//!     .reasoning(Reasoning::Budget { tokens: 500 });
//! let built = converse::build(&req, &BuildOptions::new("eu-west-1")).unwrap();
//! assert_eq!(built.model_id, "eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
//! let body: serde_json::Value = serde_json::from_slice(&built.body).unwrap();
//! assert_eq!(body["additionalModelRequestFields"]["thinking"]["budget_tokens"], 1024);
//! assert!(body["inferenceConfig"].get("temperature").is_none());
//! assert!(built.warnings.contains(&Warning::ReasoningBudgetRaised { from: 500, to: 1024 }));
//! ```

mod build;
mod encode;
pub(crate) mod json;
mod media;
mod normalize;
mod response;
mod warning;

pub(crate) use build::build_value;
pub use build::{
    BuildOptions, ConverseBody, DEFAULT_ANSWER_TOKENS, MAX_CACHE_POINTS, MAX_METADATA,
    MAX_RESPONSE_FIELD_PATHS, MIN_REASONING_BUDGET, build, encode_model_id,
};
pub use media::{MAX_DOCUMENT_NAME, MAX_IMAGE_BYTES, MAX_MEDIA, sanitize_document_name};
pub use normalize::EMPTY_TOOL_RESULT_TEXT;
pub use response::parse_response;
pub(crate) use response::{decode_b64, parse_citation, parse_usage};
pub use warning::Warning;
