//! The chat entry points: Converse and ConverseStream over the provider-neutral model.

use super::{Client, Operation};
use crate::converse::{self, BuildOptions, Warning};
use crate::cost::{Estimate, InputEstimate, Reservation};
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
        let reservation = self.reserve_cost(req, &op).await?;
        let resp = self.send(op).await?;
        let reply = converse::parse_response(&resp.body)?;
        reservation.settle(&reply.usage);
        Ok(reply)
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
        let reservation = self.reserve_cost(req, &op).await?;
        let messages = self.send_stream(op.clone()).await?;
        Ok(ConverseStream::new(self.clone(), op, messages, warnings).with_reservation(reservation))
    }

    /// The cost guard's check before sending `op` (built from `req`): estimates the worst case
    /// (see [`crate::cost`]), refuses with [`ErrorKind::BudgetExceeded`](crate::error::ErrorKind::BudgetExceeded)
    /// when a cap would be passed, else reserves the estimate. Settle the returned reservation
    /// with the response's usage ([`Reservation::settle`]), or hand it to the stream; dropping it
    /// releases it. Every chat entry point of this client calls it; call it yourself around
    /// [`Client::send`] for custom operations.
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// use bedrock_wire::cost::CostGuard;
    /// use bedrock_wire::model::ChatRequest;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), bedrock_wire::error::Error> {
    /// let client = Client::builder().env(Env::empty()).region("us-east-1").bearer_token("k")
    ///     .cost_guard(CostGuard::new().per_request(0.000_001)).build()?;
    /// let req = ChatRequest::new("claude-sonnet-4-5").user("Hi").max_tokens(1000);
    /// let (op, _) = client.converse_operation(&req, false)?;
    /// let err = client.reserve_cost(&req, &op).await.unwrap_err();
    /// assert!(err.is_budget_exceeded());
    /// assert_eq!(err.budget().unwrap().cap, bedrock_wire::cost::Cap::PerRequest);
    /// # Ok(()) }
    /// ```
    pub async fn reserve_cost(
        &self,
        req: &ChatRequest,
        op: &Operation,
    ) -> Result<Reservation, Error> {
        let ledger = &self.inner.usage;
        let guard = ledger.guard();
        let sent = op.model_id.as_deref().unwrap_or(&req.model);
        let price_model = crate::cost::price_model(guard, sent, req.base_model.as_deref());
        let estimate = if guard.has_caps() {
            let measured = if guard.input_rule() == InputEstimate::CountTokens {
                self.count_tokens(req).await.ok()
            } else {
                None
            };
            guard.estimate(price_model, &op.body, req.max_tokens, measured)
        } else {
            Estimate::free(guard, price_model)
        };
        ledger.reserve(sent, estimate)
    }
}

/// The geographic prefixes of inference-profile ids.
const GEO_PREFIXES: [&str; 8] = [
    "us-gov.", "us.", "eu.", "apac.", "global.", "jp.", "au.", "ca.",
];

/// The base model id of a geographic inference-profile id (`us.amazon.nova-pro-v1:0` →
/// `amazon.nova-pro-v1:0`); `None` when the id has no such prefix.
pub(crate) fn strip_geo_prefix(id: &str) -> Option<&str> {
    GEO_PREFIXES.iter().find_map(|p| id.strip_prefix(p))
}

impl Client {
    /// CountTokens for a Converse-shaped request (messages, system, tools and additional
    /// fields). The model id is tried as built; if Bedrock refuses an inference-profile id, the
    /// base model id is tried once.
    ///
    /// ```no_run
    /// # async fn f(client: bedrock_wire::client::Client) -> Result<(), bedrock_wire::error::Error> {
    /// use bedrock_wire::model::ChatRequest;
    /// let n = client.count_tokens(&ChatRequest::new("claude-sonnet-4-5").user("How many tokens?")).await?;
    /// println!("{n} input tokens");
    /// # Ok(()) }
    /// ```
    pub async fn count_tokens(&self, req: &ChatRequest) -> Result<u64, Error> {
        let (op, _) = self.converse_operation(req, false)?;
        let model = op.model_id.clone().unwrap_or_default();
        let converse: serde_json::Value = serde_json::from_slice(&op.body)?;
        let mut input = serde_json::Map::new();
        for key in [
            "messages",
            "system",
            "toolConfig",
            "additionalModelRequestFields",
        ] {
            if let Some(v) = converse.get(key) {
                input.insert(key.to_owned(), v.clone());
            }
        }
        let body = serde_json::to_vec(&serde_json::json!({ "input": { "converse": input } }))?;
        let first = self
            .send(Operation::count_tokens(&model, body.clone()))
            .await;
        let resp = match (first, strip_geo_prefix(&model)) {
            (Ok(r), _) => r,
            (Err(e), Some(base)) if e.status() == Some(400) || e.status() == Some(404) => {
                self.send(Operation::count_tokens(base, body)).await?
            }
            (Err(e), _) => return Err(e),
        };
        let v: serde_json::Value = serde_json::from_slice(&resp.body)?;
        v.get("inputTokens")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| Error::json("CountTokens response lacks inputTokens"))
    }
}
