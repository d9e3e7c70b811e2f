//! Issue 9, limits on everything untrusted, through the public API: the non-streaming response
//! body ([`MAX_RESPONSE_BODY`]), the shared config files ([`profile::MAX_FILE_SIZE`]),
//! `bedrock.json` ([`bedrock_json::MAX_SIZE`]), credential-endpoint answers (64 KiB), STS XML
//! (nesting depth 32, 64 KiB) and `credential_process` output (64 KiB).
//!
//! Already covered by unit tests and not repeated here: the XML reader's own depth and size
//! checks (`src/credentials/xml.rs`), `read_optional` on an oversized file
//! (`src/credentials/profile.rs`), the Event Stream frame limit (the eventstream crate).
//! Each test here checks the limit where an untrusted answer enters: both sides of the boundary
//! where that is cheap, and that the error is typed and says what was too large.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Client, Env, MAX_RESPONSE_BODY, Operation};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::credentials::bedrock_json::{self, BedrockJson};
use bedrock_wire::credentials::profile::{self, ProfileSet};
use bedrock_wire::error::{Error, ErrorKind};
use bedrock_wire::model::ChatRequest;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayConfig, ReplayServer,
};
use bytes::Bytes;
use support::{MockServer, Reply, TempDir, rfc3339_after, t0};
use tokio::io::AsyncWriteExt;

const MODEL: &str = "amazon.nova-micro-v1:0";
/// The credential endpoints' and `credential_process`'s limit (64 KiB).
const CREDENTIAL_BODY_LIMIT: usize = 64 * 1024;

async fn guard<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), fut)
        .await
        .unwrap_or_else(|_elapsed| panic!("{what}: hung"))
}

fn client(endpoint: &str) -> Client {
    Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(endpoint)
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .max_attempts(3)
        .cross_region_inference(false)
        .build()
        .expect("client")
}

fn assert_too_large(what: &str, err: &Error, kind: ErrorKind) {
    assert_eq!(err.kind(), kind, "{what}: {err}");
    assert!(err.to_string().contains("larger than"), "{what}: {err}");
}

#[tokio::test]
async fn a_non_streaming_body_over_the_limit_is_refused_by_its_declared_length() {
    // The head declares a body far over the limit; the client refuses it without reading (the
    // server never sends a body byte, so reading would hang until the hang detector fires).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = tokio::spawn(async move {
        let mut held = Vec::new();
        let mut count = 0usize;
        while let Ok((mut sock, _)) = listener.accept().await {
            count += 1;
            let mut buf = vec![0u8; 64 * 1024];
            let _ = tokio::io::AsyncReadExt::read(&mut sock, &mut buf).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                MAX_RESPONSE_BODY as u64 * 100
            );
            let _ = sock.write_all(head.as_bytes()).await;
            held.push(sock);
            if count > 10 {
                break;
            }
        }
    });
    let c = client(&format!("http://{addr}"));
    let err = guard(
        "declared length",
        c.send(Operation::converse(MODEL, b"{}".to_vec())),
    )
    .await
    .expect_err("too large");
    assert_too_large("declared length", &err, ErrorKind::Decode);
    served.abort();
}

#[tokio::test]
async fn a_non_streaming_body_over_the_limit_is_refused_while_reading() {
    // Chunked (no length): the client counts as it reads. Exactly the limit is accepted, one
    // byte more is refused, and the refusal is not retried.
    let body_at_limit = Bytes::from(vec![b' '; MAX_RESPONSE_BODY]);
    let body_over = Bytes::from(vec![b' '; MAX_RESPONSE_BODY + 1]);
    let exchange = |name: &str, model: &str, body: Bytes| Exchange {
        name: name.into(),
        matcher: Matcher {
            model: Some(model.into()),
            ..Matcher::default()
        },
        response: CannedResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body,
        },
        faults: Faults {
            chunk_size: Some(1024 * 1024),
            ..Faults::default()
        },
    };
    let s = ReplayServer::start(ReplayConfig {
        exchanges: vec![
            exchange("at-limit", "limit.at", body_at_limit),
            exchange("over-limit", "limit.over", body_over),
        ],
        ..ReplayConfig::default()
    })
    .await
    .expect("server");
    let c = client(&s.endpoint());
    let ok = guard(
        "at the limit",
        c.send(Operation::invoke("limit.at", b"{}".to_vec())),
    )
    .await
    .expect("a body of exactly the limit is read");
    assert_eq!(ok.body.len(), MAX_RESPONSE_BODY);
    drop(ok);
    let err = guard(
        "over the limit",
        c.send(Operation::invoke("limit.over", b"{}".to_vec())),
    )
    .await
    .expect_err("over the limit");
    assert_too_large("chunked body", &err, ErrorKind::Decode);
    assert_eq!(s.request_count(), 2, "the refusal is not retried");
}

