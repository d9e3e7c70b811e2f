//! The `bedrock-wire` command: chat, sign, decode, embed, models, replay.
//!
//! Exit status: 0 success; 1 the operation failed (service, transport, credentials or decode
//! error; a one-line message on stderr); 2 usage error (bad flags or arguments).

mod args;
mod bedrock_view;
mod chat;
mod decode;
mod embed;
mod models;
mod record;
mod replay_cmd;
mod send;
mod sign;

use std::io::Read;
use std::process::ExitCode;

use args::UsageError;

const HELP: &str = "\
bedrock-wire: AWS Bedrock Runtime by hand (SigV4, Event Stream, Converse), no AWS SDK

usage: bedrock-wire <command> [options]

commands:
  chat [PROMPT]     chat with a model, streamed (try: chat --offline \"Explain quantum computing\")
  decode [FILE|-]   Event Stream bytes to NDJSON
  embed TEXT...     embeddings (Titan, Cohere, Nova), OpenAI-shaped with --json
  models            the model table (aliases, ids, families, capabilities, prices)
  replay            serve replay fixtures on 127.0.0.1 for any client
  sign              sign a request with SigV4 (print curl, JSON, or send it)
  help [COMMAND]    this text, or a command's options

exit status: 0 success, 1 the operation failed, 2 usage error";

/// Why the command failed: a one-line message (what, why, what to do) and the exit status.
#[derive(Debug)]
pub(crate) struct Failure {
    message: Option<String>,
    code: u8,
}

impl Failure {
    /// A failure whose details were already printed (e.g. decode's error line).
    pub(crate) fn silent(code: u8) -> Self {
        Self {
            message: None,
            code,
        }
    }

    /// A failed operation (exit 1).
    pub(crate) fn op(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            code: 1,
        }
    }

    /// An I/O failure on `what`.
    pub(crate) fn io(what: &str, e: &std::io::Error) -> Self {
        Self::op(format!("cannot read or write {what}: {e}"))
    }
}

impl From<UsageError> for Failure {
    fn from(e: UsageError) -> Self {
        Self {
            message: Some(format!("{} (see `bedrock-wire help`)", e.0)),
            code: 2,
        }
    }
}

/// The wall clock, read through the library's one clock.
pub(crate) fn now() -> std::time::SystemTime {
    use bedrock_wire::clock::Clock as _;
    bedrock_wire::clock::SystemClock.now()
}

/// The monotonic clock, read through the library's one clock.
pub(crate) fn instant() -> std::time::Instant {
    use bedrock_wire::clock::Clock as _;
    bedrock_wire::clock::SystemClock.instant()
}

/// A tokio runtime for the async commands.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::op(format!("cannot start the async runtime: {e}")))
}

/// One line for a client error: what happened, and the hint when the cause is known.
pub(crate) fn client_failure(e: &bedrock_wire::error::Error) -> Failure {
    Failure::op(e.to_string())
}

/// Reads a file, or stdin for `None` / `-`.
pub(crate) fn read_input(path: Option<&str>) -> Result<Vec<u8>, Failure> {
    match path {
        None | Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Failure::io("stdin", &e))?;
            Ok(buf)
        }
        Some(p) => std::fs::read(p).map_err(|e| Failure::io(p, &e)),
    }
}

fn run(argv: &[String]) -> Result<(), Failure> {
    let Some((command, rest)) = argv.split_first() else {
        println!("{HELP}");
        return Ok(());
    };
    match command.as_str() {
        "chat" => chat::run(rest),
        "decode" => decode::run(rest),
        "embed" => embed::run(rest),
        "models" => models::run(rest),
        "sign" => sign::run(rest),
        "replay" => replay_cmd::run(rest),
        "help" | "--help" | "-h" => {
            match rest.first().map(String::as_str) {
                Some("chat") => println!("{}", chat::HELP),
                Some("decode") => println!("{}", decode::HELP),
                Some("embed") => println!("{}", embed::HELP),
                Some("models") => println!("{}", models::HELP),
                Some("sign") => println!("{}", sign::HELP),
                Some("replay") => println!("{}", replay_cmd::HELP),
                _ => println!("{HELP}"),
            }
            Ok(())
        }
        "--version" | "-V" => {
            println!("bedrock-wire {}", env!("CARGO_PKG_VERSION"));
            Ok(())
        }
        other => Err(UsageError(format!("unknown command {other:?}")).into()),
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match run(&argv) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if let Some(message) = failure.message {
                eprintln!("error: {message}");
            }
            ExitCode::from(failure.code)
        }
    }
}
