//! "No allocation per frame beyond the header list": decoding frames that lie in one pushed
//! `Bytes` allocates exactly one block per frame that has headers (its `Vec<Header>`), and
//! nothing for a frame without headers. Counted with a global allocator wrapper, which counts
//! every thread's allocations: so this file runs without the libtest harness (`harness = false`
//! in Cargo.toml), on the main thread alone; with the harness, its own threads allocated now
//! and then while the machine was loaded and made the count flaky.

use bytes::Bytes;
use eventstream::{Decoder, HeaderValue, Message};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    decoding_allocates_only_the_header_list();
    println!("allocations: ok");
}

fn decoding_allocates_only_the_header_list() {
    const FRAMES: usize = 1000;
    let mut wire = Vec::new();
    for i in 0..FRAMES {
        let message = if i % 2 == 0 {
            Message::new(vec![b'x'; i % 300])
                .with_header(":event-type", HeaderValue::string("contentBlockDelta"))
                .with_header(":content-type", HeaderValue::string("application/json"))
                .with_header(":message-type", HeaderValue::string("event"))
        } else {
            Message::new(vec![b'y'; i % 50])
        };
        message.encode(&mut wire).unwrap();
    }
    let wire = Bytes::from(wire);
    let mut decoder = Decoder::new();
    let mut decoded = 0;

    let region = Region::new(GLOBAL);
    decoder.push_bytes(wire.clone());
    while let Some(message) = decoder.next_message().unwrap() {
        decoded += 1;
        drop(message);
    }
    let stats = region.change();

    eprintln!(
        "{FRAMES} frames: {} allocations, {} reallocations",
        stats.allocations, stats.reallocations
    );
    assert_eq!(decoded, FRAMES);
    // One Vec<Header> per frame with headers (500), plus a few fixed ones: the chunk queue and
    // the promotion of the pushed `Bytes` to a shared buffer on its first slice.
    let with_headers = FRAMES / 2;
    assert!(
        stats.allocations >= with_headers && stats.allocations <= with_headers + 4,
        "{} allocations ({} reallocations) for {FRAMES} frames",
        stats.allocations,
        stats.reallocations
    );
    assert_eq!(
        stats.reallocations, 0,
        "the header list grows without reallocating"
    );
}
