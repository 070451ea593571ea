//! The human-readable forecast: per issue, each model's predicted outcome and
//! what that point means, who moves most, and which dyads head for conflict.

use std::collections::BTreeMap;
use std::fmt::Write;

use demarche_forecast::{Forecast, InteractionKind, IssueForecast};
use demarche_scenario::{Issue, Scenario};

use super::num;

pub fn forecasts(sc: &Scenario, forecasts: &[Forecast]) -> String {
    let mut o = String::new();
    let _ = write!(o, "{}", sc.meta.title);
    if let Some(d) = &sc.meta.as_of {
        let _ = write!(o, " (as of {d})");
    }
    let models: Vec<&str> = forecasts.iter().map(|f| f.engine.as_str()).collect();
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    let _ = writeln!(
        o,
        "\n{}, {}; models: {}\n",
        plural(sc.actors.len(), "actor"),
        plural(sc.issues.len(), "issue"),
        models.join(", ")
    );
    let width = models.iter().map(|m| m.len()).max().unwrap_or(4).max(10);

    for iss in &sc.issues {
        let per_model: Vec<(&str, &IssueForecast)> = forecasts
            .iter()
            .filter_map(|f| f.issues.iter().find(|x| x.issue == iss.id).map(|x| (f.engine.as_str(), x)))
            .collect();
        if per_model.is_empty() {
            continue;
        }
        let unit = iss.unit.as_deref().map(|u| format!(", {u}")).unwrap_or_default();
        let _ = writeln!(o, "{}  [{} – {}{unit}]", iss.name, num(iss.min, 2), num(iss.max, 2));
        // An issue the scenario keeps off the talks' agenda: the models still say
        // where the actors' weight lies on it, but no deal in `simulate` settles it.
        let agenda = sc.simulation.as_ref().map(|s| &s.agenda).filter(|a| !a.is_empty());
        if agenda.is_some_and(|a| !a.contains(&iss.id)) {
            let _ = writeln!(
                o,
                "  off the talks' agenda ([simulation] agenda): where the actors' weight lies, not what a deal would settle"
            );
        }
        let _ = writeln!(o, "  {:<w$} {:>7}  {}", "low end", num(iss.min, 2), iss.low, w = width);
        let _ = writeln!(o, "  {:<w$} {:>7}  {}", "high end", num(iss.max, 2), iss.high, w = width);
        if let Some(sq) = iss.status_quo {
            let _ = writeln!(o, "  {:<w$} {:>7}  {}", "status quo", num(sq, 2), iss.describe(sq), w = width);
        }
        for (model, f) in &per_model {
            let conv = match (f.converged, f.rounds()) {
                (Some(false), r) => format!(" (not converged after {r} rounds)"),
                (Some(true), 1) => " (1 round)".to_string(),
                (Some(true), r) => format!(" ({r} rounds)"),
                _ => String::new(),
            };
            let _ =
                writeln!(o, "  {:<w$} {:>7}  {}{conv}", model, num(f.outcome, 2), iss.describe(f.outcome), w = width);
        }
        movers(&mut o, sc, iss, &per_model);
        conflicts(&mut o, sc, &per_model);
        let notes: Vec<String> =
            per_model.iter().flat_map(|(m, f)| f.notes.iter().map(move |n| format!("{m}: {n}"))).collect();
        for n in notes {
            let _ = writeln!(o, "  note  {n}");
        }
        let _ = writeln!(o);
    }
    for f in forecasts {
        for n in &f.notes {
            let _ = writeln!(o, "note ({}): {n}", f.engine);
        }
    }
    o
}

