//! The CSV of the public Bueno de Mesquita replications:
//! `Actor,Capability,Position,Salience` (some cases name the columns
//! `Stakeholder,Resources,...`). One issue; the scale is the range of the
//! positions given; saliences written as percentages (any above 1) are divided
//! by 100.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::*;

use super::{stem_id, unique_slugs};

const ACTOR: &[&str] = &["actor", "stakeholder", "name"];
const CAPABILITY: &[&str] = &["capability", "resources", "power", "influence", "clout"];
const POSITION: &[&str] = &["position"];
const SALIENCE: &[&str] = &["salience"];

fn header_cells(text: &str) -> Vec<String> {
    let first = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    first.split(',').map(|c| c.trim().trim_matches('"').to_ascii_lowercase()).collect()
}

/// Whether the first line is a BDM header.
pub fn looks_like_bdm(text: &str) -> bool {
    let h = header_cells(text);
    let has = |names: &[&str]| h.iter().any(|c| names.contains(&c.as_str()));
    has(ACTOR) && has(CAPABILITY) && has(POSITION) && has(SALIENCE)
}

pub fn parse(text: &str, label: &str) -> (Option<Scenario>, Diagnostics) {
    let mut d = Diagnostics::new();
    let mut rdr =
        csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).comment(Some(b'#')).from_reader(text.as_bytes());
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|c| c.to_ascii_lowercase()).collect(),
        Err(e) => {
            d.push(Diagnostic::error("", format!("cannot read the CSV header: {e}")).with_location(1, 1));
            return (None, d);
        }
    };
    let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (ca, cc, cp, cs) = (col(ACTOR), col(CAPABILITY), col(POSITION), col(SALIENCE));
    for (found, what, names) in
        [(ca, "actor", ACTOR), (cc, "capability", CAPABILITY), (cp, "position", POSITION), (cs, "salience", SALIENCE)]
    {
        if found.is_none() {
            d.push(
                Diagnostic::error("", format!("no {what} column in the header"))
                    .with_location(1, 1)
                    .with_hint(format!("name it one of: {}", names.join(", "))),
            );
        }
    }
    let (Some(ca), Some(cc), Some(cp), Some(cs)) = (ca, cc, cp, cs) else {
        return (None, d);
    };

    let mut names = Vec::new();
    let mut caps = Vec::new();
    let mut pos = Vec::new();
    let mut sal = Vec::new();
    for (row, rec) in rdr.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(row + 2);
                d.push(
                    Diagnostic::error(format!("row {}", row + 1), format!("unreadable CSV row: {e}"))
                        .with_location(line, 1),
                );
                continue;
            }
        };
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(row + 2);
        if rec.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cell = |c: usize| rec.get(c).unwrap_or("");
        let num = |c: usize, what: &str, d: &mut Diagnostics| -> Option<f64> {
            let s = cell(c);
            match s.parse::<f64>() {
                Ok(x) if x.is_finite() => Some(x),
                Ok(x) => {
                    d.push(
                        Diagnostic::error(format!("row {}.{what}", row + 1), format!("{what} is {x}"))
                            .with_location(line, c + 1)
                            .with_hint("write a finite number"),
                    );
                    None
                }
                Err(_) => {
                    d.push(
                        Diagnostic::error(format!("row {}.{what}", row + 1), format!("{what} `{s}` is not a number"))
                            .with_location(line, c + 1)
                            .with_hint(if s.is_empty() {
                                "the cell is empty; the row may have too few columns"
                            } else {
                                "use a plain decimal number, e.g. 0.35"
                            }),
                    );
                    None
                }
            }
        };
        let name = cell(ca).to_string();
        if name.is_empty() {
            d.push(Diagnostic::error(format!("row {}.actor", row + 1), "empty actor name").with_location(line, ca + 1));
        }
        let (c, p, s) = (num(cc, "capability", &mut d), num(cp, "position", &mut d), num(cs, "salience", &mut d));
        if let (Some(c), Some(p), Some(s)) = (c, p, s) {
            if c <= 0.0 {
                d.push(
                    Diagnostic::error(
                        format!("row {}.capability", row + 1),
                        format!("capability must be positive, got {c}"),
                    )
                    .with_location(line, cc + 1),
                );
            }
            if s < 0.0 {
                d.push(
                    Diagnostic::error(
                        format!("row {}.salience", row + 1),
                        format!("salience must not be negative, got {s}"),
                    )
                    .with_location(line, cs + 1),
                );
            }
            names.push(name);
            caps.push(c);
            pos.push(p);
            sal.push(s);
        }
        if names.len() > crate::validate::limits::MAX_ACTORS {
            d.push(
                Diagnostic::error("", format!("more than {} actors", crate::validate::limits::MAX_ACTORS))
                    .with_location(line, 1),
            );
            return (None, d);
        }
    }
    if names.is_empty() && !d.has_errors() {
        d.push(Diagnostic::error("", "the CSV has a header but no actors").with_hint("add one row per actor"));
    }
    if d.has_errors() {
        return (None, d);
    }
    let percent = sal.iter().any(|&s| s > 1.0);
    if percent {
        if sal.iter().any(|&s| s > 100.0) {
            d.push(
                Diagnostic::error("", "saliences above 100")
                    .with_hint("saliences are fractions (0–1) or percentages (0–100)"),
            );
            return (None, d);
        }
        d.push(Diagnostic::warning("", "saliences read as percentages and divided by 100"));
        for s in &mut sal {
            *s /= 100.0;
        }
    }
    let lo = pos.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = pos.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (min, max) = if hi > lo { (lo, hi) } else { (lo - 1.0, lo + 1.0) };
    let issue_id = stem_id(label, "issue");
    let ids = unique_slugs(&names);
    let sc = Scenario {
        meta: Meta {
            title: format!("{issue_id} (imported from BDM CSV)"),
            description: Some(format!(
                "Imported from {}; the scale is the range of the positions given.",
                super::file_name(label)
            )),
            ..Default::default()
        },
        actors: ids
            .iter()
            .zip(&names)
            .zip(&caps)
            .map(|((id, name), &capability)| Actor {
                id: id.clone(),
                name: name.clone(),
                capability,
                ..Default::default()
            })
            .collect(),
        issues: vec![Issue {
            id: issue_id.clone(),
            name: issue_id.clone(),
            min,
            max,
            low: format!("lowest position in the data ({min})"),
            high: format!("highest position in the data ({max})"),
            ..Default::default()
        }],
        stances: ids
            .iter()
            .zip(pos.iter().zip(&sal))
            .map(|(id, (&position, &salience))| Stance {
                actor: id.clone(),
                issue: issue_id.clone(),
                position,
                salience,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    (Some(sc), d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_header_styles() {
        let (a, d) = parse("Actor,Capability,Position,Salience\nA,1,0,0.5\nB,2,10,1\n", "x.csv");
        assert!(!d.has_errors(), "{d}");
        let a = a.unwrap();
        assert_eq!(a.actors.len(), 2);
        assert_eq!(a.issues[0].max, 10.0);
        let (b, d) = parse("Stakeholder,Resources,Position,Salience\nA,80,25,50\nB,90,15,80\n", "china.csv");
        assert!(!d.has_errors(), "{d}");
        assert_eq!(b.unwrap().stances[1].salience, 0.8);
    }

    #[test]
    fn reports_every_bad_cell_with_its_line() {
        let (s, d) = parse("Actor,Capability,Position,Salience\nA,x,0,0.5\nB,2,,1\nC,-1,3,0.2\n", "x.csv");
        assert!(s.is_none());
        assert_eq!(d.error_count(), 3, "{d}");
        let lines: Vec<usize> = d.iter().map(|x| x.location.unwrap().line).collect();
        assert_eq!(lines, vec![2, 3, 4]);
    }
}
