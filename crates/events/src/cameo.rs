//! CAMEO codes (Schrodt, CAMEO manual 1.1b3, 2012) to PLOVER 2021 types and
//! modes, written by the project as rules from the PLOVER manual (draft 0.8,
//! 2021, "Relation to CAMEO"): each CAMEO root goes to one PLOVER type, with the
//! manual's named exceptions, and the mode follows the CAMEO sub-code's kind.
//! A test compares every code of the PLOVER project's own conversion table
//! (`CAMEO2PLOVER-2021.txt`, in `../shared`) with these rules.

use crate::model::{EventType, Quad};

/// PLOVER type and mode for a CAMEO event code (`"0311"`, `"190"`, `"19"`).
/// `None` for codes PLOVER does not code as events: root 01 (public
/// statements) and 02 (appeals), and anything that is not a CAMEO code.
pub fn to_plover(code: &str) -> Option<(EventType, &'static str)> {
    let code = code.trim();
    if !(2..=4).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let root: u8 = code[..2].parse().ok()?;
    let sub = &code[2..];
    let head = sub.chars().next();
    use EventType::*;
    let kind = match root {
        3 => Agree,
        4 => Consult,
        5 => Support,
        6 => Cooperate,
        7 => Aid,
        // Yield: easing restrictions and accepting demands concede; returning,
        // releasing, letting others in and de-escalating are retreats (manual §
        // RETREAT: "includes the CAMEO 084–087 and the easing of curfews and
        // emergencies, 0813–0814").
        8 => match sub {
            "13" | "14" => Retreat,
            _ if matches!(head, Some('4'..='7')) => Retreat,
            _ => Concede,
        },
        9 | 11 => Accuse,
        10 => Request,
        12 => Reject,
        13 => Threaten,
        14 => Protest,
        15 => Mobilize,
        // Reduce relations, except embargoes and sanctions, which PLOVER counts
        // as coercion.
        16 => {
            if sub == "3" {
                Coerce
            } else {
                Sanction
            }
        }
        // Coerce, except destroying property and violent repression: assaults.
        17 => match sub {
            "12" | "5" => Assault,
            _ => Coerce,
        },
        18 | 20 => Assault,
        // Fight, except blockades and occupation: coercion.
        19 => match sub {
            "1" | "2" => Coerce,
            _ => Assault,
        },
        _ => return None,
    };
    Some((kind, mode(root, sub)))
}

/// The PLOVER mode the CAMEO sub-code names, empty when it names none.
fn mode(root: u8, sub: &str) -> &'static str {
    let first = sub.get(..1).unwrap_or("");
    match (root, first, sub) {
        (4, _, "1") => "phone",
        (4, _, "2" | "3") => "visit",
        (4, _, "4") => "third-party",
        (8, _, "41") => "release",
        (8, _, "42") => "return",
        (8, _, "5") => "ease",
        (8, "6", _) => "access",
        (8, _, "71") => "ceasefire",
        (8, _, "72") => "withdraw",
        (8, "7", _) => "disarm",
        (9, _, _) => "investigate",
        (10, "1" | "2" | "3", _) => "assist",
        (10, "4", _) => "change",
        (10, _, "5") => "change",
        (10, "5", _) => "yield",
        (10, "6" | "7" | "8", _) => "meet",
        (11, _, "4" | "5") => "allege",
        (11, _, _) if sub.len() == 2 && first == "2" => "allege",
        (11, _, _) => "disapprove",
        (12, "1" | "2", _) => "assist",
        (12, _, "43" | "44" | "45" | "46") => "yield",
        (12, "3" | "4", _) => "change",
        (12, "5" | "6" | "7", _) => "meet",
        (12, "8" | "9", _) => "yield",
        (14, "1", _) => "demo",
        (14, "2", _) => "hunger",
        (14, "3", _) => "boycott",
        (14, "4", _) => "obstruct",
        (14, "5", _) => "riot",
        (15, "1" | "3", _) => "police",
        (15, "2" | "4", _) => "troops",
        (16, _, "1" | "4" | "5") => "withdraw",
        (16, "2", _) => "discontinue",
        (16, _, "3") => "restrict",
        (16, "6", _) => "expel",
        (17, "1", _) => "seize",
        (17, _, "2" | "21") => "restrict",
        (17, _, "22") => "ban",
        (17, _, "23") => "curfew",
        (17, _, "24") => "martial-law",
        (17, _, "3") => "arrest",
        (17, _, "4") => "deport",
        (18, "1" | "4", _) => "abduct",
        (18, _, "2") => "beat",
        (18, _, "21") => "sexual",
        (18, _, "22") => "torture",
        (18, _, "3" | "31") => "suicide-attack",
        (18, _, "32" | "33") => "explosives",
        (18, "5" | "6", _) => "assassinate",
        (19, _, "1") => "restrict",
        (19, _, "2") => "seize",
        (19, _, "3") => "firearms",
        (19, _, "4" | "5") => "heavy-weapons",
        (20, _, "0" | "2") => "massacre",
        (20, _, "1" | "3") => "cleansing",
        (20, "4", _) => "unconventional",
        _ => "",
    }
}

/// CAMEO's quad class for a code, from its root: 01–05 verbal cooperation,
/// 06–08 material cooperation, 09–13 verbal conflict, 14–20 material conflict.
pub fn quad_of(code: &str) -> Option<Quad> {
    let root: u8 = code.trim().get(..2)?.parse().ok()?;
    Some(match root {
        1..=5 => Quad::VerbalCooperation,
        6..=8 => Quad::MaterialCooperation,
        9..=13 => Quad::VerbalConflict,
        14..=20 => Quad::MaterialConflict,
        _ => return None,
    })
}
