//! Encode then decode: a message built from the input comes back equal, whole and split in two.
#![no_main]

use bytes::Bytes;
use eventstream::{Decoder, frame};
use eventstream_fuzz::message_from;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let message = message_from(data);
    let encoded = message.to_bytes().unwrap();
    assert_eq!(encoded.len(), message.encoded_len().unwrap());

    let (decoded, used) = frame::decode(&Bytes::from(encoded.clone())).unwrap();
    assert_eq!(used, encoded.len());
    assert_eq!(decoded, message);

    let cut = usize::from(data.first().copied().unwrap_or(0)) % (encoded.len() + 1);
    let mut decoder = Decoder::new();
    decoder.push(&encoded[..cut]);
    let first = decoder.next_message().unwrap();
    decoder.push_bytes(Bytes::copy_from_slice(&encoded[cut..]));
    let second = decoder.next_message().unwrap();
    assert_eq!(first.or(second), Some(message));
    assert_eq!(decoder.next_message().unwrap(), None);
    decoder.finish().unwrap();
});
