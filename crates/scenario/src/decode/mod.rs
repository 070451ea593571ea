//! From a [`Node`] tree (TOML or JSON) to a [`Scenario`], collecting every
//! structural problem (missing fields, wrong types, unknown keys) on the way.
//! Semantic checks (ranges, references, duplicates) live in [`crate::validate`].

use crate::model::*;
use crate::node::{Node, Value};
use crate::reader;
pub use crate::reader::{Cx, Table};
use crate::settings;

/// Decode a whole scenario document. Returns the scenario even when some parts
/// failed (those are left at defaults) so that validation can still run on the
/// rest; the caller decides from `cx.diags` whether it is usable.
pub fn scenario(root: &Node, cx: &mut Cx) -> Scenario {
    let mut sc = Scenario::default();
    let Some(mut t) = Table::new(root, "", cx) else {
        return sc;
    };
    match t.take("meta", cx) {
        Some(n) => sc.meta = meta(n, cx),
        None => {
            cx.error("meta", t.span(), "missing the `[meta]` table").hint =
                Some("start the file with `[meta]` and `title = \"...\"`".into());
        }
    }
    sc.actors = t.list("actors", cx).into_iter().filter_map(|(p, n)| actor(n, &p, cx)).collect();
    sc.issues = t.list("issues", cx).into_iter().filter_map(|(p, n)| issue(n, &p, cx)).collect();
    sc.stances = t.list("stances", cx).into_iter().filter_map(|(p, n)| stance(n, &p, cx)).collect();
    sc.relations = t.list("relations", cx).into_iter().filter_map(|(p, n)| relation(n, &p, cx)).collect();
    if let Some(n) = t.take("engines", cx) {
        sc.engines = settings::decode(n, "engines", cx);
    }
    sc.timeline = t.list("timeline", cx).into_iter().filter_map(|(p, n)| timeline_event(n, &p, cx)).collect();
    sc.options = t.list("options", cx).into_iter().filter_map(|(p, n)| coercive_option(n, &p, cx)).collect();
    if let Some(n) = t.take("simulation", cx) {
        sc.simulation = settings::simulation::decode(n, "simulation", cx);
        settings::simulation::check_into(&sc, cx);
    }
    t.finish(cx);
    sc
}

fn meta(n: &Node, cx: &mut Cx) -> Meta {
    let mut m = Meta::default();
    let Some(mut t) = Table::new(n, "meta", cx) else {
        return m;
    };
    m.title = t.req_str("title", cx).unwrap_or_default();
    m.as_of = t.opt_date("as_of", cx);
    m.author = t.opt_str("author", cx);
    m.description = t.opt_str("description", cx);
    m.sources = t.list("sources", cx).into_iter().filter_map(|(p, n)| source(n, &p, cx)).collect();
    t.finish(cx);
    m
}

/// One `[[meta.sources]]` entry (also what backtest outcome files cite).
pub fn source(n: &Node, path: &str, cx: &mut Cx) -> Option<Source> {
    let mut t = Table::new(n, path, cx)?;
    let s = Source {
        id: t.req_str("id", cx).unwrap_or_default(),
        title: t.req_str("title", cx).unwrap_or_default(),
        publisher: t.opt_str("publisher", cx),
        date: t.opt_date("date", cx),
        url: t.opt_str("url", cx),
    };
    t.finish(cx);
    Some(s)
}

fn actor(n: &Node, path: &str, cx: &mut Cx) -> Option<Actor> {
    let mut t = Table::new(n, path, cx)?;
    let id = t.req_str("id", cx);
    let name = t.req_str("name", cx);
    let kind = t.opt_keyword("kind", &ActorKind::NAMES, ActorKind::parse, cx).unwrap_or_default();
    let capability = t.req_f64("capability", cx);
    let a = Actor {
        id: id.clone().unwrap_or_default(),
        name: name.or(id).unwrap_or_default(),
        kind,
        capability: capability.unwrap_or(f64::NAN),
        description: t.opt_str("description", cx),
        sources: t.opt_str_list("sources", cx),
        codes: t.opt_str_list("codes", cx),
        aliases: t.opt_str_list("aliases", cx),
    };
    t.finish(cx);
    Some(a)
}

fn issue(n: &Node, path: &str, cx: &mut Cx) -> Option<Issue> {
    let mut t = Table::new(n, path, cx)?;
    let id = t.req_str("id", cx);
    let name = t.req_str("name", cx);
    let description = t.opt_str("description", cx);
    let min = t.req_f64("min", cx);
    let max = t.req_f64("max", cx);
    let unit = t.opt_str("unit", cx);
    let low = t.req_str("low", cx);
    let high = t.req_str("high", cx);
    let mut anchors = Vec::new();
    for (p, an) in t.list("anchors", cx) {
        if let Some(mut at) = Table::new(an, &p, cx) {
            if let (Some(x), Some(label)) = (at.req_f64("at", cx), at.req_str("label", cx)) {
                anchors.push(Anchor { at: x, label });
            }
            at.finish(cx);
        }
    }
    let status_quo = t.opt_f64("status_quo", cx);
    let keywords = t.opt_str_list("keywords", cx);
    t.finish(cx);
    let (min, max) = (min.unwrap_or(f64::NAN), max.unwrap_or(f64::NAN));
    Some(Issue {
        id: id.clone().unwrap_or_default(),
        name: name.or(id).unwrap_or_default(),
        description,
        min,
        max,
        unit,
        low: low.unwrap_or_default(),
        high: high.unwrap_or_default(),
        anchors,
        status_quo,
        keywords,
    })
}

