//! `bedrock-wire chat`: one conversation turn (or a tool loop), streamed to the terminal.

use std::io::Write;
use std::path::{Path, PathBuf};

use bedrock_wire::client::{Client, Env};
use bedrock_wire::model::{
    BlockDelta, ChatRequest, ChatResponse, ContentPart, DocumentFormat, ImageFormat, Message, Role,
    StreamEvent, Tool,
};
use bedrock_wire::replay::{self, ReplayConfig, ReplayServer};
use serde_json::{Value, json};

use crate::Failure;
use crate::args::{Args, Spec, UsageError};

pub(crate) const DEFAULT_MODEL: &str = "claude-haiku-4-5";

pub(crate) const SPEC: Spec = Spec {
    values: &[
        ("--model", Some("-m")),
        ("--system", None),
        ("--max-tokens", None),
        ("--temperature", None),
        ("--image", None),
        ("--document", None),
        ("--region", None),
        ("--profile", None),
        ("--endpoint", None),
        ("--api", None),
        ("--request", None),
        ("--record", None),
        ("--fixtures", None),
    ],
    switches: &[
        "--tool-demo",
        "--json",
        "--openai",
        "--no-stream",
        "--offline",
        "--dry-run",
    ],
};

pub(crate) const HELP: &str = "\
bedrock-wire chat [PROMPT] [options]       (the prompt is read from stdin when not given)
  --model, -m M        alias or model id (default: claude-haiku-4-5; see `bedrock-wire models`)
  --system TEXT        system prompt
  --max-tokens N, --temperature T
  --image FILE         attach an image (png, jpeg, gif, webp; repeatable)
  --document FILE      attach a document (pdf, csv, doc, docx, xls, xlsx, html, txt, md; repeatable)
  --tool-demo          offer a get_weather tool and run the tool loop locally
  --region R, --profile P, --endpoint URL
  --api converse|invoke|auto   which API to use (default auto: the library's routing rule)
  --request FILE       an OpenAI chat.completions JSON request instead of the flags above
  --json               print StreamEvents as NDJSON
  --openai             print chat.completion.chunk JSON lines (chat.completion with --no-stream)
  --no-stream          use Converse instead of ConverseStream
  --offline            serve the bundled fixtures on 127.0.0.1 and run the real client against them
  --fixtures DIR       the fixtures --offline serves (default: the repository's fixtures/replay)
  --dry-run            print the exact HTTP request as JSON {method, url, headers, body}; send nothing
  --record DIR         save the exchange as a replay fixture (secrets, account and request ids scrubbed)
  At the end, stderr shows tokens in/out/cache, a cost estimate and the latency.";

/// How the answer is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Text,
    Json,
    OpenAi,
}

/// What the user asked for, resolved from flags.
#[derive(Debug)]
struct Plan {
    request: ChatRequest,
    stream: bool,
    output: Output,
    tool_demo: bool,
    dry_run: bool,
    record: Option<PathBuf>,
}

/// The fixtures the repository bundles for `--offline`.
pub(crate) fn default_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/replay")
}

fn read_prompt(args: &Args, tool_demo: bool) -> Result<String, Failure> {
    if !args.positional.is_empty() {
        return Ok(args.positional.join(" "));
    }
    if tool_demo {
        return Ok("What is the weather in Paris right now?".to_string());
    }
    let bytes = crate::read_input(None)?;
    let text =
        String::from_utf8(bytes).map_err(|_| Failure::op("the prompt on stdin is not UTF-8"))?;
    let text = text.trim().to_string();
    if text.is_empty() {
        return Err(UsageError("chat needs a PROMPT (argument or stdin)".into()).into());
    }
    Ok(text)
}

