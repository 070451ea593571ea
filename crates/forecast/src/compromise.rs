//! The compromise model: the capability × salience weighted mean of positions.
//!
//! `x* = Σ cᵢ sᵢ xᵢ / Σ cᵢ sᵢ` — the best-performing simple baseline in the EU
//! decision-making literature (Achen 2006, in Thomson et al., *The European
//! Union Decides*). See docs/models.md.

use std::collections::BTreeMap;

use demarche_scenario::IssueView;

use crate::engine::{EngineError, IssueEngine, Observer, Request};
use crate::forecast::IssueForecast;

#[derive(Clone, Debug, Default)]
pub struct Compromise;

/// The weighted mean `Σ wᵢ xᵢ / Σ wᵢ`, or `None` when the weights sum to zero.
pub fn weighted_mean(x: &[f64], w: &[f64]) -> Option<f64> {
    let total: f64 = w.iter().sum();
    if !(total > 0.0) {
        return None;
    }
    let sum: f64 = x.iter().zip(w).map(|(x, w)| x * w).sum();
    // Rounding can push the mean a hair outside the positions' hull; clamp it back.
    let (lo, hi) = x.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    Some((sum / total).clamp(lo, hi))
}

impl IssueEngine for Compromise {
    fn name(&self) -> &'static str {
        "compromise"
    }

    fn settings(&self) -> BTreeMap<String, String> {
        BTreeMap::from([("weights".into(), "capability*salience".into())])
    }

    fn forecast_issue(
        &self,
        v: &IssueView<'_>,
        _: &Request,
        _: &mut dyn Observer,
    ) -> Result<IssueForecast, EngineError> {
        let w: Vec<f64> = v.capability.iter().zip(&v.salience).map(|(c, s)| c * s).collect();
        let mut notes = Vec::new();
        let outcome = match weighted_mean(&v.position, &w) {
            Some(x) => x,
            None => {
                notes.push("every participant has salience 0; weighting by capability alone".to_string());
                weighted_mean(&v.position, &v.capability).unwrap_or(v.position[0])
            }
        };
        Ok(IssueForecast::closed_form(v, outcome, BTreeMap::from([("weight_total".into(), w.iter().sum())]), notes))
    }
}
