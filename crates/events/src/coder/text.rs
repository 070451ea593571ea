//! Sentence splitting and tokens: enough of English for a dictionary coder.

/// A token: its upper-cased form and its byte span in the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub word: String,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn is_punct(&self) -> bool {
        !self.word.chars().any(|c| c.is_alphanumeric())
    }
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 28] = [
    "MR", "MRS", "MS", "DR", "GEN", "COL", "LT", "SGT", "CAPT", "GOV", "SEN", "REP", "ST", "JR", "SR", "PROF", "NO",
    "JAN", "FEB", "AUG", "SEPT", "SEP", "OCT", "NOV", "DEC", "VS", "ETC", "INC",
];

/// Splits text into sentences at `.`, `!` or `?` followed by white space and
/// an upper-case letter, a digit or a quote — not after an abbreviation or a
/// single initial (`U.S.`, `J. Smith`). Returns byte ranges.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < bytes.len() && matches!(bytes[j], b'"' | b'\'' | b')') {
                j += 1;
            }
            let mut k = j;
            while k < bytes.len() && bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            let ends = k > j && k < bytes.len() && {
                let next = text[k..].chars().next().unwrap_or(' ');
                next.is_uppercase() || next.is_ascii_digit() || next == '"' || next == '“'
            };
            if ends && b == b'.' && abbreviation_before(text, i) {
                i += 1;
                continue;
            }
            if ends {
                push_trimmed(text, start, j, &mut out);
                start = k;
                i = k;
                continue;
            }
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if !s.trim().is_empty() {
        out.push((start + lead, end - trail));
    }
}

fn abbreviation_before(text: &str, dot: usize) -> bool {
    let before = &text[..dot];
    let word: String = before.chars().rev().take_while(|c| c.is_alphabetic() || *c == '.').collect();
    let word: String = word.chars().rev().collect();
    let last = word.rsplit('.').next().unwrap_or("");
    (last.chars().count() == 1 && last.chars().all(char::is_uppercase))
        || ABBREVIATIONS.contains(&last.to_uppercase().as_str())
}

/// Tokens of a sentence: words (letters, digits, inner hyphens, dots and
/// apostrophes), a possessive `'S` and `N'T` split off, other punctuation one
/// character each. `U.S.` stays one token (`U.S.`); a final full stop does not.
pub fn tokens(sentence: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = sentence.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = i + 1;
            while j < chars.len() {
                let cj = chars[j].1;
                let next_alnum = chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric());
                if cj.is_alphanumeric() || (matches!(cj, '-' | '\'' | '’' | '.' | ',' | '%') && next_alnum) {
                    if cj == ',' && !(chars[j - 1].1.is_ascii_digit() && chars[j + 1].1.is_ascii_digit()) {
                        break;
                    }
                    j += 1;
                } else if cj == '.' && is_initialism(&chars[i..=j]) {
                    j += 1;
                } else if cj == '%' {
                    j += 1;
                    break;
                } else {
                    break;
                }
            }
            let end = chars.get(j).map_or(sentence.len(), |c| c.0);
            let raw = &sentence[start..end];
            // "US" in capitals is the country, "us" the pronoun.
            let word = if raw == "US" { "U.S.".to_string() } else { raw.replace('’', "'").to_uppercase() };
            if let Some(stem) = word.strip_suffix("'S").filter(|s| !s.is_empty()) {
                let cut = start + stem.len();
                out.push(Token { word: stem.to_string(), start, end: cut });
                out.push(Token { word: "'S".into(), start: cut, end });
            } else if let Some(stem) = word.strip_suffix("N'T").filter(|s| !s.is_empty()) {
                let cut = start + stem.len();
                out.push(Token { word: if stem == "CA" { "CAN".into() } else { stem.to_string() }, start, end: cut });
                out.push(Token { word: "N'T".into(), start: cut, end });
            } else {
                out.push(Token { word, start, end });
            }
            i = j;
            continue;
        }
        let end = chars.get(i + 1).map_or(sentence.len(), |c| c.0);
        out.push(Token { word: sentence[start..end].to_string(), start, end });
        i += 1;
    }
    out
}

/// `U.S.`, `U.N.`: single letters each followed by a dot.
fn is_initialism(chars: &[(usize, char)]) -> bool {
    let s: String = chars.iter().map(|c| c.1).collect();
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() >= 2 && parts[..parts.len() - 1].iter().all(|p| p.chars().count() == 1)
}
