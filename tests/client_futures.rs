//! `ConverseStream::into_stream()` as a `futures_core::Stream` (crate feature `futures`).

use std::pin::Pin;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::{ChatRequest, StreamEvent};
use bedrock_wire::replay::{
    CannedResponse, DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, Exchange, Faults, Matcher,
    ReplayConfig, ReplayServer,
};
use futures_core::Stream;

#[tokio::test]
async fn stream_trait_yields_the_same_events() {
    let body = std::fs::read(format!(
        "{}/fixtures/replay/demo-stream/response.eventstream",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    let server = ReplayServer::start(ReplayConfig {
        exchanges: vec![Exchange {
            name: "s".into(),
            matcher: Matcher::default(),
            response: CannedResponse::event_stream(body),
            faults: Faults {
                chunk_size: Some(11),
                ..Faults::default()
            },
        }],
        ..ReplayConfig::default()
    })
    .await
    .expect("replay");
    let client = Client::builder()
        .env(Env::empty())
        .region("us-east-1")
        .endpoint_url(server.endpoint())
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .build()
        .expect("client");
    let req = ChatRequest::new("us.amazon.nova-micro-v1:0").user("hi");
    let mut pulled = Vec::new();
    let mut s = client.converse_stream(&req).await.expect("open");
    while let Some(e) = s.next().await {
        pulled.push(e.expect("event"));
    }
    let mut stream = client
        .converse_stream(&req)
        .await
        .expect("open")
        .into_stream();
    let mut polled: Vec<StreamEvent> = Vec::new();
    while let Some(e) = std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx)).await {
        polled.push(e.expect("event"));
    }
    assert_eq!(polled, pulled);
    assert!(
        std::future::poll_fn(|cx| Pin::new(&mut stream).poll_next(cx))
            .await
            .is_none()
    );
}
