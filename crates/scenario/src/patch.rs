//! What-if edits: `--set` overrides and overlay files that patch a base
//! scenario by ids, so variants can be compared without copying files.
//!
//! **Overrides** (`--set KEY=VALUE`, applied in order):
//!
//! | key | changes |
//! |---|---|
//! | `actor.issue.position` (also `salience`, `position_sd`, `salience_sd`, `red_line`) | one stance |
//! | `actor.capability`, `actor.kind` | one actor |
//! | `issue.status_quo`, `issue.min`, `issue.max` | one issue |
//! | `from->to.weight` (or `from->to.KIND.weight`) | one relation; `KIND` picks among several |
//! | `simulation.KEY` | an option of `[simulation]` (see `settings::simulation::keys()`) |
//!
//! `red_line` takes `lo,hi`, `[lo, hi]` or `none`; the standard deviations,
//! `status_quo` and `weight` take `none` to remove them.
//!
//! **Overlays** are small TOML (or JSON) documents in the scenario format whose
//! entries patch the base by id: an `[[actors]]` entry with the `id` of an
//! existing actor changes only the fields it gives, one with a new `id` adds an
//! actor (it must then be complete); likewise `[[issues]]` by `id`,
//! `[[stances]]` by `actor` and `issue`, `[[relations]]` by `kind`, `from` and
//! `to`, `[[meta.sources]]` by `id`. `[meta]`, `[engines]` and `[simulation]`
//! merge key by key. `[remove]` deletes by id (`actors`, `issues`, `sources`
//! lists of ids; `stances` as `{ actor, issue }`; `relations` as `{ kind, from,
//! to }`); removing an actor or issue removes its stances and relations too.
//! A top-level `set = ["KEY=VALUE", ...]` applies overrides after the merge.
//!
//! Whatever the edit, the result is validated again like a loaded file (and
//! its `[simulation]` table checked), so a patch can never produce a scenario
//! that a file could not.

// Errors here are diagnostics collected for the user on the error path only;
// boxing them would complicate every caller for no measurable gain.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use crate::diag::{suggest, Diagnostic, Diagnostics, Hints, Span};
use crate::load::{LoadError, Loaded};
use crate::model::{ActorKind, Issue, RelationKind, Scenario};
use crate::node::{self, Node, Value};
use crate::reader::Cx;
use crate::settings::simulation;

/// The fields `--set` can change, by target.
pub const STANCE_FIELDS: [&str; 5] = ["position", "salience", "red_line", "position_sd", "salience_sd"];
pub const ACTOR_FIELDS: [&str; 2] = ["capability", "kind"];
pub const ISSUE_FIELDS: [&str; 3] = ["status_quo", "min", "max"];
pub const RELATION_FIELDS: [&str; 1] = ["weight"];

