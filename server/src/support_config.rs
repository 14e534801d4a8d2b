//! The support desk's settings: which sentiment analyzer scores customer messages, and the
//! SLA targets per priority.

use crate::config::{invalid, secret, ConfigError};
use domain::support::sentiment::azure::AzureLanguage;
use domain::support::sentiment::provider::Analyzer;
use domain::support::sla::SlaPolicy;
use domain::support::AutoClose;

/// The desk's settings as text, straight from flags and environment variables.
#[derive(Debug, Clone, clap::Args)]
pub struct RawSupport {
    /// Azure AI Language endpoint (`https://<resource>.cognitiveservices.azure.com`) for
    /// sentiment; without it the offline analyzer scores messages.
    #[arg(long, env = "CLOUDMART_AZURE_LANGUAGE_ENDPOINT", global = true)]
    pub azure_language_endpoint: Option<String>,
    /// The Azure AI Language resource's key.
    #[arg(
        long,
        env = "CLOUDMART_AZURE_LANGUAGE_KEY",
        global = true,
        hide_env_values = true
    )]
    pub azure_language_key: Option<String>,
    /// A file holding that key (a mounted secret), instead of the variable.
    #[arg(long, env = "CLOUDMART_AZURE_LANGUAGE_KEY_FILE", global = true)]
    pub azure_language_key_file: Option<String>,
    /// First-response / resolution targets per priority, e.g.
    /// `urgent=1h/4h,high=4h/1d,normal=8h/2d,low=1d/5d` (those are the defaults; time
    /// waiting on the customer does not count).
    #[arg(long, env = "CLOUDMART_SUPPORT_SLA", default_value = "", global = true)]
    pub support_sla: String,
    /// Days a solved ticket waits before the desk closes it (1 to 365; 0: never). A reply
    /// before then reopens it; after, a reply starts a new ticket.
    #[arg(
        long,
        env = "CLOUDMART_SUPPORT_AUTO_CLOSE_DAYS",
        default_value = "7",
        global = true
    )]
    pub support_auto_close_days: String,
}

/// The desk's settings, parsed.
#[derive(Debug, Clone)]
pub struct SupportSettings {
    pub analyzer: Analyzer,
    pub sla: SlaPolicy,
    pub auto_close: AutoClose,
}

const ENDPOINT: &str = "CLOUDMART_AZURE_LANGUAGE_ENDPOINT";
const KEY: &str = "CLOUDMART_AZURE_LANGUAGE_KEY";
const KEY_FILE: &str = "CLOUDMART_AZURE_LANGUAGE_KEY_FILE";

impl SupportSettings {
    pub fn parse(raw: &RawSupport) -> Result<Self, ConfigError> {
        let sla = SlaPolicy::parse(&raw.support_sla).map_err(|_| {
            invalid(
                SlaPolicy::ENV,
                &raw.support_sla,
                "priority=first/resolution pairs like urgent=1h/4h,low=1d/5d (m, h or d)",
            )
        })?;
        let endpoint = raw
            .azure_language_endpoint
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty());
        let key = secret(
            raw.azure_language_key.as_deref(),
            raw.azure_language_key_file.as_deref(),
            KEY,
            KEY_FILE,
        )?;
        let analyzer = match (endpoint, key) {
            (None, None) => Analyzer::default(),
            (Some(endpoint), Some(key)) => {
                let client = AzureLanguage::new(endpoint, &key).map_err(|e| {
                    if e.field == ENDPOINT {
                        invalid(ENDPOINT, endpoint, "the resource's https:// endpoint")
                    } else {
                        invalid(KEY, "<redacted>", "the resource's key, without spaces")
                    }
                })?;
                Analyzer::Azure(client)
            }
            (Some(endpoint), None) => {
                return Err(invalid(
                    ENDPOINT,
                    endpoint,
                    "to be set with CLOUDMART_AZURE_LANGUAGE_KEY or _KEY_FILE",
                ))
            }
            (None, Some(_)) => {
                return Err(invalid(
                    KEY,
                    "<redacted>",
                    "to be set with CLOUDMART_AZURE_LANGUAGE_ENDPOINT",
                ))
            }
        };
        let auto_close = AutoClose::parse(&raw.support_auto_close_days).map_err(|_| {
            invalid(
                AutoClose::ENV,
                &raw.support_auto_close_days,
                "a whole number of days from 0 (never) to 365",
            )
        })?;
        Ok(Self {
            analyzer,
            sla,
            auto_close,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::support::sentiment::provider::SentimentAnalyzer;

    fn raw() -> RawSupport {
        RawSupport {
            azure_language_endpoint: None,
            azure_language_key: None,
            azure_language_key_file: None,
            support_sla: String::new(),
            support_auto_close_days: "7".into(),
        }
    }

    #[test]
    fn without_an_account_the_offline_analyzer_scores() {
        let s = SupportSettings::parse(&raw()).unwrap();
        assert_eq!(s.analyzer.name(), "offline");
        assert_eq!(s.sla, SlaPolicy::default());
    }

    #[test]
    fn an_endpoint_and_a_key_or_key_file_select_azure() {
        let with_key = RawSupport {
            azure_language_endpoint: Some("https://shop.cognitiveservices.azure.com".into()),
            azure_language_key: Some("k3y".into()),
            ..raw()
        };
        assert_eq!(
            SupportSettings::parse(&with_key).unwrap().analyzer.name(),
            "azure"
        );
        let file = std::env::temp_dir().join(format!("cm-azure-key-{}", std::process::id()));
        std::fs::write(&file, "k3y-from-file\n").unwrap();
        let with_file = RawSupport {
            azure_language_key: None,
            azure_language_key_file: Some(file.to_string_lossy().into_owned()),
            ..with_key
        };
        assert_eq!(
            SupportSettings::parse(&with_file).unwrap().analyzer.name(),
            "azure"
        );
        std::fs::remove_file(file).unwrap();
    }

    #[test]
    fn half_a_configuration_is_refused_naming_the_setting_and_never_showing_the_key() {
        let cases = [
            (
                RawSupport {
                    azure_language_endpoint: Some("https://x.cognitiveservices.azure.com".into()),
                    ..raw()
                },
                ENDPOINT,
            ),
            (
                RawSupport {
                    azure_language_key: Some("s3cret".into()),
                    ..raw()
                },
                KEY,
            ),
            (
                RawSupport {
                    azure_language_endpoint: Some("https://x.cognitiveservices.azure.com".into()),
                    azure_language_key: Some("s3cret".into()),
                    azure_language_key_file: Some("/nope".into()),
                    ..raw()
                },
                KEY,
            ),
            (
                RawSupport {
                    azure_language_endpoint: Some("https://x.cognitiveservices.azure.com".into()),
                    azure_language_key_file: Some("/no/such/file".into()),
                    ..raw()
                },
                KEY_FILE,
            ),
            (
                RawSupport {
                    azure_language_endpoint: Some("ftp://x".into()),
                    azure_language_key: Some("s3cret".into()),
                    ..raw()
                },
                ENDPOINT,
            ),
            (
                RawSupport {
                    support_sla: "urgent=soon".into(),
                    ..raw()
                },
                SlaPolicy::ENV,
            ),
        ];
        for (settings, variable) in cases {
            let line = SupportSettings::parse(&settings).unwrap_err().to_string();
            assert!(line.starts_with(variable), "{line}");
            assert!(!line.contains("s3cret"), "{line}");
        }
    }
}
