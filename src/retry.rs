//! Retry policy: standard mode, backoff with full jitter, retry quota.
//!
//! The policy follows the SDKs' "standard" retry mode:
//! - at most [`RetryConfig::max_attempts`] attempts (3 by default; `AWS_MAX_ATTEMPTS`; the builder),
//! - the delay before retry `n` (1-based) is uniformly random in `[0, min(max_backoff, initial_backoff * 2^(n-1))]`
//!   ("full jitter"), or the server's `Retry-After` when it sent one (capped by `max_retry_after`),
//! - a client-wide retry quota ([`RetryQuota`], a token bucket of 500: a retry costs 5, a retry
//!   after a timeout 10, a success gives 1 back) so an outage does not multiply the load.
//!
//! What is retried ([`classify`]): throttling (429, `ThrottlingException`), `ModelNotReadyException`,
//! `ServiceUnavailableException`, `InternalServerException`, `ModelStreamErrorException`, 500/502/503/504
//! without a code, and connection errors or timeouts that happened before any response byte. Never
//! `ValidationException`, `AccessDeniedException`, `ResourceNotFoundException` or anything else.
//!
//! Randomness comes from a tiny xorshift generator ([`XorShift64`]), seeded from the clock by the
//! client and injectable for tests.
//!
//! ```
//! use bedrock_wire::retry::{RetryConfig, XorShift64};
//! use std::time::Duration;
//! let config = RetryConfig::default();
//! assert_eq!(config.max_attempts, 3);
//! let mut rng = XorShift64::new(42);
//! let d = config.backoff(1, &mut rng);
//! assert!(d <= Duration::from_secs(1));
//! ```

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::{Error, ErrorKind};

/// Why an error may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryReason {
    /// The service throttled the request.
    Throttling,
    /// A transient server-side or connection failure.
    Transient,
    /// A timeout before any response byte.
    Timeout,
}

/// Whether (and why) the standard policy retries `err`.
///
/// ```
/// use bedrock_wire::error::Error;
/// use bedrock_wire::retry::{classify, RetryReason};
/// let e = Error::from_service_parts(503, Some("ServiceUnavailableException"), None, b"{}");
/// assert_eq!(classify(&e), Some(RetryReason::Transient));
/// let e = Error::from_service_parts(400, Some("ValidationException"), None, b"{}");
/// assert_eq!(classify(&e), None);
/// ```
pub fn classify(err: &Error) -> Option<RetryReason> {
    match err.kind() {
        ErrorKind::Service | ErrorKind::StreamException => {
            if err.is_throttling() {
                return Some(RetryReason::Throttling);
            }
            match err.code() {
                Some(code) => {
                    const TRANSIENT: [&str; 7] = [
                        "ModelNotReadyException",
                        "ServiceUnavailableException",
                        "InternalServerException",
                        "InternalFailure",
                        "InternalServerError",
                        "ModelStreamErrorException",
                        "RequestTimeoutException",
                    ];
                    TRANSIENT
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(code))
                        .then_some(RetryReason::Transient)
                }
                None => matches!(err.status(), Some(500 | 502 | 503 | 504))
                    .then_some(RetryReason::Transient),
            }
        }
        ErrorKind::Transport if !err.response_started() => Some(RetryReason::Transient),
        ErrorKind::Timeout if !err.response_started() => Some(RetryReason::Timeout),
        _ => None,
    }
}

/// Retry settings (standard mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// Attempts in total, the first included (1 disables retries). Default 3.
    pub max_attempts: u32,
    /// The backoff ceiling of the first retry. Default 1 s.
    pub initial_backoff: Duration,
    /// The cap on any computed backoff. Default 20 s.
    pub max_backoff: Duration,
    /// The cap on a server-requested `Retry-After`. Default 60 s.
    pub max_retry_after: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryConfig {
    /// The full-jitter backoff before retry number `retry` (1-based).
    pub fn backoff(&self, retry: u32, rng: &mut XorShift64) -> Duration {
        let exp = retry.saturating_sub(1).min(30);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff);
        ceiling.mul_f64(rng.next_f64())
    }

    /// The delay before retry number `retry` after `err`: the server's `Retry-After` (capped) when
    /// present, else the jittered backoff.
    pub fn delay_for(&self, err: &Error, retry: u32, rng: &mut XorShift64) -> Duration {
        match err.retry_after() {
            Some(d) => d.min(self.max_retry_after),
            None => self.backoff(retry, rng),
        }
    }
}