/// Applies `overrides` (each `KEY=VALUE`) to `sc` in order, then validates
/// the result. Every bad override is reported, each naming itself.
pub fn apply_overrides(sc: &mut Scenario, overrides: &[String]) -> Result<Diagnostics, Diagnostics> {
    let mut errors = Diagnostics::new();
    let mut ix = Index::new(sc);
    for text in overrides {
        if let Err(d) = apply_one(sc, &mut ix, text) {
            errors.push(d);
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    revalidate(sc)
}

/// Semantic checks after an edit, with the `[simulation]` table's: `Ok` holds
/// the warnings, `Err` every problem when there is an error.
pub fn revalidate(sc: &Scenario) -> Result<Diagnostics, Diagnostics> {
    let mut d = crate::validate::validate(sc);
    d.extend(simulation::validate(sc));
    d.sort();
    if d.has_errors() {
        Err(d)
    } else {
        Ok(d)
    }
}

/// Where each id sits, built once for a batch of overrides (they change
/// values, never ids), so that a long list of them stays linear.
struct Index {
    /// The first actor, issue and stance of each id (as a linear search finds).
    actors: HashMap<String, usize>,
    issues: HashMap<String, usize>,
    stances: HashMap<(String, String), usize>,
    /// Relations by (from, to), in scenario order.
    relations: HashMap<(String, String), Vec<usize>>,
    /// Ids in scenario order, for hints.
    actor_ids: Vec<String>,
    issue_ids: Vec<String>,
    hints: Hints,
}

impl Index {
    fn new(sc: &Scenario) -> Self {
        let mut ix = Index {
            actors: HashMap::with_capacity(sc.actors.len()),
            issues: HashMap::with_capacity(sc.issues.len()),
            stances: HashMap::with_capacity(sc.stances.len()),
            relations: HashMap::new(),
            actor_ids: sc.actors.iter().map(|a| a.id.clone()).collect(),
            issue_ids: sc.issues.iter().map(|i| i.id.clone()).collect(),
            hints: Hints::default(),
        };
        for (k, id) in ix.actor_ids.iter().enumerate() {
            ix.actors.entry(id.clone()).or_insert(k);
        }
        for (k, id) in ix.issue_ids.iter().enumerate() {
            ix.issues.entry(id.clone()).or_insert(k);
        }
        for (k, s) in sc.stances.iter().enumerate() {
            ix.stances.entry((s.actor.clone(), s.issue.clone())).or_insert(k);
        }
        for (k, r) in sc.relations.iter().enumerate() {
            ix.relations.entry((r.from.clone(), r.to.clone())).or_default().push(k);
        }
        ix
    }

    fn actor(&self, id: &str) -> Option<usize> {
        self.actors.get(id).copied()
    }

    fn issue(&self, id: &str) -> Option<usize> {
        self.issues.get(id).copied()
    }

    fn relations(&self, from: &str, to: &str) -> &[usize] {
        self.relations.get(&(from.to_string(), to.to_string())).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn err(text: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(format!("--set {text}"), message)
}

fn apply_one(sc: &mut Scenario, ix: &mut Index, text: &str) -> Result<(), Diagnostic> {
    let Some((key, value)) = text.split_once('=') else {
        return Err(err(text, "an override is KEY=VALUE").with_hint("e.g. iran_gov.enrichment_level.position=3.67"));
    };
    let (key, value) = (key.trim(), value.trim());
    if let Some(rest) = key.strip_prefix("simulation.") {
        let settings = sc.simulation.get_or_insert_with(Default::default);
        return settings.set(rest, value).map_err(|e| err(text, e.to_string()));
    }
    if let Some((from, rest)) = key.split_once("->") {
        return set_relation(sc, ix, text, from.trim(), rest.trim(), value);
    }
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    match parts.as_slice() {
        [id, field] => {
            if let Some(a) = ix.actor(id) {
                if ACTOR_FIELDS.contains(field) || ix.issue(id).is_none() {
                    return set_actor(sc, ix, text, a, field, value);
                }
            }
            if let Some(i) = ix.issue(id) {
                return set_issue(sc, text, i, field, value);
            }
            Err(unknown_id(ix, text, id))
        }
        [actor, issue, field] => set_stance(sc, ix, text, actor, issue, field, value),
        _ => Err(err(text, format!("cannot read the key `{key}`"))
            .with_hint("use actor.issue.field, actor.field, issue.field, from->to.weight or simulation.option")),
    }
}

fn unknown_id(ix: &mut Index, text: &str, id: &str) -> Diagnostic {
    let ids = ix.actor_ids.iter().chain(&ix.issue_ids).map(String::as_str);
    let hint = match ix.hints.nearest(id, ids) {
        Some(c) => format!("did you mean `{c}`?"),
        None => "the first part is an actor or issue id from the scenario".into(),
    };
    err(text, format!("no actor or issue `{id}`")).with_hint(hint)
}

fn unknown(ix: &mut Index, text: &str, what: &str, id: &str) -> Diagnostic {
    let ids = if what == "issue" { &ix.issue_ids } else { &ix.actor_ids };
    let hint = match ix.hints.nearest(id, ids.iter().map(String::as_str)) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("known {what}s: {}", ids.iter().take(12).map(String::as_str).collect::<Vec<_>>().join(", ")),
    };
    err(text, format!("unknown {what} `{id}`")).with_hint(hint)
}

fn number(text: &str, value: &str) -> Result<f64, Diagnostic> {
    match value.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        _ => Err(err(text, format!("`{value}` is not a number"))),
    }
}

fn optional_number(text: &str, value: &str) -> Result<Option<f64>, Diagnostic> {
    if value.eq_ignore_ascii_case("none") {
        Ok(None)
    } else {
        number(text, value).map(Some)
    }
}

fn on_scale(text: &str, iss: &Issue, x: f64, what: &str) -> Result<f64, Diagnostic> {
    if (iss.min..=iss.max).contains(&x) {
        Ok(x)
    } else {
        Err(err(text, format!("{what} {x} is outside the scale of `{}` [{}, {}]", iss.id, iss.min, iss.max)).with_hint(
            format!("values on `{}` run from {} ({}) to {} ({})", iss.id, iss.min, iss.low, iss.max, iss.high),
        ))
    }
}

/// Why a text is not an interval (each holds the text as given).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IntervalError {
    #[error("`{0}` is not an interval; write lo,hi (e.g. 3,60) or none")]
    NotAnInterval(String),
    #[error("`{0}` is empty: the lower end comes first")]
    Reversed(String),
    #[error("`{0}` is not an interval of two numbers")]
    NotNumbers(String),
}

/// `lo,hi`, `[lo, hi]`, `lo..hi` or `none`.
pub fn parse_interval(value: &str) -> Result<Option<[f64; 2]>, IntervalError> {
    let v = value.trim();
    if v.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let inner = v.strip_prefix('[').and_then(|s| s.strip_suffix(']')).unwrap_or(v);
    let (a, b) = inner
        .split_once(',')
        .or_else(|| inner.split_once(".."))
        .ok_or_else(|| IntervalError::NotAnInterval(value.to_string()))?;
    let parse = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    match (parse(a), parse(b)) {
        (Some(lo), Some(hi)) if lo <= hi => Ok(Some([lo, hi])),
        (Some(_), Some(_)) => Err(IntervalError::Reversed(value.to_string())),
        _ => Err(IntervalError::NotNumbers(value.to_string())),
    }
}

fn set_stance(
    sc: &mut Scenario,
    ix: &mut Index,
    text: &str,
    actor: &str,
    issue: &str,
    field: &str,
    value: &str,
) -> Result<(), Diagnostic> {
    if ix.actor(actor).is_none() {
        return Err(unknown(ix, text, "actor", actor));
    }
    let Some(ii) = ix.issue(issue) else {
        return Err(unknown(ix, text, "issue", issue));
    };
    if !STANCE_FIELDS.contains(&field) {
        return Err(err(text, format!("unknown stance field `{field}`")).with_hint(suggest(field, &STANCE_FIELDS)));
    }
    let iss = sc.issues[ii].clone();
    let Some(s) = ix.stances.get(&(actor.to_string(), issue.to_string())).map(|&k| &mut sc.stances[k]) else {
        return Err(err(text, format!("`{actor}` takes no stance on `{issue}`"))
            .with_hint("add the stance (with position and salience) in an overlay file"));
    };
    match field {
        "position" => s.position = on_scale(text, &iss, number(text, value)?, "position")?,
        "salience" => {
            let x = number(text, value)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(err(text, format!("salience must be between 0 and 1, got {x}")));
            }
            s.salience = x;
        }
        "red_line" => {
            let rl = parse_interval(value).map_err(|e| err(text, e.to_string()))?;
            if let Some([lo, hi]) = rl {
                on_scale(text, &iss, lo, "red line")?;
                on_scale(text, &iss, hi, "red line")?;
            }
            s.red_line = rl;
        }
        "position_sd" => s.position_sd = optional_number(text, value)?,
        _ => s.salience_sd = optional_number(text, value)?,
    }
    Ok(())
}