#[test]
fn config_files_over_the_size_limit_are_refused() {
    let limit = usize::try_from(profile::MAX_FILE_SIZE).expect("fits");
    let dir = TempDir::new("config-limit");
    // Exactly the limit: a valid file padded with a comment.
    let head = "[default]\nregion = eu-west-1\n# ";
    let mut at_limit = String::from(head);
    at_limit.push_str(&"x".repeat(limit - head.len() - 1));
    at_limit.push('\n');
    assert_eq!(at_limit.len(), limit);
    let ok = dir.write("config-ok", &at_limit);
    let over = dir.write("config-over", format!("{at_limit}#"));
    let env = |config: &std::path::Path, creds: &str| {
        Env::empty()
            .with_var("AWS_CONFIG_FILE", config.to_string_lossy())
            .with_var("AWS_SHARED_CREDENTIALS_FILE", creds)
            .with_var("AWS_EC2_METADATA_DISABLED", "true")
    };
    let set = ProfileSet::load(&env(&ok, "/nonexistent")).expect("at the limit");
    assert_eq!(set.get("default", "region"), Some("eu-west-1"));
    let err = ProfileSet::load(&env(&over, "/nonexistent")).expect_err("over the limit");
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(err.to_string().contains("larger than"), "{err}");
    // The credentials file has the same limit.
    let err = ProfileSet::load(&env(&ok, &over.to_string_lossy())).expect_err("credentials file");
    assert!(err.to_string().contains("larger than"), "{err}");
    // And the client refuses to build on it (no explicit credentials to fall back on).
    let err = Client::builder()
        .env(env(&over, "/nonexistent"))
        .build()
        .expect_err("client on an oversized config");
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn bedrock_json_over_the_size_limit_is_refused() {
    let limit = usize::try_from(bedrock_json::MAX_SIZE).expect("fits");
    let dir = TempDir::new("bedrock-json-limit");
    let doc = |pad: usize| format!(r#"{{"region":"eu-west-3","pad":"{}"}}"#, "x".repeat(pad));
    let overhead = doc(0).len();
    dir.write("ok/bedrock.json", doc(limit - overhead));
    dir.write("over/bedrock.json", doc(limit - overhead + 1));
    let ok =
        BedrockJson::load(&Env::empty().with_cwd(dir.path().join("ok"))).expect("at the limit");
    assert_eq!(ok.region.as_deref(), Some("eu-west-3"));
    let err = BedrockJson::load(&Env::empty().with_cwd(dir.path().join("over")))
        .expect_err("over the limit");
    assert_eq!(err.kind(), ErrorKind::Configuration, "{err}");
    assert!(err.to_string().contains("larger than"), "{err}");
}

/// The error of a call by a client whose only credential source is `env`, on the manual clock at
/// t0. The endpoint is a closed port: a credential load that succeeds ends in a transport error,
/// one that fails in a credentials error.
async fn credentials_error(env: Env) -> Error {
    let c = Client::builder()
        .env(env.with_var("AWS_EC2_METADATA_DISABLED", "true"))
        .clock(Arc::new(ManualClock::new(t0())))
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:1")
        .max_attempts(1)
        .build()
        .expect("client");
    guard(
        "credential load",
        c.converse(&ChatRequest::new(MODEL).user("hi")),
    )
    .await
    .expect_err("credentials refused")
}

fn container_json(pad: usize) -> String {
    format!(
        r#"{{"AccessKeyId":"ASIA","SecretAccessKey":"s","Token":"t","Expiration":"{}","Pad":"{}"}}"#,
        rfc3339_after(3600),
        "x".repeat(pad)
    )
}

#[tokio::test]
async fn credential_endpoint_answers_over_64_kib_are_refused() {
    let overhead = container_json(0).len();
    let server = MockServer::start(move |r, _| {
        let pad = if r.path == "/ok" {
            CREDENTIAL_BODY_LIMIT - overhead
        } else {
            CREDENTIAL_BODY_LIMIT - overhead + 1
        };
        Reply::json(
            200,
            &serde_json::from_str(&container_json(pad)).expect("json"),
        )
    })
    .await;
    let env = |path: &str| {
        Env::empty().with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}{path}", server.url()),
        )
    };
    // At the limit the credentials load (and the call goes on to fail at the closed port).
    let err = credentials_error(env("/ok")).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    let err = credentials_error(env("/over")).await;
    assert_too_large("container answer", &err, ErrorKind::Credentials);
}

