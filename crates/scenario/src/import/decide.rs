//! decide-exchange-model's input files (Stokman's exchange model): rows keyed by
//! their first cell, tab-, semicolon- or comma-separated, text optionally in
//! quotes (its shipped examples quote with `'`):
//!
//! * `#A  id  name  comment` — an actor;
//! * `#P  id  name  description` — an issue;
//! * `#M  issue  position  [label]` — a marked point of an issue's scale: the
//!   scale runs from the smallest to the largest (0–100 without any);
//! * `#D  actor  issue  position  salience  power  [comment]` — an actor's stance;
//! * `#/` and `#O` rows are comments.
//!
//! decide's power is per actor and issue; a scenario's capability is per actor, so
//! an actor whose power differs between issues is refused with a hint.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::*;

use super::unique_slugs;

const KEYS: [&str; 6] = ["#A", "#P", "#M", "#D", "#/", "#O"];

fn delimiter(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') {
        '\t'
    } else if first.contains(';') {
        ';'
    } else {
        ','
    }
}

fn cells(line: &str, delim: char) -> Vec<String> {
    line.split(delim)
        .map(|c| {
            let c = c.trim();
            let unquoted = c
                .strip_prefix('\'')
                .and_then(|c| c.strip_suffix('\''))
                .or_else(|| c.strip_prefix('"').and_then(|c| c.strip_suffix('"')))
                .unwrap_or(c);
            unquoted.to_string()
        })
        .collect()
}

/// Whether the text's first row is one of decide's.
pub fn looks_like_decide(text: &str) -> bool {
    let Some(line) = text.trim_start_matches('\u{feff}').lines().find(|l| !l.trim().is_empty()) else {
        return false;
    };
    let first = cells(line, delimiter(text)).into_iter().next().unwrap_or_default();
    KEYS.contains(&first.as_str())
}

struct Row {
    line: usize,
    cells: Vec<String>,
}