fn stance(n: &Node, path: &str, cx: &mut Cx) -> Option<Stance> {
    let mut t = Table::new(n, path, cx)?;
    let actor = t.req_str("actor", cx);
    let issue = t.req_str("issue", cx);
    let position = t.req_f64("position", cx);
    let salience = t.req_f64("salience", cx);
    let red_line = t.take("red_line", cx).and_then(|n| interval(n, &t.field_path("red_line"), cx));
    let s = Stance {
        actor: actor.unwrap_or_default(),
        issue: issue.unwrap_or_default(),
        position: position.unwrap_or(f64::NAN),
        salience: salience.unwrap_or(f64::NAN),
        red_line,
        red_line_sd: t.opt_f64("red_line_sd", cx),
        red_line_alternatives: t
            .list("red_line_alternatives", cx)
            .into_iter()
            .filter_map(|(p, n)| red_line_alternative(n, &p, cx))
            .collect(),
        position_sd: t.opt_f64("position_sd", cx),
        salience_sd: t.opt_f64("salience_sd", cx),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(s)
}

fn timeline_event(n: &Node, path: &str, cx: &mut Cx) -> Option<TimelineEvent> {
    let mut t = Table::new(n, path, cx)?;
    let date = t.opt_date("date", cx);
    if date.is_none() && !t.has("date") {
        let span = t.span().clone();
        cx.error(&t.field_path("date"), &span, "missing required field `date`").hint =
            Some("the day it passes, e.g. `date = 2025-08-28`".into());
    }
    let e = TimelineEvent {
        date: date.unwrap_or_default(),
        name: t.req_str("name", cx).unwrap_or_default(),
        issue: t.opt_str("issue", cx),
        status_quo: t.opt_f64("status_quo", cx),
        actor: t.opt_str("actor", cx),
        red_line: t.take("red_line", cx).and_then(|n| interval(n, &format!("{path}.red_line"), cx)),
        salience: t.opt_f64("salience", cx),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(e)
}

fn coercive_option(n: &Node, path: &str, cx: &mut Cx) -> Option<CoerciveOption> {
    let mut t = Table::new(n, path, cx)?;
    let o = CoerciveOption {
        holder: t.req_str("holder", cx).unwrap_or_default(),
        target: t.req_str("target", cx).unwrap_or_default(),
        name: t.req_str("name", cx).unwrap_or_default(),
        kind: t.opt_keyword("kind", &OptionKind::NAMES, OptionKind::parse, cx).unwrap_or_default(),
        gain: t.req_f64("gain", cx).unwrap_or(f64::NAN),
        gain_sd: t.opt_f64("gain_sd", cx),
        cost: t.req_f64("cost", cx).unwrap_or(f64::NAN),
        available_from: t.opt_date("available_from", cx),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(o)
}

fn red_line_alternative(n: &Node, path: &str, cx: &mut Cx) -> Option<RedLineAlternative> {
    let mut t = Table::new(n, path, cx)?;
    let red_line = match t.take("red_line", cx) {
        Some(node) => interval(node, &t.field_path("red_line"), cx),
        None => {
            let span = t.span().clone();
            cx.error(&t.field_path("red_line"), &span, "missing required field `red_line`").hint =
                Some("each alternative is `{ red_line = [lo, hi], probability = p }`".into());
            None
        }
    };
    let probability = t.req_f64("probability", cx);
    let a = RedLineAlternative {
        red_line: red_line.unwrap_or([f64::NAN, f64::NAN]),
        probability: probability.unwrap_or(f64::NAN),
        note: t.opt_str("note", cx),
        sources: t.opt_str_list("sources", cx),
    };
    t.finish(cx);
    Some(a)
}

/// `[lo, hi]`, or a table `{ min = lo, max = hi }`.
fn interval(n: &Node, path: &str, cx: &mut Cx) -> Option<[f64; 2]> {
    let hint = "write the acceptable interval as `[lowest, highest]` on the issue's scale";
    match &n.value {
        Value::Array(items) if items.len() == 2 => {
            let lo = reader::as_f64(&items[0], &format!("{path}[0]"), cx);
            let hi = reader::as_f64(&items[1], &format!("{path}[1]"), cx);
            Some([lo?, hi?])
        }
        Value::Table(_) => {
            let mut t = Table::new(n, path, cx)?;
            let lo = t.req_f64("min", cx);
            let hi = t.req_f64("max", cx);
            t.finish(cx);
            Some([lo?, hi?])
        }
        _ => {
            cx.error(path, &n.span, format!("expected an interval of two numbers, found {}", describe_len(n))).hint =
                Some(hint.into());
            None
        }
    }
}

fn describe_len(n: &Node) -> String {
    match &n.value {
        Value::Array(items) => format!("an array of {}", items.len()),
        _ => n.type_name().to_string(),
    }
}

fn relation(n: &Node, path: &str, cx: &mut Cx) -> Option<Relation> {
    let mut t = Table::new(n, path, cx)?;
    if !t.has("kind") {
        cx.error(&t.field_path("kind"), t.span(), "missing required field `kind`").hint =
            Some(format!("one of {}", RelationKind::NAMES.join(", ")));
    }
    let kind = t.opt_keyword("kind", &RelationKind::NAMES, RelationKind::parse, cx);
    let from = t.req_str("from", cx);
    let to = t.req_str("to", cx);
    let weight = t.opt_f64("weight", cx);
    let note = t.opt_str("note", cx);
    let sources = t.opt_str_list("sources", cx);
    t.finish(cx);
    Some(Relation { kind: kind?, from: from.unwrap_or_default(), to: to.unwrap_or_default(), weight, note, sources })
}
