//! UTC calendar arithmetic: [`SystemTime`] to and from the proleptic Gregorian calendar.
//!
//! The signing time is a [`SystemTime`]; SigV4 writes it as a UTC civil date and time
//! (`YYYYMMDDTHHMMSSZ`), so this crate converts by hand instead of depending on a date library.
//! The conversions between a count of days since 1970-01-01 and a year, month and day are Howard
//! Hinnant's `days_from_civil` and `civil_from_days`: the year is shifted to begin on 1 March (so
//! the leap day is the last day of a shifted year and the month lengths from March on repeat in a
//! 153-day, 5-month pattern), and counted in 400-year eras of exactly 146 097 days. Every function
//! here is total: out-of-range input is `None`, never a panic or an overflow.
//!
//! ```
//! use sigv4::civil::{self, UtcDateTime};
//! use std::time::{Duration, UNIX_EPOCH};
//!
//! assert_eq!(civil::days_from_civil(2000, 2, 29), Some(11_016));
//! assert_eq!(civil::civil_from_days(11_016), (2000, 2, 29));
//! assert_eq!(civil::days_from_civil(2100, 2, 29), None); // 2100 is not a leap year
//!
//! let t = UNIX_EPOCH + Duration::new(1_440_938_160, 500);
//! let utc = UtcDateTime::from_system_time(t);
//! assert_eq!((utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second), (2015, 8, 30, 12, 36, 0));
//! assert_eq!(utc.nanosecond, 500);
//! assert_eq!(utc.to_system_time(), Some(t));
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Seconds in a UTC day (UTC as computers count it: no leap seconds).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Days in a 400-year era of the Gregorian calendar.
const DAYS_PER_ERA: i64 = 146_097;
/// Days from 0000-03-01 (the start of era 0 of the March-based years) to 1970-01-01.
const EPOCH_SHIFT: i64 = 719_468;

/// Whether `year` (proleptic Gregorian, astronomical numbering: year 0 is 1 BC) is a leap year.
///
/// ```
/// assert!(sigv4::civil::is_leap_year(2000) && sigv4::civil::is_leap_year(2024));
/// assert!(!sigv4::civil::is_leap_year(2100) && !sigv4::civil::is_leap_year(2023));
/// ```
pub const fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// The number of days of `month` (1 to 12) in `year`; 0 for a month outside 1 to 12.
pub const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days since 1970-01-01 of the date `year`-`month`-`day` (negative before 1970).
///
/// `None` when there is no such date (month outside 1 to 12, day 0 or past the end of the month)
/// or the count does not fit an `i64`.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    // Years begin on 1 March: January and February belong to the previous year.
    let y = if month <= 2 {
        year.checked_sub(1)?
    } else {
        year
    };
    let era = y.div_euclid(400);
    let year_of_era = y.rem_euclid(400); // 0..=399
    let m = i64::from(month);
    let shifted_month = if m > 2 { m - 3 } else { m + 9 }; // March = 0 .. February = 11
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1; // 0..=365
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era.checked_mul(DAYS_PER_ERA)?
        .checked_add(day_of_era)?
        .checked_sub(EPOCH_SHIFT)
}

/// The date (year, month 1 to 12, day 1 to 31) that is `days` days after 1970-01-01.
///
/// Defined for every `i64` (the year of the extremes is about ±2.5 × 10^16).
pub const fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // `days + EPOCH_SHIFT` split into eras without overflowing near `i64::MAX`.
    let rest = days.rem_euclid(DAYS_PER_ERA) + EPOCH_SHIFT;
    let era = days.div_euclid(DAYS_PER_ERA) + rest.div_euclid(DAYS_PER_ERA);
    let day_of_era = rest.rem_euclid(DAYS_PER_ERA); // 0..=146_096
    // The 4-, 100- and 400-year leap rules, applied to the day of the era.
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // March = 0
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1; // 1..=31
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + if month <= 2 { 1 } else { 0 };
    // Both fit: 1..=12 and 1..=31.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (year, month as u32, day as u32)
}

