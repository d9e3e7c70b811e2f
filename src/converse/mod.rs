//! Translation between the provider-neutral model and Bedrock Converse / ConverseStream bodies.
