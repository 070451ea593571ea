//! Options of the bdm engine: Bueno de Mesquita's expected-utility model as
//! reconstructed by Scholz, Calbert & Smith (2011). The published replications
//! disagree on several details; each is a named option here. The defaults
//! (preset `scholz-replication`) reproduce the public Python replication's log
//! of the EC car-emissions case; preset `scholz-described` follows the rules as
//! the paper and Bueno de Mesquita describe them in prose. See docs/models.md
//! (`## bdm`) for every formula.
//!
//! Scenario files set them under `[engines.bdm]`; the command line overrides
//! them with `key=value` pairs through [`BdmSettings::set`].

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decode::{Cx, Table};
use crate::diag::suggest;
use crate::node::Node;

/// Declares a keyword enum with `NAMES`, `as_str` and `parse` (underscores and
/// hyphens are interchangeable in `parse`).
macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $var),+
        }

        impl $name {
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                let norm = s.trim().replace('-', "_").to_ascii_lowercase();
                $(if norm == $text.replace('-', "_") {
                    return Some($name::$var);
                })+
                None
            }
        }
    };
}

keyword_enum! {
    /// A named set of modelling options.
    Preset {
        /// The public Python replication (jmckib, updated by dmasad) of Scholz
        /// et al.'s code, quirks included; reproduces its EC-emissions log.
        ScholzReplication = "scholz-replication",
        /// The rules as described in prose by Scholz et al. and Bueno de
        /// Mesquita: pairwise probabilities, capitulation, least-move offers,
        /// median outcome.
        ScholzDescribed = "scholz-described",
    }
}

keyword_enum! {
    /// Which votes count for the challenger in the probability of success.
    Numerator {
        /// Σₖ max(0, vᵏᵢⱼ): every voter who prefers i adds its vote (replication).
        PositiveVotes = "positive_votes",
        /// max(0, Σₖ vᵏᵢⱼ): the net vote, floored at zero (dmasad's model).
        NetVotes = "net_votes",
    }
}

keyword_enum! {
    /// What the votes for the challenger are divided by.
    Denominator {
        /// Σₖ Σₐ Σ_b |vᵏₐ_b| over every ordered pair of actors: one constant per
        /// round, which makes probabilities tiny (Scholz's code, replication).
        AllVotes = "all_votes",
        /// Σₖ |vᵏᵢⱼ|: the votes cast in this dyad, so Pᵢⱼ + Pⱼᵢ = 1 (Bueno de Mesquita).
        Dyad = "dyad",
    }
}

keyword_enum! {
    /// Which curvature a third party's vote uses.
    VoteRisk {
        /// Each voter's own risk exponent rₖ (replication).
        Voter = "voter",
        /// Linear votes (r = 1) for everyone.
        Neutral = "neutral",
    }
}

keyword_enum! {
    /// The point μ against which "things get better / worse" is measured in
    /// U^b and U^w (only matters when q < 1).
    ReferencePoint {
        /// The weighted median position (the paper's μ).
        Median = "median",
        /// The capability×salience-weighted mean position (dmasad's model).
        Mean = "mean",
    }
}

keyword_enum! {
    /// How each actor's risk exponent rᵢ is set each round.
    RiskModel {
        /// From the actor's security relative to all actors' (Scholz et al. §5).
        Security = "security",
        /// rᵢ = 1 for everyone: no risk attitudes.
        Neutral = "neutral",
    }
}

keyword_enum! {
    /// Whether an actor that expects to lose more than its challenger gains
    /// gives in completely.
    Capitulation {
        /// Never: the replication's test `eu_ji < abs(eu_ji)` can never hold, so
        /// its actors never capitulate (a typo kept for fidelity).
        Never = "never",
        /// When 0 < EUᵢ(ji) < |EUᵢ(ij)| the receiver moves all the way (Bueno de Mesquita).
        LossExceedsGain = "loss_exceeds_gain",
    }
}

