//! A strict, zero-copy reader for the few JSON shapes that make up nearly every frame of a
//! stream: a ConverseStream text delta, an InvokeModelWithResponseStream `chunk`, an Anthropic
//! `text_delta`.
//!
//! serde_json spends a few hundred instructions on every string it meets (escape scan, UTF-8
//! check, field-name dispatch); a text delta has five or six of them. This reader walks the
//! bytes once and hands back borrowed slices, but it only *accepts* a payload when serde would
//! certainly parse it to the same value:
//! - strings without escapes or control characters, valid UTF-8 (anything else: give up);
//! - integers as `0` or `[1-9][0-9]*` that fit, with no sign, fraction or exponent;
//! - objects whose keys the caller expects (compared byte for byte), each at most once;
//! - JSON whitespace, and nothing after the closing brace but whitespace.
//!
//! On anything else it returns `None` and the caller takes its serde path, which handles, and
//! explains, every other payload. `tests` and the `fast_json_agrees` test check this
//! differentially against the serde path.

mod value;
pub(crate) use value::value;

/// The bytes that end the plain part of a JSON string: the quote, a backslash, and the control
/// characters (which JSON does not allow raw).
const STOPS_STRING: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Where the plain part of a string starting at `bytes` ends: eight bytes at a time (a word
/// with no quote, backslash or control character is skipped whole), then byte by byte.
fn string_stop(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A high bit is set for each byte of `x` that is zero (exact for the first such byte).
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut words = bytes.chunks_exact(8);
    let mut skipped = 0;
    for chunk in words.by_ref() {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let found = zero_byte(x ^ (ONES * u64::from(b'"')))
            | zero_byte(x ^ (ONES * u64::from(b'\\')))
            // Bytes below 0x20 (`& !x`: never a byte at or above 0x80).
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGHS);
        if found != 0 {
            // The lowest flagged byte of each test is exact (borrows only run upward, so false
            // flags sit above a true one), hence so is the lowest of the three.
            return Some(skipped + (found.trailing_zeros() / 8) as usize);
        }
        skipped += 8;
    }
    let rest = bytes.get(skipped..)?;
    rest.iter()
        .position(|&c| STOPS_STRING[usize::from(c)])
        .map(|at| skipped + at)
}

/// A cursor over one JSON payload.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// The raw bytes of a string with no escapes and no control characters (not checked for
    /// UTF-8: serde does not check the strings it skips either, see [`Reader::skip_str`]).
    fn plain(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let rest = self.bytes.get(self.pos..)?;
        let len = string_stop(rest)?;
        if rest.get(len) != Some(&b'"') {
            return None;
        }
        self.pos += len + 1;
        rest.get(..len)
    }

    /// A string value (see the module docs for which ones are accepted).
    pub(crate) fn str(&mut self) -> Option<&'a str> {
        core::str::from_utf8(self.plain()?).ok()
    }

    /// A string value that must be exactly `expected` (compared as bytes).
    pub(crate) fn word(&mut self, expected: &str) -> Option<()> {
        (self.plain()? == expected.as_bytes()).then_some(())
    }

    /// The raw bytes of a string value the caller validates itself (base64 text: anything
    /// that is not base64, non-UTF-8 included, fails its decoder).
    pub(crate) fn raw_str(&mut self) -> Option<&'a [u8]> {
        self.plain()
    }

    /// Skips a string value the caller ignores (the padding `p`), as serde does: escapes and
    /// control characters are refused (here: given up on), UTF-8 is not checked.
    pub(crate) fn skip_str(&mut self) -> Option<()> {
        self.plain().map(drop)
    }

    /// A non-negative integer that fits a `u32`.
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.skip_ws();
        let rest = self.bytes.get(self.pos..)?;
        let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || (digits > 1 && rest.first() == Some(&b'0')) {
            return None;
        }
        if matches!(rest.get(digits), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        let mut value: u32 = 0;
        for &d in rest.get(..digits)? {
            value = value.checked_mul(10)?.checked_add(u32::from(d - b'0'))?;
        }
        self.pos += digits;
        Some(value)
    }

    /// An object: `field` is called with each key (raw bytes, compared by the caller against
    /// the keys it expects) and must read that key's value, or return `None` to give up.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &'a [u8]) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Some(());
        }
        loop {
            let key = self.plain()?;
            self.eat(b':')?;
            field(self, key)?;
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Nothing but whitespace is left.
    pub(crate) fn end(mut self) -> Option<()> {
        self.skip_ws();
        (self.pos == self.bytes.len()).then_some(())
    }
}

