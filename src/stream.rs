//! The async shell of a streamed response: pull chunks, push into the decoder, pop events.
//!
//! [`MessageStream`] yields the Event Stream messages of one response. Memory is bounded by one
//! frame (the decoder's maximum frame size) plus one network chunk; nothing is read ahead of the
//! caller, so the caller's pace is the stream's pace. If no byte arrives for the idle timeout, the
//! stream ends with a timeout error; a stream that ends in the middle of a frame ends with a decode
//! error.

use std::time::Duration;

use crate::credentials::http::describe;
use crate::error::Error;

/// The largest Event Stream frame accepted (bytes).
pub const MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;

/// The Event Stream messages of one streaming response, pulled with [`next`](Self::next).
///
/// ```no_run
/// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
/// use bedrock_wire::client::Operation;
/// let op = Operation::invoke_stream("amazon.nova-micro-v1:0", br#"{"messages":[]}"#.to_vec());
/// let mut messages = client.send_stream(op).await?;
/// while let Some(message) = messages.next().await {
///     let message = message?;
///     println!("{:?} {} bytes", message.header_str(":event-type"), message.payload().len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct MessageStream {
    response: Option<reqwest::Response>,
    decoder: eventstream::Decoder,
    idle: Duration,
    bytes: u64,
    request_id: Option<String>,
}

impl MessageStream {
    pub(crate) fn new(response: reqwest::Response, idle: Duration) -> Self {
        let request_id = response
            .headers()
            .get("x-amzn-requestid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Self {
            response: Some(response),
            decoder: eventstream::Decoder::with_max_frame_size(MAX_FRAME_SIZE),
            idle,
            bytes: 0,
            request_id,
        }
    }

    /// The response's `x-amzn-RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// Body bytes received so far.
    pub fn bytes_received(&self) -> u64 {
        self.bytes
    }

    /// The next message; `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<eventstream::Message, Error>> {
        loop {
            match self.decoder.next_message() {
                Ok(Some(m)) => return Some(Ok(m)),
                Ok(None) => {}
                Err(e) => {
                    self.response = None;
                    return Some(Err(Error::decode(format!("invalid event stream: {e}"))));
                }
            }
            let response = self.response.as_mut()?;
            match tokio::time::timeout(self.idle, response.chunk()).await {
                Err(_) => {
                    self.response = None;
                    return Some(Err(Error::timeout(
                        format!(
                            "the stream received no bytes for {} s (idle timeout)",
                            self.idle.as_secs_f64()
                        ),
                        self.bytes > 0,
                    )));
                }
                Ok(Err(e)) => {
                    self.response = None;
                    return Some(Err(Error::transport(
                        format!(
                            "the stream broke after {} bytes: {}",
                            self.bytes,
                            describe(&e)
                        ),
                        self.bytes > 0,
                    )));
                }
                Ok(Ok(Some(chunk))) => {
                    self.bytes += chunk.len() as u64;
                    self.decoder.push_bytes(chunk);
                }
                Ok(Ok(None)) => {
                    self.response = None;
                    if let Err(e) = self.decoder.finish() {
                        return Some(Err(Error::decode(format!(
                            "the stream ended inside a frame: {e}"
                        ))));
                    }
                    return None;
                }
            }
        }
    }
}
