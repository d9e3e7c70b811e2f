//! The cost guard's ledger without a network: exact cap boundaries, the day rolling over at UTC
//! midnight, the fallback price, cache tokens charged, reservations under many concurrent tasks.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bedrock_wire::client::{Client, Env};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::cost::{Cap, CostGuard, Estimate, UsageLedger, Usd};
use bedrock_wire::error::ErrorKind;
use bedrock_wire::model::Usage;
use bedrock_wire::models::{FALLBACK_PRICE, Price, PriceSource, PriceTable};

/// $1 per million input and output tokens: one token is one micro-dollar.
const MODEL: &str = "acme.exact-v1";
const MICRO: u64 = 1_000_000; // pico-dollars

fn price() -> Price {
    Price {
        input: 1.0,
        output: 1.0,
        cache_read: 0.5,
        cache_write: 2.0,
        as_of: "2026-11-01",
    }
}

/// 2026-11-21T23:59:59Z.
fn before_midnight() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_795_823_999)
}

fn ledger(guard: CostGuard, clock: &ManualClock) -> Arc<UsageLedger> {
    Arc::new(UsageLedger::new(
        guard.price(MODEL, price()),
        Arc::new(clock.clone()),
    ))
}

/// An estimate of exactly `input + output` micro-dollars.
fn estimate(l: &UsageLedger, input: u64, output: u32) -> Estimate {
    l.guard().estimate(MODEL, b"{}", Some(output), Some(input))
}

fn usage(input: u64, output: u64) -> Usage {
    Usage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        ..Usage::default()
    }
}

fn usd(x: f64) -> Usd {
    Usd::from_usd(x).expect("valid amount")
}

#[test]
fn per_request_cap_allows_exactly_the_cap_and_refuses_a_cent_over() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_request(0.01), &clock);
    // 5,000 + 5,000 tokens at $1/M: exactly $0.01.
    let exact = estimate(&l, 5_000, 5_000);
    assert_eq!(exact.cost, usd(0.01));
    let r = l
        .reserve(MODEL, exact)
        .expect("exactly on the cap is allowed");
    r.cancel();

    let cent_over = estimate(&l, 10_000, 10_000);
    assert_eq!(cent_over.cost, usd(0.02));
    let err = l
        .reserve(MODEL, cent_over)
        .expect_err("a cent over is refused");
    assert_eq!(err.kind(), ErrorKind::BudgetExceeded);
    assert!(err.is_budget_exceeded() && !err.is_retryable());
    let b = err.budget().expect("details");
    assert_eq!(
        (b.cap, b.limit, b.estimate, b.spent),
        (Cap::PerRequest, usd(0.01), usd(0.02), Usd::ZERO)
    );
    assert_eq!(b.model, MODEL);
    let text = err.to_string();
    assert!(
        text.contains("per-request cap of $0.010000") && text.contains("$0.020000"),
        "{text}"
    );

    // Even one micro-dollar over is refused.
    let err = l
        .reserve(MODEL, estimate(&l, 5_000, 5_001))
        .expect_err("one token over");
    assert_eq!(
        err.budget().map(|b| b.estimate.pico()),
        Some(10_001 * MICRO)
    );
    assert_eq!(l.in_flight(), Usd::ZERO);
}

