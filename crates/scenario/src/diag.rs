//! Diagnostics: every problem found in an input, with where it is and a hint.
//!
//! Loaders never stop at the first problem: they collect [`Diagnostic`]s into a
//! [`Diagnostics`] list and only then decide whether the input is usable.

use serde::Serialize;
use std::fmt;

/// How bad a problem is. Errors make an input unusable; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A byte range into the source text.
pub type Span = std::ops::Range<usize>;

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// One problem in an input.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file (or a label such as `<stdin>` / `<built-in>`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Line and column, where the format has them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<LineCol>,
    /// The field path inside the document, e.g. `stances[3].salience`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Byte range in the source, for tools that underline.
    #[serde(skip)]
    pub span: Option<Span>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, message)
    }

    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, message)
    }

    fn new(severity: Severity, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: None,
            location: None,
            path: path.into(),
            message: message.into(),
            hint: None,
            span: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_span(mut self, span: Option<Span>) -> Self {
        self.span = span;
        self
    }

    pub fn with_location(mut self, line: usize, column: usize) -> Self {
        self.location = Some(LineCol { line, column });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{level}: {}", self.message)?;
        let mut place = String::new();
        if let Some(file) = &self.file {
            place.push_str(file);
        }
        if let Some(lc) = self.location {
            if !place.is_empty() {
                place.push(':');
            }
            place.push_str(&format!("{}:{}", lc.line, lc.column));
        }
        match (place.is_empty(), self.path.is_empty()) {
            (false, false) => writeln!(f, "  --> {place} ({})", self.path)?,
            (false, true) => writeln!(f, "  --> {place}")?,
            (true, false) => writeln!(f, "  --> {}", self.path)?,
            (true, true) => {}
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "  hint: {hint}")?;
        }
        Ok(())
    }
}

/// An ordered list of diagnostics for one input.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.0.push(Diagnostic::error(path, message));
        self.0.last_mut().expect("just pushed")
    }

    pub fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) -> &mut Diagnostic {
        self.0.push(Diagnostic::warning(path, message));
        self.0.last_mut().expect("just pushed")
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Fill in the file name and, from byte spans, line and column.
    pub fn locate(&mut self, file: Option<&str>, source: Option<&str>) {
        let index = source.map(LineIndex::new);
        for d in &mut self.0 {
            if d.file.is_none() {
                d.file = file.map(str::to_owned);
            }
            if d.location.is_none() {
                if let (Some(index), Some(span)) = (&index, &d.span) {
                    d.location = Some(index.line_col(span.start));
                }
            }
        }
    }

    /// Errors first (stable within each severity), so the worst is read first.
    pub fn sort(&mut self) {
        self.0.sort_by_key(|d| std::cmp::Reverse(d.severity));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            write!(f, "{d}")?;
        }
        let (e, w) = (self.error_count(), self.warning_count());
        if e + w > 0 {
            writeln!(f, "{e} error{}, {w} warning{}", if e == 1 { "" } else { "s" }, if w == 1 { "" } else { "s" })?;
        }
        Ok(())
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Maps byte offsets to 1-based line and column (columns count characters).
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { source, line_starts }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.source.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = self.source.get(start..offset).map(|s| s.chars().count()).unwrap_or(offset - start);
        LineCol { line: line + 1, column: column + 1 }
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a
/// plausible typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(word.chars().count()) / 2).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or a list of what is allowed.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    match nearest(word, candidates.iter().copied()) {
        Some(c) => format!("did you mean `{c}`?"),
        None if candidates.len() <= 12 => {
            format!("expected one of {}", candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        }
        None => format!("{} known values; none is close", candidates.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let idx = LineIndex::new("ab\ncd\n");
        assert_eq!(idx.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(4), LineCol { line: 2, column: 2 });
        assert_eq!(idx.line_col(6), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let ids = ["iran", "usa", "israel"];
        assert_eq!(nearest("irn", ids), Some("iran"));
        assert_eq!(nearest("Israel", ids), Some("israel"));
        assert_eq!(nearest("completely-different", ids), None);
    }
}
