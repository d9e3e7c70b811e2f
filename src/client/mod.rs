//! The Bedrock Runtime client: builder, signing each attempt, retries, streaming.
//!
//! ```no_run
//! use bedrock_wire::client::Client;
//! use bedrock_wire::model::ChatRequest;
//! # async fn f() -> Result<(), bedrock_wire::error::Error> {
//! let client = Client::from_env().await?;
//! let reply = client.converse(&ChatRequest::new("claude-sonnet-4-5").user("Hello")).await?;
//! println!("{}", reply.text());
//! # Ok(()) }
//! ```
//!
//! Defaults: 3 attempts (standard retry mode), connect timeout 10 s, per-attempt timeout 300 s,
//! total deadline 900 s, stream idle timeout 120 s, credential loads 5 s.

mod auth;
mod builder;
mod chat;
mod env;
mod invoke;
mod native;
mod openai;
mod request;
mod send;
mod skew;
mod tls;

use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use builder::ClientBuilder;
pub use env::Env;
pub use openai::{OpenAiChunkStream, OpenAiResponse};
pub use request::{EVENT_STREAM, JSON, Operation, PreparedRequest, encode_segment};
pub use send::{MAX_RESPONSE_BODY, RawResponse};
pub use tls::{http_client_builder, rustls_config};

use crate::clock::Clock;
use crate::endpoint::{Endpoint, EndpointSettings, RegionSource};
use crate::error::Error;
use crate::retry::{RetryConfig, RetryQuota, XorShift64};
use crate::stream::MessageStream;

/// Timeouts, all configurable on the builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP + TLS connect (default 10 s).
    pub connect: Duration,
    /// One attempt: the whole response, or a stream's response head (default 300 s).
    pub attempt: Option<Duration>,
    /// A whole call with retries; for streams, until the stream is open (default 900 s).
    pub total: Option<Duration>,
    /// No byte on a stream for this long ends it with a timeout (default 120 s).
    pub stream_idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            attempt: Some(send::DEFAULT_ATTEMPT_TIMEOUT),
            total: Some(Duration::from_secs(900)),
            stream_idle: Duration::from_secs(120),
        }
    }
}

