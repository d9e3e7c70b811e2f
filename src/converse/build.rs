//! `ChatRequest` → Converse request path and body.

use serde_json::{Map, Value, json};

use crate::model::{
    CacheTtl, ChatRequest, ContentPart, Message, Reasoning, ReasoningEffort, Role, SystemBlock,
    ToolChoice,
};
use crate::models::{self, Capabilities, Family, ResolveOptions};
use crate::translation_error::{TranslationError, TranslationErrorKind};

use super::Warning;
use super::encode::{self, cache_point};
use super::media::MediaPass;
use super::normalize::normalize;

/// The smallest reasoning budget Bedrock accepts.
pub const MIN_REASONING_BUDGET: u32 = 1024;
/// Output tokens left for the answer when `max_tokens` must be raised above the budget and
/// none was given.
pub const DEFAULT_ANSWER_TOKENS: u32 = 4096;
/// Most cache points in one request.
pub const MAX_CACHE_POINTS: usize = 4;
/// Most `requestMetadata` pairs.
pub const MAX_METADATA: usize = 16;
/// Most `additionalModelResponseFieldPaths`.
pub const MAX_RESPONSE_FIELD_PATHS: usize = 10;

/// How [`build`] resolves the model and which operation it targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildOptions {
    /// The request region (used for the cross-region prefix).
    pub region: Option<String>,
    /// Add the geography prefix to bare ids of models that need an inference profile
    /// (default `true`).
    pub cross_region: bool,
    /// Target ConverseStream instead of Converse.
    pub stream: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            region: None,
            cross_region: true,
            stream: false,
        }
    }
}

impl BuildOptions {
    /// Converse in `region`, cross-region prefixing on.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: Some(region.into()),
            ..Self::default()
        }
    }

    /// Targets ConverseStream (`true`) or Converse (`false`).
    #[must_use]
    pub fn stream(mut self, stream: bool) -> Self {
        self.stream = stream;
        self
    }

    /// Turns the cross-region prefix on or off.
    #[must_use]
    pub fn cross_region(mut self, on: bool) -> Self {
        self.cross_region = on;
        self
    }
}

/// A built Converse request. Its `Debug` shows the body's length, not its bytes.
#[derive(Clone, PartialEq)]
pub struct ConverseBody {
    /// The request path, model id percent-encoded once: `/model/{id}/converse` or
    /// `/model/{id}/converse-stream`.
    pub path: String,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Every normalization applied.
    pub warnings: Vec<Warning>,
    /// The model id sent (not encoded).
    pub model_id: String,
    /// The model family used to shape the body.
    pub family: Family,
}

impl std::fmt::Debug for ConverseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConverseBody")
            .field("path", &self.path)
            .field("body_len", &self.body.len())
            .field("warnings", &self.warnings)
            .field("model_id", &self.model_id)
            .field("family", &self.family)
            .finish()
    }
}

/// Percent-encodes a path segment once: everything but `A-Za-z0-9-._~` becomes `%XX`
/// (`:` → `%3A`, `/` → `%2F`).
///
/// ```
/// use bedrock_wire::converse::encode_model_id;
/// assert_eq!(encode_model_id("us.amazon.nova-micro-v1:0"), "us.amazon.nova-micro-v1%3A0");
/// assert_eq!(
///     encode_model_id("arn:aws:bedrock:us-east-1:1:application-inference-profile/x"),
///     "arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fx"
/// );
/// ```
pub fn encode_model_id(id: &str) -> String {
    // The RFC 3986 unreserved set, uppercase hex: the same encoding SigV4 uses.
    sigv4::encode::uri_encode(id)
}

fn limit(path: &str, detail: String) -> TranslationError {
    TranslationError::new(TranslationErrorKind::LimitExceeded, path, detail)
}

