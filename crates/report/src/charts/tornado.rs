//! One-at-a-time sensitivity as a tornado: the inputs that move the output most on top.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::Sensitivity;
use crate::svg::{Anchor, Svg};

pub const MAX_BARS: usize = 25;
const ROW: f64 = 24.0;
const LOW: &str = "#5c7cfa";
const HIGH: &str = "#e67700";

pub fn tornado(data: &Sensitivity) -> Option<Chart> {
    let mut bars: Vec<_> = data.bars.iter().filter(|b| b.low.is_finite() && b.high.is_finite()).collect();
    if bars.is_empty() || !data.base.is_finite() {
        return None;
    }
    bars.sort_by(|a, b| (b.high - b.low).abs().total_cmp(&(a.high - a.low).abs()).then(a.parameter.cmp(&b.parameter)));
    let shown = bars.len().min(MAX_BARS);
    let title = format!("What moves {}", data.output);
    let area = Area { left: 230.0, top: 52.0, right: WIDTH - 40.0, bottom: 52.0 + shown as f64 * ROW + 8.0 };
    let lo = bars.iter().take(shown).flat_map(|b| [b.low, b.high]).fold(data.base, f64::min);
    let hi = bars.iter().take(shown).flat_map(|b| [b.low, b.high]).fold(data.base, f64::max);
    let pad = (hi - lo) * 0.08;
    let xs = Scale::new(lo - pad, hi + pad, area.left, area.right);
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let ends = data.ends.as_ref().map(|[a, b]| (a.as_str(), b.as_str()));
    axis::x_axis(&mut svg, area, &xs, &axis::ticks(xs.d0, xs.d1, 7), &axis::clip(&data.output, 70), ends);
    let base_x = xs.map(data.base);
    for (k, b) in bars.iter().take(shown).enumerate() {
        let y = area.top + 4.0 + k as f64 * ROW;
        for (v, c, which) in [(b.low, LOW, 0), (b.high, HIGH, 1)] {
            let x = xs.map(v);
            let setting = b.settings.as_ref().map(|s| format!(" ({})", s[which])).unwrap_or_default();
            let tip = format!(
                "{} at its {}{}: {}",
                b.parameter,
                if which == 0 { "low setting" } else { "high setting" },
                setting,
                axis::label(v)
            );
            svg.rect_titled(x.min(base_x), y, (x - base_x).abs(), ROW - 6.0, &format!(r#"fill="{c}""#), &tip);
        }
        svg.text(area.left - 10.0, y + ROW / 2.0 + 1.0, Anchor::End, "lb", &axis::clip(&b.parameter, 34));
    }
    svg.line(base_x, area.top - 4.0, base_x, area.bottom, r##"stroke="#111" stroke-width="1.5""##);
    svg.text(base_x, area.top - 8.0, Anchor::Middle, "tk", &format!("base {}", axis::label(data.base)));
    let legend = [
        ("input at its low setting".to_string(), LOW, LegendMark::Block),
        ("input at its high setting".to_string(), HIGH, LegendMark::Block),
    ];
    let y0 = area.bottom + if ends.is_some() { 76.0 } else { 60.0 };
    let bottom = axis::legend(&mut svg, area.left, y0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let mut caption = format!(
        "Each bar shows how far {} moves from its base value (black line) when one input is set low (blue) or \
         high (orange) and every other input stays at its base. The longest bars, on top, matter most.",
        data.output
    );
    if shown < bars.len() {
        caption.push_str(&format!(" The {shown} largest of {} inputs are shown.", bars.len()));
    }
    if bars.iter().take(shown).any(|b| b.parameter.split('.').count() == 3) {
        caption.push_str(
            " An input written actor.issue.field is that actor's stated position or salience on that issue, as \
             `--set` names it.",
        );
    }
    let svg = svg.finish(&title, &caption);
    Some(Chart { id: format!("sensitivity-{}", slug(&data.output)), title, caption, svg })
}
