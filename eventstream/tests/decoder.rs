//! Decoder behaviour: zero-copy, check order, poisoning, limits, finish(), offsets, encoding
//! limits.

use bytes::Bytes;
use eventstream::{Decoder, Error, HeaderProblem, HeaderValue, LengthProblem, Message, frame};

fn sample(payload: &[u8]) -> Message {
    Message::new(payload.to_vec())
        .with_header(":event-type", HeaderValue::string("chunk"))
        .with_header(
            "bin",
            HeaderValue::ByteArray(Bytes::from_static(b"\x00\x01\x02")),
        )
        .with_header(":message-type", HeaderValue::string("event"))
}

fn within(inner: &[u8], outer: &[u8]) -> bool {
    let (o, i) = (outer.as_ptr() as usize, inner.as_ptr() as usize);
    i >= o && i + inner.len() <= o + outer.len()
}

/// A prelude with a correct CRC for these lengths.
fn prelude(total: u32, headers: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&headers.to_be_bytes());
    out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
    out
}

#[test]
fn decoding_one_pushed_bytes_is_zero_copy() {
    let mut wire = Vec::new();
    for i in 0..3u8 {
        sample(&[i; 100]).encode(&mut wire).unwrap();
    }
    let buffer = Bytes::from(wire);
    let mut decoder = Decoder::new();
    decoder.push_bytes(buffer.clone());
    let mut count = 0;
    while let Some(message) = decoder.next_message().unwrap() {
        assert!(within(message.payload(), &buffer), "payload was copied");
        for header in message.headers() {
            // Names are slices too, except the well-known ones, which are static strings.
            let name = header.name_bytes().as_bytes();
            assert!(
                within(name, &buffer) || name.starts_with(b":"),
                "name was copied"
            );
            assert_eq!(within(name, &buffer), header.name() == "bin");
            match header.value() {
                HeaderValue::String(s) => {
                    // Values are slices, except the well-known ones (`event`,
                    // `application/json`, ...), which are static strings.
                    assert_eq!(
                        within(s.as_bytes(), &buffer),
                        s.as_static().is_none(),
                        "string was copied: {s:?}"
                    );
                    assert_eq!(
                        s.as_static().is_some(),
                        matches!(s.as_str(), "event" | "application/json"),
                        "{s:?}"
                    );
                }
                HeaderValue::ByteArray(b) => assert!(within(b, &buffer), "bytes were copied"),
                other => panic!("unexpected {other:?}"),
            }
        }
        count += 1;
    }
    assert_eq!(count, 3);
    decoder.finish().unwrap();

    // The slice API too.
    let (message, _) = frame::decode(&buffer).unwrap();
    assert!(within(message.payload(), &buffer));
}

#[test]
fn frames_inside_later_chunks_stay_zero_copy_after_a_spanning_frame() {
    let mut first = Vec::new();
    sample(b"one").encode(&mut first).unwrap();
    let mut rest = Vec::new();
    sample(b"two").encode(&mut rest).unwrap();
    sample(b"three").encode(&mut rest).unwrap();
    // Chunk A: all of frame 1 but its last 5 bytes. Chunk B: those 5 bytes, then frames 2 and 3.
    let cut = first.len() - 5;
    let a = Bytes::copy_from_slice(&first[..cut]);
    let mut b = first[cut..].to_vec();
    b.extend_from_slice(&rest);
    let b = Bytes::from(b);

    let mut decoder = Decoder::new();
    decoder.push_bytes(a);
    assert_eq!(decoder.next_message().unwrap(), None);
    decoder.push_bytes(b.clone());
    let one = decoder.next_message().unwrap().unwrap();
    assert_eq!(one.payload().as_ref(), b"one");
    assert!(!within(one.payload(), &b), "a spanning frame is assembled");
    let two = decoder.next_message().unwrap().unwrap();
    let three = decoder.next_message().unwrap().unwrap();
    assert_eq!(three.payload().as_ref(), b"three");
    assert!(within(two.payload(), &b) && within(three.payload(), &b));
    assert_eq!(decoder.next_message().unwrap(), None);
    decoder.finish().unwrap();
}

