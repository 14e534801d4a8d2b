use clap::Parser;
use server::config::{ApiTokenCommand, Cli, Command, Config};
use server::{startup, telemetry};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::parse(&cli.settings) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    // A command whose standard output is its answer logs to standard error.
    let output = match cli.command {
        Some(Command::ApiToken { .. }) => telemetry::Output::Stderr,
        _ => telemetry::Output::Stdout,
    };
    telemetry::init(config.log_format, &config.log, output);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(config).await,
        Command::InitTables => startup::init_tables(&config).await,
        Command::SeedDemo => startup::seed_demo(&config).await,
        Command::DemoImages { dir } => startup::write_demo_images(&dir),
        Command::CreateAdmin { email, name } => startup::create_admin(&config, &email, &name).await,
        Command::ApiToken {
            action:
                ApiTokenCommand::Create {
                    email,
                    name,
                    scope,
                    days,
                },
        } => startup::create_api_token(&config, &email, &name, &scope, days).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = ?e, "stopped");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
