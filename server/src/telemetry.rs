//! Logs through `tracing`: human-readable or JSON lines.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The server's own stream, as a 12-factor process logs.
    Stdout,
    /// For commands whose standard output is their answer (`server api-token create`).
    Stderr,
}

pub fn init(format: LogFormat, filter: &str, output: Output) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let writer = match output {
        Output::Stdout => tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stdout),
        Output::Stderr => tracing_subscriber::fmt::writer::BoxMakeWriter::new(std::io::stderr),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    let result = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