/// Parses a `Retry-After` value: delta seconds or an HTTP date (relative to `now`).
///
/// ```
/// use bedrock_wire::retry::parse_retry_after;
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(parse_retry_after("3", UNIX_EPOCH), Some(Duration::from_secs(3)));
/// let now = UNIX_EPOCH + Duration::from_secs(784_111_770);
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:40 GMT", now), Some(Duration::from_secs(10)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(86_400)));
    }
    if let Ok(secs) = value.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs_f64(secs.min(86_400.0)));
    }
    let at = parse_http_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:40 GMT`), as in `Date` and `Retry-After`;
/// `None` if it is not one ([`crate::datetime::parse_http_date`] says why).
pub fn parse_http_date(value: &str) -> Option<SystemTime> {
    crate::datetime::parse_http_date(value).ok()
}

/// A client-wide retry quota (the SDKs' token bucket).
#[derive(Debug)]
pub struct RetryQuota {
    tokens: Mutex<u32>,
    capacity: u32,
}

/// The quota's capacity.
pub const QUOTA_CAPACITY: u32 = 500;
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
const SUCCESS_REFILL: u32 = 1;

impl Default for RetryQuota {
    fn default() -> Self {
        Self::new(QUOTA_CAPACITY)
    }
}

impl RetryQuota {
    /// A full quota of `capacity` tokens.
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: Mutex::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of one retry; `None` when the quota is exhausted (do not retry).
    pub fn acquire(&self, reason: RetryReason) -> Option<u32> {
        let cost = if reason == RetryReason::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        let mut tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *tokens < cost {
            return None;
        }
        *tokens -= cost;
        Some(cost)
    }

    /// Records a success: gives back what the request's retries took, or one token.
    pub fn success(&self, acquired: u32) {
        let mut tokens = self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let back = if acquired == 0 {
            SUCCESS_REFILL
        } else {
            acquired
        };
        *tokens = tokens.saturating_add(back).min(self.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A tiny xorshift64* generator for jitter (not for anything secret).
///
/// ```
/// use bedrock_wire::retry::XorShift64;
/// let mut a = XorShift64::new(7);
/// let mut b = XorShift64::new(7);
/// assert_eq!(a.next_u64(), b.next_u64());
/// let x = a.next_f64();
/// assert!((0.0..1.0).contains(&x));
/// ```
#[derive(Debug, Clone)]
pub struct XorShift64 {
    state: u64,
}

impl XorShift64 {
    /// A generator from a seed (a zero seed is replaced by a fixed odd constant).
    pub fn new(seed: u64) -> Self {
        Self {
            state: if seed == 0 {
                0x9E37_79B9_7F4A_7C15
            } else {
                seed
            },
        }
    }

    /// A generator seeded from a wall-clock reading.
    pub fn from_time(now: SystemTime) -> Self {
        let nanos = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        #[allow(clippy::cast_possible_truncation)]
        Self::new((nanos as u64) ^ ((nanos >> 64) as u64) ^ 0xA076_1D64_78BD_642F)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        // 53 random bits fit f64's mantissa exactly.
        #[allow(clippy::cast_precision_loss)]
        let v = (self.next_u64() >> 11) as f64;
        v / 9_007_199_254_740_992.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let svc = |status, code: Option<&str>| Error::from_service_parts(status, code, None, b"{}");
        assert_eq!(classify(&svc(429, None)), Some(RetryReason::Throttling));
        assert_eq!(
            classify(&svc(429, Some("ModelNotReadyException"))),
            Some(RetryReason::Transient)
        );
        assert_eq!(
            classify(&svc(500, Some("InternalServerException"))),
            Some(RetryReason::Transient)
        );
        assert_eq!(classify(&svc(502, None)), Some(RetryReason::Transient));
        for code in [
            "ValidationException",
            "AccessDeniedException",
            "ResourceNotFoundException",
            "ServiceQuotaExceededException",
            "ModelErrorException",
        ] {
            assert_eq!(classify(&svc(400, Some(code))), None, "{code}");
        }
        assert_eq!(
            classify(&Error::transport("reset", false)),
            Some(RetryReason::Transient)
        );
        assert_eq!(classify(&Error::transport("reset", true)), None);
        assert_eq!(
            classify(&Error::timeout("attempt", false)),
            Some(RetryReason::Timeout)
        );
        assert_eq!(classify(&Error::timeout("idle", true)), None);
        assert_eq!(classify(&Error::configuration("x")), None);
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let cfg = RetryConfig::default();
        let mut rng = XorShift64::new(1);
        let mut distinct = std::collections::BTreeSet::new();
        for retry in 1..40 {
            let d = cfg.backoff(retry, &mut rng);
            assert!(d <= cfg.max_backoff);
            let exp = (retry - 1).min(30);
            assert!(d <= cfg.initial_backoff.saturating_mul(1 << exp));
            distinct.insert(d);
        }
        assert!(distinct.len() > 30);
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let cfg = RetryConfig::default();
        let mut rng = XorShift64::new(1);
        let e = Error::from_service_parts(429, None, None, b"")
            .with_retry_after(Some(Duration::from_secs(7)));
        assert_eq!(cfg.delay_for(&e, 1, &mut rng), Duration::from_secs(7));
        let e = e.with_retry_after(Some(Duration::from_secs(7200)));
        assert_eq!(cfg.delay_for(&e, 1, &mut rng), cfg.max_retry_after);
    }

    #[test]
    fn quota_runs_dry_and_refills() {
        let q = RetryQuota::new(12);
        assert_eq!(q.acquire(RetryReason::Throttling), Some(5));
        assert_eq!(q.acquire(RetryReason::Transient), Some(5));
        assert_eq!(q.acquire(RetryReason::Throttling), None);
        q.success(10);
        assert_eq!(q.available(), 12);
        assert_eq!(q.acquire(RetryReason::Timeout), Some(10));
        q.success(0);
        assert_eq!(q.available(), 3);
    }

    #[test]
    fn rng_seeds_differ() {
        let a = XorShift64::new(1).next_u64();
        let b = XorShift64::new(2).next_u64();
        assert_ne!(a, b);
        assert_ne!(XorShift64::new(0).next_u64(), 0);
    }
}
