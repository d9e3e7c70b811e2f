//! Footprint: one streamed Converse call with bedrock-wire.
use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::ChatRequest;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:1".into());
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(endpoint)
        .access_key(
            "AKIDREPLAYDEMO",
            "replay/demo/secret/key/not/a/real/one",
            None,
        )
        .build()?;
    let mut stream = client
        .converse_stream(&ChatRequest::new("us.amazon.nova-micro-v1:0").user("hi"))
        .await?;
    while let Some(ev) = stream.next().await {
        println!("{:?}", ev?);
    }
    Ok(())
}
