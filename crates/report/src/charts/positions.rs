//! Each actor's position over rounds on one issue (the picture KTAB's GUI shows).

use demarche_forecast::{Forecast, IssueForecast};
use demarche_scenario::Scenario;

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::svg::{colour, Svg, PALETTE};

/// Most actors drawn in one chart; the caption says when more were left out.
pub const MAX_ACTORS: usize = 40;
/// How to read every chart of this kind.
pub const HOW_TO_READ: &str = "Each line is one actor's position after each round of the model; the dashed black \
line is the outcome the model predicts at that round. Actors who moved are in colour, the others in grey.";
/// Most points per line; longer runs are thinned evenly (first and last kept).
pub const MAX_POINTS: usize = 400;
/// A position that moved by more than this share of the scale is a mover's.
const MOVE_SHARE: f64 = 0.01;
/// The colour of actors who did not move.
const STILL: &str = "#b8bec4";

pub fn positions(sc: &Scenario, forecast: &Forecast, iss: &IssueForecast) -> Option<Chart> {
    positions_in(sc, forecast, iss, WIDTH)
}

/// [`positions`] drawn `width` wide: below [`WIDTH`] a small multiple, shorter,
/// with the issue's unit on the vertical axis (its name is in the title).
pub fn positions_in(sc: &Scenario, forecast: &Forecast, iss: &IssueForecast, width: f64) -> Option<Chart> {
    let compact = width < WIDTH;
    let issue = sc.issues.iter().find(|i| i.id == iss.issue)?;
    if iss.participants.is_empty() || iss.trajectory.is_empty() {
        return None;
    }
    let rounds = iss.trajectory.len() - 1;
    let title = format!("{}: positions over rounds — {}", issue.name, forecast.engine);
    let area = Area {
        left: if compact { 64.0 } else { 78.0 },
        top: 48.0,
        right: width - if compact { 14.0 } else { 24.0 },
        bottom: if compact { 162.0 } else { 318.0 },
    };
    let mut svg = Svg::new(width, 0.0);
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
        &if compact {
            issue.unit.clone().unwrap_or_else(|| "position".into())
        } else {
            format!("{}{unit}", axis::clip(&issue.name, 40))
        },
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
    // Only actors who stated a position on the issue are drawn: a model may
    // place the others at the status quo, which is not a position of theirs.
    let ix = sc.index();
    let stated: Vec<(usize, usize)> = iss
        .participants
        .iter()
        .enumerate()
        .filter(|(_, &a)| forecast.actors.get(a).is_some_and(|r| ix.stance(&r.id, &issue.id).is_some()))
        .map(|(k, &a)| (k, a))
        .collect();
    let unstated: Vec<&str> = iss
        .participants
        .iter()
        .filter(|&&a| !stated.iter().any(|&(_, b)| b == a))
        .filter_map(|&a| forecast.actors.get(a).map(|r| r.name.as_str()))
        .collect();
    // The movers in colour, the rest in grey: many actors would otherwise
    // repeat the palette's colours.
    let moved = |k: usize| {
        let at = |t: usize| iss.trajectory.get(t).and_then(|row| row.get(k)).copied().unwrap_or(f64::NAN);
        (at(rounds) - at(0)).abs() > MOVE_SHARE * (issue.max - issue.min).abs()
    };
    let shown = stated.len().min(MAX_ACTORS);
    let mut still = Vec::new();
    let mut colours = 0;
    for &(k, a) in stated.iter().take(shown) {
        let name = forecast.actors.get(a).map(|r| r.name.as_str()).unwrap_or("?");
        let mover = moved(k);
        let (c, width) = if mover {
            colours += 1;
            (colour(colours - 1), "2")
        } else {
            still.push(name);
            (STILL, "1.5")
        };
        // Past the palette's ten colours, lines are dashed so no two actors look alike.
        let dashed = mover && colours > PALETTE.len();
        let dash = if dashed { r#" stroke-dasharray="5 3""# } else { "" };
        let pts: Vec<(f64, f64)> = rows
            .iter()
            .filter_map(|&t| iss.trajectory[t].get(k).filter(|p| p.is_finite()).map(|&p| (xs.map(t as f64), ys.map(p))))
            .collect();
        let (start, end) = (
            iss.trajectory[0].get(k).copied().unwrap_or(f64::NAN),
            iss.trajectory[rounds].get(k).copied().unwrap_or(f64::NAN),
        );
        let range = issue.max - issue.min;
        svg.begin_group(
            name,
            &format!("{name}: {} → {} over {rounds} rounds", axis::at_scale(start, range), axis::at_scale(end, range)),
        );
        if pts.len() > 1 {
            svg.polyline(&pts, &format!(r#"fill="none" stroke="{c}" stroke-width="{width}"{dash}"#));
        }
        if let (Some(first), Some(last)) = (pts.first(), pts.last()) {
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
        svg.end_group();
        if mover {
            // Small multiples: names short enough for two to a legend row (the full name is in the tooltips).
            let shown_name = if compact { axis::clip(name, 26) } else { name.to_string() };
            legend.push((shown_name, c, if dashed { LegendMark::Dashed } else { LegendMark::Line }));
        }
    }
    if !still.is_empty() {
        legend.push((format!("did not move ({})", still.len()), STILL, LegendMark::Line));
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
    let legend_y = area.bottom + if compact { 72.0 } else { 78.0 };
    let bottom = axis::legend(&mut svg, if compact { 12.0 } else { area.left }, legend_y, width - 24.0, &legend);
    svg.set_height(bottom + 8.0);

    // The axis names both ends of the scale; the caption says who is drawn how.
    let mut caption = format!("{rounds} round{} of {}.", if rounds == 1 { "" } else { "s" }, forecast.engine);
    if rounds == 0 {
        caption.push_str(" This model is closed-form: it has one round, the stated positions.");
    }
    // Who the grey lines are is in the description (and each end point's
    // tooltip); the visible caption only counts them.
    let grey = if still.is_empty() { String::new() } else { format!(" Grey, not moving: {}.", still.join(", ")) };
    if !still.is_empty() {
        caption.push_str(&format!(" In grey, the {} who did not move.", still.len()));
    }
    if !unstated.is_empty() {
        caption.push_str(&format!(
            " Not drawn, with no stated position here (the model puts them at the status quo): {}.",
            unstated.join(", ")
        ));
    }
    if shown < stated.len() {
        caption.push_str(&format!(" Only the first {shown} of {} actors are drawn.", stated.len()));
    }
    if stride > 1 {
        caption.push_str(&format!(" Every {stride}th round is drawn."));
    }
    let caption = caption.trim_start().to_string();
    let svg = svg.finish(&title, format!("{HOW_TO_READ} {caption}{grey}").trim_end());
    Some(Chart { id: format!("positions-{}-{}", slug(&issue.id), slug(&forecast.engine)), title, caption, svg })
}
