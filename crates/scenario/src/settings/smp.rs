//! Options of the smp engine: KTAB's nine model parameters plus run controls.
//!
//! The nine parameters keep KTAB's names and integer codes, so a KTAB user can
//! write them either way: by name in a scenario's `[engines.smp]` table
//! (`voting_rule = "PropCbc"`) or as KTAB's comma-separated integer list
//! (`"0,0,0,2,1,1,1,1,0"`, the defaults) via [`SmpSettings::from_ktab_list`].
//! What each option means is documented in the demarche-smp crate and in
//! docs/models.md.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::diag::suggest;
use crate::node::{Node, Value};
use crate::reader::{Cx, Table};
use crate::settings::SettingError;

/// Defines one of KTAB's parameter enums: variants in KTAB's order (the
/// discriminant is KTAB's integer code), KTAB's name for each, and extra
/// spellings accepted when reading (KTAB's XML schema spells a few differently).
macro_rules! ktab_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $ktab:literal, default $default:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(| $alias:literal)* ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $label $(, alias = $alias)*)] $variant = $code, )+
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl $name {
            /// KTAB's name of this parameter.
            pub const KTAB_NAME: &'static str = $ktab;
            /// KTAB's names of the values, in code order.
            pub const NAMES: &'static [&'static str] = &[$($label),+];
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                Self::NAMES[self as usize]
            }

            /// KTAB's integer code.
            pub fn code(self) -> u8 {
                self as u8
            }

            pub fn from_code(code: i64) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| i64::from(v.code()) == code)
            }

            /// A value by KTAB's name or an accepted spelling, ignoring case,
            /// `_` and `-`.
            pub fn parse(s: &str) -> Option<Self> {
                let key = normalise(s);
                $(
                    if key == normalise($label) $(|| key == normalise($alias))* {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        /// By KTAB's name (or an accepted spelling) or KTAB's integer code.
        impl crate::settings::declare::OptionValue for $name {
            fn accepts() -> String {
                format!("{} (or KTAB's code 0–{})", $name::NAMES.join(" | "), $name::NAMES.len() - 1)
            }
            fn from_text(text: &str) -> Result<Self, String> {
                match text.parse::<i64>() {
                    Ok(code) => $name::from_code(code).ok_or_else(|| {
                        format!("{} code {code} is out of range: {}", $ktab, codes($name::NAMES))
                    }),
                    Err(_) => $name::parse(text)
                        .ok_or_else(|| format!("unknown value `{text}`; {}", suggest(text, $name::NAMES))),
                }
            }
            fn decode(t: &mut Table<'_>, key: &'static str, cx: &mut Cx) -> Option<Self> {
                decode_param(t, key, $name::NAMES, $name::parse, $name::from_code, cx)
            }
            fn to_text(&self) -> String {
                self.as_str().to_string()
            }
        }
    };
}

/// `0 Name, 1 Name, …` for an out-of-range code.
fn codes(names: &[&str]) -> String {
    names.iter().enumerate().map(|(i, n)| format!("{i} {n}")).collect::<Vec<_>>().join(", ")
}

fn normalise(s: &str) -> String {
    s.trim().chars().filter(|c| *c != '_' && *c != '-' && *c != ' ').flat_map(char::to_lowercase).collect()
}

ktab_enum! {
    /// How coalition strengths become a probability of victory.
    VictoryProbModel, "VictoryProbModel", default Linear {
        /// `p = c₁ / (c₁ + c₂)`.
        Linear = 0, "Linear";
        /// Strengths squared.
        Square = 1, "Square";
        /// Strengths to the fourth power.
        Quartic = 2, "Quartic";
        /// Strengths to the eighth power.
        Octic = 3, "Octic";
        /// A 10% advantage wins outright, linear in between.
        Binary = 4, "Binary";
    }
}

ktab_enum! {
    /// How pairwise victory probabilities become one probability per option
    /// (the probabilistic Condorcet election).
    PceModel, "PCEModel", default Conditional {
        /// Probability that an option beats every other, conditioned on one doing so.
        Conditional = 0, "Conditional";
        /// Markov chain where challenges are proportional to their incentive.
        MarkovIncentive = 1, "MarkovIncentive" | "MarkovI";
        /// Markov chain where every challenge is equally likely.
        MarkovUniform = 2, "MarkovUniform" | "MarkovU";
    }
}

ktab_enum! {
    /// Whether each actor adopts its most probable bargain or draws one.
    StateTransitions, "StateTransitions", default Deterministic {
        Deterministic = 0, "Deterministic";
        Stochastic = 1, "Stochastic";
    }
}

ktab_enum! {
    /// How much influence an actor exerts for a given difference in utility.
    VotingRule, "VotingRule", default Prop {
        /// All of it, whatever the difference (smoothed over 1e-8).
        Binary = 0, "Binary";
        /// 80% proportional, 20% binary.
        PropBin = 1, "PropBin";
        /// Proportional to the difference.
        Prop = 2, "Prop" | "Proportional";
        /// Half proportional, half cubic.
        PropCbc = 3, "PropCbc";
        /// The cube of the difference.
        Cubic = 4, "Cubic";
        /// Proportional, with gains weighted 2/3 of losses (prospect theory).
        ASymProsp = 5, "ASymProsp";
    }
}

ktab_enum! {
    /// How far one actor's estimate of another's risk attitude is anchored on its own.
    BigRAdjust, "BigRAdjust", default OneThird {
        /// Everyone assumes others share its own risk attitude.
        None = 0, "None" | "No" | "NoRA";
        /// Two thirds own, one third true.
        OneThird = 1, "OneThird";
        /// Half own, half true.
        Half = 2, "Half";
        /// One third own, two thirds true.
        TwoThirds = 3, "TwoThirds";
        /// Everyone knows the true risk attitudes (KTAB refuses to run with it).
        Full = 4, "Full";
    }
}

ktab_enum! {
    /// The range of risk attitudes inferred from win probabilities.
    BigRRange, "BigRRange", default Mid {
        /// From 0 (least likely to win) to +1 (most likely).
        Min = 0, "Min";
        /// From −½ to +1.
        Mid = 1, "Mid";
        /// From −1 to +1.
        Max = 2, "Max";
    }
}

ktab_enum! {
    /// What a third party expects to happen to its own position when it joins a side.
    ThirdPartyCommit, "ThirdPartyCommit", default SemiCommit {
        /// It keeps its position whoever wins.
        NoCommit = 0, "NoCommit";
        /// It keeps its position if its side wins, adopts the winner's if it loses.
        SemiCommit = 1, "SemiCommit";
        /// It adopts the winner's position either way.
        FullCommit = 2, "FullCommit";
    }
}

ktab_enum! {
    /// How two actors' positions are interpolated into a bargain.
    InterVecBrgn, "InterVecBrgn", default S2P2 {
        /// Weights: salience × probability.
        S1P1 = 0, "S1P1";
        /// Weights: salience² × probability².
        S2P2 = 1, "S2P2";
        /// Each concedes in proportion to the other's probability advantage.
        S2PMax = 2, "S2PMax";
    }
}

ktab_enum! {
    /// Whose view of the contest shapes the bargain.
    BargnModel, "BargnModel", default InitOnlyInterp {
        /// The initiator's estimate only.
        InitOnlyInterp = 0, "InitOnlyInterp";
        /// Two bargains: the initiator's and the receiver's.
        InitRcvrInterp = 1, "InitRcvrInterp";
        /// One bargain, a power-weighted compromise of the two views.
        PWCompInterp = 2, "PWCompInterp";
    }
}

crate::settings::declare::keyword_enum! {
    /// How positions closer than KTAB's tolerance (0.1 on the 0–100 scale) are
    /// grouped when win probabilities are computed. Only the reported win
    /// probabilities (and the expected outcome) depend on it, not the positions.
    WinProbGrouping {
        /// KTAB's: actors in input order, each joining the first earlier
        /// representative within tolerance. Reproduces KTAB, but when two
        /// positions are within tolerance without being equal, which one
        /// represents the group depends on the order of the actors.
        Ktab = "ktab",
        /// The same rule applied to the positions in coordinate order, so that
        /// relabelling the actors relabels the results.
        Canonical = "canonical",
    }
}

// The enum comes from `keyword_enum!`, which derives no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for WinProbGrouping {
    fn default() -> Self {
        WinProbGrouping::Ktab
    }
}

