//! The cost guard through the client against the loopback replay server: refused requests never
//! leave the process, real usage (cache included) is charged, streams are charged from their
//! metadata (or for what a cut stream reported), CountTokens on opt-in, the day rolls over at
//! UTC midnight, and many concurrent requests never pass the day cap.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use bedrock_wire::client::{Client, ClientBuilder, Env};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::cost::{Cap, CostGuard, InputEstimate, Usd};
use bedrock_wire::error::ErrorKind;
use bedrock_wire::model::{ChatRequest, Usage};
use bedrock_wire::models::{FALLBACK_PRICE, Price, PriceSource, PriceTable};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    Operation, ReplayConfig, ReplayServer,
};
use eventstream::{HeaderValue, Message};

const MODEL: &str = "us.amazon.nova-micro-v1:0";

/// $1 per million tokens of every kind but cache writes ($2): one token is one micro-dollar.
fn flat() -> Price {
    Price {
        input: 1.0,
        output: 1.0,
        cache_read: 1.0,
        cache_write: 2.0,
        as_of: "2026-11-01",
    }
}

fn converse_json(input: u64, output: u64, cache_read: u64, cache_write: u64) -> serde_json::Value {
    serde_json::json!({
        "output": {"message": {"role": "assistant", "content": [{"text": "Hello there"}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": input, "outputTokens": output,
            "totalTokens": input + output + cache_read + cache_write,
            "cacheReadInputTokens": cache_read, "cacheWriteInputTokens": cache_write
        },
        "metrics": {"latencyMs": 10}
    })
}

fn exchange(op: Option<Operation>, response: CannedResponse) -> Exchange {
    Exchange {
        name: format!("{op:?}"),
        matcher: Matcher {
            operation: op,
            ..Matcher::default()
        },
        response,
        faults: Faults::default(),
    }
}

async fn server(exchanges: Vec<Exchange>, clock: Option<&ManualClock>) -> ReplayServer {
    let mut config = ReplayConfig {
        exchanges,
        ..ReplayConfig::default()
    };
    if let Some(c) = clock {
        config.clock = Arc::new(c.clone());
    }
    ReplayServer::start(config).await.expect("replay server")
}

fn builder(s: &ReplayServer, guard: CostGuard) -> ClientBuilder {
    Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(s.endpoint())
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .max_attempts(1)
        .cost_guard(guard)
}

fn chat() -> ChatRequest {
    ChatRequest::new(MODEL).user("Say hello").max_tokens(100)
}

#[allow(clippy::needless_pass_by_value)]
fn event(kind: &str, payload: serde_json::Value) -> Vec<u8> {
    Message::new(payload.to_string().into_bytes())
        .with_header(":event-type", HeaderValue::string(kind))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("event"))
        .to_bytes()
        .expect("encode")
}

fn stream_body(with_stop: bool, with_metadata: bool) -> Vec<u8> {
    let mut b = event("messageStart", serde_json::json!({"role": "assistant"}));
    b.extend(event(
        "contentBlockDelta",
        serde_json::json!({"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
    ));
    b.extend(event(
        "contentBlockStop",
        serde_json::json!({"contentBlockIndex": 0}),
    ));
    if with_stop {
        b.extend(event(
            "messageStop",
            serde_json::json!({"stopReason": "end_turn"}),
        ));
    }
    if with_metadata {
        b.extend(event(
            "metadata",
            serde_json::json!({
                "usage": {"inputTokens": 40, "outputTokens": 7, "totalTokens": 97,
                          "cacheReadInputTokens": 50},
                "metrics": {"latencyMs": 5}
            }),
        ));
    }
    b
}

#[tokio::test]
async fn converse_charges_the_real_usage_with_cache_tokens() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(10, 20, 300, 40)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new().per_day(5.0))
        .build()
        .expect("client");
    let reply = client.converse(&chat()).await.expect("converse");
    assert_eq!(reply.text(), "Hello there");
    let usage = client.usage();
    let t = usage.total();
    assert_eq!(
        (
            t.requests,
            t.input_tokens,
            t.output_tokens,
            t.cache_read_tokens,
            t.cache_write_tokens
        ),
        (1, 10, 20, 300, 40)
    );
    let expected = PriceTable::new().cost(MODEL, &reply.usage);
    assert_eq!(expected.source, PriceSource::Table);
    assert_eq!(t.cost, Usd::from_usd(expected.usd).expect("usd"));
    assert_eq!(usage.by_model()[MODEL], t);
    assert_eq!(usage.today_totals(), t);
    assert_eq!(usage.in_flight(), Usd::ZERO);
}

#[tokio::test]
async fn a_refused_request_never_reaches_the_server() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(1, 1, 0, 0)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new().per_request(0.000_001))
        .build()
        .expect("client");
    let err = client.converse(&chat()).await.expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::BudgetExceeded);
    let b = err.budget().expect("details");
    assert_eq!(b.cap, Cap::PerRequest);
    assert_eq!(b.limit, Usd::from_usd(0.000_001).expect("usd"));
    assert!(b.estimate > b.limit);
    let err = client.converse_stream(&chat()).await.expect_err("refused");
    assert!(err.is_budget_exceeded());
    assert_eq!(s.request_count(), 0);
    assert_eq!(client.usage().total().requests, 0);
}

