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
//!   rank listed, from 0; ranks may be negative); a value listed twice keeps its last rank;
//!   an issue ranked twice counts twice, both times with its last ranking;
//! * tests compare a value's name: `equals` for `zeroConstraint` and the checks of
//!   `conditionalZeroConstraint`, Java's `String.contains` (a substring) for every other
//!   condition, and an integer's sign for `numeric=positive` / `numeric=negative`;
//! * within one rule a check on an issue listed twice keeps the last (a `HashMap`);
//!   `conditionalZeroOutcomeConstraint` takes its two checks in the map's iteration order
//!   (see [`java_map_order`]);
//! * every rule is parsed when the file is read, as Genius parses it, even one for an
//!   unranked issue (which then has no effect); a constraint type Genius does not read is
//!   ignored, with a note.
//!
//! Problems are reported all at once, in two lists: what Genius fails on too (at load, or
//! when it evaluates an outcome: a value without a rank, a missing attribute, a
//! non-integer value a rule adds up), and what demarche refuses although Genius reads it
//! (under `--strict`, and its bounds on the tables it builds).

use std::collections::HashMap;
use std::sync::Arc;

use super::genius::{GeniusDomain, Reading};
use super::xml::Element;
use crate::domain::{IssueValues, Value};
use crate::error::NegotiationError;
use crate::ranked::{IntegerValues, IssueRule, OutcomeRule, RankedIssue, RankedRulesUtility, ValueTest};

/// Most values of an integer issue whose names rules may read (they are materialised).
const MAX_NAMED_INTEGERS: i64 = 1 << 20;

/// Most per-value table entries one profile may build (each rule's test, each ranking,
/// each summed issue), so that no file allocates without bound.
const MAX_TABLE_CELLS: usize = 1 << 25;

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
    let n = domain.space.issues.len();
    let mut r = Reader {
        domain,
        names: vec![None; n],
        integers: vec![None; n],
        genius_fails: Vec::new(),
        refused: Vec::new(),
        cells: 0,
        validating: false,
        reading,
    };
    let (listed, rankings) = r.ranks(ranks);
    let mut outcome_rules = Vec::new();
    let mut issue_rules: HashMap<i32, Vec<IssueRule>> = HashMap::new();
    for c in constraints.children_named("constraint") {
        match r.constraint(c, &listed, &rankings) {
            Some(Rule::Outcome(rule)) => outcome_rules.push(rule),
            Some(Rule::Issue(key, rule)) => issue_rules.entry(key).or_default().push(rule),
            None => {}
        }
    }
    r.finish()?;
    let mut shared: HashMap<i32, Arc<[IssueRule]>> = HashMap::new();
    let mut entries = Vec::with_capacity(listed.len());
    for (key, _) in &listed {
        let Some(Some((issue, score))) = rankings.get(key) else { continue };
        let rules = shared.entry(*key).or_insert_with(|| issue_rules.remove(key).unwrap_or_default().into()).clone();
        entries.push(RankedIssue { issue: *issue, score: score.clone(), rules });
    }
    RankedRulesUtility::new(entries, outcome_rules)
        .map_err(|e| NegotiationError::invalid(format!("line {}: {e}", ranks.line())))
}

/// An issue's position and `rank / highest rank` per value index.
type Ranking = (usize, Arc<[f64]>);
/// Every listing of `<ranks>`: issue index and element, in file order.
type Listings<'a> = Vec<(i32, Element<'a>)>;
/// Each listed index's ranking (`None` where it has a problem).
type Rankings = HashMap<i32, Option<Ranking>>;

enum Rule {
    Outcome(OutcomeRule),
    /// A rule for the ranked issue with this `index`.
    Issue(i32, IssueRule),
}

struct Reader<'d, 'r> {
    domain: &'d GeniusDomain,
    /// Value names per issue position, materialised on first use.
    names: Vec<Option<Arc<[String]>>>,
    /// Values as integers per issue position (`Some(None)`: not all are integers).
    integers: Vec<Option<Option<Arc<[i32]>>>>,
    /// What Genius fails on too.
    genius_fails: Vec<String>,
    /// What demarche refuses although Genius reads it.
    refused: Vec<String>,
    /// Table entries built so far (bounded by [`MAX_TABLE_CELLS`]).
    cells: usize,
    /// Parsing a rule only for what Genius checks when it loads it (its issue is not ranked,
    /// so it is never evaluated): no tables, no lookups of issues.
    validating: bool,
    reading: &'r mut Reading,
}

/// An `int` as Java's `Integer.valueOf` reads one (no surrounding spaces).
fn java_int(text: &str) -> Option<i32> {
    text.parse().ok()
}

