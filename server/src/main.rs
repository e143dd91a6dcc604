//! The `echelon` binary: see `echelon --help`.

use std::process::ExitCode;

use clap::Parser;
use echelon::cli::{run, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                // Commands print their own one-line errors; only the server logs.
                .unwrap_or_else(|_| {
                    tracing_subscriber::EnvFilter::new(match cli.command {
                        echelon::cli::Command::Serve(_) => "info",
                        _ => "error",
                    })
                }),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a terminal (not for a log file or a pipe).
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("echelon: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => {
            eprintln!("echelon: error: {e}");
            ExitCode::FAILURE
        }
    }
}
