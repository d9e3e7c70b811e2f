//! bedrock-wire: the AWS Bedrock Runtime protocol spoken by hand, with no AWS SDK.
//!
//! Three independent parts composed over a raw `reqwest` transport: the [`sigv4`] signer,
//! the [`eventstream`] frame codec, and the translation between a provider-neutral chat model
//! and Bedrock's Converse and native bodies.

pub mod clock;

pub use eventstream;
pub use sigv4;
