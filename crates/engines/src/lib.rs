//! The catalogue of forecasting engines.
//!
//! Front ends (CLI, simulation, server) name an engine and hand over options;
//! this crate turns that into a boxed [`Engine`]. Options come from the
//! scenario's `[engines.*]` tables first, then from `overrides` (command line
//! or API), which win.

#![forbid(unsafe_code)]

use demarche_bdm::Bdm;
use demarche_exchange::Exchange;
use demarche_forecast::{Compromise, Engine, Nash, PerIssue};
use demarche_scenario::settings::SettingError;
use demarche_scenario::EngineSettings;
use demarche_smp::Smp;

/// Every engine, in the order `--model all` runs them.
pub const MODELS: &[&str] = &["compromise", "nash", "bdm", "smp", "exchange"];

/// One engine as `demarche models` describes it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ModelInfo {
    pub name: &'static str,
    /// What it computes, in a sentence.
    pub summary: &'static str,
    /// Where it comes from (docs/models.md has every formula).
    pub citation: &'static str,
    /// Its options (`--option engine.key=value`, or `[engines.<name>]` in a scenario).
    pub options: Vec<demarche_scenario::settings::OptionInfo>,
}

/// Every engine, in [`MODELS`] order, with its options and their defaults.
pub fn catalogue() -> Vec<ModelInfo> {
    use demarche_scenario::settings::{
        bdm::BdmSettings, exchange::ExchangeSettings, nash::NashSettings, smp::SmpSettings,
    };
    vec![
        ModelInfo {
            name: "compromise",
            summary: "The capability × salience weighted mean of the stated positions, issue by issue: the \
                      baseline every other model should beat.",
            citation: "Achen (2006) and van den Bos (1991); compared in Thomson, Stokman, Achen & König (eds.), The \
                       European Union Decides (Cambridge UP, 2006)",
            options: Vec::new(),
        },
        ModelInfo {
            name: "nash",
            summary: "The asymmetric Nash bargaining solution on each issue, bargaining weights capability × \
                      salience, against the status quo (or the worst outcome) as the disagreement point.",
            citation: "Nash (1950); Kalai (1977); Schneider, Finke & Bailer (2010), Political Studies 58",
            options: NashSettings::options(),
        },
        ModelInfo {
            name: "bdm",
            summary: "Bueno de Mesquita's expected-utility model of group decisions: rounds of challenges, offers \
                      and concessions between actors until positions settle.",
            citation: "Bueno de Mesquita (1985, 1994) as reconstructed by Scholz, Calbert & Smith (2011), Journal of \
                       Theoretical Politics 23(4)",
            options: {
                let mut o = vec![demarche_scenario::settings::OptionInfo {
                    key: "preset",
                    default: "scholz-replication".into(),
                    accepts: format!(
                        "{} (sets the options below; later ones refine it)",
                        demarche_scenario::settings::bdm::Preset::NAMES.join(" | ")
                    ),
                }];
                o.extend(BdmSettings::options());
                o
            },
        },
        ModelInfo {
            name: "smp",
            summary: "KTAB's Spatial Model of Politics: multi-dimensional bargaining with coalitions, \
                      probabilistic Condorcet elections and risk attitudes, turn by turn, bit-identical to KTAB.",
            citation: "Wise, Lester & Efird (2015); Efird, Wise & Lester (2016), KAPSARC Toolkit for Behavioral \
                       Analysis",
            options: {
                let mut o = SmpSettings::options();
                o.push(demarche_scenario::settings::OptionInfo {
                    key: "params",
                    default: String::new(),
                    accepts: "KTAB's list of nine integer codes (the nine model parameters at once, as KTAB's \
                              command line takes them)"
                        .into(),
                });
                o
            },
        },
        ModelInfo {
            name: "exchange",
            summary: "Stokman and Van Oosten's exchange model (Equal Gain): pairs of actors trade a move on the \
                      issue each cares less about for the other's move on the one it cares more about, in order \
                      of gain, round by round; as decide-exchange-model computes it, near-ties reported.",
            citation: "Stokman & Van Oosten (1994), in Bueno de Mesquita & Stokman (eds.), European Community \
                       Decision Making (Yale UP); decide-exchange-model 2025.3.1",
            options: ExchangeSettings::options(),
        },
    ]
}

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
        "exchange" => {
            let mut s = stored.exchange.clone().unwrap_or_default();
            for (k, v) in overrides.for_engine("exchange") {
                s.set(k, v).map_err(setting("exchange", k))?;
            }
            Ok(Box::new(Exchange::new(s)))
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
    fn the_catalogue_lists_every_engine_with_each_option_its_default_and_range() {
        let c = catalogue();
        assert_eq!(c.iter().map(|m| m.name).collect::<Vec<_>>(), MODELS);
        let bdm = c.iter().find(|m| m.name == "bdm").unwrap();
        let q = bdm.options.iter().find(|o| o.key == "q").unwrap();
        assert_eq!(q.default, "1");
        assert!(q.accepts.contains("between 0 and 1"), "{}", q.accepts);
        let rounds = bdm.options.iter().find(|o| o.key == "rounds").unwrap();
        assert_eq!(rounds.accepts, "a whole number from 1 to 100000");
        let nash = c.iter().find(|m| m.name == "nash").unwrap();
        assert!(nash.options[0].accepts.contains("status_quo"), "{:?}", nash.options);
        // Every option listed is one the engine takes.
        for m in &c {
            for o in m.options.iter().filter(|o| !o.default.is_empty()) {
                let mut ov = Overrides::default();
                ov.push_str(&format!("{}.{}={}", m.name, o.key, o.default)).unwrap();
                assert!(build(m.name, &EngineSettings::default(), &ov).is_ok(), "{}.{}={}", m.name, o.key, o.default);
            }
        }
    }

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
