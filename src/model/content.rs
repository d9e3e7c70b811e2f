//! Messages and their content parts: text, media, documents, tool calls, reasoning, cache points.

use serde::{Deserialize, Serialize};

use super::b64;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The caller (also carries tool results).
    User,
    /// The model.
    Assistant,
}

impl Role {
    /// The wire name (`user` or `assistant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Assistant => "assistant",
        }
    }
}

/// One turn of a conversation.
///
/// ```
/// use bedrock_wire::model::{ContentPart, Message, Role};
/// let m = Message::user("hi");
/// assert_eq!(m.role, Role::User);
/// assert_eq!(m.content, vec![ContentPart::text("hi")]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// Author of the turn.
    pub role: Role,
    /// The parts, in order.
    pub content: Vec<ContentPart>,
}

impl Message {
    /// A user turn holding one text part.
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: Role::User,
            content: vec![ContentPart::text(text)],
        }
    }

    /// An assistant turn holding one text part.
    pub fn assistant(text: impl Into<String>) -> Self {
        Self {
            role: Role::Assistant,
            content: vec![ContentPart::text(text)],
        }
    }

    /// A turn of `role` with the given parts.
    pub fn new(role: Role, content: Vec<ContentPart>) -> Self {
        Self { role, content }
    }
}

/// Time to live of a prompt-cache checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum CacheTtl {
    /// Five minutes (the default).
    #[default]
    #[serde(rename = "5m")]
    FiveMinutes,
    /// One hour.
    #[serde(rename = "1h")]
    OneHour,
}

impl CacheTtl {
    /// The wire value (`5m` or `1h`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FiveMinutes => "5m",
            Self::OneHour => "1h",
        }
    }

    /// Parses a wire value.
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "5m" => Some(Self::FiveMinutes),
            "1h" => Some(Self::OneHour),
            _ => None,
        }
    }
}

/// Image encodings Bedrock accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    Webp,
}

impl ImageFormat {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Gif => "gif",
            Self::Webp => "webp",
        }
    }

    /// Parses a wire value or a MIME type (`image/png`, `jpg`, ...).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.strip_prefix("image/").unwrap_or(s);
        match s.to_ascii_lowercase().as_str() {
            "png" => Some(Self::Png),
            "jpeg" | "jpg" => Some(Self::Jpeg),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// Detects the format from the first bytes of the image (its magic number).
    ///
    /// ```
    /// use bedrock_wire::model::ImageFormat;
    /// assert_eq!(ImageFormat::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageFormat::Png));
    /// assert_eq!(ImageFormat::sniff(b"hello"), None);
    /// ```
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12
            && bytes.starts_with(b"RIFF")
            && bytes.get(8..12) == Some(b"WEBP")
        {
            Some(Self::Webp)
        } else {
            None
        }
    }
}

/// Document encodings Bedrock accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    /// PDF.
    Pdf,
    /// Comma-separated values.
    Csv,
    /// Word 97.
    Doc,
    /// Word.
    Docx,
    /// Excel 97.
    Xls,
    /// Excel.
    Xlsx,
    /// HTML.
    Html,
    /// Plain text.
    Txt,
    /// Markdown.
    Md,
}

impl DocumentFormat {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Csv => "csv",
            Self::Doc => "doc",
            Self::Docx => "docx",
            Self::Xls => "xls",
            Self::Xlsx => "xlsx",
            Self::Html => "html",
            Self::Txt => "txt",
            Self::Md => "md",
        }
    }

    /// Parses a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pdf" => Self::Pdf,
            "csv" => Self::Csv,
            "doc" => Self::Doc,
            "docx" => Self::Docx,
            "xls" => Self::Xls,
            "xlsx" => Self::Xlsx,
            "html" => Self::Html,
            "txt" => Self::Txt,
            "md" => Self::Md,
            _ => return None,
        })
    }
}

/// Video encodings Bedrock accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VideoFormat {
    /// Matroska.
    Mkv,
    /// QuickTime.
    Mov,
    /// MPEG-4.
    Mp4,
    /// WebM.
    Webm,
    /// Flash video.
    Flv,
    /// MPEG.
    Mpeg,
    /// MPEG (`mpg`).
    Mpg,
    /// Windows Media.
    Wmv,
    /// 3GPP (wire value `three_gp`).
    ThreeGp,
}

impl VideoFormat {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mkv => "mkv",
            Self::Mov => "mov",
            Self::Mp4 => "mp4",
            Self::Webm => "webm",
            Self::Flv => "flv",
            Self::Mpeg => "mpeg",
            Self::Mpg => "mpg",
            Self::Wmv => "wmv",
            Self::ThreeGp => "three_gp",
        }
    }

    /// Parses a wire value.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "mkv" => Self::Mkv,
            "mov" => Self::Mov,
            "mp4" => Self::Mp4,
            "webm" => Self::Webm,
            "flv" => Self::Flv,
            "mpeg" => Self::Mpeg,
            "mpg" => Self::Mpg,
            "wmv" => Self::Wmv,
            "three_gp" => Self::ThreeGp,
            _ => return None,
        })
    }
}

/// Where media bytes come from.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum MediaSource {
    /// Inline bytes (base64 in JSON).
    Bytes {
        /// The raw bytes.
        #[serde(with = "b64")]
        data: Vec<u8>,
    },
    /// An object in Amazon S3.
    S3 {
        /// `s3://bucket/key`.
        uri: String,
        /// Account id of the bucket owner, when it differs from the caller.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bucket_owner: Option<String>,
    },
    /// A URL. Only `data:` URIs are supported (decoded when the request is built); Bedrock
    /// cannot fetch `http(s)` URLs, so those are refused with a typed error.
    Url {
        /// The URL.
        url: String,
    },
}

