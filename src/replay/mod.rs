//! A loopback HTTP server that behaves like Bedrock Runtime: it authenticates each request as
//! AWS would, answers from recorded fixtures, and injects faults.
//!
//! Start it in your own tests and point the client's endpoint at [`ReplayServer::endpoint`]:
//!
//! ```
//! use bedrock_wire::replay::{CannedResponse, Exchange, Faults, Matcher, ReplayAuth, ReplayConfig, ReplayServer};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let server = ReplayServer::start(ReplayConfig {
//!     auth: ReplayAuth::Bearer("bedrock-api-key-test".into()),
//!     exchanges: vec![Exchange {
//!         name: "hello".into(),
//!         matcher: Matcher::default(),
//!         response: CannedResponse::json(&serde_json::json!({"ok": true})),
//!         faults: Faults::default(),
//!     }],
//!     ..ReplayConfig::default()
//! })
//! .await?;
//! assert!(server.endpoint().starts_with("http://127.0.0.1:"));
//! # Ok(())
//! # }
//! ```

mod fixture;
mod http;
mod verify;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

pub use fixture::{
    CannedResponse, Exchange, Faults, FixtureError, Matcher, Operation, contains, parse_path,
};
pub use http::Request;
pub use verify::{AuthFailure, MAX_SKEW, ReplayAuth};

use crate::clock::{Clock, SystemClock};

/// The demo credentials the offline mode signs with and the server checks.
pub const DEMO_ACCESS_KEY_ID: &str = "AKIDREPLAYDEMO";
/// The demo secret (not a secret: it only opens the loopback replay server).
pub const DEMO_SECRET_ACCESS_KEY: &str = "replay/demo/secret/key/not/a/real/one";
/// The demo region.
pub const DEMO_REGION: &str = "us-east-1";

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// What authentication it accepts.
    pub auth: ReplayAuth,
    /// What it answers (the most specific match wins; ties go to the earlier one).
    pub exchanges: Vec<Exchange>,
    /// Faults applied to every request, counted server-wide.
    pub faults: Faults,
    /// Reject requests whose `x-amz-date` is more than 5 minutes from the server's clock.
    pub check_skew: bool,
    /// The server's clock runs this many seconds ahead of `clock` (negative: behind), to
    /// simulate a client with a skewed clock.
    pub clock_offset_secs: i64,
    /// The server's clock.
    pub clock: Arc<dyn Clock>,
}

impl Default for ReplayConfig {
    fn default() -> Self {
        Self {
            auth: ReplayAuth::SigV4 {
                access_key_id: DEMO_ACCESS_KEY_ID.into(),
                secret_access_key: DEMO_SECRET_ACCESS_KEY.into(),
                session_token: None,
            },
            exchanges: Vec::new(),
            faults: Faults::default(),
            check_skew: true,
            clock_offset_secs: 0,
            clock: Arc::new(SystemClock),
        }
    }
}

impl ReplayConfig {
    /// The default configuration (demo SigV4 credentials) with every fixture under `dir`.
    pub fn from_fixtures(dir: &std::path::Path) -> Result<Self, FixtureError> {
        Ok(Self {
            exchanges: Exchange::load_all(dir)?,
            ..Self::default()
        })
    }
}

/// A request the server received, and what it did with it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The request (its `Debug` hides header values).
    pub request: Request,
    /// The operation and model id, when the path was a model operation.
    pub operation: Option<(Operation, String)>,
    /// The fixture that answered, if any.
    pub fixture: Option<String>,
    /// The status sent (`None` when the connection was reset instead).
    pub status: Option<u16>,
}

#[derive(Debug)]
struct State {
    config: ReplayConfig,
    log: Mutex<Vec<RecordedRequest>>,
    /// Requests seen per exchange (index) and server-wide (`usize::MAX`).
    counters: Mutex<HashMap<usize, u32>>,
}

