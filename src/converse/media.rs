//! Media preparation: data URIs decoded, image formats detected, size and count limits
//! checked, document names sanitized. Runs on the request as given, so errors name the
//! caller's own indices (`messages[2].content[0]`).

use crate::model::{Document, ImageFormat, MediaSource, Message, ToolResultContent, b64_decode};
use crate::translation_error::{TranslationError, TranslationErrorKind};

use super::Warning;

/// Largest image Bedrock accepts, in raw bytes: 5 MB of base64 is 3.75 MiB of data.
pub const MAX_IMAGE_BYTES: usize = 3_932_160;
/// Most images, documents and videos in one request.
pub const MAX_MEDIA: usize = 20;
/// Longest document name.
pub const MAX_DOCUMENT_NAME: usize = 200;

pub(crate) struct MediaPass<'w> {
    pub(crate) warnings: &'w mut Vec<Warning>,
    media: usize,
    documents: usize,
}

impl<'w> MediaPass<'w> {
    pub(crate) fn new(warnings: &'w mut Vec<Warning>) -> Self {
        Self {
            warnings,
            media: 0,
            documents: 0,
        }
    }

    fn count(&mut self, path: &str) -> Result<(), TranslationError> {
        self.media += 1;
        if self.media > MAX_MEDIA {
            return Err(TranslationError::new(
                TranslationErrorKind::LimitExceeded,
                path,
                format!("more than {MAX_MEDIA} images, documents and videos in one request"),
            ));
        }
        Ok(())
    }