/// Builds the Converse (or ConverseStream) request for `req`.
///
/// ```
/// use bedrock_wire::converse::{self, BuildOptions};
/// use bedrock_wire::model::ChatRequest;
///
/// let req = ChatRequest::new("claude-sonnet-4").system("Be brief.").user("Hi").max_tokens(100);
/// let built = converse::build(&req, &BuildOptions::new("us-east-1").stream(true)).unwrap();
/// assert_eq!(built.path, "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream");
/// let body: serde_json::Value = serde_json::from_slice(&built.body).unwrap();
/// assert_eq!(body["messages"][0]["content"][0]["text"], "Hi");
/// assert_eq!(body["inferenceConfig"]["maxTokens"], 100);
/// assert_eq!(built.warnings.len(), 1); // the cross-region prefix
/// ```
pub fn build(req: &ChatRequest, opts: &BuildOptions) -> Result<ConverseBody, TranslationError> {
    let built = build_value(req, opts)?;
    let body = serde_json::to_vec(&Value::Object(built.body)).map_err(|e| {
        TranslationError::invalid("$", format!("body could not be serialized ({e})"))
    })?;
    Ok(ConverseBody {
        path: built.path,
        body,
        warnings: built.warnings,
        model_id: built.model_id,
        family: built.family,
    })
}

/// [`ConverseBody`] with the body still a JSON object: what the native invoke builders take
/// apart, without writing it out and parsing it back.
pub(crate) struct ConverseValue {
    pub path: String,
    pub body: Map<String, Value>,
    pub warnings: Vec<Warning>,
    pub model_id: String,
    pub family: Family,
}

