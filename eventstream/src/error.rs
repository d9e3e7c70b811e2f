//! The one error type of this crate: a flat, `Copy`, matchable enum with stream offsets.

use core::fmt;

/// Everything that can be wrong with an Event Stream frame (or with a message being encoded).
///
/// Every variant carries `offset`: the stream offset of the first byte of the frame concerned
/// (for [`Message::encode`](crate::Message::encode), the position in the output where the frame
/// would have started). The decoder reports the first failing check in this order, which is part
/// of the contract:
///
/// 1. [`PreludeCrc`](Error::PreludeCrc), as soon as the 12-byte prelude is present and before any
///    length in it is trusted;
/// 2. [`InvalidLength`](Error::InvalidLength): total length at least 16, headers length at most
///    total − 16, total length at most the configured maximum;
/// 3. [`MessageCrc`](Error::MessageCrc), once the whole frame is present;
/// 4. [`InvalidHeader`](Error::InvalidHeader), only for a frame whose checksums are both correct.
///
/// [`Truncated`](Error::Truncated) comes from [`Decoder::finish`](crate::Decoder::finish) (bytes
/// left over at the end of the stream) and from [`frame::decode`](crate::frame::decode) (a slice
/// shorter than its frame).
///
/// ```
/// use eventstream::{Decoder, Error};
///
/// let mut decoder = Decoder::new();
/// // A prelude that declares 16 bytes, followed by a wrong prelude CRC.
/// decoder.push(&[0, 0, 0, 16, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]);
/// match decoder.next_message() {
///     Err(Error::PreludeCrc { offset: 0, actual: 0xdead_beef, .. }) => {}
///     other => panic!("unexpected: {other:?}"),
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The CRC32 of the first 8 bytes of the frame does not match the prelude CRC.
    PreludeCrc {
        /// Stream offset of the frame.
        offset: u64,
        /// The CRC32 computed over the total length and headers length fields.
        expected: u32,
        /// The prelude CRC found in the frame (bytes 8..12).
        actual: u32,
    },
    /// The CRC32 of the frame (all but its last 4 bytes) does not match the message CRC.
    MessageCrc {
        /// Stream offset of the frame.
        offset: u64,
        /// The CRC32 computed over the frame.
        expected: u32,
        /// The message CRC found in the frame (its last 4 bytes).
        actual: u32,
    },
    /// The input ended inside a frame.
    Truncated {
        /// Stream offset of the frame.
        offset: u64,
        /// How many bytes of the frame were present.
        have: u64,
        /// How many bytes the frame needs: its declared total length, or the 16-byte minimum frame
        /// size when even the 12-byte prelude was incomplete.
        need: u64,
    },
    /// A length field is impossible or over the limit.
    InvalidLength {
        /// Stream offset of the frame.
        offset: u64,
        /// Which length, and why it was rejected.
        problem: LengthProblem,
    },
    /// A header in a frame whose checksums are both correct is malformed (or, when encoding, a
    /// header cannot be represented on the wire).
    InvalidHeader {
        /// Stream offset of the frame.
        offset: u64,
        /// Stream offset of the header's first byte (its name length byte).
        header_offset: u64,
        /// What is wrong with the header.
        problem: HeaderProblem,
    },
}

/// Which length field of a frame was rejected, and why (see [`Error::InvalidLength`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LengthProblem {
    /// The total length is below 16, the size of the prelude and the message CRC alone.
    TotalTooSmall {
        /// The declared total length.
        total: u32,
    },
    /// The headers length is more than the total length minus 16, so the headers cannot fit.
    HeadersTooLong {
        /// The declared headers length.
        headers: u32,
        /// The declared total length.
        total: u32,
    },
    /// The total length is over the limit: the decoder's maximum frame size, or, when encoding,
    /// `u32::MAX`.
    TotalTooLarge {
        /// The declared (or, when encoding, the required) total length.
        total: u64,
        /// The limit in force.
        max: u64,
    },
}

