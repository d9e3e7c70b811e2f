//! Golden fixtures per family (`fixtures/invoke/<case>/`): the request (`request.json`, a
//! `ChatRequest`) must build exactly `body.json` (and `headers.json`-free request headers);
//! the native response (`response.json`, with the token-count headers of `headers.json`) must
//! parse into `expected_response.json`; the native stream chunks (`stream.json`) must
//! accumulate into `expected_stream.json`. The inputs are written from each provider's
//! published format. `BLESS=1` rewrites the expected files (review the diff!).

use std::path::{Path, PathBuf};

use bedrock_wire::converse::BuildOptions;
use bedrock_wire::invoke::{self, InvokeMetrics, InvokeStreamTranslator};
use bedrock_wire::model::{Accumulator, ChatRequest, ChatResponse, StreamEvent};
use serde_json::Value;

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invoke");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("request.json").exists())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 14, "every family has a fixture");
    dirs
}

fn read(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

fn check(dir: &Path, file: &str, got: &Value) {
    let p = dir.join(file);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&p, serde_json::to_string_pretty(got).unwrap() + "\n").unwrap();
        return;
    }
    assert_eq!(got, &read(&p), "{}", p.display());
}

fn headers(dir: &Path) -> Vec<(String, String)> {
    let p = dir.join("headers.json");
    if !p.exists() {
        return Vec::new();
    }
    serde_json::from_value(read(&p)).unwrap()
}

#[test]
fn every_family_builds_parses_and_streams_as_recorded() {
    for dir in cases() {
        let req: ChatRequest = serde_json::from_value(read(&dir.join("request.json"))).unwrap();
        let built = invoke::build(&req, &BuildOptions::new("us-west-2"))
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let body: Value = serde_json::from_slice(&built.body).unwrap();
        assert!(body.get("model").is_none() && body.get("stream").is_none());
        check(&dir, "body.json", &body);

        let hs = headers(&dir);
        let metrics = InvokeMetrics::from_headers(hs.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let response = std::fs::read(dir.join("response.json")).unwrap();
        let parsed = invoke::parse_response(built.dialect, &response, &metrics)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        check(
            &dir,
            "expected_response.json",
            &serde_json::to_value(&parsed).unwrap(),
        );

        let Value::Array(chunks) = read(&dir.join("stream.json")) else {
            panic!()
        };
        let mut t = InvokeStreamTranslator::new(built.dialect);
        let mut out: Vec<StreamEvent> = Vec::new();
        for c in &chunks {
            t.push_chunk(c.to_string().as_bytes(), &mut out)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        }
        t.finish(&mut out).unwrap();
        assert_eq!(out.last(), Some(&StreamEvent::MessageStop));
        let mut acc = Accumulator::new();
        for e in &out {
            acc.push(e);
        }
        let streamed: ChatResponse = acc.finish().unwrap();
        check(
            &dir,
            "expected_stream.json",
            &serde_json::to_value(&streamed).unwrap(),
        );
        // Streaming and non-streaming agree on the content and the stop reason.
        assert_eq!(streamed.text(), parsed.text(), "{}", dir.display());
        assert_eq!(
            streamed.stop_reason,
            parsed.stop_reason,
            "{}",
            dir.display()
        );
        assert_eq!(
            streamed.tool_calls().len(),
            parsed.tool_calls().len(),
            "{}",
            dir.display()
        );
    }
}
