//! Every credential source against temp files and loopback servers, through the public chain.

mod support;

use std::sync::Arc;
use std::time::Duration;

use bedrock_wire::client::{Env, http_client_builder};
use bedrock_wire::clock::{Clock, ManualClock};
use bedrock_wire::credentials::bedrock_json::BedrockJson;
use bedrock_wire::credentials::profile::ProfileSet;
use bedrock_wire::credentials::{
    AuthSettings, CredentialsProvider, LoadContext, ResolvedAuth, Source, resolve_auth,
};
use bedrock_wire::error::ErrorKind;
use support::{MockServer, Reply, TempDir, rfc3339_after, t0};

fn ctx(env: &Env, clock: &ManualClock) -> LoadContext {
    let http = http_client_builder().and_then(|b| {
        b.build()
            .map_err(|e| bedrock_wire::error::Error::configuration(e.to_string()))
    });
    LoadContext::new(
        http.expect("http client"),
        Arc::new(clock.clone()),
        env.clone(),
        Duration::from_secs(5),
        "us-east-1",
    )
}

fn source(env: &Env) -> Source {
    let files = ProfileSet::load(env).expect("files");
    let json = BedrockJson::load(env).expect("bedrock.json");
    match resolve_auth(&AuthSettings::default(), env, &files, &json).expect("resolve") {
        ResolvedAuth::SigV4(s) => s,
        other => panic!("expected SigV4, got {}", other.describe()),
    }
}

fn no_imds(env: Env) -> Env {
    env.with_var("AWS_EC2_METADATA_DISABLED", "true")
}

#[tokio::test]
async fn environment_keys() {
    let env = no_imds(Env::empty())
        .with_var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "planted-env-secret")
        .with_var("AWS_SESSION_TOKEN", "tok");
    let src = source(&env);
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(src, ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "AKIDENV");
    assert_eq!(c.credentials().session_token(), Some("tok"));
    assert_eq!(c.source(), "environment");
    assert!(!format!("{c:?}").contains("planted-env-secret"));
    // Half-configured environment is an error, not a silent fall-through.
    let env = no_imds(Env::empty()).with_var("AWS_ACCESS_KEY_ID", "AKID");
    let err = resolve_auth(
        &AuthSettings::default(),
        &env,
        &ProfileSet::default(),
        &BedrockJson::default(),
    )
    .expect_err("missing secret");
    assert_eq!(err.kind(), ErrorKind::Credentials);
}

#[tokio::test]
async fn profile_selection_and_static_keys() {
    let home = TempDir::new("profiles");
    home.write(
        ".aws/config",
        "[default]\nregion = eu-west-1\n[profile dev]\nregion = ap-south-1\n",
    );
    home.write(
        ".aws/credentials",
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s2\n",
    );
    let env = no_imds(Env::empty().with_home(home.path()));
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "AKIDDEFAULT");
    let env = env.with_var("AWS_PROFILE", "dev");
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "AKIDDEV");
    // A profile that exists nowhere is an error.
    let env = env.with_var("AWS_PROFILE", "nope");
    let files = ProfileSet::load(&env).expect("files");
    assert!(
        resolve_auth(
            &AuthSettings::default(),
            &env,
            &files,
            &BedrockJson::default()
        )
        .is_err()
    );
}

#[tokio::test]
async fn config_file_overrides_and_bedrock_json_profile() {
    let dir = TempDir::new("override");
    let cfg = dir.write("cfg", "[profile json]\ncredential_process = echo unused\n");
    let creds = dir.write(
        "creds",
        "[json]\naws_access_key_id = AKIDJSON\naws_secret_access_key = s\n",
    );
    let cwd = dir.path().join("cwd");
    dir.write(
        "cwd/bedrock.json",
        r#"{"profile":"json","region":"eu-north-1"}"#,
    );
    let env = no_imds(Env::empty())
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", creds.to_string_lossy())
        .with_cwd(&cwd);
    assert_eq!(
        BedrockJson::load(&env).expect("json").region.as_deref(),
        Some("eu-north-1")
    );
    // Static keys beat credential_process in the same profile.
    match source(&env) {
        Source::Static(c) => assert_eq!(c.credentials().access_key_id(), "AKIDJSON"),
        other => panic!("{}", other.describe()),
    }
}