fn extension(path: &str) -> String {
    Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn attachment_parts(args: &Args) -> Result<Vec<ContentPart>, Failure> {
    let mut parts = Vec::new();
    for path in args.all("--image") {
        let data = std::fs::read(path).map_err(|e| Failure::io(path, &e))?;
        let format = ImageFormat::sniff(&data)
            .or_else(|| ImageFormat::parse(&extension(path)))
            .ok_or_else(|| {
                Failure::op(format!(
                    "{path}: not a png, jpeg, gif or webp image; convert it first"
                ))
            })?;
        parts.push(ContentPart::image(format, data));
    }
    for path in args.all("--document") {
        let data = std::fs::read(path).map_err(|e| Failure::io(path, &e))?;
        let format = DocumentFormat::parse(&extension(path)).ok_or_else(|| {
            Failure::op(format!(
                "{path}: unsupported document type; use pdf, csv, doc, docx, xls, xlsx, html, txt or md"
            ))
        })?;
        let name = Path::new(path).file_stem().map_or_else(
            || "document".to_string(),
            |s| s.to_string_lossy().into_owned(),
        );
        parts.push(ContentPart::document(format, name, data));
    }
    Ok(parts)
}

fn weather_tool() -> Tool {
    Tool::new(
        "get_weather",
        "Current weather for a city",
        json!({
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"]
        }),
    )
}

/// The local implementation of the demo tool (deterministic).
fn run_weather_tool(input: &Value) -> Value {
    let city = input
        .get("city")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    json!({"city": city, "conditions": "sunny", "temperature_c": 21})
}

fn plan(args: &Args) -> Result<Plan, Failure> {
    let output = match (args.flag("--json"), args.flag("--openai")) {
        (true, true) => return Err(UsageError("give --json or --openai, not both".into()).into()),
        (true, false) => Output::Json,
        (false, true) => Output::OpenAi,
        (false, false) => Output::Text,
    };
    let tool_demo = args.flag("--tool-demo");
    let (mut request, mut stream) = if let Some(file) = args.value("--request") {
        let body = std::fs::read(file).map_err(|e| Failure::io(file, &e))?;
        let parsed = bedrock_wire::openai::parse_request(&body)
            .map_err(|e| Failure::op(format!("{file}: {e}")))?;
        (parsed.request, parsed.stream)
    } else {
        let prompt = read_prompt(args, tool_demo)?;
        let mut parts = attachment_parts(args)?;
        parts.push(ContentPart::text(prompt));
        let mut r = ChatRequest::new(args.value("--model").unwrap_or(DEFAULT_MODEL))
            .parts(Role::User, parts);
        if let Some(s) = args.value("--system") {
            r = r.system(s);
        }
        (r, true)
    };
    if args.value("--request").is_some() {
        if let Some(m) = args.value("--model") {
            request.model = m.to_string();
        }
    }
    if let Some(n) = args.parsed::<u32>("--max-tokens")? {
        request = request.max_tokens(n);
    }
    if let Some(t) = args.parsed::<f64>("--temperature")? {
        request = request.temperature(t);
    }
    if tool_demo {
        request = request.tool(weather_tool());
    }
    if args.flag("--no-stream") {
        stream = false;
    }
    Ok(Plan {
        request,
        stream,
        output,
        tool_demo,
        dry_run: args.flag("--dry-run"),
        record: args.value("--record").map(PathBuf::from),
    })
}

pub(crate) fn build_client(args: &Args, offline: Option<&ReplayServer>) -> Result<Client, Failure> {
    let mut builder = Client::builder().env(Env::from_process());
    if let Some(server) = offline {
        builder = builder
            .endpoint_url(server.endpoint())
            .region(replay::DEMO_REGION)
            .access_key(
                replay::DEMO_ACCESS_KEY_ID,
                replay::DEMO_SECRET_ACCESS_KEY,
                None,
            )
            .ignore_env_bearer_token(true);
    } else {
        if let Some(e) = args.value("--endpoint") {
            builder = builder.endpoint_url(e);
        }
        if let Some(p) = args.value("--profile") {
            builder = builder.profile(p);
        }
    }
    if let Some(r) = args.value("--region") {
        builder = builder.region(r);
    }
    builder.build().map_err(|e| crate::client_failure(&e))
}

/// Starts the replay server for `--offline` (with `--fixtures DIR` or the bundled fixtures).
pub(crate) async fn offline_server(args: &Args) -> Result<Option<ReplayServer>, Failure> {
    if !args.flag("--offline") {
        return Ok(None);
    }
    let dir = args
        .value("--fixtures")
        .map_or_else(default_fixtures, PathBuf::from);
    let config = ReplayConfig::from_fixtures(&dir).map_err(|e| {
        Failure::op(format!(
            "cannot load the offline fixtures: {e} (pass --fixtures DIR)"
        ))
    })?;
    let server = ReplayServer::start(config)
        .await
        .map_err(|e| Failure::op(format!("cannot start the replay server: {e}")))?;
    Ok(Some(server))
}

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    let use_converse = match args.value("--api") {
        None | Some("auto") => None,
        Some("converse") => Some(true),
        Some("invoke") => Some(false),
        Some(other) => {
            return Err(UsageError(format!(
                "--api {other:?}: expected converse, invoke or auto"
            ))
            .into());
        }
    };
    let mut plan = plan(&args)?;
    if use_converse.is_some() {
        plan.request.use_converse = use_converse;
    }
    let runtime = crate::runtime()?;
    runtime.block_on(async {
        let server = offline_server(&args).await?;
        let client = build_client(&args, server.as_ref())?;
        if plan.dry_run {
            return dry_run(&client, &plan).await;
        }
        conversation(&client, plan).await
    })
}

