//! Strategies by name, with parameters: `boulware`, `timedep:e=0.2`, `staller:share=0.8:e=2`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Aspiration, HardLiner, NegmasTimeBased, RandomStrategy, Staller, Strategy, TimeDependent, TitForTat};
use crate::error::NegotiationError;

/// Every strategy name [`StrategySpec::parse`] knows.
pub const STRATEGY_NAMES: &[&str] =
    &["boulware", "linear", "conceder", "timedep", "aspiration", "tft", "hardliner", "random", "staller", "negmas"];

/// NegMAS's time-based negotiators (`negmas:NAME`), as NegMAS 0.16 defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NegmasCurve {
    /// `BoulwareTBNegotiator`: `1 − t⁴`.
    Boulware,
    /// `LinearTBNegotiator`: `1 − t`.
    Linear,
    /// `ConcederTBNegotiator`: `1 − t^¼`.
    Conceder,
    /// `AspirationNegotiator()`: `1 − t⁴` with a tolerance of 10⁻³.
    Aspiration,
}

impl NegmasCurve {
    /// Every name, as `negmas:NAME` takes it.
    pub const NAMES: [&'static str; 4] = ["boulware", "linear", "conceder", "aspiration"];

    fn parse(name: &str) -> Option<Self> {
        match name {
            "boulware" => Some(NegmasCurve::Boulware),
            "linear" => Some(NegmasCurve::Linear),
            "conceder" => Some(NegmasCurve::Conceder),
            "aspiration" => Some(NegmasCurve::Aspiration),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// NegMAS's `PolyAspiration` exponent and its offer/acceptance slack.
    fn exponent_and_slack(self) -> (f64, f64) {
        match self {
            NegmasCurve::Boulware => (4.0, 1e-4),
            NegmasCurve::Linear => (1.0, 1e-4),
            NegmasCurve::Conceder => (0.25, 1e-4),
            NegmasCurve::Aspiration => (4.0, 1e-3),
        }
    }
}

/// Default exponents of the named time-dependent presets (Genius's Boulware and Conceder
/// agents use 0.2 and 2).
const BOULWARE_E: f64 = 0.2;
const LINEAR_E: f64 = 1.0;
const CONCEDER_E: f64 = 2.0;
const DEFAULT_BETA: f64 = 3.0;
const DEFAULT_ACCEPT: f64 = 0.1;

/// Builds a spec from parsed parameters.
type Builder = fn(&Params) -> Result<StrategySpec, NegotiationError>;

/// A strategy and its parameters: a recipe that builds a fresh [`Strategy`] per negotiation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StrategySpec {
    /// [`TimeDependent`] with exponent `e`.
    TimeDependent { e: f64 },
    /// [`Aspiration`] with curvature `beta`.
    Aspiration { beta: f64 },
    /// [`TitForTat`].
    TitForTat,
    /// [`HardLiner`] accepting within `margin` of its best.
    HardLiner { margin: f64 },
    /// [`RandomStrategy`] accepting with probability `accept`.
    Random { accept: f64 },
    /// [`Staller`].
    Staller { share: f64, margin: f64, e: f64 },
    /// [`NegmasTimeBased`] with one of NegMAS's curves.
    Negmas { curve: NegmasCurve },
}

impl StrategySpec {
    /// Parses `name[:key=value]...`; see the module docs of [`crate::strategy`] for names.
    /// Unknown names and parameters are errors that suggest the nearest valid one.
    pub fn parse(text: &str) -> Result<Self, NegotiationError> {
        let text = text.trim();
        let mut parts = text.split(':');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        if name == "negmas" {
            let curve = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let extra: Vec<&str> = parts.collect();
            return match NegmasCurve::parse(&curve) {
                Some(curve) if extra.is_empty() => Ok(StrategySpec::Negmas { curve }),
                Some(_) => Err(NegotiationError::invalid(format!(
                    "strategy '{text}': NegMAS's negotiators take no parameters (for another exponent, \
                     timedep:e=E is demarche's curve with e = 1/x)"
                ))),
                None => Err(NegotiationError::invalid(format!(
                    "strategy '{text}': NegMAS's time-based negotiators are negmas:{}{}",
                    NegmasCurve::NAMES.join(", negmas:"),
                    suggest(&curve, &NegmasCurve::NAMES)
                        .map(|s| format!(" (did you mean 'negmas:{s}'?)"))
                        .unwrap_or_default()
                ))),
            };
        }
        let mut params: Vec<(String, f64)> = Vec::new();
        for part in parts {
            let (k, v) = part.split_once('=').ok_or_else(|| {
                NegotiationError::invalid(format!("strategy '{text}': parameter '{part}' is not key=value"))
            })?;
            let value: f64 = v.trim().parse().map_err(|_| {
                NegotiationError::invalid(format!("strategy '{text}': '{v}' is not a number (parameter '{k}')"))
            })?;
            if !value.is_finite() {
                return Err(NegotiationError::invalid(format!("strategy '{text}': '{k}' must be finite")));
            }
            params.push((k.trim().to_ascii_lowercase(), value));
        }
        let (allowed, spec): (&[&str], Builder) = match name.as_str() {
            "boulware" => (&["e"], |p| Ok(StrategySpec::TimeDependent { e: p.positive("e", BOULWARE_E)? })),
            "linear" => (&[], |_| Ok(StrategySpec::TimeDependent { e: LINEAR_E })),
            "conceder" => (&["e"], |p| Ok(StrategySpec::TimeDependent { e: p.positive("e", CONCEDER_E)? })),
            "timedep" | "time-dependent" | "timedependent" => {
                (&["e"], |p| Ok(StrategySpec::TimeDependent { e: p.positive("e", LINEAR_E)? }))
            }
            "aspiration" => (&["beta"], |p| Ok(StrategySpec::Aspiration { beta: p.get("beta", DEFAULT_BETA) })),
            "tft" | "titfortat" | "tit-for-tat" => (&[], |_| Ok(StrategySpec::TitForTat)),
            "hardliner" | "hard-liner" | "hardheaded" => {
                (&["margin"], |p| Ok(StrategySpec::HardLiner { margin: p.unit("margin", 0.0)? }))
            }
            "random" => (&["accept"], |p| Ok(StrategySpec::Random { accept: p.unit("accept", DEFAULT_ACCEPT)? })),
            "staller" => (&["share", "margin", "e"], |p| {
                Ok(StrategySpec::Staller {
                    share: p.unit("share", 0.8)?,
                    margin: p.unit("margin", 0.05)?,
                    e: p.positive("e", 1.0)?,
                })
            }),
            _ => {
                return Err(NegotiationError::invalid(format!(
                    "unknown strategy '{name}'{}; known: {}",
                    suggest(&name, STRATEGY_NAMES).map(|s| format!(" (did you mean '{s}'?)")).unwrap_or_default(),
                    STRATEGY_NAMES.join(", ")
                )))
            }
        };
        let mut seen: Vec<&str> = Vec::new();
        for (k, _) in &params {
            if !allowed.contains(&k.as_str()) {
                let hint = if allowed.is_empty() {
                    format!("'{name}' takes no parameters")
                } else {
                    let near = suggest(k, allowed).map(|s| format!("did you mean '{s}'? ")).unwrap_or_default();
                    format!("{near}'{name}' takes: {}", allowed.join(", "))
                };
                return Err(NegotiationError::invalid(format!("strategy '{text}': unknown parameter '{k}' ({hint})")));
            }
            if seen.contains(&k.as_str()) {
                return Err(NegotiationError::invalid(format!("strategy '{text}': parameter '{k}' given twice")));
            }
            seen.push(k);
        }
        spec(&Params { text, params: &params })
    }

    /// Parses a comma-separated list of strategies.
    pub fn parse_list(text: &str) -> Result<Vec<Self>, NegotiationError> {
        let specs: Vec<Self> =
            text.split(',').filter(|s| !s.trim().is_empty()).map(Self::parse).collect::<Result<_, _>>()?;
        if specs.is_empty() {
            return Err(NegotiationError::invalid("no strategies given"));
        }
        Ok(specs)
    }

    /// A fresh strategy for one negotiation; `seed` feeds its random generator, if any.
    pub fn build(&self, seed: u64) -> Box<dyn Strategy> {
        match *self {
            StrategySpec::TimeDependent { e } => Box::new(TimeDependent::new(e)),
            StrategySpec::Aspiration { beta } => Box::new(Aspiration::new(beta)),
            StrategySpec::TitForTat => Box::new(TitForTat::new()),
            StrategySpec::HardLiner { margin } => Box::new(HardLiner::new(margin)),
            StrategySpec::Random { accept } => Box::new(RandomStrategy::new(accept, seed)),
            StrategySpec::Staller { share, margin, e } => Box::new(Staller::new(share, margin, e)),
            StrategySpec::Negmas { curve } => {
                let (exponent, slack) = curve.exponent_and_slack();
                Box::new(NegmasTimeBased::new(exponent, slack))
            }
        }
    }
}

impl fmt::Display for StrategySpec {
    /// The canonical name, parseable back by [`StrategySpec::parse`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            StrategySpec::TimeDependent { e } if e == BOULWARE_E => write!(f, "boulware"),
            StrategySpec::TimeDependent { e } if e == LINEAR_E => write!(f, "linear"),
            StrategySpec::TimeDependent { e } if e == CONCEDER_E => write!(f, "conceder"),
            StrategySpec::TimeDependent { e } => write!(f, "timedep:e={e}"),
            StrategySpec::Aspiration { beta } => match beta == DEFAULT_BETA {
                true => write!(f, "aspiration"),
                false => write!(f, "aspiration:beta={beta}"),
            },
            StrategySpec::TitForTat => write!(f, "tft"),
            StrategySpec::HardLiner { margin } => match margin == 0.0 {
                true => write!(f, "hardliner"),
                false => write!(f, "hardliner:margin={margin}"),
            },
            StrategySpec::Random { accept } => match accept == DEFAULT_ACCEPT {
                true => write!(f, "random"),
                false => write!(f, "random:accept={accept}"),
            },
            StrategySpec::Staller { share, margin, e } => write!(f, "staller:share={share}:margin={margin}:e={e}"),
            StrategySpec::Negmas { curve } => write!(f, "negmas:{}", curve.name()),
        }
    }
}

