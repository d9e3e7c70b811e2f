//! The model table: aliases, full ids, inference-profile requirement, capabilities, prices.
//!
//! Prices are USD per million tokens from the public Amazon Bedrock pricing page (on-demand,
//! US East), dated per entry. They are estimates: check the pricing page before billing anyone.

use super::family::{Capabilities, Family};
use super::price::Price;

/// One known model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ModelInfo {
    /// Short names that resolve to this model.
    pub aliases: &'static [&'static str],
    /// The full foundation-model id.
    pub id: &'static str,
    /// Its family.
    pub family: Family,
    /// On-demand calls need an inference profile (a geography prefix is added).
    pub requires_profile: bool,
    /// What it can do.
    pub capabilities: Capabilities,
    /// Its price, when known.
    pub price: Option<Price>,
}

#[allow(clippy::fn_params_excessive_bools)]
const fn caps(
    tools: bool,
    vision: bool,
    reasoning: bool,
    prompt_caching: bool,
    system_prompt: bool,
) -> Capabilities {
    Capabilities {
        tools,
        tool_streaming: tools,
        vision,
        documents: true,
        reasoning,
        prompt_caching,
        cache_on_tools: prompt_caching,
        system_prompt,
    }
}

#[allow(clippy::unnecessary_wraps)]
const fn p(input: f64, output: f64, cache_read: f64, cache_write: f64) -> Option<Price> {
    Some(Price {
        input,
        output,
        cache_read,
        cache_write,
        as_of: "2025-11-01",
    })
}

const CLAUDE_OLD: Capabilities = caps(true, true, false, false, true);
const CLAUDE_CACHE: Capabilities = caps(true, true, false, true, true);
const CLAUDE_CACHE_TEXT: Capabilities = caps(true, false, false, true, true);
const CLAUDE_THINK: Capabilities = caps(true, true, true, true, true);
const NOVA: Capabilities = Capabilities {
    cache_on_tools: false,
    ..caps(true, true, false, true, true)
};
const NOVA_TEXT: Capabilities = Capabilities {
    vision: false,
    documents: false,
    cache_on_tools: false,
    ..caps(true, false, false, true, true)
};
const NOVA2: Capabilities = Capabilities {
    cache_on_tools: false,
    ..caps(true, true, true, true, true)
};
const LLAMA_TEXT: Capabilities = Capabilities {
    tool_streaming: false,
    ..caps(true, false, false, false, true)
};
const LLAMA_VISION: Capabilities = Capabilities {
    tool_streaming: false,
    ..caps(true, true, false, false, true)
};
const MISTRAL_NO_SYSTEM: Capabilities = caps(false, false, false, false, false);
const CHAT_TOOLS: Capabilities = Capabilities {
    tool_streaming: false,
    ..caps(true, false, false, false, true)
};
const JAMBA: Capabilities = caps(true, false, false, false, true);
const REASONER: Capabilities = caps(true, false, true, false, true);
const DEEPSEEK: Capabilities = caps(false, false, true, false, true);
const EMBED: Capabilities = Capabilities {
    tools: false,
    tool_streaming: false,
    vision: false,
    documents: false,
    reasoning: false,
    prompt_caching: false,
    cache_on_tools: false,
    system_prompt: false,
};

