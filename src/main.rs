//! The `frictionmap` binary: the desktop app, or a headless command.

use std::process::ExitCode;

use clap::Parser;
use frictionmap::cli::{self, args::Cli};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(args.db, command),
        None => {
            let result = frictionmap::store::paths::resolve_db_path(args.db).and_then(frictionmap::app::gui::run);
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
