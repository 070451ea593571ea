//! The catalogue of forecasting engines.
//!
//! Front ends (CLI, simulation, server) name an engine and hand over options;
//! this crate turns that into a boxed [`Engine`]. Options come from the
//! scenario's `[engines.*]` tables first, then from `overrides` (command line
//! or API), which win.

#![forbid(unsafe_code)]

use demarche_bdm::Bdm;
use demarche_forecast::{Compromise, Engine, Nash, PerIssue};
use demarche_scenario::EngineSettings;
use demarche_smp::Smp;

/// Every engine, in the order `--model all` runs them.
pub const MODELS: &[&str] = &["compromise", "nash", "bdm", "smp"];

/// Option overrides given outside the scenario file, as `engine.key=value`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub entries: Vec<(String, String, String)>,
}

impl Overrides {
    /// Parse `engine.key=value`.
    pub fn push_str(&mut self, s: &str) -> Result<(), String> {
        let (lhs, value) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}` is not of the form engine.key=value (e.g. nash.disagreement=worst)"))?;
        let (engine, key) = lhs
            .split_once('.')
            .ok_or_else(|| format!("`{lhs}` names no engine; write engine.key=value (e.g. nash.disagreement=worst)"))?;
        if !MODELS.contains(&engine) {
            return Err(format!("unknown engine `{engine}`; {}", demarche_scenario::diag::suggest(engine, MODELS)));
        }
        self.entries.push((engine.trim().to_string(), key.trim().to_string(), value.trim().to_string()));
        Ok(())
    }

    fn for_engine<'a>(&'a self, engine: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.entries.iter().filter(move |(e, _, _)| e == engine).map(|(_, k, v)| (k.as_str(), v.as_str()))
    }
}

/// Names to run for a `--model` argument (`all` expands to every engine).
pub fn expand(model: &str) -> Result<Vec<&'static str>, String> {
    if model == "all" {
        return Ok(MODELS.to_vec());
    }
    let mut out = Vec::new();
    for m in model.split(',').map(str::trim) {
        match MODELS.iter().find(|x| **x == m) {
            Some(x) if !out.contains(x) => out.push(*x),
            Some(_) => {}
            None => {
                let mut names: Vec<&str> = MODELS.to_vec();
                names.push("all");
                return Err(format!("unknown model `{m}`; {}", demarche_scenario::diag::suggest(m, &names)));
            }
        }
    }
    Ok(out)
}

/// Build the engine `name` with the scenario's stored options and `overrides`.
pub fn build(name: &str, stored: &EngineSettings, overrides: &Overrides) -> Result<Box<dyn Engine>, String> {
    match name {
        "compromise" => {
            if let Some((k, _)) = overrides.for_engine("compromise").next() {
                return Err(format!("the compromise model has no option `{k}`"));
            }
            Ok(Box::new(PerIssue(Compromise)))
        }
        "nash" => {
            let mut s = stored.nash.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("nash") {
                s.set(k, v).map_err(|e| format!("nash.{k}: {e}"))?;
            }
            Ok(Box::new(PerIssue(Nash { settings: s })))
        }
        "bdm" => {
            let mut s = stored.bdm.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("bdm") {
                s.set(k, v).map_err(|e| format!("bdm.{k}: {e}"))?;
            }
            Ok(Box::new(PerIssue(Bdm::new(s))))
        }
        "smp" => {
            let mut s = stored.smp.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("smp") {
                if k == "params" {
                    // The KTAB integer list replaces the nine model parameters, keeping
                    // the other options (seed, turn limits) as they were.
                    let p = demarche_scenario::settings::smp::SmpSettings::from_ktab_list(v)
                        .map_err(|e| format!("--smp-params: {e}"))?;
                    s = demarche_scenario::settings::smp::SmpSettings {
                        seed: s.seed,
                        min_turns: s.min_turns,
                        max_turns: s.max_turns,
                        movement_ratio: s.movement_ratio,
                        ..p
                    };
                } else {
                    s.set(k, v).map_err(|e| format!("smp.{k}: {e}"))?;
                }
            }
            Ok(Box::new(Smp::new(s)))
        }
        _ => Err(format!("unknown model `{name}`; {}", demarche_scenario::diag::suggest(name, MODELS))),
    }
}
