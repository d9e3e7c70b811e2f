//! The client's opaque error with `kind()` and predicates.
//!
//! Every failure of the client is one [`Error`]. Match on [`Error::kind`] for the broad class and use
//! the predicates ([`Error::is_throttling`], [`Error::is_retryable`], [`Error::is_access_denied`],
//! [`Error::is_context_window_exceeded`], [`Error::is_timeout`]) for decisions. Service errors are
//! classified by their error code (`x-amzn-ErrorType`, the body's `__type`/`code`, or the stream's
//! `:exception-type`), never by a regular expression over the message, except for the context-window
//! path which Bedrock reports only in the message of a `ValidationException`.
//!
//! No error ever contains a secret: constructors take descriptions, never credentials.
//!
//! ```
//! use bedrock_wire::error::{Error, ErrorKind};
//! let err = Error::from_service_parts(
//!     429,
//!     Some("ThrottlingException:http://internal.amazon.com/coral/"),
//!     Some("req-1"),
//!     br#"{"message":"Too many tokens, please wait before trying again."}"#,
//! );
//! assert_eq!(err.kind(), ErrorKind::Service);
//! assert_eq!(err.code(), Some("ThrottlingException"));
//! assert!(err.is_throttling() && err.is_retryable());
//! assert!(!err.is_context_window_exceeded());
//! assert_eq!(err.request_id(), Some("req-1"));
//! ```

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

/// The broad class of an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client was configured with an invalid or contradictory setting.
    Configuration,
    /// No credentials could be found or loaded, or a credential source failed.
    Credentials,
    /// The request could not be signed.
    Signing,
    /// The connection failed (DNS, connect, TLS, reset).
    Transport,
    /// A connect, per-attempt, total or stream-idle timeout elapsed.
    Timeout,
    /// Bedrock answered with an error status.
    Service,
    /// Bedrock sent an exception frame inside an event stream.
    StreamException,
    /// A response body or event stream could not be decoded (framing, CRC, content type, truncation).
    Decode,
    /// A JSON body could not be parsed or produced.
    Json,
    /// A request or response could not be translated between the neutral model and Bedrock's shapes.
    Translation,
    /// The cost guard refused the request: it would pass a spending cap (see [`Error::budget`]).
    BudgetExceeded,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Configuration => "configuration error",
            Self::Credentials => "credentials error",
            Self::Signing => "signing error",
            Self::Transport => "transport error",
            Self::Timeout => "timeout",
            Self::Service => "service error",
            Self::StreamException => "stream exception",
            Self::Decode => "decode error",
            Self::Json => "JSON error",
            Self::Translation => "translation error",
            Self::BudgetExceeded => "budget exceeded",
        })
    }
}

/// The longest service message kept in an error (longer messages are cut at a char boundary).
const MAX_MESSAGE: usize = 2048;

