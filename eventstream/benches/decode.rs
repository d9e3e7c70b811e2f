//! Decoding throughput: this decoder against `aws-smithy-eventstream`, with `crc32fast` alone
//! over the same bytes as the ceiling (every byte of a frame but the last 4 goes through the
//! message CRC, so no decoder can beat one CRC pass).
//!
//! - `captures`: the five real Bedrock captures concatenated 20 times (2120 frames), messages/s;
//! - `large`: 8 frames with 1 MiB payloads (and three string headers each), bytes/s;
//! - `tiny`: 1,000,000 frames with no headers and an 8-byte payload (24 bytes each), messages/s.
//!
//! `ours` pushes the whole buffer as one `Bytes` (zero-copy); `ours_4k_chunks` /
//! `ours_64k_chunks` push it as network-sized `Bytes` chunks (frames that span chunks are
//! assembled with one copy); `smithy` drives `MessageFrameDecoder` over the whole buffer.
//!
//! Times are thread CPU time (`ThreadCpuTime` below), not wall time, so the figures hold on a
//! shared machine where other processes take turns on the cores; on an idle machine the two are
//! the same for this single-threaded work.
//!
//! Run: `cargo bench -p eventstream --bench decode`.

// `criterion_group!` generates an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use aws_smithy_eventstream::frame::{DecodedFrame, MessageFrameDecoder};
use bytes::Bytes;
use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use eventstream::{Decoder, HeaderValue, Message};

/// Criterion measurement: CPU time of the benchmarking thread.
struct ThreadCpuTime;

/// Borrowed for its formatter (durations), which criterion does not export.
static WALL_TIME: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }

    fn end(&self, start: ThreadTime) -> Duration {
        start.elapsed()
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    #[allow(clippy::cast_precision_loss)]
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL_TIME.formatter()
    }
}

fn ours(buf: &Bytes, chunk: usize) -> usize {
    let mut decoder = Decoder::new();
    let mut frames = 0;
    let mut start = 0;
    while start < buf.len() {
        let end = (start + chunk).min(buf.len());
        decoder.push_bytes(buf.slice(start..end));
        start = end;
        while let Some(message) = decoder.next_message().expect("valid input") {
            black_box(&message);
            frames += 1;
        }
    }
    decoder.finish().expect("nothing left over");
    frames
}

fn smithy(buf: &Bytes) -> usize {
    let mut decoder = MessageFrameDecoder::new();
    let mut rest = buf.clone();
    let mut frames = 0;
    loop {
        match decoder.decode_frame(&mut rest).expect("valid input") {
            DecodedFrame::Complete(message) => {
                black_box(&message);
                frames += 1;
            }
            DecodedFrame::Incomplete => return frames,
        }
    }
}

fn captures() -> Bytes {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/bedrock-captures/extracted");
    let mut one = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eventstream"))
        .collect();
    names.sort();
    for path in names {
        one.extend_from_slice(&std::fs::read(path).unwrap());
    }
    Bytes::from(one.repeat(20))
}

fn large() -> Bytes {
    let mut out = Vec::new();
    for i in 0..8u8 {
        Message::new(vec![i; 1 << 20])
            .with_header(":event-type", HeaderValue::string("chunk"))
            .with_header(
                ":content-type",
                HeaderValue::string("application/octet-stream"),
            )
            .with_header(":message-type", HeaderValue::string("event"))
            .encode(&mut out)
            .unwrap();
    }
    Bytes::from(out)
}

fn tiny() -> Bytes {
    let one = Message::new(&b"12345678"[..]).to_bytes().unwrap();
    Bytes::from(one.repeat(1_000_000))
}

fn group(c: &mut Criterion<ThreadCpuTime>, name: &str, buf: &Bytes, per_bytes: bool, chunk: usize) {
    let frames = ours(buf, buf.len());
    assert_eq!(frames, smithy(buf));
    let mut g = c.benchmark_group(name);
    g.throughput(if per_bytes {
        Throughput::Bytes(buf.len() as u64)
    } else {
        Throughput::Elements(frames as u64)
    });
    if buf.len() > 4 << 20 {
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
    }
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("ours", |b| b.iter(|| ours(buf, buf.len())));
    g.bench_function(format!("ours_{}k_chunks", chunk >> 10), |b| {
        b.iter(|| ours(buf, chunk));
    });
    g.bench_function("smithy", |b| b.iter(|| smithy(buf)));
    g.bench_function("crc32fast_ceiling", |b| {
        b.iter(|| crc32fast::hash(black_box(buf)));
    });
    g.finish();
}

fn benches(c: &mut Criterion<ThreadCpuTime>) {
    group(c, "captures", &captures(), false, 4 << 10);
    group(c, "large", &large(), true, 64 << 10);
    group(c, "tiny", &tiny(), false, 4 << 10);
}

criterion_group! {
    name = decode;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = benches
}
criterion_main!(decode);
