//! The binary AWS Event Stream codec: prelude, typed headers, payload, both CRC32s.
#![cfg_attr(not(feature = "std"), no_std)]
