//! The event model: PLOVER 2021 (Halterman et al., "PLOVER and POLECAT", 2023;
//! the PLOVER manual, draft 0.8, 2021) — who did what to whom, when, with the
//! words it was read from and where it came from.

use serde::{Deserialize, Serialize};

/// PLOVER 2021's sixteen event types, in the manual's order (cooperative first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EventType {
    Agree,
    Consult,
    Support,
    Concede,
    Cooperate,
    Aid,
    Retreat,
    Request,
    Accuse,
    Reject,
    Threaten,
    Protest,
    Sanction,
    Mobilize,
    Coerce,
    Assault,
}

/// The four quad classes of CAMEO (verbal and material cooperation and
/// conflict), which PLOVER keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quad {
    VerbalCooperation = 1,
    MaterialCooperation = 2,
    VerbalConflict = 3,
    MaterialConflict = 4,
}

impl Quad {
    pub const ALL: [Quad; 4] =
        [Quad::VerbalCooperation, Quad::MaterialCooperation, Quad::VerbalConflict, Quad::MaterialConflict];

    pub fn from_number(n: u8) -> Option<Quad> {
        Quad::ALL.get(usize::from(n).wrapping_sub(1)).copied()
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn is_cooperation(self) -> bool {
        matches!(self, Quad::VerbalCooperation | Quad::MaterialCooperation)
    }

    pub fn label(self) -> &'static str {
        ["verbal cooperation", "material cooperation", "verbal conflict", "material conflict"][self as usize - 1]
    }
}

impl EventType {
    pub const ALL: [EventType; 16] = [
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Concede,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Retreat,
        EventType::Request,
        EventType::Accuse,
        EventType::Reject,
        EventType::Threaten,
        EventType::Protest,
        EventType::Sanction,
        EventType::Mobilize,
        EventType::Coerce,
        EventType::Assault,
    ];

    pub const NAMES: [&'static str; 16] = [
        "AGREE",
        "CONSULT",
        "SUPPORT",
        "CONCEDE",
        "COOPERATE",
        "AID",
        "RETREAT",
        "REQUEST",
        "ACCUSE",
        "REJECT",
        "THREATEN",
        "PROTEST",
        "SANCTION",
        "MOBILIZE",
        "COERCE",
        "ASSAULT",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// A PLOVER 2021 name, or one of PLOVER 0.5's older names as the PLOVER
    /// manual maps them (DEMAND → REQUEST, DISAPPROVE and INVESTIGATE → ACCUSE,
    /// FIGHT → ASSAULT). Case does not matter.
    pub fn parse(s: &str) -> Option<EventType> {
        let up = s.trim().to_ascii_uppercase();
        let name = match up.as_str() {
            "DEMAND" => "REQUEST",
            "DISAPPROVE" | "INVESTIGATE" => "ACCUSE",
            "FIGHT" => "ASSAULT",
            other => other,
        };
        Self::NAMES.iter().position(|n| *n == name).map(|i| Self::ALL[i])
    }

    /// The type's quad class as the PLOVER manual's table "Quad categories in
    /// PLOVER" gives it; SANCTION, which that table lists as verbal conflict
    /// while its own section calls it material, is taken as material (the
    /// CAMEO root 16 it gathers is material conflict).
    pub fn quad(self) -> Quad {
        use EventType::*;
        match self {
            Agree | Consult | Support | Concede => Quad::VerbalCooperation,
            Cooperate | Aid | Retreat => Quad::MaterialCooperation,
            Request | Accuse | Reject | Threaten => Quad::VerbalConflict,
            Protest | Sanction | Mobilize | Coerce | Assault => Quad::MaterialConflict,
        }
    }

    /// PLOVER's conflict–cooperation score for this type and mode, −10 (most
    /// hostile) to +10 (most cooperative): the table "Numeric
    /// conflict/cooperation scores" of the PLOVER manual (draft 2.0, 2024),
    /// which POLECAT publishes as its intensity. A mode the table does not
    /// score takes its type's score. One correction: the manual prints ACCUSE
    /// as +3 while every ACCUSE mode is negative; the project reads it as −3.
    pub fn intensity(self, mode: &str) -> f64 {
        use EventType::*;
        let by_mode = match (self, mode) {
            (Consult, "visit" | "multilateral") => Some(4.0),
            (Consult, "third-party") => Some(1.0),
            (Consult, "phone") => Some(1.5),
            (Retreat, "withdraw") => Some(8.0),
            (Retreat, "disarm") => Some(10.0),
            (Retreat, "ceasefire") => Some(7.5),
            (Retreat, "resign") => Some(4.5),
            (Request, "assist") => Some(0.5),
            (Request, "change" | "yield") => Some(-1.0),
            (Accuse, "disapprove") => Some(-2.0),
            (Accuse, "investigate" | "allege") => Some(-3.5),
            (Reject, "assist") => Some(-1.5),
            (Threaten, "restrict") => Some(-3.0),
            (Threaten, "territory") => Some(-4.0),
            (Protest, "riot") => Some(-7.0),
            (Protest, "hunger" | "boycott" | "obstruct") => Some(-4.5),
            (Sanction, "expel") => Some(-5.5),
            (Mobilize, "troops" | "weapons") => Some(-6.5),
            (Mobilize, "militia") => Some(-6.0),
            (Coerce, "censor" | "curfew" | "misinformation") => Some(-6.5),
            (Coerce, "martial-law") => Some(-7.5),
            (Assault, "abduct" | "torture" | "sexual" | "destroy") => Some(-8.5),
            (Assault, "beat" | "crowd-control") => Some(-7.5),
            (Assault, "targeted" | "suicide-attack" | "aerial" | "drone" | "heavy-weapons") => Some(-9.5),
            (Assault, "primitive") => Some(-8.0),
            (Assault, "unconventional") => Some(-10.0),
            _ => None,
        };
        by_mode.unwrap_or(match self {
            Agree | Consult => 2.5,
            Support => 5.0,
            Concede => 4.5,
            Cooperate => 9.5,
            Aid => 10.0,
            Retreat => 6.5,
            Request => 0.0,
            Accuse => -3.0,
            Reject => -2.0,
            Threaten => -3.5,
            Protest => -5.0,
            Sanction => -6.0,
            Mobilize => -5.5,
            Coerce => -7.0,
            Assault => -9.0,
        })
    }
}

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One actor or recipient of an event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventActor {
    /// The name as the source gives it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// ISO 3166-1 alpha-3 code, or `IGO`/`NGO`/… for bodies above states.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// Sector codes (`GOV`, `MIL`, `REB`, …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sector: Vec<String>,
    /// The full CAMEO-style code when the source has one (`IRNGOVMIL`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
}

impl EventActor {
    /// Splits a CAMEO actor code into country and three-letter sector codes:
    /// `IRNGOVMIL` → (`IRN`, [`GOV`, `MIL`]). Codes that start with a sector
    /// (`GOV`, `REB`) or an international type (`IGO`, `NGO`, `MNC`) keep it as
    /// their country field, as CAMEO does.
    pub fn from_code(name: &str, code: &str) -> EventActor {
        let code = code.trim().to_ascii_uppercase();
        let chunks: Vec<String> = code
            .as_bytes()
            .chunks(3)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let (country, sector) = match chunks.split_first() {
            Some((first, rest)) => (first.clone(), rest.to_vec()),
            None => (String::new(), Vec::new()),
        };
        EventActor { name: name.trim().to_string(), country, sector, code, wikidata: None }
    }
}

/// Where an event came from: the data set or coder, its own id there, the
/// outlet and link when known.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// `gdelt`, `icews`, `polecat`, `plover`, or `demarche-coder`.
    pub dataset: String,
    /// The record's id in that data set (GLOBALEVENTID, Event ID, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub record: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub outlet: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// The file it was imported from (its name, never the machine's path).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// Line or row number in that file (1-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

/// How the coder found an event, so an analyst can see why.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coding {
    /// The dictionary words that matched: actors, verb, pattern words.
    pub matched: Vec<String>,
    /// The verb block and pattern that fired (`ACCUSE: - * (OF) &CRIME [112]`).
    pub rule: String,
    /// The sentence's index in its input record (0-based).
    pub sentence: usize,
    /// Whether this is the first event coded from its sentence.
    pub main: bool,
}

