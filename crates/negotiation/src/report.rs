//! [`FrontierReport`]: everything `demarche frontier` prints, serialisable to JSON.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::domain::{OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::io::LoadedDomain;
use crate::pareto::{pareto_frontier, FrontierMethod, FrontierOptions, FrontierPoint};
use crate::solutions::{solutions, Disagreement, Zopa};
use crate::utility::Profile;

/// Largest space the ZOPA is counted in by enumeration.
pub const ZOPA_COUNT_LIMIT: u128 = 20_000_000;

/// An outcome as issue name → value label, serialised as a JSON object in issue order.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedOutcome(pub Vec<(String, String)>);

impl Serialize for NamedOutcome {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// One point of the report: an outcome and its utility for each party (profile order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportPoint {
    pub outcome: NamedOutcome,
    pub utility: Vec<f64>,
    /// Number of outcomes with exactly these utilities.
    pub multiplicity: u64,
}

impl ReportPoint {
    fn new(space: &OutcomeSpace, p: &FrontierPoint) -> Self {
        ReportPoint {
            outcome: NamedOutcome(space.labels(&p.outcome)),
            utility: p.utilities.clone(),
            multiplicity: p.multiplicity,
        }
    }
}

/// The frontier analysis of a domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrontierReport {
    /// Domain name.
    pub domain: String,
    /// Party (profile) names, in the order utilities are listed.
    pub parties: Vec<String>,
    /// Each party's reservation value (the disagreement point).
    pub reservation: Vec<f64>,
    /// The disagreement point the solutions measure gains from.
    pub disagreement: Vec<f64>,
    /// The ideal point (each party's best acceptable utility).
    pub ideal: Vec<f64>,
    /// Number of outcomes (`null` for continuous spaces); saturates at 2¹²⁸−1.
    pub outcome_space_size: Option<u128>,
    /// How the frontier was computed.
    pub method: FrontierMethod,
    /// True when continuous issues were sampled on a grid.
    pub approximate: bool,
    /// The frontier, first party's utility descending.
    pub frontier: Vec<ReportPoint>,
    /// Nash bargaining point (max product of gains over reservation values).
    pub nash: Option<ReportPoint>,
    /// Kalai–Smorodinsky point (max of the smallest gain relative to the ideal gain).
    pub kalai_smorodinsky: Option<ReportPoint>,
    /// Egalitarian point (max of the smallest absolute gain).
    pub egalitarian: Option<ReportPoint>,
    /// Maximum utilitarian welfare (sum of utilities) among acceptable points.
    pub max_welfare: Option<ReportPoint>,
    /// The zone of possible agreement.
    pub zopa: Zopa,
}

impl FrontierReport {
    /// Computes the report for `profiles` over `space`.
    pub fn compute(
        space: &OutcomeSpace,
        profiles: &[Profile],
        options: &FrontierOptions,
        convention: Disagreement,
    ) -> Result<Self, NegotiationError> {
        let frontier = pareto_frontier(space, profiles, options)?;
        Self::from_frontier(space, profiles, frontier, options, convention)
    }

    /// The report of a frontier already known (e.g. Genius's shipped `pareto.xml`).
    pub fn from_frontier(
        space: &OutcomeSpace,
        profiles: &[Profile],
        frontier: crate::pareto::ParetoFrontier,
        options: &FrontierOptions,
        convention: Disagreement,
    ) -> Result<Self, NegotiationError> {
        let r: Vec<f64> = profiles.iter().map(|p| p.reservation).collect();
        let sol = solutions(&frontier, &r, convention);
        let z = crate::solutions::zopa_sampled(
            space,
            profiles,
            &frontier,
            ZOPA_COUNT_LIMIT.min(options.max_enumeration),
            options.continuous_samples,
        )?;
        let pick = |k: Option<usize>| k.map(|k| ReportPoint::new(space, &frontier.points[k]));
        Ok(FrontierReport {
            domain: space.name.clone(),
            parties: profiles.iter().map(|p| p.name.clone()).collect(),
            reservation: r,
            disagreement: sol.disagreement.clone(),
            ideal: sol.ideal.clone(),
            outcome_space_size: space.size(),
            method: frontier.method,
            approximate: frontier.approximate,
            frontier: frontier.points.iter().map(|p| ReportPoint::new(space, p)).collect(),
            nash: pick(sol.nash),
            kalai_smorodinsky: pick(sol.kalai_smorodinsky),
            egalitarian: pick(sol.egalitarian),
            max_welfare: pick(sol.max_welfare),
            zopa: z,
        })
    }

    /// Computes the report for a loaded domain.
    pub fn for_domain(domain: &LoadedDomain, options: &FrontierOptions) -> Result<Self, NegotiationError> {
        Self::compute(&domain.space, &domain.profiles, options, Disagreement::default())
    }

    /// A plain-text table: one line per frontier point, then the named solutions.
    pub fn to_table(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let size = match self.outcome_space_size {
            Some(u128::MAX) => "more than 3.4·10³⁸".to_string(),
            Some(n) => n.to_string(),
            None => "continuous".into(),
        };
        let _ = writeln!(s, "domain {}: {} outcomes, parties {}", self.domain, size, self.parties.join(", "));
        let _ = writeln!(
            s,
            "frontier: {} points ({:?}{})",
            self.frontier.len(),
            self.method,
            if self.approximate { ", continuous issues sampled" } else { "" }
        );
        let fmt_u = |u: &[f64]| u.iter().map(|x| format!("{x:.6}")).collect::<Vec<_>>().join("  ");
        let fmt_o = |o: &NamedOutcome| o.0.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
        for p in &self.frontier {
            let _ = writeln!(s, "  {}  | {}", fmt_u(&p.utility), fmt_o(&p.outcome));
        }
        for (name, p) in [
            ("nash", &self.nash),
            ("kalai_smorodinsky", &self.kalai_smorodinsky),
            ("egalitarian", &self.egalitarian),
            ("max_welfare", &self.max_welfare),
        ] {
            match p {
                Some(p) => {
                    let _ = writeln!(s, "{name:>18}: {}  | {}", fmt_u(&p.utility), fmt_o(&p.outcome));
                }
                None => {
                    let _ = writeln!(s, "{name:>18}: none (no agreement meets every reservation value)");
                }
            }
        }
        let zs = match (self.zopa.size, self.zopa.sampled) {
            (Some(n), _) => n.to_string(),
            (None, Some(z)) => format!(
                "{} of the {} grid outcomes ({} points per continuous issue) are",
                z.acceptable, z.of, z.samples
            ),
            (None, None) if self.outcome_space_size.is_none() => "not counted (continuous space)".into(),
            (None, None) => "not counted (space too large)".into(),
        };
        let outcomes = if self.zopa.sampled.is_some() { "" } else { " outcomes" };
        let _ = writeln!(s, "zopa: {zs}{outcomes} acceptable to all; {} frontier points", self.zopa.frontier_points);
        s
    }
}

/// Converts an outcome to labels (re-exported for callers that hold raw outcomes).
pub fn outcome_labels(space: &OutcomeSpace, outcome: &[Value]) -> NamedOutcome {
    NamedOutcome(space.labels(outcome))
}
