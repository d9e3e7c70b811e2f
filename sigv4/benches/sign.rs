//! Signing a Bedrock ConverseStream request (1 KiB JSON body, 5 headers, session token):
//!
//! - `sigv4 sign`: this crate's `sign` with reused `Credentials` (which remember their derived
//!   key, as the Go and Java SDK signers do: the four derivation HMACs run once per day);
//! - `sigv4 derive + sign (cold)`: the key derived on every call (`SigningKey::derive` then
//!   `sign_with_key`), i.e. what `sign` costs on its first call of the day;
//! - `aws-sigv4`: the official crate (it derives the key on every call);
//! - `sigv4 cached key`: `sign_with_key` with a `SigningKey` held by the caller;
//! - `hashing floor`: the hashing no signer can avoid (SHA-256 of the body, SHA-256 of a
//!   canonical-request-sized buffer, one HMAC).
//!
//! The `sigv4 *` cases use the built-in `sha2` backend (`SigningSettings::crypto` `None`); each
//! has a `(ring)` twin using a backend on `ring` (the one bedrock-wire signs with is the same
//! code, in `src/crypto.rs`; here it comes from `tests/support`), measured in the same run, and
//! `hashing floor (ring)` is the floor with ring's SHA-256 and HMAC.
//!
//! Each is measured twice: `sign_converse_stream/*` in wall time (criterion's default), and
//! `sign_converse_stream_cpu/*` in the benchmark thread's CPU time, which other processes
//! competing for the CPU (a shared 2-core machine) do not inflate.
//!
//! Run: `cargo bench -p sigv4 --bench sign`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, black_box, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use std::time::{Duration, UNIX_EPOCH};

#[path = "../tests/support/mod.rs"]
mod support;

const AKID: &str = "ASIAEXAMPLEEXAMPLE12";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKENxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/IQoJb3JpZ2luX2VjEXAMPLETOKENxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/IQoJb3JpZ2luX2VjEXAMPLETOKENxyzABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/IQoJb3JpZ2luX2VjEXAMPLE==";
const URL: &str = "https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream";
const HEADERS: [(&str, &str); 5] = [
    ("content-type", "application/json"),
    ("accept", "application/vnd.amazon.eventstream"),
    ("content-length", "1024"),
    ("user-agent", "bedrock-wire/0.1.0"),
    ("x-amz-user-agent", "bedrock-wire/0.1.0 md/converse-stream"),
];
// 2025-06-01T12:00:00Z
const UNIX_TIME: u64 = 1_748_779_200;

