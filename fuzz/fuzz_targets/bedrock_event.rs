//! Raw bytes into the Event Stream decoder, every decoded message into Bedrock event parsing, the
//! ConverseStream state machine and one native (InvokeModelWithResponseStream) state machine: no
//! panic, whatever the bytes. The first byte picks the native dialect.
#![no_main]

use eventstream::Decoder;
use eventstream_fuzz::bedrock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, stream)) = data.split_first() else {
        return;
    };
    let mut decoder = Decoder::new();
    decoder.push(stream);
    let mut messages = Vec::new();
    while let Ok(Some(m)) = decoder.next_message() {
        messages.push(m);
    }
    let _ = decoder.finish();
    bedrock::drive(&messages, bedrock::dialect(selector));
});