/// An error of the Bedrock client: opaque, with [`kind`](Error::kind) and predicates.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    status: Option<u16>,
    code: Option<String>,
    request_id: Option<String>,
    hint: Option<String>,
    retry_after: Option<Duration>,
    /// For transport errors and timeouts: whether any response byte had been received.
    response_started: bool,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
    budget: Option<crate::cost::BudgetExceeded>,
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                status: None,
                code: None,
                request_id: None,
                hint: None,
                retry_after: None,
                response_started: false,
                source: None,
                budget: None,
            }),
        }
    }

    /// A configuration error (invalid or contradictory setting).
    pub fn configuration(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    /// A credentials error. The message must not contain a secret.
    pub fn credentials(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Credentials, message)
    }

    /// A signing error.
    pub fn signing(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Signing, message)
    }

    /// A transport error; `response_started` says whether any response byte had been received.
    pub fn transport(message: impl Into<String>, response_started: bool) -> Self {
        let mut e = Self::new(ErrorKind::Transport, message);
        e.inner.response_started = response_started;
        e
    }

    /// A timeout; `response_started` says whether any response byte had been received.
    pub fn timeout(message: impl Into<String>, response_started: bool) -> Self {
        let mut e = Self::new(ErrorKind::Timeout, message);
        e.inner.response_started = response_started;
        e
    }

    /// A decode error (framing, CRC, content type, truncation).
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    /// A JSON error.
    pub fn json(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Json, message)
    }

    /// A translation error.
    pub fn translation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Translation, message)
    }

    /// The cost guard's refusal: the cap, the estimate and what was spent.
    pub fn budget_exceeded(details: crate::cost::BudgetExceeded) -> Self {
        let mut e = Self::new(ErrorKind::BudgetExceeded, details.to_string());
        e.inner.budget = Some(details);
        e
    }

    /// The cost guard refused the request (details in [`budget`](Self::budget)).
    pub fn is_budget_exceeded(&self) -> bool {
        self.inner.kind == ErrorKind::BudgetExceeded
    }

    /// For [`ErrorKind::BudgetExceeded`]: which cap, its amount, the estimate and what was spent.
    pub fn budget(&self) -> Option<&crate::cost::BudgetExceeded> {
        self.inner.budget.as_ref()
    }

    /// An exception frame from an event stream (`:exception-type` and the payload's message).
    ///
    /// ```
    /// use bedrock_wire::error::Error;
    /// let e = Error::stream_exception("modelStreamErrorException", "the model stopped");
    /// assert_eq!(e.code(), Some("ModelStreamErrorException"));
    /// assert!(e.is_retryable());
    /// ```
    pub fn stream_exception(exception_type: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new(ErrorKind::StreamException, truncate(message.into()));
        e.inner.code = Some(capitalise(exception_type));
        e.inner.hint = hint_for(e.code(), e.inner.status, &e.inner.message);
        e
    }

    /// A service error from an HTTP error response: status, `x-amzn-ErrorType`, `x-amzn-RequestId`
    /// and body (`__type`/`code` and `message`/`Message`, also inside an `Output` object).
    pub fn from_service_parts(
        status: u16,
        error_type_header: Option<&str>,
        request_id: Option<&str>,
        body: &[u8],
    ) -> Self {
        let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
        let obj = parsed.as_ref().and_then(|v| {
            v.get("Output")
                .filter(|o| o.is_object())
                .or(Some(v))
                .filter(|o| o.is_object())
        });
        let field = |names: &[&str]| -> Option<String> {
            let o = obj?;
            names
                .iter()
                .find_map(|n| o.get(*n).and_then(serde_json::Value::as_str))
                .map(str::to_owned)
        };
        let code = error_type_header
            .map(normalise_code)
            .filter(|c| !c.is_empty())
            .or_else(|| field(&["__type", "code", "Code"]).map(|c| normalise_code(&c)))
            .filter(|c| !c.is_empty());
        let message = field(&["message", "Message", "errorMessage"]).unwrap_or_else(|| {
            if parsed.is_none() && !body.is_empty() {
                String::from_utf8_lossy(body).into_owned()
            } else {
                String::new()
            }
        });
        let mut e = Self::new(ErrorKind::Service, truncate(message));
        e.inner.status = Some(status);
        e.inner.code = code;
        e.inner.request_id = request_id.map(str::to_owned);
        e.inner.hint = hint_for(e.code(), Some(status), &e.inner.message);
        e
    }

    /// Attaches a hint that needs the request's context: the model id (and the region) of the call.
    #[must_use]
    pub fn with_model_context(mut self, model_id: &str, region: &str) -> Self {
        if self.is_on_demand_unsupported() {
            let base = extract_model_id(&self.inner.message).unwrap_or(model_id);
            let profile = inference_profile_for(base, region);
            self.inner.hint = Some(format!(
                "this model cannot be invoked on demand by its bare id; use an inference profile id \
                 such as `{profile}` (or `global.{base}` where offered), or an inference-profile ARN"
            ));
        } else if self.is_access_denied() && self.inner.kind == ErrorKind::Service {
            self.inner.hint = Some(format!(
                "request access to `{model_id}` in the Amazon Bedrock console (Model access) for \
                 region {region}, and check that your IAM policy allows bedrock:InvokeModel and \
                 bedrock:InvokeModelWithResponseStream on it"
            ));
        }
        self
    }

    /// Records a server-requested delay (`Retry-After`).
    #[must_use]
    pub fn with_retry_after(mut self, delay: Option<Duration>) -> Self {
        self.inner.retry_after = delay;
        self
    }

    /// Attaches the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Attaches (or replaces) the hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.inner.hint = Some(hint.into());
        self
    }

    /// The broad class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The description (for service errors and stream exceptions, the service's message).
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status of a service error.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The service error code (`ThrottlingException`, `ValidationException`, ...).
    pub fn code(&self) -> Option<&str> {
        self.inner.code.as_deref()
    }

    /// The request id from `x-amzn-RequestId`.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// An actionable hint, when the cause is known.
    pub fn hint(&self) -> Option<&str> {
        self.inner.hint.as_deref()
    }

    /// The delay the server asked for (`Retry-After`), if any.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// Whether any response byte had been received when a transport error or timeout happened.
    pub fn response_started(&self) -> bool {
        self.inner.response_started
    }

    fn code_is(&self, name: &str) -> bool {
        self.code().is_some_and(|c| c.eq_ignore_ascii_case(name))
    }

    fn is_remote(&self) -> bool {
        matches!(
            self.inner.kind,
            ErrorKind::Service | ErrorKind::StreamException
        )
    }

    /// Throttling: `ThrottlingException` (or a 429 without a code).
    pub fn is_throttling(&self) -> bool {
        self.is_remote()
            && (self.code_is("ThrottlingException")
                || self.code_is("TooManyRequestsException")
                || (self.code().is_none() && self.inner.status == Some(429)))
    }

    /// Whether the standard retry policy retries this error (see [`crate::retry`]).
    pub fn is_retryable(&self) -> bool {
        crate::retry::classify(self).is_some()
    }

    /// Access denied (`AccessDeniedException`, or a 403 without a code).
    pub fn is_access_denied(&self) -> bool {
        self.is_remote()
            && (self.code_is("AccessDeniedException")
                || (self.code().is_none() && self.inner.status == Some(403)))
    }

    /// The prompt did not fit the model's context window.
    ///
    /// Bedrock reports this as a `ValidationException` ("Input is too long for requested model",
    /// "too many input tokens"); a throttling message about tokens never matches because the code
    /// is checked first.
    pub fn is_context_window_exceeded(&self) -> bool {
        if !self.is_remote() || !self.code_is("ValidationException") {
            return false;
        }
        let m = self.inner.message.to_ascii_lowercase();
        [
            "input is too long",
            "too many input tokens",
            "prompt is too long",
            "context window",
            "context_window",
            "context length",
            "maximum context",
        ]
        .iter()
        .any(|needle| m.contains(needle))
    }

    /// A timeout (client-side, or the model's `ModelTimeoutException`).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
            || (self.is_remote() && self.code_is("ModelTimeoutException"))
    }

    /// A signature rejected because of clock skew ("Signature expired", "not yet current",
    /// `RequestTimeTooSkewed`).
    pub fn is_clock_skew(&self) -> bool {
        if self.inner.kind != ErrorKind::Service {
            return false;
        }
        let m = self.inner.message.to_ascii_lowercase();
        self.code_is("RequestTimeTooSkewed")
            || self.code_is("RequestExpired")
            || ((self.inner.status == Some(403) || self.code_is("InvalidSignatureException"))
                && (m.contains("signature expired")
                    || m.contains("not yet current")
                    || m.contains("skew")))
    }

    /// The model must be called through an inference profile ("on-demand throughput isn't supported").
    pub fn is_on_demand_unsupported(&self) -> bool {
        self.is_remote()
            && self.code_is("ValidationException")
            && self
                .inner
                .message
                .to_ascii_lowercase()
                .contains("on-demand throughput")
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.inner.kind);
        d.field("message", &self.inner.message);
        if let Some(s) = self.inner.status {
            d.field("status", &s);
        }
        if let Some(c) = &self.inner.code {
            d.field("code", c);
        }
        if let Some(r) = &self.inner.request_id {
            d.field("request_id", r);
        }
        if let Some(h) = &self.inner.hint {
            d.field("hint", h);
        }
        if let Some(s) = &self.inner.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.inner.kind)?;
        if let Some(code) = &self.inner.code {
            write!(f, ": {code}")?;
        }
        if let Some(status) = self.inner.status {
            write!(f, " (HTTP {status})")?;
        }
        if !self.inner.message.is_empty() {
            write!(f, ": {}", self.inner.message)?;
        }
        if let Some(source) = &self.inner.source {
            write!(f, ": {source}")?;
        }
        if let Some(id) = &self.inner.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(hint) = &self.inner.hint {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_ref()
            .map(|s| s.as_ref() as &(dyn StdError + 'static))
    }
}

impl From<crate::translation_error::TranslationError> for Error {
    fn from(e: crate::translation_error::TranslationError) -> Self {
        Self::translation(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::json(e.to_string())
    }
}

/// `ValidationException:http://internal...` → `ValidationException`;
/// `com.amazon.coral.validate#ValidationException` → `ValidationException`.
fn normalise_code(raw: &str) -> String {
    let before_colon = raw.split(':').next().unwrap_or("");
    let after_hash = before_colon.rsplit('#').next().unwrap_or("");
    after_hash.trim().to_owned()
}

/// `throttlingException` → `ThrottlingException`.
fn capitalise(s: &str) -> String {
    let s = normalise_code(s);
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// The model id quoted in "Invocation of model ID X with on-demand throughput isn't supported".
fn extract_model_id(message: &str) -> Option<&str> {
    let rest = message.split("model ID ").nth(1)?;
    let id = rest.split_whitespace().next()?;
    let id = id.trim_end_matches(['.', ',']);
    (!id.is_empty()).then_some(id)
}

/// The geographic inference-profile id for a base model id in a region.
///
/// ```
/// use bedrock_wire::error::inference_profile_for;
/// assert_eq!(inference_profile_for("anthropic.claude-3-5-sonnet-20241022-v2:0", "eu-west-1"),
///            "eu.anthropic.claude-3-5-sonnet-20241022-v2:0");
/// assert_eq!(inference_profile_for("amazon.nova-pro-v1:0", "us-gov-west-1"), "us-gov.amazon.nova-pro-v1:0");
/// ```
pub fn inference_profile_for(model_id: &str, region: &str) -> String {
    let prefix = if region.starts_with("us-gov-") {
        "us-gov"
    } else if region.starts_with("us-") || region.starts_with("ca-") {
        "us"
    } else if region.starts_with("eu-") {
        "eu"
    } else if region.starts_with("ap-") {
        "apac"
    } else {
        "global"
    };
    format!("{prefix}.{model_id}")
}

/// Hints that need no request context.
fn hint_for(code: Option<&str>, status: Option<u16>, message: &str) -> Option<String> {
    let m = message.to_ascii_lowercase();
    let code = code.unwrap_or("");
    let is = |name: &str| code.eq_ignore_ascii_case(name);
    if is("AccessDeniedException") || (code.is_empty() && status == Some(403)) {
        if m.contains("invalid api key") || m.contains("bearer") {
            return Some(
                "the Bedrock API key was rejected: check AWS_BEARER_TOKEN_BEDROCK or the key given \
                 to the client (short-term keys expire after at most 12 hours)"
                    .into(),
            );
        }
        return Some(
            "request model access in the Amazon Bedrock console (Model access) for this region, \
             and check that your IAM policy allows bedrock:InvokeModel and \
             bedrock:InvokeModelWithResponseStream"
                .into(),
        );
    }
    if is("ValidationException") {
        if m.contains("on-demand throughput") {
            return Some(
                "use an inference profile id (the model id with a geographic prefix such as `us.`, \
                 `eu.`, `apac.` or `global.`) instead of the bare model id"
                    .into(),
            );
        }
        if m.contains("model identifier is invalid") {
            return Some(
                "check the model id and that the model is offered in this region \
                 (`aws bedrock list-foundation-models --region <region>`)"
                    .into(),
            );
        }
        return None;
    }
    if is("UnrecognizedClientException") || is("InvalidClientTokenId") {
        return Some(
            "the access key was not recognised: check the credentials the client resolved \
             (profile, environment) and their region partition"
                .into(),
        );
    }
    if is("ExpiredTokenException") {
        return Some(
            "the session credentials have expired: refresh them (for SSO, run `aws sso login`)"
                .into(),
        );
    }
    if is("ThrottlingException") {
        return Some(
            "Bedrock is throttling this account: retry later, request a quota increase, or use a \
             cross-region inference profile"
                .into(),
        );
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_from_header_drops_everything_after_colon() {
        let e = Error::from_service_parts(
            400,
            Some("ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
            None,
            b"{}",
        );
        assert_eq!(e.code(), Some("ValidationException"));
    }

    #[test]
    fn code_from_body_type_strips_namespace() {
        let body = br#"{"Output":{"__type":"com.amazon.coral.service#UnknownOperationException"},"Version":"1.0"}"#;
        let e = Error::from_service_parts(404, None, None, body);
        assert_eq!(e.code(), Some("UnknownOperationException"));
        let e = Error::from_service_parts(
            400,
            None,
            None,
            br#"{"__type":"com.amazon.coral.validate#ValidationException","Message":"bad"}"#,
        );
        assert_eq!(e.code(), Some("ValidationException"));
        assert_eq!(e.message(), "bad");
    }

    #[test]
    fn throttling_about_tokens_is_not_context_window() {
        let e = Error::from_service_parts(
            429,
            Some("ThrottlingException"),
            None,
            br#"{"message":"Too many tokens, please wait before trying again."}"#,
        );
        assert!(e.is_throttling());
        assert!(!e.is_context_window_exceeded());
        let e = Error::from_service_parts(
            400,
            Some("ValidationException"),
            None,
            br#"{"message":"Input is too long for requested model."}"#,
        );
        assert!(e.is_context_window_exceeded());
        assert!(!e.is_retryable());
    }

    #[test]
    fn on_demand_hint_names_the_profile() {
        let e = Error::from_service_parts(
            400,
            Some("ValidationException"),
            None,
            br#"{"message":"Invocation of model ID anthropic.claude-3-5-haiku-20241022-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model."}"#,
        )
        .with_model_context("anthropic.claude-3-5-haiku-20241022-v1:0", "us-west-2");
        let hint = e.hint().unwrap_or_default();
        assert!(
            hint.contains("us.anthropic.claude-3-5-haiku-20241022-v1:0"),
            "{hint}"
        );
        assert!(e.to_string().contains("hint:"));
    }

    #[test]
    fn access_denied_hint_points_to_console() {
        let e = Error::from_service_parts(
            403,
            Some("AccessDeniedException"),
            Some("rid"),
            br#"{"message":"You don't have access to the model with the specified model ID."}"#,
        )
        .with_model_context("amazon.nova-pro-v1:0", "eu-central-1");
        assert!(e.is_access_denied());
        assert!(e.hint().unwrap_or_default().contains("Bedrock console"));
        assert!(e.hint().unwrap_or_default().contains("eu-central-1"));
    }

    #[test]
    fn skew_detection() {
        let e = Error::from_service_parts(
            403,
            Some("InvalidSignatureException"),
            None,
            br#"{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z (20260101T001000Z - 5 min.)"}"#,
        );
        assert!(e.is_clock_skew());
        let e = Error::from_service_parts(
            403,
            Some("InvalidSignatureException"),
            None,
            br#"{"message":"The request signature we calculated does not match"}"#,
        );
        assert!(!e.is_clock_skew());
    }

    #[test]
    fn non_json_body_becomes_message_and_long_messages_are_cut() {
        let e = Error::from_service_parts(502, None, None, b"Bad Gateway");
        assert_eq!(e.message(), "Bad Gateway");
        let long = "é".repeat(5000);
        let body = serde_json::json!({ "message": long }).to_string();
        let e = Error::from_service_parts(400, None, None, body.as_bytes());
        assert!(e.message().len() <= MAX_MESSAGE + 3);
    }

    #[test]
    fn stream_exception_codes_are_capitalised() {
        let e = Error::stream_exception("throttlingException", "slow down");
        assert!(e.is_throttling());
        assert_eq!(e.kind(), ErrorKind::StreamException);
        let e = Error::stream_exception(
            "validationException",
            "Input is too long for requested model",
        );
        assert!(e.is_context_window_exceeded());
    }
}
