//! An offline English event coder in the tradition of TABARI (Schrodt 2009)
//! and PETRARCH2 (Norris, Schrodt & Beieler 2017), without a parser: sentences
//! are split and tokenised; actors and agents are found by longest match in
//! the actor dictionaries; verbs by their forms; each verb's patterns are
//! matched on the words before and after it; the source is the actor before
//! the verb (or after `by` in the passive), the target the pattern's `+` slot
//! or the next actor. The rule that fired and the words it matched are kept on
//! every event. See docs/events.md for the rules and their scores.

pub mod dict;
pub mod text;

use crate::cameo;
use crate::model::{Coding, Event, EventActor, EventType, Provenance};
use dict::{DictProblem, Element, PhraseDictionary, VerbDictionary};
use text::Token;

/// What to do with an event the text negates ("did not attack").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Negation {
    /// Keep it with `"negated": true`.
    #[default]
    Flag,
    /// Leave it out.
    Drop,
}

/// The coder's limits and choices.
#[derive(Clone, Debug)]
pub struct CoderOptions {
    pub negation: Negation,
    /// Sentences with more tokens are cut here (long run-ons code badly and
    /// would cost time out of proportion).
    pub max_tokens: usize,
    /// How many words a pattern may skip between two of its words.
    pub max_gap: usize,
}

impl Default for CoderOptions {
    fn default() -> Self {
        CoderOptions { negation: Negation::Flag, max_tokens: 120, max_gap: 6 }
    }
}

/// The dictionaries a coder reads: verbs and patterns, actors, agents.
#[derive(Clone, Debug, Default)]
pub struct Dictionaries {
    pub verbs: VerbDictionary,
    pub actors: PhraseDictionary,
    pub agents: PhraseDictionary,
    /// Problems met while reading (lines skipped); reported, not fatal.
    pub problems: Vec<DictProblem>,
    /// The files read, for provenance.
    pub files: Vec<String>,
}

/// The project's own compact dictionaries (PETRARCH format), for the actors of
/// the built-in scenarios and the verbs of negotiation.
pub const BUILTIN_VERBS: &str = include_str!("../../dictionaries/demarche.verbs.txt");
pub const BUILTIN_ACTORS: &str = include_str!("../../dictionaries/demarche.actors.txt");
pub const BUILTIN_AGENTS: &str = include_str!("../../dictionaries/demarche.agents.txt");

impl Dictionaries {
    /// The built-in dictionaries alone.
    pub fn builtin() -> Dictionaries {
        let mut d = Dictionaries::default();
        d.add_verbs(BUILTIN_VERBS, "demarche.verbs.txt");
        d.add_actors(BUILTIN_ACTORS, "demarche.actors.txt");
        d.add_agents(BUILTIN_AGENTS, "demarche.agents.txt");
        d
    }

