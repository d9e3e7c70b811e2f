//! Native InvokeModel bodies, one file per model family: build the body, parse the response,
//! parse a stream chunk.
//!
//! [`build`] reuses the whole Converse translator: the request is first normalised exactly as
//! for Converse ([`crate::converse::build`]: model resolution, media checks, turn alternation,
//! tool-history stubs, reasoning clamps, cache-point rules), then the normalised Converse body
//! is rewritten into the family's native shape (its [`Dialect`]). So a request behaves the same
//! on both APIs, and every change made to it is reported once, as a
//! [`crate::converse::Warning`]; what the native body cannot carry is listed in
//! [`InvokeBody::dropped`].
//!
//! | family | dialect | body |
//! |---|---|---|
//! | Claude | [`Dialect::Anthropic`] | Anthropic Messages, `anthropic_version: bedrock-2023-05-31`, no `model`/`stream` |
//! | Nova, Nova 2 | [`Dialect::Nova`] | `schemaVersion: messages-v1`, Converse-like content, `inferenceConfig` with `topK` |
//! | Titan Text | [`Dialect::Titan`] | `inputText` + `textGenerationConfig` |
//! | Llama 3.x | [`Dialect::Llama3`] | `prompt` with `<\|start_header_id\|>` special tokens, `max_gen_len` |
//! | Llama 4 | [`Dialect::Llama4`] | `prompt` with `<\|header_start\|>` special tokens, `max_gen_len` |
//! | Mistral 7B, Mixtral, Large 2402 | [`Dialect::MistralPrompt`] | `<s>[INST] … [/INST]` prompt |
//! | Mistral Large 2407+, Pixtral | [`Dialect::OpenAiChat`] | chat `messages` |
//! | Cohere Command R/R+ | [`Dialect::Cohere`] | `message`, `chat_history`, `preamble`, `tools` |
//! | AI21 Jamba, gpt-oss, Qwen3 | [`Dialect::OpenAiChat`] | chat-completions `messages` |
//! | DeepSeek R1 | [`Dialect::DeepSeek`] | `prompt` with DeepSeek's chat tokens; reasoning before `</think>` |
//!
//! Guardrails, latency-optimized inference and the service tier go in `X-Amzn-Bedrock-*`
//! headers ([`InvokeBody::headers`]). The caller's `additional_model_request_fields` are merged
//! into the top level of the native body last (that is where `anthropic_beta` goes).
//!
//! ```
//! use bedrock_wire::converse::BuildOptions;
//! use bedrock_wire::invoke::{self, Dialect};
//! use bedrock_wire::model::ChatRequest;
//!
//! let req = ChatRequest::new("claude-3-haiku").system("Be brief.").user("Hi").max_tokens(100);
//! let built = invoke::build(&req, &BuildOptions::new("us-east-1")).unwrap();
//! assert_eq!(built.dialect, Dialect::Anthropic);
//! assert_eq!(built.path, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke");
//! let body: serde_json::Value = serde_json::from_slice(&built.body).unwrap();
//! assert_eq!(body["anthropic_version"], "bedrock-2023-05-31");
//! assert_eq!(body["system"][0]["text"], "Be brief.");
//! assert!(body.get("model").is_none() && body.get("stream").is_none());
//! ```

mod anthropic;
mod cohere;
mod common;
mod deepseek;
mod llama;
mod metrics;
mod mistral;
mod nova;
mod openai_chat;
mod plan;
mod route;
mod stream;
mod titan;

use serde_json::{Map, Value};

use crate::converse::{self, BuildOptions, Warning, encode_model_id};
use crate::model::{ChatRequest, ChatResponse};
use crate::models::Family;
use crate::translation_error::TranslationError;

pub use metrics::InvokeMetrics;
pub use plan::{ChatPlan, CountTokensForm, RoutedResponse};
pub use route::{Api, Route, RouteReason, route};
pub use stream::InvokeStreamTranslator;

/// The native body shape a model speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dialect {
    /// Anthropic Messages (Claude).
    Anthropic,
    /// Amazon Nova `messages-v1`.
    Nova,
    /// Amazon Titan Text.
    Titan,
    /// Meta Llama 3.x prompt template.
    Llama3,
    /// Meta Llama 4 prompt template.
    Llama4,
    /// Mistral instruct prompt (`<s>[INST] … [/INST]`).
    MistralPrompt,
    /// Cohere Command R / R+ chat.
    Cohere,
    /// Chat-completions `messages` (Jamba, gpt-oss, Qwen3, Mistral Large 2407+).
    OpenAiChat,
    /// DeepSeek R1 prompt template.
    DeepSeek,
}