/// KTAB's default PRNG seed (`KBase::dSeed`).
pub const KTAB_DEFAULT_SEED: u64 = 0xD67C_C16F_E69C_185C;

/// One entry of KTAB's ideal-point accommodation matrix: each turn, `actor`'s
/// ideal moves toward `toward`'s current position at `rate` (0–1).
///
/// The matrix starts as the identity (every ideal is the actor's own current
/// position, KTAB's "cynical" default); each entry overrides one cell. The rates
/// in a row must add up to at most 1; the rest of the old ideal is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdealAdjustment {
    /// Id of the actor whose ideal moves.
    pub actor: String,
    /// Id of the actor whose position it moves toward (may be itself).
    pub toward: String,
    pub rate: f64,
}

crate::settings::declare::declare_settings! {
    engine = "smp";
    /// Everything the smp engine can be told. The nine KTAB parameters come
    /// first, in KTAB's order (the integer list and `canonical_key` rely on it).
    pub struct SmpSettings {
        opt victory_prob_model: VictoryProbModel = VictoryProbModel::default();
        opt pce_model: PceModel = PceModel::default();
        opt state_transitions: StateTransitions = StateTransitions::default();
        opt voting_rule: VotingRule = VotingRule::default();
        opt big_r_adjust: BigRAdjust = BigRAdjust::default();
        opt big_r_range: BigRRange = BigRRange::default();
        opt third_party_commit: ThirdPartyCommit = ThirdPartyCommit::default();
        opt inter_vec_brgn: InterVecBrgn = InterVecBrgn::default();
        opt bargn_model: BargnModel = BargnModel::default();
        /// Seed of the random draws in stochastic mode (demarche's own ChaCha
        /// generator, not KTAB's Mersenne twister).
        opt seed: u64 = KTAB_DEFAULT_SEED;
        /// Turns at least before the movement test may stop the run (KTAB: 2).
        opt min_turns: u32 = 2;
        /// Turns at most (KTAB: 100).
        opt max_turns: u32 = 100;
        /// Stop when a turn's total movement falls below this fraction of the
        /// first turn's (KTAB: 0.02).
        opt movement_ratio: f64 = 0.02;
        /// Ideal-point accommodation; empty means the identity matrix.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        special ideal_adjustment: Vec<IdealAdjustment> = Vec::new();
        /// Grouping of nearly equal positions for win probabilities.
        opt win_prob_grouping: WinProbGrouping = WinProbGrouping::Ktab;
    }
}

