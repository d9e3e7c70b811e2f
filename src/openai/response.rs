//! [`ChatResponse`] → `chat.completion`, [`StreamEvent`]s → `chat.completion.chunk`.

use serde_json::{Map, Value, json};

use crate::model::{
    BlockDelta, BlockStart, ChatResponse, ContentPart, StopReason, StreamEvent, Usage,
};

/// The OpenAI `finish_reason` for a stop reason.
///
/// ```
/// use bedrock_wire::{model::StopReason, openai::finish_reason};
/// assert_eq!(finish_reason(&StopReason::ToolUse), "tool_calls");
/// assert_eq!(finish_reason(&StopReason::MaxTokens), "length");
/// ```
pub fn finish_reason(r: &StopReason) -> &'static str {
    match r {
        StopReason::ToolUse => "tool_calls",
        StopReason::MaxTokens | StopReason::ModelContextWindowExceeded => "length",
        StopReason::GuardrailIntervened | StopReason::ContentFiltered => "content_filter",
        _ => "stop",
    }
}

/// OpenAI `usage`: `prompt_tokens` counts cached tokens too (OpenAI's convention), and
/// `prompt_tokens_details.cached_tokens` the cache reads.
pub fn usage(u: &Usage) -> Value {
    let prompt = u.prompt_tokens();
    json!({
        "prompt_tokens": prompt,
        "completion_tokens": u.output_tokens,
        "total_tokens": prompt.saturating_add(u.output_tokens),
        "prompt_tokens_details": { "cached_tokens": u.cache_read_input_tokens },
    })
}

/// Renders a response as an OpenAI `chat.completion` object. Reasoning text goes in the
/// `reasoning_content` extension field.
///
/// ```
/// use bedrock_wire::model::{ChatResponse, ContentPart};
/// use bedrock_wire::openai;
/// let r = ChatResponse { content: vec![ContentPart::text("Hi")], ..ChatResponse::default() };
/// let v = openai::render_response(&r, "nova-pro", "chatcmpl-1", 1_700_000_000);
/// assert_eq!(v["choices"][0]["message"]["content"], "Hi");
/// assert_eq!(v["choices"][0]["finish_reason"], "stop");
/// ```
pub fn render_response(r: &ChatResponse, model: &str, id: &str, created: u64) -> Value {
    let mut message = Map::new();
    message.insert("role".into(), json!("assistant"));
    let text = r.text();
    let has_text = r
        .content
        .iter()
        .any(|p| matches!(p, ContentPart::Text { .. } | ContentPart::Citations { .. }));
    message.insert(
        "content".into(),
        if has_text { json!(text) } else { Value::Null },
    );
    let reasoning = r.reasoning();
    if !reasoning.is_empty() {
        message.insert("reasoning_content".into(), json!(reasoning));
    }
    let calls: Vec<Value> = r
        .tool_calls()
        .into_iter()
        .map(|(id, name, input)| {
            json!({ "id": id, "type": "function", "function": { "name": name, "arguments": input.to_string() } })
        })
        .collect();
    if !calls.is_empty() {
        message.insert("tool_calls".into(), Value::Array(calls));
    }
    json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{ "index": 0, "message": message, "finish_reason": finish_reason(&r.stop_reason) }],
        "usage": usage(&r.usage),
    })
}

/// Renders [`StreamEvent`]s as OpenAI `chat.completion.chunk` objects (the caller frames each
/// as `data: {json}\n\n` and ends with `data: [DONE]`). With `include_usage`, the usage chunk
/// (empty `choices`) is sent at [`StreamEvent::MessageStop`], so it is always the last one,
/// whatever order Bedrock sent `metadata` and `messageStop` in.
///
/// ```
/// use bedrock_wire::model::{BlockDelta, Role, StreamEvent};
/// use bedrock_wire::openai::ChunkRenderer;
/// let mut r = ChunkRenderer::new("chatcmpl-1", "nova-pro", 1_700_000_000, true);
/// let chunks = r.render(&StreamEvent::BlockDelta { index: 0, delta: BlockDelta::Text { text: "Hi".into() } });
/// assert_eq!(chunks[0]["choices"][0]["delta"]["content"], "Hi");
/// assert_eq!(chunks[0]["object"], "chat.completion.chunk");
/// ```
#[derive(Debug, Clone)]
pub struct ChunkRenderer {
    id: String,
    model: String,
    created: u64,
    include_usage: bool,
    tool_blocks: Vec<u32>,
    usage: Option<Usage>,
}

impl ChunkRenderer {
    /// A renderer for one response; `include_usage` adds the final usage chunk.
    pub fn new(
        id: impl Into<String>,
        model: impl Into<String>,
        created: u64,
        include_usage: bool,
    ) -> Self {
        Self {
            id: id.into(),
            model: model.into(),
            created,
            include_usage,
            tool_blocks: Vec::new(),
            usage: None,
        }
    }

    #[allow(clippy::needless_pass_by_value)]
    fn chunk(&self, delta: Value, finish: Option<&str>) -> Value {
        json!({
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": [{ "index": 0, "delta": delta, "finish_reason": finish }],
        })
    }

    fn tool_index(&mut self, block: u32) -> usize {
        if let Some(i) = self.tool_blocks.iter().position(|b| *b == block) {
            i
        } else {
            self.tool_blocks.push(block);
            self.tool_blocks.len() - 1
        }
    }

    /// The chunks for one event (often one, sometimes none).
    pub fn render(&mut self, event: &StreamEvent) -> Vec<Value> {
        match event {
            StreamEvent::MessageStart { .. } => {
                vec![self.chunk(json!({ "role": "assistant", "content": "" }), None)]
            }
            StreamEvent::BlockStart {
                index,
                block: BlockStart::ToolUse { id, name },
            } => {
                let i = self.tool_index(*index);
                vec![self.chunk(
                    json!({ "tool_calls": [{ "index": i, "id": id, "type": "function",
                        "function": { "name": name, "arguments": "" } }] }),
                    None,
                )]
            }
            StreamEvent::BlockDelta { index, delta } => match delta {
                BlockDelta::Text { text } => vec![self.chunk(json!({ "content": text }), None)],
                BlockDelta::ToolInput { json } => {
                    let i = self.tool_index(*index);
                    vec![self.chunk(
                        json!({ "tool_calls": [{ "index": i, "function": { "arguments": json } }] }),
                        None,
                    )]
                }
                BlockDelta::ReasoningText { text } => {
                    vec![self.chunk(json!({ "reasoning_content": text }), None)]
                }
                BlockDelta::ReasoningSignature { .. }
                | BlockDelta::RedactedReasoning { .. }
                | BlockDelta::Citation { .. } => Vec::new(),
            },
            StreamEvent::MessageDelta { stop_reason, .. } => {
                vec![self.chunk(json!({}), Some(finish_reason(stop_reason)))]
            }
            StreamEvent::Metadata { usage, .. } => {
                if usage.is_some() {
                    self.usage.clone_from(usage);
                }
                Vec::new()
            }
            StreamEvent::MessageStop => match (&self.usage, self.include_usage) {
                (Some(u), true) => vec![json!({
                    "id": self.id,
                    "object": "chat.completion.chunk",
                    "created": self.created,
                    "model": self.model,
                    "choices": [],
                    "usage": usage(u),
                })],
                _ => Vec::new(),
            },
            StreamEvent::BlockStart { .. } | StreamEvent::BlockStop { .. } => Vec::new(),
        }
    }
}