#[test]
fn per_day_cap_counts_spent_and_in_flight_and_lands_exactly() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_day(0.03), &clock);
    for _ in 0..2 {
        let r = l.reserve(MODEL, estimate(&l, 5_000, 5_000)).expect("fits");
        assert_eq!(r.settle(&usage(4_000, 6_000)), usd(0.01));
    }
    // $0.02 spent; a $0.01 request lands exactly on $0.03 and is allowed (held in flight).
    let held = l
        .reserve(MODEL, estimate(&l, 0, 10_000))
        .expect("lands on the cap");
    assert_eq!(l.in_flight(), usd(0.01));
    // Anything more is refused, naming what was spent and what is in flight.
    let err = l
        .reserve(MODEL, estimate(&l, 1, 0))
        .expect_err("over the day cap");
    let b = err.budget().expect("details");
    assert_eq!(
        (b.cap, b.limit, b.spent, b.in_flight, b.estimate),
        (
            Cap::PerDay,
            usd(0.03),
            usd(0.02),
            usd(0.01),
            Usd::from_pico(MICRO)
        )
    );
    // The held request used less than reserved: the difference comes back.
    assert_eq!(held.settle(&usage(1_000, 2_000)), usd(0.003));
    assert_eq!(l.today_totals().cost, usd(0.023));
    l.reserve(MODEL, estimate(&l, 7_000, 0))
        .expect("exactly the rest")
        .cancel();
    l.reserve(MODEL, estimate(&l, 7_001, 0))
        .expect_err("a token more than the rest");
    assert_eq!(l.today_totals().requests, 3);
}

#[test]
fn the_day_rolls_over_at_utc_midnight() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_day(0.01), &clock);
    let day1 = l.today();
    l.reserve(MODEL, estimate(&l, 0, 10_000))
        .expect("fits")
        .settle(&usage(0, 10_000));
    // A request admitted before midnight and answered after counts on the day it was admitted.
    let late = l.reserve(MODEL, estimate(&l, 0, 0)).expect("zero fits");
    assert!(l.reserve(MODEL, estimate(&l, 1, 0)).is_err());
    clock.advance(Duration::from_secs(1));
    let day2 = l.today();
    assert_eq!(day2, day1.next_day().expect("a next day"));
    late.settle(&usage(500, 0));
    let r = l
        .reserve(MODEL, estimate(&l, 0, 10_000))
        .expect("a fresh day has the whole cap");
    r.settle(&usage(0, 10_000));
    let days = l.by_day();
    assert_eq!(days.len(), 2);
    assert_eq!(days[&day1].cost.pico(), 10_500 * MICRO);
    assert_eq!(days[&day1].requests, 2);
    assert_eq!(days[&day2].cost, usd(0.01));
    assert_eq!(l.total().cost.pico(), 20_500 * MICRO);
    // One second before the next midnight is still day 2.
    clock.advance(Duration::from_secs(86_399));
    assert_eq!(l.today(), day2);
    assert!(l.reserve(MODEL, estimate(&l, 1, 0)).is_err());
    clock.advance(Duration::from_secs(1));
    assert!(l.reserve(MODEL, estimate(&l, 1, 0)).is_ok());
}

#[test]
fn unknown_models_are_priced_at_the_fallback() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new(), &clock);
    let e = l
        .guard()
        .estimate("acme.never-heard-of-it", b"{}", Some(1_000), Some(1_000));
    assert_eq!(e.price_source, PriceSource::Fallback);
    let expected = (1_000.0 * FALLBACK_PRICE.input + 1_000.0 * FALLBACK_PRICE.output) / 1e6;
    assert_eq!(e.cost, usd(expected));
    let charged = l.charge(
        "acme.never-heard-of-it",
        "acme.never-heard-of-it",
        &usage(0, 1_000_000),
    );
    assert_eq!(charged, usd(FALLBACK_PRICE.output));
}

#[test]
fn cache_reads_and_writes_are_charged_at_their_prices() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new(), &clock);
    let u = Usage {
        input_tokens: 100,
        output_tokens: 10,
        cache_read_input_tokens: 1_000,
        cache_write_input_tokens: 400,
        ..Usage::default()
    };
    // $1 in, $1 out, $0.50 cache read, $2 cache write per million.
    let cost = l.charge(MODEL, MODEL, &u);
    assert_eq!(cost.pico(), (100 + 10 + 500 + 800) * MICRO);
    let t = l.total();
    assert_eq!(
        (
            t.input_tokens,
            t.cache_read_tokens,
            t.cache_write_tokens,
            t.tokens()
        ),
        (100, 1_000, 400, 1_510)
    );
    // A table model: the same as the price table says.
    let sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    let table = PriceTable::new();
    let expected = table.cost(sonnet, &u).usd;
    assert_eq!(l.charge(sonnet, sonnet, &u), usd(expected));
    assert_eq!(l.by_model().len(), 2);
}