/// From an iterative model, who moved farthest; otherwise who stands farthest
/// from the predicted outcome (who would have to concede most).
fn movers(o: &mut String, sc: &Scenario, iss: &Issue, per_model: &[(&str, &IssueForecast)]) {
    let name = |a: usize| sc.actors.get(a).map(|x| x.name.as_str()).unwrap_or("?");
    if let Some((model, f)) = per_model.iter().find(|(_, f)| f.rounds() > 0) {
        let m = f.movers();
        let top: Vec<String> = m
            .iter()
            .filter(|(_, d)| d.abs() > 1e-9 * iss.range())
            .take(3)
            .map(|&(a, d)| {
                let k = f.participants.iter().position(|&p| p == a).unwrap_or(0);
                let from = f.trajectory.first().and_then(|r| r.get(k)).copied().unwrap_or(f64::NAN);
                format!("{} {} → {}", name(a), num(from, 2), num(from + d, 2))
            })
            .collect();
        let text = if top.is_empty() { "nobody moves".to_string() } else { top.join("; ") };
        let _ = writeln!(o, "  moves most ({model}): {text}");
    } else if let Some((model, f)) = per_model.first() {
        let first = f.trajectory.first().cloned().unwrap_or_default();
        let mut gaps: Vec<(usize, f64)> =
            f.participants.iter().zip(&first).map(|(&a, &x)| (a, (f.outcome - x).abs())).collect();
        gaps.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let top: Vec<String> = gaps.iter().take(3).map(|&(a, g)| format!("{} ({} away)", name(a), num(g, 2))).collect();
        let _ = writeln!(o, "  concedes most ({model}): {}", top.join("; "));
    }
}

/// Dyads the expected-utility model classifies as conflicts, with how many rounds.
fn conflicts(o: &mut String, sc: &Scenario, per_model: &[(&str, &IssueForecast)]) {
    let name = |a: usize| sc.actors.get(a).map(|x| x.name.as_str()).unwrap_or("?");
    for (model, f) in per_model {
        if f.interactions.is_empty() {
            continue;
        }
        let rounds = f.interactions.iter().map(|i| i.round).max().unwrap_or(0);
        // A dyad counts once per round, whichever side's view recorded the conflict.
        let seen: std::collections::BTreeSet<((usize, usize), u32)> = f
            .interactions
            .iter()
            .filter(|i| i.kind == InteractionKind::Conflict)
            .map(|i| ((i.actor.min(i.other), i.actor.max(i.other)), i.round))
            .collect();
        let mut count: BTreeMap<(usize, usize), u32> = BTreeMap::new();
        for (key, _) in seen {
            *count.entry(key).or_default() += 1;
        }
        let mut pairs: Vec<((usize, usize), u32)> = count.into_iter().collect();
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let text = if pairs.is_empty() {
            "none".to_string()
        } else {
            pairs
                .iter()
                .take(5)
                .map(|&((a, b), n)| format!("{} ↔ {} ({n} of {rounds} rounds)", name(a), name(b)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(o, "  conflict ({model}): {text}");
    }
}

/// Each model's outcome per issue over draws of the stated uncertainty.
pub fn uncertainty(sc: &Scenario, u: &demarche_sim::uncertainty::ForecastUncertainty) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "How sure: every model on {} draws of the stated uncertainty ({} of {} stances have a spread), seed {}",
        u.runs,
        u.uncertain_stances,
        sc.stances.len(),
        u.seed
    );
    if u.uncertain_stances == 0 {
        let _ = writeln!(o, "  no stance has position_sd or salience_sd: every draw is the stated scenario");
    }
    let width = u.bands.iter().map(|b| b.engine.len()).max().unwrap_or(4).max(10);
    for iss in &sc.issues {
        let bands: Vec<_> = u.bands.iter().filter(|b| b.issue == iss.id).collect();
        if bands.is_empty() {
            continue;
        }
        let _ = writeln!(o, "{}", iss.name);
        let _ = writeln!(
            o,
            "  {:<w$} {:>9} {:>9}  {:<21} reads (median)",
            "model",
            "stated",
            "median",
            "10–90 %",
            w = width
        );
        for b in bands {
            match &b.summary {
                Some(s) => {
                    let band = format!("{} – {}", num(s.p10, 2), num(s.p90, 2));
                    let _ = writeln!(
                        o,
                        "  {:<w$} {:>9} {:>9}  {:<21} {}",
                        b.engine,
                        num(b.stated, 2),
                        num(s.median, 2),
                        band,
                        iss.describe(s.median),
                        w = width
                    );
                }
                None => {
                    let _ =
                        writeln!(o, "  {:<w$} {:>9}  no outcome in any draw", b.engine, num(b.stated, 2), w = width);
                }
            }
        }
    }
    for n in &u.notes {
        let _ = writeln!(o, "note: {n}");
    }
    o
}