/// Whether the library's routing rule sends `request` to native InvokeModel.
fn routes_to_invoke(request: &ChatRequest) -> bool {
    let route = bedrock_wire::invoke::route(request);
    eprintln!("route: {route}");
    route.api == bedrock_wire::invoke::Api::Invoke
}

async fn dry_run(client: &Client, plan: &Plan) -> Result<(), Failure> {
    let (op, warnings) = if routes_to_invoke(&plan.request) {
        client
            .invoke_operation(&plan.request, plan.stream)
            .map(|(op, _, w)| (op, w))
    } else {
        client.converse_operation(&plan.request, plan.stream)
    }
    .map_err(|e| crate::client_failure(&e))?;
    let prepared = client
        .prepare(&op)
        .await
        .map_err(|e| crate::client_failure(&e))?;
    println!("{}", dry_run_json(&prepared));
    for w in warnings {
        eprintln!("note: {w}");
    }
    Ok(())
}

/// The `--dry-run` document: `{"method", "url", "headers": [[name, value]...], "body": <JSON>}`
/// with `authorization` and tokens redacted.
pub(crate) fn dry_run_json(prepared: &bedrock_wire::client::PreparedRequest) -> Value {
    let headers: Vec<Value> = prepared
        .redacted_headers()
        .into_iter()
        .map(|(n, v)| {
            let v = if n.eq_ignore_ascii_case("authorization") {
                redact_authorization(&v)
            } else {
                v
            };
            json!([n, v])
        })
        .collect();
    let body = serde_json::from_slice::<Value>(&prepared.body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&prepared.body).into_owned()));
    json!({"method": prepared.method, "url": prepared.url, "headers": headers, "body": body})
}

/// Keeps the scheme, credential scope and signed headers; hides the signature and any bearer key.
fn redact_authorization(value: &str) -> String {
    if value.starts_with("Bearer ") {
        return "Bearer <redacted>".to_string();
    }
    match value.split_once(", Signature=") {
        Some((head, _)) => format!("{head}, Signature=<redacted>"),
        None => "<redacted>".to_string(),
    }
}

/// Totals across the turns of a conversation.
#[derive(Debug, Default)]
struct Totals {
    usage: bedrock_wire::model::Usage,
    latency_ms: u64,
}

async fn conversation(client: &Client, plan: Plan) -> Result<(), Failure> {
    let started = crate::instant();
    let mut request = plan.request.clone();
    let mut totals = Totals::default();
    let mut recorder = plan
        .record
        .as_ref()
        .map(|_| crate::record::Recorder::default());
    if recorder.is_some() && routes_to_invoke(&plan.request) {
        return Err(Failure::op(
            "--record saves Converse exchanges only; add --api converse",
        ));
    }
    let max_turns = if plan.tool_demo { 4 } else { 1 };
    for turn in 0..max_turns {
        let response = match recorder.as_mut() {
            Some(rec) => {
                crate::record::turn(client, &request, plan.stream, rec, |e| {
                    print_event(&plan, e);
                })
                .await?
            }
            None if plan.stream => stream_turn(client, &request, &plan).await?,
            None => {
                let r = client
                    .chat(&request)
                    .await
                    .map_err(|e| crate::client_failure(&e))?;
                print_response(&plan, &r, &request.model);
                r
            }
        };
        add_usage(&mut totals, &response);
        let calls: Vec<(String, String, Value)> = response
            .tool_calls()
            .into_iter()
            .map(|(id, name, input)| (id.to_string(), name.to_string(), input.clone()))
            .collect();
        if !plan.tool_demo || calls.is_empty() || turn + 1 == max_turns {
            break;
        }
        if plan.output == Output::Text {
            println!();
        }
        request.messages.push(response.message());
        let mut results = Vec::new();
        for (id, name, input) in calls {
            let output = run_weather_tool(&input);
            eprintln!("[tool] {name}({input}) -> {output}");
            results.push(ContentPart::tool_result(id, output.to_string()));
        }
        request.messages.push(Message::new(Role::User, results));
    }
    if plan.output == Output::Text {
        println!();
    }
    if let (Some(rec), Some(dir)) = (recorder, plan.record.as_ref()) {
        rec.save(dir)
            .map_err(|e| Failure::io(&dir.display().to_string(), &e))?;
        eprintln!("recorded the exchange to {}", dir.display());
    }
    let wall_ms = crate::instant().duration_since(started).as_millis();
    summary(client, &request.model, &totals, wall_ms);
    Ok(())
}

