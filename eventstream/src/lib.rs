//! The binary AWS Event Stream codec: prelude, typed headers, payload, both CRC32s.
//!
//! Incremental (push bytes split anywhere, pull messages), zero-copy (decoded payloads and
//! byte/string header values are slices of the pushed [`Bytes`]), strict (the checks run in a
//! fixed, documented order and every failure is a typed [`Error`] with the stream offset of its
//! frame), and `no_std` + `alloc` when the default `std` feature is off. It knows nothing of
//! I/O, async or any particular service.
//!
//! ```
//! use eventstream::{Decoder, Error, HeaderValue, Message};
//!
//! // Encode two messages into one stream.
//! let mut stream = Vec::new();
//! let mut frame_ends = Vec::new();
//! for text in ["Hello", ", world"] {
//!     Message::new(text.as_bytes().to_vec())
//!         .with_header(":event-type", HeaderValue::string("chunk"))
//!         .with_header(":message-type", HeaderValue::string("event"))
//!         .encode(&mut stream)?;
//!     frame_ends.push(stream.len() as u64);
//! }
//!
//! // Decode it as it might arrive from the network: in arbitrary pieces.
//! let mut decoder = Decoder::new();
//! let mut text = String::new();
//! for piece in stream.chunks(5) {
//!     decoder.push(piece);
//!     while let Some(message) = decoder.next_message()? {
//!         assert_eq!(message.header_str(":event-type"), Some("chunk"));
//!         text.push_str(std::str::from_utf8(message.payload()).unwrap());
//!     }
//! }
//! decoder.finish()?; // nothing left over at the end of the input
//! assert_eq!(text, "Hello, world");
//!
//! // A frame cut short is an error at the end of the input, not a hang.
//! let mut decoder = Decoder::new();
//! decoder.push(&stream[..20]);
//! assert_eq!(decoder.next_message()?, None);
//! assert_eq!(
//!     decoder.finish(),
//!     Err(Error::Truncated { offset: 0, have: 20, need: frame_ends[0] })
//! );
//! # Ok::<(), Error>(())
//! ```
//!
//! Modules: [`frame`] (one frame: prelude, lengths, CRCs, parse from a slice), [`header`] (the
//! ten value types), [`Decoder`] (push/pull), [`Message::encode`], [`Error`].
#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

mod decoder;
mod encode;
mod error;
pub mod frame;
pub mod header;
mod message;

pub use bytes::Bytes;

pub use crate::decoder::Decoder;
pub use crate::error::{Error, HeaderProblem, LengthProblem};
pub use crate::frame::{DEFAULT_MAX_FRAME_SIZE, Frame, Prelude};
pub use crate::header::{Header, HeaderValue, StrBytes};
pub use crate::message::Message;
