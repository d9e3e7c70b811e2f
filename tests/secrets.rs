//! Issue 9, secrets: a known secret access key, session token and bearer key are planted, every
//! code path of the library that can print is run (Debug of every public type that holds them,
//! Debug and Display of every error kind that can be provoked), and none of the three strings may
//! appear. Also: caller header values with CR or LF are refused with a typed error before anything
//! is sent, plain `http://` goes only to loopback unless opted in, and TLS is rustls only.
//!
//! The CLI's outputs (`--dry-run`, `--json`, error lines, `--record`) are checked in
//! `cli/tests/secrets.rs` against the built binary.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Client, Env, Operation, http_client_builder};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::credentials::bedrock_json::BedrockJson;
use bedrock_wire::credentials::profile::ProfileSet;
use bedrock_wire::credentials::{
    AuthMode, AuthSettings, AwsCredentials, CredentialsProvider, LoadContext, resolve_auth,
};
use bedrock_wire::error::{Error, ErrorKind};
use bedrock_wire::model::ChatRequest;
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, Exchange, Faults, Matcher, ReplayAuth, ReplayConfig,
    ReplayServer,
};
use support::{MockServer, Reply, TempDir, t0};

const ACCESS_KEY: &str = "AKIDPLANTEDSECRETSTEST";
const SECRET: &str = "PLANTEDsecretACCESSkey/0123456789+abcdXYZ";
const TOKEN: &str = "PLANTEDsessionTOKEN/abcdef0123456789+ZZZZ";
const BEARER: &str = "bedrock-api-key-PLANTEDbearerKEY0123456789";
const MODEL: &str = "amazon.nova-micro-v1:0";

/// Fails with the offending text if any planted secret appears in it.
fn assert_clean(what: &str, text: &str) {
    for secret in [SECRET, TOKEN, BEARER] {
        assert!(
            !text.contains(secret),
            "{what} shows a planted secret ({secret}):\n{text}"
        );
    }
}

/// Both Debug forms of a value.
fn debug_both<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}\n{v:#?}")
}

/// Debug (both forms) and Display of an error, and its source chain.
fn error_text(e: &Error) -> String {
    use std::fmt::Write as _;
    let mut out = format!("{e}\n{e:?}\n{e:#?}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = write!(out, "\n{s}\n{s:?}");
        source = s.source();
    }
    out
}

fn chat() -> ChatRequest {
    ChatRequest::new(MODEL).user("hello")
}

fn creds() -> sigv4::Credentials {
    sigv4::Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_owned()))
}

