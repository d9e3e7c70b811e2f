//! Golden Converse request fixtures: one folder per case under `fixtures/converse/`.
//!
//! Each folder holds the input (`request.json`: a serialized `ChatRequest`, or `openai.json`:
//! an OpenAI chat.completions request) and optional `options.json`
//! (`{"region": .., "stream": .., "cross_region": ..}`), and the expectation: `expected.json`
//! (the Converse body) with `expected_meta.json` (`{"path": .., "model_id": .., "warnings": [..]}`,
//! warnings as their `Display` text), or `expected_error.json` (`{"kind": .., "path": ..}`).
//!
//! `BLESS=1 cargo test --test translation_golden` rewrites the expectations (review the diff).

use std::fs;
use std::path::{Path, PathBuf};

use bedrock_wire::converse::{self, BuildOptions};
use bedrock_wire::model::ChatRequest;
use serde_json::{Value, json};

fn read_json(p: &Path) -> Option<Value> {
    let s = fs::read_to_string(p).ok()?;
    Some(serde_json::from_str(&s).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

fn write_json(p: &Path, v: &Value) {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    fs::write(p, s).unwrap();
}

fn request_of(dir: &Path) -> (ChatRequest, BuildOptions) {
    let mut opts = BuildOptions::default();
    if let Some(o) = read_json(&dir.join("options.json")) {
        if let Some(r) = o.get("region").and_then(Value::as_str) {
            opts.region = Some(r.to_owned());
        }
        if let Some(s) = o.get("stream").and_then(Value::as_bool) {
            opts.stream = s;
        }
        if let Some(c) = o.get("cross_region").and_then(Value::as_bool) {
            opts.cross_region = c;
        }
    }
    if let Some(v) = read_json(&dir.join("request.json")) {
        let req: ChatRequest =
            serde_json::from_value(v).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        return (req, opts);
    }
    let v = read_json(&dir.join("openai.json")).expect("request.json or openai.json");
    let parsed = bedrock_wire::openai::parse_request(serde_json::to_vec(&v).unwrap().as_slice())
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    opts.stream = opts.stream || parsed.stream;
    (parsed.request, opts)
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/converse");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn golden_converse_requests() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 30,
        "expected the golden cases, found {}",
        all.len()
    );
    for dir in all {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (req, opts) = request_of(&dir);
        // The serialized request must round-trip (the fixture format is the public serde form).
        let again: ChatRequest =
            serde_json::from_value(serde_json::to_value(&req).unwrap()).unwrap();
        assert_eq!(again, req, "{name}: ChatRequest serde round trip");
        match converse::build(&req, &opts) {
            Ok(built) => {
                let body: Value = serde_json::from_slice(&built.body).unwrap();
                let meta = json!({
                    "path": built.path,
                    "model_id": built.model_id,
                    "warnings": built.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
                });
                if bless {
                    write_json(&dir.join("expected.json"), &body);
                    write_json(&dir.join("expected_meta.json"), &meta);
                    let _ = fs::remove_file(dir.join("expected_error.json"));
                    continue;
                }
                match read_json(&dir.join("expected.json")) {
                    Some(exp) if exp == body => {}
                    Some(exp) => failures.push(format!(
                        "{name}: body differs\nexpected {exp}\n     got {body}"
                    )),
                    None => {
                        failures.push(format!("{name}: built, but no expected.json (got {body})"));
                    }
                }
                if let Some(exp) = read_json(&dir.join("expected_meta.json")) {
                    if exp != meta {
                        failures.push(format!(
                            "{name}: meta differs\nexpected {exp}\n     got {meta}"
                        ));
                    }
                }
            }
            Err(e) => {
                let got = json!({ "kind": format!("{:?}", e.kind()), "path": e.path() });
                if bless {
                    write_json(&dir.join("expected_error.json"), &got);
                    continue;
                }
                match read_json(&dir.join("expected_error.json")) {
                    Some(exp) if exp == got => {}
                    _ => failures.push(format!("{name}: unexpected error {e} ({got})")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