/// Sets `slot` once; a second value for the same key gives up (serde reports duplicates).
pub(crate) fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

/// `{"contentBlockIndex": N, "delta": {"text": "..."}, "p": "..."}` in any key order (`p`
/// optional): a ConverseStream text delta.
pub(crate) fn converse_text_delta(payload: &[u8]) -> Option<(u32, &str)> {
    let mut r = Reader::new(payload);
    let (mut index, mut text, mut pad) = (None, None, None);
    r.object(|r, key| match key {
        b"contentBlockIndex" => once(&mut index, r.u32()),
        b"delta" => {
            let mut t = None;
            r.object(|r, key| match key {
                b"text" => once(&mut t, r.str()),
                _ => None,
            })?;
            once(&mut text, t)
        }
        b"p" => once(&mut pad, r.skip_str()),
        _ => None,
    })?;
    r.end()?;
    Some((index?, text?))
}

/// `{"bytes": "<base64>", "p": "..."}` in any key order (`p` optional): an
/// InvokeModelWithResponseStream chunk; returns the base64 text, for the caller's decoder to
/// validate.
pub(crate) fn chunk_bytes(payload: &[u8]) -> Option<&[u8]> {
    let mut r = Reader::new(payload);
    let (mut bytes, mut pad) = (None, None);
    r.object(|r, key| match key {
        b"bytes" => once(&mut bytes, r.raw_str()),
        b"p" => once(&mut pad, r.skip_str()),
        _ => None,
    })?;
    r.end()?;
    bytes
}