/// [`build`] up to the body's serialization.
pub(crate) fn build_value(
    req: &ChatRequest,
    opts: &BuildOptions,
) -> Result<ConverseValue, TranslationError> {
    if req.model.trim().is_empty() {
        return Err(TranslationError::invalid("model", "no model given"));
    }
    let resolved = models::resolve(
        &req.model,
        req.base_model.as_deref(),
        &ResolveOptions {
            region: opts.region.clone(),
            cross_region: opts.cross_region,
        },
    );
    let family = resolved.family;
    let caps = resolved.capabilities;
    let mut warnings = Vec::new();
    if resolved.prefix_added.is_some() {
        warnings.push(Warning::CrossRegionPrefixAdded {
            model_id: resolved.id.clone(),
        });
    }
    if req.messages.is_empty() {
        return Err(TranslationError::invalid(
            "messages",
            "at least one message is required",
        ));
    }
    for (name, v) in [("temperature", req.temperature), ("top_p", req.top_p)] {
        if v.is_some_and(|x| !x.is_finite()) {
            return Err(TranslationError::invalid(name, "must be a finite number"));
        }
    }
    if req.metadata.len() > MAX_METADATA {
        return Err(limit(
            "metadata",
            format!("at most {MAX_METADATA} request metadata pairs"),
        ));
    }
    if req.additional_model_response_field_paths.len() > MAX_RESPONSE_FIELD_PATHS {
        return Err(limit(
            "additional_model_response_field_paths",
            format!("at most {MAX_RESPONSE_FIELD_PATHS} paths"),
        ));
    }

    // Media first, on the caller's indices.
    let mut messages = req.messages.clone();
    MediaPass::new(&mut warnings).run(&mut messages)?;
    let mut messages = normalize(messages, &mut warnings);

    // System prompt.
    let mut system: Vec<Value> = Vec::new();
    let mut blank_system = 0usize;
    for b in &req.system {
        match b {
            SystemBlock::Text { text } if text.trim().is_empty() => blank_system += 1,
            SystemBlock::Text { text } => system.push(json!({ "text": text })),
            SystemBlock::CachePoint { ttl } => system.push(cache_point(*ttl)),
        }
    }
    if blank_system > 0 {
        warnings.push(Warning::BlankTextDropped {
            count: blank_system,
        });
    }
    if caps.is_some_and(|c| !c.system_prompt) && !system.is_empty() {
        move_system_to_first_turn(&req.system, &mut messages);
        system.clear();
        warnings.push(Warning::SystemMovedToFirstTurn);
    }

    // Sampling, reasoning and top_k.
    let mut max_tokens = req.max_tokens;
    let mut temperature = req.temperature;
    let mut top_p = req.top_p;
    let mut top_k = req.top_k;
    let mut tool_choice = req.tool_choice.clone();
    let mut additional = Value::Object(Map::new());
    if let Some(r) = req.reasoning {
        reasoning(
            r,
            family,
            caps,
            open_tool_turn_without_reasoning(&messages),
            &mut Sampling {
                max_tokens: &mut max_tokens,
                temperature: &mut temperature,
                top_p: &mut top_p,
                top_k: &mut top_k,
                tool_choice: &mut tool_choice,
            },
            &mut additional,
            &mut warnings,
        );
    }
    if let Some(k) = top_k {
        match family.top_k_field(k) {
            Some(v) => encode::merge(&mut additional, v),
            None => warnings.push(Warning::TopKDropped),
        }
    }

    // Tools.
    let mut tools: Vec<Value> = Vec::new();
    if matches!(tool_choice, Some(ToolChoice::None)) {
        if !req.tools.is_empty() {
            warnings.push(Warning::ToolsRemovedForToolChoiceNone);
        }
        tool_choice = None;
    } else {
        for (i, t) in req.tools.iter().enumerate() {
            if !valid_tool_name(&t.name) {
                return Err(TranslationError::invalid(
                    format!("tools[{i}].name"),
                    "tool names must match [a-zA-Z0-9_-]{1,64}",
                ));
            }
            let mut spec = Map::new();
            spec.insert("name".into(), Value::String(t.name.clone()));
            if let Some(d) = &t.description {
                spec.insert("description".into(), Value::String(d.clone()));
            }
            spec.insert("inputSchema".into(), json!({ "json": t.input_schema }));
            if let Some(s) = t.strict {
                spec.insert("strict".into(), Value::Bool(s));
            }
            tools.push(json!({ "toolSpec": spec }));
        }
    }
    if tools.is_empty() {
        let names = history_tool_names(&messages);
        if !names.is_empty() {
            for n in &names {
                tools.push(json!({ "toolSpec": {
                    "name": n,
                    "description": "A tool used earlier in this conversation.",
                    "inputSchema": { "json": { "type": "object" } }
                }}));
            }
            warnings.push(Warning::ToolConfigSynthesized { names });
            tool_choice = None;
        }
    }

    // Messages to JSON.
    let mut message_json: Vec<(Role, Vec<Value>)> = messages
        .iter()
        .map(|m| (m.role, m.content.iter().map(encode::part).collect()))
        .collect();

    // Cache points: placement, family rules, TTL order, count.
    cache_points(
        req.auto_cache,
        caps,
        &mut tools,
        &mut system,
        &mut message_json,
        &mut warnings,
    );

    // Assemble.
    let mut body = Map::new();
    body.insert(
        "messages".into(),
        message_json
            .into_iter()
            .map(|(role, content)| json!({ "role": role.as_str(), "content": content }))
            .collect(),
    );
    if !system.is_empty() {
        body.insert("system".into(), Value::Array(system));
    }
    let mut inference = Map::new();
    if let Some(n) = max_tokens {
        inference.insert("maxTokens".into(), json!(n));
    }
    if let Some(t) = temperature {
        inference.insert("temperature".into(), json!(t));
    }
    if let Some(p) = top_p {
        inference.insert("topP".into(), json!(p));
    }
    if !req.stop.is_empty() {
        inference.insert("stopSequences".into(), json!(req.stop));
    }
    if !inference.is_empty() {
        body.insert("inferenceConfig".into(), Value::Object(inference));
    }
    if !tools.is_empty() {
        let mut tc = Map::new();
        tc.insert("tools".into(), Value::Array(tools));
        match &tool_choice {
            Some(ToolChoice::Auto) => {
                tc.insert("toolChoice".into(), json!({ "auto": {} }));
            }
            Some(ToolChoice::Any) => {
                tc.insert("toolChoice".into(), json!({ "any": {} }));
            }
            Some(ToolChoice::Tool { name }) => {
                tc.insert("toolChoice".into(), json!({ "tool": { "name": name } }));
            }
            Some(ToolChoice::None) | None => {}
        }
        body.insert("toolConfig".into(), Value::Object(tc));
    }
    if let Some(g) = &req.guardrail {
        let mut gc = Map::new();
        gc.insert(
            "guardrailIdentifier".into(),
            Value::String(g.identifier.clone()),
        );
        gc.insert("guardrailVersion".into(), Value::String(g.version.clone()));
        if let Some(t) = g.trace {
            gc.insert(
                "trace".into(),
                serde_json::to_value(t).unwrap_or(Value::Null),
            );
        }
        if opts.stream
            && let Some(m) = g.stream_processing_mode
        {
            gc.insert(
                "streamProcessingMode".into(),
                serde_json::to_value(m).unwrap_or(Value::Null),
            );
        }
        body.insert("guardrailConfig".into(), Value::Object(gc));
    }
    if let Some(extra) = &req.additional_model_request_fields {
        encode::merge(&mut additional, extra.clone());
    }
    if additional.as_object().is_some_and(|m| !m.is_empty()) {
        body.insert("additionalModelRequestFields".into(), additional);
    }
    if !req.additional_model_response_field_paths.is_empty() {
        body.insert(
            "additionalModelResponseFieldPaths".into(),
            json!(req.additional_model_response_field_paths),
        );
    }
    if !req.metadata.is_empty() {
        body.insert("requestMetadata".into(), json!(req.metadata));
    }
    if req.latency_optimized {
        body.insert(
            "performanceConfig".into(),
            json!({ "latency": "optimized" }),
        );
    }
    if let Some(t) = req.service_tier {
        body.insert("serviceTier".into(), json!({ "type": t.as_str() }));
    }
    if let Some(s) = &req.structured_output {
        let mut js = Map::new();
        js.insert("schema".into(), Value::String(s.schema.to_string()));
        js.insert("name".into(), Value::String(s.name.clone()));
        if let Some(d) = &s.description {
            js.insert("description".into(), Value::String(d.clone()));
        }
        body.insert(
            "outputConfig".into(),
            json!({ "textFormat": { "type": "json_schema", "structure": { "jsonSchema": js } } }),
        );
    }

    let op = if opts.stream {
        "converse-stream"
    } else {
        "converse"
    };
    Ok(ConverseValue {
        path: format!("/model/{}/{op}", encode_model_id(&resolved.id)),
        body,
        warnings,
        model_id: resolved.id,
        family,
    })
}