fn set_actor(sc: &mut Scenario, ix: &Index, text: &str, a: usize, field: &str, value: &str) -> Result<(), Diagnostic> {
    match field {
        "capability" => {
            let x = number(text, value)?;
            if x <= 0.0 {
                return Err(err(text, format!("capability must be positive, got {x}")));
            }
            sc.actors[a].capability = x;
        }
        "kind" => {
            sc.actors[a].kind = ActorKind::parse(value).ok_or_else(|| {
                err(text, format!("unknown actor kind `{value}`")).with_hint(suggest(value, &ActorKind::NAMES))
            })?
        }
        other => {
            let mut hint = suggest(other, &ACTOR_FIELDS);
            if ix.issue(other).is_some() {
                hint = format!("`{other}` is an issue: write {}.{other}.position=…", sc.actors[a].id);
            }
            return Err(err(text, format!("unknown actor field `{other}`")).with_hint(hint));
        }
    }
    Ok(())
}

fn set_issue(sc: &mut Scenario, text: &str, i: usize, field: &str, value: &str) -> Result<(), Diagnostic> {
    let iss = sc.issues[i].clone();
    match field {
        "status_quo" => {
            sc.issues[i].status_quo = match optional_number(text, value)? {
                Some(x) => Some(on_scale(text, &iss, x, "status quo")?),
                None => None,
            }
        }
        "min" => sc.issues[i].min = number(text, value)?,
        "max" => sc.issues[i].max = number(text, value)?,
        other => {
            return Err(err(text, format!("unknown issue field `{other}`")).with_hint(suggest(other, &ISSUE_FIELDS)))
        }
    }
    Ok(())
}

fn set_relation(
    sc: &mut Scenario,
    ix: &mut Index,
    text: &str,
    from: &str,
    rest: &str,
    value: &str,
) -> Result<(), Diagnostic> {
    let parts: Vec<&str> = rest.split('.').map(str::trim).collect();
    let (to, kind, field) = match parts.as_slice() {
        [to, field] => (*to, None, *field),
        [to, kind, field] => {
            let k = RelationKind::parse(kind).ok_or_else(|| {
                err(text, format!("unknown relation kind `{kind}`")).with_hint(suggest(kind, &RelationKind::NAMES))
            })?;
            (*to, Some(k), *field)
        }
        _ => return Err(err(text, "write a relation override as from->to.weight or from->to.KIND.weight")),
    };
    if ix.actor(from).is_none() {
        return Err(unknown(ix, text, "actor", from));
    }
    if ix.actor(to).is_none() {
        return Err(unknown(ix, text, "actor", to));
    }
    if !RELATION_FIELDS.contains(&field) {
        return Err(err(text, format!("unknown relation field `{field}`")).with_hint(suggest(field, &RELATION_FIELDS)));
    }
    // Relations from `from` to `to`, and symmetric ones the other way, in scenario order.
    let mirrored = if from == to { &[][..] } else { ix.relations(to, from) };
    let mut matches: Vec<usize> =
        ix.relations(from, to)
            .iter()
            .copied()
            .filter(|&k| kind.is_none_or(|want| sc.relations[k].kind == want))
            .chain(mirrored.iter().copied().filter(|&k| {
                sc.relations[k].kind.is_symmetric() && kind.is_none_or(|want| sc.relations[k].kind == want)
            }))
            .collect();
    matches.sort_unstable();
    let chosen = match matches.as_slice() {
        [] => {
            return Err(err(
                text,
                format!(
                    "no relation from `{from}` to `{to}`{}",
                    match kind {
                        Some(k) => format!(" of kind `{}`", k.as_str()),
                        None => String::new(),
                    }
                ),
            )
            .with_hint("add the relation in an overlay file"))
        }
        [one] => *one,
        many => {
            let weighted: Vec<usize> =
                many.iter().copied().filter(|&k| sc.relations[k].kind == RelationKind::Influences).collect();
            match weighted.as_slice() {
                [one] if kind.is_none() => *one,
                _ => {
                    let kinds: Vec<&str> = many.iter().map(|&k| sc.relations[k].kind.as_str()).collect();
                    return Err(err(text, format!("several relations from `{from}` to `{to}`: {}", kinds.join(", ")))
                        .with_hint(format!("name one: {from}->{to}.{}.weight=…", kinds[0])));
                }
            }
        }
    };
    let w = optional_number(text, value)?;
    if let Some(x) = w {
        if !(0.0..=1.0).contains(&x) {
            return Err(err(text, format!("a relation weight must be between 0 and 1, got {x}")));
        }
    }
    sc.relations[chosen].weight = w;
    Ok(())
}

