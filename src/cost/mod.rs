//! Cost guard: per-request and per-day spending caps, and usage accounting per client.
//!
//! Every [`Client`](crate::client::Client) keeps a [`UsageLedger`]: the tokens and the cost of
//! every answered request, by model and by UTC day, readable at any time
//! ([`Client::usage`](crate::client::Client::usage)) and safe under concurrent calls. Prices come
//! from the model table ([`crate::models::PriceTable`], with the caller's overrides; unknown models
//! use [`crate::models::FALLBACK_PRICE`]).
//!
//! A [`CostGuard`] on the builder adds caps in USD: `per_request` and `per_day` (the UTC day of
//! the injected clock), both optional. Before a request is sent its worst case is estimated
//! ([`CostGuard::estimate`]):
//!
//! - **input tokens**: the serialized request body's length in bytes divided by
//!   [`CostGuard::bytes_per_token`] (default 4), rounded up; or, when the caller opts in with
//!   [`InputEstimate::CountTokens`], the count Bedrock's CountTokens returns (if that call fails,
//!   the byte rule is used). When the body asks for prompt caching (`cachePoint` or
//!   `cache_control`), input is priced at the higher of the input and cache-write prices.
//! - **output tokens**: the `max_tokens` actually sent (after the translator's adjustments, e.g. a
//!   reasoning budget), else the request's `max_tokens`, else [`DEFAULT_MAX_OUTPUT_TOKENS`]
//!   (configurable with [`CostGuard::default_max_tokens`]).
//!
//! A request is refused with an [`Error`](crate::error::Error) of kind
//! [`ErrorKind::BudgetExceeded`](crate::error::ErrorKind::BudgetExceeded) (details in
//! [`BudgetExceeded`]) when its estimate is above the per-request cap, or when what the day has
//! been charged plus the estimates of requests still in flight plus its own estimate is above the
//! per-day cap. Landing exactly on a cap is allowed. Amounts are kept in integer pico-dollars
//! ([`Usd`]), so the boundary is exact.
//!
//! # Concurrency bound
//!
//! The check and the reservation of the estimate happen under one lock, and the reservation is
//! released when the request is settled with its real usage. So at every instant, for the
//! current UTC day D:
//!
//! `charged(D) + reserved(D) <= per_day`, counting only requests admitted while that held,
//!
//! and therefore `charged(D) <= per_day + Σ max(0, actual_i - estimate_i)` over the requests
//! admitted on D. When every estimate is an upper bound (output is bounded by `max_tokens`;
//! input measured by CountTokens, or over-counted by the byte rule, as it is for ordinary text
//! because the body's JSON keys count too), concurrent requests together never pass the day cap
//! at all, which is stronger than "by at most one request's estimate". Requests count against
//! the day they were admitted on, even if they finish after midnight. [`UsageLedger::reset`]
//! clears the charged totals, not the reservations of requests still in flight.
//!
//! ```
//! use bedrock_wire::client::{Client, Env};
//! use bedrock_wire::cost::CostGuard;
//! let client = Client::builder()
//!     .env(Env::empty())
//!     .region("us-east-1")
//!     .bearer_token("k")
//!     .cost_guard(CostGuard::new().per_request(0.50).per_day(20.0))
//!     .build()?;
//! assert_eq!(client.usage().total().requests, 0);
//! assert_eq!(client.usage().guard().per_day_cap().map(|c| c.usd()), Some(20.0));
//! # Ok::<(), bedrock_wire::error::Error>(())
//! ```

mod estimate;
mod ledger;
mod money;

pub use estimate::{DEFAULT_BYTES_PER_TOKEN, DEFAULT_MAX_OUTPUT_TOKENS, Estimate, InputEstimate};
pub use ledger::{BudgetExceeded, Cap, Reservation, Totals, UsageLedger, UsageSnapshot};
pub use money::Usd;

use crate::models::{Price, PriceTable};