keyword_enum! {
    /// Which of the offers it received an actor accepts.
    OfferSelection {
        /// Confrontations first (nearest), then compromises (the one whose
        /// EU-weighted midpoint is lowest on the scale — Scholz's code), then
        /// capitulations (nearest). Replication.
        Replication = "replication",
        /// Confrontations, then compromises, then capitulations; nearest within each.
        PriorityNearest = "priority_nearest",
        /// The offer that moves the actor least, whatever its kind (the paper's prose).
        Nearest = "nearest",
        /// The offer whose challenger expects the most from challenging (dmasad's model).
        Strongest = "strongest",
    }
}

keyword_enum! {
    /// What the model forecasts after each round.
    Outcome {
        /// The capability×salience-weighted mean position (what the replication
        /// prints as "Median position" after round 1).
        Mean = "mean",
        /// The weighted median (the Condorcet winner among the positions held).
        Median = "median",
    }
}

keyword_enum! {
    /// The length R that distances are divided by.
    Scale {
        /// The range of the input positions (max − min), as the replication.
        Positions = "positions",
        /// The issue's declared scale (max − min).
        Issue = "issue",
    }
}

keyword_enum! {
    /// When an iterative run counts as converged and stops early.
    Convergence {
        /// No actor moved more than `tolerance`·R in the last round.
        Positions = "positions",
        /// The forecast outcome moved no more than `tolerance`·R in the last round.
        Outcome = "outcome",
        /// Always run `rounds` rounds.
        None = "none",
    }
}

keyword_enum! {
    /// Which dyadic interactions a forecast records.
    Interactions {
        /// `all` for small runs, `moves` once every dyad of every round would
        /// exceed 1,000,000 entries.
        Auto = "auto",
        /// Every ordered dyad of actors holding different positions, every round.
        All = "all",
        /// Only the offers actors accepted (the log's lines).
        Moves = "moves",
        /// None (benchmarks, Monte Carlo runs that read the numeric core).
        None = "none",
    }
}

/// Options of the bdm engine. `Default` is the `scholz-replication` preset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BdmSettings {
    /// The preset the scenario asked for, if any (its options are already applied below).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<Preset>,
    pub probability_numerator: Numerator,
    pub probability_denominator: Denominator,
    pub vote_risk: VoteRisk,
    /// Q: the probability that the status quo persists if i does not challenge j.
    pub q: f64,
    /// T: the probability that, if it does change, it changes for the better.
    pub t: f64,
    pub reference_point: ReferencePoint,
    pub risk: RiskModel,
    pub capitulation: Capitulation,
    pub offer_selection: OfferSelection,
    pub outcome: Outcome,
    pub scale: Scale,
    /// Rounds to run when the request names none.
    pub rounds: u32,
    pub convergence: Convergence,
    /// Convergence threshold as a fraction of R.
    pub tolerance: f64,
    pub interactions: Interactions,
}

impl Default for BdmSettings {
    fn default() -> Self {
        let mut s = BdmSettings {
            preset: None,
            probability_numerator: Numerator::PositiveVotes,
            probability_denominator: Denominator::AllVotes,
            vote_risk: VoteRisk::Voter,
            q: 1.0,
            t: 1.0,
            reference_point: ReferencePoint::Median,
            risk: RiskModel::Security,
            capitulation: Capitulation::Never,
            offer_selection: OfferSelection::Replication,
            outcome: Outcome::Mean,
            scale: Scale::Positions,
            rounds: 10,
            convergence: Convergence::Positions,
            tolerance: 1e-9,
            interactions: Interactions::Auto,
        };
        s.apply_preset(Preset::ScholzReplication);
        s.preset = None;
        s
    }
}

/// The option keys, in the order `entries` and error messages list them.
pub const KEYS: &[&str] = &[
    "preset",
    "probability_numerator",
    "probability_denominator",
    "vote_risk",
    "q",
    "t",
    "reference_point",
    "risk",
    "capitulation",
    "offer_selection",
    "outcome",
    "scale",
    "rounds",
    "convergence",
    "tolerance",
    "interactions",
];

