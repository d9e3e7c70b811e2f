//! The rest of the native entry points: the routed-chat dry-run plan and a chat call that
//! reports its route, embeddings (native and OpenAI-shaped), and CountTokens in the native
//! form. (`invoke`, `invoke_stream`, `chat`, `chat_stream` and the Converse-form
//! `count_tokens` live in `invoke.rs` and `chat.rs`.)

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{Client, Operation, RawResponse};
use crate::converse::{self, BuildOptions};
use crate::embed::{self, EmbedCall, EmbeddingRequest, EmbeddingResponse};
use crate::error::{Error, ErrorKind};
use crate::invoke::{self, Api, ChatPlan, CountTokensForm, InvokeMetrics, Route, RoutedResponse};
use crate::model::ChatRequest;

/// At most this many embeddings calls run at once.
const EMBED_CONCURRENCY: usize = 8;

fn metrics_of(resp: &RawResponse) -> InvokeMetrics {
    InvokeMetrics::from_headers(resp.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

impl Client {
    fn build_options(&self, model: &str, stream: bool) -> BuildOptions {
        let region = self
            .inner
            .endpoint_for(Some(model))
            .signing_region()
            .to_owned();
        BuildOptions::new(region)
            .stream(stream)
            .cross_region(self.inner.cross_region)
    }

    /// The native operation for `req` with everything the dry run shows (the warnings and the
    /// settings the native body drops).
    fn invoke_plan(&self, req: &ChatRequest, stream: bool) -> Result<ChatPlan, Error> {
        let built = invoke::build(req, &self.build_options(&req.model, stream))?;
        let mut op = if stream {
            Operation::invoke_stream(&built.model_id, built.body)
        } else {
            Operation::invoke(&built.model_id, built.body)
        };
        for (n, v) in built.headers {
            op = op.header(n, v);
        }
        Ok(ChatPlan {
            route: Route {
                api: Api::Invoke,
                reason: invoke::route(req).reason,
                dialect: Some(built.dialect),
            },
            operation: op,
            warnings: built.warnings,
            dropped: built.dropped,
        })
    }

    /// What [`chat`](Self::chat) / [`chat_stream`](Self::chat_stream) would send for `req`:
    /// the route (see [`crate::invoke::route`]) and the operation. Its `Display` is the dry-run
    /// description.
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// use bedrock_wire::model::ChatRequest;
    /// let client = Client::builder().env(Env::empty()).region("us-east-1").bearer_token("k").build()?;
    /// let plan = client.chat_plan(&ChatRequest::new("mistral-7b").user("hi"), false)?;
    /// assert_eq!(
    ///     plan.to_string().lines().next(),
    ///     Some("route: invoke (mistral-prompt): this family is served better by its native prompt body")
    /// );
    /// # Ok::<(), bedrock_wire::error::Error>(())
    /// ```
    pub fn chat_plan(&self, req: &ChatRequest, stream: bool) -> Result<ChatPlan, Error> {
        let route = invoke::route(req);
        match route.api {
            Api::Invoke => {
                let mut plan = self.invoke_plan(req, stream)?;
                plan.route = route;
                Ok(plan)
            }
            Api::Converse => {
                let (operation, warnings) = self.converse_operation(req, stream)?;
                Ok(ChatPlan {
                    route,
                    operation,
                    warnings,
                    dropped: Vec::new(),
                })
            }
        }
    }

    /// Like [`chat`](Self::chat) (routed between Converse and the native body by
    /// [`crate::invoke::route`]; `req.use_converse` forces one), with the route and the
    /// translator's warnings in the response.
    pub async fn chat_routed(&self, req: &ChatRequest) -> Result<RoutedResponse, Error> {
        let plan = self.chat_plan(req, false)?;
        let resp = self.send(plan.operation).await?;
        let response = match (plan.route.api, plan.route.dialect) {
            (Api::Invoke, Some(d)) => invoke::parse_response(d, &resp.body, &metrics_of(&resp))?,
            _ => converse::parse_response(&resp.body)?,
        };
        Ok(RoutedResponse {
            response,
            route: plan.route,
            warnings: plan.warnings,
        })
    }

    async fn embed_call(&self, call: EmbedCall) -> Result<(EmbedCall, embed::CallOutput), Error> {
        let resp = self
            .send(Operation::invoke(&call.model_id, call.body.clone()))
            .await?;
        let header = metrics_of(&resp).input_tokens;
        let out = embed::parse_call(&call, &resp.body, header)?;
        Ok((call, out))
    }

    /// Embeds every input of `req`: one InvokeModel call per input for Titan and Nova, batches
    /// of at most 96 for Cohere; at most 8 calls at once; vectors in input order. If any call
    /// fails, the first error is returned (no partial result).
    pub async fn embed(&self, req: EmbeddingRequest) -> Result<EmbeddingResponse, Error> {
        let calls = embed::plan(&req)?;
        let model = calls
            .first()
            .map(|c| c.model_id.clone())
            .unwrap_or_default();
        let total = req.inputs.len();
        let permits = Arc::new(tokio::sync::Semaphore::new(EMBED_CONCURRENCY));
        let mut handles = Vec::with_capacity(calls.len());
        for call in calls {
            let client = self.clone();
            let permits = Arc::clone(&permits);
            handles.push(tokio::spawn(async move {
                let _permit = permits
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::configuration("the embeddings call pool closed"))?;
                client.embed_call(call).await
            }));
        }
        let mut embeddings: Vec<Vec<f32>> = vec![Vec::new(); total];
        let mut input_tokens = 0u64;
        let mut first_err = None;
        for h in handles {
            match h.await {
                Ok(Ok((call, out))) => {
                    input_tokens = input_tokens.saturating_add(out.input_tokens.unwrap_or(0));
                    for (k, v) in out.embeddings.into_iter().enumerate() {
                        if let Some(slot) = embeddings.get_mut(call.first + k) {
                            *slot = v;
                        }
                    }
                }
                Ok(Err(e)) => {
                    first_err.get_or_insert(e);
                }
                Err(e) => {
                    first_err.get_or_insert(Error::transport(
                        format!("an embeddings call did not finish: {e}"),
                        false,
                    ));
                }
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        Ok(EmbeddingResponse {
            model,
            embeddings,
            input_tokens,
        })
    }

    /// The OpenAI-shaped embeddings entry point: an `embeddings` request body in, the
    /// `{"object":"list","data":[{"embedding":..}],"usage":..}` object out (embeddings as
    /// base64 of little-endian `f32`s when the body says `"encoding_format": "base64"`).
    pub async fn embeddings(&self, body: &[u8]) -> Result<Value, Error> {
        let req = embed::parse_openai_request(body)?;
        let model = req.model.clone();
        let response = self.embed(req).await?;
        let mut out = if embed::openai_wants_base64(body) {
            response.to_openai_base64()
        } else {
            response.to_openai()
        };
        if let Some(m) = out.as_object_mut() {
            m.insert("model".into(), Value::String(model));
        }
        Ok(out)
    }

    /// The CountTokens body and model id for `req` in `form`.
    ///
    /// ```
    /// use bedrock_wire::client::{Client, Env};
    /// use bedrock_wire::invoke::CountTokensForm;
    /// use bedrock_wire::model::ChatRequest;
    /// let client = Client::builder().env(Env::empty()).region("us-east-1").bearer_token("k").build()?;
    /// let req = ChatRequest::new("claude-sonnet-4").system("Be brief.").user("hi");
    /// let (id, body) = client.count_tokens_body(&req, CountTokensForm::Converse)?;
    /// assert_eq!(id, "us.anthropic.claude-sonnet-4-20250514-v1:0");
    /// assert_eq!(body["input"]["converse"]["system"][0]["text"], "Be brief.");
    /// # Ok::<(), bedrock_wire::error::Error>(())
    /// ```
    pub fn count_tokens_body(
        &self,
        req: &ChatRequest,
        form: CountTokensForm,
    ) -> Result<(String, Value), Error> {
        let opts = self.build_options(&req.model, false);
        match form {
            CountTokensForm::Converse => {
                let built = converse::build(req, &opts)?;
                let full: Map<String, Value> = serde_json::from_slice(&built.body)
                    .map_err(|e| Error::json(format!("converse body: {e}")))?;
                let mut input = Map::new();
                for key in [
                    "messages",
                    "system",
                    "toolConfig",
                    "additionalModelRequestFields",
                ] {
                    if let Some(v) = full.get(key) {
                        input.insert(key.into(), v.clone());
                    }
                }
                Ok((built.model_id, json!({ "input": { "converse": input } })))
            }
            CountTokensForm::Native => {
                let built = invoke::build(req, &opts)?;
                let body = crate::model::b64_encode(&built.body);
                Ok((
                    built.model_id,
                    json!({ "input": { "invokeModel": { "body": body } } }),
                ))
            }
        }
    }

    /// CountTokens in `form` ([`count_tokens`](Self::count_tokens) is the Converse form). The
    /// model id is tried as built (an inference profile stays a profile); when Bedrock refuses
    /// it (400 or 404), the call is made again once with the base model id (geography prefix
    /// removed, system inference-profile ARNs unwrapped).
    pub async fn count_tokens_with(
        &self,
        req: &ChatRequest,
        form: CountTokensForm,
    ) -> Result<u64, Error> {
        if form == CountTokensForm::Converse {
            return self.count_tokens(req).await;
        }
        let (id, body) = self.count_tokens_body(req, form)?;
        let bytes = serde_json::to_vec(&body)
            .map_err(|e| Error::json(format!("count-tokens body: {e}")))?;
        let first = self.send(Operation::count_tokens(&id, bytes.clone())).await;
        let resp = match first {
            Ok(r) => r,
            Err(e) => {
                let base = crate::models::base_id(&req.model, req.base_model.as_deref());
                let refused = e.kind() == ErrorKind::Service
                    && matches!(e.status(), Some(400 | 404))
                    && !crate::models::is_arn(&base)
                    && base != id;
                if !refused {
                    return Err(e);
                }
                self.send(Operation::count_tokens(&base, bytes)).await?
            }
        };
        let v: Value = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::json(format!("count-tokens response: {e}")))?;
        v.get("inputTokens")
            .and_then(Value::as_u64)
            .ok_or_else(|| Error::json("count-tokens response has no integer `inputTokens`"))
    }
}