/// `{"type": "content_block_delta", "index": N, "delta": {"type": "text_delta", "text":
/// "..."}}` in any key order: an Anthropic Messages text delta.
pub(crate) fn anthropic_text_delta(payload: &[u8]) -> Option<(u32, &str)> {
    let mut r = Reader::new(payload);
    let (mut kind, mut index, mut text) = (None, None, None);
    r.object(|r, key| match key {
        b"type" => once(&mut kind, r.word("content_block_delta")),
        b"index" => once(&mut index, r.u32()),
        b"delta" => {
            let (mut k, mut t) = (None, None);
            r.object(|r, key| match key {
                b"type" => once(&mut k, r.word("text_delta")),
                b"text" => once(&mut t, r.str()),
                _ => None,
            })?;
            k?;
            once(&mut text, t)
        }
        _ => None,
    })?;
    r.end()?;
    kind?;
    Some((index?, text?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_shapes_in_any_order_and_spacing() {
        assert_eq!(
            converse_text_delta(br#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abc"}"#),
            Some((0, "Hi"))
        );
        assert_eq!(
            converse_text_delta(
                b" {\n\"p\" : \"x\" ,\t\"delta\":{ \"text\" : \"caf\xc3\xa9\" },\r\"contentBlockIndex\": 17 } \n"
            ),
            Some((17, "caf\u{e9}"))
        );
        assert_eq!(
            converse_text_delta(br#"{"delta":{"text":""},"contentBlockIndex":4294967295}"#),
            Some((u32::MAX, ""))
        );
        assert_eq!(
            chunk_bytes(br#"{"bytes":"eyJ9","p":"ab"}"#),
            Some(&b"eyJ9"[..])
        );
        assert_eq!(
            anthropic_text_delta(
                br#"{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"ok"}}"#
            ),
            Some((2, "ok"))
        );
        assert_eq!(
            anthropic_text_delta(
                br#"{"delta":{"text":"ok","type":"text_delta"},"index":0,"type":"content_block_delta"}"#
            ),
            Some((0, "ok"))
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        #[test]
        fn the_word_at_a_time_scan_finds_the_first_stop(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => 0x20u8..=0xff,
                    1 => proptest::sample::select(&[b'"', b'\\', 0, 0x1f, 0x7f, 0x80, 0xff][..]),
                ],
                0..40,
            )
        ) {
            let naive = bytes.iter().position(|&c| c == b'"' || c == b'\\' || c < 0x20);
            proptest::prop_assert_eq!(string_stop(&bytes), naive);
        }
    }

    #[test]
    fn gives_up_on_anything_serde_might_read_differently() {
        let refused: &[&[u8]] = &[
            br#"{"contentBlockIndex":0,"delta":{"text":"a\nb"}}"#, // escape
            b"{\"contentBlockIndex\":0,\"delta\":{\"text\":\"a\x01\"}}", // control character
            b"{\"contentBlockIndex\":0,\"delta\":{\"text\":\"\xff\"}}", // not UTF-8
            br#"{"contentBlockIndex":01,"delta":{"text":"a"}}"#,   // leading zero
            br#"{"contentBlockIndex":-0,"delta":{"text":"a"}}"#,   // sign
            br#"{"contentBlockIndex":1.0,"delta":{"text":"a"}}"#,  // fraction
            br#"{"contentBlockIndex":1e0,"delta":{"text":"a"}}"#,  // exponent
            br#"{"contentBlockIndex":4294967296,"delta":{"text":"a"}}"#, // too big
            br#"{"contentBlockIndex":0,"delta":{"text":"a"},"x":1}"#, // unexpected key
            br#"{"contentBlockIndex":0,"delta":{"text":"a","toolUse":{}}}"#,
            br#"{"contentBlockIndex":0,"contentBlockIndex":1,"delta":{"text":"a"}}"#, // duplicate
            br#"{"contentBlockIndex":0,"delta":{"text":"a"},"p":"x","p":"y"}"#,
            br#"{"contentBlockIndex":0,"delta":{"text":null}}"#, // null
            br#"{"contentBlockIndex":0,"delta":{}}"#,            // no text
            br#"{"delta":{"text":"a"}}"#,                        // no index
            br#"{"contentBlockIndex":0,"delta":{"text":"a"}} x"#, // trailing garbage
            br#"{"contentBlockIndex":0,"delta":{"text":"a"},}"#, // trailing comma
            br#"{"contentBlockIndex":0,"delta":{"text":"a"}"#,   // truncated
            br#"{"contentBlockIndex":0 "delta":{"text":"a"}}"#,  // missing comma
            br#"{"contentBlockIndex":0,"delta":{"text":"a"},"p":1}"#, // padding not a string
            br#"{"contentBlock\u0049ndex":0,"delta":{"text":"a"}}"#, // escaped key
            b"",
            b"{}",
        ];
        for p in refused {
            assert_eq!(
                converse_text_delta(p),
                None,
                "{:?}",
                String::from_utf8_lossy(p)
            );
        }
        assert_eq!(chunk_bytes(br#"{"bytes":"a","bytes":"b"}"#), None);
        assert_eq!(chunk_bytes(br#"{"p":"a"}"#), None);
        assert_eq!(
            anthropic_text_delta(
                br#"{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","text":"x"}}"#
            ),
            None
        );
        assert_eq!(
            anthropic_text_delta(
                br#"{"type":"content_block_delta","index":0,"delta":{"text":"x"}}"#
            ),
            None
        );
        assert_eq!(
            anthropic_text_delta(
                br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"x"},"amazon-bedrock-invocationMetrics":{}}"#
            ),
            None
        );
    }
}

/// Payloads near the accepted shapes, for the differential tests against the serde paths:
/// each of the three shapes with its fields shuffled, sometimes dropped, repeated or joined by
/// others, values sometimes swapped for near misses (escapes, control characters, bad UTF-8,
/// leading zeros, signs, fractions, overflow, null), odd whitespace, and now and then one
/// byte changed or removed.
#[cfg(test)]
pub(crate) mod near_misses {
    use proptest::prelude::*;

    /// A tiny deterministic generator (xorshift64*), seeded by proptest.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
        fn chance(&mut self, percent: usize) -> bool {
            self.below(100) < percent
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    #[derive(Clone, Copy)]
    enum Value {
        Int,
        Str,
        Word(&'static str),
        Object(&'static [(&'static str, Value)]),
    }

    const CONVERSE: &[(&str, Value)] = &[
        ("contentBlockIndex", Value::Int),
        ("delta", Value::Object(&[("text", Value::Str)])),
        ("p", Value::Str),
    ];
    const CHUNK: &[(&str, Value)] = &[
        ("bytes", Value::Word("eyJ0eXBlIjoieCJ9")),
        ("p", Value::Str),
    ];
    const ANTHROPIC: &[(&str, Value)] = &[
        ("type", Value::Word("content_block_delta")),
        ("index", Value::Int),
        (
            "delta",
            Value::Object(&[("type", Value::Word("text_delta")), ("text", Value::Str)]),
        ),
    ];
    const OTHER_KEYS: &[&str] = &[
        "x",
        "toolUse",
        "reasoningContent",
        "citation",
        "amazon-bedrock-invocationMetrics",
        "contentBlock\\u0049ndex",
        "p",
        "text",
        "type",
        "index",
        "bytes",
    ];

    fn ws(r: &mut Rng, out: &mut Vec<u8>) {
        if r.chance(20) {
            out.extend_from_slice(r.pick(&[" ", "\n", "\t ", "\r\n  "]).as_bytes());
        }
    }

    fn value(r: &mut Rng, v: Value, out: &mut Vec<u8>) {
        ws(r, out);
        if r.chance(12) {
            // A near miss of any kind.
            let miss: &[u8] = match r.below(14) {
                0 => b"\"a\\nb\"",
                1 => b"\"\\u00e9\"",
                2 => b"\"a\x01\"",
                3 => b"\"\xff\xfe\"",
                4 => b"\"unterminated",
                5 => b"01",
                6 => b"-1",
                7 => b"-0",
                8 => b"1.5",
                9 => b"2e1",
                10 => b"4294967296",
                11 => b"null",
                12 => b"[]",
                _ => b"{}",
            };
            out.extend_from_slice(miss);
            ws(r, out);
            return;
        }
        match v {
            Value::Int => {
                let n = r.pick(&["0", "1", "7", "42", "4294967295"]);
                out.extend_from_slice(n.as_bytes());
            }
            Value::Str => {
                let s = r.pick(&[
                    "",
                    "Hi",
                    "tok7 ",
                    "caf\u{e9}",
                    "\u{1F600} ok",
                    "abcdefghijkl",
                    "a/b",
                ]);
                out.push(b'"');
                out.extend_from_slice(s.as_bytes());
                out.push(b'"');
            }
            Value::Word(w) => {
                let w = if r.chance(85) {
                    w
                } else {
                    r.pick(&["thinking_delta", "aGk", "!!", ""])
                };
                out.push(b'"');
                out.extend_from_slice(w.as_bytes());
                out.push(b'"');
            }
            Value::Object(fields) => object(r, fields, out),
        }
        ws(r, out);
    }

    fn object(r: &mut Rng, fields: &[(&'static str, Value)], out: &mut Vec<u8>) {
        let mut list: Vec<(&str, Value)> =
            fields.iter().copied().filter(|_| !r.chance(8)).collect();
        if r.chance(8) {
            list.push((r.pick(OTHER_KEYS), Value::Str));
        }
        if r.chance(6) && !list.is_empty() {
            let again = list[r.below(list.len())];
            list.push(again);
        }
        for i in (1..list.len()).rev() {
            list.swap(i, r.below(i + 1));
        }
        ws(r, out);
        out.push(b'{');
        for (i, (key, v)) in list.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            ws(r, out);
            out.push(b'"');
            out.extend_from_slice(key.as_bytes());
            out.push(b'"');
            ws(r, out);
            out.push(b':');
            value(r, *v, out);
        }
        if r.chance(3) {
            out.push(b',');
        }
        out.push(b'}');
        ws(r, out);
    }

    fn build(seed: u64) -> Vec<u8> {
        let mut r = Rng(seed | 1);
        let shape = [CONVERSE, CHUNK, ANTHROPIC][r.below(3)];
        let mut out = Vec::new();
        object(&mut r, shape, &mut out);
        if r.chance(3) {
            out.extend_from_slice(b" x");
        }
        if r.chance(10) && !out.is_empty() {
            let i = r.below(out.len());
            if r.chance(50) {
                out[i] = u8::try_from(r.below(256)).unwrap_or(0);
            } else {
                out.remove(i);
            }
        }
        out
    }

    /// One payload (see the module docs).
    pub(crate) fn payload() -> impl Strategy<Value = Vec<u8>> {
        any::<u64>().prop_map(build)
    }

    /// A few canonical payloads the fast paths must accept (so the tests can see them used).
    pub(crate) const CANONICAL: &[&[u8]] = &[
        br#"{"contentBlockIndex":0,"delta":{"text":"Hi"},"p":"abcdefgh"}"#,
        br#"{"p":"ab","delta":{"text":" there"},"contentBlockIndex":3}"#,
        br#"{"bytes":"eyJ0eXBlIjoieCJ9","p":"abcdefghijklmnop"}"#,
        br#"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"tok "}}"#,
    ];

    #[test]
    fn the_generator_hits_each_fast_path_often_and_misses_often() {
        let (mut hits, mut total) = ([0usize; 3], 0usize);
        for seed in 0..30_000u64 {
            let p = build(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
            total += 1;
            hits[0] += usize::from(super::converse_text_delta(&p).is_some());
            hits[1] += usize::from(super::chunk_bytes(&p).is_some());
            hits[2] += usize::from(super::anthropic_text_delta(&p).is_some());
        }
        for (i, h) in hits.iter().enumerate() {
            // Each shape is a third of the payloads; a good share of those must be accepted and
            // the rest be near misses, or the differential tests prove little.
            assert!(
                *h > total / 25 && *h < total / 4,
                "shape {i}: {h} of {total}"
            );
        }
    }
}