/// A running replay server. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct ReplayServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ReplayServer {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn start(config: ReplayConfig) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Binds 127.0.0.1 on `port` (0 for a free one) and starts serving.
    pub async fn start_on(config: ReplayConfig, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            config,
            log: Mutex::new(Vec::new()),
            counters: Mutex::new(HashMap::new()),
        });
        let accept_state = Arc::clone(&state);
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        connections.spawn(serve_connection(stream, Arc::clone(&accept_state)));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Ok(Self { addr, state, task })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to give a client: `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        self.state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// What to do with one request.
enum Plan {
    Respond {
        response: CannedResponse,
        faults: Faults,
    },
    Reset,
}

async fn serve_connection(mut stream: TcpStream, state: Arc<State>) {
    let mut buf = Vec::new();
    loop {
        let request = match http::read_request(&mut stream, &mut buf).await {
            Ok(r) => r,
            Err(http::ReadError::Closed | http::ReadError::Io) => return,
            Err(http::ReadError::Malformed(why)) => {
                let body = serde_json::json!({ "message": why }).to_string();
                let mut out = http::response_head(
                    400,
                    &[("content-type".into(), "application/json".into())],
                    Some(body.len()),
                    true,
                );
                out.extend_from_slice(body.as_bytes());
                let _ = stream.write_all(&out).await;
                return;
            }
        };
        let close = request.wants_close();
        let (plan, record) = plan(&state, request);
        let status = match &plan {
            Plan::Respond { response, .. } => Some(response.status),
            Plan::Reset => None,
        };
        state
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(RecordedRequest { status, ..record });
        match plan {
            Plan::Reset => {
                reset(stream);
                return;
            }
            Plan::Respond { response, faults } => {
                match send(&mut stream, &state, &response, &faults, close).await {
                    Ok(Sent::KeepAlive) if !close => {}
                    Ok(Sent::Reset) => {
                        reset(stream);
                        return;
                    }
                    _ => return,
                }
            }
        }
    }
}

fn reset(stream: TcpStream) {
    // SO_LINGER 0 makes close() send a RST instead of a FIN.
    let _ = stream.set_zero_linger();
    drop(stream);
}

fn server_now(config: &ReplayConfig) -> SystemTime {
    let now = config.clock.now();
    let offset = Duration::from_secs(config.clock_offset_secs.unsigned_abs());
    if config.clock_offset_secs >= 0 {
        now + offset
    } else {
        now - offset
    }
}

fn bump(state: &State, key: usize) -> u32 {
    let mut counters = state
        .counters
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let n = counters.entry(key).or_insert(0);
    *n += 1;
    *n
}

/// Decides the answer. Returns the plan and the log record (status filled in by the caller).
fn plan(state: &State, request: Request) -> (Plan, RecordedRequest) {
    let config = &state.config;
    let now = server_now(config);
    let mut record = RecordedRequest {
        operation: None,
        fixture: None,
        status: None,
        request,
    };
    let respond = |mut response: CannedResponse, faults: Faults, n: u64| {
        response.headers.push(("date".into(), http_date(now)));
        response
            .headers
            .push(("x-amzn-RequestId".into(), request_id(n)));
        Plan::Respond { response, faults }
    };
    let serial = bump(state, usize::MAX - 1);
    let n = u64::from(serial);

    if let Err(failure) = verify::verify(&config.auth, &record.request, now, config.check_skew) {
        let status = if failure.error_type == "ValidationException" {
            400
        } else {
            403
        };
        return (
            respond(
                CannedResponse::error(status, failure.error_type, &failure.message),
                Faults::default(),
                n,
            ),
            record,
        );
    }

    let Some((model, operation)) = (record.request.method == "POST")
        .then(|| parse_path(record.request.path()))
        .flatten()
    else {
        let mut response = CannedResponse {
            status: 404,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-amzn-ErrorType".into(), "UnknownOperationException".into()),
            ],
            body: Bytes::from_static(
                br#"{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"#,
            ),
        };
        response.status = 404;
        return (respond(response, Faults::default(), n), record);
    };
    record.operation = Some((operation, model.clone()));

    let body_json: Option<serde_json::Value> = serde_json::from_slice(&record.request.body).ok();
    let chosen = config
        .exchanges
        .iter()
        .enumerate()
        .filter(|(_, e)| e.matcher.matches(operation, &model, body_json.as_ref()))
        .max_by_key(|(i, e)| (e.matcher.specificity(), std::cmp::Reverse(*i)));
    let Some((index, exchange)) = chosen else {
        let response = CannedResponse::error(
            404,
            "ResourceNotFoundException",
            &format!(
                "replay: no fixture matches {} for model {model}",
                operation.path_segment()
            ),
        );
        return (respond(response, Faults::default(), n), record);
    };
    record.fixture = Some(exchange.name.clone());

    // Server-wide faults first, then the exchange's own.
    let server_count = bump(state, usize::MAX);
    let exchange_count = bump(state, index);
    for (faults, count) in [
        (&config.faults, server_count),
        (&exchange.faults, exchange_count),
    ] {
        if let Some(plan) = early_fault(faults, count) {
            let plan = match plan {
                Plan::Respond { response, faults } => respond(response, faults, n),
                Plan::Reset => Plan::Reset,
            };
            return (plan, record);
        }
    }
    let mut faults = exchange.faults.clone();
    merge_stream_faults(&mut faults, &config.faults);
    (respond(exchange.response.clone(), faults, n), record)
}

/// Faults that replace the response entirely, given the 1-based request count.
fn early_fault(faults: &Faults, count: u32) -> Option<Plan> {
    if count <= faults.throttle_first {
        return Some(Plan::Respond {
            response: CannedResponse::error(
                429,
                "ThrottlingException",
                "Too many requests, please wait before trying again.",
            ),
            faults: Faults::default(),
        });
    }
    let count = count - faults.throttle_first;
    if count <= faults.fail_first {
        let (status, kind, message) = match faults.fail_status.unwrap_or(500) {
            503 => (
                503,
                "ServiceUnavailableException",
                "Bedrock is unable to process your request.",
            ),
            429 => (
                429,
                "ModelNotReadyException",
                "Model is not ready to serve inference requests.",
            ),
            other => (
                other,
                "InternalServerException",
                "The server encountered an internal error while processing the request.",
            ),
        };
        return Some(Plan::Respond {
            response: CannedResponse::error(status, kind, message),
            faults: Faults::default(),
        });
    }
    let count = count - faults.fail_first;
    if count <= faults.reset_before_response_first {
        return Some(Plan::Reset);
    }
    None
}

fn merge_stream_faults(into: &mut Faults, server: &Faults) {
    into.reset_after_bytes = into.reset_after_bytes.or(server.reset_after_bytes);
    into.truncate_tail_bytes = into.truncate_tail_bytes.or(server.truncate_tail_bytes);
    if into.stall_after_bytes.is_none() {
        into.stall_after_bytes = server.stall_after_bytes;
        into.stall_ms = server.stall_ms;
    }
    if into.chunk_size.is_none() {
        into.chunk_size = server.chunk_size;
        into.chunk_delay_ms = server.chunk_delay_ms;
    }
}

enum Sent {
    KeepAlive,
    Close,
    Reset,
}

async fn send(
    stream: &mut TcpStream,
    state: &State,
    response: &CannedResponse,
    faults: &Faults,
    close: bool,
) -> std::io::Result<Sent> {
    let _ = state;
    let mut body = response.body.clone();
    if let Some(drop_n) = faults.truncate_tail_bytes {
        body.truncate(body.len().saturating_sub(drop_n));
    }
    let streamed = faults.chunk_size.is_some()
        || faults.reset_after_bytes.is_some()
        || faults.stall_after_bytes.is_some()
        || response.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("content-type") && v.contains("vnd.amazon.eventstream")
        });
    if !streamed {
        let mut out =
            http::response_head(response.status, &response.headers, Some(body.len()), close);
        out.extend_from_slice(&body);
        stream.write_all(&out).await?;
        return Ok(if close { Sent::Close } else { Sent::KeepAlive });
    }
    stream
        .write_all(&http::response_head(
            response.status,
            &response.headers,
            None,
            close,
        ))
        .await?;
    stream.flush().await?;
    let chunk_size = faults.chunk_size.unwrap_or(body.len()).max(1);
    let mut sent = 0usize;
    let mut stalled = false;
    while sent < body.len() {
        let mut end = (sent + chunk_size).min(body.len());
        // Cut chunks at the fault offsets so they happen exactly there.
        for limit in [faults.reset_after_bytes, faults.stall_after_bytes]
            .into_iter()
            .flatten()
        {
            if sent < limit && limit < end {
                end = limit;
            }
        }
        if end > sent {
            stream.write_all(&http::chunk(&body[sent..end])).await?;
            stream.flush().await?;
            sent = end;
        }
        if faults.reset_after_bytes.is_some_and(|k| sent >= k) {
            return Ok(Sent::Reset);
        }
        if !stalled && faults.stall_after_bytes.is_some_and(|k| sent >= k) {
            stalled = true;
            tokio::time::sleep(Duration::from_millis(faults.stall_ms)).await;
        }
        if faults.chunk_delay_ms > 0 && sent < body.len() {
            tokio::time::sleep(Duration::from_millis(faults.chunk_delay_ms)).await;
        }
    }
    if faults.reset_after_bytes.is_some_and(|k| sent >= k) {
        return Ok(Sent::Reset);
    }
    stream.write_all(http::LAST_CHUNK).await?;
    stream.flush().await?;
    Ok(if close { Sent::Close } else { Sent::KeepAlive })
}

fn request_id(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// An HTTP-date (RFC 9110 IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`
/// (the same as [`crate::datetime::format_http_date`]).
pub fn http_date(t: SystemTime) -> String {
    crate::datetime::format_http_date(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn fault_sequence_counts_in_order() {
        let faults = Faults {
            throttle_first: 2,
            fail_first: 1,
            fail_status: Some(503),
            reset_before_response_first: 1,
            ..Faults::default()
        };
        let kinds: Vec<Option<u16>> = (1..=5)
            .map(|n| match early_fault(&faults, n) {
                Some(Plan::Respond { response, .. }) => Some(response.status),
                Some(Plan::Reset) => Some(0),
                None => None,
            })
            .collect();
        assert_eq!(kinds, vec![Some(429), Some(429), Some(503), Some(0), None]);
    }
}
