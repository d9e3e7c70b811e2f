//! The incremental decoder: push bytes in any split, pull complete messages.

use alloc::collections::VecDeque;
use core::fmt;

use bytes::{Buf, Bytes, BytesMut};

use crate::error::Error;
use crate::frame::{self, DEFAULT_MAX_FRAME_SIZE, Frame, MIN_FRAME_LEN, PRELUDE_LEN, Prelude};
use crate::message::Message;

/// An incremental Event Stream decoder.
///
/// Push input with [`push`](Decoder::push) (copies) or [`push_bytes`](Decoder::push_bytes)
/// (zero-copy), in chunks split anywhere; pull messages with
/// [`next_message`](Decoder::next_message) until it returns `Ok(None)`; at the end of the input
/// call [`finish`](Decoder::finish), which fails if a frame was cut off.
///
/// - Zero-copy: a frame that lies inside one pushed `Bytes` is decoded in place: its payload and
///   byte/string header values are slices of that `Bytes`. A frame that spans chunks is assembled
///   with one copy. Bytes pushed with [`push`](Decoder::push) are copied once into an internal
///   buffer and not again.
/// - Checks run in the order documented on [`Error`]; the prelude is checked as soon as its 12
///   bytes are present, so a bad length is reported at once instead of waiting for bytes that
///   never come, and a frame over the maximum size is refused before it is buffered.
/// - After an error the decoder is poisoned: it drops its buffer and any later input, and
///   `next_message` and `finish` keep returning the same error.
///
/// ```
/// use eventstream::{Decoder, HeaderValue, Message};
///
/// let mut wire = Vec::new();
/// Message::new(&b"hello"[..])
///     .with_header(":event-type", HeaderValue::string("greeting"))
///     .encode(&mut wire)?;
///
/// let mut decoder = Decoder::new();
/// let (a, b) = wire.split_at(7);
/// decoder.push(a);
/// assert_eq!(decoder.next_message()?, None); // incomplete is not an error
/// decoder.push(b);
/// let message = decoder.next_message()?.expect("a complete frame");
/// assert_eq!(message.payload().as_ref(), b"hello");
/// assert_eq!(decoder.offset(), wire.len() as u64);
/// decoder.finish()?; // nothing left over
/// # Ok::<(), eventstream::Error>(())
/// ```
pub struct Decoder {
    /// Pushed `Bytes` chunks, oldest first; all of them come before `tail`.
    chunks: VecDeque<Bytes>,
    /// Bytes pushed as slices since the last `push_bytes`.
    tail: BytesMut,
    /// Total bytes in `chunks` and `tail`.
    buffered: usize,
    /// Stream offset of the first buffered byte (the next frame).
    offset: u64,
    max_frame_size: usize,
    error: Option<Error>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("offset", &self.offset)
            .field("buffered_len", &self.buffered)
            .field(
                "chunks",
                &(self.chunks.len() + usize::from(!self.tail.is_empty())),
            )
            .field("max_frame_size", &self.max_frame_size)
            .field("error", &self.error)
            .finish()
    }
}

impl Decoder {
    /// A decoder with the default maximum frame size, 16 MiB.
    pub fn new() -> Self {
        Decoder::with_max_frame_size(DEFAULT_MAX_FRAME_SIZE)
    }

    /// A decoder that refuses frames whose total length is over `max` bytes
    /// ([`LengthProblem::TotalTooLarge`](crate::LengthProblem::TotalTooLarge)).
    pub fn with_max_frame_size(max: usize) -> Self {
        Decoder {
            chunks: VecDeque::new(),
            tail: BytesMut::new(),
            buffered: 0,
            offset: 0,
            max_frame_size: max,
            error: None,
        }
    }

    /// Adds input by copying it. Ignored once the decoder is poisoned.
    pub fn push(&mut self, data: &[u8]) {
        if self.error.is_some() || data.is_empty() {
            return;
        }
        self.tail.extend_from_slice(data);
        self.buffered += data.len();
    }

    /// Adds input without copying it: frames that lie inside `data` are decoded as slices of it.
    /// Ignored once the decoder is poisoned.
    ///
    /// A chunk shorter than 16 bytes cannot hold a whole frame, so it is copied (as by
    /// [`push`](Decoder::push)) rather than queued: a stream that arrives a few bytes at a time
    /// costs no more memory than the bytes themselves.
    pub fn push_bytes(&mut self, data: Bytes) {
        if self.error.is_some() || data.is_empty() {
            return;
        }
        if data.len() < MIN_FRAME_LEN {
            self.push(&data);
            return;
        }
        if !self.tail.is_empty() {
            // Keep the order: what was pushed as slices comes first.
            self.chunks.push_back(self.tail.split().freeze());
        }
        self.buffered += data.len();
        self.chunks.push_back(data);
    }

