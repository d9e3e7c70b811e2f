//! Encoding a [`Message`] into one frame.

use alloc::vec::Vec;

use crate::error::{Error, LengthProblem};
use crate::frame::{MIN_FRAME_LEN, PRELUDE_LEN};
use crate::message::Message;

impl Message {
    /// The size of this message's frame in bytes, or the error [`Message::encode`] would return.
    pub fn encoded_len(&self) -> Result<usize, Error> {
        self.check(0).map(|(total, _)| total)
    }

    /// Appends this message's frame to `out`. On error, `out` is left unchanged.
    ///
    /// Fails with [`Error::InvalidHeader`] for an empty name, a name over 255 bytes, or a byte
    /// array or string value over 65535 bytes, and with [`Error::InvalidLength`] when the frame
    /// would be over `u32::MAX` bytes. The error's offset is `out.len()`, where the frame would
    /// have started.
    ///
    /// ```
    /// use eventstream::{HeaderValue, Message};
    ///
    /// let mut out = Vec::new();
    /// Message::new(&b"{}"[..])
    ///     .with_header(":message-type", HeaderValue::string("event"))
    ///     .encode(&mut out)?;
    /// assert_eq!(out.len(), 12 + (1 + 13 + 1 + 2 + 5) + 2 + 4);
    /// let (decoded, used) = eventstream::frame::decode(&out.clone().into())?;
    /// assert_eq!(used, out.len());
    /// assert_eq!(decoded.header_str(":message-type"), Some("event"));
    /// # Ok::<(), eventstream::Error>(())
    /// ```
    pub fn encode(&self, out: &mut Vec<u8>) -> Result<(), Error> {
        let start = out.len();
        let (total, headers_len) = self.check(start as u64)?;
        // `check` bounded both by u32::MAX.
        let total_u32 = u32::try_from(total).unwrap_or(u32::MAX);
        let headers_u32 = u32::try_from(headers_len).unwrap_or(u32::MAX);

        out.reserve(total);
        out.extend_from_slice(&total_u32.to_be_bytes());
        out.extend_from_slice(&headers_u32.to_be_bytes());
        let prelude_crc = crc32fast::hash(out.get(start..).unwrap_or_default());
        out.extend_from_slice(&prelude_crc.to_be_bytes());
        for header in self.headers() {
            header.encode_unchecked(out);
        }
        out.extend_from_slice(self.payload());
        let mut hasher = crc32fast::Hasher::new_with_initial(prelude_crc);
        hasher.update(out.get(start + 8..).unwrap_or_default());
        out.extend_from_slice(&hasher.finalize().to_be_bytes());
        debug_assert_eq!(out.len() - start, total);
        Ok(())
    }

    /// This message's frame as a new vector (see [`Message::encode`]).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.encode(&mut out)?;
        Ok(out)
    }

    /// Checks every limit; returns (total length, headers length). `offset` is for errors.
    fn check(&self, offset: u64) -> Result<(usize, usize), Error> {
        let mut headers_len: u64 = 0;
        for header in self.headers() {
            if let Some(problem) = header.encode_problem() {
                return Err(Error::InvalidHeader {
                    offset,
                    header_offset: offset + PRELUDE_LEN as u64 + headers_len,
                    problem,
                });
            }
            headers_len += header.encoded_len() as u64;
        }
        let total = MIN_FRAME_LEN as u64 + headers_len + self.payload().len() as u64;
        let max = u64::from(u32::MAX);
        if total > max {
            return Err(Error::InvalidLength {
                offset,
                problem: LengthProblem::TotalTooLarge { total, max },
            });
        }
        // Both fit in u32, hence in usize on every target `bytes` supports.
        let total = usize::try_from(total).unwrap_or(usize::MAX);
        let headers_len = usize::try_from(headers_len).unwrap_or(usize::MAX);
        Ok((total, headers_len))
    }
}
