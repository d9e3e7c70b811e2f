//! The consuming client builder; fallible settings report their error from `build()`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::auth::AuthProvider;
use super::skew::SkewTracker;
use super::{Client, Env, Inner, Timeouts};
use crate::clock::{Clock, SystemClock};
use crate::credentials::bearer::BearerMinter;
use crate::credentials::bedrock_json::BedrockJson;
use crate::credentials::profile::ProfileSet;
use crate::credentials::{
    AuthMode, AuthSettings, CredentialsProvider, DEFAULT_LOAD_TIMEOUT, LoadContext, ResolvedAuth,
    profile_name, resolve_auth,
};
use crate::endpoint::{Endpoint, EndpointSettings, resolve_region};
use crate::error::Error;
use crate::retry::{RetryConfig, RetryQuota, XorShift64};

/// Builds a [`Client`]. Every setting is optional; unset ones come from the environment and the
/// shared config files (see [`crate::credentials`] and [`crate::endpoint`] for the order).
///
/// ```
/// use bedrock_wire::client::{Client, Env};
/// use std::time::Duration;
/// let client = Client::builder()
///     .env(Env::empty())
///     .region("eu-west-1")
///     .bearer_token("bedrock-api-key-example")
///     .max_attempts(5)
///     .stream_idle_timeout(Duration::from_secs(300))
///     .build()?;
/// assert_eq!(client.region(), "eu-west-1");
/// assert_eq!(client.endpoint_url(), "https://bedrock-runtime.eu-west-1.amazonaws.com");
/// # Ok::<(), bedrock_wire::error::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    env: Option<Env>,
    region: Option<String>,
    endpoint_url: Option<String>,
    use_fips: Option<bool>,
    use_dual_stack: Option<bool>,
    allow_http: bool,
    auth: AuthSettings,
    http: Option<reqwest::Client>,
    clock: Option<Arc<dyn Clock>>,
    max_attempts: Option<u32>,
    retry: RetryConfig,
    timeouts: Timeouts,
    credentials_timeout: Duration,
    seed: Option<u64>,
    cross_region: bool,
    user_agent_suffix: Option<String>,
    cost_guard: Option<crate::cost::CostGuard>,
    error: Option<Error>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("auth", &self.auth)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            env: None,
            region: None,
            endpoint_url: None,
            use_fips: None,
            use_dual_stack: None,
            allow_http: false,
            auth: AuthSettings::default(),
            http: None,
            clock: None,
            max_attempts: None,
            retry: RetryConfig::default(),
            timeouts: Timeouts::default(),
            credentials_timeout: DEFAULT_LOAD_TIMEOUT,
            seed: None,
            cross_region: true,
            user_agent_suffix: None,
            cost_guard: None,
            error: None,
        }
    }
}

impl ClientBuilder {
    fn fail(mut self, e: Error) -> Self {
        self.error.get_or_insert(e);
        self
    }