impl Dialect {
    /// The dialect of a model, from its family and bare base id; `None` for models with no
    /// native chat body here (embeddings, unknown providers).
    ///
    /// ```
    /// use bedrock_wire::invoke::Dialect;
    /// use bedrock_wire::models::Family;
    /// assert_eq!(Dialect::of(Family::Llama, "meta.llama4-scout-17b-instruct-v1:0"), Some(Dialect::Llama4));
    /// assert_eq!(Dialect::of(Family::Mistral, "mistral.mistral-large-2407-v1:0"), Some(Dialect::OpenAiChat));
    /// assert_eq!(Dialect::of(Family::Titan, "amazon.titan-embed-text-v2:0"), None);
    /// ```
    pub fn of(family: Family, base_id: &str) -> Option<Self> {
        let id = base_id.to_ascii_lowercase();
        Some(match family {
            Family::Claude => Self::Anthropic,
            Family::Nova | Family::Nova2 => {
                if id.contains("embed")
                    || id.contains("canvas")
                    || id.contains("reel")
                    || id.contains("sonic")
                {
                    return None;
                }
                Self::Nova
            }
            Family::Titan => {
                if id.contains("embed") || id.contains("image") {
                    return None;
                }
                Self::Titan
            }
            Family::Llama => {
                if id.contains("llama4") {
                    Self::Llama4
                } else {
                    Self::Llama3
                }
            }
            Family::Mistral => {
                if id.contains("mistral-7b") || id.contains("mixtral") || id.contains("large-2402")
                {
                    Self::MistralPrompt
                } else {
                    Self::OpenAiChat
                }
            }
            Family::Cohere => {
                if id.contains("embed") || id.contains("rerank") {
                    return None;
                }
                Self::Cohere
            }
            Family::Jamba | Family::GptOss | Family::Qwen => Self::OpenAiChat,
            Family::DeepSeek => Self::DeepSeek,
            _ => return None,
        })
    }

    /// A short name (`anthropic`, `nova`, `llama3`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Anthropic => "anthropic",
            Self::Nova => "nova",
            Self::Titan => "titan",
            Self::Llama3 => "llama3",
            Self::Llama4 => "llama4",
            Self::MistralPrompt => "mistral-prompt",
            Self::Cohere => "cohere",
            Self::OpenAiChat => "openai-chat",
            Self::DeepSeek => "deepseek",
        }
    }
}

/// A built InvokeModel (or InvokeModelWithResponseStream) request.
#[derive(Debug, Clone, PartialEq)]
pub struct InvokeBody {
    /// `/model/{id}/invoke` or `/model/{id}/invoke-with-response-stream`, id encoded once.
    pub path: String,
    /// The native JSON body.
    pub body: Vec<u8>,
    /// `X-Amzn-Bedrock-*` headers carrying guardrail, latency and service-tier settings.
    pub headers: Vec<(String, String)>,
    /// The model id sent (not encoded).
    pub model_id: String,
    /// The family.
    pub family: Family,
    /// The native shape used.
    pub dialect: Dialect,
    /// Normalizations applied (the same as for Converse).
    pub warnings: Vec<Warning>,
    /// Request settings the native body has no place for (not sent), by name.
    pub dropped: Vec<&'static str>,
}

