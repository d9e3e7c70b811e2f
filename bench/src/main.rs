//! Side-by-side harness: bedrock-wire against the official `aws-sdk-bedrockruntime`, on the
//! same loopback replay server and the same synthetic responses.
//!
//! Built three times (see `Cargo.toml`): `bench-ours` (feature `ours`: bedrock-wire with its
//! default features, and the `raw` baseline), `bench-sdk` (feature `sdk`: the official SDK only)
//! and `bench-server` (feature `server`: the replay server), so neither library's code or data is
//! in the other's process, and neither client carries the server.
//!
//! `bench-ours --lib ours|raw --workload 1|2|3|4 [--runs N]` and
//! `bench-sdk --lib sdk --workload N [--runs N]` run one library in this process (so CPU time,
//! peak RSS and allocation counts belong to that library alone) against the replay server
//! spawned as a child process (`bench-server serve`, found next to the binary unless
//! `--server PATH` says where). Each prints one JSON line of medians.
//! `raw` is the baseline: a pre-signed request written on a bare TCP socket, timing the
//! server's own time to first byte.

// The server-only build uses little of the client side.
#![cfg_attr(not(any(feature = "ours", feature = "sdk")), allow(unused))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[cfg(feature = "server")]
use base64::Engine as _;
#[cfg(feature = "server")]
use bedrock_wire::eventstream::{HeaderValue, Message};
#[cfg(feature = "server")]
use bedrock_wire::replay::{
    CannedResponse, Exchange, Faults, Matcher, Operation, ReplayConfig, ReplayServer,
};
use serde_json::json;

#[cfg(not(any(feature = "ours", feature = "sdk", feature = "server")))]
compile_error!("build with --features ours, sdk or server (bench/run.sh builds all three)");

/// The replay server's demo credentials (`bedrock_wire::replay::DEMO_*`), repeated here so the
/// SDK binary does not link bedrock-wire. A mismatch shows as rejected (non-200) requests.
const DEMO_ACCESS_KEY_ID: &str = "AKIDREPLAYDEMO";
const DEMO_SECRET_ACCESS_KEY: &str = "replay/demo/secret/key/not/a/real/one";

// ---------------------------------------------------------------- counting allocator

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);
/// Bytes currently allocated (live heap), to tell retention from fragmentation.
static LIVE: AtomicU64 = AtomicU64::new(0);
/// `LIVE` after the last measured run, the client still alive.
static LIVE_AFTER: AtomicU64 = AtomicU64::new(0);
/// Open file descriptors after the last measured run (pooled connections show up here).
static OPEN_FDS: AtomicU64 = AtomicU64::new(0);
/// The highest `LIVE` seen.
static PEAK_LIVE: AtomicU64 = AtomicU64::new(0);

fn grew(by: u64) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK_LIVE.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: forwards to the system allocator; only counts calls.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        grew(l.size() as u64);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as u64, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        grew(l.size() as u64);
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        grew(n as u64);
        LIVE.fetch_sub(l.size() as u64, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

// ---------------------------------------------------------------- process figures

/// CPU time (user + sys, all threads) of this process, in microseconds.
#[allow(unsafe_code)]
fn cpu_us() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &raw mut ts) };
    u64::try_from(ts.tv_sec).unwrap_or(0) * 1_000_000
        + u64::try_from(ts.tv_nsec).unwrap_or(0) / 1000
}

/// User and system CPU time (µs) and minor page faults of this process so far (`getrusage`).
#[allow(unsafe_code)]
fn rusage() -> (u64, u64, u64) {
    // SAFETY: an all-zero `rusage` is a valid value, and `getrusage` only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid out-pointer.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut ru) };
    let us = |t: libc::timeval| {
        u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000 + u64::try_from(t.tv_usec).unwrap_or(0)
    };
    (
        us(ru.ru_utime),
        us(ru.ru_stime),
        u64::try_from(ru.ru_minflt).unwrap_or(0),
    )
}

/// Peak resident set (VmHWM) in KiB.
fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The resident set now, broken down (`VmRSS`, `RssAnon`, `RssFile` in KiB, from
/// `/proc/self/status`), to tell code pages from heap.
fn rss_now() -> serde_json::Value {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
            .unwrap_or(0)
    };
    json!({"vm_rss_kb": field("VmRSS:"), "anon_kb": field("RssAnon:"), "file_kb": field("RssFile:")})
}

// ---------------------------------------------------------------- workloads (server side)

