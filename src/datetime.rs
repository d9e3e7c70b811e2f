//! Dates and times on the wire, by hand: RFC 3339 (credential expirations), the HTTP date
//! (IMF-fixdate: the `Date` header, `Retry-After`), and the UTC day (the cost ledger's buckets).
//!
//! Times are [`SystemTime`]s; the calendar arithmetic is [`sigv4::civil`] (Howard Hinnant's
//! `days_from_civil` / `civil_from_days`). Parsing never panics: a malformed or impossible value
//! is a [`DateTimeError`] that names the format, the byte offset and what was expected there.
//!
//! ```
//! use bedrock_wire::datetime::{UtcDate, format_http_date, format_rfc3339, parse_http_date, parse_rfc3339};
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! let t = parse_rfc3339("2026-11-22T01:30:00+02:00")?;
//! assert_eq!(format_rfc3339(t), "2026-11-21T23:30:00Z");
//! assert_eq!(UtcDate::of(t).to_string(), "2026-11-21");
//! assert_eq!(format_http_date(t), "Sat, 21 Nov 2026 23:30:00 GMT");
//! assert_eq!(parse_http_date("Sat, 21 Nov 2026 23:30:00 GMT")?, t);
//!
//! let err = parse_rfc3339("2026-02-30T00:00:00Z").unwrap_err();
//! assert_eq!(err.to_string(), "invalid RFC 3339 time at byte 8: day out of range");
//! # Ok::<(), bedrock_wire::datetime::DateTimeError>(())
//! ```

use sigv4::civil::{self, SECONDS_PER_DAY, UtcDateTime};
use std::fmt;
use std::time::SystemTime;

/// The formats this module parses, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateFormat {
    /// RFC 3339: `2026-11-21T23:00:00Z`, `2026-11-21T23:00:00.5+01:00`.
    Rfc3339,
    /// The HTTP date of RFC 9110 (IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
    HttpDate,
}

impl fmt::Display for DateFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rfc3339 => "RFC 3339 time",
            Self::HttpDate => "HTTP date",
        })
    }
}

/// Why a date or time could not be parsed. Offsets are bytes into the text as given (leading
/// whitespace included); the text itself is not copied into the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateTimeError {
    /// The text ended, or a byte is not what the format has there.
    Expected {
        /// The format being parsed.
        format: DateFormat,
        /// Byte offset of the first byte that does not fit (the length if the text ended).
        offset: usize,
        /// What the format has at that place, e.g. `"2-digit month"` or `"':'"`.
        expected: &'static str,
    },
    /// A field is well-formed but impossible: month 13, 30 February, hour 24, offset +24:00, or
    /// a leap second (`:60`) that is not the last second of a month in UTC.
    OutOfRange {
        /// The format being parsed.
        format: DateFormat,
        /// Byte offset of the field.
        offset: usize,
        /// The field: `"month"`, `"day"`, `"hour"`, `"minute"`, `"second"`, `"offset hour"`,
        /// `"offset minute"`.
        field: &'static str,
    },
    /// A complete value is followed by more text.
    TrailingInput {
        /// The format being parsed.
        format: DateFormat,
        /// Byte offset of the first extra byte.
        offset: usize,
    },
    /// The time is valid but this platform's `SystemTime` cannot hold it.
    Unrepresentable {
        /// The format being parsed.
        format: DateFormat,
    },
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expected {
                format,
                offset,
                expected,
            } => write!(f, "invalid {format} at byte {offset}: expected {expected}"),
            Self::OutOfRange {
                format,
                offset,
                field,
            } => write!(f, "invalid {format} at byte {offset}: {field} out of range"),
            Self::TrailingInput { format, offset } => {
                write!(
                    f,
                    "invalid {format} at byte {offset}: unexpected trailing text"
                )
            }
            Self::Unrepresentable { format } => {
                write!(f, "{format} is outside the range of the system clock")
            }
        }
    }
}

impl std::error::Error for DateTimeError {}

/// A byte cursor over the text being parsed; every failure carries the format and offset.
struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    format: DateFormat,
}

