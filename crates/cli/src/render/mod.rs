//! Output formats: human tables, JSON and CSV.

pub mod csv;
pub mod table;

/// A number with at most `digits` decimals and no trailing zeros.
pub fn num(x: f64, digits: usize) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.digits$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}