const DELTAS: usize = 2_000;
const CONCURRENT: usize = 100;
const CONVERSE_MODEL: &str = "us.amazon.nova-micro-v1:0";
const INVOKE_MODEL: &str = "anthropic.claude-3-5-sonnet-20240620-v1:0";
/// Frames on the wire per stream: workload 1 (messageStart, the deltas, contentBlockStop,
/// messageStop, metadata) and workload 4 (message_start, content_block_start, the deltas,
/// content_block_stop, message_delta, message_stop). The server-side builders assert these.
const W1_FRAMES: usize = DELTAS + 4;
const W4_FRAMES: usize = DELTAS + 5;

#[cfg(feature = "server")]
fn frame(event_type: &str, payload: &serde_json::Value) -> Vec<u8> {
    Message::new(payload.to_string().into_bytes())
        .with_header(":event-type", HeaderValue::string(event_type))
        .with_header(":content-type", HeaderValue::string("application/json"))
        .with_header(":message-type", HeaderValue::string("event"))
        .to_bytes()
        .expect("encodable frame")
}

/// Workload 1: ConverseStream, 2,000 small text deltas (plus start/stop/metadata).
#[cfg(feature = "server")]
fn converse_stream_body() -> (Vec<u8>, usize) {
    let mut out = frame(
        "messageStart",
        &json!({"p": "abcdefghijklmnop", "role": "assistant"}),
    );
    let mut n = 1;
    for i in 0..DELTAS {
        out.extend(frame(
            "contentBlockDelta",
            &json!({"contentBlockIndex": 0, "delta": {"text": format!("tok{} ", i % 97)}, "p": "abcdefghijkl"}),
        ));
        n += 1;
    }
    out.extend(frame(
        "contentBlockStop",
        &json!({"contentBlockIndex": 0, "p": "abcdefgh"}),
    ));
    out.extend(frame(
        "messageStop",
        &json!({"p": "abcdefghi", "stopReason": "end_turn"}),
    ));
    out.extend(frame(
        "metadata",
        &json!({"metrics": {"latencyMs": 924}, "p": "abcdefghijk",
                "usage": {"inputTokens": 353, "outputTokens": 2000, "totalTokens": 2353}}),
    ));
    (out, n + 3)
}

/// Workload 2: a Converse response of about 50 KB.
#[cfg(feature = "server")]
fn converse_body() -> Vec<u8> {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 50_000 {
        text.push_str(&format!(
            "Line {i}: the \"quick\" brown fox jumps over the lazy dog.\n"
        ));
        i += 1;
    }
    json!({
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 12, "outputTokens": 12000, "totalTokens": 12012},
        "metrics": {"latencyMs": 4321}
    })
    .to_string()
    .into_bytes()
}

#[cfg(feature = "server")]
fn chunk(event: &serde_json::Value) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(event.to_string());
    frame("chunk", &json!({"bytes": b64, "p": "abcdefghijklmnop"}))
}

/// Workload 4: InvokeModelWithResponseStream, Anthropic Messages events, 2,000 text deltas.
#[cfg(feature = "server")]
fn invoke_stream_body() -> (Vec<u8>, usize) {
    let mut out = chunk(&json!({"type": "message_start", "message": {
        "id": "msg_bdrk_01UgUptJTW7LFg8dn1kcyjpz", "type": "message", "role": "assistant",
        "model": "claude-3-5-sonnet-20240620", "content": [], "stop_reason": null,
        "stop_sequence": null, "usage": {"input_tokens": 702, "output_tokens": 1}}}));
    out.extend(chunk(&json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}})));
    for i in 0..DELTAS {
        out.extend(chunk(&json!({"type": "content_block_delta", "index": 0,
            "delta": {"type": "text_delta", "text": format!("tok{} ", i % 97)}})));
    }
    out.extend(chunk(&json!({"type": "content_block_stop", "index": 0})));
    out.extend(chunk(&json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 2000}})));
    out.extend(chunk(&json!({"type": "message_stop", "amazon-bedrock-invocationMetrics": {
        "inputTokenCount": 702, "outputTokenCount": 2000, "invocationLatency": 3042, "firstByteLatency": 791}})));
    (out, DELTAS + 5)
}

#[cfg(feature = "server")]
fn exchange(name: &str, op: Operation, response: CannedResponse) -> Exchange {
    Exchange {
        name: name.into(),
        matcher: Matcher {
            operation: Some(op),
            model: None,
            body: None,
        },
        response,
        // Real Bedrock delivers a stream in many TCP writes; 4 KiB chunks make the client read
        // incrementally instead of receiving the whole body in one write.
        faults: Faults {
            chunk_size: Some(4096),
            ..Faults::default()
        },
    }
}