impl Cursor<'_> {
    fn expected(&self, expected: &'static str) -> DateTimeError {
        DateTimeError::Expected {
            format: self.format,
            offset: self.at,
            expected,
        }
    }

    fn out_of_range(&self, offset: usize, field: &'static str) -> DateTimeError {
        DateTimeError::OutOfRange {
            format: self.format,
            offset,
            field,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// Exactly `n` ASCII digits (n <= 9), as a number (a non-digit is reported where it is).
    fn digits(&mut self, n: usize, what: &'static str) -> Result<u32, DateTimeError> {
        let mut value = 0;
        for _ in 0..n {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    value = value * 10 + u32::from(c - b'0');
                    self.at += 1;
                }
                _ => return Err(self.expected(what)),
            }
        }
        Ok(value)
    }

    /// The literal `lit` (a mismatch is reported at the literal's start).
    fn literal(&mut self, lit: &'static str, what: &'static str) -> Result<(), DateTimeError> {
        if self.text.get(self.at..self.at + lit.len()) != Some(lit.as_bytes()) {
            return Err(self.expected(what));
        }
        self.at += lit.len();
        Ok(())
    }

    /// One of `names` (each 3 bytes, case-sensitive); its index.
    fn name(&mut self, names: &[&str], what: &'static str) -> Result<usize, DateTimeError> {
        let got = self.text.get(self.at..self.at + 3);
        let index = names
            .iter()
            .position(|n| Some(n.as_bytes()) == got)
            .ok_or_else(|| self.expected(what))?;
        self.at += 3;
        Ok(index)
    }

    fn end(&self) -> Result<(), DateTimeError> {
        if self.at == self.text.len() {
            Ok(())
        } else {
            Err(DateTimeError::TrailingInput {
                format: self.format,
                offset: self.at,
            })
        }
    }
}

/// The text without surrounding whitespace, and the offset of its first byte.
fn trimmed(text: &str) -> (&[u8], usize) {
    let start = text.len() - text.trim_start().len();
    let inner = text.trim();
    (inner.as_bytes(), start)
}

/// Offsets in errors are into the untrimmed text.
fn shift(err: DateTimeError, by: usize) -> DateTimeError {
    match err {
        DateTimeError::Expected {
            format,
            offset,
            expected,
        } => DateTimeError::Expected {
            format,
            offset: offset + by,
            expected,
        },
        DateTimeError::OutOfRange {
            format,
            offset,
            field,
        } => DateTimeError::OutOfRange {
            format,
            offset: offset + by,
            field,
        },
        DateTimeError::TrailingInput { format, offset } => DateTimeError::TrailingInput {
            format,
            offset: offset + by,
        },
        other @ DateTimeError::Unrepresentable { .. } => other,
    }
}

/// Parses an RFC 3339 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fractional seconds (any number
/// of digits; nanoseconds are kept, further digits dropped), then `Z` or `±HH:MM`.
///
/// Surrounding whitespace is ignored. Accepted as RFC 3339 §5.6 allows: `t` and `z` in lower
/// case, and any single ASCII character (e.g. a space) instead of the `T` separator. A leap second
/// (`:60`) is read as the last nanosecond before it, and only where one can occur (the last
/// second of a month, in UTC).
///
/// ```
/// use bedrock_wire::datetime::{DateFormat, DateTimeError, parse_rfc3339};
/// use std::time::{Duration, UNIX_EPOCH};
/// let t = parse_rfc3339("1970-01-02T00:00:01.25Z")?;
/// assert_eq!(t, UNIX_EPOCH + Duration::from_millis(86_401_250));
/// // An offset that crosses midnight (and a year) back to UTC.
/// assert_eq!(parse_rfc3339("1970-01-01T01:00:00+02:00")?, UNIX_EPOCH - Duration::from_secs(3600));
/// assert_eq!(
///     parse_rfc3339("2026-11-21T23:00:00"),
///     Err(DateTimeError::Expected { format: DateFormat::Rfc3339, offset: 19, expected: "'Z' or a '+hh:mm' / '-hh:mm' offset" })
/// );
/// # Ok::<(), DateTimeError>(())
/// ```
pub fn parse_rfc3339(text: &str) -> Result<SystemTime, DateTimeError> {
    let (inner, start) = trimmed(text);
    let mut c = Cursor {
        text: inner,
        at: 0,
        format: DateFormat::Rfc3339,
    };
    rfc3339(&mut c).map_err(|e| shift(e, start))
}

