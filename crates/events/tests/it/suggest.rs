//! Suggestions on a scenario small enough to check by hand.
use demarche_events::suggest::{overlay, suggest, SuggestOptions, SuggestionKind};
use demarche_events::{Event, EventActor, EventType, Provenance};

const SCENARIO: &str = r#"
[meta]
title = "Two parties and a mediator"
as_of = "2025-06-01"

[[actors]]
id = "a"
name = "Party A"
capability = 50
codes = ["AAA"]
aliases = ["Alpha"]

[[actors]]
id = "b"
name = "Party B"
capability = 50
codes = ["BBB"]

[[issues]]
id = "level"
name = "Level"
min = 0
max = 100
unit = "%"
low = "none"
high = "all"
keywords = ["level", "enrich"]

[[stances]]
actor = "a"
issue = "level"
position = 20
salience = 0.2

[[stances]]
actor = "b"
issue = "level"
position = 80
salience = 0.9
"#;

fn ev(id: &str, date: &str, kind: EventType, from: &str, to: &str, text: &str) -> Event {
    let mut e = Event::new(id, date, kind, Provenance::default());
    e.actors.push(EventActor::from_code("", from));
    e.recipients.push(EventActor::from_code("", to));
    e.text = text.into();
    e
}

#[test]
fn hostility_attention_a_stated_number_and_a_newcomer() {
    let sc = demarche_scenario::load_str(SCENARIO, Some(demarche_scenario::Format::Toml), None).unwrap().scenario;
    let mut events = Vec::new();
    // Six assaults between A and B (balance −1): a hostile relation, weight 1.
    for i in 0..6 {
        events.push(ev(&format!("x{i}"), "2025-06-10", EventType::Assault, "AAA", "BBB", "strikes"));
    }
    // A talks only about the level (5 of 5 issue events, salience 0.2): raise.
    for i in 0..5 {
        events.push(ev(&format!("l{i}"), "2025-06-11", EventType::Reject, "AAA", "BBB", "A will keep its level"));
    }
    // A states a number near a keyword: position 60.
    events.push(ev("n", "2025-06-12", EventType::Reject, "AAAGOV", "BBB", "A said it will enrich to 60 % and no less"));
    // CCC appears three times with B: a new actor.
    for i in 0..3 {
        events.push(ev(&format!("c{i}"), "2025-06-12", EventType::Consult, "CCC", "BBB", ""));
    }
    // Before --since: ignored.
    events.push(ev("old", "2025-01-01", EventType::Aid, "AAA", "BBB", ""));
    let since = demarche_events::series::parse_day("2025-06-01");
    let s = suggest(&sc, &events, since, &SuggestOptions::default());
    let kinds: Vec<&SuggestionKind> = s.iter().map(|x| &x.kind).collect();
    assert_eq!(
        kinds,
        [&SuggestionKind::Relation, &SuggestionKind::Salience, &SuggestionKind::Position, &SuggestionKind::NewActor],
        "{s:#?}"
    );
    assert_eq!((s[0].target.as_str(), s[0].suggested), ("a->b hostile", Some(1.0)));
    assert!(!s[0].events.contains(&"old".to_string()));
    // Salience: attention 6/6 = 1.0 against 0.2: half way, 0.6.
    assert_eq!((s[1].current, s[1].suggested), (Some(0.2), Some(0.6)));
    assert_eq!((s[2].target.as_str(), s[2].suggested), ("a / level", Some(60.0)));
    assert_eq!(s[2].events, ["n"]);
    assert!(!s[3].applicable);
    // The overlay applies (the new actor stays commented out) and changes what it says.
    let text = overlay("test", &s);
    let patched = demarche_scenario::patch::overlay_str(&sc, &text, "suggestions").unwrap().scenario;
    let st = patched.stances.iter().find(|x| x.actor == "a").unwrap();
    assert_eq!((st.position, st.salience), (60.0, 0.6));
    assert!(patched.relations.iter().any(|r| r.from == "a" && r.to == "b"));
    assert_eq!(patched.actors.len(), 2);
}

#[test]
fn no_events_no_suggestions_and_the_overlay_says_so() {
    let sc = demarche_scenario::load_str(SCENARIO, Some(demarche_scenario::Format::Toml), None).unwrap().scenario;
    let s = suggest(&sc, &[], None, &SuggestOptions::default());
    assert!(s.is_empty());
    assert!(overlay("test", &s).contains("No suggestions"));
}
