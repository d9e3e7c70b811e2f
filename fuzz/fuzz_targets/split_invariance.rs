//! Any split equals one shot: the first byte says how many split sizes follow; the rest is a
//! stream (made well-framed with valid CRCs when the split count is even, raw when odd), fed in
//! pieces of those sizes, alternating `push_bytes` and `push`.
#![no_main]

use bytes::Bytes;
use eventstream::Decoder;
use eventstream_fuzz::{decode_whole, drain, fix_crcs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(n % 16).min(rest.len());
    let (sizes, stream) = rest.split_at(n);
    let mut stream = stream.to_vec();
    if n % 2 == 0 {
        let _ = fix_crcs(&mut stream);
    }
    let (expected_frames, expected_result) = decode_whole(&stream);

    let mut decoder = Decoder::new();
    let mut frames = Vec::new();
    let mut result = Ok(());
    let mut pos = 0;
    let mut i = 0;
    while pos < stream.len() {
        let size = if sizes.is_empty() {
            stream.len()
        } else {
            usize::from(sizes[i % sizes.len()]).max(1)
        };
        let piece = &stream[pos..(pos + size).min(stream.len())];
        if i % 2 == 0 {
            decoder.push_bytes(Bytes::copy_from_slice(piece));
        } else {
            decoder.push(piece);
        }
        pos += piece.len();
        i += 1;
        if let Err(e) = drain(&mut decoder, &mut frames) {
            result = Err(e);
            break;
        }
    }
    let result = result.and_then(|()| decoder.finish());
    assert_eq!(frames, expected_frames);
    assert_eq!(result, expected_result);
});
