//! Choosing between Converse and native InvokeModel for a request: see [`route`].

use std::fmt;

use serde::Serialize;

use super::Dialect;
use crate::model::{ChatRequest, ToolChoice};
use crate::models::{self, Family};

/// Which Bedrock API serves a chat request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    /// Converse / ConverseStream.
    Converse,
    /// InvokeModel / InvokeModelWithResponseStream with the family's native body.
    Invoke,
}

impl Api {
    /// `converse` or `invoke`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Converse => "converse",
            Self::Invoke => "invoke",
        }
    }
}

/// Why a route was chosen (the rule of the table in [`route`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "feature")]
pub enum RouteReason {
    /// Rule 8: Converse is the default.
    Default,
    /// Rules 2 and 3: `use_converse` was set.
    CallerAsked,
    /// Rule 1: no native chat body is known for the model.
    NoNativeDialect,
    /// Rule 4: the request uses a feature only Converse has.
    ConverseOnlyFeature(&'static str),
    /// Rules 5 and 6: the request uses a feature only the native body has.
    NativeOnlyFeature(&'static str),
    /// Rule 7: the family is served better natively.
    FamilyPrefersNative,
}

/// A routing decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Route {
    /// The API used.
    pub api: Api,
    /// The rule that chose it.
    pub reason: RouteReason,
    /// The native dialect of the model, when it has one.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "dialect_name"
    )]
    pub dialect: Option<Dialect>,
}

#[allow(clippy::ref_option, clippy::trivially_copy_pass_by_ref)]
fn dialect_name<S: serde::Serializer>(d: &Option<Dialect>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(d.as_str()),
        None => s.serialize_none(),
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api.as_str())?;
        if self.api == Api::Invoke
            && let Some(d) = self.dialect
        {
            write!(f, " ({})", d.as_str())?;
        }
        f.write_str(": ")?;
        match self.reason {
            RouteReason::Default => f.write_str("the default"),
            RouteReason::CallerAsked if self.api == Api::Converse => {
                f.write_str("the caller asked (use_converse = true)")
            }
            RouteReason::CallerAsked => f.write_str("the caller asked (use_converse = false)"),
            RouteReason::NoNativeDialect => f.write_str("no native body is known for this model"),
            RouteReason::ConverseOnlyFeature(x) => {
                write!(f, "the request uses {x}, which only Converse carries")
            }
            RouteReason::NativeOnlyFeature(x) => write!(
                f,
                "the request uses {x}, which only the native body carries"
            ),
            RouteReason::FamilyPrefersNative => {
                f.write_str("this family is served better by its native prompt body")
            }
        }
    }
}

fn converse_only(req: &ChatRequest) -> Option<&'static str> {
    if req.structured_output.is_some() {
        Some("structured output")
    } else if req
        .guardrail
        .as_ref()
        .is_some_and(|g| g.stream_processing_mode.is_some())
    {
        Some("a guardrail stream processing mode")
    } else if !req.additional_model_response_field_paths.is_empty() {
        Some("additional response field paths")
    } else if !req.metadata.is_empty() {
        Some("request metadata")
    } else {
        None
    }
}

fn native_only(req: &ChatRequest, family: Family) -> Option<&'static str> {
    if family != Family::Claude {
        return None;
    }
    if req
        .additional_model_request_fields
        .as_ref()
        .is_some_and(|v| v.get("anthropic_beta").is_some())
    {
        return Some("anthropic_beta");
    }
    if matches!(req.tool_choice, Some(ToolChoice::None)) && !req.tools.is_empty() {
        return Some("tool_choice none with tools");
    }
    None
}

/// Decides between Converse and native InvokeModel for `req` (its `use_converse` is the
/// caller's explicit choice, if any).
///
/// Converse is the default: one shape for every model, structured tool calls, reasoning and
/// usage. Native invoke is used when the caller asks for it, when the request needs something
/// only the native body carries, or when the family is served better natively. The rules, in
/// the order they are applied:
///
/// | # | condition | API | [`RouteReason`] |
/// |---|---|---|---|
/// | 1 | the model has no native chat dialect (unknown provider, ARN without `base_model`) | Converse | `NoNativeDialect` |
/// | 2 | the caller set [`ChatRequest::use_converse`] to `Some(true)` | Converse | `CallerAsked` |
/// | 3 | the caller set it to `Some(false)` | Invoke | `CallerAsked` |
/// | 4 | the request needs a Converse-only feature: structured output (`outputConfig`), a guardrail stream mode, extra response field paths, request metadata | Converse | `ConverseOnlyFeature` |
/// | 5 | Claude: `anthropic_beta` in `additional_model_request_fields` (beta headers belong to the Messages body) | Invoke | `NativeOnlyFeature` |
/// | 6 | Claude: `tool_choice: none` with tools (the Messages body keeps the tools with `{"type":"none"}`; Converse must drop them) | Invoke | `NativeOnlyFeature` |
/// | 7 | Titan Text, Mistral 7B / Mixtral / Large 2402 (prompt models): Converse gives them no system prompt and no tools, the native prompt carries the same text with no translation loss | Invoke | `FamilyPrefersNative` |
/// | 8 | everything else | Converse | `Default` |
///
/// ```
/// use bedrock_wire::invoke::{route, Api, RouteReason};
/// use bedrock_wire::model::ChatRequest;
///
/// let r = route(&ChatRequest::new("claude-sonnet-4-5").user("hi"));
/// assert_eq!((r.api, r.reason), (Api::Converse, RouteReason::Default));
/// let r = route(&ChatRequest::new("mistral-7b").user("hi"));
/// assert_eq!((r.api, r.reason), (Api::Invoke, RouteReason::FamilyPrefersNative));
/// let r = route(&ChatRequest::new("nova-pro").user("hi").use_converse(false));
/// assert_eq!((r.api, r.reason), (Api::Invoke, RouteReason::CallerAsked));
/// assert_eq!(r.to_string(), "invoke (nova): the caller asked (use_converse = false)");
/// ```
pub fn route(req: &ChatRequest) -> Route {
    let base = models::base_id(&req.model, req.base_model.as_deref());
    let family = models::family(&req.model, req.base_model.as_deref());
    let dialect = Dialect::of(family, &base);
    let pick = |api, reason| Route {
        api,
        reason,
        dialect,
    };
    if dialect.is_none() {
        return pick(Api::Converse, RouteReason::NoNativeDialect);
    }
    match req.use_converse {
        Some(true) => return pick(Api::Converse, RouteReason::CallerAsked),
        Some(false) => return pick(Api::Invoke, RouteReason::CallerAsked),
        None => {}
    }
    if let Some(x) = converse_only(req) {
        return pick(Api::Converse, RouteReason::ConverseOnlyFeature(x));
    }
    if let Some(x) = native_only(req, family) {
        return pick(Api::Invoke, RouteReason::NativeOnlyFeature(x));
    }
    if matches!(dialect, Some(Dialect::Titan | Dialect::MistralPrompt)) {
        return pick(Api::Invoke, RouteReason::FamilyPrefersNative);
    }
    pick(Api::Converse, RouteReason::Default)
}
