//! Genius XML domains (`negotiation_template`) and profiles (`utility_space`).
//!
//! Semantics follow Genius, not NegMAS: a discrete issue's evaluations are divided by the
//! issue's largest evaluation, so each issue contributes `w_i · eval/max_eval ∈ [0, w_i]`
//! and utilities lie on Genius's 0–1 scale. Weights are used as written (Genius does not
//! renormalise them; the Laptop profiles sum to 1.0000518 and their best outcome is worth
//! 1.0000518). Integer and real issues use Genius's linear evaluators, clamped to [0, 1]
//! (see [`linear_evaluator`]). Nonlinear (`type="nonlinear"`) profiles are hyper-rectangle sums divided by
//! `maxutility`.

use crate::domain::{Issue, IssueValues, OutcomeSpace};
use crate::error::NegotiationError;
use crate::io::xml::{self, Element};
use crate::nonlinear::{HyperRectangle, HyperRectangleUtility};
use crate::utility::{AdditiveUtility, Discount, IssueUtility, Profile, Utility};
use std::sync::Arc;

/// A Genius domain: the space plus each issue's `index` attribute (profiles refer to issues
/// by it).
#[derive(Debug, Clone)]
pub struct GeniusDomain {
    pub space: OutcomeSpace,
    pub indices: Vec<i64>,
}

/// What an XML file's root says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlKind {
    /// `<negotiation_template>`: a domain.
    Domain,
    /// `<utility_space>`: a profile; `uncertain` for Genius's `type="UNCERTAIN"` variants.
    Profile { uncertain: bool },
}

/// Classifies a parsed root element.
pub(crate) fn classify(root: Element<'_>) -> Option<XmlKind> {
    match root.name() {
        "negotiation_template" => Some(XmlKind::Domain),
        "utility_space" => {
            Some(XmlKind::Profile { uncertain: root.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("uncertain")) })
        }
        _ => None,
    }
}

/// `el` or its first descendant named `name`, in file order.
fn find<'a>(el: Element<'a>, name: &str) -> Option<Element<'a>> {
    el.descendants().find(|d| d.name() == name)
}

/// Issues under `objective`, in document order (nested objectives are flattened).
fn collect_issues<'a>(el: Element<'a>, out: &mut Vec<Element<'a>>) {
    for c in el.elements() {
        match c.name() {
            "issue" => out.push(c),
            "objective" => collect_issues(c, out),
            _ => {}
        }
    }
}

fn issue_type(el: Element<'_>) -> String {
    ["type", "etype", "vtype"].iter().find_map(|k| el.attr(k)).unwrap_or("discrete").to_ascii_lowercase()
}

fn parse_issue(el: Element<'_>) -> Result<Issue, NegotiationError> {
    let name = el.required("name")?.to_string();
    match issue_type(el).as_str() {
        "discrete" => {
            let values: Vec<String> = el
                .children_named("item")
                .map(|it| it.required("value").map(str::to_string))
                .collect::<Result<_, _>>()?;
            Issue::categorical(name, values)
        }
        "integer" => Issue::integer(name, el.integer("lowerbound")?, el.integer("upperbound")?),
        "real" => Issue::continuous(name, el.number("lowerbound")?, el.number("upperbound")?),
        other => Err(NegotiationError::invalid(format!(
            "line {}: issue '{name}' has unsupported type '{other}' (expected discrete, integer or real)",
            el.line()
        ))),
    }
}

fn domain_from_objective(objective: Element<'_>, name: &str) -> Result<GeniusDomain, NegotiationError> {
    let mut issue_els = Vec::new();
    collect_issues(objective, &mut issue_els);
    let mut issues = Vec::with_capacity(issue_els.len());
    let mut indices = Vec::with_capacity(issue_els.len());
    for (k, el) in issue_els.into_iter().enumerate() {
        issues.push(parse_issue(el)?);
        indices.push(match el.attr("index") {
            Some(_) => el.integer("index")?,
            None => k as i64 + 1,
        });
    }
    Ok(GeniusDomain { space: OutcomeSpace::new(name, issues)?, indices })
}