/// The settable keys, in KTAB's parameter order first.
pub const KEYS: &[&str] = SmpSettings::KEYS;

/// KTAB's parameter names, in list order.
pub const KTAB_ORDER: [&str; 9] = [
    VictoryProbModel::KTAB_NAME,
    PceModel::KTAB_NAME,
    StateTransitions::KTAB_NAME,
    VotingRule::KTAB_NAME,
    BigRAdjust::KTAB_NAME,
    BigRRange::KTAB_NAME,
    ThirdPartyCommit::KTAB_NAME,
    InterVecBrgn::KTAB_NAME,
    BargnModel::KTAB_NAME,
];

/// Maps a key written in any accepted style (`voting_rule`, `VotingRule`,
/// `voting-rule`) to its canonical snake_case key.
fn canonical_key(key: &str) -> Option<&'static str> {
    let k = normalise(key);
    let aliases: [(&str, &str); 5] = [
        ("vpm", "victory_prob_model"),
        ("pcem", "pce_model"),
        ("stm", "state_transitions"),
        ("vr", "voting_rule"),
        ("ivbrgn", "inter_vec_brgn"),
    ];
    if let Some((_, c)) = aliases.iter().find(|(a, _)| *a == k) {
        return Some(c);
    }
    KEYS.iter()
        .copied()
        .find(|c| normalise(c) == k)
        .or_else(|| KTAB_ORDER.iter().position(|n| normalise(n) == k).map(|i| KEYS[i]))
}

