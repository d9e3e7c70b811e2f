//! AWS Signature Version 4 request signing: pure functions over bytes.
//!
//! No I/O, no clock, no environment: the signing time is an input.