pub fn parse(text: &str, label: &str) -> (Option<Scenario>, Diagnostics) {
    let mut d = Diagnostics::new();
    let delim = delimiter(text);
    let (mut actors, mut issues, mut marks, mut data): (Vec<Row>, Vec<Row>, Vec<Row>, Vec<Row>) = Default::default();
    for (k, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = Row { line: k + 1, cells: cells(line, delim) };
        match row.cells[0].as_str() {
            "#A" => actors.push(row),
            "#P" => issues.push(row),
            "#M" => marks.push(row),
            "#D" => data.push(row),
            "#/" | "#O" => {}
            other => d.push(
                Diagnostic::error(format!("line {}", k + 1), format!("unknown row type `{other}`"))
                    .with_location(k + 1, 1)
                    .with_hint(
                        "decide's rows start with #A (actor), #P (issue), #M (scale mark), #D (stance) or #/ (comment)",
                    ),
            ),
        }
        if actors.len() > crate::validate::limits::MAX_ACTORS {
            d.push(Diagnostic::error("", format!("more than {} actors", crate::validate::limits::MAX_ACTORS)));
            return (None, d);
        }
    }
    let need = |row: &Row, n: usize, what: &str, d: &mut Diagnostics| -> bool {
        if row.cells.len() < n || row.cells[1..n].iter().any(String::is_empty) {
            d.push(
                Diagnostic::error(format!("line {}", row.line), format!("a {} row needs {what}", row.cells[0]))
                    .with_location(row.line, 1),
            );
            return false;
        }
        true
    };
    let number = |row: &Row, c: usize, what: &str, d: &mut Diagnostics| -> Option<f64> {
        let s = row.cells.get(c).map(String::as_str).unwrap_or("");
        match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Some(x),
            _ => {
                d.push(
                    Diagnostic::error(format!("line {}", row.line), format!("{what} `{s}` is not a number"))
                        .with_location(row.line, c + 1)
                        .with_hint("use a plain decimal number, e.g. 0.35"),
                );
                None
            }
        }
    };

    // Actors and issues, first occurrence first (decide keys them by id).
    let mut actor_ids: Vec<String> = Vec::new();
    let mut actor_names: Vec<String> = Vec::new();
    for r in &actors {
        if need(r, 2, "an id", &mut d) && !actor_ids.contains(&r.cells[1]) {
            actor_ids.push(r.cells[1].clone());
            actor_names.push(r.cells.get(2).filter(|n| !n.is_empty()).unwrap_or(&r.cells[1]).clone());
        }
    }
    let mut issue_ids: Vec<String> = Vec::new();
    let mut issue_rows: Vec<&Row> = Vec::new();
    for r in &issues {
        if need(r, 2, "an id", &mut d) && !issue_ids.contains(&r.cells[1]) {
            issue_ids.push(r.cells[1].clone());
            issue_rows.push(r);
        }
    }
    if actor_ids.is_empty() {
        d.push(
            Diagnostic::error("", "no #A rows: the file names no actors")
                .with_hint("add one `#A id name` row per actor"),
        );
    }
    if issue_ids.is_empty() {
        d.push(
            Diagnostic::error("", "no #P rows: the file names no issues")
                .with_hint("add one `#P id name` row per issue"),
        );
    }

    // Each issue's marks: the scale and its labelled points.
    let mut scale_marks: Vec<Vec<(f64, String)>> = vec![Vec::new(); issue_ids.len()];
    for r in &marks {
        if !need(r, 3, "an issue and a position", &mut d) {
            continue;
        }
        let Some(k) = issue_ids.iter().position(|i| *i == r.cells[1]) else {
            d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("#M row for issue `{}`, which has no #P row", r.cells[1]),
                )
                .with_location(r.line, 2),
            );
            continue;
        };
        if let Some(x) = number(r, 2, "position", &mut d) {
            scale_marks[k].push((x, r.cells.get(3).cloned().unwrap_or_default()));
        }
    }
    let scales: Vec<(f64, f64)> = scale_marks
        .iter()
        .map(|m| {
            if m.is_empty() {
                (0.0, 100.0)
            } else {
                let lo = m.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
                let hi = m.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
                (lo, hi)
            }
        })
        .collect();
    for (k, &(lo, hi)) in scales.iter().enumerate() {
        if hi <= lo {
            d.push(
                Diagnostic::error(
                    format!("issue {}", issue_ids[k]),
                    format!("the #M rows give an empty scale ({lo} to {hi})"),
                )
                .with_location(issue_rows[k].line, 1)
                .with_hint("give the scale's two ends as #M rows"),
            );
        }
    }

    // Stances, and each actor's power.
    let mut stances: Vec<Stance> = Vec::new();
    let mut power: Vec<Option<(f64, usize)>> = vec![None; actor_ids.len()];
    let mut seen: std::collections::HashSet<(usize, usize)> = Default::default();
    for r in &data {
        if !need(r, 6, "an actor, an issue, a position, a salience and a power", &mut d) {
            continue;
        }
        let a = actor_ids.iter().position(|x| *x == r.cells[1]);
        let k = issue_ids.iter().position(|x| *x == r.cells[2]);
        if a.is_none() {
            d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("#D row for actor `{}`, which has no #A row", r.cells[1]),
                )
                .with_location(r.line, 2),
            );
        }
        if k.is_none() {
            d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("#D row for issue `{}`, which has no #P row", r.cells[2]),
                )
                .with_location(r.line, 3),
            );
        }
        let (x, s, c) =
            (number(r, 3, "position", &mut d), number(r, 4, "salience", &mut d), number(r, 5, "power", &mut d));
        let (Some(a), Some(k), Some(x), Some(s), Some(c)) = (a, k, x, s, c) else { continue };
        if !seen.insert((a, k)) {
            d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("a second #D row for {} on {}", r.cells[1], r.cells[2]),
                )
                .with_location(r.line, 1),
            );
            continue;
        }
        let (lo, hi) = scales[k];
        if !(lo..=hi).contains(&x) {
            d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("position {x} is outside the issue's scale {lo}–{hi}"),
                )
                .with_location(r.line, 4),
            );
        }
        if !(0.0..=1.0).contains(&s) {
            d.push(
                Diagnostic::error(format!("line {}", r.line), format!("salience {s} is outside 0–1"))
                    .with_location(r.line, 5)
                    .with_hint("decide's saliences are fractions from 0 to 1"),
            );
        }
        if c <= 0.0 {
            d.push(
                Diagnostic::error(format!("line {}", r.line), format!("power {c} must be positive"))
                    .with_location(r.line, 6),
            );
        }
        match power[a] {
            None => power[a] = Some((c, r.line)),
            Some((p, first)) if p != c => d.push(
                Diagnostic::error(
                    format!("line {}", r.line),
                    format!("{}'s power is {c} here but {p} on line {first}", r.cells[1]),
                )
                .with_location(r.line, 6)
                .with_hint("a scenario gives each actor one capability; split the actor per issue, or use one power"),
            ),
            Some(_) => {}
        }
        stances.push(Stance {
            actor: r.cells[1].clone(),
            issue: r.cells[2].clone(),
            position: x,
            salience: s,
            ..Default::default()
        });
    }
    if d.has_errors() {
        return (None, d);
    }
    // Ids as the scenario writes them (decide's ids may hold spaces).
    let aid = unique_slugs(&actor_ids);
    let iid = unique_slugs(&issue_ids);
    for st in &mut stances {
        st.actor = aid[actor_ids.iter().position(|x| *x == st.actor).unwrap_or(0)].clone();
        st.issue = iid[issue_ids.iter().position(|x| *x == st.issue).unwrap_or(0)].clone();
    }
    for (a, p) in power.iter().enumerate() {
        if p.is_none() {
            d.push(Diagnostic::warning(format!("actor {}", actor_ids[a]), "no #D rows: it takes part in no issue"));
        }
    }
    let issues = issue_rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let (min, max) = scales[k];
            let label_at = |x: f64| {
                scale_marks[k]
                    .iter()
                    .find(|m| m.0 == x && !m.1.is_empty())
                    .map(|m| m.1.clone())
                    .unwrap_or_else(|| format!("{x}"))
            };
            Issue {
                id: iid[k].clone(),
                name: r.cells.get(2).filter(|n| !n.is_empty()).unwrap_or(&r.cells[1]).clone(),
                description: r.cells.get(3).filter(|t| !t.is_empty()).cloned(),
                min,
                max,
                low: label_at(min),
                high: label_at(max),
                anchors: scale_marks[k]
                    .iter()
                    .filter(|m| m.0 > min && m.0 < max && !m.1.is_empty())
                    .map(|m| Anchor { at: m.0, label: m.1.clone() })
                    .collect(),
                ..Default::default()
            }
        })
        .collect();
    let sc = Scenario {
        meta: Meta {
            title: format!("{} (imported from a decide input file)", super::stem_id(label, "decide")),
            description: Some(format!(
                "Imported from {}, an input file of decide-exchange-model (Stokman's exchange model).",
                super::file_name(label)
            )),
            ..Default::default()
        },
        actors: aid
            .iter()
            .zip(&actor_names)
            .zip(&power)
            .map(|((id, name), p)| Actor {
                id: id.clone(),
                name: name.clone(),
                capability: p.map_or(1.0, |p| p.0),
                ..Default::default()
            })
            .collect(),
        issues,
        stances,
        ..Default::default()
    };
    (Some(sc), d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "'#A'\t'a'\t'Actor A'\t''\n'#A'\t'b'\t'Actor B'\t''\n'#P'\t'x'\t'X'\t'the x issue'\n\
'#M'\t'x'\t0\t'none'\n'#M'\t'x'\t10\t'all'\n'#P'\t'y'\t'Y'\t''\n\
'#D'\t'a'\t'x'\t2.5\t0.4\t0.3\n'#D'\t'b'\t'x'\t7\t0.9\t0.5\n'#D'\t'a'\t'y'\t80\t0.8\t0.3\n'#D'\t'b'\t'y'\t10\t0.2\t0.5\n";

    #[test]
    fn reads_actors_issues_scales_and_stances() {
        assert!(looks_like_decide(SMALL));
        let (sc, d) = parse(SMALL, "small.csv");
        assert!(!d.has_errors(), "{d}");
        let sc = sc.unwrap();
        assert_eq!(sc.actors.iter().map(|a| a.capability).collect::<Vec<_>>(), [0.3, 0.5]);
        assert_eq!((sc.issues[0].min, sc.issues[0].max, sc.issues[0].low.as_str()), (0.0, 10.0, "none"));
        assert_eq!((sc.issues[1].min, sc.issues[1].max), (0.0, 100.0));
        assert_eq!(sc.stances.len(), 4);
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let bad =
            SMALL.replace("2.5\t0.4\t0.3", "12\t1.4\t0.3").replace("10\t0.2\t0.5", "10\t0.2\t0.7") + "'#Q'\t'z'\n";
        let (sc, d) = parse(&bad, "bad.csv");
        assert!(sc.is_none());
        let text = d.to_string();
        for want in [
            "outside the issue's scale 0–10",
            "salience 1.4 is outside 0–1",
            "power is 0.7 here but 0.5",
            "unknown row type `#Q`",
        ] {
            assert!(text.contains(want), "{want} missing in {text}");
        }
    }
}
