//! Clock-skew tracking: the offset between the server's clock (its `Date` header) and ours.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime};

/// Differences below this are ignored (a `Date` header has one-second resolution, and AWS accepts
/// five minutes of skew).
const IGNORE_BELOW: Duration = Duration::from_secs(30);

/// The signing-time correction, in milliseconds (positive: the server is ahead).
#[derive(Debug, Default)]
pub(crate) struct SkewTracker {
    offset_ms: AtomicI64,
}

impl SkewTracker {
    /// `now` corrected by the tracked offset.
    pub(crate) fn corrected(&self, now: SystemTime) -> SystemTime {
        apply(now, self.offset_ms.load(Ordering::Relaxed))
    }

    /// The current offset in milliseconds.
    pub(crate) fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Records the server's time `server` seen when our clock read `local`. Returns whether the
    /// offset changed.
    pub(crate) fn observe(&self, server: SystemTime, local: SystemTime) -> bool {
        let diff_ms = signed_ms(server, local);
        let new = if u128::from(diff_ms.unsigned_abs()) < IGNORE_BELOW.as_millis() {
            0
        } else {
            diff_ms
        };
        self.offset_ms.swap(new, Ordering::Relaxed) != new
    }
}

fn signed_ms(a: SystemTime, b: SystemTime) -> i64 {
    match a.duration_since(b) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

fn apply(now: SystemTime, offset_ms: i64) -> SystemTime {
    let d = Duration::from_millis(offset_ms.unsigned_abs());
    if offset_ms >= 0 {
        now.checked_add(d).unwrap_or(now)
    } else {
        now.checked_sub(d).unwrap_or(now)
    }
}

/// The server time stated in a skew message: "(20260101T001000Z - 5 min.)" or "(... + 5 min.)".
pub(crate) fn server_time_from_message(message: &str) -> Option<SystemTime> {
    let open = message.rfind('(')?;
    let inner = message.get(open + 1..)?;
    let stamp = inner.split_whitespace().next()?;
    sigv4::parse_amz_date(stamp).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets() {
        let s = SkewTracker::default();
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        assert!(!s.observe(local + Duration::from_secs(5), local));
        assert_eq!(s.offset_ms(), 0);
        assert!(s.observe(local + Duration::from_secs(900), local));
        assert_eq!(s.corrected(local), local + Duration::from_secs(900));
        assert!(s.observe(local - Duration::from_secs(600), local));
        assert_eq!(s.corrected(local), local - Duration::from_secs(600));
    }

    #[test]
    fn message_time() {
        let m = "Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)";
        let t = server_time_from_message(m).map(sigv4::civil::UtcDateTime::from_system_time);
        assert_eq!(
            t.map(|t| (t.year, t.month, t.day, t.hour, t.minute, t.second)),
            Some((2026, 1, 1, 0, 10, 0))
        );
        assert!(server_time_from_message("no time here").is_none());
    }
}
