//! The coder's rules, each on sentences a reader can check by eye.
use demarche_events::coder::{self, CoderOptions, Dictionaries, Input, Negation};
use demarche_events::{Event, EventType};

use crate::common::{petrarch_dictionaries, shared_events};

fn code_with(d: &Dictionaries, text: &str, date: &str, opts: &CoderOptions) -> Vec<Event> {
    coder::code(d, &Input { id: "t".into(), text: text.into(), date: Some(date.into()) }, opts)
}

fn main_event(text: &str, date: &str) -> Event {
    let events = code_with(&Dictionaries::builtin(), text, date, &CoderOptions::default());
    events.into_iter().next().unwrap_or_else(|| panic!("no event in {text:?}"))
}

fn codes(list: &[demarche_events::EventActor]) -> Vec<&str> {
    list.iter().map(|a| a.code.as_str()).collect()
}

#[test]
fn built_in_dictionaries_read_without_a_problem() {
    let d = Dictionaries::builtin();
    assert!(d.problems.is_empty(), "{:?}", d.problems);
    assert!(
        d.verbs.blocks.len() >= 25 && d.actors.len() >= 60,
        "{} blocks, {} actors",
        d.verbs.blocks.len(),
        d.actors.len()
    );
}

#[test]
fn negated_events_are_flagged_or_dropped() {
    let e = main_event("Iran did not attack Israel.", "2025-06-10");
    assert_eq!(e.event, EventType::Assault);
    assert!(e.negated);
    let dropped = code_with(
        &Dictionaries::builtin(),
        "Iran did not attack Israel.",
        "2025-06-10",
        &CoderOptions { negation: Negation::Drop, ..Default::default() },
    );
    assert!(dropped.is_empty(), "{dropped:?}");
    assert!(!main_event("Iran attacked Israel.", "2025-06-10").negated);
}

#[test]
fn passive_voice_puts_the_agent_after_by_as_source() {
    let e = main_event("Iran was attacked by Israel on Friday.", "2025-06-13");
    assert_eq!(e.event, EventType::Assault);
    assert_eq!(codes(&e.actors), ["ISR"]);
    assert_eq!(codes(&e.recipients), ["IRN"]);
}

#[test]
fn compound_actors_are_all_kept() {
    let e = main_event("France, Britain and Germany condemned Iran.", "2025-06-10");
    assert_eq!(e.event, EventType::Accuse);
    assert_eq!(codes(&e.actors), ["FRA", "GBR", "DEU"]);
    assert_eq!(codes(&e.recipients), ["IRN"]);
    let e = main_event("Oman hosted Iran and the United States.", "2025-05-23");
    assert_eq!(codes(&e.recipients), ["IRN", "USA"]);
}

#[test]
fn actor_roles_follow_the_date_of_the_text() {
    let on = |date: &str| main_event("Trump met Araghchi in Muscat.", date);
    assert_eq!(codes(&on("2019-03-01").actors), ["USAGOV"]);
    assert_eq!(codes(&on("2022-03-01").actors), ["USAELI"], "out of office: the undated role");
    assert_eq!(codes(&on("2025-06-04").actors), ["USAGOV"]);
    assert_eq!(codes(&on("2025-06-04").recipients), ["IRNGOV"]);
}

#[test]
fn stated_intentions_and_refusals_follow_their_frame() {
    assert_eq!(main_event("Iran will strike Israel, the IRGC said.", "2025-06-10").event, EventType::Threaten);
    assert_eq!(main_event("Iran agreed to resume talks with the United States.", "2025-06-10").event, EventType::Agree);
    assert_eq!(main_event("Iran refused to halt enrichment.", "2025-06-10").event, EventType::Reject);
    let e = main_event("Khamenei rejected the US proposal on Wednesday.", "2025-06-04");
    assert_eq!(e.event, EventType::Reject);
    assert_eq!(codes(&e.actors), ["IRNGOV"]);
    // A condition is not an event.
    let events = code_with(
        &Dictionaries::builtin(),
        "Israel will respond if Iran attacks.",
        "2025-06-10",
        &CoderOptions::default(),
    );
    assert!(events.iter().all(|e| e.event != EventType::Assault), "{events:?}");
}

#[test]
fn every_event_says_why_and_the_first_of_a_sentence_is_its_main_event() {
    let events = code_with(
        &Dictionaries::builtin(),
        "Israel struck nuclear sites in Iran, and Iran fired missiles at Israel.",
        "2025-06-13",
        &CoderOptions::default(),
    );
    assert!(events.len() >= 2, "{events:?}");
    let c = events[0].coding.as_ref().unwrap();
    assert!(c.main && !c.rule.is_empty() && c.matched.iter().any(|m| m == "STRUCK"), "{c:?}");
    assert!(events[1..].iter().all(|e| !e.coding.as_ref().unwrap().main));
    assert_eq!(events[0].id, "t-1-1");
}

#[test]
fn sentences_split_at_full_stops_but_not_after_abbreviations() {
    let t = "The U.S. envoy met Mr. Araghchi. Oman hosted the talks.";
    let s = demarche_events::coder::text::sentences(t);
    assert_eq!(s.len(), 2, "{s:?}");
}

#[test]
fn the_petrarch_dictionaries_in_shared_are_read() {
    let Some(dir) = shared_events() else { return };
    let d = petrarch_dictionaries(&dir);
    assert!(d.verbs.blocks.len() > 350, "{} verb blocks", d.verbs.blocks.len());
    assert!(d.verbs.pattern_count() > 4000, "{} patterns", d.verbs.pattern_count());
    assert!(d.actors.len() > 20_000, "{} actors", d.actors.len());
    assert!(d.agents.len() > 500, "{} agents", d.agents.len());
    // Dated roles from the Phoenix file: Rouhani was Iran's president from 2013.
    let e = code_with(&d, "Hassan Rouhani criticized Israel.", "2015-01-01", &CoderOptions::default());
    assert_eq!(e.first().map(|e| e.actors[0].code.as_str()), Some("IRNGOV"), "{e:?}");
}

#[test]
fn a_malformed_dictionary_line_is_reported_with_its_place() {
    let mut d = Dictionaries::default();
    d.add_verbs("--- MEET [040] ---\nMEET\n- * TALKS no code here\n", "mine.verbs.txt");
    assert_eq!(d.problems.len(), 1, "{:?}", d.problems);
    assert_eq!(d.problems[0].line, 3);
    assert!(d.problems[0].to_string().starts_with("mine.verbs.txt:3:"), "{}", d.problems[0]);
}