    /// The environment to read instead of the process's (tests pass an explicit [`Env`]).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// The region (also the signing region). Invalid names fail in `build()`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A custom endpoint (VPC endpoint, proxy, replay server); signing keeps the region and the
    /// service `bedrock`. Validated in `build()`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Use the FIPS endpoint.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.use_fips = Some(on);
        self
    }

    /// Use the dual-stack endpoint.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.use_dual_stack = Some(on);
        self
    }

    /// Allow a plain `http://` custom endpoint to a non-loopback host.
    pub fn allow_http(mut self, on: bool) -> Self {
        self.allow_http = on;
        self
    }

    /// Explicit SigV4 credentials (they beat everything ambient).
    pub fn credentials(mut self, creds: sigv4::Credentials) -> Self {
        self.auth.credentials = Some(creds);
        self
    }

    /// Explicit SigV4 credentials from their parts.
    pub fn access_key(
        self,
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.credentials(sigv4::Credentials::new(
            access_key_id,
            secret_access_key,
            session_token,
        ))
    }

    /// An explicit Bedrock API key (`Authorization: Bearer`).
    pub fn bearer_token(mut self, key: impl Into<String>) -> Self {
        let key = key.into();
        if key.trim().is_empty() {
            return self.fail(Error::configuration("the bearer key is empty"));
        }
        self.auth.bearer = Some(sigv4::BearerToken::new(key.trim()));
        self
    }

    /// A profile of the shared config files (beats ambient environment credentials).
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.auth.profile = Some(name.into());
        self
    }

    /// Force SigV4 or bearer authentication.
    pub fn auth_mode(mut self, mode: AuthMode) -> Self {
        self.auth.mode = mode;
        self
    }

    /// Ignore an ambient `AWS_BEARER_TOKEN_BEDROCK`.
    pub fn ignore_env_bearer_token(mut self, ignore: bool) -> Self {
        self.auth.ignore_env_bearer = ignore;
        self
    }

    /// Authenticate with short-term bearer keys of this lifetime (at most 12 h) minted from the
    /// SigV4 credentials and renewed before they expire.
    pub fn mint_bearer_tokens(mut self, lifetime: Duration) -> Self {
        if lifetime.is_zero() {
            return self.fail(Error::configuration("the bearer key lifetime is zero"));
        }
        self.auth.mint_bearer = Some(lifetime);
        self
    }

    /// Use this `reqwest::Client` (its own TLS, proxy and connect-timeout settings apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The clock (tests pass a [`crate::clock::ManualClock`]).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Attempts per call, the first included (default 3, or `AWS_MAX_ATTEMPTS`). Zero fails in
    /// `build()`.
    pub fn max_attempts(mut self, n: u32) -> Self {
        if n == 0 {
            return self.fail(Error::configuration("max_attempts must be at least 1"));
        }
        self.max_attempts = Some(n);
        self
    }

    /// Backoff settings (the attempt count is [`max_attempts`](Self::max_attempts)).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// The seed of the jitter generator (default: from the clock).
    pub fn retry_seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// TCP + TLS connect timeout (default 10 s; ignored with [`http_client`](Self::http_client)).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.timeouts.connect = d;
        self
    }

    /// Per-attempt timeout: the whole response for non-streaming calls, the response head for
    /// streams (default 300 s).
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.timeouts.attempt = Some(d);
        self
    }

    /// Total deadline of a call, retries and backoff included; for streams, until the stream is
    /// open (default 900 s).
    pub fn total_timeout(mut self, d: Duration) -> Self {
        self.timeouts.total = Some(d);
        self
    }

    /// A stream that receives no byte for this long ends with a timeout error (default 120 s).
    pub fn stream_idle_timeout(mut self, d: Duration) -> Self {
        if d.is_zero() {
            return self.fail(Error::configuration("the stream idle timeout is zero"));
        }
        self.timeouts.stream_idle = d;
        self
    }

    /// The timeout of one credential-source load (default 5 s).
    pub fn credentials_timeout(mut self, d: Duration) -> Self {
        self.credentials_timeout = d;
        self
    }

    /// Add the geographic inference-profile prefix to bare model ids that need one (default on).
    pub fn cross_region_inference(mut self, on: bool) -> Self {
        self.cross_region = on;
        self
    }

    /// Appended to the `user-agent` (`bedrock-wire/<version> <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Spending caps checked before each chat request (see [`crate::cost`]). Without one, usage
    /// is still accounted ([`Client::usage`]) but nothing is refused. Invalid caps fail in
    /// `build()`.
    pub fn cost_guard(mut self, guard: crate::cost::CostGuard) -> Self {
        if let Some(why) = guard.invalid() {
            let e = Error::configuration(why);
            return self.fail(e);
        }
        self.cost_guard = Some(guard);
        self
    }

    /// Builds the client: resolves region, endpoint and authentication (without network I/O).
    pub fn build(self) -> Result<Client, Error> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let env = self.env.unwrap_or_else(Env::from_process);
        let explicit_auth = self.auth.credentials.is_some() || self.auth.bearer.is_some();
        let files = match ProfileSet::load(&env) {
            Ok(f) => f,
            Err(_) if explicit_auth && self.region.is_some() => ProfileSet::default(),
            Err(e) => return Err(e),
        };
        let json = match BedrockJson::load(&env) {
            Ok(j) => j,
            Err(_) if explicit_auth && self.region.is_some() => BedrockJson::default(),
            Err(e) => return Err(e),
        };
        let (profile, _) = profile_name(&self.auth, &env, &json);
        let pget = |k: &str| files.get(&profile, k);
        let (region, region_source) = resolve_region(
            self.region.as_deref(),
            &env,
            pget("region"),
            json.region.as_deref(),
            None,
        );
        let mut settings = EndpointSettings::new(region.clone());
        settings.custom_url.clone_from(&self.endpoint_url);
        settings.allow_http = self.allow_http;
        // Builder, then environment, then profile.
        let settings = settings.with_env(&env);
        let settings = EndpointSettings {
            use_fips: self.use_fips.unwrap_or(
                settings.use_fips || profile_flag(&files, &profile, "use_fips_endpoint"),
            ),
            use_dual_stack: self.use_dual_stack.unwrap_or(
                settings.use_dual_stack || profile_flag(&files, &profile, "use_dualstack_endpoint"),
            ),
            ..settings
        };
        let endpoint = Endpoint::resolve(&settings)?;
        let resolved = resolve_auth(&self.auth, &env, &files, &json)?;
        let http = match self.http {
            Some(h) => h,
            None => super::http_client_builder()?
                .connect_timeout(self.timeouts.connect)
                .pool_idle_timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| Error::configuration(format!("cannot build the HTTP client: {e}")))?,
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let max_attempts = match self.max_attempts {
            Some(n) => n,
            None => match env.get("AWS_MAX_ATTEMPTS").or_else(|| pget("max_attempts")) {
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        Error::configuration(format!(
                            "AWS_MAX_ATTEMPTS / max_attempts {v:?} is not a positive integer"
                        ))
                    })?,
                None => RetryConfig::default().max_attempts,
            },
        };
        let retry = RetryConfig {
            max_attempts,
            ..self.retry
        };
        let auth_description = resolved.describe();
        let ctx = LoadContext::new(
            http.clone(),
            clock.clone(),
            env.clone(),
            self.credentials_timeout,
            region.clone(),
        );
        let auth = match resolved {
            ResolvedAuth::Bearer(t, _) => AuthProvider::Bearer(t),
            ResolvedAuth::SigV4(source) => {
                AuthProvider::SigV4(Arc::new(CredentialsProvider::new(source, ctx)))
            }
            ResolvedAuth::MintedBearer(source, life) => {
                let provider = Arc::new(CredentialsProvider::new(source, ctx));
                AuthProvider::Minted(Arc::new(BearerMinter::new(
                    provider,
                    region.clone(),
                    life,
                    clock.clone(),
                )))
            }
        };
        let seed = self
            .seed
            .unwrap_or_else(|| XorShift64::from_time(clock.now()).next_u64());
        let mut user_agent = format!("bedrock-wire/{}", env!("CARGO_PKG_VERSION"));
        if let Some(s) = self.user_agent_suffix.filter(|s| !s.trim().is_empty()) {
            user_agent.push(' ');
            user_agent.push_str(s.trim());
        }
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                endpoint_settings: settings,
                region_source,
                auth,
                auth_description,
                clock: clock.clone(),
                retry,
                quota: RetryQuota::default(),
                rng: Mutex::new(XorShift64::new(seed)),
                skew: SkewTracker::default(),
                timeouts: self.timeouts,
                user_agent,
                cross_region: self.cross_region,
                usage: Arc::new(crate::cost::UsageLedger::new(
                    self.cost_guard.unwrap_or_default(),
                    clock,
                )),
            }),
        })
    }
}

fn profile_flag(files: &ProfileSet, profile: &str, key: &str) -> bool {
    files
        .get(profile, key)
        .and_then(super::env::parse_bool)
        .unwrap_or(false)
}