#[test]
fn a_request_that_asks_for_caching_is_estimated_at_the_cache_write_price() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new(), &clock);
    let body = br#"{"messages":[{"content":[{"text":"x"},{"cachePoint":{"type":"default"}}]}],"inferenceConfig":{"maxTokens":10}}"#;
    let e = l.guard().estimate(MODEL, body, None, None);
    assert!(e.caching);
    assert_eq!(e.input_tokens, (body.len() as u64).div_ceil(4));
    assert_eq!(e.output_tokens, 10);
    assert_eq!(e.cost.pico(), (e.input_tokens * 2 + 10) * MICRO);
}

#[test]
fn output_defaults_when_max_tokens_is_unset() {
    let g = CostGuard::new().price(MODEL, price());
    let e = g.estimate(MODEL, b"{}", None, Some(0));
    assert_eq!(
        e.output_tokens,
        u64::from(bedrock_wire::cost::DEFAULT_MAX_OUTPUT_TOKENS)
    );
    let g = g.default_max_tokens(100).bytes_per_token(3);
    let e = g.estimate(MODEL, b"1234567", None, None);
    assert_eq!((e.input_tokens, e.output_tokens), (3, 100));
}

#[test]
fn dropped_reservations_charge_what_was_reported_or_release() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_day(1.0), &clock);
    let r = l.reserve(MODEL, estimate(&l, 100, 100)).expect("fits");
    drop(r);
    assert_eq!((l.total().requests, l.in_flight()), (0, Usd::ZERO));
    let mut r = l.reserve(MODEL, estimate(&l, 100, 100)).expect("fits");
    r.report(&usage(100, 0));
    r.report(&usage(0, 7));
    drop(r);
    let t = l.total();
    assert_eq!((t.requests, t.input_tokens, t.output_tokens), (1, 100, 7));
    assert_eq!(t.cost.pico(), 107 * MICRO);
    assert_eq!(l.snapshot().in_flight_requests, 0);
}

#[test]
fn reset_forgets_charges_but_not_requests_in_flight() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_day(0.01), &clock);
    l.reserve(MODEL, estimate(&l, 0, 6_000))
        .expect("fits")
        .settle(&usage(0, 6_000));
    let held = l.reserve(MODEL, estimate(&l, 0, 4_000)).expect("fits");
    assert!(l.reserve(MODEL, estimate(&l, 1, 0)).is_err());
    l.reset();
    assert_eq!(l.total(), bedrock_wire::cost::Totals::default());
    assert!(l.by_day().is_empty() && l.by_model().is_empty());
    // The held reservation still counts: 6,000 tokens of room, not 10,000.
    assert!(l.reserve(MODEL, estimate(&l, 0, 6_001)).is_err());
    l.reserve(MODEL, estimate(&l, 0, 6_000))
        .expect("fits")
        .cancel();
    held.settle(&usage(0, 4_000));
    assert_eq!(l.total().cost, usd(0.004));
}

/// Many tasks race for a day's budget: the number admitted is exactly what fits, and with
/// actual usage within the estimates the day's charges never pass the cap.
#[test]
fn concurrent_reservations_never_pass_the_day_cap() {
    let clock = ManualClock::new(before_midnight());
    // $1 a day; each request reserves $0.03 (30,000 tokens): 33 fit, the 34th would not.
    let l = ledger(CostGuard::new().per_day(1.0), &clock);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .expect("runtime");
    let barrier = Arc::new(tokio::sync::Barrier::new(200));
    let admitted = rt.block_on(async {
        let mut tasks = Vec::new();
        for i in 0..200u64 {
            let l = Arc::clone(&l);
            let barrier = Arc::clone(&barrier);
            tasks.push(tokio::spawn(async move {
                let r = l.reserve(MODEL, estimate(&l, 10_000, 20_000));
                // Everyone holds their reservation until all have tried.
                barrier.wait().await;
                match r {
                    Ok(r) => {
                        r.settle(&usage(10_000, 20_000 - (i % 7) * 1_000));
                        true
                    }
                    Err(e) => {
                        assert_eq!(e.budget().map(|b| b.cap), Some(Cap::PerDay));
                        false
                    }
                }
            }));
        }
        let mut n = 0;
        for t in tasks {
            n += usize::from(t.await.expect("task"));
        }
        n
    });
    assert_eq!(admitted, 33);
    assert!(l.today_totals().cost <= usd(1.0));
    assert_eq!(l.today_totals().requests, 33);
    assert_eq!(l.in_flight(), Usd::ZERO);
}

