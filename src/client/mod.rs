//! The Bedrock Runtime client: builder, signing each attempt, retries, streaming.

mod env;

pub use env::Env;
