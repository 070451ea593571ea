//! Genius's constraint utility spaces (`<utility_space type="constraint">`, as the Railway
//! templates write them) read into [`RankedRulesUtility`].
//!
//! Read as Genius 10.4's `ConstraintUtilitySpace` loads and evaluates them (established
//! from its source; nothing of it is copied):
//!
//! * `<rules>` is taken from the first element under `<utility_space>`; it holds `<ranks>`
//!   and `<constraints>` (an empty `<constraints/>` is fine; a missing one fails in Genius
//!   too);
//! * a ranked value is worth `rank / highest rank of its issue` (the highest over every
//!   rank listed, 0 if none is positive); a value listed twice keeps its last rank; an issue
//!   ranked twice counts twice, both times with its last ranking;
//! * tests compare a value's name: `equals` for `zeroConstraint` and the checks of
//!   `conditionalZeroConstraint`, Java's `String.contains` (a substring) for every other
//!   condition, and an integer's sign for `numeric=positive` / `numeric=negative`;
//! * within one rule a check on an issue listed twice keeps the last (a `HashMap`);
//!   `conditionalZeroOutcomeConstraint` takes its two checks in the map's iteration order
//!   (see [`java_map_order`]);
//! * a constraint type Genius does not read is ignored, with a note (as Genius ignores it).
//!
//! What Genius would fail on (a value with no rank, a missing attribute, a non-integer value
//! a rule adds up) is refused here, every such problem of the file at once.

use super::genius::{GeniusDomain, Reading};
use super::xml::Element;
use crate::domain::IssueValues;
use crate::error::NegotiationError;
use crate::ranked::{IntegerValues, IssueRule, OutcomeRule, RankedIssue, RankedRulesUtility, ValueTest};

/// Most values of an integer issue whose names rules may read (they are materialised).
const MAX_NAMED_INTEGERS: i64 = 1 << 20;

/// Reads the ranks and rules of the constraint space `root` over `domain`.
pub(crate) fn read(
    root: Element<'_>,
    domain: &GeniusDomain,
    reading: &mut Reading,
) -> Result<RankedRulesUtility, NegotiationError> {
    let first = root.elements().next().ok_or_else(|| {
        NegotiationError::invalid("constraint utility space: <utility_space> has no elements (no <rules>)")
    })?;
    let rules = first.child("rules").ok_or_else(|| {
        NegotiationError::invalid(format!(
            "constraint utility space: no <rules> in <{}> (line {}); Genius reads <rules> from the first element \
             under <utility_space>",
            first.name(),
            first.line()
        ))
    })?;
    let ranks = rules
        .child("ranks")
        .ok_or_else(|| NegotiationError::invalid(format!("line {}: <rules> has no <ranks>", rules.line())))?;
    let constraints = rules.child("constraints").ok_or_else(|| {
        NegotiationError::invalid(format!(
            "line {}: <rules> has no <constraints> (Genius fails to load such a profile too; write \
             <constraints/> for none)",
            rules.line()
        ))
    })?;
    let mut r = Reader { domain, names: vec![None; domain.space.issues.len()], problems: Vec::new(), reading };
    let mut ranked = r.ranks(ranks)?;
    let mut outcome_rules = Vec::new();
    let keys: Vec<(i32, usize)> = ranked.iter().map(|(k, e)| (*k, e.issue)).collect();
    for c in constraints.children_named("constraint") {
        match r.constraint(c, &keys)? {
            Some(Rule::Outcome(rule)) => outcome_rules.push(rule),
            Some(Rule::Issue(key, rule)) => {
                for (_, entry) in ranked.iter_mut().filter(|(k, _)| *k == key) {
                    entry.rules.push(rule.clone());
                }
            }
            None => {}
        }
    }
    if !r.problems.is_empty() {
        return Err(NegotiationError::invalid(format!(
            "constraint utility space: {} problem{} (Genius fails on each of them too):\n  {}",
            r.problems.len(),
            if r.problems.len() == 1 { "" } else { "s" },
            r.problems.join("\n  ")
        )));
    }
    if ranked.is_empty() {
        return Err(NegotiationError::invalid(format!(
            "line {}: <ranks> ranks no issue (Genius's utility would be 0/0)",
            ranks.line()
        )));
    }
    Ok(RankedRulesUtility::new(ranked.drain(..).map(|(_, e)| e).collect(), outcome_rules))
}

/// An issue's position and `rank / highest rank` per value index.
type Ranking = (usize, Vec<f64>);

enum Rule {
    Outcome(OutcomeRule),
    /// A rule for the ranked issue with this `index`.
    Issue(i32, IssueRule),
}

struct Reader<'d, 'r> {
    domain: &'d GeniusDomain,
    /// Value names per issue position, materialised on first use.
    names: Vec<Option<Vec<String>>>,
    problems: Vec<String>,
    reading: &'r mut Reading,
}

