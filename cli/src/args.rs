//! A small command-line parser: flags with values, boolean switches, repeatable flags and
//! positional arguments, with a usage error that names the offending argument.

use std::collections::HashMap;

/// A usage error: exit status 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

/// The parsed arguments of one subcommand.
#[derive(Debug, Default)]
pub(crate) struct Args {
    values: HashMap<&'static str, Vec<String>>,
    switches: Vec<&'static str>,
    /// Positional arguments, in order.
    pub(crate) positional: Vec<String>,
}

/// What a subcommand accepts.
#[derive(Debug)]
pub(crate) struct Spec {
    /// Flags that take a value (`--name VALUE` or `--name=VALUE`), with short aliases.
    pub(crate) values: &'static [(&'static str, Option<&'static str>)],
    /// Boolean switches.
    pub(crate) switches: &'static [&'static str],
}

impl Spec {
    pub(crate) fn parse(&self, argv: &[String]) -> Result<Args, UsageError> {
        let mut args = Args::default();
        let mut i = 0;
        let mut only_positional = false;
        while i < argv.len() {
            let arg = &argv[i];
            i += 1;
            if only_positional || arg == "-" || !arg.starts_with('-') {
                args.positional.push(arg.clone());
                continue;
            }
            if arg == "--" {
                only_positional = true;
                continue;
            }
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            if let Some(&(long, _)) = self
                .values
                .iter()
                .find(|(long, short)| *long == name || *short == Some(name))
            {
                let value = if let Some(v) = inline {
                    v
                } else {
                    let v = argv
                        .get(i)
                        .ok_or_else(|| UsageError(format!("{name} needs a value")))?;
                    i += 1;
                    v.clone()
                };
                args.values.entry(long).or_default().push(value);
            } else if let Some(&switch) = self.switches.iter().find(|s| **s == name) {
                if inline.is_some() {
                    return Err(UsageError(format!("{name} takes no value")));
                }
                args.switches.push(switch);
            } else {
                return Err(UsageError(format!("unknown option {arg}")));
            }
        }
        Ok(args)
    }
}

impl Args {
    /// The last value given for a flag.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag, in order.
    pub(crate) fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether a switch was given.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.switches.contains(&name)
    }

    /// A flag's value parsed as `T`.
    pub(crate) fn parsed<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, UsageError> {
        self.value(name)
            .map(|v| {
                v.parse()
                    .map_err(|_| UsageError(format!("{name}: cannot parse {v:?}")))
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        values: &[("--model", Some("-m")), ("-H", None)],
        switches: &["--json"],
    };

    fn argv(s: &[&str]) -> Vec<String> {
        s.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn parses_values_switches_and_positionals() {
        let a = SPEC
            .parse(&argv(&[
                "hi",
                "-m",
                "x",
                "--json",
                "-H",
                "a: b",
                "-H",
                "c: d",
                "--model=y",
                "--",
                "--json",
            ]))
            .unwrap();
        assert_eq!(a.value("--model"), Some("y"));
        assert_eq!(a.all("-H"), ["a: b", "c: d"]);
        assert!(a.flag("--json"));
        assert_eq!(a.positional, ["hi", "--json"]);
    }

    #[test]
    fn rejects_unknown_and_missing() {
        assert!(SPEC.parse(&argv(&["--nope"])).is_err());
        assert!(SPEC.parse(&argv(&["--model"])).is_err());
        assert!(SPEC.parse(&argv(&["--json=1"])).is_err());
    }
}
