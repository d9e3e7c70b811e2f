//! Cost guard: per-request and per-day spending caps, and usage accounting per client.