// ---------------------------------------------------------------------------
// Overlays
// ---------------------------------------------------------------------------

const OVERLAY_KEYS: [&str; 9] =
    ["meta", "actors", "issues", "stances", "relations", "engines", "simulation", "remove", "set"];
const REMOVE_KEYS: [&str; 5] = ["actors", "issues", "stances", "relations", "sources"];

/// Reads an overlay file and applies it to `base` (see the module docs).
pub fn overlay_path(base: &Scenario, path: &std::path::Path) -> Result<Loaded, LoadError> {
    let label = path.display().to_string();
    let text = crate::load::read_bounded(path, crate::validate::limits::MAX_FILE_BYTES)
        .map_err(|e| {
            let hint = match e {
                crate::load::ReadError::Io { .. } => "check the overlay's path",
                _ => e.hint(),
            };
            (format!("overlay: {e}"), hint)
        })
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                (
                    format!("overlay {label} is not UTF-8 text (bad byte at offset {})", e.utf8_error().valid_up_to()),
                    "save the file as UTF-8",
                )
            })
        });
    match text {
        Ok(t) => overlay_str(base, &t, &label),
        Err((m, hint)) => {
            let mut d = Diagnostic::error("", m).with_hint(hint);
            d.file = Some(label);
            Err(LoadError::single(d))
        }
    }
}

/// Applies the overlay document `text` (TOML, or JSON when it starts with `{`)
/// to `base`; `label` names it in messages.
///
/// The overlay's tree is merged onto the base scenario's tree (the base as
/// the tree a file of it would give, its nodes placed nowhere), and the
/// result decoded and checked once, as a file is. A problem in a value the
/// overlay gave is placed in the overlay file (line and column); one in the
/// base is named by its path under `base scenario + overlay LABEL`.
pub fn overlay_str(base: &Scenario, text: &str, label: &str) -> Result<Loaded, LoadError> {
    let is_json = text.trim_start().starts_with('{');
    let (root, mut diags) = if is_json { node::parse_json(text) } else { node::parse_toml(text) };
    let located = |mut d: Diagnostics| {
        d.locate(Some(label), Some(text));
        d.sort();
        LoadError { diagnostics: d }
    };
    let Some(root) = root else { return Err(located(diags)) };
    let mut merged = match serde_json::to_value(base) {
        Ok(v) => from_json(&v),
        Err(e) => return Err(LoadError::single(Diagnostic::error("", format!("cannot copy the base scenario: {e}")))),
    };
    let mut sets = Vec::new();
    merge_overlay(&mut merged, &root, &mut sets, &mut diags);
    if diags.has_errors() {
        return Err(located(diags));
    }
    let mut cx = Cx::default();
    let scenario = crate::decode::scenario(&merged, &mut cx);
    let mut diags = cx.diags;
    crate::load::validate_decoded(&scenario, &mut diags, &cx.spans);
    let merged_label = format!("base scenario + overlay {label}");
    for d in &mut diags.0 {
        if d.span.as_ref().is_some_and(|s| *s == BASE) {
            d.span = None; // a value of the base: it has no place in any file the user has
            d.file = Some(merged_label.clone());
        }
    }
    diags.locate(Some(label), Some(text));
    diags.sort();
    if diags.has_errors() {
        return Err(LoadError { diagnostics: diags });
    }
    let mut loaded = Loaded { scenario, warnings: diags };
    if !sets.is_empty() {
        match apply_overrides(&mut loaded.scenario, &sets) {
            Ok(w) => loaded.warnings = w,
            Err(d) => return Err(LoadError { diagnostics: d }),
        }
    }
    Ok(loaded)
}

/// Where the base scenario's nodes are: nowhere in the overlay's text.
const BASE: Span = usize::MAX..usize::MAX;

type Entries = Vec<(String, Span, Node)>;

/// The base scenario's JSON as a tree, every node placed at [`BASE`]; its
/// numbers read as the JSON text of them would (integers exact, the rest
/// floating point).
fn from_json(v: &Json) -> Node {
    let value = match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) if !n.is_f64() => Value::Integer(i),
            _ => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::Array(items.iter().map(from_json).collect()),
        Json::Object(map) => Value::Table(map.iter().map(|(k, v)| (k.clone(), BASE, from_json(v))).collect()),
    };
    Node { value, span: BASE }
}

/// An overlay's node as the merge takes it: dates become strings and
/// non-finite numbers null, as in the JSON an overlay used to be merged as;
/// spans are kept.
fn plain(n: &Node) -> Node {
    let value = match &n.value {
        Value::Datetime(s) => Value::String(s.clone()),
        Value::Number(x) if !x.is_finite() => Value::Null,
        Value::Array(items) => Value::Array(items.iter().map(plain).collect()),
        Value::Table(entries) => {
            Value::Table(entries.iter().map(|(k, ks, v)| (k.clone(), ks.clone(), plain(v))).collect())
        }
        other => other.clone(),
    };
    Node { value, span: n.span.clone() }
}