/// When actual usage exceeds the estimates, the overshoot is bounded by the sum of the excesses
/// (the documented bound), and no new request is admitted once the cap is passed.
#[test]
fn underestimates_bound_the_overshoot() {
    let clock = ManualClock::new(before_midnight());
    let l = ledger(CostGuard::new().per_day(0.1), &clock);
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let l = Arc::clone(&l);
            std::thread::spawn(move || {
                let mut excess = 0u64;
                for _ in 0..50 {
                    if let Ok(r) = l.reserve(MODEL, estimate(&l, 1_000, 1_000)) {
                        // 500 tokens more than estimated.
                        r.settle(&usage(1_500, 1_000));
                        excess += 500 * MICRO;
                    }
                }
                excess
            })
        })
        .collect();
    let excess: u64 = handles.into_iter().map(|t| t.join().expect("thread")).sum();
    let charged = l.today_totals().cost;
    assert!(charged.pico() <= usd(0.1).pico() + excess);
    // Admission stopped only when not even one more estimate fitted.
    assert!(charged.plus(Usd::from_pico(2_000 * MICRO)) > usd(0.1));
    // No further request of that size is admitted for the rest of the day.
    assert!(l.reserve(MODEL, estimate(&l, 1_000, 1_000)).is_err());
}

#[test]
fn invalid_caps_fail_at_build() {
    for guard in [
        CostGuard::new().per_day(-1.0),
        CostGuard::new().per_request(f64::NAN),
        CostGuard::new().per_request(f64::INFINITY),
    ] {
        let err = Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .bearer_token("k")
            .cost_guard(guard)
            .build()
            .expect_err("invalid cap");
        assert_eq!(err.kind(), ErrorKind::Configuration);
        assert!(err.to_string().contains("cap"), "{err}");
    }
}

proptest::proptest! {
    /// Any interleaving of reservations, settlements within the estimate and cancellations keeps
    /// `charged + in flight <= cap` for the day, and the ledger's totals add up.
    #[test]
    fn charged_plus_in_flight_never_passes_the_cap(
        cap in 0u64..200_000,
        steps in proptest::collection::vec((0u64..30_000, 0u32..30_000, 0u8..4), 1..80),
    ) {
        let clock = ManualClock::new(before_midnight());
        let l = ledger(CostGuard::new().per_day(Usd::from_pico(cap * MICRO).usd()), &clock);
        let mut held = Vec::new();
        let mut charged = 0u64;
        for (input, output, action) in steps {
            if let Ok(r) = l.reserve(MODEL, estimate(&l, input, output)) {
                held.push(r);
            }
            if action > 0 && !held.is_empty() {
                let r = held.swap_remove(usize::from(action) % held.len());
                if action == 1 {
                    r.cancel();
                } else {
                    let e = r.estimate().clone();
                    let u = usage(e.input_tokens / 2, e.output_tokens / u64::from(action));
                    charged += r.settle(&u).pico();
                }
            }
            let snap = l.snapshot();
            proptest::prop_assert!(snap.total.cost.plus(snap.in_flight).pico() <= cap * MICRO);
            proptest::prop_assert_eq!(snap.total.cost.pico(), charged);
        }
        drop(held);
        proptest::prop_assert_eq!(l.in_flight(), Usd::ZERO);
    }
}
