//! End-to-end tests of the built `bedrock-wire` binary: offline chat through the replay server,
//! dry runs against golden files, `sign --json` against the official suite, `decode` against the
//! vectors and captures with every error kind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use serde_json::{Value, json};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bedrock-wire"));
    // Nothing ambient: no credentials, no profile, no metadata service, no bearer key.
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", root().join("target/cli-test-home"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .current_dir(root());
    c
}

fn run(args: &[&str]) -> Output {
    bin()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run bedrock-wire")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn expected(case: &str) -> Value {
    let p = root()
        .join("fixtures/replay")
        .join(case)
        .join("expected.json");
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn offline_chat_prints_the_fixture_text() {
    let o = run(&[
        "chat",
        "--offline",
        "Explain quantum computing in simple terms",
    ]);
    assert_prints_the_demo_answer(&o);
    let err = stderr(&o);
    assert!(err.contains("tokens: 15 in, 92 out"), "{err}");
    assert!(err.contains("cost ~$"), "{err}");
}

#[test]
fn offline_chat_needs_no_ca_certificates() {
    // A minimal container without a CA bundle: the replay server is plain HTTP on loopback, so
    // the trust store (loaded on the first TLS handshake) is never needed.
    let o = bin()
        .env("SSL_CERT_FILE", "/nonexistent/ca-certificates.crt")
        .env("SSL_CERT_DIR", "/nonexistent/certs")
        .args([
            "chat",
            "--offline",
            "Explain quantum computing in simple terms",
        ])
        .stdin(Stdio::null())
        .output()
        .expect("run bedrock-wire");
    assert_prints_the_demo_answer(&o);
}

/// The offline demo succeeded and printed the fixture's answer.
#[track_caller]
fn assert_prints_the_demo_answer(o: &Output) {
    assert!(o.status.success(), "{}", stderr(o));
    let want = expected("demo-stream")["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(stdout(o).trim_end(), want);
}

#[test]
fn offline_chat_without_streaming_prints_the_same_text() {
    let o = run(&["chat", "--offline", "--no-stream", "hello"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        expected("demo-converse")["text"].as_str().unwrap()
    );
}

#[test]
fn offline_chat_replays_a_real_capture_by_model() {
    let o = run(&[
        "chat",
        "--offline",
        "-m",
        "us.amazon.nova-micro-v1:0",
        "What is the capital of France?",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        expected("capture-nova-text")["text"].as_str().unwrap()
    );
    assert!(
        stderr(&o).contains("tokens: 13 in, 82 out"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_output_is_ndjson_stream_events() {
    let o = run(&["chat", "--offline", "--json", "hi"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let events: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.first().unwrap()["type"], "message_start");
    assert_eq!(events.last().unwrap()["type"], "message_stop");
    let text: String = events
        .iter()
        .filter(|e| e["type"] == "block_delta")
        .filter_map(|e| e["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, expected("demo-stream")["text"].as_str().unwrap());
    // Each line is a StreamEvent the library can read back.
    for e in &events {
        let _: bedrock_wire::model::StreamEvent = serde_json::from_value(e.clone()).unwrap();
    }
}

#[test]
fn openai_output_is_chat_completion_chunks() {
    let o = run(&["chat", "--offline", "--openai", "hi"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let chunks: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        chunks
            .iter()
            .all(|c| c["object"] == "chat.completion.chunk")
    );
    let text: String = chunks
        .iter()
        .filter_map(|c| c["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, expected("demo-stream")["text"].as_str().unwrap());
    assert!(
        chunks
            .iter()
            .any(|c| c["choices"][0]["finish_reason"] == "stop")
    );
    let usage = chunks.iter().find(|c| c.get("usage").is_some()).unwrap();
    assert_eq!(usage["usage"]["prompt_tokens"], 15);
    assert_eq!(usage["usage"]["completion_tokens"], 92);

    let o = run(&["chat", "--offline", "--openai", "--no-stream", "hi"]);
    let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(doc["object"], "chat.completion");
    assert_eq!(
        doc["choices"][0]["message"]["content"],
        expected("demo-converse")["text"]
    );
}

#[test]
fn the_tool_demo_runs_the_tool_loop() {
    let o = run(&["chat", "--offline", "--tool-demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Let me check the weather."), "{out}");
    assert!(
        out.contains(expected("tool-demo-2-stream")["text"].as_str().unwrap()),
        "{out}"
    );
    assert!(
        stderr(&o).contains(r#"[tool] get_weather({"city":"Paris"})"#),
        "{}",
        stderr(&o)
    );
    // Usage is summed over both turns (388 + 470 in, 54 + 17 out).
    assert!(
        stderr(&o).contains("tokens: 858 in, 71 out"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_openai_request_file_drives_chat() {
    let dir = tempdir("openai-request");
    let file = dir.join("req.json");
    std::fs::write(
        &file,
        json!({"model": "nova-pro", "stream": true,
               "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]})
        .to_string(),
    )
    .unwrap();
    let o = run(&[
        "chat",
        "--offline",
        "--request",
        file.to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(
        doc["url"].as_str().unwrap().ends_with("/converse-stream"),
        "{doc}"
    );
    assert_eq!(doc["body"]["system"], json!([{"text": "Be brief."}]));
}

fn tempdir(name: &str) -> PathBuf {
    let d = root().join("target/cli-test-tmp").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The dry-run document: exact keys, redacted secrets, and the body and headers of the golden
/// file (the date, port and signature vary and are checked for shape only).
#[test]
fn dry_runs_match_golden_files() {
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let cases: &[(&str, &[&str])] = &[
        (
            "dry-run-stream",
            &[
                "--system",
                "Be brief.",
                "--max-tokens",
                "256",
                "--temperature",
                "0.2",
                "hello",
            ],
        ),
        (
            "dry-run-converse",
            &["--no-stream", "-m", "nova-micro", "hello"],
        ),
        ("dry-run-tools", &["--tool-demo", "-m", "claude-sonnet-4"]),
    ];
    for (name, extra) in cases {
        let mut args = vec!["chat", "--offline", "--dry-run"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["body", "headers", "method", "url"], "{name}");
        let golden: Value = serde_json::from_slice(
            &std::fs::read(golden_dir.join(format!("{name}.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(doc["method"], golden["method"], "{name}");
        assert_eq!(doc["body"], golden["body"], "{name}");
        let path = doc["url"]
            .as_str()
            .unwrap()
            .split_once("127.0.0.1:")
            .unwrap()
            .1;
        let path = &path[path.find('/').unwrap()..];
        assert_eq!(path, golden["path"].as_str().unwrap(), "{name}");
        let names: Vec<&str> = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h[0].as_str().unwrap())
            .collect();
        let want: Vec<&str> = golden["header_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h.as_str().unwrap())
            .collect();
        assert_eq!(names, want, "{name}");
        let auth = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == "authorization")
            .unwrap()[1]
            .as_str()
            .unwrap();
        assert!(auth.ends_with("Signature=<redacted>"), "{auth}");
        assert!(!stdout(&o).contains(bedrock_wire::replay::DEMO_SECRET_ACCESS_KEY));
    }
}

/// Parses a suite `request.txt`: request line, `Name:value` headers, blank line, body.
fn parse_suite_request(text: &str) -> (String, String, Vec<(String, String)>, String) {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.rsplit_once(' ').unwrap().0;
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    (
        method.to_string(),
        target.to_string(),
        headers,
        body.to_string(),
    )
}

#[test]
fn sign_json_matches_the_official_suite() {
    let suite = root().join("fixtures/sigv4/v4");
    // Cases the CLI cannot express, and why.
    let skipped = [
        (
            "get-header-value-multiline",
            "obsolete line folding cannot be given as -H",
        ),
        (
            "get-space-normalized",
            "the request line holds a raw space, not a wire URL",
        ),
        (
            "get-space-unnormalized",
            "the request line holds a raw space, not a wire URL",
        ),
        (
            "post-sts-header-after",
            "the CLI always signs the session token",
        ),
        (
            "post-x-www-form-urlencoded",
            "x-amz-content-sha256 signing is not a CLI option",
        ),
        (
            "post-x-www-form-urlencoded-parameters",
            "x-amz-content-sha256 signing is not a CLI option",
        ),
    ];
    let mut checked = 0;
    for entry in std::fs::read_dir(&suite).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_str().unwrap().to_string();
        if skipped.iter().any(|(s, _)| *s == name) || name.ends_with("-unnormalized") {
            continue;
        }
        let context: Value =
            serde_json::from_slice(&std::fs::read(dir.join("context.json")).unwrap()).unwrap();
        let (method, target, headers, body) =
            parse_suite_request(&std::fs::read_to_string(dir.join("request.txt")).unwrap());
        let host = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .unwrap()
            .1
            .clone();
        let url = format!("https://{host}{target}");
        let mut cmd = bin();
        cmd.env(
            "AWS_ACCESS_KEY_ID",
            context["credentials"]["access_key_id"].as_str().unwrap(),
        )
        .env(
            "AWS_SECRET_ACCESS_KEY",
            context["credentials"]["secret_access_key"]
                .as_str()
                .unwrap(),
        );
        if let Some(t) = context["credentials"]["token"].as_str() {
            cmd.env("AWS_SESSION_TOKEN", t);
        }
        cmd.args(["sign", "--json", "--method", &method, "--url", &url])
            .args([
                "--region",
                "us-east-1",
                "--service",
                "service",
                "--date",
                "20150830T123600Z",
            ]);
        for (n, v) in &headers {
            if !n.eq_ignore_ascii_case("host") {
                cmd.args(["-H", &format!("{n}:{v}")]);
            }
        }
        if !body.is_empty() {
            cmd.args(["--data", &body]);
        }
        let o = cmd.stdin(Stdio::null()).output().unwrap();
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        // `sign --json` shows the session token as <redacted>, as the signer's redaction does.
        let want_creq =
            bedrock_wire::sigv4::canonical::redacted(&read("header-canonical-request.txt"));
        assert_eq!(doc["canonical_request"], want_creq, "{name}");
        assert_eq!(
            doc["string_to_sign"],
            read("header-string-to-sign.txt"),
            "{name}"
        );
        assert_eq!(doc["signature"], read("header-signature.txt"), "{name}");
        let added: Vec<&str> = doc["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h[0].as_str().unwrap())
            .collect();
        assert!(
            added.contains(&"authorization") && added.contains(&"x-amz-date"),
            "{name}"
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} suite cases checked");
}

#[test]
fn sign_prints_a_curl_command_by_default() {
    let o = bin()
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .args([
            "sign",
            "--url",
            "https://bedrock-runtime.eu-west-3.amazonaws.com/model/amazon.nova-micro-v1%3A0/converse",
            "-H",
            "content-type: application/json",
            "--data",
            "{}",
            "--date",
            "20260101T000000Z",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("curl -sS -X POST 'https://bedrock-runtime.eu-west-3"),
        "{out}"
    );
    assert!(
        out.contains("/20260101/eu-west-3/bedrock/aws4_request"),
        "{out}"
    );
    assert!(out.contains("--data-binary '{}'"), "{out}");
}

fn decode_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn decode_matches_the_positive_vectors() {
    let base = root().join("fixtures/eventstream");
    for name in [
        "all_headers",
        "empty_message",
        "int32_header",
        "payload_no_headers",
        "payload_one_str_header",
    ] {
        let file = base.join("encoded/positive").join(name);
        let o = run(&["decode", file.to_str().unwrap()]);
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let lines = decode_lines(&o);
        assert_eq!(lines.len(), 1, "{name}");
        let want: Value = serde_json::from_slice(
            &std::fs::read(base.join("decoded/positive").join(name)).unwrap(),
        )
        .unwrap();
        assert_eq!(lines[0]["offset"], 0);
        assert_eq!(lines[0]["payload_base64"], want["payload"], "{name}");
        let got_headers = lines[0]["headers"].as_array().unwrap();
        let want_headers = want["headers"].as_array().unwrap();
        assert_eq!(got_headers.len(), want_headers.len(), "{name}");
        for (g, w) in got_headers.iter().zip(want_headers) {
            assert_eq!(g["name"], w["name"], "{name}");
            let type_name = [
                "bool",
                "bool",
                "byte",
                "short",
                "int",
                "long",
                "bytes",
                "string",
                "timestamp",
                "uuid",
            ][usize::try_from(w["type"].as_u64().unwrap()).unwrap()];
            assert_eq!(g["type"], type_name, "{name}");
            let b64 = base64::engine::general_purpose::STANDARD;
            match type_name {
                "string" => assert_eq!(
                    g["value"].as_str().unwrap().as_bytes(),
                    b64.decode(w["value"].as_str().unwrap()).unwrap()
                ),
                "bytes" => assert_eq!(g["value"], w["value"]),
                "uuid" => {
                    let raw = b64.decode(w["value"].as_str().unwrap()).unwrap();
                    let hex = hex::encode(&raw);
                    assert_eq!(g["value"].as_str().unwrap().replace('-', ""), hex);
                    assert_eq!(g["value"].as_str().unwrap().len(), 36);
                }
                "bool" => assert_eq!(g["value"], json!(w["type"] == 0)),
                _ => assert_eq!(g["value"], w["value"], "{name}"),
            }
        }
    }
}

#[test]
fn decode_matches_the_real_captures() {
    let dir = root().join("fixtures/bedrock-captures/extracted");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("eventstream") {
            continue;
        }
        let frames_file = path.with_extension("frames.json");
        let want: Value = serde_json::from_slice(&std::fs::read(&frames_file).unwrap()).unwrap();
        let o = run(&["decode", path.to_str().unwrap()]);
        assert!(o.status.success(), "{}", path.display());
        let lines = decode_lines(&o);
        let frames = want["frames"].as_array().unwrap();
        assert_eq!(lines.len(), frames.len(), "{}", path.display());
        for (line, frame) in lines.iter().zip(frames) {
            assert_eq!(line["offset"], frame["offset"]);
            let payload: Value = serde_json::from_str(frame["payload"].as_str().unwrap()).unwrap();
            assert_eq!(line["json"], payload);
            assert_eq!(line["headers"][0]["name"], ":event-type");
        }
    }
}

/// Builds one frame with correct CRCs (for crafting header and length errors).
fn frame(headers: &[u8], payload: &[u8]) -> Vec<u8> {
    let total = u32::try_from(12 + headers.len() + payload.len() + 4).unwrap();
    let mut out = Vec::new();
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&u32::try_from(headers.len()).unwrap().to_be_bytes());
    let prelude_crc = crc32(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(headers);
    out.extend_from_slice(payload);
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn decode_bytes(bytes: &[u8]) -> Output {
    let dir = tempdir(&format!("decode-{}", crc32(bytes)));
    let file = dir.join("input.eventstream");
    std::fs::write(&file, bytes).unwrap();
    run(&["decode", file.to_str().unwrap()])
}

#[test]
fn decode_reports_every_error_kind_after_the_good_messages() {
    let good = frame(b"", b"{\"ok\":1}");
    let neg = root().join("fixtures/eventstream/encoded/negative");
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "prelude_crc",
            std::fs::read(neg.join("corrupted_length")).unwrap(),
        ),
        (
            "message_crc",
            std::fs::read(neg.join("corrupted_payload")).unwrap(),
        ),
        ("truncated", good[..good.len() - 3].to_vec()),
    ];
    // total length 15 (< 16) with a correct prelude CRC.
    let mut short = Vec::new();
    short.extend_from_slice(&15u32.to_be_bytes());
    short.extend_from_slice(&0u32.to_be_bytes());
    let c = crc32(&short);
    short.extend_from_slice(&c.to_be_bytes());
    short.extend_from_slice(&[0, 0, 0]);
    cases.push(("invalid_length", short));
    // A header with type byte 42, CRCs correct.
    cases.push(("invalid_header", frame(&[1, b'x', 42], b"")));
    for (kind, bad) in cases {
        let mut input = good.clone();
        input.extend_from_slice(&bad);
        let o = decode_bytes(&input);
        assert_eq!(o.status.code(), Some(1), "{kind}");
        let lines = decode_lines(&o);
        assert_eq!(lines.len(), 2, "{kind}: {lines:?}");
        assert_eq!(lines[0]["json"], json!({"ok": 1}), "{kind}");
        let err = &lines[1]["error"];
        assert_eq!(err["kind"], kind, "{err}");
        assert_eq!(err["offset"], good.len(), "{kind}: {err}");
        assert!(err["message"].as_str().unwrap().len() > 10);
    }
}

#[test]
fn decode_bedrock_shows_stream_events() {
    let file =
        root().join("fixtures/bedrock-captures/extracted/test_bedrock_model_stream.eventstream");
    let o = run(&["decode", "--bedrock", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = decode_lines(&o);
    let text: String = lines
        .iter()
        .flat_map(|l| l["events"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["delta"]["text"].as_str().map(ToString::to_string))
        .collect();
    assert_eq!(
        text,
        expected("capture-nova-text")["text"].as_str().unwrap()
    );
}

#[test]
fn service_errors_are_one_line_with_a_hint_and_exit_1() {
    let o = run(&[
        "chat",
        "--offline",
        "--no-stream",
        "-m",
        "replay.error.access-denied",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let line = err.lines().find(|l| l.starts_with("error: ")).unwrap();
    assert!(line.contains("AccessDeniedException"), "{line}");
    assert!(line.contains("Bedrock console"), "{line}");
    assert!(!err.contains("panicked"), "{err}");

    let o = run(&[
        "chat",
        "--offline",
        "-m",
        "replay.exception.throttlingException",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).starts_with("Partial answer"));
    assert!(stderr(&o).contains("Throttling"), "{}", stderr(&o));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["chat", "--bogus"][..],
        &["frobnicate"],
        &["sign"],
        &["chat", "--api", "fast", "x"],
    ] {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).starts_with("error: "), "{args:?}");
    }
}

#[test]
fn models_lists_the_table_as_json() {
    let o = run(&["models", "--json"]);
    assert!(o.status.success());
    let models: Vec<Value> = serde_json::from_str(stdout(&o).trim()).unwrap();
    let nova = models
        .iter()
        .find(|m| {
            m["aliases"]
                .as_array()
                .unwrap()
                .contains(&json!("nova-pro"))
        })
        .unwrap();
    assert_eq!(nova["model_id"], "amazon.nova-pro-v1:0");
    assert_eq!(nova["family"], "nova");
    assert!(nova["price_per_million"]["input"].as_f64().unwrap() > 0.0);
    for alias in [
        "claude-3-5-sonnet",
        "llama3-1-405b",
        "mixtral-8x7b",
        "command-r-plus",
        "jamba-1-5-mini",
        "embed-multilingual",
        "titan-embed-text-v2",
    ] {
        assert!(
            models
                .iter()
                .any(|m| m["aliases"].as_array().unwrap().contains(&json!(alias))),
            "{alias}"
        );
    }
}

#[test]
fn record_writes_a_fixture_the_server_replays() {
    let dir = tempdir("record");
    let out_dir = dir.join("nova");
    let o = run(&[
        "chat",
        "--offline",
        "-m",
        "us.amazon.nova-micro-v1:0",
        "--record",
        out_dir.to_str().unwrap(),
        "What is the capital of France?",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let request: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("request.json")).unwrap()).unwrap();
    assert_eq!(request["operation"], "converse-stream");
    assert_eq!(request["model"], "us.amazon.nova-micro-v1:0");
    let recorded = std::fs::read(out_dir.join("response.eventstream")).unwrap();
    let original = std::fs::read(
        root().join("fixtures/bedrock-captures/extracted/test_bedrock_model_stream.eventstream"),
    )
    .unwrap();
    assert_eq!(recorded, original, "re-encoded frames are byte-identical");
    let all = String::from_utf8_lossy(&std::fs::read(out_dir.join("request.json")).unwrap())
        .into_owned()
        + &String::from_utf8_lossy(&std::fs::read(out_dir.join("response.json")).unwrap());
    assert!(!all.contains(bedrock_wire::replay::DEMO_SECRET_ACCESS_KEY));
    assert!(!all.to_ascii_lowercase().contains("requestid"));

    // The recording replays through the server.
    let o = run(&[
        "chat",
        "--offline",
        "--fixtures",
        dir.to_str().unwrap(),
        "-m",
        "us.amazon.nova-micro-v1:0",
        "What is the capital of France?",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        expected("capture-nova-text")["text"].as_str().unwrap()
    );
}

#[test]
fn api_invoke_routes_to_the_native_body() {
    let o = run(&[
        "chat",
        "--offline",
        "--dry-run",
        "--api",
        "invoke",
        "-m",
        "claude-3-haiku",
        "hi",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert!(
        doc["url"].as_str().unwrap().ends_with(
            "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream"
        ),
        "{doc}"
    );
    assert_eq!(doc["body"]["anthropic_version"], "bedrock-2023-05-31");
    assert!(doc["body"].get("model").is_none() && doc["body"].get("stream").is_none());
    assert!(stderr(&o).contains("route: invoke"), "{}", stderr(&o));

    // The real InvokeModelWithResponseStream capture, end to end.
    let o = run(&[
        "chat",
        "--offline",
        "--api",
        "invoke",
        "-m",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "hi",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Of course!"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("tokens: 702 in, 98 out"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn embed_prints_openai_shaped_vectors() {
    let o = run(&["embed", "--offline", "--json", "first text", "second text"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let data = doc["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    for (i, d) in data.iter().enumerate() {
        assert_eq!(d["index"], i);
        assert_eq!(d["embedding"].as_array().unwrap().len(), 256);
    }
    assert!(doc["usage"]["prompt_tokens"].as_u64().unwrap() > 0, "{doc}");

    let o = run(&[
        "embed",
        "--offline",
        "--dry-run",
        "--dimensions",
        "512",
        "one",
        "two",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "Titan takes one text per call");
    assert_eq!(lines[1]["body"]["inputText"], "two");
    assert_eq!(lines[1]["body"]["dimensions"], 512);
    assert!(
        lines[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/model/amazon.titan-embed-text-v2%3A0/invoke")
    );
}

#[test]
fn images_and_documents_are_sent_and_answered() {
    let dir = tempdir("media");
    let png = dir.join("square.png");
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend_from_slice(&[0u8; 32]);
    std::fs::write(&png, &bytes).unwrap();
    let o = run(&[
        "chat",
        "--offline",
        "--image",
        png.to_str().unwrap(),
        "What is this?",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        expected("image-png-stream")["text"].as_str().unwrap()
    );
    let o = run(&[
        "chat",
        "--offline",
        "--dry-run",
        "--image",
        png.to_str().unwrap(),
        "What is this?",
    ]);
    let doc: Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    assert_eq!(
        doc["body"]["messages"][0]["content"][0]["image"]["source"]["bytes"],
        base64::engine::general_purpose::STANDARD.encode(&bytes)
    );

    let pdf = dir.join("Invoice (March).pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%fake\n").unwrap();
    let o = run(&[
        "chat",
        "--offline",
        "--document",
        pdf.to_str().unwrap(),
        "Summarize",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim_end(),
        expected("document-pdf-stream")["text"].as_str().unwrap()
    );

    let bad = dir.join("notes.exe");
    std::fs::write(&bad, b"MZ").unwrap();
    let o = run(&[
        "chat",
        "--offline",
        "--document",
        bad.to_str().unwrap(),
        "x",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("unsupported document type"),
        "{}",
        stderr(&o)
    );
}
