//! Importers from other tools' formats into the [`Scenario`](crate::Scenario) model.

pub mod bdm;
pub mod decide;
pub mod ktab;

/// A file-stem-like id from a label (`shared/x/ec-emissions-actors.csv` → `ec-emissions-actors`).
pub(crate) fn stem_id(label: &str, fallback: &str) -> String {
    let stem = std::path::Path::new(label).file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let id = slug(stem);
    if id.is_empty() {
        fallback.to_string()
    } else {
        id
    }
}

/// An id from a display name: lower case, runs of other characters as `_`.
pub(crate) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() || c == '-' {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Make ids unique by suffixing `_2`, `_3`, … to repeats.
pub(crate) fn unique_slugs(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let base = match slug(n) {
                s if s.is_empty() => format!("actor_{}", i + 1),
                s => s,
            };
            let count = seen.entry(base.clone()).or_insert(0);
            *count += 1;
            if *count == 1 {
                base
            } else {
                format!("{base}_{count}")
            }
        })
        .collect()
}

/// The last component of an input's label (a path as given): what an imported
/// scenario's description names, so no machine's paths end up in reports.
pub(crate) fn file_name(label: &str) -> String {
    std::path::Path::new(label)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| label.to_string())
}
