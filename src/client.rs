//! The Bedrock Runtime client: builder, signing each attempt, retries, streaming.
