//! `credential_process`: run a command and read its JSON output.
//!
//! The command runs through the platform shell (`sh -c` / `cmd /C`), its standard output is read up
//! to [`MAX_OUTPUT`] bytes, and it is killed when it outlives the load timeout. The output is
//! `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{AwsCredentials, LoadContext, parse_json_credentials};
use crate::error::Error;

/// The most output read from the process (bytes).
pub(crate) const MAX_OUTPUT: u64 = 64 * 1024;

/// Runs `command` and parses its output.
pub(crate) async fn load(command: &str, ctx: &LoadContext) -> Result<AwsCredentials, Error> {
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::credentials(format!("credential_process: cannot start: {e}")))?;
    let Some(stdout) = child.stdout.take() else {
        return Err(Error::credentials("credential_process: no standard output"));
    };
    let reader = tokio::task::spawn_blocking(move || {
        let mut buf = Vec::new();
        stdout
            .take(MAX_OUTPUT + 1)
            .read_to_end(&mut buf)
            .map(|_| buf)
    });
    let status = async {
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok(status),
                Ok(None) => tokio::time::sleep(Duration::from_millis(10)).await,
                Err(e) => return Err(e),
            }
        }
    };
    let status = match tokio::time::timeout(ctx.timeout, status).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => {
            return Err(Error::credentials(format!(
                "credential_process: wait failed: {e}"
            )));
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::credentials(format!(
                "credential_process: did not finish within {} ms",
                ctx.timeout.as_millis()
            )));
        }
    };
    // A grandchild may keep the pipe open after the command exits: bound the read too.
    let output = tokio::time::timeout(ctx.timeout, reader)
        .await
        .map_err(|_| {
            Error::credentials("credential_process: its output was not closed within the timeout")
        })?
        .map_err(|e| Error::credentials(format!("credential_process: reader failed: {e}")))?
        .map_err(|e| Error::credentials(format!("credential_process: reading output: {e}")))?;
    if !status.success() {
        return Err(Error::credentials(format!(
            "credential_process: exited with {status}"
        )));
    }
    if output.len() as u64 > MAX_OUTPUT {
        return Err(Error::credentials(format!(
            "credential_process: output larger than {MAX_OUTPUT} bytes"
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&output).map_err(|e| {
        Error::credentials(format!(
            "credential_process: {}",
            super::http::json_failure(&e)
        ))
    })?;
    match v.get("Version").and_then(serde_json::Value::as_u64) {
        Some(1) => {}
        other => {
            return Err(Error::credentials(format!(
                "credential_process: unsupported Version {other:?} (expected 1)"
            )));
        }
    }
    parse_json_credentials(&output, "credential_process", "credential_process")
}
