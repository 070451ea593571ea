//! GeniusWeb JSON domains (`{"name", "issuesValues"}`) and linear-additive profiles
//! (`{"LinearAdditiveUtilitySpace": {"issueUtilities", "issueWeights", "domain", "name",
//! "reservationBid"?}}`), as used by ANL 2022–2023.
//!
//! Per-issue utilities may be keyed `DiscreteValueSetUtilities` (current) or `discreteutils`
//! (older files); numeric issues use `NumberValueSetUtilities` / `numberutils` with
//! `lowValue, lowUtility, highValue, highUtility`. Issue order is the order of
//! `issuesValues` in the file. A value a profile leaves out is worth 0, as in GeniusWeb.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value as Json;

use crate::domain::{Issue, OutcomeSpace, Value};
use crate::error::NegotiationError;
use crate::utility::{AdditiveUtility, IssueUtility, Profile, Utility};

/// At most this many values in a GeniusWeb number range (`low..high` by `step`).
const MAX_RANGE_VALUES: f64 = 1_000_000.0;

/// A JSON object read in file order (serde_json's own map is sorted by key).
#[derive(Debug, Clone)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for V2<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, V>()? {
                    if out.iter().any(|(e, _)| *e == k) {
                        return Err(serde::de::Error::custom(format!("key '{k}' appears twice")));
                    }
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

#[derive(serde::Deserialize)]
struct DomainJson {
    name: Option<String>,
    #[serde(rename = "issuesValues")]
    issues_values: OrderedMap<Json>,
}

/// Whether a parsed JSON document looks like a GeniusWeb domain.
pub fn is_domain(doc: &Json) -> bool {
    doc.get("issuesValues").is_some()
}

