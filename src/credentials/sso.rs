//! IAM Identity Center (SSO): the cached access token and the portal's GetRoleCredentials.
//!
//! The token is the one `aws sso login` caches in `~/.aws/sso/cache/<sha1>.json`, where `<sha1>` is
//! the hex SHA-1 of the `sso_session` name (or, for legacy profiles, of `sso_start_url`). An
//! expired token is an error that says to run `aws sso login` (this client does not refresh it).
//! The portal is `https://portal.sso.{sso_region}.amazonaws.com`, or `AWS_ENDPOINT_URL_SSO`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::{AwsCredentials, LoadContext, http};
use crate::crypto::sha1;
use crate::error::Error;

const MAX_CACHE_FILE: u64 = 64 * 1024;

/// An SSO profile's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsoConfig {
    /// The `sso_session` name, or `None` for a legacy profile.
    pub(crate) session: Option<String>,
    pub(crate) start_url: String,
    pub(crate) sso_region: String,
    pub(crate) account_id: String,
    pub(crate) role_name: String,
    /// `~/.aws/sso/cache`.
    pub(crate) cache_dir: PathBuf,
}

/// The cache file name: hex SHA-1 of the session name or start URL, plus `.json`.
pub(crate) fn cache_file_name(cfg: &SsoConfig) -> String {
    let key = cfg.session.as_deref().unwrap_or(&cfg.start_url);
    format!("{}.json", sigv4::encode::hex(&sha1(key.as_bytes())))
}

pub(crate) async fn load(cfg: &SsoConfig, ctx: &LoadContext) -> Result<AwsCredentials, Error> {
    let path = cfg.cache_dir.join(cache_file_name(cfg));
    let text = super::profile::read_bounded(&path, MAX_CACHE_FILE).map_err(|e| {
        Error::credentials(format!(
            "SSO: cannot read the cached token {} ({e}); run `aws sso login`",
            path.display()
        ))
    })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::credentials(format!("SSO token cache: {}", http::json_failure(&e))))?;
    let token = v
        .get("accessToken")
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Error::credentials("SSO token cache: no accessToken; run `aws sso login`")
        })?;
    let expires = v
        .get("expiresAt")
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::credentials("SSO token cache: no expiresAt"))
        .and_then(|e| {
            super::parse_rfc3339(e)
                .map_err(|err| Error::credentials(format!("SSO token cache: expiresAt: {err}")))
        })?;
    if ctx.clock.now() >= expires {
        return Err(Error::credentials(
            "SSO: the cached access token has expired; run `aws sso login`",
        ));
    }
    if token.bytes().any(|b| b.is_ascii_control()) {
        return Err(Error::credentials("SSO token cache: malformed accessToken"));
    }
    #[allow(clippy::single_match_else)]
    let base = match ctx.env.get("AWS_ENDPOINT_URL_SSO") {
        Some(custom) => crate::endpoint::validate_custom(custom, false)
            .map_err(|e| Error::credentials(format!("SSO endpoint: {}", e.message())))?,
        None => {
            if !crate::endpoint::valid_region(&cfg.sso_region) {
                return Err(Error::credentials(format!(
                    "SSO: invalid sso_region {:?}",
                    cfg.sso_region
                )));
            }
            format!(
                "https://portal.sso.{}.{}",
                cfg.sso_region,
                crate::endpoint::dns_suffix(&cfg.sso_region, false)
            )
        }
    };
    let url = format!(
        "{base}/federation/credentials?account_id={}&role_name={}",
        http::form_encode(&cfg.account_id),
        http::form_encode(&cfg.role_name)
    );
    let req = ctx.http.get(url).header("x-amz-sso_bearer_token", token);
    let reply = http::send(req, ctx.timeout, "SSO GetRoleCredentials").await?;
    if !reply.is_success() {
        let hint = if reply.status == 401 || reply.status == 403 {
            "; run `aws sso login`"
        } else {
            ""
        };
        return Err(Error::credentials(format!(
            "SSO GetRoleCredentials: HTTP {}{hint}",
            reply.status
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&reply.body).map_err(|e| {
        Error::credentials(format!(
            "SSO GetRoleCredentials: {}",
            http::json_failure(&e)
        ))
    })?;
    let rc = v
        .get("roleCredentials")
        .ok_or_else(|| Error::credentials("SSO GetRoleCredentials: no roleCredentials"))?;
    let s = |k: &str| {
        rc.get(k)
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (Some(ak), Some(sk)) = (s("accessKeyId"), s("secretAccessKey")) else {
        return Err(Error::credentials(
            "SSO GetRoleCredentials: roleCredentials lacks accessKeyId or secretAccessKey",
        ));
    };
    let expires_at = rc
        .get("expiration")
        .and_then(serde_json::Value::as_u64)
        .map(|ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms));
    Ok(AwsCredentials::new(
        sigv4::Credentials::new(ak, sk, s("sessionToken").map(str::to_owned)),
        expires_at,
        "sso",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_name_matches_the_cli() {
        // The AWS CLI documents `sha1("my-sso")` as the cache key of session `my-sso`.
        let cfg = SsoConfig {
            session: Some("my-sso".into()),
            start_url: "https://d-123.awsapps.com/start".into(),
            sso_region: "us-east-1".into(),
            account_id: "1".into(),
            role_name: "r".into(),
            cache_dir: PathBuf::new(),
        };
        // `printf my-sso | sha1sum`
        assert_eq!(
            cache_file_name(&cfg),
            "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
        );
    }
}