/// Spending caps and the estimation rules (see the [module docs](self)).
///
/// ```
/// use bedrock_wire::cost::{CostGuard, InputEstimate};
/// use bedrock_wire::models::Price;
/// let guard = CostGuard::new()
///     .per_request(0.25)
///     .per_day(10.0)
///     .input_estimate(InputEstimate::CountTokens)
///     .price("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
///            Price { input: 2.5, output: 12.0, cache_read: 0.25, cache_write: 3.0, as_of: "2026-06-01" });
/// assert_eq!(guard.per_request_cap().map(|c| c.usd()), Some(0.25));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct CostGuard {
    per_request: Option<Usd>,
    per_day: Option<Usd>,
    prices: PriceTable,
    input: InputEstimate,
    bytes_per_token: u32,
    default_max_tokens: u32,
    error: Option<String>,
}

impl Default for CostGuard {
    fn default() -> Self {
        Self {
            per_request: None,
            per_day: None,
            prices: PriceTable::new(),
            input: InputEstimate::default(),
            bytes_per_token: DEFAULT_BYTES_PER_TOKEN,
            default_max_tokens: DEFAULT_MAX_OUTPUT_TOKENS,
            error: None,
        }
    }
}

impl CostGuard {
    /// No caps, the built-in prices, the byte rule.
    pub fn new() -> Self {
        Self::default()
    }

    fn cap(&mut self, what: &str, usd: f64) -> Option<Usd> {
        let cap = Usd::from_usd(usd);
        if cap.is_none() {
            self.error.get_or_insert_with(|| {
                format!("the {what} cap {usd} is not a finite, non-negative number of USD")
            });
        }
        cap
    }

    /// The most one request may cost (USD, worst case). Negative or non-finite values fail in
    /// `ClientBuilder::build()`.
    pub fn per_request(mut self, usd: f64) -> Self {
        self.per_request = self.cap("per-request", usd);
        self
    }

    /// The most a UTC day may cost (USD). Negative or non-finite values fail in
    /// `ClientBuilder::build()`.
    pub fn per_day(mut self, usd: f64) -> Self {
        self.per_day = self.cap("per-day", usd);
        self
    }

    /// How input tokens are estimated (default: the byte rule).
    pub fn input_estimate(mut self, how: InputEstimate) -> Self {
        self.input = how;
        self
    }

    /// Bytes per token for the byte rule (default 4; 0 is taken as 1).
    pub fn bytes_per_token(mut self, n: u32) -> Self {
        self.bytes_per_token = n.max(1);
        self
    }

    /// Output tokens assumed when a request sets no `max_tokens` (default
    /// [`DEFAULT_MAX_OUTPUT_TOKENS`]).
    pub fn default_max_tokens(mut self, n: u32) -> Self {
        self.default_max_tokens = n;
        self
    }

    /// Overrides (or adds) the price of `model` (alias, id, profile id or ARN).
    pub fn price(mut self, model: impl Into<String>, price: Price) -> Self {
        self.prices.set(model, price);
        self
    }

    /// Uses this price table (built-in prices plus its overrides).
    pub fn prices(mut self, table: PriceTable) -> Self {
        self.prices = table;
        self
    }

    /// The per-request cap.
    pub fn per_request_cap(&self) -> Option<Usd> {
        self.per_request
    }

    /// The per-day cap.
    pub fn per_day_cap(&self) -> Option<Usd> {
        self.per_day
    }

    /// Whether any cap is set (without one, nothing is estimated before sending).
    pub fn has_caps(&self) -> bool {
        self.per_request.is_some() || self.per_day.is_some()
    }

    /// The input estimation rule.
    pub fn input_rule(&self) -> InputEstimate {
        self.input
    }

    /// The price table in use.
    pub fn price_table(&self) -> &PriceTable {
        &self.prices
    }

    /// Why the settings are invalid, if they are.
    pub(crate) fn invalid(&self) -> Option<&str> {
        self.error.as_deref()
    }
}

/// The name a request is priced by: the id sent when the caller priced it explicitly, else the
/// declared base model (for ARNs that hide it), else the id sent.
pub(crate) fn price_model<'a>(
    guard: &CostGuard,
    sent: &'a str,
    base_model: Option<&'a str>,
) -> &'a str {
    match base_model {
        Some(base) if guard.prices.price(sent).1 != crate::models::PriceSource::Override => base,
        _ => sent,
    }
}
