//! The bargaining frontier of two parties with the Nash and Kalai–Smorodinsky
//! solutions and the agreement reached.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::{OfferPoint, ParetoData};
use crate::svg::{Anchor, Svg};

pub const MAX_OUTCOMES: usize = 3000;
pub const MAX_FRONTIER: usize = 2000;

const NASH: &str = "#1f6fb2";
const KS: &str = "#2b8a3e";
const AGREEMENT: &str = "#d9480f";

pub fn pareto(data: &ParetoData) -> Option<Chart> {
    pareto_with_offers(data, &[])
}

/// [`pareto`] with a negotiation's offers drawn in the same utility space,
/// each a small dot coloured by who made it (the first two parties' utilities).
pub fn pareto_with_offers(data: &ParetoData, offers: &[OfferPoint]) -> Option<Chart> {
    let ok = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let mut frontier: Vec<[f64; 2]> = data.frontier.iter().filter(ok).take(MAX_FRONTIER).copied().collect();
    if frontier.is_empty() {
        return None;
    }
    frontier.sort_by(|a, b| a[0].total_cmp(&b[0]).then(b[1].total_cmp(&a[1])));
    let outcomes: Vec<&[f64; 2]> = data.outcomes.iter().filter(ok).take(MAX_OUTCOMES).collect();
    let deal_marks = [data.nash, data.kalai_smorodinsky, data.agreement];
    let deals = || frontier.iter().chain(outcomes.iter().copied()).chain(deal_marks.iter().flatten()).filter(|p| ok(p));
    let no_deal = data.disagreement.filter(|p| ok(&p));
    let (x_range, y_range) = (axis_range(deals(), no_deal, 0), axis_range(deals(), no_deal, 1));
    let zoomed = x_range.zoomed || y_range.zoomed;
    let title = format!("{}: bargaining frontier", data.title);
    let side = 380.0;
    let area = Area { left: 90.0, top: 48.0, right: 90.0 + side, bottom: 48.0 + side };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(x_range.lo, x_range.hi, area.left, area.right);
    let ys = Scale::new(y_range.lo, y_range.hi, area.bottom, area.top);
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
    let mut offer_marks: Vec<(String, &str)> = Vec::new();
    for o in offers {
        let (Some(&x), Some(&y)) = (o.utilities.first(), o.utilities.get(1)) else { continue };
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let (who, c) = match o.party {
            Some(0) => (data.x_party.as_str(), super::offers::FIRST),
            Some(1) => (data.y_party.as_str(), super::offers::SECOND),
            Some(_) => ("another party", super::offers::OTHER),
            None => ("the mediator (texts adopted)", super::offers::OTHER),
        };
        if !offer_marks.iter().any(|(w, _)| w == who) {
            offer_marks.push((who.to_string(), c));
        }
        let (px, py) = (xs.map(x).clamp(area.left, area.right), ys.map(y).clamp(area.top, area.bottom));
        svg.circle(px, py, 2.4, &format!(r#"fill="{c}" fill-opacity="0.55""#), None);
    }
    let line: Vec<(f64, f64)> = frontier.iter().map(|p| (xs.map(p[0]), ys.map(p[1]))).collect();
    svg.polyline(&line, r##"fill="none" stroke="#343a40" stroke-width="2.5""##);
    let mut legend = vec![("Pareto frontier".to_string(), "#343a40", LegendMark::Line)];
    if !outcomes.is_empty() {
        legend.push(("other possible deals".to_string(), "#adb5bd", LegendMark::Dot));
    }
    for (who, c) in &offer_marks {
        legend.push((format!("offers by {}", axis::clip(who, 30)), c, LegendMark::Dot));
    }
    let tip = |name: &str, p: [f64; 2]| {
        format!("{name}: {} {}, {} {}", data.x_party, axis::label(p[0]), data.y_party, axis::label(p[1]))
    };
    let lx = area.right + 14.0;
    if let Some(d) = no_deal {
        // Off a zoomed axis, the square is pinned to the plot's edge, dashed,
        // and says where it really is.
        let x = xs.map(d[0]).clamp(area.left, area.right);
        let y = ys.map(d[1]).clamp(area.top, area.bottom);
        let style = if zoomed {
            r##"fill="#fff" stroke="#495057" stroke-width="2" stroke-dasharray="3 2""##
        } else {
            r##"fill="#fff" stroke="#495057" stroke-width="2""##
        };
        svg.rect_titled(x - 5.0, y - 5.0, 10.0, 10.0, style, &tip("no deal", d));
        let text = if zoomed {
            format!("no deal ({}, {}), off the zoomed axes", axis::label(d[0]), axis::label(d[1]))
        } else {
            "no deal".to_string()
        };
        let (tx, anchor) =
            if x > (area.left + area.right) / 2.0 { (x - 9.0, Anchor::End) } else { (x + 9.0, Anchor::Start) };
        let ty = if y < area.top + 20.0 { y + 16.0 } else { y - 6.0 };
        svg.text(tx, ty, anchor, "lb", &text);
        legend.push(("no deal (disagreement point)".to_string(), "#495057", LegendMark::Square));
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
        legend.push(("Kalai–Smorodinsky solution".to_string(), KS, LegendMark::Triangle));
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
        legend.push((format!("agreement: {}", axis::clip(label, 40)), AGREEMENT, LegendMark::Ring));
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
         ring the agreement the negotiation actually reached.{}",
        data.x_party,
        data.y_party,
        if zoomed {
            " The axes are zoomed in on the possible deals, which all lie far from no deal: its square sits at the \
             edge of the plot, dashed, with its true utilities."
        } else {
            ""
        }
    );
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("pareto-{}", slug(&data.title)), title, caption, svg })
}

/// Deals that span less than this share of the range the no-deal point adds
/// get an axis of their own (zoomed in); the no-deal point is pinned to its edge.
const ZOOM_BELOW: f64 = 0.3;

struct AxisRange {
    lo: f64,
    hi: f64,
    zoomed: bool,
}

/// One axis's span: every point drawn, padded a little, starting at 0 unless
/// everything lies in the upper half — or, when the deals would be crowded into
/// a corner by the no-deal point, the deals alone.
fn axis_range<'a>(deals: impl Iterator<Item = &'a [f64; 2]>, no_deal: Option<[f64; 2]>, i: usize) -> AxisRange {
    let (dmin, dmax) = deals.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p[i]), b.max(p[i])));
    let (amin, amax) = match no_deal {
        Some(d) => (dmin.min(d[i]), dmax.max(d[i])),
        None => (dmin, dmax),
    };
    if dmax - dmin < ZOOM_BELOW * (amax - amin) {
        let pad = (0.08 * (dmax - dmin)).max(0.01 * (amax - amin));
        return AxisRange { lo: dmin - pad, hi: dmax + pad, zoomed: true };
    }
    let lo = if amin >= 0.0 && amin < 0.5 * amax { 0.0 } else { amin - 0.05 * (amax - amin).max(1e-9) };
    // A little room above the highest point, so its marker is not cut.
    AxisRange { lo, hi: amax + 0.03 * (amax - lo).max(1e-9), zoomed: false }
}