#[tokio::test]
async fn credential_process_json_with_expiry() {
    let dir = TempDir::new("process");
    let out = dir.write(
        "out.json",
        format!(
            r#"{{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"planted-proc-secret","SessionToken":"t","Expiration":"{}"}}"#,
            rfc3339_after(3600)
        ),
    );
    let cfg = dir.write(
        "config",
        format!("[default]\ncredential_process = cat {}\n", out.display()),
    );
    let env = no_imds(Env::empty())
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "AKIDPROC");
    assert_eq!(c.expires_at(), Some(t0() + Duration::from_secs(3600)));

    // Failing command, wrong version and malformed output are errors that never echo the output.
    for (name, body) in [
        (
            "v2",
            r#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"planted-proc-secret"}"#,
        ),
        (
            "bad",
            r#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":planted-proc-secret}"#,
        ),
    ] {
        let out = dir.write(name, body);
        let cfg = dir.write(
            &format!("{name}.cfg"),
            format!("[default]\ncredential_process = cat {}\n", out.display()),
        );
        let env = env
            .clone()
            .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy());
        let err = CredentialsProvider::new(source(&env), ctx(&env, &clock))
            .credentials()
            .await
            .expect_err(name);
        assert!(!err.to_string().contains("planted-proc-secret"), "{err}");
        assert!(!format!("{err:?}").contains("planted-proc-secret"));
    }
    let cfg = dir.write(
        "fail.cfg",
        "[default]\ncredential_process = sh -c 'exit 3'\n",
    );
    let env = env.with_var("AWS_CONFIG_FILE", cfg.to_string_lossy());
    let err = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect_err("exit 3");
    assert!(err.to_string().contains("exited"), "{err}");
}

fn sts_ok(ak: &str) -> Reply {
    Reply::new(
        200,
        format!(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult><Credentials>\
             <AccessKeyId>{ak}</AccessKeyId><SecretAccessKey>sts-secret</SecretAccessKey>\
             <SessionToken>sts-token</SessionToken><Expiration>{}</Expiration></Credentials>\
             </AssumeRoleResult></AssumeRoleResponse>",
            rfc3339_after(3600)
        ),
    )
    .header("content-type", "text/xml")
}

#[tokio::test]
async fn assume_role_with_source_profile_is_signed_with_our_signer() {
    let sts = MockServer::start(|_, _| sts_ok("ASIAROLE")).await;
    let dir = TempDir::new("role");
    let cfg = dir.write(
        "config",
        "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = base\nrole_session_name = sess\nexternal_id = ext\nregion = eu-west-1\n[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n",
    );
    let env = no_imds(Env::empty())
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .with_var("AWS_PROFILE", "role")
        .with_var("AWS_ENDPOINT_URL_STS", sts.url());
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIAROLE");
    assert_eq!(c.credentials().session_token(), Some("sts-token"));
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method, "POST");
    let body = r.body_str();
    assert!(body.contains("Action=AssumeRole"), "{body}");
    assert!(
        body.contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"),
        "{body}"
    );
    assert!(body.contains("RoleSessionName=sess") && body.contains("ExternalId=ext"));
    // Verify the signature as STS would: recompute it from what was received.
    let auth = r.header("authorization").expect("signed");
    assert!(
        auth.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDBASE/20261121/eu-west-1/sts/aws4_request"
        ),
        "{auth}"
    );
    let amz_date = r.header("x-amz-date").expect("x-amz-date");
    let url = format!("{}{}", sts.url(), r.path);
    let headers = [("content-type", r.header("content-type").unwrap_or(""))];
    let again = sigv4::sign(
        &sigv4::SignableRequest {
            method: "POST",
            url: &url,
            headers: &headers,
            body: sigv4::SignableBody::Bytes(&r.body),
        },
        &sigv4::SigningParams {
            region: "eu-west-1",
            service: "sts",
            time: sigv4::parse_amz_date(amz_date).expect("date"),
            settings: bedrock_wire::crypto::signing_settings(),
        },
        &sigv4::Credentials::new("AKIDBASE", "base-secret", None),
    )
    .expect("sign");
    assert_eq!(again.header("authorization"), Some(auth));
}

