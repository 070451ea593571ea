//! Genius XML domains (`negotiation_template`) and profiles (`utility_space`).
//!
//! Semantics follow Genius 10.4, not NegMAS: a discrete issue's evaluations are divided by the
//! issue's largest evaluation, so each issue contributes `w_i · eval/max_eval ∈ [0, w_i]`
//! and utilities lie on Genius's 0–1 scale. Weights within [`WEIGHT_SUM_TOLERANCE`] of 1
//! are used as written (the Laptop profiles sum to 1.0000518, and their best outcome is
//! worth 1.0000518 here where Genius caps it at 1). Integer and real issues use Genius's
//! evaluators, clamped to [0, 1] (see [`linear_evaluator`]); real issues keep their bounds
//! in a `<range>` child, as every Genius file does. Nonlinear (`type="nonlinear"`)
//! profiles are hyper-rectangle sums (`INCLUDES` and `EXCLUDES`) divided by `maxutility`
//! and capped at 1. Constraint (`type="constraint"`) profiles are ranks and zeroing rules,
//! read by `genius_rules` into [`crate::ranked::RankedRulesUtility`].
//!
//! **What Genius reads and the format does not say.** Genius's loaders tolerate files a
//! strict reading refuses; these load, each with a warning in [`Reading::warnings`] that
//! says what was done, and are refused under [`Reading::strict`]:
//!
//! * issue weights that sum to more than [`WEIGHT_SUM_TOLERANCE`] away from 1: divided by
//!   their sum (Genius uses them as written, its utilities capped at 1);
//! * a `<weight>` whose index names no issue (the objective's own weight): ignored;
//! * a discrete issue whose evaluations are all 0: it counts 0 for every value;
//! * a value listed twice in a domain (kept once) or evaluated twice in a profile (the last
//!   evaluation counts, as in Genius);
//! * a profile value the domain does not have: ignored;
//! * a profile without `<objective>`: its issues and weights are read where they are;
//! * a profile issue whose `index` is another domain issue's than its name's: read as the
//!   issue of that index (Genius matches by index);
//! * an integer issue whose bounds are only in `<range>`: read (Genius 10.4 fails here);
//! * a hyper-rectangle with both `INCLUDES` and `EXCLUDES`: the `INCLUDES` are dropped;
//! * an unreadable `<reservation>` or `<discount_factor>` value: ignored;
//! * a raw `&` in an attribute value, or attributes without a space between them: read
//!   as Genius's own parser reads them.

use crate::domain::{Issue, IssueValues, OutcomeSpace};
use crate::error::NegotiationError;
use crate::io::xml::{self, Element};
use crate::nonlinear::{HyperRectangle, HyperRectangleUtility};
use crate::utility::{AdditiveUtility, Discount, IssueUtility, Profile, Utility, WEIGHT_SUM_TOLERANCE};
use std::sync::Arc;

/// How a file is read: as Genius reads it (the default), with a warning for each departure
/// from the format that Genius tolerates, or `strict`ly, refusing them.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// Refuse what the format does not allow, even where Genius reads it.
    pub strict: bool,
    /// What was read leniently, and how (one line each).
    pub warnings: Vec<String>,
}

impl Reading {
    /// A strict reading.
    pub fn strict() -> Self {
        Reading { strict: true, warnings: Vec::new() }
    }

    /// Under `strict`, the error `refusal`; otherwise the warning `done`.
    pub(crate) fn tolerate(&mut self, refusal: String, done: String) -> Result<(), NegotiationError> {
        if self.strict {
            Err(NegotiationError::invalid(format!("{refusal} (refused under --strict; read otherwise: {done})")))
        } else {
            self.warnings.push(done);
            Ok(())
        }
    }
}

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

