//! One module per subcommand.

pub mod backtest;
pub mod check;
pub mod completions;
pub mod convert;
pub mod demo;
pub mod events;
pub mod forecast;
pub mod frontier;
pub mod init;
pub mod models;
pub mod negotiate;
pub mod report;
pub mod runs;
pub mod schema;
pub mod sensitivity;
pub mod serve;
pub mod simulate;
pub mod tournament;

/// What a subcommand returns: an exit code, or a message for standard error.
pub type CmdResult = Result<std::process::ExitCode, Box<dyn std::error::Error>>;
