//! The provider-neutral chat request and its settings.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::content::{CacheTtl, ContentPart, Message, Role};

/// A block of the system prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum SystemBlock {
    /// Instructions.
    Text {
        /// The text.
        text: String,
    },
    /// A cache checkpoint after the preceding system blocks.
    CachePoint {
        /// How long the cache entry lives.
        #[serde(default)]
        ttl: CacheTtl,
    },
}

/// A tool the model may call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    /// Name (`[a-zA-Z0-9_-]{1,64}`).
    pub name: String,
    /// What the tool does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema of the arguments.
    pub input_schema: serde_json::Value,
    /// Ask the model to follow the schema strictly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
}

impl Tool {
    /// A tool with a description and an argument schema.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        input_schema: serde_json::Value,
    ) -> Self {
        Self {
            name: name.into(),
            description: Some(description.into()),
            input_schema,
            strict: None,
        }
    }
}

/// How the model must use tools.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// The model must call some tool.
    Any,
    /// The model must not call tools (Converse has no such choice: the tools are removed).
    None,
    /// The model must call this tool.
    Tool {
        /// Tool name.
        name: String,
    },
}

/// How hard a reasoning model should think.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasoningEffort {
    /// Little reasoning.
    Low,
    /// Some reasoning.
    Medium,
    /// Much reasoning.
    High,
}

impl ReasoningEffort {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    /// Parses `low` / `medium` / `high` (`minimal` is read as low).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "minimal" | "low" => Some(Self::Low),
            "medium" => Some(Self::Medium),
            "high" => Some(Self::High),
            _ => None,
        }
    }

    /// The token budget used for models that take a budget instead of an effort:
    /// low 1024, medium 2048, high 4096 (LiteLLM's mapping, so the two agree).
    pub fn budget_tokens(self) -> u32 {
        match self {
            Self::Low => 1024,
            Self::Medium => 2048,
            Self::High => 4096,
        }
    }
}

/// Extended reasoning ("thinking").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Reasoning {
    /// A token budget (at least 1024; raised with a warning if lower).
    Budget {
        /// Budget in tokens.
        tokens: u32,
    },
    /// An effort level.
    Effort {
        /// The level.
        effort: ReasoningEffort,
    },
}

/// Native structured output: the reply must be JSON matching a schema.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StructuredOutput {
    /// Schema name.
    pub name: String,
    /// What the schema describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The JSON Schema.
    pub schema: serde_json::Value,
}

/// Guardrail trace setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardrailTrace {
    /// Trace on.
    Enabled,
    /// Trace off.
    Disabled,
    /// Full trace.
    EnabledFull,
}

/// Guardrail stream processing mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardrailStreamMode {
    /// Check each chunk before it is sent.
    Sync,
    /// Send chunks and check in the background.
    Async,
}

/// A Bedrock guardrail to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardrailConfig {
    /// Guardrail id or ARN.
    pub identifier: String,
    /// Version (`DRAFT` or a number).
    pub version: String,
    /// Trace setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<GuardrailTrace>,
    /// Streaming mode (ConverseStream only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream_processing_mode: Option<GuardrailStreamMode>,
}

/// Bedrock service tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTier {
    /// Priority.
    Priority,
    /// Default.
    Default,
    /// Flex.
    Flex,
    /// Reserved.
    Reserved,
}

impl ServiceTier {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Priority => "priority",
            Self::Default => "default",
            Self::Flex => "flex",
            Self::Reserved => "reserved",
        }
    }
}

