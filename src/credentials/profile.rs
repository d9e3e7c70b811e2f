//! The shared config and credentials files (`~/.aws/config`, `~/.aws/credentials`).
//!
//! Only the parsing and profile selection live here; what a profile's keys mean
//! (static keys, `credential_process`, `role_arn`, SSO, web identity) is decided in
//! [`super::Source`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::client::Env;
use crate::error::Error;

/// The largest config or credentials file read (bytes).
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// One profile's properties (keys lower-cased).
pub type Properties = BTreeMap<String, String>;

/// The parsed shared files: profiles and `[sso-session]` sections.
///
/// ```
/// use bedrock_wire::credentials::profile::ProfileSet;
/// let set = ProfileSet::parse(
///     "[default]\nregion = eu-west-1\n[profile dev]\nrole_arn = arn:aws:iam::1:role/r\n",
///     "[dev]\naws_access_key_id = AKIDEXAMPLE\n",
/// );
/// assert_eq!(set.get("default", "region"), Some("eu-west-1"));
/// assert_eq!(set.get("dev", "aws_access_key_id"), Some("AKIDEXAMPLE"));
/// ```
#[derive(Clone, Default)]
pub struct ProfileSet {
    profiles: BTreeMap<String, Properties>,
    sso_sessions: BTreeMap<String, Properties>,
}

impl std::fmt::Debug for ProfileSet {
    /// Names only: property values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileSet")
            .field("profiles", &self.profiles.keys().collect::<Vec<_>>())
            .field(
                "sso_sessions",
                &self.sso_sessions.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl ProfileSet {
    /// Parses the config file text and the credentials file text (credentials win per key).
    pub fn parse(config: &str, credentials: &str) -> Self {
        let mut set = Self::default();
        for (header, props) in sections(config) {
            let header = header.trim();
            if header == "default" {
                set.profiles
                    .entry("default".into())
                    .or_default()
                    .extend(props);
            } else if let Some(name) = strip_kind(header, "profile") {
                set.profiles.entry(name.into()).or_default().extend(props);
            } else if let Some(name) = strip_kind(header, "sso-session") {
                set.sso_sessions
                    .entry(name.into())
                    .or_default()
                    .extend(props);
            }
            // Other sections (`[services x]`, bare names in the config file) are ignored.
        }
        for (header, props) in sections(credentials) {
            let name = header.trim();
            if !name.is_empty() && !name.contains(char::is_whitespace) {
                set.profiles.entry(name.into()).or_default().extend(props);
            }
        }
        set
    }

    /// Reads the files named by `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else
    /// `~/.aws/config` and `~/.aws/credentials`. Missing files are empty; unreadable or oversized
    /// files are errors.
    pub fn load(env: &Env) -> Result<Self, Error> {
        let config = read_optional(config_path(env, "AWS_CONFIG_FILE", "config").as_deref())?;
        let creds = read_optional(
            config_path(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials").as_deref(),
        )?;
        Ok(Self::parse(&config, &creds))
    }

    /// A property of a profile.
    pub fn get(&self, profile: &str, key: &str) -> Option<&str> {
        self.profiles
            .get(profile)?
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A profile's properties.
    pub fn profile(&self, name: &str) -> Option<&Properties> {
        self.profiles.get(name)
    }

    /// An `[sso-session name]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Properties> {
        self.sso_sessions.get(name)
    }

    /// Profile names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.profiles.keys().map(String::as_str)
    }
}

fn strip_kind<'a>(header: &'a str, kind: &str) -> Option<&'a str> {
    let rest = header.strip_prefix(kind)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty()).then_some(name)
}

fn config_path(env: &Env, var: &str, file: &str) -> Option<PathBuf> {
    if let Some(p) = env.get(var) {
        return Some(expand_home(p, env));
    }
    env.home().map(|h| h.join(".aws").join(file))
}

/// Expands a leading `~/` with the environment's home directory.
pub(crate) fn expand_home(path: &str, env: &Env) -> PathBuf {
    match (
        path.strip_prefix("~/").or_else(|| path.strip_prefix("~\\")),
        env.home(),
    ) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// Reads a small UTF-8 file, bounded by `MAX_FILE_SIZE`; a missing file is empty.
pub(crate) fn read_optional(path: Option<&Path>) -> Result<String, Error> {
    let Some(path) = path else {
        return Ok(String::new());
    };
    match read_bounded(path, MAX_FILE_SIZE) {
        Ok(s) => Ok(s),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(Error::credentials(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Reads a UTF-8 file of at most `limit` bytes.
pub(crate) fn read_bounded(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    file.take(limit + 1).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("file is larger than {limit} bytes"),
        ));
    }
    String::from_utf8(buf)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "file is not UTF-8"))
}

/// Splits INI text into `(section header, properties)`. Comments start with `#` or `;`; inline
/// comments need whitespace before them; indented lines continue a sub-property and are skipped.
fn sections(text: &str) -> Vec<(String, Properties)> {
    let mut out: Vec<(String, Properties)> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if trimmed.starts_with('[') {
            let header = trimmed
                .strip_prefix('[')
                .and_then(|r| r.split(']').next())
                .unwrap_or("");
            out.push((header.trim().to_owned(), Properties::new()));
            continue;
        }
        if line.starts_with(char::is_whitespace) {
            continue; // a sub-property or continuation line
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            continue;
        };
        let Some((_, props)) = out.last_mut() else {
            continue; // a property before any section
        };
        props.insert(
            key.trim().to_ascii_lowercase(),
            strip_inline_comment(value).to_owned(),
        );
    }
    out
}

fn strip_inline_comment(value: &str) -> &str {
    let mut end = value.len();
    let bytes = value.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if (*b == b'#' || *b == b';')
            && i > 0
            && bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace)
        {
            end = i;
            break;
        }
    }
    value.get(..end).unwrap_or(value).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_comments_and_subproperties() {
        let config = "\
# comment
[default]
region = us-west-2 # trailing
s3 =
  max_concurrent_requests = 10
output=json

[profile dev]
Role_Arn = arn:aws:iam::123456789012:role/dev
source_profile = default
[profile  spaced ]
region=ap-south-1
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
[services x]
region = nope
[bare]
region = ignored
";
        let creds =
            "[default]\naws_access_key_id=AKID\naws_secret_access_key = SECRET;notcomment\n";
        let set = ProfileSet::parse(config, creds);
        assert_eq!(set.get("default", "region"), Some("us-west-2"));
        assert_eq!(set.get("default", "output"), Some("json"));
        assert_eq!(set.get("default", "max_concurrent_requests"), None);
        assert_eq!(
            set.get("default", "aws_secret_access_key"),
            Some("SECRET;notcomment")
        );
        assert_eq!(
            set.get("dev", "role_arn"),
            Some("arn:aws:iam::123456789012:role/dev")
        );
        assert_eq!(set.get("spaced", "region"), Some("ap-south-1"));
        assert_eq!(
            set.sso_session("corp")
                .and_then(|p| p.get("sso_region"))
                .map(String::as_str),
            Some("us-east-1")
        );
        assert!(set.profile("bare").is_none());
        assert!(!format!("{set:?}").contains("SECRET"));
    }

    #[test]
    fn oversized_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("bw-profile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let path = dir.join("big");
        std::fs::write(&path, vec![b'a'; 2 * 1024 * 1024]).ok();
        assert!(read_optional(Some(&path)).is_err());
        assert_eq!(
            read_optional(Some(&dir.join("missing"))).ok(),
            Some(String::new())
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