/// What is wrong with one header (see [`Error::InvalidHeader`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderProblem {
    /// The name length byte is 0; a name has at least one byte.
    EmptyName,
    /// The name runs past the end of the header block.
    NameOutOfBounds {
        /// The declared name length.
        len: u8,
    },
    /// The name is not valid UTF-8.
    NameNotUtf8,
    /// The header block ends right after the name, where the value type byte should be.
    MissingValueType,
    /// The value type byte is not one of the ten known types (0 to 9).
    UnknownValueType {
        /// The type byte found.
        type_code: u8,
    },
    /// The value, or the 2-byte length in front of it, runs past the end of the header block.
    ValueOutOfBounds {
        /// The value's type byte.
        type_code: u8,
    },
    /// A string value (type 7) is not valid UTF-8.
    StringNotUtf8,
    /// Encoding only: the name is longer than 255 bytes.
    NameTooLong {
        /// The name's length in bytes.
        len: usize,
    },
    /// Encoding only: a byte array or string value is longer than 65535 bytes.
    ValueTooLong {
        /// The value's length in bytes.
        len: usize,
    },
}

impl Error {
    /// The stream offset of the frame this error concerns.
    pub fn offset(&self) -> u64 {
        match *self {
            Error::PreludeCrc { offset, .. }
            | Error::MessageCrc { offset, .. }
            | Error::Truncated { offset, .. }
            | Error::InvalidLength { offset, .. }
            | Error::InvalidHeader { offset, .. } => offset,
        }
    }

    /// A short stable name for the kind of error: `prelude_crc`, `message_crc`, `truncated`,
    /// `invalid_length` or `invalid_header`.
    ///
    /// ```
    /// let e = eventstream::Error::Truncated { offset: 0, have: 3, need: 16 };
    /// assert_eq!(e.kind(), "truncated");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::PreludeCrc { .. } => "prelude_crc",
            Error::MessageCrc { .. } => "message_crc",
            Error::Truncated { .. } => "truncated",
            Error::InvalidLength { .. } => "invalid_length",
            Error::InvalidHeader { .. } => "invalid_header",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::PreludeCrc {
                offset,
                expected,
                actual,
            } => write!(
                f,
                "prelude checksum mismatch in the frame at offset {offset}: \
                 computed {expected:#010x}, the frame says {actual:#010x}"
            ),
            Error::MessageCrc {
                offset,
                expected,
                actual,
            } => write!(
                f,
                "message checksum mismatch in the frame at offset {offset}: \
                 computed {expected:#010x}, the frame says {actual:#010x}"
            ),
            Error::Truncated { offset, have, need } => write!(
                f,
                "truncated frame at offset {offset}: the input ended after {have} of its {need} bytes"
            ),
            Error::InvalidLength { offset, problem } => {
                write!(
                    f,
                    "invalid length in the frame at offset {offset}: {problem}"
                )
            }
            Error::InvalidHeader {
                offset,
                header_offset,
                problem,
            } => write!(
                f,
                "invalid header at offset {header_offset} in the frame at offset {offset}: {problem}"
            ),
        }
    }
}

impl fmt::Display for LengthProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LengthProblem::TotalTooSmall { total } => {
                write!(f, "total length {total} is below the 16-byte minimum")
            }
            LengthProblem::HeadersTooLong { headers, total } => write!(
                f,
                "headers length {headers} does not fit in total length {total} (at most total - 16)"
            ),
            LengthProblem::TotalTooLarge { total, max } => {
                write!(f, "total length {total} is over the limit of {max} bytes")
            }
        }
    }
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderProblem::EmptyName => f.write_str("the name is empty"),
            HeaderProblem::NameOutOfBounds { len } => {
                write!(f, "the {len}-byte name runs past the header block")
            }
            HeaderProblem::NameNotUtf8 => f.write_str("the name is not valid UTF-8"),
            HeaderProblem::MissingValueType => {
                f.write_str("the header block ends before the value type")
            }
            HeaderProblem::UnknownValueType { type_code } => {
                write!(f, "unknown value type {type_code}")
            }
            HeaderProblem::ValueOutOfBounds { type_code } => {
                write!(
                    f,
                    "the value of type {type_code} runs past the header block"
                )
            }
            HeaderProblem::StringNotUtf8 => f.write_str("the string value is not valid UTF-8"),
            HeaderProblem::NameTooLong { len } => {
                write!(f, "the name is {len} bytes long, over the 255-byte limit")
            }
            HeaderProblem::ValueTooLong { len } => {
                write!(
                    f,
                    "the value is {len} bytes long, over the 65535-byte limit"
                )
            }
        }
    }
}

impl core::error::Error for Error {}
