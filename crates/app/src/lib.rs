//! The use cases of demarche, written once: forecasting with bands, the
//! documents a simulation or a scenario's report is recorded with, the data a
//! report draws, and the runs the store keeps. The CLI and the workbench (and
//! the Python package) are thin adapters over this crate; the report
//! crate only draws the data it is given, and the store only stores.

#![forbid(unsafe_code)]

pub mod backtest;
pub mod documents;
pub mod domain_run;
pub mod events;
pub mod forecast;
pub mod frontier;
pub mod negotiation;
pub mod params;
pub mod record;
pub mod reports;
pub mod run_documents;

pub use forecast::{bands, run_models, ForecastError, Forecasts, ModelRun};
pub use run_documents::{Kept, RunDocuments};

#[cfg(test)]
mod architecture {
    //! The crate graph's rules, read from `cargo metadata`.

    fn dependencies() -> std::collections::BTreeMap<String, Vec<String>> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let out = std::process::Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("cargo metadata runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["packages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let deps = p["dependencies"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| d["kind"].is_null()) // normal dependencies, not dev or build
                    .map(|d| d["name"].as_str().unwrap().to_string())
                    .filter(|n| n.starts_with("demarche-"))
                    .collect();
                (p["name"].as_str().unwrap().to_string(), deps)
            })
            .collect()
    }

    #[test]
    fn the_crate_graph_keeps_its_rules() {
        let deps = dependencies();
        let of = |c: &str| deps.get(c).unwrap_or_else(|| panic!("no crate {c}"));
        for forbidden in ["demarche-sim", "demarche-store", "demarche-bdm", "demarche-smp", "demarche-app"] {
            assert!(!of("demarche-report").contains(&forbidden.to_string()), "report depends on {forbidden}");
        }
        for front in ["demarche-cli", "demarche-server"] {
            assert!(of(front).contains(&"demarche-app".to_string()), "{front} does not use the application crate");
        }
        assert!(!of("demarche-server").contains(&"demarche-cli".to_string()), "server depends on cli");
        for bottom in ["demarche-scenario", "demarche-forecast"] {
            assert!(!of(bottom).contains(&"demarche-app".to_string()), "{bottom} depends on the application crate");
        }
        assert!(!of("demarche-store").iter().any(|d| d == "demarche-report"), "store knows of reports");
        // The backtest crate scores numbers it is handed; it runs no model.
        assert_eq!(of("demarche-backtest"), &vec!["demarche-scenario".to_string()], "backtest runs models");
        // Event data reads scenarios to link events to them, and nothing above.
        assert_eq!(of("demarche-events"), &vec!["demarche-scenario".to_string()], "events reach past scenarios");
    }

    /// The CLI uses the server crate for `serve` only.
    #[test]
    fn the_cli_uses_the_server_only_to_serve() {
        let cmd = concat!(env!("CARGO_MANIFEST_DIR"), "/../cli/src");
        let mut users = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(cmd)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs")
                    && std::fs::read_to_string(&p).unwrap().contains("demarche_server")
                {
                    users.push(p.file_name().unwrap().to_string_lossy().to_string());
                }
            }
        }
        assert_eq!(users, ["serve.rs"], "files of the CLI that use the server crate");
    }
}
