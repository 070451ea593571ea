//! Readers for dictionaries in the PETRARCH/TABARI formats (Schrodt, TABARI
//! manual 0.8, 2014; PETRARCH2's `PETRreader.py`): the verb-pattern file
//! (`CAMEO.2.0.txt`), actor files (`*.actors.txt`) and the agents file. The
//! coder reads the formats; it does not ship the Phoenix files (users hold
//! them; the project ships its own compact ones in the same format).

use std::collections::HashMap;

/// A problem in a dictionary file: which file, which line, what and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct DictProblem {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for DictProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// One element of a verb pattern.
#[derive(Clone, Debug, PartialEq)]
pub enum Element {
    /// A literal word (`TALKS`); `exact` when written with a closing `_`.
    Word { word: String, exact: bool },
    /// `&SET`: any word of a synonym set.
    Set(String),
    /// `$`: the event's source sits here.
    Source,
    /// `+`: the event's target sits here.
    Target,
}

/// `- left * right [code] # comment`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub left: Vec<Element>,
    pub right: Vec<Element>,
    /// CAMEO code; `None` for `[---]` (the pattern says: no event).
    pub code: Option<String>,
    pub text: String,
    pub line: usize,
}

/// A verb block: its forms and patterns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VerbBlock {
    pub name: String,
    pub code: Option<String>,
    pub patterns: Vec<Pattern>,
}

/// The word forms (a verb may be several words: `ASK FOR`) that open a block,
/// with the code the verb line gave, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct VerbForm {
    pub words: Vec<String>,
    pub block: usize,
    pub code: Option<Option<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct VerbDictionary {
    pub blocks: Vec<VerbBlock>,
    /// First word → forms starting with it (longest first).
    pub forms: HashMap<String, Vec<VerbForm>>,
    pub sets: HashMap<String, Vec<String>>,
}

/// A code with the dates it holds for (inclusive, `YYYYMMDD` as numbers).
#[derive(Clone, Debug, PartialEq)]
pub struct DatedCode {
    pub code: String,
    pub from: Option<u32>,
    pub to: Option<u32>,
}

impl DatedCode {
    pub fn holds_on(&self, date: Option<u32>) -> bool {
        match date {
            None => self.from.is_none() && self.to.is_none(),
            Some(d) => self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t),
        }
    }
}

/// An actor entry: its phrases and codes.
#[derive(Clone, Debug, PartialEq)]
pub struct ActorEntry {
    pub name: String,
    pub codes: Vec<DatedCode>,
}

impl ActorEntry {
    /// The code for a date: a dated code that holds on it, otherwise the first
    /// undated one, otherwise the latest-ending dated one.
    pub fn code_on(&self, date: Option<u32>) -> Option<&str> {
        if date.is_some() {
            if let Some(c) = self.codes.iter().find(|c| (c.from.is_some() || c.to.is_some()) && c.holds_on(date)) {
                return Some(&c.code);
            }
        }
        if let Some(c) = self.codes.iter().find(|c| c.from.is_none() && c.to.is_none()) {
            return Some(&c.code);
        }
        self.codes.iter().max_by_key(|c| c.to.unwrap_or(u32::MAX)).map(|c| c.code.as_str())
    }
}

/// Phrases (token lists) → entries, for actors and for agents.
#[derive(Clone, Debug, Default)]
pub struct PhraseDictionary {
    pub entries: Vec<ActorEntry>,
    /// First token → (phrase tokens, exact last word, entry), longest first.
    pub phrases: HashMap<String, Vec<(Vec<String>, bool, usize)>>,
}

