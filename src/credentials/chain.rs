//! What a profile or the environment says to load, and loading it.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use super::container::ContainerConfig;
use super::profile::{ProfileSet, expand_home};
use super::sso::SsoConfig;
use super::sts::AssumeRole;
use super::{AwsCredentials, LoadContext};
use crate::client::Env;
use crate::error::Error;

/// The longest chain of `source_profile` hops followed.
pub(crate) const MAX_ROLE_CHAIN: usize = 8;
const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// A credential source, decided from the settings, the environment and the shared files.
///
/// Deciding reads no network; [`Source::load`] does the I/O.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Source {
    /// Fixed credentials (builder, environment, profile keys).
    Static(AwsCredentials),
    /// `credential_process`.
    Process {
        /// The command line.
        command: String,
    },
    /// STS AssumeRole with credentials from `base`.
    AssumeRole {
        /// The call's parameters.
        params: AssumeRole,
        /// Where the calling credentials come from.
        base: Box<Source>,
    },
    /// STS AssumeRoleWithWebIdentity with a token read from a file on every load.
    WebIdentity {
        /// The token file.
        token_file: PathBuf,
        /// The role to assume.
        role_arn: String,
        /// The session name.
        session_name: Option<String>,
        /// The STS region.
        region: Option<String>,
    },
    /// IAM Identity Center.
    Sso(SsoConfig),
    /// ECS / EKS container credentials.
    Container(ContainerConfig),
    /// EC2 instance metadata at this endpoint.
    Imds {
        /// The IMDS base URL.
        endpoint: String,
    },
}

impl Source {
    /// A one-line, secret-free description.
    pub fn describe(&self) -> String {
        match self {
            Self::Static(c) => format!(
                "static credentials from {} (access key {})",
                c.source(),
                c.credentials().access_key_id()
            ),
            Self::Process { .. } => "credential_process".into(),
            Self::AssumeRole { params, base } => {
                format!("role {} assumed with {}", params.role_arn, base.describe())
            }
            Self::WebIdentity { role_arn, .. } => format!("web identity for role {role_arn}"),
            Self::Sso(c) => format!("SSO role {} in account {}", c.role_name, c.account_id),
            Self::Container(c) => format!("container credentials from {}", c.uri),
            Self::Imds { endpoint } => format!("instance metadata at {endpoint}"),
        }
    }

    /// Whether the credentials never change (no caching or refresh needed).
    pub fn is_static(&self) -> bool {
        matches!(self, Self::Static(c) if c.expires_at().is_none())
    }

    /// Loads credentials (one attempt, bounded by the context's timeout per call).
    pub fn load<'a>(
        &'a self,
        ctx: &'a LoadContext,
    ) -> Pin<Box<dyn Future<Output = Result<AwsCredentials, Error>> + Send + 'a>> {
        Box::pin(async move {
            match self {
                Self::Static(c) => Ok(c.clone()),
                Self::Process { command } => super::process::load(command, ctx).await,
                Self::AssumeRole { params, base } => {
                    let base = base.load(ctx).await?;
                    super::sts::assume_role(params, base.credentials(), ctx).await
                }
                Self::WebIdentity {
                    token_file,
                    role_arn,
                    session_name,
                    region,
                } => {
                    let token =
                        super::profile::read_bounded(token_file, MAX_TOKEN_FILE).map_err(|e| {
                            Error::credentials(format!(
                                "web identity: cannot read the token file {}: {e}",
                                token_file.display()
                            ))
                        })?;
                    super::sts::assume_role_with_web_identity(
                        role_arn,
                        session_name.as_deref(),
                        token.trim(),
                        region.as_deref(),
                        ctx,
                    )
                    .await
                }
                Self::Sso(cfg) => super::sso::load(cfg, ctx).await,
                Self::Container(cfg) => super::container::load(cfg, ctx).await,
                Self::Imds { endpoint } => super::imds::load(endpoint, ctx).await.map_err(|e| {
                    e.with_hint(
                        "instance metadata is the last credential source tried; elsewhere than on EC2, \
                         configure credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, \
                         AWS_BEARER_TOKEN_BEDROCK, `aws sso login`) or set AWS_EC2_METADATA_DISABLED=true",
                    )
                }),
            }
        })
    }
}

/// Web identity from `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`.
pub(crate) fn web_identity_from_env(
    env: &Env,
    profile_region: Option<&str>,
) -> Result<Option<Source>, Error> {
    let Some(file) = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") else {
        return Ok(None);
    };
    let role_arn = env.get("AWS_ROLE_ARN").ok_or_else(|| {
        Error::credentials("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not")
    })?;
    Ok(Some(Source::WebIdentity {
        token_file: expand_home(file, env),
        role_arn: role_arn.to_owned(),
        session_name: env.get("AWS_ROLE_SESSION_NAME").map(str::to_owned),
        region: env
            .get("AWS_REGION")
            .or_else(|| env.get("AWS_DEFAULT_REGION"))
            .or(profile_region)
            .map(str::to_owned),
    }))
}

/// The source a profile describes; `Ok(None)` when the profile is absent or has no credentials.
pub(crate) fn from_profile(
    files: &ProfileSet,
    name: &str,
    env: &Env,
) -> Result<Option<Source>, Error> {
    let mut visited = Vec::new();
    profile_source(files, name, env, &mut visited, false)
}