/// An `int` as Java's `Integer.valueOf` reads one (no surrounding spaces).
fn java_int(text: &str) -> Option<i32> {
    text.parse().ok()
}

/// The order Java's `HashMap<Integer, _>` iterates a small map in (at most 12 entries, so
/// 16 buckets): by bucket `(h ^ (h >>> 16)) & 15` with `h` the key, then in insertion order.
/// `entries` are in insertion order with later duplicates already merged.
pub(crate) fn java_map_order<T>(mut entries: Vec<(i32, T)>) -> Vec<(i32, T)> {
    let bucket = |k: i32| {
        let h = k as u32;
        (h ^ (h >> 16)) & 15
    };
    // A stable sort keeps insertion order within a bucket.
    entries.sort_by_key(|(k, _)| bucket(*k));
    entries
}

/// `(key, value)` pairs as a Java `HashMap` holds them after `put`s in this order: a key put
/// again keeps its place and takes the new value.
fn merged<T>(pairs: Vec<(i32, T)>) -> Vec<(i32, T)> {
    let mut out: Vec<(i32, T)> = Vec::new();
    for (k, v) in pairs {
        match out.iter_mut().find(|(j, _)| *j == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

impl Reader<'_, '_> {
    fn problem(&mut self, el: Element<'_>, what: String) {
        self.problems.push(format!("line {}: <{}> {what}", el.line(), el.name()));
    }

    /// An attribute that must be there (Genius dereferences it).
    fn attr<'a>(&mut self, el: Element<'a>, key: &str) -> Option<&'a str> {
        let v = el.attr(key);
        if v.is_none() {
            self.problem(el, format!("has no '{key}' attribute"));
        }
        v
    }

    fn int_attr(&mut self, el: Element<'_>, key: &str) -> Option<i32> {
        let text = self.attr(el, key)?;
        let v = java_int(text);
        if v.is_none() {
            self.problem(el, format!("{key}=\"{text}\" is not a 32-bit integer"));
        }
        v
    }

    /// The position of the issue with Genius index `key`.
    fn issue(&mut self, el: Element<'_>, key: i32) -> Option<usize> {
        let pos = self.domain.indices.iter().position(|&i| i == i64::from(key));
        if pos.is_none() {
            self.problem(el, format!("names issue index {key}, which the domain does not have"));
        }
        pos
    }

    fn issue_attr(&mut self, el: Element<'_>) -> Option<(i32, usize)> {
        let key = self.int_attr(el, "index")?;
        Some((key, self.issue(el, key)?))
    }

    /// The issue's value names (Genius's `Value.toString()`), or a problem.
    fn names(&mut self, el: Element<'_>, pos: usize) -> Option<&[String]> {
        if self.names[pos].is_none() {
            let issue = &self.domain.space.issues[pos];
            let names = match &issue.values {
                IssueValues::Categorical { values } | IssueValues::Ordinal { values } => values.clone(),
                IssueValues::Integer { low, high } if high - low < MAX_NAMED_INTEGERS => {
                    (*low..=*high).map(|x| x.to_string()).collect()
                }
                IssueValues::Integer { .. } => {
                    let name = issue.name.clone();
                    self.problem(
                        el,
                        format!("reads the values of integer issue '{name}', which has more than {MAX_NAMED_INTEGERS}"),
                    );
                    return None;
                }
                IssueValues::Continuous { .. } => {
                    let name = issue.name.clone();
                    self.problem(el, format!("reads the values of real issue '{name}', whose values have no names"));
                    return None;
                }
            };
            self.names[pos] = Some(names);
        }
        self.names[pos].as_deref()
    }

    fn test(&mut self, el: Element<'_>, pos: usize, holds: impl Fn(&str) -> bool) -> Option<ValueTest> {
        let names = self.names(el, pos)?;
        Some(ValueTest { issue: pos, holds: names.iter().map(|n| holds(n)).collect() })
    }

    /// The issue's values as integers, for a sign or a sum.
    fn integers(&mut self, el: Element<'_>, pos: usize) -> Option<Vec<i32>> {
        let names = self.names(el, pos)?;
        let ints: Vec<Option<i32>> = names.iter().map(|n| java_int(n)).collect();
        match ints.iter().position(Option::is_none) {
            None => Some(ints.into_iter().flatten().collect()),
            Some(bad) => {
                let (value, issue) = (names[bad].clone(), self.domain.space.issues[pos].name.clone());
                self.problem(
                    el,
                    format!("reads issue '{issue}' as a number, but its value '{value}' is not an integer"),
                );
                None
            }
        }
    }

    /// The ranked entries, keyed by issue index, in file order.
    fn ranks(&mut self, ranks: Element<'_>) -> Result<Vec<(i32, RankedIssue)>, NegotiationError> {
        // Genius keeps one ranking per index (the last) but counts every listing.
        let mut listed: Vec<(i32, Element<'_>)> = Vec::new();
        for el in ranks.children_named("issue") {
            if let Some(key) = self.int_attr(el, "index") {
                listed.push((key, el));
            }
        }
        let mut rankings: Vec<(i32, Option<Ranking>)> = Vec::new();
        for (key, el) in merged(listed.clone()) {
            rankings.push((key, self.ranking(el, key)));
        }
        let mut out = Vec::new();
        for (n, (key, el)) in listed.iter().enumerate() {
            if listed[..n].iter().any(|(k, _)| k == key) {
                self.reading.tolerate(
                    format!("line {}: issue index {key} is ranked twice", el.line()),
                    format!("line {}: issue index {key} is ranked twice: it counts twice, with its last ranking, as in Genius", el.line()),
                )?;
            }
            if let Some((_, Some((issue, score)))) = rankings.iter().find(|(k, _)| k == key) {
                out.push((*key, RankedIssue { issue: *issue, score: score.clone(), rules: Vec::new() }));
            }
        }
        Ok(out)
    }

    /// One `<issue>` of the ranks: `rank / highest rank` per value index.
    fn ranking(&mut self, el: Element<'_>, key: i32) -> Option<Ranking> {
        let pos = self.issue(el, key)?;
        let mut ranks: Vec<(String, i32)> = Vec::new();
        let mut highest = 0i32;
        for item in el.children_named("item") {
            let (Some(value), Some(rank)) = (self.attr(item, "value"), self.int_attr(item, "rank")) else { continue };
            if rank < 0 {
                self.problem(item, format!("rank {rank} is negative"));
                continue;
            }
            highest = highest.max(rank);
            match ranks.iter_mut().find(|(v, _)| v == value) {
                Some(slot) => slot.1 = rank,
                None => ranks.push((value.to_string(), rank)),
            }
        }
        let names = self.names(el, pos)?.to_vec();
        let issue = self.domain.space.issues[pos].name.clone();
        if highest == 0 {
            self.problem(el, format!("ranks no value of issue '{issue}' above 0 (Genius divides by the highest rank)"));
            return None;
        }
        let unranked: Vec<&str> =
            names.iter().filter(|n| !ranks.iter().any(|(v, _)| v == *n)).map(String::as_str).collect();
        if !unranked.is_empty() {
            self.problem(
                el,
                format!(
                    "gives no rank to value{} '{}' of issue '{issue}'",
                    if unranked.len() == 1 { "" } else { "s" },
                    unranked.join("', '")
                ),
            );
            return None;
        }
        for (v, _) in ranks.iter().filter(|(v, _)| !names.contains(v)) {
            if let Err(e) = self.reading.tolerate(
                format!("line {}: a rank for '{v}', which issue '{issue}' does not have", el.line()),
                format!("line {}: the rank for '{v}' is ignored: issue '{issue}' has no such value", el.line()),
            ) {
                self.problems.push(e.to_string());
            }
        }
        let score = names
            .iter()
            .map(|n| {
                let rank = ranks.iter().find(|(v, _)| v == n).map_or(0, |(_, r)| *r);
                f64::from(rank) / f64::from(highest)
            })
            .collect();
        Some((pos, score))
    }

    /// `(issue index, text)` checks of a rule, merged as Genius's map merges them.
    fn checks(&mut self, c: Element<'_>, child: &str, text_key: &str) -> Vec<(i32, (usize, String))> {
        let mut pairs = Vec::new();
        for el in c.children_named(child) {
            let (Some((key, pos)), Some(text)) = (self.issue_attr(el), self.attr(el, text_key)) else { continue };
            pairs.push((key, (pos, text.to_string())));
        }
        merged(pairs)
    }

    /// The rule `c`, for the ranked issues `keys` (Genius index, position).
    fn constraint(&mut self, c: Element<'_>, keys: &[(i32, usize)]) -> Result<Option<Rule>, NegotiationError> {
        let Some(kind) = self.attr(c, "type") else { return Ok(None) };
        // The ranked issue an issue rule zeroes; Genius never consults a rule for another.
        let owner = |r: &mut Self| -> Result<Option<(i32, usize)>, NegotiationError> {
            let Some(key) = r.int_attr(c, "index") else { return Ok(None) };
            match keys.iter().find(|(k, _)| *k == key) {
                Some(&(key, pos)) => Ok(Some((key, pos))),
                None => {
                    r.reading.tolerate(
                        format!("line {}: a rule for issue index {key}, which is not ranked", c.line()),
                        format!(
                            "line {}: the rule for issue index {key} has no effect: that issue is not ranked (as in \
                             Genius)",
                            c.line()
                        ),
                    )?;
                    Ok(None)
                }
            }
        };
        Ok(match kind {
            "inclusiveZeroOutcomeConstraint" => {
                let mut spares = Vec::new();
                for (_, (pos, cond)) in self.checks(c, "checkassignment", "condition") {
                    // A check spares the outcome when it "fails".
                    let test = if cond.contains("numeric") {
                        let (pos_, neg) = (cond.contains("positive"), cond.contains("negative"));
                        self.integers(c, pos).map(|ints| ValueTest {
                            issue: pos,
                            holds: ints.iter().map(|&n| (pos_ && n < 0) || (neg && n > 0)).collect(),
                        })
                    } else {
                        self.test(c, pos, |name| !name.contains(cond.as_str()))
                    };
                    spares.extend(test);
                }
                if spares.is_empty() {
                    self.reading.tolerate(
                        format!("line {}: an inclusiveZeroOutcomeConstraint with no checks", c.line()),
                        format!("line {}: an inclusiveZeroOutcomeConstraint with no checks makes every outcome worth 0, as in Genius", c.line()),
                    )?;
                }
                Some(Rule::Outcome(OutcomeRule::UnlessAny(spares)))
            }
            "conditionalZeroOutcomeConstraint" => {
                let checks = java_map_order(self.checks(c, "checkassignment", "condition"));
                let Ok([(_, (p0, cond0)), (_, (p1, cond1))]) = <[_; 2]>::try_from(checks) else {
                    self.problem(c, "needs exactly two <checkassignment>s on different issues".into());
                    return Ok(None);
                };
                let sign: Option<fn(i32) -> bool> = match cond0.as_str() {
                    "numeric=positive" => Some(|n| n > 0),
                    "numeric=negative" => Some(|n| n < 0),
                    _ => None,
                };
                let Some(sign) = sign else {
                    self.reading.tolerate(
                        format!("line {}: a conditionalZeroOutcomeConstraint whose first check is '{cond0}'", c.line()),
                        format!("line {}: the conditionalZeroOutcomeConstraint never fires: its first check, '{cond0}', is neither numeric=positive nor numeric=negative (as in Genius)", c.line()),
                    )?;
                    return Ok(None);
                };
                let trigger = self
                    .integers(c, p0)
                    .map(|ints| ValueTest { issue: p0, holds: ints.iter().map(|&n| sign(n)).collect() });
                let other = self.test(c, p1, |name| !name.contains(cond1.as_str()));
                match (trigger, other) {
                    (Some(a), Some(b)) => Some(Rule::Outcome(OutcomeRule::Both(a, b))),
                    _ => None,
                }
            }
            "zeroConstraint" | "conditionalZeroConstraint" => {
                let Some((key, own)) = owner(self)? else { return Ok(None) };
                let then = if kind == "conditionalZeroConstraint" {
                    let Some(v) = self.attr(c, "value") else { return Ok(None) };
                    self.test(c, own, |name| !name.contains(v))
                } else {
                    None
                };
                let mut all = Vec::new();
                for (_, (pos, value)) in self.checks(c, "valueassignment", "value") {
                    all.extend(self.test(c, pos, |name| name == value));
                }
                Some(Rule::Issue(key, IssueRule::AllThen { all, then }))
            }
            "sumZeroConstraint" | "sumZeroNotConstraint" | "sumZeroConstraintList" => {
                let Some((key, own)) = owner(self)? else { return Ok(None) };
                let (min, max) = (self.int_attr(c, "min"), self.int_attr(c, "max"));
                let then = if kind == "sumZeroConstraintList" {
                    let conditions: Vec<String> = c
                        .children_named("condition")
                        .filter_map(|el| self.attr(el, "value").map(str::to_string))
                        .collect();
                    self.test(c, own, |name| conditions.iter().any(|v| name.contains(v.as_str())))
                } else {
                    let Some(v) = self.attr(c, "value") else { return Ok(None) };
                    let not = kind == "sumZeroNotConstraint";
                    self.test(c, own, |name| name.contains(v) != not)
                };
                let mut terms = Vec::new();
                for el in c.children_named("item") {
                    let Some((_, pos)) = self.issue_attr(el) else { continue };
                    terms.extend(self.integers(el, pos).map(|values| IntegerValues { issue: pos, values }));
                }
                match (min, max, then) {
                    (Some(min), Some(max), Some(then)) => {
                        Some(Rule::Issue(key, IssueRule::SumThen { terms, min, max, then }))
                    }
                    _ => None,
                }
            }
            other => {
                self.reading.tolerate(
                    format!("line {}: constraint type '{other}' is not one Genius reads", c.line()),
                    format!("line {}: constraint type '{other}' is ignored, as Genius ignores it", c.line()),
                )?;
                None
            }
        })
    }
}
