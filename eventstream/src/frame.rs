//! One frame: the prelude, the length checks, both CRCs, and the zero-copy parse of a complete
//! frame held in [`Bytes`].
//!
//! ```text
//! +----------------+-----------------+-------------+----------------+---------+-------------+
//! | total length   | headers length  | prelude CRC | headers        | payload | message CRC |
//! | u32 BE         | u32 BE          | u32 BE      | headers length | ...     | u32 BE      |
//! +----------------+-----------------+-------------+----------------+---------+-------------+
//!  <---------- prelude: 12 bytes, CRC32 over the first 8 ---------->
//!  <------------------ message CRC: CRC32 over everything before it ------------>
//! ```

use bytes::Bytes;

use crate::error::{Error, LengthProblem};
use crate::header;
use crate::message::Message;

/// Bytes in the prelude (total length, headers length, prelude CRC).
pub const PRELUDE_LEN: usize = 12;
/// The smallest possible frame: a prelude and a message CRC, no headers, no payload.
pub const MIN_FRAME_LEN: usize = 16;
/// The default largest frame the decoder accepts: 16 MiB.
pub const DEFAULT_MAX_FRAME_SIZE: usize = 16 * 1024 * 1024;

/// A checked prelude: its CRC matched and its lengths are consistent and within the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prelude {
    /// The whole frame's length in bytes, prelude and message CRC included.
    pub total_length: u32,
    /// The header block's length in bytes.
    pub headers_length: u32,
    /// The prelude CRC (CRC32 of the first 8 bytes).
    pub crc: u32,
}

impl Prelude {
    /// Checks a prelude, in the contract's order: the prelude CRC first, before any length is
    /// trusted; then total length ≥ 16; then headers length ≤ total length − 16; then total
    /// length ≤ `max_frame_size`. `offset` is the frame's stream offset, for errors.
    ///
    /// ```
    /// use eventstream::frame::Prelude;
    ///
    /// // The official `empty_message` vector's prelude.
    /// let prelude = Prelude::parse(&[0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb], 0, 1 << 20)?;
    /// assert_eq!((prelude.total_length, prelude.headers_length), (16, 0));
    /// # Ok::<(), eventstream::Error>(())
    /// ```
    pub fn parse(
        bytes: &[u8; PRELUDE_LEN],
        offset: u64,
        max_frame_size: usize,
    ) -> Result<Prelude, Error> {
        let [t0, t1, t2, t3, h0, h1, h2, h3, c0, c1, c2, c3] = *bytes;
        let actual = u32::from_be_bytes([c0, c1, c2, c3]);
        let expected = crc32fast::hash(&[t0, t1, t2, t3, h0, h1, h2, h3]);
        if expected != actual {
            return Err(Error::PreludeCrc {
                offset,
                expected,
                actual,
            });
        }
        let total = u32::from_be_bytes([t0, t1, t2, t3]);
        let headers = u32::from_be_bytes([h0, h1, h2, h3]);
        let invalid = |problem| Error::InvalidLength { offset, problem };
        // "The total length must be at least 16": prelude (12) + message CRC (4).
        if (total as usize) < MIN_FRAME_LEN {
            return Err(invalid(LengthProblem::TotalTooSmall { total }));
        }
        // The headers must fit between the prelude and the message CRC.
        if headers > total - 16 {
            return Err(invalid(LengthProblem::HeadersTooLong { headers, total }));
        }
        if u64::from(total) > max_frame_size as u64 {
            return Err(invalid(LengthProblem::TotalTooLarge {
                total: u64::from(total),
                max: max_frame_size as u64,
            }));
        }
        Ok(Prelude {
            total_length: total,
            headers_length: headers,
            crc: actual,
        })
    }

    /// The total length as a `usize`.
    pub fn total_len(&self) -> usize {
        self.total_length as usize
    }
}

/// A decoded frame: the message plus where it was and what its prelude and CRCs said.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// Stream offset of the frame's first byte.
    pub offset: u64,
    /// The checked prelude.
    pub prelude: Prelude,
    /// The message CRC (checked).
    pub message_crc: u32,
    /// The message.
    pub message: Message,
}

impl Frame {
    /// The frame's length in bytes.
    pub fn len(&self) -> usize {
        self.prelude.total_len()
    }

    /// Always `false`: a frame has at least 16 bytes.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Decodes the first frame of `buf`: returns the message and the number of bytes it used.
///
/// Applies every check of the decoder, with the default maximum frame size; a `buf` shorter
/// than the frame is [`Error::Truncated`]. Payload and byte/string header values are slices of
/// `buf`.
///
/// ```
/// let bytes = bytes::Bytes::from_static(&[
///     0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff,
/// ]);
/// let (message, used) = eventstream::frame::decode(&bytes)?;
/// assert_eq!(used, 16);
/// assert!(message.headers().is_empty() && message.payload().is_empty());
/// # Ok::<(), eventstream::Error>(())
/// ```
pub fn decode(buf: &Bytes) -> Result<(Message, usize), Error> {
    let frame = decode_frame(buf, 0, DEFAULT_MAX_FRAME_SIZE)?;
    let used = frame.len();
    Ok((frame.message, used))
}

/// Decodes the first frame of `buf` with all its details. `offset` is the stream offset of
/// `buf`'s first byte (used in the frame and in errors); `max_frame_size` bounds the total
/// length.
pub fn decode_frame(buf: &Bytes, offset: u64, max_frame_size: usize) -> Result<Frame, Error> {
    let have = buf.len() as u64;
    let Some(prelude_bytes) = buf.first_chunk::<PRELUDE_LEN>() else {
        return Err(Error::Truncated {
            offset,
            have,
            need: MIN_FRAME_LEN as u64,
        });
    };
    let prelude = Prelude::parse(prelude_bytes, offset, max_frame_size)?;
    if buf.len() < prelude.total_len() {
        return Err(Error::Truncated {
            offset,
            have,
            need: u64::from(prelude.total_length),
        });
    }
    parse(buf, prelude, offset)
}

/// Finishes a frame whose prelude passed [`Prelude::parse`] and that starts at `frame[0]`
/// (`frame` holds at least `prelude.total_length` bytes): the message CRC, then the headers.
pub(crate) fn parse(frame: &Bytes, prelude: Prelude, offset: u64) -> Result<Frame, Error> {
    let total = prelude.total_len();
    let crc_at = total - 4;
    let (Some(body), Some(crc_bytes)) = (frame.get(..crc_at), frame.get(crc_at..total)) else {
        // Unreachable: the caller passes at least `total` (≥ 16) bytes.
        return Err(Error::Truncated {
            offset,
            have: frame.len() as u64,
            need: total as u64,
        });
    };
    let actual = u32::from_be_bytes(crc_bytes.try_into().unwrap_or_default());
    let expected = crc32fast::hash(body);
    if expected != actual {
        return Err(Error::MessageCrc {
            offset,
            expected,
            actual,
        });
    }
    let headers_end = PRELUDE_LEN + prelude.headers_length as usize;
    let headers = header::parse_block(frame, PRELUDE_LEN, headers_end, offset)?;
    let payload = frame.slice(headers_end..crc_at);
    Ok(Frame {
        offset,
        prelude,
        message_crc: actual,
        message: Message::from_parts(headers, payload),
    })
}
