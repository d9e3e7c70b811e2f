//! Plain data the client's routed entry points return: the dry-run plan, a response with its
//! route, the CountTokens form.

use std::fmt;
use std::ops::Deref;

use crate::client::Operation;
use crate::converse::Warning;
use crate::model::ChatResponse;

use super::Route;

/// What a routed chat call will send: the route, the signed-to-be operation and every change
/// made to the request. Its `Display` is the dry-run description.
#[derive(Debug, Clone)]
pub struct ChatPlan {
    /// The routing decision.
    pub route: Route,
    /// The operation (path, body, headers).
    pub operation: Operation,
    /// The translator's normalizations.
    pub warnings: Vec<Warning>,
    /// Settings the native body has no place for (Invoke only).
    pub dropped: Vec<&'static str>,
}

impl fmt::Display for ChatPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "route: {}", self.route)?;
        writeln!(
            f,
            "request: {} {} ({} bytes)",
            self.operation.method,
            self.operation.path,
            self.operation.body.len()
        )?;
        for (n, v) in &self.operation.headers {
            writeln!(f, "header: {n}: {v}")?;
        }
        for w in &self.warnings {
            writeln!(f, "changed: {w}")?;
        }
        for d in &self.dropped {
            writeln!(f, "not sent (no native field): {d}")?;
        }
        Ok(())
    }
}

/// A chat response with the route that produced it. Derefs to the [`ChatResponse`].
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedResponse {
    /// The response.
    pub response: ChatResponse,
    /// How it was obtained.
    pub route: Route,
    /// The translator's normalizations.
    pub warnings: Vec<Warning>,
}

impl Deref for RoutedResponse {
    type Target = ChatResponse;
    fn deref(&self) -> &ChatResponse {
        &self.response
    }
}

/// Which CountTokens input form to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CountTokensForm {
    /// `{"input":{"converse":{messages, system, toolConfig, additionalModelRequestFields}}}`.
    #[default]
    Converse,
    /// `{"input":{"invokeModel":{"body":"<base64 native body>"}}}`.
    Native,
}