#[cfg(feature = "server")]
async fn serve() {
    let w1 = converse_stream_body();
    let w4 = invoke_stream_body();
    assert_eq!((w1.1, w4.1), (W1_FRAMES, W4_FRAMES), "frame counts");
    let config = ReplayConfig {
        exchanges: vec![
            exchange(
                "w1",
                Operation::ConverseStream,
                CannedResponse::event_stream(w1.0),
            ),
            exchange(
                "w2",
                Operation::Converse,
                CannedResponse {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: converse_body().into(),
                },
            ),
            exchange(
                "w4",
                Operation::InvokeWithResponseStream,
                CannedResponse::event_stream(w4.0),
            ),
        ],
        ..ReplayConfig::default()
    };
    let server = ReplayServer::start(config)
        .await
        .expect("replay server starts");
    println!("{}", server.endpoint());
    // Serve until the parent closes our stdin.
    let _ = tokio::task::spawn_blocking(|| {
        let mut buf = [0u8; 1];
        let _ = std::io::Read::read(&mut std::io::stdin(), &mut buf);
    })
    .await;
    let rejected: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.status != Some(200))
        .collect();
    if !rejected.is_empty() {
        eprintln!(
            "replay server: {} request(s) not answered 200; first: {:?}",
            rejected.len(),
            rejected[0]
        );
    }
}

// ---------------------------------------------------------------- drivers

/// One measured call: (time to first event, events seen).
type Outcome = (Duration, usize);

/// Marks for the latency shim (`bench/latency/shim.c`, `BENCH_MARKS=1` with `LD_PRELOAD`): a
/// `getpriority(PRIO_PROCESS, code)` call the shim records with its timestamp next to the
/// process's socket reads and writes (and answers without a system call). Codes: 1 library call
/// starts, 2 library's first event, 3 raw request starts, 4 raw's first frame complete.
/// Without `BENCH_MARKS` nothing is called.
#[allow(unsafe_code)]
fn mark(code: u32) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("BENCH_MARKS").is_some()) {
        // SAFETY: a plain libc call with integer arguments.
        unsafe { libc::getpriority(libc::PRIO_PROCESS, 0x7fff_0000 + code) };
    }
}

/// The idle gap before every timed request (`BENCH_GAP_US`), the same for every client.
async fn pause() {
    if let Some(us) = std::env::var("BENCH_GAP_US")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(Duration::from_micros(us)).await;
    }
}

/// Time from the call to the response head (the call returned a stream or response; the raw
/// client: the head's blank line arrived), in µs, of the last call.
static HEAD_US: AtomicU64 = AtomicU64::new(0);