/// The most rounds a run may ask for (each round is O(n²) work).
pub const MAX_ROUNDS: u32 = 100_000;

impl BdmSettings {
    /// The settings of a preset (run controls at their defaults).
    pub fn preset(p: Preset) -> Self {
        let mut s = BdmSettings::default();
        s.apply_preset(p);
        s
    }

    /// Set every modelling option to the preset's value; the run controls
    /// (`rounds`, `convergence`, `tolerance`, `interactions`) and `scale` are kept.
    pub fn apply_preset(&mut self, p: Preset) {
        self.preset = Some(p);
        match p {
            Preset::ScholzReplication => {
                self.probability_numerator = Numerator::PositiveVotes;
                self.probability_denominator = Denominator::AllVotes;
                self.vote_risk = VoteRisk::Voter;
                self.q = 1.0;
                self.t = 1.0;
                self.reference_point = ReferencePoint::Median;
                self.risk = RiskModel::Security;
                self.capitulation = Capitulation::Never;
                self.offer_selection = OfferSelection::Replication;
                self.outcome = Outcome::Mean;
            }
            Preset::ScholzDescribed => {
                self.probability_numerator = Numerator::PositiveVotes;
                self.probability_denominator = Denominator::Dyad;
                self.vote_risk = VoteRisk::Voter;
                self.q = 1.0;
                self.t = 1.0;
                self.reference_point = ReferencePoint::Median;
                self.risk = RiskModel::Security;
                self.capitulation = Capitulation::LossExceedsGain;
                self.offer_selection = OfferSelection::Nearest;
                self.outcome = Outcome::Median;
            }
        }
    }

    /// The preset whose modelling options these settings match, if any.
    pub fn matching_preset(&self) -> Option<Preset> {
        [Preset::ScholzReplication, Preset::ScholzDescribed].into_iter().find(|&p| {
            let mut probe = self.clone();
            probe.apply_preset(p);
            probe.preset = self.preset;
            probe == *self
        })
    }

