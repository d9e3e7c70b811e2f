//! STS `AssumeRole` (signed with this project's signer) and `AssumeRoleWithWebIdentity`
//! (unsigned), with the XML response read by the bounded reader in [`super::xml`].
//!
//! The endpoint is `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the regional
//! `https://sts.{region}.{suffix}`.

use std::time::SystemTime;

use super::{AwsCredentials, LoadContext, http, parse_rfc3339, xml};
use crate::error::Error;

const VERSION: &str = "2011-06-15";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

/// The parameters of an AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
    pub(crate) region: Option<String>,
}

pub(crate) fn endpoint(ctx: &LoadContext, region: &str) -> Result<String, Error> {
    if let Some(custom) = ctx
        .env
        .get("AWS_ENDPOINT_URL_STS")
        .or_else(|| ctx.env.get("AWS_ENDPOINT_URL"))
    {
        return crate::endpoint::validate_custom(custom, false)
            .map(|u| format!("{u}/"))
            .map_err(|e| Error::credentials(format!("STS endpoint: {}", e.message())));
    }
    if !crate::endpoint::valid_region(region) {
        return Err(Error::credentials(format!(
            "STS: invalid region {region:?}"
        )));
    }
    Ok(format!(
        "https://sts.{region}.{}/",
        crate::endpoint::dns_suffix(region, false)
    ))
}

fn session_name(given: Option<&str>, now: SystemTime) -> String {
    given.map_or_else(
        || {
            let secs = now
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            format!("bedrock-wire-{secs}")
        },
        str::to_owned,
    )
}

/// Calls AssumeRole with `base` credentials.
pub(crate) async fn assume_role(
    params: &AssumeRole,
    base: &sigv4::Credentials,
    ctx: &LoadContext,
) -> Result<AwsCredentials, Error> {
    let region = params.region.as_deref().unwrap_or(&ctx.region);
    let url = endpoint(ctx, region)?;
    let now = ctx.clock.now();
    let mut body = format!(
        "Action=AssumeRole&Version={VERSION}&RoleArn={}&RoleSessionName={}",
        http::form_encode(&params.role_arn),
        http::form_encode(&session_name(params.session_name.as_deref(), now)),
    );
    if let Some(id) = &params.external_id {
        body.push_str("&ExternalId=");
        body.push_str(&http::form_encode(id));
    }
    if let Some(d) = params.duration_seconds {
        body.push_str("&DurationSeconds=");
        body.push_str(&d.to_string());
    }
    let headers = [("content-type", FORM)];
    let signable = sigv4::SignableRequest {
        method: "POST",
        url: &url,
        headers: &headers,
        body: sigv4::SignableBody::Bytes(body.as_bytes()),
    };
    let signing = sigv4::SigningParams {
        region,
        service: "sts",
        time: now,
        settings: crate::crypto::signing_settings(),
    };
    let out = sigv4::sign(&signable, &signing, base)
        .map_err(|e| Error::credentials(format!("STS AssumeRole: cannot sign: {e}")))?;
    let mut req = ctx.http.post(&url).header("content-type", FORM);
    for (name, value) in &out.headers {
        req = req.header(*name, value);
    }
    let reply = http::send(req.body(body), ctx.timeout, "STS AssumeRole").await?;
    parse_response(&reply, "STS AssumeRole", "assume_role")
}

/// Calls AssumeRoleWithWebIdentity (unsigned).
pub(crate) async fn assume_role_with_web_identity(
    role_arn: &str,
    session: Option<&str>,
    token: &str,
    region: Option<&str>,
    ctx: &LoadContext,
) -> Result<AwsCredentials, Error> {
    let region = region.unwrap_or(&ctx.region);
    let url = endpoint(ctx, region)?;
    let body = format!(
        "Action=AssumeRoleWithWebIdentity&Version={VERSION}&RoleArn={}&RoleSessionName={}&WebIdentityToken={}",
        http::form_encode(role_arn),
        http::form_encode(&session_name(session, ctx.clock.now())),
        http::form_encode(token),
    );
    let req = ctx.http.post(&url).header("content-type", FORM).body(body);
    let reply = http::send(req, ctx.timeout, "STS AssumeRoleWithWebIdentity").await?;
    parse_response(&reply, "STS AssumeRoleWithWebIdentity", "web_identity")
}

/// Reads an STS reply: credentials on success, `Error/Code` and `Error/Message` otherwise.
pub(crate) fn parse_response(
    reply: &http::Reply,
    what: &str,
    source: &'static str,
) -> Result<AwsCredentials, Error> {
    let doc = xml::parse(&reply.body)
        .map_err(|e| Error::credentials(format!("{what}: unreadable XML response: {e}")))?;
    if !reply.is_success() {
        let code = doc.get("Error/Code").unwrap_or("unknown");
        let message = doc.get("Error/Message").unwrap_or("");
        return Err(Error::credentials(format!(
            "{what}: HTTP {} {code}: {message}",
            reply.status
        )));
    }
    let field = |name: &str| {
        doc.get(&format!("Credentials/{name}"))
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::credentials(format!("{what}: response lacks Credentials/{name}")))
    };
    let ak = field("AccessKeyId")?;
    let sk = field("SecretAccessKey")?;
    let token = field("SessionToken")?;
    let exp = field("Expiration")?;
    let expires_at = parse_rfc3339(exp)
        .map_err(|e| Error::credentials(format!("{what}: Expiration {exp:?}: {e}")))?;
    Ok(AwsCredentials::new(
        sigv4::Credentials::new(ak, sk, Some(token.to_owned())),
        Some(expires_at),
        source,
    ))
}
