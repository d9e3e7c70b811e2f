//! Raw bytes into the decoder, whole and one byte at a time: never a panic, the same outcome
//! both ways, and every decoded message re-encodes to exactly its frame.
#![no_main]

use bytes::Bytes;
use eventstream::{Decoder, Error, Frame};
use libfuzzer_sys::fuzz_target;

fn drain(decoder: &mut Decoder) -> (Vec<Frame>, Result<(), Error>) {
    let mut frames = Vec::new();
    loop {
        match decoder.next_frame() {
            Ok(Some(frame)) => frames.push(frame),
            Ok(None) => return (frames, decoder.finish()),
            Err(e) => return (frames, Err(e)),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut whole = Decoder::new();
    whole.push_bytes(Bytes::copy_from_slice(data));
    let (frames, end) = drain(&mut whole);

    let mut bytewise = Decoder::new();
    let mut frames2 = Vec::new();
    let mut end2 = Ok(());
    for byte in data {
        bytewise.push(std::slice::from_ref(byte));
        let (mut got, result) = drain(&mut bytewise);
        frames2.append(&mut got);
        if let Err(e) = result {
            if !matches!(e, Error::Truncated { .. }) {
                end2 = Err(e);
                break;
            }
        }
    }
    if end2.is_ok() {
        end2 = bytewise.finish();
    }
    assert_eq!(frames, frames2);
    assert_eq!(end, end2);

    for frame in &frames {
        let start = usize::try_from(frame.offset).unwrap();
        let encoded = frame.message.to_bytes().unwrap();
        assert_eq!(&data[start..start + frame.len()], &encoded[..]);
    }
});