    /// Override one option from a `key=value` pair (the command line's `--set`).
    /// `preset` resets the modelling options, so give it before the others.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let key = key.trim().replace('-', "_");
        let value = value.trim();
        fn kw<T>(key: &str, value: &str, names: &[&str], parse: impl Fn(&str) -> Option<T>) -> Result<T, String> {
            parse(value)
                .ok_or_else(|| format!("bdm option `{key}`: unknown value `{value}`; {}", suggest(value, names)))
        }
        match key.as_str() {
            "preset" => {
                let p = kw(&key, value, Preset::NAMES, Preset::parse)?;
                self.apply_preset(p);
            }
            "probability_numerator" => {
                self.probability_numerator = kw(&key, value, Numerator::NAMES, Numerator::parse)?
            }
            "probability_denominator" => {
                self.probability_denominator = kw(&key, value, Denominator::NAMES, Denominator::parse)?
            }
            "vote_risk" => self.vote_risk = kw(&key, value, VoteRisk::NAMES, VoteRisk::parse)?,
            "q" => self.q = probability(&key, value)?,
            "t" => self.t = probability(&key, value)?,
            "reference_point" => self.reference_point = kw(&key, value, ReferencePoint::NAMES, ReferencePoint::parse)?,
            "risk" => self.risk = kw(&key, value, RiskModel::NAMES, RiskModel::parse)?,
            "capitulation" => self.capitulation = kw(&key, value, Capitulation::NAMES, Capitulation::parse)?,
            "offer_selection" => self.offer_selection = kw(&key, value, OfferSelection::NAMES, OfferSelection::parse)?,
            "outcome" => self.outcome = kw(&key, value, Outcome::NAMES, Outcome::parse)?,
            "scale" => self.scale = kw(&key, value, Scale::NAMES, Scale::parse)?,
            "rounds" => {
                self.rounds = match value.parse::<u32>() {
                    Ok(r) if (1..=MAX_ROUNDS).contains(&r) => r,
                    _ => {
                        return Err(format!(
                            "bdm option `rounds`: `{value}` is not a whole number from 1 to {MAX_ROUNDS}"
                        ))
                    }
                }
            }
            "convergence" => self.convergence = kw(&key, value, Convergence::NAMES, Convergence::parse)?,
            "tolerance" => {
                self.tolerance = match value.parse::<f64>() {
                    Ok(x) if x.is_finite() && x >= 0.0 => x,
                    _ => return Err(format!("bdm option `tolerance`: `{value}` is not a non-negative number")),
                }
            }
            "interactions" => self.interactions = kw(&key, value, Interactions::NAMES, Interactions::parse)?,
            _ => {
                return Err(format!(
                    "unknown bdm option `{key}`; {} (options: {})",
                    suggest(&key, KEYS),
                    KEYS.join(", ")
                ))
            }
        }
        if key != "preset" {
            self.preset = self.matching_preset();
        }
        Ok(())
    }

    /// Every option with its value, defaults included; `preset` names the preset
    /// the modelling options match, or `custom`.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let preset = self.matching_preset().map(Preset::as_str).unwrap_or("custom");
        BTreeMap::from([
            ("preset".to_string(), preset.to_string()),
            ("probability_numerator".into(), self.probability_numerator.as_str().into()),
            ("probability_denominator".into(), self.probability_denominator.as_str().into()),
            ("vote_risk".into(), self.vote_risk.as_str().into()),
            ("q".into(), format!("{}", self.q)),
            ("t".into(), format!("{}", self.t)),
            ("reference_point".into(), self.reference_point.as_str().into()),
            ("risk".into(), self.risk.as_str().into()),
            ("capitulation".into(), self.capitulation.as_str().into()),
            ("offer_selection".into(), self.offer_selection.as_str().into()),
            ("outcome".into(), self.outcome.as_str().into()),
            ("scale".into(), self.scale.as_str().into()),
            ("rounds".into(), self.rounds.to_string()),
            ("convergence".into(), self.convergence.as_str().into()),
            ("tolerance".into(), format!("{}", self.tolerance)),
            ("interactions".into(), self.interactions.as_str().into()),
        ])
    }
}