#[test]
fn prelude_crc_is_checked_before_lengths_and_before_waiting_for_the_body() {
    // Total length 0 (impossible) with a wrong CRC: the CRC is reported, not the length.
    let mut decoder = Decoder::new();
    decoder.push(&[0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]);
    assert!(matches!(
        decoder.next_message(),
        Err(Error::PreludeCrc {
            offset: 0,
            actual: 0x0102_0304,
            ..
        })
    ));

    // A huge declared length with a wrong CRC: an error with only 12 bytes in, no waiting.
    let mut bytes = prelude(0x7fff_ffff, 0);
    bytes[11] ^= 1;
    let mut decoder = Decoder::new();
    decoder.push(&bytes);
    assert!(matches!(
        decoder.next_message(),
        Err(Error::PreludeCrc { .. })
    ));

    // With 11 bytes, nothing can be said yet.
    let mut decoder = Decoder::new();
    decoder.push(&bytes[..11]);
    assert_eq!(decoder.next_message(), Ok(None));
    assert_eq!(
        decoder.finish(),
        Err(Error::Truncated {
            offset: 0,
            have: 11,
            need: 16
        })
    );
}

#[test]
fn lengths_are_checked_in_order_once_the_prelude_crc_holds() {
    let check = |bytes: Vec<u8>, max: usize| {
        let mut decoder = Decoder::with_max_frame_size(max);
        decoder.push(&bytes);
        decoder.next_message().unwrap_err()
    };
    let invalid = |problem| Error::InvalidLength { offset: 0, problem };
    assert_eq!(
        check(prelude(15, 0), 1 << 20),
        invalid(LengthProblem::TotalTooSmall { total: 15 })
    );
    // Total too small wins over headers too long.
    assert_eq!(
        check(prelude(3, 9), 1 << 20),
        invalid(LengthProblem::TotalTooSmall { total: 3 })
    );
    assert_eq!(
        check(prelude(100, 85), 1 << 20),
        invalid(LengthProblem::HeadersTooLong {
            headers: 85,
            total: 100
        })
    );
    // Headers too long wins over the size limit.
    assert_eq!(
        check(prelude(100, 85), 50),
        invalid(LengthProblem::HeadersTooLong {
            headers: 85,
            total: 100
        })
    );
    // Over the limit: refused with only the prelude buffered.
    assert_eq!(
        check(prelude(101, 84), 100),
        invalid(LengthProblem::TotalTooLarge {
            total: 101,
            max: 100
        })
    );
    let mut decoder = Decoder::new();
    decoder.push(&prelude(16 * 1024 * 1024 + 1, 0));
    assert_eq!(
        decoder.next_message().unwrap_err(),
        invalid(LengthProblem::TotalTooLarge {
            total: 16 * 1024 * 1024 + 1,
            max: 16 * 1024 * 1024
        })
    );
    // Exactly at the limit is fine (and then waits for the body).
    let mut decoder = Decoder::with_max_frame_size(100);
    decoder.push(&prelude(100, 84));
    assert_eq!(decoder.next_message(), Ok(None));
    assert_eq!(
        decoder.finish(),
        Err(Error::Truncated {
            offset: 0,
            have: 12,
            need: 100
        })
    );
}

#[test]
fn message_crc_is_checked_before_headers() {
    // A header block holding an empty name (invalid), in a frame whose message CRC is wrong.
    let mut bytes = prelude(20, 4);
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
    let err = frame::decode(&Bytes::from(bytes.clone())).unwrap_err();
    assert!(
        matches!(
            err,
            Error::MessageCrc {
                actual: 0xdead_beef,
                ..
            }
        ),
        "{err}"
    );
    // Fix the CRC: now the header problem shows.
    let crc = crc32fast::hash(&bytes[..16]);
    bytes[16..].copy_from_slice(&crc.to_be_bytes());
    let err = frame::decode(&Bytes::from(bytes)).unwrap_err();
    assert_eq!(
        err,
        Error::InvalidHeader {
            offset: 0,
            header_offset: 12,
            problem: HeaderProblem::EmptyName
        }
    );
}

