//! A backtest drawn: each model's error per issue, the calibration of
//! P(deal), and the ROC curve of each confrontation ranking by case.

use demarche_backtest::render::{model_order, ranking_order};
use demarche_backtest::BacktestReport;

use super::axis::{self, Area, LegendMark, Scale};
use super::{Chart, WIDTH};
use crate::svg::{colour, Anchor, Svg};

const ROW: f64 = 28.0;

/// Each model's issue errors (one dot per issue of each case) and its pooled
/// mean (a diamond), models in rows, the status-quo baseline first.
pub fn errors(r: &BacktestReport) -> Option<Chart> {
    let models = model_order(r);
    if models.is_empty() {
        return None;
    }
    let title = "Error per model and issue".to_string();
    let area = Area { left: 170.0, top: 46.0, right: WIDTH - 30.0, bottom: 46.0 + models.len() as f64 * ROW + 6.0 };
    let xs = Scale::new(0.0, 1.0, area.left, area.right);
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let ticks = [0.0, 0.1, 0.25, 0.5, 0.75, 1.0];
    axis::x_axis(
        &mut svg,
        area,
        &xs,
        &ticks,
        "absolute error as a share of the issue's scale",
        Some(("forecast on the outcome", "forecast at the far end of the scale")),
    );
    let within = xs.map(0.1);
    svg.rect(area.left, area.top, within - area.left, area.height(), r##"fill="#2b8a3e" fill-opacity="0.08""##);
    for (k, m) in models.iter().enumerate() {
        let y = area.top + 4.0 + k as f64 * ROW + ROW / 2.0;
        svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", &axis::clip(m, 26));
        let mut j = 0usize;
        for c in &r.cases {
            let Some(s) = c.models.get(m) else { continue };
            for i in &s.issues {
                // A small fixed vertical spread keeps overlapping dots apart, deterministically.
                let dy = ((j % 5) as f64 - 2.0) * 2.4;
                j += 1;
                let tip = format!(
                    "{m} on {} / {}: forecast {}, realised {}, error {:.0}%",
                    c.id,
                    i.issue,
                    axis::label(i.forecast),
                    axis::label(i.realised),
                    100.0 * i.error
                );
                svg.circle(xs.map(i.error), y + dy, 3.2, r##"fill="#1f6fb2" fill-opacity="0.45""##, Some(&tip));
            }
        }
        if let Some(p) = r.pooled.models.get(m) {
            let tip = format!(
                "{m}: mean error {:.0}% over {} issues, {:.0}% within 10 points",
                100.0 * p.mae,
                p.issues,
                100.0 * p.within_10
            );
            svg.diamond(xs.map(p.mae), y, 6.5, r##"fill="#d9480f" stroke="#fff" stroke-width="1""##, Some(&tip));
        }
    }
    let legend = [
        ("one issue of one case".to_string(), "#1f6fb2", LegendMark::Dot),
        ("mean over every scored issue".to_string(), "#d9480f", LegendMark::Diamond),
        ("within 10 points".to_string(), "#2b8a3e", LegendMark::Band),
    ];
    let bottom = axis::legend(&mut svg, area.left, area.bottom + 80.0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let caption = format!(
        "How far each model's forecast lay from the recorded outcome on each issue of {} case(s), as a share of the \
         issue's scale. No decision is scored as the status quo, so `status_quo` is the naive baseline and \
         `compromise` the literature's; a model earns its place only left of both.",
        r.cases.len()
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: "backtest-errors".into(), title, caption, svg })
}

/// P(deal) per case against what happened: a strip for cases decided and one
/// for cases not decided, with the pooled Brier score and the base rate's.
pub fn calibration(r: &BacktestReport) -> Option<Chart> {
    let d = r.pooled.deal.as_ref()?;
    let title = "Deal or no deal: forecast against outcome".to_string();
    let area = Area { left: 170.0, top: 46.0, right: WIDTH - 30.0, bottom: 46.0 + 2.0 * 44.0 };
    let xs = Scale::new(0.0, 1.0, area.left, area.right);
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    axis::x_axis(
        &mut svg,
        area,
        &xs,
        &axis::ticks(0.0, 1.0, 6),
        "simulated P(agreement reached and ratified)",
        Some(("no deal forecast", "deal forecast")),
    );
    for (row, (label, observed)) in [("decided", true), ("not decided", false)].into_iter().enumerate() {
        let y = area.top + 22.0 + row as f64 * 44.0;
        svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", label);
        let mut k = 0usize;
        for c in &r.cases {
            let Some(x) = c.deal.as_ref().filter(|x| x.observed == observed) else { continue };
            let dy = ((k % 5) as f64 - 2.0) * 3.0;
            k += 1;
            let tip = format!("{}: P(deal) {:.2}, Brier {:.3}", c.id, x.p, x.brier);
            let fill = if observed { "#2b8a3e" } else { "#c92a2a" };
            svg.circle(xs.map(x.p), y + dy, 5.0, &format!(r#"fill="{fill}" fill-opacity="0.7""#), Some(&tip));
        }
    }
    let base = xs.map(d.base_rate);
    svg.line(base, area.top, base, area.bottom, r##"stroke="#555" stroke-dasharray="4 3""##);
    svg.text(base, area.top - 6.0, Anchor::Middle, "tk", &format!("base rate {:.2}", d.base_rate));
    svg.set_height(area.bottom + 60.0);
    let caption = format!(
        "Each dot is a case: where the simulation put the chance of an agreement that survives ratification, in the \
         row of what happened. A well-calibrated forecaster puts decided cases right and the others left. Brier score \
         {:.3} over {} cases (0 is perfect; always forecasting the in-sample base rate {:.2} scores {:.3}, a coin 0.25).",
        d.brier, d.cases, d.base_rate, d.base_rate_brier
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: "backtest-calibration".into(), title, caption, svg })
}

/// The ROC curve of each ranking, one small panel per case with observed dyads.
pub fn roc(r: &BacktestReport) -> Option<Chart> {
    let rankings = ranking_order(r);
    let cases: Vec<_> = r.cases.iter().filter(|c| c.confrontation.values().any(|s| !s.roc.is_empty())).collect();
    if rankings.is_empty() || cases.is_empty() {
        return None;
    }
    let title = "Confrontation rankings: ROC by case".to_string();
    let cols = 3usize;
    let panel = (WIDTH - 40.0) / cols as f64;
    let side = panel - 70.0;
    let rows = cases.len().div_ceil(cols);
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let top0 = 50.0;
    let row_h = side + 62.0;
    for (k, c) in cases.iter().enumerate() {
        let (col, row) = (k % cols, k / cols);
        let left = 20.0 + col as f64 * panel + 40.0;
        let top = top0 + row as f64 * row_h + 18.0;
        let area = Area { left, top, right: left + side, bottom: top + side };
        let xs = Scale::new(0.0, 1.0, area.left, area.right);
        let ys = Scale::new(0.0, 1.0, area.bottom, area.top);
        svg.text(left, top - 8.0, Anchor::Start, "lb", &axis::clip(&c.id, 28));
        svg.rect(left, top, side, side, r##"fill="none" stroke="#bbb""##);
        svg.line(area.left, area.bottom, area.right, area.top, r##"stroke="#bbb" stroke-dasharray="3 3""##);
        for t in [0.0, 0.5, 1.0] {
            svg.text(xs.map(t), area.bottom + 13.0, Anchor::Middle, "tk", &axis::label(t));
            svg.text(area.left - 5.0, ys.map(t) + 4.0, Anchor::End, "tk", &axis::label(t));
        }
        for (i, name) in rankings.iter().enumerate() {
            let Some(s) = c.confrontation.get(name) else { continue };
            let pts: Vec<(f64, f64)> = s.roc.iter().map(|p| (xs.map(p[0]), ys.map(p[1]))).collect();
            svg.polyline(&pts, &format!(r#"fill="none" stroke="{}" stroke-width="2""#, colour(i)));
        }
        let aucs: Vec<String> = rankings
            .iter()
            .map(|n| c.confrontation.get(n).and_then(|s| s.auc).map(|a| format!("{a:.2}")).unwrap_or("–".into()))
            .collect();
        svg.text(left, area.bottom + 28.0, Anchor::Start, "tk", &format!("AUC {}", aucs.join(" / ")));
    }
    let legend: Vec<(String, &str, LegendMark)> =
        rankings.iter().enumerate().map(|(i, n)| (n.clone(), colour(i), LegendMark::Line)).collect();
    let y = top0 + rows as f64 * row_h + 14.0;
    let bottom = axis::legend(&mut svg, 60.0, y, WIDTH - 80.0, &legend);
    svg.set_height(bottom + 8.0);
    let caption = format!(
        "For each case with dyads that turned to coercion or force: the share of those dyads found (up) against the \
         share of the others flagged (right) as each ranking is read from the top. The diagonal is chance. AUC in \
         the order {}; the indicator should beat its own ingredients and both baselines.",
        rankings.join(" / ")
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: "backtest-roc".into(), title, caption, svg })
}
