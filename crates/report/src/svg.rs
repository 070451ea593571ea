//! A small SVG writer: elements as text, every piece of text escaped.

use std::fmt::Write;

/// Escape text for XML/HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate or length, rounded so output stays small and stable.
pub fn n(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// How text is anchored horizontally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written.
pub struct Svg {
    width: f64,
    height: f64,
    body: String,
}

impl Svg {
    pub fn new(width: f64, height: f64) -> Self {
        Svg { width, height, body: String::new() }
    }

    pub fn width(&self) -> f64 {
        self.width
    }

    pub fn height(&self) -> f64 {
        self.height
    }

    /// Charts whose legend wraps learn their height while drawing.
    pub fn set_height(&mut self, height: f64) {
        self.height = height;
    }

    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, style: &str) {
        let _ = writeln!(self.body, r#"<line x1="{}" y1="{}" x2="{}" y2="{}" {style}/>"#, n(x1), n(y1), n(x2), n(y2));
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, style: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {style}/>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0))
        );
    }

    /// A rectangle with a hover tooltip.
    pub fn rect_titled(&mut self, x: f64, y: f64, w: f64, h: f64, style: &str, title: &str) {
        let _ = writeln!(
            self.body,
            r#"<rect x="{}" y="{}" width="{}" height="{}" {style}><title>{}</title></rect>"#,
            n(x),
            n(y),
            n(w.max(0.0)),
            n(h.max(0.0)),
            esc(title)
        );
    }

    pub fn circle(&mut self, cx: f64, cy: f64, r: f64, style: &str, title: Option<&str>) {
        match title {
            Some(t) => {
                let _ = writeln!(
                    self.body,
                    r#"<circle cx="{}" cy="{}" r="{}" {style}><title>{}</title></circle>"#,
                    n(cx),
                    n(cy),
                    n(r),
                    esc(t)
                );
            }
            None => {
                let _ = writeln!(self.body, r#"<circle cx="{}" cy="{}" r="{}" {style}/>"#, n(cx), n(cy), n(r));
            }
        }
    }

    /// A closed or open polyline through `points`.
    pub fn polyline(&mut self, points: &[(f64, f64)], style: &str) {
        if points.is_empty() {
            return;
        }
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let _ = writeln!(self.body, r#"<polyline points="{}" {style}/>"#, pts.join(" "));
    }

    pub fn polygon(&mut self, points: &[(f64, f64)], style: &str) {
        if points.is_empty() {
            return;
        }
        let pts: Vec<String> = points.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let _ = writeln!(self.body, r#"<polygon points="{}" {style}/>"#, pts.join(" "));
    }

    /// A diamond marker centred on (`cx`, `cy`).
    pub fn diamond(&mut self, cx: f64, cy: f64, r: f64, style: &str, title: Option<&str>) {
        let pts = [(cx, cy - r), (cx + r, cy), (cx, cy + r), (cx - r, cy)];
        let p: Vec<String> = pts.iter().map(|(x, y)| format!("{},{}", n(*x), n(*y))).collect();
        let t = title.map(|t| format!("<title>{}</title>", esc(t))).unwrap_or_default();
        let _ = writeln!(self.body, r#"<polygon points="{}" {style}>{t}</polygon>"#, p.join(" "));
    }

    pub fn text(&mut self, x: f64, y: f64, anchor: Anchor, class: &str, text: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{}" y="{}" text-anchor="{}" class="{class}">{}</text>"#,
            n(x),
            n(y),
            anchor.as_str(),
            esc(text)
        );
    }

    /// Text turned 90° anticlockwise about (`x`, `y`), for vertical axis titles.
    pub fn text_vertical(&mut self, x: f64, y: f64, class: &str, text: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{0}" y="{1}" text-anchor="middle" class="{class}" transform="rotate(-90 {0} {1})">{2}</text>"#,
            n(x),
            n(y),
            esc(text)
        );
    }

    /// Text turned 60° anticlockwise ending at (`x`, `y`), for column headings.
    pub fn text_vertical_at(&mut self, x: f64, y: f64, class: &str, text: &str) {
        let _ = writeln!(
            self.body,
            r#"<text x="{0}" y="{1}" text-anchor="start" class="{class}" transform="rotate(-60 {0} {1})">{2}</text>"#,
            n(x),
            n(y),
            esc(text)
        );
    }

    /// Opens a group of one series (an actor's line and points), named for
    /// tooltips and for pages that let a reader show or hide it
    /// (`data-series`); close it with [`Svg::end_group`].
    pub fn begin_group(&mut self, series: &str, title: &str) {
        let _ = writeln!(self.body, r#"<g data-series="{}"><title>{}</title>"#, esc(series), esc(title));
    }

    pub fn end_group(&mut self) {
        self.body.push_str("</g>\n");
    }

    /// The finished document. `title` and `desc` make it accessible.
    pub fn finish(self, title: &str, desc: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" role=\"img\">\n<title>{t}</title>\n<desc>{d}</desc>\n{STYLE}{body}</svg>\n",
            w = n(self.width),
            h = n(self.height),
            t = esc(title),
            d = esc(desc),
            body = self.body
        )
    }
}

/// Styles inside each SVG so a chart also reads right when saved on its own.
const STYLE: &str = "<style>text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;\
fill:#222}.t{font-size:15px;font-weight:600}.ts{font-size:12.5px;font-weight:600}.ax{font-size:12px;fill:#333}.tk{font-size:11px;fill:#555}\
.lb{font-size:11px}.lbw{font-size:11px;fill:#fff}.end{font-size:11px;fill:#555;font-style:italic}</style>\n";

/// Ten distinguishable colours for series.
pub const PALETTE: [&str; 10] =
    ["#1f6fb2", "#d9480f", "#2b8a3e", "#ae3ec9", "#c92a2a", "#0c8599", "#e67700", "#5c7cfa", "#845ef7", "#495057"];

pub fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(esc(r#"<script>"a"&'b'</script>"#), "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;");
        let mut s = Svg::new(10.0, 10.0);
        s.text(1.0, 1.0, Anchor::Start, "lb", "</svg><script>alert(1)</script>");
        let out = s.finish("<t>", "d");
        assert!(!out.contains("<script>"));
        assert!(out.contains("&lt;t&gt;"));
    }

    #[test]
    fn numbers_are_short_and_finite() {
        assert_eq!(n(1.0), "1");
        assert_eq!(n(1.256), "1.26");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(f64::NAN), "0");
    }
}