fn valid_tool_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn move_system_to_first_turn(system: &[SystemBlock], messages: &mut Vec<Message>) {
    let text: Vec<&str> = system
        .iter()
        .filter_map(|b| match b {
            SystemBlock::Text { text } if !text.trim().is_empty() => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let part = ContentPart::text(text.join("\n\n"));
    match messages.first_mut() {
        Some(first) if first.role == Role::User => first.content.insert(0, part),
        _ => messages.insert(0, Message::new(Role::User, vec![part])),
    }
}

struct Sampling<'a> {
    max_tokens: &'a mut Option<u32>,
    temperature: &'a mut Option<f64>,
    top_p: &'a mut Option<f64>,
    top_k: &'a mut Option<u32>,
    tool_choice: &'a mut Option<ToolChoice>,
}

fn effort_of_budget(tokens: u32) -> ReasoningEffort {
    match tokens {
        0..=2048 => ReasoningEffort::Low,
        2049..=8192 => ReasoningEffort::Medium,
        _ => ReasoningEffort::High,
    }
}

/// Reasoning in the family's form:
/// - Claude (and unknown models): `thinking: {type: enabled, budget_tokens}` (an effort maps to
///   1024/2048/4096); temperature, top_p, top_k dropped; budget at least 1024; max_tokens
///   above the budget; a forced tool choice relaxed to auto;
/// - Nova 2: `reasoningConfig: {type: enabled, maxReasoningEffort}` (a budget maps to
///   low ≤ 2048 < medium ≤ 8192 < high);
/// - gpt-oss: `reasoning_effort`;
/// - others: not sent (warning).
fn reasoning(
    r: Reasoning,
    family: Family,
    caps: Option<Capabilities>,
    unreplayable: bool,
    s: &mut Sampling<'_>,
    additional: &mut Value,
    warnings: &mut Vec<Warning>,
) {
    let effort = match r {
        Reasoning::Effort { effort } => effort,
        Reasoning::Budget { tokens } => effort_of_budget(tokens),
    };
    match family {
        Family::Claude | Family::Unknown => {
            if caps.is_some_and(|c| !c.reasoning) {
                warnings.push(Warning::ReasoningIgnored {
                    reason: "this model has no extended thinking",
                });
                return;
            }
            if unreplayable {
                warnings.push(Warning::ReasoningIgnored {
                    reason: "the tool call being answered has no signed reasoning to replay, so thinking would be refused",
                });
                return;
            }
            let asked = match r {
                Reasoning::Budget { tokens } => tokens,
                Reasoning::Effort { effort } => effort.budget_tokens(),
            };
            let budget = asked.max(MIN_REASONING_BUDGET);
            if budget != asked {
                warnings.push(Warning::ReasoningBudgetRaised {
                    from: asked,
                    to: budget,
                });
            }
            if s.temperature.take().is_some() {
                warnings.push(Warning::SamplingDroppedForReasoning {
                    parameter: "temperature",
                });
            }
            if s.top_p.take().is_some() {
                warnings.push(Warning::SamplingDroppedForReasoning { parameter: "top_p" });
            }
            if s.top_k.take().is_some() {
                warnings.push(Warning::SamplingDroppedForReasoning { parameter: "top_k" });
            }
            if s.max_tokens.is_none_or(|m| m <= budget) {
                let to = budget.saturating_add(s.max_tokens.unwrap_or(DEFAULT_ANSWER_TOKENS));
                warnings.push(Warning::MaxTokensRaised {
                    from: *s.max_tokens,
                    to,
                });
                *s.max_tokens = Some(to);
            }
            if matches!(
                s.tool_choice,
                Some(ToolChoice::Any | ToolChoice::Tool { .. })
            ) {
                *s.tool_choice = Some(ToolChoice::Auto);
                warnings.push(Warning::ToolChoiceRelaxedForReasoning);
            }
            encode::merge(
                additional,
                json!({ "thinking": { "type": "enabled", "budget_tokens": budget } }),
            );
        }
        Family::Nova2 => encode::merge(
            additional,
            json!({ "reasoningConfig": { "type": "enabled", "maxReasoningEffort": effort.as_str() } }),
        ),
        Family::GptOss => encode::merge(additional, json!({ "reasoning_effort": effort.as_str() })),
        Family::DeepSeek => warnings.push(Warning::ReasoningIgnored {
            reason: "this model always reasons and takes no setting",
        }),
        _ => warnings.push(Warning::ReasoningIgnored {
            reason: "this model family takes no reasoning setting",
        }),
    }
}

/// The conversation is inside a tool loop (the last turn is a user turn with tool results)
/// and the assistant turn that made the calls does not start with reasoning.
fn open_tool_turn_without_reasoning(messages: &[Message]) -> bool {
    let [.., assistant, last] = messages else {
        return false;
    };
    let answers_tools = last.role == Role::User
        && last
            .content
            .iter()
            .any(|p| matches!(p, ContentPart::ToolResult { .. }));
    let calls_tools = assistant.role == Role::Assistant
        && assistant
            .content
            .iter()
            .any(|p| matches!(p, ContentPart::ToolUse { .. }));
    let starts_with_reasoning = matches!(
        assistant.content.first(),
        Some(ContentPart::Reasoning { .. } | ContentPart::RedactedReasoning { .. })
    );
    answers_tools && calls_tools && !starts_with_reasoning
}

fn history_tool_names(messages: &[Message]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut has_results = false;
    for m in messages {
        for p in &m.content {
            match p {
                ContentPart::ToolUse { name, .. } if !names.contains(name) => {
                    names.push(name.clone());
                }
                ContentPart::ToolResult { .. } => has_results = true,
                _ => {}
            }
        }
    }
    if names.is_empty() && has_results {
        names.push("unknown_tool".to_owned());
    }
    names
}

fn is_cache_point(v: &Value) -> bool {
    v.get("cachePoint").is_some()
}

fn ttl_of(v: &Value) -> CacheTtl {
    match v.pointer("/cachePoint/ttl").and_then(Value::as_str) {
        Some("1h") => CacheTtl::OneHour,
        _ => CacheTtl::FiveMinutes,
    }
}

/// Cache-point rules, in the prompt's prefix order (tools, system, messages):
/// 1. automatic placement when asked (after the tools, after the system prompt, at the end
///    of the last user turn), skipping models known not to cache;
/// 2. all cache points removed for models known not to cache, tool cache points removed for
///    families that refuse them (Nova);
/// 3. a 1h point after a 5m point is shortened to 5m (longer TTLs must come first);
/// 4. at most 4: the earliest extra ones are removed (later points cover more of the prompt).
fn cache_points(
    auto: Option<CacheTtl>,
    caps: Option<Capabilities>,
    tools: &mut Vec<Value>,
    system: &mut Vec<Value>,
    messages: &mut [(Role, Vec<Value>)],
    warnings: &mut Vec<Warning>,
) {
    let caching = caps.is_none_or(|c| c.prompt_caching);
    let on_tools = caps.is_none_or(|c| c.cache_on_tools);
    if let (Some(ttl), true) = (auto, caching) {
        let mut placed = 0;
        let mut place = |list: &mut Vec<Value>| {
            if !list.is_empty() && !list.last().is_some_and(is_cache_point) {
                list.push(cache_point(ttl));
                placed += 1;
            }
        };
        if on_tools {
            place(tools);
        }
        place(system);
        if let Some((_, content)) = messages.iter_mut().rev().find(|(r, _)| *r == Role::User) {
            place(content);
        }
        if placed > 0 {
            warnings.push(Warning::CachePointsPlaced { count: placed });
        }
    }
    let before = count_points(tools, system, messages);
    if !caching {
        tools.retain(|v| !is_cache_point(v));
        system.retain(|v| !is_cache_point(v));
        for (_, c) in messages.iter_mut() {
            c.retain(|v| !is_cache_point(v));
        }
        if before > 0 {
            warnings.push(Warning::CachePointsDropped {
                count: before,
                reason: "this model does not support prompt caching",
            });
        }
        return;
    }
    if !on_tools {
        let n = tools.iter().filter(|v| is_cache_point(v)).count();
        tools.retain(|v| !is_cache_point(v));
        if n > 0 {
            warnings.push(Warning::CachePointsDropped {
                count: n,
                reason: "this model family does not cache tools",
            });
        }
    }
    // TTL order.
    let mut seen_short = false;
    let mut fix = |v: &mut Value, warnings: &mut Vec<Warning>| {
        if !is_cache_point(v) {
            return;
        }
        match ttl_of(v) {
            CacheTtl::FiveMinutes => seen_short = true,
            CacheTtl::OneHour if seen_short => {
                *v = cache_point(CacheTtl::FiveMinutes);
                warnings.push(Warning::CacheTtlShortened {
                    ttl: CacheTtl::FiveMinutes,
                });
            }
            CacheTtl::OneHour => {}
        }
    };
    for v in tools.iter_mut().chain(system.iter_mut()) {
        fix(v, warnings);
    }
    for (_, c) in messages.iter_mut() {
        for v in c.iter_mut() {
            fix(v, warnings);
        }
    }
    // Count.
    let total = count_points(tools, system, messages);
    if total > MAX_CACHE_POINTS {
        let mut excess = total - MAX_CACHE_POINTS;
        let mut drop_from = |list: &mut Vec<Value>| {
            list.retain(|v| {
                if excess > 0 && is_cache_point(v) {
                    excess -= 1;
                    false
                } else {
                    true
                }
            });
        };
        drop_from(tools);
        drop_from(system);
        for (_, c) in messages.iter_mut() {
            drop_from(c);
        }
        warnings.push(Warning::CachePointsDropped {
            count: total - MAX_CACHE_POINTS,
            reason: "Bedrock allows at most 4 cache points",
        });
    }
}

fn count_points(tools: &[Value], system: &[Value], messages: &[(Role, Vec<Value>)]) -> usize {
    tools.iter().filter(|v| is_cache_point(v)).count()
        + system.iter().filter(|v| is_cache_point(v)).count()
        + messages
            .iter()
            .map(|(_, c)| c.iter().filter(|v| is_cache_point(v)).count())
            .sum::<usize>()
}