    /// The built-in dictionaries with a directory of PETRARCH-format files
    /// folded in: verb files (`CAMEO*.txt`, `*.verbs.txt`), actor files
    /// (`*.actors.txt`) and agent files (`*agents*.txt`). The user's verbs take
    /// precedence over the built-in ones; the built-in actors (current office
    /// holders) over the user's for phrases of equal length. Other files are
    /// ignored. Each file is capped at 64 MiB.
    pub fn from_dir(dir: &std::path::Path) -> Result<Dictionaries, String> {
        let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read the dictionary folder {}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        let read = |p: &std::path::Path| -> Result<String, String> {
            let len = std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            if len > 64 << 20 {
                return Err(format!("{} is {len} bytes; dictionary files are capped at 64 MiB", p.display()));
            }
            let bytes = std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            Ok(String::from_utf8_lossy(&bytes).into_owned())
        };
        let mut d = Dictionaries::default();
        d.add_verbs(BUILTIN_VERBS, "demarche.verbs.txt");
        let mut found = 0;
        let (mut actors, mut agents) = (Vec::new(), Vec::new());
        for p in &entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".actors.txt") {
                actors.push((read(p)?, name));
            } else if lower.contains("agents") && lower.ends_with(".txt") {
                agents.push((read(p)?, name));
            } else if (lower.starts_with("cameo") || lower.ends_with(".verbs.txt")) && lower.ends_with(".txt") {
                d.add_verbs(&read(p)?, &name);
                found += 1;
            }
        }
        found += actors.len() + agents.len();
        if found == 0 {
            return Err(format!(
                "{} holds no PETRARCH dictionary files; hint: verbs in CAMEO*.txt or *.verbs.txt, actors in *.actors.txt, agents in *agents*.txt",
                dir.display()
            ));
        }
        for (text, name) in actors {
            d.add_actors(&text, &name);
        }
        d.add_actors(BUILTIN_ACTORS, "demarche.actors.txt");
        for (text, name) in agents {
            d.add_agents(&text, &name);
        }
        d.add_agents(BUILTIN_AGENTS, "demarche.agents.txt");
        Ok(d)
    }

    pub fn add_verbs(&mut self, text: &str, file: &str) {
        let v = VerbDictionary::parse(text, file, &mut self.problems);
        self.verbs.merge(v);
        self.files.push(file.to_string());
    }

    pub fn add_actors(&mut self, text: &str, file: &str) {
        let a = dict::parse_actors(text, file, &mut self.problems);
        self.actors.merge(a);
        self.files.push(file.to_string());
    }

    pub fn add_agents(&mut self, text: &str, file: &str) {
        let a = dict::parse_agents(text, file, &mut self.problems);
        self.agents.merge(a);
        self.files.push(file.to_string());
    }
}

/// One text to code.
#[derive(Clone, Debug, Default)]
pub struct Input {
    pub id: String,
    pub text: String,
    /// `YYYY-MM-DD`; selects date-restricted actor roles.
    pub date: Option<String>,
}

#[derive(Clone, Debug)]
struct ActorSpan {
    start: usize,
    end: usize,
    actor: EventActor,
    words: String,
}

#[derive(Clone, Debug)]
struct VerbHit {
    start: usize,
    end: usize,
    block: usize,
    code: Option<Option<String>>,
}

fn date_number(date: &str) -> Option<u32> {
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 8).then(|| digits.parse().ok()).flatten()
}

const DETERMINERS: [&str; 12] = ["THE", "A", "AN", "ITS", "THEIR", "HIS", "HER", "'S", "THIS", "THAT", "OUR", "NEW"];
const NEGATORS: [&str; 4] = ["NOT", "N'T", "NEVER", "NO"];
const BE: [&str; 8] = ["IS", "ARE", "WAS", "WERE", "BE", "BEEN", "BEING", "GOT"];

/// Codes one input: every sentence, every event found, the main event of each
/// sentence first.
pub fn code(d: &Dictionaries, input: &Input, opts: &CoderOptions) -> Vec<Event> {
    let date = input.date.as_deref().and_then(date_number);
    let mut out = Vec::new();
    for (n, (s, e)) in text::sentences(&input.text).into_iter().enumerate() {
        let sentence = &input.text[s..e];
        let mut toks = text::tokens(sentence);
        toks.truncate(opts.max_tokens);
        let events = code_sentence(d, &toks, sentence, date, opts);
        for (k, mut ev) in events.into_iter().enumerate() {
            ev.id = format!("{}-{}-{}", input.id, n + 1, k + 1);
            ev.date = input.date.clone().unwrap_or_default();
            ev.source.record = input.id.clone();
            if let Some(c) = ev.coding.as_mut() {
                c.sentence = n;
                c.main = k == 0;
            }
            out.push(ev);
        }
    }
    out
}

