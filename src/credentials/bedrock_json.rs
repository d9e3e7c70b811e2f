//! `bedrock.json` in the working directory: `{"profile": "...", "region": "..."}`.
//!
//! The file names a profile of the shared files and a region (as the OneLLM provider reads it). It
//! holds no secrets; its profile is used when neither the builder nor `AWS_PROFILE` names one.

use crate::client::Env;
use crate::error::Error;

/// The largest `bedrock.json` read (bytes).
pub const MAX_SIZE: u64 = 64 * 1024;

/// The contents of `bedrock.json`.
///
/// ```
/// use bedrock_wire::credentials::bedrock_json::BedrockJson;
/// let b = BedrockJson::parse(br#"{"profile":"work","region":"eu-west-3"}"#).unwrap();
/// assert_eq!(b.profile.as_deref(), Some("work"));
/// assert_eq!(b.region.as_deref(), Some("eu-west-3"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BedrockJson {
    /// The profile name.
    pub profile: Option<String>,
    /// The region.
    pub region: Option<String>,
}

impl BedrockJson {
    /// Parses the file's bytes.
    pub fn parse(bytes: &[u8]) -> Result<Self, Error> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| Error::configuration(format!("bedrock.json is not valid JSON: {e}")))?;
        let s = |k: &str| {
            v.get(k)
                .and_then(serde_json::Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        Ok(Self {
            profile: s("profile"),
            region: s("region"),
        })
    }

    /// Reads `bedrock.json` from the environment's working directory; absent means empty.
    pub fn load(env: &Env) -> Result<Self, Error> {
        let Some(path) = env.cwd().map(|d| d.join("bedrock.json")) else {
            return Ok(Self::default());
        };
        match super::profile::read_bounded(&path, MAX_SIZE) {
            Ok(text) => Self::parse(text.as_bytes()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(Error::configuration(format!(
                "cannot read {}: {e}",
                path.display()
            ))),
        }
    }
}
