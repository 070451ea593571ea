//! Semantic checks on a decoded scenario: ranges, references, duplicates and
//! consistency. They run on the [`Scenario`] value itself, so scenarios built in
//! code, edited in the workbench or patched by `--set` get the same checks as
//! files.

use std::collections::{HashMap, HashSet};

use crate::diag::{Diagnostic, Diagnostics, Hints};
use crate::model::*;

/// Upper bounds that keep a hostile file from making us allocate without bound.
pub mod limits {
    /// Largest scenario file we read, in bytes.
    pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
    pub const MAX_ACTORS: usize = 100_000;
    /// Most alternative red lines on one stance.
    pub const MAX_RED_LINE_ALTERNATIVES: usize = 16;
    /// Most `[[timeline]]` events and `[[options]]`.
    pub const MAX_TIMELINE: usize = 1_000;
    pub const MAX_OPTIONS: usize = 1_000;
    pub const MAX_ISSUES: usize = 10_000;
    /// Largest capability. Engines add capability × salience over up to
    /// [`MAX_ACTORS`] actors and raise such sums to the eighth power (smp's
    /// octic victory model): (1e15 × 1e5)⁸ = 1e160, far below f64's 1.8e308.
    /// Capabilities are relative, so any data can be rescaled under it.
    pub const MAX_CAPABILITY: f64 = 1e15;
    /// Largest magnitude of an issue scale's ends: scales are at most 2e15
    /// wide, so distances, their squares and sums of them over every actor
    /// stay finite.
    pub const MAX_SCALE: f64 = 1e15;
}

