//! `decode --bedrock`: Event Stream messages translated into provider-neutral stream events.

use bedrock_wire::eventstream::Message;
use bedrock_wire::model::StreamEvent;
use bedrock_wire::translate::ConverseStreamTranslator;
use serde_json::{Value, json};

/// Turns each message into the stream events it produces, through the library's translator.
#[derive(Debug, Default)]
pub(crate) struct Translator {
    inner: ConverseStreamTranslator,
    buf: Vec<StreamEvent>,
    failed: bool,
}

impl Translator {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The events one message produces, as a JSON array (an error object when the message ends
    /// the stream with an exception).
    pub(crate) fn push(&mut self, message: &Message) -> Value {
        if self.failed {
            return Value::Array(Vec::new());
        }
        let result = self.inner.push_message(message, &mut self.buf);
        let mut events: Vec<Value> = self
            .buf
            .drain(..)
            .filter_map(|e| serde_json::to_value(e).ok())
            .collect();
        if let Err(e) = result {
            self.failed = true;
            events.push(json!({"type": "error", "message": e.to_string()}));
        }
        Value::Array(events)
    }

    /// A final line when the stream ended without completing (e.g. no `messageStop`).
    pub(crate) fn finish(&mut self) -> Option<Value> {
        if self.failed {
            return None;
        }
        match self.inner.finish(&mut self.buf) {
            Ok(()) => {
                let events: Vec<Value> = self
                    .buf
                    .drain(..)
                    .filter_map(|e| serde_json::to_value(e).ok())
                    .collect();
                (!events.is_empty()).then(|| json!({"events": events}))
            }
            Err(e) => Some(json!({"events": [{"type": "error", "message": e.to_string()}]})),
        }
    }
}
