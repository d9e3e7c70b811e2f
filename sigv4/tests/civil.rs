//! The hand-written calendar arithmetic (`sigv4::civil`) and `x-amz-date` format, checked against
//! the `time` crate (a dev-dependency only) over the whole range SigV4 can sign (0000 to 9999).

mod support;

use proptest::prelude::*;
use sigv4::civil::{self, UtcDateTime};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime};

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const FIRST: i64 = -62_167_219_200;
const LAST: i64 = 253_402_300_799;

fn oracle(secs: i64, nanos: u32) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
        .expect("in time's range")
}

fn system_time(secs: i64, nanos: u32) -> SystemTime {
    civil::from_unix_parts(secs, nanos).expect("representable")
}

fn fields(t: OffsetDateTime) -> UtcDateTime {
    UtcDateTime {
        year: i64::from(t.year()),
        month: u32::from(u8::from(t.month())),
        day: u32::from(t.day()),
        hour: u32::from(t.hour()),
        minute: u32::from(t.minute()),
        second: u32::from(t.second()),
        nanosecond: t.nanosecond(),
    }
}

fn amz_oracle(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .expect("format")
}

fn check_instant(secs: i64, nanos: u32) -> Result<(), TestCaseError> {
    let st = system_time(secs, nanos);
    let want = oracle(secs, nanos);
    prop_assert_eq!(civil::unix_parts(st), (secs, nanos));
    let ours = UtcDateTime::from_system_time(st);
    prop_assert_eq!(ours, fields(want));
    prop_assert_eq!(ours.to_system_time(), Some(st));
    prop_assert_eq!(ours.unix_seconds(), Some(want.unix_timestamp()));
    let days = secs.div_euclid(86_400);
    prop_assert_eq!(ours.days_since_epoch(), Some(days));
    prop_assert_eq!(
        civil::weekday_from_days(days),
        u32::from(want.weekday().number_days_from_sunday())
    );
    let amz = sigv4::format_amz_date(st);
    prop_assert_eq!(&amz, &amz_oracle(want));
    // The parser reads back the whole second.
    prop_assert_eq!(sigv4::parse_amz_date(&amz), Ok(system_time(secs, 0)));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every instant from 1970 to the end of 9999, with nanoseconds.
    #[test]
    fn after_1970_agrees_with_time(secs in 0..=LAST, nanos in 0..1_000_000_000_u32) {
        check_instant(secs, nanos)?;
    }

    /// Every instant from year 0000 to 1970 (SigV4 signs these too).
    #[test]
    fn before_1970_agrees_with_time(secs in FIRST..0, nanos in 0..1_000_000_000_u32) {
        check_instant(secs, nanos)?;
    }

    /// Any year, month and day (most of them impossible): a day count exactly when `time` has the
    /// date, and then the same one.
    #[test]
    fn dates_agree_with_time(year in -9999..=9999_i32, month in 0..=13_u32, day in 0..=32_u32) {
        let theirs = u8::try_from(month)
            .ok()
            .and_then(|m| Month::try_from(m).ok())
            .and_then(|m| Date::from_calendar_date(year, m, u8::try_from(day).ok()?).ok())
            .map(|d| i64::from(d.to_julian_day()) - i64::from(Date::from_calendar_date(1970, Month::January, 1).expect("epoch").to_julian_day()));
        prop_assert_eq!(civil::days_from_civil(i64::from(year), month, day), theirs);
        if let Some(days) = theirs {
            prop_assert_eq!(civil::civil_from_days(days), (i64::from(year), month, day));
        }
    }

    /// Any 16 bytes of the `x-amz-date` shape: parsed exactly when `time` parses them.
    #[test]
    fn amz_date_parsing_agrees_with_time(s in "[0-9]{8}T[0-9]{6}Z") {
        let theirs = time::PrimitiveDateTime::parse(&s, format_description!("[year][month][day]T[hour][minute][second]Z"))
            .ok()
            .map(|t| SystemTime::from(t.assume_utc()));
        prop_assert_eq!(sigv4::parse_amz_date(&s).ok(), theirs);
    }
}

