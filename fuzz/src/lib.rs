//! Helpers shared by the fuzz targets.

use bytes::Bytes;
use eventstream::{Decoder, Error, Frame, Header, HeaderValue, Message, StrBytes};

/// Rewrites `data` in place into well-framed frames: each total length is clamped into what is
/// left, each headers length into what fits, and both CRCs are recomputed, so the fuzzer gets
/// past the checksum gates and reaches the header parser. A tail shorter than 16 bytes is left
/// as it is (a truncated frame); returns where it starts.
pub fn fix_crcs(data: &mut [u8]) -> usize {
    let mut pos = 0;
    while data.len() - pos >= 16 {
        let frame = &mut data[pos..];
        let remaining = frame.len();
        let declared = u32::from_be_bytes(frame[0..4].try_into().unwrap()) as usize;
        let total = 16 + declared % (remaining - 15);
        let declared_headers = u32::from_be_bytes(frame[4..8].try_into().unwrap()) as usize;
        let headers = declared_headers % (total - 15);
        frame[0..4].copy_from_slice(&(total as u32).to_be_bytes());
        frame[4..8].copy_from_slice(&(headers as u32).to_be_bytes());
        let prelude_crc = crc32fast::hash(&frame[0..8]);
        frame[8..12].copy_from_slice(&prelude_crc.to_be_bytes());
        let message_crc = crc32fast::hash(&frame[..total - 4]);
        frame[total - 4..total].copy_from_slice(&message_crc.to_be_bytes());
        pos += total;
    }
    pos
}

/// Pulls frames until the decoder needs input or fails.
pub fn drain(decoder: &mut Decoder, frames: &mut Vec<Frame>) -> Result<(), Error> {
    while let Some(frame) = decoder.next_frame()? {
        frames.push(frame);
    }
    Ok(())
}

/// Decodes `data` pushed as one `Bytes`: the frames and the end result (`finish` included).
pub fn decode_whole(data: &[u8]) -> (Vec<Frame>, Result<(), Error>) {
    let mut decoder = Decoder::new();
    decoder.push_bytes(Bytes::copy_from_slice(data));
    let mut frames = Vec::new();
    let result = drain(&mut decoder, &mut frames).and_then(|()| decoder.finish());
    (frames, result)
}

/// Builds a message deterministically from fuzz input (every header type reachable).
pub fn message_from(data: &[u8]) -> Message {
    let mut it = data.iter().copied();
    let mut headers = Vec::new();
    let count = it.next().unwrap_or(0) % 8;
    for _ in 0..count {
        let name_len = usize::from(it.next().unwrap_or(1) % 20) + 1;
        let name: String = (0..name_len)
            .map(|_| char::from(b'a' + it.next().unwrap_or(0) % 26))
            .collect();
        let mut take = |n: usize| -> Vec<u8> { (0..n).map(|_| it.next().unwrap_or(0)).collect() };
        let selector = take(1)[0] % 10;
        let value = match selector {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(i8::from_be_bytes(take(1).try_into().unwrap())),
            3 => HeaderValue::Int16(i16::from_be_bytes(take(2).try_into().unwrap())),
            4 => HeaderValue::Int32(i32::from_be_bytes(take(4).try_into().unwrap())),
            5 => HeaderValue::Int64(i64::from_be_bytes(take(8).try_into().unwrap())),
            6 => {
                let n = usize::from(take(1)[0]);
                HeaderValue::ByteArray(Bytes::from(take(n)))
            }
            7 => {
                let n = usize::from(take(1)[0]);
                let s = String::from_utf8_lossy(&take(n)).into_owned();
                HeaderValue::String(StrBytes::from(s))
            }
            8 => HeaderValue::Timestamp(i64::from_be_bytes(take(8).try_into().unwrap())),
            _ => HeaderValue::Uuid(take(16).try_into().unwrap()),
        };
        headers.push(Header::new(&name, value));
    }
    let payload: Vec<u8> = it.collect();
    Message::from_parts(headers, Bytes::from(payload))
}

/// Helpers for the `bedrock-wire` targets: the stream state machines driven by decoded messages.
pub mod bedrock {
    use bedrock_wire::invoke::{Dialect, InvokeStreamTranslator};
    use bedrock_wire::model::StreamEvent;
    use bedrock_wire::translate::ConverseStreamTranslator;
    use eventstream::Message;

    /// Every native dialect, so one input byte picks one.
    pub const DIALECTS: [Dialect; 9] = [
        Dialect::Anthropic,
        Dialect::Nova,
        Dialect::Titan,
        Dialect::Llama3,
        Dialect::Llama4,
        Dialect::MistralPrompt,
        Dialect::Cohere,
        Dialect::OpenAiChat,
        Dialect::DeepSeek,
    ];

