//! The provider-neutral chat model: requests, responses, stream events, usage.
//!
//! Nothing here knows Bedrock's wire shapes; [`crate::converse`] and [`crate::openai`]
//! translate to and from them. Every type implements serde (byte fields as base64), so a
//! request can be stored, replayed, or used as a golden fixture.
//!
//! ```
//! use bedrock_wire::model::{ChatRequest, ContentPart, ImageFormat, Message, Role};
//!
//! let req = ChatRequest::new("nova-pro")
//!     .system("Describe images briefly.")
//!     .message(Message::new(Role::User, vec![
//!         ContentPart::image(ImageFormat::Png, b"\x89PNG\r\n\x1a\n...".to_vec()),
//!         ContentPart::text("What is this?"),
//!     ]))
//!     .max_tokens(200);
//! let json = serde_json::to_value(&req).unwrap();
//! assert_eq!(json["messages"][0]["content"][0]["source"]["data"], "iVBORw0KGgouLi4=");
//! ```

mod b64;
mod content;
mod request;
mod response;
mod stream;

pub(crate) use b64::{
    decode as b64_decode, decode_bytes as b64_decode_bytes, encode as b64_encode,
};
pub use content::{
    CacheTtl, Citation, ContentPart, Document, DocumentFormat, DocumentSource, ImageFormat,
    MediaSource, Message, Role, ToolResultContent, VideoFormat,
};
pub use request::{
    ChatRequest, GuardrailConfig, GuardrailStreamMode, GuardrailTrace, Reasoning, ReasoningEffort,
    ServiceTier, StructuredOutput, SystemBlock, Tool, ToolChoice,
};
pub use response::{CacheDetail, ChatResponse, StopReason, Usage};
pub use stream::{Accumulator, BlockDelta, BlockStart, StreamEvent};
