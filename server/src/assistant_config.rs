//! The assistant's settings: which chat model answers (none: the offline assistant) and the
//! limits every model call runs within.

use std::sync::Arc;
use std::time::Duration;

use crate::config::{invalid, secret, ConfigError};
use domain::assistant::model::bedrock::{self, BedrockChat};
use domain::assistant::model::openai::{self, OpenAiChat};
use domain::assistant::model::{Limits, RetryPolicy};
use domain::assistant::ModelSetup;

/// The assistant's settings as text, straight from flags and environment variables.
#[derive(Debug, Clone, clap::Args)]
pub struct RawAssistant {
    /// Who answers the assistant's messages: `offline` (no model, no account: reads the
    /// message and searches the catalog itself), `openai` (any server speaking OpenAI's
    /// Chat Completions: OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp) or `bedrock` (Amazon
    /// Bedrock's Converse API; region and credentials from the AWS chain).
    #[arg(
        long,
        env = "CLOUDMART_AI_PROVIDER",
        default_value = "offline",
        global = true
    )]
    pub ai_provider: String,
    /// The OpenAI-compatible server, up to `/v1` (Ollama: `http://127.0.0.1:11434/v1`).
    #[arg(
        long,
        env = "CLOUDMART_OPENAI_BASE_URL",
        default_value = openai::DEFAULT_BASE_URL,
        global = true
    )]
    pub openai_base_url: String,
    /// Its API key (may be empty for a local server); never logged.
    #[arg(
        long,
        env = "CLOUDMART_OPENAI_API_KEY",
        global = true,
        hide_env_values = true
    )]
    pub openai_api_key: Option<String>,
    /// A file holding that key (a mounted secret), instead of the variable.
    #[arg(long, env = "CLOUDMART_OPENAI_API_KEY_FILE", global = true)]
    pub openai_api_key_file: Option<String>,
    /// The model to ask.
    #[arg(
        long,
        env = "CLOUDMART_OPENAI_MODEL",
        default_value = "gpt-4o-mini",
        global = true
    )]
    pub openai_model: String,
    /// The Bedrock model id, inference profile or ARN to ask (for example
    /// `us.amazon.nova-lite-v1:0` or `anthropic.claude-3-5-haiku-20241022-v1:0`); required
    /// with `bedrock`. The region is `AWS_REGION`'s; `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
    /// points it elsewhere.
    #[arg(long, env = "CLOUDMART_BEDROCK_MODEL_ID", global = true)]
    pub bedrock_model_id: Option<String>,
    /// Seconds an answer may take in all (every tool round and retry); then the offline
    /// assistant answers.
    #[arg(
        long,
        env = "CLOUDMART_AI_TIMEOUT",
        default_value = "20",
        global = true
    )]
    pub ai_timeout: String,
    /// Seconds a model request may wait for the provider's first byte.
    #[arg(
        long,
        env = "CLOUDMART_AI_FIRST_TOKEN_TIMEOUT",
        default_value = "10",
        global = true
    )]
    pub ai_first_token_timeout: String,
    /// Rounds of tool calls a model may make per answer (1 to 8).
    #[arg(
        long,
        env = "CLOUDMART_AI_TOOL_ROUNDS",
        default_value = "4",
        global = true
    )]
    pub ai_tool_rounds: String,
    /// Tokens a model may write per round (16 to 8192).
    #[arg(
        long,
        env = "CLOUDMART_AI_MAX_TOKENS",
        default_value = "800",
        global = true
    )]
    pub ai_max_tokens: String,
}

const PROVIDER: &str = "CLOUDMART_AI_PROVIDER";
const KEY: &str = "CLOUDMART_OPENAI_API_KEY";
const KEY_FILE: &str = "CLOUDMART_OPENAI_API_KEY_FILE";

