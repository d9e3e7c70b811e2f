//! Embeddings bodies and responses for every family, with several inputs; the OpenAI shapes.

use base64::Engine as _;
use bedrock_wire::embed::{
    self, COHERE_MAX_BATCH, EmbedModel, EmbeddingRequest, EmbeddingResponse, InputType, Truncate,
};
use bedrock_wire::model::ImageFormat;
use bedrock_wire::translation_error::TranslationErrorKind;
use serde_json::{Value, json};

fn bodies(req: &EmbeddingRequest) -> Vec<Value> {
    embed::plan(req)
        .unwrap()
        .iter()
        .map(|c| serde_json::from_slice(&c.body).unwrap())
        .collect()
}

#[test]
fn titan_text_v1_and_v2_one_text_per_call() {
    let req = EmbeddingRequest::texts("titan-embed-text", ["alpha", "beta"]);
    let calls = embed::plan(&req).unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].model_id, "amazon.titan-embed-text-v1");
    assert_eq!((calls[1].first, calls[1].count), (1, 1));
    assert_eq!(
        bodies(&req),
        vec![json!({"inputText": "alpha"}), json!({"inputText": "beta"})]
    );

    let mut req = EmbeddingRequest::texts("titan-embed-text-v2", ["a", "b", "c"]).dimensions(512);
    req.normalize = Some(false);
    let b = bodies(&req);
    assert_eq!(b.len(), 3);
    assert_eq!(
        b[2],
        json!({"inputText": "c", "dimensions": 512, "normalize": false})
    );

    let err = embed::plan(&EmbeddingRequest::texts("titan-embed-text-v2", ["a"]).dimensions(300))
        .unwrap_err();
    assert_eq!(err.path(), "dimensions");
    let err = embed::plan(&EmbeddingRequest::texts("titan-embed-text", ["a"]).dimensions(256))
        .unwrap_err();
    assert_eq!(err.path(), "dimensions");
    let err = embed::plan(
        &EmbeddingRequest::texts("titan-embed-text-v2", ["a"]).image(ImageFormat::Png, vec![1]),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind(), err.path()),
        (TranslationErrorKind::Unsupported, "inputs[1]")
    );

    let model = calls[0].model;
    let out = embed::parse_call(
        &calls[0],
        br#"{"embedding":[0.25,-0.5],"inputTextTokenCount":3}"#,
        Some(99),
    )
    .unwrap();
    assert_eq!(
        (out.embeddings, out.input_tokens),
        (vec![vec![0.25, -0.5]], Some(3))
    );
    assert_eq!(model, EmbedModel::TitanTextV1);
}

#[test]
fn cohere_batches_of_96_with_default_input_type_and_header_tokens() {
    let texts: Vec<String> = (0..200).map(|i| format!("text {i}")).collect();
    let mut req = EmbeddingRequest::texts("embed-english", texts.clone());
    req.truncate = Some(Truncate::End);
    let calls = embed::plan(&req).unwrap();
    assert_eq!(
        calls.iter().map(|c| (c.first, c.count)).collect::<Vec<_>>(),
        vec![(0, 96), (96, 96), (192, 8)]
    );
    assert_eq!(COHERE_MAX_BATCH, 96);
    let b: Value = serde_json::from_slice(&calls[2].body).unwrap();
    assert_eq!(
        b,
        json!({"texts": texts[192..], "input_type": "search_document", "truncate": "END", "embedding_types": ["float"]})
    );
    // Token usage only in the header; `embeddings` as a map by type or a bare list.
    let body = json!({"id": "x", "response_type": "embeddings_by_type", "texts": [], "embeddings": {"float": vec![vec![0.5_f32; 4]; 8]}});
    let out = embed::parse_call(&calls[2], body.to_string().as_bytes(), Some(41)).unwrap();
    assert_eq!((out.embeddings.len(), out.input_tokens), (8, Some(41)));
    let bare = json!({"embeddings": vec![vec![1.0_f32]; 8]});
    assert_eq!(
        embed::parse_call(&calls[2], bare.to_string().as_bytes(), None)
            .unwrap()
            .embeddings
            .len(),
        8
    );
    // A count mismatch is an error, not a silent shift of vectors.
    let short = json!({"embeddings": {"float": [[1.0]]}});
    assert!(embed::parse_call(&calls[2], short.to_string().as_bytes(), None).is_err());

    let req = EmbeddingRequest::texts("embed-multilingual", ["hola", "adiós"])
        .input_type(InputType::SearchQuery);
    let b = bodies(&req);
    assert_eq!(b[0]["input_type"], "search_query");
    assert_eq!(
        embed::plan(&req).unwrap()[0].model_id,
        "cohere.embed-multilingual-v3"
    );
}

#[test]
fn cohere_v4_dimensions_types_and_images() {
    let mut req = EmbeddingRequest::texts("cohere.embed-v4:0", ["a", "b"]).dimensions(1024);
    req.embedding_types = vec!["int8".into()];
    let req = req.image(ImageFormat::Png, b"\x89PNG".to_vec());
    let calls = embed::plan(&req).unwrap();
    assert_eq!(
        calls.iter().map(|c| (c.first, c.count)).collect::<Vec<_>>(),
        vec![(0, 2), (2, 1)]
    );
    let b: Vec<Value> = calls
        .iter()
        .map(|c| serde_json::from_slice(&c.body).unwrap())
        .collect();
    assert_eq!(b[0]["output_dimension"], 1024);
    assert_eq!(b[0]["embedding_types"], json!(["int8"]));
    assert_eq!(b[1]["images"], json!(["data:image/png;base64,iVBORw=="]));
    assert_eq!(b[1]["input_type"], "image");
    let int8 = json!({"embeddings": {"int8": [[1, -2], [3, 4]]}});
    assert_eq!(
        embed::parse_call(&calls[0], int8.to_string().as_bytes(), None)
            .unwrap()
            .embeddings,
        vec![vec![1.0, -2.0], vec![3.0, 4.0]]
    );
    assert!(
        embed::plan(&EmbeddingRequest::texts("cohere.embed-v4:0", ["a"]).dimensions(100)).is_err()
    );
}

