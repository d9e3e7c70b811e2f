//! `chat --record DIR`: save the real exchange as a replay fixture, scrubbed.
//!
//! What is written is what `bedrock_wire::replay` reads (see fixtures/README.md): the request
//! body becomes the fixture's body matcher, the response its canned answer. Nothing secret is in
//! either (signatures and tokens travel in headers, which are not recorded); account ids inside
//! ARNs become `123456789012`, and request ids and dates are dropped.

use std::path::Path;

use bedrock_wire::client::Client;
use bedrock_wire::model::{Accumulator, ChatRequest, ChatResponse, StreamEvent};
use bedrock_wire::translate::ConverseStreamTranslator;
use serde_json::{Value, json};

use crate::Failure;

/// One recorded exchange.
#[derive(Debug)]
struct Recorded {
    operation: &'static str,
    model: String,
    body: Value,
    status: u16,
    headers: Vec<(String, String)>,
    json_body: Option<Value>,
    stream: Option<Vec<u8>>,
}

/// The exchanges of one `chat` run.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    exchanges: Vec<Recorded>,
}

/// Replaces every 12-digit run that stands alone between `:` separators (an account id in an
/// ARN) with `123456789012`.
pub(crate) fn scrub_str(s: &str) -> String {
    s.split(':')
        .map(|part| {
            if part.len() == 12 && part.bytes().all(|b| b.is_ascii_digit()) {
                "123456789012"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(":")
}

/// [`scrub_str`] on every string in a JSON value.
pub(crate) fn scrub(v: &mut Value) {
    match v {
        Value::String(s) => *s = scrub_str(s),
        Value::Array(a) => a.iter_mut().for_each(scrub),
        Value::Object(o) => o.values_mut().for_each(scrub),
        _ => {}
    }
}

fn keep_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "content-type" || (n.starts_with("x-amzn-bedrock-") && !n.contains("request"))
}

/// Runs one turn through the raw client API, recording the bytes.
pub(crate) async fn turn(
    client: &Client,
    request: &ChatRequest,
    stream: bool,
    rec: &mut Recorder,
    mut on_event: impl FnMut(&StreamEvent),
) -> Result<ChatResponse, Failure> {
    let (op, _) = client
        .converse_operation(request, stream)
        .map_err(|e| crate::client_failure(&e))?;
    let sent = op.model_id.clone().unwrap_or_else(|| request.model.clone());
    let model = scrub_str(&sent);
    let mut body: Value = serde_json::from_slice(&op.body).unwrap_or(Value::Null);
    scrub(&mut body);
    if stream {
        let mut messages = client
            .send_stream(op.clone())
            .await
            .map_err(|e| crate::client_failure(&e))?;
        let mut translator = ConverseStreamTranslator::new();
        let mut events = Vec::new();
        let mut acc = Accumulator::new();
        let mut raw = Vec::new();
        while let Some(message) = messages.next().await {
            let message = message.map_err(|e| crate::client_failure(&e))?;
            let bytes = message
                .to_bytes()
                .map_err(|e| Failure::op(format!("cannot re-encode a frame: {e}")))?;
            raw.extend_from_slice(&bytes);
            translator
                .push_message(&message, &mut events)
                .map_err(|e| Failure::op(e.to_string()))?;
            for e in events.drain(..) {
                on_event(&e);
                acc.push(&e);
            }
        }
        translator
            .finish(&mut events)
            .map_err(|e| Failure::op(e.to_string()))?;
        for e in events.drain(..) {
            on_event(&e);
            acc.push(&e);
        }
        rec.exchanges.push(Recorded {
            operation: "converse-stream",
            model,
            body,
            status: 200,
            headers: vec![(
                "content-type".into(),
                "application/vnd.amazon.eventstream".into(),
            )],
            json_body: None,
            stream: Some(raw),
        });
        let response = acc
            .finish()
            .map_err(|e| Failure::op(format!("the stream ended inconsistently: {e}")))?;
        client.usage().charge(&sent, &sent, &response.usage);
        Ok(response)
    } else {
        let resp = client
            .send(op)
            .await
            .map_err(|e| crate::client_failure(&e))?;
        let parsed = bedrock_wire::converse::parse_response(&resp.body)
            .map_err(|e| Failure::op(e.to_string()))?;
        let mut json_body: Value = serde_json::from_slice(&resp.body).unwrap_or(Value::Null);
        scrub(&mut json_body);
        rec.exchanges.push(Recorded {
            operation: "converse",
            model,
            body,
            status: resp.status,
            headers: resp
                .headers
                .iter()
                .filter(|(n, _)| keep_header(n))
                .cloned()
                .collect(),
            json_body: Some(json_body),
            stream: None,
        });
        print!("{}", parsed.text());
        client.usage().charge(&sent, &sent, &parsed.usage);
        Ok(parsed)
    }
}

impl Recorder {
    /// Writes one fixture folder per exchange: `dir` itself for one, `dir/01`, `dir/02`... for
    /// several (a tool loop).
    pub(crate) fn save(&self, dir: &Path) -> std::io::Result<()> {
        for (i, ex) in self.exchanges.iter().enumerate() {
            let folder = if self.exchanges.len() == 1 {
                dir.to_path_buf()
            } else {
                dir.join(format!("{:02}", i + 1))
            };
            std::fs::create_dir_all(&folder)?;
            let request = json!({"operation": ex.operation, "model": ex.model, "body": ex.body});
            let mut response = json!({
                "status": ex.status,
                "headers": ex.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
            });
            if let Some(b) = &ex.json_body {
                response["body"] = b.clone();
            }
            write_json(&folder.join("request.json"), &request)?;
            write_json(&folder.join("response.json"), &response)?;
            if let Some(bytes) = &ex.stream {
                std::fs::write(folder.join("response.eventstream"), bytes)?;
            }
        }
        Ok(())
    }
}

fn write_json(path: &Path, v: &Value) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(v).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_ids_are_scrubbed() {
        assert_eq!(
            scrub_str("arn:aws:bedrock:us-east-1:987654321098:application-inference-profile/abc"),
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc"
        );
        assert_eq!(
            scrub_str("plain text 987654321098"),
            "plain text 987654321098"
        );
        let mut v = json!({"a": ["arn:aws:iam::987654321098:role/x"], "b": 5});
        scrub(&mut v);
        assert_eq!(
            v,
            json!({"a": ["arn:aws:iam::123456789012:role/x"], "b": 5})
        );
    }

    #[test]
    fn only_safe_headers_are_kept() {
        assert!(keep_header("Content-Type"));
        assert!(keep_header("X-Amzn-Bedrock-Input-Token-Count"));
        assert!(!keep_header("x-amzn-RequestId"));
        assert!(!keep_header("date"));
        assert!(!keep_header("set-cookie"));
    }
}
