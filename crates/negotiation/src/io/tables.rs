//! Table-form additive domains: the JSON the NegMAS baseline benchmarks dump
//! (`shared/bench/negmas/domains/domain_*.json`):
//!
//! ```json
//! {"issues": [{"name": "i0", "values": [0, 1, ...]}, ...],
//!  "agents": [{"name": "A", "weights": [...], "values": [[u(i0,v0), ...], ...], "reserved": 0.0}, ...]}
//! ```
//!
//! Per-value utilities are used as given (no rescaling); weights must sum to 1.

use serde_json::Value as Json;

use crate::domain::{Issue, OutcomeSpace};
use crate::error::NegotiationError;
use crate::utility::{AdditiveUtility, IssueUtility, Profile, Utility};

fn label(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn numbers(v: Option<&Json>, what: &str) -> Result<Vec<f64>, NegotiationError> {
    v.and_then(Json::as_array)
        .ok_or_else(|| NegotiationError::invalid(format!("{what} is not a list")))?
        .iter()
        .map(|x| {
            x.as_f64()
                .filter(|x| x.is_finite())
                .ok_or_else(|| NegotiationError::invalid(format!("{what}: {x} is not a number")))
        })
        .collect()
}

/// Parses a table-form domain and its agents' profiles.
pub fn parse(text: &str, name: &str) -> Result<(OutcomeSpace, Vec<Profile>), NegotiationError> {
    let doc: Json = serde_json::from_str(text)
        .map_err(|e| NegotiationError::parse(format!("line {}, column {}: {e}", e.line(), e.column())))?;
    let issues = doc
        .get("issues")
        .and_then(Json::as_array)
        .ok_or_else(|| NegotiationError::invalid("no 'issues' list"))?
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let iname = i.get("name").map(label).unwrap_or_else(|| format!("i{k}"));
            let values = i
                .get("values")
                .and_then(Json::as_array)
                .ok_or_else(|| NegotiationError::invalid(format!("issue '{iname}' has no 'values' list")))?
                .iter()
                .map(label)
                .collect();
            Issue::categorical(iname, values)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let space = OutcomeSpace::new(name, issues)?;
    let agents =
        doc.get("agents").and_then(Json::as_array).ok_or_else(|| NegotiationError::invalid("no 'agents' list"))?;
    let mut profiles = Vec::with_capacity(agents.len().min(1024));
    for (k, a) in agents.iter().enumerate() {
        let aname = a.get("name").map(label).unwrap_or_else(|| format!("agent{k}"));
        let weights = numbers(a.get("weights"), &format!("agent '{aname}' weights"))?;
        let tables = a
            .get("values")
            .and_then(Json::as_array)
            .ok_or_else(|| NegotiationError::invalid(format!("agent '{aname}' has no 'values' tables")))?
            .iter()
            .enumerate()
            .map(|(i, t)| numbers(Some(t), &format!("agent '{aname}' issue {i} values")).map(IssueUtility::Table))
            .collect::<Result<Vec<_>, _>>()?;
        let utility = AdditiveUtility::new(&space, weights, tables)
            .map_err(|e| NegotiationError::invalid(format!("agent '{aname}': {e}")))?;
        let reserved = a.get("reserved").and_then(Json::as_f64).unwrap_or(0.0);
        profiles.push(Profile::new(aname, Utility::Additive(utility)).with_reservation(reserved)?);
    }
    if profiles.is_empty() {
        return Err(NegotiationError::invalid("no agents"));
    }
    Ok((space, profiles))
}
