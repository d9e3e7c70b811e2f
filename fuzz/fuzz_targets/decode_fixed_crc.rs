//! Well-framed input with both CRCs recomputed, so the fuzzer reaches header parsing: the only
//! possible failures are header errors (a short tail is cut off), decoded messages re-encode to exactly
//! their frame, and one-byte-at-a-time decoding agrees.
#![no_main]

use eventstream::{Decoder, Error};
use eventstream_fuzz::{decode_whole, drain, fix_crcs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut data = data.to_vec();
    let framed = fix_crcs(&mut data);
    data.truncate(framed);
    let (frames, result) = decode_whole(&data);
    match result {
        Ok(()) | Err(Error::InvalidHeader { .. }) => {}
        Err(other) => panic!("CRCs and lengths were fixed, yet: {other}"),
    }
    for frame in &frames {
        let start = usize::try_from(frame.offset).unwrap();
        let encoded = frame.message.to_bytes().unwrap();
        assert_eq!(&data[start..start + frame.len()], &encoded[..]);
    }

    let mut bytewise = Decoder::new();
    let mut frames2 = Vec::new();
    let mut result2 = Ok(());
    for byte in &data {
        bytewise.push(std::slice::from_ref(byte));
        if let Err(e) = drain(&mut bytewise, &mut frames2) {
            result2 = Err(e);
            break;
        }
    }
    let result2 = result2.and_then(|()| bytewise.finish());
    assert_eq!(frames, frames2);
    assert_eq!(result, result2);
});
