//! EC2 instance metadata (IMDSv2): a session token (PUT), the role name, then the credentials.
//!
//! The endpoint is `http://169.254.169.254` unless `AWS_EC2_METADATA_SERVICE_ENDPOINT` says
//! otherwise (tests point it at loopback). `AWS_EC2_METADATA_DISABLED=true` removes the source.

use super::chain::Source;
use super::{AwsCredentials, LoadContext, http, parse_json_credentials};
use crate::client::Env;
use crate::error::Error;

const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";
const TOKEN_TTL_SECS: &str = "21600";
const CREDS_PATH: &str = "/latest/meta-data/iam/security-credentials/";

pub(crate) fn from_env(env: &Env) -> Result<Source, Error> {
    let endpoint = match env.get("AWS_EC2_METADATA_SERVICE_ENDPOINT") {
        Some(e) => {
            let url = reqwest::Url::parse(e).map_err(|err| {
                Error::credentials(format!(
                    "AWS_EC2_METADATA_SERVICE_ENDPOINT is not a URL: {err}"
                ))
            })?;
            url.as_str().trim_end_matches('/').to_owned()
        }
        None if env
            .get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
            .is_some_and(|m| m.eq_ignore_ascii_case("ipv6")) =>
        {
            IPV6_ENDPOINT.to_owned()
        }
        None => DEFAULT_ENDPOINT.to_owned(),
    };
    Ok(Source::Imds { endpoint })
}

pub(crate) async fn load(endpoint: &str, ctx: &LoadContext) -> Result<AwsCredentials, Error> {
    let token = http::send(
        ctx.http
            .put(format!("{endpoint}/latest/api/token"))
            .header("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL_SECS),
        ctx.timeout,
        "IMDS token",
    )
    .await?;
    if !token.is_success() {
        return Err(Error::credentials(format!(
            "IMDS token: HTTP {} (IMDSv2 is required)",
            token.status
        )));
    }
    let token =
        String::from_utf8(token.body).map_err(|_| Error::credentials("IMDS token: not UTF-8"))?;
    let token = token.trim();
    if token.is_empty() || token.bytes().any(|b| b.is_ascii_control()) {
        return Err(Error::credentials("IMDS token: empty or malformed"));
    }
    let roles = http::send(
        ctx.http
            .get(format!("{endpoint}{CREDS_PATH}"))
            .header("x-aws-ec2-metadata-token", token),
        ctx.timeout,
        "IMDS role",
    )
    .await?;
    if roles.status == 404 {
        return Err(Error::credentials(
            "IMDS: this instance has no IAM role (instance profile) attached",
        ));
    }
    if !roles.is_success() {
        return Err(Error::credentials(format!(
            "IMDS role: HTTP {}",
            roles.status
        )));
    }
    let roles = String::from_utf8_lossy(&roles.body);
    let role = roles
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if role.is_empty()
        || !role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
    {
        return Err(Error::credentials("IMDS role: empty or invalid role name"));
    }
    let creds = http::send(
        ctx.http
            .get(format!("{endpoint}{CREDS_PATH}{role}"))
            .header("x-aws-ec2-metadata-token", token),
        ctx.timeout,
        "IMDS credentials",
    )
    .await?;
    if !creds.is_success() {
        return Err(Error::credentials(format!(
            "IMDS credentials: HTTP {}",
            creds.status
        )));
    }
    parse_json_credentials(&creds.body, "IMDS credentials", "imds")
}
