//! The charts: each takes plain data and returns a titled SVG with a caption.

pub mod axis;
pub mod backtest;
pub mod bands;
pub mod heatmap;
pub mod intervals;
pub mod models;
pub mod offers;
pub mod pareto;
pub mod positions;
pub mod timeline;
pub mod tornado;

/// A finished chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// A stable id, for anchors and tests.
    pub id: String,
    pub title: String,
    /// How to read it, in one or two sentences.
    pub caption: String,
    pub svg: String,
}

pub const WIDTH: f64 = 760.0;
/// The width of a small multiple: two to a row on a wide screen and on an A4
/// page, one on a phone, its text still legible in each.
pub const SMALL: f64 = 440.0;

/// A slug made of ASCII letters, digits and dashes.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}
