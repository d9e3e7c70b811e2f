//! Fixtures: what a request must look like, what the server answers, and which faults it injects.
//!
//! On disk a fixture is one folder:
//!
//! | file | content |
//! |---|---|
//! | `request.json` | `{"operation": "converse-stream", "model": "<id>", "body": {<subset>}}`; every key optional |
//! | `response.json` | `{"status": 200, "headers": [["name", "value"], ...], "body": <JSON>}` |
//! | `response.eventstream` | raw Event Stream bytes; when present it is the body |
//! | `faults.json` | optional [`Faults`] |
//!
//! Other files in the folder (expected events, notes) are for tests and ignored by the server.

use std::path::Path;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A Bedrock Runtime operation, named as in its URL path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// `POST /model/{id}/converse`
    Converse,
    /// `POST /model/{id}/converse-stream`
    ConverseStream,
    /// `POST /model/{id}/invoke`
    Invoke,
    /// `POST /model/{id}/invoke-with-response-stream`
    InvokeWithResponseStream,
    /// `POST /model/{id}/count-tokens`
    CountTokens,
}

impl Operation {
    /// The last path segment of the operation.
    pub fn path_segment(self) -> &'static str {
        match self {
            Operation::Converse => "converse",
            Operation::ConverseStream => "converse-stream",
            Operation::Invoke => "invoke",
            Operation::InvokeWithResponseStream => "invoke-with-response-stream",
            Operation::CountTokens => "count-tokens",
        }
    }

    /// The operation named by a path segment.
    pub fn from_path_segment(s: &str) -> Option<Self> {
        Some(match s {
            "converse" => Operation::Converse,
            "converse-stream" => Operation::ConverseStream,
            "invoke" => Operation::Invoke,
            "invoke-with-response-stream" => Operation::InvokeWithResponseStream,
            "count-tokens" => Operation::CountTokens,
            _ => return None,
        })
    }

    /// Whether the response is an Event Stream.
    pub fn is_streaming(self) -> bool {
        matches!(
            self,
            Operation::ConverseStream | Operation::InvokeWithResponseStream
        )
    }
}

/// Splits `/model/{id}/{operation}` into the percent-decoded model id and the operation.
pub fn parse_path(path: &str) -> Option<(String, Operation)> {
    let rest = path.strip_prefix("/model/")?;
    let (id, op) = rest.split_once('/')?;
    if id.is_empty() || op.contains('/') {
        return None;
    }
    Some((percent_decode(id)?, Operation::from_path_segment(op)?))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a request must look like to get this fixture's response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Matcher {
    /// The operation; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<Operation>,
    /// The model id, compared after percent-decoding; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// A JSON value the request body must contain (object keys recursively; arrays element by
    /// element with equal length; scalars equal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl Matcher {
    /// How specific this matcher is (more constraints win).
    pub fn specificity(&self) -> usize {
        usize::from(self.operation.is_some())
            + usize::from(self.model.is_some())
            + usize::from(self.body.is_some())
    }

    /// Whether a request matches.
    pub fn matches(&self, operation: Operation, model: &str, body: Option<&Value>) -> bool {
        self.operation.is_none_or(|o| o == operation)
            && self.model.as_deref().is_none_or(|m| m == model)
            && self
                .body
                .as_ref()
                .is_none_or(|want| body.is_some_and(|got| contains(got, want)))
    }
}

/// Whether `got` contains `want` (see [`Matcher::body`]).
pub fn contains(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => w
            .iter()
            .all(|(k, wv)| g.get(k).is_some_and(|gv| contains(gv, wv))),
        (Value::Array(g), Value::Array(w)) => {
            g.len() == w.len() && g.iter().zip(w).all(|(gv, wv)| contains(gv, wv))
        }
        _ => got == want,
    }
}

/// Faults to inject. Counters count requests that reached this fixture (or the server, for
/// server-wide faults), retries included.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Answer the first N requests with 429 `ThrottlingException`.
    pub throttle_first: u32,
    /// Answer the first N requests (after throttling ones) with `fail_status`.
    pub fail_first: u32,
    /// The status for `fail_first`: 500 (`InternalServerException`), 503
    /// (`ServiceUnavailableException`) or 429 (`ModelNotReadyException`). Default 500.
    pub fail_status: Option<u16>,
    /// Reset the connection (TCP RST) instead of answering the first N requests.
    pub reset_before_response_first: u32,
    /// Reset the connection after this many body bytes.
    pub reset_after_bytes: Option<usize>,
    /// Drop this many bytes from the end of the body, then end the response cleanly.
    pub truncate_tail_bytes: Option<usize>,
    /// Stop sending after this many body bytes...
    pub stall_after_bytes: Option<usize>,
    /// ...for this many milliseconds (then go on).
    pub stall_ms: u64,
    /// Send the body in chunks of this many bytes (streaming responses; default: whole).
    pub chunk_size: Option<usize>,
    /// Wait this long between chunks.
    pub chunk_delay_ms: u64,
}

/// The server's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Bytes,
}

