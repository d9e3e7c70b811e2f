//! `bedrock-wire decode [FILE|-]`: Event Stream bytes to NDJSON, one line per message.

use std::io::Write;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bedrock_wire::eventstream::{Decoder, HeaderValue, Message};
use serde_json::{Value, json};

use crate::args::{Spec, UsageError};
use crate::{Failure, read_input};

pub(crate) const SPEC: Spec = Spec {
    values: &[],
    switches: &["--bedrock"],
};

pub(crate) const HELP: &str = "\
bedrock-wire decode [FILE|-] [--bedrock]
  Decode AWS Event Stream bytes (a file, or stdin) into NDJSON, one line per message:
  {\"offset\", \"headers\": [{\"name\", \"type\", \"value\"}], \"payload_base64\"[, \"json\"]}.
  On a decode error: the messages before it, then {\"error\": {\"kind\", \"offset\", \"message\"}}, exit 1.
  --bedrock   also translate each message into Bedrock stream events (\"events\").";

/// One header value as JSON: its type name and value.
pub(crate) fn header_json(value: &HeaderValue) -> (&'static str, Value) {
    match value {
        HeaderValue::Bool(b) => ("bool", json!(b)),
        HeaderValue::Byte(v) => ("byte", json!(v)),
        HeaderValue::Int16(v) => ("short", json!(v)),
        HeaderValue::Int32(v) => ("int", json!(v)),
        HeaderValue::Int64(v) => ("long", json!(v)),
        HeaderValue::ByteArray(b) => ("bytes", json!(STANDARD.encode(b))),
        HeaderValue::String(s) => ("string", json!(s.as_str())),
        HeaderValue::Timestamp(ms) => ("timestamp", json!(ms)),
        HeaderValue::Uuid(u) => ("uuid", json!(uuid_string(u))),
    }
}

fn uuid_string(u: &[u8; 16]) -> String {
    let h = hex_lower(u);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn hex_lower(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The NDJSON line for one message.
pub(crate) fn message_json(offset: u64, message: &Message) -> Value {
    let headers: Vec<Value> = message
        .headers()
        .iter()
        .map(|h| {
            let (kind, value) = header_json(h.value());
            json!({"name": h.name(), "type": kind, "value": value})
        })
        .collect();
    let mut line = json!({
        "offset": offset,
        "headers": headers,
        "payload_base64": STANDARD.encode(message.payload()),
    });
    if let Ok(parsed) = serde_json::from_slice::<Value>(message.payload()) {
        line["json"] = parsed;
    }
    line
}

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    if args.positional.len() > 1 {
        return Err(UsageError("decode takes at most one FILE".into()).into());
    }
    let input = read_input(args.positional.first().map(String::as_str))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = decode_to(&input, args.flag("--bedrock"), &mut out);
    out.flush().map_err(|e| Failure::io("stdout", &e))?;
    result
}

/// Writes one line per message, then the error line if decoding fails.
pub(crate) fn decode_to(input: &[u8], bedrock: bool, out: &mut impl Write) -> Result<(), Failure> {
    let mut decoder = Decoder::new();
    decoder.push(input);
    let mut translator = bedrock.then(crate::bedrock_view::Translator::new);
    let write_err = |e: std::io::Error| Failure::io("stdout", &e);
    loop {
        let offset = decoder.offset();
        match decoder.next_message() {
            Ok(Some(message)) => {
                let mut line = message_json(offset, &message);
                if let Some(t) = translator.as_mut() {
                    line["events"] = t.push(&message);
                }
                writeln!(out, "{line}").map_err(write_err)?;
            }
            Ok(None) => break,
            Err(e) => return Err(decode_error(out, &e)),
        }
    }
    if let Err(e) = decoder.finish() {
        return Err(decode_error(out, &e));
    }
    if let Some(t) = translator.as_mut() {
        if let Some(line) = t.finish() {
            writeln!(out, "{line}").map_err(write_err)?;
        }
    }
    Ok(())
}

fn decode_error(out: &mut impl Write, e: &bedrock_wire::eventstream::Error) -> Failure {
    let line = json!({"error": {"kind": e.kind(), "offset": e.offset(), "message": e.to_string()}});
    let _ = writeln!(out, "{line}");
    Failure::silent(1)
}
