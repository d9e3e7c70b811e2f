//! The process environment, read in one place.
//!
//! Everything that consults environment variables, the home directory or the working directory
//! takes an [`Env`]. [`Env::from_process`] snapshots the real environment once; tests build one
//! explicitly and never mutate the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A snapshot of environment variables, the home directory and the working directory.
///
/// ```
/// use bedrock_wire::client::Env;
/// let env = Env::empty()
///     .with_var("AWS_REGION", "eu-west-1")
///     .with_var("AWS_PROFILE", "")
///     .with_home("/home/me");
/// assert_eq!(env.get("AWS_REGION"), Some("eu-west-1"));
/// assert_eq!(env.get("AWS_PROFILE"), None); // empty means unset
/// assert_eq!(env.home().map(|p| p.to_str()), Some(Some("/home/me")));
/// ```
#[derive(Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    home: Option<PathBuf>,
    cwd: Option<PathBuf>,
}

impl Env {
    /// An empty environment: no variables, no home, no working directory.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Snapshots the real process environment (variables that are valid UTF-8), the home
    /// directory (`HOME`, else `USERPROFILE`) and the working directory.
    pub fn from_process() -> Self {
        let vars: BTreeMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = vars
            .get("HOME")
            .or_else(|| vars.get("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Self {
            vars,
            home,
            cwd: std::env::current_dir().ok(),
        }
    }

    /// An environment from name/value pairs (home taken from `HOME` if present).
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut env = Self::empty();
        for (k, v) in pairs {
            env = env.with_var(k, v);
        }
        env
    }

    /// Sets a variable (setting `HOME` also sets the home directory).
    #[must_use]
    pub fn with_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        if name == "HOME" && !value.is_empty() {
            self.home = Some(PathBuf::from(&value));
        }
        self.vars.insert(name, value);
        self
    }

    /// Removes a variable.
    #[must_use]
    pub fn without_var(mut self, name: &str) -> Self {
        self.vars.remove(name);
        self
    }

    /// Sets the home directory (where `~/.aws` lives).
    #[must_use]
    pub fn with_home(mut self, home: impl Into<PathBuf>) -> Self {
        self.home = Some(home.into());
        self
    }

    /// Sets the working directory (where `bedrock.json` is looked for).
    #[must_use]
    pub fn with_cwd(mut self, cwd: impl Into<PathBuf>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// A variable's value; an empty value counts as unset.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    /// A boolean variable: `true`/`1`/`yes` or `false`/`0`/`no` (case-insensitive); else `None`.
    pub fn flag(&self, name: &str) -> Option<bool> {
        parse_bool(self.get(name)?)
    }

    /// The home directory.
    pub fn home(&self) -> Option<&Path> {
        self.home.as_deref()
    }

    /// The working directory.
    pub fn cwd(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }
}

/// Parses `true`/`1`/`yes`/`false`/`0`/`no`.
pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

impl fmt::Debug for Env {
    /// Lists variable names only: values may be secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Env")
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("home", &self.home)
            .field("cwd", &self.cwd)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_names_not_values() {
        let env = Env::empty().with_var("AWS_SECRET_ACCESS_KEY", "planted-secret-value");
        let dbg = format!("{env:?}");
        assert!(dbg.contains("AWS_SECRET_ACCESS_KEY"));
        assert!(!dbg.contains("planted-secret-value"));
    }

    #[test]
    fn flags() {
        let env = Env::from_pairs([("A", "TRUE"), ("B", "0"), ("C", "maybe")]);
        assert_eq!(env.flag("A"), Some(true));
        assert_eq!(env.flag("B"), Some(false));
        assert_eq!(env.flag("C"), None);
        assert_eq!(env.flag("D"), None);
    }
}
