//! Headers: the ten value types, zero-copy strings, and the header block's wire format.
//!
//! On the wire a header is: name length (1 byte, at least 1), the name (UTF-8), the value type
//! (1 byte), then the value: nothing for the two booleans, 1/2/4/8 bytes big-endian for byte,
//! int16, int32, int64 and timestamp, a 2-byte big-endian length and that many bytes for byte
//! arrays and strings, 16 bytes for a UUID.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use bytes::Bytes;

use crate::error::{Error, HeaderProblem};

/// Wire type code of `true`.
pub const TYPE_BOOL_TRUE: u8 = 0;
/// Wire type code of `false`.
pub const TYPE_BOOL_FALSE: u8 = 1;
/// Wire type code of a byte (`i8`).
pub const TYPE_BYTE: u8 = 2;
/// Wire type code of an `i16`.
pub const TYPE_INT16: u8 = 3;
/// Wire type code of an `i32`.
pub const TYPE_INT32: u8 = 4;
/// Wire type code of an `i64`.
pub const TYPE_INT64: u8 = 5;
/// Wire type code of a byte array.
pub const TYPE_BYTE_ARRAY: u8 = 6;
/// Wire type code of a UTF-8 string.
pub const TYPE_STRING: u8 = 7;
/// Wire type code of a timestamp (`i64` milliseconds since the Unix epoch).
pub const TYPE_TIMESTAMP: u8 = 8;
/// Wire type code of a UUID (16 bytes).
pub const TYPE_UUID: u8 = 9;

/// The longest header name the wire format can carry.
pub const MAX_NAME_LEN: usize = 255;
/// The longest byte array or string value the wire format can carry.
pub const MAX_VALUE_LEN: usize = 65535;

/// Validated UTF-8 held in [`Bytes`]: a string that can be a slice of the decoded frame.
///
/// ```
/// use eventstream::StrBytes;
///
/// let s = StrBytes::try_from(bytes::Bytes::from_static(b"messageStart")).unwrap();
/// assert_eq!(s.as_str(), "messageStart");
/// assert!(StrBytes::try_from(bytes::Bytes::from_static(b"\xff")).is_err());
/// ```
#[derive(Clone)]
pub struct StrBytes(Repr);

/// How the string is held: a `'static` str (the well-known header names and values, and
/// [`StrBytes::from_static`]), which [`StrBytes::as_str`] returns without a UTF-8 check, or
/// validated bytes (a slice of the decoded frame, when decoded).
#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Bytes),
}

impl Default for StrBytes {
    fn default() -> Self {
        StrBytes(Repr::Static(""))
    }
}

impl StrBytes {
    /// A string from a `'static` str, without copying.
    pub const fn from_static(s: &'static str) -> Self {
        StrBytes(Repr::Static(s))
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            // The bytes were validated when this value was built, so this never fails;
            // validating again is the price of `#![forbid(unsafe_code)]` (strings are short).
            Repr::Shared(b) => core::str::from_utf8(b).unwrap_or_default(),
        }
    }

    /// The string, if it is a `'static` one (a well-known header name or value, or made by
    /// [`StrBytes::from_static`]).
    pub fn as_static(&self) -> Option<&'static str> {
        match self.0 {
            Repr::Static(s) => Some(s),
            Repr::Shared(_) => None,
        }
    }

    /// The UTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Static(s) => s.as_bytes(),
            Repr::Shared(b) => b,
        }
    }

    /// The string as [`Bytes`] (a slice of the decoded frame when decoded, unless well-known;
    /// no copy either way).
    pub fn to_bytes(&self) -> Bytes {
        match &self.0 {
            Repr::Static(s) => Bytes::from_static(s.as_bytes()),
            Repr::Shared(b) => b.clone(),
        }
    }

    /// Gives back the string as [`Bytes`] (no copy).
    pub fn into_bytes(self) -> Bytes {
        match self.0 {
            Repr::Static(s) => Bytes::from_static(s.as_bytes()),
            Repr::Shared(b) => b,
        }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

// Equality, order and hashing are the string's, however it is held.
impl PartialEq for StrBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for StrBytes {}

impl PartialOrd for StrBytes {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for StrBytes {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.as_bytes().cmp(other.as_bytes())
    }
}

impl core::hash::Hash for StrBytes {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_bytes().hash(state);
    }
}

/// The bytes were not valid UTF-8 (see [`StrBytes`]'s `TryFrom<Bytes>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotUtf8;

impl fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not valid UTF-8")
    }
}

