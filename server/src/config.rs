//! Configuration: environment variables (each also a flag, listed by `server --help`).
//!
//! Clap gathers the raw text; [`Config::parse`] turns it into typed settings, and a bad value
//! stops start-up with one line naming the variable and what it accepts.

use clap::{Args, Parser, Subcommand};
use domain::store::StoreEndpoint;
use std::net::SocketAddr;
use std::path::PathBuf;

/// What `server --help` says after the options: where things are once it serves.
const ROUTES: &str = "\
What it serves:
  /                       the storefront (products, cart, checkout, /account/...)
  /admin                  the console (catalog, stock, orders, users, audit)
  /account/api-tokens     a signed-in user's REST API tokens (create, list, revoke)
  /assistant              the shopping assistant (works offline, on the live catalog)
  /account/support/chat   the support chat: a customer's own orders, cancel, a person
  /account/support        a customer's support tickets; /account/support/new: contact us
  /support                the support desk: the queue, most urgent first (agents, admins)
  /support/overview       the desk overview: open work, overdue, first response, CSAT, mood
  /api/v1                 the REST API (Authorization: Bearer <token>)
  /api/v1/openapi.json    its OpenAPI 3.1 document
  /api/docs               its reference page
  /metrics                Prometheus metrics
  /health/live, /health/ready
                          liveness and readiness";

#[derive(Debug, Parser)]
#[command(
    name = "server",
    version,
    about = "CloudMart: the storefront server and its tools",
    after_help = ROUTES
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: RawSettings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the shop (the default).
    Serve,
    /// Create every DynamoDB table and index that does not exist yet (idempotent).
    InitTables,
    /// Load the demo catalog into the store, unless it was loaded before (idempotent).
    SeedDemo,
    /// Create an admin account, or make an existing account an admin. The password is read
    /// from a prompt, or from standard input when it is not a terminal.
    CreateAdmin {
        /// The admin's email address.
        #[arg(long)]
        email: String,
        /// The admin's name.
        #[arg(long, default_value = "Administrator")]
        name: String,
    },
    /// API tokens for automation (the REST API's `Authorization: Bearer`).
    ApiToken {
        #[command(subcommand)]
        action: ApiTokenCommand,
    },
    /// Write the demo catalog's generated images into a directory.
    DemoImages {
        /// Where to write them.
        #[arg(default_value = "public/images/demo")]
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiTokenCommand {
    /// Create a token for an existing account and print it (only its hash is kept, so it is
    /// shown this once). Its owner sees and revokes it at /account/api-tokens.
    Create {
        /// The account's email address.
        #[arg(long)]
        email: String,
        /// What the token is for, as its owner will see it listed.
        #[arg(long)]
        name: String,
        /// `read`, `read-write`, or `admin` (staff accounts only: the desk for support agents, the
        /// desk and the console for admins).
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until it expires, 1 to 365.
        #[arg(long, default_value_t = domain::identity::NewApiToken::DEFAULT_DAYS)]
        days: u16,
    },
}

/// Settings as text, straight from flags and environment variables.
#[derive(Debug, Clone, Args)]
pub struct RawSettings {
    /// Address to listen on.
    #[arg(
        long,
        env = "CLOUDMART_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub addr: String,
    /// Directory for local data (the embedded store's database file).
    #[arg(
        long,
        env = "CLOUDMART_DATA_DIR",
        default_value = "data",
        global = true
    )]
    pub data_dir: String,
    /// Where data lives: `embedded` (a DynamoDB-compatible store in this process), `aws`
    /// (DynamoDB with the default AWS credential chain and region), or the http(s) URL of a
    /// DynamoDB-compatible endpoint.
    #[arg(
        long,
        env = "CLOUDMART_STORE",
        default_value = "embedded",
        global = true
    )]
    pub store: String,
    /// Prefix of every table name.
    #[arg(
        long,
        env = "CLOUDMART_TABLE_PREFIX",
        default_value = "cloudmart-",
        global = true
    )]
    pub table_prefix: String,
    /// Log format: `pretty` or `json`.
    #[arg(
        long,
        env = "CLOUDMART_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    pub log_format: String,
    /// Log level or filter, e.g. `info` or `server=debug,info`.
    #[arg(long, env = "CLOUDMART_LOG", default_value = "info", global = true)]
    pub log: String,
    /// The shop's public base URL, for canonical links and the sitemap
    /// (default: http://<addr>).
    #[arg(long, env = "CLOUDMART_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Where uploaded product images are kept: a folder (default `<data dir>/media`),
    /// `s3://bucket[/prefix]` or `gs://bucket[/prefix]` (credentials from the usual
    /// AWS / Google environment).
    #[arg(long, env = "CLOUDMART_MEDIA", global = true)]
    pub media: Option<String>,
    /// The built site (scripts, styles, images) to serve.
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,
    #[command(flatten)]
    pub http: crate::limits::RawLimits,
    #[command(flatten)]
    pub support: crate::support_config::RawSupport,
    #[command(flatten)]
    pub assistant: crate::assistant_config::RawAssistant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreMode {
    Embedded,
    External(StoreEndpoint),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub store: StoreMode,
    pub table_prefix: String,
    pub log_format: LogFormat,
    pub log: String,
    pub public_url: String,
    pub site_root: PathBuf,
    /// Where uploaded images are kept (see [`RawSettings::media`]).
    pub media: String,
    /// Request limits, timeouts and the write rate limit.
    pub limits: crate::limits::HttpLimits,
    /// The support desk's sentiment analyzer and SLA targets.
    pub support: crate::support_config::SupportSettings,
    /// The assistant's chat model (none: the offline assistant) and its limits.
    pub assistant: Option<domain::assistant::ModelSetup>,
}

