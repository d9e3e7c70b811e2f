//! Credential sources, tried in the documented order, and the cache that refreshes them.

pub mod bedrock_json;
pub mod profile;