fn rfc3339(c: &mut Cursor<'_>) -> Result<SystemTime, DateTimeError> {
    let year = c.digits(4, "4-digit year")?;
    c.literal("-", "'-'")?;
    let month_at = c.at;
    let month = c.digits(2, "2-digit month")?;
    c.literal("-", "'-'")?;
    let day_at = c.at;
    let day = c.digits(2, "2-digit day")?;
    match c.peek() {
        Some(b) if b.is_ascii() => c.at += 1,
        _ => return Err(c.expected("'T'")),
    }
    let hour_at = c.at;
    let hour = c.digits(2, "2-digit hour")?;
    c.literal(":", "':'")?;
    let minute_at = c.at;
    let minute = c.digits(2, "2-digit minute")?;
    c.literal(":", "':'")?;
    let second_at = c.at;
    let second = c.digits(2, "2-digit second")?;
    let mut nanosecond = 0;
    if c.peek() == Some(b'.') {
        c.at += 1;
        let first = c.at;
        let mut scale = 100_000_000;
        while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
            nanosecond += u32::from(d - b'0') * scale;
            scale /= 10;
            c.at += 1;
        }
        if c.at == first {
            return Err(c.expected("fractional second digits"));
        }
    }
    let offset_at = c.at;
    let offset_secs: i64 = match c.peek() {
        Some(b'Z' | b'z') => {
            c.at += 1;
            0
        }
        Some(sign @ (b'+' | b'-')) => {
            c.at += 1;
            let h = c.digits(2, "2-digit offset hour")?;
            c.literal(":", "':'")?;
            let m = c.digits(2, "2-digit offset minute")?;
            if h > 23 {
                return Err(c.out_of_range(offset_at + 1, "offset hour"));
            }
            if m > 59 {
                return Err(c.out_of_range(offset_at + 4, "offset minute"));
            }
            let secs = i64::from(h * 3600 + m * 60);
            if sign == b'-' { -secs } else { secs }
        }
        _ => return Err(c.expected("'Z' or a '+hh:mm' / '-hh:mm' offset")),
    };
    c.end()?;

    if !(1..=12).contains(&month) {
        return Err(c.out_of_range(month_at, "month"));
    }
    if civil::days_from_civil(i64::from(year), month, day).is_none() {
        return Err(c.out_of_range(day_at, "day"));
    }
    if hour > 23 {
        return Err(c.out_of_range(hour_at, "hour"));
    }
    if minute > 59 {
        return Err(c.out_of_range(minute_at, "minute"));
    }
    let leap = second == 60;
    if second > 60 {
        return Err(c.out_of_range(second_at, "second"));
    }
    let local = UtcDateTime {
        year: i64::from(year),
        month,
        day,
        hour,
        minute,
        second: if leap { 59 } else { second },
        nanosecond: if leap { 999_999_999 } else { nanosecond },
    };
    let unrepresentable = DateTimeError::Unrepresentable {
        format: DateFormat::Rfc3339,
    };
    // Years 0000..=9999 and offsets under a day: no overflow is possible, but stay total.
    let secs = local
        .unix_seconds()
        .and_then(|s| s.checked_sub(offset_secs))
        .ok_or(unrepresentable)?;
    let t = civil::from_unix_parts(secs, local.nanosecond).ok_or(unrepresentable)?;
    if leap {
        let utc = UtcDateTime::from_system_time(t);
        let last_of_month = utc.day == civil::days_in_month(utc.year, utc.month);
        if !(last_of_month && utc.hour == 23 && utc.minute == 59) {
            return Err(c.out_of_range(second_at, "second"));
        }
    }
    Ok(t)
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an HTTP date in the IMF-fixdate form, `Sun, 06 Nov 1994 08:49:37 GMT`.
///
/// Surrounding whitespace is ignored; names are case-sensitive, as RFC 9110 writes them. The
/// weekday must be one of the seven names but is not checked against the date (a server's
/// mistake there should not lose its clock). A `+` or `-` before the year is accepted.
///
/// ```
/// use bedrock_wire::datetime::{DateFormat, DateTimeError, parse_http_date};
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")?, UNIX_EPOCH + Duration::from_secs(784_111_777));
/// assert_eq!(
///     parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"),
///     Err(DateTimeError::Expected { format: DateFormat::HttpDate, offset: 25, expected: "' GMT'" })
/// );
/// # Ok::<(), DateTimeError>(())
/// ```
pub fn parse_http_date(text: &str) -> Result<SystemTime, DateTimeError> {
    let (inner, start) = trimmed(text);
    let mut c = Cursor {
        text: inner,
        at: 0,
        format: DateFormat::HttpDate,
    };
    http_date(&mut c).map_err(|e| shift(e, start))
}

