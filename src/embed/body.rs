//! Per-model embeddings bodies and responses.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{COHERE_MAX_BATCH, CallOutput, EmbedCall, EmbeddingInput, EmbeddingRequest, InputType};
use crate::model::b64_encode;
use crate::translation_error::{TranslationError, TranslationErrorKind};

/// An embeddings model's body shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EmbedModel {
    /// Titan Text Embeddings v1 (`inputText`).
    TitanTextV1,
    /// Titan Text Embeddings v2 (`inputText`, `dimensions`, `normalize`).
    TitanTextV2,
    /// Titan Multimodal Embeddings (`inputText`, `inputImage`).
    TitanMultimodal,
    /// Nova multimodal embeddings (`singleEmbeddingParams`).
    NovaMultimodal,
    /// Cohere Embed v3 (English, Multilingual).
    CohereV3,
    /// Cohere Embed v4.
    CohereV4,
}

impl EmbedModel {
    /// The shape of a bare model id (`None`: not an embeddings model known here).
    ///
    /// ```
    /// use bedrock_wire::embed::EmbedModel;
    /// assert_eq!(EmbedModel::of("amazon.titan-embed-text-v2:0"), Some(EmbedModel::TitanTextV2));
    /// assert_eq!(EmbedModel::of("cohere.embed-v4:0"), Some(EmbedModel::CohereV4));
    /// assert_eq!(EmbedModel::of("amazon.nova-pro-v1:0"), None);
    /// ```
    pub fn of(base_id: &str) -> Option<Self> {
        let id = base_id.to_ascii_lowercase();
        Some(if id.contains("titan-embed-text-v2") {
            Self::TitanTextV2
        } else if id.contains("titan-embed-text") || id.contains("titan-embed-g1-text") {
            Self::TitanTextV1
        } else if id.contains("titan-embed-image") {
            Self::TitanMultimodal
        } else if id.contains("nova") && id.contains("embed") {
            Self::NovaMultimodal
        } else if id.contains("cohere.embed-v4") {
            Self::CohereV4
        } else if id.contains("cohere.embed") {
            Self::CohereV3
        } else {
            return None;
        })
    }

    fn takes_images(self) -> bool {
        matches!(
            self,
            Self::TitanMultimodal | Self::NovaMultimodal | Self::CohereV3 | Self::CohereV4
        )
    }
}

fn invalid_dimensions(model: &str, n: u32, allowed: &[u32]) -> TranslationError {
    TranslationError::invalid(
        "dimensions",
        format!("{model} takes dimensions {allowed:?}, not {n}"),
    )
}

fn check_dimensions(
    req: &EmbeddingRequest,
    model: &str,
    allowed: &[u32],
) -> Result<(), TranslationError> {
    match req.dimensions {
        Some(n) if !allowed.contains(&n) => Err(invalid_dimensions(model, n, allowed)),
        _ => Ok(()),
    }
}

fn to_vec(v: &Value) -> Result<Vec<u8>, TranslationError> {
    serde_json::to_vec(v)
        .map_err(|e| TranslationError::invalid("$", format!("body could not be serialized ({e})")))
}

fn nova_purpose(t: Option<InputType>) -> &'static str {
    match t {
        None | Some(InputType::SearchDocument) => "GENERIC_INDEX",
        Some(InputType::SearchQuery) => "GENERIC_RETRIEVAL",
        Some(InputType::Classification) => "CLASSIFICATION",
        Some(InputType::Clustering) => "CLUSTERING",
    }
}