impl std::fmt::Debug for MediaSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes { data } => f.debug_struct("Bytes").field("len", &data.len()).finish(),
            Self::S3 { uri, bucket_owner } => f
                .debug_struct("S3")
                .field("uri", uri)
                .field("bucket_owner", bucket_owner)
                .finish(),
            Self::Url { url } => {
                let shown: String = url.chars().take(48).collect();
                f.debug_struct("Url").field("url", &shown).finish()
            }
        }
    }
}

/// Where a document comes from.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DocumentSource {
    /// Inline bytes (base64 in JSON).
    Bytes {
        /// The raw bytes.
        #[serde(with = "b64")]
        data: Vec<u8>,
    },
    /// Inline text.
    Text {
        /// The text.
        text: String,
    },
    /// An object in Amazon S3.
    S3 {
        /// `s3://bucket/key`.
        uri: String,
        /// Account id of the bucket owner.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bucket_owner: Option<String>,
    },
}

impl std::fmt::Debug for DocumentSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes { data } => f.debug_struct("Bytes").field("len", &data.len()).finish(),
            Self::Text { text } => f.debug_struct("Text").field("len", &text.len()).finish(),
            Self::S3 { uri, bucket_owner } => f
                .debug_struct("S3")
                .field("uri", uri)
                .field("bucket_owner", bucket_owner)
                .finish(),
        }
    }
}

/// A document attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Encoding.
    pub format: DocumentFormat,
    /// Name shown to the model. Sanitized to Bedrock's allowed characters when the request is
    /// built; `document-N` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The content.
    pub source: DocumentSource,
    /// Extra context about the document for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Ask the model to cite this document.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub citations: bool,
}

/// One part of a tool result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ToolResultContent {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// A JSON value.
    Json {
        /// The value.
        value: serde_json::Value,
    },
    /// An image.
    Image {
        /// Encoding; detected from the bytes when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<ImageFormat>,
        /// The bytes or location.
        source: MediaSource,
    },
    /// A document.
    Document(Document),
}

/// Where a citation points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Title of the cited source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The source (a URL or an identifier), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The cited passages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_content: Vec<String>,
    /// The location union as Bedrock sent it (`documentChar`, `documentPage`, `documentChunk`,
    /// `searchResultLocation`, `web`), kept verbatim.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub location: serde_json::Value,
}

/// One part of a message.
///
/// Requests and responses use the same parts, so a response can be appended to the history
/// as is (see [`ChatResponse::message`](crate::model::ChatResponse::message)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ContentPart {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image.
    Image {
        /// Encoding; detected from the bytes (or the data URI) when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<ImageFormat>,
        /// The bytes or location.
        source: MediaSource,
    },
    /// A document.
    Document(Document),
    /// A video.
    Video {
        /// Encoding.
        format: VideoFormat,
        /// The bytes or location.
        source: MediaSource,
    },
    /// A tool call made by the model.
    ToolUse {
        /// Call id, echoed by the matching [`ContentPart::ToolResult`].
        id: String,
        /// Tool name.
        name: String,
        /// Arguments (a JSON object).
        input: serde_json::Value,
    },
    /// The result of a tool call, sent by the caller.
    ToolResult {
        /// The id of the call it answers.
        tool_use_id: String,
        /// The result.
        content: Vec<ToolResultContent>,
        /// The tool failed.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
    },
    /// Reasoning the model showed. Replay it unchanged (text and signature byte for byte).
    Reasoning {
        /// The reasoning text.
        text: String,
        /// The signature that lets the model verify its own reasoning on replay.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signature: Option<String>,
    },
    /// Reasoning the provider encrypted. Replay it unchanged.
    RedactedReasoning {
        /// The opaque blob (base64 in JSON).
        #[serde(with = "b64")]
        data: Vec<u8>,
    },
    /// Text generated with citations (responses only).
    Citations {
        /// The generated text pieces.
        content: Vec<String>,
        /// The citations supporting them.
        citations: Vec<Citation>,
    },
    /// A prompt-cache checkpoint: everything before it may be cached.
    CachePoint {
        /// How long the cache entry lives.
        #[serde(default)]
        ttl: CacheTtl,
    },
}

impl ContentPart {
    /// A text part.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }

    /// An inline image.
    pub fn image(format: ImageFormat, data: impl Into<Vec<u8>>) -> Self {
        Self::Image {
            format: Some(format),
            source: MediaSource::Bytes { data: data.into() },
        }
    }

    /// An image from a URL; only `data:` URIs are supported.
    pub fn image_url(url: impl Into<String>) -> Self {
        Self::Image {
            format: None,
            source: MediaSource::Url { url: url.into() },
        }
    }

    /// An inline document.
    pub fn document(
        format: DocumentFormat,
        name: impl Into<String>,
        data: impl Into<Vec<u8>>,
    ) -> Self {
        Self::Document(Document {
            format,
            name: Some(name.into()),
            source: DocumentSource::Bytes { data: data.into() },
            context: None,
            citations: false,
        })
    }

    /// A tool call.
    pub fn tool_use(
        id: impl Into<String>,
        name: impl Into<String>,
        input: serde_json::Value,
    ) -> Self {
        Self::ToolUse {
            id: id.into(),
            name: name.into(),
            input,
        }
    }

    /// A successful tool result holding text.
    pub fn tool_result(tool_use_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self::ToolResult {
            tool_use_id: tool_use_id.into(),
            content: vec![ToolResultContent::Text { text: text.into() }],
            is_error: false,
        }
    }

    /// A cache checkpoint.
    pub fn cache_point(ttl: CacheTtl) -> Self {
        Self::CachePoint { ttl }
    }

    /// The text of a [`ContentPart::Text`] part.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text { text } => Some(text),
            _ => None,
        }
    }
}