fn find_actors(d: &Dictionaries, toks: &[Token], date: Option<u32>) -> Vec<ActorSpan> {
    let words: Vec<&str> = toks.iter().map(|t| t.word.as_str()).collect();
    let mut spans: Vec<(usize, usize, bool, usize)> = Vec::new(); // start, end, is_agent, entry
    let mut i = 0;
    while i < words.len() {
        let hit = longest(&d.actors, &words, i).map(|(len, e)| (len, false, e));
        let agent = longest(&d.agents, &words, i).map(|(len, e)| (len, true, e));
        let best = match (hit, agent) {
            (Some(a), Some(b)) => Some(if b.0 > a.0 { b } else { a }),
            (a, b) => a.or(b),
        };
        match best {
            Some((len, is_agent, entry)) => {
                spans.push((i, i + len, is_agent, entry));
                i += len;
            }
            None => i += 1,
        }
    }
    // Join a country with the agents right beside it ("Iranian foreign
    // minister", "the minister of Iran") into one actor.
    let mut out: Vec<ActorSpan> = Vec::new();
    let mut k = 0;
    while k < spans.len() {
        let (s, e, is_agent, entry) = spans[k];
        let dict = if is_agent { &d.agents } else { &d.actors };
        let code = dict.entries[entry].code_on(date).unwrap_or("").to_string();
        let mut actor = if is_agent {
            EventActor { name: String::new(), country: String::new(), sector: vec![code.clone()], code, wikidata: None }
        } else {
            EventActor::from_code("", &code)
        };
        let mut end = e;
        let mut start = s;
        let mut j = k + 1;
        while j < spans.len() {
            let (s2, e2, agent2, entry2) = spans[j];
            let gap: Vec<&str> = words[end..s2].to_vec();
            let adjacent = gap.is_empty() || gap.iter().all(|w| matches!(*w, "OF" | "'S" | "THE" | "FOR"));
            if !adjacent {
                break;
            }
            let d2 = if agent2 { &d.agents } else { &d.actors };
            let code2 = d2.entries[entry2].code_on(date).unwrap_or("").to_string();
            if agent2 && !actor.country.is_empty() {
                merge_sector(&mut actor, &code2);
            } else if !agent2 && actor.country.is_empty() {
                let sectors = std::mem::take(&mut actor.sector);
                actor = EventActor::from_code("", &code2);
                for sct in sectors {
                    merge_sector(&mut actor, &sct);
                }
            } else if agent2 && actor.country.is_empty() {
                merge_sector(&mut actor, &code2);
            } else {
                break;
            }
            end = e2;
            j += 1;
        }
        // A bare agent ("the minister") with no country is still an actor.
        while start > 0 && matches!(words[start - 1], "THE") {
            start -= 1;
        }
        let name = sentence_words(toks, s, end);
        actor.name = name.clone();
        if !actor.country.is_empty() || !actor.sector.is_empty() {
            actor.code = format!("{}{}", actor.country, actor.sector.concat());
        }
        out.push(ActorSpan { start, end, actor, words: name });
        k = j;
    }
    out
}

fn merge_sector(actor: &mut EventActor, code: &str) {
    let code = code.trim_start_matches('~');
    for chunk in code.as_bytes().chunks(3) {
        let c = String::from_utf8_lossy(chunk).into_owned();
        if !c.is_empty() && !actor.sector.contains(&c) && c != actor.country {
            actor.sector.push(c);
        }
    }
}

fn sentence_words(toks: &[Token], s: usize, e: usize) -> String {
    toks[s..e].iter().map(|t| t.word.as_str()).collect::<Vec<_>>().join(" ")
}

/// The longest dictionary phrase starting at `i`: (tokens, entry).
fn longest(d: &PhraseDictionary, words: &[&str], i: usize) -> Option<(usize, usize)> {
    let first = words[i];
    let candidates = d.phrases.get(first).or_else(|| plural_stem(first).and_then(|s| d.phrases.get(&s)))?;
    for (phrase, exact, entry) in candidates {
        if i + phrase.len() > words.len() {
            continue;
        }
        let ok = phrase.iter().enumerate().all(|(k, w)| {
            let t = words[i + k];
            t == w
                || (k + 1 == phrase.len() && !*exact && plural_stem(t).as_deref() == Some(w.as_str()))
                || (k == 0 && plural_stem(t).as_deref() == Some(w.as_str()))
        });
        if ok {
            return Some((phrase.len(), *entry));
        }
    }
    None
}