/// Builds a frame around a raw header block (both CRCs right).
fn frame_with_headers(block: &[u8], payload: &[u8]) -> Vec<u8> {
    let total = u32::try_from(16 + block.len() + payload.len()).unwrap();
    let mut out = prelude(total, u32::try_from(block.len()).unwrap());
    out.extend_from_slice(block);
    out.extend_from_slice(payload);
    out.extend_from_slice(&crc32fast::hash(&out).to_be_bytes());
    out
}

#[test]
fn every_header_problem_is_reported_with_its_position() {
    let cases: Vec<(Vec<u8>, u64, HeaderProblem)> = vec![
        (vec![0, 0], 12, HeaderProblem::EmptyName),
        (
            vec![1, b'a', 0, 5, b'b'],
            15,
            HeaderProblem::NameOutOfBounds { len: 5 },
        ),
        (vec![2, 0xc3, 0x28, 0], 12, HeaderProblem::NameNotUtf8),
        (
            vec![1, b'a', 0, 1, b'b'],
            15,
            HeaderProblem::MissingValueType,
        ),
        (
            vec![1, b'a', 10],
            12,
            HeaderProblem::UnknownValueType { type_code: 10 },
        ),
        (
            vec![1, b'a', 0xff],
            12,
            HeaderProblem::UnknownValueType { type_code: 0xff },
        ),
        (
            vec![1, b'a', 2],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 2 },
        ),
        (
            vec![1, b'a', 3, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 3 },
        ),
        (
            vec![1, b'a', 4, 0, 0, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 4 },
        ),
        (
            vec![1, b'a', 5, 0, 0, 0, 0, 0, 0, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 5 },
        ),
        (
            vec![1, b'a', 6, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 6 },
        ),
        (
            vec![1, b'a', 6, 0, 2, 1],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 6 },
        ),
        (
            vec![1, b'a', 7, 0, 1, 0xff],
            12,
            HeaderProblem::StringNotUtf8,
        ),
        (
            vec![1, b'a', 8, 0, 0, 0, 0, 0, 0, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 8 },
        ),
        (
            vec![1, b'a', 9, 0, 0, 0],
            12,
            HeaderProblem::ValueOutOfBounds { type_code: 9 },
        ),
    ];
    for (block, header_offset, problem) in cases {
        // The payload right after the block would make the value fit if bounds leaked into it.
        let bytes = frame_with_headers(&block, &[b'x'; 20]);
        // Preceded by a good frame, so offsets are stream offsets.
        let mut stream = sample(b"first").to_bytes().unwrap();
        let first = stream.len() as u64;
        stream.extend_from_slice(&bytes);
        let mut decoder = Decoder::new();
        decoder.push(&stream);
        assert!(decoder.next_message().unwrap().is_some());
        let err = decoder.next_message().unwrap_err();
        assert_eq!(
            err,
            Error::InvalidHeader {
                offset: first,
                header_offset: first + header_offset,
                problem
            },
            "{block:?}"
        );
    }
}

#[test]
fn a_poisoned_decoder_keeps_returning_its_error() {
    let good = sample(b"ok").to_bytes().unwrap();
    let mut bad = good.clone();
    let last = bad.len() - 1;
    bad[last] ^= 0xff;
    let mut decoder = Decoder::new();
    decoder.push(&good);
    decoder.push(&bad);
    decoder.push(&good);
    assert!(decoder.next_message().unwrap().is_some());
    let err = decoder.next_message().unwrap_err();
    assert!(matches!(err, Error::MessageCrc { .. }));
    assert_eq!(err.offset(), good.len() as u64);
    assert_eq!(decoder.error(), Some(err));
    for _ in 0..3 {
        decoder.push(&good);
        decoder.push_bytes(Bytes::from(good.clone()));
        assert_eq!(decoder.next_message(), Err(err));
        assert_eq!(decoder.finish(), Err(err));
    }
    assert_eq!(decoder.buffered_len(), 0);
    assert_eq!(decoder.offset(), good.len() as u64);
}

