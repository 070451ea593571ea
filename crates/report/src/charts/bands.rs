//! Series with uncertainty bands: the mediated-vs-direct comparison.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::ChannelComparison;
use crate::svg::{colour, Svg};

pub const MAX_SERIES: usize = 10;
pub const MAX_POINTS: usize = 1000;

pub fn bands(data: &ChannelComparison) -> Option<Chart> {
    let series: Vec<_> = data.series.iter().filter(|s| !s.points.is_empty()).take(MAX_SERIES).collect();
    if series.is_empty() {
        return None;
    }
    let finite = |v: f64| v.is_finite();
    let pts = || series.iter().flat_map(|s| s.points.iter().take(MAX_POINTS));
    let x_lo = pts().map(|p| p.x).filter(|v| finite(*v)).fold(f64::INFINITY, f64::min);
    let x_hi = pts().map(|p| p.x).filter(|v| finite(*v)).fold(f64::NEG_INFINITY, f64::max);
    let (y_lo, y_hi) = match data.y_range {
        Some([a, b]) => (a, b),
        None => (
            pts().flat_map(|p| [p.low, p.mean, p.high]).filter(|v| finite(*v)).fold(f64::INFINITY, f64::min),
            pts().flat_map(|p| [p.low, p.mean, p.high]).filter(|v| finite(*v)).fold(f64::NEG_INFINITY, f64::max),
        ),
    };
    let title = format!("{} by channel of talks", capitalise(&data.metric));
    let area = Area { left: 78.0, top: 48.0, right: WIDTH - 24.0, bottom: 318.0 };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(x_lo, x_hi, area.left, area.right);
    let ys = Scale::new(y_lo, y_hi, area.bottom, area.top);
    axis::x_axis(&mut svg, area, &xs, &axis::ticks(xs.d0, xs.d1, 8), &data.x_label, None);
    let ends = data.y_ends.as_ref().map(|[a, b]| (a.as_str(), b.as_str()));
    axis::y_axis(&mut svg, area, &ys, &axis::ticks(ys.d0, ys.d1, 6), &axis::clip(&data.metric, 40), ends);
    let mut legend = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let c = colour(k);
        let p: Vec<_> = s.points.iter().take(MAX_POINTS).filter(|p| finite(p.x)).collect();
        let mut band: Vec<(f64, f64)> = p.iter().map(|p| (xs.map(p.x), ys.map(p.high))).collect();
        band.extend(p.iter().rev().map(|p| (xs.map(p.x), ys.map(p.low))));
        svg.polygon(&band, &format!(r#"fill="{c}" fill-opacity="0.18" stroke="none""#));
        let mean: Vec<(f64, f64)> = p.iter().map(|p| (xs.map(p.x), ys.map(p.mean))).collect();
        svg.polyline(&mean, &format!(r#"fill="none" stroke="{c}" stroke-width="2.5""#));
        if let Some(last) = p.last() {
            svg.circle(
                xs.map(last.x),
                ys.map(last.mean),
                3.5,
                &format!(r#"fill="{c}""#),
                Some(&format!(
                    "{}: {} (band {}–{}) at {}",
                    s.label,
                    axis::label(last.mean),
                    axis::label(last.low),
                    axis::label(last.high),
                    axis::label(last.x)
                )),
            );
        }
        legend.push((s.label.clone(), c, LegendMark::Line));
        legend.push((format!("{} band", s.label), c, LegendMark::Band));
    }
    let bottom = axis::legend(&mut svg, area.left, area.bottom + 78.0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let band = if data.band.is_empty() { "the uncertainty band".to_string() } else { data.band.clone() };
    let caption = format!(
        "Each line is the average {} for one channel of talks; the shaded area around it is {band}. Where the \
         shaded areas overlap, the data do not tell the channels apart.",
        data.metric
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("channels-{}", slug(&data.metric)), title, caption, svg })
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
