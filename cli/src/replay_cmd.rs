//! `bedrock-wire replay`: the replay server in the foreground, for any client.

use std::path::PathBuf;

use bedrock_wire::replay::{self, ReplayAuth, ReplayConfig, ReplayServer};

use crate::Failure;
use crate::args::Spec;

pub(crate) const SPEC: Spec = Spec {
    values: &[("--fixtures", None), ("--port", None), ("--bearer", None)],
    switches: &["--no-auth"],
};

pub(crate) const HELP: &str = "\
bedrock-wire replay [--fixtures DIR] [--port N] [--bearer KEY | --no-auth]
  Serve replay fixtures on 127.0.0.1 like Bedrock Runtime: SigV4 is checked against the demo
  credentials (printed at start), or a bearer key with --bearer, or nothing with --no-auth.
  Point any client (curl via `bedrock-wire sign`, the official SDKs) at the printed endpoint.
  --fixtures DIR   default: the repository's fixtures/replay
  --port N         default: a free port";

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    let dir = args
        .value("--fixtures")
        .map_or_else(crate::chat::default_fixtures, PathBuf::from);
    let port = args.parsed::<u16>("--port")?.unwrap_or(0);
    let mut config = ReplayConfig::from_fixtures(&dir)
        .map_err(|e| Failure::op(format!("cannot load fixtures: {e}")))?;
    if let Some(key) = args.value("--bearer") {
        config.auth = ReplayAuth::Bearer(key.to_string());
    } else if args.flag("--no-auth") {
        config.auth = ReplayAuth::None;
    }
    let count = config.exchanges.len();
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let server = ReplayServer::start_on(config, port)
            .await
            .map_err(|e| Failure::op(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
        println!(
            "replaying {count} fixtures from {} on {}",
            dir.display(),
            server.endpoint()
        );
        println!(
            "demo credentials: AWS_ACCESS_KEY_ID={} AWS_SECRET_ACCESS_KEY={} AWS_REGION={}",
            replay::DEMO_ACCESS_KEY_ID,
            replay::DEMO_SECRET_ACCESS_KEY,
            replay::DEMO_REGION
        );
        println!("press Ctrl-C to stop");
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| Failure::op(format!("cannot wait for Ctrl-C: {e}")))?;
        eprintln!("served {} requests", server.request_count());
        Ok(())
    })
}
