//! bedrock-wire: the AWS Bedrock Runtime protocol spoken by hand, with no AWS SDK.
//!
//! Three independent parts composed over a raw `reqwest` transport: the [`sigv4`] signer,
//! the [`eventstream`] frame codec, and the translation between a provider-neutral chat model
//! and Bedrock's Converse and native bodies.

pub mod client;
pub mod clock;
pub mod converse;
pub mod cost;
pub mod credentials;
pub mod crypto;
pub mod datetime;
pub mod embed;
pub mod endpoint;
pub mod error;
pub mod event;
mod fast_json;
pub mod invoke;
pub mod model;
pub mod models;
pub mod openai;
#[cfg(feature = "replay")]
pub mod replay;
pub mod retry;
pub mod stream;
pub mod translate;
pub mod translation_error;

pub use eventstream;
pub use sigv4;

/// Internals exposed for the fuzz targets only (`fuzz/`); not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// The fast JSON document parser (`None`: serde_json decides), for the differential target.
    pub fn json_value(bytes: &[u8]) -> Option<serde_json::Value> {
        crate::fast_json::value(bytes)
    }
}
