//! `x-amz-date` formatting and parsing (`YYYYMMDDTHHMMSSZ`, always UTC).
//!
//! The civil date is computed from the Unix timestamp with Howard Hinnant's `civil_from_days`,
//! so any `OffsetDateTime` (whatever its offset) formats without panicking.

use crate::Error;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// A formatted signing time: `YYYYMMDDTHHMMSSZ`, and its first 8 bytes are the scope date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate {
    buf: [u8; 16],
}

impl AmzDate {
    /// Formats `time` in UTC; years outside 0000–9999 are an error.
    pub(crate) fn new(time: OffsetDateTime) -> Result<Self, Error> {
        let (y, mo, d, h, mi, s) = civil_utc(time);
        if !(0..=9999).contains(&y) {
            return Err(Error::TimeOutOfRange);
        }
        let mut buf = *b"00000000T000000Z";
        // y is 0..=9999 here, every other field fits two digits.
        let y = u32::try_from(y).unwrap_or(0);
        put_digits(&mut buf, 0, y, 4);
        put_digits(&mut buf, 4, mo, 2);
        put_digits(&mut buf, 6, d, 2);
        put_digits(&mut buf, 9, h, 2);
        put_digits(&mut buf, 11, mi, 2);
        put_digits(&mut buf, 13, s, 2);
        Ok(AmzDate { buf })
    }

    /// The whole `YYYYMMDDTHHMMSSZ`.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf).unwrap_or_default()
    }

    /// The scope date `YYYYMMDD`.
    pub(crate) fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or_default()
    }
}

/// The scope date `YYYYMMDD` of a calendar date (years outside 0000–9999 are an error).
pub(crate) fn scope_date(date: Date) -> Result<[u8; 8], Error> {
    let y = date.year();
    if !(0..=9999).contains(&y) {
        return Err(Error::TimeOutOfRange);
    }
    let mut buf = *b"00000000";
    put_digits(&mut buf, 0, u32::try_from(y).unwrap_or(0), 4);
    put_digits(&mut buf, 4, u32::from(u8::from(date.month())), 2);
    put_digits(&mut buf, 6, u32::from(date.day()), 2);
    Ok(buf)
}

fn put_digits(buf: &mut [u8], at: usize, mut value: u32, width: usize) {
    for i in (0..width).rev() {
        if let Some(slot) = buf.get_mut(at + i) {
            // value % 10 < 10, so the cast cannot truncate.
            *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
        }
        value /= 10;
    }
}

/// (year, month, day, hour, minute, second) of `time` in UTC.
fn civil_utc(time: OffsetDateTime) -> (i64, u32, u32, u32, u32, u32) {
    if time.offset().is_utc() {
        // Already UTC (the usual case): the fields are stored, no arithmetic needed.
        return (
            i64::from(time.year()),
            u32::from(u8::from(time.month())),
            u32::from(time.day()),
            u32::from(time.hour()),
            u32::from(time.minute()),
            u32::from(time.second()),
        );
    }
    let ts = time.unix_timestamp();
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Hinnant's civil_from_days, valid for the whole range `time` can represent.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    (
        y,
        small(m),
        small(d),
        small(secs / 3600),
        small(secs % 3600 / 60),
        small(secs % 60),
    )
}

/// Formats a time as an `x-amz-date` value, `YYYYMMDDTHHMMSSZ`, in UTC (sub-seconds dropped).
///
/// ```
/// use time::macros::datetime;
/// assert_eq!(sigv4::format_amz_date(datetime!(2015-08-30 12:36:00 UTC)), "20150830T123600Z");
/// // Any offset is converted to UTC first.
/// assert_eq!(sigv4::format_amz_date(datetime!(2015-08-30 14:36:00.9 +02:00)), "20150830T123600Z");
/// ```
///
/// Years outside 0000–9999 (which [`sign`](crate::sign) rejects) are written with as many digits
/// as they need.
pub fn format_amz_date(time: OffsetDateTime) -> String {
    if let Ok(d) = AmzDate::new(time) {
        d.as_str().to_owned()
    } else {
        let (y, mo, d, h, mi, s) = civil_utc(time);
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }
}

