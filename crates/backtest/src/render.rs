//! A backtest's scores as text tables (what `demarche backtest` prints).

use std::fmt::Write as _;

use crate::scoring::{BacktestReport, STATUS_QUO};

/// The order models are shown in: the naive baseline first, then the
/// literature's baseline, then the rest by name.
pub fn model_order(r: &BacktestReport) -> Vec<String> {
    let mut names: Vec<String> = r.pooled.models.keys().cloned().collect();
    let rank = |n: &str| match n {
        STATUS_QUO => 0,
        "compromise" => 1,
        "nash" => 2,
        "bdm" => 3,
        "smp" => 4,
        "exchange" => 5,
        "simulation" => 6,
        _ => 7,
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    names
}

/// The rankings in the order shown: the indicator, then its ingredients and baselines.
pub fn ranking_order(r: &BacktestReport) -> Vec<String> {
    let mut names: Vec<String> = r.pooled.confrontation.keys().cloned().collect();
    let rank = |n: &str| match n {
        "indicator" => 0,
        "bdm" => 1,
        "disagreement" => 2,
        "hostile" => 3,
        _ => 4,
    };
    names.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.cmp(b)));
    names
}

/// A case's row label: its id, starred when retrospective (not pooled).
fn label(c: &crate::scoring::CaseScore) -> String {
    if c.retrospective.is_some() {
        format!("{}*", c.id)
    } else {
        c.id.clone()
    }
}

