//! The one place in the workspace that reads the clock.
//!
//! Everything else takes the time as an argument; tests inject a [`Clock`].

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// A source of wall-clock and monotonic time.
///
/// ```
/// use bedrock_wire::clock::{Clock, SystemClock};
/// let clock = SystemClock;
/// assert!(clock.now() > std::time::UNIX_EPOCH);
/// ```
pub trait Clock: Send + Sync + fmt::Debug {
    /// Wall-clock time (used for signing and expiry).
    fn now(&self) -> SystemTime;
    /// Monotonic time (used for timeouts and backoff bookkeeping).
    fn instant(&self) -> Instant;
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }

    #[allow(clippy::disallowed_methods)]
    fn instant(&self) -> Instant {
        Instant::now()
    }
}

/// A clock fixed at a chosen time that can be moved by hand (for tests).
///
/// ```
/// use bedrock_wire::clock::{Clock, ManualClock};
/// use std::time::{Duration, UNIX_EPOCH};
/// let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_000));
/// clock.advance(Duration::from_secs(5));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_005));
/// ```
#[derive(Debug, Clone)]
pub struct ManualClock {
    inner: Arc<std::sync::Mutex<(SystemTime, Instant)>>,
}

impl ManualClock {
    /// A clock that reads `now` until moved.
    pub fn new(now: SystemTime) -> Self {
        Self {
            inner: Arc::new(std::sync::Mutex::new((now, SystemClock.instant()))),
        }
    }

    /// Moves both the wall clock and the monotonic clock forward.
    pub fn advance(&self, by: Duration) {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.0 += by;
        guard.1 += by;
    }

    /// Sets the wall clock.
    pub fn set(&self, now: SystemTime) {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.0 = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0
    }

    fn instant(&self) -> Instant {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
    }
}
