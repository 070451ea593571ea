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
        let wanted = self.0.iter().any(|d| d.location.is_none() && d.span.is_some());
        let index = source.filter(|_| wanted).map(LineIndex::new);
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
/// Each look-up costs a binary search and at most [`LineIndex::MARK_EVERY`]
/// bytes of counting, however long the line (a minified JSON file is one).
pub struct LineIndex<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
    /// (byte offset, characters before it), about every `MARK_EVERY` bytes.
    marks: Vec<(usize, usize)>,
}

impl<'a> LineIndex<'a> {
    const MARK_EVERY: usize = 1024;

    pub fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        let mut marks = vec![(0, 0)];
        let mut next = Self::MARK_EVERY;
        for (chars, (i, _)) in source.char_indices().enumerate() {
            if i >= next {
                marks.push((i, chars));
                next = i + Self::MARK_EVERY;
            }
        }
        LineIndex { source, line_starts, marks }
    }

    /// Characters in `source[..offset]`; `offset` is a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        let k = self.marks.partition_point(|&(b, _)| b <= offset).saturating_sub(1);
        let (b, c) = self.marks[k];
        c + self.source[b..offset].chars().count()
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.source.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let column = if self.source.is_char_boundary(offset) {
            self.chars_before(offset) - self.chars_before(start)
        } else {
            offset - start
        };
        LineCol { line: line + 1, column: column + 1 }
    }
}

/// Words longer than this many characters get no "did you mean": nobody
/// mistypes an id or a key that long, and scoring it would be costly.
pub const MAX_HINT_WORD: usize = 64;
/// The most candidates one hint scores (after the length filter).
pub const MAX_HINT_CANDIDATES: usize = 10_000;
/// Work one hint may do, in edit-distance cells (a candidate looked at costs
/// one cell per byte besides).
pub const CELLS_PER_HINT: u64 = 2_000_000;
/// Work all the hints for one input may do together, in the same unit: an
/// input with thousands of unknown names gets hints for the first ones, then
/// plain lists.
pub const CELLS_PER_INPUT: u64 = 20_000_000;

/// A work allowance for "did you mean" hints, shared by every hint about one
/// input so that hinting stays linear however many names are unknown.
#[derive(Clone, Debug)]
pub struct Hints {
    cells: u64,
}

impl Default for Hints {
    /// The allowance for one input: [`CELLS_PER_INPUT`].
    fn default() -> Self {
        Hints { cells: CELLS_PER_INPUT }
    }
}

impl Hints {
    /// An allowance of `cells` edit-distance cells.
    pub fn with_budget(cells: u64) -> Self {
        Hints { cells }
    }

    /// What is left of the allowance.
    pub fn remaining(&self) -> u64 {
        self.cells
    }

    /// The candidate closest to `word` by edit distance (optimal string
    /// alignment, case-insensitive), if it is close enough to be a plausible
    /// typo: at most half the longer word's length, or 2. Words longer than
    /// [`MAX_HINT_WORD`] get none; candidates whose length alone puts them out
    /// of reach are skipped without scoring; at most [`MAX_HINT_CANDIDATES`]
    /// are scored, each distance within a band and stopped once over the
    /// threshold, and the whole search spends at most [`CELLS_PER_HINT`] of the
    /// allowance (it returns the best found so far when that runs out). Ties go
    /// to the first candidate.
    pub fn nearest<'a>(&mut self, word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        let word_len = word.chars().count();
        if word_len > MAX_HINT_WORD || self.cells == 0 {
            return None;
        }
        let lower: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        // No candidate longer than this (in characters; 4 bytes each at most)
        // can be within `limit` below, whatever lower-casing does to lengths.
        let reach = lower.len().max(word_len);
        let longest = (2 * reach).max(reach + 2);
        let mut budget = self.cells.min(CELLS_PER_HINT);
        let start = budget;
        let mut best: Option<(usize, &'a str)> = None;
        let mut scored = 0;
        let mut buf: Vec<char> = Vec::new();
        for c in candidates {
            let look = 1 + c.len() as u64;
            if budget < look {
                budget = 0;
                break;
            }
            budget -= look;
            if c.len() > 4 * longest {
                continue;
            }
            let c_len = c.chars().count();
            if c_len > longest {
                continue;
            }
            let limit = (c_len.max(word_len) / 2).max(2);
            // A later candidate must beat the best so far.
            let cap = match best {
                Some((0, _)) => break,
                Some((d, _)) => limit.min(d - 1),
                None => limit,
            };
            buf.clear();
            buf.extend(c.chars().flat_map(char::to_lowercase));
            if buf.len().abs_diff(lower.len()) > cap {
                continue;
            }
            if scored == MAX_HINT_CANDIDATES {
                break;
            }
            scored += 1;
            if let Some(d) = osa_within(&lower, &buf, cap, &mut budget) {
                best = Some((d, c));
            }
            if budget == 0 {
                break;
            }
        }
        self.cells -= start - budget;
        best.map(|(_, c)| c)
    }