/// A provider-neutral chat request.
///
/// Build one with the chaining constructors, or deserialize it (every field but `model` is
/// optional in JSON):
///
/// ```
/// use bedrock_wire::model::{ChatRequest, ToolChoice, Tool};
/// use serde_json::json;
///
/// let req = ChatRequest::new("claude-sonnet-4-5")
///     .system("You are terse.")
///     .user("What is the capital of France?")
///     .max_tokens(256)
///     .temperature(0.2)
///     .tool(Tool::new("lookup", "Look a city up", json!({"type": "object"})))
///     .tool_choice(ToolChoice::Auto);
/// assert_eq!(req.messages.len(), 1);
///
/// let again: ChatRequest = serde_json::from_str(&serde_json::to_string(&req).unwrap()).unwrap();
/// assert_eq!(again, req);
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChatRequest {
    /// Alias, model id, inference profile id or ARN (a `bedrock/` prefix is stripped).
    pub model: String,
    /// For ARNs that hide the model (application inference profiles, provisioned models): the
    /// base model, used for capabilities, parameter shapes and prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_model: Option<String>,
    /// System prompt blocks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub system: Vec<SystemBlock>,
    /// The conversation.
    pub messages: Vec<Message>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    /// How tools must be used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Maximum tokens to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k sampling (not a Converse inference parameter: sent in the family's own form).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Stop sequences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<String>,
    /// Extended reasoning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Reasoning>,
    /// Native structured output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub structured_output: Option<StructuredOutput>,
    /// Guardrail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<GuardrailConfig>,
    /// Ask for latency-optimized inference.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub latency_optimized: bool,
    /// Service tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_tier: Option<ServiceTier>,
    /// Request metadata (at most 16 pairs), logged by Bedrock.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// Extra model-specific fields, merged into `additionalModelRequestFields`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_model_request_fields: Option<serde_json::Value>,
    /// JSON pointers of extra response fields to return (at most 10).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub additional_model_response_field_paths: Vec<String>,
    /// Opt-in automatic cache points (after tools, after system, at the last user turn).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_cache: Option<CacheTtl>,
    /// Which API `Client::chat` uses: `Some(true)` Converse, `Some(false)` the native
    /// InvokeModel body, `None` the routing rules (see [`crate::invoke::route`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_converse: Option<bool>,
}

impl ChatRequest {
    /// An empty request for `model`.
    pub fn new(model: impl Into<String>) -> Self {
        Self {
            model: model.into(),
            ..Self::default()
        }
    }

    /// Appends a system text block.
    #[must_use]
    pub fn system(mut self, text: impl Into<String>) -> Self {
        self.system.push(SystemBlock::Text { text: text.into() });
        self
    }

    /// Appends a user text turn.
    #[must_use]
    pub fn user(mut self, text: impl Into<String>) -> Self {
        self.messages.push(Message::user(text));
        self
    }

    /// Appends an assistant text turn.
    #[must_use]
    pub fn assistant(mut self, text: impl Into<String>) -> Self {
        self.messages.push(Message::assistant(text));
        self
    }

    /// Appends a turn.
    #[must_use]
    pub fn message(mut self, message: Message) -> Self {
        self.messages.push(message);
        self
    }

    /// Appends a turn of `role` made of `parts`.
    #[must_use]
    pub fn parts(mut self, role: Role, parts: Vec<ContentPart>) -> Self {
        self.messages.push(Message::new(role, parts));
        self
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Sets the tool choice.
    #[must_use]
    pub fn tool_choice(mut self, choice: ToolChoice) -> Self {
        self.tool_choice = Some(choice);
        self
    }

    /// Sets the maximum output tokens.
    #[must_use]
    pub fn max_tokens(mut self, n: u32) -> Self {
        self.max_tokens = Some(n);
        self
    }

    /// Sets the temperature.
    #[must_use]
    pub fn temperature(mut self, t: f64) -> Self {
        self.temperature = Some(t);
        self
    }

    /// Sets top_p.
    #[must_use]
    pub fn top_p(mut self, p: f64) -> Self {
        self.top_p = Some(p);
        self
    }

    /// Sets top_k.
    #[must_use]
    pub fn top_k(mut self, k: u32) -> Self {
        self.top_k = Some(k);
        self
    }

    /// Adds a stop sequence.
    #[must_use]
    pub fn stop(mut self, s: impl Into<String>) -> Self {
        self.stop.push(s.into());
        self
    }

    /// Turns reasoning on.
    #[must_use]
    pub fn reasoning(mut self, r: Reasoning) -> Self {
        self.reasoning = Some(r);
        self
    }

    /// Asks for JSON matching `schema`.
    #[must_use]
    pub fn json_schema(mut self, name: impl Into<String>, schema: serde_json::Value) -> Self {
        self.structured_output = Some(StructuredOutput {
            name: name.into(),
            description: None,
            schema,
        });
        self
    }

    /// Sets the base-model hint (see [`ChatRequest::base_model`]).
    #[must_use]
    pub fn base_model(mut self, model: impl Into<String>) -> Self {
        self.base_model = Some(model.into());
        self
    }

    /// Forces Converse (`true`) or the native InvokeModel body (`false`) for `Client::chat`.
    #[must_use]
    pub fn use_converse(mut self, on: bool) -> Self {
        self.use_converse = Some(on);
        self
    }

    /// Turns automatic cache-point placement on.
    #[must_use]
    pub fn auto_cache(mut self, ttl: CacheTtl) -> Self {
        self.auto_cache = Some(ttl);
        self
    }
}