fn profile_source(
    files: &ProfileSet,
    name: &str,
    env: &Env,
    visited: &mut Vec<String>,
    as_source: bool,
) -> Result<Option<Source>, Error> {
    if files.profile(name).is_none() {
        return if as_source {
            Err(Error::credentials(format!(
                "source_profile {name:?} does not exist"
            )))
        } else {
            Ok(None)
        };
    }
    let get = |k: &str| files.get(name, k);
    let static_keys = || -> Result<Option<Source>, Error> {
        match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(ak), Some(sk)) => Ok(Some(Source::Static(AwsCredentials::new(
                sigv4::Credentials::new(ak, sk, get("aws_session_token").map(str::to_owned)),
                None,
                "profile",
            )))),
            (Some(_), None) => Err(Error::credentials(format!(
                "profile {name:?} has aws_access_key_id but no aws_secret_access_key"
            ))),
            _ => Ok(None),
        }
    };
    // A profile used as a source for itself (role chaining onto its own keys) uses its keys.
    if visited.iter().any(|v| v == name) {
        return match static_keys()? {
            Some(s) => Ok(Some(s)),
            None => Err(Error::credentials(format!(
                "profile {name:?}: source_profile chain loops back to it"
            ))),
        };
    }
    visited.push(name.to_owned());
    if visited.len() > MAX_ROLE_CHAIN {
        return Err(Error::credentials(format!(
            "profile {name:?}: role chain longer than {MAX_ROLE_CHAIN} profiles"
        )));
    }
    let region = get("region").map(str::to_owned);
    if let Some(role_arn) = get("role_arn") {
        let params = AssumeRole {
            role_arn: role_arn.to_owned(),
            session_name: get("role_session_name").map(str::to_owned),
            external_id: get("external_id").map(str::to_owned),
            duration_seconds: match get("duration_seconds") {
                Some(d) => Some(d.parse().map_err(|_| {
                    Error::credentials(format!(
                        "profile {name:?}: duration_seconds is not a number"
                    ))
                })?),
                None => None,
            },
            region: region.clone(),
        };
        if let Some(file) = get("web_identity_token_file") {
            return Ok(Some(Source::WebIdentity {
                token_file: expand_home(file, env),
                role_arn: role_arn.to_owned(),
                session_name: params.session_name,
                region,
            }));
        }
        let base = match (get("source_profile"), get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(Error::credentials(format!(
                    "profile {name:?} sets both source_profile and credential_source"
                )));
            }
            (Some(src), None) => {
                profile_source(files, src, env, visited, true)?.ok_or_else(|| {
                    Error::credentials(format!("source_profile {src:?} has no credentials"))
                })?
            }
            (None, Some(cs)) => credential_source(cs, env)?,
            (None, None) => {
                return Err(Error::credentials(format!(
                    "profile {name:?} has role_arn but neither source_profile nor credential_source"
                )));
            }
        };
        return Ok(Some(Source::AssumeRole {
            params,
            base: Box::new(base),
        }));
    }
    if get("sso_session").is_some() || get("sso_start_url").is_some() {
        return sso_source(files, name, env).map(Some);
    }
    if let Some(s) = static_keys()? {
        return Ok(Some(s));
    }
    if let Some(command) = get("credential_process") {
        return Ok(Some(Source::Process {
            command: command.to_owned(),
        }));
    }
    if as_source {
        return Err(Error::credentials(format!(
            "source_profile {name:?} has no credentials"
        )));
    }
    Ok(None)
}

fn credential_source(name: &str, env: &Env) -> Result<Source, Error> {
    match name {
        "Environment" => super::environment::from_env(env)?
            .map(Source::Static)
            .ok_or_else(|| {
                Error::credentials(
                    "credential_source = Environment but AWS_ACCESS_KEY_ID is not set",
                )
            }),
        "Ec2InstanceMetadata" => super::imds::from_env(env),
        "EcsContainer" => super::container::from_env(env)?.ok_or_else(|| {
            Error::credentials(
                "credential_source = EcsContainer but no container credentials URI is set",
            )
        }),
        other => Err(Error::credentials(format!(
            "unsupported credential_source {other:?} (expected Environment, Ec2InstanceMetadata or EcsContainer)"
        ))),
    }
}

fn sso_source(files: &ProfileSet, name: &str, env: &Env) -> Result<Source, Error> {
    let get = |k: &str| files.get(name, k);
    let session = get("sso_session").map(str::to_owned);
    let (start_url, sso_region) = match &session {
        Some(s) => {
            let props = files.sso_session(s).ok_or_else(|| {
                Error::credentials(format!(
                    "profile {name:?}: sso-session {s:?} does not exist"
                ))
            })?;
            let field = |k: &str| props.get(k).filter(|v| !v.is_empty()).cloned();
            (
                field("sso_start_url").or_else(|| get("sso_start_url").map(str::to_owned)),
                field("sso_region").or_else(|| get("sso_region").map(str::to_owned)),
            )
        }
        None => (
            get("sso_start_url").map(str::to_owned),
            get("sso_region").map(str::to_owned),
        ),
    };
    let missing = |k: &str| Error::credentials(format!("SSO profile {name:?} lacks {k}"));
    let home = env
        .home()
        .ok_or_else(|| Error::credentials("SSO: no home directory to find ~/.aws/sso/cache"))?;
    Ok(Source::Sso(SsoConfig {
        session,
        start_url: start_url.ok_or_else(|| missing("sso_start_url"))?,
        sso_region: sso_region.ok_or_else(|| missing("sso_region"))?,
        account_id: get("sso_account_id")
            .ok_or_else(|| missing("sso_account_id"))?
            .to_owned(),
        role_name: get("sso_role_name")
            .ok_or_else(|| missing("sso_role_name"))?
            .to_owned(),
        cache_dir: home.join(".aws").join("sso").join("cache"),
    }))
}