impl SmpSettings {
    /// Read KTAB's integer list `vpm,pcem,stm,vr,bigRAdj,bigRRng,tpCommit,ivBrgn,brgnMod`
    /// (other fields keep their defaults).
    pub fn from_ktab_list(list: &str) -> Result<SmpSettings, SettingError> {
        let mut s = SmpSettings::default();
        s.apply_ktab_list(list)?;
        Ok(s)
    }

    /// Set the nine parameters from KTAB's integer list, keeping the other fields.
    pub fn apply_ktab_list(&mut self, list: &str) -> Result<(), SettingError> {
        let cells: Vec<&str> = list.trim().split(',').map(str::trim).collect();
        let expected = format!("expected nine integers in KTAB's order: {}", KTAB_ORDER.join(","));
        if cells.len() != 9 {
            return Err(SettingError::KtabList(vec![format!(
                "KTAB parameter list `{list}` has {} values; {expected}",
                cells.len()
            )]));
        }
        let mut codes = [0i64; 9];
        let mut problems = Vec::new();
        for (k, cell) in cells.iter().enumerate() {
            match cell.parse::<i64>() {
                Ok(c) => codes[k] = c,
                Err(_) => problems.push(format!("{} (position {}) `{cell}` is not an integer", KTAB_ORDER[k], k + 1)),
            }
        }
        if !problems.is_empty() {
            problems.push(expected);
            return Err(SettingError::KtabList(problems));
        }
        fn pick<T: Copy>(
            k: usize,
            code: i64,
            names: &[&str],
            from: fn(i64) -> Option<T>,
            problems: &mut Vec<String>,
        ) -> Option<T> {
            let v = from(code);
            if v.is_none() {
                let range = names.iter().enumerate().map(|(i, n)| format!("{i} {n}")).collect::<Vec<_>>().join(", ");
                problems.push(format!("{} (position {}) must be one of {range}; got {code}", KTAB_ORDER[k], k + 1));
            }
            v
        }
        let mut next = self.clone();
        let p = &mut problems;
        if let Some(v) = pick(0, codes[0], VictoryProbModel::NAMES, VictoryProbModel::from_code, p) {
            next.victory_prob_model = v;
        }
        if let Some(v) = pick(1, codes[1], PceModel::NAMES, PceModel::from_code, p) {
            next.pce_model = v;
        }
        if let Some(v) = pick(2, codes[2], StateTransitions::NAMES, StateTransitions::from_code, p) {
            next.state_transitions = v;
        }
        if let Some(v) = pick(3, codes[3], VotingRule::NAMES, VotingRule::from_code, p) {
            next.voting_rule = v;
        }
        if let Some(v) = pick(4, codes[4], BigRAdjust::NAMES, BigRAdjust::from_code, p) {
            next.big_r_adjust = v;
        }
        if let Some(v) = pick(5, codes[5], BigRRange::NAMES, BigRRange::from_code, p) {
            next.big_r_range = v;
        }
        if let Some(v) = pick(6, codes[6], ThirdPartyCommit::NAMES, ThirdPartyCommit::from_code, p) {
            next.third_party_commit = v;
        }
        if let Some(v) = pick(7, codes[7], InterVecBrgn::NAMES, InterVecBrgn::from_code, p) {
            next.inter_vec_brgn = v;
        }
        if let Some(v) = pick(8, codes[8], BargnModel::NAMES, BargnModel::from_code, p) {
            next.bargn_model = v;
        }
        if !problems.is_empty() {
            return Err(SettingError::KtabList(problems));
        }
        next.check()?;
        *self = next;
        Ok(())
    }