/// The order Java's `HashMap<Integer, _>` iterates a small map in (at most 12 entries, so
/// 16 buckets): by bucket `(h ^ (h >>> 16)) & 15` with `h` the key's 32 bits, then in
/// insertion order. `entries` are in insertion order with later duplicates already merged.
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
    let mut at: HashMap<i32, usize> = HashMap::new();
    let mut out: Vec<(i32, T)> = Vec::new();
    for (k, v) in pairs {
        match at.get(&k) {
            Some(&i) => out[i].1 = v,
            None => {
                at.insert(k, out.len());
                out.push((k, v));
            }
        }
    }
    out
}

impl Reader<'_, '_> {
    /// Genius fails on `el` too.
    fn fails(&mut self, el: Element<'_>, what: String) {
        self.genius_fails.push(format!("line {}: <{}> {what}", el.line(), el.name()));
    }

    /// A departure Genius tolerates: a note, or (under `--strict`) a refusal.
    fn note(&mut self, refusal: String, done: String) {
        if let Err(e) = self.reading.tolerate(refusal, done) {
            self.refused.push(e.to_string());
        }
    }

    /// Room for `cells` more table entries, or a refusal (once).
    fn room(&mut self, el: Element<'_>, cells: usize) -> bool {
        if self.cells.saturating_add(cells) > MAX_TABLE_CELLS {
            if self.cells <= MAX_TABLE_CELLS {
                self.refused.push(format!(
                    "line {}: the rules need more than {MAX_TABLE_CELLS} per-value table entries (demarche's bound \
                     on one profile)",
                    el.line()
                ));
                self.cells = MAX_TABLE_CELLS + 1;
            }
            return false;
        }
        self.cells += cells;
        true
    }

    /// The two lists as one error, or `Ok`.
    fn finish(&mut self) -> Result<(), NegotiationError> {
        let total = self.genius_fails.len() + self.refused.len();
        if total == 0 {
            return Ok(());
        }
        let mut text = format!("constraint utility space: {total} problem{}:", if total == 1 { "" } else { "s" });
        if !self.genius_fails.is_empty() {
            text.push_str("\n  Genius fails on these too:\n    ");
            text.push_str(&self.genius_fails.join("\n    "));
        }
        if !self.refused.is_empty() {
            text.push_str("\n  demarche refuses these:\n    ");
            text.push_str(&self.refused.join("\n    "));
        }
        Err(NegotiationError::invalid(text))
    }

