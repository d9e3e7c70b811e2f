//! Region, endpoint, retry and auth settings as the builder resolves them (no network).

mod support;

use bedrock_wire::client::{Client, Env, Operation};
use bedrock_wire::endpoint::RegionSource;
use bedrock_wire::error::ErrorKind;
use support::TempDir;

fn base() -> Env {
    Env::empty()
        .with_var("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .with_var("AWS_SECRET_ACCESS_KEY", "secret")
}

#[test]
fn region_order_through_the_builder() {
    let home = TempDir::new("cfg-region");
    home.write(
        ".aws/config",
        "[default]\nregion = ap-southeast-2\n[profile eu]\nregion = eu-west-3\naws_access_key_id = AKIDEU\naws_secret_access_key = s\n",
    );
    let cwd = home.path().join("proj");
    home.write("proj/bedrock.json", r#"{"region":"ca-central-1"}"#);
    let env = base().with_home(home.path()).with_cwd(&cwd);

    let c = Client::builder().env(env.clone()).build().expect("client");
    assert_eq!(
        (c.region(), c.region_source()),
        ("ap-southeast-2", RegionSource::Profile)
    );
    let c = Client::builder()
        .env(env.clone())
        .profile("eu")
        .build()
        .expect("client");
    assert_eq!(c.region(), "eu-west-3");
    let c = Client::builder()
        .env(env.clone().with_var("AWS_DEFAULT_REGION", "us-west-1"))
        .build()
        .expect("client");
    assert_eq!(c.region_source(), RegionSource::AwsDefaultRegion);
    let c = Client::builder()
        .env(env.clone().with_var("AWS_REGION", "us-west-2"))
        .region("sa-east-1")
        .build()
        .expect("client");
    assert_eq!(c.region(), "sa-east-1");
    assert_eq!(
        c.endpoint_url(),
        "https://bedrock-runtime.sa-east-1.amazonaws.com"
    );
    let env = base().with_cwd(&cwd);
    let c = Client::builder().env(env).build().expect("client");
    assert_eq!(
        (c.region(), c.region_source()),
        ("ca-central-1", RegionSource::BedrockJson)
    );
    let c = Client::builder().env(base()).build().expect("client");
    assert_eq!(
        (c.region(), c.region_source()),
        ("us-east-1", RegionSource::Default)
    );
    assert_eq!(
        Client::builder()
            .env(base())
            .region("not a region")
            .build()
            .map(|_| ())
            .map_err(|e| e.kind()),
        Err(ErrorKind::Configuration)
    );
}

#[tokio::test]
async fn arn_region_is_used_when_nothing_else_names_one() {
    let c = Client::builder().env(base()).build().expect("client");
    let arn = "arn:aws:bedrock:eu-central-1:123456789012:application-inference-profile/abc";
    let req = c
        .prepare(&Operation::converse(arn, b"{}".to_vec()))
        .await
        .expect("prepare");
    assert_eq!(
        req.url,
        "https://bedrock-runtime.eu-central-1.amazonaws.com/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Aapplication-inference-profile%2Fabc/converse"
    );
    assert!(
        req.header("authorization")
            .is_some_and(|a| a.contains("/eu-central-1/bedrock/aws4_request"))
    );
    // A configured region wins over the ARN's.
    let c = Client::builder()
        .env(base())
        .region("us-west-2")
        .build()
        .expect("client");
    let req = c
        .prepare(&Operation::converse(arn, b"{}".to_vec()))
        .await
        .expect("prepare");
    assert!(
        req.url
            .starts_with("https://bedrock-runtime.us-west-2.amazonaws.com/")
    );
}

#[test]
fn endpoint_variants_from_env_and_builder() {
    let c = Client::builder()
        .env(base().with_var("AWS_USE_FIPS_ENDPOINT", "true"))
        .region("us-gov-west-1")
        .build()
        .expect("client");
    assert_eq!(
        c.endpoint_url(),
        "https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com"
    );
    let c = Client::builder()
        .env(base().with_var("AWS_USE_DUALSTACK_ENDPOINT", "true"))
        .region("us-east-1")
        .build()
        .expect("client");
    assert_eq!(
        c.endpoint_url(),
        "https://bedrock-runtime.us-east-1.api.aws"
    );
    let c = Client::builder()
        .env(base().with_var("AWS_USE_FIPS_ENDPOINT", "true"))
        .use_fips(false)
        .region("us-east-1")
        .build()
        .expect("client");
    assert_eq!(
        c.endpoint_url(),
        "https://bedrock-runtime.us-east-1.amazonaws.com"
    );
    let env = base()
        .with_var("AWS_ENDPOINT_URL", "https://all.example")
        .with_var(
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
            "https://vpce-0a.bedrock-runtime.eu-west-1.vpce.amazonaws.com",
        );
    let c = Client::builder()
        .env(env.clone())
        .region("eu-west-1")
        .build()
        .expect("client");
    assert_eq!(
        c.endpoint_url(),
        "https://vpce-0a.bedrock-runtime.eu-west-1.vpce.amazonaws.com"
    );
    assert_eq!(c.region(), "eu-west-1");
    let c = Client::builder()
        .env(env)
        .endpoint_url("https://proxy.example/bedrock/")
        .region("eu-west-1")
        .build()
        .expect("client");
    assert_eq!(c.endpoint_url(), "https://proxy.example/bedrock");
    let err = Client::builder()
        .env(base())
        .endpoint_url("http://proxy.example")
        .build()
        .expect_err("plain http");
    assert_eq!(err.kind(), ErrorKind::Configuration);
    Client::builder()
        .env(base())
        .endpoint_url("http://proxy.example")
        .allow_http(true)
        .build()
        .expect("allowed");
}

#[tokio::test]
async fn custom_endpoint_keeps_signing_region_and_service() {
    let c = Client::builder()
        .env(base())
        .region("eu-west-1")
        .endpoint_url("https://proxy.example/prefix")
        .build()
        .expect("client");
    let req = c
        .prepare(&Operation::converse(
            "amazon.nova-lite-v1:0",
            b"{}".to_vec(),
        ))
        .await
        .expect("prepare");
    assert_eq!(
        req.url,
        "https://proxy.example/prefix/model/amazon.nova-lite-v1%3A0/converse"
    );
    assert!(
        req.header("authorization")
            .is_some_and(|a| a.contains("/eu-west-1/bedrock/aws4_request"))
    );
}

#[test]
fn retry_attempts_from_env_and_builder_and_deferred_errors() {
    let c = Client::builder()
        .env(base().with_var("AWS_MAX_ATTEMPTS", "7"))
        .build()
        .expect("client");
    assert_eq!(c.retry_config().max_attempts, 7);
    let c = Client::builder()
        .env(base().with_var("AWS_MAX_ATTEMPTS", "7"))
        .max_attempts(2)
        .build()
        .expect("client");
    assert_eq!(c.retry_config().max_attempts, 2);
    assert!(
        Client::builder()
            .env(base().with_var("AWS_MAX_ATTEMPTS", "zero"))
            .build()
            .is_err()
    );
    assert!(
        Client::builder()
            .env(base())
            .max_attempts(0)
            .region("us-east-1")
            .build()
            .is_err()
    );
    assert!(
        Client::builder()
            .env(base())
            .bearer_token("  ")
            .build()
            .is_err()
    );
    assert_eq!(
        Client::builder()
            .env(base())
            .build()
            .expect("client")
            .retry_config()
            .max_attempts,
        3
    );
}

#[tokio::test]
async fn each_prepare_signs_afresh_with_operation_headers() {
    let c = Client::builder()
        .env(base())
        .region("us-east-1")
        .build()
        .expect("client");
    let op = Operation::invoke_stream("anthropic.claude-3-haiku-20240307-v1:0", b"{}".to_vec())
        .header("X-Amzn-Bedrock-Trace", "ENABLED");
    let req = c.prepare(&op).await.expect("prepare");
    assert_eq!(
        req.header("accept"),
        Some("application/vnd.amazon.eventstream")
    );
    assert_eq!(
        req.header("x-amzn-bedrock-accept"),
        Some("application/json")
    );
    assert_eq!(req.header("x-amzn-bedrock-trace"), Some("ENABLED"));
    let auth = req.header("authorization").expect("auth");
    assert!(auth.contains("SignedHeaders=accept;content-type;host;x-amz-date;x-amzn-bedrock-accept;x-amzn-bedrock-trace,"), "{auth}");
    // Exactly one of each signature header.
    assert_eq!(
        req.headers
            .iter()
            .filter(|(n, _)| n == "authorization")
            .count(),
        1
    );
    assert_eq!(
        req.headers
            .iter()
            .filter(|(n, _)| n == "x-amz-date")
            .count(),
        1
    );
}

#[tokio::test]
async fn bearer_dry_run_is_redacted() {
    let c = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .bearer_token("bedrock-api-key-SECRETVALUE")
        .build()
        .expect("client");
    let req = c
        .prepare(&Operation::converse(
            "amazon.nova-lite-v1:0",
            b"{}".to_vec(),
        ))
        .await
        .expect("prepare");
    assert_eq!(
        req.header("authorization"),
        Some("Bearer bedrock-api-key-SECRETVALUE")
    );
    assert!(req.header("x-amz-date").is_none());
    let shown = format!("{req:?} {:?}", req.redacted_headers());
    assert!(!shown.contains("SECRETVALUE"), "{shown}");
    assert!(shown.contains("Bearer <redacted>"));
}
