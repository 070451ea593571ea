//! Linking events to a scenario: which scenario actor an event actor is (by
//! the actor's `codes`, then its `aliases`, name and id), and which issues an
//! event's text is about (by the issue's `keywords`).

use demarche_scenario::Scenario;

use crate::model::{Event, EventActor};

/// Scenario actor ids per event actor, resolved once per scenario.
pub struct Linker<'a> {
    sc: &'a Scenario,
    /// (actor index, upper-case code prefixes), longest codes first.
    codes: Vec<(usize, String)>,
    /// (actor index, lower-case names and aliases).
    names: Vec<(usize, Vec<String>)>,
}

impl<'a> Linker<'a> {
    pub fn new(sc: &'a Scenario) -> Linker<'a> {
        let mut codes: Vec<(usize, String)> = sc
            .actors
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.codes.iter().map(move |c| (i, c.trim().to_ascii_uppercase())))
            .filter(|(_, c)| !c.is_empty())
            .collect();
        codes.sort_by_key(|x| std::cmp::Reverse(x.1.len()));
        let names = sc
            .actors
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let mut n: Vec<String> = a.aliases.iter().map(|s| s.to_lowercase()).collect();
                n.push(a.name.to_lowercase());
                n.push(a.id.to_lowercase().replace('_', " "));
                (i, n)
            })
            .collect();
        Linker { sc, codes, names }
    }

    pub fn scenario(&self) -> &Scenario {
        self.sc
    }

    /// The scenario actor this event actor stands for: an alias, name or id
    /// equal to the actor's name first (so "Khamenei" finds the Leader's
    /// office, not the government his code also fits), else the longest
    /// `codes` entry its code starts with (`IRNGOV` before `IRN`).
    pub fn actor(&self, a: &EventActor) -> Option<usize> {
        let name = a.name.trim().to_lowercase();
        if !name.is_empty() {
            if let Some((i, _)) = self.names.iter().find(|(_, ns)| ns.contains(&name)) {
                return Some(*i);
            }
        }
        let code = if a.code.is_empty() { format!("{}{}", a.country, a.sector.concat()) } else { a.code.clone() };
        let code = code.to_ascii_uppercase();
        if code.is_empty() {
            return None;
        }
        self.codes.iter().find(|(_, c)| code.starts_with(c.as_str())).map(|(i, _)| *i)
    }

    /// The scenario actors on each side of an event (each listed once).
    pub fn sides(&self, e: &Event) -> (Vec<usize>, Vec<usize>) {
        let mut src: Vec<usize> = e.actors.iter().filter_map(|a| self.actor(a)).collect();
        let mut dst: Vec<usize> = e.recipients.iter().filter_map(|a| self.actor(a)).collect();
        src.sort_unstable();
        src.dedup();
        dst.sort_unstable();
        dst.dedup();
        (src, dst)
    }

    /// Issues whose keywords occur in the event's text (case-insensitive,
    /// whole words or numbers).
    pub fn issues(&self, e: &Event) -> Vec<usize> {
        let text = e.text.to_lowercase();
        self.sc
            .issues
            .iter()
            .enumerate()
            .filter(|(_, iss)| iss.keywords.iter().any(|k| contains_word(&text, &k.to_lowercase())))
            .map(|(i, _)| i)
            .collect()
    }
}

/// `needle` in `hay` with no letter or digit right before or after it.
pub fn contains_word(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let start = from + pos;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = start + needle.len().max(1);
        while !hay.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}