fn sts_env(sts: &MockServer, dir: &TempDir) -> Env {
    let token = dir.write("web-token", "web-identity-token");
    Env::empty()
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_string_lossy())
        .with_var("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r")
        .with_var("AWS_ENDPOINT_URL_STS", sts.url())
}

fn sts_xml(depth: usize) -> String {
    use std::fmt::Write as _;
    let mut open = String::new();
    let mut close = String::new();
    for i in 0..depth {
        let _ = write!(open, "<N{i}>");
        let _ = write!(close, "</N{}>", depth - 1 - i);
    }
    format!(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
         <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
         <SessionToken>t</SessionToken><Expiration>{}</Expiration></Credentials>\
         {open}{close}</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        rfc3339_after(3600)
    )
}

#[tokio::test]
async fn sts_xml_deeper_than_32_or_over_64_kib_is_refused() {
    // The response and result elements are two levels: 30 nested elements reach depth 32 (the
    // limit, accepted), 31 reach 33 (refused).
    let sts = MockServer::start(|r, _| {
        let body = r.body_str();
        let doc = if body.contains("RoleSessionName=shallow") {
            sts_xml(30)
        } else if body.contains("RoleSessionName=deep") {
            sts_xml(31)
        } else {
            let mut d = sts_xml(0);
            d.insert_str(
                d.len() - "</AssumeRoleWithWebIdentityResponse>".len(),
                &format!("<!--{}-->", "x".repeat(CREDENTIAL_BODY_LIMIT)),
            );
            d
        };
        Reply::new(200, doc).header("content-type", "text/xml")
    })
    .await;
    let dir = TempDir::new("sts-limits");
    let env = |session: &str| sts_env(&sts, &dir).with_var("AWS_ROLE_SESSION_NAME", session);
    let err = credentials_error(env("shallow")).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "depth 32 loads: {err}");
    let err = credentials_error(env("deep")).await;
    assert_eq!(err.kind(), ErrorKind::Credentials, "{err}");
    assert!(err.to_string().contains("deeper than 32"), "{err}");
    let err = credentials_error(env("huge")).await;
    assert_too_large("STS answer", &err, ErrorKind::Credentials);
}

#[tokio::test]
async fn credential_process_output_over_64_kib_is_refused() {
    let dir = TempDir::new("process-limit");
    let json = |pad: usize| {
        format!(
            r#"{{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"s","Pad":"{}"}}"#,
            "x".repeat(pad)
        )
    };
    let overhead = json(0).len();
    let ok = dir.write("ok.json", json(CREDENTIAL_BODY_LIMIT - overhead));
    let over = dir.write("over.json", json(CREDENTIAL_BODY_LIMIT - overhead + 1));
    let env = |out: &std::path::Path, name: &str| {
        let cfg = dir.write(
            name,
            format!("[default]\ncredential_process = cat '{}'\n", out.display()),
        );
        Env::empty()
            .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
            .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    };
    let err = credentials_error(env(&ok, "ok.cfg")).await;
    assert_eq!(err.kind(), ErrorKind::Transport, "at the limit: {err}");
    let err = credentials_error(env(&over, "over.cfg")).await;
    assert_too_large("credential_process output", &err, ErrorKind::Credentials);
}
