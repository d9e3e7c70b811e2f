//! `bedrock-wire sign`: sign a request by hand (what awscurl does), print it as curl, as JSON,
//! or send it.

use serde_json::json;

use crate::Failure;
use crate::args::{Spec, UsageError};

pub(crate) const SPEC: Spec = Spec {
    values: &[
        ("--method", Some("-X")),
        ("--url", None),
        ("-H", Some("--header")),
        ("--data", Some("-d")),
        ("--data-file", None),
        ("--region", None),
        ("--service", None),
        ("--date", None),
        ("--profile", None),
    ],
    switches: &["--json", "--send"],
};

pub(crate) const HELP: &str = "\
bedrock-wire sign --url URL [options]
  Sign an HTTP request with AWS SigV4 (credentials from the usual chain, environment first).
  --method, -X M       HTTP method (default: POST with data, else GET)
  --url URL            the wire URL, already percent-encoded (e.g. .../model/x-v1%3A0/converse)
  -H 'Name: value'     a request header (repeatable, order kept)
  --data STR | --data-file FILE   the body
  --region R           signing region (default: from the URL host, else AWS_REGION, else us-east-1)
  --service S          signing name (default: bedrock)
  --date YYYYMMDDTHHMMSSZ   signing time (default: now)
  --profile P          shared-config profile for credentials
  --json               print {canonical_request, string_to_sign, signature, headers}
                       (the session token shown as <redacted>)
  --send               send the signed request and print the response (event streams decoded)
  Default output: a ready-to-run curl command.";

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    let env = bedrock_wire::client::Env::from_process();
    let now = crate::now();
    let input = parse_input(
        &args,
        env.get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .map(ToString::to_string),
        now,
    )?;
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let mut builder = bedrock_wire::client::Client::builder()
            .env(env)
            .region(input.region.clone())
            .auth_mode(bedrock_wire::credentials::AuthMode::SigV4);
        if let Some(p) = args.value("--profile") {
            builder = builder.profile(p);
        }
        let client = builder.build().map_err(|e| crate::client_failure(&e))?;
        let creds = match client.auth().await.map_err(|e| crate::client_failure(&e))? {
            bedrock_wire::sigv4::Auth::SigV4(c) => c,
            bedrock_wire::sigv4::Auth::Bearer(_) => {
                return Err(Failure::op(
                    "sign needs SigV4 credentials, but only a bearer key was found; \
                     set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a profile",
                ));
            }
        };
        let out = sign(&input, &creds)?;
        if args.flag("--send") {
            return crate::send::send_signed(&input, &out).await;
        }
        if args.flag("--json") {
            println!("{}", json_output(&out));
        } else {
            println!("{}", curl_command(&input, &out));
        }
        Ok(())
    })
}

/// A request to sign, as given on the command line.
#[derive(Debug)]
pub(crate) struct Input {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) time: std::time::SystemTime,
}

/// The region in a `*.{region}.amazonaws.com` style host, if it has one.
pub(crate) fn region_from_url(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split(['/', ':', '?']).next()?;
    let labels: Vec<&str> = host.split('.').collect();
    // service[-fips].{region}.amazonaws.com[.cn] | service.{region}.api.aws
    let region = labels.get(1)?;
    let looks_like_region = region.split('-').count() >= 3
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    looks_like_region.then(|| (*region).to_string())
}

fn parse_header(h: &str) -> Result<(String, String), UsageError> {
    let (name, value) = h
        .split_once(':')
        .ok_or_else(|| UsageError(format!("-H {h:?}: expected 'Name: value'")))?;
    Ok((name.trim().to_string(), value.trim().to_string()))
}

