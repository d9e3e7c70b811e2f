//! An Event Stream message to a Bedrock event (exceptions included).