#[test]
fn known_instants() {
    let cases: [(i64, &str); 12] = [
        (0, "19700101T000000Z"),
        (-1, "19691231T235959Z"),
        (951_782_399, "20000228T235959Z"),
        (951_782_400, "20000229T000000Z"), // 2000 is a leap year (divisible by 400)
        (951_868_800, "20000301T000000Z"),
        (4_107_542_399, "21000228T235959Z"),
        (4_107_542_400, "21000301T000000Z"), // 2100 is not (divisible by 100)
        (1_709_251_199, "20240229T235959Z"),
        (1_714_521_599, "20240430T235959Z"), // end of a 30-day month
        (1_704_067_199, "20231231T235959Z"), // end of a year
        (LAST, "99991231T235959Z"),
        (FIRST, "00000101T000000Z"),
    ];
    for (secs, want) in cases {
        let t = system_time(secs, 0);
        assert_eq!(sigv4::format_amz_date(t), want, "{secs}");
        assert_eq!(sigv4::parse_amz_date(want), Ok(t), "{want}");
        assert_eq!(sigv4::format_amz_date(t), amz_oracle(oracle(secs, 0)));
    }
}

#[test]
fn outside_0000_to_9999_is_an_error_never_a_panic() {
    use sigv4::{Credentials, SignableBody, SignableRequest, SigningParams, SigningSettings};
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None);
    let req = SignableRequest {
        method: "GET",
        url: "https://example.amazonaws.com/",
        headers: &[],
        body: SignableBody::Bytes(b""),
    };
    let times = [
        system_time(LAST, 0) + Duration::from_secs(1),
        system_time(FIRST, 0) - Duration::from_nanos(1),
        UNIX_EPOCH + Duration::from_secs(u64::MAX / 4),
        UNIX_EPOCH - Duration::from_secs(u64::MAX / 4),
    ];
    for time in times {
        let params = SigningParams {
            region: "us-east-1",
            service: "service",
            time,
            settings: SigningSettings {
                crypto: Some(ring()),
                ..SigningSettings::default()
            },
        };
        assert_eq!(
            sigv4::sign(&req, &params, &creds),
            Err(sigv4::Error::TimeOutOfRange)
        );
        assert_eq!(
            sigv4::presign(&req, &params, &creds, Duration::from_secs(60)).map(|_| ()),
            Err(sigv4::Error::TimeOutOfRange)
        );
        let key = sigv4::SigningKey::derive_with(ring(), "secret", time, "us-east-1", "service");
        assert!(!key.date().is_empty());
        assert!(!key.is_valid_for(time, "us-east-1", "service"));
        assert_eq!(
            sigv4::sign_event_message(b"", &"0".repeat(64), time, &key),
            Err(sigv4::Error::TimeOutOfRange)
        );
        // Formatting still works, with more digits.
        assert!(sigv4::format_amz_date(time).ends_with('Z'));
    }
}

#[test]
fn the_signing_key_is_for_the_utc_day() {
    let noon = sigv4::parse_amz_date("20150830T120000Z").expect("date");
    let key = sigv4::SigningKey::derive_with(ring(), "secret", noon, "r", "s");
    assert_eq!(key.date(), "20150830");
    let midnight = sigv4::parse_amz_date("20150830T000000Z").expect("date");
    assert!(key.is_valid_for(midnight, "r", "s"));
    assert!(key.is_valid_for(midnight + Duration::from_secs(86_399), "r", "s"));
    assert!(!key.is_valid_for(midnight + Duration::from_secs(86_400), "r", "s"));
    assert!(!key.is_valid_for(midnight - Duration::from_nanos(1), "r", "s"));
}

/// The ring backend (so these run with and without the `sha2` feature).
fn ring() -> sigv4::crypto::Crypto {
    sigv4::crypto::Crypto::new(&support::RING)
}
