//! The escalation-risk matrix as a heat map.

use super::axis::{self, label};
use super::{Chart, WIDTH};
use crate::data::EscalationMatrix;
use crate::svg::{Anchor, Svg};

pub const MAX_ACTORS: usize = 30;

/// White (0) to deep red (1).
pub fn heat(v: f64) -> String {
    let t = if v.is_finite() { v.clamp(0.0, 1.0) } else { 0.0 };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(255.0, 165.0), mix(255.0, 15.0), mix(255.0, 21.0))
}

pub fn heatmap(data: &EscalationMatrix) -> Option<Chart> {
    heatmap_in(data, WIDTH)
}

/// [`heatmap`] drawn `width` wide (below [`WIDTH`], a small multiple with
/// shorter names; each cell's tooltip names both actors in full).
pub fn heatmap_in(data: &EscalationMatrix, width: f64) -> Option<Chart> {
    let compact = width < WIDTH;
    let n = data.actors.len().min(MAX_ACTORS);
    if n < 2 {
        return None;
    }
    let title = format!("Who heads for confrontation: {}", data.metric);
    let (left, row_room) = if compact { (124.0, 18) } else { (170.0, 24) };
    let top = 120.0;
    let cell = ((width - left - if compact { 14.0 } else { 30.0 }) / n as f64).min(56.0);
    let mut svg = Svg::new(width, 0.0);
    axis::title(&mut svg, &title);
    svg.text(left - 10.0, top - 12.0, Anchor::End, "ax", "from ↓ / towards →");
    for (j, name) in data.actors.iter().take(n).enumerate() {
        let x = left + (j as f64 + 0.5) * cell;
        svg.text_vertical_at(x + 4.0, top - 8.0, "lb", &axis::clip(name, 14));
    }
    for (i, name) in data.actors.iter().take(n).enumerate() {
        let y = top + i as f64 * cell;
        svg.text(left - 10.0, y + cell / 2.0 + 4.0, Anchor::End, "lb", &axis::clip(name, row_room));
        for j in 0..n {
            let x = left + j as f64 * cell;
            let v = data.values.get(i).and_then(|r| r.get(j)).copied().flatten().filter(|v| v.is_finite());
            match v {
                Some(v) => {
                    svg.rect_titled(
                        x,
                        y,
                        cell - 2.0,
                        cell - 2.0,
                        &format!(r##"fill="{}" stroke="#fff""##, heat(v)),
                        &format!("{} → {}: {}", name, data.actors[j], label(v)),
                    );
                    if cell >= 30.0 {
                        let cls = if v > 0.55 { "lbw" } else { "lb" };
                        svg.text(x + cell / 2.0 - 1.0, y + cell / 2.0 + 4.0, Anchor::Middle, cls, &label(v));
                    }
                }
                None => svg.rect(x, y, cell - 2.0, cell - 2.0, r##"fill="#f1f3f5" stroke="#fff""##),
            }
        }
    }
    // Colour key.
    let ky = top + n as f64 * cell + 24.0;
    let key = (width - left - 8.0).min(240.0);
    for k in 0..20 {
        let t = k as f64 / 19.0;
        svg.rect(left + k as f64 * (key / 20.0), ky, key / 20.0, 12.0, &format!(r#"fill="{}""#, heat(t)));
    }
    // The key speaks the indicator's own terms: its ends are values of the
    // metric named beside it, not a probability that anything happens.
    svg.text(left, ky + 28.0, Anchor::Start, "end", "0: lowest");
    svg.text(left + key, ky + 28.0, Anchor::End, "end", "1: highest");
    let metric_y = if compact { ky + 46.0 } else { ky + 10.0 };
    let metric_x = if compact { left } else { left + 256.0 };
    let room = (((width - metric_x - 8.0) / 6.5) as usize).max(12);
    svg.text(metric_x, metric_y, Anchor::Start, "ax", &axis::clip(&data.metric, room));
    svg.set_height(metric_y + if compact { 14.0 } else { 34.0 });
    let mut caption = format!(
        "Each cell is the {} from the actor on the left towards the actor on top: the darker the red, the higher. \
         Grey cells have no value.",
        data.metric
    );
    if !data.source.is_empty() {
        caption.push(' ');
        caption.push_str(&data.source);
    }
    if n < data.actors.len() {
        caption.push_str(&format!(" Only the first {n} of {} actors are shown.", data.actors.len()));
    }
    let svg = svg.finish(&title, &caption);
    // One matrix per channel can share a section: the metric tells them apart.
    Some(Chart { id: format!("escalation-{}", super::slug(&data.metric)), title, caption, svg })
}
