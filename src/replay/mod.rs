//! A loopback HTTP server that replays recorded Bedrock exchanges and injects faults.