/// One event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    /// ISO date `YYYY-MM-DD`.
    pub date: String,
    pub event: EventType,
    /// PLOVER mode (`visit`, `heavy-weapons`, …), empty when none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub mode: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    #[serde(default)]
    pub actors: Vec<EventActor>,
    #[serde(default)]
    pub recipients: Vec<EventActor>,
    /// PLOVER's score for the type and mode, see [`EventType::intensity`]
    /// (filled in from them when a hand-written record leaves it out).
    #[serde(default = "unset")]
    pub intensity: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cameo: Option<String>,
    /// The quad class, 1–4 (0 in a hand-written record: filled in from the type).
    #[serde(default)]
    pub quad: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goldstein: Option<f64>,
    /// The sentence or span the event was read from.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    #[serde(default)]
    pub source: Provenance,
    /// 1 for records a data set hands over as coded (and hand-written ones
    /// that leave it out); the coder's own estimate otherwise.
    #[serde(default = "certain")]
    pub confidence: f64,
    /// The text says the event did not happen ("did not agree"): kept, flagged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub negated: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coding: Option<Coding>,
}

fn unset() -> f64 {
    f64::NAN
}

fn certain() -> f64 {
    1.0
}

impl Event {
    /// Fills in what a hand-written record may leave out: the intensity and
    /// quad class its type and mode give.
    pub fn complete(&mut self) {
        if !self.intensity.is_finite() {
            self.intensity = self.event.intensity(&self.mode);
        }
        if self.quad == 0 {
            self.quad = self.event.quad().number();
        }
    }

    /// A new event of `kind` with its intensity and quad class filled in.
    pub fn new(id: impl Into<String>, date: impl Into<String>, kind: EventType, source: Provenance) -> Event {
        Event::with_mode(id, date, kind, "", source)
    }

    /// A new event of `kind` and `mode`, scored.
    pub fn with_mode(
        id: impl Into<String>,
        date: impl Into<String>,
        kind: EventType,
        mode: &str,
        source: Provenance,
    ) -> Event {
        Event {
            id: id.into(),
            date: date.into(),
            event: kind,
            mode: mode.to_string(),
            context: Vec::new(),
            actors: Vec::new(),
            recipients: Vec::new(),
            intensity: kind.intensity(mode),
            cameo: None,
            quad: kind.quad().number(),
            goldstein: None,
            text: String::new(),
            source,
            confidence: 1.0,
            negated: false,
            coding: None,
        }
    }

    /// The score that sums across events: Goldstein when the source gave one,
    /// the type's intensity otherwise.
    pub fn score(&self) -> f64 {
        self.goldstein.unwrap_or(self.intensity)
    }

    pub fn quad_class(&self) -> Quad {
        Quad::from_number(self.quad).unwrap_or_else(|| self.event.quad())
    }
}
