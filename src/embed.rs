//! Embeddings: Titan Text v1/v2, Cohere Embed v3/v4, Titan Multimodal and Nova multimodal, and the OpenAI-shaped embeddings entry point.
