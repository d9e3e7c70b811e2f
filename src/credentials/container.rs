//! Container credentials (ECS task roles, EKS Pod Identity).
//!
//! `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is appended to `http://169.254.170.2`;
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` is used as is (https, or http to a loopback or the
//! ECS/EKS link-local hosts). The `Authorization` header comes from
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (re-read on every load) or
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN`.

use std::net::IpAddr;
use std::path::PathBuf;

use super::chain::Source;
use super::{AwsCredentials, LoadContext, http, parse_json_credentials};
use crate::client::Env;
use crate::error::Error;

const ECS_HOST: &str = "http://169.254.170.2";
const MAX_TOKEN_FILE: u64 = 16 * 1024;

/// Where the container credentials are. `Debug` hides the authorization token.
#[derive(Clone, PartialEq, Eq)]
pub struct ContainerConfig {
    pub(crate) uri: String,
    pub(crate) token: Option<String>,
    pub(crate) token_file: Option<PathBuf>,
}

impl std::fmt::Debug for ContainerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContainerConfig")
            .field("uri", &self.uri)
            .field("token", &self.token.as_ref().map(|_| "** redacted **"))
            .field("token_file", &self.token_file)
            .finish()
    }
}

pub(crate) fn from_env(env: &Env) -> Result<Option<Source>, Error> {
    let uri = if let Some(rel) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        format!("{ECS_HOST}{rel}")
    } else if let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
        check_full_uri(full)?;
        full.to_owned()
    } else {
        return Ok(None);
    };
    Ok(Some(Source::Container(ContainerConfig {
        uri,
        token: env
            .get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .map(str::to_owned),
        token_file: env
            .get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            .map(PathBuf::from),
    })))
}

fn check_full_uri(raw: &str) -> Result<(), Error> {
    let url = reqwest::Url::parse(raw).map_err(|e| {
        Error::credentials(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL: {e}"
        ))
    })?;
    let host = url.host_str().unwrap_or("");
    let allowed = match url.scheme() {
        "https" => true,
        "http" => {
            let h = host.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<IpAddr>().is_ok_and(|ip| {
                    ip.is_loopback()
                        || ip.to_string() == "169.254.170.2"
                        || ip.to_string() == "169.254.170.23"
                        || ip.to_string() == "fd00:ec2::23"
                })
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::credentials(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback or the ECS/EKS \
             container credentials host",
        ))
    }
}

pub(crate) async fn load(
    cfg: &ContainerConfig,
    ctx: &LoadContext,
) -> Result<AwsCredentials, Error> {
    let token = match (&cfg.token_file, &cfg.token) {
        (Some(path), _) => Some(
            super::profile::read_bounded(path, MAX_TOKEN_FILE)
                .map_err(|e| {
                    Error::credentials(format!(
                        "container credentials: cannot read the token file {}: {e}",
                        path.display()
                    ))
                })?
                .trim()
                .to_owned(),
        ),
        (None, Some(t)) => Some(t.trim().to_owned()),
        (None, None) => None,
    };
    let mut req = ctx.http.get(&cfg.uri).header("accept", "application/json");
    if let Some(t) = token {
        if t.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(Error::credentials(
                "container credentials: the authorization token contains a line break",
            ));
        }
        req = req.header("authorization", t);
    }
    let reply = http::send(req, ctx.timeout, "container credentials").await?;
    if !reply.is_success() {
        return Err(Error::credentials(format!(
            "container credentials: HTTP {}",
            reply.status
        )));
    }
    parse_json_credentials(&reply.body, "container credentials", "container")
}
