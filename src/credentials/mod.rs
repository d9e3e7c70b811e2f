//! Credential sources, tried in the documented order, and the cache that refreshes them.
//!
//! # Precedence (the one place it is decided: [`resolve_auth`])
//!
//! Explicit settings beat ambient ones:
//! 1. A bearer API key given to the builder → `Authorization: Bearer`.
//! 2. Credentials given to the builder → SigV4.
//! 3. A profile named on the builder → SigV4 with that profile's credentials.
//! 4. `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`) → SigV4.
//! 5. `AWS_BEARER_TOKEN_BEDROCK` → bearer (skipped with [`AuthMode::SigV4`] or
//!    [`AuthSettings::ignore_env_bearer`]).
//! 6. The shared files' profile (`AWS_PROFILE`, else `bedrock.json`'s `profile`, else `default`):
//!    static keys, `credential_process`, `role_arn` (+ `source_profile` / `credential_source`,
//!    STS AssumeRole), `web_identity_token_file`, SSO.
//! 7. Web identity / IRSA: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`.
//! 8. Container credentials: `AWS_CONTAINER_CREDENTIALS_FULL_URI` / `_RELATIVE_URI`.
//! 9. EC2 instance metadata (IMDSv2), unless `AWS_EC2_METADATA_DISABLED=true`.
//!
//! [`AuthMode::Bearer`] requires a bearer key: from 1 or 5, or else minted from the SigV4 chain
//! (a short-term `bedrock-api-key-`, see [`bearer`]). [`AuthMode::SigV4`] never uses a bearer key.
//!
//! Temporary credentials are cached and refreshed [`REFRESH_AHEAD`] before they expire, with one
//! load in flight however many requests wait ([`CredentialsProvider`]).

pub mod bearer;
pub mod bedrock_json;
mod cache;
mod chain;
mod container;
mod environment;
pub(crate) mod http;
mod imds;
mod process;
pub mod profile;
mod sso;
mod sts;
mod xml;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use cache::CredentialsProvider;
pub use chain::Source;
pub use container::ContainerConfig;
pub use sso::SsoConfig;
pub use sts::AssumeRole;

use crate::client::Env;
use crate::clock::Clock;
use crate::error::Error;

/// How long before expiry cached credentials (and minted keys) are refreshed.
pub const REFRESH_AHEAD: Duration = Duration::from_secs(5 * 60);
/// The default timeout of one credential-source load.
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(5);

/// AWS credentials with their expiry and where they came from.
///
/// `Debug` shows the access key id, expiry and source only.
///
/// ```
/// use bedrock_wire::credentials::AwsCredentials;
/// let c = AwsCredentials::new(sigv4::Credentials::new("AKID", "planted-secret", None), None, "test");
/// assert!(!format!("{c:?}").contains("planted-secret"));
/// ```
#[derive(Clone)]
pub struct AwsCredentials {
    credentials: sigv4::Credentials,
    expires_at: Option<SystemTime>,
    source: &'static str,
}

impl AwsCredentials {
    /// Wraps credentials.
    pub fn new(
        credentials: sigv4::Credentials,
        expires_at: Option<SystemTime>,
        source: &'static str,
    ) -> Self {
        Self {
            credentials,
            expires_at,
            source,
        }
    }

    /// The credentials.
    pub fn credentials(&self) -> &sigv4::Credentials {
        &self.credentials
    }

    /// When they expire (`None`: long-term).
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The source's name (`environment`, `profile`, `imds`, ...).
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether they should be refreshed at `now` (within [`REFRESH_AHEAD`] of expiry).
    pub fn needs_refresh(&self, now: SystemTime) -> bool {
        self.expires_at
            .is_some_and(|exp| exp.checked_sub(REFRESH_AHEAD).is_none_or(|t| now >= t))
    }

    /// Whether they have expired at `now`.
    pub fn is_expired(&self, now: SystemTime) -> bool {
        self.expires_at.is_some_and(|exp| now >= exp)
    }
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.credentials.access_key_id())
            .field("expires_at", &self.expires_at)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

/// Which authentication the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// Follow the documented precedence.
    #[default]
    Auto,
    /// Always SigV4; bearer keys (explicit or ambient) are an error or ignored.
    SigV4,
    /// Always a bearer key: given, from `AWS_BEARER_TOKEN_BEDROCK`, or minted from IAM credentials.
    Bearer,
}

/// The caller's authentication settings (what the builder collected).
#[derive(Clone, Default)]
pub struct AuthSettings {
    /// The mode.
    pub mode: AuthMode,
    /// Explicit SigV4 credentials.
    pub credentials: Option<sigv4::Credentials>,
    /// An explicit bearer API key.
    pub bearer: Option<sigv4::BearerToken>,
    /// An explicit profile name.
    pub profile: Option<String>,
    /// Ignore an ambient `AWS_BEARER_TOKEN_BEDROCK`.
    pub ignore_env_bearer: bool,
    /// Mint short-term bearer keys of this lifetime from the SigV4 chain (implied by
    /// [`AuthMode::Bearer`] when no key is found, with [`bearer::DEFAULT_LIFETIME`]).
    pub mint_bearer: Option<Duration>,
}

impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field("mode", &self.mode)
            .field("credentials", &self.credentials)
            .field("bearer", &self.bearer)
            .field("profile", &self.profile)
            .field("ignore_env_bearer", &self.ignore_env_bearer)
            .field("mint_bearer", &self.mint_bearer)
            .finish()
    }
}

/// What [`resolve_auth`] decided.
#[derive(Debug, Clone)]
pub enum ResolvedAuth {
    /// A bearer key and where it came from (`builder` or `AWS_BEARER_TOKEN_BEDROCK`).
    Bearer(sigv4::BearerToken, &'static str),
    /// SigV4 with credentials from this source.
    SigV4(Source),
    /// Bearer keys of this lifetime minted from this SigV4 source.
    MintedBearer(Source, Duration),
}

impl ResolvedAuth {
    /// A one-line, secret-free description ("bearer key from AWS_BEARER_TOKEN_BEDROCK", ...).
    pub fn describe(&self) -> String {
        match self {
            Self::Bearer(_, origin) => format!("bearer key from {origin}"),
            Self::SigV4(s) => format!("SigV4 with {}", s.describe()),
            Self::MintedBearer(s, life) => format!(
                "short-term bearer keys ({} s) minted from {}",
                life.as_secs(),
                s.describe()
            ),
        }
    }
}

/// The profile name in effect: the builder's, `AWS_PROFILE`, `bedrock.json`'s, else `default`.
pub fn profile_name(
    settings: &AuthSettings,
    env: &Env,
    bedrock_json: &bedrock_json::BedrockJson,
) -> (String, bool) {
    if let Some(p) = settings.profile.as_deref().filter(|p| !p.is_empty()) {
        return (p.to_owned(), true);
    }
    if let Some(p) = env
        .get("AWS_PROFILE")
        .or_else(|| env.get("AWS_DEFAULT_PROFILE"))
    {
        return (p.to_owned(), true);
    }
    if let Some(p) = bedrock_json.profile.as_deref() {
        return (p.to_owned(), true);
    }
    ("default".to_owned(), false)
}

/// Decides the authentication in the documented order (see the module docs).
///
/// ```
/// use bedrock_wire::client::Env;
/// use bedrock_wire::credentials::{resolve_auth, AuthMode, AuthSettings, ResolvedAuth};
/// use bedrock_wire::credentials::{bedrock_json::BedrockJson, profile::ProfileSet};
/// let env = Env::empty()
///     .with_var("AWS_BEARER_TOKEN_BEDROCK", "stale-ambient-key")
///     .with_var("AWS_EC2_METADATA_DISABLED", "true");
/// let files = ProfileSet::parse("", "[default]\naws_access_key_id=AKID\naws_secret_access_key=S\n");
/// // Ambient bearer beats the default profile...
/// let auto = resolve_auth(&AuthSettings::default(), &env, &files, &BedrockJson::default()).unwrap();
/// assert!(matches!(auto, ResolvedAuth::Bearer(_, "AWS_BEARER_TOKEN_BEDROCK")));
/// // ...unless the caller forces SigV4 or ignores it.
/// let settings = AuthSettings { mode: AuthMode::SigV4, ..Default::default() };
/// let sigv4 = resolve_auth(&settings, &env, &files, &BedrockJson::default()).unwrap();
/// assert!(matches!(sigv4, ResolvedAuth::SigV4(_)));
/// ```
pub fn resolve_auth(
    settings: &AuthSettings,
    env: &Env,
    files: &profile::ProfileSet,
    bedrock_json: &bedrock_json::BedrockJson,
) -> Result<ResolvedAuth, Error> {
    let mode = settings.mode;
    if mode == AuthMode::SigV4 && settings.bearer.is_some() {
        return Err(Error::configuration(
            "a bearer key was given but the auth mode is SigV4",
        ));
    }
    if mode == AuthMode::Auto && settings.bearer.is_some() && settings.credentials.is_some() {
        return Err(Error::configuration(
            "both a bearer key and SigV4 credentials were given: choose one with auth_mode()",
        ));
    }
    // 1. An explicit bearer key.
    if let Some(token) = &settings.bearer {
        return Ok(ResolvedAuth::Bearer(token.clone(), "builder"));
    }
    let wants_bearer = mode == AuthMode::Bearer;
    let env_bearer = (mode != AuthMode::SigV4 && !settings.ignore_env_bearer)
        .then(|| env.get("AWS_BEARER_TOKEN_BEDROCK"))
        .flatten()
        .map(|t| sigv4::BearerToken::new(t.trim()));
    // Explicit SigV4 sources (2, 3) beat the ambient bearer key; in bearer mode an ambient key
    // still beats minting.
    let explicit_source = if let Some(creds) = &settings.credentials {
        Some(Source::Static(AwsCredentials::new(
            creds.clone(),
            None,
            "builder",
        )))
    } else if let Some(name) = settings.profile.as_deref().filter(|p| !p.is_empty()) {
        Some(chain::from_profile(files, name, env)?.ok_or_else(|| {
            Error::credentials(format!("profile {name:?} has no credentials configured"))
        })?)
    } else {
        None
    };
    let finish = |source: Source| -> ResolvedAuth {
        match (wants_bearer, settings.mint_bearer) {
            (_, Some(life)) => ResolvedAuth::MintedBearer(source, life),
            (true, None) => ResolvedAuth::MintedBearer(source, bearer::DEFAULT_LIFETIME),
            (false, None) => ResolvedAuth::SigV4(source),
        }
    };
    if let Some(source) = explicit_source {
        if wants_bearer && let Some(t) = env_bearer {
            return Ok(ResolvedAuth::Bearer(t, "AWS_BEARER_TOKEN_BEDROCK"));
        }
        return Ok(finish(source));
    }
    // 4. Environment keys (in bearer mode an ambient key wins over minting).
    if let Some(source) = environment::from_env(env)? {
        if wants_bearer && let Some(t) = env_bearer {
            return Ok(ResolvedAuth::Bearer(t, "AWS_BEARER_TOKEN_BEDROCK"));
        }
        return Ok(finish(Source::Static(source)));
    }
    // 5. The ambient bearer key.
    if let Some(t) = env_bearer {
        return Ok(ResolvedAuth::Bearer(t, "AWS_BEARER_TOKEN_BEDROCK"));
    }
    // 6.-9. The rest of the chain.
    let (name, named) = profile_name(settings, env, bedrock_json);
    if named && files.profile(&name).is_none() && env.get("AWS_PROFILE").is_some() {
        return Err(Error::credentials(format!(
            "AWS_PROFILE names profile {name:?}, which is in neither the config nor the credentials file"
        )));
    }
    if let Some(source) = chain::from_profile(files, &name, env)? {
        return Ok(finish(source));
    }
    if let Some(source) = chain::web_identity_from_env(env, files.get(&name, "region"))? {
        return Ok(finish(source));
    }
    if let Some(source) = container::from_env(env)? {
        return Ok(finish(source));
    }
    if env.flag("AWS_EC2_METADATA_DISABLED") != Some(true) {
        return Ok(finish(imds::from_env(env)?));
    }
    Err(Error::credentials(
        "no credentials found: checked the builder, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
         AWS_BEARER_TOKEN_BEDROCK, the shared config and credentials files, web identity, container \
         credentials, and instance metadata (disabled by AWS_EC2_METADATA_DISABLED)",
    ))
}

/// What loading needs: an HTTP client, the clock, the environment (for endpoint overrides) and
/// the per-load timeout.
#[derive(Clone)]
pub struct LoadContext {
    pub(crate) http: reqwest::Client,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) env: Env,
    pub(crate) timeout: Duration,
    pub(crate) region: String,
}