fn body() -> Vec<u8> {
    let mut body = String::from(r#"{"messages":[{"role":"user","content":[{"text":""#);
    let tail = r#""}]}],"inferenceConfig":{"maxTokens":1024,"temperature":0.5}}"#;
    while body.len() + tail.len() < 1024 {
        body.push_str("lorem ipsum ");
    }
    body.truncate(1024 - tail.len());
    body.push_str(tail);
    assert_eq!(body.len(), 1024);
    body.into_bytes()
}

fn bench<M: Measurement>(c: &mut Criterion<M>, group_name: &str) {
    let body = body();
    let time = UNIX_EPOCH + Duration::from_secs(UNIX_TIME);
    let creds = sigv4::Credentials::new(AKID, SECRET, Some(TOKEN.to_string()));
    let params = sigv4::SigningParams {
        region: "us-east-1",
        service: "bedrock",
        time,
        settings: sigv4::SigningSettings::default(),
    };
    let req = sigv4::SignableRequest {
        method: "POST",
        url: URL,
        headers: &HEADERS,
        body: sigv4::SignableBody::Bytes(&body),
    };
    let key = sigv4::SigningKey::derive(SECRET, time, "us-east-1", "bedrock");
    let ring = sigv4::crypto::Crypto::new(&support::RING);
    let ring_creds = sigv4::Credentials::new(AKID, SECRET, Some(TOKEN.to_string()));
    let ring_params = sigv4::SigningParams {
        settings: sigv4::SigningSettings {
            crypto: Some(ring),
            ..sigv4::SigningSettings::default()
        },
        ..params.clone()
    };
    let ring_key = sigv4::SigningKey::derive_with(ring, SECRET, time, "us-east-1", "bedrock");

    // The official crate, same request.
    let identity =
        aws_credential_types::Credentials::new(AKID, SECRET, Some(TOKEN.into()), None, "bench")
            .into();
    let aws_params: aws_sigv4::http_request::SigningParams<'_> =
        aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("bedrock")
            .time(time)
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .expect("params")
            .into();

    // Both produce the same signature.
    let ours = sigv4::sign(&req, &params, &creds).expect("sign");
    let aws_req = aws_sigv4::http_request::SignableRequest::new(
        "POST",
        URL,
        HEADERS.iter().copied(),
        aws_sigv4::http_request::SignableBody::Bytes(&body),
    )
    .expect("request");
    let theirs = aws_sigv4::http_request::sign(aws_req, &aws_params).expect("sign");
    assert_eq!(ours.signature, theirs.signature());
    let ours_ring = sigv4::sign(&req, &ring_params, &ring_creds).expect("sign");
    assert_eq!(ours_ring.signature, ours.signature);
    let creq_len = ours.canonical_request.len();
    let sts = ours.string_to_sign.clone();

    let mut group = c.benchmark_group(group_name);
    group.bench_function("sigv4 derive + sign (cold)", |b| {
        b.iter(|| {
            let key = sigv4::SigningKey::derive(black_box(SECRET), time, "us-east-1", "bedrock");
            sigv4::sign_with_key(black_box(&req), black_box(&params), AKID, Some(TOKEN), &key)
                .expect("sign")
        });
    });
    group.bench_function("sigv4 derive + sign (cold) (ring)", |b| {
        b.iter(|| {
            let key = sigv4::SigningKey::derive_with(
                ring,
                black_box(SECRET),
                time,
                "us-east-1",
                "bedrock",
            );
            sigv4::sign_with_key(
                black_box(&req),
                black_box(&ring_params),
                AKID,
                Some(TOKEN),
                &key,
            )
            .expect("sign")
        });
    });
    group.bench_function("sigv4 sign", |b| {
        b.iter(|| {
            sigv4::sign(black_box(&req), black_box(&params), black_box(&creds)).expect("sign")
        });
    });
    group.bench_function("sigv4 sign (ring)", |b| {
        b.iter(|| {
            sigv4::sign(
                black_box(&req),
                black_box(&ring_params),
                black_box(&ring_creds),
            )
            .expect("sign")
        });
    });
    group.bench_function("aws-sigv4", |b| {
        b.iter(|| {
            let r = aws_sigv4::http_request::SignableRequest::new(
                "POST",
                black_box(URL),
                HEADERS.iter().copied(),
                aws_sigv4::http_request::SignableBody::Bytes(black_box(&body)),
            )
            .expect("request");
            aws_sigv4::http_request::sign(r, black_box(&aws_params)).expect("sign")
        });
    });
    group.bench_function("sigv4 cached key", |b| {
        b.iter(|| {
            sigv4::sign_with_key(
                black_box(&req),
                black_box(&params),
                AKID,
                Some(TOKEN),
                black_box(&key),
            )
            .expect("sign")
        });
    });
    group.bench_function("sigv4 cached key (ring)", |b| {
        b.iter(|| {
            sigv4::sign_with_key(
                black_box(&req),
                black_box(&ring_params),
                AKID,
                Some(TOKEN),
                black_box(&ring_key),
            )
            .expect("sign")
        });
    });
    let creq_buf = vec![b'a'; creq_len];
    group.bench_function("hashing floor", |b| {
        b.iter(|| {
            let body_hash = Sha256::digest(black_box(&body));
            let creq_hash = Sha256::digest(black_box(&creq_buf));
            let mut mac =
                <Hmac<Sha256> as Mac>::new_from_slice(black_box(key.as_bytes())).expect("hmac");
            mac.update(black_box(sts.as_bytes()));
            (body_hash, creq_hash, mac.finalize().into_bytes())
        });
    });
    group.bench_function("hashing floor (ring)", |b| {
        b.iter(|| {
            let body_hash = ring.sha256(black_box(&body));
            let creq_hash = ring.sha256(black_box(&creq_buf));
            let mac = ring.hmac_sha256(black_box(key.as_bytes()), black_box(sts.as_bytes()));
            (body_hash, creq_hash, mac)
        });
    });
    group.finish();
}

/// The benchmark thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
struct ThreadCpuTime;

static WALL_TIME: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }
    fn end(&self, start: ThreadTime) -> Duration {
        start.elapsed()
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_secs_f64() * 1e9
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, like wall time.
        WALL_TIME.formatter()
    }
}

fn wall(c: &mut Criterion) {
    bench(c, "sign_converse_stream");
}

fn cpu(c: &mut Criterion<ThreadCpuTime>) {
    bench(c, "sign_converse_stream_cpu");
}

criterion_group! {
    name = wall_time;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = wall
}
criterion_group! {
    name = cpu_time;
    config = Criterion::default()
        .with_measurement(ThreadCpuTime)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = cpu
}
criterion_main!(wall_time, cpu_time);
