//! OpenAI chat.completions JSON, both ways: the shape gateways (and the OneLLM provider) speak.
//!
//! - [`parse_request`]: a `chat.completions` request → [`ChatRequest`](crate::model::ChatRequest)
//!   (system/developer/user/assistant/tool messages; string or part content with text and
//!   `image_url` data URIs; `tool_calls`; `tools`; `tool_choice`; `max_tokens` /
//!   `max_completion_tokens`; `temperature`, `top_p`, `stop`; `response_format` json_schema;
//!   `reasoning_effort`; `stream` and `stream_options.include_usage`).
//! - [`render_response`]: a [`ChatResponse`](crate::model::ChatResponse) → `chat.completion`.
//! - [`ChunkRenderer`]: [`StreamEvent`](crate::model::StreamEvent)s → `chat.completion.chunk`s
//!   (content deltas, tool-call deltas with index/id/name/arguments, finish_reason, usage in a
//!   final chunk when asked).
//!
//! ```
//! use bedrock_wire::{converse, openai};
//!
//! let body = br#"{"model":"nova-pro","messages":[{"role":"user","content":"Hi"}]}"#;
//! let parsed = openai::parse_request(body).unwrap();
//! let built = converse::build(&parsed.request, &converse::BuildOptions::new("us-east-1")).unwrap();
//! assert_eq!(built.path, "/model/amazon.nova-pro-v1%3A0/converse");
//! ```

mod request;
mod response;

pub use request::{OpenAiRequest, parse_request};
pub use response::{ChunkRenderer, finish_reason, render_response, usage};
