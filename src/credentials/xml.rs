//! A small bounded XML reader for STS responses: leaf elements as `(path, text)` pairs.
//!
//! It handles what STS sends (elements, attributes, text, entities, the XML declaration and
//! comments) and refuses anything deeper than [`MAX_DEPTH`], longer than [`MAX_INPUT`] or with more
//! than [`MAX_ELEMENTS`] elements. It is not a general XML parser.

/// The deepest element nesting accepted.
pub(crate) const MAX_DEPTH: usize = 32;
/// The longest document accepted (bytes).
pub(crate) const MAX_INPUT: usize = 64 * 1024;
/// The most elements accepted.
pub(crate) const MAX_ELEMENTS: usize = 2048;

/// Leaf elements of a document, by slash-joined path of local names.
#[derive(Debug, Default)]
pub(crate) struct Leaves {
    items: Vec<(String, String)>,
}

impl Leaves {
    /// The text of the first leaf whose path ends with `/suffix` (or equals it).
    pub(crate) fn get(&self, suffix: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(p, _)| p == suffix || p.ends_with(&format!("/{suffix}")))
            .map(|(_, t)| t.as_str())
    }
}

/// Parses `input`; the error says what and at which byte offset.
pub(crate) fn parse(input: &[u8]) -> Result<Leaves, String> {
    if input.len() > MAX_INPUT {
        return Err(format!("document larger than {MAX_INPUT} bytes"));
    }
    let text =
        std::str::from_utf8(input).map_err(|e| format!("not UTF-8 at byte {}", e.valid_up_to()))?;
    let mut stack: Vec<&str> = Vec::new();
    let mut leaves = Leaves::default();
    let mut elements = 0usize;
    let mut text_buf = String::new();
    let mut had_child = false;
    let mut pos = 0usize;
    while pos < text.len() {
        let rest = text.get(pos..).unwrap_or("");
        if let Some(after) = rest.strip_prefix("<!--") {
            let end = after
                .find("-->")
                .ok_or_else(|| format!("unterminated comment at byte {pos}"))?;
            pos += 4 + end + 3;
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            let end = rest
                .find('>')
                .ok_or_else(|| format!("unterminated declaration at byte {pos}"))?;
            pos += end + 1;
        } else if let Some(after) = rest.strip_prefix("</") {
            let end = after
                .find('>')
                .ok_or_else(|| format!("unterminated end tag at byte {pos}"))?;
            let name = local(after.get(..end).unwrap_or("").trim());
            let open = stack
                .pop()
                .ok_or_else(|| format!("unexpected end tag at byte {pos}"))?;
            if open != name {
                return Err(format!(
                    "end tag </{name}> does not match <{open}> at byte {pos}"
                ));
            }
            if !had_child {
                let mut path = stack.join("/");
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(name);
                leaves.items.push((path, unescape(text_buf.trim(), pos)?));
            }
            text_buf.clear();
            had_child = true;
            pos += 2 + end + 1;
        } else if let Some(after) = rest.strip_prefix('<') {
            let end = after
                .find('>')
                .ok_or_else(|| format!("unterminated start tag at byte {pos}"))?;
            let inner = after.get(..end).unwrap_or("");
            let self_closing = inner.ends_with('/');
            let name = local(
                inner
                    .trim_end_matches('/')
                    .split(|c: char| c.is_whitespace())
                    .next()
                    .unwrap_or(""),
            );
            if name.is_empty() {
                return Err(format!("empty tag name at byte {pos}"));
            }
            elements += 1;
            if elements > MAX_ELEMENTS {
                return Err(format!("more than {MAX_ELEMENTS} elements"));
            }
            if self_closing {
                let mut path = stack.join("/");
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(name);
                leaves.items.push((path, String::new()));
                had_child = true;
            } else {
                stack.push(name);
                if stack.len() > MAX_DEPTH {
                    return Err(format!("nesting deeper than {MAX_DEPTH} at byte {pos}"));
                }
                had_child = false;
                text_buf.clear();
            }
            pos += 1 + end + 1;
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            text_buf.push_str(rest.get(..end).unwrap_or(""));
            pos += end;
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("element <{open}> is not closed"));
    }
    Ok(leaves)
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn unescape(s: &str, at: usize) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let semi = after
            .find(';')
            .filter(|&n| n <= 10)
            .ok_or_else(|| format!("bad entity near byte {at}"))?;
        let entity = after.get(..semi).unwrap_or("");
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity &{entity}; near byte {at}"))?
            }
        };
        out.push(c);
        rest = after.get(semi + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sts_shape() {
        let doc = br#"<?xml version="1.0"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <!-- comment -->
    <Credentials>
      <AccessKeyId>ASIA&amp;X</AccessKeyId>
      <SecretAccessKey>s&#x2F;k&#47;</SecretAccessKey>
      <Expiration>2026-11-21T23:00:00Z</Expiration>
    </Credentials>
    <Empty/>
  </AssumeRoleResult>
</AssumeRoleResponse>"#;
        let l = parse(doc).unwrap_or_default();
        assert_eq!(l.get("Credentials/AccessKeyId"), Some("ASIA&X"));
        assert_eq!(l.get("SecretAccessKey"), Some("s/k/"));
        assert_eq!(l.get("Empty"), Some(""));
        assert_eq!(l.get("AssumeRoleResult"), None);
    }

    #[test]
    fn refuses_bad_documents() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"<a>&bogus;</a>").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(parse(&vec![b' '; MAX_INPUT + 1]).is_err());
        assert!(parse(b"</a>").is_err());
        assert!(parse(b"<a attr='x").is_err());
    }
}
