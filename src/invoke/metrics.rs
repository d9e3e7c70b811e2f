//! Token counts reported outside the native body: the `X-Amzn-Bedrock-*-Token-Count`
//! response headers of InvokeModel, and the `amazon-bedrock-invocationMetrics` object in the
//! last chunk of a stream.

use serde::Deserialize;

use crate::model::Usage;

/// Usage and latency as Bedrock reports them around a native response.
///
/// ```
/// use bedrock_wire::invoke::InvokeMetrics;
/// let headers = [
///     ("x-amzn-bedrock-input-token-count", "12"),
///     ("X-Amzn-Bedrock-Output-Token-Count", "5"),
///     ("x-amzn-bedrock-cache-read-input-token-count", "100"),
///     ("x-amzn-bedrock-invocation-latency", "321"),
/// ];
/// let m = InvokeMetrics::from_headers(headers.iter().copied());
/// assert_eq!((m.input_tokens, m.output_tokens, m.cache_read_input_tokens), (Some(12), Some(5), Some(100)));
/// assert_eq!(m.latency_ms, Some(321));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct InvokeMetrics {
    /// `X-Amzn-Bedrock-Input-Token-Count` / `inputTokenCount`.
    #[serde(default, rename = "inputTokenCount")]
    pub input_tokens: Option<u64>,
    /// `X-Amzn-Bedrock-Output-Token-Count` / `outputTokenCount`.
    #[serde(default, rename = "outputTokenCount")]
    pub output_tokens: Option<u64>,
    /// `X-Amzn-Bedrock-Cache-Read-Input-Token-Count` / `cacheReadInputTokenCount`.
    #[serde(default, rename = "cacheReadInputTokenCount")]
    pub cache_read_input_tokens: Option<u64>,
    /// `X-Amzn-Bedrock-Cache-Write-Input-Token-Count` / `cacheWriteInputTokenCount`.
    #[serde(default, rename = "cacheWriteInputTokenCount")]
    pub cache_write_input_tokens: Option<u64>,
    /// `X-Amzn-Bedrock-Invocation-Latency` / `invocationLatency` (ms).
    #[serde(default, rename = "invocationLatency")]
    pub latency_ms: Option<u64>,
}

impl InvokeMetrics {
    /// Reads the token-count and latency headers (names compared case-insensitively; values
    /// that are not integers are ignored).
    pub fn from_headers<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut m = Self::default();
        for (name, value) in headers {
            let slot = match name.to_ascii_lowercase().as_str() {
                "x-amzn-bedrock-input-token-count" => &mut m.input_tokens,
                "x-amzn-bedrock-output-token-count" => &mut m.output_tokens,
                "x-amzn-bedrock-cache-read-input-token-count" => &mut m.cache_read_input_tokens,
                "x-amzn-bedrock-cache-write-input-token-count" => &mut m.cache_write_input_tokens,
                "x-amzn-bedrock-invocation-latency" => &mut m.latency_ms,
                _ => continue,
            };
            if let Ok(n) = value.trim().parse() {
                *slot = Some(n);
            }
        }
        m
    }

    /// True when no count is known.
    pub fn is_empty(&self) -> bool {
        self.input_tokens.is_none()
            && self.output_tokens.is_none()
            && self.cache_read_input_tokens.is_none()
            && self.cache_write_input_tokens.is_none()
    }

    /// Overrides `usage` with every count known here (Bedrock's own metering wins over what
    /// the model wrote in its body) and recomputes the total as input + cache + output.
    pub fn apply(&self, usage: &mut Usage) {
        if let Some(n) = self.input_tokens {
            usage.input_tokens = n;
        }
        if let Some(n) = self.output_tokens {
            usage.output_tokens = n;
        }
        if let Some(n) = self.cache_read_input_tokens {
            usage.cache_read_input_tokens = n;
        }
        if let Some(n) = self.cache_write_input_tokens {
            usage.cache_write_input_tokens = n;
        }
        finish_total(usage);
    }
}

/// Sets `total_tokens` to input + cache read + cache write + output.
pub(crate) fn finish_total(usage: &mut Usage) {
    usage.total_tokens = usage.prompt_tokens().saturating_add(usage.output_tokens);
}
