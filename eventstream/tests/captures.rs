//! The five real Bedrock captures decode to exactly the frames in their `*.frames.json`
//! (offsets, lengths, CRCs, headers, payloads), fed whole, one byte at a time, and split in two
//! at every offset.

use std::fs;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use eventstream::{Decoder, Frame, HeaderValue};
use serde_json::Value;

fn captures() -> Vec<(String, Vec<u8>, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bedrock-captures/extracted");
    let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eventstream"))
        .collect();
    paths.sort();
    assert_eq!(paths.len(), 5);
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_str().unwrap().to_owned();
            let body = fs::read(&p).unwrap();
            let json: Value =
                serde_json::from_slice(&fs::read(dir.join(format!("{name}.frames.json"))).unwrap())
                    .unwrap();
            (name, body, json)
        })
        .collect()
}

fn hex_u32(v: &Value) -> u32 {
    u32::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

fn assert_frames(name: &str, frames: &[Frame], json: &Value) {
    let expected = json["frames"].as_array().unwrap();
    assert_eq!(frames.len(), expected.len(), "{name}");
    assert_eq!(
        frames.len() as u64,
        json["frame_count"].as_u64().unwrap(),
        "{name}"
    );
    for (i, (f, e)) in frames.iter().zip(expected).enumerate() {
        let at = format!("{name} frame {i}");
        assert_eq!(f.offset, e["offset"].as_u64().unwrap(), "{at}");
        assert_eq!(
            u64::from(f.prelude.total_length),
            e["total_length"].as_u64().unwrap(),
            "{at}"
        );
        assert_eq!(
            u64::from(f.prelude.headers_length),
            e["headers_length"].as_u64().unwrap(),
            "{at}"
        );
        assert_eq!(f.prelude.crc, hex_u32(&e["prelude_crc"]), "{at}");
        assert_eq!(f.message_crc, hex_u32(&e["message_crc"]), "{at}");
        let headers = e["headers"].as_array().unwrap();
        assert_eq!(f.message.headers().len(), headers.len(), "{at}");
        for (h, eh) in f.message.headers().iter().zip(headers) {
            assert_eq!(h.name(), eh["name"].as_str().unwrap(), "{at}");
            assert_eq!(eh["type"].as_u64().unwrap(), 7, "{at}");
            assert_eq!(
                h.value(),
                &HeaderValue::string(eh["value"].as_str().unwrap()),
                "{at}"
            );
        }
        assert_eq!(
            f.message.payload().as_ref(),
            e["payload"].as_str().unwrap().as_bytes(),
            "{at}"
        );
    }
    let last = frames.last().unwrap();
    assert_eq!(
        last.offset + last.len() as u64,
        json["body_length"].as_u64().unwrap(),
        "{name}"
    );
}

fn drain(decoder: &mut Decoder, frames: &mut Vec<Frame>) {
    while let Some(f) = decoder.next_frame().unwrap() {
        frames.push(f);
    }
}

#[test]
fn captures_decode_whole() {
    for (name, body, json) in captures() {
        let mut decoder = Decoder::new();
        decoder.push_bytes(Bytes::from(body.clone()));
        let mut frames = Vec::new();
        drain(&mut decoder, &mut frames);
        decoder.finish().unwrap();
        assert_eq!(decoder.offset(), body.len() as u64);
        assert_eq!(decoder.buffered_len(), 0);
        assert_frames(&name, &frames, &json);

        // The same through `push` (copying) in one slice.
        let mut decoder = Decoder::new();
        decoder.push(&body);
        let mut copied = Vec::new();
        drain(&mut decoder, &mut copied);
        decoder.finish().unwrap();
        assert_eq!(copied, frames, "{name}");
    }
}

#[test]
fn captures_decode_one_byte_at_a_time() {
    for (name, body, json) in captures() {
        // Alternate the copying and the zero-copy entry points.
        let mut decoder = Decoder::new();
        let mut frames = Vec::new();
        for (i, byte) in body.iter().enumerate() {
            if i % 2 == 0 {
                decoder.push(std::slice::from_ref(byte));
            } else {
                decoder.push_bytes(Bytes::copy_from_slice(std::slice::from_ref(byte)));
            }
            drain(&mut decoder, &mut frames);
        }
        decoder.finish().unwrap();
        assert_frames(&name, &frames, &json);
    }
}

#[test]
fn captures_decode_split_at_every_offset() {
    for (name, body, json) in captures() {
        let mut whole = Vec::new();
        let mut decoder = Decoder::new();
        decoder.push(&body);
        drain(&mut decoder, &mut whole);
        assert_frames(&name, &whole, &json);

        let shared = Bytes::from(body.clone());
        for cut in 0..=body.len() {
            let mut decoder = Decoder::new();
            let mut frames = Vec::new();
            decoder.push_bytes(shared.slice(..cut));
            drain(&mut decoder, &mut frames);
            // Nothing is lost or invented at the cut: every frame that ends before it is out.
            let complete = whole
                .iter()
                .take_while(|f| f.offset + f.len() as u64 <= cut as u64)
                .count();
            assert_eq!(frames.len(), complete, "{name} cut at {cut}");
            decoder.push_bytes(shared.slice(cut..));
            drain(&mut decoder, &mut frames);
            decoder.finish().unwrap();
            assert_eq!(frames, whole, "{name} cut at {cut}");
        }
    }
}

#[test]
fn captures_cut_short_are_truncated_at_the_right_frame() {
    for (name, body, json) in captures() {
        let frames = json["frames"].as_array().unwrap();
        for e in frames {
            let offset = e["offset"].as_u64().unwrap();
            let total = e["total_length"].as_u64().unwrap();
            // End the input in the middle of this frame.
            let cut = usize::try_from(offset + total / 2).unwrap();
            let mut decoder = Decoder::new();
            decoder.push(&body[..cut]);
            let mut got = Vec::new();
            drain(&mut decoder, &mut got);
            let err = decoder.finish().unwrap_err();
            assert_eq!(
                err,
                eventstream::Error::Truncated {
                    offset,
                    have: total / 2,
                    need: total
                },
                "{name}"
            );
        }
    }
}