/// A Bedrock Runtime client. Cheap to clone (one shared connection pool and credentials cache).
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    endpoint: Endpoint,
    endpoint_settings: EndpointSettings,
    region_source: RegionSource,
    auth: auth::AuthProvider,
    auth_description: String,
    clock: Arc<dyn Clock>,
    retry: RetryConfig,
    quota: RetryQuota,
    rng: Mutex<XorShift64>,
    skew: skew::SkewTracker,
    timeouts: Timeouts,
    user_agent: String,
    cross_region: bool,
    usage: Arc<crate::cost::UsageLedger>,
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the process environment and the shared config files, with its
    /// credentials loaded once (so a missing or broken source fails here).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), bedrock_wire::error::Error> {
    /// let client = bedrock_wire::client::Client::from_env().await?;
    /// println!("{} via {}", client.region(), client.auth_description());
    /// # Ok(()) }
    /// ```
    pub async fn from_env() -> Result<Self, Error> {
        let client = Self::builder().build()?;
        client.inner.auth.auth().await?;
        Ok(client)
    }

    /// The region (also the signing region).
    pub fn region(&self) -> &str {
        self.inner.endpoint.signing_region()
    }

    /// Where the region came from.
    pub fn region_source(&self) -> RegionSource {
        self.inner.region_source
    }

    /// The endpoint's base URL.
    pub fn endpoint_url(&self) -> &str {
        self.inner.endpoint.url()
    }

    /// How requests are authenticated, in one secret-free line.
    pub fn auth_description(&self) -> &str {
        &self.inner.auth_description
    }

    /// The `user-agent` sent.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }

    /// The current clock-skew correction in milliseconds (positive: the server is ahead).
    pub fn clock_skew_ms(&self) -> i64 {
        self.inner.skew.offset_ms()
    }

    /// Whether bare model ids get the geographic inference-profile prefix.
    pub fn cross_region_inference(&self) -> bool {
        self.inner.cross_region
    }

    /// This client's usage accounting and cost guard: tokens and cost by model and by UTC day,
    /// readable at any time (see [`crate::cost`]).
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// let client = Client::builder().env(Env::empty()).region("us-east-1").bearer_token("k").build()?;
    /// println!("spent so far: {}", client.usage().total().cost);
    /// # Ok::<(), bedrock_wire::error::Error>(())
    /// ```
    pub fn usage(&self) -> &crate::cost::UsageLedger {
        &self.inner.usage
    }

    /// The retry settings in effect.
    pub fn retry_config(&self) -> RetryConfig {
        self.inner.retry
    }

    /// The timeouts in effect.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The endpoint settings in effect.
    pub fn endpoint_settings(&self) -> &EndpointSettings {
        &self.inner.endpoint_settings
    }

    /// The authentication the next request would use (loads or refreshes credentials). Its
    /// `Debug` is redacted.
    pub async fn auth(&self) -> Result<sigv4::Auth, Error> {
        self.inner.auth.auth().await
    }

    /// Signs `op` now, exactly as the next attempt would send it, without sending it (for dry
    /// runs).
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env, Operation};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), bedrock_wire::error::Error> {
    /// let client = Client::builder()
    ///     .env(Env::empty())
    ///     .region("us-west-2")
    ///     .access_key("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)
    ///     .build()?;
    /// let req = client.prepare(&Operation::converse("amazon.nova-micro-v1:0", b"{}".to_vec())).await?;
    /// assert_eq!(req.url, "https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.nova-micro-v1%3A0/converse");
    /// assert!(req.header("authorization").unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    /// assert!(req.header("user-agent").unwrap().starts_with("bedrock-wire/"));
    /// # Ok(()) }
    /// ```
    pub async fn prepare(&self, op: &Operation) -> Result<PreparedRequest, Error> {
        self.inner.prepare(op).await
    }

    /// Sends a prepared request once, as is: no retry, and any HTTP status is returned rather
    /// than turned into an error.
    pub async fn send_prepared(&self, req: &PreparedRequest) -> Result<RawResponse, Error> {
        self.inner.send_prepared(req).await
    }

    /// Runs a non-streaming operation: signed per attempt, retried by the standard policy, error
    /// statuses mapped to [`Error`].
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::client::Operation;
    /// let body = br#"{"input":{"converse":{"messages":[{"role":"user","content":[{"text":"hi"}]}]}}}"#;
    /// let resp = client.send(Operation::count_tokens("anthropic.claude-3-5-haiku-20241022-v1:0", body.to_vec())).await?;
    /// println!("{}", String::from_utf8_lossy(&resp.body));
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, op: Operation) -> Result<RawResponse, Error> {
        self.inner.call(&op).await
    }

    /// Opens a streaming operation (retried until the response head arrives) and returns its
    /// Event Stream messages.
    pub async fn send_stream(&self, op: Operation) -> Result<MessageStream, Error> {
        let resp = self.inner.open(&op).await?;
        Ok(MessageStream::new(resp, self.inner.timeouts.stream_idle))
    }

    /// The delay before re-opening a stream that failed before its first event (`None`: give
    /// up): bounded by the attempt count and the retry quota.
    pub(crate) fn stream_retry_delay(&self, err: &Error, reopen: u32) -> Option<Duration> {
        if reopen >= self.inner.retry.max_attempts {
            return None;
        }
        let reason = crate::retry::classify(err).unwrap_or(crate::retry::RetryReason::Transient);
        self.inner.quota.acquire(reason)?;
        let mut rng = self
            .inner
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(self.inner.retry.delay_for(err, reopen, &mut rng))
    }
}
