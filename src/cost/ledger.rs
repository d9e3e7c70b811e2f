//! The per-client ledger: reservations before sending, charges after, totals by model and day.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::datetime::UtcDate;
use serde::Serialize;

use super::{CostGuard, Estimate, Usd};
use crate::clock::Clock;
use crate::error::Error;
use crate::model::Usage;

/// Which cap a request would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cap {
    /// The cap on one request.
    PerRequest,
    /// The cap on a UTC day.
    PerDay,
}

impl fmt::Display for Cap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::PerRequest => "per-request",
            Self::PerDay => "per-day",
        })
    }
}

/// Why a request was refused: the cap, the estimate and what was spent (carried by
/// [`Error::budget`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetExceeded {
    /// The cap that would be passed.
    pub cap: Cap,
    /// Its amount.
    pub limit: Usd,
    /// The request's worst-case estimate.
    pub estimate: Usd,
    /// What the UTC day had been charged.
    pub spent: Usd,
    /// Estimates reserved by requests of the day still in flight.
    pub in_flight: Usd,
    /// The model priced.
    pub model: String,
    /// The UTC day.
    pub day: UtcDate,
}

impl fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} cap of {} would be passed: this request to {} is estimated at up to {}, \
             {} was spent on {} (UTC) and {} is reserved by requests in flight",
            self.cap, self.limit, self.model, self.estimate, self.spent, self.day, self.in_flight
        )
    }
}

/// Tokens and cost of a set of answered requests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Requests charged.
    pub requests: u64,
    /// Uncached input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Input tokens read from the cache.
    pub cache_read_tokens: u64,
    /// Input tokens written to the cache.
    pub cache_write_tokens: u64,
    /// The cost.
    pub cost: Usd,
}

impl Totals {
    fn add(&mut self, usage: &Usage, cost: Usd) {
        self.requests = self.requests.saturating_add(1);
        self.input_tokens = self.input_tokens.saturating_add(usage.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(usage.output_tokens);
        self.cache_read_tokens = self
            .cache_read_tokens
            .saturating_add(usage.cache_read_input_tokens);
        self.cache_write_tokens = self
            .cache_write_tokens
            .saturating_add(usage.cache_write_input_tokens);
        self.cost = self.cost.plus(cost);
    }

    /// All tokens, input (cached or not) and output.
    pub fn tokens(&self) -> u64 {
        self.input_tokens
            .saturating_add(self.output_tokens)
            .saturating_add(self.cache_read_tokens)
            .saturating_add(self.cache_write_tokens)
    }
}

/// Everything the ledger knows, at one instant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageSnapshot {
    /// All charged requests since the client was built (or the last reset).
    pub total: Totals,
    /// By model (the id sent).
    pub by_model: BTreeMap<String, Totals>,
    /// By the UTC day the request was admitted on.
    pub by_day: BTreeMap<UtcDate, Totals>,
    /// Estimates reserved by requests in flight.
    pub in_flight: Usd,
    /// Requests in flight.
    pub in_flight_requests: u64,
}

#[derive(Debug, Default)]
struct State {
    snap: UsageSnapshot,
    /// Reserved estimates and their count, by admission day.
    reserved: BTreeMap<UtcDate, (Usd, u64)>,
}