pub(crate) fn parse_input(
    args: &crate::args::Args,
    env_region: Option<String>,
    now: std::time::SystemTime,
) -> Result<Input, Failure> {
    let url = args
        .value("--url")
        .ok_or_else(|| UsageError("sign needs --url".into()))?
        .to_string();
    let body = match (args.value("--data"), args.value("--data-file")) {
        (Some(_), Some(_)) => {
            return Err(UsageError("give --data or --data-file, not both".into()).into());
        }
        (Some(d), None) => d.as_bytes().to_vec(),
        (None, Some(f)) => std::fs::read(f).map_err(|e| Failure::io(f, &e))?,
        (None, None) => Vec::new(),
    };
    let method = args.value("--method").map_or_else(
        || if body.is_empty() { "GET" } else { "POST" }.to_string(),
        str::to_ascii_uppercase,
    );
    let headers = args
        .all("-H")
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let time = match args.value("--date") {
        Some(d) => bedrock_wire::sigv4::parse_amz_date(d)
            .map_err(|e| UsageError(format!("--date {d:?}: {e}")))?,
        None => now,
    };
    let region = args
        .value("--region")
        .map(ToString::to_string)
        .or_else(|| region_from_url(&url))
        .or(env_region)
        .unwrap_or_else(|| "us-east-1".to_string());
    Ok(Input {
        method,
        url,
        headers,
        body,
        region,
        service: args.value("--service").unwrap_or("bedrock").to_string(),
        time,
    })
}

/// Signs `input`.
pub(crate) fn sign(
    input: &Input,
    creds: &bedrock_wire::sigv4::Credentials,
) -> Result<bedrock_wire::sigv4::SigningOutput, Failure> {
    let headers: Vec<(&str, &str)> = input
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = bedrock_wire::sigv4::SignableRequest {
        method: &input.method,
        url: &input.url,
        headers: &headers,
        body: bedrock_wire::sigv4::SignableBody::Bytes(&input.body),
    };
    let params = bedrock_wire::sigv4::SigningParams {
        region: &input.region,
        service: &input.service,
        time: input.time,
        settings: bedrock_wire::crypto::signing_settings(),
    };
    bedrock_wire::sigv4::sign(&request, &params, creds)
        .map_err(|e| Failure::op(format!("cannot sign the request: {e}")))
}

/// The `--json` document. The session token is a secret: it is shown as `<redacted>` in the
/// canonical request and in the added headers (the curl command, meant to be run, carries it).
pub(crate) fn json_output(out: &bedrock_wire::sigv4::SigningOutput) -> serde_json::Value {
    json!({
        "canonical_request": out.redacted_canonical_request(),
        "string_to_sign": out.string_to_sign,
        "signature": out.signature,
        "headers": out
            .headers
            .iter()
            .map(|(n, v)| {
                if *n == "x-amz-security-token" {
                    json!([n, "<redacted>"])
                } else {
                    json!([n, v])
                }
            })
            .collect::<Vec<_>>(),
    })
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A ready-to-run curl command.
pub(crate) fn curl_command(input: &Input, out: &bedrock_wire::sigv4::SigningOutput) -> String {
    use std::fmt::Write as _;
    let mut cmd = format!("curl -sS -X {} {}", input.method, shell_quote(&input.url));
    for (n, v) in &input.headers {
        if out
            .headers
            .iter()
            .any(|(added, _)| added.eq_ignore_ascii_case(n))
        {
            continue;
        }
        let _ = write!(cmd, " \\\n  -H {}", shell_quote(&format!("{n}: {v}")));
    }
    for (n, v) in &out.headers {
        let _ = write!(cmd, " \\\n  -H {}", shell_quote(&format!("{n}: {v}")));
    }
    if !input.body.is_empty() {
        match std::str::from_utf8(&input.body) {
            Ok(s) => {
                let _ = write!(cmd, " \\\n  --data-binary {}", shell_quote(s));
            }
            Err(_) => cmd.push_str(" \\\n  --data-binary @BODY_FILE"),
        }
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_from_hosts() {
        assert_eq!(
            region_from_url("https://bedrock-runtime.eu-west-3.amazonaws.com/model/x/converse")
                .as_deref(),
            Some("eu-west-3")
        );
        assert_eq!(
            region_from_url("https://bedrock-runtime-fips.us-gov-west-1.amazonaws.com/").as_deref(),
            Some("us-gov-west-1")
        );
        assert_eq!(
            region_from_url("http://127.0.0.1:8080/model/x/converse"),
            None
        );
        assert_eq!(region_from_url("https://example.amazonaws.com/"), None);
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
    }
}