/// A numeric issue's bound: the attribute on `<issue>` (Genius's form for integer issues),
/// else on its `<range>` child (the form of every real issue).
fn bound(el: Element<'_>, key: &str) -> Result<Option<f64>, NegotiationError> {
    if el.attr(key).is_some() {
        return el.number(key).map(Some);
    }
    match el.child("range") {
        Some(r) if r.attr(key).is_some() => r.number(key).map(Some),
        _ => Ok(None),
    }
}

fn parse_issue(el: Element<'_>, reading: &mut Reading) -> Result<Issue, NegotiationError> {
    let name = el.required("name")?.to_string();
    let kind = issue_type(el);
    if kind == "integer" || kind == "real" {
        let missing = |key: &str| {
            NegotiationError::invalid(format!(
                "line {}: {kind} issue '{name}' has no '{key}' (an attribute of <issue> or of its <range>)",
                el.line()
            ))
        };
        let low = bound(el, "lowerbound")?.ok_or_else(|| missing("lowerbound"))?;
        let high = bound(el, "upperbound")?.ok_or_else(|| missing("upperbound"))?;
        if kind == "real" {
            return Issue::continuous(name, low, high);
        }
        if el.attr("lowerbound").is_none() || el.attr("upperbound").is_none() {
            reading.tolerate(
                format!("line {}: integer issue '{name}' keeps its bounds in <range>", el.line()),
                format!(
                    "line {}: integer issue '{name}': bounds read from its <range> (Genius 10.4 reads an integer \
                     issue's bounds only from <issue> and fails on this file)",
                    el.line()
                ),
            )?;
        }
        let whole = |x: f64, key: &str| {
            if x.fract() == 0.0 && x.abs() < 9e15 {
                Ok(x as i64)
            } else {
                Err(NegotiationError::invalid(format!(
                    "line {}: integer issue '{name}': {key} {x} is not a whole number",
                    el.line()
                )))
            }
        };
        return Issue::integer(name.clone(), whole(low, "lowerbound")?, whole(high, "upperbound")?);
    }
    match kind.as_str() {
        "discrete" => {
            let mut values: Vec<String> = Vec::new();
            for it in el.children_named("item") {
                let value = it.required("value")?;
                if values.iter().any(|v| v == value) {
                    reading.tolerate(
                        format!("line {}: issue '{name}' lists value '{value}' twice", it.line()),
                        format!(
                            "line {}: issue '{name}' lists value '{value}' twice; kept once (Genius keeps both, \
                             so it counts each bid with it twice)",
                            it.line()
                        ),
                    )?;
                    continue;
                }
                values.push(value.to_string());
            }
            Issue::categorical(name, values)
        }
        other => Err(NegotiationError::invalid(format!(
            "line {}: issue '{name}' has unsupported type '{other}' (expected discrete, integer or real)",
            el.line()
        ))),
    }
}

fn domain_from_objective(
    objective: Element<'_>,
    name: &str,
    reading: &mut Reading,
) -> Result<GeniusDomain, NegotiationError> {
    let mut issue_els = Vec::new();
    collect_issues(objective, &mut issue_els);
    let mut issues = Vec::with_capacity(issue_els.len());
    let mut indices = Vec::with_capacity(issue_els.len());
    for (k, el) in issue_els.into_iter().enumerate() {
        issues.push(parse_issue(el, reading)?);
        indices.push(match el.attr("index") {
            Some(_) => el.integer("index")?,
            None => k as i64 + 1,
        });
    }
    Ok(GeniusDomain { space: OutcomeSpace::new(name, issues)?, indices })
}

/// Reads a domain from a parsed `negotiation_template` (or a profile, whose objective also
/// lists the issues).
fn read_domain(root: Element<'_>, name: &str, reading: &mut Reading) -> Result<GeniusDomain, NegotiationError> {
    let objective = find(root, "objective")
        .ok_or_else(|| NegotiationError::invalid("no <objective> element: not a Genius domain"))?;
    domain_from_objective(objective, name, reading)
}

