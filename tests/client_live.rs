//! Against real Bedrock. Ignored by default and never run in CI: run it by hand with
//! `cargo test -p bedrock-wire --test client_live -- --ignored` when credentials are configured
//! (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE` or `AWS_BEARER_TOKEN_BEDROCK`).
//! The model is `BEDROCK_WIRE_LIVE_MODEL` (default `us.amazon.nova-micro-v1:0`).

use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::ChatRequest;

fn credentials_present(env: &Env) -> bool {
    [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_BEARER_TOKEN_BEDROCK",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ]
    .iter()
    .any(|v| env.get(v).is_some())
        || env
            .home()
            .is_some_and(|h| h.join(".aws").join("credentials").exists())
}

#[tokio::test]
#[ignore = "talks to real Bedrock; run by hand with credentials"]
async fn live_converse_and_stream() {
    let env = Env::from_process();
    if env.get("CI").is_some() || !credentials_present(&env) {
        eprintln!("skipping: no AWS credentials in the environment (or running in CI)");
        return;
    }
    let model = env
        .get("BEDROCK_WIRE_LIVE_MODEL")
        .unwrap_or("us.amazon.nova-micro-v1:0")
        .to_owned();
    let client = Client::builder().env(env).build().expect("client");
    eprintln!(
        "{} in {} via {}",
        model,
        client.region(),
        client.auth_description()
    );
    let req = ChatRequest::new(model.as_str())
        .user("Reply with the single word: pong")
        .max_tokens(16);
    let reply = client.converse(&req).await.expect("converse");
    assert!(
        reply.text().to_lowercase().contains("pong"),
        "{}",
        reply.text()
    );
    let text = client
        .converse_stream(&req)
        .await
        .expect("open")
        .text()
        .await
        .expect("stream");
    assert!(text.to_lowercase().contains("pong"), "{text}");
}
