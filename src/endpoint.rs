//! Region and endpoint resolution.
//!
//! The endpoint and the signing region come from one value, the resolved region, so they can never
//! disagree. A custom endpoint (a VPC endpoint or a proxy) replaces the URL but keeps the signing
//! region and the signing service `bedrock`.
//!
//! Region order: the builder → `AWS_REGION` → `AWS_DEFAULT_REGION` → the profile's `region` →
//! `bedrock.json` → the region inside an ARN model id → `us-east-1`.
//!
//! ```
//! use bedrock_wire::endpoint::{Endpoint, EndpointSettings};
//! let e = Endpoint::resolve(&EndpointSettings::new("cn-north-1")).unwrap();
//! assert_eq!(e.url(), "https://bedrock-runtime.cn-north-1.amazonaws.com.cn");
//! assert_eq!(e.signing_region(), "cn-north-1");
//! assert_eq!(e.signing_service(), "bedrock");
//! ```

use std::net::IpAddr;

use crate::client::Env;
use crate::error::Error;

/// The default region when nothing else names one.
pub const DEFAULT_REGION: &str = "us-east-1";
/// The SigV4 signing name of Bedrock Runtime.
pub const SIGNING_SERVICE: &str = "bedrock";

/// Where the region came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionSource {
    /// The builder.
    Explicit,
    /// `AWS_REGION`.
    AwsRegion,
    /// `AWS_DEFAULT_REGION`.
    AwsDefaultRegion,
    /// The selected profile's `region`.
    Profile,
    /// `bedrock.json`.
    BedrockJson,
    /// The region inside an ARN model id.
    ModelArn,
    /// The built-in default, `us-east-1`.
    Default,
}

/// Resolves the region in the documented order.
///
/// ```
/// use bedrock_wire::client::Env;
/// use bedrock_wire::endpoint::{resolve_region, RegionSource};
/// let env = Env::empty().with_var("AWS_DEFAULT_REGION", "eu-north-1");
/// assert_eq!(resolve_region(None, &env, Some("ap-south-1"), None, None),
///            ("eu-north-1".to_owned(), RegionSource::AwsDefaultRegion));
/// let arn = "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.x";
/// assert_eq!(resolve_region(None, &Env::empty(), None, None, Some(arn)).0, "us-west-2");
/// ```
pub fn resolve_region(
    explicit: Option<&str>,
    env: &Env,
    profile_region: Option<&str>,
    bedrock_json_region: Option<&str>,
    model_id: Option<&str>,
) -> (String, RegionSource) {
    let candidates = [
        (explicit, RegionSource::Explicit),
        (env.get("AWS_REGION"), RegionSource::AwsRegion),
        (
            env.get("AWS_DEFAULT_REGION"),
            RegionSource::AwsDefaultRegion,
        ),
        (profile_region, RegionSource::Profile),
        (bedrock_json_region, RegionSource::BedrockJson),
        (model_id.and_then(region_from_arn), RegionSource::ModelArn),
    ];
    for (value, source) in candidates {
        if let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) {
            return (v.to_owned(), source);
        }
    }
    (DEFAULT_REGION.to_owned(), RegionSource::Default)
}

/// The region field of an ARN (`arn:partition:service:REGION:account:resource`).
///
/// ```
/// use bedrock_wire::endpoint::region_from_arn;
/// assert_eq!(region_from_arn("arn:aws:bedrock:eu-west-1:1:application-inference-profile/x"), Some("eu-west-1"));
/// assert_eq!(region_from_arn("anthropic.claude-3-haiku-20240307-v1:0"), None);
/// ```
pub fn region_from_arn(id: &str) -> Option<&str> {
    let mut parts = id.split(':');
    if parts.next()? != "arn" {
        return None;
    }
    let region = parts.nth(2)?;
    (!region.is_empty() && valid_region(region)).then_some(region)
}

/// Whether `region` is a plausible region name (`[a-z0-9-]`, 1 to 63 chars): it becomes part of a
/// host name.
pub fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-')
}

/// Endpoint settings: the region and the variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSettings {
    /// The region (also the signing region).
    pub region: String,
    /// Use the FIPS endpoint (`bedrock-runtime-fips.`).
    pub use_fips: bool,
    /// Use the dual-stack endpoint (`api.aws`).
    pub use_dual_stack: bool,
    /// A custom endpoint URL (VPC endpoint, proxy, replay server).
    pub custom_url: Option<String>,
    /// Allow plain `http://` for non-loopback hosts.
    pub allow_http: bool,
}

impl EndpointSettings {
    /// Settings for the standard endpoint of `region`.
    pub fn new(region: impl Into<String>) -> Self {
        Self {
            region: region.into(),
            use_fips: false,
            use_dual_stack: false,
            custom_url: None,
            allow_http: false,
        }
    }

