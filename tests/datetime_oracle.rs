//! `bedrock_wire::datetime` against the `time` crate (a dev-dependency only; it was the runtime
//! implementation before): the same strings are accepted, to the same instant, and formatting
//! agrees, over years 0000 to 9999.

use bedrock_wire::datetime::{self, UtcDate};
use proptest::prelude::*;
use std::time::SystemTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
const FIRST: i64 = -62_167_219_200;
const LAST: i64 = 253_402_300_799;

fn instant(secs: i64, nanos: u32) -> (SystemTime, OffsetDateTime) {
    let t = sigv4::civil::from_unix_parts(secs, nanos).expect("representable");
    let o = OffsetDateTime::from_unix_timestamp_nanos(
        i128::from(secs) * 1_000_000_000 + i128::from(nanos),
    )
    .expect("in range");
    (t, o)
}

/// What the library did before: `time`'s RFC 3339 parser on the trimmed text.
fn rfc3339_before(s: &str) -> Option<SystemTime> {
    OffsetDateTime::parse(s.trim(), &Rfc3339)
        .ok()
        .map(SystemTime::from)
}

/// What the library did before: `time`'s IMF-fixdate format description.
fn http_date_before(s: &str) -> Option<SystemTime> {
    let f = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    PrimitiveDateTime::parse(s.trim(), f)
        .ok()
        .map(|t| SystemTime::from(t.assume_utc()))
}

/// RFC 3339-like strings: mostly well-formed, with impossible fields, odd separators, fractions
/// of any length, offsets and trailing junk mixed in.
fn rfc3339_like() -> impl Strategy<Value = String> {
    (
        0..=9999_u32,
        0..=13_u32,
        0..=32_u32,
        prop::sample::select(vec!["T", "t", " ", "_", "TT", ""]),
        0..=25_u32,
        0..=61_u32,
        0..=61_u32,
        prop::option::of("[0-9]{0,12}"),
        prop::sample::select(vec![
            "Z", "z", "+00:00", "-00:00", "+01:30", "-05:00", "+23:59", "-23:59", "+24:00",
            "+01:60", "+0100", "", "Z ", " Z", "+1:00",
        ]),
        prop::sample::select(vec!["", "", "", " ", "\n", "x"]),
    )
        .prop_map(|(y, mo, d, sep, h, mi, s, frac, off, tail)| {
            let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
            format!("{y:04}-{mo:02}-{d:02}{sep}{h:02}:{mi:02}:{s:02}{frac}{off}{tail}")
        })
}

fn http_date_like() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "sun", "Xyz",
        ]),
        0..=32_u32,
        prop::sample::select(vec![
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            "jan", "Foo",
        ]),
        prop::sample::select(vec!["", "", "+", "-"]),
        0..=9999_u32,
        0..=25_u32,
        0..=61_u32,
        0..=61_u32,
        prop::sample::select(vec![" GMT", " GMT", " UTC", " gmt", "", " GMT "]),
    )
        .prop_map(|(wd, d, mo, sign, y, h, mi, s, zone)| {
            format!("{wd}, {d:02} {mo} {sign}{y:04} {h:02}:{mi:02}:{s:02}{zone}")
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn rfc3339_parsing_accepts_what_time_accepted(s in rfc3339_like()) {
        prop_assert_eq!(datetime::parse_rfc3339(&s).ok(), rfc3339_before(&s), "{:?}", s);
    }

    #[test]
    fn rfc3339_parsing_on_arbitrary_text_agrees_and_never_panics(s in "\\PC{0,40}") {
        prop_assert_eq!(datetime::parse_rfc3339(&s).ok(), rfc3339_before(&s));
        prop_assert_eq!(datetime::parse_http_date(&s).ok(), http_date_before(&s));
    }

    #[test]
    fn http_date_parsing_accepts_what_time_accepted(s in http_date_like()) {
        prop_assert_eq!(datetime::parse_http_date(&s).ok(), http_date_before(&s), "{:?}", s);
    }

    #[test]
    fn formatting_agrees_with_time(secs in FIRST..=LAST, nanos in 0..1_000_000_000_u32) {
        let (t, o) = instant(secs, nanos);
        let rfc = datetime::format_rfc3339(t);
        prop_assert_eq!(&rfc, &o.format(&Rfc3339).expect("format"));
        prop_assert_eq!(datetime::parse_rfc3339(&rfc), Ok(t));
        let http = datetime::format_http_date(t);
        let f = format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        );
        prop_assert_eq!(&http, &o.format(f).expect("format"));
        prop_assert_eq!(datetime::parse_http_date(&http), Ok(instant(secs, 0).0));
        let day = UtcDate::of(t);
        let od = o.date();
        prop_assert_eq!(
            (day.year(), day.month(), day.day()),
            (i64::from(od.year()), u32::from(u8::from(od.month())), u32::from(od.day()))
        );
        prop_assert_eq!(day.to_string(), od.to_string());
    }

    /// An offset moves the instant and nothing else: the same wall clock at +hh:mm is that much
    /// earlier, also across midnight, month ends and years.
    #[test]
    fn offsets_shift_by_exactly_their_length(
        secs in 0..=LAST - 86_400,
        sign in prop::bool::ANY,
        h in 0..=23_u32,
        m in 0..=59_u32,
    ) {
        let (t, _) = instant(secs, 0);
        let z = datetime::format_rfc3339(t);
        let wall = z.trim_end_matches('Z');
        let s = format!("{wall}{}{h:02}:{m:02}", if sign { '+' } else { '-' });
        let shift = std::time::Duration::from_secs(u64::from(h * 3600 + m * 60));
        let want = if sign { t - shift } else { t + shift };
        prop_assert_eq!(datetime::parse_rfc3339(&s), Ok(want));
        prop_assert_eq!(Some(want), rfc3339_before(&s));
    }
}

#[test]
fn edge_instants() {
    for (s, secs) in [
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2000-02-29T00:00:00Z", 951_782_400),
        ("2100-03-01T00:00:00Z", 4_107_542_400),
        ("9999-12-31T23:59:59Z", LAST),
        ("0000-01-01T00:00:00Z", FIRST),
        ("2024-04-30T23:59:59Z", 1_714_521_599),
    ] {
        let (t, _) = instant(secs, 0);
        assert_eq!(datetime::parse_rfc3339(s), Ok(t), "{s}");
        assert_eq!(datetime::format_rfc3339(t), s);
        assert_eq!(rfc3339_before(s), Some(t));
    }
    assert!(datetime::parse_rfc3339("2100-02-29T00:00:00Z").is_err());
    assert!(rfc3339_before("2100-02-29T00:00:00Z").is_none());
}