/// Reads a domain from a parsed `negotiation_template` (or a profile, whose objective also
/// lists the issues).
fn read_domain(root: Element<'_>, name: &str) -> Result<GeniusDomain, NegotiationError> {
    let objective = find(root, "objective")
        .ok_or_else(|| NegotiationError::invalid("no <objective> element: not a Genius domain"))?;
    domain_from_objective(objective, name)
}

/// Parses XML text and reads a domain from it.
pub fn parse_domain(text: &str, name: &str) -> Result<GeniusDomain, NegotiationError> {
    xml::read(text, |root| read_domain(root, name))
}

fn reservation_and_discount(root: Element<'_>) -> Result<(f64, Discount), NegotiationError> {
    let reservation = match root.child("reservation") {
        Some(r) => r.number("value")?,
        None => 0.0,
    };
    let discount = match root.child("discount_factor") {
        Some(d) => {
            let f = d.number("value")?;
            // Genius treats 0 (and anything outside (0, 1]) as "no discount".
            if f > 0.0 && f <= 1.0 {
                Discount::time(f)?
            } else {
                Discount::None
            }
        }
        None => Discount::None,
    };
    Ok((reservation, discount))
}

/// Reads a profile over `domain` from a parsed `utility_space`.
fn read_profile(root: Element<'_>, domain: &GeniusDomain, name: &str) -> Result<Profile, NegotiationError> {
    if root.name() != "utility_space" {
        return Err(NegotiationError::invalid(format!(
            "root element is <{}>, not <utility_space>: not a Genius profile",
            root.name()
        )));
    }
    let (reservation, discount) = reservation_and_discount(root)?;
    let objective =
        root.child("objective").ok_or_else(|| NegotiationError::invalid("profile has no <objective> element"))?;
    let nonlinear = root.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("nonlinear"))
        || find(objective, "utility").is_some_and(|u| u.child("ufun").is_some());
    let utility = if nonlinear {
        Utility::General(Arc::new(read_hyper_rectangles(objective, domain)?))
    } else {
        Utility::Additive(read_additive(objective, domain)?)
    };
    Profile::new(name, utility).with_reservation(reservation).map(|p| p.with_discount(discount))
}

/// Parses XML text and reads a profile over `domain`.
pub fn parse_profile(text: &str, domain: &GeniusDomain, name: &str) -> Result<Profile, NegotiationError> {
    xml::read(text, |root| read_profile(root, domain, name))
}

fn read_additive(objective: Element<'_>, domain: &GeniusDomain) -> Result<AdditiveUtility, NegotiationError> {
    let space = &domain.space;
    let mut issue_els = Vec::new();
    collect_issues(objective, &mut issue_els);
    let mut evaluators: Vec<Option<IssueUtility>> = vec![None; space.len()];
    let mut profile_indices: Vec<Option<i64>> = vec![None; space.len()];
    for el in issue_els {
        let iname = el.required("name")?;
        let pos = space.issue_index(iname).ok_or_else(|| {
            NegotiationError::invalid(format!("line {}: issue '{iname}' is not in the domain", el.line()))
        })?;
        if evaluators[pos].is_some() {
            return Err(NegotiationError::invalid(format!("line {}: issue '{iname}' appears twice", el.line())));
        }
        profile_indices[pos] = Some(match el.attr("index") {
            Some(_) => el.integer("index")?,
            None => domain.indices[pos],
        });
        evaluators[pos] = Some(read_issue_evaluator(el, &space.issues[pos])?);
    }
    let mut weights: Vec<Option<f64>> = vec![None; space.len()];
    for w in objective.children_named("weight") {
        let idx = w.integer("index")?;
        let pos = profile_indices.iter().position(|p| *p == Some(idx)).ok_or_else(|| {
            NegotiationError::invalid(format!("line {}: weight for issue index {idx}, which has no issue", w.line()))
        })?;
        if weights[pos].is_some() {
            return Err(NegotiationError::invalid(format!("line {}: two weights for issue index {idx}", w.line())));
        }
        weights[pos] = Some(w.number("value")?);
    }
    let mut ws = Vec::with_capacity(space.len());
    let mut evs = Vec::with_capacity(space.len());
    for ((issue, w), e) in space.issues.iter().zip(weights).zip(evaluators) {
        ws.push(w.ok_or_else(|| NegotiationError::invalid(format!("issue '{}' has no weight", issue.name)))?);
        evs.push(
            e.ok_or_else(|| NegotiationError::invalid(format!("profile does not evaluate issue '{}'", issue.name)))?,
        );
    }
    AdditiveUtility::new(space, ws, evs)
}