fn http_date(c: &mut Cursor<'_>) -> Result<SystemTime, DateTimeError> {
    c.name(&WEEKDAYS, "a weekday ('Mon' .. 'Sun')")?;
    c.literal(", ", "', '")?;
    let day_at = c.at;
    let day = c.digits(2, "2-digit day")?;
    c.literal(" ", "' '")?;
    let month = c.name(&MONTHS, "a month ('Jan' .. 'Dec')")?;
    c.literal(" ", "' '")?;
    let negative = match c.peek() {
        Some(b'+') => {
            c.at += 1;
            false
        }
        Some(b'-') => {
            c.at += 1;
            true
        }
        _ => false,
    };
    let year = i64::from(c.digits(4, "4-digit year")?);
    let year = if negative { -year } else { year };
    c.literal(" ", "' '")?;
    let hour_at = c.at;
    let hour = c.digits(2, "2-digit hour")?;
    c.literal(":", "':'")?;
    let minute_at = c.at;
    let minute = c.digits(2, "2-digit minute")?;
    c.literal(":", "':'")?;
    let second_at = c.at;
    let second = c.digits(2, "2-digit second")?;
    c.literal(" GMT", "' GMT'")?;
    c.end()?;

    // `month` is an index into MONTHS: 0..=11.
    let month = u32::try_from(month + 1).unwrap_or(0);
    if civil::days_from_civil(year, month, day).is_none() {
        return Err(c.out_of_range(day_at, "day"));
    }
    for (value, max, at, field) in [
        (hour, 23, hour_at, "hour"),
        (minute, 59, minute_at, "minute"),
        (second, 59, second_at, "second"),
    ] {
        if value > max {
            return Err(c.out_of_range(at, field));
        }
    }
    UtcDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanosecond: 0,
    }
    .to_system_time()
    .ok_or(DateTimeError::Unrepresentable {
        format: DateFormat::HttpDate,
    })
}

/// A year as at least four digits, with a `-` before year 0 (1 BC).
fn write_year(f: &mut impl fmt::Write, year: i64) -> fmt::Result {
    if year < 0 {
        write!(f, "-{:04}", year.unsigned_abs())
    } else {
        write!(f, "{year:04}")
    }
}

/// Formats `t` as an HTTP date (IMF-fixdate), `Sun, 06 Nov 1994 08:49:37 GMT`, in UTC
/// (sub-seconds dropped). Years outside 0000–9999 get more digits or a `-`, never a panic.
pub fn format_http_date(t: SystemTime) -> String {
    let u = UtcDateTime::from_system_time(t);
    let days = civil::unix_parts(t).0.div_euclid(SECONDS_PER_DAY);
    let weekday = WEEKDAYS
        .get(usize::try_from(civil::weekday_from_days(days)).unwrap_or(0))
        .unwrap_or(&"Sun");
    let month = MONTHS
        .get(usize::try_from(u.month).unwrap_or(1).saturating_sub(1))
        .unwrap_or(&"Jan");
    let mut out = String::with_capacity(29);
    let _ = write_http(&mut out, weekday, u, month);
    out
}

fn write_http(out: &mut String, weekday: &str, u: UtcDateTime, month: &str) -> fmt::Result {
    use fmt::Write;
    write!(out, "{weekday}, {:02} {month} ", u.day)?;
    write_year(out, u.year)?;
    write!(out, " {:02}:{:02}:{:02} GMT", u.hour, u.minute, u.second)
}

/// Formats `t` as RFC 3339 in UTC, `2026-11-21T23:00:00Z`, with the fractional seconds when
/// there are any (`...:00.25Z`, trailing zeros dropped). [`parse_rfc3339`] reads it back exactly.
/// Years outside 0000–9999 get more digits or a `-` (not RFC 3339 then), never a panic.
pub fn format_rfc3339(t: SystemTime) -> String {
    let u = UtcDateTime::from_system_time(t);
    let mut out = String::with_capacity(30);
    let _ = write_rfc3339(&mut out, u);
    out
}

fn write_rfc3339(out: &mut String, u: UtcDateTime) -> fmt::Result {
    use fmt::Write;
    write_year(out, u.year)?;
    write!(
        out,
        "-{:02}-{:02}T{:02}:{:02}:{:02}",
        u.month, u.day, u.hour, u.minute, u.second
    )?;
    if u.nanosecond != 0 {
        let digits = format!("{:09}", u.nanosecond);
        write!(out, ".{}", digits.trim_end_matches('0'))?;
    }
    out.write_char('Z')
}

