//! `demarche completions SHELL` and `demarche man`: generated from the CLI's
//! own definition, so they never drift from it.

use std::process::ExitCode;

use clap::Args;

use super::CmdResult;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Completions for `shell` on standard output (e.g. `demarche completions bash > ~/.local/share/bash-completion/completions/demarche`).
pub fn run(args: &CompletionsArgs, mut cli: clap::Command) -> CmdResult {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "demarche", &mut buf);
    out!("{}", String::from_utf8_lossy(&buf));
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ManArgs {
    /// A subcommand's own page (e.g. `forecast`); without one, the main page, which lists them all.
    pub command: Option<String>,
}

/// The manual page in roff on standard output (`demarche man | man -l -`).
pub fn man(args: &ManArgs, cli: clap::Command) -> CmdResult {
    let page = match &args.command {
        None => cli,
        Some(name) => {
            let sub = cli.find_subcommand(name).cloned().ok_or_else(|| {
                let names: Vec<String> = cli.get_subcommands().map(|s| s.get_name().to_string()).collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                format!("no subcommand `{name}`; {}", demarche_scenario::diag::suggest(name, &names))
            })?;
            let full = format!("demarche-{}", sub.get_name());
            sub.name(full.clone()).display_name(full).version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    out!("{}", String::from_utf8_lossy(&buf));
    Ok(ExitCode::SUCCESS)
}
