//! Property tests: round trips, split invariance, and corruption that never yields a wrong
//! message.

mod common;

use bytes::Bytes;
use eventstream::{Decoder, Error, Message, frame};
use proptest::collection::vec;
use proptest::prelude::*;

use common::{encode_all, message};

/// Pushes `stream` cut at `cuts` (alternating `push_bytes` and `push`), draining after each
/// piece; returns the messages and the end result (`finish` included).
fn decode_in_pieces(stream: &[u8], cuts: &[usize]) -> (Vec<Message>, Result<(), Error>) {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
    cuts.sort_unstable();
    cuts.push(stream.len());
    let mut decoder = Decoder::new();
    let mut messages = Vec::new();
    let mut start = 0;
    for (i, &end) in cuts.iter().enumerate() {
        let piece = &stream[start..end];
        if i % 2 == 0 {
            decoder.push_bytes(Bytes::copy_from_slice(piece));
        } else {
            decoder.push(piece);
        }
        start = end;
        loop {
            match decoder.next_message() {
                Ok(Some(m)) => messages.push(m),
                Ok(None) => break,
                Err(e) => return (messages, Err(e)),
            }
        }
    }
    let end = decoder.finish();
    (messages, end)
}

proptest! {
    #[test]
    fn messages_round_trip(m in message()) {
        let bytes = m.to_bytes().unwrap();
        prop_assert_eq!(bytes.len(), m.encoded_len().unwrap());
        let (back, used) = frame::decode(&Bytes::from(bytes.clone())).unwrap();
        prop_assert_eq!(used, bytes.len());
        prop_assert_eq!(&back, &m);
        // Canonical: re-encoding gives the same bytes.
        prop_assert_eq!(back.to_bytes().unwrap(), bytes);
    }

    #[test]
    fn any_split_equals_one_shot(
        messages in vec(message(), 1..5),
        cuts in vec(any::<usize>(), 0..8),
    ) {
        let (stream, _) = encode_all(&messages);
        let (whole, end) = decode_in_pieces(&stream, &[]);
        prop_assert_eq!(end, Ok(()));
        prop_assert_eq!(&whole, &messages);
        let (split, end) = decode_in_pieces(&stream, &cuts);
        prop_assert_eq!(end, Ok(()));
        prop_assert_eq!(split, whole);
    }

    /// Up to three flipped bits anywhere: CRC32 catches every error of up to three bits in
    /// frames this size, so the frames before the first damaged one decode unchanged and then
    /// comes an error at that frame's offset. Never a panic, never a wrong message.
    #[test]
    fn bit_flips_give_an_error_never_a_wrong_message(
        messages in vec(message(), 1..4),
        flips in vec((any::<usize>(), 0u8..8), 1..4),
        cuts in vec(any::<usize>(), 0..4),
    ) {
        let (mut stream, spans) = encode_all(&messages);
        let mut first_damaged = usize::MAX;
        let mut flipped = std::collections::HashMap::new();
        for (pos, bit) in flips {
            let pos = pos % stream.len();
            *flipped.entry((pos, bit)).or_insert(0) += 1;
            stream[pos] ^= 1 << bit;
        }
        // Two flips of the same bit cancel out.
        for ((pos, _), _) in flipped.into_iter().filter(|(_, n)| n % 2 == 1) {
            let frame = spans.iter().position(|&(s, l)| pos >= s && pos < s + l).unwrap();
            first_damaged = first_damaged.min(frame);
        }
        let (decoded, end) = decode_in_pieces(&stream, &cuts);
        if first_damaged == usize::MAX {
            prop_assert_eq!(end, Ok(()));
            prop_assert_eq!(decoded, messages);
        } else {
            let err = end.unwrap_err();
            prop_assert_eq!(&decoded[..], &messages[..first_damaged]);
            prop_assert_eq!(err.offset(), spans[first_damaged].0 as u64, "{}", err);
            prop_assert!(matches!(err.kind(), "prelude_crc" | "message_crc"), "{}", err);
        }
    }

    /// A stream cut short: every frame before the cut decodes, then `finish` says exactly how
    /// many bytes of the next frame it held and how many that frame needs.
    #[test]
    fn truncation_is_reported_exactly(messages in vec(message(), 1..4), cut in any::<usize>(), cuts in vec(any::<usize>(), 0..4)) {
        let (stream, spans) = encode_all(&messages);
        let cut = cut % stream.len();
        let (decoded, end) = decode_in_pieces(&stream[..cut], &cuts);
        let complete = spans.iter().filter(|&&(s, l)| s + l <= cut).count();
        prop_assert_eq!(&decoded[..], &messages[..complete]);
        let (start, len) = spans[complete];
        if cut == start {
            prop_assert_eq!(end, Ok(()));
        } else {
            let have = (cut - start) as u64;
            let need = if have < 12 { 16 } else { len as u64 };
            prop_assert_eq!(end, Err(Error::Truncated { offset: start as u64, have, need }));
        }
    }

    /// Garbage, and garbage appended to valid frames: never a panic, and split invariance holds
    /// for whatever the outcome is.
    #[test]
    fn random_bytes_never_panic(
        prefix in vec(message(), 0..2),
        garbage in vec(any::<u8>(), 0..300),
        cuts in vec(any::<usize>(), 0..6),
    ) {
        let (mut stream, _) = encode_all(&prefix);
        stream.extend_from_slice(&garbage);
        let whole = decode_in_pieces(&stream, &[]);
        let split = decode_in_pieces(&stream, &cuts);
        prop_assert_eq!(&whole.0[..prefix.len().min(whole.0.len())], &prefix[..prefix.len().min(whole.0.len())]);
        prop_assert_eq!(whole, split);
    }

    /// Random bytes in place of the header block (with both CRCs made right) give a header
    /// error or a message, never a panic; a message re-encodes to exactly the frame.
    #[test]
    fn random_header_blocks_are_parsed_or_rejected(block in vec(any::<u8>(), 0..80), payload in vec(any::<u8>(), 0..20)) {
        let total = u32::try_from(16 + block.len() + payload.len()).unwrap();
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&total.to_be_bytes());
        bytes.extend_from_slice(&u32::try_from(block.len()).unwrap().to_be_bytes());
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        bytes.extend_from_slice(&block);
        bytes.extend_from_slice(&payload);
        let crc = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&crc.to_be_bytes());
        match frame::decode(&Bytes::from(bytes.clone())) {
            Ok((m, used)) => {
                prop_assert_eq!(used, bytes.len());
                prop_assert_eq!(m.to_bytes().unwrap(), bytes);
            }
            Err(e) => prop_assert!(matches!(e, Error::InvalidHeader { .. }), "{}", e),
        }
    }
}
