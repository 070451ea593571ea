//! Engine options stored in a scenario's `[engines.*]` tables.
//!
//! They are data like the rest of the scenario, so they are typed here, where
//! importers (KTAB's `<ModelParameters>`) and the CLI can both reach them. Each
//! engine crate documents what its options mean.

pub mod bdm;
pub mod declare;
pub mod exchange;
pub mod nash;
pub mod simulation;
pub mod smp;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::node::Node;
use crate::reader::{Cx, Table};

pub use bdm::BdmSettings;
pub use nash::NashSettings;
pub use smp::SmpSettings;

/// One engine option as `demarche models` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OptionInfo {
    pub key: &'static str,
    /// Its default, as `forecast` lists the settings it ran with.
    pub default: String,
    /// What it accepts: the values of a keyword, or the kind of number and
    /// its range in the check's own words.
    pub accepts: String,
}

/// Why an engine or simulation option could not be set from `key=value`
/// text (`--set`, `--option`, the API). Each message says what was wrong and,
/// where one exists, the nearest valid name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    /// `engine` has no option `key`; `hint` names the nearest one.
    #[error("{}", unknown_key(engine, key, hint))]
    UnknownKey { engine: &'static str, key: String, hint: String },
    /// The value does not read as the option's type; `reason` says what was expected.
    #[error("{engine} option `{key}`: {reason}")]
    Unreadable { engine: &'static str, key: String, reason: String },
    /// The value reads but is not allowed; `must` says what is ("must be …").
    #[error("{engine} option `{key}` {must}, got `{value}`")]
    OutOfRange { engine: &'static str, key: String, must: String, value: String },
    /// An option written as tables in the scenario file, not as one value.
    #[error("`{key}` cannot be set from one value; write `[[engines.smp.{key}]]` tables in the scenario")]
    NeedsTables { key: String },
    /// The settings would be unusable as a whole: every problem, one per line.
    #[error("{}", .0.join("\n"))]
    Unusable(Vec<String>),
    /// KTAB's integer parameter list does not read: every problem.
    #[error("{}", .0.join("; "))]
    KtabList(Vec<String>),
}

/// Each settings table words an unknown key as it always has.
fn unknown_key(engine: &str, key: &str, hint: &str) -> String {
    match engine {
        "nash" => format!("nash has no option `{key}`; {hint}"),
        "smp" => format!("unknown smp option `{key}`: {hint}"),
        _ => format!("unknown {engine} option `{key}`; {hint}"),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EngineSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nash: Option<NashSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bdm: Option<BdmSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smp: Option<SmpSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<exchange::ExchangeSettings>,
}

impl EngineSettings {
    pub fn is_empty(&self) -> bool {
        self.nash.is_none() && self.bdm.is_none() && self.smp.is_none() && self.exchange.is_none()
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> EngineSettings {
    let mut s = EngineSettings::default();
    let Some(mut t) = Table::new(n, path, cx) else {
        return s;
    };
    if let Some(n) = t.take("nash", cx) {
        s.nash = nash::decode(n, &t.field_path("nash"), cx);
    }
    if let Some(n) = t.take("bdm", cx) {
        s.bdm = bdm::decode(n, &t.field_path("bdm"), cx);
    }
    if let Some(n) = t.take("smp", cx) {
        s.smp = smp::decode(n, &t.field_path("smp"), cx);
    }
    if let Some(n) = t.take("exchange", cx) {
        s.exchange = exchange::decode(n, &t.field_path("exchange"), cx);
    }
    t.finish(cx);
    s
}

#[cfg(test)]
mod tests {
    use super::simulation::SimulationSettings;
    use super::*;

    /// Each kind of refusal of a `key=value` option, in the words it had when
    /// these setters returned `String` (recorded from that code).
    #[test]
    fn setting_errors_keep_their_words() {
        let cases: Vec<(SettingError, &str)> = vec![
            (NashSettings::default().set("disagrement", "worst").unwrap_err(), "nash has no option `disagrement`; did you mean `disagreement`?"),
            (NashSettings::default().set("disagreement", "wrst").unwrap_err(), "nash option `disagreement`: unknown value `wrst`; did you mean `worst`?"),
            (BdmSettings::default().set("qq", "1").unwrap_err(), "unknown bdm option `qq`; did you mean `q`? (options: preset, probability_numerator, probability_denominator, vote_risk, q, t, reference_point, risk, capitulation, offer_selection, outcome, scale, rounds, convergence, tolerance, interactions)"),
            (BdmSettings::default().set("q", "1.5").unwrap_err(), "bdm option `q` must be a probability, a number between 0 and 1, got `1.5`"),
            (BdmSettings::default().set("q", "x").unwrap_err(), "bdm option `q`: `x` is not a number"),
            (BdmSettings::default().set("preset", "scholz").unwrap_err(), "bdm option `preset`: unknown value `scholz`; expected one of `scholz-replication`, `scholz-described`"),
            (SmpSettings::default().set("votingrul", "Prop").unwrap_err(), "unknown smp option `votingrul`: did you mean `voting_rule`?"),
            (SmpSettings::default().set("ideal_adjustment", "x").unwrap_err(), "`ideal_adjustment` cannot be set from one value; write `[[engines.smp.ideal_adjustment]]` tables in the scenario"),
            (SmpSettings::default().set("max_turns", "0").unwrap_err(), "max_turns must be at least 1\nmin_turns (2) is more than max_turns (0)"),
            (SmpSettings::default().set("voting_rule", "99").unwrap_err(), "smp option `voting_rule`: VotingRule code 99 is out of range: 0 Binary, 1 PropBin, 2 Prop, 3 PropCbc, 4 Cubic, 5 ASymProsp"),
            (SmpSettings::from_ktab_list("0,0,0").unwrap_err(), "KTAB parameter list `0,0,0` has 3 values; expected nine integers in KTAB's order: VictoryProbModel,PCEModel,StateTransitions,VotingRule,BigRAdjust,BigRRange,ThirdPartyCommit,InterVecBrgn,BargnModel"),
            (SmpSettings::from_ktab_list("0,x,0,2,1,1,1,y,0").unwrap_err(), "PCEModel (position 2) `x` is not an integer; InterVecBrgn (position 8) `y` is not an integer; expected nine integers in KTAB's order: VictoryProbModel,PCEModel,StateTransitions,VotingRule,BigRAdjust,BigRRange,ThirdPartyCommit,InterVecBrgn,BargnModel"),
            (SmpSettings::from_ktab_list("0,0,0,9,1,1,1,1,0").unwrap_err(), "VotingRule (position 4) must be one of 0 Binary, 1 PropBin, 2 Prop, 3 PropCbc, 4 Cubic, 5 ASymProsp; got 9"),
            (SmpSettings::from_ktab_list("0,0,0,2,4,1,1,1,0").unwrap_err(), "BigRAdjust = Full is not usable: every actor would then estimate utilities exactly as they are, and KTAB stops such runs (its check that each actor's view differs from the objective one fails); use TwoThirds for the closest usable setting"),
            (SimulationSettings::default().set("mediator.nois", "0.3").unwrap_err(), "unknown simulation option `mediator.nois`; did you mean `noise`?"),
            (SimulationSettings::default().set("chanel", "direct").unwrap_err(), "unknown simulation option `chanel`; did you mean `channel`?"),
            (SimulationSettings::default().set("runs", "0").unwrap_err(), "simulation option `runs` must be a whole number from 1 to 1000000000, got `0`"),
            (SimulationSettings::default().set("parties.a.stall", "1").unwrap_err(), "unknown simulation option `parties.a.stall`; expected one of `strategy`, `stall_probability`, `stall_strategy`, `no_deal`, `no_deal_sd`"),
            (SimulationSettings::default().set("ratifiers.a", "2").unwrap_err(), "simulation option `ratifiers.a` must be a number between 0 and 1, got `2`"),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
        }
    }

    #[test]
    fn setting_errors_say_what_kind_they_are() {
        assert!(
            matches!(
                NashSettings::default().set("disagrement", "worst").unwrap_err(),
                SettingError::UnknownKey { engine: "nash", .. }
            ),
            "nash unknown"
        );
        assert!(
            matches!(
                NashSettings::default().set("disagreement", "wrst").unwrap_err(),
                SettingError::Unreadable { engine: "nash", .. }
            ),
            "nash unreadable"
        );
        assert!(
            matches!(
                BdmSettings::default().set("qq", "1").unwrap_err(),
                SettingError::UnknownKey { engine: "bdm", .. }
            ),
            "bdm unknown"
        );
        assert!(
            matches!(
                BdmSettings::default().set("q", "1.5").unwrap_err(),
                SettingError::OutOfRange { engine: "bdm", .. }
            ),
            "bdm range"
        );
        assert!(
            matches!(BdmSettings::default().set("q", "x").unwrap_err(), SettingError::Unreadable { .. }),
            "bdm number"
        );
        assert!(
            matches!(BdmSettings::default().set("preset", "scholz").unwrap_err(), SettingError::Unreadable { .. }),
            "bdm preset"
        );
        assert!(
            matches!(
                SmpSettings::default().set("votingrul", "Prop").unwrap_err(),
                SettingError::UnknownKey { engine: "smp", .. }
            ),
            "smp unknown"
        );
        assert!(
            matches!(
                SmpSettings::default().set("ideal_adjustment", "x").unwrap_err(),
                SettingError::NeedsTables { .. }
            ),
            "smp tables"
        );
        assert!(
            matches!(SmpSettings::default().set("max_turns", "0").unwrap_err(), SettingError::Unusable(_)),
            "smp unusable"
        );
        assert!(
            matches!(SmpSettings::default().set("voting_rule", "99").unwrap_err(), SettingError::Unreadable { .. }),
            "smp code"
        );
        assert!(matches!(SmpSettings::from_ktab_list("0,0,0").unwrap_err(), SettingError::KtabList(_)), "ktab count");
        assert!(
            matches!(SmpSettings::from_ktab_list("0,x,0,2,1,1,1,y,0").unwrap_err(), SettingError::KtabList(_)),
            "ktab cells"
        );
        assert!(
            matches!(SmpSettings::from_ktab_list("0,0,0,9,1,1,1,1,0").unwrap_err(), SettingError::KtabList(_)),
            "ktab codes"
        );
        assert!(
            matches!(SmpSettings::from_ktab_list("0,0,0,2,4,1,1,1,0").unwrap_err(), SettingError::Unusable(_)),
            "ktab unusable"
        );
        assert!(
            matches!(
                SimulationSettings::default().set("mediator.nois", "0.3").unwrap_err(),
                SettingError::UnknownKey { engine: "simulation", .. }
            ),
            "sim unknown"
        );
        assert!(
            matches!(
                SimulationSettings::default().set("chanel", "direct").unwrap_err(),
                SettingError::UnknownKey { .. }
            ),
            "sim top"
        );
        assert!(
            matches!(SimulationSettings::default().set("runs", "0").unwrap_err(), SettingError::OutOfRange { .. }),
            "sim range"
        );
        assert!(
            matches!(
                SimulationSettings::default().set("parties.a.stall", "1").unwrap_err(),
                SettingError::UnknownKey { .. }
            ),
            "sim party"
        );
        assert!(
            matches!(
                SimulationSettings::default().set("ratifiers.a", "2").unwrap_err(),
                SettingError::OutOfRange { .. }
            ),
            "sim ratifier"
        );
    }
}
