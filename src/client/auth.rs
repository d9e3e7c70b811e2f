//! What signs each attempt: a fixed bearer key, cached SigV4 credentials, or minted bearer keys.

use std::sync::Arc;

use crate::credentials::CredentialsProvider;
use crate::credentials::bearer::BearerMinter;
use crate::error::Error;

#[derive(Debug)]
pub(crate) enum AuthProvider {
    Bearer(sigv4::BearerToken),
    SigV4(Arc<CredentialsProvider>),
    Minted(Arc<BearerMinter>),
}

impl AuthProvider {
    /// The authentication for the next attempt (credentials refreshed if near expiry).
    pub(crate) async fn auth(&self) -> Result<sigv4::Auth, Error> {
        match self {
            Self::Bearer(t) => Ok(sigv4::Auth::Bearer(t.clone())),
            Self::SigV4(p) => Ok(sigv4::Auth::SigV4(
                p.credentials().await?.credentials().clone(),
            )),
            Self::Minted(m) => Ok(sigv4::Auth::Bearer(m.token().await?)),
        }
    }
}
