//! Scenario updates suggested by events, never applied silently: each has a
//! reason in plain words and the ids of the events behind it, and the set is
//! written as an overlay (the `--overlay` format) an analyst reads, edits and
//! passes to `forecast`/`simulate`. The rules and thresholds are in
//! docs/events.md; they are heuristics for a reviewer, not estimates.

use std::collections::BTreeMap;

use demarche_scenario::{RelationKind, Scenario};
use serde::Serialize;

use crate::link::{contains_word, Linker};
use crate::model::Event;
use crate::series::parse_day;

/// The thresholds of the rules.
#[derive(Clone, Debug)]
pub struct SuggestOptions {
    /// Events a dyad needs before its balance suggests a relation.
    pub min_dyad_events: usize,
    /// A balance at or below minus this suggests a hostile relation where none is.
    pub hostile_balance: f64,
    /// A relation weight change smaller than this is not suggested.
    pub weight_step: f64,
    /// Attention share above salience by this much suggests a higher salience.
    pub salience_gap: f64,
    /// Events an actor needs before its attention suggests saliences.
    pub min_actor_events: usize,
    /// A stated position must differ from the scenario's by this share of the scale.
    pub position_gap: f64,
    /// Mentions alongside scenario actors that suggest a new actor.
    pub min_new_actor_events: usize,
    /// Words around an issue keyword searched for a number.
    pub number_window: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            min_dyad_events: 5,
            hostile_balance: 0.3,
            weight_step: 0.2,
            salience_gap: 0.25,
            min_actor_events: 5,
            position_gap: 0.05,
            min_new_actor_events: 3,
            number_window: 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    Relation,
    Salience,
    Position,
    NewActor,
}

/// One suggested change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// What it changes: `israel->iran_gov hostile`, `iran_gov / enrichment_level`.
    pub target: String,
    pub current: Option<f64>,
    pub suggested: Option<f64>,
    /// Why, in plain words.
    pub reason: String,
    /// The events behind it (ids), at most 20.
    pub events: Vec<String>,
    /// Whether the overlay entry can be applied as written (a new actor needs
    /// its capability and stances first).
    pub applicable: bool,
    /// The overlay entry (TOML).
    pub overlay: String,
}

const MAX_EVENT_IDS: usize = 20;

fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Suggestions for `sc` from `events` dated on or after `since` (days since 1970).
pub fn suggest(sc: &Scenario, events: &[Event], since: Option<i64>, opts: &SuggestOptions) -> Vec<Suggestion> {
    let linker = Linker::new(sc);
    let window: Vec<&Event> =
        events.iter().filter(|e| since.is_none_or(|s| parse_day(&e.date).is_some_and(|d| d >= s))).collect();
    let mut out = Vec::new();
    relations(sc, &linker, &window, opts, &mut out);
    saliences(sc, &linker, &window, opts, &mut out);
    positions(sc, &linker, &window, opts, &mut out);
    new_actors(&linker, &window, opts, &mut out);
    out
}

fn ids(events: &[&Event]) -> Vec<String> {
    events.iter().take(MAX_EVENT_IDS).map(|e| e.id.clone()).collect()
}