#[tokio::test]
async fn sts_error_is_reported_with_code() {
    let sts = MockServer::start(|_, _| {
        Reply::new(403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error></ErrorResponse>")
    })
    .await;
    let dir = TempDir::new("role-err");
    let cfg = dir.write(
        "config",
        "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n",
    );
    let env = Env::empty()
        .with_var("AWS_EC2_METADATA_DISABLED", "true")
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .with_var("AWS_ENDPOINT_URL_STS", sts.url());
    let files = ProfileSet::load(&env).expect("files");
    // credential_source = Environment without keys is a clear error.
    assert!(
        resolve_auth(
            &AuthSettings::default(),
            &env,
            &files,
            &BedrockJson::default()
        )
        .is_err()
    );
    // Environment keys would win over the profile in the chain, so test the profile explicitly.
    let env = env
        .with_var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "s");
    let settings = AuthSettings {
        profile: Some("default".into()),
        ..Default::default()
    };
    let ResolvedAuth::SigV4(src) =
        resolve_auth(&settings, &env, &files, &BedrockJson::default()).expect("resolve")
    else {
        panic!("expected sigv4")
    };
    assert!(
        matches!(src, Source::AssumeRole { .. }),
        "{}",
        src.describe()
    );
    let clock = ManualClock::new(t0());
    let err = CredentialsProvider::new(src, ctx(&env, &clock))
        .credentials()
        .await
        .expect_err("denied");
    assert!(
        err.to_string().contains("AccessDenied") && err.to_string().contains("not allowed"),
        "{err}"
    );
}

