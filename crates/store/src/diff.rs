//! Comparing two runs: what changed in the scenario, the parameters and the
//! outcomes.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::record::RunSummary;
use crate::store::{Store, StoreError};

/// At most this many scenario or parameter changes are listed.
const MAX_CHANGES: usize = 1000;

/// One value that differs between two runs (`None`: absent on that side).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ValueChange {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One engine's outcome on one issue in both runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutcomeChange {
    pub engine: String,
    pub issue: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

impl OutcomeChange {
    pub fn delta(&self) -> Option<f64> {
        Some(self.after? - self.before?)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunDiff {
    pub a: RunSummary,
    pub b: RunSummary,
    pub same_scenario: bool,
    pub scenario_changes: Vec<ValueChange>,
    pub params_changes: Vec<ValueChange>,
    pub outcomes: Vec<OutcomeChange>,
    /// True when more changes existed than were listed.
    pub truncated: bool,
}

/// Compare runs `a` and `b`.
pub fn diff(store: &Store, a: i64, b: i64) -> Result<RunDiff, StoreError> {
    let ra = store.get(a)?;
    let rb = store.get(b)?;
    let mut truncated = false;
    let mut scenario_changes = Vec::new();
    json_diff("", Some(&ra.scenario), Some(&rb.scenario), &mut scenario_changes, &mut truncated);
    let mut params_changes = Vec::new();
    json_diff("", Some(&ra.params), Some(&rb.params), &mut params_changes, &mut truncated);
    let mut table: BTreeMap<(String, String), (Option<f64>, Option<f64>)> = BTreeMap::new();
    for o in store.outcomes(a)? {
        table.entry((o.engine, o.issue)).or_default().0 = Some(o.outcome);
    }
    for o in store.outcomes(b)? {
        table.entry((o.engine, o.issue)).or_default().1 = Some(o.outcome);
    }
    let outcomes = table
        .into_iter()
        .map(|((engine, issue), (before, after))| OutcomeChange { engine, issue, before, after })
        .collect();
    Ok(RunDiff {
        same_scenario: ra.summary.scenario_hash == rb.summary.scenario_hash,
        a: ra.summary,
        b: rb.summary,
        scenario_changes,
        params_changes,
        outcomes,
        truncated,
    })
}

/// The key an array element is matched by: its `id`, or `actor/issue` for
/// stances, or `from->to` for relations; `None` falls back to the index.
fn element_key(v: &Value) -> Option<String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    if let Some(id) = s("id") {
        return Some(id.to_string());
    }
    if let (Some(a), Some(i)) = (s("actor"), s("issue")) {
        return Some(format!("{a}/{i}"));
    }
    if let (Some(k), Some(f), Some(t)) = (s("kind"), s("from"), s("to")) {
        return Some(format!("{k}:{f}->{t}"));
    }
    None
}

fn json_diff(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<ValueChange>, truncated: &mut bool) {
    if a == b {
        return;
    }
    let mut push = |before: Option<&Value>, after: Option<&Value>| {
        if out.len() >= MAX_CHANGES {
            *truncated = true;
        } else {
            out.push(ValueChange { path: path.to_string(), before: before.cloned(), after: after.cloned() });
        }
    };
    match (a, b) {
        (Some(Value::Object(x)), Some(Value::Object(y))) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                json_diff(&p, x.get(k), y.get(k), out, truncated);
            }
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            let keyed = x.iter().chain(y).all(|v| element_key(v).is_some());
            if keyed {
                let map = |v: &Vec<Value>| -> BTreeMap<String, Value> {
                    v.iter().filter_map(|e| Some((element_key(e)?, e.clone()))).collect()
                };
                let (mx, my) = (map(x), map(y));
                let keys: std::collections::BTreeSet<&String> = mx.keys().chain(my.keys()).collect();
                for k in keys {
                    json_diff(&format!("{path}[{k}]"), mx.get(k), my.get(k), out, truncated);
                }
            } else {
                for i in 0..x.len().max(y.len()) {
                    json_diff(&format!("{path}[{i}]"), x.get(i), y.get(i), out, truncated);
                }
            }
        }
        _ => push(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_arrays_match_by_id() {
        let a: Value = serde_json::json!({"actors": [{"id": "a", "capability": 1.0}, {"id": "b", "capability": 2.0}]});
        let b: Value = serde_json::json!({"actors": [{"id": "b", "capability": 3.0}, {"id": "a", "capability": 1.0}]});
        let mut out = Vec::new();
        let mut t = false;
        json_diff("", Some(&a), Some(&b), &mut out, &mut t);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].path, "actors[b].capability");
        assert_eq!(out[0].before, Some(serde_json::json!(2.0)));
        assert_eq!(out[0].after, Some(serde_json::json!(3.0)));
    }
}