fn head_seen(t0: Instant) {
    HEAD_US.store(
        u64::try_from(t0.elapsed().as_micros()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

#[cfg(feature = "ours")]
mod ours {
    use super::*;
    use bedrock_wire::client::{Client, Env};
    use bedrock_wire::model::ChatRequest;

    pub fn client(endpoint: &str) -> Client {
        Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .endpoint_url(endpoint)
            .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
            .build()
            .expect("client builds")
    }

    pub async fn run(c: &Client, workload: u8) -> Outcome {
        let t0 = Instant::now();
        mark(1);
        match workload {
            2 => {
                let r = c
                    .converse(&ChatRequest::new(CONVERSE_MODEL).user("Hi"))
                    .await
                    .expect("converse");
                let ttfe = t0.elapsed();
                mark(2);
                assert!(r.text().len() > 40_000);
                (ttfe, 1)
            }
            4 => {
                let mut s = c
                    .invoke_stream(&ChatRequest::new(INVOKE_MODEL).user("Hi"))
                    .await
                    .expect("invoke_stream");
                head_seen(t0);
                drain(&mut s, t0).await
            }
            _ => {
                let mut s = c
                    .converse_stream(&ChatRequest::new(CONVERSE_MODEL).user("Hi"))
                    .await
                    .expect("converse_stream");
                head_seen(t0);
                drain(&mut s, t0).await
            }
        }
    }

    async fn drain(s: &mut bedrock_wire::stream::ConverseStream, t0: Instant) -> Outcome {
        let mut first = None;
        let mut n = 0;
        let mut chars = 0usize;
        while let Some(ev) = s.next().await {
            let ev = ev.expect("stream event");
            if first.is_none() {
                mark(2);
            }
            first.get_or_insert_with(|| t0.elapsed());
            if let bedrock_wire::model::StreamEvent::BlockDelta { delta, .. } = &ev {
                chars += std::hint::black_box(delta).text_len();
            }
            n += 1;
        }
        std::hint::black_box(chars);
        (first.unwrap_or_default(), n)
    }

    trait TextLen {
        fn text_len(&self) -> usize;
    }
    impl TextLen for bedrock_wire::model::BlockDelta {
        fn text_len(&self) -> usize {
            match self {
                bedrock_wire::model::BlockDelta::Text { text } => text.len(),
                _ => 0,
            }
        }
    }
}

#[cfg(feature = "sdk")]
mod sdk {
    use super::*;
    use aws_config::{BehaviorVersion, Region};
    use aws_sdk_bedrockruntime::Client;
    use aws_sdk_bedrockruntime::primitives::Blob;
    use aws_sdk_bedrockruntime::types::{
        ContentBlock, ContentBlockDelta, ConversationRole, ConverseOutput, ConverseStreamOutput,
        Message as SdkMessage, ResponseStream,
    };

    pub async fn client(endpoint: &str) -> Client {
        let creds = aws_credential_types::Credentials::new(
            DEMO_ACCESS_KEY_ID,
            DEMO_SECRET_ACCESS_KEY,
            None,
            None,
            "bench",
        );
        let conf = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(endpoint)
            .load()
            .await;
        Client::new(&conf)
    }

    fn hi() -> SdkMessage {
        SdkMessage::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text("Hi".into()))
            .build()
            .expect("message")
    }

    /// What a careful SDK user writes to read Anthropic chunks: a small typed struct.
    #[derive(serde::Deserialize)]
    struct AnthropicEvent {
        #[serde(rename = "type")]
        kind: String,
        delta: Option<AnthropicDelta>,
    }
    #[derive(serde::Deserialize)]
    struct AnthropicDelta {
        text: Option<String>,
    }

    pub async fn run(c: &Client, workload: u8) -> Outcome {
        let t0 = Instant::now();
        mark(1);
        match workload {
            2 => {
                let r = c
                    .converse()
                    .model_id(CONVERSE_MODEL)
                    .messages(hi())
                    .send()
                    .await
                    .expect("converse");
                let ttfe = t0.elapsed();
                mark(2);
                let Some(ConverseOutput::Message(m)) = r.output else {
                    panic!("no message")
                };
                let len: usize = m
                    .content
                    .iter()
                    .map(|b| b.as_text().map_or(0, String::len))
                    .sum();
                assert!(len > 40_000);
                (ttfe, 1)
            }
            4 => {
                let body = json!({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 4096,
                    "messages": [{"role": "user", "content": "Hi"}]});
                let mut out = c
                    .invoke_model_with_response_stream()
                    .model_id(INVOKE_MODEL)
                    .content_type("application/json")
                    .body(Blob::new(body.to_string()))
                    .send()
                    .await
                    .expect("invoke_model_with_response_stream");
                head_seen(t0);
                let mut first = None;
                let mut n = 0;
                let mut chars = 0usize;
                while let Some(ev) = out.body.recv().await.expect("stream event") {
                    if first.is_none() {
                        mark(2);
                    }
                    first.get_or_insert_with(|| t0.elapsed());
                    if let ResponseStream::Chunk(part) = ev {
                        let bytes = part.bytes.expect("chunk bytes");
                        let e: AnthropicEvent =
                            serde_json::from_slice(bytes.as_ref()).expect("anthropic event");
                        if e.kind == "content_block_delta" {
                            chars += e.delta.and_then(|d| d.text).map_or(0, |t| t.len());
                        }
                    }
                    n += 1;
                }
                std::hint::black_box(chars);
                (first.unwrap_or_default(), n)
            }
            _ => {
                let mut out = c
                    .converse_stream()
                    .model_id(CONVERSE_MODEL)
                    .messages(hi())
                    .send()
                    .await
                    .expect("converse_stream");
                head_seen(t0);
                let mut first = None;
                let mut n = 0;
                let mut chars = 0usize;
                while let Some(ev) = out.stream.recv().await.expect("stream event") {
                    if first.is_none() {
                        mark(2);
                    }
                    first.get_or_insert_with(|| t0.elapsed());
                    if let ConverseStreamOutput::ContentBlockDelta(d) = &ev {
                        if let Some(ContentBlockDelta::Text(t)) = &d.delta {
                            chars += t.len();
                        }
                    }
                    n += 1;
                }
                std::hint::black_box(chars);
                (first.unwrap_or_default(), n)
            }
        }
    }
}

#[cfg(any(feature = "ours", feature = "sdk"))]
mod raw {
    use super::*;
    #[cfg(feature = "ours")]
    use bedrock_wire::sigv4;
    use std::time::SystemTime;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A signed HTTP/1.1 request (with `connection: close`) for this workload.
    pub fn request(endpoint: &str, workload: u8, keep_alive: bool) -> (String, Vec<u8>) {
        let (model, op, body) = match workload {
            2 => (CONVERSE_MODEL, "converse", r#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#.to_string()),
            4 => (INVOKE_MODEL, "invoke-with-response-stream",
                  r#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":4096,"messages":[{"role":"user","content":"Hi"}]}"#.to_string()),
            _ => (CONVERSE_MODEL, "converse-stream", r#"{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}"#.to_string()),
        };
        let path = format!("/model/{}/{op}", model.replace(':', "%3A"));
        let url = format!("{endpoint}{path}");
        let host = endpoint.trim_start_matches("http://").to_string();
        let creds = sigv4::Credentials::new(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None);
        let base = [("content-type", "application/json")];
        let out = sigv4::sign(
            &sigv4::SignableRequest {
                method: "POST",
                url: &url,
                headers: &base,
                body: sigv4::SignableBody::Bytes(body.as_bytes()),
            },
            &sigv4::SigningParams {
                region: "us-east-1",
                service: "bedrock",
                time: SystemTime::now(),
                #[cfg(feature = "ours")]
                settings: bedrock_wire::crypto::signing_settings(),
                #[cfg(not(feature = "ours"))]
                settings: sigv4::SigningSettings::default(),
            },
            &creds,
        )
        .expect("signs");
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}",
            body.len(),
            if keep_alive {
                ""
            } else {
                "connection: close\r\n"
            }
        );
        for (n, v) in out.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.as_bytes());
        (host, bytes)
    }

    /// Whether `buf` (an HTTP/1.1 response read so far) holds the head and the whole first Event
    /// Stream frame of the body (de-chunked when the body is chunked).
    fn has_first_frame(buf: &[u8]) -> bool {
        let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
        let Some(h) = find(buf, b"\r\n\r\n") else {
            return false;
        };
        let head = String::from_utf8_lossy(&buf[..h]).to_ascii_lowercase();
        let mut body = Vec::new();
        let mut p = h + 4;
        if head.contains("transfer-encoding: chunked") {
            while let Some(e) = find(&buf[p..], b"\r\n") {
                let line = String::from_utf8_lossy(&buf[p..p + e]);
                let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
                    break;
                };
                p += e + 2;
                let avail = size.min(buf.len() - p);
                body.extend_from_slice(&buf[p..p + avail]);
                if avail < size || size == 0 || p + size + 2 > buf.len() {
                    break;
                }
                p += size + 2;
            }
        } else {
            body.extend_from_slice(&buf[p..]);
        }
        body.len() >= 4
            && body.len() >= u32::from_be_bytes([body[0], body[1], body[2], body[3]]) as usize
    }

    /// The server's own times: for the streamed workloads, to the whole first event frame (its
    /// time to first event); for workload 2, to the first response byte. The whole response is
    /// then read to EOF.
    /// `--lib raw-keepalive`: time the second request on a kept-alive connection, as the
    /// libraries' pooled connections are; `--lib raw`: a fresh connection.
    fn keep_alive() -> bool {
        KEEP_ALIVE.load(Ordering::Relaxed)
    }

    /// Set for `--lib raw-keepalive`.
    pub static KEEP_ALIVE: std::sync::atomic::AtomicBool =
        std::sync::atomic::AtomicBool::new(false);

    /// A kept-alive connection to the server: the first exchange (read to the end) is not
    /// timed; every [`Conn::timed`] request after it is, as the libraries' pooled connections.
    pub struct Conn {
        s: tokio::net::TcpStream,
        endpoint: String,
        buf: Vec<u8>,
        got: Vec<u8>,
    }

    impl Conn {
        pub async fn open(endpoint: &str, workload: u8) -> Conn {
            let (host, req) = request(endpoint, workload, true);
            let s = tokio::net::TcpStream::connect(host).await.expect("connect");
            s.set_nodelay(true).expect("nodelay");
            let mut c = Conn {
                s,
                endpoint: endpoint.to_string(),
                buf: vec![0u8; 64 * 1024],
                got: Vec::new(),
            };
            c.s.write_all(&req).await.expect("write");
            c.got.clear();
            c.read_to_end_of_body().await;
            c
        }

        /// Reads until the chunked body's last chunk (`got` holds what was read so far).
        async fn read_to_end_of_body(&mut self) {
            while !self.got.ends_with(b"\r\n0\r\n\r\n") {
                let n = self.s.read(&mut self.buf).await.expect("read");
                assert!(n > 0, "raw: the response ended early");
                self.got.extend_from_slice(&self.buf[..n]);
            }
        }

        /// One request on this connection (signed before the timer starts): the server's own
        /// time to first event (workload 2: to the first byte); the response is read to its end.
        pub async fn timed(&mut self, workload: u8) -> Outcome {
            let (_, req) = request(&self.endpoint, workload, true);
            let t0 = Instant::now();
            mark(3);
            let _ = std::os::unix::process::parent_id();
            self.s.write_all(&req).await.expect("write");
            self.got.clear();
            let mut head = false;
            loop {
                let n = self.s.read(&mut self.buf).await.expect("read");
                assert!(n > 0, "raw: the response ended early");
                self.got.extend_from_slice(&self.buf[..n]);
                if !head && self.got.windows(4).any(|w| w == b"\r\n\r\n") {
                    let _ = std::os::unix::process::parent_id();
                    head = true;
                    head_seen(t0);
                }
                if workload == 2 || has_first_frame(&self.got) {
                    let first = t0.elapsed();
                    mark(4);
                    assert!(
                        self.got.starts_with(b"HTTP/1.1 200"),
                        "raw: {}",
                        String::from_utf8_lossy(&self.got[..self.got.len().min(300)])
                    );
                    self.read_to_end_of_body().await;
                    return (first, 1);
                }
            }
        }
    }

    pub async fn run(endpoint: &str, workload: u8) -> Outcome {
        if keep_alive() {
            let mut c = Conn::open(endpoint, workload).await;
            pause().await;
            return c.timed(workload).await;
        }
        let (host, req) = request(endpoint, workload, false);
        let mut s = tokio::net::TcpStream::connect(host).await.expect("connect");
        s.set_nodelay(true).expect("nodelay");
        let t0 = Instant::now();
        mark(3);
        s.write_all(&req).await.expect("write");
        let mut buf = vec![0u8; 64 * 1024];
        let mut got = Vec::new();
        let mut head = false;
        let first = loop {
            let n = s.read(&mut buf).await.expect("read");
            assert!(n > 0, "raw: the response ended early");
            got.extend_from_slice(&buf[..n]);
            if !head && got.windows(4).any(|w| w == b"\r\n\r\n") {
                head = true;
                head_seen(t0);
            }
            if workload == 2 || has_first_frame(&got) {
                mark(4);
                break t0.elapsed();
            }
        };
        assert!(
            got.starts_with(b"HTTP/1.1 200"),
            "raw: {}",
            String::from_utf8_lossy(&got[..got.len().min(300)])
        );
        while s.read(&mut buf).await.expect("read") > 0 {}
        (first, 1)
    }
}

// ---------------------------------------------------------------- measurement

#[cfg(any(feature = "ours", feature = "sdk"))]
#[derive(Default, Clone, Copy)]
struct Sample {
    wall_us: u64,
    cpu_us: u64,
    ttfe_us: u64,
    /// `getrusage` deltas: user and system time (µs; the kernel's tick accounting, so coarse
    /// per call but unbiased as a median over runs) and minor page faults.
    user_us: u64,
    sys_us: u64,
    minflt: u64,
    head_us: u64,
    /// `--paired`: the raw client's time to first event and to the head, right after this call.
    raw_ttfe_us: u64,
    raw_head_us: u64,
    allocs: u64,
    events: u64,
}

#[cfg(any(feature = "ours", feature = "sdk"))]
enum Lib {
    #[cfg(feature = "ours")]
    Ours(bedrock_wire::client::Client),
    #[cfg(feature = "sdk")]
    Sdk(aws_sdk_bedrockruntime::Client),
    Raw(String),
}

#[cfg(any(feature = "ours", feature = "sdk"))]
async fn one(lib: &Lib, workload: u8) -> Outcome {
    match lib {
        #[cfg(feature = "ours")]
        Lib::Ours(c) => ours::run(c, workload).await,
        #[cfg(feature = "sdk")]
        Lib::Sdk(c) => sdk::run(c, workload).await,
        Lib::Raw(e) => raw::run(e, workload).await,
    }
}

#[cfg(any(feature = "ours", feature = "sdk"))]
fn lib_handle(lib: &Lib) -> Lib {
    match lib {
        #[cfg(feature = "ours")]
        Lib::Ours(c) => Lib::Ours(c.clone()),
        #[cfg(feature = "sdk")]
        Lib::Sdk(c) => Lib::Sdk(c.clone()),
        Lib::Raw(e) => Lib::Raw(e.clone()),
    }
}

#[cfg(any(feature = "ours", feature = "sdk"))]
async fn sample(lib: &Lib, workload: u8) -> Sample {
    if !matches!(lib, Lib::Raw(_)) {
        pause().await;
    }
    let a0 = ALLOCS.load(Ordering::Relaxed);
    let r0 = rusage();
    let c0 = cpu_us();
    let t0 = Instant::now();
    let (ttfe, events) = if workload == 3 {
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..CONCURRENT {
            let l = lib_handle(lib);
            set.spawn(async move { one(&l, 1).await });
        }
        let mut firsts = Vec::new();
        let mut events = 0;
        while let Some(r) = set.join_next().await {
            let (t, n) = r.expect("task");
            firsts.push(t);
            events += n;
        }
        firsts.sort();
        (firsts[firsts.len() / 2], events)
    } else {
        one(lib, workload).await
    };
    let wall = t0.elapsed();
    let r1 = rusage();
    Sample {
        user_us: r1.0 - r0.0,
        sys_us: r1.1 - r0.1,
        minflt: r1.2 - r0.2,
        wall_us: u64::try_from(wall.as_micros()).unwrap_or(u64::MAX),
        cpu_us: cpu_us() - c0,
        ttfe_us: u64::try_from(ttfe.as_micros()).unwrap_or(u64::MAX),
        head_us: HEAD_US.swap(0, Ordering::Relaxed),
        raw_ttfe_us: 0,
        raw_head_us: 0,
        allocs: ALLOCS.load(Ordering::Relaxed) - a0,
        events: events as u64,
    }
}

#[cfg(any(feature = "ours", feature = "sdk"))]
fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2
    }
}