fn get<'a>(entries: &'a Entries, key: &str) -> Option<&'a Node> {
    entries.iter().find(|(k, _, _)| k == key).map(|(_, _, n)| n)
}

fn get_mut<'a>(entries: &'a mut Entries, key: &str) -> Option<&'a mut Node> {
    entries.iter_mut().find(|(k, _, _)| k == key).map(|(_, _, n)| n)
}

/// The node under `key`, made with `make` (placed in the base) when absent.
fn entry<'a>(entries: &'a mut Entries, key: &str, make: impl FnOnce() -> Value) -> &'a mut Node {
    let at = match entries.iter().position(|(k, _, _)| k == key) {
        Some(at) => at,
        None => {
            entries.push((key.to_string(), BASE, Node { value: make(), span: BASE }));
            entries.len() - 1
        }
    };
    &mut entries[at].2
}

/// Puts `node` under `key`, replacing what was there.
fn insert(entries: &mut Entries, key: &str, key_span: Span, node: Node) {
    match entries.iter_mut().find(|(k, _, _)| k == key) {
        Some(slot) => *slot = (key.to_string(), key_span, node),
        None => entries.push((key.to_string(), key_span, node)),
    }
}

/// A scalar's identity for matching entries by id (its JSON text, so `"1"`
/// and `1` differ).
fn id_text(n: &Node) -> String {
    to_json(n).to_string()
}

fn as_text(n: &Node) -> Option<&str> {
    match &n.value {
        Value::String(s) | Value::Datetime(s) => Some(s),
        _ => None,
    }
}

fn merge_overlay(merged: &mut Node, root: &Node, sets: &mut Vec<String>, diags: &mut Diagnostics) {
    let Value::Table(entries) = &root.value else {
        diags.push(
            Diagnostic::error("", "an overlay is a table of the scenario's sections")
                .with_span(Some(root.span.clone())),
        );
        return;
    };
    let Value::Table(doc) = &mut merged.value else { return };
    for (key, kspan, n) in entries {
        match key.as_str() {
            "meta" => {
                let Value::Table(meta) = &n.value else {
                    diags.push(Diagnostic::error("meta", "expected a table").with_span(Some(n.span.clone())));
                    continue;
                };
                let Value::Table(dst) = &mut entry(doc, "meta", || Value::Table(Vec::new())).value else { continue };
                for (mk, mkspan, mn) in meta {
                    if mk == "sources" {
                        merge_list(dst, "sources", mn, "meta.sources", &["id"], &["id", "title"], diags);
                    } else {
                        insert(dst, mk, mkspan.clone(), plain(mn));
                    }
                }
            }
            "actors" => merge_list(doc, "actors", n, "actors", &["id"], &["id", "name", "capability"], diags),
            "issues" => {
                merge_list(doc, "issues", n, "issues", &["id"], &["id", "name", "min", "max", "low", "high"], diags)
            }
            "stances" => merge_list(
                doc,
                "stances",
                n,
                "stances",
                &["actor", "issue"],
                &["actor", "issue", "position", "salience"],
                diags,
            ),
            "relations" => {
                merge_list(doc, "relations", n, "relations", &["kind", "from", "to"], &["kind", "from", "to"], diags)
            }
            "engines" | "simulation" => deep_merge(entry(doc, key, || Value::Null), plain(n)),
            "remove" => remove(doc, n, diags),
            "set" => match &n.value {
                Value::Array(items) => {
                    for (i, it) in items.iter().enumerate() {
                        match &it.value {
                            Value::String(s) => sets.push(s.clone()),
                            _ => diags.push(
                                Diagnostic::error(format!("set[{i}]"), "expected a string KEY=VALUE")
                                    .with_span(Some(it.span.clone())),
                            ),
                        }
                    }
                }
                _ => diags.push(
                    Diagnostic::error("set", "expected a list of \"KEY=VALUE\" strings")
                        .with_span(Some(n.span.clone())),
                ),
            },
            other => diags.push(
                Diagnostic::error(other, format!("unknown overlay section `{other}`"))
                    .with_hint(suggest(other, &OVERLAY_KEYS))
                    .with_span(Some(kspan.clone())),
            ),
        }
    }
}

