//! Each actor's position over rounds on one issue (the picture KTAB's GUI shows).

use demarche_forecast::{Forecast, IssueForecast};
use demarche_scenario::Scenario;

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::svg::{colour, Svg, PALETTE};

/// Most actors drawn in one chart; the caption says when more were left out.
pub const MAX_ACTORS: usize = 40;
/// Most points per line; longer runs are thinned evenly (first and last kept).
pub const MAX_POINTS: usize = 400;

pub fn positions(sc: &Scenario, forecast: &Forecast, iss: &IssueForecast) -> Option<Chart> {
    let issue = sc.issues.iter().find(|i| i.id == iss.issue)?;
    if iss.participants.is_empty() || iss.trajectory.is_empty() {
        return None;
    }
    let rounds = iss.trajectory.len() - 1;
    let title = format!("{}: positions over rounds — {}", issue.name, forecast.engine);
    let area = Area { left: 78.0, top: 48.0, right: WIDTH - 24.0, bottom: 318.0 };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(0.0, rounds.max(1) as f64, area.left, area.right);
    let ys = Scale::new(issue.min, issue.max, area.bottom, area.top);
    let x_ticks: Vec<f64> =
        axis::ticks(0.0, rounds.max(1) as f64, 8).into_iter().filter(|t| t.fract() == 0.0).collect();
    axis::x_axis(&mut svg, area, &xs, &x_ticks, "round (0 = stated positions)", None);
    let unit = issue.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
    axis::y_axis(
        &mut svg,
        area,
        &ys,
        &axis::ticks(issue.min, issue.max, 6),
        &format!("{}{unit}", axis::clip(&issue.name, 40)),
        Some((&issue.low, &issue.high)),
    );

    let mut legend = Vec::new();
    if let Some(sq) = issue.status_quo {
        let y = ys.map(sq);
        svg.line(area.left, y, area.right, y, r##"stroke="#888" stroke-width="1.5" stroke-dasharray="2 3""##);
        legend.push(("status quo".to_string(), "#888", LegendMark::Dashed));
    }
    let stride = iss.trajectory.len().div_ceil(MAX_POINTS).max(1);
    let rows: Vec<usize> = (0..iss.trajectory.len()).filter(|t| t % stride == 0 || *t == rounds).collect();
    let shown = iss.participants.len().min(MAX_ACTORS);
    for (k, &a) in iss.participants.iter().enumerate().take(shown) {
        let name = forecast.actors.get(a).map(|r| r.name.as_str()).unwrap_or("?");
        let c = colour(k);
        // Past the palette's ten colours, lines are dashed so no two actors look alike.
        let dashed = k >= PALETTE.len();
        let dash = if dashed { r#" stroke-dasharray="5 3""# } else { "" };
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|&t| iss.trajectory[t].get(k).filter(|p| p.is_finite()).map(|&p| (xs.map(t as f64), ys.map(p))))
            .collect();
        if pts.len() > 1 {
            svg.polyline(&pts, &format!(r#"fill="none" stroke="{c}" stroke-width="2"{dash}"#));
        }
        if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
            let start = iss.trajectory[0].get(k).copied().unwrap_or(f64::NAN);
            let end = iss.trajectory[rounds].get(k).copied().unwrap_or(f64::NAN);
            svg.circle(
                first.0,
                first.1,
                3.5,
                &format!(r#"fill="{c}""#),
                Some(&format!("{name}: starts at {}", axis::label(start))),
            );
            svg.circle(
                last.0,
                last.1,
                3.5,
                &format!(r#"fill="{c}""#),
                Some(&format!("{name}: ends at {}", axis::label(end))),
            );
        }
        legend.push((name.to_string(), c, if dashed { LegendMark::Dashed } else { LegendMark::Line }));
    }
    if iss.outcome_path.len() > 1 {
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|&t| iss.outcome_path.get(t).filter(|p| p.is_finite()).map(|&p| (xs.map(t as f64), ys.map(p))))
            .collect();
        svg.polyline(&pts, r##"fill="none" stroke="#111" stroke-width="2.5" stroke-dasharray="7 4""##);
        legend.push(("forecast outcome".to_string(), "#111", LegendMark::Dashed));
    } else {
        let y = ys.map(iss.outcome);
        svg.diamond(
            xs.map(rounds.max(1) as f64),
            y,
            6.0,
            r##"fill="#111""##,
            Some(&format!("forecast: {}", axis::label(iss.outcome))),
        );
        legend.push(("forecast outcome".to_string(), "#111", LegendMark::Diamond));
    }
    let bottom = axis::legend(&mut svg, area.left, area.bottom + 78.0, area.width(), &legend);
    svg.set_height(bottom + 8.0);

    let mut caption = format!(
        "Each line is one actor's position on “{}” after each round of the {} model; the dashed black line is the \
         outcome the model predicts at that round. Up is towards “{}”, down towards “{}”.",
        issue.name, forecast.engine, issue.high, issue.low
    );
    if rounds == 0 {
        caption.push_str(" This model is closed-form: it has one round, the stated positions.");
    }
    if shown < iss.participants.len() {
        caption.push_str(&format!(" Only the first {shown} of {} actors are drawn.", iss.participants.len()));
    }
    if stride > 1 {
        caption.push_str(&format!(" Every {stride}th round is drawn."));
    }
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("positions-{}-{}", slug(&issue.id), slug(&forecast.engine)), title, caption, svg })
}
