//! Model ids, aliases, families, capabilities and prices.
//!
//! What a caller may pass as a model, all accepted:
//! - an alias from the table (`claude-sonnet-4-5`, `nova-pro`, `llama3-3-70b`, `gpt-oss-120b`, ...),
//! - a full foundation-model id (`anthropic.claude-3-haiku-20240307-v1:0`),
//! - an inference-profile id (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`, `jp.`, `au.`, `ca.` prefixes),
//! - any ARN (foundation model, inference profile, application inference profile, provisioned,
//!   custom, imported, prompt, prompt router, SageMaker endpoint),
//!
//! each optionally prefixed with `bedrock/` (the routing prefix gateways use), which is
//! stripped. Profile ids and ARNs are sent as given. A bare id of a model that needs an
//! inference profile gets the region's geography prefix (see [`resolve`]).
//!
//! ```
//! use bedrock_wire::models::{self, Family, ResolveOptions};
//!
//! let opts = ResolveOptions::new("eu-west-1");
//! let m = models::resolve("bedrock/claude-sonnet-4-5", None, &opts);
//! assert_eq!(m.id, "eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
//! assert_eq!(m.family, Family::Claude);
//! assert!(m.capabilities.unwrap().reasoning);
//!
//! // An application inference profile hides the model; the hint restores capabilities.
//! let arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
//! let m = models::resolve(arn, Some("claude-haiku-4-5"), &opts);
//! assert_eq!(m.id, arn);
//! assert_eq!(m.family, Family::Claude);
//! assert_eq!(models::arn_region(arn), Some("us-east-1"));
//! ```

mod family;
mod price;
mod table;

pub use family::{Capabilities, Family};
pub use price::{Cost, FALLBACK_PRICE, Price, PriceSource, PriceTable};
pub use table::{MODELS, ModelInfo};

/// Inference-profile geography prefixes recognised on ids.
pub const GEO_PREFIXES: &[&str] = &[
    "us-gov.", "us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.",
];

/// Removes the `bedrock/` routing prefix, if any.
pub fn strip_routing_prefix(model: &str) -> &str {
    model.strip_prefix("bedrock/").unwrap_or(model)
}

/// True for an ARN.
pub fn is_arn(model: &str) -> bool {
    model.starts_with("arn:")
}

/// The region inside an ARN model id (`arn:aws:bedrock:REGION:...`), if any.
///
/// ```
/// assert_eq!(bedrock_wire::models::arn_region("arn:aws:bedrock:eu-central-1::foundation-model/x"), Some("eu-central-1"));
/// assert_eq!(bedrock_wire::models::arn_region("amazon.nova-pro-v1:0"), None);
/// ```
pub fn arn_region(model_id: &str) -> Option<&str> {
    let model_id = strip_routing_prefix(model_id);
    if !is_arn(model_id) {
        return None;
    }
    model_id.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The cross-region inference geography prefix for a region (`us.` for `us-*` and `ca-*`,
/// `us-gov.` for GovCloud, `eu.` for `eu-*`, `apac.` for `ap-*`); `None` elsewhere.
pub fn geo_prefix(region: &str) -> Option<&'static str> {
    if region.starts_with("us-gov-") {
        Some("us-gov.")
    } else if region.starts_with("us-") || region.starts_with("ca-") {
        Some("us.")
    } else if region.starts_with("eu-") {
        Some("eu.")
    } else if region.starts_with("ap-") {
        Some("apac.")
    } else {
        None
    }
}

fn strip_geo(id: &str) -> &str {
    GEO_PREFIXES
        .iter()
        .find_map(|p| id.strip_prefix(p))
        .unwrap_or(id)
}

/// The bare foundation-model id behind `model` (alias resolved, routing and geography
/// prefixes removed, foundation-model and system inference-profile ARNs unwrapped), or the
/// same for `base_model` when given. Other ARNs come back unchanged.
pub fn base_id(model: &str, base_model: Option<&str>) -> String {
    let model = strip_routing_prefix(base_model.unwrap_or(model));
    let inner = if is_arn(model) {
        let resource = model.splitn(6, ':').nth(5).unwrap_or("");
        if let Some(id) = resource
            .strip_prefix("foundation-model/")
            .or_else(|| resource.strip_prefix("inference-profile/"))
        {
            id
        } else {
            return model.to_owned();
        }
    } else {
        model
    };
    let bare = strip_geo(inner);
    table::by_alias_or_id(bare).map_or_else(|| bare.to_owned(), |m| m.id.to_owned())
}

/// The table entry for `model` (or for `base_model` when given).
pub fn lookup(model: &str, base_model: Option<&str>) -> Option<&'static ModelInfo> {
    table::by_alias_or_id(&base_id(model, base_model))
}