/// Every semantic problem in `sc`; an empty list with no errors means engines
/// may rely on the invariants listed in ARCHITECTURE.md.
pub fn validate(sc: &Scenario) -> Diagnostics {
    let mut d = Diagnostics::new();
    let mut hints = Hints::default();
    if sc.meta.title.trim().is_empty() {
        d.push(
            Diagnostic::error("meta.title", "the scenario has no title")
                .with_hint("add `title = \"...\"` under `[meta]`"),
        );
    }
    if let Some(date) = &sc.meta.as_of {
        if !is_date(date) {
            d.push(
                Diagnostic::error("meta.as_of", format!("`{date}` is not a date"))
                    .with_hint("write the date as YYYY-MM-DD, e.g. 2025-05-23"),
            );
        }
    }
    let source_ids = unique_ids(sc.meta.sources.iter().map(|s| s.id.as_str()), "meta.sources", "source", &mut d);
    for (i, s) in sc.meta.sources.iter().enumerate() {
        if let Some(date) = &s.date {
            if !is_partial_date(date) {
                d.push(
                    Diagnostic::error(format!("meta.sources[{i}].date"), format!("`{date}` is not a date"))
                        .with_hint("write YYYY-MM-DD, YYYY-MM or YYYY"),
                );
            }
        }
    }

    if sc.actors.is_empty() {
        d.push(
            Diagnostic::error("actors", "the scenario has no actors").with_hint("add at least two `[[actors]]` tables"),
        );
    } else if sc.actors.len() > limits::MAX_ACTORS {
        d.push(Diagnostic::error(
            "actors",
            format!("{} actors is more than the limit of {}", sc.actors.len(), limits::MAX_ACTORS),
        ));
    }
    if sc.issues.is_empty() {
        d.push(
            Diagnostic::error("issues", "the scenario has no issues").with_hint("add at least one `[[issues]]` table"),
        );
    } else if sc.issues.len() > limits::MAX_ISSUES {
        d.push(Diagnostic::error(
            "issues",
            format!("{} issues is more than the limit of {}", sc.issues.len(), limits::MAX_ISSUES),
        ));
    }

    let actor_ids = unique_ids(sc.actors.iter().map(|a| a.id.as_str()), "actors", "actor", &mut d);
    let issue_ids = unique_ids(sc.issues.iter().map(|i| i.id.as_str()), "issues", "issue", &mut d);

    for (i, a) in sc.actors.iter().enumerate() {
        let p = format!("actors[{i}]");
        if !(a.capability.is_finite() && a.capability > 0.0) {
            d.push(
                Diagnostic::error(
                    format!("{p}.capability"),
                    format!("capability of `{}` must be a positive number, got {}", a.id, a.capability),
                )
                .with_hint("capability is relative power on any positive scale, e.g. 0.3 or 120"),
            );
        } else if a.capability > limits::MAX_CAPABILITY {
            d.push(
                Diagnostic::error(
                    format!("{p}.capability"),
                    format!(
                        "capability of `{}` is {:e}, above the limit of {:e} (the models' sums would overflow)",
                        a.id,
                        a.capability,
                        limits::MAX_CAPABILITY
                    ),
                )
                .with_hint(
                    "capabilities are relative: rescale them all (e.g. in millions) so the largest is at most 1e15",
                ),
            );
        }
        check_refs(&a.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
    }

    for (i, iss) in sc.issues.iter().enumerate() {
        let p = format!("issues[{i}]");
        let scale_ok = iss.min.is_finite() && iss.max.is_finite() && iss.min < iss.max;
        if !scale_ok {
            let field = if iss.min.is_finite() { "max" } else { "min" };
            d.push(
                Diagnostic::error(
                    format!("{p}.{field}"),
                    format!("issue `{}` has an empty or invalid scale [{}, {}]", iss.id, iss.min, iss.max),
                )
                .with_hint("`min` must be a finite number below `max`, e.g. min = 0, max = 100"),
            );
        } else {
            for (field, x) in [("min", iss.min), ("max", iss.max)] {
                if x.abs() > limits::MAX_SCALE {
                    d.push(
                        Diagnostic::error(
                            format!("{p}.{field}"),
                            format!(
                                "the scale of `{}` reaches {x:e}, beyond ±{:e} (the models' arithmetic would overflow)",
                                iss.id,
                                limits::MAX_SCALE
                            ),
                        )
                        .with_hint("rescale the issue, e.g. to 0–100 or to millions instead of units"),
                    );
                }
            }
        }
        for (side, text) in [("low", &iss.low), ("high", &iss.high)] {
            if text.trim().is_empty() {
                d.push(
                    Diagnostic::error(
                        format!("{p}.{side}"),
                        format!("issue `{}` does not say what its {side} end means", iss.id),
                    )
                    .with_hint("describe the outcome at that end of the scale in plain words"),
                );
            }
        }
        if let Some(sq) = iss.status_quo {
            if scale_ok {
                check_on_scale(sq, iss, &format!("{p}.status_quo"), "status quo", &mut d);
            }
        }
        for (k, a) in iss.anchors.iter().enumerate() {
            if scale_ok {
                check_on_scale(a.at, iss, &format!("{p}.anchors[{k}].at"), "anchor", &mut d);
            }
        }
    }

    let mut issues_by_id: HashMap<&str, &Issue> = HashMap::with_capacity(sc.issues.len());
    for i in &sc.issues {
        issues_by_id.entry(i.id.as_str()).or_insert(i);
    }
    let mut stances_per_issue: HashMap<&str, usize> = HashMap::with_capacity(sc.issues.len());
    let mut seen_pairs: HashMap<(&str, &str), usize> = HashMap::new();
    let mut actors_with_stance: HashSet<&str> = HashSet::new();
    for (k, s) in sc.stances.iter().enumerate() {
        let p = format!("stances[{k}]");
        *stances_per_issue.entry(s.issue.as_str()).or_insert(0) += 1;
        let actor_known = check_ref(&s.actor, &actor_ids, &format!("{p}.actor"), "actor", &mut d, &mut hints);
        let issue = check_ref(&s.issue, &issue_ids, &format!("{p}.issue"), "issue", &mut d, &mut hints)
            .then(|| issues_by_id.get(s.issue.as_str()).copied())
            .flatten();
        if actor_known {
            actors_with_stance.insert(s.actor.as_str());
        }
        if let Some(prev) = seen_pairs.insert((s.actor.as_str(), s.issue.as_str()), k) {
            d.push(
                Diagnostic::error(p.clone(), format!("`{}` has a second stance on `{}`", s.actor, s.issue))
                    .with_hint(format!("the first is stances[{prev}]; keep one")),
            );
        }
        if !(s.salience.is_finite() && (0.0..=1.0).contains(&s.salience)) {
            d.push(
                Diagnostic::error(
                    format!("{p}.salience"),
                    format!("salience must be between 0 and 1, got {}", s.salience),
                )
                .with_hint(if s.salience > 1.0 && s.salience <= 10.0 {
                    // 5 may be "5 out of 10" as well as "5 %": offer both readings.
                    format!(
                        "saliences are fractions from 0 to 1: write {} if {} was out of 10, or {} if it was a \
                         percentage",
                        s.salience / 10.0,
                        s.salience,
                        s.salience / 100.0
                    )
                } else if s.salience > 10.0 && s.salience <= 100.0 {
                    format!("saliences are fractions: a percentage of {} is {}", s.salience, s.salience / 100.0)
                } else {
                    "0 means the actor does not care, 1 that the issue matters above all".to_string()
                }),
            );
        }
        let Some(iss) = issue else { continue };
        let scale_ok = iss.min.is_finite() && iss.max.is_finite() && iss.min < iss.max;
        if !scale_ok {
            continue;
        }
        let pos_ok = check_on_scale(s.position, iss, &format!("{p}.position"), "position", &mut d);
        if let Some([lo, hi]) = s.red_line {
            let rp = format!("{p}.red_line");
            let ends_ok = check_on_scale(lo, iss, &format!("{rp}[0]"), "red line", &mut d)
                & check_on_scale(hi, iss, &format!("{rp}[1]"), "red line", &mut d);
            if ends_ok && lo > hi {
                d.push(
                    Diagnostic::error(rp, format!("red line [{lo}, {hi}] is empty"))
                        .with_hint("write the acceptable interval as [lowest, highest]"),
                );
            } else if ends_ok && pos_ok && !(lo..=hi).contains(&s.position) {
                d.push(
                    Diagnostic::error(
                        rp,
                        format!(
                            "`{}`'s red line [{lo}, {hi}] on `{}` excludes its own position {}",
                            s.actor, s.issue, s.position
                        ),
                    )
                    .with_hint("a red line is the set of outcomes the actor accepts; it must contain its ideal point"),
                );
            }
        }
        let mut total = 0.0;
        for (k, alt) in s.red_line_alternatives.iter().enumerate() {
            let ap = format!("{p}.red_line_alternatives[{k}]");
            let [lo, hi] = alt.red_line;
            let ends_ok = check_on_scale(lo, iss, &format!("{ap}.red_line[0]"), "red line", &mut d)
                & check_on_scale(hi, iss, &format!("{ap}.red_line[1]"), "red line", &mut d);
            if ends_ok && lo > hi {
                d.push(
                    Diagnostic::error(format!("{ap}.red_line"), format!("red line [{lo}, {hi}] is empty"))
                        .with_hint("write the acceptable interval as [lowest, highest]"),
                );
            } else if ends_ok && pos_ok && !(lo..=hi).contains(&s.position) {
                d.push(
                    Diagnostic::warning(
                        format!("{ap}.red_line"),
                        format!(
                            "`{}`'s alternative red line [{lo}, {hi}] on `{}` excludes its own position {}",
                            s.actor, s.issue, s.position
                        ),
                    )
                    .with_hint("in runs where it holds, the position is moved inside it; set the position inside every red line the actor may hold to avoid that"),
                );
            }
            if !(alt.probability.is_finite() && alt.probability > 0.0 && alt.probability <= 1.0) {
                d.push(
                    Diagnostic::error(
                        format!("{ap}.probability"),
                        format!("probability must be above 0 and at most 1, got {}", alt.probability),
                    )
                    .with_hint("the chance that the actor holds this red line rather than the stated one"),
                );
            } else {
                total += alt.probability;
            }
            check_refs(&alt.sources, &source_ids, &format!("{ap}.sources"), "source", &mut d, &mut hints);
        }
        if total > 1.0 + 1e-9 {
            d.push(
                Diagnostic::error(
                    format!("{p}.red_line_alternatives"),
                    format!("the alternatives' probabilities sum to {}, more than 1", (total * 1e6).round() / 1e6),
                )
                .with_hint("the stated red line holds with 1 minus their sum; keep the sum at most 1"),
            );
        }
        if s.red_line_alternatives.len() > limits::MAX_RED_LINE_ALTERNATIVES {
            d.push(Diagnostic::error(
                format!("{p}.red_line_alternatives"),
                format!(
                    "{} alternatives; the limit is {}",
                    s.red_line_alternatives.len(),
                    limits::MAX_RED_LINE_ALTERNATIVES
                ),
            ));
        }
        if let Some(sd) = s.red_line_sd {
            if !(sd.is_finite() && sd >= 0.0) {
                d.push(Diagnostic::error(
                    format!("{p}.red_line_sd"),
                    format!("red_line_sd must be a non-negative number, got {sd}"),
                ));
            } else if !s.has_red_line() {
                d.push(
                    Diagnostic::warning(
                        format!("{p}.red_line_sd"),
                        "red_line_sd is set but the stance has no red line",
                    )
                    .with_hint("add `red_line = [lo, hi]`, or remove red_line_sd"),
                );
            }
        }
        if let Some(sd) = s.position_sd {
            if !(sd.is_finite() && sd >= 0.0) {
                d.push(Diagnostic::error(
                    format!("{p}.position_sd"),
                    format!("position_sd must be a non-negative number, got {sd}"),
                ));
            } else if sd > iss.range() {
                d.push(
                    Diagnostic::warning(
                        format!("{p}.position_sd"),
                        format!("position_sd {sd} is wider than the whole scale ({})", iss.range()),
                    )
                    .with_hint("a standard deviation is on the issue's scale, not in percent"),
                );
            }
        }
        if let Some(sd) = s.salience_sd {
            if !(sd.is_finite() && (0.0..=1.0).contains(&sd)) {
                d.push(Diagnostic::error(
                    format!("{p}.salience_sd"),
                    format!("salience_sd must be between 0 and 1, got {sd}"),
                ));
            }
        }
        check_refs(&s.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
    }

    for (i, a) in sc.actors.iter().enumerate() {
        if !a.id.is_empty() && !actors_with_stance.contains(a.id.as_str()) && a.kind != ActorKind::Mediator {
            d.push(
                Diagnostic::warning(format!("actors[{i}]"), format!("actor `{}` takes no stance on any issue", a.id))
                    .with_hint("engines will leave it out; add `[[stances]]` for it or remove it"),
            );
        }
    }
    for (i, iss) in sc.issues.iter().enumerate() {
        let n = stances_per_issue.get(iss.id.as_str()).copied().unwrap_or(0);
        if n < 2 && !iss.id.is_empty() {
            d.push(
                Diagnostic::warning(
                    format!("issues[{i}]"),
                    format!(
                        "issue `{}` has {n} stance{}; nothing to bargain over",
                        iss.id,
                        if n == 1 { "" } else { "s" }
                    ),
                )
                .with_hint("add stances of at least two actors"),
            );
        }
    }

    let mut actors_by_id: HashMap<&str, &Actor> = HashMap::new();
    if sc.relations.iter().any(|r| r.kind == RelationKind::Mediates) {
        actors_by_id.reserve(sc.actors.len());
        for a in &sc.actors {
            actors_by_id.entry(a.id.as_str()).or_insert(a);
        }
    }
    for (k, r) in sc.relations.iter().enumerate() {
        let p = format!("relations[{k}]");
        let from_ok = check_ref(&r.from, &actor_ids, &format!("{p}.from"), "actor", &mut d, &mut hints);
        let to_ok = check_ref(&r.to, &actor_ids, &format!("{p}.to"), "actor", &mut d, &mut hints);
        if from_ok && to_ok && r.from == r.to {
            d.push(Diagnostic::error(
                p.clone(),
                format!("`{}` cannot be in {} relation with itself", r.from, a_kind(r.kind.as_str())),
            ));
        }
        match r.weight {
            Some(w) if !(w.is_finite() && (0.0..=1.0).contains(&w)) => d.push(
                Diagnostic::error(format!("{p}.weight"), format!("weight must be between 0 and 1, got {w}"))
                    .with_hint("0 means no effect, 1 full effect"),
            ),
            None if r.kind.needs_weight() => d.push(
                Diagnostic::error(
                    format!("{p}.weight"),
                    format!("{} relation needs a weight", a_kind(r.kind.as_str())),
                )
                .with_hint("add `weight = 0.3` (between 0 and 1)"),
            ),
            _ => {}
        }
        if r.kind == RelationKind::Mediates && from_ok {
            if let Some(a) = actors_by_id.get(r.from.as_str()) {
                if a.kind != ActorKind::Mediator {
                    d.push(
                        Diagnostic::warning(
                            format!("{p}.from"),
                            format!("`{}` mediates but its kind is `{}`", a.id, a.kind.as_str()),
                        )
                        .with_hint("set `kind = \"mediator\"` on the actor"),
                    );
                }
            }
        }
        check_refs(&r.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
    }

    let too_early = |date: &str| sc.meta.as_of.as_deref().is_some_and(|a| is_date(a) && date < a);
    for (k, e) in sc.timeline.iter().enumerate() {
        let p = format!("timeline[{k}]");
        if !is_date(&e.date) {
            d.push(
                Diagnostic::error(format!("{p}.date"), format!("`{}` is not a date", e.date))
                    .with_hint("write the day it passes as YYYY-MM-DD"),
            );
        } else if too_early(&e.date) {
            d.push(
                Diagnostic::warning(format!("{p}.date"), format!("{} is before the as-of date: it has passed", e.date))
                    .with_hint("fold what has already happened into the issue's status quo"),
            );
        }
        if let Some(actor) = &e.actor {
            let known = check_ref(actor, &actor_ids, &format!("{p}.actor"), "actor", &mut d, &mut hints);
            let Some(issue) = &e.issue else {
                d.push(
                    Diagnostic::error(format!("{p}.issue"), "an event on an actor's stance needs the issue")
                        .with_hint("add `issue = \"<issue id>\"`"),
                );
                continue;
            };
            if e.status_quo.is_some() {
                d.push(
                    Diagnostic::error(format!("{p}.status_quo"), "an event changes a status quo or a stance, not both")
                        .with_hint("write two events"),
                );
            }
            if e.red_line.is_none() && e.salience.is_none() {
                d.push(
                    Diagnostic::error(p.clone(), "an event on a stance needs `red_line` or `salience`")
                        .with_hint("say what changes from that date"),
                );
            }
            if known && check_ref(issue, &issue_ids, &format!("{p}.issue"), "issue", &mut d, &mut hints) {
                if !sc.stances.iter().any(|s| &s.actor == actor && &s.issue == issue) {
                    d.push(
                        Diagnostic::error(p.clone(), format!("`{actor}` takes no stance on `{issue}` to change"))
                            .with_hint("add the stance, or change an issue it has a stance on"),
                    );
                }
                if let (Some([lo, hi]), Some(iss)) = (e.red_line, issues_by_id.get(issue.as_str())) {
                    let ok = check_on_scale(lo, iss, &format!("{p}.red_line[0]"), "red line", &mut d)
                        & check_on_scale(hi, iss, &format!("{p}.red_line[1]"), "red line", &mut d);
                    if ok && lo > hi {
                        d.push(Diagnostic::error(format!("{p}.red_line"), format!("red line [{lo}, {hi}] is empty")));
                    }
                }
            }
            if let Some(x) = e.salience {
                if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                    d.push(Diagnostic::error(
                        format!("{p}.salience"),
                        format!("salience must be between 0 and 1, got {x}"),
                    ));
                }
            }
            check_refs(&e.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
            continue;
        }
        if e.red_line.is_some() || e.salience.is_some() {
            d.push(
                Diagnostic::error(
                    format!("{p}.actor"),
                    "`red_line` or `salience` is given without the actor it belongs to",
                )
                .with_hint("add `actor = \"<actor id>\"`"),
            );
        }
        match (&e.issue, e.status_quo) {
            (Some(id), Some(v)) => {
                if check_ref(id, &issue_ids, &format!("{p}.issue"), "issue", &mut d, &mut hints) {
                    if let Some(iss) = issues_by_id.get(id.as_str()) {
                        check_on_scale(v, iss, &format!("{p}.status_quo"), "status quo", &mut d);
                    }
                }
            }
            (Some(_), None) => d.push(
                Diagnostic::error(format!("{p}.status_quo"), "an event on an issue needs the status quo it brings")
                    .with_hint("add `status_quo = <value on the issue's scale>`, or drop `issue`"),
            ),
            (None, Some(_)) => d.push(
                Diagnostic::error(format!("{p}.issue"), "`status_quo` is given without the issue it belongs to")
                    .with_hint("add `issue = \"<issue id>\"`"),
            ),
            (None, None) => {}
        }
        check_refs(&e.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
    }
    for (k, o) in sc.options.iter().enumerate() {
        let p = format!("options[{k}]");
        let h = check_ref(&o.holder, &actor_ids, &format!("{p}.holder"), "actor", &mut d, &mut hints);
        let t = check_ref(&o.target, &actor_ids, &format!("{p}.target"), "actor", &mut d, &mut hints);
        if h && t && o.holder == o.target {
            d.push(Diagnostic::error(format!("{p}.target"), "an option is held against another actor"));
        }
        for (field, x) in [("gain", o.gain), ("cost", o.cost)] {
            if !(x.is_finite() && (0.0..=1.0).contains(&x)) {
                d.push(
                    Diagnostic::error(format!("{p}.{field}"), format!("{field} must be between 0 and 1, got {x}"))
                        .with_hint(
                            "in utility units: 1 is the whole distance between an actor's best and worst outcome",
                        ),
                );
            }
        }
        if let Some(sd) = o.gain_sd {
            if !(sd.is_finite() && (0.0..=1.0).contains(&sd)) {
                d.push(Diagnostic::error(format!("{p}.gain_sd"), format!("gain_sd must be between 0 and 1, got {sd}")));
            }
        }
        if let Some(date) = &o.available_from {
            if !is_date(date) {
                d.push(
                    Diagnostic::error(format!("{p}.available_from"), format!("`{date}` is not a date"))
                        .with_hint("write YYYY-MM-DD"),
                );
            }
        }
        if o.name.trim().is_empty() {
            d.push(
                Diagnostic::error(format!("{p}.name"), "an option needs a name")
                    .with_hint("say what using it is, e.g. `strikes on enrichment sites`"),
            );
        }
        check_refs(&o.sources, &source_ids, &format!("{p}.sources"), "source", &mut d, &mut hints);
    }
    let dated_options = sc.options.iter().any(|o| o.available_from.is_some());
    if sc.meta.as_of.is_none() && (!sc.timeline.is_empty() || dated_options) {
        d.push(
            Diagnostic::warning(
                "meta.as_of",
                "dated `[[timeline]]` events or options, but no as-of date to count rounds from",
            )
            .with_hint("add `as_of = YYYY-MM-DD` under [meta]: without it events are ignored and options open at once"),
        );
    }
    if sc.timeline.len() > limits::MAX_TIMELINE || sc.options.len() > limits::MAX_OPTIONS {
        d.push(Diagnostic::error(
            "timeline",
            format!(
                "{} timeline events and {} options; the limits are {} and {}",
                sc.timeline.len(),
                sc.options.len(),
                limits::MAX_TIMELINE,
                limits::MAX_OPTIONS
            ),
        ));
    }
    d
}

/// The ids of one kind, in order (for hints) and hashed (for look-ups).
struct Known<'a> {
    list: Vec<&'a str>,
    set: HashSet<&'a str>,
}

fn unique_ids<'a>(ids: impl Iterator<Item = &'a str>, path: &str, what: &str, d: &mut Diagnostics) -> Known<'a> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, id) in ids.enumerate() {
        let p = format!("{path}[{i}].id");
        if id.trim().is_empty() {
            d.push(
                Diagnostic::error(p, format!("{what} has an empty id"))
                    .with_hint("ids are short names like `iran` or `us_admin`"),
            );
            continue;
        }
        if id.chars().any(|c| c.is_whitespace() || c == '.' || c == '=' || c == ',') {
            d.push(
                Diagnostic::error(p.clone(), format!("{what} id `{id}` contains spaces or one of `.=,`"))
                    .with_hint("ids are used in `--set actor.issue.field=value`; use letters, digits, `_` and `-`"),
            );
        }
        if let Some(first) = seen.insert(id, i) {
            d.push(
                Diagnostic::error(p, format!("duplicate {what} id `{id}`"))
                    .with_hint(format!("{path}[{first}] already uses it; ids must be unique")),
            );
        } else {
            out.push(id);
        }
    }
    let set = out.iter().copied().collect();
    Known { list: out, set }
}

