//! Scales, ticks, frames and legends shared by every chart.

use crate::svg::{Anchor, Svg};
use demarche_scenario::model::trim_number as trimmed;

/// A linear map from data values to pixels.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    /// A scale over `[d0, d1]`; a degenerate or non-finite domain is widened so
    /// nothing divides by zero.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Self {
        let (mut d0, mut d1) = if d0.is_finite() && d1.is_finite() { (d0, d1) } else { (0.0, 1.0) };
        if d1 < d0 {
            std::mem::swap(&mut d0, &mut d1);
        }
        if d1 - d0 < 1e-12 {
            let pad = if d0.abs() > 1e-9 { d0.abs() * 0.1 } else { 1.0 };
            d0 -= pad;
            d1 += pad;
        }
        Scale { d0, d1, r0, r1 }
    }

    pub fn map(&self, x: f64) -> f64 {
        let x = if x.is_finite() { x } else { self.d0 };
        self.r0 + (x - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// Round tick values covering `[lo, hi]`, about `target` of them.
pub fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() * step;
    let mut out = Vec::new();
    let mut k = 0.0;
    while first + k * step <= hi + step * 1e-9 && out.len() < 50 {
        out.push(first + k * step);
        k += 1.0;
    }
    out
}

/// A number for a label: at most two decimals, no trailing zeros.
pub fn label(x: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let s = if x.abs() >= 1000.0 || x == x.trunc() { format!("{x:.0}") } else { format!("{x:.2}") };
    trimmed(&s)
}

/// `x` with the precision its scale supports: about three significant digits
/// of the scale's range (0–90 and 0–100: 3.2, 21.2; 0–10,000: 547), trailing
/// zeros dropped.
pub fn at_scale(x: f64, range: f64) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    demarche_scenario::model::to_digits_of(x, range, 3)
}