impl core::error::Error for NotUtf8 {}

impl TryFrom<Bytes> for StrBytes {
    type Error = NotUtf8;

    fn try_from(bytes: Bytes) -> Result<Self, NotUtf8> {
        // ASCII (nearly every header value) is checked a word at a time; the full UTF-8
        // check has a fixed cost that dominates for short strings.
        if bytes.is_ascii() || core::str::from_utf8(&bytes).is_ok() {
            Ok(StrBytes(Repr::Shared(bytes)))
        } else {
            Err(NotUtf8)
        }
    }
}

impl From<&str> for StrBytes {
    fn from(s: &str) -> Self {
        StrBytes(Repr::Shared(Bytes::copy_from_slice(s.as_bytes())))
    }
}

impl From<String> for StrBytes {
    fn from(s: String) -> Self {
        StrBytes(Repr::Shared(Bytes::from(s)))
    }
}

impl PartialEq<str> for StrBytes {
    fn eq(&self, other: &str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl PartialEq<&str> for StrBytes {
    fn eq(&self, other: &&str) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl fmt::Debug for StrBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for StrBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A header value: one of the ten wire types (the two booleans share [`HeaderValue::Bool`]).
///
/// ```
/// use eventstream::HeaderValue;
///
/// let v = HeaderValue::string("application/json");
/// assert_eq!(v.as_str(), Some("application/json"));
/// assert_eq!(v.type_code(), 7);
/// assert_eq!(HeaderValue::Bool(false).type_code(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// Type 0 (`true`) or 1 (`false`); no value bytes.
    Bool(bool),
    /// Type 2: one signed byte.
    Byte(i8),
    /// Type 3: big-endian `i16`.
    Int16(i16),
    /// Type 4: big-endian `i32`.
    Int32(i32),
    /// Type 5: big-endian `i64`.
    Int64(i64),
    /// Type 6: up to 65535 bytes.
    ByteArray(Bytes),
    /// Type 7: up to 65535 bytes of UTF-8.
    String(StrBytes),
    /// Type 8: milliseconds since the Unix epoch, big-endian `i64`.
    Timestamp(i64),
    /// Type 9: 16 bytes.
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// A string value (copies `s`).
    pub fn string(s: &str) -> Self {
        HeaderValue::String(StrBytes::from(s))
    }

    /// The string, if this is a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The bytes, if this is a byte array value.
    pub fn as_byte_array(&self) -> Option<&Bytes> {
        match self {
            HeaderValue::ByteArray(b) => Some(b),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            HeaderValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The integer, if this is a byte, int16, int32 or int64 value (not a timestamp).
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            HeaderValue::Byte(v) => Some(i64::from(v)),
            HeaderValue::Int16(v) => Some(i64::from(v)),
            HeaderValue::Int32(v) => Some(i64::from(v)),
            HeaderValue::Int64(v) => Some(v),
            _ => None,
        }
    }

    /// The wire type code (0 to 9).
    pub fn type_code(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => TYPE_BOOL_TRUE,
            HeaderValue::Bool(false) => TYPE_BOOL_FALSE,
            HeaderValue::Byte(_) => TYPE_BYTE,
            HeaderValue::Int16(_) => TYPE_INT16,
            HeaderValue::Int32(_) => TYPE_INT32,
            HeaderValue::Int64(_) => TYPE_INT64,
            HeaderValue::ByteArray(_) => TYPE_BYTE_ARRAY,
            HeaderValue::String(_) => TYPE_STRING,
            HeaderValue::Timestamp(_) => TYPE_TIMESTAMP,
            HeaderValue::Uuid(_) => TYPE_UUID,
        }
    }

    /// Bytes after the type byte on the wire.
    fn value_len(&self) -> usize {
        match self {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Int16(_) => 2,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::ByteArray(b) => 2 + b.len(),
            HeaderValue::String(s) => 2 + s.len(),
            HeaderValue::Uuid(_) => 16,
        }
    }
}

/// Prints booleans and numbers plainly, strings as they are, byte arrays as `0x` + hex, timestamps
/// as `<ms>ms`, and UUIDs in the 8-4-4-4-12 hex form.
impl fmt::Display for HeaderValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderValue::Bool(v) => write!(f, "{v}"),
            HeaderValue::Byte(v) => write!(f, "{v}"),
            HeaderValue::Int16(v) => write!(f, "{v}"),
            HeaderValue::Int32(v) => write!(f, "{v}"),
            HeaderValue::Int64(v) => write!(f, "{v}"),
            HeaderValue::ByteArray(b) => {
                f.write_str("0x")?;
                b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            HeaderValue::String(s) => f.write_str(s.as_str()),
            HeaderValue::Timestamp(ms) => write!(f, "{ms}ms"),
            HeaderValue::Uuid(u) => {
                for (i, byte) in u.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
        }
    }
}

