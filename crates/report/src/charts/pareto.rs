//! The bargaining frontier of two parties with the Nash and Kalai–Smorodinsky
//! solutions and the agreement reached.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::ParetoData;
use crate::svg::{Anchor, Svg};

pub const MAX_OUTCOMES: usize = 3000;
pub const MAX_FRONTIER: usize = 2000;

const NASH: &str = "#1f6fb2";
const KS: &str = "#2b8a3e";
const AGREEMENT: &str = "#d9480f";

pub fn pareto(data: &ParetoData) -> Option<Chart> {
    let ok = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let mut frontier: Vec<[f64; 2]> = data.frontier.iter().filter(ok).take(MAX_FRONTIER).copied().collect();
    if frontier.is_empty() {
        return None;
    }
    frontier.sort_by(|a, b| a[0].total_cmp(&b[0]).then(b[1].total_cmp(&a[1])));
    let outcomes: Vec<&[f64; 2]> = data.outcomes.iter().filter(ok).take(MAX_OUTCOMES).collect();
    let marks = [data.disagreement, data.nash, data.kalai_smorodinsky, data.agreement];
    let all = || frontier.iter().chain(outcomes.iter().copied()).chain(marks.iter().flatten()).filter(|p| ok(p));
    // Each axis spans the points drawn, padded a little, so a frontier that
    // sits in a corner of the utility square is still readable; it starts at
    // 0 unless everything lies in the upper half.
    let top = |i: usize| all().map(|p| p[i]).fold(f64::NEG_INFINITY, f64::max);
    let lo = |i: usize| {
        let (min, max) = (all().map(|p| p[i]).fold(f64::INFINITY, f64::min), top(i));
        if min >= 0.0 && min < 0.5 * max {
            0.0
        } else {
            min - 0.05 * (max - min).max(1e-9)
        }
    };
    // A little room above the highest point, so its marker is not cut.
    let hi = |i: usize| top(i) + 0.03 * (top(i) - lo(i)).max(1e-9);
    let title = format!("{}: bargaining frontier", data.title);
    let side = 380.0;
    let area = Area { left: 90.0, top: 48.0, right: 90.0 + side, bottom: 48.0 + side };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(lo(0), hi(0), area.left, area.right);
    let ys = Scale::new(lo(1), hi(1), area.bottom, area.top);
    axis::x_axis(
        &mut svg,
        area,
        &xs,
        &axis::ticks(xs.d0, xs.d1, 5),
        &format!("utility of {}", axis::clip(&data.x_party, 40)),
        Some(("worse for it", "better for it")),
    );
    axis::y_axis(
        &mut svg,
        area,
        &ys,
        &axis::ticks(ys.d0, ys.d1, 5),
        &format!("utility of {}", axis::clip(&data.y_party, 40)),
        None,
    );
    // Only the top end is spelled out: below the plot the x axis's own notes
    // and title take the room.
    svg.text(area.left, area.top - 8.0, Anchor::Start, "end", "▲ better for it");
    for p in &outcomes {
        svg.circle(xs.map(p[0]), ys.map(p[1]), 1.6, r##"fill="#adb5bd""##, None);
    }
    let line: Vec<(f64, f64)> = frontier.iter().map(|p| (xs.map(p[0]), ys.map(p[1]))).collect();
    svg.polyline(&line, r##"fill="none" stroke="#343a40" stroke-width="2.5""##);
    let mut legend = vec![("Pareto frontier".to_string(), "#343a40", LegendMark::Line)];
    if !outcomes.is_empty() {
        legend.push(("other possible deals".to_string(), "#adb5bd", LegendMark::Dot));
    }
    let tip = |name: &str, p: [f64; 2]| {
        format!("{name}: {} {}, {} {}", data.x_party, axis::label(p[0]), data.y_party, axis::label(p[1]))
    };
    let lx = area.right + 14.0;
    if let Some(d) = data.disagreement.filter(|p| ok(&p)) {
        let (x, y) = (xs.map(d[0]), ys.map(d[1]));
        svg.rect_titled(
            x - 5.0,
            y - 5.0,
            10.0,
            10.0,
            r##"fill="#fff" stroke="#495057" stroke-width="2""##,
            &tip("no deal", d),
        );
        svg.text(x + 9.0, y - 6.0, Anchor::Start, "lb", "no deal");
        legend.push(("no deal (disagreement point)".to_string(), "#495057", LegendMark::Dot));
    }
    if let Some(p) = data.nash.filter(|p| ok(&p)) {
        svg.diamond(
            xs.map(p[0]),
            ys.map(p[1]),
            7.0,
            &format!(r#"fill="{NASH}""#),
            Some(&tip("Nash bargaining solution", p)),
        );
        legend.push(("Nash solution".to_string(), NASH, LegendMark::Diamond));
    }
    if let Some(p) = data.kalai_smorodinsky.filter(|p| ok(&p)) {
        let (x, y) = (xs.map(p[0]), ys.map(p[1]));
        svg.polygon(&[(x, y - 7.0), (x + 7.0, y + 6.0), (x - 7.0, y + 6.0)], &format!(r#"fill="{KS}""#));
        svg.circle(x, y, 9.0, r#"fill="none" stroke="none""#, Some(&tip("Kalai–Smorodinsky solution", p)));
        legend.push(("Kalai–Smorodinsky solution".to_string(), KS, LegendMark::Line));
    }
    if let Some(p) = data.agreement.filter(|p| ok(&p)) {
        let label = data.agreement_label.as_deref().unwrap_or("agreement reached");
        svg.circle(
            xs.map(p[0]),
            ys.map(p[1]),
            6.5,
            &format!(r#"fill="none" stroke="{AGREEMENT}" stroke-width="3""#),
            Some(&tip(label, p)),
        );
        legend.push((format!("agreement: {}", axis::clip(label, 40)), AGREEMENT, LegendMark::Dot));
    }
    // The legend sits to the right of the square plot.
    let mut y = area.top + 10.0;
    for (name, c, mark) in &legend {
        let bottom = axis::legend(&mut svg, lx, y, WIDTH - lx - 10.0, &[(name.clone(), c, *mark)]);
        y = bottom + 4.0;
    }
    svg.set_height(area.bottom + 78.0);
    let caption = format!(
        "Each point is a possible deal, placed by how much {} (across) and {} (up) gain from it. On the dark line \
         (the Pareto frontier) neither side can gain without the other losing. The blue diamond is the Nash \
         bargaining solution (the deal maximising the product of both sides' gains over no deal), the green \
         triangle the Kalai–Smorodinsky solution (gains in proportion to each side's best hope), and the orange \
         ring the agreement the negotiation actually reached.",
        data.x_party, data.y_party
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("pareto-{}", slug(&data.title)), title, caption, svg })
}