fn check_ref(id: &str, known: &Known<'_>, path: &str, what: &str, d: &mut Diagnostics, hints: &mut Hints) -> bool {
    if known.set.contains(id) {
        return true;
    }
    if id.is_empty() {
        return false; // already reported as missing by the decoder
    }
    let list = &known.list;
    let hint = match hints.nearest(id, list.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if list.is_empty() => format!("no {what}s are defined"),
        None => format!("known {what}s: {}", list.iter().take(12).copied().collect::<Vec<_>>().join(", ")),
    };
    d.push(Diagnostic::error(path, format!("unknown {what} `{id}`")).with_hint(hint));
    false
}

fn check_refs(ids: &[String], known: &Known<'_>, path: &str, what: &str, d: &mut Diagnostics, hints: &mut Hints) {
    for (i, id) in ids.iter().enumerate() {
        check_ref(id, known, &format!("{path}[{i}]"), what, d, hints);
    }
}

fn check_on_scale(x: f64, iss: &Issue, path: &str, what: &str, d: &mut Diagnostics) -> bool {
    if x.is_nan() {
        d.push(Diagnostic::error(path, format!("{what} is NaN")).with_hint("write a number on the issue's scale"));
        false
    } else if !(iss.min..=iss.max).contains(&x) {
        d.push(
            Diagnostic::error(
                path,
                format!("{what} {x} is outside the scale of `{}` [{}, {}]", iss.id, iss.min, iss.max),
            )
            .with_hint(format!(
                "values on `{}` run from {} ({}) to {} ({})",
                iss.id, iss.min, iss.low, iss.max, iss.high
            )),
        );
        false
    } else {
        true
    }
}

fn is_date(s: &str) -> bool {
    let num = |r: std::ops::Range<usize>| {
        s.get(r).filter(|t| t.bytes().all(|c| c.is_ascii_digit())).and_then(|t| t.parse::<u16>().ok())
    };
    s.len() == 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && num(0..4).is_some()
        && num(5..7).is_some_and(|m| (1..=12).contains(&m))
        && num(8..10).is_some_and(|d| (1..=31).contains(&d))
}

fn is_partial_date(s: &str) -> bool {
    match s.len() {
        4 => s.bytes().all(|c| c.is_ascii_digit()),
        7 => is_date(&format!("{s}-01")),
        _ => is_date(s),
    }
}

/// "a `hostile`", "an `influences`": the article a relation kind takes.
fn a_kind(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} `{kind}`")
}
