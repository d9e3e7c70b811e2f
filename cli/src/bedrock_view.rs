//! `decode --bedrock`: Event Stream messages translated into Bedrock stream events.

use bedrock_wire::eventstream::Message;
use serde_json::Value;

/// Turns each message into the provider-neutral stream events it produces.
#[derive(Debug)]
pub(crate) struct Translator;

impl Translator {
    pub(crate) fn new() -> Self {
        Translator
    }

    /// The events one message produces, as JSON.
    pub(crate) fn push(&mut self, _message: &Message) -> Value {
        Value::Array(Vec::new())
    }

    /// A final line if the stream ended badly.
    pub(crate) fn finish(&mut self) -> Option<Value> {
        None
    }
}