/// Merges a list of tables into `doc[key]`, matching entries by `id_keys`.
fn merge_list(
    doc: &mut Entries,
    key: &str,
    n: &Node,
    path: &str,
    id_keys: &[&str],
    required: &[&str],
    diags: &mut Diagnostics,
) {
    let Value::Array(items) = &n.value else {
        diags.push(
            Diagnostic::error(path, format!("expected a list of tables, found {}", n.type_name()))
                .with_hint(format!("in TOML write each entry as a `[[{path}]]` table"))
                .with_span(Some(n.span.clone())),
        );
        return;
    };
    let list = entry(doc, key, || Value::Array(Vec::new()));
    if !matches!(list.value, Value::Array(_)) {
        list.value = Value::Array(Vec::new());
    }
    let Value::Array(list) = &mut list.value else { return };
    // Entries by their ids (the first of equals, as a linear search finds it).
    let key_of = |e: &Node| -> Option<Vec<String>> { id_keys.iter().map(|k| e.get(k).map(id_text)).collect() };
    let mut index: HashMap<Vec<String>, usize> = HashMap::with_capacity(list.len());
    for (k, e) in list.iter().enumerate() {
        if let Some(key) = key_of(e) {
            index.entry(key).or_insert(k);
        }
    }
    for (i, item) in items.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let entry = plain(item);
        let Value::Table(obj) = &entry.value else {
            diags.push(Diagnostic::error(p, "expected a table").with_span(Some(item.span.clone())));
            continue;
        };
        let ids: Option<Vec<&Node>> = id_keys.iter().map(|k| get(obj, k)).collect();
        let Some(ids) = ids else {
            diags.push(
                Diagnostic::error(
                    p,
                    format!("an overlay entry needs {} to say what it patches", id_keys.join(" and ")),
                )
                .with_span(Some(item.span.clone())),
            );
            continue;
        };
        let key: Vec<String> = ids.iter().map(|v| id_text(v)).collect();
        match index.get(&key) {
            Some(&k) => deep_merge(&mut list[k], entry),
            None => {
                let missing: Vec<&str> = required.iter().copied().filter(|k| get(obj, k).is_none()).collect();
                if missing.is_empty() {
                    index.insert(key, list.len());
                    list.push(entry);
                } else {
                    let name = ids.iter().map(|v| as_text(v).unwrap_or("?")).collect::<Vec<_>>().join(" / ");
                    diags.push(
                        Diagnostic::error(
                            p,
                            format!(
                                "`{name}` matches nothing in the base scenario, and a new entry needs {}",
                                missing.join(", ")
                            ),
                        )
                        .with_hint("check the id for typos, or give every required field to add a new entry")
                        .with_span(Some(item.span.clone())),
                    );
                }
            }
        }
    }
}

/// Merges `src` into `dst`: tables key by key, anything else replaced.
fn deep_merge(dst: &mut Node, src: Node) {
    match (&mut dst.value, src.value) {
        (Value::Table(d), Value::Table(s)) => {
            for (k, ks, v) in s {
                match get_mut(d, &k) {
                    Some(slot) => deep_merge(slot, v),
                    None => d.push((k, ks, v)),
                }
            }
        }
        (_, value) => *dst = Node { value, span: src.span },
    }
}

fn remove(doc: &mut Entries, n: &Node, diags: &mut Diagnostics) {
    let Value::Table(entries) = &n.value else {
        diags.push(Diagnostic::error("remove", "expected a table").with_span(Some(n.span.clone())));
        return;
    };
    let strings = |n: &Node| -> Vec<String> {
        match &n.value {
            Value::Array(items) => items.iter().filter_map(|i| as_text(i).map(str::to_owned)).collect(),
            _ => Vec::new(),
        }
    };
    let mut hints = Hints::default();
    let keep = |doc: &mut Entries, key: &str, f: &dyn Fn(&Node) -> bool| {
        if let Some(Node { value: Value::Array(list), .. }) = get_mut(doc, key) {
            list.retain(|e| f(e));
        }
    };
    let field = |e: &Node, k: &str| e.get(k).and_then(as_text).map(str::to_owned).unwrap_or_default();
    for (key, kspan, v) in entries {
        match key.as_str() {
            "actors" => {
                let ids = strings(v);
                require_known(get(doc, "actors"), "id", &ids, "remove.actors", v, diags, &mut hints);
                let ids: HashSet<String> = ids.into_iter().collect();
                keep(doc, "actors", &|e| !ids.contains(&field(e, "id")));
                keep(doc, "stances", &|e| !ids.contains(&field(e, "actor")));
                keep(doc, "relations", &|e| !ids.contains(&field(e, "from")) && !ids.contains(&field(e, "to")));
            }
            "issues" => {
                let ids = strings(v);
                require_known(get(doc, "issues"), "id", &ids, "remove.issues", v, diags, &mut hints);
                let ids: HashSet<String> = ids.into_iter().collect();
                keep(doc, "issues", &|e| !ids.contains(&field(e, "id")));
                keep(doc, "stances", &|e| !ids.contains(&field(e, "issue")));
            }
            "sources" => {
                let ids: HashSet<String> = strings(v).into_iter().collect();
                if let Some(Node { value: Value::Table(meta), .. }) = get_mut(doc, "meta") {
                    keep(meta, "sources", &|e| !ids.contains(&field(e, "id")));
                }
            }
            "stances" | "relations" => {
                let keys: &[&str] = if key == "stances" { &["actor", "issue"] } else { &["kind", "from", "to"] };
                // An entry goes when every key agrees with a target's (a key
                // absent from both agrees), so compare them as text.
                let key_of = |e: &Node| -> Vec<Option<String>> { keys.iter().map(|k| e.get(k).map(id_text)).collect() };
                let targets: HashSet<Vec<Option<String>>> = match &v.value {
                    Value::Array(items) => items.iter().map(|t| key_of(&plain(t))).collect(),
                    _ => HashSet::new(),
                };
                keep(doc, key, &|e| !targets.contains(&key_of(e)));
            }
            other => diags.push(
                Diagnostic::error(format!("remove.{other}"), format!("cannot remove `{other}`"))
                    .with_hint(suggest(other, &REMOVE_KEYS))
                    .with_span(Some(kspan.clone())),
            ),
        }
    }
}

