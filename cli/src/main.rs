//! The `bedrock-wire` command: chat, sign, decode, embed, models, replay.
//!
//! Exit status: 0 success; 1 the operation failed (service, transport, credentials or decode
//! error; a one-line message on stderr); 2 usage error (bad flags or arguments).

mod args;
mod bedrock_view;
mod decode;

use std::io::Read;
use std::process::ExitCode;

use args::UsageError;

const HELP: &str = "\
bedrock-wire: AWS Bedrock Runtime by hand (SigV4, Event Stream, Converse), no AWS SDK

usage: bedrock-wire <command> [options]

commands:
  decode [FILE|-]   Event Stream bytes to NDJSON
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
        "decode" => decode::run(rest),
        "help" | "--help" | "-h" => {
            match rest.first().map(String::as_str) {
                Some("decode") => println!("{}", decode::HELP),
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
