//! The message model: ordered headers and a payload.

use alloc::vec::Vec;

use bytes::Bytes;

use crate::header::{Header, HeaderValue};

/// One Event Stream message: headers in wire order, and a payload.
///
/// Decoded messages borrow nothing: the payload and every byte/string header value are
/// reference-counted slices of the frame they came from; so are header names, except common
/// ones such as `:event-type`, `:content-type` and `:message-type`, which are static strings.
///
/// ```
/// use eventstream::{HeaderValue, Message};
///
/// let message = Message::new(&b"{\"bytes\":\"...\"}"[..])
///     .with_header(":event-type", HeaderValue::string("chunk"))
///     .with_header(":message-type", HeaderValue::string("event"));
/// assert_eq!(message.header_str(":event-type"), Some("chunk"));
/// assert_eq!(message.headers().len(), 2);
/// assert!(message.header("missing").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Message {
    headers: Vec<Header>,
    payload: Bytes,
}

impl Message {
    /// A message with this payload and no headers.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Message {
            headers: Vec::new(),
            payload: payload.into(),
        }
    }

    /// A message from its headers (in wire order) and payload.
    pub fn from_parts(headers: Vec<Header>, payload: Bytes) -> Self {
        Message { headers, payload }
    }

    /// Adds a header at the end (copies `name`).
    #[must_use]
    pub fn with_header(mut self, name: &str, value: HeaderValue) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// Adds a header at the end.
    pub fn push_header(&mut self, header: Header) {
        self.headers.push(header);
    }

    /// The value of the first header with this name.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers
            .iter()
            .find(|h| h.name_bytes().as_bytes() == name.as_bytes())
            .map(Header::value)
    }

    /// The value of the first header with this name, if it is a string.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }

    /// All headers, in wire order (names may repeat).
    pub fn headers(&self) -> &[Header] {
        &self.headers
    }

    /// The payload.
    pub fn payload(&self) -> &Bytes {
        &self.payload
    }

    /// Splits the message into its headers and payload.
    pub fn into_parts(self) -> (Vec<Header>, Bytes) {
        (self.headers, self.payload)
    }
}