/// Parses an `x-amz-date` value, `YYYYMMDDTHHMMSSZ`, into a UTC time.
///
/// ```
/// use time::macros::datetime;
/// assert_eq!(sigv4::parse_amz_date("20150830T123600Z")?, datetime!(2015-08-30 12:36:00 UTC));
/// assert!(sigv4::parse_amz_date("20150230T123600Z").is_err()); // no 30 February
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn parse_amz_date(s: &str) -> Result<OffsetDateTime, Error> {
    let b = s.as_bytes();
    if b.len() != 16 {
        return Err(Error::InvalidAmzDate {
            offset: b.len().min(16),
        });
    }
    for (i, &c) in b.iter().enumerate() {
        let ok = match i {
            8 => c == b'T',
            15 => c == b'Z',
            _ => c.is_ascii_digit(),
        };
        if !ok {
            return Err(Error::InvalidAmzDate { offset: i });
        }
    }
    let num = |from: usize, to: usize| -> u32 {
        b.get(from..to)
            .unwrap_or_default()
            .iter()
            .fold(0u32, |acc, &c| acc * 10 + u32::from(c - b'0'))
    };
    let small = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    let year = i32::try_from(num(0, 4)).unwrap_or(0);
    let month =
        Month::try_from(small(num(4, 6))).map_err(|_| Error::InvalidAmzDate { offset: 4 })?;
    let date = Date::from_calendar_date(year, month, small(num(6, 8)))
        .map_err(|_| Error::InvalidAmzDate { offset: 6 })?;
    let time = Time::from_hms(small(num(9, 11)), small(num(11, 13)), small(num(13, 15)))
        .map_err(|_| Error::InvalidAmzDate { offset: 9 })?;
    Ok(PrimitiveDateTime::new(date, time).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn formats_and_round_trips() {
        let t = datetime!(2015-08-30 12:36:00 UTC);
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        assert_eq!(parse_amz_date("20150830T123600Z"), Ok(t));
        let leap = datetime!(2024-02-29 23:59:59 UTC);
        assert_eq!(parse_amz_date(&format_amz_date(leap)), Ok(leap));
        assert_eq!(
            format_amz_date(datetime!(1970-01-01 0:00 UTC)),
            "19700101T000000Z"
        );
        assert_eq!(
            format_amz_date(datetime!(1969-12-31 23:59:59 UTC)),
            "19691231T235959Z"
        );
        assert_eq!(
            format_amz_date(datetime!(0000-01-01 0:00 UTC)),
            "00000101T000000Z"
        );
    }

    #[test]
    fn offsets_are_converted_to_utc() {
        assert_eq!(
            format_amz_date(datetime!(2015-08-31 01:00 +12:00)),
            "20150830T130000Z"
        );
        assert_eq!(
            format_amz_date(datetime!(9999-12-31 23:00 -05:00)),
            "100000101T040000Z"
        );
        assert_eq!(
            AmzDate::new(datetime!(9999-12-31 23:00 -05:00)),
            Err(Error::TimeOutOfRange)
        );
        assert_eq!(
            AmzDate::new(datetime!(-0001-12-31 23:00 UTC)),
            Err(Error::TimeOutOfRange)
        );
    }

    #[test]
    fn utc_fast_path_agrees_with_the_arithmetic() {
        let offset = time::UtcOffset::from_hms(5, 30, 0).unwrap();
        for ts in [
            0_i64,
            1,
            86_399,
            951_782_400,
            1_748_779_200,
            4_102_444_799,
            -1,
            -86_401,
        ] {
            let utc = OffsetDateTime::from_unix_timestamp(ts).unwrap();
            assert_eq!(civil_utc(utc), civil_utc(utc.to_offset(offset)), "{ts}");
        }
    }

    #[test]
    fn rejects_malformed_dates_with_offsets() {
        assert_eq!(parse_amz_date(""), Err(Error::InvalidAmzDate { offset: 0 }));
        assert_eq!(
            parse_amz_date("20150830X123600Z"),
            Err(Error::InvalidAmzDate { offset: 8 })
        );
        assert_eq!(
            parse_amz_date("20150830T123600z"),
            Err(Error::InvalidAmzDate { offset: 15 })
        );
        assert_eq!(
            parse_amz_date("20151330T123600Z"),
            Err(Error::InvalidAmzDate { offset: 4 })
        );
        assert_eq!(
            parse_amz_date("20150830T246000Z"),
            Err(Error::InvalidAmzDate { offset: 9 })
        );
        assert!(parse_amz_date("2015083１T12360Z").is_err());
    }

    #[test]
    fn scope_dates() {
        assert_eq!(&scope_date(date!(2015 - 08 - 30)).unwrap(), b"20150830");
    }
}
