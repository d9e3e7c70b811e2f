//! Embeddings: Titan Text v1/v2, Cohere Embed v3/v4, Titan Multimodal and Nova multimodal, and
//! the OpenAI-shaped embeddings output.
//!
//! Pure: [`plan`] turns an [`EmbeddingRequest`] into the InvokeModel calls to make (one per
//! input for Titan and Nova, which take one input per call; batches of at most
//! [`COHERE_MAX_BATCH`] texts for Cohere), [`parse_call`] reads each answer, and
//! [`EmbeddingResponse::to_openai`] renders the `{"object":"list","data":[{"embedding":..}],
//! "usage":..}` shape. The client ([`crate::client::Client::embed`]) runs the calls
//! concurrently and puts the vectors back in input order.
//!
//! | model | body | one call carries |
//! |---|---|---|
//! | `amazon.titan-embed-text-v1` | `{inputText}` | one text |
//! | `amazon.titan-embed-text-v2:0` | `{inputText, dimensions (256/512/1024), normalize}` | one text |
//! | `amazon.titan-embed-image-v1` | `{inputText?, inputImage, embeddingConfig.outputEmbeddingLength}` | one text or image |
//! | `amazon.nova-2-multimodal-embeddings-v1:0` | `{schemaVersion, taskType: SINGLE_EMBEDDING, singleEmbeddingParams{embeddingPurpose, embeddingDimension, text\|image}}` | one text or image |
//! | `cohere.embed-english-v3`, `-multilingual-v3`, `cohere.embed-v4:0` | `{texts, input_type, truncate, embedding_types, output_dimension (v4)}` | up to 96 texts (v3 images: one) |
//!
//! Token usage comes from the body where the model reports it (`inputTextTokenCount`) and from
//! the `X-Amzn-Bedrock-Input-Token-Count` header otherwise (Cohere reports it only there).
//!
//! ```
//! use bedrock_wire::embed::{self, EmbeddingRequest};
//! let req = EmbeddingRequest::texts("titan-embed-text-v2", ["a", "b", "c"]).dimensions(256);
//! let calls = embed::plan(&req).unwrap();
//! assert_eq!(calls.len(), 3); // Titan: one text per call
//! let body: serde_json::Value = serde_json::from_slice(&calls[1].body).unwrap();
//! assert_eq!(body, serde_json::json!({"inputText": "b", "dimensions": 256, "normalize": true}));
//!
//! let req = EmbeddingRequest::texts("embed-english", ["a", "b"]);
//! let calls = embed::plan(&req).unwrap();
//! assert_eq!(calls.len(), 1);
//! let body: serde_json::Value = serde_json::from_slice(&calls[0].body).unwrap();
//! assert_eq!(body["input_type"], "search_document");
//! ```

mod body;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::model::ImageFormat;
use crate::models;
use crate::translation_error::{TranslationError, TranslationErrorKind};

pub use body::EmbedModel;

mod b64_field {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::model::b64_encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        crate::model::b64_decode(&s).map_err(serde::de::Error::custom)
    }
}

/// Most texts in one Cohere Embed call.
pub const COHERE_MAX_BATCH: usize = 96;

/// One thing to embed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum EmbeddingInput {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// An image (multimodal models only).
    Image {
        /// Its encoding.
        format: ImageFormat,
        /// The bytes (base64 in JSON).
        #[serde(with = "b64_field")]
        data: Vec<u8>,
    },
}

/// What the vectors will be used for (Cohere `input_type`, Nova `embeddingPurpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputType {
    /// Documents stored for search (the default: what most embedding calls index).
    #[default]
    SearchDocument,
    /// A search query.
    SearchQuery,
    /// Classification.
    Classification,
    /// Clustering.
    Clustering,
}

impl InputType {
    /// The Cohere wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SearchDocument => "search_document",
            Self::SearchQuery => "search_query",
            Self::Classification => "classification",
            Self::Clustering => "clustering",
        }
    }
}

/// How over-long input is cut (Cohere `truncate`, Nova `truncationMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Truncate {
    /// Refuse over-long input.
    None,
    /// Cut the start.
    Start,
    /// Cut the end.
    End,
}

impl Truncate {
    /// The wire value (`NONE`, `START`, `END`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "NONE",
            Self::Start => "START",
            Self::End => "END",
        }
    }
}

