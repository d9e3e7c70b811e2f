//! `x-amz-date` formatting and parsing (`YYYYMMDDTHHMMSSZ`, always UTC).
//!
//! The civil date comes from [`crate::civil`] (Howard Hinnant's `civil_from_days`), so any
//! `SystemTime`, before 1970 too, formats without panicking.

use crate::Error;
use crate::civil::{UtcDateTime, days_from_civil, from_unix_parts};
use std::time::SystemTime;

/// A formatted signing time: `YYYYMMDDTHHMMSSZ`, and its first 8 bytes are the scope date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AmzDate {
    buf: [u8; 16],
}

impl AmzDate {
    /// Formats `time` in UTC; years outside 0000–9999 are an error.
    pub(crate) fn new(time: SystemTime) -> Result<Self, Error> {
        let t = UtcDateTime::from_system_time(time);
        // y is 0..=9999 here, every other field fits two digits.
        let y = u32::try_from(t.year)
            .ok()
            .filter(|y| *y <= 9999)
            .ok_or(Error::TimeOutOfRange)?;
        let mut buf = *b"00000000T000000Z";
        put_digits(&mut buf, 0, y, 4);
        put_digits(&mut buf, 4, t.month, 2);
        put_digits(&mut buf, 6, t.day, 2);
        put_digits(&mut buf, 9, t.hour, 2);
        put_digits(&mut buf, 11, t.minute, 2);
        put_digits(&mut buf, 13, t.second, 2);
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

/// The scope date `YYYYMMDD` of the UTC day of `time` (years outside 0000–9999 are an error).
pub(crate) fn scope_date(time: SystemTime) -> Result<[u8; 8], Error> {
    let d = AmzDate::new(time)?;
    let mut buf = [0u8; 8];
    for (dst, src) in buf.iter_mut().zip(d.buf.iter()) {
        *dst = *src;
    }
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

/// Formats a time as an `x-amz-date` value, `YYYYMMDDTHHMMSSZ`, in UTC (sub-seconds dropped).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// // 2015-08-30 12:36:00 UTC
/// let t = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// assert_eq!(sigv4::format_amz_date(t), "20150830T123600Z");
/// assert_eq!(sigv4::format_amz_date(t + Duration::from_millis(900)), "20150830T123600Z");
/// assert_eq!(sigv4::format_amz_date(UNIX_EPOCH - Duration::from_secs(1)), "19691231T235959Z");
/// ```
///
/// Years outside 0000–9999 (which [`sign`](crate::sign) rejects) are written with as many digits
/// as they need, negative years with a `-`: never a panic.
pub fn format_amz_date(time: SystemTime) -> String {
    if let Ok(d) = AmzDate::new(time) {
        d.as_str().to_owned()
    } else {
        let t = UtcDateTime::from_system_time(time);
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        )
    }
}

/// Parses an `x-amz-date` value, `YYYYMMDDTHHMMSSZ`, into a UTC time.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(sigv4::parse_amz_date("20150830T123600Z")?, UNIX_EPOCH + Duration::from_secs(1_440_938_160));
/// assert!(sigv4::parse_amz_date("20150230T123600Z").is_err()); // no 30 February
/// # Ok::<(), sigv4::Error>(())
/// ```
pub fn parse_amz_date(s: &str) -> Result<SystemTime, Error> {
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
    let month = num(4, 6);
    if !(1..=12).contains(&month) {
        return Err(Error::InvalidAmzDate { offset: 4 });
    }
    let days = days_from_civil(i64::from(num(0, 4)), month, num(6, 8))
        .ok_or(Error::InvalidAmzDate { offset: 6 })?;
    let (h, mi, sec) = (num(9, 11), num(11, 13), num(13, 15));
    if h > 23 || mi > 59 || sec > 59 {
        return Err(Error::InvalidAmzDate { offset: 9 });
    }
    let secs = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
    // Not every platform's SystemTime reaches back to year 0000 (Windows starts at 1601).
    from_unix_parts(secs, 0).ok_or(Error::TimeOutOfRange)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn at(year: i64, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> SystemTime {
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
        .unwrap_or(UNIX_EPOCH)
    }

    #[test]
    fn formats_and_round_trips() {
        let t = at(2015, 8, 30, 12, 36, 0);
        assert_eq!(t, UNIX_EPOCH + Duration::from_secs(1_440_938_160));
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        assert_eq!(parse_amz_date("20150830T123600Z"), Ok(t));
        let leap = at(2024, 2, 29, 23, 59, 59);
        assert_eq!(parse_amz_date(&format_amz_date(leap)), Ok(leap));
        assert_eq!(format_amz_date(at(1970, 1, 1, 0, 0, 0)), "19700101T000000Z");
        assert_eq!(
            format_amz_date(at(1969, 12, 31, 23, 59, 59)),
            "19691231T235959Z"
        );
        assert_eq!(format_amz_date(at(0, 1, 1, 0, 0, 0)), "00000101T000000Z");
        assert_eq!(
            format_amz_date(at(9999, 12, 31, 23, 59, 59)),
            "99991231T235959Z"
        );
        // Sub-seconds are dropped, also before 1970 (rounded down, never up into the next second).
        assert_eq!(
            format_amz_date(UNIX_EPOCH - Duration::from_millis(1)),
            "19691231T235959Z"
        );
    }

    #[test]
    fn years_outside_0000_to_9999_are_an_error_not_a_panic() {
        let after = at(9999, 12, 31, 23, 59, 59) + Duration::from_secs(1);
        assert_eq!(format_amz_date(after), "100000101T000000Z");
        assert_eq!(AmzDate::new(after), Err(Error::TimeOutOfRange));
        assert_eq!(scope_date(after), Err(Error::TimeOutOfRange));
        let before = at(0, 1, 1, 0, 0, 0) - Duration::from_secs(3600);
        assert_eq!(format_amz_date(before), "-0011231T230000Z");
        assert_eq!(AmzDate::new(before), Err(Error::TimeOutOfRange));
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
            parse_amz_date("20150030T123600Z"),
            Err(Error::InvalidAmzDate { offset: 4 })
        );
        assert_eq!(
            parse_amz_date("21000229T123600Z"),
            Err(Error::InvalidAmzDate { offset: 6 })
        );
        assert_eq!(
            parse_amz_date("20150830T246000Z"),
            Err(Error::InvalidAmzDate { offset: 9 })
        );
        assert_eq!(
            parse_amz_date("20150830T235960Z"),
            Err(Error::InvalidAmzDate { offset: 9 })
        );
        assert!(parse_amz_date("2015083１T12360Z").is_err());
    }

    #[test]
    fn scope_dates() {
        assert_eq!(scope_date(at(2015, 8, 30, 23, 59, 59)), Ok(*b"20150830"));
    }
}