fn read_issue_evaluator(el: Element<'_>, issue: &Issue) -> Result<IssueUtility, NegotiationError> {
    match &issue.values {
        IssueValues::Categorical { .. } | IssueValues::Ordinal { .. } => {
            let card = issue.cardinality().unwrap_or(0) as usize;
            let mut evals: Vec<Option<f64>> = vec![None; card];
            for item in el.children_named("item") {
                let value = item.required("value")?;
                let k = issue.index_of(value).ok_or_else(|| {
                    NegotiationError::invalid(format!(
                        "line {}: issue '{}' has no value '{value}' in the domain",
                        item.line(),
                        issue.name
                    ))
                })? as usize;
                let e = item.number("evaluation")?;
                if e < 0.0 {
                    return Err(NegotiationError::invalid(format!(
                        "line {}: negative evaluation {e} for '{value}'",
                        item.line()
                    )));
                }
                if evals[k].replace(e).is_some() {
                    return Err(NegotiationError::invalid(format!(
                        "line {}: value '{value}' of issue '{}' evaluated twice",
                        item.line(),
                        issue.name
                    )));
                }
            }
            let evals: Vec<f64> = evals
                .into_iter()
                .enumerate()
                .map(|(k, e)| {
                    e.ok_or_else(|| {
                        NegotiationError::invalid(format!(
                            "issue '{}': value '{}' has no evaluation",
                            issue.name,
                            issue.label(crate::domain::Value::Index(k as u32))
                        ))
                    })
                })
                .collect::<Result<_, _>>()?;
            // Genius's 0–1 scale: divide by the issue's largest evaluation.
            let max = evals.iter().copied().fold(0.0, f64::max);
            if max <= 0.0 {
                return Err(NegotiationError::invalid(format!("issue '{}': every evaluation is 0", issue.name)));
            }
            Ok(IssueUtility::Table(evals.into_iter().map(|e| e / max).collect()))
        }
        IssueValues::Integer { low, high } => linear_evaluator(el, issue, *low as f64, *high as f64),
        IssueValues::Continuous { low, high } => linear_evaluator(el, issue, *low, *high),
    }
}

/// Numeric issues, as Genius evaluates them (both clamped to [0, 1]):
/// * integer: `<evaluator slope=".." offset=".."/>`, `u(x) = offset + slope·(x − lowerbound)`
///   with `lowerbound` from the issue's `<range>` (default: the domain's bound);
/// * real: `<evaluator ftype="linear" parameter0="offset" parameter1="slope"/>`,
///   `u(x) = offset + slope·x` (`slope`/`offset` attributes are accepted too), or
///   `ftype="constant" parameter0=".."`.
///
/// `utilLowestValue`/`utilHighestValue` (the values at the issue's bounds) are also accepted.
fn linear_evaluator(el: Element<'_>, issue: &Issue, low: f64, high: f64) -> Result<IssueUtility, NegotiationError> {
    let integer = matches!(issue.values, IssueValues::Integer { .. });
    let range_low = match el.child("range") {
        Some(r) if r.attr("lowerbound").is_some() => r.number("lowerbound")?,
        _ => low,
    };
    let ev = el.child("evaluator");
    let on = |k: &str| ev.filter(|e| e.attr(k).is_some()).or_else(|| (el.attr(k).is_some()).then_some(el));
    let ftype = ev.and_then(|e| e.attr("ftype")).unwrap_or("linear").to_ascii_lowercase();
    let (at_low, at_high) = if ftype == "constant" {
        let c = on("parameter0").ok_or_else(|| missing(el, issue))?.number("parameter0")?;
        (c, c)
    } else if ftype != "linear" {
        return Err(NegotiationError::invalid(format!(
            "line {}: issue '{}': evaluator type '{ftype}' is not supported (linear or constant)",
            el.line(),
            issue.name
        )));
    } else if let (Some(s), Some(o)) = (on("slope").or(on("parameter1")), on("offset").or(on("parameter0"))) {
        let slope = if s.attr("slope").is_some() { s.number("slope")? } else { s.number("parameter1")? };
        let offset = if o.attr("offset").is_some() { o.number("offset")? } else { o.number("parameter0")? };
        let origin = if integer { range_low } else { 0.0 };
        (offset + slope * (low - origin), offset + slope * (high - origin))
    } else if let (Some(l), Some(h)) = (on("utilLowestValue"), on("utilHighestValue")) {
        (l.number("utilLowestValue")?, h.number("utilHighestValue")?)
    } else {
        return Err(missing(el, issue));
    };
    Ok(IssueUtility::Linear(clamped_line(low, high, at_low, at_high)))
}

