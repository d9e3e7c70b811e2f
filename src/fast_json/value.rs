//! A whole JSON document as a `serde_json::Value`, for the non-streamed bodies (a Converse
//! response, a native invoke response, the rarer stream events).
//!
//! serde_json copies every string that holds an escape through a scratch buffer, stopping at each
//! escape with a few hundred instructions of bookkeeping; model text is full of `\n` and `\"`, so
//! a 50 KB Converse answer spent two thirds of its parse there. This parser builds the same
//! `Value` directly (runs between escapes are found eight bytes at a time, checked as UTF-8 once
//! and copied once), and gives up — returns `None`, so the caller takes serde's path, which also
//! explains the error — on anything it does not handle exactly as serde does:
//! - numbers other than plain non-negative integers of up to 19 digits are handed to serde_json
//!   one at a time (a number's value does not depend on what surrounds it);
//! - strings with control characters, invalid UTF-8, unknown escapes or unpaired surrogates;
//! - nesting deeper than 64, and anything that is not JSON (trailing commas, a BOM, comments,
//!   bytes after the value).
//!
//! Objects keep the last of duplicate keys, as serde's `Value` does. The differential tests
//! below and the `json_value` fuzz target compare it with serde_json on every input.

use serde_json::{Map, Value};

use super::string_stop;

/// Deeper documents go to serde (whose own limit is 128).
const MAX_DEPTH: usize = 64;

/// The document `bytes` as a `Value`, or `None` where serde_json should decide (see the module
/// docs).
pub(crate) fn value(bytes: &[u8]) -> Option<Value> {
    let mut p = Parser { bytes, pos: 0 };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    (p.pos == bytes.len()).then_some(v)
}