impl FromStr for StrategySpec {
    type Err = NegotiationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

struct Params<'a> {
    text: &'a str,
    params: &'a [(String, f64)],
}

impl Params<'_> {
    fn get(&self, key: &str, default: f64) -> f64 {
        self.params.iter().find(|(k, _)| k == key).map(|(_, v)| *v).unwrap_or(default)
    }

    fn positive(&self, key: &str, default: f64) -> Result<f64, NegotiationError> {
        let v = self.get(key, default);
        if v > 0.0 {
            Ok(v)
        } else {
            Err(NegotiationError::invalid(format!("strategy '{}': '{key}' must be positive, got {v}", self.text)))
        }
    }

    fn unit(&self, key: &str, default: f64) -> Result<f64, NegotiationError> {
        let v = self.get(key, default);
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(NegotiationError::invalid(format!("strategy '{}': '{key}' must lie in [0, 1], got {v}", self.text)))
        }
    }
}

/// The candidate nearest to `word` by edit distance, if reasonably near.
fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(word, c), *c))
        .min()
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 2).max(2))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negmas_names_round_trip_and_mistakes_are_explained() {
        for name in NegmasCurve::NAMES {
            let text = format!("negmas:{name}");
            let spec = StrategySpec::parse(&text).unwrap();
            assert_eq!(spec.to_string(), text);
        }
        let err = StrategySpec::parse("negmas:bulware").unwrap_err().to_string();
        assert!(err.contains("did you mean 'negmas:boulware'"), "{err}");
        let err = StrategySpec::parse("negmas:boulware:e=2").unwrap_err().to_string();
        assert!(err.contains("take no parameters"), "{err}");
        // Genius's names keep Genius's exponents.
        assert_eq!(StrategySpec::parse("boulware").unwrap(), StrategySpec::TimeDependent { e: 0.2 });
    }
}