#[tokio::test]
async fn the_cap_is_exact_at_the_boundary_through_the_client() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(1, 1, 0, 0)),
        )],
        None,
    )
    .await;
    let probe = builder(&s, CostGuard::new()).build().expect("client");
    let (op, _) = probe.converse_operation(&chat(), false).expect("op");
    // $100 per million tokens, so the estimate is well above a cent.
    let dear = Price {
        input: 100.0,
        output: 100.0,
        ..flat()
    };
    let guard = CostGuard::new().price(MODEL, dear);
    let estimate = guard.estimate(MODEL, &op.body, None, None);
    assert_eq!(estimate.output_tokens, 100);
    assert!(estimate.cost > Usd::from_pico(10_000_000_000));
    assert_eq!(
        estimate.input_tokens,
        (op.body.len() as u64).div_ceil(4),
        "the byte rule"
    );
    // A cap exactly on the estimate: allowed.
    let exact = builder(&s, guard.clone().per_request(estimate.cost.usd()))
        .build()
        .expect("client");
    exact.converse(&chat()).await.expect("exactly on the cap");
    // A cap a cent below the estimate (the estimate a cent over): refused.
    let below = builder(&s, guard.per_request(estimate.cost.usd() - 0.01))
        .build()
        .expect("client");
    let err = below.converse(&chat()).await.expect_err("a cent over");
    assert_eq!(err.budget().map(|b| b.estimate), Some(estimate.cost));
    assert_eq!(s.request_count(), 1);
}

#[tokio::test]
async fn a_stream_is_charged_from_its_final_metadata() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::event_stream(stream_body(true, true)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new().price(MODEL, flat()).per_day(1.0))
        .build()
        .expect("client");
    let stream = client.converse_stream(&chat()).await.expect("open");
    assert!(
        client.usage().in_flight() > Usd::ZERO,
        "reserved while open"
    );
    assert_eq!(stream.text().await.expect("text"), "Hi");
    let t = client.usage().total();
    assert_eq!(
        (
            t.requests,
            t.input_tokens,
            t.output_tokens,
            t.cache_read_tokens
        ),
        (1, 40, 7, 50)
    );
    assert_eq!(t.cost, Usd::from_pico(97 * 1_000_000));
    assert_eq!(client.usage().in_flight(), Usd::ZERO);
}