fn add_usage(totals: &mut Totals, r: &ChatResponse) {
    let u = &mut totals.usage;
    u.input_tokens += r.usage.input_tokens;
    u.output_tokens += r.usage.output_tokens;
    u.total_tokens += r.usage.total_tokens;
    u.cache_read_input_tokens += r.usage.cache_read_input_tokens;
    u.cache_write_input_tokens += r.usage.cache_write_input_tokens;
    totals.latency_ms += r.latency_ms.unwrap_or(0);
}

/// The end-of-run line: tokens, the session's running cost from the client's usage ledger, and
/// latency.
fn summary(client: &Client, model: &str, totals: &Totals, wall_ms: u128) {
    let u = &totals.usage;
    let (_, source) = bedrock_wire::models::PriceTable::new().price(model);
    let fallback = if source == bedrock_wire::models::PriceSource::Fallback {
        " (unknown model: fallback price)"
    } else {
        ""
    };
    eprintln!(
        "tokens: {} in, {} out, cache {} read / {} write | cost ~{}{fallback} | latency {} ms (service), {} ms (wall)",
        u.input_tokens,
        u.output_tokens,
        u.cache_read_input_tokens,
        u.cache_write_input_tokens,
        client.usage().total().cost,
        totals.latency_ms,
        wall_ms
    );
}

async fn stream_turn(
    client: &Client,
    request: &ChatRequest,
    plan: &Plan,
) -> Result<ChatResponse, Failure> {
    let mut stream = client
        .chat_stream(request)
        .await
        .map_err(|e| crate::client_failure(&e))?;
    for w in stream.warnings() {
        eprintln!("note: {w}");
    }
    let mut acc = bedrock_wire::model::Accumulator::new();
    let mut printer = Printer::new(plan, &request.model);
    while let Some(event) = stream.next().await {
        match event {
            Ok(event) => {
                printer.print(&event);
                acc.push(&event);
            }
            Err(e) => {
                if plan.output == Output::Text {
                    println!();
                }
                return Err(crate::client_failure(&e));
            }
        }
    }
    acc.finish()
        .map_err(|e| Failure::op(format!("the stream ended inconsistently: {e}")))
}

/// Prints stream events in the chosen output format.
pub(crate) struct Printer {
    output: Output,
    openai: Option<bedrock_wire::openai::ChunkRenderer>,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("output", &self.output)
            .finish_non_exhaustive()
    }
}

impl Printer {
    fn new(plan: &Plan, model: &str) -> Self {
        let created = crate::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self {
            output: plan.output,
            openai: (plan.output == Output::OpenAi).then(|| {
                bedrock_wire::openai::ChunkRenderer::new(
                    format!("chatcmpl-{created}"),
                    model,
                    created,
                    true,
                )
            }),
        }
    }

    pub(crate) fn print(&mut self, event: &StreamEvent) {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        match self.output {
            Output::Text => {
                if let StreamEvent::BlockDelta {
                    delta: BlockDelta::Text { text },
                    ..
                } = event
                {
                    let _ = out.write_all(text.as_bytes());
                    let _ = out.flush();
                }
            }
            Output::Json => {
                if let Ok(line) = serde_json::to_string(event) {
                    let _ = writeln!(out, "{line}");
                }
            }
            Output::OpenAi => {
                if let Some(r) = self.openai.as_mut() {
                    for chunk in r.render(event) {
                        let _ = writeln!(out, "{chunk}");
                    }
                }
            }
        }
    }
}

fn print_event(plan: &Plan, event: &StreamEvent) {
    // The recorder path prints events one by one without a long-lived printer: text and JSON
    // need no state; OpenAI chunks are rendered from the accumulated response instead.
    if plan.output != Output::OpenAi {
        Printer {
            output: plan.output,
            openai: None,
        }
        .print(event);
    }
}

fn print_response(plan: &Plan, r: &ChatResponse, model: &str) {
    match plan.output {
        Output::Text => print!("{}", r.text()),
        Output::Json => println!("{}", serde_json::to_string(r).unwrap_or_default()),
        Output::OpenAi => {
            let created = crate::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            println!(
                "{}",
                bedrock_wire::openai::render_response(
                    r,
                    model,
                    &format!("chatcmpl-{created}"),
                    created
                )
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_is_redacted_for_dry_runs() {
        assert_eq!(
            redact_authorization(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcdef"
            ),
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted>"
        );
        assert_eq!(
            redact_authorization("Bearer bedrock-api-key-xyz"),
            "Bearer <redacted>"
        );
        assert_eq!(redact_authorization("something else"), "<redacted>");
    }

    #[test]
    fn the_demo_tool_is_deterministic() {
        assert_eq!(
            run_weather_tool(&json!({"city": "Paris"})),
            json!({"city": "Paris", "conditions": "sunny", "temperature_c": 21})
        );
    }
}
