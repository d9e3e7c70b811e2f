//! Retry policy: standard mode, backoff with full jitter, retry quota.