fn require_known(
    list: Option<&Node>,
    key: &str,
    ids: &[String],
    path: &str,
    n: &Node,
    diags: &mut Diagnostics,
    hints: &mut Hints,
) {
    let known: Vec<&str> = match list.map(|l| &l.value) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|e| {
                e.get(key).and_then(|v| if let Value::String(s) = &v.value { Some(s.as_str()) } else { None })
            })
            .collect(),
        _ => Vec::new(),
    };
    let set: HashSet<&str> = known.iter().copied().collect();
    for id in ids {
        if !set.contains(id.as_str()) {
            let hint =
                hints.nearest(id, known.iter().copied()).map(|c| format!("did you mean `{c}`?")).unwrap_or_default();
            diags.push(
                Diagnostic::error(path, format!("nothing to remove: no `{id}`"))
                    .with_hint(hint)
                    .with_span(Some(n.span.clone())),
            );
        }
    }
}

/// The node as plain JSON (dates become strings; non-finite numbers null).
fn to_json(n: &Node) -> Json {
    match &n.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Integer(i) => Json::from(*i),
        Value::Number(x) => serde_json::Number::from_f64(*x).map(Json::Number).unwrap_or(Json::Null),
        Value::String(s) | Value::Datetime(s) => Json::String(s.clone()),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Table(entries) => Json::Object(entries.iter().map(|(k, _, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Format;

    const BASE: &str = r#"
[meta]
title = "base"
[[actors]]
id = "a"
name = "A"
capability = 1
[[actors]]
id = "b"
name = "B"
capability = 2
[[actors]]
id = "ally"
name = "Ally"
capability = 1
[[issues]]
id = "x"
name = "X"
min = 0
max = 10
low = "l"
high = "h"
status_quo = 5
[[stances]]
actor = "a"
issue = "x"
position = 1
salience = 1
red_line = [0, 4]
[[stances]]
actor = "b"
issue = "x"
position = 9
salience = 1
[[stances]]
actor = "ally"
issue = "x"
position = 10
salience = 1
[[relations]]
kind = "influences"
from = "ally"
to = "b"
weight = 0.2
[[relations]]
kind = "allied"
from = "b"
to = "ally"
"#;

    fn base() -> Scenario {
        crate::load_str(BASE, Some(Format::Toml), Some("base.toml")).unwrap().scenario
    }

    fn set(sc: &mut Scenario, s: &[&str]) -> Result<Diagnostics, Diagnostics> {
        apply_overrides(sc, &s.iter().map(|x| x.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn overrides_change_what_they_name() {
        let mut sc = base();
        set(
            &mut sc,
            &[
                "a.x.position=2",
                "a.x.red_line=0,6",
                "b.x.salience=0.5",
                "b.x.position_sd=1",
                "a.capability=3",
                "x.status_quo=6",
                "ally->b.weight=0.8",
                "simulation.mediator.noise=0.3",
            ],
        )
        .unwrap();
        assert_eq!(sc.stance("a", "x").unwrap().position, 2.0);
        assert_eq!(sc.stance("a", "x").unwrap().red_line, Some([0.0, 6.0]));
        assert_eq!(sc.stance("b", "x").unwrap().salience, 0.5);
        assert_eq!(sc.stance("b", "x").unwrap().position_sd, Some(1.0));
        assert_eq!(sc.actors[0].capability, 3.0);
        assert_eq!(sc.issues[0].status_quo, Some(6.0));
        assert_eq!(sc.relations[0].weight, Some(0.8));
        assert_eq!(sc.simulation.unwrap().mediator.noise, 0.3);
    }

    #[test]
    fn bad_overrides_are_clear_errors() {
        let cases: &[(&str, &str)] = &[
            ("aa.x.position=2", "did you mean `a`?"),
            ("a.y.position=2", "unknown issue `y`"),
            ("a.x.positon=2", "did you mean `position`?"),
            ("a.x.position=11", "outside the scale of `x` [0, 10]"),
            ("a.x.position=abc", "not a number"),
            ("a.x.salience=2", "between 0 and 1"),
            ("a.capabilty=2", "did you mean `capability`?"),
            ("ally->a.weight=0.5", "no relation from `ally` to `a`"),
            ("ally->b.weight=2", "between 0 and 1"),
            ("a.x.red_line=5,1", "lower end comes first"),
            ("simulation.chanel=direct", "did you mean `channel`?"),
            ("nokey", "KEY=VALUE"),
            ("zzz.capability=1", "no actor or issue `zzz`"),
        ];
        for (o, want) in cases {
            let mut sc = base();
            let e = set(&mut sc, &[o]).unwrap_err().to_string();
            assert!(e.contains(want), "{o}: {e}");
            assert!(e.contains(o.split('=').next().unwrap()), "{o} should name itself: {e}");
        }
        // A change that is fine alone but breaks an invariant is caught by revalidation.
        let mut sc = base();
        let e = set(&mut sc, &["a.x.position=5"]).unwrap_err().to_string();
        assert!(e.contains("excludes its own position"), "{e}");
        // Unknown principal through the simulation table.
        let mut sc = base();
        let e = set(&mut sc, &["simulation.principals=a,bb"]).unwrap_err().to_string();
        assert!(e.contains("did you mean `b`?"), "{e}");
    }

    /// The words of each refusal, as recorded from the code that returned `String`.
    #[test]
    fn interval_errors_keep_their_words() {
        assert_eq!(
            parse_interval("3").unwrap_err().to_string(),
            "`3` is not an interval; write lo,hi (e.g. 3,60) or none"
        );
        assert_eq!(parse_interval("5,1").unwrap_err(), IntervalError::Reversed("5,1".into()));
        assert_eq!(parse_interval("5,1").unwrap_err().to_string(), "`5,1` is empty: the lower end comes first");
        assert_eq!(parse_interval("a,b").unwrap_err().to_string(), "`a,b` is not an interval of two numbers");
    }

    #[test]
    fn ambiguous_relations_pick_the_weighted_one_or_ask() {
        let mut sc = base();
        // b->ally: only the symmetric `allied`; ally->b: influences (weighted) and allied.
        set(&mut sc, &["ally->b.weight=0.5"]).unwrap();
        assert_eq!(sc.relations[0].weight, Some(0.5));
        set(&mut sc, &["ally->b.allied.weight=0.1"]).unwrap();
        assert_eq!(sc.relations[1].weight, Some(0.1));
    }

    #[test]
    fn overlays_patch_add_and_remove_by_id() {
        let sc = base();
        let overlay = r#"
set = ["b.x.salience=0.7"]
[meta]
title = "variant"
[[actors]]
id = "ally"
capability = 5
[[actors]]
id = "c"
name = "C"
capability = 1
[[stances]]
actor = "a"
issue = "x"
position = 2
[[stances]]
actor = "c"
issue = "x"
position = 3
salience = 0.4
[[relations]]
kind = "influences"
from = "ally"
to = "b"
weight = 0.9
[simulation]
principals = ["a", "b"]
"#;
        let l = overlay_str(&sc, overlay, "v.toml").unwrap();
        let v = l.scenario;
        assert_eq!(v.meta.title, "variant");
        assert_eq!(v.actors.len(), 4);
        assert_eq!(v.actors[2].capability, 5.0);
        assert_eq!(v.actors[2].name, "Ally");
        assert_eq!(v.stance("a", "x").unwrap().position, 2.0);
        assert_eq!(v.stance("a", "x").unwrap().red_line, Some([0.0, 4.0]));
        assert_eq!(v.stance("c", "x").unwrap().salience, 0.4);
        assert_eq!(v.stance("b", "x").unwrap().salience, 0.7);
        assert_eq!(v.relations[0].weight, Some(0.9));
        assert_eq!(v.simulation.unwrap().principals, ["a", "b"]);

        let removed = overlay_str(&sc, "[remove]\nactors = [\"ally\"]\n", "r.toml").unwrap().scenario;
        assert_eq!(removed.actors.len(), 2);
        assert!(removed.relations.is_empty());
        assert!(removed.stance("ally", "x").is_none());
    }

    #[test]
    fn a_problem_in_what_the_overlay_gave_is_placed_in_the_overlay_and_one_in_the_base_is_named() {
        let sc = base();
        // The overlay's own value: its line and column.
        let e = overlay_str(&sc, "[[stances]]\nactor = \"a\"\nissue = \"x\"\nposition = 50\n", "o.toml").unwrap_err();
        let d = &e.diagnostics.0[0];
        assert_eq!((d.file.as_deref(), d.path.as_str()), (Some("o.toml"), "stances[0].position"));
        assert_eq!(d.location.map(|l| (l.line, l.column)), Some((4, 12)), "{e}");
        let e = overlay_str(&sc, "[[actors]]\nid = \"a\"\ncolour = \"red\"\n", "o.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field `colour`\n  --> o.toml:3:1 (actors[0].colour)"), "{e}");
        // A value of the base that the overlay's change makes wrong: named, not placed.
        let e = overlay_str(&sc, "[[issues]]\nid = \"x\"\nmax = 2\n", "o.toml").unwrap_err();
        let d = e.diagnostics.iter().find(|d| d.path == "stances[1].position").expect("the base's position");
        assert_eq!(d.file.as_deref(), Some("base scenario + overlay o.toml"));
        assert!(d.location.is_none() && d.span.is_none());
        assert!(e.to_string().contains("--> base scenario + overlay o.toml (stances[1].position)"), "{e}");
    }

    #[test]
    fn an_overlay_that_changes_nothing_gives_the_base_back() {
        let sc = base();
        assert_eq!(overlay_str(&sc, "[meta]\ntitle = \"base\"\n", "o.toml").unwrap().scenario, sc);
        let seed = crate::seed().unwrap().scenario;
        let title = format!("[meta]\ntitle = {:?}\n", seed.meta.title);
        assert_eq!(overlay_str(&seed, &title, "o.toml").unwrap().scenario, seed);
    }

    #[test]
    fn bad_overlays_are_located_errors() {
        let sc = base();
        let e = overlay_str(&sc, "[[actors]]\nid = \"alyy\"\ncapability = 3\n", "o.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("`alyy` matches nothing") && msg.contains("o.toml:"), "{msg}");
        let e = overlay_str(&sc, "[actor]\nid = \"a\"\n", "o.toml").unwrap_err();
        assert!(e.to_string().contains("did you mean `actors`?"), "{e}");
        let e = overlay_str(&sc, "[[stances]]\nactor = \"a\"\nissue = \"x\"\nposition = 50\n", "o.toml").unwrap_err();
        assert!(e.to_string().contains("outside the scale"), "{e}");
        let e = overlay_str(&sc, "[remove]\nactors = [\"zz\"]\n", "o.toml").unwrap_err();
        assert!(e.to_string().contains("nothing to remove"), "{e}");
        let e = overlay_str(&sc, "[[actors]\n", "o.toml").unwrap_err();
        assert!(e.to_string().contains("TOML syntax"), "{e}");
    }
}