/// A ranking's cell: its AUC (– when undefined) and, in brackets, hits in the top 10 of those observed.
fn ranking_cell(auc: Option<f64>, hits: f64, observed: usize) -> String {
    format!("{} ({hits:.1}/{observed})", auc.map(|a| format!("{a:.2}")).unwrap_or("–".into()))
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// Every table of the backtest, cases and pooled.
pub fn table(r: &BacktestReport) -> String {
    let mut out = String::new();
    let get = |k: &str| r.settings.get(k).map(String::as_str).unwrap_or("?");
    let _ = writeln!(
        out,
        "Backtest of {} case(s): every model, and {} simulated runs per case (seed {}).\n\
         Model indicators scored against recorded outcomes; few cases, coded after the fact (docs/validity.md).",
        r.cases.len(),
        get("runs"),
        get("seed")
    );

    let models = model_order(r);
    let _ = writeln!(
        out,
        "\nIssue outcomes: mean absolute error as a share of each scale (lower is better).\n\
         No decision is scored as the status quo, as in the EU decision-making studies."
    );
    let w = 22;
    let _ = write!(out, "  {:<w$}", "case");
    for m in &models {
        let _ = write!(out, " {:>w2$}", m, w2 = m.len().max(6));
    }
    out.push('\n');
    for c in &r.cases {
        let _ = write!(out, "  {:<w$}", label(c));
        for m in &models {
            let cell = c.models.get(m).map(|s| pct(s.mae)).unwrap_or("–".into());
            let _ = write!(out, " {:>w2$}", cell, w2 = m.len().max(6));
        }
        out.push('\n');
    }
    let _ = write!(out, "  {:<w$}", "pooled: mean error");
    for m in &models {
        let cell = r.pooled.models.get(m).map(|s| pct(s.mae)).unwrap_or("–".into());
        let _ = write!(out, " {:>w2$}", cell, w2 = m.len().max(6));
    }
    out.push('\n');
    let _ = write!(out, "  {:<w$}", "pooled: within 10 pts");
    for m in &models {
        let cell = r.pooled.models.get(m).map(|s| pct(s.within_10)).unwrap_or("–".into());
        let _ = write!(out, " {:>w2$}", cell, w2 = m.len().max(6));
    }
    out.push('\n');
    if let Some(s) = r.pooled.models.get(STATUS_QUO) {
        let _ = writeln!(out, "  ({} issues in {} cases)", s.issues, s.cases);
    }

    if let Some(d) = &r.pooled.deal {
        let _ = writeln!(
            out,
            "\nDeal or no deal: the simulation's P(an agreement is reached and survives ratification)\n\
             against whether one was reached and in force by the outcome's date."
        );
        let _ = writeln!(out, "  {:<w$} {:>7} {:>9} {:>7} {:>9}", "case", "P(deal)", "decided", "Brier", "log loss");
        for c in &r.cases {
            if let Some(x) = &c.deal {
                let _ = writeln!(
                    out,
                    "  {:<w$} {:>7.2} {:>9} {:>7.3} {:>9.3}",
                    label(c),
                    x.p,
                    if x.observed { "yes" } else { "no" },
                    x.brier,
                    x.log_loss
                );
            }
        }
        let _ = writeln!(out, "  {:<w$} {:>7} {:>9} {:>7.3} {:>9.3}", "pooled", "", "", d.brier, d.log_loss);
        let _ = writeln!(
            out,
            "  {:<w$} {:>7.2} {:>9} {:>7.3} {:>9.3}",
            "base rate (in-sample)", d.base_rate, "", d.base_rate_brier, d.base_rate_log_loss
        );
        let _ = writeln!(
            out,
            "  {:<w$} {:>7.2} {:>9} {:>7.3} {:>9.3}",
            "coin (0.5)",
            0.5,
            "",
            0.25,
            std::f64::consts::LN_2
        );
    }

    if let Some(f) = &r.pooled.force {
        let _ = writeln!(
            out,
            "\nForce before a deal: the simulation's P(an option of kind force is used before a ratified deal),\n\
             on the cases whose scenarios hold such options, against force on record between an option's\n\
             holder and its target."
        );
        let _ = writeln!(out, "  {:<w$} {:>8} {:>8} {:>7} {:>9}", "case", "P(force)", "force", "Brier", "log loss");
        for c in &r.cases {
            if let Some(x) = &c.force {
                let seen = if x.observed { "yes" } else { "no" };
                let _ =
                    writeln!(out, "  {:<w$} {:>8.2} {:>8} {:>7.3} {:>9.3}", label(c), x.p, seen, x.brier, x.log_loss);
            }
        }
        let _ = writeln!(out, "  ({} case(s); too few to pool meaningfully)", f.cases);
    }

    let rankings = ranking_order(r);
    if !rankings.is_empty() {
        let _ = writeln!(
            out,
            "\nConfrontation: which dyads turned to coercion or force. AUC (0.5 = chance; – when a case has\n\
             no such dyad) and, in brackets, expected hits in the top 10 of the observed dyads."
        );
        let _ = write!(out, "  {:<w$}", "case");
        for n in &rankings {
            let _ = write!(out, " {:>16}", n);
        }
        out.push('\n');
        for c in &r.cases {
            let _ = write!(out, "  {:<w$}", label(c));
            for n in &rankings {
                let cell =
                    c.confrontation.get(n).map_or("–".into(), |s| ranking_cell(s.auc, s.top10_hits, s.observed));
                let _ = write!(out, " {:>16}", cell);
            }
            out.push('\n');
        }
        let _ = write!(out, "  {:<w$}", "pooled (stratified)");
        for n in &rankings {
            let cell =
                r.pooled.confrontation.get(n).map_or("–".into(), |s| ranking_cell(s.auc, s.top10_hits, s.observed));
            let _ = write!(out, " {:>16}", cell);
        }
        out.push('\n');
        let _ = write!(out, "  {:<w$}", "mean of case AUCs");
        for n in &rankings {
            let cell = r.pooled.confrontation.get(n).and_then(|s| s.mean_case_auc).map(|a| format!("{a:.2}"));
            let _ = write!(out, " {:>16}", cell.unwrap_or("–".into()));
        }
        out.push('\n');
    }
    for c in r.cases.iter().filter(|c| !c.notes.is_empty()) {
        let _ = writeln!(out, "\nnote: {}: {}", c.id, c.notes.join("; "));
    }
    if r.cases.iter().any(|c| c.retrospective.is_some()) {
        let _ = writeln!(
            out,
            "\n* retrospective: positions coded after the events from a later publication; shown, not pooled."
        );
    }
    out
}