    /// Prepares every media part of `messages` in place.
    pub(crate) fn run(&mut self, messages: &mut [Message]) -> Result<(), TranslationError> {
        use crate::model::ContentPart as P;
        for (i, m) in messages.iter_mut().enumerate() {
            for (j, part) in m.content.iter_mut().enumerate() {
                let path = format!("messages[{i}].content[{j}]");
                match part {
                    P::Image { format, source } => self.image(format, source, &path)?,
                    P::Document(doc) => self.document(doc, &path)?,
                    P::Video { source, .. } => {
                        self.count(&path)?;
                        if let MediaSource::Url { .. } = source {
                            return Err(TranslationError::new(
                                TranslationErrorKind::Unsupported,
                                format!("{path}.source"),
                                "videos must be bytes or an S3 location",
                            ));
                        }
                    }
                    P::ToolResult { content, .. } => {
                        for (k, c) in content.iter_mut().enumerate() {
                            let path = format!("{path}.content[{k}]");
                            match c {
                                ToolResultContent::Image { format, source } => {
                                    self.image(format, source, &path)?;
                                }
                                ToolResultContent::Document(doc) => self.document(doc, &path)?,
                                ToolResultContent::Text { .. } | ToolResultContent::Json { .. } => {
                                }
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn image(
        &mut self,
        format: &mut Option<ImageFormat>,
        source: &mut MediaSource,
        path: &str,
    ) -> Result<(), TranslationError> {
        self.count(path)?;
        let mut hinted = None;
        if let MediaSource::Url { url } = source {
            let (mime, data) = decode_data_uri(url, &format!("{path}.source.url"))?;
            hinted = mime.as_deref().and_then(ImageFormat::parse);
            *source = MediaSource::Bytes { data };
        }
        match source {
            MediaSource::Bytes { data } => {
                if data.len() > MAX_IMAGE_BYTES {
                    return Err(TranslationError::new(
                        TranslationErrorKind::LimitExceeded,
                        path,
                        format!(
                            "image is {} bytes; Bedrock accepts at most {MAX_IMAGE_BYTES} (3.75 MB raw, 5 MB in base64)",
                            data.len()
                        ),
                    ));
                }
                if format.is_none() {
                    let detected = hinted.or_else(|| ImageFormat::sniff(data)).ok_or_else(|| {
                        TranslationError::invalid(
                            format!("{path}.format"),
                            "image format not given and not recognisable (png, jpeg, gif, webp)",
                        )
                    })?;
                    *format = Some(detected);
                    self.warnings
                        .push(Warning::ImageFormatDetected { format: detected });
                }
            }
            MediaSource::S3 { uri, .. } => {
                if format.is_none() {
                    let ext = uri.rsplit('.').next().unwrap_or("");
                    let detected = ImageFormat::parse(ext).ok_or_else(|| {
                        TranslationError::invalid(
                            format!("{path}.format"),
                            "image format not given and not recognisable from the S3 key",
                        )
                    })?;
                    *format = Some(detected);
                    self.warnings
                        .push(Warning::ImageFormatDetected { format: detected });
                }
            }
            MediaSource::Url { .. } => {}
        }
        Ok(())
    }

    fn document(&mut self, doc: &mut Document, path: &str) -> Result<(), TranslationError> {
        self.count(path)?;
        self.documents += 1;
        let clean = doc
            .name
            .as_deref()
            .map(sanitize_document_name)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("document-{}", self.documents));
        if doc.name.as_deref() != Some(clean.as_str()) {
            self.warnings.push(Warning::DocumentNameSanitized {
                from: doc.name.clone(),
                to: clean.clone(),
            });
            doc.name = Some(clean);
        }
        Ok(())
    }
}

/// Makes a document name acceptable to Bedrock, deterministically: ASCII letters and digits,
/// `-`, `(`, `)`, `[`, `]` are kept; any whitespace becomes one space (runs collapsed, ends
/// trimmed); every other character (including `.`, `_` and non-ASCII) becomes `-`. At most
/// 200 characters. The same input always gives the same name, so prompt caching still hits.
///
/// ```
/// use bedrock_wire::converse::sanitize_document_name;
/// assert_eq!(sanitize_document_name("Q3 report.final.pdf"), "Q3 report-final-pdf");
/// assert_eq!(sanitize_document_name("a\u{3000}\u{3000}b  (v2)"), "a b (v2)");
/// ```
pub fn sanitize_document_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len().min(MAX_DOCUMENT_NAME));
    let mut pending_space = false;
    for c in name.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '(' | ')' | '[' | ']') {
            out.push(c);
        } else {
            out.push('-');
        }
        if out.len() >= MAX_DOCUMENT_NAME {
            break;
        }
    }
    out.truncate(MAX_DOCUMENT_NAME);
    out.trim_end().to_owned()
}

/// Decodes a `data:[mime][;base64],DATA` URI; returns the MIME type and the bytes. The
/// decoded size is bounded before anything is allocated.
pub(crate) fn decode_data_uri(
    url: &str,
    path: &str,
) -> Result<(Option<String>, Vec<u8>), TranslationError> {
    let Some(rest) = url.strip_prefix("data:") else {
        let scheme: String = url.chars().take_while(|c| *c != ':').take(16).collect();
        return Err(TranslationError::new(
            TranslationErrorKind::Unsupported,
            path,
            format!(
                "Bedrock cannot fetch {scheme}: URLs; send the bytes (a data: URI) or an S3 location"
            ),
        ));
    };
    let Some((meta, data)) = rest.split_once(',') else {
        return Err(TranslationError::invalid(
            path,
            "data URI has no ',' before its data",
        ));
    };
    let Some(mime) = meta.strip_suffix(";base64") else {
        return Err(TranslationError::invalid(
            path,
            "data URI is not base64-encoded",
        ));
    };
    if data.len() / 4 * 3 > MAX_IMAGE_BYTES + 3 {
        return Err(TranslationError::new(
            TranslationErrorKind::LimitExceeded,
            path,
            format!(
                "image is about {} bytes; Bedrock accepts at most {MAX_IMAGE_BYTES} (3.75 MB raw, 5 MB in base64)",
                data.len() / 4 * 3
            ),
        ));
    }
    let bytes = b64_decode(data.trim()).map_err(|e| {
        TranslationError::invalid(path, format!("data URI is not valid base64 ({e})"))
    })?;
    let mime = (!mime.is_empty()).then(|| mime.to_ascii_lowercase());
    Ok((mime, bytes))
}
