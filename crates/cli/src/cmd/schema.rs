//! `demarche schema`: the JSON Schema of the native scenario format.

use super::CmdResult;

pub fn run() -> CmdResult {
    outln!("{}", serde_json::to_string_pretty(&demarche_scenario::json_schema())?);
    Ok(std::process::ExitCode::SUCCESS)
}
