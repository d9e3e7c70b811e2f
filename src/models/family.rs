//! Model families and what each can do.

use serde::{Deserialize, Serialize};

/// A model family: decides parameter shapes (top_k, reasoning) and default capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Family {
    /// Anthropic Claude.
    Claude,
    /// Amazon Nova (first generation: Micro, Lite, Pro, Premier).
    Nova,
    /// Amazon Nova 2.
    Nova2,
    /// Amazon Titan (text and embeddings).
    Titan,
    /// Meta Llama.
    Llama,
    /// Mistral AI.
    Mistral,
    /// Cohere Command and Embed.
    Cohere,
    /// AI21 Jamba.
    Jamba,
    /// OpenAI gpt-oss.
    GptOss,
    /// DeepSeek.
    DeepSeek,
    /// Alibaba Qwen.
    Qwen,
    /// Anything else: passed through with no gating.
    Unknown,
}

impl Family {
    /// The family of a bare foundation-model id (geo prefix already removed), by its provider
    /// prefix.
    ///
    /// ```
    /// use bedrock_wire::models::Family;
    /// assert_eq!(Family::of_base_id("anthropic.claude-x-v9:0"), Family::Claude);
    /// assert_eq!(Family::of_base_id("amazon.nova-2-lite-v1:0"), Family::Nova2);
    /// assert_eq!(Family::of_base_id("acme.model"), Family::Unknown);
    /// ```
    pub fn of_base_id(id: &str) -> Self {
        let prefixes: [(&str, Family); 12] = [
            ("anthropic.", Self::Claude),
            ("amazon.nova-2", Self::Nova2),
            ("amazon.nova", Self::Nova),
            ("amazon.titan", Self::Titan),
            ("meta.", Self::Llama),
            ("mistral.", Self::Mistral),
            ("cohere.", Self::Cohere),
            ("ai21.", Self::Jamba),
            ("openai.", Self::GptOss),
            ("deepseek.", Self::DeepSeek),
            ("qwen.", Self::Qwen),
            ("twelvelabs.", Self::Unknown),
        ];
        prefixes
            .iter()
            .find(|(p, _)| id.starts_with(p))
            .map_or(Self::Unknown, |(_, f)| *f)
    }

    /// Default capabilities for models of this family not in the table
    /// (`None` for [`Family::Unknown`]: no gating).
    pub fn default_capabilities(self) -> Option<Capabilities> {
        let all = Capabilities {
            tools: true,
            tool_streaming: true,
            vision: true,
            documents: true,
            reasoning: false,
            prompt_caching: false,
            cache_on_tools: false,
            system_prompt: true,
        };
        Some(match self {
            Self::Claude => Capabilities {
                reasoning: true,
                prompt_caching: true,
                cache_on_tools: true,
                ..all
            },
            Self::Nova => Capabilities {
                prompt_caching: true,
                ..all
            },
            Self::Nova2 => Capabilities {
                reasoning: true,
                prompt_caching: true,
                ..all
            },
            Self::Llama | Self::Mistral | Self::Cohere | Self::Jamba => Capabilities {
                tool_streaming: false,
                vision: false,
                ..all
            },
            Self::GptOss | Self::Qwen => Capabilities {
                vision: false,
                reasoning: true,
                ..all
            },
            Self::DeepSeek => Capabilities {
                tools: false,
                tool_streaming: false,
                vision: false,
                reasoning: true,
                ..all
            },
            Self::Titan => Capabilities {
                tools: false,
                tool_streaming: false,
                vision: false,
                documents: false,
                system_prompt: false,
                ..all
            },
            Self::Unknown => return None,
        })
    }

    /// How this family takes `top_k` inside `additionalModelRequestFields` (`None`: it does not).
    pub fn top_k_field(self, k: u32) -> Option<serde_json::Value> {
        use serde_json::json;
        match self {
            Self::Claude | Self::Mistral | Self::Qwen | Self::Unknown => {
                Some(json!({ "top_k": k }))
            }
            Self::Nova | Self::Nova2 => Some(json!({ "inferenceConfig": { "topK": k } })),
            Self::Cohere => Some(json!({ "k": k })),
            Self::Titan | Self::Llama | Self::Jamba | Self::GptOss | Self::DeepSeek => None,
        }
    }
}

/// What a model can do. Used to shape requests (cache points, system prompt) and by callers
/// to decide what to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Capabilities {
    /// Tool use.
    pub tools: bool,
    /// Tool use while streaming.
    pub tool_streaming: bool,
    /// Image input.
    pub vision: bool,
    /// Document input.
    pub documents: bool,
    /// Extended reasoning.
    pub reasoning: bool,
    /// Prompt caching (cache points).
    pub prompt_caching: bool,
    /// Cache points inside `toolConfig.tools`.
    pub cache_on_tools: bool,
    /// System prompt.
    pub system_prompt: bool,
}