fn relations(sc: &Scenario, l: &Linker, events: &[&Event], opts: &SuggestOptions, out: &mut Vec<Suggestion>) {
    let mut dyads: BTreeMap<(usize, usize), Vec<&Event>> = BTreeMap::new();
    for e in events {
        let (s, d) = l.sides(e);
        for &a in &s {
            for &b in &d {
                if a != b {
                    dyads.entry((a.min(b), a.max(b))).or_default().push(e);
                }
            }
        }
    }
    for ((a, b), evs) in dyads {
        if evs.len() < opts.min_dyad_events {
            continue;
        }
        let score: f64 = evs.iter().map(|e| e.score()).sum();
        let abs: f64 = evs.iter().map(|e| e.score().abs()).sum();
        if abs == 0.0 {
            continue;
        }
        let balance = score / abs;
        let (ia, ib) = (&sc.actors[a].id, &sc.actors[b].id);
        let hostile = sc.relations.iter().find(|r| {
            r.kind == RelationKind::Hostile && ((r.from == *ia && r.to == *ib) || (r.from == *ib && r.to == *ia))
        });
        let conflict = evs.iter().filter(|e| !e.quad_class().is_cooperation()).count();
        let first = evs.iter().map(|e| e.date.as_str()).min().unwrap_or("");
        let last = evs.iter().map(|e| e.date.as_str()).max().unwrap_or("");
        let summary = format!(
            "{} events between {} and {} from {first} to {last}, {conflict} of them conflictual; their cooperation–conflict balance is {:+.2}",
            evs.len(),
            sc.actors[a].name,
            sc.actors[b].name,
            balance
        );
        // The hostility the events show: the conflictual share of their
        // summed |score|, (1 − balance) / 2 — 1 all conflict, 0.5 balanced.
        let w = r2((1.0 - balance) / 2.0);
        match hostile {
            None if balance <= -opts.hostile_balance => out.push(Suggestion {
                kind: SuggestionKind::Relation,
                target: format!("{ia}->{ib} hostile"),
                current: None,
                suggested: Some(w),
                reason: format!("{summary}: the scenario has no hostile relation between them"),
                events: ids(&evs),
                applicable: true,
                overlay: format!(
                    "[[relations]]\nkind = \"hostile\"\nfrom = {}\nto = {}\nweight = {w}\nnote = {}\n",
                    q(ia),
                    q(ib),
                    q(&format!("Suggested from event data: {summary}."))
                ),
            }),
            Some(r) => {
                let cur = r.weight.unwrap_or(1.0);
                if (cur - w).abs() >= opts.weight_step {
                    out.push(Suggestion {
                        kind: SuggestionKind::Relation,
                        target: format!("{}->{} hostile", r.from, r.to),
                        current: Some(cur),
                        suggested: Some(w),
                        reason: format!(
                            "{summary}, a hostility share of {w}: the scenario weighs their hostility {cur}"
                        ),
                        events: ids(&evs),
                        applicable: true,
                        overlay: format!(
                            "[[relations]]\nkind = \"hostile\"\nfrom = {}\nto = {}\nweight = {w}\n",
                            q(&r.from),
                            q(&r.to)
                        ),
                    });
                }
            }
            None => {}
        }
    }
}

fn saliences(sc: &Scenario, l: &Linker, events: &[&Event], opts: &SuggestOptions, out: &mut Vec<Suggestion>) {
    let mut per_actor: BTreeMap<usize, Vec<(&Event, Vec<usize>)>> = BTreeMap::new();
    for e in events {
        let issues = l.issues(e);
        if issues.is_empty() {
            continue;
        }
        let (s, _) = l.sides(e);
        for a in s {
            per_actor.entry(a).or_default().push((e, issues.clone()));
        }
    }
    for (a, evs) in per_actor {
        if evs.len() < opts.min_actor_events {
            continue;
        }
        for (k, iss) in sc.issues.iter().enumerate() {
            let on: Vec<&Event> = evs.iter().filter(|(_, is)| is.contains(&k)).map(|(e, _)| *e).collect();
            let attention = on.len() as f64 / evs.len() as f64;
            let Some(st) = sc.stances.iter().find(|s| s.actor == sc.actors[a].id && s.issue == iss.id) else {
                continue;
            };
            if attention >= st.salience + opts.salience_gap {
                let w = r2((st.salience + attention) / 2.0);
                out.push(Suggestion {
                    kind: SuggestionKind::Salience,
                    target: format!("{} / {}", st.actor, st.issue),
                    current: Some(st.salience),
                    suggested: Some(w),
                    reason: format!(
                        "{} of the {} issue-related events {} initiated are about {} ({:.0} %), more than its salience {} suggests; the suggestion is half way",
                        on.len(),
                        evs.len(),
                        sc.actors[a].name,
                        iss.name,
                        attention * 100.0,
                        st.salience
                    ),
                    events: ids(&on),
                    applicable: true,
                    overlay: format!("[[stances]]\nactor = {}\nissue = {}\nsalience = {w}\n", q(&st.actor), q(&st.issue)),
                });
            }
        }
    }
}

/// Numbers near an issue keyword: "enrich to 60 %" → 60.
fn stated_numbers(text: &str, keywords: &[String], window: usize) -> Vec<f64> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect();
    let near_keyword = |i: usize| {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(words.len());
        let span = words[lo..hi].join(" ");
        keywords.iter().any(|k| contains_word(&span, &k.to_lowercase()) && !k.chars().any(|c| c.is_ascii_digit()))
    };
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let t = w.trim_end_matches(['%', '.']).trim_start_matches('~');
        let Ok(x) = t.parse::<f64>() else { continue };
        let year_like = t.len() == 4 && (1900.0..=2100.0).contains(&x) && !w.ends_with('%');
        if !year_like && x.is_finite() && near_keyword(i) {
            out.push(x);
        }
    }
    out
}

