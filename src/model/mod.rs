//! The provider-neutral chat and embedding model: requests, responses, stream events, usage.