#[test]
fn finish_reports_leftovers_and_prelude_errors() {
    let good = sample(b"payload").to_bytes().unwrap();
    let mut decoder = Decoder::new();
    decoder.finish().unwrap();
    decoder.push(&good[..good.len() - 1]);
    assert_eq!(decoder.next_message(), Ok(None));
    assert_eq!(
        decoder.finish(),
        Err(Error::Truncated {
            offset: 0,
            have: good.len() as u64 - 1,
            need: good.len() as u64
        })
    );
    decoder.push(&good[good.len() - 1..]);
    assert!(decoder.next_message().unwrap().is_some());
    decoder.finish().unwrap();

    // finish() applies the prelude checks itself, even if next_message was not called.
    let mut decoder = Decoder::new();
    decoder.push(&[0, 0, 0, 62, 0, 0, 0, 32, 0, 0, 0, 0]);
    assert!(matches!(decoder.finish(), Err(Error::PreludeCrc { .. })));
}

#[test]
fn frame_decode_reports_truncation_with_have_and_need() {
    let good = sample(b"payload").to_bytes().unwrap();
    for cut in 0..good.len() {
        let err = frame::decode(&Bytes::copy_from_slice(&good[..cut])).unwrap_err();
        let need = if cut < 12 { 16 } else { good.len() as u64 };
        assert_eq!(
            err,
            Error::Truncated {
                offset: 0,
                have: cut as u64,
                need
            }
        );
    }
    let err =
        frame::decode_frame(&Bytes::copy_from_slice(&good[..5]), 1000, usize::MAX).unwrap_err();
    assert_eq!(err.offset(), 1000);
    assert_eq!(err.kind(), "truncated");
}

#[test]
fn offsets_advance_by_frame() {
    let a = sample(b"a").to_bytes().unwrap();
    let b = sample(b"bb").to_bytes().unwrap();
    let mut decoder = Decoder::new();
    decoder.push(&a);
    decoder.push(&b);
    assert_eq!(decoder.buffered_len(), a.len() + b.len());
    let first = decoder.next_frame().unwrap().unwrap();
    assert_eq!((first.offset, first.len()), (0, a.len()));
    assert_eq!(decoder.offset(), a.len() as u64);
    let second = decoder.next_frame().unwrap().unwrap();
    assert_eq!((second.offset, second.len()), (a.len() as u64, b.len()));
    assert_eq!(decoder.offset(), (a.len() + b.len()) as u64);
    assert_eq!(decoder.buffered_len(), 0);
}

#[test]
fn encoding_refuses_what_the_wire_cannot_carry() {
    let mut out = vec![7u8; 3];
    let long_name = "n".repeat(256);
    let err = Message::new(Bytes::new())
        .with_header("ok", HeaderValue::Bool(true))
        .with_header(&long_name, HeaderValue::Bool(true))
        .encode(&mut out)
        .unwrap_err();
    // Offsets: the frame would start at 3; the bad header after the prelude and "ok" (4 bytes).
    assert_eq!(
        err,
        Error::InvalidHeader {
            offset: 3,
            header_offset: 3 + 12 + 4,
            problem: HeaderProblem::NameTooLong { len: 256 }
        }
    );
    assert_eq!(out, vec![7u8; 3], "output untouched on error");
    let err = Message::new(Bytes::new())
        .with_header("", HeaderValue::Bool(true))
        .to_bytes()
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidHeader {
            problem: HeaderProblem::EmptyName,
            ..
        }
    ));
    let err = Message::new(Bytes::new())
        .with_header("s", HeaderValue::string(&"x".repeat(65536)))
        .to_bytes()
        .unwrap_err();
    assert!(matches!(
        err,
        Error::InvalidHeader {
            problem: HeaderProblem::ValueTooLong { len: 65536 },
            ..
        }
    ));
    // The limits themselves are fine.
    let max = Message::new(Bytes::new())
        .with_header(
            &"n".repeat(255),
            HeaderValue::ByteArray(Bytes::from(vec![1u8; 65535])),
        )
        .to_bytes()
        .unwrap();
    let (back, _) = frame::decode(&Bytes::from(max)).unwrap();
    assert_eq!(back.headers()[0].name().len(), 255);
}