fn plural_stem(w: &str) -> Option<String> {
    if let Some(s) = w.strip_suffix("IES") {
        return Some(format!("{s}Y"));
    }
    if let Some(s) = w.strip_suffix("ES").filter(|s| s.ends_with("SH") || s.ends_with("CH") || s.ends_with('S')) {
        return Some(s.to_string());
    }
    w.strip_suffix('S').filter(|s| s.len() > 2).map(str::to_string)
}

fn find_verbs(d: &Dictionaries, toks: &[Token], actors: &[ActorSpan]) -> Vec<VerbHit> {
    let words: Vec<&str> = toks.iter().map(|t| t.word.as_str()).collect();
    let inside_actor = |i: usize| actors.iter().any(|a| i >= a.start && i < a.end);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if inside_actor(i) {
            i += 1;
            continue;
        }
        let mut hit = None;
        if let Some(forms) = d.verbs.forms.get(words[i]) {
            for f in forms {
                if i + f.words.len() <= words.len() && f.words.iter().enumerate().all(|(k, w)| words[i + k] == w) {
                    hit = Some((f.words.len(), f.block, f.code.clone()));
                    break;
                }
            }
        }
        if let Some((len, block, code)) = hit {
            // "the attack", "its offer": a noun, not a verb.
            let prev = i.checked_sub(1).map(|p| words[p]);
            let noun = prev.is_some_and(|p| DETERMINERS.contains(&p));
            if !noun {
                out.push(VerbHit { start: i, end: i + len, block, code });
                i += len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// Matches `elements` in order in `words[from..to]`, each within `gap` words
/// of the last. Returns the matched word count, the index after the last
/// match, and where the `$`/`+` slots fell.
fn match_side(
    d: &Dictionaries,
    elements: &[Element],
    words: &[&str],
    from: usize,
    to: usize,
    gap: usize,
    forward: bool,
) -> Option<(usize, Option<usize>, Option<usize>)> {
    let mut matched = 0;
    let mut src = None;
    let mut tgt = None;
    if forward {
        let mut pos = from;
        for el in elements {
            match el {
                Element::Source => src = Some(pos),
                Element::Target => tgt = Some(pos),
                _ => {
                    let limit = (pos + gap + 1).min(to);
                    let found = (pos..limit).find(|&k| element_matches(d, el, words[k]))?;
                    matched += 1;
                    pos = found + 1;
                }
            }
        }
        Some((matched, src, tgt))
    } else {
        let mut pos = from; // exclusive upper bound, moving left
        for el in elements.iter().rev() {
            match el {
                Element::Source => src = Some(pos.saturating_sub(1)),
                Element::Target => tgt = Some(pos.saturating_sub(1)),
                _ => {
                    let low = pos.saturating_sub(gap + 1).max(to);
                    let found = (low..pos).rev().find(|&k| element_matches(d, el, words[k]))?;
                    matched += 1;
                    pos = found;
                }
            }
        }
        Some((matched, src, tgt))
    }
}

fn element_matches(d: &Dictionaries, el: &Element, w: &str) -> bool {
    match el {
        Element::Word { word, exact } => w == word || (!*exact && inflects(w, word)),
        Element::Set(name) => d.verbs.sets.get(name).is_some_and(|set| set.iter().any(|s| w == s || inflects(w, s))),
        _ => false,
    }
}

/// An event found at one verb, before frames ("agreed to", "will",
/// "refused to", "must") are applied.
#[derive(Clone, Debug)]
struct Candidate {
    verb: usize,
    kind: EventType,
    mode: &'static str,
    code: String,
    rule: String,
    source: Vec<usize>,
    target: Vec<usize>,
    negated: bool,
    patterned: bool,
    matched_words: Vec<String>,
    /// Set when a frame took this event over: (frame class, frame word index).
    frame: Option<(Frame, usize)>,
}

/// What a verb's frame says of it (PLOVER manual, "intentions and
/// hypotheticals": a stated intention to cooperate is AGREE, to do harm
/// THREATEN; refusals REJECT; what one party says another must do REQUEST).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// will, plans to, ready to: AGREE when the act cooperates, else THREATEN.
    Intent,
    /// agreed to, offered to, promised to: AGREE.
    Agree,
    /// refused to, would not: REJECT.
    Reject,
    /// threatened to, warned it would: THREATEN.
    Threaten,
    /// demanded that, urged X to, must: REQUEST.
    Request,
}

fn frame_word(w: &str) -> Option<Frame> {
    let starts = |stems: &[&str]| stems.iter().any(|s| w.starts_with(s) && w.len() <= s.len() + 3);
    if starts(&["AGREE", "OFFER", "PROMIS", "PLEDG", "CONSENT"]) {
        Some(Frame::Agree)
    } else if starts(&["REFUS", "DECLIN"]) {
        Some(Frame::Reject)
    } else if starts(&["THREATEN", "WARN"]) {
        Some(Frame::Threaten)
    } else if starts(&["DEMAND", "URG", "ASK", "CALL", "PRESS", "PRESSUR", "INSIST", "APPEAL"]) {
        Some(Frame::Request)
    } else if starts(&[
        "PLAN", "INTEND", "DECID", "VOW", "PREPAR", "READY", "WILLING", "DETERMIN", "SET", "GOING", "AIM",
    ]) || matches!(w, "READY" | "PREPARED" | "WILLING")
    {
        Some(Frame::Intent)
    } else {
        None
    }
}

const MODALS: [&str; 8] = ["WILL", "WOULD", "SHALL", "MAY", "MIGHT", "COULD", "'LL", "CAN"];
const SOFT: [&str; 8] = ["ALSO", "SOON", "NOW", "STILL", "AGAIN", "FIRST", "BE", "NOT"];

/// The frame governing the verb at `start`: which class and where its word is.
fn frame_of(words: &[&str], start: usize) -> Option<(Frame, usize)> {
    let mut k = start;
    let mut negated = false;
    // Step back over adverbs and `not` to the word before the verb.
    while k > 0 && SOFT.contains(&words[k - 1]) {
        if words[k - 1] == "NOT" {
            negated = true;
        }
        k -= 1;
    }
    if k > 0 && words[k - 1] == "N'T" {
        negated = true;
        k -= 1;
    }
    let prev = k.checked_sub(1).map(|p| words[p])?;
    if MODALS.contains(&prev) {
        return Some((if negated { Frame::Reject } else { Frame::Intent }, k - 1));
    }
    if matches!(prev, "MUST" | "SHOULD") {
        return Some((Frame::Request, k - 1));
    }
    if prev == "TO" {
        // "agreed to", "plans to", "is ready to", "urged Iran to": look back a
        // few words for the frame word.
        let low = (k - 1).saturating_sub(8);
        for j in (low..k - 1).rev() {
            if matches!(words[j], "." | ";" | ":") {
                break;
            }
            if let Some(f) = frame_word(words[j]) {
                // Only a request frame may have its addressee in between.
                if f == Frame::Request || j + 3 >= k - 1 {
                    return Some((if negated { Frame::Reject } else { f }, j));
                }
            }
        }
    }
    if matches!(prev, "THAT") && k >= 2 {
        let low = (k - 1).saturating_sub(3);
        for j in (low..k - 1).rev() {
            if let Some(f @ (Frame::Request | Frame::Threaten)) = frame_word(words[j]) {
                return Some((f, j));
            }
        }
    }
    None
}

/// `w` is `stem` with an English inflection (`TALK` → `TALKS`, `TALKED`).
fn inflects(w: &str, stem: &str) -> bool {
    w.strip_prefix(stem).is_some_and(|rest| matches!(rest, "S" | "ES" | "ED" | "D" | "ING" | "'S" | "ER" | "ERS"))
}

fn code_sentence(
    d: &Dictionaries,
    toks: &[Token],
    sentence: &str,
    date: Option<u32>,
    opts: &CoderOptions,
) -> Vec<Event> {
    let actors = find_actors(d, toks, date);
    let verbs = find_verbs(d, toks, &actors);
    let words: Vec<&str> = toks.iter().map(|t| t.word.as_str()).collect();
    let mut cands: Vec<Candidate> = Vec::new();
    let index_of = |a: &ActorSpan| actors.iter().position(|b| b.start == a.start).unwrap_or(0);
    for (vi, v) in verbs.iter().enumerate() {
        // The clause around this verb: from the previous clause mark to the next `;`.
        let clause_start = (0..v.start).rev().find(|&k| matches!(words[k], ";" | ":")).map_or(0, |k| k + 1);
        let clause_end = (v.end..words.len()).find(|&k| matches!(words[k], ";")).unwrap_or(words.len());
        let next_verb = verbs.get(vi + 1).map_or(clause_end, |n| n.start);
        let block = &d.verbs.blocks[v.block];
        let mut best: Option<(usize, &dict::Pattern, Option<usize>, Option<usize>)> = None;
        for p in &block.patterns {
            let left = match_side(d, &p.left, &words, v.start, clause_start, opts.max_gap, false);
            let Some((ln, lsrc, ltgt)) = left else { continue };
            let right = match_side(d, &p.right, &words, v.end, clause_end, opts.max_gap, true);
            let Some((rn, rsrc, rtgt)) = right else { continue };
            let n = ln + rn;
            if n == 0 {
                continue;
            }
            if best.as_ref().is_none_or(|b| n > b.0) {
                best = Some((n, p, lsrc.or(rsrc), ltgt.or(rtgt)));
            }
        }
        let (code, rule, slots, pattern_words) = match &best {
            Some((_, p, s, t)) => {
                let mut pw = Vec::new();
                for el in p.left.iter().chain(&p.right) {
                    match el {
                        Element::Word { word, .. } => pw.push(word.clone()),
                        Element::Set(s) => pw.push(s.clone()),
                        _ => {}
                    }
                }
                (
                    p.code.clone(),
                    format!("{}: {}", block.name, p.text.split_whitespace().collect::<Vec<_>>().join(" ")),
                    (*s, *t),
                    pw,
                )
            }
            None => {
                let code = match &v.code {
                    Some(c) => c.clone(),
                    None => block.code.clone(),
                };
                (code, format!("{}: verb", block.name), (None, None), Vec::new())
            }
        };
        // "if it attacks": a condition, not an event.
        let conditional = (v.start.saturating_sub(3)..v.start).any(|k| matches!(words[k], "IF" | "UNLESS"));
        if conditional {
            continue;
        }
        // Verbs PLOVER does not code (statements, appeals) still anchor frames.
        let plover = code.as_deref().and_then(cameo::to_plover);

        // Passive: "X was attacked by Y".
        let passive = v.start > 0
            && BE.contains(&words[v.start - 1])
            && (words[v.start].ends_with("ED") || words[v.start].ends_with("EN"))
            && words.get(v.end) == Some(&"BY");
        let before: Vec<&ActorSpan> = actors.iter().filter(|a| a.end <= v.start && a.start >= clause_start).collect();
        let after: Vec<&ActorSpan> = actors.iter().filter(|a| a.start >= v.end && a.start < clause_end).collect();
        let (source, mut target): (Vec<&ActorSpan>, Vec<&ActorSpan>);
        if passive {
            source = compound(&actors, &words, after.first().copied());
            target = compound_back(&actors, &words, before.last().copied());
        } else {
            source = match slots.0 {
                Some(pos) => compound(&actors, &words, actors.iter().find(|a| a.start >= pos && a.start < clause_end)),
                None => compound_back(&actors, &words, before.last().copied()),
            };
            target = match slots.1 {
                Some(pos) => compound(&actors, &words, actors.iter().find(|a| a.start >= pos && a.start < clause_end)),
                None => compound(
                    &actors,
                    &words,
                    after.first().copied().filter(|a| a.start < next_verb || !words[v.end..a.start].contains(&",")),
                ),
            };
        }
        target.retain(|t| !source.iter().any(|s| s.start == t.start));
        let negated = (v.start.saturating_sub(3)..v.start).any(|k| NEGATORS.contains(&words[k]))
            || words.get(v.end) == Some(&"NOT");
        let (kind, mode) = match plover {
            Some((k, m)) => (Some(k), m),
            None => (None, ""),
        };
        let mut matched_words = vec![sentence_words(toks, v.start, v.end)];
        matched_words.extend(pattern_words);
        cands.push(Candidate {
            verb: vi,
            kind: kind.unwrap_or(EventType::Consult),
            mode,
            code: code.clone().unwrap_or_default(),
            rule,
            source: source.iter().map(|a| index_of(a)).collect(),
            target: target.iter().map(|a| index_of(a)).collect(),
            negated,
            patterned: best.is_some(),
            matched_words,
            frame: None,
        });
        if kind.is_none() {
            // Keep the verb for framing only.
            if let Some(c) = cands.last_mut() {
                c.code.clear();
            }
        }
    }

    // Frames: "agreed to X", "will X", "refused to X", "urged Y to X", "Y must X".
    let mut absorbed = vec![false; cands.len()];
    for i in 0..cands.len() {
        let v = &verbs[cands[i].verb];
        let Some((frame, at)) = frame_of(&words, v.start) else { continue };
        if cands[i].code.is_empty() {
            continue;
        }
        let cooperative = cands[i].kind.quad().is_cooperation();
        let kind = match frame {
            Frame::Intent => {
                if cooperative {
                    EventType::Agree
                } else {
                    EventType::Threaten
                }
            }
            Frame::Agree => EventType::Agree,
            Frame::Reject => EventType::Reject,
            Frame::Threaten => EventType::Threaten,
            Frame::Request => EventType::Request,
        };
        // The frame's own verb (if it is one) gives the source and is absorbed.
        let frame_verb = cands.iter().position(|c| {
            let fv = &verbs[c.verb];
            fv.start <= at && at < fv.end
        });
        let c = &mut cands[i];
        c.frame = Some((frame, at));
        c.rule = format!("frame {} \"{}\" + {}", frame_name(frame), words[at], c.rule);
        c.matched_words.insert(0, words[at].to_string());
        c.kind = kind;
        c.mode = "";
        c.negated = false;
        let content_source = c.source.clone();
        if let Some(f) = frame_verb.filter(|&f| f != i) {
            absorbed[f] = true;
            let fsource = cands[f].source.clone();
            let c = &mut cands[i];
            if !fsource.is_empty() {
                c.source = fsource;
            }
            if frame == Frame::Request && c.target.is_empty() {
                c.target = content_source.into_iter().filter(|t| !c.source.contains(t)).collect();
            }
        } else if frame == Frame::Request && matches!(words[at], "MUST" | "SHOULD") {
            // "X said Y must ...": Y is addressed, the speaker is the source.
            let speaker: Vec<usize> = (0..actors.len()).filter(|&a| actors[a].end <= at).take(1).collect();
            let c = &mut cands[i];
            if let Some(&first) = speaker.first() {
                if !c.source.contains(&first) {
                    c.target = c.source.clone();
                    c.source = vec![first];
                }
            }
        }
    }
    // A frame verb followed by `to` and a verb the dictionary does not know
    // ("agreed to undertake") still says what its frame says.
    for (i, c) in cands.iter_mut().enumerate() {
        if absorbed[i] || c.frame.is_some() {
            continue;
        }
        let v = &verbs[c.verb];
        if words.get(v.end) == Some(&"TO") {
            match frame_word(words[v.start]) {
                Some(Frame::Agree) => {
                    c.kind = EventType::Agree;
                    c.code = "030".into();
                    c.mode = "";
                }
                Some(Frame::Reject) => {
                    c.kind = EventType::Reject;
                    c.code = "120".into();
                    c.mode = "";
                }
                Some(Frame::Threaten) => {
                    c.kind = EventType::Threaten;
                    c.code = "130".into();
                    c.mode = "";
                }
                _ => {}
            }
        }
    }

    let mut order: Vec<usize> = (0..cands.len()).filter(|&i| !absorbed[i] && !cands[i].code.is_empty()).collect();
    // Order by where the event's words begin (a frame's word, else the verb).
    let begin = |c: &Candidate| c.frame.map_or(verbs[c.verb].start, |(_, at)| at.min(verbs[c.verb].start));
    order.sort_by_key(|&i| begin(&cands[i]));
    let mut events = Vec::new();
    for i in order {
        let c = &cands[i];
        if c.negated && opts.negation == Negation::Drop {
            continue;
        }
        let mut matched: Vec<String> = c.source.iter().map(|&a| actors[a].words.clone()).collect();
        matched.extend(c.matched_words.iter().cloned());
        matched.extend(c.target.iter().map(|&a| actors[a].words.clone()));
        let mut ev = Event::with_mode(
            String::new(),
            String::new(),
            c.kind,
            c.mode,
            Provenance { dataset: "demarche-coder".into(), ..Default::default() },
        );
        ev.cameo = Some(c.code.clone());
        ev.actors = c.source.iter().map(|&a| actors[a].actor.clone()).collect();
        ev.recipients = c.target.iter().map(|&a| actors[a].actor.clone()).collect();
        ev.text = sentence.to_string();
        ev.negated = c.negated;
        ev.confidence = match (c.patterned || c.frame.is_some(), ev.actors.is_empty(), ev.recipients.is_empty()) {
            (true, false, false) => 0.9,
            (true, false, true) | (false, false, false) => 0.75,
            (false, false, true) => 0.6,
            (_, true, _) => 0.4,
        };
        ev.coding = Some(Coding { matched, rule: c.rule.clone(), sentence: 0, main: false });
        events.push(ev);
    }
    // The main event first: the first with a source, else the first.
    if let Some(first_with_source) = events.iter().position(|e| !e.actors.is_empty()) {
        let main = events.remove(first_with_source);
        events.insert(0, main);
    }
    events
}

fn frame_name(f: Frame) -> &'static str {
    match f {
        Frame::Intent => "intent",
        Frame::Agree => "agree",
        Frame::Reject => "reject",
        Frame::Threaten => "threaten",
        Frame::Request => "request",
    }
}

/// Whether the words between two actors join them into one compound actor.
fn joins(words: &[&str], from: usize, to: usize) -> bool {
    matches!(words.get(from..to), Some(["AND"] | [","] | [",", "AND"] | ["AND", "THE"] | [",", "AND", "THE"]))
}

/// An actor and the ones joined to it by `and` after it.
fn compound<'a>(all: &'a [ActorSpan], words: &[&str], first: Option<&'a ActorSpan>) -> Vec<&'a ActorSpan> {
    let Some(first) = first else { return Vec::new() };
    let Some(mut idx) = all.iter().position(|a| a.start == first.start) else { return vec![first] };
    let mut out = vec![first];
    while let Some(next) = all.get(idx + 1) {
        if next.start > all[idx].end && joins(words, all[idx].end, next.start) {
            out.push(next);
            idx += 1;
        } else {
            break;
        }
    }
    out
}

/// The actor before the verb and the ones joined to it by `and` before it.
fn compound_back<'a>(all: &'a [ActorSpan], words: &[&str], last: Option<&'a ActorSpan>) -> Vec<&'a ActorSpan> {
    let Some(last) = last else { return Vec::new() };
    let Some(mut idx) = all.iter().position(|a| a.start == last.start) else { return vec![last] };
    let mut out = vec![last];
    while idx > 0 {
        let prev = &all[idx - 1];
        if all[idx].start > prev.end && joins(words, prev.end, all[idx].start) {
            out.insert(0, prev);
            idx -= 1;
        } else {
            break;
        }
    }
    out
}
