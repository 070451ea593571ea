//! `outcome.toml`: what happened after a case's as-of date, read into an
//! [`Outcome`] and checked against the case's scenario.
//!
//! ```toml
//! [outcome]
//! as_of = 2025-10-01        # when the outcome was read
//! decided = false           # was an agreement reached and in force by then?
//! scenario = "../x.toml"    # optional; default scenario.toml beside this file
//! sources = ["snapback"]
//! [[outcome.sources]]       # as [[meta.sources]]; may be dated after the scenario's as_of
//! [[outcome.issues]]        # issue, value (omit with decided = false: the status quo), note, sources
//! [[outcome.dyads]]         # a, b, kind = "force" | "coercion", date, note, sources
//! ```

use demarche_scenario::decode::source;
use demarche_scenario::diag::{Diagnostic, Diagnostics};
use demarche_scenario::node::{parse_toml, Node};
use demarche_scenario::reader::{Cx, Table};
use demarche_scenario::{Scenario, Source};
use serde::Serialize;

/// What an `[[outcome.dyads]]` entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DyadKind {
    /// Armed attack, strike or armed clash between the two.
    Force,
    /// A new coercive measure by one against the other: sanctions imposed or
    /// tightened, a blockade, expulsions, an ultimatum backed by mobilisation.
    Coercion,
}

impl DyadKind {
    pub const NAMES: [&'static str; 2] = ["force", "coercion"];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "force" => Some(DyadKind::Force),
            "coercion" => Some(DyadKind::Coercion),
            _ => None,
        }
    }
}

/// The realised outcome on one issue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IssueOutcome {
    pub issue: String,
    /// On the issue's own scale; `None`: scored as the status quo (only with `decided = false`).
    pub value: Option<f64>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// A pair of actors whose conflict turned to coercion or force in the window.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ObservedDyad {
    pub a: String,
    pub b: String,
    pub kind: DyadKind,
    pub date: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
}

/// One case's recorded outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// When the outcome was read (the case's horizon).
    pub as_of: String,
    /// Whether an agreement or decision was reached and in force by `as_of`.
    pub decided: bool,
    /// The scenario file, relative to the outcome file (default `scenario.toml`).
    pub scenario: Option<String>,
    /// Why the case's positions could only be coded after the events (e.g.
    /// published inputs of a classic study). Such a case is scored and shown
    /// but left out of the pooled figures, and not held to the hindsight check.
    pub retrospective: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    /// Sources of the outcome (dated after the scenario's as-of date, as a rule).
    pub source_list: Vec<Source>,
    pub issues: Vec<IssueOutcome>,
    pub dyads: Vec<ObservedDyad>,
}

/// Longest outcome file read (the scenario has its own limit).
pub const MAX_OUTCOME_BYTES: u64 = 1 << 20;
/// Most `[[outcome.issues]]` or `[[outcome.dyads]]` entries.
pub const MAX_ENTRIES: usize = 10_000;

/// Parses and decodes an outcome file. Structural problems (missing fields,
/// wrong types, unknown keys) are all collected; `spans` maps field paths to
/// where they are, for [`check`].
pub fn decode(text: &str) -> (Option<Outcome>, Cx) {
    let (root, diags) = parse_toml(text);
    let mut cx = Cx { diags, ..Default::default() };
    let Some(root) = root else { return (None, cx) };
    let outcome = decode_root(&root, &mut cx);
    (outcome, cx)
}