    /// Fills the variants from the environment where unset by the caller: `AWS_USE_FIPS_ENDPOINT`,
    /// `AWS_USE_DUALSTACK_ENDPOINT`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL`.
    #[must_use]
    pub fn with_env(mut self, env: &Env) -> Self {
        self.use_fips |= env.flag("AWS_USE_FIPS_ENDPOINT").unwrap_or(false);
        self.use_dual_stack |= env.flag("AWS_USE_DUALSTACK_ENDPOINT").unwrap_or(false);
        if self.custom_url.is_none()
            && env.flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") != Some(true)
        {
            self.custom_url = env
                .get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
                .or_else(|| env.get("AWS_ENDPOINT_URL"))
                .map(str::to_owned);
        }
        self
    }
}

/// A resolved endpoint: the base URL and the signing region and service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
    signing_region: String,
    custom: bool,
}

impl Endpoint {
    /// Resolves the endpoint for `settings`.
    ///
    /// ```
    /// use bedrock_wire::endpoint::{Endpoint, EndpointSettings};
    /// let mut s = EndpointSettings::new("us-west-2");
    /// s.use_fips = true;
    /// s.use_dual_stack = true;
    /// assert_eq!(Endpoint::resolve(&s).unwrap().url(), "https://bedrock-runtime-fips.us-west-2.api.aws");
    /// let mut s = EndpointSettings::new("eu-west-1");
    /// s.custom_url = Some("https://vpce-1.bedrock-runtime.eu-west-1.vpce.amazonaws.com/".into());
    /// let e = Endpoint::resolve(&s).unwrap();
    /// assert_eq!(e.url(), "https://vpce-1.bedrock-runtime.eu-west-1.vpce.amazonaws.com");
    /// assert_eq!(e.signing_region(), "eu-west-1");
    /// s.custom_url = Some("http://proxy.internal:8080".into());
    /// assert!(Endpoint::resolve(&s).is_err());
    /// ```
    pub fn resolve(settings: &EndpointSettings) -> Result<Self, Error> {
        let region = settings.region.trim();
        if !valid_region(region) {
            return Err(Error::configuration(format!(
                "invalid region {region:?}: expected letters, digits and '-' like us-east-1"
            )));
        }
        let url = match &settings.custom_url {
            Some(custom) => validate_custom(custom, settings.allow_http)?,
            None => standard_url(region, settings.use_fips, settings.use_dual_stack),
        };
        Ok(Self {
            url,
            signing_region: region.to_owned(),
            custom: settings.custom_url.is_some(),
        })
    }

    /// The base URL, without a trailing slash (operations append `/model/...`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SigV4 signing region.
    pub fn signing_region(&self) -> &str {
        &self.signing_region
    }

    /// The SigV4 signing service (`bedrock`).
    pub fn signing_service(&self) -> &'static str {
        SIGNING_SERVICE
    }

    /// Whether the URL is a custom endpoint.
    pub fn is_custom(&self) -> bool {
        self.custom
    }
}

/// The DNS suffix of a region's partition.
pub fn dns_suffix(region: &str, dual_stack: bool) -> &'static str {
    match (
        region.starts_with("cn-"),
        region.starts_with("eusc-"),
        dual_stack,
    ) {
        (true, _, false) => "amazonaws.com.cn",
        (true, _, true) => "api.amazonwebservices.com.cn",
        (_, true, false) => "amazonaws.eu",
        (_, true, true) => "api.amazonwebservices.eu",
        (false, false, false) => "amazonaws.com",
        (false, false, true) => "api.aws",
    }
}

fn standard_url(region: &str, fips: bool, dual_stack: bool) -> String {
    let prefix = if fips {
        "bedrock-runtime-fips"
    } else {
        "bedrock-runtime"
    };
    format!(
        "https://{prefix}.{region}.{}",
        dns_suffix(region, dual_stack)
    )
}