impl PhraseDictionary {
    fn add_phrase(&mut self, phrase: &str, entry: usize) {
        let exact = phrase.ends_with('_');
        let words: Vec<String> =
            phrase.trim_end_matches('_').split(['_', ' ']).filter(|w| !w.is_empty()).map(normalise).collect();
        if let Some(first) = words.first().cloned() {
            let list = self.phrases.entry(first).or_default();
            list.push((words, exact, entry));
            list.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Folds another dictionary in; its phrases come first where lengths tie,
    /// so later dictionaries (the project's own, then the user's) win.
    pub fn merge(&mut self, other: PhraseDictionary) {
        let base = self.entries.len();
        self.entries.extend(other.entries);
        for (first, list) in other.phrases {
            let mine = self.phrases.entry(first).or_default();
            let mut theirs: Vec<_> = list.into_iter().map(|(w, e, i)| (w, e, i + base)).collect();
            theirs.append(mine);
            theirs.sort_by_key(|x| std::cmp::Reverse(x.0.len()));
            *mine = theirs;
        }
    }
}

/// Upper case, straight apostrophes, no surrounding punctuation.
pub fn normalise(word: &str) -> String {
    word.replace(['’', '‘'], "'").to_uppercase()
}

fn strip_comment(line: &str) -> &str {
    match line.find('#') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// `[020]`, `[042:043]`, `[:074]`, `[---]` → the event code (`None` = no event).
fn parse_code(inside: &str) -> Option<String> {
    let inside = inside.trim();
    if inside.starts_with("---") {
        return None;
    }
    let (main, second) = inside.split_once(':').unwrap_or((inside, ""));
    let code = if main.trim().is_empty() { second.trim() } else { main.trim() };
    (!code.is_empty() && code.bytes().all(|b| b.is_ascii_digit())).then(|| code.to_string())
}

fn bracketed(s: &str) -> Option<(&str, &str, &str)> {
    let open = s.find('[')?;
    let close = open + s[open..].find(']')?;
    Some((&s[..open], &s[open + 1..close], &s[close + 1..]))
}

fn pattern_elements(text: &str) -> Vec<Element> {
    text.split_whitespace()
        .flat_map(|t| t.split(['(', ')', '{', '}']))
        .filter(|t| !t.is_empty() && *t != "^" && *t != "%")
        .map(|t| match t {
            "$" => Element::Source,
            "+" => Element::Target,
            _ if t.starts_with('&') => Element::Set(t.to_string()),
            _ => Element::Word { word: normalise(t.trim_end_matches('_')), exact: t.ends_with('_') },
        })
        .collect()
}

/// The regular forms of an English verb: base, -S/-ES, -ED/-D, -ING (with a
/// final E dropped and a final consonant after a short vowel doubled, as
/// PETRARCH 0.5 generated them).
pub fn regular_forms(verb: &str) -> Vec<String> {
    let v = verb.to_string();
    let mut out = vec![v.clone()];
    let last = v.chars().last().unwrap_or(' ');
    if v.ends_with('E') {
        out.push(format!("{v}S"));
        out.push(format!("{v}D"));
        out.push(format!("{}ING", &v[..v.len() - 1]));
    } else if last == 'Y' && v.len() > 1 && !"AEIOU".contains(v.chars().rev().nth(1).unwrap_or('A')) {
        let stem = &v[..v.len() - 1];
        out.push(format!("{stem}IES"));
        out.push(format!("{stem}IED"));
        out.push(format!("{v}ING"));
    } else if v.ends_with('S') || v.ends_with("SH") || v.ends_with("CH") || v.ends_with('X') || v.ends_with('Z') {
        out.push(format!("{v}ES"));
        out.push(format!("{v}ED"));
        out.push(format!("{v}ING"));
    } else {
        out.push(format!("{v}S"));
        out.push(format!("{v}ED"));
        out.push(format!("{v}ING"));
        let chars: Vec<char> = v.chars().collect();
        let n = chars.len();
        if n >= 3
            && !"AEIOUWXY".contains(chars[n - 1])
            && "AEIOU".contains(chars[n - 2])
            && !"AEIOU".contains(chars[n - 3])
        {
            out.push(format!("{v}{}ED", chars[n - 1]));
            out.push(format!("{v}{}ING", chars[n - 1]));
        }
    }
    out
}

impl VerbDictionary {
    /// Reads a verb-pattern file. Problems are collected, not fatal: a line
    /// that cannot be read is reported and skipped.
    pub fn parse(text: &str, file: &str, problems: &mut Vec<DictProblem>) -> VerbDictionary {
        let mut d = VerbDictionary::default();
        let mut current_set: Option<String> = None;
        let mut in_transformations = false;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            if raw.starts_with("####") && raw.contains("TRANSFORMATIONS") {
                in_transformations = true;
            }
            let line = strip_comment(raw).trim_end();
            if in_transformations || line.trim().is_empty() {
                continue;
            }
            let t = line.trim();
            if let Some(name) = t.strip_prefix('&') {
                current_set = Some(format!("&{}", name.trim()));
                d.sets.entry(format!("&{}", name.trim())).or_default();
                continue;
            }
            if t.starts_with("---") {
                current_set = None;
                let inner = t.trim_matches('-').trim();
                let (name, code) = match bracketed(inner) {
                    Some((name, code, _)) => (name.trim().to_string(), parse_code(code)),
                    None => (inner.to_string(), None),
                };
                d.blocks.push(VerbBlock { name, code, patterns: Vec::new() });
                continue;
            }
            if let Some(set) = &current_set {
                if let Some(word) = t.strip_prefix('+') {
                    if let Some(v) = d.sets.get_mut(set) {
                        v.push(normalise(word.trim().trim_end_matches('_')));
                    }
                    continue;
                }
                current_set = None;
            }
            let Some(block) = d.blocks.len().checked_sub(1) else {
                problems.push(DictProblem {
                    file: file.into(),
                    line: line_no,
                    message: format!("`{t}` comes before any `--- VERB [code] ---` block; hint: start a block first"),
                });
                continue;
            };
            if let Some(rest) = t.strip_prefix('-') {
                let Some((body, code, _)) = bracketed(rest) else {
                    problems.push(DictProblem {
                        file: file.into(),
                        line: line_no,
                        message: format!("pattern `{t}` has no `[code]`; hint: end it with e.g. [036] or [---]"),
                    });
                    continue;
                };
                let Some((left, right)) = body.split_once('*') else {
                    problems.push(DictProblem {
                        file: file.into(),
                        line: line_no,
                        message: format!("pattern `{t}` has no `*` marking the verb; hint: `- * TALKS [046]`"),
                    });
                    continue;
                };
                d.blocks[block].patterns.push(Pattern {
                    left: pattern_elements(left),
                    right: pattern_elements(right),
                    code: parse_code(code),
                    text: t.to_string(),
                    line: line_no,
                });
                continue;
            }
            // A verb line: `WORD`, `+MULTI_WORD`, `WORD {IRREGULAR FORMS}`, `WORD [code]`.
            let (head, code) = match bracketed(t) {
                Some((before, code, after)) => (format!("{before} {after}"), Some(parse_code(code))),
                None => (t.to_string(), None),
            };
            let (base, irregular) = match head.split_once('{') {
                Some((b, rest)) => (b.trim().to_string(), rest.split('}').next().unwrap_or("").to_string()),
                None => (head.trim().to_string(), String::new()),
            };
            let multi = base.starts_with('+');
            let base = base.trim_start_matches('+').trim_end_matches('_').to_string();
            if base.is_empty() || base.contains(char::is_whitespace) {
                problems.push(DictProblem {
                    file: file.into(),
                    line: line_no,
                    message: format!("cannot read verb line `{t}`; hint: one word, or +WORDS_JOINED_BY_UNDERSCORES"),
                });
                continue;
            }
            let mut forms: Vec<String> = Vec::new();
            const AUXILIARIES: [&str; 11] =
                ["IS", "ARE", "WAS", "WERE", "BE", "BEEN", "HAS", "HAVE", "HAD", "WILL", "WOULD"];
            let (first, rest) = base.split_once('_').unwrap_or((&base, ""));
            if multi && AUXILIARIES.contains(&normalise(first).as_str()) {
                // `+IS_DETERMINED`: the auxiliary carries the tense; list as written.
                forms.push(normalise(&base));
            } else if multi {
                // Inflect the first word of a phrase verb (ASK_FOR → ASKS_FOR).
                for f in regular_forms(&normalise(first)) {
                    forms.push(if rest.is_empty() { f } else { format!("{f}_{}", normalise(rest)) });
                }
            } else {
                forms.extend(regular_forms(&normalise(&base)));
            }
            forms.extend(
                irregular
                    .split(|c: char| c.is_whitespace() || c == ',')
                    .map(|w| normalise(w.trim_start_matches('+').trim_end_matches('_')))
                    .filter(|w| w.chars().any(char::is_alphanumeric)),
            );
            for f in forms {
                let words: Vec<String> = f.split('_').filter(|w| !w.is_empty()).map(str::to_string).collect();
                if let Some(first) = words.first().cloned() {
                    let list = d.forms.entry(first).or_default();
                    if !list.iter().any(|v| v.words == words && v.block == block) {
                        list.push(VerbForm { words, block, code: code.clone() });
                    }
                    list.sort_by_key(|x| std::cmp::Reverse(x.words.len()));
                }
            }
        }
        d
    }

    /// Folds another verb dictionary in; its forms take precedence.
    pub fn merge(&mut self, other: VerbDictionary) {
        let base = self.blocks.len();
        self.blocks.extend(other.blocks);
        for (k, v) in other.sets {
            self.sets.entry(k).or_default().extend(v);
        }
        for (first, list) in other.forms {
            let mine = self.forms.entry(first).or_default();
            let mut theirs: Vec<VerbForm> = list.into_iter().map(|f| VerbForm { block: f.block + base, ..f }).collect();
            theirs.append(mine);
            theirs.sort_by_key(|x| std::cmp::Reverse(x.words.len()));
            *mine = theirs;
        }
    }

    pub fn pattern_count(&self) -> usize {
        self.blocks.iter().map(|b| b.patterns.len()).sum()
    }
}

/// `YYMMDD` (two-digit years from 30 are 19xx) or `YYYYMMDD`.
fn parse_dict_date(s: &str) -> Option<u32> {
    let s = s.trim();
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        8 => s.parse().ok(),
        6 => {
            let yy: u32 = s[..2].parse().ok()?;
            let rest: u32 = s[2..].parse().ok()?;
            Some((if yy >= 30 { 1900 + yy } else { 2000 + yy }) * 10000 + rest)
        }
        _ => None,
    }
}

/// `IRNGOV`, `IRNGOV >20130804`, `IRNGOV <20130804`, `IRNGOV 20050803-20130803`.
fn parse_dated(inside: &str, file: &str, line: usize, problems: &mut Vec<DictProblem>) -> Option<DatedCode> {
    let mut parts = inside.split_whitespace();
    let code = parts.next()?.to_string();
    let mut dc = DatedCode { code, from: None, to: None };
    if let Some(range) = parts.next() {
        let bad = |problems: &mut Vec<DictProblem>| {
            problems.push(DictProblem {
                file: file.into(),
                line,
                message: format!("cannot read the date restriction `{range}`; hint: >YYYYMMDD, <YYYYMMDD or YYYYMMDD-YYYYMMDD (the code is kept without it)"),
            })
        };
        if let Some(d) = range.strip_prefix('>') {
            match parse_dict_date(d) {
                Some(d) => dc.from = Some(d),
                None => bad(problems),
            }
        } else if let Some(d) = range.strip_prefix('<') {
            match parse_dict_date(d) {
                Some(d) => dc.to = Some(d),
                None => bad(problems),
            }
        } else if let Some((a, b)) = range.split_once('-') {
            match (parse_dict_date(a), parse_dict_date(b)) {
                (Some(a), Some(b)) => {
                    dc.from = Some(a);
                    dc.to = Some(b);
                }
                _ => bad(problems),
            }
        } else {
            bad(problems);
        }
    }
    Some(dc)
}

/// Reads an actor file: `NAME_ [CODE]` entries, `+SYNONYM` lines, and
/// indented `[CODE dates]` lines.
pub fn parse_actors(text: &str, file: &str, problems: &mut Vec<DictProblem>) -> PhraseDictionary {
    let mut d = PhraseDictionary::default();
    let mut current: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = strip_comment(raw);
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('[') {
            let Some(idx) = current else {
                problems.push(DictProblem {
                    file: file.into(),
                    line: line_no,
                    message: format!("code `{t}` belongs to no actor; hint: put it under an actor's name"),
                });
                continue;
            };
            let mut rest = t;
            while let Some((_, inside, after)) = bracketed(rest) {
                if let Some(c) = parse_dated(inside, file, line_no, problems) {
                    d.entries[idx].codes.push(c);
                }
                rest = after;
            }
            continue;
        }
        if let Some(syn) = t.strip_prefix('+') {
            let Some(idx) = current else {
                problems.push(DictProblem {
                    file: file.into(),
                    line: line_no,
                    message: format!("synonym `{t}` belongs to no actor; hint: put it under an actor's name"),
                });
                continue;
            };
            match bracketed(syn) {
                // A synonym with its own code is its own entry (`+WHITE_HOUSE_ [USAGOV]`
                // under the United States).
                Some((p, inside, _)) => {
                    let own = d.entries.len();
                    let codes = parse_dated(inside, file, line_no, problems).into_iter().collect();
                    d.entries.push(ActorEntry { name: p.trim().trim_end_matches('_').replace('_', " "), codes });
                    d.add_phrase(p.trim(), own);
                }
                None => d.add_phrase(syn.trim(), idx),
            }
            continue;
        }
        let (phrase, rest) = match bracketed(t) {
            Some((p, inside, after)) => (p.trim().to_string(), Some((inside.to_string(), after.to_string()))),
            None => (t.to_string(), None),
        };
        let idx = d.entries.len();
        d.entries.push(ActorEntry { name: phrase.trim_end_matches('_').replace('_', " "), codes: Vec::new() });
        if let Some((inside, after)) = rest {
            if let Some(c) = parse_dated(&inside, file, line_no, problems) {
                d.entries[idx].codes.push(c);
            }
            let mut more = after.as_str();
            while let Some((_, inside, after)) = bracketed(more) {
                if let Some(c) = parse_dated(inside, file, line_no, problems) {
                    d.entries[idx].codes.push(c);
                }
                more = after;
            }
        }
        d.add_phrase(&phrase, idx);
        current = Some(idx);
    }
    d
}