fn probability(key: &str, value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!("bdm option `{key}`: `{value}` is not a probability (a number from 0 to 1)")),
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<BdmSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = BdmSettings::default();
    // The preset first, whatever the order in the file: the other keys refine it.
    if let Some(p) = t.opt_keyword("preset", Preset::NAMES, Preset::parse, cx) {
        s.apply_preset(p);
    }
    macro_rules! keyword {
        ($key:literal, $field:ident, $ty:ident) => {
            if let Some(v) = t.opt_keyword($key, $ty::NAMES, $ty::parse, cx) {
                s.$field = v;
            }
        };
    }
    keyword!("probability_numerator", probability_numerator, Numerator);
    keyword!("probability_denominator", probability_denominator, Denominator);
    keyword!("vote_risk", vote_risk, VoteRisk);
    keyword!("reference_point", reference_point, ReferencePoint);
    keyword!("risk", risk, RiskModel);
    keyword!("capitulation", capitulation, Capitulation);
    keyword!("offer_selection", offer_selection, OfferSelection);
    keyword!("outcome", outcome, Outcome);
    keyword!("scale", scale, Scale);
    keyword!("convergence", convergence, Convergence);
    keyword!("interactions", interactions, Interactions);
    for (key, field) in [("q", &mut s.q), ("t", &mut s.t)] {
        if let Some(x) = t.opt_f64(key, cx) {
            if (0.0..=1.0).contains(&x) {
                *field = x;
            } else {
                let p = t.field_path(key);
                let span = cx.span_of(&p).unwrap_or_else(|| t.span().clone());
                cx.error(&p, &span, format!("`{key}` is {x}; it is a probability")).hint =
                    Some("give a number from 0 to 1".into());
            }
        }
    }
    if let Some(x) = t.opt_f64("tolerance", cx) {
        if x.is_finite() && x >= 0.0 {
            s.tolerance = x;
        } else {
            let p = t.field_path("tolerance");
            let span = cx.span_of(&p).unwrap_or_else(|| t.span().clone());
            cx.error(&p, &span, format!("`tolerance` is {x}")).hint =
                Some("give a non-negative fraction of the scale, e.g. 1e-6".into());
        }
    }
    if let Some(r) = t.opt_u64("rounds", cx) {
        if (1..=MAX_ROUNDS as u64).contains(&r) {
            s.rounds = r as u32;
        } else {
            let p = t.field_path("rounds");
            let span = cx.span_of(&p).unwrap_or_else(|| t.span().clone());
            cx.error(&p, &span, format!("`rounds` is {r}")).hint = Some(format!("give 1 to {MAX_ROUNDS}"));
        }
    }
    t.finish(cx);
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_replication_preset() {
        let s = BdmSettings::default();
        assert_eq!(s.matching_preset(), Some(Preset::ScholzReplication));
        assert_eq!(s.entries()["preset"], "scholz-replication");
        assert_eq!(s.entries().len(), KEYS.len());
    }

    #[test]
    fn set_overrides_and_explains_mistakes() {
        let mut s = BdmSettings::default();
        s.set("preset", "scholz_described").unwrap();
        assert_eq!(s.offer_selection, OfferSelection::Nearest);
        assert_eq!(s.entries()["preset"], "scholz-described");
        s.set("q", "0.5").unwrap();
        assert_eq!(s.entries()["preset"], "custom");
        let e = s.set("offer_selecton", "nearest").unwrap_err();
        assert!(e.contains("offer_selection"), "{e}");
        let e = s.set("outcome", "medain").unwrap_err();
        assert!(e.contains("median"), "{e}");
        assert!(s.set("q", "1.5").is_err());
        assert!(s.set("rounds", "0").is_err());
        assert!(s.set("tolerance", "NaN").is_err());
        for (k, v) in BdmSettings::default().entries() {
            let mut t = BdmSettings::preset(Preset::ScholzDescribed);
            t.set(&k, &v).unwrap();
        }
    }

    #[test]
    fn every_value_name_parses_back() {
        for n in OfferSelection::NAMES {
            assert_eq!(OfferSelection::parse(n).map(OfferSelection::as_str), Some(*n));
        }
        for n in Preset::NAMES {
            assert_eq!(Preset::parse(n).map(Preset::as_str), Some(*n));
        }
    }

    const DOC: &str = r#"
[meta]
title = "t"

[[actors]]
id = "a"
name = "A"
capability = 1

[[issues]]
id = "i"
name = "I"
min = 0
max = 10
low = "low"
high = "high"

[[stances]]
actor = "a"
issue = "i"
position = 3
salience = 0.5
"#;

    #[test]
    fn decodes_from_a_scenario_with_the_preset_first() {
        let text = format!("{DOC}\n[engines.bdm]\nq = 0.5\npreset = \"scholz-described\"\nrounds = 20\n");
        let loaded = crate::load_str(&text, Some(crate::Format::Toml), Some("x.toml")).unwrap();
        let s = loaded.scenario.engines.bdm.unwrap();
        assert_eq!(s.q, 0.5);
        assert_eq!(s.rounds, 20);
        assert_eq!(s.capitulation, Capitulation::LossExceedsGain);
        assert_eq!(s.entries()["preset"], "custom");
    }

    #[test]
    fn reports_bad_options_with_hints() {
        let text = format!("{DOC}\n[engines.bdm]\nq = 2\noffer_selection = \"closest\"\nround = 3\n");
        let err = crate::load_str(&text, Some(crate::Format::Toml), Some("x.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("probability"), "{msg}");
        assert!(msg.contains("engines.bdm.offer_selection"), "{msg}");
        assert!(msg.contains("rounds"), "{msg}");
    }
}