/// One body per input (Titan, Nova).
fn single(
    req: &EmbeddingRequest,
    model: EmbedModel,
    input: &EmbeddingInput,
    path: &str,
) -> Result<Value, TranslationError> {
    let mut b = Map::new();
    match (model, input) {
        (EmbedModel::TitanTextV1 | EmbedModel::TitanTextV2, EmbeddingInput::Text { text }) => {
            b.insert("inputText".into(), json!(text));
            if model == EmbedModel::TitanTextV2 {
                if let Some(d) = req.dimensions {
                    b.insert("dimensions".into(), json!(d));
                }
                b.insert("normalize".into(), json!(req.normalize.unwrap_or(true)));
            }
        }
        (EmbedModel::TitanMultimodal, i) => {
            match i {
                EmbeddingInput::Text { text } => b.insert("inputText".into(), json!(text)),
                EmbeddingInput::Image { data, .. } => {
                    b.insert("inputImage".into(), json!(b64_encode(data)))
                }
            };
            if let Some(d) = req.dimensions {
                b.insert(
                    "embeddingConfig".into(),
                    json!({ "outputEmbeddingLength": d }),
                );
            }
        }
        (EmbedModel::NovaMultimodal, i) => {
            let mut p = Map::new();
            p.insert(
                "embeddingPurpose".into(),
                json!(nova_purpose(req.input_type)),
            );
            p.insert(
                "embeddingDimension".into(),
                json!(req.dimensions.unwrap_or(3072)),
            );
            match i {
                EmbeddingInput::Text { text } => {
                    let trunc = req.truncate.map_or("END", super::Truncate::as_str);
                    p.insert(
                        "text".into(),
                        json!({ "truncationMode": trunc, "value": text }),
                    );
                }
                EmbeddingInput::Image { format, data } => {
                    p.insert(
                        "image".into(),
                        json!({ "format": format.as_str(), "source": { "bytes": b64_encode(data) } }),
                    );
                }
            }
            b.insert("schemaVersion".into(), json!("nova-multimodal-embed-v1"));
            b.insert("taskType".into(), json!("SINGLE_EMBEDDING"));
            b.insert("singleEmbeddingParams".into(), Value::Object(p));
        }
        (_, EmbeddingInput::Image { .. }) => {
            return Err(TranslationError::new(
                TranslationErrorKind::Unsupported,
                path,
                "this embeddings model takes text only",
            ));
        }
        _ => return Err(TranslationError::invalid(path, "not a single-input model")),
    }
    Ok(Value::Object(b))
}

fn cohere(req: &EmbeddingRequest, model: EmbedModel, inputs: &[EmbeddingInput]) -> Value {
    let mut b = Map::new();
    let images: Vec<String> = inputs
        .iter()
        .filter_map(|i| match i {
            EmbeddingInput::Image { format, data } => Some(format!(
                "data:image/{};base64,{}",
                format.as_str(),
                b64_encode(data)
            )),
            EmbeddingInput::Text { .. } => None,
        })
        .collect();
    if images.is_empty() {
        let texts: Vec<&str> = inputs
            .iter()
            .filter_map(|i| match i {
                EmbeddingInput::Text { text } => Some(text.as_str()),
                EmbeddingInput::Image { .. } => None,
            })
            .collect();
        b.insert("texts".into(), json!(texts));
        b.insert(
            "input_type".into(),
            json!(req.input_type.unwrap_or_default().as_str()),
        );
    } else {
        b.insert("images".into(), json!(images));
        b.insert("input_type".into(), json!("image"));
    }
    if let Some(t) = req.truncate {
        b.insert("truncate".into(), json!(t.as_str()));
    }
    let types = if req.embedding_types.is_empty() {
        vec!["float".to_owned()]
    } else {
        req.embedding_types.clone()
    };
    b.insert("embedding_types".into(), json!(types));
    if model == EmbedModel::CohereV4
        && let Some(d) = req.dimensions
    {
        b.insert("output_dimension".into(), json!(d));
    }
    Value::Object(b)
}