    /// The next complete message, `Ok(None)` if more input is needed, or the error that
    /// poisoned the decoder.
    pub fn next_message(&mut self) -> Result<Option<Message>, Error> {
        Ok(self.next_frame()?.map(|frame| frame.message))
    }

    /// Like [`next_message`](Decoder::next_message), with the frame's offset, prelude and CRC.
    pub fn next_frame(&mut self) -> Result<Option<Frame>, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let Some(prelude_bytes) = self.peek_prelude() else {
            return Ok(None);
        };
        let prelude = match Prelude::parse(&prelude_bytes, self.offset, self.max_frame_size) {
            Ok(prelude) => prelude,
            Err(error) => return Err(self.poison(error)),
        };
        let total = prelude.total_len();
        if self.buffered < total {
            return Ok(None);
        }
        let parsed = match self.chunks.front_mut() {
            // The whole frame is in the first chunk: parse it in place (no copy, and no
            // reference count for the frame itself), then step over it.
            Some(front) if front.len() >= total => {
                let parsed = frame::parse(front, prelude, self.offset);
                front.advance(total);
                if front.is_empty() {
                    self.chunks.pop_front();
                }
                self.buffered -= total;
                parsed
            }
            _ => {
                let bytes = self.take(total);
                frame::parse(&bytes, prelude, self.offset)
            }
        };
        match parsed {
            Ok(frame) => {
                self.offset += total as u64;
                Ok(Some(frame))
            }
            Err(error) => Err(self.poison(error)),
        }
    }

    /// Call at the end of the input, after `next_message` returned `Ok(None)`: succeeds if no
    /// bytes are left over. Otherwise reports the poisoning error, or the first check that
    /// fails on the leftover bytes: a bad prelude CRC or length, else
    /// [`Error::Truncated`] with how many bytes were held and how many the frame needs
    /// (if complete frames were left unread, `have` is at least `need`).
    pub fn finish(&self) -> Result<(), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.buffered == 0 {
            return Ok(());
        }
        let need = match self.peek_prelude() {
            None => MIN_FRAME_LEN as u64,
            Some(bytes) => {
                u64::from(Prelude::parse(&bytes, self.offset, self.max_frame_size)?.total_length)
            }
        };
        Err(Error::Truncated {
            offset: self.offset,
            have: self.buffered as u64,
            need,
        })
    }

    /// The stream offset of the next frame: the number of bytes consumed by decoded frames.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Bytes pushed but not yet decoded.
    pub fn buffered_len(&self) -> usize {
        self.buffered
    }

    /// The error that poisoned the decoder, if any.
    pub fn error(&self) -> Option<Error> {
        self.error
    }

    /// The largest frame this decoder accepts.
    pub fn max_frame_size(&self) -> usize {
        self.max_frame_size
    }

    fn poison(&mut self, error: Error) -> Error {
        self.error = Some(error);
        self.chunks = VecDeque::new();
        self.tail = BytesMut::new();
        self.buffered = 0;
        error
    }

    /// The first 12 buffered bytes, if there are that many.
    fn peek_prelude(&self) -> Option<[u8; PRELUDE_LEN]> {
        if self.buffered < PRELUDE_LEN {
            return None;
        }
        match self.chunks.front() {
            None => return self.tail.first_chunk().copied(),
            Some(front) => {
                if let Some(prelude) = front.first_chunk() {
                    return Some(*prelude);
                }
            }
        }
        let mut out = [0u8; PRELUDE_LEN];
        let mut filled = 0;
        for piece in self
            .chunks
            .iter()
            .map(|c| &c[..])
            .chain(core::iter::once(&self.tail[..]))
        {
            let n = piece.len().min(PRELUDE_LEN - filled);
            out.get_mut(filled..filled + n)?
                .copy_from_slice(piece.get(..n)?);
            filled += n;
            if filled == PRELUDE_LEN {
                return Some(out);
            }
        }
        None
    }

    /// Removes the first `n` buffered bytes (`n <= self.buffered`) as one contiguous `Bytes`:
    /// a slice of the copied-in buffer when it holds them all (no further copy), otherwise one
    /// copy. (A frame wholly inside the first pushed chunk never comes here.)
    fn take(&mut self, n: usize) -> Bytes {
        self.buffered -= n;
        if self.chunks.is_empty() {
            return self.tail.split_to(n.min(self.tail.len())).freeze();
        }
        let mut out = BytesMut::with_capacity(n);
        let mut missing = n;
        while missing > 0 {
            let Some(front) = self.chunks.front_mut() else {
                let k = missing.min(self.tail.len());
                out.extend_from_slice(self.tail.get(..k).unwrap_or_default());
                self.tail.advance(k);
                break;
            };
            let k = missing.min(front.len());
            out.extend_from_slice(front.get(..k).unwrap_or_default());
            front.advance(k);
            missing -= k;
            if front.is_empty() {
                self.chunks.pop_front();
            }
        }
        out.freeze()
    }
}
