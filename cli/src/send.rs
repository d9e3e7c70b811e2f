//! `sign --send`: send a signed request and print the response (event streams decoded).

use std::io::Write;

use crate::Failure;
use crate::sign::Input;

fn is_loopback_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    matches!(host, "127.0.0.1" | "localhost" | "[::1]")
}

pub(crate) async fn send_signed(
    input: &Input,
    signed: &bedrock_wire::sigv4::SigningOutput,
) -> Result<(), Failure> {
    if !input.url.starts_with("https://") && !is_loopback_url(&input.url) {
        return Err(Failure::op(format!(
            "refusing to send credentials over plain http to {}: use https, or a loopback address",
            input.url
        )));
    }
    let http = bedrock_wire::client::http_client_builder()
        .and_then(|b| {
            b.build().map_err(|e| {
                bedrock_wire::error::Error::configuration(format!(
                    "cannot build the HTTP client: {e}"
                ))
            })
        })
        .map_err(|e| crate::client_failure(&e))?;
    let method = reqwest::Method::from_bytes(input.method.as_bytes())
        .map_err(|_| Failure::op(format!("bad method {:?}", input.method)))?;
    let mut req = http.request(method, &input.url).body(input.body.clone());
    for (n, v) in &input.headers {
        if !signed
            .headers
            .iter()
            .any(|(s, _)| s.eq_ignore_ascii_case(n))
        {
            req = req.header(n.as_str(), v.as_str());
        }
    }
    for (n, v) in &signed.headers {
        req = req.header(*n, v.as_str());
    }
    let mut resp = req
        .send()
        .await
        .map_err(|e| Failure::op(format!("request failed: {e}")))?;
    eprintln!("HTTP {}", resp.status());
    for (n, v) in resp.headers() {
        eprintln!("{n}: {}", v.to_str().unwrap_or("<binary>"));
    }
    let is_stream = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("vnd.amazon.eventstream"));
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| Failure::op(format!("the response was cut: {e}")))?
    {
        body.extend_from_slice(&chunk);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if is_stream {
        crate::decode::decode_to(&body, true, &mut out)?;
    } else {
        out.write_all(&body)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| Failure::io("stdout", &e))?;
    }
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(Failure::silent(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_urls() {
        assert!(is_loopback_url("http://127.0.0.1:8080/x"));
        assert!(is_loopback_url("http://localhost/x"));
        assert!(!is_loopback_url("http://example.com/x"));
        assert!(!is_loopback_url("http://127.0.0.1.evil.com/x"));
        assert!(!is_loopback_url("https://127.0.0.1/x"));
    }
}