/// Validates a custom endpoint: `https://`, or `http://` to a loopback host (or when allowed);
/// no query or fragment; the trailing slash removed.
pub(crate) fn validate_custom(raw: &str, allow_http: bool) -> Result<String, Error> {
    // Errors never quote the URL as given: it may carry a user name and password.
    let shown = redact_userinfo(raw.trim());
    let url = reqwest::Url::parse(raw.trim())
        .map_err(|e| Error::configuration(format!("invalid endpoint URL {shown:?}: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| Error::configuration(format!("endpoint URL {shown:?} has no host")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_http || is_loopback_host(host) => {}
        "http" => {
            return Err(Error::configuration(format!(
                "endpoint URL {shown:?} uses plain http to a non-loopback host; use https or allow http explicitly"
            )));
        }
        other => {
            return Err(Error::configuration(format!(
                "endpoint URL {shown:?} has unsupported scheme {other:?}"
            )));
        }
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(Error::configuration(format!(
            "endpoint URL {shown:?} must not contain credentials, a query or a fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// `scheme://user:pass@host/...` → `scheme://<redacted>@host/...`. Everything up to the last `@`
/// is hidden, since a password may itself hold `/` or `?` and fool an authority parser; a URL
/// without `@` is shown as given.
fn redact_userinfo(raw: &str) -> String {
    let (scheme, rest) = raw.split_once("://").unwrap_or(("", raw));
    match rest.rfind('@') {
        Some(at) => {
            let sep = if scheme.is_empty() { "" } else { "://" };
            format!("{scheme}{sep}<redacted>{}", &rest[at..])
        }
        None => raw.to_owned(),
    }
}

/// Whether a host names the loopback interface.
pub(crate) fn is_loopback_host(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_info_is_redacted_from_shown_urls() {
        assert_eq!(
            redact_userinfo("https://AKID:secret@host.example/p?q"),
            "https://<redacted>@host.example/p?q"
        );
        assert_eq!(
            redact_userinfo("https://AKID:se/cr?et@host.example"),
            "https://<redacted>@host.example"
        );
        assert_eq!(
            redact_userinfo("https://host.example/a"),
            "https://host.example/a"
        );
        assert_eq!(redact_userinfo("user:pw@host"), "<redacted>@host");
    }

    fn url(region: &str, fips: bool, ds: bool) -> String {
        let mut s = EndpointSettings::new(region);
        s.use_fips = fips;
        s.use_dual_stack = ds;
        Endpoint::resolve(&s)
            .map(|e| e.url().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn partition_suffixes() {
        assert_eq!(
            url("us-east-1", false, false),
            "https://bedrock-runtime.us-east-1.amazonaws.com"
        );
        assert_eq!(
            url("eusc-de-east-1", false, false),
            "https://bedrock-runtime.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(
            url("us-east-1", false, true),
            "https://bedrock-runtime.us-east-1.api.aws"
        );
        assert_eq!(
            url("us-gov-west-1", true, false),
            "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com"
        );
    }

    #[test]
    fn region_order() {
        let env = Env::empty()
            .with_var("AWS_REGION", "a-1")
            .with_var("AWS_DEFAULT_REGION", "b-1");
        assert_eq!(
            resolve_region(Some("x-1"), &env, Some("p-1"), Some("j-1"), None).1,
            RegionSource::Explicit
        );
        assert_eq!(resolve_region(None, &env, Some("p-1"), None, None).0, "a-1");
        let env = Env::empty();
        assert_eq!(
            resolve_region(None, &env, Some("p-1"), Some("j-1"), None).1,
            RegionSource::Profile
        );
        assert_eq!(
            resolve_region(None, &env, None, Some("j-1"), None).1,
            RegionSource::BedrockJson
        );
        assert_eq!(
            resolve_region(None, &env, None, None, Some("amazon.nova-lite-v1:0")),
            (DEFAULT_REGION.to_owned(), RegionSource::Default)
        );
    }

    #[test]
    fn env_custom_endpoint_order_and_http_rules() {
        let env = Env::empty()
            .with_var("AWS_ENDPOINT_URL", "https://generic.example")
            .with_var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:9000/");
        let s = EndpointSettings::new("us-east-1").with_env(&env);
        let e = Endpoint::resolve(&s).ok();
        assert_eq!(e.as_ref().map(Endpoint::url), Some("http://127.0.0.1:9000"));
        assert!(e.is_some_and(|e| e.is_custom()));
        let env = Env::empty().with_var("AWS_ENDPOINT_URL", "https://generic.example/prefix");
        let s = EndpointSettings::new("us-east-1").with_env(&env);
        assert_eq!(
            Endpoint::resolve(&s)
                .ok()
                .map(|e| e.url().to_owned())
                .as_deref(),
            Some("https://generic.example/prefix")
        );
        let mut s = EndpointSettings::new("us-east-1");
        s.custom_url = Some("http://10.0.0.1".into());
        assert!(Endpoint::resolve(&s).is_err());
        s.allow_http = true;
        assert!(Endpoint::resolve(&s).is_ok());
        s.custom_url = Some("https://user:pw@host".into());
        assert!(Endpoint::resolve(&s).is_err());
        s.custom_url = Some("http://[::1]:8080".into());
        s.allow_http = false;
        assert!(Endpoint::resolve(&s).is_ok());
    }

    #[test]
    fn bad_regions_are_refused() {
        for r in ["", "US-EAST-1", "us-east-1.evil.com", "us east", "-us"] {
            assert!(Endpoint::resolve(&EndpointSettings::new(r)).is_err(), "{r}");
        }
    }
}