/// One header: a name and a typed value.
///
/// ```
/// use eventstream::{Header, HeaderValue};
///
/// let h = Header::new(":event-type", HeaderValue::string("chunk"));
/// assert_eq!(h.name(), ":event-type");
/// assert_eq!(h.value().as_str(), Some("chunk"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Header {
    name: StrBytes,
    value: HeaderValue,
}

impl Header {
    /// A header (copies `name`). Names longer than 255 bytes, or empty, are refused when the
    /// message is encoded.
    pub fn new(name: &str, value: HeaderValue) -> Self {
        Header {
            name: StrBytes::from(name),
            value,
        }
    }

    /// A header from an already-built name (no copy).
    pub const fn from_parts(name: StrBytes, value: HeaderValue) -> Self {
        Header { name, value }
    }

    /// The name.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The name as [`StrBytes`] (a slice of the decoded frame when decoded).
    pub fn name_bytes(&self) -> &StrBytes {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &HeaderValue {
        &self.value
    }

    /// Splits the header into its name and value.
    pub fn into_parts(self) -> (StrBytes, HeaderValue) {
        (self.name, self.value)
    }

    /// Bytes this header takes on the wire.
    pub(crate) fn encoded_len(&self) -> usize {
        1 + self.name.len() + 1 + self.value.value_len()
    }

    /// Why this header cannot be encoded, if it cannot.
    pub(crate) fn encode_problem(&self) -> Option<HeaderProblem> {
        let len = self.name.len();
        if len == 0 {
            return Some(HeaderProblem::EmptyName);
        }
        if len > MAX_NAME_LEN {
            return Some(HeaderProblem::NameTooLong { len });
        }
        let value_len = match &self.value {
            HeaderValue::ByteArray(b) => b.len(),
            HeaderValue::String(s) => s.len(),
            _ => 0,
        };
        if value_len > MAX_VALUE_LEN {
            return Some(HeaderProblem::ValueTooLong { len: value_len });
        }
        None
    }

    /// Appends the wire form. The caller has checked [`Header::encode_problem`].
    pub(crate) fn encode_unchecked(&self, out: &mut Vec<u8>) {
        // Both casts are in range: `encode_problem` returned `None`.
        out.push(u8::try_from(self.name.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(self.name.as_bytes());
        out.push(self.value.type_code());
        match &self.value {
            HeaderValue::Bool(_) => {}
            HeaderValue::Byte(v) => out.extend_from_slice(&v.to_be_bytes()),
            HeaderValue::Int16(v) => out.extend_from_slice(&v.to_be_bytes()),
            HeaderValue::Int32(v) => out.extend_from_slice(&v.to_be_bytes()),
            HeaderValue::Int64(v) | HeaderValue::Timestamp(v) => {
                out.extend_from_slice(&v.to_be_bytes());
            }
            HeaderValue::ByteArray(b) => {
                out.extend_from_slice(&u16::try_from(b.len()).unwrap_or(u16::MAX).to_be_bytes());
                out.extend_from_slice(b);
            }
            HeaderValue::String(s) => {
                out.extend_from_slice(&u16::try_from(s.len()).unwrap_or(u16::MAX).to_be_bytes());
                out.extend_from_slice(s.as_bytes());
            }
            HeaderValue::Uuid(u) => out.extend_from_slice(u),
        }
    }
}

/// Parses the header block `frame[start..end]` into headers whose byte/string values are slices
/// of `frame`, and whose names are too, except the well-known names, which are static.
/// `offset` is the frame's stream offset, for errors.
pub(crate) fn parse_block(
    frame: &Bytes,
    start: usize,
    end: usize,
    offset: u64,
) -> Result<Vec<Header>, Error> {
    let mut headers = Vec::new();
    let block = frame.get(..end).unwrap_or_default();
    let mut pos = start;
    while pos < end {
        let header_start = pos;
        let fail = |problem| Error::InvalidHeader {
            offset,
            header_offset: offset + header_start as u64,
            problem,
        };
        let mut cursor = Cursor { block, pos };

        let name_len = cursor.u8().ok_or_else(|| fail(HeaderProblem::EmptyName))?;
        if name_len == 0 {
            return Err(fail(HeaderProblem::EmptyName));
        }
        let name_range = cursor
            .take(usize::from(name_len))
            .ok_or_else(|| fail(HeaderProblem::NameOutOfBounds { len: name_len }))?;
        let name = match block.get(name_range.clone()).and_then(well_known_name) {
            Some(name) => name,
            None => StrBytes::try_from(frame.slice(name_range))
                .map_err(|_| fail(HeaderProblem::NameNotUtf8))?,
        };

        let type_code = cursor
            .u8()
            .ok_or_else(|| fail(HeaderProblem::MissingValueType))?;
        let out_of_bounds = || fail(HeaderProblem::ValueOutOfBounds { type_code });
        let value = match type_code {
            TYPE_BOOL_TRUE => HeaderValue::Bool(true),
            TYPE_BOOL_FALSE => HeaderValue::Bool(false),
            TYPE_BYTE => {
                HeaderValue::Byte(i8::from_be_bytes(cursor.array().ok_or_else(out_of_bounds)?))
            }
            TYPE_INT16 => HeaderValue::Int16(i16::from_be_bytes(
                cursor.array().ok_or_else(out_of_bounds)?,
            )),
            TYPE_INT32 => HeaderValue::Int32(i32::from_be_bytes(
                cursor.array().ok_or_else(out_of_bounds)?,
            )),
            TYPE_INT64 => HeaderValue::Int64(i64::from_be_bytes(
                cursor.array().ok_or_else(out_of_bounds)?,
            )),
            TYPE_TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(
                cursor.array().ok_or_else(out_of_bounds)?,
            )),
            TYPE_UUID => HeaderValue::Uuid(cursor.array().ok_or_else(out_of_bounds)?),
            TYPE_BYTE_ARRAY | TYPE_STRING => {
                let len = u16::from_be_bytes(cursor.array().ok_or_else(out_of_bounds)?);
                let range = cursor.take(usize::from(len)).ok_or_else(out_of_bounds)?;
                if type_code == TYPE_STRING {
                    match block.get(range.clone()).and_then(well_known_value) {
                        Some(known) => HeaderValue::String(known),
                        None => HeaderValue::String(
                            StrBytes::try_from(frame.slice(range))
                                .map_err(|_| fail(HeaderProblem::StringNotUtf8))?,
                        ),
                    }
                } else {
                    HeaderValue::ByteArray(frame.slice(range))
                }
            }
            _ => return Err(fail(HeaderProblem::UnknownValueType { type_code })),
        };
        headers.push(Header { name, value });
        pos = cursor.pos;
    }
    Ok(headers)
}

/// The header names every frame of a typical stream repeats, as static strings: decoding them
/// costs neither a reference count on the frame nor a UTF-8 check (nor one in `as_str`).
fn well_known_name(raw: &[u8]) -> Option<StrBytes> {
    let name = match raw {
        b":event-type" => ":event-type",
        b":content-type" => ":content-type",
        b":message-type" => ":message-type",
        b":exception-type" => ":exception-type",
        b":error-code" => ":error-code",
        b":error-message" => ":error-message",
        b":date" => ":date",
        b":chunk-signature" => ":chunk-signature",
        _ => return None,
    };
    Some(StrBytes::from_static(name))
}

/// The string header values every frame of an AWS event stream repeats (the `:message-type`
/// values and the usual `:content-type`), as static strings, for the same reason. Event and
/// exception types belong to the service and stay slices of the frame.
fn well_known_value(raw: &[u8]) -> Option<StrBytes> {
    let value = match raw {
        b"event" => "event",
        b"exception" => "exception",
        b"error" => "error",
        b"application/json" => "application/json",
        _ => return None,
    };
    Some(StrBytes::from_static(value))
}

/// A bounds-checked reader over the header block (`block` ends where the header block ends).
struct Cursor<'a> {
    block: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn u8(&mut self) -> Option<u8> {
        let byte = *self.block.get(self.pos)?;
        self.pos += 1;
        Some(byte)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.pos.checked_add(N)?;
        let bytes = self.block.get(self.pos..end)?.try_into().ok()?;
        self.pos = end;
        Some(bytes)
    }

    /// The range of the next `len` bytes, if they are inside the block.
    fn take(&mut self, len: usize) -> Option<core::ops::Range<usize>> {
        let end = self.pos.checked_add(len)?;
        if end > self.block.len() {
            return None;
        }
        let range = self.pos..end;
        self.pos = end;
        Some(range)
    }
}
