//! One call: sign right before each attempt, send, map errors, retry, correct clock skew.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::Inner;
use super::request::{EVENT_STREAM, Operation, PreparedRequest, prepare};
use crate::credentials::http::describe;
use crate::endpoint::{Endpoint, RegionSource, region_from_arn};
use crate::error::Error;
use crate::retry::{classify, parse_http_date, parse_retry_after};

/// The largest non-streaming response body read (bytes).
pub const MAX_RESPONSE_BODY: usize = 64 * 1024 * 1024;
/// The largest error body read (bytes).
const MAX_ERROR_BODY: usize = 1024 * 1024;

/// A complete response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers (lowercase names), in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl RawResponse {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What one attempt produced.
enum Outcome {
    Complete(RawResponse),
    Streaming(reqwest::Response),
}

impl Inner {
    /// The endpoint for a call: the configured one, except that when no region was configured
    /// anywhere and the model id is an ARN, the ARN's region gives both the endpoint and the
    /// signing region.
    pub(crate) fn endpoint_for(&self, model_id: Option<&str>) -> Cow<'_, Endpoint> {
        if self.region_source == RegionSource::Default
            && !self.endpoint.is_custom()
            && let Some(region) = model_id.and_then(region_from_arn)
            && region != self.endpoint.signing_region()
        {
            let mut settings = self.endpoint_settings.clone();
            region.clone_into(&mut settings.region);
            if let Ok(e) = Endpoint::resolve(&settings) {
                return Cow::Owned(e);
            }
        }
        Cow::Borrowed(&self.endpoint)
    }

    /// Signs `op` now (skew-corrected) with fresh credentials.
    pub(crate) async fn prepare(&self, op: &Operation) -> Result<PreparedRequest, Error> {
        let auth = self.auth.auth().await?;
        let endpoint = self.endpoint_for(op.model_id.as_deref());
        let now = self.skew.corrected(self.clock.now());
        prepare(
            op,
            endpoint.url(),
            endpoint.signing_region(),
            endpoint.signing_service(),
            &auth,
            now,
            &self.user_agent,
        )
    }

    fn to_reqwest(&self, p: &PreparedRequest) -> Result<reqwest::RequestBuilder, Error> {
        let method = reqwest::Method::from_bytes(p.method.as_bytes())
            .map_err(|_| Error::configuration(format!("invalid method {:?}", p.method)))?;
        let mut rb = self.http.request(method, &p.url);
        for (n, v) in &p.headers {
            rb = rb.header(n.as_str(), v.as_str());
        }
        Ok(rb.body(p.body.clone()))
    }

    /// Sends a prepared request once: no retry, no error mapping (any status is returned).
    pub(crate) async fn send_prepared(&self, p: &PreparedRequest) -> Result<RawResponse, Error> {
        let resp = self
            .to_reqwest(p)?
            .send()
            .await
            .map_err(|e| map_send_error(&e))?;
        let status = resp.status().as_u16();
        let headers = header_list(&resp);
        let body = read_body(resp, MAX_RESPONSE_BODY).await?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// Runs `op` with retries; a successful streaming response is returned unread.
    async fn execute(&self, op: &Operation) -> Result<Outcome, Error> {
        let started = self.clock.instant();
        let deadline = self.timeouts.total.map(|t| started + t);
        let mut attempt: u32 = 0;
        let mut acquired: u32 = 0;
        let mut skew_retried = false;
        loop {
            attempt += 1;
            let offset_before = self.skew.offset_ms();
            let result = self.attempt(op, deadline).await;
            let err = match result {
                Ok(outcome) => {
                    self.quota.success(acquired);
                    return Ok(outcome);
                }
                Err(e) => e,
            };
            // A skew message, or a signature refused while the server's Date moved our offset.
            let skewed = err.is_clock_skew()
                || (err.status() == Some(403)
                    && err.code() == Some("InvalidSignatureException")
                    && self.skew.offset_ms() != offset_before);
            if skewed && !skew_retried {
                skew_retried = true;
                attempt -= 1; // the skew retry is extra, once
                continue;
            }
            let Some(reason) = classify(&err) else {
                return Err(err);
            };
            if attempt >= self.retry.max_attempts {
                return Err(err);
            }
            let Some(cost) = self.quota.acquire(reason) else {
                return Err(err);
            };
            acquired += cost;
            let delay = {
                let mut rng = self
                    .rng
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                self.retry.delay_for(&err, attempt, &mut rng)
            };
            if let Some(d) = deadline
                && self.clock.instant() + delay >= d
            {
                return Err(err);
            }
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, op: &Operation, deadline: Option<Instant>) -> Result<Outcome, Error> {
        let mut limit = self.timeouts.attempt;
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(self.clock.instant());
            if left.is_zero() {
                return Err(Error::timeout("the total deadline passed", true));
            }
            limit = Some(limit.map_or(left, |l| l.min(left)));
        }
        // Sign immediately before the request goes on the wire, every attempt.
        let prepared = self.prepare(op).await?;
        let head_received = AtomicBool::new(false);
        let fut = self.attempt_inner(op, prepared, &head_received);
        match limit {
            Some(l) => match tokio::time::timeout(l, fut).await {
                Ok(r) => r,
                // After the response head arrived, a timeout is not retried (the model may have
                // done the work already).
                Err(_) => Err(Error::timeout(
                    format!("no complete response within {} ms", l.as_millis()),
                    head_received.load(Ordering::Relaxed),
                )),
            },
            None => fut.await,
        }
    }

    async fn attempt_inner(
        &self,
        op: &Operation,
        p: PreparedRequest,
        head_received: &AtomicBool,
    ) -> Result<Outcome, Error> {
        let local = self.clock.now();
        let resp = self
            .to_reqwest(&p)?
            .send()
            .await
            .map_err(|e| map_send_error(&e))?;
        head_received.store(true, Ordering::Relaxed);
        let status = resp.status().as_u16();
        let server_date = resp
            .headers()
            .get("date")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_http_date);
        if let Some(server) = server_date {
            self.skew.observe(server, local);
        }
        if !(200..300).contains(&status) {
            let header = |n: &str| {
                resp.headers()
                    .get(n)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let error_type = header("x-amzn-errortype");
            let request_id = header("x-amzn-requestid");
            let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v, local));
            let body = read_body(resp, MAX_ERROR_BODY).await.unwrap_or_default();
            let mut err = Error::from_service_parts(
                status,
                error_type.as_deref(),
                request_id.as_deref(),
                &body,
            )
            .with_retry_after(retry_after);
            if let Some(model) = &op.model_id {
                err =
                    err.with_model_context(model, self.endpoint_for(Some(model)).signing_region());
            }
            if err.is_clock_skew()
                && server_date.is_none()
                && let Some(server) = super::skew::server_time_from_message(err.message())
            {
                self.skew.observe(server, local);
            }
            return Err(err);
        }
        if op.streaming {
            let ct = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !ct.to_ascii_lowercase().starts_with(EVENT_STREAM) {
                return Err(Error::decode(format!(
                    "expected an event stream ({EVENT_STREAM}) but the response's content-type is {ct:?}"
                )));
            }
            return Ok(Outcome::Streaming(resp));
        }
        let headers = header_list(&resp);
        let body = read_body(resp, MAX_RESPONSE_BODY).await?;
        Ok(Outcome::Complete(RawResponse {
            status,
            headers,
            body,
        }))
    }

    /// Runs a non-streaming operation with retries.
    pub(crate) async fn call(&self, op: &Operation) -> Result<RawResponse, Error> {
        match self.execute(op).await? {
            Outcome::Complete(r) => Ok(r),
            Outcome::Streaming(resp) => {
                let status = resp.status().as_u16();
                let headers = header_list(&resp);
                let body = read_body(resp, MAX_RESPONSE_BODY).await?;
                Ok(RawResponse {
                    status,
                    headers,
                    body,
                })
            }
        }
    }

    /// Opens a streaming operation with retries (until the response head arrives).
    pub(crate) async fn open(&self, op: &Operation) -> Result<reqwest::Response, Error> {
        match self.execute(op).await? {
            Outcome::Streaming(r) => Ok(r),
            Outcome::Complete(_) => Err(Error::configuration(
                "the operation is not a streaming operation",
            )),
        }
    }
}

fn header_list(resp: &reqwest::Response) -> Vec<(String, String)> {
    resp.headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

pub(crate) fn map_send_error(e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        Error::timeout(format!("request timed out: {}", describe(e)), false)
    } else {
        Error::transport(format!("request failed: {}", describe(e)), false)
    }
}

async fn read_body(mut resp: reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(Error::decode(format!(
            "response body larger than {limit} bytes"
        )));
    }
    // The chunks are kept as they come (no copy) and joined once at the end: growing one buffer
    // as they arrive copied a 50 KB body several times over.
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut len = 0usize;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                len += chunk.len();
                if len > limit {
                    return Err(Error::decode(format!(
                        "response body larger than {limit} bytes"
                    )));
                }
                chunks.push(chunk);
            }
            Ok(None) => {
                if chunks.len() == 1 {
                    return Ok(chunks.swap_remove(0));
                }
                let mut body = Vec::with_capacity(len);
                for c in &chunks {
                    body.extend_from_slice(c);
                }
                return Ok(Bytes::from(body));
            }
            Err(e) => {
                return Err(Error::transport(
                    format!("reading the response body: {}", describe(&e)),
                    true,
                ));
            }
        }
    }
}

/// The default per-attempt timeout.
pub(crate) const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(300);
