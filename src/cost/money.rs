//! Amounts of money as integer pico-dollars, so caps compare exactly.

use std::fmt;

use serde::Serialize;

/// Pico-dollars per dollar.
const PICO: f64 = 1e12;

/// An amount in USD, held as an integer number of pico-dollars (10⁻¹² USD) so sums and cap
/// comparisons are exact. Arithmetic saturates.
///
/// ```
/// use bedrock_wire::cost::Usd;
/// let cap = Usd::from_usd(0.01).unwrap();
/// assert_eq!(cap.pico(), 10_000_000_000);
/// assert_eq!(cap.usd(), 0.01);
/// assert_eq!(cap.to_string(), "$0.010000");
/// assert!(Usd::from_usd(-1.0).is_none() && Usd::from_usd(f64::NAN).is_none());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Usd(u64);

impl Usd {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// From pico-dollars.
    pub const fn from_pico(pico: u64) -> Self {
        Self(pico)
    }

    /// From dollars, rounded to the nearest pico-dollar; `None` when negative or not finite.
    /// Amounts beyond about 18 million USD saturate.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn from_usd(usd: f64) -> Option<Self> {
        // `as` saturates: values above u64::MAX become u64::MAX.
        (usd.is_finite() && usd >= 0.0).then(|| Self((usd * PICO).round() as u64))
    }

    /// Pico-dollars.
    pub const fn pico(self) -> u64 {
        self.0
    }

    /// Dollars (may round in the last bits of the `f64`).
    #[allow(clippy::cast_precision_loss)]
    pub fn usd(self) -> f64 {
        self.0 as f64 / PICO
    }

    /// `self + other`, saturating.
    #[must_use]
    pub const fn plus(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }

    /// `self - other`, saturating at zero.
    #[must_use]
    pub const fn minus(self, other: Self) -> Self {
        Self(self.0.saturating_sub(other.0))
    }

    /// `tokens` at `per_million` USD per million tokens.
    pub(crate) fn for_tokens(tokens: u64, per_million: f64) -> Self {
        let rate = Self::from_usd(per_million / 1e6).unwrap_or(Self::ZERO);
        Self(tokens.saturating_mul(rate.0))
    }
}

impl fmt::Display for Usd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let micros = self.0 / 1_000_000 + u64::from(self.0 % 1_000_000 >= 500_000);
        write!(f, "${}.{:06}", micros / 1_000_000, micros % 1_000_000)
    }
}