/// How [`resolve`] treats bare ids. The default has no region (so no prefix can be added)
/// and cross-region prefixing on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOptions {
    /// The request region (for the geography prefix).
    pub region: Option<String>,
    /// Add the geography prefix to bare ids of models that need an inference profile
    /// (default on).
    pub cross_region: bool,
}

impl Default for ResolveOptions {
    fn default() -> Self {
        Self {
            region: None,
            cross_region: true,
        }
    }
}

impl ResolveOptions {
    /// Cross-region prefixing on, for `region`.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: Some(region.into()),
            cross_region: true,
        }
    }
}

/// The outcome of [`resolve`].
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedModel {
    /// The id to put in the request path (before percent-encoding).
    pub id: String,
    /// The bare foundation-model id used for lookups (or the ARN when nothing better is known).
    pub base_id: String,
    /// The family.
    pub family: Family,
    /// Capabilities (`None`: unknown model, no gating).
    pub capabilities: Option<Capabilities>,
    /// The table entry, when known.
    pub info: Option<&'static ModelInfo>,
    /// The geography prefix that was added, if any.
    pub prefix_added: Option<&'static str>,
}

/// Resolves `model` (alias, id, profile id or ARN; `base_model` is the hint for opaque ARNs).
pub fn resolve(model: &str, base_model: Option<&str>, opts: &ResolveOptions) -> ResolvedModel {
    let given = strip_routing_prefix(model.trim());
    let base = base_id(given, base_model);
    let info = table::by_alias_or_id(&base);
    let family = info.map_or_else(|| Family::of_base_id(&base), |m| m.family);
    let capabilities = info.map_or_else(|| family.default_capabilities(), |m| Some(m.capabilities));
    let mut prefix_added = None;
    let bare = strip_geo(given);
    let id = if is_arn(given) {
        given.to_owned()
    } else if bare != given {
        // A profile id; an alias after the prefix (`eu.claude-sonnet-4-5`) is expanded.
        let prefix = given.get(..given.len() - bare.len()).unwrap_or("");
        table::by_alias_or_id(bare)
            .map_or_else(|| given.to_owned(), |m| format!("{prefix}{}", m.id))
    } else {
        let full = table::by_alias_or_id(given).map_or(given, |m| m.id);
        match (
            info,
            opts.cross_region,
            opts.region.as_deref().and_then(geo_prefix),
        ) {
            (Some(m), true, Some(prefix)) if m.requires_profile && base_model.is_none() => {
                prefix_added = Some(prefix);
                format!("{prefix}{full}")
            }
            _ => full.to_owned(),
        }
    };
    ResolvedModel {
        id,
        base_id: base,
        family,
        capabilities,
        info,
        prefix_added,
    }
}

/// The family of `model` (or of `base_model`).
pub fn family(model: &str, base_model: Option<&str>) -> Family {
    resolve(model, base_model, &ResolveOptions::default()).family
}

