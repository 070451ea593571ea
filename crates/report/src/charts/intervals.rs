//! Estimates with intervals, one row per group and series: how the channels of
//! talks compare on scalar outcomes.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::IntervalChart;
use crate::svg::{colour, Anchor, Svg};

pub const MAX_ROWS: usize = 60;
const ROW: f64 = 20.0;

pub fn intervals(data: &IntervalChart) -> Option<Chart> {
    intervals_in(data, WIDTH)
}

/// [`intervals`] drawn `width` wide (below [`WIDTH`], a small multiple).
pub fn intervals_in(data: &IntervalChart, width: f64) -> Option<Chart> {
    let compact = width < WIDTH;
    let (left, name_room, axis_room) = if compact { (140.0, 21, 44) } else { (210.0, 30, 70) };
    let rows: Vec<_> = data
        .rows
        .iter()
        .filter(|r| r.mean.is_finite() && r.low.is_finite() && r.high.is_finite())
        .take(MAX_ROWS)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut series: Vec<&str> = Vec::new();
    for r in &rows {
        if !series.contains(&r.series.as_str()) {
            series.push(&r.series);
        }
    }
    let (lo, hi) = match data.range {
        Some([a, b]) => (a, b),
        None => (
            rows.iter().map(|r| r.low.min(r.mean)).fold(f64::INFINITY, f64::min),
            rows.iter().map(|r| r.high.max(r.mean)).fold(f64::NEG_INFINITY, f64::max),
        ),
    };
    let groups = {
        let mut g: Vec<&str> = Vec::new();
        for r in &rows {
            if !g.contains(&r.group.as_str()) {
                g.push(&r.group);
            }
        }
        g
    };
    let top = 56.0;
    let height = (groups.len() * series.len()) as f64 * ROW + groups.len() as f64 * 8.0;
    let area = Area { left, top, right: width - 20.0, bottom: top + height + 4.0 };
    let mut svg = Svg::new(width, 0.0);
    axis::title(&mut svg, &data.title);
    let xs = Scale::new(lo, hi, area.left, area.right);
    let ends = data.ends.as_ref().map(|[a, b]| (a.as_str(), b.as_str()));
    axis::x_axis(&mut svg, area, &xs, &axis::ticks(xs.d0, xs.d1, 8), &axis::clip(&data.axis, axis_room), ends);
    // With one group, each row is named by its series (a model, a channel)
    // rather than the group's one name being left to the legend.
    let name_rows = groups.len() == 1 && series.len() > 1;
    let mut y = top + ROW / 2.0;
    for g in &groups {
        if !name_rows {
            svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", &axis::clip(g, name_room));
        }
        for (k, s) in series.iter().enumerate() {
            if name_rows {
                svg.text(area.left - 10.0, y + 4.0, Anchor::End, "lb", &axis::clip(s, name_room));
            }
            if let Some(r) = rows.iter().find(|r| r.group == *g && r.series == *s) {
                let c = colour(k);
                svg.line(xs.map(r.low), y, xs.map(r.high), y, &format!(r#"stroke="{c}" stroke-width="3""#));
                svg.circle(
                    xs.map(r.mean),
                    y,
                    5.0,
                    &format!(r#"fill="{c}""#),
                    Some(&format!(
                        "{g}, {s}: {} ({}–{})",
                        axis::label(r.mean),
                        axis::label(r.low),
                        axis::label(r.high)
                    )),
                );
                if let Some(p) = r.point.filter(|p| p.is_finite()) {
                    svg.diamond(
                        xs.map(p),
                        y,
                        5.5,
                        &format!(r##"fill="#fff" stroke="{c}" stroke-width="2""##),
                        Some(&format!("{g}, {s}: {}", axis::label(p))),
                    );
                }
            }
            y += ROW;
        }
        y += 8.0;
    }
    let mut legend: Vec<(String, &str, LegendMark)> =
        series.iter().enumerate().map(|(k, s)| (s.to_string(), colour(k), LegendMark::Line)).collect();
    if rows.iter().any(|r| r.point.is_some_and(f64::is_finite)) {
        legend.push(("at the stated values".to_string(), "#555", LegendMark::HollowDiamond));
    }
    if let Some((label, x)) = &data.reference {
        if x.is_finite() {
            let px = xs.map(*x);
            svg.line(
                px,
                area.top - 4.0,
                px,
                area.bottom,
                r##"stroke="#c92a2a" stroke-width="1.5" stroke-dasharray="4 3""##,
            );
            legend.push((label.clone(), "#c92a2a", LegendMark::Dashed));
        }
    }
    let y0 = area.bottom + if ends.is_some() { 76.0 } else { 60.0 };
    let bottom = axis::legend(&mut svg, 20.0, y0, width - 40.0, &legend);
    svg.set_height(bottom + 8.0);
    let (one, many) = match data.series_kind.as_deref() {
        Some(k) => (k.to_string(), plural(k)),
        None => ("channel of talks".to_string(), "channels".to_string()),
    };
    let spans = if data.interval.is_empty() { "its interval" } else { &data.interval };
    let how = format!(
        "Each dot is the estimate for one {one} and the bar around it spans {spans}. Bars that overlap much mean the \
         {many} are hard to tell apart on this measure."
    );
    // A small multiple says how to read it once per section (see `how_to_read`).
    let caption = if compact { format!("The bar spans {spans}.") } else { how.clone() };
    let svg = svg.finish(&data.title, &how);
    Some(Chart { id: format!("intervals-{}", slug(&data.title)), title: data.title.clone(), caption, svg })
}

/// How to read a section of small interval charts of one kind of series.
pub fn how_to_read(series_kind: Option<&str>) -> String {
    let (one, many) = match series_kind {
        Some(k) => (k.to_string(), plural(k)),
        None => ("channel of talks".to_string(), "channels".to_string()),
    };
    format!(
        "Each dot is the estimate for one {one} and the bar around it its interval; a hollow diamond is the {one}'s \
         answer at the stated values. Bars that overlap much mean the {many} are hard to tell apart."
    )
}

/// `model` → `models`, `strategy` → `strategies`.
fn plural(noun: &str) -> String {
    match noun.strip_suffix('y') {
        Some(stem) if !stem.ends_with(['a', 'e', 'o', 'u']) => format!("{stem}ies"),
        _ => format!("{noun}s"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plurals() {
        assert_eq!(super::plural("model"), "models");
        assert_eq!(super::plural("strategy"), "strategies");
        assert_eq!(super::plural("day"), "days");
    }
}