#[test]
fn header_lookup_finds_the_first_of_repeated_names() {
    let m = Message::new(Bytes::new())
        .with_header("x", HeaderValue::Int32(1))
        .with_header("x", HeaderValue::Int32(2));
    assert_eq!(m.header("x"), Some(&HeaderValue::Int32(1)));
    let (back, _) = frame::decode(&Bytes::from(m.to_bytes().unwrap())).unwrap();
    assert_eq!(back, m);
}

#[test]
fn errors_display_what_and_where() {
    let e = Error::PreludeCrc {
        offset: 42,
        expected: 0x8bb4_95fb,
        actual: 0xdead_beef,
    };
    assert_eq!(
        e.to_string(),
        "prelude checksum mismatch in the frame at offset 42: computed 0x8bb495fb, the frame says 0xdeadbeef"
    );
    let e = Error::InvalidHeader {
        offset: 10,
        header_offset: 25,
        problem: HeaderProblem::UnknownValueType { type_code: 96 },
    };
    assert_eq!(
        e.to_string(),
        "invalid header at offset 25 in the frame at offset 10: unknown value type 96"
    );
    let e = Error::InvalidLength {
        offset: 0,
        problem: LengthProblem::HeadersTooLong {
            headers: 77,
            total: 89,
        },
    };
    assert_eq!(e.kind(), "invalid_length");
    assert!(e.to_string().contains("headers length 77"));
    let e = Error::Truncated {
        offset: 5,
        have: 3,
        need: 16,
    };
    assert_eq!(
        e.to_string(),
        "truncated frame at offset 5: the input ended after 3 of its 16 bytes"
    );
}

#[test]
fn header_values_display() {
    assert_eq!(
        HeaderValue::Uuid(*b"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10")
            .to_string(),
        "01020304-0506-0708-090a-0b0c0d0e0f10"
    );
    assert_eq!(
        HeaderValue::ByteArray(Bytes::from_static(b"\x00\xff")).to_string(),
        "0x00ff"
    );
    assert_eq!(HeaderValue::Timestamp(5).to_string(), "5ms");
    assert_eq!(HeaderValue::Int16(-3).to_string(), "-3");
}

#[test]
fn public_types_are_send_sync_and_errors_are_std_errors() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_error<T: std::error::Error + Copy + Send + Sync + 'static>() {}
    assert_send_sync::<Decoder>();
    assert_send_sync::<Message>();
    assert_send_sync::<eventstream::Frame>();
    assert_error::<Error>();
}

#[test]
fn tiny_pushed_chunks_are_coalesced_and_big_ones_queued() {
    let wire = Bytes::from(sample(&[9; 64]).to_bytes().unwrap());
    let mut decoder = Decoder::new();
    for i in 0..wire.len() {
        decoder.push_bytes(wire.slice(i..=i));
    }
    // 1-byte chunks are copied into one buffer, not queued one by one.
    assert!(format!("{decoder:?}").contains("chunks: 1"), "{decoder:?}");
    let message = decoder.next_message().unwrap().unwrap();
    assert_eq!(message, sample(&[9; 64]));
    decoder.finish().unwrap();
}

#[test]
fn a_static_string_equals_hashes_and_orders_like_a_copied_one() {
    use eventstream::StrBytes;
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let hash = |s: &StrBytes| {
        let mut h = DefaultHasher::new();
        s.hash(&mut h);
        h.finish()
    };
    let (a, b) = (StrBytes::from_static("event"), StrBytes::from("event"));
    assert_eq!(a, b);
    assert_eq!(hash(&a), hash(&b));
    assert_eq!(a.as_static(), Some("event"));
    assert_eq!(b.as_static(), None);
    assert_eq!(
        StrBytes::from_static("a").cmp(&StrBytes::from("b")),
        std::cmp::Ordering::Less
    );
    assert!(StrBytes::from_static("event") != StrBytes::from(String::from("events")));

    // Decoded: the well-known value is static, and equal to what was encoded.
    let wire = sample(b"{}").to_bytes().unwrap();
    let (m, _) = frame::decode(&Bytes::from(wire)).unwrap();
    let v = m.header(":message-type").unwrap();
    assert_eq!(v, &HeaderValue::string("event"));
    assert_eq!(m.header_str(":event-type"), Some("chunk"));
}