impl LoadContext {
    /// A context from its parts.
    ///
    /// `region` is used by STS and SSO calls whose profile names no region.
    pub fn new(
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
        env: Env,
        timeout: Duration,
        region: impl Into<String>,
    ) -> Self {
        Self {
            http,
            clock,
            env,
            timeout,
            region: region.into(),
        }
    }
}

impl fmt::Debug for LoadContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadContext")
            .field("clock", &self.clock)
            .field("env", &self.env)
            .field("timeout", &self.timeout)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Parses an RFC 3339 timestamp (`2026-11-21T23:00:00Z`), as credential expirations are written.
pub(crate) fn parse_rfc3339(s: &str) -> Result<SystemTime, crate::datetime::DateTimeError> {
    crate::datetime::parse_rfc3339(s)
}

/// Parses the JSON credential shape shared by `credential_process`, container and IMDS
/// responses: `AccessKeyId`, `SecretAccessKey`, `SessionToken` or `Token`, `Expiration`.
pub(crate) fn parse_json_credentials(
    body: &[u8],
    what: &str,
    source: &'static str,
) -> Result<AwsCredentials, Error> {
    let v: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| Error::credentials(format!("{what}: {}", http::json_failure(&e))))?;
    let s = |k: &str| {
        v.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    if let Some(code) = s("Code").filter(|c| *c != "Success") {
        return Err(Error::credentials(format!(
            "{what}: returned Code {code:?}: {}",
            s("Message").unwrap_or("")
        )));
    }
    let (Some(ak), Some(sk)) = (s("AccessKeyId"), s("SecretAccessKey")) else {
        return Err(Error::credentials(format!(
            "{what}: response lacks AccessKeyId or SecretAccessKey"
        )));
    };
    let token = s("SessionToken").or_else(|| s("Token")).map(str::to_owned);
    let expires_at = match s("Expiration") {
        Some(e) => Some(
            parse_rfc3339(e)
                .map_err(|err| Error::credentials(format!("{what}: Expiration {e:?}: {err}")))?,
        ),
        None => None,
    };
    Ok(AwsCredentials::new(
        sigv4::Credentials::new(ak, sk, token),
        expires_at,
        source,
    ))
}
