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

use crate::diag::suggest;
use crate::node::Node;
use crate::reader::{Cx, Table};
use crate::settings::declare::{non_negative, probability};
use crate::settings::SettingError;

crate::settings::declare::keyword_enum! {
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

crate::settings::declare::keyword_enum! {
    /// Which votes count for the challenger in the probability of success.
    Numerator {
        /// Σₖ max(0, vᵏᵢⱼ): every voter who prefers i adds its vote (replication).
        PositiveVotes = "positive_votes",
        /// max(0, Σₖ vᵏᵢⱼ): the net vote, floored at zero (dmasad's model).
        NetVotes = "net_votes",
    }
}

crate::settings::declare::keyword_enum! {
    /// What the votes for the challenger are divided by.
    Denominator {
        /// Σₖ Σₐ Σ_b |vᵏₐ_b| over every ordered pair of actors: one constant per
        /// round, which makes probabilities tiny (Scholz's code, replication).
        AllVotes = "all_votes",
        /// Σₖ |vᵏᵢⱼ|: the votes cast in this dyad, so Pᵢⱼ + Pⱼᵢ = 1 (Bueno de Mesquita).
        Dyad = "dyad",
    }
}

crate::settings::declare::keyword_enum! {
    /// Which curvature a third party's vote uses.
    VoteRisk {
        /// Each voter's own risk exponent rₖ (replication).
        Voter = "voter",
        /// Linear votes (r = 1) for everyone.
        Neutral = "neutral",
    }
}

crate::settings::declare::keyword_enum! {
    /// The point μ against which "things get better / worse" is measured in
    /// U^b and U^w (only matters when q < 1).
    ReferencePoint {
        /// The weighted median position (the paper's μ).
        Median = "median",
        /// The capability×salience-weighted mean position (dmasad's model).
        Mean = "mean",
    }
}

crate::settings::declare::keyword_enum! {
    /// How each actor's risk exponent rᵢ is set each round.
    RiskModel {
        /// From the actor's security relative to all actors' (Scholz et al. §5).
        Security = "security",
        /// rᵢ = 1 for everyone: no risk attitudes.
        Neutral = "neutral",
    }
}

crate::settings::declare::keyword_enum! {
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

crate::settings::declare::keyword_enum! {
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

crate::settings::declare::keyword_enum! {
    /// What the model forecasts after each round.
    Outcome {
        /// The capability×salience-weighted mean position (what the replication
        /// prints as "Median position" after round 1).
        Mean = "mean",
        /// The weighted median (the Condorcet winner among the positions held).
        Median = "median",
    }
}

crate::settings::declare::keyword_enum! {
    /// The length R that distances are divided by.
    Scale {
        /// The range of the input positions (max − min), as the replication.
        Positions = "positions",
        /// The issue's declared scale (max − min).
        Issue = "issue",
    }
}

crate::settings::declare::keyword_enum! {
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

crate::settings::declare::keyword_enum! {
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

crate::settings::declare::declare_settings! {
    engine = "bdm";
    /// Options of the bdm engine. `Default` is the `scholz-replication` preset.
    pub struct BdmSettings {
        /// The preset the scenario asked for, if any (its options are already applied below).
        #[serde(skip_serializing_if = "Option::is_none")]
        special preset: Option<Preset> = None;
        opt probability_numerator: Numerator = Numerator::PositiveVotes;
        opt probability_denominator: Denominator = Denominator::AllVotes;
        opt vote_risk: VoteRisk = VoteRisk::Voter;
        /// Q: the probability that the status quo persists if i does not challenge j.
        opt q: f64 = 1.0, check probability;
        /// T: the probability that, if it does change, it changes for the better.
        opt t: f64 = 1.0, check probability;
        opt reference_point: ReferencePoint = ReferencePoint::Median;
        opt risk: RiskModel = RiskModel::Security;
        opt capitulation: Capitulation = Capitulation::Never;
        opt offer_selection: OfferSelection = OfferSelection::Replication;
        opt outcome: Outcome = Outcome::Mean;
        opt scale: Scale = Scale::Positions;
        /// Rounds to run when the request names none.
        opt rounds: u32 = 10, check rounds_in_range;
        opt convergence: Convergence = Convergence::Positions;
        /// Convergence threshold as a fraction of R.
        opt tolerance: f64 = 1e-9, check non_negative;
        opt interactions: Interactions = Interactions::Auto;
    }
}

/// The option keys, in the order `entries` and error messages list them.
pub const KEYS: &[&str] = BdmSettings::KEYS;

fn rounds_in_range(r: &u32) -> Result<(), String> {
    crate::settings::declare::whole_in(u64::from(*r), 1, u64::from(MAX_ROUNDS))
}

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
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let key = key.trim().replace('-', "_");
        if key == "preset" {
            let p = crate::settings::declare::parsed::<Preset>("bdm", &key, value, None)?;
            self.apply_preset(p);
            return Ok(());
        }
        match self.set_declared(&key, value) {
            Some(result) => result?,
            None => {
                let hint = format!("{} (options: {})", suggest(&key, KEYS), KEYS.join(", "));
                return Err(SettingError::UnknownKey { engine: "bdm", key, hint });
            }
        }
        self.preset = self.matching_preset();
        Ok(())
    }

    /// Every option with its value, defaults included; `preset` names the preset
    /// the modelling options match, or `custom`.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let preset = self.matching_preset().map(Preset::as_str).unwrap_or("custom");
        let mut m = BTreeMap::from([("preset".to_string(), preset.to_string())]);
        self.declared_entries(&mut m);
        m
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<BdmSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = BdmSettings::default();
    // The preset first, whatever the order in the file: the other keys refine it.
    if let Some(p) = t.opt_keyword("preset", Preset::NAMES, Preset::parse, cx) {
        s.apply_preset(p);
    }
    s.decode_declared(&mut t, cx);
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
        let e = s.set("offer_selecton", "nearest").unwrap_err().to_string();
        assert!(e.contains("offer_selection"), "{e}");
        let e = s.set("outcome", "medain").unwrap_err().to_string();
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