/// The byte a one-letter escape (after its backslash) stands for.
fn simple_escape(e: u8) -> Option<u8> {
    Some(match e {
        b'"' => b'"',
        b'\\' => b'\\',
        b'/' => b'/',
        b'b' => 0x08,
        b'f' => 0x0c,
        b'n' => b'\n',
        b'r' => b'\r',
        b't' => b'\t',
        _ => return None,
    })
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        match self.peek()? {
            b'"' => self.string().map(Value::String),
            b'{' if depth < MAX_DEPTH => self.object(depth + 1),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1),
            b't' => self.literal(b"true", Value::Bool(true)),
            b'f' => self.literal(b"false", Value::Bool(false)),
            b'n' => self.literal(b"null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8], v: Value) -> Option<Value> {
        if self.bytes.get(self.pos..self.pos + word.len())? == word {
            self.pos += word.len();
            Some(v)
        } else {
            None
        }
    }

    fn number(&mut self) -> Option<Value> {
        let rest = self.bytes.get(self.pos..)?;
        let len = rest
            .iter()
            .take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
            .count();
        let token = rest.get(..len)?;
        self.pos += len;
        let plain = token.iter().all(u8::is_ascii_digit);
        if plain && len <= 19 && (token.first() != Some(&b'0') || len == 1) {
            // At most 19 digits always fit a u64; serde makes these a u64 too.
            let n = token.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
            return Some(Value::from(n));
        }
        serde_json::from_slice::<Value>(token)
            .ok()
            .filter(Value::is_number)
    }

    /// A string starting at its opening quote.
    fn string(&mut self) -> Option<String> {
        let start = self.pos + 1;
        let rest = self.bytes.get(start..)?;
        let stop = string_stop(rest)?;
        if rest.get(stop) == Some(&b'"') {
            self.pos = start + stop + 1;
            return core::str::from_utf8(rest.get(..stop)?)
                .ok()
                .map(str::to_owned);
        }
        // Runs between escapes are copied as bytes and the result checked as UTF-8 once: an
        // escape always writes whole characters, so the result is valid exactly when every run
        // is.
        let mut out = Vec::with_capacity(2 * stop + 64);
        let mut at = start;
        let mut stop = stop;
        loop {
            out.extend_from_slice(self.bytes.get(at..at + stop)?);
            at += stop;
            match self.bytes.get(at)? {
                b'"' => {
                    self.pos = at + 1;
                    return String::from_utf8(out).ok();
                }
                b'\\' => match *self.bytes.get(at + 1)? {
                    b'u' => {
                        self.pos = at + 2;
                        let c = self.unicode_escape()?;
                        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        at = self.pos;
                    }
                    e => {
                        out.push(simple_escape(e)?);
                        at += 2;
                    }
                },
                _ => return None, // a raw control character
            }
            stop = string_stop(self.bytes.get(at..)?)?;
        }
    }

    /// The character of a `\u` escape, its four hex digits at `pos` (a surrogate pair takes
    /// the second escape too).
    fn unicode_escape(&mut self) -> Option<char> {
        let hi = self.hex4()?;
        match hi {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2)? != b"\\u" {
                    return None;
                }
                self.pos += 2;
                let lo = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&lo) {
                    return None;
                }
                char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
            }
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(hi),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.bytes.get(self.pos..self.pos + 4)?;
        let mut n = 0u32;
        for &d in digits {
            n = n * 16 + char::from(d).to_digit(16)?;
        }
        self.pos += 4;
        Some(n)
    }

    fn object(&mut self, depth: usize) -> Option<Value> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(Value::Object(map));
        }
        loop {
            self.skip_ws();
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek()? != b':' {
                return None;
            }
            self.pos += 1;
            self.skip_ws();
            let v = self.value(depth)?;
            map.insert(key, v);
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Some(Value::Object(map));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Value> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth)?);
            self.skip_ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some(Value::Array(items));
                }
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// serde's reading of `bytes`, the oracle.
    fn serde(bytes: &[u8]) -> Option<Value> {
        serde_json::from_slice(bytes).ok()
    }

    #[track_caller]
    fn same(doc: &str) {
        assert_eq!(value(doc.as_bytes()), serde(doc.as_bytes()), "{doc:?}");
        assert!(
            value(doc.as_bytes()).is_some(),
            "fast path should take {doc:?}"
        );
    }

    #[track_caller]
    fn gives_up(doc: &[u8]) {
        assert_eq!(value(doc), None, "{:?}", String::from_utf8_lossy(doc));
    }

    #[test]
    fn reads_what_serde_reads() {
        for doc in [
            r#"{"output":{"message":{"role":"assistant","content":[{"text":"Line 1: the \"quick\" fox.\n"}]}},"stopReason":"end_turn"}"#,
            " [1, 0, 18446744073709551615, 1234567890123456789, -1, -0, 1.5, 1e3, 2E-2, 0.1, 12345678901234567890123] ",
            r#"{"a":1,"a":2,"b":{"a":[true,false,null]}}"#,
            r#""\u00e9\u0041\ud83d\ude00\/\b\f\r\t\\""#,
            r#""é ü 😀 plain""#,
            "{}",
            "[]",
            "\"\"",
            "\n\t{ \"k\" :\r[ ] }\n",
            r#""\u0000""#,
        ] {
            same(doc);
        }
        let deep = format!("{}1{}", "[".repeat(64), "]".repeat(64));
        same(&deep);
    }

    #[test]
    fn gives_up_where_serde_decides() {
        for doc in [
            &b"[1,]"[..],
            b"{\"a\":1,}",
            b"\xef\xbb\xbf{}",
            b"{} x",
            b"\"a\x01b\"",
            b"\"\\x\"",
            b"\"\\ud83d\"",
            b"\"\\ude00\"",
            b"\"\\ud83d\\u0041\"",
            b"\"\xff\"",
            b"\"unterminated",
            b"01",
            b"1.",
            b"--1",
            b"tru",
            b"nul",
            b"{\"a\" 1}",
            b"{1:2}",
            b"// c\n1",
            b"",
        ] {
            gives_up(doc);
            assert!(serde(doc).is_none(), "serde refuses {doc:?} too");
        }
        // Deeper than 64: serde decides (it reads these).
        let deep = format!("{}1{}", "[".repeat(65), "]".repeat(65));
        gives_up(deep.as_bytes());
        assert!(serde(deep.as_bytes()).is_some());
    }

    /// JSON documents, with strings full of escapes and non-ASCII text, numbers of every kind.
    fn doc() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            "[a-z\"\\\\/\n\t\r\u{8}\u{c}\u{0}-\u{1f}é😀\u{7f}\u{ffff} ]{0,40}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec(("[a-z\"\\\\é]{0,6}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Text near a document: serialized compactly or prettily, then maybe damaged (a byte
    /// changed, removed or inserted; an escape spelled with `\u`).
    fn near_doc() -> impl Strategy<Value = Vec<u8>> {
        (doc(), any::<bool>(), 0usize..4, any::<usize>(), any::<u8>()).prop_map(
            |(v, pretty, damage, at, byte)| {
                let mut text = if pretty {
                    serde_json::to_vec_pretty(&v).unwrap_or_default()
                } else {
                    serde_json::to_vec(&v).unwrap_or_default()
                };
                let at = if text.is_empty() { 0 } else { at % text.len() };
                match damage {
                    1 if !text.is_empty() => text[at] = byte,
                    2 if !text.is_empty() => {
                        text.remove(at);
                    }
                    3 => text.insert(at, byte),
                    _ => {}
                }
                text
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whenever the fast parser answers, serde reads the same value.
        #[test]
        fn agrees_with_serde(bytes in near_doc()) {
            if let Some(v) = value(&bytes) {
                prop_assert_eq!(Some(v), serde(&bytes));
            }
        }

        /// Every serialized document (no damage) whose numbers are all plain is taken by the
        /// fast path, so the property above has something to compare.
        #[test]
        fn takes_every_well_formed_document(v in doc(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_vec_pretty(&v) } else { serde_json::to_vec(&v) };
            let text = text.unwrap_or_default();
            let back = value(&text);
            prop_assert!(back.is_some(), "{}", String::from_utf8_lossy(&text));
            prop_assert_eq!(back, serde(&text));
        }
    }
}