/// Every model the crate knows by name.
pub static MODELS: &[ModelInfo] = &[
    // Anthropic Claude 3.x
    ModelInfo {
        aliases: &["claude-3-haiku"],
        id: "anthropic.claude-3-haiku-20240307-v1:0",
        family: Family::Claude,
        requires_profile: false,
        capabilities: CLAUDE_OLD,
        price: p(0.25, 1.25, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["claude-3-sonnet"],
        id: "anthropic.claude-3-sonnet-20240229-v1:0",
        family: Family::Claude,
        requires_profile: false,
        capabilities: CLAUDE_OLD,
        price: p(3.0, 15.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["claude-3-opus"],
        id: "anthropic.claude-3-opus-20240229-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_OLD,
        price: p(15.0, 75.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["claude-3-5-sonnet", "claude-3-5-sonnet-v2"],
        id: "anthropic.claude-3-5-sonnet-20241022-v2:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_CACHE,
        price: p(3.0, 15.0, 0.30, 3.75),
    },
    ModelInfo {
        aliases: &["claude-3-5-sonnet-v1"],
        id: "anthropic.claude-3-5-sonnet-20240620-v1:0",
        family: Family::Claude,
        requires_profile: false,
        capabilities: CLAUDE_OLD,
        price: p(3.0, 15.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["claude-3-5-haiku"],
        id: "anthropic.claude-3-5-haiku-20241022-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_CACHE_TEXT,
        price: p(0.80, 4.0, 0.08, 1.0),
    },
    ModelInfo {
        aliases: &["claude-3-7-sonnet"],
        id: "anthropic.claude-3-7-sonnet-20250219-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(3.0, 15.0, 0.30, 3.75),
    },
    // Anthropic Claude 4.x
    ModelInfo {
        aliases: &["claude-sonnet-4", "claude-4-sonnet"],
        id: "anthropic.claude-sonnet-4-20250514-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(3.0, 15.0, 0.30, 3.75),
    },
    ModelInfo {
        aliases: &["claude-opus-4", "claude-4-opus"],
        id: "anthropic.claude-opus-4-20250514-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(15.0, 75.0, 1.50, 18.75),
    },
    ModelInfo {
        aliases: &["claude-opus-4-1"],
        id: "anthropic.claude-opus-4-1-20250805-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(15.0, 75.0, 1.50, 18.75),
    },
    ModelInfo {
        aliases: &["claude-sonnet-4-5", "claude-4-5-sonnet"],
        id: "anthropic.claude-sonnet-4-5-20250929-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(3.0, 15.0, 0.30, 3.75),
    },
    ModelInfo {
        aliases: &["claude-haiku-4-5", "claude-4-5-haiku"],
        id: "anthropic.claude-haiku-4-5-20251001-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(1.0, 5.0, 0.10, 1.25),
    },
    ModelInfo {
        aliases: &["claude-opus-4-5", "claude-4-5-opus"],
        id: "anthropic.claude-opus-4-5-20251101-v1:0",
        family: Family::Claude,
        requires_profile: true,
        capabilities: CLAUDE_THINK,
        price: p(5.0, 25.0, 0.50, 6.25),
    },
    // Amazon Nova
    ModelInfo {
        aliases: &["nova-micro"],
        id: "amazon.nova-micro-v1:0",
        family: Family::Nova,
        requires_profile: false,
        capabilities: NOVA_TEXT,
        price: p(0.035, 0.14, 0.00875, 0.0),
    },
    ModelInfo {
        aliases: &["nova-lite"],
        id: "amazon.nova-lite-v1:0",
        family: Family::Nova,
        requires_profile: false,
        capabilities: NOVA,
        price: p(0.06, 0.24, 0.015, 0.0),
    },
    ModelInfo {
        aliases: &["nova-pro"],
        id: "amazon.nova-pro-v1:0",
        family: Family::Nova,
        requires_profile: false,
        capabilities: NOVA,
        price: p(0.80, 3.20, 0.20, 0.0),
    },
    ModelInfo {
        aliases: &["nova-premier"],
        id: "amazon.nova-premier-v1:0",
        family: Family::Nova,
        requires_profile: true,
        capabilities: NOVA,
        price: p(2.50, 12.50, 0.625, 0.0),
    },
    ModelInfo {
        aliases: &["nova-2-lite", "nova2-lite"],
        id: "amazon.nova-2-lite-v1:0",
        family: Family::Nova2,
        requires_profile: true,
        capabilities: NOVA2,
        price: p(0.33, 2.75, 0.0825, 0.0),
    },
    // Amazon Titan embeddings
    ModelInfo {
        aliases: &["titan-embed-text"],
        id: "amazon.titan-embed-text-v1",
        family: Family::Titan,
        requires_profile: false,
        capabilities: EMBED,
        price: p(0.10, 0.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["titan-embed-text-v2"],
        id: "amazon.titan-embed-text-v2:0",
        family: Family::Titan,
        requires_profile: false,
        capabilities: EMBED,
        price: p(0.02, 0.0, 0.0, 0.0),
    },
    // Meta Llama
    ModelInfo {
        aliases: &["llama3-1-8b"],
        id: "meta.llama3-1-8b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_TEXT,
        price: p(0.22, 0.22, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-1-70b"],
        id: "meta.llama3-1-70b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_TEXT,
        price: p(0.72, 0.72, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-1-405b"],
        id: "meta.llama3-1-405b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: false,
        capabilities: LLAMA_TEXT,
        price: p(2.40, 2.40, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-2-1b"],
        id: "meta.llama3-2-1b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_TEXT,
        price: p(0.10, 0.10, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-2-3b"],
        id: "meta.llama3-2-3b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_TEXT,
        price: p(0.15, 0.15, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-2-11b"],
        id: "meta.llama3-2-11b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_VISION,
        price: p(0.16, 0.16, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-2-90b"],
        id: "meta.llama3-2-90b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_VISION,
        price: p(0.72, 0.72, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama3-3-70b"],
        id: "meta.llama3-3-70b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_TEXT,
        price: p(0.72, 0.72, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama4-scout", "llama4-scout-17b"],
        id: "meta.llama4-scout-17b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_VISION,
        price: p(0.17, 0.66, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["llama4-maverick", "llama4-maverick-17b"],
        id: "meta.llama4-maverick-17b-instruct-v1:0",
        family: Family::Llama,
        requires_profile: true,
        capabilities: LLAMA_VISION,
        price: p(0.24, 0.97, 0.0, 0.0),
    },
    // Mistral AI
    ModelInfo {
        aliases: &["mistral-7b"],
        id: "mistral.mistral-7b-instruct-v0:2",
        family: Family::Mistral,
        requires_profile: false,
        capabilities: MISTRAL_NO_SYSTEM,
        price: p(0.15, 0.20, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["mixtral-8x7b"],
        id: "mistral.mixtral-8x7b-instruct-v0:1",
        family: Family::Mistral,
        requires_profile: false,
        capabilities: MISTRAL_NO_SYSTEM,
        price: p(0.45, 0.70, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["mistral-large"],
        id: "mistral.mistral-large-2402-v1:0",
        family: Family::Mistral,
        requires_profile: false,
        capabilities: CHAT_TOOLS,
        price: p(4.0, 12.0, 0.0, 0.0),
    },
    // Cohere
    ModelInfo {
        aliases: &["command-r"],
        id: "cohere.command-r-v1:0",
        family: Family::Cohere,
        requires_profile: false,
        capabilities: CHAT_TOOLS,
        price: p(0.50, 1.50, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["command-r-plus"],
        id: "cohere.command-r-plus-v1:0",
        family: Family::Cohere,
        requires_profile: false,
        capabilities: CHAT_TOOLS,
        price: p(3.0, 15.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["embed-english"],
        id: "cohere.embed-english-v3",
        family: Family::Cohere,
        requires_profile: false,
        capabilities: EMBED,
        price: p(0.10, 0.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["embed-multilingual"],
        id: "cohere.embed-multilingual-v3",
        family: Family::Cohere,
        requires_profile: false,
        capabilities: EMBED,
        price: p(0.10, 0.0, 0.0, 0.0),
    },
    // AI21 Jamba
    ModelInfo {
        aliases: &["jamba-1-5-large"],
        id: "ai21.jamba-1-5-large-v1:0",
        family: Family::Jamba,
        requires_profile: false,
        capabilities: JAMBA,
        price: p(2.0, 8.0, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["jamba-1-5-mini"],
        id: "ai21.jamba-1-5-mini-v1:0",
        family: Family::Jamba,
        requires_profile: false,
        capabilities: JAMBA,
        price: p(0.20, 0.40, 0.0, 0.0),
    },
    // OpenAI gpt-oss
    ModelInfo {
        aliases: &["gpt-oss-20b"],
        id: "openai.gpt-oss-20b-1:0",
        family: Family::GptOss,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.07, 0.30, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["gpt-oss-120b"],
        id: "openai.gpt-oss-120b-1:0",
        family: Family::GptOss,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.15, 0.60, 0.0, 0.0),
    },
    // DeepSeek
    ModelInfo {
        aliases: &["deepseek-r1"],
        id: "deepseek.r1-v1:0",
        family: Family::DeepSeek,
        requires_profile: true,
        capabilities: DEEPSEEK,
        price: p(1.35, 5.40, 0.0, 0.0),
    },
    // Qwen3
    ModelInfo {
        aliases: &["qwen3-32b"],
        id: "qwen.qwen3-32b-v1:0",
        family: Family::Qwen,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.15, 0.60, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["qwen3-235b", "qwen3-235b-a22b"],
        id: "qwen.qwen3-235b-a22b-2507-v1:0",
        family: Family::Qwen,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.22, 0.88, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["qwen3-coder-30b", "qwen3-coder-30b-a3b"],
        id: "qwen.qwen3-coder-30b-a3b-v1:0",
        family: Family::Qwen,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.15, 0.60, 0.0, 0.0),
    },
    ModelInfo {
        aliases: &["qwen3-coder-480b", "qwen3-coder-480b-a35b"],
        id: "qwen.qwen3-coder-480b-a35b-v1:0",
        family: Family::Qwen,
        requires_profile: false,
        capabilities: REASONER,
        price: p(0.22, 1.80, 0.0, 0.0),
    },
];

/// The entry whose alias or full id is `name`.
pub(crate) fn by_alias_or_id(name: &str) -> Option<&'static ModelInfo> {
    MODELS
        .iter()
        .find(|m| m.id == name || m.aliases.contains(&name))
}