/// Builds the native request for `req` (`opts.stream` picks InvokeModelWithResponseStream).
///
/// Fails with [`Unsupported`](crate::translation_error::TranslationErrorKind::Unsupported) when
/// the model has no native chat dialect, or when the request holds a part the family's native
/// body cannot carry (e.g. an image for a prompt-template model), naming the part.
pub fn build(req: &ChatRequest, opts: &BuildOptions) -> Result<InvokeBody, TranslationError> {
    let conv_built = converse::build_value(req, &opts.clone().stream(false))?;
    let base = crate::models::base_id(&req.model, req.base_model.as_deref());
    let dialect = Dialect::of(conv_built.family, &base).ok_or_else(|| {
        TranslationError::new(
            crate::translation_error::TranslationErrorKind::Unsupported,
            "model",
            format!("no native chat body is known for `{base}`; use Converse"),
        )
    })?;
    let conv = common::Conv::from_body(conv_built.body);
    let mut warnings = conv_built.warnings;
    let mut headers = Vec::new();
    let mut dropped = Vec::new();
    conv.headers(&mut headers, &mut dropped);
    let native = match dialect {
        Dialect::Anthropic => {
            let mut v = anthropic::build(conv, &mut dropped)?;
            if anthropic::keep_tools_for_choice_none(req, &mut v) {
                warnings.retain(|w| *w != Warning::ToolsRemovedForToolChoiceNone);
            }
            v
        }
        Dialect::Nova => nova::build(conv, &mut dropped),
        Dialect::Titan => titan::build(conv, &mut dropped)?,
        Dialect::Llama3 | Dialect::Llama4 => {
            llama::build(conv, dialect == Dialect::Llama4, &mut dropped)?
        }
        Dialect::MistralPrompt => mistral::build(conv, &mut dropped)?,
        Dialect::Cohere => cohere::build(conv, &mut dropped)?,
        Dialect::OpenAiChat => openai_chat::build(conv, conv_built.family, &mut dropped)?,
        Dialect::DeepSeek => deepseek::build(conv, &mut dropped)?,
    };
    let body = serde_json::to_vec(&native).map_err(|e| {
        TranslationError::invalid("$", format!("body could not be serialized ({e})"))
    })?;
    let op = if opts.stream {
        "invoke-with-response-stream"
    } else {
        "invoke"
    };
    Ok(InvokeBody {
        path: format!("/model/{}/{op}", encode_model_id(&conv_built.model_id)),
        body,
        headers,
        model_id: conv_built.model_id,
        family: conv_built.family,
        dialect,
        warnings,
        dropped,
    })
}

/// Parses a native InvokeModel response body of `dialect`. Usage comes from the body where the
/// family reports it, completed (or overridden, when the body has none) by the token-count
/// headers in `metrics`.
///
/// ```
/// use bedrock_wire::invoke::{self, Dialect, InvokeMetrics};
/// let body = br#"{"generation":"Paris.","prompt_token_count":12,"generation_token_count":3,"stop_reason":"stop"}"#;
/// let r = invoke::parse_response(Dialect::Llama3, body, &InvokeMetrics::default()).unwrap();
/// assert_eq!(r.text(), "Paris.");
/// assert_eq!((r.usage.input_tokens, r.usage.output_tokens), (12, 3));
/// ```
pub fn parse_response(
    dialect: Dialect,
    body: &[u8],
    metrics: &InvokeMetrics,
) -> Result<ChatResponse, TranslationError> {
    let mut r = if dialect == Dialect::Nova {
        nova::parse_response_bytes(body)?
    } else {
        parse_json_response(dialect, body)?
    };
    metrics.apply(&mut r.usage);
    if r.latency_ms.is_none() {
        r.latency_ms = metrics.latency_ms;
    }
    Ok(r)
}

fn parse_json_response(dialect: Dialect, body: &[u8]) -> Result<ChatResponse, TranslationError> {
    let v = converse::json::parse(body, "$")?;
    let top = converse::json::obj(&v, "$")?;
    Ok(match dialect {
        Dialect::Anthropic => anthropic::parse_response(top)?,
        Dialect::Nova => nova::parse_response_bytes(body)?,
        Dialect::Titan => titan::parse_response(top)?,
        Dialect::Llama3 | Dialect::Llama4 => llama::parse_response(top)?,
        Dialect::MistralPrompt => mistral::parse_response(top)?,
        Dialect::Cohere => cohere::parse_response(top)?,
        Dialect::OpenAiChat => openai_chat::parse_response(top)?,
        Dialect::DeepSeek => deepseek::parse_response(top)?,
    })
}

/// Merges `extra` (the caller's additional fields) into `body` (objects merged key by key).
pub(crate) fn merge_into(body: &mut Map<String, Value>, extra: Map<String, Value>) {
    for (k, v) in extra {
        match (body.get_mut(&k), v) {
            (Some(Value::Object(b)), Value::Object(o)) => merge_into(b, o),
            (_, v) => {
                body.insert(k, v);
            }
        }
    }
}