/// A calendar day in UTC (proleptic Gregorian). Ordered by time; `Display` and `Debug` show
/// `YYYY-MM-DD`.
///
/// ```
/// use bedrock_wire::datetime::UtcDate;
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let day = UtcDate::of(UNIX_EPOCH + Duration::from_secs(951_782_400 + 86_399));
/// assert_eq!(day.to_string(), "2000-02-29");
/// assert_eq!((day.year(), day.month(), day.day()), (2000, 2, 29));
/// assert_eq!(day.next_day().map(|d| d.to_string()).as_deref(), Some("2000-03-01"));
/// assert_eq!(UtcDate::from_ymd(2100, 2, 29), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDate {
    /// Days since 1970-01-01.
    days: i64,
}

impl UtcDate {
    /// The UTC day of `t`.
    pub fn of(t: SystemTime) -> Self {
        UtcDate {
            days: civil::unix_parts(t).0.div_euclid(SECONDS_PER_DAY),
        }
    }

    /// The day `year`-`month`-`day`; `None` if there is no such date.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Option<Self> {
        civil::days_from_civil(year, month, day).map(|days| UtcDate { days })
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        self.days
    }

    /// The year.
    pub fn year(self) -> i64 {
        civil::civil_from_days(self.days).0
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        civil::civil_from_days(self.days).1
    }

    /// The day of the month, 1 to 31.
    pub fn day(self) -> u32 {
        civil::civil_from_days(self.days).2
    }

    /// The next day (`None` only at the end of the `i64` day count).
    pub fn next_day(self) -> Option<Self> {
        self.days.checked_add(1).map(|days| UtcDate { days })
    }

    /// The previous day (`None` only at the start of the `i64` day count).
    pub fn previous_day(self) -> Option<Self> {
        self.days.checked_sub(1).map(|days| UtcDate { days })
    }

    /// Midnight UTC at the start of the day, if the system clock's range reaches it.
    pub fn start(self) -> Option<SystemTime> {
        civil::from_unix_parts(self.days.checked_mul(SECONDS_PER_DAY)?, 0)
    }
}

impl fmt::Display for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day) = civil::civil_from_days(self.days);
        write_year(f, year)?;
        write!(f, "-{month:02}-{day:02}")
    }
}

