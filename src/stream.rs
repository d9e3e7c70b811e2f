//! The async shell of a streamed response: pull chunks, push into the decoder, pop events.
//!
//! [`MessageStream`] yields the Event Stream messages of one response. Memory is bounded by one
//! frame (the decoder's maximum frame size) plus one network chunk; nothing is read ahead of the
//! caller, so the caller's pace is the stream's pace. If no byte arrives for the idle timeout, the
//! stream ends with a timeout error; a stream that ends in the middle of a frame ends with a decode
//! error.

use std::collections::VecDeque;
use std::time::Duration;

use crate::client::{Client, Operation};
use crate::converse::Warning;
use crate::credentials::http::describe;
use crate::error::{Error, ErrorKind};
use crate::invoke::InvokeStreamTranslator;
use crate::model::{Accumulator, ChatResponse, StreamEvent};
use crate::translate::{ConverseStreamTranslator, StreamError};

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

/// A streamed chat response (ConverseStream, or InvokeModelWithResponseStream through the
/// family's native chunk parser): [`StreamEvent`]s pulled with [`next`](Self::next).
///
/// The stream is retried (re-signed, with backoff) only while no event has reached the caller:
/// a throttling or transient exception, a broken connection or an idle timeout before the first
/// event opens the stream again. After that, errors end the stream. A stream that ends without
/// `messageStop` ends with a decode error ("truncated"), never as a success.
///
/// ```no_run
/// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
/// use bedrock_wire::model::{BlockDelta, ChatRequest, StreamEvent};
/// let mut stream = client.converse_stream(&ChatRequest::new("amazon.nova-micro-v1:0").user("Count to 3")).await?;
/// while let Some(event) = stream.next().await {
///     if let StreamEvent::BlockDelta { delta: BlockDelta::Text { text }, .. } = event? {
///         print!("{text}");
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ConverseStream {
    client: Client,
    op: Operation,
    messages: MessageStream,
    translator: Translator,
    pending: VecDeque<StreamEvent>,
    buf: Vec<StreamEvent>,
    yielded: bool,
    done: bool,
    reopens: u32,
    warnings: Vec<Warning>,
    reservation: Option<crate::cost::Reservation>,
}

impl ConverseStream {
    pub(crate) fn new(
        client: Client,
        op: Operation,
        messages: MessageStream,
        warnings: Vec<Warning>,
    ) -> Self {
        Self::with_translator(
            client,
            op,
            messages,
            warnings,
            Translator::Converse(ConverseStreamTranslator::new()),
        )
    }

    pub(crate) fn invoke(
        client: Client,
        op: Operation,
        messages: MessageStream,
        warnings: Vec<Warning>,
        dialect: crate::invoke::Dialect,
    ) -> Self {
        Self::with_translator(
            client,
            op,
            messages,
            warnings,
            Translator::Invoke(InvokeStreamTranslator::new(dialect)),
        )
    }

    fn with_translator(
        client: Client,
        op: Operation,
        messages: MessageStream,
        warnings: Vec<Warning>,
        translator: Translator,
    ) -> Self {
        Self {
            client,
            op,
            messages,
            translator,
            pending: VecDeque::new(),
            buf: Vec::new(),
            yielded: false,
            done: false,
            reopens: 0,
            warnings,
            reservation: None,
        }
    }

    /// Charges this stream to the cost guard's reservation: the usage its metadata reports is
    /// charged when the stream ends, fails or is dropped (a stream cut short is charged for
    /// what it reported).
    pub(crate) fn with_reservation(mut self, reservation: crate::cost::Reservation) -> Self {
        self.reservation = Some(reservation);
        self
    }

    /// What the translator changed in the request.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The `x-amzn-RequestId` of the response being read.
    pub fn request_id(&self) -> Option<&str> {
        self.messages.request_id()
    }

    /// The next event; `None` after [`StreamEvent::MessageStop`] (or after an error).
    pub async fn next(&mut self) -> Option<Result<StreamEvent, Error>> {
        let item = self.next_event().await;
        match &item {
            Some(Ok(StreamEvent::Metadata { usage: Some(u), .. })) => {
                if let Some(r) = &mut self.reservation {
                    r.report(u);
                }
            }
            Some(Ok(_)) => {}
            // Ended or failed: charge what was reported (dropping the reservation does).
            Some(Err(_)) | None => drop(self.reservation.take()),
        }
        item
    }

