//! The refreshing credentials cache: refresh ahead of expiry, one load in flight.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::chain::Source;
use super::{AwsCredentials, LoadContext};
use crate::error::Error;

/// How long short-lived (or last-good) credentials are used before the next load is tried.
const HOLD: Duration = Duration::from_secs(30);

/// Credentials from a [`Source`], cached and refreshed [`super::REFRESH_AHEAD`] before expiry.
///
/// However many tasks ask at once, one load runs; the others wait for it and share its result.
/// If a refresh fails while the cached credentials have not yet expired, those are returned.
///
/// ```no_run
/// # async fn f(provider: bedrock_wire::credentials::CredentialsProvider) -> Result<(), bedrock_wire::error::Error> {
/// let creds = provider.credentials().await?;
/// println!("using {}", creds.credentials().access_key_id());
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct CredentialsProvider {
    source: Source,
    ctx: LoadContext,
    cached: Mutex<Option<AwsCredentials>>,
    /// Until when credentials that are already inside the refresh window are used without
    /// another load (a source that only hands out short-lived credentials is not reloaded on
    /// every request, nor after a failed refresh).
    hold_until: Mutex<Option<SystemTime>>,
    refresh: tokio::sync::Mutex<()>,
    loads: AtomicU64,
}

impl CredentialsProvider {
    /// A provider for `source`, loading with `ctx`.
    pub fn new(source: Source, ctx: LoadContext) -> Self {
        Self {
            source,
            ctx,
            cached: Mutex::new(None),
            hold_until: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            loads: AtomicU64::new(0),
        }
    }

    /// The source.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// How many loads have run (for diagnostics and tests).
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::Relaxed)
    }

    /// Drops the cached credentials (the next call loads).
    pub fn invalidate(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<AwsCredentials>> {
        self.cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn fresh(&self) -> Option<AwsCredentials> {
        let now = self.ctx.clock.now();
        let held = self
            .hold_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some_and(|t| now < t);
        self.lock()
            .as_ref()
            .filter(|c| !c.needs_refresh(now) || (held && !c.is_expired(now)))
            .cloned()
    }

    fn hold(&self, now: SystemTime) {
        *self
            .hold_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(now + HOLD);
    }

    /// Credentials valid for at least [`super::REFRESH_AHEAD`] (or the last good ones if a refresh
    /// failed before they expired).
    pub async fn credentials(&self) -> Result<AwsCredentials, Error> {
        if let Source::Static(c) = &self.source
            && c.expires_at().is_none()
        {
            return Ok(c.clone());
        }
        if let Some(c) = self.fresh() {
            return Ok(c);
        }
        let _single_flight = self.refresh.lock().await;
        if let Some(c) = self.fresh() {
            return Ok(c);
        }
        self.loads.fetch_add(1, Ordering::Relaxed);
        match self.source.load(&self.ctx).await {
            Ok(c) => {
                let now = self.ctx.clock.now();
                if c.is_expired(now) {
                    return Err(Error::credentials(format!(
                        "{} returned credentials that have already expired",
                        c.source()
                    )));
                }
                if c.needs_refresh(now) {
                    self.hold(now);
                }
                *self.lock() = Some(c.clone());
                Ok(c)
            }
            Err(e) => {
                let now = self.ctx.clock.now();
                let still_valid = self.lock().as_ref().filter(|c| !c.is_expired(now)).cloned();
                match still_valid {
                    Some(c) => {
                        self.hold(now);
                        Ok(c)
                    }
                    None => Err(e),
                }
            }
        }
    }
}
