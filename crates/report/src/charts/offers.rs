//! A negotiation's offers over time: each party's utility of every offer,
//! split by who made it (the picture NegMAS draws for a negotiation).

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::NegotiationSummary;
use crate::svg::Svg;

/// Offers by the first party, the second, and anyone else (or the mediator).
pub const FIRST: &str = "#1f6fb2";
pub const SECOND: &str = "#d9480f";
pub const OTHER: &str = "#7048e8";

/// Utility over time: for each party, a solid line through its utility of
/// its own offers and a dashed one through its utility of what it was
/// offered; a mediated negotiation has one line per party through the texts.
pub fn over_time(n: &NegotiationSummary) -> Option<Chart> {
    if n.offers.len() < 2 || n.parties.len() < 2 {
        return None;
    }
    let colour = |k: usize| match k {
        0 => FIRST,
        1 => SECOND,
        _ => OTHER,
    };
    let shown = n.parties.len().min(3);
    let last = n.offers.iter().map(|o| o.step).max().unwrap_or(1).max(1);
    let title = format!("{}: each party's utility of the offers over time", n.domain);
    let area = Area { left: 64.0, top: 48.0, right: WIDTH - 24.0, bottom: 278.0 };
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let xs = Scale::new(0.0, last as f64, area.left, area.right);
    let ys = Scale::new(0.0, 1.0, area.bottom, area.top);
    axis::x_axis(
        &mut svg,
        area,
        &xs,
        &axis::ticks(0.0, last as f64, 8),
        "step (each party's action, or each text)",
        None,
    );
    axis::y_axis(&mut svg, area, &ys, &axis::ticks(0.0, 1.0, 5), "utility (0–1)", None);
    let mut legend = Vec::new();
    let mediated = n.offers.iter().all(|o| o.party.is_none());
    for p in 0..shown {
        let c = colour(p);
        let name = axis::clip(&n.parties[p].profile, 28);
        let point = |o: &crate::data::OfferPoint| {
            o.utilities.get(p).filter(|u| u.is_finite()).map(|&u| (xs.map(o.step as f64), ys.map(u.clamp(0.0, 1.0))))
        };
        if mediated {
            let pts: Vec<(f64, f64)> = n.offers.iter().filter_map(point).collect();
            svg.polyline(&pts, &format!(r#"fill="none" stroke="{c}" stroke-width="2""#));
            legend.push((format!("{name}: utility of the text"), c, LegendMark::Line));
            continue;
        }
        let own: Vec<(f64, f64)> = n.offers.iter().filter(|o| o.party == Some(p)).filter_map(point).collect();
        let got: Vec<(f64, f64)> = n.offers.iter().filter(|o| o.party != Some(p)).filter_map(point).collect();
        if own.len() > 1 {
            svg.polyline(&own, &format!(r#"fill="none" stroke="{c}" stroke-width="2""#));
            legend.push((format!("{name}: its own offers"), c, LegendMark::Line));
        }
        if got.len() > 1 {
            svg.polyline(&got, &format!(r#"fill="none" stroke="{c}" stroke-width="1.5" stroke-dasharray="5 3""#));
            legend.push((format!("{name}: offers it received"), c, LegendMark::Dashed));
        }
        let r = n.parties[p].reservation;
        if r.is_finite() && r > 0.0 {
            let y = ys.map(r.clamp(0.0, 1.0));
            svg.line(area.left, y, area.right, y, &format!(r#"stroke="{c}" stroke-width="1" stroke-dasharray="1 3""#));
        }
    }
    let bottom = axis::legend(&mut svg, area.left, area.bottom + 60.0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let mut caption = if mediated {
        "Each line is one party's utility of the standing text after each step; the mediator's text moves only \
         when every party accepts the change."
            .to_string()
    } else {
        "Solid: each party's utility of the offers it made (conceding means the line falls); dashed: its utility \
         of the offers it received (rising means the other side concedes). Dotted: its reservation value."
            .to_string()
    };
    if (n.offers.len() as u64) < n.offers_total {
        caption.push_str(&format!(" {} of {} offers are drawn, evenly spaced.", n.offers.len(), n.offers_total));
    }
    if n.parties.len() > shown {
        caption.push_str(&format!(" The first {shown} of {} parties are drawn.", n.parties.len()));
    }
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("offers-{}", slug(&n.domain)), title, caption, svg })
}
