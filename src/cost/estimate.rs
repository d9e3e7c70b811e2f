//! The worst-case estimate of a request, before it is sent (pure: no clock, no I/O).

use serde::Serialize;
use serde_json::Value;

use super::{CostGuard, Usd};
use crate::models::PriceSource;

/// Bytes per token of the byte rule: input tokens = ⌈body bytes / 4⌉.
pub const DEFAULT_BYTES_PER_TOKEN: u32 = 4;

/// Output tokens assumed when a request sets no `max_tokens` (set one, or change this with
/// [`CostGuard::default_max_tokens`], for models that may answer at greater length).
pub const DEFAULT_MAX_OUTPUT_TOKENS: u32 = 8192;

/// How the guard estimates input tokens.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputEstimate {
    /// ⌈serialized body bytes / [`CostGuard::bytes_per_token`]⌉ (no network call).
    #[default]
    Bytes,
    /// Bedrock's CountTokens (one extra call per request; the byte rule when it fails).
    CountTokens,
}

/// A request's worst case.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Estimate {
    /// The model priced.
    pub model: String,
    /// Input tokens assumed.
    pub input_tokens: u64,
    /// Output tokens assumed (`max_tokens`).
    pub output_tokens: u64,
    /// Whether input was priced as cache writes (the body asks for prompt caching).
    pub caching: bool,
    /// Where the price came from.
    pub price_source: PriceSource,
    /// The cost.
    pub cost: Usd,
}

/// The JSON keys that carry the output limit in Converse and the native bodies.
const MAX_KEYS: [&str; 6] = [
    "maxTokens",
    "max_tokens",
    "max_gen_len",
    "maxTokenCount",
    "max_new_tokens",
    "max_completion_tokens",
];

/// The output limit a serialized body asks for, at the top level or one object down
/// (`inferenceConfig`, `textGenerationConfig`, `parameters`).
pub(crate) fn body_max_tokens(body: &[u8]) -> Option<u64> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let obj = v.as_object()?;
    let direct = |o: &serde_json::Map<String, Value>| {
        MAX_KEYS
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_u64))
    };
    direct(obj).or_else(|| obj.values().filter_map(Value::as_object).find_map(direct))
}

fn asks_for_caching(body: &[u8]) -> bool {
    let has = |needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);
    has(b"\"cachePoint\"") || has(b"\"cache_control\"")
}

impl Estimate {
    /// A zero estimate (nothing to check: the guard has no caps).
    pub(crate) fn free(guard: &CostGuard, model: &str) -> Self {
        Self {
            model: model.to_owned(),
            input_tokens: 0,
            output_tokens: 0,
            caching: false,
            price_source: guard.prices.price(model).1,
            cost: Usd::ZERO,
        }
    }
}

impl CostGuard {
    /// The worst case of sending `body` to `model`: input tokens from `input_tokens` when
    /// measured, else by the byte rule; output at `max_tokens` (from the body, else the given
    /// one, else the default).
    ///
    /// ```
    /// use bedrock_wire::cost::CostGuard;
    /// use bedrock_wire::models::Price;
    /// let guard = CostGuard::new().price("acme.m", Price { input: 1.0, output: 2.0, cache_read: 0.0, cache_write: 0.0, as_of: "2026-01-01" });
    /// let body = br#"{"inferenceConfig":{"maxTokens":100}}"#; // 37 bytes: 10 tokens
    /// let e = guard.estimate("acme.m", body, None, None);
    /// assert_eq!((e.input_tokens, e.output_tokens), (10, 100));
    /// assert_eq!(e.cost.pico(), 10 * 1_000_000 + 100 * 2_000_000);
    /// ```
    pub fn estimate(
        &self,
        model: &str,
        body: &[u8],
        max_tokens: Option<u32>,
        input_tokens: Option<u64>,
    ) -> Estimate {
        let input_tokens = input_tokens
            .unwrap_or_else(|| (body.len() as u64).div_ceil(u64::from(self.bytes_per_token)));
        let output_tokens = body_max_tokens(body)
            .or(max_tokens.map(u64::from))
            .unwrap_or(u64::from(self.default_max_tokens));
        let caching = asks_for_caching(body);
        let (price, price_source) = self.prices.price(model);
        let input_rate = if caching {
            price.input.max(price.cache_write)
        } else {
            price.input
        };
        let cost = Usd::for_tokens(input_tokens, input_rate)
            .plus(Usd::for_tokens(output_tokens, price.output));
        Estimate {
            model: model.to_owned(),
            input_tokens,
            output_tokens,
            caching,
            price_source,
            cost,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_tokens_found_in_native_shapes() {
        assert_eq!(body_max_tokens(br#"{"max_tokens":5}"#), Some(5));
        assert_eq!(
            body_max_tokens(br#"{"textGenerationConfig":{"maxTokenCount":7}}"#),
            Some(7)
        );
        assert_eq!(body_max_tokens(br#"{"inputText":"x"}"#), None);
        assert_eq!(body_max_tokens(b"not json"), None);
    }

    #[test]
    fn caching_priced_at_cache_write() {
        let g = CostGuard::new();
        let plain = g.estimate(
            "claude-sonnet-4-5",
            br#"{"a":"bbbbbbbbbbbbbbbb"}"#,
            Some(0),
            Some(10),
        );
        let cached = g.estimate(
            "claude-sonnet-4-5",
            br#"{"cachePoint":{"t":1}}"#,
            Some(0),
            Some(10),
        );
        assert_eq!(plain.input_tokens, cached.input_tokens);
        assert!(cached.caching && !plain.caching);
        assert!(cached.cost > plain.cost);
    }

    #[test]
    fn unknown_model_uses_fallback() {
        let e = CostGuard::new().estimate("acme.nope-v1", b"{}", Some(1_000_000), Some(0));
        assert_eq!(e.price_source, PriceSource::Fallback);
        assert_eq!(e.cost, Usd::from_usd(75.0).unwrap_or_default());
    }
}
