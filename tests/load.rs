//! Issue 9, load: 1,000 concurrent ConverseStream calls through one client on a multi-thread
//! runtime, against the loopback replay server. Every stream completes with the fixture's text;
//! the process's peak RSS stays bounded; no file descriptor and no task outlives the run.
//!
//! This binary holds this one test, so the process figures (VmHWM, open descriptors) are its own.
//! Run it with `--nocapture` to see the measured figures:
//!
//! ```text
//! CARGO_TARGET_DIR=... cargo test -p bedrock-wire --features replay --test load -- --nocapture
//! ```
//!
//! Linux only (it reads `/proc/self`); elsewhere it only checks the content.

use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::ChatRequest;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayConfig, ReplayServer,
};

const STREAMS: usize = 1_000;
/// The bound asserted on the process's peak RSS (the measured figure is far below; see the
/// README's reliability section).
const PEAK_RSS_BOUND_KIB: u64 = 256 * 1024;
/// Descriptors allowed to differ after the run (the test harness's own threads and pipes).
const FD_SLACK: usize = 8;

/// A `/proc/self/status` field in KiB (`VmHWM`, `VmRSS`).
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The number of open file descriptors.
fn open_fds() -> Option<usize> {
    Some(std::fs::read_dir("/proc/self/fd").ok()?.count())
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/replay")
        .join(name)
}

#[test]
fn a_thousand_concurrent_streams_through_one_client() {
    let fds_before = open_fds();
    let hwm_before = status_kib("VmHWM");
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture("demo-stream").join("expected.json")).expect("expected"),
    )
    .expect("json");
    let want = expected["text"].as_str().expect("text").to_owned();
    let body = std::fs::read(fixture("demo-stream").join("response.eventstream")).expect("body");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    let (alive_before, alive_after) = runtime.block_on(async move {
        let metrics = tokio::runtime::Handle::current().metrics();
        let alive_before = metrics.num_alive_tasks();
        let server = ReplayServer::start(ReplayConfig {
            exchanges: vec![Exchange {
                name: "demo-stream".into(),
                matcher: Matcher::default(),
                response: CannedResponse::event_stream(body),
                // Small network chunks: every stream is reassembled across chunk boundaries.
                faults: Faults {
                    chunk_size: Some(1024),
                    ..Faults::default()
                },
            }],
            ..ReplayConfig::default()
        })
        .await
        .expect("server");
        let client = Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .endpoint_url(server.endpoint())
            .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
            .max_attempts(1)
            .build()
            .expect("client");
        // Every stream is opened before any is read: the barrier proves all 1,000 are open at
        // once (one connection each, HTTP/1.1).
        let opened = Arc::new(tokio::sync::Barrier::new(STREAMS));
        let fds_while_open = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..STREAMS {
            let client = client.clone();
            let opened = opened.clone();
            let fds_while_open = fds_while_open.clone();
            tasks.spawn(async move {
                let request = ChatRequest::new("us.amazon.nova-micro-v1:0")
                    .user(format!("stream number {i}"));
                let stream = client.converse_stream(&request).await;
                if opened.wait().await.is_leader() {
                    let n = open_fds().unwrap_or(0);
                    fds_while_open.store(n, std::sync::atomic::Ordering::SeqCst);
                }
                stream?.text().await
            });
        }
        let all = tokio::time::timeout(Duration::from_secs(120), async {
            let mut texts = Vec::with_capacity(STREAMS);
            while let Some(joined) = tasks.join_next().await {
                texts.push(joined.expect("task"));
            }
            texts
        })
        .await
        .expect("hang detector: the streams did not finish within 120 s");
        assert_eq!(all.len(), STREAMS);
        let fds_while_open = fds_while_open.load(std::sync::atomic::Ordering::SeqCst);
        eprintln!("load: {fds_while_open} descriptors open while all {STREAMS} streams were open");
        if open_fds().is_some() {
            // One connection per stream, both ends in this process.
            assert!(
                fds_while_open >= 2 * STREAMS,
                "only {fds_while_open} descriptors while {STREAMS} streams were open"
            );
        }
        let mut wrong = 0;
        for text in &all {
            match text {
                Ok(t) if *t == want => {}
                Ok(t) => {
                    wrong += 1;
                    eprintln!("wrong text: {t:?}");
                }
                Err(e) => {
                    wrong += 1;
                    eprintln!("stream failed: {e}");
                }
            }
        }
        assert_eq!(wrong, 0, "every stream completes with the right content");
        let requests = server.requests();
        assert_eq!(requests.len(), STREAMS);
        assert!(requests.iter().all(|r| r.status == Some(200)));
        drop(all);
        drop(client);
        drop(server);
        // Connection tasks end once their peer is gone; give them a moment.
        let mut alive_after = metrics.num_alive_tasks();
        for _ in 0..100 {
            if alive_after <= alive_before {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            alive_after = metrics.num_alive_tasks();
        }
        (alive_before, alive_after)
    });
    drop(runtime);
    assert_eq!(
        alive_after, alive_before,
        "tasks still alive after the run: {alive_after} (before: {alive_before})"
    );

    let hwm_after = status_kib("VmHWM");
    let fds_after = open_fds();
    eprintln!(
        "load: {STREAMS} streams; VmHWM before {hwm_before:?} KiB, after {hwm_after:?} KiB; \
         open fds before {fds_before:?}, after {fds_after:?}; tasks alive before {alive_before}, \
         after {alive_after}"
    );
    if let Some(hwm) = hwm_after {
        assert!(
            hwm < PEAK_RSS_BOUND_KIB,
            "peak RSS {hwm} KiB over the {PEAK_RSS_BOUND_KIB} KiB bound"
        );
    }
    if let (Some(before), Some(after)) = (fds_before, fds_after) {
        assert!(
            after <= before + FD_SLACK,
            "file descriptors leaked: {before} before, {after} after"
        );
    }
}
