//! The routing rule table of `bedrock_wire::invoke::route`, rule by rule, and the dry-run
//! description.

use bedrock_wire::client::{Client, Env};
use bedrock_wire::invoke::{Api, Dialect, RouteReason, route};
use bedrock_wire::model::{ChatRequest, GuardrailConfig, GuardrailStreamMode, Tool, ToolChoice};
use serde_json::json;

fn hi(model: &str) -> ChatRequest {
    ChatRequest::new(model).user("hi")
}

#[test]
fn rule_table() {
    let tool = Tool::new("t", "a tool", json!({"type": "object"}));
    let cases: Vec<(ChatRequest, Api, RouteReason, Option<Dialect>)> = vec![
        // 1. no native dialect
        (
            hi("acme.model-v1:0"),
            Api::Converse,
            RouteReason::NoNativeDialect,
            None,
        ),
        (
            hi("arn:aws:bedrock:us-east-1:1:application-inference-profile/x").use_converse(false),
            Api::Converse,
            RouteReason::NoNativeDialect,
            None,
        ),
        // ... unless the base model is given.
        (
            hi("arn:aws:bedrock:us-east-1:1:application-inference-profile/x")
                .base_model("nova-lite")
                .use_converse(false),
            Api::Invoke,
            RouteReason::CallerAsked,
            Some(Dialect::Nova),
        ),
        // 2, 3. the caller asks
        (
            hi("mistral-7b").use_converse(true),
            Api::Converse,
            RouteReason::CallerAsked,
            Some(Dialect::MistralPrompt),
        ),
        (
            hi("llama3-3-70b").use_converse(false),
            Api::Invoke,
            RouteReason::CallerAsked,
            Some(Dialect::Llama3),
        ),
        (
            hi("llama4-scout").use_converse(false),
            Api::Invoke,
            RouteReason::CallerAsked,
            Some(Dialect::Llama4),
        ),
        // 4. Converse-only features
        (
            hi("mistral-7b").json_schema("x", json!({"type": "object"})),
            Api::Converse,
            RouteReason::ConverseOnlyFeature("structured output"),
            Some(Dialect::MistralPrompt),
        ),
        (
            {
                let mut r = hi("titan-text-premier");
                r.model = "amazon.titan-text-premier-v1:0".into();
                r.guardrail = Some(GuardrailConfig {
                    identifier: "g".into(),
                    version: "1".into(),
                    trace: None,
                    stream_processing_mode: Some(GuardrailStreamMode::Async),
                });
                r
            },
            Api::Converse,
            RouteReason::ConverseOnlyFeature("a guardrail stream processing mode"),
            Some(Dialect::Titan),
        ),
        (
            {
                let mut r = hi("mixtral-8x7b");
                r.metadata.insert("k".into(), "v".into());
                r
            },
            Api::Converse,
            RouteReason::ConverseOnlyFeature("request metadata"),
            Some(Dialect::MistralPrompt),
        ),
        // 5, 6. native-only features (Claude)
        (
            {
                let mut r = hi("claude-sonnet-4-5");
                r.additional_model_request_fields =
                    Some(json!({"anthropic_beta": ["context-1m-2025-08-07"]}));
                r
            },
            Api::Invoke,
            RouteReason::NativeOnlyFeature("anthropic_beta"),
            Some(Dialect::Anthropic),
        ),
        (
            hi("claude-3-5-haiku")
                .tool(tool.clone())
                .tool_choice(ToolChoice::None),
            Api::Invoke,
            RouteReason::NativeOnlyFeature("tool_choice none with tools"),
            Some(Dialect::Anthropic),
        ),
        // tool_choice none on a non-Claude model: Converse (drops the tools, with a warning).
        (
            hi("nova-pro").tool(tool).tool_choice(ToolChoice::None),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Nova),
        ),
        // 7. families served better natively
        (
            hi("mistral-7b"),
            Api::Invoke,
            RouteReason::FamilyPrefersNative,
            Some(Dialect::MistralPrompt),
        ),
        (
            hi("mixtral-8x7b"),
            Api::Invoke,
            RouteReason::FamilyPrefersNative,
            Some(Dialect::MistralPrompt),
        ),
        (
            hi("amazon.titan-text-express-v1"),
            Api::Invoke,
            RouteReason::FamilyPrefersNative,
            Some(Dialect::Titan),
        ),
        // 8. default
        (
            hi("claude-sonnet-4-5"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Anthropic),
        ),
        (
            hi("nova-pro"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Nova),
        ),
        (
            hi("llama3-3-70b"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Llama3),
        ),
        (
            hi("command-r-plus"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Cohere),
        ),
        (
            hi("jamba-1-5-large"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::OpenAiChat),
        ),
        (
            hi("gpt-oss-120b"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::OpenAiChat),
        ),
        (
            hi("qwen3-32b"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::OpenAiChat),
        ),
        (
            hi("deepseek-r1"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::DeepSeek),
        ),
        (
            hi("mistral.mistral-large-2407-v1:0"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::OpenAiChat),
        ),
        (
            hi("bedrock/us.anthropic.claude-3-haiku-20240307-v1:0"),
            Api::Converse,
            RouteReason::Default,
            Some(Dialect::Anthropic),
        ),
    ];
    for (req, api, reason, dialect) in cases {
        let r = route(&req);
        assert_eq!(
            (r.api, r.reason, r.dialect),
            (api, reason, dialect),
            "{}",
            req.model
        );
    }
}

#[test]
fn route_serializes_for_logs_and_displays_for_dry_runs() {
    let r = route(&hi("mistral-7b"));
    assert_eq!(
        serde_json::to_value(r).unwrap(),
        json!({"api": "invoke", "reason": {"rule": "family_prefers_native"}, "dialect": "mistral-prompt"})
    );
    assert_eq!(route(&hi("nova-pro")).to_string(), "converse: the default");
}

#[test]
fn dry_run_plan_shows_route_request_and_changes() {
    let client = Client::builder()
        .env(Env::empty())
        .region("eu-west-1")
        .bearer_token("k")
        .build()
        .unwrap();
    let mut req = hi("claude-sonnet-4-5").stop("END");
    req.additional_model_request_fields = Some(json!({"anthropic_beta": ["x"]}));
    req.latency_optimized = true;
    let plan = client.chat_plan(&req, true).unwrap();
    let text = plan.to_string();
    assert!(
        text.starts_with("route: invoke (anthropic): the request uses anthropic_beta"),
        "{text}"
    );
    assert!(
        text.contains("request: POST /model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream"),
        "{text}"
    );
    assert!(
        text.contains("header: x-amzn-bedrock-performanceconfig-latency: optimized"),
        "{text}"
    );
    let body: serde_json::Value = serde_json::from_slice(&plan.operation.body).unwrap();
    assert_eq!(body["anthropic_beta"], json!(["x"]));
    assert_eq!(body["stop_sequences"], json!(["END"]));

    let plan = client.chat_plan(&hi("nova-pro"), false).unwrap();
    assert!(plan.to_string().starts_with(
        "route: converse: the default\nrequest: POST /model/amazon.nova-pro-v1%3A0/converse"
    ));
}