/// Whether a parsed JSON document looks like a GeniusWeb profile.
pub fn is_profile(doc: &Json) -> bool {
    doc.get("LinearAdditiveUtilitySpace").is_some()
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, NegotiationError> {
    serde_json::from_str(text)
        .map_err(|e| NegotiationError::parse(format!("line {}, column {}: {e}", e.line(), e.column())))
}

fn number_label(x: f64) -> String {
    // Shortest round-trip form, without a trailing ".0" for integers.
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn parse_issue(name: &str, spec: &Json) -> Result<Issue, NegotiationError> {
    if let Some(values) = spec.get("values") {
        let arr = values
            .as_array()
            .ok_or_else(|| NegotiationError::invalid(format!("issue '{name}': 'values' is not a list")))?;
        let labels = arr
            .iter()
            .map(|v| match v {
                Json::String(s) => Ok(s.clone()),
                Json::Number(n) => Ok(n.to_string()),
                other => Err(NegotiationError::invalid(format!("issue '{name}': value {other} is not a string"))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Issue::categorical(name, labels);
    }
    if let Some(range) = spec.get("range") {
        let num = |k: &str| {
            range
                .get(k)
                .and_then(Json::as_f64)
                .filter(|x| x.is_finite())
                .ok_or_else(|| NegotiationError::invalid(format!("issue '{name}': range needs a numeric '{k}'")))
        };
        let (low, high, step) = (num("low")?, num("high")?, num("step")?);
        if step <= 0.0 || high < low {
            return Err(NegotiationError::invalid(format!("issue '{name}': bad range {low}..{high} step {step}")));
        }
        let count = ((high - low) / step + 1e-9).floor() + 1.0;
        if count > MAX_RANGE_VALUES {
            return Err(NegotiationError::invalid(format!(
                "issue '{name}': range has {count} values (at most {MAX_RANGE_VALUES})"
            )));
        }
        let labels = (0..count as usize).map(|k| number_label(low + step * k as f64)).collect();
        return Issue::ordinal(name, labels);
    }
    Err(NegotiationError::invalid(format!("issue '{name}': expected 'values' or 'range'")))
}

/// Reads a GeniusWeb domain from JSON text.
pub fn parse_domain(text: &str, fallback_name: &str) -> Result<OutcomeSpace, NegotiationError> {
    let d: DomainJson = parse_json(text)?;
    domain_from(d, fallback_name)
}

fn domain_from(d: DomainJson, fallback_name: &str) -> Result<OutcomeSpace, NegotiationError> {
    let issues = d.issues_values.0.iter().map(|(k, v)| parse_issue(k, v)).collect::<Result<Vec<_>, _>>()?;
    OutcomeSpace::new(d.name.unwrap_or_else(|| fallback_name.to_string()), issues)
}

/// Reads the domain embedded in a GeniusWeb profile (`LinearAdditiveUtilitySpace.domain`).
pub fn parse_embedded_domain(text: &str, fallback_name: &str) -> Result<OutcomeSpace, NegotiationError> {
    #[derive(serde::Deserialize)]
    struct Inner {
        domain: DomainJson,
    }
    #[derive(serde::Deserialize)]
    struct Outer {
        #[serde(rename = "LinearAdditiveUtilitySpace")]
        space: Inner,
    }
    let o: Outer = parse_json(text)?;
    domain_from(o.space.domain, fallback_name)
}

fn value_utilities<'a>(issue: &str, spec: &'a Json) -> Result<(&'a str, &'a Json), NegotiationError> {
    for key in ["DiscreteValueSetUtilities", "discreteutils", "NumberValueSetUtilities", "numberutils"] {
        if let Some(v) = spec.get(key) {
            return Ok((key, v));
        }
    }
    Err(NegotiationError::invalid(format!(
        "issue '{issue}': expected DiscreteValueSetUtilities/discreteutils or NumberValueSetUtilities/numberutils"
    )))
}

fn finite(x: Option<f64>, what: &str) -> Result<f64, NegotiationError> {
    x.filter(|x| x.is_finite()).ok_or_else(|| NegotiationError::invalid(format!("{what} is not a number")))
}

fn issue_evaluator(issue: &Issue, spec: &Json) -> Result<IssueUtility, NegotiationError> {
    let (kind, body) = value_utilities(&issue.name, spec)?;
    let card = issue.cardinality().unwrap_or(0) as usize;
    if kind.starts_with('D') || kind.starts_with('d') {
        let map = body
            .get("valueUtilities")
            .and_then(Json::as_object)
            .ok_or_else(|| NegotiationError::invalid(format!("issue '{}': no 'valueUtilities' object", issue.name)))?;
        let mut table = vec![0.0; card];
        for (value, u) in map {
            let k = issue.index_of(value).ok_or_else(|| {
                NegotiationError::invalid(format!("issue '{}' has no value '{value}' in the domain", issue.name))
            })? as usize;
            let u = finite(u.as_f64(), &format!("utility of '{value}' on issue '{}'", issue.name))?;
            if !(0.0..=1.0).contains(&u) {
                return Err(NegotiationError::invalid(format!(
                    "utility {u} of '{value}' on issue '{}' is outside [0, 1]",
                    issue.name
                )));
            }
            table[k] = u;
        }
        Ok(IssueUtility::Table(table))
    } else {
        let get = |k: &str| finite(body.get(k).and_then(Json::as_f64), &format!("issue '{}': {k}", issue.name));
        let (lv, lu, hv, hu) = (get("lowValue")?, get("lowUtility")?, get("highValue")?, get("highUtility")?);
        if hv < lv {
            return Err(NegotiationError::invalid(format!("issue '{}': highValue < lowValue", issue.name)));
        }
        // Number ranges are ordinal issues with numeric labels: tabulate the line.
        let mut table = Vec::with_capacity(card);
        for k in 0..card {
            let x: f64 = issue.label(Value::Index(k as u32)).parse().map_err(|_| {
                NegotiationError::invalid(format!(
                    "issue '{}' has non-numeric values but numeric utilities",
                    issue.name
                ))
            })?;
            let u = if hv == lv { lu } else { lu + (hu - lu) * ((x - lv) / (hv - lv)).clamp(0.0, 1.0) };
            table.push(u);
        }
        Ok(IssueUtility::Table(table))
    }
}

/// Reads a GeniusWeb linear-additive profile over `space` from JSON text.
pub fn parse_profile(text: &str, space: &OutcomeSpace, fallback_name: &str) -> Result<Profile, NegotiationError> {
    let doc: Json = parse_json(text)?;
    let body = doc
        .get("LinearAdditiveUtilitySpace")
        .ok_or_else(|| NegotiationError::invalid("not a GeniusWeb profile: no 'LinearAdditiveUtilitySpace' object"))?;
    let utils = body
        .get("issueUtilities")
        .and_then(Json::as_object)
        .ok_or_else(|| NegotiationError::invalid("profile has no 'issueUtilities' object"))?;
    let weights = body
        .get("issueWeights")
        .and_then(Json::as_object)
        .ok_or_else(|| NegotiationError::invalid("profile has no 'issueWeights' object"))?;
    for key in utils.keys().chain(weights.keys()) {
        if space.issue_index(key).is_none() {
            return Err(NegotiationError::invalid(format!("profile names issue '{key}', which is not in the domain")));
        }
    }
    let mut ws = Vec::with_capacity(space.len());
    let mut evs = Vec::with_capacity(space.len());
    for issue in &space.issues {
        let w = weights
            .get(&issue.name)
            .ok_or_else(|| NegotiationError::invalid(format!("issue '{}' has no weight", issue.name)))?;
        ws.push(finite(w.as_f64(), &format!("weight of issue '{}'", issue.name))?);
        let spec = utils
            .get(&issue.name)
            .ok_or_else(|| NegotiationError::invalid(format!("profile does not evaluate issue '{}'", issue.name)))?;
        evs.push(issue_evaluator(issue, spec)?);
    }
    let additive = AdditiveUtility::new(space, ws, evs)?;
    let name = body.get("name").and_then(Json::as_str).unwrap_or(fallback_name).to_string();
    let mut reservation = 0.0;
    if let Some(bid) = body.get("reservationBid").filter(|b| !b.is_null()) {
        let values = bid
            .get("issuevalues")
            .and_then(Json::as_object)
            .ok_or_else(|| NegotiationError::invalid("reservationBid has no 'issuevalues' object"))?;
        let mut pairs = Vec::with_capacity(values.len());
        for (k, v) in values {
            let text = match v {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                other => {
                    return Err(NegotiationError::invalid(format!("reservationBid value {other} is not a string")))
                }
            };
            pairs.push((k.clone(), text));
        }
        let outcome = space.outcome_from_names(pairs.iter().map(|(a, b)| (a.as_str(), b.as_str())))?;
        reservation = crate::utility::UtilityFunction::utility(&additive, &outcome);
    }
    Profile::new(name, Utility::Additive(additive)).with_reservation(reservation)
}
