//! A pure state machine from Bedrock stream events to provider-neutral stream events.
