//! `bedrock-wire embed TEXT...`: embeddings (Titan, Cohere, Nova), OpenAI-shaped with `--json`.

use bedrock_wire::client::Operation;
use bedrock_wire::embed::{EmbeddingRequest, InputType};

use crate::Failure;
use crate::args::{Spec, UsageError};

pub(crate) const DEFAULT_MODEL: &str = "titan-embed-text-v2";

pub(crate) const SPEC: Spec = Spec {
    values: &[
        ("--model", Some("-m")),
        ("--dimensions", None),
        ("--input-type", None),
        ("--region", None),
        ("--profile", None),
        ("--endpoint", None),
        ("--fixtures", None),
    ],
    switches: &["--json", "--dry-run", "--offline"],
};

pub(crate) const HELP: &str = "\
bedrock-wire embed TEXT... [options]
  --model, -m M       titan-embed-text-v2 (default), titan-embed-text, embed-english, embed-multilingual, ...
  --dimensions N      Titan v2: 256, 512 or 1024
  --input-type T      Cohere / Nova: search_document (default), search_query, classification, clustering
  --json              print the OpenAI-shaped embeddings response ({data[i].embedding, usage})
  --dry-run           print each HTTP request as JSON {method, url, headers, body}; send nothing
  --offline [--fixtures DIR], --region R, --profile P, --endpoint URL   as for chat
  Without --json: one line per input with its dimension count and the first values.";

fn input_type(s: &str) -> Result<InputType, UsageError> {
    Ok(match s {
        "search_document" => InputType::SearchDocument,
        "search_query" => InputType::SearchQuery,
        "classification" => InputType::Classification,
        "clustering" => InputType::Clustering,
        other => return Err(UsageError(format!("--input-type {other:?}: unknown"))),
    })
}

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    if args.positional.is_empty() {
        return Err(UsageError("embed needs at least one TEXT".into()).into());
    }
    let mut request = EmbeddingRequest::texts(
        args.value("--model").unwrap_or(DEFAULT_MODEL),
        args.positional.iter().cloned(),
    );
    if let Some(n) = args.parsed::<u32>("--dimensions")? {
        request = request.dimensions(n);
    }
    if let Some(t) = args.value("--input-type") {
        request = request.input_type(input_type(t)?);
    }
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let server = crate::chat::offline_server(&args).await?;
        let client = crate::chat::build_client(&args, server.as_ref())?;
        if args.flag("--dry-run") {
            let calls = bedrock_wire::embed::plan(&request)
                .map_err(|e| Failure::op(format!("cannot build the request: {e}")))?;
            for call in calls {
                let op = Operation::invoke(&call.model_id, call.body);
                let prepared = client
                    .prepare(&op)
                    .await
                    .map_err(|e| crate::client_failure(&e))?;
                println!("{}", crate::chat::dry_run_json(&prepared));
            }
            return Ok(());
        }
        let response = client
            .embed(request)
            .await
            .map_err(|e| crate::client_failure(&e))?;
        if args.flag("--json") {
            println!("{}", response.to_openai());
        } else {
            for (i, v) in response.embeddings.iter().enumerate() {
                let head: Vec<String> = v.iter().take(4).map(|x| format!("{x:.4}")).collect();
                println!("[{i}] {} dimensions: [{}, ...]", v.len(), head.join(", "));
            }
            eprintln!(
                "tokens: {} in | model {}",
                response.input_tokens, response.model
            );
        }
        Ok(())
    })
}
