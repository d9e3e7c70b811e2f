//! The error of the pure translation layer: what went wrong and at which JSON path.
//!
//! Every module that turns values into bytes or bytes into values ([`crate::converse`],
//! [`crate::event`], [`crate::openai`], [`crate::model`]) reports failures with one
//! [`TranslationError`]. It names the place (a JSON path such as `output.message.content[2].toolUse.input`,
//! or a request path such as `messages[0].content[1]`) and says what was wrong there.
//! It never contains credentials, and never more than a short excerpt of the input.
//!
//! ```
//! use bedrock_wire::converse;
//!
//! let err = converse::parse_response(br#"{"output":{"message":{"role":"assistant","content":7}}}"#)
//!     .unwrap_err();
//! assert_eq!(err.path(), "output.message.content");
//! assert_eq!(err.kind(), bedrock_wire::translation_error::TranslationErrorKind::WrongType);
//! assert_eq!(err.to_string(), "output.message.content: expected an array, found a number");
//! ```

use std::fmt;

/// What kind of problem a [`TranslationError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TranslationErrorKind {
    /// The bytes are not JSON at all (or not UTF-8).
    MalformedJson,
    /// A required field is absent.
    MissingField,
    /// A field has the wrong JSON type.
    WrongType,
    /// A field has the right type but a value the protocol does not allow.
    InvalidValue,
    /// A documented service limit would be exceeded (image size, media count, ...).
    LimitExceeded,
    /// The request asks for something Bedrock cannot express (e.g. an `https:` image URL).
    Unsupported,
}

impl TranslationErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed JSON",
            Self::MissingField => "missing field",
            Self::WrongType => "wrong type",
            Self::InvalidValue => "invalid value",
            Self::LimitExceeded => "limit exceeded",
            Self::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for TranslationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A translation failure: a [`kind`](Self::kind), the [`path`](Self::path) where it happened,
/// and a human [`detail`](Self::detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationError {
    kind: TranslationErrorKind,
    path: String,
    detail: String,
}

impl TranslationError {
    /// Builds an error of `kind` at `path`.
    pub fn new(
        kind: TranslationErrorKind,
        path: impl Into<String>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            path: path.into(),
            detail: detail.into(),
        }
    }

    /// A required field is missing at `path` (the path includes the field name).
    pub fn missing(path: impl Into<String>) -> Self {
        Self::new(
            TranslationErrorKind::MissingField,
            path,
            "required field is missing",
        )
    }

    /// The value at `path` has the wrong JSON type.
    pub fn wrong_type(path: impl Into<String>, expected: &str, found: &serde_json::Value) -> Self {
        Self::new(
            TranslationErrorKind::WrongType,
            path,
            format!("expected {expected}, found {}", json_type_name(found)),
        )
    }

    /// The value at `path` is not allowed.
    pub fn invalid(path: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(TranslationErrorKind::InvalidValue, path, detail)
    }

    /// The input is not JSON; `path` names the document (e.g. `contentBlockDelta` or `$`).
    pub fn malformed(path: impl Into<String>, err: &serde_json::Error) -> Self {
        Self::new(
            TranslationErrorKind::MalformedJson,
            path,
            format!("not valid JSON ({err})"),
        )
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> TranslationErrorKind {
        self.kind
    }

    /// Where it happened: a dotted JSON path with `[i]` indices (`$` for the whole document).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The same error with `prefix` put in front of its path (`prefix.path`).
    #[must_use]
    pub fn within(mut self, prefix: &str) -> Self {
        if self.path.is_empty() || self.path == "$" {
            prefix.clone_into(&mut self.path);
        } else if self.path.starts_with('[') {
            self.path = format!("{prefix}{}", self.path);
        } else {
            self.path = format!("{prefix}.{}", self.path);
        }
        self
    }
}

impl fmt::Display for TranslationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.detail)
    }
}

impl std::error::Error for TranslationError {}

/// The JSON type of a value, as words for error messages.
pub(crate) fn json_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_path_and_detail() {
        let e = TranslationError::missing("output.message.role");
        assert_eq!(
            e.to_string(),
            "output.message.role: required field is missing"
        );
        assert_eq!(e.kind(), TranslationErrorKind::MissingField);
    }

    #[test]
    fn within_prefixes_paths() {
        let e = TranslationError::invalid("role", "bad").within("output.message");
        assert_eq!(e.path(), "output.message.role");
        let e = TranslationError::invalid("[3]", "bad").within("content");
        assert_eq!(e.path(), "content[3]");
        let e = TranslationError::invalid("$", "bad").within("metadata");
        assert_eq!(e.path(), "metadata");
    }
}
