//! The Bedrock Runtime client: builder, signing each attempt, retries, streaming.

mod env;
mod tls;

pub use env::Env;
pub use tls::{http_client_builder, rustls_config};
