//! Every native-family replay fixture (`fixtures/replay/native-*`) through the real client:
//! the request built from the golden `ChatRequest` must match the fixture's native body exactly
//! (the server answers only then), and the response must parse into the golden `ChatResponse`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bedrock_wire::client::{Client, Env};
use bedrock_wire::clock::SystemClock;
use bedrock_wire::model::{ChatRequest, ChatResponse};
use bedrock_wire::replay::{
    DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, ReplayConfig, ReplayServer,
};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[tokio::test]
async fn every_native_family_replays_through_the_client() {
    let replay_dir = root().join("fixtures/replay");
    let mut config = ReplayConfig::from_fixtures(&replay_dir).unwrap();
    config.clock = Arc::new(SystemClock);
    let server = ReplayServer::start(config).await.unwrap();
    let client = Client::builder()
        .env(Env::empty())
        .endpoint_url(server.endpoint())
        .region("us-east-1")
        .access_key(DEMO_ACCESS_KEY_ID, DEMO_SECRET_ACCESS_KEY, None)
        .max_attempts(1)
        .build()
        .unwrap();
    let mut cases: Vec<String> = std::fs::read_dir(&replay_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("native-"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 28, "{cases:?}");
    let (mut invokes, mut streams) = (0, 0);
    for case in &cases {
        let expected = read_json(&replay_dir.join(case).join("expected.json"));
        let source = root().join(expected["source"].as_str().unwrap());
        let request: ChatRequest =
            serde_json::from_value(read_json(&source.join("request.json"))).unwrap();
        let want: ChatResponse = serde_json::from_value(read_json(
            &root().join(expected["response"].as_str().unwrap()),
        ))
        .unwrap();
        let got = if case.ends_with("-stream") {
            streams += 1;
            client
                .invoke_stream(&request)
                .await
                .unwrap_or_else(|e| panic!("{case}: {e}"))
                .collect()
                .await
        } else {
            invokes += 1;
            client.invoke(&request).await
        }
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        let answered = server.requests().last().and_then(|r| r.fixture.clone());
        assert_eq!(answered.as_deref(), Some(case.as_str()), "{case}");
        assert_eq!(got, want, "{case}");
    }
    assert!(
        invokes >= 14 && streams >= 14,
        "{invokes} invokes, {streams} streams"
    );
}