    /// The nine parameters as KTAB's integer list.
    pub fn to_ktab_list(&self) -> String {
        [
            self.victory_prob_model.code(),
            self.pce_model.code(),
            self.state_transitions.code(),
            self.voting_rule.code(),
            self.big_r_adjust.code(),
            self.big_r_range.code(),
            self.third_party_commit.code(),
            self.inter_vec_brgn.code(),
            self.bargn_model.code(),
        ]
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(",")
    }

    /// Set one option by name (snake_case or KTAB's CamelCase) from text: a
    /// KTAB value name or integer code for the nine parameters, a number for
    /// the others. The settings are unchanged if the result would be invalid.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SettingError> {
        let Some(k) = canonical_key(key) else {
            return Err(SettingError::UnknownKey { engine: "smp", key: key.to_string(), hint: suggest(key, KEYS) });
        };
        let mut next = self.clone();
        next.set_declared(k, value).unwrap_or_else(|| Err(SettingError::NeedsTables { key: k.to_string() }))?;
        next.check()?;
        *self = next;
        Ok(())
    }

    /// Every option and its value as text, defaults included.
    pub fn entries(&self) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        self.declared_entries(&mut m);
        m.insert("ktab_params".into(), self.to_ktab_list());
        let adj = self
            .ideal_adjustment
            .iter()
            .map(|a| format!("{}->{}:{}", a.actor, a.toward, a.rate))
            .collect::<Vec<_>>()
            .join(";");
        m.insert("ideal_adjustment".into(), if adj.is_empty() { "identity".into() } else { adj });
        m
    }

    /// Problems with the settings on their own (references to actors are
    /// checked by the engine against the scenario).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.big_r_adjust == BigRAdjust::Full {
            out.push(
                "BigRAdjust = Full is not usable: every actor would then estimate utilities exactly as they are, \
                 and KTAB stops such runs (its check that each actor's view differs from the objective one fails); \
                 use TwoThirds for the closest usable setting"
                    .to_string(),
            );
        }
        if self.max_turns == 0 {
            out.push("max_turns must be at least 1".into());
        }
        if self.min_turns > self.max_turns {
            out.push(format!("min_turns ({}) is more than max_turns ({})", self.min_turns, self.max_turns));
        }
        if self.max_turns > 100_000 {
            out.push(format!("max_turns ({}) is more than the limit of 100000", self.max_turns));
        }
        if !(self.movement_ratio.is_finite() && self.movement_ratio >= 0.0) {
            out.push(format!("movement_ratio must be a non-negative number, got {}", self.movement_ratio));
        }
        for (k, a) in self.ideal_adjustment.iter().enumerate() {
            if !(a.rate.is_finite() && (0.0..=1.0).contains(&a.rate)) {
                out.push(format!(
                    "ideal_adjustment[{k}] ({} toward {}): rate must be between 0 and 1, got {}",
                    a.actor, a.toward, a.rate
                ));
            }
        }
        out
    }

    /// `Err` with every problem (shown one per line) if the settings are unusable.
    pub fn check(&self) -> Result<(), SettingError> {
        let p = self.problems();
        if p.is_empty() {
            Ok(())
        } else {
            Err(SettingError::Unusable(p))
        }
    }
}

fn decode_param<T: Copy>(
    t: &mut Table<'_>,
    key: &'static str,
    names: &[&str],
    parse: fn(&str) -> Option<T>,
    from_code: fn(i64) -> Option<T>,
    cx: &mut Cx,
) -> Option<T> {
    let n = t.take(key, cx)?;
    let path = t.field_path(key);
    match &n.value {
        Value::String(s) => match parse(s) {
            Some(v) => Some(v),
            None => {
                let hint = cx.hints.suggest(s, names);
                cx.error(&path, &n.span, format!("unknown value `{s}`")).hint = Some(hint);
                None
            }
        },
        Value::Integer(i) => match from_code(*i) {
            Some(v) => Some(v),
            None => {
                let range = names.iter().enumerate().map(|(i, n)| format!("{i} ({n})")).collect::<Vec<_>>().join(", ");
                cx.error(&path, &n.span, format!("code {i} is out of range")).hint = Some(format!("use {range}"));
                None
            }
        },
        _ => {
            cx.error(&path, &n.span, format!("expected a name or KTAB code, found {}", n.type_name())).hint =
                Some(format!("one of {}", names.join(", ")));
            None
        }
    }
}