/// An embeddings request.
///
/// ```
/// use bedrock_wire::embed::{EmbeddingRequest, InputType};
/// let r = EmbeddingRequest::texts("embed-multilingual", ["hola"]).input_type(InputType::SearchQuery);
/// assert_eq!(r.inputs.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EmbeddingRequest {
    /// Alias, model id or ARN.
    pub model: String,
    /// What to embed, in order.
    pub inputs: Vec<EmbeddingInput>,
    /// Output dimensions (Titan v2: 256/512/1024; Titan Multimodal: 256/384/1024; Nova:
    /// 256/384/1024/3072; Cohere v4: 256/512/1024/1536).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u32>,
    /// Titan v2: normalize the vectors (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub normalize: Option<bool>,
    /// Cohere / Nova: what the vectors are for (default: search documents).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_type: Option<InputType>,
    /// Cohere / Nova: truncation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub truncate: Option<Truncate>,
    /// Cohere: `embedding_types` (`float`, `int8`, `uint8`, `binary`, `ubinary`); the first one
    /// is returned (default `float`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embedding_types: Vec<String>,
}

impl EmbeddingRequest {
    /// A request embedding `texts` with `model`.
    pub fn texts<S: Into<String>>(
        model: impl Into<String>,
        texts: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            model: model.into(),
            inputs: texts
                .into_iter()
                .map(|t| EmbeddingInput::Text { text: t.into() })
                .collect(),
            ..Self::default()
        }
    }

    /// Adds an image input.
    #[must_use]
    pub fn image(mut self, format: ImageFormat, data: impl Into<Vec<u8>>) -> Self {
        self.inputs.push(EmbeddingInput::Image {
            format,
            data: data.into(),
        });
        self
    }

    /// Sets the output dimensions.
    #[must_use]
    pub fn dimensions(mut self, n: u32) -> Self {
        self.dimensions = Some(n);
        self
    }

    /// Sets the input type.
    #[must_use]
    pub fn input_type(mut self, t: InputType) -> Self {
        self.input_type = Some(t);
        self
    }
}

/// One InvokeModel call of an embeddings request.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedCall {
    /// The model id to call.
    pub model_id: String,
    /// The model's body shape.
    pub model: EmbedModel,
    /// The JSON body.
    pub body: Vec<u8>,
    /// Index of its first input in the request.
    pub first: usize,
    /// How many inputs (and so vectors) it carries.
    pub count: usize,
}

/// The vectors and token count of one call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallOutput {
    /// One vector per input of the call.
    pub embeddings: Vec<Vec<f32>>,
    /// Input tokens, when reported.
    pub input_tokens: Option<u64>,
}

/// An embeddings response: one vector per input, in input order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EmbeddingResponse {
    /// The model id called.
    pub model: String,
    /// The vectors.
    pub embeddings: Vec<Vec<f32>>,
    /// Input tokens over all calls.
    pub input_tokens: u64,
}

impl EmbeddingResponse {
    /// The OpenAI embeddings shape: `{"object":"list","data":[{"object":"embedding","index":i,
    /// "embedding":[..]}],"model":..,"usage":{"prompt_tokens":n,"total_tokens":n}}`.
    ///
    /// ```
    /// use bedrock_wire::embed::EmbeddingResponse;
    /// let r = EmbeddingResponse { model: "m".into(), embeddings: vec![vec![0.5, -0.25]], input_tokens: 3 };
    /// let v = r.to_openai();
    /// assert_eq!(v["data"][0]["embedding"][1], -0.25);
    /// assert_eq!(v["usage"]["prompt_tokens"], 3);
    /// ```
    pub fn to_openai(&self) -> Value {
        self.render_openai(false)
    }

    /// The OpenAI shape with `encoding_format: "base64"`: each embedding is the base64 of its
    /// little-endian `f32`s (what OpenAI's SDKs ask for by default).
    ///
    /// ```
    /// use bedrock_wire::embed::EmbeddingResponse;
    /// let r = EmbeddingResponse { model: "m".into(), embeddings: vec![vec![1.0]], input_tokens: 1 };
    /// assert_eq!(r.to_openai_base64()["data"][0]["embedding"], "AACAPw==");
    /// ```
    pub fn to_openai_base64(&self) -> Value {
        self.render_openai(true)
    }

    fn render_openai(&self, base64: bool) -> Value {
        let data: Vec<Value> = self
            .embeddings
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let embedding = if base64 {
                    let bytes: Vec<u8> = e.iter().flat_map(|f| f.to_le_bytes()).collect();
                    json!(crate::model::b64_encode(&bytes))
                } else {
                    json!(e)
                };
                json!({ "object": "embedding", "index": i, "embedding": embedding })
            })
            .collect();
        json!({
            "object": "list",
            "data": data,
            "model": self.model,
            "usage": { "prompt_tokens": self.input_tokens, "total_tokens": self.input_tokens },
        })
    }
}