/// Labels for a run of ticks: as `label`, but with as many decimals as the
/// step between ticks needs, so a zoomed axis (0.931, 0.932, …) never shows
/// the same label twice.
pub fn tick_labels(tick_values: &[f64]) -> Vec<String> {
    let step = tick_values.windows(2).map(|w| w[1] - w[0]).fold(f64::INFINITY, f64::min);
    let decimals = (0..=8)
        .find(|&d| {
            let scaled = step * 10f64.powi(d);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(8);
    if !(step.is_finite() && step > 0.0) || decimals <= 2 {
        return tick_values.iter().map(|&t| label(t)).collect();
    }
    let d = decimals as usize;
    tick_values.iter().map(|&t| trimmed(&format!("{t:.d$}"))).collect()
}

/// The plotting area inside a chart.
#[derive(Clone, Copy, Debug)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Area {
    pub fn width(&self) -> f64 {
        self.right - self.left
    }

    pub fn height(&self) -> f64 {
        self.bottom - self.top
    }
}

pub const GRID: &str = r##"stroke="#e3e3e3" stroke-width="1""##;
pub const AXIS: &str = r##"stroke="#555" stroke-width="1""##;

/// The chart title, top left. A long one is set smaller, and cut only past
/// what the chart's width holds even then (about 8.5 and 7 px a character).
pub fn title(svg: &mut Svg, text: &str) {
    let room = svg.width() - 24.0;
    if text.chars().count() as f64 * 8.5 <= room {
        svg.text(12.0, 22.0, Anchor::Start, "t", text);
        return;
    }
    // Too long for one line: two smaller lines, broken at a space, so the
    // title (and the model name at its end) is never cut.
    let per_line = (room / 6.9) as usize;
    let (first, second) = wrap_once(text, per_line);
    svg.text(12.0, 17.0, Anchor::Start, "ts", &first);
    svg.text(12.0, 33.0, Anchor::Start, "ts", &clip(&second, per_line));
}

/// `text` split before the last space that leaves at most `max` characters
/// on the first line (at `max` characters when there is no space).
pub fn wrap_once(text: &str, max: usize) -> (String, String) {
    if text.chars().count() <= max {
        return (text.to_string(), String::new());
    }
    let head: String = text.chars().take(max + 1).collect();
    let cut = head
        .rfind(' ')
        .filter(|&i| i > 0)
        .unwrap_or_else(|| head.char_indices().nth(max).map_or(head.len(), |(i, _)| i));
    (text[..cut].trim_end().to_string(), text[cut..].trim_start().to_string())
}

/// A horizontal axis at the bottom of `area` with ticks, a title and, when
/// given, what the two ends of the scale mean.
pub fn x_axis(
    svg: &mut Svg,
    area: Area,
    scale: &Scale,
    tick_values: &[f64],
    axis_title: &str,
    ends: Option<(&str, &str)>,
) {
    svg.line(area.left, area.bottom, area.right, area.bottom, AXIS);
    for (&t, text) in tick_values.iter().zip(tick_labels(tick_values)) {
        let x = scale.map(t);
        svg.line(x, area.top, x, area.bottom, GRID);
        svg.line(x, area.bottom, x, area.bottom + 4.0, AXIS);
        svg.text(x, area.bottom + 16.0, Anchor::Middle, "tk", &text);
    }
    let mut y = area.bottom + 32.0;
    if let Some((low, high)) = ends {
        // Each end gets half the axis; long readings are cut so they never overlap.
        let room = ((area.width() / 2.0) / 6.0) as usize;
        let room = room.saturating_sub(3).max(8);
        svg.text(area.left, y, Anchor::Start, "end", &format!("← {}", clip(low, room)));
        svg.text(area.right, y, Anchor::End, "end", &format!("{} →", clip(high, room)));
        y += 16.0;
    }
    svg.text((area.left + area.right) / 2.0, y, Anchor::Middle, "ax", axis_title);
}

/// A vertical axis at the left of `area`, with ends spelled out at its top and bottom.
pub fn y_axis(
    svg: &mut Svg,
    area: Area,
    scale: &Scale,
    tick_values: &[f64],
    axis_title: &str,
    ends: Option<(&str, &str)>,
) {
    svg.line(area.left, area.top, area.left, area.bottom, AXIS);
    for (&t, text) in tick_values.iter().zip(tick_labels(tick_values)) {
        let y = scale.map(t);
        svg.line(area.left, y, area.right, y, GRID);
        svg.line(area.left - 4.0, y, area.left, y, AXIS);
        svg.text(area.left - 7.0, y + 4.0, Anchor::End, "tk", &text);
    }
    // Cut to the axis's height (about 6.5 px a character), so it never runs over the title.
    let room = (area.height() / 6.5) as usize;
    svg.text_vertical(area.left - 44.0, (area.top + area.bottom) / 2.0, "ax", &clip(axis_title, room.max(8)));
    if let Some((low, high)) = ends {
        // As much of each reading as the chart's width holds (about 6 px a character).
        let room = (((svg.width() - area.left - 8.0) / 6.0) as usize).clamp(12, 90);
        svg.text(area.left, area.top - 8.0, Anchor::Start, "end", &format!("▲ {}", clip(high, room)));
        svg.text(area.left, area.bottom + 52.0, Anchor::Start, "end", &format!("▼ {}", clip(low, room)));
    }
}

/// A legend of coloured swatches, wrapped into rows below `y`; returns the
/// y just below it.
pub fn legend(svg: &mut Svg, x0: f64, y: f64, width: f64, entries: &[(String, &str, LegendMark)]) -> f64 {
    let mut x = x0;
    let mut y = y;
    for (name, colour, mark) in entries {
        let w = 34.0 + 6.5 * name.chars().count().min(40) as f64;
        if x + w > x0 + width && x > x0 {
            x = x0;
            y += 18.0;
        }
        match mark {
            LegendMark::Line => {
                svg.line(x, y - 4.0, x + 16.0, y - 4.0, &format!(r#"stroke="{colour}" stroke-width="2.5""#))
            }
            LegendMark::Dashed => svg.line(
                x,
                y - 4.0,
                x + 16.0,
                y - 4.0,
                &format!(r#"stroke="{colour}" stroke-width="2" stroke-dasharray="5 3""#),
            ),
            LegendMark::Dot => svg.circle(x + 8.0, y - 4.0, 4.5, &format!(r#"fill="{colour}""#), None),
            LegendMark::Diamond => svg.diamond(x + 8.0, y - 4.0, 5.5, &format!(r#"fill="{colour}""#), None),
            LegendMark::Band => svg.rect(x, y - 9.0, 16.0, 10.0, &format!(r#"fill="{colour}" fill-opacity="0.25""#)),
            LegendMark::HollowDiamond => svg.diamond(
                x + 8.0,
                y - 4.0,
                5.0,
                &format!(r##"fill="#fff" stroke="{colour}" stroke-width="1.8""##),
                None,
            ),
            LegendMark::Block => svg.rect(x, y - 9.0, 16.0, 10.0, &format!(r#"fill="{colour}""#)),
            LegendMark::Triangle => svg.polygon(
                &[(x + 8.0, y - 10.0), (x + 14.0, y + 1.0), (x + 2.0, y + 1.0)],
                &format!(r#"fill="{colour}""#),
            ),
            LegendMark::Ring => {
                svg.circle(x + 8.0, y - 4.0, 4.5, &format!(r#"fill="none" stroke="{colour}" stroke-width="2.5""#), None)
            }
            LegendMark::Square => {
                svg.rect(x + 3.0, y - 9.0, 10.0, 10.0, &format!(r##"fill="#fff" stroke="{colour}" stroke-width="2""##))
            }
        }
        svg.text(x + 21.0, y, Anchor::Start, "lb", &clip(name, 40));
        x += w;
    }
    y + 12.0
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegendMark {
    Line,
    Dashed,
    Dot,
    Diamond,
    HollowDiamond,
    /// A pale swatch, for shaded ranges.
    Band,
    /// A solid swatch, for bars.
    Block,
    Triangle,
    /// A hollow circle.
    Ring,
    /// A hollow square.
    Square,
}

/// A short text cut to `max` characters with an ellipsis.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_precision_of_their_scale() {
        assert_eq!(at_scale(3.166616, 90.0), "3.2");
        assert_eq!(at_scale(21.230769, 100.0), "21.2");
        assert_eq!(at_scale(547.16, 10000.0), "547");
        assert_eq!(at_scale(1255.474115, 10000.0), "1255");
        assert_eq!(at_scale(0.4567, 1.0), "0.457");
        assert_eq!(at_scale(f64::NAN, 1.0), "—");
        assert_eq!(at_scale(-0.0001, 100.0), "0");
    }

    #[test]
    fn long_titles_wrap_at_a_space_and_keep_their_end() {
        let (a, b) = wrap_once("Enrichment capacity, sites and advanced centrifuges: positions over rounds — bdm", 60);
        assert!(a.chars().count() <= 60 && !a.ends_with(' '), "{a}");
        assert_eq!(
            format!("{a} {b}"),
            "Enrichment capacity, sites and advanced centrifuges: positions over rounds — bdm"
        );
        assert!(b.ends_with("— bdm"));
        assert_eq!(wrap_once("short", 60), ("short".to_string(), String::new()));
        let mut svg = Svg::new(400.0, 100.0);
        title(&mut svg, "Sequencing of relief against verified steps: positions over rounds — smp");
        let out = svg.finish("t", "d");
        assert!(out.contains("— smp</text>") && !out.contains('…'), "{out}");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 100.0, 5), vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(0.0, 1.0, 4), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(ticks(5.0, 5.0, 4), vec![5.0]);
        assert!(ticks(0.0, 1e300, 5).len() <= 50);
    }

    #[test]
    fn tick_labels_carry_the_decimals_their_step_needs() {
        assert_eq!(tick_labels(&[0.0, 0.5, 1.0]), ["0", "0.5", "1"]);
        assert_eq!(tick_labels(&[0.93, 0.935, 0.94]), ["0.93", "0.935", "0.94"]);
        assert_eq!(tick_labels(&[0.9312, 0.9314, 0.9316]), ["0.9312", "0.9314", "0.9316"]);
        assert_eq!(tick_labels(&[1000.0, 2000.0]), ["1000", "2000"]);
        assert_eq!(tick_labels(&[-0.0001, 0.0, 0.0001]), ["-0.0001", "0", "0.0001"]);
        assert_eq!(tick_labels(&[0.25]), ["0.25"]);
    }

    #[test]
    fn long_titles_are_set_smaller_on_two_lines_then_cut() {
        let render = |t: &str| {
            let mut svg = Svg::new(760.0, 100.0);
            title(&mut svg, t);
            svg.finish("", "")
        };
        assert!(render("Tariff level: bargaining frontier").contains(r#"class="t">Tariff level"#));
        let long = "What moves expected term on Stockpile of enriched uranium kept in Iran (mediated talks)";
        assert!(render(long).contains(&format!(r#"class="ts">{long}<"#)));
        // Twice as long: two lines, nothing cut.
        let longer = format!("{long} {long}");
        let out = render(&longer);
        assert_eq!(out.matches(r#"class="ts">"#).count(), 2, "{out}");
        assert!(!out.contains('…'));
        // Past two lines the second is cut.
        let out = render(&long.repeat(4));
        assert!(out.contains('…') && out.matches(r#"class="ts">"#).count() == 2);
    }

    #[test]
    fn degenerate_scales_do_not_divide_by_zero() {
        let s = Scale::new(3.0, 3.0, 0.0, 100.0);
        assert!(s.map(3.0).is_finite());
        let s = Scale::new(f64::NAN, 1.0, 0.0, 100.0);
        assert!(s.map(0.5).is_finite());
    }
}
