//! Every model's forecast for one issue side by side, with stated positions,
//! red lines and the status quo on the same scale.

use demarche_forecast::Forecast;
use demarche_scenario::Scenario;

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::svg::{colour, Anchor, Svg};

pub const MAX_ACTORS: usize = 40;
/// How to read every chart of this kind.
pub const HOW_TO_READ: &str = "Top rows: where each actor stands (dot) and the range it can accept (shaded bar, its \
red line). Bottom rows: each model's forecast (black diamond). The red dashed line is the status quo, the outcome if \
nothing is agreed.";
const ROW: f64 = 22.0;
const ROW_SMALL: f64 = 15.0;

pub fn models(sc: &Scenario, issue_index: usize, forecasts: &[Forecast]) -> Option<Chart> {
    models_in(sc, issue_index, forecasts, WIDTH)
}

/// [`models`] drawn `width` wide (below [`WIDTH`], a small multiple with
/// shorter actor labels; each label's full name is in its dot's tooltip).
pub fn models_in(sc: &Scenario, issue_index: usize, forecasts: &[Forecast], width: f64) -> Option<Chart> {
    let compact = width < WIDTH;
    let (left, name_room) = if compact { (140.0, 20) } else { (190.0, 26) };
    let row = if compact { ROW_SMALL } else { ROW };
    let issue = sc.issues.get(issue_index)?;
    let ix = sc.index();
    let stances: Vec<(&str, &demarche_scenario::Stance)> = sc
        .actors
        .iter()
        .filter_map(|a| ix.stance(&a.id, &issue.id).map(|s| (a.name.as_str(), s)))
        .take(MAX_ACTORS)
        .collect();
    let outcomes: Vec<(&str, f64)> = forecasts
        .iter()
        .filter_map(|f| f.issues.iter().find(|i| i.issue == issue.id).map(|i| (f.engine.as_str(), i.outcome)))
        .collect();
    if outcomes.is_empty() {
        return None;
    }
    let title = format!("{}: every model's forecast", issue.name);
    let rows = stances.len() + outcomes.len();
    let top = 62.0;
    let gap = if stances.is_empty() { 0.0 } else { 14.0 };
    let area = Area { left, top, right: width - 20.0, bottom: top + rows as f64 * row + gap + 6.0 };
    let mut svg = Svg::new(width, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(issue.min, issue.max, area.left, area.right);
    let unit = issue.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
    axis::x_axis(
        &mut svg,
        area,
        &xs,
        &axis::ticks(issue.min, issue.max, 8),
        &if compact {
            issue.unit.clone().unwrap_or_else(|| "position".into())
        } else {
            format!("{}{unit}", axis::clip(&issue.name, 60))
        },
        Some((&issue.low, &issue.high)),
    );
    svg.text(area.left - 10.0, top - 10.0, Anchor::End, "ax", "stated positions");

    let mut y = top + row / 2.0 + 3.0;
    for (k, (name, s)) in stances.iter().enumerate() {
        let c = colour(k);
        if let Some([lo, hi]) = s.red_line {
            let (x0, x1) = (xs.map(lo.min(hi)), xs.map(lo.max(hi)));
            svg.rect_titled(
                x0,
                y - 4.0,
                x1 - x0,
                8.0,
                &format!(r#"fill="{c}" fill-opacity="0.22" stroke="{c}" stroke-width="1""#),
                &format!("{name} accepts only {}–{}", axis::label(lo), axis::label(hi)),
            );
        }
        svg.circle(
            xs.map(s.position),
            y,
            5.0,
            &format!(r#"fill="{c}""#),
            Some(&format!("{name}: {}", axis::label(s.position))),
        );
        svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", &axis::clip(name, name_room));
        y += row;
    }
    if !stances.is_empty() {
        svg.line(10.0, y - row / 2.0 + gap / 2.0, area.right, y - row / 2.0 + gap / 2.0, axis::GRID);
        y += gap;
    }
    for (engine, outcome) in &outcomes {
        svg.diamond(
            xs.map(*outcome),
            y,
            7.0,
            r##"fill="#111""##,
            Some(&format!("{engine}: {}", axis::label(*outcome))),
        );
        svg.text(
            xs.map(*outcome) + 11.0,
            y + 4.0,
            Anchor::Start,
            "tk",
            &axis::at_scale(*outcome, issue.max - issue.min),
        );
        svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", &format!("model: {engine}"));
        y += row;
    }
    // Small multiples use short legend words, so the legend takes one row.
    let words = if compact {
        ["position", "red line", "forecast", "status quo"]
    } else {
        ["stated position", "red line: acceptable range", "model forecast", "status quo"]
    };
    let mut legend = vec![
        (words[0].to_string(), "#666", LegendMark::Dot),
        (words[1].to_string(), "#666", LegendMark::Band),
        (words[2].to_string(), "#111", LegendMark::Diamond),
    ];
    if let Some(sq) = issue.status_quo {
        let x = xs.map(sq);
        svg.line(x, area.top - 4.0, x, area.bottom, r##"stroke="#c92a2a" stroke-width="1.5" stroke-dasharray="4 3""##);
        // Near an end the label turns inward, clear of the "stated positions" heading.
        let anchor = if x - area.left < 50.0 {
            Anchor::Start
        } else if area.right - x < 50.0 {
            Anchor::End
        } else {
            Anchor::Middle
        };
        svg.text(x, area.top - 8.0, anchor, "tk", &format!("status quo {}", axis::label(sq)));
        legend.push((words[3].to_string(), "#c92a2a", LegendMark::Dashed));
    }
    let bottom = axis::legend(&mut svg, 20.0, area.bottom + 76.0, width - 40.0, &legend);
    svg.set_height(bottom + 8.0);
    // How to read it is said once per section (HOW_TO_READ); the caption
    // keeps what is particular to this chart.
    let ends = format!("Left is “{}”, right is “{}”.", issue.low, issue.high);
    // A small multiple names its scale; the ends' full words are in its
    // description, on its axis as far as they fit, and under the report's inputs.
    let caption = if compact {
        let unit = issue.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
        format!(
            "{} stated position{}; scale {} – {}{unit}.",
            stances.len(),
            if stances.len() == 1 { "" } else { "s" },
            axis::label(issue.min),
            axis::label(issue.max)
        )
    } else {
        ends.clone()
    };
    let svg = svg.finish(&title, &format!("{HOW_TO_READ} {ends}"));
    Some(Chart { id: format!("models-{}", slug(&issue.id)), title, caption, svg })
}