#[cfg(any(feature = "ours", feature = "sdk"))]
fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    #[cfg(feature = "server")]
    if args.get(1).map(String::as_str) == Some("serve") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(serve());
        return;
    }
    #[cfg(any(feature = "ours", feature = "sdk"))]
    measure(&args);
    #[cfg(not(any(feature = "ours", feature = "sdk")))]
    eprintln!("this binary only serves: bench-server serve");
}

/// Runs one library (`--lib`) on one workload and prints the JSON line of medians.
#[cfg(any(feature = "ours", feature = "sdk"))]
fn measure(args: &[String]) {
    let lib = arg(args, "--lib").unwrap_or_else(|| "ours".into());
    let workload: u8 = arg(args, "--workload")
        .and_then(|w| w.parse().ok())
        .unwrap_or(1);
    let runs: usize = arg(args, "--runs")
        .and_then(|w| w.parse().ok())
        .unwrap_or(10);
    let paired = args.iter().any(|a| a == "--paired");
    assert!(
        !paired || (workload != 3 && lib != "raw" && lib != "raw-keepalive"),
        "--paired is for one library call at a time (workloads 1, 2, 4)"
    );
    let warmup: usize = arg(args, "--warmup")
        .and_then(|w| w.parse().ok())
        .unwrap_or(2);

    // The replay server runs in a child process so its CPU time and memory are not counted here.
    let server = arg(args, "--server").map_or_else(
        || {
            let me = std::env::current_exe().expect("current exe");
            if cfg!(feature = "server") {
                me
            } else {
                me.with_file_name("bench-server")
            }
        },
        std::path::PathBuf::from,
    );
    let mut child = Command::new(&server)
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn replay server {}: {e}", server.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("endpoint");
    let endpoint = line.trim().to_string();

    // The library runs on a current-thread runtime: every byte of CPU it uses is on this thread,
    // and both libraries get the same executor.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let frames_per_stream = match workload {
        1 | 3 => W1_FRAMES,
        4 => W4_FRAMES,
        _ => 1,
    } as u64;
    let samples: Vec<Sample> = rt.block_on(async {
        let handle = match lib.as_str() {
            #[cfg(feature = "sdk")]
            "sdk" => Lib::Sdk(sdk::client(&endpoint).await),
            "raw" => Lib::Raw(endpoint.clone()),
            "raw-keepalive" => {
                raw::KEEP_ALIVE.store(true, Ordering::Relaxed);
                Lib::Raw(endpoint.clone())
            }
            #[cfg(feature = "ours")]
            "ours" => Lib::Ours(ours::client(&endpoint)),
            other => panic!("this binary does not contain --lib {other}"),
        };
        // `--paired`: every call of the library is followed by one request of the raw client on
        // its own kept-alive connection, in this process, after the same pause: the difference
        // of each pair is the library's time to first event over the server's own, free of the
        // placement and wake-up variation between processes.
        let mut conn = if paired {
            Some(raw::Conn::open(&endpoint, workload).await)
        } else {
            None
        };
        for _ in 0..warmup {
            sample(&handle, workload).await;
            if let Some(c) = conn.as_mut() {
                pause().await;
                c.timed(workload).await;
            }
        }
        let mut out = Vec::new();
        for _ in 0..runs {
            let mut s = sample(&handle, workload).await;
            if let Some(c) = conn.as_mut() {
                pause().await;
                let (t, _) = c.timed(workload).await;
                s.raw_ttfe_us = u64::try_from(t.as_micros()).unwrap_or(u64::MAX);
                s.raw_head_us = HEAD_US.swap(0, Ordering::Relaxed);
            }
            out.push(s);
        }
        LIVE_AFTER.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        OPEN_FDS.store(
            std::fs::read_dir("/proc/self/fd").map_or(0, Iterator::count) as u64,
            Ordering::Relaxed,
        );
        out
    });
    if std::env::var_os("BENCH_SMAPS").is_some() {
        // Resident KiB per mapped file (or [heap]/[stack]/anonymous), largest first.
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
        let mut per: std::collections::BTreeMap<String, u64> = Default::default();
        let mut name = String::new();
        for l in smaps.lines() {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.first()
                .is_some_and(|a| a.contains('-') && !a.ends_with(':'))
            {
                name = f.get(5).map_or("[anon]", |v| v).to_string() + " " + f.get(1).unwrap_or(&"");
            } else if f.first() == Some(&"Rss:") {
                *per.entry(name.clone()).or_default() += f[1].parse::<u64>().unwrap_or(0);
            }
        }
        let mut v: Vec<_> = per.into_iter().filter(|e| e.1 > 0).collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.1));
        for (n, kb) in v {
            eprintln!("{kb:>8} KiB  {n}");
        }
    }
    drop(child.stdin.take());
    let _ = child.wait();

    let streams: u64 = if workload == 3 { CONCURRENT as u64 } else { 1 };
    let frames = frames_per_stream * streams;
    let get = |f: fn(&Sample) -> u64| median(samples.iter().map(f).collect());
    let allocs = get(|s| s.allocs);
    if paired {
        // Median of the per-pair differences (not the difference of the medians).
        let diff = |f: fn(&Sample) -> u64, g: fn(&Sample) -> u64| {
            let mut d: Vec<i64> = samples.iter().map(|s| f(s) as i64 - g(s) as i64).collect();
            d.sort_unstable();
            d[d.len() / 2]
        };
        println!(
            "{}",
            json!({
                "lib": lib, "workload": workload, "runs": runs, "paired": true,
                "gap_us": std::env::var("BENCH_GAP_US").ok().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0),
                "ttfe_us": get(|s| s.ttfe_us),
                "raw_ttfe_us": get(|s| s.raw_ttfe_us),
                "diff_us": diff(|s| s.ttfe_us, |s| s.raw_ttfe_us),
                "head_us": get(|s| s.head_us),
                "raw_head_us": get(|s| s.raw_head_us),
                "head_diff_us": diff(|s| s.head_us, |s| s.raw_head_us),
            })
        );
        return;
    }
    println!(
        "{}",
        json!({
            "lib": lib, "workload": workload, "runs": runs,
            "wall_us": get(|s| s.wall_us),
            "cpu_us": get(|s| s.cpu_us),
            "user_us_mean": samples.iter().map(|s| s.user_us).sum::<u64>() / samples.len().max(1) as u64,
            "sys_us_mean": samples.iter().map(|s| s.sys_us).sum::<u64>() / samples.len().max(1) as u64,
            "minor_faults": get(|s| s.minflt),
            "ttfe_us": get(|s| s.ttfe_us),
            "head_us": get(|s| s.head_us),
            "allocs": allocs,
            "frames": frames,
            "allocs_per_event": (allocs as f64) / (frames as f64),
            "events_seen": get(|s| s.events),
            "rss_kb": vm_hwm_kb(),
            "rss_now": rss_now(),
            "live_heap_kb_after_runs": LIVE_AFTER.load(Ordering::Relaxed) / 1024,
            "peak_live_heap_kb": PEAK_LIVE.load(Ordering::Relaxed) / 1024,
            "open_fds_after_runs": OPEN_FDS.load(Ordering::Relaxed),
        })
    );
}