/// A setting with an unusable value: displayed as one line naming it and what it accepts.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: invalid value {value:?}; expected {expected}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub expected: &'static str,
}

pub(crate) fn invalid(variable: &'static str, value: &str, expected: &'static str) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_owned(),
        expected,
    }
}

/// A secret given as a variable (`key`) or as a file holding it (`key_file`, a mounted
/// secret), not both; `None` when neither is set. The secret never appears in an error.
pub(crate) fn secret(
    key: Option<&str>,
    key_file: Option<&str>,
    key_variable: &'static str,
    file_variable: &'static str,
) -> Result<Option<String>, ConfigError> {
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    let file = key_file.map(str::trim).filter(|f| !f.is_empty());
    match (key, file) {
        (Some(key), None) => Ok(Some(key.to_owned())),
        (None, Some(path)) => Ok(Some(
            std::fs::read_to_string(path)
                .map_err(|_| invalid(file_variable, path, "a readable file holding the key"))?
                .trim()
                .to_owned(),
        )),
        (Some(_), Some(_)) => Err(invalid(
            key_variable,
            "<redacted>",
            "either the key or a key file, not both",
        )),
        (None, None) => Ok(None),
    }
}

impl Config {
    pub fn parse(raw: &RawSettings) -> Result<Self, ConfigError> {
        let addr: SocketAddr = raw.addr.trim().parse().map_err(|_| {
            invalid(
                "CLOUDMART_ADDR",
                &raw.addr,
                "an IP address and port, e.g. 127.0.0.1:3000",
            )
        })?;
        let store = match raw.store.trim() {
            "embedded" => StoreMode::Embedded,
            "aws" => StoreMode::External(StoreEndpoint::Aws),
            url if (url.starts_with("http://") || url.starts_with("https://"))
                && url.len() > "https://".len() =>
            {
                StoreMode::External(StoreEndpoint::Url(url.trim_end_matches('/').to_owned()))
            }
            other => {
                return Err(invalid(
                    "CLOUDMART_STORE",
                    other,
                    "embedded, aws, or an http(s):// URL of a DynamoDB-compatible endpoint",
                ))
            }
        };
        let prefix = raw.table_prefix.trim();
        let prefix_ok = prefix.len() <= 64
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !prefix_ok {
            return Err(invalid(
                "CLOUDMART_TABLE_PREFIX",
                &raw.table_prefix,
                "up to 64 of a-z, A-Z, 0-9, '-', '_', '.'",
            ));
        }
        let log_format = match raw.log_format.trim() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => return Err(invalid("CLOUDMART_LOG_FORMAT", other, "pretty or json")),
        };
        if tracing_subscriber::EnvFilter::try_new(raw.log.trim()).is_err() {
            return Err(invalid(
                "CLOUDMART_LOG",
                &raw.log,
                "a level (error, warn, info, debug, trace) or a filter like server=debug,info",
            ));
        }
        let public_url = match &raw.public_url {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(invalid(
                    "CLOUDMART_PUBLIC_URL",
                    url,
                    "an http(s):// URL such as https://shop.example.com",
                ))
            }
            None => format!("http://{addr}"),
        };
        if raw.data_dir.trim().is_empty() {
            return Err(invalid(
                "CLOUDMART_DATA_DIR",
                &raw.data_dir,
                "a directory path",
            ));
        }
        let media = match raw.media.as_deref().map(str::trim) {
            None | Some("") => PathBuf::from(raw.data_dir.trim())
                .join("media")
                .to_string_lossy()
                .into_owned(),
            Some(url) if url.starts_with("s3://") || url.starts_with("gs://") => {
                if url.len() <= "s3://".len() {
                    return Err(invalid(
                        "CLOUDMART_MEDIA",
                        url,
                        "a folder, s3://bucket[/prefix] or gs://bucket[/prefix]",
                    ));
                }
                url.to_owned()
            }
            Some(url) if url.contains("://") && !url.starts_with("file://") => {
                return Err(invalid(
                    "CLOUDMART_MEDIA",
                    url,
                    "a folder, s3://bucket[/prefix] or gs://bucket[/prefix]",
                ))
            }
            Some(folder) => folder.to_owned(),
        };
        Ok(Self {
            media,
            addr,
            data_dir: PathBuf::from(raw.data_dir.trim()),
            store,
            table_prefix: prefix.to_owned(),
            log_format,
            log: raw.log.trim().to_owned(),
            public_url,
            site_root: PathBuf::from(&raw.site_root),
            limits: crate::limits::HttpLimits::parse(&raw.http)?,
            support: crate::support_config::SupportSettings::parse(&raw.support)?,
            assistant: crate::assistant_config::parse(&raw.assistant)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawSettings {
        Cli::parse_from(["server"]).settings
    }

    #[test]
    fn the_defaults_serve_on_port_3000_with_the_embedded_store() {
        let c = Config::parse(&raw()).unwrap();
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert_eq!(c.store, StoreMode::Embedded);
        assert_eq!(c.table_prefix, "cloudmart-");
        assert_eq!(c.public_url, "http://127.0.0.1:3000");
    }

    #[test]
    fn a_store_url_selects_that_endpoint() {
        let c = Config::parse(&RawSettings {
            store: "http://localhost:8000/".into(),
            ..raw()
        })
        .unwrap();
        assert_eq!(
            c.store,
            StoreMode::External(StoreEndpoint::Url("http://localhost:8000".into()))
        );
    }

    #[test]
    fn each_bad_value_is_reported_in_one_line_naming_the_variable_and_accepted_values() {
        let cases = [
            (
                RawSettings {
                    store: "mongo".into(),
                    ..raw()
                },
                "CLOUDMART_STORE",
            ),
            (
                RawSettings {
                    addr: "nowhere".into(),
                    ..raw()
                },
                "CLOUDMART_ADDR",
            ),
            (
                RawSettings {
                    log_format: "xml".into(),
                    ..raw()
                },
                "CLOUDMART_LOG_FORMAT",
            ),
            (
                RawSettings {
                    log: "loud=[".into(),
                    ..raw()
                },
                "CLOUDMART_LOG",
            ),
            (
                RawSettings {
                    table_prefix: "bad prefix!".into(),
                    ..raw()
                },
                "CLOUDMART_TABLE_PREFIX",
            ),
            (
                RawSettings {
                    public_url: Some("shop".into()),
                    ..raw()
                },
                "CLOUDMART_PUBLIC_URL",
            ),
        ];
        for (settings, variable) in cases {
            let err = Config::parse(&settings).unwrap_err();
            let line = err.to_string();
            assert!(line.starts_with(variable), "{line}");
            assert!(line.contains("expected"), "{line}");
            assert!(!line.contains('\n'), "{line}");
        }
    }
}