/// The capabilities of `model` (or of `base_model`); `None` when unknown.
pub fn capabilities(model: &str, base_model: Option<&str>) -> Option<Capabilities> {
    resolve(model, base_model, &ResolveOptions::default()).capabilities
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve_to_full_ids() {
        let o = ResolveOptions::default();
        for (alias, id) in [
            (
                "claude-3-5-sonnet",
                "anthropic.claude-3-5-sonnet-20241022-v2:0",
            ),
            ("claude-3-haiku", "anthropic.claude-3-haiku-20240307-v1:0"),
            ("llama3-2-90b", "meta.llama3-2-90b-instruct-v1:0"),
            ("nova-micro", "amazon.nova-micro-v1:0"),
            ("mixtral-8x7b", "mistral.mixtral-8x7b-instruct-v0:1"),
            ("command-r-plus", "cohere.command-r-plus-v1:0"),
            ("jamba-1-5-mini", "ai21.jamba-1-5-mini-v1:0"),
            ("titan-embed-text-v2", "amazon.titan-embed-text-v2:0"),
            ("embed-multilingual", "cohere.embed-multilingual-v3"),
            ("gpt-oss-120b", "openai.gpt-oss-120b-1:0"),
            ("deepseek-r1", "deepseek.r1-v1:0"),
            ("qwen3-32b", "qwen.qwen3-32b-v1:0"),
            ("bedrock/nova-premier", "amazon.nova-premier-v1:0"),
        ] {
            assert_eq!(resolve(alias, None, &o).id, id, "{alias}");
        }
    }

    #[test]
    fn every_onellm_alias_is_known() {
        for a in [
            "claude-3-5-sonnet",
            "claude-3-5-haiku",
            "claude-3-opus",
            "claude-3-sonnet",
            "claude-3-haiku",
            "llama3-2-90b",
            "llama3-2-11b",
            "llama3-2-3b",
            "llama3-2-1b",
            "llama3-1-405b",
            "llama3-1-70b",
            "llama3-1-8b",
            "nova-pro",
            "nova-lite",
            "nova-micro",
            "mistral-7b",
            "mixtral-8x7b",
            "mistral-large",
            "command-r",
            "command-r-plus",
            "jamba-1-5-large",
            "jamba-1-5-mini",
            "titan-embed-text",
            "titan-embed-text-v2",
            "embed-english",
            "embed-multilingual",
        ] {
            assert!(lookup(a, None).is_some(), "{a}");
        }
    }

    #[test]
    fn geography_prefix_is_added_only_when_needed() {
        let o = ResolveOptions::new("us-west-2");
        let m = resolve("claude-sonnet-4", None, &o);
        assert_eq!(m.id, "us.anthropic.claude-sonnet-4-20250514-v1:0");
        assert_eq!(m.prefix_added, Some("us."));
        // A prefixed alias is expanded.
        assert_eq!(
            resolve("eu.claude-sonnet-4", None, &o).id,
            "eu.anthropic.claude-sonnet-4-20250514-v1:0"
        );
        // Already a profile: kept.
        assert_eq!(
            resolve("global.anthropic.claude-sonnet-4-20250514-v1:0", None, &o).id,
            "global.anthropic.claude-sonnet-4-20250514-v1:0"
        );
        // On-demand model: no prefix.
        assert_eq!(resolve("nova-pro", None, &o).id, "amazon.nova-pro-v1:0");
        // Turned off.
        let off = ResolveOptions {
            cross_region: false,
            ..o.clone()
        };
        assert_eq!(
            resolve("claude-sonnet-4", None, &off).id,
            "anthropic.claude-sonnet-4-20250514-v1:0"
        );
        // Asia Pacific and Europe.
        assert_eq!(
            resolve("llama3-3-70b", None, &ResolveOptions::new("ap-northeast-1")).id,
            "apac.meta.llama3-3-70b-instruct-v1:0"
        );
        assert_eq!(
            resolve("deepseek-r1", None, &ResolveOptions::new("eu-west-3")).id,
            "eu.deepseek.r1-v1:0"
        );
        // Unknown model passes through untouched, no gating.
        let u = resolve("acme.model-v1:0", None, &o);
        assert_eq!(
            (u.id.as_str(), u.family, u.capabilities),
            ("acme.model-v1:0", Family::Unknown, None)
        );
    }

    #[test]
    fn arns_are_kept_and_unwrapped_for_lookup() {
        let o = ResolveOptions::new("us-east-1");
        let fm =
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
        let m = resolve(fm, None, &o);
        assert_eq!(m.id, fm);
        assert_eq!(m.base_id, "anthropic.claude-3-haiku-20240307-v1:0");
        let ip =
            "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.amazon.nova-premier-v1:0";
        assert_eq!(resolve(ip, None, &o).family, Family::Nova);
        let app = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/x1";
        assert_eq!(resolve(app, None, &o).family, Family::Unknown);
        assert_eq!(resolve(app, Some("nova-pro"), &o).family, Family::Nova);
        assert_eq!(
            arn_region("bedrock/arn:aws-cn:bedrock:cn-north-1:1:provisioned-model/x"),
            Some("cn-north-1")
        );
        assert_eq!(arn_region("arn:aws:bedrock::1:x"), None);
    }

    #[test]
    fn unknown_ids_of_known_families_get_family_defaults() {
        let m = resolve(
            "anthropic.claude-opus-9-v1:0",
            None,
            &ResolveOptions::default(),
        );
        assert_eq!(m.family, Family::Claude);
        assert!(m.capabilities.unwrap().prompt_caching);
    }
}