pub(super) fn plan(
    req: &EmbeddingRequest,
    model: EmbedModel,
    model_id: &str,
) -> Result<Vec<EmbedCall>, TranslationError> {
    match model {
        EmbedModel::TitanTextV2 => {
            check_dimensions(req, "Titan Text Embeddings v2", &[256, 512, 1024])?;
        }
        EmbedModel::TitanMultimodal => {
            check_dimensions(req, "Titan Multimodal Embeddings", &[256, 384, 1024])?;
        }
        EmbedModel::NovaMultimodal => {
            check_dimensions(req, "Nova multimodal embeddings", &[256, 384, 1024, 3072])?;
        }
        EmbedModel::CohereV4 => check_dimensions(req, "Cohere Embed v4", &[256, 512, 1024, 1536])?,
        EmbedModel::TitanTextV1 | EmbedModel::CohereV3 => {
            if let Some(n) = req.dimensions {
                return Err(TranslationError::invalid(
                    "dimensions",
                    format!("this model has a fixed size; {n} cannot be chosen"),
                ));
            }
        }
    }
    for (i, input) in req.inputs.iter().enumerate() {
        if let EmbeddingInput::Image { .. } = input
            && !model.takes_images()
        {
            return Err(TranslationError::new(
                TranslationErrorKind::Unsupported,
                format!("inputs[{i}]"),
                "this embeddings model takes text only",
            ));
        }
    }
    let call = |first: usize, count: usize, body: Value| -> Result<EmbedCall, TranslationError> {
        Ok(EmbedCall {
            model_id: model_id.to_owned(),
            model,
            body: to_vec(&body)?,
            first,
            count,
        })
    };
    let mut calls = Vec::new();
    match model {
        EmbedModel::CohereV3 | EmbedModel::CohereV4 => {
            // Texts in batches of 96; each image on its own call (v3 takes one image per call).
            let mut i = 0;
            while i < req.inputs.len() {
                let image = matches!(req.inputs.get(i), Some(EmbeddingInput::Image { .. }));
                let mut end = i + 1;
                if !image {
                    while end < req.inputs.len()
                        && end - i < COHERE_MAX_BATCH
                        && matches!(req.inputs.get(end), Some(EmbeddingInput::Text { .. }))
                    {
                        end += 1;
                    }
                }
                let slice = req.inputs.get(i..end).unwrap_or(&[]);
                calls.push(call(i, end - i, cohere(req, model, slice))?);
                i = end;
            }
        }
        _ => {
            for (i, input) in req.inputs.iter().enumerate() {
                calls.push(call(
                    i,
                    1,
                    single(req, model, input, &format!("inputs[{i}]"))?,
                )?);
            }
        }
    }
    Ok(calls)
}

#[derive(Deserialize)]
struct TitanW {
    embedding: Vec<f32>,
    #[serde(default, rename = "inputTextTokenCount")]
    tokens: Option<u64>,
}

#[derive(Deserialize)]
struct NovaW {
    embeddings: Vec<NovaItemW>,
}

#[derive(Deserialize)]
struct NovaItemW {
    embedding: Vec<f32>,
}

#[derive(Deserialize)]
struct CohereW {
    embeddings: CohereEmbeddingsW,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CohereEmbeddingsW {
    Floats(Vec<Vec<f32>>),
    ByType(serde_json::Map<String, Value>),
}

fn shape_error(e: &serde_json::Error, what: &str) -> TranslationError {
    if e.is_syntax() || e.is_eof() {
        TranslationError::malformed("$", e)
    } else {
        TranslationError::new(
            TranslationErrorKind::WrongType,
            what,
            format!("unexpected response shape ({e})"),
        )
    }
}

pub(super) fn parse(model: EmbedModel, body: &[u8]) -> Result<CallOutput, TranslationError> {
    match model {
        EmbedModel::TitanTextV1 | EmbedModel::TitanTextV2 | EmbedModel::TitanMultimodal => {
            let w: TitanW =
                serde_json::from_slice(body).map_err(|e| shape_error(&e, "embedding"))?;
            Ok(CallOutput {
                embeddings: vec![w.embedding],
                input_tokens: w.tokens,
            })
        }
        EmbedModel::NovaMultimodal => {
            let w: NovaW =
                serde_json::from_slice(body).map_err(|e| shape_error(&e, "embeddings"))?;
            Ok(CallOutput {
                embeddings: w.embeddings.into_iter().map(|e| e.embedding).collect(),
                input_tokens: None,
            })
        }
        EmbedModel::CohereV3 | EmbedModel::CohereV4 => {
            let w: CohereW =
                serde_json::from_slice(body).map_err(|e| shape_error(&e, "embeddings"))?;
            let embeddings = match w.embeddings {
                CohereEmbeddingsW::Floats(v) => v,
                CohereEmbeddingsW::ByType(m) => {
                    let (key, v) = m
                        .get_key_value("float")
                        .or_else(|| m.iter().next())
                        .ok_or_else(|| TranslationError::missing("embeddings.float"))?;
                    let path = format!("embeddings.{key}");
                    serde_json::from_value::<Vec<Vec<f32>>>(v.clone()).map_err(|e| {
                        TranslationError::new(
                            TranslationErrorKind::WrongType,
                            path,
                            format!("expected arrays of numbers ({e})"),
                        )
                    })?
                }
            };
            Ok(CallOutput {
                embeddings,
                input_tokens: None,
            })
        }
    }
}