/// A client's usage accounting and cap enforcement (see the [module docs](super)). Every method
/// takes one short lock, so it is safe and cheap under concurrent calls.
///
/// ```
/// use std::sync::Arc;
/// use bedrock_wire::clock::ManualClock;
/// use bedrock_wire::cost::{CostGuard, UsageLedger};
/// use bedrock_wire::model::Usage;
/// let clock = ManualClock::new(std::time::UNIX_EPOCH);
/// let ledger = Arc::new(UsageLedger::new(CostGuard::new(), Arc::new(clock)));
/// let cost = ledger.charge("amazon.nova-micro-v1:0", "nova-micro", &Usage { input_tokens: 1_000_000, ..Usage::default() });
/// assert_eq!(cost, ledger.total().cost);
/// assert_eq!(ledger.by_model()["amazon.nova-micro-v1:0"].input_tokens, 1_000_000);
/// ledger.reset();
/// assert_eq!(ledger.total().requests, 0);
/// ```
#[derive(Debug)]
pub struct UsageLedger {
    guard: CostGuard,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl UsageLedger {
    /// A ledger enforcing `guard`, its days read from `clock`.
    pub fn new(guard: CostGuard, clock: Arc<dyn Clock>) -> Self {
        Self {
            guard,
            clock,
            state: Mutex::new(State::default()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The guard's settings.
    pub fn guard(&self) -> &CostGuard {
        &self.guard
    }

    /// The current UTC day by the ledger's clock.
    pub fn today(&self) -> UtcDate {
        UtcDate::of(self.clock.now())
    }

    /// The cost of `usage` on `price_model` (alias, id, profile id or ARN) by the guard's prices.
    pub fn cost_of(&self, price_model: &str, usage: &Usage) -> Usd {
        let (p, _) = self.guard.prices.price(price_model);
        Usd::for_tokens(usage.input_tokens, p.input)
            .plus(Usd::for_tokens(usage.output_tokens, p.output))
            .plus(Usd::for_tokens(usage.cache_read_input_tokens, p.cache_read))
            .plus(Usd::for_tokens(
                usage.cache_write_input_tokens,
                p.cache_write,
            ))
    }

    /// Checks `estimate` against the caps and, if it fits, reserves it until the returned
    /// [`Reservation`] is settled (or dropped). `model` is the key the charge is recorded under.
    ///
    /// The check and the reservation happen under one lock: concurrent callers cannot both take
    /// the last of a day's budget.
    pub fn reserve(
        self: &Arc<Self>,
        model: &str,
        estimate: Estimate,
    ) -> Result<Reservation, Error> {
        let day = self.today();
        let mut st = self.lock();
        let spent = st.snap.by_day.get(&day).map_or(Usd::ZERO, |t| t.cost);
        let in_flight = st.reserved.get(&day).map_or(Usd::ZERO, |r| r.0);
        let refuse = |cap: Cap, limit: Usd| {
            Error::budget_exceeded(BudgetExceeded {
                cap,
                limit,
                estimate: estimate.cost,
                spent,
                in_flight,
                model: estimate.model.clone(),
                day,
            })
        };
        if let Some(limit) = self.guard.per_request {
            if estimate.cost > limit {
                return Err(refuse(Cap::PerRequest, limit));
            }
        }
        if let Some(limit) = self.guard.per_day {
            if spent.plus(in_flight).plus(estimate.cost) > limit {
                return Err(refuse(Cap::PerDay, limit));
            }
        }
        let entry = st.reserved.entry(day).or_default();
        entry.0 = entry.0.plus(estimate.cost);
        entry.1 += 1;
        st.snap.in_flight = st.snap.in_flight.plus(estimate.cost);
        st.snap.in_flight_requests += 1;
        drop(st);
        Ok(Reservation {
            ledger: Arc::clone(self),
            key: model.to_owned(),
            day,
            estimate,
            reported: Usage::default(),
            open: true,
        })
    }

    fn release(st: &mut State, day: UtcDate, amount: Usd) {
        if let Some(entry) = st.reserved.get_mut(&day) {
            entry.0 = entry.0.minus(amount);
            entry.1 = entry.1.saturating_sub(1);
            if entry.1 == 0 {
                st.reserved.remove(&day);
            }
        }
        st.snap.in_flight = st.snap.in_flight.minus(amount);
        st.snap.in_flight_requests = st.snap.in_flight_requests.saturating_sub(1);
    }

    fn record(st: &mut State, key: &str, day: UtcDate, usage: &Usage, cost: Usd) {
        st.snap.total.add(usage, cost);
        st.snap
            .by_model
            .entry(key.to_owned())
            .or_default()
            .add(usage, cost);
        st.snap.by_day.entry(day).or_default().add(usage, cost);
    }

    /// Charges `usage` (priced as `price_model`) under `model` to today, without a reservation
    /// (for calls the guard did not see). Returns the cost.
    pub fn charge(&self, model: &str, price_model: &str, usage: &Usage) -> Usd {
        let cost = self.cost_of(price_model, usage);
        let day = self.today();
        Self::record(&mut self.lock(), model, day, usage, cost);
        cost
    }

    /// Totals since the client was built (or the last [`reset`](Self::reset)).
    pub fn total(&self) -> Totals {
        self.lock().snap.total.clone()
    }

    /// Totals of the current UTC day.
    pub fn today_totals(&self) -> Totals {
        let day = self.today();
        self.lock()
            .snap
            .by_day
            .get(&day)
            .cloned()
            .unwrap_or_default()
    }

    /// Totals by model.
    pub fn by_model(&self) -> BTreeMap<String, Totals> {
        self.lock().snap.by_model.clone()
    }

    /// Totals by UTC day.
    pub fn by_day(&self) -> BTreeMap<UtcDate, Totals> {
        self.lock().snap.by_day.clone()
    }

    /// Estimates reserved by requests in flight.
    pub fn in_flight(&self) -> Usd {
        self.lock().snap.in_flight
    }

    /// Everything at one instant.
    pub fn snapshot(&self) -> UsageSnapshot {
        self.lock().snap.clone()
    }

    /// Forgets every charge (totals, by model, by day, and so the day's spend against the cap).
    /// Requests in flight keep their reservations and are charged when they finish.
    pub fn reset(&self) {
        let mut st = self.lock();
        st.snap.total = Totals::default();
        st.snap.by_model.clear();
        st.snap.by_day.clear();
    }
}

/// A request's estimate, reserved against the caps until it is settled with the real usage.
///
/// Dropping it unsettled charges the usage [`report`](Self::report)ed so far (a stream cut
/// short is charged for what it reported), or just releases the reservation if nothing was.
#[must_use = "a reservation is settled with the real usage, or dropped"]
pub struct Reservation {
    ledger: Arc<UsageLedger>,
    key: String,
    day: UtcDate,
    estimate: Estimate,
    reported: Usage,
    open: bool,
}

impl fmt::Debug for Reservation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reservation")
            .field("model", &self.key)
            .field("day", &self.day)
            .field("estimate", &self.estimate)
            .field("reported", &self.reported)
            .finish_non_exhaustive()
    }
}

impl Reservation {
    /// The estimate reserved.
    pub fn estimate(&self) -> &Estimate {
        &self.estimate
    }

    /// Notes usage reported so far (a stream's metadata); each field keeps the largest value
    /// seen.
    pub fn report(&mut self, usage: &Usage) {
        let r = &mut self.reported;
        r.input_tokens = r.input_tokens.max(usage.input_tokens);
        r.output_tokens = r.output_tokens.max(usage.output_tokens);
        r.total_tokens = r.total_tokens.max(usage.total_tokens);
        r.cache_read_input_tokens = r.cache_read_input_tokens.max(usage.cache_read_input_tokens);
        r.cache_write_input_tokens = r
            .cache_write_input_tokens
            .max(usage.cache_write_input_tokens);
    }

    /// Releases the reservation and charges `usage`; returns the cost.
    pub fn settle(mut self, usage: &Usage) -> Usd {
        self.finish(Some(usage))
    }

    /// Releases the reservation without charging anything (the request failed).
    pub fn cancel(mut self) {
        self.finish(None);
    }

    fn finish(&mut self, usage: Option<&Usage>) -> Usd {
        if !self.open {
            return Usd::ZERO;
        }
        self.open = false;
        let cost = usage.map(|u| self.ledger.cost_of(&self.estimate.model, u));
        let mut st = self.ledger.lock();
        UsageLedger::release(&mut st, self.day, self.estimate.cost);
        if let (Some(u), Some(c)) = (usage, cost) {
            UsageLedger::record(&mut st, &self.key, self.day, u, c);
        }
        cost.unwrap_or(Usd::ZERO)
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let reported = std::mem::take(&mut self.reported);
        let nothing = reported == Usage::default();
        self.finish((!nothing).then_some(&reported));
    }
}
