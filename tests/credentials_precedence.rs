//! Auth precedence (explicit beats ambient) and minted short-term bearer keys.

mod support;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bedrock_wire::client::{Env, http_client_builder};
use bedrock_wire::clock::ManualClock;
use bedrock_wire::credentials::bearer::{BearerMinter, PREFIX, mint};
use bedrock_wire::credentials::bedrock_json::BedrockJson;
use bedrock_wire::credentials::profile::ProfileSet;
use bedrock_wire::credentials::{
    AuthMode, AuthSettings, AwsCredentials, CredentialsProvider, LoadContext, ResolvedAuth, Source,
    resolve_auth,
};
use bedrock_wire::error::ErrorKind;
use support::t0;

fn files() -> ProfileSet {
    ProfileSet::parse(
        "[profile other]\nregion = eu-west-1\n",
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = o\n",
    )
}

fn ambient() -> Env {
    Env::empty()
        .with_var("AWS_EC2_METADATA_DISABLED", "true")
        .with_var("AWS_BEARER_TOKEN_BEDROCK", "stale-ambient-key")
}

fn describe(settings: &AuthSettings, env: &Env) -> String {
    match resolve_auth(settings, env, &files(), &BedrockJson::default()) {
        Ok(ResolvedAuth::Bearer(_, origin)) => format!("bearer:{origin}"),
        Ok(ResolvedAuth::SigV4(Source::Static(c))) => {
            format!("sigv4:{}", c.credentials().access_key_id())
        }
        Ok(ResolvedAuth::MintedBearer(Source::Static(c), _)) => {
            format!("minted:{}", c.credentials().access_key_id())
        }
        Ok(other) => other.describe(),
        Err(e) => format!("error:{:?}", e.kind()),
    }
}

#[test]
fn precedence_table() {
    let explicit_creds = Some(sigv4::Credentials::new("AKIDEXPLICIT", "e", None));
    let explicit_bearer = Some(sigv4::BearerToken::new("explicit-key"));
    let env_keys = ambient()
        .with_var("AWS_ACCESS_KEY_ID", "AKIDENV")
        .with_var("AWS_SECRET_ACCESS_KEY", "s");
    let cases: Vec<(&str, AuthSettings, Env, &str)> = vec![
        (
            "explicit bearer beats all",
            AuthSettings {
                bearer: explicit_bearer.clone(),
                ..Default::default()
            },
            env_keys.clone(),
            "bearer:builder",
        ),
        (
            "explicit creds beat ambient bearer",
            AuthSettings {
                credentials: explicit_creds.clone(),
                ..Default::default()
            },
            ambient(),
            "sigv4:AKIDEXPLICIT",
        ),
        (
            "explicit profile beats ambient bearer",
            AuthSettings {
                profile: Some("other".into()),
                ..Default::default()
            },
            ambient(),
            "sigv4:AKIDOTHER",
        ),
        (
            "env keys beat ambient bearer",
            AuthSettings::default(),
            env_keys.clone(),
            "sigv4:AKIDENV",
        ),
        (
            "ambient bearer beats default profile",
            AuthSettings::default(),
            ambient(),
            "bearer:AWS_BEARER_TOKEN_BEDROCK",
        ),
        (
            "ignored ambient bearer",
            AuthSettings {
                ignore_env_bearer: true,
                ..Default::default()
            },
            ambient(),
            "sigv4:AKIDDEFAULT",
        ),
        (
            "forced sigv4 skips ambient bearer",
            AuthSettings {
                mode: AuthMode::SigV4,
                ..Default::default()
            },
            ambient(),
            "sigv4:AKIDDEFAULT",
        ),
        (
            "forced sigv4 with explicit bearer",
            AuthSettings {
                mode: AuthMode::SigV4,
                bearer: explicit_bearer.clone(),
                ..Default::default()
            },
            ambient(),
            "error:Configuration",
        ),
        (
            "both explicit in auto",
            AuthSettings {
                bearer: explicit_bearer.clone(),
                credentials: explicit_creds.clone(),
                ..Default::default()
            },
            ambient(),
            "error:Configuration",
        ),
        (
            "forced bearer takes ambient key over minting",
            AuthSettings {
                mode: AuthMode::Bearer,
                ..Default::default()
            },
            env_keys.clone(),
            "bearer:AWS_BEARER_TOKEN_BEDROCK",
        ),
        (
            "forced bearer mints from env keys",
            AuthSettings {
                mode: AuthMode::Bearer,
                ignore_env_bearer: true,
                ..Default::default()
            },
            env_keys.clone(),
            "minted:AKIDENV",
        ),
        (
            "forced bearer mints from explicit creds",
            AuthSettings {
                mode: AuthMode::Bearer,
                credentials: explicit_creds.clone(),
                ignore_env_bearer: true,
                ..Default::default()
            },
            ambient(),
            "minted:AKIDEXPLICIT",
        ),
        (
            "AWS_PROFILE selects",
            AuthSettings {
                mode: AuthMode::SigV4,
                ..Default::default()
            },
            ambient().with_var("AWS_PROFILE", "other"),
            "sigv4:AKIDOTHER",
        ),
    ];
    for (name, settings, env, want) in cases {
        assert_eq!(describe(&settings, &env), want, "{name}");
    }
    // The profile named by bedrock.json is used when nothing else names one.
    let json = BedrockJson {
        profile: Some("other".into()),
        region: None,
    };
    let r = resolve_auth(
        &AuthSettings {
            ignore_env_bearer: true,
            ..Default::default()
        },
        &ambient(),
        &files(),
        &json,
    );
    assert!(
        matches!(r, Ok(ResolvedAuth::SigV4(Source::Static(c))) if c.credentials().access_key_id() == "AKIDOTHER")
    );
}