fn unsupported(path: &str, detail: String) -> TranslationError {
    TranslationError::new(TranslationErrorKind::Unsupported, path, detail)
}

/// The calls to make for `req` (model resolved: aliases, `bedrock/` prefix; ids and ARNs kept).
pub fn plan(req: &EmbeddingRequest) -> Result<Vec<EmbedCall>, TranslationError> {
    if req.inputs.is_empty() {
        return Err(TranslationError::invalid("inputs", "nothing to embed"));
    }
    let resolved = models::resolve(&req.model, None, &models::ResolveOptions::default());
    let model = EmbedModel::of(&resolved.base_id).ok_or_else(|| {
        unsupported(
            "model",
            format!("`{}` is not a known embeddings model", resolved.base_id),
        )
    })?;
    body::plan(req, model, &resolved.id)
}

/// Parses the answer to `call` (`input_tokens_header`: the `X-Amzn-Bedrock-Input-Token-Count`
/// header, if any).
pub fn parse_call(
    call: &EmbedCall,
    body: &[u8],
    input_tokens_header: Option<u64>,
) -> Result<CallOutput, TranslationError> {
    let mut out = body::parse(call.model, body)?;
    if out.embeddings.len() != call.count {
        return Err(TranslationError::invalid(
            "$",
            format!(
                "expected {} embeddings, got {}",
                call.count,
                out.embeddings.len()
            ),
        ));
    }
    if out.input_tokens.is_none() {
        out.input_tokens = input_tokens_header;
    }
    Ok(out)
}

/// Whether an OpenAI `embeddings` request asks for `encoding_format: "base64"`.
pub fn openai_wants_base64(body: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct W<'a> {
        #[serde(default, borrow)]
        encoding_format: Option<std::borrow::Cow<'a, str>>,
    }
    serde_json::from_slice::<W<'_>>(body)
        .ok()
        .and_then(|w| w.encoding_format)
        .is_some_and(|f| f == "base64")
}

/// OpenAI `embeddings` request JSON (`model`, `input` as a string or strings, `dimensions`,
/// and the Bedrock extras `input_type`, `truncate`, `normalize`) → [`EmbeddingRequest`].
///
/// ```
/// let r = bedrock_wire::embed::parse_openai_request(br#"{"model":"titan-embed-text-v2","input":["a","b"],"dimensions":512}"#).unwrap();
/// assert_eq!((r.inputs.len(), r.dimensions), (2, Some(512)));
/// ```
pub fn parse_openai_request(body: &[u8]) -> Result<EmbeddingRequest, TranslationError> {
    use crate::converse::json as j;
    let v = j::parse(body, "$")?;
    let top = j::obj(&v, "$")?;
    let model = j::req_str(top, "model", "")?.to_owned();
    let input = j::req(top, "input", "")?;
    let inputs = match input {
        Value::String(s) => vec![EmbeddingInput::Text { text: s.clone() }],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, t)| {
                j::str(t, &j::index("input", i))
                    .map(|s| EmbeddingInput::Text { text: s.to_owned() })
            })
            .collect::<Result<_, _>>()?,
        other => {
            return Err(TranslationError::wrong_type(
                "input",
                "a string or an array of strings",
                other,
            ));
        }
    };
    let input_type = match j::opt_str(top, "input_type", "")? {
        None => None,
        Some("search_document") => Some(InputType::SearchDocument),
        Some("search_query") => Some(InputType::SearchQuery),
        Some("classification") => Some(InputType::Classification),
        Some("clustering") => Some(InputType::Clustering),
        Some(other) => {
            return Err(TranslationError::invalid(
                "input_type",
                format!("unknown input type {other:?}"),
            ));
        }
    };
    let truncate = match j::opt_str(top, "truncate", "")?
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None => None,
        Some("NONE") => Some(Truncate::None),
        Some("START") => Some(Truncate::Start),
        Some("END") => Some(Truncate::End),
        Some(other) => {
            return Err(TranslationError::invalid(
                "truncate",
                format!("unknown truncation {other:?}"),
            ));
        }
    };
    Ok(EmbeddingRequest {
        model,
        inputs,
        dimensions: j::opt(top, "dimensions")
            .map(|d| j::u32(d, "dimensions"))
            .transpose()?,
        normalize: j::opt(top, "normalize").and_then(Value::as_bool),
        input_type,
        truncate,
        embedding_types: Vec::new(),
    })
}