    /// "did you mean `x`?" or a list of what is allowed.
    pub fn suggest(&mut self, word: &str, candidates: &[&str]) -> String {
        match self.nearest(word, candidates.iter().copied()) {
            Some(c) => format!("did you mean `{c}`?"),
            None if candidates.len() <= 12 => {
                format!(
                    "expected one of {}",
                    candidates.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                )
            }
            None => format!("{} known values; none is close", candidates.len()),
        }
    }
}

/// The optimal-string-alignment distance (Levenshtein plus adjacent
/// transpositions) of `a` and `b` if it is at most `cap`. Only cells within
/// `cap` of the diagonal are computed, the search stops at the first row whose
/// every cell is over `cap`, and each cell costs one unit of `budget` (`None`
/// once that runs out).
fn osa_within(a: &[char], b: &[char], cap: usize, budget: &mut u64) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > cap {
        return None;
    }
    let over = cap + 1;
    let mut before: Vec<usize> = vec![over; m + 1];
    let mut prev: Vec<usize> = (0..=m).map(|j| j.min(over)).collect();
    let mut cur: Vec<usize> = vec![over; m + 1];
    for i in 1..=n {
        let lo = i.saturating_sub(cap).max(1);
        let hi = (i + cap).min(m);
        let cells = (hi + 1).saturating_sub(lo) as u64 + 1;
        if *budget < cells {
            *budget = 0;
            return None;
        }
        *budget -= cells;
        cur.fill(over);
        cur[0] = i.min(over);
        let mut row_min = cur[0];
        for j in lo..=hi {
            let substitute = prev[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut v = substitute.min(prev[j] + 1).min(cur[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(before[j - 2] + 1);
            }
            cur[j] = v.min(over);
            row_min = row_min.min(cur[j]);
        }
        // No cell of the next row is below this row's minimum (insertions,
        // deletions and substitutions never lower the distance, and a
        // transposition from two rows up is no shorter than the substitution
        // reaching this row), so nothing within `cap` remains.
        if row_min > cap {
            return None;
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= cap).then_some(d)
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a
/// plausible typo; the work is bounded as in [`Hints::nearest`], with an
/// allowance of its own ([`CELLS_PER_HINT`]). Where many hints are made about
/// one input, share one [`Hints`] instead.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    Hints::with_budget(CELLS_PER_HINT).nearest(word, candidates)
}

/// "did you mean `x`?" or a list of what is allowed.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    Hints::with_budget(CELLS_PER_HINT).suggest(word, candidates)
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
    fn columns_on_long_lines_count_characters() {
        let line = "é".repeat(3000) + "x" + &"a".repeat(5000);
        let text = format!("first\n{line}\nlast");
        let idx = LineIndex::new(&text);
        for offset in [0, 3, 6, 8, 2000, 6006, 6007, 9000, text.len() - 1, text.len()] {
            let want = {
                let before = &text[..offset];
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                LineCol { line: before.matches('\n').count() + 1, column: before[start..].chars().count() + 1 }
            };
            assert_eq!(idx.line_col(offset), want, "offset {offset}");
        }
    }

    #[test]
    fn nearest_finds_typos_but_not_strangers() {
        let ids = ["iran", "usa", "israel"];
        assert_eq!(nearest("irn", ids), Some("iran"));
        assert_eq!(nearest("Israel", ids), Some("israel"));
        assert_eq!(nearest("completely-different", ids), None);
    }

    #[test]
    fn osa_distance_matches_a_plain_table() {
        // A full table, for comparison.
        fn full(a: &[char], b: &[char]) -> usize {
            let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for (i, row) in d.iter_mut().enumerate() {
                row[0] = i;
            }
            for (j, cell) in d[0].iter_mut().enumerate() {
                *cell = j;
            }
            for i in 1..=a.len() {
                for j in 1..=b.len() {
                    let mut v =
                        (d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1])).min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
                    if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                        v = v.min(d[i - 2][j - 2] + 1);
                    }
                    d[i][j] = v;
                }
            }
            d[a.len()][b.len()]
        }
        let words =
            ["", "a", "ab", "ba", "abc", "acb", "ca", "iran", "irn", "israel", "usa", "uas", "kitten", "sitting"];
        for a in words {
            for b in words {
                let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                let want = full(&a, &b);
                for cap in 0..8 {
                    let mut budget = u64::MAX;
                    let got = osa_within(&a, &b, cap, &mut budget);
                    assert_eq!(got, (want <= cap).then_some(want), "{a:?} {b:?} cap {cap}");
                }
            }
        }
    }

    #[test]
    fn long_words_and_exhausted_allowances_get_no_hint() {
        let long = "x".repeat(MAX_HINT_WORD + 1);
        assert_eq!(nearest(&long, [long.as_str()]), None);
        let mut hints = Hints::with_budget(0);
        assert_eq!(hints.nearest("irn", ["iran"]), None);
        let mut hints = Hints::default();
        assert_eq!(hints.nearest("irn", ["iran"]), Some("iran"));
        assert!(hints.remaining() < CELLS_PER_INPUT);
        // First of equals wins, as before.
        assert_eq!(nearest("ab", ["ac", "ad"]), Some("ac"));
    }
}