    /// An attribute Genius dereferences when it loads the file.
    fn attr<'a>(&mut self, el: Element<'a>, key: &str) -> Option<&'a str> {
        let v = el.attr(key);
        if v.is_none() {
            self.fails(el, format!("has no '{key}' attribute"));
        }
        v
    }

    /// An attribute Genius reads with `Integer.valueOf` when it loads the file.
    fn int_attr(&mut self, el: Element<'_>, key: &str) -> Option<i32> {
        let text = self.attr(el, key)?;
        let v = java_int(text);
        if v.is_none() {
            self.fails(el, format!("{key}=\"{text}\" is not a 32-bit integer"));
        }
        v
    }

    /// The position of the issue with Genius index `key` (Genius fails evaluating an
    /// outcome on an issue the domain lacks).
    fn issue(&mut self, el: Element<'_>, key: i32) -> Option<usize> {
        let pos = self.domain.indices.iter().position(|&i| i == i64::from(key));
        if pos.is_none() {
            self.fails(el, format!("names issue index {key}, which the domain does not have"));
        }
        pos
    }

    /// The `index` attribute and (unless only validating) its issue's position.
    fn issue_attr(&mut self, el: Element<'_>) -> Option<(i32, usize)> {
        let key = self.int_attr(el, "index")?;
        if self.validating {
            return Some((key, usize::MAX));
        }
        Some((key, self.issue(el, key)?))
    }

    /// The issue's value names (Genius's `Value.toString()`).
    fn names(&mut self, el: Element<'_>, pos: usize) -> Option<Arc<[String]>> {
        if self.validating {
            return None;
        }
        if self.names[pos].is_none() {
            let issue = &self.domain.space.issues[pos];
            let names: Arc<[String]> = match &issue.values {
                IssueValues::Integer { low, high } if high - low >= MAX_NAMED_INTEGERS => {
                    let name = issue.name.clone();
                    self.refused.push(format!(
                        "line {}: <{}> reads the values of integer issue '{name}', which has more than \
                         {MAX_NAMED_INTEGERS} (demarche's bound)",
                        el.line(),
                        el.name()
                    ));
                    return None;
                }
                IssueValues::Continuous { .. } => {
                    let name = issue.name.clone();
                    self.fails(el, format!("reads the values of real issue '{name}', whose values have no names"));
                    return None;
                }
                // Named values, or integers as Genius prints them.
                _ => (0..issue.cardinality().unwrap_or(0)).map(|k| issue.label(Value::Index(k))).collect(),
            };
            self.names[pos] = Some(names);
        }
        self.names[pos].clone()
    }

    /// A per-value test on issue `pos`.
    fn test(&mut self, el: Element<'_>, pos: usize, holds: impl Fn(&str) -> bool) -> Option<ValueTest> {
        let names = self.names(el, pos)?;
        if !self.room(el, names.len()) {
            return None;
        }
        Some(ValueTest { issue: pos, holds: names.iter().map(|n| holds(n)).collect() })
    }

    /// The issue's values as integers, for a sign or a sum (Genius fails evaluating an
    /// outcome whose value it cannot read as one).
    fn integers(&mut self, el: Element<'_>, pos: usize) -> Option<Arc<[i32]>> {
        let names = self.names(el, pos)?;
        if self.integers[pos].is_none() {
            let ints: Option<Arc<[i32]>> =
                if self.room(el, names.len()) { names.iter().map(|n| java_int(n)).collect() } else { None };
            self.integers[pos] = Some(ints);
        }
        let ints = self.integers[pos].clone().flatten();
        if ints.is_none() && self.cells <= MAX_TABLE_CELLS {
            let issue = self.domain.space.issues[pos].name.clone();
            let value = names.iter().find(|n| java_int(n).is_none()).cloned().unwrap_or_default();
            self.fails(el, format!("reads issue '{issue}' as a number, but its value '{value}' is not an integer"));
        }
        ints
    }

    /// Every listing of `<ranks>` in file order (issue index, element), and the ranking of
    /// each index (its last listing, as Genius keeps it; `None` if it has a problem).
    fn ranks<'a>(&mut self, ranks: Element<'a>) -> (Listings<'a>, Rankings) {
        let mut listed: Vec<(i32, Element<'a>)> = Vec::new();
        for el in ranks.children_named("issue") {
            if let Some(key) = self.int_attr(el, "index") {
                listed.push((key, el));
            }
        }
        let mut last: HashMap<i32, usize> = HashMap::new();
        for (n, (key, _)) in listed.iter().enumerate() {
            last.insert(*key, n);
        }
        let mut rankings = HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for (n, &(key, el)) in listed.iter().enumerate() {
            if !seen.insert(key) {
                self.note(
                    format!("line {}: issue index {key} is ranked twice", el.line()),
                    format!(
                        "line {}: issue index {key} is ranked twice: it counts twice, with its last ranking, as in \
                         Genius",
                        el.line()
                    ),
                );
            }
            if last[&key] == n {
                let ranking = self.ranking(el, key);
                rankings.insert(key, ranking);
            } else {
                // Genius reads every listing's ranks, superseded or not.
                for item in el.children_named("item") {
                    self.int_attr(item, "rank");
                }
            }
        }
        (listed, rankings)
    }

    /// One `<issue>` of the ranks: `rank / highest rank` per value index.
    fn ranking(&mut self, el: Element<'_>, key: i32) -> Option<Ranking> {
        let mut ranks: HashMap<Option<&str>, i32> = HashMap::new();
        let mut highest = 0i32;
        for item in el.children_named("item") {
            // A rank without a value is kept under no value (Genius's `null` key): it
            // counts for the highest rank, and no value of the domain gets it.
            let Some(rank) = self.int_attr(item, "rank") else { continue };
            highest = highest.max(rank);
            ranks.insert(item.attr("value"), rank);
        }
        let pos = self.issue(el, key)?;
        let names = self.names(el, pos)?;
        let issue = self.domain.space.issues[pos].name.clone();
        let unranked: Vec<&str> =
            names.iter().filter(|n| !ranks.contains_key(&Some(n.as_str()))).map(String::as_str).collect();
        if !unranked.is_empty() {
            let shown: Vec<&str> = unranked.iter().take(10).copied().collect();
            self.fails(
                el,
                format!(
                    "gives no rank to value{} '{}'{} of issue '{issue}' (Genius fails evaluating an outcome with one)",
                    if unranked.len() == 1 { "" } else { "s" },
                    shown.join("', '"),
                    if unranked.len() > shown.len() {
                        format!(" and {} more", unranked.len() - shown.len())
                    } else {
                        String::new()
                    }
                ),
            );
            return None;
        }
        if highest == 0 {
            self.refused.push(format!(
                "line {}: <issue> ranks no value of issue '{issue}' above 0 (Genius divides by the highest rank, 0, \
                 and its utilities are not numbers)",
                el.line()
            ));
            return None;
        }
        let known: std::collections::HashSet<&str> = names.iter().map(String::as_str).collect();
        let mut strays: Vec<&str> = ranks.keys().flatten().filter(|v| !known.contains(*v)).copied().collect();
        strays.sort_unstable();
        for v in strays {
            self.note(
                format!("line {}: a rank for '{v}', which issue '{issue}' does not have", el.line()),
                format!("line {}: the rank for '{v}' is ignored: issue '{issue}' has no such value", el.line()),
            );
        }
        if !self.room(el, names.len()) {
            return None;
        }
        let score: Arc<[f64]> =
            names.iter().map(|n| f64::from(ranks[&Some(n.as_str())]) / f64::from(highest)).collect();
        Some((pos, score))
    }

    /// `(issue index, text)` checks of a rule, merged as Genius's map merges them; the text
    /// is `None` where the attribute is missing (`on_missing` says what that does).
    fn checks(
        &mut self,
        c: Element<'_>,
        child: &str,
        text_key: &str,
        missing_fails: bool,
    ) -> Vec<(i32, (usize, Option<String>))> {
        let mut pairs = Vec::new();
        for el in c.children_named(child) {
            let text = match el.attr(text_key) {
                Some(t) => Some(t.to_string()),
                None if missing_fails => {
                    self.fails(el, format!("has no '{text_key}' attribute"));
                    continue;
                }
                None => None,
            };
            let Some((key, pos)) = self.issue_attr(el) else { continue };
            pairs.push((key, (pos, text)));
        }
        merged(pairs)
    }

    /// The rule `c`. `listed` are the ranked listings and `rankings` their rankings.
    fn constraint(&mut self, c: Element<'_>, listed: &[(i32, Element<'_>)], rankings: &Rankings) -> Option<Rule> {
        let kind = self.attr(c, "type")?;
        match kind {
            "inclusiveZeroOutcomeConstraint" => {
                let mut spares = Vec::new();
                for (_, (pos, cond)) in self.checks(c, "checkassignment", "condition", true) {
                    let cond = cond.unwrap_or_default();
                    // A check spares the outcome when it "fails"; a numeric check reads the
                    // value as an integer only to test a sign it names.
                    let test = if cond.contains("numeric") {
                        let (pos_, neg) = (cond.contains("positive"), cond.contains("negative"));
                        if pos_ || neg {
                            self.integers(c, pos).and_then(|ints| {
                                self.room(c, ints.len()).then(|| ValueTest {
                                    issue: pos,
                                    holds: ints.iter().map(|&n| (pos_ && n < 0) || (neg && n > 0)).collect(),
                                })
                            })
                        } else {
                            self.test(c, pos, |_| false)
                        }
                    } else {
                        self.test(c, pos, |name| !name.contains(cond.as_str()))
                    };
                    spares.extend(test);
                }
                if spares.is_empty() && c.children_named("checkassignment").next().is_none() {
                    self.note(
                        format!("line {}: an inclusiveZeroOutcomeConstraint with no checks", c.line()),
                        format!(
                            "line {}: an inclusiveZeroOutcomeConstraint with no checks makes every outcome worth 0, \
                             as in Genius",
                            c.line()
                        ),
                    );
                }
                Some(Rule::Outcome(OutcomeRule::UnlessAny(spares)))
            }
            "conditionalZeroOutcomeConstraint" => {
                let checks = java_map_order(self.checks(c, "checkassignment", "condition", true));
                let sign = |cond: &str| -> Option<fn(i32) -> bool> {
                    match cond {
                        "numeric=positive" => Some(|n| n > 0),
                        "numeric=negative" => Some(|n| n < 0),
                        _ => None,
                    }
                };
                let (first, second) = match checks.as_slice() {
                    [(_, a), (_, b)] => (a.clone(), b.clone()),
                    [(_, (_, cond))] if sign(cond.as_deref().unwrap_or("")).is_none() => {
                        self.never_fires(c, cond.as_deref().unwrap_or(""));
                        return None;
                    }
                    [_] => {
                        self.fails(c, "has one <checkassignment>, whose sign check is followed by none".into());
                        return None;
                    }
                    _ => {
                        self.fails(
                            c,
                            format!("needs two <checkassignment>s on different issues, not {}", checks.len()),
                        );
                        return None;
                    }
                };
                let ((p0, cond0), (p1, cond1)) = (first, second);
                let (cond0, cond1) = (cond0.unwrap_or_default(), cond1.unwrap_or_default());
                let Some(sign) = sign(&cond0) else {
                    self.never_fires(c, &cond0);
                    return None;
                };
                let trigger = self.integers(c, p0).and_then(|ints| {
                    self.room(c, ints.len())
                        .then(|| ValueTest { issue: p0, holds: ints.iter().map(|&n| sign(n)).collect() })
                });
                let other = self.test(c, p1, |name| !name.contains(cond1.as_str()));
                Some(Rule::Outcome(OutcomeRule::Both(trigger?, other?)))
            }
            "zeroConstraint"
            | "conditionalZeroConstraint"
            | "sumZeroConstraint"
            | "sumZeroNotConstraint"
            | "sumZeroConstraintList" => {
                let key = self.int_attr(c, "index")?;
                let own = rankings.get(&key).and_then(|r| r.as_ref()).map(|(pos, _)| *pos);
                let ranked = listed.iter().any(|(k, _)| *k == key);
                // A rule for an unranked issue is parsed as Genius parses it, then dropped.
                self.validating = !ranked;
                let rule = self.issue_rule(c, kind, own);
                self.validating = false;
                if !ranked {
                    self.note(
                        format!("line {}: a rule for issue index {key}, which is not ranked", c.line()),
                        format!(
                            "line {}: the rule for issue index {key} has no effect: that issue is not ranked (as in \
                             Genius)",
                            c.line()
                        ),
                    );
                    return None;
                }
                rule.map(|rule| Rule::Issue(key, rule))
            }
            other => {
                self.note(
                    format!("line {}: constraint type '{other}' is not one Genius reads", c.line()),
                    format!("line {}: constraint type '{other}' is ignored, as Genius ignores it", c.line()),
                );
                None
            }
        }
    }

    fn never_fires(&mut self, c: Element<'_>, cond0: &str) {
        self.note(
            format!("line {}: a conditionalZeroOutcomeConstraint whose first check is '{cond0}'", c.line()),
            format!(
                "line {}: the conditionalZeroOutcomeConstraint never fires: its first check, '{cond0}', is neither \
                 numeric=positive nor numeric=negative (as in Genius)",
                c.line()
            ),
        );
    }

    /// An issue rule; `own` is the ranked issue's position (`None` if its ranking failed or
    /// the rule is only validated).
    fn issue_rule(&mut self, c: Element<'_>, kind: &str, own: Option<usize>) -> Option<IssueRule> {
        let then_test = |r: &mut Self, holds: &dyn Fn(&str) -> bool| own.and_then(|p| r.test(c, p, holds));
        match kind {
            "zeroConstraint" | "conditionalZeroConstraint" => {
                let conditional = kind == "conditionalZeroConstraint";
                let then = if conditional {
                    let v = self.attr(c, "value")?.to_string();
                    Some(then_test(self, &|name: &str| !name.contains(v.as_str()))?)
                } else {
                    None
                };
                let mut all = Vec::new();
                for (_, (pos, value)) in self.checks(c, "valueassignment", "value", conditional) {
                    // A missing value is Java's `null`: no name equals it.
                    all.extend(self.test(c, pos, |name| value.as_deref() == Some(name)));
                }
                Some(IssueRule::AllThen { all, then })
            }
            _ => {
                let (min, max) = (self.int_attr(c, "min"), self.int_attr(c, "max"));
                let then = if kind == "sumZeroConstraintList" {
                    let mut conditions = Vec::new();
                    for el in c.children_named("condition") {
                        conditions.extend(self.attr(el, "value").map(str::to_string));
                    }
                    then_test(self, &|name: &str| conditions.iter().any(|v| name.contains(v.as_str())))
                } else {
                    let v = self.attr(c, "value")?.to_string();
                    let not = kind == "sumZeroNotConstraint";
                    then_test(self, &|name: &str| name.contains(v.as_str()) != not)
                };
                // Each summed issue once, with how many times it is listed.
                let mut order: Vec<usize> = Vec::new();
                let mut times: HashMap<usize, i32> = HashMap::new();
                for el in c.children_named("item") {
                    let Some((_, pos)) = self.issue_attr(el) else { continue };
                    let t = times.entry(pos).or_insert(0);
                    if *t == 0 {
                        order.push(pos);
                    }
                    *t = t.wrapping_add(1);
                }
                let mut terms = Vec::new();
                for pos in order {
                    if let Some(values) = self.integers(c, pos) {
                        terms.push(IntegerValues { issue: pos, values, times: times[&pos] });
                    }
                }
                Some(IssueRule::SumThen { terms, min: min?, max: max?, then: then? })
            }
        }
    }
}