    async fn next_event(&mut self) -> Option<Result<StreamEvent, Error>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                self.yielded = true;
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            let result = match self.messages.next().await {
                Some(Ok(m)) => self
                    .translator
                    .push_message(&m, &mut self.buf)
                    .map_err(stream_error),
                Some(Err(e)) => Err(e),
                None => {
                    let r = self.translator.finish(&mut self.buf).map_err(stream_error);
                    if r.is_ok() {
                        self.done = true;
                    }
                    r
                }
            };
            self.pending.extend(self.buf.drain(..));
            if let Err(err) = result {
                if let Some(delay) = self.retry_delay(&err) {
                    tokio::time::sleep(delay).await;
                    match self.client.send_stream(self.op.clone()).await {
                        Ok(messages) => {
                            self.messages = messages;
                            self.translator = self.translator.fresh();
                            self.pending.clear();
                            continue;
                        }
                        Err(e) => {
                            self.done = true;
                            return Some(Err(e));
                        }
                    }
                }
                self.done = true;
                self.pending.clear();
                return Some(Err(err));
            }
        }
    }

    /// Whether to open the stream again after `err`, and after how long.
    fn retry_delay(&mut self, err: &Error) -> Option<Duration> {
        if self.yielded {
            return None;
        }
        let retryable = crate::retry::classify(err).is_some()
            || matches!(err.kind(), ErrorKind::Transport | ErrorKind::Timeout);
        if !retryable {
            return None;
        }
        self.reopens += 1;
        self.client.stream_retry_delay(err, self.reopens)
    }

    /// Reads the whole stream into the response the non-streaming call would return.
    pub async fn collect(mut self) -> Result<ChatResponse, Error> {
        let mut acc = Accumulator::new();
        while let Some(event) = self.next().await {
            acc.push(&event?);
        }
        Ok(acc.finish()?)
    }

    /// Reads the whole stream and returns its text.
    pub async fn text(self) -> Result<String, Error> {
        Ok(self.collect().await?.text())
    }
}

/// The state machine behind a [`ConverseStream`].
#[derive(Debug)]
enum Translator {
    Converse(ConverseStreamTranslator),
    Invoke(InvokeStreamTranslator),
}

impl Translator {
    fn push_message(
        &mut self,
        m: &eventstream::Message,
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), StreamError> {
        match self {
            Self::Converse(t) => t.push_message(m, out),
            Self::Invoke(t) => t.push_message(m, out),
        }
    }

    fn finish(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), StreamError> {
        match self {
            Self::Converse(t) => t.finish(out),
            Self::Invoke(t) => t.finish(out),
        }
    }

    fn fresh(&self) -> Self {
        match self {
            Self::Converse(_) => Self::Converse(ConverseStreamTranslator::new()),
            Self::Invoke(t) => Self::Invoke(InvokeStreamTranslator::new(t.dialect())),
        }
    }
}

/// A translator error as a client error.
pub(crate) fn stream_error(e: StreamError) -> Error {
    match e {
        StreamError::Exception(x) => {
            let mut message = x.message.clone();
            if let Some(orig) = &x.original_message {
                message.push_str(" (model: ");
                message.push_str(orig);
                message.push(')');
            }
            Error::stream_exception(&x.exception_type, message)
        }
        StreamError::Incomplete { .. } => Error::decode(format!("the response is truncated: {e}")),
        other => Error::translation(other.to_string()),
    }
}

impl ConverseStream {
    /// This stream as a [`futures_core::Stream`] (crate feature `futures`).
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let stream = client.converse_stream(&ChatRequest::new("amazon.nova-micro-v1:0").user("Hi")).await?;
    /// let events = stream.into_stream(); // impl futures_core::Stream<Item = Result<StreamEvent, Error>>
    /// # let _ = events;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "futures")]
    pub fn into_stream(self) -> ConverseEventStream {
        ConverseEventStream {
            state: EventStreamState::Idle(Box::new(self)),
        }
    }
}

#[cfg(feature = "futures")]
type Step = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = (Box<ConverseStream>, Option<Result<StreamEvent, Error>>)>
            + Send,
    >,
>;

/// A [`ConverseStream`] as a [`futures_core::Stream`] (crate feature `futures`).
#[cfg(feature = "futures")]
pub struct ConverseEventStream {
    state: EventStreamState,
}

#[cfg(feature = "futures")]
enum EventStreamState {
    Idle(Box<ConverseStream>),
    Busy(Step),
    Done,
}

#[cfg(feature = "futures")]
impl std::fmt::Debug for ConverseEventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.state {
            EventStreamState::Idle(_) => "idle",
            EventStreamState::Busy(_) => "busy",
            EventStreamState::Done => "done",
        };
        f.debug_struct("ConverseEventStream")
            .field("state", &state)
            .finish()
    }
}

#[cfg(feature = "futures")]
impl futures_core::Stream for ConverseEventStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        loop {
            match std::mem::replace(&mut self.state, EventStreamState::Done) {
                EventStreamState::Idle(mut stream) => {
                    self.state = EventStreamState::Busy(Box::pin(async move {
                        let item = stream.next().await;
                        (stream, item)
                    }));
                }
                EventStreamState::Busy(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = EventStreamState::Busy(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((stream, item)) => {
                        if item.is_some() {
                            self.state = EventStreamState::Idle(stream);
                        }
                        return Poll::Ready(item);
                    }
                },
                EventStreamState::Done => return Poll::Ready(None),
            }
        }
    }
}