#[tokio::test]
async fn web_identity_from_env() {
    let sts = MockServer::start(|_, _| {
        Reply::new(200, format!(
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
             <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>x</SecretAccessKey><SessionToken>y</SessionToken>\
             <Expiration>{}</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
            rfc3339_after(3600)
        ))
    })
    .await;
    let dir = TempDir::new("webid");
    let token = dir.write("token", "eyJhbGciOi.web-token\n");
    let env = no_imds(Env::empty())
        .with_var("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_string_lossy())
        .with_var("AWS_ROLE_ARN", "arn:aws:iam::1:role/irsa")
        .with_var("AWS_ROLE_SESSION_NAME", "pod")
        .with_var("AWS_ENDPOINT_URL_STS", sts.url());
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIAWEB");
    let body = sts.requests()[0].body_str();
    assert!(body.contains("Action=AssumeRoleWithWebIdentity"));
    assert!(
        body.contains("WebIdentityToken=eyJhbGciOi.web-token&")
            || body.ends_with("WebIdentityToken=eyJhbGciOi.web-token"),
        "{body}"
    );
    assert!(body.contains("RoleSessionName=pod"));
    assert!(sts.requests()[0].header("authorization").is_none());
}

#[tokio::test]
async fn sso_cached_token_and_get_role_credentials() {
    let portal = MockServer::start(|r, _| {
        if r.header("x-amz-sso_bearer_token") != Some("sso-access-token") {
            return Reply::new(401, "{}");
        }
        Reply::json(
            200,
            &serde_json::json!({"roleCredentials": {
            "accessKeyId": "ASIASSO", "secretAccessKey": "s", "sessionToken": "t",
            "expiration": (1_795_219_200u64 + 3600) * 1000 }}),
        )
    })
    .await;
    let home = TempDir::new("sso");
    home.write(
        ".aws/config",
        "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // sha1("corp")
    let file = format!(".aws/sso/cache/{}.json", sha1_hex("corp"));
    home.write(
        &file,
        format!(
            r#"{{"accessToken":"sso-access-token","expiresAt":"{}"}}"#,
            rfc3339_after(600)
        ),
    );
    let env =
        no_imds(Env::empty().with_home(home.path())).with_var("AWS_ENDPOINT_URL_SSO", portal.url());
    let clock = ManualClock::new(t0());
    let provider = CredentialsProvider::new(source(&env), ctx(&env, &clock));
    let c = provider.credentials().await.expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIASSO");
    let r = &portal.requests()[0];
    assert_eq!(
        r.path,
        "/federation/credentials?account_id=111122223333&role_name=Dev"
    );
    // An expired cached token says to log in again.
    clock.advance(Duration::from_secs(7200));
    provider.invalidate();
    let err = provider.credentials().await.expect_err("expired");
    assert!(err.to_string().contains("aws sso login"), "{err}");
}

fn sha1_hex(s: &str) -> String {
    // The AWS CLI keys the cache by the SHA-1 of the session name; compute it with openssl-free
    // shell tools so the test does not trust the code under test.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("printf '%s' '{s}' | sha1sum | cut -d' ' -f1"))
        .output()
        .expect("sha1sum");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test]
async fn container_credentials_with_token_file() {
    let server = MockServer::start(|r, _| {
        if r.header("authorization") != Some("container-auth-token") {
            return Reply::new(403, "{}");
        }
        Reply::json(200, &serde_json::json!({"AccessKeyId":"ASIACONT","SecretAccessKey":"s","Token":"t","Expiration": rfc3339_after(3600)}))
    })
    .await;
    let dir = TempDir::new("container");
    let token = dir.write("token", "container-auth-token\n");
    let env = no_imds(Env::empty())
        .with_var(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            format!("{}/v2/credentials", server.url()),
        )
        .with_var("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong-token")
        .with_var(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token.to_string_lossy(),
        );
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIACONT");
    assert_eq!(c.credentials().session_token(), Some("t"));
    // The authorization token never shows in Debug output.
    let env2 = no_imds(Env::empty())
        .with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url())
        .with_var(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "planted-container-token",
        );
    let shown = format!("{:?}", source(&env2));
    assert!(!shown.contains("planted-container-token"), "{shown}");
    // Plain http to a non-loopback host is refused.
    let env = no_imds(Env::empty()).with_var(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://example.com/creds",
    );
    assert!(
        resolve_auth(
            &AuthSettings::default(),
            &env,
            &ProfileSet::default(),
            &BedrockJson::default()
        )
        .is_err()
    );
}

/// IMDS whose n-th credentials document (n = index / 3) expires at t0 + (n + 1) hours.
fn imds_handler(r: &support::Recorded, index: usize) -> Reply {
    match (r.method.as_str(), r.path.as_str()) {
        ("PUT", "/latest/api/token") => {
            if r.header("x-aws-ec2-metadata-token-ttl-seconds").is_none() {
                return Reply::new(400, "");
            }
            Reply::new(200, "imds-session-token")
        }
        (_, p) if r.header("x-aws-ec2-metadata-token") != Some("imds-session-token") => {
            Reply::new(401, format!("no token for {p}"))
        }
        ("GET", "/latest/meta-data/iam/security-credentials/") => Reply::new(200, "my-role\n"),
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => Reply::json(
            200,
            &serde_json::json!({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration": rfc3339_after(3600 * (1 + index as u64 / 3))}),
        ),
        _ => Reply::new(404, ""),
    }
}

#[tokio::test]
async fn imds_v2_flow_and_disable() {
    let imds = MockServer::start(imds_handler).await;
    let env = Env::empty().with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
    let clock = ManualClock::new(t0());
    let c = CredentialsProvider::new(source(&env), ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIAIMDS");
    let paths: Vec<_> = imds
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/my-role"
        ]
    );
    let env = env.with_var("AWS_EC2_METADATA_DISABLED", "true");
    let err = resolve_auth(
        &AuthSettings::default(),
        &env,
        &ProfileSet::default(),
        &BedrockJson::default(),
    )
    .expect_err("no source");
    assert_eq!(err.kind(), ErrorKind::Credentials);
}

#[tokio::test]
async fn refresh_ahead_of_expiry_is_single_flight() {
    let imds = Arc::new(MockServer::start(imds_handler).await);
    let env = Env::empty().with_var("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.url());
    let clock = ManualClock::new(t0());
    let provider = Arc::new(CredentialsProvider::new(source(&env), ctx(&env, &clock)));
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let p = provider.clone();
        tasks.push(tokio::spawn(async move {
            p.credentials()
                .await
                .map(|c| c.credentials().access_key_id().to_owned())
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("join").expect("creds"), "ASIAIMDS");
    }
    assert_eq!(provider.loads(), 1);
    assert_eq!(imds.hits(), 3);
    // 54 minutes later: still more than 5 minutes left, no load.
    clock.advance(Duration::from_secs(54 * 60));
    provider.credentials().await.expect("cached");
    assert_eq!(provider.loads(), 1);
    // 56 minutes: inside the refresh window; many waiters, one refresh.
    clock.advance(Duration::from_secs(2 * 60));
    let mut tasks = Vec::new();
    for _ in 0..32 {
        let p = provider.clone();
        tasks.push(tokio::spawn(async move { p.credentials().await.is_ok() }));
    }
    for t in tasks {
        assert!(t.await.expect("join"));
    }
    assert_eq!(provider.loads(), 2);
    assert_eq!(imds.hits(), 6);
    let _ = clock.now();
}

#[tokio::test]
async fn credential_process_that_hangs_is_killed_at_the_timeout() {
    let dir = TempDir::new("process-hang");
    let cfg = dir.write("config", "[default]\ncredential_process = exec sleep 30\n");
    let env = no_imds(Env::empty())
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    let clock = ManualClock::new(t0());
    let c = LoadContext::new(
        http_client_builder().expect("tls").build().expect("http"),
        Arc::new(clock.clone()),
        env.clone(),
        Duration::from_millis(200),
        "us-east-1",
    );
    let err = CredentialsProvider::new(source(&env), c)
        .credentials()
        .await
        .expect_err("timeout");
    assert!(err.to_string().contains("did not finish"), "{err}");
}

#[tokio::test]
async fn role_chain_and_profile_web_identity() {
    // role2 <- role1 <- base keys: two AssumeRole calls, the second signed with the first's result.
    let sts =
        MockServer::start(|_, i| sts_ok(if i == 0 { "ASIAFIRST" } else { "ASIASECOND" })).await;
    let dir = TempDir::new("chain");
    let token = dir.write("web-token", "profile-web-token");
    let cfg = dir.write(
        "config",
        format!(
            "[profile role2]\nrole_arn = arn:aws:iam::1:role/two\nsource_profile = role1\n\
             [profile role1]\nrole_arn = arn:aws:iam::1:role/one\nsource_profile = base\n\
             [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n\
             [profile loop1]\nrole_arn = arn:aws:iam::1:role/l\nsource_profile = loop2\n\
             [profile loop2]\nrole_arn = arn:aws:iam::1:role/l\nsource_profile = loop1\n\
             [profile web]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = {}\n",
            token.display()
        ),
    );
    let env = no_imds(Env::empty())
        .with_var("AWS_CONFIG_FILE", cfg.to_string_lossy())
        .with_var("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .with_var("AWS_ENDPOINT_URL_STS", sts.url());
    let clock = ManualClock::new(t0());
    let settings = |p: &str| AuthSettings {
        profile: Some(p.into()),
        ..Default::default()
    };
    let files = ProfileSet::load(&env).expect("files");
    let ResolvedAuth::SigV4(src) =
        resolve_auth(&settings("role2"), &env, &files, &BedrockJson::default()).expect("resolve")
    else {
        panic!("sigv4")
    };
    let c = CredentialsProvider::new(src, ctx(&env, &clock))
        .credentials()
        .await
        .expect("creds");
    assert_eq!(c.credentials().access_key_id(), "ASIASECOND");
    let reqs = sts.requests();
    assert!(reqs[0].body_str().contains("role%2Fone"));
    assert!(
        reqs[0]
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=AKIDBASE/"))
    );
    assert!(reqs[1].body_str().contains("role%2Ftwo"));
    assert!(
        reqs[1]
            .header("authorization")
            .is_some_and(|a| a.contains("Credential=ASIAFIRST/"))
    );
    assert_eq!(reqs[1].header("x-amz-security-token"), Some("sts-token"));

    let err =
        resolve_auth(&settings("loop1"), &env, &files, &BedrockJson::default()).expect_err("loop");
    assert!(err.to_string().contains("loops"), "{err}");

    let ResolvedAuth::SigV4(src) =
        resolve_auth(&settings("web"), &env, &files, &BedrockJson::default()).expect("resolve")
    else {
        panic!("sigv4")
    };
    assert!(matches!(src, Source::WebIdentity { .. }));
    CredentialsProvider::new(src, ctx(&env, &clock))
        .credentials()
        .await
        .expect("web creds");
    let last = sts.requests().pop().expect("request");
    assert!(
        last.body_str()
            .contains("WebIdentityToken=profile-web-token")
    );
}

#[tokio::test]
async fn short_lived_credentials_are_not_reloaded_on_every_call() {
    // The container hands out credentials that expire in 4 minutes (inside the refresh window).
    let server = MockServer::start(|_, _| {
        Reply::json(200, &serde_json::json!({"AccessKeyId":"ASIASHORT","SecretAccessKey":"s","Token":"t","Expiration": rfc3339_after(240)}))
    })
    .await;
    let env = no_imds(Env::empty()).with_var("AWS_CONTAINER_CREDENTIALS_FULL_URI", server.url());
    let clock = ManualClock::new(t0());
    let provider = CredentialsProvider::new(source(&env), ctx(&env, &clock));
    for _ in 0..10 {
        provider.credentials().await.expect("creds");
    }
    assert_eq!(provider.loads(), 1);
    clock.advance(Duration::from_secs(31));
    provider.credentials().await.expect("creds");
    assert_eq!(provider.loads(), 2, "tried again after the hold");
}
