//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.

use super::AwsCredentials;
use crate::client::Env;
use crate::error::Error;

/// Static credentials from the environment; `None` when the access key id is unset. An access key
/// without a secret is an error (a half-configured environment should not fall through silently).
pub(crate) fn from_env(env: &Env) -> Result<Option<AwsCredentials>, Error> {
    let Some(ak) = env.get("AWS_ACCESS_KEY_ID") else {
        return Ok(None);
    };
    let sk = env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
        Error::credentials("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
    })?;
    let token = env
        .get("AWS_SESSION_TOKEN")
        .or_else(|| env.get("AWS_SECURITY_TOKEN"))
        .map(|t| t.trim().to_owned());
    let expires_at = env
        .get("AWS_CREDENTIAL_EXPIRATION")
        .and_then(|e| super::parse_rfc3339(e).ok());
    Ok(Some(AwsCredentials::new(
        sigv4::Credentials::new(ak.trim(), sk.trim(), token),
        expires_at,
        "environment",
    )))
}
