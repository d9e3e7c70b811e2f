//! Issue 9, secrets through the built `bedrock-wire` binary: a known secret access key, session
//! token and bearer key are planted in the environment (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_BEARER_TOKEN_BEDROCK`), and every output
//! that could show them is scanned: `chat --dry-run` (offline and against an endpoint), `--json`,
//! `--openai`, error lines, `sign --json` and the default curl output, and the fixture written by
//! `--record` from a real signed exchange with a loopback replay server that checks the planted
//! credentials.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use bedrock_wire::replay::{
    CannedResponse, Exchange, Faults, Matcher, ReplayAuth, ReplayConfig, ReplayServer,
};

const ACCESS_KEY: &str = "AKIDPLANTEDCLISECRETS";
const SECRET: &str = "PLANTEDcliSECRETkey/0123456789+abcdefXYZ";
const TOKEN: &str = "PLANTEDcliSESSIONtoken/abcdef0123456789+QQ";
const BEARER: &str = "bedrock-api-key-PLANTEDcliBEARER0123456789";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = root()
        .join("target/cli-secrets-test")
        .join(format!("{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The binary with nothing ambient but the planted secrets.
fn bin(with: &[(&str, &str)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bedrock-wire"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", root().join("target/cli-secrets-test/home"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .current_dir(root())
        .stdin(Stdio::null());
    for (k, v) in with {
        c.env(k, v);
    }
    c
}

const ALL: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
    ("AWS_SECRET_ACCESS_KEY", SECRET),
    ("AWS_SESSION_TOKEN", TOKEN),
    ("AWS_BEARER_TOKEN_BEDROCK", BEARER),
];
const BEARER_ONLY: &[(&str, &str)] = &[("AWS_BEARER_TOKEN_BEDROCK", BEARER)];

fn run(env: &[(&str, &str)], args: &[&str]) -> Output {
    bin(env).args(args).output().expect("run bedrock-wire")
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_clean_of(what: &str, out: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(
            !out.contains(s),
            "{what} shows a planted secret ({s}):\n{out}"
        );
    }
}

fn assert_clean(what: &str, out: &str) {
    assert_clean_of(what, out, &[SECRET, TOKEN, BEARER]);
}

/// A runtime and a replay server that accepts only the planted SigV4 credentials (session token
/// included) and answers every request with the demo stream.
fn planted_server() -> (tokio::runtime::Runtime, ReplayServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let stream = std::fs::read(root().join("fixtures/replay/demo-stream/response.eventstream"))
        .expect("demo stream");
    let server = rt
        .block_on(ReplayServer::start(ReplayConfig {
            auth: ReplayAuth::SigV4 {
                access_key_id: ACCESS_KEY.into(),
                secret_access_key: SECRET.into(),
                session_token: Some(TOKEN.into()),
            },
            exchanges: vec![Exchange {
                name: "planted".into(),
                matcher: Matcher::default(),
                response: CannedResponse::event_stream(stream),
                faults: Faults::default(),
            }],
            ..ReplayConfig::default()
        }))
        .expect("replay server");
    (rt, server)
}

#[test]
fn dry_runs_show_no_secret() {
    for (what, env, args) in [
        (
            "offline dry run",
            ALL,
            &["chat", "--offline", "--dry-run", "hi"][..],
        ),
        (
            "dry run signed with the planted keys",
            ALL,
            &[
                "chat",
                "--dry-run",
                "--endpoint",
                "http://127.0.0.1:1",
                "--region",
                "us-east-1",
                "hi",
            ][..],
        ),
        (
            "dry run without streaming",
            ALL,
            &[
                "chat",
                "--dry-run",
                "--no-stream",
                "--endpoint",
                "http://127.0.0.1:1",
                "--region",
                "us-east-1",
                "hi",
            ][..],
        ),
        (
            "dry run with the bearer key",
            BEARER_ONLY,
            &[
                "chat",
                "--dry-run",
                "--endpoint",
                "http://127.0.0.1:1",
                "--region",
                "us-east-1",
                "hi",
            ][..],
        ),
    ] {
        let o = run(env, args);
        let out = text(&o);
        assert!(o.status.success(), "{what}: {out}");
        let doc: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{what}: {e}\n{out}"));
        assert!(doc["headers"].is_array(), "{what}: {out}");
        assert_clean(what, &out);
    }
    // The SigV4 dry run did use the planted identity (only its public part shows).
    let o = run(
        ALL,
        &[
            "chat",
            "--dry-run",
            "--endpoint",
            "http://127.0.0.1:1",
            "--region",
            "us-east-1",
            "hi",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains(&format!("Credential={ACCESS_KEY}/")), "{out}");
    assert!(out.contains("x-amz-security-token"), "{out}");
}

#[test]
fn conversations_json_openai_and_record_show_no_secret() {
    let (_rt, server) = planted_server();
    let endpoint = server.endpoint();
    let dir = tempdir("record");
    let record = dir.join("fixture");
    for (what, extra) in [
        ("text output", &[][..]),
        ("--json output", &["--json"][..]),
        ("--openai output", &["--openai"][..]),
        (
            "--record",
            &["--record", record.to_str().expect("utf-8")][..],
        ),
    ] {
        let mut args = vec![
            "chat",
            "--endpoint",
            &endpoint,
            "--region",
            "us-east-1",
            "-m",
            "us.amazon.nova-micro-v1:0",
        ];
        args.extend_from_slice(extra);
        args.push("Explain quantum computing");
        let o = run(ALL, &args);
        let out = text(&o);
        assert!(o.status.success(), "{what}: {out}");
        assert_clean(what, &out);
    }
    // Every request was signed with the planted credentials (the server checks them).
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests.iter().all(|r| r.status == Some(200)));
    assert!(
        requests
            .iter()
            .all(|r| r.request.header("x-amz-security-token") == Some(TOKEN))
    );
    // The recorded fixture.
    let mut files = 0;
    for entry in std::fs::read_dir(&record).expect("record dir") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        assert_clean(
            &format!("recorded {}", path.display()),
            &String::from_utf8_lossy(&bytes),
        );
        files += 1;
    }
    assert!(files >= 2, "the recording wrote {files} files");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn error_lines_show_no_secret() {
    let refused = ReplayAuth::Bearer("some-other-key".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = rt
        .block_on(ReplayServer::start(ReplayConfig {
            auth: refused,
            ..ReplayConfig::default()
        }))
        .expect("server");
    let endpoint = server.endpoint();
    for (what, env, args) in [
        (
            "connection refused (SigV4)",
            ALL,
            vec![
                "chat",
                "--endpoint",
                "http://127.0.0.1:1",
                "--region",
                "us-east-1",
                "hi",
            ],
        ),
        (
            "connection refused (bearer)",
            BEARER_ONLY,
            vec![
                "chat",
                "--endpoint",
                "http://127.0.0.1:1",
                "--region",
                "us-east-1",
                "hi",
            ],
        ),
        (
            "signature refused",
            ALL,
            vec![
                "chat",
                "--endpoint",
                &endpoint,
                "--region",
                "us-east-1",
                "hi",
            ],
        ),
        (
            "bearer key refused",
            BEARER_ONLY,
            vec![
                "chat",
                "--json",
                "--endpoint",
                &endpoint,
                "--region",
                "us-east-1",
                "hi",
            ],
        ),
        (
            "bad region",
            ALL,
            vec!["chat", "--region", "not a region", "hi"],
        ),
        (
            "plain http to a remote host",
            ALL,
            vec!["chat", "--endpoint", "http://example.com", "hi"],
        ),
        ("sign without a URL", ALL, vec!["sign", "--json"]),
        (
            "sign with a bad header",
            ALL,
            vec![
                "sign",
                "--json",
                "--url",
                "https://bedrock-runtime.us-east-1.amazonaws.com/",
                "-H",
                "no colon",
            ],
        ),
    ] {
        let o = run(env, &args);
        let out = text(&o);
        assert!(!o.status.success(), "{what}: {out}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("error:"),
            "{what}: one error line: {out}"
        );
        assert_clean(what, &out);
    }
}

fn sign_args(json: bool) -> Vec<&'static str> {
    let mut a = vec![
        "sign",
        "--url",
        "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.nova-micro-v1%3A0/converse",
        "-H",
        "content-type: application/json",
        "--data",
        "{}",
        "--date",
        "20260101T000000Z",
    ];
    if json {
        a.push("--json");
    }
    a
}

#[test]
fn sign_never_shows_the_secret_key_or_the_bearer_key() {
    for json in [true, false] {
        let o = run(ALL, &sign_args(json));
        let out = text(&o);
        assert!(o.status.success(), "{out}");
        assert!(
            out.contains(ACCESS_KEY),
            "signed with the planted key: {out}"
        );
        // The curl command must carry the session token to be runnable; the secret key and the
        // bearer key never show.
        assert_clean_of("sign", &out, &[SECRET, BEARER]);
    }
}

#[test]
fn sign_json_does_not_show_the_session_token() {
    let o = run(ALL, &sign_args(true));
    let out = text(&o);
    assert!(o.status.success(), "{out}");
    assert_clean("sign --json", &out);
}