/// Reads an agents file: `WORD [~GOV]` (sector after a country) or
/// `WORD [GOV~]`, with `!SET! = A, B` substitution sets.
pub fn parse_agents(text: &str, file: &str, problems: &mut Vec<DictProblem>) -> PhraseDictionary {
    let mut d = PhraseDictionary::default();
    let mut subs: Vec<(String, Vec<String>)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let t = strip_comment(raw).trim();
        if t.is_empty() {
            continue;
        }
        if t.starts_with('!') {
            if let Some((name, values)) = t.split_once('=') {
                subs.push((
                    name.trim().to_string(),
                    values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect(),
                ));
            }
            continue;
        }
        let Some((phrase, inside, _)) = bracketed(t) else {
            problems.push(DictProblem {
                file: file.into(),
                line: line_no,
                message: format!("agent `{t}` has no `[~CODE]`; hint: `MINISTER [~GOV]`"),
            });
            continue;
        };
        let code = inside.trim().trim_matches('~').to_string();
        if code.is_empty() {
            continue;
        }
        let mut phrases = vec![phrase.trim().to_string()];
        for (name, values) in &subs {
            if phrases.iter().any(|p| p.contains(name.as_str())) {
                phrases =
                    phrases.iter().flat_map(|p| values.iter().map(move |v| p.replace(name.as_str(), v))).collect();
            }
        }
        let idx = d.entries.len();
        d.entries.push(ActorEntry {
            name: phrase.trim().trim_end_matches('_').replace('_', " "),
            codes: vec![DatedCode { code, from: None, to: None }],
        });
        for p in phrases {
            d.add_phrase(&p, idx);
        }
    }
    d
}