fn missing(el: Element<'_>, issue: &Issue) -> NegotiationError {
    NegotiationError::invalid(format!(
        "line {}: numeric issue '{}' needs an <evaluator> (slope/offset, parameter0/parameter1, or utilLowestValue/utilHighestValue)",
        el.line(),
        issue.name
    ))
}

/// The line through `(low, a)` and `(high, b)` clamped to [0, 1], as breakpoints (the clamp
/// adds a breakpoint wherever the line crosses 0 or 1).
fn clamped_line(low: f64, high: f64, a: f64, b: f64) -> Vec<(f64, f64)> {
    let mut pts = vec![(low, a), (high, b)];
    if high > low {
        for level in [0.0, 1.0] {
            if (a - level) * (b - level) < 0.0 {
                pts.push((low + (level - a) / (b - a) * (high - low), level));
            }
        }
    }
    pts.sort_by(|p, q| p.0.total_cmp(&q.0));
    pts.into_iter().map(|(x, u)| (x, u.clamp(0.0, 1.0))).collect()
}

fn read_hyper_rectangles(
    objective: Element<'_>,
    domain: &GeniusDomain,
) -> Result<HyperRectangleUtility, NegotiationError> {
    let utility = find(objective, "utility")
        .ok_or_else(|| NegotiationError::invalid("nonlinear profile has no <utility> element"))?;
    let max_utility = utility.number("maxutility")?;
    let mut rects = Vec::new();
    for ufun in utility.children_named("ufun") {
        let weight = if ufun.attr("weight").is_some() { ufun.number("weight")? } else { 1.0 };
        if let Some(agg) = ufun.attr("aggregation") {
            if agg != "sum" {
                return Err(NegotiationError::invalid(format!(
                    "line {}: ufun aggregation '{agg}' is not supported (only 'sum')",
                    ufun.line()
                )));
            }
        }
        for child in ufun.elements() {
            if child.name() != "hyperRectangle" {
                return Err(NegotiationError::invalid(format!(
                    "line {}: <{}> inside <ufun> is not supported (only <hyperRectangle>)",
                    child.line(),
                    child.name()
                )));
            }
            let mut bounds = Vec::new();
            for b in child.elements() {
                if b.name() != "INCLUDES" {
                    return Err(NegotiationError::invalid(format!(
                        "line {}: <{}> is not supported (only INCLUDES ranges)",
                        b.line(),
                        b.name()
                    )));
                }
                let idx = b.integer("index")?;
                let pos = domain.indices.iter().position(|&i| i == idx).ok_or_else(|| {
                    NegotiationError::invalid(format!(
                        "line {}: INCLUDES names issue index {idx}, which has no issue",
                        b.line()
                    ))
                })?;
                let (lo, hi) =
                    HyperRectangleUtility::index_range(&domain.space, pos, b.integer("min")?, b.integer("max")?)
                        .map_err(|e| match e {
                            NegotiationError::Invalid { message, .. } => {
                                NegotiationError::invalid(format!("line {}: {message}", b.line()))
                            }
                            other => other,
                        })?;
                bounds.push((pos, lo, hi));
            }
            rects.push(HyperRectangle { bounds, utility: weight * child.number("utility")? });
        }
    }
    if rects.is_empty() {
        return Err(NegotiationError::invalid("nonlinear profile has no hyper-rectangles"));
    }
    HyperRectangleUtility::new(&domain.space, rects, max_utility)
}
