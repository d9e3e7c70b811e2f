//! The native entry points: InvokeModel and InvokeModelWithResponseStream through the family's
//! native body ([`crate::invoke`]).

use super::{Client, Operation};
use crate::converse::{BuildOptions, Warning};
use crate::error::Error;
use crate::invoke::{self, Api, Dialect, InvokeMetrics};
use crate::model::{ChatRequest, ChatResponse};
use crate::stream::ConverseStream;

impl Client {
    /// The InvokeModel (or InvokeModelWithResponseStream) operation for `req` in the family's
    /// native body, with its dialect and the translator's warnings.
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// use bedrock_wire::model::ChatRequest;
    /// let client = Client::builder().env(Env::empty()).region("us-east-1").bearer_token("k").build()?;
    /// let (op, dialect, _) = client.invoke_operation(&ChatRequest::new("claude-3-haiku").user("hi"), false)?;
    /// assert_eq!(op.path, "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke");
    /// assert_eq!(dialect, bedrock_wire::invoke::Dialect::Anthropic);
    /// # Ok::<(), bedrock_wire::error::Error>(())
    /// ```
    pub fn invoke_operation(
        &self,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<(Operation, Dialect, Vec<Warning>), Error> {
        let region = self
            .inner
            .endpoint_for(Some(&req.model))
            .signing_region()
            .to_owned();
        let built = invoke::build(
            req,
            &BuildOptions::new(region)
                .stream(stream)
                .cross_region(self.inner.cross_region),
        )?;
        let mut op = if stream {
            Operation::invoke_stream(&built.model_id, built.body)
        } else {
            Operation::invoke(&built.model_id, built.body)
        };
        op.headers.extend(built.headers);
        debug_assert_eq!(op.path, built.path);
        Ok((op, built.dialect, built.warnings))
    }

    /// InvokeModel with the family's native body; usage completed from the
    /// `X-Amzn-Bedrock-*-Token-Count` headers.
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let reply = client.invoke(&ChatRequest::new("claude-3-haiku").user("Hi")).await?;
    /// println!("{}", reply.text());
    /// # Ok(()) }
    /// ```
    pub async fn invoke(&self, req: &ChatRequest) -> Result<ChatResponse, Error> {
        let (op, dialect, _) = self.invoke_operation(req, false)?;
        let reservation = self.reserve_cost(req, &op).await?;
        let resp = self.send(op).await?;
        let metrics =
            InvokeMetrics::from_headers(resp.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let reply = invoke::parse_response(dialect, &resp.body, &metrics)?;
        reservation.settle(&reply.usage);
        Ok(reply)
    }

    /// InvokeModelWithResponseStream: the native chunks translated to [`crate::model::StreamEvent`]s,
    /// with the same retry-before-first-event rule as [`Client::converse_stream`].
    pub async fn invoke_stream(&self, req: &ChatRequest) -> Result<ConverseStream, Error> {
        let (op, dialect, warnings) = self.invoke_operation(req, true)?;
        let reservation = self.reserve_cost(req, &op).await?;
        let messages = self.send_stream(op.clone()).await?;
        Ok(
            ConverseStream::invoke(self.clone(), op, messages, warnings, dialect)
                .with_reservation(reservation),
        )
    }

    /// Chat through the API [`invoke::route`] picks for `req` (Converse by default; native
    /// InvokeModel when the caller or the request calls for it).
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let reply = client.chat(&ChatRequest::new("mistral-7b").user("Hi")).await?; // native prompt body
    /// println!("{}", reply.text());
    /// # Ok(()) }
    /// ```
    pub async fn chat(&self, req: &ChatRequest) -> Result<ChatResponse, Error> {
        match invoke::route(req).api {
            Api::Converse => self.converse(req).await,
            Api::Invoke => self.invoke(req).await,
        }
    }

    /// Streaming chat through the API [`invoke::route`] picks for `req`.
    pub async fn chat_stream(&self, req: &ChatRequest) -> Result<ConverseStream, Error> {
        match invoke::route(req).api {
            Api::Converse => self.converse_stream(req).await,
            Api::Invoke => self.invoke_stream(req).await,
        }
    }
}