/// Parses XML text and reads a domain from it, as Genius reads it (see [`parse_domain_with`]).
pub fn parse_domain(text: &str, name: &str) -> Result<GeniusDomain, NegotiationError> {
    parse_domain_with(text, name, &mut Reading::default())
}

/// Parses XML text and reads a domain from it; departures from the format Genius
/// tolerates are warned about in `reading` (or refused when it is strict).
pub fn parse_domain_with(text: &str, name: &str, reading: &mut Reading) -> Result<GeniusDomain, NegotiationError> {
    read_xml(text, reading, |root, reading| read_domain(root, name, reading))
}

/// XML as Genius's own parser reads it: a file roxmltree refuses is repaired (a raw `&`,
/// attributes without a space between them) unless the reading is strict.
fn read_xml<T>(
    text: &str,
    reading: &mut Reading,
    read: impl Fn(Element<'_>, &mut Reading) -> Result<T, NegotiationError>,
) -> Result<T, NegotiationError> {
    let before = reading.warnings.len();
    match xml::read(text, |root| read(root, reading)) {
        // Only text that does not parse is repaired; a file that parses is read once.
        Err(error @ NegotiationError::Parse { .. }) if !reading.strict => match xml::repaired(text) {
            Some((fixed, repairs)) if xml::read(&fixed, |_| Ok(())).is_ok() => {
                reading.warnings.truncate(before);
                reading.warnings.extend(repairs);
                xml::read(&fixed, |root| read(root, reading))
            }
            _ => Err(error),
        },
        other => other,
    }
}

fn reservation_and_discount(root: Element<'_>, reading: &mut Reading) -> Result<(f64, Discount), NegotiationError> {
    // Genius ignores a value it cannot read ("no discount factor").
    let mut number = |el: Element<'_>, what: &str| -> Result<Option<f64>, NegotiationError> {
        match el.number("value") {
            Ok(x) => Ok(Some(x)),
            Err(e) => {
                reading.tolerate(e.to_string(), format!("line {}: unreadable <{what}> value ignored", el.line()))?;
                Ok(None)
            }
        }
    };
    let reservation = match root.child("reservation") {
        Some(r) => number(r, "reservation")?.unwrap_or(0.0),
        None => 0.0,
    };
    let discount = match root.child("discount_factor") {
        Some(d) => match number(d, "discount_factor")? {
            // Genius treats 0 (and anything outside (0, 1]) as "no discount".
            Some(f) if f > 0.0 && f <= 1.0 => Discount::time(f)?,
            _ => Discount::None,
        },
        None => Discount::None,
    };
    Ok((reservation, discount))
}

/// Reads a profile over `domain` from a parsed `utility_space`.
fn read_profile(
    root: Element<'_>,
    domain: &GeniusDomain,
    name: &str,
    reading: &mut Reading,
) -> Result<Profile, NegotiationError> {
    if root.name() != "utility_space" {
        return Err(NegotiationError::invalid(format!(
            "root element is <{}>, not <utility_space>: not a Genius profile",
            root.name()
        )));
    }
    let (reservation, discount) = reservation_and_discount(root, reading)?;
    let utility = if root.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("constraint")) {
        Utility::General(Arc::new(super::genius_rules::read(root, domain, reading)?))
    } else {
        let objective = match root.child("objective") {
            Some(o) => o,
            None => {
                reading.tolerate(
                    "profile has no <objective> element".into(),
                    "no <objective>: issues and weights read where they are, under <utility_space>, as Genius does"
                        .into(),
                )?;
                root
            }
        };
        let nonlinear = root.attr("type").is_some_and(|t| t.eq_ignore_ascii_case("nonlinear"))
            || find(objective, "utility").is_some_and(|u| u.child("ufun").is_some());
        if nonlinear {
            Utility::General(Arc::new(read_hyper_rectangles(objective, domain, reading)?))
        } else {
            Utility::Additive(read_additive(objective, domain, reading)?)
        }
    };
    Profile::new(name, utility).with_reservation(reservation).map(|p| p.with_discount(discount))
}