fn decode(token: &str) -> String {
    let b64 = token.strip_prefix(PREFIX).expect("prefix");
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .expect("base64"),
    )
    .expect("utf8")
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
}

#[test]
fn minted_key_is_a_verifiable_presigned_url() {
    let creds = sigv4::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session/token=".into()),
    );
    let key = mint(
        &creds,
        "eu-central-1",
        t0(),
        Duration::from_secs(43_200 * 2),
    )
    .expect("mint");
    let url = decode(key.expose());
    assert!(
        url.starts_with("bedrock.amazonaws.com/?Action=CallWithBearerToken&"),
        "{url}"
    );
    assert!(url.ends_with("&Version=1"));
    assert_eq!(
        query_param(&url, "X-Amz-Expires"),
        Some("43200"),
        "lifetime is clamped to 12 h"
    );
    assert_eq!(
        query_param(&url, "X-Amz-Credential"),
        Some("AKIDEXAMPLE%2F20261121%2Feu-central-1%2Fbedrock%2Faws4_request")
    );
    assert_eq!(
        query_param(&url, "X-Amz-Security-Token"),
        Some("session%2Ftoken%3D")
    );
    // Recompute the signature as the service would.
    let again = sigv4::presign(
        &sigv4::SignableRequest {
            method: "GET",
            url: "https://bedrock.amazonaws.com/?Action=CallWithBearerToken",
            headers: &[],
            body: sigv4::SignableBody::Bytes(b""),
        },
        &sigv4::SigningParams {
            region: "eu-central-1",
            service: "bedrock",
            time: t0(),
            settings: bedrock_wire::crypto::signing_settings(),
        },
        &creds,
        Duration::from_secs(43_200),
    )
    .expect("presign");
    assert_eq!(
        query_param(&url, "X-Amz-Signature"),
        Some(again.signature.as_str())
    );
    assert!(!format!("{key:?}").contains("bedrock-api-key"));
}

#[tokio::test]
async fn minter_renews_before_expiry_and_respects_credential_expiry() {
    let clock = ManualClock::new(t0());
    let http = http_client_builder().expect("tls").build().expect("client");
    let ctx = LoadContext::new(
        http,
        Arc::new(clock.clone()),
        Env::empty(),
        Duration::from_secs(1),
        "us-east-1",
    );
    let static_src = Source::Static(AwsCredentials::new(
        sigv4::Credentials::new("AKID", "s", None),
        None,
        "test",
    ));
    let provider = Arc::new(CredentialsProvider::new(static_src, ctx.clone()));
    let minter = BearerMinter::new(
        provider,
        "us-east-1",
        Duration::from_secs(3600),
        Arc::new(clock.clone()),
    );
    let first = minter.token().await.expect("token");
    clock.advance(Duration::from_secs(50 * 60));
    assert_eq!(
        minter.token().await.expect("token").expose(),
        first.expose(),
        "still fresh"
    );
    clock.advance(Duration::from_secs(6 * 60));
    let second = minter.token().await.expect("token");
    assert_ne!(
        second.expose(),
        first.expose(),
        "renewed inside the last five minutes"
    );

    // Temporary credentials that expire in 30 minutes cap the key's lifetime.
    let temp = Source::Static(AwsCredentials::new(
        sigv4::Credentials::new("ASIA", "s", Some("t".into())),
        Some(t0() + Duration::from_secs(3 * 3600)),
        "test",
    ));
    let clock2 = ManualClock::new(t0() + Duration::from_secs(3 * 3600 - 30 * 60));
    let ctx2 = LoadContext::new(
        http_client_builder().expect("tls").build().expect("client"),
        Arc::new(clock2.clone()),
        Env::empty(),
        Duration::from_secs(1),
        "us-east-1",
    );
    let minter = BearerMinter::new(
        Arc::new(CredentialsProvider::new(temp, ctx2)),
        "us-east-1",
        Duration::from_secs(43_200),
        Arc::new(clock2),
    );
    let url = decode(minter.token().await.expect("token").expose());
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("1800"));
    let _ = ErrorKind::Credentials;
}