fn decode_root(root: &Node, cx: &mut Cx) -> Option<Outcome> {
    let mut top = Table::new(root, "", cx)?;
    let Some(node) = top.take("outcome", cx) else {
        let span = top.span().clone();
        cx.error("outcome", &span, "missing the `[outcome]` table").hint =
            Some("start the file with `[outcome]`, then `as_of = YYYY-MM-DD` and `decided = true|false`".into());
        top.finish(cx);
        return None;
    };
    top.finish(cx);
    let mut t = Table::new(node, "outcome", cx)?;
    let as_of = t.opt_date("as_of", cx);
    if as_of.is_none() && !t.has("as_of") {
        let span = t.span().clone();
        cx.error("outcome.as_of", &span, "missing required field `as_of`").hint =
            Some("the date the outcome was read, e.g. `as_of = 2025-10-01`".into());
    }
    let decided = t.opt_bool("decided", cx);
    if decided.is_none() && !t.has("decided") {
        let span = t.span().clone();
        cx.error("outcome.decided", &span, "missing required field `decided`").hint =
            Some("`decided = true` if an agreement or decision was reached and in force by `as_of`".into());
    }
    let scenario = t.opt_str("scenario", cx);
    let retrospective = t.opt_str("retrospective", cx);
    let note = t.opt_str("note", cx);
    // `sources` is either a list of ids (of the scenario's sources or of
    // `[[outcome.sources]]`) or, written as `[[outcome.sources]]` tables, the
    // outcome's own source entries, all of which the outcome then cites.
    let (sources, source_list) = match t.has("sources").then(|| is_table_list(root, "sources")) {
        Some(true) => {
            let list: Vec<Source> = t.list("sources", cx).into_iter().filter_map(|(p, n)| source(n, &p, cx)).collect();
            (list.iter().map(|s| s.id.clone()).collect(), list)
        }
        _ => (t.opt_str_list("sources", cx), Vec::new()),
    };
    let mut o = Outcome {
        as_of: as_of.unwrap_or_default(),
        decided: decided.unwrap_or(false),
        scenario,
        retrospective,
        note,
        sources,
        source_list,
        issues: Vec::new(),
        dyads: Vec::new(),
    };
    let issues = t.list("issues", cx);
    let dyads = t.list("dyads", cx);
    for (what, len) in [("issues", issues.len()), ("dyads", dyads.len())] {
        if len > MAX_ENTRIES {
            let span = t.span().clone();
            cx.error(&format!("outcome.{what}"), &span, format!("{len} entries; the limit is {MAX_ENTRIES}"));
            return None;
        }
    }
    o.issues = issues.into_iter().filter_map(|(p, n)| issue(n, &p, cx)).collect();
    o.dyads = dyads.into_iter().filter_map(|(p, n)| dyad(n, &p, cx)).collect();
    t.finish(cx);
    Some(o)
}

/// Whether `outcome.<key>` is a list of tables (`[[outcome.<key>]]`).
fn is_table_list(root: &Node, key: &str) -> bool {
    use demarche_scenario::node::Value;
    let Some(Value::Array(items)) = root.get("outcome").and_then(|o| o.get(key)).map(|n| &n.value) else {
        return false;
    };
    items.iter().any(|i| matches!(i.value, Value::Table(_)))
}

