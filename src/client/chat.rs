//! The chat entry points: Converse and ConverseStream over the provider-neutral model.

use super::{Client, Operation};
use crate::converse::{self, BuildOptions, Warning};
use crate::error::Error;
use crate::model::{ChatRequest, ChatResponse};
use crate::stream::ConverseStream;

impl Client {
    /// The Converse (or ConverseStream) operation for `req`, with the translator's warnings,
    /// built for this client's region (for dry runs and custom sending).
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// use bedrock_wire::model::ChatRequest;
    /// let client = Client::builder().env(Env::empty()).region("eu-west-1").bearer_token("k").build()?;
    /// let (op, _warnings) = client.converse_operation(&ChatRequest::new("amazon.nova-micro-v1:0").user("hi"), true)?;
    /// assert!(op.path.ends_with("/converse-stream") && op.streaming);
    /// # Ok::<(), bedrock_wire::error::Error>(())
    /// ```
    pub fn converse_operation(
        &self,
        req: &ChatRequest,
        stream: bool,
    ) -> Result<(Operation, Vec<Warning>), Error> {
        let region = self
            .inner
            .endpoint_for(Some(&req.model))
            .signing_region()
            .to_owned();
        let built = converse::build(
            req,
            &BuildOptions::new(region)
                .stream(stream)
                .cross_region(self.inner.cross_region),
        )?;
        let op = if stream {
            Operation::converse_stream(&built.model_id, built.body)
        } else {
            Operation::converse(&built.model_id, built.body)
        };
        debug_assert_eq!(op.path, built.path);
        Ok((op, built.warnings))
    }

    /// Converse: one request, one complete response.
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let reply = client.converse(&ChatRequest::new("amazon.nova-micro-v1:0").user("Say hi")).await?;
    /// println!("{} ({:?})", reply.text(), reply.stop_reason);
    /// # Ok(()) }
    /// ```
    pub async fn converse(&self, req: &ChatRequest) -> Result<ChatResponse, Error> {
        let (op, _) = self.converse_operation(req, false)?;
        let resp = self.send(op).await?;
        Ok(converse::parse_response(&resp.body)?)
    }

    /// ConverseStream: the response as a stream of events (see [`ConverseStream`]).
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let text = client.converse_stream(&ChatRequest::new("amazon.nova-micro-v1:0").user("Hi")).await?.text().await?;
    /// println!("{text}");
    /// # Ok(()) }
    /// ```
    pub async fn converse_stream(&self, req: &ChatRequest) -> Result<ConverseStream, Error> {
        let (op, warnings) = self.converse_operation(req, true)?;
        let messages = self.send_stream(op.clone()).await?;
        Ok(ConverseStream::new(self.clone(), op, messages, warnings))
    }
}