#[test]
fn titan_multimodal_and_nova_multimodal_images() {
    let req = EmbeddingRequest::texts("amazon.titan-embed-image-v1", ["a red car"])
        .image(ImageFormat::Jpeg, vec![0xFF, 0xD8, 0xFF])
        .dimensions(384);
    assert_eq!(
        bodies(&req),
        vec![
            json!({"inputText": "a red car", "embeddingConfig": {"outputEmbeddingLength": 384}}),
            json!({"inputImage": "/9j/", "embeddingConfig": {"outputEmbeddingLength": 384}}),
        ]
    );
    let req = EmbeddingRequest::texts("amazon.nova-2-multimodal-embeddings-v1:0", ["query"])
        .image(ImageFormat::Webp, vec![1, 2, 3])
        .dimensions(1024)
        .input_type(InputType::SearchQuery);
    let b = bodies(&req);
    assert_eq!(
        b[0],
        json!({"schemaVersion": "nova-multimodal-embed-v1", "taskType": "SINGLE_EMBEDDING", "singleEmbeddingParams": {
            "embeddingPurpose": "GENERIC_RETRIEVAL", "embeddingDimension": 1024,
            "text": {"truncationMode": "END", "value": "query"}}})
    );
    assert_eq!(
        b[1]["singleEmbeddingParams"]["image"],
        json!({"format": "webp", "source": {"bytes": "AQID"}})
    );
    let calls = embed::plan(&req).unwrap();
    let out = embed::parse_call(
        &calls[1],
        br#"{"embeddings":[{"embeddingType":"IMAGE","embedding":[0.1,0.2]}]}"#,
        Some(7),
    )
    .unwrap();
    assert_eq!(
        (out.embeddings, out.input_tokens),
        (vec![vec![0.1, 0.2]], Some(7))
    );
}

#[test]
fn bad_input_is_a_typed_error() {
    assert_eq!(
        embed::plan(&EmbeddingRequest::texts(
            "titan-embed-text-v2",
            Vec::<String>::new()
        ))
        .unwrap_err()
        .path(),
        "inputs"
    );
    let e = embed::plan(&EmbeddingRequest::texts("nova-pro", ["x"])).unwrap_err();
    assert_eq!(
        (e.kind(), e.path()),
        (TranslationErrorKind::Unsupported, "model")
    );
    let calls = embed::plan(&EmbeddingRequest::texts("titan-embed-text-v2", ["x"])).unwrap();
    assert_eq!(
        embed::parse_call(&calls[0], b"not json", None)
            .unwrap_err()
            .kind(),
        TranslationErrorKind::MalformedJson
    );
    assert_eq!(
        embed::parse_call(&calls[0], br#"{"embedding":"x"}"#, None)
            .unwrap_err()
            .path(),
        "embedding"
    );
    for bad in [
        &br#"{"model":"m"}"#[..],
        br#"{"model":"m","input":5}"#,
        br#"{"model":"m","input":["a",1]}"#,
        br#"{"model":"m","input":"a","input_type":"x"}"#,
    ] {
        assert!(embed::parse_openai_request(bad).is_err());
    }
    assert_eq!(
        embed::parse_openai_request(br#"{"model":"m","input":["a",1]}"#)
            .unwrap_err()
            .path(),
        "input[1]"
    );
}

#[test]
fn openai_shapes() {
    let r = embed::parse_openai_request(br#"{"model":"embed-english","input":"one","input_type":"search_query","truncate":"start"}"#).unwrap();
    assert_eq!(
        (r.input_type, r.truncate, r.inputs.len()),
        (Some(InputType::SearchQuery), Some(Truncate::Start), 1)
    );
    let out = EmbeddingResponse {
        model: "amazon.titan-embed-text-v2:0".into(),
        embeddings: vec![vec![1.0], vec![2.0]],
        input_tokens: 9,
    }
    .to_openai();
    assert_eq!(
        out,
        json!({"object": "list", "model": "amazon.titan-embed-text-v2:0",
               "data": [{"object": "embedding", "index": 0, "embedding": [1.0]}, {"object": "embedding", "index": 1, "embedding": [2.0]}],
               "usage": {"prompt_tokens": 9, "total_tokens": 9}})
    );
}

#[test]
fn base64_encoding_format() {
    assert!(embed::openai_wants_base64(
        br#"{"model":"m","input":"a","encoding_format":"base64"}"#
    ));
    assert!(!embed::openai_wants_base64(
        br#"{"model":"m","input":"a","encoding_format":"float"}"#
    ));
    assert!(!embed::openai_wants_base64(b"nonsense"));
    let r = EmbeddingResponse {
        model: "m".into(),
        embeddings: vec![vec![1.0, -2.5]],
        input_tokens: 1,
    };
    let v = r.to_openai_base64();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(v["data"][0]["embedding"].as_str().unwrap())
        .unwrap();
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    assert_eq!(floats, vec![1.0, -2.5]);
}
