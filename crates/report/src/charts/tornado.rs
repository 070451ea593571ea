//! One-at-a-time sensitivity as a tornado: the inputs that move the output most on top.

use super::axis::{self, Area, LegendMark, Scale};
use super::{slug, Chart, WIDTH};
use crate::data::{Sensitivity, TornadoBar};
use crate::svg::{Anchor, Svg};

pub const MAX_BARS: usize = 25;
const ROW: f64 = 24.0;
const LOW: &str = "#5c7cfa";
const HIGH: &str = "#e67700";

const NOISE: &str = "#adb5bd";

/// A tornado. Bars whose swing stays within the Monte Carlo noise of its
/// estimate (`within_noise`, or a reach from the base under `noise`) are drawn
/// grey after the others, in name order: they are not ranked. When no bar
/// rises above the noise, the chart says so instead of naming a top driver.
pub fn tornado(data: &Sensitivity) -> Option<Chart> {
    let mut bars: Vec<_> = data.bars.iter().filter(|b| b.low.is_finite() && b.high.is_finite()).collect();
    if bars.is_empty() || !data.base.is_finite() {
        return None;
    }
    let noise = data.noise.filter(|n| n.is_finite() && *n > 0.0);
    let reach = |b: &TornadoBar| (b.low - data.base).abs().max((b.high - data.base).abs());
    let noisy = |b: &TornadoBar| b.within_noise || noise.is_some_and(|n| reach(b) <= n);
    // Real effects first, by swing; then the ones within noise, by name.
    bars.sort_by(|a, b| {
        noisy(a)
            .cmp(&noisy(b))
            .then_with(|| if noisy(a) { std::cmp::Ordering::Equal } else { swing(b).total_cmp(&swing(a)) })
            .then(a.parameter.cmp(&b.parameter))
    });
    let shown = bars.len().min(MAX_BARS);
    let ranked = bars.iter().take(shown).filter(|b| !noisy(b)).count();
    let title = if ranked == 0 {
        format!("Nothing moves {} beyond Monte Carlo noise", data.output)
    } else {
        format!("What moves {}", data.output)
    };
    let area = Area { left: 230.0, top: 52.0, right: WIDTH - 40.0, bottom: 52.0 + shown as f64 * ROW + 8.0 };
    let band = noise.unwrap_or(0.0);
    // The band does not take the axis below zero when no value is negative (a chance, a count).
    let floor = bars.iter().take(shown).flat_map(|b| [b.low, b.high]).fold(data.base, f64::min);
    let lo = bars.iter().take(shown).flat_map(|b| [b.low, b.high]).fold(data.base - band, f64::min);
    let lo = if floor >= 0.0 { lo.max(0.0) } else { lo };
    let hi = bars.iter().take(shown).flat_map(|b| [b.low, b.high]).fold(data.base + band, f64::max);
    let pad = (hi - lo) * 0.08;
    let xs = Scale::new(lo - pad, hi + pad, area.left, area.right);
    let mut svg = Svg::new(WIDTH, 0.0);
    axis::title(&mut svg, &title);
    let ends = data.ends.as_ref().map(|[a, b]| (a.as_str(), b.as_str()));
    axis::x_axis(&mut svg, area, &xs, &axis::ticks(xs.d0, xs.d1, 7), &axis::clip(&data.output, 70), ends);
    let base_x = xs.map(data.base);
    if let Some(n) = noise {
        let (x0, x1) = (xs.map((data.base - n).max(xs.d0)), xs.map((data.base + n).min(xs.d1)));
        svg.rect_titled(
            x0,
            area.top - 4.0,
            x1 - x0,
            area.bottom - area.top + 4.0,
            r##"fill="#e9ecef" stroke="none""##,
            &format!("Monte Carlo noise: ±{} around the base", axis::label(n)),
        );
    }
    for (k, b) in bars.iter().take(shown).enumerate() {
        let y = area.top + 4.0 + k as f64 * ROW;
        let grey = noisy(b);
        for (v, c, which) in [(b.low, LOW, 0), (b.high, HIGH, 1)] {
            let x = xs.map(v);
            let setting = b.settings.as_ref().map(|s| format!(" ({})", s[which])).unwrap_or_default();
            let tip = format!(
                "{} at its {}{}: {}{}",
                b.parameter,
                if which == 0 { "low setting" } else { "high setting" },
                setting,
                axis::label(v),
                if grey { " — within Monte Carlo noise" } else { "" }
            );
            let fill = if grey { NOISE } else { c };
            svg.rect_titled(x.min(base_x), y, (x - base_x).abs(), ROW - 6.0, &format!(r#"fill="{fill}""#), &tip);
        }
        let name = axis::clip(&b.parameter, 34);
        let label = if grey { format!("{} (noise)", axis::clip(&b.parameter, 26)) } else { name };
        svg.text(area.left - 10.0, y + ROW / 2.0 + 1.0, Anchor::End, "lb", &label);
    }
    svg.line(base_x, area.top - 4.0, base_x, area.bottom, r##"stroke="#111" stroke-width="1.5""##);
    svg.text(base_x, area.top - 8.0, Anchor::Middle, "tk", &format!("base {}", axis::label(data.base)));
    let mut legend = vec![
        ("input at its low setting".to_string(), LOW, LegendMark::Block),
        ("input at its high setting".to_string(), HIGH, LegendMark::Block),
    ];
    if bars.iter().take(shown).any(|b| noisy(b)) {
        legend.push(("within Monte Carlo noise (not ranked)".to_string(), NOISE, LegendMark::Block));
    }
    let y0 = area.bottom + if ends.is_some() { 76.0 } else { 60.0 };
    let bottom = axis::legend(&mut svg, area.left, y0, area.width(), &legend);
    svg.set_height(bottom + 8.0);
    let mut caption = format!(
        "Each bar shows how far {} moves from its base value (black line) when one input is set low (blue) or \
         high (orange) and every other input stays at its base. The longest bars, on top, matter most.",
        data.output
    );
    if let Some(n) = noise {
        let grey = bars.iter().take(shown).filter(|b| noisy(b)).count();
        caption.push_str(&format!(
            " The grey band (±{}) is how far the estimate moves by Monte Carlo noise alone; {} within it \
             {} grey and not ranked.",
            axis::label(n),
            if grey == 1 { "the 1 input".to_string() } else { format!("the {grey} inputs") },
            if grey == 1 { "is" } else { "are" }
        ));
        if ranked == 0 {
            caption.push_str(" No input moves this output beyond the noise: there is no top driver to read here.");
        }
    }
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

fn swing(b: &TornadoBar) -> f64 {
    (b.high - b.low).abs()
}