pub(crate) fn decode(n: &Node, path: &str, cx: &mut Cx) -> Option<SmpSettings> {
    let mut t = Table::new(n, path, cx)?;
    let mut s = SmpSettings::default();
    let before = cx.diags.error_count();
    s.decode_declared(&mut t, cx);
    for (p, item) in t.list("ideal_adjustment", cx) {
        if let Some(mut e) = Table::new(item, &p, cx) {
            let actor = e.req_str("actor", cx);
            let toward = e.req_str("toward", cx);
            let rate = e.req_f64("rate", cx);
            e.finish(cx);
            if let (Some(actor), Some(toward), Some(rate)) = (actor, toward, rate) {
                s.ideal_adjustment.push(IdealAdjustment { actor, toward, rate });
            }
        }
    }
    let span = t.span().clone();
    let path = t.path().to_string();
    t.finish(cx);
    if cx.diags.error_count() == before {
        for p in s.problems() {
            cx.error(&path, &span, p);
        }
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ktab_list_round_trips_and_defaults_match_ktab() {
        let d = SmpSettings::default();
        assert_eq!(d.to_ktab_list(), "0,0,0,2,1,1,1,1,0");
        for list in ["1,1,0,2,1,1,1,1,0", "0,2,0,2,2,2,1,1,1", "0,0,0,3,1,1,2,0,0", "4,2,1,5,3,0,0,2,2"] {
            assert_eq!(SmpSettings::from_ktab_list(list).unwrap().to_ktab_list(), list);
        }
    }

    #[test]
    fn ktab_list_errors_name_the_parameter() {
        let e = SmpSettings::from_ktab_list("0,0,0,9,1,1,1,1,0").unwrap_err().to_string();
        assert!(e.contains("VotingRule") && e.contains("position 4"), "{e}");
        let e = SmpSettings::from_ktab_list("0,0,0").unwrap_err().to_string();
        assert!(e.contains("3 values"), "{e}");
        let e = SmpSettings::from_ktab_list("0,x,0,2,1,1,1,1,0").unwrap_err().to_string();
        assert!(e.contains("PCEModel"), "{e}");
        let e = SmpSettings::from_ktab_list("0,0,0,2,4,1,1,1,0").unwrap_err().to_string();
        assert!(e.contains("Full"), "{e}");
    }

    #[test]
    fn set_by_name_code_and_alias() {
        let mut s = SmpSettings::default();
        s.set("VotingRule", "PropCbc").unwrap();
        assert_eq!(s.voting_rule, VotingRule::PropCbc);
        s.set("voting_rule", "proportional").unwrap();
        assert_eq!(s.voting_rule, VotingRule::Prop);
        s.set("pce_model", "1").unwrap();
        assert_eq!(s.pce_model, PceModel::MarkovIncentive);
        s.set("big_r_adjust", "No").unwrap();
        assert_eq!(s.big_r_adjust, BigRAdjust::None);
        assert!(s.set("votingrul", "Prop").unwrap_err().to_string().contains("did you mean"));
        assert!(s.set("voting_rule", "Prob").unwrap_err().to_string().contains("did you mean `Prop`"));
        assert!(s.set("max_turns", "0").is_err());
        assert_eq!(s.max_turns, 100, "a rejected value leaves the settings unchanged");
        s.set("seed", "15455440707583219804").unwrap();
        assert_eq!(s.seed, KTAB_DEFAULT_SEED);
        assert_eq!(s.entries()["voting_rule"], "Prop");
    }
}
