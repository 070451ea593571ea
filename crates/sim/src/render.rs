//! Plain-text tables of a simulation and a sensitivity report.

use std::fmt::Write;

use crate::report::{ChannelReport, Report, Summary};
use crate::SensitivityReport;

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        "–".into()
    }
}

/// A share with its interval: `62.0% [58.1%–65.7%]`.
fn share(x: f64, [low, high]: [f64; 2]) -> String {
    format!("{} [{}–{}]", pct(x), pct(low), pct(high))
}

fn num(x: f64) -> String {
    if !x.is_finite() {
        "–".into()
    } else if x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

fn band(s: &Option<Summary>) -> String {
    match s {
        Some(s) => format!("{} ({}–{})", num(s.median), num(s.p10), num(s.p90)),
        None => "–".into(),
    }
}

const LABEL: usize = 38;

fn row(out: &mut String, label: &str, cells: &[String]) {
    // A label too long for its column gets a line of its own, so the cells
    // stay under their channel's heading.
    if label.chars().count() > LABEL {
        let _ = writeln!(out, "  {label}");
        let _ = write!(out, "  {:<LABEL$}", "");
    } else {
        let _ = write!(out, "  {label:<LABEL$}");
    }
    for c in cells {
        let _ = write!(out, " {c:<26}");
    }
    out.push('\n');
}

fn cells(r: &Report, f: impl Fn(&ChannelReport) -> String) -> Vec<String> {
    r.channels.iter().map(f).collect()
}

/// A short comparison (for `demarche demo`): the main rows, the median terms
/// and the ratifiers, without readings, red lines or the confrontation table.
pub fn summary(r: &Report) -> String {
    let mut out = String::new();
    let heads: Vec<String> = r.channels.iter().map(|c| c.channel.clone()).collect();
    row(&mut out, &format!("{} runs, seed {}", r.runs, r.seed), &heads);
    row(&mut out, "deal at the table", &cells(r, |c| pct(c.agreement)));
    row(&mut out, "deal that survives ratification", &cells(r, |c| pct(c.ratified)));
    row(&mut out, "rounds to a deal: median (10–90%)", &cells(r, |c| band(&c.rounds)));
    for id in &r.agenda {
        row(
            &mut out,
            &format!("term: {id}"),
            &cells(r, |c| {
                c.terms.iter().find(|t| &t.issue == id).map(|t| band(&Some(t.summary.clone()))).unwrap_or("–".into())
            }),
        );
    }
    for (k, b) in r.channels.first().map(|c| c.blockers.clone()).unwrap_or_default().iter().enumerate() {
        row(&mut out, &format!("blocked by {}", b.actor), &cells(r, |c| pct(c.blockers[k].blocks)));
    }
    out
}

/// `s` cut to about `max` characters at a word, with an ellipsis.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// What the channel changes, by mechanism, in words: the difference in
/// ratified deals between direct and mediated talks, split into what the
/// information and deniability mechanisms explain and what the two bargaining
/// protocols themselves produce.
pub fn channel_in_words(r: &Report) -> String {
    let mut out = String::new();
    let (Some(d), Some(m)) =
        (r.channels.iter().find(|c| c.channel == "direct"), r.channels.iter().find(|c| c.channel == "mediated"))
    else {
        return out;
    };
    let points = |x: f64| format!("{:+.1} pts", 100.0 * x);
    let total = m.ratified - d.ratified;
    let information = d.misperceived - m.misperceived;
    let deniability = m.blocks_averted;
    let durability = -m.broke_down;
    let protocol = total - information - deniability - durability;
    let _ = writeln!(
        out,
        "\nWhat the channel changes: ratified deals {} mediated vs direct ({} vs {}). By mechanism:",
        points(total),
        pct(m.ratified),
        pct(d.ratified)
    );
    let _ = writeln!(
        out,
        "  - information (perception_sd {}, mediator credibility {}): {} — walk-aways from a zone that existed: \
         direct {}, mediated {}",
        num(r.settings.get("perception_sd").and_then(|x| x.parse().ok()).unwrap_or(0.0)),
        r.settings.get("mediator.credibility").cloned().unwrap_or_else(|| "–".into()),
        points(information),
        pct(d.misperceived),
        pct(m.misperceived)
    );
    let _ = writeln!(
        out,
        "  - deniability (mediator.deniability {}): {} — ratifiers' blocks averted through the mediator",
        r.settings.get("mediator.deniability").cloned().unwrap_or_else(|| "–".into()),
        points(deniability)
    );
    let _ = writeln!(
        out,
        "  - durability (mediator.breakdown {}): {} — ratified mediated deals that broke down before the deadline",
        r.settings.get("mediator.breakdown").cloned().unwrap_or_else(|| "–".into()),
        points(durability)
    );
    let days = |c: &crate::report::ChannelReport| {
        c.days
            .as_ref()
            .map(|s| format!("a median {} days to a deal", num(s.median)))
            .unwrap_or_else(|| "no deal".into())
    };
    let _ = writeln!(
        out,
        "  - time: a round lasts {} days direct, {} mediated ({} direct, {} mediated); it moves the other \
         mechanisms' numbers through the deadline and when options open",
        d.round_days,
        m.round_days,
        days(d),
        days(m)
    );
    let _ = writeln!(
        out,
        "  - the bargaining protocols themselves (alternating offers vs a single negotiating text): {} — a property \
         of how the two engines are built, not a mechanism from the literature",
        points(protocol)
    );
    out
}

/// Who uses a coercive option before the talks conclude, in words.
pub fn force_in_words(r: &Report) -> String {
    let mut out = String::new();
    if !r.channels.iter().any(|c| !c.first_mover.is_empty()) {
        return out;
    }
    let _ = writeln!(
        out,
        "\nDo coercive options end the talks first? Share of runs in which one is used before a ratified deal:"
    );
    for c in &r.channels {
        let movers: Vec<String> = c
            .first_mover
            .iter()
            .map(|m| {
                format!(
                    "{} ({}: {} against {}, from {})",
                    pct(m.share),
                    m.actor,
                    m.option,
                    m.target,
                    m.date.clone().unwrap_or_else(|| format!("round {}", m.round + 1))
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "  - {} talks: {} [{}–{}]; first: {}.",
            c.channel,
            pct(c.force),
            pct(c.force_interval[0]),
            pct(c.force_interval[1]),
            if movers.is_empty() { "none".into() } else { movers.join("; ") }
        );
    }
    let _ = writeln!(
        out,
        "  An option is used when it is open and worth more to its holder than where the talks are heading \
         (docs/models.md); a model indicator, not a prediction."
    );
    out
}

/// Whether the red lines leave room for a deal, and what would open it, in words.
pub fn zone_in_words(r: &Report) -> String {
    let mut out = String::new();
    if r.what_it_takes.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\nIs a deal possible? In {} of runs the red lines leave no zone of agreement. Where they close it:",
        pct(r.no_zone)
    );
    let who = |l: &crate::report::ZoneLimit| match &l.ratifier_for {
        Some(p) => format!("{} (ratifying for {p})", l.actor),
        None => l.actor.clone(),
    };
    for g in &r.what_it_takes {
        let _ = writeln!(
            out,
            "  - {} ({} of runs): {} accepts nothing below {} (\"{}\"), {} nothing above {} (\"{}\"); \
             a gap of {} between these limits (median gap over the runs: {} of the scale).",
            g.name,
            pct(g.share),
            who(&g.low),
            num(g.low.value),
            clip(&g.low.reading, 70),
            who(&g.high),
            num(g.high.value),
            clip(&g.high.reading, 70),
            num(g.moves.first().map_or(g.gap.median, |m| m.by)),
            pct(g.gap_of_scale)
        );
        let moves: Vec<String> = g
            .moves
            .iter()
            .map(|m| {
                format!(
                    "{} moving its {} limit by {} to {} (salience {})",
                    m.actor,
                    m.limit,
                    num(m.by),
                    num(m.to),
                    num(m.salience)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "    What would open it: {} (cheapest first, by share of the scale × salience).",
            moves.join(", or ")
        );
    }
    out
}

/// The channel comparison as text.
pub fn report(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", r.title);
    let names: Vec<String> = r.principals.iter().map(|p| format!("{} ({})", p.id, p.name)).collect();
    let _ = writeln!(out, "  talks between {}", names.join(" and "));
    if let Some(m) = &r.mediator {
        let _ = writeln!(out, "  mediator: {m}");
    }
    let _ = writeln!(out, "  agenda: {}", r.agenda.join(", "));
    let _ = writeln!(out, "  {} Monte Carlo runs, seed {}", r.runs, r.seed);
    for n in &r.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    if r.no_zone > 0.0 {
        let by: Vec<String> = r.no_zone_by_issue.iter().map(|s| format!("{} {}", s.issue, pct(s.share))).collect();
        let _ = writeln!(
            out,
            "  no zone of agreement in {} of runs (first issue without overlap: {})",
            pct(r.no_zone),
            by.join(", ")
        );
    }
    if r.narrow_zone > 0.0 {
        let by: Vec<String> = r.narrow_zone_by_issue.iter().map(|s| format!("{} {}", s.issue, pct(s.share))).collect();
        let _ = writeln!(
            out,
            "  knife edge: in {} of runs the zone is narrower than 1% of the scale on some issue ({}): \
             the answer there rests on inputs more precise than they are",
            pct(r.narrow_zone),
            by.join(", ")
        );
    }
    out.push_str(&zone_in_words(r));
    out.push_str(&force_in_words(r));
    out.push_str(&channel_in_words(r));
    out.push('\n');
    let heads: Vec<String> = r.channels.iter().map(|c| c.channel.clone()).collect();
    row(&mut out, "", &heads);
    row(&mut out, "deal at the table", &cells(r, |c| share(c.agreement, c.agreement_interval)));
    row(&mut out, "deal that survives ratification", &cells(r, |c| share(c.ratified, c.ratified_interval)));
    let any_options = r.channels.iter().any(|c| c.force > 0.0 || !c.first_mover.is_empty());
    if any_options {
        row(&mut out, "an option used before a deal", &cells(r, |c| share(c.force, c.force_interval)));
    }
    row(&mut out, "rounds to a deal: median (10–90%)", &cells(r, |c| band(&c.rounds)));
    row(
        &mut out,
        "gap to the Pareto frontier (median)",
        &cells(r, |c| c.pareto_gap.as_ref().map(|s| num(s.median)).unwrap_or("–".into())),
    );
    row(
        &mut out,
        "gap to the Nash point (median)",
        &cells(r, |c| c.nash_gap.as_ref().map(|s| num(s.median)).unwrap_or("–".into())),
    );
    for (k, p) in r.principals.iter().enumerate() {
        row(
            &mut out,
            &format!("{} utility: deal / no deal", p.id),
            &cells(r, |c| {
                let pr = &c.principals[k];
                format!(
                    "{} / {}",
                    pr.deal.map(num).unwrap_or("–".into()),
                    pr.reservation.map(num).unwrap_or("–".into())
                )
            }),
        );
    }
    let mut all_ends: Vec<String> = r.channels.iter().flat_map(|c| c.end_reasons.keys().cloned()).collect();
    all_ends.sort();
    all_ends.dedup();
    for e in all_ends.iter().filter(|e| *e != "agreement") {
        row(
            &mut out,
            &format!("ended by: {}", e.replace('_', " ")),
            &cells(r, |c| pct(c.end_reasons.get(e).copied().unwrap_or(0.0))),
        );
    }

    out.push_str("\nTerms of the deals at the table (median, 10–90% band):\n");
    let issues: Vec<String> = r.agenda.clone();
    for id in &issues {
        let per: Vec<String> = r
            .channels
            .iter()
            .map(|c| {
                c.terms.iter().find(|t| &t.issue == id).map(|t| band(&Some(t.summary.clone()))).unwrap_or("–".into())
            })
            .collect();
        row(&mut out, id, &per);
        for c in &r.channels {
            if let Some(t) = c.terms.iter().find(|t| &t.issue == id) {
                let _ = writeln!(out, "      {:<9} reads: {}", c.channel, t.reading);
            }
        }
    }

    if r.channels.iter().any(|c| !c.blockers.is_empty()) {
        out.push_str(
            "\nRatification (share of deals at the table the ratifier objects to / blocks; p: chance its veto binds):\n",
        );
        let blockers: Vec<String> = r.channels[0].blockers.iter().map(|b| b.actor.clone()).collect();
        for (k, b) in blockers.iter().enumerate() {
            let binding = r.channels[0].blockers[k].binding;
            row(
                &mut out,
                &format!("{b} (p={binding})"),
                &cells(r, |c| {
                    let x = &c.blockers[k];
                    format!("{} / {}", pct(x.objects), pct(x.blocks))
                }),
            );
        }
    }

    let with_red: Vec<&str> = r.channels[0]
        .actors
        .iter()
        .filter(|a| {
            r.channels.iter().any(|c| c.actors.iter().any(|x| x.actor == a.actor && x.red_line_crossed.is_some()))
        })
        .map(|a| a.actor.as_str())
        .collect();
    if !with_red.is_empty() {
        out.push_str("\nRed lines crossed by the deal at the table (share of deals; issues):\n");
        for a in with_red {
            row(
                &mut out,
                a,
                &cells(r, |c| match c.actors.iter().find(|x| x.actor == a).and_then(|x| x.red_line_crossed) {
                    Some(s) => pct(s),
                    None => "–".into(),
                }),
            );
            // The issues crossed, under the row: once if every channel crosses the same.
            let on: Vec<(String, String)> = r
                .channels
                .iter()
                .filter_map(|c| {
                    let x = c.actors.iter().find(|x| x.actor == a)?;
                    let issues: Vec<&str> = x.crossed_on.iter().map(|i| i.issue.as_str()).collect();
                    (!issues.is_empty()).then(|| (c.channel.clone(), issues.join(", ")))
                })
                .collect();
            if !on.is_empty() && on.len() == r.channels.len() && on.iter().all(|(_, i)| *i == on[0].1) {
                let _ = writeln!(out, "      on: {}", on[0].1);
            } else {
                for (channel, issues) in on {
                    let _ = writeln!(out, "      {channel:<9} on: {issues}");
                }
            }
        }
    }

    out.push_str("\nEach actor's own utility, mean: deal at the table / expected (ratified deal or none) / no deal:\n");
    for a in &r.channels[0].actors {
        row(
            &mut out,
            &a.actor,
            &cells(r, |c| {
                let x = c.actors.iter().find(|x| x.actor == a.actor);
                match x {
                    Some(x) => {
                        format!("{} / {} / {}", x.deal.map(num).unwrap_or("–".into()), num(x.expected), num(x.no_deal))
                    }
                    None => "–".into(),
                }
            }),
        );
    }

    if !r.confrontation.is_empty() {
        // The events' column only when an escalation signal was given.
        let events = r.confrontation.iter().any(|d| d.escalation.is_some());
        let _ = writeln!(
            out,
            "\nConfrontation indicator (0–1; docs/models.md): salience-weighted disagreement, red-line clashes,\n\
             hostile relations{} — aligned pairs damped. It ranks which pairs the inputs point to\n\
             for coercion or force; a model indicator, not a prediction.{} Top dyads:",
            if r.escalation { " and the expected-utility conflict share" } else { "" },
            if events {
                format!(
                    "\nThe events' escalation signal (column `events`, 0–1) joins with weight {}.",
                    crate::confrontation::ESCALATION_WEIGHT
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(
            out,
            "  {:<40} {:>6}  {:>12} {:>9} {:>9} {:>6}{}  main issue",
            "",
            "score",
            "disagreement",
            "red line",
            "hostile",
            "EU",
            if events { format!(" {:>6}", "events") } else { String::new() }
        );
        for d in r.confrontation.iter().take(10) {
            let _ = writeln!(
                out,
                "  {:<40} {:>6.3}  {:>12.3} {:>9.2} {:>9.1} {:>6}{}  {}{}",
                format!("{} – {}", d.a, d.b),
                d.score,
                d.disagreement,
                d.red_line,
                d.hostility,
                d.expected_utility.map(pct).unwrap_or("–".into()),
                if events {
                    format!(" {:>6}", d.escalation.map(|x| format!("{x:.2}")).unwrap_or("–".into()))
                } else {
                    String::new()
                },
                d.main_issue.as_deref().unwrap_or("–"),
                if d.aligned { " (aligned: damped)" } else { "" }
            );
        }
    }
    if r.escalation {
        let _ = writeln!(
            out,
            "\nExpected-utility conflict classification alone (Bueno de Mesquita), on the first {} runs: share of\n\
             runs in which the model ends with the dyad in conflict on some issue — overall / when no deal stands.\n\
             One ingredient of the indicator above; alone it does no better than chance on the backtests\n\
             (docs/validity.md). Top dyads:",
            r.escalation_runs
        );
        let mut dyads: Vec<(String, String)> = Vec::new();
        for c in &r.channels {
            for d in c.escalation.iter().take(10) {
                if !dyads.contains(&(d.a.clone(), d.b.clone())) {
                    dyads.push((d.a.clone(), d.b.clone()));
                }
            }
        }
        dyads.truncate(10);
        if dyads.is_empty() {
            let _ = writeln!(out, "  none: no dyad ended in conflict in any of these runs.");
        }
        for (a, b) in dyads {
            row(
                &mut out,
                &format!("{a} – {b}"),
                &cells(r, |c| match c.escalation.iter().find(|d| d.a == a && d.b == b) {
                    Some(d) => format!("{} / {}", pct(d.overall), d.no_deal.map(pct).unwrap_or("–".into())),
                    None => "0.0%".into(),
                }),
            );
        }
    }
    out
}

/// The ranked sensitivity tables (tornado data) as text.
pub fn sensitivity(s: &SensitivityReport, top: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", s.title);
    let _ = writeln!(
        out,
        "  {} uncertain inputs; Sobol: {} base samples ({} runs); one at a time: {} runs per setting, quantiles {}/{}",
        s.inputs.len(),
        s.sobol.samples,
        s.sobol.evaluations,
        s.oat.runs,
        s.oat.low_quantile,
        s.oat.high_quantile
    );
    for o in &s.ranked {
        let _ = writeln!(out, "\n{} — baseline {} (variance {})", o.output, num(o.baseline), num(o.variance));
        let swings = o.rows.iter().any(|r| r.low.is_finite() && r.high.is_finite() && r.low != r.high);
        if !(o.variance > 0.0) && !swings {
            out.push_str("  does not vary over the runs: no index to report\n");
            continue;
        }
        if !(o.variance > 0.0) {
            out.push_str(
                "  constant over the Sobol samples (no index; more --samples may find one), but one at a time:\n",
            );
        }
        if o.rows.is_empty() {
            out.push_str("  no uncertain input to rank\n");
            continue;
        }
        let _ =
            writeln!(out, "  {:<52} {:>15} {:>15} {:>10} {:>10}", "input", "first ± 95%", "total ± 95%", "low", "high");
        for r in o.rows.iter().take(top) {
            let f = |x: Option<f64>, c: Option<f64>| match (x, c) {
                (Some(v), Some(c)) => format!("{v:.3} ± {c:.3}"),
                (Some(v), None) => format!("{v:.3}"),
                _ => "–".into(),
            };
            let name = if r.within_noise && r.first_order.is_some() {
                format!("{} (noise)", clip(&r.input, 44))
            } else {
                clip(&r.input, 52)
            };
            let _ = writeln!(
                out,
                "  {:<52} {:>15} {:>15} {:>10} {:>10}",
                name,
                f(r.first_order, r.first_conf),
                f(r.total, r.total_conf),
                num(r.low),
                num(r.high)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nColumns: first — the Sobol first-order index, the share of the output's variance due to that input alone \
         (0–1; estimates near 0 can come out slightly negative, and noisy ones above 1); total — the total-order \
         index, that share including its interactions with other inputs; ± — the half-width of the 95 % bootstrap \
         interval over {} resamplings of the {} base samples (\"(noise)\": the interval holds 0, so the input is \
         not told apart from no effect and is listed after those that are); low / high — the mean output with the \
         input at its {} and {} quantile, the other inputs random (tornado data). Inputs with real effects are \
         ranked by first-order index; more --samples narrow the intervals.",
        s.sobol.resamples, s.sobol.samples, s.oat.low_quantile, s.oat.high_quantile
    );
    out
}
