//! Where SHA-256 and HMAC-SHA256 come from: a small backend interface, chosen per signing call.
//!
//! Every hash this crate computes goes through a [`Crypto`]: the payload hash, the hash of the
//! canonical request, the event-stream hashes, the four HMACs of key derivation, and the HMAC of
//! the string to sign (with a pre-keyed state kept in the [`SigningKey`](crate::SigningKey)).
//!
//! - With the default cargo feature `sha2`, `Crypto::SHA2` is built in (HMAC on `sha2`'s
//!   block function, SHA-NI where the CPU has it) and is what
//!   [`SigningSettings::crypto`](crate::SigningSettings::crypto) `None` means.
//! - With `default-features = false` this crate has no hash code of its own: implement
//!   [`Backend`] over the library you already link (e.g. `ring`, which rustls brings) and put
//!   `Some(Crypto::new(&YOUR_BACKEND))` in the signing settings, or derive keys with
//!   [`SigningKey::derive_with`](crate::SigningKey::derive_with).
//!
//! There is no global registration: the backend is a value passed where signing happens.
//!
//! ```
//! use sigv4::crypto::{Backend, Crypto, HmacKey};
//! use std::sync::Arc;
//!
//! /// A backend that forwards to the built-in one (a real one would call another library).
//! struct Forward;
//!
//! struct ForwardKey(Vec<u8>);
//!
//! impl HmacKey for ForwardKey {
//!     fn mac(&self, message: &[u8]) -> [u8; 32] {
//!         Crypto::SHA2.hmac_sha256(&self.0, message)
//!     }
//! }
//!
//! impl Backend for Forward {
//!     fn name(&self) -> &'static str {
//!         "forward"
//!     }
//!     fn sha256(&self, data: &[u8]) -> [u8; 32] {
//!         Crypto::SHA2.sha256(data)
//!     }
//!     fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> [u8; 32] {
//!         Crypto::SHA2.hmac_sha256(key, data)
//!     }
//!     fn hmac_key(&self, key: &[u8]) -> Arc<dyn HmacKey> {
//!         Arc::new(ForwardKey(key.to_vec()))
//!     }
//! }
//!
//! static FORWARD: Forward = Forward;
//! let crypto = Crypto::new(&FORWARD);
//! assert_eq!(format!("{crypto:?}"), r#"Crypto("forward")"#);
//! assert_eq!(crypto.sha256(b"abc"), Crypto::SHA2.sha256(b"abc"));
//! let settings = sigv4::SigningSettings { crypto: Some(crypto), ..Default::default() };
//! # let _ = settings;
//! ```

use std::fmt;
use std::sync::Arc;

/// SHA-256 and HMAC-SHA256 as signing needs them. Implementations must compute exactly those
/// functions (FIPS 180-4 SHA-256, RFC 2104 HMAC with SHA-256, keys of any length).
pub trait Backend: Send + Sync {
    /// A short name for `Debug` output and for telling backends apart (e.g. `"sha2"`, `"ring"`).
    fn name(&self) -> &'static str;

    /// SHA-256 of `data`.
    fn sha256(&self, data: &[u8]) -> [u8; 32];

    /// HMAC-SHA256 of `data` under `key` (used for the four short HMACs of key derivation).
    fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> [u8; 32];

    /// An HMAC-SHA256 key with `key` already absorbed, reused for every message signed with
    /// one [`SigningKey`](crate::SigningKey) (derived once a day per region and service).
    fn hmac_key(&self, key: &[u8]) -> Arc<dyn HmacKey>;
}

/// An HMAC-SHA256 key prepared by a [`Backend`]: computing a MAC from it skips absorbing the key.
pub trait HmacKey: Send + Sync {
    /// HMAC-SHA256 of `message` under this key.
    fn mac(&self, message: &[u8]) -> [u8; 32];
}

/// A handle on a [`Backend`]: small, `Copy`, and compared by the backend's name.
///
/// ```
/// let a = sigv4::crypto::Crypto::SHA2;
/// assert_eq!(a.name(), "sha2");
/// assert_eq!(
///     sigv4::encode::hex(&a.sha256(b"")),
///     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
/// );
/// ```
#[derive(Clone, Copy)]
pub struct Crypto {
    backend: &'static dyn Backend,
}

impl Crypto {
    /// The built-in backend on the `sha2` crate (cargo feature `sha2`, on by default).
    #[cfg(any(feature = "sha2", test))]
    pub const SHA2: Crypto = Crypto {
        backend: &crate::sha2_backend::Sha2Backend,
    };

    /// Wraps a backend.
    pub const fn new(backend: &'static dyn Backend) -> Self {
        Crypto { backend }
    }

    /// The backend's name.
    pub fn name(self) -> &'static str {
        self.backend.name()
    }

    /// SHA-256 of `data`.
    pub fn sha256(self, data: &[u8]) -> [u8; 32] {
        self.backend.sha256(data)
    }

    /// HMAC-SHA256 of `data` under `key`.
    pub fn hmac_sha256(self, key: &[u8], data: &[u8]) -> [u8; 32] {
        self.backend.hmac_sha256(key, data)
    }

    /// An HMAC-SHA256 key with `key` absorbed.
    pub fn hmac_key(self, key: &[u8]) -> Arc<dyn HmacKey> {
        self.backend.hmac_key(key)
    }

    /// The backend used when [`SigningSettings::crypto`](crate::SigningSettings::crypto) is
    /// `None`: `Crypto::SHA2` with the `sha2` feature, none without it.
    pub const fn builtin() -> Option<Crypto> {
        #[cfg(any(feature = "sha2", test))]
        {
            Some(Crypto::SHA2)
        }
        #[cfg(not(any(feature = "sha2", test)))]
        {
            None
        }
    }

    /// `chosen`, else `fallback`, else the built-in backend, else [`Error::NoCrypto`](crate::Error::NoCrypto).
    pub(crate) fn resolve(
        chosen: Option<Crypto>,
        fallback: Option<Crypto>,
    ) -> Result<Crypto, crate::Error> {
        chosen
            .or(fallback)
            .or(Crypto::builtin())
            .ok_or(crate::Error::NoCrypto)
    }
}

impl PartialEq for Crypto {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Crypto {}

impl fmt::Debug for Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Crypto").field(&self.name()).finish()
    }
}
