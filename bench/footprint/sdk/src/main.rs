//! Footprint: one streamed Converse call with the official SDK.
use aws_config::{BehaviorVersion, Region};
use aws_sdk_bedrockruntime::types::{ContentBlock, ConversationRole, Message};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:1".into());
    let creds = aws_credential_types::Credentials::new(
        "AKIDREPLAYDEMO",
        "replay/demo/secret/key/not/a/real/one",
        None,
        None,
        "footprint",
    );
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(creds)
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_bedrockruntime::Client::new(&conf);
    let mut out = client
        .converse_stream()
        .model_id("us.amazon.nova-micro-v1:0")
        .messages(
            Message::builder()
                .role(ConversationRole::User)
                .content(ContentBlock::Text("hi".into()))
                .build()?,
        )
        .send()
        .await?;
    while let Some(ev) = out.stream.recv().await? {
        println!("{ev:?}");
    }
    Ok(())
}
