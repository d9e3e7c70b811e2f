//! `bedrock-wire models`: the alias table (alias, model id, family, capabilities, prices).

use bedrock_wire::models::{Capabilities, MODELS, ModelInfo};
use serde_json::{Value, json};

use crate::Failure;
use crate::args::Spec;

pub(crate) const SPEC: Spec = Spec {
    values: &[],
    switches: &["--json"],
};

pub(crate) const HELP: &str = "\
bedrock-wire models [--json]
  The model table: every alias, its full model id, family, capabilities and prices
  (USD per million input / output / cache-read / cache-write tokens).
  --json   one JSON array, one object per model";

fn caps_list(c: Capabilities) -> Vec<&'static str> {
    [
        (c.tools, "tools"),
        (c.tool_streaming, "tool_streaming"),
        (c.vision, "vision"),
        (c.documents, "documents"),
        (c.reasoning, "reasoning"),
        (c.prompt_caching, "prompt_caching"),
        (c.system_prompt, "system_prompt"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect()
}

fn family_name(m: &ModelInfo) -> String {
    serde_json::to_value(m.family)
        .ok()
        .and_then(|v| v.as_str().map(ToString::to_string))
        .unwrap_or_default()
}

pub(crate) fn model_json(m: &ModelInfo) -> Value {
    json!({
        "aliases": m.aliases,
        "model_id": m.id,
        "family": family_name(m),
        "requires_inference_profile": m.requires_profile,
        "capabilities": caps_list(m.capabilities),
        "price_per_million": m.price.map(|p| json!({
            "input": p.input, "output": p.output,
            "cache_read": p.cache_read, "cache_write": p.cache_write, "as_of": p.as_of,
        })),
    })
}

pub(crate) fn run(argv: &[String]) -> Result<(), Failure> {
    let args = SPEC.parse(argv)?;
    if args.flag("--json") {
        let all: Vec<Value> = MODELS.iter().map(model_json).collect();
        println!("{}", Value::Array(all));
        return Ok(());
    }
    println!(
        "{:<28} {:<48} {:<9} {:>22}  capabilities",
        "alias", "model id", "family", "$/M in/out/cache r/w"
    );
    for m in MODELS {
        let price = m.price.map_or_else(
            || "-".to_string(),
            |p| {
                format!(
                    "{}/{}/{}/{}",
                    p.input, p.output, p.cache_read, p.cache_write
                )
            },
        );
        let alias = if m.aliases.is_empty() {
            "-".to_string()
        } else {
            m.aliases.join(", ")
        };
        let profile = if m.requires_profile { " (profile)" } else { "" };
        println!(
            "{alias:<28} {:<48} {:<9} {price:>22}  {}",
            format!("{}{profile}", m.id),
            family_name(m),
            caps_list(m.capabilities).join(",")
        );
    }
    Ok(())
}