fn positions(sc: &Scenario, l: &Linker, events: &[&Event], opts: &SuggestOptions, out: &mut Vec<Suggestion>) {
    let mut claims: BTreeMap<(usize, usize), Vec<(&Event, f64)>> = BTreeMap::new();
    for e in events {
        let (s, _) = l.sides(e);
        if s.is_empty() {
            continue;
        }
        for (k, iss) in sc.issues.iter().enumerate() {
            if iss.keywords.is_empty() {
                continue;
            }
            for x in stated_numbers(&e.text, &iss.keywords, opts.number_window) {
                if x >= iss.min && x <= iss.max {
                    for &a in &s {
                        claims.entry((a, k)).or_default().push((e, x));
                    }
                }
            }
        }
    }
    for ((a, k), cl) in claims {
        let iss = &sc.issues[k];
        let Some(st) = sc.stances.iter().find(|s| s.actor == sc.actors[a].id && s.issue == iss.id) else { continue };
        // The latest statement counts.
        let Some(&(latest, x)) = cl.iter().max_by(|p, q| p.0.date.cmp(&q.0.date)) else { continue };
        if (x - st.position).abs() < opts.position_gap * iss.range() {
            continue;
        }
        let unit = iss.unit.as_deref().unwrap_or("");
        out.push(Suggestion {
            kind: SuggestionKind::Position,
            target: format!("{} / {}", st.actor, st.issue),
            current: Some(st.position),
            suggested: Some(x),
            reason: format!(
                "on {} {} was reported stating {x} {unit} on {} (\"{}\"); the scenario has {}. Check that the number is {}'s own position before accepting",
                latest.date,
                sc.actors[a].name,
                iss.name,
                truncate(&latest.text, 160),
                st.position,
                sc.actors[a].name
            ),
            events: ids(&cl.iter().map(|(e, _)| *e).collect::<Vec<_>>()),
            applicable: true,
            overlay: format!("[[stances]]\nactor = {}\nissue = {}\nposition = {x}\n", q(&st.actor), q(&st.issue)),
        });
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn new_actors(l: &Linker, events: &[&Event], opts: &SuggestOptions, out: &mut Vec<Suggestion>) {
    let mut seen: BTreeMap<String, (String, Vec<&Event>)> = BTreeMap::new();
    for e in events {
        let (s, d) = l.sides(e);
        if s.is_empty() && d.is_empty() {
            continue;
        }
        for a in e.actors.iter().chain(&e.recipients) {
            if l.actor(a).is_some() {
                continue;
            }
            let key = if a.code.is_empty() { a.name.to_uppercase() } else { a.code.clone() };
            if key.trim().is_empty() {
                continue;
            }
            let entry = seen
                .entry(key)
                .or_insert_with(|| (if a.name.is_empty() { a.code.clone() } else { a.name.clone() }, Vec::new()));
            if !entry.1.iter().any(|x| x.id == e.id) {
                entry.1.push(e);
            }
        }
    }
    for (code, (name, evs)) in seen {
        if evs.len() < opts.min_new_actor_events {
            continue;
        }
        let id: String = name.to_lowercase().chars().map(|c| if c.is_alphanumeric() { c } else { '_' }).collect();
        out.push(Suggestion {
            kind: SuggestionKind::NewActor,
            target: code.clone(),
            current: None,
            suggested: None,
            reason: format!(
                "{name} ({code}) appears in {} events with the scenario's actors but is not one of them, nor matched by their codes or aliases. Add it (with its capability and stances), or add its code to an existing actor's `codes`",
                evs.len()
            ),
            events: ids(&evs),
            applicable: false,
            overlay: format!(
                "# [[actors]]\n# id = {}\n# name = {}\n# kind = \"state\"          # state, faction, mediator, organisation or non_state\n# capability = ?          # set before use\n# codes = [{}]\n",
                q(&id),
                q(&name),
                q(&code)
            ),
        });
    }
}

/// The suggestions as one overlay document: each entry under comments giving
/// its reason and events; entries that cannot apply as written stay commented.
pub fn overlay(scenario_name: &str, suggestions: &[Suggestion]) -> String {
    let mut s = format!(
        "# Suggested updates for {scenario_name}, from event data (demarche events suggest).\n\
         # Nothing here is applied until you pass this file with --overlay. Read each\n\
         # reason, delete what you do not accept, and keep the rest.\n"
    );
    if suggestions.is_empty() {
        s.push_str("#\n# No suggestions: the events did not meet any rule's threshold (docs/events.md).\n");
    }
    for (i, sg) in suggestions.iter().enumerate() {
        s.push('\n');
        s.push_str(&format!("# {}. {}\n", i + 1, sg.target));
        for line in wrap(&sg.reason, 86) {
            s.push_str(&format!("#    {line}\n"));
        }
        if !sg.events.is_empty() {
            s.push_str(&format!("#    events: {}\n", sg.events.join(", ")));
        }
        s.push_str(&sg.overlay);
    }
    s
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.len() + w.len() + 1 > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