/// The day of the week of the day `days` days after 1970-01-01: 0 is Sunday, 6 is Saturday.
// The value is in 0..=6, so the cast cannot truncate or lose a sign.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub const fn weekday_from_days(days: i64) -> u32 {
    // 1970-01-01 was a Thursday (4).
    ((days.rem_euclid(7) + 4) % 7) as u32
}

/// `t` as whole seconds since the Unix epoch, rounded down (negative before 1970), and the
/// nanoseconds past that second (0 to 999 999 999).
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// assert_eq!(sigv4::civil::unix_parts(UNIX_EPOCH + Duration::new(5, 7)), (5, 7));
/// assert_eq!(sigv4::civil::unix_parts(UNIX_EPOCH - Duration::from_millis(1)), (-1, 999_000_000));
/// ```
pub fn unix_parts(t: SystemTime) -> (i64, u32) {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_nanos(),
        ),
        Err(before) => {
            let d = before.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            match d.subsec_nanos() {
                0 => (-secs, 0),
                n => (-secs - 1, 1_000_000_000 - n),
            }
        }
    }
}

/// The time `secs` seconds plus `nanos` nanoseconds after the Unix epoch (`secs` may be
/// negative); `None` when `nanos` is 10^9 or more or the platform's `SystemTime` cannot hold it.
pub fn from_unix_parts(secs: i64, nanos: u32) -> Option<SystemTime> {
    if nanos >= 1_000_000_000 {
        return None;
    }
    let whole = if secs >= 0 {
        UNIX_EPOCH.checked_add(Duration::from_secs(secs.unsigned_abs()))?
    } else {
        UNIX_EPOCH.checked_sub(Duration::from_secs(secs.unsigned_abs()))?
    };
    whole.checked_add(Duration::from_nanos(u64::from(nanos)))
}

/// A UTC date and time of day, field by field.
///
/// `from_system_time` is total; `to_system_time` checks the fields. `Debug` shows the fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcDateTime {
    /// The year (proleptic Gregorian, astronomical: 0 is 1 BC, -1 is 2 BC).
    pub year: i64,
    /// The month, 1 to 12.
    pub month: u32,
    /// The day of the month, 1 to 31.
    pub day: u32,
    /// The hour, 0 to 23.
    pub hour: u32,
    /// The minute, 0 to 59.
    pub minute: u32,
    /// The second, 0 to 59 (no leap seconds, as in Unix time).
    pub second: u32,
    /// Nanoseconds past the second, 0 to 999 999 999.
    pub nanosecond: u32,
}

impl UtcDateTime {
    /// The UTC date and time of `t` (any `SystemTime`, before 1970 too).
    pub fn from_system_time(t: SystemTime) -> Self {
        let (secs, nanosecond) = unix_parts(t);
        let (year, month, day) = civil_from_days(secs.div_euclid(SECONDS_PER_DAY));
        let of_day = secs.rem_euclid(SECONDS_PER_DAY); // 0..=86_399
        let field = |v: i64| u32::try_from(v).unwrap_or(0);
        UtcDateTime {
            year,
            month,
            day,
            hour: field(of_day / 3600),
            minute: field(of_day % 3600 / 60),
            second: field(of_day % 60),
            nanosecond,
        }
    }

    /// Days since 1970-01-01 of the date; `None` if the date does not exist.
    pub fn days_since_epoch(&self) -> Option<i64> {
        days_from_civil(self.year, self.month, self.day)
    }

    /// Whole seconds since the Unix epoch (the nanoseconds are not included); `None` if a field
    /// is out of range or the count does not fit an `i64`.
    pub fn unix_seconds(&self) -> Option<i64> {
        if self.hour > 23 || self.minute > 59 || self.second > 59 {
            return None;
        }
        let of_day = i64::from(self.hour * 3600 + self.minute * 60 + self.second);
        self.days_since_epoch()?
            .checked_mul(SECONDS_PER_DAY)?
            .checked_add(of_day)
    }