/// Parses XML text and reads a profile over `domain`, as Genius reads it.
pub fn parse_profile(text: &str, domain: &GeniusDomain, name: &str) -> Result<Profile, NegotiationError> {
    parse_profile_with(text, domain, name, &mut Reading::default())
}

/// Parses XML text and reads a profile over `domain`; departures from the format Genius
/// tolerates are warned about in `reading` (or refused when it is strict).
pub fn parse_profile_with(
    text: &str,
    domain: &GeniusDomain,
    name: &str,
    reading: &mut Reading,
) -> Result<Profile, NegotiationError> {
    read_xml(text, reading, |root, reading| read_profile(root, domain, name, reading))
}

fn read_additive(
    objective: Element<'_>,
    domain: &GeniusDomain,
    reading: &mut Reading,
) -> Result<AdditiveUtility, NegotiationError> {
    let space = &domain.space;
    let mut issue_els = Vec::new();
    collect_issues(objective, &mut issue_els);
    let mut evaluators: Vec<Option<IssueUtility>> = vec![None; space.len()];
    let mut profile_indices: Vec<Option<i64>> = vec![None; space.len()];
    for el in issue_els {
        let iname = el.required("name")?;
        let index = if el.attr("index").is_some() { Some(el.integer("index")?) } else { None };
        // Genius finds a profile's issue by its index, whatever its name says.
        let by_index = index.and_then(|i| domain.indices.iter().position(|&d| d == i));
        let pos = match (by_index, space.issue_index(iname)) {
            (Some(at), by_name) => {
                if by_name != Some(at) {
                    let theirs = &space.issues[at].name;
                    reading.tolerate(
                        format!(
                            "line {}: profile issue '{iname}' has the index of the domain's issue '{theirs}'",
                            el.line()
                        ),
                        format!(
                            "line {}: profile issue '{iname}' is read as the domain's issue '{theirs}', whose index it \
                             has, as Genius reads it (by index, not name)",
                            el.line()
                        ),
                    )?;
                }
                at
            }
            (None, Some(at)) => {
                let said = match index {
                    None => "has no index; Genius 10.4 fails to load such a profile".to_string(),
                    Some(i) => format!("has index {i}, which no domain issue has; Genius 10.4 fails evaluating it"),
                };
                reading.tolerate(
                    format!("line {}: profile issue '{iname}' {said}", el.line()),
                    format!("line {}: profile issue '{iname}' is matched by its name ({said})", el.line()),
                )?;
                at
            }
            (None, None) => {
                return Err(NegotiationError::invalid(format!(
                    "line {}: issue '{iname}' is not in the domain",
                    el.line()
                )))
            }
        };
        if evaluators[pos].is_some() {
            return Err(NegotiationError::invalid(format!(
                "line {}: issue '{}' appears twice",
                el.line(),
                space.issues[pos].name
            )));
        }
        profile_indices[pos] = Some(index.unwrap_or(domain.indices[pos]));
        evaluators[pos] = Some(read_issue_evaluator(el, &space.issues[pos], reading)?);
    }
    let mut weights: Vec<Option<f64>> = vec![None; space.len()];
    for w in objective.children_named("weight") {
        let idx = w.integer("index")?;
        let Some(pos) = profile_indices.iter().position(|p| *p == Some(idx)) else {
            let own = objective.attr("index").and_then(|i| i.trim().parse::<i64>().ok()) == Some(idx);
            reading.tolerate(
                format!("line {}: weight for issue index {idx}, which has no issue", w.line()),
                format!(
                    "line {}: weight for index {idx} ignored ({}), as Genius does",
                    w.line(),
                    if own { "the objective's own weight" } else { "no issue has that index" }
                ),
            )?;
            continue;
        };
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
    let sum: f64 = ws.iter().sum();
    if sum.is_finite() && sum > 0.0 && (sum - 1.0).abs() > WEIGHT_SUM_TOLERANCE && ws.iter().all(|w| *w >= 0.0) {
        reading.tolerate(
            format!("issue weights sum to {sum}, not 1 (tolerance {WEIGHT_SUM_TOLERANCE})"),
            format!(
                "issue weights sum to {sum}; divided by their sum (Genius uses them as written, with utilities \
                 capped at 1)"
            ),
        )?;
        ws.iter_mut().for_each(|w| *w /= sum);
    }
    AdditiveUtility::new(space, ws, evs)
}

fn read_issue_evaluator(
    el: Element<'_>,
    issue: &Issue,
    reading: &mut Reading,
) -> Result<IssueUtility, NegotiationError> {
    match &issue.values {
        IssueValues::Categorical { .. } | IssueValues::Ordinal { .. } => {
            let card = issue.cardinality().unwrap_or(0) as usize;
            let mut evals: Vec<Option<f64>> = vec![None; card];
            for item in el.children_named("item") {
                let value = item.required("value")?;
                let Some(k) = issue.index_of(value) else {
                    reading.tolerate(
                        format!("line {}: issue '{}' has no value '{value}' in the domain", item.line(), issue.name),
                        format!(
                            "line {}: issue '{}': value '{value}' is not in the domain; ignored, as Genius does",
                            item.line(),
                            issue.name
                        ),
                    )?;
                    continue;
                };
                let k = k as usize;
                let e = item.number("evaluation")?;
                if e < 0.0 {
                    return Err(NegotiationError::invalid(format!(
                        "line {}: negative evaluation {e} for '{value}'",
                        item.line()
                    )));
                }
                if let Some(before) = evals[k].replace(e) {
                    reading.tolerate(
                        format!("line {}: value '{value}' of issue '{}' evaluated twice", item.line(), issue.name),
                        format!(
                            "line {}: value '{value}' of issue '{}' evaluated twice ({before}, then {e}); the last \
                             counts, as in Genius",
                            item.line(),
                            issue.name
                        ),
                    )?;
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
                reading.tolerate(
                    format!("issue '{}': every evaluation is 0", issue.name),
                    format!(
                        "issue '{}': every evaluation is 0, so it counts 0 for every value, as in Genius",
                        issue.name
                    ),
                )?;
                return Ok(IssueUtility::Table(vec![0.0; evals.len()]));
            }
            Ok(IssueUtility::Table(evals.into_iter().map(|e| e / max).collect()))
        }
        IssueValues::Integer { low, high } => linear_evaluator(el, issue, *low as f64, *high as f64),
        IssueValues::Continuous { low, high } => linear_evaluator(el, issue, *low, *high),
    }
}

/// Integer issues up to this many values (less one) get a value table, as Genius evaluates
/// each value; wider ones a piecewise-linear evaluator (the same function, rounded otherwise).
const MAX_INTEGER_TABLE: f64 = (1 << 16) as f64;

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
    // Genius takes an integer evaluator's origin from the profile issue's own `lowerbound`.
    let range_low = bound(el, "lowerbound")?.unwrap_or(low);
    let ev = el.child("evaluator");
    let on = |k: &str| ev.filter(|e| e.attr(k).is_some()).or_else(|| (el.attr(k).is_some()).then_some(el));
    let ftype = ev.and_then(|e| e.attr("ftype")).unwrap_or("linear").to_ascii_lowercase();
    let (at_low, at_high) = if ftype == "constant" {
        let c = on("parameter0").ok_or_else(|| missing(el, issue))?.number("parameter0")?;
        (c, c)
    } else if ftype == "triangular" && !integer {
        return triangular(el, issue, low, high);
    } else if ftype != "linear" {
        return Err(NegotiationError::invalid(format!(
            "line {}: issue '{}': evaluator type '{ftype}' is not supported (linear, constant, or triangular for \
             real issues)",
            el.line(),
            issue.name
        )));
    } else if let (Some(s), Some(o)) = (on("slope").or(on("parameter1")), on("offset").or(on("parameter0"))) {
        let slope = if s.attr("slope").is_some() { s.number("slope")? } else { s.number("parameter1")? };
        let offset = if o.attr("offset").is_some() { o.number("offset")? } else { o.number("parameter0")? };
        if integer && high - low < MAX_INTEGER_TABLE {
            // Each value evaluated as Genius's `EvaluatorInteger` does, bit for bit:
            // slope · (x − lower bound) + offset, clamped to [0, 1].
            let card = (high - low) as usize + 1;
            return Ok(IssueUtility::Table(
                (0..card).map(|k| (slope * (low + k as f64 - range_low) + offset).clamp(0.0, 1.0)).collect(),
            ));
        }
        let origin = if integer { range_low } else { 0.0 };
        (offset + slope * (low - origin), offset + slope * (high - origin))
    } else if let (Some(l), Some(h)) = (on("utilLowestValue"), on("utilHighestValue")) {
        (l.number("utilLowestValue")?, h.number("utilHighestValue")?)
    } else {
        return Err(missing(el, issue));
    };
    Ok(IssueUtility::Linear(clamped_line(low, high, at_low, at_high)))
}

/// Genius's triangular evaluator for real issues: 0 up to `parameter0` (lower), rising
/// linearly to 1 at `parameter2` (top), falling to 0 at `parameter1` (upper), 0 beyond.
fn triangular(el: Element<'_>, issue: &Issue, low: f64, high: f64) -> Result<IssueUtility, NegotiationError> {
    let ev = el.child("evaluator").ok_or_else(|| missing(el, issue))?;
    let (lower, upper, top) = (ev.number("parameter0")?, ev.number("parameter1")?, ev.number("parameter2")?);
    if !(lower <= top && top <= upper) {
        return Err(NegotiationError::invalid(format!(
            "line {}: issue '{}': a triangular evaluator needs parameter0 ≤ parameter2 ≤ parameter1 (lower, top, \
             upper), got {lower}, {top}, {upper}",
            ev.line(),
            issue.name
        )));
    }
    // The triangle's corners (the peak kept where a side has no width), 0 outside it;
    // then only what lies on the issue's range.
    let mut tri = vec![(top, 1.0)];
    if lower < top {
        tri.insert(0, (lower, 0.0));
    }
    if upper > top {
        tri.push((upper, 0.0));
    }
    let at = |x: f64| if x < lower || x > upper { 0.0 } else { IssueUtility::interpolate(&tri, x) };
    let mut points: Vec<(f64, f64)> = vec![(low, at(low))];
    points.extend(tri.iter().copied().filter(|p| p.0 > low && p.0 < high));
    points.push((high, at(high)));
    Ok(IssueUtility::Linear(points))
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
    reading: &mut Reading,
) -> Result<HyperRectangleUtility, NegotiationError> {
    let utility = find(objective, "utility")
        .ok_or_else(|| NegotiationError::invalid("nonlinear profile has no <utility> element"))?;
    let max_utility = utility.number("maxutility")?;
    let mut rects = Vec::new();
    // Genius reads the first <ufun> only, and never applies its own weight; a box's
    // optional `weight` multiplies its utility.
    let ufuns: Vec<Element<'_>> = utility.children_named("ufun").collect();
    if ufuns.len() > 1 {
        reading.tolerate(
            format!("line {}: {} <ufun> elements", ufuns[1].line(), ufuns.len()),
            format!(
                "line {}: only the first of {} <ufun> elements is read, as Genius reads it",
                ufuns[1].line(),
                ufuns.len()
            ),
        )?;
    }
    for ufun in ufuns.into_iter().take(1) {
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
            let kinds: Vec<&str> = child.elements().map(|b| b.name()).collect();
            if let Some(other) = kinds.iter().find(|k| **k != "INCLUDES" && **k != "EXCLUDES") {
                return Err(NegotiationError::invalid(format!(
                    "line {}: <{other}> is not supported (only INCLUDES and EXCLUDES ranges)",
                    child.line()
                )));
            }
            let exclusive = kinds.contains(&"EXCLUDES");
            if exclusive && kinds.contains(&"INCLUDES") {
                reading.tolerate(
                    format!("line {}: a hyper-rectangle with both INCLUDES and EXCLUDES", child.line()),
                    format!(
                        "line {}: a hyper-rectangle with both INCLUDES and EXCLUDES: the INCLUDES are dropped, as \
                         Genius drops them",
                        child.line()
                    ),
                )?;
            }
            let mut bounds = Vec::new();
            for b in child.elements().filter(|b| b.name() == if exclusive { "EXCLUDES" } else { "INCLUDES" }) {
                let idx = b.integer("index")?;
                let pos = domain.indices.iter().position(|&i| i == idx).ok_or_else(|| {
                    NegotiationError::invalid(format!(
                        "line {}: {} names issue index {idx}, which has no issue",
                        b.line(),
                        b.name()
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
            let weight = if child.attr("weight").is_some() { child.number("weight")? } else { 1.0 };
            rects.push(HyperRectangle { bounds, utility: weight * child.number("utility")?, exclusive });
        }
    }
    if rects.is_empty() {
        return Err(NegotiationError::invalid("nonlinear profile has no hyper-rectangles"));
    }
    HyperRectangleUtility::new(&domain.space, rects, max_utility)
}

/// The Pareto frontier Genius ships beside some nonlinear domains too large to enumerate
/// (`pareto.xml` next to `profile-1.xml` and `profile-2.xml`): despite its name, plain text,
/// an empty first line, then one `u1, u2` point per line (not necessarily sorted). As
/// Genius's `BidSpace` reads it: a line without a comma (or starting with one) is skipped;
/// the columns follow `profile-1`, `profile-2` and are swapped when the profiles come the
/// other way round. `None` when the two profiles are not such a pair or there is no file.
pub fn shipped_pareto(profile_files: &[std::path::PathBuf]) -> Option<Result<Vec<[f64; 2]>, NegotiationError>> {
    let [a, b] = profile_files else { return None };
    let name = |p: &std::path::Path| p.file_name().and_then(|n| n.to_str()).map(str::to_ascii_lowercase);
    let swapped = match (name(a).as_deref(), name(b).as_deref()) {
        (Some("profile-1.xml"), Some("profile-2.xml")) => false,
        (Some("profile-2.xml"), Some("profile-1.xml")) => true,
        _ => return None,
    };
    let file = a.with_file_name("pareto.xml");
    if a.parent() != b.parent() || !file.is_file() {
        return None;
    }
    let text = match std::fs::read_to_string(&file) {
        Ok(t) if t.len() < (16 << 20) => t,
        Ok(_) => return Some(Err(NegotiationError::invalid(format!("{}: too large", file.display())))),
        Err(e) => return Some(Err(NegotiationError::Io { path: file, message: e.to_string() })),
    };
    let mut points = Vec::new();
    for (k, line) in text.lines().enumerate() {
        let Some((x, y)) = line.split_once(',').filter(|(x, _)| !x.is_empty()) else { continue };
        match (x.trim().parse::<f64>(), y.trim().parse::<f64>()) {
            (Ok(x), Ok(y)) if x.is_finite() && y.is_finite() => points.push(if swapped { [y, x] } else { [x, y] }),
            _ => {
                return Some(Err(NegotiationError::invalid(format!(
                    "{}: line {}: `{line}` is not two numbers",
                    file.display(),
                    k + 1
                ))))
            }
        }
    }
    Some(Ok(points))
}