/// The assistant's model, parsed: `None` is the offline assistant.
pub fn parse(raw: &RawAssistant) -> Result<Option<ModelSetup>, ConfigError> {
    let number =
        |variable: &'static str, text: &str, range: std::ops::RangeInclusive<u32>, expected| {
            text.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| invalid(variable, text, expected))
        };
    let total = number(
        "CLOUDMART_AI_TIMEOUT",
        &raw.ai_timeout,
        1..=600,
        "whole seconds from 1 to 600",
    )?;
    let first = number(
        "CLOUDMART_AI_FIRST_TOKEN_TIMEOUT",
        &raw.ai_first_token_timeout,
        1..=600,
        "whole seconds from 1 to 600",
    )?;
    let limits = Limits {
        total: Duration::from_secs(total.into()),
        first_token: Duration::from_secs(first.min(total).into()),
        tool_rounds: number(
            "CLOUDMART_AI_TOOL_ROUNDS",
            &raw.ai_tool_rounds,
            1..=8,
            "1 to 8",
        )? as u8,
        max_tokens: number(
            "CLOUDMART_AI_MAX_TOKENS",
            &raw.ai_max_tokens,
            16..=8192,
            "16 to 8192",
        )?,
        retry: RetryPolicy {
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(u64::from(total) / 2).max(Duration::from_secs(1)),
        },
    };
    match raw.ai_provider.trim() {
        "offline" | "" => Ok(None),
        "openai" => {
            let key = secret(
                raw.openai_api_key.as_deref(),
                raw.openai_api_key_file.as_deref(),
                KEY,
                KEY_FILE,
            )?
            .unwrap_or_default();
            let client = OpenAiChat::new(&raw.openai_base_url, &key, &raw.openai_model, limits)
                .map_err(|e| match e.field.as_str() {
                    openai::BASE_URL_ENV => invalid(
                        openai::BASE_URL_ENV,
                        &raw.openai_base_url,
                        "the server's http(s):// URL up to /v1",
                    ),
                    openai::MODEL_ENV => {
                        invalid(openai::MODEL_ENV, &raw.openai_model, "a model name")
                    }
                    _ => invalid(KEY, "<redacted>", "the key without spaces"),
                })?;
            Ok(Some(ModelSetup {
                model: Arc::new(client),
                limits,
            }))
        }
        "bedrock" => {
            let model_id = raw.bedrock_model_id.as_deref().unwrap_or_default();
            let client = BedrockChat::new(model_id, limits).map_err(|_| {
                invalid(
                    bedrock::MODEL_ID_ENV,
                    model_id,
                    "a Bedrock model id, inference profile or ARN",
                )
            })?;
            Ok(Some(ModelSetup {
                model: Arc::new(client),
                limits,
            }))
        }
        other => Err(invalid(PROVIDER, other, "offline, openai or bedrock")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn raw() -> RawAssistant {
        crate::config::Cli::parse_from(["server"])
            .settings
            .assistant
    }

    #[test]
    fn without_settings_the_offline_assistant_answers() {
        assert!(parse(&raw()).unwrap().is_none());
    }

    #[test]
    fn openai_needs_no_key_for_a_local_server() {
        let local = RawAssistant {
            ai_provider: "openai".into(),
            openai_base_url: "http://127.0.0.1:11434/v1".into(),
            openai_model: "llama3.1".into(),
            ..raw()
        };
        let setup = parse(&local).unwrap().unwrap();
        assert_eq!(setup.model.name(), "openai");
        assert_eq!(setup.limits.total, Duration::from_secs(20));
    }

    #[test]
    fn bedrock_takes_its_model_from_the_settings() {
        let bedrock = RawAssistant {
            ai_provider: "bedrock".into(),
            bedrock_model_id: Some("us.amazon.nova-lite-v1:0".into()),
            ..raw()
        };
        assert_eq!(parse(&bedrock).unwrap().unwrap().model.name(), "bedrock");
    }

    #[test]
    fn bad_settings_name_their_variable_and_never_show_the_key() {
        let cases = [
            (
                RawAssistant {
                    ai_provider: "skynet".into(),
                    ..raw()
                },
                PROVIDER,
            ),
            (
                RawAssistant {
                    ai_provider: "openai".into(),
                    openai_base_url: "api.openai.com".into(),
                    openai_api_key: Some("sk-s3cret".into()),
                    ..raw()
                },
                openai::BASE_URL_ENV,
            ),
            (
                RawAssistant {
                    ai_provider: "openai".into(),
                    openai_api_key: Some("sk-s3cret".into()),
                    openai_api_key_file: Some("/etc/key".into()),
                    ..raw()
                },
                KEY,
            ),
            (
                RawAssistant {
                    ai_provider: "bedrock".into(),
                    ..raw()
                },
                bedrock::MODEL_ID_ENV,
            ),
            (
                RawAssistant {
                    ai_timeout: "0".into(),
                    ..raw()
                },
                "CLOUDMART_AI_TIMEOUT",
            ),
            (
                RawAssistant {
                    ai_tool_rounds: "50".into(),
                    ..raw()
                },
                "CLOUDMART_AI_TOOL_ROUNDS",
            ),
        ];
        for (settings, variable) in cases {
            let line = parse(&settings).unwrap_err().to_string();
            assert!(line.starts_with(variable), "{line}");
            assert!(!line.contains("s3cret"), "{line}");
        }
    }
}