/// An environment carrying all three secrets the way a shell would.
fn planted_env() -> Env {
    Env::empty()
        .with_var("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .with_var("AWS_SECRET_ACCESS_KEY", SECRET)
        .with_var("AWS_SESSION_TOKEN", TOKEN)
        .with_var("AWS_BEARER_TOKEN_BEDROCK", BEARER)
        .with_var("AWS_EC2_METADATA_DISABLED", "true")
}

async fn replay(auth: ReplayAuth) -> ReplayServer {
    ReplayServer::start(ReplayConfig {
        auth,
        exchanges: vec![Exchange {
            name: "any".into(),
            matcher: Matcher::default(),
            response: CannedResponse::json(&serde_json::json!({
                "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
                "stopReason": "end_turn",
                "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2}
            })),
            faults: Faults::default(),
        }],
        ..ReplayConfig::default()
    })
    .await
    .expect("replay")
}

#[tokio::test]
async fn debug_of_every_type_holding_a_secret_is_redacted() {
    let mut shown = Vec::<(String, String)>::new();
    let mut show = |what: &str, text: String| shown.push((what.to_owned(), text));

    // sigv4 types.
    let c = creds();
    show("sigv4::Credentials", debug_both(&c));
    let bearer = sigv4::BearerToken::new(BEARER);
    show("sigv4::BearerToken", debug_both(&bearer));
    show(
        "sigv4::Auth::SigV4",
        debug_both(&sigv4::Auth::SigV4(c.clone())),
    );
    show(
        "sigv4::Auth::Bearer",
        debug_both(&sigv4::Auth::Bearer(bearer.clone())),
    );
    let time = t0();
    show(
        "sigv4::SigningKey",
        debug_both(&sigv4::SigningKey::derive_with(
            bedrock_wire::crypto::CRYPTO,
            SECRET,
            time,
            "us-east-1",
            "bedrock",
        )),
    );
    let headers = [("content-type", "application/json")];
    let req = sigv4::SignableRequest {
        method: "POST",
        url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse",
        headers: &headers,
        body: sigv4::SignableBody::Bytes(b"{}"),
    };
    let params = sigv4::SigningParams {
        region: "us-east-1",
        service: "bedrock",
        time,
        settings: bedrock_wire::crypto::signing_settings(),
    };
    show("sigv4::SignableRequest", debug_both(&req));
    let out = sigv4::sign(&req, &params, &c).expect("sign");
    assert!(out.canonical_request.contains(TOKEN), "the token is signed");
    show("sigv4::SigningOutput", debug_both(&out));
    show(
        "SigningOutput::redacted_canonical_request",
        out.redacted_canonical_request(),
    );
    let bearer_out = sigv4::Auth::Bearer(bearer.clone())
        .sign(&req, &params)
        .expect("bearer");
    show("sigv4::SigningOutput (bearer)", debug_both(&bearer_out));
    let presigned = sigv4::presign(&req, &params, &c, Duration::from_secs(300)).expect("presign");
    show("sigv4::PresignedOutput", debug_both(&presigned));
    show(
        "PresignedOutput::redacted_canonical_request",
        presigned.redacted_canonical_request(),
    );

    // Credentials types.
    let aws = AwsCredentials::new(c.clone(), Some(t0()), "test");
    show("AwsCredentials", debug_both(&aws));
    let env = planted_env();
    show("Env", debug_both(&env));
    let settings = AuthSettings {
        mode: AuthMode::Auto,
        credentials: Some(c.clone()),
        bearer: None,
        profile: None,
        ignore_env_bearer: false,
        mint_bearer: None,
    };
    show("AuthSettings (credentials)", debug_both(&settings));
    let settings_bearer = AuthSettings {
        bearer: Some(bearer.clone()),
        credentials: None,
        ..settings.clone()
    };
    show("AuthSettings (bearer)", debug_both(&settings_bearer));
    let files = ProfileSet::parse(
        "",
        &format!(
            "[default]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"
        ),
    );
    show("ProfileSet", debug_both(&files));
    for (name, s, e) in [
        ("explicit credentials", settings.clone(), Env::empty()),
        ("explicit bearer", settings_bearer.clone(), Env::empty()),
        ("environment keys", AuthSettings::default(), env.clone()),
        (
            "environment bearer",
            AuthSettings::default(),
            Env::empty()
                .with_var("AWS_BEARER_TOKEN_BEDROCK", BEARER)
                .with_var("AWS_EC2_METADATA_DISABLED", "true"),
        ),
        (
            "profile keys",
            AuthSettings::default(),
            Env::empty().with_var("AWS_EC2_METADATA_DISABLED", "true"),
        ),
        (
            "minted bearer",
            AuthSettings {
                mode: AuthMode::Bearer,
                ..settings.clone()
            },
            Env::empty(),
        ),
    ] {
        let resolved = resolve_auth(&s, &e, &files, &BedrockJson::default()).expect(name);
        show(&format!("ResolvedAuth ({name})"), debug_both(&resolved));
        show(
            &format!("ResolvedAuth::describe ({name})"),
            resolved.describe(),
        );
        if let bedrock_wire::credentials::ResolvedAuth::SigV4(source)
        | bedrock_wire::credentials::ResolvedAuth::MintedBearer(source, _) = resolved
        {
            show(&format!("Source ({name})"), debug_both(&source));
            show(&format!("Source::describe ({name})"), source.describe());
            let clock = ManualClock::new(t0());
            let ctx = LoadContext::new(
                http_client_builder().expect("tls").build().expect("http"),
                Arc::new(clock),
                e.clone(),
                Duration::from_secs(1),
                "us-east-1",
            );
            show("LoadContext", debug_both(&ctx));
            let provider = CredentialsProvider::new(source, ctx);
            let loaded = provider.credentials().await.expect("static credentials");
            show("AwsCredentials (loaded)", debug_both(&loaded));
            show("CredentialsProvider", debug_both(&provider));
        }
    }

    // Builders, clients, requests, operations and streams.
    let server = replay(ReplayAuth::SigV4 {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET.into(),
        session_token: Some(TOKEN.into()),
    })
    .await;
    show(
        "ReplayAuth",
        debug_both(&ReplayAuth::Both {
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: SECRET.into(),
            bearer: BEARER.into(),
        }),
    );
    let builders = [
        (
            "sigv4",
            Client::builder()
                .env(Env::empty())
                .region("us-east-1")
                .endpoint_url(server.endpoint())
                .credentials(c.clone()),
        ),
        (
            "bearer",
            Client::builder()
                .env(Env::empty())
                .region("us-east-1")
                .endpoint_url(server.endpoint())
                .bearer_token(BEARER),
        ),
        (
            "minted",
            Client::builder()
                .env(Env::empty())
                .region("us-east-1")
                .endpoint_url(server.endpoint())
                .credentials(c.clone())
                .auth_mode(AuthMode::Bearer),
        ),
        (
            "environment",
            Client::builder()
                .env(planted_env())
                .region("us-east-1")
                .endpoint_url(server.endpoint()),
        ),
    ];
    for (name, b) in builders {
        show(&format!("ClientBuilder ({name})"), debug_both(&b));
        let client = b.build().expect(name);
        show(&format!("Client ({name})"), debug_both(&client));
        show(
            &format!("Client::auth_description ({name})"),
            client.auth_description().to_owned(),
        );
        let auth = client.auth().await.expect("auth");
        show(&format!("Client::auth ({name})"), debug_both(&auth));
        let op = Operation::converse(MODEL, br#"{"messages":[]}"#.to_vec())
            .header("x-amzn-bedrock-trace", "ENABLED");
        show("Operation", debug_both(&op));
        let prepared = client.prepare(&op).await.expect("prepare");
        show(&format!("PreparedRequest ({name})"), debug_both(&prepared));
        show(
            &format!("PreparedRequest::redacted_headers ({name})"),
            format!("{:?}", prepared.redacted_headers()),
        );
        let raw = client.send_prepared(&prepared).await.expect("sent");
        show(&format!("RawResponse ({name})"), debug_both(&raw));
    }
    // A live stream (it holds the client) and what the server recorded.
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(c.clone())
        .build()
        .expect("client");
    let reply = client
        .converse(&chat())
        .await
        .expect("signed with the planted key");
    show("ChatResponse", debug_both(&reply));
    for r in server.requests() {
        show("RecordedRequest", debug_both(&r));
    }

    assert!(shown.len() > 40, "only {} outputs checked", shown.len());
    for (what, text) in &shown {
        assert_clean(what, text);
    }
}

#[tokio::test]
async fn errors_of_every_kind_never_show_a_secret() {
    let mut errors: Vec<(&str, Error)> = Vec::new();
    let sigv4_client = |endpoint: &str| {
        Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .endpoint_url(endpoint)
            .credentials(creds())
            .max_attempts(1)
    };

    // Service: a signature the server refuses (it knows another secret), and a refused bearer key.
    let server = replay(ReplayAuth::SigV4 {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: "another-secret".into(),
        session_token: None,
    })
    .await;
    let client = sigv4_client(&server.endpoint()).build().expect("client");
    errors.push((
        "service (signature refused)",
        client.converse(&chat()).await.expect_err("refused"),
    ));
    let server = replay(ReplayAuth::Bearer("a-different-key".into())).await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .bearer_token(BEARER)
        .build()
        .expect("client");
    errors.push((
        "service (bearer refused)",
        client.converse(&chat()).await.expect_err("refused"),
    ));
    // A service whose error message echoes nothing secret but whose request carried all three.
    let server = replay(ReplayAuth::SigV4 {
        access_key_id: DEMO_ACCESS_KEY_ID.into(),
        secret_access_key: "x".into(),
        session_token: None,
    })
    .await;
    let client = sigv4_client(&server.endpoint()).build().expect("client");
    errors.push((
        "service (unknown access key)",
        client.converse(&chat()).await.expect_err("refused"),
    ));

    // Transport: nothing listens on port 1.
    let client = sigv4_client("http://127.0.0.1:1").build().expect("client");
    errors.push((
        "transport",
        client.converse(&chat()).await.expect_err("refused"),
    ));
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:1")
        .bearer_token(BEARER)
        .max_attempts(1)
        .build()
        .expect("client");
    errors.push((
        "transport (bearer)",
        client.converse(&chat()).await.expect_err("refused"),
    ));

    // Timeout: a listener that never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    let client = sigv4_client(&format!("http://{addr}"))
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    errors.push((
        "timeout",
        client.converse(&chat()).await.expect_err("timeout"),
    ));
    silent.abort();

    // Configuration: contradictory and invalid settings carrying the secrets.
    errors.push((
        "configuration (bearer and credentials)",
        Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .credentials(creds())
            .bearer_token(BEARER)
            .build()
            .expect_err("both"),
    ));
    errors.push((
        "configuration (bearer with SigV4 mode)",
        Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .bearer_token(BEARER)
            .auth_mode(AuthMode::SigV4)
            .build()
            .expect_err("mode"),
    ));
    errors.push((
        "configuration (bad region)",
        Client::builder()
            .env(planted_env())
            .region("not a region")
            .build()
            .expect_err("region"),
    ));

    // Signing: a bearer key with a line break, an access key id SigV4 refuses.
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:1")
        .bearer_token(format!("{BEARER}\nX-Injected: 1"))
        .build()
        .expect("client");
    errors.push((
        "signing (bearer with a line break)",
        client
            .prepare(&Operation::converse(MODEL, b"{}".to_vec()))
            .await
            .expect_err("bad key"),
    ));
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:1")
        .access_key("AKID WITH SPACE", SECRET, Some(TOKEN.into()))
        .build()
        .expect("client");
    errors.push((
        "signing (bad access key id)",
        client
            .prepare(&Operation::converse(MODEL, b"{}".to_vec()))
            .await
            .expect_err("bad key id"),
    ));

    // Credentials: sources whose answers carry the secrets but are refused.
    let dir = TempDir::new("secret-errors");
    for (name, body) in [
        (
            "credential_process (version 2)",
            format!(
                r#"{{"Version":2,"AccessKeyId":"{ACCESS_KEY}","SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}"}}"#
            ),
        ),
        (
            "credential_process (malformed)",
            format!(r#"{{"Version":1,"SecretAccessKey":{SECRET},"SessionToken":"{TOKEN}"}}"#),
        ),
        (
            "credential_process (no access key id)",
            format!(r#"{{"Version":1,"SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}"}}"#),
        ),
    ] {
        let out = dir.write(&format!("{}.json", errors.len()), body);
        let cfg = dir.write(
            &format!("{}.cfg", errors.len()),
            format!("[default]\ncredential_process = cat '{}'\n", out.display()),
        );
        let client = Client::builder()
            .env(
                Env::empty()
                    .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
                    .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
                    .with_var("AWS_EC2_METADATA_DISABLED", "true"),
            )
            .region("us-east-1")
            .endpoint_url("http://127.0.0.1:1")
            .build()
            .expect("client");
        errors.push((name, client.converse(&chat()).await.expect_err(name)));
    }
    let leaky = MockServer::start(|r, _| {
        let body =
            format!(r#"{{"SecretAccessKey":"{SECRET}","Token":"{TOKEN}","Bearer":"{BEARER}","#);
        if r.path.ends_with("/bad-status") {
            Reply::new(500, body)
        } else {
            Reply::json(200, &serde_json::json!({"not": "credentials"}))
                .header("x-echo", SECRET)
                .header("x-more", &body)
        }
    })
    .await;
    for (name, path) in [
        (
            "container (error status with the secret in the body)",
            "/bad-status",
        ),
        ("container (no keys in the answer)", "/no-keys"),
    ] {
        let client = Client::builder()
            .env(
                Env::empty()
                    .with_var(
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                        format!("{}{path}", leaky.url()),
                    )
                    .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN)
                    .with_var("AWS_EC2_METADATA_DISABLED", "true"),
            )
            .region("us-east-1")
            .endpoint_url("http://127.0.0.1:1")
            .build()
            .expect("client");
        show_client(&client);
        errors.push((name, client.converse(&chat()).await.expect_err(name)));
    }

    // Decode, stream exception, translation: through the stream paths.
    let bad = ReplayServer::start(ReplayConfig {
        auth: ReplayAuth::Bearer(BEARER.into()),
        exchanges: vec![Exchange {
            name: "not frames".into(),
            matcher: Matcher::default(),
            response: CannedResponse::event_stream(b"{\"message\":\"not frames\"}".to_vec()),
            faults: Faults::default(),
        }],
        ..ReplayConfig::default()
    })
    .await
    .expect("server");
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(bad.endpoint())
        .bearer_token(BEARER)
        .build()
        .expect("client");
    let stream_err = client
        .converse_stream(&chat())
        .await
        .expect("open")
        .text()
        .await
        .expect_err("decode");
    errors.push(("decode", stream_err));

    let kinds: std::collections::BTreeSet<String> = errors
        .iter()
        .map(|(_, e)| format!("{:?}", e.kind()))
        .collect();
    for kind in [
        ErrorKind::Service,
        ErrorKind::Transport,
        ErrorKind::Timeout,
        ErrorKind::Configuration,
        ErrorKind::Signing,
        ErrorKind::Credentials,
        ErrorKind::Decode,
    ] {
        assert!(
            kinds.contains(&format!("{kind:?}")),
            "no {kind:?} error provoked: {kinds:?}"
        );
    }
    for (what, e) in &errors {
        assert_clean(what, &error_text(e));
    }
}

fn show_client(client: &Client) {
    assert_clean("Client (container source)", &debug_both(client));
}

const LINE_BREAKS: [&str; 4] = [
    "ENABLED\r\nX-Injected: 1",
    "ENABLED\nX-Injected: 1",
    "ENABLED\rX",
    "\r\n",
];

/// Sends a clean operation (the baseline), then operations whose caller header carries a line
/// break: each must be refused with a typed error (signing or configuration), by `send` and by
/// `prepare` (the dry run), and nothing may reach the server.
async fn assert_line_breaks_refused(auth: &str, server: &ReplayServer, client: &Client) {
    let ok = Operation::converse(
        MODEL,
        br#"{"messages":[{"role":"user","content":[{"text":"hi"}]}]}"#.to_vec(),
    )
    .header("x-amzn-bedrock-trace", "ENABLED");
    client
        .send(ok)
        .await
        .unwrap_or_else(|e| panic!("{auth}: {e}"));
    let sent_before = server.request_count();
    for value in LINE_BREAKS {
        let op = Operation::converse(MODEL, b"{}".to_vec()).header("x-amzn-bedrock-trace", value);
        let err = client.send(op.clone()).await.expect_err("send");
        assert!(
            matches!(err.kind(), ErrorKind::Signing | ErrorKind::Configuration),
            "{auth} {value:?}: send did not refuse it as bad input: {err}"
        );
        assert_eq!(
            server.request_count(),
            sent_before,
            "{auth} {value:?}: a request with a line break reached the wire"
        );
        match client.prepare(&op).await {
            Ok(p) => panic!("{auth}: prepare (the dry run) accepted {value:?}: {p:?}"),
            Err(err) => assert!(
                matches!(err.kind(), ErrorKind::Signing | ErrorKind::Configuration),
                "{auth} {value:?}: {err}"
            ),
        }
    }
}

#[tokio::test]
async fn caller_header_values_with_cr_or_lf_are_refused_before_sending() {
    let server = replay(ReplayAuth::SigV4 {
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: SECRET.into(),
        session_token: Some(TOKEN.into()),
    })
    .await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .credentials(creds())
        .build()
        .expect("client");
    assert_line_breaks_refused("sigv4", &server, &client).await;
}

#[tokio::test]
async fn caller_header_values_with_cr_or_lf_are_refused_with_bearer_auth() {
    let server = replay(ReplayAuth::Bearer(BEARER.into())).await;
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .bearer_token(BEARER)
        .max_attempts(3)
        .build()
        .expect("client");
    assert_line_breaks_refused("bearer", &server, &client).await;
}

#[test]
fn plain_http_goes_only_to_loopback_unless_opted_in() {
    let build = |url: &str, allow: bool| {
        Client::builder()
            .env(Env::empty())
            .region("us-east-1")
            .bearer_token(BEARER)
            .endpoint_url(url)
            .allow_http(allow)
            .build()
    };
    for url in [
        "http://127.0.0.1",
        "http://127.0.0.1:8080",
        "http://127.1.2.3:9",
        "http://localhost:4000",
        "http://[::1]:4000",
    ] {
        let c = build(url, false).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert!(c.endpoint_url().starts_with("http://"), "{url}");
    }
    for url in [
        "http://example.com",
        "http://bedrock-runtime.us-east-1.amazonaws.com",
        "http://127.0.0.1.example.com",
        "http://localhost.example.com",
        "http://10.0.0.1",
        "http://169.254.169.254",
        "ftp://127.0.0.1",
    ] {
        let err = build(url, false).expect_err(url);
        assert_eq!(err.kind(), ErrorKind::Configuration, "{url}: {err}");
    }
    // Opted in.
    let c = build("http://example.com", true).expect("allowed explicitly");
    assert_eq!(c.endpoint_url(), "http://example.com");
    // The same rule through the environment.
    let err = Client::builder()
        .env(Env::empty().with_var("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://example.com"))
        .region("us-east-1")
        .bearer_token(BEARER)
        .build()
        .expect_err("plain http from the environment");
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

#[test]
fn an_endpoint_url_with_credentials_in_it_is_refused_without_echoing_them() {
    let err = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .bearer_token("k")
        .endpoint_url(format!("https://{ACCESS_KEY}:{SECRET}@bedrock.example"))
        .build()
        .expect_err("credentials in the URL");
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_clean("endpoint URL error", &error_text(&err));
}

#[test]
fn tls_is_rustls_only() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
        .expect("Cargo.lock");
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .map(|l| l.trim_end_matches('"'))
        .collect();
    assert!(packages.contains(&"rustls"));
    for banned in [
        "openssl",
        "openssl-sys",
        "native-tls",
        "hyper-tls",
        "tokio-native-tls",
    ] {
        assert!(
            !packages.contains(&banned),
            "{banned} is in Cargo.lock: TLS must be rustls only"
        );
    }
}