impl fmt::Debug for UtcDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(secs: i64) -> SystemTime {
        civil::from_unix_parts(secs, 0).unwrap_or(UNIX_EPOCH)
    }

    fn expected(format: DateFormat, offset: usize, expected: &'static str) -> DateTimeError {
        DateTimeError::Expected {
            format,
            offset,
            expected,
        }
    }

    fn range(format: DateFormat, offset: usize, field: &'static str) -> DateTimeError {
        DateTimeError::OutOfRange {
            format,
            offset,
            field,
        }
    }

    #[test]
    fn rfc3339_valid_forms() {
        let t = at(1_795_302_000); // 2026-11-21T23:00:00Z
        for s in [
            "2026-11-21T23:00:00Z",
            "2026-11-21t23:00:00z",
            "2026-11-21 23:00:00Z",
            "  2026-11-21T23:00:00Z\n",
            "2026-11-21T23:00:00+00:00",
            "2026-11-21T23:00:00-00:00",
            "2026-11-22T00:30:00+01:30",
            "2026-11-21T18:00:00-05:00",
            "2026-11-21T23:00:00.000Z",
        ] {
            assert_eq!(parse_rfc3339(s), Ok(t), "{s}");
        }
        assert_eq!(
            parse_rfc3339("2026-11-21T23:00:00.5Z"),
            Ok(t + Duration::from_millis(500))
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T23:00:00.123456789Z"),
            Ok(t + Duration::from_nanos(123_456_789))
        );
        // Digits past nanoseconds are dropped (not rounded).
        assert_eq!(
            parse_rfc3339("2026-11-21T23:00:00.1234567899999Z"),
            Ok(t + Duration::from_nanos(123_456_789))
        );
    }

    #[test]
    fn rfc3339_offsets_cross_midnight_month_and_year() {
        // 2025-01-01T00:30+01:00 is 2024-12-31T23:30Z.
        assert_eq!(
            parse_rfc3339("2025-01-01T00:30:00+01:00").map(format_rfc3339),
            Ok("2024-12-31T23:30:00Z".to_owned())
        );
        // 2024-02-28T23:30-01:00 is the leap day.
        assert_eq!(
            parse_rfc3339("2024-02-28T23:30:00-01:00").map(format_rfc3339),
            Ok("2024-02-29T00:30:00Z".to_owned())
        );
        assert_eq!(
            parse_rfc3339("2100-02-28T23:30:00-01:00").map(format_rfc3339),
            Ok("2100-03-01T00:30:00Z".to_owned())
        );
        assert_eq!(
            parse_rfc3339("9999-12-31T23:59:59-23:59").map(format_rfc3339),
            Ok("10000-01-01T23:58:59Z".to_owned())
        );
        assert_eq!(
            parse_rfc3339("0000-01-01T00:00:00+00:01").map(format_rfc3339),
            Ok("-0001-12-31T23:59:00Z".to_owned())
        );
    }

    #[test]
    fn rfc3339_leap_seconds_only_at_the_end_of_a_month() {
        let end = parse_rfc3339("2016-12-31T23:59:59.999999999Z");
        assert!(end.is_ok());
        assert_eq!(parse_rfc3339("2016-12-31T23:59:60Z"), end);
        assert_eq!(parse_rfc3339("2017-01-01T00:59:60+01:00"), end);
        assert_eq!(
            parse_rfc3339("2016-12-30T23:59:60Z"),
            Err(range(DateFormat::Rfc3339, 17, "second"))
        );
        assert_eq!(
            parse_rfc3339("2016-12-31T23:59:61Z"),
            Err(range(DateFormat::Rfc3339, 17, "second"))
        );
    }

    #[test]
    fn rfc3339_invalid_forms_say_what_and_where() {
        use DateFormat::Rfc3339 as F;
        let cases: [(&str, DateTimeError); 20] = [
            ("", expected(F, 0, "4-digit year")),
            ("   ", expected(F, 3, "4-digit year")),
            ("26-11-21T23:00:00Z", expected(F, 2, "4-digit year")),
            ("2026/11/21T23:00:00Z", expected(F, 4, "'-'")),
            ("2026-1-21T23:00:00Z", expected(F, 6, "2-digit month")),
            ("2026-11-21", expected(F, 10, "'T'")),
            ("2026-11-21T23", expected(F, 13, "':'")),
            ("2026-11-21T23:00", expected(F, 16, "':'")),
            ("2026-11-21T23:00:0Z", expected(F, 18, "2-digit second")),
            (
                "2026-11-21T23:00:00.Z",
                expected(F, 20, "fractional second digits"),
            ),
            (
                "2026-11-21T23:00:00",
                expected(F, 19, "'Z' or a '+hh:mm' / '-hh:mm' offset"),
            ),
            ("2026-11-21T23:00:00+0100", expected(F, 22, "':'")),
            (
                "2026-11-21T23:00:00+1:00",
                expected(F, 21, "2-digit offset hour"),
            ),
            (
                "2026-11-21T23:00:00ZZ",
                DateTimeError::TrailingInput {
                    format: F,
                    offset: 20,
                },
            ),
            ("2026-13-21T23:00:00Z", range(F, 5, "month")),
            ("2026-00-21T23:00:00Z", range(F, 5, "month")),
            ("2023-02-29T23:00:00Z", range(F, 8, "day")),
            ("2026-11-21T24:00:00Z", range(F, 11, "hour")),
            ("2026-11-21T23:60:00Z", range(F, 14, "minute")),
            ("2026-11-21T23:00:00+24:00", range(F, 20, "offset hour")),
        ];
        for (s, want) in cases {
            assert_eq!(parse_rfc3339(s), Err(want), "{s:?}");
        }
        assert_eq!(
            parse_rfc3339("2026-11-21T23:00:00+01:60"),
            Err(range(F, 23, "offset minute"))
        );
        assert_eq!(
            parse_rfc3339("2026-11-21é23:00:00Z"),
            Err(expected(F, 10, "'T'"))
        );
        assert_eq!(
            parse_rfc3339("2026-11-21T23:00:00Z").map(|_| ()),
            Ok(()),
            "the baseline parses"
        );
    }

    #[test]
    fn http_dates_parse_and_format() {
        let t = at(784_111_777);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Ok(t));
        assert_eq!(parse_http_date(" Sun, 06 Nov 1994 08:49:37 GMT "), Ok(t));
        // The weekday is not checked against the date (as before).
        assert_eq!(parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT"), Ok(t));
        assert_eq!(parse_http_date("Sun, 06 Nov +1994 08:49:37 GMT"), Ok(t));
        assert_eq!(format_http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(format_http_date(at(-1)), "Wed, 31 Dec 1969 23:59:59 GMT");
        assert_eq!(
            format_http_date(at(951_782_400)),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
        assert_eq!(
            format_http_date(at(253_402_300_800)),
            "Sat, 01 Jan 10000 00:00:00 GMT"
        );
    }

    #[test]
    fn http_date_invalid_forms_say_what_and_where() {
        use DateFormat::HttpDate as F;
        let cases: [(&str, DateTimeError); 12] = [
            ("", expected(F, 0, "a weekday ('Mon' .. 'Sun')")),
            (
                "sun, 06 Nov 1994 08:49:37 GMT",
                expected(F, 0, "a weekday ('Mon' .. 'Sun')"),
            ),
            ("Sunday, 06 Nov 1994 08:49:37 GMT", expected(F, 3, "', '")),
            (
                "Sun, 6 Nov 1994 08:49:37 GMT",
                expected(F, 6, "2-digit day"),
            ),
            ("Sun, 06 November 1994 08:49:37 GMT", expected(F, 11, "' '")),
            (
                "Sun, 06 nov 1994 08:49:37 GMT",
                expected(F, 8, "a month ('Jan' .. 'Dec')"),
            ),
            (
                "Sun, 06 Nov 94 08:49:37 GMT",
                expected(F, 14, "4-digit year"),
            ),
            ("Sun, 06 Nov 1994 08:49:37", expected(F, 25, "' GMT'")),
            (
                "Sun, 06 Nov 1994 08:49:37 GMT+1",
                DateTimeError::TrailingInput {
                    format: F,
                    offset: 29,
                },
            ),
            ("Sun, 31 Nov 1994 08:49:37 GMT", range(F, 5, "day")),
            ("Sun, 06 Nov 1994 24:49:37 GMT", range(F, 17, "hour")),
            ("Sun, 06 Nov 1994 08:49:60 GMT", range(F, 23, "second")),
        ];
        for (s, want) in cases {
            assert_eq!(parse_http_date(s), Err(want), "{s:?}");
        }
        // The obsolete RFC 850 and asctime forms are not IMF-fixdate.
        assert!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").is_err());
        assert!(parse_http_date("Sun Nov  6 08:49:37 1994").is_err());
    }

    #[test]
    fn rfc3339_formatting_round_trips() {
        for (secs, nanos, want) in [
            (0, 0, "1970-01-01T00:00:00Z"),
            (-1, 500_000_000, "1969-12-31T23:59:59.5Z"),
            (1_795_302_000, 1, "2026-11-21T23:00:00.000000001Z"),
            (253_402_300_799, 0, "9999-12-31T23:59:59Z"),
        ] {
            let t = civil::from_unix_parts(secs, nanos).unwrap_or(UNIX_EPOCH);
            assert_eq!(format_rfc3339(t), want);
            assert_eq!(parse_rfc3339(want), Ok(t), "{want}");
        }
    }

    #[test]
    fn utc_days() {
        let midnight = at(951_782_400); // 2000-02-29
        let d = UtcDate::of(midnight);
        assert_eq!(format!("{d} {d:?}"), "2000-02-29 2000-02-29");
        assert_eq!(
            UtcDate::of(midnight - Duration::from_nanos(1)),
            d.previous_day().unwrap_or(d)
        );
        assert_eq!(UtcDate::of(midnight + Duration::from_secs(86_399)), d);
        assert_eq!(
            UtcDate::of(midnight + Duration::from_secs(86_400)),
            d.next_day().unwrap_or(d)
        );
        assert_eq!(d.start(), Some(midnight));
        assert_eq!(UtcDate::from_ymd(2000, 2, 29), Some(d));
        assert_eq!(UtcDate::from_ymd(1900, 2, 29), None);
        assert!(UtcDate::from_ymd(1999, 12, 31) < Some(d));
        assert_eq!(UtcDate::of(UNIX_EPOCH).days_since_epoch(), 0);
        assert_eq!(UtcDate::of(at(-1)).to_string(), "1969-12-31");
        assert_eq!(
            UtcDate::from_ymd(-1, 12, 31)
                .map(|d| d.to_string())
                .as_deref(),
            Some("-0001-12-31")
        );
    }
}