#[tokio::test]
async fn a_stream_cut_short_is_charged_for_what_it_reported() {
    // Metadata arrived, messageStop never did: the stream fails as truncated, and is charged.
    let s = server(
        vec![exchange(
            None,
            CannedResponse::event_stream(stream_body(false, true)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new().price(MODEL, flat()).per_day(1.0))
        .build()
        .expect("client");
    let err = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .collect()
        .await
        .expect_err("truncated");
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    let t = client.usage().total();
    assert_eq!((t.requests, t.input_tokens, t.output_tokens), (1, 40, 7));
    assert_eq!(client.usage().in_flight(), Usd::ZERO);

    // Cut before any usage was reported: nothing to charge, the reservation is released.
    let s = server(
        vec![exchange(
            None,
            CannedResponse::event_stream(stream_body(false, false)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new().per_day(1.0))
        .build()
        .expect("client");
    let mut stream = client.converse_stream(&chat()).await.expect("open");
    let first = stream.next().await.expect("an event");
    assert!(first.is_ok());
    drop(stream);
    assert_eq!(client.usage().total().requests, 0);
    assert_eq!(client.usage().in_flight(), Usd::ZERO);
}

#[tokio::test]
async fn count_tokens_measures_the_input_when_opted_in() {
    let s = server(
        vec![
            exchange(
                Some(Operation::CountTokens),
                CannedResponse::json(&serde_json::json!({"inputTokens": 2_000_000})),
            ),
            exchange(
                Some(Operation::Converse),
                CannedResponse::json(&converse_json(5, 5, 0, 0)),
            ),
        ],
        None,
    )
    .await;
    let guard = CostGuard::new().price(MODEL, flat()).per_request(1.0);
    // By the byte rule the request is tiny and goes through.
    let bytes = builder(&s, guard.clone()).build().expect("client");
    bytes.converse(&chat()).await.expect("small by bytes");
    assert_eq!(s.request_count(), 1);
    // Measured: two million input tokens at $1/M is $2, over the $1 cap.
    let counted = builder(&s, guard.input_estimate(InputEstimate::CountTokens))
        .build()
        .expect("client");
    let err = counted.converse(&chat()).await.expect_err("measured large");
    let b = err.budget().expect("details");
    assert_eq!(b.estimate, Usd::from_pico((2_000_000 + 100) * 1_000_000));
    let ops: Vec<Option<Operation>> = s
        .requests()
        .iter()
        .map(|r| r.operation.as_ref().map(|o| o.0))
        .collect();
    assert_eq!(
        ops,
        [Some(Operation::Converse), Some(Operation::CountTokens)],
        "the refused request itself was never sent"
    );
}

#[tokio::test]
async fn unknown_models_are_charged_at_the_fallback_price() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(1_000, 2_000, 0, 0)),
        )],
        None,
    )
    .await;
    let client = builder(&s, CostGuard::new()).build().expect("client");
    let model = "acme.unknown-model-v1:0";
    client
        .converse(&ChatRequest::new(model).user("hi").max_tokens(10))
        .await
        .expect("converse");
    let u = Usage {
        input_tokens: 1_000,
        output_tokens: 2_000,
        ..Usage::default()
    };
    let expected = Usd::from_usd(FALLBACK_PRICE.cost(&u)).expect("usd");
    assert_eq!(client.usage().by_model()[model].cost, expected);
}

#[tokio::test]
async fn the_day_cap_rolls_over_at_utc_midnight() {
    // 2026-11-21T23:59:00Z on both sides (the server checks the signature's date).
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_795_823_940));
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(0, 0, 0, 0)),
        )],
        Some(&clock),
    )
    .await;
    let guard = CostGuard::new().price(MODEL, flat());
    let probe = builder(&s, CostGuard::new()).build().expect("client");
    let (op, _) = probe.converse_operation(&chat(), false).expect("op");
    let one = guard.estimate(MODEL, &op.body, None, None).cost;
    // Room for one request's estimate and a half: the second is refused the same day.
    let client = builder(&s, guard.per_day(one.usd() * 1.5))
        .clock(Arc::new(clock.clone()))
        .build()
        .expect("client");
    // The answer says zero tokens, so charge the day for real first.
    client.usage().charge(
        MODEL,
        MODEL,
        &Usage {
            output_tokens: 1_000_000,
            ..Usage::default()
        },
    );
    let day1 = client.usage().today();
    let err = client
        .converse(&chat())
        .await
        .expect_err("the day is spent");
    assert_eq!(
        err.budget().map(|b| (b.cap, b.day)),
        Some((Cap::PerDay, day1))
    );
    clock.advance(Duration::from_secs(59));
    assert!(
        client.converse(&chat()).await.is_err(),
        "23:59:59 is still the same day"
    );
    clock.advance(Duration::from_secs(1));
    client.converse(&chat()).await.expect("a new UTC day");
    let days = client.usage().by_day();
    assert_eq!(days.len(), 2);
    assert_eq!(days[&day1.next_day().expect("next")].requests, 1);
}

/// Many concurrent requests against a day cap: everything the server answered was admitted,
/// every refusal is a budget refusal, and the day's charges stay under the cap.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_never_pass_the_day_cap() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(30, 60, 0, 0)),
        )],
        None,
    )
    .await;
    let guard = CostGuard::new().price(MODEL, flat());
    let probe = builder(&s, CostGuard::new()).build().expect("client");
    let (op, _) = probe.converse_operation(&chat(), false).expect("op");
    let one = guard.estimate(MODEL, &op.body, None, None).cost;
    // Ten estimates' worth.
    let cap = Usd::from_pico(one.pico() * 10);
    let client = builder(&s, guard.per_day(cap.usd()))
        .build()
        .expect("client");
    let tasks: Vec<_> = (0..64)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.converse(&chat()).await })
        })
        .collect();
    let mut ok = 0u64;
    for t in tasks {
        match t.await.expect("task") {
            Ok(_) => ok += 1,
            Err(e) => assert!(e.is_budget_exceeded(), "{e}"),
        }
    }
    let today = client.usage().today_totals();
    assert!(ok >= 10, "at least the ten that fit at once: {ok}");
    assert_eq!(today.requests, ok);
    assert_eq!(s.request_count() as u64, ok);
    assert!(today.cost <= cap, "{} > {}", today.cost, cap);
    assert_eq!(client.usage().in_flight(), Usd::ZERO);
}

#[tokio::test]
async fn the_openai_entry_point_is_guarded_and_charged() {
    let s = server(
        vec![exchange(
            None,
            CannedResponse::json(&converse_json(3, 4, 0, 0)),
        )],
        None,
    )
    .await;
    let body = format!(
        r#"{{"model":"{MODEL}","max_tokens":50,"messages":[{{"role":"user","content":"Hi"}}]}}"#
    );
    let client = builder(&s, CostGuard::new().price(MODEL, flat()).per_day(1.0))
        .build()
        .expect("client");
    client
        .chat_completions(body.as_bytes())
        .await
        .expect("completion");
    let t = client.usage().total();
    assert_eq!((t.requests, t.cost), (1, Usd::from_pico(7 * 1_000_000)));
    let refusing = builder(&s, CostGuard::new().per_request(0.0))
        .build()
        .expect("client");
    let err = refusing
        .chat_completions(body.as_bytes())
        .await
        .expect_err("refused");
    assert!(err.is_budget_exceeded());
    assert_eq!(s.request_count(), 1);
}
