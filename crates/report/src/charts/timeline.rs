//! Event timelines: per dyad and week, cooperation above the line and
//! conflict below it (verbal, then material), with the week's
//! cooperation–conflict index in each bar's tooltip.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::DyadTimeline;
use crate::svg::{Anchor, Svg};

/// Weeks drawn per dyad (the latest ones when there are more).
pub const MAX_WEEKS: usize = 260;
const COOPERATION: &str = "#4477aa";
const VERBAL_CONFLICT: &str = "#ee9966";
const MATERIAL_CONFLICT: &str = "#cc3311";

/// Days since 1970 of a `YYYY-MM-DD` date.
fn day(s: &str) -> Option<i64> {
    demarche_scenario::calendar::parse(s.get(..10)?)
}

pub fn timeline(data: &DyadTimeline) -> Option<Chart> {
    let mut weeks: Vec<(i64, &crate::data::TimelineWeek)> =
        data.weeks.iter().filter_map(|w| day(&w.week).map(|d| (d, w))).collect();
    if weeks.is_empty() {
        return None;
    }
    weeks.sort_by_key(|(d, _)| *d);
    let cut = weeks.len().saturating_sub(MAX_WEEKS);
    let weeks = &weeks[cut..];
    let first = weeks[0].0;
    let last = weeks[weeks.len() - 1].0;
    let up = weeks.iter().map(|(_, w)| w.cooperation).max().unwrap_or(0).max(1) as f64;
    let down = weeks.iter().map(|(_, w)| w.verbal_conflict + w.material_conflict).max().unwrap_or(0).max(1) as f64;
    // Long names make a title the chart cannot hold: the ids then.
    let who = if data.label.chars().count() > 70 { format!("{} and {}", data.a, data.b) } else { data.label.clone() };
    let title = format!("Events between {who}, by week");
    let area = Area { left: 78.0, top: 48.0, right: WIDTH - 24.0, bottom: 238.0 };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    // Half a week of room either side, so the first and last bars are whole.
    let xs = Scale::new(first as f64 - 3.5, last as f64 + 3.5, area.left, area.right);
    let ys = Scale::new(-down, up, area.bottom, area.top);
    // Counts both ways from the line: the ticks below it are labelled as counts too.
    svg.line(area.left, area.top, area.left, area.bottom, axis::AXIS);
    for t in axis::ticks(-down, up, 6).into_iter().filter(|t| t.fract() == 0.0) {
        let y = ys.map(t);
        svg.line(area.left, y, area.right, y, axis::GRID);
        svg.line(area.left - 4.0, y, area.left, y, axis::AXIS);
        svg.text(area.left - 7.0, y + 4.0, Anchor::End, "tk", &axis::label(t.abs()));
    }
    svg.text_vertical(area.left - 44.0, (area.top + area.bottom) / 2.0, "ax", "events");
    svg.text(area.right, area.top - 6.0, Anchor::End, "end", "▲ cooperation");
    svg.text(area.right, area.bottom + 46.0, Anchor::End, "end", "▼ conflict");
    svg.line(area.left, area.bottom, area.right, area.bottom, axis::AXIS);
    // Date ticks: every week from the first to the last, weeks without
    // events included, thinned to at most seven labels (by their Monday).
    let span = ((last - first) / 7 + 1) as usize;
    let step = span.div_ceil(7).max(1);
    for k in (0..span).step_by(step) {
        let d = first + 7 * k as i64;
        let x = xs.map(d as f64);
        svg.line(x, area.bottom, x, area.bottom + 4.0, axis::AXIS);
        svg.text(x, area.bottom + 16.0, Anchor::Middle, "tk", &demarche_scenario::calendar::civil_from_days(d));
    }
    svg.text((area.left + area.right) / 2.0, area.bottom + 32.0, Anchor::Middle, "ax", "week of (Monday)");
    let zero = ys.map(0.0);
    let bar = ((xs.map(7.0) - xs.map(0.0)) * 0.7).clamp(1.0, 40.0);
    for (d, w) in weeks {
        let x = xs.map(*d as f64) - bar / 2.0;
        let tip = format!(
            "week of {}: {} cooperation, {} verbal conflict, {} material conflict; index {:+.2}",
            w.week, w.cooperation, w.verbal_conflict, w.material_conflict, w.index
        );
        if w.cooperation > 0 {
            let top = ys.map(w.cooperation as f64);
            svg.rect_titled(x, top, bar, zero - top, &format!(r#"fill="{COOPERATION}""#), &tip);
        }
        if w.verbal_conflict > 0 {
            let bottom = ys.map(-(w.verbal_conflict as f64));
            svg.rect_titled(x, zero, bar, bottom - zero, &format!(r#"fill="{VERBAL_CONFLICT}""#), &tip);
        }
        if w.material_conflict > 0 {
            let from = ys.map(-(w.verbal_conflict as f64));
            let to = ys.map(-((w.verbal_conflict + w.material_conflict) as f64));
            svg.rect_titled(x, from, bar, to - from, &format!(r#"fill="{MATERIAL_CONFLICT}""#), &tip);
        }
    }
    svg.line(area.left, zero, area.right, zero, r##"stroke="#111" stroke-width="1""##);
    let legend = [
        ("cooperation (verbal and material)".to_string(), COOPERATION, LegendMark::Block),
        ("verbal conflict".to_string(), VERBAL_CONFLICT, LegendMark::Block),
        ("material conflict".to_string(), MATERIAL_CONFLICT, LegendMark::Block),
    ];
    let bottom = axis::legend(&mut svg, area.left, area.bottom + 66.0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let mut caption = format!(
        "Each bar is one week of events between {}: cooperation above the line, conflict below it (verbal, then \
         material: sanctions, force). A rise in material conflict is the escalation signal the confrontation \
         indicator can take (docs/events.md). Counts follow what the sources reported, not everything that happened.",
        data.label
    );
    if cut > 0 {
        caption.push_str(&format!(" The latest {MAX_WEEKS} weeks are shown."));
    }
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("timeline-{}-{}", slug(&data.a), slug(&data.b)), title, caption, svg })
}
