//! The OpenAI-shaped entry point: chat.completions JSON in, chat.completion (or chunk) JSON out.

use std::collections::VecDeque;
use std::time::SystemTime;

use serde_json::Value;

use super::Client;
use crate::converse;
use crate::error::Error;
use crate::openai::{self, ChunkRenderer};
use crate::stream::ConverseStream;

/// What [`Client::chat_completions`] returns: a `chat.completion` object, or (for
/// `"stream": true`) a stream of `chat.completion.chunk` objects.
#[derive(Debug)]
pub enum OpenAiResponse {
    /// A complete `chat.completion`.
    Completion(Value),
    /// `chat.completion.chunk` objects.
    Stream(Box<OpenAiChunkStream>),
}

/// `chat.completion.chunk` objects, pulled with [`next`](Self::next).
#[derive(Debug)]
pub struct OpenAiChunkStream {
    stream: ConverseStream,
    renderer: ChunkRenderer,
    pending: VecDeque<Value>,
}

impl OpenAiChunkStream {
    /// The next chunk; `None` at the end (after an error too).
    pub async fn next(&mut self) -> Option<Result<Value, Error>> {
        loop {
            if let Some(chunk) = self.pending.pop_front() {
                return Some(Ok(chunk));
            }
            match self.stream.next().await? {
                Ok(event) => self.pending.extend(self.renderer.render(&event)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

fn completion_id(request_id: Option<&str>) -> String {
    format!(
        "chatcmpl-{}",
        request_id.unwrap_or("bedrock").replace('-', "")
    )
}

impl Client {
    /// Takes an OpenAI `chat.completions` request body and answers in OpenAI's shape through
    /// Converse (or ConverseStream when the body says `"stream": true`).
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::client::OpenAiResponse;
    /// let body = br#"{"model":"nova-micro","messages":[{"role":"user","content":"Hi"}]}"#;
    /// match client.chat_completions(body).await? {
    ///     OpenAiResponse::Completion(v) => println!("{}", v["choices"][0]["message"]["content"]),
    ///     OpenAiResponse::Stream(mut chunks) => while let Some(c) = chunks.next().await { println!("{}", c?) },
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn chat_completions(&self, body: &[u8]) -> Result<OpenAiResponse, Error> {
        let parsed = openai::parse_request(body)?;
        let model = parsed.request.model.clone();
        let created = unix_secs(self.inner.clock.now());
        if parsed.stream {
            let stream = self.converse_stream(&parsed.request).await?;
            let id = completion_id(stream.request_id());
            return Ok(OpenAiResponse::Stream(Box::new(OpenAiChunkStream {
                stream,
                renderer: ChunkRenderer::new(id, model, created, parsed.include_usage),
                pending: VecDeque::new(),
            })));
        }
        let (op, _) = self.converse_operation(&parsed.request, false)?;
        let reservation = self.reserve_cost(&parsed.request, &op).await?;
        let resp = self.send(op).await?;
        let reply = converse::parse_response(&resp.body)?;
        reservation.settle(&reply.usage);
        let id = completion_id(resp.header("x-amzn-requestid"));
        Ok(OpenAiResponse::Completion(openai::render_response(
            &reply, &model, &id, created,
        )))
    }
}
