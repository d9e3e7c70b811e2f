//! Prices per million tokens and cost estimates from [`Usage`].

use serde::Serialize;

use crate::model::Usage;

/// USD per million tokens, with the date the figure was read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Price {
    /// Uncached input.
    pub input: f64,
    /// Output.
    pub output: f64,
    /// Cache reads.
    pub cache_read: f64,
    /// Cache writes.
    pub cache_write: f64,
    /// When the figure was taken from the pricing page (`YYYY-MM-DD`).
    pub as_of: &'static str,
}

/// The price assumed for models the table does not know: deliberately high (Claude Opus 4
/// level: $15 / $75 / $1.50 / $18.75), so an estimate errs on the side of over-budgeting.
pub const FALLBACK_PRICE: Price = Price {
    input: 15.0,
    output: 75.0,
    cache_read: 1.5,
    cache_write: 18.75,
    as_of: "2025-11-01",
};

impl Price {
    /// Cost of `usage` in USD.
    ///
    /// ```
    /// use bedrock_wire::models::Price;
    /// use bedrock_wire::model::Usage;
    /// let p = Price { input: 3.0, output: 15.0, cache_read: 0.3, cache_write: 3.75, as_of: "2025-11-01" };
    /// let u = Usage { input_tokens: 1_000_000, output_tokens: 100_000, ..Usage::default() };
    /// assert!((p.cost(&u) - 4.5).abs() < 1e-9);
    /// ```
    #[allow(clippy::cast_precision_loss)]
    pub fn cost(&self, usage: &Usage) -> f64 {
        let m = 1_000_000.0;
        (usage.input_tokens as f64) * self.input / m
            + (usage.output_tokens as f64) * self.output / m
            + (usage.cache_read_input_tokens as f64) * self.cache_read / m
            + (usage.cache_write_input_tokens as f64) * self.cache_write / m
    }
}

/// Where a price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    /// The caller's override.
    Override,
    /// The built-in table.
    Table,
    /// [`FALLBACK_PRICE`]: the model is unknown.
    Fallback,
}

/// A cost estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cost {
    /// USD.
    pub usd: f64,
    /// Where the price came from.
    pub source: PriceSource,
}

/// The built-in prices plus caller overrides (keyed by model id or alias; an override also
/// matches a profile id or ARN that resolves to the same model).
///
/// ```
/// use bedrock_wire::models::{Price, PriceSource, PriceTable};
/// use bedrock_wire::model::Usage;
///
/// let mut table = PriceTable::new();
/// let u = Usage { input_tokens: 1_000_000, ..Usage::default() };
/// let c = table.cost("us.anthropic.claude-sonnet-4-20250514-v1:0", &u);
/// assert_eq!((c.usd, c.source), (3.0, PriceSource::Table));
/// assert_eq!(table.cost("acme.unknown", &u).source, PriceSource::Fallback);
///
/// table.set("acme.unknown", Price { input: 1.0, output: 1.0, cache_read: 0.0, cache_write: 0.0, as_of: "2026-01-01" });
/// assert_eq!(table.cost("acme.unknown", &u).usd, 1.0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PriceTable {
    overrides: Vec<(String, Price)>,
}

impl PriceTable {
    /// The built-in table, no overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides (or adds) the price of `model`.
    pub fn set(&mut self, model: impl Into<String>, price: Price) {
        let model = super::base_id(&model.into(), None);
        self.overrides.retain(|(m, _)| *m != model);
        self.overrides.push((model, price));
    }

    /// The price of `model` (alias, id, profile id or foundation-model ARN) and its source.
    pub fn price(&self, model: &str) -> (Price, PriceSource) {
        let base = super::base_id(model, None);
        if let Some((_, p)) = self.overrides.iter().find(|(m, _)| *m == base) {
            return (*p, PriceSource::Override);
        }
        match super::table::by_alias_or_id(&base).and_then(|m| m.price) {
            Some(p) => (p, PriceSource::Table),
            None => (FALLBACK_PRICE, PriceSource::Fallback),
        }
    }

    /// Estimated cost of `usage` on `model`.
    pub fn cost(&self, model: &str, usage: &Usage) -> Cost {
        let (price, source) = self.price(model);
        Cost {
            usd: price.cost(usage),
            source,
        }
    }
}
