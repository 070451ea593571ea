//! The catalogue of forecasting engines.
//!
//! Front ends (CLI, simulation, server) name an engine and hand over options;
//! this crate turns that into a boxed [`Engine`]. Options come from the
//! scenario's `[engines.*]` tables first, then from `overrides` (command line
//! or API), which win.

#![forbid(unsafe_code)]

use demarche_bdm::Bdm;
use demarche_forecast::{Compromise, Engine, Nash, PerIssue};
use demarche_scenario::settings::SettingError;
use demarche_scenario::EngineSettings;
use demarche_smp::Smp;

/// Every engine, in the order `--model all` runs them.
pub const MODELS: &[&str] = &["compromise", "nash", "bdm", "smp"];

/// Why an engine name or option was refused. Each message says what was
/// wrong and, where one exists, the nearest valid name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("`{0}` is not of the form engine.key=value (e.g. nash.disagreement=worst)")]
    NotKeyValue(String),
    #[error("`{0}` names no engine; write engine.key=value (e.g. nash.disagreement=worst)")]
    NoEngine(String),
    #[error("unknown engine `{name}`; {hint}")]
    UnknownEngine { name: String, hint: String },
    #[error("unknown model `{name}`; {hint}")]
    UnknownModel { name: String, hint: String },
    #[error("the compromise model has no option `{0}`")]
    CompromiseHasNoOptions(String),
    /// An option's own settings refused the key or value.
    #[error("{engine}.{key}: {source}")]
    Setting { engine: &'static str, key: String, source: Box<SettingError> },
    #[error("--smp-params: {0}")]
    KtabList(Box<SettingError>),
}

/// Option overrides given outside the scenario file, as `engine.key=value`.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub entries: Vec<(String, String, String)>,
}

impl Overrides {
    /// Parse `engine.key=value`.
    pub fn push_str(&mut self, s: &str) -> Result<(), OptionError> {
        let (lhs, value) = s.split_once('=').ok_or_else(|| OptionError::NotKeyValue(s.to_string()))?;
        let (engine, key) = lhs.split_once('.').ok_or_else(|| OptionError::NoEngine(lhs.to_string()))?;
        if !MODELS.contains(&engine) {
            let hint = demarche_scenario::diag::suggest(engine, MODELS);
            return Err(OptionError::UnknownEngine { name: engine.to_string(), hint });
        }
        self.entries.push((engine.trim().to_string(), key.trim().to_string(), value.trim().to_string()));
        Ok(())
    }

    fn for_engine<'a>(&'a self, engine: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.entries.iter().filter(move |(e, _, _)| e == engine).map(|(_, k, v)| (k.as_str(), v.as_str()))
    }
}

/// Names to run for a `--model` argument (`all` expands to every engine).
pub fn expand(model: &str) -> Result<Vec<&'static str>, OptionError> {
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
                let hint = demarche_scenario::diag::suggest(m, &names);
                return Err(OptionError::UnknownModel { name: m.to_string(), hint });
            }
        }
    }
    Ok(out)
}

/// Build the engine `name` with the scenario's stored options and `overrides`.
pub fn build(name: &str, stored: &EngineSettings, overrides: &Overrides) -> Result<Box<dyn Engine>, OptionError> {
    fn setting<'k>(engine: &'static str, key: &'k str) -> impl FnOnce(SettingError) -> OptionError + 'k {
        move |source| OptionError::Setting { engine, key: key.to_string(), source: Box::new(source) }
    }
    match name {
        "compromise" => {
            if let Some((k, _)) = overrides.for_engine("compromise").next() {
                return Err(OptionError::CompromiseHasNoOptions(k.to_string()));
            }
            Ok(Box::new(PerIssue(Compromise)))
        }
        "nash" => {
            let mut s = stored.nash.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("nash") {
                s.set(k, v).map_err(setting("nash", k))?;
            }
            Ok(Box::new(PerIssue(Nash { settings: s })))
        }
        "bdm" => {
            let mut s = stored.bdm.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("bdm") {
                s.set(k, v).map_err(setting("bdm", k))?;
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
                        .map_err(|e| OptionError::KtabList(Box::new(e)))?;
                    s = demarche_scenario::settings::smp::SmpSettings {
                        seed: s.seed,
                        min_turns: s.min_turns,
                        max_turns: s.max_turns,
                        movement_ratio: s.movement_ratio,
                        ..p
                    };
                } else {
                    s.set(k, v).map_err(setting("smp", k))?;
                }
            }
            Ok(Box::new(Smp::new(s)))
        }
        _ => Err(OptionError::UnknownModel {
            name: name.to_string(),
            hint: demarche_scenario::diag::suggest(name, MODELS),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_option_names_itself_and_keeps_the_settings_reason() {
        let mut o = Overrides::default();
        o.push_str("nash.disagrement=worst").unwrap();
        let e = build("nash", &EngineSettings::default(), &o).err().unwrap();
        assert_eq!(e.to_string(), "nash.disagrement: nash has no option `disagrement`; did you mean `disagreement`?");
        match &e {
            OptionError::Setting { source, .. } => {
                assert!(matches!(**source, SettingError::UnknownKey { engine: "nash", .. }), "{source:?}")
            }
            other => panic!("expected a setting error, got {other:?}"),
        }
        let mut o = Overrides::default();
        o.push_str("smp.params=0,0,0").unwrap();
        let e = build("smp", &EngineSettings::default(), &o).err().unwrap();
        assert!(e.to_string().starts_with("--smp-params: KTAB parameter list `0,0,0` has 3 values"), "{e}");
    }
}