    /// The dialect a selector byte picks.
    pub fn dialect(selector: u8) -> Dialect {
        DIALECTS[usize::from(selector) % DIALECTS.len()]
    }

    /// Feeds `messages` to `bedrock_wire::event::parse`, a Converse stream translator and a native
    /// stream translator of `dialect`, then finishes both. Panics only if a translator breaks its
    /// documented contract (after an error, every later push fails too).
    pub fn drive(messages: &[Message], dialect: Dialect) {
        for m in messages {
            let _ = bedrock_wire::event::parse(m);
        }

        let mut converse = ConverseStreamTranslator::new();
        let mut out: Vec<StreamEvent> = Vec::new();
        let mut failed = None;
        for m in messages {
            let r = converse.push_message(m, &mut out);
            if let Some(e) = &failed {
                assert_eq!(
                    r.as_ref().err(),
                    Some(e),
                    "converse translator recovered after an error"
                );
            } else if let Err(e) = r {
                failed = Some(e);
            }
        }
        let _ = converse.finish(&mut out);
        let _ = converse.is_complete();

        let mut native = InvokeStreamTranslator::new(dialect);
        let mut out: Vec<StreamEvent> = Vec::new();
        for m in messages {
            if native.push_message(m, &mut out).is_err() {
                break;
            }
        }
        let _ = native.finish(&mut out);
        let _ = native.is_complete();
    }
}

/// A loopback HTTP server answering with the current fuzz input, so `pub(crate)` credential
/// parsers are reached through the crate's public API (`Source::load`), exactly as in production.
pub mod loopback {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::Duration;

    use bedrock_wire::client::{Env, http_client_builder};
    use bedrock_wire::clock::SystemClock;
    use bedrock_wire::credentials::{LoadContext, Source};

    /// The reply to the request under test: a status and a body.
    type Reply = Arc<Mutex<(u16, Vec<u8>)>>;

    /// A running server, a runtime and a load context pointing at it.
    #[derive(Debug)]
    pub struct Harness {
        /// `http://127.0.0.1:PORT`.
        pub base: String,
        reply: Reply,
        runtime: tokio::runtime::Runtime,
        /// A context whose `AWS_ENDPOINT_URL_STS` is the server.
        pub ctx: LoadContext,
        /// A web identity token file (its content is `token`).
        pub token_file: std::path::PathBuf,
    }

    fn serve(listener: &TcpListener, reply: &Reply) {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break Some(i + 4);
                }
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let Some(head_end) = head_end else { continue };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
            let body_len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < head_end + body_len {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let first = head.lines().next().unwrap_or("").to_owned();
            let (status, body) = if first.starts_with("put ") {
                (200, b"fuzz-imds-token".to_vec()) // IMDSv2 token
            } else if first.contains("/security-credentials/ ") {
                (200, b"fuzz-role".to_vec()) // IMDS role list
            } else {
                reply.lock().map(|r| r.clone()).unwrap_or((500, Vec::new()))
            };
            let mut out = format!(
                "HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            out.extend_from_slice(&body);
            let _ = stream.write_all(&out);
        }
    }

    impl Harness {
        /// Starts the server (once per process).
        pub fn get() -> &'static Harness {
            static H: OnceLock<Harness> = OnceLock::new();
            H.get_or_init(|| {
                let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
                let base = format!("http://{}", listener.local_addr().expect("addr"));
                let reply: Reply = Arc::new(Mutex::new((200, Vec::new())));
                let r = reply.clone();
                std::thread::spawn(move || serve(&listener, &r));
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("runtime");
                let http = http_client_builder()
                    .expect("builder")
                    .build()
                    .expect("client");
                let env = Env::empty().with_var("AWS_ENDPOINT_URL_STS", base.clone());
                let ctx = LoadContext::new(
                    http,
                    Arc::new(SystemClock),
                    env,
                    Duration::from_secs(5),
                    "us-east-1",
                );
                let token_file = std::env::temp_dir()
                    .join(format!("bedrock-wire-fuzz-token-{}", std::process::id()));
                std::fs::write(&token_file, "token").expect("token file");
                Harness {
                    base,
                    reply,
                    runtime,
                    ctx,
                    token_file,
                }
            })
        }

        /// Loads `source` while the server answers the request under test with `status`, `body`.
        pub fn load(&self, source: &Source, status: u16, body: &[u8]) -> bool {
            if let Ok(mut r) = self.reply.lock() {
                *r = (status, body.to_vec());
            }
            self.runtime.block_on(source.load(&self.ctx)).is_ok()
        }
    }
}