impl CannedResponse {
    /// A 200 JSON response.
    pub fn json(body: &Value) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(body.to_string()),
        }
    }

    /// A 200 Event Stream response carrying these bytes.
    pub fn event_stream(bytes: impl Into<Bytes>) -> Self {
        Self {
            status: 200,
            headers: vec![(
                "content-type".into(),
                "application/vnd.amazon.eventstream".into(),
            )],
            body: bytes.into(),
        }
    }

    /// An AWS JSON error: `x-amzn-ErrorType` header and `{"message": ...}` body.
    pub fn error(status: u16, error_type: &str, message: &str) -> Self {
        Self {
            status,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                (
                    "x-amzn-ErrorType".into(),
                    format!("{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                ),
            ],
            body: Bytes::from(serde_json::json!({ "message": message }).to_string()),
        }
    }
}

/// One request/response pair the server can replay.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// A name for logs and [`super::RecordedRequest::fixture`] (the folder name for fixtures).
    pub name: String,
    /// Which requests it answers.
    pub matcher: Matcher,
    /// The answer.
    pub response: CannedResponse,
    /// Faults injected for this exchange.
    pub faults: Faults,
}

/// Why a fixture could not be loaded.
#[derive(Debug)]
pub struct FixtureError {
    /// The file concerned.
    pub path: std::path::PathBuf,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for FixtureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "fixture {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for FixtureError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseFile {
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: Option<Value>,
}

/// Largest fixture file read (the server is for tests; this only guards against mistakes).
const MAX_FIXTURE_FILE: u64 = 64 * 1024 * 1024;

fn read(path: &Path) -> Result<Vec<u8>, FixtureError> {
    let err = |message: String| FixtureError {
        path: path.to_path_buf(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(e.to_string()))?;
    if meta.len() > MAX_FIXTURE_FILE {
        return Err(err(format!("larger than {MAX_FIXTURE_FILE} bytes")));
    }
    std::fs::read(path).map_err(|e| err(e.to_string()))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, FixtureError> {
    serde_json::from_slice(&read(path)?).map_err(|e| FixtureError {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

impl Exchange {
    /// Loads one fixture folder.
    pub fn from_dir(dir: &Path) -> Result<Self, FixtureError> {
        let matcher: Matcher = read_json(&dir.join("request.json"))?;
        let response_file: ResponseFile = read_json(&dir.join("response.json"))?;
        let stream_path = dir.join("response.eventstream");
        let body = if stream_path.exists() {
            Bytes::from(read(&stream_path)?)
        } else {
            match &response_file.body {
                None => Bytes::new(),
                Some(v) => Bytes::from(v.to_string()),
            }
        };
        let faults_path = dir.join("faults.json");
        let faults = if faults_path.exists() {
            read_json(&faults_path)?
        } else {
            Faults::default()
        };
        Ok(Exchange {
            name: dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            matcher,
            response: CannedResponse {
                status: response_file.status,
                headers: response_file.headers,
                body,
            },
            faults,
        })
    }

    /// Loads every fixture folder under `root` (a folder holding a `request.json`), sorted by path.
    pub fn load_all(root: &Path) -> Result<Vec<Self>, FixtureError> {
        let mut dirs = Vec::new();
        collect_dirs(root, &mut dirs, 0)?;
        dirs.sort();
        dirs.iter().map(|d| Exchange::from_dir(d)).collect()
    }
}

fn collect_dirs(
    dir: &Path,
    out: &mut Vec<std::path::PathBuf>,
    depth: usize,
) -> Result<(), FixtureError> {
    if depth > 8 {
        return Ok(());
    }
    if dir.join("request.json").is_file() && dir.join("response.json").is_file() {
        out.push(dir.to_path_buf());
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| FixtureError {
        path: dir.to_path_buf(),
        message: e.to_string(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_dirs(&path, out, depth + 1)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_paths() {
        assert_eq!(
            parse_path("/model/us.amazon.nova-micro-v1%3A0/converse-stream"),
            Some((
                "us.amazon.nova-micro-v1:0".to_string(),
                Operation::ConverseStream
            ))
        );
        assert_eq!(
            parse_path(
                "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aapplication-inference-profile%2Fx/invoke"
            ),
            Some((
                "arn:aws:bedrock:us-east-1:1:application-inference-profile/x".to_string(),
                Operation::Invoke
            ))
        );
        assert_eq!(parse_path("/model/a/b/converse"), None);
        assert_eq!(parse_path("/model/a/chat"), None);
        assert_eq!(parse_path("/model/%ZZ/converse"), None);
        assert_eq!(parse_path("/models"), None);
    }

    #[test]
    fn body_subset_matching() {
        let got = json!({"a": 1, "b": {"c": [1, {"d": 2, "e": 3}]}, "f": "x"});
        assert!(contains(&got, &json!({"b": {"c": [1, {"d": 2}]}})));
        assert!(contains(&got, &json!({})));
        assert!(!contains(&got, &json!({"b": {"c": [1]}})));
        assert!(!contains(&got, &json!({"f": "y"})));
        assert!(!contains(&got, &json!({"g": null})));
    }

    #[test]
    fn matcher_constraints() {
        let m = Matcher {
            operation: Some(Operation::Converse),
            model: Some("m".into()),
            body: Some(json!({"x": 1})),
        };
        assert_eq!(m.specificity(), 3);
        assert!(m.matches(Operation::Converse, "m", Some(&json!({"x": 1, "y": 2}))));
        assert!(!m.matches(Operation::ConverseStream, "m", Some(&json!({"x": 1}))));
        assert!(!m.matches(Operation::Converse, "n", Some(&json!({"x": 1}))));
        assert!(!m.matches(Operation::Converse, "m", None));
        assert!(Matcher::default().matches(Operation::Invoke, "any", None));
    }
}