fn issue(n: &Node, path: &str, cx: &mut Cx) -> Option<IssueOutcome> {
    let mut t = Table::new(n, path, cx)?;
    let o = IssueOutcome {
        issue: t.req_str("issue", cx).unwrap_or_default(),
        value: t.opt_f64("value", cx),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(o)
}

fn dyad(n: &Node, path: &str, cx: &mut Cx) -> Option<ObservedDyad> {
    let mut t = Table::new(n, path, cx)?;
    let a = t.req_str("a", cx).unwrap_or_default();
    let b = t.req_str("b", cx).unwrap_or_default();
    let kind = t.opt_keyword("kind", &DyadKind::NAMES, DyadKind::parse, cx);
    if kind.is_none() && !t.has("kind") {
        let span = t.span().clone();
        cx.error(&format!("{path}.kind"), &span, "missing required field `kind`").hint =
            Some("`kind = \"force\"` or `kind = \"coercion\"`".into());
    }
    let d = ObservedDyad {
        a,
        b,
        kind: kind.unwrap_or(DyadKind::Force),
        date: t.opt_date("date", cx),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(d)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (a TOML date or a string), as comparable text.
pub fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [y] => digits(y, 4),
        [y, m] => digits(y, 4) && digits(m, 2),
        [y, m, d] => digits(y, 4) && digits(m, 2) && digits(d, 2),
        _ => false,
    }
}

/// Whether `date` (any precision) can fall after `as_of`: a partial date is
/// read as its first day, so `2025-06` is not after `2025-06-02`.
pub fn after(date: &str, as_of: &str) -> bool {
    date > as_of && !as_of.starts_with(date)
}

/// The semantic checks of an outcome against its scenario: ids that exist
/// (with the nearest one as a hint), values on each issue's scale, the status
/// quo where a value is left out, dates in order, cited sources that exist.
/// Every problem is pushed to `cx`, located by the spans decoding recorded.
pub fn check(o: &Outcome, sc: &Scenario, cx: &mut Cx) {
    let at = |cx: &Cx, path: &str| cx.span_of(path);
    let push = |cx: &mut Cx, path: &str, message: String, hint: Option<String>| {
        let span = at(cx, path);
        let mut d = Diagnostic::error(path, message).with_span(span);
        d.hint = hint;
        cx.diags.push(d);
    };
    let ix = sc.index();
    let as_of_ok = is_date(&o.as_of);
    if !o.as_of.is_empty() && !as_of_ok {
        push(cx, "outcome.as_of", format!("`{}` is not a date", o.as_of), Some("write YYYY-MM-DD".into()));
    }
    match sc.meta.as_of.as_deref() {
        None if o.retrospective.is_some() => {}
        None => push(
            cx,
            "outcome.as_of",
            "the case's scenario has no `meta.as_of`: a backtest needs the date the scenario describes".into(),
            Some(
                "add `as_of = YYYY-MM-DD` to the scenario's [meta] (or, for a case coded after the events from a \
                 later publication, say why with `retrospective = \"...\"`)"
                    .into(),
            ),
        ),
        Some(s) if as_of_ok && !after(&o.as_of, s) && o.as_of != s => push(
            cx,
            "outcome.as_of",
            format!("the outcome is read on {}, before the scenario's as-of date {s}", o.as_of),
            Some("the outcome's as_of is the horizon at which it was read; it comes after the scenario's".into()),
        ),
        _ => {}
    }
    let known_sources: Vec<&str> =
        o.source_list.iter().map(|s| s.id.as_str()).chain(sc.meta.sources.iter().map(|s| s.id.as_str())).collect();
    let check_sources = |cx: &mut Cx, path: &str, ids: &[String]| {
        for (k, id) in ids.iter().enumerate() {
            if !known_sources.contains(&id.as_str()) {
                let hint = cx.hints.suggest(id, &known_sources);
                push(cx, &format!("{path}[{k}]"), format!("unknown source `{id}`"), Some(hint));
            }
        }
    };
    check_sources(cx, "outcome.sources", &o.sources);
    for (k, s) in o.source_list.iter().enumerate() {
        if let Some(d) = &s.date {
            if !is_date(d) {
                push(cx, &format!("outcome.sources[{k}].date"), format!("`{d}` is not a date"), None);
            }
        }
    }
    let issue_ids: Vec<&str> = sc.issues.iter().map(|i| i.id.as_str()).collect();
    let mut seen = std::collections::HashSet::new();
    for (k, io) in o.issues.iter().enumerate() {
        let path = format!("outcome.issues[{k}]");
        check_sources(cx, &format!("{path}.sources"), &io.sources);
        let Some(i) = ix.issue(&io.issue) else {
            let hint = cx.hints.suggest(&io.issue, &issue_ids);
            push(cx, &format!("{path}.issue"), format!("unknown issue `{}`", io.issue), Some(hint));
            continue;
        };
        if !seen.insert(i) {
            push(cx, &format!("{path}.issue"), format!("issue `{}` has two outcomes", io.issue), None);
        }
        let iss = &sc.issues[i];
        match io.value {
            Some(v) if !v.is_finite() || v < iss.min.min(iss.max) || v > iss.max.max(iss.min) => push(
                cx,
                &format!("{path}.value"),
                format!("{v} is off the issue's scale [{}, {}]", iss.min, iss.max),
                Some("give the realised outcome on the issue's own scale".into()),
            ),
            Some(_) => {}
            None if o.decided => push(
                cx,
                &format!("{path}.value"),
                format!("issue `{}` has no value, but the outcome says a decision was reached", iss.id),
                Some("with `decided = true` give each issue's realised value".into()),
            ),
            None if iss.status_quo.is_none() => push(
                cx,
                &format!("{path}.value"),
                format!("issue `{}` has no value and no status quo to score it as", iss.id),
                Some("give `value`, or a `status_quo` on the issue in the scenario".into()),
            ),
            None => {}
        }
    }
    if o.issues.is_empty() {
        cx.diags.push(
            Diagnostic::error("outcome.issues", "no `[[outcome.issues]]`: nothing to score the models against")
                .with_span(at(cx, "outcome"))
                .with_hint("add one `[[outcome.issues]]` per scenario issue"),
        );
    } else {
        for iss in &sc.issues {
            if !o.issues.iter().any(|x| x.issue == iss.id) {
                cx.diags.push(
                    Diagnostic::warning(
                        "outcome.issues",
                        format!("issue `{}` has no outcome: it is not scored", iss.id),
                    )
                    .with_span(at(cx, "outcome")),
                );
            }
        }
    }
    let actor_ids: Vec<&str> = sc.actors.iter().map(|a| a.id.as_str()).collect();
    let mut pairs = std::collections::HashSet::new();
    for (k, d) in o.dyads.iter().enumerate() {
        let path = format!("outcome.dyads[{k}]");
        check_sources(cx, &format!("{path}.sources"), &d.sources);
        let mut both = true;
        for (field, id) in [("a", &d.a), ("b", &d.b)] {
            if ix.actor(id).is_none() {
                both = false;
                let hint = cx.hints.suggest(id, &actor_ids);
                push(cx, &format!("{path}.{field}"), format!("unknown actor `{id}`"), Some(hint));
            }
        }
        if both && d.a != d.b {
            for id in [&d.a, &d.b] {
                if !sc.stances.iter().any(|s| &s.actor == id) {
                    let span = at(cx, &path);
                    cx.diags.push(
                        Diagnostic::warning(
                            &path,
                            format!("actor `{id}` takes no stance: no ranking can score this dyad"),
                        )
                        .with_span(span)
                        .with_hint("give the actor stances, or leave the dyad out"),
                    );
                }
            }
        }
        if both && d.a == d.b {
            push(cx, &format!("{path}.b"), format!("a dyad needs two actors; both are `{}`", d.a), None);
        }
        let key = if d.a <= d.b { (d.a.clone(), d.b.clone()) } else { (d.b.clone(), d.a.clone()) };
        if both && d.a != d.b && !pairs.insert(key) {
            push(
                cx,
                &path,
                format!("the dyad {} – {} is listed twice", d.a, d.b),
                Some("keep one entry per pair (the first use of force or coercion)".into()),
            );
        }
        if let Some(date) = &d.date {
            if !is_date(date) {
                push(cx, &format!("{path}.date"), format!("`{date}` is not a date"), Some("write YYYY-MM-DD".into()));
            } else if let Some(s) = sc.meta.as_of.as_deref() {
                if !after(date, s) {
                    push(
                        cx,
                        &format!("{path}.date"),
                        format!("{date} is not after the scenario's as-of date {s}"),
                        Some(
                            "record what happened after the as-of date; what came before belongs in the scenario"
                                .into(),
                        ),
                    );
                } else if as_of_ok && after(date, &o.as_of) {
                    push(
                        cx,
                        &format!("{path}.date"),
                        format!("{date} is after the outcome's as_of {}", o.as_of),
                        Some("the dyads are those that turned to force or coercion by the outcome's as_of".into()),
                    );
                }
            }
        }
    }
}

/// Every stance must cite a source, and no cited source may be dated after the
/// scenario's as-of date (a backtest's scenario is written without
/// hindsight). Actors and relations are held to the second rule too.
pub fn check_hindsight(sc: &Scenario, diags: &mut Diagnostics) {
    let Some(as_of) = sc.meta.as_of.as_deref() else { return };
    let dated = |id: &str| sc.meta.sources.iter().find(|s| s.id == id).and_then(|s| s.date.as_deref());
    let late = |path: String, ids: &[String], diags: &mut Diagnostics| {
        for id in ids {
            if let Some(d) = dated(id) {
                if is_date(d) && after(d, as_of) {
                    diags.push(
                        Diagnostic::error(&path, format!("cites `{id}`, dated {d}, after the as-of date {as_of}"))
                            .with_hint("a backtest scenario uses only what was public on its as-of date"),
                    );
                }
            }
        }
    };
    for (k, s) in sc.stances.iter().enumerate() {
        let path = format!("stances[{k}]");
        if s.sources.is_empty() {
            diags.push(
                Diagnostic::error(
                    format!("{path}.sources"),
                    format!("the stance of `{}` on `{}` cites no source", s.actor, s.issue),
                )
                .with_hint("cite the statement (dated on or before the as-of date) the position comes from"),
            );
        }
        late(format!("{path}.sources"), &s.sources, diags);
    }
    for (k, a) in sc.actors.iter().enumerate() {
        late(format!("actors[{k}].sources"), &a.sources, diags);
    }
    for (k, r) in sc.relations.iter().enumerate() {
        late(format!("relations[{k}].sources"), &r.sources, diags);
    }
    for (k, s) in sc.stances.iter().enumerate() {
        for (j, a) in s.red_line_alternatives.iter().enumerate() {
            late(format!("stances[{k}].red_line_alternatives[{j}].sources"), &a.sources, diags);
        }
    }
    for (k, o) in sc.options.iter().enumerate() {
        late(format!("options[{k}].sources"), &o.sources, diags);
    }
    for (k, e) in sc.timeline.iter().enumerate() {
        late(format!("timeline[{k}].sources"), &e.sources, diags);
    }
    // A partial date whose period takes in the as-of date (`2025-06` against
    // 2025-06-02) cannot be shown to come before it.
    let mut cited: Vec<&str> = sc.stances.iter().flat_map(|s| s.sources.iter().map(String::as_str)).collect();
    cited.extend(sc.options.iter().flat_map(|o| o.sources.iter().map(String::as_str)));
    cited.sort_unstable();
    cited.dedup();
    for id in cited {
        if let Some(d) = dated(id) {
            if is_date(d) && d.len() < 10 && as_of.starts_with(d) {
                diags.push(
                    Diagnostic::warning(
                        "meta.sources",
                        format!("source `{id}` is dated {d}, a period that takes in the as-of date {as_of}"),
                    )
                    .with_hint("give the day, so the hindsight check can tell it came before"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        demarche_scenario::load_str(
            r#"
[meta]
title = "t"
as_of = 2020-01-01
[[meta.sources]]
id = "early"
title = "before"
date = "2019-12-31"
[[meta.sources]]
id = "late"
title = "after"
date = "2020-02"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 3
[[issues]]
id = "x"
name = "X"
min = 0
max = 100
low = "none"
high = "all"
status_quo = 0
[[stances]]
actor = "a"
issue = "x"
position = 0
salience = 1
sources = ["early"]
[[stances]]
actor = "b"
issue = "x"
position = 100
salience = 1
sources = ["late"]
"#,
            None,
            Some("t.toml"),
        )
        .unwrap()
        .scenario
    }

    fn problems(text: &str) -> Diagnostics {
        let (o, mut cx) = decode(text);
        if let Some(o) = &o {
            check(o, &scenario(), &mut cx);
        }
        let mut d = cx.diags;
        d.locate(Some("outcome.toml"), Some(text));
        d
    }

    #[test]
    fn a_good_outcome_reads() {
        let text = "[outcome]\nas_of = 2020-06-01\ndecided = true\n\
                    [[outcome.sources]]\nid = \"s\"\ntitle = \"T\"\ndate = \"2020-05-01\"\n\
                    [[outcome.issues]]\nissue = \"x\"\nvalue = 50\nsources = [\"s\"]\n\
                    [[outcome.dyads]]\na = \"a\"\nb = \"b\"\nkind = \"coercion\"\ndate = 2020-03-01\n";
        let d = problems(text);
        assert!(!d.has_errors(), "{d}");
        let (o, _) = decode(text);
        let o = o.unwrap();
        assert_eq!(o.sources, vec!["s".to_string()]);
        assert_eq!(o.dyads[0].kind, DyadKind::Coercion);
        assert_eq!(o.issues[0].value, Some(50.0));
    }

    #[test]
    fn every_problem_is_reported_at_once_with_line_and_hint() {
        let text = "[outcome]\nas_of = 2019-06-01\ndecided = true\nsources = [\"nope\"]\nextra = 1\n\
                    [[outcome.issues]]\nissue = \"y\"\nvalue = 5\n\
                    [[outcome.issues]]\nissue = \"x\"\nvalue = 500\n\
                    [[outcome.dyads]]\na = \"a\"\nb = \"c\"\nkind = \"war\"\ndate = 2021-01-01\n";
        let d = problems(text);
        let msgs: Vec<String> = d.iter().map(|x| format!("{} {} {:?}", x.path, x.message, x.hint)).collect();
        let has = |s: &str| msgs.iter().any(|m| m.contains(s));
        assert!(has("before the scenario's as-of date"), "{msgs:#?}");
        assert!(has("unknown source `nope`"), "{msgs:#?}");
        assert!(has("unknown field `extra`"), "{msgs:#?}");
        assert!(has("unknown issue `y`") && has("`x`"), "{msgs:#?}");
        assert!(has("off the issue's scale"), "{msgs:#?}");
        assert!(has("unknown actor `c`"), "{msgs:#?}");
        assert!(has("unknown value `war`") && has("force"), "{msgs:#?}");
        assert!(d.iter().all(|x| x.location.is_some()), "every problem has a line: {msgs:#?}");
        let line = |s: &str| d.iter().find(|x| x.message.contains(s)).and_then(|x| x.location).map(|l| l.line);
        assert_eq!(line("off the issue's scale"), Some(11));
    }

    #[test]
    fn missing_values_need_a_status_quo_or_no_decision() {
        let d = problems("[outcome]\nas_of = 2020-06-01\ndecided = true\n[[outcome.issues]]\nissue = \"x\"\n");
        assert!(d.iter().any(|x| x.message.contains("has no value")), "{d}");
        let d = problems("[outcome]\nas_of = 2020-06-01\ndecided = false\n[[outcome.issues]]\nissue = \"x\"\n");
        assert!(!d.has_errors(), "{d}");
        let d = problems("[outcome]\ndecided = false\n");
        assert!(d.iter().any(|x| x.message.contains("`as_of`")), "{d}");
        assert!(d.iter().any(|x| x.message.contains("no `[[outcome.issues]]`")), "{d}");
    }

    #[test]
    fn dyads_are_dated_inside_the_window_and_listed_once() {
        let base = "[outcome]\nas_of = 2020-06-01\ndecided = false\n[[outcome.issues]]\nissue = \"x\"\n";
        let d = problems(&format!(
            "{base}[[outcome.dyads]]\na = \"a\"\nb = \"b\"\nkind = \"force\"\ndate = 2019-01-01\n\
             [[outcome.dyads]]\na = \"b\"\nb = \"a\"\nkind = \"force\"\n\
             [[outcome.dyads]]\na = \"a\"\nb = \"a\"\nkind = \"force\"\n"
        ));
        assert!(d.iter().any(|x| x.message.contains("is not after the scenario's as-of date")), "{d}");
        assert!(d.iter().any(|x| x.message.contains("listed twice")), "{d}");
        assert!(d.iter().any(|x| x.message.contains("needs two actors")), "{d}");
    }

    #[test]
    fn hindsight_is_an_error() {
        let mut d = Diagnostics::new();
        check_hindsight(&scenario(), &mut d);
        assert_eq!(d.error_count(), 1, "{d}");
        assert!(d.iter().next().unwrap().message.contains("`late`, dated 2020-02"), "{d}");
    }

    #[test]
    fn partial_dates_compare_as_their_first_day() {
        assert!(!after("2025-06", "2025-06-02"));
        assert!(after("2025-07", "2025-06-02"));
        assert!(!after("2025", "2025-06-02"));
        assert!(after("2025-06-03", "2025-06-02"));
        assert!(is_date("2025-06-02") && is_date("2025-06") && is_date("2025") && !is_date("June 2025"));
    }
}