    /// The `SystemTime` of these fields; `None` if a field is out of range or the platform's
    /// `SystemTime` cannot hold it.
    pub fn to_system_time(&self) -> Option<SystemTime> {
        from_unix_parts(self.unix_seconds()?, self.nanosecond)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(1970, 1, 1), Some(0));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(0, 1, 1), Some(-719_528));
        assert_eq!(days_from_civil(9999, 12, 31), Some(2_932_896));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
        assert_eq!(civil_from_days(-719_528), (0, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn impossible_dates_are_none() {
        for (y, m, d) in [
            (2023, 2, 29),
            (2100, 2, 29),
            (1900, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
            (2024, 1, 0),
            (2024, 1, 32),
        ] {
            assert_eq!(days_from_civil(y, m, d), None, "{y}-{m}-{d}");
        }
        assert!(days_from_civil(2000, 2, 29).is_some());
        assert!(days_from_civil(2400, 2, 29).is_some());
    }

    #[test]
    fn extremes_never_overflow() {
        assert_eq!(days_from_civil(i64::MAX, 12, 31), None);
        assert_eq!(days_from_civil(i64::MIN, 1, 1), None);
        for days in [i64::MAX, i64::MIN, i64::MAX - 719_468, i64::MIN + 1] {
            let (_, m, d) = civil_from_days(days);
            assert!((1..=12).contains(&m) && (1..=31).contains(&d), "{days}");
        }
        // A round trip well inside the range.
        let far = 1_000_000_000_000_i64;
        let (y, m, d) = civil_from_days(far);
        assert_eq!(days_from_civil(y, m, d), Some(far));
        let (y, m, d) = civil_from_days(-far);
        assert_eq!(days_from_civil(y, m, d), Some(-far));
    }

    #[test]
    fn round_trip_every_day_of_four_centuries() {
        // 1600-03-01 .. 2400-03-01 crosses two 400-year eras and every kind of leap rule.
        let start = days_from_civil(1600, 3, 1).unwrap_or(0);
        let mut expected = (1600_i64, 3_u32, 1_u32);
        for days in start..start + 2 * DAYS_PER_ERA {
            assert_eq!(civil_from_days(days), expected, "{days}");
            assert_eq!(
                days_from_civil(expected.0, expected.1, expected.2),
                Some(days)
            );
            let (y, m, d) = expected;
            expected = if d < days_in_month(y, m) {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
        }
    }

    #[test]
    fn weekdays() {
        assert_eq!(weekday_from_days(0), 4); // 1970-01-01, Thursday
        assert_eq!(weekday_from_days(-1), 3);
        // 1994-11-06 was a Sunday.
        assert_eq!(days_from_civil(1994, 11, 6).map(weekday_from_days), Some(0));
    }

    #[test]
    fn unix_parts_round_trip_before_and_after_the_epoch() {
        for (secs, nanos) in [
            (0_i64, 0_u32),
            (0, 1),
            (-1, 0),
            (-1, 999_999_999),
            (-86_401, 5),
            (253_402_300_799, 999_999_999),
            (-62_167_219_200, 0),
        ] {
            let t = from_unix_parts(secs, nanos);
            assert_eq!(t.map(unix_parts), Some((secs, nanos)), "{secs}.{nanos}");
        }
        assert_eq!(from_unix_parts(0, 1_000_000_000), None);
    }

    #[test]
    fn fields_are_checked() {
        let ok = UtcDateTime {
            year: 2024,
            month: 2,
            day: 29,
            hour: 23,
            minute: 59,
            second: 59,
            nanosecond: 999_999_999,
        };
        assert!(ok.to_system_time().is_some());
        for bad in [
            UtcDateTime { hour: 24, ..ok },
            UtcDateTime { minute: 60, ..ok },
            UtcDateTime { second: 60, ..ok },
            UtcDateTime {
                nanosecond: 1_000_000_000,
                ..ok
            },
            UtcDateTime { year: 2023, ..ok },
        ] {
            assert_eq!(bad.to_system_time(), None, "{bad:?}");
        }
    }
}
